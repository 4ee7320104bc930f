// In-place arithmetic without recording writes into the tensor's memory directly when it can: the values
// must equal the out-of-place op's in every case, including operands that overlap the destination.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';

const values = (t: Tensor): number[] => Array.from(t._contiguous_data());
type Op = 'add' | 'sub' | 'mul' | 'div';

/** `self.op_(other)` on a clone of `self` against `self.op(other)`, and the version bump. */
function check(self: Tensor, other: Tensor | number, op: Op): void {
  const want = values(torch.no_grad(() => self[op](other)).to(self.dtype));
  const target = self.clone();
  const version = target._storage.version;
  target[`${op}_`](other);
  expect(values(target)).toEqual(want);
  expect(target._storage.version).toBe(version + 1);
}

describe('in-place arithmetic', () => {
  const x = torch.tensor([[1.5, -2, 0.1], [4, 5e-8, -0.3]]);
  it('matches the out-of-place op for tensors, broadcast rows, scalars and mixed dtypes', () => {
    for (const op of ['add', 'sub', 'mul', 'div'] as const) {
      check(x, torch.tensor([[0.7, 3, -1], [2, 0.25, 9]]), op);
      check(x, torch.tensor([0.5, -4, 3]), op);
      check(x, 0.1, op);
      check(x, torch.tensor([1, 2, 3], { dtype: 'int64' }), op);
      check(torch.tensor([1, 2, 3], { dtype: 'int64' }), 2, op === 'div' ? 'mul' : op);
      check(torch.tensor([1, 2, 3], { dtype: 'float64' }), torch.tensor([0.1, 0.2, 0.3]), op);
    }
  });

  it('refuses a result dtype the destination cannot hold, as PyTorch, leaving it unchanged', () => {
    const i = torch.tensor([1, 2, 3], { dtype: 'int64' });
    expect(() => i.add_(0.7)).toThrow("result type Float can't be cast to the desired output type Long");
    expect(() => i.div_(2)).toThrow("result type Float can't be cast to the desired output type Long");
    expect(values(i)).toEqual([1, 2, 3]);
    i.div_(2, { rounding_mode: 'floor' });
    expect(values(i)).toEqual([0, 1, 1]);
  });

  it('reads an operand that is the very same view, and refuses one that partly aliases the destination', () => {
    const a = torch.arange(9).to('float32').reshape([3, 3]);
    expect(() => a.add_(a.t())).toThrow('some elements of the input tensor and the written-to tensor refer to a single memory location');
    expect(values(a)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    a.add_(a);
    expect(values(a)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16]);
    const b = torch.arange(6).to('float32');
    expect(() => b.narrow(0, 0, 3).mul_(b.narrow(0, 1, 3))).toThrow('Please clone() the tensor before performing the operation.');
    b.narrow(0, 0, 3).mul_(b.narrow(0, 3, 3));
    expect(values(b)).toEqual([0, 4, 10, 3, 4, 5]);
  });

  it('writes through non-contiguous views and leaves the rest of the storage alone', () => {
    const a = torch.arange(6).to('float32').reshape([2, 3]);
    a.t().mul_(10);
    expect(values(a)).toEqual([0, 10, 20, 30, 40, 50]);
    const c = torch.arange(6).to('float32');
    c.narrow(0, 2, 2).sub_(torch.tensor([1, 1]));
    expect(values(c)).toEqual([0, 1, 1, 2, 4, 5]);
  });

  it('keeps the errors of the general path', () => {
    expect(() => torch.ones([3]).mul_(torch.ones([2]))).toThrow('The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0');
    expect(() => torch.ones([3]).add_(torch.ones([2, 3]))).toThrow("output with shape [3] doesn't match the broadcast shape [2, 3]");
    const t = torch.tensor([true, false]);
    expect(() => t.sub_(torch.tensor([true, true]))).toThrow('Subtraction, the `-` operator, with two bool tensors is not supported');
  });
});
