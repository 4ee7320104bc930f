// Captum's FeatureAblation and Occlusion: replace groups of input entries with a baseline and score the output drop.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { Attribution, type AttrOut, type TargetOptions } from './base.js';
import { generator_source, type RandomSource } from './noise_tunnel.js';
import {
  check_positive_int, expand_args, parse_options, expand_target, format_args, format_baselines, format_inputs, format_output, repeat_batch, run_forward,
  type Baseline, type BaselineType, type ForwardFunc, type Inputs, type TargetType,
} from './common.js';

/** One ablated feature: its 0/1 mask over each input (`[1 or N, ...]`, broadcastable to the input), null where absent. */
export type FeatureMasks = (i: number) => Tensor | null;

/** One ablation run: what `ablate` needs. */
export interface AblationPlan {
  /** The model or function. */
  forward: ForwardFunc;
  /** The inputs, as a list. */
  inputs: Tensor[];
  /** One baseline per input. */
  baselines: Baseline[];
  /** Which output is explained. */
  target: TargetType;
  /** Extra forward arguments, or null. */
  args: unknown[] | null;
  /** Per input, the mask of each feature id (null where the input lacks it). */
  features: FeatureMasks[];
  /** Perturbed copies per forward pass. */
  perturbations_per_eval: number;
  /** Divide each entry's total by the number of features covering it (Occlusion's overlapping windows). */
  use_weights: boolean;
  /** How one copy of input `i` is perturbed where `mask` is 1 (default: replaced by the baseline). */
  perturb?: (x: Tensor, mask: Tensor, i: number) => Tensor;
}

/**
 * Ablates the features `perturbations_per_eval` at a time (the input batch repeated once per feature in a group)
 * and adds `(F(x) − F(x with feature ablated)) · mask` to each input's attribution, `[n_outputs, ...sample shape]`.
 *
 * @example
 * const [a] = ablate({ inputs: [x], baselines: [0], target: 3, args: null, features, perturbations_per_eval: 1, use_weights: false });
 */
export function ablate(plan: AblationPlan): Tensor[] {
  const { inputs, baselines, target, args, features } = plan;
  const P = check_positive_int(plan.perturbations_per_eval, 'perturbations_per_eval');
  const N = inputs[0]!.shape[0]!;
  return torch.no_grad(() => {
    const initial = run_forward(plan.forward, inputs, target, args);
    const n_outputs = initial.numel();
    const flat_initial = initial.reshape([1, n_outputs]);
    const totals = inputs.map((x) => torch.zeros([n_outputs, ...x.shape.slice(1)], { dtype: initial._dtype }));
    const weights = inputs.map((x) => torch.zeros([1, ...x.shape.slice(1)], { dtype: 'float32' }));
    for (let start = 0; start < features.length; start += P) {
      const group = features.slice(start, start + P);
      const k = group.length;
      const masks = inputs.map((x, i) => {
        const per = group.map((f) => f(i));
        if (per.every((m) => m === null)) return null;
        return torch.stack(per.map((m) => (m === null ? torch.zeros([1, ...x.shape.slice(1)]) : m.to('float32'))), 0);
      });
      const ablated = inputs.map((x, i) => {
        const m = masks[i];
        if (m === null || m === undefined) return repeat_batch(x, k);
        if (plan.perturb) return torch.cat(group.map((_, j) => plan.perturb!(x, m.select(0, j), i)), 0);
        const b = baselines[i]!;
        const base = typeof b === 'number' ? b : b.unsqueeze(0);
        const grouped = repeat_batch(x, k).reshape([k, N, ...x.shape.slice(1)]);
        const mm = m.to(x._dtype);
        return grouped.mul(torch.ones([1], { dtype: x._dtype }).sub(mm)).add(mm.mul(base)).reshape([k * N, ...x.shape.slice(1)]);
      });
      const modified = run_forward(plan.forward, ablated, expand_target(target, k), expand_args(args, k));
      if (modified.numel() !== k * n_outputs) {
        throw new Error(`When perturbations_per_eval > 1, forward_func's output should be a tensor whose 1st dim grow with the input batch size: when input batch size is ${N}, the output shape is [${initial.shape.join(', ')}]; when input batch size is ${k * N}, the output shape is [${modified.shape.join(', ')}]`);
      }
      const diff = flat_initial.sub(modified.reshape([k, n_outputs]));
      inputs.forEach((x, i) => {
        const m = masks[i];
        if (m === null || m === undefined) return;
        if (plan.use_weights) weights[i] = weights[i]!.add(m.sum(0));
        const d = diff.reshape([k, n_outputs, ...x.shape.slice(1).map(() => 1)]);
        totals[i] = totals[i]!.add(d.mul(m.to(totals[i]!._dtype)).sum(0));
      });
    }
    return plan.use_weights ? totals.map((t, i) => t.to('float32').div(weights[i]!)) : totals;
  });
}

