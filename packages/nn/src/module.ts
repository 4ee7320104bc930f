// nn.Module: registration by assignment, traversal, state_dict, repr, and PyTorch's _call_impl with hooks.
import { as_ordered_dict, as_tuple, serialization, is_py_list, check_device, class_name, set_repr, py_repr as py_value_repr, is_plain_object, jit, no_grad, py_type_name, parse_to, signature, Tensor, warn, zeros_like, type DeviceLike, type DType, type Grad, type Node, type PyArgs, type ToArgs } from '@tsgrad/core';
import { HookDict, HookFlags, type RemovableHandle } from '@tsgrad/hooks';
import { BackwardHook, type FullBackwardHookFn, type FullBackwardPreHookFn } from './backward_hook.js';
import { E11, global_hooks, run_registration_hooks } from './global_hooks.js';
import { Kwargs } from './kwargs.js';
import { Buffer, Parameter } from './parameter.js';
import { add_indent, py_repr } from './python_repr.js';

/** Positional arguments of a module's `forward`, as hooks see them. */
export type ForwardArgs<M> = M extends {
  /** The module's forward. */
  forward(...args: infer A): unknown;
} ? A : unknown[];
/** What a module's `forward` returns (as hooks see it). */
export type ForwardOutput<M> = M extends {
  /** The module's forward. */
  forward(...args: infer _A): infer R;
} ? R : unknown;
/**
 * What `module.call(...)` returns: the output `forward` declares; for a module known only as `nn.Module` (its
 * forward typed `unknown`), a Tensor, as PyTorch code expects from `model(x)`. A caller holding such a module
 * that returns something else names it: `held.call<[Tensor, [Tensor, Tensor]]>(x)` for an LSTM.
 */
export type CallOutput<M> = unknown extends ForwardOutput<M> ? Tensor : ForwardOutput<M>;
/**
 * `T`, but never inferred from where it is used (TypeScript 5.4's `NoInfer`, spelled so TypeScript 5.2 reads
 * it): `call`'s output type comes from its default, not from what the caller's context expects.
 */
type Uninferred<T> = [T][T extends unknown ? 0 : never];
/**
 * `forward`'s args when its last parameter is a keyword-arguments object (`forward(x, flag, kwargs = {})`):
 * the positional ones, then `nn.kwargs({...})` in the kwargs parameter's place.
 */
type ArgsWithKwargs<A extends unknown[]> = Required<A> extends [...infer Init, infer Last] ? ({} extends Last ? [...Init, Kwargs] : never) : never;

/** A hook of `register_forward_pre_hook`: sees the positional args before `forward`, may return replacements (a tuple, or one value). */
export type ForwardPreHook<M> = (module: M, args: ForwardArgs<M>) => ForwardArgs<M> | ForwardArgs<M>[number] | void | undefined | null;
/** A forward pre-hook registered `with_kwargs: true`: sees args and keyword args, may return both replaced. */
export type ForwardPreHookWithKwargs<M> = (
  module: M,
  args: ForwardArgs<M>,
  kwargs: Record<string, unknown>,
) => [ForwardArgs<M> | unknown[], Record<string, unknown>] | void | undefined | null;
/** A hook of `register_forward_hook`: sees args and output after `forward`, may return a replacement output. */
export type ForwardHook<M> = (module: M, args: ForwardArgs<M>, output: ForwardOutput<M>) => ForwardOutput<M> | void | undefined | null;
/** A forward hook registered `with_kwargs: true`: also sees the keyword args. */
export type ForwardHookWithKwargs<M> = (
  module: M,
  args: ForwardArgs<M>,
  kwargs: Record<string, unknown>,
  output: ForwardOutput<M>,
) => ForwardOutput<M> | void | undefined | null;
/** A hook of `register_backward_hook` (legacy) or `register_full_backward_hook`: sees `grad_input` and `grad_output`, may return replacement `grad_input`. */
export type BackwardHookFn<M> = (module: M, grad_input: Grad[], grad_output: Grad[]) => Grad[] | void | undefined | null;
/** A hook of `register_full_backward_pre_hook`: sees `grad_output`, may return a replacement. */
export type BackwardPreHookFn<M> = (module: M, grad_output: Grad[]) => Grad[] | void | undefined | null;

type AnyHook = (...args: never[]) => unknown;

/** A module's state dict: tensors (and extra state) by dotted name. */
export type StateDict = Record<string, Tensor>;
/** `register_state_dict_pre_hook`: `hook(module, prefix, keep_vars)` before the module saves its entries. */
export type StateDictPreHook = (module: Module, prefix: string, keep_vars: boolean) => void;
/** `_register_state_dict_hook` / `register_state_dict_post_hook`: `hook(module, state_dict, prefix, local_metadata)`. */
export type StateDictHook = (module: Module, state_dict: StateDict, prefix: string, local_metadata: Record<string, unknown>) => StateDict | void | undefined | null;
/** `register_load_state_dict_pre_hook`: sees the whole state dict before the module loads its entries. */
export type LoadStateDictPreHook = (
  module: Module, state_dict: StateDict, prefix: string, local_metadata: Record<string, unknown>, strict: boolean,
  missing_keys: string[], unexpected_keys: string[], error_msgs: string[],
) => void;
/** `register_load_state_dict_post_hook`: may edit the incompatible keys in place. */
export type LoadStateDictPostHook = (module: Module, incompatible_keys: IncompatibleKeys) => void;
/** PyTorch's repr of `load_state_dict`'s result. */
function incompatible_keys_repr(k: IncompatibleKeys): string {
  if (k.missing_keys.length === 0 && k.unexpected_keys.length === 0) return '<All keys matched successfully>';
  return `_IncompatibleKeys(missing_keys=${py_value_repr(k.missing_keys)}, unexpected_keys=${py_value_repr(k.unexpected_keys)})`;
}
/** What `load_state_dict` returns (PyTorch's `_IncompatibleKeys`); prints as PyTorch's. */
export interface IncompatibleKeys {
  /** Keys the module expects but the state dict lacks. */
  missing_keys: string[];
  /** Keys in the state dict the module does not have. */
  unexpected_keys: string[];
}

/** The key suffix of a module's extra state in its state dict. */
const EXTRA_STATE_KEY = '_extra_state';

const W2 =
  'Using a non-full backward hook when the forward contains multiple autograd Nodes is deprecated and will be removed in future versions. This hook will be missing some grad_input. Please use register_full_backward_hook to get the documented behavior.';
const W3 =
  'Using a non-full backward hook when outputs are generated by different autograd Nodes is deprecated and will be removed in future versions. This hook will be missing some grad_output. Please use register_full_backward_hook to get the documented behavior.';
const W4 =
  'Using non-full backward hooks on a Module that does not return a single Tensor or a tuple of Tensors is deprecated and will be removed in future versions. This hook will be missing some of the grad_output. Please use register_full_backward_hook to get the documented behavior.';
const W5 =
  'Using non-full backward hooks on a Module that does not take as input a single Tensor or a tuple of Tensors is deprecated and will be removed in future versions. This hook will be missing some of the grad_input. Please use register_full_backward_hook to get the documented behavior.';
const W_NESTED =
  'Using a non-full backward hook when outputs are nested in python data structure is deprecated and will be removed in future versions. This hook will be missing some grad_output.';

/**
 * The module object behind its Proxy. Every read through the Proxy takes a slow path (~20 ns), so `call`
 * reads the hook maps from the target; `forward` and hooks still get the Proxy, which is the module users hold.
 */
const TARGET = Symbol('tsgrad.module_target');

/** Legacy-hook deprecation warnings are FutureWarning in PyTorch 2.x (UserWarning in 1.13). */
export const LEGACY_HOOK_WARNING_CATEGORY = 'FutureWarning';

function type_name(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Tensor) return v.type();
  return class_name(v as object);
}

const NAMED_MODULES = signature<{ memo: Set<Module> | null; prefix: string; remove_duplicate: boolean }>("named_modules(Object? memo=None, str prefix='', bool remove_duplicate=True)");
const STATE_DICT = signature<{ destination: StateDict | null; prefix: string; keep_vars: boolean }>("state_dict(*, Dict? destination=None, str prefix='', bool keep_vars=False)");
const LOAD_STATE_DICT = signature<{ strict: boolean; assign: boolean }>('load_state_dict(*, bool strict=True, bool assign=False)');

