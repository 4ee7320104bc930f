// Bad input never corrupts (issue 13): PyTorch's own outcome for each snippet of fixtures/bad_input — the same
// error in PyTorch's words, or the same value, dtype and shape — plus property tests over generated inputs.
import { describe, expect, it } from 'vitest';
import { Tensor } from '@tsgrad/core';
import { expectClose, load_fixture, type FixtureTensor } from './helpers.js';
import { python_scope, run_python } from './pyexpr.js';

interface Case {
  class: string;
  src: string;
  error?: string;
  message?: string;
  tensor?: FixtureTensor & { dtype: string };
  none?: boolean;
  grad_fn?: string;
  saved_approximate?: string | null;
  dtype?: string;
  bool?: boolean;
}

const fixture = load_fixture<{ cases: Case[] }>('bad_input/bad_input.json');

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
    expect((thrown as Error).message).toBe(c.message);
    if (c.error === 'TypeError') expect(thrown).toBeInstanceOf(TypeError);
    return;
  }
  const v = run();
  if (c.tensor !== undefined) {
    expect(v).toBeInstanceOf(Tensor);
    const t = v as Tensor;
    expect(t.dtype, `${c.src} dtype`).toBe(c.tensor.dtype);
    // float32 within a few ulps: PyTorch's own float32 erf differs between its vectorised and scalar loops by
    // about 1.5e-7 absolute (1 + erf(x) cancels for negative x), tsgrad rounds the float64 value
    const exact = c.tensor.dtype === 'int64' || c.tensor.dtype === 'bool';
    const f64 = c.tensor.dtype === 'float64';
    expectClose(t, c.tensor, exact ? 0 : f64 ? 1e-9 : 1e-6, exact ? 0 : f64 ? 1e-15 : 5e-7, c.src);
  } else if (c.none) expect(v ?? null, c.src).toBeNull();
  else if (c.grad_fn !== undefined) {
    const node = v as { name(): string; _saved_approximate?: string };
    expect(node.name()).toBe(c.grad_fn);
    if (c.saved_approximate !== null) expect(node._saved_approximate).toBe(c.saved_approximate);
  } else if (c.dtype !== undefined) expect(v, c.src).toBe(c.dtype);
  else if (c.bool !== undefined) expect(v, c.src).toBe(c.bool);
  else throw new Error(`case without an outcome: ${c.src}`);
}

const by_class = new Map<string, Case[]>();
for (const c of fixture.cases) by_class.set(c.class, [...(by_class.get(c.class) ?? []), c]);

const TITLES: Record<string, string> = {
  '3': 'integer arguments, indices and geometry',
  '4': 'dtype semantics: promotion, in-place casting, bool and int64 values',
  '5': 'overlapping memory in in-place writes',
  '6': 'malformed tensors',
  '8': 'math that must not differ silently',
};

for (const [cls, cases] of by_class) {
  describe(`class ${cls}: ${TITLES[cls] ?? ''} (PyTorch's outcome)`, () => {
    it.each(cases.map((c) => [c.src.replace(/\n/g, '; '), c] as const))('%s', (_name, c) => check(c));
  });
}
