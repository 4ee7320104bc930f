// The wasm elementwise maps against the js kernels, bit for bit: special values (NaN, ±inf, ±0), lengths around
// the chunk size and not a multiple of four, offsets, strided rows, broadcasts and scalars that take the js path.
// (exp, sigmoid and tanh are within a few ulp of the js kernels instead: wasm_transcendental.test.ts.)
import { describe, expect, it } from 'vitest';
import { js_backend, wasm_backend, type Backend } from '../../src/kernels/backend.js';
import type { BinaryOp, UnaryOp } from '../../src/kernels/js/elementwise.js';
import type { StridedView } from '../../src/kernels/strided.js';
import { local_wasm } from '../../src/kernels/wasm/runtime.js';
import { make_rng, SPECIAL } from './strided_views.js';

const strides_of = (shape: readonly number[]): number[] => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

/** float32 values spread over several binades with both signs; unless `finite`, a third of them special. */
function values(n: number, rng: () => number, finite = false): Float32Array {
  return Float32Array.from({ length: n }, () => (!finite && rng() < 0.3 ? SPECIAL[Math.floor(rng() * SPECIAL.length)]! : (rng() * 2 - 1) * 10 ** Math.floor(rng() * 6 - 3)));
}

/** A float32 view of `shape`: contiguous after an offset, or (`strided`) every other element of its storage. */
function view(shape: number[], rng: () => number, offset: number, strided = false, finite = false): StridedView {
  const n = shape.reduce((a, b) => a * b, 1);
  const k = strided ? 2 : 1;
  return { data: values(offset + k * n, rng, finite), shape, strides: strides_of(shape).map((s) => k * s), offset };
}

/** The first index where `a` and `b` differ in their bits (any NaN equals any NaN, -0 differs from +0), or -1. */
function first_difference(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const view = (x: Float32Array | Float64Array): Uint32Array => new Uint32Array(x.buffer, x.byteOffset, x.byteLength / 4);
  const [p, q] = [view(a), view(b)];
  const per = p.length / a.length;
  for (let i = 0; i < p.length; i++) {
    const e = Math.floor(i / per);
    if (p[i] !== q[i] && !(Number.isNaN(a[e]) && Number.isNaN(b[e]))) return e;
  }
  return -1;
}

function expect_same(what: string, got: Float32Array | Float64Array, want: Float32Array | Float64Array): void {
  const i = first_difference(got, want);
  expect(i, `${what}: element ${i} is ${got[i]}, the js kernel gives ${want[i]}`).toBe(-1);
}

describe.runIf(wasm_backend !== null)('wasm elementwise maps equal the js kernels bit for bit', () => {
  const wasm = wasm_backend as Backend;
  const rng = make_rng(11);
  // around the 8192-float chunk, below and above the wasm threshold, odd lengths; rows of several shapes
  const shapes: number[][] = [[4096], [4099], [8192], [8193], [20001], [8, 10, 24, 24], [3, 5000], [5, 7, 300], [100], [40, 100]];
  const unary_ops: [UnaryOp, number][] = [['relu', 0], ['neg', 0], ['add_s', 1.5], ['sub_s', -0.25], ['rsub_s', 3], ['mul_s', -2], ['mul_s', 0.1], ['add_s', Number.NaN]];
  const binary_ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'relu_mask'];

  for (const shape of shapes) {
    for (const strided of [false, true]) {
      for (const [op, a] of unary_ops) {
        it(`${op}(${a}) on [${shape}]${strided ? ', strided' : ''}`, () => {
          const x = view(shape, rng, 3, strided);
          const n = shape.reduce((p, q) => p * q, 1);
          const run = (b: Backend): Float32Array => {
            const out = new Float32Array(n);
            b.unary(op, x, out, a);
            return out;
          };
          expect_same(op, run(wasm), run(js_backend));
        });
      }
      for (const op of binary_ops) {
        it(`${op} on [${shape}]${strided ? ', second operand strided' : ''}`, () => {
          const x = view(shape, rng, 1);
          const y = view(shape, rng, 5, strided);
          const n = shape.reduce((p, q) => p * q, 1);
          const run = (b: Backend): Float32Array => {
            const out = new Float32Array(n);
            b.binary(op, x, y, shape, out);
            return out;
          };
          expect_same(op, run(wasm), run(js_backend));
        });
      }
    }
  }

  it('large float32 rows go through the wasm memory (the last chunk is left there)', () => {
    const x = view([10000], rng, 0);
    const out = new Float32Array(10000);
    wasm.unary('relu', x, out);
    // the last chunk, floats 8192.., was mapped at the second chunk slot of the private memory
    expect_same('chunk', local_wasm().f32.subarray(8192, 8192 + 1808), out.subarray(8192));
  });

  it('broadcast operands (a bias row, a scalar) give what the js kernel gives', () => {
    const shape = [64, 300];
    const x = view(shape, rng, 0);
    for (const y of [view([300], rng, 2), view([64, 1], rng, 0), view([], rng, 1)]) {
      for (const op of binary_ops) {
        const run = (b: Backend): Float32Array => {
          const out = new Float32Array(64 * 300);
          b.binary(op, x, y, shape, out);
          return out;
        };
        expect_same(`${op} with [${y.shape}]`, run(wasm), run(js_backend));
      }
    }
  });

  it('float64 operands and ops without a wasm loop run the js kernel', () => {
    const x: StridedView = { data: Float64Array.from(values(5000, rng)), shape: [5000], strides: [1], offset: 0 };
    for (const op of ['relu', 'exp', 'sigmoid'] as UnaryOp[]) {
      const got = new Float64Array(5000);
      const want = new Float64Array(5000);
      wasm.unary(op, x, got);
      js_backend.unary(op, x, want);
      expect_same(op, got, want);
    }
    const f = view([5000], rng, 0);
    const got = new Float32Array(5000);
    const want = new Float32Array(5000);
    wasm.unary('log', f, got);
    js_backend.unary('log', f, want);
    expect_same('log', got, want);
  });

  // sums: float64 in x's row-major order, so the bits must match too (one pattern also keeps the specials)
  const sum_cases: [number[], boolean[]][] = [
    [[64, 5000], [false, true]], [[64, 5000], [true, false]], [[64, 5000], [true, true]], [[9000], [true]],
    [[3, 4, 2000], [true, false, false]], [[3, 4, 2000], [false, true, true]], [[3, 4, 2000], [true, false, true]],
    [[6, 300, 7], [false, true, false]], [[40, 100], [true, true]],
    // short rows added into a row of sums (a bias gradient's column sums, a mean over the middle dim)
    [[1024, 128], [true, false]], [[16, 64, 40], [false, true, false]], [[3000, 3], [true, false]], [[5, 9000, 2], [true, true, false]],
  ];
  it('sum of short rows that are not consecutive in memory (a chunk of a packed projection)', () => {
    // [64, 16, 128] read from a [64, 16, 384] block, as attention's q, k, v gradients, summed over the first two dims
    const data = values(64 * 16 * 384, rng, true);
    const x: StridedView = { data, shape: [64, 16, 128], strides: [6144, 384, 1], offset: 128 };
    const [got, want] = [new Float32Array(128), new Float32Array(128)];
    wasm.sum(x, [true, true, false], got);
    js_backend.sum(x, [true, true, false], want);
    expect_same('sum', got, want);
  });
  it('sum with NaN and infinities among the values', () => {
    const x = view([50, 4000], rng, 0);
    for (const reduced of [[false, true], [true, false]]) {
      const n = reduced[0] ? 4000 : 50;
      const got = new Float32Array(n);
      const want = new Float32Array(n);
      wasm.sum(x, reduced, got);
      js_backend.sum(x, reduced, want);
      expect_same('sum', got, want);
    }
  });
  for (const [shape, reduced] of sum_cases) {
    for (const strided of [false, true]) {
      it(`sum of [${shape}] over [${reduced}]${strided ? ', strided' : ''}`, () => {
        // finite values: a NaN or an infinity anywhere would make most sums equal trivially
        const x = view(shape, rng, 2, strided, true);
        const n = shape.filter((_, d) => !reduced[d]).reduce((p, q) => p * q, 1);
        const run = (b: Backend): Float32Array => {
          const out = new Float32Array(n);
          b.sum(x, reduced, out);
          return out;
        };
        expect_same('sum', run(wasm), run(js_backend));
      });
    }
  }
});


