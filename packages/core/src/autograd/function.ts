// Custom autograd functions: subclass Function with static forward/backward (optionally setup_context), call
// with `.apply(...)`; the ctx saves tensors, marks dirty and non-differentiable outputs, as PyTorch's.
import { Tensor } from '../tensor.js';
import { is_floating } from '../dtype.js';
import { is_recording, no_grad } from './grad_mode.js';
import { gradient_edge, Node, type Grad, type InputMeta } from './node.js';
import { zeros } from '../ops/creation.js';
import { as_view, geometry } from '../ops/view.js';
import { py_type_name } from '../signature.js';
import { CreationMeta } from './creation_meta.js';
import { handle_view_on_rebase, rebase_history } from './view_inplace.js';
import { LEAF_VIEW_INPLACE, warn } from './messages.js';

const LEAF_MARKED_DIRTY = 'a leaf Variable that requires grad has been used in an in-place operation.';
const DIRTY_NOT_RETURNED =
  'Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.';
const DIRTY_NOT_INPUT =
  'ctx.mark_dirty() received a tensor that was not an input. Only input Tensors that have been mutated should be passed to ctx.mark_dirty().';
const DIRTY_VIEW_MULTIPLE_OUTPUTS =
  'If your Function modifies inplace an input that is a view of another Tensor, your Function cannot return more than one Tensor. This is not supported by the current autograd engine. You should either make sure the input is not a view (using .clone() for example) or make your Function only return one Tensor (potentially splitting it into two Functions: one doing the inplace that returns a single Tensor and a second one that does the other operations). You can ask on the forum https://discuss.pytorch.org/ if you need help to do this change.';
const BOTH_BACKWARD_AND_VJP = "Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You should only implement one of them.";

/**
 * The `ctx` of a custom Function (PyTorch's `torch.autograd.function.FunctionCtx`): save tensors for backward,
 * mark inputs changed in place and outputs that are not differentiable, choose whether absent gradients become
 * zeros, and stash any other value as a property.
 *
 * @example
 * class Scale extends torch.autograd.Function {
 *   static forward(ctx: FunctionCtx, x: Tensor, k: number) { ctx.k = k; return x.mul(k); }
 *   static backward(ctx: FunctionCtx, g: Tensor) { return [g.mul(ctx.k as number), null]; }
 * }
 */
export class FunctionCtx {
  /** Per forward argument: whether it is a Tensor that needs a gradient. */
  needs_input_grad: boolean[] = [];
  /** What `save_for_backward` was given, until the node takes it over. */
  _to_save: (Tensor | null)[] = [];
  /** Inputs `mark_dirty` named (changed in place by forward). */
  _dirty = new Set<Tensor>();
  /** Outputs `mark_non_differentiable` named. */
  _non_differentiable = new Set<Tensor>();
  /** Whether absent output gradients reach backward as zeros (true) or nulls (`set_materialize_grads(false)`). */
  _materialize_grads = true;
  /** PyTorch's `ctx._materialize_non_diff_grads`: false gives backward null (not zeros) for non-differentiable outputs. */
  _materialize_non_diff_grads = true;
  /** The graph node of this call, once forward returned and a node was recorded. */
  _node: Node | null = null;
  [key: string]: unknown;

  /**
   * Saves tensors (or nulls) for backward, where `ctx.saved_tensors` gives them back, checked against in-place
   * changes since.
   *
   * @example
   * ctx.save_for_backward(x, null, y);
   */
  save_for_backward(...tensors: (Tensor | null | undefined)[]): void {
    tensors.forEach((t, i) => {
      if (t !== null && t !== undefined && !(t instanceof Tensor)) {
        throw new TypeError(`save_for_backward can only save variables, but argument ${i} is of type ${py_type_name(t)}`);
      }
    });
    this._to_save = tensors.map((t) => t ?? null);
  }
  /** The saved tensors, nulls where null was saved (throws PyTorch's "Trying to backward through
   * the graph a second time" after they were freed, and its in-place modification error if one changed). */
  get saved_tensors(): (Tensor | null)[] {
    return this._node === null ? this._to_save : this._node.saved_tensors;
  }
  /** Declares inputs that forward changed in place (they must be returned). */
  mark_dirty(...tensors: Tensor[]): void {
    for (const t of tensors) this._dirty.add(t);
  }
  /** Declares outputs that get no gradient (backward still receives one, zeros unless materialization is off). */
  mark_non_differentiable(...tensors: Tensor[]): void {
    for (const t of tensors) this._non_differentiable.add(t);
  }
  /** Whether backward sees zeros (true, the default) or null for outputs that got no gradient. */
  set_materialize_grads(value: boolean): void {
    this._materialize_grads = value;
  }
}

