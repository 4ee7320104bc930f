// Saved-tensor hooks as PyTorch 2.x has them: torch.autograd.graph.saved_tensors_hooks packs every saved tensor
// and unpacks it on each read, the innermost pair wins, unpacked tensors keep the original's place in the graph
// (double backward), per-tensor register_hooks, save_on_cpu, disable_saved_tensors_hooks, and their errors.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { error_message } from './helpers.js';

const { saved_tensors_hooks, save_on_cpu, disable_saved_tensors_hooks } = torch.autograd.graph;
type Ctx = torch.autograd.FunctionCtx;
const errors = error_message;
const same = (t: Tensor): Tensor => t;

describe('saved_tensors_hooks', () => {
  it('packs each saved tensor once and unpacks it on every read', () => {
    const counts = { pack: 0, unpack: 0 };
    const a = torch.tensor([0.5, 1, 2], { requires_grad: true });
    let y: Tensor;
    {
      using _h = saved_tensors_hooks(
        (t) => (counts.pack++, t),
        (p) => (counts.unpack++, p as Tensor),
      );
      y = a.exp();
    }
    const z = a.exp(); // saved after the block: no hooks
    expect(counts).toEqual({ pack: 1, unpack: 0 });
    void y.grad_fn!._saved_result;
    void y.grad_fn!._saved_result;
    expect(counts).toEqual({ pack: 1, unpack: 2 });
    y.sum().backward();
    z.sum().backward();
    expect(counts).toEqual({ pack: 1, unpack: 3 });
    expect(a.grad!.tolist()).toEqual(a.exp().mul(2).tolist());
  });

  it('the innermost pair wins; pairs nest with and without new', () => {
    const a = torch.tensor([1, 2, 3], { requires_grad: true });
    const b = torch.tensor([1, 2, 3], { requires_grad: true });
    let y: Tensor;
    let z: Tensor;
    {
      using _outer = new saved_tensors_hooks((t) => t.mul(3), (p) => (p as Tensor).mul(3));
      {
        using _inner = saved_tensors_hooks((t) => t.mul(5), (p) => (p as Tensor).mul(5));
        y = a.mul(a);
      }
      z = b.mul(b);
    }
    y.sum().backward();
    z.sum().backward();
    expect(a.grad!.tolist()).toEqual([50, 100, 150]); // 2 * 25 * a
    expect(b.grad!.tolist()).toEqual([18, 36, 54]); // 2 * 9 * b
  });

  it('an unpacked tensor takes the original place in the graph, so double backward differentiates through it', () => {
    const cases: [(t: Tensor) => unknown, (a: Tensor) => Tensor, (a: Tensor) => number[]][] = [
      [same, (a) => a.pow(3), (a) => a.mul(6).tolist() as number[]],
      [same, (a) => a.mul(a), (a) => a.mul(0).add(2).tolist() as number[]],
      [(t) => t.mul(2), (a) => a.pow(3), (a) => a.mul(48).tolist() as number[]], // 3·(2a)² read as a's: 12·2·2a
    ];
    for (const [pack, f, expected] of cases) {
      const a = torch.tensor([0.5, -1, 2], { dtype: 'float64', requires_grad: true });
      let g: Tensor;
      {
        using _h = saved_tensors_hooks(pack, (p) => p as Tensor);
        const [gx] = torch.autograd.grad(f(a).sum(), [a], { create_graph: true });
        g = gx!;
      }
      g.sum().backward();
      expect(a.grad!.tolist()).toEqual(expected(a.detach()));
    }
  });

  it("applies to a custom Function's save_for_backward", () => {
    class Square extends torch.autograd.Function {
      static forward(ctx: Ctx, x: Tensor): Tensor {
        ctx.save_for_backward(x);
        return x.mul(x);
      }
      static backward(ctx: Ctx, g: Tensor): Tensor {
        const [x] = ctx.saved_tensors;
        return g.mul(x!).mul(2);
      }
    }
    const x = torch.tensor([1, 2], { requires_grad: true });
    const packed: Tensor[] = [];
    {
      using _h = saved_tensors_hooks(
        (t) => (packed.push(t), t.mul(10)),
        (p) => p as Tensor,
      );
      Square.apply(x).sum().backward();
    }
    // the pack hook's own math runs with grad mode off, so it saves (and packs) nothing itself
    expect([packed.length, packed[0] === x, x.grad!.tolist()]).toEqual([1, true, [20, 40]]);
  });

  it('keeps no version check: the packed value is what backward reads', () => {
    const a = torch.tensor([1, 2], { requires_grad: true }).clone();
    let y: Tensor;
    {
      using _h = saved_tensors_hooks((t) => t.clone(), (p) => p as Tensor);
      y = a.mul(a);
    }
    a.add_(1);
    y.sum().backward(); // no "modified by an inplace operation": the clone was saved
    const w = torch.tensor([1, 2], { requires_grad: true });
    {
      using _h = save_on_cpu();
      y = w.mul(w);
    }
    torch.no_grad(() => w.mul_(10)); // the version moves, the private copy does not
    y.sum().backward();
    expect(w.grad!.tolist()).toEqual([2, 4]);
  });

  it("raises PyTorch's errors, leaving the tensors unchanged", () => {
    const a = torch.tensor([1, 2], { requires_grad: true });
    {
      using _h = saved_tensors_hooks(same, () => 1 as unknown as Tensor);
      const y = a.mul(a);
      expect(errors(() => y.sum().backward())).toBe('Output of saved tensor unpack_hook expected to be a Tensor but got result of type int');
    }
    {
      using _h = saved_tensors_hooks((t) => t.add_(1), same as (p: unknown) => Tensor);
      const b = torch.tensor([1, 2], { requires_grad: true }).clone();
      expect(errors(() => b.mul(torch.tensor([3, 4], { requires_grad: true })))).toBe(
        'A saved tensor pack hook is modifying its input in place. Tensors provided as input to pack hook can not be modified by in-place operations as this can lead to unexpected side-effects. Please open an issue if you need to perform in-place operations on the input to a pack hook.',
      );
    }
    {
      using _d = disable_saved_tensors_hooks('saved tensor hooks are off here');
      expect(errors(() => saved_tensors_hooks(same, same as (p: unknown) => Tensor))).toBe('saved tensor hooks are off here');
    }
    using _ok = saved_tensors_hooks(same, same as (p: unknown) => Tensor); // allowed again
    expect(a.grad).toBe(null);
  });
});

