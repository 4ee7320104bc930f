// Reductions that skip NaN or count: nansum (NansumBackward0), nanmean (nansum over the count, DivBackward0),
// count_nonzero (int64, no gradient) and aminmax (both extremes at once; PyTorch has no derivative for it).
import { trace_op, tracing } from '../jit/tracer.js';
import { no_grad } from '../autograd/grad_mode.js';
import { is_floating, scalar_type_name, type DType } from '../dtype.js';
import { normalize_dims } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { overloads, signature, type PyArgs } from '../signature.js';
import { record, record_not_implemented } from './record.js';
import { div, isnan, logical_not, mul, ne, to_dtype, where } from './arithmetic.js';
import { amax, amin, sum_dims } from './reduce.js';
import { expand, reshape } from './view.js';
import { named_result } from './named_tuple.js';
import type { DimArg } from './types.js';

interface NanReduceParsed { input: Tensor; dim: number[] | null; keepdim: boolean; dtype: DType | null }
const NANSUM = signature<NanReduceParsed>('nansum(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)');
const NANMEAN = signature<NanReduceParsed>('nanmean(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)');
/** Keyword arguments of `nansum` / `nanmean`. */
export interface NanReduceOptions {
  /** The dims reduced (all when null or empty). */
  dim?: DimArg | null;
  /** Keep the reduced dims with size 1. */
  keepdim?: boolean;
  /** Convert the input to this dtype first. */
  dtype?: DType | null;
}
type NanReduceArgs = PyArgs<[input: Tensor, dim: DimArg | null, keepdim: boolean], NanReduceOptions & { input?: Tensor }>;
/** The arguments of `x.nansum(...)` / `x.nanmean(...)`. */
export type NanReduceMethodArgs = PyArgs<[dim: DimArg | null, keepdim: boolean], NanReduceOptions>;

const all_dims = (dim: number[] | null): boolean => dim === null || dim.length === 0;

/** The sum with NaN counted as zero (NansumBackward0: the gradient is zero at the NaN). */
function nansum_of(x: Tensor, dim: number[] | null, keepdim: boolean): Tensor {
  const dims = normalize_dims(all_dims(dim) ? null : dim, x.ndim);
  const out = no_grad(() => sum_dims(is_floating(x._dtype) ? where(isnan(x), 0, x) : x, dims, keepdim));
  const shape = x._shape;
  record('NansumBackward0', [x], [out], (ctx, [g]) => {
    const [xs] = ctx.saved_tensors;
    // the reduced gradient spread back over the reduced dims
    const spread = expand(reshape(g!, shape.map((n, i) => (dims.includes(i) ? 1 : n))), shape);
    return [mul(spread, to_dtype(logical_not(isnan(xs!)), g!._dtype))];
  }, [x], ['self']);
  return out;
}

/**
 * The sum over `dim` (all elements when left out) treating NaN as zero (NansumBackward0).
 *
 * @example
 * torch.nansum(torch.tensor([1, NaN, 2])); // 3
 */
export function nansum(...args: NanReduceArgs): Tensor {
  if (tracing) return trace_op('aten::nansum', nansum, args, NANSUM);
  const a = NANSUM.parse(args);
  const x = a.dtype === null ? a.input : to_dtype(a.input, a.dtype);
  return nansum_of(x, a.dim, a.keepdim);
}

/**
 * The mean over `dim` (all elements when left out) of the values that are not NaN: `nansum / count`
 * (DivBackward0, as PyTorch composes it). Floating inputs only.
 *
 * @example
 * torch.nanmean(torch.tensor([1, NaN, 2])); // 1.5
 */
export function nanmean(...args: NanReduceArgs): Tensor {
  if (tracing) return trace_op('aten::nanmean', nanmean, args, NANMEAN);
  const a = NANMEAN.parse(args);
  const x = a.dtype === null ? a.input : to_dtype(a.input, a.dtype);
  if (!is_floating(x._dtype)) throw new Error(`nanmean(): expected input to have floating point dtype but got ${scalar_type_name(x._dtype)}`);
  const dims = all_dims(a.dim) ? null : a.dim;
  const count = sum_dims(logical_not(isnan(x)), dims === null ? null : dims, a.keepdim);
  return div(nansum_of(x, a.dim, a.keepdim), count);
}

const COUNT_NONZERO = overloads<{ input: Tensor; dim: number[] | number | null }>('count_nonzero(Tensor input, int[] dim)', 'count_nonzero(Tensor input, int? dim=None)');
/** The arguments of `x.count_nonzero(...)`. */
export type CountNonzeroMethodArgs = PyArgs<[dim: DimArg | null], {
  /** The dim to work along. */
  dim?: DimArg | null;
}>;
/**
 * How many elements are not zero, over `dim` (one dim or several; all when left out), as int64.
 *
 * @example
 * torch.count_nonzero(torch.tensor([[0, 1], [2, 0]]), 0); // [1, 1]
 */
export function count_nonzero(...args: PyArgs<[input: Tensor, dim: DimArg | null], { input?: Tensor; dim?: DimArg | null }>): Tensor {
  if (tracing) return trace_op('aten::count_nonzero', count_nonzero, args);
  const { input, dim } = COUNT_NONZERO.parse(args).values;
  const dims = dim === null ? null : typeof dim === 'number' ? [dim] : dim;
  return no_grad(() => sum_dims(ne(input.detach(), 0), dims === null || dims.length === 0 ? null : dims, false));
}

/** `[min, max]` of aminmax, with `.min` / `.max`, as PyTorch's named tuple. */
export interface AminmaxResult extends Iterable<Tensor> {
  /** The smallest values, as `min`. */
  readonly 0: Tensor;
  /** The largest values, as `max`. */
  readonly 1: Tensor;
  /** Always 2. */
  readonly length: 2;
  /** The smallest values. */
  readonly min: Tensor;
  /** The largest values. */
  readonly max: Tensor;
}
const AMINMAX = signature<{ input: Tensor; dim: number | null; keepdim: boolean }>('aminmax(Tensor input, *, int? dim=None, bool keepdim=False)');
/** The arguments of `x.aminmax(...)`. */
export type AminmaxMethodArgs = PyArgs<[], {
  /** The dim to work along. */
  dim?: number | null;
  /** Keep the reduced dim with size 1. */
  keepdim?: boolean;
}>;
/**
 * The smallest and largest values over all elements or along `dim`, as `[min, max]` with `.min` / `.max`
 * (`torch.return_types.aminmax`). PyTorch 2.x has no derivative for it: backward raises
 * `derivative for aten::aminmax is not implemented`.
 *
 * @example
 * const { min, max } = torch.aminmax(torch.tensor([3, 1, 2])); // 1, 3
 */
export function aminmax(...args: PyArgs<[input: Tensor], { input?: Tensor; dim?: number | null; keepdim?: boolean }>): AminmaxResult {
  if (tracing) return trace_op('aten::aminmax', aminmax, args) as unknown as AminmaxResult;
  const { input, dim, keepdim } = AMINMAX.parse(args);
  if (input.numel() === 0 && dim === null) throw new Error('aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.');
  const reduce = (f: typeof amax): Tensor => no_grad(() => (dim === null ? (keepdim ? f(input.detach(), [], { keepdim }) : f(input.detach())) : f(input.detach(), [dim], { keepdim })));
  const [lo, hi] = [reduce(amin), reduce(amax)];
  record_not_implemented('aminmax', [input], [lo, hi]);
  return named_result<AminmaxResult>('aminmax', ['min', 'max'], [lo, hi]);
}