/** A module's hook maps live as long as it does: a collected module leaves its handles unregistered. */
const WATCHED = { watch_collection: true };

/**
 * Base class of every network layer and model. Assigning a Parameter or a Module to a field registers it
 * (in assignment order); `call(...)` runs `forward` with PyTorch's hooks.
 *
 * @example
 * class Net extends nn.Module {
 *   fc = new nn.Linear(4, 2);
 *   forward(x: Tensor): Tensor { return this.fc.call(x); }
 * }
 * const net = new Net();
 * net.register_forward_hook((m, args, out) => console.log(out.shape));
 * net.call(torch.randn([3, 4]));
 */
export class Module {
  /** Training mode (`true`, the default) or evaluation mode; set through `train()` / `eval()`. */
  training = true;
  /** This module's own parameters by name, in registration order (a `null` entry is a registered-but-unset slot). */
  readonly _parameters = new Map<string, Parameter | null>();
  /** This module's own buffers by name, in registration order (`null` = registered but unset). */
  readonly _buffers = new Map<string, Tensor | null>();
  /** Names of buffers registered with `persistent: false`: kept out of `state_dict()`. */
  readonly _non_persistent_buffers = new Set<string>();
  /** Direct child modules by name, in registration order (`null` = registered but unset). */
  readonly _modules = new Map<string, Module | null>();
  /** Hooks of `register_forward_pre_hook`, by handle id, in firing order. */
  readonly _forward_pre_hooks = new HookDict<AnyHook>(WATCHED);
  /** Ids of forward pre-hooks registered with `with_kwargs: true`. */
  readonly _forward_pre_hooks_with_kwargs = new HookFlags();
  /** Hooks of `register_forward_hook`, by handle id, in firing order. */
  readonly _forward_hooks = new HookDict<AnyHook>(WATCHED);
  /** Ids of forward hooks registered with `with_kwargs: true`. */
  readonly _forward_hooks_with_kwargs = new HookFlags();
  /** Ids of forward hooks registered with `always_call: true` (they run even when `forward` throws). */
  readonly _forward_hooks_always_called = new HookFlags();
  /** Hooks of `register_full_backward_pre_hook`, by handle id. */
  readonly _backward_pre_hooks = new HookDict<FullBackwardPreHookFn>(WATCHED);
  /** Hooks of `register_full_backward_hook` (or the legacy `register_backward_hook`), by handle id. */
  readonly _backward_hooks = new HookDict<FullBackwardHookFn>(WATCHED);
  /** null until a backward hook is registered; then whether it is the full kind (sticky, as PyTorch). */
  _is_full_backward_hook: boolean | null = null;
  /** Hooks of `register_state_dict_pre_hook`, by handle id. */
  readonly _state_dict_pre_hooks = new HookDict<StateDictPreHook>(WATCHED);
  /** Hooks of `register_state_dict_post_hook` (and the private `_register_state_dict_hook`), by handle id. */
  readonly _state_dict_hooks = new HookDict<StateDictHook>(WATCHED);
  /** Ids of `_state_dict_hooks` registered as post-hooks (they must return nothing). */
  readonly _state_dict_post_hook_ids = new HookFlags();
  /** Hooks of `register_load_state_dict_pre_hook`, by handle id. */
  readonly _load_state_dict_pre_hooks = new HookDict<LoadStateDictPreHook>(WATCHED);
  /** Hooks of `register_load_state_dict_post_hook`, by handle id. */
  readonly _load_state_dict_post_hooks = new HookDict<LoadStateDictPostHook>(WATCHED);
  /** The state-dict format version saved in its metadata (PyTorch's class attribute `_version`). */
  static readonly _version: number = 1;

  constructor() {
    // torch.load finds a saved module's class by name among those built in this process (pickle imports it)
    serialization.register_class(new.target);
    Object.defineProperty(this, TARGET, { value: this });
    // A Proxy routes `this.x = value` and class-field definitions through PyTorch's __setattr__ rules.
    return new Proxy(this, {
      set: (target, prop, value, receiver) => {
        if (typeof prop === 'string' && target._register_attr(prop, value)) return true;
        return Reflect.set(target, prop, value, receiver);
      },
      defineProperty: (target, prop, desc) => {
        if (typeof prop === 'string' && 'value' in desc && target._register_attr(prop, desc.value)) return true;
        return Reflect.defineProperty(target, prop, desc);
      },
      deleteProperty: (target, prop) => {
        if (typeof prop === 'string') {
          target._parameters.delete(prop);
          target._buffers.delete(prop);
          target._modules.delete(prop);
          target._non_persistent_buffers.delete(prop);
        }
        return Reflect.deleteProperty(target, prop);
      },
    });
  }

  /**
   * What `torch.save(module)` stores of this module (Python pickles its `__dict__`): the training flag, plain
   * attributes, parameters (with `requires_grad`), buffers and child modules; hooks stay behind, with a warning
   * (Python pickles them; JS functions cannot be saved).
   *
   * @example
   * torch.save(model, 'model.pth'); // calls this for every module of the tree
   */
  __getstate__(): ModuleState {
    const target = (this as { [TARGET]?: Module })[TARGET] ?? this;
    // Python pickles the hook dicts with the module; JS functions cannot be saved, so say what is left behind
    const hooks = Object.values(target as unknown as Record<string, unknown>).filter((v): v is HookDict<unknown> => v instanceof HookDict).reduce((n, d) => n + d.size, 0);
    if (hooks > 0) {
      warn(`torch.save: the ${hooks} hook${hooks === 1 ? '' : 's'} of ${target._get_name()} (forward, backward and state-dict hooks, which weight_norm, spectral_norm and prune use) cannot be saved and are left out; register them again after torch.load`);
    }
    return module_state(target);
  }

  /**
   * Restores what `__getstate__` gave, into a module made by `__new__` (how `torch.load` rebuilds a saved module).
   *
   * @example
   * const copy = Linear.__new__(); copy.__setstate__(linear.__getstate__());
   */
  __setstate__(state: ModuleState): void {
    set_module_state((this as { [TARGET]?: Module })[TARGET] ?? this, state);
  }

  /**
   * An instance of this class with no parameters, buffers or children yet, built without calling its own
   * constructor (Python's `cls.__new__(cls)`): what `torch.load` and `deepcopy` fill in.
   *
   * @example
   * const m = nn.Linear.__new__(); // then m.__setstate__(...)
   */
  static __new__<T extends Module>(this: abstract new (...args: never[]) => T): T {
    return Reflect.construct(Module, [], this) as T;
  }

