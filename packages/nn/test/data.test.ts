// DataLoader, TensorDataset, Subset, random_split and default_collate tests.
import { describe, expect, it, vi } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import { DataLoader, Dataset, default_collate, random_split, Subset, TensorDataset } from '../src/data/index.js';

/** x row i is [i, 10 i + 0.5], y[i] = i (int64): every batch reveals which items it holds. */
function numbered(n: number): TensorDataset {
  const x = torch.tensor(Array.from({ length: n }, (_, i) => [i, 10 * i + 0.5]));
  const y = torch.arange(0, n, 1, { dtype: 'int64' });
  return new TensorDataset(x, y);
}

/** The same items through the generic path (a plain Dataset, stacked by default_collate). */
class Rows extends Dataset<Tensor[]> {
  constructor(private readonly inner: TensorDataset) {
    super();
  }
  get length(): number {
    return this.inner.length;
  }
  get(i: number): Tensor[] {
    return this.inner.get(i);
  }
}

const ids = (batches: Iterable<Tensor[]>): number[][] => [...batches].map(([, y]) => y!.tolist() as number[]);
const seeded = (s: number): torch.Generator => new torch.Generator().manual_seed(s);

describe('TensorDataset', () => {
  it('yields row views of every tensor and has the first dimension as length', () => {
    const ds = numbered(5);
    expect(ds.length).toBe(5);
    const [x, y] = ds.get(3);
    expect(x!.tolist()).toEqual([3, 30.5]);
    expect([y!.shape, y!._dtype, y!.item()]).toEqual([[], 'int64', 3]);
    expect(x!._storage).toBe(ds.tensors[0]!._storage);
    expect([...ds].length).toBe(5);
  });

  it('rejects tensors whose first dimensions differ', () => {
    expect(() => new TensorDataset(torch.zeros([4, 2]), torch.zeros([3]))).toThrow('Size mismatch between tensors (first dimensions 4, 3)');
    expect(() => new TensorDataset(torch.zeros([4]), torch.tensor(1))).toThrow('dimension specified as 0 but tensor has no dimensions');
    expect(() => new TensorDataset()).toThrow('TensorDataset needs at least one tensor');
  });
});

