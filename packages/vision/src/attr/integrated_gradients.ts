// Captum's IntegratedGradients, and the internal batching over integration steps shared by the path methods.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { approximation_parameters, type ApproximationMethod } from './approximation.js';
import { GradientAttribution, type TargetOptions, type WithDelta } from './base.js';
import {
  check_positive_int, compute_gradients, expand_args, parse_options, expand_target, format_args, format_baselines, format_inputs, format_output,
  validate_target, type Baseline, type BaselineType, type ForwardFunc, type Inputs, type TargetType,
} from './common.js';

/** Step sizes and alphas of one run over (part of) the path. */
export interface PathSteps {
  /** Weight of each step. */
  step_sizes: number[];
  /** Position of each step on the path, in [0, 1]. */
  alphas: number[];
}

/**
 * Runs `run` over the integration steps in chunks of `max(1, internal_batch_size / num_examples)` steps and
 * sums the results (Captum's internal batching). With `include_endpoint`, consecutive chunks share one step
 * (methods taking finite differences along the path).
 *
 * @example
 * batch_attribution(2, 8, 50, 'gausslegendre', false, (steps) => ig_part(steps));
 */
export function batch_attribution(
  num_examples: number, internal_batch_size: number | null | undefined, n_steps: number, method: ApproximationMethod, include_endpoint: boolean,
  run: (steps: PathSteps) => Tensor[],
): Tensor[] {
  const full = approximation_parameters(method, n_steps);
  if (internal_batch_size === null || internal_batch_size === undefined) return run(full);
  check_positive_int(internal_batch_size, 'internal_batch_size');
  let step_count = Math.max(1, Math.floor(internal_batch_size / num_examples));
  if (include_endpoint && step_count < 2) step_count = 2;
  let total: Tensor[] | null = null;
  let done = 0;
  while (done < n_steps) {
    const start = done;
    const end = Math.min(start + step_count, n_steps);
    const part = run({ step_sizes: full.step_sizes.slice(start, end), alphas: full.alphas.slice(start, end) });
    total = total === null ? part : part.map((p, i) => p.detach().add(total![i]!));
    done = include_endpoint && end < n_steps ? end - 1 : end;
  }
  return total!;
}

/**
 * `baseline + α (input − baseline)` for every α, concatenated along the batch dim.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function scaled_path(input: Tensor, baseline: Baseline, alphas: readonly number[]): Tensor {
  return torch.no_grad(() => {
    const diff = input.sub(baseline);
    return torch.cat(alphas.map((a) => diff.mul(a).add(baseline)), 0);
  });
}

/**
 * `Σ_k step_k · grads[k]` over the steps of a path batch `[n_steps · N, ...]`, giving `[N, ...]`.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function sum_over_steps(grad: Tensor, step_sizes: readonly number[]): Tensor {
  return torch.no_grad(() => {
    const n = step_sizes.length;
    const w = torch.tensor([...step_sizes], { dtype: 'float32' }).reshape([n, 1]);
    const scaled = grad.contiguous().reshape([n, -1]).mul(w);
    return scaled.reshape([n, grad.shape[0]! / n, ...grad.shape.slice(1)]).sum(0);
  });
}

const IG = torch.signature<IntegratedGradientsOptions>(
  'IntegratedGradients.attribute(Tensor|Tensor[] inputs, *, Any baselines=None, Any target=None, Any additional_forward_args=None, int n_steps=50, str method="gausslegendre", int? internal_batch_size=None, bool return_convergence_delta=False)',
);

/** Gradients of the selected outputs w.r.t. the inputs (Captum's `gradient_func`; neuron and layer methods swap it). */
export type GradientFunc = (forward: ForwardFunc, inputs: Tensor[], target: TargetType, args: unknown[] | null) => Tensor[];