  /** PyTorch's __setattr__: returns true when `value` was stored as a parameter, buffer or module. */
  _register_attr(name: string, value: unknown): boolean {
    if (value instanceof Parameter) {
      this._drop_name(name);
      const p = run_registration_hooks(global_hooks.parameter_registration, this, name, value);
      this._parameters.set(name, p);
      this._define(name, p);
      return true;
    }
    if (this._parameters.has(name)) {
      if (value !== null) throw new TypeError(`cannot assign '${type_name(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
      this._parameters.set(name, null);
      this._define(name, null);
      return true;
    }
    if (value instanceof Module) {
      this._drop_name(name);
      const m = run_registration_hooks(global_hooks.module_registration, this, name, value);
      this._modules.set(name, m);
      this._define(name, m);
      return true;
    }
    if (this._modules.has(name)) {
      if (value !== null) throw new TypeError(`cannot assign '${type_name(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
      this._modules.set(name, null);
      this._define(name, null);
      return true;
    }
    if (value instanceof Buffer) {
      // PyTorch's __setattr__ registers an nn.Buffer with its own persistence
      this.register_buffer(name, value, { persistent: value.persistent });
      return true;
    }
    if (this._buffers.has(name)) {
      if (value !== null && !(value instanceof Tensor)) throw new TypeError(`cannot assign '${type_name(value)}' as buffer '${name}' (torch.Tensor or None expected)`);
      const b = value === null ? null : run_registration_hooks(global_hooks.buffer_registration, this, name, value as Tensor);
      this._buffers.set(name, b);
      this._define(name, b);
      return true;
    }
    return false;
  }

  /**
   * Puts `value` (any tensor) in parameter or buffer slot `name`, bypassing the assignment checks, and returns what
   * was there: functional_call's temporary swap.
   *
   * @hidden
   */
  _swap_tensor(name: string, value: Tensor | null): Tensor | null {
    const map = (this._parameters.has(name) ? this._parameters : this._buffers) as Map<string, Tensor | null>;
    const old = map.get(name) ?? null;
    map.set(name, value);
    // on the target itself: through the Proxy, PyTorch's assignment rules would refuse a plain tensor
    const target = (this as { [TARGET]?: Module })[TARGET] ?? this;
    Reflect.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
    return old;
  }

  private _drop_name(name: string): void {
    this._parameters.delete(name);
    this._buffers.delete(name);
    this._modules.delete(name);
    this._non_persistent_buffers.delete(name);
  }

  private _define(name: string, value: unknown): void {
    Reflect.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
  }

  /** True when `name` holds some other attribute (fields declared but not yet set hold undefined). */
  private _taken(name: string): boolean {
    return name in this && (this as Record<string, unknown>)[name] !== undefined;
  }

  private _check_name(name: string, kind: string): void {
    if (typeof name !== 'string') throw new TypeError(`${kind} name should be a string. Got ${type_name(name)}`);
    if (name.includes('.')) throw new Error(`${kind} name can't contain ".", got: ${name}`);
    if (name === '') throw new Error(`${kind} name can't be empty string ""`);
  }

  /**
   * Adds a parameter (or null) under `name`.
   *
   * @example
   * this.register_parameter('weight', new nn.Parameter(torch.randn([3])));
   */
  register_parameter(name: string, param: Parameter | null): void {
    this._check_name(name, 'parameter');
    if (this._taken(name) && !this._parameters.has(name)) throw new Error(`attribute '${name}' already exists`);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`cannot assign '${type_name(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    if (param !== null && param.grad_fn !== null) {
      throw new Error(`Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. To express '${name}' as a function of another Tensor, compute the value in the forward() method.`);
    }
    const p = param === null ? null : run_registration_hooks(global_hooks.parameter_registration, this, name, param);
    this._parameters.set(name, p);
    this._define(name, p);
  }

  /**
   * Adds a buffer: state that is not a parameter (running statistics); `persistent: false` keeps it out
   * of `state_dict`.
   */
  register_buffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    this._check_name(name, 'buffer');
    if (this._taken(name) && !this._buffers.has(name)) throw new Error(`attribute '${name}' already exists`);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`cannot assign '${type_name(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    const b = tensor === null ? null : run_registration_hooks(global_hooks.buffer_registration, this, name, tensor);
    this._buffers.set(name, b);
    if (options.persistent === false) this._non_persistent_buffers.add(name);
    else this._non_persistent_buffers.delete(name);
    this._define(name, b);
  }

  /** Adds a child module (or null) under `name`. */
  register_module(name: string, module: Module | null): void {
    this._check_name(name, 'module');
    if (module !== null && !(module instanceof Module)) throw new TypeError(`${type_name(module)} is not a Module subclass`);
    if (this._taken(name) && !this._modules.has(name)) throw new Error(`attribute '${name}' already exists`);
    const m = module === null ? null : run_registration_hooks(global_hooks.module_registration, this, name, module);
    this._modules.set(name, m);
    this._define(name, m);
  }

  /** Alias of `register_module`. */
  add_module(name: string, module: Module | null): void {
    this.register_module(name, module);
  }

  /** The submodule at a dotted path (`'features.0'`), with PyTorch's error for a missing name. */
  get_submodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      const next = mod._modules.get(item);
      if (next === undefined || next === null) throw new Error(`${mod._get_name()} has no attribute \`${item}\``);
      mod = next;
    }
    return mod;
  }

  /** The parameter at a dotted path (`'fc.weight'`). */
  get_parameter(target: string): Parameter {
    const i = target.lastIndexOf('.');
    const mod = this.get_submodule(i < 0 ? '' : target.slice(0, i));
    const name = i < 0 ? target : target.slice(i + 1);
    if (!(name in mod) || (mod as unknown as Record<string, unknown>)[name] === undefined) throw new Error(`${mod._get_name()} has no attribute \`${name}\``);
    const p = mod._parameters.get(name);
    if (!(p instanceof Parameter)) throw new Error(`\`${name}\` is not an nn.Parameter`);
    return p;
  }

  /**
   * The buffer at a dotted path (`'bn.running_mean'`), with PyTorch's errors.
   *
   * @example
   * net.get_buffer('bn1.running_var');
   */
  get_buffer(target: string): Tensor {
    const i = target.lastIndexOf('.');
    const mod = this.get_submodule(i < 0 ? '' : target.slice(0, i));
    const name = i < 0 ? target : target.slice(i + 1);
    if (!(name in mod) || (mod as unknown as Record<string, unknown>)[name] === undefined) throw new Error(`${mod._get_name()} has no attribute \`${name}\``);
    const b = mod._buffers.get(name);
    if (b === undefined) throw new Error(`\`${name}\` is not a buffer`);
    if (b === null) throw new Error(`\`${name}\` is None`);
    return b;
  }

  /**
   * Extra state saved in the state dict under `'_extra_state'` when a subclass overrides this (and
   * `set_extra_state`); the base raises, as PyTorch's.
   */
  get_extra_state(): unknown {
    throw new Error('Reached a code path in Module.get_extra_state() that should never be called. Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml to report this bug.');
  }

  /** Restores what `get_extra_state` saved. */
  set_extra_state(_state: unknown): void {
    throw new Error('Reached a code path in Module.set_extra_state() that should never be called. Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml to report this bug.');
  }

  /** Whether this module's class overrides `get_extra_state` / `set_extra_state`. */
  private _has_extra_state(which: 'get_extra_state' | 'set_extra_state'): boolean {
    return this[which] !== Module.prototype[which];
  }

  // ---- traversal (iterative, identity de-duplicated) ------------------------------------------------

  /**
   * Every module in the tree, pre-order, as `[dotted_name, module]`; each module once unless
   * `remove_duplicate` is false.
   */
  *named_modules(...args: PyArgs<[memo: Set<Module> | null, prefix: string, remove_duplicate: boolean], { memo?: Set<Module> | null; prefix?: string; remove_duplicate?: boolean }>): Generator<[string, Module]> {
    const a = NAMED_MODULES.parse(args);
    for (const e of this._walk_modules(a.memo ?? new Set<Module>(), a.prefix, a.remove_duplicate)) yield as_tuple(e);
  }

  /** named_modules' walk, its pairs left unmarked (for modules() and the traversals that only read them). */
  private *_walk_modules(seen: Set<Module>, root_prefix: string, remove_duplicate: boolean): Generator<[string, Module]> {
    const stack: [string, Module][] = [[root_prefix, this]];
    while (stack.length > 0) {
      const [prefix, mod] = stack.pop()!;
      if (remove_duplicate) {
        if (seen.has(mod)) continue;
        seen.add(mod);
      }
      yield [prefix, mod];
      const children = [...mod._modules].filter((e): e is [string, Module] => e[1] !== null);
      for (let i = children.length - 1; i >= 0; i--) {
        const [name, child] = children[i]!;
        stack.push([prefix === '' ? name : `${prefix}.${name}`, child]);
      }
    }
  }

  /**
   * This module and every descendant, depth first, each once (PyTorch's `modules()`).
   *
   * @example
   * [...net.modules()].map((m) => m._get_name()); // ['SimpleNet', 'Conv2d', 'MaxPool2d', ...]
   */
  *modules(): Generator<Module> {
    for (const [, m] of this._walk_modules(new Set<Module>(), '', true)) yield m;
  }

  /**
   * The direct children as `[name, module]` in registration order, each once.
   *
   * @example
   * for (const [name, child] of net.named_children()) console.log(name, child._get_name());
   */
  *named_children(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [name, m] of this._modules) {
      if (m === null || seen.has(m)) continue;
      seen.add(m);
      yield as_tuple<[string, Module]>([name, m]);
    }
  }

  /**
   * The direct children in registration order, each once.
   *
   * @example
   * [...net.children()].length; // 6 for SimpleNet
   */
  *children(): Generator<Module> {
    for (const [, m] of this.named_children()) yield m;
  }

  private *_named_members<T>(get: (m: Module) => Iterable<[string, T | null]>, prefix: string, recurse: boolean, remove_duplicate: boolean): Generator<[string, T]> {
    const seen = new Set<T>();
    const mods: Iterable<[string, Module]> = recurse ? this._walk_modules(new Set<Module>(), prefix, remove_duplicate) : [[prefix, this]];
    for (const [mod_prefix, mod] of mods) {
      for (const [k, v] of get(mod)) {
        if (v === null || (remove_duplicate && seen.has(v))) continue;
        seen.add(v);
        yield [mod_prefix === '' ? k : `${mod_prefix}.${k}`, v];
      }
    }
  }

  /**
   * Parameters as `[dotted_name, Parameter]` in registration order, depth first.
   *
   * @example
   * [...net.named_parameters()].map(([n, p]) => `${n} ${p.shape}`);
   */
  *named_parameters(options: { prefix?: string; recurse?: boolean; remove_duplicate?: boolean } = {}): Generator<[string, Parameter]> {
    for (const e of this._named_parameters(options)) yield as_tuple(e);
  }

  private _named_parameters(options: { prefix?: string; recurse?: boolean; remove_duplicate?: boolean }): Generator<[string, Parameter]> {
    return this._named_members((m) => m._parameters, options.prefix ?? '', options.recurse ?? true, options.remove_duplicate ?? true);
  }

  /**
   * Every parameter, as `named_parameters` orders them; `recurse: false` gives this module's own only.
   *
   * @example
   * const opt = new nn.optim.SGD(net.parameters(), { lr: 0.01 });
   */
  *parameters(options: { recurse?: boolean } = {}): Generator<Parameter> {
    for (const [, p] of this._named_parameters(options)) yield p;
  }

  /**
   * Buffers (e.g. BatchNorm's `running_mean`) as `[dotted_name, Tensor]`, in registration order, depth first.
   *
   * @example
   * [...bn.named_buffers()].map(([n]) => n); // ['running_mean', 'running_var', 'num_batches_tracked']
   */
  *named_buffers(options: { prefix?: string; recurse?: boolean; remove_duplicate?: boolean } = {}): Generator<[string, Tensor]> {
    const members = this._named_members((m) => m._buffers, options.prefix ?? '', options.recurse ?? true, options.remove_duplicate ?? true);
    for (const e of members) yield as_tuple(e);
  }

  /**
   * Every buffer, as `named_buffers` orders them.
   *
   * @example
   * for (const b of net.buffers()) console.log(b.shape);
   */
  *buffers(options: { recurse?: boolean } = {}): Generator<Tensor> {
    for (const [, b] of this._named_members((m) => m._buffers, '', options.recurse ?? true, true)) yield b;
  }

  // ---- state ----------------------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by dotted name, each module's own entries before its children's, with
   * the state-dict hooks: each module's pre-hooks before its entries, its post-hooks after its children's
   * (a root hook's returned dict replaces the result). Values are detached aliases unless `keep_vars`.
   * The result carries PyTorch's `_metadata` (non-enumerable): `{ '': { version: 1 }, 'fc': { … } }`.
   *
   * @example
   * const sd = net.state_dict(); Object.keys(sd); // ['fc.weight', 'fc.bias']
   */
  state_dict(options: { destination?: StateDict; prefix?: string; keep_vars?: boolean } = {}): StateDict {
    const a = STATE_DICT.parse([options]);
    let result: StateDict = a.destination ?? {};
    const keep = a.keep_vars;
    const metadata: Record<string, Record<string, unknown>> = {};
    // [module, prefix, children done]: a module's post-hooks run once all its children have saved
    const stack: [Module, string, boolean][] = [[this, a.prefix, false]];
    while (stack.length > 0) {
      const [mod, prefix, done] = stack.pop()!;
      const local_metadata = metadata[prefix.slice(0, -1)] ?? { version: (mod.constructor as typeof Module)._version };
      if (done) {
        for (const [id, hook] of mod._state_dict_hooks.snapshot()) {
          const r = hook(mod, result, prefix, local_metadata);
          if (mod._state_dict_post_hook_ids.has(id)) {
            if (r !== undefined && r !== null) throw new Error('state_dict post-hook must return None');
          } else if (r !== undefined && r !== null && mod === this) result = r;
        }
        continue;
      }
      for (const [, hook] of mod._state_dict_pre_hooks.snapshot()) hook(mod, prefix, keep);
      metadata[prefix.slice(0, -1)] = local_metadata;
      for (const [k, p] of mod._parameters) if (p !== null) result[prefix + k] = keep ? p : p.detach();
      for (const [k, b] of mod._buffers) if (b !== null && !mod._non_persistent_buffers.has(k)) result[prefix + k] = keep ? b : b.detach();
      if (mod._has_extra_state('get_extra_state')) result[prefix + EXTRA_STATE_KEY] = mod.get_extra_state() as Tensor;
      stack.push([mod, prefix, true]);
      const children = [...mod._modules].filter((e): e is [string, Module] => e[1] !== null);
      for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]![1], `${prefix}${children[i]![0]}.`, false]);
    }
    Object.defineProperty(result, '_metadata', { value: metadata, enumerable: false, configurable: true, writable: true });
    return is_plain_object(result) ? as_ordered_dict(result) : result;
  }

  /**
   * Registers `hook(module, prefix, keep_vars)`, run by `state_dict()` before this module saves its entries.
   *
   * @example
   * net.register_state_dict_pre_hook((m, prefix) => console.log(`saving ${prefix}`));
   */
  register_state_dict_pre_hook(hook: StateDictPreHook): RemovableHandle {
    return this._state_dict_pre_hooks.add(hook);
  }

  /** Registers `hook(module, state_dict, prefix, local_metadata)` run after this module's entries; a dict it returns replaces the result (root only). */
  _register_state_dict_hook(hook: StateDictHook): RemovableHandle {
    return this._state_dict_hooks.add(hook);
  }

  /** Registers `hook(module, state_dict, prefix, local_metadata)` run after this module's entries; it must return nothing. */
  register_state_dict_post_hook(hook: StateDictHook): RemovableHandle {
    const h = this._state_dict_hooks.add(hook, { extra_dicts: [this._state_dict_post_hook_ids] });
    this._state_dict_post_hook_ids.set(h.id, true);
    return h;
  }

  /**
   * Registers `hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)` run
   * before this module loads its entries; `with_module` passes the module first (PyTorch's private form).
   */
  _register_load_state_dict_pre_hook(hook: (...args: never[]) => void, with_module = false): RemovableHandle {
    const h = hook as (...args: unknown[]) => void;
    const wrapped: LoadStateDictPreHook = with_module ? (m, ...rest) => h(m, ...rest) : (_m, ...rest) => h(...rest);
    return this._load_state_dict_pre_hooks.add(wrapped);
  }

  /**
   * Registers `hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)`
   * run before this module loads its entries (it may edit `state_dict` and the key lists).
   *
   * @example
   * net.register_load_state_dict_pre_hook((m, sd, prefix) => { delete sd[prefix + 'old']; });
   */
  register_load_state_dict_pre_hook(hook: LoadStateDictPreHook): RemovableHandle {
    return this._load_state_dict_pre_hooks.add(hook);
  }

  /**
   * Registers `hook(module, incompatible_keys)` run after this module and its children loaded; it may edit the
   * missing / unexpected keys in place (a strict load then raises for what remains).
   */
  register_load_state_dict_post_hook(hook: LoadStateDictPostHook): RemovableHandle {
    return this._load_state_dict_post_hooks.add(hook);
  }

  /**
   * Copies `state_dict` into this module's parameters and buffers, running the load hooks of every module.
   * Strict by default: missing and unexpected keys raise PyTorch's message; size mismatches always raise.
   * Nothing is copied when it raises. Returns `{ missing_keys, unexpected_keys }`.
   *
   * @example
   * net.load_state_dict(saved); net.load_state_dict(partial, { strict: false });
   */
  load_state_dict(state_dict: StateDict | Map<string, Tensor>, options: { strict?: boolean; assign?: boolean } | boolean = {}): IncompatibleKeys {
    const a = LOAD_STATE_DICT.parse([typeof options === 'boolean' ? { strict: options } : options]);
    const strict = a.strict;
    if (!(state_dict instanceof Map) && (typeof state_dict !== 'object' || state_dict === null || Array.isArray(state_dict) || state_dict instanceof Tensor)) {
      throw new TypeError(`Expected state_dict to be dict-like, got <class '${state_dict instanceof Tensor ? 'torch.Tensor' : Array.isArray(state_dict) ? 'list' : py_type_name(state_dict)}'>.`);
    }
    // a prototype-free copy: a key named `constructor`, `toString` or `__proto__` is a key like any other
    const given: StateDict = Object.assign(Object.create(null) as StateDict, state_dict instanceof Map ? Object.fromEntries(state_dict) : state_dict);
    const metadata = (state_dict as { _metadata?: Record<string, Record<string, unknown>> })._metadata;
    const missing_keys: string[] = [];
    const unexpected_keys: string[] = [];
    const error_msgs: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    const extra: [Module, unknown][] = [];
    const incompatible: IncompatibleKeys = set_repr({ missing_keys, unexpected_keys }, incompatible_keys_repr);
    const stack: [Module, string, boolean][] = [[this, '', false]];
    while (stack.length > 0) {
      const [mod, prefix, done] = stack.pop()!;
      if (done) {
        for (const [, hook] of mod._load_state_dict_post_hooks.snapshot()) {
          if (hook(mod, incompatible) !== undefined) throw new Error('Hooks registered with ``register_load_state_dict_post_hook`` are not expected to return new values, if incompatible_keys need to be modified, it should be done inplace.');
        }
        continue;
      }
      const local_metadata = metadata?.[prefix.slice(0, -1)] ?? {};
      for (const [, hook] of mod._load_state_dict_pre_hooks.snapshot()) hook(mod, given, prefix, local_metadata, true, missing_keys, unexpected_keys, error_msgs);
      mod._load_own(given, prefix, missing_keys, unexpected_keys, error_msgs, copies, extra);
      stack.push([mod, prefix, true]);
      const children = [...mod._modules].filter((e): e is [string, Module] => e[1] !== null);
      for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]![1], `${prefix}${children[i]![0]}.`, false]);
    }
    if (strict) {
      if (unexpected_keys.length > 0) error_msgs.unshift(`Unexpected key(s) in state_dict: ${unexpected_keys.map((k) => `"${k}"`).join(', ')}. `);
      if (missing_keys.length > 0) error_msgs.unshift(`Missing key(s) in state_dict: ${missing_keys.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (error_msgs.length > 0) throw new Error(`Error(s) in loading state_dict for ${this._get_name()}:\n\t${error_msgs.join('\n\t')}`);
    no_grad(() => {
      for (const [target, src] of copies) target.copy_(src);
    });
    for (const [mod, value] of extra) mod.set_extra_state(value);
    return incompatible;
  }

  /** PyTorch's `_load_from_state_dict` for this module's own entries (the copies are made by the caller). */
  private _load_own(given: StateDict, prefix: string, missing: string[], unexpected: string[], errors: string[], copies: [Tensor, Tensor][], extra: [Module, unknown][]): void {
    const own = new Map<string, Tensor>();
    for (const [k, p] of this._parameters) if (p !== null) own.set(k, p);
    for (const [k, b] of this._buffers) if (b !== null && !this._non_persistent_buffers.has(k)) own.set(k, b);
    for (const [name, target] of own) {
      const key = prefix + name;
      if (!(key in given)) {
        missing.push(key);
        continue;
      }
      const src = given[key] as unknown;
      if (!(src instanceof Tensor)) {
        errors.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received <class '${type_name(src)}'>`);
        continue;
      }
      if (src._shape.join() !== target._shape.join()) {
        errors.push(`size mismatch for ${key}: copying a param with shape torch.Size([${src._shape.join(', ')}]) from checkpoint, the shape in current model is torch.Size([${target._shape.join(', ')}]).`);
        continue;
      }
      copies.push([target, src]);
    }
    const extra_key = prefix + EXTRA_STATE_KEY;
    if (this._has_extra_state('set_extra_state')) {
      if (extra_key in given) extra.push([this, given[extra_key]]);
      else missing.push(extra_key);
    } else if (extra_key in given) unexpected.push(extra_key);
    for (const key of Object.keys(given)) {
      if (!key.startsWith(prefix) || key === extra_key) continue;
      const name = key.slice(prefix.length).split('.', 1)[0]!;
      if (!this._modules.has(name) && !own.has(name)) unexpected.push(key);
    }
  }

  /**
   * Applies `fn` to every parameter (in place: the Parameter objects, which optimizers hold, keep their
   * identity, as PyTorch's `param.data = fn(param)`), its gradient, and every buffer (replaced), in every module.
   */
  _apply(fn: (t: Tensor) => Tensor): this {
    for (const m of this.modules()) {
      for (const p of m._parameters.values()) {
        if (p === null) continue;
        no_grad(() => {
          p.data = fn(p.detach());
          if (p._grad !== null) p._grad = fn(p._grad);
        });
      }
      for (const [k, b] of [...m._buffers]) if (b !== null) m._register_attr(k, no_grad(() => fn(b)));
    }
    return this;
  }

  /**
   * PyTorch's `module.to(...)`: a device (`'cpu'`, `torch.device('cpu')`; others raise as without CUDA), a
   * floating dtype converting floating parameters and buffers in place, or both; returns this module.
   *
   * @example
   * model.to(device); model.to(torch.float64); model.to({ device, dtype: torch.float64 });
   */
  to(...args: ToArgs): this {
    const a = parse_to(args);
    check_device(a.device);
    const dtype = a.dtype;
    if (dtype === null) return this;
    if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.${dtype}`);
    return this._apply((t) => (t.is_floating_point() ? t.to(dtype) : t));
  }

  /** Floating parameters and buffers to float64. */
  double(): this {
    return this._apply((t) => (t.is_floating_point() ? t.double() : t));
  }

  /** Floating parameters and buffers to float32. */
  float(): this {
    return this._apply((t) => (t.is_floating_point() ? t.float() : t));
  }

  /** PyTorch's `half()`: tsgrad has no float16, so it raises instead of silently keeping float32. */
  half(): this {
    throw new TypeError('tsgrad has no torch.float16 dtype: half() is not supported (float32 and float64 are)');
  }

  /** Every parameter and buffer to `dst_type` (PyTorch's `module.type(dtype)`). */
  type(dst_type: DType): this {
    return this._apply((t) => t.to(dst_type));
  }

  /** The module itself: CPU is the only device. */
  cpu(): this {
    return this;
  }

  /** Raises as PyTorch without CUDA does. */
  cuda(): this {
    check_device('cuda');
    return this;
  }

  /** Parameters and buffers replaced by uninitialised (here zero-filled) tensors of the same shapes on `device`. */
  to_empty(options: { device?: DeviceLike | null; recurse?: boolean } = {}): this {
    check_device(options.device ?? null);
    return this._apply((t) => zeros_like(t));
  }

  /** PyTorch's `share_memory()`: a no-op here (tensors are not shared between processes); returns this. */
  share_memory(): this {
    return this;
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new Error('training mode is expected to be boolean');
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /**
   * Evaluation mode on this module and every descendant: `train(false)` (Dropout passes through, BatchNorm uses
   * its running statistics).
   *
   * @example
   * const logits = torch.no_grad(() => net.eval().call(x));
   */
  eval(): this {
    return this.train(false);
  }

  /** Sets `requires_grad` on every parameter. */
  requires_grad_(requires_grad = true): this {
    for (const p of this.parameters()) p.requires_grad_(requires_grad);
    return this;
  }

  /** Resets parameter gradients: to null (PyTorch 2.x default) or to zeros with `set_to_none: false`. */
  zero_grad(options: { set_to_none?: boolean } = {}): void {
    const set_to_none = options.set_to_none ?? true;
    for (const p of this.parameters()) {
      if (p._grad === null) continue;
      if (set_to_none) p._grad = null;
      else {
        if (p._grad.grad_fn !== null) p._grad = p._grad.detach();
        no_grad(() => p._grad!.zero_());
      }
    }
  }

  /** Calls `fn` on every descendant (children first, post-order) and then on this module. */
  apply(fn: (m: Module) => void): this {
    const order: Module[] = [];
    const stack: [Module, boolean][] = [[this, false]];
    while (stack.length > 0) {
      const [m, expanded] = stack.pop()!;
      if (expanded) {
        order.push(m);
        continue;
      }
      stack.push([m, true]);
      const kids = [...m.children()];
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, false]);
    }
    for (const m of order) fn(m);
    return this;
  }

  // ---- repr -----------------------------------------------------------------------------------------

  /**
   * The class name PyTorch prints (repr, hook messages). Built-in classes declare it explicitly so that a
   * minifier renaming classes cannot change it; a user's class without its own `__name__` falls back to
   * `constructor.name` (declare `static override readonly __name__: string = 'MyNet'` to keep it under minification).
   */
  static readonly __name__: string = 'Module';

  /**
   * The name PyTorch prints for this module's class: its class's own static `__name__`, else the JS class name.
   *
   * @example
   * new nn.Conv2d(1, 2, 3)._get_name(); // 'Conv2d', in a minified bundle too
   */
  _get_name(): string {
    const ctor = this.constructor as { readonly __name__?: string; readonly name: string };
    return Object.hasOwn(ctor, '__name__') ? ctor.__name__! : ctor.name;
  }

  /** Extra text inside this module's repr parentheses (override in layers). */
  extra_repr(): string {
    return '';
  }

  /** PyTorch's `print(module)` text. */
  toString(): string {
    const extra = this.extra_repr();
    const extra_lines = extra === '' ? [] : extra.split('\n');
    const child_lines: string[] = [];
    for (const [key, mod] of this._modules) child_lines.push(`(${key}): ${add_indent(mod === null ? 'None' : mod.toString(), 2)}`);
    const lines = [...extra_lines, ...child_lines];
    let main = `${this._get_name()}(`;
    if (lines.length > 0) {
      if (extra_lines.length === 1 && child_lines.length === 0) main += extra_lines[0];
      else main += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- forward and hooks ----------------------------------------------------------------------------

  /** The computation; subclasses override it. Call the module with `call(...)` to run hooks. */
  forward(..._args: unknown[]): unknown {
    throw new Error(`Module [${this._get_name()}] is missing the required "forward" function`);
  }

  /**
   * Registers `hook(module, args)` run before `forward`; a returned array replaces the positional args,
   * any other returned value becomes the single argument.
   */
  register_forward_pre_hook(hook: ForwardPreHook<this>, options?: { prepend?: boolean; with_kwargs?: false }): RemovableHandle;
  register_forward_pre_hook(hook: ForwardPreHookWithKwargs<this>, options: { prepend?: boolean; with_kwargs: true }): RemovableHandle;
  register_forward_pre_hook(hook: ForwardPreHook<this> | ForwardPreHookWithKwargs<this>, options: { prepend?: boolean; with_kwargs?: boolean } = {}): RemovableHandle {
    const h = this._forward_pre_hooks.add(hook as AnyHook, { prepend: options.prepend, extra_dicts: [this._forward_pre_hooks_with_kwargs] });
    if (options.with_kwargs) this._forward_pre_hooks_with_kwargs.set(h.id, true);
    return h;
  }

  /**
   * Registers `hook(module, args, output)` run after `forward`; a returned value replaces the output.
   * `always_call` runs it even when `forward` or an earlier hook throws.
   *
   * @example
   * const h = net.conv1.register_forward_hook((m, args, out) => console.log(out.shape));
   */
  register_forward_hook(hook: ForwardHook<this>, options?: { prepend?: boolean; with_kwargs?: false; always_call?: boolean }): RemovableHandle;
  register_forward_hook(hook: ForwardHookWithKwargs<this>, options: { prepend?: boolean; with_kwargs: true; always_call?: boolean }): RemovableHandle;
  register_forward_hook(hook: ForwardHook<this> | ForwardHookWithKwargs<this>, options: { prepend?: boolean; with_kwargs?: boolean; always_call?: boolean } = {}): RemovableHandle {
    const h = this._forward_hooks.add(hook as AnyHook, {
      prepend: options.prepend,
      extra_dicts: [this._forward_hooks_with_kwargs, this._forward_hooks_always_called],
    });
    if (options.with_kwargs) this._forward_hooks_with_kwargs.set(h.id, true);
    if (options.always_call) this._forward_hooks_always_called.set(h.id, true);
    return h;
  }

  /** Registers `hook(module, grad_output)` run when the gradient w.r.t. the outputs is known; may replace it. */
  register_full_backward_pre_hook(hook: BackwardPreHookFn<this>, options: { prepend?: boolean } = {}): RemovableHandle {
    return this._backward_pre_hooks.add(hook as FullBackwardPreHookFn, { prepend: options.prepend });
  }

  /**
   * Registers `hook(module, grad_input, grad_output)` with PyTorch 2.x full semantics.
   *
   * @example
   * net.fc.register_full_backward_hook((m, gi, go) => console.log(go[0]!.shape));
   */
  register_full_backward_hook(hook: BackwardHookFn<this>, options: { prepend?: boolean } = {}): RemovableHandle {
    if (this._is_full_backward_hook === false) throw new Error(E11);
    this._is_full_backward_hook = true;
    return this._backward_hooks.add(hook as FullBackwardHookFn, { prepend: options.prepend });
  }

  /**
   * The deprecated legacy backward hook: a post-hook on the `grad_fn` of the first output tensor, so it
   * sees that node's gradients (Conv2d: `(dX|null, dW, db)`; Linear: `(db, dX, dWᵀ)`), as PyTorch's legacy hooks do.
   */
  register_backward_hook(hook: BackwardHookFn<this>): RemovableHandle {
    if (this._is_full_backward_hook === true) throw new Error(E11);
    this._is_full_backward_hook = false;
    return this._backward_hooks.add(hook as FullBackwardHookFn);
  }

  /**
   * PyTorch's `module(*args, **kwargs)`: runs global then own pre-hooks, `forward`, forward hooks, and
   * sets up backward hooks. A trailing `nn.kwargs({...})` is passed to `forward` as its last parameter.
   *
   * @example
   * const out = net.call(x);
   */
  call<R = CallOutput<this>>(...input: ForwardArgs<this> | [...ForwardArgs<this>, Kwargs] | ArgsWithKwargs<ForwardArgs<this>>): Uninferred<R> {
    const last = input[input.length - 1];
    const args = last instanceof Kwargs ? input.slice(0, -1) : input;
    const kwargs = last instanceof Kwargs ? last.values : null;
    const m = (this as { [TARGET]?: Module })[TARGET] ?? this;
    if (jit._tracing) {
      return jit._trace_module_call(this, args, kwargs ?? {}, (a, k) => run_forward(this, m, a, k), (a, k, f) => this._dispatch(a, k, f), () => hookless(this)) as Uninferred<R>;
    }
    if (hookless(m)) return run_forward(this, m, args, kwargs) as Uninferred<R>;
    return this._call_impl(args, kwargs ?? {}) as Uninferred<R>;
  }

  /**
   * `call` with `forward` standing in for the module's own forward, hooks as usual: how a traced module
   * (`torch.jit.trace`) replays a submodule's recorded graph while the hooks on that submodule still fire.
   */
  _dispatch(args: unknown[], kwargs: Record<string, unknown>, forward: (args: unknown[], kwargs: Record<string, unknown>) => unknown): unknown {
    if (hookless(this)) return forward(args, kwargs);
    return this._call_impl(args, kwargs, forward);
  }

  /** PyTorch's `_call_impl` once some hook is registered: `kwargs` is fresh per call, as Python's `**kwargs`. */
  _call_impl(input_args: unknown[], input_kwargs: Record<string, unknown>, forward?: (args: unknown[], kwargs: Record<string, unknown>) => unknown): unknown {
    let args = input_args;
    let kwargs = input_kwargs;
    const g = global_hooks;
    // the maps are read once per call; each hook's options are looked up when it runs, as PyTorch does
    const pre_with_kwargs = this._forward_pre_hooks_with_kwargs;
    const with_kwargs = this._forward_hooks_with_kwargs;
    const always_called = this._forward_hooks_always_called;
    let result: unknown = null;
    let called_always: Set<number> | null = null;
    try {
      let backward_pre_hooks: FullBackwardPreHookFn[] = [];
      const full: FullBackwardHookFn[] = [];
      const non_full: FullBackwardHookFn[] = [];
      if (g.backward_pre.size + this._backward_pre_hooks.size + g.backward.size + this._backward_hooks.size > 0) {
        backward_pre_hooks = [...(g.backward_pre.values() as Iterable<FullBackwardPreHookFn>), ...this._backward_pre_hooks.values()];
        if (g.is_full_backward === true) full.push(...(g.backward.values() as Iterable<FullBackwardHookFn>));
        if (g.is_full_backward === false) non_full.push(...(g.backward.values() as Iterable<FullBackwardHookFn>));
        if (this._is_full_backward_hook === true) full.push(...this._backward_hooks.values());
        if (this._is_full_backward_hook === false) non_full.push(...this._backward_hooks.values());
      }

      if (g.forward_pre.size + this._forward_pre_hooks.size > 0) {
        const [ids, hooks] = snapshot(g.forward_pre, this._forward_pre_hooks);
        for (let i = 0; i < ids.length; i++) {
          const hook = hooks[i]!;
          if (pre_with_kwargs.size > 0 && pre_with_kwargs.has(ids[i]!)) {
            const r = (hook as (m: unknown, a: unknown[], k: Record<string, unknown>) => unknown)(this, args, kwargs);
            if (r !== undefined && r !== null) {
              if (!Array.isArray(r) || r.length !== 2) throw new Error(`forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got ${py_repr(r)}.`);
              if (!is_plain_object(r[1])) throw new TypeError(`${this._get_name()}.forward() argument after ** must be a mapping, not ${py_type_name(r[1])}`);
              args = Array.isArray(r[0]) ? (r[0] as unknown[]) : [r[0]];
              kwargs = r[1];
            }
          } else {
            const r = (hook as (m: unknown, a: unknown[]) => unknown)(this, args);
            if (r !== undefined && r !== null) args = Array.isArray(r) ? r : [r];
          }
        }
      }

      let bw_hook: BackwardHook | null = null;
      if (full.length > 0 || backward_pre_hooks.length > 0) {
        bw_hook = new BackwardHook(this, full, backward_pre_hooks);
        args = bw_hook.setup_input_hook(args);
      }

      result = forward === undefined ? run_forward(this, this, args, kwargs) : forward(args, kwargs);

      if (g.forward.size + this._forward_hooks.size > 0) {
        const [ids, hooks] = snapshot(g.forward, this._forward_hooks);
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i]!;
          const hook = hooks[i]!;
          if ((always_called.size > 0 && always_called.has(id)) || (g.forward_always_called.size > 0 && g.forward_always_called.has(id))) {
            (called_always ??= new Set()).add(id);
          }
          const r = (with_kwargs.size > 0 && with_kwargs.has(id)) || (g.forward_with_kwargs.size > 0 && g.forward_with_kwargs.has(id))
            ? (hook as (m: unknown, a: unknown[], k: Record<string, unknown>, o: unknown) => unknown)(this, args, kwargs, result)
            : (hook as (m: unknown, a: unknown[], o: unknown) => unknown)(this, args, result);
          if (r !== undefined && r !== null) result = r;
        }
      }

      if (bw_hook !== null) {
        if (!(result instanceof Tensor) && !(Array.isArray(result) && !is_py_list(result))) {
          warn(`For backward hooks to be called, module output should be a Tensor or a tuple of Tensors but received <class '${py_type_name(result)}'>`);
        }
        result = bw_hook.setup_output_hook(result);
      }

      if (non_full.length > 0) {
        let v: unknown = result;
        while (!(v instanceof Tensor)) {
          if (Array.isArray(v)) v = v[0];
          else if (v !== null && typeof v === 'object') v = Object.values(v).find((x) => x instanceof Tensor);
          else break;
        }
        const grad_fn = v instanceof Tensor ? v.grad_fn : null;
        if (grad_fn !== null) {
          for (const hook of non_full) {
            // PyTorch's _WrappedHook carries the user hook's name, which its return checks print
            const wrapped = (gi: Grad[], go: Grad[]): Grad[] | undefined => hook(this, gi, go) ?? undefined;
            grad_fn.register_hook(Object.defineProperty(wrapped, 'name', { value: hook.name }));
          }
          this._maybe_warn_non_full_backward_hook(args, result, grad_fn);
        }
      }
      return result;
    } catch (err) {
      for (const [id, hook] of g.forward.snapshot()) {
        if (!g.forward_always_called.has(id) || called_always?.has(id)) continue;
        try {
          const r = (hook as (m: unknown, a: unknown[], o: unknown) => unknown)(this, args, result);
          if (r !== undefined && r !== null) result = r;
        } catch (e) {
          warn(`global module forward hook with \`\`always_call=True\`\` raised an exception that was silenced as another error was raised in forward: ${(e as Error).message}`);
        }
      }
      for (const [id, hook] of this._forward_hooks.snapshot()) {
        if (!always_called.has(id) || called_always?.has(id)) continue;
        try {
          const r = with_kwargs.has(id)
            ? (hook as (m: unknown, a: unknown[], k: Record<string, unknown>, o: unknown) => unknown)(this, args, kwargs, result)
            : (hook as (m: unknown, a: unknown[], o: unknown) => unknown)(this, args, result);
          if (r !== undefined && r !== null) result = r;
        } catch (e) {
          warn(`module forward hook with \`\`always_call=True\`\` raised an exception that was silenced as another error was raised in forward: ${(e as Error).message}`);
        }
      }
      throw err;
    }
  }

  private _maybe_warn_non_full_backward_hook(inputs: unknown[], result: unknown, grad_fn: Node): void {
    const category = LEGACY_HOOK_WARNING_CATEGORY;
    let outs: Tensor[];
    if (result instanceof Tensor) outs = [result];
    else if (Array.isArray(result) && !is_py_list(result) && result.every((r) => r instanceof Tensor)) outs = result as Tensor[];
    else {
      warn(W4, category);
      return;
    }
    if (!inputs.every((i) => i instanceof Tensor)) {
      warn(W5, category);
      return;
    }
    const out_grad_fns = new Set(outs.map((r) => r.grad_fn).filter((n): n is Node => n !== null));
    if (out_grad_fns.size === 0 || (out_grad_fns.size === 1 && !out_grad_fns.has(grad_fn))) warn(W_NESTED, category);
    else if (out_grad_fns.size > 1) warn(W3, category);
    else {
      const in_fns = new Set((inputs as Tensor[]).map((i) => i.grad_fn).filter((n) => n !== null));
      const next = new Set(grad_fn.next_functions.map(([n]) => n));
      const same = in_fns.size === next.size && [...in_fns].every((n) => next.has(n));
      if (!same) warn(W2, category);
    }
  }
}

