// `torch.autograd.graph`: the Node type users register hooks on, GradientEdge, multi-grad hooks, saved-tensor
// hooks, increment_version and queue_callback.
import type { Tensor } from '../tensor.js';
export { Node, type NodePreHook, type NodePostHook } from './node.js';
export { queue_callback } from './engine.js';
export { GradientEdge, get_gradient_edge } from './gradient_edge.js';
export { register_multi_grad_hook, MultiGradHookHandle } from './multi_grad_hook.js';
export { saved_tensors_hooks, SavedTensorsHooks, SavedTensor, save_on_cpu, disable_saved_tensors_hooks, type PackHook, type UnpackHook } from './saved_tensor.js';

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