type FunctionClass = {
  readonly name: string;
  readonly __name__?: string;
  forward(...args: never[]): unknown;
  backward(ctx: FunctionCtx, ...grads: never[]): unknown;
  vjp?(ctx: FunctionCtx, ...grads: never[]): unknown;
  setup_context?(ctx: FunctionCtx, inputs: unknown[], output: unknown): void;
};

/** `forward(ctx, ...args)` is applied to `args`; a forward without ctx (setup_context style) to all its parameters. */
type ApplyArgs<T extends FunctionClass> = Parameters<T['forward']> extends [FunctionCtx, ...infer A] ? A : Parameters<T['forward']>;

/** Calls `fn` (a backward) under no_grad; with create_graph its results refuse a second differentiation. */
const ONCE_MESSAGE = 'trying to differentiate twice a function that was marked with @once_differentiable';

/**
 * Marks a backward as differentiable only once (PyTorch's `@once_differentiable`): it runs in no_grad mode, and
 * when the graph of the gradient is being built its results hang off a `torch::autograd::Error` node (over
 * detached leaf copies of them, as PyTorch's) that raises on a second backward.
 *
 * @example
 * static backward = torch.autograd.once_differentiable((ctx: FunctionCtx, g: Tensor) => g.mul(2));
 */
export function once_differentiable<A extends unknown[], R>(fn: (ctx: FunctionCtx, ...grads: A) => R): (ctx: FunctionCtx, ...grads: A) => R {
  return function (this: unknown, ctx: FunctionCtx, ...grads: A): R {
    const outputs = no_grad(() => fn.call(this, ctx, ...grads));
    if (!is_recording()) return outputs;
    const requires = grads.some((g) => g instanceof Tensor && g.requires_grad);
    if (!requires) return outputs;
    const list: unknown[] = Array.isArray(outputs) ? outputs : [outputs];
    const leaves = list.map((o) => (o instanceof Tensor ? o.detach().requires_grad_(true) : null));
    const meta = leaves.map((t) => (t === null ? null : { shape: t._shape, dtype: t._dtype }));
    const error = new Node('torch::autograd::Error', leaves.map((t) => (t === null ? [null, 0] : gradient_edge(t))), meta, meta.map((m) => m ?? { shape: [], dtype: 'float32' }), () => {
      throw new Error(ONCE_MESSAGE);
    });
    const wrapped = list.map((o, i) => {
      const leaf = leaves[i];
      if (leaf === null || leaf === undefined) return o;
      const out = leaf.detach();
      out.grad_fn = error;
      out.output_nr = i;
      out._requires_grad = true;
      return out;
    });
    return (Array.isArray(outputs) ? wrapped : wrapped[0]) as R;
  };
}

/** Normalises what backward returned to one gradient per forward argument (PyTorch's checks and wording). */
function gradients_of(name: string, returned: unknown, is_tensor_arg: readonly boolean[]): Grad[] {
  const list = (Array.isArray(returned) ? returned : [returned]) as unknown[];
  const n = is_tensor_arg.length;
  if (list.length > n && list.slice(n).every((g) => g === null || g === undefined)) list.length = n;
  if (list.length !== n) throw new Error(`function ${name} returned an incorrect number of gradients (expected ${n}, got ${list.length})`);
  return list.map((g, i) => {
    if (g === null || g === undefined) return null;
    if (!(g instanceof Tensor)) throw new TypeError(`expected Variable or None (got ${py_type_name(g)})`);
    if (!is_tensor_arg[i]) throw new Error(`function ${name} returned a gradient different than None at position ${i + 1}, but the corresponding forward input was not a Variable`);
    return g;
  });
}

/**
 * The class name of a custom Function as PyTorch prints it: its own static `__name__` when it declares one
 * (which a minifier cannot rename), else the JS class name.
 */
function function_class_name(cls: FunctionClass): string {
  return Object.hasOwn(cls, '__name__') ? cls.__name__! : cls.name;
}

