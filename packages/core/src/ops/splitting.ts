// Splitting and reordering: tensor_split / hsplit / vsplit / dsplit (SliceBackward0 views), column_stack,
// row_stack, ravel, Tensor.unfold (a windowed view, UnfoldBackward0), narrow_copy, rot90 (Rot90Backward0),
// msort and repeat_interleave (IndexSelectBackward0), composed where PyTorch composes them.
import { trace_op, tracing } from '../jit/tracer.js';
import { no_grad } from '../autograd/grad_mode.js';
import { normalize_dim, numel_of } from '../shape.js';
import { Tensor } from '../tensor.js';
import { scalar_type_name } from '../dtype.js';
import { overloads, signature, type PyArgs } from '../signature.js';
import { empty, record } from './record.js';
import { as_view, clone, contiguous, geometry, narrow, reshape, slice, transpose, view } from './view.js';
import { hstack, vstack } from './dim_views.js';
import { flip } from './reorder.js';
import { sort } from './sorting.js';
import { index_select } from './scatter.js';

type SplitSpec = number | readonly number[] | Tensor;

/** `tensor_split`'s sections / indices argument as the list of split points along a dim of `size`. */
function split_points(spec: SplitSpec, size: number, fn: string): number[] {
  if (spec instanceof Tensor) {
    if (spec._dtype !== 'int64') throw new Error(`${fn} expected tensor_indices_or_sections to have dtype of long, but got ${scalar_type_name(spec._dtype)}`);
    if (spec.ndim > 1) throw new Error(`${fn} expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with ${spec.ndim} dims`);
    const values = Array.from(spec._contiguous_data());
    return split_points(spec.ndim === 0 ? values[0]! : values, size, fn);
  }
  if (typeof spec === 'number') {
    if (spec <= 0) throw new Error(`number of sections must be larger than 0, got ${spec}`);
    // the first size % sections pieces get one element more
    const base = Math.floor(size / spec);
    const extra = size % spec;
    const points: number[] = [];
    let at = 0;
    for (let i = 0; i < spec - 1; i++) points.push((at += base + (i < extra ? 1 : 0)));
    return points;
  }
  return [...spec];
}

/** Slices of `x` along `d` between consecutive split points (clamped as Python slices are). */
function split_at_points(x: Tensor, d: number, points: readonly number[]): Tensor[] {
  const bounds = [0, ...points];
  return bounds.map((start, i) => slice(x, d, start, i + 1 < bounds.length ? Math.max(start, bounds[i + 1]!) : null));
}

type TensorSplitParsed = { input: Tensor; sections?: number; indices?: number[]; tensor_indices_or_sections?: Tensor; dim: number };
const TENSOR_SPLIT = overloads<TensorSplitParsed>(
  'tensor_split(Tensor input, int[] indices, int dim=0)',
  'tensor_split(Tensor input, Tensor tensor_indices_or_sections, int dim=0)',
  'tensor_split(Tensor input, int sections, int dim=0)',
);
/** The arguments of `x.tensor_split(...)`. */
export type TensorSplitMethodArgs = PyArgs<[indices_or_sections: number | readonly number[] | Tensor, dim: number], {
  /** How many nearly equal pieces. */
  sections?: number;
  /** The positions to split before. */
  indices?: readonly number[];
  /** A 0-d tensor of sections or a 1-d tensor of indices. */
  tensor_indices_or_sections?: Tensor;
  /** The dim to work along. */
  dim?: number;
}>;

/**
 * Views of `input` split along `dim` (SliceBackward0 each): into `sections` nearly equal pieces (the first
 * `size % sections` one longer), or before each of the `indices` (PyTorch's `torch.tensor_split`). A tensor
 * argument is read as sections (0-d) or indices (1-d).
 *
 * @example
 * torch.tensor_split(torch.arange(7), 3).map((t) => t.tolist()); // [[0, 1, 2], [3, 4], [5, 6]]
 * torch.tensor_split(torch.arange(7), [1, 5]); // [0], [1, 2, 3, 4], [5, 6]
 */
