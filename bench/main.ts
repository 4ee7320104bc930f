// `pnpm bench`: tsgrad side by side with TF.js (cpu and wasm backends, in tsgrad's process), onnxruntime-node
// (the forwards, exported by tsgrad, in a worker thread) and PyTorch (a companion process, when /usr/bin/python3
// has torch), rounds alternating between all of them, each workload in a fresh process; prints medians,
// tsgrad/peer ratios and the speed targets, and writes bench/results.json.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as torch from '@tsgrad/core';
import { bench_hooks, hook_overheads, HOOK_ROWS, OVERHEAD_ROWS } from './hooks.js';
import { AGREEMENT, compare, disagreement, format_ms, format_table, save_results, type Peer, type RemotePeer } from './measure.js';
import { OrtPeer, ORT_VERSION } from './ort_process.js';
import { TorchProcess, torch_info, type TorchInfo } from './torch_process.js';
import { load_tfjs, tf, TFJS_BACKENDS, use } from './tfjs.js';
import { MODEL_FULL, model_workloads, type ModelSpec } from './model_workloads.js';
import { product_gflop } from './roofline.js';
import { peak_rss, type PeakRss, type Rss } from './peak_rss.js';
import { RELAXED_SIMD_FLAG, relaxed_simd_flags, simd_peak_with_relaxed, type SimdPeak } from './simd_peak.js';
import { FULL, workloads, type Side, type Workload } from './workloads.js';
import { bench_traced, type TracedRow } from './traced.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Rounds per peer and the time of one round, and the time a slow peer may take per workload (its rounds shrink to fit, to one at least). */
const ROUNDS = 9;
const ROUND_MS = 200;
const PEER_BUDGET_MS = 10_000;
/** Workloads also timed on tsgrad's pure-JS backend, to show what the WebAssembly kernels buy. */
const JS_BACKEND_TOO = new Set(['simplenet_train', 'matmul']);

/** Thread counts each side is timed with (tsgrad's worker threads, PyTorch's intra-op threads). */
const TSGRAD_THREADS = [1, 2];
const TORCH_THREADS = [1, 2];
/** Intra-op thread counts of the onnxruntime peer (forwards only). */
const ORT_THREADS = [1, 2];

interface PeerResult {
  peer: string;
  /** Median ms per call; null when the peer cannot run the workload. */
  ms: number | null;
  /** Work of one of this peer's calls (a reduced variant does less). */
  gflop: number | null;
  /** tsgrad's (one thread) time over this peer's for the same work: below 1, tsgrad is faster. */
  tsgrad_over_peer: number | null;
  note?: string;
}

interface WorkloadResult {
  key: string;
  label: string;
  gflop: number | null;
  peers: PeerResult[];
}

const tsgrad_name = (threads: number): string => (threads === 1 ? 'tsgrad' : `tsgrad ${threads} threads`);
const torch_name = (threads: number): string => `PyTorch ${threads} thread${threads === 1 ? '' : 's'}`;
const ort_name = (threads: number): string => `onnxruntime ${threads} thread${threads === 1 ? '' : 's'}`;

/** A peer that passed its agreement check, with what the check learned about its speed; or why it cannot run. */
type Checked = { peer: Peer; gflop: number | null; note?: string } | { name: string; cannot: string };

/**
 * Runs a fresh side once and checks its result against tsgrad's, then times one call, which doubles as warm-up
 * and sizes the peer's rounds. A peer that throws (a kernel TF.js lacks) is reported as unable to run.
 */
