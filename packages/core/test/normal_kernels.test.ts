// The float32 normal sampler's two copies, wasm and JS, give the same bits: a million draws with and without a
// mean and std (the fused multiply-add path), and tails shorter than a block.
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { use_normal_wasm } from '../src/ops/distributions.js';

function draw(n: number, mean: number, std: number, wasm: boolean): Float32Array {
  const before = use_normal_wasm(wasm);
  try {
    return torch.empty([n]).normal_(mean, std, { generator: new torch.Generator().manual_seed(n + 7) })._storage.data as Float32Array;
  } finally {
    use_normal_wasm(before);
  }
}

describe('float32 normal block kernel: wasm = JS', () => {
  for (const [n, mean, std] of [[1 << 20, 0, 1], [65541, 0.5, 0.02], [40, -3, 7], [17, 1, 2]] as const) {
    it(`${n} draws of N(${mean}, ${std}²)`, () => {
      const a = draw(n, mean, std, true);
      const b = draw(n, mean, std, false);
      const off = a.findIndex((v, i) => !Object.is(v, b[i]));
      expect(off, `element ${off}: wasm ${a[off]}, JS ${b[off]}`).toBe(-1);
    });
  }
});
