// nn.utils.weight_norm / remove_weight_norm: a parameter re-expressed as g · v / ‖v‖ by a forward pre-hook.
import * as torch from '@tsgrad/core';
import { no_grad, signature, warn, type Tensor } from '@tsgrad/core';
import { HookOwners } from './hook_owners.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * What weight_norm registers as the module's forward pre-hook (PyTorch's `WeightNorm` object): it recomputes
 * `name` from `<name>_g` and `<name>_v` before every forward.
 *
 * @example
 * const fn = new nn.utils.WeightNorm('weight', 0); // as weight_norm makes it
 * fn.compute_weight(m); // g · v / ‖v‖ now
 */
export class WeightNorm {
  /** The class name (minification-proof). */
  static readonly __name__: string = 'WeightNorm';
  /** The forward pre-hook this object registered (its handle's key in `_forward_pre_hooks`). */
  readonly hook: (module: Module, inputs: unknown) => void;
  /** The parameter re-expressed ('weight'). */
  readonly name: string;
  /** The dim whose slices get one norm each (-1: the whole tensor). */
  readonly dim: number;

  constructor(name: string, dim: number) {
    this.name = name;
    this.dim = dim;
    this.hook = (module: Module) => {
      (module as unknown as Record<string, unknown>)[this.name] = this.compute_weight(module);
    };
    owners.add(this.hook, this);
  }

  /** g · v / ‖v‖ from the module's current `<name>_g` and `<name>_v`. */
  compute_weight(module: Module): Tensor {
    const fields = module as unknown as Record<string, Tensor>;
    return torch._weight_norm(fields[`${this.name}_v`]!, fields[`${this.name}_g`]!, this.dim);
  }

  /** Puts `name` back as one plain parameter with the current value, and drops g and v. */
  remove(module: Module): void {
    const weight = this.compute_weight(module);
    const fields = module as unknown as Record<string, unknown>;
    delete fields[this.name];
    delete fields[`${this.name}_g`];
    delete fields[`${this.name}_v`];
    fields[this.name] = new Parameter(weight.data);
  }
}

/** The WeightNorm behind each registered hook function. */
const owners = new HookOwners<WeightNorm>((w) => w.name);

const WEIGHT_NORM = signature<{ module: Module; name: string; dim: number | null }>("weight_norm(Object module, str name='weight', int? dim=0)");
const REMOVE_WEIGHT_NORM = signature<{ module: Module; name: string }>("remove_weight_norm(Object module, str name='weight')");

/**
 * Re-expresses parameter `name` (default 'weight') of `module` as `g · v / ‖v‖`: parameters `<name>_g` (the norm
 * of each slice along `dim`; `dim: null`, one norm of the whole tensor) and `<name>_v` (the direction) replace
 * it, and a forward pre-hook recomputes `name` before every forward (PyTorch's `torch.nn.utils.weight_norm`,
 * which 2.x deprecates for `parametrizations.weight_norm`). Returns the module.
 *
 * @example
 * const m = nn.utils.weight_norm(new nn.Linear(20, 40));
 * m.weight_g.shape; // [40, 1]
 */
export function weight_norm<M extends Module>(...args: [module: M, name?: string, dim?: number | null, options?: { name?: string; dim?: number | null }]): M {
  warn('`torch.nn.utils.weight_norm` is deprecated in favor of `torch.nn.utils.parametrizations.weight_norm`.', 'FutureWarning');
  const a = WEIGHT_NORM.parse(args);
  const module = a.module as M;
  if (owners.find(module, a.name).length > 0) throw new Error(`Cannot register two weight_norm hooks on the same parameter ${a.name}`);
  const dim = a.dim ?? -1;
  const fields = module as unknown as Record<string, unknown>;
  const weight = fields[a.name];
  if (!(weight instanceof torch.Tensor)) throw new Error(`weight_norm: '${a.name}' is not a parameter of ${module._get_name()}`);
  const fn = new WeightNorm(a.name, dim);
  // w leaves the parameters; g and v take its place, and w becomes a plain attribute computed from them
  delete fields[a.name];
  module.register_parameter(`${a.name}_g`, new Parameter(no_grad(() => torch.norm_except_dim(weight, 2, dim)).data));
  module.register_parameter(`${a.name}_v`, new Parameter(weight.data));
  fields[a.name] = fn.compute_weight(module);
  module.register_forward_pre_hook(fn.hook);
  return module;
}

/**
 * Undoes {@link weight_norm}: `name` is one parameter again, with the current g · v / ‖v‖; the hook is removed.
 *
 * @example
 * nn.utils.remove_weight_norm(m);
 */
export function remove_weight_norm<M extends Module>(...args: [module: M, name?: string, options?: { name?: string }]): M {
  const a = REMOVE_WEIGHT_NORM.parse(args);
  const module = a.module as M;
  const [found] = owners.find(module, a.name);
  if (found === undefined) throw new Error(`weight_norm of '${a.name}' not found in ${String(module)}`);
  found[1].remove(module);
  module._forward_pre_hooks.delete(found[0]);
  return module;
}
