// torch.jit.trace of modules: a traced call equals the eager call and fires the hooks registered on the original
// modules (forward pre, forward, full backward pre and backward, global) in the same order with the same values.
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import { afterEach, describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';

class Block extends nn.Module {
  static override readonly __name__ = 'Block';
  fc = new nn.Linear(6, 6);
  norm = new nn.LayerNorm(6);
  override forward(x: Tensor, kwargs: { scale?: Tensor } = {}): Tensor {
    const y = this.norm.call(this.fc.call(x)).relu();
    return kwargs.scale === undefined ? y : y.mul(kwargs.scale);
  }
}

class Net extends nn.Module {
  static override readonly __name__ = 'Net';
  conv = new nn.Conv2d(1, 2, 3);
  block = new Block();
  head = new nn.Linear(6, 3);
  override forward(x: Tensor, s: Tensor): [Tensor, Tensor] {
    const h = this.conv.call(x).flatten(1).narrow(1, 0, 6);
    const b = this.block.call(h, nn.kwargs({ scale: s }));
    return [this.head.call(b), b.sum(1)];
  }
}

const handles: { remove(): void }[] = [];
afterEach(() => {
  for (const h of handles.splice(0)) h.remove();
});

/** Registers every kind of hook on every module of `net` (and global ones), each logging its label to `log`. */
function hook_everything(net: nn.Module, log: string[]): void {
  for (const [name, m] of net.named_modules()) {
    const n = name === '' ? 'net' : name;
    handles.push(m.register_forward_pre_hook((_m, args) => void log.push(`pre ${n} ${(args[0] as Tensor).shape}`)));
    handles.push(m.register_forward_hook((_m, _a, out) => void log.push(`fwd ${n} ${out instanceof Tensor ? out.shape : 'tuple'}`)));
    handles.push(m.register_full_backward_pre_hook((_m, go) => void log.push(`bwd-pre ${n} ${go.map((g) => g?.shape ?? null).join('|')}`)));
    handles.push(m.register_full_backward_hook((_m, gi) => void log.push(`bwd ${n} ${gi.map((g) => g?.shape ?? null).join('|')}`)));
  }
  handles.push(nn.register_module_forward_hook((m) => void log.push(`global ${m._get_name()}`)));
}

function run(f: (x: Tensor, s: Tensor) => unknown, x: Tensor, s: Tensor): { out: Tensor[]; grad: Tensor } {
  const xi = x.detach().requires_grad_(true);
  const [a, b] = f(xi, s) as [Tensor, Tensor];
  a.sum().add(b.sum()).backward();
  return { out: [a, b], grad: xi.grad! };
}

describe('torch.jit.trace(module)', () => {
  it('replays equal to eager, hooks firing in the same order, including ones registered after tracing', () => {
    torch.manual_seed(0);
    const net = new Net();
    const traced = torch.jit.trace(net, [torch.randn([2, 1, 5, 5]), torch.randn([6])]);
    const log: string[] = [];
    hook_everything(net, log);
    const x = torch.randn([2, 1, 5, 5]);
    const s = torch.randn([6]);
    const eager = run((a, b) => net.call(a, b), x, s);
    const eager_log = log.splice(0);
    const replay = run((a, b) => traced.call(a, b), x, s);
    expect(log).toEqual(eager_log);
    expect(eager_log).toContain('bwd-pre block.fc torch.Size([2, 6])');
    expect(eager_log.filter((l) => l.startsWith('global')).length).toBe(6);
    replay.out.forEach((t, i) => expect(torch.equal(t, eager.out[i]!)).toBe(true));
    expect(torch.equal(replay.grad, eager.grad)).toBe(true);
  });

  it('hooks that replace inputs or outputs act once, as in an eager call (registered before or after tracing)', () => {
    const net = new Net();
    handles.push(net.block.fc.register_forward_hook((_m, _a, out) => (out as Tensor).mul(2)));
    const traced = torch.jit.trace(net, [torch.randn([1, 1, 5, 5]), torch.randn([6])]);
    expect(traced.inlined_graph.nodes.filter((n) => n.name === 'aten::mul').length).toBe(1);
    handles.push(net.head.register_forward_pre_hook((_m, args) => [(args[0] as Tensor).add(1)]));
    const x = torch.randn([1, 1, 5, 5]);
    const s = torch.randn([6]);
    const [a, b] = net.call(x, s);
    const [ta, tb] = traced.call(x, s) as [Tensor, Tensor];
    expect(torch.equal(ta, a)).toBe(true);
    expect(torch.equal(tb, b)).toBe(true);
  });

  it('reads parameters live from the original modules', () => {
    const net = new Net();
    const traced = torch.jit.trace(net, [torch.randn([1, 1, 5, 5]), torch.randn([6])]);
    torch.no_grad(() => net.head.weight.mul_(-3));
    const x = torch.randn([1, 1, 5, 5]);
    const s = torch.randn([6]);
    expect(torch.equal((traced.call(x, s) as Tensor[])[0]!, net.call(x, s)[0])).toBe(true);
  });

  it('prints module calls as prim::CallMethod, and inlines them with state_dict names', () => {
    const net = new Net();
    const traced = torch.jit.trace(net, [torch.randn([1, 1, 5, 5]), torch.randn([6])]);
    const lines = String(traced.graph).split('\n');
    expect(lines[0]).toBe('graph(%self : __torch__.Net,');
    expect(lines.filter((l) => l.includes('prim::CallMethod')).map((l) => l.replace(/^.* = /, ''))).toEqual([
      'prim::CallMethod[name="forward"](%self.conv, %input.1)',
      'prim::CallMethod[name="forward"](%self.block, %3, scale=%input.2)',
      'prim::CallMethod[name="forward"](%self.head, %4)',
    ]);
    const inlined = traced.inlined_graph;
    expect(inlined.nodes.filter((n) => n.what.kind === 'attr').map((n) => (n.what as { attr: string }).attr)).toEqual([
      'conv.weight', 'conv.bias', 'block.fc.weight', 'block.fc.bias', 'block.norm.weight', 'block.norm.bias', 'head.weight', 'head.bias',
    ]);
    expect(inlined.nodes.filter((n) => n.what.kind === 'op').map((n) => n.name)).toEqual([
      'aten::conv2d', 'aten::flatten', 'aten::narrow', 'aten::linear', 'aten::layer_norm', 'aten::relu', 'aten::mul', 'aten::linear', 'aten::sum',
    ]);
    expect(String(traced)).toBe('Net(original_name=Net)');
  });

  it('refuses non-tensor inputs and constants that require grad', () => {
    const net = new Net();
    expect(() => torch.jit.trace(net, [torch.randn([1, 1, 5, 5]), 3 as unknown as Tensor])).toThrow(
      "Type 'number' cannot be traced. Only Tensors and (possibly nested) Lists, Dicts, and Tuples of Tensors can be traced",
    );
    const w = torch.randn([3], { requires_grad: true });
    expect(() => torch.jit.trace((x: Tensor) => x.mul(w), [torch.randn([3])])).toThrow('Cannot insert a Tensor that requires grad as a constant');
  });
});

describe('compiled replay of a traced module (under no_grad) keeps its hooks', () => {
  /** Forward pre-hooks and forward hooks on every module and a global one, logging what they see. */
  function forward_hooks(net: nn.Module, log: string[]): void {
    const text = (t: unknown): string => (t instanceof Tensor ? `${t.shape}:${t.sum().item().toFixed(3)}` : 'tuple');
    for (const [name, m] of net.named_modules()) {
      const n = name === '' ? 'net' : name;
      handles.push(m.register_forward_pre_hook((_m, args) => void log.push(`pre ${n} ${text(args[0])}`)));
      handles.push(m.register_forward_hook((_m, _a, out) => void log.push(`fwd ${n} ${text(out)}`)));
    }
    handles.push(nn.register_module_forward_hook((m) => void log.push(`global ${m._get_name()}`)));
  }
  const inputs = (): [Tensor, Tensor] => [torch.randn([2, 1, 5, 5]), torch.randn([6])];
  // compiled steps may round differently from eager ops (fused chains, folded batch norms): equal up to float32 rounding
  const close = (a: Tensor, b: Tensor): boolean => torch.allclose(a, b, { rtol: 1e-5, atol: 1e-6 });

  it('fires every hook in the eager order with equal values; hooked modules are calls of their own in the plan', () => {
    torch.manual_seed(3);
    const net = new Net().eval();
    const traced = torch.jit.trace(net, inputs());
    const plain = traced.graph_for(...inputs())!;
    expect(plain).not.toContain('prim::CallMethod');
    expect(plain).toContain('aten::layer_norm (compiled)');
    expect(plain).toContain('prim::FusionGroup[aten::relu, aten::mul]');
    const log: string[] = [];
    forward_hooks(net, log);
    for (let k = 0; k < 3; k++) {
      const [x, s] = inputs();
      const eager = torch.no_grad(() => net.call(x, s));
      const eager_log = log.splice(0);
      const compiled = torch.no_grad(() => traced.call(x, s)) as Tensor[];
      expect(log.splice(0)).toEqual(eager_log);
      compiled.forEach((t, i) => expect(close(t, eager[i]!), `call ${k} output ${i}`).toBe(true));
    }
    const hooked = traced.graph_for(...inputs())!;
    expect(hooked.split('\n').filter((l) => l.startsWith('prim::CallMethod'))).toEqual(['prim::CallMethod[name="forward"](%self.Net) (hooked)']);
  });

  it('gives a hook that keeps the tensors it sees its own each call', () => {
    const net = new Net().eval();
    const traced = torch.jit.trace(net, inputs());
    const seen: Tensor[] = [];
    handles.push(net.block.register_forward_hook((_m, _a, out) => void seen.push(out as Tensor)));
    const calls = [inputs(), inputs(), inputs()];
    for (const [x, s] of calls) torch.no_grad(() => traced.call(x, s));
    const kept = seen.splice(0);
    expect(new Set(kept.map((t) => t._storage)).size).toBe(3);
    // each still holds its own call's values
    calls.forEach(([x, s], k) => {
      torch.no_grad(() => net.call(x, s));
      expect(close(kept[k]!, seen.pop()!), `call ${k}`).toBe(true);
    });
  });

  it('switches plans as hooks come and go', () => {
    const net = new Net().eval();
    const traced = torch.jit.trace(net, inputs());
    const [x, s] = inputs();
    torch.no_grad(() => traced.call(x, s));
    let fired = 0;
    const h = net.block.norm.register_forward_hook(() => void fired++);
    torch.no_grad(() => traced.call(x, s));
    expect(fired).toBe(1);
    expect(traced.graph_for(x, s)).toContain('prim::CallMethod[name="forward"](%self.norm) (hooked)');
    h.remove();
    torch.no_grad(() => traced.call(x, s));
    expect(fired).toBe(1);
    expect(traced.graph_for(x, s)).not.toContain('prim::CallMethod');
  });

  it('sees changed parameters, and records autograd when grad mode is on', () => {
    const net = new Net().eval();
    const traced = torch.jit.trace(net, inputs());
    const [x, s] = inputs();
    torch.no_grad(() => traced.call(x, s));
    torch.no_grad(() => net.block.fc.weight.mul_(-2));
    const after = torch.no_grad(() => traced.call(x, s)) as Tensor[];
    expect(close(after[0]!, torch.no_grad(() => net.call(x, s))[0])).toBe(true);
    net.load_state_dict(new Net().state_dict());
    expect(close((torch.no_grad(() => traced.call(x, s)) as Tensor[])[1]!, torch.no_grad(() => net.call(x, s))[1])).toBe(true);
    const [a] = traced.call(x, s) as Tensor[];
    expect(a!.grad_fn).not.toBeNull();
    a!.sum().backward();
    const g = net.head.weight.grad!.clone();
    net.zero_grad();
    net.call(x, s)[0].sum().backward();
    expect(torch.equal(g, net.head.weight.grad!)).toBe(true);
  });
});

describe('torch.jit.freeze', () => {
  const inputs = (): [Tensor, Tensor] => [torch.randn([2, 1, 4, 4]), torch.randn([6])];

  it('makes parameters and buffers constants: equal to eager, deaf to later parameter changes, without hooks', () => {
    const net = new Net().eval();
    const traced = torch.jit.trace(net, inputs());
    const frozen = torch.jit.freeze(traced);
    const graph = String(frozen.graph);
    expect(graph).not.toContain('prim::GetAttr');
    expect(graph).not.toContain('prim::CallMethod');
    expect(graph).toContain('prim::Constant');
    const x = inputs();
    const want = torch.no_grad(() => net.call(...x)) as Tensor[];
    for (let k = 0; k < 3; k++) {
      const got = torch.no_grad(() => frozen.call(...x)) as Tensor[];
      want.forEach((w, i) => expect(torch.allclose(got[i]!, w, { rtol: 1e-6, atol: 1e-6 }), `call ${k} output ${i}`).toBe(true));
    }
    // grad mode on: still no parameter to record, the plan runs; an input requiring grad replays with autograd
    frozen.call(...x);
    expect(frozen.last_plan).not.toBeNull();
    const xi = x[0].clone().requires_grad_(true);
    (frozen.call(xi, x[1]) as Tensor[])[0]!.sum().backward();
    expect(xi.grad?.shape).toEqual(xi.shape);
    // the module's hooks are not the frozen graph's; a parameter changed later does not reach it
    const log: string[] = [];
    handles.push(net.head.register_forward_hook(() => void log.push('head')));
    torch.no_grad(() => net.head.bias!.add_(1));
    const after = torch.no_grad(() => frozen.call(...x)) as Tensor[];
    expect(log).toEqual([]);
    expect(torch.allclose(after[0]!, want[0]!, { rtol: 1e-6, atol: 1e-6 })).toBe(true);
    expect(torch.allclose((torch.no_grad(() => traced.call(...x)) as Tensor[])[0]!, want[0]!.add(1), { rtol: 1e-5, atol: 1e-5 })).toBe(true);
    expect(log).toEqual(['head']);
  });

  it("refuses modules in training mode and traced functions, in PyTorch's words", () => {
    const net = new Net();
    const traced = torch.jit.trace(net, inputs());
    expect(() => torch.jit.freeze(traced)).toThrow('Freezing is currently only implemented for modules in eval mode. Please call .eval() on your module before freezing.');
    const f = torch.jit.trace((a: Tensor) => a.mul(2), [torch.randn([2])]);
    expect(() => torch.jit.freeze(f)).toThrow("Freezing expects a ScriptModule as input. Please use torch.jit.script or torch.jit.trace to script your 'nn.Module'.");
  });
});
