// Checks the reduction kernels against naive per-element reads of contiguous, transposed and strided views:
// sums (in doubles, in row-major order), extrema with NaN, indexed extrema with ties, softmax and log-softmax,
// and their fused gradients against the elementwise kernels they replace.
import { describe, it, expect } from 'vitest';
import { binary, unary } from '../../src/kernels/js/elementwise.js';
import { extreme, extreme_along, softmax, softmax_backward, sum } from '../../src/kernels/js/reduce.js';
import type { StridedView } from '../../src/kernels/strided.js';
import { at, indices, make_rng, views_of } from './strided_views.js';

const SHAPES: number[][] = [[], [5], [3, 4], [2, 1, 5], [2, 3, 4], [0, 3]];

/** Every subset of the dims of `shape`, as flags. */
function reductions(shape: readonly number[]): boolean[][] {
  return Array.from({ length: 1 << shape.length }, (_, m) => shape.map((_s, d) => ((m >> d) & 1) === 1));
}

/** The flat slot of `idx` in the contiguous array of the dims not flagged in `reduced`. */
function slot(shape: readonly number[], reduced: readonly boolean[], idx: readonly number[]): number {
  let k = 0;
  shape.forEach((s, d) => {
    if (!reduced[d]) k = k * s + idx[d]!;
  });
  return k;
}

const kept_numel = (shape: readonly number[], reduced: readonly boolean[]): number => shape.reduce((n, s, d) => (reduced[d] ? n : n * s), 1);

function expect_same(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 0): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const ok = Object.is(g, w) || (Number.isNaN(w) ? Number.isNaN(g) : tol > 0 && Math.abs(g - w) <= tol * Math.max(1, Math.abs(w)));
    expect(ok, `${what} at ${i}: got ${g}, want ${w}`).toBe(true);
  }
}

describe('sum and extreme over any set of dims', () => {
  const rng = make_rng(4);
  for (const shape of SHAPES) {
    it(`[${shape}]`, () => {
      for (const x of views_of(shape, rng)) {
        for (const reduced of reductions(shape)) {
          const n = kept_numel(shape, reduced);
          const want_sum = new Float64Array(n);
          const want_max = new Float64Array(n).fill(-Infinity);
          const want_min = new Float64Array(n).fill(Infinity);
          for (const idx of indices(shape)) {
            const v = at(x, shape, idx);
            const k = slot(shape, reduced, idx);
            want_sum[k] += v;
            if (!Number.isNaN(want_max[k]!) && (Number.isNaN(v) || v > want_max[k]!)) want_max[k] = v;
            if (!Number.isNaN(want_min[k]!) && (Number.isNaN(v) || v < want_min[k]!)) want_min[k] = v;
          }
          const what = `[${shape}] strides [${x.strides}] reduced [${reduced}]`;
          const got = new Float64Array(n);
          sum(x, reduced, got);
          expect_same(got, want_sum, `sum ${what}`);
          extreme(x, reduced, got, true);
          expect_same(got, want_max, `max ${what}`);
          extreme(x, reduced, got, false);
          expect_same(got, want_min, `min ${what}`);
        }
      }
    });
  }
  it('rounds the double sum to float32 once', () => {
    const data = new Float32Array([1, 1e-8, 1e-8, 1e-8]);
    const out = new Float32Array(1);
    sum({ data, shape: [4], strides: [1], offset: 0 }, [true], out);
    expect(out[0]).toBe(Math.fround(1 + 3 * Math.fround(1e-8)));
  });
});

