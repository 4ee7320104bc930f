// Grad mode and inference mode: whether ops record graph nodes (no_grad / enable_grad / set_grad_enabled /
// inference_mode), as scoped blocks (callback or `using`) and as function wrappers (PyTorch's decorators).
import { signature } from '../signature.js';
import { is_decorator_context, make_guard, run_in, wrap_in, type EnterMode, type ModeGuard } from './mode_guard.js';

/** What the grad-mode functions return without a callback (see `ModeGuard`). */
export type GradModeGuard = ModeGuard;

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

/** Enters grad/inference modes; returns what restores the previous ones. */
function modes_enter(modes: Modes): EnterMode {
  return () => {
    const prev_grad = grad_enabled;
    const prev_inf = inference;
    set_modes(modes.grad, modes.inference ?? inference);
    return () => set_modes(prev_grad, prev_inf);
  };
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
  if (fn === undefined) return make_guard(modes_enter(grad_modes(false)), false);
  if (is_decorator_context(context)) return wrap_in(modes_enter(grad_modes(false)), fn);
  return run_in(modes_enter(grad_modes(false)), fn);
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
  if (fn === undefined) return make_guard(modes_enter(grad_modes(true)), true);
  if (is_decorator_context(context)) return wrap_in(modes_enter(grad_modes(true)), fn);
  return run_in(modes_enter(grad_modes(true)), fn);
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
  return fn === undefined ? make_guard(modes_enter(grad_modes(m)), m) : run_in(modes_enter(grad_modes(m)), fn);
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
  if (typeof args[0] === 'function' && is_decorator_context(args[1])) return wrap_in(modes_enter({ grad: false, inference: true }), args[0] as () => unknown);
  const a = INFERENCE_MODE.parse(args);
  const on = typeof a.mode === 'function' ? true : a.mode;
  const fn = typeof a.mode === 'function' ? a.mode : a.func;
  const modes: Modes = { grad: !on, inference: on };
  return fn === null ? make_guard(modes_enter(modes), on) : run_in(modes_enter(modes), fn);
}
