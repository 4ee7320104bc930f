// The wasm backend's layer norm kernels: rows of float32 streamed in chunks through the calling thread's
// private wasm memory, statistics and maps in float64 two lanes at a time (V8's scalar loops take 2-4 ns an
// element per pass; the copies in and out cost a fraction of that).
import type { FloatArray } from '../js/nn_kernels.js';
import { channel_moments as js_channel_moments, row_normalize as js_row_normalize, row_normalize_backward as js_row_normalize_backward } from '../js/norm_kernels.js';
import { local_wasm } from './runtime.js';

/** Floats of each row-shaped operand per chunk (whole rows; a longer row takes a chunk of its own). */
const CHUNK = 8192;
/** Below this many elements the copies' fixed cost outweighs the gain. */
const MIN_ELEMENTS = 1024;

const f32 = (a: ArrayLike<number> | null): a is Float32Array => a instanceof Float32Array;
const up16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/**
 * Lays out `D`-float rows in chunks of whole rows: `fixed` bytes first (per-column operands), then one block
 * per row operand (`floats` rows' floats each) and two float64 per-row blocks; calls `each(r0, rows, at)`
 * per chunk with the byte addresses (`at.fixed`, `at.rows[k]`, `at.a`, `at.b`). False when the memory cannot
 * grow to the layout.
 */
function chunked(R: number, D: number, fixed: number, row_operands: number,
  each: (r0: number, rows: number, at: { rows: number[]; a: number; b: number }) => void): boolean {
  const per = Math.max(1, Math.floor(CHUNK / D));
  const block = up16(per * D * 4);
  const rows_at = Array.from({ length: row_operands }, (_, k) => up16(fixed) + k * block);
  const a = up16(fixed) + row_operands * block;
  const b = a + per * 8;
  const rt = local_wasm();
  if (!rt.reserve(b + per * 8)) return false;
  for (let r0 = 0; r0 < R; r0 += per) each(r0, Math.min(per, R - r0), { rows: rows_at, a, b });
  return true;
}

/**
 * Per-channel mean and biased variance, the JS `channel_moments`' contract: float32 rows (one outer block,
 * layer norm's `[R, D]`) run in wasm, summed in float64 two lanes at a time; batch norm's layouts run the JS kernel.
 *
 * @example
 * wasm_channel_moments(x, 1, R, D, mean, variance);
 */
export function wasm_channel_moments(x: FloatArray, outer: number, C: number, inner: number, mean: Float64Array, variance: Float64Array): void {
  const rt = local_wasm();
  if (outer !== 1 || !f32(x) || C * inner < MIN_ELEMENTS || inner === 0 ||
    !chunked(C, inner, 0, 1, (r0, rows, at) => {
      rt.f32.set(x.subarray(r0 * inner, (r0 + rows) * inner), at.rows[0]! / 4);
      rt.ex.row_moments_f32(at.rows[0]!, rows, inner, at.a, at.b);
      mean.set(rt.f64.subarray(at.a / 8, at.a / 8 + rows), r0);
      variance.set(rt.f64.subarray(at.b / 8, at.b / 8 + rows), r0);
    })) {
    js_channel_moments(x, outer, C, inner, mean, variance);
  }
}

/**
 * Layer norm's forward map, the JS `row_normalize`'s contract and arithmetic (float64, rounded once, so the
 * same bits) for float32 rows and parameters.
 *
 * @example
 * wasm_row_normalize(x, R, D, mean, invstd, w, b, out);
 */
export function wasm_row_normalize(x: FloatArray, R: number, D: number, mean: Float64Array, invstd: Float64Array,
  w: ArrayLike<number> | null, b: ArrayLike<number> | null, out: FloatArray): void {
  const rt = local_wasm();
  if (!f32(x) || !f32(out) || (w !== null && !f32(w)) || (b !== null && !f32(b)) || R * D < MIN_ELEMENTS ||
    !chunked(R, D, 2 * D * 4, 2, (r0, rows, at) => {
      const m = rt.f32;
      if (r0 === 0) {
        if (w !== null) m.set(w, 0);
        if (b !== null) m.set(b, D);
      }
      const [xa, oa] = at.rows as [number, number];
      m.set(x.subarray(r0 * D, (r0 + rows) * D), xa / 4);
      rt.f64.set(mean.subarray(r0, r0 + rows), at.a / 8);
      rt.f64.set(invstd.subarray(r0, r0 + rows), at.b / 8);
      rt.ex.row_normalize_f32(xa, rows, D, at.a, at.b, 0, D * 4, oa, +(w !== null), +(b !== null));
      out.set(rt.f32.subarray(oa / 4, oa / 4 + rows * D), r0 * D);
    })) {
    js_row_normalize(x, R, D, mean, invstd, w, b, out);
  }
}

/**
 * Layer norm's backward, the JS `row_normalize_backward`'s contract and float64 arithmetic for float32 rows
 * (the row sums two lanes at a time, so within rounding of the JS kernel; the column sums in the same order).
 *
 * @example
 * wasm_row_normalize_backward(g, x, R, D, mean, invstd, w, dx, grad_w, grad_b);
 */
export function wasm_row_normalize_backward(g: FloatArray, x: FloatArray, R: number, D: number, mean: Float64Array, invstd: Float64Array,
  w: ArrayLike<number> | null, dx: FloatArray | null, grad_w: Float64Array | null, grad_b: Float64Array | null): void {
  const rt = local_wasm();
  // per-column operands first: w (floats), then the float64 column sums, so none of them sits at address 0
  const [gw_at, gb_at] = [up16(D * 4), up16(D * 4) + D * 8];
  if (!f32(g) || !f32(x) || (dx !== null && !f32(dx)) || (w !== null && !f32(w)) || R * D < MIN_ELEMENTS ||
    !chunked(R, D, gb_at + D * 8, 3, (r0, rows, at) => {
      if (r0 === 0) {
        if (w !== null) rt.f32.set(w, 0);
        rt.f64.fill(0, gw_at / 8, gb_at / 8 + D);
      }
      const [ga, xa, da] = at.rows as [number, number, number];
      rt.f32.set(g.subarray(r0 * D, (r0 + rows) * D), ga / 4);
      rt.f32.set(x.subarray(r0 * D, (r0 + rows) * D), xa / 4);
      rt.f64.set(mean.subarray(r0, r0 + rows), at.a / 8);
      rt.f64.set(invstd.subarray(r0, r0 + rows), at.b / 8);
      rt.ex.row_normalize_backward_f32(ga, xa, rows, D, at.a, at.b, 0, +(w !== null), dx === null ? 0 : da,
        grad_w === null ? 0 : gw_at, grad_b === null ? 0 : gb_at);
      if (dx !== null) dx.set(rt.f32.subarray(da / 4, da / 4 + rows * D), r0 * D);
    })) {
    js_row_normalize_backward(g, x, R, D, mean, invstd, w, dx, grad_w, grad_b);
    return;
  }
  // the column sums start at zero and were summed in wasm; the JS contract adds onto the caller's arrays
  if (grad_w !== null) for (let j = 0; j < D; j++) grad_w[j]! += rt.f64[gw_at / 8 + j]!;
  if (grad_b !== null) for (let j = 0; j < D; j++) grad_b[j]! += rt.f64[gb_at / 8 + j]!;
}
