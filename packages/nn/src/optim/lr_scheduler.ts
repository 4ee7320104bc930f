// Learning-rate schedulers (PyTorch's torch.optim.lr_scheduler): StepLR, MultiStepLR, ExponentialLR,
// CosineAnnealingLR, OneCycleLR and LambdaLR over a common LRScheduler base.
import { py_type_name, signature, warn, type PyArgs } from '@tsgrad/core';
import { Optimizer, type ParamGroup } from './optimizer.js';
import { INSPECT, object_repr } from '../python_repr.js';

const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the closed form is used instead of the new chainable form, where available. Please open an issue if you are unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose.';

/** A scheduler's `state_dict()`: its own fields (everything but the optimizer and functions). */
export type SchedulerStateDict = Record<string, unknown>;

/** Options every scheduler takes: `last_epoch` (-1 starts fresh; other values resume and need `initial_lr`). */
export interface SchedulerOptions {
  /** Index of the last epoch when resuming; -1 (default) starts afresh and sets each group's `initial_lr`. */
  last_epoch?: number;
  /** Deprecated in PyTorch 2.x: accepted, warns, prints nothing. */
  verbose?: boolean | 'deprecated';
}

const VERBOSE_DEPRECATED = 'The verbose parameter is deprecated. Please use get_last_lr() to access the learning rate.';

/** PyTorch 2.x's check of the deprecated `verbose` argument: any value but the default warns. */
function check_verbose(verbose: unknown): void {
  if (verbose !== 'deprecated') warn(VERBOSE_DEPRECATED);
}

/** The arguments every scheduler's signature ends with, after its own. */
const TAIL = "int last_epoch=-1, Any verbose='deprecated'";

/** Reads a scheduler's arguments with its PyTorch signature; checks the optimizer as PyTorch does. */
function scheduler_args<R extends { optimizer: unknown; last_epoch: number; verbose: unknown }>(sig: ReturnType<typeof signature<R>>, args: readonly unknown[]): R & { optimizer: Optimizer } {
  const a = sig.parse(args);
  if (!(a.optimizer instanceof Optimizer)) throw new TypeError(`${py_type_name(a.optimizer)} is not an Optimizer`);
  check_verbose(a.verbose);
  return a as R & { optimizer: Optimizer };
}

function number_field(group: ParamGroup, key: string): number {
  const v = group[key];
  if (typeof v !== 'number') throw new TypeError(`param group entry '${key}' must be a number, got ${v === undefined ? 'nothing' : typeof v}`);
  return v;
}

/** Python's `a % n` (the result has the sign of `n`). */
function py_mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/**
 * Base of the learning-rate schedulers (PyTorch's `LRScheduler`). `step()` advances `last_epoch` and writes
 * `get_lr()` into every param group's `lr`. Subclasses set their fields, then call `this._initial_step()` at
 * the end of their constructor (PyTorch's base `__init__` does it after the subclass set its attributes;
 * JavaScript runs subclass field code only after `super()` returns).
 *
 * @example
 * class HalveLR extends LRScheduler {
 *   constructor(opt: Optimizer) { super(opt); this._initial_step(); }
 *   get_lr() { return this.optimizer.param_groups.map((g) => (this.last_epoch === 0 ? g.lr : g.lr / 2)); }
 * }
 */
export abstract class LRScheduler {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static readonly __name__: string = 'LRScheduler';
  /** The optimizer whose groups' `lr` is scheduled. */
  readonly optimizer: Optimizer;
  /** Each group's `initial_lr`: the rates the schedule starts from. */
  base_lrs: number[] = [];
  /** Number of `step()` calls since the start (the current epoch index). */
  last_epoch: number;
  /** Number of `step()` calls, counting the one the constructor makes. */
  _step_count = 0;
  /** The rates the last `step()` set (read with `get_last_lr()`). */
  _last_lr: number[] = [];
  /** True while `step()` runs `get_lr()` (outside it, `get_lr()` warns as PyTorch does). */
  _get_lr_called_within_step = false;

