// Captum's DeepLift (rescale rule through hooked nonlinear modules) and DeepLiftShap (DeepLift averaged over baselines).
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { GradientAttribution, type TargetOptions, type WithDelta } from './base.js';
import {
  captum_backward_hook, expand_args, expand_target, format_args, format_baselines, format_inputs, format_output, HookSet, parse_options, repeat_batch,
  run_forward, tensorize_baselines, validate_target, type BaselineType, type Inputs,
} from './common.js';

/** A DeepLift multiplier rule: the new gradient at a module's input from its recorded input and output (inputs and references stacked). */
type MultiplierRule = (module: nn.Module, input: Tensor, output: Tensor, grad_input: Tensor, grad_output: Tensor, eps: number) => Tensor;

/** `Δ = x − x_ref` of a batch `[x; x_ref]`, repeated for both halves. */
function diffs(input: Tensor, output: Tensor): [Tensor, Tensor] {
  const [x, x_ref] = input.chunk(2) as [Tensor, Tensor];
  const [y, y_ref] = output.chunk(2) as [Tensor, Tensor];
  const din = x.sub(x_ref);
  const dout = y.sub(y_ref);
  return [torch.cat([din, din], 0), torch.cat([dout, dout], 0)];
}

/** Rescale rule: `grad_output · Δout / Δin`, the plain gradient where `|Δin| < eps`. */
const nonlinear: MultiplierRule = (_m, input, output, grad_input, grad_output, eps) => {
  const [din, dout] = diffs(input, output);
  return torch.where(din.abs().lt(eps), grad_input, grad_output.mul(dout).div(din));
};

/** Softmax: the rescale rule, then the mean subtracted (the outputs sum to a constant). */
const softmax: MultiplierRule = (m, input, output, grad_input, grad_output, eps) => {
  const g = nonlinear(m, input, output, grad_input, grad_output, eps);
  return g.sub(g.sum().mul(1).div(grad_input.numel()));
};

/** `max_unpool2d`: each value written at its plane's flat index (later writes win, as PyTorch's). */
function max_unpool2d(values: Tensor, indices: Tensor, shape: readonly number[]): Tensor {
  const [N, C, H, W] = shape as [number, number, number, number];
  const v = values.contiguous().data_array();
  const idx = indices.contiguous().data_array();
  const per_plane = values.shape[2]! * values.shape[3]!;
  const out = new Float32Array(N * C * H * W);
  for (let k = 0; k < v.length; k++) out[Math.floor(k / per_plane) * H * W + Number(idx[k])] = v[k]!;
  return torch.from_array(out, [N, C, H, W], 'float32').to(values._dtype);
}

/**
 * MaxPool2d: the output differences `max(y, y_ref) − y_ref` and `y − max(y, y_ref)` routed back to each window's
 * argmax in the inputs, summed over the input and reference halves, divided by `Δin`.
 */
const maxpool2d: MultiplierRule = (module, input, output, grad_input, grad_output, eps) => {
  const pool = module as nn.MaxPool2d;
  const r = torch.no_grad(() => {
    const [x, x_ref] = input.chunk(2) as [Tensor, Tensor];
    const [y, y_ref] = output.chunk(2) as [Tensor, Tensor];
    const din_half = x.sub(x_ref);
    const din = torch.cat([din_half, din_half], 0);
    const ymax = torch.maximum(y, y_ref);
    const dout = torch.cat([ymax.sub(y_ref), y.sub(ymax)], 0);
    const [, indices] = torch.max_pool2d(input, pool.kernel_size, {
      stride: pool.stride, padding: pool.padding, dilation: pool.dilation, ceil_mode: pool.ceil_mode, return_indices: true,
    });
    const [a, b] = max_unpool2d(grad_output.mul(dout), indices, input.shape).chunk(2) as [Tensor, Tensor];
    const summed = a.add(b);
    return { din, unpooled: torch.cat([summed, summed], 0) };
  });
  return torch.where(r.din.abs().lt(eps), grad_input, r.unpooled.div(r.din));
};

