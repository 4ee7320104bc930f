// DataLoader and samplers against PyTorch (fixtures/data_checks.json) and by properties: the batches are the
// dataset's items (its get() included) at the sampler's indices, len(loader) is what iteration yields, and every
// misuse raises instead of silently doing something else.
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BatchSampler, DataLoader, Dataset, default_collate, default_convert, random_split, RandomSampler, SequentialSampler,
  SubsetRandomSampler, TensorDataset, WeightedRandomSampler,
} from '../src/data/index.js';
import { capture_error, expect_like, load_fixture } from './fixture_utils.js';

interface Case {
  kind: 'collate' | 'loader';
  batch?: unknown[];
  result?: unknown;
  n?: number;
  options?: Record<string, unknown>;
  length?: number;
  batches?: unknown[];
  error?: { exception: string; message: string };
}
const fixture = load_fixture<{ cases: Case[] }>(new URL('./fixtures/data_checks.json', import.meta.url));

/** Fixture JSON to JS values: {"$tensor": T} becomes a tensor. */
function from_json(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(from_json);
  if (typeof v === 'object' && v !== null) {
    const t = (v as { $tensor?: { shape: number[]; data: number[]; dtype?: 'int64' } }).$tensor;
    if (t !== undefined) return torch.tensor(t.data, { dtype: t.dtype ?? 'float32' }).reshape(t.shape);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, from_json(x)]));
  }
  return v;
}

/** PyTorch's exception as tsgrad raises it: ValueError / RuntimeError are Errors, KeyError's text carries its name. */
function expected_error(e: { exception: string; message: string }): { exception: string; message: string } {
  if (e.exception === 'KeyError') return { exception: 'RuntimeError', message: `KeyError: '${e.message}'` };
  const message = e.message.replace('numpy arrays', 'typed arrays');
  return { exception: e.exception === 'ValueError' ? 'RuntimeError' : e.exception, message };
}

describe('data_checks.json: default_collate and DataLoader options as PyTorch answers them', () => {
  for (const c of fixture.cases) {
    const label = c.kind === 'collate' ? JSON.stringify(c.batch) : `n=${c.n} ${JSON.stringify(c.options)}`;
    it(`${c.kind}: ${label}`, () => {
      if (c.kind === 'collate') {
        let out: unknown;
        const err = capture_error(() => (out = default_collate(from_json(c.batch) as unknown[])));
        if (c.error !== undefined) expect(err).toEqual(expected_error(c.error));
        else {
          expect(err).toBeNull();
          expect_like(out, c.result, 'result', { rtol: 0, atol: 0 });
        }
        return;
      }
      const data = Array.from({ length: c.n! }, (_, i) => i);
      const options = Object.fromEntries(
        Object.entries(c.options!).map(([k, v]) => [k, (v as { $sampler?: string })?.$sampler !== undefined ? new SequentialSampler(data) : v]),
      );
      let got: { length: number; batches: unknown[] } | null = null;
      const err = capture_error(() => {
        const loader = new DataLoader(data, options);
        got = { length: loader.length, batches: [...loader].map((b) => (b instanceof Tensor ? b.tolist() : b)) };
      });
      if (c.error !== undefined) expect(err).toEqual(expected_error(c.error));
      else expect([err, got]).toEqual([null, { length: c.length, batches: c.batches }]);
    });
  }
});

/** Item i is [i] as a 1-element float tensor and i as an int64 label: a batch shows which items it holds. */
function numbered(n: number): TensorDataset {
  return new TensorDataset(torch.arange(n).reshape([n, 1]), torch.arange(0, n, 1, { dtype: 'int64' }));
}

/** Which sampler a property run uses, over a dataset of n items. */
type SamplerKind = 'sequential' | 'random' | 'random_replacement' | 'subset' | 'weighted' | 'weighted_no_replacement';
function make_sampler(kind: SamplerKind, n: number, extra: number, seed: number): Iterable<number> {
  const generator = new torch.Generator().manual_seed(seed);
  if (kind === 'sequential') return new SequentialSampler({ length: n });
  if (kind === 'random') return new RandomSampler({ length: n }, { num_samples: extra, generator });
  if (kind === 'random_replacement') return new RandomSampler({ length: n }, { replacement: true, num_samples: extra, generator });
  if (kind === 'subset') return new SubsetRandomSampler(Array.from({ length: Math.min(n, extra) }, (_, i) => n - 1 - i), { generator });
  const weights = Array.from({ length: n }, (_, i) => (i % 3) + 0.5);
  return new WeightedRandomSampler(weights, kind === 'weighted' ? extra : Math.min(n, extra), { replacement: kind === 'weighted', generator });
}