  constructor(optimizer: Optimizer, last_epoch = -1) {
    this.optimizer = optimizer;
    this.last_epoch = last_epoch;
  }

  /** What `print(scheduler)` shows in PyTorch: `<torch.optim.lr_scheduler.StepLR object at 0x…>`. */
  toString(): string {
    return object_repr(this, 'torch.optim.lr_scheduler');
  }

  /** Node's `util.inspect` (and `console.log`) show the same text as `toString()`. */
  [INSPECT](): string {
    return this.toString();
  }

  /** The learning rates for the current `last_epoch` (call `get_last_lr()` to read them; this is what `step()` uses). */
  abstract get_lr(): number[];

  /** The closed-form learning rates for `last_epoch`, used by the deprecated `step(epoch)`; null when there is none. */
  protected _get_closed_form_lr(): number[] | null {
    return null;
  }

  /** Records `initial_lr` / `base_lrs` and takes the first step (epoch 0), as PyTorch's constructor does. */
  protected _initial_step(): void {
    const groups = this.optimizer.param_groups;
    if (this.last_epoch === -1) {
      for (const group of groups) if (group.initial_lr === undefined) group.initial_lr = group.lr;
    } else {
      groups.forEach((group, i) => {
        if (group.initial_lr === undefined) throw new Error(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.base_lrs = groups.map((g) => number_field(g, 'initial_lr'));
    this._step_count = 0;
    this.step();
  }

  /** Warns, as PyTorch does, when `get_lr()` is called outside `step()`. */
  protected _warn_get_lr_called_within_step(): void {
    if (!this._get_lr_called_within_step) {
      warn('To get the last learning rate computed by the scheduler, please use `get_last_lr()`.');
    }
  }

  /**
   * Advances one epoch (or, deprecated, jumps to `epoch` using the closed form) and updates the optimizer's lr.
   *
   * @example
   * for (let epoch = 0; epoch < 100; epoch++) { train(); scheduler.step(); }
   */
  step(epoch?: number): void {
    this._step_count += 1;
    this._get_lr_called_within_step = true;
    let values: number[];
    try {
      if (epoch === undefined) {
        this.last_epoch += 1;
        values = this.get_lr();
      } else {
        warn(EPOCH_DEPRECATION_WARNING);
        this.last_epoch = epoch;
        values = this._get_closed_form_lr() ?? this.get_lr();
      }
    } finally {
      this._get_lr_called_within_step = false;
    }
    this.optimizer.param_groups.forEach((group, i) => {
      group.lr = values[i]!;
    });
    this._last_lr = this.optimizer.param_groups.map((g) => g.lr);
  }

  /**
   * The learning rates set by the last `step()`, one per param group.
   *
   * @example
   * scheduler.get_last_lr(); // [0.1]
   */
  get_last_lr(): number[] {
    return [...this._last_lr];
  }

  /**
   * The scheduler's fields (PyTorch: its `__dict__` without the optimizer).
   *
   * @example
   * const sd = scheduler.state_dict(); sd.last_epoch;
   */
  state_dict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'optimizer' && typeof value !== 'function') out[key] = structuredClone(value);
    }
    return out;
  }

  /**
   * Restores fields saved by `state_dict()` (PyTorch's `__dict__.update`). Each field is checked first: one that
   * this scheduler has must keep its kind (a number stays a number, a list a list), and the optimizer is never
   * replaced; a rejected state dict changes nothing. Fields are defined as own properties, so a key such as
   * `__proto__` stays a key.
   *
   * @example
   * scheduler2.load_state_dict(scheduler.state_dict());
   */
  load_state_dict(state_dict: SchedulerStateDict): void {
    if (typeof state_dict !== 'object' || state_dict === null || Array.isArray(state_dict)) {
      throw new TypeError(`scheduler state dict must be a dict, got ${state_dict === null ? 'None' : typeof state_dict}`);
    }
    const entries = Object.entries(structuredClone(state_dict));
    for (const [key, value] of entries) {
      if (key === 'optimizer') throw new Error("scheduler state dict holds an 'optimizer' entry; a scheduler keeps the optimizer it was built with");
      const own = Object.hasOwn(this, key) ? (this as Record<string, unknown>)[key] : undefined;
      if (own !== undefined && own !== null && value !== null && field_kind(own) !== field_kind(value)) {
        throw new TypeError(`scheduler state dict has '${key}' = ${JSON.stringify(value)}, but ${this.constructor.name} keeps a ${field_kind(own)} there`);
      }
    }
    for (const [key, value] of entries) Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
  }
}

/** A scheduler field's kind for load checks: 'list', 'dict' or the `typeof` name. */
function field_kind(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'dict' : typeof v;
}

/** Options of `StepLR`. */
export interface StepLROptions extends SchedulerOptions {
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
}

const STEP_LR = signature<{ optimizer: unknown; step_size: number; gamma: number; last_epoch: number; verbose: unknown }>(`StepLR(Object optimizer, int step_size, float gamma=0.1, ${TAIL})`);

/**
 * Multiplies the lr by `gamma` every `step_size` epochs.
 *
 * @example
 * const sched = new optim.lr_scheduler.StepLR(opt, 30, { gamma: 0.1 }); // or new StepLR(opt, 30, 0.1)
 */
export class StepLR extends LRScheduler {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'StepLR';
  /** Period of the decay, in epochs. */
  step_size: number;
  /** Multiplicative factor of the decay. */
  gamma: number;

