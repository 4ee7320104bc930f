// Reductions (sum, mean, max/min, amax, argmax, norm, var) and softmax, with PyTorch's node names.
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating, scalar_type_name, type DType, type DTypeLike } from '../dtype.js';
import { normalize_dim, normalize_dims } from '../shape.js';
import { kernels } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { overloads, signature, type PyArgs } from '../signature.js';
import { add, div, eq, ne, float_dtype, map_unary, masked_fill, maximum as maximum_, minimum as minimum_, mul, neg, pow, sub, to_dtype, where, type Scalar } from './arithmetic.js';
import { abs, exp, log, sign } from './unary.js';
import { empty, record } from './record.js';
import type { DimArg, ReduceOptions } from './types.js';
import { norm_backward, norm_value } from './norm_rules.js';
import { expand, reshape, unsqueeze, view } from './view.js';
import { scatter_into_zeros } from './indexing.js';
import { values_indices } from './named_tuple.js';
import { no_grad } from '../autograd/grad_mode.js';

/** `[values, indices]` with `.values` / `.indices`, as PyTorch's named tuple. */
export interface MaxResult extends Iterable<Tensor> {
  /** The values, as `values`. */
  readonly 0: Tensor;
  /** The indices, as `indices`. */
  readonly 1: Tensor;
  /** Always 2: the pair destructures as `const [values, indices] = ...`. */
  readonly length: 2;
  /** The extreme values along the reduced dim. */
  readonly values: Tensor;
  /** Their positions along the reduced dim (int64; the first one on ties). */
  readonly indices: Tensor;
}


/** The arguments of `torch.sum`-like reductions: `(input, dim=None, keepdim=False, *, dtype=None)`. */
export type ReduceArgs = PyArgs<[input: Tensor, dim: DimArg, keepdim: boolean], ReduceOptions & {
  /** The tensor to reduce. */
  input?: Tensor;
  /** Convert the input to this dtype before reducing (PyTorch's keyword-only `dtype`). */
  dtype?: DTypeLike | null;
}>;
/** The same, as a Tensor method (`x.sum(1, { keepdim: true })`). */
export type ReduceMethodArgs = PyArgs<[dim: DimArg, keepdim: boolean], ReduceOptions & {
  /** Convert the input to this dtype before reducing. */
  dtype?: DTypeLike | null;
}>;
interface Reduced { input: Tensor; dim: number[] | null; keepdim: boolean; dtype: DType | null }
/** sum / mean: over all elements, or over `dim` (PyTorch's two overloads; `keepdim` needs `dim`). */
const all_or_dims = (name: string) => overloads<Partial<Reduced> & { input: Tensor; dtype: DType | null }>(
  `${name}(Tensor input, *, ScalarType? dtype=None)`,
  `${name}(Tensor input, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None)`,
);
const SUM = all_or_dims('sum');
const MEAN = all_or_dims('mean');
const AMAX = signature<Reduced>('amax(Tensor input, int[1] dim=[], bool keepdim=False)');
const AMIN = signature<Reduced>('amin(Tensor input, int[1] dim=[], bool keepdim=False)');

/** The common positional reduction `op(tensor, int dim)` or `op(tensor, int dim, bool keepdim)`, which skips the parser. */
function plain_dim_call(args: readonly unknown[]): boolean {
  return (args.length === 2 || (args.length === 3 && typeof args[2] === 'boolean')) && args[0] instanceof Tensor && Number.isInteger(args[1]);
}

/** All dims when `dim` is None or empty (PyTorch's full reduction). */
const is_full = (dim: readonly number[] | null): dim is null => dim === null || dim.length === 0;

