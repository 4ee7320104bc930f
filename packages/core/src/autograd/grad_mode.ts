// Grad mode and inference mode: whether ops record graph nodes (no_grad / enable_grad / set_grad_enabled /
// inference_mode), as scoped blocks (callback or `using`) and as function wrappers (PyTorch's decorators).
import { signature } from '../signature.js';

let grad_enabled = true;
let inference = false;
/** grad mode on and inference mode off: the one flag the op hot path tests. */
let recording = true;

function set_modes(grad: boolean, inf: boolean): void {
  grad_enabled = grad;
  inference = inf;
  recording = grad && !inf;
}

/** The modes a block sets: grad mode, and inference mode (null: left as it is when the block starts). */
interface Modes {
  readonly grad: boolean;
  readonly inference: boolean | null;
}

function enter(modes: Modes): void {
  set_modes(modes.grad, modes.inference ?? inference);
}

/**
 * PyTorch's `torch.is_grad_enabled()`: whether grad mode is on (false inside `no_grad` and `inference_mode`).
 *
 * @example
 * torch.no_grad(() => torch.is_grad_enabled()); // false
 */
export function is_grad_enabled(): boolean {
  return grad_enabled;
}

/**
 * PyTorch's `torch.is_inference_mode_enabled()`: whether an `inference_mode` block is active.
 *
 * @example
 * torch.inference_mode(() => torch.is_inference_mode_enabled()); // true
 */
export function is_inference_mode_enabled(): boolean {
  return inference;
}

/**
 * Whether ops record graph nodes now: grad mode on and inference mode off (inside `inference_mode`, even
 * `enable_grad` records nothing, as in PyTorch).
 *
 * @hidden
 */
export function is_recording(): boolean {
  return recording;
}

/** A function a guard can wrap: its `this` and arguments pass through. */
type Wrappable<A extends unknown[], R, This> = (this: This, ...args: A) => R;

/**
 * What `no_grad()`, `enable_grad()`, `set_grad_enabled(mode)` and `inference_mode(mode)` return without a
 * callback: the mode is set at once and restored when the guard is disposed (`using`, once; disposing twice is
 * harmless). Called on a function, as PyTorch's decorators are (`torch.no_grad()(fn)`, or `@torch.no_grad()` on
 * a class method), it restores the mode at once and returns a wrapper that runs `fn` in the guard's mode each
 * time; a generator function's wrapper runs each resumption in that mode.
 *
 * @example
 * {
 *   using _g = torch.no_grad();
 *   x.mul(2).requires_grad; // false
 * } // grad mode restored here
 * const infer = torch.no_grad()((x: Tensor) => net.call(x));
 */
export interface GradModeGuard extends Disposable {
  <A extends unknown[], R, This = unknown>(fn: Wrappable<A, R, This>, context?: unknown): Wrappable<A, R, This>;
  /** The grad mode (for `inference_mode`, the inference mode) this guard sets. */
  readonly mode: boolean;
}

function run_in<T>(modes: Modes, fn: () => T): T {
  const prev_grad = grad_enabled;
  const prev_inf = inference;
  enter(modes);
  try {
    return fn();
  } finally {
    set_modes(prev_grad, prev_inf);
  }
}

const GeneratorFunction = Object.getPrototypeOf(function* () {}) as object;

/** `fn` wrapped to run in `modes` on every call (every resumption for a generator function), keeping `this`. */
function wrap_in<A extends unknown[], R, This>(modes: Modes, fn: Wrappable<A, R, This>): Wrappable<A, R, This> {
  if (typeof fn !== 'function') throw new TypeError(`a grad mode guard wraps a function, not ${typeof fn}`);
  if (Object.getPrototypeOf(fn) === GeneratorFunction) {
    return function* (this: This, ...args: A) {
      const gen = run_in(modes, () => fn.apply(this, args)) as unknown as Generator<unknown, unknown, unknown>;
      let step = run_in(modes, () => gen.next());
      while (!step.done) {
        let sent: unknown;
        try {
          sent = yield step.value;
        } catch (e) {
          step = run_in(modes, () => gen.throw(e));
          continue;
        }
        step = run_in(modes, () => gen.next(sent));
      }
      return step.value;
    } as unknown as Wrappable<A, R, This>;
  }
  return function (this: This, ...args: A): R {
    return run_in(modes, () => fn.apply(this, args));
  };
}

/** Sets `modes` now; the returned guard restores the previous ones when disposed, or when it wraps a function. */
function make_guard(modes: Modes, mode: boolean): GradModeGuard {
  const prev = { grad: grad_enabled, inference };
  enter(modes);
  let active = true;
  const restore = (): void => {
    if (!active) return;
    active = false;
    set_modes(prev.grad, prev.inference);
  };
  const guard = <A extends unknown[], R, This>(fn: Wrappable<A, R, This>): Wrappable<A, R, This> => {
    restore();
    return wrap_in(modes, fn);
  };
  return Object.assign(guard, { mode, [Symbol.dispose]: restore }) as GradModeGuard;
}