  constructor(...args: PyArgs<[optimizer: Optimizer, step_size: number, gamma: number, last_epoch: number], StepLROptions & { optimizer?: Optimizer; step_size?: number }>) {
    const a = scheduler_args(STEP_LR, args);
    super(a.optimizer, a.last_epoch);
    this.step_size = a.step_size;
    this.gamma = a.gamma;
    this._initial_step();
  }

  get_lr(): number[] {
    this._warn_get_lr_called_within_step();
    const groups = this.optimizer.param_groups;
    if (this.last_epoch === 0 || this.last_epoch % this.step_size !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((lr) => lr * this.gamma ** Math.floor(this.last_epoch / this.step_size));
  }
}

/** Options of `MultiStepLR`. */
export interface MultiStepLROptions extends SchedulerOptions {
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
}

const MULTI_STEP_LR = signature<{ optimizer: unknown; milestones: number[]; gamma: number; last_epoch: number; verbose: unknown }>(`MultiStepLR(Object optimizer, int[] milestones, float gamma=0.1, ${TAIL})`);

/**
 * Multiplies the lr by `gamma` at each milestone epoch (a milestone listed twice multiplies by `gamma²`).
 *
 * @example
 * const sched = new optim.lr_scheduler.MultiStepLR(opt, [30, 80], { gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'MultiStepLR';
  /** Sorted milestones, repeated ones kept (PyTorch holds a Counter). */
  milestones: number[];
  /** Multiplicative factor of the decay. */
  gamma: number;

  constructor(...args: PyArgs<[optimizer: Optimizer, milestones: readonly number[], gamma: number, last_epoch: number], MultiStepLROptions & { optimizer?: Optimizer; milestones?: readonly number[] }>) {
    const a = scheduler_args(MULTI_STEP_LR, args);
    super(a.optimizer, a.last_epoch);
    this.milestones = [...a.milestones].sort((x, y) => x - y);
    this.gamma = a.gamma;
    this._initial_step();
  }

  get_lr(): number[] {
    this._warn_get_lr_called_within_step();
    const groups = this.optimizer.param_groups;
    const hits = this.milestones.filter((m) => m === this.last_epoch).length;
    if (hits === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** hits);
  }

  protected override _get_closed_form_lr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.last_epoch).length;
    return this.base_lrs.map((lr) => lr * this.gamma ** passed);
  }
}

