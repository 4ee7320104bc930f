// Captum's NoiseTunnel: any attribution averaged over noisy copies of the input (smoothgrad, smoothgrad_sq, vargrad).
import * as torch from '@tsgrad/core';
import type { Generator, Tensor } from '@tsgrad/core';
import { Attribution } from './base.js';
import { check_positive_int, expand_args, expand_target, format_args, format_baselines, format_inputs, format_output, repeat_batch, type Inputs } from './common.js';

/**
 * Where the sampled methods draw their randomness. The default uses tsgrad's generator (PyTorch's streams are
 * not reproduced); pass a source that replays recorded draws to reproduce a reference run exactly.
 */
export interface RandomSource {
  /** Gaussian noise `N(0, stdev²)` of `shape`. */
  normal(shape: readonly number[], stdev: number): Tensor;
  /** `count` indices drawn uniformly with replacement from `[0, n)`. */
  choice(n: number, count: number): number[];
  /** `count` numbers drawn uniformly from `[0, 1)`. */
  uniform(count: number): number[];
  /** A random permutation of `0..n-1`. */
  randperm(n: number): number[];
}

/**
 * The default random source on a tsgrad generator.
 *
 * @example
 * const random = generator_source(new torch.Generator().manual_seed(0));
 */
export function generator_source(generator?: Generator): RandomSource {
  return {
    normal: (shape, stdev) => torch.randn([...shape], { generator }).mul(stdev),
    choice: (n, count) => Array.from(torch.randint(0, n, [count], { generator }).data_array(), Number),
    uniform: (count) => Array.from(torch.rand([count], { generator, dtype: 'float64' }).data_array(), Number),
    randperm: (n) => Array.from(torch.randperm(n, { generator }).data_array(), Number),
  };
}

/**
 * How NoiseTunnel combines the noisy attributions: 'smoothgrad' (mean), 'smoothgrad_sq' (mean of squares) or
 * 'vargrad' (variance).
 */
export type NoiseTunnelType = 'smoothgrad' | 'smoothgrad_sq' | 'vargrad';

/** Options of `NoiseTunnel.attribute`: its own, plus those of the wrapped method. */
export interface NoiseTunnelOptions {
  /** How the noisy attributions are combined (default `'smoothgrad'`, the mean). */
  nt_type?: NoiseTunnelType;
  /** Noisy copies per sample (default 5). */
  nt_samples?: number;
  /** Noisy copies per call of the attribution method (default: all of them). */
  nt_samples_batch_size?: number | null;
  /** Noise standard deviation, one per input for tuple inputs (default 1.0). */
  stdevs?: number | readonly number[];
  /** Draw each copy's baseline at random from the given baselines' batch. */
  draw_baseline_from_distrib?: boolean;
  /** Randomness (tsgrad extension): default `generator_source()`. */
  random?: RandomSource;
  /** Also return the wrapped method's convergence delta (when it has one). */
  return_convergence_delta?: boolean;
  /** Everything else goes to the wrapped method's `attribute`. */
  [option: string]: unknown;
}

const NT_TYPES: readonly NoiseTunnelType[] = ['smoothgrad', 'smoothgrad_sq', 'vargrad'];

/**
 * Per-sample options for a batch where every sample appears `n` times in a row: targets, tensor args, baselines
 * with one row per sample and feature masks repeat; `draw_baseline_from_distrib` picks random baseline rows.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function expand_per_sample(options: Record<string, unknown>, inputs: readonly Tensor[], n: number, draw: boolean, random: RandomSource): Record<string, unknown> {
  const o = { ...options };
  if ('target' in o) o['target'] = expand_target(o['target'] as never, n, 'repeat_interleave');
  if (o['additional_forward_args'] !== undefined && o['additional_forward_args'] !== null) {
    o['additional_forward_args'] = expand_args(format_args(o['additional_forward_args']), n, 'repeat_interleave');
  }
  if ('baselines' in o) {
    const baselines = format_baselines(o['baselines'] as never, inputs, draw);
    const bsz = inputs[0]!.shape[0]!;
    const expanded = baselines.map((b, i) => {
      if (typeof b === 'number') return b;
      if (draw) return b.index([torch.tensor(random.choice(b.shape[0]!, n * bsz), { dtype: 'int64' })]);
      return b.shape[0] === inputs[i]!.shape[0] && b.shape[0]! > 1 ? repeat_batch(b, n, 'repeat_interleave') : b;
    });
    o['baselines'] = Array.isArray(o['baselines']) ? expanded : expanded[0];
  }
  const mask = o['feature_mask'];
  if (mask !== undefined && mask !== null) {
    const grow = (m: Tensor): Tensor => (m.shape[0]! > 1 ? repeat_batch(m, n, 'repeat_interleave') : m);
    o['feature_mask'] = mask instanceof torch.Tensor ? grow(mask) : (mask as Tensor[]).map(grow);
  }
  return o;
}

/**
 * Captum's NoiseTunnel: runs the wrapped method on `nt_samples` noisy copies of each sample
 * (`x + N(0, stdev²)`) and returns their mean (`smoothgrad`), mean of squares (`smoothgrad_sq`) or variance
 * (`vargrad`).
 *
 * @example
 * const nt = new attr.NoiseTunnel(new attr.Saliency(net));
 * const a = nt.attribute(x, { nt_type: 'smoothgrad', nt_samples: 10, stdevs: 0.2, target: 3 });
 */
