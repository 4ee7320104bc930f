// Captum's layer methods along a path or against a reference: LayerIntegratedGradients, LayerConductance, InternalInfluence, LayerGradientShap, LayerDeepLift.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';
import type { WithDelta } from './base.js';
import {
  expand_args, expand_target, format_args, format_baselines, format_inputs, format_output, HookSet, parse_options,
  tensorize_baselines, validate_target, type ForwardFunc, type Inputs,
} from './common.js';
import { hook_deeplift, type DeepLiftOptions } from './deep_lift.js';
import { approximation_parameters } from './approximation.js';
import { batch_attribution, integrate, scaled_path, sum_over_steps, type IntegratedGradientsOptions } from './integrated_gradients.js';
import { first_layer, layer_eval, layers_eval, LayerAttribution, split_like, type LayersOut, type LayersSpec } from './layer.js';
import { random_points } from './gradient_shap.js';
import { generator_source, NoiseTunnel, type RandomSource } from './noise_tunnel.js';

/** Layer outputs as returned: one Tensor, or an array when the layer gives a tuple. */
type LayerOut = Tensor | Tensor[];

export interface LayerPathOptions extends IntegratedGradientsOptions {
  /** Attribute to the layer's inputs instead of its outputs (default false). */
  attribute_to_layer_input?: boolean;
}

const LAYER_IG = torch.signature<LayerPathOptions>(
  'LayerIntegratedGradients.attribute(Tensor|Tensor[] inputs, *, Any baselines=None, Any target=None, Any additional_forward_args=None, int n_steps=50, str method="gausslegendre", int? internal_batch_size=None, bool return_convergence_delta=False, bool attribute_to_layer_input=False)',
);

/**
 * Captum's LayerIntegratedGradients: Integrated Gradients of the layer's output (or input) along the straight
 * path from its value on the baselines to its value on the inputs, the layer's output being replaced for the
 * forward passes; the delta compares with the model's output difference.
 *
 * @example
 * const a = new attr.LayerIntegratedGradients(net, net.embedding).attribute(tokens, { baselines: pad, target: 1 });
 */
export class LayerIntegratedGradients extends LayerAttribution {
  constructor(forward_func: ForwardFunc, layer: LayersSpec, multiply_by_inputs = true) {
    super(forward_func, first_layer(layer));
    this.set_layers(layer);
    this.multiply = multiply_by_inputs;
  }

  protected override readonly has_delta = true;

  attribute<O extends LayerPathOptions>(inputs: Inputs, options?: O): O extends {
    /** Set: `[attributions, delta]`. */
    return_convergence_delta: true;
  }
    ? [LayersOut, Tensor]
    : LayersOut {
    const o = parse_options(LAYER_IG, inputs, options);
    const { inputs: xs } = format_inputs(inputs);
    const baselines = tensorize_baselines(xs, format_baselines(o.baselines, xs));
    const args = format_args(o.additional_forward_args);
    const at = { attribute_to_layer_input: o.attribute_to_layer_input };
    const { layers, forward_func: forward } = this;
    // every layer's tensors side by side: IG runs on them as on the inputs of a tuple, the layers replaced by the scaled values
    const on_inputs = layers_eval(forward, layers, xs, null, args, at).evals;
    const on_baselines = layers_eval(forward, layers, baselines, null, args, at).evals.flat();
    const attrs = integrate({
      inputs: on_inputs.flat(), baselines: on_baselines, target: o.target, args: [...xs, ...(args ?? [])], n_steps: o.n_steps ?? 50,
      method: o.method ?? 'gausslegendre', internal_batch_size: o.internal_batch_size, multiply: this.multiply,
      gradient_func: (_f, scaled, target, expanded) => {
        const per_layer = split_like(scaled, on_inputs);
        return layers_eval(forward, layers, [], target, expanded, { ...at, gradients: true, replace: (_r, k) => per_layer[k]! }).grads!.flat();
      },
    });
    const out = this.format_layers(split_like(attrs, on_inputs));
    if (!o.return_convergence_delta) return out as never;
    return [out, this.compute_convergence_delta(attrs, baselines, xs, o)] as never;
  }
}

