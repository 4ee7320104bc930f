// The engine as PyTorch 2.x's test suite sees it: grad mode during backward, the order of tensor, node and
// AccumulateGrad hooks, what autograd.grad and backward(inputs=) run, argument forms and their errors, and
// reentrant backward far deeper than the JS stack could nest.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Grad, Tensor } from '@tsgrad/core';

type Ctx = torch.autograd.FunctionCtx;
const scalar = (v: number): Tensor => torch.tensor(v, { requires_grad: true });

describe('grad mode while backward runs', () => {
  it('equals create_graph, so hooks doing math record nothing unless the graph of the gradient is built', () => {
    const x = torch.randn([3]).requires_grad_();
    const seen: [boolean, boolean][] = [];
    x.register_hook((g) => {
      seen.push([torch.is_grad_enabled(), g.mul(2).requires_grad]);
    });
    x.mul(2).sum().backward();
    x.mul(x).sum().backward(undefined, { create_graph: true });
    torch.no_grad(() => torch.autograd.grad(torch.enable_grad(() => x.mul(x).sum()), [x], { create_graph: true }));
    expect(seen).toEqual([
      [false, false],
      [true, true],
      [true, true],
    ]);
    expect(torch.is_grad_enabled()).toBe(true);
  });
});

describe('hook order around AccumulateGrad', () => {
  /** PyTorch's test_prehook_ordering: tensor hooks (x3) before node pre-hooks (x2), on both node kinds. */
  function setup(): { a: Tensor; b: Tensor; log: number[] } {
    const log: number[] = [];
    const tensor_hook = (g: Tensor): Tensor => (log.push(1), g.mul(3));
    const node_hook = (gs: Grad[]): Grad[] => (log.push(2), gs.map((g) => g!.mul(2)));
    const a = scalar(1);
    const b = a.clone();
    b.grad_fn!.register_prehook(node_hook);
    b.register_hook(tensor_hook);
    b.grad_fn!.register_prehook(node_hook);
    const acc = b.grad_fn!.next_functions[0]![0]!;
    a.register_hook(tensor_hook);
    acc.register_prehook(node_hook);
    a.register_hook(tensor_hook);
    return { a, b, log };
  }

  it('backward: tensor hooks, then node pre-hooks, on the AccumulateGrad node too', () => {
    const { a, b, log } = setup();
    b.sum().backward();
    expect(log).toEqual([1, 2, 2, 1, 1, 2]);
    expect(a.grad!.item()).toBe(216);
  });

  it('autograd.grad runs the tensor hooks of its inputs but never their AccumulateGrad node', () => {
    const { a, b, log } = setup();
    const [g] = torch.autograd.grad(b.sum(), [a]);
    expect(log).toEqual([1, 2, 2, 1, 1]);
    expect(g!.item()).toBe(108);
    expect(a.grad).toBeNull();
  });

  it('backward(inputs=non-leaf) runs that node but nothing past it; its .grad sees tensor hooks, not pre-hooks', () => {
    const { a, b, log } = setup();
    b.sum().backward(undefined, { inputs: [b] });
    expect(log).toEqual([1, 2, 2]);
    expect(b.grad!.item()).toBe(3);
    expect(a.grad).toBeNull();
  });

  it('AccumulateGrad: tensor hook, node pre-hook, accumulation and post-accumulate hook, node post-hook', () => {
    const events: string[] = [];
    const a = torch.tensor([1], { requires_grad: true });
    const acc = a.clone().grad_fn!.next_functions[0]![0]!;
    const b = a.clone();
    a.register_hook((g) => (events.push(`tensor ${g.item()}`), g.mul(2)));
    acc.register_prehook((gs) => void events.push(`pre ${gs[0]!.item()}`));
    a.register_post_accumulate_grad_hook((t) => void events.push(`post_accumulate ${t.grad!.item()}`));
    acc.register_hook((grad_inputs, grad_outputs) => void events.push(`post ${grad_inputs.length} ${grad_outputs[0]!.item()}`));
    b.sum().backward();
    expect(events).toEqual(['tensor 1', 'pre 2', 'post_accumulate 2', 'post 0 2']);
  });
});

