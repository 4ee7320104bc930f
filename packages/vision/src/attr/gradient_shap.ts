// Captum's GradientShap: expected gradients at random points between the inputs and baselines drawn from a distribution.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { GradientAttribution, type TargetOptions, type WithDelta } from './base.js';
import {
  compute_gradients, format_args, format_baselines, format_inputs, format_output, parse_options, tensorize_baselines, type BaselineType,
  type Baseline, type ForwardFunc, type Inputs,
} from './common.js';
import { generator_source, NoiseTunnel, type RandomSource } from './noise_tunnel.js';

/**
 * `α x + (1 − α) x'` with one uniform `α` per sample (Captum's `_scale_input`), for each input.
 *
 * @example
 * const points = random_points([x], [0], generator_source());
 */
export function random_points(xs: readonly Tensor[], baselines: readonly Baseline[], random: RandomSource): Tensor[] {
  const n = xs[0]!.shape[0]!;
  const alpha = torch.tensor(random.uniform(n), { dtype: xs[0]!._dtype });
  return torch.no_grad(() =>
    xs.map((x, i) => {
      const a = alpha.reshape([n, ...x.shape.slice(1).map(() => 1)]);
      return a.mul(x).add(torch.ones_like(a).sub(a).mul(baselines[i]!));
    }),
  );
}

export interface InputBaselineXGradientOptions extends TargetOptions {
  /** Reference input(s): a number, a tensor per input, or per sample. Default 0. */
  baselines?: BaselineType;
  /** Also return the convergence delta: `[attributions, delta]`. */
  return_convergence_delta?: boolean;
  /** Randomness (tsgrad extension). */
  random?: RandomSource;
}

const INPUT_BASELINE = torch.signature<InputBaselineXGradientOptions>(
  'InputBaselineXGradient.attribute(Tensor|Tensor[] inputs, *, Any baselines=None, Any target=None, Any additional_forward_args=None, bool return_convergence_delta=False, Any random=None)',
);

/**
 * Captum's InputBaselineXGradient: the gradient at `α x + (1 − α) x'` with one uniform α per sample, times `x − x'`.
 *
 * @example
 * const a = new attr.InputBaselineXGradient(net).attribute(x, { baselines: b, target: 3 });
 */
export class InputBaselineXGradient extends GradientAttribution {
  constructor(forward_func: ForwardFunc, multiply_by_inputs = true) {
    super(forward_func);
    this.multiply = multiply_by_inputs;
  }

  protected override readonly has_delta = true;

  override accepts_random(): boolean {
    return true;
  }

  attribute<I extends Inputs, O extends InputBaselineXGradientOptions>(inputs: I, options?: O): WithDelta<I, O> {
    const o = parse_options(INPUT_BASELINE, inputs, options);
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const baselines = format_baselines(o.baselines, xs);
    const scaled = random_points(xs, baselines, o.random ?? generator_source());
    const grads = compute_gradients(this.forward_func, scaled, o.target, format_args(o.additional_forward_args));
    const attrs = this.multiply ? torch.no_grad(() => grads.map((g, i) => xs[i]!.sub(baselines[i]!).mul(g))) : grads;
    const out = format_output(is_tuple, attrs);
    if (!o.return_convergence_delta) return out as WithDelta<I, O>;
    return [out, this.compute_convergence_delta(attrs, tensorize_baselines(xs, baselines), xs, o)] as WithDelta<I, O>;
  }
}

export interface GradientShapOptions extends TargetOptions {
  /** The baseline distribution: a batch of references (one array entry per input for tuple inputs). */
  baselines: Tensor | readonly Tensor[];
  /** Random points per sample (default 5). */
  n_samples?: number;
  /** Gaussian noise added to the inputs (default 0). */
  stdevs?: number | readonly number[];
  /** Also return the convergence delta: `[attributions, delta]`. */
  return_convergence_delta?: boolean;
  /** Randomness (tsgrad extension): default tsgrad's generator. */
  random?: RandomSource;
}

const GRADIENT_SHAP = torch.signature<GradientShapOptions>(
  'GradientShap.attribute(Tensor|Tensor[] inputs, *, Tensor|Tensor[] baselines, int n_samples=5, float|float[] stdevs=0.0, Any target=None, Any additional_forward_args=None, bool return_convergence_delta=False, Any random=None)',
);

/**
 * Captum's GradientShap: NoiseTunnel (smoothgrad) over InputBaselineXGradient with each sample's baseline drawn
 * from the distribution, `n_samples` times.
 *
 * @example
 * const a = new attr.GradientShap(net).attribute(x, { baselines: background, n_samples: 20, target: 3 });
 */
export class GradientShap extends GradientAttribution {
  constructor(forward_func: ForwardFunc, multiply_by_inputs = true) {
    super(forward_func);
    this.multiply = multiply_by_inputs;
  }

  protected override readonly has_delta = true;

  attribute<I extends Inputs, O extends GradientShapOptions>(inputs: I, options: O): WithDelta<I, O> {
    const o = parse_options(GRADIENT_SHAP, inputs, options);
    const random = o.random ?? generator_source();
    const nt = new NoiseTunnel(new InputBaselineXGradient(this.forward_func, this.multiply));
    return nt.attribute(inputs, {
      nt_type: 'smoothgrad', nt_samples: o.n_samples, stdevs: o.stdevs, draw_baseline_from_distrib: true, baselines: o.baselines,
      target: o.target, additional_forward_args: o.additional_forward_args, return_convergence_delta: o.return_convergence_delta, random,
    }) as WithDelta<I, O>;
  }
}