const EXPONENTIAL_LR = signature<{ optimizer: unknown; gamma: number; last_epoch: number; verbose: unknown }>(`ExponentialLR(Object optimizer, float gamma, ${TAIL})`);

/**
 * Multiplies the lr by `gamma` every epoch.
 *
 * @example
 * const sched = new optim.lr_scheduler.ExponentialLR(opt, 0.9);
 */
export class ExponentialLR extends LRScheduler {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'ExponentialLR';
  /** Multiplicative factor of the decay, applied every epoch. */
  gamma: number;

  constructor(...args: PyArgs<[optimizer: Optimizer, gamma: number, last_epoch: number], SchedulerOptions & { optimizer?: Optimizer; gamma?: number }>) {
    const a = scheduler_args(EXPONENTIAL_LR, args);
    super(a.optimizer, a.last_epoch);
    this.gamma = a.gamma;
    this._initial_step();
  }

  get_lr(): number[] {
    this._warn_get_lr_called_within_step();
    const groups = this.optimizer.param_groups;
    if (this.last_epoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((lr) => lr * this.gamma ** this.last_epoch);
  }
}

/** Options of `CosineAnnealingLR`. */
export interface CosineAnnealingLROptions extends SchedulerOptions {
  /** The minimum rate. Default 0. */
  eta_min?: number;
}

const COSINE_ANNEALING_LR = signature<{ optimizer: unknown; T_max: number; eta_min: number; last_epoch: number; verbose: unknown }>(`CosineAnnealingLR(Object optimizer, int T_max, float eta_min=0.0, ${TAIL})`);

/**
 * Cosine annealing from the initial lr to `eta_min` over `T_max` epochs, in PyTorch's recursive (chainable)
 * form: `lr_t = eta_min + (lr_{t-1} - eta_min) (1 + cos(π t / T_max)) / (1 + cos(π (t-1) / T_max))`, which
 * equals `eta_min + (base_lr - eta_min) (1 + cos(π t / T_max)) / 2` when nothing else changes the lr.
 *
 * @example
 * const sched = new optim.lr_scheduler.CosineAnnealingLR(opt, 100, { eta_min: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'CosineAnnealingLR';
  /** Number of epochs of a half cosine period. */
  T_max: number;
  /** The minimum rate. */
  eta_min: number;

  constructor(...args: PyArgs<[optimizer: Optimizer, T_max: number, eta_min: number, last_epoch: number], CosineAnnealingLROptions & { optimizer?: Optimizer; T_max?: number }>) {
    const a = scheduler_args(COSINE_ANNEALING_LR, args);
    super(a.optimizer, a.last_epoch);
    this.T_max = a.T_max;
    this.eta_min = a.eta_min;
    this._initial_step();
  }

  get_lr(): number[] {
    this._warn_get_lr_called_within_step();
    const groups = this.optimizer.param_groups;
    const { T_max, eta_min, last_epoch } = this;
    if (last_epoch === 0) return groups.map((g) => g.lr);
    if (this._step_count === 1 && last_epoch > 0) {
      return this.base_lrs.map((base) => eta_min + ((base - eta_min) * (1 + Math.cos((last_epoch * Math.PI) / T_max))) / 2);
    }
    if (py_mod(last_epoch - 1 - T_max, 2 * T_max) === 0) {
      return groups.map((g, i) => g.lr + ((this.base_lrs[i]! - eta_min) * (1 - Math.cos(Math.PI / T_max))) / 2);
    }
    return groups.map(
      (g) => ((1 + Math.cos((Math.PI * last_epoch) / T_max)) / (1 + Math.cos((Math.PI * (last_epoch - 1)) / T_max))) * (g.lr - eta_min) + eta_min,
    );
  }

  protected override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((base) => this.eta_min + ((base - this.eta_min) * (1 + Math.cos((Math.PI * this.last_epoch) / this.T_max))) / 2);
  }
}

/** An lr multiplier as a function of the epoch. */
export type LrLambda = (epoch: number) => number;

