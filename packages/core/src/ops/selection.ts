// Selecting elements by mask or flat position: masked_select (MaskedSelectBackward0), take (TakeBackward0),
// take_along_dim (a gather, as PyTorch composes it), and the positions themselves: nonzero / argwhere.
import { trace_op, tracing } from '../jit/tracer.js';
import { broadcast_shapes, normalize_dim } from '../shape.js';
import { scalar_type_name } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { empty, record } from './record.js';
import { expand, reshape } from './view.js';
import { gather } from './indexing.js';
import { signature, type PyArgs } from '../signature.js';
import { masked_fill, type Scalar } from './arithmetic.js';
import { apply_inplace } from './inplace.js';

/** `x` and `mask` broadcast against each other, as flat data of their common shape. */
function broadcast_pair(x: Tensor, mask: Tensor): { shape: number[]; xd: ArrayLike<number>; md: ArrayLike<number> } {
  const shape = broadcast_shapes(mask._shape, x._shape);
  return { shape, xd: expand(x.detach(), shape)._contiguous_data(), md: expand(mask, shape)._contiguous_data() };
}

const MASKED_FILL_ = signature<{ self: Tensor; mask: Tensor; value: Scalar | Tensor }>('masked_fill_(Tensor self, Tensor mask, Tensor|Scalar value)');
/** The arguments of `x.masked_fill_(...)` (and `x.masked_fill(...)`). */
export type MaskedFillMethodArgs = PyArgs<[mask: Tensor, value: Scalar | Tensor], {
  /** Where to write: a bool tensor broadcastable to the tensor's shape. */
  mask?: Tensor;
  /** The number written, or a 0-dim tensor holding it. */
  value?: Scalar | Tensor;
}>;

/**
 * Writes `value` into `self` where the bool `mask` (broadcast to `self`'s shape) is true, in place
 * (MaskedFillBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * scores.masked_fill_(pad_mask, -Infinity);
 */
export function masked_fill_<T extends Tensor>(self: T, ...args: MaskedFillMethodArgs): T {
  if (tracing) return trace_op('aten::masked_fill_', masked_fill_, [self, ...args]) as T;
  const { mask, value } = MASKED_FILL_.parse([self, ...args]);
  return apply_inplace(self, value instanceof Tensor ? [value] : [], false, (alias) => masked_fill(alias, mask, value));
}

const MASKED_SELECT = signature<{ input: Tensor; mask: Tensor }>('masked_select(Tensor input, Tensor mask)');
/**
 * The elements of `input` where the bool `mask` holds (the two broadcast), as a 1-D tensor
 * (MaskedSelectBackward0: the gradient goes back to those positions).
 *
 * @example
 * torch.masked_select(torch.tensor([1, 2, 3]), torch.tensor([true, false, true])); // [1, 3]
 */
export function masked_select(...args: PyArgs<[input: Tensor, mask: Tensor], { input?: Tensor; mask?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::masked_select', masked_select, args, MASKED_SELECT);
  const { input: x, mask } = MASKED_SELECT.parse(args);
  if (mask._dtype !== 'bool') throw new Error('masked_select: expected BoolTensor or ByteTensor for mask');
  return masked_select_raw(x, mask);
}

function masked_select_raw(x: Tensor, mask: Tensor): Tensor {
  const { shape, xd, md } = broadcast_pair(x, mask);
  const picked: number[] = [];
  for (let i = 0; i < md.length; i++) if (md[i]) picked.push(xd[i]!);
  const out = empty([picked.length], x._dtype);
  out._storage.data.set(picked);
  record('MaskedSelectBackward0', [x], [out], (ctx, [g]) => [masked_scatter_zeros(g!, ctx.saved_tensors[0]!, shape)], [mask]);
  return out;
}

/** Zeros of `shape` with `src`'s elements written in order where `mask` holds (masked_select's adjoint). */
function masked_scatter_zeros(src: Tensor, mask: Tensor, shape: readonly number[]): Tensor {
  const out = empty(shape, src._dtype);
  const od = out._storage.data;
  const md = expand(mask, shape)._contiguous_data();
  const sd = src._contiguous_data();
  for (let i = 0, k = 0; i < md.length; i++) if (md[i]) od[i] = sd[k++]!;
  record('MaskedScatterBackward0', [null, src], [out], (ctx, [g]) => [null, masked_select_raw(g!, ctx.saved_tensors[0]!)], [mask]);
  return out;
}

const NONZERO = signature<{ input: Tensor; as_tuple: boolean }>('nonzero(Tensor input, *, bool as_tuple=False)');
/**
 * The coordinates of the non-zero elements, in row-major order: an int64 `[n, ndim]` tensor, or with
 * `as_tuple` one int64 vector per dim (not differentiable).
 *
 * @example
 * torch.nonzero(torch.tensor([[0, 1], [2, 0]])); // [[0, 1], [1, 0]]
 */
export function nonzero(...args: PyArgs<[input: Tensor], { input?: Tensor; as_tuple?: boolean }>): Tensor | Tensor[] {
  if (tracing) return trace_op('aten::nonzero', nonzero, args, NONZERO);
  const { input: x, as_tuple } = NONZERO.parse(args);
  const coords = nonzero_coords(x);
  if (!as_tuple) return coords;
  const n = coords._shape[0]!;
  const nd = Math.max(x.ndim, 1);
  const cd = coords._storage.data;
  return Array.from({ length: nd }, (_, d) => {
    const t = empty([n], 'int64');
    for (let i = 0; i < n; i++) t._storage.data[i] = x.ndim === 0 ? 0 : cd[i * nd + d]!;
    return t;
  });
}

function nonzero_coords(x: Tensor): Tensor {
  const d = x._contiguous_data();
  const shape = x._shape;
  const hits: number[] = [];
  let n = 0;
  for (let i = 0; i < d.length; i++) {
    if (d[i] === 0) continue;
    n++;
    let rem = i;
    const c = new Array<number>(shape.length);
    for (let k = shape.length - 1; k >= 0; k--) {
      c[k] = rem % shape[k]!;
      rem = Math.floor(rem / shape[k]!);
    }
    hits.push(...c);
  }
  const out = empty([n, shape.length], 'int64');
  out._storage.data.set(hits);
  return out;
}

const ARGWHERE = signature<{ input: Tensor }>('argwhere(Tensor input)');
/**
 * {@link nonzero}'s `[n, ndim]` coordinates of the non-zero elements (NumPy's name).
 *
 * @example
 * torch.argwhere(torch.tensor([0, 3, 0, 5])); // [[1], [3]]
 */
export function argwhere(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::argwhere', argwhere, args, ARGWHERE);
  return nonzero_coords(ARGWHERE.parse(args).input);
}

const TAKE = signature<{ input: Tensor; index: Tensor }>('take(Tensor input, Tensor index)');
/** Flat positions (negative from the end) checked against `n` elements. */
function take_positions(index: Tensor, n: number): Int32Array {
  if (index._dtype !== 'int64') throw new Error(`take(): Expected a long tensor for index, but got ${scalar_type_name(index._dtype)}`);
  const idx = index._contiguous_data();
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (v < -n || v >= n) throw new RangeError(`out of range: tried to access index ${v} on a tensor of ${n} elements.`);
    out[i] = v < 0 ? v + n : v;
  }
  return out;
}