describe('DataLoader', () => {
  it('batches in order, with a smaller last batch unless drop_last', () => {
    const ds = numbered(10);
    const loader = new DataLoader(ds, { batch_size: 3 });
    expect(loader.length).toBe(4);
    expect(ids(loader)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    const [xb, yb] = [...loader][1]!;
    expect([xb!.shape, xb!._dtype, yb!.shape, yb!._dtype]).toEqual([[3, 2], 'float32', [3], 'int64']);
    expect(xb!.tolist()).toEqual([[3, 30.5], [4, 40.5], [5, 50.5]]);

    const dropping = new DataLoader(ds, { batch_size: 3, drop_last: true });
    expect(dropping.length).toBe(3);
    expect(ids(dropping)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    expect(new DataLoader(ds, { batch_size: 5, drop_last: true }).length).toBe(2);
    expect(new DataLoader(ds).length).toBe(10);
  });

  it('shuffles reproducibly with a seeded generator, differently every epoch', () => {
    const ds = numbered(20);
    const loader = new DataLoader(ds, { batch_size: 6, shuffle: true, generator: seeded(3) });
    const epoch1 = ids(loader);
    const epoch2 = ids(loader);
    for (const epoch of [epoch1, epoch2]) {
      expect(epoch.map((b) => b.length)).toEqual([6, 6, 6, 2]);
      expect(epoch.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }
    expect(epoch2).not.toEqual(epoch1);
    expect(epoch1.flat()).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    const again = new DataLoader(ds, { batch_size: 6, shuffle: true, generator: seeded(3) });
    expect([ids(again), ids(again)]).toEqual([epoch1, epoch2]);
  });

  it('shuffles from the default generator without one (reproducible via torch.manual_seed)', () => {
    const ds = numbered(12);
    torch.manual_seed(9);
    const a = ids(new DataLoader(ds, { batch_size: 4, shuffle: true }));
    torch.manual_seed(9);
    const b = ids(new DataLoader(ds, { batch_size: 4, shuffle: true }));
    expect(a).toEqual(b);
  });

  it('the TensorDataset fast path gives what stacking the items gives', () => {
    const x = torch.randn([9, 2, 3], { generator: seeded(1) });
    const y = torch.randint(0, 5, [9], { generator: seeded(2) });
    const strided = torch.randn([3, 9], { generator: seeded(4) }).t(); // non-contiguous rows
    const ds = new TensorDataset(x, y, strided);
    const fast = [...new DataLoader(ds, { batch_size: 4, shuffle: true, generator: seeded(5) })];
    const slow = [...new DataLoader(new Rows(ds), { batch_size: 4, shuffle: true, generator: seeded(5) })];
    expect(fast.length).toBe(3);
    fast.forEach((batch, k) =>
      batch.forEach((t, j) => {
        expect([t.shape, t.dtype]).toEqual([slow[k]![j]!.shape, slow[k]![j]!.dtype]);
        expect(t.tolist()).toEqual(slow[k]![j]!.tolist());
      }),
    );
  });

  it('keeps the autograd graph when dataset tensors require grad', () => {
    const x = torch.tensor([[1, 2], [3, 4], [5, 6]], { requires_grad: true });
    const [[xb]] = [...new DataLoader(new TensorDataset(x), { batch_size: 2 })];
    expect(xb!.requires_grad).toBe(true);
    xb!.sum().backward();
    expect(x.grad!.tolist()).toEqual([[1, 1], [1, 1], [0, 0]]);
  });

  it('uses a custom collate_fn', () => {
    const loader = new DataLoader(numbered(5), { batch_size: 2, collate_fn: (items) => items.map(([, y]) => y!.item()) });
    expect([...loader]).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('rejects a batch_size that is not a positive integer', () => {
    expect(() => new DataLoader(numbered(3), { batch_size: 0 })).toThrow('batch_size should be a positive integer value, but got batch_size=0');
  });
});

describe('default_collate', () => {
  it('collates tensors, numbers, booleans, strings, arrays and objects', () => {
    const batch = [
      { image: torch.zeros([2]), label: torch.tensor(1, { dtype: 'int64' }), weight: 0.5, flag: true, name: 'a', pair: [1, torch.ones([1])] as [number, Tensor] },
      { image: torch.ones([2]), label: torch.tensor(0, { dtype: 'int64' }), weight: 2, flag: false, name: 'b', pair: [2, torch.zeros([1])] as [number, Tensor] },
    ];
    const out = default_collate(batch);
    expect([out.image.shape, out.image.tolist()]).toEqual([[2, 2], [[0, 0], [1, 1]]]);
    expect([out.label._dtype, out.label.tolist()]).toEqual(['int64', [1, 0]]);
    expect([out.weight._dtype, out.weight.tolist()]).toEqual(['float64', [0.5, 2]]); // Python's floats: float64
    expect([out.flag._dtype, out.flag.tolist()]).toEqual(['bool', [true, false]]);
    expect(out.name).toEqual(['a', 'b']);
    expect(out.pair[0].tolist()).toEqual([1, 2]);
    expect(out.pair[1].tolist()).toEqual([[1], [0]]);
    expect(default_collate([new Float64Array([1, 2]), new Float64Array([3, 4])])._dtype).toBe('float64');
  });

  it('reports unequal lists and unsupported items', () => {
    expect(() => default_collate([[1, 2], [3]])).toThrow('each element in list of batch should be of equal size');
    expect(() => default_collate([new Map(), new Map()])).toThrow("default_collate: batch must contain tensors, typed arrays, numbers, dicts or lists; found <class 'Map'>");
  });
});

describe('Subset and random_split', () => {
  it('Subset reads the given indices', () => {
    const sub = new Subset(numbered(10), [7, 2, 5]);
    expect(sub.length).toBe(3);
    expect(sub.get(0)[1]!.item()).toBe(7);
    expect(sub.get(-1)[1]!.item()).toBe(5);
    expect(() => sub.get(3)).toThrow('Subset index 3 is out of range for a subset of length 3');
  });

  const members = (s: Subset<Tensor[]>): number[] => s.indices.map((i) => i);

  it('splits by counts into disjoint subsets covering the dataset', () => {
    const ds = numbered(10);
    const parts = random_split(ds, [3, 7], { generator: seeded(1) });
    expect(parts.map((p) => p.length)).toEqual([3, 7]);
    const all = parts.flatMap(members);
    expect(new Set(all).size).toBe(10);
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(parts[0]!.get(0)[1]!.item()).toBe(parts[0]!.indices[0]);
  });

  it('splits by fractions, handing the remainder out round-robin', () => {
    const ds = numbered(11);
    expect(random_split(ds, [0.5, 0.5], { generator: seeded(1) }).map((p) => p.length)).toEqual([6, 5]);
    expect(random_split(ds, [0.3, 0.3, 0.4], { generator: seeded(1) }).map((p) => p.length)).toEqual([4, 3, 4]);
    const parts = random_split(numbered(100), [0.8, 0.1, 0.1], { generator: seeded(2) });
    expect(parts.map((p) => p.length)).toEqual([80, 10, 10]);
    expect(new Set(parts.flatMap(members)).size).toBe(100);
  });

  it('is reproducible with a seeded generator', () => {
    const ds = numbered(30);
    const a = random_split(ds, [10, 20], { generator: seeded(8) }).map(members);
    const b = random_split(ds, [10, 20], { generator: seeded(8) }).map(members);
    const c = random_split(ds, [10, 20], { generator: seeded(9) }).map(members);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('rejects lengths that do not add up and warns about empty splits', () => {
    expect(() => random_split(numbered(10), [3, 3])).toThrow('Sum of input lengths does not equal the length of the input dataset!');
    expect(() => random_split(numbered(10), [1.5, -0.5])).toThrow('Fraction at index 0 is not between 0 and 1');
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const parts = random_split(numbered(2), [0.9, 0.05, 0.05]);
    expect(parts.map((p) => p.length)).toEqual([2, 0, 0]);
    expect(warn).toHaveBeenCalledWith('Length of split at index 1 is 0. This might result in an empty dataset.', 'UserWarning');
    warn.mockRestore();
  });
});
