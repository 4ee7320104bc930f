// Flat-array NN kernels: blocked GEMM, im2col convolution, pooling and bilinear resize (forward and backward).

/** The floating-point storage arrays the kernels accept. */
export type FloatArray = Float32Array | Float64Array;

/** Shape and hyper-parameters of a 2-D convolution (NCHW input, OIHW weight). */
export interface Conv2dParams {
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  kh: number;
  kw: number;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
  Ho: number;
  Wo: number;
  /**
   * The weight tensor's version counter, when the weight array is that tensor's own storage: a backend may
   * keep work derived from the weight (packed copies) while the counter's version, and the memory's write
   * stamp, are unchanged. The JS kernels ignore it.
   */
  w_version?: { readonly version: number };
}

/** Shape and hyper-parameters of a 2-D pooling window over an NCHW input. */
export interface Pool2dParams {
  N: number;
  C: number;
  H: number;
  W: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  ceil_mode: boolean;
  Ho: number;
  Wo: number;
}

/** A zeroed array of the same class as `like`, so scratch data keeps the caller's precision. */
function alloc_like(like: FloatArray, n: number): FloatArray {
  return like instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

/**
 * Output length of a convolution along one dim: floor((L + 2p - d(k-1) - 1) / s) + 1.
 * @param L input length
 * @param k kernel size
 * @param s stride
 * @param p zero padding on each side
 * @param d dilation
 */
export function conv2d_out_size(L: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((L + 2 * p - d * (k - 1) - 1) / s) + 1;
}

// ---------------------------------------------------------------------------------------------
// GEMM
// ---------------------------------------------------------------------------------------------

// Block sizes: a KC x NC panel of op(B) (packed as doubles) plus an MC x NC accumulator block
// stay within L2, and each packed row of the panel is re-read by all MC rows of the block.
const GEMM_MC = 64;
const GEMM_NC = 256;
const GEMM_KC = 128;

// Grow-only scratch shared by all gemm calls; JS is single-threaded and gemm never re-enters.
let gemm_acc = new Float64Array(GEMM_MC * GEMM_NC);
let gemm_pack = new Float64Array(GEMM_KC * GEMM_NC);

/**
 * General matrix multiply `C = alpha * op(A) op(B) + beta * C` on row-major flat arrays.
 *
 * op(A) is M x K and op(B) is K x N; `trans_a` / `trans_b` mean the stored matrix is the transpose
 * (A stored K x M, B stored N x K). Products are summed in doubles across the whole K range and
 * written to C once, so float32 outputs are rounded a single time. With `beta = 0`, C is
 * overwritten without being read (NaN in C does not propagate); with `alpha = 0`, A and B are not
 * read.
 * @param trans_a whether A is stored as K x M
 * @param trans_b whether B is stored as N x K
 * @param M rows of op(A) and C
 * @param N columns of op(B) and C
 * @param K columns of op(A) / rows of op(B)
 * @param alpha scale of the product
 * @param A left matrix storage
 * @param a_off index of A's first element
 * @param lda row stride of A as stored
 * @param B right matrix storage
 * @param b_off index of B's first element
 * @param ldb row stride of B as stored
 * @param beta scale of the existing C
 * @param C output storage
 * @param c_off index of C's first element
 * @param ldc row stride of C
 * @param _b_version B's version counter when B is a tensor's storage: a backend may keep B packed between
 *   calls while it is unchanged (this kernel does not use it)
 */
export function gemm(
  trans_a: boolean,
  trans_b: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  a_off: number,
  lda: number,
  B: FloatArray,
  b_off: number,
  ldb: number,
  beta: number,
  C: FloatArray,
  c_off: number,
  ldc: number,
  _b_version?: { readonly version: number },
): void {
  if (M <= 0 || N <= 0) return;
  if (alpha === 0 || K <= 0) {
    scale_c(M, N, beta, C, c_off, ldc);
    return;
  }
  // op(A)[i,k] = A[a_off + i*a_rs + k*a_cs] and op(B)[k,j] = B[b_off + k*b_rs + j*b_cs].
  const a_rs = trans_a ? 1 : lda;
  const a_cs = trans_a ? lda : 1;
  const b_rs = trans_b ? 1 : ldb;
  const b_cs = trans_b ? ldb : 1;
  const nc_max = Math.min(N, GEMM_NC);
  const kc_max = Math.min(K, GEMM_KC);
  if (gemm_acc.length < GEMM_MC * nc_max) gemm_acc = new Float64Array(GEMM_MC * nc_max);
  if (gemm_pack.length < kc_max * nc_max) gemm_pack = new Float64Array(kc_max * nc_max);
  const acc = gemm_acc;
  const pack = gemm_pack;

  for (let j0 = 0; j0 < N; j0 += GEMM_NC) {
    const nb = Math.min(GEMM_NC, N - j0);
    for (let i0 = 0; i0 < M; i0 += GEMM_MC) {
      const mb = Math.min(GEMM_MC, M - i0);
      acc.fill(0, 0, mb * nb);
      for (let k0 = 0; k0 < K; k0 += GEMM_KC) {
        const kb = Math.min(GEMM_KC, K - k0);
        pack_panel(B, b_off + k0 * b_rs + j0 * b_cs, b_rs, b_cs, kb, nb, pack);
        gemm_block(A, a_off + i0 * a_rs + k0 * a_cs, a_rs, a_cs, mb, nb, kb, pack, acc);
      }
      store_block(acc, mb, nb, alpha, beta, C, c_off + i0 * ldc + j0, ldc);
    }
  }
}

/** The signature every GEMM kernel shares, so convolution can run on any backend's GEMM. */
export type GemmFn = typeof gemm;

/** C = beta * C over an M x N block, writing zeros (not beta * NaN) when beta is 0. */
/**
 * `batch` independent GEMMs `C_q = alpha * op(A_q) op(B_q) + beta * C_q`, q = 0..batch-1, as `gemm` with
 * matrix q of each operand starting `q * stride` elements after its offset (a stride of 0 reuses one matrix
 * for every q, as a broadcast batch). One call, so a backend can run the whole batch as one job. `_b_version`
 * as gemm's.
 *
 * @example
 * gemm_batched(2, false, false, 2, 2, 2, 1, a, 0, 2, 4, b, 0, 2, 4, 0, c, 0, 2, 4); // c[q] = a[q] @ b[q], q < 2
 */
export function gemm_batched(
  batch: number, trans_a: boolean, trans_b: boolean, M: number, N: number, K: number, alpha: number,
  A: FloatArray, a_off: number, lda: number, a_stride: number, B: FloatArray, b_off: number, ldb: number, b_stride: number,
  beta: number, C: FloatArray, c_off: number, ldc: number, c_stride: number, _b_version?: { readonly version: number },
): void {
  for (let q = 0; q < batch; q++) {
    gemm(trans_a, trans_b, M, N, K, alpha, A, a_off + q * a_stride, lda, B, b_off + q * b_stride, ldb, beta, C, c_off + q * c_stride, ldc);
  }
}

function scale_c(M: number, N: number, beta: number, C: FloatArray, c_off: number, ldc: number): void {
  if (beta === 1) return;
  for (let i = 0; i < M; i++) {
    const r = c_off + i * ldc;
    if (beta === 0) C.fill(0, r, r + N);
    else for (let j = 0; j < N; j++) C[r + j] = beta * C[r + j];
  }
}

/** Copies a kb x nb block of op(B) into `pack` row-major, so the inner loop is unit-stride on doubles. */
function pack_panel(B: FloatArray, base: number, rs: number, cs: number, kb: number, nb: number, pack: Float64Array): void {
  if (cs === 1) {
    for (let k = 0; k < kb; k++) {
      const src = base + k * rs;
      const dst = k * nb;
      for (let j = 0; j < nb; j++) pack[dst + j] = B[src + j];
    }
  } else {
    // Transposed storage: walk each stored row (unit stride over k) and scatter down a packed column.
    for (let j = 0; j < nb; j++) {
      const src = base + j * cs;
      for (let k = 0; k < kb; k++) pack[k * nb + j] = B[src + k * rs];
    }
  }
}

/**
 * acc[mb x nb] += op(A)[mb x kb] * pack[kb x nb] in i-k-j order (unit stride over j). Two rows and
 * four k steps are fused per sweep over j: each packed value loaded feeds two rows and each
 * accumulator element is loaded and stored once per four multiply-adds, which is what bounds a
 * scalar JIT loop.
 */
function gemm_block(
  A: FloatArray,
  a_base: number,
  a_rs: number,
  a_cs: number,
  mb: number,
  nb: number,
  kb: number,
  pack: Float64Array,
  acc: Float64Array,
): void {
  const k4 = kb - (kb % 4);
  let i = 0;
  for (; i + 1 < mb; i += 2) {
    const r0 = i * nb;
    const r1 = r0 + nb;
    const ai0 = a_base + i * a_rs;
    const ai1 = ai0 + a_rs;
    let k = 0;
    for (; k < k4; k += 4) {
      const x0 = A[ai0 + k * a_cs];
      const x1 = A[ai0 + (k + 1) * a_cs];
      const x2 = A[ai0 + (k + 2) * a_cs];
      const x3 = A[ai0 + (k + 3) * a_cs];
      const y0 = A[ai1 + k * a_cs];
      const y1 = A[ai1 + (k + 1) * a_cs];
      const y2 = A[ai1 + (k + 2) * a_cs];
      const y3 = A[ai1 + (k + 3) * a_cs];
      const p0 = k * nb;
      const p1 = p0 + nb;
      const p2 = p1 + nb;
      const p3 = p2 + nb;
      for (let j = 0; j < nb; j++) {
        const b0 = pack[p0 + j];
        const b1 = pack[p1 + j];
        const b2 = pack[p2 + j];
        const b3 = pack[p3 + j];
        acc[r0 + j] += x0 * b0 + x1 * b1 + x2 * b2 + x3 * b3;
        acc[r1 + j] += y0 * b0 + y1 * b1 + y2 * b2 + y3 * b3;
      }
    }
    for (; k < kb; k++) {
      const x0 = A[ai0 + k * a_cs];
      const y0 = A[ai1 + k * a_cs];
      const p0 = k * nb;
      for (let j = 0; j < nb; j++) {
        const b0 = pack[p0 + j];
        acc[r0 + j] += x0 * b0;
        acc[r1 + j] += y0 * b0;
      }
    }
  }
  for (; i < mb; i++) {
    const r = i * nb;
    const ai = a_base + i * a_rs;
    let k = 0;
    for (; k < k4; k += 4) {
      const a0 = A[ai + k * a_cs];
      const a1 = A[ai + (k + 1) * a_cs];
      const a2 = A[ai + (k + 2) * a_cs];
      const a3 = A[ai + (k + 3) * a_cs];
      const p0 = k * nb;
      const p1 = p0 + nb;
      const p2 = p1 + nb;
      const p3 = p2 + nb;
      for (let j = 0; j < nb; j++) {
        acc[r + j] += a0 * pack[p0 + j] + a1 * pack[p1 + j] + a2 * pack[p2 + j] + a3 * pack[p3 + j];
      }
    }
    for (; k < kb; k++) {
      const a0 = A[ai + k * a_cs];
      const p0 = k * nb;
      for (let j = 0; j < nb; j++) acc[r + j] += a0 * pack[p0 + j];
    }
  }
}

/** C block = alpha * acc + beta * C; beta = 0 never reads C. */
function store_block(
  acc: Float64Array,
  mb: number,
  nb: number,
  alpha: number,
  beta: number,
  C: FloatArray,
  c_base: number,
  ldc: number,
): void {
  for (let i = 0; i < mb; i++) {
    const r = i * nb;
    const c = c_base + i * ldc;
    if (beta === 0) for (let j = 0; j < nb; j++) C[c + j] = alpha * acc[r + j];
    else for (let j = 0; j < nb; j++) C[c + j] = alpha * acc[r + j] + beta * C[c + j];
  }
}

// ---------------------------------------------------------------------------------------------
// Convolution (im2col + gemm)
// ---------------------------------------------------------------------------------------------

/**
 * Per-tap ranges of output positions that read inside the input. Tap t along a dim reads
 * o*s + off with off = t*d - p; solving 0 <= o*s + off < L for integer o gives
 * lo = ceil(-off / s) and hi = floor((L - 1 - off) / s) + 1, clipped to [0, n_out]. Outputs
 * outside [lo, hi) read zero padding. Computed once per call so the unfold loops carry no bounds checks.
 */
interface TapRanges {
  oh_lo: Int32Array;
  oh_hi: Int32Array;
  ow_lo: Int32Array;
  ow_hi: Int32Array;
}

export function tap_ranges_1d(k: number, s: number, p: number, d: number, L: number, n_out: number, lo_out: Int32Array, hi_out: Int32Array): void {
  for (let t = 0; t < k; t++) {
    const off = t * d - p;
    const lo = Math.min(off >= 0 ? 0 : Math.ceil(-off / s), n_out);
    const hi = Math.min(off >= L ? 0 : Math.floor((L - 1 - off) / s) + 1, n_out);
    lo_out[t] = lo;
    hi_out[t] = Math.max(hi, lo);
  }
}

function tap_ranges(p: Conv2dParams): TapRanges {
  const r: TapRanges = {
    oh_lo: new Int32Array(p.kh),
    oh_hi: new Int32Array(p.kh),
    ow_lo: new Int32Array(p.kw),
    ow_hi: new Int32Array(p.kw),
  };
  tap_ranges_1d(p.kh, p.stride[0], p.padding[0], p.dilation[0], p.H, p.Ho, r.oh_lo, r.oh_hi);
  tap_ranges_1d(p.kw, p.stride[1], p.padding[1], p.dilation[1], p.W, p.Wo, r.ow_lo, r.ow_hi);
  return r;
}

/**
 * Unfolds `cg` channels starting at x[x_base] into col[(c*kh + a)*kw + b, oh*Wo + ow] =
 * x[c, oh*sh - ph + a*dh, ow*sw - pw + b*dw] (0 outside the input).
 */
function im2col(x: FloatArray, x_base: number, cg: number, p: Conv2dParams, r: TapRanges, col: FloatArray): void {
  const { H, W, kh, kw, Ho, Wo } = p;
  const [sh, sw] = p.stride;
  const [ph, pw] = p.padding;
  const [dh, dw] = p.dilation;
  const L = Ho * Wo;
  let row = 0;
  for (let c = 0; c < cg; c++) {
    const xc = x_base + c * H * W;
    for (let a = 0; a < kh; a++) {
      const h_off = a * dh - ph;
      const oh_lo = r.oh_lo[a];
      const oh_hi = r.oh_hi[a];
      for (let b = 0; b < kw; b++, row++) {
        const w_off = b * dw - pw;
        const ow_lo = r.ow_lo[b];
        const ow_hi = r.ow_hi[b];
        const dst = row * L;
        if (oh_lo > 0) col.fill(0, dst, dst + oh_lo * Wo);
        if (oh_hi < Ho) col.fill(0, dst + oh_hi * Wo, dst + L);
        for (let oh = oh_lo; oh < oh_hi; oh++) {
          const d = dst + oh * Wo;
          const src = xc + (oh * sh + h_off) * W + w_off;
          if (ow_lo > 0) col.fill(0, d, d + ow_lo);
          if (ow_hi < Wo) col.fill(0, d + ow_hi, d + Wo);
          if (sw === 1) for (let ow = ow_lo; ow < ow_hi; ow++) col[d + ow] = x[src + ow];
          else for (let ow = ow_lo; ow < ow_hi; ow++) col[d + ow] = x[src + ow * sw];
        }
      }
    }
  }
}

/**
 * Adjoint of im2col: adds every column entry back onto the input pixel it was read from, for
 * `cg` channels starting at gx[gx_base]. Each channel plane is summed in doubles in `plane`
 * (H*W scratch) and stored once.
 */
function col2im(col: FloatArray, cg: number, p: Conv2dParams, r: TapRanges, gx: FloatArray, gx_base: number, plane: Float64Array): void {
  const { H, W, kh, kw, Ho, Wo } = p;
  const [sh, sw] = p.stride;
  const [ph, pw] = p.padding;
  const [dh, dw] = p.dilation;
  const L = Ho * Wo;
  const HW = H * W;
  let row = 0;
  for (let c = 0; c < cg; c++) {
    plane.fill(0, 0, HW);
    for (let a = 0; a < kh; a++) {
      const h_off = a * dh - ph;
      const oh_lo = r.oh_lo[a];
      const oh_hi = r.oh_hi[a];
      for (let b = 0; b < kw; b++, row++) {
        const w_off = b * dw - pw;
        const ow_lo = r.ow_lo[b];
        const ow_hi = r.ow_hi[b];
        const src_row = row * L;
        for (let oh = oh_lo; oh < oh_hi; oh++) {
          const s = src_row + oh * Wo;
          const d = (oh * sh + h_off) * W + w_off;
          for (let ow = ow_lo; ow < ow_hi; ow++) plane[d + ow * sw] += col[s + ow];
        }
      }
    }
    const g = gx_base + c * HW;
    for (let i = 0; i < HW; i++) gx[g + i] = plane[i];
  }
}

/**
 * 2-D convolution forward: out[N,O,Ho,Wo] = x[N,C,H,W] (*) w[O,C/groups,kh,kw] + bias[O].
 *
 * For each sample and group the input is unfolded with im2col into a [C/g*kh*kw, Ho*Wo] matrix
 * and multiplied by the group's weight rows, which turns the sliding window into one GEMM.
 * Output channel o reads the input channels of group floor(o / (O/groups)). Zero padding.
 * @param x input, NCHW
 * @param w weight, [O, C/groups, kh, kw]
 * @param bias per-output-channel bias, or null
 * @param out output, [N, O, Ho, Wo] (overwritten)
 * @param p convolution shape parameters
 * @param gemm_fn the GEMM that does the work (a backend passes its own faster one)
 */
export function conv2d_forward(x: FloatArray, w: FloatArray, bias: FloatArray | null, out: FloatArray, p: Conv2dParams, gemm_fn: GemmFn = gemm): void {
  const { N, C, H, W, O, kh, kw, groups, Ho, Wo } = p;
  const cg = C / groups;
  const og = O / groups;
  const L = Ho * Wo;
  const ckk = cg * kh * kw;
  const r = tap_ranges(p);
  const col = alloc_like(x, ckk * L);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      const o_base = (n * O + g * og) * L;
      // Seed the output with the bias so the GEMM adds the product onto it in a single rounding.
      if (bias !== null) for (let o = 0; o < og; o++) out.fill(bias[g * og + o], o_base + o * L, o_base + (o + 1) * L);
      im2col(x, (n * C + g * cg) * H * W, cg, p, r, col);
      gemm_fn(false, false, og, L, ckk, 1, w, g * og * ckk, ckk, col, 0, L, bias !== null ? 1 : 0, out, o_base, L);
    }
  }
}