const LAMBDA_LR = signature<{ optimizer: unknown; lr_lambda: LrLambda | LrLambda[]; last_epoch: number; verbose: unknown }>(`LambdaLR(Object optimizer, Callable|Callable[] lr_lambda, ${TAIL})`);

/**
 * Sets each group's lr to `initial_lr * lr_lambda(epoch)` (one function, or one per param group).
 *
 * @example
 * const sched = new optim.lr_scheduler.LambdaLR(opt, (epoch) => 0.95 ** epoch);
 */
export class LambdaLR extends LRScheduler {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'LambdaLR';
  /** One factor function per group: the rate is `initial_lr · λ(epoch)`. */
  lr_lambdas: LrLambda[];

  constructor(...args: PyArgs<[optimizer: Optimizer, lr_lambda: LrLambda | readonly LrLambda[], last_epoch: number], SchedulerOptions & { optimizer?: Optimizer; lr_lambda?: LrLambda | readonly LrLambda[] }>) {
    const a = scheduler_args(LAMBDA_LR, args);
    super(a.optimizer, a.last_epoch);
    const lr_lambda = a.lr_lambda;
    const n = a.optimizer.param_groups.length;
    if (typeof lr_lambda === 'function') {
      this.lr_lambdas = Array.from({ length: n }, () => lr_lambda);
    } else {
      if (lr_lambda.length !== n) throw new Error(`Expected ${n} lr_lambdas, but got ${lr_lambda.length}`);
      this.lr_lambdas = [...lr_lambda];
    }
    this._initial_step();
  }

  get_lr(): number[] {
    this._warn_get_lr_called_within_step();
    return this.base_lrs.map((base, i) => base * this.lr_lambdas[i]!(this.last_epoch));
  }

  /** Functions cannot be saved: `lr_lambdas` is stored as nulls, as PyTorch does for plain functions. */
  override state_dict(): SchedulerStateDict {
    const { lr_lambdas, ...rest } = this;
    const out: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(rest)) if (key !== 'optimizer') out[key] = structuredClone(value);
    out.lr_lambdas = lr_lambdas.map(() => null);
    return out;
  }

  override load_state_dict(state_dict: SchedulerStateDict): void {
    const { lr_lambdas: _ignored, ...rest } = state_dict;
    super.load_state_dict(rest);
  }
}

/** Options of `OneCycleLR`: give `total_steps`, or `epochs` and `steps_per_epoch`. */
export interface OneCycleLROptions extends SchedulerOptions {
  /** Total number of steps in the cycle (or give `epochs` and `steps_per_epoch`). */
  total_steps?: number;
  /** Number of epochs (with `steps_per_epoch`, instead of `total_steps`). */
  epochs?: number;
  /** Steps per epoch (with `epochs`). */
  steps_per_epoch?: number;
  /** Fraction of the cycle spent increasing the rate. Default 0.3. */
  pct_start?: number;
  /** Annealing: 'cos' (default) or 'linear'. */
  anneal_strategy?: 'cos' | 'linear';
  /** Whether momentum (or Adam's beta1) cycles inversely to the rate. Default true. */
  cycle_momentum?: boolean;
  /** Lower momentum bound, per group or for all. Default 0.85. */
  base_momentum?: number | readonly number[];
  /** Upper momentum bound, per group or for all. Default 0.95. */
  max_momentum?: number | readonly number[];
  /** `initial_lr = max_lr / div_factor`. Default 25. */
  div_factor?: number;
  /** `min_lr = initial_lr / final_div_factor`. Default 1e4. */
  final_div_factor?: number;
  /** Use a third phase annealing to `min_lr` (fast.ai's schedule) instead of two. Default false. */
  three_phase?: boolean;
}

interface Phase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

