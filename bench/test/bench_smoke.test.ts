// Every bench workload at tiny sizes: tsgrad and both TF.js backends compute the same numbers, or TF.js
// reports the kernel it lacks; so `pnpm bench` never times a peer that computes something else.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as torch from '@tsgrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AGREEMENT, compare, disagreement } from '../measure.js';
import { MODEL_TINY, model_workloads } from '../model_workloads.js';
import type { Workload } from '../workloads.js';

// TF.js is installed on demand (`pnpm bench:setup`), not by the workspace install
const PEERS = existsSync(fileURLToPath(new URL('../node_modules/@tensorflow/tfjs/package.json', import.meta.url)));
if (!PEERS) console.warn('bench workloads skipped: TF.js is not installed (pnpm bench:setup installs it)');
const { load_tfjs, TFJS_BACKENDS, use } = PEERS ? await import('../tfjs.js') : { load_tfjs: async () => {}, TFJS_BACKENDS: [], use: () => {} };
const { TINY, workloads } = PEERS ? await import('../workloads.js') : ({} as typeof import('../workloads.js'));

// TF.js wasm has no Conv2DBackpropFilter kernel, so it cannot train a conv net or take a conv weight's gradient
const CANNOT: Record<string, string[]> = { wasm: ['simplenet_train', 'conv_forward_backward'] };

const all = PEERS ? workloads(TINY).flatMap((w): Workload[] => (w.reduced === undefined ? [w] : [w, w.reduced.workload])) : [];

beforeAll(() => load_tfjs());

describe.skipIf(!PEERS).each(all)('$key', (w) => {
  it.each(TFJS_BACKENDS)('tsgrad and TF.js %s agree', (backend) => {
    const ours = w.tsgrad();
    const reference = ours.result();
    ours.run();
    use(backend);
    const theirs = w.tfjs();
    try {
      if (CANNOT[backend]?.includes(w.spec.kind)) {
        expect(() => theirs.result()).toThrow(/Conv2DBackpropFilter/);
        return;
      }
      expect(disagreement(reference, theirs.result())).toBeLessThan(AGREEMENT);
      theirs.run();
    } finally {
      theirs.dispose();
    }
  });
});

it.skipIf(!PEERS)('a peer computing something else is caught', () => {
  const [train] = workloads(TINY);
  const ours = train!.tsgrad().result();
  const shifted = ours.map((v, i) => (i === 0 ? v + 0.01 : v));
  expect(disagreement(ours, ours)).toBe(0);
  expect(disagreement(ours, shifted)).toBeGreaterThan(AGREEMENT);
});

it('compare alternates peers and reports a median per peer', () => {
  const order: string[] = [];
  const t = compare(
    [
      { name: 'a', run: () => order.push('a') },
      { name: 'b', run: () => torch.zeros([8]), rounds: 2 },
    ],
    { rounds: 4, round_ms: 1, warmup_ms: 0 },
  );
  expect([...t.keys()]).toEqual(['a', 'b']);
  expect(t.get('a')!.rounds).toBe(4);
  expect(t.get('b')!.rounds).toBe(2);
  expect(t.get('b')!.ms).toBeGreaterThan(0);
});

// the model families have no TF.js peer: tsgrad's side must run, give finite numbers, and agree with itself on 2 threads
describe.each(model_workloads(MODEL_TINY))('$key', (w) => {
  it('runs, is finite, and computes the same on 2 threads', () => {
    const reference = w.tsgrad().result();
    expect(reference.length).toBeGreaterThan(0);
    expect(reference.every(Number.isFinite)).toBe(true);
    torch.set_num_threads(2);
    try {
      expect(disagreement(reference, w.tsgrad().result())).toBeLessThan(AGREEMENT);
    } finally {
      torch.set_num_threads(1);
    }
  });
});

// onnxruntime-node, installed beside TF.js: every forward with an ONNX model runs there and computes tsgrad's numbers
const ORT = existsSync(fileURLToPath(new URL('../node_modules/onnxruntime-node/package.json', import.meta.url)));
const exported = ORT ? [...workloads(TINY), ...model_workloads(MODEL_TINY)].filter((w) => w.onnx !== undefined) : [];
it.skipIf(!ORT)('every forward workload has an ONNX model', () => {
  expect(exported.map((w) => w.spec.kind)).toEqual(['simplenet_forward', 'resnet18_forward', 'transformer_forward', 'lstm_forward']);
});
describe.skipIf(!ORT).each(exported)('$key', (w) => {
  it('onnxruntime at 1 and 2 intra-op threads agrees with tsgrad', async () => {
    const { ort_feeds, ort_forward, ort_session } = await import('../ort.js');
    const reference = w.tsgrad().result();
    const model = w.onnx!();
    for (const threads of [1, 2]) {
      const session = await ort_session(model, threads);
      try {
        expect(disagreement(reference, await ort_forward(session, ort_feeds(model))), `${threads} threads`).toBeLessThan(AGREEMENT);
      } finally {
        await session.release();
      }
    }
  });
});

it('times traced (compiled) forwards against eager ones on the same outputs', async () => {
  const { bench_traced } = await import('../traced.js');
  const rows = bench_traced(MODEL_TINY, 2, { rounds: 2, round_ms: 1, warmup_ms: 0 });
  expect(rows.map((r) => r.label.split(' ')[0])).toEqual(['SimpleNet', 'ResNet-18', 'TransformerEncoder']);
  for (const r of rows) {
    expect(r.disagreement).toBeLessThan(AGREEMENT);
    expect(r.eager_ms).toBeGreaterThan(0);
    expect(r.traced_ms).toBeGreaterThan(0);
    expect(r.plan.steps).toBeGreaterThan(0);
    expect(r.eager_cpu_ms).toBeGreaterThan(0);
    expect(r.traced_cpu_ms).toBeGreaterThan(0);
  }
  // ResNet-18's batch norms fold into its convolutions and its add + ReLU pairs fuse
  expect(rows[1]!.plan.folded_batch_norms).toBe(20);
  expect(rows[1]!.plan.fusion_groups).toBeGreaterThanOrEqual(8);
});
