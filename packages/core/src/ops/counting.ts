// Counting and binning: unique / unique_consecutive (values, inverse indices, counts), bincount, histc and bucketize.
// Their results carry no gradient (PyTorch's unique and bincount record a node whose backward is not implemented).
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating, scalar_type_name, type DType } from '../dtype.js';
import { normalize_dim, numel_of } from '../shape.js';
import { Tensor } from '../tensor.js';
import { signature, type PyArgs } from '../signature.js';
import { empty, record, record_not_implemented } from './record.js';
import { index_select } from './scatter.js';
import { movedim } from './dim_views.js';
import { contiguous, reshape } from './view.js';
import { searchsorted } from './sorting.js';

/** What `unique` returns: the values alone, or with the inverse indices and/or counts (Python's tuple). */
export type UniqueResult = Tensor | [Tensor, Tensor] | [Tensor, Tensor, Tensor];

interface UniqueParsed { input: Tensor; sorted: boolean; return_inverse: boolean; return_counts: boolean; dim: number | null }
// PyTorch's Python wrappers report the keyword errors under their own names
const UNIQUE = signature<UniqueParsed>('unique(Tensor input, bool sorted=True, bool return_inverse=False, bool return_counts=False, int? dim=None)', { python: '_unique_impl', method_name: 'Tensor.unique' });
const UNIQUE_CONSECUTIVE = signature<Omit<UniqueParsed, 'sorted'>>('unique_consecutive(Tensor input, bool return_inverse=False, bool return_counts=False, int? dim=None)', { python: '_unique_consecutive_impl', method_name: 'Tensor.unique_consecutive' });
/** Keyword arguments of `unique`. */
export interface UniqueOptions {
  /** Sort the unique values (tsgrad always returns them sorted, which PyTorch allows for false too). */
  sorted?: boolean;
  /** Also return where each input element (or slice) went in the output. */
  return_inverse?: boolean;
  /** Also return how often each unique value (or slice) occurs. */
  return_counts?: boolean;
  /** Compare whole slices along this dim instead of elements of the flattened input. */
  dim?: number | null;
}
/** The arguments of `x.unique(...)`. */
export type UniqueMethodArgs = PyArgs<[sorted: boolean, return_inverse: boolean, return_counts: boolean, dim: number | null], UniqueOptions>;
/** The arguments of `x.unique_consecutive(...)`. */
export type UniqueConsecutiveMethodArgs = PyArgs<[return_inverse: boolean, return_counts: boolean, dim: number | null], Omit<UniqueOptions, 'sorted'>>;

/** Compares two keys (arrays of numbers) lexicographically; NaN above every number and never equal to itself. */
function compare_keys(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (x === y) continue;
    const [xn, yn] = [Number.isNaN(x), Number.isNaN(y)];
    if (xn || yn) return xn && yn ? 0 : xn ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return 0;
}
const same_key = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i])) return false;
  return true;
};

/**
 * Groups the `keys` (one per element, or per slice along a dim): `sorted` orders them first (stable), else only
 * neighbours merge. Returns, per group, its first member in key order, and each key's group and the group sizes.
 */
function group_keys(keys: Float64Array[], sorted: boolean): { firsts: number[]; inverse: number[]; counts: number[] } {
  const order = keys.map((_, i) => i);
  if (sorted) order.sort((i, j) => compare_keys(keys[i]!, keys[j]!) || i - j);
  const firsts: number[] = [];
  const counts: number[] = [];
  const inverse = new Array<number>(keys.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (k === 0 || !same_key(keys[order[k - 1]!]!, keys[i]!)) {
      firsts.push(i);
      counts.push(0);
    }
    inverse[i] = firsts.length - 1;
    counts[counts.length - 1]!++;
  }
  return { firsts, inverse, counts };
}

function int64_of(values: readonly number[], shape: readonly number[] = [values.length]): Tensor {
  const t = empty(shape, 'int64');
  t._storage.data.set(values);
  return t;
}