/**
 * Gradient of the convolution with respect to its input. Per sample and group the column
 * gradient W_g^T grad_out_g ([C/g*kh*kw, Ho*Wo]) is formed by GEMM and folded back with col2im,
 * which adds the contributions of overlapping windows.
 * @param grad_out gradient of the output, [N, O, Ho, Wo]
 * @param w weight, [O, C/groups, kh, kw]
 * @param grad_x gradient of the input, [N, C, H, W] (overwritten)
 * @param p convolution shape parameters
 * @param gemm_fn the GEMM that does the work (a backend passes its own faster one)
 */
export function conv2d_backward_input(grad_out: FloatArray, w: FloatArray, grad_x: FloatArray, p: Conv2dParams, gemm_fn: GemmFn = gemm): void {
  const { N, C, H, W, O, kh, kw, groups, Ho, Wo } = p;
  const cg = C / groups;
  const og = O / groups;
  const L = Ho * Wo;
  const ckk = cg * kh * kw;
  const r = tap_ranges(p);
  const col = alloc_like(grad_out, ckk * L);
  const plane = new Float64Array(H * W);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      gemm_fn(true, false, ckk, L, og, 1, w, g * og * ckk, ckk, grad_out, (n * O + g * og) * L, L, 0, col, 0, L);
      col2im(col, cg, p, r, grad_x, (n * C + g * cg) * H * W, plane);
    }
  }
}

