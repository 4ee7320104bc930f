// nn.utils.parametrize: a parameter or buffer re-expressed as a module's function of a stored "original"
// (PyTorch's torch.nn.utils.parametrize): register_parametrization, remove_parametrizations, is_parametrized,
// cached, type_before_parametrizations, ParametrizationList.
import * as torch from '@tsgrad/core';
import { no_grad, signature, Tensor } from '@tsgrad/core';
import { ModuleDict, ModuleList } from './layers/container.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** A module that maps the original tensor(s) to the parametrized one, and may map back (`right_inverse`). */
type Parametrization = Module & { right_inverse?: (value: Tensor) => Tensor | Tensor[] };
const fields = (m: Module): Record<string, unknown> => m as unknown as Record<string, unknown>;
const type_name = (v: unknown): string => (v instanceof Tensor ? 'Tensor' : torch.py_type_name(v));

function register_parameter_or_buffer(module: Module, name: string, x: Tensor): void {
  if (x instanceof Parameter) module.register_parameter(name, x);
  else module.register_buffer(name, x);
}

/**
 * The parametrizations of one tensor, applied in order to `original` (or, when the first one's `right_inverse`
 * returned several tensors, to `original0`, `original1`, …). PyTorch's `ParametrizationList`.
 *
 * @example
 * (m.parametrizations.get('weight') as nn.utils.parametrize.ParametrizationList).original; // the stored tensor
 */
export class ParametrizationList extends ModuleList<Parametrization> {
  static override readonly __name__: string = 'ParametrizationList';
  /** Whether the shape/dtype checks are skipped. */
  unsafe: boolean;
  /** Whether one tensor (`original`) is stored, rather than several. */
  is_tensor: boolean;
  /** How many original tensors are stored. */
  ntensors: number;

