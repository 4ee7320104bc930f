// Optimizer and LR-scheduler tests: PyTorch 1.13 optimizer traces from training.json, float64 reference
// formulas for AdamW/RMSprop/AMSGrad, param groups, state_dict round trips, schedulers and error messages.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import { Adam, AdamW, lr_scheduler, Optimizer, RMSprop, SGD, type AdamOptions, type RMSpropOptions } from '../src/optim/index.js';
import { load_fixture_with_variants } from './fixture_utils.js';
import * as nn from '../src/index.js';

// ---- fixture plumbing ------------------------------------------------------------------------------------

interface FixtureTensor {
  shape: number[];
  data: (number | string)[];
  dtype?: 'int64' | 'bool';
}
interface OptimizerSpec {
  type: string;
  [hp: string]: unknown;
}
interface TraceCase {
  name: string;
  kind: 'optimizer_trace';
  optimizer: OptimizerSpec;
  param0: FixtureTensor;
  grads: FixtureTensor[];
  trace: { param: FixtureTensor; state: Record<string, FixtureTensor | null> }[];
}
interface ZeroGradCase {
  name: string;
  kind: 'zero_grad';
  grad_is_none_before_first_backward: Record<string, boolean>;
  conv1_bias_grad_after_one_backward: FixtureTensor;
  conv1_bias_grad_after_two_backward_without_zero_grad: FixtureTensor;
  optimizer_zero_grad_default: { grad_abs_sum_per_param: Record<string, number> };
  optimizer_zero_grad_set_to_none_true: { grad_is_none: Record<string, boolean> };
}
type Case = TraceCase | ZeroGradCase | { name: string; kind: string };

interface TrainingFixture {
  state_dict: Record<string, FixtureTensor>;
  cases: Case[];
}
const fixtures = load_fixture_with_variants<TrainingFixture>(new URL('./fixtures/training.json', import.meta.url));

const ELEMENTWISE = { rtol: 1e-5, atol: 1e-6 };

function parse_value(v: number | string): number {
  if (typeof v === 'number') return v;
  return { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity }[v] ?? Number(v);
}

function from_fixture(t: FixtureTensor): Tensor {
  return torch.tensor(t.data.map(parse_value), { dtype: t.dtype ?? 'float32' }).reshape(t.shape);
}

function expect_close(actual: Tensor, expected: ArrayLike<number>, shape: readonly number[], tol: { rtol: number; atol: number }, label: string): void {
  expect(actual.shape, `${label} shape`).toEqual([...shape]);
  const a = actual.data_array();
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(a[i]! - expected[i]!) - (tol.atol + tol.rtol * Math.abs(expected[i]!));
    if (!(excess <= worst)) {
      worst = excess;
      at = i;
    }
  }
  expect(at, `${label}: element ${at} is ${a[at]}, expected ${expected[at]}`).toBe(-1);
}

function expect_fixture(actual: Tensor, expected: FixtureTensor, label: string): void {
  expect_close(actual, expected.data.map(parse_value), expected.shape, ELEMENTWISE, label);
}

type AnyOptimizer = Optimizer<{ lr: number }>;
const OPTIMIZERS: Record<string, (params: Tensor[], hp: Record<string, unknown>) => AnyOptimizer> = {
  SGD: (params, hp) => new SGD(params, hp),
  Adam: (params, hp) => new Adam(params, hp as Partial<AdamOptions>),
  AdamW: (params, hp) => new AdamW(params, hp as Partial<AdamOptions>),
  RMSprop: (params, hp) => new RMSprop(params, hp as Partial<RMSpropOptions>),
};

function make_optimizer(spec: OptimizerSpec, params: Tensor[]): AnyOptimizer {
  const { type, ...hp } = spec;
  const make = OPTIMIZERS[type];
  if (make === undefined) throw new Error(`fixture optimizer type ${type} is not implemented by the test`);
  return make(params, hp);
}

function run_trace(c: TraceCase): void {
  const p = from_fixture(c.param0).requires_grad_();
  const opt = make_optimizer(c.optimizer, [p]);
  c.trace.forEach((expected, k) => {
    p.grad = from_fixture(c.grads[k]!);
    opt.step();
    expect_fixture(p.detach(), expected.param, `${c.name} step ${k} param`);
    const state = opt.state.get(p) ?? {};
    const wanted = Object.entries(expected.state).filter(([, v]) => v !== null);
    // PyTorch 1.13 records a None momentum_buffer when momentum is 0; 2.x (tsgrad) stores no entry.
    expect(Object.keys(state).sort(), `${c.name} step ${k} state keys`).toEqual(wanted.map(([key]) => key).sort());
    for (const [key, value] of wanted) {
      const actual = state[key];
      expect(actual, `${c.name} step ${k} state ${key}`).toBeInstanceOf(Tensor);
      expect_fixture(actual as Tensor, value!, `${c.name} step ${k} state ${key}`);
    }
  });
}

