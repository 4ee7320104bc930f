// Views and in-place changes, as PyTorch's autograd sees them: which in-place changes may be recorded, CopySlices
// (the base's new node when a view is written), and the lazy AsStridedBackward0 of a view whose storage changed.
import { Tensor } from '../tensor.js';
import { as_strided_rule, geometry, type Geometry } from '../ops/view.js';
import { empty } from '../ops/record.js';
import type { DType } from '../dtype.js';
import { CreationMeta } from './creation_meta.js';
import { E8_LEAF_INPLACE, INFERENCE_INPLACE, LEAF_VIEW_INPLACE } from './messages.js';
import { is_inference_mode_enabled, is_recording, no_grad } from './grad_mode.js';
import { gradient_edge, Node, type Grad } from './node.js';

/**
 * PyTorch's handle_view_on_rebase: a view made in no_grad mode, by a multi-output op or inside a custom Function
 * may not have its history rewritten, neither directly (`indirect` false: it is being modified) nor through its
 * base or another view of it.
 */
export function handle_view_on_rebase(view: Tensor, indirect: boolean): void {
  const creation = view._creation_meta;
  if (creation === CreationMeta.DEFAULT) return;
  const fn = view._grad_fn;
  const modified = indirect ? 'its base or another view of its base has been' : 'is being';
  let msg: string;
  if (creation === CreationMeta.INFERENCE_MODE || creation === CreationMeta.NO_GRAD_MODE || fn === null) {
    const prefix = fn === null ? 'A view was created in' : `Output ${view.output_nr} of ${fn.name()} is a view of a view which was created in`;
    msg =
      creation === CreationMeta.INFERENCE_MODE
        ? `${prefix} inference mode and ${modified} modified inplace in normal mode.`
        : `${prefix} no_grad mode and ${modified} modified inplace with grad mode enabled.`;
  } else {
    msg = `Output ${view.output_nr} of ${fn.name()} is a view and ${modified} modified inplace.`;
  }
  if (creation === CreationMeta.MULTI_OUTPUT_NODE) {
    msg +=
      ' This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.';
  } else if (creation === CreationMeta.NO_GRAD_MODE) {
    msg +=
      " Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).";
  } else if (creation === CreationMeta.INFERENCE_MODE) {
    msg +=
      ' Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the inference_mode block (if you don\'t want the inplace to be tracked) or both outside (if you want the inplace to be tracked).';
  } else {
    msg +=
      ' This view was created inside a custom Function (or because an input was returned as-is) and the autograd logic to handle view+inplace would override the custom backward associated with the custom Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the output of the custom Function.';
  }
  throw new Error(msg);
}

/** Moves a tensor's retain_grad from its old node to its new one (PyTorch's update_tensor_hooks_on_new_gradfn). */
function move_retained(t: Tensor, old_fn: Node | null, new_fn: Node, new_nr: number): void {
  const slot = t._retained_grad;
  if (slot === null || old_fn === null) return;
  if (old_fn._retained?.get(t.output_nr) === slot) old_fn._retained.delete(t.output_nr);
  new_fn._retained ??= new Map();
  new_fn._retained.set(new_nr, slot);
}

/** The grad_fn of a view: its own node, or a fresh AsStridedBackward0 from its base once the storage changed. */
export function view_grad_fn(view: Tensor): Node | null {
  const base = view._base!;
  if (view._grad_fn === null && !base._requires_grad) return null;
  const version = view._storage.version;
  if (view._attr_version === version) return view._grad_fn;
  handle_view_on_rebase(view, true);
  const old_fn = view._grad_fn;
  const base_geom = geometry(base);
  const view_geom = geometry(view);
  const fn = new Node('AsStridedBackward0', [gradient_edge(base)], [{ shape: base._shape, dtype: base._dtype }], [{ shape: view._shape, dtype: view._dtype }], as_strided_rule(base_geom, view_geom));
  move_retained(view, old_fn, fn, 0);
  view._grad_fn = fn;
  view.output_nr = 0;
  view._requires_grad = true;
  view._attr_version = version;
  return fn;
}

/**
 * PyTorch's check_inplace for `self` written in place from `others`: returns whether the change is recorded,
 * after refusing what PyTorch refuses (leaves that require grad, views of them, views that may not be rebased).
 */
export function check_inplace(self: Tensor, others: readonly unknown[]): boolean {
  let recording = is_recording() && self.requires_grad;
  if (is_recording()) for (const o of others) if (o instanceof Tensor && o.requires_grad) recording = true;
  if (recording) {
    if (self._base !== null) {
      handle_view_on_rebase(self, false);
      if (self.requires_grad && self._base.is_leaf) throw new Error(LEAF_VIEW_INPLACE);
    }
    if (self.requires_grad && self.is_leaf) throw new Error(E8_LEAF_INPLACE);
  }
  if (self._inference && !is_inference_mode_enabled()) throw new Error(INFERENCE_INPLACE);
  return recording;
}

