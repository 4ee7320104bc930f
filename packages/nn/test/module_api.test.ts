// Module API of PyTorch 2.x's module.py: state-dict hooks, registration hooks, extra state, get_* lookups,
// to / double / float, and the state-dict and registration tests of test_module_hooks.py, translated.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { optim } from '@tsgrad/nn';

class MyModule extends nn.Module {
  foo = new nn.Parameter(torch.rand(10));
}
class Container extends nn.Module {
  constructor(readonly mod: nn.Module) {
    super();
  }
}

describe('load_state_dict hooks (test_module_hooks.py: TestStateDictHooks)', () => {
  it('runs pre-hooks without and with the module', () => {
    const m = new nn.Linear(10, 10);
    const sd = m.state_dict();
    const m_load = new nn.Linear(10, 10);
    let called = 0;
    m_load._register_load_state_dict_pre_hook((state_dict: torch.Tensor[] | Record<string, torch.Tensor>) => {
      expect(Object.keys(state_dict)).toEqual(Object.keys(sd));
      called++;
    });
    m_load.load_state_dict(sd);
    expect(called).toBe(1);
    called = 0;
    m_load._register_load_state_dict_pre_hook((module: nn.Module) => {
      expect(module).toBe(m_load);
      called++;
    }, true);
    m_load.load_state_dict(sd);
    expect(called).toBe(2);
  });

  it('calls a submodule pre-hook with the submodule and empty key lists', () => {
    for (const wrap of [(x: nn.Module) => new Container(x), (x: nn.Module) => x]) {
      const mod = new MyModule();
      const m = wrap(mod);
      const sd = m.state_dict();
      let called = 0;
      mod.register_load_state_dict_pre_hook((module, _sd, _prefix, _meta, strict, missing, unexpected, errors) => {
        expect([module === mod, strict, missing, unexpected, errors]).toEqual([true, true, [], [], []]);
        called++;
      });
      m.load_state_dict(sd);
      expect(called).toBe(1);
    }
  });

  it('post-hooks edit the incompatible keys in place; strict loads then raise for them', () => {
    let called = 0;
    const nested = new MyModule();
    const wrapped = new nn.ModuleList([nested]);
    const handle = nested.register_load_state_dict_post_hook((module, keys) => {
      expect(module).toBe(nested);
      keys.missing_keys.push('foo');
      keys.unexpected_keys.push('bar');
      called++;
    });
    const ret = wrapped.load_state_dict(wrapped.state_dict(), { strict: false });
    expect([called, ret.missing_keys, ret.unexpected_keys]).toEqual([1, ['foo'], ['bar']]);
    expect(() => wrapped.load_state_dict(wrapped.state_dict(), { strict: true })).toThrow(/foo.*\n.*bar/);
    expect(called).toBe(2);
    handle.remove();
    const ret2 = wrapped.load_state_dict(wrapped.state_dict(), { strict: false });
    expect([called, ret2.missing_keys, ret2.unexpected_keys]).toEqual([2, [], []]);
    nested.register_load_state_dict_post_hook((_m, keys) => {
      keys.missing_keys.length = 0;
      keys.unexpected_keys.length = 0;
    });
    const sd = wrapped.state_dict();
    sd.extra = torch.ones(1);
    expect(wrapped.load_state_dict(sd, { strict: true })).toEqual({ missing_keys: [], unexpected_keys: [] });
  });
});

describe('state_dict hooks and extra state', () => {
  it('runs pre-hooks before and post-hooks after each module, children in between', () => {
    const net = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 1));
    const order: string[] = [];
    net.register_state_dict_pre_hook((_m, prefix) => void order.push(`pre '${prefix}'`));
    net.at(1).register_state_dict_pre_hook((_m, prefix) => void order.push(`pre '${prefix}'`));
    net.at(1).register_state_dict_post_hook((_m, sd, prefix) => void order.push(`post '${prefix}' ${Object.keys(sd).length}`));
    net._register_state_dict_hook((_m, sd) => {
      order.push(`root ${Object.keys(sd).length}`);
      return { only: sd['0.weight']! };
    });
    const sd = net.state_dict();
    expect(order).toEqual(["pre ''", "pre '1.'", "post '1.' 4", 'root 4']);
    expect(Object.keys(sd)).toEqual(['only']);
    net.at(1).register_state_dict_post_hook(() => ({}) as never);
    expect(() => net.state_dict()).toThrow('state_dict post-hook must return None');
  });

  it('saves and restores extra state under _extra_state', () => {
    class Counter extends nn.Module {
      count = 0;
      fc = new nn.Linear(1, 1);
      override get_extra_state(): unknown {
        return { count: this.count };
      }
      override set_extra_state(state: unknown): void {
        this.count = (state as { count: number }).count;
      }
    }
    const a = new Counter();
    a.count = 7;
    const sd = a.state_dict();
    expect(Object.keys(sd)).toEqual(['_extra_state', 'fc.weight', 'fc.bias']);
    const b = new Counter();
    b.load_state_dict(sd);
    expect(b.count).toBe(7);
    expect(() => new nn.Linear(1, 1).load_state_dict({ ...new nn.Linear(1, 1).state_dict(), _extra_state: torch.ones(1) })).toThrow('Unexpected key(s) in state_dict: "_extra_state"');
    expect(() => b.load_state_dict({ 'fc.weight': sd['fc.weight']!, 'fc.bias': sd['fc.bias']! })).toThrow('Missing key(s) in state_dict: "_extra_state"');
  });
});

