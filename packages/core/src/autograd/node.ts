// Backward graph nodes: PyTorch's torch.autograd.graph.Node with next_functions, saved tensors and hooks.
import { HookDict, type RemovableHandle } from '@tsgrad/hooks';
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { E2_FREED } from './messages.js';
import { SavedTensor } from './saved_tensor.js';
import { is_anomaly_enabled, record_forward_trace } from './anomaly_mode.js';
import { object_address, Size } from '../size.js';

/** A gradient, or `null` where PyTorch has `None` (no gradient flows there). */
export type Grad = Tensor | null;
/** `(node, input_nr)`: where a gradient goes next; `null` node for inputs that need no gradient. */
export type Edge = [Node | null, number];
/** Node pre-hook: sees the gradients w.r.t. the node's outputs; may return replacements. */
export type NodePreHook = (grad_outputs: Grad[]) => Grad[] | void | undefined;
/** Node post-hook: sees the node's results (gradients w.r.t. its inputs) and its incoming gradients. */
export type NodePostHook = (grad_inputs: Grad[], grad_outputs: Grad[]) => Grad[] | void | undefined;
/**
 * Tensor hook: sees the gradient w.r.t. a tensor; may return a replacement of the same shape. Typed as PyTorch
 * types it (`Callable[[Tensor], Optional[Tensor]]`), but like PyTorch's it is called with null when the tensor's
 * node runs and another of its outputs got a gradient while this one did not: write `(g: Tensor | null) => ...`
 * where that can happen (outputs of unbind, split, chunk, custom Functions).
 */
export type TensorHook = (grad: Tensor) => Tensor | void | undefined;
export type BackwardFn = (ctx: Node, grad_outputs: Grad[]) => Grad[];

/** Shape and dtype of a forward input, used to validate and reduce the gradient that flows back to it. */
export interface InputMeta {
  shape: readonly number[];
  dtype: DType;
}

let next_sequence_nr = 0;

/**
 * The `.grad` of a non-leaf that called `retain_grad()`, shared by the tensor and its grad_fn. The node holds
 * this slot, never the tensor: the graph must not keep an activation alive (PyTorch holds it weakly; a JS
 * `WeakRef` would keep it until the synchronous job ends, which a training loop never reaches).
 */
export class RetainedGrad {
  grad: Tensor | null = null;
}

/**
 * One node of the backward graph (PyTorch's `grad_fn` objects). `name()` is PyTorch's class name
 * (`MulBackward0`); `next_functions` lists, per differentiable input of the forward op, where its gradient goes.
 * Ops make nodes; user code reads them and registers hooks on them.
 *
 * @example
 * const y = x.mul(2).sum();
 * y.grad_fn!.name(); // 'SumBackward0'
 * y.grad_fn!.next_functions[0]![0]!.name(); // 'MulBackward0'
 */
export class Node {
  /** Creation order; the engine runs the ready node with the largest one first, as PyTorch's. */
  readonly sequence_nr: number;
  /** Per forward input: `[node, output_nr]`, where that input's gradient goes (`[null, 0]` when it needs none). */
  next_functions: Edge[];
  /** Per next edge, the forward input's shape and dtype (null where no gradient is needed). */
  input_meta: (InputMeta | null)[];
  /** Number of forward outputs, i.e. of incoming gradients. */
  num_outputs: number;
  /** Shapes of the forward outputs, for zero-filling gradients that never arrived. */
  output_meta: InputMeta[];
  /** Created on first registration: most nodes never get hooks, and every op makes a node. */
  _pre_hooks: HookDict<NodePreHook> | null = null;
  /** The post-hooks `register_hook` added, created on first registration. */
  _post_hooks: HookDict<NodePostHook> | null = null;
  /** Per output number, the hooks of the non-leaf tensor that is that output (created on first registration). */
  _tensor_pre_hooks: Map<number, HookDict<TensorHook>> | null = null;
  /** Per output, where `retain_grad()` wants its gradient (shared with the tensor, which the node never holds). */
  _retained: Map<number, RetainedGrad> | null = null;
  /** Whether the formula runs even when no gradient arrived: a custom Function's node (PyTorch's PyNode), which also prints under torch.autograd.function. */
  _apply_without_grads = false;
  /** PyTorch's names of the saved tensors (`self`, `other`, `result`), for `_saved_self` & co; null if unnamed. */
  _saved_names: readonly string[] | null = null;
  private saved: (SavedTensor | null)[] = [];
  private released = false;
  private freed_raw: (SavedTensor | null)[] = [];
  private _metadata: Record<string, unknown> | null = null;

