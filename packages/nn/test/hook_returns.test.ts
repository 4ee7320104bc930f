// What a backward hook may return: PyTorch's checks (fixtures/hook_returns.json), properties over random shapes
// and dtypes, and the state a rejected return leaves behind.
import * as torch from '@tsgrad/core';
import { Tensor, type Grad } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capture_error, expect_tensor, load_fixture, type TensorJSON } from './fixture_utils.js';

type DType = 'float32' | 'float64' | 'int64' | 'bool';
interface Ones {
  make: 'ones';
  shape: number[];
  dtype: DType;
}
type Item = 'same' | 'none' | 'scaled' | Ones;
type Returns = { make: 'scaled' | 'int' | 'tuple1' | 'tensor' } | Ones | { make: 'tuple'; items: Item[] };
interface Case {
  name: string;
  kind: 'tensor_hook' | 'node_post_hook' | 'node_pre_hook' | 'full_backward_hook' | 'legacy_backward_hook';
  on?: 'leaf' | 'nonleaf';
  shape?: number[];
  returns: Returns;
  hook_name: string;
  error: { exception: string; message: string } | null;
  grads_after: (TensorJSON | null)[];
}

const fixture = load_fixture<{ cases: Case[] }>(new URL('./fixtures/hook_returns.json', import.meta.url));

const ones = (o: Ones): Tensor => torch.ones(o.shape, { dtype: o.dtype });

/** The value a tensor hook returns for `g`, as make_hook_returns.py's make_single. */
function make_single(r: Returns, g: Tensor): unknown {
  if (r.make === 'scaled') return g.mul(3);
  if (r.make === 'ones') return ones(r);
  if (r.make === 'int') return 3;
  if (r.make === 'tuple1') return [g];
  throw new Error(`no single-value form ${r.make}`);
}

/** The value a node or module hook returns for the gradients `gs`, as make_hook_returns.py's make_tuple. */
function make_tuple(r: Returns, gs: Grad[]): unknown {
  if (r.make === 'scaled') return gs.map((g) => (g === null ? null : g.mul(3)));
  if (r.make === 'tensor') return gs.find((g) => g !== null);
  if (r.make !== 'tuple') throw new Error(`no tuple form ${r.make}`);
  return r.items.map((item, i) => {
    if (item === 'same') return i < gs.length ? gs[i] : gs[0];
    if (item === 'none') return null;
    if (item === 'scaled') return gs[i]!.mul(3);
    return ones(item);
  });
}

/** A function with PyTorch's `__name__` (an empty name stands for a lambda). */
function named<F extends (...args: never[]) => unknown>(fn: F, name: string): F {
  return Object.defineProperty(fn, 'name', { value: name === '<lambda>' ? '' : name });
}

/** 0.5 * arange - 1 in `shape`, requiring grad (the generator's leaf). */
function leaf(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(n).mul(0.5).sub(1).reshape(shape).requires_grad_();
}

/** Builds the case's graph with its hook; returns the loss thunk and the leaves whose grads the case records. */
function build(c: Case): [() => Tensor, Tensor[]] {
  const r = c.returns;
  if (c.kind === 'full_backward_hook' || c.kind === 'legacy_backward_hook') {
    const x = leaf([2, 3]);
    const lin = new nn.Linear(3, 4);
    torch.no_grad(() => {
      lin.weight.copy_(torch.arange(12).mul(0.1).reshape([4, 3]));
      lin.bias!.fill_(0.1);
    });
    const hook = named((_m: unknown, gi: Grad[]) => make_tuple(r, gi) as Grad[], c.hook_name);
    if (c.kind === 'full_backward_hook') lin.register_full_backward_hook(hook);
    else lin.register_backward_hook(hook);
    return [() => lin.call(x).sum(), [x, lin.weight, lin.bias!]];
  }
  const x = leaf(c.shape!);
  const w = torch.arange(x.numel()).reshape(x.shape).add(1);
  let y: Tensor;
  if (c.kind === 'tensor_hook') {
    y = x.mul(2);
    (c.on === 'leaf' ? x : y).register_hook(named((g: Tensor) => make_single(r, g) as Tensor, c.hook_name));
  } else {
    y = x.mul(torch.ones(x.shape).mul(3));
    if (c.kind === 'node_post_hook') y.grad_fn!.register_hook(named((gi: Grad[]) => make_tuple(r, gi) as Grad[], c.hook_name));
    else y.grad_fn!.register_prehook(named((go: Grad[]) => make_tuple(r, go) as Grad[], c.hook_name));
  }
  return [() => y.mul(w).sum(), [x]];
}

