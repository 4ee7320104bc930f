// Worker thread behind OrtPeer: holds onnxruntime sessions and times their rounds itself (awaiting each
// forward, as a user of onnxruntime-node's API does), while the main thread waits (bench/sync_worker.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import type { OnnxModel } from './onnx_model.js';
import { ort_feeds, ort_forward, ort_session } from './ort.js';
import { replier } from './sync_worker.js';

const reply = replier((workerData as { shared: SharedArrayBuffer }).shared);

interface Timed {
  session: ort.InferenceSession;
  feeds: Record<string, ort.Tensor>;
  /** Forwards per round, from the warm-up. */
  calls: number;
}
const sessions = new Map<string, Timed>();

type Message =
  | { op: 'setup'; key: string; model: OnnxModel; threads: number[]; round_ms: number; warmup_ms: number }
  | { op: 'round'; key: string; peer: string };

/** Sessions for each thread count: one checked forward (its output is returned), then warm-up sizing the rounds. */
async function setup(m: Extract<Message, { op: 'setup' }>): Promise<Record<string, unknown>> {
  const outputs: Record<string, number[]> = {};
  for (const threads of m.threads) {
    const session = await ort_session(m.model, threads);
    const feeds = ort_feeds(m.model);
    outputs[threads] = Array.from(await ort_forward(session, feeds));
    let n = 0;
    const t0 = performance.now();
    while (n === 0 || performance.now() - t0 < m.warmup_ms) {
      await ort_forward(session, feeds);
      n++;
    }
    sessions.set(`${m.key}/${threads}`, { session, feeds, calls: Math.max(1, Math.round(m.round_ms / ((performance.now() - t0) / n))) });
  }
  return { peers: m.threads.map(String), outputs };
}

async function round(m: Extract<Message, { op: 'round' }>): Promise<Record<string, unknown>> {
  const s = sessions.get(`${m.key}/${m.peer}`);
  if (s === undefined) throw new Error(`no onnxruntime session for ${m.key} at ${m.peer} threads`);
  const t0 = performance.now();
  for (let i = 0; i < s.calls; i++) await ort_forward(s.session, s.feeds);
  return { ms: (performance.now() - t0) / s.calls };
}

parentPort!.on('message', (m: Message | 'close') => {
  if (m === 'close') {
    for (const s of sessions.values()) void s.session.release();
    parentPort!.close();
    return;
  }
  (m.op === 'setup' ? setup(m) : round(m)).then(
    (r) => reply(JSON.stringify(r)),
    (e: unknown) => reply(JSON.stringify({ error: (e as Error).message })),
  );
});