const LAYER_CONDUCTANCE = torch.signature<LayerPathOptions>(
  'LayerConductance.attribute(Tensor|Tensor[] inputs, *, Any baselines=None, Any target=None, Any additional_forward_args=None, int n_steps=50, str method="gausslegendre", int? internal_batch_size=None, bool return_convergence_delta=False, bool attribute_to_layer_input=False)',
);

/**
 * Captum's LayerConductance: along the input path (`n_steps + 1` points), the layer's value differences between
 * consecutive points times the target's gradient w.r.t. the layer, summed.
 *
 * @example
 * const c = new attr.LayerConductance(net, net.conv2).attribute(x, { target: 3, n_steps: 50 });
 */
export class LayerConductance extends LayerAttribution {
  protected override readonly has_delta = true;
  protected override multiply = true;

  attribute<O extends LayerPathOptions>(inputs: Inputs, options?: O): WithDelta<Tensor, O> | WithDelta<Tensor[], O> {
    const o = parse_options(LAYER_CONDUCTANCE, inputs, options);
    const { inputs: xs } = format_inputs(inputs);
    const baselines = format_baselines(o.baselines, xs);
    validate_target(xs[0]!.shape[0]!, o.target);
    const args = format_args(o.additional_forward_args);
    const n = xs[0]!.shape[0]!;
    const n_steps = o.n_steps ?? 50;
    approximation_parameters(o.method ?? 'gausslegendre', n_steps + 1);
    const attrs = batch_attribution(n, o.internal_batch_size, n_steps + 1, o.method ?? 'gausslegendre', true, (steps) => {
      const k = steps.alphas.length;
      const scaled = xs.map((x, i) => scaled_path(x, baselines[i]!, steps.alphas));
      const r = layer_eval(this.forward_func, this.layer, scaled, expand_target(o.target, k), expand_args(args, k), {
        attribute_to_layer_input: o.attribute_to_layer_input, gradients: true,
      });
      return torch.no_grad(() =>
        r.evals.map((e, i) => {
          const rows = e.shape[0]!;
          const diff = e.narrow(0, n, rows - n).sub(e.narrow(0, 0, rows - n));
          const g = r.grads![i]!.narrow(0, 0, rows - n);
          return diff.mul(g).reshape([k - 1, n, ...e.shape.slice(1)]).sum(0);
        }),
      );
    });
    const out: LayerOut = format_output(attrs.length > 1, attrs);
    if (!o.return_convergence_delta) return out as never;
    return [out, this.compute_convergence_delta(attrs, tensorize_baselines(xs, baselines), xs, o)] as never;
  }
}

const INTERNAL_INFLUENCE = torch.signature<LayerPathOptions>(
  'InternalInfluence.attribute(Tensor|Tensor[] inputs, *, Any baselines=None, Any target=None, Any additional_forward_args=None, int n_steps=50, str method="gausslegendre", int? internal_batch_size=None, bool attribute_to_layer_input=False)',
);

/**
 * Captum's InternalInfluence: the target's gradient w.r.t. the layer integrated along the input path (no
 * multiplication by the layer's change).
 *
 * @example
 * const a = new attr.InternalInfluence(net, net.conv2).attribute(x, { target: 3 });
 */
export class InternalInfluence extends LayerAttribution {
  attribute(inputs: Inputs, options: LayerPathOptions = {}): LayerOut {
    const o = parse_options(INTERNAL_INFLUENCE, inputs, options);
    const { inputs: xs } = format_inputs(inputs);
    const baselines = format_baselines(o.baselines, xs);
    validate_target(xs[0]!.shape[0]!, o.target);
    const args = format_args(o.additional_forward_args);
    const attrs = batch_attribution(xs[0]!.shape[0]!, o.internal_batch_size, o.n_steps ?? 50, o.method ?? 'gausslegendre', false, (steps) => {
      const k = steps.alphas.length;
      const scaled = xs.map((x, i) => scaled_path(x, baselines[i]!, steps.alphas));
      const r = layer_eval(this.forward_func, this.layer, scaled, expand_target(o.target, k), expand_args(args, k), {
        attribute_to_layer_input: o.attribute_to_layer_input, gradients: true,
      });
      return r.grads!.map((g) => sum_over_steps(g, steps.step_sizes));
    });
    return format_output(attrs.length > 1, attrs);
  }
}

