// nn.utils' weight_norm / remove_weight_norm, clip_grad_norm_ / clip_grad_value_ and the parameter-vector helpers
// against real PyTorch (fixtures/utils/utils.json, written by make_utils.py there: the same steps in Python).
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { load_fixture } from './fixture_utils.js';

interface Enc { shape: number[]; values: number[] }
interface WnCase {
  w0: Enc; b0: Enc; x: Enc; dim: number | null; params: string[]; state_keys: string[]; g: Enc; v: Enc; weight_grad_fn: string; y: Enc;
  g_grad: Enc; v_grad: Enc; y_after_g_doubled: Enc; params_after_remove: string[]; weight_after_remove: Enc;
}
interface ClipCase { norm_type: number | 'inf'; total: number; grads: (Enc | null)[]; params: Enc[] }
interface Fixture {
  linear: WnCase; conv_none: WnCase; linear_dim1: WnCase; clip_grad_norm: ClipCase[];
  clip_grad_value: { params: Enc[]; grads_before: Enc[]; grads: Enc[] };
  vectors: { vec: Enc; grad_fn: string; weight: Enc; bias: Enc };
  errors: Record<string, { type: string; message: string }>;
}
const F = load_fixture<Fixture>(new URL('./fixtures/utils/utils.json', import.meta.url));
const t = (e: Enc): Tensor => torch.tensor(e.values).reshape(e.shape);
function close(got: Tensor, want: Enc, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  const g = [...got.detach().reshape(-1)._contiguous_data()];
  want.values.forEach((w, i) => expect(Math.abs(g[i]! - w), `${what}[${i}] ${g[i]} vs ${w}`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(w)));
}
const quiet = <R>(fn: () => R): R => {
  const orig = process.emitWarning;
  process.emitWarning = () => undefined;
  try {
    return fn();
  } finally {
    process.emitWarning = orig;
  }
};

describe('nn.utils.weight_norm against PyTorch', () => {
  const MAKE: Record<string, () => nn.Module> = { linear: () => new nn.Linear(3, 2), conv_none: () => new nn.Conv2d(2, 3, 2), linear_dim1: () => new nn.Linear(3, 4) };
  for (const name of ['linear', 'conv_none', 'linear_dim1'] as const) {
    it(name, () => {
      const c = F[name];
      const m0 = MAKE[name]!() as nn.Module & { weight: Tensor; bias: Tensor; weight_g: nn.Parameter; weight_v: nn.Parameter };
      torch.no_grad(() => {
        m0.weight.copy_(t(c.w0));
        m0.bias.copy_(t(c.b0));
      });
      const m = quiet(() => nn.utils.weight_norm(m0, { dim: c.dim }));
      expect([...m.named_parameters()].map(([n]) => n)).toEqual(c.params);
      expect(Object.keys(m.state_dict())).toEqual(c.state_keys);
      close(m.weight_g, c.g, 'g');
      close(m.weight_v, c.v, 'v');
      expect(m.weight.grad_fn?.name()).toBe(c.weight_grad_fn);
      const x = t(c.x);
      const y = m.call(x) as Tensor;
      close(y, c.y, 'y');
      y.pow(2).sum().backward();
      close(m.weight_g.grad!, c.g_grad, 'g.grad');
      close(m.weight_v.grad!, c.v_grad, 'v.grad');
      torch.no_grad(() => m.weight_g.mul_(2));
      close(m.call(x) as Tensor, c.y_after_g_doubled, 'y after g doubled (the hook recomputes the weight)');
      nn.utils.remove_weight_norm(m);
      expect([...m.named_parameters()].map(([n]) => n)).toEqual(c.params_after_remove);
      expect(m.weight).toBeInstanceOf(nn.Parameter);
      close(m.weight, c.weight_after_remove, 'weight after remove');
      expect(m._forward_pre_hooks.size).toBe(0);
    });
  }
});

describe('nn.utils gradient clipping and parameter vectors against PyTorch', () => {
  for (const c of F.clip_grad_norm) {
    it(`clip_grad_norm_ with norm_type ${c.norm_type}`, () => {
      const ps = c.params.map((p) => new nn.Parameter(t(p)));
      ps.forEach((p, i) => {
        const g = c.grads[i];
        if (g !== null && g !== undefined) p.grad = t(g);
      });
      // the fixture holds the clipped grads: clipping them again by the same norm gives the same result when
      // the total is within max_norm, so the originals are rebuilt from the total
      const scale = Math.min(1.5 / (c.total + 1e-6), 1);
      ps.forEach((p) => p.grad?.div_(scale));
      const total = nn.utils.clip_grad_norm_(ps, 1.5, c.norm_type);
      expect(total).toBeInstanceOf(torch.Tensor);
      expect(Math.abs((total.item() as number) - c.total)).toBeLessThan(1e-4 * c.total);
      ps.forEach((p, i) => (c.grads[i] ? close(p.grad!, c.grads[i]!, `grad ${i}`) : expect(p.grad).toBeNull()));
    });
  }
  it('clip_grad_value_', () => {
    const c = F.clip_grad_value;
    const ps = c.params.map((p) => new nn.Parameter(t(p)));
    ps.forEach((p, i) => (p.grad = t(c.grads_before[i]!)));
    expect(nn.utils.clip_grad_value_(ps, { clip_value: 0.5 })).toBeUndefined();
    ps.forEach((p, i) => close(p.grad!, c.grads[i]!, `grad ${i}`));
  });
  it('parameters_to_vector / vector_to_parameters', () => {
    torch.manual_seed(5);
    const m = new nn.Linear(3, 2);
    const v = nn.utils.parameters_to_vector(m.parameters());
    close(v, F.vectors.vec, 'vec');
    expect(v.grad_fn?.name()).toBe(F.vectors.grad_fn);
    nn.utils.vector_to_parameters(v.mul(2), m.parameters());
    close(m.weight, F.vectors.weight, 'weight');
    close(m.bias!, F.vectors.bias, 'bias');
  });
  it('errors in PyTorch\'s words', () => {
    const E = F.errors;
    expect(() => quiet(() => nn.utils.weight_norm(nn.utils.weight_norm(new nn.Linear(2, 2))))).toThrow(E.weight_norm_twice!.message);
    expect(() => nn.utils.remove_weight_norm(new nn.Linear(2, 2))).toThrow(E.remove_missing!.message);
    const p = new nn.Parameter(torch.ones(2));
    p.grad = torch.tensor([Infinity, 1]);
    expect(() => nn.utils.clip_grad_norm_([p], 1.0, { error_if_nonfinite: true })).toThrow(E.nonfinite!.message);
    expect(p.grad.tolist()).toEqual([Infinity, 1]);
    expect(() => nn.utils.vector_to_parameters([1.0] as unknown as Tensor, new nn.Linear(1, 1).parameters())).toThrow(E.vector_not_tensor!.message);
  });
});
