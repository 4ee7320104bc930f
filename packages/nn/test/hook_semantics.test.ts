// Hook semantics scenarios ported from fixtures/hook_semantics.json (real PyTorch): each case's Python `code`
// is one function of its params P and its tensors below; its return value is compared with `results`.
import * as torch from '@tsgrad/core';
import type { Grad, Tensor } from '@tsgrad/core';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { capture_error, capture_warnings, expect_like, load_fixture_with_variants, snap, T, type CapturedWarning, type TensorJSON } from './fixture_utils.js';
import { event_sequence, expect_events, Recorder, type HookEvent } from './recorder.js';

interface Params {
  seed: number;
  layers: [string, ...number[]][];
  batch: number;
  layer: string;
  k: number;
  k2: number;
  c: number;
  d: number;
  n: number;
  hooked_children: number[];
}
interface LayerSpec {
  type: string;
  in_features?: number;
  out_features?: number;
  bias?: boolean;
  inplace?: boolean;
}
interface Case {
  name: string;
  level: string;
  params: Params;
  model: { type: string; layers: LayerSpec[] };
  state_dict: Record<string, TensorJSON>;
  input: TensorJSON;
  code: string;
  results: Record<string, unknown>;
}
type Results = Record<string, unknown>;

const fixtures = load_fixture_with_variants<{ cases: Case[] }>(new URL('./fixtures/hook_semantics.json', import.meta.url));

/** The scenario a case runs: the `def sc_<scenario>(P)` its code defines (case names may carry a variant suffix). */
function scenario_of(c: Case): string {
  return /^def sc_(\w+)\(P\)/m.exec(c.code)?.[1] ?? c.name;
}

// ---- the fixture's helpers_code --------------------------------------------------------------------

function load(m: nn.Module, sd: unknown): void {
  m.load_state_dict(Object.fromEntries(Object.entries(sd as Record<string, TensorJSON>).map(([k, v]) => [k, T(v)])));
}

/** `build(P)`: the Sequential described by `case.model`, with the case's weights. */
function build(c: Case): nn.Sequential {
  const layers = c.model.layers.map((spec): nn.Module => {
    switch (spec.type) {
      case 'Linear':
        return new nn.Linear(spec.in_features!, spec.out_features!, { bias: spec.bias ?? true });
      case 'ReLU':
        return new nn.ReLU({ inplace: spec.inplace ?? false });
      case 'Tanh':
        return new nn.Tanh();
      case 'Sigmoid':
        return new nn.Sigmoid();
      default:
        throw new Error(`unknown layer ${spec.type}`);
    }
  });
  const net = new nn.Sequential(...layers);
  load(net, c.state_dict);
  return net;
}

/** `make_input(P, requires_grad)`: the case's input, a fresh leaf each call. */
const make_input = (c: Case, requires_grad = false): Tensor => T(c.input, { requires_grad });
/** A random tensor the scenario drew (the probe, a custom module's input …), from `results`. */
const drawn = (c: Case, key: string, requires_grad = false): Tensor => T(c.results[key] as TensorJSON, { requires_grad });
const child = (net: nn.Sequential, layer: string | number): nn.Module => net.at(Number(layer));

const GRADS = (m: nn.Module): Results => Object.fromEntries([...m.named_parameters()].map(([n, p]) => [n, snap(p.grad)]));
const SD = (m: nn.Module): Results => Object.fromEntries(Object.entries(m.state_dict()).map(([k, v]) => [k, snap(v)]));
const leaf_grads = (m: nn.Module, x?: Tensor): Results => (x === undefined ? GRADS(m) : { ...GRADS(m), input: snap(x.grad) });

/** Applies the same Linear twice: lin(tanh(lin(x))). */
class Twice extends nn.Module {
  declare lin: nn.Linear;
  constructor(d: number) {
    super();
    this.lin = new nn.Linear(d, d);
  }
  override forward(x: Tensor): Tensor {
    return this.lin.call(torch.tanh(this.lin.call(x)));
  }
}

