// Scoped global modes (grad mode, inference mode, anomaly detection): a guard that sets a mode at once and
// restores it when disposed (`using`), runs a callback in it, or wraps functions as PyTorch's decorators do.

/** Enters a mode; returns what restores the mode that was current before. */
export type EnterMode = () => () => void;

/** A function a guard can wrap: its `this` and arguments pass through. */
type Wrappable<A extends unknown[], R, This> = (this: This, ...args: A) => R;

/**
 * What `no_grad()`, `enable_grad()`, `set_grad_enabled(mode)`, `inference_mode(mode)` and
 * `autograd.detect_anomaly()` return without a callback: the mode is set at once and restored when the guard is
 * disposed (`using`; disposing twice is harmless). Called on a function, as PyTorch's decorators are
 * (`torch.no_grad()(fn)`, or `@torch.no_grad()` on a class method), it restores the mode at once and returns a
 * wrapper that runs `fn` in the guard's mode on every call; a generator function's wrapper runs each resumption
 * in that mode.
 *
 * @example
 * {
 *   using _g = torch.no_grad();
 *   x.mul(2).requires_grad; // false
 * } // grad mode restored here
 * const infer = torch.no_grad()((x: Tensor) => net.call(x));
 */
export interface ModeGuard extends Disposable {
  <A extends unknown[], R, This = unknown>(fn: Wrappable<A, R, This>, context?: unknown): Wrappable<A, R, This>;
  /** The mode this guard sets (grad mode; for `inference_mode` the inference mode; for anomaly, detection). */
  readonly mode: boolean;
}

/** Runs `fn` in the mode `enter` sets, restoring the previous one however `fn` ends. */
export function run_in<T>(enter: EnterMode, fn: () => T): T {
  const restore = enter();
  try {
    return fn();
  } finally {
    restore();
  }
}

const GeneratorFunction = Object.getPrototypeOf(function* () {}) as object;

/** `fn` wrapped to run in the mode on every call (every resumption for a generator function), keeping `this`. */
export function wrap_in<A extends unknown[], R, This>(enter: EnterMode, fn: Wrappable<A, R, This>): Wrappable<A, R, This> {
  if (typeof fn !== 'function') throw new TypeError(`a mode guard wraps a function, not ${typeof fn}`);
  if (Object.getPrototypeOf(fn) === GeneratorFunction) {
    return function* (this: This, ...args: A) {
      const gen = run_in(enter, () => fn.apply(this, args)) as unknown as Generator<unknown, unknown, unknown>;
      let finished = false;
      try {
        let step = run_in(enter, () => gen.next());
        while (!step.done) {
          let sent: unknown;
          try {
            sent = yield step.value;
          } catch (e) {
            // thrown in by the caller (`throw()`): the wrapped generator handles it in the mode
            step = run_in(enter, () => gen.throw(e));
            continue;
          }
          step = run_in(enter, () => gen.next(sent));
        }
        finished = true;
        return step.value;
      } finally {
        // closed early (`return()`): the wrapped generator's own cleanup runs in the mode too
        if (!finished) run_in(enter, () => gen.return(undefined));
      }
    } as unknown as Wrappable<A, R, This>;
  }
  return function (this: This, ...args: A): R {
    return run_in(enter, () => fn.apply(this, args));
  };
}

/** Sets the mode now; the returned guard restores the previous one when disposed, or when it wraps a function. */
export function make_guard(enter: EnterMode, mode: boolean): ModeGuard {
  let restore: (() => void) | null = enter();
  const dispose = (): void => {
    const r = restore;
    restore = null;
    r?.();
  };
  const guard = <A extends unknown[], R, This>(fn: Wrappable<A, R, This>): Wrappable<A, R, This> => {
    dispose();
    return wrap_in(enter, fn);
  };
  return Object.assign(guard, { mode, [Symbol.dispose]: dispose }) as ModeGuard;
}

/** A TypeScript decorator's context argument (`@torch.no_grad` on a class method, without parentheses). */
export function is_decorator_context(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'kind' in v && 'name' in v;
}
