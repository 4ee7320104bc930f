// Indexing along one dim: index_select, index_add, scatter / scatter_ and scatter_add / scatter_add_
// (IndexSelectBackward0, IndexAddBackward0, ScatterBackward0 / ScatterBackward1, ScatterAddBackward0), and one_hot.
import { trace_op, tracing } from '../jit/tracer.js';
import { normalize_dim, numel_of } from '../shape.js';
import { Tensor } from '../tensor.js';
import { empty, record, record_not_implemented } from './record.js';
import { apply_inplace } from './inplace.js';
import { gather, gather_plan } from './indexing.js';
import { signature, type PyArgs } from '../signature.js';
import type { Scalar } from './arithmetic.js';
import { cast_scalar, scalar_type_name } from '../dtype.js';

/** Sizes before `dim`, at `dim` and after it: the loop bounds of an op along one dim. */
function split_at(shape: readonly number[], dim: number): [outer: number, size: number, inner: number] {
  return [numel_of(shape.slice(0, dim)), shape[dim] ?? 1, numel_of(shape.slice(dim + 1))];
}

/** The positions an index_select / index_add index names, checked (int32 or int64, a vector, within `size`). */
function index_positions(op: string, index: Tensor, size: number): ArrayLike<number> {
  if (index._dtype !== 'int64') throw new Error(`${op}(): Expected dtype int32 or int64 for index`);
  if (index.ndim > 1) throw new RangeError(`${op}(): Index is supposed to be a vector`);
  const idx = index._contiguous_data();
  for (let i = 0; i < idx.length; i++) if (idx[i]! < 0 || idx[i]! >= size) throw new RangeError('index out of range in self');
  return idx;
}

/** `out[.., k, ..] = x[.., index[k], ..]` along `dim` (or its adjoint, adding into `out`, when `add`). */
function select_rows(src: ArrayLike<number>, out: { [i: number]: number }, shape_src: readonly number[], dim: number, idx: ArrayLike<number>, add: boolean): void {
  const [outer, size, inner] = split_at(shape_src, dim);
  const n = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      const from = (o * size + idx[k]!) * inner;
      const to = (o * n + k) * inner;
      if (add) for (let i = 0; i < inner; i++) out[from + i] += src[to + i]!;
      else for (let i = 0; i < inner; i++) out[to + i] = src[from + i]!;
    }
  }
}

const INDEX_SELECT = signature<{ input: Tensor; dim: number; index: Tensor }>('index_select(Tensor input, int dim, Tensor index)');
/**
 * The entries of `input` at `index` (a vector of int64 positions, repeats allowed) along `dim`
 * (IndexSelectBackward0; the gradient adds back into those positions).
 *
 * @example
 * torch.index_select(x, 0, torch.tensor([2, 0], { dtype: 'int64' }));
 */
