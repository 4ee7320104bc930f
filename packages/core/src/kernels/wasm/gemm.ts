// The wasm backend's GEMM, single or batched: copies op(A) and op(B) into wasm memory, packs A there, runs the
// threaded packed 4 x 8 kernel and copies C out once.
import { gemm_batched as js_gemm_batched, type FloatArray } from '../js/nn_kernels.js';
import { cached_pack } from './packed_weights.js';
import { wasm_runtime } from './runtime.js';

// The smallest module using a v128 value: (func (result v128) (v128.const i32x4 0 0 0 0)).
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x0b,
]);

/**
 * Whether this engine runs 128-bit WebAssembly SIMD (Node 16.4+, Chrome 91+, Firefox 89+, Safari 16.4+).
 *
 * @example
 * if (wasm_simd_supported()) set_backend('wasm');
 */
export function wasm_simd_supported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

/**
 * Packs rows [0, M) x depth [0, K) of op(A), op(A)[i, k] = mem[src/4 + i*rs + k*cs], into `dst` as the
 * driver reads a fully packed A: one block of round_up(M, 4) x kb per KC slice of k.
 *
 * @example
 * pack_a_full(w_at, ckk, 1, O, ckk, a_at); // a row-major O x ckk weight already copied to byte w_at
 */
export function pack_a_full(src: number, rs: number, cs: number, M: number, K: number, dst: number): void {
  const { ex, driver } = wasm_runtime();
  const Mp = Math.ceil(M / 4) * 4;
  for (let k0 = 0; k0 < K; k0 += driver.KC) ex.pack_a(src + k0 * cs * 4, rs, cs, M, Math.min(driver.KC, K - k0), dst + Mp * k0 * 4);
}

/**
 * Packs op(B)[0:K, 0:N], op(B)[k, j] = mem[src/4 + k*rs + j*cs], into `dst` as the driver reads a B packed
 * whole: per KC slice of k, all its 8-column micro-panels (round_up(N, 8) x kb).
 *
 * @example
 * pack_b_full(b_at, 1, K, K, N, dst); // a weight stored N x K (as a linear layer's), read transposed
 */
export function pack_b_full(src: number, rs: number, cs: number, K: number, N: number, dst: number): void {
  const { ex, driver } = wasm_runtime();
  const Np = Math.ceil(N / 8) * 8;
  for (let k0 = 0; k0 < K; k0 += driver.KC) ex.pack_b(src + k0 * rs * 4, rs, cs, Math.min(driver.KC, K - k0), N, dst + Np * k0 * 4);
}

/**
 * How an operand of `batch` matrices rows x cols, element (q, i, j) at off + q*bs + i*rs + j*cs, goes into
 * wasm memory: its whole span in one copy, strides kept, when that span holds mostly its own elements; else
 * each matrix line by line into a dense block (a head of attention reads rows strided by all heads: its span
 * is the whole tensor). `floats` is the room it takes, `rs`, `cs`, `bs` its strides there.
 */
interface Placement {
  span: boolean;
  floats: number;
  rs: number;
  cs: number;
  bs: number;
}

function placement(batch: number, bs: number, rows: number, rs: number, cols: number, cs: number): Placement {
  const n = bs === 0 ? 1 : batch;
  const span = (n - 1) * bs + (rows - 1) * rs + (cols - 1) * cs + 1;
  if (span <= 2 * n * rows * cols) return { span: true, floats: span, rs, cs, bs };
  // dense: lines along the unit stride keep their direction
  const by_rows = cs === 1 || rs !== 1;
  return { span: false, floats: n * rows * cols, rs: by_rows ? cols : 1, cs: by_rows ? 1 : rows, bs: bs === 0 ? 0 : rows * cols };
}

