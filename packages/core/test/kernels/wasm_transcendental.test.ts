// The wasm SIMD exp, sigmoid and tanh against correctly rounded float32 results (float64 Math rounded once):
// within 2 ulp over the whole float32 range (a sweep of bit patterns), with dense sweeps where the polynomials
// switch or the results turn subnormal, saturate or overflow, and exact special values; through the backend's
// unary on rows of several lengths and strides, so the wiring is tested too.
import { describe, expect, it } from 'vitest';
import { js_backend, wasm_backend, type Backend } from '../../src/kernels/backend.js';
import type { UnaryOp } from '../../src/kernels/js/elementwise.js';
import type { StridedView } from '../../src/kernels/strided.js';

/** The correctly rounded float32 results the wasm kernels are held to (sigmoid in its overflow-free form). */
const REFERENCE: Record<'exp' | 'sigmoid' | 'tanh', (x: number) => number> = {
  exp: Math.exp,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  tanh: Math.tanh,
};
const MAX_ULP = 2;

/** float32 values in an order where neighbours differ by one ulp (-0 and +0 both at 0). */
const scratch = new Float32Array(1);
const scratch_bits = new Int32Array(scratch.buffer);
function ordinal(v: number): number {
  scratch[0] = v;
  const b = scratch_bits[0]!;
  return b < 0 ? -2147483648 - b : b;
}

/** Every 4099th float32 bit pattern (both signs, subnormals, infinities, NaNs), then dense runs around the edges. */
function inputs(): Float32Array {
  const out: number[] = [];
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  for (let b = 0; b < 2 ** 32; b += 4099) {
    bits[0] = b;
    out.push(f[0]!);
  }
  const dense = (lo: number, hi: number, n: number): void => {
    for (let i = 0; i <= n; i++) out.push(Math.fround(lo + ((hi - lo) * i) / n));
  };
  dense(-1, 1, 20000); // around 0, where exp's r and tanh's polynomial are small
  dense(0.6, 0.65, 5000); // tanh's switch at 0.625
  dense(-0.65, -0.6, 5000);
  dense(80, 89, 20000); // exp near float32's overflow at 88.72
  dense(-105, -85, 40000); // exp's and sigmoid's subnormal results
  dense(-20, 20, 40000); // the gates' working range, sigmoid and tanh saturating
  out.push(Number.NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 3.4028234663852886e38, -3.4028234663852886e38, 88.72283172607422, 88.72284698486328);
  return Float32Array.from(out);
}

describe.runIf(wasm_backend !== null)('wasm exp, sigmoid and tanh', () => {
  const wasm = wasm_backend as Backend;
  const x = inputs();
  const view: StridedView = { data: x, shape: [x.length], strides: [1], offset: 0 };

  for (const op of ['exp', 'sigmoid', 'tanh'] as const) {
    it(`${op} within ${MAX_ULP} ulp of the correctly rounded float32 result over the float32 range`, () => {
      const got = new Float32Array(x.length);
      wasm.unary(op, view, got);
      let worst = 0;
      let worst_at = 0;
      for (let i = 0; i < x.length; i++) {
        const want = Math.fround(REFERENCE[op](x[i]!));
        if (Number.isNaN(want) || Number.isNaN(got[i]!)) {
          expect(Number.isNaN(got[i]!), `${op}(${x[i]}) = ${got[i]}, expected ${want}`).toBe(Number.isNaN(want));
          continue;
        }
        const d = Math.abs(ordinal(got[i]!) - ordinal(want));
        if (d > worst) [worst, worst_at] = [d, i];
      }
      const v = x[worst_at]!;
      expect(worst, `${op}(${v}) = ${got[worst_at]}, correctly rounded ${Math.fround(REFERENCE[op](v))}`).toBeLessThanOrEqual(MAX_ULP);
    });
  }

  it('special values are exact: exp(±inf), sigmoid(±inf), tanh(±0), tanh(±inf), NaN', () => {
    const specials = Float32Array.from([Number.NaN, Infinity, -Infinity, 0, -0, 89, -104, 200, -200]);
    // 256 copies, so the row is long enough for the wasm loop
    const data = new Float32Array(specials.length * 256).map((_, i) => specials[i % specials.length]!);
    const run = (op: UnaryOp): Float32Array => {
      const out = new Float32Array(data.length);
      wasm.unary(op, { data, shape: [data.length], strides: [1], offset: 0 }, out);
      return out.subarray(0, specials.length);
    };
    expect(Array.from(run('exp'))).toEqual([Number.NaN, Infinity, 0, 1, 1, Infinity, 0, Infinity, 0]);
    expect(Array.from(run('sigmoid'))).toEqual([Number.NaN, 1, 0, 0.5, 0.5, 1, Math.fround(Math.exp(-104)), 1, 0]);
    const t = run('tanh');
    expect(Array.from(t)).toEqual([Number.NaN, 1, -1, 0, -0, 1, -1, 1, -1]);
    expect(Object.is(t[4], -0), 'tanh(-0) is -0').toBe(true);
  });

  it('rows at an offset or apart give what one contiguous row gives; strided rows run the js kernel', () => {
    const base = Float32Array.from({ length: 105 * 80 + 5 }, (_, i) => Math.sin(i) * 12);
    const rows: StridedView = { data: base, shape: [105, 40], strides: [80, 1], offset: 1 };
    const strided: StridedView = { data: base, shape: [3, 700], strides: [1400, 2], offset: 5 };
    for (const op of ['exp', 'sigmoid', 'tanh'] as const) {
      const run = (b: Backend, v: StridedView): number[] => {
        const out = new Float32Array(v.shape.reduce((p, q) => p * q, 1));
        b.unary(op, v, out);
        return Array.from(out);
      };
      const flat = new Float32Array(105 * 40);
      js_backend.unary('identity', rows, flat);
      expect(run(wasm, rows)).toEqual(run(wasm, { data: flat, shape: [flat.length], strides: [1], offset: 0 }));
      expect(run(wasm, strided)).toEqual(run(js_backend, strided));
    }
  });
});
