// torch.jit.trace on functions: every op of the gradcheck table records and replays, the graph prints one op a
// line, tracer warnings, bad inputs, and recording is off outside a trace.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import { OP_CASES } from './op_grad_cases.js';

const flat = (v: unknown): Tensor[] => (v instanceof Tensor ? [v] : Array.isArray(v) ? v.flatMap(flat) : []);

/** Rows whose op draws random numbers: a replay samples anew, as PyTorch's traced dropout does. */
const RANDOM = new Set(Object.keys(OP_CASES).filter((k) => /dropout|rrelu|fractional/.test(k)));
/** Rows whose result shape depends on the values (a boolean mask index): a trace fixes shapes. */
const VALUE_SHAPED = new Set(['index_repeated']);

describe('every op of the gradcheck table replays as traced', () => {
  for (const [name, row] of Object.entries(OP_CASES)) {
    if (RANDOM.has(name) || VALUE_SHAPED.has(name)) continue;
    it(name, () => {
      const traced = torch.jit.trace(row.fn as (...xs: Tensor[]) => unknown, row.inputs());
      // fresh inputs: the same shapes, other values
      const xs = row.inputs();
      const eager = flat(row.fn(...xs));
      const replay = flat(traced.call(...xs));
      expect(replay.length).toBe(eager.length);
      eager.forEach((e, i) => {
        expect(replay[i]!.shape).toEqual(e.shape);
        expect(replay[i]!.dtype).toBe(e.dtype);
        expect(torch.equal(replay[i]!.detach(), e.detach())).toBe(true);
      });
    });
  }
});

/** Rows whose function mixes its inputs with float64 tensors it makes (which float32 inputs reject). */
const FLOAT64_INSIDE = new Set(['scaled_dot_product_attention']);

describe('every op of the gradcheck table replays compiled as eager, in float64 and float32', () => {
  const f32 = (t: Tensor): Tensor => (t._dtype === 'float64' ? t.detach().float() : t.detach());
  for (const [name, row] of Object.entries(OP_CASES)) {
    if (RANDOM.has(name) || VALUE_SHAPED.has(name)) continue;
    it(name, () => {
      for (const cast of [(t: Tensor) => t.detach(), f32]) {
        const example = row.inputs().map(cast);
        // a row whose function makes float64 tensors of its own cannot run on float32 inputs
        if (cast === f32 && FLOAT64_INSIDE.has(name)) continue;
        const traced = torch.jit.trace(row.fn as (...xs: Tensor[]) => unknown, example);
        // the first call compiles, the next ones run the plan (the second on other values)
        for (let k = 0; k < 3; k++) {
          const xs = k === 0 ? example : row.inputs().map(cast);
          const eager = flat(torch.no_grad(() => row.fn(...xs.map((x) => x.clone()))));
          const replay = flat(torch.no_grad(() => traced.call(...xs)));
          expect(replay.length).toBe(eager.length);
          eager.forEach((e, i) => {
            expect(replay[i]!.shape).toEqual(e.shape);
            expect(replay[i]!.dtype).toBe(e.dtype);
            expect(torch.equal(replay[i]!, e), `call ${k} output ${i} ${e.dtype}`).toBe(true);
          });
        }
      }
    });
  }
});

