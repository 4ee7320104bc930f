// nn.modules.module: PyTorch's module path of the global hook functions and registries, for literal ports.
import {
  global_hooks, register_module_backward_hook, register_module_buffer_registration_hook, register_module_forward_hook,
  register_module_forward_pre_hook, register_module_full_backward_hook, register_module_full_backward_pre_hook,
  register_module_module_registration_hook, register_module_parameter_registration_hook,
} from './global_hooks.js';
import { Module } from './module.js';

/**
 * `torch.nn.modules.module`: the global hook functions and the live registries (`_global_forward_hooks`, …),
 * so that `nn.modules.module.register_module_forward_hook(...)` and a test's
 * `nn.modules.module._global_forward_hooks.clear()` port as written.
 *
 * @example
 * const h = nn.modules.module.register_module_forward_hook((m, args, out) => undefined, { always_call: true });
 * nn.modules.module._global_forward_hooks_always_called.size; // 1
 */
/**
 * A registry as a property: reading gives the live map; assigning a map (PyTorch's test tearDown,
 * `_global_forward_hooks = OrderedDict()`) replaces the registry's contents with the map's.
 */
function registry<V>(live: Map<number, V>): { get(): Map<number, V>; set(v: ReadonlyMap<number, V>): void; enumerable: true } {
  return {
    get: () => live,
    set: (v) => {
      const entries = [...v];
      live.clear();
      for (const [id, hook] of entries) live.set(id, hook);
    },
    enumerable: true,
  };
}

type Registry<V> = Map<number, V>;
type Hooks = typeof global_hooks;
type Entry<K extends keyof Hooks> = Hooks[K] extends Map<number, infer V> ? V : never;

/**
 * `torch.nn.modules.module`: the global hook functions and the live registries (`_global_forward_hooks`, …),
 * so that `nn.modules.module.register_module_forward_hook(...)` and a test's tearDown
 * (`nn.modules.module._global_forward_hooks = new Map()`, or `.clear()`) port as written.
 *
 * @example
 * const h = nn.modules.module.register_module_forward_hook((m, args, out) => undefined, { always_call: true });
 * nn.modules.module._global_forward_hooks_always_called.size; // 1
 */
export const module = Object.defineProperties(
  {
    Module,
    register_module_forward_pre_hook,
    register_module_forward_hook,
    register_module_backward_hook,
    register_module_full_backward_hook,
    register_module_full_backward_pre_hook,
    register_module_module_registration_hook,
    register_module_parameter_registration_hook,
    register_module_buffer_registration_hook,
  },
  {
    _global_forward_pre_hooks: registry(global_hooks.forward_pre),
    _global_forward_hooks: registry(global_hooks.forward),
    _global_forward_hooks_with_kwargs: registry(global_hooks.forward_with_kwargs),
    _global_forward_hooks_always_called: registry(global_hooks.forward_always_called),
    _global_backward_pre_hooks: registry(global_hooks.backward_pre),
    _global_backward_hooks: registry(global_hooks.backward),
    _global_module_registration_hooks: registry(global_hooks.module_registration),
    _global_parameter_registration_hooks: registry(global_hooks.parameter_registration),
    _global_buffer_registration_hooks: registry(global_hooks.buffer_registration),
  },
) as ModuleNamespace;

/** The shape of `nn.modules.module`. */
interface ModuleNamespace {
  Module: typeof Module;
  register_module_forward_pre_hook: typeof register_module_forward_pre_hook;
  register_module_forward_hook: typeof register_module_forward_hook;
  register_module_backward_hook: typeof register_module_backward_hook;
  register_module_full_backward_hook: typeof register_module_full_backward_hook;
  register_module_full_backward_pre_hook: typeof register_module_full_backward_pre_hook;
  register_module_module_registration_hook: typeof register_module_module_registration_hook;
  register_module_parameter_registration_hook: typeof register_module_parameter_registration_hook;
  register_module_buffer_registration_hook: typeof register_module_buffer_registration_hook;
  get _global_forward_pre_hooks(): Registry<Entry<'forward_pre'>>;
  set _global_forward_pre_hooks(v: ReadonlyMap<number, Entry<'forward_pre'>>);
  get _global_forward_hooks(): Registry<Entry<'forward'>>;
  set _global_forward_hooks(v: ReadonlyMap<number, Entry<'forward'>>);
  get _global_forward_hooks_with_kwargs(): Registry<true>;
  set _global_forward_hooks_with_kwargs(v: ReadonlyMap<number, true>);
  get _global_forward_hooks_always_called(): Registry<true>;
  set _global_forward_hooks_always_called(v: ReadonlyMap<number, true>);
  get _global_backward_pre_hooks(): Registry<Entry<'backward_pre'>>;
  set _global_backward_pre_hooks(v: ReadonlyMap<number, Entry<'backward_pre'>>);
  get _global_backward_hooks(): Registry<Entry<'backward'>>;
  set _global_backward_hooks(v: ReadonlyMap<number, Entry<'backward'>>);
  get _global_module_registration_hooks(): Registry<Entry<'module_registration'>>;
  set _global_module_registration_hooks(v: ReadonlyMap<number, Entry<'module_registration'>>);
  get _global_parameter_registration_hooks(): Registry<Entry<'parameter_registration'>>;
  set _global_parameter_registration_hooks(v: ReadonlyMap<number, Entry<'parameter_registration'>>);
  get _global_buffer_registration_hooks(): Registry<Entry<'buffer_registration'>>;
  set _global_buffer_registration_hooks(v: ReadonlyMap<number, Entry<'buffer_registration'>>);
}
