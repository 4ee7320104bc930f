// Property tests of shape logic: broadcasting, view strides, permutations and indexing agree with a
// reference computed element by element.
import * as torch from '@tsgrad/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcast_shapes } from '../src/shape.js';
import { compute_stride } from '../src/ops/view.js';

const dim = fc.integer({ min: 1, max: 4 });
const shape = fc.array(dim, { minLength: 0, maxLength: 4 });

function values(t: torch.Tensor): number[] {
  return Array.from(t._contiguous_data());
}

function iota(s: number[]): torch.Tensor {
  const n = s.reduce((a, b) => a * b, 1);
  return torch.arange(0, n, 1, { dtype: 'float64' }).reshape(s);
}

describe('shape properties', () => {
  it('broadcast_shapes is symmetric and every input expands to the result', () => {
    fc.assert(
      fc.property(shape, fc.array(fc.boolean(), { maxLength: 4 }), (s, ones) => {
        const t = s.map((d, i) => (ones[i] ? 1 : d)).slice(Math.floor(s.length / 2));
        const out = broadcast_shapes(s, t);
        expect(broadcast_shapes(t, s)).toEqual(out);
        expect(torch.zeros(s).expand(out).shape).toEqual(out);
        expect(torch.zeros(t).expand(out).shape).toEqual(out);
      }),
    );
  });

  it('broadcast add equals adding elementwise after explicit expansion', () => {
    fc.assert(
      fc.property(shape, fc.array(fc.boolean(), { maxLength: 4 }), (s, ones) => {
        const t = s.map((d, i) => (ones[i] ? 1 : d));
        const a = iota(s);
        const b = iota(t);
        const out = broadcast_shapes(s, t);
        const expected = values(a.expand(out).contiguous()).map((v, i) => v + values(b.expand(out).contiguous())[i]!);
        expect(values(a.add(b))).toEqual(expected);
      }),
    );
  });

  it('a permuted view reshaped when compute_stride allows equals its contiguous copy', () => {
    fc.assert(
      fc.property(fc.array(dim, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 23 }), (s, seed) => {
        const perm = s.map((_, i) => i);
        for (let i = perm.length - 1; i > 0; i--) {
          const j = (seed * (i + 7)) % (i + 1);
          [perm[i], perm[j]] = [perm[j]!, perm[i]!];
        }
        const x = iota(s).permute(perm);
        const n = x.numel();
        const strides = compute_stride(x.shape, x._strides, [n]);
        const flat = x.reshape([n]);
        expect(values(flat)).toEqual(values(x.contiguous()));
        if (strides !== null) expect(flat._storage).toBe(x._storage);
      }),
    );
  });

  it('slicing with a step selects the same elements as a reference loop', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: -10, max: 10 }), fc.integer({ min: -10, max: 10 }), fc.integer({ min: 1, max: 3 }), (n, start, stop, step) => {
        const x = iota([n]);
        const got = values(x.index([{ start, stop, step }]));
        const norm = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
        const ref: number[] = [];
        for (let i = norm(start); i < norm(stop); i += step) ref.push(i);
        expect(got).toEqual(ref);
      }),
    );
  });

  it('sum over dims then broadcasting back has the input shape (keepdim)', () => {
    fc.assert(
      fc.property(fc.array(dim, { minLength: 1, maxLength: 4 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), (s, pick) => {
        const dims = s.map((_, i) => i).filter((i) => pick[i]);
        const x = iota(s);
        const r = x.sum(dims, { keepdim: true });
        // an empty dim list reduces every dim, as PyTorch 2.x does
        expect(r.shape).toEqual(s.map((d, i) => (dims.length === 0 || dims.includes(i) ? 1 : d)));
        const total = values(x).reduce((a, b) => a + b, 0);
        expect(values(r).reduce((a, b) => a + b, 0)).toBeCloseTo(total, 6);
      }),
    );
  });
});

describe('broadcast errors name the rightmost mismatching dim, as PyTorch (values from PyTorch 1.13)', () => {
  const cases: [number[], number[], string][] = [
    [[3, 2], [2, 3], 'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1'],
    [[2, 3, 4], [3, 3, 5], 'The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 2'],
    [[4, 1, 3], [2, 5, 3], 'The size of tensor a (4) must match the size of tensor b (2) at non-singleton dimension 0'],
  ];
  for (const [a, b, message] of cases) {
    it(`${a} + ${b}`, () => expect(() => torch.ones(a).add(torch.ones(b))).toThrow(message));
  }
});
