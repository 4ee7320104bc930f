// PyTorch's autograd error and warning texts, in one place so every caller says the same words.
import type { DType } from '../dtype.js';
import { legacy_type_name } from '../dtype.js';

export const E1_NO_GRAD = 'element 0 of tensors does not require grad and does not have a grad_fn';
export const E2_FREED =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';
export const E3_IMPLICIT = 'grad can be implicitly created only for scalar outputs';
export const E5_HOOK_NO_GRAD = "cannot register a hook on a tensor that doesn't require gradient";
export const E6_UNUSED =
  'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.';
export const E8_LEAF_INPLACE = 'a leaf Variable that requires grad is being used in an in-place operation.';
export const E10_NON_LEAF_FLAG =
  "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().";
export const W1_NON_LEAF_GRAD =
  "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations.";
export const INFERENCE_VERSION = 'Inference tensors do not track version counter.';
export const INFERENCE_REQUIRES_GRAD = 'Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.';
export const INFERENCE_SAVED =
  'Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.';
export const INFERENCE_INPLACE =
  'Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.';
export const NUMPY_REQUIRES_GRAD = "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.";

export function e4_shape_mismatch(index: number, grad_shape: readonly number[], out_shape: readonly number[]): string {
  return `Mismatch in shape: grad_output[${index}] has a shape of torch.Size([${grad_shape.join(', ')}]) and output[${index}] has a shape of torch.Size([${out_shape.join(', ')}]).`;
}

export function e9_version(dtype: DType, shape: readonly number[], producer: string | null, output_nr: number, version: number, expected: number): string {
  const which = producer === null ? '' : `, which is output ${output_nr} of ${producer},`;
  return `one of the variables needed for gradient computation has been modified by an inplace operation: [${legacy_type_name(dtype)} [${shape.join(', ')}]]${which} is at version ${version}; expected version ${expected} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).`;
}

export function e12_hook_size(hook_name: string): string {
  return `hook '${hook_name}' has changed the size of value`;
}

/**
 * Emits a warning the way PyTorch users see it: `process.emitWarning` in Node, `console.warn` elsewhere.
 *
 * @param category - Python's warning class (default 'UserWarning')
 * @example
 * torch.warn('this option is deprecated', 'FutureWarning');
 */
export function warn(message: string, category: 'UserWarning' | 'FutureWarning' | 'DeprecationWarning' | 'TracerWarning' = 'UserWarning'): void {
  const proc = (globalThis as { process?: { emitWarning?: (msg: string, type?: string) => void } }).process;
  if (proc?.emitWarning) proc.emitWarning(message, category);
  else console.warn(`${category}: ${message}`);
}

export const DETACH_VIEW_INPLACE =
  "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.";
export const LEAKY_RELU_INPLACE_NEGATIVE_SLOPE =
  'In-place leakyReLu backward calculation is triggered with a negative slope which is not supported. This is caused by calling in-place forward function with a negative slope, please call out-of-place version instead. File an issue at https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu backward calculation with negative slope';
export const LEAF_VIEW_INPLACE = 'a view of a leaf Variable that requires grad is being used in an in-place operation.';

/** PyTorch's TracerWarning when a traced function reads a tensor's values into JavaScript. */
export const TRACER_CONVERT = (kind: 'number' | 'boolean' | 'list'): string =>
  `Converting a tensor to a Python ${kind} might cause the trace to be incorrect. We can't record the data flow of Python values, so this value will be treated as a constant in the future. This means that the trace might not generalize to other inputs!`;
export const TRACER_ITERATE =
  "Iterating over a tensor might cause the trace to be incorrect. Passing a tensor of different shape won't change the number of iterations executed (and might lead to errors or silently give incorrect results).";
