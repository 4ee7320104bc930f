// Captum's layer attributions on a hooked layer: LayerActivation, LayerGradientXActivation, LayerGradCam, GuidedGradCam, interpolate.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { GradientAttribution, type AttrOut, type TargetOptions } from './base.js';
import { format_args, format_inputs, format_output, HookSet, module_of, parse_options, run_forward, type ForwardFunc, type Inputs, type TargetType } from './common.js';
import { GuidedBackprop } from './gradient.js';

const LAYER = torch.signature<LayerOptions>('attribute(Tensor|Tensor[] inputs, *, Any target=None, Any additional_forward_args=None, bool attribute_to_layer_input=False)');
const ACTIVATION = torch.signature<LayerOptions>('LayerActivation.attribute(Tensor|Tensor[] inputs, *, Any additional_forward_args=None, bool attribute_to_layer_input=False)');
const GRAD_CAM = torch.signature<LayerGradCamOptions>(
  'LayerGradCam.attribute(Tensor|Tensor[] inputs, *, Any target=None, Any additional_forward_args=None, bool attribute_to_layer_input=False, bool relu_attributions=False, bool attr_dim_summation=True)',
);
const GUIDED_GRAD_CAM = torch.signature<GuidedGradCamOptions>(
  'GuidedGradCam.attribute(Tensor|Tensor[] inputs, *, Any target=None, Any additional_forward_args=None, str interpolate_mode="nearest", bool attribute_to_layer_input=False)',
);

/** A layer's output (or input) tensors recorded during one forward, their gradients, and the forward's selected output. */
export interface LayerEval {
  /** The layer's output tensors (its inputs with `attribute_to_layer_input`), detached. */
  evals: Tensor[];
  /** Whether the layer's output (input) was a tuple. */
  is_tuple: boolean;
  /** `∂ Σ selected output / ∂ evals`, or null without gradients. */
  grads: Tensor[] | null;
  /** The forward's output after target selection, detached. */
  output: Tensor;
}

function tensors_of(v: unknown, what: string): { list: Tensor[]; is_tuple: boolean } {
  if (v instanceof torch.Tensor) return { list: [v], is_tuple: false };
  if (Array.isArray(v) && v.length > 0 && v.every((t) => t instanceof torch.Tensor)) return { list: [...(v as Tensor[])], is_tuple: true };
  throw new Error(`the layer's ${what} is not a Tensor or a tuple of Tensors`);
}

export interface LayerEvalOptions {
  /** Record the layer's inputs instead of its outputs. */
  attribute_to_layer_input?: boolean;
  /** Also take the gradient of the selected output w.r.t. the recorded tensors. */
  gradients?: boolean;
  /** Replace the layer's output (input) with these tensors during the forward (path methods on a layer). */
  replace?: (recorded: Tensor[]) => Tensor[];
}

/**
 * Runs the forward with a hook on `layer` recording its output (or input), optionally replacing it, and with
 * `gradients` the gradient of the selected output w.r.t. the recorded tensors. The hook is removed afterwards,
 * also when the forward or backward throws. Throws when the forward never calls the layer.
 *
 * @example
 * const { evals, grads } = layer_eval(net, net.conv2, [x], 3, null, { gradients: true });
 */
