// Sampling category indices from given weights: multinomial (with replacement by inverse CDF, without by the
// exponential race), drawn as PyTorch's CPU kernels draw them.
import { trace_op, tracing } from '../jit/tracer.js';
import { alloc, is_floating, scalar_type_name, type DType, type TypedArray } from '../dtype.js';
import { exponential_fill } from './distributions.js';
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
  const categories = input._shape[input.ndim - 1]!;
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
 * A seed gives PyTorch's draws.
 *
 * @example
 * torch.manual_seed(0); torch.multinomial(torch.tensor([0.1, 0.0, 0.9]), 4, true); // indices 0 or 2
 */
export function multinomial(...args: PyArgs<[input: Tensor, num_samples: number, replacement: boolean], MultinomialOptions & { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::multinomial', multinomial, args, MULTINOMIAL);
  const { input, num_samples: n, replacement, generator } = MULTINOMIAL.parse(args);
  check_weights(input, n, replacement);
  const g = generator ?? default_generator;
  const categories = input._shape[input.ndim - 1]!;
  const rows = input.ndim === 1 ? 1 : input._shape[0]!;
  const w = input._contiguous_data();
  const out = empty(input.ndim === 1 ? [n] : [rows, n], 'int64');
  const od = out._storage.data;
  if (!replacement || n === 1) {
    // PyTorch's fast path: q ~ Exp(1) drawn for every weight (in the input's dtype), then the n largest w / q
    const q = alloc(input._dtype, w.length);
    exponential_fill(q, 1, g);
    for (let i = 0; i < q.length; i++) q[i] = w[i]! / q[i]!;
    for (let r = 0; r < rows; r++) {
      const keys = q.subarray(r * categories, (r + 1) * categories);
      const order = Array.from({ length: categories }, (_, k) => k).sort((a, b) => keys[b]! - keys[a]! || a - b);
      for (let j = 0; j < n; j++) od[r * n + j] = order[j]!;
    }
    return out;
  }
  for (let r = 0; r < rows; r++) draw_with_replacement(w.subarray(r * categories, (r + 1) * categories), input._dtype, od.subarray(r * n, (r + 1) * n), g);
  return out;
}

/**
 * Inverse-CDF draws as PyTorch's CPU kernel makes them: the running sum in the weights' dtype, divided by the
 * total, its last entry forced to 1, then per draw a double uniform and a binary search for the first entry not
 * below it.
 */
function draw_with_replacement(weights: TypedArray, dtype: DType, out: TypedArray, g: Generator): void {
  const cdf = alloc(dtype, weights.length);
  let total = 0;
  for (let k = 0; k < weights.length; k++) cdf[k] = total = dtype === 'float32' ? Math.fround(total + weights[k]!) : total + weights[k]!;
  for (let k = 0; k < cdf.length; k++) cdf[k]! /= total;
  cdf[cdf.length - 1] = 1;
  for (let j = 0; j < out.length; j++) {
    const u = g.random();
    let lo = 0;
    let hi = cdf.length;
    while (hi - lo > 0) {
      const mid = lo + ((hi - lo) >> 1);
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    out[j] = lo;
  }
}