function run_zero_grad(fixture: TrainingFixture, c: ZeroGradCase): void {
  const names = Object.keys(c.grad_is_none_before_first_backward);
  const params = new Map(names.map((name) => [name, from_fixture(fixture.state_dict[name]!).requires_grad_()]));
  for (const name of names) expect(params.get(name)!.grad === null, `${name} grad before backward`).toBe(c.grad_is_none_before_first_backward[name]);

  // Two backward passes without zero_grad add up: d/db sum(b * g) = g, twice.
  const bias = params.get('conv1.bias')!;
  const g1 = from_fixture(c.conv1_bias_grad_after_one_backward);
  bias.mul(g1).sum().backward();
  expect_fixture(bias.grad!, c.conv1_bias_grad_after_one_backward, 'conv1.bias grad after one backward');
  bias.mul(g1).sum().backward();
  expect_fixture(bias.grad!, c.conv1_bias_grad_after_two_backward_without_zero_grad, 'conv1.bias grad after two backward');
  for (const p of params.values()) if (p.grad === null) p.grad = torch.ones_like(p);

  // The fixture's default is 1.13's set_to_none=False: zero-filled tensors, the same objects as before.
  const opt = new SGD([...params.values()], { lr: 0.1 });
  const before = new Map([...params].map(([name, p]) => [name, p.grad]));
  opt.zero_grad({ set_to_none: false });
  for (const [name, p] of params) {
    expect(p.grad, `${name} grad after zero_grad(set_to_none: false)`).toBe(before.get(name));
    expect(p.grad!.abs().sum().item()).toBe(c.optimizer_zero_grad_default.grad_abs_sum_per_param[name]);
  }
  // PyTorch 2.x default (and 1.13's set_to_none=True): grads become None.
  opt.zero_grad();
  for (const [name, p] of params) expect(p.grad === null, `${name} grad is null`).toBe(c.optimizer_zero_grad_set_to_none_true.grad_is_none[name]);
}

for (const [file, fixture] of fixtures) describe(`${file} optimizer cases`, () => {
  for (const c of fixture.cases) {
    switch (c.kind) {
      case 'optimizer_trace':
        it(c.name, () => run_trace(c as TraceCase));
        break;
      case 'zero_grad':
        it(`${c.name} (optimizer parts)`, () => run_zero_grad(fixture, c as ZeroGradCase));
        break;
      default:
        break; // 'train' cases need SimpleNet; they are tested with the models.
    }
  }
  it('covers every optimizer_trace case', () => {
    expect(fixture.cases.filter((c) => c.kind === 'optimizer_trace').length).toBeGreaterThan(0);
  });
});

// ---- float64 reference formulas ------------------------------------------------------------------------

/** Deterministic pseudo-random values in [-1, 1) so failures reproduce. */
function values(n: number, seed: number): number[] {
  const g = new torch.Generator().manual_seed(seed);
  return Array.from({ length: n }, () => g.random() * 2 - 1);
}

function f64(data: number[]): Tensor {
  return torch.tensor(data, { dtype: 'float64' });
}

/** Runs `steps` steps of `opt` on a float64 parameter and of `reference` on plain numbers; compares each step. */
function check_against_reference(
  make: (p: Tensor) => AnyOptimizer,
  reference: (p: number[], g: number[], t: number) => number[],
  steps = 6,
): void {
  const n = 7;
  let expected = values(n, 1);
  const p = f64(expected).requires_grad_();
  const opt = make(p);
  for (let t = 1; t <= steps; t++) {
    const g = values(n, 100 + t).map((v) => v * 3);
    p.grad = f64(g);
    opt.step();
    expected = reference(expected, g, t);
    expect_close(p.detach(), expected, [n], { rtol: 1e-13, atol: 1e-15 }, `step ${t}`);
  }
}

function adam_reference(o: { lr: number; b1: number; b2: number; eps: number; wd: number; decoupled: boolean; amsgrad: boolean }) {
  let m: number[] = [];
  let v: number[] = [];
  let vmax: number[] = [];
  return (p: number[], g: number[], t: number): number[] => {
    if (t === 1) {
      m = p.map(() => 0);
      v = p.map(() => 0);
      vmax = p.map(() => 0);
    }
    return p.map((pi, i) => {
      let gi = g[i]!;
      let q = pi;
      if (o.decoupled) q = pi * (1 - o.lr * o.wd);
      else gi = gi + o.wd * pi;
      m[i] = o.b1 * m[i]! + (1 - o.b1) * gi;
      v[i] = o.b2 * v[i]! + (1 - o.b2) * gi * gi;
      vmax[i] = Math.max(vmax[i]!, v[i]!);
      const second = o.amsgrad ? vmax[i]! : v[i]!;
      return q - (o.lr / (1 - o.b1 ** t)) * (m[i]! / (Math.sqrt(second) / Math.sqrt(1 - o.b2 ** t) + o.eps));
    });
  };
}

