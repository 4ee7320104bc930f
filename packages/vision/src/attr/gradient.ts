// Captum's plain gradient methods: Saliency, InputXGradient, GuidedBackprop and Deconvolution.
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { GradientAttribution, type AttrOut, type TargetOptions } from './base.js';
import { captum_backward_hook, compute_gradients, format_args, format_inputs, format_output, HookSet, parse_options, type Inputs } from './common.js';

const SALIENCY = torch.signature<Required<SaliencyOptions>>('Saliency.attribute(Tensor|Tensor[] inputs, *, Any target=None, Any additional_forward_args=None, bool abs=True)');
const PLAIN = torch.signature<Required<TargetOptions>>('attribute(Tensor|Tensor[] inputs, *, Any target=None, Any additional_forward_args=None)');

export interface SaliencyOptions extends TargetOptions {
  /** Return `|gradient|` (default true). */
  abs?: boolean;
}

/**
 * Captum's Saliency: the gradient of the target output w.r.t. each input, its absolute value by default.
 *
 * @example
 * const a = new attr.Saliency(net).attribute(x, { target: 3 });
 */
export class Saliency extends GradientAttribution {
  attribute<I extends Inputs>(inputs: I, options: SaliencyOptions = {}): AttrOut<I> {
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    options = parse_options(SALIENCY, inputs, options);
    const grads = compute_gradients(this.forward_func, xs, options.target, format_args(options.additional_forward_args));
    return format_output(is_tuple, options.abs ? grads.map((g) => g.abs()) : grads) as AttrOut<I>;
  }
}

/**
 * Captum's InputXGradient: `input ⊙ ∂F/∂input`.
 *
 * @example
 * const a = new attr.InputXGradient(net).attribute(x, { target: 3 });
 */
export class InputXGradient extends GradientAttribution {
  protected override multiply = true;

  attribute<I extends Inputs>(inputs: I, options: TargetOptions = {}): AttrOut<I> {
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    options = parse_options(PLAIN, inputs, options);
    const grads = compute_gradients(this.forward_func, xs, options.target, format_args(options.additional_forward_args));
    return format_output(is_tuple, torch.no_grad(() => grads.map((g, i) => xs[i]!.mul(g)))) as AttrOut<I>;
  }
}

/** Which gradient a rewritten `nn.ReLU` passes back, made non-negative: its input gradient (guided backprop) or its output gradient (deconvolution). */
export type ReluRule = 'grad_input' | 'grad_output';

/**
 * Runs `fn` with `rule` hooked onto every `nn.ReLU` module of `model` as Captum hooks them (tensor hooks, the ReLU
 * running on a clone of its input, so in-place and reused ReLUs work); a model without `nn.ReLU` modules gets the
 * plain gradient, as in Captum. The hooks are removed afterwards, also when `fn` throws.
 *
 * @example
 * const grads = relu_rule_gradients(net, 'grad_input', () => compute_gradients(net, [x], 3, null));
 */
export function relu_rule_gradients<T>(model: nn.Module, rule: ReluRule, fn: () => T): T {
  using hooks = new HookSet();
  for (const m of model.modules()) {
    if (m instanceof nn.ReLU) captum_backward_hook(m, (gi, go) => (rule === 'grad_input' ? gi : go).relu(), hooks);
  }
  return fn();
}

/** The gradient with a rule hooked onto every `nn.ReLU` of the model for the call; the hooks are always removed. */
abstract class ModifiedReluGradientAttribution extends GradientAttribution {
  /** @param model - The model; its `nn.ReLU` modules get the backward rule during `attribute`. */
  constructor(readonly model: nn.Module, private readonly rule: ReluRule) {
    super(model);
    if (!(model instanceof nn.Module)) throw new TypeError('Given model must be an instance of nn.Module to properly hook ReLU layers.');
  }

  attribute<I extends Inputs>(inputs: I, options: TargetOptions = {}): AttrOut<I> {
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    options = parse_options(PLAIN, inputs, options);
    const grads = relu_rule_gradients(this.model, this.rule, () => compute_gradients(this.forward_func, xs, options.target, format_args(options.additional_forward_args)));
    return format_output(is_tuple, grads) as AttrOut<I>;
  }
}

/**
 * Captum's GuidedBackprop: the gradient where every `nn.ReLU` passes back only the positive part of its input
 * gradient (`relu(grad_input)`).
 *
 * @example
 * const a = new attr.GuidedBackprop(net).attribute(x, { target: 3 });
 */
export class GuidedBackprop extends ModifiedReluGradientAttribution {
  constructor(model: nn.Module) {
    super(model, 'grad_input');
  }
}

/**
 * Captum's Deconvolution: every `nn.ReLU` passes back `relu(grad_output)`, ignoring its forward mask.
 *
 * @example
 * const a = new attr.Deconvolution(net).attribute(x, { target: 3 });
 */
export class Deconvolution extends ModifiedReluGradientAttribution {
  constructor(model: nn.Module) {
    super(model, 'grad_output');
  }
}