class TwoOut extends nn.Module {
  declare lin: nn.Linear;
  declare d: number;
  constructor(d: number) {
    super();
    this.lin = new nn.Linear(d, 2 * d);
    this.d = d;
  }
  override forward(x: Tensor): [Tensor, Tensor] {
    const y = this.lin.call(x);
    return [torch.relu(y.index([{}, { stop: this.d }])), torch.sigmoid(y.index([{}, { start: this.d }]))];
  }
}

class KwMod extends nn.Module {
  declare lin: nn.Linear;
  constructor(d: number) {
    super();
    this.lin = new nn.Linear(d, d);
  }
  override forward(x: Tensor, flag: unknown = null, kwargs: { scale?: number } = {}): Tensor {
    const y = this.lin.call(x).mul(kwargs.scale ?? 1.0);
    return flag === null ? y : y.add(1);
  }
}

class IgnoresSecond extends nn.Module {
  declare lin: nn.Linear;
  constructor(d: number) {
    super();
    this.lin = new nn.Linear(d, d);
  }
  override forward(a: Tensor, _b: Tensor): Tensor {
    return this.lin.call(a); // b is accepted but unused
  }
}

const out_of = (o: unknown): Tensor => o as Tensor;

// ---- the scenarios ---------------------------------------------------------------------------------

