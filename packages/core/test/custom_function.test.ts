// Custom autograd.Function as PyTorch 2.x has it: saved tensors with nulls, mark_dirty, non-differentiable
// and non-tensor outputs, materialize_grads, setup_context, once_differentiable, views returned from forward,
// a detachable apply, and every misuse error in PyTorch's words.
import { describe, expect, it, vi } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Grad, Tensor } from '@tsgrad/core';

type Ctx = torch.autograd.FunctionCtx;
const leaf = (...v: number[]): Tensor => torch.tensor(v, { requires_grad: true });

describe('ctx', () => {
  it('save_for_backward keeps nulls in place and refuses non-tensors', () => {
    let seen: (string | null)[] = [];
    class Save extends torch.autograd.Function {
      static override forward(ctx: Ctx, a: Tensor, b: Tensor | null): Tensor {
        ctx.save_for_backward(a, null, b);
        return a.mul(2);
      }
      static override backward(ctx: Ctx, g: Tensor): Grad[] {
        seen = ctx.saved_tensors.map((t) => (t === null ? null : 'Tensor'));
        return [g.mul(2), null];
      }
    }
    const x = leaf(1, 2);
    Save.apply(x, null).sum().backward();
    expect(seen).toEqual(['Tensor', null, null]);
    class Bad extends torch.autograd.Function {
      static override forward(ctx: Ctx, a: Tensor): Tensor {
        ctx.save_for_backward(5 as unknown as Tensor);
        return a;
      }
    }
    expect(() => Bad.apply(x)).toThrow('save_for_backward can only save variables, but argument 0 is of type int');
  });

  it('mark_dirty: the input itself comes back with the new node; leaves and unreturned inputs are refused', () => {
    class Double extends torch.autograd.Function {
      static override forward(ctx: Ctx, a: Tensor): Tensor {
        a.mul_(2);
        ctx.mark_dirty(a);
        return a;
      }
      static override backward(_ctx: Ctx, g: Tensor): Tensor {
        return g.mul(2);
      }
    }
    const x = leaf(1, 2);
    const y = x.clone();
    const z = Double.apply(y);
    expect(z).toBe(y);
    expect([y.grad_fn!.name(), y._version]).toEqual(['DoubleBackward', 2]);
    z.sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
    expect(() => Double.apply(leaf(1))).toThrow('a leaf Variable that requires grad has been used in an in-place operation.');
    class Forgot extends torch.autograd.Function {
      static override forward(ctx: Ctx, a: Tensor): Tensor {
        ctx.mark_dirty(a);
        return a.mul(2);
      }
    }
    expect(() => Forgot.apply(x.clone())).toThrow(/^Some elements marked as dirty during the forward method were not returned as output/);
  });

  it('mark_dirty on a view rebases its base through CopySlices', () => {
    class AddOne extends torch.autograd.Function {
      static override forward(ctx: Ctx, a: Tensor): Tensor {
        a.add_(1);
        ctx.mark_dirty(a);
        return a;
      }
      static override backward(_ctx: Ctx, g: Tensor): Tensor {
        return g.mul(3);
      }
    }
    const x = leaf(1, 2, 3);
    const b = x.clone();
    AddOne.apply(b.index({ start: 1 }));
    expect(b.grad_fn!.name()).toBe('torch::autograd::CopySlices');
    expect(b.tolist()).toEqual([1, 3, 4]);
    b.sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 3, 3]);
  });

  it('non-differentiable and non-tensor outputs: backward gets zeros (or null when not materialized) and null', () => {
    const got: string[] = [];
    class Three extends torch.autograd.Function {
      static override forward(ctx: Ctx, a: Tensor, materialize: boolean): [Tensor, Tensor, number] {
        ctx.set_materialize_grads(materialize);
        const idx = torch.tensor([1], { dtype: 'int64' });
        ctx.mark_non_differentiable(idx);
        return [a.mul(2), idx, 5];
      }
      static override backward(_ctx: Ctx, g: Grad, gi: Grad, gk: Grad): Grad[] {
        got.push([g, gi, gk].map((t) => (t === null ? 'null' : JSON.stringify(t.tolist()))).join(' '));
        return [g, null];
      }
    }
    const x = leaf(1, 2);
    const [y, idx, k] = Three.apply(x, true);
    expect([idx.requires_grad, k, y.output_nr]).toEqual([false, 5, 0]);
    y.sum().backward();
    const [y2] = Three.apply(x, false);
    y2.sum().backward();
    const [y3, idx3] = Three.apply(x, false);
    expect(idx3.grad_fn).toBeNull();
    torch.autograd.backward([y3.mul(0).sum()]);
    expect(got).toEqual(['[1,1] [0] null', '[1,1] null null', '[0,0] null null']);
  });

  it('needs_input_grad per argument, false for non-tensors and under no_grad', () => {
    const seen: boolean[][] = [];
    class Probe extends torch.autograd.Function {
      static override forward(ctx: Ctx, a: Tensor, b: Tensor, _flag: boolean): Tensor {
        seen.push([...ctx.needs_input_grad]);
        return a.add(b);
      }
      static override backward(_ctx: Ctx, g: Tensor): Grad[] {
        return [g, g, null];
      }
    }
    Probe.apply(leaf(1), torch.tensor([2]), true);
    torch.no_grad(() => Probe.apply(leaf(1), leaf(2), true));
    expect(seen).toEqual([[true, false, false], [false, false, false]]);
  });
});

