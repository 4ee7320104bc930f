// Grad mode and inference mode as PyTorch 2.x has them: scoped blocks (callback, `using`), function wrappers
// (PyTorch's decorators), the mode restored on exceptions, and inference tensors' rules and errors.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { error_message } from './helpers.js';

const leaf = (): Tensor => torch.ones([2, 3], { requires_grad: true });
const errors = error_message;

describe('grad mode blocks', () => {
  it('restores the mode when the block throws, for every spelling', () => {
    const boom = (): never => {
      throw new Error('boom');
    };
    expect(() => torch.no_grad(boom)).toThrow('boom');
    expect(torch.is_grad_enabled()).toBe(true);
    expect(() => {
      using _g = torch.no_grad();
      boom();
    }).toThrow('boom');
    expect(torch.is_grad_enabled()).toBe(true);
    expect(() => torch.no_grad()(boom)()).toThrow('boom');
    expect(() => torch.inference_mode(boom)).toThrow('boom');
    expect([torch.is_grad_enabled(), torch.is_inference_mode_enabled()]).toEqual([true, false]);
  });

  it('set_grad_enabled sets the mode at once; the enclosing block restores it', () => {
    const x = leaf();
    {
      using _g = torch.set_grad_enabled(false);
      expect(x.mul(2).requires_grad).toBe(false);
      torch.set_grad_enabled(true); // a plain call, never disposed, as PyTorch's statement form
      expect(x.mul(2).requires_grad).toBe(true);
    }
    expect(torch.is_grad_enabled()).toBe(true);
    torch.no_grad(() => {
      torch.set_grad_enabled(true);
      expect(torch.is_grad_enabled()).toBe(true);
    });
    expect(torch.is_grad_enabled()).toBe(true);
    expect(errors(() => torch.set_grad_enabled(1 as unknown as boolean))).toBe('enabled must be a bool (got int)');
    expect(torch.is_grad_enabled()).toBe(true);
  });

  it('a guard called on a function restores the mode and returns a wrapper that runs in it', () => {
    const x = leaf();
    const double_no_grad = torch.no_grad()((t: Tensor) => t.mul(2));
    expect(torch.is_grad_enabled()).toBe(true);
    expect(double_no_grad(x).requires_grad).toBe(false);
    expect(torch.is_grad_enabled()).toBe(true);
    const double_grad = torch.enable_grad()((t: Tensor) => t.mul(2));
    expect(torch.no_grad(() => double_grad(x)).requires_grad).toBe(true);
    const double_off = torch.set_grad_enabled(false)((t: Tensor) => t.mul(2));
    expect(torch.is_grad_enabled()).toBe(true);
    expect(double_off(x).requires_grad).toBe(false);
    const double_inf = torch.inference_mode()((t: Tensor) => t.mul(2));
    expect(torch.is_inference_mode_enabled()).toBe(false);
    expect(double_inf(x).is_inference()).toBe(true);
    // nested: the wrapper inside a block, the block's mode back afterwards
    torch.no_grad(() => {
      expect(double_grad(x).requires_grad).toBe(true);
      expect(torch.is_grad_enabled()).toBe(false);
    });
  });

  it('wrapped methods keep `this`; a generator function runs every resumption in the mode', () => {
    const obj = {
      k: 3,
      scale: torch.no_grad()(function (this: { k: number }, t: Tensor) {
        return [t.mul(this.k), torch.is_grad_enabled()] as const;
      }),
    };
    const [y, mode] = obj.scale(leaf());
    expect([y.requires_grad, mode, y.sum().item()]).toEqual([false, false, 18]);

    const gen = torch.no_grad()(function* (n: number) {
      for (let i = 0; i < n; i++) {
        const got: unknown = yield torch.is_grad_enabled();
        if (got === 'stop') return 'stopped';
      }
      return 'done';
    });
    const it = gen(3);
    const seen: unknown[] = [];
    seen.push(it.next().value, torch.is_grad_enabled(), it.next().value, it.next('stop'));
    expect(seen).toEqual([false, true, false, { value: 'stopped', done: true }]);
    expect([...gen(2)]).toEqual([false, false]);

    // throw() is handled inside in the mode; return() closes the wrapped generator, its cleanup in the mode too
    const seen2: unknown[] = [];
    const coro = torch.enable_grad()(function* () {
      try {
        for (let i = 0; ; i++) {
          try {
            yield i;
          } catch {
            seen2.push(['caught', torch.is_grad_enabled()]);
          }
        }
      } finally {
        seen2.push(['closed', torch.is_grad_enabled()]);
      }
    });
    torch.no_grad(() => {
      const c = coro();
      seen2.push(c.next().value);
      seen2.push(c.throw(new Error('recoverable')).value);
      seen2.push(torch.is_grad_enabled());
      c.return(undefined);
    });
    expect(seen2).toEqual([0, ['caught', true], 1, false, ['closed', true]]);
  });

  it('applies as a decorator to class methods, with and without parentheses', () => {
    // what `@torch.no_grad()` and `@torch.no_grad` do to a method (TypeScript's decorator call)
    const context = { kind: 'method', name: 'forward' };
    const method = function (t: Tensor): Tensor {
      return t.mul(2);
    };
    const with_parens = torch.no_grad()(method, context);
    const without = (torch.no_grad as unknown as (f: typeof method, c: unknown) => typeof method)(method, context);
    const inf = (torch.inference_mode as unknown as (f: typeof method, c: unknown) => typeof method)(method, context);
    expect(torch.is_grad_enabled()).toBe(true);
    expect([with_parens(leaf()).requires_grad, without(leaf()).requires_grad, inf(leaf()).is_inference()]).toEqual([false, false, true]);
  });
});

