// Values of the nn.functional composites defined in @tsgrad/nn against PyTorch's (numbers printed by PyTorch
// 1.13, whose composition 2.x keeps): normalize, the deprecated upsample aliases, the *_with_indices forms.
import { describe, expect, it, vi } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';

const F = nn.functional;
const x = (): torch.Tensor => torch.arange(8).float().view(1, 2, 2, 2).sub(3);
const close = (t: torch.Tensor, want: number[]): void => Array.from(t._contiguous_data()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));

describe('nn.functional composites', () => {
  it('normalize divides by the p-norm along dim, at least eps', () => {
    close(F.normalize(x()), [-0.9486832618713379, -0.7071067690849304, -0.3162277638912201, 0, 0.3162277638912201, 0.7071067690849304, 0.9486832618713379, 1]);
    close(F.normalize(x(), { p: 1, dim: -1 }), [-0.6000000238418579, -0.4000000059604645, -1, 0, 0.3333333432674408, 0.6666666865348816, 0.4285714328289032, 0.5714285969734192]);
    close(F.normalize(torch.zeros([2, 2])), [0, 0, 0, 0]);
    const y = x().requires_grad_(true);
    expect(F.normalize(y).grad_fn!.name()).toBe('DivBackward0');
  });

  it('upsample aliases interpolate with their modes and warn as deprecated', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    close(F.upsample_bilinear(x(), { size: [3, 3] }), [-3, -2.5, -2, -2, -1.5, -1, -1, -0.5, 0, 1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
    expect(F.upsample_nearest(x(), { scale_factor: 2 }).shape).toEqual([1, 2, 4, 4]);
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'nn.functional.upsample_bilinear is deprecated. Use nn.functional.interpolate instead.',
      'nn.functional.upsample_nearest is deprecated. Use nn.functional.interpolate instead.',
    ]);
    warn.mockRestore();
  });

  it('the *_with_indices forms always return the argmax', () => {
    const [v, i] = F.max_pool2d_with_indices(x(), 2, { return_indices: false });
    close(v, [0, 4]);
    expect(Array.from(i._contiguous_data())).toEqual([3, 3]);
  });

  it('in-place activations record the nodes PyTorch records and write the values into the input', () => {
    const cases: [string, (t: torch.Tensor) => torch.Tensor, number[]][] = [
      ['EluBackward1', (t) => F.elu_(t), [-0.6321205496788025, 2]],
      ['CeluBackward1', (t) => F.celu_(t), [-0.6321205496788025, 2]],
      ['EluBackward1', (t) => F.selu_(t), [-1.1113307476043701, 2.1014020442962646]],
      ['LeakyReluBackward1', (t) => F.leaky_relu_(t, 0.2), [-0.20000000298023224, 2]],
      ['HardtanhBackward0', (t) => F.hardtanh_(t), [-1, 1]],
      ['ThresholdBackward1', (t) => F.threshold_(t, 0.5, 2), [2, 2]],
      ['RreluWithNoiseBackward1', (t) => F.rrelu_(t), [-0.2291666716337204, 2]],
      ['LeakyReluBackward1', (t) => new nn.LeakyReLU(0.2, true).call(t), [-0.20000000298023224, 2]],
    ];
    for (const [node, f, want] of cases) {
      const t = torch.tensor([-1, 2]).requires_grad_(true).mul(1);
      const y = f(t);
      expect(y.grad_fn!.name(), node).toBe(node);
      close(t, want);
    }
  });
});