function check(name: string, w: Workload, side: Side, reference: Float32Array, enter: () => void): Checked {
  enter();
  let result: Float32Array;
  try {
    result = side.result();
  } catch (e) {
    const message = (e as Error).message;
    const kernel = /Kernel '(\w+)' not registered/.exec(message)?.[1];
    return { name, cannot: kernel === undefined ? message : `no ${kernel} kernel` };
  }
  const d = disagreement(reference, result);
  if (!(d <= AGREEMENT)) throw new Error(`${name} disagrees with tsgrad on ${w.key}: relative difference ${d.toExponential(2)}`);
  // timed apart from result(), which also reads values back into tsgrad's layout (slow on TF.js wasm)
  const t0 = performance.now();
  side.run();
  const first_ms = performance.now() - t0;
  const rounds = Math.max(1, Math.min(ROUNDS, Math.floor(PEER_BUDGET_MS / first_ms)));
  return {
    peer: { name, run: side.run, enter, rounds, ...(first_ms > 1000 ? { warmup_ms: 0, estimate_ms: first_ms } : {}) },
    gflop: w.gflop,
    ...(rounds < ROUNDS ? { note: `${rounds} timed call${rounds === 1 ? '' : 's'}` } : {}),
  };
}

function bench_workload(w: Workload, pytorch: TorchProcess | null, onnxruntime: OrtPeer | null): WorkloadResult {
  const backend = torch.kernels().name;
  const tsgrad_enter = (threads: number) => (): void => {
    torch.set_backend(backend);
    torch.set_num_threads(threads);
  };
  tsgrad_enter(1)();
  const ours = w.tsgrad();
  const reference = ours.result();
  const checked: Checked[] = [{ peer: { name: tsgrad_name(1), run: ours.run, enter: tsgrad_enter(1) }, gflop: w.gflop }];
  for (const n of TSGRAD_THREADS.slice(1)) checked.push(check(tsgrad_name(n), w, w.tsgrad(), reference, tsgrad_enter(n)));
  if (JS_BACKEND_TOO.has(w.spec.kind) && backend !== 'js') {
    checked.push(check('tsgrad js backend', w, w.tsgrad(), reference, () => {
      torch.set_backend('js');
      torch.set_num_threads(1);
    }));
  }
  const sides: Side[] = [];
  for (const b of w.tfjs === undefined ? [] : TFJS_BACKENDS) {
    const variant = w.reduced?.backend === b ? w.reduced.workload : w;
    const variant_reference = variant === w ? reference : variant.tsgrad().result();
    use(b);
    const side = variant.tfjs!();
    sides.push(side);
    const c = check(`TF.js ${b}`, variant, side, variant_reference, () => use(b));
    if (variant !== w && 'peer' in c && 'batch' in variant.spec) c.note = [`batch ${variant.spec.batch}, GFLOP/s compared`, c.note].filter(Boolean).join(', ');
    checked.push(c);
  }
  const theirs: RemotePeer[] = pytorch === null ? [] : pytorch.peers({ key: w.key, ...w.spec, threads: TORCH_THREADS }, ROUND_MS, (n) => torch_name(Number(n)));
  if (w.onnx !== undefined && onnxruntime !== null) theirs.push(...onnxruntime.peers(w.key, w.onnx(), reference, ORT_THREADS, ROUND_MS, ort_name));
  const t = compare([...checked.flatMap((c) => ('peer' in c ? [c.peer] : [])), ...theirs], { rounds: ROUNDS, round_ms: ROUND_MS });
  tsgrad_enter(1)();
  for (const s of sides) s.dispose();
  const per_work = (ms: number, gflop: number | null): number => ms / (gflop ?? 1);
  const base = t.get(tsgrad_name(1))!.ms;
  const peers = checked.map((c): PeerResult => {
    if (!('peer' in c)) return { peer: c.name, ms: null, gflop: null, tsgrad_over_peer: null, note: `cannot: ${c.cannot}` };
    const ms = t.get(c.peer.name)!.ms;
    return { peer: c.peer.name, ms, gflop: c.gflop, tsgrad_over_peer: per_work(base, w.gflop) / per_work(ms, c.gflop), ...(c.note ? { note: c.note } : {}) };
  });
  for (const p of theirs) peers.push({ peer: p.name, ms: t.get(p.name)!.ms, gflop: w.gflop, tsgrad_over_peer: base / t.get(p.name)!.ms });
  return { key: w.key, label: w.label, gflop: w.gflop, peers };
}