export function index_select(...args: PyArgs<[input: Tensor, dim: number, index: Tensor], { input?: Tensor; dim?: number; index?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::index_select', index_select, args, INDEX_SELECT);
  const { input: x, dim, index } = INDEX_SELECT.parse(args);
  const d = normalize_dim(dim, x.ndim);
  const idx = index_positions('index_select', index, x.ndim === 0 ? 1 : x._shape[d]!);
  const shape = x.ndim === 0 ? [] : x._shape.map((s, i) => (i === d ? idx.length : s));
  const out = empty(shape, x._dtype);
  select_rows(x._contiguous_data(), out._storage.data, x._shape, d, idx, false);
  const base = x._shape;
  record('IndexSelectBackward0', [x], [out], (ctx, [g]) => [index_add_zeros(g!, d, ctx.saved_tensors[0]!, base)], [index]);
  return out;
}

/** Zeros of `shape` with `src` added at `index` along `dim` (index_select's adjoint; IndexAddBackward0). */
function index_add_zeros(src: Tensor, dim: number, index: Tensor, shape: readonly number[]): Tensor {
  const out = empty(shape, src._dtype);
  select_rows(src._contiguous_data(), out._storage.data, shape, dim, index._contiguous_data(), true);
  record('IndexAddBackward0', [null, src], [out], (ctx, [g]) => [null, index_select(g!, dim, ctx.saved_tensors[0]!)], [index]);
  return out;
}

/** How `scatter` combines with what is there. */
export type ScatterReduce = 'add' | 'multiply';
interface ScatterParsed {
  input: Tensor;
  dim: number;
  index: Tensor;
  src: Tensor | Scalar;
  reduce: string | null;
}
const SCATTER = signature<ScatterParsed>('scatter(Tensor input, int dim, Tensor index, Tensor|Scalar src, *, str? reduce=None)');
const SCATTER_ADD = signature<{ input: Tensor; dim: number; index: Tensor; src: Tensor }>('scatter_add(Tensor input, int dim, Tensor index, Tensor src)');
const SCATTER_ADD_ = SCATTER_ADD.renamed('scatter_add_');
/** Keyword arguments of `scatter` / `scatter_`. */
export interface ScatterOptions {
  /** The dim written along. */
  dim?: number;
  /** int64 positions along `dim`, with the input's rank. */
  index?: Tensor;
  /** The values written (read at index's positions), or one number. */
  src?: Tensor | Scalar;
  /** One number written everywhere index points (PyTorch's scalar overload). */
  value?: Scalar;
  /** Combine with what is there instead of overwriting (not differentiable). */
  reduce?: ScatterReduce | null;
}
/** Keyword arguments of `scatter_add` / `scatter_add_`. */
export interface ScatterAddOptions {
  /** The dim added along. */
  dim?: number;
  /** int64 positions along `dim`, with the input's rank. */
  index?: Tensor;
  /** The values added (read at index's positions). */
  src?: Tensor;
}
type ScatterArgs = PyArgs<[input: Tensor, dim: number, index: Tensor, src: Tensor | Scalar], ScatterOptions & { input?: Tensor }>;
/** The arguments of `x.scatter(...)` / `x.scatter_(...)`. */
export type ScatterMethodArgs = PyArgs<[dim: number, index: Tensor, src: Tensor | Scalar], ScatterOptions>;
type ScatterAddArgs = PyArgs<[input: Tensor, dim: number, index: Tensor, src: Tensor], ScatterAddOptions & { input?: Tensor }>;
/** The arguments of `x.scatter_add(...)` / `x.scatter_add_(...)`. */
export type ScatterAddMethodArgs = PyArgs<[dim: number, index: Tensor, src: Tensor], ScatterAddOptions>;

/** PyTorch's `value=` spelling of the scalar overload, read as `src`. */
function value_as_src<A extends unknown[]>(args: A): A {
  const last = args[args.length - 1];
  if (typeof last !== 'object' || last === null || last instanceof Tensor || Array.isArray(last) || !('value' in last)) return args;
  const { value, ...rest } = last as { value: unknown };
  return [...args.slice(0, -1), { ...rest, src: value }] as unknown as A;
}

/**
 * PyTorch's scatter / scatter_add checks: int64 index with self's rank, no larger than self (and src) off `dim`.
 *
 * @hidden
 */
export function check_scatter(op: string, x: Tensor, d: number, index: Tensor, src: Tensor | null): void {
  if (index._dtype !== 'int64') throw new Error(`${op}(): Expected dtype int64 for index`);
  if (src !== null && src._dtype !== x._dtype) throw new Error(`${op}(): Expected self.dtype to be equal to src.dtype`);
  if (Math.max(index.ndim, 1) !== Math.max(x.ndim, 1)) throw new Error('Index tensor must have the same number of dimensions as self tensor');
  if (src !== null && Math.max(index.ndim, 1) !== Math.max(src.ndim, 1)) throw new Error('Index tensor must have the same number of dimensions as src tensor');
  const bad = index._shape.some((s, k) => (k !== d && s > x._shape[k]!) || (src !== null && s > (src._shape[k] ?? 1)));
  if (bad) {
    const vs_src = src === null ? '' : ` and to be smaller size than src [${src._shape.join(', ')}]`;
    throw new Error(`Expected index [${index._shape.join(', ')}] to be smaller than self [${x._shape.join(', ')}] apart from dimension ${d}${vs_src}`);
  }
}

/** The leading `shape` window of `t` (`t[:s0, :s1, ...]`), row-major: the part of `src` scatter reads. */
function window_data(t: Tensor, shape: readonly number[]): ArrayLike<number> {
  return new Tensor(t._storage, shape, t._dtype, t._strides, t._offset)._contiguous_data();
}

/** A copy of `x` with `src` (or a number) written, added or multiplied at `index` along `dim`. */
function scatter_values(x: Tensor, d: number, index: Tensor, src: Tensor | Scalar, reduce: ScatterReduce | null): Tensor {
  const plan = gather_plan(index, d, x.ndim === 0 ? [1] : x._shape);
  const out = empty(x._shape, x._dtype);
  const od = out._storage.data;
  od.set(x._contiguous_data());
  const values = src instanceof Tensor ? window_data(src, index._shape) : null;
  const v0 = Number(src);
  for (let i = 0; i < plan.length; i++) {
    const v = values === null ? v0 : values[i]!;
    const at = plan[i]!;
    od[at] = reduce === 'add' ? od[at]! + v : reduce === 'multiply' ? od[at]! * v : v;
  }
  return out;
}

function scatter_parsed(a: ScatterParsed): Tensor {
  const { input: x, index, src, reduce } = a;
  const d = normalize_dim(a.dim, x.ndim);
  if (reduce !== null && reduce !== 'add' && reduce !== 'multiply') throw new Error('reduce argument must be either add or multiply.');
  check_scatter('scatter', x, d, index, src instanceof Tensor ? src : null);
  const out = scatter_values(x, d, index, src, reduce);
  if (reduce !== null) {
    record_not_implemented(`scatter.${src instanceof Tensor ? 'reduce' : 'value_reduce'}`, [x, src instanceof Tensor ? src : null], [out]);
    return out;
  }
  // self's gradient is zero where something was written; src's is the gradient gathered there
  const zeros_at = (saved: Tensor, g: Tensor): Tensor => scatter(g, d, saved, 0);
  if (src instanceof Tensor) {
    record('ScatterBackward0', [x, src], [out], (ctx, [g]) => [
      ctx.needs_input_grad(0) ? zeros_at(ctx.saved_tensors[0]!, g!) : null,
      ctx.needs_input_grad(1) ? gather(g!, d, ctx.saved_tensors[0]!) : null,
    ], [index]);
  } else {
    record('ScatterBackward1', [x], [out], (ctx, [g]) => [zeros_at(ctx.saved_tensors[0]!, g!)], [index]);
  }
  return out;
}

/**
 * A copy of `input` with `src`'s entries (or the number `value`) written at `index` along `dim`:
 * `out[i][index[i][j]] = src[i][j]` for dim 1 (ScatterBackward0, ScatterBackward1 for a number). `index` is int64
 * with input's rank, no larger than input (and src) off `dim`; `reduce: 'add' | 'multiply'` combines instead
 * (not differentiable, as in PyTorch).
 *
 * @example
 * torch.scatter(torch.zeros([2, 3]), 1, torch.tensor([[2], [0]], { dtype: 'int64' }), 1.5);
 */
export function scatter(...args: ScatterArgs): Tensor {
  if (tracing) return trace_op('aten::scatter', scatter, args, SCATTER);
  return scatter_parsed(SCATTER.parse(value_as_src(args)) as ScatterParsed);
}

/**
 * In-place {@link scatter} (ScatterBackward0 / ScatterBackward1 on `self`).
 *
 * @returns `self`
 * @example
 * x.scatter_(0, torch.tensor([[1, 0]], { dtype: 'int64' }), 7);
 */
export function scatter_<T extends Tensor>(self: T, ...args: ScatterMethodArgs): T {
  if (tracing) return trace_op('aten::scatter_', scatter_, [self, ...args]) as T;
  const a = SCATTER.parse(value_as_src([self, ...args] as unknown as ScatterArgs)) as ScatterParsed;
  // checked before writing, so bad input leaves self unchanged
  check_scatter('scatter', self, normalize_dim(a.dim, self.ndim), a.index, a.src instanceof Tensor ? a.src : null);
  return apply_inplace(self, a.src instanceof Tensor ? [a.src] : [], false, (alias) => scatter_parsed({ ...a, input: alias }));
}

function scatter_add_parsed(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normalize_dim(dim, x.ndim);
  check_scatter('scatter_add', x, d, index, src);
  const out = scatter_values(x, d, index, src, 'add');
  record('ScatterAddBackward0', [x, src], [out], (ctx, [g]) => [g!, ctx.needs_input_grad(1) ? gather(g!, d, ctx.saved_tensors[0]!) : null], [index]);
  return out;
}

/**
 * A copy of `input` with `src`'s entries added at `index` along `dim` (repeats accumulate):
 * `out[i][index[i][j]] += src[i][j]` for dim 1 (ScatterAddBackward0).
 *
 * @example
 * torch.scatter_add(torch.zeros([3]), 0, torch.tensor([0, 0, 2], { dtype: 'int64' }), torch.ones([3]));
 */
export function scatter_add(...args: ScatterAddArgs): Tensor {
  if (tracing) return trace_op('aten::scatter_add', scatter_add, args, SCATTER_ADD);
  const a = SCATTER_ADD.parse(args);
  return scatter_add_parsed(a.input, a.dim, a.index, a.src);
}

/**
 * In-place {@link scatter_add} (ScatterAddBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * counts.scatter_add_(0, labels, torch.ones([labels.shape[0]!]));
 */
export function scatter_add_<T extends Tensor>(self: T, ...args: ScatterAddMethodArgs): T {
  if (tracing) return trace_op('aten::scatter_add_', scatter_add_, [self, ...args]) as T;
  const a = SCATTER_ADD_.parse([self, ...args] as unknown as ScatterAddArgs);
  check_scatter('scatter_add', self, normalize_dim(a.dim, self.ndim), a.index, a.src);
  return apply_inplace(self, [a.src], false, (alias) => scatter_add_parsed(alias, a.dim, a.index, a.src));
}

const ONE_HOT = signature<{ input: Tensor; num_classes: number }>('one_hot(Tensor input, int num_classes=-1)');
/**
 * One int64 row per entry of `input` (int64 class indices) with a 1 at that class: shape
 * `[...input.shape, num_classes]`, the class count being max + 1 when -1 (PyTorch's `F.one_hot`; not differentiable).
 *
 * @example
 * torch.one_hot(torch.tensor([0, 2]), 3); // [[1, 0, 0], [0, 0, 1]]
 */
export function one_hot(...args: PyArgs<[input: Tensor, num_classes: number], { input?: Tensor; num_classes?: number }>): Tensor {
  if (tracing) return trace_op('aten::one_hot', one_hot, args, ONE_HOT);
  const { input, num_classes } = ONE_HOT.parse(args);
  if (input._dtype !== 'int64') throw new Error('one_hot is only applicable to index tensor.');
  const idx = input._contiguous_data();
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < idx.length; i++) {
    lo = Math.min(lo, idx[i]!);
    hi = Math.max(hi, idx[i]!);
  }
  if (num_classes === -1 && idx.length === 0) throw new Error('Can not infer total number of classes from empty tensor.');
  if (lo < 0) throw new Error('Class values must be non-negative.');
  const n = num_classes === -1 ? hi + 1 : num_classes;
  if (hi >= n || n < 0) throw new Error('Class values must be smaller than num_classes.');
  const out = empty([...input._shape, n], 'int64');
  const od = out._storage.data;
  for (let i = 0; i < idx.length; i++) od[i * n + idx[i]!] = 1;
  return out;
}