/** No hook of any kind, on `m` or global: `call` may run `forward` directly. */
function hookless(m: Module): boolean {
  const g = global_hooks;
  return m._forward_pre_hooks.size === 0 && m._forward_hooks.size === 0 && m._backward_hooks.size === 0 &&
    m._backward_pre_hooks.size === 0 && g.forward_pre.size === 0 && g.forward.size === 0 && g.backward.size === 0 && g.backward_pre.size === 0;
}

/** `module.forward(...args)` (read from `target`, its object behind the Proxy), with `kwargs` as the last parameter when it holds any key. */
function run_forward(module: Module, target: Module, args: unknown[], kwargs: Record<string, unknown> | null): unknown {
  const fwd = target.forward as (...a: unknown[]) => unknown;
  if (kwargs !== null && has_keys(kwargs)) return fwd.call(module, ...args, kwargs);
  // most forwards take one tensor, and a call with a spread argument list costs more than a plain one
  return args.length === 1 ? fwd.call(module, args[0]) : fwd.call(module, ...args);
}

/** `Object.keys(o).length > 0` without building the array. */
function has_keys(o: Record<string, unknown>): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}

/** The global then the module's hooks at this moment, as parallel id and hook arrays (PyTorch's snapshot). */
function snapshot<H>(global: Map<number, H>, own: Map<number, H>): [number[], H[]] {
  return [[...global.keys(), ...own.keys()], [...global.values(), ...own.values()]];
}

