// The wasm backend's softmax and its input gradient along a contiguous last dim: float32 lanes streamed in
// whole rows through the calling thread's private wasm memory, exponentials four at a time (Math.exp costs
// about 15 ns an element under V8, more than the rest of the softmax together).
import type { TypedArray } from '../../dtype.js';
import { softmax as js_softmax, softmax_backward as js_softmax_backward } from '../js/reduce.js';
import { row_walk, view_numel, type RowWalk, type StridedView } from '../strided.js';
import { CHUNK, stream } from './elementwise.js';
import { local_wasm } from './runtime.js';

/** Floats per chunk of lanes `L` long: whole lanes, about CHUNK (a longer lane takes a chunk of its own). */
const lanes_chunk = (L: number): number => Math.max(1, Math.floor(CHUNK / L)) * L;
/** Below this many elements the copies' fixed cost outweighs the gain. */
const MIN_ELEMENTS = 1024;

/**
 * The walk of `views` (float32, of `shape`) as rows of whole, contiguous lanes along the last dim `dim`;
 * null when they are not laid out so (then the JS kernel runs).
 */
function lane_rows(views: readonly StridedView[], shape: readonly number[], dim: number): RowWalk | null {
  const L = shape[dim]!;
  if (dim !== shape.length - 1 || L === 0 || view_numel(shape) < MIN_ELEMENTS || !views.every((v) => v.data instanceof Float32Array)) return null;
  const w = row_walk(views, shape);
  return w.steps.every((s) => s === 1) && w.n % L === 0 ? w : null;
}

/**
 * Softmax (or log-softmax) along `dim`, the JS `softmax`'s contract: float32 softmax along a contiguous last
 * dim runs in wasm (exponentials within about an ulp of float32's, summed in float64); log-softmax and every
 * other layout run the JS kernel.
 *
 * @example
 * wasm_softmax(scores._view, 3, out._storage.data, false);
 */
export function wasm_softmax(x: StridedView, dim: number, out: TypedArray, log: boolean): void {
  const w = log || !(out instanceof Float32Array) ? null : lane_rows([x], x.shape, dim);
  const L = x.shape[dim]!;
  const [ex, per] = [local_wasm().ex, lanes_chunk(L)];
  if (w === null || !stream(w, [x.data as Float32Array], out as Float32Array, (len) => ex.softmax_rows_f32(0, per * 4, len / L, L), per)) {
    js_softmax(x, dim, out, log);
  }
}

/**
 * Softmax's input gradient from its output `y` and the output's gradient `g`, the JS `softmax_backward`'s
 * contract: float32 along a contiguous last dim runs in wasm; log-softmax and other layouts run the JS kernel.
 *
 * @example
 * wasm_softmax_backward(g._view, y._view, 3, out._storage.data, false);
 */
export function wasm_softmax_backward(g: StridedView, y: StridedView, dim: number, out: TypedArray, log: boolean): void {
  const w = log || !(out instanceof Float32Array) ? null : lane_rows([g, y], g.shape, dim);
  const L = g.shape[dim]!;
  const [ex, per] = [local_wasm().ex, lanes_chunk(L)];
  if (w === null || !stream(w, [g.data as Float32Array, y.data as Float32Array], out as Float32Array,
    (len) => ex.softmax_backward_rows_f32(0, per * 4, 2 * per * 4, len / L, L), per)) {
    js_softmax_backward(g, y, dim, out, log);
  }
}
