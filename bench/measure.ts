// Benchmark timing helpers: alternate peers round by round, report medians, format the tables.
import { writeFileSync } from 'node:fs';

/** A peer timed in this process. */
export interface Peer {
  name: string;
  run: () => void;
  /** Runs before each of this peer's rounds, untimed: selects its backend or thread count. */
  enter?: () => void;
  /** Timed rounds for this peer when fewer than the others' (a peer that takes seconds per call). */
  rounds?: number;
  /** Warm-up time; 0 when the peer's agreement check already ran it (default: the options' `warmup_ms`). */
  warmup_ms?: number;
  /** Known time of one call, used to size rounds when the peer skips warm-up. */
  estimate_ms?: number;
}

/** A peer in another process, warmed up there: `round()` runs one round there and returns its ms per call. */
export interface RemotePeer {
  name: string;
  round: () => number;
}

export interface Timing {
  /** Median over rounds of the mean time per call, in milliseconds. */
  ms: number;
  rounds: number;
}

export interface CompareOptions {
  /** Rounds per peer (default 9). */
  rounds?: number;
  /** Time a round of one peer should take; calls per round follow from the warm-up (default 200 ms). */
  round_ms?: number;
  /** Warm-up time per peer before timing (default 300 ms, at least one call). */
  warmup_ms?: number;
}

/**
 * Median per-call time of each peer. Rounds alternate between peers, reversing the order every other round,
 * so a burst of load from elsewhere on the machine hits every peer alike.
 */
export function compare(peers: (Peer | RemotePeer)[], options: CompareOptions = {}): Map<string, Timing> {
  const rounds = options.rounds ?? 9;
  const round_ms = options.round_ms ?? 200;
  const calls = new Map<string, number>();
  for (const p of peers) {
    if ('round' in p) continue;
    p.enter?.();
    const warmup_ms = p.warmup_ms ?? options.warmup_ms ?? 300;
    let n = 0;
    const t0 = performance.now();
    while (n === 0 ? warmup_ms > 0 : performance.now() - t0 < warmup_ms) {
      p.run();
      n++;
    }
    const per_call = n > 0 ? (performance.now() - t0) / n : (p.estimate_ms ?? round_ms);
    calls.set(p.name, Math.max(1, Math.round(round_ms / per_call)));
  }
  const samples = new Map<string, number[]>(peers.map((p) => [p.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const p of r % 2 === 0 ? peers : [...peers].reverse()) {
      if ('round' in p) {
        samples.get(p.name)!.push(p.round());
        continue;
      }
      if (r >= (p.rounds ?? rounds)) continue;
      p.enter?.();
      const n = calls.get(p.name)!;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) p.run();
      samples.get(p.name)!.push((performance.now() - t0) / n);
    }
  }
  return new Map(peers.map((p) => [p.name, { ms: median(samples.get(p.name)!), rounds: samples.get(p.name)!.length }]));
}

export function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Writes the bench's results as JSON (bench/results.json is gitignored: figures belong to a machine). */
export function save_results(path: string, values: Record<string, unknown>): void {
  writeFileSync(path, `${JSON.stringify({ ...values, measured_at: new Date().toISOString() }, null, 2)}\n`);
}

/** Milliseconds with three significant digits, in s or µs where that reads better. */
export function format_ms(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms < 0.1) return `${(ms * 1000).toPrecision(3)} µs`;
  return `${ms.toPrecision(3)} ms`;
}

/** Pads every column to its widest cell; numeric-looking cells align right. */
export function format_table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const numeric = (c: string): boolean => /^[\d.]+( (ms|s|µs|x))?$/.test(c);
  return rows
    .map((row) => row.map((c, i) => (numeric(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

/** Largest difference relative to the reference's largest magnitude; float32 summation order differs between peers. */
export function disagreement(reference: Float32Array, other: Float32Array): number {
  if (reference.length !== other.length) return Infinity;
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(reference[i]! - other[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  return Number.isNaN(diff) ? Infinity : diff / scale;
}

/** Peers agree when `disagreement` is at most this. */
export const AGREEMENT = 1e-4;
