// PyTorch's CPU sampling kernels (DistributionTemplates.h, non-MKL): which draws each sampler takes from the
// generator, in which order and precision, so a seeded stream gives PyTorch's values bit for bit.
import type { DType, TypedArray } from '../dtype.js';
import type { Generator } from '../random.js';
import { fma_f32, log_ps, sincos_ps } from './float32_math.js';
import { NORMAL_FILL_WASM_BASE64 } from './normal_fill_wasm.generated.js';

const TWO_PI_F32 = Math.fround(2 * Math.PI);
const SINCOS = new Float64Array(2);

/**
 * `x·range + from` as the uniform transformation computes it in the sampler's precision (a fused multiply-add:
 * PyTorch's kernels are compiled with FMA contraction).
 */
function scale_f32(x: number, range: number, from: number): number {
  return fma_f32(x, range, from);
}

/** `a·b + c` rounded once in float64 (the product's rounding error added back before the sum rounds). */
export function fma_f64(a: number, b: number, c: number): number {
  const p = a * b;
  if (c === 0 || !Number.isFinite(p)) return p + c;
  // Veltkamp split: the exact error of the product
  const SPLIT = 134217729;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pe = al * bl - (p - ah * bh - al * bh - ah * bl);
  const s = p + c;
  const v = s - p;
  const se = p - (s - v) + (c - v);
  return s + (pe + se);
}

/** `uniform_(from, to)`: one 32-bit draw per float32 element, one 64-bit draw per float64 element. */
export function uniform_fill(d: TypedArray, dtype: DType, from: number, to: number, g: Generator): void {
  if (dtype === 'float32') {
    const lo = Math.fround(from);
    const range = Math.fround(Math.fround(to) - lo);
    for (let i = 0; i < d.length; i++) d[i] = scale_f32(g.uniform_f32(), range, lo);
  } else {
    const range = to - from;
    for (let i = 0; i < d.length; i++) d[i] = fma_f64(g.random(), range, from);
  }
}

/** 16 standard-uniform values turned into 16 normals in place (normal_fill_16): u1 from the first 8, u2 from the next 8. */
function normal_block_f64(d: TypedArray, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - d[at + j]!;
    const u2 = d[at + j + 8]!;
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    d[at + j] = fma_f64(radius * Math.cos(theta), std, mean);
    d[at + j + 8] = fma_f64(radius * Math.sin(theta), std, mean);
  }
}

/** The wasm copy of the float32 block kernel and its one page of memory (16384 floats), null without WebAssembly. */
const NORMAL_WASM = ((): { blocks: (at: number, n: number, mean: number, std: number, plain: number) => void; page: Float32Array } | null => {
  if (typeof WebAssembly === 'undefined') return null;
  try {
    const bytes = Uint8Array.from(atob(NORMAL_FILL_WASM_BASE64), (ch) => ch.charCodeAt(0));
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as { normal_blocks: (at: number, n: number, mean: number, std: number, plain: number) => void; memory: WebAssembly.Memory };
    return { blocks: exports.normal_blocks, page: new Float32Array(exports.memory.buffer, 0, 16384) };
  } catch {
    return null;
  }
})();

let use_wasm = true;
/** @hidden Switches the float32 block kernel between wasm and JS (tests compare the two); returns the previous setting. */
export function use_normal_wasm(on: boolean): boolean {
  const before = use_wasm;
  use_wasm = on;
  return before;
}

/**
 * Every whole block of 16 float32 uniforms in `d[from, to)` turned into normals: in wasm a page at a time (the
 * same float32 arithmetic, several times faster than JS's Math.fround steps; chunks also let the engine tier
 * the kernel up), else in JS.
 */
function normal_blocks_f32(d: TypedArray, from: number, to: number, mean: number, std: number): void {
  if (NORMAL_WASM === null || !use_wasm) {
    for (let i = from; i + 16 <= to; i += 16) normal_block_f32(d, i, mean, std);
    return;
  }
  const { blocks, page } = NORMAL_WASM;
  const plain = mean === 0 && std === 1 ? 1 : 0;
  const end = from + (to - from - ((to - from) % 16));
  for (let at = from; at < end; at += page.length) {
    const len = Math.min(page.length, end - at);
    page.set(d.subarray(at, at + len));
    blocks(0, len, mean, std, plain);
    d.set(page.subarray(0, len), at);
  }
}

/** The float32 block as PyTorch's AVX2 kernel computes it (avx_mathfun's log and sincos, in float32). */
function normal_block_f32(d: TypedArray, at: number, mean: number, std: number): void {
  const plain = mean === 0 && std === 1;
  for (let j = 0; j < 8; j++) {
    const u1 = Math.fround(1 - d[at + j]!);
    const u2 = d[at + j + 8]!;
    const radius = Math.fround(Math.sqrt(Math.fround(-2 * log_ps(u1))));
    sincos_ps(Math.fround(TWO_PI_F32 * u2), SINCOS);
    const n1 = Math.fround(radius * SINCOS[1]!);
    const n2 = Math.fround(radius * SINCOS[0]!);
    d[at + j] = plain ? n1 : fma_f32(n1, std, mean);
    d[at + j + 8] = plain ? n2 : fma_f32(n2, std, mean);
  }
}

