// torch.save(model) / torch.load(path, { weights_only: false }), as saveloadrun_tutorial saves a whole model: the
// tree comes back with its classes, attributes, parameters (tied ones still tied), buffers and mode; a
// weights_only load (PyTorch 2.6's default) refuses classes that were not allowlisted, as PyTorch does.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';

class Net extends nn.Module {
  static override readonly __name__: string = 'SaveTestNet';
  flatten = new nn.Flatten();
  stack = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.BatchNorm1d(3), new nn.Dropout(0.25));
  head = new nn.Linear(3, 3);
  scale = 2.5;
  names = ['a', 'b'];
  constructor() {
    super();
    this.register_buffer('steps', torch.tensor([3], { dtype: torch.int64 }));
    this.register_buffer('scratch', torch.zeros(2), { persistent: false });
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return this.head.call(this.stack.call(this.flatten.call(x))).mul(this.scale);
  }
}

function trained_net(): Net {
  torch.manual_seed(0);
  const net = new Net();
  net.head.weight.requires_grad_(false);
  net.call(torch.randn(5, 4));
  net.eval();
  return net;
}

describe('torch.save of a whole module', () => {
  it('loads back the same tree with weights_only: false, computing the same numbers', () => {
    const net = trained_net();
    const loaded = torch.load<Net>(torch.save(net, null), { weights_only: false });
    expect(loaded).toBeInstanceOf(Net);
    expect(String(loaded)).toBe(String(net));
    expect([loaded.training, loaded.stack.training, loaded.scale, loaded.names]).toEqual([false, false, 2.5, ['a', 'b']]);
    const x = torch.randn(3, 4);
    expect(loaded.call(x).tolist()).toEqual(net.call(x).tolist());
    const [a, b] = [net.state_dict(), loaded.state_dict()];
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const k of Object.keys(a)) expect([k, b[k]!.dtype, b[k]!.tolist()]).toEqual([k, a[k]!.dtype, a[k]!.tolist()]);
    expect(loaded.head.weight).toBeInstanceOf(nn.Parameter);
    expect([loaded.head.weight.requires_grad, loaded.head.bias.requires_grad]).toEqual([false, true]);
    expect(loaded._non_persistent_buffers.has('scratch')).toBe(true);
    // hooks are not saved; the loaded module has its own
    expect(loaded._forward_hooks).not.toBe(net._forward_hooks);
  });

  it('keeps shared parameters and modules shared', () => {
    const a = new nn.Linear(2, 2);
    const seq = new nn.Sequential(a, new nn.ReLU(), a);
    const tied = new nn.Linear(2, 2);
    tied.weight = a.weight;
    const loaded = torch.load<{ seq: nn.Sequential; tied: nn.Linear }>(torch.save({ seq, tied }, null), { weights_only: false });
    expect(loaded.seq.at(0)).toBe(loaded.seq.at(2));
    expect(loaded.tied.weight).toBe((loaded.seq.at(0) as nn.Linear).weight);
  });

  it('stores the built-in recurrent, attention and Transformer layers, a named activation by its name', () => {
    torch.manual_seed(0);
    const x = torch.randn(2, 1, 8);
    for (const m of [new nn.LSTM(8, 4, { num_layers: 2 }), new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16, activation: 'gelu' }), new nn.MultiheadAttention(8, 2)]) {
      m.eval();
      const loaded = torch.load<nn.Module>(torch.save(m, null), { weights_only: false });
      const out = (mod: nn.Module): torch.Tensor => {
        const o = mod instanceof nn.MultiheadAttention ? mod.call(x, x, x) : mod.call(x);
        return Array.isArray(o) ? (o[0] as torch.Tensor) : (o as torch.Tensor);
      };
      expect([String(loaded), out(loaded).tolist()]).toEqual([String(m), out(m).tolist()]);
    }
    const own = new nn.TransformerEncoderLayer(8, 2, { activation: (t: torch.Tensor) => t.tanh() });
    expect(() => torch.save(own, null)).toThrow("torch.save: cannot save a value of type function (at 'attributes.activation')");
  });

  it('refuses classes not allowlisted under weights_only, as PyTorch 2.6', () => {
    const bytes = torch.save(trained_net(), null);
    expect(() => torch.load(bytes)).toThrow(
      'Unsupported global: GLOBAL SaveTestNet was not an allowed global by default. Please use `torch.serialization.add_safe_globals([SaveTestNet])`',
    );
    torch.serialization.add_safe_globals([Net, nn.Flatten, nn.Sequential, nn.Linear, nn.ReLU, nn.BatchNorm1d, nn.Dropout]);
    try {
      expect(torch.serialization.get_safe_globals()).toContain(Net);
      expect(torch.load<Net>(bytes)).toBeInstanceOf(Net);
    } finally {
      torch.serialization.clear_safe_globals();
    }
    expect(torch.serialization.get_safe_globals()).toEqual([]);
    expect(() => torch.load(bytes, { weights_only: true })).toThrow(/^Weights only load failed/);
  });

  it('names a class it cannot find, and refuses what it cannot save, writing nothing', () => {
    const { tensors, metadata } = torch.deserialize(torch.save(new nn.ReLU(), null));
    const renamed = torch.serialize(tensors, { ...metadata, 'tsgrad.tree': metadata!['tsgrad.tree']!.replace('"ReLU"', '"NeverBuilt"') });
    expect(() => torch.load(renamed, { weights_only: false })).toThrow(
      "torch.load: Can't get attribute 'NeverBuilt': no class 'NeverBuilt' is known in this process",
    );
    const odd = new nn.Linear(2, 2) as nn.Linear & { act?: unknown };
    odd.act = (v: number) => v;
    expect(() => torch.save(odd, null)).toThrow("torch.save: cannot save a value of type function (at 'attributes.act')");
  });

  it('hooks cannot be saved: torch.save says so in a warning and saves the rest', () => {
    const lin = new nn.Linear(2, 2);
    lin.register_forward_hook(() => undefined);
    lin.register_forward_pre_hook(() => undefined);
    const seen: string[] = [];
    const orig = process.emitWarning;
    process.emitWarning = ((msg: string | Error) => void seen.push(String(msg))) as typeof process.emitWarning;
    let bytes: Uint8Array;
    try {
      bytes = torch.save(lin, null) as Uint8Array;
    } finally {
      process.emitWarning = orig;
    }
    expect(seen).toEqual(['torch.save: the 2 hooks of Linear (forward, backward and state-dict hooks, which weight_norm, spectral_norm and prune use) cannot be saved and are left out; register them again after torch.load']);
    const back = torch.load(bytes!, { weights_only: false }) as nn.Linear;
    expect(back._forward_hooks.size + back._forward_pre_hooks.size).toBe(0);
    expect(back.weight.tolist()).toEqual(lin.weight.tolist());
  });

  it('deepcopy gives the copy hook maps of its own', () => {
    const m = new nn.Linear(2, 2);
    const copy = nn.deepcopy(m);
    copy.register_state_dict_pre_hook(() => undefined);
    expect(m._state_dict_pre_hooks.size).toBe(0);
  });

  it('deepcopy carries the hooks over, as Python copies a module\'s hook dicts', () => {
    const calls: string[] = [];
    const lin = new nn.Linear(2, 2);
    const m = new nn.Sequential(lin, new nn.ReLU());
    const h = lin.register_forward_hook(() => void calls.push('fwd'));
    m.register_forward_pre_hook(() => void calls.push('pre'), { with_kwargs: true });
    lin.register_full_backward_hook(() => void calls.push('bwd'));
    const copy = nn.deepcopy(m);
    copy.call(torch.ones(1, 2, { requires_grad: true })).sum().backward();
    expect(calls).toEqual(['pre', 'fwd', 'bwd']);
    expect(copy._forward_pre_hooks_with_kwargs.size).toBe(1);
    // removing the original's handle leaves the copy's hook
    h.remove();
    calls.length = 0;
    copy.call(torch.ones(1, 2));
    expect(calls).toEqual(['pre', 'fwd']);
    // and a layer's hook reaches every clone of a TransformerEncoder, as in PyTorch
    const layer = new nn.TransformerEncoderLayer(4, 2, 8, 0);
    let seen = 0;
    layer.register_forward_hook(() => void seen++);
    const enc = new nn.TransformerEncoder(layer, 2, { enable_nested_tensor: false });
    enc.call(torch.ones(3, 1, 4));
    expect(seen).toBe(2);
  });
});
