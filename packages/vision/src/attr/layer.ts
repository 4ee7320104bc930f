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

/** `LayerEval` for several layers hooked during the same forward: one entry per layer. */
export interface LayersEval {
  /** Per layer, the recorded tensors (a layer may take or return several). */
  evals: Tensor[][];
  /** Per layer, whether they came as a tuple. */
  is_tuple: boolean[];
  /** Per layer, the gradients of the selected output with respect to them, or null. */
  grads: Tensor[][] | null;
  /** The model's output. */
  output: Tensor;
}

function tensors_of(v: unknown, what: string): { list: Tensor[]; is_tuple: boolean } {
  if (v instanceof torch.Tensor) return { list: [v], is_tuple: false };
  if (Array.isArray(v) && v.length > 0 && v.every((t) => t instanceof torch.Tensor)) return { list: [...(v as Tensor[])], is_tuple: true };
  throw new Error(`the layer's ${what} is not a Tensor or a tuple of Tensors`);
}

/** Options of `layer_eval`. */
export interface LayerEvalOptions {
  /** Record the layer's inputs instead of its outputs. */
  attribute_to_layer_input?: boolean;
  /** Also take the gradient of the selected output w.r.t. the recorded tensors. */
  gradients?: boolean;
  /** Replace the output (input) of layer `layer_index` with these tensors during the forward (path methods on a layer). */
  replace?: (recorded: Tensor[], layer_index: number) => Tensor[];
}

/**
 * Runs the forward with hooks on `layers` recording each one's output (or input), as Captum does: without
 * gradients a clone (later in-place ops of the model cannot change it); with `gradients` the tensor itself, the
 * model continuing on a clone, and the gradient of the selected output w.r.t. all recorded tensors taken at once
 * (so a layer's gradient includes paths through the other hooked layers). A layer called several times keeps its
 * last call. `replace` substitutes a layer's value for the forward. The hooks are removed afterwards, also when
 * the forward or backward throws; throws when the forward never calls a layer.
 *
 * @example
 * const { evals, grads } = layers_eval(net, [net.layer1, net.layer2], [x], 3, null, { gradients: true });
 */
export function layers_eval(
  forward: ForwardFunc, layers: readonly nn.Module[], inputs: readonly Tensor[], target: TargetType, args: unknown[] | null, options: LayerEvalOptions = {},
): LayersEval {
  const to_input = options.attribute_to_layer_input ?? false;
  const want_grads = options.gradients ?? false;
  const saved: (Tensor[] | null)[] = layers.map(() => null);
  const is_tuple: boolean[] = layers.map(() => false);
  // the value the model continues with, or undefined to leave the layer's value as it is
  const capture = (k: number, value: unknown): Tensor[] | undefined => {
    const { list, is_tuple: tuple } = tensors_of(value, to_input ? 'input' : 'output');
    is_tuple[k] = tuple;
    const replaced = options.replace ? options.replace(list, k) : list;
    if (!want_grads && !options.replace) {
      saved[k] = list.map((t) => t.clone());
      return undefined;
    }
    saved[k] = want_grads ? replaced.map((t) => (t.requires_grad ? t : t.detach().requires_grad_(true))) : replaced;
    return saved[k]!.map((t) => (want_grads ? t.clone() : t));
  };
  const run = (): LayersEval => {
    using hooks = new HookSet();
    layers.forEach((layer, k) => {
      if (to_input) {
        hooks.add(layer.register_forward_pre_hook((_m, args_in) => capture(k, [...(args_in as unknown[])]) as never));
      } else {
        hooks.add(layer.register_forward_hook((_m, _a, out) => {
          const replaced = capture(k, out);
          return replaced === undefined || is_tuple[k] ? replaced : replaced[0]!;
        }));
      }
    });
    const output = run_forward(forward, inputs, target, args);
    const recorded = saved.map((s, k) => {
      if (s === null) throw new Error(`Forward hook did not obtain any outputs for given layer ${layers[k]!._get_name()}`);
      return s;
    });
    let grads: Tensor[][] | null = null;
    if (want_grads) {
      if (output.ndim > 0 && output.numel() !== output.shape[0]) throw new Error('Target not provided when necessary, cannot take gradient with respect to multiple outputs.');
      const flat = recorded.flat();
      const g = torch.autograd.grad(output.sum(), flat).map((t, i) => (t === null ? torch.zeros_like(flat[i]!) : t.detach()));
      grads = split_like(g, recorded);
    }
    return { evals: recorded.map((r) => r.map((t) => t.detach())), is_tuple, grads, output: output.detach() };
  };
  return want_grads ? torch.enable_grad(run) : torch.no_grad(run);
}

/**
 * `flat` cut into consecutive groups as long as those of `like`.
 *
 * @example
 * attr.split_like([1, 2, 3], [[0, 0], [0]]); // [[1, 2], [3]]
 */
