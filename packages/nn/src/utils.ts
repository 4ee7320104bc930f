// nn.utils: hook listing/removal and parameter helpers.
import { no_grad, type Tensor } from '@tsgrad/core';
import { without_random_init } from './init.js';
import { Module } from './module.js';
export { list_hooks, remove_all_hooks, type HookInfo, type HookKind } from './hook_utils.js';

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
 * Scales the gradients of `params` in place so that their global L2 norm is at most `max_norm` (PyTorch's `clip_grad_norm_` with the default 2-norm); returns the norm before clipping, as a number.
 *
 * @example
 * loss.backward();
 * nn.utils.clip_grad_norm_(net.parameters(), 1.0);
 * opt.step();
 */
export function clip_grad_norm_(params: Iterable<Tensor>, max_norm: number): number {
  const list = [...params].filter((p) => p._grad !== null);
  let sq = 0;
  for (const p of list) {
    const d = p._grad!._contiguous_data();
    for (let i = 0; i < d.length; i++) sq += d[i]! * d[i]!;
  }
  const total = Math.sqrt(sq);
  const coef = max_norm / (total + 1e-6);
  if (coef < 1) no_grad(() => list.forEach((p) => p._grad!.mul_(coef)));
  return total;
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
