// A line-by-line port of PyTorch's test/nn/test_module_hooks.py (2.x): every test of its four classes, same
// names, same assertions, written as a PyTorch user would port them (tsgrad's own code, not PyTorch's).
import * as torch from '@tsgrad/core';
import type { Grad, Tensor } from '@tsgrad/core';
import type { RemovableHandle } from '@tsgrad/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { capture_warnings } from './fixture_utils.js';

const values = (t: Tensor | null | undefined): number[] => Array.from(t!._contiguous_data());
/** PyTorch's assertEqual for tensors: same shape and values within float32 tolerance. */
function assert_equal(a: Tensor | null | undefined, b: Tensor, atol = 1e-5): void {
  expect(a).toBeInstanceOf(torch.Tensor);
  expect(a!.shape).toEqual(b.shape);
  const x = values(a);
  const y = values(b);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!), `[${i}]: ${v} vs ${y[i]}`).toBeLessThanOrEqual(atol + 1.3e-6 * Math.abs(y[i]!)));
}

class Net extends nn.Module {
  seq1 = new nn.Sequential(...Array.from({ length: 2 }, () => new nn.Linear(10, 10)));
  seq2 = new nn.Sequential(...Array.from({ length: 2 }, () => new nn.Linear(10, 10)));
  override forward(x: Tensor): Tensor {
    return this.seq2.call(this.seq1.call(x));
  }
}

class ToyModel extends nn.Module {
  net1 = new Net();
  net2 = new Net();
  override forward(x: Tensor): Tensor {
    return this.net2.call(this.net1.call(x));
  }
}

const forward_hook = (fired_hooks: number[], expected_module: nn.Module, hook_id: number) => (module: nn.Module, inp: unknown[], _out: unknown) => {
  fired_hooks.push(hook_id);
  expect(module).toBe(expected_module);
  expect(inp.length).toBe(1);
};
const forward_pre_hook = (fired_hooks: number[], expected_module: nn.Module, hook_id: number) => (module: nn.Module, inp: unknown[]) => {
  fired_hooks.push(hook_id);
  expect(module).toBe(expected_module);
  expect(inp.length).toBe(1);
};
const full_backward_hook = (fired_hooks: number[], expected_module: nn.Module, hook_id: number) => (module: nn.Module, grad_input: Grad[], grad_output: Grad[]) => {
  fired_hooks.push(hook_id);
  expect(module).toBe(expected_module);
  expect(grad_input.length).toBe(1);
  expect(grad_output.length).toBe(1);
};
const full_backward_pre_hook = (fired_hooks: number[], expected_module: nn.Module, hook_id: number) => (module: nn.Module, grad_input: Grad[]) => {
  fired_hooks.push(hook_id);
  expect(module).toBe(expected_module);
  expect(grad_input.length).toBe(1);
};

class KwargModel extends nn.Module {
  net1 = new Net();
  net2 = new Net();
  override forward(x: Tensor, { bias = null }: { bias?: Tensor | null } = {}): Tensor {
    if (bias !== null) x = x.add(bias);
    return x;
  }
  internal_forward_hook(_module: nn.Module, _args: unknown[], kwargs: Record<string, unknown>, out: Tensor): Tensor {
    return out.add(kwargs['bias'] as Tensor);
  }
}

class FailsInForwardModel extends nn.Module {
  net1 = new Net();
  override forward(x: Tensor, { fail = true }: { fail?: boolean } = {}): Tensor {
    if (fail) throw new Error('failing in forward');
    return this.net1.call(x);
  }
}

const kwarg_forward_pre_hook =
  (fired_hooks: number[], expected_module: nn.Module, hook_id: number) =>
  (module: nn.Module, args: unknown[], kwargs: Record<string, unknown>): [unknown[], Record<string, unknown>] => {
    fired_hooks.push(hook_id);
    expect(module).toBe(expected_module);
    expect(args.length).toBe(1);
    kwargs['bias'] = (kwargs['bias'] as Tensor).mul(2);
    return [args, kwargs];
  };
const kwarg_forward_hook =
  (fired_hooks: number[], expected_module: nn.Module, hook_id: number) =>
  (module: nn.Module, args: unknown[], kwargs: Record<string, unknown>, out: Tensor): Tensor => {
    fired_hooks.push(hook_id);
    expect(module).toBe(expected_module);
    expect(args.length).toBe(1);
    return out.add(kwargs['bias'] as Tensor);
  };

class DummyContextManager {
  constructor(readonly input: number[]) {}
  enter(): void {
    this.input.push(2);
  }
  exit(): void {
    this.input.push(-1);
  }
}

