// Views that rearrange dims: diagonal (DiagonalBackward0), movedim / moveaxis (a permute), and the ops built on
// the diagonal's geometry: diag_embed (DiagEmbedBackward0) and diag; atleast_1d/2d/3d (reshape or unsqueeze).
import { trace_op, tracing } from '../jit/tracer.js';
import { contiguous_strides, movedim_order, normalize_dim } from '../shape.js';
import { kernels } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { empty, record } from './record.js';
import { as_view, cat, geometry, permute, clone, reshape, unsqueeze, type Geometry } from './view.js';
import { is_plain_object, signature, type PyArgs, type Signature } from '../signature.js';

/** The geometry of the `offset` diagonal of dims `d1`, `d2` of `g`: both removed, the diagonal appended last. */
function diagonal_geometry(g: Geometry, offset: number, d1: number, d2: number): Geometry {
  const len = Math.max(0, Math.min(g.shape[d1]! + Math.min(offset, 0), g.shape[d2]! - Math.max(offset, 0)));
  const start = len === 0 ? 0 : offset >= 0 ? offset * g.strides[d2]! : -offset * g.strides[d1]!;
  const keep = g.shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  return {
    shape: [...keep.map((i) => g.shape[i]!), len],
    strides: [...keep.map((i) => g.strides[i]!), g.strides[d1]! + g.strides[d2]!],
    offset: g.offset + start,
  };
}

