// Module hook behaviour in the spirit of PyTorch's test/nn/test_module_hooks.py: hooks record labels into a
// list and the tests assert the firing order, the values hooks replace, the errors and the bookkeeping.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as torch from '@tsgrad/core';
import type { Grad, Tensor } from '@tsgrad/core';
import { peek_next_handle_id, type RemovableHandle } from '@tsgrad/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { capture_warnings, snap } from './fixture_utils.js';
import { event_sequence, Recorder } from './recorder.js';
import { ToyModel } from './toy_model.js';

const D = 4;
const values = (t: Tensor | null): number[] => Array.from(t!._contiguous_data());
function expect_close(a: Tensor | null, b: Tensor | null, what = 'tensor'): void {
  expect(a, `${what} should exist`).not.toBeNull();
  expect(a!.shape, `${what} shape`).toEqual(b!.shape);
  const x = values(a);
  const y = values(b);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!) <= 1e-5 + 1e-5 * Math.abs(y[i]!), `${what}[${i}]: ${v} vs ${y[i]}`).toBe(true));
}
const is_zero = (t: Tensor | null): boolean => t !== null && values(t).every((v) => v === 0);


/** forward(x, { bias }) = x + bias: a module taking a keyword argument (PyTorch's KwargModel). */
class KwargModel extends nn.Module {
  override forward(x: Tensor, kwargs: { bias?: Tensor } = {}): Tensor {
    return kwargs.bias === undefined ? x : x.add(kwargs.bias);
  }
}

class Fails extends nn.Module {
  override forward(_x: Tensor): Tensor {
    throw new Error('forward failed');
  }
}

/** Global hooks live for the whole process: every test removes the ones it registered. */
const global_handles: RemovableHandle[] = [];
afterEach(() => {
  for (const h of global_handles.splice(0)) h.remove();
});

describe('firing order with prepend (one label per hook)', () => {
  it('forward hooks: prepended ones first, latest prepend first; nothing fires in backward', () => {
    const fired: number[] = [];
    const model = new ToyModel(D);
    const target = model.net1.seq2;
    const hook = (label: number) => (m: nn.Module, args: unknown[], _out: unknown): void => {
      expect(m).toBe(target);
      expect(args.length).toBe(1);
      fired.push(label);
    };
    target.register_forward_hook(hook(0));
    target.register_forward_hook(hook(1), { prepend: true });
    target.register_forward_hook(hook(2));
    target.register_forward_hook(hook(3));
    target.register_forward_hook(hook(4), { prepend: true });
    const expected = [4, 1, 0, 2, 3];
    const x = torch.randn([3, D]);
    expect(fired).toEqual([]);
    const out = model.call(x);
    expect(fired).toEqual(expected);
    out.sum().backward();
    expect(fired).toEqual(expected);
    model.call(x).sum().backward();
    expect(fired).toEqual([...expected, ...expected]);
  });

  it('forward pre-hooks', () => {
    const fired: number[] = [];
    const model = new ToyModel(D);
    const target = model.net2.seq1;
    const hook = (label: number) => (m: nn.Module, args: unknown[]): void => {
      expect(m).toBe(target);
      expect(args.length).toBe(1);
      fired.push(label);
    };
    target.register_forward_pre_hook(hook(0), { prepend: true });
    target.register_forward_pre_hook(hook(1));
    target.register_forward_pre_hook(hook(2));
    target.register_forward_pre_hook(hook(3));
    target.register_forward_pre_hook(hook(4), { prepend: true });
    const expected = [4, 0, 1, 2, 3];
    const x = torch.randn([3, D]);
    const out = model.call(x);
    expect(fired).toEqual(expected);
    out.sum().backward();
    expect(fired).toEqual(expected);
    model.call(x).sum().backward();
    expect(fired).toEqual([...expected, ...expected]);
  });

  it('full backward hooks: nothing fires in forward', () => {
    const fired: number[] = [];
    const model = new ToyModel(D);
    const target = model.net1;
    const hook = (label: number) => (m: nn.Module, gi: Grad[], go: Grad[]): void => {
      expect(m).toBe(target);
      expect([gi.length, go.length]).toEqual([1, 1]);
      fired.push(label);
    };
    target.register_full_backward_hook(hook(0));
    target.register_full_backward_hook(hook(1));
    target.register_full_backward_hook(hook(2));
    target.register_full_backward_hook(hook(3), { prepend: true });
    target.register_full_backward_hook(hook(4), { prepend: true });
    const expected = [4, 3, 0, 1, 2];
    const x = torch.randn([3, D]);
    const out = model.call(x);
    expect(fired).toEqual([]);
    out.sum().backward();
    expect(fired).toEqual(expected);
    model.call(x).sum().backward();
    expect(fired).toEqual([...expected, ...expected]);
  });

  it('full backward pre-hooks', () => {
    const fired: number[] = [];
    const model = new ToyModel(D);
    const target = model.net1;
    const hook = (label: number) => (m: nn.Module, go: Grad[]): void => {
      expect(m).toBe(target);
      expect(go.length).toBe(1);
      fired.push(label);
    };
    target.register_full_backward_pre_hook(hook(0), { prepend: true });
    target.register_full_backward_pre_hook(hook(1), { prepend: true });
    target.register_full_backward_pre_hook(hook(2));
    target.register_full_backward_pre_hook(hook(3));
    target.register_full_backward_pre_hook(hook(4));
    const expected = [1, 0, 2, 3, 4];
    const x = torch.randn([3, D]);
    const out = model.call(x);
    expect(fired).toEqual([]);
    out.sum().backward();
    expect(fired).toEqual(expected);
    model.call(x).sum().backward();
    expect(fired).toEqual([...expected, ...expected]);
  });

  it('mixed kinds on one module: pre, forward, backward pre, backward', () => {
    const fired: string[] = [];
    const model = new ToyModel(D);
    model.register_forward_pre_hook(() => void fired.push('pre'));
    model.register_forward_hook(() => void fired.push('fwd'));
    model.register_full_backward_pre_hook(() => void fired.push('bw_pre'));
    model.register_full_backward_hook(() => void fired.push('bw'));
    const x = torch.randn([3, D]);
    const out = model.call(x);
    expect(fired).toEqual(['pre', 'fwd']);
    out.sum().backward();
    expect(fired).toEqual(['pre', 'fwd', 'bw_pre', 'bw']);
    model.call(x).sum().backward();
    expect(fired).toEqual(['pre', 'fwd', 'bw_pre', 'bw', 'pre', 'fwd', 'bw_pre', 'bw']);
  });
});

