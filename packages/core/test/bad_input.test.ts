// Bad input never corrupts (issue 13): PyTorch's own outcome for each snippet of fixtures/bad_input — the same
// error in PyTorch's words, or the same value, dtype and shape — plus property tests over generated inputs.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import { expectClose, load_fixture, type FixtureTensor } from './helpers.js';
import { python_scope, run_python } from './pyexpr.js';

/** What PyTorch gave: a value of one of these kinds (a tuple holds further outcomes). */
interface Outcome {
  tensor?: FixtureTensor & { dtype: string };
  none?: boolean;
  grad_fn?: string;
  saved_approximate?: string | null;
  dtype?: string;
  bool?: boolean;
  number?: number | 'NaN';
  tuple?: Outcome[];
}

interface Case extends Outcome {
  class: string;
  src: string;
  error?: string;
  message?: string;
}

// autograd_probes.json: the small methods and autograd flags test_autograd.py leans on (issue 12), same format
const fixture = {
  cases: ['bad_input/bad_input.json', 'bad_input/autograd_probes.json'].flatMap((f) => load_fixture<{ cases: Case[] }>(f).cases),
};

/** Compares tsgrad's value `v` with PyTorch's encoded outcome `c` (a tensor, None, a node, a dtype, ...). */
function check_value(v: unknown, c: Outcome, src: string): void {
  if (c.tensor !== undefined) {
    expect(v, src).toBeInstanceOf(Tensor);
    const t = v as Tensor;
    expect(t._dtype, `${src} dtype`).toBe(c.tensor.dtype);
    // float32 within a few ulps: PyTorch's own float32 erf differs between its vectorised and scalar loops by
    // about 1.5e-7 absolute (1 + erf(x) cancels for negative x), tsgrad rounds the float64 value
    const exact = c.tensor.dtype === 'int64' || c.tensor.dtype === 'bool';
    const f64 = c.tensor.dtype === 'float64';
    expectClose(t, c.tensor, exact ? 0 : f64 ? 1e-9 : 1e-6, exact ? 0 : f64 ? 1e-15 : 5e-7, src);
  } else if (c.none) expect(v ?? null, src).toBeNull();
  else if (c.grad_fn !== undefined) {
    const node = v as { name(): string; _saved_approximate?: string };
    expect(node.name()).toBe(c.grad_fn);
    if (c.saved_approximate !== null) expect(node._saved_approximate).toBe(c.saved_approximate);
  } else if (c.dtype !== undefined) expect(String(v), src).toBe(`torch.${c.dtype}`);
  else if (c.bool !== undefined) expect(v, src).toBe(c.bool);
  else if (c.number !== undefined) expect(v, src).toBe(c.number === 'NaN' ? NaN : c.number);
  else if (c.tuple !== undefined) {
    expect(Array.isArray(v), `${src} gives a sequence`).toBe(true);
    const items = v as unknown[];
    expect(items.length, `${src} length`).toBe(c.tuple.length);
    c.tuple.forEach((item, i) => check_value(items[i], item, `${src} [${i}]`));
  } else throw new Error(`case without an outcome: ${src}`);
}

function check(c: Case): void {
  const run = (): unknown => run_python(c.src, python_scope());
  if (c.error !== undefined) {
    let thrown: unknown = null;
    try {
      run();
    } catch (e) {
      thrown = e;
    }
    expect(thrown, `${c.src} must raise ${c.error}: ${c.message}`).toBeInstanceOf(Error);
    // the fixture keeps the first line of PyTorch's message (an overload error goes on to list the overloads)
    expect((thrown as Error).message.split('\n')[0]).toBe(c.message);
    if (c.error === 'TypeError') expect(thrown).toBeInstanceOf(TypeError);
    return;
  }
  check_value(run(), c, c.src);
}

const by_class = new Map<string, Case[]>();
for (const c of fixture.cases) by_class.set(c.class, [...(by_class.get(c.class) ?? []), c]);

const TITLES: Record<string, string> = {
  '3': 'integer arguments, indices and geometry',
  '4': 'dtype semantics: promotion, in-place casting, bool and int64 values',
  '5': 'overlapping memory in in-place writes',
  '6': 'malformed tensors',
  '8': 'math that must not differ silently',
  '9': 'reductions and comparisons to bool (all, any, isclose, allclose, equal)',
  '10': 'factories from a tensor (new_zeros & co) and size queries',
  '11': 'in-place unary ops: nodes, leaves and integer results',
  '12': 'grad mode and inference tensors',
};

for (const [cls, cases] of by_class) {
  describe(`class ${cls}: ${TITLES[cls] ?? ''} (PyTorch's outcome)`, () => {
    it.each(cases.map((c) => [c.src.replace(/\n/g, '; '), c] as const))('%s', (_name, c) => check(c));
  });
}

describe('max pooling windows that lie wholly in padding', () => {
  // PyTorch returns the window's first position moved by whole dilations out of the leading padding (here 6,
  // outside the 2x2 plane); its backward then writes there, out of bounds. tsgrad gives the same index and
  // no gradient from such a window: its -inf reads no input element.
  it.each([
    ['2-d', [1, 1, 2, 2], 6],
    ['1-d', [1, 1, 2], 2],
    ['3-d', [1, 1, 2, 2, 2], 14],
  ] as const)('%s', (name, shape, index) => {
    const x = torch.arange(shape.reduce((a, b) => a * b, 1), { dtype: 'float32' }).view([...shape]).requires_grad_();
    const pool = name === '2-d' ? torch.max_pool2d : name === '1-d' ? torch.max_pool1d : torch.max_pool3d;
    const [values, indices] = pool(x, 2, { stride: 1, padding: 1, dilation: 3, return_indices: true }) as [Tensor, Tensor];
    expect(values.item()).toBe(-Infinity);
    expect(indices.item()).toBe(index);
    (pool(x, 2, { stride: 1, padding: 1, dilation: 3 }) as Tensor).sum().backward();
    expect(x.grad!.tolist()).toEqual(torch.zeros(shape as unknown as number[]).tolist());
  });
});