/**
 * `normal_(mean, std)`. At least 16 elements of a contiguous tensor: all uniforms first, Box–Muller over blocks
 * of 16, and a tail shorter than 16 redrawn as a last (overlapping) block of 16. Otherwise element by element
 * from the double sampler with its cached second value.
 */
export function normal_fill(d: TypedArray, dtype: DType, mean: number, std: number, contiguous: boolean, g: Generator): void {
  const n = d.length;
  if (n >= 16 && contiguous) {
    const f32 = dtype === 'float32';
    const m = f32 ? Math.fround(mean) : mean;
    const s = f32 ? Math.fround(std) : std;
    const draw = (from: number): void => {
      if (f32) for (let i = from; i < n; i++) d[i] = g.uniform_f32();
      else for (let i = from; i < n; i++) d[i] = g.random();
    };
    const blocks = (from: number): void => {
      if (f32) normal_blocks_f32(d, from, n, m, s);
      else for (let i = from; i + 16 <= n; i += 16) normal_block_f64(d, i, m, s);
    };
    draw(0);
    blocks(0);
    if (n % 16 !== 0) {
      draw(n - 16);
      blocks(n - 16);
    }
    return;
  }
  for (let i = 0; i < n; i++) d[i] = fma_f64(g.normal(), std, mean);
}

/** `random_(from, to)`: `from + draw % (to − from)`, a 64-bit draw when the range reaches 2^32 (for int64, float and double). */
export function random_from_to_fill(d: TypedArray, dtype: DType, from: number, to: number, g: Generator): void {
  const range = to - from;
  if (range >= 2 ** 32 && dtype !== 'uint8' && dtype !== 'bool') {
    const r = BigInt(range);
    for (let i = 0; i < d.length; i++) d[i] = from + Number(g.next_u64() % r);
    return;
  }
  for (let i = 0; i < d.length; i++) d[i] = from + (g.next_u32() % range);
}

/**
 * `random_()` without bounds: int64 and float64 take a 64-bit draw modulo 2^63 and 2^53 + 1, float32 a 32-bit
 * draw modulo 2^24 + 1, uint8 modulo 256, bool the lowest bit.
 */
export function random_full_fill(d: TypedArray, dtype: DType, g: Generator): void {
  for (let i = 0; i < d.length; i++) {
    switch (dtype) {
      case 'int64': d[i] = Number(g.next_u64() & 0x7fffffffffffffffn); break;
      case 'float64': d[i] = Number(g.next_u64() % 9007199254740993n); break;
      case 'float32': d[i] = g.next_u32() % 16777217; break;
      case 'uint8': d[i] = g.next_u32() & 0xff; break;
      case 'bool': d[i] = g.next_u32() & 1; break;
    }
  }
}

/** `exponential_(lambd)`: `−1/λ · log(1 − u)` of a double uniform. */
export function exponential_fill(d: TypedArray, lambd: number, g: Generator): void {
  const k = -1 / lambd;
  for (let i = 0; i < d.length; i++) d[i] = k * Math.log(1 - g.random());
}

/** `geometric_(p)`: `ceil(log u / log(1 − p))` of a double uniform. */
export function geometric_fill(d: TypedArray, p: number, g: Generator): void {
  const q = Math.log(1 - p);
  for (let i = 0; i < d.length; i++) d[i] = Math.ceil(Math.log(g.random()) / q);
}

/** `log_normal_(mean, std)`: `exp` of a double normal sample. */
export function log_normal_fill(d: TypedArray, mean: number, std: number, g: Generator): void {
  for (let i = 0; i < d.length; i++) d[i] = Math.exp(fma_f64(g.normal(), std, mean));
}

/** `cauchy_(median, sigma)`: `median + σ·tan(π(u − ½))` of a double uniform. */
export function cauchy_fill(d: TypedArray, median: number, sigma: number, g: Generator): void {
  for (let i = 0; i < d.length; i++) d[i] = fma_f64(sigma, Math.tan(Math.PI * (g.random() - 0.5)), median);
}

/** `bernoulli_(p)` for a number p: a double uniform below p. */
export function bernoulli_scalar_fill(d: TypedArray, p: number, g: Generator): void {
  for (let i = 0; i < d.length; i++) d[i] = g.random() < p ? 1 : 0;
}

/**
 * `bernoulli` with a tensor of probabilities `p` (broadcast to `d`'s elements): a double uniform when p is
 * float64, a float uniform (one 32-bit draw) otherwise.
 */
export function bernoulli_tensor_fill(d: TypedArray, p: ArrayLike<number>, p_double: boolean, g: Generator): void {
  for (let i = 0; i < d.length; i++) d[i] = (p_double ? g.random() : g.uniform_f32()) < p[i]! ? 1 : 0;
}