export function split_like<T>(flat: readonly T[], like: readonly (readonly unknown[])[]): T[][] {
  let at = 0;
  return like.map((group) => flat.slice(at, (at += group.length)));
}

/**
 * `layers_eval` for one layer.
 *
 * @example
 * const { evals, grads } = layer_eval(net, net.conv2, [x], 3, null, { gradients: true });
 */
export function layer_eval(
  forward: ForwardFunc, layer: nn.Module, inputs: readonly Tensor[], target: TargetType, args: unknown[] | null, options: LayerEvalOptions = {},
): LayerEval {
  const r = layers_eval(forward, [layer], inputs, target, args, options);
  return { evals: r.evals[0]!, is_tuple: r.is_tuple[0]!, grads: r.grads?.[0] ?? null, output: r.output };
}

/** A layer of the model: the module itself or its dotted path. */
export type LayerSpec = nn.Module | string;

/** One layer, or a list of layers (Captum's `ModuleOrModuleList`): a list gives one attribution per layer. */
export type LayersSpec = LayerSpec | readonly LayerSpec[];

/**
 * The first layer of a `LayersSpec` (the layer itself when it is not a list); throws on an empty list.
 *
 * @example
 * attr.first_layer(['conv1', 'conv2']); // 'conv1'
 */
export function first_layer(layer: LayersSpec): LayerSpec {
  if (typeof layer === 'string' || layer instanceof nn.Module) return layer;
  if (layer.length === 0) throw new Error('the list of layers is empty');
  return layer[0]!;
}

/** Attributions per layer as Captum returns them: the layer's one (a Tensor, or an array for a tuple), or a list of those for a list of layers. */
export type LayersOut = Tensor | Tensor[] | (Tensor | Tensor[])[];

/**
 * Base of the layer methods: the forward function and the layer (a module of the model, or its dotted path).
 *
 * @example
 * const la: attr.LayerAttribution = new attr.LayerGradCam(net, 'conv2');
 * la.layer; // the Conv2d module
 */
export abstract class LayerAttribution extends GradientAttribution {
  /** The layer (the first one when a list was given). */
  readonly layer: nn.Module;
  /** Every layer, in the order given. */
  readonly layers: readonly nn.Module[];
  /** Whether the layers were given as a list (then the result is a list, one entry per layer). */
  readonly is_layer_list: boolean;

  constructor(forward_func: ForwardFunc, layer: LayerSpec) {
    super(forward_func);
    this.layer = module_of(forward_func, layer);
    this.layers = [this.layer];
    this.is_layer_list = false;
  }

  /** For the classes that take a list of layers too: records them (called from their constructor after `super(f, first_layer(layer))`). */
  protected set_layers(layer: LayersSpec): void {
    if (typeof layer === 'string' || layer instanceof nn.Module) return;
    const modules = layer.map((l) => module_of(this.forward_func, l));
    Object.assign(this, { layer: modules[0]!, layers: modules, is_layer_list: true });
  }

  /** Captum's `_format_outputs`: per layer its tensors (one Tensor or an array), as a list when layers were given as a list. */
  protected format_layers(per_layer: readonly (readonly Tensor[])[]): LayersOut {
    const out = per_layer.map((ts) => format_output(ts.length > 1, [...ts]));
    return this.is_layer_list ? out : out[0]!;
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
  constructor(forward_func: ForwardFunc, layer: LayersSpec) {
    super(forward_func, first_layer(layer));
    this.set_layers(layer);
  }

  attribute(inputs: Inputs, options: Omit<LayerOptions, 'target'> = {}): LayersOut {
    const { inputs: xs } = format_inputs(inputs);
    options = parse_options(ACTIVATION, inputs, options);
    return this.format_layers(layers_eval(this.forward_func, this.layers, xs, null, format_args(options.additional_forward_args), options).evals);
  }
}

/**
 * Captum's LayerGradientXActivation: `∂F/∂a ⊙ a` at the layer (or the gradient alone with `multiply_by_inputs` false).
 *
 * @example
 * const a = new attr.LayerGradientXActivation(net, net.conv2).attribute(x, { target: 3 });
 */
export class LayerGradientXActivation extends LayerAttribution {
  constructor(forward_func: ForwardFunc, layer: LayersSpec, multiply_by_inputs = true) {
    super(forward_func, first_layer(layer));
    this.set_layers(layer);
    this.multiply = multiply_by_inputs;
  }

  attribute(inputs: Inputs, options: LayerOptions = {}): LayersOut {
    const { inputs: xs } = format_inputs(inputs);
    options = parse_options(LAYER, inputs, options);
    const r = layers_eval(this.forward_func, this.layers, xs, options.target, format_args(options.additional_forward_args), { ...options, gradients: true });
    const out = this.multiply ? torch.no_grad(() => r.grads!.map((gs, k) => gs.map((g, i) => g.mul(r.evals[k]![i]!)))) : r.grads!;
    return this.format_layers(out);
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
  /** Take the Grad-CAM of the layer's input instead of its output. Default false. */
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
