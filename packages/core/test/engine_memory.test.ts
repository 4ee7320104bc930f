// Memory a backward pass frees or reuses: gradients the engine alone held are handed to later results of the
// same pass, never memory anything else can read; a recorded graph keeps only the tensors its formulas saved.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import { pool_stats } from '../src/storage_pool.js';

const gen = new torch.Generator().manual_seed(11);
const leaf = (...shape: number[]): Tensor => torch.randn(shape, { generator: gen }).requires_grad_(true);
const list = (t: Tensor): number[] => Array.from(t._contiguous_data());

/** A chain of n multiplications by 2 of a [64, 64] leaf (16 KB gradients, above the pool's floor). */
function chain(x: Tensor, n: number): Tensor {
  let y = x;
  for (let i = 0; i < n; i++) y = y.mul(2);
  return y.sum();
}

describe('gradient memory reuse within a backward pass', () => {
  it('hands a spent gradient to the next result of its size, with the right values', () => {
    const x = leaf(64, 64);
    const before = pool_stats.reused;
    chain(x, 6).backward();
    expect(pool_stats.reused - before).toBeGreaterThanOrEqual(4);
    expect(list(x.grad!).every((v) => v === 64)).toBe(true);
  });

  it('never reuses what a hook saw, a retained gradient, or the gradient the user passed', () => {
    const x = leaf(64, 64);
    const seen: Tensor[] = [];
    let retained: Tensor | null = null;
    let y = x;
    for (let i = 0; i < 6; i++) {
      y = y.mul(2);
      if (i % 2 === 0) y.register_hook((g) => void seen.push(g!));
      if (i === 3) (retained = y).retain_grad();
    }
    const root = torch.ones([64, 64]);
    y.backward(root);
    for (const g of [...seen, root, retained!.grad!]) {
      expect(g._storage.data.length).toBe(64 * 64);
    }
    expect(seen.map((g) => g._contiguous_data()[0])).toEqual([2, 8, 32]);
    expect(list(root).every((v) => v === 1)).toBe(true);
    expect(x.grad!._contiguous_data()[0]).toBe(64);
  });

  it('never reuses a gradient another node took a view of (AddBackward0 hands one gradient to two nodes)', () => {
    const a = leaf(64, 64);
    const b = leaf(64, 64);
    // backward order: ViewBackward0 of p (views the shared gradient for ExpBackward0, which runs last), then
    // MulBackward0 of q, which consumes the same gradient: its memory must stay the view's
    const e = a.exp();
    const q = b.view(4096).mul(3);
    const p = e.view(4096);
    // by the time e's gradient (that view) arrives, a fresh result of its size must not get its memory
    e.register_hook((g) => {
      const before = list(g!);
      torch.ones([64, 64]).mul(7); // an op result: fresh memory, from the pool when it holds some
      expect(list(g!)).toEqual(before);
    });
    p.add(q).mul(2).sum().backward();
    expect(list(a.grad!)).toEqual(list(a.detach().exp().mul(2)));
    expect(list(b.grad!).every((v) => v === 6)).toBe(true);
  });

  it('keeps saved tensors intact for a second backward (retain_graph) and accumulates into .grad', () => {
    const x = leaf(64, 64);
    const w = leaf(64, 64);
    const loss = chain(x.mul(w), 5);
    loss.backward(undefined, { retain_graph: true });
    const first = list(x.grad!);
    loss.backward();
    expect(list(x.grad!)).toEqual(first.map((v) => v * 2));
    expect(list(x.grad!)).toEqual(list(w.detach().mul(64)));
  });

  it('reuses nothing while building a graph (create_graph)', () => {
    const x = leaf(64, 64);
    const before = pool_stats.reused;
    const [g] = torch.autograd.grad(chain(x.pow(2), 4), [x], { create_graph: true });
    expect(pool_stats.reused).toBe(before);
    const [gg] = torch.autograd.grad(g!.sum(), [x]);
    expect(list(gg!).every((v) => v === 32)).toBe(true);
  });
});

describe('a recorded graph keeps only what its formulas saved', () => {
  /** `global.gc` (vitest runs with --expose-gc), else the same function enabled at run time. */
  const gc = ((globalThis as { gc?: () => void }).gc ??
    ((): () => void => {
      setFlagsFromString('--expose-gc');
      return runInNewContext('gc') as () => void;
    })());

  /** Whether `make`'s operand survives a collection while the graph of `make`'s result lives. */
  async function operand_survives(make: (operand: Tensor) => Tensor): Promise<boolean> {
    let out: Tensor | null = null;
    const ref = ((): WeakRef<Float32Array> => {
      const operand = leaf(8, 64).mul(1); // a non-leaf only the op sees
      out = make(operand);
      return new WeakRef(operand._storage.data as Float32Array);
    })();
    await new Promise((r) => setTimeout(r, 0));
    gc();
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(out!.grad_fn).not.toBe(null);
    return ref.deref() !== undefined;
  }

  it('AddBackward0, SubBackward0, MulBackward0 by a constant, SplitBackward0, UnbindBackward0 keep no operand', async () => {
    const c = torch.ones([8, 64]);
    expect(await operand_survives((a) => a.add(c))).toBe(false);
    expect(await operand_survives((a) => c.add(a, { alpha: 2 }))).toBe(false);
    expect(await operand_survives((a) => a.sub(c))).toBe(false);
    expect(await operand_survives((a) => a.mul(c))).toBe(false);
    expect(await operand_survives((a) => a.chunk(4, 1)[1]!.add(1))).toBe(false);
    expect(await operand_survives((a) => a.unbind(0)[3]!.add(1))).toBe(false);
  });

  it('a saved operand does survive (the control)', async () => {
    expect(await operand_survives((a) => a.mul(leaf(8, 64)))).toBe(true);
    expect(await operand_survives((a) => a.sigmoid().mul(a))).toBe(true);
  });
});
