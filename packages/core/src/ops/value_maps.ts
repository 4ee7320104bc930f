// Elementwise maps of JS number functions over tensors, in float64 and rounded once to the result dtype: the
// forward values of the ops whose formula has no kernel of its own. Nothing is recorded.
import type { DType } from '../dtype.js';
import { no_grad } from '../autograd/grad_mode.js';
import { broadcast_shapes, shapes_equal } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { float_dtype } from './arithmetic.js';
import { empty } from './record.js';
import { expand } from './view.js';

/**
 * `f` applied to every element of `x` in row-major order, into a new tensor of `dtype` (by default x's float
 * dtype: integral and bool inputs give the default float dtype, as PyTorch's float-valued ops).
 *
 * @hidden
 */
export function map_values(x: Tensor, f: (v: number) => number, dtype: DType = float_dtype(x._dtype)): Tensor {
  const src = x._contiguous_data();
  const out = empty(x._shape, dtype);
  const o = out._storage.data;
  for (let i = 0; i < o.length; i++) o[i] = f(src[i]!);
  return out;
}

/** Row-major values of `t` broadcast to `shape`. */
function values_at(t: Tensor, shape: number[]): ArrayLike<number> {
  return shapes_equal(t._shape, shape) ? t._contiguous_data() : no_grad(() => expand(t, shape))._contiguous_data();
}

/**
 * `f(a, b)` for the elements of `x` and `y` broadcast together (NumPy's rule), into a new tensor of `dtype`.
 *
 * @hidden
 */
export function map_values2(x: Tensor, y: Tensor, f: (a: number, b: number) => number, dtype: DType): Tensor {
  const shape = broadcast_shapes(x._shape, y._shape);
  const a = values_at(x, shape);
  const b = values_at(y, shape);
  const out = empty(shape, dtype);
  const o = out._storage.data;
  for (let i = 0; i < o.length; i++) o[i] = f(a[i]!, b[i]!);
  return out;
}
