// Base Optimizer: parameter groups, per-parameter state, zero_grad, PyTorch-shaped state_dict, and the
// float32-faithful element access the concrete optimizers update parameters through.
import * as torch from '@tsgrad/core';
import { class_name, Tensor, type Signature } from '@tsgrad/core';
import { py_repr } from '../python_repr.js';

/** Hyper-parameters every optimizer has; concrete optimizers extend this with their own. */
export interface HyperParams {
  /** Learning rate. */
  lr: number;
}

/**
 * One parameter group: the optimizer's defaults overridden by the group's own values, its parameters, and
 * any extra keys added by the user or a scheduler (`initial_lr`, `max_lr`, …), as in PyTorch.
 */
export type ParamGroup<D extends HyperParams = HyperParams> = D & {
  /** The group's parameters. */
  params: Tensor[];
  [extra: string]: unknown;
};

/** What `add_param_group` (and the constructor's list-of-dicts form) accepts. */
export type ParamGroupInput<D extends HyperParams = HyperParams> = Partial<D> & {
  /** The group's parameters (one tensor or an iterable). */
  params: Iterable<Tensor> | Tensor;
  [extra: string]: unknown;
};

/** A value of per-parameter state: a tensor (`exp_avg`, `step`, …) or a plain number. */
export type StateValue = Tensor | number;
/** Per-parameter state, keyed by PyTorch's names (`momentum_buffer`, `step`, `exp_avg`, `exp_avg_sq`, …). */
export type ParamState = Record<string, StateValue>;

/** `optimizer.state_dict()`: state keyed by parameter index, groups listing their parameters' indices. */
export interface OptimizerStateDict {
  /** Per-parameter state by parameter index (over all groups, in order). */
  state: Record<number, ParamState>;
  /** The groups' hyper-parameters, each with `params` as the indices of its parameters. */
  param_groups: ({
    /** Indices of the group's parameters. */
    params: number[];
  } & Record<string, unknown>)[];
}

/** The loss a `step(closure)` closure returns. */
export type Closure = () => Tensor | number;

const TENSOR_TYPE_NAMES: Record<torch.DType, string> = {
  float32: 'torch.FloatTensor',
  float64: 'torch.DoubleTensor',
  int64: 'torch.LongTensor',
  uint8: 'torch.ByteTensor',
  bool: 'torch.BoolTensor',
};