describe('TestModuleHooks', () => {
  it('test_forward_hooks', () => {
    const fired_hooks: number[] = [];
    const model = new ToyModel();
    const x = torch.randn(10, 10);
    const hook = (id: number) => forward_hook(fired_hooks, model.net1.seq2, id);
    model.net1.seq2.register_forward_hook(hook(0));
    model.net1.seq2.register_forward_hook(hook(1), { prepend: true });
    model.net1.seq2.register_forward_hook(hook(2));
    model.net1.seq2.register_forward_hook(hook(3));
    model.net1.seq2.register_forward_hook(hook(4), { prepend: true });
    const expected = [4, 1, 0, 2, 3];
    expect(fired_hooks).toEqual([]);
    const out = model.call(x);
    expect(fired_hooks).toEqual(expected);
    out.sum().backward();
    expect(fired_hooks).toEqual(expected);
    model.call(x).sum().backward();
    expect(fired_hooks).toEqual([...expected, ...expected]);
  });

  it('test_forward_pre_hooks', () => {
    const fired_hooks: number[] = [];
    const model = new ToyModel();
    const x = torch.randn(10, 10);
    const hook = (id: number) => forward_pre_hook(fired_hooks, model.net2.seq1, id);
    model.net2.seq1.register_forward_pre_hook(hook(0), { prepend: true });
    model.net2.seq1.register_forward_pre_hook(hook(1));
    model.net2.seq1.register_forward_pre_hook(hook(2));
    model.net2.seq1.register_forward_pre_hook(hook(3));
    model.net2.seq1.register_forward_pre_hook(hook(4), { prepend: true });
    const expected = [4, 0, 1, 2, 3];
    expect(fired_hooks).toEqual([]);
    const out = model.call(x);
    expect(fired_hooks).toEqual(expected);
    out.sum().backward();
    expect(fired_hooks).toEqual(expected);
    model.call(x).sum().backward();
    expect(fired_hooks).toEqual([...expected, ...expected]);
  });

  it('test_full_backward_hooks', () => {
    const fired_hooks: number[] = [];
    const model = new ToyModel();
    const x = torch.randn(10, 10);
    const hook = (id: number) => full_backward_hook(fired_hooks, model.net1, id);
    model.net1.register_full_backward_hook(hook(0));
    model.net1.register_full_backward_hook(hook(1));
    model.net1.register_full_backward_hook(hook(2));
    model.net1.register_full_backward_hook(hook(3), { prepend: true });
    model.net1.register_full_backward_hook(hook(4), { prepend: true });
    const expected = [4, 3, 0, 1, 2];
    expect(fired_hooks).toEqual([]);
    const out = model.call(x);
    expect(fired_hooks).toEqual([]);
    out.sum().backward();
    expect(fired_hooks).toEqual(expected);
    model.call(x).sum().backward();
    expect(fired_hooks).toEqual([...expected, ...expected]);
  });

  it('test_full_backward_pre_hooks', () => {
    const fired_hooks: number[] = [];
    const model = new ToyModel();
    const x = torch.randn(10, 10);
    const hook = (id: number) => full_backward_pre_hook(fired_hooks, model.net1, id);
    model.net1.register_full_backward_pre_hook(hook(0), { prepend: true });
    model.net1.register_full_backward_pre_hook(hook(1), { prepend: true });
    model.net1.register_full_backward_pre_hook(hook(2));
    model.net1.register_full_backward_pre_hook(hook(3));
    model.net1.register_full_backward_pre_hook(hook(4));
    const expected = [1, 0, 2, 3, 4];
    expect(fired_hooks).toEqual([]);
    const out = model.call(x);
    expect(fired_hooks).toEqual([]);
    out.sum().backward();
    expect(fired_hooks).toEqual(expected);
    model.call(x).sum().backward();
    expect(fired_hooks).toEqual([...expected, ...expected]);

    // Backward pre hook can affect subsequent gradient computation
    const a = torch.ones(2, { requires_grad: true });
    const lin = new nn.Linear(2, 2);
    const fn = (_unused_module: nn.Module, grad_output: Grad[]): Grad[] => [grad_output[0]!.mul(0)];
    lin.register_full_backward_pre_hook(fn);
    const out2 = lin.call(a);
    out2.sum().backward();
    assert_equal(a.grad, torch.zeros_like(a));
  });

  it('test_mixed_hooks', () => {
    const fired_hooks: number[] = [];
    const model = new ToyModel();
    const x = torch.randn(10, 10);
    model.register_forward_pre_hook(forward_pre_hook(fired_hooks, model, 0));
    model.register_forward_hook(forward_hook(fired_hooks, model, 1));
    model.register_full_backward_pre_hook(full_backward_pre_hook(fired_hooks, model, 2));
    model.register_full_backward_hook(full_backward_hook(fired_hooks, model, 3));
    expect(fired_hooks).toEqual([]);
    const out = model.call(x);
    expect(fired_hooks).toEqual([0, 1]);
    out.sum().backward();
    expect(fired_hooks).toEqual([0, 1, 2, 3]);
    model.call(x).sum().backward();
    expect(fired_hooks).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
  });

  it('test_kwarg_hooks', () => {
    // 1. test forward pre hook
    let fired_hooks: number[] = [];
    let x = torch.ones(10, 10);
    let bias = torch.ones(10, 10);
    let model = new KwargModel();
    model.register_forward_pre_hook(kwarg_forward_pre_hook(fired_hooks, model, 0), { with_kwargs: true });
    expect(fired_hooks).toEqual([]);
    let out = model.call(x, nn.kwargs({ bias }));
    expect(fired_hooks).toEqual([0]);
    assert_equal(out, x.add(bias.mul(2)));

    // 2. test forward pre and forward hooks
    fired_hooks = [];
    x = torch.ones(10, 10);
    bias = torch.ones(10, 10);
    model = new KwargModel();
    model.register_forward_hook(kwarg_forward_hook(fired_hooks, model, 1), { with_kwargs: true });
    model.register_forward_pre_hook(kwarg_forward_pre_hook(fired_hooks, model, 0), { with_kwargs: true });
    expect(fired_hooks).toEqual([]);
    out = model.call(x, nn.kwargs({ bias }));
    expect(fired_hooks).toEqual([0, 1]);
    assert_equal(out, x.add(bias.mul(4)));

    // 3. test nn.Module member method as forward-post hook
    x = torch.ones(10, 10);
    bias = torch.ones(10, 10);
    model = new KwargModel();
    model.register_forward_hook(model.internal_forward_hook, { with_kwargs: true });
    out = model.call(x, nn.kwargs({ bias }));
    assert_equal(out, x.add(bias.mul(2)));
  });

  it('test_remove_kwarg_hooks', () => {
    const fired_hooks: number[] = [];
    const x = torch.ones(10, 10);
    const bias = torch.ones(10, 10);
    const model = new KwargModel();
    const forward_hook_handle = model.register_forward_hook(kwarg_forward_hook(fired_hooks, model, 1), { with_kwargs: true });
    const forward_pre_hook_handle = model.register_forward_pre_hook(kwarg_forward_pre_hook(fired_hooks, model, 0), { with_kwargs: true });
    expect(fired_hooks).toEqual([]);
    let out = model.call(x, nn.kwargs({ bias }));
    expect(fired_hooks).toEqual([0, 1]);
    assert_equal(out, x.add(bias.mul(4)));

    forward_hook_handle.remove();
    out = model.call(x, nn.kwargs({ bias }));
    expect(fired_hooks).toEqual([0, 1, 0]);
    assert_equal(out, x.add(bias.mul(2)));
    expect(model._forward_hooks_with_kwargs.has(forward_hook_handle.id)).toBe(false);

    forward_pre_hook_handle.remove();
    out = model.call(x, nn.kwargs({ bias }));
    expect(fired_hooks).toEqual([0, 1, 0]);
    assert_equal(out, x.add(bias));
    expect(model._forward_pre_hooks_with_kwargs.has(forward_pre_hook_handle.id)).toBe(false);
  });

  it('test_always_called_forward_hooks', () => {
    const x = torch.ones(10, 10);
    const model = new FailsInForwardModel();
    const stack: number[] = [];
    let ctx: DummyContextManager | null = null;
    const setup_context = (): void => {
      ctx = new DummyContextManager(stack);
    };
    const ctx_setup_hook = (_m: nn.Module, _i: unknown[]): void => {
      setup_context();
      ctx!.enter();
    };
    const ctx_setup_failure_hook = (_m: nn.Module, _i: unknown[]): void => {
      setup_context();
      ctx!.enter();
      throw new Error('failing in ctx setup');
    };
    const ctx_shutdown_hook = (_m: nn.Module, _i: unknown[], _o: unknown): void => {
      ctx!.exit();
    };
    const ctx_shutdown_failure_hook = (_m: nn.Module, _i: unknown[], _o: unknown): void => {
      ctx!.exit();
      throw new Error('failing in ctx shutdown');
    };
    const throw_hook = (_m: nn.Module, _i: unknown[], _o: unknown): void => {
      throw new Error('failing in throw');
    };

    const forward_pre_hook_handle = model.register_forward_pre_hook(ctx_setup_hook);
    const forward_hook_handle = model.register_forward_hook(ctx_shutdown_hook, { always_call: true });
    expect(model._forward_hooks_always_called.size === 1).toBe(true);

    // the always_called forward hook runs when model.forward raises
    expect(() => model.call(x)).toThrow('failing in forward');
    expect(stack).toEqual([2, -1]);

    // it does not run twice if there is no error
    model.call(x, nn.kwargs({ fail: false }));
    expect(stack).toEqual([2, -1, 2, -1]);

    // it runs when a forward pre hook raises
    forward_pre_hook_handle.remove();
    model.register_forward_pre_hook(ctx_setup_failure_hook);
    expect(() => model.call(x, nn.kwargs({ fail: false }))).toThrow('failing in ctx setup');
    expect(stack).toEqual([2, -1, 2, -1, 2, -1]);

    // it runs when another always_called forward hook raises an error
    const forward_hook_handle2 = model.register_forward_hook(throw_hook, { prepend: true, always_call: true });
    // the error raised is not the forced hook's
    expect(() => model.call(x, nn.kwargs({ fail: false }))).toThrow('failing in ctx setup');
    expect(stack).toEqual([2, -1, 2, -1, 2, -1, 2, -1]);

    // always called forward hooks are properly removed
    forward_hook_handle.remove();
    forward_hook_handle2.remove();
    expect(model._forward_hooks_always_called.size === 0).toBe(true);

    // an always called forward hook does not run twice if it fails while running
    const forward_hook_handle3 = model.register_forward_hook(ctx_shutdown_failure_hook, { always_call: true });
    expect(() => model.call(x, nn.kwargs({ fail: false }))).toThrow('failing in ctx setup');
    expect(stack).toEqual([2, -1, 2, -1, 2, -1, 2, -1, 2, -1]);
    forward_hook_handle3.remove();

    const global_forward_hook_handle = nn.modules.module.register_module_forward_hook(ctx_shutdown_hook, { always_call: true });
    expect(nn.modules.module._global_forward_hooks_always_called.size === 1).toBe(true);
    // the global forward hook runs when a forward pre hook raises
    expect(() => model.call(x, nn.kwargs({ fail: false }))).toThrow('failing in ctx setup');
    expect(stack).toEqual([2, -1, 2, -1, 2, -1, 2, -1, 2, -1, 2, -1]);

    // the forced global forward hook is properly removed
    global_forward_hook_handle.remove();
    expect(nn.modules.module._global_forward_hooks_always_called.size === 0).toBe(true);
    expect(() => model.call(x)).toThrow('failing in ctx setup');
    expect(stack).toEqual([2, -1, 2, -1, 2, -1, 2, -1, 2, -1, 2, -1, 2]);
  });

  it('test_bw_hook_warning_for_non_tensor_or_tuple', () => {
    const counter = { forward: 0, backward: 0 };
    const fw_pre_hook = (_module: nn.Module, _inputs: unknown[]): void => void counter.forward++;
    const fw_hook = (_module: nn.Module, _inputs: unknown[], _outputs: unknown): void => void counter.forward++;
    const bw_hook = (_module: nn.Module, _inputs: Grad[], _outputs?: Grad[]): void => void counter.backward++;

    class TestModule extends nn.Module {
      override forward(dict: { x: Tensor }): { x: Tensor } {
        const inp = dict.x;
        const x = nn.functional.softmax(inp, { dim: 0 });
        return { x };
      }
    }

    const x = torch.ones(2, { requires_grad: true });
    const model = new TestModule();
    model.register_forward_pre_hook(fw_pre_hook);
    model.register_forward_hook(fw_hook);
    model.register_full_backward_pre_hook(bw_hook);
    model.register_full_backward_hook(bw_hook);

    const [, w] = capture_warnings(() => {
      const y = model.call({ x }).x;
      const loss = y.sum();
      loss.backward();
    });
    expect(counter.forward).toBe(2);
    expect(counter.backward).toBe(0);
    expect(w.length).toBe(1);
    expect(w[0]!.message).toContain('should be a Tensor or a tuple of Tensors');
  });
});