const ONE_CYCLE_LR = signature<{
  optimizer: unknown; max_lr: number | number[]; total_steps: number | null; epochs: number | null; steps_per_epoch: number | null; pct_start: number;
  anneal_strategy: 'cos' | 'linear'; cycle_momentum: boolean; base_momentum: number | number[]; max_momentum: number | number[]; div_factor: number;
  final_div_factor: number; three_phase: boolean; last_epoch: number; verbose: unknown;
}>(
  'OneCycleLR(Object optimizer, float|float[] max_lr, int? total_steps=None, int? epochs=None, int? steps_per_epoch=None, float pct_start=0.3, ' +
    "str anneal_strategy='cos', bool cycle_momentum=True, float|float[] base_momentum=0.85, float|float[] max_momentum=0.95, float div_factor=25.0, " +
    `float final_div_factor=10000.0, bool three_phase=False, ${TAIL})`,
);

/**
 * The 1cycle policy: lr rises from `max_lr / div_factor` to `max_lr` over `pct_start` of the steps, then
 * anneals to `initial_lr / final_div_factor` (with `three_phase`, back down to the initial lr first), while
 * momentum (SGD `momentum` or Adam `betas[0]`) cycles the opposite way. Step it after every batch.
 *
 * @example
 * const sched = new optim.lr_scheduler.OneCycleLR(opt, 0.1, { epochs: 10, steps_per_epoch: loader.length });
 * const sched2 = new optim.lr_scheduler.OneCycleLR(opt, 0.1, 1000);   // total_steps
 */
export class OneCycleLR extends LRScheduler {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'OneCycleLR';
  /** Total number of steps in the cycle. */
  total_steps: number;
  /** Annealing: 'cos' or 'linear'. */
  anneal_strategy: 'cos' | 'linear';
  /** Whether momentum cycles inversely to the rate. */
  cycle_momentum: boolean;
  /** Whether the optimizer's momentum is Adam's `betas[0]`. */
  use_beta1: boolean;
  /** The phases: end step and the rate / momentum keys they move between. */
  _schedule_phases: Phase[];

