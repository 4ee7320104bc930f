// Checks the elementwise kernels against scalar definitions read through naive per-element strided indexing:
// contiguous, transposed, sliced, broadcast (scalar, row, column) operands, and the special values.
import { describe, it, expect } from 'vitest';
import { binary, contiguous, copy_into, unary, where, type BinaryOp, type UnaryOp } from '../../src/kernels/js/elementwise.js';
import { row_walk, type StridedView } from '../../src/kernels/strided.js';
import { at, indices, make_rng, views_of } from './strided_views.js';

/** Rounds half to even, keeping the sign of a zero result (as PyTorch's round). */
const round_half_even = (x: number): number => {
  const f = Math.floor(x);
  const d = x - f;
  const r = d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
};

const UNARY: Record<UnaryOp, (x: number, a: number, b: number) => number> = {
  neg: (x) => -x, exp: Math.exp, log: Math.log, sqrt: Math.sqrt, rsqrt: (x) => 1 / Math.sqrt(x), abs: Math.abs,
  // PyTorch's sign is (0 < x) − (x < 0): 0 for NaN
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  relu: (x) => (Number.isNaN(x) ? x : x > 0 ? x : 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)), tanh: Math.tanh, reciprocal: (x) => 1 / x, sin: Math.sin, cos: Math.cos,
  square: (x) => x * x, floor: Math.floor, ceil: Math.ceil, round: round_half_even, trunc: Math.trunc,
  log1p: Math.log1p, expm1: Math.expm1, logical_not: (x) => (x === 0 ? 1 : 0), identity: (x) => x,
  add_s: (x, a) => x + a, sub_s: (x, a) => x - a, rsub_s: (x, a) => a - x, mul_s: (x, a) => x * a, div_s: (x, a) => x / a,
  rdiv_s: (x, a) => a / x, pow_s: (x, a) => x ** a, rpow_s: (x, a) => a ** x,
  clamp: (x, a, b) => (Number.isNaN(x) ? x : x < a ? a : x > b ? b : x),
  leaky_relu: (x, a) => (x > 0 ? x : x * a),
  gt_s: (x, a) => +(x > a), lt_s: (x, a) => +(x < a), ge_s: (x, a) => +(x >= a), le_s: (x, a) => +(x <= a),
  eq_s: (x, a) => +(x === a), ne_s: (x, a) => +(x !== a), fill: (_x, a) => a, isnan: (x) => +Number.isNaN(x),
  step_pos: (x) => +(x > 0),
};

const BINARY: Record<BinaryOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y, sub: (x, y) => x - y, mul: (x, y) => x * y, div: (x, y) => x / y, pow: (x, y) => x ** y,
  maximum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x > y || (x === y && !Object.is(x, -0)) ? x : y),
  minimum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x < y || (x === y && Object.is(x, -0)) ? x : y),
  gt: (x, y) => +(x > y), lt: (x, y) => +(x < y), ge: (x, y) => +(x >= y), le: (x, y) => +(x <= y), eq: (x, y) => +(x === y), ne: (x, y) => +(x !== y),
  // NaN is non-zero, so true, as in PyTorch
  logical_and: (x, y) => +(x !== 0 && y !== 0),
  logical_or: (x, y) => +(x !== 0 || y !== 0),
  relu_mask: (g, x) => g * (x > 0 ? 1 : 0),
  atan2: Math.atan2,
};