/**
 * Gradient of the convolution with respect to its weight: grad_w_g = sum_n grad_out_{n,g} im2col(x_{n,g})^T.
 * The sum over samples runs in a double accumulator and is stored once at the end.
 * @param grad_out gradient of the output, [N, O, Ho, Wo]
 * @param x input, [N, C, H, W]
 * @param grad_w gradient of the weight, [O, C/groups, kh, kw] (overwritten)
 * @param p convolution shape parameters
 * @param gemm_fn the GEMM that does the work (a backend passes its own faster one)
 */
export function conv2d_backward_weight(grad_out: FloatArray, x: FloatArray, grad_w: FloatArray, p: Conv2dParams, gemm_fn: GemmFn = gemm): void {
  const { N, C, H, W, O, kh, kw, groups, Ho, Wo } = p;
  const cg = C / groups;
  const og = O / groups;
  const L = Ho * Wo;
  const ckk = cg * kh * kw;
  const r = tap_ranges(p);
  const col = alloc_like(x, ckk * L);
  const acc = grad_w instanceof Float64Array ? grad_w : new Float64Array(O * ckk);
  if (N === 0) acc.fill(0, 0, O * ckk);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      im2col(x, (n * C + g * cg) * H * W, cg, p, r, col);
      gemm_fn(false, true, og, ckk, L, 1, grad_out, (n * O + g * og) * L, L, col, 0, L, n === 0 ? 0 : 1, acc, g * og * ckk, ckk);
    }
  }
  if (acc !== grad_w) grad_w.set(acc.subarray(0, O * ckk));
}