/** A TypeScript decorator's context argument (`@torch.no_grad` on a class method, without parentheses). */
function is_decorator_context(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'kind' in v && 'name' in v;
}

const grad_modes = (grad: boolean): Modes => ({ grad, inference: null });

/**
 * Disables graph recording. With a callback, runs it and returns its result; without one, returns a guard for
 * `using` that also wraps functions (`torch.no_grad()(fn)`, PyTorch's decorator). The mode is restored however
 * the block ends, exceptions included.
 *
 * @example
 * torch.no_grad(() => x.mul(2)).requires_grad; // false
 * { using _g = torch.no_grad(); const y = x.mul(2); }
 * const eval_step = torch.no_grad()((x: Tensor) => net.call(x));
 */
export function no_grad(): GradModeGuard;
export function no_grad<T>(fn: () => T): T;
export function no_grad<T>(fn?: () => T, context?: unknown): T | GradModeGuard | (() => T) {
  if (fn === undefined) return make_guard(grad_modes(false), false);
  if (is_decorator_context(context)) return wrap_in(grad_modes(false), fn);
  return run_in(grad_modes(false), fn);
}

/**
 * Re-enables graph recording (inside `no_grad`). With a callback, runs it and returns its result; without one,
 * returns a guard for `using` that also wraps functions (`torch.enable_grad()(fn)`).
 *
 * @example
 * torch.no_grad(() => torch.enable_grad(() => x.mul(2))).requires_grad; // true when x requires grad
 */
export function enable_grad(): GradModeGuard;
export function enable_grad<T>(fn: () => T): T;
export function enable_grad<T>(fn?: () => T, context?: unknown): T | GradModeGuard | (() => T) {
  if (fn === undefined) return make_guard(grad_modes(true), true);
  if (is_decorator_context(context)) return wrap_in(grad_modes(true), fn);
  return run_in(grad_modes(true), fn);
}

function check_bool(mode: unknown): boolean {
  if (typeof mode !== 'boolean') throw new TypeError(`enabled must be a bool (got ${mode === null ? 'NoneType' : typeof mode === 'number' ? (Number.isInteger(mode) ? 'int' : 'float') : typeof mode})`);
  return mode;
}

/**
 * Sets grad mode to `mode` (PyTorch's `torch.set_grad_enabled`), at once. With a callback, runs it and restores
 * the previous mode; without one, returns a guard that restores it when disposed (`using`) or when it wraps a
 * function (`torch.set_grad_enabled(false)(fn)`). Left undisposed, the mode stays set, as the plain call
 * `torch.set_grad_enabled(False)` does in PyTorch.
 *
 * @example
 * torch.set_grad_enabled(is_training, () => net.forward(x));
 */
export function set_grad_enabled(mode: boolean): GradModeGuard;
export function set_grad_enabled<T>(mode: boolean, fn: () => T): T;
export function set_grad_enabled<T>(mode: boolean, fn?: () => T): T | GradModeGuard {
  const m = check_bool(mode);
  return fn === undefined ? make_guard(grad_modes(m), m) : run_in(grad_modes(m), fn);
}

const INFERENCE_MODE = signature<{ mode: boolean | (() => unknown); func: (() => unknown) | null }>('inference_mode(bool|Callable mode=True, Callable? func=None)');

/**
 * PyTorch's `torch.inference_mode(mode=True)`: no graph is recorded (not even under `enable_grad`), tensors made
 * inside are inference tensors (`is_inference()`: no version counter, never saved for backward, not changed in
 * place outside inference mode), views and in-place changes of normal tensors are not tracked. With a callback,
 * runs it in that mode; without one, returns a guard for `using` that also wraps functions.
 * `inference_mode(false)` turns it off again (with grad mode on) inside an inference block.
 *
 * @example
 * const y = torch.inference_mode(() => net.call(x)); // y.is_inference() === true
 * { using _i = torch.inference_mode(); const z = x.mul(2); }
 */
export function inference_mode(mode?: boolean | { mode?: boolean }): GradModeGuard;
export function inference_mode<T>(fn: () => T): T;
export function inference_mode<T>(mode: boolean, fn: () => T): T;
export function inference_mode(...args: unknown[]): unknown {
  if (typeof args[0] === 'function' && is_decorator_context(args[1])) return wrap_in({ grad: false, inference: true }, args[0] as () => unknown);
  const a = INFERENCE_MODE.parse(args);
  const on = typeof a.mode === 'function' ? true : a.mode;
  const fn = typeof a.mode === 'function' ? a.mode : a.func;
  const modes: Modes = { grad: !on, inference: on };
  return fn === null ? make_guard(modes, on) : run_in(modes, fn);
}