describe('torch.jit.trace of a function', () => {
  afterEach(() => vi.restoreAllMocks());
  const f = (x: Tensor, y: Tensor): Tensor => x.mul(y).add(1).relu().sum(1, { keepdim: true });

  it('prints the graph one op a line, with types and attributes', () => {
    const traced = torch.jit.trace(f, [torch.ones([2, 3]), torch.ones([3])]);
    expect(String(traced.graph)).toBe(
      'graph(%input.1 : Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu),\n' +
      '      %input.2 : Float(3, strides=[1], requires_grad=0, device=cpu)):\n' +
      '  %1 : Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu) = aten::mul(%input.1, %input.2)\n' +
      '  %2 : Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu) = aten::add(%1, 1)\n' +
      '  %3 : Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu) = aten::relu(%2)\n' +
      '  %4 : Float(2, 1, strides=[1, 1], requires_grad=0, device=cpu) = aten::sum(%3, 1, keepdim=True)\n' +
      '  return (%4)\n',
    );
    expect(traced.graph.nodes.map((n) => n.name)).toEqual(['aten::mul', 'aten::add', 'aten::relu', 'aten::sum']);
  });

  it('replays with gradients flowing to new inputs', () => {
    const traced = torch.jit.trace(f, [torch.randn([2, 3]), torch.randn([3])]);
    const x = torch.randn([2, 3], { requires_grad: true });
    const y = torch.randn([3]);
    const out = traced.call(x, y) as Tensor;
    expect(out.grad_fn!.name()).toBe('SumBackward1');
    out.sum().backward();
    const x2 = x.detach().requires_grad_(true);
    f(x2, y).sum().backward();
    expect(torch.equal(x.grad!, x2.grad!)).toBe(true);
  });

  it('records nothing outside a trace, nor the ops a recorded op runs inside', () => {
    expect(torch.jit.is_tracing()).toBe(false);
    let inside: boolean | null = null;
    const traced = torch.jit.trace((x: Tensor) => {
      inside = torch.jit.is_tracing();
      return torch.layer_norm(x, [4]);
    }, [torch.randn([2, 4])]);
    expect(inside).toBe(true);
    expect(traced.graph.nodes.map((n) => n.name)).toEqual(['aten::layer_norm']);
    expect(torch.jit.is_tracing()).toBe(false);
  });

  it('warns where values leave the graph (item, tolist, iteration), once per trace', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const traced = torch.jit.trace((x: Tensor) => {
      const s = x.sum().item();
      x.sum().item();
      x.tolist();
      for (const _row of x) void _row;
      if (x.sum().gt(0).item()) x = x.neg();
      return x.mul(s);
    }, [torch.ones([2, 2])]);
    const texts = warn.mock.calls.map((c) => `${String(c[1])}: ${String(c[0])}`);
    expect(texts).toEqual([
      "TracerWarning: Converting a tensor to a Python number might cause the trace to be incorrect. We can't record the data flow of Python values, so this value will be treated as a constant in the future. This means that the trace might not generalize to other inputs!",
      "TracerWarning: Converting a tensor to a Python list might cause the trace to be incorrect. We can't record the data flow of Python values, so this value will be treated as a constant in the future. This means that the trace might not generalize to other inputs!",
      "TracerWarning: Iterating over a tensor might cause the trace to be incorrect. Passing a tensor of different shape won't change the number of iterations executed (and might lead to errors or silently give incorrect results).",
      "TracerWarning: Converting a tensor to a Python boolean might cause the trace to be incorrect. We can't record the data flow of Python values, so this value will be treated as a constant in the future. This means that the trace might not generalize to other inputs!",
    ]);
    // the number read during the trace is a constant of the graph
    expect((traced.call(torch.ones([2, 2]).mul(2)) as Tensor).tolist()).toEqual([[-8, -8], [-8, -8]]);
  });
});