function reduced_shape(shape: readonly number[], dims: number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!dims.includes(i)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Broadcasts a reduced gradient back over the reduced dims. */
function unreduce(g: Tensor, shape: readonly number[], dims: number[], keepdim: boolean): Tensor {
  let r = g;
  if (!keepdim) for (const d of [...dims].sort((a, b) => a - b)) r = unsqueeze(r, d);
  return expand(r, shape);
}

function sum_raw(x: Tensor, dims: number[], keepdim: boolean, dtype: DType): Tensor {
  const reduced = x._shape.map((_, i) => dims.includes(i));
  const out = empty(reduced_shape(x._shape, dims, keepdim), dtype);
  kernels().sum(x._view, reduced, out._storage.data);
  return out;
}

/**
 * Sum of all elements (SumBackward0) or over `dim` (SumBackward1).
 *
 * @example
 * x.sum(); x.sum(1); x.sum([0, 2], { keepdim: true });
 */
export function sum(...args: ReduceArgs): Tensor {
  if (tracing) return trace_op('aten::sum', sum, args, SUM);
  if (args.length === 1 && args[0] instanceof Tensor) return sum_dims(args[0], null, false);
  if (plain_dim_call(args)) return sum_dims(args[0] as Tensor, args[1] as number, args[2] === true);
  const a = SUM.parse(args).values;
  return sum_dims(a.dtype === null ? a.input : to_dtype(a.input, a.dtype), a.dim ?? null, a.keepdim ?? false);
}

/**
 * `sum` without argument parsing (SumBackward0 over all dims, SumBackward1 over `dim`); bool sums to int64.
 *
 * @param dim - the dims to reduce; null or `[]` for all
 * @example
 * torch.sum_dims(torch.ones([2, 3]), 1, false); // [3, 3]
 */
export function sum_dims(x: Tensor, dim: readonly number[] | number | null, keepdim: boolean): Tensor {
  if (tracing) return trace_op('aten::sum', sum_dims, [x, dim, keepdim]) as Tensor;
  const d = typeof dim === 'number' ? [dim] : dim;
  const dims = normalize_dims(is_full(d) ? null : d, x.ndim);
  const dtype = is_floating(x._dtype) ? x._dtype : 'int64';
  const out = sum_raw(x, dims, keepdim, dtype);
  const shape = x._shape;
  record(d === null ? 'SumBackward0' : 'SumBackward1', [x], [out], (_c, [g]) => [unreduce(g!, shape, dims, keepdim)]);
  return out;
}

/**
 * Mean of all elements (MeanBackward0) or over `dim` (MeanBackward1).
 *
 * @example
 * x.mean(); x.mean(1); x.mean({ dim: [0, 1], keepdim: true });
 */
export function mean(...args: ReduceArgs): Tensor {
  if (tracing) return trace_op('aten::mean', mean, args, MEAN);
  if (args.length === 1 && args[0] instanceof Tensor) return mean_dims(args[0], null, false);
  if (plain_dim_call(args)) return mean_dims(args[0] as Tensor, [args[1] as number], args[2] === true);
  const a = MEAN.parse(args).values;
  return mean_dims(a.dtype === null ? a.input : to_dtype(a.input, a.dtype), a.dim ?? null, a.keepdim ?? false);
}

/**
 * `mean` without argument parsing (MeanBackward0 over all dims, MeanBackward1 over `dim`).
 *
 * @param dim - the dims to reduce; null or `[]` for all
 * @example
 * torch.mean_dims(torch.tensor([[1, 2], [3, 4]]), [0], false); // [2, 3]
 */
export function mean_dims(x: Tensor, dim: readonly number[] | null, keepdim: boolean): Tensor {
  if (tracing) return trace_op('aten::mean', mean_dims, [x, dim, keepdim]) as Tensor;
  if (!is_floating(x._dtype)) {
    throw new Error(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalar_type_name(x._dtype)}`);
  }
  const dims = normalize_dims(is_full(dim) ? null : dim, x.ndim);
  const count = dims.reduce((n, d) => n * x._shape[d]!, 1);
  const out = sum_raw(x, dims, keepdim, x._dtype);
  const od = out._storage.data;
  for (let i = 0; i < od.length; i++) od[i] = od[i]! / count;
  const shape = x._shape;
  record(dim === null ? 'MeanBackward0' : 'MeanBackward1', [x], [out], (_c, [g]) => [div(unreduce(g!, shape, dims, keepdim), count)]);
  return out;
}

/**
 * Sums `g` over the dims in which `shape` was broadcast, giving a tensor of `shape`: how a gradient of a
 * broadcast result returns to its operand. PyTorch's `g.sum_to_size(shape)`; raises when `shape` does not
 * broadcast to `g`'s shape.
 *
 * @example
 * torch.sum_to(torch.ones([2, 3]), [1, 3]); // [[2, 2, 2]]
 */
export function sum_to(g: Tensor, shape: readonly number[]): Tensor {
  if (tracing) return trace_op('aten::sum_to_size', sum_to, [g, shape]) as Tensor;
  if (g._shape.join() === shape.join()) return g;
  const lead = g.ndim - shape.length;
  if (lead < 0) throw new Error(`size {[${shape.join(', ')}]} is not expandable to size {[${g._shape.join(', ')}]}.`);
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && g._shape[i] !== 1) dims.push(i);
    else if (shape[i - lead] !== g._shape[i]) throw new Error(`size {[${shape.join(', ')}]} is not expandable to size {[${g._shape.join(', ')}]}.`);
  }
  if (dims.length === 0) return view(g, shape);
  return reshape(sum_dims(g, dims, true), shape);
}

function extreme_all(x: Tensor, is_max: boolean): Tensor {
  if (x.numel() === 0) throw new Error(`${is_max ? 'max' : 'min'}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  const out = empty([], x._dtype);
  kernels().extreme(x._view, x._shape.map(() => true), out._storage.data, is_max);
  // ties split the gradient evenly (PyTorch's evenly_distribute_backward)
  record(is_max ? 'MaxBackward1' : 'MinBackward1', [x], [out], (ctx, [g]) => {
    const [a, r] = ctx.saved_tensors;
    const mask = to_dtype(eq(a!, r!), g!._dtype);
    return [mul(mask, div(g!, sum_dims(mask, null, false)))];
  }, [x, out]);
  return out;
}

function extreme_dim(x: Tensor, dim: number, keepdim: boolean, is_max: boolean, name = is_max ? 'max' : 'min'): MaxResult {
  const d = normalize_dim(dim, x.ndim);
  if (x.ndim > 0 && x._shape[d] === 0) throw new RangeError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
  const shape = reduced_shape(x._shape, [d], false);
  const values = empty(shape, x._dtype);
  const indices = empty(shape, 'int64');
  kernels().extreme_along(x._view, d, values._storage.data, indices._storage.data as Float64Array, is_max);
  const vals = keepdim && x.ndim > 0 ? view(values, reduced_shape(x._shape, [d], true)) : values;
  const idx = keepdim && x.ndim > 0 ? view(indices, reduced_shape(x._shape, [d], true)) : indices;
  if (vals !== values) vals.grad_fn = null;
  const in_shape = x._shape;
  record(is_max ? 'MaxBackward0' : 'MinBackward0', [x], [vals], (ctx, [g]) => {
    const [i] = ctx.saved_tensors;
    return [scatter_into_zeros(g!, d, i!, in_shape, keepdim)];
  }, [idx]);
  return values_indices<MaxResult>(name, vals, idx);
}

interface ExtremeParsed { input: Tensor; other?: Tensor; dim?: number; keepdim?: boolean }
/** max / min: of all elements, elementwise with `other`, or along `dim` (PyTorch's overloads, picked by kind). */
const extreme_overloads = (name: string) => overloads<ExtremeParsed>(`${name}(Tensor input)`, `${name}(Tensor input, Tensor other)`, `${name}(Tensor input, int dim, bool keepdim=False)`);
const MAX = extreme_overloads('max');
const MIN = extreme_overloads('min');
/** The arguments of `torch.max` / `torch.min`: `(input)`, `(input, dim, keepdim=False)` or `(input, other)`. */
export type ExtremeArgs = PyArgs<[input: Tensor, dim: number | Tensor | null, keepdim: boolean], {
  /** The tensor to reduce. */
  input?: Tensor;
  /** Reduce along this dim and return `[values, indices]`; all elements (one value) when left out. */
  dim?: number | null;
  /** With `dim`: keep it with size 1. */
  keepdim?: boolean;
  /** Instead of reducing: the elementwise extreme of `input` and this tensor. */
  other?: Tensor;
}>;

function extreme(args: readonly unknown[], is_max: boolean): Tensor & MaxResult {
  if (args.length === 1 && args[0] instanceof Tensor) return extreme_all(args[0], is_max) as Tensor & MaxResult;
  if (plain_dim_call(args)) return extreme_dim(args[0] as Tensor, args[1] as number, args[2] === true, is_max) as unknown as Tensor & MaxResult;
  const a = (is_max ? MAX : MIN).parse(args).values;
  if (a.other !== undefined) return (is_max ? maximum_(a.input, a.other) : minimum_(a.input, a.other)) as Tensor & MaxResult;
  if (a.dim === undefined) return extreme_all(a.input, is_max) as Tensor & MaxResult;
  return extreme_dim(a.input, a.dim, a.keepdim ?? false, is_max) as unknown as Tensor & MaxResult;
}

/**
 * `x.max()` (MaxBackward1, ties split evenly), `x.max(dim)` → `[values, indices]` (MaxBackward0,
 * gradient to the first maximum), or `x.max(other)` (elementwise maximum).
 *
 * @example
 * torch.max(x); const [values, indices] = torch.max(x, { dim: 1 }); torch.max(x, y);
 */
export function max(...args: ExtremeArgs): Tensor & MaxResult {
  if (tracing) return trace_op('aten::max', max, args, MAX) as Tensor & MaxResult;
  return extreme(args, true);
}
/**
 * `x.min()` (MinBackward1), `x.min(dim)` → `[values, indices]` (MinBackward0), or `x.min(other)`; as `max`.
 *
 * @example
 * const [values, indices] = torch.min(torch.tensor([[3, 1], [0, 2]]), 1); // values [1, 0], indices [1, 0]
 */
export function min(...args: ExtremeArgs): Tensor & MaxResult {
  if (tracing) return trace_op('aten::min', min, args, MIN) as Tensor & MaxResult;
  return extreme(args, false);
}

function amax_impl(a: Reduced, is_max: boolean): Tensor {
  const x = a.input;
  const all = is_full(a.dim);
  const dims = normalize_dims(all ? null : a.dim, x.ndim);
  const name = is_max ? 'amax' : 'amin';
  if (x.numel() === 0) {
    if (all) throw new Error(`${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
    for (const d of dims) if (x._shape[d] === 0) throw new RangeError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
  }
  const out = empty(reduced_shape(x._shape, dims, a.keepdim), x._dtype);
  kernels().extreme(x._view, x._shape.map((_, i) => dims.includes(i)), out._storage.data, is_max);
  const shape = x._shape;
  const keep = a.keepdim;
  record(is_max ? 'AmaxBackward0' : 'AminBackward0', [x], [out], (ctx, [g]) => {
    const [a, r] = ctx.saved_tensors;
    const mask = to_dtype(eq(a!, unreduce(r!, shape, dims, keep)), g!._dtype);
    const count = sum_dims(mask, dims, true);
    return [div(mul(unreduce(g!, shape, dims, keep), mask), count)];
  }, [x, out]);
  return out;
}

/**
 * Max over `dim` (all dims when omitted); ties split the gradient evenly (AmaxBackward0).
 *
 * @example
 * torch.amax(x, [0, 1]); x.amax({ dim: 1, keepdim: true });
 */
export function amax(...args: ReduceArgs): Tensor {
  if (tracing) return trace_op('aten::amax', amax, args);
  return amax_impl(AMAX.parse(args), true);
}
/**
 * Min over `dim` (all dims when omitted); ties split the gradient evenly (AminBackward0). Arguments:
 * `amin(input, dim=[], keepdim=False)`.
 *
 * @example
 * torch.amin(torch.tensor([[3, 1], [0, 2]]), 0); // [0, 1]
 */
export function amin(...args: ReduceArgs): Tensor {
  if (tracing) return trace_op('aten::amin', amin, args);
  return amax_impl(AMIN.parse(args), false);
}

const ALL = signature<{ input: Tensor; dim: number[] | null; keepdim: boolean }>('all(Tensor input, int[1]? dim=None, bool keepdim=False)');
const ANY = signature<{ input: Tensor; dim: number[] | null; keepdim: boolean }>('any(Tensor input, int[1]? dim=None, bool keepdim=False)');
/** Keyword options of `all` / `any`. */
export interface AllAnyOptions {
  /** The dim or dims reduced (all when null). */
  dim?: number | number[] | null;
  /** Keep the reduced dims with size 1. */
  keepdim?: boolean;
}
/** The arguments of `torch.all` / `torch.any`: `(input, dim=None, keepdim=False)`, `dim` an int or a list. */
export type AllAnyArgs = PyArgs<[input: Tensor, dim: number | number[] | null, keepdim: boolean], AllAnyOptions & {
  /** The tensor tested. */
  input?: Tensor;
}>;
/** The same, as a Tensor method. */
export type AllAnyMethodArgs = PyArgs<[dim: number | number[] | null, keepdim: boolean], AllAnyOptions>;

/** How many elements are non-zero (NaN counts) over `dim`, and how many were reduced into each result. */
function count_true(a: { input: Tensor; dim: number[] | null; keepdim: boolean }): [Tensor, number] {
  const dims = normalize_dims(is_full(a.dim) ? null : a.dim, a.input.ndim);
  const per = dims.reduce((n, d) => n * (a.input._shape[d] ?? 1), 1);
  return [sum_raw(ne(a.input, 0), dims, a.keepdim, 'int64'), per];
}

/**
 * Whether every element is non-zero (NaN counts as true), over all elements or over `dim`; a bool tensor that
 * never requires grad (PyTorch's `torch.all`; empty input gives true).
 *
 * @example
 * torch.all(torch.tensor([[1, 0], [2, 3]]), 1); // [false, true]
 */
export function all(...args: AllAnyArgs): Tensor {
  const [count, per] = count_true(ALL.parse(args));
  return eq(count, per);
}

/**
 * Whether any element is non-zero (NaN counts as true), over all elements or over `dim`; a bool tensor that
 * never requires grad (PyTorch's `torch.any`; empty input gives false).
 *
 * @example
 * torch.any(torch.tensor([[1, 0], [0, 0]]), 1); // [true, false]
 */
export function any(...args: AllAnyArgs): Tensor {
  const [count] = count_true(ANY.parse(args));
  return ne(count, 0);
}

const LOGSUMEXP = signature<{ input: Tensor; dim: number[]; keepdim: boolean }>('logsumexp(Tensor input, int[1] dim, bool keepdim=False)');
/** The arguments of `x.logsumexp(...)`. */
export type LogsumexpMethodArgs = PyArgs<[dim: number | number[], keepdim: boolean], {
  /** The dim or dims reduced. */
  dim?: number | number[];
  /** Keep the reduced dims with size 1. */
  keepdim?: boolean;
}>;
/**
 * `log(sum(exp(x)))` over `dim`, computed with the max taken out first so large entries do not overflow;
 * integer input gives the default float dtype. LogsumexpBackward0: the gradient is `g * exp(x - result)`.
 *
 * @example
 * torch.logsumexp(logits, 1); x.logsumexp([0, 1], { keepdim: true });
 */
export function logsumexp(...args: PyArgs<[input: Tensor, dim: number | number[], keepdim: boolean], { input?: Tensor; dim?: number | number[]; keepdim?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::logsumexp', logsumexp, args, LOGSUMEXP);
  const a = LOGSUMEXP.parse(args);
  const x = is_floating(a.input._dtype) ? a.input : to_dtype(a.input, float_dtype(a.input._dtype));
  const dims = normalize_dims(a.dim.length === 0 ? null : a.dim, x.ndim);
  const keep = a.keepdim;
  const out = empty(reduced_shape(x._shape, dims, keep), x._dtype);
  no_grad(() => {
    const m = empty(reduced_shape(x._shape, dims, true), x._dtype);
    kernels().extreme(x._view, x._shape.map((_, i) => dims.includes(i)), m._storage.data, true);
    // an infinite max is not taken out (inf - inf would be NaN): the sum then gives ±inf itself
    const md = m._storage.data;
    for (let i = 0; i < md.length; i++) if (!Number.isFinite(md[i]!)) md[i] = 0;
    const r = add(log(sum_raw(exp(sub(x, m)), dims, true, x._dtype)), m);
    out._storage.data.set(r._contiguous_data());
  });
  const shape = x._shape;
  record('LogsumexpBackward0', [x], [out], (ctx, [g]) => {
    const [xs, r] = ctx.saved_tensors;
    return [mul(unreduce(g!, shape, dims, keep), exp(sub(xs!, unreduce(r!, shape, dims, keep))))];
  }, [x, out]);
  return out;
}

function arg_extreme(x: Tensor, dim: number | null | undefined, keepdim: boolean, is_max: boolean): Tensor {
  if (dim === null || dim === undefined) {
    if (x.numel() === 0) throw new RangeError(`${is_max ? 'argmax' : 'argmin'}(): Expected reduction dim to be specified for input.numel() == 0.`);
    const flat = reshape(x.detach(), [-1]);
    const r = extreme_dim(flat, 0, false, is_max).indices;
    return keepdim ? view(r, x._shape.map(() => 1)) : r;
  }
  return extreme_dim(x.detach(), dim, keepdim, is_max, is_max ? 'argmax' : 'argmin').indices;
}
type ArgExtremeArgs = PyArgs<[input: Tensor, dim: number | null, keepdim: boolean], { input?: Tensor; dim?: number | null; keepdim?: boolean }>;
interface ArgExtremeParsed { input: Tensor; dim: number | null; keepdim: boolean }
const ARGMAX = signature<ArgExtremeParsed>('argmax(Tensor input, int? dim=None, bool keepdim=False)');
const ARGMIN = signature<ArgExtremeParsed>('argmin(Tensor input, int? dim=None, bool keepdim=False)');

/**
 * Index of the maximum (first on ties); int64, never differentiable.
 *
 * @example
 * torch.argmax(x, 1); x.argmax({ dim: 1, keepdim: true });
 */
export function argmax(...args: ArgExtremeArgs): Tensor {
  if (tracing) return trace_op('aten::argmax', argmax, args, ARGMAX);
  const a = ARGMAX.parse(args);
  return arg_extreme(a.input, a.dim, a.keepdim, true);
}
/**
 * Index of the minimum (first on ties); int64, never differentiable. Without `dim`, the index into the
 * flattened input. Arguments: `argmin(input, dim=None, keepdim=False)`.
 *
 * @example
 * torch.argmin(torch.tensor([[3, 1], [0, 2]]), 1); // [1, 0]
 */
export function argmin(...args: ArgExtremeArgs): Tensor {
  if (tracing) return trace_op('aten::argmin', argmin, args, ARGMIN);
  const a = ARGMIN.parse(args);
  return arg_extreme(a.input, a.dim, a.keepdim, false);
}

interface NormParsed { input: Tensor; p: number | string | null; dim: number[] | null; keepdim: boolean; dtype: DType | null }
// PyTorch defines Tensor.norm in Python: a method call's errors name it so
const NORM = signature<NormParsed>("norm(Tensor input, Scalar|str? p='fro', int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)", { method_name: 'Tensor.norm' });

/** Options of `norm` after `p`. */
export interface NormOptions {
  /** The dim or dims to reduce (negative counts from the end); all elements when left out or null. */
  dim?: DimArg | null;
  /** Keep each reduced dim with size 1 (default false). */
  keepdim?: boolean;
  /** Convert the input to this floating dtype first. */
  dtype?: DTypeLike | null;
}
/** The order of a norm: a number (0 counts non-zeros, ±Infinity the largest/smallest magnitude) or 'fro'. */
export type NormOrder = number | 'fro' | 'nuc' | null;
/** The arguments of `torch.norm`: `(input, p='fro', dim=None, keepdim=False, *, dtype=None)`. */
export type NormArgs = PyArgs<[input: Tensor, p: NormOrder, dim: DimArg | null, keepdim: boolean], NormOptions & {
  /** The tensor whose norm is taken (floating point). */
  input?: Tensor;
  /** The order (default 'fro', the 2-norm). */
  p?: NormOrder;
}>;
/** The same, as a Tensor method. */
export type NormMethodArgs = PyArgs<[p: NormOrder, dim: DimArg | null, keepdim: boolean], NormOptions & {
  /** The order (default 'fro', the 2-norm). */
  p?: NormOrder;
}>;

/**
 * The p-norm over `dim` (all elements when omitted; NormBackward1): `p = 0` counts the non-zeros, `±inf` is the
 * largest/smallest magnitude, other p `(Σ|x|ᵖ)^(1/p)`, `'fro'` the 2-norm. Gradients follow PyTorch's
 * norm_backward: zero where the norm is zero (p = 2 and p > 1), none for p = 0, split evenly among ties for ±inf.
 *
 * @example
 * torch.tensor([3, 4]).norm(); // 5
 * torch.norm(x, 1, { dim: 1, keepdim: true });
 */
export function norm(...args: NormArgs): Tensor {
  if (tracing) return trace_op('aten::norm', norm, args, NORM);
  const a = NORM.parse(args);
  const x = a.dtype === null ? a.input : to_dtype(a.input, a.dtype);
  if (!is_floating(x._dtype)) throw new Error(`norm(): input dtype should be either floating point or complex. Got ${scalar_type_name(x._dtype)} instead.`);
  if (a.p === 'nuc') throw new Error('norm(): the nuclear norm (p=\'nuc\') needs a singular value decomposition, which tsgrad does not provide');
  if (typeof a.p === 'string' && a.p !== 'fro') throw new Error(`linalg.matrix_norm: Order ${a.p} not supported.`);
  const p = typeof a.p === 'number' ? a.p : 2;
  const all = a.dim === null || a.dim.length === 0;
  const dims = normalize_dims(all ? null : a.dim, x.ndim);
  if (!Number.isFinite(p) && dims.some((d) => (x.ndim === 0 ? 1 : x._shape[d]!) === 0)) {
    throw new Error(`linalg.vector_norm cannot compute the ${p > 0 ? '' : '-'}inf norm on an empty tensor because the operation does not have an identity`);
  }
  const out = no_grad(() => norm_value(x, p, all ? null : dims));
  const kept = all ? null : dims;
  const value = a.keepdim || all ? out : reshape(out, x._shape.filter((_, i) => !dims.includes(i)));
  const shape = x._shape;
  record('NormBackward1', [x], [value], (ctx, [g]) => {
    const [xs, r] = ctx.saved_tensors;
    const keep = (t: Tensor): Tensor => (all || a.keepdim ? t : reshape(t, shape.map((n, i) => (dims.includes(i) ? 1 : n))));
    return [norm_backward(keep(g!), xs!, keep(r!), p, kept)];
  }, [x, value]);
  return value;
}

/** Options of `var` / `std`. */
export interface VarOptions extends ReduceOptions {
  /** false divides by N instead of N - 1 (the older spelling of `correction: 0`). */
  unbiased?: boolean | null;
  /** Divide by `N - correction` (default 1, Bessel's correction); not together with `unbiased`. */
  correction?: number | null;
}
/** The arguments of `torch.var` / `torch.std`: `(input, dim=None, unbiased=None, keepdim=False, *, correction=None)`. */
export type VarArgs = PyArgs<[input: Tensor, dim: DimArg | boolean, unbiased: boolean | null, keepdim: boolean], VarOptions & {
  /** The tensor to reduce (floating point). */
  input?: Tensor;
}>;
/** The same, as a Tensor method. */
export type VarMethodArgs = PyArgs<[dim: DimArg | boolean, unbiased: boolean | null, keepdim: boolean], VarOptions>;
interface VarParsed { input: Tensor; dim?: number[] | null; unbiased?: boolean; keepdim?: boolean; correction?: Scalar | null }
/**
 * var / std: PyTorch's overloads, `(input, unbiased=True)`, `(input, dim, unbiased=True, keepdim=False)` and
 * `(input, dim, *, correction=None, keepdim=False)`, where 2.x also lets `dim` default to None (listed in
 * errors as 1.13 lists them); `unbiased` and `correction` never together.
 */
const variance_overloads = (name: string) => overloads<VarParsed>(
  `${name}(Tensor input, bool unbiased=True)`,
  `${name}(Tensor input, int[1]? dim, bool unbiased=True, bool keepdim=False)`,
  `${name}(Tensor input, int[1]? dim, *, Scalar? correction=None, bool keepdim=False)`,
  `${name}(Tensor input, *, Scalar? correction=None, bool keepdim=False)|hidden`,
);
const VAR = variance_overloads('var');
const STD = variance_overloads('std');

/** The reduced dims, keepdim and divisor `N - correction` of a parsed var / std call. */
function var_args(a: VarParsed): { dims: number[]; keepdim: boolean; divisor: number } {
  const x = a.input;
  if (!is_floating(x._dtype)) throw new Error('std and var only support floating point and complex dtypes');
  const dim = a.dim ?? null;
  const dims = normalize_dims(is_full(dim) ? null : dim, x.ndim);
  const n = dims.reduce((k, d) => k * x._shape[d]!, 1);
  const correction = a.correction !== undefined && a.correction !== null ? Number(a.correction) : a.unbiased === false ? 0 : 1;
  return { dims, keepdim: a.keepdim ?? false, divisor: Math.max(n - correction, 0) };
}

/** `x - mean(x)` over `dims` (kept), which both variance rules use. */
function centered(x: Tensor, dims: number[]): Tensor {
  return sub(x, mean_dims(x, dims, true));
}

/**
 * Variance over `dim` (all dims when omitted), Bessel-corrected unless `unbiased: false` or another
 * `correction` (VarBackward0).
 *
 * @example
 * x.var(); x.var(1, { keepdim: true }); x.var({ dim: 0, unbiased: false });
 */
export function var_(...args: VarArgs): Tensor {
  if (tracing) return trace_op('aten::var', var_, args, VAR);
  return var_dims(...var_call(VAR, args));
}

/** The input and reduction of a var / std call; the plain `x.var()` skips the parser. */
function var_call(sig: typeof VAR, args: readonly unknown[]): [Tensor, ReturnType<typeof var_args>] {
  const a: VarParsed = args.length === 1 && args[0] instanceof Tensor ? { input: args[0] } : sig.parse(args).values;
  return [a.input, var_args(a)];
}

/** `torch.var` (`var` is a reserved word in JS, so the function is `var_`; both names are exported). */
export { var_ as var };

function var_raw(x: Tensor, dims: number[], keepdim: boolean, divisor: number): Tensor {
  return no_grad(() => {
    const c = centered(x, dims);
    return div(sum_dims(mul(c, c), dims, keepdim), divisor);
  });
}

function var_dims(x: Tensor, { dims, keepdim, divisor }: { dims: number[]; keepdim: boolean; divisor: number }): Tensor {
  const out = var_raw(x, dims, keepdim, divisor);
  const shape = x._shape;
  // d var / dx = 2 (x - mean) / (n - correction)
  record('VarBackward0', [x], [out], (ctx, [g]) => {
    const [a] = ctx.saved_tensors;
    return [mul(unreduce(g!, shape, dims, keepdim), mul(centered(a!, dims), 2 / divisor))];
  }, [x]);
  return out;
}

/**
 * Standard deviation over `dim` (all dims when omitted), with `var`'s options (StdBackward0).
 *
 * @example
 * torch.std(torch.tensor([1, 2, 3, 4])); // 1.2910
 */
export function std(...args: VarArgs): Tensor {
  if (tracing) return trace_op('aten::std', std, args, STD);
  const [x, { dims, keepdim, divisor }] = var_call(STD, args);
  const out = no_grad(() => var_raw(x, dims, keepdim, divisor).sqrt());
  const shape = x._shape;
  // d std / dx = (x - mean) / ((n - correction) std), taken as 0 where std is 0 (PyTorch's std_backward)
  record('StdBackward0', [x], [out], (ctx, [g]) => {
    const [a, r] = ctx.saved_tensors;
    const rs = unreduce(r!, shape, dims, keepdim);
    return [where(eq(rs, 0), 0, div(mul(unreduce(g!, shape, dims, keepdim), centered(a!, dims)), mul(rs, divisor)))];
  }, [x, out]);
  return out;
}

/**
 * Variance and mean over `dim` in one pass, as `[var, mean]` with `var`'s options (VarMeanBackward0: one node,
 * both outputs' gradients summed).
 *
 * @example
 * const [v, m] = torch.var_mean(x, 1, { correction: 0 });
 */
export function var_mean(...args: VarArgs): [Tensor, Tensor] {
  if (tracing) return trace_op('aten::var_mean', var_mean, args, VAR_MEAN) as unknown as [Tensor, Tensor];
  return spread_mean(var_call(VAR_MEAN, args), false);
}
/**
 * Standard deviation and mean over `dim` in one pass, as `[std, mean]` with `std`'s options (StdMeanBackward0).
 *
 * @example
 * const [s, m] = torch.std_mean(torch.tensor([1, 2, 3, 4])); // 1.2910, 2.5
 */
export function std_mean(...args: VarArgs): [Tensor, Tensor] {
  if (tracing) return trace_op('aten::std_mean', std_mean, args, STD_MEAN) as unknown as [Tensor, Tensor];
  return spread_mean(var_call(STD_MEAN, args), true);
}
const VAR_MEAN = variance_overloads('var_mean');
const STD_MEAN = variance_overloads('std_mean');

/** var_mean / std_mean: both results fresh, one node whose gradient adds the spread's and the mean's. */
function spread_mean([x, { dims, keepdim, divisor }]: [Tensor, ReturnType<typeof var_args>], is_std: boolean): [Tensor, Tensor] {
  const spread = no_grad(() => (is_std ? var_raw(x, dims, keepdim, divisor).sqrt() : var_raw(x, dims, keepdim, divisor)));
  const avg = no_grad(() => mean_dims(x, dims, keepdim));
  const shape = x._shape;
  const count = dims.reduce((n, d) => n * shape[d]!, 1);
  record(is_std ? 'StdMeanBackward0' : 'VarMeanBackward0', [x], [spread, avg], (ctx, [g_spread, g_mean]) => {
    const [a, r] = ctx.saved_tensors;
    const c = centered(a!, dims);
    const parts: Tensor[] = [];
    if (g_spread !== undefined && g_spread !== null) {
      const gs = unreduce(g_spread, shape, dims, keepdim);
      if (is_std) {
        const rs = unreduce(r!, shape, dims, keepdim);
        parts.push(where(eq(rs, 0), 0, div(mul(gs, c), mul(rs, divisor))));
      } else {
        parts.push(mul(gs, mul(c, 2 / divisor)));
      }
    }
    if (g_mean !== undefined && g_mean !== null) parts.push(div(unreduce(g_mean, shape, dims, keepdim), count));
    return [parts.length === 0 ? null : parts.reduce((s, p) => add(s, p))];
  }, [x, spread], ['self', 'result0']);
  return [spread, avg];
}

interface SoftmaxParsed { input: Tensor; dim: number; dtype: DType | null }
const SOFTMAX = signature<SoftmaxParsed>('softmax(Tensor input, int dim, ScalarType? dtype=None)');
const LOG_SOFTMAX = signature<SoftmaxParsed>('log_softmax(Tensor input, int dim, ScalarType? dtype=None)');
/** The arguments of `softmax` / `log_softmax`: `(input, dim, dtype=None)`. */
export type SoftmaxArgs = PyArgs<[input: Tensor, dim: number, dtype: DTypeLike | null], {
  /** The input tensor. */
  input?: Tensor;
  /** The dim the result sums to 1 along (negative counts from the end). */
  dim?: number;
  /** Convert the input to this dtype first. */
  dtype?: DTypeLike | null;
}>;
/** The same, as a Tensor method. */
export type SoftmaxMethodArgs = PyArgs<[dim: number, dtype: DTypeLike | null], {
  /** The dim the result sums to 1 along. */
  dim?: number;
  /** Convert the input to this dtype first. */
  dtype?: DTypeLike | null;
}>;

/** PyTorch's softmax kernels exist for floating dtypes only (pass `dtype` to convert an integer input first). */
function check_softmax_dtype(x: Tensor, d: number, name: string): void {
  if (!is_floating(x._dtype)) throw new Error(`"${name}_${d === x.ndim - 1 || x.ndim === 0 ? 'lastdim_' : ''}kernel_impl" not implemented for '${scalar_type_name(x._dtype)}'`);
}

/**
 * Softmax along `dim` with max subtraction (SoftmaxBackward0).
 *
 * @example
 * torch.softmax(x, 1); F.softmax(x, { dim: 1 });
 */
export function softmax(...args: SoftmaxArgs): Tensor {
  if (tracing) return trace_op('aten::softmax', softmax, args, SOFTMAX);
  const a = SOFTMAX.parse(args);
  const x = a.dtype === null ? a.input : to_dtype(a.input, a.dtype);
  const d = normalize_dim(a.dim, x.ndim);
  check_softmax_dtype(x, d, 'softmax');
  const out = empty(x._shape, float_dtype(x._dtype));
  kernels().softmax(x._view, d, out._storage.data, false);
  record('SoftmaxBackward0', [x], [out], (ctx, [g]) => [softmax_backward_data(g!, ctx.saved_tensors[0]!, d)], [out]);
  return out;
}

/**
 * The softmax (or log-softmax) input gradient in one kernel pass, bit for bit what the separate ops give, when
 * `g` and `y` agree in shape and floating dtype; else null (the caller composes the ops, which promote and
 * broadcast).
 */
function fused_softmax_backward(g: Tensor, y: Tensor, d: number, log: boolean): Tensor | null {
  if (g._dtype !== y._dtype || !is_floating(g._dtype) || g.ndim !== y.ndim || g._shape.some((n, i) => n !== y._shape[i])) return null;
  const out = empty(g._shape, g._dtype);
  kernels().softmax_backward(g._view, y._view, d, out._storage.data, log);
  return out;
}

/**
 * SoftmaxBackward0's rule as an op, `y (g - Σ g y)` (SoftmaxBackwardDataBackward0; edges: grad_output,
 * output), recorded when a graph is being built.
 */
function softmax_backward_data(g: Tensor, y: Tensor, d: number): Tensor {
  const dot = (a: Tensor, b: Tensor): Tensor => sum_dims(mul(a, b), d, true);
  const gx = fused_softmax_backward(g, y, d, false) ?? no_grad(() => mul(y, sub(g, dot(g, y))));
  // d/dg is the same rule applied to u; d/dy = u g - u Σ g y - g Σ u y
  record('SoftmaxBackwardDataBackward0', [g, y], [gx], (ctx, [u]) => {
    const [gs, ys] = ctx.saved_tensors;
    return [
      ctx.needs_input_grad(0) ? softmax_backward_data(u!, ys!, d) : null,
      ctx.needs_input_grad(1) ? sub(mul(u!, sub(gs!, dot(gs!, ys!))), mul(gs!, dot(u!, ys!))) : null,
    ];
  }, [g, y]);
  return gx;
}

/**
 * `log(softmax(x, dim))`, computed stably along `dim` (LogSoftmaxBackward0).
 *
 * @example
 * torch.log_softmax(torch.tensor([0, 0]), 0); // [-0.6931, -0.6931]
 */
export function log_softmax(...args: SoftmaxArgs): Tensor {
  if (tracing) return trace_op('aten::log_softmax', log_softmax, args, LOG_SOFTMAX);
  const a = LOG_SOFTMAX.parse(args);
  const x = a.dtype === null ? a.input : to_dtype(a.input, a.dtype);
  const d = normalize_dim(a.dim, x.ndim);
  check_softmax_dtype(x, d, 'log_softmax');
  const out = empty(x._shape, float_dtype(x._dtype));
  kernels().softmax(x._view, d, out._storage.data, true);
  record('LogSoftmaxBackward0', [x], [out], (ctx, [g]) => [log_softmax_backward_data(g!, ctx.saved_tensors[0]!, d)], [out]);
  return out;
}

/**
 * LogSoftmaxBackward0's rule as an op, `g - exp(y) Σ g` (LogSoftmaxBackwardDataBackward0; edges:
 * grad_output, output), recorded when a graph is being built.
 */
function log_softmax_backward_data(g: Tensor, y: Tensor, d: number): Tensor {
  const gx = fused_softmax_backward(g, y, d, true) ?? no_grad(() => sub(g, mul(exp(y), sum_dims(g, d, true))));
  // d/dg = u - Σ u exp(y); d/dy = -exp(y) u Σ g
  record('LogSoftmaxBackwardDataBackward0', [g, y], [gx], (ctx, [u]) => {
    const [gs, ys] = ctx.saved_tensors;
    const p = exp(ys!);
    return [
      ctx.needs_input_grad(0) ? sub(u!, sum_dims(mul(u!, p), d, true)) : null,
      ctx.needs_input_grad(1) ? neg(mul(mul(p, u!), sum_dims(gs!, d, true))) : null,
    ];
  }, [g, y]);
  return gx;
}