/** Copies the operand placed as `p` (see placement) from `X` into `mem` at float index `at`. */
function place(p: Placement, X: Float32Array, off: number, batch: number, bs: number, rows: number, rs: number, cols: number, cs: number,
  mem: Float32Array, at: number): void {
  if (p.span) {
    mem.set(X.subarray(off, off + p.floats), at);
    return;
  }
  const n = bs === 0 ? 1 : batch;
  // line by line along the unit stride (rows when cs = 1, else columns)
  const [lines, len, ls, es] = p.cs === 1 ? [rows, cols, rs, cs] : [cols, rows, cs, rs];
  for (let q = 0, d = at; q < n; q++) {
    for (let l = 0, s = off + q * bs; l < lines; l++, s += ls, d += len) {
      if (es === 1 && len >= 64) mem.set(X.subarray(s, s + len), d);
      else for (let e = 0; e < len; e++) mem[d + e] = X[s + e * es]!;
    }
  }
}

/**
 * General matrix multiply `C = alpha * op(A) op(B) + beta * C` in WebAssembly SIMD, on up to
 * get_num_threads() threads; same contract and arguments as the JS `gemm`. float32 A and B run in wasm
 * (products summed in float32, the way PyTorch's CPU sgemm does), with C of either float type; any float64
 * operand, `alpha = 0` or an empty product falls back to the JS kernel, which sums in doubles.
 *
 * @example
 * wasm_gemm(false, false, 2, 2, 2, 1, a, 0, 2, b, 0, 2, 0, c, 0, 2); // c = a @ b for 2 x 2 row-major a, b
 */
export function wasm_gemm(
  trans_a: boolean, trans_b: boolean, M: number, N: number, K: number, alpha: number,
  A: FloatArray, a_off: number, lda: number, B: FloatArray, b_off: number, ldb: number,
  beta: number, C: FloatArray, c_off: number, ldc: number, b_version?: { readonly version: number },
): void {
  wasm_gemm_batched(1, trans_a, trans_b, M, N, K, alpha, A, a_off, lda, 0, B, b_off, ldb, 0, beta, C, c_off, ldc, 0, b_version);
}

/** Elements of B from which keeping it packed between calls pays (64 KB of floats). */
const KEEP_B_MIN = 16384;

/**
 * `batch` GEMMs as the JS `gemm_batched` (matrix q of each operand `q * stride` elements on), in WebAssembly
 * SIMD as one job: every operand copied into wasm memory once, the threads sharing whole matrices (or, with
 * fewer matrices than threads, the columns or rows of each), the results copied out once. Falls back to the
 * JS kernels where `wasm_gemm` does. Given B's version counter (one B for every matrix), B stays packed in
 * wasm memory while unchanged (see packed_weights.ts): a weight multiplied again, as an RNN's recurrent weight
 * at every step or a linear layer's in every inference forward, is neither copied nor packed again.
 *
 * @example
 * wasm_gemm_batched(64, false, true, 64, 64, 32, 1, q, 0, 2048, 32, k, 0, 2048, 32, 0, s, 0, 64, 4096); // 64 heads' scores
 */
