// View and shape ops (share storage: view, transpose, permute, expand, select, slice …) plus cat/stack.
import { trace_op, tracing } from '../jit/tracer.js';
import { contiguous_strides, infer_size, normalize_dim, numel_of, shapes_equal } from '../shape.js';
import { kernels } from '../kernels/backend.js';
import { promote_names } from '../dtype.js';
import { Storage, Tensor } from '../tensor.js';
import { is_int_list, overloads, signature, type PyArgs } from '../signature.js';
import { empty, record } from './record.js';
import type { BackwardFn } from '../autograd/node.js';
import { sum_to } from './reduce.js';
import { to_dtype } from './arithmetic.js';
import { is_inference_mode_enabled, is_recording } from '../autograd/grad_mode.js';
import { CreationMeta } from '../autograd/creation_meta.js';
import { broadcast_offsets } from '../kernels/strided.js';

/** A view geometry: shape, strides and storage offset. */
export interface Geometry {
  /** Size of each dim. */
  shape: number[];
  /** Storage elements between neighbours along each dim. */
  strides: number[];
  /** Storage index of the first element. */
  offset: number;
}

/**
 * A tensor sharing `x`'s storage with another geometry (no recording): a view whose `_base` is `x`'s root. Made
 * in no_grad mode it remembers so (PyTorch's CreationMeta), and a view of a view keeps its parent's restriction.
 *
 * @hidden
 */
export function as_view(x: Tensor, g: Geometry, creation: CreationMeta = CreationMeta.DEFAULT): Tensor {
  const t = new Tensor(x._storage, g.shape, x._dtype, g.strides, g.offset);
  // a view of an inference tensor is an inference tensor, and no view as far as autograd is concerned
  t._inference = x._inference;
  if (x._inference) return t;
  t._base = x._base ?? x;
  t._attr_version = x._storage.version;
  const made = is_recording() ? creation : is_inference_mode_enabled() ? CreationMeta.INFERENCE_MODE : CreationMeta.NO_GRAD_MODE;
  const parent = x._base === null ? CreationMeta.DEFAULT : x._creation_meta;
  t._creation_meta = made === CreationMeta.DEFAULT || parent === CreationMeta.INFERENCE_MODE ? parent : made;
  return t;
}

/**
 * The shape, strides and storage offset of `x` (its own arrays, not copies).
 *
 * @hidden
 */
export function geometry(x: Tensor): Geometry {
  return { shape: x._shape, strides: x._strides, offset: x._offset };
}

function contiguous_geometry(shape: readonly number[]): Geometry {
  return { shape: [...shape], strides: contiguous_strides(shape), offset: 0 };
}

/**
 * PyTorch's computeStride: strides for viewing `old` as `new_shape` without copying, or null.
 *
 * @hidden
 */