/**
 * Gradient of the convolution with respect to its bias: grad_b[o] = sum over n, Ho, Wo of grad_out.
 * @param grad_out gradient of the output, [N, O, Ho, Wo]
 * @param grad_b gradient of the bias, [O] (overwritten)
 * @param p convolution shape parameters
 */
export function conv2d_backward_bias(grad_out: FloatArray, grad_b: FloatArray, p: Conv2dParams): void {
  const { N, O, Ho, Wo } = p;
  const L = Ho * Wo;
  for (let o = 0; o < O; o++) {
    let s = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * O + o) * L;
      for (let i = 0; i < L; i++) s += grad_out[base + i];
    }
    grad_b[o] = s;
  }
}

// ---------------------------------------------------------------------------------------------
// Pooling
// ---------------------------------------------------------------------------------------------

/**
 * PyTorch's pooling output length: floor (or ceil) of (L + 2p - d(k-1) - 1) / s, plus 1. In ceil
 * mode the last window must start inside the input or the left padding, so a window starting at
 * or beyond L + p is dropped.
 * @param L input length
 * @param k kernel size
 * @param s stride
 * @param p padding on each side
 * @param d dilation
 * @param ceil_mode round the window count up instead of down
 */
export function pool_out_size(L: number, k: number, s: number, p: number, d: number, ceil_mode: boolean): number {
  const span = L + 2 * p - d * (k - 1) - 1;
  let n = (ceil_mode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil_mode && (n - 1) * s >= L + p) n -= 1;
  return n;
}

