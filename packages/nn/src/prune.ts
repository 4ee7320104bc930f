// nn.utils.prune: parameters masked by forward pre-hooks (PyTorch's torch.nn.utils.prune). A pruned parameter
// `name` becomes `<name>_orig` (the parameter) times the buffer `<name>_mask`, recomputed before every forward;
// pruning the same parameter again combines the masks in a PruningContainer.
import * as torch from '@tsgrad/core';
import { no_grad, Tensor } from '@tsgrad/core';
import { HookOwners } from './hook_owners.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';
import { parameters_to_vector } from './utils_grad.js';

/** How a method chooses what to prune: entries anywhere, whole slices along `dim`, or a given mask. */
export type PruningType = 'unstructured' | 'structured' | 'global';

const fields = (m: Module): Record<string, unknown> => m as unknown as Record<string, unknown>;
/** The positions where a 1-d boolean tensor is true. */
const positions = (b: Tensor): Tensor => (b.nonzero() as Tensor).view(-1);
/** The pruning method behind each registered hook function. */
const owners = new HookOwners<BasePruningMethod>((m) => m._tensor_name);

/**
 * The base of every pruning method (PyTorch's `BasePruningMethod`): a subclass says its `PRUNING_TYPE` and how to
 * `compute_mask`; `apply` prunes a module's parameter with it, registering the method's `hook` as a forward
 * pre-hook that sets `name = <name>_orig * <name>_mask` before every forward.
 *
 * @example
 * class EveryOther extends nn.utils.prune.BasePruningMethod {
 *   readonly PRUNING_TYPE = 'unstructured';
 *   compute_mask(t: Tensor, default_mask: Tensor): Tensor {
 *     const mask = default_mask.clone();
 *     mask.view(-1).index_fill_(0, torch.arange(0, t.numel(), 2), 0);
 *     return mask;
 *   }
 * }
 * EveryOther.apply(net.fc, 'bias');
 */
export abstract class BasePruningMethod {
  /** The class name (minification-proof). */
  static readonly __name__: string = 'BasePruningMethod';
  /** How the method chooses (see PruningType). */
  abstract readonly PRUNING_TYPE: PruningType;
  /** The parameter this method prunes (set by `apply`). */
  _tensor_name: string | null = null;
  /** The forward pre-hook `apply` registers: recomputes the pruned tensor from `<name>_orig` and the mask. */
  readonly hook: (module: Module, inputs: unknown) => void;

  constructor() {
    this.hook = (module: Module) => {
      fields(module)[this._tensor_name!] = this.apply_mask(module);
    };
    owners.add(this.hook, this);
  }

  /** The mask (1 keeps, 0 prunes) for `t`, starting from `default_mask` (what earlier pruning left). */
  abstract compute_mask(t: Tensor, default_mask: Tensor): Tensor;

  /** `<name>_orig * <name>_mask` of the module. */
  apply_mask(module: Module): Tensor {
    if (this._tensor_name === null) throw new Error(`Module ${String(module)} has to be pruned`);
    const mask = fields(module)[`${this._tensor_name}_mask`] as Tensor;
    const orig = fields(module)[`${this._tensor_name}_orig`] as Tensor;
    return mask.to(orig.dtype).mul(orig);
  }

  /**
   * Prunes parameter `name` of `module` with a method built as `new this(...args)` (combined with any earlier
   * pruning of it); the last argument may be `{ importance_scores }`, the tensor ranked instead of the parameter.
   */
  static apply(this: new (...args: never[]) => BasePruningMethod, module: Module, name: string, ...args: unknown[]): BasePruningMethod {
    const last = args[args.length - 1];
    const scores = torch.is_plain_object(last) && 'importance_scores' in last ? (args.pop() as { importance_scores?: Tensor | null }).importance_scores ?? null : null;
    return apply_method(module, name, new (this as new (...a: unknown[]) => BasePruningMethod)(...args), scores);
  }

  /** `t` times the mask this method computes for it (no module involved). */
  prune(t: Tensor, default_mask: Tensor | null = null, importance_scores: Tensor | null = null): Tensor {
    const scores = importance_scores ?? t;
    if (scores._shape.join() !== t._shape.join()) throw new Error('importance_scores should have the same shape as tensor t');
    return t.mul(this.compute_mask(scores, default_mask ?? torch.ones_like(t)));
  }