/**
 * Makes `fn` (output `output_nr`) the history of `self` after an in-place change. For a view, the base gets a
 * CopySlices wrapping `fn` and the view's own node is regenerated from it (PyTorch's rebase_history).
 */
export function rebase_history(self: Tensor, fn: Node, output_nr = 0): void {
  const base = self._base;
  if (base !== null) {
    const copy_slices = new CopySlices(base, geometry(self), fn);
    move_retained(base, base._grad_fn, copy_slices, 0);
    base._grad_fn = copy_slices;
    base.output_nr = 0;
    base._requires_grad = true;
    self._attr_version = -1; // stale whatever was read since the write: regenerate over the base's new node
    void self.grad_fn;
    return;
  }
  move_retained(self, self._grad_fn, fn, output_nr);
  self._grad_fn = fn;
  self.output_nr = output_nr;
  self._requires_grad = true;
}

/**
 * The node of a base whose view was changed in place: runs the in-place op's node `fn` on the view's part of the
 * gradient and puts its result back in place; `fn`'s other inputs keep their own edges.
 */
export class CopySlices extends Node {
  constructor(
    base: Tensor,
    readonly view_geometry: Geometry,
    readonly fn: Node,
  ) {
    const base_geom = geometry(base);
    const base_dtype = base._dtype;
    const base_meta = base.requires_grad ? { shape: base._shape, dtype: base._dtype } : null;
    super(
      'torch::autograd::CopySlices',
      [gradient_edge(base), ...fn.next_functions.slice(1)],
      [base_meta, ...fn.input_meta.slice(1)],
      [{ shape: base._shape, dtype: base._dtype }],
      // as PyTorch's CopySlices::apply: the gradient copied into a tensor laid out as the base, the view's part of
      // it run through fn and written back in place; with create_graph these steps are the recorded graph
      // (CopySlices over CopyBackwards, fn's formula on a CloneBackward0 of an AsStridedBackward0)
      (_n, [grad]) => {
        const result = strided_like(base_geom, base_dtype);
        result.copy_(grad!);
        const slice = result.as_strided(view_geometry.shape, view_geometry.strides, view_geometry.offset - base_geom.offset);
        const res: Grad[] = fn.apply([slice.clone()]);
        const first = res[0] ?? null;
        if (first === null) slice.zero_();
        else slice.copy_(first);
        return [result, ...res.slice(1)];
      },
    );
  }

  override release_variables(): void {
    this.fn.release_variables();
    this.released_fn = true;
  }

  private released_fn = false;

  /** PyTorch's `copy_slices._wrapped_node`: the in-place op's node it runs on the view's part, null once released. */
  get _wrapped_node(): Node | null {
    return this.released_fn ? null : this.fn;
  }
}

/**
 * A new tensor with `g`'s shape and strides over fresh memory starting at offset 0 (PyTorch's
 * new_empty_strided), so that a view's geometry relative to its base addresses the same elements in it.
 */
function strided_like(g: Geometry, dtype: DType): Tensor {
  let extent = 1;
  for (let d = 0; d < g.shape.length; d++) extent += (g.shape[d]! - 1) * g.strides[d]!;
  if (g.shape.includes(0)) extent = 0;
  return no_grad(() => empty([extent], dtype).as_strided(g.shape, g.strides, 0)).detach();
}

/**
 * Moves `self` onto `fn` after an in-place view op (t_, squeeze_, …): only its geometry changed, so a view stays
 * a view of its base, whose history is untouched; retain_grad follows the tensor, hooks stay on the old node.
 */
export function rebase_inplace_view(self: Tensor, fn: Node): void {
  move_retained(self, self._grad_fn, fn, 0);
  self.grad_fn = fn;
  self.output_nr = 0;
  self._requires_grad = true;
}

/**
 * A detached alias of `self` carrying its autograd identity: the input an in-place op's node records (a copy of
 * the old values when the backward rule reads them, as the write would otherwise change them).
 */
export function alias_of(self: Tensor, copy = false): Tensor {
  const alias = copy ? no_grad(() => self.detach().clone()) : self.detach();
  alias.grad_fn = self.grad_fn;
  alias.output_nr = self.output_nr;
  alias._requires_grad = self.requires_grad;
  alias._grad_accumulator = self._grad_accumulator;
  return alias;
}
