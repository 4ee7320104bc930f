// torch.linalg's LU and Cholesky family: det, slogdet, inv, solve, cholesky, solve_triangular (and torch.det,
// torch.inverse, torch.logdet, torch.cholesky), each with PyTorch's node name and its derivative.
import { Matrix } from 'ml-matrix';
import { trace_op, tracing } from '../jit/tracer.js';
import { warn } from '../autograd/messages.js';
import { broadcast_shapes } from '../shape.js';
import { signature, type PyArgs } from '../signature.js';
import { Tensor } from '../tensor.js';
import { add, mul, ne, neg, sub, where, eq, to_dtype } from './arithmetic.js';
import { matmul } from './linalg.js';
import { named_result } from './named_tuple.js';
import { record, scalar_tensor } from './record.js';
import { sum_to } from './reduce.js';
import { tril, triu } from './triangular.js';
import { expand, transpose, unsqueeze } from './view.js';
import { diagonal, diag_embed } from './dim_views.js';
import {
  batch_prefix, check_matrix, cholesky as cholesky_factor, determinant, LinAlgError, lu_solve, read_batch,
  write_batch, write_scalars,
} from './lapack.js';

/** The last two dims swapped (PyTorch's `A.mT`). */
export const mT = (x: Tensor): Tensor => transpose(x, -2, -1);
/** `x` with two trailing size-1 dims, to scale a batch of matrices by per-matrix numbers. */
const per_matrix = (x: Tensor): Tensor => unsqueeze(unsqueeze(x, -1), -1);

const DET = signature<{ A: Tensor }>('linalg_det(Tensor A, *, Tensor? out=None)');
const TORCH_DET = signature<{ input: Tensor }>('det(Tensor input)');

/**
 * The determinant of each square matrix of `A` (`(*, n, n)` → `(*)`; LinalgDetBackward0). `torch.det` is the same.
 *
 * @example
 * torch.linalg.det(torch.tensor([[1, 2], [3, 4]], { dtype: torch.float64 })); // -2
 */