describe('autograd.backward and autograd.grad arguments', () => {
  it('take a single Tensor where PyTorch takes one, and refuse empty inputs in its words', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    torch.autograd.backward(x.mul(3).sum());
    torch.autograd.backward(x.mul(2), torch.tensor([1, 1]), { inputs: x });
    expect(x.grad!.tolist()).toEqual([5, 5]);
    const y = x.mul(x).sum();
    expect(() => torch.autograd.grad(y, [])).toThrow('grad requires non-empty inputs.');
    expect(() => torch.autograd.backward(y, null, { inputs: [] })).toThrow("'inputs' argument to backward() cannot be empty.");
    expect(x.grad!.tolist()).toEqual([5, 5]);
  });

  it('materialize_grads gives zeros for unused inputs, and refuses allow_unused=false with it', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const z = torch.tensor([3], { requires_grad: true });
    const y = x.mul(2).sum();
    const [gx, gz] = torch.autograd.grad(y, [x, z], { materialize_grads: true, retain_graph: true });
    expect([gx!.tolist(), gz!.tolist()]).toEqual([[2, 2], [0]]);
    expect(torch.autograd.grad(y, [x, z], { allow_unused: true, retain_graph: true })[1]).toBeNull();
    expect(() => torch.autograd.grad(y, [z], { materialize_grads: true, allow_unused: false })).toThrow(
      'Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False.',
    );
  });
});

