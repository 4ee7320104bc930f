// The wasm backend's elementwise maps and sums: float32 rows streamed in L2-sized chunks through the calling
// thread's private (unshared) wasm memory, mapped four lanes at a time or summed in float64. V8 compiles a JS
// elementwise loop to scalar code (about 1 ns per element here); the SIMD loop with both copies costs a
// fraction of that on large tensors. Everything else runs the JS kernels.
import type { TypedArray } from '../../dtype.js';
import { binary as js_binary, contiguous as js_contiguous, unary as js_unary, type BinaryOp, type UnaryOp } from '../js/elementwise.js';
import { sum as js_sum, walk_reduced } from '../js/reduce.js';
import { row_walk, view_numel, type RowWalk, type StridedView } from '../strided.js';
import { local_wasm } from './runtime.js';

/** Op codes of the wasm `map_unary_f32`, `map_transcendental_f32` and `map_binary_f32`. */
const UNARY_CODES: Partial<Record<UnaryOp, number>> = { relu: 0, neg: 1, add_s: 2, sub_s: 3, rsub_s: 4, mul_s: 5 };
const TRANSCENDENTAL_CODES: Partial<Record<UnaryOp, number>> = { exp: 0, sigmoid: 1, tanh: 2 };
const BINARY_CODES: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, relu_mask: 4 };
/** Floats per operand per chunk: three operands' chunks (96 KB) stay in L2. */
export const CHUNK = 8192;
/** Below this many elements, or rows shorter than MIN_ROW, the copies' fixed cost outweighs the gain. */
const MIN_ELEMENTS = 4096;
const MIN_ROW = 256;
/** The same for exp, sigmoid and tanh, whose JS loops cost 8-15 ns an element against the wasm loops' 1.3-2.8. */
const MIN_TRANSCENDENTAL_ELEMENTS = 256;
const MIN_TRANSCENDENTAL_ROW = 32;

const up4 = (n: number): number => (n + 3) & ~3;

/**
 * Streams the rows of `w` (contiguous in every source) through the private memory: each chunk of source k
 * (`chunk` floats at most, CHUNK unless given: softmax passes whole lanes) is copied to byte k * chunk * 4,
 * `map(len)` computes it into the next slot, which is copied to `out` (row r at r * w.n). False, doing
 * nothing, when the memory cannot grow to the slots.
 *
 * @example
 * stream(w, [x.data], out, (len) => ex.map_unary_f32(0, 0, CHUNK * 4, up4(len), 0)); // relu
 */
export function stream(w: RowWalk, sources: readonly Float32Array[], out: Float32Array, map: (len: number) => void, chunk = CHUNK): boolean {
  const rt = local_wasm();
  if (!rt.reserve((sources.length + 1) * chunk * 4)) return false;
  const mem = rt.f32;
  const out_at = sources.length * chunk;
  for (let r = 0; r < w.rows; r++) {
    for (let c = 0; c < w.n; c += chunk) {
      const len = Math.min(chunk, w.n - c);
      sources.forEach((src, k) => {
        const s = w.starts[k]![r]! + c;
        mem.set(src.subarray(s, s + len), k * chunk);
      });
      map(len);
      out.set(mem.subarray(out_at, out_at + len), r * w.n + c);
    }
  }
  return true;
}

/**
 * Whether scalar `a` keeps its value as a float32: the wasm kernel computes in float32 and the JS kernel in
 * float64 rounded once, which agree exactly only when the scalar is a float32 value.
 */
const is_f32 = (a: number): boolean => Math.fround(a) === a || Number.isNaN(a);

/**
 * `out[i] = op(x[i])`, the JS `unary`'s contract; float32 rows of relu, neg and arithmetic with a float32
 * scalar run in wasm, bit-identical to the JS kernel; float32 exp, sigmoid and tanh run the wasm SIMD
 * polynomials (within 2 ulp of the correctly rounded result, as PyTorch's vectorised CPU kernels are within
 * 1-2 ulp of it; the JS kernel rounds a float64 result once).
 *
 * @example
 * wasm_unary('relu', x._view, out._storage.data);
 */
export function wasm_unary(op: UnaryOp, x: StridedView, out: TypedArray, a = 0, b = 0): void {
  const t_code = TRANSCENDENTAL_CODES[op];
  if (t_code !== undefined) {
    transcendental(t_code, op, x, out);
    return;
  }
  // a float64 scalar multiplies in float64 and rounds once, as the js kernel (attention's 1/sqrt(sqrt(E)))
  const by_f64 = op === 'mul_s' && !is_f32(a);
  const code = UNARY_CODES[op];
  if (code === undefined || !(x.data instanceof Float32Array) || !(out instanceof Float32Array) || (!is_f32(a) && !by_f64) ||
    view_numel(x.shape) < MIN_ELEMENTS) {
    js_unary(op, x, out, a, b);
    return;
  }
  const ex = local_wasm().ex;
  const map = (from: number, to: number, len: number): void => {
    if (by_f64) ex.scale_f32_f64(from, to, len, a);
    else ex.map_unary_f32(code, from, to, up4(len), a);
  };
  const w = row_walk([x], x.shape);
  const done = w.steps[0] === 1 && (w.n >= MIN_ROW ? stream(w, [x.data as Float32Array], out, (len) => map(0, CHUNK * 4, len)) : gathered(x, w, out, map));
  if (!done) js_unary(op, x, out, a, b);
}

