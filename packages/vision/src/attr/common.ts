// Captum's shared argument handling, once: input tuples, baselines, targets, additional forward args, batching.
import * as torch from '@tsgrad/core';
import type { Signature, Tensor } from '@tsgrad/core';
import type { RemovableHandle } from '@tsgrad/hooks';
import * as nn from '@tsgrad/nn';

/** What an attribution explains: a module or any function of the inputs (and additional forward args). */
export type ForwardFunc = nn.Module | ((...args: never[]) => unknown);

/** One input Tensor, or a tuple of them as a JS array (then attributions come back as an array too). */
export type Inputs = Tensor | readonly Tensor[];

/**
 * Captum's `target`: a class index for every sample (`number`), one per sample (`number[]` or an int64 Tensor
 * `[N]`), one index tuple per sample into a multi-dimensional output (`number[][]`), or `null` for a scalar output
 * per sample.
 */
export type TargetType = number | readonly number[] | readonly (readonly number[])[] | Tensor | null | undefined;

/** Captum's `baselines`: a number or Tensor per input (an array for tuple inputs); `null` means zeros. */
export type BaselineType = number | Tensor | readonly (number | Tensor)[] | null | undefined;

/** Extra positional arguments of the forward after the inputs: an array is the tuple of arguments, anything else one argument. */
export type AdditionalForwardArgs = unknown;

/** A formatted baseline: a number, or a Tensor with the input's shape or a batch of one. */
export type Baseline = number | Tensor;

const shape_text = (t: Tensor): string => `[${t.shape.join(', ')}]`;

/**
 * Inputs as a tuple, and whether they were given as one.
 *
 * @example
 * format_inputs(x); // { inputs: [x], is_tuple: false }
 */
export function format_inputs(inputs: Inputs, what = 'inputs'): {
  /** The inputs as a list. */
  inputs: Tensor[];
  /** Whether they came as a list (results are then returned as one). */
  is_tuple: boolean;
} {
  if (inputs instanceof torch.Tensor) return { inputs: [inputs], is_tuple: false };
  if (!Array.isArray(inputs) || inputs.length === 0) throw new TypeError(`${what} must be a Tensor or a non-empty array of Tensors`);
  inputs.forEach((t, i) => {
    if (!(t instanceof torch.Tensor)) throw new TypeError(`${what}[${i}] must be a Tensor, got ${typeof t}`);
  });
  return { inputs: [...inputs], is_tuple: true };
}

/**
 * The output of an attribution: the tensor itself for a single input, else the array.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function format_output(is_tuple: boolean, outputs: Tensor[]): Tensor | Tensor[] {
  if (is_tuple) return outputs;
  if (outputs.length !== 1) throw new Error(`expected one attribution for a single input, got ${outputs.length}`);
  return outputs[0]!;
}

/**
 * One baseline per input, checked: a number, a Tensor with the input's shape, or a Tensor of a batch of one with
 * the sample's shape (`draw_from_distribution` allows any batch size). `null` gives zeros.
 *
 * @example
 * format_baselines(0.5, [x]); // [0.5]
 */
export function format_baselines(baselines: BaselineType, inputs: readonly Tensor[], draw_from_distribution = false): Baseline[] {
  if (baselines === null || baselines === undefined) return inputs.map(() => 0);
  const list: Baseline[] = Array.isArray(baselines) ? [...(baselines as readonly Baseline[])] : [baselines as Baseline];
  if (list.length !== inputs.length) {
    throw new Error(`Input and baseline must have the same dimensions, baseline has ${list.length} features whereas input has ${inputs.length}.`);
  }
  list.forEach((b, i) => {
    if (typeof b === 'number') return;
    if (!(b instanceof torch.Tensor)) throw new TypeError(`baseline input argument must be either a Tensor or a number, got ${typeof b} for input ${i}`);
    const x = inputs[i]!;
    const same_sample = b.ndim === x.ndim && b.shape.slice(1).every((s, d) => s === x.shape[d + 1]);
    const ok = same_sample && (draw_from_distribution || b.shape[0] === x.shape[0] || b.shape[0] === 1);
    if (!ok) {
      throw new Error(
        draw_from_distribution
          ? `baselines ${i} has shape ${shape_text(b)} but the samples of input ${i} have shape [${x.shape.slice(1).join(', ')}]; the baseline samples must have the same shape`
          : `baselines ${i} has shape ${shape_text(b)} but input ${i} has shape ${shape_text(x)}; a baseline must be a number, have the input's shape, or be one sample [1, ${x.shape.slice(1).join(', ')}]`,
      );
    }
  });
  return list;
}

