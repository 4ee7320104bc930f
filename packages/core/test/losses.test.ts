// The losses beyond cross-entropy/MSE/L1/BCE: PyTorch's reductions and errors (their gradients are rows of
// op_grad_cases.ts).
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';

const gen = new torch.Generator().manual_seed(5);
const long = (v: number[]): Tensor => torch.tensor(v, { dtype: 'int64' });

describe('losses', () => {
  it('reduces as PyTorch: ctc mean divides by target lengths, kl_div batchmean by the batch', () => {
    const lp = torch.log_softmax(torch.randn([5, 2, 3], { generator: gen }), 2);
    const targets = long([1, 2, 1, 0, 0]);
    const none = torch.ctc_loss(lp, targets.view(1, 5).index([0, { stop: 4 }]).view(2, 2), [5, 4], [2, 1], { reduction: 'none' });
    const mean = torch.ctc_loss(lp, targets.view(1, 5).index([0, { stop: 4 }]).view(2, 2), [5, 4], [2, 1]);
    const [l0, l1] = none.tolist() as number[];
    expect(mean.item()).toBeCloseTo((l0! / 2 + l1! / 1) / 2, 5);
    const x = torch.randn([4, 3], { generator: gen });
    const t = torch.softmax(torch.randn([4, 3], { generator: gen }), 1);
    expect(torch.kl_div(x, t, { reduction: 'batchmean' }).item()).toBeCloseTo(torch.kl_div(x, t, { reduction: 'sum' }).item() / 4, 5);
  });

  it("raises PyTorch's errors", () => {
    const x = torch.zeros([3, 4]);
    expect(() => torch.huber_loss(x, x, { delta: 0 })).toThrow('huber_loss does not support non-positive values for delta.');
    expect(() => torch.kl_div(x, x, { reduction: 'avg' })).toThrow('avg is not a valid value for reduction');
    expect(() => torch.gaussian_nll_loss(x, x, torch.zeros([2]))).toThrow('var is of incorrect size');
    expect(() => torch.gaussian_nll_loss(x, x, torch.full([3, 4], -1))).toThrow('var has negative entry/entries');
    expect(() => torch.multi_margin_loss(x, long([0, 1, 2]), { p: 3 })).toThrow('only p == 1 and p == 2 supported');
    expect(() => torch.triplet_margin_with_distance_loss(x, x, x, { margin: 0 })).toThrow('expected margin to be greater than 0, got 0 instead');
  });
});