interface Verdict {
  target: string;
  figure: string;
  met: boolean | null;
}

function verdicts(results: WorkloadResult[], hooks: { tsgrad: number; pytorch: number | null }, rss: Record<string, PeakRss>, traced: TracedRow[], peak: SimdPeak & { relaxed_flagged: boolean }, kind: torch.WasmKernelKind): Verdict[] {
  const find = (key: string, peer: string): PeerResult | undefined => results.find((r) => r.key === key)?.peers.find((p) => p.peer === peer);
  const out: Verdict[] = [];
  const train_keys = results.map((r) => r.key).filter((k) => k.startsWith('simplenet_train') || /_train_b\d+$/.test(k));
  for (const key of train_keys) {
    const label = results.find((r) => r.key === key)!.label;
    for (const n of TORCH_THREADS) {
      const ours = find(key, tsgrad_name(n));
      const theirs = find(key, torch_name(n));
      const target = `${label} at PyTorch's speed, ${n} thread${n === 1 ? '' : 's'} each`;
      if (ours?.ms == null) out.push({ target, figure: `tsgrad has no ${n}-thread mode yet`, met: null });
      else if (theirs?.ms == null) out.push({ target, figure: 'PyTorch not available', met: null });
      else out.push({ target, figure: `tsgrad/PyTorch ${(ours.ms / theirs.ms).toFixed(2)} (${format_ms(ours.ms)} vs ${format_ms(theirs.ms)})`, met: ours.ms <= theirs.ms });
    }
  }
  for (const [key, r] of Object.entries(rss)) {
    const label = results.find((x) => x.key === key)?.label ?? key;
    out.push({
      target: `${label}: peak RSS no more than PyTorch's`,
      figure: r.pytorch === null ? `${r.tsgrad.peak_mb.toFixed(0)} MB; PyTorch not available` : `${r.tsgrad.peak_mb.toFixed(0)} MB vs ${r.pytorch.peak_mb.toFixed(0)} MB`,
      met: r.pytorch === null ? null : r.tsgrad.peak_mb <= r.pytorch.peak_mb,
    });
  }
  const best = (key: string, name: (n: number) => string): { n: number; ms: number } | null =>
    TORCH_THREADS.map((n) => ({ n, ms: find(key, name(n))?.ms ?? null })).filter((x): x is { n: number; ms: number } => x.ms !== null).reduce<{ n: number; ms: number } | null>((a, b) => (a === null || b.ms < a.ms ? b : a), null);
  const ours_best = best('simplenet_train_b64', tsgrad_name);
  const theirs_best = best('simplenet_train_b64', torch_name);
  if (ours_best !== null && theirs_best !== null) {
    out.push({
      target: 'SimpleNet train step b64, best thread setting of each',
      figure: `tsgrad/PyTorch ${(ours_best.ms / theirs_best.ms).toFixed(2)} (${format_ms(ours_best.ms)} at ${ours_best.n} vs ${format_ms(theirs_best.ms)} at ${theirs_best.n})`,
      met: ours_best.ms <= theirs_best.ms,
    });
  }
  for (const r of results.filter((x) => /_forward_b\d+$/.test(x.key) && !x.key.startsWith('conv'))) {
    for (const n of ORT_THREADS) {
      const ours = find(r.key, tsgrad_name(n));
      const theirs = find(r.key, ort_name(n));
      const target = `${r.label}: within 1.5× of onnxruntime-node, ${n} thread${n === 1 ? '' : 's'} each`;
      if (ours?.ms == null || theirs?.ms == null) out.push({ target, figure: `${ours?.ms == null ? 'tsgrad' : 'onnxruntime-node'} did not run`, met: null });
      else out.push({ target, figure: `tsgrad/onnxruntime ${(ours.ms / theirs.ms).toFixed(2)} (${format_ms(ours.ms)} vs ${format_ms(theirs.ms)})`, met: ours.ms <= 1.5 * theirs.ms });
    }
  }
  for (const key of ['simplenet_forward_b64', 'saliency_b1']) {
    const ours = find(key, 'tsgrad')!.ms!;
    const theirs = find(key, 'TF.js wasm')?.ms;
    const label = results.find((r) => r.key === key)!.label;
    out.push({ target: `${label}: faster than TF.js wasm`, figure: theirs == null ? 'TF.js wasm did not run' : `tsgrad/TF.js wasm ${(ours / theirs).toFixed(2)} (${format_ms(ours)} vs ${format_ms(theirs)})`, met: theirs == null ? null : ours < theirs });
  }
  for (const r of results.filter((r) => r.key === 'matmul_1024' || r.key.startsWith('conv'))) {
    const best = r.peers.filter((p) => p.peer.startsWith('tsgrad') && p.ms !== null && !p.peer.includes('js')).map((p) => ({ peer: p.peer, gflops: r.gflop! / (p.ms! / 1000) }));
    const top = best.reduce((a, b) => (b.gflops > a.gflops ? b : a));
    out.push({ target: `${r.label}: ≥ 27 GFLOP/s`, figure: `${top.gflops.toFixed(1)} GFLOP/s (${top.peer})`, met: top.gflops >= 27 });
  }
  for (const r of traced) {
    out.push({ target: `${r.label}: traced (compiled) faster than eager`, figure: `traced/eager ${(r.traced_ms / r.eager_ms).toFixed(2)} (${format_ms(r.traced_ms)} vs ${format_ms(r.eager_ms)}; CPU time ${(r.traced_cpu_ms / r.eager_cpu_ms).toFixed(2)})`, met: r.traced_ms < r.eager_ms });
  }
  const mm = results.find((r) => r.key === 'matmul_1024')?.peers.find((p) => p.peer === tsgrad_name(1));
  if (mm?.ms != null && mm.gflop !== null) {
    const g = mm.gflop / (mm.ms / 1000);
    // the peak of the kind of kernel tsgrad ran: fused relaxed_madd, or f32x4 mul then add
    const fused = kind === 'relaxed_simd' && peak.relaxed_madd_gflops !== null;
    const used = fused ? peak.relaxed_madd_gflops! : peak.mul_add_gflops;
    const other = fused ? `; ${(100 * g / peak.mul_add_gflops).toFixed(0)}% of mul+add's ${peak.mul_add_gflops.toFixed(1)}`
      : peak.relaxed_madd_gflops === null ? '; no relaxed SIMD here' : `; relaxed_madd's ${peak.relaxed_madd_gflops.toFixed(1)} unused`;
    out.push({
      target: 'matmul 1024³ on one thread: ≥ 85% of the measured wasm SIMD peak of the kernels in use',
      figure: `${g.toFixed(1)} GFLOP/s: ${(100 * g / used).toFixed(0)}% of ${fused ? 'relaxed_madd' : 'mul+add'}'s ${used.toFixed(1)} GFLOP/s (tsgrad's ${kind} kernels)${other}`,
      met: g >= 0.85 * used,
    });
  }
  out.push({
    target: 'per forward hook overhead ≤ PyTorch\'s',
    figure: hooks.pytorch === null ? `${(hooks.tsgrad * 1000).toFixed(3)} µs; PyTorch not available` : `${(hooks.tsgrad * 1000).toFixed(3)} µs vs ${(hooks.pytorch * 1000).toFixed(3)} µs`,
    met: hooks.pytorch === null ? null : hooks.tsgrad <= hooks.pytorch,
  });
  return out;
}

