// The losses beyond cross-entropy/MSE/L1/BCE: gradients (and second derivatives where PyTorch has them) by
// finite differences in float64, PyTorch's reductions, and its errors.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';

const gen = new torch.Generator(5);
const leaf = (shape: number[], lo = -2, hi = 2): Tensor => torch.rand(shape, { dtype: 'float64', generator: gen }).mul(hi - lo).add(lo).requires_grad_(true);
const sign_target = (shape: number[]): Tensor => torch.rand(shape, { dtype: 'float64', generator: gen }).gt(0.5).to('float64').mul(2).sub(1);
const long = (v: number[]): Tensor => torch.tensor(v, { dtype: 'int64' });

interface Case {
  inputs: () => Tensor[];
  fn: (...xs: Tensor[]) => Tensor;
  /** PyTorch has no second derivative here (kernels whose backward is not differentiable). */
  first_order_only?: boolean;
}

const CASES: Record<string, Case> = {
  huber: { inputs: () => [leaf([3, 4]), leaf([3, 4])], fn: (a, b) => torch.huber_loss(a!, b!, { delta: 0.7 }) },
  kl_div_batchmean: { inputs: () => [leaf([3, 4]), leaf([3, 4], 0.1, 1)], fn: (a, b) => torch.kl_div(a!, b!, { reduction: 'batchmean' }) },
  kl_div_log_target: { inputs: () => [leaf([3, 4]), leaf([3, 4])], fn: (a, b) => torch.kl_div(a!, b!, { reduction: 'sum', log_target: true }) },
  poisson_nll: { inputs: () => [leaf([3, 4]), leaf([3, 4], 0, 3)], fn: (a, b) => torch.poisson_nll_loss(a!, b!) },
  poisson_nll_full: { inputs: () => [leaf([3, 4], 0.5, 2), leaf([3, 4], 0, 3)], fn: (a, b) => torch.poisson_nll_loss(a!, b!, { log_input: false, full: true }) },
  gaussian_nll: { inputs: () => [leaf([3, 4]), leaf([3, 4]), leaf([3, 4], 0.5, 2)], fn: (a, b, v) => torch.gaussian_nll_loss(a!, b!, v!, { full: true }) },
  soft_margin: { inputs: () => [leaf([3, 4]), sign_target([3, 4])], fn: (a, y) => torch.soft_margin_loss(a!, y!) },
  multilabel_soft_margin: { inputs: () => [leaf([3, 4]), leaf([3, 4], 0, 1)], fn: (a, y) => torch.multilabel_soft_margin_loss(a!, y!) },
  hinge_embedding: { inputs: () => [leaf([3, 4]), sign_target([3, 4])], fn: (a, y) => torch.hinge_embedding_loss(a!, y!, { margin: 0.5 }) },
  cosine_embedding: { inputs: () => [leaf([3, 4]), leaf([3, 4]), sign_target([3])], fn: (a, b, y) => torch.cosine_embedding_loss(a!, b!, y!, { margin: -0.5 }) },
  margin_ranking: { inputs: () => [leaf([5]), leaf([5]), sign_target([5])], fn: (a, b, y) => torch.margin_ranking_loss(a!, b!, y!, { margin: 0.1 }) },
  triplet: { inputs: () => [leaf([3, 4]), leaf([3, 4]), leaf([3, 4])], fn: (a, p, n) => torch.triplet_margin_loss(a!, p!, n!, { margin: 3, swap: true }) },
  cosine_similarity: { inputs: () => [leaf([4, 5]), leaf([1, 5])], fn: (a, b) => torch.cosine_similarity(a!, b!) },
  pairwise_distance: { inputs: () => [leaf([4, 5]), leaf([4, 5])], fn: (a, b) => torch.pairwise_distance(a!, b!, { p: 3 }) },
  multi_margin: { inputs: () => [leaf([3, 4])], fn: (a) => torch.multi_margin_loss(a!, long([0, 3, 1]), { p: 2, margin: 2 }), first_order_only: true },
  multilabel_margin: { inputs: () => [leaf([2, 4])], fn: (a) => torch.multilabel_margin_loss(a!, long([3, 0, -1, 1, 1, 2, 3, -1]).view(2, 4)), first_order_only: true },
  ctc: {
    inputs: () => [leaf([6, 2, 4])],
    fn: (x) => torch.ctc_loss(torch.log_softmax(x!, 2), long([1, 2, 2, 3, 1, 0]), [6, 5], [3, 2]),
    first_order_only: true,
  },
};

describe('losses', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: gradients${c.first_order_only === true ? '' : ' and second derivatives'} match finite differences`, () => {
      const inputs = c.inputs();
      expect(torch.autograd.gradcheck(c.fn, inputs)).toBe(true);
      if (c.first_order_only === true) return;
      const first = (...xs: Tensor[]): Tensor[] => {
        const out = c.fn(...xs);
        const wrt = xs.filter((x) => x.requires_grad);
        return torch.autograd.grad(out.sum(), wrt, { create_graph: true }).map((g) => g!);
      };
      expect(torch.autograd.gradcheck(first, inputs)).toBe(true);
    });
  }

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