  constructor(modules: Parametrization[], original: Tensor, unsafe = false) {
    if (modules.length === 0) throw new Error('ParametrizationList requires one or more modules.');
    super(modules);
    this.unsafe = unsafe;
    const [shape, dtype] = [original._shape.join(), original.dtype];
    let stored: Tensor | Tensor[] = original;
    no_grad(() => {
      for (const m of [...modules].reverse()) if (typeof m.right_inverse === 'function') stored = m.right_inverse(stored as Tensor);
    });
    const value = stored as Tensor | Tensor[];
    if (!(value instanceof Tensor) && !Array.isArray(value)) {
      throw new Error(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got ${type_name(value)}`);
    }
    this.is_tensor = value instanceof Tensor;
    this.ntensors = value instanceof Tensor ? 1 : value.length;
    if (value instanceof Tensor) {
      if (value.dtype !== dtype) {
        throw new Error(`When \`right_inverse\` outputs one tensor, it may not change the dtype.\noriginal.dtype: ${String(dtype)}\nright_inverse(original).dtype: ${String(value.dtype)}`);
      }
      // the original object itself is kept (optimizers holding it see the new values)
      no_grad(() => original.set_(value));
      register_parameter_or_buffer(this, 'original', original);
    } else {
      value.forEach((t, i) => {
        if (!(t instanceof Tensor)) throw new Error(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got element ${i} of the sequence with type ${type_name(t)}.`);
        const stored_i = original instanceof Parameter ? new Parameter(t) : t;
        stored_i.requires_grad_(original.requires_grad);
        register_parameter_or_buffer(this, `original${i}`, stored_i);
      });
    }
    if (!unsafe) {
      const z = this.forward();
      if (!(z instanceof Tensor)) throw new Error(`A parametrization must return a tensor. Got ${type_name(z)}.`);
      if (z.dtype !== dtype) {
        throw new Error(`Registering a parametrization may not change the dtype of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized dtype: ${String(dtype)}\nparametrized dtype: ${String(z.dtype)}`);
      }
      if (z._shape.join() !== shape) {
        throw new Error(`Registering a parametrization may not change the shape of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized shape: ${String(original.shape)}\nparametrized shape: ${String(z.shape)}`);
      }
    }
  }

  /** Stores the originals for which the parametrizations give `value` (each must have `right_inverse`). */
  right_inverse(value: Tensor): void {
    no_grad(() => {
      let v: Tensor | Tensor[] = value;
      for (const m of [...this].reverse()) {
        if (typeof m.right_inverse !== 'function') throw new Error(`parametrization ${m._get_name()} does not implement right_inverse.`);
        v = m.right_inverse(v as Tensor);
      }
      const o = fields(this);
      if (this.is_tensor) {
        if (!(v instanceof Tensor)) throw new Error(`\`right_inverse\` should return a tensor. Got ${type_name(v)}`);
        const original = o['original'] as Tensor;
        if (v.dtype !== original.dtype) throw new Error(`The tensor returned by \`right_inverse\` has dtype ${String(v.dtype)} while \`original\` has dtype ${String(original.dtype)}`);
        original.set_(v);
        return;
      }
      if (!Array.isArray(v)) throw new Error(`'right_inverse' must return a sequence of tensors. Got ${type_name(v)}.`);
      if (v.length !== this.ntensors) throw new Error(`'right_inverse' must return a sequence of tensors of length ${this.ntensors}. Got a sequence of lenght ${v.length}.`);
      v.forEach((t, i) => {
        const original_i = o[`original${i}`] as Tensor;
        if (!(t instanceof Tensor)) throw new Error(`\`right_inverse\` must return a sequence of tensors. Got element ${i} of type ${type_name(t)}`);
        if (original_i.dtype !== t.dtype) throw new Error(`Tensor ${i} returned by \`right_inverse\` has dtype ${String(t.dtype)} while \`original${i}\` has dtype ${String(original_i.dtype)}`);
        original_i.set_(t);
      });
    });
  }

  /** The parametrized tensor: the first parametrization of the original(s), then each next one in turn. */
  override forward(): Tensor {
    const mods = [...this];
    const o = fields(this);
    let x = this.is_tensor
      ? (mods[0]!.call(o['original'] as Tensor) as Tensor)
      : (mods[0]!.call(...Array.from({ length: this.ntensors }, (_, i) => o[`original${i}`] as Tensor)) as Tensor);
    for (const m of mods.slice(1)) x = m.call(x) as Tensor;
    return x;
  }
}

/** Parametrized tensors computed once inside `cached()`, by module and name. */
let cache: Map<Module, Map<string, Tensor>> | null = null;

/**
 * Runs `fn` with parametrized tensors computed once and reused (PyTorch's `with parametrize.cached():`), e.g. a
 * recurrent weight read at every step.
 *
 * @example
 * nn.utils.parametrize.cached(() => rnn.call(x));
 */
export function cached<T>(fn: () => T): T {
  const outer = cache;
  cache ??= new Map();
  try {
    return fn();
  } finally {
    if (outer === null) cache = null;
  }
}

/** The class a parametrized module's class was derived from, per module class. */
const originals = new WeakMap<object, abstract new (...a: never[]) => Module>();
const derived = new WeakMap<object, abstract new (...a: never[]) => Module>();

/** Gives `module` the class `Parametrized<Class>` (once), as PyTorch swaps its `__class__`. */
function inject_class(module: Module): void {
  const base = module.constructor as abstract new (...a: never[]) => Module;
  let cls = derived.get(base);
  if (cls === undefined) {
    const base_name = (module as Module)._get_name();
    abstract class Parametrized extends (base as unknown as abstract new () => Module) {
      static readonly __name__: string = `Parametrized${base_name}`;
      override __getstate__(): never {
        throw new Error('Serialization of parametrized modules is only supported through state_dict(). See:\nhttps://pytorch.org/tutorials/beginner/saving_loading_models.html#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training');
      }
    }
    cls = Parametrized as unknown as abstract new (...a: never[]) => Module;
    derived.set(base, cls);
    originals.set(cls, base);
  }
  Object.setPrototypeOf(module, cls.prototype);
}

