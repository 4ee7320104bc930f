// A stamp per ArrayBuffer, renewed by every in-place change to any tensor over it (Storage's version setter), so a
// kernel can tell that memory it derived something from is unchanged, even when the change came through another
// tensor with a version counter of its own (`w.data.mul_(2)`).

const stamps = new WeakMap<ArrayBufferLike, number>();
/** Memory handed to user code as a typed array (`x.numpy()`, `torch.from_numpy(a)`), which it may write unseen. */
const exposed = new WeakSet<ArrayBufferLike>();
let last = 0;

/**
 * Records an in-place change to the memory under `data` (Storage's version setter calls it).
 *
 * @example
 * note_write(t._storage.data);
 */
export function note_write(data: ArrayBufferView): void {
  stamps.set(data.buffer, ++last);
}

/**
 * The stamp of the last in-place change to the memory under `data` (0 when there was none): equal stamps
 * and equal version counts mean no tensor has changed that memory in place in between.
 *
 * @example
 * const before = write_stamp(w); w_tensor.mul_(2); write_stamp(w) !== before; // true
 */
export function write_stamp(data: ArrayBufferView): number {
  // writes through an exposed array leave no trace, so such memory never reads as unchanged
  if (exposed.has(data.buffer)) return ++last;
  return stamps.get(data.buffer) ?? 0;
}

/**
 * Records that user code holds the memory under `data` as a typed array and may write it directly, bypassing
 * every version counter: from now on `write_stamp` never reports it unchanged.
 *
 * @example
 * note_exposed(t._storage.data); // before handing out a view of it
 */
export function note_exposed(data: ArrayBufferView): void {
  exposed.add(data.buffer);
}
