// Full module backward hooks: identity nodes (BackwardHookFunctionBackward) around a call's tensor inputs
// and outputs, as PyTorch's torch.utils.hooks.BackwardHook (spec §7).
import { autograd, is_grad_enabled, Tensor, type Grad, type Node } from '@tsgrad/core';

type FunctionCtx = InstanceType<typeof autograd.FunctionCtx>;

/**
 * The identity Function whose node (`BackwardHookFunctionBackward`) carries the module's full backward hooks;
 * `Module.call` applies it around a call's inputs and outputs once such a hook is registered.
 *
 * @example
 * const [a, b] = nn.BackwardHookFunction.apply(x, y) as Tensor[];
 * a.grad_fn?.name(); // 'BackwardHookFunctionBackward'
 */
export class BackwardHookFunction extends autograd.Function {
  /** Keeps the node name when a minifier renames the class (full backward hooks find their nodes by it). */
  static override readonly __name__: string = 'BackwardHookFunction';
  /** Returns its tensor arguments unchanged (those not requiring grad marked non-differentiable). */
  static override forward(ctx: FunctionCtx, ...args: Tensor[]): Tensor[] {
    ctx.mark_non_differentiable(...args.filter((a) => !a.requires_grad));
    return args;
  }
  /** Passes the gradients through unchanged (the module's hooks act on this node). */
  static override backward(_ctx: FunctionCtx, ...grads: Grad[]): Grad[] {
    return grads;
  }
}

/** A hook of `register_full_backward_hook`: sees `grad_input` and `grad_output`, may return replacement `grad_input`. */
export type FullBackwardHookFn = (module: unknown, grad_input: Grad[], grad_output: Grad[]) => Grad[] | void | undefined | null;
/** A hook of `register_full_backward_pre_hook`: sees `grad_output` before the module's gradients are computed, may return a replacement. */
export type FullBackwardPreHookFn = (module: unknown, grad_output: Grad[]) => Grad[] | void | undefined | null;

/** One module call's backward-hook state: wraps inputs and outputs and fires the user hooks. */
export class BackwardHook {
  private grad_outputs: Grad[] | null = null;
  private n_outputs = -1;
  private output_tensors_index: number[] | null = null;
  private n_inputs = -1;
  private input_tensors_index: number[] | null = null;

  constructor(
    private readonly module: unknown,
    private readonly user_hooks: FullBackwardHookFn[],
    private readonly user_pre_hooks: FullBackwardPreHookFn[],
  ) {}

  private pack_with_none(indices: number[], values: Grad[], size: number): Grad[] {
    const res: Grad[] = new Array<Grad>(size).fill(null);
    indices.forEach((idx, i) => (res[idx] = values[i] ?? null));
    return res;
  }

  private unpack_none(indices: number[], values: Grad[]): Grad[] {
    return indices.map((i) => values[i] ?? null);
  }

  /** Wraps the tensors of `args` through one identity node; returns the new args and the tensor positions. */
  private apply_on_tensors(fn: (grad_fn: Node) => void, args: unknown[]): [unknown[], number[] | null] {
    const idx: number[] = [];
    const tensors: Tensor[] = [];
    let requires_grad = false;
    args.forEach((a, i) => {
      if (a instanceof Tensor) {
        idx.push(i);
        tensors.push(a);
        requires_grad ||= a.requires_grad;
      }
    });
    if (!(requires_grad && is_grad_enabled())) return [args, null];
    const wrapped = BackwardHookFunction.apply(...tensors) as Tensor[];
    if (wrapped.length === 0) throw new Error('Cannot set Module backward hook for a Module with no input Tensors.');
    const grad_fns = wrapped.map((t) => t.grad_fn).filter((g): g is Node => g !== null && g.name() === 'BackwardHookFunctionBackward');
    if (grad_fns.length === 0) throw new Error('Error while setting up backward hooks. Please open an issue with a code sample to reproduce this.');
    fn(grad_fns[0]!);
    const out = [...args];
    idx.forEach((pos, i) => (out[pos] = wrapped[i]));
    return [out, idx];
  }

  /** Wraps the call's positional tensor args; the input-side node runs the user hooks (grad_input known). */
  setup_input_hook(args: unknown[]): unknown[] {
    const [res, idx] = this.apply_on_tensors((grad_fn) => {
      // named `hook` as in PyTorch, whose return checks print that name ("hook 'hook' has changed the size of value")
      const hook = (grad_input: Grad[]): Grad[] | undefined => {
        if (this.grad_outputs === null) return undefined; // the gradient reached the input without passing the output
        let res_grads = this.pack_with_none(this.input_tensors_index!, grad_input, this.n_inputs);
        for (const hook of this.user_hooks) {
          let out = hook(this.module, res_grads, this.grad_outputs) as Grad[] | Tensor | null | undefined;
          if (out === undefined || out === null) continue;
          // Python reads a returned tensor as the sequence of its rows (len() and indexing); so does tsgrad
          if (out instanceof Tensor) out = out.ndim === 0 ? (() => { throw new TypeError('len() of a 0-d tensor'); })() : out.unbind(0);
          if (out.length !== res_grads.length) {
            throw new Error(`Backward hook returned an invalid number of grad_input, got ${out.length}, but expected ${res_grads.length}`);
          }
          res_grads = out;
        }
        this.grad_outputs = null;
        return this.unpack_none(this.input_tensors_index!, res_grads);
      };
      grad_fn.register_hook(hook);
    }, args);
    this.n_inputs = args.length;
    this.input_tensors_index = idx;
    return res;
  }

  /** Wraps the module's output(s); the output-side node records grad_output and runs pre-hooks. */
  setup_output_hook(result: unknown): unknown {
    const is_tuple = Array.isArray(result);
    const args = is_tuple ? (result as unknown[]) : [result];
    const [res, idx] = this.apply_on_tensors((grad_fn) => {
      const hook = (_grad_inputs: Grad[], grad_output: Grad[]): Grad[] => {
        this.grad_outputs = this.pack_with_none(this.output_tensors_index!, grad_output, this.n_outputs);
        if (this.user_pre_hooks.length > 0) {
          const expected = this.grad_outputs.length;
          for (const pre of this.user_pre_hooks) {
            const r = pre(this.module, this.grad_outputs);
            if (r === undefined || r === null) continue;
            if (r.length !== expected) throw new Error(`Backward pre hook returned an invalid number of grad_output, got ${r.length}, but expected ${expected}`);
            this.grad_outputs = r;
          }
        }
        // returned below even when cleared: a pre-hook's replacement must reach the module's internals
        const local_grad_outputs = this.grad_outputs;
        // no input requires grad: the hook fires right away with grad_input all null (spec §7)
        if (this.input_tensors_index === null) {
          const grad_inputs = this.pack_with_none([], [], this.n_inputs);
          for (const hook of this.user_hooks) {
            const r = hook(this.module, grad_inputs, this.grad_outputs!);
            if (r !== undefined && r !== null && !(Array.isArray(r) && r.every((g) => g === null || g === undefined))) {
              throw new Error('Backward hook for Modules where no input requires gradient should always return None or None for all gradients.');
            }
          }
          this.grad_outputs = null;
        }
        return this.output_tensors_index!.map((i) => local_grad_outputs[i] ?? null);
      };
      grad_fn.register_hook(hook);
    }, args);
    this.n_outputs = args.length;
    this.output_tensors_index = idx;
    return is_tuple ? res : res[0];
  }
}