const FEATURE_ABLATION = torch.signature<FeatureAblationOptions>(
  'FeatureAblation.attribute(Tensor|Tensor[] inputs, *, Any baselines=None, Any target=None, Any additional_forward_args=None, Tensor|Tensor[]? feature_mask=None, int perturbations_per_eval=1, bool show_progress=False)',
);
const OCCLUSION = torch.signature<OcclusionOptions>(
  'Occlusion.attribute(Tensor|Tensor[] inputs, *, Any sliding_window_shapes, Any strides=None, Any baselines=None, Any target=None, Any additional_forward_args=None, int perturbations_per_eval=1, bool show_progress=False)',
);

export interface FeatureAblationOptions extends TargetOptions {
  /** Values the ablated entries take (default 0). */
  baselines?: BaselineType;
  /**
   * Integer feature ids per input, broadcastable to it (`[1 or N, ...]`): entries with the same id are ablated
   * together. Default: every entry of a sample is its own feature.
   */
  feature_mask?: Tensor | readonly Tensor[] | null;
  /** Features ablated per forward call (default 1). */
  perturbations_per_eval?: number;
  /** Accepted for Captum compatibility; tsgrad shows no progress bar. */
  show_progress?: boolean;
}

/**
 * Feature masks per input, checked to broadcast over it; default: every entry of a sample its own feature, numbered across inputs.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function format_feature_mask(mask: Tensor | readonly Tensor[] | null | undefined, inputs: readonly Tensor[]): Tensor[] {
  if (mask === null || mask === undefined) {
    let next = 0;
    return inputs.map((x) => {
      const n = x.shape.slice(1).reduce((a, b) => a * b, 1);
      const m = torch.arange(next, next + n, 1, { dtype: 'int64' }).reshape([1, ...x.shape.slice(1)]);
      next += n;
      return m;
    });
  }
  const masks = mask instanceof torch.Tensor ? [mask] : [...mask];
  if (masks.length !== inputs.length) throw new Error(`feature_mask has ${masks.length} tensors but there are ${inputs.length} inputs`);
  masks.forEach((m, i) => {
    const x = inputs[i]!;
    if (m.is_floating_point()) throw new TypeError(`feature_mask ${i} must hold integer feature ids, got dtype ${m._dtype}`);
    const fits = m.ndim <= x.ndim && m.shape.every((s, d) => s === 1 || s === x.shape[x.ndim - m.ndim + d]);
    if (!fits) throw new Error(`feature_mask ${i} of shape [${m.shape.join(', ')}] does not cover input ${i} of shape [${x.shape.join(', ')}]; each dim must be 1 or the input's`);
  });
  return masks.map((m, i) => (m.ndim < inputs[i]!.ndim ? m.reshape([...new Array<number>(inputs[i]!.ndim - m.ndim).fill(1), ...m.shape]) : m));
}

/**
 * Captum's FeatureAblation: for each feature (a group of entries sharing an id in `feature_mask`), the drop of the
 * target output when the feature takes its baseline value, spread over the feature's entries.
 *
 * @example
 * const a = new attr.FeatureAblation(net).attribute(x, { target: 3, feature_mask: segments, perturbations_per_eval: 4 });
 */
