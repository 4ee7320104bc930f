// gradcheck and gradgradcheck (float64 finite differences) over every row of the op table, and their own reports.
import { describe, expect, it, vi } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { describe_op_rows, leaf, OP_CASES } from './op_grad_cases.js';

// the js oracle here; every other backend in op_grad_backends.test.ts, a file of its own so both run side by side
describe_op_rows('first and second derivatives of every op (op_grad_cases.ts)', OP_CASES, ['js']);

const f64 = (values: number[]): Tensor => torch.tensor(values, { dtype: 'float64' });

/** x ↦ x² whose backward multiplies by 3 instead of 2x. */
class BadSquare extends torch.autograd.Function {
  static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor): Tensor {
    return x.mul(x);
  }
  static override backward(_ctx: torch.autograd.FunctionCtx, g: Tensor): Tensor {
    return g.mul(3);
  }
}

/** x ↦ x² with a correct backward that is not differentiable w.r.t. x (it reads x detached). */
class DetachedSquare extends torch.autograd.Function {
  static override forward(ctx: torch.autograd.FunctionCtx, x: Tensor): Tensor {
    ctx.save_for_backward(x);
    return x.mul(x);
  }
  static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor): Tensor {
    return g.mul(ctx.saved_tensors[0]!.detach()).mul(2);
  }
}

