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