export function compute_stride(old_shape: readonly number[], old_strides: readonly number[], new_shape: readonly number[]): number[] | null {
  if (old_shape.length === 0) return new_shape.map(() => 1);
  const numel = numel_of(old_shape);
  if (numel === 0) return shapes_equal(old_shape, new_shape) ? [...old_strides] : contiguous_strides(new_shape);
  const new_strides = new Array<number>(new_shape.length).fill(0);
  let view_d = new_shape.length - 1;
  let chunk_base_stride = old_strides[old_strides.length - 1]!;
  let tensor_numel = 1;
  let view_numel = 1;
  for (let tensor_d = old_shape.length - 1; tensor_d >= 0; tensor_d--) {
    tensor_numel *= old_shape[tensor_d]!;
    if (tensor_d === 0 || (old_shape[tensor_d - 1] !== 1 && old_strides[tensor_d - 1] !== tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || new_shape[view_d] === 1)) {
        new_strides[view_d] = view_numel * chunk_base_stride;
        view_numel *= new_shape[view_d]!;
        view_d--;
      }
      if (view_numel !== tensor_numel) return null;
      if (tensor_d > 0) {
        chunk_base_stride = old_strides[tensor_d - 1]!;
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d !== -1) return null;
  return new_strides;
}

function view_impl(x: Tensor, shape: readonly number[], name: string): Tensor {
  const target = infer_size(shape, x.numel());
  const strides = compute_stride(x._shape, x._strides, target);
  if (strides === null) {
    throw new Error(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  const out = as_view(x, { shape: target, strides, offset: x._offset });
  const in_shape = x._shape;
  record(name, [x], [out], (_c, [g]) => [reshape(g!, in_shape)]);
  return out;
}

/**
 * A view with another shape (ViewBackward0); one dim may be -1.
 *
 * @example
 * x.view(x.size(0), -1); x.view([2, 6]);
 */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  if (tracing) return trace_op('aten::view', view, [x, shape]);
  return view_impl(x, shape, 'ViewBackward0');
}

/**
 * The same elements with another shape: a view when strides allow (ViewBackward0, as PyTorch 2.x), otherwise a
 * copy (UnsafeViewBackward0 over CloneBackward0). One dim may be -1.
 *
 * @example
 * torch.reshape(torch.arange(6), [2, -1]).shape; // [2, 3]
 */
export function reshape(...args: PyArgs<[input: Tensor, shape: readonly number[]], { input?: Tensor; shape?: readonly number[] }>): Tensor {
  if (args.length === 2 && args[0] instanceof Tensor && is_int_list(args[1])) return reshape_to(args[0], args[1]);
  const a = RESHAPE.parse(args);
  return reshape_to(a.input, a.shape);
}
const RESHAPE = signature<{ input: Tensor; shape: number[] }>('reshape(Tensor input, int[] shape)');

function reshape_to(x: Tensor, shape: readonly number[]): Tensor {
  if (tracing) return trace_op('aten::reshape', reshape_to, [x, shape]);
  const target = infer_size(shape, x.numel(), 'reshape');
  if (compute_stride(x._shape, x._strides, target) !== null) return view(x, target);
  return view_impl(clone(x), target, 'UnsafeViewBackward0');
}

/**
 * Reshape recorded as UnsafeViewBackward0 (what matmul uses for its folded results); PyTorch's `_unsafe_view`.
 *
 * @hidden
 */
export function unsafe_view(x: Tensor, shape: readonly number[]): Tensor {
  if (tracing) return trace_op('aten::_unsafe_view', unsafe_view, [x, shape]) as Tensor;
  const target = infer_size(shape, x.numel());
  if (compute_stride(x._shape, x._strides, target) !== null) return view_impl(x, target, 'UnsafeViewBackward0');
  return view_impl(clone(x), target, 'UnsafeViewBackward0');
}

const FLATTEN = signature<{ input: Tensor; start_dim: number; end_dim: number }>('flatten(Tensor input, int start_dim=0, int end_dim=-1)');

/**
 * Flattens dims `start_dim..end_dim` into one (a reshape).
 *
 * @example
 * torch.flatten(x, 1); torch.flatten(x, { start_dim: 1 }); x.flatten(0, 1);
 */
export function flatten(...args: PyArgs<[input: Tensor, start_dim: number, end_dim: number], { input?: Tensor; start_dim?: number; end_dim?: number }>): Tensor {
  if (tracing) return trace_op('aten::flatten', flatten, args, FLATTEN);
  const { input: x, start_dim, end_dim } = FLATTEN.parse(args);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalize_dim(start_dim, x.ndim);
  const e = normalize_dim(end_dim, x.ndim);
  if (s > e) throw new Error('flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return x;
  const shape = [...x._shape.slice(0, s), numel_of(x._shape.slice(s, e + 1)), ...x._shape.slice(e + 1)];
  return reshape(x, shape);
}

const UNFLATTEN = signature<{ input: Tensor; dim: number; sizes: number[] }>('unflatten(Tensor input, int dim, int[] sizes)');
/**
 * Splits dim `dim` into `sizes` (one may be -1): the inverse of `flatten`, a view (ViewBackward0).
 *
 * @example
 * torch.unflatten(torch.zeros(2, 6), 1, [3, -1]).shape; // [2, 3, 2]
 */
export function unflatten(...args: PyArgs<[input: Tensor, dim: number, sizes: readonly number[]], { input?: Tensor; dim?: number; sizes?: readonly number[] }>): Tensor {
  const { input: x, dim, sizes } = UNFLATTEN.parse(args);
  const d = normalize_dim(dim, x.ndim);
  if (sizes.length === 0) throw new Error('unflatten: sizes must be non-empty');
  const size = x._shape[d] ?? 1;
  const known = sizes.reduce((n, s) => (s === -1 ? n : n * s), 1);
  if (sizes.includes(-1) ? known === 0 || size % known !== 0 : known !== size) {
    throw new Error(`unflatten: Provided sizes [${sizes.join(', ')}] don't multiply up to the size of dim ${dim} (${size}) in the input tensor`);
  }
  return view(x, [...x._shape.slice(0, d), ...infer_size(sizes, size), ...x._shape.slice(d + 1)]);
}

/**
 * A view with dims `dim0` and `dim1` swapped (TransposeBackward0).
 *
 * @example
 * torch.transpose(torch.zeros(2, 3, 4), 0, 2).shape; // [4, 3, 2]
 */
export function transpose(...args: PyArgs<[input: Tensor, dim0: number, dim1: number], { input?: Tensor; dim0?: number; dim1?: number }>): Tensor {
  if (args.length === 3 && args[0] instanceof Tensor && Number.isInteger(args[1]) && Number.isInteger(args[2])) return transpose_dims(args[0], args[1] as number, args[2] as number);
  const a = TRANSPOSE.parse(args);
  return transpose_dims(a.input, a.dim0, a.dim1);
}
const TRANSPOSE = signature<{ input: Tensor; dim0: number; dim1: number }>('transpose(Tensor input, int dim0, int dim1)');

function transpose_dims(x: Tensor, dim0: number, dim1: number): Tensor {
  if (tracing) return trace_op('aten::transpose', transpose_dims, [x, dim0, dim1]);
  const a = normalize_dim(dim0, x.ndim);
  const b = normalize_dim(dim1, x.ndim);
  const shape = [...x._shape];
  const strides = [...x._strides];
  [shape[a], shape[b]] = [shape[b]!, shape[a]!];
  [strides[a], strides[b]] = [strides[b]!, strides[a]!];
  const out = x.ndim === 0 ? as_view(x, geometry(x)) : as_view(x, { shape, strides, offset: x._offset });
  record('TransposeBackward0', [x], [out], (_c, [g]) => [transpose_dims(g!, a, b)]);
  return out;
}

const SWAPAXES = signature<{ input: Tensor; axis0: number; axis1: number }>('swapaxes(Tensor input, int axis0, int axis1)');
const SWAPDIMS = signature<{ input: Tensor; dim0: number; dim1: number }>('swapdims(Tensor input, int dim0, int dim1)');
/**
 * `transpose` under NumPy's name and argument names (TransposeBackward0).
 *
 * @example
 * torch.swapaxes(torch.zeros(2, 3, 4), 0, 2).shape; // [4, 3, 2]
 */
export function swapaxes(...args: PyArgs<[input: Tensor, axis0: number, axis1: number], { input?: Tensor; axis0?: number; axis1?: number }>): Tensor {
  const a = SWAPAXES.parse(args);
  return transpose_dims(a.input, a.axis0, a.axis1);
}
/**
 * `transpose` under NumPy's other name (TransposeBackward0).
 *
 * @example
 * torch.swapdims(torch.zeros(2, 3, 4), 0, 2).shape; // [4, 3, 2]
 */
export function swapdims(...args: PyArgs<[input: Tensor, dim0: number, dim1: number], { input?: Tensor; dim0?: number; dim1?: number }>): Tensor {
  const a = SWAPDIMS.parse(args);
  return transpose_dims(a.input, a.dim0, a.dim1);
}

/**
 * Transpose of a ≤2-D tensor (TBackward0); 0-D and 1-D tensors come back as they are (as a view).
 *
 * @example
 * torch.t(torch.tensor([[1, 2, 3]])); // [[1], [2], [3]]
 */
export function t(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  return t2(args.length === 1 && args[0] instanceof Tensor ? args[0] : T_SIG.parse(args).input);
}
const T_SIG = signature<{ input: Tensor }>('t(Tensor input)');

function t2(x: Tensor): Tensor {
  if (tracing) return trace_op('aten::t', t2, [x]);
  if (x.ndim > 2) throw new Error(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  const out = x.ndim < 2 ? as_view(x, geometry(x)) : as_view(x, { shape: [x._shape[1]!, x._shape[0]!], strides: [x._strides[1]!, x._strides[0]!], offset: x._offset });
  record('TBackward0', [x], [out], (_c, [g]) => [t2(g!)]);
  return out;
}

/**
 * A view with the dims reordered: dim `i` of the result is dim `dims[i]` of `x` (PermuteBackward0).
 *
 * @example
 * torch.permute(torch.zeros(2, 3, 4), [2, 0, 1]).shape; // [4, 2, 3]
 */
export function permute(...args: PyArgs<[input: Tensor, dims: readonly number[]], { input?: Tensor; dims?: readonly number[] }>): Tensor {
  if (args.length === 2 && args[0] instanceof Tensor && is_int_list(args[1])) return permute_dims(args[0], args[1]);
  const a = PERMUTE.parse(args);
  return permute_dims(a.input, a.dims);
}
const PERMUTE = signature<{ input: Tensor; dims: number[] }>('permute(Tensor input, int[] dims)');

function permute_dims(x: Tensor, dims: readonly number[]): Tensor {
  if (tracing) return trace_op('aten::permute', permute_dims, [x, dims]);
  if (dims.length !== x.ndim) {
    // PyTorch's words, "(sparse_coo)" included: its dense permute shares the sparse check's text
    throw new Error(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.ndim} is not equal to len(dims) = ${dims.length}`);
  }
  const d = dims.map((v) => normalize_dim(v, x.ndim));
  if (new Set(d).size !== d.length) throw new Error('permute(): duplicate dims are not allowed.');
  const out = as_view(x, { shape: d.map((i) => x._shape[i]!), strides: d.map((i) => x._strides[i]!), offset: x._offset });
  const inverse = new Array<number>(d.length);
  d.forEach((v, i) => (inverse[v] = i));
  record('PermuteBackward0', [x], [out], (_c, [g]) => [permute_dims(g!, inverse)]);
  return out;
}

/**
 * A view with a size-1 dim inserted at `dim` (negative counts from the end of the result) (UnsqueezeBackward0).
 *
 * @example
 * torch.unsqueeze(torch.zeros(3), 0).shape; // [1, 3]
 */
export function unsqueeze(...args: PyArgs<[input: Tensor, dim: number], { input?: Tensor; dim?: number }>): Tensor {
  if (args.length === 2 && args[0] instanceof Tensor && Number.isInteger(args[1])) return unsqueeze_dim(args[0], args[1] as number);
  const a = UNSQUEEZE.parse(args);
  return unsqueeze_dim(a.input, a.dim);
}
const UNSQUEEZE = signature<{ input: Tensor; dim: number }>('unsqueeze(Tensor input, int dim)');

function unsqueeze_dim(x: Tensor, dim: number): Tensor {
  if (tracing) return trace_op('aten::unsqueeze', unsqueeze_dim, [x, dim]);
  const d = normalize_dim(dim, x.ndim + 1);
  const shape = [...x._shape];
  const strides = [...x._strides];
  const st = d < x.ndim ? shape[d]! * strides[d]! : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, st);
  const out = as_view(x, { shape, strides, offset: x._offset });
  record('UnsqueezeBackward0', [x], [out], (_c, [g]) => [squeeze_dims(g!, [d], 'SqueezeBackward1')]);
  return out;
}

const SQUEEZE = overloads<{ input: Tensor } | { input: Tensor; dim: number } | { input: Tensor; dim: number[] }>(
  'squeeze(Tensor input)', 'squeeze(Tensor input, int dim)', 'squeeze(Tensor input, int[] dim)');

/**
 * A view without size-1 dims: all of them (SqueezeBackward0), `dim` only (SqueezeBackward1) or those of a list of
 * dims (SqueezeBackward2, PyTorch 2.x); a listed dim whose size is not 1 stays.
 *
 * @example
 * torch.squeeze(torch.zeros(1, 3, 1)).shape; // [3]
 * torch.squeeze(torch.zeros(1, 3, 1), [0, 2]).shape; // [3]
 */
export function squeeze(...args: PyArgs<[input: Tensor, dim: number | readonly number[] | null], { input?: Tensor; dim?: number | readonly number[] | null }>): Tensor {
  const x = args[0];
  if (x instanceof Tensor) {
    if (args.length === 1) return squeeze_dims(x, null, 'SqueezeBackward0');
    if (args.length === 2 && Number.isInteger(args[1])) return squeeze_dims(x, [args[1] as number], 'SqueezeBackward1');
  }
  const { values } = SQUEEZE.parse(args);
  if (!('dim' in values)) return squeeze_dims(values.input, null, 'SqueezeBackward0');
  const dim = values.dim;
  return typeof dim === 'number' ? squeeze_dims(values.input, [dim], 'SqueezeBackward1') : squeeze_dims(values.input, dim, 'SqueezeBackward2');
}

/**
 * Drops the size-1 dims among `dims` (all size-1 dims when null), recorded as `node_name` (ops that decompose
 * into a squeeze name their own node).
 *
 * @hidden
 */
export function squeeze_dims(x: Tensor, dims: readonly number[] | null, node_name: string): Tensor {
  if (tracing) return trace_op('aten::squeeze', squeeze_dims, [x, dims, node_name]);
  const drop = dims === null ? null : dims.map((d) => normalize_dim(d, x.ndim));
  const keep = x._shape.map((s, i) => s !== 1 || (drop !== null && !drop.includes(i)));
  const out = as_view(x, {
    shape: x._shape.filter((_, i) => keep[i]),
    strides: x._strides.filter((_, i) => keep[i]),
    offset: x._offset,
  });
  const in_shape = x._shape;
  record(node_name, [x], [out], (_c, [g]) => [reshape_to(g!, in_shape)]);
  return out;
}

const BROADCAST_TO = signature<{ input: Tensor; size: number[] }>('broadcast_to(Tensor input, int[] size)');
/**
 * `input` broadcast to `size` without copying (a stride-0 view, ExpandBackward0): `expand` under NumPy's name.
 *
 * @example
 * torch.broadcast_to(torch.tensor([1, 2, 3]), [2, 3]); // [[1, 2, 3], [1, 2, 3]]
 */
export function broadcast_to(...args: PyArgs<[input: Tensor, size: readonly number[]], { input?: Tensor; size?: readonly number[] }>): Tensor {
  const a = BROADCAST_TO.parse(args);
  return expand(a.input, a.size);
}

/**
 * Broadcasts size-1 dims to `sizes` without copying (ExpandBackward0; a stride-0 view); -1 keeps a size, and new
 * leading dims may be added.
 *
 * @example
 * torch.expand(torch.tensor([[1], [2]]), [2, 3]); // [[1, 1, 1], [2, 2, 2]]
 */
export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  if (tracing) return trace_op('aten::expand', expand, [x, sizes]);
  if (sizes.length < x.ndim) {
    throw new Error(`expand(torch.FloatTensor{[${x._shape.join(', ')}]}, size=[${sizes.join(', ')}]): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`);
  }
  const float_at = sizes.findIndex((s) => !Number.isInteger(s));
  if (float_at >= 0) throw new TypeError(`expand(): argument 'size' must be tuple of ints, but found element of type ${typeof sizes[float_at]} at pos ${float_at + 1}`.replace('type number', 'type float'));
  const lead = sizes.length - x.ndim;
  const shape: number[] = [];
  const strides: number[] = [];
  sizes.forEach((s, i) => {
    const j = i - lead;
    const cur = j >= 0 ? x._shape[j]! : 1;
    const size = s === -1 ? cur : s;
    if (j < 0 && s === -1) throw new Error(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
    if (cur !== size && cur !== 1) {
      throw new Error(`The expanded size of the tensor (${size}) must match the existing size (${cur}) at non-singleton dimension ${i}.  Target sizes: [${sizes.join(', ')}].  Tensor sizes: [${x._shape.join(', ')}]`);
    }
    shape.push(size);
    strides.push(j < 0 || cur !== size ? 0 : x._strides[j]!);
  });
  if (shapes_equal(shape, x._shape)) {
    const out = as_view(x, geometry(x));
    record('ExpandBackward0', [x], [out], (_c, [g]) => [g!]);
    return out;
  }
  const out = as_view(x, { shape, strides, offset: x._offset });
  const in_shape = x._shape;
  record('ExpandBackward0', [x], [out], (_c, [g]) => [sum_to(g!, in_shape)]);
  return out;
}

/**
 * A contiguous copy with its own storage (CloneBackward0).
 *
 * @example
 * const y = torch.clone(x); y.fill_(0); // x unchanged
 */
export function clone(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  return clone_of(args.length === 1 && args[0] instanceof Tensor ? args[0] : CLONE.parse(args).input);
}
const CLONE = signature<{ input: Tensor }>('clone(Tensor input)');

function clone_of(x: Tensor): Tensor {
  if (tracing) return trace_op('aten::clone', clone_of, [x]);
  const out = empty(x._shape, x._dtype);
  kernels().contiguous(x._view, out._storage.data);
  record('CloneBackward0', [x], [out], (_c, [g]) => [g!]);
  return out;
}

/**
 * `input` cut from the graph, sharing its memory and version counter (PyTorch's `torch.detach`, as `x.detach()`).
 *
 * @example
 * torch.detach(x.mul(2)).requires_grad; // false
 */
export function detach(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  return (args.length === 1 && args[0] instanceof Tensor ? args[0] : DETACH.parse(args).input).detach();
}
const DETACH = signature<{ input: Tensor }>('detach(Tensor input)');

/**
 * A row-major (contiguous) tensor with the values of `x`: `x` itself when already contiguous, else a copy.
 *
 * @example
 * torch.contiguous(x.t()).is_contiguous(); // true
 */
export function contiguous(x: Tensor): Tensor {
  if (tracing) return trace_op('aten::contiguous', contiguous, [x]);
  return x.is_contiguous() ? x : clone_of(x);
}

// ---- strided sub-views (select / slice) and their scatter-back ----------------------------------------

/**
 * Copies `g` into a zero tensor of `base_shape` at the sub-view `geom` (the backward of select/slice), recorded
 * as `name`.
 *
 * @hidden
 */
export function view_scatter(g: Tensor, base_shape: readonly number[], geom: Geometry, name: string): Tensor {
  if (tracing) return trace_op('aten::view_scatter', view_scatter, [g, base_shape, geom, name]) as Tensor;
  const out = empty(base_shape, g._dtype);
  kernels().copy_into(g._view, { data: out._storage.data, shape: geom.shape, strides: geom.strides, offset: geom.offset });
  record(name, [g], [out], (_c, [gg]) => [strided_copy(gg!, geom)]);
  return out;
}

/** Copies the sub-view `geom` of (a contiguous copy of) `x` (the backward of `view_scatter`). */
function strided_copy(x: Tensor, geom: Geometry): Tensor {
  const c = contiguous(x).detach();
  const src = as_view(c, geom);
  const out = clone(src).detach();
  const base_shape = x._shape;
  record('AsStridedBackward0', [x], [out], (_c, [g]) => [view_scatter(g!, base_shape, geom, 'AsStridedScatterBackward0')]);
  return out;
}

function select_geometry(g: Geometry, dim: number, index: number): Geometry {
  const shape = [...g.shape];
  const strides = [...g.strides];
  const offset = g.offset + index * strides[dim]!;
  shape.splice(dim, 1);
  strides.splice(dim, 1);
  return { shape, strides, offset };
}

function slice_geometry(g: Geometry, dim: number, start: number, length: number, step: number): Geometry {
  const shape = [...g.shape];
  const strides = [...g.strides];
  const offset = g.offset + start * strides[dim]!;
  shape[dim] = length;
  strides[dim] = strides[dim]! * step;
  return { shape, strides, offset };
}

const SELECT = signature<{ input: Tensor; dim: number; index: number }>('select(Tensor input, int dim, int index)');
/**
 * The view `x[..., index, ...]` with `dim` removed (SelectBackward0). Arguments: `select(input, dim, index)`;
 * negative `index` counts from the end.
 *
 * @example
 * torch.select(torch.tensor([[1, 2], [3, 4]]), 1, 0); // [1, 3]
 */
export function select(...args: PyArgs<[input: Tensor, dim: number, index: number], { input?: Tensor; dim?: number; index?: number }>): Tensor {
  if (tracing) return trace_op('aten::select', select, args, SELECT);
  const { input: x, dim, index } = SELECT.parse(args);
  if (x.ndim === 0) throw new Error('select() cannot be applied to a 0-dim tensor.');
  const d = normalize_dim(dim, x.ndim);
  const size = x._shape[d]!;
  if (index < -size || index >= size) throw new RangeError(`select(): index ${index} out of range for tensor of size [${x._shape.join(', ')}] at dimension ${d}`);
  const i = index < 0 ? index + size : index;
  const out = as_view(x, select_geometry(geometry(x), d, i));
  const base = x._shape;
  record('SelectBackward0', [x], [out], (_c, [g]) => [view_scatter(g!, base, select_geometry(contiguous_geometry(base), d, i), 'SelectBackwardBackward0')]);
  return out;
}

/**
 * The view `x[start:stop:step]` along `dim`, with Python's slice rules (null bounds, negative and
 * out-of-range values) and a positive step (SliceBackward0).
 *
 * @example
 * torch.slice(torch.arange(6), 0, 1, null, 2); // [1, 3, 5]
 */
export function slice(x: Tensor, dim: number, start: number | null = null, stop: number | null = null, step = 1): Tensor {
  if (tracing) return trace_op('aten::slice', slice, [x, dim, start, stop, step]);
  const d = normalize_dim(dim, x.ndim);
  for (const v of [start, stop, step]) {
    if (v !== null && !Number.isInteger(v)) throw new TypeError('slice indices must be integers or None or have an __index__ method');
  }
  if (step === 0) throw new Error('slice step cannot be zero');
  if (step < 0) throw new Error('step must be greater than zero');
  const size = x._shape[d]!;
  const clampi = (v: number): number => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const s = start === null ? 0 : clampi(start);
  const e = Math.max(stop === null ? size : clampi(stop), s);
  const length = Math.ceil((e - s) / step);
  const out = as_view(x, slice_geometry(geometry(x), d, s, length, step));
  const base = x._shape;
  record('SliceBackward0', [x], [out], (_c, [g]) => [view_scatter(g!, base, slice_geometry(contiguous_geometry(base), d, s, length, step), 'SliceBackwardBackward0')]);
  return out;
}

const NARROW = signature<{ input: Tensor; dim: number; start: number; length: number }>('narrow(Tensor input, int dim, int start, int length)');
/**
 * The view of `length` elements of `dim` from `start` (recorded as a slice). Arguments:
 * `narrow(input, dim, start, length)`.
 *
 * @example
 * torch.narrow(torch.arange(5), 0, 1, 3); // [1, 2, 3]
 */
export function narrow(...args: PyArgs<[input: Tensor, dim: number, start: number, length: number], { input?: Tensor; dim?: number; start?: number; length?: number }>): Tensor {
  if (tracing) return trace_op('aten::narrow', narrow, args, NARROW);
  const { input: x, dim, start, length } = NARROW.parse(args);
  const d = normalize_dim(dim, x.ndim);
  const size = x._shape[d]!;
  if (length < 0) throw new Error('narrow(): length must be non-negative.');
  if (start < -size || start > size) throw new RangeError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  const s = start < 0 ? start + size : start;
  if (s + length > size) throw new Error(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return slice(x, d, s, s + length);
}

const SPLIT = signature<{ tensor: Tensor; split_size_or_sections: unknown; dim: number }>('split(Tensor tensor, Any split_size_or_sections, int dim=0)');
/**
 * Splits into views of `size` elements (or the given sizes) along `dim`: one node with an output per piece
 * (SplitBackward0; SplitWithSizesBackward0 for a list of sizes), a piece without gradient counts as zeros.
 *
 * @example
 * const [a, b] = x.split(2); x.split([1, 3], 1);
 */
export function split(
  ...args: PyArgs<[tensor: Tensor, split_size_or_sections: number | number[], dim: number], { tensor?: Tensor; split_size_or_sections?: number | number[]; dim?: number }>
): Tensor[] {
  if (tracing) return trace_op('aten::split', split, args, SPLIT) as Tensor[];
  const { tensor: x, split_size_or_sections: size, dim } = SPLIT.parse(args);
  return split_by(x, size, dim);
}

/**
 * Splits by an int (SplitBackward0) or a list of sizes (SplitWithSizesBackward0); anything else is refused by
 * split_with_sizes's signature, as PyTorch's `Tensor.split` hands it on.
 *
 * @hidden
 */
export function split_by(x: Tensor, size: unknown, dim: number): Tensor[] {
  if (tracing) return trace_op('aten::split', split_by, [x, size, dim], SPLIT) as Tensor[];
  if (Number.isInteger(size)) return split_pieces(x, size as number, dim, 'SplitBackward0', true);
  // PyTorch's Tensor.split hands anything but an int to torch._VF.split_with_sizes, whose parser words the error
  return split_pieces(x, SPLIT_WITH_SIZES.parse([x, size, dim]).split_sizes, dim, 'SplitWithSizesBackward0', true);
}

/**
 * The pieces of a split along `dim` and their one node `name`. Safe splits return views that may not be written
 * in place (CreationMeta.MULTI_OUTPUT_NODE); the unsafe ones return tensors that share the memory but are no
 * views to autograd and count their own versions, so writing one in place is allowed (and silently wrong if a
 * node saved another piece).
 */
function split_pieces(x: Tensor, size: number | number[], dim: number, name: string, safe: boolean): Tensor[] {
  const d = normalize_dim(dim, x.ndim);
  const total = x._shape[d]!;
  let sizes: number[];
  if (Array.isArray(size)) {
    if (size.some((n) => n < 0)) throw new Error(`split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=[${size.join(', ')}]`);
    sizes = size;
  } else {
    if (size < 0) throw new Error(`split expects split_size be non-negative, but got split_size=${size}`);
    if (size === 0 && total !== 0) throw new Error(`split_size can only be 0 if dimension size is 0, but got dimension size of ${total}`);
    sizes = size === 0 ? [0] : Array.from({ length: Math.max(1, Math.ceil(total / size)) }, (_, i) => Math.min(size, total - i * size));
  }
  if (sizes.reduce((a, b) => a + b, 0) !== total) throw new Error(`split_with_sizes expects split_sizes to sum exactly to ${total} (input tensor's size at dimension ${d}), but got split_sizes=[${sizes.join(', ')}]`);
  // a loop, not a closure over x: the backward formula below would share its context and keep x alive
  const pieces: Tensor[] = [];
  for (let i = 0, off = 0; i < sizes.length; off += sizes[i++]!) {
    const g = slice_geometry(geometry(x), d, off, sizes[i]!, 1);
    // an unsafe piece shares the memory but has its own version counter, as PyTorch's
    pieces.push(safe ? as_view(x, g, CreationMeta.MULTI_OUTPUT_NODE) : new Tensor(new Storage(x._storage.data), g.shape, x._dtype, g.strides, g.offset));
  }
  const shapes = pieces.map((p) => p._shape);
  const dtype = x._dtype;
  record(name, [x], pieces, (_c, grads) => [cat(grads.map((g, i) => g ?? empty(shapes[i]!, dtype)), d)]);
  return pieces;
}

const SPLIT_WITH_SIZES = signature<{ input: Tensor; split_sizes: number[]; dim: number }>('split_with_sizes(Tensor input, int[] split_sizes, int dim=0)');
/**
 * Views of the given sizes along `dim` (SplitWithSizesBackward0), PyTorch's `split_with_sizes(input, split_sizes, dim=0)`.
 *
 * @example
 * const [a, b] = torch.split_with_sizes(torch.arange(5), [2, 3]);
 */
export function split_with_sizes(...args: PyArgs<[input: Tensor, split_sizes: number[], dim: number], { input?: Tensor; split_sizes?: number[]; dim?: number }>): Tensor[] {
  if (tracing) return trace_op('aten::split_with_sizes', split_with_sizes, args, SPLIT_WITH_SIZES) as Tensor[];
  const { input, split_sizes, dim } = SPLIT_WITH_SIZES.parse(args);
  return split_pieces(input, split_sizes, dim, 'SplitWithSizesBackward0', true);
}

const UNSAFE_SPLIT = signature<{ input: Tensor; split_size: number; dim: number }>('unsafe_split(Tensor input, int split_size, int dim=0)');
/**
 * {@link split} whose pieces autograd does not treat as views (UnsafeSplitBackward0): they may be written in
 * place, at the caller's risk, as PyTorch's `unsafe_split(input, split_size, dim=0)`.
 *
 * @example
 * const [a, b] = torch.unsafe_split(x.add(0), 1); a.mul_(b); // allowed, unlike split's views
 */
export function unsafe_split(...args: PyArgs<[input: Tensor, split_size: number, dim: number], { input?: Tensor; split_size?: number; dim?: number }>): Tensor[] {
  if (tracing) return trace_op('aten::unsafe_split', unsafe_split, args, UNSAFE_SPLIT) as Tensor[];
  const { input, split_size, dim } = UNSAFE_SPLIT.parse(args);
  return split_pieces(input, split_size, dim, 'UnsafeSplitBackward0', false);
}

const UNSAFE_SPLIT_WITH_SIZES = signature<{ input: Tensor; split_sizes: number[]; dim: number }>('unsafe_split_with_sizes(Tensor input, int[] split_sizes, int dim=0)');
/**
 * {@link split_with_sizes} whose pieces autograd does not treat as views (UnsafeSplitWithSizesBackward0).
 *
 * @example
 * const [a, b] = torch.unsafe_split_with_sizes(x.add(0), [1, 2]);
 */
export function unsafe_split_with_sizes(...args: PyArgs<[input: Tensor, split_sizes: number[], dim: number], { input?: Tensor; split_sizes?: number[]; dim?: number }>): Tensor[] {
  if (tracing) return trace_op('aten::unsafe_split_with_sizes', unsafe_split_with_sizes, args, UNSAFE_SPLIT_WITH_SIZES) as Tensor[];
  const { input, split_sizes, dim } = UNSAFE_SPLIT_WITH_SIZES.parse(args);
  return split_pieces(input, split_sizes, dim, 'UnsafeSplitWithSizesBackward0', false);
}

const CHUNK = signature<{ input: Tensor; chunks: number; dim: number }>('chunk(Tensor input, int chunks, int dim=0)');
/**
 * `chunks` views of equal size (the last may be smaller) along `dim`, as PyTorch: a split (SplitBackward0).
 * Arguments: `chunk(input, chunks, dim=0)`.
 *
 * @example
 * torch.chunk(torch.arange(5), 2); // [0, 1, 2] and [3, 4]
 */
export function chunk(...args: PyArgs<[input: Tensor, chunks: number, dim: number], { input?: Tensor; chunks?: number; dim?: number }>): Tensor[] {
  if (tracing) return trace_op('aten::chunk', chunk, args, CHUNK) as Tensor[];
  const { input: x, chunks, dim } = CHUNK.parse(args);
  if (x.ndim === 0) throw new Error('chunk expects at least a 1-dimensional tensor');
  if (chunks <= 0) throw new Error(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normalize_dim(dim, x.ndim);
  return split(x, Math.ceil(x._shape[d]! / chunks), d);
}

const UNSAFE_CHUNK = signature<{ input: Tensor; chunks: number; dim: number }>('unsafe_chunk(Tensor input, int chunks, int dim=0)');
/**
 * {@link chunk} whose pieces autograd does not treat as views (UnsafeSplitBackward0), PyTorch's
 * `unsafe_chunk(input, chunks, dim=0)`.
 *
 * @example
 * const [a, b, c] = torch.unsafe_chunk(x.add(0), 3);
 */
export function unsafe_chunk(...args: PyArgs<[input: Tensor, chunks: number, dim: number], { input?: Tensor; chunks?: number; dim?: number }>): Tensor[] {
  if (tracing) return trace_op('aten::unsafe_chunk', unsafe_chunk, args, UNSAFE_CHUNK) as Tensor[];
  const { input: x, chunks, dim } = UNSAFE_CHUNK.parse(args);
  if (x.ndim === 0) throw new Error('chunk expects at least a 1-dimensional tensor');
  if (chunks <= 0) throw new Error(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normalize_dim(dim, x.ndim);
  return split_pieces(x, Math.ceil(x._shape[d]! / chunks), d, 'UnsafeSplitBackward0', false);
}

/**
 * Removes `dim`, returning one view per index along it (UnbindBackward0, with an output per view).
 *
 * @example
 * const [row0, row1] = torch.unbind(torch.tensor([[1, 2], [3, 4]])); // [1, 2] and [3, 4]
 */
export function unbind(...args: PyArgs<[input: Tensor, dim: number], { input?: Tensor; dim?: number }>): Tensor[] {
  const x = args[0];
  if (x instanceof Tensor && (args.length === 1 || (args.length === 2 && Number.isInteger(args[1])))) return unbind_dim(x, (args[1] as number | undefined) ?? 0);
  const a = UNBIND.parse(args);
  return unbind_dim(a.input, a.dim);
}
const UNBIND = signature<{ input: Tensor; dim: number }>('unbind(Tensor input, int dim=0)');

function unbind_dim(x: Tensor, dim: number): Tensor[] {
  if (tracing) return trace_op('aten::unbind', unbind_dim, [x, dim]) as Tensor[];
  const d = normalize_dim(dim, x.ndim);
  // a loop, not a closure over x: the backward formula below would share its context and keep x alive
  const pieces: Tensor[] = [];
  for (let i = 0; i < x._shape[d]!; i++) pieces.push(as_view(x, select_geometry(geometry(x), d, i), CreationMeta.MULTI_OUTPUT_NODE));
  if (pieces.length === 0) return pieces;
  const shape = pieces[0]!._shape;
  const dtype = x._dtype;
  record('UnbindBackward0', [x], pieces, (_c, grads) => [stack(grads.map((g) => g ?? empty(shape, dtype)), d)]);
  return pieces;
}

const CAT = signature<{ tensors: Tensor[]; dim: number }>('cat(Tensor[] tensors, int dim=0)');
const STACK = signature<{ tensors: Tensor[]; dim: number }>('stack(Tensor[] tensors, int dim=0)');
/** The arguments of `cat` / `stack`: `(tensors, dim=0)`. */
export type JoinArgs = PyArgs<[tensors: readonly Tensor[], dim: number], {
  /** The tensors to join: same shape except along `dim` (for `cat`), or exactly the same shape (for `stack`). */
  tensors?: readonly Tensor[];
  /** The dim to join along (default 0; negative counts from the end). */
  dim?: number;
}>;

/**
 * Concatenates along `dim` (CatBackward0, one edge per input).
 *
 * @example
 * torch.cat([a, b], { dim: 1 });
 */
export function cat(...args: JoinArgs): Tensor {
  if (tracing) return trace_op('aten::cat', cat, args, CAT);
  const { tensors, dim } = CAT.parse(args);
  if (tensors.length === 0) throw new Error('torch.cat(): expected a non-empty list of Tensors');
  tensors.forEach((t, i) => {
    if (t.ndim === 0) throw new Error(`zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  const ref = tensors.find((t) => !(t.ndim === 1 && t._shape[0] === 0)) ?? tensors[0]!;
  const d = normalize_dim(dim, ref.ndim);
  const parts = tensors.filter((t) => !(t.ndim === 1 && t._shape[0] === 0 && ref.ndim !== 1));
  parts.forEach((p, i) => {
    if (p.ndim !== ref.ndim) throw new Error(`Tensors must have same number of dimensions: got ${ref.ndim} and ${p.ndim}`);
    p._shape.forEach((s, k) => {
      if (k !== d && s !== ref._shape[k]) throw new Error(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref._shape[k]} but got size ${s} for tensor number ${i} in the list.`);
    });
  });
  const dtype = parts.reduce((acc, p) => promote_names(acc, p._dtype), parts[0]!._dtype);
  const shape = [...ref._shape];
  shape[d] = parts.reduce((n, p) => n + p._shape[d]!, 0);
  const out = empty(shape, dtype);
  const out_geom = contiguous_geometry(shape);
  let off = 0;
  for (const p of parts) {
    const src = p._dtype === dtype ? p : to_dtype(p.detach(), dtype);
    const g = slice_geometry(out_geom, d, off, p._shape[d]!, 1);
    kernels().copy_into(src._view, { data: out._storage.data, shape: g.shape, strides: g.strides, offset: g.offset });
    off += p._shape[d]!;
  }
  const sizes = parts.map((p) => p._shape[d]!);
  record('CatBackward0', parts, [out], (ctx, [g]) => {
    let o = 0;
    return sizes.map((n, i) => {
      const piece = ctx.needs_input_grad(i) ? narrow(g!, d, o, n) : null;
      o += n;
      return piece;
    });
  });
  return out;
}

const CONCAT = CAT.renamed('concat');
const CONCATENATE = CAT.renamed('concatenate');
/**
 * `cat` under NumPy's name (CatBackward0).
 *
 * @example
 * torch.concat([a, b], 1);
 */
export function concat(...args: JoinArgs): Tensor {
  const a = CONCAT.parse(args);
  return cat(a.tensors, a.dim);
}
/**
 * `cat` under NumPy's other name (CatBackward0).
 *
 * @example
 * torch.concatenate([a, b], 1);
 */
export function concatenate(...args: JoinArgs): Tensor {
  const a = CONCATENATE.parse(args);
  return cat(a.tensors, a.dim);
}

/**
 * Joins same-shaped tensors along a new `dim` (StackBackward0).
 *
 * @example
 * torch.stack([torch.tensor([1, 2]), torch.tensor([3, 4])], 1); // [[1, 3], [2, 4]]
 */
export function stack(...args: JoinArgs): Tensor {
  if (tracing) return trace_op('aten::stack', stack, args, STACK);
  const { tensors, dim } = STACK.parse(args);
  if (tensors.length === 0) throw new Error('stack expects a non-empty TensorList');
  const first = tensors[0]!;
  const d = normalize_dim(dim, first.ndim + 1);
  tensors.forEach((t, i) => {
    if (!shapes_equal(t._shape, first._shape)) throw new Error(`stack expects each tensor to be equal size, but got [${first._shape.join(', ')}] at entry 0 and [${t._shape.join(', ')}] at entry ${i}`);
  });
  const pieces = tensors.map((t) => unsqueeze(t.detach(), d));
  const joined = cat(pieces, d);
  const out = joined.detach();
  record('StackBackward0', tensors, [out], (ctx, [g]) => tensors.map((_, i) => (ctx.needs_input_grad(i) ? select(g!, d, i) : null)));
  return out;
}

// ---- as_strided and the strided copies its gradients are made of --------------------------------------

/** Storage positions of a geometry's elements, in row-major order. */
function positions(g: Geometry): Int32Array {
  return broadcast_offsets({ data: new Float64Array(0), shape: g.shape, strides: g.strides, offset: g.offset }, g.shape);
}

/** How many elements of a geometry alias each storage position (by position). */
function alias_counts(pos: Int32Array, size: number): Float64Array {
  const counts = new Float64Array(size);
  for (const p of pos) counts[p]!++;
  return counts;
}

/**
 * Writes `x` (laid out as `from.shape`) at the positions `from` of a zero storage, adding where positions repeat,
 * and reads `to` back out: the linear map behind as_strided's gradients. With `split` the value read at a
 * position is shared evenly among the `to` elements aliasing it (PyTorch's as_strided backward into an
 * overlapping input, such as an expanded one, whose own backward sums those shares again); `split_from`
 * divides on the way in instead, which makes the call with `from` and `to` swapped this map's adjoint.
 *
 * @hidden
 */
export function restride(x: Tensor, from: Geometry, to: Geometry, split: 'none' | 'to' | 'from' = 'none'): Tensor {
  if (tracing) return trace_op('aten::restride', restride, [x, from, to, split]) as Tensor;
  const src = positions(from);
  const dst = positions(to);
  let size = 0;
  for (const p of src) size = Math.max(size, p + 1);
  for (const p of dst) size = Math.max(size, p + 1);
  const buf = new Float64Array(size);
  const xd = x._contiguous_data();
  const in_counts = split === 'from' ? alias_counts(src, size) : null;
  for (let i = 0; i < src.length; i++) buf[src[i]!] += in_counts === null ? xd[i]! : xd[i]! / in_counts[src[i]!]!;
  const out_counts = split === 'to' ? alias_counts(dst, size) : null;
  const out = empty(to.shape, x._dtype);
  const od = out._storage.data;
  for (let i = 0; i < dst.length; i++) od[i] = out_counts === null ? buf[dst[i]!]! : buf[dst[i]!]! / out_counts[dst[i]!]!;
  const adjoint = split === 'to' ? 'from' : split === 'from' ? 'to' : 'none';
  record('AsStridedScatterBackward0', [x], [out], (_c, [g]) => [restride(g!, to, from, adjoint)]);
  return out;
}

/**
 * The backward rule of a view with geometry `view` of a base with geometry `base` (AsStridedBackward0); a base
 * whose elements alias each other gets an even share of each position's gradient.
 *
 * @hidden
 */
export function as_strided_rule(base: Geometry, view: Geometry): BackwardFn {
  return (_c, [g]) => [restride(g!, view, base, 'to')];
}

/**
 * A view with explicit sizes, strides and storage offset (AsStridedBackward0), as PyTorch's `as_strided`.
 *
 * @example
 * x.as_strided([2, 2], [1, 2]); // the transpose of a contiguous 2x2 x
 */
export function as_strided(
  ...args: PyArgs<[input: Tensor, size: readonly number[], stride: readonly number[], storage_offset: number | null], { input?: Tensor; size?: readonly number[]; stride?: readonly number[]; storage_offset?: number | null }>
): Tensor {
  const a = AS_STRIDED.parse(args);
  return as_strided_view(a.input, a.size, a.stride, a.storage_offset);
}
const AS_STRIDED = signature<{ input: Tensor; size: number[]; stride: number[]; storage_offset: number | null }>('as_strided(Tensor input, int[] size, int[] stride, int? storage_offset=None)');

function as_strided_view(x: Tensor, size: readonly number[], stride: readonly number[], storage_offset: number | null): Tensor {
  if (tracing) return trace_op('aten::as_strided', as_strided_view, [x, size, stride, storage_offset]);
  if (size.length !== stride.length) throw new Error(`mismatch in length of strides and shape`);
  const view_geom: Geometry = { shape: [...size], strides: [...stride], offset: storage_offset ?? x._offset };
  const out = as_view(x, view_geom);
  record('AsStridedBackward0', [x], [out], as_strided_rule(geometry(x), view_geom));
  return out;
}