const scenarios: Record<string, (c: Case) => Results> = {
  forward_hook_modifies_output(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c, true);
    const ref = net.call(x);
    const probe = drawn(c, 'probe');
    ref.backward(probe);
    const ref_grads = leaf_grads(net, x);
    net.zero_grad({ set_to_none: true });
    x.grad = null;
    const h = child(net, P.layer).register_forward_hook((_m, _inp, out) => out_of(out).mul(P.k));
    const out = net.call(x);
    out.backward(probe);
    const hooked_grads = leaf_grads(net, x);
    h.remove();
    const after = net.call(x);
    return {
      probe: snap(probe), output_without_hook: snap(ref), grads_without_hook: ref_grads,
      output_with_hook: snap(out), grads_with_hook: hooked_grads, output_after_remove: snap(after),
    };
  },

  forward_hook_returning_none_keeps_output(c) {
    const net = build(c);
    const x = make_input(c);
    const ref = net.call(x);
    const seen: (Tensor | null)[] = [];
    child(net, c.params.layer).register_forward_hook((_m, _inp, out) => {
      seen.push(snap(out_of(out)));
    });
    const out = net.call(x);
    return { output_without_hook: snap(ref), output_with_hook: snap(out), hook_saw_output: seen };
  },

  forward_pre_hook_single_tensor_return(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c);
    const rec = new Recorder();
    const L = Number(P.layer);
    net.at(L).register_forward_pre_hook((_m, inp) => out_of(inp[0]).mul(P.k)); // a single Tensor becomes a 1-tuple
    net.at(L).register_forward_pre_hook(rec.forward_pre(String(L)));
    net.at(L).register_forward_hook(rec.forward(String(L)));
    const out = net.call(x);
    return { output: snap(out), events: rec.events };
  },

  forward_pre_hook_tuple_return(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c);
    const rec = new Recorder();
    const L = Number(P.layer);
    net.at(L).register_forward_pre_hook((_m, inp) => [out_of(inp[0]).add(P.c)]);
    net.at(L).register_forward_pre_hook(rec.forward_pre(String(L)));
    const out = net.call(x);
    return { output: snap(out), events: rec.events };
  },

  full_backward_hook_replaces_grad_input(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c, true);
    let out = net.call(x);
    const probe = drawn(c, 'probe');
    out.backward(probe);
    const ref = leaf_grads(net, x);
    net.zero_grad({ set_to_none: true });
    x.grad = null;
    const rec = new Recorder();
    const L = Number(P.layer);
    net.at(L).register_full_backward_hook(rec.full_backward(String(L)));
    net.at(L).register_full_backward_hook((_m, gi) => [gi[0]!.mul(P.k)]);
    out = net.call(x);
    out.backward(probe);
    return { probe: snap(probe), grads_without_hook: ref, grads_with_hook: leaf_grads(net, x), events: rec.events };
  },

  tensor_hook_scales_leaf_grad(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c, true);
    const w = net.at<nn.Linear>(0).weight;
    const seen: Record<string, Tensor | null> = {};
    x.register_hook((g) => g.mul(P.k));
    w.register_hook(function w_hook(g) {
      seen['w'] = snap(g);
      return g.mul(P.k2);
    });
    const out = net.call(x);
    const probe = drawn(c, 'probe');
    out.backward(probe);
    return { probe: snap(probe), grads: leaf_grads(net, x), weight0_hook_saw: seen['w'] };
  },

  tensor_hook_on_intermediate(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c, true);
    const L = Number(P.layer);
    let h = x;
    [...net].forEach((m, i) => {
      h = out_of(m.call(h));
      if (i === L) h.register_hook((g) => g.mul(P.k));
    });
    const probe = drawn(c, 'probe');
    h.backward(probe);
    return { probe: snap(probe), output: snap(h), grads: leaf_grads(net, x) };
  },

  multiple_tensor_hooks_chain(c) {
    const P = c.params;
    const x = make_input(c, true);
    const seen: [string, Tensor | null][] = [];
    const y = x.mul(2);
    y.register_hook((g) => {
      seen.push(['h1', snap(g)]);
      return g.mul(P.k);
    });
    y.register_hook((g) => {
      seen.push(['h2', snap(g)]);
      return g.add(P.c);
    });
    y.register_hook((g) => {
      seen.push(['h3', snap(g)]); // returns nothing: gradient unchanged
    });
    x.register_hook((g) => {
      seen.push(['leaf', snap(g)]);
    });
    y.sum().backward();
    return { seen_in_order: seen, x_grad: snap(x.grad) };
  },

  multiple_forward_hooks_chain(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c);
    const m = child(net, P.layer);
    const seen: [string, Tensor | null][] = [];
    m.register_forward_hook((_m, _i, out) => {
      seen.push(['f1', snap(out_of(out))]);
      return out_of(out).mul(P.k);
    });
    m.register_forward_hook((_m, _i, out) => {
      seen.push(['f2', snap(out_of(out))]);
      return out_of(out).add(P.c);
    });
    m.register_forward_hook((_m, _i, out) => {
      seen.push(['f3', snap(out_of(out))]);
    });
    const out = net.call(x);
    return { seen_in_order: seen, output: snap(out) };
  },

  multiple_forward_pre_hooks_chain(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c);
    const m = child(net, P.layer);
    const seen: [string, Tensor | null][] = [];
    m.register_forward_pre_hook((_m, inp) => {
      seen.push(['p1', snap(out_of(inp[0]))]);
      return out_of(inp[0]).mul(P.k);
    });
    m.register_forward_pre_hook((_m, inp) => {
      seen.push(['p2', snap(out_of(inp[0]))]);
      return [out_of(inp[0]).add(P.c)];
    });
    m.register_forward_pre_hook((_m, inp) => {
      seen.push(['p3', snap(out_of(inp[0]))]);
    });
    const out = net.call(x);
    return { seen_in_order: seen, output: snap(out) };
  },

  multiple_full_backward_hooks_chain(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c, true);
    const m = child(net, P.layer);
    const seen: [string, (Tensor | null)[], (Tensor | null)[]][] = [];
    const log = (name: string, gi: Grad[], go: Grad[]): void => {
      seen.push([name, gi.map(snap), go.map(snap)]);
    };
    m.register_full_backward_hook((_m, gi, go) => {
      log('b1', gi, go);
      return [gi[0]!.mul(P.k)];
    });
    m.register_full_backward_hook((_m, gi, go) => {
      log('b2', gi, go);
      return [gi[0]!.add(P.c)];
    });
    m.register_full_backward_hook((_m, gi, go) => {
      log('b3', gi, go);
    });
    const out = net.call(x);
    const probe = drawn(c, 'probe');
    out.backward(probe);
    return { probe: snap(probe), seen_in_order: seen, grads: leaf_grads(net, x) };
  },

  handle_remove(c) {
    const net = build(c);
    const x = make_input(c, true);
    const calls = { fwd: 0, pre: 0, bwd: 0, tensor: 0 };
    const m = child(net, c.params.layer);
    const count = (key: keyof typeof calls) => (): undefined => {
      calls[key] += 1;
      return undefined;
    };
    const hf = m.register_forward_hook(count('fwd'));
    const hp = m.register_forward_pre_hook(count('pre'));
    const hb = m.register_full_backward_hook(count('bwd'));
    const ht = x.register_hook(count('tensor'));
    net.call(x).sum().backward();
    const after_first = { ...calls };
    let double_remove_raised = false;
    for (const h of [hf, hp, hb, ht]) h.remove();
    try {
      for (const h of [hf, hp, hb, ht]) h.remove(); // removing twice is a no-op
    } catch {
      double_remove_raised = true;
    }
    net.call(x).sum().backward();
    return {
      calls_after_first_run: after_first, calls_after_remove_and_second_run: { ...calls }, double_remove_raised,
      forward_hooks_dict_len: m._forward_hooks.size, backward_hooks_dict_len: m._backward_hooks.size,
    };
  },

  handle_as_context_manager(c) {
    const net = build(c);
    const x = make_input(c);
    const calls: string[] = [];
    const m = child(net, c.params.layer);
    {
      using _h = m.register_forward_hook(() => {
        calls.push('inside');
      });
      net.call(x);
    }
    net.call(x);
    return { calls };
  },

  remove_inside_hook(c) {
    const net = build(c);
    const x = make_input(c, true);
    const m = child(net, c.params.layer);
    const log: string[] = [];
    const handles: Record<string, { remove(): void }> = {};
    handles['f1'] = m.register_forward_hook(() => {
      log.push('f1');
      handles['f2']!.remove();
    });
    handles['f2'] = m.register_forward_hook(() => {
      log.push('f2');
    });
    handles['g1'] = m.register_forward_hook(() => {
      log.push('g1_self_removing');
      handles['g1']!.remove();
    });
    net.call(x);
    log.push('|second forward|');
    net.call(x);

    const tlog: string[] = [];
    const y = x.mul(1);
    handles['t1'] = y.register_hook(() => {
      tlog.push('t1');
      handles['t2']!.remove();
    });
    handles['t2'] = y.register_hook(() => {
      tlog.push('t2');
    });
    y.sum().backward(undefined, { retain_graph: true });
    tlog.push('|second backward|');
    y.sum().backward();
    return { forward_hook_log: log, tensor_hook_log: tlog };
  },

  add_hook_inside_hook(c) {
    const net = build(c);
    const x = make_input(c);
    const m = child(net, c.params.layer);
    const log: string[] = [];
    m.register_forward_hook((mod) => {
      log.push('f1');
      if (log.length === 1) {
        mod.register_forward_hook(() => {
          log.push('added');
        });
      }
    });
    net.call(x);
    log.push('|second forward|');
    net.call(x);
    return { log };
  },

  module_reused_twice(c) {
    const net = new Twice(c.params.d);
    load(net, c.results['state_dict_twice']);
    const x = drawn(c, 'input_twice', true);
    const rec = new Recorder();
    rec.on(net.lin, 'lin', ['forward_pre', 'forward', 'full']);
    const out = net.call(x);
    const probe = drawn(c, 'probe');
    out.backward(probe);
    return {
      state_dict_twice: SD(net), input_twice: snap(x), probe: snap(probe), output: snap(out),
      events: rec.events, grads: { ...GRADS(net), input: snap(x.grad) },
    };
  },

  module_reused_twice_legacy(c) {
    const net = new Twice(c.params.d);
    load(net, c.results['state_dict_twice']);
    const x = drawn(c, 'input_twice', true);
    const rec = new Recorder();
    const [[out, probe], warns] = capture_warnings(() => {
      rec.on(net.lin, 'lin', ['legacy']);
      const out = net.call(x);
      const probe = drawn(c, 'probe');
      out.backward(probe);
      return [out, probe] as const;
    });
    return { state_dict_twice: SD(net), input_twice: snap(x), probe: snap(probe), output: snap(out), events: rec.events, warnings: warns };
  },

  sequential_container_hooks(c) {
    const net = build(c);
    const x = make_input(c, true);
    const rec = new Recorder();
    rec.on(net, '<seq>', ['forward_pre', 'forward', 'full']);
    for (const i of c.params.hooked_children) rec.on(net.at(i), String(i), ['forward_pre', 'forward', 'full']);
    const out = net.call(x);
    const probe = drawn(c, 'probe');
    out.backward(probe);
    return {
      probe: snap(probe), output: snap(out), events: rec.events, grads: leaf_grads(net, x),
      event_sequence: event_sequence(rec.events),
    };
  },

  two_output_module(c) {
    const P = c.params;
    const m = new TwoOut(P.d);
    load(m, c.results['state_dict_twoout']);
    const x = drawn(c, 'input_twoout', true);
    const rec = new Recorder();
    rec.on(m, 'two', ['forward', 'full']);
    let [a, b] = m.call(x);
    a.mul(P.k).sum().backward(); // only the first output is used
    const first_only = { events: rec.events, grads: { ...GRADS(m), input: snap(x.grad) } };
    rec.events = [];
    m.zero_grad({ set_to_none: true });
    x.grad = null;
    [a, b] = m.call(x);
    a.mul(P.k).sum().add(b.mul(P.c).sum()).backward();
    const both = { events: rec.events, grads: { ...GRADS(m), input: snap(x.grad) } };
    return { state_dict_twoout: SD(m), input_twoout: snap(x), loss_uses_first_output_only: first_only, loss_uses_both_outputs: both };
  },

  two_output_module_legacy(c) {
    const P = c.params;
    const m = new TwoOut(P.d);
    load(m, c.results['state_dict_twoout']);
    const x = drawn(c, 'input_twoout', true);
    const rec = new Recorder();
    const [, warns] = capture_warnings(() => {
      rec.on(m, 'two', ['legacy']);
      const [a, b] = m.call(x);
      a.mul(P.k).sum().add(b.mul(P.c).sum()).backward();
    });
    return { state_dict_twoout: SD(m), input_twoout: snap(x), events: rec.events, warnings: warns };
  },

  leaf_vs_intermediate_and_retain_grad(c) {
    const P = c.params;
    const x = drawn(c, 'x', true);
    // (a) retain_grad() before register_hook
    let y = x.mul(2);
    y.retain_grad();
    y.register_hook((g) => g.mul(P.k));
    y.mul(y).sum().backward();
    const a = { y_grad: snap(y.grad), x_grad: snap(x.grad) };
    // (b) register_hook before retain_grad()
    x.grad = null;
    y = x.mul(2);
    y.register_hook((g) => g.mul(P.k));
    y.retain_grad();
    y.mul(y).sum().backward();
    const b = { y_grad: snap(y.grad), x_grad: snap(x.grad) };
    // (c) hook on the leaf itself; retain_grad on a leaf is a no-op
    x.grad = null;
    x.register_hook((g) => g.mul(P.k));
    x.retain_grad();
    x.mul(2).mul(x.mul(2)).sum().backward();
    const leaf = { x_grad: snap(x.grad), x_is_leaf: x.is_leaf, x_retains_grad: x.retains_grad };
    return { x: snap(x), retain_then_hook: a, hook_then_retain: b, leaf_hook: leaf };
  },

  hook_on_tensor_used_twice(c) {
    const P = c.params;
    const x = drawn(c, 'x', true);
    const seen: [string, Tensor | null][] = [];
    const y = x.exp();
    y.register_hook((g) => {
      seen.push(['y', snap(g)]);
    });
    x.register_hook((g) => {
      seen.push(['x', snap(g)]);
    });
    const z = y.mul(P.k).add(y.sin()).sum();
    z.backward();
    return { x: snap(x), seen_in_order: seen, x_grad: snap(x.grad) };
  },

  grad_accumulation_two_backward_with_hooks(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c, true);
    const counts = { x_hook: 0, module_full: 0 };
    x.register_hook((g) => {
      counts.x_hook += 1;
      return g.mul(P.k);
    });
    child(net, P.layer).register_full_backward_hook(() => {
      counts.module_full += 1;
    });
    const out1 = net.call(x);
    const probe = drawn(c, 'probe');
    out1.backward(probe);
    const g1 = leaf_grads(net, x);
    const out2 = net.call(x);
    out2.backward(probe.mul(P.c));
    const g2 = leaf_grads(net, x);
    return { probe: snap(probe), grads_after_first: g1, grads_after_second: g2, counts };
  },

  kwargs_and_non_tensor_args(c) {
    const P = c.params;
    const m = new KwMod(P.d);
    load(m, c.results['state_dict_kw']);
    const x = drawn(c, 'input_kw', true);
    const rec = new Recorder();
    rec.on(m, 'kw', ['forward_pre', 'forward', 'full']);
    const out = m.call(x, 'flag', nn.kwargs({ scale: P.k })); // positional non-tensor 'flag', keyword 'scale'
    out.sum().backward();
    return { state_dict_kw: SD(m), input_kw: snap(x), output: snap(out), events: rec.events };
  },

  full_hook_unused_input_gets_zero_grad(c) {
    const m = new IgnoresSecond(c.params.d);
    load(m, c.results['state_dict_ignores_second']);
    const a = drawn(c, 'a', true);
    const b = drawn(c, 'b', true);
    m.call(a, b).sum().backward();
    const without_hook = { a_grad: snap(a.grad), b_grad: snap(b.grad) };
    a.grad = null;
    const rec = new Recorder();
    rec.on(m, 'm', ['full']);
    m.call(a, b).sum().backward();
    return {
      state_dict_ignores_second: SD(m), a: snap(a), b: snap(b), without_hook,
      with_full_hook: { a_grad: snap(a.grad), b_grad: snap(b.grad) }, events: rec.events,
    };
  },

  hooks_under_no_grad(c) {
    const net = build(c);
    const x = make_input(c, true);
    const rec = new Recorder();
    const L = c.params.layer;
    rec.on(child(net, L), String(Number(L)), ['forward_pre', 'forward', 'full']);
    const out = torch.no_grad(() => net.call(x));
    return { output: snap(out), output_requires_grad: out.requires_grad, events: rec.events };
  },

  full_backward_hook_sees_hook_modified_output(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c, true);
    const rec = new Recorder();
    const m = child(net, P.layer);
    m.register_forward_hook((_m, _i, o) => out_of(o).mul(P.k));
    rec.on(m, String(Number(P.layer)), ['full']);
    const out = net.call(x);
    const probe = drawn(c, 'probe');
    out.backward(probe);
    return { probe: snap(probe), events: rec.events, grads: leaf_grads(net, x) };
  },

  legacy_hook_returns_modified_grad_input(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c, true);
    // `layer` must be a Linear on a 2-D input with bias: AddmmBackward0(bias, input, weight.t())
    const [probe, warns] = capture_warnings(() => {
      child(net, P.layer).register_backward_hook((_m, gi) => [gi[0]!.mul(0), gi[1]!.mul(P.k), gi[2]!]);
      const out = net.call(x);
      const probe = drawn(c, 'probe');
      out.backward(probe);
      return probe;
    });
    return { probe: snap(probe), grads: leaf_grads(net, x), warnings: warns };
  },

  backward_hook_kind_sticks_after_remove(c) {
    const net = build(c);
    const m = child(net, c.params.layer);
    const h = m.register_backward_hook(() => undefined);
    h.remove();
    return { error: capture_error(() => m.register_full_backward_hook(() => undefined)) };
  },

  error_full_hook_wrong_length(c) {
    const net = build(c);
    const x = make_input(c, true);
    child(net, c.params.layer).register_full_backward_hook((_m, gi) => [gi[0]!, gi[0]!]);
    return { error: capture_error(() => net.call(x).sum().backward()) };
  },

  error_full_hook_returns_value_when_no_input_requires_grad(c) {
    const P = c.params;
    const net = build(c);
    const x = make_input(c, false);
    net.at(0).register_full_backward_hook(() => [torch.zeros([P.batch, P.layers[0]![1]!])]);
    return { error: capture_error(() => net.call(x).sum().backward()) };
  },

  error_inplace_relu_with_full_hook(c) {
    const r = new nn.ReLU({ inplace: true });
    r.register_full_backward_hook(() => undefined);
    const x = make_input(c, true);
    return { error: capture_error(() => r.call(x.mul(1)).sum().backward()) };
  },

  error_tensor_hook_changes_shape(c) {
    const x = make_input(c, true);
    const y = x.mul(2);
    function bad(g: Tensor): Tensor {
      return g.sum();
    }
    y.register_hook(bad);
    return { error: capture_error(() => y.sum().backward()) };
  },
};

