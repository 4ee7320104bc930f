// DataLoader with num_workers > 0: batches load in the calling thread, but each simulated worker draws from its
// own default-generator stream seeded as PyTorch seeds its worker processes (base seed + worker id, then
// worker_init_fn), batch k going to worker k % num_workers; get_worker_info() describes the loading worker.
// Every case of fixtures/random/worker_streams.json (two passes, then torch.rand(3) in the main process) replays.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '../src/index.js';

interface Item { x: number; worker: number; num_workers: number; seed: string }
interface Case { name: string; n: number; passes: Item[][][]; after: number[] }
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/random/worker_streams.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** Item i: i plus one random draw, and what get_worker_info() says while it loads (PyTorch's Noisy in the generator). */
class Noisy extends nn.data.Dataset<Item> {
  constructor(readonly n: number) {
    super();
  }
  get length(): number {
    return this.n;
  }
  get(i: number): Item {
    const info = nn.data.get_worker_info();
    return { x: torch.rand(1).item() + i, worker: info?.id ?? -1, num_workers: info?.num_workers ?? 0, seed: String(info?.seed ?? 0) };
  }
}

const collate = (items: Item[]): Item[] => items;
const reseed = (worker_id: number): void => void torch.manual_seed(1000 + worker_id);
const OPTIONS: Record<string, nn.data.DataLoaderOptions<Item, Item[]>> = {
  two_workers_shuffle: { batch_size: 2, shuffle: true, num_workers: 2, collate_fn: collate },
  three_workers_plain: { batch_size: 3, num_workers: 3, collate_fn: collate },
  worker_init_fn: { batch_size: 2, shuffle: true, num_workers: 2, worker_init_fn: reseed, collate_fn: collate },
  persistent_workers: { batch_size: 2, shuffle: true, num_workers: 2, persistent_workers: true, collate_fn: collate },
  no_batching: { batch_size: null, num_workers: 2 },
  main_process: { batch_size: 2, shuffle: true, num_workers: 0, collate_fn: collate },
};

describe('DataLoader workers draw from the streams PyTorch gives its worker processes', () => {
  it.each(cases)('$name', (c) => {
    torch.manual_seed(3);
    const loader = new nn.data.DataLoader<Item, Item[] | Item>(new Noisy(c.n), OPTIONS[c.name] as nn.data.DataLoaderOptions<Item, Item[] | Item>);
    const passes = [0, 1].map(() => [...loader].map((b) => (Array.isArray(b) ? b : [b])));
    const seeds = new Set(passes.flat(2).map((it) => it.seed));
    // the worker seeds are base seed + id: one base seed per iterator, or one for all with persistent workers
    expect(seeds.size).toBe(new Set(c.passes.flat(2).map((it) => it.seed)).size);
    const strip = (p: Item[][][]): unknown => p.map((pass) => pass.map((b) => b.map(({ x, worker, num_workers }) => [Math.fround(x - Math.floor(x)), Math.floor(x), worker, num_workers])));
    expect(strip(passes)).toEqual(strip(c.passes));
    expect(passes.flat(2).map((it) => it.seed)).toEqual(c.passes.flat(2).map((it) => it.seed));
    expect(Array.from(torch.rand(3)._contiguous_data())).toEqual(c.after.map(Math.fround));
    expect(nn.data.get_worker_info()).toBeNull();
  });

  it('leaves the main stream and the current worker as they were when a load throws', () => {
    class Failing extends Noisy {
      override get(i: number): Item {
        torch.rand(4);
        if (i === 1) throw new Error('bad item');
        return super.get(i);
      }
    }
    torch.manual_seed(5);
    const loader = new nn.data.DataLoader(new Failing(3), { batch_size: 1, num_workers: 2, collate_fn: collate });
    const it = loader[Symbol.iterator]();
    it.next();
    expect(() => it.next()).toThrow('bad item');
    expect(nn.data.get_worker_info()).toBeNull();
    const after = torch.rand(2).tolist();
    // the main stream moved by the iterator's base-seed draw only
    torch.manual_seed(5);
    torch.default_generator.next_u64();
    expect(after).toEqual(torch.rand(2).tolist());
  });
});