/** Same value, signed zero and NaN; transcendental ops may differ in the last bits from Math's own. */
function expect_same(got: ArrayLike<number>, want: number[], what: string, ulps = false): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (ulps && Number.isFinite(w) && Number.isFinite(g)) expect(Math.abs(g - w), `${what} at ${i}`).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(w)));
    else expect(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${what} at ${i}: got ${g}, want ${w}`).toBe(true);
  }
}

const SHAPES: number[][] = [[], [1], [7], [3, 4], [2, 1, 5], [2, 3, 4], [4, 1, 3, 2], [0, 3]];
// sigmoid is computed in a form stable for negative x, which differs from 1 / (1 + e^-x) in the last bits
const APPROX = new Set(['sigmoid']);

describe('unary', () => {
  const rng = make_rng(1);
  for (const op of Object.keys(UNARY) as UnaryOp[]) {
    it(op, () => {
      for (const shape of SHAPES) {
        for (const x of views_of(shape, rng)) {
          for (const [a, b] of [[0.5, 1], [-0.5, 1.5], [2, 2]] as const) {
            const out = new Float64Array(shape.reduce((p, s) => p * s, 1));
            unary(op, x, out, a, b);
            const want = [...indices(shape)].map((idx) => UNARY[op](at(x, shape, idx), a, b));
            expect_same(out, want, `${op}(a=${a}, b=${b}) on [${shape}] strides [${x.strides}]`, APPROX.has(op));
          }
        }
      }
    });
  }
});

/** Operand shapes that broadcast to `[2, 3, 4]`: same shape, scalar, row (bias), column, middle and leading dims. */
const BROADCASTS: [number[], number[]][] = [
  [[2, 3, 4], [2, 3, 4]], [[2, 3, 4], []], [[], [2, 3, 4]], [[2, 3, 4], [4]], [[2, 3, 4], [2, 3, 1]],
  [[3, 1], [2, 1, 4]], [[2, 1, 4], [1, 3, 1]], [[1], [2, 3, 4]],
];

describe('binary', () => {
  const rng = make_rng(2);
  for (const op of Object.keys(BINARY) as BinaryOp[]) {
    it(op, () => {
      for (const [sa, sb] of BROADCASTS) {
        const shape = [2, 3, 4];
        for (const a of views_of(sa, rng)) {
          for (const b of views_of(sb, rng)) {
            const out = new Float64Array(24);
            binary(op, a, b, shape, out);
            const want = [...indices(shape)].map((idx) => BINARY[op](at(a, shape, idx), at(b, shape, idx)));
            expect_same(out, want, `${op} [${sa}] strides [${a.strides}] with [${sb}] strides [${b.strides}]`);
          }
        }
      }
    });
  }
  it('writes float32 results rounded, as the typed array stores them', () => {
    const a: StridedView = { data: new Float32Array([0.1, 0.2, 0.3]), shape: [3], strides: [1], offset: 0 };
    const out = new Float32Array(3);
    binary('mul', a, a, [3], out);
    expect([...out]).toEqual([...Float32Array.from(a.data, (v) => v * v)]);
  });
});

describe('where, copy_into, contiguous', () => {
  const rng = make_rng(3);
  it('where broadcasts condition and both branches', () => {
    const shape = [2, 3, 4];
    for (const [sa, sb] of BROADCASTS) {
      for (const c of views_of([3, 1], rng).map((v) => ({ ...v, data: v.data.map((x) => +(x > 0)) }))) {
        for (const a of views_of(sa, rng)) {
          const b = views_of(sb, rng)[1] ?? views_of(sb, rng)[0]!;
          const out = new Float64Array(24);
          where(c, a, b, shape, out);
          expect_same(out, [...indices(shape)].map((idx) => (at(c, shape, idx) ? at(a, shape, idx) : at(b, shape, idx))), `where [${sa}] [${sb}]`);
        }
      }
    }
  });
  it('copy_into writes a broadcast source through a strided destination and leaves the gaps alone', () => {
    for (const shape of SHAPES) {
      for (const dst of views_of(shape, rng)) {
        for (const src of [...views_of(shape, rng), ...views_of(shape.slice(1), rng)]) {
          const before = Float64Array.from(dst.data);
          const d = { ...dst, data: Float64Array.from(dst.data) };
          copy_into(src, d);
          const want = Float64Array.from(before);
          for (const idx of indices(shape)) {
            let off = dst.offset;
            idx.forEach((k, j) => (off += k * dst.strides[j]!));
            want[off] = at(src, shape, idx);
          }
          expect_same(d.data, [...want], `copy [${src.shape}] into [${shape}] strides [${dst.strides}]`);
        }
      }
    }
  });
  it('copy_into repeats one row of 16 or more (a bias) into consecutive rows, any count, the rest untouched', () => {
    for (const rows of [3, 4, 5, 7, 8, 9, 33]) {
      for (const n of [16, 21]) {
        const src: StridedView = { data: Float32Array.from({ length: n + 2 }, (_, i) => i + 0.5), shape: [n], strides: [1], offset: 2 };
        const d: StridedView = { data: new Float32Array(rows * n + 5).fill(-1), shape: [rows, n], strides: [n, 1], offset: 3 };
        copy_into(src, d);
        const want = Array.from({ length: rows * n + 5 }, (_, i) => (i < 3 || i >= 3 + rows * n ? -1 : ((i - 3) % n) + 2.5));
        expect_same(d.data, want, `[${n}] into [${rows}, ${n}]`);
      }
    }
  });
  it('contiguous reads any view in row-major order', () => {
    for (const shape of SHAPES) {
      for (const x of views_of(shape, rng)) {
        const out = new Float64Array(shape.reduce((p, s) => p * s, 1));
        contiguous(x, out);
        expect_same(out, [...indices(shape)].map((idx) => at(x, shape, idx)), `contiguous [${shape}] strides [${x.strides}]`);
      }
    }
  });
});

describe('row_walk', () => {
  it('makes one row of contiguous and scalar operands and one row per bias repetition', () => {
    const data = new Float64Array(24);
    const x: StridedView = { data, shape: [2, 3, 4], strides: [12, 4, 1], offset: 0 };
    const s: StridedView = { data, shape: [], strides: [], offset: 5 };
    const bias: StridedView = { data, shape: [4], strides: [1], offset: 2 };
    const one = row_walk([x, s], [2, 3, 4]);
    expect([one.n, one.rows, ...one.steps, ...Array.from(one.starts[0]!), ...Array.from(one.starts[1]!)]).toEqual([24, 1, 1, 0, 0, 5]);
    const rows = row_walk([x, bias], [2, 3, 4]);
    expect([rows.n, rows.rows, ...rows.steps]).toEqual([4, 6, 1, 1]);
    expect(Array.from(rows.starts[1]!)).toEqual([2, 2, 2, 2, 2, 2]);
  });
});
