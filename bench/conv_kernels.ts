// Times the wasm backend's GEMM, a 64-channel conv layer and a SimpleNet train step on 1 and 2 threads (and js).
// `npx tsc -b bench && node bench/dist/conv_kernels.js [rounds]`; rounds alternate the peers, medians reported.
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';

interface Peer {
  name: string;
  backend: string;
  threads: number;
}

const PEERS: Peer[] = [
  { name: 'wasm 1 thread', backend: 'wasm', threads: 1 },
  { name: 'wasm 2 threads', backend: 'wasm', threads: 2 },
];

function enter(p: Peer): void {
  torch.set_backend(p.backend);
  torch.set_num_threads(p.threads);
}

/** Median ms per call of `run` for each peer, rounds of ~`round_ms` alternating the peer order. */
function time(peers: Peer[], run: () => void, rounds: number, round_ms = 300): number[] {
  const calls: number[] = [];
  for (const p of peers) {
    enter(p);
    run(); // warm-up, and starts the workers
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < round_ms) {
      run();
      n++;
    }
    calls.push(Math.max(1, Math.round((n * round_ms) / (performance.now() - t0))));
  }
  const samples: number[][] = peers.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const order = peers.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      enter(peers[i]!);
      const t0 = performance.now();
      for (let k = 0; k < calls[i]!; k++) run();
      samples[i]!.push((performance.now() - t0) / calls[i]!);
    }
  }
  return samples.map((s) => s.sort((a, b) => a - b)[Math.floor(s.length / 2)]!);
}

function report(label: string, gflop: number | null, peers: Peer[], ms: number[]): void {
  const cells = peers.map((p, i) => `${p.name} ${ms[i]!.toFixed(2)} ms${gflop === null ? '' : ` (${(gflop / ms[i]! * 1e3).toFixed(1)} GFLOP/s)`}`);
  console.log(`${label.padEnd(34)} ${cells.join(' | ')}${ms.length > 1 ? ` | 1t/2t ${(ms[ms.length - 2]! / ms[ms.length - 1]!).toFixed(2)}x` : ''}`);
}

const rounds = Number(process.argv[2] ?? 7);

{
  torch.manual_seed(0);
  const a = torch.randn([1024, 1024]);
  const b = torch.randn([1024, 1024]);
  report('matmul 1024^3', 2 * 1024 ** 3 / 1e9, PEERS, time(PEERS, () => void a.matmul(b), rounds));
}
{
  torch.manual_seed(0);
  const conv = new nn.Conv2d(64, 64, 3, { padding: 1 });
  const x = torch.randn([16, 64, 32, 32]);
  const fwd = 2 * 16 * 64 * 32 * 32 * 64 * 9 / 1e9;
  torch.no_grad(() => report('conv 64->64 3x3 [16,64,32,32] fwd', fwd, PEERS, time(PEERS, () => void conv.call(x), rounds)));
  const xg = x.clone().requires_grad_();
  const step = (): void => {
    conv.zero_grad();
    xg.grad = null;
    (conv.call(xg) as torch.Tensor).sum().backward();
  };
  report('conv 64->64 3x3 fwd+bwd', 3 * fwd, PEERS, time(PEERS, step, rounds));
}
{
  torch.manual_seed(1);
  const net = new models.SimpleNet({ final_relu: false });
  const opt = new nn.optim.SGD(net.parameters(), { lr: 0.01 });
  torch.manual_seed(0);
  const x = torch.randn([64, 1, 28, 28]);
  const y = torch.randint(0, 10, [64]);
  const step = (): void => {
    opt.zero_grad();
    nn.functional.cross_entropy(net.call(x) as torch.Tensor, y).backward();
    opt.step();
  };
  const peers = [{ name: 'js', backend: 'js', threads: 1 }, ...PEERS];
  report('SimpleNet train step b64', null, peers, time(peers, step, rounds));
}
