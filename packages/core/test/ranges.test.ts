// arange / linspace / logspace give PyTorch's exact values (fixtures from make_ranges.py), and read their signatures.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { load_fixture } from './helpers.js';

interface RangeCase { fn: 'arange' | 'linspace' | 'logspace'; args: number[]; kwargs: { dtype?: torch.DType; base?: number }; dtype: string; values: number[] }
const { cases } = load_fixture<{ cases: RangeCase[] }>('ranges/ranges.json');

describe('ranges', () => {
  it.each(cases.map((c, i) => [`${i} ${c.fn}(${c.args.join(', ')}, ${JSON.stringify(c.kwargs)})`, c] as const))('%s', (_, c) => {
    const f = torch[c.fn] as (...a: unknown[]) => torch.Tensor;
    const t = f(...c.args, c.kwargs);
    expect(t._dtype).toBe(c.dtype);
    const got = Array.from(t.data_array());
    // exact equality, element by element (the first mismatch is reported); logspace (not yet bit-exact: its
    // exponents can differ from PyTorch's by an ulp, and V8's Math.pow is not glibc's pow) within a few ulps
    const ulps = c.fn !== 'logspace' ? 0 : c.dtype === 'float64' ? 1e-14 : 1e-6;
    const bad = got.findIndex((v, i) => v !== c.values[i] && Math.abs(v - c.values[i]!) > ulps * Math.abs(c.values[i]!));
    expect(got.length).toBe(c.values.length);
    expect(bad === -1 ? null : { index: bad, got: got[bad], want: c.values[bad] }).toBeNull();
  });

  it('reads positional-or-keyword arguments and rejects wrong ones', () => {
    expect(torch.arange({ end: 3 }).tolist()).toEqual([0, 1, 2]);
    expect(torch.arange(1, { end: 3, dtype: torch.float64 })._dtype).toBe('float64');
    expect(torch.linspace({ start: 0, end: 1, steps: 3 }).tolist()).toEqual([0, 0.5, 1]);
    expect(torch.eye(2, { m: 3 }).shape).toEqual([2, 3]);
    expect(() => torch.linspace(0, 1, 2.5)).toThrow(new TypeError("linspace(): argument 'steps' (position 3) must be int, not float"));
    expect(() => torch.linspace(0, 1, 5, { stepz: 3 } as never)).toThrow(new TypeError("linspace() got an unexpected keyword argument 'stepz'"));
    expect(() => torch.arange(0, 3, 0)).toThrow('step must be nonzero');
    expect(() => torch.arange(0, 3, -1)).toThrow('upper bound and larger bound inconsistent with step sign');
  });
});
