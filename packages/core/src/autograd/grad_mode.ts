// Grad mode: whether ops record graph nodes (no_grad / enable_grad / set_grad_enabled).

let enabled = true;

/**
 * PyTorch's `torch.is_grad_enabled()`: whether ops record graph nodes now (false inside `no_grad`).
 *
 * @example
 * torch.no_grad(() => torch.is_grad_enabled()); // false
 */
export function is_grad_enabled(): boolean {
  return enabled;
}

/**
 * Sets the grad mode and restores the previous one when disposed: what `no_grad()`, `enable_grad()` and
 * `set_grad_enabled(mode)` return without a callback, for `using`. Disposing twice is harmless.
 *
 * @example
 * {
 *   using _g = torch.no_grad();
 *   x.mul(2).requires_grad; // false
 * } // grad mode restored here
 */
export class GradModeGuard {
  private readonly prev: boolean;
  private done = false;
  /** Sets grad mode to `mode` now, remembering the current one. */
  constructor(mode: boolean) {
    this.prev = enabled;
    enabled = mode;
  }
  /** Restores the grad mode that was current when the guard was made (once). */
  [Symbol.dispose](): void {
    if (this.done) return;
    this.done = true;
    enabled = this.prev;
  }
}

function run_with<T>(mode: boolean, fn: () => T): T {
  const guard = new GradModeGuard(mode);
  try {
    return fn();
  } finally {
    guard[Symbol.dispose]();
  }
}

/**
 * Disables graph recording. With a callback, runs it and returns its result; without one, returns a guard
 * for `using`.
 *
 * @example
 * torch.no_grad(() => x.mul(2)).requires_grad; // false
 * { using _g = torch.no_grad(); const y = x.mul(2); }
 */
export function no_grad(): GradModeGuard;
export function no_grad<T>(fn: () => T): T;
export function no_grad<T>(fn?: () => T): T | GradModeGuard {
  return fn === undefined ? new GradModeGuard(false) : run_with(false, fn);
}

/**
 * Re-enables graph recording (inside `no_grad`). With a callback, runs it and returns its result; without one,
 * returns a guard for `using`.
 *
 * @example
 * torch.no_grad(() => torch.enable_grad(() => x.mul(2))).requires_grad; // true when x requires grad
 */
export function enable_grad(): GradModeGuard;
export function enable_grad<T>(fn: () => T): T;
export function enable_grad<T>(fn?: () => T): T | GradModeGuard {
  return fn === undefined ? new GradModeGuard(true) : run_with(true, fn);
}

/**
 * Sets grad mode to `mode` (PyTorch's `torch.set_grad_enabled`). With a callback, runs it and restores the
 * previous mode; without one, returns a guard for `using`.
 *
 * @example
 * torch.set_grad_enabled(is_training, () => net.forward(x));
 */
export function set_grad_enabled(mode: boolean): GradModeGuard;
export function set_grad_enabled<T>(mode: boolean, fn: () => T): T;
export function set_grad_enabled<T>(mode: boolean, fn?: () => T): T | GradModeGuard {
  return fn === undefined ? new GradModeGuard(mode) : run_with(mode, fn);
}