const MODULE_MAPS = new Set(['_parameters', '_buffers', '_modules', '_non_persistent_buffers']);

/**
 * A deep copy, as Python's `copy.deepcopy`: of a module tree (every submodule, parameter and buffer is a new
 * object with equal values; shared ones stay shared, tied weights stay tied; plain attributes are copied,
 * functions kept; hooks carried over in maps of the copy's own, as Python's deepcopy does — TransformerEncoder
 * clones its layer this way), of a Tensor, or
 * of arrays, plain objects and Maps holding them (a state dict).
 *
 * @example
 * const layers = new nn.ModuleList(Array.from({ length: 2 }, () => nn.deepcopy(layer)));
 * const saved = nn.deepcopy(net.state_dict());
 */
export function deepcopy<T>(value: T): T {
  if (value instanceof Module) return deepcopy_module(value);
  const tensors = new Map<Tensor, Tensor>();
  const copies = new Map<object, unknown>();
  const copy = (v: unknown): unknown => {
    if (v instanceof Module) return deepcopy_module(v);
    if (v instanceof Tensor) return copy_tensor_into(tensors, v);
    if (typeof v !== 'object' || v === null) return v;
    if (copies.has(v)) return copies.get(v);
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      copies.set(v, out);
      for (const x of v) out.push(copy(x));
      return out;
    }
    if (v instanceof Map) {
      const out = new Map<unknown, unknown>();
      copies.set(v, out);
      for (const [k, x] of v) out.set(k, copy(x));
      return out;
    }
    if (!is_plain_object(v)) return v;
    const out: Record<string, unknown> = {};
    copies.set(v, out);
    for (const [k, x] of Object.entries(v)) out[k] = copy(x);
    return out;
  };
  return copy(value) as T;
}

