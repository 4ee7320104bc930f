// Vector and batched products: outer / ger, inner, kron, tensordot, vdot (VdotBackward0), cross / linalg_cross
// (LinalgCrossBackward0), addmv (AddmvBackward0), addr (AddrBackward0), addbmm (AddbmmBackward0), their in-place
// forms with baddbmm_, and chain_matmul; composed of the existing products where PyTorch composes them.
import { trace_op, tracing } from '../jit/tracer.js';
import { no_grad } from '../autograd/grad_mode.js';
import { warn } from '../autograd/messages.js';
import { scalar_type_name } from '../dtype.js';
import { broadcast_shapes, normalize_dim, shapes_equal } from '../shape.js';
import { Tensor } from '../tensor.js';
import { signature, type PyArgs } from '../signature.js';
import { record } from './record.js';
import { add, mul, sub, type Scalar } from './arithmetic.js';
import { sum, sum_to } from './reduce.js';
import { expand, permute, reshape, transpose, unsafe_view, unsqueeze, view } from './view.js';
import { baddbmm, bmm, matmul, mm, mv } from './linalg.js';
import { index_select } from './scatter.js';
import { apply_inplace } from './inplace.js';

const OUTER = signature<{ input: Tensor; vec2: Tensor }>('outer(Tensor input, Tensor vec2)');
const GER = signature<{ input: Tensor; vec2: Tensor }>('ger(Tensor input, Tensor vec2)');
type OuterArgs = PyArgs<[input: Tensor, vec2: Tensor], { input?: Tensor; vec2?: Tensor }>;

function outer_of(a: Tensor, b: Tensor, name: string): Tensor {
  if (a.ndim !== 1) throw new Error(`${name}: Expected 1-D argument self, but got ${a.ndim}-D`);
  if (b.ndim !== 1) throw new Error(`${name}: Expected 1-D argument vec2, but got ${b.ndim}-D`);
  return mul(reshape(a, [-1, 1]), b);
}
/**
 * The outer product `input[i]·vec2[j]` of two vectors (MulBackward0, as PyTorch composes it).
 *
 * @example
 * torch.outer(torch.tensor([1, 2]), torch.tensor([1, 10])); // [[1, 10], [2, 20]]
 */
export function outer(...args: OuterArgs): Tensor {
  if (tracing) return trace_op('aten::outer', outer, args, OUTER);
  const { input, vec2 } = OUTER.parse(args);
  return outer_of(input, vec2, 'outer');
}
/**
 * {@link outer} under its older name.
 *
 * @example
 * torch.ger(torch.tensor([1, 2]), torch.tensor([3])); // [[3], [6]]
 */
export function ger(...args: OuterArgs): Tensor {
  if (tracing) return trace_op('aten::ger', ger, args, GER);
  const { input, vec2 } = GER.parse(args);
  return outer_of(input, vec2, 'outer');
}

type DimsArg = number | readonly (number | readonly number[])[];
const TENSORDOT = signature<{ a: Tensor; b: Tensor; dims: DimsArg | Tensor }>('tensordot(Tensor a, Tensor b, Any dims=2)', { native: { a: 'input', b: 'other' } });

/** `tensordot`'s `dims` as the contracted dims of `a` and of `b`. */
function contraction_dims(a: Tensor, b: Tensor, dims: DimsArg | Tensor): [number[], number[]] {
  let spec: DimsArg = dims instanceof Tensor ? (dims.ndim === 0 ? dims.item() : (dims.tolist() as number[][])) : dims;
  if (typeof spec === 'number') {
    if (spec < 0) throw new Error(`tensordot expects dims >= 0, but got dims=${spec}`);
    if (spec > Math.min(a.ndim, b.ndim)) throw new Error(`tensordot expects dims < ndim_a or ndim_b, but got dims=${spec}`);
    const n = spec;
    return [Array.from({ length: n }, (_, i) => a.ndim - n + i), Array.from({ length: n }, (_, i) => i)];
  }
  if (spec.length !== 2) throw new TypeError('tensordot expects dims to be a number or a pair of dim lists');
  const [da, db] = spec.map((d) => (typeof d === 'number' ? [d] : [...d])) as [number[], number[]];
  spec = [da, db];
  if (da.length !== db.length) throw new Error(`both dimension lists should have same length`);
  return [da.map((d) => normalize_dim(d, a.ndim)), db.map((d) => normalize_dim(d, b.ndim))];
}