describe('reentrant backward', () => {
  /** Each backward builds and backpropagates a fresh graph of itself, `ctx.x` levels deep (test_deep_reentrant). */
  class DeepReentrant extends torch.autograd.Function {
    static override forward(ctx: Ctx, x: Tensor): Tensor {
      ctx.x = torch.enable_grad(() => x.detach().requires_grad_(true).sub(1));
      return (ctx.x as Tensor).detach();
    }
    static override backward(ctx: Ctx, g: Tensor): Tensor {
      const x = ctx.x as Tensor;
      if (x.item() < 0) return g;
      torch.enable_grad(() => DeepReentrant.apply(x).sum().backward());
      return g;
    }
  }

  it('goes 10,000 levels deep without overflowing the stack, and again afterwards', () => {
    const v = torch.tensor(10_000, { requires_grad: true });
    DeepReentrant.apply(v).sum().backward();
    expect(v.grad!.item()).toBe(1);
    const w = torch.tensor(200, { requires_grad: true });
    DeepReentrant.apply(w).sum().backward();
    expect(w.grad!.item()).toBe(1);
  });

  it('a shallow reentrant backward finishes before the calling backward goes on', () => {
    class Reenter extends torch.autograd.Function {
      static override forward(ctx: Ctx, x: Tensor): Tensor {
        ctx.inner = torch.enable_grad(() => x.detach().requires_grad_(true));
        return x.mul(2);
      }
      static override backward(ctx: Ctx, g: Tensor): Tensor {
        const inner = ctx.inner as Tensor;
        torch.enable_grad(() => inner.mul(inner).sum().backward());
        return g.mul(inner.grad!);
      }
    }
    const x = torch.tensor([3], { requires_grad: true });
    Reenter.apply(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([6]);
  });
});

describe('version counters and graph helpers', () => {
  it('views and detach() share the version counter; .data has its own over the same memory', () => {
    const x = torch.randn([1, 2]);
    x.add_(1).add_(1);
    expect(x._version).toBe(2);
    const xz = x.index({});
    xz.add_(1);
    expect([x._version, xz._version, x.detach()._version]).toEqual([3, 3, 3]);
    const before = x.tolist() as number[][];
    x.data.add_(1);
    expect(x._version).toBe(3);
    expect((x.tolist() as number[][])[0]![0]).toBeCloseTo(before[0]![0]! + 1, 5);
  });

  it('increment_version makes a saved tensor stale; node metadata is a per-node dict', () => {
    const a = torch.tensor([1, 2], { requires_grad: true });
    const b = a.mul(a);
    b.grad_fn!.metadata['tag'] = 'square';
    expect(b.grad_fn!.metadata).toEqual({ tag: 'square' });
    expect(a.add(1).grad_fn!.metadata).toEqual({});
    torch.autograd.graph.increment_version(a);
    expect(() => b.sum().backward()).toThrow(/is at version 1; expected version 0 instead/);
  });
});

describe('node hooks that return replacements', () => {
  it('must return as many values of the same sizes, in PyTorch words', () => {
    const x = torch.randn([3]).requires_grad_();
    const y = x.mul(x);
    const one_value = (gi: Grad[]): Grad[] => [gi[0]!];
    const h = y.grad_fn!.register_hook(one_value);
    expect(() => y.sum().backward(undefined, { retain_graph: true })).toThrow("hook 'one_value' has returned an incorrect number of values (got 1, but expected 2)");
    h.remove();
    const two_values = (go: Grad[]): Grad[] => [go[0]!, go[0]!];
    const h2 = y.grad_fn!.register_prehook(two_values);
    expect(() => y.sum().backward(undefined, { retain_graph: true })).toThrow("hook 'two_values' has returned an incorrect number of values (got 2, but expected 1)");
    h2.remove();
    y.grad_fn!.register_prehook(() => [torch.ones([2])]);
    expect(() => y.sum().backward()).toThrow("hook '<lambda>' has changed the size of value");
    expect(x.grad).toBeNull();
  });
});

describe('tensor hooks of outputs that get no gradient', () => {
  it('are called with null when a sibling output of their node got one, and may not invent a gradient', () => {
    const x = torch.randn([3]).requires_grad_();
    const [a, b] = x.unbind();
    const seen: (number | null)[] = [];
    a!.register_hook((g: Tensor | null) => void seen.push(g === null ? null : g.item()));
    a!.backward();
    b!.backward();
    expect(seen).toEqual([1, null]);
    expect(x.grad!.tolist()).toEqual([1, 1, 0]);
    const [c, d] = x.unbind();
    c!.register_hook(() => torch.ones([]));
    expect(() => d!.backward()).toThrow("can't replace a None gradient with a non-None value");
  });
});

describe('AccumulateGrad details', () => {
  it('with create_graph the first gradient is copied differentiably: .grad.grad_fn is CopyBackwards', () => {
    const x = torch.randn([2]).requires_grad_();
    x.mul(x).sum().backward(undefined, { create_graph: true });
    const fn = x.grad!.grad_fn!;
    expect([fn.name(), fn.next_functions[0]![0], fn.next_functions[1]![0]!.name()]).toEqual(['torch::autograd::CopyBackwards', null, 'AddBackward0']);
  });

  it('node post-hooks see .grad itself as the first gradient, as when PyTorch steals it', () => {
    const x = torch.tensor([1, 1], { requires_grad: true });
    const acc = x.view_as(x).grad_fn!.next_functions[0]![0]!;
    x.register_post_accumulate_grad_hook((t) => void t.grad!.add_(0.5));
    let seen: unknown = null;
    acc.register_hook((_gi, go) => void (seen = go[0]!.tolist()));
    x.sum().backward();
    expect(seen).toEqual([1.5, 1.5]);
  });

  it('post-accumulate hooks must return nothing', () => {
    const x = torch.randn([2]).requires_grad_();
    x.register_post_accumulate_grad_hook(((t: Tensor) => t.grad) as unknown as (t: Tensor) => void);
    expect(() => x.sum().backward()).toThrow('Tensor post accumulate grad hooks should return None.');
  });
});

describe('nodes as Python sees them', () => {
  it('call(...grads) runs the formula, one argument per forward output (PyTorch TypeError otherwise)', () => {
    const x = torch.tensor([3], { requires_grad: true });
    const fn = x.pow(2).grad_fn!;
    expect((fn.call(torch.ones([1])) as Tensor).tolist()).toEqual([6]);
    expect(() => fn.call()).toThrow('expected 1 arguments, got 0 instead');
    expect(() => fn.call(torch.ones([1]), torch.ones([1]))).toThrow('expected 1 arguments, got 2 instead');
  });

  it('_input_metadata gives shape and dtype of each gradient the node receives', () => {
    const [a, b] = torch.randn([2, 4], { dtype: 'float64' }).requires_grad_().unbind();
    const meta = a!.grad_fn!._input_metadata;
    expect(meta.map((e) => [[...e.shape], e.dtype])).toEqual([
      [[4], 'float64'],
      [[4], 'float64'],
    ]);
    expect(b!.grad_fn).toBe(a!.grad_fn);
  });

  it('materialized zeros of autograd.grad require grad only when building the graph', () => {
    const x = torch.ones([2]).requires_grad_();
    const y = torch.ones([2]).requires_grad_();
    const z = x.pow(2).sum();
    for (const create_graph of [false, true]) {
      const [, gy] = torch.autograd.grad(z, [x, y], { materialize_grads: true, retain_graph: true, create_graph });
      expect([gy!.tolist(), gy!.requires_grad]).toEqual([[0, 0], create_graph]);
    }
  });
});

describe('reentrant backward nests for real while the stack has room', () => {
  it('each inner backward() has run when it returns, hundreds of levels deep', () => {
    const seen: boolean[] = [];
    class Nest extends torch.autograd.Function {
      static override forward(ctx: Ctx, x: Tensor): Tensor {
        ctx.level = x.item();
        return x.mul(1);
      }
      static override backward(ctx: Ctx, g: Tensor): Tensor {
        const level = ctx.level as number;
        if (level > 0) {
          const inner = torch.tensor(level - 1, { requires_grad: true });
          torch.enable_grad(() => Nest.apply(inner).backward());
          seen.push(inner.grad !== null);
        }
        return g;
      }
    }
    Nest.apply(torch.tensor(200, { requires_grad: true })).backward();
    expect(seen.length).toBe(200);
    expect(seen.every((s) => s)).toBe(true);
  });
});

describe('queue_callback', () => {
  it('runs at the end of the pass it was queued in, after every node; callbacks may queue more', () => {
    const log: string[] = [];
    const x = torch.randn([2]).requires_grad_();
    const y = x.mul(2);
    y.register_hook(() => {
      torch.autograd.graph.queue_callback(() => {
        log.push(`callback, x.grad set: ${x.grad !== null}`);
        torch.autograd.graph.queue_callback(() => void log.push('queued by a callback'));
      });
      log.push('hook');
    });
    y.sum().backward();
    expect(log).toEqual(['hook', 'callback, x.grad set: true', 'queued by a callback']);
    expect(() => torch.autograd.graph.queue_callback(() => undefined)).toThrow('Final callbacks can only be installed during backward pass.');
  });

  it('a callback queued inside a reentrant pass runs when that inner pass ends', () => {
    const log: string[] = [];
    class Outer extends torch.autograd.Function {
      static override forward(_ctx: Ctx, x: Tensor): Tensor {
        return x.mul(1);
      }
      static override backward(_ctx: Ctx, g: Tensor): Tensor {
        torch.autograd.graph.queue_callback(() => void log.push('outer callback'));
        const inner = torch.ones([1]).requires_grad_();
        const out = torch.enable_grad(() => inner.mul(3));
        out.register_hook(() => torch.autograd.graph.queue_callback(() => void log.push('inner callback')));
        torch.enable_grad(() => out.sum()).backward();
        log.push('inner backward returned');
        return g;
      }
    }
    Outer.apply(torch.ones([1]).requires_grad_()).sum().backward();
    expect(log).toEqual(['inner callback', 'inner backward returned', 'outer callback']);
  });
});

describe('GradientEdge', () => {
  it('stands for a tensor as an input or output of autograd.grad and backward', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const h = x.mul(x);
    const out = h.mul(3).sum();
    const edge = torch.autograd.graph.get_gradient_edge(h);
    const [node, nr] = edge;
    expect([node, nr]).toEqual([h.grad_fn, 0]);
    const [gh] = torch.autograd.grad(out, [edge], { retain_graph: true });
    expect(gh!.tolist()).toEqual([3, 3]);
    const [gx] = torch.autograd.grad(edge, [x], { grad_outputs: gh! });
    expect(gx!.tolist()).toEqual([6, 12]);
    expect(() => torch.autograd.grad(torch.autograd.graph.get_gradient_edge(x.mul(2)), [x])).toThrow('grad can be implicitly created only for scalar outputs');
    expect(() => torch.autograd.grad(torch.autograd.graph.get_gradient_edge(x.mul(2)), [x], { grad_outputs: torch.ones([3]) })).toThrow(/^Mismatch in shape: grad_output\[0\] has a shape of torch.Size\(\[3\]\) and output\[0\] has a shape of torch.Size\(\[2\]\)/);
    torch.autograd.backward(x.mul(2).sum(), null, { inputs: [new torch.autograd.graph.GradientEdge(x._accumulator(), 0)] });
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });

  it('keeps naming the old value after an in-place change; materialize_grads refuses it', () => {
    const x = torch.rand([2], { requires_grad: true }).clone();
    const before = torch.autograd.graph.get_gradient_edge(x);
    x.mul_(2);
    const [g_old, g_new] = torch.autograd.grad(x.sum(), [before, x]);
    expect([g_old!.tolist(), g_new!.tolist()]).toEqual([
      [2, 2],
      [1, 1],
    ]);
    const y = torch.rand([2], { requires_grad: true }).clone();
    expect(() => torch.autograd.grad(x.sum(), [x, torch.autograd.graph.get_gradient_edge(y)], { materialize_grads: true })).toThrow(
      'materialize_grads cannot be used when the given input is a GradientEdge',
    );
    expect(() => torch.autograd.graph.get_gradient_edge(torch.ones([1]))).toThrow(/does not require gradients/);
  });
});

