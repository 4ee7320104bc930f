// Fused normalisation kernels in float64: per-channel statistics, gradient sums and affine maps of batch
// normalisation over contiguous `[outer, C, inner]` arrays, and layer normalisation's rows, forward and backward.
import type { FloatArray } from './nn_kernels.js';

/**
 * Per-channel mean and biased variance of `x` viewed as `[outer, C, inner]` (channel c: every `x[o, c, i]`),
 * in two passes (the mean, then the squared deviations from it), summed in float64.
 *
 * @example
 * channel_moments(x, N, C, H * W, mean, variance); // BatchNorm2d's batch statistics
 */
export function channel_moments(x: FloatArray, outer: number, C: number, inner: number, mean: Float64Array, variance: Float64Array): void {
  const count = outer * inner;
  mean.fill(0);
  variance.fill(0);
  for (let o = 0, at = 0; o < outer; o++) {
    for (let c = 0; c < C; c++, at += inner) {
      let s = 0;
      for (let i = at, e = at + inner; i < e; i++) s += x[i]!;
      mean[c]! += s;
    }
  }
  for (let c = 0; c < C; c++) mean[c] = count === 0 ? Number.NaN : mean[c]! / count;
  for (let o = 0, at = 0; o < outer; o++) {
    for (let c = 0; c < C; c++, at += inner) {
      const m = mean[c]!;
      let s = 0;
      for (let i = at, e = at + inner; i < e; i++) {
        const d = x[i]! - m;
        s += d * d;
      }
      variance[c]! += s;
    }
  }
  for (let c = 0; c < C; c++) variance[c] = count === 0 ? Number.NaN : variance[c]! / count;
}

/**
 * Per-channel `Σ g` and `Σ g·(x − mean)` over `[outer, C, inner]` arrays: the two sums batch normalisation's
 * backward needs, in one pass and float64.
 *
 * @example
 * channel_grad_sums(g, x, N, C, H * W, mean, sum_g, sum_gx);
 */
export function channel_grad_sums(
  g: FloatArray, x: FloatArray, outer: number, C: number, inner: number, mean: Float64Array, sum_g: Float64Array, sum_gx: Float64Array,
): void {
  sum_g.fill(0);
  sum_gx.fill(0);
  for (let o = 0, at = 0; o < outer; o++) {
    for (let c = 0; c < C; c++, at += inner) {
      const m = mean[c]!;
      let sg = 0;
      let sgx = 0;
      for (let i = at, e = at + inner; i < e; i++) {
        const gi = g[i]!;
        sg += gi;
        sgx += gi * (x[i]! - m);
      }
      sum_g[c]! += sg;
      sum_gx[c]! += sgx;
    }
  }
}

/**
 * `out = a[c]·x + b[c]·y + k[c]` elementwise over `[outer, C, inner]` arrays (`y` may be null: no `b` term),
 * computed in float64 and rounded once: batch normalisation's forward (`x·scale + shift`) and backward
 * (`α·g + β·x + γ`) in one pass.
 *
 * @example
 * channel_affine(x, null, N, C, H * W, scale, null, shift, out);
 */
export function channel_affine(
  x: FloatArray, y: FloatArray | null, outer: number, C: number, inner: number,
  a: Float64Array, b: Float64Array | null, k: Float64Array, out: FloatArray,
): void {
  for (let o = 0, at = 0; o < outer; o++) {
    for (let c = 0; c < C; c++, at += inner) {
      const ac = a[c]!;
      const kc = k[c]!;
      if (y === null || b === null) {
        for (let i = at, e = at + inner; i < e; i++) out[i] = ac * x[i]! + kc;
      } else {
        const bc = b[c]!;
        for (let i = at, e = at + inner; i < e; i++) out[i] = ac * x[i]! + bc * y[i]! + kc;
      }
    }
  }
}

/**
 * Layer normalisation's forward over the rows of a contiguous `[R, D]` array, given each row's mean and
 * `invstd`: `out = (x − mean)·invstd·w + b` with the optional per-column `w` and `b`, in float64.
 *
 * @example
 * channel_moments(x, 1, R, D, mean, variance); // the row statistics, then
 * row_normalize(x, R, D, mean, invstd, w, b, out);
 */
export function row_normalize(
  x: FloatArray, R: number, D: number, mean: Float64Array, invstd: Float64Array, w: ArrayLike<number> | null, b: ArrayLike<number> | null, out: FloatArray,
): void {
  for (let r = 0, at = 0; r < R; r++, at += D) {
    const m = mean[r]!;
    const s = invstd[r]!;
    if (w === null && b === null) for (let j = 0; j < D; j++) out[at + j] = (x[at + j]! - m) * s;
    else if (b === null) for (let j = 0; j < D; j++) out[at + j] = (x[at + j]! - m) * s * w![j]!;
    else if (w === null) for (let j = 0; j < D; j++) out[at + j] = (x[at + j]! - m) * s + b[j]!;
    else for (let j = 0; j < D; j++) out[at + j] = (x[at + j]! - m) * s * w[j]! + b[j]!;
  }
}

/**
 * Layer normalisation's backward over the rows of contiguous `[R, D]` arrays, two passes per row in float64:
 * `dx = invstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))` with `ĝ = g·w` and `x̂ = (x − mean)·invstd` (when `dx` is given),
 * and the column sums `grad_w += Σ g·x̂`, `grad_b += Σ g` (when given; they must start at zero).
 *
 * @example
 * row_normalize_backward(g, x, R, D, mean, invstd, w, dx, grad_w, grad_b);
 */
export function row_normalize_backward(
  g: FloatArray, x: FloatArray, R: number, D: number, mean: Float64Array, invstd: Float64Array, w: ArrayLike<number> | null,
  dx: FloatArray | null, grad_w: Float64Array | null, grad_b: Float64Array | null,
): void {
  for (let r = 0, at = 0; r < R; r++, at += D) {
    const m = mean[r]!;
    const s = invstd[r]!;
    let sum_gh = 0;
    let sum_ghx = 0;
    for (let j = 0; j < D; j++) {
      const gj = g[at + j]!;
      const xh = (x[at + j]! - m) * s;
      const gh = w === null ? gj : gj * w[j]!;
      sum_gh += gh;
      sum_ghx += gh * xh;
      if (grad_w !== null) grad_w[j]! += gj * xh;
      if (grad_b !== null) grad_b[j]! += gj;
    }
    if (dx === null) continue;
    const mg = sum_gh / D;
    const mgx = sum_ghx / D;
    for (let j = 0; j < D; j++) {
      const xh = (x[at + j]! - m) * s;
      const gh = w === null ? g[at + j]! : g[at + j]! * w[j]!;
      dx[at + j] = s * (gh - mg - xh * mgx);
    }
  }
}
