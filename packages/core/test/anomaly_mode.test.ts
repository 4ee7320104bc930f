// Anomaly detection as PyTorch 2.x has it: detect_anomaly / set_detect_anomaly scoping, the NaN check on backward
// results with PyTorch's error, and the forward stack (and the node that made a node, for double backward)
// printed as a warning when a node's backward fails.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { capture_warnings } from './helpers.js';

type Ctx = torch.autograd.FunctionCtx;
const ENABLED = 'Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.';

/** Sums its first input; its backward returns NaN as the gradient of input 0 or 1. */
class NanGrad extends torch.autograd.Function {
  static forward(ctx: Ctx, a: Tensor, _b: Tensor, fail_0th: boolean): Tensor {
    (ctx as unknown as { fail_0th: boolean }).fail_0th = fail_0th;
    return a.sum(0, { keepdim: true });
  }
  static backward(ctx: Ctx, g: Tensor): (Tensor | null)[] {
    const nan = g.expand(4).mul(0).div(0);
    return (ctx as unknown as { fail_0th: boolean }).fail_0th ? [nan, null, null] : [null, nan, null];
  }
}

const messages = (fn: () => unknown): [string, string[]] => {
  const [err, seen] = capture_warnings(() => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  });
  return [err, seen.map(([m]) => m)];
};

describe('anomaly detection', () => {
  it('checks backward results for NaN only while on, naming the node and the output', () => {
    const inp = torch.rand([4], { requires_grad: true });
    NanGrad.apply(inp, inp, true).backward(); // off: no check
    const made_outside = NanGrad.apply(inp, inp, true);
    const [err0, w0] = messages(() => torch.autograd.detect_anomaly(() => made_outside.backward()));
    expect(err0).toBe("Function 'NanGradBackward' returned nan values in its 0th output.");
    expect(w0).toEqual([ENABLED, 'Error detected in NanGradBackward. No forward pass information available. Enable detect anomaly during forward pass for more information.']);

    function forward_site(): Tensor {
      return NanGrad.apply(inp, inp, false) as Tensor;
    }
    const [err1, w1] = messages(() => {
      using _a = torch.autograd.detect_anomaly();
      forward_site().backward();
    });
    expect(err1).toBe("Function 'NanGradBackward' returned nan values in its 1th output.");
    expect(w1[1]).toMatch(/^Error detected in NanGradBackward\. Traceback of forward call that caused the error:\n/);
    expect(w1[1]).toContain('forward_site');
    expect(torch.is_anomaly_enabled()).toBe(false);

    const [err2] = messages(() => torch.autograd.detect_anomaly(false, () => NanGrad.apply(inp, inp, true).backward()));
    expect(err2).toBe('no error');
  });

  it('set_detect_anomaly sets at once; guards restore the previous setting', () => {
    const [, w] = messages(() => {
      {
        using _a = torch.autograd.detect_anomaly({ check_nan: false });
        expect([torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()]).toEqual([true, false]);
        torch.autograd.set_detect_anomaly(false);
        expect(torch.is_anomaly_enabled()).toBe(false);
      }
      expect([torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()]).toEqual([false, true]);
      const g = torch.autograd.set_detect_anomaly(true);
      expect(torch.is_anomaly_enabled()).toBe(true);
      g[Symbol.dispose]();
      expect(torch.is_anomaly_enabled()).toBe(false);
    });
    expect(w).toEqual([ENABLED]); // set_detect_anomaly does not warn
  });

  it('keeps the forward stack on nodes made while on, and names the node that made a node during backward', () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    class FailsTwice extends torch.autograd.Function {
      static forward(ctx: Ctx, a: Tensor): Tensor {
        ctx.save_for_backward(a);
        return a.mul(a);
      }
      static backward(ctx: Ctx, g: Tensor): Tensor {
        const [a] = ctx.saved_tensors;
        return Boom.apply(g.mul(a!).mul(2)) as Tensor; // a node made while FailsTwiceBackward runs
      }
    }
    class Boom extends torch.autograd.Function {
      static forward(_ctx: Ctx, a: Tensor): Tensor {
        return a.clone();
      }
      static backward(): Tensor {
        throw new Error('second derivative refused');
      }
    }
    const [err, w] = messages(() => {
      using _a = torch.autograd.detect_anomaly();
      const y = FailsTwice.apply(x) as Tensor;
      expect(Object.keys(y.grad_fn!.metadata)).toEqual(['traceback_']);
      const [g] = torch.autograd.grad(y.sum(), [x], { create_graph: true });
      expect(g!.grad_fn!.name()).toBe('BoomBackward');
      expect(g!.grad_fn!.metadata['parent_']).toBe(y.grad_fn);
      g!.sum().backward();
    });
    expect(err).toBe('second derivative refused');
    expect(w[1]).toMatch(/^Error detected in BoomBackward\. Traceback of forward call that caused the error:\n/);
    expect(w[2]).toMatch(/^\n\nPrevious calculation was induced by FailsTwiceBackward\. Traceback of forward call that induced the previous calculation:\n/);
    // the stacks name the Function's apply, as Python's show the `Boom.apply(...)` line
    expect(w[1]).toContain('Boom.apply (');
    expect(w[2]).toContain('FailsTwice.apply (');
    expect(w).toHaveLength(3);
  });
});
