// AccumulateGrad's gradient stealing (PyTorch's accumulateGrad): a leaf's first `.grad` is the very gradient the
// engine computed when nothing else can see it, a copy whenever user code could still read or write the original.
import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor, type Grad } from '@tsgrad/core';
import { accumulate_probe } from '../src/autograd/engine.js';

type Ctx = InstanceType<typeof torch.autograd.FunctionCtx>;
const gen = new torch.Generator().manual_seed(7);
const leaf = (...shape: number[]): Tensor => torch.randn(shape, { generator: gen }).requires_grad_(true);

/** Runs `fn`, returning each leaf's incoming gradient as AccumulateGrad received it. */
function arrivals(fn: () => void): Map<Tensor, Tensor[]> {
  const seen = new Map<Tensor, Tensor[]>();
  accumulate_probe.fn = (g, v) => seen.set(v, [...(seen.get(v) ?? []), g]);
  try {
    fn();
  } finally {
    accumulate_probe.fn = null;
  }
  return seen;
}
const shares = (a: Tensor, b: Tensor): boolean => a._storage.data === b._storage.data;
const list = (t: Tensor): number[] => Array.from(t._contiguous_data());

afterEach(() => {
  accumulate_probe.fn = null;
});

describe('gradient stealing', () => {
  it("takes a built-in formula's fresh gradient as .grad without copying it", () => {
    const w = leaf(3, 4);
    const x = torch.randn([2, 3], { generator: gen });
    const seen = arrivals(() => x.matmul(w).mul(2).sum().backward());
    const [g] = seen.get(w)!;
    expect(w.grad).toBe(g);
    // the values are the gradient's: 2 * x^T 1
    const expected = x.t().matmul(torch.ones([2, 4])).mul(2);
    expect(list(w.grad!)).toEqual(list(expected));
    // and the stolen gradient is a plain leaf tensor (a later backward adds into it in place)
    expect(w.grad!.requires_grad).toBe(false);
    expect(w.grad!.grad_fn).toBe(null);
    x.matmul(w).mul(2).sum().backward();
    expect(list(w.grad!)).toEqual(list(expected.mul(2)));
  });

  it('gives two leaves one passed-through gradient only once: the other gets a copy (AddBackward)', () => {
    const a = leaf(5);
    const b = leaf(5);
    const seen = arrivals(() => a.add(b).mul(3).sum().backward());
    const ga = seen.get(a)![0]!;
    expect(seen.get(b)![0]).toBe(ga); // the same tensor arrived at both
    expect(a.grad === ga || b.grad === ga).toBe(true);
    expect(shares(a.grad!, b.grad!)).toBe(false);
    a.grad!.add_(1);
    expect(list(b.grad!)).toEqual([3, 3, 3, 3, 3]);
  });

  it("never aliases the gradient the user passed to backward(), even through a pass-through node", () => {
    const x = leaf(4);
    const g = torch.tensor([1, 2, 3, 4]);
    x.backward(g);
    expect(shares(x.grad!, g)).toBe(false);
    const y = leaf(4);
    const z = leaf(4);
    y.add(z).backward(g);
    expect(shares(y.grad!, g) || shares(z.grad!, g)).toBe(false);
    g.zero_();
    expect(list(x.grad!)).toEqual([1, 2, 3, 4]);
    expect(list(y.grad!)).toEqual([1, 2, 3, 4]);
  });

  it('copies a gradient a tensor hook kept or returned', () => {
    const x = leaf(3);
    let kept: Tensor | null = null;
    x.register_hook((g) => {
      kept = g;
    });
    x.mul(2).sum().backward();
    expect(shares(x.grad!, kept!)).toBe(false);

    const y = leaf(3);
    let made: Tensor | null = null;
    y.register_hook((g) => (made = g!.mul(10)));
    y.mul(2).sum().backward();
    expect(list(y.grad!)).toEqual([20, 20, 20]);
    expect(shares(y.grad!, made!)).toBe(false);

    // a hook on an intermediate tensor sees the gradient that then passes through AddBackward to the leaves
    const a = leaf(3);
    const b = leaf(3);
    const s = a.add(b);
    let inner: Tensor | null = null;
    s.register_hook((g) => {
      inner = g;
    });
    s.mul(2).sum().backward();
    expect(shares(a.grad!, inner!) || shares(b.grad!, inner!)).toBe(false);
  });

  it('copies what node pre- and post-hooks saw', () => {
    const a = leaf(3);
    const y = a.mul(2);
    let pre: Grad[] = [];
    const acc = y.grad_fn!.next_functions[0]![0]!;
    acc.register_prehook((gs) => void (pre = gs));
    y.sum().backward();
    expect(shares(a.grad!, pre[0]!)).toBe(false);

    const b = leaf(3);
    const c = leaf(3);
    const z = b.add(c);
    let post: Grad[] = [];
    z.grad_fn!.register_hook((grad_inputs) => void (post = grad_inputs));
    z.mul(2).sum().backward();
    expect(post.some((g) => g !== null && (shares(b.grad!, g) || shares(c.grad!, g)))).toBe(false);
  });

  it('copies a gradient that arrives as an expanded view, or as a view of memory the user holds', () => {
    const x = leaf(2, 3);
    const seen = arrivals(() => x.sum().backward());
    const g = seen.get(x)![0]!;
    expect(g._strides).toEqual([0, 0]); // SumBackward0's ones, expanded
    expect(x.grad!.is_contiguous()).toBe(true);
    expect(x.grad!._storage.data.length).toBe(6);
    x.grad!.add_(1);
    expect(list(x.grad!)).toEqual([2, 2, 2, 2, 2, 2]);

    // ViewBackward0 hands the leaf a view of the gradient the user passed
    const v = leaf(6);
    const root = torch.ones([2, 3]);
    const seen_v = arrivals(() => v.view(2, 3).backward(root));
    expect(shares(seen_v.get(v)![0]!, root)).toBe(true);
    expect(shares(v.grad!, root)).toBe(false);

    // a view of memory only the engine held is taken (as PyTorch's, whose view has no other reference)
    const u = leaf(6);
    const seen_u = arrivals(() => u.view(2, 3).mul(3).sum().backward());
    const gu = seen_u.get(u)![0]!;
    expect(gu._base).not.toBe(null);
    expect(shares(u.grad!, gu)).toBe(true);
    expect(u.grad!._is_view()).toBe(false);
    expect(list(u.grad!)).toEqual([3, 3, 3, 3, 3, 3]);
  });

  it("gives a linear layer's weight its gradient laid out as the weight, and steals it (mm's layout rule)", () => {
    const w = leaf(4, 3);
    const b = leaf(4);
    const x = torch.randn([5, 3], { generator: gen });
    const seen = arrivals(() => torch.addmm(b, x, w.t()).mul(2).sum().backward());
    const g = seen.get(w)![0]!;
    expect(g._strides).toEqual([3, 1]);
    expect(shares(w.grad!, g)).toBe(true);
    expect(w.grad!._is_view()).toBe(false); // stored as a plain alias of the view it arrived as
    expect(list(w.grad!)).toEqual(list(torch.ones([5, 4]).mul(2).t().matmul(x)));
    expect(shares(b.grad!, seen.get(b)![0]!)).toBe(true);
    // a column-major first operand gets a column-major gradient; a leaf laid out so keeps that layout
    const a = torch.randn([3, 5], { generator: gen }).t().detach().requires_grad_(true);
    const seen_a = arrivals(() => a.mm(w.t()).sum().backward());
    expect(seen_a.get(a)![0]!._strides).toEqual([1, 5]);
    expect(a.grad!._strides).toEqual([1, 5]);
    expect(shares(a.grad!, seen_a.get(a)![0]!)).toBe(true);
  });

  it("copies a gradient not laid out as its leaf into the leaf's layout (PyTorch's layout contract)", () => {
    const w = leaf(4, 3);
    // TBackward0 hands the leaf a transposed view of MulBackward0's contiguous result
    const seen = arrivals(() => w.t().mul(2).sum().backward());
    expect(seen.get(w)![0]!._strides).toEqual([1, 4]);
    expect(w.grad!._strides).toEqual([3, 1]);
    expect(shares(w.grad!, seen.get(w)![0]!)).toBe(false);
    // a transposed leaf gets a transposed .grad, copied or stolen
    const a = torch.randn([3, 4], { generator: gen }).t().detach().requires_grad_(true);
    a.mul(2).sum().backward();
    expect(a.grad!._strides).toEqual([1, 4]);
    expect(list(a.grad!)).toEqual(Array(12).fill(2));
    const c = torch.randn([3, 4], { generator: gen }).t().detach().requires_grad_(true);
    c.sum().backward(undefined, { create_graph: true });
    expect(c.grad!._strides).toEqual([1, 4]);
    c.grad = null;
  });

  it('never steals with create_graph: .grad is differentiable and separate', () => {
    const x = leaf(3);
    const seen = arrivals(() => x.pow(2).sum().backward(undefined, { create_graph: true }));
    expect(x.grad).not.toBe(seen.get(x)![0]);
    expect(x.grad!.grad_fn).not.toBe(null);
    x.grad = null;
  });

  it('steals nothing out of a custom Function, whose backward may keep what it returns', () => {
    let kept: Tensor | null = null;
    class Keep extends torch.autograd.Function {
      static override forward(_ctx: Ctx, a: Tensor): Tensor {
        return a.mul(1);
      }
      static override backward(_ctx: Ctx, g: Tensor): Tensor {
        return (kept = g.mul(2));
      }
    }
    const x = leaf(3);
    (Keep.apply(x) as Tensor).mul(3).sum().backward();
    expect(list(x.grad!)).toEqual([6, 6, 6]);
    expect(shares(x.grad!, kept!)).toBe(false);
  });

  it('never hands autograd.grad results or retained gradients to a .grad', () => {
    const x = leaf(3);
    const y = x.mul(2);
    const [gx] = torch.autograd.grad(y.sum(), [x]);
    expect(x.grad).toBe(null);
    const z = leaf(3);
    const m = z.mul(2);
    m.retain_grad();
    m.mul(1).sum().backward();
    expect(shares(z.grad!, m.grad!)).toBe(false);
    expect(list(gx!)).toEqual([2, 2, 2]);
  });

  it('steals the gradient a dtype conversion made (ToCopyBackward0)', () => {
    const x = leaf(3).double().detach().requires_grad_(true);
    const y = x.float().mul(2);
    const seen = arrivals(() => y.sum().backward());
    expect(seen.get(x)![0]!._dtype).toBe('float64');
    expect(x.grad).toBe(seen.get(x)![0]);
    expect(list(x.grad!)).toEqual([2, 2, 2]);
  });
});
