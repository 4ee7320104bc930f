// Global module hooks (nn.register_module_forward_hook …): run on every module call, before its own hooks.
import { HookDict, HookFlags, type RemovableHandle } from '@tsgrad/hooks';
import type { Tensor } from '@tsgrad/core';
import type { Grad } from '@tsgrad/core';
import type { Module } from './module.js';
import type { Parameter } from './parameter.js';

/** A registration hook: `hook(module, name, value)`; a returned value replaces the one being registered. */
export type RegistrationHook<V> = (module: Module, name: string, value: V) => V | void | undefined | null;

/** A hook of `register_module_forward_pre_hook`, run before every module's forward: may return replacement args. */
export type GlobalForwardPreHook = (module: Module, args: unknown[]) => unknown;
/** A hook of `register_module_forward_hook`, run after every module's forward: may return a replacement output. */
export type GlobalForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;

/** A hook of `register_module_full_backward_hook` / `register_module_backward_hook`: every module's grad_input and grad_output. */
export type GlobalBackwardHook = (module: Module, grad_input: Grad[], grad_output: Grad[]) => Grad[] | void | undefined | null;
/** A hook of `register_module_full_backward_pre_hook`: every module's grad_output, before its gradients are computed. */
export type GlobalBackwardPreHook = (module: Module, grad_output: Grad[]) => Grad[] | void | undefined | null;

/** The process-wide hook registries (PyTorch's `_global_*_hooks`). */
const LONG_LIVED = { long_lived: true };
export const global_hooks = {
  forward_pre: new HookDict<GlobalForwardPreHook>(LONG_LIVED),
  forward: new HookDict<GlobalForwardHook>(LONG_LIVED),
  forward_with_kwargs: new HookFlags(LONG_LIVED),
  forward_always_called: new HookFlags(LONG_LIVED),
  backward_pre: new HookDict<GlobalBackwardPreHook>(LONG_LIVED),
  backward: new HookDict<GlobalBackwardHook>(LONG_LIVED),
  /** null until a global backward hook is registered; then whether it is the full kind. */
  is_full_backward: null as boolean | null,
  module_registration: new HookDict<RegistrationHook<Module>>(LONG_LIVED),
  parameter_registration: new HookDict<RegistrationHook<Parameter>>(LONG_LIVED),
  buffer_registration: new HookDict<RegistrationHook<Tensor>>(LONG_LIVED),
};

/** Runs the registration hooks in order, each seeing the previous one's replacement. */
export function run_registration_hooks<V>(hooks: HookDict<RegistrationHook<V>>, module: Module, name: string, value: V): V {
  let v = value;
  for (const [, hook] of hooks.snapshot()) {
    const out = hook(module, name, v);
    if (out !== undefined && out !== null) v = out;
  }
  return v;
}

/**
 * Registers `hook(module, name, submodule)` run whenever any module registers a child (assignment,
 * `add_module`, `register_module`); a returned module is registered instead.
 *
 * @example
 * const h = nn.register_module_module_registration_hook((m, name, sub) => console.log(name));
 */
export function register_module_module_registration_hook(hook: RegistrationHook<Module>): RemovableHandle {
  return global_hooks.module_registration.add(hook);
}

/**
 * Registers `hook(module, name, parameter)` run whenever any module registers a parameter; a returned one replaces it.
 *
 * @example
 * const h = nn.register_module_parameter_registration_hook((m, name, p) => console.log(name, p.shape));
 * new nn.Linear(2, 3); // logs weight [3, 2], then bias [3]
 * h.remove();
 */
export function register_module_parameter_registration_hook(hook: RegistrationHook<Parameter>): RemovableHandle {
  return global_hooks.parameter_registration.add(hook);
}

/**
 * Registers `hook(module, name, buffer)` run whenever any module registers a buffer; a returned one replaces it.
 *
 * @example
 * const h = nn.register_module_buffer_registration_hook((m, name) => console.log(name));
 * new nn.BatchNorm1d(4); // running_mean, running_var, num_batches_tracked
 * h.remove();
 */
export function register_module_buffer_registration_hook(hook: RegistrationHook<Tensor>): RemovableHandle {
  return global_hooks.buffer_registration.add(hook);
}

const E11 = 'Cannot use both regular backward hooks and full backward hooks on a single Module. Please use only one of them.';

/**
 * Registers a forward pre-hook run before every module's own pre-hooks.
 *
 * @example
 * const h = nn.register_module_forward_pre_hook((m, args) => console.log(m._get_name()));
 */
export function register_module_forward_pre_hook(hook: GlobalForwardPreHook): RemovableHandle {
  return global_hooks.forward_pre.add(hook);
}

/**
 * Registers a forward hook run after every module's forward, before its own forward hooks.
 *
 * @example
 * const h = nn.register_module_forward_hook((m, args, out) => console.log(m._get_name(), (out as Tensor).shape));
 * net.call(x);
 * h.remove();
 */
export function register_module_forward_hook(hook: GlobalForwardHook, options: { with_kwargs?: boolean; always_call?: boolean } = {}): RemovableHandle {
  const h = global_hooks.forward.add(hook, { extra_dicts: [global_hooks.forward_with_kwargs, global_hooks.forward_always_called] });
  if (options.with_kwargs) global_hooks.forward_with_kwargs.set(h.id, true);
  if (options.always_call) global_hooks.forward_always_called.set(h.id, true);
  return h;
}

/**
 * Registers a full backward hook on every module.
 *
 * @example
 * const h = nn.register_module_full_backward_hook((m, grad_input, grad_output) => console.log(m));
 * net.call(x).sum().backward();
 * h.remove();
 */
export function register_module_full_backward_hook(hook: GlobalBackwardHook): RemovableHandle {
  if (global_hooks.is_full_backward === false) throw new Error(E11);
  global_hooks.is_full_backward = true;
  return global_hooks.backward.add(hook);
}

/**
 * Registers a full backward pre-hook on every module.
 *
 * @example
 * const h = nn.register_module_full_backward_pre_hook((m, grad_output) => console.log(grad_output[0]?.shape));
 * net.call(x).sum().backward();
 * h.remove();
 */
export function register_module_full_backward_pre_hook(hook: GlobalBackwardPreHook): RemovableHandle {
  return global_hooks.backward_pre.add(hook);
}

/**
 * Registers a legacy (non-full) backward hook on every module (deprecated, as in PyTorch).
 *
 * @example
 * const h = nn.register_module_backward_hook((m, grad_input, grad_output) => undefined);
 * h.remove();
 */
export function register_module_backward_hook(hook: GlobalBackwardHook): RemovableHandle {
  if (global_hooks.is_full_backward === true) throw new Error(E11);
  global_hooks.is_full_backward = false;
  return global_hooks.backward.add(hook);
}

export { E11 };
