// The engine's WebAssembly SIMD peak on one thread: a loop of independent f32x4 multiply-adds on registers
// (mul then add, and relaxed SIMD's fused f32x4.relaxed_madd where the engine validates it), so the bench can
// report GEMM as a fraction of what 128-bit wasm can do here.
import { spawnSync } from 'node:child_process';

/**
 * Counts of independent accumulator chains tried: enough of them hide the add (or FMA) latency on two pipes,
 * too many spill (V8's optimizing compiler spills 12 mul-add chains here, its baseline compiler does not), so
 * the peak is the best of these.
 */
const CHAIN_COUNTS = [8, 10, 12];

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const f32 = (x: number): number[] => [...new Uint8Array(Float32Array.of(x).buffer)];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const simd = (op: number): number[] => [0xfd, ...leb(op)];

/**
 * A module exporting `peak(n: i32) -> f32`: n iterations of `a_i = a_i·x + y` on `chains` f32x4 accumulators
 * (x = 0.5, y = 1: the values settle at 2, never denormal), fused when `fused`.
 */
function peak_module(fused: boolean, chains: number): Uint8Array<ArrayBuffer> {
  const [n, x, y] = [0, chains + 1, chains + 2];
  const get = (i: number): number[] => [0x20, i];
  const set = (i: number): number[] => [0x21, i];
  const body: number[] = [
    0x01, chains + 2, 0x7b, // locals: the accumulators, x and y, all v128
    0x43, ...f32(0.5), ...simd(0x13), ...set(x),
    0x43, ...f32(1), ...simd(0x13), ...set(y),
    0x03, 0x40, // loop
  ];
  for (let i = 1; i <= chains; i++) {
    body.push(...get(i), ...get(x));
    // relaxed_madd(a, b, c) = a·b + c; else f32x4.mul then f32x4.add
    body.push(...(fused ? [...get(y), ...simd(0x105)] : [...simd(0xe6), ...get(y), ...simd(0xe4)]), ...set(i));
  }
  body.push(...get(n), 0x41, 0x01, 0x6b, 0x22, n, 0x0d, 0x00, 0x0b); // n -= 1; br_if loop; end
  body.push(...get(1));
  for (let i = 2; i <= chains; i++) body.push(...get(i), ...simd(0xe4));
  body.push(...simd(0x1f), 0x00, 0x0b); // f32x4.extract_lane 0; end
  const func = [...leb(body.length), ...body];
  const name = [...new TextEncoder().encode('peak')];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x01, 0x7d]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, name.length, ...name, 0x00, 0x00]),
    ...section(10, [0x01, ...func]),
  ]);
}

/** GFLOP/s of the best of `rounds` runs of the loop, or null where the engine rejects the module. */
function measure(fused: boolean, chains: number, rounds: number): number | null {
  const bytes = peak_module(fused, chains);
  if (!WebAssembly.validate(bytes)) return null;
  const peak = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports['peak'] as (n: number) => number;
  const iters = 2_000_000;
  // many short calls first: V8 runs a call in its baseline compiler until the optimized code, compiled in the
  // background, is ready, and a running call never switches
  for (let i = 0; i < 200; i++) peak(20_000);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    peak(iters);
    best = Math.min(best, performance.now() - t0);
  }
  return (iters * chains * 8) / (best / 1000) / 1e9;
}

/** What the engine's wasm SIMD can do on one thread: mul + add, and fused relaxed_madd (null if unsupported). */
export interface SimdPeak {
  mul_add_gflops: number;
  relaxed_madd_gflops: number | null;
}

/**
 * Measures the one-thread wasm SIMD peak (best of `rounds`).
 *
 * @example
 * simd_peak().mul_add_gflops; // about 48 on a 3 GHz core with two 128-bit FMA pipes
 */
export function simd_peak(rounds = 15): SimdPeak {
  const best = (fused: boolean): number | null =>
    CHAIN_COUNTS.map((c) => measure(fused, c, rounds)).reduce<number | null>((a, b) => (b === null ? a : Math.max(a ?? 0, b)), null);
  return { mul_add_gflops: best(false)!, relaxed_madd_gflops: best(true) };
}

/** The V8 flag that turns relaxed SIMD on in Node 20 (Node 22+ and current Chromium have it unflagged). */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/** Whether this engine validates relaxed SIMD's f32x4.relaxed_madd as it runs now. */
const relaxed_here = (): boolean => WebAssembly.validate(peak_module(true, 1));

/**
 * The Node flags that give this Node relaxed SIMD: none when it has it unflagged (or this process was started
 * with the flag), [RELAXED_SIMD_FLAG] when a Node started with that flag validates it, none when not even then.
 *
 * @example
 * spawnSync(process.execPath, [...relaxed_simd_flags(), 'script.js']);
 */
export function relaxed_simd_flags(): string[] {
  if (relaxed_here()) return [];
  const code = `process.exit(WebAssembly.validate(new Uint8Array(${JSON.stringify([...peak_module(true, 1)])})) ? 0 : 1)`;
  const child = spawnSync(process.execPath, [RELAXED_SIMD_FLAG, '-e', code], { stdio: 'ignore' });
  return child.status === 0 ? [RELAXED_SIMD_FLAG] : [];
}

/**
 * The peak in this process, and relaxed_madd's measured in a child Node with `--experimental-wasm-relaxed-simd`
 * when this engine does not run relaxed SIMD unflagged (Node 20; Node 22+ and current Chromium do).
 * `relaxed_flagged`: relaxed SIMD needed the flag (this process's, or the child's).
 *
 * @example
 * const { mul_add_gflops, relaxed_madd_gflops, relaxed_flagged } = simd_peak_with_relaxed();
 */
export function simd_peak_with_relaxed(): SimdPeak & { relaxed_flagged: boolean } {
  const here = simd_peak();
  if (here.relaxed_madd_gflops !== null) return { ...here, relaxed_flagged: process.execArgv.includes(RELAXED_SIMD_FLAG) };
  const code = `import(${JSON.stringify(import.meta.url)}).then((m) => process.stdout.write(JSON.stringify(m.simd_peak())))`;
  const child = spawnSync(process.execPath, [RELAXED_SIMD_FLAG, '--input-type=module', '-e', code], { encoding: 'utf8' });
  const flagged = child.status === 0 ? (JSON.parse(child.stdout) as SimdPeak).relaxed_madd_gflops : null;
  return { ...here, relaxed_madd_gflops: flagged, relaxed_flagged: flagged !== null };
}
