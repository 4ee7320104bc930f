// Seeded data pipelines see PyTorch's index order: every case of fixtures/random/data_streams.json replays two
// passes of a DataLoader or sampler (or a random_split) after torch.manual_seed, then checks the default stream.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '../src/index.js';

interface Case { name: string; seed: number; passes: unknown[][]; after: number[] }
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/random/data_streams.json', import.meta.url), 'utf8')) as { cases: Case[] };

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const ds = new nn.data.TensorDataset(torch.arange(10));
const batches = (loader: nn.data.DataLoader<[torch.Tensor], [torch.Tensor]>): number[][] => [...loader].map((b) => b[0].tolist() as number[]);

function passes(c: Case): unknown[][] {
  const twice = (it: Iterable<number>): number[][] => [[...it], [...it]];
  switch (c.name) {
    case 'loader_shuffle': { const l = new nn.data.DataLoader(ds, { batch_size: 3, shuffle: true }); return [batches(l), batches(l)]; }
    case 'loader_plain': { const l = new nn.data.DataLoader(ds, { batch_size: 4, shuffle: false }); return [batches(l), batches(l)]; }
    case 'loader_generator': {
      const l = new nn.data.DataLoader(ds, { batch_size: 4, shuffle: true, generator: new torch.Generator().manual_seed(c.seed + 100) });
      return [batches(l), batches(l)];
    }
    case 'random_sampler': return twice(new nn.data.RandomSampler(range(7)));
    case 'random_sampler_replacement': return twice(new nn.data.RandomSampler(range(7), { replacement: true, num_samples: 40 }));
    case 'random_sampler_num_samples': return twice(new nn.data.RandomSampler(range(5), { num_samples: 12 }));
    case 'subset_random_sampler': return twice(new nn.data.SubsetRandomSampler([3, 9, 4, 7, 1]));
    case 'weighted_replacement': return twice(new nn.data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.0, 2.0], 12));
    case 'weighted_no_replacement': return twice(new nn.data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 2.0], 4, { replacement: false }));
    case 'random_split': {
      const a = nn.data.random_split(range(10), [3, 7]).map((s) => [...s.indices]);
      const b = nn.data.random_split(range(11), [0.5, 0.5], { generator: new torch.Generator().manual_seed(c.seed) }).map((s) => [...s.indices]);
      return [a, b];
    }
    default: throw new Error(`unknown case ${c.name}`);
  }
}

describe('seeded data pipelines draw PyTorch\'s order', () => {
  for (const c of cases) {
    it(`${c.name}, seed ${c.seed}`, () => {
      torch.manual_seed(c.seed);
      expect(passes(c)).toEqual(c.passes);
      expect(torch.rand(2).tolist(), 'the stream after').toEqual(c.after);
    });
  }
});
