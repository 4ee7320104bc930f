// Host side of the WebAssembly SIMD gemm: packs op(A)/op(B) blocks into wasm memory and runs the 4 x 8 kernel.
import { gemm as js_gemm, type FloatArray } from '../js/nn_kernels.js';
import { GEMM_WASM_BASE64 } from './gemm_wasm.generated.js';

// Register tile of gemm.wat, and cache blocking: a KC x 8 B micro-panel (8 KB) stays in L1, an MC x KC
// A block (128 KB) in L2, and a KC x NC B block (1 MB) in L3.
const MR = 4;
const NR = 8;
const MC = 128;
const KC = 256;
const NC = 1024;

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

type GemmKernel = (a: number, b: number, c: number, m_tiles: number, n_tiles: number, kc: number, ldc: number) => void;

interface WasmGemm {
  memory: WebAssembly.Memory;
  kernel: GemmKernel;
  /** float32 view of `memory`, renewed whenever the memory grows (growing detaches the old buffer). */
  f32: Float32Array;
}

let instance: WasmGemm | null = null;

function load(): WasmGemm {
  if (instance !== null) return instance;
  const bytes = Uint8Array.from(atob(GEMM_WASM_BASE64), (ch) => ch.charCodeAt(0));
  // Synchronous compile is allowed on the main thread for modules this small (well under 4 KB).
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as {
    memory: WebAssembly.Memory;
    gemm_f32_4x8: GemmKernel;
  };
  instance = { memory: exports.memory, kernel: exports.gemm_f32_4x8, f32: new Float32Array(exports.memory.buffer) };
  return instance;
}

/** Makes the memory hold at least `floats` float32 values; only ever grows. */
function reserve(w: WasmGemm, floats: number): void {
  const need = floats * 4 - w.memory.buffer.byteLength;
  if (need > 0) {
    w.memory.grow(Math.ceil(need / 65536));
    w.f32 = new Float32Array(w.memory.buffer);
  }
}

const round_up = (n: number, m: number): number => Math.ceil(n / m) * m;

/**
 * Packs op(A)[i0:i0+mb, k0:k0+kb] into micro-panels of MR rows: dst[t*kb*MR + k*MR + r] = op(A)[t*MR + r, k],
 * rows past mb as zeros. op(A)[i, k] = A[base + i*rs + k*cs].
 */
function pack_a(A: Float32Array, base: number, rs: number, cs: number, mb: number, kb: number, dst: Float32Array, d0: number): void {
  for (let t = 0; t < mb; t += MR) {
    const rows = Math.min(MR, mb - t);
    const panel = d0 + t * kb;
    for (let r = 0; r < MR; r++) {
      let d = panel + r;
      if (r >= rows) {
        for (let k = 0; k < kb; k++, d += MR) dst[d] = 0;
        continue;
      }
      let s = base + (t + r) * rs;
      for (let k = 0; k < kb; k++, d += MR, s += cs) dst[d] = A[s];
    }
  }
}

/**
 * Packs op(B)[k0:k0+kb, j0:j0+nb] into micro-panels of NR columns: dst[t*kb*NR + k*NR + c] = op(B)[k, t*NR + c],
 * columns past nb as zeros. op(B)[k, j] = B[base + k*rs + j*cs].
 */
function pack_b(B: Float32Array, base: number, rs: number, cs: number, kb: number, nb: number, dst: Float32Array, d0: number): void {
  for (let t = 0; t < nb; t += NR) {
    const cols = Math.min(NR, nb - t);
    const panel = d0 + t * kb;
    if (cols === NR && cs === 1) {
      // the common row-major case: each k row of the panel is 8 adjacent floats
      for (let k = 0; k < kb; k++) {
        const s = base + k * rs + t;
        const d = panel + k * NR;
        dst[d] = B[s]; dst[d + 1] = B[s + 1]; dst[d + 2] = B[s + 2]; dst[d + 3] = B[s + 3];
        dst[d + 4] = B[s + 4]; dst[d + 5] = B[s + 5]; dst[d + 6] = B[s + 6]; dst[d + 7] = B[s + 7];
      }
      continue;
    }
    for (let c = 0; c < NR; c++) {
      let d = panel + c;
      if (c >= cols) {
        for (let k = 0; k < kb; k++, d += NR) dst[d] = 0;
        continue;
      }
      let s = base + (t + c) * cs;
      for (let k = 0; k < kb; k++, d += NR, s += rs) dst[d] = B[s];
    }
  }
}

/**
 * General matrix multiply `C = alpha * op(A) op(B) + beta * C` with the WebAssembly SIMD kernel; same
 * contract and arguments as the JS `gemm`. float32 A and B run in wasm (products summed in float32, the
 * way PyTorch's CPU sgemm does), with C of either float type; any float64 operand, `alpha = 0` or an empty
 * product falls back to the JS kernel, which sums in doubles.
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
  const w = load();
  const a_rs = trans_a ? 1 : lda;
  const a_cs = trans_a ? lda : 1;
  const b_rs = trans_b ? 1 : ldb;
  const b_cs = trans_b ? ldb : 1;
  // Float offsets in memory: packed A block, packed B block, then the tile-padded M x N work matrix.
  const mc_max = round_up(Math.min(M, MC), MR);
  const kc_max = Math.min(K, KC);
  const nc_max = round_up(Math.min(N, NC), NR);
  const ldw = round_up(N, NR);
  const a_at = 0;
  const b_at = a_at + mc_max * kc_max;
  const c_at = b_at + kc_max * nc_max;
  reserve(w, c_at + round_up(M, MR) * ldw);
  const mem = w.f32;
  mem.fill(0, c_at, c_at + round_up(M, MR) * ldw);

  for (let j0 = 0; j0 < N; j0 += NC) {
    const nb = Math.min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kb = Math.min(KC, K - k0);
      pack_b(B, b_off + k0 * b_rs + j0 * b_cs, b_rs, b_cs, kb, nb, mem, b_at);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mb = Math.min(MC, M - i0);
        pack_a(A, a_off + i0 * a_rs + k0 * a_cs, a_rs, a_cs, mb, kb, mem, a_at);
        w.kernel(a_at * 4, b_at * 4, (c_at + i0 * ldw + j0) * 4, Math.ceil(mb / MR), Math.ceil(nb / NR), kb, ldw * 4);
      }
    }
  }
  store_c(mem, c_at, ldw, M, N, alpha, beta, C, c_off, ldc);
}

/** C = alpha * work + beta * C over M x N; beta = 0 never reads C (NaN in C does not propagate). */
function store_c(work: Float32Array, w0: number, ldw: number, M: number, N: number, alpha: number, beta: number,
  C: FloatArray, c_off: number, ldc: number): void {
  for (let i = 0; i < M; i++) {
    const s = w0 + i * ldw;
    const d = c_off + i * ldc;
    if (beta === 0 && alpha === 1) C.set(work.subarray(s, s + N), d);
    else if (beta === 0) for (let j = 0; j < N; j++) C[d + j] = alpha * work[s + j];
    else for (let j = 0; j < N; j++) C[d + j] = alpha * work[s + j] + beta * C[d + j];
  }
}