describe('gradcheck and gradgradcheck report as PyTorch', () => {
  it('a wrong first derivative: both Jacobians, in PyTorch words and layout', () => {
    const x = f64([1, 2]).requires_grad_(true);
    const f = (t: Tensor): Tensor => BadSquare.apply(t);
    expect(() => torch.autograd.gradcheck(f, [x])).toThrow(
      'Jacobian mismatch for output 0 with respect to input 0,\nnumerical:tensor([[2.0000, 0.0000],\n        [0.0000, 4.0000]], dtype=torch.float64)\nanalytical:tensor([[3., 0.],\n        [0., 3.]], dtype=torch.float64)\n',
    );
    expect(() => torch.autograd.gradcheck(f, [x])).toThrow(torch.autograd.GradcheckError);
    expect(torch.autograd.gradcheck(f, [x], { raise_exception: false })).toBe(false);
    // its (wrong) backward is linear in g and consistent with itself, so gradgradcheck passes, as PyTorch's
    expect(torch.autograd.gradgradcheck(f, [x])).toBe(true);
  });

  it('a backward that is right once but not differentiable fails gradgradcheck only', () => {
    const x = f64([1, 2]).requires_grad_(true);
    const f = (t: Tensor): Tensor => DetachedSquare.apply(t);
    expect(torch.autograd.gradcheck(f, [x])).toBe(true);
    expect(() => torch.autograd.gradgradcheck(f, [x], [f64([1, -1]).requires_grad_(true)])).toThrow(
      'Jacobian mismatch for output 0 with respect to input 0,\nnumerical:tensor([[ 2.0000,  0.0000],\n        [ 0.0000, -2.0000]], dtype=torch.float64)\nanalytical:tensor([[0., 0.],\n        [0., 0.]], dtype=torch.float64)\n',
    );
  });

  it('gradgradcheck takes grad_outputs positionally, as a Tensor, or makes non-contiguous ones', () => {
    const x = leaf([2, 3]);
    const f = (t: Tensor): Tensor => t.pow(3).sum(1);
    expect(torch.autograd.gradgradcheck(f, [x], [leaf([2])])).toBe(true);
    expect(torch.autograd.gradgradcheck(f, [x], leaf([2]), { atol: 1e-4 })).toBe(true);
    expect(torch.autograd.gradgradcheck((t) => t.exp().mul(t), [x], null, { gen_non_contig_grad_outputs: true })).toBe(true);
    // a constant grad_output (requires_grad false) is not differenced
    expect(torch.autograd.gradgradcheck(f, [x], [f64([1, 2])])).toBe(true);
  });

  it('a backward that gives different results for the same grad_output is not reentrant', () => {
    let calls = 0;
    class Drifting extends torch.autograd.Function {
      static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor): Tensor {
        return x.mul(2);
      }
      static override backward(_ctx: torch.autograd.FunctionCtx, g: Tensor): Tensor {
        return g.mul(2 + 1e-9 * calls++);
      }
    }
    expect(() => torch.autograd.gradcheck((t: Tensor) => Drifting.apply(t), [leaf([2])])).toThrow(
      'Backward is not reentrant, i.e., running backward with same input and grad_output multiple times gives different values, although analytical gradient matches numerical gradient.The tolerance for nondeterminism was 0.',
    );
    expect(torch.autograd.gradcheck((t: Tensor) => Drifting.apply(t), [leaf([2])], { nondet_tol: 1e-6 })).toBe(true);
  });

  it('input errors and the float64 warning', () => {
    expect(() => torch.autograd.gradcheck((t: Tensor) => t.exp(), [f64([1, 2])])).toThrow(
      'gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.',
    );
    expect(() => torch.autograd.gradcheck((t: Tensor) => t.exp(), [f64([1]).expand(3).requires_grad_(true)])).toThrow(
      'The 0th input has a dimension with stride 0. gradcheck only supports inputs that are non-overlapping to be able to compute the numerical gradients correctly. You should call .contiguous on the input before passing it to gradcheck.',
    );
    const warned: string[] = [];
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(((msg: string) => void warned.push(msg)) as typeof process.emitWarning);
    try {
      torch.autograd.gradcheck((t: Tensor) => t.mul(2), [torch.tensor([1, 2]).requires_grad_(true)], { atol: 1e-2, eps: 1e-2 });
    } finally {
      spy.mockRestore();
    }
    expect(warned).toEqual(['Input #0 requires gradient and is not a double precision floating point or complex. This check will likely fail if all the inputs are not of double precision floating point or complex. ']);
  });

  it('a function without differentiable outputs must not depend on its inputs', () => {
    const x = leaf([3]);
    expect(torch.autograd.gradcheck((t: Tensor) => t.detach().mul(0), [x])).toBe(true);
    expect(() => torch.autograd.gradcheck((t: Tensor) => t.detach().mul(2), [x])).toThrow('Numerical gradient for function expected to be zero');
  });

  it('non-tensor inputs pass through to the function', () => {
    expect(torch.autograd.gradcheck((t: Tensor, k: number) => t.pow(k), [leaf([3], [0.5, 2]), 3])).toBe(true);
    expect(torch.autograd.gradgradcheck((t: Tensor, k: number) => t.pow(k), [leaf([3], [0.5, 2]), 3])).toBe(true);
  });

  it("options are PyTorch's keyword arguments: unknown ones and unsupported modes are errors", () => {
    const x = leaf([3]);
    const f = (t: Tensor): Tensor => t.exp();
    expect(() => torch.autograd.gradcheck(f, [x], { atoll: 1e-3 } as never)).toThrow(new TypeError("gradcheck() got an unexpected keyword argument 'atoll'"));
    expect(() => torch.autograd.gradgradcheck(f, [x], null, { eps: '1' } as never)).toThrow(new TypeError("gradgradcheck(): argument 'eps' must be float, not str"));
    expect(() => torch.autograd.gradcheck(f, [x], { check_forward_ad: true })).toThrow(/check_forward_ad=True\) is not supported/);
    // one Tensor stands for a tuple of one; fast_mode runs the full check; check_backward_ad false skips it
    expect(torch.autograd.gradcheck(f, x, { fast_mode: true })).toBe(true);
    expect(torch.autograd.gradgradcheck(f, x, { check_undefined_grad: false })).toBe(true);
    expect(torch.autograd.gradcheck((t: Tensor) => BadSquare.apply(t), [x], { check_backward_ad: false })).toBe(true);
    expect(torch.autograd.gradgradcheck((t: Tensor) => DetachedSquare.apply(t), [x], { check_rev_over_rev: false })).toBe(true);
  });

  it('second derivative of x³ is 6x', () => {
    const x = leaf([4]);
    const [g] = torch.autograd.grad(x.pow(3).sum(), [x], { create_graph: true });
    expect(g!.requires_grad).toBe(true);
    const [gg] = torch.autograd.grad(g!.sum(), [x]);
    const xd = x.detach().tolist() as number[];
    (gg!.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(6 * xd[i]!, 10));
  });
});
