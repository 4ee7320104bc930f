// The numeric core of torch.linalg: batches of matrices as float64, factored by ml-matrix (LU, Cholesky, QR,
// symmetric eigen, SVD), with the pieces LAPACK has and ml-matrix lacks (QR with LAPACK's signs and complete Q,
// the index LAPACK reports on failure).
//
// ml-matrix (mljs) is a well-kept pure-JS port of JAMA's decompositions; it runs in Node and browsers alike, and
// the results are rounded back to the input's dtype (float32 inputs are factored in float64, so they are at
// least as accurate as PyTorch's float32 LAPACK calls).
import {
  CholeskyDecomposition, EigenvalueDecomposition, LuDecomposition, Matrix, SingularValueDecomposition,
} from 'ml-matrix';
import { is_floating, scalar_type_name, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { empty } from './record.js';

/**
 * A LAPACK-style failure (PyTorch's `torch.linalg.LinAlgError`, a RuntimeError).
 *
 * @example
 * try { torch.linalg.inv(torch.zeros(2, 2)); } catch (e) { if (e instanceof torch.linalg.LinAlgError) console.log('singular'); }
 */
export class LinAlgError extends Error {
  /** The class name PyTorch's errors go by (minification-proof). */
  static readonly __name__: string = 'LinAlgError';
  constructor(message: string) {
    super(message);
    this.name = 'LinAlgError';
  }
}

/** A batch of `rows × cols` float64 matrices read from a `(*, rows, cols)` tensor. */
export interface Batch {
  batch: number[];
  rows: number;
  cols: number;
  mats: Matrix[];
}

/** Refuses what linalg.* refuses before looking at values: non-float dtypes, fewer than 2 dims, non-square. */
export function check_matrix(op: string, a: Tensor, opts: { square?: boolean } = {}): void {
  if (a.ndim < 2) throw new Error(`${op}: The input tensor A must have at least 2 dimensions.`);
  if (!is_floating(a._dtype)) throw new Error(`${op}: Expected a floating point or complex tensor as input. Got ${scalar_type_name(a._dtype)}`);
  const [m, n] = [a._shape[a.ndim - 2]!, a._shape[a.ndim - 1]!];
  if (opts.square === true && m !== n) throw new Error(`${op}: A must be batches of square matrices, but they are ${m} by ${n} matrices`);
}

/** The matrices of a `(*, rows, cols)` tensor, in float64. */
export function read_batch(a: Tensor): Batch {
  const rows = a._shape[a.ndim - 2]!;
  const cols = a._shape[a.ndim - 1]!;
  const batch = a._shape.slice(0, -2);
  const data = a._contiguous_data();
  const count = batch.reduce((p, d) => p * d, 1);
  const mats: Matrix[] = [];
  for (let b = 0; b < count; b++) {
    const m = new Matrix(rows, cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, Number(data[b * rows * cols + i * cols + j]));
    mats.push(m);
  }
  return { batch, rows, cols, mats };
}

/** A `(*batch, rows, cols)` tensor of `dtype` from per-matrix float64 values. */
export function write_batch(batch: readonly number[], rows: number, cols: number, mats: readonly Matrix[], dtype: DType): Tensor {
  const out = empty([...batch, rows, cols], dtype);
  const d = out._storage.data;
  mats.forEach((m, b) => {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) d[b * rows * cols + i * cols + j] = m.get(i, j);
  });
  return out;
}

/** A `(*batch, len)` tensor of `dtype` from per-matrix vectors. */
export function write_vectors(batch: readonly number[], len: number, vecs: readonly ArrayLike<number>[], dtype: DType): Tensor {
  const out = empty([...batch, len], dtype);
  const d = out._storage.data;
  vecs.forEach((v, b) => {
    for (let i = 0; i < len; i++) d[b * len + i] = v[i]!;
  });
  return out;
}