describe('global module hooks', () => {
  it('run before the module hooks of the same kind, even prepended ones', () => {
    const fired: string[] = [];
    const m = new nn.Sigmoid();
    const only_m = (label: string) => (mod: unknown): void => {
      if (mod === m) fired.push(label);
    };
    m.register_forward_pre_hook(only_m('pre'));
    m.register_forward_pre_hook(only_m('pre_prepended'), { prepend: true });
    m.register_forward_hook(only_m('fwd'), { prepend: true });
    m.register_full_backward_hook(only_m('bw'), { prepend: true });
    m.register_full_backward_pre_hook(only_m('bw_pre'), { prepend: true });
    global_handles.push(
      nn.register_module_forward_pre_hook(only_m('global_pre')),
      nn.register_module_forward_hook(only_m('global_fwd')),
      nn.register_module_full_backward_pre_hook(only_m('global_bw_pre')),
      nn.register_module_full_backward_hook(only_m('global_bw')),
    );
    const out = m.call(torch.randn([2, 3], { requires_grad: true }));
    expect(fired).toEqual(['global_pre', 'pre_prepended', 'pre', 'global_fwd', 'fwd']);
    out.sum().backward();
    expect(fired.slice(5)).toEqual(['global_bw_pre', 'bw_pre', 'global_bw', 'bw']);
  });

  it('fire for every module of a tree, in call order, and stop after remove()', () => {
    const fired: string[] = [];
    const net = new nn.Sequential(new nn.Linear(D, 3), new nn.ReLU(), new nn.Linear(3, 2));
    const names = new Map([...net.named_modules()].map(([n, m]) => [m as unknown, n === '' ? '<seq>' : n]));
    const pre = nn.register_module_forward_pre_hook((m) => void fired.push(`pre:${names.get(m)}`));
    const fwd = nn.register_module_forward_hook((m) => void fired.push(`fwd:${names.get(m)}`));
    const bw = nn.register_module_full_backward_hook((m) => void fired.push(`bw:${names.get(m)}`));
    global_handles.push(pre, fwd, bw);
    const x = torch.randn([2, D], { requires_grad: true });
    net.call(x).sum().backward();
    expect(fired).toEqual([
      'pre:<seq>', 'pre:0', 'fwd:0', 'pre:1', 'fwd:1', 'pre:2', 'fwd:2', 'fwd:<seq>',
      'bw:2', 'bw:1', 'bw:0', 'bw:<seq>',
    ]);
    for (const h of [pre, fwd, bw]) h.remove();
    fired.length = 0;
    net.call(x).sum().backward();
    expect(fired).toEqual([]);
  });

  it('a global pre-hook and forward hook can replace input and output', () => {
    const m = new nn.Sigmoid();
    const x = torch.randn([5, 5], { requires_grad: true });
    global_handles.push(
      nn.register_module_forward_pre_hook((_m, args) => torch.relu(args[0] as Tensor)),
      nn.register_module_forward_hook((_m, _args, out) => (out as Tensor).neg()),
    );
    const out = m.call(x);
    expect_close(out, torch.no_grad(() => torch.sigmoid(torch.relu(x)).neg()), 'output');
    out.backward(torch.ones([5, 5]).mul(2));
    const s = torch.sigmoid(x.detach());
    const mask = x.detach().gt(0).to('float32');
    expect_close(x.grad, s.mul(torch.rsub(s, 1)).mul(-2).mul(mask), 'x.grad');
  });
});