/** unique and unique_consecutive: elements of the flattened input, or slices along `dim`. */
function unique_impl(x: Tensor, sorted: boolean, return_inverse: boolean, return_counts: boolean, dim: number | null, node: string): UniqueResult {
  let values: Tensor;
  let groups: ReturnType<typeof group_keys>;
  if (dim === null) {
    const flat = x._contiguous_data();
    groups = group_keys(Array.from(flat, (v) => Float64Array.of(v)), sorted);
    values = empty([groups.firsts.length], x._dtype);
    groups.firsts.forEach((i, k) => (values._storage.data[k] = flat[i]!));
  } else {
    const d = normalize_dim(dim, Math.max(x.ndim, 1));
    if (x.ndim === 0) throw new RangeError(`Dimension out of range (expected to be in range of [-1, 0], but got ${dim})`);
    const rows = contiguous(movedim(x.detach(), d, 0));
    const n = rows._shape[0]!;
    const width = numel_of(rows._shape.slice(1));
    const data = rows._storage.data;
    groups = group_keys(Array.from({ length: n }, (_, r) => Float64Array.from(data.subarray(r * width, (r + 1) * width))), sorted);
    values = index_select(x.detach(), d, int64_of(groups.firsts));
  }
  if (x.requires_grad && is_floating(x._dtype)) {
    // PyTorch records a node whose backward is not implemented
    record(node, [x], [values], () => {
      throw new Error(`the derivative for '${node === 'Unique2Backward0' ? '_unique2' : node === 'UniqueDimBackward0' ? 'unique_dim' : 'unique_consecutive'}' is not implemented.`);
    });
  }
  const out: Tensor[] = [values];
  if (return_inverse) out.push(int64_of(groups.inverse, dim === null ? x._shape : [groups.inverse.length]));
  if (return_counts) out.push(int64_of(groups.counts));
  return out.length === 1 ? values : (out as [Tensor, Tensor] | [Tensor, Tensor, Tensor]);
}

/**
 * The distinct values of `input` (flattened), sorted; or the distinct slices along `dim`, in lexicographic order.
 * With `return_inverse` / `return_counts`, an array `[values, inverse?, counts?]` as Python's tuple. NaN values
 * are all distinct. Not differentiable.
 *
 * @example
 * torch.unique(torch.tensor([3, 1, 3])); // [1, 3]
 * const [values, inverse, counts] = torch.unique(x, { return_inverse: true, return_counts: true });
 */
export function unique(...args: PyArgs<[input: Tensor, sorted: boolean, return_inverse: boolean, return_counts: boolean, dim: number | null], UniqueOptions & { input?: Tensor }>): UniqueResult {
  if (tracing) return trace_op('aten::unique', unique, args, UNIQUE) as UniqueResult;
  const a = UNIQUE.parse(args);
  // PyTorch's CPU kernel may return sorted values for sorted=False too; tsgrad always sorts
  return unique_impl(a.input, true, a.return_inverse, a.return_counts, a.dim, a.dim === null ? 'Unique2Backward0' : 'UniqueDimBackward0');
}

/**
 * Collapses each run of equal neighbouring values (or slices along `dim`) into one, as `unique` does without
 * sorting; with `return_inverse` / `return_counts` an array `[values, inverse?, counts?]`.
 *
 * @example
 * torch.unique_consecutive(torch.tensor([1, 1, 2, 1])); // [1, 2, 1]
 */
export function unique_consecutive(...args: PyArgs<[input: Tensor, return_inverse: boolean, return_counts: boolean, dim: number | null], Omit<UniqueOptions, 'sorted'> & { input?: Tensor }>): UniqueResult {
  if (tracing) return trace_op('aten::unique_consecutive', unique_consecutive, args, UNIQUE_CONSECUTIVE) as UniqueResult;
  const a = UNIQUE_CONSECUTIVE.parse(args);
  return unique_impl(a.input, false, a.return_inverse, a.return_counts, a.dim, 'UniqueConsecutiveBackward0');
}

const BINCOUNT = signature<{ input: Tensor; weights: Tensor | null; minlength: number }>('bincount(Tensor input, Tensor? weights=None, int minlength=0)');
/** The arguments of `x.bincount(...)`. */
export type BincountMethodArgs = PyArgs<[weights: Tensor | null, minlength: number], {
  /** A weight per input element, summed per bin instead of counting. */
  weights?: Tensor | null;
  /** At least this many bins. */
  minlength?: number;
}>;
/**
 * How often each value `0..max(input)` occurs in a 1-d tensor of non-negative integers (at least `minlength`
 * bins), or the sum of `weights` per value: int64 counts, or weights' floating dtype (float64 for other weights).
 *
 * @example
 * torch.bincount(torch.tensor([0, 1, 1, 3])); // [1, 2, 0, 1]
 */
