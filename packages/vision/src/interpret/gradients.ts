// Gradient attributions on the input: vanilla saliency, SmoothGrad and Integrated Gradients.
import * as torch from '@tsgrad/core';
import type { Generator, Tensor } from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';
import { input_leaf, select_output, target_scores, type OutputOptions, type Target } from './targets.js';

/** The model's output, the per-sample scores and the input gradient of a call, all detached. */
export interface InputGradient {
  /** The model's output (after `output_selector`), `[N, ...]`. */
  output: Tensor;
  /** One score per sample, `[N]`. */
  scores: Tensor;
  /** `∂ score_n / ∂ x_n`, same shape as the input. */
  grad: Tensor;
}

/**
 * Runs `model` on a fresh leaf copy of `x` and differentiates the per-sample scores w.r.t. it with
 * `autograd.grad` (parameters' `.grad` are left alone). Samples are independent in eval mode, so the
 * gradient of `Σ_n score_n` holds each sample's own gradient. No tool switches the model's mode: call
 * `model.eval()` first (dropout and batch norm in training mode add noise and mix samples).
 *
 * @example
 * const { scores, grad } = input_gradient(net, x, [3]);
 */
export function input_gradient(model: nn.Module, x: Tensor, target: Target, options: OutputOptions = {}): InputGradient {
  return torch.enable_grad(() => {
    const leaf = input_leaf(x);
    const output = select_output(model.call(leaf), options.output_selector);
    if (output.shape[0] !== x.shape[0]) throw new Error(`the model output has batch size ${output.shape[0]} but the input has ${x.shape[0]} samples`);
    const scores = target_scores(output, target);
    const [grad] = torch.autograd.grad(scores.sum(), [leaf]);
    return { output: output.detach(), scores: scores.detach(), grad: grad!.detach() };
  });
}

/** How a map's channel dim is reduced: 'max' (of absolute values when `abs`), 'mean' or 'sum'. */
export type ChannelReduction = 'max' | 'mean' | 'sum';

function reduce_channels(s: Tensor, how: ChannelReduction | null): Tensor {
  if (how === null || s.ndim < 2) return s;
  if (how === 'max') return s.amax(1);
  if (how === 'mean') return s.mean(1);
  return s.sum(1);
}

/** Options of `saliency`. */
export interface SaliencyOptions extends OutputOptions {
  /** Take `|grad|` (default true). */
  abs?: boolean;
  /** Reduce the channel dim of the map (default `'max'`); `null` keeps it. */
  reduce_channels?: ChannelReduction | null;
}

export interface SaliencyResult extends InputGradient {
  /** `|grad|` (or `grad` with `abs: false`), same shape as the input. */
  saliency: Tensor;
  /** `saliency` reduced over channels, `[N, H, W]` (the saliency itself with `reduce_channels: null`). */
  map: Tensor;
}

/**
 * Vanilla saliency (Simonyan et al. 2014): `grad = ∂ out[n, c_n] / ∂ x`, `saliency = |grad|`,
 * `map = max over the channel dim of saliency`.
 *
 * @example
 * const { map } = saliency(net.eval(), x, 3); // map [1, 28, 28]
 */
export function saliency(model: nn.Module, x: Tensor, target: Target, options: SaliencyOptions = {}): SaliencyResult {
  const r = input_gradient(model, x, target, options);
  return torch.no_grad(() => {
    const s = options.abs ?? true ? r.grad.abs() : r.grad;
    return { ...r, saliency: s, map: reduce_channels(s, options.reduce_channels === undefined ? 'max' : options.reduce_channels) };
  });
}

/** Options of `smoothgrad`: those of `saliency`, and the noise. */
export interface SmoothGradOptions extends SaliencyOptions {
  /** Noisy copies per sample (default 50). */
  samples?: number;
  /** Noise standard deviation as a fraction of each sample's value range: `σ = noise_level·(max x − min x)` (default 0.15). */
  noise_level?: number;
  /** Random source of the noise (default: tsgrad's default generator). */
  generator?: Generator;
}