  /**
   * A node named `_name` with its edges, the metadata of its inputs and outputs and its backward rule (null for
   * a node that cannot run, as a sink). `sequence_nr` defaults to the next creation number.
   */
  constructor(
    private readonly _name: string,
    next_functions: Edge[],
    input_meta: (InputMeta | null)[],
    output_meta: InputMeta[],
    private readonly backward_fn: BackwardFn | null,
    sequence_nr?: number,
  ) {
    this.sequence_nr = sequence_nr ?? next_sequence_nr++;
    this.next_functions = next_functions;
    this.input_meta = input_meta;
    this.output_meta = output_meta;
    this.num_outputs = output_meta.length;
    if (is_anomaly_enabled()) record_forward_trace(this);
  }

  /**
   * A dict for the user's own annotations of this node (PyTorch's `grad_fn.metadata`), created on first use.
   *
   * @example
   * y.grad_fn!.metadata['step'] = 3;
   */
  get metadata(): Record<string, unknown> {
    this._metadata ??= {};
    return this._metadata;
  }

  /** PyTorch's node name, e.g. `MulBackward0`. */
  name(): string {
    return this._name;
  }

  /** Whether the forward input `i` needs a gradient (PyTorch's `ctx.needs_input_grad[i]`). */
  needs_input_grad(i: number): boolean {
    const edge = this.next_functions[i];
    return edge !== undefined && edge[0] !== null;
  }

  /** Saves tensors (nulls allowed) for backward; they are released after a backward pass without `retain_graph`. */
  save_for_backward(...tensors: (Tensor | null)[]): void {
    this.saved = tensors.map((t) => (t === null ? null : new SavedTensor(t, this)));
  }

  /**
   * The saved tensors, null where null was saved (PyTorch's `grad_fn.saved_tensors` / `ctx.saved_tensors`);
   * throws PyTorch's "Trying to backward through the graph a second time" once a backward pass freed them, and
   * its in-place modification error if one was changed in place since it was saved.
   *
   * @example
   * const [x] = y.grad_fn!.saved_tensors;
   */
  get saved_tensors(): (Tensor | null)[] {
    if (this.released) throw new Error(E2_FREED);
    return this.saved.map((s) => (s === null ? null : s.unpack()));
  }

  /**
   * The saved tensor PyTorch names `name` (its `grad_fn._saved_<name>`), undefined when this node saved none of
   * that name. A saved output comes back as a new tensor over the same memory and version counter, with this
   * node as grad_fn, as PyTorch unpacks it. Throws E2 once freed, E9 if changed in place since.
   */
  private saved_named(name: string): Tensor | null | undefined {
    const i = this._saved_names?.indexOf(name) ?? -1;
    if (i < 0) return undefined;
    if (this.released) throw new Error(E2_FREED);
    const t = this.saved[i]?.unpack() ?? null;
    if (t === null || t.grad_fn !== this) return t;
    const unpacked = t.detach();
    unpacked._grad_fn = this;
    unpacked.output_nr = t.output_nr;
    unpacked._requires_grad = true;
    return unpacked;
  }
  /** PyTorch's `grad_fn._saved_self`: the saved first input (e.g. of MulBackward0, SinBackward0). */
  get _saved_self(): Tensor | null | undefined {
    return this.saved_named('self');
  }
  /** PyTorch's `grad_fn._saved_other`: the saved second input (e.g. of MulBackward0, DivBackward0). */
  get _saved_other(): Tensor | null | undefined {
    return this.saved_named('other');
  }
  /** PyTorch's `grad_fn._saved_result`: the saved output (e.g. of ExpBackward0, TanhBackward0). */
  get _saved_result(): Tensor | null | undefined {
    return this.saved_named('result');
  }

  /** The SavedTensor object PyTorch names `name`, for `register_hooks` (undefined when none is saved so). */
  private raw_named(name: string): SavedTensor | null | undefined {
    const i = this._saved_names?.indexOf(name) ?? -1;
    if (i < 0) return undefined;
    if (this.released) return this.freed_raw[i];
    return this.saved[i] ?? null;
  }
  /** PyTorch's `grad_fn._raw_saved_self`: the saved first input as a SavedTensor (`register_hooks`). */
  get _raw_saved_self(): SavedTensor | null | undefined {
    return this.raw_named('self');
  }
  /** PyTorch's `grad_fn._raw_saved_other`: the saved second input as a SavedTensor. */
  get _raw_saved_other(): SavedTensor | null | undefined {
    return this.raw_named('other');
  }
  /** PyTorch's `grad_fn._raw_saved_result`: the saved output as a SavedTensor. */
  get _raw_saved_result(): SavedTensor | null | undefined {
    return this.raw_named('result');
  }

