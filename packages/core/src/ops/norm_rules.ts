// The p-norm of a tensor over some dims and its gradient, shared by torch.norm (NormBackward1) and
// torch.linalg.vector_norm (LinalgVectorNormBackward0).
import type { Tensor } from '../tensor.js';
import { div, eq, masked_fill, mul, ne, pow, to_dtype } from './arithmetic.js';
import { amax, amin, sum_dims } from './reduce.js';
import { abs, sign } from './unary.js';

/** The p-norm over `dims` (null: all), keeping reduced dims as size 1 when `dims` is given. */
export function norm_value(x: Tensor, p: number, dims: number[] | null): Tensor {
  const reduce_sum = (t: Tensor): Tensor => sum_dims(t, dims, dims !== null);
  if (p === 0) return reduce_sum(to_dtype(ne(x, 0), x._dtype));
  if (p === Infinity || p === -Infinity) {
    if (x.numel() === 0) return reduce_sum(abs(x));
    return p > 0 ? amax(abs(x), dims ?? [], dims !== null) : amin(abs(x), dims ?? [], dims !== null);
  }
  if (p === 1) return reduce_sum(abs(x));
  return pow(reduce_sum(pow(abs(x), p)), 1 / p);
}

/** The gradient of the p-norm `r` (reduced dims kept) of `a` times `g` over `dims` (null: all; PyTorch's norm_backward; differentiable). */
export function norm_backward(g: Tensor, a: Tensor, r: Tensor, p: number, dims: number[] | null): Tensor | null {
  if (p === 0) return null;
  // 0 where the norm is 0 (PyTorch masks those out)
  const over = (num: Tensor, den: Tensor): Tensor => masked_fill(div(num, den), eq(r, 0), 0);
  if (p === 1) return mul(sign(a), g);
  if (p === 2) return mul(a, over(g, r));
  if (!Number.isFinite(p)) {
    // ±inf: split evenly over the entries of extreme |x|
    const mask = to_dtype(eq(abs(a), r), a._dtype);
    return mul(sign(a), mul(mask, div(g, sum_dims(mask, dims, dims !== null))));
  }
  if (p < 1) {
    // |x|^(p-1) is infinite at 0, where the gradient is taken to be 0
    const scaled = masked_fill(mul(sign(a), pow(abs(a), p - 1)), eq(a, 0), 0);
    return mul(mul(scaled, g), pow(r, 1 - p));
  }
  return mul(mul(sign(a), pow(abs(a), p - 1)), over(g, pow(r, p - 1)));
}