// ---- expected values: the fixture's, with the documented 1.13 → 2.x differences applied ----------------

const LEGACY_WARNING_PREFIXES = ['Using a non-full backward hook', 'Using non-full backward hooks'];

/** 1.13 printed legacy-hook deprecations as UserWarning; tsgrad follows 2.x (nn.LEGACY_HOOK_WARNING_CATEGORY). */
function warnings_2x(ws: CapturedWarning[]): CapturedWarning[] {
  return ws.map((w) => (LEGACY_WARNING_PREFIXES.some((p) => w.message.startsWith(p)) ? { ...w, category: nn.LEGACY_HOOK_WARNING_CATEGORY } : w));
}

function expected_2x(c: Case): Results {
  const r: Results = structuredClone(c.results);
  if (Array.isArray(r['warnings'])) r['warnings'] = warnings_2x(r['warnings'] as CapturedWarning[]);
  if (scenario_of(c) === 'leaf_vs_intermediate_and_retain_grad') {
    // 2.x fills .grad after all tensor hooks: both registration orders retain the hooked value.
    const a = r['retain_then_hook'] as Results;
    const b = r['hook_then_retain'] as Results;
    a['y_grad'] = b['y_grad'];
  }
  return r;
}

/** What the test name says about a case's level. */
function level_note(c: Case): string {
  if (c.level !== 'pytorch-1.13-detail') return c.level;
  return scenario_of(c) === 'leaf_vs_intermediate_and_retain_grad'
    ? 'pytorch-1.13-detail, asserting 2.x: retain_grad keeps the value after all tensor hooks in both orders'
    : 'pytorch-1.13-detail, asserting 2.x: same as 1.13';
}