describe('SavedTensor.register_hooks (grad_fn._raw_saved_*)', () => {
  it('packs at once, unpacks on read, once per saved tensor and never after it was freed', () => {
    const a = torch.tensor([1, 2, 3], { requires_grad: true });
    const y = a.mul(a);
    const raw = y.grad_fn!._raw_saved_self!;
    expect(String(raw)).toMatch(/^<torch\._C\._autograd\.SavedTensor object at 0x[0-9a-f]+>$/);
    raw.register_hooks((t) => t.mul(2), (p) => p as Tensor);
    const self = y.grad_fn!._saved_self!;
    expect([self.tolist(), self.requires_grad, self.is_leaf]).toEqual([[2, 4, 6], true, true]);
    expect(errors(() => raw.register_hooks(same, same as (p: unknown) => Tensor))).toBe(
      'Calling register_hooks on a saved tensor whose hooks have already been set. Hint: only one pair of hooks is allowed at a time.',
    );
    y.sum().backward();
    expect(a.grad!.tolist()).toEqual([3, 6, 9]); // 2a read as a from the other factor, plus a
    expect(errors(() => y.grad_fn!._raw_saved_other!.register_hooks(same, same as (p: unknown) => Tensor))).toBe(
      'Calling register_hooks on a saved tensor after it has been freed. Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved variables after calling backward.',
    );
    expect(errors(() => y.grad_fn!._saved_self)).toContain('Trying to backward through the graph a second time');
    expect(errors(() => raw.register_hooks(same as (t: Tensor) => unknown, 1 as unknown as (p: unknown) => Tensor))).toMatch(/unpack_hook/);
  });
});
