// torch.autograd.functional (vjp, jvp, jacobian, hessian, vhp, hvp) and autograd.grad's is_grads_batched against
// what real PyTorch returned (fixtures/functional/autograd_functional.json, written by make_autograd_functional.py
// there): values, shapes, nesting of tuple results, argument and strict-mode errors; and the create_graph results
// differentiated again by gradcheck / gradgradcheck.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { load_fixture } from './helpers.js';

const AF = torch.autograd.functional;
type Reported = { shape: number[]; data: number[]; requires_grad: boolean } | Reported[];
const fixture = load_fixture<{ values: Record<string, Reported>; errors: Record<string, [string, string] | null> }>('functional/autograd_functional.json');

const f64 = (v: number[] | number[][]): Tensor => torch.tensor(v, { dtype: 'float64' });
const X = (): Tensor => f64([[0.1, -0.2], [0.3, 0.4]]);
const Y = (): Tensor => f64([[0.5, 0.6], [-0.7, 0.8]]);
const V2 = f64([1, -2]);
const V22 = f64([[1, 2], [3, -4]]);
const exp_rows = (x: Tensor): Tensor => x.exp().sum({ dim: 1 });
const adder = (x: Tensor, y: Tensor): Tensor[] => [x.mul(2).add(y.mul(3)), x.mul(y)];
const cubic = (x: Tensor): Tensor => x.pow(3).sum();
const add_cubic = (x: Tensor, y: Tensor): Tensor => x.add(y).pow(3).sum();
const narrow3 = (a: Tensor): Tensor => a.narrow(0, 0, 3).mul(3);

type Nested = Tensor | Nested[];
function report(r: Nested): Reported {
  return r instanceof torch.Tensor ? { shape: [...r.shape], data: r.reshape(-1).tolist() as number[], requires_grad: r.requires_grad } : r.map(report);
}
function expect_reported(got: Reported, want: Reported): void {
  if (Array.isArray(want)) {
    expect(Array.isArray(got) && got.length === want.length).toBe(true);
    want.forEach((w, i) => expect_reported((got as Reported[])[i]!, w));
    return;
  }
  const g = got as { shape: number[]; data: number[]; requires_grad: boolean };
  expect([g.shape, g.requires_grad]).toEqual([want.shape, want.requires_grad]);
  g.data.forEach((v, i) => expect(v).toBeCloseTo(want.data[i]!, 10));
}

/** Twins of the Python `values`: the same call on the same inputs. */
const VALUES: Record<string, () => Nested> = {
  vjp_one: () => AF.vjp(exp_rows, X(), V2),
  vjp_tuple: () => AF.vjp(adder, [X(), Y()], [V22, V22]) as Nested,
  vjp_scalar_default_v: () => AF.vjp(cubic, X()),
  jvp_one: () => AF.jvp(exp_rows, X(), V22),
  jvp_tuple: () => AF.jvp(adder, [X(), Y()], [V22, V22.neg()]) as Nested,
  jacobian_one: () => AF.jacobian(exp_rows, X()),
  jacobian_tuple: () => AF.jacobian(adder, [X(), Y()]),
  jacobian_tuple_in: () => AF.jacobian((x, y) => x.mul(y).sum({ dim: 0 }), [X(), Y()]),
  jacobian_forward: () => AF.jacobian(exp_rows, X(), { vectorize: true, strategy: 'forward-mode' }),
  jacobian_create_graph: () => AF.jacobian(exp_rows, X().requires_grad_(), { create_graph: true }),
  hessian_one: () => AF.hessian(cubic, X()),
  hessian_tuple: () => AF.hessian(add_cubic, [X(), Y()]),
  vhp_one: () => AF.vhp(cubic, X(), V22),
  vhp_tuple: () => AF.vhp(add_cubic, [X(), Y()], [V22, V22]) as Nested,
  hvp_one: () => AF.hvp(cubic, X(), V22),
  hvp_tuple: () => AF.hvp(add_cubic, [X(), Y()], [V22, V22]) as Nested,
  grad_batched: () => {
    const x = X().requires_grad_();
    return torch.autograd.grad(exp_rows(x), [x], f64([[1, 0], [0, 1], [2, -3]]), { is_grads_batched: true }) as Tensor[];
  },
};