  /** Makes the pruning permanent: `name` is the parameter again, holding the masked values; the mask goes. */
  remove(module: Module): void {
    if (this._tensor_name === null) throw new Error(`Module ${String(module)} has to be pruned before pruning can be removed`);
    const name = this._tensor_name;
    const weight = this.apply_mask(module);
    delete fields(module)[name];
    const orig = module._parameters.get(`${name}_orig`)!;
    orig.data = weight.data;
    delete fields(module)[`${name}_orig`];
    delete fields(module)[`${name}_mask`];
    fields(module)[name] = orig;
  }
}

/** Prunes `name` of `module` with `method`: the shared body of every `apply`. */
function apply_method(module: Module, name: string, method: BasePruningMethod, importance_scores: Tensor | null): BasePruningMethod {
  const hooks = owners.find(module, name);
  if (hooks.length > 1) throw new Error(`Avoid adding multiple pruning hooks to the same tensor ${name} of module ${String(module)}. Use a PruningContainer.`);
  method._tensor_name = name;
  const old = hooks.length === 1 ? hooks[0]![1] : null;
  let combined: BasePruningMethod = method;
  if (old instanceof PruningContainer) {
    combined = old;
  } else if (old !== null) {
    combined = new PruningContainer(old);
  }
  const orig = fields(module)[name];
  if (!(orig instanceof Tensor)) throw new Error(`Module ${module._get_name()} has no parameter or buffer with name '${name}'`);
  const scores = importance_scores ?? orig;
  if (scores._shape.join() !== orig._shape.join()) throw new Error(`importance_scores should have the same shape as parameter ${name} of ${String(module)}`);
  const default_mask = old === null ? torch.ones_like(orig) : (fields(module)[`${name}_mask`] as Tensor).detach().clone();
  // the mask first: a failure leaves the module as it was
  const container_before = combined instanceof PruningContainer ? combined._pruning_methods.length : 0;
  if (combined instanceof PruningContainer) combined.add_pruning_method(method);
  let mask: Tensor;
  try {
    mask = no_grad(() => combined.compute_mask(scores, default_mask));
  } catch (e) {
    if (combined instanceof PruningContainer) combined._pruning_methods.length = container_before;
    throw e;
  }
  for (const [id] of hooks) module._forward_pre_hooks.delete(id);
  if (old === null) {
    module.register_parameter(`${name}_orig`, orig as Parameter);
    delete fields(module)[name];
  }
  module.register_buffer(`${name}_mask`, mask);
  fields(module)[name] = combined.apply_mask(module);
  module.register_forward_pre_hook(combined.hook);
  return combined;
}

/**
 * Several pruning methods applied in turn to one parameter: each later method sees only what the earlier ones
 * kept (the unpruned entries, or for a structured method the unpruned slices).
 *
 * @example
 * const c = new nn.utils.prune.PruningContainer(first); c.add_pruning_method(second);
 */
export class PruningContainer extends BasePruningMethod {
  static override readonly __name__: string = 'PruningContainer';
  readonly PRUNING_TYPE: PruningType = 'unstructured';
  /** The methods, in the order they were applied. */
  _pruning_methods: BasePruningMethod[] = [];

  constructor(...methods: BasePruningMethod[]) {
    super();
    if (methods.length === 1) this._tensor_name = methods[0]!._tensor_name;
    for (const m of methods) this.add_pruning_method(m);
  }

  /** Adds a method pruning the same parameter. */
  add_pruning_method(method: BasePruningMethod): void {
    if (!(method instanceof BasePruningMethod)) throw new TypeError(`${torch.py_type_name(method)} is not a BasePruningMethod subclass`);
    if (this._tensor_name !== method._tensor_name) {
      throw new Error(`Can only add pruning methods acting on the parameter named '${this._tensor_name}' to PruningContainer ${this.constructor.name}. Found '${method._tensor_name}'`);
    }
    this._pruning_methods.push(method);
  }

  /** How many methods it holds. */
  get length(): number {
    return this._pruning_methods.length;
  }

  /** The methods in order. */
  [Symbol.iterator](): Iterator<BasePruningMethod> {
    return this._pruning_methods[Symbol.iterator]();
  }