export interface SmoothGradResult extends SaliencyResult {
  /** The noise standard deviation used for each sample. */
  sigma: number[];
}

/**
 * SmoothGrad (Smilkov et al. 2017): the saliency averaged over noisy copies of the input,
 * `saliency = (1/n) Σ_i S(x + ε_i)` with `ε_i ~ N(0, σ²)`, `σ = noise_level·(max x − min x)` per sample and
 * `S` the vanilla saliency (`|∂score/∂x|`, or the signed gradient with `abs: false`). `grad` is the mean
 * signed gradient, `output`/`scores` are those of the clean input.
 *
 * @example
 * const { map } = smoothgrad(net, x, 3, { samples: 25, noise_level: 0.1, generator: new torch.Generator().manual_seed(0) });
 */
export function smoothgrad(model: nn.Module, x: Tensor, target: Target, options: SmoothGradOptions = {}): SmoothGradResult {
  const samples = options.samples ?? 50;
  const noise_level = options.noise_level ?? 0.15;
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`smoothgrad samples must be a positive integer, got ${samples}`);
  if (!(noise_level >= 0)) throw new Error(`smoothgrad noise_level must be >= 0, got ${noise_level}`);
  const n = x.shape[0]!;
  const per_sample = x.reshape([n, -1]);
  const sigma_t = torch.no_grad(() => per_sample.amax(1).sub(per_sample.amin(1)).mul(noise_level));
  const sigma = Array.from(sigma_t.data_array(), Number);
  const sigma_b = sigma_t.reshape([n, ...x.shape.slice(1).map(() => 1)]);
  const abs = options.abs ?? true;
  let grad_sum: Tensor | null = null;
  let sal_sum: Tensor | null = null;
  for (let i = 0; i < samples; i++) {
    const noisy = torch.no_grad(() => x.add(torch.randn(x.shape, { generator: options.generator, dtype: x._dtype }).mul(sigma_b)));
    // detached gradients: these sums record no graph
    const { grad } = input_gradient(model, noisy, target, options);
    const s = abs ? grad.abs() : grad;
    grad_sum = grad_sum === null ? grad : grad_sum.add(grad);
    sal_sum = sal_sum === null ? s : sal_sum.add(s);
  }
  const clean = torch.no_grad(() => {
    const output = select_output(model.call(x), options.output_selector);
    return { output, scores: target_scores(output, target) };
  });
  const saliency_mean = sal_sum!.div(samples);
  const how = options.reduce_channels === undefined ? 'max' : options.reduce_channels;
  return { ...clean, grad: grad_sum!.div(samples), saliency: saliency_mean, map: reduce_channels(saliency_mean, how), sigma };
}

/** Quadrature rules for the path integral of Integrated Gradients. */
export type IntegrationMethod = 'trapezoid' | 'riemann_left' | 'riemann_right' | 'riemann_middle';

/**
 * Points `α_k` in [0, 1] and weights `w_k` (summing to 1) of `steps` intervals of a quadrature rule.
 * `'trapezoid'` is the correct rule (`steps + 1` points, end weights halved). Captum's `riemann_trapezoid`
 * differs: `n` points with weights `1/n` (ends halved) that sum to `(n − 1)/n`; `attr.IntegratedGradients`
 * reproduces Captum's rule, this function keeps the correct one.
 *
 * @example
 * quadrature('trapezoid', 2); // { alphas: [0, 0.5, 1], weights: [0.25, 0.5, 0.25] }
 */
