// nn.utils: hook listing/removal, gradient clipping, parameter vectors, weight normalisation, skip_init.
import type { Tensor } from '@tsgrad/core';
import { without_random_init } from './init.js';
import { Module } from './module.js';
export { list_hooks, remove_all_hooks, type HookInfo, type HookKind } from './hook_utils.js';
export { clip_grad_norm_, clip_grad_norm, clip_grad_value_, parameters_to_vector, vector_to_parameters, type ClipGradNormOptions, type TensorOrTensors } from './utils_grad.js';
export { weight_norm, remove_weight_norm, WeightNorm } from './weight_norm.js';
export { spectral_norm, remove_spectral_norm, SpectralNorm } from './spectral_norm.js';
export * as prune from './prune.js';
export * as parametrize from './parametrize.js';
export * as parametrizations from './parametrizations.js';
export * as rnn from './utils_rnn.js';
export * as stateless from './stateless.js';

/**
 * Total number of elements over `params` (e.g. `parameters_count(net.parameters())`).
 *
 * @example
 * nn.utils.parameters_count(new nn.Linear(10, 5).parameters()); // 55
 */
export function parameters_count(params: Iterable<Tensor>): number {
  let n = 0;
  for (const p of params) n += p.numel();
  return n;
}

/**
 * Builds a module without running its random initialisation (PyTorch's `torch.nn.utils.skip_init`): for
 * weights that are loaded right after, which saves the time a large model spends drawing random numbers.
 * `cls` is a module class, or a function that builds one (such as `models.resnet18`).
 *
 * @example
 * const net = nn.utils.skip_init(models.resnet18, { num_classes: 10 });
 * net.load_state_dict(load_file('resnet18.safetensors'));
 */
export function skip_init<A extends unknown[], M extends Module>(cls: (new (...args: A) => M) | ((...args: A) => M), ...args: A): M {
  return without_random_init(() => (cls.prototype instanceof Module ? new (cls as new (...a: A) => M)(...args) : (cls as (...a: A) => M)(...args)));
}