  /** The last method's mask, computed on what the mask so far keeps and written back into it. */
  compute_mask(t: Tensor, default_mask: Tensor): Tensor {
    const method = this._pruning_methods[this._pruning_methods.length - 1]!;
    const mask = default_mask.to(t.dtype).clone();
    if (method.PRUNING_TYPE === 'global') return method.compute_mask(t, mask).to(mask.dtype);
    if (method.PRUNING_TYPE === 'unstructured') {
      const kept = positions(mask.view(-1).eq(1));
      const partial = method.compute_mask(t.reshape(-1).index_select(0, kept), mask.view(-1).index_select(0, kept));
      mask.view(-1).index_copy_(0, kept, partial.to(mask.dtype));
      return mask;
    }
    const dim_attr = (method as BasePruningMethod & { dim?: number }).dim;
    if (dim_attr === undefined) throw new Error('Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` defined.');
    const n = t.ndim;
    const dim = dim_attr < 0 ? n + dim_attr : dim_attr;
    if (dim < 0) throw new Error(`Index is out of bounds for tensor with dimensions ${n}`);
    const others = [...Array(n).keys()].filter((d) => d !== dim);
    const channels = positions(mask.sum(others).ne(0));
    const partial = method.compute_mask(t.index_select(dim, channels), mask.index_select(dim, channels));
    mask.index_copy_(dim, channels, partial.to(mask.dtype));
    return mask;
  }
}

/** PyTorch's `round`: halves to even. */
const round_half_even = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * An amount is a fraction of the entries (a number in [0, 1] with a fractional part, or 0) or a count (a whole
 * number). JS cannot tell `1.0` from `1`: a whole number is always a count, so `1` prunes one entry.
 */
function check_amount(amount: unknown): void {
  if (typeof amount !== 'number' || Number.isNaN(amount)) throw new TypeError(`Invalid type for amount: ${String(amount)}. Must be int or float.`);
  if ((Number.isInteger(amount) && amount < 0) || (!Number.isInteger(amount) && (amount > 1 || amount < 0))) {
    throw new Error(`amount=${amount} should either be a float in the range [0, 1] or a non-negative integer`);
  }
}
function to_prune(amount: number, size: number): number {
  const n = Number.isInteger(amount) ? amount : round_half_even(amount * size);
  if (Number.isInteger(amount) && amount > size) throw new Error(`amount=${amount} should be smaller than the number of parameters to prune=${size}`);
  return n;
}
function check_structured(t: Tensor, dim: number): void {
  if (t.ndim <= 1) throw new Error(`Structured pruning can only be applied to multidimensional tensors. Found tensor of shape ${String(t.shape)} with ${t.ndim} dims`);
  if (dim >= t.ndim) throw new Error(`Invalid index ${dim} for tensor of size ${String(t.shape)}`);
}
/** A mask of ones on the slices `indices` of `dim`, zeros elsewhere. */
function slices_mask(t: Tensor, dim: number, indices: Tensor): Tensor {
  const mask = torch.zeros_like(t);
  mask.index_fill_(dim, indices, 1);
  return mask;
}

/**
 * Prunes nothing (the mask is all ones): the reparametrization alone.
 *
 * @example
 * nn.utils.prune.identity(net.fc, 'weight');
 */
export class Identity extends BasePruningMethod {
  static override readonly __name__: string = 'Identity';
  readonly PRUNING_TYPE: PruningType = 'unstructured';
  compute_mask(_t: Tensor, default_mask: Tensor): Tensor {
    return default_mask;
  }
}

/** Unstructured pruning of the `amount` entries a subclass ranks first (`ranked`: the indices in pruning order). */
abstract class RankedUnstructured extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'unstructured';
  constructor(
    /** The entries to prune: a fraction in [0, 1] or, as a whole number, a count. */ readonly amount: number,
  ) {
    check_amount(amount);
    super();
  }
  /** The positions (of `t` flattened) of the `k` entries to prune. */
  protected abstract ranked(t: Tensor, k: number): Tensor;
  compute_mask(t: Tensor, default_mask: Tensor): Tensor {
    const k = to_prune(this.amount, t.numel());
    const mask = default_mask.clone();
    if (k !== 0) mask.view(-1).index_fill_(0, this.ranked(t, k), 0);
    return mask;
  }
}

/**
 * Prunes `amount` entries chosen at random (the largest of a `rand_like` draw).
 *
 * @example
 * nn.utils.prune.random_unstructured(net.fc, 'weight', 0.3);
 */
export class RandomUnstructured extends RankedUnstructured {
  static override readonly __name__: string = 'RandomUnstructured';
  protected ranked(t: Tensor, k: number): Tensor {
    return torch.rand_like(t).view(-1).topk(k).indices;
  }
}

/**
 * Prunes the `amount` entries of smallest magnitude.
 *
 * @example
 * nn.utils.prune.l1_unstructured(net.fc, 'weight', 0.5);
 */