/** Two decimals, or two significant digits below 0.1 (TF.js cpu runs at hundredths of tsgrad's speed). */
function two_digits(x: number): string {
  return x >= 0.1 ? x.toFixed(2) : x.toPrecision(2);
}

function gflops(x: number): string {
  return x >= 10 ? x.toFixed(1) : x.toPrecision(2);
}

function print_workloads(results: WorkloadResult[]): void {
  const rows: string[][] = [['workload', 'peer', 'median', 'GFLOP/s', 'tsgrad/peer', 'note']];
  for (const r of results) {
    r.peers.forEach((p, i) => {
      rows.push([
        i === 0 ? r.label : '',
        p.peer,
        p.ms === null ? '-' : format_ms(p.ms),
        p.ms === null || p.gflop === null ? '' : gflops(p.gflop / (p.ms / 1000)),
        p.tsgrad_over_peer === null || i === 0 ? '' : two_digits(p.tsgrad_over_peer),
        p.note ?? '',
      ]);
    });
  }
  console.log(format_table(rows));
}

function print_rss(rss: Record<string, PeakRss>, results: WorkloadResult[]): void {
  const mb = (r: Rss | null, k: keyof Rss): string => (r === null ? '-' : `${r[k].toFixed(0)} MB`);
  console.log(format_table([
    ['peak RSS, 5 train steps on 1 thread', 'tsgrad', 'PyTorch', 'growth tsgrad', 'growth PyTorch'],
    ...Object.entries(rss).map(([key, r]) => [results.find((x) => x.key === key)?.label ?? key, mb(r.tsgrad, 'peak_mb'), mb(r.pytorch, 'peak_mb'), mb(r.tsgrad, 'growth_mb'), mb(r.pytorch, 'growth_mb')]),
  ]));
  console.log('growth: the peak less the process\'s mark before the model was built (Node and tsgrad, or Python and torch, loaded).');
}

