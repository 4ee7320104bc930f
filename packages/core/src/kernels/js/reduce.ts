// Reference reduction kernels: sums, extrema (with indices), and row-wise softmax along one dim.
import type { TypedArray } from '../../dtype.js';
import { broadcast_offsets, row_walk, type RowWalk, type StridedView } from '../strided.js';

function contiguous_strides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i]!;
  }
  return st;
}

/**
 * Walks `x` in row-major order together with the slot of each element in `acc`, the contiguous array of
 * the dims not flagged in `reduced` (a reduced dim steps the slot by 0).
 */
export function walk_reduced(x: StridedView, reduced: readonly boolean[], acc: TypedArray): RowWalk {
  const ks = contiguous_strides(x.shape.map((s, i) => (reduced[i] ? 1 : s)));
  return row_walk([x, { data: acc, shape: x.shape, strides: ks.map((s, i) => (reduced[i] ? 0 : s)), offset: 0 }], x.shape);
}

/** Sum over the dims flagged in `reduced`; `out` holds the kept dims contiguously (sums in doubles, in x's row-major order). */
export function sum(x: StridedView, reduced: readonly boolean[], out: TypedArray): void {
  const acc = new Float64Array(out.length);
  const w = walk_reduced(x, reduced, acc);
  const [x_step, acc_step] = w.steps as [number, number];
  const d = x.data;
  for (let r = 0; r < w.rows; r++) {
    let j = w.starts[0]![r]!;
    let k = w.starts[1]![r]!;
    if (acc_step === 0) {
      let s = acc[k]!;
      for (let i = 0; i < w.n; i++, j += x_step) s += d[j]!;
      acc[k] = s;
    } else {
      for (let i = 0; i < w.n; i++, j += x_step, k += acc_step) acc[k] += d[j]!;
    }
  }
  out.set(acc);
}

/** Max (or min) over the flagged dims, values only; NaN propagates. */
export function extreme(x: StridedView, reduced: readonly boolean[], out: TypedArray, is_max: boolean): void {
  const best = new Float64Array(out.length).fill(is_max ? -Infinity : Infinity);
  const w = walk_reduced(x, reduced, best);
  const [x_step, best_step] = w.steps as [number, number];
  const d = x.data;
  for (let r = 0; r < w.rows; r++) {
    for (let i = 0, j = w.starts[0]![r]!, k = w.starts[1]![r]!; i < w.n; i++, j += x_step, k += best_step) {
      const v = d[j]!;
      const b = best[k]!;
      if (b !== b) continue;
      if (v !== v || (is_max ? v > b : v < b)) best[k] = v;
    }
  }
  out.set(best);
}

/**
 * The lanes of `x` along `dim`, in row-major order of the other dims: where each lane starts in `x` and in a
 * contiguous array of x's shape, its length `L`, and the steps between its elements in both.
 */
function lanes_along(x: StridedView, dim: number): { x_starts: Int32Array; out_starts: Int32Array; L: number; x_step: number; out_step: number } {
  const nd = x.shape.length;
  if (nd === 0) return { x_starts: Int32Array.of(x.offset), out_starts: Int32Array.of(0), L: 1, x_step: 0, out_step: 0 };
  const cs = contiguous_strides(x.shape);
  const others = x.shape.filter((_, d) => d !== dim);
  const starts = (strides: readonly number[], offset: number): Int32Array =>
    broadcast_offsets({ data: x.data, shape: others, strides: strides.filter((_, d) => d !== dim), offset }, others);
  return { x_starts: starts(x.strides, x.offset), out_starts: starts(cs, 0), L: x.shape[dim]!, x_step: x.strides[dim]!, out_step: cs[dim]! };
}

/**
 * Max/min along `dim` with indices: ties go to the first occurrence, NaN wins (PyTorch).
 * `values` and `indices` are contiguous in the shape with `dim` removed (row-major over the other dims).
 */