export function layer_eval(
  forward: ForwardFunc, layer: nn.Module, inputs: readonly Tensor[], target: TargetType, args: unknown[] | null, options: LayerEvalOptions = {},
): LayerEval {
  const to_input = options.attribute_to_layer_input ?? false;
  const want_grads = options.gradients ?? false;
  let saved: Tensor[] | null = null;
  let is_tuple = false;
  const capture = (value: unknown): Tensor[] => {
    const { list, is_tuple: tuple } = tensors_of(value, to_input ? 'input' : 'output');
    is_tuple = tuple;
    const replaced = options.replace ? options.replace(list) : list;
    saved = replaced.map((t) => (want_grads && !t.requires_grad ? t.detach().requires_grad_(true) : t));
    return saved.map((t) => (want_grads ? t.clone() : t));
  };
  const run = (): LayerEval => {
    using hooks = new HookSet();
    if (to_input) {
      hooks.add(layer.register_forward_pre_hook((_m, args_in) => {
        const out = capture([...(args_in as unknown[])]);
        return want_grads || options.replace ? out : undefined;
      }));
    } else {
      hooks.add(layer.register_forward_hook((_m, _a, out) => {
        const replaced = capture(out);
        if (!(want_grads || options.replace)) return undefined;
        return is_tuple ? replaced : replaced[0]!;
      }));
    }
    const output = run_forward(forward, inputs, target, args);
    if (saved === null) throw new Error(`Forward hook did not obtain any outputs for given layer ${layer._get_name()}`);
    const recorded: Tensor[] = saved;
    let grads: Tensor[] | null = null;
    if (want_grads) {
      if (output.ndim > 0 && output.numel() !== output.shape[0]) throw new Error('Target not provided when necessary, cannot take gradient with respect to multiple outputs.');
      grads = torch.autograd.grad(output.sum(), recorded).map((g, i) => (g === null ? torch.zeros_like(recorded[i]!) : g.detach()));
    }
    return { evals: recorded.map((t) => t.detach()), is_tuple, grads, output: output.detach() };
  };
  return want_grads ? torch.enable_grad(run) : torch.no_grad(run);
}

/** Base of the layer methods: the forward function and the layer (a module of the model, or its dotted path). */
export abstract class LayerAttribution extends GradientAttribution {
  readonly layer: nn.Module;

  constructor(forward_func: ForwardFunc, layer: nn.Module | string) {
    super(forward_func);
    this.layer = module_of(forward_func, layer);
  }

  /**
   * Captum's `LayerAttribution.interpolate`: resizes layer attributions `[N, C, h, w]` to `interpolate_dims`
   * with `F.interpolate` (default mode `'nearest'`; also `'bilinear'` and `'area'`).
   *
   * @example
   * attr.LayerAttribution.interpolate(cam, [28, 28]);             // nearest
   * attr.LayerAttribution.interpolate(cam, [28, 28], 'bilinear');
   */
  static interpolate(layer_attribution: Tensor, interpolate_dims: number | readonly number[], interpolate_mode: 'nearest' | 'bilinear' | 'area' = 'nearest'): Tensor {
    const dims = typeof interpolate_dims === 'number' ? [interpolate_dims, interpolate_dims] : [...interpolate_dims];
    if (layer_attribution.ndim !== 4 || dims.length !== 2) {
      throw new Error(`tsgrad: LayerAttribution.interpolate supports 4-D attributions [N, C, h, w] with two sizes; got shape [${layer_attribution.shape.join(', ')}] and sizes [${dims.join(', ')}]`);
    }
    const size: [number, number] = [dims[0]!, dims[1]!];
    if (interpolate_mode === 'area') return torch.adaptive_avg_pool2d(layer_attribution, size);
    return torch.interpolate(layer_attribution, { size, mode: interpolate_mode });
  }
}

export interface LayerOptions extends TargetOptions {
  /** Attribute to the layer's inputs instead of its outputs (default false). */
  attribute_to_layer_input?: boolean;
}

/**
 * Captum's LayerActivation: the layer's output (or input) for the inputs.
 *
 * @example
 * const acts = new attr.LayerActivation(net, net.conv2).attribute(x);
 */
export class LayerActivation extends LayerAttribution {
  attribute(inputs: Inputs, options: Omit<LayerOptions, 'target'> = {}): Tensor | Tensor[] {
    const { inputs: xs } = format_inputs(inputs);
    options = parse_options(ACTIVATION, inputs, options);
    const r = layer_eval(this.forward_func, this.layer, xs, null, format_args(options.additional_forward_args), options);
    return format_output(r.evals.length > 1, r.evals);
  }
}

/**
 * Captum's LayerGradientXActivation: `∂F/∂a ⊙ a` at the layer (or the gradient alone with `multiply_by_inputs` false).
 *
 * @example
 * const a = new attr.LayerGradientXActivation(net, net.conv2).attribute(x, { target: 3 });
 */