/** A tensor's copy (a Parameter stays one, its grad copied), once per source tensor. */
function copy_tensor_into(tensors: Map<Tensor, Tensor>, t: Tensor): Tensor {
  let c = tensors.get(t);
  if (c === undefined) {
    const data = no_grad(() => t.detach().clone());
    c = t instanceof Parameter ? new Parameter(data, t.requires_grad) : data;
    if (t.grad !== null) c.grad = no_grad(() => t.grad!.clone());
    tensors.set(t, c);
  }
  return c;
}

/** What torch.save keeps of one module, as Python pickles a module's `__dict__` (hooks left out). */
export interface ModuleState {
  /** Training (true) or evaluation mode. */
  training: boolean;
  /** Plain attributes (sizes, flags, names) by name. */
  attributes: Record<string, unknown>;
  /** Own parameters in registration order, each with its `requires_grad`; null for a registered-but-unset slot. */
  parameters: [name: string, value: Tensor | null, requires_grad: boolean][];
  /** Own buffers in registration order (null = registered but unset). */
  buffers: [name: string, value: Tensor | null][];
  /** Names of the buffers kept out of state_dict(). */
  non_persistent_buffers: string[];
  /** Child modules in registration order (null = registered but unset). */
  modules: [name: string, value: Module | null][];
}