/**
 * 2-D max pooling. Padding acts as -Infinity and is never selected. Each window is scanned
 * row-major and a value replaces the running maximum only when strictly larger, so ties keep the
 * first position; a NaN always replaces it (as in PyTorch, so NaN propagates and its index is the
 * last NaN in the window).
 * @param x input, NCHW
 * @param out pooled values, [N, C, Ho, Wo]
 * @param indices flat h*W + w position of each maximum inside its (n, c) plane; null when no one needs them
 * @param p pooling parameters
 */
export function max_pool2d_forward(x: FloatArray, out: FloatArray, indices: Float64Array | null, p: Pool2dParams): void {
  const { N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo } = p;
  const HW = H * W;
  for (let nc = 0; nc < N * C; nc++) {
    const xb = nc * HW;
    const ob = nc * Ho * Wo;
    for (let i = 0; i < Ho; i++) {
      const h0 = i * sh - ph;
      for (let j = 0; j < Wo; j++) {
        const w0 = j * sw - pw;
        let m = -Infinity;
        let idx = -1;
        for (let a = 0; a < kh; a++) {
          const h = h0 + a * dh;
          if (h < 0) continue;
          if (h >= H) break;
          const row = h * W;
          for (let b = 0; b < kw; b++) {
            const w = w0 + b * dw;
            if (w < 0) continue;
            if (w >= W) break;
            const v = x[xb + row + w];
            // idx < 0 seeds the first in-bounds position, matching PyTorch when the window is all -Infinity.
            if (v > m || v !== v || idx < 0) {
              m = v;
              idx = row + w;
            }
          }
        }
        out[ob + i * Wo + j] = m;
        if (indices !== null) indices[ob + i * Wo + j] = idx;
      }
    }
  }
}

/**
 * Gradient of max pooling: each output gradient is added to the input position recorded in
 * `indices`; overlapping windows that chose the same input accumulate (in doubles, per plane).
 * @param grad_out gradient of the output, [N, C, Ho, Wo]
 * @param indices argmax positions from max_pool2d_forward
 * @param grad_x gradient of the input, [N, C, H, W] (overwritten)
 * @param p pooling parameters
 */