/** Makes `name` an accessor of `module`: reading runs its parametrizations, writing runs their `right_inverse`. */
function inject_property(module: Module, name: string): void {
  Object.defineProperty(module, name, {
    configurable: true,
    enumerable: false,
    get(this: Module): Tensor {
      const list = (fields(this)['parametrizations'] as ModuleDict).get<ParametrizationList>(name);
      if (cache === null) return list.forward();
      let per = cache.get(this);
      if (per === undefined) cache.set(this, (per = new Map()));
      let t = per.get(name);
      if (t === undefined) per.set(name, (t = list.forward()));
      return t;
    },
    set(this: Module, value: Tensor) {
      (fields(this)['parametrizations'] as ModuleDict).get<ParametrizationList>(name).right_inverse(value);
    },
  });
}

const REGISTER = signature<{ module: Module; tensor_name: string; parametrization: Parametrization; unsafe: boolean }>(
  'register_parametrization(Object module, str tensor_name, Object parametrization, *, bool unsafe=False)');
const REMOVE = signature<{ module: Module; tensor_name: string; leave_parametrized: boolean }>(
  'remove_parametrizations(Object module, str tensor_name, bool leave_parametrized=True)');

/**
 * Re-expresses parameter or buffer `tensor_name` of `module` as `parametrization(original)`: the tensor moves to
 * `module.parametrizations[tensor_name].original` (through `right_inverse` when the parametrization has one) and
 * reading `module[tensor_name]` computes it; a second parametrization of the same name chains after the first.
 * The module's class becomes `Parametrized<Class>`. PyTorch's `register_parametrization`.
 *
 * @example
 * class Symmetric extends nn.Module { forward(x: Tensor) { return x.triu().add(x.triu(1).mT); } }
 * nn.utils.parametrize.register_parametrization(layer, 'weight', new Symmetric());
 */
export function register_parametrization<M extends Module>(
  ...args: [module: M, tensor_name: string, parametrization: Parametrization, options?: { unsafe?: boolean }] | [{ module: M; tensor_name: string; parametrization: Parametrization; unsafe?: boolean }]
): M {
  const a = REGISTER.parse(args);
  const [module, tensor_name, parametrization, unsafe] = [a.module as M, a.tensor_name, a.parametrization, a.unsafe];
  parametrization.train(module.training);
  if (is_parametrized(module, tensor_name)) {
    if (!unsafe) {
      const y = fields(module)[tensor_name] as Tensor;
      const x = parametrization.call(y);
      if (!(x instanceof Tensor)) throw new Error(`A parametrization must return a tensor. Got ${type_name(x)}.`);
      if (x.dtype !== y.dtype) {
        throw new Error(`Registering a parametrization may not change the dtype of the tensor, unless the \`unsafe\` flag is enabled.\nmodule.${tensor_name}.dtype: ${String(y.dtype)}\nparametrization(module.${tensor_name}).dtype: ${String(x.dtype)}`);
      }
      if (x._shape.join() !== y._shape.join()) {
        throw new Error(`Registering a parametrization may not change the shape of the tensor, unless the \`unsafe\` flag is enabled.\nmodule.${tensor_name}.shape: ${String(y.shape)}\nparametrization(module.${tensor_name}).shape: ${String(x.shape)}`);
      }
      if (typeof parametrization.right_inverse === 'function') {
        const z = parametrization.right_inverse(x);
        if (!(z instanceof Tensor)) throw new Error(`parametrization.right_inverse must return a tensor. Got: ${type_name(z)}`);
        if (z.dtype !== y.dtype) {
          throw new Error(`The tensor returned by parametrization.right_inverse must have the same dtype as module.${tensor_name}, unless the \`unsafe\` flag is enabled.\nmodule.${tensor_name}.dtype: ${String(y.dtype)}\nreturned dtype: ${String(z.dtype)}`);
        }
        if (z._shape.join() !== y._shape.join()) {
          throw new Error(`The tensor returned by parametrization.right_inverse must have the same shape as module.${tensor_name}, unless the \`unsafe\` flag is enabled.\nmodule.${tensor_name}.shape: ${String(y.shape)}\nreturned shape: ${String(z.shape)}`);
        }
      }
    }
    const list = (fields(module)['parametrizations'] as ModuleDict).get<ParametrizationList>(tensor_name);
    list.append(parametrization);
    list.unsafe ||= unsafe;
    return module;
  }
  if (!module._parameters.has(tensor_name) && !module._buffers.has(tensor_name)) {
    throw new Error(`Module '${String(module)}' does not have a parameter, a buffer, or a parametrized element with name '${tensor_name}'`);
  }
  const original = fields(module)[tensor_name] as Tensor;
  const list = new ParametrizationList([parametrization], original, unsafe);
  delete fields(module)[tensor_name];
  if (!is_parametrized(module)) {
    inject_class(module);
    fields(module)['parametrizations'] = new ModuleDict();
  }
  inject_property(module, tensor_name);
  (fields(module)['parametrizations'] as ModuleDict).set(tensor_name, list);
  return module;
}