describe('Function styles', () => {
  it('setup_context style: forward without ctx, setup_context(ctx, inputs, output)', () => {
    class Cube extends torch.autograd.Function {
      static override forward(x: Tensor): Tensor {
        return x.pow(3);
      }
      static override setup_context(ctx: Ctx, inputs: unknown[], _output: unknown): void {
        ctx.save_for_backward(inputs[0] as Tensor);
      }
      static override backward(ctx: Ctx, g: Tensor): Tensor {
        const [x] = ctx.saved_tensors;
        return g.mul(x!.pow(2)).mul(3);
      }
    }
    const x = leaf(1, 2);
    const y = Cube.apply(x);
    expect(y.grad_fn!.name()).toBe('CubeBackward');
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 12]);
  });

  it('apply works detached from its class; FunctionCtx lives in torch.autograd.function', () => {
    class Twice extends torch.autograd.Function {
      static override forward(_ctx: Ctx, x: Tensor): Tensor {
        return x.mul(2);
      }
      static override backward(_ctx: Ctx, g: Tensor): Tensor {
        return g.mul(2);
      }
    }
    const apply = Twice.apply.bind(Twice);
    const detached = Twice.apply;
    expect((detached as unknown as (x: Tensor) => Tensor)(leaf(1)).grad_fn!.name()).toBe('TwiceBackward');
    expect(apply(leaf(1)).grad_fn!.name()).toBe('TwiceBackward');
    expect(torch.autograd.function.FunctionCtx).toBe(torch.autograd.FunctionCtx);
  });

  it('once_differentiable: backward runs without grad; differentiating its result again raises', () => {
    const modes: boolean[] = [];
    class Once extends torch.autograd.Function {
      static override forward(_ctx: Ctx, x: Tensor): Tensor {
        return x.mul(x);
      }
      static override backward = torch.autograd.once_differentiable((_ctx: Ctx, g: Tensor): Tensor => {
        modes.push(torch.is_grad_enabled());
        return g.mul(2);
      });
    }
    const x = leaf(1, 2);
    const [g1] = torch.autograd.grad(Once.apply(x).sum(), [x]);
    expect(g1!.requires_grad).toBe(false);
    const y = Once.apply(x);
    const [g] = torch.autograd.grad(y, [x], { grad_outputs: torch.ones([2]).requires_grad_(), create_graph: true });
    expect(modes).toEqual([false, false]);
    expect(g!.grad_fn!.name()).toBe('torch::autograd::Error');
    expect(() => g!.sum().backward()).toThrow('trying to differentiate twice a function that was marked with @once_differentiable');
  });

  it('an input returned as-is is a view with the Function node; changing it in place is refused', () => {
    class Id extends torch.autograd.Function {
      static override forward(_ctx: Ctx, x: Tensor): Tensor {
        return x;
      }
      static override backward(_ctx: Ctx, g: Tensor): Tensor {
        return g.mul(5);
      }
    }
    const x = leaf(1, 2);
    const b = x.clone();
    const y = Id.apply(b);
    expect([y === b, y._is_view(), y._base === b, y.grad_fn!.name()]).toEqual([false, true, true, 'IdBackward']);
    expect(() => y.mul_(2)).toThrow(
      'Output 0 of IdBackward is a view and is being modified inplace. This view was created inside a custom Function (or because an input was returned as-is) and the autograd logic to handle view+inplace would override the custom backward associated with the custom Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the output of the custom Function.',
    );
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([5, 5]);
  });
});

