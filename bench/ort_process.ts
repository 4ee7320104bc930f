// onnxruntime-node as a peer that alternates with tsgrad's rounds: its sessions live in a worker thread that
// times each round itself, while this thread waits; so both run on the same cores under the same load.
import { createRequire } from 'node:module';
import { AGREEMENT, disagreement, type RemotePeer } from './measure.js';
import type { OnnxModel } from './onnx_model.js';
import { SyncWorker } from './sync_worker.js';

/** onnxruntime-node's version (its package.json; this module loads no onnxruntime itself). */
export const ORT_VERSION = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;

/** The worker holding onnxruntime's sessions; every call blocks until it answers. */
export class OrtPeer {
  private readonly worker = new SyncWorker(new URL('./ort_worker.js', import.meta.url), {}, 1 << 20);

  /**
   * Loads `model` at each thread count, checks every session's output against tsgrad's `reference` (throws when
   * they disagree), warms each up and sizes its rounds to `round_ms`; returns them as peers for compare().
   */
  peers(key: string, model: OnnxModel, reference: Float32Array, threads: number[], round_ms: number, name: (threads: number) => string): RemotePeer[] {
    const reply = this.worker.request('onnxruntime worker', { op: 'setup', key, model, threads, round_ms, warmup_ms: 300 }, 300_000) as { peers: string[]; outputs: Record<string, number[]> };
    for (const [n, out] of Object.entries(reply.outputs)) {
      const d = disagreement(reference, Float32Array.from(out));
      if (!(d <= AGREEMENT)) throw new Error(`onnxruntime (${n} threads) disagrees with tsgrad on ${key}: relative difference ${d.toExponential(2)}`);
    }
    return reply.peers.map((p) => ({
      name: name(Number(p)),
      round: () => (this.worker.request('onnxruntime worker', { op: 'round', key, peer: p }, 120_000) as { ms: number }).ms,
    }));
  }

  close(): void {
    this.worker.close();
  }
}
