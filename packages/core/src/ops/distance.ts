// Distances between rows: F.cosine_similarity and F.pairwise_distance, composed of differentiable ops as PyTorch
// composes them.
import { trace_op, tracing } from '../jit/tracer.js';
import { signature, type PyArgs } from '../signature.js';
import type { Tensor } from '../tensor.js';
import { broadcast_shapes } from '../shape.js';
import { add, div, mul, pow, sub } from './arithmetic.js';
import { amax, norm, sum } from './reduce.js';
import { no_grad } from '../autograd/grad_mode.js';
import { abs, clamp } from './unary.js';

const COSINE = signature<{ x1: Tensor; x2: Tensor; dim: number; eps: number }>('cosine_similarity(Tensor x1, Tensor x2, int dim=1, float eps=1e-8)');

/**
 * `(x1 / max(‖x1‖, eps))·(x2 / max(‖x2‖, eps))` along `dim` (broadcasting the two), as PyTorch computes it:
 * each vector is scaled by its own norm clamped at `eps` before the product.
 *
 * @example
 * F.cosine_similarity(a, b, { dim: 1 })
 */
export function cosine_similarity(...args: PyArgs<[x1: Tensor, x2: Tensor, dim: number, eps: number], { x1?: Tensor; x2?: Tensor; dim?: number; eps?: number }>): Tensor {
  if (tracing) return trace_op('aten::cosine_similarity', cosine_similarity, args, COSINE);
  const { x1, x2, dim, eps } = COSINE.parse(args);
  broadcast_shapes(x1.shape, x2.shape);
  // as PyTorch 2.x: each norm (zero gradient at a zero vector) is raised to eps outside autograd, so the
  // gradient flows through it unchanged and a zero vector gets x2 / (eps·|x2|), not NaN
  const clamped_norm = (x: Tensor): Tensor => {
    const n = norm(x, 2, { dim, keepdim: true });
    return add(n, no_grad(() => sub(clamp(n, { min: eps }), n)));
  };
  return sum(mul(div(x1, clamped_norm(x1)), div(x2, clamped_norm(x2))), dim);
}

const PAIRWISE = signature<{ x1: Tensor; x2: Tensor; p: number; eps: number; keepdim: boolean }>('pairwise_distance(Tensor x1, Tensor x2, float p=2.0, float eps=1e-6, bool keepdim=False)');

/**
 * The p-norm of `x1 − x2 + eps` over the last dim.
 *
 * @example
 * F.pairwise_distance(a, b); F.pairwise_distance(a, b, { p: 1 })
 */
export function pairwise_distance(...args: PyArgs<[x1: Tensor, x2: Tensor, p: number, eps: number, keepdim: boolean], { x1?: Tensor; x2?: Tensor; p?: number; eps?: number; keepdim?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::pairwise_distance', pairwise_distance, args, PAIRWISE);
  const { x1, x2, p, eps, keepdim } = PAIRWISE.parse(args);
  const nd = Math.max(x1.ndim, x2.ndim);
  const d = abs(add(sub(x1, x2), eps));
  const dim = nd === 0 ? [] : [-1];
  if (p === Infinity) return amax(d, dim, { keepdim });
  if (p === 0) return sum(d.ne(0).to(d.dtype), dim, { keepdim });
  return pow(sum(pow(d, p), dim, { keepdim }), 1 / p);
}