describe('with_kwargs', () => {
  const x = (): Tensor => torch.ones([3, 3]);
  const bias = (): Tensor => torch.ones([3, 3]);

  it('a pre-hook replaces kwargs and a forward hook sees them; remove() also drops the option', () => {
    const fired: number[] = [];
    const model = new KwargModel();
    const fh = model.register_forward_hook(
      (m, args, kwargs, out) => {
        expect(m).toBe(model);
        expect(args.length).toBe(1);
        fired.push(1);
        return out.add(kwargs['bias'] as Tensor);
      },
      { with_kwargs: true },
    );
    const ph = model.register_forward_pre_hook(
      (m, args, kwargs) => {
        expect(m).toBe(model);
        expect(args.length).toBe(1);
        fired.push(0);
        return [args, { ...kwargs, bias: (kwargs['bias'] as Tensor).mul(2) }];
      },
      { with_kwargs: true },
    );
    expect(values(model.call(x(), nn.kwargs({ bias: bias() })))).toEqual(Array(9).fill(5)); // x + 2b + 2b
    expect(fired).toEqual([0, 1]);
    fh.remove();
    expect(model._forward_hooks_with_kwargs.has(fh.id)).toBe(false);
    expect(values(model.call(x(), nn.kwargs({ bias: bias() })))).toEqual(Array(9).fill(3)); // x + 2b
    expect(fired).toEqual([0, 1, 0]);
    ph.remove();
    expect(model._forward_pre_hooks_with_kwargs.has(ph.id)).toBe(false);
    expect(values(model.call(x(), nn.kwargs({ bias: bias() })))).toEqual(Array(9).fill(2));
    expect(fired).toEqual([0, 1, 0]);
  });

  it('a pre-hook replaces the positional args; hooks without with_kwargs never see kwargs', () => {
    const model = new KwargModel();
    const seen: number[] = [];
    model.register_forward_pre_hook((_m, args) => void seen.push(args.length));
    model.register_forward_pre_hook((_m, args, kwargs) => [[(args[0] as Tensor).mul(10)], kwargs], { with_kwargs: true });
    model.register_forward_hook((_m, args) => void seen.push(args.length));
    expect(values(model.call(x(), nn.kwargs({ bias: bias() })))).toEqual(Array(9).fill(11));
    expect(seen).toEqual([1, 1]);
  });

  it("a bad return raises PyTorch's error and the module still works once the hook is gone", () => {
    const model = new KwargModel();
    const returns: unknown[] = ['oops', [1, 2, 3]];
    const messages = ['oops', '(1, 2, 3)'].map((r) => `forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got ${r}.`);
    returns.forEach((value, i) => {
      const h = model.register_forward_pre_hook(() => value as [unknown[], Record<string, unknown>], { with_kwargs: true });
      expect(() => model.call(x(), nn.kwargs({ bias: bias() }))).toThrow(messages[i]!);
      h.remove();
    });
    expect(model._forward_pre_hooks.size).toBe(0);
    expect(model._forward_pre_hooks_with_kwargs.size).toBe(0);
    expect(values(model.call(x(), nn.kwargs({ bias: bias() })))).toEqual(Array(9).fill(2));
  });
});

