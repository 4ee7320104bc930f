// torch.linalg's orthogonal and spectral family: qr, eigh, svd and what is built on the SVD (pinv, matrix_rank,
// lstsq, cond), matrix_exp; torch.qr / torch.svd / torch.pinverse; each with PyTorch's node name and derivative.
import { Matrix } from 'ml-matrix';
import { trace_op, tracing } from '../jit/tracer.js';
import { warn } from '../autograd/messages.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { scalar_type_name, type DType } from '../dtype.js';
import { overloads, signature, type PyArgs } from '../signature.js';
import { Tensor } from '../tensor.js';
import { add, div, mul, neg, sub } from './arithmetic.js';
import { matmul } from './linalg.js';
import { named_result } from './named_tuple.js';
import { empty, record } from './record.js';
import { sum_dims } from './reduce.js';
import { reciprocal } from './unary.js';
import { diag_embed } from './dim_views.js';
import { cat, contiguous, narrow, unsqueeze } from './view.js';
import { tril } from './triangular.js';
import { linalg_solve_triangular, mT } from './linalg_factor.js';
import {
  check_matrix, complete_basis, eigh as eigh_factor, qr as qr_factor, read_batch, svd as svd_factor, write_batch,
  write_scalars, write_vectors,
} from './lapack.js';

/** A batch of identity matrices shaped like `x`'s last two dims (`n × n`). */
function eye_like(n: number, batch: readonly number[], dtype: DType): Tensor {
  return write_batch(batch, n, n, batch.length === 0 ? [Matrix.eye(n, n)] : Array.from({ length: batch.reduce((p, d) => p * d, 1) }, () => Matrix.eye(n, n)), dtype);
}
/** `x` with a trailing size-1 dim / a size-1 dim before the last (a vector as a column / as a row). */
const col = (x: Tensor): Tensor => unsqueeze(x, -1);
const row = (x: Tensor): Tensor => unsqueeze(x, -2);

// ---------------------------------------------------------------------------------------------------- QR

/** `torch.linalg.qr`'s result. */
export interface QrResult extends Array<Tensor> {
  /** The factor with orthonormal columns (empty in mode 'r'). */
  readonly Q: Tensor;
  /** The upper-triangular (trapezoidal) factor. */
  readonly R: Tensor;
}
const QR = signature<{ A: Tensor; mode: string }>("linalg_qr(Tensor A, str mode='reduced', *, Tensor? out=None)");
const TORCH_QR = signature<{ input: Tensor; some: boolean }>('qr(Tensor input, bool some=True, *, Tensor? out=None)');

/**
 * The QR decomposition A = QR of each matrix (LinalgQrBackward0): `mode` 'reduced' (Q `m × k`, R `k × n`,
 * k = min(m, n)), 'complete' (Q `m × m`) or 'r' (R only, Q empty, not differentiable). R's diagonal has LAPACK's
 * signs, so Q and R equal PyTorch's.
 *
 * @example
 * const { Q, R } = torch.linalg.qr(A);
 */
export function linalg_qr(...args: PyArgs<[A: Tensor, mode: string], { A?: Tensor; mode?: string }>): QrResult {
  if (tracing) return trace_op('aten::linalg_qr', linalg_qr, args, QR);
  const a = QR.parse(args);
  return qr_of(a.A, a.mode, 'linalg_qr');
}
let qr_warned = false;
/**
 * The deprecated `torch.qr(input, some=True)`: `some: false` is mode 'complete'.
 *
 * @example
 * const [Q, R] = torch.qr(A);
 */
export function qr(...args: PyArgs<[input: Tensor, some: boolean], { input?: Tensor; some?: boolean }>): QrResult {
  if (tracing) return trace_op('aten::qr', qr, args, TORCH_QR);
  const a = TORCH_QR.parse(args);
  if (!qr_warned) {
    qr_warned = true;
    warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\n"
      + "Q, R = torch.qr(A, some)\nshould be replaced with\nQ, R = torch.linalg.qr(A, 'reduced' if some else 'complete')");
  }
  return qr_of(a.input, a.some ? 'reduced' : 'complete', 'qr');
}