describe.runIf(wasm_backend !== null)('wasm contiguous equals the js kernel bit for bit', () => {
  const wasm = wasm_backend as Backend;
  const rng = make_rng(23);
  /** `shape` read through the permutation `perm` of a contiguous storage (after `offset` floats), sliced by `step` on dim 0. */
  const permuted = (shape: number[], perm: number[], offset: number, step = 1): StridedView => {
    const base = perm.map((p) => shape[p]!);
    base[perm.indexOf(0)]! *= step;
    const bs = strides_of(base);
    const strides = shape.map((_, d) => bs[perm.indexOf(d)]! * (d === 0 ? step : 1));
    return { data: values(offset + base.reduce((a, b) => a * b, 1), rng), shape, strides, offset };
  };
  // attention's head views (rows of 32 strided by all heads), rows of 1 to 63, long rows, a sparse span, few elements
  const cases: [string, StridedView][] = [
    ['[64, 64, 32] transposed 0, 1', permuted([64, 64, 32], [1, 0, 2], 0)],
    ['[64, 16, 4, 32] as permute(2, 0, 1, 3)', permuted([64, 16, 4, 32], [1, 2, 0, 3], 5)],
    ['[100, 3, 41] with the last two swapped', permuted([100, 3, 41], [0, 2, 1], 1)],
    ['[300, 63] transposed', permuted([300, 63], [1, 0], 0)],
    ['[64, 64, 32] transposed, every other row of dim 0', permuted([64, 64, 32], [1, 0, 2], 0, 2)],
    ['[80, 120] rows of 120', permuted([80, 120], [0, 1], 3)],
    ['[16, 8, 8] transposed (few elements)', permuted([16, 8, 8], [1, 0, 2], 0)],
  ];
  for (const [what, x] of cases) {
    it(what, () => {
      const n = x.shape.reduce((a, b) => a * b, 1);
      const [got, want] = [new Float32Array(n), new Float32Array(n)];
      wasm.contiguous(x, got);
      js_backend.contiguous(x, want);
      expect_same(what, got, want);
      // the maps of such views gather the same way (attention's q and k scaled by a float64 1/sqrt(sqrt(E)))
      for (const [op, a] of [['mul_s', 1 / Math.sqrt(Math.sqrt(32))], ['mul_s', -2], ['relu', 0], ['add_s', 1.5]] as [UnaryOp, number][]) {
        const [mg, mw] = [new Float32Array(n), new Float32Array(n)];
        wasm.unary(op, x, mg, a);
        js_backend.unary(op, x, mw, a);
        expect_same(`${op}(${a}) of ${what}`, mg, mw);
      }
    });
  }
});