/** The user's backward: `backward` or its alias `vjp`, never both (PyTorch's BackwardCFunction.apply). */
function backward_of(cls: FunctionClass): (ctx: FunctionCtx, ...grads: Grad[]) => unknown {
  const has_vjp = cls.vjp !== undefined && cls.vjp !== Function.vjp;
  if (has_vjp && cls.backward !== Function.backward) throw new Error(BOTH_BACKWARD_AND_VJP);
  return (has_vjp ? cls.vjp! : cls.backward) as (ctx: FunctionCtx, ...grads: Grad[]) => unknown;
}

/** PyTorch's check_inplace for a view the forward changed in place (marked dirty): may its history be rewritten? */
function check_dirty_view(view: Tensor): void {
  handle_view_on_rebase(view, false);
  if (view._base!.is_leaf && view.requires_grad) throw new Error(LEAF_VIEW_INPLACE);
}

/** An input returned as-is comes back as a view of itself made in no_grad mode (PyTorch's view_as(self)). */
const view_as_self = (t: Tensor): Tensor => no_grad(() => as_view(t, geometry(t)));

/**
 * One call of `cls`: forward in no_grad mode, then each output wired to a `<Name>Backward` node by PyTorch's
 * rules (_process_backward_mode_ad): inputs returned as-is come back as views, inputs marked dirty are rebased
 * onto the node, non-differentiable outputs are detached, and views may not be changed in place later.
 */
function apply_function(cls: FunctionClass, args: unknown[]): unknown {
  const ctx = new FunctionCtx();
  const is_tensor_arg = args.map((a) => a instanceof Tensor);
  const inputs = args.filter((a): a is Tensor => a instanceof Tensor);
  const recording = is_recording() && inputs.some((t) => t.requires_grad);
  ctx.needs_input_grad = args.map((a) => recording && a instanceof Tensor && a.requires_grad);
  const uses_setup = cls.setup_context !== Function.setup_context && typeof cls.setup_context === 'function';
  const raw = no_grad(() => {
    if (!uses_setup) return (cls.forward as (c: FunctionCtx, ...a: unknown[]) => unknown)(ctx, ...args);
    const output = (cls.forward as (...a: unknown[]) => unknown)(...args);
    cls.setup_context!(ctx, args, output);
    return output;
  });
  const is_tuple = Array.isArray(raw);
  const raw_list: unknown[] = is_tuple ? raw : [raw];
  for (const d of ctx._dirty) if (!raw_list.includes(d)) throw new Error(DIRTY_NOT_RETURNED);
  const name = `${function_class_name(cls)}Backward`;
  const differentiable = raw_list.map((o) => recording && o instanceof Tensor && !ctx._non_differentiable.has(o) && is_floating(o._dtype));
  const out_meta: InputMeta[] = raw_list.map((o) => (o instanceof Tensor ? { shape: o._shape, dtype: o._dtype } : { shape: [], dtype: 'float32' }));
  let node: Node | null = null;
  if (recording) {
    const is_tensor_out = raw_list.map((o) => o instanceof Tensor);
    node = new Node(
      name,
      inputs.map(gradient_edge),
      inputs.map((t) => (t.requires_grad ? { shape: t._shape, dtype: t._dtype } : null)),
      out_meta,
      (_n, grads) => {
        const backward = backward_of(cls);
        const gs = grads.map((g, i) => {
          if (g !== null || !ctx._materialize_grads || !is_tensor_out[i]) return g;
          if (!differentiable[i] && ctx._materialize_non_diff_grads === false) return null;
          return zeros(out_meta[i]!.shape, { dtype: out_meta[i]!.dtype });
        });
        return gradients_of(name, backward(ctx, ...gs), is_tensor_arg).filter((_, i) => is_tensor_arg[i]);
      },
    );
    node._apply_without_grads = true;
    ctx._node = node;
  }
  for (const d of ctx._dirty) d._storage.version++;
  let num_differentiable = 0;
  const outputs = raw_list.map((o, nr) => {
    if (!(o instanceof Tensor)) return o;
    const is_input = inputs.includes(o);
    const is_modified = ctx._dirty.has(o);
    let out = o;
    if (!differentiable[nr]) {
      if (!out.requires_grad) {
        if (is_input && !is_modified) out = view_as_self(out);
      } else if (is_input) {
        out = out.detach();
      } else if (out._base === null) {
        out.detach_();
      }
    } else if (is_modified) {
      if (out.is_leaf && out.requires_grad) throw new Error(LEAF_MARKED_DIRTY);
      if (!is_input) {
        if (out._base !== null) throw new Error(DIRTY_NOT_INPUT);
        warn(DIRTY_NOT_INPUT);
      }
      if (out._base !== null && raw_list.length > 1) throw new Error(DIRTY_VIEW_MULTIPLE_OUTPUTS);
      if (out._base !== null) check_dirty_view(out);
      rebase_history(out, node!, nr);
    } else {
      if (is_input) out = view_as_self(out);
      out.grad_fn = node;
      out.output_nr = nr;
      out._requires_grad = true;
    }
    // a view among the outputs may not be changed in place later, as PyTorch marks them
    if (!(is_input && is_modified) && out._base !== null) out._creation_meta = CreationMeta.IN_CUSTOM_FUNCTION;
    if (differentiable[nr]) num_differentiable++;
    return out;
  });
  if (num_differentiable > 1) {
    for (const o of outputs) if (o instanceof Tensor && o._base !== null && o._grad_fn !== null) o._creation_meta = CreationMeta.MULTI_OUTPUT_NODE;
  }
  node?.save_for_backward(...ctx._to_save);
  return is_tuple ? outputs : outputs[0];
}

