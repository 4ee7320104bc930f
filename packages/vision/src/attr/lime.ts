// Captum's Lime and KernelShap: a weighted linear surrogate fitted to the model on random on/off patterns of features.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { symmetric_eigen } from '../cams/image.js';
import { Attribution, type AttrOut, type TargetOptions } from './base.js';
import {
  call_forward, check_positive_int, expand_args, expand_target, format_args, format_baselines, format_inputs, format_output, parse_options,
  select_targets, tensorize_baselines, type BaselineType, type ForwardFunc, type Inputs, type TargetType,
} from './common.js';
import { format_feature_mask } from './feature_ablation.js';
import { generator_source, type RandomSource } from './noise_tunnel.js';

/** A surrogate model Lime fits: samples `x [S, F]`, outputs `y [S]`, weights `w [S]`; its representation is the `F` coefficients. */
export interface InterpretableModel {
  /** Fits the surrogate to samples `x`, outputs `y` and sample weights `w`. */
  fit(x: Float64Array[], y: Float64Array, w: Float64Array): void;
  /** The fitted coefficients `[F]` (the attributions). */
  representation(): Tensor;
}

/** Weighted means of the columns of `x` and of `y`, and the data centred and scaled by `sqrt(w)` (sklearn's preprocessing). */
function centred(x: Float64Array[], y: Float64Array, w: Float64Array): { xs: Float64Array[]; ys: Float64Array; x_mean: Float64Array; y_mean: number } {
  const S = y.length;
  const F = S === 0 ? 0 : x[0]!.length;
  const total = w.reduce((a, b) => a + b, 0);
  const wn = w.map((v) => (v * S) / total);
  const wsum = wn.reduce((a, b) => a + b, 0);
  const x_mean = new Float64Array(F);
  let y_mean = 0;
  for (let s = 0; s < S; s++) {
    for (let f = 0; f < F; f++) x_mean[f] += (wn[s]! * x[s]![f]!) / wsum;
    y_mean += (wn[s]! * y[s]!) / wsum;
  }
  const xs = x.map((row, s) => row.map((v, f) => (v - x_mean[f]!) * Math.sqrt(wn[s]!)));
  const ys = y.map((v, s) => (v - y_mean) * Math.sqrt(wn[s]!));
  return { xs, ys, x_mean, y_mean };
}

/**
 * sklearn's LinearRegression with sample weights and an intercept, solved exactly (the minimum-norm least-squares
 * solution when the design is rank deficient, as LAPACK's gelsd gives).
 *
 * @example
 * new attr.SkLearnLinearRegression(); // KernelShap's surrogate
 */
export class SkLearnLinearRegression implements InterpretableModel {
  /** Fitted coefficients. */
  coef: Float64Array = new Float64Array(0);
  /** Fitted intercept. */
  intercept = 0;

  /** Weighted least squares with an intercept. */
  fit(x: Float64Array[], y: Float64Array, w: Float64Array): void {
    const { xs, ys, x_mean, y_mean } = centred(x, y, w);
    const F = x_mean.length;
    const ata = new Float64Array(F * F);
    const aty = new Float64Array(F);
    xs.forEach((row, s) => {
      for (let i = 0; i < F; i++) {
        aty[i] += row[i]! * ys[s]!;
        for (let j = 0; j < F; j++) ata[i * F + j] += row[i]! * row[j]!;
      }
    });
    const { values, v } = symmetric_eigen(ata, F);
    const top = Math.max(...values.map(Math.abs));
    const cutoff = top * F * 2.220446049250313e-16 * 10;
    const coef = new Float64Array(F);
    for (let k = 0; k < F; k++) {
      if (Math.abs(values[k]!) <= cutoff) continue;
      let proj = 0;
      for (let i = 0; i < F; i++) proj += v[i * F + k]! * aty[i]!;
      for (let i = 0; i < F; i++) coef[i] += (v[i * F + k]! * proj) / values[k]!;
    }
    this.coef = coef;
    this.intercept = y_mean - coef.reduce((a, c, i) => a + c * x_mean[i]!, 0);
  }

  /** The coefficients as a tensor `[F]`. */
  representation(): Tensor {
    return torch.tensor(Array.from(this.coef, Math.fround), { dtype: 'float32' });
  }
}

/**
 * sklearn's Lasso (`(1/2S) Σ w_s (y_s − x_s·β − b)² + α ‖β‖₁`, weights normalized to sum to S) by cyclic
 * coordinate descent run to convergence (`tol` on the largest coefficient change).
 *
 * @example
 * new attr.SkLearnLasso({ alpha: 0.01 }); // Lime's default surrogate
 */
