// Calls the beginner tutorials make that tsgrad once got wrong, checked against what PyTorch printed
// (fixtures/tutorials/make_tutorial_ops.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/tutorials/tutorial_ops.json', import.meta.url), 'utf8')) as { cases: Record<string, string> };
const long = (v: number): torch.Tensor => torch.tensor(v, { dtype: torch.int64 });

const CASES: Record<string, () => torch.Tensor> = {
  scatter_0d_index_value: () => torch.zeros(10).scatter_(0, long(3), { value: 1 }),
  scatter_0d_index_keyword_form: () => torch.zeros(10).scatter_({ dim: 0, index: long(3), value: 1 }),
  scatter_0d_index_src: () => torch.zeros(6).scatter(0, long(4), torch.tensor(2.5)),
  scatter_0d_self_and_index: () => torch.tensor(5).scatter(0, long(0), 2),
  scatter_add_0d_index: () => torch.ones(5).scatter_add(0, long(1), torch.tensor(2.5)),
  gather_0d_index: () => torch.arange(10, { dtype: torch.float32 }).gather(0, long(3)),
  gather_0d_self_and_index: () => torch.tensor(5).gather(0, long(0)),
  gather_0d_index_grad: () => {
    const a = torch.arange(4, { dtype: torch.float64 }).requires_grad_();
    torch.gather(a, 0, long(2)).backward();
    return a.grad!;
  },
};

describe("tutorial calls print PyTorch's results", () => {
  it('covers every fixture case', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(fixture.cases).sort());
  });
  for (const [name, text] of Object.entries(fixture.cases)) {
    it(name, () => {
      expect(String(CASES[name]!())).toBe(text);
    });
  }
});

// tensorqs_tutorial's NumPy bridge: t.numpy() and torch.from_numpy(n) share memory, so a change to one shows in
// the other (a typed array stands in for the ndarray)
describe('the NumPy bridge shares memory', () => {
  it('x.numpy() is a view of a contiguous tensor, offset included', () => {
    const t = torch.ones(5);
    const n = t.numpy();
    t.add_(1);
    expect(Array.from(n)).toEqual([2, 2, 2, 2, 2]);
    n[0] = 7;
    expect(t.tolist()).toEqual([7, 2, 2, 2, 2]);
    const row = torch.arange(6, { dtype: torch.float64 }).view(2, 3).index(1);
    const r = row.numpy();
    expect(r).toBeInstanceOf(Float64Array);
    expect(Array.from(r)).toEqual([3, 4, 5]);
    r[2] = -1;
    expect(row.tolist()).toEqual([3, 4, -1]);
  });

  it('copies what a flat array cannot show (strides) and with force, and refuses a tensor that requires grad', () => {
    const t = torch.arange(6, { dtype: torch.float32 }).view(2, 3);
    const n = t.T.numpy();
    expect(Array.from(n)).toEqual([0, 3, 1, 4, 2, 5]);
    n[0] = 9;
    expect(t.index([0, 0]).item()).toBe(0);
    const w = torch.ones(3, { requires_grad: true });
    expect(() => w.numpy()).toThrow("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
    const c = w.numpy({ force: true });
    c[0] = 5;
    expect(w.tolist()).toEqual([1, 1, 1]);
    expect(() => w.numpy({ copy: true } as never)).toThrow(TypeError);
  });

  it('torch.from_numpy wraps Float64Array, Float32Array and Uint8Array, and names what it cannot', () => {
    const n = new Float64Array(5).fill(1);
    const t = torch.from_numpy(n);
    for (let i = 0; i < n.length; i++) n[i]! += 1;
    expect(String(t)).toBe('tensor([2., 2., 2., 2., 2.], dtype=torch.float64)');
    t.mul_(2);
    expect(Array.from(n)).toEqual([4, 4, 4, 4, 4]);
    expect(torch.from_numpy(new Float32Array(2)).dtype).toBe(torch.float32);
    expect(torch.from_numpy(new Uint8Array([1, 255])).dtype).toBe(torch.uint8);
    expect(() => torch.from_numpy(new Int32Array(2) as never)).toThrow(
      new TypeError("can't convert Int32Array. The only supported types are: Float64Array (float64), Float32Array (float32) and Uint8Array (uint8)."),
    );
    expect(() => torch.from_numpy([1, 2] as never)).toThrow(/can't convert Array\./);
  });

  it('a weight written through its numpy() view is not served from a stale packed copy', () => {
    const w = torch.ones(1, 1, 3, 3);
    const x = torch.ones(1, 1, 5, 5);
    const n = w.numpy();
    for (let k = 0; k < 3; k++) expect(torch.conv2d(x, w).sum().item()).toBe(81);
    n.fill(2);
    expect(torch.conv2d(x, w).sum().item()).toBe(162);
  });
});
