// nn.utils' weight_norm / remove_weight_norm, clip_grad_norm_ / clip_grad_value_ and the parameter-vector helpers
// against real PyTorch (fixtures/utils/utils.json, written by make_utils.py there: the same steps in Python).
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { expect_values, from_values, load_fixture, type ShapeValues } from './fixture_utils.js';

type Enc = ShapeValues;
interface WnCase {
  w0: Enc; b0: Enc; x: Enc; dim: number | null; params: string[]; state_keys: string[]; g: Enc; v: Enc; weight_grad_fn: string; y: Enc;
  g_grad: Enc; v_grad: Enc; y_after_g_doubled: Enc; params_after_remove: string[]; weight_after_remove: Enc;
}
interface ClipCase { norm_type: number | 'inf'; total: number; grads: (Enc | null)[]; params: Enc[] }
interface SnCase {
  w0: Enc; b0: Enc; u0: Enc; v0: Enc; params: string[]; buffers: string[]; state_keys: string[]; metadata: Record<string, number>;
  ys: Enc[]; u: Enc; v: Enc; orig_grad: Enc; weight_grad_fn: string; y_eval: Enc; u_eval: Enc; params_after_remove: string[]; weight_after_remove: Enc;
}
interface Fixture {
  functional_call: { state: Record<string, Enc>; x: Enc; y: Enc; grads: Record<string, Enc>; y_own: Enc };
  rnn: { seqs: Enc[] } & Record<string, unknown>;
  spectral_norm: Record<string, SnCase>;
  linear: WnCase; conv_none: WnCase; linear_dim1: WnCase; clip_grad_norm: ClipCase[];
  clip_grad_value: { params: Enc[]; grads_before: Enc[]; grads: Enc[] };
  vectors: { vec: Enc; grad_fn: string; weight: Enc; bias: Enc };
  errors: Record<string, { type: string; message: string }>;
}
const F = load_fixture<Fixture>(new URL('./fixtures/utils/utils.json', import.meta.url));
const t = from_values;
const close = expect_values;
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

describe('nn.utils.spectral_norm against PyTorch', () => {
  const MAKE: Record<string, [() => nn.Module, number[]]> = { linear: [() => new nn.Linear(4, 3), [2, 4]], convT: [() => new nn.ConvTranspose2d(2, 3, 2), [1, 2, 3, 3]] };
  for (const [name, [make, shape]] of Object.entries(MAKE)) {
    it(name, () => {
      const c = F.spectral_norm[name]!;
      const m0 = make() as nn.Module & { weight: Tensor; bias: Tensor; weight_orig: nn.Parameter; weight_u: Tensor; weight_v: Tensor };
      torch.no_grad(() => {
        m0.weight.copy_(t(c.w0));
        m0.bias.copy_(t(c.b0));
      });
      torch.manual_seed(12);
      const m = nn.utils.spectral_norm(m0);
      // u and v drawn from the default generator as PyTorch draws them
      close(m.weight_u, c.u0, 'u0');
      close(m.weight_v, c.v0, 'v0');
      expect([...m.named_parameters()].map(([n]) => n)).toEqual(c.params);
      expect([...m.named_buffers()].map(([n]) => n)).toEqual(c.buffers);
      const sd = m.state_dict() as Record<string, Tensor> & { _metadata: Record<string, Record<string, unknown>> };
      expect(Object.keys(sd)).toEqual(c.state_keys);
      expect(sd._metadata['']!['spectral_norm']).toEqual(c.metadata);
      const n = shape.reduce((a, b) => a * b, 1);
      const x = torch.linspace(-1, 1, n).reshape(shape);
      c.ys.forEach((y, i) => close(m.call(x) as Tensor, y, `training forward ${i}`));
      const y = m.call(x) as Tensor;
      y.pow(2).sum().backward();
      close(m.weight_u, c.u, 'u after three power iterations');
      close(m.weight_v, c.v, 'v');
      close(m.weight_orig.grad!, c.orig_grad, 'weight_orig.grad');
      expect(m.weight.grad_fn?.name()).toBe(c.weight_grad_fn);
      m.eval();
      close(m.call(x) as Tensor, c.y_eval, 'eval forward');
      close(m.weight_u, c.u_eval, 'u frozen in eval');
      nn.utils.remove_spectral_norm(m);
      expect([...m.named_parameters()].map(([k]) => k)).toEqual(c.params_after_remove);
      close(m.weight, c.weight_after_remove, 'weight after remove');
      expect(m._forward_pre_hooks.size + m._state_dict_hooks.size + m._load_state_dict_pre_hooks.size).toBe(0);
    });
  }
  it('a state dict round trip keeps u and v; errors in PyTorch\'s words', () => {
    const a = nn.utils.spectral_norm(new nn.Linear(3, 2)) as nn.Linear & { weight_u: Tensor };
    a.call(torch.ones(1, 3));
    const b = nn.utils.spectral_norm(new nn.Linear(3, 2)) as nn.Linear & { weight_u: Tensor };
    b.load_state_dict(a.state_dict());
    expect(b.weight_u.tolist()).toEqual(a.weight_u.tolist());
    const E = F.errors;
    expect(() => nn.utils.spectral_norm(nn.utils.spectral_norm(new nn.Linear(2, 2)))).toThrow(E.spectral_twice!.message);
    expect(() => nn.utils.spectral_norm(new nn.Linear(2, 2), { n_power_iterations: 0 })).toThrow(E.spectral_iterations!.message);
    expect(() => nn.utils.remove_spectral_norm(new nn.Linear(2, 2))).toThrow(E.spectral_remove_missing!.message);
  });
});