/**
 * Baselines as tensors with the input's batch size (numbers filled, batches of one repeated).
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function tensorize_baselines(inputs: readonly Tensor[], baselines: readonly Baseline[]): Tensor[] {
  return baselines.map((b, i) => {
    const x = inputs[i]!;
    if (typeof b === 'number') return torch.full_like(x, b);
    return b.shape[0] === 1 && x.shape[0] > 1 ? repeat_batch(b, x.shape[0]) : b;
  });
}

/**
 * The additional forward args as an argument list (`null` when there are none).
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function format_args(args: AdditionalForwardArgs): unknown[] | null {
  if (args === null || args === undefined) return null;
  return Array.isArray(args) ? [...(args as unknown[])] : [args];
}

/** How a batch is expanded `n` times: whole batches one after another ('repeat') or each sample `n` times in a row ('repeat_interleave'). */
export type Expansion = 'repeat' | 'repeat_interleave';

/**
 * `cat([t] * n)` along dim 0 (`repeat`), or each sample `n` times in a row (`repeat_interleave`).
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function repeat_batch(t: Tensor, n: number, how: Expansion = 'repeat'): Tensor {
  if (n === 1) return t;
  if (how === 'repeat') return torch.cat(new Array<Tensor>(n).fill(t), 0);
  const b = t.shape[0]!;
  return t.unsqueeze(1).expand([b, n, ...t.shape.slice(1)]).reshape([b * n, ...t.shape.slice(1)]);
}

/**
 * Additional forward args for a batch repeated `n` times: tensor args (not 0-dim) repeat along dim 0.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function expand_args(args: unknown[] | null, n: number, how: Expansion = 'repeat'): unknown[] | null {
  if (args === null) return null;
  return args.map((a) => (a instanceof torch.Tensor && a.ndim > 0 ? repeat_batch(a, n, how) : a));
}

/**
 * The target for a batch repeated `n` times (per-sample lists and tensors repeat; one index for all stays).
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function expand_target(target: TargetType, n: number, how: Expansion = 'repeat'): TargetType {
  if (Array.isArray(target)) {
    const list = target as readonly (number | readonly number[])[];
    if (how === 'repeat') return Array.from({ length: n }, () => list).flat(1) as TargetType;
    return list.flatMap((t) => new Array(n).fill(t)) as TargetType;
  }
  if (target instanceof torch.Tensor && target.numel() > 1) return repeat_batch(target, n, how);
  return target;
}

/**
 * Checks that a per-sample target has one entry per sample.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function validate_target(num_samples: number, target: TargetType): void {
  const count = Array.isArray(target) ? target.length : target instanceof torch.Tensor && target.numel() > 1 ? target.numel() : null;
  if (count !== null && count !== num_samples) {
    throw new Error(`The number of samples provided in the input ${num_samples} does not match with the number of targets. ${count}`);
  }
}

/**
 * Calls `forward` with `args`: `module.call(...)` for a module, a plain call for a function.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function call_forward(forward: ForwardFunc, args: readonly unknown[]): unknown {
  if (forward instanceof nn.Module) return forward.call(...(args as never[]));
  return (forward as (...a: unknown[]) => unknown)(...args);
}

function check_index(k: number, size: number, dim: number): number {
  if (!Number.isInteger(k)) throw new TypeError(`target index ${k} is not an integer`);
  if (k < -size || k >= size) throw new RangeError(`index ${k} is out of bounds for dimension ${dim} with size ${size}`);
  return k < 0 ? k + size : k;
}

/**
 * The entries of `output` that `target` names, one per sample: `output[:, t]` for one index, `output[n, t_n]`
 * for per-sample indices, `output[n, *t_n]` for per-sample index tuples. Out-of-range indices throw PyTorch's
 * IndexError text.
 *
 * @example
 * select_targets(logits, 3);      // logits[:, 3]
 * select_targets(logits, [3, 1]); // [logits[0, 3], logits[1, 1]]
 */
