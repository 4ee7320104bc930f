// One runner for the cases of models.json (torchvision models and the sequence networks): module tree, repr,
// state_dict layout, formula-filled weights, eval logits / loss / gradients, hook firing order and a train-mode
// forward with its running statistics. The vision and examples tests call it with the builders they own.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { expect_tensor, is_tensor_json, load_fixture, T, type TensorJSON, type Tolerance } from './fixture_utils.js';

/** A large tensor summarised: its sums and the values at a few flat indices. */
export interface ModelDigest { shape: number[]; sum: number; abs_sum: number; index: number[]; values: number[] }
/** One state_dict entry's weights from the fixture's formula (or tied to another entry). */
interface FillEntry { key: string; shape: number[]; dtype: string; offset?: number; scale?: number; first3?: number[]; same_as?: string }
export interface ModelCase {
  name: string;
  build: { kind: 'torchvision' | 'nn' | 'custom'; builder: string; kwargs: Record<string, unknown> };
  repr: string; repr_2x?: string;
  state_dict: [string, number[], string][]; named_parameters: [string, number[]][]; named_buffers: [string, number[]][];
  named_modules: string[]; num_parameters: number; fill: FillEntry[];
  inputs: TensorJSON[]; forward_kwargs: Record<string, unknown>; targets: TensorJSON;
  eval: { logits: TensorJSON; loss: TensorJSON; param_grads: Record<string, ModelDigest>; input_grads: (TensorJSON | null)[] };
  train: { logits: TensorJSON; running_stats: Record<string, ModelDigest>; num_batches_tracked: Record<string, number> };
  hooks: { forward_pre: string[]; forward: string[]; full_backward: string[]; full_backward_skipped: string[] };
  float64_margin?: Record<string, unknown>;
}
interface ModelsFixture { salt: number; tolerance: Tolerance; cases: ModelCase[] }

/** The constructor of the model a case names, or undefined when the caller does not build that kind. */
export type ModelBuilder = (c: ModelCase) => (() => nn.Module) | undefined;

/** The fixture's weight formula: FNV-1a of the key XOR the salt, murmur3's fmix32 of each flat index (fixtures README). */
export function fill_values(key: string, numel: number, offset: number, scale: number, salt: number): Float32Array {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  h = (h ^ salt) >>> 0;
  const out = new Float32Array(numel);
  for (let i = 0; i < numel; i++) {
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

/** Writes the formula's weights into the model in place; tied entries must be the very same tensor. */
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
      if (f.dtype === 'int64') {
        t.zero_();
        continue;
      }
      const values = fill_values(f.key, t.numel(), f.offset!, f.scale!, salt);
      if (f.first3 !== undefined) expect(Array.from(values.subarray(0, 3)), `${f.key} first3`).toEqual(f.first3.map(Math.fround));
      t.copy_(torch.from_array(values, t.shape, 'float32'));
    }
  });
}

export function expect_digest(actual: Tensor | null | undefined, d: ModelDigest, path: string, tol: Tolerance): void {
  expect(actual, `${path} exists`).toBeTruthy();
  const t = actual!;
  expect(t.shape, `${path} shape`).toEqual(d.shape);
  const v = t._contiguous_data();
  let sum = 0;
  let abs_sum = 0;
  for (let i = 0; i < v.length; i++) {
    sum += v[i]!;
    abs_sum += Math.abs(v[i]!);
  }
  const agg = tol.rtol * d.abs_sum + tol.atol * Math.max(1, v.length);
  expect(Math.abs(sum - d.sum) <= agg, `${path} sum ${sum} vs ${d.sum}`).toBe(true);
  expect(Math.abs(abs_sum - d.abs_sum) <= agg, `${path} abs_sum ${abs_sum} vs ${d.abs_sum}`).toBe(true);
  d.index.forEach((k, j) => {
    const want = d.values[j]!;
    expect(Math.abs(v[k]! - want) <= tol.atol + tol.rtol * Math.abs(want), `${path}[${k}] ${v[k]} vs ${want}`).toBe(true);
  });
}

/**
 * A tolerance scaled by PyTorch's own float32 error for a quantity (its float64_margin: a number, or a list whose
 * worst entry counts), `factor` times, at least 1×.
 */
export function margin_tolerance(tol: Tolerance, margin: unknown, factor = 2): Tolerance & { m: number } {
  const worst = typeof margin === 'number' ? margin : Array.isArray(margin) ? Math.max(0, ...margin.filter((v): v is number => typeof v === 'number')) : 0;
  const m = Math.max(1, factor * worst);
  return { rtol: tol.rtol * m, atol: tol.atol * m, m };
}

/** The fixture tolerance scaled by PyTorch's own float32 error for a quantity of a case. */
function scaled(c: ModelCase, key: string, tol: Tolerance, factor = 2): Tolerance & { m: number } {
  return margin_tolerance(tol, c.float64_margin?.[key], factor);
}

