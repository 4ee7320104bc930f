// Weight normalisation's ops: norm_except_dim and _weight_norm (w = g · v / ‖v‖, the norm over every dim but
// one), which nn.utils.weight_norm recomputes before each forward.
import { trace_op, tracing } from '../jit/tracer.js';
import { no_grad } from '../autograd/grad_mode.js';
import { normalize_dim } from '../shape.js';
import { signature, type PyArgs } from '../signature.js';
import type { Tensor } from '../tensor.js';
import { div, mul, sub } from './arithmetic.js';
import { record } from './record.js';
import { norm } from './reduce.js';
import { sum_dims } from './reduce.js';
import { contiguous, reshape } from './view.js';

const NORM_EXCEPT_DIM = signature<{ v: Tensor; pow: number; dim: number }>('norm_except_dim(Tensor v, int pow=2, int dim=0)');
const WEIGHT_NORM = signature<{ v: Tensor; g: Tensor; dim: number }>('_weight_norm(Tensor v, Tensor g, int dim=0)');

/**
 * The `pow`-norm of `v` over every dim but `dim`, shaped to broadcast against `v` (size 1 everywhere but
 * `dim`); with `dim = -1`, the norm of the whole tensor (0-d).
 *
 * @example
 * torch.norm_except_dim(torch.ones(2, 3)); // [[1.7321], [1.7321]]
 */
export function norm_except_dim(...args: PyArgs<[v: Tensor, pow: number, dim: number], { v?: Tensor; pow?: number; dim?: number }>): Tensor {
  if (tracing) return trace_op('aten::norm_except_dim', norm_except_dim, args, NORM_EXCEPT_DIM);
  const { v, pow, dim } = NORM_EXCEPT_DIM.parse(args);
  if (dim === -1) return norm(v, pow);
  const d = normalize_dim(dim, v.ndim);
  const others = v._shape.map((_, i) => i).filter((i) => i !== d);
  const shape = v._shape.map((n, i) => (i === d ? n : 1));
  return reshape(norm(contiguous(v), pow, others, true), shape);
}

/** The per-slice norm of `v` (all dims but `d`), kept to broadcast. */
const slice_norm = (v: Tensor, d: number): Tensor => norm(v, 2, v._shape.map((_, i) => i).filter((i) => i !== d), true);

/**
 * `g · v / ‖v‖` with the norm over every dim but `dim` (`dim = -1`: the whole of `v`). For `dim` 0 or the last,
 * one fused op with PyTorch's node WeightNormInterfaceBackward0; otherwise composed (MulBackward0), as PyTorch's
 * CPU kernel does.
 *
 * @example
 * torch._weight_norm(v, g, 0); // v's rows scaled to norms g
 */
export function _weight_norm(...args: PyArgs<[v: Tensor, g: Tensor, dim: number], { v?: Tensor; g?: Tensor; dim?: number }>): Tensor {
  if (tracing) return trace_op('aten::_weight_norm', _weight_norm, args, WEIGHT_NORM);
  const { v, g, dim } = WEIGHT_NORM.parse(args);
  const fused = v.ndim > 0 && (dim === 0 || dim === v.ndim - 1);
  if (!fused) return mul(v, div(g, norm_except_dim(v, 2, dim)));
  const d = dim;
  const out = no_grad(() => mul(v, div(g, slice_norm(v, d))));
  record('WeightNormInterfaceBackward0', [v, g], [out], (ctx, [grad]) => {
    const [vs, gs] = ctx.saved_tensors;
    const n = slice_norm(vs!, d);
    const others = vs!._shape.map((_, i) => i).filter((i) => i !== d);
    // ⟨grad, v⟩ per slice: g's gradient is it over ‖v‖; v's is (g/‖v‖)(grad - v ⟨grad, v⟩ / ‖v‖²)
    const dot = sum_dims(mul(grad!, vs!), others, true);
    const grad_g = reshape(div(dot, n), gs!._shape);
    const grad_v = mul(div(gs!.reshape(n._shape), n), sub(grad!, mul(vs!, div(dot, mul(n, n)))));
    return [grad_v, grad_g];
  }, [v, g], ['v', 'g']);
  return out;
}