export function quadrature(method: IntegrationMethod, steps: number): {
  /** Positions on the path, in [0, 1]. */
  alphas: number[];
  /** Their weights (summing to 1). */
  weights: number[];
} {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`integrated_gradients steps must be a positive integer, got ${steps}`);
  const k = Array.from({ length: steps }, (_, i) => i);
  switch (method) {
    case 'trapezoid':
      return { alphas: [...k, steps].map((i) => i / steps), weights: [...k, steps].map((i) => (i === 0 || i === steps ? 0.5 : 1) / steps) };
    case 'riemann_left':
      return { alphas: k.map((i) => i / steps), weights: k.map(() => 1 / steps) };
    case 'riemann_right':
      return { alphas: k.map((i) => (i + 1) / steps), weights: k.map(() => 1 / steps) };
    case 'riemann_middle':
      return { alphas: k.map((i) => (i + 0.5) / steps), weights: k.map(() => 1 / steps) };
    default:
      throw new Error(`unknown integration method '${String(method)}' (trapezoid, riemann_left, riemann_right, riemann_middle)`);
  }
}

/** Options of `integrated_gradients`. */
export interface IntegratedGradientsOptions extends OutputOptions {
  /** The reference input `x'`: a tensor broadcastable to the input, or a constant (default 0). */
  baseline?: Tensor | number;
  /** Number of intervals on the straight path from `x'` to `x` (default 50). */
  steps?: number;
  /** Quadrature rule (default `'riemann_middle'`, the midpoint rule). */
  method?: IntegrationMethod;
}

/** What `integrated_gradients` returns. */
export interface IntegratedGradientsResult {
  /** `(x − x') ⊙ ∫₀¹ ∂F(x' + α(x − x'))/∂x dα`, same shape as the input. */
  attribution: Tensor;
  /** The model's output, detached. */
  output: Tensor;
  /** `F(x)` per sample. */
  scores: Tensor;
  /** `F(x')` per sample. */
  baseline_scores: Tensor;
  /** Completeness gap per sample: `Σ attribution − (F(x) − F(x'))`; shrinks as `steps` grows. */
  delta: Tensor;
}

/**
 * Integrated Gradients (Sundararajan et al. 2017):
 * `IG_i(x) = (x_i − x'_i) · ∫₀¹ ∂F(x' + α(x − x'))/∂x_i dα`, the integral approximated by `method` over
 * `steps` intervals. Completeness: `Σ_i IG_i ≈ F(x) − F(x')`; the gap is returned as `delta`. On ReLU
 * nets the integrand is piecewise constant along the path, so the error shrinks only like 1/steps: check
 * `delta` and raise `steps` (a few hundred) when it matters.
 *
 * @example
 * const { attribution, delta } = integrated_gradients(net, x, 3, { baseline: 0, steps: 100 });
 */
export function integrated_gradients(model: nn.Module, x: Tensor, target: Target, options: IntegratedGradientsOptions = {}): IntegratedGradientsResult {
  const { alphas, weights } = quadrature(options.method ?? 'riemann_middle', options.steps ?? 50);
  const b = options.baseline ?? 0;
  const baseline = typeof b === 'number' ? torch.full_like(x, b) : b;
  let expanded: Tensor;
  try {
    expanded = baseline.expand(x.shape);
  } catch {
    throw new Error(`baseline of shape [${baseline.shape.join(', ')}] cannot be broadcast to the input shape [${x.shape.join(', ')}]`);
  }
  const diff = torch.no_grad(() => x.sub(expanded));
  let avg: Tensor | null = null;
  for (let k = 0; k < alphas.length; k++) {
    const point = torch.no_grad(() => expanded.add(diff.mul(alphas[k]!)));
    const term = input_gradient(model, point, target, options).grad.mul(weights[k]!);
    avg = avg === null ? term : avg.add(term);
  }
  const avg_grad: Tensor = avg!;
  return torch.no_grad(() => {
    const output = select_output(model.call(x), options.output_selector);
    const scores = target_scores(output, target);
    const baseline_scores = target_scores(select_output(model.call(expanded.contiguous()), options.output_selector), target);
    const attribution = diff.mul(avg_grad);
    const n = x.shape[0]!;
    const delta = attribution.reshape([n, -1]).sum(1).sub(scores.sub(baseline_scores));
    return { attribution, output, scores, baseline_scores, delta };
  });
}