/** A `batch`-shaped tensor of `dtype` with one number per matrix. */
export function write_scalars(batch: readonly number[], values: readonly number[], dtype: DType): Tensor {
  const out = empty([...batch], dtype);
  values.forEach((v, b) => (out._storage.data[b] = v));
  return out;
}

/** PyTorch's prefix for a failure in matrix `b` of a batch (none for a single matrix). */
export const batch_prefix = (batch: readonly number[], b: number): string => (batch.length === 0 ? '' : `(Batch element ${b}): `);

/** An LU factorization with partial pivoting, and LAPACK's `info`: the first zero pivot (1-based), 0 if none. */
export function lu(m: Matrix): { lu: LuDecomposition; info: number } {
  const f = new LuDecomposition(m);
  const u = f.upperTriangularMatrix;
  let info = 0;
  for (let i = 0; i < m.rows && info === 0; i++) if (u.get(i, i) === 0) info = i + 1;
  return { lu: f, info };
}

/** det(m) from its LU factorization (0 for singular matrices). */
export function determinant(m: Matrix): number {
  return m.rows === 0 ? 1 : new LuDecomposition(m).determinant;
}

/** `m⁻¹ b` by LU; `info` > 0 (and a NaN-filled result) when `m` is singular. */
export function lu_solve(m: Matrix, b: Matrix): { x: Matrix; info: number } {
  if (m.rows === 0) return { x: new Matrix(0, b.columns), info: 0 };
  const { lu: f, info } = lu(m);
  if (info > 0) return { x: new Matrix(b.rows, b.columns).fill(NaN), info };
  return { x: f.solve(b), info };
}

/** The lower Cholesky factor of the (lower triangle of the) symmetric `m`; `info`: the order of the first non-positive-definite leading minor. */
export function cholesky(m: Matrix): { l: Matrix; info: number } {
  const n = m.rows;
  const sym = symmetric_from(m, 'L');
  const l = n === 0 ? new Matrix(0, 0) : new CholeskyDecomposition(sym).lowerTriangularMatrix;
  let info = 0;
  for (let i = 0; i < n && info === 0; i++) if (!(l.get(i, i) > 0)) info = i + 1;
  return { l, info };
}

/** The symmetric matrix read from one triangle of `m` (`'L'`: on and below the diagonal), as LAPACK reads it. */
export function symmetric_from(m: Matrix, uplo: 'L' | 'U'): Matrix {
  const n = m.rows;
  const s = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = uplo === 'L' ? m.get(i, j) : m.get(j, i);
      s.set(i, j, v);
      s.set(j, i, v);
    }
  }
  return s;
}

/**
 * Householder QR as LAPACK computes it (geqrf, then orgqr for Q): column k's reflector maps x to beta·e₁ with
 * beta = -sign(x₀)·‖x‖, and is the identity when x has nothing below its first entry, so Q and R carry
 * LAPACK's (PyTorch's) signs. ml-matrix's QR reflects every column, the last of a square matrix included, which
 * flips those signs, and has no complete Q; hence this one routine of our own.
 * Returns R (`rows × cols`, upper trapezoidal) and Q with `q_cols` columns (k = min(rows, cols) or rows).
 */
