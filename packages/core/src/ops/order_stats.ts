// Order statistics: kthvalue, median, nanmedian, mode (one value and its position per line, the gradient routed
// to that position) and quantile / nanquantile (sorted values interpolated, composed as PyTorch composes them).
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating, type DType } from '../dtype.js';
import { normalize_dim, numel_of } from '../shape.js';
import { Tensor } from '../tensor.js';
import { overloads, signature, type PyArgs } from '../signature.js';
import { empty, record } from './record.js';
import { div, eq, isnan, logical_and, logical_or, mul, sub, to_dtype, where } from './arithmetic.js';
import { sum_dims } from './reduce.js';
import { scatter_into_zeros, gather } from './indexing.js';
import { values_indices } from './named_tuple.js';
import { sort } from './sorting.js';
import { lerp } from './pointwise.js';
import { movedim } from './dim_views.js';
import { reshape, squeeze_dims } from './view.js';
import { ceil, floor, round } from './rounding.js';
import type { SortResult } from './sorting.js';

/** `[values, indices]` of kthvalue / median(dim) / nanmedian(dim) / mode, with `.values` / `.indices`. */
export type OrderStatResult = SortResult;

/**
 * Picks, in each line of `x` along `d`, one position from the line's values (`choose` gets the values and returns
 * an index into them); values and int64 indices, `d` kept when `keepdim`. The gradient goes to that position
 * (`node`), as PyTorch's value-selecting reductions.
 */
function select_lines(x: Tensor, d: number, keepdim: boolean, node: string, choose: (line: Float64Array) => number): [Tensor, Tensor] {
  const shape = x.ndim === 0 ? [1] : x._shape;
  const size = shape[d]!;
  const outer = numel_of(shape.slice(0, d));
  const inner = numel_of(shape.slice(d + 1));
  const kept = x.ndim === 0 ? [] : shape.map((s, i) => (i === d ? 1 : s));
  const out_shape = keepdim ? kept : x.ndim === 0 ? [] : shape.filter((_, i) => i !== d);
  const values = empty(out_shape, x._dtype);
  const indices = empty(out_shape, 'int64');
  const src = x._contiguous_data();
  const line = new Float64Array(size);
  for (let o = 0; o < outer; o++) {
    for (let n = 0; n < inner; n++) {
      for (let i = 0; i < size; i++) line[i] = src[(o * size + i) * inner + n]!;
      const at = choose(line);
      values._storage.data[o * inner + n] = line[at]!;
      indices._storage.data[o * inner + n] = at;
    }
  }
  const in_shape = x._shape;
  record(node, [x], [values], (ctx, [g]) => [x.ndim === 0 ? g! : scatter_into_zeros(g!, d, ctx.saved_tensors[0]!, in_shape, keepdim)], [indices], ['indices']);
  return [values, indices];
}

/** Positions of `line` in ascending order, NaN last, equal values in input order. */
function ascending_order(line: Float64Array): number[] {
  const order = Array.from(line, (_, i) => i);
  return order.sort((i, j) => {
    const [a, b] = [line[i]!, line[j]!];
    const [an, bn] = [Number.isNaN(a), Number.isNaN(b)];
    if (an || bn) return an === bn ? i - j : an ? 1 : -1;
    return a - b || i - j;
  });
}
const first_nan = (line: Float64Array): number => line.findIndex((v) => Number.isNaN(v));

function check_reduction_dim(x: Tensor, d: number, name: string): void {
  if (x.ndim > 0 && x._shape[d] === 0) throw new RangeError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
}

const KTHVALUE = signature<{ input: Tensor; k: number; dim: number; keepdim: boolean }>('kthvalue(Tensor input, int k, int dim=-1, bool keepdim=False)');
/** The arguments of `x.kthvalue(...)`. */
export type KthvalueMethodArgs = PyArgs<[k: number, dim: number, keepdim: boolean], {
  /** How many quarter turns (rot90), or which order statistic, 1-based (kthvalue). */
  k?: number;
  /** The dim to work along. */
  dim?: number;
  /** Keep the reduced dim with size 1. */
  keepdim?: boolean;
}>;
/**
 * The `k`-th smallest value of each line along `dim` (1-based, NaN counting as the largest) and its position
 * (KthvalueBackward0: the gradient goes to that position).
 *
 * @example
 * torch.kthvalue(torch.tensor([3, 1, 2]), 2); // values 2, indices 2
 */
