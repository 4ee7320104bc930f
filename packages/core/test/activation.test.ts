// The pointwise activations of F: node names, in-place forms and the errors PyTorch raises (their first and
// second derivatives are rows of op_grad_cases.ts).
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';

const gen = new torch.Generator().manual_seed(11);
/** A float64 leaf with values kept `gap` away from the activation's kinks, where derivatives jump. */
function leaf(shape: number[], kinks: number[] = [], gap = 1e-2): Tensor {
  const t = torch.randn(shape, { dtype: 'float64', generator: gen }).mul(2.5);
  const d = t._storage.data;
  for (let i = 0; i < d.length; i++) for (const k of kinks) if (Math.abs(d[i]! - k) < gap) d[i] = k + (d[i]! >= k ? gap : -gap);
  return t.requires_grad_(true);
}

interface Case {
  node: string;
  kinks?: number[];
  fn: (x: Tensor) => Tensor;
}

const CASES: Record<string, Case> = {
  elu: { node: 'EluBackward0', kinks: [0], fn: (x) => torch.elu(x, { alpha: 0.7 }) },
  selu: { node: 'EluBackward0', kinks: [0], fn: (x) => torch.selu(x) },
  celu: { node: 'CeluBackward0', kinks: [0], fn: (x) => torch.celu(x, 1.3) },
  hardtanh: { node: 'HardtanhBackward0', kinks: [-0.5, 2], fn: (x) => torch.hardtanh(x, -0.5, 2) },
  relu6: { node: 'HardtanhBackward0', kinks: [0, 6], fn: (x) => torch.relu6(x) },
  hardsigmoid: { node: 'HardsigmoidBackward0', kinks: [-3, 3], fn: (x) => torch.hardsigmoid(x) },
  hardswish: { node: 'HardswishBackward0', kinks: [-3, 3], fn: (x) => torch.hardswish(x) },
  silu: { node: 'SiluBackward0', fn: (x) => torch.silu(x) },
  mish: { node: 'MishBackward0', fn: (x) => torch.mish(x) },
  softplus: { node: 'SoftplusBackward0', kinks: [1], fn: (x) => torch.softplus(x, { beta: 2, threshold: 2 }) },
  logsigmoid: { node: 'LogSigmoidBackward0', fn: (x) => torch.logsigmoid(x) },
  hardshrink: { node: 'HardshrinkBackward0', kinks: [-0.5, 0.5], fn: (x) => torch.hardshrink(x) },
  softshrink: { node: 'SoftshrinkBackward0', kinks: [-0.3, 0.3], fn: (x) => torch.softshrink(x, 0.3) },
  threshold: { node: 'ThresholdBackward0', kinks: [0.1], fn: (x) => torch.threshold(x, 0.1, 20) },
  softsign: { node: 'DivBackward0', kinks: [0], fn: (x) => torch.softsign(x) },
  tanhshrink: { node: 'SubBackward0', fn: (x) => torch.tanhshrink(x) },
  glu: { node: 'GluBackward0', fn: (x) => torch.glu(x, 1) },
  rrelu_eval: { node: 'RreluWithNoiseBackward0', kinks: [0], fn: (x) => torch.rrelu(x) },
  softmin: { node: 'SoftmaxBackward0', fn: (x) => torch.softmin(x, 1) },
};

describe('pointwise activations', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name} records ${c.node}`, () => {
      expect(c.fn(leaf([3, 4], c.kinks)).grad_fn!.name()).toBe(c.node);
    });
  }

  it('prelu: slopes per channel, PreluKernelBackward0', () => {
    const x = leaf([2, 3, 2], [0]);
    const w = torch.tensor([0.1, -0.3, 0.5], { dtype: 'float64', requires_grad: true });
    expect(torch.prelu(x, w).grad_fn!.name()).toBe('PreluKernelBackward0');
    expect(() => torch.prelu(x, torch.ones([2]))).toThrow('Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and channel size = 3.');
  });

  it('in-place forms overwrite the input and record the node on it', () => {
    const base = torch.tensor([-1, 0.5, 2], { requires_grad: true });
    const x = base.mul(1);
    const r = torch.elu(x, { inplace: true });
    expect(r).toBe(x);
    // PyTorch's elu_ reads its result: EluBackward1
    expect(x.grad_fn!.name()).toBe('EluBackward1');
    x.sum().backward();
    expect(Array.from(base.grad!._contiguous_data())).toEqual([Math.fround(Math.exp(-1)), 1, 1]);
    const plain = torch.tensor([-2, 3]);
    torch.hardtanh(plain, { inplace: true });
    expect(plain.tolist()).toEqual([-1, 1]);
  });

  it("raises PyTorch's errors for bad arguments", () => {
    const x = torch.ones([2, 5]);
    expect(() => torch.glu(x)).toThrow('Halving dimension must be even, but dimension 1 is size 5');
    expect(() => torch.softshrink(x, -1)).toThrow('lambda must be greater or equal to 0, but found to be -1.');
    expect(() => torch.elu(x, { alpha: 'a' } as never)).toThrow("elu(): argument 'alpha' must be float, not str");
    expect(() => torch.threshold(x, 0.1)).toThrow('threshold() missing 1 required positional argument: "value"');
    expect(() => torch.hardtanh(x, 2, 1)).toThrow('min_val cannot be greater than max_val');
  });
});
