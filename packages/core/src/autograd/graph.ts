// `torch.autograd.graph`: the Node type users register hooks on, and increment_version.
import type { Tensor } from '../tensor.js';
export { Node, type NodePreHook, type NodePostHook } from './node.js';

/**
 * Bumps the version counter of `tensor` (and its views), as an in-place change would, so saved copies of it
 * are refused by backward (PyTorch's `torch.autograd.graph.increment_version`).
 *
 * @example
 * torch.autograd.graph.increment_version(x);
 */
export function increment_version(tensor: Tensor | readonly Tensor[]): void {
  for (const t of Array.isArray(tensor) ? tensor : [tensor as Tensor]) t._storage.version++;
}