/** Options of `LayerDeepLift.attribute` and the other baseline layer methods. */
export interface LayerBaselineOptions {
  /** Reference input(s) features are replaced with: a number, a tensor per input, or per sample. Default 0. */
  baselines?: DeepLiftOptions['baselines'];
  /** Which output to explain (see `TargetType`). */
  target?: DeepLiftOptions['target'];
  /** Extra arguments passed to the forward after the inputs. */
  additional_forward_args?: unknown;
  /** Also return the convergence delta: `[attributions, delta]`. */
  return_convergence_delta?: boolean;
  /** Attribute to the layer's input instead of its output. Default false. */
  attribute_to_layer_input?: boolean;
  /** Source of random numbers (sampled methods). */
  random?: RandomSource;
}

const LAYER_INPUT_BASELINE = torch.signature<LayerBaselineOptions>(
  'LayerInputBaselineXGradient.attribute(Tensor|Tensor[] inputs, *, Any baselines=None, Any target=None, Any additional_forward_args=None, bool return_convergence_delta=False, bool attribute_to_layer_input=False, Any random=None)',
);

/**
 * Captum's LayerInputBaselineXGradient: the layer gradient at a random point between input and baseline, times
 * the layer's difference between them.
 *
 * @example
 * const a = new attr.LayerInputBaselineXGradient(net, net.conv2).attribute(x, { baselines: b, target: 3 });
 */
export class LayerInputBaselineXGradient extends LayerAttribution {
  constructor(forward_func: ForwardFunc, layer: nn.Module | string, multiply_by_inputs = true) {
    super(forward_func, layer);
    this.multiply = multiply_by_inputs;
  }

  protected override readonly has_delta = true;

  override accepts_random(): boolean {
    return true;
  }

  attribute<O extends LayerBaselineOptions>(inputs: Inputs, options?: O): WithDelta<Tensor, O> | WithDelta<Tensor[], O> {
    const o = parse_options(LAYER_INPUT_BASELINE, inputs, options);
    const { inputs: xs } = format_inputs(inputs);
    const baselines = format_baselines(o.baselines, xs);
    const scaled = random_points(xs, baselines, o.random ?? generator_source());
    const args = format_args(o.additional_forward_args);
    const at = { attribute_to_layer_input: o.attribute_to_layer_input };
    const grads = layer_eval(this.forward_func, this.layer, scaled, o.target, args, { ...at, gradients: true }).grads!;
    const full_baselines = tensorize_baselines(xs, baselines);
    const on_baselines = layer_eval(this.forward_func, this.layer, full_baselines, null, args, at);
    const on_inputs = layer_eval(this.forward_func, this.layer, xs, null, args, at);
    const attrs = this.multiply ? torch.no_grad(() => grads.map((g, i) => on_inputs.evals[i]!.sub(on_baselines.evals[i]!).mul(g))) : grads;
    const out: LayerOut = format_output(attrs.length > 1, attrs);
    if (!o.return_convergence_delta) return out as never;
    return [out, this.compute_convergence_delta(attrs, full_baselines, xs, o)] as never;
  }
}

/** Options of `LayerGradientShap.attribute`. */
export interface LayerGradientShapOptions extends Omit<LayerBaselineOptions, 'baselines'> {
  /** The baseline distribution: samples are drawn from its rows. */
  baselines: Tensor | readonly Tensor[];
  /** Random samples per input (default 5). */
  n_samples?: number;
  /** Standard deviation of the Gaussian noise added to each sample (default 0). */
  stdevs?: number | readonly number[];
}

const LAYER_GRADIENT_SHAP = torch.signature<LayerGradientShapOptions>(
  'LayerGradientShap.attribute(Tensor|Tensor[] inputs, *, Tensor|Tensor[] baselines, int n_samples=5, float|float[] stdevs=0.0, Any target=None, Any additional_forward_args=None, bool return_convergence_delta=False, bool attribute_to_layer_input=False, Any random=None)',
);

/**
 * Captum's LayerGradientShap: NoiseTunnel (smoothgrad) over LayerInputBaselineXGradient with baselines drawn from
 * the distribution.
 *
 * @example
 * const a = new attr.LayerGradientShap(net, net.conv2).attribute(x, { baselines: background, n_samples: 10, target: 3 });
 */
export class LayerGradientShap extends LayerAttribution {
  constructor(forward_func: ForwardFunc, layer: nn.Module | string, multiply_by_inputs = true) {
    super(forward_func, layer);
    this.multiply = multiply_by_inputs;
  }

