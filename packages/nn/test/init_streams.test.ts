// Seeded construction gives PyTorch's parameters bit for bit: every case of fixtures/random/init_streams.json
// (modules' reset_parameters in PyTorch's draw order, and each nn.init function), and the stream after them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '../src/index.js';

interface ModuleCase { kind: 'module'; seed: number; name: string; args: number[]; kwargs: Record<string, unknown>; params: Record<string, { shape: number[]; data: number[] }>; after: number[] }
interface InitCase { kind: 'init'; seed: number; name: string; shape: number[]; args: number[]; kwargs: Record<string, unknown>; out: number[]; after: number[] }
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/random/init_streams.json', import.meta.url), 'utf8')) as { cases: (ModuleCase | InitCase)[] };

/** Values exactly, except where a case says the computation is not PyTorch's to the bit (orthogonal_'s QR, trunc_normal_'s erfinv). */
function expect_values(got: number[], want: number[], what: string, tolerance = 0): void {
  if (tolerance === 0) expect(got, what).toEqual(want);
  else {
    const off = got.findIndex((v, i) => !(Math.abs(v - want[i]!) <= tolerance * Math.max(1, Math.abs(want[i]!))));
    expect(off, `${what}: element ${off} is ${got[off]}, PyTorch's ${want[off]}`).toBe(-1);
  }
}

const APPROXIMATE: Record<string, number> = { orthogonal_: 2e-6, trunc_normal_: 1.2e-7 };

describe('seeded initialisation draws PyTorch\'s values', () => {
  for (const c of cases) {
    const label = `${c.name}(${[...(c.kind === 'init' ? [JSON.stringify(c.shape)] : []), ...c.args.map(String)].join(', ')}${Object.keys(c.kwargs).length > 0 ? `, ${JSON.stringify(c.kwargs)}` : ''}) seed ${c.seed}`;
    it(label, () => {
      torch.manual_seed(c.seed);
      if (c.kind === 'module') {
        const ctor = (nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[c.name]!;
        const m = new ctor(...c.args, ...(Object.keys(c.kwargs).length > 0 ? [c.kwargs] : []));
        const sd = m.state_dict();
        expect(Object.keys(sd)).toEqual(Object.keys(c.params));
        for (const [k, v] of Object.entries(c.params)) {
          expect(sd[k]!.shape, k).toEqual(v.shape);
          expect_values(Array.from(sd[k]!._contiguous_data() as ArrayLike<number>), v.data, k);
        }
      } else {
        const t = torch.empty(c.shape);
        const fn = (nn.init as unknown as Record<string, (...a: unknown[]) => unknown>)[c.name]!;
        fn(t, ...c.args, ...(Object.keys(c.kwargs).length > 0 ? [c.kwargs] : []));
        expect_values(Array.from(t._contiguous_data() as ArrayLike<number>), c.out, c.name, APPROXIMATE[c.name] ?? 0);
      }
      expect(torch.rand(2).tolist(), 'the stream after').toEqual(c.after);
    });
  }
});