describe('misuse errors, in PyTorch words, leaving gradients unchanged', () => {
  const x = leaf(1, 2, 3);
  function fn(grads: (g: Tensor) => unknown): (a: Tensor, b: unknown) => Tensor {
    class MyFn extends torch.autograd.Function {
      static override forward(_ctx: Ctx, a: Tensor, _b: unknown): Tensor {
        return a.mul(2);
      }
      static override backward(_ctx: Ctx, g: Tensor): unknown {
        return grads(g);
      }
    }
    return (a, b) => MyFn.apply(a, b);
  }
  const cases: [string, (g: Tensor) => unknown, unknown, string | null][] = [
    ['trailing nulls', (g) => [g, null, null], 2, null],
    ['too many', (g) => [g, null, g], 2, 'function MyFnBackward returned an incorrect number of gradients (expected 2, got 3)'],
    ['too few', (g) => [g], 2, 'function MyFnBackward returned an incorrect number of gradients (expected 2, got 1)'],
    ['wrong shape', (g) => [g, torch.ones([2])], leaf(1, 1, 1), 'Function MyFnBackward returned an invalid gradient at index 1 - got [2] but expected shape compatible with [3]'],
    ['non-tensor input', (g) => [g, g], 3, 'function MyFnBackward returned a gradient different than None at position 2, but the corresponding forward input was not a Variable'],
    ['not a tensor', () => ['x', null], 3, 'expected Variable or None (got str)'],
  ];
  for (const [name, grads, second, message] of cases) {
    it(name, () => {
      x.grad = null;
      const run = (): void => fn(grads)(x, second).sum().backward();
      if (message === null) {
        run();
        expect(x.grad!.tolist()).toEqual([1, 1, 1]);
      } else {
        expect(run).toThrow(message);
        expect(x.grad).toBeNull();
      }
    });
  }

  it('forward or backward not implemented', () => {
    class NoBackward extends torch.autograd.Function {
      static override forward(_ctx: Ctx, a: Tensor): Tensor {
        return a.mul(2);
      }
    }
    expect(() => NoBackward.apply(x).sum().backward()).toThrow('You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.');
    expect(() => torch.autograd.Function.apply(x)).toThrow('You must implement the forward function for custom autograd.Function.');
  });
});

describe('views returned by a Function that records nothing', () => {
  it('are still refused in-place changes that would be recorded, naming the custom Function', () => {
    class ViewAs extends torch.autograd.Function {
      static override forward(_ctx: Ctx, x: Tensor): Tensor {
        return x.view_as(x);
      }
      static override backward(_ctx: Ctx, g: Tensor): Tensor {
        return g;
      }
    }
    const a = torch.rand([1, 2]);
    const b = torch.rand([1], { requires_grad: true });
    const view = ViewAs.apply(a);
    expect(() => view.add_(b)).toThrow(/This view was created inside a custom Function/);
    expect(() => view.copy_(b)).toThrow(/^A view was created in no_grad mode and is being modified inplace with grad mode enabled. This view was created inside a custom Function/);
    expect(() => a.unbind()[0]!.copy_(b)).toThrow(/This view is the output of a function that returns multiple views./);
    a.select(1, 0).copy_(b);
    expect(a.grad_fn!.name()).toBe('torch::autograd::CopySlices');
  });
});