export function select_targets(output: Tensor, target: TargetType): Tensor {
  if (target === null || target === undefined) return output;
  if (output.ndim === 0) throw new Error('Cannot choose a target from a 0-dim output');
  const n = output.shape[0]!;
  if (typeof target === 'number') {
    if (output.ndim < 2) throw new Error(`Cannot choose target column with output shape [${output.shape.join(', ')}].`);
    return output.select(1, check_index(target, output.shape[1]!, 1));
  }
  let rows: (number | readonly number[])[];
  if (target instanceof torch.Tensor) {
    if (target.is_floating_point()) throw new TypeError(`target tensor must hold integer indices, got dtype ${target._dtype}`);
    const values = Array.from(target.data_array(), Number);
    if (values.length === 1) return select_targets(output, values[0]!);
    if (target.ndim !== 1 || values.length !== n) {
      throw new Error(`Tensor target dimension [${target.shape.join(', ')}] is not valid for an output of shape [${output.shape.join(', ')}].`);
    }
    rows = values;
  } else {
    rows = [...(target as readonly (number | readonly number[])[])];
    if (rows.length !== n) throw new Error(`Target list length ${rows.length} does not match the output's batch size ${n}`);
  }
  if (rows.every((r) => typeof r === 'number')) {
    if (output.ndim !== 2) throw new Error(`Output must be 2D to select one target per sample, got shape [${output.shape.join(', ')}].`);
    const c = output.shape[1]!;
    const idx = torch.tensor((rows as number[]).map((k) => check_index(k, c, 1)), { dtype: 'int64' }).reshape([n, 1]);
    return output.gather(1, idx).squeeze(-1);
  }
  return torch.stack(
    rows.map((r, i) => {
      const tuple = typeof r === 'number' ? [r] : [...r];
      if (tuple.length > output.ndim - 1) throw new Error(`Cannot choose target ${JSON.stringify(r)} with output shape [${output.shape.join(', ')}].`);
      let v = output.select(0, i);
      tuple.forEach((k, d) => {
        v = v.select(0, check_index(k, v.shape[0]!, d + 1));
      });
      return v;
    }),
  );
}

/**
 * Runs the forward on `inputs` followed by the additional args and selects the target entries.
 *
 * @example
 * run_forward(net, [x], 3, null); // net(x)[:, 3]
 */
export function run_forward(forward: ForwardFunc, inputs: readonly Tensor[], target: TargetType, args: unknown[] | null): Tensor {
  let out = call_forward(forward, args === null ? inputs : [...inputs, ...args]);
  if (typeof out === 'number') out = torch.tensor(out);
  if (!(out instanceof torch.Tensor)) throw new Error(`the forward function must return a Tensor or a number, got ${out === null ? 'null' : typeof out}`);
  return select_targets(out, target);
}

/**
 * Gradients of the selected outputs (one scalar per sample) w.r.t. each input, taken on fresh leaves so the
 * caller's tensors are left alone. `prepare` may hook modules for the call; whatever it returns is removed
 * afterwards, also when the forward or backward throws.
 *
 * @example
 * const [g] = compute_gradients(net, [x], 3, null); // ∂ net(x)[:, 3] / ∂ x
 */
