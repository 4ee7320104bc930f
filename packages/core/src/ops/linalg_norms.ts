// torch.linalg's norms and products: vector_norm, matrix_norm, norm, cond, matrix_power, multi_dot, vecdot
// (and torch.matrix_power).
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating, scalar_type_name, type DType } from '../dtype.js';
import { no_grad } from '../autograd/grad_mode.js';
import { normalize_dim, normalize_dims } from '../shape.js';
import { overloads, signature, type PyArgs } from '../signature.js';
import { Tensor } from '../tensor.js';
import { abs } from './unary.js';
import { div, mul, to_dtype } from './arithmetic.js';
import { matmul, mm } from './linalg.js';
import { record } from './record.js';
import { amax, amin, sum_dims } from './reduce.js';
import { norm_backward, norm_value } from './norm_rules.js';
import { clone, narrow, reshape, squeeze_dims, unsqueeze, view } from './view.js';
import { diagonal } from './dim_views.js';
import { linalg_inv } from './linalg_factor.js';
import { linalg_svdvals } from './linalg_spectral.js';
import { check_matrix, write_batch } from './lapack.js';
import { Matrix } from 'ml-matrix';
import type { DimArg } from './types.js';

interface VectorNormParsed { input: Tensor; ord: number; dim: number[] | null; keepdim: boolean; dtype: DType | null }
const VECTOR_NORM = signature<VectorNormParsed>('linalg_vector_norm(Tensor input, Scalar ord=2, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, Tensor? out=None)');

/** Keyword arguments of `torch.linalg.vector_norm`. */
export interface VectorNormOptions {
  /** The tensor (floating point). */
  input?: Tensor;
  /** The order: any number; 0 counts non-zeros, ±Infinity the largest / smallest magnitude (default 2). */
  ord?: number;
  /** The dims reduced (default all, the input taken flat). */
  dim?: DimArg | null;
  /** Keep reduced dims with size 1. */
  keepdim?: boolean;
  /** Convert the input to this floating dtype first. */
  dtype?: DType | null;
}

/**
 * The vector `ord`-norm over `dim` (all elements when omitted; LinalgVectorNormBackward0).
 *
 * @example
 * torch.linalg.vector_norm(torch.tensor([3.0, 4.0])); // 5
 * torch.linalg.vector_norm(x, Infinity, { dim: -1 });
 */
export function linalg_vector_norm(...args: PyArgs<[input: Tensor, ord: number, dim: DimArg | null, keepdim: boolean], VectorNormOptions>): Tensor {
  if (tracing) return trace_op('aten::linalg_vector_norm', linalg_vector_norm, args, VECTOR_NORM);
  const a = VECTOR_NORM.parse(args);
  return vector_norm_of(a.input, a.ord, a.dim, a.keepdim, a.dtype);
}