/** Python's `torch.typename(value)` for the messages that print it. */
export function type_name(value: unknown): string {
  if (value instanceof Tensor) return TENSOR_TYPE_NAMES[value._dtype];
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return Object.getPrototypeOf(value) === Object.prototype ? 'dict' : class_name(value);
  if (value === undefined) return 'NoneType';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** Formats a number the way Python's `str(float)` does in PyTorch's messages (`1e-08`, not `1e-8`). */
export function py_str(value: number): string {
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** What an optimizer constructor takes: the parameters (Tensors or group dicts). */
export type ParamsInput<D extends HyperParams> = Iterable<Tensor> | Iterable<ParamGroupInput<D>>;

/**
 * Reads an optimizer constructor's arguments through its PyTorch signature (`params` first, then the
 * hyper-parameters positionally or by name; unknown names are TypeErrors) into `[params, defaults]`.
 * `differentiable`, `fused` and `capturable` are kept in the defaults (PyTorch lists them) but must stay off.
 *
 * @example
 * const [params, defaults] = optimizer_args(SGD_SIGNATURE, args);
 */
export function optimizer_args<D extends HyperParams>(sig: Signature<D & { params: unknown }>, args: readonly unknown[]): [ParamsInput<D>, D] {
  const { params, ...defaults } = sig.parse(args);
  for (const flag of ['differentiable', 'fused', 'capturable'] as const) {
    if ((defaults as Record<string, unknown>)[flag] === true) throw new Error(`tsgrad: ${sig.name}(${flag}=True) is not supported (CPU only, no graph capture)`);
  }
  return [params as ParamsInput<D>, defaults as unknown as D];
}

/**
 * Base class of all optimizers (PyTorch's `torch.optim.Optimizer`). Subclasses pass their defaults and
 * implement `step`; the per-parameter state lives in `state`, a Map from parameter to its record.
 *
 * @example
 * const opt = new optim.SGD([
 *   { params: net.conv1.parameters() },
 *   { params: net.fc.parameters(), lr: 0.1 },
 * ], { lr: 0.01, momentum: 0.9 });
 * opt.zero_grad(); loss.backward(); opt.step();
 * opt.state.get(net.fc.weight)!.momentum_buffer;
 */
export abstract class Optimizer<D extends HyperParams = HyperParams> {
  /** The hyper-parameters given to the constructor: the default of every group. */
  readonly defaults: D;
  /** The parameter groups: each has `params` and its own hyper-parameters (change `lr` here to adjust it). */
  param_groups: ParamGroup<D>[] = [];
  /** Per-parameter state (momentum buffers, step counts, …), keyed by the parameter tensor. */
  state: Map<Tensor, ParamState> = new Map();

  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<D>>, defaults: D) {
    if (params instanceof Tensor) {
      throw new TypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${type_name(params)}`);
    }
    this.defaults = defaults;
    const list: (Tensor | ParamGroupInput<D>)[] = [...params];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    // as PyTorch: a list whose first entry is not a dict is one group of parameters (each then checked)
    const is_dict = (v: unknown): boolean => typeof v === 'object' && v !== null && !(v instanceof Tensor) && !Array.isArray(v);
    const groups = is_dict(list[0]) ? (list as ParamGroupInput<D>[]) : [{ params: list as Tensor[] } as unknown as ParamGroupInput<D>];
    for (const group of groups) this.add_param_group(group);
  }

  /**
   * PyTorch's `Optimizer.__repr__`: the class name, then each group's keys in sorted order (params left out).
   *
   * @example
   * String(new optim.SGD(net.parameters(), { lr: 0.01 }));
   * // 'SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n ...    weight_decay: 0\n)'
   */
  toString(): string {
    const cls = this.constructor as { readonly __name__?: string; readonly name: string };
    let out = `${Object.hasOwn(cls, '__name__') ? cls.__name__! : cls.name} (`;
    this.param_groups.forEach((group, i) => {
      out += `\nParameter Group ${i}\n`;
      for (const key of Object.keys(group).sort()) if (key !== 'params') out += `    ${key}: ${py_repr(group[key])}\n`;
    });
    return `${out})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /**
   * Performs one optimization step over every parameter that has a gradient. With a closure, re-evaluates
   * the loss first (with grad enabled) and returns it.
   *
   * @example
   * opt.step();
   * const loss = opt.step(() => { opt.zero_grad(); const l = loss_fn(net.call(x), y); l.backward(); return l; });
   */
  abstract step(closure?: Closure): Tensor | number | undefined;

  /**
   * Runs the closure with grad enabled, then `update` on every group without grad (PyTorch's `step` frame).
   * Every gradient is checked against its parameter first, so a bad one changes nothing.
   */
  protected _step_groups(closure: Closure | undefined, update: (group: ParamGroup<D>) => void): Tensor | number | undefined {
    const loss = closure === undefined ? undefined : torch.enable_grad(closure);
    let index = 0;
    for (const group of this.param_groups) {
      for (const p of group.params) {
        check_grad(p, index++);
      }
    }
    torch.no_grad(() => {
      for (const group of this.param_groups) update(group);
    });
    return loss;
  }

  /**
   * Adds a parameter group; missing hyper-parameters take the optimizer's defaults.
   *
   * @example
   * opt.add_param_group({ params: head.parameters(), lr: 0.1 });
   */
  add_param_group(param_group: ParamGroupInput<D>): void {
    if (typeof param_group !== 'object' || param_group === null || param_group instanceof Tensor || !('params' in param_group)) {
      throw new TypeError(`param group must be a dict with a 'params' entry, but got ${type_name(param_group)}`);
    }
    const raw = param_group.params;
    if (raw instanceof Set) {
      throw new TypeError('optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.');
    }
    const params = raw instanceof Tensor ? [raw] : [...raw];
    for (const p of params as unknown[]) {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${type_name(p)}`);
      if (!(p.is_leaf || p.retains_grad)) throw new Error("can't optimize a non-leaf Tensor");
    }
    const group: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(param_group)) if (value !== undefined) group[key] = copy_value(value);
    for (const [key, value] of Object.entries(this.defaults)) if (group[key] === undefined) group[key] = copy_value(value);
    group.params = params;
    if (new Set(params).size !== params.length) {
      torch.warn('optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information');
    }
    const owner = new Map<Tensor, number>();
    this.param_groups.forEach((other, k) => other.params.forEach((p) => owner.set(p, k)));
    const j = params.findIndex((p) => owner.has(p));
    if (j >= 0) {
      throw new Error('some parameters appear in more than one parameter group');
    }
    this.param_groups.push(group as ParamGroup<D>);
  }

  /**
   * Resets the gradients of all optimized parameters. PyTorch 2.x default `set_to_none: true` makes them
   * `null`; `set_to_none: false` zero-fills the existing gradient tensors in place (the 1.13 default).
   *
   * @example
   * opt.zero_grad();                          // grads become null
   * opt.zero_grad({ set_to_none: false });    // grads become zero tensors
   */
  zero_grad(options: { set_to_none?: boolean } = {}): void {
    const set_to_none = options.set_to_none ?? true;
    for (const group of this.param_groups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        if (set_to_none) {
          p.grad = null;
          continue;
        }
        if (grad.grad_fn !== null) grad.detach_();
        else grad.requires_grad_(false);
        grad.zero_();
      }
    }
  }

  /**
   * The optimizer's state as PyTorch structures it: `{ state: { 0: {...} }, param_groups: [{ ..., params: [0, 1] }] }`.
   * Parameters are numbered across groups in order; state tensors are shared, not copied (as in PyTorch).
   *
   * @example
   * const sd = opt.state_dict();
   * sd.param_groups[0].lr; sd.state[0].momentum_buffer;
   */
  state_dict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let start = 0;
    const param_groups = this.param_groups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group)) if (key !== 'params') packed[key] = copy_value(value);
      group.params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      start += group.params.length;
      return { ...packed, params: group.params.map((p) => index.get(p)!) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, param_groups };
  }

  /**
   * Restores a `state_dict()`: groups are matched by position and parameters by their index. Hyper-parameters
   * come from the state dict; state tensors are copied (cast to each parameter's dtype, `step` kept as is) so
   * the source optimizer and this one never share buffers.
   *
   * @example
   * const opt2 = new optim.Adam(net2.parameters());
   * opt2.load_state_dict(opt.state_dict());
   */
  load_state_dict(state_dict: OptimizerStateDict): void {
    const groups = this.param_groups;
    if (typeof state_dict !== 'object' || state_dict === null || !Array.isArray(state_dict.param_groups)) {
      throw new TypeError(`optimizer state dict must be a dict with 'state' and a list 'param_groups', got ${type_name(state_dict)}`);
    }
    const saved = state_dict.param_groups;
    if (groups.length !== saved.length) {
      throw new Error('loaded state dict has a different number of parameter groups');
    }
    const mismatch = groups.findIndex((g, i) => g.params.length !== saved[i]!.params.length);
    if (mismatch >= 0) {
      throw new Error("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    }
    // everything is checked before anything is replaced: a rejected state dict leaves the optimizer as it was
    const id_map = new Map<number, [Tensor, number]>();
    saved.forEach((g, i) => g.params.forEach((id, j) => id_map.set(id, [groups[i]!.params[j]!, i])));
    const param_groups = saved.map((ng, i) => {
      // built from entries (never by assignment), so a key such as `__proto__` stays a plain key
      const group = Object.fromEntries(Object.entries(ng).filter(([key]) => key !== 'params').map(([key, value]) => [key, copy_value(value)]));
      for (const [key, value] of Object.entries(this.defaults)) {
        // PyTorch's __setstate__: keys added after the state dict was saved take their defaults
        if (!Object.hasOwn(group, key)) group[key] = copy_value(value);
        else if (kind_of(group[key]) !== kind_of(value)) {
          throw new TypeError(`loaded state dict has a parameter group ${i} whose '${key}' is ${describe(group[key])}, but ${this.constructor.name} expects a ${kind_of(value)}`);
        }
      }
      group.params = groups[i]!.params;
      return group as ParamGroup<D>;
    });
    const state = new Map<Tensor, ParamState>();
    const entries = state_dict.state instanceof Map ? [...(state_dict.state as Map<unknown, ParamState>)] : Object.entries(state_dict.state ?? {});
    for (const [key, value] of entries) {
      const found = id_map.get(Number(key));
      if (found === undefined) continue;
      const [param, group_index] = found;
      if (typeof value !== 'object' || value === null || value instanceof Tensor) {
        throw new TypeError(`loaded state dict has a state for parameter ${String(key)} that is ${describe(value)}, not a dict`);
      }
      // a None entry (PyTorch's SGD may store a None momentum buffer) is the same as no entry
      const given = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
      const restored: ParamState = Object.fromEntries(given.map(([name, v]) => [name, cast_state(param, String(key), name, v)]));
      if (Object.keys(restored).length > 0) {
        const lacking = this._required_state(param_groups[group_index]!).find((name) => !Object.hasOwn(restored, name));
        if (lacking !== undefined) throw new Error(`loaded state dict has a state for parameter ${String(key)} without '${lacking}', which ${this.constructor.name} needs`);
      }
      state.set(param, restored);
    }
    this.state = state;
    this.param_groups = param_groups;
  }

  /**
   * State keys a parameter's non-empty state must hold for a step under `group`'s hyper-parameters (the ones
   * `step` reads without creating them); `load_state_dict` refuses a state without one.
   */
  protected _required_state(_group: ParamGroup<D>): string[] {
    return [];
  }
}

/** The gradient `step` reads must be what autograd would have produced for `p`: its shape and dtype. */
function check_grad(p: Tensor, index: number): void {
  const g = p.grad;
  if (g === null) return;
  if (g._shape.length !== p._shape.length || g._shape.some((d, i) => d !== p._shape[i])) {
    throw new Error(`the gradient of parameter ${index} has shape [${g._shape.join(', ')}], but the parameter has shape [${p._shape.join(', ')}]`);
  }
  if (g._dtype !== p._dtype) throw new Error(`the gradient of parameter ${index} has dtype torch.${g._dtype}, but the parameter has dtype torch.${p._dtype}`);
}

/** A hyper-parameter's kind for load checks: 'number', 'boolean', 'string', 'list', 'None' or 'object'. */
function kind_of(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'object' : typeof value;
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return `a tensor of shape [${value._shape.join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  return Array.isArray(value) ? `[${value.map(describe).join(', ')}]` : String(value);
}

function copy_value<V>(value: V): V {
  return (Array.isArray(value) ? [...value] : value) as V;
}

/**
 * A loaded state value, checked: `step` is a non-negative count (a number or a one-element tensor; a number
 * becomes a 0-dim tensor), every other tensor has the parameter's shape (the update rules walk it element by
 * element alongside the parameter). Tensors are fresh copies, in the parameter's float dtype except `step`.
 */
function cast_state(param: Tensor, id: string, key: string, value: unknown): StateValue {
  const bad = (what: string): Error => new Error(`loaded state dict has a '${key}' of ${describe(value)} for parameter ${id}, ${what}`);
  if (key === 'step') {
    const count = typeof value === 'number' ? value : value instanceof Tensor && value.numel() === 1 ? Number(value.item()) : Number.NaN;
    if (!(count >= 0) || !Number.isFinite(count)) throw bad('but a step count is a non-negative number or a one-element tensor');
    return value instanceof Tensor ? torch.tensor(value.detach(), { dtype: value._dtype }) : torch.tensor(count);
  }
  if (!(value instanceof Tensor)) {
    if (typeof value === 'number') return value;
    throw bad('but optimizer state holds tensors and numbers');
  }
  if (value._shape.length !== param._shape.length || value._shape.some((d, i) => d !== param._shape[i])) {
    throw bad(`but the parameter has shape [${param._shape.join(', ')}]`);
  }
  const dtype = param.is_floating_point() ? param._dtype : value._dtype;
  return torch.tensor(value.detach(), { dtype });
}

// ---- element access for the update rules ---------------------------------------------------------------

/**
 * Rounds a double to a tensor's dtype. The update rules compute in doubles and round wherever PyTorch's
 * float32 op sequence produces a tensor (and cast scalar arguments the same way), except that
 * `a + alpha * b` (`add` with alpha, `addcmul`) rounds once: PyTorch's CPU kernels evaluate it as a fused
 * multiply-add. This reproduces the 1.13 optimizer traces bit for bit.
 */
export type Rounder = (x: number) => number;
const identity: Rounder = (x) => x;

/** The rounding a PyTorch kernel of `t`'s dtype applies to each result (and to each scalar argument). */
export function rounder(t: Tensor): Rounder {
  return t._dtype === 'float32' ? Math.fround : identity;
}

/** Row-major values of `t` for reading (no copy when `t` is a whole contiguous storage). */
export function values_of(t: Tensor): ArrayLike<number> {
  return t._contiguous_data();
}

/**
 * Lets `fn` rewrite `t`'s elements in row-major order as `data[offset + i]`, directly in its storage when it
 * is contiguous, through a copy written back otherwise; bumps the version counter like an in-place op.
 */
export function write_elements(t: Tensor, fn: (data: torch.TypedArray, offset: number) => void): void {
  if (t.is_contiguous()) {
    fn(t._storage.data, t._offset);
    t._storage.version++;
    return;
  }
  const tmp = torch.tensor(t.detach());
  fn(tmp._storage.data, 0);
  torch.no_grad(() => t.copy_(tmp));
}

/** Fetches (creating on first use) the state record of `p`. */
export function state_of(state: Map<Tensor, ParamState>, p: Tensor): ParamState {
  let s = state.get(p);
  if (s === undefined) {
    s = {};
    state.set(p, s);
  }
  return s;
}

/** A 0-dim step counter in the default float dtype (PyTorch 1.13+/2.x keep `step` as a tensor). */
export function new_step(): Tensor {
  return torch.tensor(0);
}

/** Adds one to a step counter tensor and returns the new count. */
export function increment_step(step: StateValue): number {
  if (!(step instanceof Tensor)) throw new TypeError(`optimizer state 'step' must be a tensor, got ${type_name(step)}`);
  let count = 0;
  write_elements(step, (d, o) => {
    count = d[o]! + 1;
    d[o] = count;
  });
  return count;
}

/** A state buffer (`exp_avg`, `square_avg`, …), made contiguous in place so updates can index it flat. */
export function state_buffer(s: ParamState, key: string): Tensor {
  const v = s[key];
  if (!(v instanceof Tensor)) throw new TypeError(`optimizer state '${key}' must be a tensor, got ${type_name(v ?? null)}`);
  const t = v.contiguous();
  s[key] = t;
  return t;
}