function compare_results(actual: Results, expected: Results): void {
  for (const key of Object.keys(expected)) {
    if (key === 'events' && Array.isArray(expected[key])) expect_events(actual[key] as HookEvent[], expected[key] as HookEvent[], 'results.events');
  }
  expect_like(actual, expected, 'results');
}

for (const [file, fixture] of fixtures) describe(file, () => {
  for (const c of fixture.cases) {
    it(`${c.name} [${level_note(c)}]`, () => {
      const run = scenarios[scenario_of(c)];
      if (run === undefined) expect.fail(`no TypeScript port of scenario '${scenario_of(c)}'; its Python:\n${c.code}`);
      compare_results(run(c), expected_2x(c));
    });
  }

  it('leaf_vs_intermediate_and_retain_grad: the 2.x expectation differs from 1.13 by exactly the hook factor', () => {
    for (const c of fixture.cases.filter((k) => scenario_of(k) === 'leaf_vs_intermediate_and_retain_grad')) {
      const a = (c.results['retain_then_hook'] as Results)['y_grad'] as TensorJSON;
      const b = (c.results['hook_then_retain'] as Results)['y_grad'] as TensorJSON;
      expect_like(T(a).mul(c.params.k), b, 'k * (1.13 retain-before-hook y.grad)');
    }
  });
});

describe('hook_semantics scenario ports', () => {
  it('every scenario port is exercised by some public fixture case', () => {
    const names = new Set(fixtures[0]![1].cases.map(scenario_of));
    expect(Object.keys(scenarios).filter((n) => !names.has(n))).toEqual([]);
  });
});
