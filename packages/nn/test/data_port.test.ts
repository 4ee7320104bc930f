// Dataset ergonomics of a literal port: TensorDataset slices, ConcatDataset, iter / next.
import { inspect } from 'node:util';
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

  it("prints items as Python's tuples and batches as Python's lists (text captured from PyTorch)", () => {
    expect(inspect(ds.get({ start: 1, stop: 3 }))).toBe('(tensor([[2., 3.],\n        [4., 5.]]), tensor([1, 2]))');
    expect(String(new nn.data.Subset(ds, [0, 2]).get(1))).toBe('(tensor([4., 5.]), tensor(2))');
    const batch = '[tensor([[0., 1.],\n        [2., 3.]]), tensor([0, 1])]';
    // the TensorDataset fast path and default_collate (through a Subset) print alike
    expect(inspect(nn.data.next(nn.data.iter(new nn.data.DataLoader(ds, { batch_size: 2 }))))).toBe(batch);
    expect(inspect(nn.data.next(nn.data.iter(new nn.data.DataLoader(new nn.data.Subset(ds, [0, 1, 2]), { batch_size: 2 }))))).toBe(batch);
    const [xb] = ds.get(0);
    expect(Array.isArray(ds.get(0)) && xb instanceof torch.Tensor).toBe(true);
  });
});

describe("print(...) of schedulers, loaders, datasets and samplers: Python's default object repr", () => {
  const ADDR = '0x7f[0-9a-f]{10}';
  const repr = (path: string): RegExp => new RegExp(`^<${path.replace(/\./g, '\\.')} object at ${ADDR}>$`);
  it('names the PyTorch module of each library class, __main__ for a subclass of the user; console.log prints the same', () => {
    const opt = new nn.optim.SGD(new nn.Linear(2, 2).parameters(), { lr: 0.1 });
    const ds = new nn.data.TensorDataset(torch.zeros(4));
    const loader = new nn.data.DataLoader(ds, { batch_size: 2, shuffle: true });
    class MyScheduler extends nn.optim.lr_scheduler.LambdaLR {}
    const cases: [object, RegExp][] = [
      [new nn.optim.lr_scheduler.StepLR(opt, 2), repr('torch.optim.lr_scheduler.StepLR')],
      [new nn.optim.lr_scheduler.OneCycleLR(opt, 1, 10), repr('torch.optim.lr_scheduler.OneCycleLR')],
      [new MyScheduler(opt, () => 1), repr('__main__.MyScheduler')],
      [loader, repr('torch.utils.data.dataloader.DataLoader')],
      [ds, repr('torch.utils.data.dataset.TensorDataset')],
      [new nn.data.Subset(ds, [0, 1]), repr('torch.utils.data.dataset.Subset')],
      [loader.sampler, repr('torch.utils.data.sampler.RandomSampler')],
      [loader.batch_sampler!, repr('torch.utils.data.sampler.BatchSampler')],
    ];
    for (const [obj, pattern] of cases) {
      expect(String(obj)).toMatch(pattern);
      expect(inspect(obj)).toBe(String(obj));
    }
    // the address is stable per object and distinct between objects
    expect(String(loader)).toBe(String(loader));
    expect(String(cases[0]![0]).slice(-14)).not.toBe(String(cases[1]![0]).slice(-14));
  });
});