describe('properties: what a DataLoader yields', () => {
  const kinds: SamplerKind[] = ['sequential', 'random', 'random_replacement', 'subset', 'weighted', 'weighted_no_replacement'];

  it('batches are the items at the sampler indices, and len(loader) counts them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), fc.constantFrom(...kinds), fc.nat(1000),
        (n, extra, batch_size, drop_last, kind, seed) => {
          const indices = [...make_sampler(kind, n, extra, seed)];
          const loader = new DataLoader(numbered(n), { batch_size, drop_last, sampler: make_sampler(kind, n, extra, seed) });
          const batches = [...loader].map(([x, y]) => {
            expect(x!.tolist()).toEqual((y!.tolist() as number[]).map((i) => [i]));
            return y!.tolist() as number[];
          });
          expect(loader.length).toBe(batches.length);
          const expected: number[][] = [];
          for (let i = 0; i < indices.length; i += batch_size) expected.push(indices.slice(i, i + batch_size));
          if (drop_last && expected.length > 0 && expected.at(-1)!.length < batch_size) expected.pop();
          expect(batches).toEqual(expected);
          expect(indices.every((i) => Number.isInteger(i) && i >= 0 && i < n)).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a subclass overriding get() reaches the batches on every path (TensorDataset subclass, shuffle, batch_size null)', () => {
    class Doubled extends TensorDataset {
      override get(i: number): Tensor[] {
        const [x, y] = super.get(i);
        return [x!.mul(2), y!];
      }
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), (n, batch_size, shuffle) => {
        const base = numbered(n);
        const ds = new Doubled(...base.tensors);
        for (const [x, y] of new DataLoader(ds, { batch_size, shuffle })) {
          expect(x!.tolist()).toEqual((y!.tolist() as number[]).map((i) => [2 * i]));
        }
        for (const [x, y] of new DataLoader(ds, { batch_size: null })) expect(x!.tolist()).toEqual([2 * (y!.item() as number)]);
      }),
      { numRuns: 20 },
    );
    const own_get = numbered(3);
    Object.defineProperty(own_get, 'get', { value: (i: number) => [torch.tensor([10 + i]), torch.tensor(i, { dtype: 'int64' })] });
    expect([...new DataLoader(own_get, { batch_size: 3 })][0]![0]!.tolist()).toEqual([[10], [11], [12]]);
  });

  it('a batch sampler gives the batches as listed; len(loader) is its length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.array(fc.nat(100), { minLength: 1, maxLength: 4 }), { maxLength: 6 }), (n, raw) => {
        const lists = raw.map((l) => l.map((i) => i % n));
        const loader = new DataLoader(numbered(n), { batch_sampler: lists });
        expect(loader.length).toBe(lists.length);
        expect([...loader].map(([, y]) => y!.tolist())).toEqual(lists);
      }),
      { numRuns: 30 },
    );
  });

  it('a length that is not a non-negative integer, or an index outside the dataset, is an error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: 0.1, max: 50, noInteger: true }), fc.integer({ min: -5, max: -1 })), (length) => {
        class Odd extends Dataset<number> {
          readonly length = length;
          get(i: number): number {
            return i;
          }
        }
        const loader = new DataLoader(new Odd(), { batch_size: 2 });
        expect(() => loader.length).toThrow(Number.isInteger(length) ? '__len__() should return >= 0' : "'float' object cannot be interpreted as an integer");
        expect(() => [...loader]).toThrow();
        expect(() => [...new Odd()]).toThrow();
      }),
      { numRuns: 20 },
    );
    expect(() => [...new DataLoader(numbered(4), { sampler: [0, 4] })]).toThrow(new RangeError('index 4 is out of bounds for dimension 0 with size 4'));
    expect(() => [...new DataLoader(numbered(4), { sampler: [0.5], batch_size: 1 })]).toThrow('only integers, slices');
    expect(() => numbered(4).get(1.5)).toThrow('only integers, slices');
  });
});