export class SkLearnLasso implements InterpretableModel {
  /** L1 penalty strength α. Default 1 (Lime passes 0.01). */
  readonly alpha: number;
  /** Maximum coordinate-descent sweeps. Default 100000. */
  readonly max_iter: number;
  /** Convergence tolerance on the largest coefficient change. Default 1e-12. */
  readonly tol: number;
  /** Fitted coefficients. */
  coef: Float64Array = new Float64Array(0);
  /** Fitted intercept. */
  intercept = 0;

  constructor(options: { alpha?: number; max_iter?: number; tol?: number } = {}) {
    this.alpha = options.alpha ?? 1.0;
    this.max_iter = options.max_iter ?? 100000;
    this.tol = options.tol ?? 1e-12;
  }

  /** Weighted Lasso with an intercept, by coordinate descent. */
  fit(x: Float64Array[], y: Float64Array, w: Float64Array): void {
    const { xs, ys, x_mean, y_mean } = centred(x, y, w);
    const S = ys.length;
    const F = x_mean.length;
    const coef = new Float64Array(F);
    const r = Float64Array.from(ys);
    const norms = Float64Array.from({ length: F }, (_, f) => xs.reduce((a, row) => a + row[f]! ** 2, 0));
    for (let iter = 0; iter < this.max_iter; iter++) {
      let biggest = 0;
      for (let f = 0; f < F; f++) {
        if (norms[f] === 0) continue;
        const old = coef[f]!;
        let rho = 0;
        for (let s = 0; s < S; s++) rho += xs[s]![f]! * (r[s]! + xs[s]![f]! * old);
        const t = S * this.alpha;
        const updated = Math.sign(rho) * Math.max(Math.abs(rho) - t, 0) / norms[f]!;
        if (updated !== old) for (let s = 0; s < S; s++) r[s] = r[s]! - xs[s]![f]! * (updated - old);
        coef[f] = updated;
        biggest = Math.max(biggest, Math.abs(updated - old));
      }
      if (biggest <= this.tol) break;
    }
    this.coef = coef;
    this.intercept = y_mean - coef.reduce((a, c, i) => a + c * x_mean[i]!, 0);
  }

  /** The coefficients as a tensor `[F]`. */
  representation(): Tensor {
    return torch.tensor(Array.from(this.coef, Math.fround), { dtype: 'float32' });
  }
}

/** One sample's context handed to the similarity and perturbation functions. */
export interface LimeContext {
  /** The sample's inputs (batch of one). */
  inputs: Tensor[];
  /** The baselines, formatted to tensors. */
  baselines: Tensor[];
  /** The feature masks, one per input. */
  feature_mask: Tensor[];
  /** Number of interpretable features F. */
  num_interp_features: number;
  /** Source of the random numbers. */
  random: RandomSource;
}

/** Draws one interpretable sample: a 0/1 vector of `num_interp_features`. */
export type PerturbFunc = (context: LimeContext, index: number) => number[];
/** The weight of a sample: from the original and perturbed model inputs and the interpretable vector. */
export type SimilarityFunc = (original: Tensor[], perturbed: Tensor[], interpretable: number[], context: LimeContext) => number;

/**
 * Captum's `get_exp_kernel_similarity_function`: `exp(−d² / (2 width²))` with `d` the cosine distance (or
 * Euclidean) between the flattened original and perturbed inputs.
 *
 * @example
 * new attr.Lime(net, { similarity_func: attr.get_exp_kernel_similarity_function('euclidean', 0.75) });
 */
export function get_exp_kernel_similarity_function(distance_mode: 'cosine' | 'euclidean' = 'cosine', kernel_width = 1.0): SimilarityFunc {
  return (original, perturbed) => {
    const a = torch.cat(original.map((t) => t.reshape([-1])), 0).to('float32');
    const b = torch.cat(perturbed.map((t) => t.reshape([-1])), 0).to('float32');
    let d: number;
    if (distance_mode === 'cosine') {
      const cos = a.mul(b).sum().item() / Math.max(Math.sqrt(a.square().sum().item()) * Math.sqrt(b.square().sum().item()), 1e-8);
      d = 1 - Math.fround(cos);
    } else if (distance_mode === 'euclidean') d = a.sub(b).norm().item();
    else throw new Error('distance_mode must be either cosine or euclidean.');
    return Math.exp((-1 * d ** 2) / (2 * kernel_width ** 2));
  };
}

/** Captum's default Lime sampling: each feature on with probability 1/2. */
export const default_perturb_func: PerturbFunc = (ctx) => ctx.random.uniform(ctx.num_interp_features).map((u) => (u < 0.5 ? 1 : 0));