describe('hook_returns.json: what PyTorch does with a value a backward hook returns', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: ${JSON.stringify(c.returns)}`, () => {
      const [loss, watched] = build(c);
      const warned = process.emitWarning;
      process.emitWarning = () => undefined; // the legacy hook's multiple-nodes warning
      let error: ReturnType<typeof capture_error>;
      try {
        error = capture_error(() => loss().backward());
      } finally {
        process.emitWarning = warned;
      }
      expect(error).toEqual(c.error);
      watched.forEach((t, i) => {
        const expected = c.grads_after[i] ?? null;
        if (expected === null) expect(t.grad, `grad ${i}`).toBeNull();
        else expect_tensor(t.grad, expected, `grad ${i}`, { rtol: 1e-6, atol: 1e-6 });
      });
    });
  }
});

const DTYPES: DType[] = ['float32', 'float64', 'int64', 'bool'];
const shape_arb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 });
const same_shape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

describe('properties: any changed size or type is refused and leaves .grad untouched', () => {
  it('a tensor hook (leaf or not, any float dtype) that returns another shape or dtype', () => {
    fc.assert(
      fc.property(shape_arb, shape_arb, fc.constantFrom<DType>('float32', 'float64'), fc.constantFrom(...DTYPES), fc.boolean(), (shape, other, dtype, out_dtype, on_leaf) => {
        const x = torch.randn(shape, { dtype }).requires_grad_();
        const y = x.mul(2);
        (on_leaf ? x : y).register_hook(() => torch.ones(other, { dtype: out_dtype }));
        const err = capture_error(() => y.sum().backward());
        if (out_dtype !== dtype) expect(err?.message).toMatch(/^hook '<lambda>' has changed the type of value \(was \S+ got \S+\)$/);
        else if (!same_shape(shape, other)) expect(err?.message).toBe("hook '<lambda>' has changed the size of value");
        else {
          expect(err).toBeNull();
          expect(x.grad!.tolist()).toEqual(torch.ones(shape, { dtype }).mul(on_leaf ? 1 : 2).tolist());
          return;
        }
        expect(x.grad).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it('a node hook that returns n gradients where the node has m', () => {
    fc.assert(
      fc.property(shape_arb, fc.nat(4), fc.boolean(), (shape, n, pre) => {
        const x = torch.randn(shape).requires_grad_();
        const y = x.mul(torch.randn(shape)); // MulBackward0: 2 grad_inputs (the second None), 1 grad_output
        const m = pre ? 1 : 2;
        const hook = (gs: Grad[]): Grad[] => Array.from({ length: n }, (_, i) => gs[i % gs.length] ?? null);
        if (pre) y.grad_fn!.register_prehook(hook);
        else y.grad_fn!.register_hook(hook);
        const err = capture_error(() => y.sum().backward());
        if (n !== m) expect(err?.message).toBe(`hook 'hook' has returned an incorrect number of values (got ${n}, but expected ${m})`);
        else expect(err).toBeNull();
        if (n !== m) expect(x.grad).toBeNull();
      }),
      { numRuns: 40 },
    );
  });

  it('a full backward hook returning grad_input of another shape never reaches .grad, and SGD then changes nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), shape_arb, (batch, features, other) => {
        const lin = new nn.Linear(features, 2);
        const neighbour = new nn.Linear(features, 2);
        const before = [lin, neighbour].map((m) => m.weight.tolist());
        const x = torch.randn([batch, features], { requires_grad: true });
        lin.register_full_backward_hook(() => [torch.ones(other)]);
        const err = capture_error(() => lin.call(x).sum().backward());
        if (same_shape(other, [batch, features])) return;
        expect(err?.message).toBe("hook 'hook' has changed the size of value");
        expect(x.grad).toBeNull();
        new nn.optim.SGD([...lin.parameters(), ...neighbour.parameters(), x], { lr: 0.1 }).step();
        expect(neighbour.weight.tolist()).toEqual(before[1]);
      }),
      { numRuns: 30 },
    );
  });
});

describe('module hook returns', () => {
  it('a full backward pre-hook returning grad_output of another size or count is refused', () => {
    const lin = new nn.Linear(3, 2);
    const x = torch.randn([4, 3], { requires_grad: true });
    const h = lin.register_full_backward_pre_hook(() => [torch.ones([9])]);
    expect(() => lin.call(x).sum().backward()).toThrow("hook 'hook' has changed the size of value");
    h.remove();
    lin.register_full_backward_pre_hook((_m, go) => [go[0]!, go[0]!]);
    expect(() => lin.call(x).sum().backward()).toThrow('Backward pre hook returned an invalid number of grad_output, got 2, but expected 1');
    expect(x.grad).toBeNull();
  });

  it('a forward pre-hook with kwargs must return (args, kwargs) with kwargs a mapping', () => {
    const lin = new nn.Linear(3, 2);
    const x = torch.randn([4, 3]);
    const h = lin.register_forward_pre_hook(() => [[x], 3] as never, { with_kwargs: true });
    expect(() => lin.call(x)).toThrow(new TypeError('Linear.forward() argument after ** must be a mapping, not int'));
    h.remove();
    lin.register_forward_pre_hook(() => [x] as never, { with_kwargs: true });
    expect(() => lin.call(x)).toThrow('forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got');
  });

  it('a forward pre-hook returning one value wraps it; a forward hook replaces the output', () => {
    const lin = new nn.Linear(3, 2);
    const x = torch.randn([4, 3]);
    lin.register_forward_pre_hook((_m, args) => (args[0] as Tensor).mul(0));
    lin.register_forward_hook((_m, _a, out) => (out as Tensor).shape);
    expect(lin.call(x)).toEqual([4, 2]);
  });
});

describe('a throwing hook leaves state sane', () => {
  it('the graph, the module and later passes are unaffected by a hook that threw', () => {
    const lin = new nn.Linear(3, 2);
    const x = torch.randn([4, 3], { requires_grad: true });
    const fires: string[] = [];
    const h = lin.register_full_backward_hook(() => {
      fires.push('full');
      throw new Error('user hook failed');
    });
    const y = lin.call(x);
    expect(() => y.sum().backward()).toThrow('user hook failed');
    h.remove();
    lin.zero_grad();
    x.grad = null;
    const out = lin.call(x).sum();
    out.backward();
    const expected = torch.ones([4, 2]).matmul(lin.weight);
    expect(x.grad!.tolist()).toEqual(expected.tolist());
    const f = lin.register_forward_hook(() => {
      throw new Error('forward hook failed');
    });
    expect(() => lin.call(x)).toThrow('forward hook failed');
    f.remove();
    expect(lin.call(x).shape).toEqual([4, 2]);
    expect(nn.utils.list_hooks(lin)).toEqual([]);
    expect(fires).toEqual(['full']);
  });
});