describe('register_multi_grad_hook', () => {
  it("'all': once per pass, with null for the tensors the pass does not compute", () => {
    const [t1, t2, t3] = [0, 1, 2].map(() => torch.rand([2], { requires_grad: true }).mul(1));
    const calls: boolean[][] = [];
    const handle = torch.autograd.graph.register_multi_grad_hook([t1!, t2!, t3!], (grads) => void calls.push(grads.map((g) => g !== null)));
    const out = t2!.mul(t3!).sum();
    out.backward(undefined, { inputs: [t2!, t3!], retain_graph: true });
    out.backward(undefined, { inputs: [t3!], retain_graph: true });
    expect(calls).toEqual([
      [false, true, true],
      [false, false, true],
    ]);
    handle.remove();
    out.backward();
    expect(calls.length).toBe(2);
  });

  it("'any': once per pass, with the first gradient computed; other modes are refused", () => {
    const a = torch.rand([2], { requires_grad: true });
    const b = a.mul(2);
    const c = b.mul(3);
    const seen: number[][] = [];
    torch.autograd.graph.register_multi_grad_hook([b, c], (g) => void seen.push(g.tolist() as number[]), { mode: 'any' });
    c.sum().backward(undefined, { retain_graph: true });
    c.sum().backward();
    expect(seen).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(() => torch.autograd.graph.register_multi_grad_hook([a], () => undefined, { mode: 'foo' as 'any' })).toThrow("Expects mode to be one of ('all', 'any') but got foo");
  });
});