describe('nn.Buffer (PyTorch 2.x): assigning one registers a buffer', () => {
  it('with its persistence, sharing storage and keeping requires_grad; reassigning a plain tensor keeps it a buffer', () => {
    const data = torch.ones(2);
    class RunningMean extends nn.Module {
      mean = new nn.Buffer(data);
      scratch = new nn.Buffer(torch.zeros(3), { persistent: false });
      plain = torch.zeros(1);
    }
    const m = new RunningMean();
    expect([...m.named_buffers()].map(([n]) => n)).toEqual(['mean', 'scratch']);
    expect(Object.keys(m.state_dict())).toEqual(['mean']);
    expect(m.mean).toBeInstanceOf(torch.Tensor);
    data.fill_(5);
    expect(m.mean.tolist()).toEqual([5, 5]);
    expect(String(m.mean)).toBe('tensor([5., 5.])');
    m.mean = torch.zeros(2).add(3);
    expect(m.get_buffer('mean').tolist()).toEqual([3, 3]);
    expect(new nn.Buffer(torch.ones(1, { requires_grad: true })).requires_grad).toBe(true);
    expect(new nn.Buffer().shape).toEqual([0]);
    expect(new nn.Buffer(null, { persistent: false }).persistent).toBe(false);
    expect(() => new nn.Buffer(torch.ones(1), { persist: false } as never)).toThrow(/persist/);
    // a parameter's name takes only a Parameter or null, as PyTorch's __setattr__ checks that first
    class Clash extends nn.Module {
      w = new nn.Parameter(torch.ones(1));
    }
    const c = new Clash();
    expect(() => {
      (c as unknown as { w: torch.Tensor }).w = new nn.Buffer(torch.ones(1));
    }).toThrow(new TypeError("cannot assign 'torch.FloatTensor' as parameter 'w' (torch.nn.Parameter or None expected)"));
    expect([...c.named_parameters()].map(([n]) => n)).toEqual(['w']);
  });
});

describe('registration hooks (test_module_hooks.py: test_hook_*_registration)', () => {
  const basic = (): nn.Module => new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2), new nn.Sequential(new nn.Linear(2, 1)));
  it('sees every registered buffer, submodule and parameter, and can replace them', () => {
    for (const returns of [true, false]) {
      const seen = { buffers: new Set<torch.Tensor>(), modules: new Set<nn.Module>(), params: new Set<torch.Tensor>() };
      const hb = nn.register_module_buffer_registration_hook((_m, _n, b) => {
        seen.buffers.add(b);
        return returns ? b : undefined;
      });
      const hm = nn.register_module_module_registration_hook((m, _n, sub) => {
        seen.modules.add(m);
        seen.modules.add(sub);
        return returns ? sub : undefined;
      });
      const hp = nn.register_module_parameter_registration_hook((_m, _n, p) => {
        seen.params.add(p);
        return returns ? p : undefined;
      });
      try {
        const s = basic();
        for (const b of s.buffers()) expect(seen.buffers.has(b)).toBe(true);
        for (const m of s.modules()) expect(seen.modules.has(m)).toBe(true);
        for (const p of s.parameters()) expect(seen.params.has(p)).toBe(true);
      } finally {
        hb.remove();
        hm.remove();
        hp.remove();
      }
    }
    const replacements: nn.Parameter[] = [];
    const h = nn.register_module_parameter_registration_hook((_m, name, p) => {
      if (name !== 'bias') return undefined;
      replacements.push(new nn.Parameter(torch.zeros(p.shape)));
      return replacements[replacements.length - 1];
    });
    try {
      const lin = new nn.Linear(2, 3);
      expect(lin.bias).toBe(replacements[0]);
      expect([...lin.parameters()][1]).toBe(replacements[0]);
    } finally {
      h.remove();
    }
  });
});