export function kthvalue(...args: PyArgs<[input: Tensor, k: number, dim: number, keepdim: boolean], { input?: Tensor; k?: number; dim?: number; keepdim?: boolean }>): OrderStatResult {
  if (tracing) return trace_op('aten::kthvalue', kthvalue, args) as unknown as OrderStatResult;
  const { input: x, k, dim, keepdim } = KTHVALUE.parse(args);
  const d = x.ndim === 0 ? 0 : normalize_dim(dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x._shape[d]!;
  if (k < 1 || k > size) throw new RangeError(`kthvalue(): selected number k out of range for dimension ${d}`);
  const [values, indices] = select_lines(x, d, keepdim, 'KthvalueBackward0', (line) => ascending_order(line)[k - 1]!);
  return values_indices<OrderStatResult>('kthvalue', values, indices);
}

type MedianParsed = { input: Tensor; dim?: number; keepdim?: boolean };
const MEDIAN = overloads<MedianParsed>('median(Tensor input)', 'median(Tensor input, int dim, bool keepdim=False)');
const NANMEDIAN = overloads<MedianParsed>('nanmedian(Tensor input)', 'nanmedian(Tensor input, int dim, bool keepdim=False)');
/** The arguments of `x.median(...)` / `x.nanmedian(...)`. */
export type MedianMethodArgs = PyArgs<[dim: number, keepdim: boolean], {
  /** The dim to work along. */
  dim?: number;
  /** Keep the reduced dim with size 1. */
  keepdim?: boolean;
}>;
type MedianArgs = PyArgs<[input: Tensor, dim: number, keepdim: boolean], { input?: Tensor; dim?: number; keepdim?: boolean }>;

/** The lower median's position in `line`: a NaN's first position when one occurs (median), or among the others (nanmedian). */
function median_index(line: Float64Array, ignore_nan: boolean): number {
  const order = ascending_order(line);
  if (!ignore_nan) {
    const nan = first_nan(line);
    return nan >= 0 ? nan : order[(line.length - 1) >> 1]!;
  }
  const count = order.findIndex((i) => Number.isNaN(line[i]!));
  const valid = count < 0 ? line.length : count;
  return valid === 0 ? order[0]! : order[(valid - 1) >> 1]!;
}

function median_impl(args: readonly unknown[], ignore_nan: boolean): Tensor | OrderStatResult {
  const name = ignore_nan ? 'nanmedian' : 'median';
  const a = (ignore_nan ? NANMEDIAN : MEDIAN).parse(args).values;
  const x = a.input;
  if (a.dim === undefined) {
    // over all elements: one value, its gradient shared evenly by the equal elements (NaN ones for NaN)
    if (x.numel() === 0) {
      const out = empty([], x._dtype);
      out._storage.data[0] = NaN;
      return out;
    }
    const flat = Float64Array.from(x._contiguous_data());
    const out = empty([], x._dtype);
    out._storage.data[0] = flat[median_index(flat, ignore_nan)]!;
    record(ignore_nan ? 'NanmedianBackward0' : 'MedianBackward0', [x], [out], (ctx, [g]) => {
      const [xs, r] = ctx.saved_tensors;
      const mask = logical_or(eq(xs!, r!), logical_and(isnan(xs!), isnan(r!)));
      const m = to_dtype(mask, g!._dtype);
      return [mul(m, div(g!, sum_dims(m, null, false)))];
    }, [x, out], ['self', 'result']);
    return out;
  }
  const d = x.ndim === 0 ? 0 : normalize_dim(a.dim, x.ndim);
  check_reduction_dim(x, d, name);
  const [values, indices] = select_lines(x, d, a.keepdim ?? false, ignore_nan ? 'NanmedianBackward1' : 'MedianBackward1', (line) => median_index(line, ignore_nan));
  return values_indices<OrderStatResult>(name, values, indices);
}

/**
 * The lower median of all elements (MedianBackward0; NaN if any element is NaN), or of each line along `dim`
 * with its position, as `[values, indices]` (MedianBackward1).
 *
 * @example
 * torch.median(torch.tensor([1, 5, 2, 4])); // 2
 * const { values, indices } = torch.median(x, 1);
 */
export function median(input: Tensor): Tensor;
export function median(...args: MedianArgs): OrderStatResult;
export function median(...args: MedianArgs): Tensor | OrderStatResult {
  if (tracing) return trace_op('aten::median', median, args) as unknown as Tensor;
  return median_impl(args, false);
}

/**
 * {@link median} ignoring NaN: the lower median of the other values (NaN only for a line of NaN);
 * NanmedianBackward0 / NanmedianBackward1.
 *
 * @example
 * torch.nanmedian(torch.tensor([1, NaN, 3, 2])); // 2
 */
export function nanmedian(input: Tensor): Tensor;
export function nanmedian(...args: MedianArgs): OrderStatResult;
export function nanmedian(...args: MedianArgs): Tensor | OrderStatResult {
  if (tracing) return trace_op('aten::nanmedian', nanmedian, args) as unknown as Tensor;
  return median_impl(args, true);
}

const MODE = signature<{ input: Tensor; dim: number; keepdim: boolean }>('mode(Tensor input, int dim=-1, bool keepdim=False)');
/** The arguments of `x.mode(...)`. */
export type ModeMethodArgs = PyArgs<[dim: number, keepdim: boolean], {
  /** The dim to work along. */
  dim?: number;
  /** Keep the reduced dim with size 1. */
  keepdim?: boolean;
}>;
/**
 * The most frequent value of each line along `dim` (the smallest of equally frequent ones) and the last
 * position it occurs at, as `[values, indices]` (ModeBackward0: the gradient goes to that position).
 *
 * @example
 * torch.mode(torch.tensor([2, 2, 1, 1, 3])); // values 1, indices 3
 */
export function mode(...args: PyArgs<[input: Tensor, dim: number, keepdim: boolean], { input?: Tensor; dim?: number; keepdim?: boolean }>): OrderStatResult {
  if (tracing) return trace_op('aten::mode', mode, args) as unknown as OrderStatResult;
  const { input: x, dim, keepdim } = MODE.parse(args);
  const d = x.ndim === 0 ? 0 : normalize_dim(dim, x.ndim);
  check_reduction_dim(x, d, 'mode');
  const [values, indices] = select_lines(x, d, keepdim, 'ModeBackward0', (line) => {
    const order = ascending_order(line);
    let [best, best_count, run] = [order[0]!, 0, 0];
    for (let j = 0; j < order.length; j++) {
      const same = j > 0 && line[order[j]!] === line[order[j - 1]!];
      run = same ? run + 1 : 1;
      // ascending with equal values in input order: the run's end is the value's last position
      const run_ends = j + 1 === order.length || line[order[j + 1]!] !== line[order[j]!];
      if (run_ends && run > best_count) [best, best_count] = [order[j]!, run];
    }
    return best;
  });
  return values_indices<OrderStatResult>('mode', values, indices);
}

type Interpolation = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';
interface QuantileParsed { input: Tensor; q: Tensor | number; dim: number | null; keepdim: boolean; interpolation: string }
const QUANTILE = signature<QuantileParsed>("quantile(Tensor input, Tensor|float q, int? dim=None, bool keepdim=False, *, str interpolation='linear')");
const NANQUANTILE = signature<QuantileParsed>("nanquantile(Tensor input, Tensor|float q, int? dim=None, bool keepdim=False, *, str interpolation='linear')");
/** Keyword arguments of `quantile` / `nanquantile`. */
export interface QuantileOptions {
  /** The dim reduced (all elements, flattened, when null). */
  dim?: number | null;
  /** Keep the reduced dim(s) with size 1. */
  keepdim?: boolean;
  /** Between two data points: 'linear' (default), 'lower', 'higher', 'midpoint' or 'nearest'. */
  interpolation?: Interpolation;
}
/** The arguments of `x.quantile(...)` / `x.nanquantile(...)`. */
export type QuantileMethodArgs = PyArgs<[q: Tensor | number, dim: number | null, keepdim: boolean], QuantileOptions & {
  /** The quantile(s) in [0, 1]: a number, or a 1-d tensor giving a leading dim. */
  q?: Tensor | number;
}>;
type QuantileArgs = PyArgs<[input: Tensor, q: Tensor | number, dim: number | null, keepdim: boolean], QuantileOptions & { input?: Tensor; q?: Tensor | number }>;

function quantile_impl(a: QuantileParsed, ignore_nan: boolean): Tensor {
  const name = ignore_nan ? 'nanquantile' : 'quantile';
  const x = a.input;
  const modes: readonly string[] = ['linear', 'lower', 'higher', 'midpoint', 'nearest'];
  if (!modes.includes(a.interpolation)) {
    throw new Error(`${name}() interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${a.interpolation}`);
  }
  if (!is_floating(x._dtype)) throw new Error(`${name}() input tensor must be either float or double dtype`);
  const q_scalar = !(a.q instanceof Tensor);
  const q = a.q instanceof Tensor ? a.q : values_tensor([], [Number(a.q)], x._dtype);
  if (q.ndim > 1) throw new Error(`${name}() q must be a scalar or 1D tensor`);
  if (q._dtype !== x._dtype) throw new Error(`${name}() q tensor must be same dtype as the input tensor`);
  const qs = q._contiguous_data();
  for (let i = 0; i < qs.length; i++) {
    if (!(qs[i]! >= 0 && qs[i]! <= 1)) throw new Error(q_scalar ? `${name}() q must be in the range [0, 1] but got ${qs[i]}` : `${name}() q values must be in the range [0, 1]`);
  }
  // sorted lines last: all elements flattened, or `dim` moved last
  const d = a.dim === null ? null : normalize_dim(a.dim, Math.max(x.ndim, 1));
  const lines = d === null ? reshape(x, [-1]) : x.ndim === 0 ? reshape(x, [1]) : movedim(x, d, -1);
  const sorted = sort(lines, -1).values;
  const n = lines._shape[lines.ndim - 1]!;
  const lead = sorted._shape.slice(0, -1);
  // ranks per line and q: q·(count − 1), count the non-NaN values (nanquantile) or n with NaN lines pinned to the end
  const counts = count_valid(sorted, ignore_nan);
  const nq = qs.length;
  const rank_data = new Float64Array(counts.length * nq);
  counts.forEach((c, line) => {
    for (let j = 0; j < nq; j++) rank_data[line * nq + j] = c < 0 ? n - 1 : c === 0 ? 0 : qs[j]! * (c - 1);
  });
  const mode = a.interpolation as Interpolation;
  const ranks = values_tensor([...lead, nq], rank_data, 'float64');
  const rounded = mode === 'lower' ? floor(ranks) : mode === 'higher' ? ceil(ranks) : mode === 'nearest' ? round(ranks) : ranks;
  const below = to_dtype(floor(rounded), 'int64');
  const above = to_dtype(ceil(rounded), 'int64');
  const lo = gather(sorted, -1, below);
  const hi = gather(sorted, -1, above);
  const weights = mode === 'midpoint' ? where(eq(below, above), 0, 0.5) : sub(rounded, floor(rounded));
  let result = lerp(lo, hi, to_dtype(weights, x._dtype));
  // empty lines or all-NaN lines under nanquantile give NaN
  if (counts.some((c) => c === 0) || n === 0) result = where(values_tensor([...lead, 1], counts.map((c) => (c === 0 ? 1 : 0)), 'bool'), NaN, result);
  // q's dim first, then the kept or reduced dims
  result = movedim(result, -1, 0);
  const kept_shape = d === null ? x._shape.map(() => 1) : x._shape.map((s, i) => (i === d ? 1 : s));
  let out = a.keepdim ? reshape(result, [nq, ...kept_shape]) : result;
  if (q_scalar || q.ndim === 0) out = squeeze_dims(out, [0], 'SqueezeBackward1');
  return out;
}

/** A fresh tensor of `shape` holding `values`. */
function values_tensor(shape: readonly number[], values: ArrayLike<number>, dtype: DType): Tensor {
  const t = empty(shape, dtype);
  t._storage.data.set(Array.from(values));
  return t;
}

/** Per line of `sorted` (NaN last): the number of non-NaN values, or −1 for a line holding NaN under quantile. */
function count_valid(sorted: Tensor, ignore_nan: boolean): number[] {
  const n = sorted._shape[sorted.ndim - 1]!;
  const data = sorted._contiguous_data();
  const lines = n === 0 ? numel_of(sorted._shape.slice(0, -1)) : data.length / n;
  const counts: number[] = [];
  for (let l = 0; l < lines; l++) {
    let c = n;
    while (c > 0 && Number.isNaN(data[l * n + c - 1]!)) c--;
    counts.push(!ignore_nan && c < n ? -1 : c);
  }
  return counts;
}

/**
 * The `q`-th quantiles (q in [0, 1], a number or a 1-d tensor whose values give a leading dim) of all elements or
 * of each line along `dim`, interpolating between the two nearest sorted values as `interpolation` says; a line
 * holding NaN gives NaN. Differentiable through the sorted values, as PyTorch composes it.
 *
 * @example
 * torch.quantile(torch.tensor([0, 1, 2, 3]), 0.5); // 1.5
 * torch.quantile(x, torch.tensor([0.25, 0.75]), { dim: 1, interpolation: 'nearest' });
 */
export function quantile(...args: QuantileArgs): Tensor {
  if (tracing) return trace_op('aten::quantile', quantile, args, QUANTILE);
  return quantile_impl(QUANTILE.parse(args), false);
}
/**
 * {@link quantile} ignoring NaN values (a line of only NaN gives NaN).
 *
 * @example
 * torch.nanquantile(torch.tensor([0, NaN, 2]), 0.5); // 1
 */
export function nanquantile(...args: QuantileArgs): Tensor {
  if (tracing) return trace_op('aten::nanquantile', nanquantile, args, NANQUANTILE);
  return quantile_impl(NANQUANTILE.parse(args), true);
}
