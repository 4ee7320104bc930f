// Custom autograd functions: subclass Function with static forward/backward, call with `.apply(...)`.
import { Tensor } from '../tensor.js';
import { no_grad } from './grad_mode.js';
import { gradient_edge, Node, type Grad } from './node.js';
import { should_record } from '../tensor.js';
import { zeros } from '../ops/creation.js';

const VIEW_ERROR = (i: number, name: string): string =>
  `Output ${i} of ${name} is a view and is being modified inplace. This view was created inside a custom Function (or because an input was returned as-is) and the autograd logic to handle view+inplace would override the custom backward associated with the custom Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the output of the custom Function.`;

/**
 * The `ctx` of a custom Function: save tensors for backward, mark outputs non-differentiable, stash values.
 */
export class FunctionCtx {
  /** Which forward arguments need a gradient (false for non-tensors). */
  needs_input_grad: boolean[] = [];
  _to_save: Tensor[] = [];
  _non_differentiable = new Set<Tensor>();
  _materialize_grads = true;
  _node: Node | null = null;
  [key: string]: unknown;

  save_for_backward(...tensors: Tensor[]): void {
    this._to_save = tensors;
  }
  /** The saved tensors (throws PyTorch's E2 after they were freed). */
  get saved_tensors(): Tensor[] {
    return this._node === null ? this._to_save : this._node.saved_tensors();
  }
  mark_non_differentiable(...tensors: Tensor[]): void {
    for (const t of tensors) this._non_differentiable.add(t);
  }
  set_materialize_grads(value: boolean): void {
    this._materialize_grads = value;
  }
}

type FunctionClass = {
  readonly name: string;
  readonly __name__?: string;
  forward(ctx: FunctionCtx, ...args: never[]): Tensor | Tensor[];
  backward(ctx: FunctionCtx, ...grads: never[]): Grad | Grad[] | unknown;
};

/**
 * The class name of a custom Function as PyTorch prints it: its own static `__name__` when it declares one
 * (which a minifier cannot rename), else the JS class name.
 */
function function_class_name(cls: FunctionClass): string {
  return Object.hasOwn(cls, '__name__') ? cls.__name__! : cls.name;
}

/**
 * Base class of custom differentiable functions; the node is named `<ClassName>Backward`. Production bundlers
 * rename classes: declare `static override readonly __name__ = 'Exp'` to keep the node name `ExpBackward` there.
 *
 * @example
 * class Exp extends torch.autograd.Function {
 *   static forward(ctx: FunctionCtx, x: Tensor) { const y = x.exp(); ctx.save_for_backward(y); return y; }
 *   static backward(ctx: FunctionCtx, g: Tensor) { const [y] = ctx.saved_tensors; return g.mul(y!); }
 * }
 * const y = Exp.apply(x);
 */
export class Function {
  /** The name PyTorch would print for this class; subclasses set their own to survive minification. */
  static readonly __name__: string = 'Function';
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): Tensor | Tensor[] {
    throw new Error('You must implement the forward function for custom autograd.Function.');
  }
  static backward(_ctx: FunctionCtx, ..._grads: unknown[]): unknown {
    throw new Error('You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.');
  }

  static apply<T extends FunctionClass>(this: T, ...args: Parameters<T['forward']> extends [FunctionCtx, ...infer A] ? A : never): ReturnType<T['forward']> {
    const cls = this as unknown as FunctionClass;
    const ctx = new FunctionCtx();
    const tensor_args = (args as unknown[]).map((a) => (a instanceof Tensor ? a : null));
    ctx.needs_input_grad = tensor_args.map((t) => t !== null && t.requires_grad);
    const raw = no_grad(() => (cls.forward as (c: FunctionCtx, ...a: unknown[]) => Tensor | Tensor[])(ctx, ...(args as unknown[])));
    const is_tuple = Array.isArray(raw);
    const raw_list: unknown[] = is_tuple ? raw : [raw];
    // an input returned as-is becomes an alias (a view) of it, as PyTorch does
    const outputs = raw_list.map((o) => (o instanceof Tensor && tensor_args.includes(o) ? o.detach() : o));
    const differentiable = raw_list.map((o) => o instanceof Tensor && !ctx._non_differentiable.has(o));
    const name = `${function_class_name(cls)}Backward`;
    const inputs = tensor_args.filter((t): t is Tensor => t !== null);
    if (should_record(inputs)) {
      const tensor_outputs = outputs.map((o, i) => (o instanceof Tensor ? i : -1)).filter((i) => i >= 0);
      const out_meta = tensor_outputs.map((i) => ({ shape: (outputs[i] as Tensor).shape, dtype: (outputs[i] as Tensor).dtype }));
      const arg_positions = tensor_args.map((t, i) => (t === null ? -1 : i)).filter((i) => i >= 0);
      const node = new Node(
        name,
        inputs.map(gradient_edge),
        inputs.map((t) => (t.requires_grad ? { shape: t.shape, dtype: t.dtype } : null)),
        out_meta,
        (_n, grads) => {
          const gs = ctx._materialize_grads ? grads.map((g, i) => g ?? zeros(out_meta[i]!.shape, { dtype: out_meta[i]!.dtype })) : grads;
          const r = (cls.backward as (c: FunctionCtx, ...g: Grad[]) => unknown)(ctx, ...gs);
          const list = (Array.isArray(r) ? r : [r]) as (Grad | undefined)[];
          if (list.length !== args.length) {
            throw new Error(`function ${name} returned an incorrect number of gradients (expected ${args.length}, got ${list.length})`);
          }
          return arg_positions.map((p) => list[p] ?? null);
        },
      );
      ctx._node = node;
      tensor_outputs.forEach((pos, nr) => {
        if (!differentiable[pos]) return;
        const o = outputs[pos] as Tensor;
        o.grad_fn = node;
        o.output_nr = nr;
        o._requires_grad = true;
        if (tensor_args.some((t) => t !== null && t._storage === o._storage)) o._inplace_view_error = VIEW_ERROR(nr, name);
      });
      if (ctx._to_save.length > 0) node.save_for_backward(...ctx._to_save);
    }
    return (is_tuple ? outputs : outputs[0]) as ReturnType<T['forward']>;
  }
}