/** The index of an index_add / index_copy / index_fill along `d` of `x`: int64 or int32, a vector, in range. */
function index_rows(op: 'index_add_' | 'index_copy_' | 'index_fill_', x: Tensor, d: number, index: Tensor): ArrayLike<number> {
  if (index._dtype !== 'int64') throw new Error(op === 'index_fill_' ? 'index_fill_(): Expected dtype int64 for index.' : `${op}(): Expected dtype int32/int64 for index`);
  if (index.ndim > 1) throw new Error(op === 'index_copy_' ? `index_copy_(): Index should have dimension 1 or 0 (got ${index.ndim})` : `${op}(): Index is supposed to be a vector`);
  const size = x.ndim === 0 ? 1 : x._shape[d]!;
  const idx = index._contiguous_data();
  // index_fill counts negative positions from the end; index_add and index_copy refuse them, each in its words
  const lo = op === 'index_fill_' ? -size : 0;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i]! >= lo && idx[i]! < size) continue;
    if (op === 'index_add_') throw new RangeError('index out of range in self');
    throw new RangeError(`${op === 'index_copy_' ? 'index_copy_(): ' : ''}index ${idx[i]} is out of bounds for dimension ${d} with size ${size}`);
  }
  return Array.from(idx, (v) => (v < 0 ? v + size : v));
}

