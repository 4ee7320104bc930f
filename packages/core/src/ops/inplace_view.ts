// In-place view ops (t_, transpose_, swapdims_, unsqueeze_, squeeze_): they change the tensor's own shape and
// strides, bump its version and, when recorded, move it onto their node (TBackward1, TransposeBackward1, …).
import { trace_op, tracing } from '../jit/tracer.js';
import { normalize_dim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { signature, type PyArgs } from '../signature.js';
import { no_grad } from '../autograd/grad_mode.js';
import { gradient_edge, Node } from '../autograd/node.js';
import { alias_of, check_inplace, rebase_inplace_view } from '../autograd/view_inplace.js';
import { reshape, squeeze, t, transpose, unsqueeze } from './view.js';

/**
 * Gives `self` the geometry `view` computes from it, in place: PyTorch's checks first (leaves, views, inference
 * tensors; then the op's own argument errors, with `self` untouched), then the new shape and strides, a version
 * bump and, when recorded, the node `name` whose rule `backward` maps the gradient back to the old geometry.
 */
function inplace_view<T extends Tensor>(self: T, name: string, view: (x: Tensor) => Tensor, backward: (g: Tensor) => Tensor): T {
  const recording = check_inplace(self, []);
  const r = no_grad(() => view(self.detach()));
  const alias = recording ? alias_of(self) : null;
  self._set_geometry(r._shape, r._strides);
  self._storage.version++;
  if (alias !== null) {
    const node = new Node(name, [gradient_edge(alias)], [{ shape: alias._shape, dtype: alias._dtype }], [{ shape: self._shape, dtype: self._dtype }], (_n, [g]) => [backward(g!)]);
    rebase_inplace_view(self, node);
  }
  return self;
}

/**
 * Transposes a tensor of at most 2 dims in place (TBackward1).
 *
 * @example
 * const y = x.clone(); y.t_(); // y.shape is x's reversed
 */
export function t_<T extends Tensor>(self: T): T {
  if (tracing) return trace_op('aten::t_', t_, [self]) as T;
  const checked = (x: Tensor): Tensor => {
    if (x.ndim > 2) throw new Error(`t_() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
    return t(x);
  };
  return inplace_view(self, 'TBackward1', checked, (g) => t(g));
}

const TRANSPOSE_ = signature<{ self: Tensor; dim0: number; dim1: number }>('transpose_(Tensor self, int dim0, int dim1)');
const SWAPDIMS_ = signature<{ self: Tensor; dim0: number; dim1: number }>('swapdims_(Tensor self, int dim0, int dim1)');
const SWAPAXES_ = signature<{ self: Tensor; axis0: number; axis1: number }>('swapaxes_(Tensor self, int axis0, int axis1)');
/** Keyword options of `x.transpose_(dim0, dim1)`. */
export interface TransposeDims {
  /** The first dim swapped. */
  dim0?: number;
  /** The second dim swapped. */
  dim1?: number;
}
/** The arguments of `x.transpose_(dim0, dim1)` (also `swapdims_`, `swapaxes_`). */
export type TransposeInplaceArgs = PyArgs<[dim0: number, dim1: number], TransposeDims>;

function swap_(self: Tensor, a: { dim0: number; dim1: number }): Tensor {
  return inplace_view(self, 'TransposeBackward1', (x) => transpose(x, a.dim0, a.dim1), (g) => transpose(g, a.dim0, a.dim1));
}

/** The arguments of `x.swapaxes_(axis0, axis1)`, NumPy's names. */
export type SwapaxesInplaceArgs = PyArgs<[axis0: number, axis1: number], {
  /** One of the dims swapped (negative counts from the end). */
  axis0?: number;
  /** The other dim. */
  axis1?: number;
}>;

/**
 * Swaps two dims in place (TransposeBackward1).
 *
 * @example
 * const y = x.clone(); y.transpose_(0, 1);
 */
export function transpose_<T extends Tensor>(self: T, ...args: TransposeInplaceArgs): T {
  if (tracing) return trace_op('aten::transpose_', transpose_, [self, ...args]) as T;
  return swap_(self, TRANSPOSE_.parse([self, ...args])) as T;
}

/**
 * `transpose_` under NumPy's name (PyTorch's `swapdims_` / `swapaxes_`; TransposeBackward1).
 *
 * @example
 * const y = x.clone(); y.swapdims_(0, 1);
 */
export function swapdims_<T extends Tensor>(self: T, ...args: TransposeInplaceArgs): T {
  if (tracing) return trace_op('aten::swapdims_', swapdims_, [self, ...args]) as T;
  return swap_(self, SWAPDIMS_.parse([self, ...args])) as T;
}

/**
 * `transpose_` under NumPy's other name and argument names (PyTorch's `swapaxes_(axis0, axis1)`; TransposeBackward1).
 *
 * @example
 * const y = x.clone(); y.swapaxes_(0, 1);
 */
export function swapaxes_<T extends Tensor>(self: T, ...args: SwapaxesInplaceArgs): T {
  if (tracing) return trace_op('aten::swapaxes_', swapaxes_, [self, ...args]) as T;
  const { axis0, axis1 } = SWAPAXES_.parse([self, ...args]);
  return swap_(self, { dim0: axis0, dim1: axis1 }) as T;
}

const UNSQUEEZE_ = signature<{ self: Tensor; dim: number }>('unsqueeze_(Tensor self, int dim)');
/**
 * Inserts a size-1 dim at `dim` in place (UnsqueezeBackward1).
 *
 * @example
 * const y = x.clone(); y.unsqueeze_(0);
 */
export function unsqueeze_<T extends Tensor>(self: T, ...args: PyArgs<[dim: number], { dim?: number }>): T {
  if (tracing) return trace_op('aten::unsqueeze_', unsqueeze_, [self, ...args]) as T;
  const { dim } = UNSQUEEZE_.parse([self, ...args]);
  // the gradient has the new dim, so `dim` normalises against it as it did against the input plus one
  return inplace_view(self, 'UnsqueezeBackward1', (x) => unsqueeze(x, dim), (g) => squeeze(g, normalize_dim(dim, g.ndim)));
}

const SQUEEZE_ = signature<{ self: Tensor; dim: number | null }>('squeeze_(Tensor self, int? dim=None)');
/**
 * Drops size-1 dims in place: all of them (SqueezeBackward2) or `dim` if it has size 1 (SqueezeBackward3).
 *
 * @example
 * const y = torch.zeros(1, 3).requires_grad_().clone(); y.squeeze_(0);
 */
export function squeeze_<T extends Tensor>(self: T, ...args: PyArgs<[dim: number | null], { dim?: number | null }>): T {
  if (tracing) return trace_op('aten::squeeze_', squeeze_, [self, ...args]) as T;
  const { dim } = SQUEEZE_.parse([self, ...args]);
  const old = [...self._shape];
  return inplace_view(self, dim === null ? 'SqueezeBackward2' : 'SqueezeBackward3', (x) => (dim === null ? squeeze(x) : squeeze(x, dim)), (g) => reshape(g, old));
}
