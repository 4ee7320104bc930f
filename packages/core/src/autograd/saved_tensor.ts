// Saved tensors (PyTorch's SavedVariable) and the saved-tensor hooks that pack them at save time and unpack them
// when backward reads them: torch.autograd.graph.saved_tensors_hooks, save_on_cpu, disable_saved_tensors_hooks.
import { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { Node } from './node.js';
import { e9_version, INFERENCE_SAVED } from './messages.js';
import { py_type_name, signature } from '../signature.js';
import { object_address } from '../size.js';
import { no_grad } from './grad_mode.js';

/** Turns a saved tensor into whatever the hook wants to keep instead (a copy, a file name, …). */
export type PackHook = (tensor: Tensor) => unknown;
/** Turns what the pack hook kept back into a tensor of the saved one's values. */
export type UnpackHook = (packed: unknown) => Tensor;

interface HookPair {
  readonly pack: PackHook;
  readonly unpack: UnpackHook;
}

/** Default hooks, innermost last; the top pair packs every tensor saved while it is active. */
const hook_stack: HookPair[] = [];
/** Set by `disable_saved_tensors_hooks`: the error entering `saved_tensors_hooks` raises, or null. */
let disabled_message: string | null = null;

const PACK_INPLACE =
  'A saved tensor pack hook is modifying its input in place. Tensors provided as input to pack hook can not be modified by in-place operations as this can lead to unexpected side-effects. Please open an issue if you need to perform in-place operations on the input to a pack hook.';
const HOOKS_SET = 'Calling register_hooks on a saved tensor whose hooks have already been set. Hint: only one pair of hooks is allowed at a time.';
const HOOKS_FREED =
  'Calling register_hooks on a saved tensor after it has been freed. Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved variables after calling backward.';

/** The autograd identity of a saved tensor, restored on what an unpack hook returns (PyTorch relinks it too). */
interface Identity {
  readonly grad_fn: Node | null;
  readonly output_nr: number;
  readonly requires_grad: boolean;
  readonly accumulator: Tensor['_grad_accumulator'];
}

const REGISTER_HOOKS = signature<{ pack_hook: PackHook; unpack_hook: UnpackHook }>('register_hooks(Callable pack_hook, Callable unpack_hook)');

/**
 * One tensor saved for backward (PyTorch's `torch._C._autograd.SavedTensor`, what `grad_fn._raw_saved_self`
 * returns). Without hooks it keeps the tensor and the version it had, so a later in-place change is refused;
 * with hooks it keeps only what the pack hook returned and its unpack hook rebuilds the tensor on every read
 * (PyTorch checks no version then, as nothing ties the packed value to the original's memory).
 *
 * @example
 * const y = a.mul(b);
 * y.grad_fn!._raw_saved_self!.register_hooks((t) => t.clone(), (p) => p as Tensor);
 */
export class SavedTensor {
  private tensor: Tensor | null = null;
  private packed: unknown = undefined;
  private unpack_hook: UnpackHook | null = null;
  private readonly version: number;
  private readonly is_output: boolean;
  private readonly producer: string | null;
  private readonly output_nr: number;
  private readonly dtype: DType;
  private readonly shape: readonly number[];
  private identity: Identity | null = null;
  private freed = false;

  /**
   * Saves `tensor` for `owner`'s backward, through the innermost active `saved_tensors_hooks` if any. An output
   * of `owner` is reported as such if changed in place later; an input by what produces it then (as PyTorch).
   */
  constructor(tensor: Tensor, owner: Node) {
    if (tensor._inference) throw new Error(INFERENCE_SAVED);
    this.version = tensor._storage.version;
    this.is_output = tensor.grad_fn === owner;
    this.producer = tensor.grad_fn === null ? null : tensor.grad_fn.name();
    this.output_nr = tensor.output_nr;
    this.dtype = tensor._dtype;
    this.shape = tensor._shape;
    const hooks = hook_stack.length === 0 ? null : hook_stack[hook_stack.length - 1]!;
    if (hooks === null) this.tensor = tensor;
    else this.pack_with(tensor, hooks.pack, hooks.unpack);
  }

  private pack_with(tensor: Tensor, pack: PackHook, unpack: UnpackHook): void {
    this.identity = {
      grad_fn: tensor.grad_fn,
      output_nr: tensor.output_nr,
      requires_grad: tensor.requires_grad,
      accumulator: tensor.requires_grad && tensor.grad_fn === null ? tensor._accumulator() : null,
    };
    const version = tensor._storage.version;
    // as PyTorch, the pack hook runs with grad mode off: its own math records (and saves) nothing
    const packed = no_grad(() => pack(tensor));
    if (tensor._storage.version !== version) throw new Error(PACK_INPLACE);
    this.packed = packed;
    this.unpack_hook = unpack;
    this.tensor = null;
  }

  /**
   * Registers hooks on this one saved tensor (PyTorch's `SavedTensor.register_hooks`): `pack_hook` runs at once
   * on the saved tensor, `unpack_hook` on every later read. Only one pair per saved tensor, and not once freed.
   *
   * @example
   * y.grad_fn!._raw_saved_self!.register_hooks((t) => t.clone(), (t) => t as Tensor);
   */
  register_hooks(...args: [pack_hook: PackHook, unpack_hook: UnpackHook]): void {
    const { pack_hook, unpack_hook } = REGISTER_HOOKS.parse(args);
    if (this.freed) throw new Error(HOOKS_FREED);
    if (this.unpack_hook !== null) throw new Error(HOOKS_SET);
    this.pack_with(this.tensor!, pack_hook, unpack_hook);
  }

  /** The saved tensor: the original, or the unpack hook's result carrying the original's autograd identity. */
  unpack(): Tensor {
    if (this.unpack_hook !== null) return this.unpack_hooked(this.unpack_hook);
    const t = this.tensor!;
    if (t._storage.version !== this.version) {
      if (this.is_output) throw new Error(e9_version(this.dtype, this.shape, this.producer, this.output_nr, t._storage.version, this.version));
      const fn = t.grad_fn;
      throw new Error(e9_version(t._dtype, t._shape, fn === null ? null : fn.name(), t.output_nr, t._storage.version, this.version));
    }
    return t;
  }

  private unpack_hooked(hook: UnpackHook): Tensor {
    const r: unknown = hook(this.packed);
    if (!(r instanceof Tensor)) throw new TypeError(`Output of saved tensor unpack_hook expected to be a Tensor but got result of type ${py_type_name(r)}`);
    const id = this.identity!;
    const t = r.detach();
    t._grad_fn = id.grad_fn;
    t.output_nr = id.output_nr;
    t._requires_grad = id.requires_grad;
    t._grad_accumulator = id.accumulator;
    return t;
  }

  /** Drops the tensor (or packed value) when the node releases its saved tensors. */
  _free(): void {
    this.freed = true;
    this.tensor = null;
    this.packed = undefined;
    this.identity = null;
  }

  /** PyTorch's repr, `<torch._C._autograd.SavedTensor object at 0x7f…>`. */
  toString(): string {
    return `<torch._C._autograd.SavedTensor object at ${object_address(this)}>`;
  }
}

/**
 * Default saved-tensor hooks for every tensor saved while active (PyTorch's
 * `torch.autograd.graph.saved_tensors_hooks`): `pack_hook(tensor)` runs when an op or Function saves a tensor for
 * backward and may return anything; `unpack_hook(packed)` runs whenever backward (or `grad_fn._saved_*`) reads it
 * and must return a tensor of the same values. Active from construction until disposed (`using`); the innermost
 * active pair wins. Callable with or without `new`; subclass it as PyTorch's `save_on_cpu` does.
 *
 * @example
 * {
 *   using _h = torch.autograd.graph.saved_tensors_hooks((t) => t.clone(), (p) => p as Tensor);
 *   const y = x.pow(2);
 * }
 */
export class SavedTensorsHooks implements Disposable {
  private readonly pair: HookPair | null = null;
  /** Called on each tensor saved while this pair is the innermost; returns what is kept instead. */
  readonly pack_hook: PackHook;
  /** Called on what `pack_hook` returned, whenever the saved tensor is read; returns the tensor. */
  readonly unpack_hook: UnpackHook;
  constructor(pack_hook: PackHook, unpack_hook: UnpackHook) {
    if (disabled_message !== null) throw new Error(disabled_message);
    if (typeof pack_hook !== 'function' || typeof unpack_hook !== 'function') {
      throw new TypeError(`saved_tensors_hooks() expects two functions, got ${py_type_name(pack_hook)} and ${py_type_name(unpack_hook)}`);
    }
    this.pack_hook = pack_hook;
    this.unpack_hook = unpack_hook;
    this.pair = { pack: pack_hook, unpack: unpack_hook };
    hook_stack.push(this.pair);
  }
  /** Removes this pair (once; the pairs inside it must have been disposed first, as `using` blocks ensure). */
  [Symbol.dispose](): void {
    const i = hook_stack.lastIndexOf(this.pair!);
    if (i >= 0) hook_stack.splice(i, 1);
  }
}

/** `saved_tensors_hooks(pack, unpack)` works with and without `new`, and as a base class. */
export const saved_tensors_hooks = new Proxy(SavedTensorsHooks, {
  apply: (target, _this, args: [PackHook, UnpackHook]) => new target(...args),
}) as typeof SavedTensorsHooks & ((pack_hook: PackHook, unpack_hook: UnpackHook) => SavedTensorsHooks);

const SAVE_ON_CPU = signature<{ pin_memory: boolean; device_type: string }>("save_on_cpu(bool pin_memory=False, str device_type='cuda')");

/**
 * PyTorch's `torch.autograd.graph.save_on_cpu`: saved tensors are copied to CPU memory and copied back when
 * backward reads them. With CPU the only device this keeps a private copy of each saved tensor.
 *
 * @example
 * { using _h = torch.autograd.graph.save_on_cpu(); loss = net.call(x).sum(); }
 */
export function save_on_cpu(...args: [pin_memory?: boolean, options?: { pin_memory?: boolean; device_type?: string }]): SavedTensorsHooks {
  SAVE_ON_CPU.parse(args);
  return new SavedTensorsHooks(
    (t) => t.detach().clone(),
    (p) => p as Tensor,
  );
}

const DISABLE = signature<{ error_message: string }>('disable_saved_tensors_hooks(str error_message)');

/**
 * While active (until disposed), entering `saved_tensors_hooks` raises `error_message` (PyTorch's
 * `torch.autograd.graph.disable_saved_tensors_hooks`, for code whose saved tensors must stay as they are).
 *
 * @example
 * { using _d = torch.autograd.graph.disable_saved_tensors_hooks('not supported here'); … }
 */
export function disable_saved_tensors_hooks(...args: [error_message: string]): Disposable {
  const { error_message } = DISABLE.parse(args);
  const prev = disabled_message;
  disabled_message = error_message;
  let active = true;
  return {
    [Symbol.dispose]() {
      if (!active) return;
      active = false;
      disabled_message = prev;
    },
  };
}
