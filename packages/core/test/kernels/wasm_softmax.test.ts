// The wasm softmax and softmax gradient against float64 references and the js kernels: rows with masked (-inf),
// NaN and +inf entries, outputs down to float32's subnormals, lanes of lengths around four and the chunk size,
// rows strided apart, and the layouts that must fall back to the js kernels bit for bit.
import { describe, expect, it } from 'vitest';
import { js_backend, wasm_backend, type Backend } from '../../src/kernels/backend.js';
import type { StridedView } from '../../src/kernels/strided.js';
import { make_rng } from './strided_views.js';

const strides_of = (shape: readonly number[]): number[] => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

/** Rows of `L` float32 values (`rows` of them, `gap` floats between rows), with special rows mixed in. */
function lanes(rows: number, L: number, gap: number, rng: () => number): StridedView {
  const data = new Float32Array(rows * (L + gap) + 2);
  for (let r = 0; r < rows; r++) {
    const kind = r % 7;
    for (let j = 0; j < L; j++) {
      const at = 2 + r * (L + gap) + j;
      const v = (rng() * 2 - 1) * 10 ** Math.floor(rng() * 3);
      // 1: a causal mask's -inf; 2: a NaN; 3: spread to subnormal outputs; 4: all masked; 5: +inf
      data[at] = kind === 1 && j > r % L ? -Infinity : kind === 2 && j === r % L ? Number.NaN : kind === 3 ? -rng() * 110
        : kind === 4 ? -Infinity : kind === 5 && j === 0 ? Infinity : v;
    }
  }
  return { data, shape: [rows, L], strides: [L + gap, 1], offset: 2 };
}

/** softmax of each row in float64 from the float32 inputs less their max in float32, as PyTorch's kernel subtracts. */
function reference(x: StridedView): Float64Array {
  const [rows, L] = x.shape as [number, number];
  const out = new Float64Array(rows * L);
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: L }, (_, j) => x.data[x.offset + r * x.strides[0]! + j]!);
    const m = row.some(Number.isNaN) ? Number.NaN : Math.max(...row);
    const e = row.map((v) => Math.exp(Math.fround(v - m)));
    const s = e.reduce((a, b) => a + b, 0);
    e.forEach((v, j) => (out[r * L + j] = v / s));
  }
  return out;
}

/** Within about 2.5 float32 ulps (relative 3e-7), or 2e-45 absolute where the result is subnormal; NaN as NaN. */
function expect_close(got: Float32Array, want: Float64Array, what: string): void {
  for (let i = 0; i < got.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : g === w || Math.abs(g - w) <= 3e-7 * Math.abs(w) + 2e-45;
    if (!ok) expect.fail(`${what}: element ${i} is ${g}, expected ${w}`);
  }
}

describe.runIf(wasm_backend !== null)('wasm softmax', () => {
  const wasm = wasm_backend as Backend;
  const rng = make_rng(5);
  // lane lengths around the four-float vectors and past the 8192-float chunk; rows contiguous or strided apart
  const cases: [number, number, number][] = [[1100, 1, 0], [400, 3, 0], [300, 4, 0], [250, 5, 0], [64, 64, 0], [40, 67, 5], [3, 8192, 0], [2, 9001, 3]];
  for (const [rows, L, gap] of cases) {
    it(`[${rows}, ${L}]${gap > 0 ? `, rows ${gap} floats apart` : ''}: float64 reference within float32 ulps`, () => {
      const x = lanes(rows, L, gap, rng);
      const got = new Float32Array(rows * L);
      wasm.softmax(x, 1, got, false);
      expect_close(got, reference(x), `softmax [${rows}, ${L}]`);
      // masked entries are exactly 0, fully masked rows NaN, as PyTorch's math path
      for (let r = 1; r < rows; r += 7) for (let j = r % L + 1; j < L; j++) expect(got[r * L + j]).toBe(0);
      if (rows > 4) expect(Number.isNaN(got[4 * L]!)).toBe(true);
    });
    it(`[${rows}, ${L}]: the gradient y (g - sum(g y)) as the js kernel, within float32 rounding`, () => {
      const y = new Float32Array(rows * L);
      wasm.softmax(lanes(rows, L, 0, rng), 1, y, false);
      const yv: StridedView = { data: y, shape: [rows, L], strides: [L, 1], offset: 0 };
      const g: StridedView = { data: Float32Array.from({ length: rows * (L + gap) }, () => rng() * 2 - 1), shape: [rows, L], strides: [L + gap, 1], offset: 0 };
      const [got, want] = [new Float32Array(rows * L), new Float32Array(rows * L)];
      wasm.softmax_backward(g, yv, 1, got, false);
      js_backend.softmax_backward(g, yv, 1, want, false);
      for (let i = 0; i < got.length; i++) {
        const ok = Number.isNaN(want[i]!) ? Number.isNaN(got[i]!) : Math.abs(got[i]! - want[i]!) <= 2e-6 * (Math.abs(want[i]!) + Math.abs(y[i]!));
        if (!ok) expect.fail(`element ${i} is ${got[i]}, the js kernel gives ${want[i]}`);
      }
    });
  }

  it('takes the js kernels bit for bit where it does not apply: log-softmax, other dims, float64, few elements', () => {
    const shape = [16, 12, 10];
    const data = Float32Array.from({ length: 16 * 12 * 10 }, () => rng() * 8 - 4);
    const x: StridedView = { data, shape, strides: strides_of(shape), offset: 0 };
    const x64: StridedView = { ...x, data: Float64Array.from(data) };
    const small: StridedView = { data, shape: [4, 10], strides: [10, 1], offset: 0 };
    const runs: [StridedView, number, boolean, 'f32' | 'f64'][] = [[x, 2, true, 'f32'], [x, 1, false, 'f32'], [x64, 2, false, 'f64'], [small, 1, false, 'f32']];
    for (const [v, dim, log, kind] of runs) {
      const n = v.shape.reduce((a, b) => a * b, 1);
      const make = (): Float32Array | Float64Array => (kind === 'f32' ? new Float32Array(n) : new Float64Array(n));
      const [got, want] = [make(), make()];
      wasm.softmax(v, dim, got, log);
      js_backend.softmax(v, dim, want, log);
      expect(Array.from(got), `dim ${dim} log ${log} ${kind}`).toEqual(Array.from(want));
      const [bg, bw] = [make(), make()];
      wasm.softmax_backward(v, { ...v, data: want }, dim, bg, log);
      js_backend.softmax_backward(v, { ...v, data: want }, dim, bw, log);
      expect(Array.from(bg), `backward dim ${dim} log ${log} ${kind}`).toEqual(Array.from(bw));
    }
  });
});
