// max_pool2d computes argmax positions only when autograd or return_indices needs them; the values never differ.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';

describe('max_pool2d with and without autograd', () => {
  const x = torch.randn([2, 3, 9, 8], { generator: new torch.Generator().manual_seed(3) });

  it('gives the same values under no_grad, for a tensor not requiring grad, and with autograd', () => {
    const leaf = x.detach().requires_grad_();
    const tracked = torch.max_pool2d(leaf, 3, { stride: 2, padding: 1 });
    expect(tracked.grad_fn?.name()).toBe('MaxPool2DWithIndicesBackward0');
    const untracked = torch.no_grad(() => torch.max_pool2d(leaf, 3, { stride: 2, padding: 1 }));
    const plain = torch.max_pool2d(x, 3, { stride: 2, padding: 1 });
    expect(untracked.grad_fn).toBeNull();
    expect(untracked.tolist()).toEqual(tracked.tolist());
    expect(plain.tolist()).toEqual(tracked.tolist());
  });

  it('still returns indices under no_grad when asked', () => {
    const [values, indices] = torch.no_grad(() => torch.max_pool2d(x, 2, { return_indices: true }));
    const [tracked_values, tracked_indices] = torch.max_pool2d(x.detach().requires_grad_(), 2, { return_indices: true });
    expect(indices._dtype).toBe('int64');
    expect(indices.tolist()).toEqual(tracked_indices.tolist());
    expect(values.tolist()).toEqual(tracked_values.tolist());
  });
});