function print_hooks(ours: Record<string, number>, theirs: Record<string, number> | null): void {
  const us = (ms: number): string => `${(ms * 1000).toFixed(2)} µs`;
  const line = (label: string, a: number, b: number | undefined): string[] => [label, us(a), b === undefined ? '-' : us(b), b === undefined ? '' : (a / b).toFixed(2)];
  const a = hook_overheads(ours);
  const b = theirs === null ? null : hook_overheads(theirs);
  console.log(format_table([
    ['Linear(16, 16) on [4, 16]', 'tsgrad', 'PyTorch', 'tsgrad/PyTorch'],
    ...HOOK_ROWS.map(([key, label]) => line(label, ours[key]!, theirs?.[key])),
    ...OVERHEAD_ROWS.map(([key, label]) => line(label, a[key], b?.[key])),
  ]));
}

function print_traced(rows: TracedRow[]): void {
  console.log(format_table([
    ['torch.jit.trace, eval, no_grad, 1 thread', 'eager', 'traced (compiled)', 'traced/eager', 'CPU time: eager, traced, ratio', 'max rel. difference', 'compiled plan ran'],
    ...rows.map((r) => [
      r.label, format_ms(r.eager_ms), format_ms(r.traced_ms), (r.traced_ms / r.eager_ms).toFixed(2),
      `${format_ms(r.eager_cpu_ms)}, ${format_ms(r.traced_cpu_ms)}, ${(r.traced_cpu_ms / r.eager_cpu_ms).toFixed(2)}`, r.disagreement.toExponential(1), plan_summary(r.plan),
    ]),
  ]));
}

