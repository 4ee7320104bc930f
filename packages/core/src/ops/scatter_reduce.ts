// Reducing writes: scatter_reduce (ScatterReduceBackward0) and index_reduce (IndexReduceBackward0) with sum / prod
// / mean / amax / amin and include_self, their in-place forms, and PyTorch's gradients for each reduction (ties
// share, zeros handled without division), written in differentiable ops.
import { trace_op, tracing } from '../jit/tracer.js';
import { no_grad } from '../autograd/grad_mode.js';
import { normalize_dim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { signature, type PyArgs } from '../signature.js';
import { empty, record } from './record.js';
import { div, eq, logical_and, mul, to_dtype, where } from './arithmetic.js';
import { gather, gather_plan } from './indexing.js';
import { apply_inplace } from './inplace.js';
import { check_scatter, scatter_add } from './scatter.js';
import { zeros_like, ones_like } from './creation.js';
import { expand, reshape } from './view.js';

type Reduction = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';
const REDUCTIONS: readonly Reduction[] = ['sum', 'prod', 'mean', 'amax', 'amin'];

/**
 * A copy of `x` with each `src` entry combined at `index` along `d` by `reduce` (index and src of one shape,
 * gather's addressing), starting from `x`'s value or (without `include_self`) from the first value written.
 */
function reduce_values(x: Tensor, d: number, index: Tensor, src: Tensor, reduce: Reduction, include_self: boolean): Tensor {
  const plan = gather_plan(index, d, x.ndim === 0 ? [1] : x._shape);
  const out = empty(x._shape, x._dtype);
  const od = out._storage.data;
  od.set(x._contiguous_data());
  const values = new Tensor(src._storage, index._shape, src._dtype, src._strides, src._offset)._contiguous_data();
  const count = new Float64Array(od.length).fill(include_self ? 1 : 0);
  for (let i = 0; i < plan.length; i++) {
    const [at, v] = [plan[i]!, values[i]!];
    const first = count[at] === 0;
    count[at]!++;
    if (first) od[at] = v;
    else if (reduce === 'sum' || reduce === 'mean') od[at] += v;
    else if (reduce === 'prod') od[at] *= v;
    else if (Number.isNaN(v) || (reduce === 'amax' ? v > od[at]! : v < od[at]!)) od[at] = v;
  }
  if (reduce === 'mean') {
    const integral = x._dtype === 'int64' || x._dtype === 'uint8';
    for (let i = 0; i < od.length; i++) if (count[i]! > 0) od[i] = integral ? Math.floor(od[i]! / count[i]!) : od[i]! / count[i]!;
  }
  return out;
}

/**
 * The reduction recorded as `node`: `index` has `src`'s shape (index_reduce expands its index vector first).
 * Gradients as PyTorch's scatter_reduce_backward: sum passes `grad` through; mean divides it by each position's
 * count; prod multiplies by the product of the others (division-free where a value is zero); amax / amin share it
 * evenly between the values equal to the result. Without `include_self`, `self` gets none where anything landed.
 */
function reduce_into(node: string, x: Tensor, d: number, index: Tensor, src: Tensor, reduce: Reduction, include_self: boolean): Tensor {
  const out = reduce_values(x, d, index, src, reduce, include_self);
  record(node, [x, src], [out], (ctx, [g]) => {
    const [xs, idx, ss, result] = ctx.saved_tensors;
    const grads = reduce_backward(g!, xs!, d, idx!, ss!, result!, reduce, include_self, node);
    return [ctx.needs_input_grad(0) ? grads[0] : null, ctx.needs_input_grad(1) ? grads[1] : null];
  }, [x, index, src, out], ['self', 'index', 'src', 'result']);
  return out;
}

function reduce_backward(g: Tensor, x: Tensor, d: number, index: Tensor, src: Tensor, result: Tensor, reduce: Reduction, include_self: boolean, node: string): [Tensor, Tensor] {
  const hits = (t: Tensor): Tensor => scatter_add(zeros_like(x), d, index, t);
  // positions something was written to (self's own value dropped there without include_self)
  const landed = no_grad(() => hits(ones_like(src)).gt(0));
  const self_kept = (t: Tensor): Tensor => (include_self ? t : where(landed, 0, t));
  if (reduce === 'sum') return [self_kept(g), gather(g, d, index)];
  if (reduce === 'mean') {
    const n = no_grad(() => {
      const c = hits(ones_like(src));
      return include_self ? c.add(1) : where(c.eq(0), 1, c);
    });
    const share = div(g, n);
    return [self_kept(share), gather(share, d, index)];
  }
  if (reduce === 'prod') {
    // self: the product of what landed on it; src: the product of everything else at its position
    const from_src = reduce_into(node, ones_like(x), d, index, src, 'prod', true);
    const src_zero = eq(src, 0);
    const zeros_at = no_grad(() => hits(to_dtype(src_zero, x._dtype)));
    const single = logical_and(src_zero, eq(gather(zeros_at, d, index), 1));
    const by_division = div(gather(mul(g, result), d, index), where(src_zero, 1, src));
    const others = reduce_into(node, x, d, index, where(single, 1, src), 'prod', include_self);
    const at_zero = gather(mul(g, others), d, index);
    return [self_kept(mul(g, from_src)), where(single, at_zero, where(src_zero, 0, by_division))];
  }
  // amax / amin: every value equal to the result shares its gradient
  const self_is = include_self ? to_dtype(eq(x, result), g._dtype) : mul(to_dtype(eq(x, result), g._dtype), to_dtype(landed.logical_not(), g._dtype));
  const src_is = to_dtype(eq(src, gather(result, d, index)), g._dtype);
  const share = div(g, scatter_add(self_is, d, index, src_is));
  return [mul(self_is, share), mul(src_is, gather(share, d, index))];
}

function check_reduce(op: string, reduce: string): Reduction {
  if (!REDUCTIONS.includes(reduce as Reduction) || (op === 'index_reduce' && reduce === 'sum')) {
    throw new Error(op === 'index_reduce' ? `index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got ${reduce}.` : 'reduce argument must be either sum, prod, mean, amax or amin.');
  }
  return reduce as Reduction;
}

interface ScatterReduceParsed { input: Tensor; dim: number; index: Tensor; src: Tensor; reduce: string; include_self: boolean }
const SCATTER_REDUCE = signature<ScatterReduceParsed>('scatter_reduce(Tensor input, int dim, Tensor index, Tensor src, str reduce, *, bool include_self=True)');
const SCATTER_REDUCE_ = SCATTER_REDUCE.renamed('scatter_reduce_');
/** The arguments of `x.scatter_reduce(...)` / `x.scatter_reduce_(...)`. */
export type ScatterReduceMethodArgs = PyArgs<[dim: number, index: Tensor, src: Tensor, reduce: Reduction], {
  /** The dim to work along. */
  dim?: number;
  /** The int64 positions. */
  index?: Tensor;
  /** The values written. */
  src?: Tensor;
  /** How values landing together combine. */
  reduce?: Reduction;
  /** Whether `self`'s own value takes part (default true). */
  include_self?: boolean;
}>;

function scatter_reduce_parsed(a: ScatterReduceParsed): Tensor {
  const d = normalize_dim(a.dim, Math.max(a.input.ndim, 1));
  const reduce = check_reduce('scatter_reduce', a.reduce);
  check_scatter('scatter', a.input, d, a.index, a.src);
  return reduce_into('ScatterReduceBackward0', a.input, d, a.index, a.src, reduce, a.include_self);
}
/**
 * A copy of `input` with each `src` entry combined at `index` along `dim` by `reduce` ('sum', 'prod', 'mean',
 * 'amax', 'amin'), starting from input's value (or, with `include_self: false`, from the values written only);
 * integer 'mean' rounds down (ScatterReduceBackward0).
 *
 * @example
 * torch.scatter_reduce(torch.zeros([2]), 0, torch.tensor([0, 0, 1]), torch.tensor([1, 3, 2]), 'amax'); // [3, 2]
 */
export function scatter_reduce(...args: PyArgs<[input: Tensor, dim: number, index: Tensor, src: Tensor, reduce: Reduction], { input?: Tensor; dim?: number; index?: Tensor; src?: Tensor; reduce?: Reduction; include_self?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::scatter_reduce', scatter_reduce, args, SCATTER_REDUCE);
  return scatter_reduce_parsed(SCATTER_REDUCE.parse(args));
}
/**
 * In-place {@link scatter_reduce} (ScatterReduceBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * counts.scatter_reduce_(0, idx, values, 'sum', { include_self: false });
 */
export function scatter_reduce_<T extends Tensor>(self: T, ...args: ScatterReduceMethodArgs): T {
  if (tracing) return trace_op('aten::scatter_reduce_', scatter_reduce_, [self, ...args]) as T;
  const a = SCATTER_REDUCE_.parse([self, ...args], { method: true });
  check_reduce('scatter_reduce', a.reduce);
  check_scatter('scatter', self, normalize_dim(a.dim, Math.max(self.ndim, 1)), a.index, a.src);
  // the backward reads self's value before the write
  return apply_inplace(self, [a.src], true, (alias) => scatter_reduce_parsed({ ...a, input: alias }));
}

interface IndexReduceParsed { input: Tensor; dim: number; index: Tensor; source: Tensor; reduce: string; include_self: boolean }
const INDEX_REDUCE = signature<IndexReduceParsed>('index_reduce(Tensor input, int dim, Tensor index, Tensor source, str reduce, *, bool include_self=True)');
const INDEX_REDUCE_ = INDEX_REDUCE.renamed('index_reduce_');
/** The arguments of `x.index_reduce(...)` / `x.index_reduce_(...)`. */
export type IndexReduceMethodArgs = PyArgs<[dim: number, index: Tensor, source: Tensor, reduce: Exclude<Reduction, 'sum'>], {
  /** The dim to work along. */
  dim?: number;
  /** The int64 positions. */
  index?: Tensor;
  /** The values written. */
  source?: Tensor;
  /** How values landing together combine. */
  reduce?: Exclude<Reduction, 'sum'>;
  /** Whether `self`'s own value takes part (default true). */
  include_self?: boolean;
}>;

function index_reduce_parsed(a: IndexReduceParsed): Tensor {
  const x = a.input;
  const d = normalize_dim(a.dim, Math.max(x.ndim, 1));
  const reduce = check_reduce('index_reduce', a.reduce);
  if (a.index._dtype !== 'int64') throw new Error('index_reduce_(): Expected dtype int32/int64 for index but got: ' + a.index.dtype.toString().replace('torch.', ''));
  if (a.index.ndim > 1) throw new Error('index_reduce_(): Index is supposed to be a vector');
  if (a.source._dtype !== x._dtype) throw new Error(`index_reduce_(): self (${x.dtype.toString().replace('torch.', '')}) and source (${a.source.dtype.toString().replace('torch.', '')}) must have the same scalar type`);
  const n = a.index.numel();
  if (Math.max(a.source.ndim, 1) !== Math.max(x.ndim, 1) || (a.source.ndim > 0 && a.source._shape[d] !== n)) {
    throw new Error(`index_reduce_(): Number of indices (${n}) should be equal to source.size(dim): (${a.source._shape[d] ?? 1}), for dim: ${d}`);
  }
  // the index vector along `dim`, spread over source's shape: scatter_reduce's addressing
  const along = a.source.ndim === 0 ? reshape(a.index, []) : expand(reshape(a.index, a.source._shape.map((s, i) => (i === d ? n : 1))), a.source._shape);
  return reduce_into('IndexReduceBackward0', x, d, along.contiguous(), a.source, reduce, a.include_self);
}
/**
 * A copy of `input` with each slice of `source` along `dim` combined into the slice `index[k]` by `reduce`
 * ('prod', 'mean', 'amax', 'amin'), as {@link scatter_reduce} with whole slices (IndexReduceBackward0).
 *
 * @example
 * torch.index_reduce(torch.ones([2, 2]), 0, torch.tensor([0, 0]), torch.tensor([[2, 3], [4, 5]]), 'prod'); // [[8, 15], [1, 1]]
 */
export function index_reduce(...args: PyArgs<[input: Tensor, dim: number, index: Tensor, source: Tensor, reduce: Exclude<Reduction, 'sum'>], { input?: Tensor; dim?: number; index?: Tensor; source?: Tensor; reduce?: Exclude<Reduction, 'sum'>; include_self?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::index_reduce', index_reduce, args, INDEX_REDUCE);
  return index_reduce_parsed(INDEX_REDUCE.parse(args));
}
/**
 * In-place {@link index_reduce} (IndexReduceBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * best.index_reduce_(0, rows, scores, 'amax');
 */
export function index_reduce_<T extends Tensor>(self: T, ...args: IndexReduceMethodArgs): T {
  if (tracing) return trace_op('aten::index_reduce_', index_reduce_, [self, ...args]) as T;
  const a = INDEX_REDUCE_.parse([self, ...args], { method: true });
  check_reduce('index_reduce', a.reduce);
  return apply_inplace(self, [a.source], true, (alias) => index_reduce_parsed({ ...a, input: alias }));
}