/** `source` checked against `x` for index_add / index_copy: same dtype, its `d` size the index's length. */
function check_source(op: string, x: Tensor, d: number, idx: ArrayLike<number>, source: Tensor): void {
  if (source._dtype !== x._dtype) throw new Error(`${op}(): self (${scalar_type_name(x._dtype)}) and source (${scalar_type_name(source._dtype)}) must have the same scalar type`);
  const n = source.ndim === 0 ? 1 : source._shape[d] ?? 1;
  if (n !== idx.length) {
    throw new Error(op === 'index_add_'
      ? `index_add_(): Number of indices (${idx.length}) should be equal to source.size(dim): (${n}), for dim: ${d}`
      : `${op}(): Number of indices (${idx.length}) should be equal to source.size(dim) (${n})`);
  }
  const off = (t: Tensor): string => t._shape.filter((_, i) => i !== d).join(',');
  const bad = x._shape.findIndex((s, k) => k !== d && source.ndim !== 0 && s !== source._shape[k]);
  if (op === 'index_add_' && bad >= 0) throw new Error(`The size of tensor a (${x._shape[bad]}) must match the size of tensor b (${source._shape[bad]}) at non-singleton dimension ${bad}`);
  if (source.ndim !== 0 && x.ndim !== 0 && off(source) !== off(x)) {
    throw new Error(`${op}(): Source/destination tensor must have same slice shapes. Destination slice shape: ${x._shape.filter((_, i) => i !== d).join(' ')} at dimension ${d} and source slice shape: ${source._shape.filter((_, i) => i !== d).join(' ')} at dimension 0.`);
  }
}

