// nn.init's structured initialisers: eye_, dirac_, orthogonal_ (Householder QR) and sparse_.
import { from_array, no_grad, randperm, signature, type Generator, type PyArgs, type Tensor } from '@tsgrad/core';
import { normal_ } from './init.js';

/**
 * Fills a 2-D tensor with the identity matrix (ones on the diagonal, zeros elsewhere), PyTorch's `eye_`.
 *
 * @example
 * nn.init.eye_(torch.empty([3, 5]));
 */
export function eye_(t: Tensor): Tensor {
  if (t.ndim !== 2) throw new Error('Only tensors with 2 dimensions are supported');
  return no_grad(() => {
    const [rows, cols] = t._shape as [number, number];
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < Math.min(rows, cols); i++) data[i * cols + i] = 1;
    return t.copy_(from_array(data, [rows, cols], 'float64'));
  });
}

const DIRAC = signature<{ tensor: Tensor; groups: number }>('dirac_(Tensor tensor, int groups=1)');
const ORTHOGONAL = signature<{ tensor: Tensor; gain: number; generator: Generator | null }>('orthogonal_(Tensor tensor, float gain=1, Generator? generator=None)');
const SPARSE = signature<{ tensor: Tensor; sparsity: number; std: number; generator: Generator | null }>('sparse_(Tensor tensor, float sparsity, float std=0.01, Generator? generator=None)');

/**
 * Fills a 3-, 4- or 5-D convolution weight with the Dirac delta, so the convolution passes its input through
 * (per group: output channel `d` copies input channel `d`), PyTorch's `dirac_`.
 *
 * @example
 * nn.init.dirac_(torch.empty([16, 16, 3, 3]));
 */
export function dirac_(...args: PyArgs<[tensor: Tensor, groups: number], { groups?: number }>): Tensor {
  const { tensor: t, groups } = DIRAC.parse(args);
  if (t.ndim < 3 || t.ndim > 5) throw new Error('Only tensors with 3, 4, or 5 dimensions are supported');
  const sizes = t._shape;
  if (sizes[0]! % groups !== 0) throw new Error('dim 0 must be divisible by groups');
  return no_grad(() => {
    const out_per_group = sizes[0]! / groups;
    const min_dim = Math.min(out_per_group, sizes[1]!);
    const spatial = sizes.slice(2);
    const inner = spatial.reduce((a, b) => a * b, 1);
    // the centre tap of the kernel, row-major over the spatial dims
    const centre = spatial.reduce((acc, s) => acc * s + Math.floor(s / 2), 0);
    const data = new Float64Array(t.numel());
    for (let g = 0; g < groups; g++) {
      for (let d = 0; d < min_dim; d++) data[((g * out_per_group + d) * sizes[1]! + d) * inner + centre] = 1;
    }
    return t.copy_(from_array(data, sizes, 'float64'));
  });
}

/**
 * The thin Q of an `m × n` matrix (m ≥ n, row-major) by Householder reflections, each column
 * multiplied by the sign of R's diagonal entry so that R's diagonal is non-negative: the unique Q that
 * `torch.linalg.qr` yields after PyTorch's sign correction.
 */