/** What the timed traced calls ran, in a few words. */
function plan_summary(p: torch.jit.PlanStats): string {
  return `every call: ${p.steps} steps, ${p.kernels} kernels into planned memory (${p.epilogues} with a ReLU epilogue), ${p.fusion_groups} fused groups, ${p.folded_batch_norms} batch norms folded, ${p.planned_buffers} buffers for ${p.planned_results} results`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const info = torch_info();
  const pytorch = info?.version ?? null;
  const cpus = os.cpus();
  const machine = {
    cpus: cpus.length,
    cpu_model: cpus[0]?.model ?? 'unknown',
    node: process.version,
    tsgrad_backend: torch.kernels().name,
    tsgrad_threads: TSGRAD_THREADS,
    tsgrad_wasm_kernels: torch.wasm_kernel_kind(),
    node_flags: process.execArgv,
    tfjs: tf.version.tfjs,
    onnxruntime_node: ORT_VERSION,
    pytorch,
    pytorch_blas: info === null ? null : { libraries: info.blas_libraries, openblas_kernel: info.openblas_kernel, openblas_threading: info.openblas_threading, config: info.config, unset_for_pytorch: info.unset },
    pytorch_allocator_primed: true,
  };
  const load = (): string => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`${machine.cpus} × ${machine.cpu_model}, Node ${machine.node}, load average ${load()}`);
  console.log(`tsgrad (${machine.tsgrad_backend} backend, ${TSGRAD_THREADS.join(' and ')} thread${TSGRAD_THREADS.length > 1 ? 's' : ''}), TF.js ${machine.tfjs} (cpu and wasm backends, one thread each), PyTorch ${pytorch ?? 'not available'}`);
  console.log(machine.tsgrad_wasm_kernels === 'relaxed_simd'
    ? `tsgrad's wasm GEMM and convolutions use relaxed SIMD (f32x4.relaxed_madd)${process.execArgv.includes(RELAXED_SIMD_FLAG) ? `: this Node needs ${RELAXED_SIMD_FLAG}, which the bench sets for itself and its child processes` : ''}`
    : 'tsgrad\'s wasm GEMM and convolutions use plain 128-bit SIMD (mul+add): this engine has no relaxed SIMD');
  console.log(`onnxruntime-node ${ORT_VERSION} on the forwards: the models exported by tsgrad's torch.onnx.export (opset 17, eval mode, the same weights), CPU provider, ${ORT_THREADS.join(' and ')} intra-op threads, graph optimizations ORT_ENABLE_ALL`);
  if (info !== null) console.log(describe_blas(info));
  console.log('Medians of rounds alternating between all peers, each workload in a fresh process (PyTorch runs its rounds in a companion process while that one waits).\n');

  const results: WorkloadResult[] = [];
  for (const w of all_workloads()) {
    process.stderr.write(`timing ${w.label} …\n`);
    results.push(in_child<WorkloadResult>(w.key, pytorch !== null));
  }
  const rss: Record<string, PeakRss> = {};
  for (const w of model_workloads(MODEL_FULL).filter((x) => x.spec.kind.endsWith('_train'))) {
    process.stderr.write(`peak RSS of ${w.label} …\n`);
    rss[w.key] = peak_rss(w, pytorch !== null);
  }
  process.stderr.write('measuring the wasm SIMD peak …\n');
  const peak = simd_peak_with_relaxed();
  process.stderr.write('timing hooks …\n');
  const hooks = in_child<ReturnType<typeof bench_hooks>>(HOOKS, pytorch !== null);
  process.stderr.write('timing traced forwards …\n');
  const traced = in_child<TracedRow[]>(TRACED, false);

  print_workloads(results);
  console.log('\ntsgrad/peer: tsgrad\'s time (one thread) over the peer\'s for the same work; below 1, tsgrad is faster.\n');
  print_hooks(hooks.tsgrad, hooks.pytorch);
  console.log('');
  print_traced(traced);
  console.log('');
  print_rss(rss, results);
  console.log(`\nwasm SIMD peak, one thread: f32x4 mul+add ${peak.mul_add_gflops.toFixed(1)} GFLOP/s; relaxed_madd ${peak.relaxed_madd_gflops === null ? 'not supported' : `${peak.relaxed_madd_gflops.toFixed(1)} GFLOP/s${peak.relaxed_flagged ? ' (behind --experimental-wasm-relaxed-simd on this Node)' : ''}`}`);
  const v = verdicts(results, { tsgrad: hook_overheads(hooks.tsgrad).per_forward_hook, pytorch: hooks.pytorch === null ? null : hook_overheads(hooks.pytorch).per_forward_hook }, rss, traced, peak, machine.tsgrad_wasm_kernels);
  const floors = roofline(results, peak, machine.tsgrad_wasm_kernels);
  print_roofline(floors);
  console.log('\ntargets');
  console.log(format_table(v.map((x) => [x.met === null ? '  ?' : x.met ? '  met' : '  NOT met', x.target, x.figure])));
  save_results(here('../results.json'), {
    machine,
    workloads: results,
    peak_rss_mb: rss,
    wasm_simd_peak_gflops: peak,
    hooks: { unit: 'milliseconds per call', ...hooks, tsgrad_overheads: hook_overheads(hooks.tsgrad), pytorch_overheads: hooks.pytorch === null ? null : hook_overheads(hooks.pytorch) },
    traced: { unit: 'milliseconds per call', rows: traced },
    roofline: floors,
    targets: v,
  });
  console.log(`\nwrote bench/results.json (${((performance.now() - started) / 1000).toFixed(0)} s; load average now ${load()}: on shared cores, expect noise)`);
}

