// Guided backpropagation and deconvnet: backward hooks on every nn.ReLU module that rewrite the gradient below it.
import type { Grad, Tensor } from '@tsgrad/core';
import type { RemovableHandle } from '@tsgrad/hooks';
import * as nn from '@tsgrad/nn';
import { input_gradient } from './gradients.js';
import type { OutputOptions, Target } from './targets.js';

/** Options of `guided_backprop` and `deconvnet`. */
export interface ReluBackpropOptions extends OutputOptions {
  /**
   * Hook the ReLUs with the deprecated `register_backward_hook`, as the classic scripts do, instead of
   * `register_full_backward_hook`. For a ReLU both see the same gradients; the legacy kind also works with
   * `ReLU({ inplace: true })`, which full hooks reject. A module keeps the backward-hook kind it was first
   * given (PyTorch's rule), so use one kind per model.
   */
  legacy?: boolean;
}

/** An attribution on the input with the model's output and the per-sample scores, all detached. */
export interface GradientAttribution {
  /** Same shape as the input. */
  attribution: Tensor;
  /** The model's output, detached. */
  output: Tensor;
  /** One score per sample, `[N]`. */
  scores: Tensor;
}

/** A rewrite of a ReLU's input gradient from its input and output gradients. */
export type ReluRule = (grad_input: Grad, grad_output: Grad) => Grad;

/** Guided backprop keeps the positive part of grad_input; deconvnet the positive part of grad_output. */
export const GUIDED_RULE: ReluRule = (gi) => gi!.clamp({ min: 0 });
export const DECONV_RULE: ReluRule = (_gi, go) => (go === null ? null : go.clamp({ min: 0 }));

/**
 * Hooks `rule` onto every `nn.ReLU` module of `model` (full backward hooks, or the legacy kind) and returns the
 * handles; throws when the model has no `nn.ReLU` module.
 *
 * @example
 * const handles = hook_relus(net, GUIDED_RULE, false, 'GuidedBackprop');
 */
export function hook_relus(model: nn.Module, rule: ReluRule, legacy: boolean, tool: string): RemovableHandle[] {
  const relus = [...model.modules()].filter((m): m is nn.ReLU => m instanceof nn.ReLU);
  if (relus.length === 0) {
    throw new Error(`${tool}: ${model._get_name()} has no nn.ReLU modules to hook (a functional relu cannot be hooked); build the model with nn.ReLU modules, e.g. models.GuidedSimpleNet`);
  }
  const hook = (_m: nn.ReLU, gi: Grad[], go: Grad[]): Grad[] | undefined => {
    // a ReLU whose input needs no grad must return nothing (spec §7, E14)
    if (gi[0] === null || gi[0] === undefined) return undefined;
    return [rule(gi[0], go[0] ?? null)];
  };
  const handles: RemovableHandle[] = [];
  try {
    for (const relu of relus) handles.push(legacy ? relu.register_backward_hook(hook) : relu.register_full_backward_hook(hook));
  } catch (err) {
    for (const h of handles) h.remove();
    throw err;
  }
  return handles;
}

/**
 * Runs `input_gradient` with `rule` hooked onto every `nn.ReLU` module of `model`; all hooks are removed
 * afterwards, also when the model or the scoring throws.
 */
function relu_rule_gradient(tool: string, rule: ReluRule, model: nn.Module, x: Tensor, target: Target, options: ReluBackpropOptions): GradientAttribution {
  const handles = hook_relus(model, rule, options.legacy ?? false, tool);
  try {
    const r = input_gradient(model, x, target, options);
    return { attribution: r.grad, output: r.output, scores: r.scores };
  } finally {
    for (const h of handles) h.remove();
  }
}

/**
 * Guided backpropagation (Springenberg et al. 2015): the input gradient of the score where every ReLU
 * passes back only positive gradients at positive inputs. Each `nn.ReLU` gets a backward hook returning
 * `(grad_input[0].clamp(min=0),)`, i.e. `grad_output·[input > 0]` with negatives zeroed; the
 * result is the signed input gradient. Needs `nn.ReLU` modules (functional relu cannot be hooked).
 *
 * @example
 * const { attribution } = guided_backprop(new models.GuidedSimpleNet().eval(), x, 3);
 * guided_backprop(net, x, 3, { legacy: true }); // register_backward_hook, as the classic scripts
 */
export function guided_backprop(model: nn.Module, x: Tensor, target: Target, options: ReluBackpropOptions = {}): GradientAttribution {
  return relu_rule_gradient('guided_backprop', GUIDED_RULE, model, x, target, options);
}

/**
 * Deconvnet (Zeiler & Fergus 2014): like guided backprop, but each `nn.ReLU` hook returns
 * `(grad_output[0].clamp(min=0),)`, so the forward ReLU mask is ignored and only the sign of the gradient
 * flowing back decides.
 *
 * @example
 * const { attribution } = deconvnet(new models.GuidedSimpleNet().eval(), x, 3);
 */
export function deconvnet(model: nn.Module, x: Tensor, target: Target, options: ReluBackpropOptions = {}): GradientAttribution {
  return relu_rule_gradient('deconvnet', DECONV_RULE, model, x, target, options);
}