const _hook_to_pickle = (..._args: unknown[]): void => undefined;

describe('TestStateDictHooks', () => {
  it('test_load_state_dict_pre_hook', () => {
    const m = new nn.Linear(10, 10);
    const m_state_dict = m.state_dict();
    const m_load = new nn.Linear(10, 10);
    let hook_called = 0;

    const hook_without_module = (state_dict: nn.StateDict, _prefix: string, _local_metadata: unknown, _strict: boolean, _missing_keys: string[], _unexpected_keys: string[], _error_msgs: string[]): void => {
      expect(state_dict).toEqual(m_state_dict);
      hook_called += 1;
    };
    const hook_with_module = (module: nn.Module, state_dict: nn.StateDict, _prefix: string, _local_metadata: unknown, _strict: boolean, _missing_keys: string[], _unexpected_keys: string[], _error_msgs: string[]): void => {
      expect(state_dict).toEqual(m_state_dict);
      expect(m_load === module).toBe(true);
      hook_called += 1;
    };

    hook_called = 0;
    m_load._register_load_state_dict_pre_hook(hook_without_module);
    m_load.load_state_dict(m_state_dict);
    expect(hook_called).toBe(1);

    hook_called = 0;
    m_load._register_load_state_dict_pre_hook(hook_with_module, true);
    m_load.load_state_dict(m_state_dict);
    expect(hook_called).toBe(2);
  });

  const gc = (globalThis as { gc?: () => void }).gc;
  it.skipIf(typeof gc !== 'function')('test_no_extra_ref_to_module', async () => {
    const make = (): WeakRef<nn.Module> => {
      const m = new nn.Linear(10, 10);
      m._register_load_state_dict_pre_hook(_hook_to_pickle, true);
      return new WeakRef(m);
    };
    const weak_m = make();
    for (let i = 0; i < 10 && weak_m.deref() !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc!();
    }
    expect(weak_m.deref()).toBeUndefined();
  });

  it('test_pickled_hook', () => {
    // pickle.loads(pickle.dumps(m)) is a deep copy in tsgrad; the copy keeps the hook
    const m = new nn.Linear(10, 10);
    let called = 0;
    m._register_load_state_dict_pre_hook(() => void called++, true);
    const copy = nn.deepcopy(m);
    copy.load_state_dict(m.state_dict());
    expect(called).toBe(1);
  });

  it('test_load_state_dict_module_pre_hook', () => {
    let hook_called = 0;

    class MyModule extends nn.Module {
      foo = new nn.Parameter(torch.rand(10));
      my_pre_load_hook = (_state_dict: nn.StateDict, _prefix: string, _local_metadata: unknown, strict: boolean, missing_keys: string[], unexpected_keys: string[], error_msgs: string[]): void => {
        expect(error_msgs).toEqual([]);
        expect(unexpected_keys).toEqual([]);
        expect(missing_keys).toEqual([]);
        expect(strict).toBe(true);
        hook_called += 1;
      };
      my_pre_load_hook_with_module = (module: nn.Module, _state_dict: nn.StateDict, _prefix: string, _local_metadata: unknown, strict: boolean, missing_keys: string[], unexpected_keys: string[], error_msgs: string[]): void => {
        expect(error_msgs).toEqual([]);
        expect(unexpected_keys).toEqual([]);
        expect(missing_keys).toEqual([]);
        expect(strict).toBe(true);
        expect(this === module).toBe(true);
        hook_called += 1;
      };
    }

    class MyModuleContainer extends nn.Module {
      constructor(readonly mod: nn.Module) {
        super();
      }
    }

    for (const ctor of [(x: MyModule) => new MyModuleContainer(x), (x: MyModule) => x]) {
      const m = ctor(new MyModule());
      const state_dict = m.state_dict();
      const mod = (m instanceof MyModuleContainer ? m.mod : m) as MyModule;

      hook_called = 0;
      mod._register_load_state_dict_pre_hook(mod.my_pre_load_hook);
      m.load_state_dict(state_dict);
      expect(hook_called).toBe(1);

      hook_called = 0;
      mod._register_load_state_dict_pre_hook(mod.my_pre_load_hook_with_module, true);
      m.load_state_dict(state_dict);
      expect(hook_called).toBe(2);
    }
  });

  it('test_load_state_dict_post_hook', () => {
    let hook_called = 0;

    class MyModule extends nn.Module {
      foo = new nn.Parameter(torch.rand(10));
      my_post_load_hook(module: nn.Module, incompatible_keys: nn.IncompatibleKeys): void {
        expect(module).toBe(this);
        incompatible_keys.missing_keys.push('foo');
        incompatible_keys.unexpected_keys.push('bar');
        hook_called += 1;
      }
    }

    const nested = new MyModule();
    const wrapped = new nn.ModuleList([nested]);
    const handle = nested.register_load_state_dict_post_hook(nested.my_post_load_hook.bind(nested));
    // the hook must be called even if it is wrapped
    let ret = wrapped.load_state_dict(wrapped.state_dict(), { strict: false });
    expect(hook_called).toBe(1);
    expect(ret.missing_keys).toEqual(['foo']);
    expect(ret.unexpected_keys).toEqual(['bar']);
    // with strict=True, the error mentions the missing and unexpected keys the hook added
    expect(() => wrapped.load_state_dict(wrapped.state_dict(), { strict: true })).toThrow(/foo.*\n.*bar/);
    expect(hook_called).toBe(2);
    handle.remove();
    ret = wrapped.load_state_dict(wrapped.state_dict(), { strict: false });
    expect(ret.missing_keys).toEqual([]);
    expect(ret.unexpected_keys).toEqual([]);
    expect(hook_called).toBe(2);

    const load_hook_clear_incompatible = (_module: nn.Module, incompatible_keys: nn.IncompatibleKeys): void => {
      incompatible_keys.missing_keys.length = 0;
      incompatible_keys.unexpected_keys.length = 0;
    };
    nested.register_load_state_dict_post_hook(load_hook_clear_incompatible);
    const state_dict = wrapped.state_dict();
    state_dict['extra'] = torch.ones(1);
    // strict=True does not throw
    ret = wrapped.load_state_dict(state_dict, { strict: true });
    expect(ret.missing_keys).toEqual([]);
    expect(ret.unexpected_keys).toEqual([]);
  });

  it('test_load_state_dict_post_hook_backward_compatibility', () => {
    // PyTorch simulates a module pickled before post hooks existed; a tsgrad module always has them, and a copy
    // (tsgrad's stand-in for save/load of a module) loads without calling any and takes new ones.
    let called = false;
    const my_post_load_hook = (_mod: nn.Module, _: nn.IncompatibleKeys): void => {
      called = true;
    };
    for (let m of [new nn.Softmin(10), new nn.Softmax(10), new nn.LogSoftmax(10)] as nn.Module[]) {
      called = false;
      const sd = nn.deepcopy(m.state_dict());
      expect('_load_state_dict_post_hooks' in m).toBe(true);
      m = nn.deepcopy(m);
      m.load_state_dict(sd);
      expect(called).toBe(false);
      m.register_load_state_dict_post_hook(my_post_load_hook);
      m.load_state_dict(sd);
      expect(called).toBe(true);
    }
  });
});

