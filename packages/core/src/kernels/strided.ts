// Strided-view helpers for kernels: element offsets of a (possibly broadcast) view in row-major order.
import type { TypedArray } from '../dtype.js';

/** A kernel's view of tensor memory: flat data plus shape, strides and offset (never a Tensor object). */
export interface StridedView {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export function view_numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** True when the view's elements are `data[offset .. offset+numel)` in row-major order. */
export function is_contiguous_view(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const s = shape[i]!;
    if (s !== 1 && strides[i] !== expected) return false;
    expected *= s;
  }
  return true;
}

/**
 * Offsets of every element of `v` when read with shape `out_shape` (which `v.shape` broadcasts to),
 * in row-major order of `out_shape`. Broadcast dims get stride 0.
 */
export function broadcast_offsets(v: StridedView, out_shape: readonly number[]): Int32Array {
  const nd = out_shape.length;
  const lead = nd - v.shape.length;
  const strides = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const j = i - lead;
    strides[i] = j < 0 || v.shape[j] === 1 ? 0 : v.strides[j]!;
  }
  const n = view_numel(out_shape);
  const out = new Int32Array(n);
  if (n === 0) return out;
  if (nd === 0) {
    out[0] = v.offset;
    return out;
  }
  const inner = out_shape[nd - 1]!;
  const inner_stride = strides[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let base = v.offset;
  let k = 0;
  for (;;) {
    for (let j = 0, o = base; j < inner; j++, o += inner_stride) out[k++] = o;
    if (k >= n) break;
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      base += strides[d]!;
      if (idx[d]! < out_shape[d]!) break;
      base -= strides[d]! * out_shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) break;
  }
  return out;
}

/**
 * Views walked together in row-major order of a common shape, row by row: every row has `n` elements,
 * view `k` reads row `r` from `starts[k][r]` stepping by `steps[k]`. Size-1 dims are dropped and neighbouring
 * dims merged wherever every view allows it, so contiguous and scalar operands make one long row.
 */
export interface RowWalk {
  readonly n: number;
  readonly rows: number;
  readonly steps: readonly number[];
  readonly starts: readonly ArrayLike<number>[];
}

/**
 * The row walk of `views`, each broadcast to `shape` (broadcast dims get stride 0).
 *
 * @example
 * // a [2, 3] contiguous tensor plus a [3] bias: 2 rows of 3, the bias restarting at its offset each row
 * row_walk([x, bias], [2, 3]); // { n: 3, rows: 2, steps: [1, 1], starts: [[0, 3], [0, 0]] }
 */
export function row_walk(views: readonly StridedView[], shape: readonly number[]): RowWalk {
  const flat = flat_walk(views, shape);
  if (flat !== null) return flat;
  const dims: number[] = [];
  const strides: number[][] = views.map(() => []);
  const own = new Array<number>(views.length);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 0) return { n: 0, rows: 0, steps: views.map(() => 0), starts: views.map(() => []) };
    if (size === 1) continue;
    const last = dims.length - 1;
    let merges = last >= 0;
    for (let k = 0; k < views.length; k++) {
      const v = views[k]!;
      const j = d - (shape.length - v.shape.length);
      own[k] = j < 0 || v.shape[j] === 1 ? 0 : v.strides[j]!;
      merges &&= strides[k]![last] === own[k]! * size;
    }
    if (merges) dims[last] *= size;
    else dims.push(size);
    for (let k = 0; k < views.length; k++) {
      if (merges) strides[k]![last] = own[k]!;
      else strides[k]!.push(own[k]!);
    }
  }
  const n = dims.pop() ?? 1;
  const steps = strides.map((s) => s.pop() ?? 0);
  // one row (contiguous or scalar operands): a plain array, as small typed arrays cost far more to allocate
  const starts = dims.length === 0
    ? views.map((v) => [v.offset])
    : views.map((v, k) => broadcast_offsets({ data: v.data, shape: dims, strides: strides[k]!, offset: v.offset }, dims));
  return { n, rows: starts[0]?.length ?? 1, steps, starts };
}

/** The walk of the common case, every view contiguous in `shape` or a single element: one row; else null. */
function flat_walk(views: readonly StridedView[], shape: readonly number[]): RowWalk | null {
  const n = view_numel(shape);
  const steps: number[] = [];
  const starts: number[][] = [];
  for (const v of views) {
    if (view_numel(v.shape) === 1) steps.push(0);
    else if (shapes_match(v.shape, shape) && is_contiguous_view(v.shape, v.strides)) steps.push(1);
    else return null;
    starts.push([v.offset]);
  }
  return { n, rows: n === 0 ? 0 : 1, steps, starts };
}

/** Offsets of `v` in its own row-major order, or null when it is contiguous (read `data` from `offset`). */
export function offsets_or_null(v: StridedView): Int32Array | null {
  return is_contiguous_view(v.shape, v.strides) ? null : broadcast_offsets(v, v.shape);
}

export function shapes_match(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