/** Registers one test per case of `fixture_url` that `build` constructs; the others are reported as skipped. */
export function describe_model_cases(title: string, fixture_url: URL, build: ModelBuilder, only?: (c: ModelCase) => boolean): void {
  const fixture = load_fixture<ModelsFixture>(fixture_url);
  const tol = fixture.tolerance;
  describe(title, () => {
    for (const c of fixture.cases.filter(only ?? (() => true))) {
      const make = build(c);
      (make === undefined ? it.skip : it)(`${c.name}: structure, eval logits / loss / gradients, hook order, train forward`, () => {
        torch.manual_seed(0);
        const model = make!();
        const repr = String(model);
        if (repr !== c.repr && repr !== c.repr_2x) expect(repr).toBe(c.repr_2x ?? c.repr);
        expect(Object.entries(model.state_dict()).map(([k, v]) => [k, v.shape, v._dtype]), 'state_dict').toEqual(c.state_dict);
        expect([...model.named_parameters()].map(([n, p]) => [n, p.shape]), 'named_parameters').toEqual(c.named_parameters);
        expect([...model.named_buffers()].map(([n, b]) => [n, b.shape]), 'named_buffers').toEqual(c.named_buffers);
        expect([...model.named_modules()].map(([n]) => n), 'named_modules').toEqual(c.named_modules);
        expect([...model.parameters()].reduce((s, p) => s + p.numel(), 0), 'num_parameters').toBe(c.num_parameters);
        fill(model, c, fixture.salt);

        const make_inputs = (): Tensor[] => c.inputs.map((j) => T(j, { requires_grad: j.dtype === undefined }));
        const kwargs = Object.fromEntries(Object.entries(c.forward_kwargs).map(([k, v]) => [k, is_tensor_json(v) ? T(v) : v]));
        const forward = (inputs: Tensor[]): Tensor => (Object.keys(kwargs).length > 0 ? model.call(...inputs, nn.kwargs(kwargs)) : model.call(...inputs)) as Tensor;
        const loss_of = (logits: Tensor): Tensor => {
          const C = logits.shape[logits.ndim - 1]!;
          return nn.functional.cross_entropy(logits.reshape(-1, C), T(c.targets).reshape(-1));
        };

        // one eval pass gives logits, gradients and the hook order: a forward pre-hook, a forward hook and a full
        // backward hook on every module, with in-place ops turned off as the fixture's hook run did (values agree)
        model.eval();
        for (const m of model.modules()) if ('inplace' in m) Object.defineProperty(m, 'inplace', { value: false });
        const order = { forward_pre: [] as string[], forward: [] as string[], full_backward: [] as string[] };
        const skipped = new Set(c.hooks.full_backward_skipped);
        const handles = [];
        for (const [name, m] of model.named_modules()) {
          handles.push(m.register_forward_pre_hook(() => void order.forward_pre.push(name)));
          handles.push(m.register_forward_hook(() => void order.forward.push(name)));
          if (!skipped.has(name)) handles.push(m.register_full_backward_hook(() => void order.full_backward.push(name)));
        }
        const inputs = make_inputs();
        const logits = forward(inputs);
        expect_tensor(logits, c.eval.logits, 'eval logits', scaled(c, 'eval_logits', tol));
        const loss = loss_of(logits);
        expect_tensor(loss, c.eval.loss, 'eval loss', scaled(c, 'eval_loss', tol));
        loss.backward();
        for (const h of handles) h.remove();
        expect(order.forward_pre, 'forward pre-hook order').toEqual(c.hooks.forward_pre);
        expect(order.forward, 'forward hook order').toEqual(c.hooks.forward);
        expect(order.full_backward, 'full backward hook order').toEqual(c.hooks.full_backward);
        const params = new Map(model.named_parameters());
        for (const [k, d] of Object.entries(c.eval.param_grads)) expect_digest(params.get(k)?.grad, d, `grad of ${k}`, tol);
        const gtol = scaled(c, 'eval_input_grads', tol);
        c.eval.input_grads.forEach((g, i) => {
          if (g === null) expect(inputs[i]!.grad ?? null, `input ${i} grad`).toBeNull();
          else expect_tensor(inputs[i]!.grad, g, `input ${i} grad`, gtol);
        });

        // train mode (dropout kept off): batch statistics and the running averages they update
        model.train();
        for (const m of model.modules()) if (m instanceof nn.Dropout) m.eval();
        const train_logits = torch.no_grad(() => forward(make_inputs().map((t) => t.detach())));
        // train-mode BatchNorm over 1×1 maps (2–3 values a channel) is ill-conditioned: where PyTorch's own float32
        // error is over twenty times the tolerance, no float32 implementation can be held to its values; shape only
        const ttol = scaled(c, 'train_logits', tol);
        if (ttol.m <= 20) expect_tensor(train_logits, c.train.logits, 'train logits', ttol);
        else expect(train_logits.shape).toEqual(c.train.logits.shape);
        const buffers = new Map(model.named_buffers());
        const stat_margins = (c.float64_margin?.train_running_stats ?? {}) as Record<string, number>;
        for (const [k, d] of Object.entries(c.train.running_stats)) {
          const sm = Math.max(1, 6 * (stat_margins[k] ?? 0));
          if (sm <= 20) expect_digest(buffers.get(k), d, `buffer ${k}`, { rtol: tol.rtol * sm, atol: tol.atol * sm });
        }
        for (const [k, n] of Object.entries(c.train.num_batches_tracked)) expect(buffers.get(k)?.item(), `buffer ${k}`).toBe(n);
        // vgg11_bn takes about 10 s alone; on a shared, oversubscribed machine it has needed over a minute
      }, 240_000);
    }
  });
}