describe('along one dim', () => {
  const rng = make_rng(5);
  for (const shape of SHAPES.filter((s) => s.length > 0)) {
    it(`[${shape}]`, () => {
      for (const x of views_of(shape, rng)) {
        for (let dim = 0; dim < shape.length; dim++) {
          const reduced = shape.map((_, d) => d === dim);
          const n = kept_numel(shape, reduced);
          const lanes: number[][] = Array.from({ length: n }, () => []);
          for (const idx of indices(shape)) lanes[slot(shape, reduced, idx)]!.push(at(x, shape, idx));
          const what = `[${shape}] strides [${x.strides}] dim ${dim}`;
          for (const is_max of [true, false]) {
            // first occurrence on ties, NaN wins
            const first = lanes.map((l) => {
              const nan = l.findIndex((v) => Number.isNaN(v));
              if (nan >= 0) return nan;
              const best = is_max ? Math.max(...l) : Math.min(...l);
              return l.findIndex((v) => v === best);
            });
            const values = new Float64Array(n);
            const idx = new Float64Array(n);
            if (shape[dim] === 0) continue;
            extreme_along(x, dim, values, idx, is_max);
            expect_same(idx, first, `${is_max ? 'argmax' : 'argmin'} ${what}`);
            expect_same(values, lanes.map((l, i) => l[first[i]!]!), `${is_max ? 'max' : 'min'} values ${what}`);
          }
          for (const log of [false, true]) {
            const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
            softmax(x, dim, out, log);
            const want = new Float64Array(out.length);
            let k = 0;
            const pos = new Array<number>(n).fill(0);
            for (const i of indices(shape)) {
              const s = slot(shape, reduced, i);
              const l = lanes[s]!;
              const m = l.some((v) => Number.isNaN(v)) ? Number.NaN : Math.max(...l);
              const lse = Math.log(l.reduce((acc, v) => acc + Math.exp(v - m), 0));
              const v = l[pos[s]!++]!;
              want[k++] = log ? v - m - lse : Math.exp(v - m - lse);
            }
            expect_same(out, want, `${log ? 'log_softmax' : 'softmax'} ${what}`, 1e-12);
          }
        }
      }
    });
  }
});

describe('fused softmax gradients', () => {
  const rng = make_rng(3);
  const contiguous = (data: Float32Array | Float64Array, shape: readonly number[]): StridedView =>
    ({ data, shape, strides: shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1)), offset: 0 });
  for (const shape of [[5], [3, 4], [2, 3, 4]]) {
    for (const f32 of [true, false]) {
      it(`[${shape}] ${f32 ? 'float32' : 'float64'}: bit for bit the mul / sum / sub / exp kernels they replace, every dim and layout`, () => {
        const n = shape.reduce((a, b) => a * b, 1);
        const make = (k: number): Float32Array | Float64Array => (f32 ? new Float32Array(k) : new Float64Array(k));
        for (const [gi, g0] of views_of(shape, rng).entries()) {
          // the float views of views_of's values, with values from (0, 1) as a softmax output's
          const g: StridedView = { ...g0, data: f32 ? Float32Array.from(g0.data, (v) => v * 0.37) : Float64Array.from(g0.data, (v) => v * 0.37) };
          const y = contiguous(f32 ? Float32Array.from({ length: n }, rng) : Float64Array.from({ length: n }, rng), shape);
          for (let dim = 0; dim < shape.length; dim++) {
            const reduced = shape.map((_, d) => d === dim);
            const kept = shape.map((s, d) => (d === dim ? 1 : s));
            const reduce = (v: StridedView): StridedView => {
              const out = make(kept_numel(shape, reduced));
              sum(v, reduced, out);
              return contiguous(out, kept);
            };
            const map2 = (op: 'mul' | 'sub', a: StridedView, b: StridedView): StridedView => {
              const out = make(n);
              binary(op, a, b, shape, out);
              return contiguous(out, shape);
            };
            const e = make(n);
            unary('exp', y, e);
            const want = [map2('mul', y, map2('sub', g, reduce(map2('mul', g, y)))), map2('sub', g, map2('mul', contiguous(e, shape), reduce(g)))];
            for (const log of [false, true]) {
              const got = make(n);
              softmax_backward(g, y, dim, got, log);
              expect_same(got, want[log ? 1 : 0]!.data, `${log ? 'log_softmax' : 'softmax'} gradient, view ${gi}, dim ${dim}`);
            }
          }
        }
      });
    }
  }
});