describe('how outputs are wired (PyTorch _process_backward_mode_ad)', () => {
  class AddInPlace extends torch.autograd.Function {
    static override forward(ctx: Ctx, a: Tensor, b: Tensor): Tensor {
      a.add_(b);
      ctx.mark_dirty(a);
      return a;
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor[] {
      return [g, g.mul(3)];
    }
  }

  it('a dirty input that is a view is rebased through its base: one backward call, right gradients', () => {
    const a = leaf(1, 2, 3, 4);
    const b = leaf(1, 1);
    const base = a.clone();
    const out = AddInPlace.apply(base.narrow(0, 1, 2), b);
    expect(base.grad_fn!.name()).toBe('torch::autograd::CopySlices');
    expect(out.grad_fn!.name()).toBe('AsStridedBackward0');
    base.sum().backward();
    expect([a.grad!.tolist(), b.grad!.tolist()]).toEqual([[1, 1, 1, 1], [3, 3]]);
  });

  it('mark_dirty refuses a view it was not given, a view input with several outputs, and multi-output or leaf views', () => {
    const a = leaf(1, 2);
    class DirtyIntermediate extends torch.autograd.Function {
      static override forward(ctx: Ctx, x: Tensor): Tensor {
        const out = x.mul(2).view_as(x);
        ctx.mark_dirty(out);
        return out;
      }
    }
    expect(() => DirtyIntermediate.apply(a.clone())).toThrow(
      'ctx.mark_dirty() received a tensor that was not an input. Only input Tensors that have been mutated should be passed to ctx.mark_dirty().',
    );
    class TwoOutputs extends torch.autograd.Function {
      static override forward(ctx: Ctx, x: Tensor): Tensor[] {
        x.mul_(2);
        ctx.mark_dirty(x);
        return [x, x.add(1)];
      }
    }
    const base = a.clone();
    expect(() => TwoOutputs.apply(base.view_as(base))).toThrow(/^If your Function modifies inplace an input that is a view of another Tensor, your Function cannot return more than one Tensor/);
    const [first] = a.clone().split(1);
    expect(() => AddInPlace.apply(first!, leaf(1))).toThrow(/This view is the output of a function that returns multiple views/);
    expect(() => AddInPlace.apply(a.view_as(a), leaf(1, 1))).toThrow('a view of a leaf Variable that requires grad is being used in an in-place operation.');
  });

  it('a dirty non-input that is not a view only warns, as PyTorch', () => {
    const warned: string[] = [];
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation((w) => void warned.push(String(w)));
    class DirtyFresh extends torch.autograd.Function {
      static override forward(ctx: Ctx, x: Tensor): Tensor {
        const out = x.mul(3);
        ctx.mark_dirty(out);
        return out;
      }
      static override backward(_ctx: Ctx, g: Tensor): Tensor {
        return g.mul(3);
      }
    }
    const x = leaf(1, 2);
    DirtyFresh.apply(x.clone()).sum().backward();
    spy.mockRestore();
    expect(warned).toEqual(['ctx.mark_dirty() received a tensor that was not an input. Only input Tensors that have been mutated should be passed to ctx.mark_dirty().']);
    expect(x.grad!.tolist()).toEqual([3, 3]);
  });

  it('views among several differentiable outputs may not be changed in place', () => {
    class Halves extends torch.autograd.Function {
      static override forward(_ctx: Ctx, x: Tensor): Tensor[] {
        return [x.narrow(0, 0, 1), x.narrow(0, 1, 1)];
      }
      static override backward(_ctx: Ctx, g1: Tensor, g2: Tensor): Tensor {
        return torch.cat([g1, g2]);
      }
    }
    const [h] = Halves.apply(leaf(1, 2).clone()) as Tensor[];
    expect(() => h!.mul_(2)).toThrow(/This view is the output of a function that returns multiple views/);
  });

  it('_materialize_non_diff_grads = false hands backward null for non-differentiable outputs, zeros stay for the others', () => {
    const seen: (number[] | null)[] = [];
    class Split extends torch.autograd.Function {
      static override forward(ctx: Ctx, x: Tensor): Tensor[] {
        const kept = x.mul(2);
        const flag = x.mul(3);
        ctx.mark_non_differentiable(flag);
        ctx._materialize_non_diff_grads = false;
        return [kept, flag, x.mul(4)];
      }
      static override backward(_ctx: Ctx, ...gs: Grad[]): Tensor {
        for (const g of gs) seen.push(g === null ? null : (g.tolist() as number[]));
        return gs[0]!.mul(2);
      }
    }
    const x = leaf(1, 1);
    (Split.apply(x) as Tensor[])[0]!.sum().backward();
    expect(seen).toEqual([[1, 1], null, [0, 0]]);
  });

  it('backward runs with zeros even when no gradient reached its outputs; an op node only runs its hooks', () => {
    const seen: unknown[] = [];
    class Pair extends torch.autograd.Function {
      static override forward(_ctx: Ctx, x: Tensor): Tensor[] {
        return [x.mul(1), x.mul(1)];
      }
      static override backward(_ctx: Ctx, g1: Tensor, g2: Tensor): Tensor {
        seen.push([g1.tolist(), g2.tolist()]);
        return g1.add(g2);
      }
    }
    class Stop extends torch.autograd.Function {
      static override forward(_ctx: Ctx, x: Tensor): Tensor {
        return x.mul(1);
      }
      static override backward(): null {
        return null;
      }
    }
    const x = leaf(1, 2);
    Stop.apply((Pair.apply(x) as Tensor[])[1]!).sum().backward();
    expect([seen, x.grad!.tolist()]).toEqual([[[[0, 0], [0, 0]]], [0, 0]]);
    const y = x.mul(2);
    y.grad_fn!.register_prehook((gs) => void seen.push(gs));
    Stop.apply(y).sum().backward();
    expect([seen[1], x.grad!.tolist()]).toEqual([[null], [0, 0]]);
  });
});

describe('backward and vjp', () => {
  it('vjp is an alias of backward; defining both is refused when backward runs', () => {
    class ByVjp extends torch.autograd.Function {
      static override forward(_ctx: Ctx, x: Tensor): Tensor {
        return x.mul(2);
      }
      static override vjp(_ctx: Ctx, g: Tensor): Tensor {
        return g.mul(2);
      }
    }
    const x = leaf(1, 2);
    ByVjp.apply(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
    class Both extends ByVjp {
      static override backward(_ctx: Ctx, g: Tensor): Tensor {
        return g;
      }
    }
    const y = Both.apply(x);
    expect(() => y.sum().backward()).toThrow("Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You should only implement one of them.");
  });

  it('grad_fn.saved_tensors is a property, as in Python: the tensors (nulls kept), empty when none, E2 once freed', () => {
    class Save extends torch.autograd.Function {
      static override forward(ctx: Ctx, x: Tensor, keep: boolean): Tensor {
        if (keep) ctx.save_for_backward(x, null);
        return x.mul(1);
      }
      static override backward(_ctx: Ctx, g: Tensor): Grad[] {
        return [g, null];
      }
    }
    const x = leaf(1);
    const y = Save.apply(x, true);
    expect(y.grad_fn!.saved_tensors).toEqual([x, null]);
    y.sum().backward();
    expect(() => y.grad_fn!.saved_tensors).toThrow(/^Trying to backward through the graph a second time/);
    expect(Save.apply(x, false).grad_fn!.saved_tensors).toEqual([]);
  });

  it('once_differentiable hangs its results off an Error node over detached leaves, as PyTorch graph_desc shows', () => {
    class Once extends torch.autograd.Function {
      static override forward(_ctx: Ctx, a: Tensor, s: number, b: Tensor): Tensor {
        return a.mul(b).mul(s);
      }
      static override backward = torch.autograd.once_differentiable((_ctx: Ctx, g: Tensor): Grad[] => [g.mul(2), null, g.mul(3)]);
    }
    const a = leaf(1, 2);
    const b = leaf(3, 4);
    Once.apply(a, 2, b).sum().backward(torch.ones([]).requires_grad_(), { create_graph: true });
    const fn = a.grad!.grad_fn!;
    const err = fn.next_functions[1]![0]!;
    expect([fn.name(), fn.next_functions[0]![0], err.name()]).toEqual(['torch::autograd::CopyBackwards', null, 'torch::autograd::Error']);
    expect(err.next_functions.map(([n]) => (n === null ? null : n.name()))).toEqual(['torch::autograd::AccumulateGrad', null, 'torch::autograd::AccumulateGrad']);
  });
});

describe('a Function is used through its class', () => {
  it('instantiating one warns, as PyTorch, and its apply still works', () => {
    const warned: string[] = [];
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation((w, type) => void warned.push(`${String(type)}: ${String(w)}`));
    class Id extends torch.autograd.Function {
      static override forward(_ctx: Ctx, x: Tensor): Tensor {
        return x;
      }
      static override backward(_ctx: Ctx, g: Tensor): Tensor {
        return g;
      }
    }
    const f = new Id();
    spy.mockRestore();
    expect(f).toBeInstanceOf(Id);
    expect(warned).toEqual([
      "DeprecationWarning: <class 'Id'> should not be instantiated. Methods on autograd functions are all static, so you should invoke them on the class itself. Instantiating an autograd function will raise an error in a future version of PyTorch.",
    ]);
    expect(Id.apply(leaf(1)).grad_fn!.name()).toBe('IdBackward');
  });
});