export function max_pool2d_backward(grad_out: FloatArray, indices: Float64Array, grad_x: FloatArray, p: Pool2dParams): void {
  const { N, C, H, W, Ho, Wo } = p;
  const HW = H * W;
  const L = Ho * Wo;
  const plane = new Float64Array(HW);
  for (let nc = 0; nc < N * C; nc++) {
    plane.fill(0);
    const ob = nc * L;
    for (let i = 0; i < L; i++) {
      const idx = indices[ob + i];
      if (idx >= 0) plane[idx] += grad_out[ob + i];
    }
    const xb = nc * HW;
    for (let i = 0; i < HW; i++) grad_x[xb + i] = plane[i];
  }
}

/**
 * Fills the clipped window bounds and divisor of every output position along one dim, following
 * PyTorch: the padded window [i*s - p, min(i*s - p + k, L + p)) gives the count_include_pad size
 * before clipping to [0, L).
 */
function avg_windows(L: number, n_out: number, k: number, s: number, p: number, start: Int32Array, end: Int32Array, padded: Int32Array): void {
  for (let i = 0; i < n_out; i++) {
    let a = i * s - p;
    let b = Math.min(a + k, L + p);
    padded[i] = b - a;
    a = Math.max(a, 0);
    b = Math.min(b, L);
    start[i] = a;
    end[i] = Math.max(b, a);
  }
}

/** Window tables for average pooling along H and W. */
interface AvgTables {
  hs: Int32Array;
  he: Int32Array;
  hp: Int32Array;
  ws: Int32Array;
  we: Int32Array;
  wp: Int32Array;
}

function avg_tables(p: Pool2dParams): AvgTables {
  const t: AvgTables = {
    hs: new Int32Array(p.Ho),
    he: new Int32Array(p.Ho),
    hp: new Int32Array(p.Ho),
    ws: new Int32Array(p.Wo),
    we: new Int32Array(p.Wo),
    wp: new Int32Array(p.Wo),
  };
  avg_windows(p.H, p.Ho, p.kh, p.sh, p.ph, t.hs, t.he, t.hp);
  avg_windows(p.W, p.Wo, p.kw, p.sw, p.pw, t.ws, t.we, t.wp);
  return t;
}

function avg_divisor(t: AvgTables, i: number, j: number, count_include_pad: boolean, divisor_override: number | null): number {
  if (divisor_override !== null) return divisor_override;
  if (count_include_pad) return t.hp[i] * t.wp[j];
  return (t.he[i] - t.hs[i]) * (t.we[j] - t.ws[j]);
}

/**
 * Average pooling's windows and divisors, for kernels written elsewhere (the wasm backend): window rows
 * [hs[i], he[i]) and columns [ws[j], we[j]) of output (i, j), and its divisor div[i * Wo + j], exactly as
 * `avg_pool2d_forward` divides.
 */
export function avg_pool_plan(p: Pool2dParams, count_include_pad: boolean, divisor_override: number | null):
  { hs: Int32Array; he: Int32Array; ws: Int32Array; we: Int32Array; div: Float64Array } {
  const t = avg_tables(p);
  const div = new Float64Array(p.Ho * p.Wo);
  for (let i = 0; i < p.Ho; i++) for (let j = 0; j < p.Wo; j++) div[i * p.Wo + j] = avg_divisor(t, i, j, count_include_pad, divisor_override);
  return { hs: t.hs, he: t.he, ws: t.ws, we: t.we, div };
}

/**
 * 2-D average pooling (no dilation). The divisor is `divisor_override` if given, else the window
 * size including padding (but not the ceil-mode overhang past L + p) when `count_include_pad`,
 * else the number of input elements actually covered.
 * @param x input, NCHW
 * @param out pooled values, [N, C, Ho, Wo]
 * @param p pooling parameters (dh, dw are ignored)
 * @param count_include_pad count zero padding in the divisor
 * @param divisor_override fixed divisor, or null
 */
export function avg_pool2d_forward(x: FloatArray, out: FloatArray, p: Pool2dParams, count_include_pad: boolean, divisor_override: number | null): void {
  const { N, C, H, W, Ho, Wo } = p;
  const t = avg_tables(p);
  const HW = H * W;
  for (let nc = 0; nc < N * C; nc++) {
    const xb = nc * HW;
    const ob = nc * Ho * Wo;
    for (let i = 0; i < Ho; i++) {
      const h_lo = t.hs[i];
      const h_hi = t.he[i];
      for (let j = 0; j < Wo; j++) {
        const w_lo = t.ws[j];
        const w_hi = t.we[j];
        let s = 0;
        for (let h = h_lo; h < h_hi; h++) {
          const row = xb + h * W;
          for (let w = w_lo; w < w_hi; w++) s += x[row + w];
        }
        out[ob + i * Wo + j] = s / avg_divisor(t, i, j, count_include_pad, divisor_override);
      }
    }
  }
}

/**
 * Gradient of average pooling: each output gradient, divided by the same divisor as the forward,
 * is spread uniformly over the input elements of its window (summed in doubles, per plane).
 * @param grad_out gradient of the output, [N, C, Ho, Wo]
 * @param grad_x gradient of the input, [N, C, H, W] (overwritten)
 * @param p pooling parameters (dh, dw are ignored)
 * @param count_include_pad count zero padding in the divisor
 * @param divisor_override fixed divisor, or null
 */
