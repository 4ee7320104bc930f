// Distances between rows: F.cosine_similarity and F.pairwise_distance, composed of differentiable ops as PyTorch
// composes them, pdist (PdistBackward0) between all pairs of rows, cdist (CdistBackward0) between the rows of two
// sets and dist (DistBackward0), the p-norm of a difference.
import { trace_op, tracing } from '../jit/tracer.js';
import { signature, type PyArgs } from '../signature.js';
import { Tensor } from '../tensor.js';
import { broadcast_shapes } from '../shape.js';
import { scalar_type_name } from '../dtype.js';
import { add, div, eq, logical_or, mul, ne, neg, pow, sub, where } from './arithmetic.js';
import { amax, norm, sum, sum_to } from './reduce.js';
import { no_grad } from '../autograd/grad_mode.js';
import { abs, clamp, sign } from './unary.js';
import { record } from './record.js';
import { index_add, index_select } from './scatter.js';
import { reshape, unsqueeze } from './view.js';
import { zeros_like } from './creation.js';

const COSINE = signature<{ x1: Tensor; x2: Tensor; dim: number; eps: number }>('cosine_similarity(Tensor x1, Tensor x2, int dim=1, float eps=1e-8)');

/**
 * `(x1 / max(‖x1‖, eps))·(x2 / max(‖x2‖, eps))` along `dim` (broadcasting the two), as PyTorch computes it:
 * each vector is scaled by its own norm clamped at `eps` before the product.
 *
 * @example
 * F.cosine_similarity(a, b, { dim: 1 })
 */
export function cosine_similarity(...args: PyArgs<[x1: Tensor, x2: Tensor, dim: number, eps: number], { x1?: Tensor; x2?: Tensor; dim?: number; eps?: number }>): Tensor {
  if (tracing) return trace_op('aten::cosine_similarity', cosine_similarity, args, COSINE);
  const a = COSINE.parse(args);
  const { dim, eps } = a;
  // expanded to their common shape first, as PyTorch does, so `dim` counts in the broadcast shape
  const shape = broadcast_shapes(a.x1._shape, a.x2._shape);
  const same = (t: Tensor): boolean => t._shape.length === shape.length && t._shape.every((n, i) => n === shape[i]);
  const x1 = same(a.x1) ? a.x1 : a.x1.expand(shape);
  const x2 = same(a.x2) ? a.x2 : a.x2.expand(shape);
  // as PyTorch 2.x: each norm (zero gradient at a zero vector) is raised to eps outside autograd, so the
  // gradient flows through it unchanged and a zero vector gets x2 / (eps·|x2|), not NaN
  const clamped_norm = (x: Tensor): Tensor => {
    const n = norm(x, 2, { dim, keepdim: true });
    return add(n, no_grad(() => sub(clamp(n, { min: eps }), n)));
  };
  return sum(mul(div(x1, clamped_norm(x1)), div(x2, clamped_norm(x2))), dim);
}

const PAIRWISE = signature<{ x1: Tensor; x2: Tensor; p: number; eps: number; keepdim: boolean }>('pairwise_distance(Tensor x1, Tensor x2, float p=2.0, float eps=1e-6, bool keepdim=False)');

/**
 * The p-norm of `x1 − x2 + eps` over the last dim.
 *
 * @example
 * F.pairwise_distance(a, b); F.pairwise_distance(a, b, { p: 1 })
 */