describe('DataLoader options', () => {
  it('refuses unknown options, negative workers and misplaced types', () => {
    expect(() => new DataLoader(numbered(4), { batchsize: 2 } as never)).toThrow(new TypeError("DataLoader() got an unexpected keyword argument 'batchsize'"));
    expect(() => new DataLoader(numbered(4), { num_workers: -1 })).toThrow('num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.');
    expect([...new DataLoader(numbered(4), { num_workers: 2, batch_size: 2 })].length).toBe(2);
    expect(() => new DataLoader(numbered(4), { prefetch_factor: 2 })).toThrow('prefetch_factor option could only be specified in multiprocessing');
    expect(() => new DataLoader(numbered(4), { sampler: 3 } as never)).toThrow("DataLoader(): argument 'sampler' must be iterable, not int");
    expect(() => new DataLoader(numbered(4), { generator: 3 } as never)).toThrow("DataLoader(): argument 'generator' must be torch.Generator, not int");
    expect(() => new DataLoader(3 as never)).toThrow('DataLoader needs a map-style dataset');
  });

  it('takes PyTorch positional spellings and keeps a custom collate_fn', () => {
    const loader = new DataLoader(numbered(6), 4, false, { collate_fn: (items: Tensor[][]) => items.map(([, y]) => y!.item()) });
    expect([...loader]).toEqual([[0, 1, 2, 3], [4, 5]]);
    expect(new DataLoader([1, 2, 3]).collate_fn).toBe(default_collate);
    expect(new DataLoader([1, 2, 3], { batch_size: null }).collate_fn).toBe(default_convert);
  });

  it('shuffle draws from its generator: same seed, same epochs; a new order each epoch', () => {
    const run = (seed: number): number[][] => {
      const loader = new DataLoader(numbered(12), { batch_size: 12, shuffle: true, generator: new torch.Generator().manual_seed(seed) });
      return [0, 1].map(() => [...loader][0]![1]!.tolist() as number[]);
    };
    const [a, b] = [run(4), run(4)];
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(a[1]);
    expect([...a[0]!].sort((u, v) => u - v)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });
});

describe('samplers', () => {
  it('validate their arguments with PyTorch messages', () => {
    expect(() => new RandomSampler([1, 2], { replacement: 1 as never })).toThrow(new TypeError('replacement should be a boolean value, but got replacement=1'));
    expect(() => new RandomSampler([1, 2], { num_samples: 0 })).toThrow('num_samples should be a positive integer value, but got num_samples=0');
    expect(() => new RandomSampler([1, 2], { num_samples: 1.5 })).toThrow('num_samples should be a positive integer value, but got num_samples=1.5');
    expect(() => new RandomSampler([])).toThrow('num_samples should be a positive integer value, but got num_samples=0');
    expect(() => new WeightedRandomSampler([1, 2], 0)).toThrow('num_samples should be a positive integer value, but got num_samples=0');
    expect(() => new WeightedRandomSampler(torch.ones([2, 2]), 2)).toThrow('weights should be a 1d sequence but given weights have shape (2, 2)');
    expect(() => new WeightedRandomSampler([1, -1], 2)).toThrow('probability tensor contains either `inf`, `nan` or element < 0');
    expect(() => new WeightedRandomSampler([0, 0], 2)).toThrow('invalid multinomial distribution (sum of probabilities <= 0)');
    expect(() => new WeightedRandomSampler([1, 1], 3, { replacement: false })).toThrow('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
    expect(() => new BatchSampler([0, 1], 0, false)).toThrow('batch_size should be a positive integer value, but got batch_size=0');
    expect(() => new BatchSampler([0, 1], 2, 'no' as never)).toThrow('drop_last should be a boolean value, but got drop_last=no');
    expect(() => new BatchSampler(5 as never, 2, false)).toThrow("BatchSampler(): argument 'sampler' (position 1) must be iterable, not int");
  });

  it('RandomSampler: without replacement every index once per length; with it, num_samples draws', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 40 }), fc.nat(100), (n, k, seed) => {
        const g = (): torch.Generator => new torch.Generator().manual_seed(seed);
        const perm = [...new RandomSampler({ length: n }, { num_samples: k, generator: g() })];
        expect(perm.length).toBe(k);
        for (let start = 0; start < k; start += n) {
          const chunk = perm.slice(start, start + n);
          expect(new Set(chunk).size).toBe(chunk.length);
        }
        const drawn = [...new RandomSampler({ length: n }, true, k, g())];
        expect(drawn.length).toBe(k);
        expect(drawn.every((i) => Number.isInteger(i) && i >= 0 && i < n)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('WeightedRandomSampler follows the weights and never draws a zero weight', () => {
    const weights = [0, 1, 3, 0, 6];
    const draws = [...new WeightedRandomSampler(weights, 20000, { generator: new torch.Generator().manual_seed(1) })];
    const freq = weights.map((_, i) => draws.filter((d) => d === i).length / draws.length);
    freq.forEach((f, i) => expect(Math.abs(f - weights[i]! / 10)).toBeLessThan(0.02));
    const distinct = [...new WeightedRandomSampler(weights, 3, false, new torch.Generator().manual_seed(2))];
    expect([...distinct].sort()).toEqual([1, 2, 4]);
    expect(() => new WeightedRandomSampler(weights, 4, { replacement: false })).toThrow('not enough non-negative category to sample');
  });

  it('SubsetRandomSampler permutes exactly the given indices', () => {
    const s = new SubsetRandomSampler([7, 3, 9, 1], { generator: new torch.Generator().manual_seed(3) });
    expect([...s].sort((a, b) => a - b)).toEqual([1, 3, 7, 9]);
    expect(s.length).toBe(4);
  });

  it('a sampler without a length makes len(loader) fail as in PyTorch', () => {
    const loader = new DataLoader([1, 2, 3], { sampler: (function* () { yield 0; })() });
    expect(() => loader.length).toThrow(new TypeError("object of type 'generator' has no len()"));
  });
});

describe('random_split lengths', () => {
  it('fractional or negative counts are errors, not truncated subsets', () => {
    expect(() => random_split(numbered(10), [2.5, 7.5])).toThrow('random_split(): lengths are counts (non-negative integers) or fractions that sum to 1, got 2.5 at index 0');
    expect(() => random_split(numbered(10), [-1, 11])).toThrow('got -1 at index 0');
  });
});