export function bincount(...args: PyArgs<[input: Tensor, weights: Tensor | null, minlength: number], { input?: Tensor; weights?: Tensor | null; minlength?: number }>): Tensor {
  if (tracing) return trace_op('aten::bincount', bincount, args, BINCOUNT);
  const { input, weights, minlength } = BINCOUNT.parse(args);
  if (is_floating(input._dtype)) throw new Error(`"bincount_cpu" not implemented for '${scalar_type_name(input._dtype)}'`);
  if (minlength < 0) throw new Error('minlength should be >= 0');
  const values = Array.from(input._contiguous_data());
  if (input.ndim !== 1 || values.some((v) => v < 0)) throw new Error('bincount only supports 1-d non-negative integral inputs.');
  if (weights !== null && (weights.ndim !== 1 || weights._shape[0] !== values.length)) throw new Error('weights should be 1-d and have the same length as input');
  const bins = Math.max(minlength, values.reduce((m, v) => Math.max(m, v + 1), 0));
  const dtype: DType = weights === null ? 'int64' : weights._dtype === 'float32' ? 'float32' : 'float64';
  const out = empty([bins], dtype);
  out._storage.data.fill(0);
  const w = weights === null ? null : weights._contiguous_data();
  for (let i = 0; i < values.length; i++) out._storage.data[values[i]!] += w === null ? 1 : w[i]!;
  if (weights !== null && weights.requires_grad) record_not_implemented('bincount', [weights], [out]);
  return out;
}

const HISTC = signature<{ input: Tensor; bins: number; min: number; max: number }>('histc(Tensor input, int bins=100, Scalar min=0, Scalar max=0)');
/** The arguments of `x.histc(...)`. */
export type HistcMethodArgs = PyArgs<[bins: number, min: number, max: number], {
  /** The number of equal-width bins (default 100). */
  bins?: number;
  /** The lower end of the range (with `max` 0: the data's minimum). */
  min?: number;
  /** The upper end of the range (with `min` 0: the data's maximum). */
  max?: number;
}>;
/**
 * A histogram of `bins` equal-width bins over `[min, max]` (the data's own range when both are 0; a range of
 * width 0 is widened by 1 on each side); values outside are ignored, the last bin includes `max`. Floating
 * inputs only; not differentiable.
 *
 * @example
 * torch.histc(torch.tensor([1, 2, 1]), 4, 0, 3); // [0, 2, 1, 0]
 */
export function histc(...args: PyArgs<[input: Tensor, bins: number, min: number, max: number], { input?: Tensor; bins?: number; min?: number; max?: number }>): Tensor {
  if (tracing) return trace_op('aten::histc', histc, args, HISTC);
  const { input, bins, ...range } = HISTC.parse(args);
  let [min, max] = [Number(range.min), Number(range.max)];
  if (!is_floating(input._dtype)) throw new Error(`"histogram_cpu" not implemented for '${scalar_type_name(input._dtype)}'`);
  if (bins <= 0) throw new Error(`torch.histogram(): bins must be > 0, but got ${bins} for dimension 0`);
  const data = Array.from(input._contiguous_data());
  if (min === 0 && max === 0 && data.length > 0) {
    min = data.reduce((m, v) => Math.min(m, v), Infinity);
    max = data.reduce((m, v) => Math.max(m, v), -Infinity);
  }
  if (min === max) [min, max] = [min - 1, max + 1];
  if (!(min < max)) throw new Error('torch.histc: max must be larger than min');
  const out = empty([bins], input._dtype);
  out._storage.data.fill(0);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(v >= min && v <= max)) continue;
    out._storage.data[Math.min(Math.floor(((v - min) * bins) / (max - min)), bins - 1)]! += 1;
  }
  return out;
}

const BUCKETIZE = signature<{ input: Tensor | number; boundaries: Tensor; out_int32: boolean; right: boolean }>('bucketize(Tensor|Scalar input, Tensor boundaries, *, bool out_int32=False, bool right=False)');
/**
 * The bucket of each input value among the sorted 1-d `boundaries`: the first `i` with `value <= boundaries[i]`
 * (`value < boundaries[i]` with `right`), i.e. `searchsorted(boundaries, input)` (int64, no gradient).
 *
 * @example
 * torch.bucketize(torch.tensor([1, 5, 9]), torch.tensor([1, 3, 5, 7])); // [0, 2, 4]
 */
export function bucketize(...args: PyArgs<[input: Tensor | number, boundaries: Tensor], { input?: Tensor | number; boundaries?: Tensor; out_int32?: boolean; right?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::bucketize', bucketize, args, BUCKETIZE);
  const { input, boundaries, out_int32, right } = BUCKETIZE.parse(args);
  if (boundaries.ndim !== 1) throw new Error(`boundaries tensor must be 1 dimension, but got dim(${boundaries.ndim})`);
  return searchsorted(boundaries, input instanceof Tensor && input.ndim === 0 ? reshape(input, []) : input, { out_int32, right });
}
