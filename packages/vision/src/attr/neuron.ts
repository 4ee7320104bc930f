// Captum's neuron methods: the same attributions with one neuron of a layer as the output (NeuronGradient, NeuronIntegratedGradients, NeuronGuidedBackprop, NeuronDeconvolution).
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';
import { GradientAttribution, type AttrOut } from './base.js';
import { format_args, format_baselines, format_inputs, format_output, module_of, parse_options, run_forward, HookSet, type BaselineType, type ForwardFunc, type Inputs, type TargetType } from './common.js';
import { relu_rule_gradients, type ReluRule } from './gradient.js';
import type { ApproximationMethod } from './approximation.js';
import { integrate, type GradientFunc } from './integrated_gradients.js';

/** A slice of one layer dim in a neuron index: `{ start, stop }` (either may be left out). */
export interface NeuronSlice {
  /** First index (default 0). */
  start?: number;
  /** End index, excluded (default the dim size). */
  stop?: number;
}

/**
 * Which neuron: an index into the layer output's dim 1, an index tuple over the dims after the batch (slices
 * summed), or a function of the layer's output returning one value per sample.
 */
export type NeuronSelector = number | readonly (number | NeuronSlice)[] | ((layer_output: Tensor | Tensor[]) => Tensor);

/**
 * The selected neuron's value per sample, `[N]`.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function select_neuron(layer_output: Tensor[], selector: NeuronSelector): Tensor {
  if (typeof selector === 'function') return selector(layer_output.length > 1 ? layer_output : layer_output[0]!);
  if (layer_output.length !== 1) throw new Error('Cannot select neuron index from layer with multiple tensors,consider providing a neuron selector function instead.');
  const out = layer_output[0]!;
  const index = typeof selector === 'number' ? [selector] : [...selector];
  if (index.length > out.ndim - 1) throw new Error(`Cannot choose target column with output shape [${out.shape.join(', ')}].`);
  index.forEach((k, d) => {
    if (typeof k === 'number' && (k < -out.shape[d + 1]! || k >= out.shape[d + 1]!)) {
      throw new RangeError(`index ${k} is out of bounds for dimension ${d + 1} with size ${out.shape[d + 1]}`);
    }
  });
  const picked = out.index([{}, ...index.map((k) => (typeof k === 'number' ? k : { start: k.start, stop: k.stop }))]);
  return index.some((k) => typeof k !== 'number') ? picked.reshape([picked.shape[0]!, -1]).sum(1) : picked;
}

/**
 * A gradient function (for IG, guided backprop, …) whose "output" is the selected neuron of `layer`: the forward
 * runs with a hook recording the layer's output (or input), the neuron is selected, and its gradient w.r.t. the
 * inputs is taken. The hook is removed afterwards.
 *
 * @example
 * const grad_fn = neuron_gradient_func(net.conv2, [3, 1, 1], false);
 */
export function neuron_gradient_func(layer: nn.Module, selector: NeuronSelector, to_input: boolean): GradientFunc {
  return (forward, inputs, _target, args) =>
    torch.enable_grad(() => {
      const leaves = inputs.map((t) => t.detach().requires_grad_(true));
      let saved: Tensor[] | null = null;
      {
        using hooks = new HookSet();
        // a clone, as Captum: later in-place ops of the model (a residual `out += identity`) cannot change it
        const keep = (v: unknown): void => {
          saved = (Array.isArray(v) ? v : [v]).filter((t): t is Tensor => t instanceof torch.Tensor).map((t) => t.clone());
        };
        hooks.add(to_input ? layer.register_forward_pre_hook((_m, a) => keep([...(a as unknown[])])) : layer.register_forward_hook((_m, _a, out) => keep(out)));
        run_forward(forward, leaves, null, args);
      }
      if (saved === null) throw new Error(`Forward hook did not obtain any outputs for given layer ${layer._get_name()}`);
      const neuron = select_neuron(saved, selector);
      return torch.autograd.grad(neuron.sum(), leaves).map((g, i) => (g === null ? torch.zeros_like(inputs[i]!) : g.detach()));
    });
}

/** Options of the gradient-based neuron methods. */
export interface NeuronOptions {
  /** The neuron to explain. */
  neuron_selector: NeuronSelector;
  /** Extra arguments passed to the forward after the inputs. */
  additional_forward_args?: unknown;
  /** Select the neuron from the layer's input instead of its output (default false). */
  attribute_to_neuron_input?: boolean;
}