export class NoiseTunnel extends Attribution {
  /** @param attribution_method - The attribution averaged over noisy copies of the input. */
  constructor(readonly attribution_method: Attribution) {
    super(attribution_method.forward_func);
  }

  override has_convergence_delta(): boolean {
    return this.attribution_method.has_convergence_delta();
  }

  override get multiplies_by_inputs(): boolean {
    return this.attribution_method.multiplies_by_inputs;
  }

  attribute(inputs: Inputs, options: NoiseTunnelOptions = {}): unknown {
    const { nt_type = 'smoothgrad', nt_samples = 5, nt_samples_batch_size = null, stdevs = 1.0, draw_baseline_from_distrib = false, random, ...rest } = options;
    if (!NT_TYPES.includes(nt_type)) throw new Error(`Noise types must be either \`smoothgrad\`, \`smoothgrad_sq\` or \`vargrad\`. Given ${String(nt_type)}`);
    check_positive_int(nt_samples, 'nt_samples');
    const source = random ?? generator_source();
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const sd = typeof stdevs === 'number' ? xs.map(() => stdevs) : [...stdevs];
    if (sd.length !== xs.length) throw new Error(`The number of input tensors in ${xs.length} must be equal to the number of stdevs values ${sd.length}`);
    const want_delta = Boolean(rest['return_convergence_delta']) && this.has_convergence_delta();
    const batch = nt_samples_batch_size === null ? nt_samples : Math.min(nt_samples, check_positive_int(nt_samples_batch_size, 'nt_samples_batch_size'));
    const sizes: number[] = new Array<number>(Math.floor(nt_samples / batch)).fill(batch);
    if (nt_samples % batch > 0) sizes.push(nt_samples % batch);
    let sum: Tensor[] | null = null;
    let sum_sq: Tensor[] | null = null;
    let attr_is_tuple = is_tuple;
    const deltas: Tensor[] = [];
    // Captum expands the per-sample options (drawing baselines) once for the full partitions and once for the rest
    const expanded = new Map<number, Record<string, unknown>>();
    for (const n of sizes) {
      if (!expanded.has(n)) expanded.set(n, expand_per_sample(rest, xs, n, draw_baseline_from_distrib, source));
      const noisy = torch.no_grad(() => xs.map((x, i) => repeat_batch(x, n, 'repeat_interleave').add(source.normal([x.shape[0]! * n, ...x.shape.slice(1)], sd[i]!))));
      const part_options = expanded.get(n)!;
      const inner_options = this.attribution_method.accepts_random() ? { ...part_options, random: source } : part_options;
      let result = this.attribution_method.attribute(is_tuple ? noisy : noisy[0]!, inner_options);
      if (want_delta) {
        const [a, d] = result as [unknown, Tensor];
        result = a;
        deltas.push(d);
      }
      attr_is_tuple = Array.isArray(result);
      const parts = attr_is_tuple ? (result as Tensor[]) : [result as Tensor];
      torch.no_grad(() => {
        const grouped = parts.map((p) => p.reshape([p.shape[0]! / n, n, ...p.shape.slice(1)]));
        const s = grouped.map((g) => g.sum(1));
        const s2 = grouped.map((g) => g.pow(2).sum(1));
        sum = sum === null ? s : sum.map((t, i) => t.add(s[i]!));
        sum_sq = sum_sq === null ? s2 : sum_sq.map((t, i) => t.add(s2[i]!));
      });
    }
    const out = torch.no_grad(() => {
      const mean = sum!.map((t) => t.mul(1).div(nt_samples));
      const mean_sq = sum_sq!.map((t) => t.mul(1).div(nt_samples));
      if (nt_type === 'smoothgrad') return mean;
      if (nt_type === 'smoothgrad_sq') return mean_sq;
      return mean_sq.map((t, i) => t.sub(mean[i]!.mul(mean[i]!)));
    });
    const formatted = format_output(attr_is_tuple, out);
    return want_delta ? [formatted, torch.cat(deltas, 0)] : formatted;
  }
}
