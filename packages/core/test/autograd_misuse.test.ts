// Misuse of autograd raises PyTorch's error and changes nothing: in-place writes on leaves and their views, views
// that may not be rebased, Functions that misbehave, wrong gradient counts and shapes. Every tensor in reach keeps
// its values, grad, version, requires_grad and grad_fn. Messages pinned by probes of real PyTorch
// (fixtures/bad_input/misuse_probes.json, written by make_misuse_probes.py there).
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Grad, Tensor } from '@tsgrad/core';
import { load_fixture } from './helpers.js';

type Ctx = torch.autograd.FunctionCtx;
const fixture = load_fixture<{ cases: Record<string, [string, string]> }>('bad_input/misuse_probes.json');

/** What must not change: every observable autograd field of a tensor. */
function state(t: Tensor): unknown {
  return {
    values: t.detach().clone().tolist(),
    grad: t.grad === null ? null : t.grad.tolist(),
    version: t._version,
    requires_grad: t.requires_grad,
    grad_fn: t.grad_fn === null ? null : t.grad_fn.name(),
    is_leaf: t.is_leaf,
  };
}

class TooFewGrads extends torch.autograd.Function {
  static override forward(_ctx: Ctx, a: Tensor, b: Tensor): Tensor {
    return a.mul(b);
  }
  static override backward(_ctx: Ctx, g: Tensor): Grad[] {
    return [g];
  }
}
class WrongShapeGrad extends torch.autograd.Function {
  static override forward(_ctx: Ctx, a: Tensor): Tensor {
    return a.mul(2);
  }
  static override backward(): Tensor {
    return torch.ones([3], { dtype: 'float64' });
  }
}
class NotAGrad extends torch.autograd.Function {
  static override forward(_ctx: Ctx, a: Tensor): Tensor {
    return a.mul(2);
  }
  static override backward(): Tensor {
    return 5 as unknown as Tensor;
  }
}
class DirtyNotReturned extends torch.autograd.Function {
  static override forward(ctx: Ctx, a: Tensor): Tensor {
    ctx.mark_dirty(a);
    return a.mul(2);
  }
}
class SavesNumber extends torch.autograd.Function {
  static override forward(ctx: Ctx, a: Tensor): Tensor {
    ctx.save_for_backward(a, 3 as unknown as Tensor);
    return a.mul(2);
  }
}
class NoBackward extends torch.autograd.Function {
  static override forward(_ctx: Ctx, a: Tensor): Tensor {
    return a.clone();
  }
}

/** Each case builds its tensors, then misuses them; the pinned message is PyTorch's for the same code. */
const CASES: Record<string, () => [Tensor[], () => unknown]> = {
  inplace_on_leaf: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    return [[x], () => x.add_(1)];
  },
  setitem_on_leaf: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    return [[x], () => x.setitem(0, 5)];
  },
  copy_into_leaf: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    const y = torch.tensor([3, 4], { dtype: 'float64' });
    return [[x, y], () => x.copy_(y)];
  },
  inplace_on_view_of_leaf: () => {
    const x = torch.tensor([1, 2, 3], { dtype: 'float64', requires_grad: true });
    const v = x.narrow(0, 1, 2);
    return [[x, v], () => v.mul_(2)];
  },
  inplace_on_multi_output_view: () => {
    const x = torch.tensor([[1, 2], [3, 4]], { dtype: 'float64', requires_grad: true });
    const y = x.clone();
    const [row] = y.unbind();
    return [[x, y, row!], () => row!.mul_(2)];
  },
  inplace_on_no_grad_view: () => {
    const x = torch.tensor([1, 2, 3], { dtype: 'float64', requires_grad: true });
    const y = x.clone();
    const v = torch.no_grad(() => y.narrow(0, 0, 2));
    return [[x, y, v], () => v.add_(1)];
  },
  detach_view_inplace: () => {
    const x = torch.tensor([1, 2, 3], { dtype: 'float64', requires_grad: true });
    const v = x.clone().narrow(0, 0, 2);
    return [[x, v], () => v.detach_()];
  },
  function_too_few_grads: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    const w = torch.tensor([3, 4], { dtype: 'float64', requires_grad: true });
    const y = TooFewGrads.apply(x, w);
    return [[x, w, y], () => y.sum().backward()];
  },
  function_wrong_shape_grad: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    const y = WrongShapeGrad.apply(x);
    return [[x, y], () => y.sum().backward()];
  },
  function_returns_non_tensor: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    const y = NotAGrad.apply(x);
    return [[x, y], () => y.sum().backward()];
  },
  function_dirty_not_returned: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    const y = x.clone();
    return [[x, y], () => DirtyNotReturned.apply(y)];
  },
  function_saves_number: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    return [[x], () => SavesNumber.apply(x)];
  },
  function_without_backward: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    const y = NoBackward.apply(x);
    return [[x, y], () => y.sum().backward()];
  },
  backward_more_tensors_than_grads: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    const a = x.mul(2).sum();
    const b = x.mul(3).sum();
    return [[x, a, b], () => torch.autograd.backward([a, b], [torch.tensor(1, { dtype: 'float64' })])];
  },
  grad_more_tensors_than_grads: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    const a = x.mul(2).sum();
    const b = x.mul(3).sum();
    return [[x, a, b], () => torch.autograd.grad([a, b], [x], [torch.tensor(1, { dtype: 'float64' })])];
  },
  grad_output_wrong_shape: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    const y = x.mul(2);
    return [[x, y], () => y.backward(torch.ones([3], { dtype: 'float64' }))];
  },
  backward_twice: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    const y = x.mul(x).sum();
    y.backward();
    return [[x, y], () => y.backward()];
  },
  grad_of_unused_input: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    const z = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    const y = x.mul(2).sum();
    return [[x, z, y], () => torch.autograd.grad(y, [x, z])];
  },
  backward_of_tensor_without_grad: () => {
    const x = torch.tensor([1, 2], { dtype: 'float64' });
    return [[x], () => x.sum().backward()];
  },
};

describe('misuse raises PyTorch\'s error and changes no tensor', () => {
  it.each(Object.keys(fixture.cases))('%s', (name) => {
    const [tensors, misuse] = CASES[name]!();
    const before = tensors.map(state);
    const [kind, message] = fixture.cases[name]!;
    let caught: unknown = null;
    try {
      misuse();
    } catch (e) {
      caught = e;
    }
    expect(caught, `${name} must raise`).toBeInstanceOf(Error);
    expect((caught as Error).message.split('\n')[0]).toBe(message);
    if (kind === 'TypeError') expect(caught).toBeInstanceOf(TypeError);
    expect(tensors.map(state)).toEqual(before);
  });
  it('every case has its PyTorch probe', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(fixture.cases).sort());
  });
});