/** A model workload's matrix-product work and the fastest any wasm kernel could do it here, beside the peers. */
interface Floor {
  label: string;
  product_gflop: number;
  /** The work over the measured one-thread peak of the kernels in use (two threads: twice that peak). */
  floor_ms: [number, number];
  /** Per peer: the time the target asks for (PyTorch's time; 1.5 × onnxruntime's) and the share of the peak it needs. */
  peers: { peer: string; ms: number | null; target_ms: number | null; share_of_peak_needed: number | null }[];
}

function roofline(results: WorkloadResult[], peak: SimdPeak, kind: torch.WasmKernelKind): Floor[] {
  const gflops = kind === 'relaxed_simd' && peak.relaxed_madd_gflops !== null ? peak.relaxed_madd_gflops : peak.mul_add_gflops;
  const floors: Floor[] = [];
  for (const w of model_workloads(MODEL_FULL)) {
    const r = results.find((x) => x.key === w.key);
    if (r === undefined) continue;
    const work = product_gflop(w.spec as ModelSpec);
    const floor_ms: [number, number] = [(1000 * work) / gflops, (1000 * work) / (2 * gflops)];
    const peers = [...TORCH_THREADS.map((n) => torch_name(n)), ...ORT_THREADS.map((n) => ort_name(n))].map((peer) => {
      const ms = r.peers.find((p) => p.peer === peer)?.ms ?? null;
      const threads = /2 threads?/.test(peer) ? 1 : 0;
      const target_ms = ms === null ? null : peer.startsWith('onnxruntime') ? 1.5 * ms : ms;
      return { peer, ms, target_ms, share_of_peak_needed: target_ms === null ? null : floor_ms[threads]! / target_ms };
    }).filter((p) => p.ms !== null);
    floors.push({ label: r.label, product_gflop: work, floor_ms, peers });
  }
  return floors;
}

function print_roofline(floors: Floor[]): void {
  console.log('\nroofline: matrix-product work of each model workload (convolutions, linear layers, attention, LSTM gates;');
  console.log('counted by forward hooks) over the measured wasm SIMD peak of the kernels in use, one thread and twice that for two.');
  console.log('To meet a target (PyTorch\'s time; 1.5 × onnxruntime\'s), tsgrad would have to run the whole call at "needs" of that');
  console.log('peak, with nothing else costing time: above 100%, no WebAssembly kernel on this engine can.');
  const rows: string[][] = [['workload', 'GFLOP', 'floor 1 thread', 'floor 2 threads', 'peer', 'peer time', 'target', 'needs']];
  for (const f of floors) {
    f.peers.forEach((p, i) => rows.push([
      i === 0 ? f.label : '', i === 0 ? f.product_gflop.toFixed(2) : '', i === 0 ? format_ms(f.floor_ms[0]) : '', i === 0 ? format_ms(f.floor_ms[1]) : '',
      p.peer, format_ms(p.ms!), format_ms(p.target_ms!), `${(100 * p.share_of_peak_needed!).toFixed(0)}%`,
    ]));
  }
  console.log(format_table(rows));
}