export function pairwise_distance(...args: PyArgs<[x1: Tensor, x2: Tensor, p: number, eps: number, keepdim: boolean], { x1?: Tensor; x2?: Tensor; p?: number; eps?: number; keepdim?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::pairwise_distance', pairwise_distance, args, PAIRWISE);
  const { x1, x2, p, eps, keepdim } = PAIRWISE.parse(args);
  const nd = Math.max(x1.ndim, x2.ndim);
  const d = abs(add(sub(x1, x2), eps));
  const dim = nd === 0 ? [] : [-1];
  if (p === Infinity) return amax(d, dim, { keepdim });
  if (p === 0) return sum(d.ne(0).to(d._dtype), dim, { keepdim });
  return pow(sum(pow(d, p), dim, { keepdim }), 1 / p);
}

const PDIST = signature<{ input: Tensor; p: number }>('pdist(Tensor input, float p=2)');
/**
 * The p-norm distance between every pair of rows `i < j` of an `[N, M]` input, in row-major pair order: a
 * vector of `N(N−1)/2` (PdistBackward0; the gradient is zero for coincident rows, as PyTorch's).
 *
 * @example
 * torch.pdist(torch.tensor([[0, 0], [3, 4], [0, 1]])); // [5, 1, 4.2426]
 */
export function pdist(...args: PyArgs<[input: Tensor, p: number], { input?: Tensor; p?: number }>): Tensor {
  if (tracing) return trace_op('aten::pdist', pdist, args, PDIST);
  const { input: x, p } = PDIST.parse(args);
  if (x.ndim !== 2) throw new Error(`pdist only supports 2D tensors, got: ${x.ndim}D`);
  if (x._dtype !== 'float32' && x._dtype !== 'float64') throw new Error('pdist only supports floating-point dtypes');
  if (p < 0) throw new Error('pdist only supports non-negative p values');
  const n = x._shape[0]!;
  const rows_i: number[] = [];
  const rows_j: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) (rows_i.push(i), rows_j.push(j));
  const I = int64_vector(rows_i);
  const J = int64_vector(rows_j);
  const diff = no_grad(() => sub(index_select(x, 0, I), index_select(x, 0, J)));
  const out = no_grad(() => pair_norm(diff, p));
  record('PdistBackward0', [x], [out], (ctx, [g]) => {
    const [xs, d] = ctx.saved_tensors;
    const dx = sub(index_select(xs!, 0, I), index_select(xs!, 0, J));
    const w = mul(unsqueeze(g!, 1), pair_slope(dx, unsqueeze(d!, 1), p));
    return [sub(index_add(zeros_like(xs!), 0, I, w), index_add(zeros_like(xs!), 0, J, w))];
  }, [x, out], ['self', 'result']);
  return out;
}

/** ‖row‖_p over the last dim of the pair differences (p = 0 counts non-zeros, ∞ takes the largest). */
function pair_norm(diff: Tensor, p: number): Tensor {
  const a = abs(diff);
  if (p === Infinity) return amax(a, [-1]);
  if (p === 0) return sum(a.ne(0).to(a._dtype), -1);
  if (p === 1) return sum(a, -1);
  return pow(sum(pow(a, p), -1), 1 / p);
}

/** d‖diff‖_p / d diff for each pair, 0 where the pair's distance is 0 (and where a coordinate difference is 0 for p < 1). */
function pair_slope(diff: Tensor, d: Tensor, p: number): Tensor {
  if (p === 0) return mul(diff, 0);
  const s = sign(diff);
  if (p === 1) return s;
  const coincident = eq(d, 0);
  if (p === Infinity) return where(coincident, 0, mul(s, eq(abs(diff), d).to(diff._dtype)));
  const slope = div(mul(s, pow(abs(diff), p - 1)), pow(d, p - 1));
  return where(p < 1 ? logical_or(coincident, eq(diff, 0)) : coincident, 0, slope);
}

const CDIST = signature<{ x1: Tensor; x2: Tensor; p: number; compute_mode: string | null }>('cdist(Tensor x1, Tensor x2, float p=2., str? compute_mode=None)');
const COMPUTE_MODES = ['use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist'];
/**
 * The p-norm distance between each row of `x1` `[..., P, M]` and each row of `x2` `[..., R, M]`: `[..., P, R]`,
 * batch dims broadcast (CdistBackward0). `compute_mode` is accepted; tsgrad always computes the differences
 * directly (PyTorch's `donot_use_mm_for_euclid_dist`), which is the exact one.
 *
 * @example
 * torch.cdist(torch.tensor([[0, 0]]), torch.tensor([[3, 4], [1, 0]])); // [[5, 1]]
 */