describe('always_call forward hooks', () => {
  it('run when forward throws, with output null; the original error propagates', () => {
    const m = new Fails();
    const fired: [string, unknown][] = [];
    m.register_forward_hook((_m, _a, out) => void fired.push(['plain', out]));
    m.register_forward_hook((_m, _a, out) => void fired.push(['always', out]), { always_call: true });
    m.register_forward_hook((_m, _a, kwargs, out) => void fired.push(['always_kw', [kwargs, out]]), { always_call: true, with_kwargs: true });
    expect(() => m.call(torch.ones([2]), nn.kwargs({ k: 1 }))).toThrow('forward failed');
    expect(fired).toEqual([['always', null], ['always_kw', [{ k: 1 }, null]]]);
  });

  it('when an earlier forward hook throws, only the always_call hooks that have not run yet are called', () => {
    const m = new nn.Sigmoid();
    const fired: string[] = [];
    m.register_forward_hook(() => void fired.push('always_before'), { always_call: true });
    m.register_forward_hook(() => {
      fired.push('thrower');
      throw new Error('hook failed');
    });
    m.register_forward_hook(() => void fired.push('plain_after'));
    m.register_forward_hook((_m, _a, out) => void fired.push(`always_after:${(out as Tensor).shape}`), { always_call: true });
    expect(() => m.call(torch.ones([2]))).toThrow('hook failed');
    expect(fired).toEqual(['always_before', 'thrower', 'always_after:torch.Size([2])']);
  });

  it('a throwing always_call hook becomes a warning and the original error propagates', () => {
    const m = new Fails();
    m.register_forward_hook(
      () => {
        throw new Error('inner');
      },
      { always_call: true },
    );
    global_handles.push(
      nn.register_module_forward_hook(
        (mod) => {
          if (mod === m) throw new Error('global inner');
        },
        { always_call: true },
      ),
    );
    const [err, warns] = capture_warnings(() => {
      try {
        m.call(torch.ones([2]));
      } catch (e) {
        return e as Error;
      }
      return null;
    });
    expect(err?.message).toBe('forward failed');
    expect(warns.map((w) => w.message)).toEqual([
      'global module forward hook with ``always_call=True`` raised an exception that was silenced as another error was raised in forward: global inner',
      'module forward hook with ``always_call=True`` raised an exception that was silenced as another error was raised in forward: inner',
    ]);
    expect(warns.map((w) => w.category)).toEqual(['UserWarning', 'UserWarning']);
  });

  it('run when a forward pre-hook throws, before forward ever ran', () => {
    const m = new nn.Sigmoid();
    const fired: unknown[] = [];
    m.register_forward_pre_hook(() => {
      throw new Error('pre-hook failed');
    });
    m.register_forward_hook(() => void fired.push('plain'));
    m.register_forward_hook((_m, args, out) => void fired.push([args.length, out]), { always_call: true });
    expect(() => m.call(torch.ones([2]))).toThrow('pre-hook failed');
    expect(fired).toEqual([[1, null]]);
  });

  it('run exactly once on success', () => {
    const m = new nn.Sigmoid();
    let n = 0;
    m.register_forward_hook(() => void n++, { always_call: true });
    m.call(torch.ones([2]));
    expect(n).toBe(1);
  });
});

describe('removal and addition while hooks run', () => {
  it('pre-hooks removing themselves and each other still run in this call and are gone afterwards', () => {
    const m = new nn.Sigmoid();
    const fired: string[] = [];
    const handles: RemovableHandle[] = [];
    handles.push(
      m.register_forward_pre_hook(() => {
        fired.push('a');
        handles[0]!.remove();
        handles[1]!.remove();
      }),
      m.register_forward_pre_hook(() => void fired.push('b')),
    );
    const x = torch.randn([2, 2]);
    expect(m._forward_pre_hooks.size).toBe(2);
    expect_close(m.call(x), torch.sigmoid(x), 'output');
    expect(fired).toEqual(['a', 'b']);
    expect(m._forward_pre_hooks.size).toBe(0);
    expect(handles.map((h) => h.is_registered)).toEqual([false, false]);
    m.call(x);
    expect(fired).toEqual(['a', 'b']);
  });

  it('a forward hook added during the forward-hook loop runs from the next call; one added by a pre-hook runs in this call', () => {
    const m = new nn.Sigmoid();
    const fired: string[] = [];
    let added = false;
    m.register_forward_hook((mod) => {
      fired.push('f1');
      if (!added) {
        added = true;
        mod.register_forward_hook(() => void fired.push('added_by_f1'));
      }
    });
    m.register_forward_pre_hook((mod) => {
      if (fired.length === 0) mod.register_forward_hook(() => void fired.push('added_by_pre'));
    });
    m.call(torch.ones([2]));
    expect(fired).toEqual(['f1', 'added_by_pre']); // PyTorch reads the forward-hook dict after forward
    m.call(torch.ones([2]));
    expect(fired).toEqual(['f1', 'added_by_pre', 'f1', 'added_by_pre', 'added_by_f1']);
  });

  it('full backward hooks are fixed when the module is called', () => {
    const m = new nn.Sigmoid();
    const fired: string[] = [];
    const early = m.register_full_backward_hook(() => void fired.push('registered_before_call'));
    const x = torch.randn([3], { requires_grad: true });
    const out = m.call(x);
    early.remove();
    m.register_full_backward_hook(() => void fired.push('registered_after_call'));
    out.sum().backward();
    expect(fired).toEqual(['registered_before_call']);
    m.call(x).sum().backward();
    expect(fired).toEqual(['registered_before_call', 'registered_after_call']);
  });
});

describe('one module called twice in a forward', () => {
  it('forward hooks fire per call; full backward hooks once per call, most recent call first', () => {
    const s = new nn.Sigmoid();
    const fired: string[] = [];
    s.register_forward_hook((_m, args) => void fired.push(`fwd:${(args[0] as Tensor).shape}`));
    s.register_full_backward_hook((_m, _gi, go) => void fired.push(`bw:${go[0]!.shape}`));
    const a = torch.randn([2, 3], { requires_grad: true });
    const b = torch.randn([4], { requires_grad: true });
    const loss = s.call(a).sum().add(s.call(b).sum());
    expect(fired).toEqual(['fwd:torch.Size([2, 3])', 'fwd:torch.Size([4])']);
    loss.backward();
    expect(fired.slice(2)).toEqual(['bw:torch.Size([4])', 'bw:torch.Size([2, 3])']);
  });

  it('parameter gradients sum over both uses', () => {
    const lin = new nn.Linear(3, 2);
    let calls = 0;
    lin.register_full_backward_hook(() => void calls++);
    const x1 = torch.randn([2, 3], { requires_grad: true });
    const x2 = torch.randn([5, 3], { requires_grad: true });
    lin.call(x1).sum().add(lin.call(x2).sum()).backward();
    expect(calls).toBe(2);
    // d/dW sum(x Wᵀ) = column sums of x, for every output row
    const col = torch.no_grad(() => x1.sum(0).add(x2.sum(0)));
    expect_close(lin.weight.grad, torch.stack([col, col]), 'weight.grad');
    expect(values(lin.bias!.grad)).toEqual([7, 7]);
  });
});