describe('TestModuleGlobalHooks', () => {
  afterEach(() => {
    nn.modules.module._global_backward_hooks = new Map();
    nn.modules.module._global_forward_hooks = new Map();
    nn.modules.module._global_forward_pre_hooks = new Map();
  });

  it('test_module_global_hooks', () => {
    const module = nn.Sigmoid;
    const module_1 = new module();
    const module_2 = new module();
    const module_3 = new module();
    const input = torch.ones(5, 5, { requires_grad: true });
    const counter = { forwards: 0, backwards: 0 };

    const fw_hook = (inc: number, h_module: nn.Module, input: unknown[], output: unknown): void => {
      expect(Array.isArray(input)).toBe(true);
      expect(output).toBeInstanceOf(torch.Tensor);
      expect(h_module).toBeInstanceOf(module);
      assert_equal(input[0] as Tensor, torch.ones(5, 5));
      assert_equal(output as Tensor, torch.empty(5, 5).fill_(1 / (1 + 1 / Math.E)));
      counter.forwards += inc;
    };
    const bw_hook = (inc: number, h_module: nn.Module, grad_input: Grad[], grad_output: Grad[]): void => {
      expect(Array.isArray(grad_input)).toBe(true);
      expect(Array.isArray(grad_output)).toBe(true);
      expect(h_module).toBeInstanceOf(module);
      assert_equal(grad_output[0], torch.ones(5, 5).mul(2));
      counter.backwards += inc;
    };

    const test_fwd = nn.modules.module.register_module_forward_hook((...args) => fw_hook(1, ...args));
    module_1.call(input);
    module_2.call(input);
    module_3.call(input);
    expect(counter.forwards).toBe(3);
    expect(counter.backwards).toBe(0);

    const test_bwd = nn.modules.module.register_module_backward_hook((...args) => bw_hook(1, ...args));
    const output_1 = module_1.call(input);
    const output_2 = module_2.call(input);
    const output_3 = module_3.call(input);
    expect(counter.forwards).toBe(6);
    expect(counter.backwards).toBe(0);

    output_1.backward(torch.ones(5, 5).mul(2), { retain_graph: true });
    output_2.backward(torch.ones(5, 5).mul(2), { retain_graph: false });
    output_3.backward(torch.ones(5, 5).mul(2), { retain_graph: false });
    expect(counter.forwards).toBe(6);
    expect(counter.backwards).toBe(3);

    output_1.backward(torch.ones(5, 5).mul(2), { retain_graph: true });
    expect(counter.forwards).toBe(6);
    expect(counter.backwards).toBe(4);

    const test2_fwd = nn.modules.module.register_module_forward_hook((...args) => fw_hook(2, ...args));
    module_1.call(input);
    module_2.call(input);
    module_3.call(input);
    expect(counter.forwards).toBe(15);
    expect(counter.backwards).toBe(4);

    const test2_bwd = nn.modules.module.register_module_backward_hook((...args) => bw_hook(2, ...args));
    module_1.call(input).backward(torch.ones(5, 5).mul(2));
    expect(counter.forwards).toBe(18);
    expect(counter.backwards).toBe(7);

    test2_bwd.remove();
    module_2.call(input).backward(torch.ones(5, 5).mul(2));
    expect(counter.forwards).toBe(21);
    expect(counter.backwards).toBe(8);

    test2_fwd.remove();
    module_3.call(input).backward(torch.ones(5, 5).mul(2));
    expect(counter.forwards).toBe(22);
    expect(counter.backwards).toBe(9);

    test_fwd.remove();
    test_bwd.remove();
  });

  it('test_module_global_hook_invalid_outputs', () => {
    const module = new nn.Sigmoid();
    const input = torch.randn(5, 5, { requires_grad: true });
    const bw_fail1 = (_self: nn.Module, grad_input: Grad[], _grad_output: Grad[]): Grad[] => grad_input.slice(0, -1);
    const bw_fail2 = (_self: nn.Module, grad_input: Grad[], _grad_output: Grad[]): Grad[] => [...grad_input, torch.randn(2, 2)];
    {
      using _h = nn.modules.module.register_module_backward_hook(bw_fail1);
      expect(() => module.call(input).sum().backward()).toThrow('got 0, but expected 1');
    }
    {
      using _h = nn.modules.module.register_module_backward_hook(bw_fail2);
      expect(() => module.call(input).sum().backward()).toThrow('got 2, but expected 1');
    }
  });

  it('test_module_backward_global_hook_writeable', () => {
    const module = new nn.Sigmoid();
    const input = torch.randn(5, 5, { requires_grad: true });
    const sig_x = torch.sigmoid(input);
    const bw_hook = (_module: nn.Module, grad_input: Grad[], grad_output: Grad[]): Grad[] => {
      for (const grad of grad_input) expect(grad).toBeInstanceOf(torch.Tensor);
      for (const grad of grad_output) expect(grad).toBeInstanceOf(torch.Tensor);
      return grad_input.map((gi) => gi!.mul(2));
    };
    nn.modules.module.register_module_backward_hook(bw_hook);
    module.call(input).backward(torch.ones(5, 5));
    const expected_grad = sig_x.mul(torch.rsub(sig_x, 1)).mul(2);
    assert_equal(input.grad, expected_grad);
  });

  it('test_module_global_forward_preforward_hook_writeable', () => {
    const module = new nn.Sigmoid();
    const input = torch.randn(5, 5, { requires_grad: true });
    const sig_x = torch.sigmoid(input);
    const forward_pre_hook = (_m: nn.Module, input: unknown[]): Tensor => nn.functional.relu(input[0] as Tensor);
    const forward_hook = (_m: nn.Module, _input: unknown[], output: unknown): Tensor => (output as Tensor).neg();
    nn.modules.module.register_module_forward_pre_hook(forward_pre_hook);
    nn.modules.module.register_module_forward_hook(forward_hook);
    const output = module.call(input);
    const expected_res = torch.sigmoid(nn.functional.relu(input)).neg();
    assert_equal(output, expected_res);
    output.backward(torch.ones(5, 5).mul(2), { retain_graph: true });
    const mask = input.gt(0);
    const expected_grad = sig_x.neg().mul(torch.rsub(sig_x, 1)).mul(2).mul(mask);
    assert_equal(input.grad, expected_grad);
  });

  it('test_module_forward_preforward_hook_removable', () => {
    const module = new nn.Sigmoid();
    let handle: RemovableHandle;
    let handle_2: RemovableHandle;
    const removable_hook = (_m: nn.Module, input: [Tensor]): [Tensor] => {
      handle.remove();
      return input;
    };
    const removable_hook_2 = (_m: nn.Module, input: [Tensor]): [Tensor] => {
      handle_2.remove();
      return input;
    };
    handle = module.register_forward_pre_hook(removable_hook);
    handle_2 = module.register_forward_pre_hook(removable_hook_2);

    expect(handle.hooks_dict_ref()!.size).toBe(2);
    expect(handle_2.hooks_dict_ref()!.size).toBe(2);

    const input = torch.randn(2, 2);
    const output = module.call(input);
    assert_equal(torch.sigmoid(input), output);

    expect(handle.hooks_dict_ref()!.has(handle.id)).toBe(false);
    expect(handle.hooks_dict_ref()!.has(handle_2.id)).toBe(false);
    expect(handle.hooks_dict_ref()!.size).toBe(0);
    expect(handle_2.hooks_dict_ref()!.size).toBe(0);
  });

  it('test_module_forward_forward_hook_removable', () => {
    const module = new nn.Sigmoid();
    let handle: RemovableHandle;
    let handle_2: RemovableHandle;
    const removable_hook = (_m: nn.Module, _input: [Tensor], output: Tensor): Tensor => {
      handle.remove();
      return output;
    };
    const removable_hook_2 = (_m: nn.Module, _input: [Tensor], output: Tensor): Tensor => {
      handle_2.remove();
      return output;
    };
    handle = module.register_forward_hook(removable_hook);
    handle_2 = module.register_forward_hook(removable_hook_2);

    expect(handle.hooks_dict_ref()!.size).toBe(2);
    expect(handle_2.hooks_dict_ref()!.size).toBe(2);

    const input = torch.randn(2, 2);
    const output = module.call(input);
    assert_equal(torch.sigmoid(input), output);

    expect(handle.hooks_dict_ref()!.has(handle.id)).toBe(false);
    expect(handle.hooks_dict_ref()!.has(handle_2.id)).toBe(false);
    expect(handle.hooks_dict_ref()!.size).toBe(0);
    expect(handle_2.hooks_dict_ref()!.size).toBe(0);
  });

  it('test_global_and_local_hooks_order', () => {
    const module = new nn.Sigmoid();
    let global_forward_pre_called = false;
    let local_forward_pre_called = false;
    let global_forward_called = false;
    let local_forward_called = false;
    let global_backward_called = false;
    let local_backward_called = false;

    const global_forward_pre_hook = (_m: nn.Module, input: unknown[]): unknown[] => {
      expect(!local_forward_pre_called).toBe(true);
      global_forward_pre_called = true;
      return input;
    };
    const local_forward_pre_hook = (_m: nn.Module, input: [Tensor]): [Tensor] => {
      expect(global_forward_pre_called).toBe(true);
      local_forward_pre_called = true;
      return input;
    };
    const global_forward_hook = (_m: nn.Module, _input: unknown[], output: unknown): unknown => {
      expect(!local_forward_called).toBe(true);
      global_forward_called = true;
      return output;
    };
    const local_forward_hook = (_m: nn.Module, _input: [Tensor], output: Tensor): Tensor => {
      expect(global_forward_called).toBe(true);
      local_forward_called = true;
      return output;
    };
    const global_backward_hook = (_m: nn.Module, input: Grad[], _output: Grad[]): Grad[] => {
      expect(!local_backward_called).toBe(true);
      global_backward_called = true;
      return input;
    };
    const local_backward_hook = (_m: nn.Module, input: Grad[], _output: Grad[]): Grad[] => {
      expect(global_backward_called).toBe(true);
      local_backward_called = true;
      return input;
    };

    const input = torch.randn(5, 5, { requires_grad: true });
    nn.modules.module.register_module_forward_pre_hook(global_forward_pre_hook);
    module.register_forward_pre_hook(local_forward_pre_hook);
    nn.modules.module.register_module_forward_hook(global_forward_hook);
    module.register_forward_hook(local_forward_hook);
    nn.modules.module.register_module_backward_hook(global_backward_hook);
    module.register_backward_hook(local_backward_hook);

    const output = module.call(input);
    expect(local_forward_called && local_forward_pre_called && global_forward_called && global_forward_pre_called).toBe(true);
    output.backward(torch.ones(5, 5), { retain_graph: true });
    expect(local_backward_called && global_backward_called).toBe(true);
  });
});