export class LayerGradientXActivation extends LayerAttribution {
  constructor(forward_func: ForwardFunc, layer: nn.Module | string, multiply_by_inputs = true) {
    super(forward_func, layer);
    this.multiply = multiply_by_inputs;
  }

  attribute(inputs: Inputs, options: LayerOptions = {}): Tensor | Tensor[] {
    const { inputs: xs } = format_inputs(inputs);
    options = parse_options(LAYER, inputs, options);
    const r = layer_eval(this.forward_func, this.layer, xs, options.target, format_args(options.additional_forward_args), { ...options, gradients: true });
    const out = this.multiply ? torch.no_grad(() => r.grads!.map((g, i) => g.mul(r.evals[i]!))) : r.grads!;
    return format_output(out.length > 1, out);
  }
}

export interface LayerGradCamOptions extends LayerOptions {
  /** ReLU the map (default false, as Captum). */
  relu_attributions?: boolean;
  /** Sum the weighted channels into one map (default true). */
  attr_dim_summation?: boolean;
}

/**
 * Captum's LayerGradCam: channel weights `mean over spatial dims of ∂F/∂A`, map `Σ_c w_c A_c` (keepdim, `[N, 1, h, w]`),
 * no ReLU unless `relu_attributions`.
 *
 * @example
 * const cam = new attr.LayerGradCam(net, net.conv2).attribute(x, { target: 3, relu_attributions: true });
 * attr.LayerAttribution.interpolate(cam, [28, 28]);
 */
export class LayerGradCam extends LayerAttribution {
  attribute(inputs: Inputs, options: LayerGradCamOptions = {}): Tensor | Tensor[] {
    const { inputs: xs } = format_inputs(inputs);
    const o = parse_options(GRAD_CAM, inputs, options);
    const r = layer_eval(this.forward_func, this.layer, xs, o.target, format_args(o.additional_forward_args), { ...o, gradients: true });
    const maps = torch.no_grad(() =>
      r.grads!.map((g, i) => {
        const w = g.ndim > 2 ? g.mean(Array.from({ length: g.ndim - 2 }, (_, d) => d + 2), { keepdim: true }) : g;
        const a = o.attr_dim_summation ? w.mul(r.evals[i]!).sum(1, { keepdim: true }) : w.mul(r.evals[i]!);
        return o.relu_attributions ? a.relu() : a;
      }),
    );
    return format_output(maps.length > 1, maps);
  }
}

export interface GuidedGradCamOptions extends TargetOptions {
  /** How the Grad-CAM map is resized to the input (default `'nearest'`). */
  interpolate_mode?: 'nearest' | 'bilinear' | 'area';
  attribute_to_layer_input?: boolean;
}

/**
 * Captum's GuidedGradCam: guided backpropagation times the ReLU'd Grad-CAM map of `layer`, resized to each input.
 *
 * @example
 * const a = new attr.GuidedGradCam(net, net.conv2).attribute(x, { target: 3 });
 */
export class GuidedGradCam extends GradientAttribution {
  private readonly grad_cam: LayerGradCam;
  private readonly guided_backprop: GuidedBackprop;

  constructor(model: nn.Module, layer: nn.Module | string) {
    super(model);
    this.grad_cam = new LayerGradCam(model, layer);
    this.guided_backprop = new GuidedBackprop(model);
  }

  attribute<I extends Inputs>(inputs: I, options: GuidedGradCamOptions = {}): AttrOut<I> {
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const { interpolate_mode, attribute_to_layer_input, ...rest } = parse_options(GUIDED_GRAD_CAM, inputs, options);
    const cam = this.grad_cam.attribute(xs, { ...rest, attribute_to_layer_input, relu_attributions: true });
    if (Array.isArray(cam)) throw new Error('GuidedGradCAM attributions for layer with multiple inputs / outputs is not supported.');
    const guided = this.guided_backprop.attribute(xs, rest);
    const out = torch.no_grad(() =>
      xs.map((x, i) => guided[i]!.mul(LayerAttribution.interpolate(cam, x.shape.slice(2), interpolate_mode ?? 'nearest'))),
    );
    return format_output(is_tuple, out) as AttrOut<I>;
  }
}
