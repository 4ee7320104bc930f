// Kernel speed, js vs wasm backend: matmul 512³ and 1024³ (GFLOP/s) and the SimpleNet train step at batch 64.
import { fileURLToPath } from 'node:url';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { compare, save_results, type Peer } from './measure.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const F = nn.functional;

/** Runs `run` with `backend` active, so alternating peers can share one process. */
function on(backend: string, run: () => void): () => void {
  return () => {
    torch.set_backend(backend);
    run();
  };
}

function peers(backends: string[], make: (backend: string) => () => void): Peer[] {
  return backends.map((b) => ({ name: b, run: on(b, make(b)) }));
}

function bench_matmul(backends: string[], n: number): Record<string, { ms: number; gflops: number }> {
  torch.manual_seed(0);
  const a = torch.randn([n, n]);
  const b = torch.randn([n, n]);
  const rounds = n >= 1024 ? 5 : 9;
  const t = compare(peers(backends, () => () => torch.mm(a, b)), { calls_per_round: 1, rounds, warmup: 1 });
  return Object.fromEntries([...t].map(([k, ms]) => [k, { ms, gflops: (2 * n ** 3) / (ms * 1e6) }]));
}

function bench_simplenet_step(backends: string[], batch: number): Record<string, { ms: number }> {
  torch.manual_seed(0);
  const x = torch.randn([batch, 1, 28, 28]);
  const y = torch.randint(0, 10, [batch]);
  const make = (): (() => void) => {
    torch.manual_seed(1);
    const net = new models.SimpleNet({ final_relu: false });
    const opt = new nn.optim.SGD(net.parameters(), { lr: 0.01 });
    return () => {
      opt.zero_grad();
      F.cross_entropy(net.call(x), y).backward();
      opt.step();
    };
  };
  const t = compare(peers(backends, make), { calls_per_round: 5, rounds: 11, warmup: 5 });
  return Object.fromEntries([...t].map(([k, ms]) => [k, { ms }]));
}

function main(): void {
  const backends = torch.list_backends();
  const initial = torch.kernels().name;
  if (!backends.includes('wasm')) console.log('WebAssembly SIMD is not available here: js only');
  const results: Record<string, Record<string, { ms: number; gflops?: number }>> = {
    matmul_512: bench_matmul(backends, 512),
    matmul_1024: bench_matmul(backends, 1024),
    simplenet_train_step_b64: bench_simplenet_step(backends, 64),
  };
  torch.set_backend(initial);
  console.log('medians of alternating rounds, float32, one thread');
  for (const [workload, by] of Object.entries(results)) {
    const js = by['js']!;
    const cells = Object.entries(by).map(([b, r]) =>
      `${b} ${r.ms.toFixed(2).padStart(8)} ms${r.gflops === undefined ? '' : ` (${r.gflops.toFixed(1)} GFLOP/s)`}`);
    const wasm = by['wasm'];
    const ratio = wasm === undefined ? '' : `   wasm/js time ${(wasm.ms / js.ms).toFixed(3)} (${(js.ms / wasm.ms).toFixed(1)}x faster)`;
    console.log(`${workload.padEnd(26)} ${cells.join('   ')}${ratio}`);
  }
  save_results(here('../results.json'), 'kernels', { unit: 'milliseconds per call (median)', backends, ...results });
}

main();