export interface LimeOptions extends TargetOptions {
  /** Reference input(s) features are replaced with: a number, a tensor per input, or per sample. Default 0. */
  baselines?: BaselineType;
  /**
   * Groups input entries into features: entries with the same id in the mask are perturbed together; default each
   * entry alone.
   */
  feature_mask?: Tensor | readonly Tensor[] | null;
  /** Random patterns per sample (default 25). */
  n_samples?: number;
  /** How many perturbed copies are run per forward call (a batch-size knob). Default 1. */
  perturbations_per_eval?: number;
  /** Return attributions shaped like the inputs (default true); false gives the coefficients `[1, F]` per sample. */
  return_input_shape?: boolean;
  /** Accepted for Captum compatibility; no progress bar is shown. */
  show_progress?: boolean;
  /** Randomness (tsgrad extension). */
  random?: RandomSource;
}

const LIME = torch.signature<LimeOptions>(
  'Lime.attribute(Tensor|Tensor[] inputs, *, Any baselines=None, Any target=None, Any additional_forward_args=None, Tensor|Tensor[]? feature_mask=None, int n_samples=25, int perturbations_per_eval=1, bool return_input_shape=True, bool show_progress=False, Any random=None)',
);

/** Options of the `Lime` constructor. */
export interface LimeConstructorOptions {
  /** The surrogate; default `SkLearnLasso({ alpha: 0.01 })`. */
  interpretable_model?: InterpretableModel | null;
  /** Sample weights from distances; default an exponential kernel on the cosine distance. */
  similarity_func?: SimilarityFunc | null;
  /** Draws interpretable samples; default each feature on with probability 1/2. */
  perturb_func?: PerturbFunc | null;
}

/** The `i`-th sample of a batch argument: tensors with the batch's size are sliced, the rest passed as is. */
function sample_of(v: unknown, i: number, bsz: number): unknown {
  if (v instanceof torch.Tensor && v.ndim > 0 && v.shape[0] === bsz) return v.narrow(0, i, 1);
  return v;
}

/**
 * Captum's Lime: for each sample, `n_samples` on/off patterns of the interpretable features (groups of
 * `feature_mask`; off = baseline), the model's target output on each, weighted by `similarity_func`, fitted by
 * the interpretable model (default sklearn's Lasso, α = 0.01); its coefficients are the attributions.
 *
 * @example
 * const a = new attr.Lime(net).attribute(x, { target: 3, feature_mask: segments, n_samples: 200 });
 */
export class Lime extends Attribution {
  /** The surrogate fitted to the perturbed samples; its coefficients are the attributions. */
  readonly interpretable_model: InterpretableModel;
  /** Weight of each perturbed sample from its distance to the original. */
  readonly similarity_func: SimilarityFunc;
  /** Draws the binary interpretable sample (which features are kept). */
  readonly perturb_func: PerturbFunc;

  constructor(forward_func: ForwardFunc, options: LimeConstructorOptions = {}) {
    super(forward_func);
    this.interpretable_model = options.interpretable_model ?? new SkLearnLasso({ alpha: 0.01 });
    this.similarity_func = options.similarity_func ?? get_exp_kernel_similarity_function();
    this.perturb_func = options.perturb_func ?? default_perturb_func;
  }

  override accepts_random(): boolean {
    return true;
  }

  attribute<I extends Inputs>(inputs: I, options: LimeOptions = {}): AttrOut<I> {
    const o = parse_options(LIME, inputs, options);
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const baselines = tensorize_baselines(xs, format_baselines(o.baselines, xs));
    let masks = format_feature_mask(o.feature_mask, xs);
    const lowest = Math.min(...masks.map((m) => m.amin().item()));
    if (lowest !== 0) masks = masks.map((m) => m.sub(lowest));
    const F = Math.max(...masks.map((m) => m.amax().item())) + 1;
    const args = format_args(o.additional_forward_args);
    const n_samples = check_positive_int(o.n_samples ?? 25, 'n_samples');
    const P = check_positive_int(o.perturbations_per_eval ?? 1, 'perturbations_per_eval');
    const random = o.random ?? generator_source();
    const bsz = xs[0]!.shape[0]!;
    const per_sample = (i: number): Tensor[] => {
      const ctx: LimeContext = {
        inputs: xs.map((x) => x.narrow(0, i, 1)), baselines: baselines.map((b) => b.narrow(0, i, 1)),
        feature_mask: masks.map((m) => (m.shape[0]! > 1 ? m.narrow(0, i, 1) : m)), num_interp_features: F, random,
      };
      const target = bsz === 1 ? o.target : (Array.isArray(o.target) || (o.target instanceof torch.Tensor && o.target.numel() > 1) ? select_one(o.target, i) : o.target);
      const sample_args = args === null ? null : args.map((a) => sample_of(a, i, bsz));
      const coefs = this.fit_one(ctx, target, sample_args, n_samples, P);
      if (!o.return_input_shape) return [coefs.reshape([1, -1])];
      const c = Array.from(coefs.data_array(), Number);
      return ctx.inputs.map((x, t) => {
        const m = ctx.feature_mask[t]!;
        const vals = torch.tensor(c.map(Math.fround), { dtype: 'float32' });
        return vals.index([m.expand(x.shape).contiguous()]);
      });
    };
    const rows = Array.from({ length: bsz }, (_, i) => per_sample(i));
    const out = rows[0]!.map((_, t) => torch.cat(rows.map((r) => r[t]!), 0));
    return (o.return_input_shape ? format_output(is_tuple, out) : out[0]!) as AttrOut<I>;
  }

