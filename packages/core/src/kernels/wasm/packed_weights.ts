// Packed convolution weights and GEMM B operands kept in wasm memory between calls while unchanged (same array,
// same version counter and version, no in-place write to its memory since): repeated forwards of a model in eval
// mode, input gradients of a fixed model (saliency), or the steps of an RNN layer sharing one recurrent weight,
// skip copying and packing their weights.
import { write_stamp } from '../write_stamps.js';
import { wasm_runtime } from './runtime.js';

/** Wasm memory the packed weights may hold; the least recently used go first when a new one needs room. */
const BUDGET_BYTES = 256 << 20;

/**
 * One packing of one weight array: seen (at -1) or packed at `at` in pinned wasm memory. It never refers to
 * the array (a WeakRef would keep it alive until the synchronous job ends, which a loop never reaches).
 */
interface Entry {
  readonly layout: string;
  readonly bytes: number;
  counter: { readonly version: number };
  version: number;
  stamp: number;
  at: number;
}

/** Every weight array's packings by layout; the entries of collected arrays go with them. */
const by_array = new WeakMap<Float32Array, Map<string, Entry>>();
/** The entries holding pinned memory, least recently used first (a Set keeps insertion order). */
const pinned = new Set<Entry>();
/** Unpins an entry once its weight array is collected (the memory goes at the next compaction). */
const collected = new FinalizationRegistry<Entry>((e) => {
  if (pinned.delete(e)) e.at = -1;
});
let stats = { hits: 0, packs: 0 };

/**
 * The byte address in wasm memory of `w` packed in `layout` (`bytes` long, written by `pack(dst)`), kept
 * there while `w` is unchanged; -1 when the caller should pack it into its own arena as usual: a weight
 * without a version counter, one seen for the first time in this version (a training step changes its
 * weights every step, so it never pins any memory), or a memory that cannot grow. `pack` returns false
 * when it could not pack (the memory could not grow). Call it before the call's own arena allocations.
 *
 * @example
 * const a_at = cached_pack(w, p.w_version, `forward ${p.O} ${p.groups}`, a_bytes, (dst) => pack_into(dst));
 */
export function cached_pack(w: Float32Array, counter: { readonly version: number } | undefined, layout: string,
  bytes: number, pack: (dst: number) => boolean): number {
  if (counter === undefined) return -1;
  let layouts = by_array.get(w);
  const e = layouts?.get(layout);
  const stamp = write_stamp(w);
  if (e !== undefined && e.counter === counter && e.version === counter.version && e.stamp === stamp) {
    if (e.at >= 0) {
      // most recently used: to the end
      pinned.delete(e);
      pinned.add(e);
      stats.hits++;
      return e.at;
    }
    // the second call with this weight unchanged: worth keeping
    const at = pin(bytes);
    if (at < 0 || !pack(at)) return -1;
    e.at = at;
    pinned.add(e);
    collected.register(w, e, e);
    stats.packs++;
    return at;
  }
  if (e !== undefined && e.at >= 0) {
    // changed: its memory goes at the next compaction
    pinned.delete(e);
    collected.unregister(e);
  }
  if (layouts === undefined) by_array.set(w, (layouts = new Map()));
  layouts.set(layout, { layout, bytes, counter, version: counter.version, stamp, at: -1 });
  return -1;
}

/**
 * Pins `bytes` for a new packed weight: drops the least recently used entries while the total would exceed
 * the budget, and compacts the survivors when the freed memory is at least what they hold (so a run of pins
 * moves each byte a bounded number of times).
 */
function pin(bytes: number): number {
  if (bytes > BUDGET_BYTES) return -1;
  const rt = wasm_runtime();
  let live = 0;
  for (const e of pinned) live += e.bytes;
  for (const e of pinned) {
    if (live + bytes <= BUDGET_BYTES) break;
    pinned.delete(e);
    collected.unregister(e);
    e.at = -1;
    live -= e.bytes;
  }
  const garbage = rt.pinned_bytes() - live;
  if (garbage > 0 && (garbage >= live || rt.pinned_bytes() + bytes > BUDGET_BYTES)) {
    const keep = [...pinned];
    const moved = rt.repin(keep.map((e) => ({ at: e.at, bytes: e.bytes })));
    keep.forEach((e, i) => (e.at = moved[i]!));
  }
  return rt.pin(bytes);
}

/**
 * How many calls found their packed weight kept, how many packed one to keep, how many are kept now, and the
 * wasm memory pinned for them (kept ones, and freed ones not yet compacted away; tests and benchmarks read it).
 *
 * @example
 * packed_weight_stats(); // { hits: 40, packs: 20, kept: 20, pinned_bytes: 16880384 }
 */
export function packed_weight_stats(): { hits: number; packs: number; kept: number; pinned_bytes: number } {
  return { ...stats, kept: pinned.size, pinned_bytes: wasm_runtime().pinned_bytes() };
}

/**
 * Forgets every kept packed weight and frees their wasm memory.
 *
 * @example
 * clear_packed_weights();
 */
export function clear_packed_weights(): void {
  for (const e of pinned) {
    e.at = -1;
    collected.unregister(e);
  }
  pinned.clear();
  wasm_runtime().repin([]);
  stats = { hits: 0, packs: 0 };
}