export function avg_pool2d_backward(grad_out: FloatArray, grad_x: FloatArray, p: Pool2dParams, count_include_pad: boolean, divisor_override: number | null): void {
  const { N, C, H, W, Ho, Wo } = p;
  const t = avg_tables(p);
  const HW = H * W;
  const plane = new Float64Array(HW);
  for (let nc = 0; nc < N * C; nc++) {
    plane.fill(0);
    const ob = nc * Ho * Wo;
    for (let i = 0; i < Ho; i++) {
      const h_lo = t.hs[i];
      const h_hi = t.he[i];
      for (let j = 0; j < Wo; j++) {
        const w_lo = t.ws[j];
        const w_hi = t.we[j];
        const g = grad_out[ob + i * Wo + j] / avg_divisor(t, i, j, count_include_pad, divisor_override);
        for (let h = h_lo; h < h_hi; h++) {
          const row = h * W;
          for (let w = w_lo; w < w_hi; w++) plane[row + w] += g;
        }
      }
    }
    const xb = nc * HW;
    for (let i = 0; i < HW; i++) grad_x[xb + i] = plane[i];
  }
}

/** Adaptive bin bounds along one dim: bin i of In -> Out covers [floor(i*In/Out), ceil((i+1)*In/Out)). */
function adaptive_bins(In: number, Out: number, start: Int32Array, end: Int32Array): void {
  for (let i = 0; i < Out; i++) {
    start[i] = Math.floor((i * In) / Out);
    end[i] = Math.ceil(((i + 1) * In) / Out);
  }
}

/**
 * Adaptive average pooling to a fixed output size. Bin i along a dim In -> Out averages input
 * positions [floor(i*In/Out), ceil((i+1)*In/Out)), so bins tile the input and may overlap by one.
 * @param x input, [NC, H, W] flattened
 * @param out output, [NC, Ho, Wo]
 * @param NC number of planes (N * C)
 * @param H input height
 * @param W input width
 * @param Ho output height
 * @param Wo output width
 */
export function adaptive_avg_pool2d_forward(x: FloatArray, out: FloatArray, NC: number, H: number, W: number, Ho: number, Wo: number): void {
  const hs = new Int32Array(Ho);
  const he = new Int32Array(Ho);
  const ws = new Int32Array(Wo);
  const we = new Int32Array(Wo);
  adaptive_bins(H, Ho, hs, he);
  adaptive_bins(W, Wo, ws, we);
  const HW = H * W;
  for (let nc = 0; nc < NC; nc++) {
    const xb = nc * HW;
    const ob = nc * Ho * Wo;
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        let s = 0;
        for (let h = hs[i]; h < he[i]; h++) {
          const row = xb + h * W;
          for (let w = ws[j]; w < we[j]; w++) s += x[row + w];
        }
        out[ob + i * Wo + j] = s / ((he[i] - hs[i]) * (we[j] - ws[j]));
      }
    }
  }
}

/**
 * Gradient of adaptive average pooling: each output gradient divided by its bin area is added to
 * every input position of the bin (summed in doubles, per plane).
 * @param grad_out gradient of the output, [NC, Ho, Wo]
 * @param grad_x gradient of the input, [NC, H, W] (overwritten)
 * @param NC number of planes (N * C)
 * @param H input height
 * @param W input width
 * @param Ho output height
 * @param Wo output width
 */
export function adaptive_avg_pool2d_backward(grad_out: FloatArray, grad_x: FloatArray, NC: number, H: number, W: number, Ho: number, Wo: number): void {
  const hs = new Int32Array(Ho);
  const he = new Int32Array(Ho);
  const ws = new Int32Array(Wo);
  const we = new Int32Array(Wo);
  adaptive_bins(H, Ho, hs, he);
  adaptive_bins(W, Wo, ws, we);
  const HW = H * W;
  const plane = new Float64Array(HW);
  for (let nc = 0; nc < NC; nc++) {
    plane.fill(0);
    const ob = nc * Ho * Wo;
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        const g = grad_out[ob + i * Wo + j] / ((he[i] - hs[i]) * (we[j] - ws[j]));
        for (let h = hs[i]; h < he[i]; h++) {
          const row = h * W;
          for (let w = ws[j]; w < we[j]; w++) plane[row + w] += g;
        }
      }
    }
    const xb = nc * HW;
    for (let i = 0; i < HW; i++) grad_x[xb + i] = plane[i];
  }
}

// ---------------------------------------------------------------------------------------------
// Bilinear resize
// ---------------------------------------------------------------------------------------------

/**
 * Source taps along one dim for upsample_bilinear2d: output i samples src = i*r (align_corners)
 * or max((i + 0.5)*r - 0.5, 0) (half-pixel centres, clamped so edge outputs copy the edge), then
 * interpolates between i0 = floor(src) and i1 = min(i0 + 1, In - 1) with weight lambda = src - i0 on i1.
 */
function linear_taps(In: number, Out: number, r: number, align_corners: boolean, i0: Int32Array, i1: Int32Array, l1: Float64Array): void {
  for (let i = 0; i < Out; i++) {
    const src = align_corners ? i * r : Math.max((i + 0.5) * r - 0.5, 0);
    const lo = Math.min(Math.floor(src), In - 1);
    i0[i] = lo;
    i1[i] = Math.min(lo + 1, In - 1);
    l1[i] = src - lo;
  }
}