/** A copy of `x` with `src`'s rows (or one number) added / written at `idx` along `d`. */
function write_rows(x: Tensor, d: number, idx: ArrayLike<number>, src: Tensor | number, add: boolean, alpha = 1): Tensor {
  const out = empty(x._shape, x._dtype);
  const od = out._storage.data;
  od.set(x._contiguous_data());
  const [outer, size, inner] = split_at(x.ndim === 0 ? [1] : x._shape, d);
  const sd = typeof src === 'number' ? null : src._contiguous_data();
  const n = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      const to = (o * size + idx[k]!) * inner;
      const from = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) {
        const v = sd === null ? (src as number) : sd[from + i]!;
        od[to + i] = add ? od[to + i]! + alpha * v : v;
      }
    }
  }
  return out;
}

interface IndexSourceArgs { input: Tensor; dim: number; index: Tensor; source: Tensor; alpha: number }
const INDEX_ADD = signature<IndexSourceArgs>('index_add(Tensor input, int dim, Tensor index, Tensor source, *, Scalar alpha=1)');
const INDEX_ADD_ = INDEX_ADD.renamed('index_add_');
const INDEX_COPY = signature<IndexSourceArgs>('index_copy(Tensor input, int dim, Tensor index, Tensor source)');
/** Keyword arguments of `index_add` / `index_copy`. */
export interface IndexSourceOptions {
  /** The dim written along. */
  dim?: number;
  /** int64 positions along `dim`, one per slice of `source`. */
  index?: Tensor;
  /** The slices written (its `dim` size is the index's length). */
  source?: Tensor;
  /** index_add only: the multiplier of `source`. */
  alpha?: Scalar;
}
/** The arguments of `x.index_add(...)` / `x.index_copy(...)` and their in-place forms. */
export type IndexSourceMethodArgs = PyArgs<[dim: number, index: Tensor, source: Tensor], IndexSourceOptions>;
type IndexSourceFnArgs = PyArgs<[input: Tensor, dim: number, index: Tensor, source: Tensor], IndexSourceOptions & { input?: Tensor }>;