describe('AdamW', () => {
  it('applies decoupled weight decay before the Adam update (float64 reference)', () => {
    const o = { lr: 0.01, b1: 0.8, b2: 0.95, eps: 1e-6, wd: 0.1, decoupled: true, amsgrad: false };
    check_against_reference((p) => new AdamW([p], { lr: o.lr, betas: [o.b1, o.b2], eps: o.eps, weight_decay: o.wd }), adam_reference(o));
  });

  it('defaults to weight_decay 0.01 and records decoupled_weight_decay in its groups', () => {
    const opt = new AdamW([torch.zeros([2]).requires_grad_()]);
    expect(opt.param_groups[0]!.weight_decay).toBe(0.01);
    expect(opt.param_groups[0]!.decoupled_weight_decay).toBe(true);
    expect(new Adam([torch.zeros([2]).requires_grad_()]).param_groups[0]!.decoupled_weight_decay).toBe(false);
  });

  it('differs from Adam with L2 weight decay, and equals it without weight decay', () => {
    const run = (make: (p: Tensor) => AnyOptimizer): number[] => {
      const p = torch.tensor(values(5, 3)).requires_grad_();
      const opt = make(p);
      for (let t = 0; t < 3; t++) {
        p.grad = torch.tensor(values(5, 10 + t));
        opt.step();
      }
      return Array.from(p.data_array());
    };
    expect(run((p) => new AdamW([p], { weight_decay: 0 }))).toEqual(run((p) => new Adam([p])));
    expect(run((p) => new AdamW([p], { weight_decay: 0.5 }))).not.toEqual(run((p) => new Adam([p], { weight_decay: 0.5 })));
  });
});