export function cdist(...args: PyArgs<[x1: Tensor, x2: Tensor, p: number, compute_mode: string | null], { x1?: Tensor; x2?: Tensor; p?: number; compute_mode?: string | null }>): Tensor {
  if (tracing) return trace_op('aten::cdist', cdist, args, CDIST);
  const { x1, x2, p, compute_mode } = CDIST.parse(args);
  if (x1.ndim < 2) throw new Error(`cdist only supports at least 2D tensors, X1 got: ${x1.ndim}D`);
  if (x2.ndim < 2) throw new Error(`cdist only supports at least 2D tensors, X2 got: ${x2.ndim}D`);
  const m1 = x1._shape[x1.ndim - 1]!;
  const m2 = x2._shape[x2.ndim - 1]!;
  if (m1 !== m2) throw new Error(`X1 and X2 must have the same number of columns. X1: ${m1} X2: ${m2}`);
  if (!is_float(x1) || !is_float(x2)) throw new Error(`cdist only supports floating-point dtypes, X1 got: ${x1.dtype.toString().slice(6)}`);
  if (p < 0) throw new Error('cdist only supports non-negative p values');
  if (compute_mode !== null && !COMPUTE_MODES.includes(compute_mode)) throw new Error(`${compute_mode} is not a valid value for compute_mode`);
  const diff_of = (a: Tensor, b: Tensor): Tensor => sub(unsqueeze(a, -2), unsqueeze(b, -3));
  const out = no_grad(() => pair_norm(diff_of(x1.detach(), x2.detach()), p));
  const [s1, s2] = [x1._shape, x2._shape];
  record('CdistBackward0', [x1, x2], [out], (ctx, [g]) => {
    const [a, b, d] = ctx.saved_tensors;
    const w = mul(unsqueeze(g!, -1), pair_slope(diff_of(a!, b!), unsqueeze(d!, -1), p));
    return [ctx.needs_input_grad(0) ? sum_to(sum(w, -2), s1) : null, ctx.needs_input_grad(1) ? sum_to(neg(sum(w, -3)), s2) : null];
  }, [x1, x2, out], ['x1', 'x2', 'result']);
  return out;
}

const DIST = signature<{ input: Tensor; other: Tensor; p: number }>('dist(Tensor input, Tensor other, Scalar p=2)');
/** The arguments of `x.dist(...)`. */
export type DistMethodArgs = PyArgs<[other: Tensor, p: number], {
  /** The other operand. */
  other?: Tensor;
  /** The norm order (default 2; 0, inf allowed). */
  p?: number;
}>;
/**
 * The p-norm of `input − other` (broadcast) over all elements (DistBackward0; at p = ∞ the gradient is shared
 * evenly between the largest differences, as PyTorch's norm gradient).
 *
 * @example
 * torch.dist(torch.tensor([0, 0]), torch.tensor([3, 4])); // 5
 */
export function dist(...args: PyArgs<[input: Tensor, other: Tensor, p: number], { input?: Tensor; other?: Tensor; p?: number }>): Tensor {
  if (tracing) return trace_op('aten::dist', dist, args, DIST);
  const { input, other, p } = DIST.parse(args);
  for (const t of [input, other]) if (!is_float(t)) throw new Error(`norm(): input dtype should be either floating point or complex. Got ${scalar_type_name(t._dtype)} instead.`);
  const flat_diff = (a: Tensor, b: Tensor): Tensor => reshape(sub(a, b), [-1]);
  const out = no_grad(() => pair_norm(flat_diff(input.detach(), other.detach()), p));
  const [s1, s2] = [input._shape, other._shape];
  const shape = broadcast_shapes(s1, s2);
  record('DistBackward0', [input, other], [out], (ctx, [g]) => {
    const [a, b, d] = ctx.saved_tensors;
    const diff = flat_diff(a!, b!);
    let slope = pair_slope(diff, d!, p);
    // at p = ∞ every largest difference shares the gradient
    if (p === Infinity) slope = div(slope, sum(ne(slope, 0)).to(slope._dtype).clamp({ min: 1 }));
    const w = reshape(mul(g!, slope), shape);
    return [ctx.needs_input_grad(0) ? sum_to(w, s1) : null, ctx.needs_input_grad(1) ? sum_to(neg(w), s2) : null];
  }, [input, other, out], ['self', 'other', 'result']);
  return out;
}

const is_float = (t: Tensor): boolean => t._dtype === 'float32' || t._dtype === 'float64';

function int64_vector(values: number[]): Tensor {
  const t = Tensor.empty([values.length], 'int64');
  t._storage.data.set(values);
  return t;
}