  constructor(
    ...args: PyArgs<
      [optimizer: Optimizer, max_lr: number | readonly number[], total_steps: number | null, epochs: number | null, steps_per_epoch: number | null, pct_start: number,
        anneal_strategy: 'cos' | 'linear', cycle_momentum: boolean, base_momentum: number | readonly number[], max_momentum: number | readonly number[],
        div_factor: number, final_div_factor: number, three_phase: boolean, last_epoch: number],
      OneCycleLROptions & { optimizer?: Optimizer; max_lr?: number | readonly number[] }
    >
  ) {
    const a = scheduler_args(ONE_CYCLE_LR, args);
    const optimizer = a.optimizer;
    const max_lr = a.max_lr;
    // null (Python's None) is "not given" for the three step counts
    const o = { ...a, total_steps: a.total_steps ?? undefined, epochs: a.epochs ?? undefined, steps_per_epoch: a.steps_per_epoch ?? undefined };
    super(optimizer, o.last_epoch);
    const last_epoch = o.last_epoch;
    if (o.total_steps === undefined && o.epochs === undefined && o.steps_per_epoch === undefined) {
      throw new Error('You must define either total_steps OR (epochs AND steps_per_epoch)');
    } else if (o.total_steps !== undefined) {
      if (!Number.isInteger(o.total_steps) || o.total_steps <= 0) throw new Error(`Expected positive integer total_steps, but got ${o.total_steps}`);
      this.total_steps = o.total_steps;
    } else {
      const { epochs, steps_per_epoch } = o;
      if (epochs === undefined || !Number.isInteger(epochs) || epochs <= 0) throw new Error(`Expected positive integer epochs, but got ${epochs}`);
      if (steps_per_epoch === undefined || !Number.isInteger(steps_per_epoch) || steps_per_epoch <= 0) {
        throw new Error(`Expected positive integer steps_per_epoch, but got ${steps_per_epoch}`);
      }
      this.total_steps = epochs * steps_per_epoch;
    }
    const pct_start = o.pct_start;
    const up_end = pct_start * this.total_steps - 1;
    this._schedule_phases = o.three_phase
      ? [
          { end_step: up_end, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
          { end_step: 2 * pct_start * this.total_steps - 2, start_lr: 'max_lr', end_lr: 'initial_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
          { end_step: this.total_steps - 1, start_lr: 'initial_lr', end_lr: 'min_lr', start_momentum: 'max_momentum', end_momentum: 'max_momentum' },
        ]
      : [
          { end_step: up_end, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
          { end_step: this.total_steps - 1, start_lr: 'max_lr', end_lr: 'min_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
        ];
    if (!(pct_start >= 0 && pct_start <= 1)) throw new Error(`Expected float between 0 and 1 pct_start, but got ${pct_start}`);
    const strategy = o.anneal_strategy;
    if (strategy !== 'cos' && strategy !== 'linear') throw new Error(`anneal_strategy must be one of 'cos' or 'linear', instead got ${String(strategy)}`);
    this.anneal_strategy = strategy;

    // Everything is validated before the param groups are touched, so a rejected call leaves them as they were.
    const groups = optimizer.param_groups;
    const max_lrs = format_param('max_lr', groups.length, max_lr);
    this.cycle_momentum = o.cycle_momentum;
    this.use_beta1 = 'betas' in optimizer.defaults;
    if (this.cycle_momentum && !('momentum' in optimizer.defaults) && !this.use_beta1) {
      throw new Error('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
    }
    const max_momentums = this.cycle_momentum ? format_param('max_momentum', groups.length, o.max_momentum) : [];
    const base_momentums = this.cycle_momentum ? format_param('base_momentum', groups.length, o.base_momentum) : [];
    if (last_epoch === -1) {
      const div_factor = o.div_factor;
      const final_div_factor = o.final_div_factor;
      groups.forEach((group, i) => {
        group.initial_lr = max_lrs[i]! / div_factor;
        group.max_lr = max_lrs[i]!;
        group.min_lr = max_lrs[i]! / div_factor / final_div_factor;
        if (this.cycle_momentum) {
          set_momentum(group, this.use_beta1, max_momentums[i]!);
          group.max_momentum = max_momentums[i]!;
          group.base_momentum = base_momentums[i]!;
        }
      });
    }
    this._initial_step();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.anneal_strategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  get_lr(): number[] {
    this._warn_get_lr_called_within_step();
    const step_num = this.last_epoch;
    if (step_num > this.total_steps) {
      throw new Error(`Tried to step ${step_num} times. The specified number of total steps is ${this.total_steps}`);
    }
    return this.optimizer.param_groups.map((group) => {
      let start_step = 0;
      let lr = 0;
      let momentum = 0;
      const phases = this._schedule_phases;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i]!;
        if (step_num <= phase.end_step || i === phases.length - 1) {
          const pct = (step_num - start_step) / (phase.end_step - start_step);
          lr = this.anneal(number_field(group, phase.start_lr), number_field(group, phase.end_lr), pct);
          if (this.cycle_momentum) {
            momentum = this.anneal(number_field(group, phase.start_momentum), number_field(group, phase.end_momentum), pct);
          }
          break;
        }
        start_step = phase.end_step;
      }
      if (this.cycle_momentum) set_momentum(group, this.use_beta1, momentum);
      return lr;
    });
  }
}

function format_param(name: string, n: number, value: number | readonly number[]): number[] {
  if (typeof value === 'number') return Array.from({ length: n }, () => value);
  if (value.length !== n) throw new Error(`expected ${n} values for ${name}, got ${value.length}`);
  return [...value];
}

function set_momentum(group: ParamGroup, use_beta1: boolean, value: number): void {
  if (!use_beta1) {
    group.momentum = value;
    return;
  }
  const betas = group.betas;
  if (!Array.isArray(betas)) throw new TypeError(`param group 'betas' must be an array, got ${typeof betas}`);
  group.betas = [value, ...betas.slice(1)];
}