/**
 * Sums the products of `a` and `b` over the given dims (PyTorch's `torch.tensordot`): `dims` a number `n`
 * (the last `n` of `a` with the first `n` of `b`) or two lists of dims; computed as one matrix product.
 *
 * @example
 * torch.tensordot(torch.ones([3, 4, 5]), torch.ones([4, 5, 6])).shape; // [3, 6]
 * torch.tensordot(a, b, { dims: [[1, 0], [0, 1]] });
 */
export function tensordot(...args: PyArgs<[a: Tensor, b: Tensor, dims: DimsArg | Tensor], { a?: Tensor; b?: Tensor; dims?: DimsArg | Tensor }>): Tensor {
  if (tracing) return trace_op('aten::tensordot', tensordot, args, TENSORDOT);
  const { a, b, dims } = TENSORDOT.parse(args);
  const [ca, cb] = contraction_dims(a, b, dims);
  ca.forEach((d, i) => {
    if (a._shape[d] !== b._shape[cb[i]!]) {
      throw new Error(`contracted dimensions need to match, but first has size ${a._shape[d]} in dim ${d} and second has size ${b._shape[cb[i]!]} in dim ${cb[i]}`);
    }
  });
  const free_a = a._shape.map((_, i) => i).filter((i) => !ca.includes(i));
  const free_b = b._shape.map((_, i) => i).filter((i) => !cb.includes(i));
  const k = ca.reduce((s, d) => s * a._shape[d]!, 1);
  const rows = free_a.reduce((s, d) => s * a._shape[d]!, 1);
  const cols = free_b.reduce((s, d) => s * b._shape[d]!, 1);
  const lhs = reshape(permute(a, [...free_a, ...ca]), [rows, k]);
  const rhs = reshape(permute(b, [...cb, ...free_b]), [k, cols]);
  return reshape(mm(lhs, rhs), [...free_a.map((d) => a._shape[d]!), ...free_b.map((d) => b._shape[d]!)]);
}

const INNER = signature<{ input: Tensor; other: Tensor }>('inner(Tensor input, Tensor other)');
/**
 * The sum of products over the last dims of `input` and `other` (a 0-d operand multiplies instead).
 *
 * @example
 * torch.inner(torch.tensor([1, 2]), torch.tensor([3, 4])); // 11
 */