export function linalg_det(...args: PyArgs<[A: Tensor], { A?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::linalg_det', linalg_det, args, DET);
  return det_of(DET.parse(args).A);
}
/**
 * {@link linalg_det} under `torch.det`'s name (`input`).
 *
 * @example
 * torch.det(torch.eye(3)); // 1
 */
export function det(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::det', det, args, TORCH_DET);
  return det_of(TORCH_DET.parse(args).input);
}

function det_of(a: Tensor): Tensor {
  check_matrix('linalg.det', a, { square: true });
  const { batch, mats } = read_batch(a);
  const out = write_scalars(batch, mats.map(determinant), a._dtype);
  record('LinalgDetBackward0', [a], [out], (ctx, [g]) => {
    const [x, d] = ctx.saved_tensors;
    return [det_backward(g!, x!, d!)];
  }, [a, out], ['A', 'result']);
  return out;
}

/**
 * d det / dA = det · A⁻ᵀ, built from `inv` so that it differentiates again. As in PyTorch, an exactly singular
 * matrix (det 0) gets a zero gradient (its LU solve of det · I).
 */
function det_backward(g: Tensor, a: Tensor, d: Tensor): Tensor {
  const inv_t = mT(inv_unchecked(a));
  return mul(per_matrix(mul(g, d)), where(ne(inv_t, inv_t), 0, inv_t));
}

const SLOGDET = signature<{ A: Tensor }>('linalg_slogdet(Tensor A, *, Tensor? out=None)');
const TORCH_SLOGDET = signature<{ input: Tensor }>('slogdet(Tensor input)');
const LOGDET = signature<{ input: Tensor }>('logdet(Tensor input)');

/** `torch.linalg.slogdet`'s result: the sign of each determinant and the log of its absolute value. */
export interface SlogdetResult extends Array<Tensor> {
  /** The sign of each determinant (1, -1, or 0 for a singular matrix). */
  readonly sign: Tensor;
  /** log |det| of each matrix (-inf for a singular one). */
  readonly logabsdet: Tensor;
}

/**
 * The sign and log |det| of each square matrix (LinalgSlogdetBackward0, gradient through `logabsdet` only);
 * `torch.slogdet` is the same under the result name `slogdet`.
 *
 * @example
 * const { sign, logabsdet } = torch.linalg.slogdet(A);
 */
export function linalg_slogdet(...args: PyArgs<[A: Tensor], { A?: Tensor }>): SlogdetResult {
  if (tracing) return trace_op('aten::linalg_slogdet', linalg_slogdet, args, SLOGDET);
  return slogdet_of(SLOGDET.parse(args).A, 'linalg_slogdet');
}
/**
 * {@link linalg_slogdet} under `torch.slogdet`'s names.
 *
 * @example
 * const [sign, logabsdet] = torch.slogdet(A);
 */
export function slogdet(...args: PyArgs<[input: Tensor], { input?: Tensor }>): SlogdetResult {
  if (tracing) return trace_op('aten::slogdet', slogdet, args, TORCH_SLOGDET);
  return slogdet_of(TORCH_SLOGDET.parse(args).input, 'slogdet');
}

function slogdet_of(a: Tensor, op: string): SlogdetResult {
  check_matrix('linalg.slogdet', a, { square: true });
  const { batch, mats } = read_batch(a);
  const dets = mats.map(determinant);
  const sign = write_scalars(batch, dets.map(Math.sign), a._dtype);
  const logabs = write_scalars(batch, dets.map((v) => Math.log(Math.abs(v))), a._dtype);
  record('LinalgSlogdetBackward0', [a], [sign, logabs], (ctx, [, g]) => {
    const [x] = ctx.saved_tensors;
    return [g === null ? null : mul(per_matrix(g!), mT(inv_unchecked(x!)))];
  }, [a], ['A']);
  return named_result<SlogdetResult>(op, ['sign', 'logabsdet'], [sign, logabs]);
}

/**
 * log det(A) for each square matrix: NaN where the determinant is negative, -inf where it is 0 (composed as
 * PyTorch composes it, ending in WhereBackward0).
 *
 * @example
 * torch.logdet(torch.eye(2).mul(2)); // log 4
 */
export function logdet(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::logdet', logdet, args, LOGDET);
  const a = LOGDET.parse(args).input;
  const [sign, logabs] = slogdet_of(a, 'slogdet');
  return where(eq(sign!, -1), scalar_tensor(NaN, a._dtype), logabs!);
}

const INV = signature<{ A: Tensor }>('linalg_inv(Tensor A, *, Tensor? out=None)');
const INVERSE = signature<{ input: Tensor }>('inverse(Tensor input, *, Tensor? out=None)');
const INV_EX = signature<{ A: Tensor; check_errors: boolean }>('linalg_inv_ex(Tensor A, *, bool check_errors=False)');

/**
 * The inverse of each square matrix (LinalgInvExBackward0); a singular one raises LinalgError as PyTorch does.
 * `torch.inverse` is the same.
 *
 * @example
 * torch.linalg.inv(torch.tensor([[2, 0], [0, 4]], { dtype: torch.float32 })); // [[0.5, 0], [0, 0.25]]
 */
export function linalg_inv(...args: PyArgs<[A: Tensor], { A?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::linalg_inv', linalg_inv, args, INV);
  return inv_of(INV.parse(args).A, true)[0];
}
/**
 * {@link linalg_inv} under `torch.inverse`'s name.
 *
 * @example
 * A.inverse().matmul(A); // the identity
 */
export function inverse(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::inverse', inverse, args, INVERSE);
  return inv_of(INVERSE.parse(args).input, true)[0];
}

/** `torch.linalg.inv_ex`'s result: the inverse and LAPACK's `info` (int64 here: tsgrad has no int32) per matrix (0: success). */
export interface InvExResult extends Array<Tensor> {
  /** The inverses (NaN where a matrix is singular). */
  readonly inverse: Tensor;
  /** Per matrix: 0, or the 1-based index of the zero pivot that made it singular. */
  readonly info: Tensor;
}
/**
 * The inverse without raising on singular matrices: `info` says which failed (their inverse is NaN).
 *
 * @example
 * const { inverse, info } = torch.linalg.inv_ex(A);
 */
export function linalg_inv_ex(...args: PyArgs<[A: Tensor], { A?: Tensor; check_errors?: boolean }>): InvExResult {
  if (tracing) return trace_op('aten::linalg_inv_ex', linalg_inv_ex, args, INV_EX);
  const a = INV_EX.parse(args);
  const [inverse_, info] = inv_of(a.A, a.check_errors);
  return named_result<InvExResult>('linalg_inv_ex', ['inverse', 'info'], [inverse_, info]);
}

/** The inverse, for backward rules: singular matrices give NaN instead of an error. */
function inv_unchecked(a: Tensor): Tensor {
  return inv_of(a, false)[0];
}

function inv_of(a: Tensor, check: boolean): [Tensor, Tensor] {
  check_matrix('linalg.inv', a, { square: true });
  const { batch, rows, mats } = read_batch(a);
  const eye = Matrix.eye(rows, rows);
  const solved = mats.map((m) => lu_solve(m, eye));
  if (check) {
    const bad = solved.findIndex((s) => s.info > 0);
    if (bad >= 0) throw new LinAlgError(`linalg.inv: ${batch_prefix(batch, bad)}The diagonal element ${solved[bad]!.info} is zero, the inversion could not be completed because the input matrix is singular.`);
  }
  const out = write_batch(batch, rows, rows, solved.map((s) => s.x), a._dtype);
  const info = write_scalars(batch, solved.map((s) => s.info), 'int64');
  record('LinalgInvExBackward0', [a], [out], (ctx, [g]) => {
    const [r] = ctx.saved_tensors;
    const rt = mT(r!);
    return [neg(matmul(rt, matmul(g!, rt)))];
  }, [out], ['result']);
  return [out, info];
}

interface SolveParsed { A: Tensor; B: Tensor; left: boolean; check_errors?: boolean }
const SOLVE = signature<SolveParsed>('linalg_solve(Tensor A, Tensor B, *, bool left=True, Tensor? out=None)');
const SOLVE_EX = signature<SolveParsed>('linalg_solve_ex(Tensor A, Tensor B, *, bool left=True, bool check_errors=False)');

/**
 * The solution X of `A X = B` (with `left: false`, of `X A = B`) for each square matrix of A, batch dims
 * broadcast (LinalgSolveExBackward0). B may be a vector (`(n,)`, or `(*, n)` with A's batch dims).
 *
 * @example
 * torch.linalg.solve(A, b); // as torch.linalg.inv(A) @ b, but better conditioned
 */
export function linalg_solve(...args: PyArgs<[A: Tensor, B: Tensor], { A?: Tensor; B?: Tensor; left?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::linalg_solve', linalg_solve, args, SOLVE);
  const a = SOLVE.parse(args);
  return solve_of(a.A, a.B, a.left, true)[0];
}
/** `torch.linalg.solve_ex`'s result: the solution and LAPACK's `info` (int64 here: tsgrad has no int32) per matrix. */
export interface SolveExResult extends Array<Tensor> {
  /** The solutions (NaN where A is singular). */
  readonly result: Tensor;
  /** Per matrix: 0, or the 1-based index of the zero pivot. */
  readonly info: Tensor;
}
/**
 * {@link linalg_solve} without raising on singular matrices (their solution is NaN; `info` > 0).
 *
 * @example
 * const { result, info } = torch.linalg.solve_ex(A, B);
 */
export function linalg_solve_ex(...args: PyArgs<[A: Tensor, B: Tensor], { A?: Tensor; B?: Tensor; left?: boolean; check_errors?: boolean }>): SolveExResult {
  if (tracing) return trace_op('aten::linalg_solve_ex', linalg_solve_ex, args, SOLVE_EX);
  const a = SOLVE_EX.parse(args);
  const [x, info] = solve_of(a.A, a.B, a.left, a.check_errors === true);
  return named_result<SolveExResult>('linalg_solve_ex', ['result', 'info'], [x, info]);
}

function solve_of(A: Tensor, B: Tensor, left: boolean, check: boolean): [Tensor, Tensor] {
  check_matrix('linalg.solve', A, { square: true });
  if (B._dtype !== A._dtype) throw new Error(`linalg.solve: Expected A and B to have the same dtype, but found A of type ${A.dtype} and B of type ${B.dtype} instead`);
  const n = A._shape[A.ndim - 1]!;
  // a vector B: (n,), or (*, n) with exactly A's batch dims
  const vector = B.ndim === 1 || (left && B.ndim === A.ndim - 1 && B._shape.join() === A._shape.slice(0, -1).join());
  const Bm = vector ? unsqueeze(B, -1) : B;
  if (Bm.ndim < 2) throw new Error('linalg.solve: The input tensor B must have at least 2 dimensions.');
  const [br, bc] = [Bm._shape[Bm.ndim - 2]!, Bm._shape[Bm.ndim - 1]!];
  if ((left ? br : bc) !== n) {
    const shape = left ? `${n}x${n} and ${br}x${bc}` : `${br}x${bc} and ${n}x${n}`;
    throw new Error(`linalg.solve: Incompatible shapes of A and B for the equation ${left ? 'AX = B' : 'XA = B'} (${shape})`);
  }
  const batch = broadcast_shapes(A._shape.slice(0, -2), Bm._shape.slice(0, -2));
  const As = read_batch(expand(A, [...batch, n, n]));
  const Bs = read_batch(expand(Bm, [...batch, br, bc]));
  // X A = B is Aᵀ Xᵀ = Bᵀ
  const solved = As.mats.map((m, i) => (left ? lu_solve(m, Bs.mats[i]!) : lu_solve(m.transpose(), Bs.mats[i]!.transpose())));
  if (check) {
    const bad = solved.findIndex((s) => s.info > 0);
    if (bad >= 0) throw new LinAlgError(`torch.linalg.solve: ${batch_prefix(batch, bad)}The solver failed because the input matrix is singular.`);
  }
  const xm = write_batch(batch, br, bc, solved.map((s) => (left ? s.x : s.x.transpose())), A._dtype);
  const info = write_scalars(batch, solved.map((s) => s.info), 'int64');
  // a vector B gives a vector X, recorded as one node (B and X as vectors, as PyTorch)
  const x = vector ? new Tensor(xm._storage, xm._shape.slice(0, -1), xm._dtype) : xm;
  record('LinalgSolveExBackward0', [A, B], [x], (ctx, [g]) => {
    const [a, xs] = ctx.saved_tensors;
    const [gm, xmat] = vector ? [unsqueeze(g!, -1), unsqueeze(xs!, -1)] : [g!, xs!];
    const gB = solve_of(mT(a!), gm, left, false)[0];
    const gA = ctx.needs_input_grad(0) ? neg(left ? matmul(gB, mT(xmat)) : matmul(mT(xmat), gB)) : null;
    const gB_out = sum_to(gB, Bm._shape);
    return [gA === null ? null : sum_to(gA, A._shape), vector ? gB_out.reshape(B._shape) : gB_out];
  }, [A, x], ['A', 'result']);
  return [x, info];
}

interface CholeskyParsed { input: Tensor; upper: boolean; check_errors?: boolean }
const CHOLESKY = signature<CholeskyParsed>('linalg_cholesky(Tensor input, *, bool upper=False, Tensor? out=None)');
const CHOLESKY_EX = signature<CholeskyParsed>('linalg_cholesky_ex(Tensor input, *, bool upper=False, bool check_errors=False)');
const TORCH_CHOLESKY = signature<{ input: Tensor; upper: boolean }>('cholesky(Tensor input, bool upper=False, *, Tensor? out=None)');

/**
 * The Cholesky factor L (lower; `upper: true` gives Lᵀ) of each symmetric positive-definite matrix, read from
 * its lower triangle as LAPACK reads it (LinalgCholeskyExBackward0).
 *
 * @example
 * torch.linalg.cholesky(torch.tensor([[4, 2], [2, 3]], { dtype: torch.float64 })); // [[2, 0], [1, 1.4142]]
 */
export function linalg_cholesky(...args: PyArgs<[input: Tensor], { input?: Tensor; upper?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::linalg_cholesky', linalg_cholesky, args, CHOLESKY);
  const a = CHOLESKY.parse(args);
  return cholesky_of(a.input, a.upper, true, 'LinalgCholeskyExBackward0')[0];
}
/** `torch.linalg.cholesky_ex`'s result: the factor and LAPACK's `info` (int64 here: tsgrad has no int32) per matrix. */
export interface CholeskyExResult extends Array<Tensor> {
  /** The Cholesky factors (lower, or upper with `upper: true`). */
  readonly L: Tensor;
  /** Per matrix: 0, or the order of the first leading minor that is not positive-definite. */
  readonly info: Tensor;
}
/**
 * {@link linalg_cholesky} without raising: `info` is the order of the first leading minor that is not
 * positive-definite.
 *
 * @example
 * const { L, info } = torch.linalg.cholesky_ex(A);
 */
export function linalg_cholesky_ex(...args: PyArgs<[input: Tensor], { input?: Tensor; upper?: boolean; check_errors?: boolean }>): CholeskyExResult {
  if (tracing) return trace_op('aten::linalg_cholesky_ex', linalg_cholesky_ex, args, CHOLESKY_EX);
  const a = CHOLESKY_EX.parse(args);
  const [l, info] = cholesky_of(a.input, a.upper, a.check_errors === true, 'LinalgCholeskyExBackward0');
  return named_result<CholeskyExResult>('linalg_cholesky_ex', ['L', 'info'], [l, info]);
}
let cholesky_warned = false;
/**
 * The deprecated `torch.cholesky(input, upper=False)` (CholeskyBackward0), with PyTorch's warning once.
 *
 * @example
 * torch.cholesky(A); // as torch.linalg.cholesky(A)
 */
export function cholesky(...args: PyArgs<[input: Tensor, upper: boolean], { input?: Tensor; upper?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::cholesky', cholesky, args, TORCH_CHOLESKY);
  const a = TORCH_CHOLESKY.parse(args);
  if (!cholesky_warned) {
    cholesky_warned = true;
    warn('torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future PyTorch release.\n'
      + 'L = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\n'
      + 'should be replaced with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce equivalent results for all valid (symmetric positive definite) inputs.');
  }
  return cholesky_of(a.input, a.upper, true, 'CholeskyBackward0')[0];
}

function cholesky_of(a: Tensor, upper: boolean, check: boolean, node: string): [Tensor, Tensor] {
  check_matrix('linalg.cholesky', a, { square: true });
  const { batch, rows, mats } = read_batch(a);
  const f = mats.map(cholesky_factor);
  if (check) {
    const bad = f.findIndex((s) => s.info > 0);
    if (bad >= 0) {
      throw new LinAlgError(`linalg.cholesky: ${batch_prefix(batch, bad)}The factorization could not be completed because the input is not positive-definite (the leading minor of order ${f[bad]!.info} is not positive-definite).`);
    }
  }
  const l = write_batch(batch, rows, rows, f.map((s) => (upper ? s.l.transpose() : s.l)), a._dtype);
  const info = write_scalars(batch, f.map((s) => s.info), 'int64');
  record(node, [a], [l], (ctx, [g]) => {
    const [r] = ctx.saved_tensors;
    const L = upper ? mT(r!) : r!;
    return [cholesky_backward(upper ? mT(g!) : g!, L)];
  }, [l], ['result']);
  return [l, info];
}

/**
 * With A = L Lᵀ, dL = L Φ(L⁻¹ dA L⁻ᵀ) where Φ keeps the lower triangle and halves the diagonal; its adjoint
 * L⁻ᵀ Φ(Lᵀ gL) L⁻¹, symmetrized (A's gradient as a symmetric matrix).
 */
function cholesky_backward(gL: Tensor, L: Tensor): Tensor {
  const phi = (x: Tensor): Tensor => sub(tril(x), mul(diag_embed(diagonal(x, 0, -2, -1), 0, -2, -1), 0.5));
  const l_inv = inv_unchecked(L);
  const inner = matmul(mT(l_inv), matmul(phi(matmul(mT(L), gL)), l_inv));
  return mul(add(inner, mT(inner)), 0.5);
}

interface TriangularParsed { A: Tensor; B: Tensor; upper: boolean; left: boolean; unitriangular: boolean }
const SOLVE_TRIANGULAR = signature<TriangularParsed>('linalg_solve_triangular(Tensor input, Tensor B, *, bool upper, bool left=True, bool unitriangular=False, Tensor? out=None)');

/**
 * The solution X of `A X = B` (`left: false`: `X A = B`) for triangular A, reading only its `upper` or lower
 * triangle (and a unit diagonal with `unitriangular`); batch dims broadcast (LinalgSolveTriangularBackward0).
 *
 * @example
 * torch.linalg.solve_triangular(L, B, { upper: false });
 */
export function linalg_solve_triangular(...args: PyArgs<[input: Tensor, B: Tensor], { input?: Tensor; B?: Tensor; upper?: boolean; left?: boolean; unitriangular?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::linalg_solve_triangular', linalg_solve_triangular, args, SOLVE_TRIANGULAR);
  const p = SOLVE_TRIANGULAR.parse(args) as unknown as TriangularParsed & { input: Tensor };
  return solve_triangular_of(p.input, p.B, p.upper, p.left, p.unitriangular);
}

function solve_triangular_of(A: Tensor, B: Tensor, upper: boolean, left: boolean, unit: boolean): Tensor {
  check_matrix('linalg.solve_triangular', A, { square: true });
  if (B.ndim < 2) throw new Error('linalg.solve_triangular: The input tensor B must have at least 2 dimensions.');
  const n = A._shape[A.ndim - 1]!;
  const [br, bc] = [B._shape[B.ndim - 2]!, B._shape[B.ndim - 1]!];
  if ((left ? br : bc) !== n) {
    const shape = left ? `${n}x${n} and ${br}x${bc}` : `${br}x${bc} and ${n}x${n}`;
    throw new Error(`linalg.solve_triangular: Incompatible shapes of A and B for the equation ${left ? 'AX = B' : 'XA = B'} (${shape})`);
  }
  // only the triangle is read: the rest of A is taken as zero, its diagonal as one with unitriangular
  const tri = (x: Tensor): Tensor => {
    const t = upper ? triu(x) : tril(x);
    if (!unit) return t;
    const d = diagonal(t, 0, -2, -1);
    return add(sub(t, diag_embed(d, 0, -2, -1)), diag_embed(to_dtype(eq(d, d), t._dtype), 0, -2, -1));
  };
  const At = tri(A.detach());
  const batch = broadcast_shapes(A._shape.slice(0, -2), B._shape.slice(0, -2));
  const As = read_batch(expand(At, [...batch, n, n]));
  const Bs = read_batch(expand(B, [...batch, br, bc]));
  const solved = As.mats.map((m, i) => (left ? lu_solve(m, Bs.mats[i]!).x : lu_solve(m.transpose(), Bs.mats[i]!.transpose()).x.transpose()));
  const x = write_batch(batch, br, bc, solved, A._dtype);
  record('LinalgSolveTriangularBackward0', [A, B], [x], (ctx, [g]) => {
    const [a, r] = ctx.saved_tensors;
    const gB = solve_triangular_of(mT(a!), g!, !upper, left, unit);
    let gA: Tensor | null = null;
    if (ctx.needs_input_grad(0)) {
      const full = neg(left ? matmul(gB, mT(r!)) : matmul(mT(r!), gB));
      const t = upper ? triu(full, unit ? 1 : 0) : tril(full, unit ? -1 : 0);
      gA = sum_to(t, A._shape);
    }
    return [gA, ctx.needs_input_grad(1) ? sum_to(gB, B._shape) : null];
  }, [A, x], ['self', 'result']);
  return x;
}

export { LinAlgError };