  protected override readonly has_delta = true;

  attribute<O extends LayerGradientShapOptions>(inputs: Inputs, options: O): WithDelta<Tensor, O> | WithDelta<Tensor[], O> {
    const o = parse_options(LAYER_GRADIENT_SHAP, inputs, options);
    const nt = new NoiseTunnel(new LayerInputBaselineXGradient(this.forward_func, this.layer, this.multiply));
    return nt.attribute(inputs, {
      nt_type: 'smoothgrad', nt_samples: o.n_samples, stdevs: o.stdevs, draw_baseline_from_distrib: true, baselines: o.baselines, target: o.target,
      additional_forward_args: o.additional_forward_args, return_convergence_delta: o.return_convergence_delta,
      attribute_to_layer_input: o.attribute_to_layer_input, random: o.random ?? generator_source(),
    }) as never;
  }
}

const LAYER_DEEP_LIFT = torch.signature<LayerBaselineOptions & Pick<DeepLiftOptions, 'custom_attribution_func'>>(
  'LayerDeepLift.attribute(Tensor|Tensor[] inputs, *, Any baselines=None, Any target=None, Any additional_forward_args=None, bool return_convergence_delta=False, bool attribute_to_layer_input=False, Callable? custom_attribution_func=None)',
);

/**
 * Captum's LayerDeepLift: DeepLift's multipliers at the layer (the forward on `[inputs; baselines]` with the
 * nonlinear rules hooked, the layer itself left plain), times the layer's difference between the two halves.
 *
 * @example
 * const a = new attr.LayerDeepLift(net, net.conv2).attribute(x, { baselines: 0, target: 3 });
 */
export class LayerDeepLift extends LayerAttribution {
  /**
   * @param model - The model; its ReLU-like nonlinearities get DeepLift's rescale rule during `attribute`.
   * @param layer - The layer (a module of the model, or its dotted path) whose output is attributed.
   * @param multiply_by_inputs - Whether attributions are multiplied by `input − baseline` (global attribution). Default true.
   * @param eps - Below this `|input − baseline|` the plain gradient is used instead of the ratio. Default 1e-10.
   */
  constructor(readonly model: nn.Module, layer: nn.Module | string, multiply_by_inputs = true, readonly eps = 1e-10) {
    super(model, layer);
    this.multiply = multiply_by_inputs;
  }

  protected override readonly has_delta = true;

  attribute<O extends LayerBaselineOptions & Pick<DeepLiftOptions, 'custom_attribution_func'>>(inputs: Inputs, options?: O): WithDelta<Tensor, O> | WithDelta<Tensor[], O> {
    const o = parse_options(LAYER_DEEP_LIFT, inputs, options);
    const { inputs: xs } = format_inputs(inputs);
    const baselines = tensorize_baselines(xs, format_baselines(o.baselines, xs));
    const args = format_args(o.additional_forward_args);
    const to_input = o.attribute_to_layer_input ?? false;
    const r = (() => {
      using hooks = new HookSet();
      hook_deeplift(this.model, this.eps, hooks, to_input ? null : this.layer);
      const stacked = xs.map((x, i) => torch.cat([x, baselines[i]!.expand(x.shape)], 0));
      return layer_eval(this.model, this.layer, stacked, expand_target(o.target, 2), expand_args(args, 2), { attribute_to_layer_input: to_input, gradients: true });
    })();
    const halves = (t: Tensor): [Tensor, Tensor] => t.chunk(2) as [Tensor, Tensor];
    const attrs = torch.no_grad(() => {
      const at_inputs = r.evals.map((e) => halves(e)[0]);
      const at_baselines = r.evals.map((e) => halves(e)[1]);
      const grads = r.grads!.map((g) => halves(g)[0]);
      if (o.custom_attribution_func) return o.custom_attribution_func(grads, at_inputs, at_baselines);
      return this.multiply ? grads.map((g, i) => at_inputs[i]!.sub(at_baselines[i]!).mul(g)) : grads;
    });
    const out: LayerOut = format_output(attrs.length > 1, attrs);
    if (!o.return_convergence_delta) return out as never;
    return [out, this.compute_convergence_delta(attrs, baselines, xs, o)] as never;
  }
}

