// The sequence networks of models.json against real PyTorch: structure, repr, formula-filled weights, eval
// logits, loss and gradient digests, hook firing order, and a train-mode forward. Cases built by `nn` (the
// torch.nn class) or `custom` (the example models of examples/sequence_models.ts) run here; the torchvision
// cases belong to @tsgrad/vision's own tests.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { expect_tensor, is_tensor_json, load_fixture, T, type TensorJSON, type Tolerance } from '../../packages/nn/test/fixture_utils.js';
import { LSTMClassifier, TinyGPT } from '../sequence_models.js';

interface Digest { shape: number[]; sum: number; abs_sum: number; index: number[]; values: number[] }
interface FillEntry { key: string; shape: number[]; dtype: string; offset?: number; scale?: number; first3?: number[]; same_as?: string }
interface ModelCase {
  name: string; build: { kind: 'nn' | 'custom' | 'torchvision'; builder: string; kwargs: Record<string, unknown> };
  repr: string; repr_2x?: string; state_dict: [string, number[], string][]; named_parameters: [string, number[]][];
  named_buffers: [string, number[]][]; named_modules: string[]; num_parameters: number; fill: FillEntry[];
  inputs: TensorJSON[]; forward_kwargs: Record<string, TensorJSON>; targets: TensorJSON;
  eval: { logits: TensorJSON; loss: TensorJSON; param_grads: Record<string, Digest>; input_grads: (TensorJSON | null)[] };
  hooks: { forward_pre: string[]; forward: string[]; full_backward: string[]; full_backward_skipped: string[] };
  train: { logits: TensorJSON; running_stats: Record<string, Digest>; num_batches_tracked: Record<string, number> };
}
interface ModelsFixture { salt: number; tolerance: Tolerance; cases: ModelCase[] }

type Builder = (kwargs: Record<string, unknown>) => nn.Module;
const CUSTOM: Record<string, Builder> = {
  LSTMClassifier: (k) => new LSTMClassifier(k.vocab as number, k.embed_dim as number, k.hidden as number, k.num_layers as number, k.num_classes as number, k.padding_idx as number),
  TinyGPT: (k) => new TinyGPT(k as unknown as ConstructorParameters<typeof TinyGPT>[0]),
};

function builder(c: ModelCase): Builder | undefined {
  const { kind, builder: name } = c.build;
  if (kind === 'custom') return CUSTOM[name];
  const cls = (nn as unknown as Record<string, unknown>)[name];
  return typeof cls === 'function' ? (k) => new (cls as new (o: unknown) => nn.Module)(k) : undefined;
}

/** FNV-1a-32 of the key's UTF-8 bytes, XOR the salt (fill_formula.hash). */
function key_hash(key: string, salt: number): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(key)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return (h ^ salt) >>> 0;
}

/** The formula's values for one state_dict entry (fill_formula.mix / value), bit-exact. */
export function fill_values(key: string, numel: number, offset: number, scale: number, salt: number): Float64Array {
  const h = key_hash(key, salt);
  const out = new Float64Array(numel);
  for (let i = 0; i < numel; i++) {
    let x = (Math.imul(i, 0x9e3779b1) + h) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    x = Math.imul(x, 0x85ebca6b) >>> 0;
    x = (x ^ (x >>> 13)) >>> 0;
    x = Math.imul(x, 0xc2b2ae35) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    out[i] = Math.fround(offset + scale * (2 * (x / 4294967296) - 1));
  }
  return out;
}

function fill(model: nn.Module, c: ModelCase, salt: number): void {
  const state = model.state_dict({ keep_vars: true });
  torch.no_grad(() => {
    for (const f of c.fill) {
      const t = state[f.key];
      if (t === undefined) throw new Error(`state_dict has no ${f.key}`);
      if (f.same_as !== undefined) {
        expect(t, `${f.key} is tied to ${f.same_as}`).toBe(state[f.same_as]);
        continue;
      }
      const values = f.dtype === 'int64' ? new Float64Array(t.numel()) : fill_values(f.key, t.numel(), f.offset!, f.scale!, salt);
      if (f.first3 !== undefined) expect(Array.from(values.slice(0, 3)), `${f.key} first3`).toEqual(f.first3.map(Math.fround));
      t.copy_(torch.from_array(t.dtype === 'float64' ? values : Float32Array.from(values), t.shape, t.dtype));
    }
  });
}

function expect_digest(t: Tensor | null | undefined, d: Digest, path: string, tol: Tolerance): void {
  expect(t, `${path} exists`).toBeTruthy();
  expect(t!.shape, `${path} shape`).toEqual(d.shape);
  const data = t!._contiguous_data();
  let sum = 0;
  let abs_sum = 0;
  for (const v of data) {
    sum += v;
    abs_sum += Math.abs(v);
  }
  const bound = (ref: number): number => tol.atol + tol.rtol * Math.abs(ref);
  expect(Math.abs(abs_sum - d.abs_sum), `${path} abs_sum ${abs_sum} vs ${d.abs_sum}`).toBeLessThanOrEqual(bound(d.abs_sum) + tol.rtol * d.abs_sum);
  expect(Math.abs(sum - d.sum), `${path} sum ${sum} vs ${d.sum}`).toBeLessThanOrEqual(tol.atol + tol.rtol * d.abs_sum);
  d.index.forEach((i, k) => expect(Math.abs(data[i]! - d.values[k]!), `${path}[${i}] ${data[i]} vs ${d.values[k]}`).toBeLessThanOrEqual(bound(d.values[k]!)));
}