function index_add_parsed(a: IndexSourceArgs): Tensor {
  const { input: x, index, source, alpha } = a;
  const d = normalize_dim(a.dim, x.ndim);
  const idx = index_rows('index_add_', x, d, index);
  check_source('index_add_', x, d, idx, source);
  const out = write_rows(x, d, idx, source, true, Number(alpha));
  record('IndexAddBackward0', [x, source], [out], (ctx, [g]) => {
    const gs = ctx.needs_input_grad(1) ? index_select(g!, d, ctx.saved_tensors[0]!) : null;
    return [g!, gs === null || Number(alpha) === 1 ? gs : gs.mul(Number(alpha))];
  }, [index]);
  return out;
}

/**
 * A copy of `input` with `alpha · source`'s slices added at `index` along `dim` (repeats accumulate):
 * `out[index[k]] += alpha · source[k]` for dim 0 (IndexAddBackward0).
 *
 * @example
 * torch.index_add(torch.zeros([3, 2]), 0, torch.tensor([0, 2, 0]), torch.ones([3, 2])); // rows 2, 0, 1
 */
export function index_add(...args: IndexSourceFnArgs): Tensor {
  if (tracing) return trace_op('aten::index_add', index_add, args, INDEX_ADD);
  return index_add_parsed(INDEX_ADD.parse(args));
}

function index_copy_parsed(a: IndexSourceArgs): Tensor {
  const { input: x, index, source } = a;
  const d = normalize_dim(a.dim, x.ndim);
  const idx = index_rows('index_copy_', x, d, index);
  check_source('index_copy_', x, d, idx, source);
  const out = write_rows(x, d, idx, source, false);
  record('IndexCopyBackward0', [x, source], [out], (ctx, [g]) => [
    ctx.needs_input_grad(0) ? index_fill(g!, d, ctx.saved_tensors[0]!, 0) : null,
    ctx.needs_input_grad(1) ? index_select(g!, d, ctx.saved_tensors[0]!) : null,
  ], [index]);
  return out;
}

/**
 * A copy of `input` with `source`'s slices written at `index` along `dim`: `out[index[k]] = source[k]` for dim 0
 * (IndexCopyBackward0).
 *
 * @example
 * torch.index_copy(torch.zeros([3, 2]), 0, torch.tensor([2, 0]), torch.ones([2, 2]));
 */
export function index_copy(...args: IndexSourceFnArgs): Tensor {
  if (tracing) return trace_op('aten::index_copy', index_copy, args, INDEX_COPY);
  return index_copy_parsed(INDEX_COPY.parse(args));
}

interface IndexFillArgs { input: Tensor; dim: number; index: Tensor; value: Tensor | Scalar }
const INDEX_FILL = signature<IndexFillArgs>('index_fill(Tensor input, int dim, Tensor index, Tensor|Scalar value)');
/** The arguments of `x.index_fill(...)` / `x.index_fill_(...)`. */
export type IndexFillMethodArgs = PyArgs<[dim: number, index: Tensor, value: Tensor | Scalar], {
  /** The dim filled along. */
  dim?: number;
  /** int64 positions along `dim` (negative from the end). */
  index?: Tensor;
  /** The number written, or a 0-dim tensor holding it. */
  value?: Tensor | Scalar;
}>;