  /** Samples, evaluates and fits the surrogate for one sample; returns its `F` coefficients. */
  protected fit_one(ctx: LimeContext, target: TargetType, args: unknown[] | null, n_samples: number, P: number): Tensor {
    const interp: number[][] = [];
    const sims: number[] = [];
    const outs: number[] = [];
    let pending: Tensor[][] = [];
    const flush = (): void => {
      if (pending.length === 0) return;
      const k = pending.length;
      const batch = ctx.inputs.map((_, t) => torch.cat(pending.map((p) => p[t]!), 0));
      const raw = torch.no_grad(() => call_forward(this.forward_func, args === null ? batch : [...batch, ...expand_args(args, k)!]));
      const out = select_targets(raw instanceof torch.Tensor ? raw : torch.tensor(raw as number), expand_target(target, k));
      if (out.numel() !== k) throw new Error('Number of outputs is not appropriate, must return one output per perturbed input');
      outs.push(...Array.from(out.to('float32').contiguous().data_array(), Number));
      pending = [];
    };
    for (let s = 0; s < n_samples; s++) {
      const v = this.perturb_func(ctx, s);
      if (v.length !== ctx.num_interp_features) throw new Error(`perturb_func returned ${v.length} values for ${ctx.num_interp_features} interpretable features`);
      const on = torch.tensor(v, { dtype: 'float32' });
      const model_input = ctx.inputs.map((x, t) => {
        const m = on.index([ctx.feature_mask[t]!.expand(x.shape).contiguous()]).to(x._dtype);
        return m.mul(x).add(torch.ones_like(m).sub(m).mul(ctx.baselines[t]!));
      });
      interp.push(v);
      sims.push(Math.fround(this.similarity_func(ctx.inputs, model_input, v, ctx)));
      pending.push(model_input);
      if (pending.length === P) flush();
    }
    flush();
    this.interpretable_model.fit(interp.map((r) => Float64Array.from(r)), Float64Array.from(outs), Float64Array.from(sims));
    return this.interpretable_model.representation();
  }
}

function select_one(target: TargetType, i: number): TargetType {
  if (Array.isArray(target)) return [target[i]] as TargetType;
  return (target as Tensor).narrow(0, i, 1);
}

/**
 * Captum's KernelShap: Lime with the Shapley kernel: the all-on and all-off patterns first (weight 1e6), then
 * patterns with `k` features on, `k` drawn with probability ∝ `(F − 1) / (k (F − k))`, weight 1, fitted by
 * weighted linear regression.
 *
 * @example
 * const a = new attr.KernelShap(net).attribute(x, { target: 3, feature_mask: segments, n_samples: 200 });
 */
export class KernelShap extends Lime {
  /** Weight standing in for the infinite Shapley-kernel weight of the all-on and all-off samples. */
  readonly inf_weight = 1000000.0;

  constructor(forward_func: ForwardFunc, options: { perturb_func?: PerturbFunc | null } = {}) {
    super(forward_func, {
      interpretable_model: new SkLearnLinearRegression(),
      similarity_func: (_o, _p, v, ctx) => {
        const on = v.reduce((a, b) => a + b, 0);
        return on === 0 || on === ctx.num_interp_features ? 1000000.0 : 1.0;
      },
      perturb_func: options.perturb_func ?? kernel_shap_perturb,
    });
  }
}

/** KernelShap's sampling: all on, all off, then `k` features on (`k` from the Shapley kernel's distribution). */
export const kernel_shap_perturb: PerturbFunc = (ctx, index) => {
  const F = ctx.num_interp_features;
  if (index === 0) return new Array<number>(F).fill(1);
  if (index === 1) return new Array<number>(F).fill(0);
  const probs = Array.from({ length: F }, (_, k) => (k === 0 ? 0 : (F - 1) / (k * (F - k))));
  const total = probs.reduce((a, b) => a + b, 0);
  let u = ctx.random.uniform(1)[0]! * total;
  let k = 1;
  for (; k < F - 1 && u >= probs[k]!; k++) u -= probs[k]!;
  const order = ctx.random.randperm(F);
  const v = new Array<number>(F).fill(0);
  for (const f of order.slice(0, k)) v[f] = 1;
  return v;
};