export class FeatureAblation extends Attribution {
  attribute<I extends Inputs>(inputs: I, options: FeatureAblationOptions = {}): AttrOut<I> {
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    options = parse_options(FEATURE_ABLATION, inputs, options);
    const masks = format_feature_mask(options.feature_mask, xs);
    const ids = [...new Set(masks.flatMap((m) => Array.from(m.data_array(), Number)))].sort((a, b) => a - b);
    const features: FeatureMasks[] = ids.map((id) => (i) => masks[i]!.eq(id));
    const out = ablate({
      forward: this.forward_func, inputs: xs, baselines: format_baselines(options.baselines, xs), target: options.target,
      args: format_args(options.additional_forward_args), features, perturbations_per_eval: options.perturbations_per_eval ?? 1, use_weights: false,
    });
    return format_output(is_tuple, out) as AttrOut<I>;
  }
}

/** A perturbation of a batch `x` where `mask` is set: Captum's `perm_func(x, mask)`. */
export type PermFunc = (x: Tensor, feature_mask: Tensor) => Tensor;

/**
 * Captum's default `perm_func`: the masked entries take the values of another sample of the batch (a random
 * permutation of the batch that is not the identity).
 *
 * @example
 * new attr.FeaturePermutation(net, attr.permute_feature(attr.generator_source(new torch.Generator().manual_seed(0))));
 */
export function permute_feature(random: RandomSource): PermFunc {
  return (x, mask) => {
    const n = x.shape[0]!;
    if (n <= 1) throw new Error('cannot permute features with batch_size = 1');
    let perm = random.randperm(n);
    while (perm.every((p, i) => p === i)) perm = random.randperm(n);
    const shuffled = x.index([torch.tensor(perm, { dtype: 'int64' })]);
    const m = mask.to(x._dtype);
    return shuffled.mul(m).add(x.mul(torch.ones_like(m).sub(m)));
  };
}

const FEATURE_PERMUTATION = torch.signature<FeatureAblationOptions & { random?: RandomSource }>(
  'FeaturePermutation.attribute(Tensor|Tensor[] inputs, *, Any target=None, Any additional_forward_args=None, Tensor|Tensor[]? feature_mask=None, int perturbations_per_eval=1, bool show_progress=False, Any random=None)',
);

/**
 * Captum's FeaturePermutation: like FeatureAblation, but a feature is "removed" by shuffling its values across
 * the batch (permutation feature importance); needs a batch of at least two.
 *
 * @example
 * const a = new attr.FeaturePermutation(net).attribute(batch, { target: labels, feature_mask: columns });
 */
export class FeaturePermutation extends Attribution {
  /**
   * @param forward_func - The model or function explained.
   * @param perm_func - How a feature is permuted within the batch; default `permute_feature` (a random permutation).
   */
  constructor(forward_func: ForwardFunc, readonly perm_func: PermFunc | null = null) {
    super(forward_func);
  }

  override accepts_random(): boolean {
    return true;
  }

  attribute<I extends Inputs>(inputs: I, options: FeatureAblationOptions & { random?: RandomSource } = {}): AttrOut<I> {
    const o = parse_options(FEATURE_PERMUTATION, inputs, options);
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const masks = format_feature_mask(o.feature_mask, xs);
    const ids = [...new Set(masks.flatMap((m) => Array.from(m.data_array(), Number)))].sort((a, b) => a - b);
    const perm = this.perm_func ?? permute_feature(o.random ?? generator_source());
    const out = ablate({
      forward: this.forward_func, inputs: xs, baselines: xs.map(() => 0), target: o.target, args: format_args(o.additional_forward_args),
      features: ids.map((id) => (i: number) => masks[i]!.eq(id)), perturbations_per_eval: o.perturbations_per_eval ?? 1, use_weights: false,
      perturb: (x, mask) => perm(x, mask.to('bool')),
    });
    return format_output(is_tuple, out) as AttrOut<I>;
  }
}

export interface OcclusionOptions extends TargetOptions {
  /** Window shape over each sample's dims (all dims but the batch), e.g. `[1, 6, 6]`; an array of them for tuple inputs. */
  sliding_window_shapes: readonly number[] | readonly (readonly number[])[];
  /** Step per dim (a number for all dims; an array per input for tuple inputs); default 1. */
  strides?: number | readonly number[] | readonly (number | readonly number[])[] | null;
  /** Values the occluded entries take (default 0). */
  baselines?: BaselineType;
  /** Windows occluded per forward call (default 1). */
  perturbations_per_eval?: number;
  /** Accepted for Captum compatibility; tsgrad shows no progress bar. */
  show_progress?: boolean;
}