const NEURON = torch.signature<NeuronOptions>(
  'attribute(Tensor|Tensor[] inputs, *, Any neuron_selector, Any additional_forward_args=None, bool attribute_to_neuron_input=False)',
);

/** Base of the neuron methods: the forward function and the layer holding the neuron. */
abstract class NeuronAttribution extends GradientAttribution {
  /** The layer holding the neuron. */
  readonly layer: nn.Module;

  constructor(forward_func: ForwardFunc, layer: nn.Module | string) {
    super(forward_func);
    this.layer = module_of(forward_func, layer);
  }
}

/**
 * Captum's NeuronGradient: the gradient of one neuron of `layer` w.r.t. the inputs.
 *
 * @example
 * const g = new attr.NeuronGradient(net, net.conv2).attribute(x, { neuron_selector: [3, 1, 1] });
 */
export class NeuronGradient extends NeuronAttribution {
  attribute<I extends Inputs>(inputs: I, options: NeuronOptions): AttrOut<I> {
    const o = parse_options(NEURON, inputs, options);
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const grads = neuron_gradient_func(this.layer, o.neuron_selector, o.attribute_to_neuron_input ?? false)(this.forward_func, xs, null, format_args(o.additional_forward_args));
    return format_output(is_tuple, grads) as AttrOut<I>;
  }
}

/** Options of `NeuronIntegratedGradients.attribute`. */
export interface NeuronIntegratedGradientsOptions extends NeuronOptions {
  /** Reference input(s) features are replaced with: a number, a tensor per input, or per sample. Default 0. */
  baselines?: BaselineType;
  /** Integration steps (default 50). */
  n_steps?: number;
  /** Integration rule (default 'gausslegendre'). */
  method?: ApproximationMethod;
  /** Steps per forward/backward batch; default all at once. */
  internal_batch_size?: number | null;
}

const NEURON_IG = torch.signature<NeuronIntegratedGradientsOptions>(
  'NeuronIntegratedGradients.attribute(Tensor|Tensor[] inputs, *, Any neuron_selector, Any baselines=None, Any additional_forward_args=None, int n_steps=50, str method="gausslegendre", int? internal_batch_size=None, bool attribute_to_neuron_input=False)',
);

/**
 * Captum's NeuronIntegratedGradients: Integrated Gradients of one neuron of `layer`.
 *
 * @example
 * const a = new attr.NeuronIntegratedGradients(net, net.conv2).attribute(x, { neuron_selector: [3, 1, 1], n_steps: 50 });
 */
export class NeuronIntegratedGradients extends NeuronAttribution {
  constructor(forward_func: ForwardFunc, layer: nn.Module | string, multiply_by_inputs = true) {
    super(forward_func, layer);
    this.multiply = multiply_by_inputs;
  }

  attribute<I extends Inputs>(inputs: I, options: NeuronIntegratedGradientsOptions): AttrOut<I> {
    const o = parse_options(NEURON_IG, inputs, options);
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const attrs = integrate({
      forward: this.forward_func, inputs: xs, baselines: format_baselines(o.baselines, xs), target: null, args: format_args(o.additional_forward_args),
      n_steps: o.n_steps ?? 50, method: o.method ?? 'gausslegendre', internal_batch_size: o.internal_batch_size, multiply: this.multiply,
      gradient_func: neuron_gradient_func(this.layer, o.neuron_selector, o.attribute_to_neuron_input ?? false),
    });
    return format_output(is_tuple, attrs) as AttrOut<I>;
  }
}

/** Guided backprop / deconvolution of one neuron. */
abstract class NeuronReluAttribution extends NeuronAttribution {
  /**
   * @param model - The model; its `nn.ReLU` modules get the backward rule during `attribute`.
   * @param layer - The layer holding the neuron (a module of the model, or its dotted path).
   */
  constructor(readonly model: nn.Module, layer: nn.Module | string, private readonly rule: ReluRule) {
    super(model, layer);
  }

  attribute<I extends Inputs>(inputs: I, options: NeuronOptions): AttrOut<I> {
    const o = parse_options(NEURON, inputs, options);
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const grad_fn = neuron_gradient_func(this.layer, o.neuron_selector, o.attribute_to_neuron_input ?? false);
    return format_output(is_tuple, relu_rule_gradients(this.model, this.rule, () => grad_fn(this.model, xs, null, format_args(o.additional_forward_args)))) as AttrOut<I>;
  }
}