function vector_norm_of(input: Tensor, ord: number, dim: readonly number[] | null, keepdim: boolean, dtype: DType | null): Tensor {
  if (!is_floating(input._dtype)) throw new Error(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${scalar_type_name(input._dtype)}`);
  if (dtype !== null && input._dtype === 'float64' && dtype === 'float32') {
    throw new Error('linalg.vector_norm: the dtype of the input (Double) should be convertible without narrowing to the specified dtype (Float)');
  }
  const x = dtype === null ? input : to_dtype(input, dtype);
  const all = dim === null || dim.length === 0;
  const dims = normalize_dims(all ? null : dim, x.ndim);
  if (ord < 0 || !Number.isFinite(ord)) {
    if (dims.some((d) => (x.ndim === 0 ? 1 : x._shape[d]!) === 0) || (all && x.numel() === 0)) {
      throw new Error(`linalg.vector_norm cannot compute the ${ord} norm on an empty tensor because the operation does not have an identity`);
    }
  }
  const kept_shape = x._shape.map((n, i) => (all || dims.includes(i) ? 1 : n));
  const r = no_grad(() => reshape(norm_value(x, ord, all ? null : dims), kept_shape));
  const out = keepdim ? r : reshape(r, x._shape.filter((_, i) => !(all || dims.includes(i))));
  record('LinalgVectorNormBackward0', [x], [out], (ctx, [g]) => {
    const [xs, res] = ctx.saved_tensors;
    const keep = (t: Tensor): Tensor => reshape(t, kept_shape);
    return [norm_backward(keep(g!), xs!, keep(res!), ord, all ? null : dims)];
  }, [x, out], ['self', 'result']);
  return out;
}

interface MatrixNormParsed { input: Tensor; ord: number | string; dim: number[]; keepdim: boolean; dtype: DType | null }
const MATRIX_NORM = overloads<MatrixNormParsed>(
  'linalg_matrix_norm(Tensor input, Scalar ord, int[] dim=[-2,-1], bool keepdim=False, *, ScalarType? dtype=None, Tensor? out=None)',
  "linalg_matrix_norm(Tensor input, str ord='fro', int[] dim=[-2,-1], bool keepdim=False, *, ScalarType? dtype=None, Tensor? out=None)",
);

/** Keyword arguments of `torch.linalg.matrix_norm`. */
export interface MatrixNormOptions {
  /** The tensor of matrices (floating point). */
  input?: Tensor;
  /** 'fro' (default), 'nuc', ±1 (max / min column sum), ±2 (largest / smallest singular value), ±Infinity (row sums). */
  ord?: number | string;
  /** The two dims holding the matrices (default the last two). */
  dim?: readonly number[];
  /** Keep the two matrix dims with size 1. */
  keepdim?: boolean;
  /** Convert the input to this floating dtype first. */
  dtype?: DType | null;
}

/**
 * The matrix norm `ord` of the matrices in dims `dim` (the last two by default). 'fro' is the vector 2-norm of
 * the entries (LinalgVectorNormBackward0); the others are composed as PyTorch composes them (AmaxBackward0,
 * SumBackward1, ...).
 *
 * @example
 * torch.linalg.matrix_norm(A, 'nuc');
 */
export function linalg_matrix_norm(...args: PyArgs<[input: Tensor, ord: number | string, dim: readonly number[], keepdim: boolean], MatrixNormOptions>): Tensor {
  if (tracing) return trace_op('aten::linalg_matrix_norm', linalg_matrix_norm, args, MATRIX_NORM);
  const a = MATRIX_NORM.parse(args).values;
  return matrix_norm_of(a.input, a.ord, a.dim, a.keepdim, a.dtype);
}

function matrix_norm_of(input: Tensor, ord: number | string, dim: readonly number[], keepdim: boolean, dtype: DType | null): Tensor {
  if (input.ndim < 2) throw new Error('linalg.matrix_norm: The input tensor A must have at least 2 dimensions.');
  if (!is_floating(input._dtype)) throw new Error(`linalg.matrix_norm: Expected a floating point or complex tensor as input. Got ${scalar_type_name(input._dtype)}`);
  if (dim.length !== 2) throw new Error(`linalg.matrix_norm: dim must be a 2-tuple. Got ${dim.join(' ')}`);
  const [d0, d1] = [normalize_dim(dim[0]!, input.ndim), normalize_dim(dim[1]!, input.ndim)];
  if (d0 === d1) throw new Error(`linalg.matrix_norm: dims must be different. Got (${dim[0]}, ${dim[1]})`);
  if (typeof ord === 'string' && ord !== 'fro' && ord !== 'nuc') throw new Error(`linalg.matrix_norm: Order ${ord} not supported.`);
  if (typeof ord === 'number' && ![1, -1, 2, -2, Infinity, -Infinity].includes(ord)) throw new Error(`linalg.matrix_norm: Order ${ord} not supported.`);
  const x = dtype === null ? input : to_dtype(input, dtype);
  if (ord === 'fro') return vector_norm_of(x, 2, [d0, d1], keepdim, null);
  const restore = (r: Tensor): Tensor => (keepdim ? unsqueeze(unsqueeze(r, Math.min(d0, d1)), Math.max(d0, d1)) : r);
  if (ord === 'nuc' || ord === 2 || ord === -2) {
    // the matrices moved last, then a reduction over their singular values
    const moved = x.movedim([d0, d1], [-2, -1]);
    const s = linalg_svdvals(moved);
    if (ord === 'nuc') return restore(sum_dims(s, [-1], false));
    return restore(ord === 2 ? amax(s, -1) : amin(s, -1));
  }
  // ±1: extreme column sum (sum over d0, extreme over d1); ±inf: extreme row sum (sum over d1, extreme over d0)
  const [sum_dim, ext_dim] = ord === 1 || ord === -1 ? [d0, d1] : [d1, d0];
  const sums = sum_dims(abs(x), [sum_dim], true);
  const ext = (ord as number) > 0 ? amax(sums, ext_dim, true) : amin(sums, ext_dim, true);
  return keepdim ? ext : squeeze_dims(ext, [d0, d1].sort((a, b) => b - a), 'SqueezeBackward1');
}

interface NormParsed { input: Tensor; ord: number | string | null; dim: number[] | null; keepdim: boolean; dtype: DType | null }
const NORM = overloads<NormParsed>(
  'linalg_norm(Tensor input, Scalar? ord=None, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, Tensor? out=None)',
  'linalg_norm(Tensor input, str ord, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, Tensor? out=None)',
);

/**
 * A vector or matrix norm, as `dim` and `ord` say: without either, the 2-norm of all entries; a string `ord` or
 * two dims is a matrix norm; one dim a vector norm; `ord` alone needs a 1-D or 2-D input.
 *
 * @example
 * torch.linalg.norm(A); // Frobenius
 * torch.linalg.norm(A, 2); // largest singular value
 */
export function linalg_norm(...args: PyArgs<[input: Tensor, ord: number | string | null, dim: DimArg | null, keepdim: boolean], { input?: Tensor; ord?: number | string | null; dim?: DimArg | null; keepdim?: boolean; dtype?: DType | null }>): Tensor {
  if (tracing) return trace_op('aten::linalg_norm', linalg_norm, args, NORM);
  const { input: x, ord, dim, keepdim, dtype } = NORM.parse(args).values;
  if (dim !== null && dim.length > 2) throw new Error(`linalg.norm: If dim is specified, it mut be of length 1 or 2. Got [${dim.join(', ')}]`);
  if (dim === null && ord !== null && x.ndim !== 1 && x.ndim !== 2) {
    throw new Error(`linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${x.ndim}D.`);
  }
  const matrix = dim !== null ? dim.length === 2 : ord !== null && (typeof ord === 'string' || x.ndim === 2);
  if (matrix) return matrix_norm_of(x, ord ?? 'fro', dim ?? [-2, -1], keepdim, dtype);
  if (typeof ord === 'string') throw new Error(`linalg.vector_norm: ord must be a number, got '${ord}'`);
  return vector_norm_of(x, ord ?? 2, dim, keepdim, dtype);
}

const COND = overloads<{ input: Tensor; p: number | string | null }>(
  'linalg_cond(Tensor input, Scalar? p=None, *, Tensor? out=None)',
  'linalg_cond(Tensor input, str p, *, Tensor? out=None)',
);

/**
 * The condition number of each matrix in the norm `p`: σ_max / σ_min for p None or 2 (σ_min / σ_max for -2),
 * otherwise ‖A‖_p · ‖A⁻¹‖_p for square A ('fro', 'nuc', ±Infinity, ±1).
 *
 * @example
 * torch.linalg.cond(torch.diag(torch.tensor([1.0, 4.0]))); // 4
 */
export function linalg_cond(...args: PyArgs<[input: Tensor, p: number | string | null], { input?: Tensor; p?: number | string | null }>): Tensor {
  if (tracing) return trace_op('aten::linalg_cond', linalg_cond, args, COND);
  const { input: A, p } = COND.parse(args).values;
  check_matrix('linalg.cond', A);
  if (p === null || p === 2 || p === -2) {
    const s = linalg_svdvals(A);
    const k = s._shape[s.ndim - 1]!;
    const [hi, lo] = [narrow(s, -1, 0, 1), narrow(s, -1, k - 1, 1)];
    return squeeze_dims(p === -2 ? div(lo, hi) : div(hi, lo), [-1], 'SqueezeBackward1');
  }
  check_matrix('linalg.cond', A, { square: true });
  return mul(matrix_norm_of(A, p, [-2, -1], false, null), matrix_norm_of(linalg_inv(A), p, [-2, -1], false, null));
}

const MATRIX_POWER = signature<{ input: Tensor; n: number }>('linalg_matrix_power(Tensor input, int n, *, Tensor? out=None)');
const TORCH_MATRIX_POWER = signature<{ input: Tensor; n: number }>('matrix_power(Tensor input, int n)');

/**
 * The `n`-th power of each square matrix by repeated squaring (n = 0: the identity; n < 0: powers of the
 * inverse), composed of matrix products as in PyTorch. `torch.matrix_power` is the same.
 *
 * @example
 * torch.linalg.matrix_power(A, 3); // A @ A @ A
 */
export function linalg_matrix_power(...args: PyArgs<[input: Tensor, n: number], { input?: Tensor; n?: number }>): Tensor {
  if (tracing) return trace_op('aten::linalg_matrix_power', linalg_matrix_power, args, MATRIX_POWER);
  const a = MATRIX_POWER.parse(args);
  return matrix_power_of(a.input, a.n);
}
/**
 * {@link linalg_matrix_power} under `torch.matrix_power`'s name.
 *
 * @example
 * A.matrix_power(2); // A @ A
 */
export function matrix_power(...args: PyArgs<[input: Tensor, n: number], { input?: Tensor; n?: number }>): Tensor {
  if (tracing) return trace_op('aten::matrix_power', matrix_power, args, TORCH_MATRIX_POWER);
  const a = TORCH_MATRIX_POWER.parse(args);
  return matrix_power_of(a.input, a.n);
}

function matrix_power_of(A: Tensor, n: number): Tensor {
  if (A.ndim < 2) throw new Error('linalg.matrix_power: The input tensor A must have at least 2 dimensions.');
  const [r, c] = [A._shape[A.ndim - 2]!, A._shape[A.ndim - 1]!];
  if (r !== c) throw new Error(`linalg.matrix_power: A must be batches of square matrices, but they are ${r} by ${c} matrices`);
  if (n === 0) {
    const batch = A._shape.slice(0, -2);
    const count = batch.reduce((p, d) => p * d, 1);
    return write_batch(batch, r, r, Array.from({ length: count }, () => Matrix.eye(r, r)), A._dtype);
  }
  if (n === 1) return clone(A);
  let base = n < 0 ? linalg_inv(A) : A;
  let k = Math.abs(n);
  if (k === 1) return base;
  const mul_ = (x: Tensor, y: Tensor): Tensor => (x.ndim === 2 ? mm(x, y) : matmul(x, y));
  // square-and-multiply, the lowest bits first
  let result: Tensor | null = null;
  for (;;) {
    if (k & 1) result = result === null ? base : mul_(result, base);
    k >>= 1;
    if (k === 0) break;
    base = mul_(base, base);
  }
  return result!;
}

const MULTI_DOT = signature<{ tensors: Tensor[] }>('linalg_multi_dot(Tensor[] tensors, *, Tensor? out=None)');

/**
 * The product of a chain of matrices in the order of multiplications that costs least (the first may be a
 * row vector, the last a column vector, given 1-D).
 *
 * @example
 * torch.linalg.multi_dot([A, B, C]); // A @ B @ C, parenthesised cheaply
 */
export function linalg_multi_dot(...args: PyArgs<[tensors: readonly Tensor[]], { tensors?: readonly Tensor[] }>): Tensor {
  if (tracing) return trace_op('aten::linalg_multi_dot', linalg_multi_dot, args, MULTI_DOT);
  return multi_dot_of(MULTI_DOT.parse(args).tensors, 'multi_dot');
}
function multi_dot_of(tensors: readonly Tensor[], op: string): Tensor {
  const n = tensors.length;
  if (n < 2) throw new Error(`${op}(): expected at least 2 tensors but got ${n}`);
  const first = tensors[0]!;
  const last = tensors[n - 1]!;
  if (first.ndim !== 1 && first.ndim !== 2) throw new Error(`${op}(): the first tensor must be 1D or 2D but got ${first.ndim}D`);
  if (last.ndim !== 1 && last.ndim !== 2) throw new Error(`${op}(): the last tensor must be 1D or 2D but got ${last.ndim}D`);
  tensors.slice(1, -1).forEach((t, i) => {
    if (t.ndim !== 2) throw new Error(`${op}(): tensor ${i + 1} must be 2D but got ${t.ndim}D`);
  });
  const mats = tensors.map((t, i) => (t.ndim === 2 ? t : i === 0 ? unsqueeze(t, 0) : unsqueeze(t, 1)));
  for (let i = 0; i + 1 < n; i++) {
    const [a, b] = [mats[i]!, mats[i + 1]!];
    if (a._shape[1] !== b._shape[0]) {
      throw new Error(`${op}(): tensors ${i} and ${i + 1} with shapes [${a._shape.join(', ')}] and [${b._shape.join(', ')}] cannot be multiplied`);
    }
  }
  const out_shape = [...(first.ndim === 2 ? [first._shape[0]!] : []), ...(last.ndim === 2 ? [last._shape[1]!] : [])];
  // the cheapest parenthesisation (the classic matrix-chain dynamic programme)
  const dims = [mats[0]!._shape[0]!, ...mats.map((m) => m._shape[1]!)];
  const cost: number[][] = mats.map(() => mats.map(() => 0));
  const split: number[][] = mats.map(() => mats.map(() => 0));
  for (let len = 1; len < n; len++) {
    for (let i = 0; i + len < n; i++) {
      const j = i + len;
      cost[i]![j] = Infinity;
      for (let k = i; k < j; k++) {
        const c = cost[i]![k]! + cost[k + 1]![j]! + dims[i]! * dims[k + 1]! * dims[j + 1]!;
        if (c < cost[i]![j]!) {
          cost[i]![j] = c;
          split[i]![j] = k;
        }
      }
    }
  }
  const product = (i: number, j: number): Tensor => (i === j ? mats[i]! : mm(product(i, split[i]![j]!), product(split[i]![j]! + 1, j)));
  return view(product(0, n - 1), out_shape);
}

const VECDOT = signature<{ x: Tensor; y: Tensor; dim: number }>('linalg_vecdot(Tensor x, Tensor y, *, int dim=-1, Tensor? out=None)');

/**
 * The dot product of `x` and `y` along `dim`, other dims broadcast: `(x * y).sum(dim)` for real tensors.
 *
 * @example
 * torch.linalg.vecdot(a, b); // shape a.shape[:-1]
 */
export function linalg_vecdot(...args: PyArgs<[x: Tensor, y: Tensor], { x?: Tensor; y?: Tensor; dim?: number }>): Tensor {
  if (tracing) return trace_op('aten::linalg_vecdot', linalg_vecdot, args, VECDOT);
  const a = VECDOT.parse(args);
  return sum_dims(mul(a.x, a.y), [a.dim], false);
}

const DIAGONAL = signature<{ A: Tensor; offset: number; dim1: number; dim2: number }>('linalg_diagonal(Tensor A, *, int offset=0, int dim1=-2, int dim2=-1)');
/**
 * `torch.linalg.diagonal(A, *, offset=0, dim1=-2, dim2=-1)`: `torch.diagonal` with the matrix dims last by default.
 *
 * @example
 * torch.linalg.diagonal(torch.eye(3)); // [1, 1, 1]
 */
export function linalg_diagonal(...args: PyArgs<[A: Tensor], { A?: Tensor; offset?: number; dim1?: number; dim2?: number }>): Tensor {
  const a = DIAGONAL.parse(args);
  return diagonal(a.A, a.offset, a.dim1, a.dim2);
}

const MATMUL = signature<{ input: Tensor; other: Tensor }>('linalg_matmul(Tensor input, Tensor other, *, Tensor? out=None)');
/**
 * `torch.linalg.matmul`: {@link matmul} under the linalg name.
 *
 * @example
 * torch.linalg.matmul(A, B);
 */
export function linalg_matmul(...args: PyArgs<[input: Tensor, other: Tensor], { input?: Tensor; other?: Tensor }>): Tensor {
  if (args.length === 2 && args[0] instanceof Tensor && args[1] instanceof Tensor) return matmul(args[0], args[1]);
  const a = MATMUL.parse(args);
  return matmul(a.input, a.other);
}