const inp = torch.rand([4], { dtype: 'float64' });
const v4 = torch.rand([4], { dtype: 'float64' });
const unconnected = (a: Tensor): Tensor => a.long().double().requires_grad_().clone();
/** Twins of the Python `errors`: each call must raise PyTorch's error class name and text. */
const ERRORS: Record<string, () => unknown> = {
  vjp_input_not_tensor: () => AF.vjp(narrow3, [inp, 2 as unknown as Tensor], torch.ones([3])),
  vjp_output_not_tensor: () => AF.vjp((a) => [narrow3(a), 'bar' as unknown as Tensor], inp, torch.ones([3])),
  vjp_v_needed: () => AF.vjp(narrow3, inp),
  vjp_v_two: () => AF.vjp(narrow3, inp, [torch.ones([3]), torch.ones([3])]),
  vjp_v_size: () => AF.vjp(narrow3, inp, torch.ones([2])),
  vjp_v_tuple_length: () => AF.vjp(adder, [X(), Y()], [V22]),
  vjp_v_entry_size: () => AF.vjp(adder, [X(), Y()], [V22, V2]),
  jvp_v_needed: () => AF.jvp(narrow3, inp),
  jvp_v_size: () => AF.jvp(narrow3, inp, v4.narrow(0, 0, 2)),
  vjp_strict_detached: () => AF.vjp((a) => a.detach(), inp, v4, { strict: true }),
  vjp_strict_unconnected: () => AF.vjp(unconnected, inp, v4, { strict: true }),
  vjp_strict_linear: () => AF.vjp((a) => a.clone(), inp.clone().requires_grad_(), v4, { create_graph: true, strict: true }),
  jvp_strict_unconnected: () => AF.jvp(unconnected, inp, v4, { strict: true }),
  jacobian_strict_unconnected: () => AF.jacobian(unconnected, inp, { strict: true }),
  jacobian_strict_linear: () => AF.jacobian((a) => a.clone(), inp.clone().requires_grad_(), { create_graph: true, strict: true }),
  jacobian_strict_vectorize: () => AF.jacobian(exp_rows, X(), { strict: true, vectorize: true }),
  jacobian_forward_needs_vectorize: () => AF.jacobian(exp_rows, X(), { strategy: 'forward-mode' }),
  hessian_not_single_element: () => AF.hessian(narrow3, inp),
  hessian_tuple_output: () => AF.hessian((a) => [narrow3(a), narrow3(a)], inp),
  hessian_strict_linear: () => AF.hessian((a) => a.mul(3).sum(), inp, { strict: true }),
  vhp_v_not_tensor: () => AF.vhp(cubic, inp, [v4, 2 as unknown as Tensor]),
  vhp_strict_linear: () => AF.vhp((a) => a.mul(3).sum(), inp, v4, { strict: true }),
  hvp_not_single_element: () => AF.hvp(narrow3, inp, v4),
  hvp_v_needed: () => AF.hvp(cubic, inp),
  grad_batched_shape: () => {
    const x = X().requires_grad_();
    return torch.autograd.grad(exp_rows(x), [x], torch.ones([3, 3]), { is_grads_batched: true });
  },
};

describe('autograd.functional against PyTorch', () => {
  it.each(Object.keys(fixture.values))('%s', (name) => {
    expect_reported(report(VALUES[name]!()), fixture.values[name]!);
  });
  it.each(Object.keys(fixture.errors))('%s raises PyTorch\'s error', (name) => {
    const [kind, message] = fixture.errors[name]!;
    let caught: unknown = null;
    try {
      ERRORS[name]!();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).message).toBe(message);
    // Python's TypeError is JS's TypeError; RuntimeError and NotImplementedError are plain Errors
    expect((caught as Error).name).toBe(kind === 'TypeError' ? 'TypeError' : 'Error');
  });
  it('every twin has its fixture entry', () => {
    expect(Object.keys(VALUES).sort()).toEqual(Object.keys(fixture.values).sort());
    expect(Object.keys(ERRORS).sort()).toEqual(Object.keys(fixture.errors).sort());
  });
});

describe('autograd.functional with create_graph is differentiable again', () => {
  const leaf = (...shape: number[]): Tensor => torch.rand(shape, { dtype: 'float64', requires_grad: true });
  const CASES: [string, (...t: Tensor[]) => Tensor | Tensor[], () => Tensor[]][] = [
    ['vjp', (x, v) => AF.vjp(exp_rows, x!, v!, { create_graph: true })[1] as Tensor, () => [leaf(2, 2), leaf(2)]],
    ['jvp', (x, y, v, w) => AF.jvp(adder, [x!, y!], [v!, w!], { create_graph: true })[1] as Tensor[], () => [leaf(2), leaf(2), leaf(2), leaf(2)]],
    ['jacobian', (x) => AF.jacobian(exp_rows, x!, { create_graph: true }) as Tensor, () => [leaf(2, 2)]],
    ['hessian', (x, y) => (AF.hessian(add_cubic, [x!, y!], { create_graph: true }) as Tensor[][]).flat(), () => [leaf(2), leaf(2)]],
    ['vhp', (x, v) => AF.vhp(cubic, x!, v!, { create_graph: true })[1] as Tensor, () => [leaf(3), leaf(3)]],
    ['hvp', (x, v) => AF.hvp((a) => a.exp().sum(), x!, v!, { create_graph: true })[1] as Tensor, () => [leaf(3), leaf(3)]],
  ];
  it.each(CASES)('%s', (_name, fn, make) => {
    const inputs = make();
    expect(torch.autograd.gradcheck(fn, inputs)).toBe(true);
    expect(torch.autograd.gradgradcheck(fn, inputs)).toBe(true);
  });
  it('without create_graph nothing is recorded and the inputs are left alone', () => {
    const x = leaf(2, 2);
    const [out, g] = AF.vjp(exp_rows, x, V2);
    expect([(out as Tensor).grad_fn, (g as Tensor).grad_fn, x.grad]).toEqual([null, null, null]);
    const H = AF.hessian(cubic, x) as Tensor;
    expect([H.grad_fn, x.grad, x.is_leaf, x._version]).toEqual([null, null, true, 0]);
  });
  it('jacobian agrees with vjp and jvp, hessian with vhp and hvp', () => {
    const f = (x: Tensor): Tensor => x.pow(3).add(x.sum());
    const x = torch.rand([4], { dtype: 'float64' });
    const v = torch.rand([4], { dtype: 'float64' });
    const J = AF.jacobian(f, x) as Tensor;
    expect(torch.allclose(AF.jvp(f, x, v)[1] as Tensor, J.mv(v))).toBe(true);
    expect(torch.allclose(AF.vjp(f, x, v)[1] as Tensor, v.matmul(J))).toBe(true);
    const s = (a: Tensor): Tensor => a.narrow(0, 0, 3).exp().sum().mul(3);
    const H = AF.hessian(s, x) as Tensor;
    expect(torch.allclose(AF.hvp(s, x, v)[1] as Tensor, H.mv(v))).toBe(true);
    expect(torch.allclose(AF.vhp(s, x, v)[1] as Tensor, v.matmul(H))).toBe(true);
  });
});