/** One line on the BLAS PyTorch loaded, so a reader sees whether the peer ran at its best. */
function describe_blas(info: TorchInfo): string {
  const lib = info.blas_libraries.find((l) => /libopenblas/.test(l)) ?? info.blas_libraries.find((l) => /libblas/.test(l)) ?? 'no BLAS library mapped';
  const kernel = info.openblas_kernel === null ? '' : `, OpenBLAS kernel ${info.openblas_kernel} (${info.openblas_threading})`;
  const unset = info.unset.length === 0 ? '' : `, run without ${info.unset.join(' ')}`;
  const reference = /libopenblas/.test(lib) ? '' : ' (not OpenBLAS: the peer is handicapped; `pnpm bench:setup` as root installs libopenblas0-openmp)';
  return `PyTorch's BLAS: ${lib}${kernel}${unset}${reference}; its process primes the allocator as tsgrad's does (a freed 32 MB block)`;
}

const HOOKS = 'hooks';
const TRACED = 'traced';

/** Every timed workload, in the order the bench prints them: the kernels and SimpleNet, then the model families. */
function all_workloads(): Workload[] {
  return [...workloads(FULL), ...model_workloads(MODEL_FULL)];
}

/**
 * Times one workload (or the hooks) in a fresh Node process, this script with `--only <key>`, and returns
 * what it measured. Every peer of a workload still runs in that one process, alternating; a fresh process per
 * workload keeps one workload's garbage (TF.js cpu's calls allocate gigabytes, tsgrad's its activations)
 * and heap state from taxing the next workload's peers.
 */
function in_child<T>(key: string, with_pytorch: boolean): T {
  // the parent has probed for torch already (importing it takes seconds); children are told, not re-probing
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--only', key, ...(with_pytorch ? ['--pytorch'] : [])];
  const child = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 26,
  });
  if (child.status !== 0) throw new Error(`bench child for '${key}' failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout) as T;
}

/** The child side of in_child: one workload or the hooks, the result as JSON on stdout. */
async function child(key: string, with_pytorch: boolean): Promise<void> {
  await load_tfjs();
  const pytorch_process = with_pytorch ? new TorchProcess(here('../torch_peer.py')) : null;
  // onnxruntime's worker only for the forwards it has a model of
  const onnxruntime = all_workloads().find((x) => x.key === key)?.onnx === undefined ? null : new OrtPeer();
  try {
    let result: unknown;
    if (key === HOOKS) result = bench_hooks(pytorch_process);
    else if (key === TRACED) {
      torch.set_num_threads(1);
      result = bench_traced();
    } else {
      const w = all_workloads().find((x) => x.key === key);
      if (w === undefined) throw new Error(`no workload '${key}'; there are: ${all_workloads().map((x) => x.key).join(', ')}`);
      result = bench_workload(w, pytorch_process, onnxruntime);
    }
    process.stdout.write(JSON.stringify(result));
  } finally {
    pytorch_process?.close();
    onnxruntime?.close();
  }
}

const only = process.argv.indexOf('--only');
// tsgrad runs at its best: where this Node has relaxed SIMD only behind a flag (Node 20), the bench runs again
// with it, and passes its flags on to every child process
const relaxed_flags = only >= 0 ? [] : relaxed_simd_flags();
if (only >= 0) await child(process.argv[only + 1] ?? '', process.argv.includes('--pytorch'));
else if (relaxed_flags.length > 0) {
  process.stderr.write(`running the bench with ${relaxed_flags.join(' ')}: this Node has relaxed SIMD only behind it\n`);
  process.exitCode = spawnSync(process.execPath, [...relaxed_flags, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' }).status ?? 1;
} else await main();