/**
 * Captum's NeuronGuidedBackprop: guided backpropagation from one neuron of `layer`.
 *
 * @example
 * const a = new attr.NeuronGuidedBackprop(net, net.conv2).attribute(x, { neuron_selector: [3, 1, 1] });
 */
export class NeuronGuidedBackprop extends NeuronReluAttribution {
  constructor(model: nn.Module, layer: nn.Module | string) {
    super(model, layer, 'grad_input');
  }
}

/**
 * Captum's NeuronDeconvolution: deconvolution from one neuron of `layer`.
 *
 * @example
 * const a = new attr.NeuronDeconvolution(net, net.conv2).attribute(x, { neuron_selector: [3, 1, 1] });
 */
export class NeuronDeconvolution extends NeuronReluAttribution {
  constructor(model: nn.Module, layer: nn.Module | string) {
    super(model, layer, 'grad_output');
  }
}

/** Options of `NeuronConductance.attribute`: those of `NeuronIntegratedGradients` and the output target. */
export interface NeuronConductanceOptions extends NeuronIntegratedGradientsOptions {
  /** Which output the conductance flows to (see `TargetType`). */
  target?: TargetType;
}

const NEURON_CONDUCTANCE = torch.signature<NeuronConductanceOptions>(
  'NeuronConductance.attribute(Tensor|Tensor[] inputs, *, Any neuron_selector, Any baselines=None, Any target=None, Any additional_forward_args=None, int n_steps=50, str method="riemann_trapezoid", int? internal_batch_size=None, bool attribute_to_neuron_input=False)',
);

/**
 * Captum's NeuronConductance: along the input path, the gradient of the target w.r.t. the neuron times the
 * neuron's gradient w.r.t. each input, integrated (Captum's default rule here is `riemann_trapezoid`) and
 * multiplied by `input − baseline`: how much each input feature flows through the neuron into the output.
 *
 * @example
 * const a = new attr.NeuronConductance(net, net.conv2).attribute(x, { neuron_selector: [3, 1, 1], target: 7 });
 */
export class NeuronConductance extends NeuronAttribution {
  constructor(forward_func: ForwardFunc, layer: nn.Module | string, multiply_by_inputs = true) {
    super(forward_func, layer);
    this.multiply = multiply_by_inputs;
  }

  attribute<I extends Inputs>(inputs: I, options: NeuronConductanceOptions): AttrOut<I> {
    const o = parse_options(NEURON_CONDUCTANCE, inputs, options);
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const layer = this.layer;
    const to_input = o.attribute_to_neuron_input ?? false;
    const attrs = integrate({
      forward: this.forward_func, inputs: xs, baselines: format_baselines(o.baselines, xs), target: o.target, args: format_args(o.additional_forward_args),
      n_steps: o.n_steps ?? 50, method: o.method ?? 'riemann_trapezoid', internal_batch_size: o.internal_batch_size, multiply: this.multiply,
      gradient_func: (forward, scaled, target, args) =>
        torch.enable_grad(() => {
          const leaves = scaled.map((t) => t.detach().requires_grad_(true));
          let saved: Tensor[] | null = null;
          let out: Tensor;
          {
            using hooks = new HookSet();
            const keep = (v: unknown): void => {
              saved = (Array.isArray(v) ? v : [v]).filter((t): t is Tensor => t instanceof torch.Tensor);
            };
            hooks.add(to_input ? layer.register_forward_pre_hook((_m, a) => keep([...(a as unknown[])])) : layer.register_forward_hook((_m, _a, r) => keep(r)));
            out = run_forward(forward, leaves, target, args);
          }
          if (saved === null) throw new Error(`Forward hook did not obtain any outputs for given layer ${layer._get_name()}`);
          const at_layer: Tensor[] = saved;
          const layer_grads = torch.autograd.grad(out.sum(), at_layer, { retain_graph: true }).map((g, i) => g ?? torch.zeros_like(at_layer[i]!));
          const mid = select_neuron(layer_grads.map((g) => g.detach()), o.neuron_selector);
          const neuron = select_neuron(at_layer, o.neuron_selector);
          const input_grads = torch.autograd.grad(neuron.sum(), leaves).map((g, i) => (g === null ? torch.zeros_like(scaled[i]!) : g.detach()));
          return input_grads.map((g) => g.mul(mid.reshape([mid.shape[0]!, ...g.shape.slice(1).map(() => 1)])));
        }),
    });
    return format_output(is_tuple, attrs) as AttrOut<I>;
  }
}