describe('containers', () => {
  function nested(): { net: nn.Sequential; rec: Recorder } {
    const net = new nn.Sequential(new nn.Sequential(new nn.Linear(D, 3), new nn.ReLU()), new nn.Linear(3, 2));
    const rec = new Recorder();
    for (const path of ['', '0', '0.0', '1']) rec.on(net.get_submodule(path), path === '' ? '<outer>' : path, ['forward_pre', 'forward', 'full']);
    return { net, rec };
  }
  const forward_order = ['forward_pre:<outer>', 'forward_pre:0', 'forward_pre:0.0', 'forward:0.0', 'forward:0', 'forward_pre:1', 'forward:1', 'forward:<outer>'];

  it('Sequential inside Sequential: hooks nest around the children; backward runs children first', () => {
    const { net, rec } = nested();
    net.call(torch.randn([2, D], { requires_grad: true })).sum().backward();
    expect(event_sequence(rec.events)).toEqual([...forward_order, 'full_backward_hook:1', 'full_backward_hook:0.0', 'full_backward_hook:0', 'full_backward_hook:<outer>']);
  });

  it('when the input needs no grad, each container fires as soon as its grad_output is known', () => {
    const { net, rec } = nested();
    net.call(torch.randn([2, D])).sum().backward();
    expect(event_sequence(rec.events)).toEqual([...forward_order, 'full_backward_hook:<outer>', 'full_backward_hook:1', 'full_backward_hook:0', 'full_backward_hook:0.0']);
    const outer = rec.events.find((e) => e['module'] === '<outer>' && e['event'] === 'full_backward_hook')!;
    expect(outer['grad_input']).toEqual([null]);
  });
});

describe('hooks under no_grad', () => {
  it('forward hooks fire, nothing is wrapped and backward hooks never fire', () => {
    const lin = new nn.Linear(D, 2);
    const fired: string[] = [];
    let seen: [string | null, string | null] = ['', ''];
    lin.register_forward_pre_hook(() => void fired.push('pre'));
    lin.register_forward_hook((_m, args, out) => {
      fired.push('fwd');
      seen = [args[0]!.grad_fn?.name() ?? null, out.grad_fn?.name() ?? null];
    });
    lin.register_full_backward_pre_hook(() => void fired.push('bw_pre'));
    lin.register_full_backward_hook(() => void fired.push('bw'));
    const x = torch.randn([2, D], { requires_grad: true });
    const out = torch.no_grad(() => lin.call(x));
    expect(fired).toEqual(['pre', 'fwd']);
    expect(seen).toEqual([null, null]);
    expect(out.requires_grad).toBe(false);
    expect(() => out.sum().backward()).toThrow('element 0 of tensors does not require grad and does not have a grad_fn');
    expect(fired).toEqual(['pre', 'fwd']);
    lin.call(x).sum().backward();
    expect(fired).toEqual(['pre', 'fwd', 'pre', 'fwd', 'bw_pre', 'bw']);
  });
});

describe('full backward pre-hooks replace grad_output', () => {
  it('zeroing grad_output zeroes the input gradient', () => {
    const lin = new nn.Linear(2, 2);
    lin.register_full_backward_pre_hook((_m, go) => [go[0]!.mul(0)]);
    const a = torch.ones([2], { requires_grad: true });
    lin.call(a).sum().backward();
    expect(is_zero(a.grad)).toBe(true);
  });

  it('zeroing grad_output zeroes the parameter gradients when no input requires grad', () => {
    const lin = new nn.Linear(3, 2);
    let fired = 0;
    lin.register_full_backward_pre_hook((_m, go) => {
      fired++;
      return [go[0]!.mul(0)];
    });
    lin.call(torch.randn([4, 3])).sum().backward();
    expect(fired).toBe(1);
    expect(is_zero(lin.weight.grad)).toBe(true);
    expect(is_zero(lin.bias!.grad)).toBe(true);
  });

  it('pre-hooks chain, and the full backward hook sees the replaced grad_output', () => {
    const m = new nn.Sigmoid();
    const seen: number[][] = [];
    m.register_full_backward_pre_hook((_m, go) => [go[0]!.mul(0.5)]);
    m.register_full_backward_pre_hook((_m, go) => {
      seen.push(values(go[0]!));
      return [go[0]!.add(1)];
    });
    m.register_full_backward_hook((_m, _gi, go) => void seen.push(values(go[0]!)));
    const t = torch.ones([1, 2], { requires_grad: true });
    m.call(t).sum().backward();
    expect(seen).toEqual([[0.5, 0.5], [1.5, 1.5]]);
    const s = torch.sigmoid(torch.ones([1, 2]));
    expect_close(t.grad, s.mul(torch.rsub(s, 1)).mul(1.5), 't.grad');
  });

  it('a wrong number of grad_output raises', () => {
    const m = new nn.Sigmoid();
    const x = torch.randn([5, 5], { requires_grad: true });
    const bad: [string, (go: Grad[]) => Grad[]][] = [
      ['got 0, but expected 1', () => []],
      ['got 2, but expected 1', (go) => [...go, torch.randn([2, 2])]],
    ];
    for (const [msg, ret] of bad) {
      const h = m.register_full_backward_pre_hook((_m, go) => ret(go));
      expect(() => m.call(x).sum().backward()).toThrow(`Backward pre hook returned an invalid number of grad_output, ${msg}`);
      h.remove();
    }
  });
});