export function wasm_gemm_batched(
  batch: number, trans_a: boolean, trans_b: boolean, M: number, N: number, K: number, alpha: number,
  A: FloatArray, a_off: number, lda: number, a_stride: number, B: FloatArray, b_off: number, ldb: number, b_stride: number,
  beta: number, C: FloatArray, c_off: number, ldc: number, c_stride: number, b_version?: { readonly version: number },
): void {
  if (!(A instanceof Float32Array) || !(B instanceof Float32Array) || M <= 0 || N <= 0 || K <= 0 || alpha === 0 || batch <= 0) {
    js_gemm_batched(batch, trans_a, trans_b, M, N, K, alpha, A, a_off, lda, a_stride, B, b_off, ldb, b_stride, beta, C, c_off, ldc, c_stride);
    return;
  }
  const rt = wasm_runtime();
  const [a_rs, a_cs] = trans_a ? [1, lda] : [lda, 1];
  const [b_rs, b_cs] = trans_b ? [1, ldb] : [ldb, 1];
  const pa = placement(batch, a_stride, M, a_rs, K, a_cs);
  const pb = placement(batch, b_stride, K, b_rs, N, b_cs);
  const Mp = Math.ceil(M / 4) * 4;
  // a small B packs faster than the cache looks it up (its key, closure and stamps cost about 0.7 us a call)
  const kept = b_version !== undefined && (batch === 1 || b_stride === 0) && K * N >= KEEP_B_MIN
    ? cached_pack(B, b_version, `gemm B ${b_off} ${K} ${N} ${b_rs} ${b_cs}`, Math.ceil(N / 8) * 8 * K * 4, (dst) => {
      rt.reset();
      const at = rt.alloc(pb.floats * 4);
      if (!rt.commit()) return false;
      place(pb, B, b_off, batch, b_stride, K, b_rs, N, b_cs, rt.f32, at / 4);
      pack_b_full(at, pb.rs, pb.cs, K, N, dst);
      return true;
    }) : -1;
  rt.reset();
  const a_raw = rt.alloc(pa.floats * 4);
  const a_pack = rt.alloc(batch * Mp * K * 4);
  const b_raw = kept >= 0 ? kept : rt.alloc(pb.floats * 4);
  // C as batch dense M x N blocks
  const c = rt.alloc(batch * M * N * 4);
  // C accumulates onto its own value when that is the whole answer's other term, else is written fresh.
  const onto_c = beta === 1 && alpha === 1 && C instanceof Float32Array;
  const words = [rt.driver.OP.GEMM, M, N, K, a_pack, b_raw, pb.rs, pb.cs, c, N, batch, Mp * K, kept >= 0 ? 0 : pb.bs, M * N, onto_c ? 0 : 1, kept >= 0 ? 1 : 0];
  if (!rt.prepare(words, batch * M * N * K)) {
    js_gemm_batched(batch, trans_a, trans_b, M, N, K, alpha, A, a_off, lda, a_stride, B, b_off, ldb, b_stride, beta, C, c_off, ldc, c_stride);
    return;
  }
  const mem = rt.f32;
  place(pa, A, a_off, batch, a_stride, M, a_rs, K, a_cs, mem, a_raw / 4);
  if (kept < 0) place(pb, B, b_off, batch, b_stride, K, b_rs, N, b_cs, mem, b_raw / 4);
  for (let q = 0; q < batch; q++) pack_a_full(a_raw + q * pa.bs * 4, pa.rs, pa.cs, M, K, a_pack + q * Mp * K * 4);
  const w = c / 4;
  const dense_c = ldc === N && (c_stride === M * N || batch === 1);
  if (onto_c && dense_c) mem.set(C.subarray(c_off, c_off + batch * M * N), w);
  else if (onto_c) for (let q = 0; q < batch; q++) for (let i = 0; i < M; i++) mem.set(C.subarray(c_off + q * c_stride + i * ldc, c_off + q * c_stride + i * ldc + N), w + (q * M + i) * N);
  rt.run();
  if (alpha === 1 && (beta === 0 || onto_c)) {
    if (dense_c) C.set(mem.subarray(w, w + batch * M * N), c_off);
    else for (let q = 0; q < batch; q++) for (let i = 0; i < M; i++) C.set(mem.subarray(w + (q * M + i) * N, w + (q * M + i + 1) * N), c_off + q * c_stride + i * ldc);
    return;
  }
  for (let q = 0; q < batch; q++) {
    for (let i = 0; i < M; i++) {
      const s = w + (q * M + i) * N;
      const d = c_off + q * c_stride + i * ldc;
      if (beta === 0) for (let j = 0; j < N; j++) C[d + j] = alpha * mem[s + j]!;
      else for (let j = 0; j < N; j++) C[d + j] = alpha * mem[s + j]! + beta * C[d + j]!;
    }
  }
}