/** Whether an own field of a module is plain state (not a hook map, the registries or a registered name). */
function is_attribute(m: Module, key: string, value: unknown): boolean {
  if (value === undefined || value instanceof HookDict || value instanceof HookFlags || key === '_is_full_backward_hook' || key === 'training') return false;
  return !MODULE_MAPS.has(key) && !m._parameters.has(key) && !m._buffers.has(key) && !m._modules.has(key);
}

/** A module's state (its target's, behind the Proxy), as `__getstate__` gives it. */
function module_state(m: Module): ModuleState {
  const attributes: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(m)) {
    if (typeof key !== 'string') continue;
    // an accessor (a parametrized tensor) is not state: what it reads is saved where it lives
    if (Object.getOwnPropertyDescriptor(m, key)?.get !== undefined) continue;
    const value = (m as unknown as Record<string, unknown>)[key];
    if (is_attribute(m, key, value)) attributes[key] = value;
  }
  return {
    training: m.training,
    attributes,
    parameters: [...m._parameters].map(([name, p]) => [name, p, p?.requires_grad ?? false]),
    buffers: [...m._buffers],
    non_persistent_buffers: [...m._non_persistent_buffers],
    modules: [...m._modules],
  };
}

/** The Parameter a loaded tensor became: a tensor shared by two modules (tied weights) becomes one Parameter. */
const loaded_parameters = new WeakMap<Tensor, Parameter>();