describe('errors, with PyTorch exact text', () => {
  const E11 = 'Cannot use both regular backward hooks and full backward hooks on a single Module. Please use only one of them.';
  const E15 =
    'Output 0 of BackwardHookFunctionBackward is a view and is being modified inplace. This view was created inside a custom Function (or because an input was returned as-is) and the autograd logic to handle view+inplace would override the custom backward associated with the custom Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the output of the custom Function.';

  it('E11: legacy and full backward hooks on one module, either order, registering nothing', () => {
    for (const first of ['legacy', 'full'] as const) {
      const m = new nn.Linear(2, 2);
      if (first === 'legacy') m.register_backward_hook(() => undefined);
      else m.register_full_backward_hook(() => undefined);
      const next_id = peek_next_handle_id();
      const flag = m._is_full_backward_hook;
      const second = (): RemovableHandle => (first === 'legacy' ? m.register_full_backward_hook(() => undefined) : m.register_backward_hook(() => undefined));
      expect(second).toThrow(E11);
      expect(m._backward_hooks.size).toBe(1);
      expect(m._is_full_backward_hook).toBe(flag);
      expect(peek_next_handle_id()).toBe(next_id);
    }
  });

  it('E11 for global hooks too', () => {
    global_handles.push(nn.register_module_full_backward_hook(() => undefined));
    expect(() => nn.register_module_backward_hook(() => undefined)).toThrow(E11);
  });

  it('E13: a full backward hook returning the wrong number of grads', () => {
    const m = new nn.Sigmoid();
    const x = torch.randn([5, 5], { requires_grad: true });
    for (const [msg, ret] of [
      ['got 0, but expected 1', (gi: Grad[]) => gi.slice(0, -1)],
      ['got 2, but expected 1', (gi: Grad[]) => [...gi, torch.randn([2, 2])]],
    ] as const) {
      const h = m.register_full_backward_hook((_m, gi) => ret(gi));
      expect(() => m.call(x).sum().backward()).toThrow(`Backward hook returned an invalid number of grad_input, ${msg}`);
      h.remove();
    }
  });

  it('E14: a full backward hook returning grads although no input requires grad; all-null returns are fine', () => {
    const lin = new nn.Linear(2, 3);
    const inp = torch.rand([1, 2]);
    let ret: 'none' | 'grad_input' | 'invalid' = 'none';
    let calls = 0;
    lin.register_full_backward_hook((_m, gi, go) => {
      calls++;
      expect(gi).toEqual([null]);
      expect(go[0]!.shape).toEqual([1, 3]);
      return ret === 'none' ? undefined : ret === 'grad_input' ? gi : [inp];
    });
    lin.call(inp).sum().backward();
    ret = 'grad_input';
    lin.call(inp).sum().backward();
    expect(calls).toBe(2);
    ret = 'invalid';
    expect(() => lin.call(inp).sum().backward()).toThrow(
      'Backward hook for Modules where no input requires gradient should always return None or None for all gradients.',
    );
  });

  it('E15: in-place on a wrapped input inside forward and on a wrapped output', () => {
    const r = new nn.ReLU({ inplace: true });
    r.register_full_backward_hook(() => undefined);
    const x = torch.randn([2, 3], { requires_grad: true });
    expect(() => r.call(x.mul(1))).toThrow(E15);
    const s = new nn.Sigmoid();
    s.register_full_backward_hook(() => undefined);
    const out = s.call(x);
    expect(out.grad_fn?.name()).toBe('BackwardHookFunctionBackward');
    expect(() => out.add_(1)).toThrow(E15);
  });
});