/** Captum's nonlinear modules and their multiplier rules (the module classes this tsgrad build has). */
function rules(): Map<unknown, MultiplierRule> {
  const table = nn as unknown as Record<string, unknown>;
  const map = new Map<unknown, MultiplierRule>();
  for (const name of ['ReLU', 'ELU', 'LeakyReLU', 'Sigmoid', 'Tanh', 'Softplus']) if (table[name] !== undefined) map.set(table[name], nonlinear);
  if (table['Softmax'] !== undefined) map.set(table['Softmax'], softmax);
  map.set(nn.MaxPool2d, maxpool2d);
  return map;
}

/**
 * Hooks every supported nonlinear module of `model` (exact class, no backward hook of its own, not `skip`) so
 * its input gradient becomes DeepLift's multiplier during the next backward. Captum's hook mechanism is
 * reproduced, quirk included: a module whose output feeds another hooked module directly (ReLU → MaxPool2d)
 * sees the plain gradient of that module, recorded before the latter's rule rewrites it. A module run more than once per
 * forward cannot be attributed and raises Captum's error at backward time.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function hook_deeplift(model: nn.Module, eps: number, hooks: HookSet, skip: nn.Module | null = null): void {
  const table = rules();
  for (const m of model.modules()) {
    const rule = table.get(m.constructor);
    if (rule === undefined || m === skip) continue;
    if (nn.utils.list_hooks(m).some((h) => h.path === '' && (h.kind === 'backward' || h.kind === 'full_backward'))) continue;
    let input: Tensor | null = null;
    let output: Tensor | null = null;
    let calls = 0;
    hooks.add(m.register_forward_pre_hook((_mod, args) => {
      calls++;
      input = (args as unknown[])[0] instanceof torch.Tensor ? ((args as unknown[])[0] as Tensor).detach().clone() : null;
    }));
    hooks.add(m.register_forward_hook((_mod, _a, out) => {
      output = out instanceof torch.Tensor ? out.detach().clone() : null;
    }));
    captum_backward_hook(m, (gi, go) => {
      if (calls !== 1 || input === null || output === null) {
        throw new Error(`A Module ${m.toString()} was detected that does not contain some of the input/output attributes that are required for DeepLift computations. This can occur, for example, if your module is being used more than once in the network.Please, ensure that module is being used only once in the network.`);
      }
      return rule(m, input, output, gi, go, eps);
    }, hooks);
  }
}

export interface DeepLiftOptions extends TargetOptions {
  /** References (default zeros); for DeepLiftShap a batch of several. */
  baselines?: BaselineType;
  /** Also return `Σ attributions − (F(x) − F(baseline))` per sample. */
  return_convergence_delta?: boolean;
  /** Replaces `(x − x') ⊙ multipliers` (called with multipliers, inputs, baselines). */
  custom_attribution_func?: ((multipliers: Tensor[], inputs: Tensor[], baselines: Tensor[]) => Tensor[]) | null;
}

const DEEP_LIFT = torch.signature<DeepLiftOptions>(
  'DeepLift.attribute(Tensor|Tensor[] inputs, *, Any baselines=None, Any target=None, Any additional_forward_args=None, bool return_convergence_delta=False, Callable? custom_attribution_func=None)',
);

/**
 * Captum's DeepLift with the rescale rule: the forward runs on `[inputs; baselines]`, every supported nonlinear
 * module (ReLU, Sigmoid, Tanh, LeakyReLU, Softmax, MaxPool2d, …) has its gradient replaced by
 * `Δoutput / Δinput` multipliers, and attributions are `(x − x') ⊙ multipliers`.
 *
 * @example
 * const [a, delta] = new attr.DeepLift(net).attribute(x, { baselines: 0, target: 3, return_convergence_delta: true });
 */
export class DeepLift extends GradientAttribution {
  /**
   * @param model - The model; its ReLU-like nonlinearities get DeepLift's rescale rule during `attribute`.
   * @param multiply_by_inputs - Whether attributions are multiplied by `input − baseline` (global attribution). Default true.
   * @param eps - Below this `|input − baseline|` the plain gradient is used instead of the ratio. Default 1e-10.
   */
  constructor(readonly model: nn.Module, multiply_by_inputs = true, readonly eps = 1e-10) {
    super(model);
    this.multiply = multiply_by_inputs;
    if (!(model instanceof nn.Module)) throw new TypeError('DeepLift needs an nn.Module to hook its nonlinear modules');
  }