function signed_q(a: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const diag = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let norm = 0;
    for (let i = j; i < m; i++) norm += a[i * n + j]! * a[i * n + j]!;
    norm = Math.sqrt(norm);
    const x0 = a[j * n + j]!;
    const alpha = x0 > 0 ? -norm : norm;
    const v = new Float64Array(m - j);
    for (let i = j; i < m; i++) v[i - j] = a[i * n + j]!;
    v[0] = x0 - alpha;
    let vnorm = 0;
    for (let i = 0; i < v.length; i++) vnorm += v[i]! * v[i]!;
    vnorm = Math.sqrt(vnorm);
    if (vnorm > 0) {
      for (let i = 0; i < v.length; i++) v[i] = v[i]! / vnorm;
      for (let c = j; c < n; c++) {
        let dot = 0;
        for (let i = j; i < m; i++) dot += v[i - j]! * a[i * n + c]!;
        for (let i = j; i < m; i++) a[i * n + c] = a[i * n + c]! - 2 * v[i - j]! * dot;
      }
    }
    diag[j] = norm === 0 ? 0 : a[j * n + j]!;
    vs.push(vnorm > 0 ? v : new Float64Array(v.length));
  }
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let j = n - 1; j >= 0; j--) {
    const v = vs[j]!;
    for (let c = 0; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i - j]! * q[i * n + c]!;
      for (let i = j; i < m; i++) q[i * n + c] = q[i * n + c]! - 2 * v[i - j]! * dot;
    }
  }
  for (let c = 0; c < n; c++) {
    const s = Math.sign(diag[c]!);
    for (let i = 0; i < m; i++) q[i * n + c] = q[i * n + c]! * s;
  }
  return q;
}

/** `orthogonal_`'s matrix for a given `rows × cols` standard-normal draw (row-major). */
export function orthogonal_from(flat: Float64Array, rows: number, cols: number, gain: number): Float64Array {
  // QR of the tall orientation: the draw itself, or its transpose when it is wide
  const [m, n] = rows < cols ? [cols, rows] : [rows, cols];
  const a = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[rows < cols ? j * n + i : i * n + j] = flat[i * cols + j]!;
  const q = signed_q(a, m, n);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * q[rows < cols ? j * n + i : i * n + j]!;
  return out;
}

/**
 * Fills with a (semi-)orthogonal matrix from the QR decomposition of a standard-normal draw, times `gain`
 * (PyTorch's `orthogonal_`; dims after the first are flattened). Rows are orthonormal when there are fewer rows
 * than columns, columns otherwise.
 *
 * @example
 * nn.init.orthogonal_(lstm.weight_hh_l0);
 */
export function orthogonal_(...args: PyArgs<[tensor: Tensor, gain: number, generator: Generator | null], { gain?: number; generator?: Generator | null }>): Tensor {
  const { tensor: t, gain, generator } = ORTHOGONAL.parse(args);
  if (t.ndim < 2) throw new Error('Only tensors with 2 or more dimensions are supported');
  if (t.numel() === 0) return t;
  const rows = t._shape[0]!;
  const cols = t.numel() / rows;
  // PyTorch draws in the tensor's own dtype (tensor.new(rows, cols).normal_(0, 1)), so the stream is the same
  const draw = normal_(t.new_empty([rows, cols]), 0, 1, generator);
  const out = orthogonal_from(Float64Array.from(draw._contiguous_data()), rows, cols, gain);
  return no_grad(() => t.copy_(from_array(out, t._shape, 'float64')));
}

/**
 * Fills a 2-D tensor from N(0, std²), then zeroes `ceil(sparsity * rows)` randomly chosen entries of every
 * column (PyTorch's `sparse_`, after Martens 2010).
 *
 * @example
 * nn.init.sparse_(torch.empty([10, 4]), 0.3);
 */
export function sparse_(...args: PyArgs<[tensor: Tensor, sparsity: number, std: number, generator: Generator | null], { sparsity?: number; std?: number; generator?: Generator | null }>): Tensor {
  const { tensor: t, sparsity, std, generator } = SPARSE.parse(args);
  if (t.ndim !== 2) throw new Error('Only tensors with 2 dimensions are supported');
  const [rows, cols] = t._shape as [number, number];
  const num_zeros = Math.ceil(sparsity * rows);
  return no_grad(() => {
    normal_(t, 0, std, generator);
    for (let c = 0; c < cols; c++) {
      const order = randperm(rows, { generator }).tolist() as number[];
      for (const r of order.slice(0, num_zeros)) t.select(0, r).select(0, c).fill_(0);
    }
    return t;
  });
}