/** exp, sigmoid or tanh (`code` of map_transcendental_f32) of x into out, in wasm where x is float32 and large enough. */
function transcendental(code: number, op: UnaryOp, x: StridedView, out: TypedArray): void {
  if (!(x.data instanceof Float32Array) || !(out instanceof Float32Array) || view_numel(x.shape) < MIN_TRANSCENDENTAL_ELEMENTS) {
    js_unary(op, x, out);
    return;
  }
  const w = row_walk([x], x.shape);
  if (w.steps[0] !== 1 || w.n < MIN_TRANSCENDENTAL_ROW) {
    js_unary(op, x, out);
    return;
  }
  const map = local_wasm().ex.map_transcendental_f32;
  if (!stream(w, [x.data as Float32Array], out, (len) => map(code, 0, CHUNK * 4, up4(len)))) js_unary(op, x, out);
}

/**
 * `out[i] = op(a[i], b[i])` with broadcasting, the JS `binary`'s contract; float32 rows where neither operand
 * is broadcast along the row run add, sub, mul, div and the ReLU gradient in wasm, bit-identical to the JS
 * kernel.
 *
 * @example
 * wasm_binary('relu_mask', g._view, x._view, g.shape, out._storage.data);
 */
export function wasm_binary(op: BinaryOp, a: StridedView, b: StridedView, out_shape: readonly number[], out: TypedArray): void {
  const code = BINARY_CODES[op];
  if (code === undefined || !(a.data instanceof Float32Array) || !(b.data instanceof Float32Array) || !(out instanceof Float32Array) ||
    view_numel(out_shape) < MIN_ELEMENTS) {
    js_binary(op, a, b, out_shape, out);
    return;
  }
  const w = row_walk([a, b], out_shape);
  if (w.steps[0] !== 1 || w.steps[1] !== 1 || w.n < MIN_ROW) {
    js_binary(op, a, b, out_shape, out);
    return;
  }
  const map = local_wasm().ex.map_binary_f32;
  const sources = [a.data as Float32Array, b.data as Float32Array];
  if (!stream(w, sources, out, (len) => map(code, 0, CHUNK * 4, 2 * CHUNK * 4, up4(len)))) js_binary(op, a, b, out_shape, out);
}

/**
 * The rows of `w` (unit steps in x and in the `n_acc` float64 sums, at most a chunk long) added into the sums
 * in wasm, row after row as the JS kernel adds them (so the same bits): rows consecutive in x are copied in one
 * block per chunk, not one call each (a bias gradient's rows are 128 floats), and the sums stay in wasm memory
 * until the end. False, doing nothing, when the memory cannot grow that far.
 */
function sum_rows_into(src: Float32Array, w: RowWalk, n_acc: number, out: TypedArray): boolean {
  const rt = local_wasm();
  const per = Math.max(1, Math.floor(CHUNK / w.n));
  const starts_at = per * w.n * 4;
  const acc_at = Math.ceil((starts_at + per * 4) / 8) * 8;
  if (!rt.reserve(acc_at + n_acc * 8)) return false;
  const [x_starts, acc_starts] = w.starts as [ArrayLike<number>, ArrayLike<number>];
  rt.f64.fill(0, acc_at / 8, acc_at / 8 + n_acc);
  const starts = new Int32Array(rt.f32.buffer, starts_at, per);
  for (let r0 = 0; r0 < w.rows; r0 += per) {
    const rows = Math.min(per, w.rows - r0);
    const s0 = x_starts[r0]!;
    let consecutive = true;
    for (let r = 0; r < rows; r++) {
      starts[r] = acc_starts[r0 + r]!;
      consecutive &&= x_starts[r0 + r] === s0 + r * w.n;
    }
    if (consecutive) rt.f32.set(src.subarray(s0, s0 + rows * w.n), 0);
    else for (let r = 0; r < rows; r++) rt.f32.set(src.subarray(x_starts[r0 + r]!, x_starts[r0 + r]! + w.n), r * w.n);
    rt.ex.acc_rows_f32_f64(0, rows, w.n, acc_at, starts_at);
  }
  out.set(rt.f64.subarray(acc_at / 8, acc_at / 8 + n_acc));
  return true;
}

/** Largest accumulator (float64 values) a wasm sum keeps in the private memory; larger sums run the js kernel. */
const MAX_ACC = 1 << 20;

/**
 * Sum over the flagged dims, the JS `sum`'s contract and arithmetic (float64 sums in x's row-major order):
 * float32 rows of x, summed into one value or added into a row of sums, run in wasm with the same bits.
 *
 * @example
 * wasm_sum(x._view, [true, false], out._storage.data);
 */
