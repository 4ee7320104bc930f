// Sampling category indices from given weights: multinomial (with replacement by inverse CDF, without by the
// exponential race PyTorch uses), drawn from tsgrad's seeded generator.
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating, scalar_type_name } from '../dtype.js';
import { default_generator, Generator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { empty } from './record.js';
import { signature, type PyArgs } from '../signature.js';

const MULTINOMIAL = signature<{ input: Tensor; num_samples: number; replacement: boolean; generator: Generator | null }>(
  'multinomial(Tensor input, int num_samples, bool replacement=False, *, Generator? generator=None)');
/** Keyword arguments of `multinomial`. */
export interface MultinomialOptions {
  /** How many indices to draw per row. */
  num_samples?: number;
  /** Draw with replacement (an index may repeat); without, each row's draws are distinct. */
  replacement?: boolean;
  /** The generator to draw from (the default one, which `torch.manual_seed` seeds, otherwise). */
  generator?: Generator | null;
}
/** The arguments of `x.multinomial(...)`. */
export type MultinomialMethodArgs = PyArgs<[num_samples: number, replacement: boolean], MultinomialOptions>;

/** PyTorch's checks of a weight row set: floating, 1-D or 2-D, finite and non-negative, each row summing above 0. */
function check_weights(input: Tensor, n: number, replacement: boolean): void {
  if (!is_floating(input._dtype)) throw new Error(`multinomial only supports floating-point dtypes for input, got: ${scalar_type_name(input._dtype)}`);
  if (input.ndim !== 1 && input.ndim !== 2) throw new Error('prob_dist must be 1 or 2 dim');
  const categories = input.shape[input.ndim - 1]!;
  if (!replacement && n > categories) throw new Error('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
  if (n <= 0) throw new Error('cannot sample n_sample <= 0 samples');
  if (categories > 2 ** 24) throw new Error('number of categories cannot exceed 2^24');
  const w = input._contiguous_data();
  for (let i = 0; i < w.length; i++) {
    if (!Number.isFinite(w[i]!) || w[i]! < 0) throw new Error('probability tensor contains either `inf`, `nan` or element < 0');
  }
  for (let r = 0; r < w.length / categories; r++) {
    let s = 0;
    for (let k = 0; k < categories; k++) s += w[r * categories + k]!;
    if (!(s > 0)) throw new Error('invalid multinomial distribution (sum of probabilities <= 0)');
  }
}

/**
 * `num_samples` category indices per row of `input` (non-negative weights, 1-D or 2-D, not necessarily
 * normalised), drawn in proportion to the weights: int64 of shape `[num_samples]` or `[rows, num_samples]`.
 * With `replacement` each draw inverts the row's cumulative distribution at a uniform number; without, each
 * category gets an Exp(1) race time divided by its weight and the earliest `num_samples` win (PyTorch's method).
 * A seed gives the same draws on every run, though not PyTorch's numbers (its generator is not reproduced).
 *
 * @example
 * torch.manual_seed(0); torch.multinomial(torch.tensor([0.1, 0.0, 0.9]), 4, true); // indices 0 or 2
 */
export function multinomial(...args: PyArgs<[input: Tensor, num_samples: number, replacement: boolean], MultinomialOptions & { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::multinomial', multinomial, args, MULTINOMIAL);
  const { input, num_samples: n, replacement, generator } = MULTINOMIAL.parse(args);
  check_weights(input, n, replacement);
  const g = generator ?? default_generator;
  const categories = input.shape[input.ndim - 1]!;
  const rows = input.ndim === 1 ? 1 : input.shape[0]!;
  const w = input._contiguous_data();
  const out = empty(input.ndim === 1 ? [n] : [rows, n], 'int64');
  const od = out._storage.data;
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: categories }, (_, k) => w[r * categories + k]!);
    const picks = replacement ? draw_with_replacement(row, n, g) : draw_without_replacement(row, n, g);
    for (let j = 0; j < n; j++) od[r * n + j] = picks[j]!;
  }
  return out;
}

/** Inverse-CDF draws: the first category whose normalised running sum reaches a uniform number. */
function draw_with_replacement(weights: readonly number[], n: number, g: Generator): number[] {
  const cdf: number[] = [];
  let total = 0;
  for (const v of weights) cdf.push((total += v));
  for (let k = 0; k < cdf.length; k++) cdf[k]! /= total;
  cdf[cdf.length - 1] = 1;
  return Array.from({ length: n }, () => {
    const u = g.random();
    let lo = 0;
    let hi = cdf.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}

/** The exponential race: category k finishes at `Exp(1) / w_k`; the `n` earliest, in finishing order (zero weights never). */
function draw_without_replacement(weights: readonly number[], n: number, g: Generator): number[] {
  const keys = weights.map((v) => v / -Math.log(1 - g.random()));
  return keys.map((_, k) => k).sort((a, b) => keys[b]! - keys[a]! || a - b).slice(0, n);
}
