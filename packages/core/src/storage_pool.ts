// Arrays the backward engine has finished with, handed to the next fresh storage of the same size during a pass.
import type { DType, TypedArray } from './dtype.js';

/** Arrays below this many bytes are left to V8, which allocates small ones cheaply on its own heap. */
const MIN_BYTES = 4096;

/** Free arrays by element count, one map per array class (float64 and int64 share Float64Array). */
let free: { f32: Map<number, Float32Array[]>; f64: Map<number, Float64Array[]>; u8: Map<number, Uint8Array[]> } | null = null;
/**
 * For tests: how many arrays `take` handed out again.
 *
 * @hidden
 */
export const pool_stats = { reused: 0 };
/** Nesting depth of open pools (a backward pass run from inside another shares the outer one's pool). */
let depth = 0;

function class_of(dtype: DType): 'f32' | 'f64' | 'u8' {
  return dtype === 'float32' ? 'f32' : dtype === 'float64' || dtype === 'int64' ? 'f64' : 'u8';
}

/**
 * Opens the pool for a backward pass (nested passes share it). Until the outermost pass closes it, arrays given
 * to `recycle` serve `take`; closing drops them all, so the pool never holds memory between passes.
 *
 * @example
 * open_pool(); try { ... } finally { close_pool(); }
 */
export function open_pool(): void {
  if (depth++ === 0) free = { f32: new Map(), f64: new Map(), u8: new Map() };
}

/** Closes one level opened by `open_pool`; the outermost close empties the pool. */
export function close_pool(): void {
  if (--depth === 0) free = null;
}

/**
 * Gives back `data`, which no tensor will read or write again (the caller proves it: the engine recycles only
 * gradients it alone held); a later `take` of its size reuses it. Ignored while no pool is open.
 */
export function recycle(data: TypedArray): void {
  if (free === null || data.byteLength < MIN_BYTES) return;
  const map = (data instanceof Float32Array ? free.f32 : data instanceof Float64Array ? free.f64 : free.u8) as Map<number, TypedArray[]>;
  const list = map.get(data.length);
  if (list === undefined) map.set(data.length, [data]);
  else list.push(data);
}

/** A recycled array of `n` elements for `dtype`, zeroed (as a new one is), or null when none is free. */
export function take(dtype: DType, n: number): TypedArray | null {
  if (free === null) return null;
  const data = (free[class_of(dtype)] as Map<number, TypedArray[]>).get(n)?.pop();
  if (data === undefined) return null;
  pool_stats.reused++;
  data.fill(0);
  return data;
}