describe('.data and .grad assignment', () => {
  it('x.data = y gives x new memory but keeps its version counter, shared with its views', () => {
    const x = torch.zeros([2]);
    const view = x.index({});
    x.add_(1);
    const v = x._version;
    x.data = torch.ones([3]);
    expect([x._version, x.shape]).toEqual([v, [3]]);
    x.add_(1);
    expect([x._version, view._version, view.tolist()]).toEqual([v + 1, v + 1, [1, 1]]);
    const w = torch.tensor(1.0, { requires_grad: true });
    expect(() => {
      w.data = torch.tensor(3, { dtype: 'int64' });
    }).toThrow('data set to a tensor that requires gradients must be floating point or complex dtype');
    expect(w._dtype).toBe('float32');
  });

  it('.grad refuses non-tensors and the tensor itself, in PyTorch words', () => {
    const x = torch.randn([2]);
    expect(() => {
      x.grad = 0 as unknown as Tensor;
    }).toThrow('assigned grad expected to be a Tensor or None but got grad of type int');
    expect(() => {
      x.grad = x;
    }).toThrow("can't assign Variable as its own grad");
    expect(x.grad).toBeNull();
  });
});

describe('saved tensors by their PyTorch names', () => {
  it('_saved_self / _saved_other are the inputs themselves, _saved_result a new tensor over the output; E2 once freed', () => {
    const a = torch.randn([3]).requires_grad_();
    const b = a.mul(a);
    const c = a.mul(b);
    expect([b.grad_fn!._saved_self === a, b.grad_fn!._saved_other === a, c.grad_fn!._saved_self === a, c.grad_fn!._saved_other === b]).toEqual([true, true, true, true]);
    const d = a.exp();
    const r = d.grad_fn!._saved_result!;
    expect([r === d, r.grad_fn === d.grad_fn, r.tolist()]).toEqual([false, true, d.tolist()]);
    torch.no_grad(() => d.add_(1));
    expect([r._version, r.tolist()]).toEqual([d._version, d.tolist()]);
    expect(a.sin().grad_fn!._saved_result).toBeUndefined();
    c.sum().backward();
    expect(() => c.grad_fn!._saved_self).toThrow(/directly access saved tensors after they have already been freed/);
  });

  it('CopySlices shows the node of the in-place op it wraps until backward releases it', () => {
    const leaf = torch.tensor([1, 2, 3, 4], { requires_grad: true });
    const base = leaf.clone();
    const view = base.index({ stop: 2 });
    const view_fn = view.grad_fn;
    view.exp_();
    const copy_slices = base.grad_fn as unknown as { _wrapped_node: torch.Node | null } & torch.Node;
    const wrapped = copy_slices._wrapped_node!;
    expect([copy_slices.name(), wrapped.name(), wrapped.next_functions[0]![0] === view_fn]).toEqual(['torch::autograd::CopySlices', 'ExpBackward0', true]);
    expect(wrapped._saved_result!.tolist()).toEqual(view.tolist());
    base.sum().backward();
    expect(leaf.grad!.tolist()).toEqual([Math.E, Math.exp(2), 1, 1].map((v) => expect.closeTo(v, 5)));
    expect(copy_slices._wrapped_node).toBeNull();
  });
});