export function tensor_split(...args: PyArgs<[input: Tensor, indices_or_sections: number | readonly number[] | Tensor, dim: number], { input?: Tensor; sections?: number; indices?: readonly number[]; tensor_indices_or_sections?: Tensor; dim?: number }>): Tensor[] {
  if (tracing) return trace_op('aten::tensor_split', tensor_split, args) as Tensor[];
  const a = TENSOR_SPLIT.parse(args).values;
  const x = a.input;
  if (x.ndim === 0) throw new Error('tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims');
  const d = normalize_dim(a.dim, x.ndim);
  return split_at_points(x, d, split_points(a.indices ?? a.tensor_indices_or_sections ?? a.sections!, x._shape[d]!, 'tensor_split'));
}

/**
 * hsplit / vsplit / dsplit: `tensor_split` along dim 1 (dim 0 for 1-d input to hsplit), 0 or 2, where a number
 * of sections must divide the dim evenly.
 */
function directional_split(fn: 'hsplit' | 'vsplit' | 'dsplit', x: Tensor, spec: number | readonly number[]): Tensor[] {
  const min_dims = { hsplit: 1, vsplit: 2, dsplit: 3 }[fn];
  if (x.ndim < min_dims) {
    throw new Error(`torch.${fn} requires a tensor with at least ${min_dims} dimension, but got a tensor with ${x.ndim} dimensions!`);
  }
  const d = fn === 'hsplit' ? (x.ndim === 1 ? 0 : 1) : fn === 'vsplit' ? 0 : 2;
  const size = x._shape[d]!;
  if (typeof spec === 'number' && (spec === 0 || size % spec !== 0)) {
    throw new Error(`torch.${fn} attempted to split along dimension ${d}, but the size of the dimension ${size} is not divisible by the split_size ${spec}!`);
  }
  return split_at_points(x, d, split_points(spec, size, fn));
}

type DirSplitParsed = { input: Tensor; sections?: number; indices?: number[] };
const DIR_SPLITS = Object.fromEntries((['hsplit', 'vsplit', 'dsplit'] as const).map((fn) => [fn, overloads<DirSplitParsed>(`${fn}(Tensor input, int sections)`, `${fn}(Tensor input, int[] indices)`)]));
type DirSplitArgs = PyArgs<[input: Tensor, indices_or_sections: number | readonly number[]], { input?: Tensor; sections?: number; indices?: readonly number[] }>;
/** The arguments of `x.hsplit(...)`, `x.vsplit(...)`, `x.dsplit(...)`. */
export type DirSplitMethodArgs = PyArgs<[indices_or_sections: number | readonly number[]], {
  /** How many nearly equal pieces. */
  sections?: number;
  /** The positions to split before. */
  indices?: readonly number[];
}>;

function dir_split(fn: 'hsplit' | 'vsplit' | 'dsplit', args: DirSplitArgs): Tensor[] {
  const a = DIR_SPLITS[fn]!.parse(args).values;
  return directional_split(fn, a.input, a.indices ?? a.sections!);
}
/**
 * Splits column-wise: `tensor_split` along dim 1 (dim 0 for a 1-d input); a number of sections must divide it.
 *
 * @example
 * torch.hsplit(torch.ones([2, 6]), 3).length; // 3 pieces of [2, 2]
 */
export function hsplit(...args: DirSplitArgs): Tensor[] {
  if (tracing) return trace_op('aten::hsplit', hsplit, args) as Tensor[];
  return dir_split('hsplit', args);
}
/**
 * Splits row-wise: `tensor_split` along dim 0 of an input with at least 2 dims.
 *
 * @example
 * torch.vsplit(torch.ones([4, 2]), [1, 3]).map((t) => t.shape[0]); // [1, 2, 1]
 */
export function vsplit(...args: DirSplitArgs): Tensor[] {
  if (tracing) return trace_op('aten::vsplit', vsplit, args) as Tensor[];
  return dir_split('vsplit', args);
}
/**
 * Splits depth-wise: `tensor_split` along dim 2 of an input with at least 3 dims.
 *
 * @example
 * torch.dsplit(torch.ones([1, 2, 4]), 2).length; // 2
 */
export function dsplit(...args: DirSplitArgs): Tensor[] {
  if (tracing) return trace_op('aten::dsplit', dsplit, args) as Tensor[];
  return dir_split('dsplit', args);
}

const COLUMN_STACK = signature<{ tensors: Tensor[] }>('column_stack(Tensor[] tensors)');
const ROW_STACK = signature<{ tensors: Tensor[] }>('row_stack(Tensor[] tensors)');
/**
 * Joins tensors as columns (CatBackward0): 0-d and 1-d inputs become `[n, 1]` columns, the rest join along dim 1.
 *
 * @example
 * torch.column_stack([torch.tensor([1, 2]), torch.tensor([[3, 4], [5, 6]])]); // [[1, 3, 4], [2, 5, 6]]
 */
