// Strided test views for the kernel tests: seeded data with special values, contiguous, transposed and
// strided views of a shape, and naive per-element reads of a (broadcast) view.
import type { StridedView } from '../../src/kernels/strided.js';

export const SPECIAL = [Number.NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 3];

/** mulberry32: a tiny seeded PRNG so failures reproduce. */
export function make_rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A storage of `n + pad` values (specials and small numbers with repeats, so comparisons tie) behind a view. */
function storage(n: number, rng: () => number): Float64Array {
  return Float64Array.from({ length: n }, () => (rng() < 0.3 ? SPECIAL[Math.floor(rng() * SPECIAL.length)]! : Math.round(rng() * 8 - 4) / 2));
}

const strides_of = (shape: readonly number[]): number[] => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

/** Views of `shape`: contiguous with an offset, transposed (last two dims), and every other element. */
export function views_of(shape: number[], rng: () => number): StridedView[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const out: StridedView[] = [{ data: storage(n + 3, rng), shape, strides: strides_of(shape), offset: 3 }];
  if (shape.length >= 2) {
    const d = shape.length;
    const t = [...shape.slice(0, -2), shape[d - 1]!, shape[d - 2]!];
    const ts = strides_of(t);
    out.push({ data: storage(n, rng), shape, strides: [...ts.slice(0, -2), ts[d - 1]!, ts[d - 2]!], offset: 0 });
  }
  out.push({ data: storage(2 * n + 1, rng), shape, strides: strides_of(shape).map((s) => 2 * s), offset: 1 });
  return out;
}

/** The value of `v` at multi-index `idx` of `shape` that `v` broadcasts to. */
export function at(v: StridedView, shape: readonly number[], idx: readonly number[]): number {
  let off = v.offset;
  const lead = shape.length - v.shape.length;
  for (let j = 0; j < v.shape.length; j++) if (v.shape[j] !== 1) off += idx[j + lead]! * v.strides[j]!;
  return v.data[off]!;
}

/** Every multi-index of `shape`, in row-major order. */
export function* indices(shape: readonly number[]): Generator<number[]> {
  const idx = shape.map(() => 0);
  if (shape.some((s) => s === 0)) return;
  for (;;) {
    yield [...idx];
    let d = shape.length - 1;
    for (; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