export function wasm_sum(x: StridedView, reduced: readonly boolean[], out: TypedArray): void {
  if (!(x.data instanceof Float32Array) || view_numel(x.shape) < MIN_ELEMENTS || out.length > MAX_ACC) {
    js_sum(x, reduced, out);
    return;
  }
  const acc = new Float64Array(out.length);
  const w = walk_reduced(x, reduced, acc);
  const [x_step, acc_step] = w.steps as [number, number];
  if (x_step === 1 && acc_step === 1 && w.n <= CHUNK && sum_rows_into(x.data, w, acc.length, out)) return;
  if (x_step !== 1 || (acc_step !== 0 && acc_step !== 1) || w.n < MIN_ROW) {
    js_sum(x, reduced, out);
    return;
  }
  const rt = local_wasm();
  const x_at = 0;
  const acc_at = CHUNK * 4;
  if (!rt.reserve(acc_at + (acc_step === 1 ? acc.length * 8 : 0))) {
    js_sum(x, reduced, out);
    return;
  }
  const [x_starts, acc_starts] = w.starts as [ArrayLike<number>, ArrayLike<number>];
  const src = x.data;
  if (acc_step === 1) rt.f64.fill(0, acc_at >> 3, (acc_at >> 3) + acc.length);
  for (let r = 0; r < w.rows; r++) {
    const s = x_starts[r]!;
    const k = acc_starts[r]!;
    let total = acc_step === 0 ? acc[k]! : 0;
    for (let c = 0; c < w.n; c += CHUNK) {
      const len = Math.min(CHUNK, w.n - c);
      rt.f32.set(src.subarray(s + c, s + c + len), x_at >> 2);
      if (acc_step === 0) total = rt.ex.sum_f32_f64(x_at, len, total);
      else rt.ex.acc_f32_f64(x_at, acc_at + (k + c) * 8, len);
    }
    if (acc_step === 0) acc[k] = total;
  }
  out.set(acc_step === 0 ? acc : rt.f64.subarray(acc_at >> 3, (acc_at >> 3) + acc.length));
}

/** Largest span (floats) of a view that `gathered` copies into the private memory whole. */
const MAX_SPAN = 1 << 21;

/**
 * A float32 view of rows shorter than a block copy pays for (unit steps; an attention head's features, strided
 * by all heads) copied into wasm memory by its whole span, when that span is dense, its rows gathered there
 * into one block, then `map(from, to, n)` (when given) over the block, which is copied to `out`. False, doing
 * nothing, for sparse or huge spans.
 */
function gathered(x: StridedView, w: RowWalk, out: Float32Array, map?: (from: number, to: number, n: number) => void): boolean {
  const numel = w.rows * w.n;
  const starts = w.starts[0]!;
  let [lo, hi] = [Infinity, -Infinity];
  for (let r = 0; r < w.rows; r++) {
    lo = Math.min(lo, starts[r]!);
    hi = Math.max(hi, starts[r]!);
  }
  const span = hi + w.n - lo;
  const rt = local_wasm();
  // the source span, the rows' starts, the gathered rows, the mapped ones
  const starts_at = Math.ceil(span / 4) * 16;
  const rows_at = starts_at + Math.ceil(w.rows / 4) * 16;
  const out_at = map === undefined ? rows_at : rows_at + Math.ceil(numel / 4) * 16;
  if (w.rows < 2 || span > 2 * numel || span > MAX_SPAN || !rt.reserve(out_at + Math.ceil(numel / 4) * 16)) return false;
  rt.f32.set((x.data as Float32Array).subarray(lo, lo + span), 0);
  const at = new Int32Array(rt.f32.buffer, starts_at, w.rows);
  for (let r = 0; r < w.rows; r++) at[r] = starts[r]! - lo;
  rt.ex.gather_rows_f32(0, starts_at, w.rows, w.n, rows_at);
  map?.(rows_at, out_at, numel);
  out.set(rt.f32.subarray(out_at / 4, out_at / 4 + numel));
  return true;
}

/** Rows shorter than this go through wasm when made contiguous; longer ones move as blocks in JS (one memcpy each). */
const SHORT_ROW = 64;

/**
 * The JS `contiguous`'s contract: a float32 view whose rows are short (an attention head's features, strided
 * by all heads) is gathered in wasm (see `gathered`); a JS copy pays a typed-array view and a call per row.
 * Other views take the JS kernel.
 *
 * @example
 * wasm_contiguous(q.transpose(0, 1)._view, out._storage.data);
 */
export function wasm_contiguous(x: StridedView, out: TypedArray): void {
  if (!(x.data instanceof Float32Array) || !(out instanceof Float32Array) || view_numel(x.shape) < MIN_ELEMENTS) {
    js_contiguous(x, out);
    return;
  }
  const w = row_walk([x], x.shape);
  if (w.steps[0] !== 1 || w.n >= SHORT_ROW || !gathered(x, w, out)) js_contiguous(x, out);
}
