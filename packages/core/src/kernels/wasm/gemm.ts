// The wasm backend's GEMM: copies op(A) and op(B) into wasm memory, packs A there, runs the threaded packed
// 4 x 8 kernel and copies C out once.
import { gemm as js_gemm, type FloatArray } from '../js/nn_kernels.js';
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
  beta: number, C: FloatArray, c_off: number, ldc: number,
): void {
  if (!(A instanceof Float32Array) || !(B instanceof Float32Array) || M <= 0 || N <= 0 || K <= 0 || alpha === 0) {
    js_gemm(trans_a, trans_b, M, N, K, alpha, A, a_off, lda, B, b_off, ldb, beta, C, c_off, ldc);
    return;
  }
  const rt = wasm_runtime();
  const a_rs = trans_a ? 1 : lda;
  const a_cs = trans_a ? lda : 1;
  const b_rs = trans_b ? 1 : ldb;
  const b_cs = trans_b ? ldb : 1;
  const a_len = (M - 1) * a_rs + (K - 1) * a_cs + 1;
  const b_len = (K - 1) * b_rs + (N - 1) * b_cs + 1;
  rt.reset();
  const a_raw = rt.alloc(a_len * 4);
  const a_pack = rt.alloc(Math.ceil(M / 4) * 4 * K * 4);
  const b_raw = rt.alloc(b_len * 4);
  const c = rt.alloc(M * N * 4);
  if (!rt.prepare([rt.driver.OP.GEMM, M, N, K, a_pack, b_raw, b_rs, b_cs, c, N], M * N * K)) {
    js_gemm(trans_a, trans_b, M, N, K, alpha, A, a_off, lda, B, b_off, ldb, beta, C, c_off, ldc);
    return;
  }
  const mem = rt.f32;
  mem.set(A.subarray(a_off, a_off + a_len), a_raw / 4);
  mem.set(B.subarray(b_off, b_off + b_len), b_raw / 4);
  pack_a_full(a_raw, a_rs, a_cs, M, K, a_pack);
  // C accumulates onto its own value when that is the whole answer's other term, else onto zeros.
  const onto_c = beta === 1 && alpha === 1 && C instanceof Float32Array;
  if (onto_c) for (let i = 0; i < M; i++) mem.set(C.subarray(c_off + i * ldc, c_off + i * ldc + N), c / 4 + i * N);
  else rt.ex.fill_rows(c, M, N, N, -1);
  rt.run();
  const w = c / 4;
  if (alpha === 1 && (beta === 0 || onto_c)) {
    if (ldc === N) C.set(mem.subarray(w, w + M * N), c_off);
    else for (let i = 0; i < M; i++) C.set(mem.subarray(w + i * N, w + (i + 1) * N), c_off + i * ldc);
    return;
  }
  for (let i = 0; i < M; i++) {
    const s = w + i * N;
    const d = c_off + i * ldc;
    if (beta === 0) for (let j = 0; j < N; j++) C[d + j] = alpha * mem[s + j]!;
    else for (let j = 0; j < N; j++) C[d + j] = alpha * mem[s + j]! + beta * C[d + j]!;
  }
}