function index_fill_parsed(a: IndexFillArgs): Tensor {
  const { input: x, index, value } = a;
  const d = normalize_dim(a.dim, x.ndim);
  if (value instanceof Tensor && value.ndim !== 0) {
    throw new Error(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
  }
  const idx = index_rows('index_fill_', x, d, index);
  const v = cast_scalar(value instanceof Tensor ? value.item() : value, x._dtype);
  const out = write_rows(x, d, idx, v, false);
  const zero_rows = (g: Tensor, saved: Tensor): Tensor => index_fill(g, d, saved, 0);
  if (!(value instanceof Tensor)) {
    record('IndexFillBackward0', [x], [out], (ctx, [g]) => [zero_rows(g!, ctx.saved_tensors[0]!)], [index]);
    return out;
  }
  // the value's gradient sums the gradient over the filled rows, each row once however often it is named
  const unique = int64_vector([...new Set(Array.from(idx))]);
  record('IndexFillBackward1', [x, value], [out], (ctx, [g]) => [
    ctx.needs_input_grad(0) ? zero_rows(g!, ctx.saved_tensors[0]!) : null,
    ctx.needs_input_grad(1) ? index_select(g!, d, unique).sum() : null,
  ], [index]);
  return out;
}

function int64_vector(rows: number[]): Tensor {
  const t = empty([rows.length], 'int64');
  t._storage.data.set(rows);
  return t;
}

/**
 * A copy of `input` with the slices at `index` along `dim` set to `value` (a number, IndexFillBackward0, or a
 * 0-dim tensor, IndexFillBackward1, whose gradient is the sum over the filled slices).
 *
 * @example
 * torch.index_fill(torch.ones([2, 3]), 1, torch.tensor([0, 2]), -1); // [[-1, 1, -1], [-1, 1, -1]]
 */
export function index_fill(...args: PyArgs<[input: Tensor, dim: number, index: Tensor, value: Tensor | Scalar], { input?: Tensor; dim?: number; index?: Tensor; value?: Tensor | Scalar }>): Tensor {
  if (tracing) return trace_op('aten::index_fill', index_fill, args, INDEX_FILL);
  return index_fill_parsed(INDEX_FILL.parse(args));
}

/**
 * In-place {@link index_add} (IndexAddBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * counts.index_add_(0, labels, torch.ones([labels.shape[0]!]));
 */
export function index_add_<T extends Tensor>(self: T, ...args: IndexSourceMethodArgs): T {
  if (tracing) return trace_op('aten::index_add_', index_add_, [self, ...args]) as T;
  const a = INDEX_ADD_.parse([self, ...args] as never);
  // checked before writing, so bad input leaves self unchanged
  check_source('index_add_', self, normalize_dim(a.dim, self.ndim), index_rows('index_add_', self, normalize_dim(a.dim, self.ndim), a.index), a.source);
  return apply_inplace(self, [a.source], false, (alias) => index_add_parsed({ ...a, input: alias }));
}

/**
 * In-place {@link index_copy} (IndexCopyBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * x.index_copy_(0, torch.tensor([1]), row.unsqueeze(0));
 */
export function index_copy_<T extends Tensor>(self: T, ...args: IndexSourceMethodArgs): T {
  if (tracing) return trace_op('aten::index_copy_', index_copy_, [self, ...args]) as T;
  const a = INDEX_COPY.parse([self, ...args] as never);
  check_source('index_copy_', self, normalize_dim(a.dim, self.ndim), index_rows('index_copy_', self, normalize_dim(a.dim, self.ndim), a.index), a.source);
  return apply_inplace(self, [a.source], false, (alias) => index_copy_parsed({ ...a, input: alias }));
}

/**
 * In-place {@link index_fill} (IndexFillBackward0 / IndexFillBackward1 on `self`).
 *
 * @returns `self`
 * @example
 * x.index_fill_(1, torch.tensor([0]), 0);
 */
export function index_fill_<T extends Tensor>(self: T, ...args: IndexFillMethodArgs): T {
  if (tracing) return trace_op('aten::index_fill_', index_fill_, [self, ...args]) as T;
  const a = INDEX_FILL.parse([self, ...args] as never);
  index_rows('index_fill_', self, normalize_dim(a.dim, self.ndim), a.index);
  return apply_inplace(self, a.value instanceof Tensor ? [a.value] : [], false, (alias) => index_fill_parsed({ ...a, input: alias }));
}