describe('nn.utils.rnn.pad_sequence / unpad_sequence against PyTorch', () => {
  for (const batch_first of [false, true]) {
    it(`batch_first ${batch_first}`, () => {
      const R = F.rnn;
      const seqs = R.seqs.map((e) => t(e).requires_grad_(true));
      const p = nn.utils.rnn.pad_sequence(seqs, { batch_first, padding_value: -1.5 });
      const want = R[`batch_first_${batch_first ? 'True' : 'False'}`] as { padded: Enc; grad_fn: string; grads: Enc[] };
      close(p, want.padded, 'padded');
      expect(p.grad_fn?.name()).toBe(want.grad_fn);
      const w = torch.linspace(0, 1, p.numel()).reshape(p.shape);
      const grads = torch.autograd.grad(p.mul(w).sum(), seqs);
      grads.forEach((g, i) => close(g!, want.grads[i]!, `grad ${i}`));
      const back = nn.utils.rnn.unpad_sequence(p, torch.tensor([3, 1, 2], { dtype: 'int64' }), { batch_first });
      (R[`unpadded_${batch_first ? 'True' : 'False'}`] as Enc[]).forEach((e, i) => close(back[i]!, e, `unpadded ${i}`));
    });
  }
  it('left padding, and errors in PyTorch\'s words', () => {
    const p = nn.utils.rnn.pad_sequence([torch.ones(2), torch.ones(1)], { batch_first: true, padding_side: 'left' });
    expect(p.tolist()).toEqual([[1, 1], [0, 1]]);
    expect(() => nn.utils.rnn.pad_sequence([])).toThrow(F.errors.pad_empty!.message);
    expect(() => nn.utils.rnn.pad_sequence([torch.ones(2, 3), torch.ones(2, 4)])).toThrow(F.errors.pad_trailing!.message);
  });
});

describe('nn.func.functional_call against PyTorch', () => {
  const build = (): nn.Sequential => {
    const net = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1));
    net.load_state_dict(Object.fromEntries(Object.entries(F.functional_call.state).map(([k, v]) => [k, t(v)])));
    return net;
  };
  it('calls with the given tensors, gradients reach them, the module keeps its own', () => {
    const C = F.functional_call;
    const net = build();
    const params = Object.fromEntries([...net.named_parameters()].map(([n, p]) => [n, p.detach().mul(2).requires_grad_(true)]));
    const y = nn.func.functional_call(net, params, t(C.x)) as Tensor;
    close(y, C.y, 'y');
    y.sum().backward();
    for (const [n, g] of Object.entries(C.grads)) close(params[n]!.grad!, g, `grad of ${n}`);
    expect([...net.parameters()].every((p) => p.grad === null)).toBe(true);
    expect([...net.named_parameters()].every(([, p]) => p instanceof nn.Parameter)).toBe(true);
    close(net.call(t(C.x)) as Tensor, C.y_own, 'the module\'s own parameters afterwards');
  });
  it('strict, tied weights, several dicts, and restoring after a throw', () => {
    const net = build();
    const w = torch.ones(2, 3);
    expect(() => nn.func.functional_call(net, { '0.weight': w, nope: w }, t(F.functional_call.x), { strict: true })).toThrow(
      "Error(s) in reparametrizing for Sequential:\n\tUnexpected key(s): 'nope'.\n\tMissing key(s): '0.bias', '2.weight', '2.bias'.");
    expect(() => nn.func.functional_call(net, [{ '0.weight': w }, { '0.weight': w }], [])).toThrow('0.weight appeared in multiple dictionaries');
    const before = (net.get_submodule('0') as nn.Linear).weight;
    expect(() => nn.func.functional_call(net, { '0.weight': torch.ones(5, 5) }, t(F.functional_call.x))).toThrow();
    expect((net.get_submodule('0') as nn.Linear).weight).toBe(before);
    // tied: one name's value serves both
    const a = new nn.Linear(2, 2, { bias: false });
    const tied = new nn.Sequential(a, new nn.Linear(2, 2, { bias: false }));
    (tied.get_submodule('1') as nn.Linear).weight = a.weight;
    const out = nn.func.functional_call(tied, { '0.weight': torch.eye(2).mul(3) }, torch.ones(1, 2)) as Tensor;
    expect(out.tolist()).toEqual([[9, 9]]);
  });
});