describe('a throwing hook leaves the module usable', () => {
  const kinds = ['forward_pre', 'forward', 'full_backward', 'full_backward_pre'] as const;
  for (const kind of kinds) {
    it(`${kind}`, () => {
      const lin = new nn.Linear(3, 2);
      const x = torch.randn([4, 3], { requires_grad: true });
      lin.call(x).sum().backward();
      const ref = [snap(x.grad), snap(lin.weight.grad), snap(lin.bias!.grad)];
      x.grad = null;
      lin.zero_grad();
      const boom = (): never => {
        throw new Error(`${kind} hook failed`);
      };
      const h =
        kind === 'forward_pre' ? lin.register_forward_pre_hook(boom)
        : kind === 'forward' ? lin.register_forward_hook(boom)
        : kind === 'full_backward' ? lin.register_full_backward_hook(boom)
        : lin.register_full_backward_pre_hook(boom);
      expect(() => lin.call(x).sum().backward()).toThrow(`${kind} hook failed`);
      h.remove();
      expect([lin._forward_pre_hooks.size, lin._forward_hooks.size, lin._backward_hooks.size, lin._backward_pre_hooks.size]).toEqual([0, 0, 0, 0]);
      x.grad = null;
      lin.zero_grad();
      lin.call(x).sum().backward();
      expect_close(x.grad, ref[0]!, 'x.grad');
      expect_close(lin.weight.grad, ref[1]!, 'weight.grad');
      expect_close(lin.bias!.grad, ref[2]!, 'bias.grad');
    });
  }

  it('register_hook on a tensor without grad registers nothing', () => {
    const t = torch.ones([2]);
    const next_id = peek_next_handle_id();
    expect(() => t.register_hook(() => undefined)).toThrow("cannot register a hook on a tensor that doesn't require gradient");
    expect(t._hooks?.size ?? 0).toBe(0);
    expect(peek_next_handle_id()).toBe(next_id);
  });
});

describe('RemovableHandle', () => {
  it('ids come from one counter shared by every hook kind, increasing by one per registration', () => {
    const lin = new nn.Linear(2, 2);
    const x = torch.randn([2], { requires_grad: true });
    const y = x.mul(2);
    const handles = [
      lin.register_forward_pre_hook(() => undefined),
      lin.register_forward_hook(() => undefined, { always_call: true }),
      x.register_hook(() => undefined),
      lin.register_full_backward_pre_hook(() => undefined),
      y.register_hook(() => undefined),
      lin.register_full_backward_hook(() => undefined),
      y.grad_fn!.register_hook(() => undefined),
      lin.weight.register_post_accumulate_grad_hook(() => undefined),
      nn.register_module_forward_pre_hook(() => undefined),
      nn.register_module_forward_hook(() => undefined),
    ];
    global_handles.push(...handles.slice(-2));
    const ids = handles.map((h) => h.id);
    expect(ids.slice(1).map((id, i) => id - ids[i]!)).toEqual(Array(ids.length - 1).fill(1));
    expect(peek_next_handle_id()).toBe(ids.at(-1)! + 1);
  });

  it('`using` removes the hook at block end, also when the block throws; remove() is idempotent', () => {
    const m = new nn.Sigmoid();
    const fired: string[] = [];
    let kept: RemovableHandle | null = null;
    {
      using h = m.register_forward_hook(() => void fired.push('inside'));
      kept = h;
      m.call(torch.ones([1]));
      expect(h.is_registered).toBe(true);
    }
    m.call(torch.ones([1]));
    expect(fired).toEqual(['inside']);
    expect(kept.is_registered).toBe(false);
    expect(() => kept!.remove()).not.toThrow();
    expect(() => {
      using _h = m.register_forward_hook(() => undefined, { with_kwargs: true, always_call: true });
      throw new Error('block failed');
    }).toThrow('block failed');
    expect([m._forward_hooks.size, m._forward_hooks_with_kwargs.size, m._forward_hooks_always_called.size]).toEqual([0, 0, 0]);
  });
});

describe('hooks_dict_ref and nn.modules.module', () => {
  it("a module hook's handle reaches its map; a tensor or node hook's handle does not (it must not keep a step alive)", () => {
    const lin = new nn.Linear(2, 2);
    const h = lin.register_forward_hook(() => undefined);
    expect(h.hooks_dict_ref()).toBe(lin._forward_hooks);
    expect(h.hooks_dict_ref()!.has(h.id)).toBe(true);
    h.remove();
    expect(h.hooks_dict_ref()!.size).toBe(0);
    const y = torch.ones([2], { requires_grad: true }).mul(2);
    expect(y.register_hook(() => undefined).hooks_dict_ref()).toBeNull();
    expect(y.grad_fn!.register_hook(() => undefined).hooks_dict_ref()).toBeNull();
  });

  it('the registries read live, and assigning a new Map (a tearDown) empties them', () => {
    const fired: string[] = [];
    const h = nn.modules.module.register_module_forward_hook(() => void fired.push('f'), { always_call: true });
    global_handles.push(h);
    expect(h.hooks_dict_ref()).toBe(nn.modules.module._global_forward_hooks);
    expect(nn.modules.module._global_forward_hooks.has(h.id)).toBe(true);
    expect(nn.modules.module._global_forward_hooks_always_called.size).toBe(1);
    new nn.Sigmoid().call(torch.ones([1]));
    nn.modules.module._global_forward_hooks = new Map();
    nn.modules.module._global_forward_hooks_always_called = new Map();
    new nn.Sigmoid().call(torch.ones([1]));
    expect(fired).toEqual(['f']);
    expect(h.is_registered).toBe(false);
    expect(nn.modules.module._global_forward_hooks.size).toBe(0);
  });
});

