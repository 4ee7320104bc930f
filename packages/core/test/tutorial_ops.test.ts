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