/**
 * The elements of `input`, read as a flat row-major vector, at `index` (int64, negative counting from the end);
 * the result has index's shape (TakeBackward0: the gradient adds back into those positions).
 *
 * @example
 * torch.take(torch.tensor([[4, 3], [5, 7]]), torch.tensor([0, 3])); // [4, 7]
 */
export function take(...args: PyArgs<[input: Tensor, index: Tensor], { input?: Tensor; index?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::take', take, args, TAKE);
  const { input: x, index } = TAKE.parse(args);
  return take_at(x, index, take_positions(index, x.numel()));
}

function take_at(x: Tensor, index: Tensor, pos: Int32Array): Tensor {
  const out = empty(index._shape, x._dtype);
  const src = x._contiguous_data();
  for (let i = 0; i < pos.length; i++) out._storage.data[i] = src[pos[i]!]!;
  const shape = x._shape;
  record('TakeBackward0', [x], [out], (ctx, [g]) => [put_add_zeros(g!, ctx.saved_tensors[0]!, pos, shape)], [index]);
  return out;
}

/** Zeros of `shape` with `src` added at flat positions `pos` (take's adjoint, as PyTorch's `put_(…, accumulate)`). */
function put_add_zeros(src: Tensor, index: Tensor, pos: Int32Array, shape: readonly number[]): Tensor {
  const out = empty(shape, src._dtype);
  const od = out._storage.data;
  const sd = src._contiguous_data();
  for (let i = 0; i < pos.length; i++) od[pos[i]!] += sd[i]!;
  record('PutBackward0', [null, src], [out], (ctx, [g]) => [null, take_at(g!, ctx.saved_tensors[0]!, pos)], [index]);
  return out;
}

const TAKE_ALONG = signature<{ input: Tensor; indices: Tensor; dim: number | null }>('take_along_dim(Tensor input, Tensor indices, int? dim=None)');
/** The arguments of `x.take_along_dim(...)`. */
export type TakeAlongDimMethodArgs = PyArgs<[indices: Tensor, dim: number | null], {
  /** int64 positions along `dim`, broadcast against the input off `dim`. */
  indices?: Tensor;
  /** The dim read along; absent or null: the flattened input. */
  dim?: number | null;
}>;
/**
 * The entries of `input` at `indices` along `dim`, the two broadcast against each other off `dim` (a gather, as
 * PyTorch composes it: GatherBackward0); without `dim`, over the flattened input (as `take`, with gather's rules).
 *
 * @example
 * torch.take_along_dim(x, x.argsort(1), 1); // x sorted along dim 1
 */
export function take_along_dim(...args: PyArgs<[input: Tensor, indices: Tensor, dim: number | null], { input?: Tensor; indices?: Tensor; dim?: number | null }>): Tensor {
  if (tracing) return trace_op('aten::take_along_dim', take_along_dim, args, TAKE_ALONG);
  const { input: x, indices, dim } = TAKE_ALONG.parse(args);
  if (indices._dtype !== 'int64') throw new Error(`torch.take_along_dim(): dtype of indices should be Long but got ${scalar_type_name(indices._dtype)}`);
  if (dim === null) return gather(reshape(x, [-1]), 0, reshape(indices, [-1]));
  if (x.ndim !== indices.ndim) {
    throw new Error(`torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${x.ndim} dimensions for input, and ${indices.ndim} dimensions for indices`);
  }
  const d = normalize_dim(dim, x.ndim);
  const common = broadcast_shapes(x._shape.map((s, i) => (i === d ? indices._shape[d]! : s)), indices._shape);
  const xs = expand(x, common.map((s, i) => (i === d ? x._shape[d]! : s)));
  const is = expand(indices, common.map((s, i) => (i === d ? indices._shape[d]! : s)));
  return gather(xs, d, is);
}