describe('compiled replay of a traced function', () => {
  const run = <T>(f: () => T): T => torch.no_grad(f);
  const chain = (x: Tensor, y: Tensor, b: Tensor): Tensor => x.mul(y).add(b, { alpha: 0.5 }).sigmoid().mul(2).relu().sub(x).div(3);
  const args = (): Tensor[] => [torch.randn([4, 3]).t(), torch.randn([4]), torch.randn([3, 1])];

  it('fuses an elementwise chain over broadcast and strided operands into one loop, bit for bit', () => {
    const example = args();
    const traced = torch.jit.trace(chain, example);
    const plan = traced.graph_for(...example)!;
    expect(plan).toContain('prim::FusionGroup[aten::mul, aten::add, aten::sigmoid, aten::mul, aten::relu, aten::sub, aten::div]');
    expect(plan.trim().split('\n')).toHaveLength(2);
    for (let k = 0; k < 3; k++) {
      const xs = args();
      expect(torch.equal(run(() => traced.call(...xs)) as Tensor, chain(...(xs as [Tensor, Tensor, Tensor])))).toBe(true);
    }
  });

  it('keeps a result read outside the chain, and returns fresh memory each call', () => {
    const f = (x: Tensor): Tensor[] => {
      const a = x.mul(2).add(1);
      return [a, a.tanh().neg(), a.exp().mul(x)];
    };
    const x1 = torch.randn([5, 6]);
    const traced = torch.jit.trace(f, [x1]);
    expect(traced.graph_for(x1)).toMatch(/FusionGroup\[aten::mul, aten::add\][^]*FusionGroup\[aten::tanh, aten::neg\][^]*FusionGroup\[aten::exp, aten::mul\]/);
    const first = run(() => traced.call(x1)) as Tensor[];
    const kept = first.map((t) => t.clone());
    const second = run(() => traced.call(torch.randn([5, 6]))) as Tensor[];
    first.forEach((t, i) => expect(torch.equal(t, kept[i]!), `output ${i} unchanged by a later call`).toBe(true));
    f(x1).forEach((e, i) => expect(torch.equal(first[i]!, e)).toBe(true));
    second.forEach((t, i) => expect(t._storage === first[i]!._storage).toBe(false));
  });

  it('reuses planned buffers for intermediates whose lives do not overlap', () => {
    const f = (x: Tensor, w: Tensor): Tensor => {
      let h = x;
      for (let k = 0; k < 4; k++) h = h.mul(2).add(1).relu().matmul(w);
      return h;
    };
    const ex = [torch.randn([8, 8]), torch.randn([8, 8])];
    const traced = torch.jit.trace(f, ex);
    expect(traced.graph_for(...ex)).toContain('planned buffers: 1 for 4 results');
    const xs = [torch.randn([8, 8]), torch.randn([8, 8])];
    expect(torch.equal(run(() => traced.call(...xs)) as Tensor, f(xs[0]!, xs[1]!))).toBe(true);
  });

  it('computes in-place ops on its own intermediates functionally, and writes graph inputs as eager code does', () => {
    const f = (x: Tensor): Tensor => x.mul(2).add_(1).relu_().mul(x.add_(1));
    const x0 = torch.randn([3, 4]);
    const traced = torch.jit.trace(f, [x0.clone()]);
    expect(traced.graph_for(x0.clone())).toContain('FusionGroup[aten::mul, aten::add_, aten::relu_]');
    const [a, b] = [torch.randn([3, 4]), null];
    void b;
    const a2 = a.clone();
    const out = run(() => traced.call(a)) as Tensor;
    expect(torch.equal(out, f(a2))).toBe(true);
    expect(torch.equal(a, a2), 'the input is written as eagerly').toBe(true);
  });

  it('folds what depends only on constants once', () => {
    const c = torch.randn([3]);
    const f = (x: Tensor): Tensor => x.add(c.exp().mul(2)).relu();
    const traced = torch.jit.trace(f, [torch.randn([2, 3])]);
    const plan = traced.graph_for(torch.randn([2, 3]))!;
    expect(plan).toContain('folded constants: 3');
    expect(plan).not.toContain('aten::exp');
    const x = torch.randn([2, 3]);
    expect(torch.equal(run(() => traced.call(x)) as Tensor, f(x))).toBe(true);
  });

  it('tells whether a call ran the plan: last_plan and torch.jit.last_executed_optimized_graph()', () => {
    const ex = args();
    const traced = torch.jit.trace(chain, ex);
    expect(traced.last_plan).toBeNull();
    // the first call on a shape runs eagerly while it compiles; the next runs the plan
    run(() => traced.call(...ex));
    expect(traced.last_plan).toBeNull();
    expect(torch.jit.last_executed_optimized_graph()).toBeNull();
    run(() => traced.call(...args()));
    expect(traced.last_plan).toEqual({ steps: 1, fusion_groups: 1, folded_constants: 0, folded_batch_norms: 0, planned_buffers: 0, planned_results: 0, kernels: 0, epilogues: 0, hooked_calls: 0 });
    expect(torch.jit.last_executed_optimized_graph()).toBe(traced.graph_for(...ex));
    // a call recording autograd, or inside optimized_execution(false), runs eagerly
    traced.call(ex[0]!.clone().requires_grad_(true), ex[1]!, ex[2]!);
    expect(traced.last_plan).toBeNull();
    expect(torch.jit.last_executed_optimized_graph()).toBeNull();
    torch.jit.optimized_execution(false, () => run(() => traced.call(...ex)));
    expect(traced.last_plan).toBeNull();
  });

  it('runs op by op inside optimized_execution(false), and eagerly with autograd when inputs require grad', () => {
    const ex = args();
    const traced = torch.jit.trace(chain, ex);
    const x = torch.randn([4, 3]).t().requires_grad_(true);
    const out = traced.call(x, ex[1]!, ex[2]!) as Tensor;
    expect(out.grad_fn!.name()).toBe('DivBackward0');
    const plain = torch.jit.optimized_execution(false, () => run(() => traced.call(...ex)));
    expect(torch.equal(plain as Tensor, chain(...(ex as [Tensor, Tensor, Tensor])))).toBe(true);
    expect(() => torch.jit.optimized_execution('no' as never, () => 1)).toThrow("optimized_execution(): argument 'should_optimize' must be bool, not string");
  });
});