export function column_stack(...args: PyArgs<[tensors: readonly Tensor[]], { tensors?: readonly Tensor[] }>): Tensor {
  if (tracing) return trace_op('aten::column_stack', column_stack, args, COLUMN_STACK);
  const { tensors } = COLUMN_STACK.parse(args);
  if (tensors.length === 0) throw new Error('column_stack expects a non-empty TensorList');
  return hstack(tensors.map((t) => (t.ndim <= 1 ? reshape(t, [t.numel(), 1]) : t)));
}
/**
 * `vstack` under its other name: joins tensors row-wise after lifting each to 2-d (CatBackward0).
 *
 * @example
 * torch.row_stack([torch.tensor([1, 2]), torch.tensor([3, 4])]); // [[1, 2], [3, 4]]
 */
export function row_stack(...args: PyArgs<[tensors: readonly Tensor[]], { tensors?: readonly Tensor[] }>): Tensor {
  if (tracing) return trace_op('aten::row_stack', row_stack, args, ROW_STACK);
  return vstack(ROW_STACK.parse(args).tensors);
}

const RAVEL = signature<{ input: Tensor }>('ravel(Tensor input)');
/**
 * The elements as one dim, in row-major order: a view when `input` is contiguous, else a copy (ViewBackward0).
 *
 * @example
 * torch.ravel(torch.tensor([[1, 2], [3, 4]]).t()); // [1, 3, 2, 4]
 */
export function ravel(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  const x = args.length === 1 && args[0] instanceof Tensor ? args[0] : RAVEL.parse(args).input;
  if (tracing) return trace_op('aten::ravel', ravel, [x]);
  return view(contiguous(x), [-1]);
}

const UNFOLD = signature<{ self: Tensor; dimension: number; size: number; step: number }>('unfold(Tensor self, int dimension, int size, int step)');
/** The arguments of `x.unfold(...)`. */
export type UnfoldMethodArgs = PyArgs<[dimension: number, size: number, step: number], {
  /** The dim windows slide along. */
  dimension?: number;
  /** The window length. */
  size?: number;
  /** The distance between window starts. */
  step?: number;
}>;

/**
 * `Tensor.unfold(dimension, size, step)` (this function is the method; `torch.unfold` does not exist): a view of every window of `size` elements along `dimension`, `step`
 * apart, the window as a new last dim (UnfoldBackward0: each element's gradient sums over the windows holding it).
 *
 * @example
 * torch.arange(6).unfold(0, 3, 2).tolist(); // [[0, 1, 2], [2, 3, 4]]
 */
export function unfold_windows(self: Tensor, ...args: UnfoldMethodArgs): Tensor {
  if (tracing) return trace_op('aten::unfold', unfold_windows, [self, ...args]);
  const { dimension, size, step } = UNFOLD.parse([self, ...args], { method: true });
  const d = self.ndim === 0 ? 0 : normalize_dim(dimension, self.ndim);
  const length = self.ndim === 0 ? 1 : self._shape[d]!;
  if (size > length) throw new Error(`maximum size for tensor at dimension ${d} is ${length} but size is ${size}`);
  if (size < 0) throw new Error(`size is ${size} but must be >= 0`);
  if (step <= 0) throw new Error(`step is ${step} but must be > 0`);
  const g = geometry(self);
  const windows = Math.floor((length - size) / step) + 1;
  const shape = self.ndim === 0 ? [size] : [...g.shape.slice(0, d), windows, ...g.shape.slice(d + 1), size];
  const inner_stride = self.ndim === 0 ? 1 : g.strides[d]!;
  const strides = self.ndim === 0 ? [1] : [...g.strides.slice(0, d), inner_stride * step, ...g.strides.slice(d + 1), inner_stride];
  const out = as_view(self, { shape, strides, offset: g.offset });
  const in_shape = self._shape;
  record('UnfoldBackward0', [self], [out], (_c, [grad]) => [unfold_backward(grad!, in_shape, d, size, step)]);
  return out;
}

/**
 * The gradient of `unfold`: `grad` (windows along `d`, window elements last) summed back onto `in_shape`
 * (UnfoldBackwardBackward0, whose own gradient is `unfold` again).
 */