describe('inputs given as a plain object (PyTorch dict inputs)', () => {
  it('autograd.grad returns the gradients under the same keys; backward accumulates into each value', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const y = torch.tensor([3, 4], { requires_grad: true });
    const z = x.mul(y).sum();
    const g = torch.autograd.grad(z, { x, y }, { retain_graph: true });
    expect([Object.keys(g), g.x!.tolist(), g.y!.tolist()]).toEqual([['x', 'y'], [3, 4], [1, 2]]);
    z.backward(undefined, { inputs: { y } });
    expect([x.grad, y.grad!.tolist()]).toEqual([null, [1, 2]]);
    expect(() => torch.autograd.grad(z, {})).toThrow('grad requires non-empty inputs.');
  });
});

describe('printing a view whose node cannot be regenerated', () => {
  it('shows grad_fn=<Invalid>, as PyTorch, instead of raising', () => {
    const a = torch.ones([1]).requires_grad_();
    const b = torch.no_grad(() => a.index({}).mul_(2));
    expect(String(b)).toBe('tensor([2.], grad_fn=<Invalid>)');
  });
});

describe('autograd.grad and autograd.backward argument forms', () => {
  it('take PyTorch positional parameters and a trailing keyword object in any position', () => {
    const x = torch.tensor([1, 2, 3], { requires_grad: true });
    const y = x.mul(x);
    const go = torch.tensor([1, 0.5, 2]);
    const [g1] = torch.autograd.grad(y, x, go, true);
    const [g2] = torch.autograd.grad({ outputs: y, inputs: [x], grad_outputs: go, retain_graph: true });
    const [g3] = torch.autograd.grad(y, [x], { grad_outputs: [go], retain_graph: true });
    expect([g1!.tolist(), g2!.tolist(), g3!.tolist()]).toEqual([[2, 2, 12], [2, 2, 12], [2, 2, 12]]);
    const w = torch.tensor([2, 2, 2], { requires_grad: true });
    torch.autograd.backward(y.mul(w).sum(), { inputs: [w], retain_graph: true }); // keyword object second
    expect([w.grad!.tolist(), x.grad]).toEqual([[1, 4, 9], null]);
    torch.autograd.backward(y, go, true);
    y.backward(go, true);
    expect(x.grad!.tolist()).toEqual([4, 4, 24]);
    expect(() => torch.autograd.grad(y, [x], { grad_output: go })).toThrow("grad() got an unexpected keyword argument 'grad_output'");
    expect(() => torch.autograd.backward(y, { input: [x] })).toThrow("backward() got an unexpected keyword argument 'input'");
  });
});

