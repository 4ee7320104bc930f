// The relaxed-SIMD build of the wasm kernels (f32x4.relaxed_madd in the GEMM tiles) against the plain build on the
// same inputs, the plain build against an exact model of its float32 sums, and the choice between them.
import { setFlagsFromString } from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { wasm_kernel_kind } from '../../src/index.js';
import { js_backend, wasm_backend } from '../../src/kernels/backend.js';
import { conv2d_out_size, type Conv2dParams } from '../../src/kernels/js/nn_kernels.js';
import type { KernelExports } from '../../src/kernels/wasm/driver.js';
import { choose_wasm_kernels, kernels_module_bytes, type WasmKernelKind } from '../../src/kernels/wasm/runtime.js';
import { make_rng } from './strided_views.js';

/** Whether this engine validates relaxed SIMD, whatever TSGRAD_RELAXED_SIMD says. */
function engine_has_relaxed(): boolean {
  let valid = false;
  choose_wasm_kernels((bytes) => (valid = WebAssembly.validate(bytes)));
  return valid;
}
// Node 20 has relaxed SIMD behind a V8 flag, which takes effect for modules compiled after it is set; this file's
// process (vitest runs each file in its own) then runs the relaxed kernels, Node 22+ runs them unflagged.
const switched_off = process.env['TSGRAD_RELAXED_SIMD'] === '0';
vi.stubEnv('TSGRAD_RELAXED_SIMD', '');
if (!engine_has_relaxed() && !switched_off) setFlagsFromString('--experimental-wasm-relaxed-simd');
const relaxed_available = engine_has_relaxed();
vi.unstubAllEnvs();

/** One build of the kernels on a memory of its own, unshared. */
function instance(kind: WasmKernelKind): { ex: KernelExports; f32: () => Float32Array } {
  const memory = new WebAssembly.Memory({ initial: 4, maximum: 64 });
  const ex = new WebAssembly.Instance(new WebAssembly.Module(kernels_module_bytes(kind, false)), { env: { memory } })
    .exports as unknown as KernelExports;
  return { ex, f32: () => new Float32Array(memory.buffer) };
}

/** C[M x N] = A[M x K] B[K x N] (row-major, one k block) through pack_a, pack_b and gemm_block of `kind`. */
function kernel_gemm(kind: WasmKernelKind, M: number, N: number, K: number, A: Float32Array, B: Float32Array): Float32Array {
  const { ex, f32 } = instance(kind);
  const [a, b, ap, bp, c, tmp] = [0, 1, 2, 3, 4, 5].map((i) => 64 + i * 48 * 1024);
  f32().set(A, a / 4);
  f32().set(B, b / 4);
  ex.pack_a(a, K, 1, M, K, ap);
  ex.pack_b(b, N, 1, K, N, bp);
  // C written fresh over garbage, never read
  f32().fill(Number.NaN, c / 4, c / 4 + M * N);
  ex.gemm_block(ap, bp, c, M, N, K, N * 4, tmp, 1);
  return f32().slice(c / 4, c / 4 + M * N);
}

const M = 13;
const N = 21;
const K = 300;
const rng = make_rng(18);
const A = Float32Array.from({ length: M * K }, () => rng() * 2 - 1);
const B = Float32Array.from({ length: K * N }, () => rng() * 2 - 1);

describe.runIf(wasm_backend !== null)('relaxed SIMD kernels', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('plain SIMD: each product rounded to float32, then added in k order (the kernels of engines without relaxed SIMD)', () => {
    const got = kernel_gemm('simd', M, N, K, A, B);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc = Math.fround(acc + Math.fround(A[i * K + k]! * B[k * N + j]!));
        expect(got[i * N + j], `C[${i}, ${j}]`).toBe(acc);
      }
    }
  });

  it.runIf(relaxed_available)('relaxed_madd agrees with mul+add within float32 rounding of the sums', () => {
    const plain = kernel_gemm('simd', M, N, K, A, B);
    const fused = kernel_gemm('relaxed_simd', M, N, K, A, B);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let exact = 0;
        let magnitude = 0;
        for (let k = 0; k < K; k++) {
          exact += A[i * K + k]! * B[k * N + j]!;
          magnitude += Math.abs(A[i * K + k]! * B[k * N + j]!);
        }
        // each of the K roundings is at most 2^-24 of the running sum, which is at most the magnitude
        const bound = 2 * K * 2 ** -24 * magnitude;
        expect(Math.abs(fused[i * N + j]! - exact), `fused C[${i}, ${j}]`).toBeLessThanOrEqual(bound);
        expect(Math.abs(fused[i * N + j]! - plain[i * N + j]!), `fused - plain C[${i}, ${j}]`).toBeLessThanOrEqual(2 * bound);
      }
    }
  });

  it.runIf(relaxed_available && !switched_off)('the backend runs the relaxed kernels where the engine has them, convolutions included', () => {
    expect(wasm_kernel_kind()).toBe('relaxed_simd');
    // stride 1 (the direct kernel reading the input in place) and stride 2 (im2col panels through gemm_block)
    for (const stride of [1, 2]) {
      const p: Conv2dParams = { N: 2, C: 5, H: 11, W: 13, O: 7, kh: 3, kw: 3, stride: [stride, stride], padding: [1, 1], dilation: [1, 1],
        groups: 1, Ho: conv2d_out_size(11, 3, stride, 1, 1), Wo: conv2d_out_size(13, 3, stride, 1, 1) };
      const x = Float32Array.from({ length: 2 * 5 * 11 * 13 }, () => rng() * 2 - 1);
      const w = Float32Array.from({ length: 7 * 5 * 9 }, () => rng() * 2 - 1);
      const run = (forward: typeof js_backend.conv2d_forward): Float32Array => {
        const out = new Float32Array(2 * 7 * p.Ho * p.Wo);
        forward(x, w, null, out, p);
        return out;
      };
      const want = run(js_backend.conv2d_forward);
      const got = run(wasm_backend!.conv2d_forward);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `stride ${stride}, out[${i}]`).toBeLessThan(1e-5 * 45);
    }
  });

  it('falls back to the plain kernels when the engine rejects relaxed SIMD, or when TSGRAD_RELAXED_SIMD is 0', () => {
    vi.stubEnv('TSGRAD_RELAXED_SIMD', '');
    const seen: Uint8Array[] = [];
    expect(choose_wasm_kernels((bytes) => (seen.push(bytes), false))).toBe('simd');
    // the probe is a module that needs relaxed SIMD: a plain SIMD engine rejects it, this one (flagged) takes it
    expect(seen).toHaveLength(1);
    expect(WebAssembly.validate(seen[0]!)).toBe(relaxed_available);
    expect(choose_wasm_kernels(() => true)).toBe('relaxed_simd');
    vi.stubEnv('TSGRAD_RELAXED_SIMD', '0');
    expect(choose_wasm_kernels(() => true)).toBe('simd');
    vi.stubEnv('TSGRAD_RELAXED_SIMD', 'yes');
    expect(() => choose_wasm_kernels(() => true)).toThrow("TSGRAD_RELAXED_SIMD must be 0 or 1, got 'yes'");
  });
});