function unfold_backward(grad: Tensor, in_shape: readonly number[], d: number, size: number, step: number): Tensor {
  const out = empty(in_shape, grad._dtype);
  const od = out._storage.data;
  const gc = contiguous(grad).detach()._storage.data;
  const outer = numel_of(in_shape.slice(0, d));
  const length = in_shape.length === 0 ? 1 : in_shape[d]!;
  const inner = numel_of(in_shape.slice(d + 1));
  const windows = grad.ndim === 0 ? 1 : Math.floor((length - size) / step) + 1;
  od.fill(0);
  // grad[o, w, n, k] lands on input[o, w·step + k, n]
  for (let o = 0; o < outer; o++) {
    for (let w = 0; w < windows; w++) {
      for (let n = 0; n < inner; n++) {
        const g_base = ((o * windows + w) * inner + n) * size;
        for (let k = 0; k < size; k++) od[(o * length + w * step + k) * inner + n]! += gc[g_base + k]!;
      }
    }
  }
  record('UnfoldBackwardBackward0', [grad], [out], (_c, [gg]) => [unfold_windows(gg!, d, size, step)]);
  return out;
}

const NARROW_COPY = signature<{ input: Tensor; dim: number; start: number; length: number }>('narrow_copy(Tensor input, int dim, int start, int length)');
/**
 * A fresh copy of `narrow(input, dim, start, length)` (never sharing memory with `input`).
 *
 * @example
 * torch.narrow_copy(torch.arange(5), 0, 1, 3); // [1, 2, 3]
 */
export function narrow_copy(...args: PyArgs<[input: Tensor, dim: number, start: number, length: number], { input?: Tensor; dim?: number; start?: number; length?: number }>): Tensor {
  if (tracing) return trace_op('aten::narrow_copy', narrow_copy, args, NARROW_COPY);
  const a = NARROW_COPY.parse(args);
  return clone(narrow(a.input, a.dim, a.start, a.length));
}

const ROT90 = signature<{ input: Tensor; k: number; dims: number[] }>('rot90(Tensor input, int k=1, int[] dims=[0,1])');
/** The arguments of `x.rot90(...)`. */
export type Rot90MethodArgs = PyArgs<[k: number, dims: readonly number[]], {
  /** How many quarter turns (rot90), or which order statistic, 1-based (kthvalue). */
  k?: number;
  /** The two dims of the rotation plane (default [0, 1]). */
  dims?: readonly number[];
}>;

/**
 * Rotates by `k`·90° in the plane of `dims`, from the first dim's direction towards the second's
 * (Rot90Backward0: the gradient rotates back by `-k`).
 *
 * @example
 * torch.rot90(torch.tensor([[1, 2], [3, 4]])); // [[2, 4], [1, 3]]
 */
export function rot90(...args: PyArgs<[input: Tensor, k: number, dims: readonly number[]], { input?: Tensor; k?: number; dims?: readonly number[] }>): Tensor {
  if (tracing) return trace_op('aten::rot90', rot90, args, ROT90);
  const { input: x, k, dims } = ROT90.parse(args);
  if (dims.length !== 2) throw new Error(`expected total rotation dims == 2, but got dims = ${dims.length}`);
  if (x.ndim < 2) throw new Error(`expected total dims >= 2, but got total dims = ${x.ndim}`);
  const [d0, d1] = [normalize_dim(dims[0]!, x.ndim), normalize_dim(dims[1]!, x.ndim)];
  if (d0 === d1) throw new Error(`expected rotation dims to be different, but got dim0 = ${d0} and dim1 = ${d1}`);
  const turns = ((k % 4) + 4) % 4;
  // odd turns: the flipped copy with d0 and d1 swapped, strides and all, as PyTorch's result (not a view)
  const out = no_grad(() => {
    const src = x.detach();
    if (turns === 0) return clone(src);
    if (turns === 2) return flip(src, [d0, d1]);
    const flipped = flip(src, [turns === 1 ? d1 : d0]);
    const t = transpose(flipped, d0, d1);
    return new Tensor(flipped._storage, t._shape, t._dtype, t._strides, 0);
  });
  record('Rot90Backward0', [x], [out], (_c, [g]) => [rot90(g!, -k, [d0, d1])]);
  return out;
}

