// Captum's ShapleyValueSampling and ShapleyValues: marginal contributions of features added one by one in random or all orders.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { Attribution, type AttrOut, type TargetOptions } from './base.js';
import {
  check_positive_int, expand_args, expand_target, format_args, format_baselines, format_inputs, format_output, parse_options, run_forward,
  tensorize_baselines, type BaselineType, type Inputs,
} from './common.js';
import { format_feature_mask } from './feature_ablation.js';
import { generator_source, type RandomSource } from './noise_tunnel.js';

export interface ShapleyOptions extends TargetOptions {
  /** Values of the features not yet added (default 0). */
  baselines?: BaselineType;
  /** Integer feature ids per input (default: every entry its own feature). */
  feature_mask?: Tensor | readonly Tensor[] | null;
  /** Feature orders sampled (ShapleyValueSampling; default 25). */
  n_samples?: number;
  /** Perturbed copies per forward (default 1). */
  perturbations_per_eval?: number;
  /** Accepted for Captum compatibility; no progress bar. */
  show_progress?: boolean;
  /** Randomness of the sampled orders (tsgrad extension). */
  random?: RandomSource;
}

const SHAPLEY = torch.signature<ShapleyOptions>(
  'ShapleyValueSampling.attribute(Tensor|Tensor[] inputs, *, Any baselines=None, Any target=None, Any additional_forward_args=None, Tensor|Tensor[]? feature_mask=None, int n_samples=25, int perturbations_per_eval=1, bool show_progress=False, Any random=None)',
);

/** Every permutation of `0..n-1` in lexicographic order (itertools.permutations). */
function* all_permutations(n: number): Generator<number[]> {
  const p = Array.from({ length: n }, (_, i) => i);
  yield [...p];
  for (;;) {
    let i = n - 2;
    while (i >= 0 && p[i]! > p[i + 1]!) i--;
    if (i < 0) return;
    let j = n - 1;
    while (p[j]! < p[i]!) j--;
    [p[i], p[j]] = [p[j]!, p[i]!];
    p.splice(i + 1, n - i - 1, ...p.slice(i + 1).reverse());
    yield [...p];
  }
}

/**
 * Captum's ShapleyValueSampling: for `n_samples` random feature orders, features switch from baseline to input
 * one at a time and each is credited with the change of the output; the credits are averaged over orders.
 *
 * @example
 * const a = new attr.ShapleyValueSampling(net).attribute(x, { target: 3, feature_mask: segments, n_samples: 50 });
 */
export class ShapleyValueSampling extends Attribution {
  /** The feature orders to evaluate. */
  protected permutations(total: number, n_samples: number, random: RandomSource): Iterable<number[]> {
    return Array.from({ length: n_samples }, () => random.randperm(total));
  }

  override accepts_random(): boolean {
    return true;
  }

  attribute<I extends Inputs>(inputs: I, options: ShapleyOptions = {}): AttrOut<I> {
    const o = parse_options(SHAPLEY, inputs, options);
    const { inputs: xs, is_tuple } = format_inputs(inputs);
    const baselines = tensorize_baselines(xs, format_baselines(o.baselines, xs));
    const masks = format_feature_mask(o.feature_mask, xs);
    const P = check_positive_int(o.perturbations_per_eval ?? 1, 'perturbations_per_eval');
    const args = format_args(o.additional_forward_args);
    const total = Math.max(...masks.map((m) => m.amax().item())) + 1;
    const random = o.random ?? generator_source();
    return torch.no_grad(() => {
      let initial = run_forward(this.forward_func, baselines, o.target, args);
      if (initial.ndim === 0) initial = initial.reshape([1]);
      const out_shape = initial.shape;
      const totals = xs.map((x) => torch.zeros([...out_shape, ...x.shape.slice(1)], { dtype: 'float32' }));
      const in_tensor = masks.map((m) => new Set(Array.from(m.data_array(), Number)));
      let iterations = 0;
      for (const order of this.permutations(total, o.n_samples ?? 25, random)) {
        iterations++;
        let prev = initial;
        let current = baselines;
        for (let start = 0; start < order.length; start += P) {
          const group = order.slice(start, start + P);
          const k = group.length;
          const batches: Tensor[][] = xs.map(() => []);
          const group_masks: Tensor[][] = xs.map(() => []);
          for (const f of group) {
            current = current.map((c, i) => (in_tensor[i]!.has(f) ? torch.where(masks[i]!.eq(f), xs[i]!, c) : c));
            current.forEach((c, i) => {
              batches[i]!.push(c);
              group_masks[i]!.push(in_tensor[i]!.has(f) ? masks[i]!.eq(f).to('float32').unsqueeze(0) : torch.zeros([1, ...masks[i]!.shape]));
            });
          }
          const modified = run_forward(this.forward_func, batches.map((b) => torch.cat(b, 0)), expand_target(o.target, k), expand_args(args, k));
          const all = torch.cat([prev.reshape([-1, ...out_shape.slice(1)]), modified.reshape([-1, ...out_shape.slice(1)])], 0);
          const rows = all.shape[0]!;
          const step = prev.shape[0]!;
          const diff = all.narrow(0, step, rows - step).sub(all.narrow(0, 0, rows - step));
          prev = all.narrow(0, rows - step, step);
          xs.forEach((x, i) => {
            const m = torch.cat(group_masks[i]!, 0);
            const d = diff.reshape([-1, ...out_shape, ...x.shape.slice(1).map(() => 1)]);
            const mm = m.reshape([...m.shape.slice(0, 2), ...out_shape.slice(1).map(() => 1), ...m.shape.slice(2)]);
            totals[i] = totals[i]!.add(d.mul(mm).sum(0));
          });
        }
      }
      return format_output(is_tuple, totals.map((t) => t.div(iterations))) as AttrOut<I>;
    });
  }
}

/**
 * Captum's ShapleyValues: exact Shapley values over every order of the features (costly beyond ~10 features).
 *
 * @example
 * const a = new attr.ShapleyValues(net).attribute(x, { target: 3, feature_mask: four_quadrants });
 */
export class ShapleyValues extends ShapleyValueSampling {
  protected override permutations(total: number): Iterable<number[]> {
    return all_permutations(total);
  }
}