export class L1Unstructured extends RankedUnstructured {
  static override readonly __name__: string = 'L1Unstructured';
  protected ranked(t: Tensor, k: number): Tensor {
    return t.abs().reshape(-1).topk(k, { largest: false }).indices;
  }
}

/** Structured pruning: the mask keeps the slices along `dim` that a subclass picks (`kept`), zeroes the rest. */
abstract class SlicePruning extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'structured';
  constructor(
    /** The slices to prune: a fraction in [0, 1] or, as a whole number, a count. */ readonly amount: number,
    /** The dim whose slices are pruned. */ readonly dim = -1,
  ) {
    check_amount(amount);
    super();
  }
  /** The indices of the slices kept along `d` when `k` of its `size` are pruned. */
  protected abstract kept(t: Tensor, d: number, size: number, k: number): Tensor;
  compute_mask(t: Tensor, default_mask: Tensor): Tensor {
    check_structured(t, this.dim);
    const d = this.dim < 0 ? t.ndim + this.dim : this.dim;
    const size = t._shape[d]!;
    const k = to_prune(this.amount, size);
    if (k === 0) return default_mask;
    return slices_mask(t, d, this.kept(t, d, size, k)).mul_(default_mask.to(t.dtype));
  }
}

/**
 * Prunes `amount` whole slices along `dim` chosen at random.
 *
 * @example
 * nn.utils.prune.random_structured(net.conv1, 'weight', 0.5, 0);
 */
export class RandomStructured extends SlicePruning {
  static override readonly __name__: string = 'RandomStructured';
  protected kept(_t: Tensor, _d: number, size: number, k: number): Tensor {
    const prob = torch.rand(size);
    // slices whose draw exceeds the k-th smallest are kept
    return positions(prob.gt(prob.sort().values.index([k - 1])));
  }
}

/**
 * Prunes the `amount` slices along `dim` of smallest `n`-norm (`n` a number, Infinity, or 'fro').
 *
 * @example
 * nn.utils.prune.ln_structured(net.conv1, 'weight', 0.5, 2, 0);
 */
export class LnStructured extends SlicePruning {
  static override readonly __name__: string = 'LnStructured';
  /** The norm's order ranking the slices. */
  readonly n: number | 'fro' | 'nuc';
  constructor(amount: number, n: number | 'fro' | 'nuc', dim = -1) {
    super(amount, dim);
    this.n = n;
  }
  protected kept(t: Tensor, d: number, size: number, k: number): Tensor {
    const norms = torch.norm(t, this.n, [...Array(t.ndim).keys()].filter((i) => i !== d));
    return norms.topk(size - k, { largest: true }).indices;
  }
}

/**
 * Prunes where a given mask is 0.
 *
 * @example
 * nn.utils.prune.custom_from_mask(net.fc, 'bias', torch.tensor([0, 1, 1]));
 */
export class CustomFromMask extends BasePruningMethod {
  static override readonly __name__: string = 'CustomFromMask';
  readonly PRUNING_TYPE: PruningType = 'global';
  constructor(
    /** 1 keeps, 0 prunes (the parameter's shape). */ readonly mask: Tensor,
  ) {
    super();
  }
  compute_mask(_t: Tensor, default_mask: Tensor): Tensor {
    if (default_mask._shape.join() !== this.mask._shape.join()) throw new Error(`CustomFromMask: the mask's shape [${this.mask._shape.join(', ')}] is not the tensor's [${default_mask._shape.join(', ')}]`);
    return default_mask.mul(this.mask.to(default_mask.dtype));
  }
}