/** Two distinct dims of a rank-`ndim` tensor, normalised (PyTorch's diagonal / diag_embed check). */
function diagonal_dims(dim1: number, dim2: number, ndim: number): [number, number] {
  const d1 = normalize_dim(dim1, ndim);
  const d2 = normalize_dim(dim2, ndim);
  if (d1 === d2) throw new Error(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  return [d1, d2];
}

interface DiagonalArgs { input: Tensor; offset: number; dim1: number; dim2: number }
const DIAGONAL = signature<DiagonalArgs>('diagonal(Tensor input, int offset=0, int dim1=0, int dim2=1)');
const DIAG_EMBED = signature<DiagonalArgs>('diag_embed(Tensor input, int offset=0, int dim1=-2, int dim2=-1)');
/** Keyword arguments of `diagonal` and `diag_embed`. */
export interface DiagonalOptions {
  /** Which diagonal: 0 the main one, above it when positive, below when negative. */
  offset?: number;
  /** The first dim of the diagonal's plane. */
  dim1?: number;
  /** The second dim of the diagonal's plane. */
  dim2?: number;
}
/** The arguments of `x.diagonal(...)` / `x.diag_embed(...)`. */
export type DiagonalMethodArgs = PyArgs<[offset: number, dim1: number, dim2: number], DiagonalOptions>;
type DiagonalFnArgs = PyArgs<[input: Tensor, offset: number, dim1: number, dim2: number], DiagonalOptions & { input?: Tensor }>;

/**
 * The view of the `offset` diagonal of the plane `dim1`, `dim2`: those dims are removed and the diagonal
 * becomes the last dim (DiagonalBackward0; the gradient is written back onto that diagonal of zeros).
 *
 * @example
 * torch.diagonal(torch.arange(9).view(3, 3)); // [0, 4, 8]
 */
export function diagonal(...args: DiagonalFnArgs): Tensor {
  if (tracing) return trace_op('aten::diagonal', diagonal, args, DIAGONAL);
  const { input: x, offset, dim1, dim2 } = DIAGONAL.parse(args);
  const [d1, d2] = diagonal_dims(dim1, dim2, x.ndim);
  return diagonal_view(x, offset, d1, d2);
}

function diagonal_view(x: Tensor, offset: number, d1: number, d2: number): Tensor {
  const out = as_view(x, diagonal_geometry(geometry(x), offset, d1, d2));
  const base = x._shape;
  record('DiagonalBackward0', [x], [out], (_c, [g]) => [diagonal_scatter_zeros(g!, base, offset, d1, d2, 'DiagonalBackwardBackward0')]);
  return out;
}

/** Zeros of `shape` with `src` on the `offset` diagonal of dims `d1`, `d2` (recorded as `name`; adjoint: diagonal). */
function diagonal_scatter_zeros(src: Tensor, shape: readonly number[], offset: number, d1: number, d2: number, name: string): Tensor {
  const out = empty(shape, src._dtype);
  const g = diagonal_geometry({ shape: [...shape], strides: contiguous_strides(shape), offset: 0 }, offset, d1, d2);
  kernels().copy_into(src._view, { data: out._storage.data, shape: g.shape, strides: g.strides, offset: g.offset });
  record(name, [src], [out], (_c, [gg]) => [diagonal_view(gg!, offset, d1, d2)]);
  return out;
}

/**
 * A tensor with `input`'s last dim on the `offset` diagonal of the new plane `dim1`, `dim2` (zeros elsewhere):
 * shape `[...input.shape[:-1]]` with two dims of size `n + |offset|` inserted (DiagEmbedBackward0).
 *
 * @example
 * torch.diag_embed(torch.tensor([1, 2])); // [[1, 0], [0, 2]]
 */
export function diag_embed(...args: DiagonalFnArgs): Tensor {
  if (tracing) return trace_op('aten::diag_embed', diag_embed, args, DIAG_EMBED);
  const { input: x, offset, dim1, dim2 } = DIAG_EMBED.parse(args);
  const [d1, d2] = diagonal_dims(dim1, dim2, x.ndim + 1);
  return embed(x, offset, d1, d2);
}

function embed(x: Tensor, offset: number, d1: number, d2: number): Tensor {
  const n = (x.ndim === 0 ? 1 : x._shape[x.ndim - 1]!) + Math.abs(offset);
  const rest = x._shape.slice(0, -1);
  const shape: number[] = [];
  for (let i = 0, k = 0; i < rest.length + 2; i++) shape.push(i === d1 || i === d2 ? n : rest[k++]!);
  return diagonal_scatter_zeros(x, shape, offset, d1, d2, 'DiagEmbedBackward0');
}

const DIAG = signature<{ input: Tensor; diagonal: number }>('diag(Tensor input, int diagonal=0)');
/**
 * A 1-D input as the `diagonal` diagonal of a square matrix (as diag_embed), or a copy of a 2-D input's
 * `diagonal` diagonal (DiagonalBackward0_copy, PyTorch's diagonal_copy).
 *
 * @example
 * torch.diag(torch.tensor([1, 2]), 1); // [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
 */
export function diag(...args: PyArgs<[input: Tensor, diagonal: number], { input?: Tensor; diagonal?: number }>): Tensor {
  if (tracing) return trace_op('aten::diag', diag, args, DIAG);
  const { input: x, diagonal: offset } = DIAG.parse(args);
  if (x.ndim === 1) return embed(x, offset, 0, 1);
  if (x.ndim !== 2) throw new Error(`diag(): Supports 1D or 2D tensors. Got ${x.ndim}D`);
  const out = clone(as_view(x.detach(), diagonal_geometry(geometry(x), offset, 0, 1))).detach();
  const base = x._shape;
  record('DiagonalBackward0_copy', [x], [out], (_c, [g]) => [diagonal_scatter_zeros(g!, base, offset, 0, 1, 'DiagonalBackwardBackward0')]);
  return out;
}

const MOVEDIM = signature<{ input: Tensor; source: number[]; destination: number[] }>('movedim(Tensor input, int[1] source, int[1] destination)');
const MOVEAXIS = signature<{ input: Tensor; source: number[]; destination: number[] }>('moveaxis(Tensor input, int[1] source, int[1] destination)');
/** The arguments of `x.movedim(...)` / `x.moveaxis(...)`. */
export type MovedimMethodArgs = PyArgs<[source: number | number[], destination: number | number[]], {
  /** The dim(s) moved. */
  source?: number | number[];
  /** Where they go, in the same order. */
  destination?: number | number[];
}>;
type MovedimArgs = PyArgs<[input: Tensor, source: number | number[], destination: number | number[]], { input?: Tensor; source?: number | number[]; destination?: number | number[] }>;


/** PyTorch has two overloads, (int, int) and (tuple, tuple): a tuple with an int matches neither. */
function check_overload(name: string, args: readonly unknown[]): void {
  const last = args[args.length - 1];
  const kw = typeof last === 'object' && last !== null && Object.getPrototypeOf(last) === Object.prototype ? (last as Record<string, unknown>) : {};
  const source = args.length > 1 && args[1] !== kw ? args[1] : kw.source;
  const destination = args.length > 2 && args[2] !== kw ? args[2] : kw.destination;
  if (source === undefined || destination === undefined || Array.isArray(source) === Array.isArray(destination)) return;
  const kind = (v: unknown): string => (Array.isArray(v) ? 'tuple' : typeof v === 'number' ? 'int' : typeof v);
  throw new TypeError(`${name}() received an invalid combination of arguments - got (${kind(source)}, ${kind(destination)}), but expected one of:\n * (Tensor input, tuple of ints source, tuple of ints destination)\n * (Tensor input, int source, int destination)`);
}

/**
 * The view with dims `source` moved to positions `destination`, the others in their order (PermuteBackward0).
 *
 * @example
 * torch.movedim(torch.zeros(2, 3, 4), 0, -1).shape; // [3, 4, 2]
 */
export function movedim(...args: MovedimArgs): Tensor {
  if (tracing) return trace_op('aten::movedim', movedim, args, MOVEDIM);
  check_overload('movedim', args);
  const { input, source, destination } = MOVEDIM.parse(args);
  return permute(input, movedim_order(input.ndim, source, destination));
}

/**
 * NumPy's name for {@link movedim}.
 *
 * @example
 * torch.moveaxis(torch.zeros(2, 3, 4), [0, 1], [2, 0]).shape; // [3, 4, 2]
 */
export function moveaxis(...args: MovedimArgs): Tensor {
  if (tracing) return trace_op('aten::moveaxis', moveaxis, args, MOVEAXIS);
  check_overload('moveaxis', args);
  const { input, source, destination } = MOVEAXIS.parse(args);
  return permute(input, movedim_order(input.ndim, source, destination));
}

/** The tensors of an atleast_Nd call: one Tensor, several, or one array of them (then the result is an array). */
function atleast(sig: Signature<{ tensors: Tensor[] }>, args: readonly unknown[], lift: (t: Tensor) => Tensor): Tensor | Tensor[] {
  const out = sig.parse(args).tensors.map(lift);
  return args[0] instanceof Tensor && (args.length === 1 || (args.length === 2 && is_plain_object(args[1]))) ? out[0]! : out;
}
const lift_1d = (t: Tensor): Tensor => (t.ndim === 0 ? reshape(t, [1]) : t);
const lift_2d = (t: Tensor): Tensor => (t.ndim === 0 ? reshape(t, [1, 1]) : t.ndim === 1 ? unsqueeze(t, 0) : t);
const lift_3d = (t: Tensor): Tensor => (t.ndim === 0 ? reshape(t, [1, 1, 1]) : t.ndim === 1 ? unsqueeze(unsqueeze(t, 0), -1) : t.ndim === 2 ? unsqueeze(t, -1) : t);
const ATLEAST_1D = signature<{ tensors: Tensor[] }>('atleast_1d(Tensor... tensors)');
const ATLEAST_2D = signature<{ tensors: Tensor[] }>('atleast_2d(Tensor... tensors)');
const ATLEAST_3D = signature<{ tensors: Tensor[] }>('atleast_3d(Tensor... tensors)');

/**
 * Each input with at least one dim: a 0-d tensor becomes shape [1] (a view), others come back as they are
 * (PyTorch's `torch.atleast_1d(*tensors)`; several tensors or an array give an array).
 *
 * @example
 * torch.atleast_1d(torch.tensor(5)).shape; // [1]
 */
export function atleast_1d(...tensors: Tensor[] | [Tensor[]]): Tensor | Tensor[] {
  if (tracing) return trace_op('aten::atleast_1d', atleast_1d, tensors) as Tensor | Tensor[];
  return atleast(ATLEAST_1D, tensors, lift_1d);
}

/**
 * Each input with at least two dims: 0-d becomes [1, 1], 1-d [1, n] (PyTorch's `torch.atleast_2d`).
 *
 * @example
 * torch.atleast_2d(torch.tensor([1, 2])).shape; // [1, 2]
 */
export function atleast_2d(...tensors: Tensor[] | [Tensor[]]): Tensor | Tensor[] {
  if (tracing) return trace_op('aten::atleast_2d', atleast_2d, tensors) as Tensor | Tensor[];
  return atleast(ATLEAST_2D, tensors, lift_2d);
}

/**
 * Each input with at least three dims: 0-d becomes [1, 1, 1], 1-d [1, n, 1], 2-d [m, n, 1] (PyTorch's
 * `torch.atleast_3d`).
 *
 * @example
 * torch.atleast_3d(torch.ones([2, 3])).shape; // [2, 3, 1]
 */
export function atleast_3d(...tensors: Tensor[] | [Tensor[]]): Tensor | Tensor[] {
  if (tracing) return trace_op('aten::atleast_3d', atleast_3d, tensors) as Tensor | Tensor[];
  return atleast(ATLEAST_3D, tensors, lift_3d);
}

const HSTACK = signature<{ tensors: Tensor[] }>('hstack(Tensor[] tensors)');
const VSTACK = signature<{ tensors: Tensor[] }>('vstack(Tensor[] tensors)');
const DSTACK = signature<{ tensors: Tensor[] }>('dstack(Tensor[] tensors)');

/** The tensors lifted by `lift` and joined along `dim` (the stacks' common shape; CatBackward0). */
function stacked(name: string, tensors: readonly Tensor[], lift: (t: Tensor) => Tensor, dim: (first: Tensor) => number): Tensor {
  if (tensors.length === 0) throw new Error(`${name} expects a non-empty TensorList`);
  const parts = tensors.map(lift);
  return cat(parts, dim(parts[0]!));
}

/**
 * Joins tensors column-wise: along dim 0 for 1-d tensors, dim 1 otherwise (0-d ones count as 1-d; CatBackward0).
 *
 * @example
 * torch.hstack([torch.tensor([1, 2]), torch.tensor([3])]); // [1, 2, 3]
 */
export function hstack(...args: PyArgs<[tensors: readonly Tensor[]], { tensors?: readonly Tensor[] }>): Tensor {
  return stacked('hstack', HSTACK.parse(args).tensors, lift_1d, (t) => (t.ndim === 1 ? 0 : 1));
}
/**
 * Joins tensors row-wise, along dim 0 after lifting each to at least 2-d (CatBackward0).
 *
 * @example
 * torch.vstack([torch.tensor([1, 2]), torch.tensor([3, 4])]); // [[1, 2], [3, 4]]
 */
export function vstack(...args: PyArgs<[tensors: readonly Tensor[]], { tensors?: readonly Tensor[] }>): Tensor {
  return stacked('vstack', VSTACK.parse(args).tensors, lift_2d, () => 0);
}
/**
 * Joins tensors depth-wise, along dim 2 after lifting each to at least 3-d (CatBackward0).
 *
 * @example
 * torch.dstack([torch.tensor([1, 2]), torch.tensor([3, 4])]).shape; // [1, 2, 2]
 */
export function dstack(...args: PyArgs<[tensors: readonly Tensor[]], { tensors?: readonly Tensor[] }>): Tensor {
  return stacked('dstack', DSTACK.parse(args).tensors, lift_3d, () => 2);
}
