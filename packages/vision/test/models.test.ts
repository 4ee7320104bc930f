// Model families against real PyTorch / torchvision (fixtures/models.json): module tree, repr, state_dict
// layout, logits, loss and gradient digests with formula-filled weights, hook firing order, train-mode statistics.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { load_fixture, T, type TensorJSON } from './fixture_utils.js';

interface DigestJSON { shape: number[]; sum: number; abs_sum: number; index: number[]; values: number[] }
interface FillEntry { key: string; shape: number[]; dtype: string; offset: number; scale: number; first3: number[]; same_as?: string }
interface ModelCase {
  name: string;
  build: { kind: 'torchvision' | 'nn' | 'custom'; builder: string; kwargs: Record<string, unknown> };
  repr: string; repr_2x?: string;
  state_dict: [string, number[], string][]; named_parameters: [string, number[]][]; named_buffers: [string, number[]][];
  named_modules: string[]; num_parameters: number; fill: FillEntry[];
  inputs: TensorJSON[]; forward_kwargs: Record<string, TensorJSON>; targets: TensorJSON;
  eval: { logits: TensorJSON; loss: TensorJSON; param_grads: Record<string, DigestJSON>; input_grads: (TensorJSON | null)[] };
  train: { logits: TensorJSON; running_stats: Record<string, DigestJSON>; num_batches_tracked: Record<string, number> };
  hooks: { forward_pre: string[]; forward: string[]; full_backward: string[]; full_backward_skipped: string[] };
  float64_margin: Record<string, unknown>;
}
interface ModelsFixture { salt: number; tolerance: { rtol: number; atol: number }; cases: ModelCase[] }

/** How each fixture builder is constructed; builders not listed yet are reported as skipped. */
export const BUILDERS: Record<string, (kwargs: Record<string, unknown>) => nn.Module> = {
  resnet18: (k) => models.resnet18(k),
  resnet34: (k) => models.resnet34(k),
  resnet50: (k) => models.resnet50(k),
  mobilenet_v2: (k) => models.mobilenet_v2(k),
  vgg11_bn: (k) => models.vgg11_bn(k),
  VisionTransformer: (k) => new models.VisionTransformer(k as unknown as models.VisionTransformerOptions),
};

/** The fixture's weight formula: FNV-1a of the key, murmur3's fmix32 of each flat index (README of the fixtures). */
export function fill_tensor(key: string, shape: number[], offset: number, scale: number, salt: number): Float32Array {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  h = (h ^ salt) >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let x = (Math.imul(i, 0x9e3779b1) + h) >>> 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x85ebca6b) >>> 0;
    x ^= x >>> 13;
    x = Math.imul(x, 0xc2b2ae35) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    out[i] = offset + scale * (2 * (x / 4294967296) - 1);
  }
  return out;
}

function expect_digest(actual: Tensor | null, d: DigestJSON, path: string, rtol: number, atol: number): void {
  expect(actual, `${path} exists`).not.toBeNull();
  const t = actual!;
  expect(t.shape, `${path} shape`).toEqual(d.shape);
  const v = t._contiguous_data();
  let sum = 0;
  let abs_sum = 0;
  for (let i = 0; i < v.length; i++) {
    sum += v[i]!;
    abs_sum += Math.abs(v[i]!);
  }
  const agg = rtol * d.abs_sum + atol * Math.max(1, v.length);
  expect(Math.abs(sum - d.sum) <= agg, `${path} sum ${sum} vs ${d.sum}`).toBe(true);
  expect(Math.abs(abs_sum - d.abs_sum) <= agg, `${path} abs_sum ${abs_sum} vs ${d.abs_sum}`).toBe(true);
  d.index.forEach((k, j) => {
    const want = d.values[j]!;
    expect(Math.abs(v[k]! - want) <= atol + rtol * Math.abs(want), `${path}[${k}] ${v[k]} vs ${want}`).toBe(true);
  });
}

function expect_values(actual: Tensor, want: TensorJSON, path: string, rtol: number, atol: number): void {
  expect(actual.shape, `${path} shape`).toEqual(want.shape);
  const v = actual._contiguous_data();
  want.data!.forEach((w, i) => {
    const x = Number(w);
    if (Math.abs(v[i]! - x) > atol + rtol * Math.abs(x)) expect.fail(`${path}[${i}]: ${v[i]} vs ${x}`);
  });
}

/** PyTorch's own float32 error for a quantity, as a multiple of the fixture tolerance (at least 1). */
function margin_of(c: ModelCase, key: string): number {
  const m = c.float64_margin[key];
  const worst = typeof m === 'number' ? m : Array.isArray(m) ? Math.max(...m.filter((v): v is number => typeof v === 'number')) : 0;
  return Math.max(1, 2 * worst);
}

const fixture = load_fixture<ModelsFixture>(new URL('./fixtures/models.json', import.meta.url));
const { rtol, atol } = fixture.tolerance;