  protected override readonly has_delta = true;

  attribute<I extends Inputs, O extends DeepLiftOptions>(inputs: I, options?: O): WithDelta<I, O> {
    const o = parse_options(DEEP_LIFT, inputs, options);
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const baselines = tensorize_baselines(xs, format_baselines(o.baselines, xs));
    validate_target(xs[0]!.shape[0]!, o.target);
    const args = format_args(o.additional_forward_args);
    const multipliers = this.multipliers(xs, baselines, o.target, args);
    const attrs = torch.no_grad(() => {
      if (o.custom_attribution_func) return o.custom_attribution_func(multipliers, xs, baselines);
      return this.multiply ? multipliers.map((g, i) => xs[i]!.sub(baselines[i]!).mul(g)) : multipliers;
    });
    const out = format_output(is_tuple, attrs);
    if (!o.return_convergence_delta) return out as WithDelta<I, O>;
    return [out, this.compute_convergence_delta(attrs, baselines, xs, o)] as WithDelta<I, O>;
  }

  /** The DeepLift multipliers w.r.t. each input: gradients of the targets on `[x; x']` with the rules hooked. */
  protected multipliers(xs: Tensor[], baselines: Tensor[], target: DeepLiftOptions['target'], args: unknown[] | null): Tensor[] {
    using hooks = new HookSet();
    hook_deeplift(this.model, this.eps, hooks);
    return torch.enable_grad(() => {
      const leaves = xs.map((x) => x.detach().requires_grad_(true));
      const stacked = leaves.map((x, i) => torch.cat([x, baselines[i]!.expand(x.shape)], 0));
      const out = run_forward(this.model, stacked, expand_target(target, 2), expand_args(args, 2));
      if (out.ndim > 0 && out.numel() !== out.shape[0]) throw new Error('Target not provided when necessary, cannot take gradient with respect to multiple outputs.');
      return torch.autograd.grad(out.sum(), leaves).map((g, i) => (g === null ? torch.zeros_like(xs[i]!) : g.detach()));
    });
  }
}

/**
 * Captum's DeepLiftShap: DeepLift against every baseline of a distribution (a batch of at least two), averaged
 * over the baselines; the delta (when asked) is per input-baseline pair.
 *
 * @example
 * const a = new attr.DeepLiftShap(net).attribute(x, { baselines: background, target: 3 });
 */
export class DeepLiftShap extends DeepLift {
  override attribute<I extends Inputs, O extends DeepLiftOptions>(inputs: I, options?: O): WithDelta<I, O> {
    const o = parse_options(DEEP_LIFT, inputs, options);
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const bases = (Array.isArray(o.baselines) ? o.baselines : [o.baselines]) as Tensor[];
    if (!(bases[0] instanceof torch.Tensor) || bases[0].shape[0]! <= 1) {
      throw new Error('Baselines distribution has to be provided in form of a Tensor with more than one example. If baselines are provided in shape of scalars or with a single baseline example, `DeepLift` approach can be used instead.');
    }
    const n = xs[0]!.shape[0]!;
    const b = bases[0].shape[0]!;
    const exp_inputs = xs.map((x) => repeat_batch(x, b, 'repeat_interleave'));
    const exp_bases = bases.map((base) => repeat_batch(base, n));
    const r = super.attribute(is_tuple ? exp_inputs : exp_inputs[0]!, {
      ...o, baselines: is_tuple ? exp_bases : exp_bases[0], target: expand_target(o.target, b, 'repeat_interleave'),
      additional_forward_args: expand_args(format_args(o.additional_forward_args), b, 'repeat_interleave'),
    }) as unknown;
    const [attrs, delta] = o.return_convergence_delta ? (r as [Tensor | Tensor[], Tensor]) : [r as Tensor | Tensor[], null];
    const list = Array.isArray(attrs) ? attrs : [attrs];
    const mean = torch.no_grad(() => list.map((a) => a.reshape([n, b, ...a.shape.slice(1)]).mean(1)));
    const out = format_output(is_tuple, mean);
    return (o.return_convergence_delta ? [out, delta] : out) as WithDelta<I, O>;
  }
}