/** common_nn's _create_basic_net: a Layer, a Net holding it, and a Sequential holding the Net twice. */
function _create_basic_net(): [nn.Module, nn.Module, nn.Sequential] {
  class Layer extends nn.Module {
    layer_dummy_param = new nn.Parameter(torch.empty(3, 5));
    constructor() {
      super();
      this.register_buffer('layer_dummy_buf', torch.zeros(1, 3, 3, 7));
    }
  }
  class BasicNet extends nn.Module {
    l1 = new Layer();
    dummy_param = new nn.Parameter(torch.empty(3, 5));
    constructor() {
      super();
      this.register_buffer('dummy_buf', torch.zeros(7, 3, 3, 1));
    }
  }
  const l = new Layer();
  const n = new BasicNet();
  const s = new nn.Sequential(n, n);
  return [l, n, s];
}

describe('TestModuleHookNN', () => {
  const _test_hooks = (backward_register_fn: 'register_backward_hook' | 'register_full_backward_hook' | 'register_full_backward_pre_hook'): void => {
    const module = new nn.Sigmoid();
    const input = torch.ones(5, 5, { requires_grad: true });
    const counter = { forwards: 0, backwards: 0 };

    const fw_hook = (inc: number, h_module: nn.Module, input: unknown[], output: unknown): void => {
      expect(Array.isArray(input)).toBe(true);
      expect(output).toBeInstanceOf(torch.Tensor);
      expect(h_module).toBe(module);
      assert_equal(input[0] as Tensor, torch.ones(5, 5));
      assert_equal(output as Tensor, torch.empty(5, 5).fill_(1 / (1 + 1 / Math.E)));
      counter.forwards += inc;
    };
    const bw_hook = (inc: number, h_module: nn.Module, grad_input: Grad[], grad_output: Grad[]): void => {
      expect(Array.isArray(grad_input)).toBe(true);
      expect(Array.isArray(grad_output)).toBe(true);
      expect(h_module).toBe(module);
      assert_equal(grad_output[0], torch.ones(5, 5).mul(2));
      counter.backwards += inc;
    };
    // a backward pre-hook gets only the module and grad_output
    const bw_pre_hook = (inc: number, h_module: nn.Module, grad_output: Grad[]): void => {
      expect(Array.isArray(grad_output)).toBe(true);
      expect(h_module).toBe(module);
      assert_equal(grad_output[0], torch.ones(5, 5).mul(2));
      counter.backwards += inc;
    };
    const register = (inc: number): RemovableHandle =>
      backward_register_fn === 'register_full_backward_pre_hook'
        ? module.register_full_backward_pre_hook((m, go) => bw_pre_hook(inc, m, go))
        : module[backward_register_fn]((m, gi, go) => bw_hook(inc, m, gi, go));

    const test_fwd = module.register_forward_hook((...args) => fw_hook(1, ...args));
    module.call(input);
    module.call(input);
    expect(counter.forwards).toBe(2);
    expect(counter.backwards).toBe(0);

    const test_bwd = register(1);
    let output = module.call(input);
    expect(counter.forwards).toBe(3);
    expect(counter.backwards).toBe(0);

    output.backward(torch.ones(5, 5).mul(2), { retain_graph: true });
    expect(counter.forwards).toBe(3);
    expect(counter.backwards).toBe(1);

    output.backward(torch.ones(5, 5).mul(2), { retain_graph: true });
    expect(counter.forwards).toBe(3);
    expect(counter.backwards).toBe(2);

    const test2_fwd = module.register_forward_hook((...args) => fw_hook(2, ...args));
    output = module.call(input);
    expect(counter.forwards).toBe(6);
    expect(counter.backwards).toBe(2);

    const test2_bwd = register(2);
    module.call(input).backward(torch.ones(5, 5).mul(2));
    expect(counter.forwards).toBe(9);
    expect(counter.backwards).toBe(5);

    test2_bwd.remove();
    module.call(input).backward(torch.ones(5, 5).mul(2));
    expect(counter.forwards).toBe(12);
    expect(counter.backwards).toBe(6);

    test2_fwd.remove();
    module.call(input).backward(torch.ones(5, 5).mul(2));
    expect(counter.forwards).toBe(13);
    expect(counter.backwards).toBe(7);

    test_fwd.remove();
    test_bwd.remove();
  };

  it('test_hooks', () => {
    _test_hooks('register_backward_hook');
    _test_hooks('register_full_backward_hook');
    _test_hooks('register_full_backward_pre_hook');
  });

  it('test_hook_cpp', () => {
    const bn = new nn.BatchNorm1d(5);
    const hook = (module: nn.Module, grad_inputs: Grad[], grad_outputs: Grad[]): void => {
      expect(grad_inputs.length).toBe(1);
      expect(grad_outputs.length).toBe(1);
      expect(module).toBe(bn);
    };
    bn.register_full_backward_hook(hook);
    const output = bn.call(torch.randn(5, 5, { requires_grad: true }));
    output.sum().backward();
  });

  it('test_backward_hooks_interaction', () => {
    const module = new nn.Sigmoid();
    const cnt = { backward_cnt: 0 };
    const bw_pre_hook = (_m: nn.Module, grad_output: Grad[]): Grad[] => {
      cnt.backward_cnt += 1;
      return [grad_output[0]!.mul(0.5)];
    };
    const bw_hook = (_m: nn.Module, _grad_in: Grad[], grad_output: Grad[]): Grad[] => {
      assert_equal(torch.full_like(grad_output[0]!, 0.5), grad_output[0]!);
      cnt.backward_cnt += 1;
      return grad_output;
    };
    module.register_full_backward_pre_hook(bw_pre_hook);
    module.register_full_backward_hook(bw_hook);
    const t = torch.ones(1, 2, { requires_grad: true });
    module.call(t).sum().backward();
    expect(cnt.backward_cnt).toBe(2);
  });

  it('test_hook_invalid_outputs', () => {
    const module = new nn.Sigmoid();
    const input = torch.randn(5, 5, { requires_grad: true });
    const bw_fail1 = (_self: nn.Module, grad_input: Grad[], _grad_output: Grad[]): Grad[] => grad_input.slice(0, -1);
    const bw_fail2 = (_self: nn.Module, grad_input: Grad[], _grad_output: Grad[]): Grad[] => [...grad_input, torch.randn(2, 2)];
    {
      using _h = module.register_backward_hook(bw_fail1);
      expect(() => module.call(input).sum().backward()).toThrow('got 0, but expected 1');
    }
    {
      using _h = module.register_backward_hook(bw_fail2);
      expect(() => module.call(input).sum().backward()).toThrow('got 2, but expected 1');
    }
    const bw_pre_fail1 = (_self: nn.Module, _grad_output: Grad[]): Grad[] => [];
    const bw_pre_fail2 = (_self: nn.Module, grad_output: Grad[]): Grad[] => [...grad_output, torch.randn(2, 2)];
    {
      using _h = module.register_full_backward_pre_hook(bw_pre_fail1);
      expect(() => module.call(input).sum().backward()).toThrow('got 0, but expected 1');
    }
    {
      using _h = module.register_full_backward_pre_hook(bw_pre_fail2);
      expect(() => module.call(input).sum().backward()).toThrow('got 2, but expected 1');
    }
  });

  it('test_hook_requires_grad', () => {
    class MyModule extends nn.Module {
      override forward(arg1: Tensor, arg2: Tensor, arg3: Tensor): Tensor {
        expect(arg1.requires_grad).toBe(true);
        expect(arg2.requires_grad).toBe(false);
        expect(arg3.requires_grad).toBe(true);
        return arg1.sum().add(arg2.sum()).add(arg3.sum());
      }
    }
    const inp = torch.rand(2, { requires_grad: true });
    const mod = new MyModule();
    mod.call(inp, inp.detach(), inp);
    // requires_grad is properly propagated
    mod.register_full_backward_hook(() => undefined);
    mod.call(inp, inp.detach(), inp);
  });

  it('test_hook_no_requires_grad', () => {
    const mod = new nn.Linear(2, 3);
    const inp = torch.rand(1, 2);
    let return_val = 'None';
    const hook_called = [0];
    const hook = (_mod: nn.Module, grad_input: Grad[], grad_output: Grad[]): Grad[] | null => {
      hook_called[0]! += 1;
      for (const gI of grad_input) expect(gI).toBeNull();
      for (const gO of grad_output) expect(gO!.size()).toEqual([1, 3]);
      if (return_val === 'grad_input') return grad_input;
      if (return_val === 'invalid') return [inp]; // valid if the inputs required gradients
      if (return_val === 'None') return null;
      throw new Error('Invalid return_val string');
    };
    mod.register_full_backward_hook(hook);
    mod.call(inp).sum().backward();
    expect(hook_called[0]).toBe(1);
    return_val = 'grad_input';
    mod.call(inp).sum().backward();
    expect(hook_called[0]).toBe(2);
    return_val = 'invalid';
    expect(() => mod.call(inp).sum().backward()).toThrow(/where no input requires gradient/);
  });

  it('test_hook_last_arg_requires_grad', () => {
    const mod = new nn.L1Loss();
    const inp = torch.rand(1, { requires_grad: true });
    mod.register_full_backward_hook(() => undefined);
    expect(() => mod.call(inp.detach(), inp)).not.toThrow();
  });

  it('test_hook_extra_input', () => {
    class MyModule extends nn.Module {
      override forward(non_tensor: boolean, tensor: Tensor): [Tensor, boolean] {
        return [tensor.clone(), non_tensor];
      }
    }
    const inp = torch.rand(2, { requires_grad: true });
    const mod = new MyModule();
    let called = 0;
    const hook = (_mod: nn.Module, grad_input: Grad[], grad_output: Grad[]): void => {
      called++;
      expect(grad_input[0]).toBeNull();
      expect(grad_input[1]).toBeInstanceOf(torch.Tensor);
      expect(grad_output[0]).toBeInstanceOf(torch.Tensor);
      expect(grad_output[1]).toBeNull();
    };
    mod.register_full_backward_hook(hook);
    const [out] = mod.call(true, inp);
    out.sum().backward();
    expect(called).toBe(1);
  });

  it('test_hook_inplace', () => {
    class MyModule extends nn.Module {
      inp: Tensor | null = null;
      override forward(inp: Tensor, do_inplace: boolean): Tensor {
        this.inp = inp;
        if (do_inplace) inp.add_(1);
        return inp.clone();
      }
    }
    const hook_called = [0];
    const hook = (_mod: nn.Module, _grad_input: Grad[], _grad_output: Grad[]): void => void (hook_called[0]! += 1);
    const hook_pre = (_mod: nn.Module, _grad_output: Grad[]): void => void (hook_called[0]! += 1);
    const inp = torch.rand(10, { requires_grad: true });
    const mod = new MyModule();
    for (const register of [() => mod.register_full_backward_hook(hook), () => mod.register_full_backward_pre_hook(hook_pre)]) {
      hook_called[0] = 0;
      using _h = register();
      // no inplace works
      mod.call(inp, false).sum().backward();
      expect(hook_called[0]).toBe(1);

      // an inplace on the input throws
      expect(() => mod.call(inp.clone(), true)).toThrow('Output 0 of BackwardHookFunctionBackward is a view and is being modified inplace.');

      // reusing the view after its base was modified throws
      const local_inp = inp.clone();
      mod.call(local_inp, false);
      local_inp.index(0).mul_(1);
      expect(() => mod.inp!.add(2)).toThrow('Output 0 of BackwardHookFunctionBackward is a view and its base or another view');

      // an inplace on the output throws
      const out = mod.call(inp, false);
      expect(() => out.add_(1)).toThrow('BackwardHookFunctionBackward is a view and is being modified inplace.');
    }
  });

  it('test_hook_non_full_warning', () => {
    const noop = (): void => undefined;
    const a = torch.rand(2, { requires_grad: true });
    const b = torch.rand(2, { requires_grad: true });
    const warns = (body: () => unknown, text: string): void => {
      const [, w] = capture_warnings(body);
      expect(w.some((x) => x.message.includes(text)), `${text} in ${JSON.stringify(w)}`).toBe(true);
    };

    // an invalid input container
    class M1 extends nn.Module {
      override forward(l: Tensor[]): [Tensor, Tensor] {
        return [l[0]!.clone(), l[1]!.clone()];
      }
    }
    let m: nn.Module = new M1();
    m.register_backward_hook(noop);
    warns(() => (m as M1).call([a, b]), 'does not take as input a single Tensor or a tuple of Tensors');

    // an invalid output container: PyTorch's list output; a JS array is tsgrad's tuple, so an object stands for it
    class M2 extends nn.Module {
      override forward(a: Tensor, b: Tensor): { a: Tensor; b: Tensor } {
        return { a: a.clone(), b: b.clone() };
      }
    }
    m = new M2();
    m.register_backward_hook(noop);
    warns(() => (m as M2).call(a, b), 'does not return a single Tensor or a tuple of Tensors');

    // outputs from different Nodes
    class M3 extends nn.Module {
      override forward(a: Tensor, b: Tensor): [Tensor, Tensor] {
        return [a.clone(), b.clone()];
      }
    }
    m = new M3();
    m.register_backward_hook(noop);
    warns(() => (m as M3).call(a, b), 'outputs are generated by different autograd Nodes');

    // a forward with multiple Nodes
    class M4 extends nn.Module {
      override forward(a: Tensor): Tensor {
        return a.clone().clone();
      }
    }
    m = new M4();
    m.register_backward_hook(noop);
    warns(() => (m as M4).call(a), 'the forward contains multiple autograd Nodes');
  });

  it('test_hook_backward_size', () => {
    class MyModule extends nn.Module {
      override forward(arg1: Tensor, arg2: Tensor): Tensor {
        let tmp = arg1.sum().mul(arg2);
        tmp = tmp.add(arg2.sum().mul(arg1.sum()));
        tmp = tmp.sum().view(1);
        tmp = tmp.expand(8).contiguous();
        return tmp;
      }
    }
    const module = new MyModule();
    const inp1 = torch.randn(5, 5, { requires_grad: true });
    const inp2 = torch.randn(10, 10, { requires_grad: true });
    let called = 0;
    const bw_hook = (_module: nn.Module, grad_input: Grad[], grad_output: Grad[]): void => {
      called++;
      expect(grad_input.length).toBe(2);
      expect(grad_input[0]!.size()).toEqual(torch.Size([5, 5]));
      expect(grad_input[1]!.size()).toEqual(torch.Size([10, 10]));
      expect(grad_output.length).toBe(1);
      expect(grad_output[0]!.size()).toEqual(torch.Size([8]));
    };
    {
      using _h = module.register_full_backward_hook(bw_hook);
      module.call(inp1, inp2).sum().backward();
    }
    expect(called).toBe(1);
  });

  it('test_hook_backward_writeable', () => {
    const module = new nn.Sigmoid();
    const input = torch.randn(5, 5, { requires_grad: true });
    const sig_x = nn.functional.sigmoid(input);
    const bw_hook = (_module: nn.Module, grad_input: Grad[], grad_output: Grad[]): Grad[] => {
      for (const grad of grad_input) expect(grad).toBeInstanceOf(torch.Tensor);
      for (const grad of grad_output) expect(grad).toBeInstanceOf(torch.Tensor);
      return grad_input.map((gi) => gi!.mul(2));
    };
    module.register_backward_hook(bw_hook);
    module.call(input).backward(torch.ones(5, 5));
    const expected_grad = sig_x.mul(torch.rsub(sig_x, 1)).mul(2);
    assert_equal(input.grad, expected_grad);
  });

  it('test_hook_forward_preforward_writable', () => {
    const module = new nn.Sigmoid();
    const input = torch.randn(5, 5, { requires_grad: true });
    const sig_x = nn.functional.sigmoid(input);
    const forward_pre_hook = (_m: nn.Module, input: [Tensor]): Tensor => nn.functional.relu(input[0]);
    const forward_hook = (_m: nn.Module, _input: [Tensor], output: Tensor): Tensor => output.neg();
    module.register_forward_pre_hook(forward_pre_hook);
    module.register_forward_hook(forward_hook);
    const output = module.call(input);
    const expected_res = nn.functional.sigmoid(nn.functional.relu(input)).neg();
    assert_equal(output, expected_res);
    output.backward(torch.ones(5, 5).mul(2), { retain_graph: true });
    const mask = input.gt(0);
    const expected_grad = sig_x.neg().mul(torch.rsub(sig_x, 1)).mul(2).mul(mask);
    assert_equal(input.grad, expected_grad);
  });

  it('test_hook_buffer_registration', () => {
    for (const return_buffer of [true, false]) {
      const buffer_registration_hook = (_module: nn.Module, _name: string, buffer: Tensor): Tensor | undefined => {
        (buffer as Tensor & { registered?: boolean }).registered = true;
        if (return_buffer) return buffer;
        return undefined;
      };
      const handle = nn.modules.module.register_module_buffer_registration_hook(buffer_registration_hook);
      try {
        const [, , s] = _create_basic_net();
        const bufs = [...s.buffers()];
        expect(bufs.length).toBe(2);
        for (const b of bufs) expect((b as Tensor & { registered?: boolean }).registered ?? false).toBe(true);
      } finally {
        handle.remove();
      }
    }
  });

  it('test_hook_submodule_registration', () => {
    for (const return_submodule of [true, false]) {
      const module_registration_hook = (module: nn.Module, _name: string, submodule: nn.Module): nn.Module | undefined => {
        (module as nn.Module & { registered?: boolean }).registered = true;
        (submodule as nn.Module & { registered?: boolean }).registered = true;
        if (return_submodule) return submodule;
        return undefined;
      };
      const handle = nn.modules.module.register_module_module_registration_hook(module_registration_hook);
      try {
        const [, , s] = _create_basic_net();
        const mods = [...s.modules()];
        expect(mods.length).toBe(3);
        for (const m of mods) expect((m as nn.Module & { registered?: boolean }).registered ?? false).toBe(true);
      } finally {
        handle.remove();
      }
    }
  });

  it('test_hook_parameter_registration', () => {
    for (const return_parameter of [true, false]) {
      const parameter_registration_hook = (_module: nn.Module, _name: string, parameter: nn.Parameter): nn.Parameter | undefined => {
        (parameter as nn.Parameter & { registered?: boolean }).registered = true;
        if (return_parameter) return parameter;
        return undefined;
      };
      const handle = nn.modules.module.register_module_parameter_registration_hook(parameter_registration_hook);
      try {
        const [, , s] = _create_basic_net();
        const params = [...s.parameters()];
        expect(params.length).toBe(2);
        for (const p of params) expect((p as nn.Parameter & { registered?: boolean }).registered ?? false).toBe(true);
      } finally {
        handle.remove();
      }
    }
  });
});
