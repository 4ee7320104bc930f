// Distances between rows: F.cosine_similarity and F.pairwise_distance, composed of differentiable ops as PyTorch
// composes them, and pdist (PdistBackward0) between all pairs of rows.
import { trace_op, tracing } from '../jit/tracer.js';
import { signature, type PyArgs } from '../signature.js';
import { Tensor } from '../tensor.js';
import { broadcast_shapes } from '../shape.js';
import { add, div, eq, logical_or, mul, pow, sub, where } from './arithmetic.js';
import { amax, norm, sum } from './reduce.js';
import { no_grad } from '../autograd/grad_mode.js';
import { abs, clamp, sign } from './unary.js';
import { record } from './record.js';
import { index_add, index_select } from './scatter.js';
import { unsqueeze } from './view.js';
import { zeros_like } from './creation.js';

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
  const a = COSINE.parse(args);
  const { dim, eps } = a;
  // expanded to their common shape first, as PyTorch does, so `dim` counts in the broadcast shape
  const shape = broadcast_shapes(a.x1._shape, a.x2._shape);
  const same = (t: Tensor): boolean => t._shape.length === shape.length && t._shape.every((n, i) => n === shape[i]);
  const x1 = same(a.x1) ? a.x1 : a.x1.expand(shape);
  const x2 = same(a.x2) ? a.x2 : a.x2.expand(shape);
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
  if (p === 0) return sum(d.ne(0).to(d._dtype), dim, { keepdim });
  return pow(sum(pow(d, p), dim, { keepdim }), 1 / p);
}

const PDIST = signature<{ input: Tensor; p: number }>('pdist(Tensor input, float p=2)');
/**
 * The p-norm distance between every pair of rows `i < j` of an `[N, M]` input, in row-major pair order: a
 * vector of `N(N−1)/2` (PdistBackward0; the gradient is zero for coincident rows, as PyTorch's).
 *
 * @example
 * torch.pdist(torch.tensor([[0, 0], [3, 4], [0, 1]])); // [5, 1, 4.2426]
 */
export function pdist(...args: PyArgs<[input: Tensor, p: number], { input?: Tensor; p?: number }>): Tensor {
  if (tracing) return trace_op('aten::pdist', pdist, args, PDIST);
  const { input: x, p } = PDIST.parse(args);
  if (x.ndim !== 2) throw new Error(`pdist only supports 2D tensors, got: ${x.ndim}D`);
  if (x._dtype !== 'float32' && x._dtype !== 'float64') throw new Error('pdist only supports floating-point dtypes');
  if (p < 0) throw new Error('pdist only supports non-negative p values');
  const n = x._shape[0]!;
  const rows_i: number[] = [];
  const rows_j: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) (rows_i.push(i), rows_j.push(j));
  const I = int64_vector(rows_i);
  const J = int64_vector(rows_j);
  const diff = no_grad(() => sub(index_select(x, 0, I), index_select(x, 0, J)));
  const out = no_grad(() => pair_norm(diff, p));
  record('PdistBackward0', [x], [out], (ctx, [g]) => {
    const [xs, d] = ctx.saved_tensors;
    const dx = sub(index_select(xs!, 0, I), index_select(xs!, 0, J));
    const w = mul(unsqueeze(g!, 1), pair_slope(dx, unsqueeze(d!, 1), p));
    return [sub(index_add(zeros_like(xs!), 0, I, w), index_add(zeros_like(xs!), 0, J, w))];
  }, [x, out], ['self', 'result']);
  return out;
}

/** ‖row‖_p of each row of the pair differences (p = 0 counts non-zeros, ∞ takes the largest). */
function pair_norm(diff: Tensor, p: number): Tensor {
  const a = abs(diff);
  if (p === Infinity) return amax(a, [1]);
  if (p === 0) return sum(a.ne(0).to(a._dtype), 1);
  return pow(sum(pow(a, p), 1), 1 / p);
}

/** d‖diff‖_p / d diff for each pair, 0 where the pair's distance is 0 (and where a coordinate difference is 0 for p < 1). */
function pair_slope(diff: Tensor, d: Tensor, p: number): Tensor {
  if (p === 0) return mul(diff, 0);
  const s = sign(diff);
  if (p === 1) return s;
  const coincident = eq(d, 0);
  if (p === Infinity) return where(coincident, 0, mul(s, eq(abs(diff), d).to(diff._dtype)));
  const slope = div(mul(s, pow(abs(diff), p - 1)), pow(d, p - 1));
  return where(p < 1 ? logical_or(coincident, eq(diff, 0)) : coincident, 0, slope);
}

function int64_vector(values: number[]): Tensor {
  const t = Tensor.empty([values.length], 'int64');
  t._storage.data.set(values);
  return t;
}
