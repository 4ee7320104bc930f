// The wasm layer norm kernels against the js ones: the forward map bit for bit (the same float64 arithmetic),
// statistics and the backward within float64 rounding of the js sums, over row lengths odd and even, below four
// and past the chunk size, with and without weight and bias, and the layouts that stay in js bit for bit.
import { describe, expect, it } from 'vitest';
import { js_backend, wasm_backend, type Backend } from '../../src/kernels/backend.js';
import { make_rng } from './strided_views.js';

describe.runIf(wasm_backend !== null)('wasm layer norm kernels', () => {
  const wasm = wasm_backend as Backend;
  const rng = make_rng(17);
  const floats = (n: number, scale = 1, shift = 0): Float32Array => Float32Array.from({ length: n }, () => shift + scale * (rng() * 2 - 1));
  /** Within `rel` of the js value (relative to the larger of it and `floor`). */
  const expect_near = (got: ArrayLike<number>, want: ArrayLike<number>, rel: number, floor: number, what: string): void => {
    expect(got.length, what).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i]! - want[i]!) <= rel * Math.max(Math.abs(want[i]!), floor))) expect.fail(`${what}: element ${i} is ${got[i]}, the js kernel gives ${want[i]}`);
    }
  };
  const cases: [number, number][] = [[1024, 1], [400, 3], [300, 4], [129, 128], [70, 33], [2, 9001]];
  for (const [R, D] of cases) {
    for (const [has_w, has_b] of [[true, true], [false, true], [true, false], [false, false]] as const) {
      it(`[${R}, ${D}]${has_w ? ' weight' : ''}${has_b ? ' bias' : ''}`, () => {
        const what = `[${R}, ${D}] w ${has_w} b ${has_b}`;
        // rows with a large common offset: the variance is a small difference, which float64 sums keep
        const x = floats(R * D, 2, 30);
        const [mean, variance, mean_js, variance_js] = [new Float64Array(R), new Float64Array(R), new Float64Array(R), new Float64Array(R)];
        wasm.channel_moments(x, 1, R, D, mean, variance);
        js_backend.channel_moments(x, 1, R, D, mean_js, variance_js);
        expect_near(mean, mean_js, 1e-14, 1, `mean ${what}`);
        expect_near(variance, variance_js, 1e-12, 1e-3, `variance ${what}`);
        const invstd = variance_js.map((v) => 1 / Math.sqrt(v + 1e-5));
        const [w, b] = [has_w ? floats(D) : null, has_b ? floats(D) : null];
        const [out, out_js] = [new Float32Array(R * D), new Float32Array(R * D)];
        wasm.row_normalize(x, R, D, mean_js, invstd, w, b, out);
        js_backend.row_normalize(x, R, D, mean_js, invstd, w, b, out_js);
        expect(Array.from(out), `forward ${what}`).toEqual(Array.from(out_js));
        const g = floats(R * D);
        for (const want of [[true, true, true], [true, false, false], [false, true, true]]) {
          const [dx, dx_js] = want[0] ? [new Float32Array(R * D), new Float32Array(R * D)] : [null, null];
          const [gw, gw_js] = want[1] ? [new Float64Array(D), new Float64Array(D)] : [null, null];
          const [gb, gb_js] = want[2] ? [new Float64Array(D), new Float64Array(D)] : [null, null];
          wasm.row_normalize_backward(g, x, R, D, mean_js, invstd, w, dx, gw, gb);
          js_backend.row_normalize_backward(g, x, R, D, mean_js, invstd, w, dx_js, gw_js, gb_js);
          // the column sums add in the js order: the same bits; dx within float32 rounding of the js row sums'
          if (gw !== null) expect(Array.from(gw), `grad_w ${what}`).toEqual(Array.from(gw_js!));
          if (gb !== null) expect(Array.from(gb), `grad_b ${what}`).toEqual(Array.from(gb_js!));
          if (dx !== null) expect_near(dx, dx_js!, 1e-6, 1e-3, `dx ${what}`);
        }
      });
    }
  }

  it('takes the js kernels bit for bit where it does not apply: batch norm layouts, float64, few elements', () => {
    const x = floats(4 * 8 * 50);
    const [m, v, mj, vj] = [new Float64Array(8), new Float64Array(8), new Float64Array(8), new Float64Array(8)];
    wasm.channel_moments(x, 4, 8, 50, m, v);
    js_backend.channel_moments(x, 4, 8, 50, mj, vj);
    expect([Array.from(m), Array.from(v)]).toEqual([Array.from(mj), Array.from(vj)]);
    const x64 = Float64Array.from(x);
    const [R, D] = [40, 50];
    const [mean, invstd] = [new Float64Array(R).fill(0.1), new Float64Array(R).fill(1.3)];
    const [o, oj] = [new Float64Array(R * D), new Float64Array(R * D)];
    wasm.row_normalize(x64, R, D, mean, invstd, null, null, o);
    js_backend.row_normalize(x64, R, D, mean, invstd, null, null, oj);
    expect(Array.from(o)).toEqual(Array.from(oj));
    const small = x.subarray(0, 60);
    const [s, sj] = [new Float32Array(60), new Float32Array(60)];
    wasm.row_normalize_backward(small, small, 2, 30, mean, invstd, null, s, null, null);
    js_backend.row_normalize_backward(small, small, 2, 30, mean, invstd, null, sj, null, null);
    expect(Array.from(s)).toEqual(Array.from(sj));
  });
});