function inputs_of(c: ModelCase): Tensor[] {
  return c.inputs.map((j) => T(j, { requires_grad: j.dtype === undefined }));
}

function forward(model: nn.Module, c: ModelCase, inputs: Tensor[]): Tensor {
  const kwargs = Object.fromEntries(Object.entries(c.forward_kwargs).map(([k, v]) => [k, is_tensor_json(v) ? T(v) : v]));
  return (Object.keys(kwargs).length > 0 ? model.call(...inputs, nn.kwargs(kwargs)) : model.call(...inputs)) as Tensor;
}

function loss_of(logits: Tensor, c: ModelCase): Tensor {
  const C = logits.shape[logits.ndim - 1]!;
  return torch.cross_entropy(logits.reshape([-1, C]), T(c.targets).reshape([-1]));
}

const fixture = load_fixture<ModelsFixture>(new URL('../../packages/vision/test/fixtures/models.json', import.meta.url));
const tol = fixture.tolerance;

describe('models.json', () => {
  for (const c of fixture.cases.filter((m) => m.build.kind !== 'torchvision')) {
    const make = builder(c);
    const run = make === undefined ? it.skip : it;
    run(`${c.name}: structure, eval logits / loss / gradients, hook order, train forward`, () => {
      torch.manual_seed(0);
      const model = make!(c.build.kwargs);
      expect([String(model)]).toContainEqual(c.repr_2x ?? c.repr);
      expect([...model.named_parameters()].map(([n, p]) => [n, p.shape]), 'named_parameters').toEqual(c.named_parameters);
      expect([...model.named_buffers()].map(([n, b]) => [n, b.shape]), 'named_buffers').toEqual(c.named_buffers);
      expect(Object.entries(model.state_dict()).map(([k, v]) => [k, v.shape, v.dtype]), 'state_dict').toEqual(c.state_dict);
      expect([...model.named_modules()].map(([n]) => n), 'named_modules').toEqual(c.named_modules);
      expect([...model.parameters()].reduce((s, p) => s + p.numel(), 0), 'num_parameters').toBe(c.num_parameters);
      fill(model, c, fixture.salt);

      // (1) eval: logits, loss, gradients
      model.eval();
      const inputs = inputs_of(c);
      const logits = forward(model, c, inputs);
      expect_tensor(logits, c.eval.logits, 'eval logits', tol);
      const loss = loss_of(logits, c);
      expect_tensor(loss, c.eval.loss, 'eval loss', tol);
      loss.backward();
      for (const [name, p] of model.named_parameters()) expect_digest(p.grad, c.eval.param_grads[name]!, `grad of ${name}`, tol);
      c.eval.input_grads.forEach((g, i) => {
        if (g === null) expect(inputs[i]!.grad ?? null, `input ${i} grad`).toBeNull();
        else expect_tensor(inputs[i]!.grad, g, `input ${i} grad`, tol);
      });

      // (2) hooks on every named module, in the order PyTorch fires them
      const order = { forward_pre: [] as string[], forward: [] as string[], full_backward: [] as string[] };
      const skipped = new Set(c.hooks.full_backward_skipped);
      for (const [name, m] of model.named_modules()) {
        if ('inplace' in m) Object.defineProperty(m, 'inplace', { value: false });
        m.register_forward_pre_hook(() => void order.forward_pre.push(name));
        m.register_forward_hook(() => void order.forward.push(name));
        if (!skipped.has(name)) m.register_full_backward_hook(() => void order.full_backward.push(name));
      }
      model.zero_grad();
      loss_of(forward(model, c, inputs_of(c)), c).backward();
      expect(order.forward_pre, 'forward pre-hooks').toEqual(c.hooks.forward_pre);
      expect(order.forward, 'forward hooks').toEqual(c.hooks.forward);
      expect(order.full_backward, 'full backward hooks').toEqual(c.hooks.full_backward);

      // (3) train mode (dropout kept off), one forward without grad
      model.train();
      for (const m of model.modules()) if (m instanceof nn.Dropout) m.eval();
      const train_logits = torch.no_grad(() => forward(model, c, inputs_of(c).map((t) => t.detach())));
      expect_tensor(train_logits, c.train.logits, 'train logits', tol);
      const buffers = new Map(model.named_buffers());
      for (const [k, d] of Object.entries(c.train.running_stats)) expect_digest(buffers.get(k), d, `buffer ${k}`, tol);
      for (const [k, n] of Object.entries(c.train.num_batches_tracked)) expect(buffers.get(k)?.item(), `buffer ${k}`).toBe(n);
    });
  }
});
