// torch.autograd.graph.register_multi_grad_hook: one hook over the gradients of several tensors, called once
// per backward pass when all of them that the pass computes are ready ("all") or at the first one ("any").
import type { RemovableHandle } from '@tsgrad/hooks';
import type { Tensor } from '../tensor.js';
import { current_pass_id, will_engine_execute_node } from './engine.js';
import type { Grad, Node } from './node.js';

/**
 * Removes every per-tensor hook of a multi-grad hook at once (PyTorch's `Handle`).
 *
 * @example
 * const h = torch.autograd.graph.register_multi_grad_hook([a, b], (grads) => undefined);
 * h.remove();
 */
export class MultiGradHookHandle {
  /** A handle over the per-tensor hooks `register_multi_grad_hook` registered. */
  constructor(private readonly handles: readonly RemovableHandle[]) {}
  /** Removes the hook from every tensor; idempotent. */
  remove(): void {
    for (const h of this.handles) h.remove();
  }
  /** `remove()`, for `using h = register_multi_grad_hook(...)`. */
  [Symbol.dispose](): void {
    this.remove();
  }
}

/** The node whose tensor hooks fire for `t`: its grad_fn, or its leaf's AccumulateGrad. */
const hook_node = (t: Tensor): Node => t.grad_fn ?? t._accumulator();

/**
 * Registers `fn` over the gradients of `tensors`. Mode `'all'` (default): once per backward pass, with one entry
 * per tensor (null for those the pass does not compute), after the last of them is computed. Mode `'any'`: once
 * per pass, with the first gradient computed among them.
 *
 * @example
 * torch.autograd.graph.register_multi_grad_hook([a, b], (grads) => console.log(grads.map((g) => g !== null)));
 */
export function register_multi_grad_hook(tensors: readonly Tensor[], fn: (grads: Grad[]) => void, options?: { mode?: 'all' }): MultiGradHookHandle;
export function register_multi_grad_hook(tensors: readonly Tensor[], fn: (grad: Tensor) => void, options: { mode: 'any' }): MultiGradHookHandle;
export function register_multi_grad_hook(tensors: readonly Tensor[], fn: ((grads: Grad[]) => void) | ((grad: Tensor) => void), options: { mode?: string } = {}): MultiGradHookHandle {
  const mode = options.mode ?? 'all';
  if (mode !== 'all' && mode !== 'any') throw new Error(`Expects mode to be one of ('all', 'any') but got ${mode}`);
  if (mode === 'any') {
    const ran = new Set<number>();
    return new MultiGradHookHandle(
      tensors
        .filter((t) => t.requires_grad)
        .map((t) =>
          t.register_hook((g) => {
            const id = current_pass_id();
            if (ran.has(id)) return;
            ran.add(id);
            (fn as (grad: Tensor) => void)(g);
          }),
        ),
    );
  }
  const nodes = tensors.map(hook_node);
  const state = new Map<number, { count: number; expected: number; buffer: Grad[] }>();
  const handles = tensors.map((t, idx) =>
    t.register_hook((g: Tensor | null) => {
      const id = current_pass_id();
      let s = state.get(id);
      if (s === undefined) {
        s = { count: 0, expected: nodes.filter(will_engine_execute_node).length, buffer: tensors.map(() => null) };
        state.set(id, s);
      }
      s.buffer[idx] = g;
      if (++s.count === s.expected) {
        state.delete(id);
        (fn as (grads: Grad[]) => void)(s.buffer);
      }
    }),
  );
  return new MultiGradHookHandle(handles);
}