export function compute_gradients(forward: ForwardFunc, inputs: readonly Tensor[], target: TargetType, args: unknown[] | null): Tensor[] {
  return torch.enable_grad(() => {
    const leaves = inputs.map((t) => t.detach().requires_grad_(true));
    const out = run_forward(forward, leaves, target, args);
    if (out.ndim > 0 && out.shape[0]! > 0 && out.numel() !== out.shape[0]) {
      throw new Error('Target not provided when necessary, cannot take gradient with respect to multiple outputs.');
    }
    return torch.autograd.grad(out.sum(), leaves).map((g, i) => (g === null ? torch.zeros_like(inputs[i]!) : g.detach()));
  });
}

/**
 * `t.reshape(N, -1).sum(1)`.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function sum_rows(t: Tensor): Tensor {
  return t.reshape([t.shape[0]!, -1]).sum(1);
}

/**
 * Collects hook handles and removes all of them at once, so no attribution leaves a hook behind.
 *
 * @example
 * using hooks = new HookSet();
 * hooks.add(net.conv1.register_forward_hook(fn));
 */
export class HookSet implements Disposable {
  private readonly handles: RemovableHandle[] = [];

  /** Keeps `h` for removal; returns it. */
  add(h: RemovableHandle): RemovableHandle {
    this.handles.push(h);
    return h;
  }

  /** Removes every kept hook. */
  remove(): void {
    for (const h of this.handles.splice(0)) h.remove();
  }

  /** `using hooks = new HookSet()` removes them at the end of the block. */
  [Symbol.dispose](): void {
    this.remove();
  }
}

/**
 * Captum's backward hook on a single-input module, built from tensor hooks: the output's gradient is recorded
 * when it arrives (before any later module's hook on the same tensor rewrites it) and `hook(grad_input,
 * grad_output)` may replace the gradient at the module's input (the module runs on a clone of its input, as in
 * Captum). The module hooks go into `hooks`; the tensor hooks live on the forward's own tensors.
 *
 * @example
 * captum_backward_hook(relu, (gi) => gi.clamp({ min: 0 }), hooks);
 */
export function captum_backward_hook(module: nn.Module, hook: (grad_input: Tensor, grad_output: Tensor) => Tensor | null, hooks: HookSet): void {
  let grad_out: Tensor | null = null;
  hooks.add(module.register_forward_pre_hook((_m, args) => {
    const list = args as unknown[];
    if (list.length !== 1) throw new Error('Backward hooks not supported for module with >1 input');
    const inp = list[0];
    if (!(inp instanceof torch.Tensor) || !inp.requires_grad) return undefined;
    inp.register_hook((g: Tensor | null) => (g === null || grad_out === null ? undefined : hook(g, grad_out) ?? undefined));
    return [inp.clone()] as never;
  }));
  hooks.add(module.register_forward_hook((_m, _a, out) => {
    if (!(out instanceof torch.Tensor)) throw new Error('Backward hooks not supported for module with >1 output');
    if (out.requires_grad) out.register_hook((g: Tensor | null) => {
      grad_out = g;
    });
  }));
}

/**
 * The module of a layer given as a module of `model` or a dotted path; throws naming the path when it does not exist.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function module_of(model: ForwardFunc, layer: nn.Module | string, what = 'layer'): nn.Module {
  if (layer instanceof nn.Module) return layer;
  if (!(model instanceof nn.Module)) throw new TypeError(`${what} '${layer}' is a name, but the forward function is not a Module; pass the module itself`);
  return model.get_submodule(layer);
}

/**
 * The keyword options of an `attribute` call: parsed against Captum's signature (unknown names and wrong kinds rejected, defaults filled).
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function parse_options<R>(sig: Signature<R>, inputs: Inputs, options: object | undefined): R {
  const { inputs: _inputs, ...parsed } = sig.parse([inputs, options ?? {}]) as R & { inputs: unknown };
  return parsed as R;
}

/**
 * Checks an integer option, with Captum's wording when it is not positive.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function check_positive_int(v: number, what: string, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new Error(`${what} must be an integer >= ${min}, got ${v}`);
  return v;
}