export function inner(...args: PyArgs<[input: Tensor, other: Tensor], { input?: Tensor; other?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::inner', inner, args, INNER);
  const { input, other } = INNER.parse(args);
  if (input.ndim === 0 || other.ndim === 0) return mul(input, other);
  const [m, n] = [input._shape[input.ndim - 1], other._shape[other.ndim - 1]];
  if (m !== n) {
    throw new Error(`inner() the last dimension must match on both input tensors but got shapes [${input._shape.join(', ')}] and [${other._shape.join(', ')}]`);
  }
  return tensordot(input, other, [[-1], [-1]]);
}

const KRON = signature<{ input: Tensor; other: Tensor }>('kron(Tensor input, Tensor other)');
/**
 * The Kronecker product: every element of `input` times a whole copy of `other`, blocks laid out along each dim
 * (UnsafeViewBackward0 over the broadcast product, as PyTorch composes it).
 *
 * @example
 * torch.kron(torch.tensor([1, 2]), torch.tensor([1, 10])); // [1, 10, 2, 20]
 */
export function kron(...args: PyArgs<[input: Tensor, other: Tensor], { input?: Tensor; other?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::kron', kron, args, KRON);
  const { input, other } = KRON.parse(args);
  const nd = Math.max(input.ndim, other.ndim);
  const pad = (s: readonly number[]): number[] => [...Array<number>(nd - s.length).fill(1), ...s];
  const [sa, sb] = [pad(input._shape), pad(other._shape)];
  // a as [a0, 1, a1, 1, ...] times b as [1, b0, 1, b1, ...]
  const a = reshape(input, sa.flatMap((n) => [n, 1]));
  const b = reshape(other, sb.flatMap((n) => [1, n]));
  return unsafe_view(mul(a, b), sa.map((n, i) => n * sb[i]!));
}

const VDOT = signature<{ input: Tensor; other: Tensor }>('vdot(Tensor input, Tensor other)');
/**
 * The dot product of two 1-d tensors of one dtype (VdotBackward0; tsgrad has no complex numbers to conjugate,
 * so this is `dot`'s value).
 *
 * @example
 * torch.vdot(torch.tensor([1, 2]), torch.tensor([3, 4])); // 11
 */
export function vdot(...args: PyArgs<[input: Tensor, other: Tensor], { input?: Tensor; other?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::vdot', vdot, args, VDOT);
  const { input, other } = VDOT.parse(args);
  if (input.ndim !== 1 || other.ndim !== 1) throw new Error(`1D tensors expected, but got ${input.ndim}D and ${other.ndim}D tensors`);
  if (input._dtype !== other._dtype) {
    throw new Error(`dot : expected both vectors to have same dtype, but found ${scalar_type_name(input._dtype)} and ${scalar_type_name(other._dtype)}`);
  }
  if (input._shape[0] !== other._shape[0]) throw new Error(`inconsistent tensor size, expected tensor [${input._shape[0]}] and src [${other._shape[0]}] to have the same number of elements, but got ${input._shape[0]} and ${other._shape[0]} elements respectively`);
  const out = no_grad(() => sum(mul(input.detach(), other.detach())));
  record('VdotBackward0', [input, other], [out], (ctx, [g]) => {
    const [a, b] = ctx.saved_tensors;
    return [ctx.needs_input_grad(0) ? mul(g!, b!) : null, ctx.needs_input_grad(1) ? mul(g!, a!) : null];
  }, [input, other], ['self', 'other']);
  return out;
}

const CROSS = signature<{ input: Tensor; other: Tensor; dim: number | null }>('cross(Tensor input, Tensor other, int? dim=None)');
const LINALG_CROSS = signature<{ input: Tensor; other: Tensor; dim: number }>('linalg_cross(Tensor input, Tensor other, *, int dim=-1)');
/** The arguments of `x.cross(...)`. */
export type CrossMethodArgs = PyArgs<[other: Tensor, dim: number | null], {
  /** The other operand. */
  other?: Tensor;
  /** The dim to work along. */
  dim?: number | null;
}>;

let cross_default_warned = false;
/**
 * The cross product of 3-vectors along `dim` (the first dim of size 3 when `dim` is left out, with PyTorch
 * 2.x's deprecation warning), the inputs broadcast (LinalgCrossBackward0).
 *
 * @example
 * torch.cross(torch.tensor([[1, 0, 0]]), torch.tensor([[0, 1, 0]]), { dim: 1 }); // [[0, 0, 1]]
 */
export function cross(...args: PyArgs<[input: Tensor, other: Tensor, dim: number | null], { input?: Tensor; other?: Tensor; dim?: number | null }>): Tensor {
  if (tracing) return trace_op('aten::cross', cross, args, CROSS);
  const { input, other, dim } = CROSS.parse(args);
  if (dim !== null) return cross_of(input, other, dim);
  if (!cross_default_warned) {
    cross_default_warned = true;
    warn('Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree with that of linalg.cross in a future release.');
  }
  const shape = broadcast_shapes(input._shape, other._shape);
  const first = shape.indexOf(3);
  if (first < 0) throw new Error(`no dimension of size 3 in input`);
  return cross_of(input, other, first);
}

/**
 * PyTorch's `torch.linalg.cross(input, other, *, dim=-1)`: the cross product of 3-vectors along `dim`, inputs
 * broadcast (LinalgCrossBackward0).
 *
 * @example
 * torch.linalg_cross(torch.tensor([1, 0, 0]), torch.tensor([0, 1, 0])); // [0, 0, 1]
 */
export function linalg_cross(...args: PyArgs<[input: Tensor, other: Tensor], { input?: Tensor; other?: Tensor; dim?: number }>): Tensor {
  if (tracing) return trace_op('aten::linalg_cross', linalg_cross, args, LINALG_CROSS);
  const { input, other, dim } = LINALG_CROSS.parse(args);
  return cross_of(input, other, dim);
}

function cross_of(input: Tensor, other: Tensor, dim: number): Tensor {
  if (input.ndim !== other.ndim) {
    throw new Error(`linalg.cross: inputs must have the same number of dimensions.`);
  }
  const shape = broadcast_shapes(input._shape, other._shape);
  const d = normalize_dim(dim, shape.length);
  if (input._shape[d] !== 3 || other._shape[d] !== 3) {
    throw new Error(`linalg.cross: inputs dimension ${dim} must have length 3. Got ${input._shape[d]} and ${other._shape[d]}`);
  }
  const out = no_grad(() => cross_values(input.detach(), other.detach(), d));
  const [sa, sb] = [input._shape, other._shape];
  record('LinalgCrossBackward0', [input, other], [out], (ctx, [g]) => {
    const [a, b] = ctx.saved_tensors;
    return [ctx.needs_input_grad(0) ? sum_to(cross_of(b!, g!, d), sa) : null, ctx.needs_input_grad(1) ? sum_to(cross_of(g!, a!, d), sb) : null];
  }, [input, other], ['self', 'other']);
  return out;
}

/** `a × b` along `d`: `a[i+1]·b[i+2] − a[i+2]·b[i+1]` for each component i (indices mod 3). */
function cross_values(a: Tensor, b: Tensor, d: number): Tensor {
  const next = Tensor.empty([3], 'int64');
  next._storage.data.set([1, 2, 0]);
  const after = Tensor.empty([3], 'int64');
  after._storage.data.set([2, 0, 1]);
  return sub(mul(index_select(a, d, next), index_select(b, d, after)), mul(index_select(a, d, after), index_select(b, d, next)));
}

/** `beta·input + alpha·product`, where beta = 0 ignores `input` (NaN in it does not propagate), as PyTorch. */
function scaled_sum(input: Tensor, product: Tensor, beta: number, alpha: number): Tensor {
  const shape = broadcast_shapes(input._shape, product._shape);
  if (!shapes_equal(shape, product._shape)) {
    throw new Error(`The expanded size of the tensor (${product._shape.join(', ')}) must match the existing size (${input._shape.join(', ')}). Target sizes: [${product._shape.join(', ')}].  Tensor sizes: [${input._shape.join(', ')}]`);
  }
  const p = alpha === 1 ? product : mul(product, alpha);
  if (beta === 0) return p;
  return add(beta === 1 ? input : mul(input, beta), p);
}
const scale = (g: Tensor, f: number): Tensor => (f === 1 ? g : mul(g, f));

interface AddProductParsed { input: Tensor; beta: Scalar; alpha: Scalar }
const ADDMV = signature<AddProductParsed & { mat: Tensor; vec: Tensor }>('addmv(Tensor input, Tensor mat, Tensor vec, *, Scalar beta=1, Scalar alpha=1)');
const ADDMV_ = ADDMV.renamed('addmv_');
/** The arguments of `x.addmv(...)` / `x.addmv_(...)`. */
export type AddmvMethodArgs = PyArgs<[mat: Tensor, vec: Tensor], {
  /** The matrix `[n, m]`. */
  mat?: Tensor;
  /** The vector `[m]`. */
  vec?: Tensor;
  /** The multiplier of `self` (default 1; 0 ignores it, NaN included). */
  beta?: Scalar;
  /** The multiplier of the product (default 1). */
  alpha?: Scalar;
}>;

function addmv_of(input: Tensor, mat: Tensor, vec: Tensor, beta: number, alpha: number): Tensor {
  if (mat.ndim !== 2 || vec.ndim !== 1) throw new Error(`vector + matrix @ vector expected, got ${input.ndim}, ${mat.ndim}, ${vec.ndim}`);
  if (mat._shape[1] !== vec._shape[0]) throw new Error(`size mismatch, got input (${input._shape[0] ?? 1}), mat (${mat._shape[0]}x${mat._shape[1]}), vec (${vec._shape[0]})`);
  const out = no_grad(() => scaled_sum(input.detach(), mv(mat.detach(), vec.detach()), beta, alpha));
  const shape = input._shape;
  record('AddmvBackward0', [input, mat, vec], [out], (ctx, [g]) => {
    const [m, v] = ctx.saved_tensors;
    return [
      ctx.needs_input_grad(0) ? sum_to(scale(g!, beta), shape) : null,
      ctx.needs_input_grad(1) ? outer_of(scale(g!, alpha), v!, 'outer') : null,
      ctx.needs_input_grad(2) ? mv(transpose(m!, 0, 1), scale(g!, alpha)) : null,
    ];
  }, [mat, vec], ['mat', 'vec']);
  return out;
}
/**
 * `beta·input + alpha·(mat @ vec)` (AddmvBackward0); `input` broadcasts to the product's length.
 *
 * @example
 * torch.addmv(torch.tensor([1, 1]), torch.eye(2), torch.tensor([2, 3])); // [3, 4]
 */
export function addmv(...args: PyArgs<[input: Tensor, mat: Tensor, vec: Tensor], { input?: Tensor; mat?: Tensor; vec?: Tensor; beta?: Scalar; alpha?: Scalar }>): Tensor {
  if (tracing) return trace_op('aten::addmv', addmv, args, ADDMV);
  const a = ADDMV.parse(args);
  return addmv_of(a.input, a.mat, a.vec, Number(a.beta), Number(a.alpha));
}
/**
 * In-place {@link addmv} (AddmvBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * y.addmv_(W, x, { beta: 0.5 });
 */
export function addmv_<T extends Tensor>(self: T, ...args: AddmvMethodArgs): T {
  if (tracing) return trace_op('aten::addmv_', addmv_, [self, ...args]) as T;
  const a = ADDMV_.parse([self, ...args], { method: true });
  return apply_inplace(self, [a.mat, a.vec], false, (alias) => addmv_of(alias, a.mat, a.vec, Number(a.beta), Number(a.alpha)));
}

const ADDR = signature<AddProductParsed & { vec1: Tensor; vec2: Tensor }>('addr(Tensor input, Tensor vec1, Tensor vec2, *, Scalar beta=1, Scalar alpha=1)');
const ADDR_ = ADDR.renamed('addr_');
/** The arguments of `x.addr(...)` / `x.addr_(...)`. */
export type AddrMethodArgs = PyArgs<[vec1: Tensor, vec2: Tensor], {
  /** The left vector (rows). */
  vec1?: Tensor;
  /** The right vector (columns). */
  vec2?: Tensor;
  /** The multiplier of `self` (default 1; 0 ignores it, NaN included). */
  beta?: Scalar;
  /** The multiplier of the product (default 1). */
  alpha?: Scalar;
}>;

function addr_of(input: Tensor, vec1: Tensor, vec2: Tensor, beta: number, alpha: number): Tensor {
  if (vec1.ndim !== 1 || vec2.ndim !== 1) throw new Error(`addr: Expected 1-D argument vec1, but got ${vec1.ndim}-D`);
  const out = no_grad(() => scaled_sum(input.detach(), outer_of(vec1.detach(), vec2.detach(), 'addr'), beta, alpha));
  const shape = input._shape;
  record('AddrBackward0', [input, vec1, vec2], [out], (ctx, [g]) => {
    const [v1, v2] = ctx.saved_tensors;
    return [
      ctx.needs_input_grad(0) ? sum_to(scale(g!, beta), shape) : null,
      ctx.needs_input_grad(1) ? mv(scale(g!, alpha), v2!) : null,
      ctx.needs_input_grad(2) ? mv(transpose(scale(g!, alpha), 0, 1), v1!) : null,
    ];
  }, [vec1, vec2], ['vec1', 'vec2']);
  return out;
}
/**
 * `beta·input + alpha·outer(vec1, vec2)` (AddrBackward0).
 *
 * @example
 * torch.addr(torch.zeros([2, 2]), torch.tensor([1, 2]), torch.tensor([1, 1])); // [[1, 1], [2, 2]]
 */
export function addr(...args: PyArgs<[input: Tensor, vec1: Tensor, vec2: Tensor], { input?: Tensor; vec1?: Tensor; vec2?: Tensor; beta?: Scalar; alpha?: Scalar }>): Tensor {
  if (tracing) return trace_op('aten::addr', addr, args, ADDR);
  const a = ADDR.parse(args);
  return addr_of(a.input, a.vec1, a.vec2, Number(a.beta), Number(a.alpha));
}
/**
 * In-place {@link addr} (AddrBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * m.addr_(u, v, { alpha: -1 });
 */
export function addr_<T extends Tensor>(self: T, ...args: AddrMethodArgs): T {
  if (tracing) return trace_op('aten::addr_', addr_, [self, ...args]) as T;
  const a = ADDR_.parse([self, ...args], { method: true });
  return apply_inplace(self, [a.vec1, a.vec2], false, (alias) => addr_of(alias, a.vec1, a.vec2, Number(a.beta), Number(a.alpha)));
}

const ADDBMM = signature<AddProductParsed & { batch1: Tensor; batch2: Tensor }>('addbmm(Tensor input, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1)');
const ADDBMM_ = ADDBMM.renamed('addbmm_');
const BADDBMM_ = signature<AddProductParsed & { batch1: Tensor; batch2: Tensor }>('baddbmm_(Tensor input, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1)');
/** The arguments of `x.addbmm(...)`, `x.addbmm_(...)` and `x.baddbmm_(...)`. */
export type AddbmmMethodArgs = PyArgs<[batch1: Tensor, batch2: Tensor], {
  /** The left batch of matrices `[b, n, m]`. */
  batch1?: Tensor;
  /** The right batch of matrices `[b, m, p]`. */
  batch2?: Tensor;
  /** The multiplier of `self` (default 1; 0 ignores it, NaN included). */
  beta?: Scalar;
  /** The multiplier of the product (default 1). */
  alpha?: Scalar;
}>;

function addbmm_of(input: Tensor, b1: Tensor, b2: Tensor, beta: number, alpha: number): Tensor {
  if (b1.ndim !== 3) throw new Error(`batch1 must be a 3D tensor`);
  if (b2.ndim !== 3) throw new Error(`batch2 must be a 3D tensor`);
  const out = no_grad(() => scaled_sum(input.detach(), sum(bmm(b1.detach(), b2.detach()), 0), beta, alpha));
  const shape = input._shape;
  const batches = b1._shape[0]!;
  record('AddbmmBackward0', [input, b1, b2], [out], (ctx, [g]) => {
    const [x, y] = ctx.saved_tensors;
    const gb = expand(unsqueeze(scale(g!, alpha), 0), [batches, ...g!._shape]);
    return [
      ctx.needs_input_grad(0) ? sum_to(scale(g!, beta), shape) : null,
      ctx.needs_input_grad(1) ? bmm(gb, transpose(y!, 1, 2)) : null,
      ctx.needs_input_grad(2) ? bmm(transpose(x!, 1, 2), gb) : null,
    ];
  }, [b1, b2], ['batch1', 'batch2']);
  return out;
}
/**
 * `beta·input + alpha·Σ_b batch1[b] @ batch2[b]` (AddbmmBackward0): the batched products summed into one matrix.
 *
 * @example
 * torch.addbmm(torch.zeros([2, 2]), torch.ones([3, 2, 4]), torch.ones([3, 4, 2])); // all 12
 */
export function addbmm(...args: PyArgs<[input: Tensor, batch1: Tensor, batch2: Tensor], { input?: Tensor; batch1?: Tensor; batch2?: Tensor; beta?: Scalar; alpha?: Scalar }>): Tensor {
  if (tracing) return trace_op('aten::addbmm', addbmm, args, ADDBMM);
  const a = ADDBMM.parse(args);
  return addbmm_of(a.input, a.batch1, a.batch2, Number(a.beta), Number(a.alpha));
}
/**
 * In-place {@link addbmm} (AddbmmBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * acc.addbmm_(a, b);
 */
export function addbmm_<T extends Tensor>(self: T, ...args: AddbmmMethodArgs): T {
  if (tracing) return trace_op('aten::addbmm_', addbmm_, [self, ...args]) as T;
  const a = ADDBMM_.parse([self, ...args], { method: true });
  return apply_inplace(self, [a.batch1, a.batch2], false, (alias) => addbmm_of(alias, a.batch1, a.batch2, Number(a.beta), Number(a.alpha)));
}
/**
 * In-place {@link baddbmm} (BaddbmmBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * scores.baddbmm_(q, k.transpose(1, 2), { beta: 0, alpha: 0.125 });
 */
export function baddbmm_<T extends Tensor>(self: T, ...args: AddbmmMethodArgs): T {
  if (tracing) return trace_op('aten::baddbmm_', baddbmm_, [self, ...args]) as T;
  const a = BADDBMM_.parse([self, ...args], { method: true });
  return apply_inplace(self, [a.batch1, a.batch2], false, (alias) => baddbmm(alias, a.batch1, a.batch2, { beta: a.beta, alpha: a.alpha }));
}

let chain_matmul_warned = false;
/**
 * The product of 2-d matrices left to right (PyTorch's deprecated `torch.chain_matmul(*matrices)`; it warns once,
 * pointing to `torch.linalg.multi_dot`).
 *
 * @example
 * torch.chain_matmul(a, b, c); // a @ b @ c
 */
export function chain_matmul(...matrices: Tensor[]): Tensor {
  if (tracing) return trace_op('aten::chain_matmul', chain_matmul, matrices);
  if (!chain_matmul_warned) {
    chain_matmul_warned = true;
    warn('torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple parameters.');
  }
  if (matrices.length === 0) throw new Error('chain_matmul(): Expected one or more input tensors');
  matrices.forEach((m, i) => {
    if (!(m instanceof Tensor)) throw new TypeError(`chain_matmul(): argument 'matrices' (position ${i + 1}) must be Tensor, not ${typeof m}`);
    if (m.ndim !== 2) throw new Error(`Tensor dimension is ${m.ndim}, expected 2 instead.`);
  });
  if (matrices.length === 1) return matrices[0]!.clone();
  // the product chain ends in a view to the result's shape, as PyTorch's (ViewBackward0)
  const product = matrices.slice(1).reduce((acc, m) => matmul(acc, m), matrices[0]!);
  return view(product, product._shape);
}