  /**
   * Metadata of the gradients this node receives, one per forward output: `shape` and `dtype` (PyTorch's
   * `grad_fn._input_metadata`).
   */
  get _input_metadata(): {
    /** The gradient's shape (the forward output's). */
    readonly shape: Size;
    /** The gradient's dtype. */
    readonly dtype: DType;
  }[] {
    return this.output_meta.map((m) => ({ shape: Size.of_dims(m.shape), dtype: m.dtype }));
  }

  /** True while this node still holds saved tensors (or never had any). */
  get has_saved(): boolean {
    return this.saved.length > 0;
  }

  /**
   * Frees the saved tensors (as a backward without `retain_graph` does); a later backward then raises PyTorch's
   * "Trying to backward through the graph a second time".
   */
  release_variables(): void {
    if (this.saved.length === 0) return;
    for (const s of this.saved) s?._free();
    // names still answer with a freed SavedTensor (refusing register_hooks), as PyTorch's do
    if (this._saved_names !== null) this.freed_raw = this.saved;
    this.saved = [];
    this.released = true;
  }

  /** Runs the backward formula: gradients w.r.t. the forward inputs, one per next edge. */
  apply(grad_outputs: Grad[]): Grad[] {
    if (this.backward_fn === null) throw new Error(`${this._name} has no backward formula`);
    return this.backward_fn(this, grad_outputs);
  }

  /**
   * Calls the node on gradients w.r.t. its forward outputs, as Python's `grad_fn(*grads)`: one argument per
   * output (PyTorch's TypeError otherwise); returns the gradient w.r.t. the single input, or one per input.
   *
   * @example
   * x.pow(2).grad_fn!.call(torch.ones([1])); // tensor([2.])
   */
  call(...grad_outputs: Grad[]): Grad | Grad[] {
    if (grad_outputs.length !== this.num_outputs) {
      throw new TypeError(`expected ${this.num_outputs} arguments, got ${grad_outputs.length} instead`);
    }
    const out = this.apply(grad_outputs);
    return out.length === 1 ? out[0]! : out;
  }

  /**
   * Registers a post-hook `hook(grad_inputs, grad_outputs)`, run after this node computed its results.
   *
   * @example
   * y.grad_fn!.register_hook((gi, go) => console.log(gi.length));
   */
  register_hook(hook: NodePostHook): RemovableHandle {
    this._post_hooks ??= new HookDict();
    return this._post_hooks.add(hook);
  }

  /** Registers a pre-hook `hook(grad_outputs)`, run before this node's backward formula. */
  register_prehook(hook: NodePreHook): RemovableHandle {
    this._pre_hooks ??= new HookDict();
    return this._pre_hooks.add(hook);
  }

  /** Tensor hooks of output `output_nr` (hooks registered on a non-leaf tensor live on its grad_fn). */
  tensor_pre_hooks(output_nr: number): HookDict<TensorHook> {
    this._tensor_pre_hooks ??= new Map();
    let hooks = this._tensor_pre_hooks.get(output_nr);
    if (hooks === undefined) {
      hooks = new HookDict<TensorHook>();
      this._tensor_pre_hooks.set(output_nr, hooks);
    }
    return hooks;
  }

  /**
   * PyTorch's repr of a node, `<MulBackward0 object at 0x7f…>` (`AccumulateGrad` without its C++ namespace; a custom
   * Function's node as `<torch.autograd.function.MyFnBackward object at 0x7f…>`). The address is a stable per-node
   * fake (see `object_address`).
   */
  toString(): string {
    const name = this._apply_without_grads ? `torch.autograd.function.${this._name}` : this._name.replace('torch::autograd::', '');
    return `<${name} object at ${object_address(this)}>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * The leaf sink of the graph: accumulates gradients into `variable.grad` (one per leaf, shared by all uses).
 * Its `name()` is PyTorch's, `torch::autograd::AccumulateGrad`.
 *
 * @example
 * const w = torch.ones(2, { requires_grad: true });
 * const acc = w.mul(2).grad_fn!.next_functions[0]![0]!; // AccumulateGrad, acc.variable === w
 */
export class AccumulateGrad extends Node {
  /** The node of the leaf `variable`; tensors make theirs on first use (`t.grad_fn` is null for a leaf). */
  constructor(
    /** The leaf whose `.grad` this node writes. */
    readonly variable: Tensor,
  ) {
    super('torch::autograd::AccumulateGrad', [], [], [{ shape: variable._shape, dtype: variable._dtype }], null, Number.MAX_SAFE_INTEGER);
  }
}

/** Returns where the gradient of `t` goes: its grad_fn, its leaf accumulator, or null if it needs none. */
export function gradient_edge(t: Tensor): Edge {
  if (!t.requires_grad) return [null, 0];
  if (t.grad_fn !== null) return [t.grad_fn, t.output_nr];
  return [t._accumulator(), 0];
}