/** @returns the module, with `name` reparametrized by an all-ones mask. @example nn.utils.prune.identity(m, 'weight'); */
export function identity<M extends Module>(module: M, name: string): M {
  Identity.apply(module, name);
  return module;
}
/** @returns the module, `amount` random entries of `name` pruned. @example nn.utils.prune.random_unstructured(m, 'weight', 0.3); */
export function random_unstructured<M extends Module>(module: M, name: string, amount: number): M {
  RandomUnstructured.apply(module, name, amount);
  return module;
}
/** @returns the module, the `amount` smallest-magnitude entries of `name` pruned. @example nn.utils.prune.l1_unstructured(m, 'weight', 0.5); */
export function l1_unstructured<M extends Module>(module: M, name: string, amount: number, options: { importance_scores?: Tensor | null } = {}): M {
  L1Unstructured.apply(module, name, amount, { importance_scores: options.importance_scores ?? null });
  return module;
}
/** @returns the module, `amount` random slices of `name` along `dim` pruned. @example nn.utils.prune.random_structured(m, 'weight', 0.5, 0); */
export function random_structured<M extends Module>(module: M, name: string, amount: number, dim: number): M {
  RandomStructured.apply(module, name, amount, dim);
  return module;
}
/** @returns the module, the `amount` slices of smallest `n`-norm pruned. @example nn.utils.prune.ln_structured(m, 'weight', 0.5, 2, 0); */
export function ln_structured<M extends Module>(module: M, name: string, amount: number, n: number | 'fro' | 'nuc', dim: number, options: { importance_scores?: Tensor | null } = {}): M {
  LnStructured.apply(module, name, amount, n, dim, { importance_scores: options.importance_scores ?? null });
  return module;
}
/** @returns the module, pruned where `mask` is 0. @example nn.utils.prune.custom_from_mask(m, 'bias', mask); */
export function custom_from_mask<M extends Module>(module: M, name: string, mask: Tensor): M {
  CustomFromMask.apply(module, name, mask);
  return module;
}

/**
 * Prunes all the given `(module, name)` parameters as one vector with an unstructured method: `amount` counts
 * over all of them together (e.g. the smallest 20% of all weights of a network).
 *
 * @example
 * nn.utils.prune.global_unstructured([[net.conv1, 'weight'], [net.fc, 'weight']], nn.utils.prune.L1Unstructured, { amount: 0.2 });
 */
export function global_unstructured(
  parameters: Iterable<readonly [Module, string]>,
  pruning_method: new (...args: never[]) => BasePruningMethod,
  options: { importance_scores?: Map<Module, Record<string, Tensor>> | null; amount?: number; [k: string]: unknown } = {},
): void {
  if (parameters === null || typeof (parameters as Iterable<unknown>)[Symbol.iterator] !== 'function') throw new TypeError('global_unstructured(): parameters is not an Iterable');
  const { importance_scores, ...kwargs } = options;
  if (importance_scores !== undefined && importance_scores !== null && !(importance_scores instanceof Map)) throw new TypeError('global_unstructured(): importance_scores must be of type dict');
  const list = [...parameters];
  const value = (m: Module, n: string): Tensor => fields(m)[n] as Tensor;
  const scores = parameters_to_vector(list.map(([m, n]) => importance_scores?.get(m)?.[n] ?? value(m, n)));
  const default_mask = parameters_to_vector(list.map(([m, n]) => (fields(m)[`${n}_mask`] as Tensor | undefined) ?? torch.ones_like(value(m, n))));
  const method = new (pruning_method as new (...a: unknown[]) => BasePruningMethod)(...Object.values(kwargs));
  method._tensor_name = 'temp';
  if (method.PRUNING_TYPE !== 'unstructured') {
    throw new TypeError(`Only "unstructured" PRUNING_TYPE supported for the \`pruning_method\`. Found method <class 'torch.nn.utils.prune.${(pruning_method as { __name__?: string }).__name__ ?? pruning_method.name}'> of type ${method.PRUNING_TYPE}`);
  }
  const container = new PruningContainer();
  container._tensor_name = 'temp';
  container.add_pruning_method(method);
  const final = no_grad(() => container.compute_mask(scores.detach(), default_mask.detach()));
  let at = 0;
  for (const [m, n] of list) {
    const p = value(m, n);
    custom_from_mask(m, n, final.narrow(0, at, p.numel()).view_as(p));
    at += p.numel();
  }
}

/**
 * Makes the pruning of `name` permanent: the parameter holds the masked values; the mask, `<name>_orig` and the
 * hook go.
 *
 * @example
 * nn.utils.prune.remove(net.fc, 'weight');
 */
export function remove<M extends Module>(module: M, name: string): M {
  const [found] = owners.find(module, name);
  if (found !== undefined) {
    found[1].remove(module);
    module._forward_pre_hooks.delete(found[0]);
    return module;
  }
  throw new Error(`Parameter '${name}' of module ${String(module)} has to be pruned before pruning can be removed`);
}

/**
 * Whether any module of the tree has a pruning hook.
 *
 * @example
 * nn.utils.prune.is_pruned(net); // false before any pruning
 */
export function is_pruned(module: Module): boolean {
  for (const [, m] of module.named_modules()) for (const [, hook] of m._forward_pre_hooks) if (owners.get(hook) !== undefined) return true;
  return false;
}
