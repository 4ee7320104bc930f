// Fused per-channel kernels for batch normalisation over contiguous `[outer, C, inner]` arrays: statistics,
// gradient sums and the affine maps of the forward and the backward, each one pass in float64.
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
