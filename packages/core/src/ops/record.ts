// Recording: attaches a backward node to an op's fresh outputs when grad mode is on and an input needs grad.
import { gradient_edge, Node, type BackwardFn, type Edge, type InputMeta } from '../autograd/node.js';
import type { DType } from '../dtype.js';
import { numel_of } from '../shape.js';
import { should_record, Storage, Tensor } from '../tensor.js';

/**
 * Records one op: `inputs` are its differentiable inputs in PyTorch's argument order (`null` for numbers
 * and inputs that are never differentiable), `outputs` its fresh results, `backward` its derivative rule,
 * `saved` the tensors that rule reads (released after backward unless `retain_graph`), `saved_names` PyTorch's
 * names of them (`self`, `other`, `result`: what `grad_fn._saved_self` & co return).
 * Returns the node, or null when nothing is recorded.
 */
export function record(
  name: string,
  inputs: readonly (Tensor | null | undefined)[],
  outputs: readonly Tensor[],
  backward: BackwardFn,
  saved?: readonly Tensor[],
  saved_names?: readonly string[],
): Node | null {
  if (!should_record(inputs)) return null;
  // outside inference mode only a view of an inference tensor is one; PyTorch records no view of those
  if (outputs.length > 0 && outputs[0]!._inference) return null;
  const next: Edge[] = inputs.map((t) => (t === null || t === undefined ? [null, 0] : gradient_edge(t)));
  const meta: (InputMeta | null)[] = inputs.map((t) => (t !== null && t !== undefined && t.requires_grad ? { shape: t._shape, dtype: t._dtype } : null));
  const node = new Node(name, next, meta, outputs.map((o) => ({ shape: o._shape, dtype: o._dtype })), backward);
  outputs.forEach((o, i) => {
    o.grad_fn = node;
    o.output_nr = i;
    o._requires_grad = true;
  });
  if (saved !== undefined && saved.length > 0) node.save_for_backward(...saved);
  if (saved_names !== undefined) node._saved_names = saved_names;
  return node;
}

/** A fresh contiguous result tensor. */
export function empty(shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(Storage.fresh(dtype, numel_of(shape)), shape, dtype);
}

/** A 0-dim tensor holding a number (PyTorch's wrapped scalar operand). */
export function scalar_tensor(value: number, dtype: DType): Tensor {
  const t = empty([], dtype);
  t._storage.data[0] = value;
  return t;
}

/**
 * For a backward rule PyTorch has no derivative for: when a graph is being built, `outputs` (the rule's
 * gradients) get PyTorch's `NotImplemented` node over `inputs` (grad_output first), whose own backward raises
 * `derivative for aten::<op> is not implemented`, so a second derivative fails as in PyTorch instead of
 * silently missing a term.
 */
export function record_not_implemented(op: string, inputs: readonly (Tensor | null)[], outputs: readonly Tensor[]): void {
  record('NotImplemented', inputs, outputs, () => {
    throw new Error(`derivative for aten::${op} is not implemented`);
  });
}
