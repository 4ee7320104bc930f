// In-place view ops (t_, transpose_, swapdims_, unsqueeze_, squeeze_) as PyTorch has them: the tensor's own shape
// changes, its version moves, a recorded change puts it on TBackward1 & co, and PyTorch's errors leave it as it was.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { error_message } from './helpers.js';

const errors = error_message;
const state = (t: Tensor): unknown[] => [t.shape, t.stride(), t.is_leaf ? null : t.grad_fn!.name()];

describe('in-place view ops', () => {
  it('chain on a non-leaf: each one bumps the version and becomes the grad_fn; backward maps the shapes back', () => {
    const leaf = torch.ones([2, 3], { requires_grad: true });
    const a = leaf.clone();
    const seen: unknown[] = [];
    a.t_();
    seen.push([...state(a), a._version]);
    a.unsqueeze_(0);
    seen.push([...state(a), a._version]);
    a.squeeze_();
    seen.push([...state(a), a._version]);
    a.squeeze_(0);
    seen.push(a.grad_fn!.name());
    a.swapdims_(0, 1).transpose_(1, 0).swapaxes_(0, 1);
    seen.push([...state(a), a._version, a._is_view()]);
    expect(seen).toEqual([
      [[3, 2], [1, 3], 'TBackward1', 1],
      [[1, 3, 2], [3, 1, 3], 'UnsqueezeBackward1', 2],
      [[3, 2], [1, 3], 'SqueezeBackward2', 3],
      'SqueezeBackward3',
      [[2, 3], [3, 1], 'TransposeBackward1', 7, false],
    ]);
    a.mul(torch.tensor([[1, 2, 3], [4, 5, 6]])).sum().backward();
    expect(leaf.grad!.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(torch.autograd.gradgradcheck((x: Tensor) => x.mul(x).t_().unsqueeze_(1).squeeze_(1), [torch.randn([2, 3], { dtype: 'float64', requires_grad: true })])).toBe(true);
  });

  it('refuses leaves that require grad and bad dims, leaving the tensor as it was', () => {
    const l = torch.ones([2, 3], { requires_grad: true });
    for (const op of [(x: Tensor) => x.t_(), (x: Tensor) => x.transpose_(0, 5), (x: Tensor) => x.unsqueeze_(0)]) {
      expect(errors(() => op(l))).toBe('a leaf Variable that requires grad is being used in an in-place operation.');
    }
    const c = torch.ones([2, 3, 4]).requires_grad_().clone();
    expect(errors(() => c.t_())).toBe('t_() expects a tensor with <= 2 dimensions, but self is 3D');
    expect(errors(() => c.transpose_(0, 5))).toBe('Dimension out of range (expected to be in range of [-3, 2], but got 5)');
    expect(errors(() => c.unsqueeze_(4))).toBe('Dimension out of range (expected to be in range of [-4, 3], but got 4)');
    expect([state(l), l._version, state(c), c._version]).toEqual([[[2, 3], [3, 1], null], 0, [[2, 3, 4], [12, 4, 1], 'CloneBackward0'], 0]);
    // no_grad: a leaf may change its geometry, unrecorded
    torch.no_grad(() => l.t_());
    expect([state(l), l._version, l.is_leaf]).toEqual([[[3, 2], [1, 3], null], 1, true]);
    const inf = torch.inference_mode(() => torch.ones([2, 3]));
    expect(errors(() => inf.t_())).toContain('Inplace update to inference tensor outside InferenceMode is not allowed.');
    expect(torch.inference_mode(() => inf.t_().shape)).toEqual([3, 2]);
  });

  it('on views: the view keeps its base, shares its version, and its gradient flows to the base', () => {
    const b = torch.arange(6).view(2, 3);
    b.t_();
    expect([b.shape, b.stride(), b._is_view(), b._version]).toEqual([[3, 2], [1, 3], true, 1]);
    const leaf = torch.ones([2, 3], { requires_grad: true });
    const c = leaf.clone();
    const v = c.select(0, 0);
    v.unsqueeze_(0);
    expect([v.shape, v.grad_fn!.name()]).toEqual([[1, 3], 'UnsqueezeBackward1']);
    const w = c.view(3, 2);
    w.t_();
    // the shared version moved again, so v's node is regenerated from the base, as PyTorch's
    expect([w.grad_fn!.name(), w._version, c._version, c.grad_fn!.name(), v.grad_fn!.name()]).toEqual(['TBackward1', 2, 2, 'CloneBackward0', 'AsStridedBackward0']);
    w.mul(2).sum().backward();
    expect(leaf.grad!.tolist()).toEqual([[2, 2, 2], [2, 2, 2]]);
  });

  it('a tensor saved before the change is refused, named by what now produces it; hooks keep the old shape', () => {
    const x = torch.ones([2, 3], { requires_grad: true }).clone();
    const y = x.mul(x);
    x.t_();
    expect(errors(() => y.sum().backward())).toBe(
      'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3, 2]], which is output 0 of TBackward1, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).',
    );
    const z = torch.ones([1, 2]).requires_grad_().clone();
    const shapes: number[][] = [];
    z.register_hook((g) => void shapes.push(g.shape));
    z.retain_grad(); // 2.x: retain_grad follows the tensor onto its new node (1.13 left it on the old one)
    z.squeeze_(0);
    z.sum().backward();
    expect([shapes, z.grad!.shape]).toEqual([[[1, 2]], [2]]);
  });
});
