// The attribution base classes: the forward function, convergence delta, and the result types of `attribute`.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import {
  format_args, format_baselines, format_inputs, run_forward, sum_rows, tensorize_baselines, validate_target,
  type AdditionalForwardArgs, type BaselineType, type ForwardFunc, type Inputs, type TargetType,
} from './common.js';

/** An attribution for each input: a Tensor for a single input, an array for a tuple of inputs. */
export type AttrOut<I extends Inputs> = I extends Tensor ? Tensor : Tensor[];

/** With `return_convergence_delta: true`, `[attributions, delta]`; otherwise the attributions alone. */
export type WithDelta<I extends Inputs, O> = O extends {
  /** Set: `attribute` returns `[attributions, delta]`. */
  return_convergence_delta: true;
}
  ? [AttrOut<I>, Tensor]
  : AttrOut<I>;

/** Options every attribution understands. */
export interface TargetOptions {
  /** Which output to explain (see `TargetType`). */
  target?: TargetType;
  /** Extra arguments passed to the forward after the inputs. */
  additional_forward_args?: AdditionalForwardArgs;
}

/**
 * Base of every attribution method: holds the forward function (a module or a function).
 *
 * @example
 * const methods: attr.Attribution[] = [new attr.Saliency(net), new attr.IntegratedGradients(net)];
 * for (const m of methods) m.attribute(x, { target: 3 });
 */
export abstract class Attribution {
  /** @param forward_func - The model (an `nn.Module`) or a function from the inputs to the output. */
  constructor(readonly forward_func: ForwardFunc) {
    if (typeof forward_func !== 'function' && typeof (forward_func as { call?: unknown })?.call !== 'function') {
      throw new TypeError('forward_func must be an nn.Module or a function');
    }
  }

  /** Captum's `multiply_by_inputs`, for the methods whose constructor takes it. */
  protected multiply = false;
  /** Whether this method computes a convergence delta. */
  protected readonly has_delta: boolean = false;

  /** Whether `attribute` can return a convergence delta. */
  has_convergence_delta(): boolean {
    return this.has_delta;
  }

  /** Whether the attributions are multiplied by `(input − baseline)` (global attribution). */
  get multiplies_by_inputs(): boolean {
    return this.multiply;
  }

  /** Whether `attribute` takes a `random` source (sampled methods); NoiseTunnel passes its own down to them. */
  accepts_random(): boolean {
    return false;
  }

  /** `attribute` over formatted inputs, for wrappers such as NoiseTunnel. */
  abstract attribute(inputs: Inputs, options?: object): unknown;
}

/**
 * Attributions from gradients; they can measure completeness with `compute_convergence_delta`.
 *
 * @example
 * const ig = new attr.IntegratedGradients(net);
 * const a = ig.attribute(x, { target: 3 });
 * ig.compute_convergence_delta(a, 0, x, { target: 3 });
 */
export abstract class GradientAttribution extends Attribution {
  /**
   * Per sample, `Σ attributions − (F(end_point) − F(start_point))`, with the forward evaluated under no_grad.
   *
   * @example
   * const delta = ig.compute_convergence_delta(a, 0, x, { target: 3 });
   */
  compute_convergence_delta(attributions: Tensor | readonly Tensor[], start_point: BaselineType, end_point: Inputs, options: TargetOptions = {}): Tensor {
    const { inputs } = format_inputs(end_point, 'end_point');
    const starts = tensorize_baselines(inputs, format_baselines(start_point, inputs));
    const attrs = attributions instanceof torch.Tensor ? [attributions] : [...attributions];
    // several layers' attributions may outnumber the inputs: as Captum, only the leading pairs are compared
    attrs.slice(0, inputs.length).forEach((a, i) => {
      if (a.shape[0] !== inputs[i]!.shape[0]) {
        throw new Error(`Attributions tensor and the end_point must match on the first dimension but found attribution: ${a.shape[0]} and end_point: ${inputs[i]!.shape[0]}`);
      }
    });
    validate_target(inputs[0]!.shape[0]!, options.target);
    const args = format_args(options.additional_forward_args);
    return torch.no_grad(() => {
      const start = sum_rows(run_forward(this.forward_func, starts, options.target, args));
      const end = sum_rows(run_forward(this.forward_func, inputs, options.target, args));
      const total = attrs.map(sum_rows).reduce((a, b) => a.add(b));
      return total.sub(end.sub(start));
    });
  }
}