export function extreme_along(x: StridedView, dim: number, values: TypedArray, indices: Float64Array, is_max: boolean): void {
  const { x_starts, L, x_step } = lanes_along(x, dim);
  if (L === 0) return;
  const d = x.data;
  for (let r = 0; r < x_starts.length; r++) {
    let j = x_starts[r]!;
    let bi = 0;
    let bv = d[j]!;
    for (let i = 1; i < L && bv === bv; i++) {
      j += x_step;
      const v = d[j]!;
      if (v !== v || (is_max ? v > bv : v < bv)) {
        bv = v;
        bi = i;
      }
    }
    values[r] = bv;
    indices[r] = bi;
  }
}

/**
 * The input gradient of softmax (`y·(g − Σ g·y)`) or log-softmax (`g − exp(y)·Σ g`) along `dim`, from the
 * output `y` and its gradient `g` (same shape, any strides); `out` is contiguous in that shape. One pass per
 * lane with the arithmetic of the ops it replaces, each step rounded to the result's dtype: the products (or
 * exponentials), their sum in float64, the difference and the final product.
 *
 * @example
 * softmax_backward(g._view, y._view, 1, out._storage.data, false);
 */
export function softmax_backward(g: StridedView, y: StridedView, dim: number, out: TypedArray, log: boolean): void {
  const gl = lanes_along(g, dim);
  const { x_starts: y_starts, x_step: ys, L } = lanes_along(y, dim);
  const { x_starts: g_starts, out_starts, x_step: gs, out_step: os } = gl;
  const [gd, yd] = [g.data, y.data];
  // float32 results round after each step as the separate float32 ops did; written out twice because a rounding
  // function called through a variable is not inlined
  const f32 = out instanceof Float32Array;
  for (let r = 0; r < g_starts.length; r++) {
    const [g0, y0, o0] = [g_starts[r]!, y_starts[r]!, out_starts[r]!];
    let s = 0;
    if (log) {
      for (let j = 0; j < L; j++) s += gd[g0 + j * gs]!;
      if (f32) {
        const t = Math.fround(s);
        for (let j = 0; j < L; j++) out[o0 + j * os] = gd[g0 + j * gs]! - Math.fround(Math.fround(Math.exp(yd[y0 + j * ys]!)) * t);
      } else {
        for (let j = 0; j < L; j++) out[o0 + j * os] = gd[g0 + j * gs]! - Math.exp(yd[y0 + j * ys]!) * s;
      }
    } else if (f32) {
      for (let j = 0; j < L; j++) s += Math.fround(gd[g0 + j * gs]! * yd[y0 + j * ys]!);
      const t = Math.fround(s);
      for (let j = 0; j < L; j++) out[o0 + j * os] = yd[y0 + j * ys]! * Math.fround(gd[g0 + j * gs]! - t);
    } else {
      for (let j = 0; j < L; j++) s += gd[g0 + j * gs]! * yd[y0 + j * ys]!;
      for (let j = 0; j < L; j++) out[o0 + j * os] = yd[y0 + j * ys]! * (gd[g0 + j * gs]! - s);
    }
  }
}

/**
 * Softmax (or log-softmax) along `dim` with max subtraction; `out` is contiguous in x's shape.
 */
export function softmax(x: StridedView, dim: number, out: TypedArray, log: boolean): void {
  const { x_starts, out_starts, L, x_step, out_step } = lanes_along(x, dim);
  const d = x.data;
  const tmp = new Float64Array(L);
  for (let r = 0; r < x_starts.length; r++) {
    let m = -Infinity;
    for (let j = 0, xi = x_starts[r]!; j < L; j++, xi += x_step) {
      const v = d[xi]!;
      tmp[j] = v;
      if (v > m || v !== v) m = v;
    }
    const o = out_starts[r]!;
    let s = 0;
    if (log) {
      for (let j = 0; j < L; j++) s += Math.exp(tmp[j]! - m);
      const lse = Math.log(s);
      for (let j = 0; j < L; j++) out[o + j * out_step] = tmp[j]! - m - lse;
    } else {
      // each exponential once: kept for the division
      for (let j = 0; j < L; j++) {
        const e = Math.exp(tmp[j]! - m);
        tmp[j] = e;
        s += e;
      }
      for (let j = 0; j < L; j++) out[o + j * out_step] = tmp[j]! / s;
    }
  }
}
