// PyTorch as a peer that alternates with tsgrad's rounds: bench/torch_peer.py runs in its own process and
// times each round itself, while this process waits; so load from elsewhere hits PyTorch and tsgrad alike.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { RemotePeer } from './measure.js';

const PYTHON = '/usr/bin/python3';

/** PyTorch's version when /usr/bin/python3 has torch, else null. */
export function torch_version(): string | null {
  if (!existsSync(PYTHON)) return null;
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

/** What bench/torch_peer.py builds: a workload's spec (one peer per thread count) or a hook setup. */
export interface TorchSpec {
  key: string;
  kind: string;
  threads: number[];
  [size: string]: unknown;
}

/** The companion process; every call blocks until it answers. */
export class TorchProcess {
  private readonly worker: Worker;
  private readonly state: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(script: string) {
    const shared = new SharedArrayBuffer(8 + (1 << 16));
    this.state = new Int32Array(shared, 0, 2);
    this.bytes = new Uint8Array(shared, 8);
    this.worker = new Worker(new URL('./torch_worker.js', import.meta.url), { workerData: { python: PYTHON, script, shared } });
  }

  private request(message: Record<string, unknown>, timeout_ms: number): Record<string, unknown> {
    Atomics.store(this.state, 0, 0);
    this.worker.postMessage(JSON.stringify(message));
    if (Atomics.wait(this.state, 0, 0, timeout_ms) === 'timed-out') throw new Error(`PyTorch companion did not answer ${JSON.stringify(message)} within ${timeout_ms / 1000} s`);
    const reply = JSON.parse(new TextDecoder().decode(this.bytes.slice(0, Atomics.load(this.state, 1)))) as Record<string, unknown>;
    if (typeof reply['error'] === 'string') throw new Error(`PyTorch companion: ${reply['error']}`);
    return reply;
  }

  /**
   * Builds `spec` in PyTorch, warms each of its peers up and sizes their rounds to `round_ms`; returns them as
   * peers for compare(), named by `name(peer)` (a thread count, or a hook row's key).
   */
  peers(spec: TorchSpec, round_ms: number, name: (peer: string) => string): RemotePeer[] {
    const reply = this.request({ op: 'setup', spec, round_ms }, 300_000) as { peers: string[]; version: string };
    return reply.peers.map((p) => ({
      name: name(p),
      round: () => (this.request({ op: 'round', key: spec.key, peer: p }, 120_000) as { ms: number }).ms,
    }));
  }

  close(): void {
    this.worker.postMessage('close');
    void this.worker.terminate();
  }
}