function householder(m: Matrix, q_cols: number): { q: Matrix; r: Matrix } {
  const [rows, cols] = [m.rows, m.columns];
  const k = Math.min(rows, cols);
  const a = m.to2DArray();
  const vs: Float64Array[] = [];
  const taus: number[] = [];
  for (let j = 0; j < k; j++) {
    const alpha = a[j]![j]!;
    let xnorm2 = 0;
    for (let i = j + 1; i < rows; i++) xnorm2 += a[i]![j]! ** 2;
    const v = new Float64Array(rows);
    if (xnorm2 === 0) {
      vs.push(v);
      taus.push(0);
      continue;
    }
    const beta = -Math.sign(alpha || 1) * Math.hypot(alpha, Math.sqrt(xnorm2));
    const tau = (beta - alpha) / beta;
    v[j] = 1;
    for (let i = j + 1; i < rows; i++) v[i] = a[i]![j]! / (alpha - beta);
    // apply H = I - tau v vᵀ to the remaining columns
    for (let c = j; c < cols; c++) {
      let dot = 0;
      for (let i = j; i < rows; i++) dot += v[i]! * a[i]![c]!;
      for (let i = j; i < rows; i++) a[i]![c]! -= tau * v[i]! * dot;
    }
    a[j]![j] = beta;
    for (let i = j + 1; i < rows; i++) a[i]![j] = 0;
    vs.push(v);
    taus.push(tau);
  }
  // Q = H₀ H₁ … H_{k-1} applied to the first q_cols columns of the identity, the last reflector first
  const q = Matrix.eye(rows, q_cols).to2DArray();
  for (let j = k - 1; j >= 0; j--) {
    const [v, tau] = [vs[j]!, taus[j]!];
    if (tau === 0) continue;
    for (let c = 0; c < q_cols; c++) {
      let dot = 0;
      for (let i = j; i < rows; i++) dot += v[i]! * q[i]![c]!;
      for (let i = j; i < rows; i++) q[i]![c]! -= tau * v[i]! * dot;
    }
  }
  return { q: new Matrix(q), r: new Matrix(a) };
}

/**
 * The QR factorization of an `r × c` matrix: Q `r × k` (k = min(r, c)) with orthonormal columns and R `k × c`,
 * or with `complete` Q `r × r` and R `r × c`.
 */
export function qr(m: Matrix, complete: boolean): { q: Matrix; r: Matrix } {
  const [rows, cols] = [m.rows, m.columns];
  const k = Math.min(rows, cols);
  if (rows === 0 || cols === 0) {
    const q = complete ? Matrix.eye(rows, rows) : new Matrix(rows, 0);
    return { q, r: new Matrix(complete ? rows : 0, cols) };
  }
  const { q, r } = householder(m, complete ? rows : k);
  return { q, r: complete || rows <= cols ? r : r.subMatrix(0, k - 1, 0, cols - 1) };
}

/** Columns that extend the orthonormal columns of `u` (`rows × k`) to an orthonormal basis of all `rows` dims. */
export function complete_basis(u: Matrix): Matrix {
  const [rows, k] = [u.rows, u.columns];
  if (k === rows) return u;
  const { q } = householder(u, rows);
  const out = q.clone();
  out.setSubMatrix(u, 0, 0);
  return out;
}

/** Eigenvalues (ascending) and orthonormal eigenvectors (columns) of the symmetric matrix read from `uplo`'s triangle. */
export function eigh(m: Matrix, uplo: 'L' | 'U'): { values: number[]; vectors: Matrix } {
  if (m.rows === 0) return { values: [], vectors: new Matrix(0, 0) };
  const f = new EigenvalueDecomposition(symmetric_from(m, uplo), { assumeSymmetric: true });
  return { values: f.realEigenvalues, vectors: f.eigenvectorMatrix };
}

/** The thin SVD: `m = U diag(S) Vᵀ`, S descending, U `rows × k`, V `cols × k` (k = min(rows, cols)). */
export function svd(m: Matrix): { u: Matrix; s: number[]; v: Matrix } {
  const [rows, cols] = [m.rows, m.columns];
  const k = Math.min(rows, cols);
  if (k === 0) return { u: new Matrix(rows, 0), s: [], v: new Matrix(cols, 0) };
  const f = new SingularValueDecomposition(m, { autoTranspose: true });
  const take = (x: Matrix): Matrix => (x.columns === k ? x : x.subMatrix(0, x.rows - 1, 0, k - 1));
  return { u: take(f.leftSingularVectors), s: f.diagonal.slice(0, k), v: take(f.rightSingularVectors) };
}
