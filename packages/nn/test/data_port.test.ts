// Dataset ergonomics of a literal port: TensorDataset slices, ConcatDataset, iter / next.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';

describe('dataset ergonomics', () => {
  const x = torch.arange(10, { dtype: torch.float32 }).reshape([5, 2]);
  const y = torch.arange(5);
  const ds = new nn.data.TensorDataset(x, y);
  it('slices a TensorDataset into a batch (dataset[a:b])', () => {
    const [xb, yb] = ds.get({ start: 1, stop: 3 });
    expect(xb!.tolist()).toEqual([[2, 3], [4, 5]]);
    expect(yb!.tolist()).toEqual([1, 2]);
    expect(ds.get({ start: 3 })[1]!.tolist()).toEqual([3, 4]);
    expect(ds.get({ step: 2 })[1]!.tolist()).toEqual([0, 2, 4]);
    expect(ds.get(-1)[1]!.item()).toBe(4);
  });

  it('concatenates datasets', () => {
    const both = new nn.data.ConcatDataset([ds, new nn.data.Subset(ds, [0])]);
    expect(both.length).toBe(6);
    expect(both.cumulative_sizes).toEqual([5, 6]);
    expect(both.get(5)[1]!.item()).toBe(0);
    expect(both.get(-2)[1]!.item()).toBe(4);
    expect(() => both.get(6)).toThrow(RangeError);
  });

  it('iter / next read the first batch as Python does', () => {
    const loader = new nn.data.DataLoader(ds, { batch_size: 2 });
    const [xb, yb] = nn.data.next(nn.data.iter(loader)) as torch.Tensor[];
    expect(xb!.shape).toEqual([2, 2]);
    expect(yb!.tolist()).toEqual([0, 1]);
    const it2 = nn.data.iter([1]);
    expect(nn.data.next(it2)).toBe(1);
    expect(() => nn.data.next(it2)).toThrow('StopIteration');
  });
});
