// torch.utils.checkpoint as PyTorch 2.x has it: the same gradients as without it, the piece run again during
// backward with the same random stream, nothing saved from inside it, and the reentrant variant's limits.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { capture_warnings } from './helpers.js';

const { checkpoint } = torch.utils.checkpoint;

/** A piece with saved tensors (mul, exp) and a random draw; counts its runs and keeps each run's noise. */
function piece(): { fn: (x: Tensor, w: Tensor) => Tensor; runs: Tensor[] } {
  const runs: Tensor[] = [];
  const fn = (x: Tensor, w: Tensor): Tensor => {
    const noise = torch.rand_like(x);
    runs.push(noise);
    return x.mul(w).exp().mul(noise);
  };
  return { fn, runs };
}

describe('torch.utils.checkpoint', () => {
  for (const use_reentrant of [false, true]) {
    it(`use_reentrant=${use_reentrant}: same gradients, the piece rerun once in backward with the same random stream`, () => {
      const x = torch.tensor([0.5, -1, 2], { dtype: 'float64', requires_grad: true });
      const w = torch.tensor([1, 2, 0.5], { dtype: 'float64', requires_grad: true });
      const { fn, runs } = piece();
      torch.manual_seed(7);
      const y = checkpoint(fn, x, w, { use_reentrant });
      expect(runs.length).toBe(1);
      if (!use_reentrant) expect(y.grad_fn!.name()).toBe('MulBackward0');
      y.sum().backward();
      expect(runs.length).toBe(2);
      expect(runs[1]!.tolist()).toEqual(runs[0]!.tolist());
      const expected = x.detach().mul(w.detach()).exp().mul(runs[0]!);
      expect(x.grad!.tolist()).toEqual(expected.mul(w.detach()).tolist());
      expect(w.grad!.tolist()).toEqual(expected.mul(x.detach()).tolist());
      // the replay leaves the stream where the program left it: the next draw is the one without checkpointing
      const next = torch.rand([1]).item();
      torch.manual_seed(7);
      fn(x, w);
      expect(next).toBe(torch.rand([1]).item());
    });
  }

  it('non-reentrant keeps nothing from inside the piece and works with autograd.grad', () => {
    const x = torch.tensor([0.5, 1.5], { dtype: 'float64', requires_grad: true });
    let runs = 0;
    const y = checkpoint((t: Tensor) => (runs++, t.sin().mul(t)), x, { use_reentrant: false });
    const node = y.grad_fn!;
    expect(node._raw_saved_self !== undefined || node._raw_saved_other !== undefined).toBe(true);
    const [g] = torch.autograd.grad(y.sum(), [x]);
    expect(runs).toBe(2);
    const xd = x.detach();
    expect(g!.tolist()).toEqual(xd.cos().mul(xd).add(xd.sin()).tolist());
  });

  it('reentrant: refuses autograd.grad, warns when no input requires grad, and when use_reentrant is left out', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const y = checkpoint((t: Tensor) => t.mul(t), x, { use_reentrant: true });
    expect(() => torch.autograd.grad(y.sum(), [x])).toThrow(
      'Checkpointing is not compatible with .grad() or when an `inputs` parameter is passed to .backward(). Please use .backward() and do not pass its `inputs` argument.',
    );
    const [, seen] = capture_warnings(() => checkpoint((t: Tensor) => t.mul(2), torch.ones([2])));
    expect(seen.map(([m]) => m)).toEqual([
      'torch.utils.checkpoint: please pass in use_reentrant=True or use_reentrant=False explicitly. The default value of use_reentrant will be updated to be False in the future. To maintain current behavior, pass use_reentrant=True. It is recommended that you use use_reentrant=False. Refer to docs for more details on the differences between the two variants.',
      'None of the inputs have requires_grad=True. Gradients will be None',
    ]);
  });
});
