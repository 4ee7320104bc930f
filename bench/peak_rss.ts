// Peak RSS of a training workload for tsgrad and for PyTorch, each alone in a fresh process running a few train
// steps: the high-water mark (getrusage's maxrss) the operating system saw, and its growth over the process's
// mark before the model was built (the runtime itself: Node and tsgrad, or Python and torch).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { torch_env } from './torch_process.js';
import type { Workload } from './workloads.js';

export interface Rss {
  /** High-water mark in MB after the steps. */
  peak_mb: number;
  /** That mark less the one before the model was built, in MB. */
  growth_mb: number;
}
export interface PeakRss {
  tsgrad: Rss;
  pytorch: Rss | null;
}

/** Train steps each process runs: the first allocates the gradients and optimizer state, later ones reuse. */
const STEPS = 5;

function parse(out: string, who: string, status: number | null): Rss {
  if (status !== 0) throw new Error(`${who} peak-RSS process failed (exit ${status})`);
  const r = JSON.parse(out) as { baseline_kb: number; peak_kb: number };
  return { peak_mb: r.peak_kb / 1024, growth_mb: (r.peak_kb - r.baseline_kb) / 1024 };
}

/** Measures `w` (a model-family train workload) in fresh processes: tsgrad's, and PyTorch's when `with_pytorch`. */
export function peak_rss(w: Workload, with_pytorch: boolean): PeakRss {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(new URL('./rss_child.js', import.meta.url)), w.key, String(STEPS)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const tsgrad = parse(child.stdout, 'tsgrad', child.status);
  if (!with_pytorch) return { tsgrad, pytorch: null };
  const script = fileURLToPath(new URL('../torch_peer.py', import.meta.url));
  const py = spawnSync('/usr/bin/python3', [script, '--rss', JSON.stringify({ key: w.key, ...w.spec }), String(STEPS)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: torch_env() });
  return { tsgrad, pytorch: parse(py.stdout, 'PyTorch', py.status) };
}