/**
 * Bilinear 2-D resize (PyTorch upsample_bilinear2d). Each output is the separable blend of the
 * four input pixels around its source point; see `area_pixel_scale` (in ops/nn_ops.ts) for `rh` / `rw`.
 * @param x input, [NC, H, W] flattened
 * @param out output, [NC, Ho, Wo]
 * @param NC number of planes (N * C)
 * @param H input height
 * @param W input width
 * @param Ho output height
 * @param Wo output width
 * @param rh source-per-destination scale along H
 * @param rw source-per-destination scale along W
 * @param align_corners map corner pixel centres onto each other instead of using half-pixel centres
 */
export function upsample_bilinear2d_forward(
  x: FloatArray,
  out: FloatArray,
  NC: number,
  H: number,
  W: number,
  Ho: number,
  Wo: number,
  rh: number,
  rw: number,
  align_corners: boolean,
): void {
  const h0 = new Int32Array(Ho);
  const h1 = new Int32Array(Ho);
  const lh = new Float64Array(Ho);
  const w0 = new Int32Array(Wo);
  const w1 = new Int32Array(Wo);
  const lw = new Float64Array(Wo);
  linear_taps(H, Ho, rh, align_corners, h0, h1, lh);
  linear_taps(W, Wo, rw, align_corners, w0, w1, lw);
  const HW = H * W;
  for (let nc = 0; nc < NC; nc++) {
    const xb = nc * HW;
    const ob = nc * Ho * Wo;
    for (let i = 0; i < Ho; i++) {
      const r0 = xb + h0[i] * W;
      const r1 = xb + h1[i] * W;
      const b = lh[i];
      const a = 1 - b;
      const o = ob + i * Wo;
      for (let j = 0; j < Wo; j++) {
        const c0 = w0[j];
        const c1 = w1[j];
        const d = lw[j];
        const e = 1 - d;
        out[o + j] = a * (e * x[r0 + c0] + d * x[r0 + c1]) + b * (e * x[r1 + c0] + d * x[r1 + c1]);
      }
    }
  }
}

/**
 * Gradient of the bilinear resize: the transpose of the forward map, adding each output gradient
 * into its four source pixels with the forward weights (summed in doubles, per plane).
 * @param grad_out gradient of the output, [NC, Ho, Wo]
 * @param grad_x gradient of the input, [NC, H, W] (overwritten)
 * @param NC number of planes (N * C)
 * @param H input height
 * @param W input width
 * @param Ho output height
 * @param Wo output width
 * @param rh source-per-destination scale along H
 * @param rw source-per-destination scale along W
 * @param align_corners same flag as the forward
 */
export function upsample_bilinear2d_backward(
  grad_out: FloatArray,
  grad_x: FloatArray,
  NC: number,
  H: number,
  W: number,
  Ho: number,
  Wo: number,
  rh: number,
  rw: number,
  align_corners: boolean,
): void {
  const h0 = new Int32Array(Ho);
  const h1 = new Int32Array(Ho);
  const lh = new Float64Array(Ho);
  const w0 = new Int32Array(Wo);
  const w1 = new Int32Array(Wo);
  const lw = new Float64Array(Wo);
  linear_taps(H, Ho, rh, align_corners, h0, h1, lh);
  linear_taps(W, Wo, rw, align_corners, w0, w1, lw);
  const HW = H * W;
  const plane = new Float64Array(HW);
  for (let nc = 0; nc < NC; nc++) {
    plane.fill(0);
    const ob = nc * Ho * Wo;
    for (let i = 0; i < Ho; i++) {
      const r0 = h0[i] * W;
      const r1 = h1[i] * W;
      const b = lh[i];
      const a = 1 - b;
      const o = ob + i * Wo;
      for (let j = 0; j < Wo; j++) {
        const g = grad_out[o + j];
        const c0 = w0[j];
        const c1 = w1[j];
        const d = lw[j];
        const e = 1 - d;
        plane[r0 + c0] += a * e * g;
        plane[r0 + c1] += a * d * g;
        plane[r1 + c0] += b * e * g;
        plane[r1 + c1] += b * d * g;
      }
    }
    const xb = nc * HW;
    for (let i = 0; i < HW; i++) grad_x[xb + i] = plane[i];
  }
}

/**
 * Source-per-destination scale for the resize kernels, as PyTorch's area_pixel_compute_scale:
 * with align_corners, (In - 1)/(Out - 1) (0 when Out is 1); otherwise 1/scale_factor when the
 * caller gave a scale factor (so fractional factors keep their exact ratio), else In/Out.
 * @param In input length
 * @param Out output length
 * @param align_corners whether corners are aligned
 * @param scale_factor user scale factor, or null when an output size was given
 */
export function area_pixel_scale(In: number, Out: number, align_corners: boolean, scale_factor: number | null): number {
  if (align_corners) return Out > 1 ? (In - 1) / (Out - 1) : 0;
  return scale_factor !== null && scale_factor > 0 ? 1 / scale_factor : In / Out;
}
