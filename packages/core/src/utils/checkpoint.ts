// torch.utils.checkpoint: run a piece of the forward without keeping its saved tensors, recomputing them during
// backward: non-reentrant (saved-tensor hooks, PyTorch 2.x's recommended variant) and reentrant (a Function whose
// backward reruns the piece and calls backward inside it).
import { Tensor } from '../tensor.js';
import { Function, type FunctionCtx } from '../autograd/function.js';
import { enable_grad } from '../autograd/grad_mode.js';
import { SavedTensorsHooks } from '../autograd/saved_tensor.js';
import { autograd_backward } from '../autograd/functional.js';
import { is_checkpoint_valid } from '../autograd/engine.js';
import { warn } from '../autograd/messages.js';
import { default_generator, type GeneratorSnapshot } from '../random.js';
import { is_plain_object } from '../signature.js';

/** Keyword options of `checkpoint`. */
export interface CheckpointOptions {
  /** true: the reentrant variant; false: the saved-tensor-hook one (recommended). Warns when left out (then true). */
  use_reentrant?: boolean | null;
  /** Replay the random stream of the forward during recomputation (default true), so dropout draws the same mask. */
  preserve_rng_state?: boolean;
}
const OPTION_NAMES = new Set(['use_reentrant', 'preserve_rng_state']);

const USE_REENTRANT_WARNING =
  'torch.utils.checkpoint: please pass in use_reentrant=True or use_reentrant=False explicitly. The default value of use_reentrant will be updated to be False in the future. To maintain current behavior, pass use_reentrant=True. It is recommended that you use use_reentrant=False. Refer to docs for more details on the differences between the two variants.';
const NOT_VALID =
  'Checkpointing is not compatible with .grad() or when an `inputs` parameter is passed to .backward(). Please use .backward() and do not pass its `inputs` argument.';

/** Runs `fn` with the default generator put back to `state` (if any), restoring the stream it had after. */
function with_rng<T>(state: GeneratorSnapshot | null, fn: () => T): T {
  if (state === null) return fn();
  const after = default_generator._get_state();
  default_generator._set_state(state);
  try {
    return fn();
  } finally {
    default_generator._set_state(after);
  }
}

/**
 * PyTorch's `torch.utils.checkpoint.checkpoint(function, *args, use_reentrant=…, preserve_rng_state=True)`:
 * returns `fn(...args)` but keeps none of the tensors its ops save for backward; backward runs `fn` again to get
 * them (with the same random stream). A trailing options object holds the keyword arguments.
 *
 * @example
 * const y = torch.utils.checkpoint.checkpoint((x: Tensor) => block.call(x), x, { use_reentrant: false });
 */
export function checkpoint<A extends unknown[], R>(fn: (...args: A) => R, ...rest: [...A] | [...A, CheckpointOptions]): R {
  if (typeof fn !== 'function') throw new TypeError(`checkpoint(): argument 'function' must be callable, not ${typeof fn}`);
  const last = rest[rest.length - 1];
  const has_options = is_plain_object(last) && Object.keys(last).length > 0 && Object.keys(last).every((k) => OPTION_NAMES.has(k));
  const options = (has_options ? last : {}) as CheckpointOptions;
  const args = (has_options ? rest.slice(0, -1) : rest) as A;
  let reentrant = options.use_reentrant ?? null;
  if (reentrant === null) {
    warn(USE_REENTRANT_WARNING);
    reentrant = true;
  }
  const rng = options.preserve_rng_state === false ? null : default_generator._get_state();
  return reentrant ? reentrant_checkpoint(fn, args, rng) : hooked_checkpoint(fn, args, rng);
}

/** Non-reentrant: every tensor saved inside is replaced by its index, and the first unpack recomputes them all. */
function hooked_checkpoint<A extends unknown[], R>(fn: (...args: A) => R, args: A, rng: GeneratorSnapshot | null): R {
  let count = 0;
  let recomputed: Tensor[] | null = null;
  const recompute = (): Tensor[] => {
    const saved: Tensor[] = [];
    const hooks = new SavedTensorsHooks(
      (t) => (saved.push(t.detach()), null),
      () => {
        throw new Error('torch.utils.checkpoint: a tensor saved during recomputation was unpacked');
      },
    );
    try {
      with_rng(rng, () => enable_grad(() => fn(...args)));
    } finally {
      hooks[Symbol.dispose]();
    }
    if (saved.length < count) {
      throw new Error(`torch.utils.checkpoint: Recomputed values for the following tensors have different metadata than during the forward pass. Number of tensors saved during forward: ${count}, during recomputation: ${saved.length}`);
    }
    return saved;
  };
  const hooks = new SavedTensorsHooks(
    () => count++,
    (index) => {
      recomputed ??= recompute();
      return recomputed[index as number]!;
    },
  );
  try {
    return fn(...args);
  } finally {
    hooks[Symbol.dispose]();
  }
}

interface CheckpointCtx extends FunctionCtx {
  run: (...args: unknown[]) => unknown;
  rng: GeneratorSnapshot | null;
  args: unknown[];
}

/** Reentrant: a Function that ran `fn` in no_grad and reruns it in its backward, calling backward inside. */
class CheckpointFunction extends Function {
  static override forward(ctx: FunctionCtx, run: (...args: unknown[]) => unknown, rng: GeneratorSnapshot | null, ...args: unknown[]): unknown {
    const c = ctx as CheckpointCtx;
    c.run = run;
    c.rng = rng;
    c.args = args.map((a) => (a instanceof Tensor ? null : a));
    ctx.save_for_backward(...args.filter((a): a is Tensor => a instanceof Tensor));
    return run(...args);
  }

  static override backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): (Tensor | null)[] {
    if (!is_checkpoint_valid()) throw new Error(NOT_VALID);
    const c = ctx as CheckpointCtx;
    const tensors = ctx.saved_tensors;
    let k = 0;
    const inputs = c.args.map((a) => {
      if (a !== null) return a;
      const t = tensors[k++]!;
      return t.detach().requires_grad_(t.requires_grad);
    });
    const out = with_rng(c.rng, () => enable_grad(() => c.run(...inputs)));
    const outs = (Array.isArray(out) ? out : [out]) as unknown[];
    const roots: Tensor[] = [];
    const root_grads: Tensor[] = [];
    outs.forEach((o, i) => {
      const g = grads[i] ?? null;
      if (o instanceof Tensor && o.requires_grad && g !== null) {
        roots.push(o);
        root_grads.push(g);
      }
    });
    if (roots.length === 0) throw new Error('none of output has requires_grad=True, this checkpoint() is not necessary');
    autograd_backward(roots, root_grads);
    return [null, null, ...inputs.map((a) => (a instanceof Tensor && a.requires_grad ? a.grad : null))];
  }
}

function reentrant_checkpoint<A extends unknown[], R>(fn: (...args: A) => R, args: A, rng: GeneratorSnapshot | null): R {
  if (!args.some((a) => a instanceof Tensor && a.requires_grad)) {
    warn('None of the inputs have requires_grad=True. Gradients will be None');
  }
  return CheckpointFunction.apply(fn as (...a: unknown[]) => unknown, rng, ...args) as R;
}