describe('model families (models.json)', () => {
  for (const c of fixture.cases) {
    const build = BUILDERS[c.build.builder];
    const run = build === undefined ? it.skip : it;
    run(`${c.name}: structure, logits, gradients, hook order, train-mode statistics`, () => {
      torch.manual_seed(0);
      // the weights come from the fixture's formula, so the random init is skipped
      const net = nn.utils.skip_init(build!, c.build.kwargs);
      const repr = String(net);
      if (repr !== c.repr && repr !== c.repr_2x) expect(repr).toBe(c.repr_2x ?? c.repr);
      expect(Object.entries(net.state_dict()).map(([k, t]) => [k, t.shape, t.dtype])).toEqual(c.state_dict);
      expect([...net.named_parameters()].map(([n, p]) => [n, p.shape])).toEqual(c.named_parameters);
      expect([...net.named_buffers()].map(([n, b]) => [n, b.shape])).toEqual(c.named_buffers);
      expect([...net.named_modules()].map(([n]) => n)).toEqual(c.named_modules);
      expect([...net.parameters()].reduce((a, p) => a + p.numel(), 0)).toBe(c.num_parameters);

      const state: Record<string, Tensor> = {};
      for (const f of c.fill) {
        if (f.same_as !== undefined) continue;
        if (f.dtype === 'int64') {
          state[f.key] = torch.zeros(f.shape, { dtype: 'int64' });
          continue;
        }
        const data = fill_tensor(f.key, f.shape, f.offset, f.scale, fixture.salt);
        expect(Array.from(data.subarray(0, 3))).toEqual(f.first3.map(Math.fround));
        state[f.key] = torch.from_array(data, f.shape, 'float32');
      }
      net.load_state_dict(state, { strict: c.fill.every((f) => f.same_as === undefined) });

      const kwargs = Object.keys(c.forward_kwargs).length > 0 ? [nn.kwargs(Object.fromEntries(Object.entries(c.forward_kwargs).map(([k, v]) => [k, T(v)])))] : [];
      const make_inputs = (): Tensor[] => c.inputs.map((j) => T(j, { requires_grad: j.dtype === undefined }));
      const targets = T(c.targets);
      const loss_of = (logits: Tensor): Tensor => {
        const C = logits.shape[logits.ndim - 1]!;
        return nn.functional.cross_entropy(logits.reshape(-1, C), targets.reshape(-1));
      };

      // one eval pass gives logits, gradients and the hook order: a forward pre-hook, a forward hook and a full
      // backward hook on every module, with in-place ops turned off as the fixture's hook run did (values agree)
      net.eval();
      for (const mod of net.modules()) if ('inplace' in mod) (mod as { inplace: boolean }).inplace = false;
      const order: Record<'forward_pre' | 'forward' | 'full_backward', string[]> = { forward_pre: [], forward: [], full_backward: [] };
      const handles = [];
      for (const [name, mod] of net.named_modules()) {
        handles.push(mod.register_forward_pre_hook(() => void order.forward_pre.push(name)));
        handles.push(mod.register_forward_hook(() => void order.forward.push(name)));
        if (!c.hooks.full_backward_skipped.includes(name)) handles.push(mod.register_full_backward_hook(() => void order.full_backward.push(name)));
      }
      const inputs = make_inputs();
      const logits = net.call(...inputs, ...kwargs) as Tensor;
      const m = margin_of(c, 'eval_logits');
      expect_values(logits, c.eval.logits, 'eval logits', rtol * m, atol * m);
      const loss = loss_of(logits);
      expect_values(loss, c.eval.loss, 'eval loss', rtol * margin_of(c, 'eval_loss'), atol * margin_of(c, 'eval_loss'));
      loss.backward();
      for (const h of handles) h.remove();
      expect(order.forward_pre, 'forward pre-hook order').toEqual(c.hooks.forward_pre);
      expect(order.forward, 'forward hook order').toEqual(c.hooks.forward);
      expect(order.full_backward, 'full backward hook order').toEqual(c.hooks.full_backward);
      const params = new Map(net.named_parameters());
      for (const [k, d] of Object.entries(c.eval.param_grads)) expect_digest(params.get(k)?.grad ?? null, d, `grad ${k}`, rtol, atol);
      const gm = margin_of(c, 'eval_input_grads');
      c.eval.input_grads.forEach((g, i) => {
        if (g !== null) expect_values(inputs[i]!.grad!, g, `input ${i} grad`, rtol * gm, atol * gm);
      });

      // train mode (dropout kept in eval): batch statistics and the running averages they update
      net.train();
      for (const mod of net.modules()) if (mod instanceof nn.Dropout) mod.eval();
      const train_logits = torch.no_grad(() => net.call(...make_inputs(), ...kwargs) as Tensor);
      const tm = margin_of(c, 'train_logits');
      // train-mode BatchNorm over 1×1 maps (2–3 values a channel) is ill-conditioned: where PyTorch's own float32
      // error is over ten times the tolerance, no float32 implementation can be held to its values; shape only
      if (tm <= 20) expect_values(train_logits, c.train.logits, 'train logits', rtol * tm, atol * tm);
      else expect(train_logits.shape).toEqual(c.train.logits.shape);
      const buffers = new Map(net.named_buffers());
      const stat_margins = (c.float64_margin.train_running_stats ?? {}) as Record<string, number>;
      for (const [k, d] of Object.entries(c.train.running_stats)) {
        const sm = Math.max(1, 6 * (stat_margins[k] ?? 0));
        if (sm <= 20) expect_digest(buffers.get(k) ?? null, d, `buffer ${k}`, rtol * sm, atol * sm);
      }
      for (const [k, n] of Object.entries(c.train.num_batches_tracked)) expect(buffers.get(k)!.item(), k).toBe(n);
    });
  }
});