function qr_of(A: Tensor, mode: string, op: string): QrResult {
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') throw new Error(`qr received unrecognized mode '${mode}' but expected one of 'reduced' (default), 'r', or 'complete'`);
  check_matrix('linalg.qr', A);
  const { batch, rows, cols, mats } = read_batch(A);
  const f = mats.map((m) => qr_factor(m, mode === 'complete'));
  const k = Math.min(rows, cols);
  const qcols = mode === 'complete' ? rows : k;
  const rrows = mode === 'complete' ? rows : k;
  const Q = mode === 'r' ? empty([0], A._dtype) : write_batch(batch, rows, qcols, f.map((x) => x.q), A._dtype);
  const R = write_batch(batch, rrows, cols, f.map((x) => x.r), A._dtype);
  record('LinalgQrBackward0', [A], [Q, R], (ctx, [gQ, gR]) => {
    if (mode === 'r') throw new Error("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.");
    if (mode === 'complete' && rows > cols) throw new Error("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
    const [a, q, r] = ctx.saved_tensors;
    return [qr_backward(gQ, gR, a!, q!, r!)];
  }, [A, Q, R], ['A', 'Q', 'R']);
  return named_result<QrResult>(op, ['Q', 'R'], [Q, R]);
}

/**
 * A = QR, rows ≥ cols: with X = Qᵀ dA R⁻¹, Qᵀ dQ = tril(X, -1) - tril(X, -1)ᵀ and dR = (X - Qᵀ dQ) R, so
 * gA = (Q [gR Rᵀ + tril(N - Nᵀ, -1)] + (I - QQᵀ) gQ) R⁻ᵀ with N = Qᵀ gQ - gR Rᵀ. Wide matrices A = [X | Y]
 * factor X = QU and Y = QV: Y's part flows back as Q gV, and into X's factorization as gQ + Y gVᵀ.
 */
function qr_backward(gQ: Tensor | null, gR: Tensor | null, A: Tensor, Q: Tensor, R: Tensor): Tensor {
  const [m, n] = [A._shape[A.ndim - 2]!, A._shape[A.ndim - 1]!];
  if (m < n) {
    const Y = narrow(A, -1, m, n - m);
    const U = narrow(R, -1, 0, m);
    const gU = gR === null ? null : narrow(gR, -1, 0, m);
    const gV = gR === null ? null : narrow(gR, -1, m, n - m);
    const gQ2 = gV === null ? gQ : gQ === null ? matmul(Y, mT(gV)) : add(gQ, matmul(Y, mT(gV)));
    const gX = qr_backward_tall(gQ2, gU, Q, U);
    const gY = gV === null ? mul(Y, 0) : matmul(Q, gV);
    return cat([gX, gY], -1);
  }
  return qr_backward_tall(gQ, gR, Q, R);
}

function qr_backward_tall(gQ: Tensor | null, gR: Tensor | null, Q: Tensor, R: Tensor): Tensor {
  const gRRt = gR === null ? null : matmul(gR, mT(R));
  const QtgQ = gQ === null ? null : matmul(mT(Q), gQ);
  const N = QtgQ === null ? neg(gRRt!) : gRRt === null ? QtgQ : sub(QtgQ, gRRt);
  let inner = tril(sub(N, mT(N)), -1);
  if (gRRt !== null) inner = add(inner, gRRt);
  let pre = matmul(Q, inner);
  if (gQ !== null) pre = add(pre, sub(gQ, matmul(Q, QtgQ!)));
  // pre R⁻ᵀ: solve Z Rᵀ = pre, Rᵀ lower triangular
  return linalg_solve_triangular(mT(R), pre, { upper: false, left: false });
}

// ------------------------------------------------------------------------------------------------ eigh

/** `torch.linalg.eigh`'s result. */
export interface EighResult extends Array<Tensor> {
  /** The eigenvalues of each matrix, ascending. */
  readonly eigenvalues: Tensor;
  /** The orthonormal eigenvectors, as columns, in the eigenvalues' order. */
  readonly eigenvectors: Tensor;
}
const EIGH = signature<{ input: Tensor; UPLO: string }>("linalg_eigh(Tensor input, str UPLO='L', *, Tensor? out=None)");
const EIGVALSH = signature<{ input: Tensor; UPLO: string }>("linalg_eigvalsh(Tensor input, str UPLO='L', *, Tensor? out=None)");

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors (columns) of each symmetric matrix, read from its lower
 * (`UPLO` 'L') or upper triangle (LinalgEighBackward0). Each eigenvector's sign is arbitrary, as in PyTorch.
 *
 * @example
 * const { eigenvalues, eigenvectors } = torch.linalg.eigh(A);
 */
export function linalg_eigh(...args: PyArgs<[input: Tensor, UPLO: string], { input?: Tensor; UPLO?: string }>): EighResult {
  if (tracing) return trace_op('aten::linalg_eigh', linalg_eigh, args, EIGH);
  const a = EIGH.parse(args);
  const [values, vectors] = eigh_of(a.input, a.UPLO, 'linalg.eigh', true);
  return named_result<EighResult>('linalg_eigh', ['eigenvalues', 'eigenvectors'], [values, vectors]);
}
/**
 * The eigenvalues alone of {@link linalg_eigh} (ascending).
 *
 * @example
 * torch.linalg.eigvalsh(torch.diag(torch.tensor([3.0, 1.0]))); // [1, 3]
 */
export function linalg_eigvalsh(...args: PyArgs<[input: Tensor, UPLO: string], { input?: Tensor; UPLO?: string }>): Tensor {
  if (tracing) return trace_op('aten::linalg_eigvalsh', linalg_eigvalsh, args, EIGVALSH);
  const a = EIGVALSH.parse(args);
  return eigh_of(a.input, a.UPLO, 'linalg.eigvalsh', false)[0];
}

function eigh_of(A: Tensor, uplo: string, op: string, want_vectors: boolean): [Tensor, Tensor] {
  if (uplo !== 'L' && uplo !== 'U' && uplo !== 'l' && uplo !== 'u') throw new Error(`Expected UPLO argument to be 'L' or 'U', but got ${uplo}`);
  check_matrix(op, A, { square: true });
  const { batch, rows, mats } = read_batch(A);
  const f = mats.map((m) => eigh_factor(m, uplo.toUpperCase() as 'L' | 'U'));
  const L = write_vectors(batch, rows, f.map((x) => x.values), A._dtype);
  const V = write_batch(batch, rows, rows, f.map((x) => x.vectors), A._dtype);
  record('LinalgEighBackward0', [A], want_vectors ? [L, V] : [L], (ctx, [gL, gV]) => {
    const [l, v0, a] = ctx.saved_tensors;
    // eigvalsh's vectors were not an output: for a differentiable backward, take them again from A, with a graph
    const v = want_vectors || !is_grad_enabled() ? v0 : eigh_of(a!, uplo, op, true)[1];
    return [eigh_backward(gL!, gV ?? null, l!, v!)];
  }, [L, V, ...(want_vectors ? [] : [A])], ['eigenvalues', 'eigenvectors']);
  return [L, V];
}

/**
 * A = V diag(λ) Vᵀ: dλ = diag(Vᵀ dA V) and dV = V (F ∘ Vᵀ dA V), F_ij = 1 / (λ_j - λ_i) off the diagonal, so
 * gA = V (diag(gλ) + F ∘ skew(Vᵀ gV)) Vᵀ, symmetric (skew(M) = (M - Mᵀ) / 2).
 */
function eigh_backward(gL: Tensor | null, gV: Tensor | null, L: Tensor, V: Tensor): Tensor {
  let inner: Tensor | null = gL === null ? null : diag_embed(gL, 0, -2, -1);
  if (gV !== null) {
    const M = matmul(mT(V), gV);
    const skew = mul(sub(M, mT(M)), 0.5);
    const gaps = sub(row(L), col(L)); // λ_j - λ_i
    const off = div(skew, add(gaps, diag_embed(add(mul(L, 0), 1), 0, -2, -1)));
    inner = inner === null ? off : add(inner, off);
  }
  return matmul(V, matmul(inner ?? mul(V, 0), mT(V)));
}

// ------------------------------------------------------------------------------------------------- SVD

/** `torch.linalg.svd`'s result: A = U diag(S) Vh. */
export interface SvdResult extends Array<Tensor> {
  /** The left singular vectors, as columns. */
  readonly U: Tensor;
  /** The singular values, descending. */
  readonly S: Tensor;
  /** The right singular vectors, as rows. */
  readonly Vh: Tensor;
}
/** `torch.svd`'s result: A = U diag(S) Vᵀ (V, not Vh). */
export interface TorchSvdResult extends Array<Tensor> {
  /** The left singular vectors, as columns (zeros without `compute_uv`). */
  readonly U: Tensor;
  /** The singular values, descending. */
  readonly S: Tensor;
  /** The right singular vectors, as columns (zeros without `compute_uv`). */
  readonly V: Tensor;
}
const SVD = signature<{ A: Tensor; full_matrices: boolean; driver: string | null }>('linalg_svd(Tensor A, bool full_matrices=True, *, str? driver=None, Tensor? out=None)');
const SVDVALS = signature<{ A: Tensor; driver: string | null }>('linalg_svdvals(Tensor A, *, str? driver=None, Tensor? out=None)');
const TORCH_SVD = signature<{ input: Tensor; some: boolean; compute_uv: boolean }>('svd(Tensor input, bool some=True, bool compute_uv=True, *, Tensor? out=None)');

/**
 * The singular value decomposition A = U diag(S) Vh of each matrix (LinalgSvdBackward0): S descending; with
 * `full_matrices` (the default) U is `m × m` and Vh `n × n`, else `m × k` and `k × n`. Singular vectors are
 * unique up to sign (a pair `U[:, i]`, `Vh[i]` may both be negated relative to PyTorch's).
 *
 * @example
 * const { U, S, Vh } = torch.linalg.svd(A, { full_matrices: false });
 */
export function linalg_svd(...args: PyArgs<[A: Tensor, full_matrices: boolean], { A?: Tensor; full_matrices?: boolean; driver?: string | null }>): SvdResult {
  if (tracing) return trace_op('aten::linalg_svd', linalg_svd, args, SVD);
  const a = SVD.parse(args);
  const [U, S, V] = svd_of(a.A, a.full_matrices, true, 'linalg.svd');
  return named_result<SvdResult>('linalg_svd', ['U', 'S', 'Vh'], [U, S, mT(V)]);
}
/**
 * The singular values of each matrix, descending (LinalgSvdBackward0).
 *
 * @example
 * torch.linalg.svdvals(torch.diag(torch.tensor([1.0, -4.0]))); // [4, 1]
 */
export function linalg_svdvals(...args: PyArgs<[A: Tensor], { A?: Tensor; driver?: string | null }>): Tensor {
  if (tracing) return trace_op('aten::linalg_svdvals', linalg_svdvals, args, SVDVALS);
  return svd_of(SVDVALS.parse(args).A, false, false, 'linalg.svd')[1];
}
/**
 * The older `torch.svd(input, some=True, compute_uv=True)`: returns V rather than Vh; `some: false` gives full
 * U and V; without `compute_uv`, U and V are zero-filled `m × m` and `n × n`.
 *
 * @example
 * const { U, S, V } = torch.svd(A); // A ≈ U diag(S) Vᵀ
 */
export function svd(...args: PyArgs<[input: Tensor, some: boolean, compute_uv: boolean], { input?: Tensor; some?: boolean; compute_uv?: boolean }>): TorchSvdResult {
  if (tracing) return trace_op('aten::svd', svd, args, TORCH_SVD);
  const a = TORCH_SVD.parse(args);
  const x = a.input;
  if (!a.compute_uv) {
    const S = svd_of(x, false, false, 'linalg.svd')[1];
    const [m, n] = [x._shape[x.ndim - 2]!, x._shape[x.ndim - 1]!];
    const batch = x._shape.slice(0, -2);
    const zeros = (k: number): Tensor => mul(eye_like(k, batch, x._dtype), 0);
    return named_result<TorchSvdResult>('svd', ['U', 'S', 'V'], [zeros(m), S, zeros(n)]);
  }
  const [U, S, V] = svd_of(x, !a.some, true, 'linalg.svd');
  return named_result<TorchSvdResult>('svd', ['U', 'S', 'V'], [U, S, V]);
}

/** U, S and V (not Vh) of each matrix; with `full`, U and V completed to square orthogonal matrices. */
function svd_of(A: Tensor, full: boolean, want_vectors: boolean, op: string): [Tensor, Tensor, Tensor] {
  check_matrix(op, A);
  const { batch, rows, cols, mats } = read_batch(A);
  const f = mats.map(svd_factor);
  const k = Math.min(rows, cols);
  const S = write_vectors(batch, k, f.map((x) => x.s), A._dtype);
  const U = write_batch(batch, rows, full ? rows : k, f.map((x) => (full ? complete_basis(x.u) : x.u)), A._dtype);
  const V = write_batch(batch, cols, full ? cols : k, f.map((x) => (full ? complete_basis(x.v) : x.v)), A._dtype);
  record('LinalgSvdBackward0', [A], want_vectors ? [U, S, V] : [S], (ctx, grads) => {
    const [u0, s, v0, a] = ctx.saved_tensors;
    // svdvals' vectors were not outputs: for a differentiable backward, take them again from A, with a graph
    const [u, v] = want_vectors || !is_grad_enabled() ? [u0, v0] : ((r) => [r[0], r[2]])(svd_of(a!, full, true, op));
    // a full U / V's completing columns carry no gradient (PyTorch narrows them away too)
    const thin = (x: Tensor): Tensor => (full ? narrow(x, -1, 0, k) : x);
    const [gU, gS, gV] = want_vectors ? grads : [null, grads[0]!, null];
    return [svd_backward(gU === null || gU === undefined ? null : thin(gU), gS ?? null, gV === null || gV === undefined ? null : thin(gV), thin(u!), s!, thin(v!))];
  }, [U, S, V, ...(want_vectors ? [] : [A])], ['U', 'S', 'V']);
  return [U, S, V];
}

/**
 * The thin SVD's adjoint (real case): with F_ij = 1 / (s_j² - s_i²) off the diagonal,
 * gA = U [diag(gS) + (F ∘ (UᵀgU - gUᵀU)) S + S (F ∘ (VᵀgV - gVᵀV))] Vᵀ
 *      + (I - UUᵀ) gU S⁻¹ Vᵀ + U S⁻¹ gVᵀ (I - VVᵀ).
 */
function svd_backward(gU: Tensor | null, gS: Tensor | null, gV: Tensor | null, U: Tensor, S: Tensor, V: Tensor): Tensor {
  if (gU === null && gV === null) return matmul(U, matmul(diag_embed(gS!, 0, -2, -1), mT(V)));
  const S2 = mul(S, S);
  const gaps = sub(row(S2), col(S2));
  const F = reciprocal(add(gaps, diag_embed(add(mul(S, 0), Infinity), 0, -2, -1))); // 0 on the diagonal
  const Smat = diag_embed(S, 0, -2, -1);
  let inner = gS === null ? mul(Smat, 0) : diag_embed(gS, 0, -2, -1);
  let tail: Tensor | null = null;
  const s_inv_row = row(reciprocal(S));
  if (gU !== null) {
    const UtgU = matmul(mT(U), gU);
    inner = add(inner, matmul(mul(F, sub(UtgU, mT(UtgU))), Smat));
    const m = U._shape[U.ndim - 2]!;
    if (m > S._shape[S.ndim - 1]!) tail = matmul(mul(sub(gU, matmul(U, UtgU)), s_inv_row), mT(V));
  }
  if (gV !== null) {
    const VtgV = matmul(mT(V), gV);
    inner = add(inner, matmul(Smat, mul(F, sub(VtgV, mT(VtgV)))));
    const n = V._shape[V.ndim - 2]!;
    if (n > S._shape[S.ndim - 1]!) {
      const t = matmul(mul(U, s_inv_row), mT(sub(gV, matmul(V, VtgV))));
      tail = tail === null ? t : add(tail, t);
    }
  }
  const main = matmul(U, matmul(inner, mT(V)));
  return tail === null ? main : add(main, tail);
}

// ------------------------------------------------------------------------- pinv, matrix_rank, lstsq, cond

interface TolParsed { input: Tensor; atol?: number | null; rtol?: number | null; rcond?: number; tol?: number; hermitian: boolean }
const PINV = overloads<TolParsed>(
  'linalg_pinv(Tensor input, *, float? atol=None, float? rtol=None, bool hermitian=False, Tensor? out=None)',
  'linalg_pinv(Tensor input, float rcond, bool hermitian=False, *, Tensor? out=None)',
);
const PINVERSE = signature<{ input: Tensor; rcond: number }>('pinverse(Tensor input, float rcond=1e-15)');
const MATRIX_RANK = overloads<TolParsed>(
  'linalg_matrix_rank(Tensor input, *, float? atol=None, float? rtol=None, bool hermitian=False, Tensor? out=None)',
  'linalg_matrix_rank(Tensor input, float tol, bool hermitian=False, *, Tensor? out=None)',
);

/** float32 / float64 machine epsilon. */
const eps = (dtype: DType): number => (dtype === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7);

/** The cutoff below which singular values count as zero: max(atol, rtol · σ_max), PyTorch's defaults. */
function cutoff(p: TolParsed, A: Tensor, smax: number): number {
  if (p.rcond !== undefined) return p.rcond * smax;
  if (p.tol !== undefined) return p.tol;
  const [m, n] = [A._shape[A.ndim - 2]!, A._shape[A.ndim - 1]!];
  const atol = p.atol ?? 0;
  const rtol = p.rtol ?? (p.atol !== null && p.atol !== undefined && p.atol > 0 ? 0 : eps(A._dtype) * Math.max(m, n));
  return Math.max(atol, rtol * smax);
}

/**
 * The Moore–Penrose pseudo-inverse of each matrix, from its SVD (or, with `hermitian`, its eigendecomposition),
 * singular values at or below max(atol, rtol · σ_max) taken as zero (LinalgPinvBackward0).
 *
 * @example
 * torch.linalg.pinv(A); // A⁺, with A A⁺ A = A
 */
export function linalg_pinv(...args: PyArgs<[input: Tensor], { input?: Tensor; atol?: number | null; rtol?: number | null; hermitian?: boolean; rcond?: number }>): Tensor {
  if (tracing) return trace_op('aten::linalg_pinv', linalg_pinv, args, PINV);
  const p = PINV.parse(args).values;
  return pinv_of(p.input, p);
}
/**
 * `torch.pinverse(input, rcond=1e-15)`: {@link linalg_pinv} with `rtol = rcond`.
 *
 * @example
 * A.pinverse();
 */
export function pinverse(...args: PyArgs<[input: Tensor, rcond: number], { input?: Tensor; rcond?: number }>): Tensor {
  if (tracing) return trace_op('aten::pinverse', pinverse, args, PINVERSE);
  const p = PINVERSE.parse(args);
  return pinv_of(p.input, { input: p.input, rcond: p.rcond, hermitian: false });
}

function pinv_of(A: Tensor, p: TolParsed): Tensor {
  if (A.ndim < 2 || (A._dtype !== 'float32' && A._dtype !== 'float64')) {
    throw new Error(`linalg.pinv(${scalar_type_name(A._dtype)}{[${A._shape.join(', ')}]}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types`);
  }
  if (p.hermitian) check_matrix('linalg.pinv', A, { square: true });
  const { batch, rows, cols, mats } = read_batch(A);
  const out = mats.map((m) => {
    if (p.hermitian) {
      const { values, vectors } = eigh_factor(m, 'L');
      const tol = cutoff(p, A, Math.max(0, ...values.map(Math.abs)));
      const inv = values.map((l) => (Math.abs(l) > tol ? 1 / l : 0));
      return vectors.mmul(Matrix.diag(inv)).mmul(vectors.transpose());
    }
    const { u, s, v } = svd_factor(m);
    const tol = cutoff(p, A, s.length === 0 ? 0 : s[0]!);
    return v.mmul(Matrix.diag(s.map((x) => (x > tol ? 1 / x : 0)))).mmul(u.transpose());
  });
  const P = write_batch(batch, cols, rows, out, A._dtype);
  record('LinalgPinvBackward0', [A], [P], (ctx, [g]) => {
    const [a, r] = ctx.saved_tensors;
    return [pinv_backward(g!, a!, r!)];
  }, [A, P], ['self', 'result']);
  return P;
}

/**
 * From the pseudo-inverse's differential dP = -P dA P + P Pᵀ dAᵀ (I - A P) + (I - P A) dAᵀ Pᵀ P:
 * gA = -Pᵀ gP Pᵀ + (I - A P) gPᵀ P Pᵀ + Pᵀ P gPᵀ (I - P A).
 */
function pinv_backward(gP: Tensor, A: Tensor, P: Tensor): Tensor {
  const Pt = mT(P);
  const gPt = mT(gP);
  const AP = matmul(A, P);
  const PA = matmul(P, A);
  const t1 = neg(matmul(Pt, matmul(gP, Pt)));
  const t2 = sub(matmul(gPt, matmul(P, Pt)), matmul(AP, matmul(gPt, matmul(P, Pt))));
  const t3 = sub(matmul(matmul(Pt, P), gPt), matmul(matmul(Pt, P), matmul(gPt, PA)));
  return add(add(t1, t2), t3);
}

/**
 * How many singular values (eigenvalue magnitudes with `hermitian`) of each matrix exceed max(atol, rtol · σ_max)
 * (int64, not differentiable).
 *
 * @example
 * torch.linalg.matrix_rank(torch.ones(3, 3)); // 1
 */
export function linalg_matrix_rank(...args: PyArgs<[input: Tensor], { input?: Tensor; atol?: number | null; rtol?: number | null; hermitian?: boolean; tol?: number }>): Tensor {
  if (tracing) return trace_op('aten::linalg_matrix_rank', linalg_matrix_rank, args, MATRIX_RANK);
  const p = MATRIX_RANK.parse(args).values;
  const A = p.input;
  check_matrix('linalg.matrix_rank', A);
  const { batch, mats } = read_batch(A);
  const ranks = mats.map((m) => {
    const s = p.hermitian ? eigh_factor(m, 'L').values.map(Math.abs).sort((a, b) => b - a) : svd_factor(m).s;
    const tol = cutoff(p, A, s.length === 0 ? 0 : Math.max(...s));
    return s.filter((x) => x > tol).length;
  });
  return write_scalars(batch, ranks, 'int64');
}

/** `torch.linalg.lstsq`'s result. */
export interface LstsqResult extends Array<Tensor> {
  /** The least-squares solutions X. */
  readonly solution: Tensor;
  /** Squared residual norms per column (only for m > n, full rank and a driver other than 'gelsy'; else empty). */
  readonly residuals: Tensor;
  /** The effective rank of each matrix (empty for driver 'gels'). */
  readonly rank: Tensor;
  /** The singular values (drivers 'gelsd' and 'gelss'; else empty). */
  readonly singular_values: Tensor;
}
const LSTSQ = signature<{ input: Tensor; b: Tensor; rcond: number | null; driver: string | null }>('linalg_lstsq(Tensor input, Tensor b, float? rcond=None, *, str? driver=None)');
const DRIVERS = ['gels', 'gelsy', 'gelsd', 'gelss'];

/**
 * The least-squares solution X minimising ‖A X - B‖ for each matrix (LinalgLstsqBackward0), through the
 * pseudo-inverse, singular values at or below `rcond` · σ_max dropped (default: machine epsilon · max(m, n)).
 * As PyTorch's default CPU driver 'gelsy', `rank` is filled, `singular_values` is empty (filled for 'gelsd' and
 * 'gelss'), and `residuals` holds the squared residual norms when m > n and A has full rank.
 *
 * @example
 * const { solution } = torch.linalg.lstsq(A, B);
 */
export function linalg_lstsq(...args: PyArgs<[input: Tensor, b: Tensor, rcond: number | null], { input?: Tensor; b?: Tensor; rcond?: number | null; driver?: string | null }>): LstsqResult {
  if (tracing) return trace_op('aten::linalg_lstsq', linalg_lstsq, args, LSTSQ);
  const p = LSTSQ.parse(args);
  const [A, B0] = [p.input, p.b];
  const driver = p.driver ?? 'gelsy';
  if (!DRIVERS.includes(driver)) throw new Error(`torch.linalg.lstsq: parameter \`driver\` should be one of (gels, gelsy, gelsd, gelss)`);
  check_matrix('torch.linalg.lstsq', A);
  const vector = B0.ndim === A.ndim - 1;
  const B = vector ? col(B0) : B0;
  const [m, n] = [A._shape[A.ndim - 2]!, A._shape[A.ndim - 1]!];
  if (B._shape[B.ndim - 2] !== m) throw new Error('torch.linalg.lstsq: input.size(-2) should match other.size(-2)');
  const rcond = p.rcond ?? eps(A._dtype) * Math.max(m, n);
  const { batch, mats } = read_batch(A);
  const f = mats.map(svd_factor);
  const P = pinv_of(A.detach(), { input: A, rcond, hermitian: false });
  const X = matmul(P, B.detach());
  const ranks = f.map(({ s }) => s.filter((x) => x > rcond * (s[0] ?? 0)).length);
  const full_rank = ranks.every((r) => r === n);
  const solution = contiguous(X.detach());
  record('LinalgLstsqBackward0', [A, B], [solution], (ctx, [g]) => {
    const [a, b] = ctx.saved_tensors;
    // the pseudo-inverse again, from A itself, so that this backward is differentiable too
    const pinv_a = is_grad_enabled() ? pinv_of(a!, { input: a!, rcond, hermitian: false }) : P;
    const gA = ctx.needs_input_grad(0) ? pinv_backward(matmul(g!, mT(b!)), a!, pinv_a!) : null;
    const gB = ctx.needs_input_grad(1) ? matmul(mT(pinv_a!), g!) : null;
    return [gA, gB];
  }, [A, B], ['self', 'b']);
  const residuals = m > n && full_rank && driver !== 'gelsy'
    ? sum_dims(mul(sub(matmul(A.detach(), X), B.detach()), sub(matmul(A.detach(), X), B.detach())), [-2], false)
    : empty([0], A._dtype);
  const rank = driver === 'gels' ? empty([0], 'int64') : write_scalars(batch, ranks, 'int64');
  const singular_values = driver === 'gelsd' || driver === 'gelss' ? write_vectors(batch, Math.min(m, n), f.map((x) => x.s), A._dtype) : empty([0], A._dtype);
  return named_result<LstsqResult>('linalg_lstsq', ['solution', 'residuals', 'rank', 'singular_values'], [vector ? solution.squeeze(-1) : solution, residuals, rank, singular_values]);
}

// --------------------------------------------------------------------------------------------- matrix_exp

const MATRIX_EXP = signature<{ input: Tensor }>('linalg_matrix_exp(Tensor input)');
const TORCH_MATRIX_EXP = signature<{ input: Tensor }>('matrix_exp(Tensor input)');

/**
 * The matrix exponential e^A of each square matrix (LinalgMatrixExpBackward0), by scaling and squaring a Taylor
 * series in float64. Its gradient is the upper-right block of e^[[Aᵀ, G], [0, Aᵀ]], itself differentiable.
 *
 * @example
 * torch.linalg.matrix_exp(torch.zeros(2, 2)); // the identity
 */
export function linalg_matrix_exp(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::linalg_matrix_exp', linalg_matrix_exp, args, MATRIX_EXP);
  return matrix_exp_of(MATRIX_EXP.parse(args).input);
}
/**
 * {@link linalg_matrix_exp} under `torch.matrix_exp`'s name.
 *
 * @example
 * torch.matrix_exp(torch.zeros(2, 2)); // the identity
 */
export function matrix_exp(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::matrix_exp', matrix_exp, args, TORCH_MATRIX_EXP);
  return matrix_exp_of(TORCH_MATRIX_EXP.parse(args).input);
}

function matrix_exp_of(A: Tensor): Tensor {
  check_matrix('linalg.matrix_exp', A, { square: true });
  const { batch, rows, mats } = read_batch(A);
  const E = write_batch(batch, rows, rows, mats.map(expm), A._dtype);
  record('LinalgMatrixExpBackward0', [A], [E], (ctx, [g]) => {
    const [a] = ctx.saved_tensors;
    const at = mT(a!);
    const big = cat([cat([at, g!], -1), cat([mul(at, 0), at], -1)], -2);
    const n = rows;
    return [narrow(narrow(matrix_exp_of(big), -2, 0, n), -1, n, n)];
  }, [A], ['self']);
  return E;
}

/** e^m: scaled until its 1-norm is below 1/2, a 20-term Taylor series, then squared back. */
function expm(m: Matrix): Matrix {
  const n = m.rows;
  let norm1 = 0;
  for (let j = 0; j < n; j++) norm1 = Math.max(norm1, m.getColumn(j).reduce((s, v) => s + Math.abs(v), 0));
  if (!Number.isFinite(norm1)) return new Matrix(n, n).fill(NaN);
  const squarings = norm1 > 0.5 ? Math.ceil(Math.log2(norm1 / 0.5)) : 0;
  const x = m.clone().mul(2 ** -squarings);
  let term = Matrix.eye(n, n);
  let sum = Matrix.eye(n, n);
  for (let k = 1; k <= 20; k++) {
    term = term.mmul(x).mul(1 / k);
    sum = sum.add(term);
  }
  for (let i = 0; i < squarings; i++) sum = sum.mmul(sum);
  return sum;
}