describe('lookups, traversal, devices and dtypes', () => {
  const net = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
  it('finds submodules, parameters and buffers by path with PyTorch errors', () => {
    expect(net.get_submodule('0')).toBe(net.at(0));
    expect(net.get_parameter('0.weight')).toBe(net.at<nn.Linear>(0).weight);
    expect(net.get_buffer('1.running_mean')).toBe(net.at<nn.BatchNorm1d>(1).running_mean);
    expect(() => net.get_buffer('0.weight')).toThrow('`weight` is not a buffer');
    expect(() => net.get_parameter('1.running_mean')).toThrow('`running_mean` is not an nn.Parameter');
    expect(() => net.get_parameter('0.nope')).toThrow('Linear has no attribute `nope`');
    expect(net[0]).toBe(net.at(0));
  });

  it('named_modules takes memo, prefix and remove_duplicate positionally or by name', () => {
    const shared = new nn.Linear(1, 1);
    const m = new nn.Sequential(shared, shared);
    expect([...m.named_modules()].map(([n]) => n)).toEqual(['', '0']);
    expect([...m.named_modules(null, 'net', false)].map(([n]) => n)).toEqual(['net', 'net.0', 'net.1']);
    expect([...m.named_modules({ remove_duplicate: false })].length).toBe(3);
    expect([...m.named_modules(new Set<nn.Module>([shared]))].map(([n]) => n)).toEqual(['']);
  });

  it('to(dtype) converts floating parameters and buffers in place; optimizers keep their parameters', () => {
    const m = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
    const w = m.at<nn.Linear>(0).weight;
    const opt = new optim.SGD(m.parameters(), 0.1);
    expect(m.to(torch.float64)).toBe(m);
    expect(w._dtype).toBe('float64');
    expect(m.at<nn.Linear>(0).weight).toBe(w);
    expect(opt.param_groups[0]!.params[0]).toBe(w);
    expect(m.get_buffer('1.running_mean')._dtype).toBe('float64');
    expect(m.get_buffer('1.num_batches_tracked')._dtype).toBe('int64');
    const out = m.call(torch.randn([4, 2], { dtype: torch.float64 }));
    expect(out._dtype).toBe('float64');
    out.sum().backward();
    opt.step();
    expect(m.float().at<nn.Linear>(0).weight._dtype).toBe('float32');
    expect(m.double().get_buffer('1.running_var')._dtype).toBe('float64');
    expect(m.to('cpu')).toBe(m);
    expect(m.to(torch.device('cpu'))).toBe(m);
    expect(() => m.to('cuda')).toThrow('Torch not compiled with CUDA enabled');
    expect(() => m.to(torch.int64)).toThrow('nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64');
    expect(() => m.half()).toThrow(/float16/);
    expect(m.share_memory()).toBe(m);
    expect(m.train()).toBe(m);
    expect(m.eval()).toBe(m);
    const e = new nn.Linear(2, 2).to_empty({ device: 'cpu' });
    expect(e.weight.tolist()).toEqual([[0, 0], [0, 0]]);
  });

  it('norm layers reset their running statistics and parameters as _NormBase does', () => {
    // InstanceNorm updates its running stats but, as in PyTorch, never counts batches
    const layers: [nn.BatchNorm1d | nn.InstanceNorm1d, number][] = [[new nn.BatchNorm1d(3), 1], [new nn.InstanceNorm1d(3, { affine: true, track_running_stats: true }), 0]];
    for (const [bn, batches] of layers) {
      bn.call(torch.randn([4, 3, 5]).mul(3).add(2));
      bn.weight!.data.fill_(7);
      expect(bn.running_mean!.abs().sum().item()).toBeGreaterThan(0);
      expect(bn.num_batches_tracked!.item()).toBe(batches);
      bn.num_batches_tracked!.fill_(5);
      bn.reset_running_stats();
      expect(bn.running_mean!.tolist()).toEqual([0, 0, 0]);
      expect(bn.running_var!.tolist()).toEqual([1, 1, 1]);
      expect(bn.num_batches_tracked!.item()).toBe(0);
      expect(bn.weight!.tolist()).toEqual([7, 7, 7]);
      bn.reset_parameters();
      expect(bn.weight!.tolist()).toEqual([1, 1, 1]);
      expect(bn.bias!.tolist()).toEqual([0, 0, 0]);
    }
    const plain = new nn.InstanceNorm2d(2);
    plain.reset_parameters();
    expect(plain.running_mean).toBeNull();
    expect(String(new nn.InstanceNorm1d(3, { device: 'cpu' }))).toBe('InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)');
    expect(() => new nn.InstanceNorm1d(3, { device: 'cuda' })).toThrow('Torch not compiled with CUDA enabled');
  });
});
