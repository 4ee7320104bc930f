// The wasm backend's max pooling (with indices) and average pooling, forward and backward, split over
// (sample, channel) planes.
import {
  avg_pool2d_backward as js_avg_backward, avg_pool2d_forward as js_avg_forward, avg_pool_plan,
  max_pool2d_backward as js_backward, max_pool2d_forward as js_forward, type FloatArray, type Pool2dParams,
} from '../js/nn_kernels.js';
import { wasm_runtime } from './runtime.js';

// A window position costs about as much as this many GEMM multiply-adds, which is what the runtime's
// threshold for splitting a job counts.
const WINDOW_WORK = 64;

/**
 * 2-D max pooling on the wasm backend; same contract, tie and NaN rules as the JS `max_pool2d_forward`
 * (indices, when wanted, are computed in wasm memory and copied out).
 *
 * @example
 * wasm_max_pool2d_forward(x, out, indices, p);
 */
export function wasm_max_pool2d_forward(x: FloatArray, out: FloatArray, indices: Float64Array | null, p: Pool2dParams): void {
  const planes = p.N * p.C;
  const nx = planes * p.H * p.W;
  const no = planes * p.Ho * p.Wo;
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || no === 0) {
    js_forward(x, out, indices, p);
    return;
  }
  const rt = wasm_runtime();
  rt.reset();
  const x_at = rt.alloc(nx * 4);
  const out_at = rt.alloc(no * 4);
  const idx_at = rt.alloc(no * 8);
  const words = [rt.driver.OP.MAX_POOL, planes, p.H, p.W, p.kh, p.kw, p.sh, p.sw, p.ph, p.pw, p.dh, p.dw, p.Ho, p.Wo, x_at, out_at, idx_at];
  if (!rt.prepare(words, no * p.kh * p.kw * WINDOW_WORK)) {
    js_forward(x, out, indices, p);
    return;
  }
  rt.f32.set(x.subarray(0, nx), x_at / 4);
  rt.run();
  out.set(rt.f32.subarray(out_at / 4, out_at / 4 + no));
  indices?.set(rt.f64.subarray(idx_at / 8, idx_at / 8 + no));
}

/**
 * Gradient of max pooling on the wasm backend; same contract as the JS `max_pool2d_backward`, with
 * overlapping windows summed in float32.
 *
 * @example
 * wasm_max_pool2d_backward(grad_out, indices, grad_x, p);
 */
export function wasm_max_pool2d_backward(grad_out: FloatArray, indices: Float64Array, grad_x: FloatArray, p: Pool2dParams): void {
  const planes = p.N * p.C;
  const nx = planes * p.H * p.W;
  const no = planes * p.Ho * p.Wo;
  if (!(grad_out instanceof Float32Array) || !(grad_x instanceof Float32Array) || nx === 0) {
    js_backward(grad_out, indices, grad_x, p);
    return;
  }
  const rt = wasm_runtime();
  rt.reset();
  const go_at = rt.alloc(no * 4);
  const idx_at = rt.alloc(no * 8);
  const gx_at = rt.alloc(nx * 4);
  // A scatter this cheap gains nothing from a second thread at SimpleNet's sizes (measured), so its work
  // counts one per element.
  if (!rt.prepare([rt.driver.OP.MAX_POOL_BACKWARD, planes, p.H * p.W, p.Ho * p.Wo, go_at, idx_at, gx_at], nx + no)) {
    js_backward(grad_out, indices, grad_x, p);
    return;
  }
  rt.f32.set(grad_out.subarray(0, no), go_at / 4);
  rt.f64.set(indices.subarray(0, no), idx_at / 8);
  rt.run();
  grad_x.set(rt.f32.subarray(gx_at / 4, gx_at / 4 + nx));
}

/**
 * Runs one average pooling job (forward or gradient) in wasm: `src` (n_src floats) in, the window bounds and
 * divisors beside it, `dst` (n_dst floats) out. False when the arena cannot grow; the caller then runs js.
 */
function avg_pool_job(op: number, src: Float32Array, n_src: number, dst: Float32Array, n_dst: number, p: Pool2dParams,
  count_include_pad: boolean, divisor_override: number | null): boolean {
  const plan = avg_pool_plan(p, count_include_pad, divisor_override);
  const rt = wasm_runtime();
  rt.reset();
  const src_at = rt.alloc(n_src * 4);
  const dst_at = rt.alloc(n_dst * 4);
  const tab_at = rt.alloc(8 * (p.Ho + p.Wo));
  const div_at = rt.alloc(8 * p.Ho * p.Wo);
  const windows = p.N * p.C * p.Ho * p.Wo * p.kh * p.kw;
  if (!rt.prepare([op, p.N * p.C, p.H, p.W, p.Ho, p.Wo, src_at, dst_at, tab_at, div_at], windows * WINDOW_WORK)) return false;
  rt.f32.set(src.subarray(0, n_src), src_at / 4);
  // hs, he, ws, we as i32 one after another, as the kernels read them
  const bounds = new Int32Array(rt.memory.buffer, tab_at, 2 * (p.Ho + p.Wo));
  let at = 0;
  for (const t of [plan.hs, plan.he, plan.ws, plan.we]) {
    bounds.set(t, at);
    at += t.length;
  }
  rt.f64.set(plan.div, div_at / 8);
  rt.run();
  dst.set(rt.f32.subarray(dst_at / 4, dst_at / 4 + n_dst));
  return true;
}

/**
 * 2-D average pooling on the wasm backend; same contract and arithmetic (float64 window sums, one rounding)
 * as the JS `avg_pool2d_forward`, so results are bit-identical.
 *
 * @example
 * wasm_avg_pool2d_forward(x, out, p, true, null);
 */
export function wasm_avg_pool2d_forward(x: FloatArray, out: FloatArray, p: Pool2dParams, count_include_pad: boolean, divisor_override: number | null): void {
  const nx = p.N * p.C * p.H * p.W;
  const no = p.N * p.C * p.Ho * p.Wo;
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || no === 0 ||
    !avg_pool_job(wasm_runtime().driver.OP.AVG_POOL, x, nx, out, no, p, count_include_pad, divisor_override)) {
    js_avg_forward(x, out, p, count_include_pad, divisor_override);
  }
}

/**
 * Gradient of average pooling on the wasm backend; same contract and arithmetic (each window summed per
 * plane in float64) as the JS `avg_pool2d_backward`, so results are bit-identical.
 *
 * @example
 * wasm_avg_pool2d_backward(grad_out, grad_x, p, true, null);
 */
export function wasm_avg_pool2d_backward(grad_out: FloatArray, grad_x: FloatArray, p: Pool2dParams, count_include_pad: boolean, divisor_override: number | null): void {
  const nx = p.N * p.C * p.H * p.W;
  const no = p.N * p.C * p.Ho * p.Wo;
  if (!(grad_out instanceof Float32Array) || !(grad_x instanceof Float32Array) || nx === 0 ||
    !avg_pool_job(wasm_runtime().driver.OP.AVG_POOL_BACKWARD, grad_out, no, grad_x, nx, p, count_include_pad, divisor_override)) {
    js_avg_backward(grad_out, grad_x, p, count_include_pad, divisor_override);
  }
}