const MSORT = signature<{ input: Tensor }>('msort(Tensor input)');
/**
 * The values sorted along dim 0, ascending (`sort(input, 0).values`; SortBackward0).
 *
 * @example
 * torch.msort(torch.tensor([[3, 1], [1, 2]])); // [[1, 1], [3, 2]]
 */
export function msort(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  const x = args.length === 1 && args[0] instanceof Tensor ? args[0] : MSORT.parse(args).input;
  if (tracing) return trace_op('aten::msort', msort, [x]);
  return sort(x, 0).values;
}

type RepeatParsed = { input?: Tensor; repeats: Tensor | number; dim?: number | null; output_size: number | null };
const REPEAT_INTERLEAVE = overloads<RepeatParsed>(
  'repeat_interleave(Tensor input, Tensor repeats, int? dim=None, *, int? output_size=None)',
  'repeat_interleave(Tensor input, int repeats, int? dim=None, *, int? output_size=None)',
  'repeat_interleave(Tensor repeats, *, int? output_size=None)',
);
/** The arguments of `x.repeat_interleave(...)`. */
export type RepeatInterleaveMethodArgs = PyArgs<[repeats: Tensor | number, dim: number | null], {
  /** How often to repeat each element: a number or one count per element. */
  repeats?: Tensor | number;
  /** The dim to work along. */
  dim?: number | null;
  /** The total length along `dim`, if known (checked). */
  output_size?: number | null;
}>;

/** `[0]·r0 + [1]·r1 + …`: each index `i` repeated `repeats[i]` times (int64), checked against `output_size`. */
function repeated_indices(repeats: Tensor, output_size: number | null): Tensor {
  if (repeats.ndim > 1) throw new Error('repeat_interleave only accept 1D vector as repeat');
  if (repeats._dtype !== 'int64') throw new Error(`repeats has to be Long or Int tensor`);
  const r = repeats._contiguous_data();
  let total = 0;
  for (let i = 0; i < r.length; i++) {
    if (r[i]! < 0) throw new Error('repeats can not be negative');
    total += r[i]!;
  }
  if (output_size !== null && output_size !== total) throw new Error('allocated size does not match required size');
  const out = empty([total], 'int64');
  const od = out._storage.data;
  let at = 0;
  for (let i = 0; i < r.length; i++) for (let j = 0; j < r[i]!; j++) od[at++] = i;
  return out;
}

/**
 * Repeats each element (or each slice along `dim`) `repeats` times in place (IndexSelectBackward0): `repeats`
 * a number or a tensor with one count per element; without `dim` the input is flattened first. With only a
 * `repeats` tensor, gives each index repeated that many times.
 *
 * @example
 * torch.repeat_interleave(torch.tensor([1, 2]), 2); // [1, 1, 2, 2]
 * torch.repeat_interleave(torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, 2]), { dim: 0 }); // [[1, 2], [3, 4], [3, 4]]
 */
export function repeat_interleave(...args: PyArgs<[input: Tensor, repeats: Tensor | number, dim: number | null], { input?: Tensor; repeats?: Tensor | number; dim?: number | null; output_size?: number | null }>): Tensor {
  if (tracing) return trace_op('aten::repeat_interleave', repeat_interleave, args);
  const a = REPEAT_INTERLEAVE.parse(args).values;
  if (a.input === undefined) return repeated_indices(a.repeats as Tensor, a.output_size);
  let x = a.input;
  let d = 0;
  if (a.dim === null || a.dim === undefined) x = reshape(x, [-1]);
  else d = normalize_dim(a.dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x._shape[d]!;
  let repeats: Tensor;
  if (a.repeats instanceof Tensor) {
    const n = a.repeats.numel();
    if (a.repeats.ndim > 1 || (n !== 1 && n !== size)) throw new Error('repeats must have the same size as input along dim');
    repeats = n === 1 && size !== 1 ? full_counts(size, a.repeats._contiguous_data()[0]!) : reshape(a.repeats, [n]);
  } else {
    repeats = full_counts(size, a.repeats);
  }
  if (x.ndim === 0) x = reshape(x, [1]);
  return index_select(x, d, repeated_indices(repeats, a.output_size));
}

function full_counts(n: number, count: number): Tensor {
  if (count < 0) throw new Error('repeats can not be negative');
  const t = empty([n], 'int64');
  t._storage.data.fill(count);
  return t;
}