/**
 * Base class of custom differentiable functions; the node is named `<ClassName>Backward`. Either
 * `forward(ctx, ...args)`, or `forward(...args)` plus `setup_context(ctx, inputs, output)`. Production bundlers
 * rename classes: declare `static override readonly __name__: string = 'Exp'` to keep the node name `ExpBackward` there.
 *
 * @example
 * class Exp extends torch.autograd.Function {
 *   static forward(ctx: FunctionCtx, x: Tensor) { const y = x.exp(); ctx.save_for_backward(y); return y; }
 *   static backward(ctx: FunctionCtx, g: Tensor) { const [y] = ctx.saved_tensors; return g.mul(y!); }
 * }
 * const y = Exp.apply(x);
 * const exp = Exp.apply; exp(x); // apply works detached from the class
 */
export class Function {
  /** The name PyTorch would print for this class; subclasses set their own to survive minification. */
  static readonly __name__: string = 'Function';
  /** A Function is used through its static methods; instantiating one warns, as PyTorch. */
  constructor() {
    warn(
      `<class '${function_class_name(new.target as unknown as FunctionClass)}'> should not be instantiated. Methods on autograd functions are all static, so you should invoke them on the class itself. Instantiating an autograd function will raise an error in a future version of PyTorch.`,
      'DeprecationWarning',
    );
  }
  /**
   * The computation, written by the subclass: `forward(ctx, ...args)` (or `forward(...args)` with a
   * `setup_context`), returning a tensor or an array of tensors. Runs in no_grad mode.
   */
  static forward(..._args: unknown[]): unknown {
    throw new Error('You must implement the forward function for custom autograd.Function.');
  }
  /**
   * The gradient rule, written by the subclass: given one gradient per forward output, returns one per forward
   * argument (null for arguments without one).
   */
  static backward(_ctx: FunctionCtx, ..._grads: unknown[]): unknown {
    throw new Error('You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.');
  }
  /** PyTorch's alias of `backward`: a subclass defines one of the two. */
  static vjp(ctx: FunctionCtx, ...grads: unknown[]): unknown {
    return Function.backward(ctx, ...grads);
  }
  /**
   * Optional (PyTorch 2.x style): fills `ctx` from the forward's `inputs` and `output` when `forward` does not
   * take a `ctx` itself.
   */
  static setup_context(_ctx: FunctionCtx, _inputs: unknown[], _output: unknown): void {
    throw new Error('setup_context is not implemented.');
  }
  /**
   * Runs the Function on `args`, recording its node when an input requires grad. Read from the class
   * (`MyFn.apply(x)`) it is typed by the class's `forward`; detached (`const f = MyFn.apply; f(x)`) it runs the
   * same, typed as returning a Tensor (a type reads nothing from a detached function).
   */
  declare static apply: {
    <T extends FunctionClass>(this: T, ...args: ApplyArgs<T>): ReturnType<T['forward']>;
    <T>(this: T, ...args: T extends FunctionClass ? [never] : unknown[]): Tensor;
  };
}

// `apply` is a getter returning a function bound to the class it was read from, so `const f = MyFn.apply` works
Object.defineProperty(Function, 'apply', {
  get(this: FunctionClass) {
    const cls = this;
    // named `MyFn.apply` (a computed key names the function), so anomaly mode's forward stacks show the class
    const name = `${cls.name}.apply`;
    return { [name]: (...args: unknown[]) => apply_function(cls, args) }[name]!;
  },
  configurable: true,
});