/**
 * Whether `module` has a parametrization (on `tensor_name`, when given).
 *
 * @example
 * nn.utils.parametrize.is_parametrized(layer, 'weight');
 */
export function is_parametrized(module: Module, tensor_name: string | null = null): boolean {
  const p = fields(module)['parametrizations'];
  if (!(p instanceof ModuleDict)) return false;
  return tensor_name === null ? p.length > 0 : p.has(tensor_name);
}

/**
 * Undoes the parametrizations of `tensor_name`: it is a plain parameter (or buffer) again, holding the
 * parametrized value (`leave_parametrized`, the default) or the original. The last one removed gives the module
 * its class back.
 *
 * @example
 * nn.utils.parametrize.remove_parametrizations(layer, 'weight');
 */
export function remove_parametrizations<M extends Module>(
  ...args: [module: M, tensor_name: string, leave_parametrized?: boolean, options?: { leave_parametrized?: boolean }] | [{ module: M; tensor_name: string; leave_parametrized?: boolean }]
): M {
  const a = REMOVE.parse(args);
  const [module, tensor_name, leave_parametrized] = [a.module as M, a.tensor_name, a.leave_parametrized];
  if (!is_parametrized(module, tensor_name)) throw new Error(`Module ${String(module)} does not have a parametrization on ${tensor_name}`);
  const dict = fields(module)['parametrizations'] as ModuleDict;
  const list = dict.get<ParametrizationList>(tensor_name);
  let original: Tensor;
  if (list.is_tensor) {
    original = fields(list)['original'] as Tensor;
    if (leave_parametrized) {
      const t = no_grad(() => fields(module)[tensor_name] as Tensor);
      no_grad(() => original.set_(t));
    }
  } else if (leave_parametrized) {
    const t = fields(module)[tensor_name] as Tensor;
    original = t.requires_grad ? new Parameter(t) : t;
  } else {
    throw new Error('Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a sequence of tensors.');
  }
  Reflect.deleteProperty(module, tensor_name);
  delete fields(dict)[tensor_name];
  register_parameter_or_buffer(module, tensor_name, original);
  if (!is_parametrized(module)) {
    delete fields(module)['parametrizations'];
    Object.setPrototypeOf(module, originals.get(module.constructor)!.prototype);
  }
  return module;
}

/**
 * The module's class before any parametrization (its own class when it has none).
 *
 * @example
 * nn.utils.parametrize.type_before_parametrizations(layer) === nn.Linear; // true
 */
export function type_before_parametrizations(module: Module): abstract new (...a: never[]) => Module {
  const c = module.constructor as abstract new (...a: never[]) => Module;
  return is_parametrized(module) ? (originals.get(c) ?? c) : c;
}
