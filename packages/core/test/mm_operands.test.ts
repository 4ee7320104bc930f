// mm / linear on operands whose layout is neither plain row- nor column-major (expanded, strided rows).
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';

/** The same values as a fresh contiguous tensor. */
const dense = (t: Tensor): Tensor => torch.tensor(t.tolist() as number[][]);

function expect_same(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.detach()._contiguous_data();
  const y = b.detach()._contiguous_data();
  for (let i = 0; i < x.length; i++) expect(x[i]).toBeCloseTo(y[i]!, 5);
}

describe('mm operand layouts', () => {
  const w = torch.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]);
  const operands: [string, Tensor][] = [
    ['expanded row [1, 2] (strides [0, 0])', torch.tensor(2.0).expand([1, 2])],
    ['expanded column [2, 1] as rows [3, 2]', torch.tensor([[1.5], [-2]]).expand([2, 3]).t()],
    ['expanded [3, 2] (stride-0 rows)', torch.tensor([1, -1]).expand([3, 2])],
    ['one row of a transpose (strides [1, 4])', torch.arange(0, 8, 1, { dtype: 'float32' }).reshape([2, 4]).t().index([{ start: 1, stop: 2 }])],
    ['one column of a matrix as a row', torch.arange(0, 6, 1, { dtype: 'float32' }).reshape([3, 2]).index([{}, { start: 1, stop: 2 }]).t()],
  ];
  for (const [what, a] of operands) {
    it(`${what} @ W matches the contiguous copy`, () => {
      const b = a.shape[1] === 2 ? w : w.t();
      expect_same(a.mm(b), dense(a).mm(b));
      expect_same(b.t().mm(a.t()), b.t().mm(dense(a).t()));
    });
  }

  it('linear on a batch of one backpropagates sum() (an expanded gradient) without NaN', () => {
    const x = torch.tensor([[0.5, -1, 2]]).requires_grad_(true);
    const weight = torch.tensor([[0.1, 0.2, 0.3], [-0.4, 0.5, 0.6]]).requires_grad_(true);
    torch.linear(x, weight, torch.tensor([0.1, 0.2])).sum().backward();
    expect_same(x.grad!, torch.tensor([[0.1 - 0.4, 0.2 + 0.5, 0.3 + 0.6]]));
    expect_same(weight.grad!, torch.tensor([[0.5, -1, 2], [0.5, -1, 2]]));
  });

  // sum()'s gradient is one value expanded (stride 0) to the output shape; it must give what explicit ones give
  const cases: [string, (x: Tensor) => Tensor, Tensor][] = [
    ['linear, 1-D input', (x) => torch.linear(x, torch.tensor([[0.1, 0.2, 0.3], [-0.4, 0.5, 0.6]]), torch.tensor([0.1, 0.2])), torch.tensor([0.5, -1, 2])],
    ['matmul with broadcast batch dims', (x) => torch.matmul(x, torch.tensor([[[1, 2], [3, 4], [5, 6]]])), torch.tensor([[[0.5, -1, 2]], [[1, 1, 1]]])],
  ];
  for (const [what, f, x0] of cases) {
    it(`${what}: sum().backward() equals backward(ones)`, () => {
      const a = x0.clone().requires_grad_(true);
      f(a).sum().backward();
      const b = x0.clone().requires_grad_(true);
      const out = f(b);
      out.backward(torch.ones(out.shape));
      expect_same(a.grad!, b.grad!);
    });
  }
});