/**
 * Captum's Occlusion: windows of `sliding_window_shapes` slide over each sample's dims in steps of `strides`,
 * placed at `ceil((size − window) / stride) + 1` positions per dim, the last one clipped at the border; each
 * entry's attribution is the mean output drop of the windows covering it. The raw output is scored; a stride
 * larger than its window is refused.
 *
 * @example
 * const a = new attr.Occlusion(net).attribute(x, { target: 3, sliding_window_shapes: [1, 6, 6], strides: [1, 4, 4] });
 */
export class Occlusion extends Attribution {
  attribute<I extends Inputs>(inputs: I, options: OcclusionOptions): AttrOut<I> {
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    options = parse_options(OCCLUSION, inputs, options);
    const windows = (typeof options.sliding_window_shapes[0] === 'number' ? [options.sliding_window_shapes] : options.sliding_window_shapes) as (readonly number[])[];
    if (windows.length !== xs.length) throw new Error('Must provide sliding window dimensions for each input tensor.');
    const s = options.strides ?? 1;
    const strides_in: (number | readonly number[])[] = xs.length === 1 && !(Array.isArray(s) && s.length === 1) ? [s as number | readonly number[]] : [...(s as (number | readonly number[])[])];
    if (strides_in.length !== xs.length) throw new Error('Strides must be provided for each input tensor.');
    const features: FeatureMasks[] = [];
    xs.forEach((x, i) => {
      const sample = x.shape.slice(1);
      const win = windows[i]!;
      if (win.length !== sample.length) throw new Error(`Occlusion shape for input index ${i} is [${win.join(', ')}] but should be a tuple with ${sample.length} dimensions.`);
      const st = strides_in[i]!;
      const stride = typeof st === 'number' ? sample.map(() => st) : [...st];
      if (stride.length !== sample.length) {
        throw new Error(`Stride for input index ${i} is [${stride.join(', ')}], which is invalid for input with shape [${x.shape.join(', ')}]. It must be either an int or a tuple with length equal to len(input_shape) - 1.`);
      }
      const rest = sample.map((d, k) => d - win[k]!);
      if (rest.some((r) => r < 0)) throw new Error(`Sliding window dimensions [${win.join(', ')}] cannot exceed input dimensions [${sample.join(', ')}].`);
      if (rest.some((r, k) => r !== 0 && stride[k]! > win[k]!)) throw new Error(`Stride dimension [${stride.join(', ')}] cannot be larger than sliding window shape dimension [${win.join(', ')}].`);
      const counts = rest.map((r, k) => Math.ceil(r / stride[k]!) + 1);
      const total = counts.reduce((a, b) => a * b, 1);
      for (let f = 0; f < total; f++) {
        const start: number[] = [];
        let r = f;
        counts.forEach((c, k) => {
          start.push((r % c) * stride[k]!);
          r = Math.floor(r / c);
        });
        features.push((j) => (j === i ? window_mask(sample, start, win) : null));
      }
    });
    const out = ablate({
      forward: this.forward_func, inputs: xs, baselines: format_baselines(options.baselines, xs), target: options.target,
      args: format_args(options.additional_forward_args), features, perturbations_per_eval: options.perturbations_per_eval ?? 1, use_weights: true,
    });
    return format_output(is_tuple, out) as AttrOut<I>;
  }
}

/** A `[1, ...shape]` 0/1 mask with ones in the box from `start` of size `win`, clipped at the border. */
function window_mask(shape: readonly number[], start: readonly number[], win: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  const strides = shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));
  for (let flat = 0; flat < n; flat++) {
    let inside = true;
    for (let k = 0; k < shape.length && inside; k++) {
      const c = Math.floor(flat / strides[k]!) % shape[k]!;
      inside = c >= start[k]! && c < start[k]! + win[k]!;
    }
    if (inside) data[flat] = 1;
  }
  return torch.from_array(data, [1, ...shape], 'float32');
}