describe('nn.utils.list_hooks / remove_all_hooks', () => {
  it('list every hook of a tree in tree order and remove them all', () => {
    const net = new nn.Sequential(new nn.Linear(D, 3), new nn.Sequential(new nn.ReLU(), new nn.Linear(3, 2)));
    const fired: string[] = [];
    const note = (s: string) => (): undefined => void fired.push(s);
    const lin0 = net.at<nn.Linear>(0);
    const inner = net.at<nn.Sequential>(1);
    const lin11 = inner.at<nn.Linear>(1);
    const handles = [
      inner.register_forward_pre_hook((_m, _a, _k) => void fired.push('inner_pre'), { with_kwargs: true }),
      lin0.weight.register_hook(note('w0')),
      lin11.register_full_backward_hook(note('bw')),
      lin0.register_forward_hook(note('fwd0'), { always_call: true }),
      net.register_forward_pre_hook(note('root_pre')),
      lin11.bias!.register_post_accumulate_grad_hook(note('acc')),
    ];
    const listed = nn.utils.list_hooks(net).map(({ path, kind, id, options }) => ({ path, kind, id, options }));
    const [inner_pre, w0, bw, fwd0, root_pre, acc] = handles.map((h) => h.id);
    expect(listed).toEqual([
      { path: '', kind: 'forward_pre', id: root_pre, options: {} },
      { path: '0', kind: 'forward', id: fwd0, options: { always_call: true } },
      { path: '0.weight', kind: 'tensor', id: w0, options: {} },
      { path: '1', kind: 'forward_pre', id: inner_pre, options: { with_kwargs: true } },
      { path: '1.1', kind: 'full_backward', id: bw, options: {} },
      { path: '1.1.bias', kind: 'post_accumulate_grad', id: acc, options: {} },
    ]);
    const x = torch.randn([2, D], { requires_grad: true });
    net.call(x).sum().backward();
    expect(fired.sort()).toEqual(['acc', 'bw', 'fwd0', 'inner_pre', 'root_pre', 'w0']);

    expect(nn.utils.remove_all_hooks(net)).toBe(6);
    expect(nn.utils.list_hooks(net)).toEqual([]);
    expect(handles.map((h) => h.is_registered)).toEqual(Array(6).fill(false));
    expect([inner._forward_pre_hooks_with_kwargs.size, lin0._forward_hooks_always_called.size]).toEqual([0, 0]);
    fired.length = 0;
    net.call(x).sum().backward();
    expect(fired).toEqual([]);
    expect(() => handles.forEach((h) => h.remove())).not.toThrow();
  });
});

describe('hooks do not keep a module alive', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  it.skipIf(typeof gc !== 'function')('a collected module leaves its handles inert (skipped without --expose-gc, e.g. NODE_OPTIONS=--expose-gc)', async () => {
    const make = (): [WeakRef<nn.Module>, RemovableHandle[]] => {
      const lin = new nn.Linear(3, 2);
      const handles = [
        lin.register_forward_pre_hook(() => undefined),
        lin.register_forward_hook(() => undefined, { with_kwargs: true, always_call: true }),
        lin.register_full_backward_pre_hook(() => undefined),
        lin.register_full_backward_hook(() => undefined),
      ];
      lin.call(torch.randn([2, 3], { requires_grad: true })).sum().backward();
      return [new WeakRef(lin), handles];
    };
    const [ref, handles] = make();
    for (let i = 0; i < 10 && ref.deref() !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc!();
    }
    expect(ref.deref()).toBeUndefined();
    // the registry learns of the collection in a later task
    for (let i = 0; i < 10 && handles.some((h) => h.is_registered); i++) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(handles.map((h) => h.is_registered)).toEqual([false, false, false, false]);
    expect(() => handles.forEach((h) => h.remove())).not.toThrow();
  });
});

describe('compile-time hook typing', () => {
  it('types_check.ts compiles, and each wrong hook signature in it is a type error', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
    const file = fileURLToPath(new URL('./types_check.ts', import.meta.url));
    const args = [
      tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
      '--lib', 'es2022,esnext.disposable,dom', '--types', 'node', '--skipLibCheck', '--customConditions', 'source', file,
    ];
    let output = '';
    try {
      execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    // an '@ts-expect-error' whose line compiles is reported as "Unused '@ts-expect-error' directive"
    expect(output).toBe('');
  }, 300_000);
});