/** One Integrated Gradients run: what `integrate` needs. */
export interface IntegratePlan {
  /** The model or function whose gradients are integrated. */
  forward?: ForwardFunc;
  /** The inputs, as a list. */
  inputs: Tensor[];
  /** One baseline per input. */
  baselines: Baseline[];
  /** Which output is explained. */
  target: TargetType;
  /** Extra forward arguments, or null. */
  args: unknown[] | null;
  /** Number of steps. */
  n_steps: number;
  /** The integration rule. */
  method: ApproximationMethod;
  /** Steps per forward/backward batch; default all at once. */
  internal_batch_size?: number | null;
  /** Multiply the integrated gradients by `input − baseline`. */
  multiply: boolean;
  /** Default: the gradient of the selected outputs w.r.t. the inputs. */
  gradient_func?: GradientFunc;
}

/**
 * Integrated Gradients as Captum computes it: the path points for every alpha concatenated along the batch,
 * one gradient call per chunk of steps, the gradients weighted by the step sizes and summed.
 *
 * @example
 * const [a] = integrate({ forward: net, inputs: [x], baselines: [0], target: 3, args: null, n_steps: 50, method: 'gausslegendre', multiply: true });
 */
export function integrate(plan: IntegratePlan): Tensor[] {
  const { inputs: xs, baselines, target, args } = plan;
  check_positive_int(plan.n_steps, 'n_steps', 0);
  approximation_parameters(plan.method, Math.max(plan.n_steps, 2));
  validate_target(xs[0]!.shape[0]!, target);
  const grad_fn = plan.gradient_func ?? compute_gradients;
  const forward = plan.forward ?? (() => {
    throw new Error('integrate needs a forward function');
  });
  return batch_attribution(xs[0]!.shape[0]!, plan.internal_batch_size, plan.n_steps, plan.method, false, (steps) => {
    const n = steps.alphas.length;
    const scaled = xs.map((x, i) => scaled_path(x, baselines[i]!, steps.alphas));
    const grads = grad_fn(forward, scaled, expand_target(target, n), expand_args(args, n));
    const total = grads.map((g) => sum_over_steps(g, steps.step_sizes));
    return plan.multiply ? torch.no_grad(() => total.map((t, i) => t.mul(xs[i]!.sub(baselines[i]!)))) : total;
  });
}

export interface IntegratedGradientsOptions extends TargetOptions {
  /** Starting points of the path (default zeros). */
  baselines?: BaselineType;
  /** Number of integration steps (default 50). */
  n_steps?: number;
  /** Quadrature rule (default `'gausslegendre'`). */
  method?: ApproximationMethod;
  /** Largest batch per forward: the steps are split into chunks (default: all steps at once). */
  internal_batch_size?: number | null;
  /** Also return the completeness gap per sample. */
  return_convergence_delta?: boolean;
}

/**
 * Captum's IntegratedGradients: `(x − x') ⊙ Σ_k w_k ∂F(x' + α_k (x − x'))/∂x` over Captum's rules (`method`),
 * with optional convergence delta.
 *
 * @example
 * const [a, delta] = new attr.IntegratedGradients(net).attribute(x, { baselines: 0, target: 3, n_steps: 50, return_convergence_delta: true });
 */
export class IntegratedGradients extends GradientAttribution {
  constructor(forward_func: ForwardFunc, multiply_by_inputs = true) {
    super(forward_func);
    this.multiply = multiply_by_inputs;
  }

  protected override readonly has_delta = true;

  attribute<I extends Inputs, O extends IntegratedGradientsOptions>(inputs: I, options?: O): WithDelta<I, O> {
    const o = parse_options(IG, inputs, options);
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const attrs = integrate({
      forward: this.forward_func, inputs: xs, baselines: format_baselines(o.baselines, xs), target: o.target,
      args: format_args(o.additional_forward_args), n_steps: o.n_steps ?? 50, method: o.method ?? 'gausslegendre',
      internal_batch_size: o.internal_batch_size, multiply: this.multiply,
    });
    const out = format_output(is_tuple, attrs);
    if (!o.return_convergence_delta) return out as WithDelta<I, O>;
    const delta = this.compute_convergence_delta(attrs, o.baselines, xs, o);
    return [out, delta] as WithDelta<I, O>;
  }
}