describe('Adam', () => {
  it('with amsgrad keeps max_exp_avg_sq and follows the float64 reference', () => {
    const o = { lr: 0.05, b1: 0.9, b2: 0.99, eps: 1e-8, wd: 0.01, decoupled: false, amsgrad: true };
    check_against_reference((p) => new Adam([p], { lr: o.lr, betas: [o.b1, o.b2], weight_decay: o.wd, amsgrad: true }), adam_reference(o));
    const p = torch.zeros([3]).requires_grad_();
    const opt = new Adam([p], { amsgrad: true });
    p.grad = torch.tensor([1, -2, 3]);
    opt.step();
    expect(Object.keys(opt.state.get(p)!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    const step = opt.state.get(p)!.step as Tensor;
    expect([step.shape, step._dtype, step.item()]).toEqual([[], 'float32', 1]);
  });
});

describe('RMSprop', () => {
  const rms_reference = (o: { lr: number; alpha: number; eps: number; wd: number; momentum: number; centered: boolean }) => {
    let sq: number[] = [];
    let avg_g: number[] = [];
    let buf: number[] = [];
    return (p: number[], g: number[], t: number): number[] => {
      if (t === 1) {
        sq = p.map(() => 0);
        avg_g = p.map(() => 0);
        buf = p.map(() => 0);
      }
      return p.map((pi, i) => {
        const gi = g[i]! + o.wd * pi;
        sq[i] = o.alpha * sq[i]! + (1 - o.alpha) * gi * gi;
        let denom: number;
        if (o.centered) {
          avg_g[i] = o.alpha * avg_g[i]! + (1 - o.alpha) * gi;
          denom = Math.sqrt(sq[i]! - avg_g[i]! * avg_g[i]!) + o.eps;
        } else {
          denom = Math.sqrt(sq[i]!) + o.eps;
        }
        if (o.momentum > 0) {
          buf[i] = o.momentum * buf[i]! + gi / denom;
          return pi - o.lr * buf[i]!;
        }
        return pi - (o.lr * gi) / denom;
      });
    };
  };

  const variants = [
    { lr: 0.01, alpha: 0.99, eps: 1e-8, wd: 0, momentum: 0, centered: false },
    { lr: 0.02, alpha: 0.9, eps: 1e-6, wd: 0.05, momentum: 0, centered: false },
    { lr: 0.01, alpha: 0.95, eps: 1e-8, wd: 0, momentum: 0.9, centered: false },
    { lr: 0.003, alpha: 0.9, eps: 1e-8, wd: 0.01, momentum: 0.5, centered: true },
  ];
  for (const o of variants) {
    it(`follows the float64 reference (momentum ${o.momentum}, centered ${o.centered}, weight_decay ${o.wd})`, () => {
      check_against_reference(
        (p) => new RMSprop([p], { lr: o.lr, alpha: o.alpha, eps: o.eps, weight_decay: o.wd, momentum: o.momentum, centered: o.centered }),
        rms_reference(o),
      );
    });
  }

  it('keeps PyTorch state keys', () => {
    const p = torch.zeros([2]).requires_grad_();
    const opt = new RMSprop([p], { momentum: 0.9, centered: true });
    p.grad = torch.tensor([1, 2]);
    opt.step();
    opt.step();
    const s = opt.state.get(p)!;
    expect(Object.keys(s).sort()).toEqual(['grad_avg', 'momentum_buffer', 'square_avg', 'step']);
    expect((s.step as Tensor).item()).toBe(2);
  });
});

describe('SGD', () => {
  it('follows the formula with Nesterov momentum and weight decay (float64)', () => {
    const o = { lr: 0.1, momentum: 0.7, wd: 0.02 };
    const buf: number[] = [];
    check_against_reference(
      (p) => new SGD([p], { lr: o.lr, momentum: o.momentum, weight_decay: o.wd, nesterov: true }),
      (p, g, t) =>
        p.map((pi, i) => {
          const gi = g[i]! + o.wd * pi;
          buf[i] = t === 1 ? gi : o.momentum * buf[i]! + gi;
          return pi - o.lr * (gi + o.momentum * buf[i]!);
        }),
    );
  });

  it('maximize ascends: same as minimizing the negated gradient', () => {
    for (const make of [
      (p: Tensor, maximize: boolean) => new SGD([p], { lr: 0.1, momentum: 0.9, maximize }),
      (p: Tensor, maximize: boolean) => new Adam([p], { lr: 0.1, maximize }),
      (p: Tensor, maximize: boolean) => new RMSprop([p], { lr: 0.1, momentum: 0.5, maximize }),
    ]) {
      const a = torch.tensor(values(4, 7)).requires_grad_();
      const b = torch.tensor(values(4, 7)).requires_grad_();
      const oa = make(a, true);
      const ob = make(b, false);
      for (let t = 0; t < 3; t++) {
        const g = values(4, 20 + t);
        a.grad = torch.tensor(g);
        b.grad = torch.tensor(g.map((v) => -v));
        oa.step();
        ob.step();
      }
      expect(Array.from(a.data_array())).toEqual(Array.from(b.data_array()));
    }
  });

  it('updates non-contiguous parameters in place', () => {
    const base = torch.tensor([[1, 2, 3], [4, 5, 6]]);
    const p = base.t().requires_grad_();
    const opt = new SGD([p], { lr: 0.5 });
    p.grad = torch.ones([3, 2]);
    opt.step();
    expect(base.tolist()).toEqual([[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]]);
  });

  it('bumps the version counter, so backward through a stale graph fails as in PyTorch', () => {
    const p = torch.tensor([1, 2, 3], { requires_grad: true });
    const y = p.mul(p).sum();
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = torch.ones([3]);
    opt.step();
    expect(() => y.backward()).toThrow(/modified by an inplace operation/);
  });

  it('runs the closure with grad enabled and returns its loss', () => {
    const p = torch.tensor([2], { requires_grad: true });
    const opt = new SGD([p], { lr: 0.25 });
    const loss = torch.no_grad(() =>
      opt.step(() => {
        opt.zero_grad();
        const l = p.mul(p).sum();
        l.backward();
        return l;
      }),
    );
    expect((loss as Tensor).item()).toBe(4);
    expect(p.item()).toBe(1); // 2 - 0.25 * 4
  });
});

// ---- base class behaviour ------------------------------------------------------------------------------

describe('Optimizer', () => {
  it('skips parameters whose grad is null and gives them no state', () => {
    const a = torch.tensor([1, 2], { requires_grad: true });
    const b = torch.tensor([3, 4], { requires_grad: true });
    const opt = new Adam([a, b]);
    a.grad = torch.tensor([1, 1]);
    opt.step();
    expect(b.tolist()).toEqual([3, 4]);
    expect(opt.state.has(b)).toBe(false);
    expect(opt.state.has(a)).toBe(true);
  });

  it('param groups take their own lr and the defaults for the rest', () => {
    const a = torch.tensor([1, 1], { dtype: 'float64', requires_grad: true });
    const b = torch.tensor([1, 1], { dtype: 'float64', requires_grad: true });
    const c = torch.tensor([1, 1], { dtype: 'float64', requires_grad: true });
    const opt = new SGD([{ params: [a] }, { params: b, lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    opt.add_param_group({ params: [c], momentum: 0 });
    expect(opt.param_groups.map((g) => [g.lr, g.momentum])).toEqual([[0.1, 0.9], [0.5, 0.9], [0.1, 0]]);
    for (const p of [a, b, c]) p.grad = torch.tensor([2, -4], { dtype: 'float64' });
    opt.step();
    expect(a.tolist()).toEqual([1 - 0.1 * 2, 1 + 0.1 * 4]);
    expect(b.tolist()).toEqual([1 - 0.5 * 2, 1 + 0.5 * 4]);
    expect(c.tolist()).toEqual([1 - 0.1 * 2, 1 + 0.1 * 4]);
    expect(opt.state.get(c)).toBeUndefined();
    expect(opt.state.get(b)!.momentum_buffer).toBeInstanceOf(Tensor);
  });

  it('zero_grad: 2.x default sets grads to null; set_to_none false zeroes and detaches them in place', () => {
    const p = torch.tensor([1, 2], { requires_grad: true });
    const opt = new SGD([p], { lr: 0.1 });
    p.mul(p).sum().backward(undefined, { create_graph: true });
    const g = p.grad!;
    expect(g.grad_fn).not.toBeNull();
    opt.zero_grad({ set_to_none: false });
    expect(p.grad).toBe(g);
    expect([g.tolist(), g.grad_fn, g.requires_grad]).toEqual([[0, 0], null, false]);
    opt.zero_grad();
    expect(p.grad).toBeNull();
    opt.zero_grad({ set_to_none: false });
    expect(p.grad).toBeNull();
  });

  describe('state_dict', () => {
    const make_params = (): Tensor[] => [torch.tensor(values(3, 5)), torch.tensor(values(4, 6)), torch.tensor(values(2, 7))].map((t) => t.requires_grad_());
    const make_opt = (ps: Tensor[]): Adam =>
      new Adam([{ params: [ps[0]!, ps[1]!] }, { params: [ps[2]!], lr: 0.01, amsgrad: true }], { lr: 0.003, betas: [0.8, 0.9] });
    const train = (ps: Tensor[], opt: Optimizer<AdamOptions>, from: number, to: number): void => {
      for (let t = from; t < to; t++) {
        ps.forEach((p, i) => (p.grad = torch.tensor(values(p.numel(), 1000 + 10 * t + i))));
        opt.step();
      }
    };

    it("has PyTorch's structure", () => {
      const ps = make_params();
      const opt = make_opt(ps);
      train(ps, opt, 0, 2);
      const sd = opt.state_dict();
      expect(sd.param_groups.map((g) => g.params)).toEqual([[0, 1], [2]]);
      expect(sd.param_groups[1]).toMatchObject({ lr: 0.01, betas: [0.8, 0.9], eps: 1e-8, weight_decay: 0, amsgrad: true, maximize: false });
      expect(Object.keys(sd.state)).toEqual(['0', '1', '2']);
      expect(Object.keys(sd.state[0]!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'step']);
      expect(Object.keys(sd.state[2]!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
      expect((sd.state[1]!.step as Tensor).item()).toBe(2);
      expect(sd.state[0]!.exp_avg).toBe(opt.state.get(ps[0]!)!.exp_avg); // shared, as in PyTorch
    });

    it('round trip: continuing after load_state_dict gives identical parameters', () => {
      const ps = make_params();
      const opt = make_opt(ps);
      train(ps, opt, 0, 3);
      const clones = ps.map((p) => p.detach().clone().requires_grad_());
      const opt2 = new Adam([{ params: [clones[0]!, clones[1]!] }, { params: [clones[2]!] }]);
      opt2.load_state_dict(opt.state_dict());
      expect(opt2.param_groups[1]).toMatchObject({ lr: 0.01, amsgrad: true, betas: [0.8, 0.9] });
      expect(opt2.state.get(clones[0]!)!.exp_avg).not.toBe(opt.state.get(ps[0]!)!.exp_avg);
      train(ps, opt, 3, 6);
      train(clones, opt2, 3, 6);
      ps.forEach((p, i) => expect(Array.from(clones[i]!.data_array())).toEqual(Array.from(p.data_array())));
      expect((opt2.state.get(clones[2]!)!.step as Tensor).item()).toBe(6);
    });

    it('rejects state dicts whose groups do not match', () => {
      const ps = make_params();
      const sd = make_opt(ps).state_dict();
      const one_group = new Adam(make_params());
      expect(() => one_group.load_state_dict(sd)).toThrow('loaded state dict has a different number of parameter groups');
      const q = make_params();
      const sizes_differ = new Adam([{ params: [q[0]!] }, { params: [q[1]!, q[2]!] }]);
      const groups_before = sizes_differ.param_groups;
      expect(() => sizes_differ.load_state_dict(sd)).toThrow("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      expect(sizes_differ.param_groups).toBe(groups_before);
    });
  });

  describe('errors', () => {
    const p = () => torch.zeros([2]).requires_grad_();
    it('validates hyper-parameters in PyTorch words', () => {
      expect(() => new SGD([p()], { lr: -1 })).toThrow('Invalid learning rate: -1');
      expect(() => new SGD([p()], { momentum: -0.5 })).toThrow('Invalid momentum value: -0.5');
      expect(() => new SGD([p()], { weight_decay: -0.1 })).toThrow('Invalid weight_decay value: -0.1');
      expect(() => new SGD([p()], { nesterov: true })).toThrow('Nesterov momentum requires a momentum and zero dampening');
      expect(() => new SGD([p()], { nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow('Nesterov momentum requires a momentum and zero dampening');
      expect(() => new Adam([p()], { lr: -0.01 })).toThrow('Invalid learning rate: -0.01');
      expect(() => new Adam([p()], { eps: -1e-8 })).toThrow('Invalid epsilon value: -1e-08');
      expect(() => new Adam([p()], { betas: [1, 0.999] })).toThrow('Invalid beta parameter at index 0: 1');
      expect(() => new AdamW([p()], { betas: [0.9, -0.5] })).toThrow('Invalid beta parameter at index 1: -0.5');
      expect(() => new Adam([p()], { weight_decay: -1 })).toThrow('Invalid weight_decay value: -1');
      expect(() => new RMSprop([p()], { alpha: -0.5 })).toThrow('Invalid alpha value: -0.5');
      expect(() => new RMSprop([p()], { momentum: -1 })).toThrow('Invalid momentum value: -1');
    });

    it('rejects empty, non-leaf and duplicated parameters', () => {
      expect(() => new SGD([], { lr: 0.1 })).toThrow('optimizer got an empty parameter list');
      const leaf = p();
      expect(() => new SGD([leaf.mul(2)], { lr: 0.1 })).toThrow("can't optimize a non-leaf Tensor");
      expect(() => new SGD([{ params: [leaf] }, { params: [p(), leaf] }], { lr: 0.1 })).toThrow(
        /^some parameters appear in more than one parameter group$/,
      );
      const opt = new SGD([leaf], { lr: 0.1 });
      expect(() => opt.add_param_group({ params: leaf })).toThrow('some parameters appear in more than one parameter group');
      expect(opt.param_groups.length).toBe(1);
      expect(() => new SGD([{ params: new Set([p()]) }])).toThrow('optimizer parameters need to be organized in ordered collections');
      expect(() => new SGD(leaf as unknown as Tensor[])).toThrow('params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor');
    });

    it('warns about a parameter repeated within a group', () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const leaf = p();
      new SGD([leaf, leaf], { lr: 0.1 });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('optimizer contains a parameter group with duplicate parameters'), 'UserWarning');
      warn.mockRestore();
    });
  });
});

// ---- schedulers ----------------------------------------------------------------------------------------

function sgd_with_groups(lrs: number[], momentum = 0.9): SGD {
  return new SGD(lrs.map((lr) => ({ params: [torch.zeros([1]).requires_grad_()], lr })), { lr: lrs[0]!, momentum });
}

/** lr of every group after each of `n` epochs: epoch 0 (the constructor's step) then `n - 1` steps. */
function lr_trace(opt: Optimizer, scheduler: lr_scheduler.LRScheduler, n: number): number[][] {
  const out = [scheduler.get_last_lr()];
  for (let e = 1; e < n; e++) {
    opt.step();
    scheduler.step();
    out.push(scheduler.get_last_lr());
    expect(scheduler.get_last_lr()).toEqual(opt.param_groups.map((g) => g.lr));
  }
  return out;
}

function expect_lrs(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, e) => row.forEach((lr, i) => expect(lr, `epoch ${e} group ${i}`).toBeCloseTo(expected[e]![i]!, 12)));
}

describe('lr_scheduler', () => {
  afterEach(() => vi.restoreAllMocks());

  it('StepLR multiplies by gamma every step_size epochs (both call spellings)', () => {
    const base = [0.1, 0.02];
    for (const make of [(o: SGD) => new lr_scheduler.StepLR(o, 3, 0.5), (o: SGD) => new lr_scheduler.StepLR(o, 3, { gamma: 0.5 })]) {
      const opt = sgd_with_groups(base);
      const s = make(opt);
      expect(s.last_epoch).toBe(0);
      expect(opt.param_groups.map((g) => g.initial_lr)).toEqual(base);
      expect_lrs(lr_trace(opt, s, 11), Array.from({ length: 11 }, (_, e) => base.map((b) => b * 0.5 ** Math.floor(e / 3))));
      expect(s.last_epoch).toBe(10);
    }
  });

  it('MultiStepLR multiplies at milestones (repeated milestones count twice)', () => {
    const opt = sgd_with_groups([1]);
    const milestones = [5, 2, 5];
    const s = new lr_scheduler.MultiStepLR(opt, milestones, { gamma: 0.1 });
    expect_lrs(lr_trace(opt, s, 8), Array.from({ length: 8 }, (_, e) => [0.1 ** milestones.filter((m) => m <= e).length]));
  });

  it('ExponentialLR multiplies by gamma every epoch', () => {
    const opt = sgd_with_groups([0.5, 0.1]);
    const s = new lr_scheduler.ExponentialLR(opt, 0.9);
    expect_lrs(lr_trace(opt, s, 12), Array.from({ length: 12 }, (_, e) => [0.5 * 0.9 ** e, 0.1 * 0.9 ** e]));
  });

  it('CosineAnnealingLR (recursive form) matches the closed form, past T_max too', () => {
    const T_max = 10;
    const eta_min = 0.001;
    const opt = sgd_with_groups([0.1, 0.05]);
    const s = new lr_scheduler.CosineAnnealingLR(opt, T_max, { eta_min });
    const closed = (base: number, e: number): number => eta_min + ((base - eta_min) * (1 + Math.cos((Math.PI * e) / T_max))) / 2;
    expect_lrs(lr_trace(opt, s, 31), Array.from({ length: 31 }, (_, e) => [closed(0.1, e), closed(0.05, e)]));
    const positional = new lr_scheduler.CosineAnnealingLR(sgd_with_groups([1]), 4, 0.5);
    expect(positional.eta_min).toBe(0.5);
  });

  it('LambdaLR uses one function per group', () => {
    const opt = sgd_with_groups([0.1, 1]);
    const s = new lr_scheduler.LambdaLR(opt, [(e) => 1 / (e + 1), (e) => 0.5 ** e]);
    expect_lrs(lr_trace(opt, s, 6), Array.from({ length: 6 }, (_, e) => [0.1 / (e + 1), 0.5 ** e]));
    expect(() => new lr_scheduler.LambdaLR(sgd_with_groups([0.1, 1]), [(e) => e])).toThrow('Expected 2 lr_lambdas, but got 1');
  });

  describe('OneCycleLR', () => {
    const cos = (start: number, end: number, pct: number): number => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    const lin = (start: number, end: number, pct: number): number => (end - start) * pct + start;
    /** Piecewise schedule through (step, value) knots, annealing between consecutive knots. */
    const piecewise = (knots: [number, number][], anneal: typeof cos, step: number): number => {
      for (let k = 1; k < knots.length; k++) {
        const [s0, v0] = knots[k - 1]!;
        const [s1, v1] = knots[k]!;
        if (step <= s1 || k === knots.length - 1) return anneal(v0, v1, (step - s0) / (s1 - s0));
      }
      throw new Error('unreachable');
    };

    it('two phases, cos: lr and SGD momentum follow the 1cycle formulas', () => {
      const total = 20;
      const max_lr = 0.1;
      const opt = sgd_with_groups([0.5]);
      const s = new lr_scheduler.OneCycleLR(opt, max_lr, { total_steps: total });
      const initial = max_lr / 25;
      const min = initial / 1e4;
      const up = 0.3 * total - 1;
      const lrs: number[][] = [];
      const momenta: number[] = [];
      lrs.push(s.get_last_lr());
      momenta.push(opt.param_groups[0]!.momentum);
      for (let i = 1; i < total; i++) {
        s.step();
        lrs.push(s.get_last_lr());
        momenta.push(opt.param_groups[0]!.momentum);
      }
      expect_lrs(lrs, Array.from({ length: total }, (_, i) => [piecewise([[0, initial], [up, max_lr], [total - 1, min]], cos, i)]));
      momenta.forEach((m, i) => expect(m).toBeCloseTo(piecewise([[0, 0.95], [up, 0.85], [total - 1, 0.95]], cos, i), 12));
      expect(opt.param_groups[0]).toMatchObject({ initial_lr: initial, max_lr, min_lr: min, max_momentum: 0.95, base_momentum: 0.85 });
      s.step(); // step number 20 == total_steps is still allowed
      expect(() => s.step()).toThrow('Tried to step 21 times. The specified number of total steps is 20');
    });

    it('three phases, linear, epochs × steps_per_epoch, cycling Adam beta1', () => {
      const opt = new Adam([torch.zeros([1]).requires_grad_()], { betas: [0.9, 0.99] });
      const s = new lr_scheduler.OneCycleLR(opt, 1, {
        epochs: 4, steps_per_epoch: 5, pct_start: 0.25, anneal_strategy: 'linear', three_phase: true, div_factor: 10, final_div_factor: 100,
        max_momentum: 0.9, base_momentum: 0.8,
      });
      const total = 20;
      const knots: [number, number][] = [[0, 0.1], [0.25 * total - 1, 1], [2 * 0.25 * total - 2, 0.1], [total - 1, 0.001]];
      const m_knots: [number, number][] = [[0, 0.9], [0.25 * total - 1, 0.8], [2 * 0.25 * total - 2, 0.9], [total - 1, 0.9]];
      for (let i = 0; i < total; i++) {
        if (i > 0) s.step();
        expect(s.get_last_lr()[0]).toBeCloseTo(piecewise(knots, lin, i), 12);
        const betas = opt.param_groups[0]!.betas;
        expect(betas[0]).toBeCloseTo(piecewise(m_knots, lin, i), 12);
        expect(betas[1]).toBe(0.99);
      }
    });

    it('validates its arguments', () => {
      const opt = sgd_with_groups([0.1]);
      expect(() => new lr_scheduler.OneCycleLR(opt, 0.1)).toThrow('You must define either total_steps OR (epochs AND steps_per_epoch)');
      expect(() => new lr_scheduler.OneCycleLR(opt, 0.1, 0)).toThrow('Expected positive integer total_steps, but got 0');
      expect(() => new lr_scheduler.OneCycleLR(opt, 0.1, { epochs: 2 })).toThrow('Expected positive integer steps_per_epoch, but got undefined');
      expect(() => new lr_scheduler.OneCycleLR(opt, 0.1, { total_steps: 10, pct_start: 1.5 })).toThrow('Expected float between 0 and 1 pct_start, but got 1.5');
      expect(() => new lr_scheduler.OneCycleLR(opt, [0.1, 0.2], 10)).toThrow('expected 1 values for max_lr, got 2');
      expect(() => new lr_scheduler.OneCycleLR(opt, 0.1, { total_steps: 10, max_momentum: [0.9, 0.8] })).toThrow('expected 1 values for max_momentum, got 2');
      expect(opt.param_groups[0]).toMatchObject({ lr: 0.1, momentum: 0.9 });
      expect('initial_lr' in opt.param_groups[0]!).toBe(false);
      const plain = sgd_with_groups([0.1]);
      new lr_scheduler.OneCycleLR(plain, 0.1, { total_steps: 10, cycle_momentum: false, max_momentum: [0.9, 0.8] });
      expect(plain.param_groups[0]!.momentum).toBe(0.9);
    });
  });

  it('state_dict round trip resumes the schedule', () => {
    const opt = sgd_with_groups([0.1]);
    const s = new lr_scheduler.CosineAnnealingLR(opt, 8, { eta_min: 0.01 });
    for (let i = 0; i < 3; i++) s.step();
    const sd = s.state_dict();
    expect(sd).toMatchObject({ last_epoch: 3, T_max: 8, eta_min: 0.01, base_lrs: [0.1], _step_count: 4 });
    expect('optimizer' in sd).toBe(false);
    const opt2 = sgd_with_groups([0.1]);
    opt2.load_state_dict(opt.state_dict());
    const s2 = new lr_scheduler.CosineAnnealingLR(opt2, 100);
    s2.load_state_dict(sd);
    for (let i = 0; i < 4; i++) {
      s.step();
      s2.step();
      expect(s2.get_last_lr()).toEqual(s.get_last_lr());
    }
    const lambda = new lr_scheduler.LambdaLR(sgd_with_groups([0.1]), (e) => e);
    expect(lambda.state_dict().lr_lambdas).toEqual([null]);
  });

  it('step(epoch) warns and uses the closed form; get_lr() outside step warns', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const opt = sgd_with_groups([1]);
    const s = new lr_scheduler.StepLR(opt, 2, 0.5);
    s.step(5);
    expect(s.get_last_lr()).toEqual([0.25]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('The epoch parameter in `scheduler.step()` was not necessary'), 'UserWarning');
    s.get_lr();
    expect(warn).toHaveBeenCalledWith('To get the last learning rate computed by the scheduler, please use `get_last_lr()`.', 'UserWarning');
  });

  it('resuming with last_epoch needs initial_lr in every group', () => {
    expect(() => new lr_scheduler.StepLR(sgd_with_groups([0.1]), 3, { last_epoch: 4 })).toThrow(
      "param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer",
    );
  });
});

describe("LR scheduler constructors follow PyTorch's signatures (positional or keyword)", () => {
  const make_opt = (): nn.optim.SGD => new nn.optim.SGD(new nn.Linear(2, 2).parameters(), { lr: 1, momentum: 0.9 });
  const lr = (s: nn.optim.lr_scheduler.LRScheduler): number => s.get_last_lr()[0]!;
  it('accepts each parameter by position or by name, with the same result', () => {
    const { StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, OneCycleLR } = nn.optim.lr_scheduler;
    const pairs: [() => nn.optim.lr_scheduler.LRScheduler, () => nn.optim.lr_scheduler.LRScheduler][] = [
      [() => new StepLR(make_opt(), 2, 0.5), () => new StepLR({ optimizer: make_opt(), step_size: 2, gamma: 0.5 })],
      [() => new MultiStepLR(make_opt(), [1, 3], 0.5), () => new MultiStepLR(make_opt(), { milestones: [1, 3], gamma: 0.5 })],
      [() => new ExponentialLR(make_opt(), 0.9), () => new ExponentialLR(make_opt(), { gamma: 0.9 })],
      [() => new CosineAnnealingLR(make_opt(), 10, 0.1), () => new CosineAnnealingLR(make_opt(), { T_max: 10, eta_min: 0.1 })],
      [() => new LambdaLR(make_opt(), (e) => 0.5 ** e), () => new LambdaLR(make_opt(), { lr_lambda: (e: number) => 0.5 ** e })],
      [() => new OneCycleLR(make_opt(), 1, 10), () => new OneCycleLR(make_opt(), { max_lr: 1, total_steps: 10 })],
      [() => new OneCycleLR(make_opt(), 1, null, 2, 5), () => new OneCycleLR(make_opt(), 1, { epochs: 2, steps_per_epoch: 5 })],
    ];
    for (const [positional, keyword] of pairs) {
      const a = positional();
      const b = keyword();
      const seq_a: number[] = [];
      const seq_b: number[] = [];
      for (let i = 0; i < 4; i++) {
        a.optimizer.step();
        a.step();
        seq_a.push(lr(a));
        b.optimizer.step();
        b.step();
        seq_b.push(lr(b));
      }
      expect(seq_b).toEqual(seq_a);
      expect(new Set(seq_a).size).toBeGreaterThan(1);
    }
  });

  it("refuses unknown names and wrong kinds with the argument parser's TypeErrors, and a non-optimizer", () => {
    const { StepLR, OneCycleLR } = nn.optim.lr_scheduler;
    expect(() => new StepLR(make_opt(), 2, { gama: 0.5 } as never)).toThrow(TypeError);
    expect(() => new StepLR(make_opt(), 2, { gama: 0.5 } as never)).toThrow(/gama/);
    expect(() => new StepLR(make_opt(), 2.5)).toThrow(/step_size/);
    expect(() => new OneCycleLR(make_opt(), 1, { total_steps: 10, anneal_strategy: 'cubic' as 'cos' })).toThrow("anneal_strategy must be one of 'cos' or 'linear', instead got cubic");
    expect(() => new StepLR(new nn.Linear(1, 1) as unknown as nn.optim.Optimizer, 2)).toThrow('Linear is not an Optimizer');
  });

  it("warns PyTorch 2.x's deprecation for verbose", () => {
    const warnings: string[] = [];
    const original = process.emitWarning;
    process.emitWarning = ((m: string) => void warnings.push(String(m))) as typeof process.emitWarning;
    try {
      new nn.optim.lr_scheduler.StepLR(make_opt(), 2);
      expect(warnings).toEqual([]);
      new nn.optim.lr_scheduler.StepLR(make_opt(), 2, { verbose: true });
    } finally {
      process.emitWarning = original;
    }
    expect(warnings).toEqual(['The verbose parameter is deprecated. Please use get_last_lr() to access the learning rate.']);
  });
});