describe('inference mode', () => {
  it('turns recording off even under enable_grad, and inference_mode(false) turns it back on', () => {
    const x = leaf();
    const seen = torch.inference_mode(() => {
      const inner = torch.enable_grad(() => x.mul(2));
      const normal = torch.inference_mode(false, () => [torch.is_grad_enabled(), torch.is_inference_mode_enabled(), torch.ones(1).is_inference()]);
      return [torch.is_grad_enabled(), torch.is_inference_mode_enabled(), inner.requires_grad, inner.is_inference(), ...normal];
    });
    expect(seen).toEqual([false, true, false, true, true, false, false]);
    // inference_mode(false) switches grad mode on, even inside no_grad (PyTorch's InferenceMode(false) guard)
    expect(torch.no_grad(() => torch.inference_mode(false, () => torch.is_grad_enabled()))).toBe(true);
    torch.no_grad(() => {
      {
        using _i = torch.inference_mode({ mode: false });
        expect(torch.is_grad_enabled()).toBe(true);
      }
      expect(torch.is_grad_enabled()).toBe(false);
    });
  });

  it('makes inference tensors: no version counter, views are inference tensors and no views', () => {
    const c = torch.inference_mode(() => torch.ones([1, 2, 3], { requires_grad: true }));
    expect([c.is_inference(), torch.is_inference(c), c.requires_grad, c.is_leaf]).toEqual([true, true, true, true]);
    expect(errors(() => c._version)).toBe('Inference tensors do not track version counter.');
    for (const v of [torch.inference_mode(() => c.view(-1)), c.view(-1)]) {
      expect([v.is_inference(), v.requires_grad, v._is_view(), v.is_leaf]).toEqual([true, false, false, true]);
    }
    const f = torch.inference_mode(() => c.mul(2));
    expect([f.is_inference(), f.requires_grad, f.grad_fn]).toEqual([true, false, null]);
    expect([c.detach().is_inference(), c.data.is_inference(), torch.ones(1).is_inference()]).toEqual([true, true, false]);
    expect(errors(() => torch.is_inference(3 as unknown as Tensor))).toBe("is_inference(): argument 'input' (position 1) must be Tensor, not int");
  });

  it('outside inference mode: functional ops give normal tensors, changes in place and requires_grad are refused', () => {
    const t = torch.inference_mode(() => torch.ones([2]));
    const s = torch.ones([2], { requires_grad: true });
    const out = t.add(s);
    expect([out.is_inference(), out.requires_grad, out.grad_fn?.name()]).toEqual([false, true, 'AddBackward0']);
    const before = t.tolist();
    expect(errors(() => t.add_(1))).toBe(
      'Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.',
    );
    expect(errors(() => torch.no_grad(() => t.mul_(2)))).toContain('Inplace update to inference tensor outside InferenceMode');
    expect(t.tolist()).toEqual(before);
    expect(errors(() => t.requires_grad_())).toBe('Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.');
    expect(errors(() => t.view(2).requires_grad_())).toBe('Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.');
    expect(t.requires_grad).toBe(false);
    expect(torch.inference_mode(() => t.requires_grad_().requires_grad)).toBe(true);
    // a leaf that requires grad: the leaf error comes first, as PyTorch checks autograd before the inference rule
    const c = torch.inference_mode(() => torch.ones([2], { requires_grad: true }));
    expect(errors(() => c.add_(1))).toBe('a leaf Variable that requires grad is being used in an in-place operation.');
    // in place inside inference mode is fine
    torch.inference_mode(() => t.add_(1));
    expect(t.tolist()).toEqual([2, 2]);
  });

  it('inference tensors are never saved for backward; ops that save nothing accept them', () => {
    const t = torch.inference_mode(() => torch.ones([2]));
    const s = torch.tensor([1, 2], { requires_grad: true });
    const saved = 'Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.';
    expect(errors(() => t.mul(s))).toBe(saved);
    const a = s.clone();
    const before = a.tolist();
    expect(errors(() => a.mul_(t))).toBe(saved);
    expect([a.tolist(), a._version, a.grad_fn?.name()]).toEqual([before, 0, 'CloneBackward0']);
    const q = torch.inference_mode(() => torch.ones([3], { requires_grad: true }));
    const y = q.mul(2);
    expect([y.is_inference(), y.grad_fn?.name()]).toEqual([false, 'MulBackward0']);
    y.sum().backward();
    expect(q.grad!.tolist()).toEqual([2, 2, 2]);
  });

  it('normal tensors inside inference mode: in place is counted but not recorded, views may not change later', () => {
    const s = torch.ones([2, 2], { requires_grad: true });
    const a = s.clone();
    const saved = a.mul(a); // saves a at version 0
    const view = torch.inference_mode(() => {
      const v = a.view(-1);
      expect([v.is_inference(), v._is_view(), v.requires_grad, v.grad_fn]).toEqual([false, true, true, null]);
      a.add_(2);
      expect([a.is_inference(), a.requires_grad, a.grad_fn?.name(), a._version]).toEqual([false, true, 'CloneBackward0', 1]);
      v.add_(1); // both made and changed inside: allowed
      const r = a.mul(2);
      expect([r.is_inference(), r.requires_grad]).toEqual([true, false]);
      return v;
    });
    expect(errors(() => saved.sum().backward())).toContain('one of the variables needed for gradient computation has been modified by an inplace operation');
    expect(errors(() => view.add_(1))).toBe(
      "A view was created in inference mode and is being modified inplace in normal mode. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the inference_mode block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).",
    );
    expect(a.add_(1).grad_fn?.name()).toBe('AddBackward0');
  });
});