/** Writes a state into a fresh module (a target made by `__new__`); parameters saved as plain tensors become Parameters. */
function set_module_state(dst: Module, state: ModuleState): void {
  const as_parameter = (t: Tensor, requires_grad: boolean): Parameter => {
    if (t instanceof Parameter) return t;
    let p = loaded_parameters.get(t);
    if (p === undefined) loaded_parameters.set(t, (p = new Parameter(t, requires_grad)));
    return p;
  };
  const define = (name: string, value: unknown): void => {
    Reflect.defineProperty(dst, name, { value, writable: true, enumerable: true, configurable: true });
  };
  dst.training = state.training;
  for (const [key, value] of Object.entries(state.attributes)) define(key, value);
  for (const [name, p, requires_grad] of state.parameters) {
    dst._parameters.set(name, p === null ? null : as_parameter(p, requires_grad));
  }
  for (const [name, b] of state.buffers) dst._buffers.set(name, b);
  for (const name of state.non_persistent_buffers) dst._non_persistent_buffers.add(name);
  for (const [name, c] of state.modules) dst._modules.set(name, c);
  for (const map of [dst._parameters, dst._buffers, dst._modules] as Map<string, unknown>[]) {
    for (const [name, v] of map) define(name, v);
  }
}

/**
 * The copy gets the original's hooks (the same functions under the same ids, in maps of its own), as Python's
 * deepcopy copies a module's hook dicts: removing a handle of the original leaves the copy's hook in place.
 */
function copy_hooks(src: Module, dst: Module): void {
  const from = src as unknown as Record<string, unknown>;
  const to = dst as unknown as Record<string, unknown>;
  for (const key of Object.keys(from)) {
    const map = from[key];
    if (!(map instanceof HookDict) && !(map instanceof HookFlags)) continue;
    const target = to[key] as Map<number, unknown>;
    for (const [id, hook] of map as Map<number, unknown>) target.set(id, hook);
  }
  dst._is_full_backward_hook = src._is_full_backward_hook;
}

function deepcopy_module<M extends Module>(module: M): M {
  const copies = new Map<Module, Module>();
  const tensors = new Map<Tensor, Tensor>();
  const copy_tensor = (t: Tensor): Tensor => copy_tensor_into(tensors, t);
  // every module of the tree gets its (empty) copy first, so children resolve whatever the order
  const stack: Module[] = [module];
  while (stack.length > 0) {
    const m = stack.pop()!;
    if (copies.has(m)) continue;
    copies.set(m, (m.constructor as typeof Module).__new__());
    for (const child of m._modules.values()) if (child !== null) stack.push(child);
  }
  const copy_value = (v: unknown): unknown => {
    if (v instanceof Module) return copies.get(v) ?? deepcopy_module(v);
    if (v instanceof Tensor) return copy_tensor(v);
    if (Array.isArray(v)) return v.map(copy_value);
    return v;
  };
  for (const [src, dst] of copies) {
    // the state as __getstate__ reads it, without a subclass's refusal (a parametrized module refuses pickling)
    const state = module_state((src as { [TARGET]?: Module })[TARGET] ?? src);
    dst.__setstate__({
      training: state.training,
      attributes: Object.fromEntries(Object.entries(state.attributes).map(([k, v]) => [k, copy_value(v)])),
      parameters: state.parameters.map(([name, p, requires_grad]) => [name, p === null ? null : copy_tensor(p), requires_grad]),
      buffers: state.buffers.map(([name, b]) => [name, b === null ? null : copy_tensor(b)]),
      non_persistent_buffers: state.non_persistent_buffers,
      modules: state.modules.map(([name, c]) => [name, c === null ? null : copies.get(c)!]),
    });
    copy_hooks(src, dst);
    // accessors (parametrized tensors) read through `this`, so the same descriptor serves the copy
    for (const key of Reflect.ownKeys(src)) {
      const desc = Object.getOwnPropertyDescriptor(src, key);
      if (desc?.get !== undefined && !Object.getOwnPropertyDescriptor(dst, key)) Object.defineProperty(dst, key, desc);
    }
  }
  return copies.get(module) as M;
}
