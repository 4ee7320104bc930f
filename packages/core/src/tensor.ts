// The Tensor: typed-array storage with shape/strides/offset views, autograd metadata and PyTorch's methods.
import { HookDict, type RemovableHandle } from '@tsgrad/hooks';
import { alloc, DTYPES, dtype_object, is_floating, legacy_type_name, TorchDType, type DType, type DTypeLike, type TypedArray } from './dtype.js';
import { contiguous_strides, numel_of, normalize_dim } from './shape.js';
import { is_grad_enabled, is_inference_mode_enabled, is_recording } from './autograd/grad_mode.js';
import { AccumulateGrad, RetainedGrad, type Node, type TensorHook } from './autograd/node.js';
import { CreationMeta } from './autograd/creation_meta.js';
import { view_grad_fn } from './autograd/view_inplace.js';
import { TRACER_CONVERT, TRACER_ITERATE, DETACH_VIEW_INPLACE, E10_NON_LEAF_FLAG, E8_LEAF_INPLACE, E5_HOOK_NO_GRAD, INFERENCE_REQUIRES_GRAD, INFERENCE_VERSION, NUMPY_REQUIRES_GRAD, W1_NON_LEAF_GRAD, warn } from './autograd/messages.js';
import { is_contiguous_view, type StridedView } from './kernels/strided.js';
import { kernels } from './kernels/backend.js';
import { note_exposed, note_write } from './kernels/write_stamps.js';
import * as ops from './ops/index.js';
import { format_tensor } from './print.js';
import { take } from './storage_pool.js';
import { trace_op, tracer_warning, tracing } from './jit/tracer.js';
import type { Generator } from './random.js';
import { CPU, check_device, type Device, type DeviceLike } from './device.js';
import { Size } from './size.js';
import { parse_to, type ToArgs } from './to_args.js';
import { int_varargs, is_plain_object, end_method, method_call, no_arguments, overloads, py_type_name, signature, type PyArgs, type Signature } from './signature.js';
import type { OperandMethodArgs, TensorPairMethodArgs } from './ops/call_args.js';
import type { ClampMethodArgs } from './ops/unary.js';
import type { FrexpResult } from './ops/exp_log.js';
import type { NanToNumOptions } from './ops/predicates.js';
import type { IndexItem } from './ops/indexing.js';
import type { ScatterAddMethodArgs, ScatterMethodArgs } from './ops/scatter.js';
import type { SortMethodArgs, SortResult, TopkMethodArgs } from './ops/sorting.js';
import type { CumsumMethodArgs } from './ops/reorder.js';
import type { TileMethodArgs } from './ops/tiling.js';
import type { SwapaxesInplaceArgs, TransposeInplaceArgs } from './ops/inplace_view.js';
import type { AddcMethodArgs, LerpMethodArgs } from './ops/pointwise.js';
import type { CumprodMethodArgs, ProdMethodArgs } from './ops/products.js';
import type { DiagonalMethodArgs, MovedimMethodArgs } from './ops/dim_views.js';
import type { MaskedFillMethodArgs, TakeAlongDimMethodArgs } from './ops/selection.js';
import type { MultinomialMethodArgs } from './ops/sampling.js';
import type { IndexFillMethodArgs, IndexSourceMethodArgs } from './ops/scatter.js';
import type { ClampOptions } from './ops/types.js';
import type { AllAnyMethodArgs, LogsumexpMethodArgs, MaxResult, NormMethodArgs, ReduceMethodArgs, SoftmaxMethodArgs, VarMethodArgs } from './ops/reduce.js';
import type { DirSplitMethodArgs, RepeatInterleaveMethodArgs, Rot90MethodArgs, TensorSplitMethodArgs, UnfoldMethodArgs } from './ops/splitting.js';
import type { FillDiagonalMethodArgs } from './ops/diag_scatter.js';
import type { IndexReduceMethodArgs, ScatterReduceMethodArgs } from './ops/scatter_reduce.js';
import type { IndexPutMethodArgs, MaskedScatterMethodArgs, PutMethodArgs } from './ops/flat_writes.js';
import type { BincountMethodArgs, HistcMethodArgs, UniqueConsecutiveMethodArgs, UniqueMethodArgs, UniqueResult } from './ops/counting.js';
import type { KthvalueMethodArgs, MedianMethodArgs, ModeMethodArgs, OrderStatResult, QuantileMethodArgs } from './ops/order_stats.js';
import type { CumExtremeMethodArgs, DiffMethodArgs } from './ops/cumulative.js';
import type { AminmaxMethodArgs, AminmaxResult, CountNonzeroMethodArgs, NanReduceMethodArgs } from './ops/nan_reduce.js';
import type { AddbmmMethodArgs, AddmvMethodArgs, AddrMethodArgs, CrossMethodArgs } from './ops/vector_products.js';
import type { DistMethodArgs } from './ops/distance.js';
import type { AlphaMethodArgs, CloseOptions, DivMethodArgs, Scalar } from './ops/arithmetic.js';

/** Legacy type names `x.type(...)` accepts. */
const LEGACY_NAMES = new Map<string, DType>(DTYPES.map((d) => [legacy_type_name(d), d]));
const FLIP_METHOD = signature<{ self: Tensor; dims: number[] }>('flip(Tensor self, int... dims)');
const SPLIT_METHOD = signature<{ self: Tensor; split_size: unknown; dim: number }>('Tensor.split(Tensor self, Any split_size, int dim=0)');
const NUMPY = signature<{ force: boolean }>('numpy(*, bool force=False)');
const SUM_TO_SIZE_METHOD = signature<{ self: Tensor; size: number[] }>('sum_to_size(Tensor self, int... size)');
// the shape and conversion methods' own spellings (the torch.* forms declare theirs beside the op)
const VIEW_METHOD = overloads<{ size: number[] } | { dtype: DType }>('view(Tensor self, int... size)', 'view(Tensor self, ScalarType dtype)');
const RESHAPE_METHOD = signature<{ shape: number[] }>('reshape(Tensor self, int... shape)');
const PERMUTE_METHOD = signature<{ dims: number[] }>('permute(Tensor self, int... dims)');
const TILE_METHOD = signature<{ dims: number[] }>('tile(Tensor self, int... dims)');
// a Python method in PyTorch, whose errors say so
const UNFLATTEN_METHOD = signature<{ dim: number; sizes: number[] }>('Tensor.unflatten(Tensor self, int dim, int[] sizes)');
const EXPAND_METHOD = signature<{ size: number[] }>('expand(Tensor self, int... size, *, bool implicit=False)');
const SIZE_METHOD = signature<{ dim: number | null }>('size(Tensor self, int? dim=None)');
const STRIDE_METHOD = signature<{ dim: number | null }>('stride(Tensor self, int? dim=None)');
const REQUIRES_GRAD_METHOD = signature<{ requires_grad: boolean }>('requires_grad_(Tensor self, bool requires_grad=True)');
const TYPE_METHOD = signature<{ dtype: string | null; non_blocking: boolean }>('type(Tensor self, ScalarType|str? dtype=None, bool non_blocking=False)');
const FILL_METHOD = signature<{ value: Scalar | Tensor }>('fill_(Tensor self, Tensor|Scalar value)');
const COPY_METHOD = signature<{ other: Tensor; non_blocking: boolean }>('copy_(Tensor self, Tensor other, bool non_blocking=False)');
/** The methods taking another tensor only (`x.view_as(y)`, `x.type_as(y)`, ...), by name. */
const OTHER_METHODS = new Map(['view_as', 'reshape_as', 'expand_as', 'type_as'].map((n) => [n, signature<{ other: Tensor }>(`${n}(Tensor self, Tensor other)`)]));
/** Methods whose PyTorch schema has only keyword options tsgrad does not take (memory_format): none accepted. */
const PLAIN_METHODS = new Map(['contiguous', 'clone', 'is_contiguous', 'float', 'double', 'long', 'bool', 'byte', 'cpu'].map((n) => [n, signature<object>(`${n}(Tensor self)`)]));

/** Keyword options of `Tensor.backward`. */
interface TensorBackwardOptions {
  /** Keep the saved tensors so the graph can be backpropagated again (default: `create_graph`). */
  retain_graph?: boolean | null;
  /** Record the backward itself, so the gradients are differentiable. */
  create_graph?: boolean;
  /** Accumulate only into these. */
  inputs?: Tensor | Tensor[] | Readonly<Record<string, Tensor>> | null;
}
const TENSOR_BACKWARD = signature<{ gradient: Tensor | NestedArray | null; retain_graph: boolean | null; create_graph: boolean; inputs: TensorBackwardOptions['inputs'] }>(
  'backward(Tensor self, Any gradient=None, bool? retain_graph=None, bool create_graph=False, Any inputs=None)',
);
/** Keyword options of `new_zeros` & co: PyTorch's TensorOptions, the dtype defaulting to the tensor's. */
interface NewOptions {
  /** The element type (this tensor's when left out). */
  dtype?: DTypeLike | null;
  /** Only 'cpu' exists. */
  device?: DeviceLike | null;
  /** Make the result a leaf that requires grad. */
  requires_grad?: boolean;
}
type NewSizeArgs = (number | readonly number[] | NewOptions | undefined)[];
interface NewMade { size: number[]; dtype: DType | null; device: DeviceLike | null; requires_grad: boolean }
const NEW_OPTIONS = '*, ScalarType? dtype=None, Device? device=None, bool requires_grad=False';
const NEW_ZEROS = signature<NewMade>(`new_zeros(int... size, ${NEW_OPTIONS})`);
const NEW_ONES = signature<NewMade>(`new_ones(int... size, ${NEW_OPTIONS})`);
const NEW_EMPTY = signature<NewMade>(`new_empty(int... size, ${NEW_OPTIONS})`);
const NEW_FULL = signature<NewMade & { fill_value: number | boolean }>(`new_full(int[] size, Scalar fill_value, ${NEW_OPTIONS})`);
const NEW_TENSOR = signature<Omit<NewMade, 'size'> & { data: unknown }>(`new_tensor(Any data, ${NEW_OPTIONS})`);

/**
 * The version counter in-place ops bump, shared by a tensor, its views and detach() (PyTorch's VariableVersion).
 *
 * @example
 * const x = torch.zeros([2]);
 * x._storage.counter === x.detach()._storage.counter; // true
 */
export class VersionCounter {
  /** The number of in-place changes so far. */
  version = 0;
}

/** The `_serial` of the newest fresh storage. */
let storage_serial = 0;

/**
 * The serial of the newest storage made by `Storage.fresh` so far: a storage with a larger `_serial` was
 * allocated after this call.
 *
 * @hidden
 */
export function fresh_serial(): number {
  return storage_serial;
}

/**
 * Shared memory of a tensor and its views, with the version counter in-place ops bump (a backward that
 * saved an older version raises PyTorch's "modified by an inplace operation" error). The counter is its own
 * object so that `x.data = y` can give `x` new memory and keep its counter (shared with its views).
 *
 * @example
 * const x = torch.zeros(4); const v = x.view(2, 2);
 * v._storage === x._storage; // true
 * x.add_(1); v._version; // 1
 */
export class Storage {
  /**
   * Non-zero for memory allocated fresh for an op's result (`Storage.fresh`): a number from a counter that only
   * grows, so the backward engine can tell memory a formula allocated from memory that existed before it ran
   * (see `fresh_serial`). 0 for memory wrapped from elsewhere (a user's array, another tensor's data).
   */
  _serial = 0;
  /** A storage over `data` (not copied), with its own version counter unless one is given. */
  constructor(
    /** The elements, in the storage class of the dtype (Float32Array, Float64Array, …). */
    public data: TypedArray,
    /** The version counter, shared with the storage `x.data = y` gives `x` (see `version`). */
    readonly counter: VersionCounter = new VersionCounter(),
  ) {}
  /**
   * A storage over a zeroed array of `n` elements of `dtype` that nothing else holds (new, or one a backward pass
   * is finished with, see storage_pool.ts), numbered (see `_serial`).
   */
  static fresh(dtype: DType, n: number): Storage {
    const s = new Storage(take(dtype, n) ?? alloc(dtype, n));
    s._serial = ++storage_serial;
    return s;
  }
  /** Bumped by every in-place change; saved tensors remember it to detect later changes (PyTorch's `_version`). */
  get version(): number {
    return this.counter.version;
  }
  /** Sets the counter (in-place ops bump it), and marks the memory as changed (see kernels/write_stamps.ts). */
  set version(v: number) {
    this.counter.version = v;
    note_write(this.data);
  }
}

/** Nested JS arrays of numbers or booleans, as `torch.tensor` takes them and `tolist()` returns them. */
export type NestedArray = number | boolean | NestedArray[];
/** A shape as separate sizes (`view(2, 3)`) or one array (`view([2, 3])`), as PyTorch accepts both. */
export type ShapeArg = number[] | [number[]];

/** Accepts PyTorch's `view(2, 3)` and `view([2, 3])` spellings. */
export function shape_arg(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

/** A Tensor method's call past its positional fast path: the op reads `self` first, errors counted as a method's. */
function as_method<R>(self: Tensor, op: (...args: never) => R, args: readonly unknown[]): R {
  return end_method(method_call(self), (op as (...a: unknown[]) => R)(self, ...args));
}
/** A tensor or number operand (the positional fast paths of binary methods). */
const is_operand = (v: unknown): v is Tensor | number => v instanceof Tensor || typeof v === 'number';
/** `x.where(condition, other)`'s own schema (self is `where`'s second operand), declared on first use. */
let where_method: Signature<{ input: Tensor; condition: Tensor; other: Tensor | Scalar }> | undefined;

/**
 * A multi-dimensional array with autograd. Create with `torch.tensor`, `torch.zeros`, `torch.randn`, ….
 *
 * @example
 * const x = torch.tensor([0.5, -1.0], { requires_grad: true });
 * const y = x.mul(3);
 * y.backward(torch.tensor([100, 0.1]));
 * x.grad!.tolist(); // [300, 0.3]
 */
export class Tensor {
  /** The memory this tensor reads, shared with its views. */
  readonly _storage: Storage;
  /**
   * The size of each dim as a plain array, what tsgrad's own code reads: V8 runs its array builtins (`map`,
   * `slice`, spreading) on plain arrays only, and keeps the code reading them monomorphic. `shape` gives it
   * as a `torch.Size`.
   */
  readonly _shape: number[];
  /** The `torch.Size` `shape` returns, made on first use. */
  private _size: Size | null = null;
  /** Storage elements between neighbours along each dim (`x.stride()` returns a copy). */
  readonly _strides: number[];
  /** Storage index of the first element (`x.storage_offset()`). */
  readonly _offset: number;
  /** The element type's name ('float32', 'float64', 'int64' or 'bool'); `dtype` gives it as `torch.float32`. */
  readonly _dtype: DType;
  /** The node that produced this tensor (for a view, as last set; `grad_fn` regenerates it after in-place changes). */
  _grad_fn: Node | null = null;
  /** Which output of `grad_fn` this tensor is. */
  output_nr = 0;
  /** The leaf flag behind `requires_grad` (a view reads its base's). */
  _requires_grad = false;
  /** Storage of `.grad` for a leaf. */
  _grad: Tensor | null = null;
  /** Hooks of a leaf (a non-leaf's hooks live on its grad_fn). */
  _hooks: HookDict<TensorHook> | null = null;
  /** Hooks `register_post_accumulate_grad_hook` added, created on first registration. */
  _post_accumulate_hooks: HookDict<(t: Tensor) => void> | null = null;
  /** The leaf's AccumulateGrad node once made (see `_accumulator()`). */
  _grad_accumulator: AccumulateGrad | null = null;
  /** Set by `retain_grad()`: where backward writes this non-leaf's gradient. */
  _retained_grad: RetainedGrad | null = null;
  /** The tensor this view was made from (never itself a view: views of views share their root), or null. */
  _base: Tensor | null = null;
  /** For a view: the version of the shared storage when its grad_fn was last set (PyTorch's attr_version). */
  _attr_version = 0;
  /** For a view: how it was made, which decides whether in-place changes through it may be recorded. */
  _creation_meta: CreationMeta = CreationMeta.DEFAULT;
  /** Optional name used by tools (parameter names in listings). */
  name: string | null = null;
  /**
   * How many of the backward engine's gradient slots hold this tensor while the engine alone owns it (a
   * gradient a built-in formula allocated, seen by no hook): AccumulateGrad then takes it as `.grad` instead of
   * copying it when it holds the last reference, as PyTorch's does. 0 for every other tensor.
   */
  _engine_refs = 0;
  /** Made inside `inference_mode` (or a view of such a tensor): PyTorch's inference tensor (see `is_inference`). */
  _inference: boolean = is_inference_mode_enabled();

  /** A tensor over `storage` with a shape, dtype and (default contiguous) strides and offset. Creation functions (`torch.tensor`, `torch.zeros`, …) are the usual way to make one. */
  constructor(storage: Storage, shape: readonly number[], dtype: DTypeLike, strides?: readonly number[], offset = 0) {
    this._storage = storage;
    this._shape = [...shape];
    this._strides = strides === undefined ? contiguous_strides(shape) : [...strides];
    this._offset = offset;
    this._dtype = typeof dtype === 'string' ? dtype : dtype.name;
  }

  /**
   * The size of each dim, PyTorch's `x.shape`: a `torch.Size` (an array that prints as `torch.Size([2, 3])`),
   * typed as `number[]` so tuple casts and array uses read as before; `x.size()` gives it typed as `Size`.
   * One object per tensor, made on first use.
   *
   * @example
   * String(torch.zeros(2, 3).shape); // 'torch.Size([2, 3])'
   */
  get shape(): number[] {
    return (this._size ??= Size.of_dims(this._shape));
  }

  /**
   * The element type, as PyTorch's `x.dtype`: `torch.float32`, `torch.int64`, … (prints as PyTorch, compares
   * with `===`); `x._dtype` is its name.
   *
   * @example
   * torch.zeros(2).dtype === torch.float32; // true
   */
  get dtype(): TorchDType {
    return dtype_object(this._dtype);
  }

  /** Wraps a fresh contiguous array (no copy). */
  static from_array(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(new Storage(data), shape, dtype);
  }

  /** An uninitialised-looking (zeroed) contiguous tensor. */
  static empty(shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(Storage.fresh(dtype, numel_of(shape)), shape, dtype);
  }

  // ---- metadata -------------------------------------------------------------------------------------

  /**
   * The number of dims (PyTorch's `x.ndim`).
   *
   * @example
   * torch.zeros(2, 3).ndim; // 2
   */
  get ndim(): number {
    return this._shape.length;
  }
  /** The number of dims, as `dim()` (PyTorch's older name). */
  ndimension(no_args?: never): number {
    if (no_args !== undefined) no_arguments('Tensor.ndimension', no_args);
    return this._shape.length;
  }
  /** The number of dims, as `ndim`. */
  dim(no_args?: never): number {
    if (no_args !== undefined) no_arguments('Tensor.dim', no_args);
    return this._shape.length;
  }
  /**
   * The number of elements (the product of the shape).
   *
   * @example
   * torch.zeros(2, 3).numel(); // 6
   */
  numel(no_args?: never): number {
    if (no_args !== undefined) no_arguments('Tensor.numel', no_args);
    return numel_of(this._shape);
  }
  /** `size()` is the shape; `size(d)` one dim (negative counts from the end). */
  size(): Size;
  size(dim: number): number;
  size(dim: { dim?: number | null }): Size | number;
  size(dim?: number | { dim?: number | null }, no_args?: never): Size | number {
    if (no_args !== undefined || (dim !== undefined && !Number.isInteger(dim))) dim = SIZE_METHOD.parse([this, dim, no_args], { method: true }).dim ?? undefined;
    if (dim === undefined) return Size.of_dims(this._shape);
    return this._shape[normalize_dim(dim as number, this._shape.length)] ?? 1;
  }
  /**
   * `stride()` is the stride of every dim; `stride(d)` one dim (negative counts from the end).
   *
   * @example
   * torch.zeros(2, 3).stride(); // [3, 1]
   */
  stride(): number[];
  stride(dim: number): number;
  stride(dim: { dim?: number | null }): number[] | number;
  stride(dim?: number | { dim?: number | null }, no_args?: never): number[] | number {
    if (no_args !== undefined || (dim !== undefined && !Number.isInteger(dim))) dim = STRIDE_METHOD.parse([this, dim, no_args], { method: true }).dim ?? undefined;
    if (dim === undefined) return [...this._strides];
    return this._strides[normalize_dim(dim as number, this._shape.length)] ?? 1;
  }
  /** Index of the first element in the storage. */
  storage_offset(no_args?: never): number {
    if (no_args !== undefined) no_arguments('Tensor.storage_offset', no_args);
    return this._offset;
  }
  /**
   * Whether the elements are laid out row-major without gaps.
   *
   * @example
   * torch.zeros(2, 3).t().is_contiguous(); // false
   */
  is_contiguous(no_args?: never): boolean {
    if (no_args !== undefined) PLAIN_METHODS.get('is_contiguous')!.parse([this, no_args], { method: true });
    return is_contiguous_view(this._shape, this._strides);
  }
  /** Whether the dtype is float32 or float64. */
  is_floating_point(no_args?: never): boolean {
    if (no_args !== undefined) no_arguments('Tensor.is_floating_point', no_args);
    return is_floating(this._dtype);
  }
  /** The kernel view of this tensor. */
  get _view(): StridedView {
    return { data: this._storage.data, shape: this._shape, strides: this._strides, offset: this._offset };
  }
  /** Row-major values as a fresh typed array of this dtype's storage class. */
  _contiguous_data(): TypedArray {
    if (this.is_contiguous() && this._offset === 0 && this._storage.data.length === this.numel()) return this._storage.data;
    const out = alloc(this._dtype, this.numel());
    kernels().contiguous(this._view, out);
    return out;
  }
  /** Row-major values (a copy unless the tensor is a whole contiguous storage). */
  data_array(): TypedArray {
    return this._contiguous_data();
  }

  /** The number of elements, as `numel()` (PyTorch's `nelement`). */
  nelement(no_args?: never): number {
    if (no_args !== undefined) no_arguments('Tensor.nelement', no_args);
    return numel_of(this._shape);
  }
  /**
   * Bytes per element of the dtype (float32 4, float64 and int64 8, bool 1).
   *
   * @example
   * torch.zeros(2).element_size(); // 4
   */
  element_size(no_args?: never): number {
    if (no_args !== undefined) no_arguments('Tensor.element_size', no_args);
    return this.dtype.itemsize;
  }

  // ---- new tensors like this one --------------------------------------------------------------------

  /**
   * Zeros of `size` with this tensor's dtype unless `dtype` is given (PyTorch's `new_zeros`).
   *
   * @example
   * x.new_zeros(2, 3); x.new_zeros([2, 3], { requires_grad: true });
   */
  new_zeros(...args: NewSizeArgs): Tensor {
    return this._new_filled(NEW_ZEROS.parse(args), 0);
  }
  /** Ones of `size` with this tensor's dtype unless `dtype` is given (PyTorch's `new_ones`). */
  new_ones(...args: NewSizeArgs): Tensor {
    return this._new_filled(NEW_ONES.parse(args), 1);
  }
  /** A new tensor of `size` with this tensor's dtype unless `dtype` is given (zero-filled; PyTorch's `new_empty`). */
  new_empty(...args: NewSizeArgs): Tensor {
    return this._new_filled(NEW_EMPTY.parse(args), 0);
  }
  /** `size` filled with `fill_value`, with this tensor's dtype unless `dtype` is given (PyTorch's `new_full`). */
  new_full(...args: PyArgs<[size: number[], fill_value: number | boolean], NewOptions & { size?: number[]; fill_value?: number | boolean }>): Tensor {
    const a = NEW_FULL.parse(args);
    return this._new_filled(a, a.fill_value);
  }
  private _new_filled(a: NewMade, value: number | boolean): Tensor {
    return ops.full(a.size, value, { dtype: a.dtype ?? this._dtype, device: a.device, requires_grad: a.requires_grad });
  }
  /**
   * A new leaf holding a copy of `data`, with this tensor's dtype unless `dtype` is given (PyTorch's
   * `new_tensor`; from a Tensor it warns, as PyTorch, that `clone().detach()` is the clearer spelling).
   *
   * @example
   * x.new_tensor([1, 2]); // dtype of x
   */
  new_tensor(...args: PyArgs<[data: NestedArray | Tensor], NewOptions & { data?: NestedArray | Tensor }>): Tensor {
    const a = NEW_TENSOR.parse(args);
    if (a.data instanceof Tensor) {
      warn('To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or sourceTensor.clone().detach().requires_grad_(True), rather than tensor.new_tensor(sourceTensor).');
    }
    return ops.tensor(a.data as NestedArray, { dtype: a.dtype ?? this._dtype, device: a.device, requires_grad: a.requires_grad });
  }

  // ---- autograd flags -------------------------------------------------------------------------------

  /** Whether ops on this tensor are recorded for autograd (assignable on leaves, as `requires_grad_`). */
  get requires_grad(): boolean {
    return this._requires_grad || (this._base !== null && this._base._requires_grad);
  }
  /** `x.requires_grad = flag`, as `requires_grad_(flag)` (only leaves may change it). */
  set requires_grad(flag: boolean) {
    this.requires_grad_(flag);
  }
  /**
   * The node that produced this tensor, or null for leaves. A view whose storage was changed in place since its
   * node was set gets a fresh `AsStridedBackward0` from its base, as PyTorch regenerates it.
   */
  get grad_fn(): Node | null {
    return this._base === null ? this._grad_fn : view_grad_fn(this);
  }
  /** Sets the node that produced this tensor (ops do this; a view also records the storage version). */
  set grad_fn(fn: Node | null) {
    this._grad_fn = fn;
    if (this._base !== null) this._attr_version = this._storage.version;
  }
  /** The version counter of the storage, bumped by every in-place change (PyTorch's `_version`). */
  get _version(): number {
    if (this._inference) throw new Error(INFERENCE_VERSION);
    return this._storage.version;
  }
  /** Whether this tensor is a view of another (its `_base`). */
  _is_view(): boolean {
    return this._base !== null;
  }
  /**
   * Whether this is an inference tensor: made inside `torch.inference_mode` (or a view of one). It has no
   * version counter, is never saved for backward and may be changed in place only inside inference mode.
   *
   * @example
   * torch.inference_mode(() => torch.ones(2)).is_inference(); // true
   */
  is_inference(no_args?: never): boolean {
    if (no_args !== undefined) no_arguments('Tensor.is_inference', no_args);
    return this._inference;
  }

  /** True for tensors not produced by a recorded op: tensors that do not require grad, and user-created ones that do. */
  get is_leaf(): boolean {
    return this.grad_fn === null;
  }
  /** Whether `retain_grad()` was called on this non-leaf. */
  get retains_grad(): boolean {
    return this._retained_grad !== null;
  }
  /** The accumulated gradient (leaves, and non-leaves that called `retain_grad()`). */
  get grad(): Tensor | null {
    if (this._retained_grad !== null) return this._retained_grad.grad;
    if (!this.is_leaf && this._grad === null) warn(W1_NON_LEAF_GRAD);
    return this._grad;
  }
  /** `x.grad = g` or null; `g` must have this tensor's dtype and shape, as in PyTorch. */
  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) {
      throw new TypeError(`assigned grad expected to be a Tensor or None but got grad of type ${py_type_name(g)}`);
    }
    if (g === this) throw new Error("can't assign Variable as its own grad");
    if (g !== null) {
      if (g._dtype !== this._dtype) throw new Error(`assigned grad has data of a different type`);
      if (g._shape.join() !== this._shape.join()) throw new Error(`assigned grad has data of a different size`);
    }
    if (this._retained_grad !== null) this._retained_grad.grad = g;
    else this._grad = g;
  }

  /**
   * Sets `requires_grad` on a leaf in place and returns it (PyTorch's `requires_grad_()`).
   *
   * @example
   * const w = torch.randn([3]).requires_grad_();
   */
  requires_grad_(...args: PyArgs<[requires_grad: boolean], { requires_grad?: boolean }>): this {
    const flag = args.length === 0 ? true : args.length === 1 && typeof args[0] === 'boolean' ? args[0] : REQUIRES_GRAD_METHOD.parse([this, ...args], { method: true }).requires_grad;
    if (!this.is_leaf) {
      if (!flag) throw new Error(E10_NON_LEAF_FLAG);
      return this;
    }
    if (flag && !is_floating(this._dtype)) {
      throw new Error('only Tensors of floating point and complex dtype can require gradients');
    }
    if (flag && this._inference && !is_inference_mode_enabled()) throw new Error(INFERENCE_REQUIRES_GRAD);
    this._requires_grad = flag;
    return this;
  }

  /** The leaf's AccumulateGrad node (created on first use, shared by every use of the leaf). */
  _accumulator(): AccumulateGrad {
    this._grad_accumulator ??= new AccumulateGrad(this);
    return this._grad_accumulator;
  }

  /**
   * Registers `hook(grad)`, run when the gradient w.r.t. this tensor is computed; a returned tensor
   * replaces the gradient. On a leaf it runs before accumulation into `.grad`; on a non-leaf, before its
   * grad_fn runs.
   *
   * @example
   * const h = y.register_hook((g) => g.mul(2));
   */
  register_hook(hook: TensorHook): RemovableHandle {
    if (!this.requires_grad) throw new Error(E5_HOOK_NO_GRAD);
    if (this.grad_fn === null) {
      this._hooks ??= new HookDict();
      return this._hooks.add(hook);
    }
    return this.grad_fn.tensor_pre_hooks(this.output_nr).add(hook);
  }

  /** Registers `hook(param)` run after `.grad` of this leaf was updated (PyTorch 2.1+). */
  register_post_accumulate_grad_hook(hook: (t: Tensor) => void): RemovableHandle {
    if (!this.requires_grad) throw new Error(E5_HOOK_NO_GRAD);
    if (this.grad_fn !== null) throw new Error("post accumulate grad hooks cannot be registered on non-leaf tensors");
    this._post_accumulate_hooks ??= new HookDict();
    return this._post_accumulate_hooks.add(hook);
  }

  /** Makes backward fill `.grad` of this non-leaf (2.x: with the value after all its hooks); no-op on leaves. */
  retain_grad(): void {
    if (!this.requires_grad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    if (this.is_leaf || this._retained_grad !== null) return;
    this._retained_grad = new RetainedGrad();
    const node = this.grad_fn!;
    node._retained ??= new Map();
    node._retained.set(this.output_nr, this._retained_grad);
  }

  /**
   * Computes the gradient of this tensor w.r.t. graph leaves and accumulates it into their `.grad`. `gradient`
   * may be left out for a one-element tensor; options as `torch.autograd.backward`.
   *
   * @example
   * loss.backward();
   * y.backward(torch.tensor([100, 0.1]), { retain_graph: true });
   */
  backward(...args: PyArgs<[gradient: Tensor | NestedArray | null | undefined, retain_graph: boolean | null, create_graph: boolean, inputs: TensorBackwardOptions['inputs']], TensorBackwardOptions & { gradient?: Tensor | NestedArray | null }>): void {
    method_call(this);
    const a = TENSOR_BACKWARD.parse([this, ...args]);
    ops.autograd_backward([this], [a.gradient], { create_graph: a.create_graph, ...(a.retain_graph === null ? {} : { retain_graph: a.retain_graph }), ...(a.inputs === null ? {} : { inputs: a.inputs }) });
  }

  /** A new tensor sharing storage, cut from the graph. */
  detach(no_args?: never): Tensor {
    if (no_args !== undefined) no_arguments('Tensor.detach', no_args);
    if (tracing) return trace_op('aten::detach', (x: Tensor) => x.detach(), [this]);
    const t = new Tensor(this._storage, this._shape, this._dtype, this._strides, this._offset);
    t._inference = this._inference;
    return t;
  }

  /** Detaches in place (the tensor becomes a leaf that does not require grad). */
  detach_(no_args?: never): this {
    if (no_args !== undefined) no_arguments('Tensor.detach_', no_args);
    if (this._base !== null) throw new Error(DETACH_VIEW_INPLACE);
    this.grad_fn = null;
    this._requires_grad = false;
    return this;
  }

  /**
   * PyTorch's `.data`: a detached alias of the same memory with its own version counter, so changes through it
   * are invisible to autograd's in-place checks (unlike `detach()`, which shares the counter).
   */
  get data(): Tensor {
    const t = new Tensor(new Storage(this._storage.data), this._shape, this._dtype, this._strides, this._offset);
    t._inference = this._inference;
    return t;
  }
  /**
   * PyTorch's `x.data = y`: this tensor takes `y`'s storage, sizes and dtype, keeping its identity, autograd
   * flags and hooks (what `module.to(dtype)` does to parameters).
   */
  set data(value: Tensor) {
    if (!(value instanceof Tensor)) throw new TypeError(`data must be a Tensor, not ${py_type_name(value)}`);
    if (this.requires_grad && !is_floating(value._dtype)) {
      throw new Error('data set to a tensor that requires gradients must be floating point or complex dtype');
    }
    const self = this as unknown as { _storage: Storage; _offset: number; _dtype: DType };
    // the memory is value's, the version counter stays this tensor's (as PyTorch's set_data)
    self._storage = new Storage(value._storage.data, this._storage.counter);
    this._set_geometry(value._shape, value._strides);
    self._offset = value._offset;
    self._dtype = value._dtype;
  }

  /**
   * Gives this tensor other sizes and strides over the same storage, in place (`x.data = y`, `set_` and the
   * in-place view ops `t_`, `squeeze_`, …); the next `shape` read makes a new `torch.Size`.
   *
   * @internal
   */
  _set_geometry(shape: readonly number[], strides: readonly number[]): void {
    const self = this as unknown as { _shape: number[]; _strides: number[] };
    self._shape = [...shape];
    self._strides = [...strides];
    this._size = null;
  }

  /**
   * Makes this tensor use `source`'s memory with `source`'s shape, strides and offset (PyTorch's
   * `x.set_(source)`): an in-place change, so it bumps the version and is refused on a leaf that requires grad
   * while grad mode is on. The tensor is no view of `source`; a leaf's gradient node is remade for its new shape.
   *
   * @example
   * torch.no_grad(() => p.set_(p.index({ start: 1 }))); // p loses its first element
   */
  set_(source: Tensor): this {
    if (!(source instanceof Tensor)) throw new TypeError(`set_(): argument 'source' must be Tensor, not ${py_type_name(source)}`);
    if (is_grad_enabled() && this.requires_grad) {
      if (this.is_leaf) throw new Error(E8_LEAF_INPLACE);
      throw new Error("the derivative for 'set_' is not implemented.");
    }
    if (source._dtype !== this._dtype) throw new Error(`set_(): expected source of dtype ${dtype_object(this._dtype)}, but got ${dtype_object(source._dtype)}`);
    const self = this as unknown as { _storage: Storage; _offset: number };
    self._storage = new Storage(source._storage.data, this._storage.counter);
    this._set_geometry(source._shape, source._strides);
    self._offset = source._offset;
    this._grad_accumulator = null;
    this._storage.version++;
    return this;
  }

  // ---- conversion -----------------------------------------------------------------------------------

  /** Nested JS arrays (numbers; booleans for bool tensors). */
  tolist(no_args?: never): NestedArray {
    if (no_args !== undefined) no_arguments('Tensor.tolist', no_args);
    if (tracing) tracer_warning(TRACER_CONVERT('list'));
    const flat = this._contiguous_data();
    const as_value = (v: number): number | boolean => (this._dtype === 'bool' ? v !== 0 : v);
    if (this._shape.length === 0) return as_value(flat[0]!);
    const build = (dim: number, base: number): NestedArray[] => {
      const n = this._shape[dim]!;
      const inner = numel_of(this._shape.slice(dim + 1));
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = dim === this._shape.length - 1 ? as_value(flat[base + i]!) : build(dim + 1, base + i * inner);
      return out;
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(no_args?: never): number {
    if (no_args !== undefined) no_arguments('Tensor.item', no_args);
    if (tracing) tracer_warning(TRACER_CONVERT(this._dtype === 'bool' ? 'boolean' : 'number'));
    if (this.numel() !== 1) throw new Error(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    return this._storage.data[this._offset]!;
  }

  /**
   * PyTorch's `x.numpy()`: the values as a typed array (Float32Array, Float64Array for float64 and int64,
   * Uint8Array for uint8 and bool) that shares the tensor's memory, so a change to either shows in the other, as
   * the NumPy bridge does. A flat array cannot show strides, so a non-contiguous tensor gives a row-major copy;
   * `{ force: true }` always copies, and is allowed on a tensor that requires grad (PyTorch's `force=True`).
   *
   * @example
   * const t = torch.ones(5); const n = t.numpy();
   * t.add_(1); n[0]; // 2
   */
  numpy(options: { force?: boolean } = {}): TypedArray {
    const { force } = NUMPY.parse([options]);
    if (force) return this._contiguous_data().slice();
    if (this._requires_grad) throw new Error(NUMPY_REQUIRES_GRAD);
    if (!this.is_contiguous()) return this._contiguous_data().slice();
    const data = this._storage.data;
    note_exposed(data);
    return data.subarray(this._offset, this._offset + this.numel());
  }

  /** PyTorch's printed form, e.g. `tensor([1., 2.], requires_grad=True)`. */
  toString(): string {
    return format_tensor(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /**
   * Python's `len(x)`: the size of dim 0 (`torch.len(x)` calls it); a 0-d tensor raises PyTorch's TypeError.
   *
   * @example
   * torch.zeros(3, 2).__len__(); // 3
   */
  __len__(): number {
    if (this.ndim === 0) throw new TypeError('len() of a 0-d tensor');
    return this._shape[0]!;
  }
  /**
   * `len(x)` spelled as JS spells it for sequences (the tensor iterates dim 0): the size of dim 0, PyTorch's
   * TypeError for a 0-d tensor.
   *
   * @example
   * torch.zeros(64, 784).length; // 64, as len(xb) in Python
   */
  get length(): number {
    return this.__len__();
  }

  /** Iterates dim 0 (PyTorch's `for row in x`): the rows of `unbind(0)`. */
  *[Symbol.iterator](): Iterator<Tensor> {
    if (this.ndim === 0) throw new TypeError('iteration over a 0-d tensor');
    if (tracing) tracer_warning(TRACER_ITERATE);
    yield* ops.unbind(this, 0);
  }

  // ---- devices and dtypes ---------------------------------------------------------------------------

  /** The device the tensor lives on: always the CPU. */
  get device(): Device {
    return CPU;
  }
  /** Always false (no CUDA). */
  get is_cuda(): boolean {
    return false;
  }

  /**
   * PyTorch's `x.to(...)`: a dtype (`torch.float64`), a device (`'cpu'`, `torch.device('cpu')`, optionally followed
   * by a dtype), another tensor (its dtype and device), or keywords `{ dtype, device, non_blocking, copy }`.
   * Returns the tensor itself when nothing changes (unless `copy`).
   *
   * @example
   * x.to(torch.float64); x.to(device); x.to('cpu', torch.float64); x.to({ dtype: torch.float64 });
   */
  to(...args: ToArgs): Tensor {
    const a = parse_to(args);
    check_device(a.device);
    const dtype = a.dtype ?? this._dtype;
    if (dtype === this._dtype) return a.copy ? ops.clone(this) : this;
    return ops.to_dtype(this, dtype);
  }
  /** `x.cpu()`: the tensor itself (CPU is the only device). */
  cpu(no_args?: never): Tensor {
    if (no_args !== undefined) PLAIN_METHODS.get('cpu')!.parse([this, no_args], { method: true });
    return this;
  }
  /** `x.cuda()`: raises as PyTorch without CUDA does. */
  cuda(): Tensor {
    check_device('cuda');
    return this;
  }
  /**
   * PyTorch's `x.type()`: the legacy type name (`'torch.FloatTensor'`); `x.type(dtype)` converts, also from a
   * legacy name (`x.type('torch.DoubleTensor')`).
   *
   * @example
   * x.type(); // 'torch.FloatTensor'
   * x.type(torch.float64).dtype; // torch.float64
   */
  type(): string;
  type(dtype: DTypeLike | string, options?: { non_blocking?: boolean }): Tensor;
  type(options: { dtype?: DTypeLike | string | null; non_blocking?: boolean }): string | Tensor;
  type(...args: unknown[]): string | Tensor {
    let dtype = args[0] as DTypeLike | string | null | undefined;
    if (args.length > 1 || !(dtype === undefined || dtype instanceof TorchDType || typeof dtype === 'string')) {
      if (args.length === 1 && dtype !== null && typeof dtype !== 'object') throw new TypeError('dtype must be a type, str, or dtype object');
      dtype = TYPE_METHOD.parse([this, ...args], { method: true }).dtype;
    }
    if (dtype === undefined || dtype === null) return legacy_type_name(this._dtype);
    if (dtype instanceof TorchDType) return this.to(dtype);
    const legacy = LEGACY_NAMES.get(dtype);
    if (legacy === undefined && !(DTYPES as readonly string[]).includes(dtype)) throw new Error(`invalid type: '${dtype}'`);
    return this.to(legacy ?? (dtype as DType));
  }
  /** PyTorch's `half()`: tsgrad has no float16, so it raises instead of silently keeping float32. */
  half(): Tensor {
    throw new TypeError('tsgrad has no torch.float16 dtype: half() is not supported (float32 and float64 are)');
  }
  /** Converts to float32 (PyTorch's `x.float()`); the same tensor if already float32. */
  float(no_args?: never): Tensor {
    if (no_args !== undefined) PLAIN_METHODS.get('float')!.parse([this, no_args], { method: true });
    return ops.to_dtype(this, 'float32');
  }
  /** Converts to float64. */
  double(no_args?: never): Tensor {
    if (no_args !== undefined) PLAIN_METHODS.get('double')!.parse([this, no_args], { method: true });
    return ops.to_dtype(this, 'float64');
  }
  /** Converts to int64 (truncating floats). */
  long(no_args?: never): Tensor {
    if (no_args !== undefined) PLAIN_METHODS.get('long')!.parse([this, no_args], { method: true });
    return ops.to_dtype(this, 'int64');
  }
  /** Converts to uint8 (PyTorch's `x.byte()`; values wrap modulo 256 as a C cast does). */
  byte(no_args?: never): Tensor {
    if (no_args !== undefined) PLAIN_METHODS.get('byte')!.parse([this, no_args], { method: true });
    return ops.to_dtype(this, 'uint8');
  }
  /** Converts to bool (non-zero is true). */
  bool(no_args?: never): Tensor {
    if (no_args !== undefined) PLAIN_METHODS.get('bool')!.parse([this, no_args], { method: true });
    return ops.to_dtype(this, 'bool');
  }
  /** Converts to `other`'s dtype. */
  type_as(...args: PyArgs<[other: Tensor], { other?: Tensor }>): Tensor {
    return ops.to_dtype(this, this._other('type_as', args)._dtype);
  }

  // ---- arithmetic -----------------------------------------------------------------------------------

  /** Method form of {@link ops.add}. */
  add(...args: AlphaMethodArgs): Tensor {
    return args.length === 1 && is_operand(args[0]) ? ops.add(this, args[0]) : as_method(this, ops.add, args);
  }
  /** Method form of {@link ops.sub}. */
  sub(...args: AlphaMethodArgs): Tensor {
    return args.length === 1 && is_operand(args[0]) ? ops.sub(this, args[0]) : as_method(this, ops.sub, args);
  }
  /** Method form of {@link ops.mul}. */
  mul(...args: OperandMethodArgs): Tensor {
    return args.length === 1 && is_operand(args[0]) ? ops.mul(this, args[0]) : as_method(this, ops.mul, args);
  }
  /** Method form of {@link ops.div}. */
  div(...args: DivMethodArgs): Tensor {
    return args.length === 1 && is_operand(args[0]) ? ops.div(this, args[0]) : as_method(this, ops.div, args);
  }
  /** Method form of {@link ops.rsub}. */
  rsub(other: Tensor | Scalar): Tensor {
    return ops.rsub(this, other);
  }
  /** Method form of {@link ops.pow}. */
  pow(...args: PyArgs<[exponent: Tensor | Scalar], { exponent?: Tensor | Scalar }>): Tensor {
    if (args.length === 1 && (args[0] instanceof Tensor || typeof args[0] === 'number')) return ops.pow(this, args[0]);
    return end_method(method_call(this), (ops.pow as (...a: unknown[]) => Tensor)(this, ...args));
  }
  /** Method form of {@link ops.neg}. */
  neg(...args: []): Tensor {
    return args.length === 0 ? ops.neg(this) : as_method(this, ops.neg, args);
  }
  /** Method form of {@link ops.exp}. */
  exp(...args: []): Tensor {
    return args.length === 0 ? ops.exp(this) : as_method(this, ops.exp, args);
  }
  /** Method form of {@link ops.log}. */
  log(...args: []): Tensor {
    return args.length === 0 ? ops.log(this) : as_method(this, ops.log, args);
  }
  /** Method form of {@link ops.sqrt}. */
  sqrt(...args: []): Tensor {
    return args.length === 0 ? ops.sqrt(this) : as_method(this, ops.sqrt, args);
  }
  /** Method form of {@link ops.rsqrt}. */
  rsqrt(...args: []): Tensor {
    return args.length === 0 ? ops.rsqrt(this) : as_method(this, ops.rsqrt, args);
  }
  /** Method form of {@link ops.abs}. */
  abs(...args: []): Tensor {
    return args.length === 0 ? ops.abs(this) : as_method(this, ops.abs, args);
  }
  /** Method form of {@link ops.sign}. */
  sign(...args: []): Tensor {
    return args.length === 0 ? ops.sign(this) : as_method(this, ops.sign, args);
  }
  /** Method form of {@link ops.reciprocal}. */
  reciprocal(...args: []): Tensor {
    return args.length === 0 ? ops.reciprocal(this) : as_method(this, ops.reciprocal, args);
  }
  /** Method form of {@link ops.square}. */
  square(...args: []): Tensor {
    return args.length === 0 ? ops.square(this) : as_method(this, ops.square, args);
  }
  /** Method form of {@link ops.erf}. */
  erf(...args: []): Tensor {
    return args.length === 0 ? ops.erf(this) : as_method(this, ops.erf, args);
  }
  /** Method form of {@link ops.sin}. */
  sin(...args: []): Tensor {
    return args.length === 0 ? ops.sin(this) : as_method(this, ops.sin, args);
  }
  /** Method form of {@link ops.cos}. */
  cos(...args: []): Tensor {
    return args.length === 0 ? ops.cos(this) : as_method(this, ops.cos, args);
  }
  /** Method form of {@link ops.relu}. */
  relu(...args: []): Tensor {
    return args.length === 0 ? ops.relu(this) : as_method(this, ops.relu, args);
  }
  /** Method form of {@link ops.sigmoid}. */
  sigmoid(...args: []): Tensor {
    return args.length === 0 ? ops.sigmoid(this) : as_method(this, ops.sigmoid, args);
  }
  /** Method form of {@link ops.tanh}. */
  tanh(...args: []): Tensor {
    return args.length === 0 ? ops.tanh(this) : as_method(this, ops.tanh, args);
  }
  /** Method form of {@link ops.clamp}. */
  clamp(...args: ClampMethodArgs): Tensor {
    return args.length === 2 && typeof args[0] === 'number' && typeof args[1] === 'number' ? ops.clamp(this, args[0], args[1]) : as_method(this, ops.clamp, args);
  }
  /** Alias of `clamp` (PyTorch's `x.clip`). */
  clip(...args: ClampMethodArgs): Tensor {
    return args.length === 2 && typeof args[0] === 'number' && typeof args[1] === 'number' ? ops.clip(this, args[0], args[1]) : as_method(this, ops.clip, args);
  }
  /** Method form of {@link ops.maximum}. */
  maximum(...args: TensorPairMethodArgs): Tensor {
    return args.length === 1 && args[0] instanceof Tensor ? ops.maximum(this, args[0]) : as_method(this, ops.maximum, args);
  }
  /** Method form of {@link ops.minimum}. */
  minimum(...args: TensorPairMethodArgs): Tensor {
    return args.length === 1 && args[0] instanceof Tensor ? ops.minimum(this, args[0]) : as_method(this, ops.minimum, args);
  }
  /** Method form of {@link ops.gt}. */
  gt(...args: OperandMethodArgs): Tensor {
    return args.length === 1 && is_operand(args[0]) ? ops.gt(this, args[0]) : as_method(this, ops.gt, args);
  }
  /** Method form of {@link ops.lt}. */
  lt(...args: OperandMethodArgs): Tensor {
    return args.length === 1 && is_operand(args[0]) ? ops.lt(this, args[0]) : as_method(this, ops.lt, args);
  }
  /** Method form of {@link ops.ge}. */
  ge(...args: OperandMethodArgs): Tensor {
    return args.length === 1 && is_operand(args[0]) ? ops.ge(this, args[0]) : as_method(this, ops.ge, args);
  }
  /** Method form of {@link ops.le}. */
  le(...args: OperandMethodArgs): Tensor {
    return args.length === 1 && is_operand(args[0]) ? ops.le(this, args[0]) : as_method(this, ops.le, args);
  }
  /** Method form of {@link ops.eq}. */
  eq(...args: OperandMethodArgs): Tensor {
    return args.length === 1 && is_operand(args[0]) ? ops.eq(this, args[0]) : as_method(this, ops.eq, args);
  }
  /** Method form of {@link ops.ne}. */
  ne(...args: OperandMethodArgs): Tensor {
    return args.length === 1 && is_operand(args[0]) ? ops.ne(this, args[0]) : as_method(this, ops.ne, args);
  }
  /** Method form of {@link ops.logical_not}. */
  logical_not(...args: []): Tensor {
    return args.length === 0 ? ops.logical_not(this) : as_method(this, ops.logical_not, args);
  }
  /** Method form of {@link ops.isnan}. */
  isnan(...args: []): Tensor {
    return args.length === 0 ? ops.isnan(this) : as_method(this, ops.isnan, args);
  }
  /** Method form of {@link ops.log1p}. */
  log1p(...args: []): Tensor {
    return args.length === 0 ? ops.log1p(this) : as_method(this, ops.log1p, args);
  }
  /** Method form of {@link ops.logical_and}. */
  logical_and(...args: TensorPairMethodArgs): Tensor {
    return args.length === 1 && args[0] instanceof Tensor ? ops.logical_and(this, args[0]) : as_method(this, ops.logical_and, args);
  }
  /** Method form of {@link ops.logical_or}. */
  logical_or(...args: TensorPairMethodArgs): Tensor {
    return args.length === 1 && args[0] instanceof Tensor ? ops.logical_or(this, args[0]) : as_method(this, ops.logical_or, args);
  }

  // ---- elementwise math: trigonometric, special, rounding, bitwise, comparison aliases --------------

  /** Method form of {@link ops.tan}. */
  tan(...args: []): Tensor {
    return as_method(this, ops.tan, args);
  }
  /** Method form of {@link ops.asin}. */
  asin(...args: []): Tensor {
    return as_method(this, ops.asin, args);
  }
  /** Method form of {@link ops.acos}. */
  acos(...args: []): Tensor {
    return as_method(this, ops.acos, args);
  }
  /** Method form of {@link ops.atan}. */
  atan(...args: []): Tensor {
    return as_method(this, ops.atan, args);
  }
  /** Method form of {@link ops.sinh}. */
  sinh(...args: []): Tensor {
    return as_method(this, ops.sinh, args);
  }
  /** Method form of {@link ops.cosh}. */
  cosh(...args: []): Tensor {
    return as_method(this, ops.cosh, args);
  }
  /** Method form of {@link ops.asinh}. */
  asinh(...args: []): Tensor {
    return as_method(this, ops.asinh, args);
  }
  /** Method form of {@link ops.acosh}. */
  acosh(...args: []): Tensor {
    return as_method(this, ops.acosh, args);
  }
  /** Method form of {@link ops.atanh}. */
  atanh(...args: []): Tensor {
    return as_method(this, ops.atanh, args);
  }
  /** Method form of {@link ops.arcsin}. */
  arcsin(...args: []): Tensor {
    return as_method(this, ops.arcsin, args);
  }
  /** Method form of {@link ops.arccos}. */
  arccos(...args: []): Tensor {
    return as_method(this, ops.arccos, args);
  }
  /** Method form of {@link ops.arctan}. */
  arctan(...args: []): Tensor {
    return as_method(this, ops.arctan, args);
  }
  /** Method form of {@link ops.arcsinh}. */
  arcsinh(...args: []): Tensor {
    return as_method(this, ops.arcsinh, args);
  }
  /** Method form of {@link ops.arccosh}. */
  arccosh(...args: []): Tensor {
    return as_method(this, ops.arccosh, args);
  }
  /** Method form of {@link ops.arctanh}. */
  arctanh(...args: []): Tensor {
    return as_method(this, ops.arctanh, args);
  }
  /** Method form of {@link ops.deg2rad}. */
  deg2rad(...args: []): Tensor {
    return as_method(this, ops.deg2rad, args);
  }
  /** Method form of {@link ops.rad2deg}. */
  rad2deg(...args: []): Tensor {
    return as_method(this, ops.rad2deg, args);
  }
  /** Method form of {@link ops.sinc}. */
  sinc(...args: []): Tensor {
    return as_method(this, ops.sinc, args);
  }
  /** Method form of {@link ops.log10}. */
  log10(...args: []): Tensor {
    return as_method(this, ops.log10, args);
  }
  /** Method form of {@link ops.log2}. */
  log2(...args: []): Tensor {
    return as_method(this, ops.log2, args);
  }
  /** Method form of {@link ops.expm1}. */
  expm1(...args: []): Tensor {
    return as_method(this, ops.expm1, args);
  }
  /** Method form of {@link ops.exp2}. */
  exp2(...args: []): Tensor {
    return as_method(this, ops.exp2, args);
  }
  /** Method form of {@link ops.erfc}. */
  erfc(...args: []): Tensor {
    return as_method(this, ops.erfc, args);
  }
  /** Method form of {@link ops.erfinv}. */
  erfinv(...args: []): Tensor {
    return as_method(this, ops.erfinv, args);
  }
  /** Method form of {@link ops.lgamma}. */
  lgamma(...args: []): Tensor {
    return as_method(this, ops.lgamma, args);
  }
  /** Method form of {@link ops.digamma}. */
  digamma(...args: []): Tensor {
    return as_method(this, ops.digamma, args);
  }
  /** Method form of {@link ops.i0}. */
  i0(...args: []): Tensor {
    return as_method(this, ops.i0, args);
  }
  /** Method form of {@link ops.frac}. */
  frac(...args: []): Tensor {
    return as_method(this, ops.frac, args);
  }
  /** Method form of {@link ops.sgn}. */
  sgn(...args: []): Tensor {
    return as_method(this, ops.sgn, args);
  }
  /** Method form of {@link ops.fix}. */
  fix(...args: []): Tensor {
    return as_method(this, ops.fix, args);
  }
  /** Method form of {@link ops.negative}. */
  negative(...args: []): Tensor {
    return as_method(this, ops.negative, args);
  }
  /** Method form of {@link ops.absolute}. */
  absolute(...args: []): Tensor {
    return as_method(this, ops.absolute, args);
  }
  /** Method form of {@link ops.signbit}. */
  signbit(...args: []): Tensor {
    return as_method(this, ops.signbit, args);
  }
  /** Method form of {@link ops.isfinite}. */
  isfinite(...args: []): Tensor {
    return as_method(this, ops.isfinite, args);
  }
  /** Method form of {@link ops.isinf}. */
  isinf(...args: []): Tensor {
    return as_method(this, ops.isinf, args);
  }
  /** Method form of {@link ops.isposinf}. */
  isposinf(...args: []): Tensor {
    return as_method(this, ops.isposinf, args);
  }
  /** Method form of {@link ops.isneginf}. */
  isneginf(...args: []): Tensor {
    return as_method(this, ops.isneginf, args);
  }
  /** Method form of {@link ops.isreal}. */
  isreal(...args: []): Tensor {
    return as_method(this, ops.isreal, args);
  }
  /** Method form of {@link ops.bitwise_not}. */
  bitwise_not(...args: []): Tensor {
    return as_method(this, ops.bitwise_not, args);
  }
  /** Method form of {@link ops.tan_}. */
  tan_(...args: []): this {
    return as_method(this, ops.tan_, args) as this;
  }
  /** Method form of {@link ops.asin_}. */
  asin_(...args: []): this {
    return as_method(this, ops.asin_, args) as this;
  }
  /** Method form of {@link ops.acos_}. */
  acos_(...args: []): this {
    return as_method(this, ops.acos_, args) as this;
  }
  /** Method form of {@link ops.atan_}. */
  atan_(...args: []): this {
    return as_method(this, ops.atan_, args) as this;
  }
  /** Method form of {@link ops.sinh_}. */
  sinh_(...args: []): this {
    return as_method(this, ops.sinh_, args) as this;
  }
  /** Method form of {@link ops.cosh_}. */
  cosh_(...args: []): this {
    return as_method(this, ops.cosh_, args) as this;
  }
  /** Method form of {@link ops.asinh_}. */
  asinh_(...args: []): this {
    return as_method(this, ops.asinh_, args) as this;
  }
  /** Method form of {@link ops.acosh_}. */
  acosh_(...args: []): this {
    return as_method(this, ops.acosh_, args) as this;
  }
  /** Method form of {@link ops.atanh_}. */
  atanh_(...args: []): this {
    return as_method(this, ops.atanh_, args) as this;
  }
  /** Method form of {@link ops.arcsin_}. */
  arcsin_(...args: []): this {
    return as_method(this, ops.arcsin_, args) as this;
  }
  /** Method form of {@link ops.arccos_}. */
  arccos_(...args: []): this {
    return as_method(this, ops.arccos_, args) as this;
  }
  /** Method form of {@link ops.arctan_}. */
  arctan_(...args: []): this {
    return as_method(this, ops.arctan_, args) as this;
  }
  /** Method form of {@link ops.arcsinh_}. */
  arcsinh_(...args: []): this {
    return as_method(this, ops.arcsinh_, args) as this;
  }
  /** Method form of {@link ops.arccosh_}. */
  arccosh_(...args: []): this {
    return as_method(this, ops.arccosh_, args) as this;
  }
  /** Method form of {@link ops.arctanh_}. */
  arctanh_(...args: []): this {
    return as_method(this, ops.arctanh_, args) as this;
  }
  /** Method form of {@link ops.deg2rad_}. */
  deg2rad_(...args: []): this {
    return as_method(this, ops.deg2rad_, args) as this;
  }
  /** Method form of {@link ops.rad2deg_}. */
  rad2deg_(...args: []): this {
    return as_method(this, ops.rad2deg_, args) as this;
  }
  /** Method form of {@link ops.sinc_}. */
  sinc_(...args: []): this {
    return as_method(this, ops.sinc_, args) as this;
  }
  /** Method form of {@link ops.log10_}. */
  log10_(...args: []): this {
    return as_method(this, ops.log10_, args) as this;
  }
  /** Method form of {@link ops.log2_}. */
  log2_(...args: []): this {
    return as_method(this, ops.log2_, args) as this;
  }
  /** Method form of {@link ops.expm1_}. */
  expm1_(...args: []): this {
    return as_method(this, ops.expm1_, args) as this;
  }
  /** Method form of {@link ops.exp2_}. */
  exp2_(...args: []): this {
    return as_method(this, ops.exp2_, args) as this;
  }
  /** Method form of {@link ops.erfc_}. */
  erfc_(...args: []): this {
    return as_method(this, ops.erfc_, args) as this;
  }
  /** Method form of {@link ops.erfinv_}. */
  erfinv_(...args: []): this {
    return as_method(this, ops.erfinv_, args) as this;
  }
  /** Method form of {@link ops.lgamma_}. */
  lgamma_(...args: []): this {
    return as_method(this, ops.lgamma_, args) as this;
  }
  /** Method form of {@link ops.digamma_}. */
  digamma_(...args: []): this {
    return as_method(this, ops.digamma_, args) as this;
  }
  /** Method form of {@link ops.i0_}. */
  i0_(...args: []): this {
    return as_method(this, ops.i0_, args) as this;
  }
  /** Method form of {@link ops.frac_}. */
  frac_(...args: []): this {
    return as_method(this, ops.frac_, args) as this;
  }
  /** Method form of {@link ops.sgn_}. */
  sgn_(...args: []): this {
    return as_method(this, ops.sgn_, args) as this;
  }
  /** Method form of {@link ops.fix_}. */
  fix_(...args: []): this {
    return as_method(this, ops.fix_, args) as this;
  }
  /** Method form of {@link ops.negative_}. */
  negative_(...args: []): this {
    return as_method(this, ops.negative_, args) as this;
  }
  /** Method form of {@link ops.absolute_}. */
  absolute_(...args: []): this {
    return as_method(this, ops.absolute_, args) as this;
  }
  /** Method form of {@link ops.erf_}. */
  erf_(...args: []): this {
    return as_method(this, ops.erf_, args) as this;
  }
  /** Method form of {@link ops.trunc_}. */
  trunc_(...args: []): this {
    return as_method(this, ops.trunc_, args) as this;
  }
  /** Method form of {@link ops.floor_}. */
  floor_(...args: []): this {
    return as_method(this, ops.floor_, args) as this;
  }
  /** Method form of {@link ops.ceil_}. */
  ceil_(...args: []): this {
    return as_method(this, ops.ceil_, args) as this;
  }
  /** Method form of {@link ops.square_}. */
  square_(...args: []): this {
    return as_method(this, ops.square_, args) as this;
  }
  /** Method form of {@link ops.rsqrt_}. */
  rsqrt_(...args: []): this {
    return as_method(this, ops.rsqrt_, args) as this;
  }
  /** Method form of {@link ops.log1p_}. */
  log1p_(...args: []): this {
    return as_method(this, ops.log1p_, args) as this;
  }
  /** Method form of {@link ops.bitwise_not_}. */
  bitwise_not_(...args: []): this {
    return as_method(this, ops.bitwise_not_, args) as this;
  }
  /** Method form of {@link ops.logical_not_}. */
  logical_not_(...args: []): this {
    return as_method(this, ops.logical_not_, args) as this;
  }
  /** Method form of {@link ops.atan2}. */
  atan2(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.atan2, args);
  }
  /** Method form of {@link ops.arctan2}. */
  arctan2(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.arctan2, args);
  }
  /** Method form of {@link ops.hypot}. */
  hypot(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.hypot, args);
  }
  /** Method form of {@link ops.fmax}. */
  fmax(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.fmax, args);
  }
  /** Method form of {@link ops.fmin}. */
  fmin(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.fmin, args);
  }
  /** Method form of {@link ops.fmod}. */
  fmod(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.fmod, args);
  }
  /** Method form of {@link ops.remainder}. */
  remainder(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.remainder, args);
  }
  /** Method form of {@link ops.floor_divide}. */
  floor_divide(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.floor_divide, args);
  }
  /** Method form of {@link ops.copysign}. */
  copysign(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.copysign, args);
  }
  /** Method form of {@link ops.heaviside}. */
  heaviside(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.heaviside, args);
  }
  /** Method form of {@link ops.nextafter}. */
  nextafter(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.nextafter, args);
  }
  /** Method form of {@link ops.logaddexp}. */
  logaddexp(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.logaddexp, args);
  }
  /** Method form of {@link ops.logaddexp2}. */
  logaddexp2(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.logaddexp2, args);
  }
  /** Method form of {@link ops.gcd}. */
  gcd(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.gcd, args);
  }
  /** Method form of {@link ops.lcm}. */
  lcm(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.lcm, args);
  }
  /** Method form of {@link ops.bitwise_and}. */
  bitwise_and(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.bitwise_and, args);
  }
  /** Method form of {@link ops.bitwise_or}. */
  bitwise_or(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.bitwise_or, args);
  }
  /** Method form of {@link ops.bitwise_xor}. */
  bitwise_xor(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.bitwise_xor, args);
  }
  /** Method form of {@link ops.bitwise_left_shift}. */
  bitwise_left_shift(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.bitwise_left_shift, args);
  }
  /** Method form of {@link ops.bitwise_right_shift}. */
  bitwise_right_shift(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.bitwise_right_shift, args);
  }
  /** Method form of {@link ops.logical_xor}. */
  logical_xor(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.logical_xor, args);
  }
  /** Method form of {@link ops.greater}. */
  greater(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.greater, args);
  }
  /** Method form of {@link ops.greater_equal}. */
  greater_equal(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.greater_equal, args);
  }
  /** Method form of {@link ops.less}. */
  less(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.less, args);
  }
  /** Method form of {@link ops.less_equal}. */
  less_equal(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.less_equal, args);
  }
  /** Method form of {@link ops.not_equal}. */
  not_equal(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.not_equal, args);
  }
  /** Method form of {@link ops.atan2_}. */
  atan2_(...args: OperandMethodArgs): this {
    return as_method(this, ops.atan2_, args) as this;
  }
  /** Method form of {@link ops.arctan2_}. */
  arctan2_(...args: OperandMethodArgs): this {
    return as_method(this, ops.arctan2_, args) as this;
  }
  /** Method form of {@link ops.hypot_}. */
  hypot_(...args: OperandMethodArgs): this {
    return as_method(this, ops.hypot_, args) as this;
  }
  /** Method form of {@link ops.fmod_}. */
  fmod_(...args: OperandMethodArgs): this {
    return as_method(this, ops.fmod_, args) as this;
  }
  /** Method form of {@link ops.remainder_}. */
  remainder_(...args: OperandMethodArgs): this {
    return as_method(this, ops.remainder_, args) as this;
  }
  /** Method form of {@link ops.floor_divide_}. */
  floor_divide_(...args: OperandMethodArgs): this {
    return as_method(this, ops.floor_divide_, args) as this;
  }
  /** Method form of {@link ops.copysign_}. */
  copysign_(...args: OperandMethodArgs): this {
    return as_method(this, ops.copysign_, args) as this;
  }
  /** Method form of {@link ops.heaviside_}. */
  heaviside_(...args: OperandMethodArgs): this {
    return as_method(this, ops.heaviside_, args) as this;
  }
  /** Method form of {@link ops.nextafter_}. */
  nextafter_(...args: OperandMethodArgs): this {
    return as_method(this, ops.nextafter_, args) as this;
  }
  /** Method form of {@link ops.gcd_}. */
  gcd_(...args: OperandMethodArgs): this {
    return as_method(this, ops.gcd_, args) as this;
  }
  /** Method form of {@link ops.lcm_}. */
  lcm_(...args: OperandMethodArgs): this {
    return as_method(this, ops.lcm_, args) as this;
  }
  /** Method form of {@link ops.bitwise_and_}. */
  bitwise_and_(...args: OperandMethodArgs): this {
    return as_method(this, ops.bitwise_and_, args) as this;
  }
  /** Method form of {@link ops.bitwise_or_}. */
  bitwise_or_(...args: OperandMethodArgs): this {
    return as_method(this, ops.bitwise_or_, args) as this;
  }
  /** Method form of {@link ops.bitwise_xor_}. */
  bitwise_xor_(...args: OperandMethodArgs): this {
    return as_method(this, ops.bitwise_xor_, args) as this;
  }
  /** Method form of {@link ops.bitwise_left_shift_}. */
  bitwise_left_shift_(...args: OperandMethodArgs): this {
    return as_method(this, ops.bitwise_left_shift_, args) as this;
  }
  /** Method form of {@link ops.bitwise_right_shift_}. */
  bitwise_right_shift_(...args: OperandMethodArgs): this {
    return as_method(this, ops.bitwise_right_shift_, args) as this;
  }
  /** Method form of {@link ops.logical_xor_}. */
  logical_xor_(...args: OperandMethodArgs): this {
    return as_method(this, ops.logical_xor_, args) as this;
  }
  /** Method form of {@link ops.logical_or_}. */
  logical_or_(...args: OperandMethodArgs): this {
    return as_method(this, ops.logical_or_, args) as this;
  }
  /** Method form of {@link ops.eq_}. */
  eq_(...args: OperandMethodArgs): this {
    return as_method(this, ops.eq_, args) as this;
  }
  /** Method form of {@link ops.ne_}. */
  ne_(...args: OperandMethodArgs): this {
    return as_method(this, ops.ne_, args) as this;
  }
  /** Method form of {@link ops.lt_}. */
  lt_(...args: OperandMethodArgs): this {
    return as_method(this, ops.lt_, args) as this;
  }
  /** Method form of {@link ops.le_}. */
  le_(...args: OperandMethodArgs): this {
    return as_method(this, ops.le_, args) as this;
  }
  /** Method form of {@link ops.gt_}. */
  gt_(...args: OperandMethodArgs): this {
    return as_method(this, ops.gt_, args) as this;
  }
  /** Method form of {@link ops.ge_}. */
  ge_(...args: OperandMethodArgs): this {
    return as_method(this, ops.ge_, args) as this;
  }
  /** Method form of {@link ops.greater_}. */
  greater_(...args: OperandMethodArgs): this {
    return as_method(this, ops.greater_, args) as this;
  }
  /** Method form of {@link ops.greater_equal_}. */
  greater_equal_(...args: OperandMethodArgs): this {
    return as_method(this, ops.greater_equal_, args) as this;
  }
  /** Method form of {@link ops.less_}. */
  less_(...args: OperandMethodArgs): this {
    return as_method(this, ops.less_, args) as this;
  }
  /** Method form of {@link ops.less_equal_}. */
  less_equal_(...args: OperandMethodArgs): this {
    return as_method(this, ops.less_equal_, args) as this;
  }
  /** Method form of {@link ops.not_equal_}. */
  not_equal_(...args: OperandMethodArgs): this {
    return as_method(this, ops.not_equal_, args) as this;
  }
  /** Method form of {@link ops.xlogy_}. */
  xlogy_(...args: OperandMethodArgs): this {
    return as_method(this, ops.xlogy_, args) as this;
  }
  /** In-place {@link ops.logical_and}: self becomes `self && other` in its own dtype (PyTorch's `x.logical_and_(y)`). */
  logical_and_(...args: OperandMethodArgs): this {
    return as_method(this, ops.logical_and_inplace, args) as this;
  }
  /** Method form of {@link ops.multiply}. */
  multiply(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.multiply, args);
  }
  /** Method form of {@link ops.subtract}. */
  subtract(...args: AlphaMethodArgs): Tensor {
    return as_method(this, ops.subtract, args);
  }
  /** Method form of {@link ops.divide}. */
  divide(...args: DivMethodArgs): Tensor {
    return as_method(this, ops.divide, args);
  }
  /** Method form of {@link ops.true_divide}. */
  true_divide(...args: OperandMethodArgs): Tensor {
    return as_method(this, ops.true_divide, args);
  }
  /** Method form of {@link ops.multiply_}. */
  multiply_(...args: OperandMethodArgs): this {
    return as_method(this, ops.multiply_, args) as this;
  }
  /** Method form of {@link ops.subtract_}. */
  subtract_(...args: AlphaMethodArgs): this {
    return as_method(this, ops.subtract_, args) as this;
  }
  /** Method form of {@link ops.divide_}. */
  divide_(...args: DivMethodArgs): this {
    return as_method(this, ops.divide_, args) as this;
  }
  /** Method form of {@link ops.true_divide_}. */
  true_divide_(...args: OperandMethodArgs): this {
    return as_method(this, ops.true_divide_, args) as this;
  }
  /** Method form of {@link ops.logit}. */
  logit(...args: PyArgs<[eps: number | null], { eps?: number | null }>): Tensor {
    return as_method(this, ops.logit, args);
  }
  /** Method form of {@link ops.logit_}. */
  logit_(...args: PyArgs<[eps: number | null], { eps?: number | null }>): this {
    return as_method(this, ops.logit_, args) as this;
  }
  /** Method form of {@link ops.polygamma}, the order as the argument: `x.polygamma(n)`. */
  polygamma(...args: PyArgs<[n: number], { n?: number }>): Tensor {
    return as_method(this, ops.polygamma_method, args);
  }
  /** Method form of {@link ops.polygamma_}. */
  polygamma_(...args: PyArgs<[n: number], { n?: number }>): this {
    return as_method(this, ops.polygamma_, args) as this;
  }
  /** Method form of {@link ops.mvlgamma}. */
  mvlgamma(...args: PyArgs<[p: number], { p?: number }>): Tensor {
    return as_method(this, ops.mvlgamma, args);
  }
  /** Method form of {@link ops.mvlgamma_}. */
  mvlgamma_(...args: PyArgs<[p: number], { p?: number }>): this {
    return as_method(this, ops.mvlgamma_, args) as this;
  }
  /** Method form of {@link ops.nan_to_num}. */
  nan_to_num(...args: PyArgs<[nan: number | null, posinf: number | null, neginf: number | null], NanToNumOptions>): Tensor {
    return as_method(this, ops.nan_to_num, args);
  }
  /** Method form of {@link ops.nan_to_num_}. */
  nan_to_num_(...args: PyArgs<[nan: number | null, posinf: number | null, neginf: number | null], NanToNumOptions>): this {
    return as_method(this, ops.nan_to_num_, args) as this;
  }
  /** Method form of {@link ops.round_}. */
  round_(...args: PyArgs<[], { decimals?: number }>): this {
    return as_method(this, ops.round_, args) as this;
  }
  /** Method form of {@link ops.clamp_min_}. */
  clamp_min_(...args: PyArgs<[min: Scalar], { min?: Scalar }>): this {
    return as_method(this, ops.clamp_min_, args) as this;
  }
  /** Method form of {@link ops.clamp_max_}. */
  clamp_max_(...args: PyArgs<[max: Scalar], { max?: Scalar }>): this {
    return as_method(this, ops.clamp_max_, args) as this;
  }
  /** Method form of {@link ops.clip_}. */
  clip_(...args: ClampMethodArgs): this {
    return as_method(this, ops.clip_, args) as this;
  }
  /** Method form of {@link ops.float_power}. */
  float_power(...args: PyArgs<[exponent: Tensor | Scalar], { exponent?: Tensor | Scalar }>): Tensor {
    return as_method(this, ops.float_power, args);
  }
  /** Method form of {@link ops.float_power_}. */
  float_power_(...args: PyArgs<[exponent: Tensor | Scalar], { exponent?: Tensor | Scalar }>): this {
    return as_method(this, ops.float_power_, args) as this;
  }
  /** Method form of {@link ops.ldexp}. */
  ldexp(...args: PyArgs<[other: Tensor], { other?: Tensor }>): Tensor {
    return as_method(this, ops.ldexp, args);
  }
  /** Method form of {@link ops.ldexp_}. */
  ldexp_(...args: PyArgs<[other: Tensor], { other?: Tensor }>): this {
    return as_method(this, ops.ldexp_, args) as this;
  }
  /** Method form of {@link ops.frexp}. */
  frexp(...args: []): FrexpResult {
    return as_method(this, ops.frexp, args);
  }
  /** Method form of {@link ops.is_same_size}. */
  is_same_size(...args: PyArgs<[other: Tensor], { other?: Tensor }>): boolean {
    return as_method(this, ops.is_same_size, args);
  }
  /** Method form of {@link ops.is_complex}. */
  is_complex(...args: []): boolean {
    return as_method(this, ops.is_complex, args);
  }

  // ---- reductions -----------------------------------------------------------------------------------

  /** Method form of {@link ops.sum}. */
  sum(...args: ReduceMethodArgs): Tensor {
    return end_method(method_call(this), ops.sum(this, ...args));
  }
  /** Method form of {@link ops.mean}. */
  mean(...args: ReduceMethodArgs): Tensor {
    return end_method(method_call(this), ops.mean(this, ...args));
  }
  /** Method form of {@link ops.max}: `x.max()`, `x.max(dim)` → `[values, indices]`, `x.max(other)`. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean | { keepdim?: boolean }): MaxResult;
  max(options: { dim: number; keepdim?: boolean }): MaxResult;
  max(other: Tensor): Tensor;
  max(...args: unknown[]): Tensor | MaxResult {
    return end_method(method_call(this), ops.max(this, ...(args as [])));
  }
  /** Method form of {@link ops.min}: `x.min()`, `x.min(dim)` → `[values, indices]`, `x.min(other)`. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean | { keepdim?: boolean }): MaxResult;
  min(options: { dim: number; keepdim?: boolean }): MaxResult;
  min(other: Tensor): Tensor;
  min(...args: unknown[]): Tensor | MaxResult {
    return end_method(method_call(this), ops.min(this, ...(args as [])));
  }
  /** Method form of {@link ops.amax}. */
  amax(...args: ReduceMethodArgs): Tensor {
    return end_method(method_call(this), ops.amax(this, ...args));
  }
  /** Method form of {@link ops.amin}. */
  amin(...args: ReduceMethodArgs): Tensor {
    return end_method(method_call(this), ops.amin(this, ...args));
  }
  /** Method form of {@link ops.all}: whether every element (over `dim`) is non-zero. */
  all(...args: AllAnyMethodArgs): Tensor {
    return end_method(method_call(this), ops.all(this, ...args));
  }
  /** Method form of {@link ops.any}: whether some element (over `dim`) is non-zero. */
  any(...args: AllAnyMethodArgs): Tensor {
    return end_method(method_call(this), ops.any(this, ...args));
  }
  /** Method form of {@link ops.isclose}. */
  isclose(...args: PyArgs<[other: Tensor, rtol: number, atol: number, equal_nan: boolean], CloseOptions & { other?: Tensor }>): Tensor {
    return end_method(method_call(this), ops.isclose(this, ...args));
  }
  /** Method form of {@link ops.allclose}. */
  allclose(...args: PyArgs<[other: Tensor, rtol: number, atol: number, equal_nan: boolean], CloseOptions & { other?: Tensor }>): boolean {
    return end_method(method_call(this), ops.allclose(this, ...args));
  }
  /** Method form of {@link ops.equal}: same shape and same values. */
  equal(...args: TensorPairMethodArgs): boolean {
    return args.length === 1 && args[0] instanceof Tensor ? ops.equal(this, args[0]) : as_method(this, ops.equal, args);
  }
  /** Method form of {@link ops.argmax}. */
  argmax(...args: PyArgs<[dim: number | null, keepdim: boolean], { dim?: number | null; keepdim?: boolean }>): Tensor {
    return end_method(method_call(this), ops.argmax(this, ...args));
  }
  /** Method form of {@link ops.argmin}. */
  argmin(...args: PyArgs<[dim: number | null, keepdim: boolean], { dim?: number | null; keepdim?: boolean }>): Tensor {
    return end_method(method_call(this), ops.argmin(this, ...args));
  }
  /** Method form of {@link ops.norm}. */
  norm(...args: NormMethodArgs): Tensor {
    return end_method(method_call(this), ops.norm(this, ...args));
  }
  /** Method form of {@link ops.var_} (variance): `x.var(dim, unbiased, keepdim)` or options. */
  var(...args: VarMethodArgs): Tensor {
    return end_method(method_call(this), ops.var_(this, ...args));
  }
  /** Method form of {@link ops.std}. */
  std(...args: VarMethodArgs): Tensor {
    return end_method(method_call(this), ops.std(this, ...args));
  }
  /** Method form of {@link ops.softmax}. */
  softmax(...args: SoftmaxMethodArgs): Tensor {
    return end_method(method_call(this), ops.softmax(this, ...args));
  }
  /** Method form of {@link ops.log_softmax}. */
  log_softmax(...args: SoftmaxMethodArgs): Tensor {
    return end_method(method_call(this), ops.log_softmax(this, ...args));
  }

  // ---- linear algebra -------------------------------------------------------------------------------

  /** Method form of {@link ops.matmul}: `x.matmul(other)` or `x.matmul({ other })`. */
  matmul(...args: PyArgs<[other: Tensor], { other?: Tensor; out?: Tensor | null }>): Tensor {
    if (args.length === 1 && args[0] instanceof Tensor) return ops.matmul(this, args[0]);
    return end_method(method_call(this), (ops.matmul as (...a: unknown[]) => Tensor)(this, ...args));
  }
  /** Method form of {@link ops.mm}. */
  mm(...args: PyArgs<[mat2: Tensor], { mat2?: Tensor }>): Tensor {
    return args.length === 1 && args[0] instanceof Tensor ? ops.mm(this, args[0]) : as_method(this, ops.mm, args);
  }
  /** Method form of {@link ops.mv}. */
  mv(...args: PyArgs<[vec: Tensor], { vec?: Tensor }>): Tensor {
    return args.length === 1 && args[0] instanceof Tensor ? ops.mv(this, args[0]) : as_method(this, ops.mv, args);
  }
  /** Method form of {@link ops.dot}. */
  dot(...args: PyArgs<[tensor: Tensor], { tensor?: Tensor }>): Tensor {
    return args.length === 1 && args[0] instanceof Tensor ? ops.dot(this, args[0]) : as_method(this, ops.dot, args);
  }
  /** Method form of {@link ops.addmm}. */
  addmm(...args: PyArgs<[mat1: Tensor, mat2: Tensor], { mat1?: Tensor; mat2?: Tensor; beta?: Scalar; alpha?: Scalar }>): Tensor {
    return as_method(this, ops.addmm, args);
  }
  /** Method form of {@link ops.bmm}. */
  bmm(...args: PyArgs<[mat2: Tensor], { mat2?: Tensor }>): Tensor {
    return args.length === 1 && args[0] instanceof Tensor ? ops.bmm(this, args[0]) : as_method(this, ops.bmm, args);
  }
  /** Method form of {@link ops.baddbmm}. */
  baddbmm(...args: PyArgs<[batch1: Tensor, batch2: Tensor], { batch1?: Tensor; batch2?: Tensor; beta?: Scalar; alpha?: Scalar }>): Tensor {
    return as_method(this, ops.baddbmm, args);
  }
  /** Method form of {@link ops.tril}. */
  tril(...args: PyArgs<[diagonal: number], { diagonal?: number }>): Tensor {
    return end_method(method_call(this), ops.tril(this, ...args));
  }
  /** Method form of {@link ops.triu}. */
  triu(...args: PyArgs<[diagonal: number], { diagonal?: number }>): Tensor {
    return end_method(method_call(this), ops.triu(this, ...args));
  }

  // ---- shape ----------------------------------------------------------------------------------------

  /** Method form of {@link ops.view}: `x.view(2, 3)` or `x.view([2, 3])`. */
  view(...args: ShapeArg | [{ size: readonly number[] }] | [DTypeLike | { dtype: DTypeLike }]): Tensor {
    const sizes = int_varargs(args);
    if (sizes !== null) return ops.view(this, sizes);
    const { values } = VIEW_METHOD.parse([this, ...args], { method: true });
    if ('size' in values) return ops.view(this, values.size);
    // the same dtype only: tsgrad's dtypes of one width keep their values in different array kinds
    const dtype = values.dtype;
    if (dtype !== this._dtype) throw new Error(`tsgrad cannot view a ${dtype_object(this._dtype)} tensor as ${dtype_object(dtype)} (reinterpreting the bits of another dtype is not supported)`);
    return ops.view(this, this._shape);
  }
  /** `view` to `other`'s shape. */
  view_as(...args: PyArgs<[other: Tensor], { other?: Tensor }>): Tensor {
    return ops.view(this, this._other('view_as', args)._shape);
  }
  /** Method form of {@link ops.reshape}: `x.reshape(2, -1)`, `x.reshape([2, -1])` or `x.reshape({ shape: [2, -1] })`. */
  reshape(...args: ShapeArg | [{ shape: readonly number[] }]): Tensor {
    return ops.reshape(this, int_varargs(args) ?? RESHAPE_METHOD.parse([this, ...args], { method: true }).shape);
  }
  /** `reshape` to `other`'s shape. */
  reshape_as(...args: PyArgs<[other: Tensor], { other?: Tensor }>): Tensor {
    return ops.reshape(this, this._other('reshape_as', args)._shape);
  }
  /** The one Tensor argument of `view_as`, `type_as`, ...: positional, or `{ other }`. */
  private _other(name: string, args: readonly unknown[]): Tensor {
    return args.length === 1 && args[0] instanceof Tensor ? args[0] : OTHER_METHODS.get(name)!.parse([this, ...args], { method: true }).other;
  }
  /** Method form of {@link ops.flatten}. */
  flatten(...args: PyArgs<[start_dim: number, end_dim: number], { start_dim?: number; end_dim?: number }>): Tensor {
    return end_method(method_call(this), ops.flatten(this, ...args));
  }
  /** Method form of {@link ops.transpose}. */
  transpose(...args: PyArgs<[dim0: number, dim1: number], { dim0?: number; dim1?: number }>): Tensor {
    if (args.length === 2 && Number.isInteger(args[0]) && Number.isInteger(args[1])) return ops.transpose(this, args[0] as number, args[1] as number);
    return end_method(method_call(this), ops.transpose(this, ...(args as [number, number])));
  }
  /** Method form of {@link ops.t}. */
  t(no_args?: never): Tensor {
    if (no_args !== undefined) no_arguments('Tensor.t', no_args);
    return ops.t(this);
  }
  /** All dims reversed (PyTorch's `x.T`; for 2-D the transpose), a view. */
  get T(): Tensor {
    return ops.permute(this, this._shape.map((_, i) => this._shape.length - 1 - i));
  }
  /** The last two dims swapped (PyTorch's `x.mT`), a view of a matrix or batch of matrices. */
  get mT(): Tensor {
    if (this.ndim < 2) throw new Error(`tensor.mT is only supported on matrices or batches of matrices. Got ${this.ndim}-D tensor.`);
    return ops.transpose(this, -2, -1);
  }
  /** The conjugate transpose of the last two dims: `x.mT` for real tensors. */
  get mH(): Tensor {
    if (this.ndim < 2) throw new Error(`tensor.mH is only supported on matrices or batches of matrices. Got ${this.ndim}-D tensor.`);
    return ops.transpose(this, -2, -1);
  }
  /** The conjugate transpose of a matrix (2-D only): `x.T` for real tensors. */
  get H(): Tensor {
    if (this.ndim !== 2) throw new Error(`tensor.H is only supported on matrices (2-D tensors). Got ${this.ndim}-D tensor.${this.ndim > 2 ? ' For batches of matrices, consider using tensor.mH' : ''}`);
    return ops.transpose(this, 0, 1);
  }
  /** Method form of {@link ops.det}. */
  det(no_args?: never): Tensor {
    if (no_args !== undefined) no_arguments('Tensor.det', no_args);
    return ops.det(this);
  }
  /** Method form of {@link ops.logdet}. */
  logdet(no_args?: never): Tensor {
    if (no_args !== undefined) no_arguments('Tensor.logdet', no_args);
    return ops.logdet(this);
  }
  /** Method form of {@link ops.slogdet}. */
  slogdet(no_args?: never): ops.SlogdetResult {
    if (no_args !== undefined) no_arguments('Tensor.slogdet', no_args);
    return ops.slogdet(this);
  }
  /** Method form of {@link ops.inverse}. */
  inverse(no_args?: never): Tensor {
    if (no_args !== undefined) no_arguments('Tensor.inverse', no_args);
    return ops.inverse(this);
  }
  /** Method form of {@link ops.cholesky} (deprecated in PyTorch for `torch.linalg.cholesky`). */
  cholesky(...args: PyArgs<[upper: boolean], { upper?: boolean }>): Tensor {
    return as_method(this, ops.cholesky, args);
  }
  /** Method form of {@link ops.qr}. */
  qr(...args: PyArgs<[some: boolean], { some?: boolean }>): ops.QrResult {
    return as_method(this, ops.qr, args);
  }
  /** Method form of {@link ops.svd}. */
  svd(...args: PyArgs<[some: boolean, compute_uv: boolean], { some?: boolean; compute_uv?: boolean }>): ops.TorchSvdResult {
    return as_method(this, ops.svd, args);
  }
  /** Method form of {@link ops.pinverse}. */
  pinverse(...args: PyArgs<[rcond: number], { rcond?: number }>): Tensor {
    return as_method(this, ops.pinverse, args);
  }
  /** Method form of {@link ops.matrix_power}. */
  matrix_power(...args: PyArgs<[n: number], { n?: number }>): Tensor {
    return as_method(this, ops.matrix_power, args);
  }
  /** Method form of {@link ops.matrix_exp}. */
  matrix_exp(no_args?: never): Tensor {
    if (no_args !== undefined) no_arguments('Tensor.matrix_exp', no_args);
    return ops.matrix_exp(this);
  }
  /** Method form of {@link ops.permute}: `x.permute(2, 0, 1)` or `x.permute([2, 0, 1])`. */
  permute(...args: ShapeArg | [{ dims: readonly number[] }]): Tensor {
    return ops.permute(this, int_varargs(args) ?? PERMUTE_METHOD.parse([this, ...args], { method: true }).dims);
  }
  /** Method form of {@link ops.unsqueeze}. */
  unsqueeze(...args: PyArgs<[dim: number], { dim?: number }>): Tensor {
    if (args.length === 1 && Number.isInteger(args[0])) return ops.unsqueeze(this, args[0] as number);
    return end_method(method_call(this), ops.unsqueeze(this, ...(args as [number])));
  }
  /** Method form of {@link ops.squeeze}: every size-1 dim, `dim`, or a list of dims. */
  squeeze(...args: PyArgs<[dim: number | readonly number[]], { dim?: number | readonly number[] }>): Tensor {
    if (args.length === 0 || (args.length === 1 && Number.isInteger(args[0]))) return ops.squeeze(this, ...(args as [number]));
    return end_method(method_call(this), ops.squeeze(this, ...(args as [number])));
  }
  /** Method form of {@link ops.expand}: `x.expand(3, -1)`, `x.expand([3, -1])` or `x.expand({ size: [3, -1] })`. */
  expand(...args: ShapeArg | [...(number[] | [readonly number[]]), { size?: readonly number[]; implicit?: boolean }]): Tensor {
    return ops.expand(this, int_varargs(args) ?? EXPAND_METHOD.parse([this, ...args], { method: true }).size);
  }
  /** `expand` to `other`'s shape. */
  expand_as(...args: PyArgs<[other: Tensor], { other?: Tensor }>): Tensor {
    return ops.expand(this, this._other('expand_as', args)._shape);
  }
  /** A row-major tensor with the same values: itself when already contiguous, else a copy (CloneBackward0). */
  contiguous(no_args?: never): Tensor {
    if (no_args !== undefined) PLAIN_METHODS.get('contiguous')!.parse([this, no_args], { method: true });
    return this.is_contiguous() ? this : ops.clone(this);
  }
  /** Method form of {@link ops.clone}. */
  clone(no_args?: never): Tensor {
    if (no_args !== undefined) PLAIN_METHODS.get('clone')!.parse([this, no_args], { method: true });
    return ops.clone(this);
  }
  /** PyTorch's `x[...]`: ints, slices `{start, stop, step}`, `'...'`, `null`, int64 index tensors, bool masks, number lists. */
  index(indices: IndexItem[] | Exclude<IndexItem, unknown[]>): Tensor {
    return ops.index(this, Array.isArray(indices) ? (indices as IndexItem[]) : [indices]);
  }
  /** PyTorch's `x[...] = value` (recorded as CopySlices / IndexPutBackward0); same index forms as `index`. */
  setitem(indices: IndexItem[] | Exclude<IndexItem, unknown[]>, value: Tensor | number): void {
    ops.setitem(this, indices, value);
  }
  /** A view with explicit sizes, strides and storage offset (AsStridedBackward0). */
  as_strided(...args: PyArgs<[size: readonly number[], stride: readonly number[], storage_offset: number | null], { size?: readonly number[]; stride?: readonly number[]; storage_offset?: number | null }>): Tensor {
    return end_method(method_call(this), ops.as_strided(this, ...(args as [number[], number[]])));
  }
  /** Method form of {@link ops.select}. */
  select(...args: PyArgs<[dim: number, index: number], { dim?: number; index?: number }>): Tensor {
    return end_method(method_call(this), ops.select(this, ...args));
  }
  /** Method form of {@link ops.narrow}. */
  narrow(...args: PyArgs<[dim: number, start: number, length: number], { dim?: number; start?: number; length?: number }>): Tensor {
    return end_method(method_call(this), ops.narrow(this, ...args));
  }
  /** Method form of {@link ops.chunk}. */
  chunk(...args: PyArgs<[chunks: number, dim: number], { chunks?: number; dim?: number }>): Tensor[] {
    return end_method(method_call(this), ops.chunk(this, ...args));
  }
  /** Method form of {@link ops.split}: `x.split(split_size, dim=0)` (PyTorch names the size `split_size` here). */
  split(...args: PyArgs<[split_size: number | number[], dim: number], { split_size?: number | number[]; dim?: number }>): Tensor[] {
    // Tensor.split names its size `split_size`, torch.split `split_size_or_sections`
    const { split_size, dim } = SPLIT_METHOD.parse([this, ...args], { method: true });
    return ops.split_by(this, split_size, dim);
  }
  /** Method form of {@link ops.split_with_sizes}. */
  split_with_sizes(...args: PyArgs<[split_sizes: number[], dim: number], { split_sizes?: number[]; dim?: number }>): Tensor[] {
    return end_method(method_call(this), ops.split_with_sizes(this, ...args));
  }
  /** Method form of {@link ops.unsafe_split}. */
  unsafe_split(...args: PyArgs<[split_size: number, dim: number], { split_size?: number; dim?: number }>): Tensor[] {
    return end_method(method_call(this), ops.unsafe_split(this, ...args));
  }
  /** Method form of {@link ops.unsafe_split_with_sizes}. */
  unsafe_split_with_sizes(...args: PyArgs<[split_sizes: number[], dim: number], { split_sizes?: number[]; dim?: number }>): Tensor[] {
    return end_method(method_call(this), ops.unsafe_split_with_sizes(this, ...args));
  }
  /** Method form of {@link ops.unsafe_chunk}. */
  unsafe_chunk(...args: PyArgs<[chunks: number, dim: number], { chunks?: number; dim?: number }>): Tensor[] {
    return end_method(method_call(this), ops.unsafe_chunk(this, ...args));
  }
  /** Method form of {@link ops.unbind}. */
  unbind(...args: PyArgs<[dim: number], { dim?: number }>): Tensor[] {
    if (args.length === 0 || (args.length === 1 && Number.isInteger(args[0]))) return ops.unbind(this, ...(args as [number]));
    return end_method(method_call(this), ops.unbind(this, ...(args as [number])));
  }
  /** Method form of {@link ops.gather}. */
  gather(...args: PyArgs<[dim: number, index: Tensor], { dim?: number; index?: Tensor }>): Tensor {
    return end_method(method_call(this), ops.gather(this, ...args));
  }
  /** Method form of {@link ops.sort}. */
  sort(...args: SortMethodArgs): SortResult {
    return end_method(method_call(this), ops.sort(this, ...args));
  }
  /** Method form of {@link ops.argsort}. */
  argsort(...args: SortMethodArgs): Tensor {
    return end_method(method_call(this), ops.argsort(this, ...args));
  }
  /** Method form of {@link ops.topk}. */
  topk(...args: TopkMethodArgs): SortResult {
    return end_method(method_call(this), ops.topk(this, ...args));
  }
  /** Method form of {@link ops.flip}; the dims may also be listed one by one (`x.flip(0, 1)`). */
  flip(...dims: (number | number[] | { dims?: number | number[] })[]): Tensor {
    return end_method(method_call(this), ops.flip(this, FLIP_METHOD.parse([this, ...dims], { method: true }).dims));
  }
  /** Method form of {@link ops.roll}. */
  roll(...args: PyArgs<[shifts: number | number[], dims: number | number[]], { shifts?: number | number[]; dims?: number | number[] }>): Tensor {
    return end_method(method_call(this), ops.roll(this, ...args));
  }
  /** Method form of {@link ops.cumsum}. */
  cumsum(...args: CumsumMethodArgs): Tensor {
    return end_method(method_call(this), ops.cumsum(this, ...args));
  }
  /** Method form of {@link ops.xlogy}. */
  xlogy(...args: PyArgs<[other: Tensor | Scalar], { other?: Tensor | Scalar }>): Tensor {
    return end_method(method_call(this), ops.xlogy(this, ...args));
  }
  /** Method form of {@link ops.lerp}. */
  lerp(...args: LerpMethodArgs): Tensor {
    return end_method(method_call(this), ops.lerp(this, ...args));
  }
  /** Method form of {@link ops.lerp_}. */
  lerp_(...args: LerpMethodArgs): this {
    return end_method(method_call(this), ops.lerp_(this, ...args));
  }
  /** Method form of {@link ops.addcmul}. */
  addcmul(...args: AddcMethodArgs): Tensor {
    return end_method(method_call(this), ops.addcmul(this, ...args));
  }
  /** Method form of {@link ops.addcmul_}. */
  addcmul_(...args: AddcMethodArgs): this {
    return end_method(method_call(this), ops.addcmul_(this, ...args));
  }
  /** Method form of {@link ops.addcdiv}. */
  addcdiv(...args: AddcMethodArgs): Tensor {
    return end_method(method_call(this), ops.addcdiv(this, ...args));
  }
  /** Method form of {@link ops.addcdiv_}. */
  addcdiv_(...args: AddcMethodArgs): this {
    return end_method(method_call(this), ops.addcdiv_(this, ...args));
  }
  /** Method form of {@link ops.prod}. */
  prod(...args: ProdMethodArgs): Tensor {
    return end_method(method_call(this), ops.prod(this, ...args));
  }
  /** Method form of {@link ops.cumprod}. */
  cumprod(...args: CumprodMethodArgs): Tensor {
    return end_method(method_call(this), ops.cumprod(this, ...args));
  }
  /** Method form of {@link ops.diagonal}. */
  diagonal(...args: DiagonalMethodArgs): Tensor {
    return end_method(method_call(this), ops.diagonal(this, ...args));
  }
  /** Method form of {@link ops.diag_embed}. */
  diag_embed(...args: DiagonalMethodArgs): Tensor {
    return end_method(method_call(this), ops.diag_embed(this, ...args));
  }
  /** Method form of {@link ops.diag}. */
  diag(...args: PyArgs<[diagonal: number], { diagonal?: number }>): Tensor {
    return end_method(method_call(this), ops.diag(this, ...args));
  }
  /** Method form of {@link ops.movedim}. */
  movedim(...args: MovedimMethodArgs): Tensor {
    return end_method(method_call(this), ops.movedim(this, ...args));
  }
  /** Method form of {@link ops.moveaxis}. */
  moveaxis(...args: MovedimMethodArgs): Tensor {
    return end_method(method_call(this), ops.moveaxis(this, ...args));
  }
  /** Method form of {@link ops.masked_select}. */
  masked_select(...args: PyArgs<[mask: Tensor], { mask?: Tensor }>): Tensor {
    return end_method(method_call(this), ops.masked_select(this, ...args));
  }
  /** Method form of {@link ops.nonzero}. */
  nonzero(...args: PyArgs<[], { as_tuple?: boolean }>): Tensor | Tensor[] {
    return end_method(method_call(this), ops.nonzero(this, ...args));
  }
  /** Method form of {@link ops.argwhere}. */
  argwhere(...args: []): Tensor {
    return end_method(method_call(this), ops.argwhere(this, ...args));
  }
  /** Method form of {@link ops.take}. */
  take(...args: PyArgs<[index: Tensor], { index?: Tensor }>): Tensor {
    return end_method(method_call(this), ops.take(this, ...args));
  }
  /** Method form of {@link ops.take_along_dim}. */
  take_along_dim(...args: TakeAlongDimMethodArgs): Tensor {
    return end_method(method_call(this), ops.take_along_dim(this, ...args));
  }
  /** Method form of {@link ops.index_add}. */
  index_add(...args: IndexSourceMethodArgs): Tensor {
    return end_method(method_call(this), ops.index_add(this, ...args));
  }
  /** Method form of {@link ops.index_add_}. */
  index_add_(...args: IndexSourceMethodArgs): this {
    return end_method(method_call(this), ops.index_add_(this, ...args));
  }
  /** Method form of {@link ops.index_copy}. */
  index_copy(...args: IndexSourceMethodArgs): Tensor {
    return end_method(method_call(this), ops.index_copy(this, ...args));
  }
  /** Method form of {@link ops.index_copy_}. */
  index_copy_(...args: IndexSourceMethodArgs): this {
    return end_method(method_call(this), ops.index_copy_(this, ...args));
  }
  /** Method form of {@link ops.index_fill}. */
  index_fill(...args: IndexFillMethodArgs): Tensor {
    return end_method(method_call(this), ops.index_fill(this, ...args));
  }
  /** Method form of {@link ops.index_fill_}. */
  index_fill_(...args: IndexFillMethodArgs): this {
    return end_method(method_call(this), ops.index_fill_(this, ...args));
  }
  /** Method form of {@link ops.multinomial}. */
  multinomial(...args: MultinomialMethodArgs): Tensor {
    return end_method(method_call(this), ops.multinomial(this, ...args));
  }
  /** Method form of {@link ops.floor}. */
  floor(...args: []): Tensor {
    return end_method(method_call(this), (ops.floor as (...a: unknown[]) => Tensor)(this, ...args));
  }
  /** Method form of {@link ops.ceil}. */
  ceil(...args: []): Tensor {
    return end_method(method_call(this), (ops.ceil as (...a: unknown[]) => Tensor)(this, ...args));
  }
  /** Method form of {@link ops.trunc}. */
  trunc(...args: []): Tensor {
    return end_method(method_call(this), (ops.trunc as (...a: unknown[]) => Tensor)(this, ...args));
  }
  /** Method form of {@link ops.round}. */
  round(...args: PyArgs<[], { decimals?: number }>): Tensor {
    return end_method(method_call(this), (ops.round as (...a: unknown[]) => Tensor)(this, ...args));
  }
  /** Method form of {@link ops.clamp_min}. */
  clamp_min(...args: PyArgs<[min: Scalar], { min?: Scalar }>): Tensor {
    return end_method(method_call(this), (ops.clamp_min as (...a: unknown[]) => Tensor)(this, ...args));
  }
  /** Method form of {@link ops.clamp_max}. */
  clamp_max(...args: PyArgs<[max: Scalar], { max?: Scalar }>): Tensor {
    return end_method(method_call(this), (ops.clamp_max as (...a: unknown[]) => Tensor)(this, ...args));
  }
  /** Method form of {@link ops.tile}: `x.tile(2, 1)`, `x.tile([2, 1])` or `x.tile({ dims: [2, 1] })`. */
  tile(...args: TileMethodArgs): Tensor {
    return ops.tile(this, int_varargs(args) ?? TILE_METHOD.parse([this, ...args], { method: true }).dims);
  }
  /** Method form of {@link ops.unflatten}. */
  unflatten(...args: PyArgs<[dim: number, sizes: readonly number[]], { dim?: number; sizes?: readonly number[] }>): Tensor {
    const { dim, sizes } = UNFLATTEN_METHOD.parse([this, ...args], { method: true });
    return ops.unflatten(this, dim, sizes);
  }
  /** Method form of {@link ops.broadcast_to}. */
  broadcast_to(...args: PyArgs<[size: readonly number[]], { size?: readonly number[] }>): Tensor {
    return end_method(method_call(this), ops.broadcast_to(this, ...args));
  }
  /** Method form of {@link ops.is_nonzero}. */
  is_nonzero(no_args?: never): boolean {
    if (no_args !== undefined) no_arguments('Tensor.is_nonzero', no_args);
    return ops.is_nonzero(this);
  }
  /** Method form of {@link ops.repeat}. */
  repeat(...args: (number | number[] | { repeats?: number[] })[]): Tensor {
    return end_method(method_call(this), (ops.repeat as (...a: unknown[]) => Tensor)(this, ...args));
  }
  /** Method form of {@link ops.logsumexp}. */
  logsumexp(...args: LogsumexpMethodArgs): Tensor {
    return end_method(method_call(this), ops.logsumexp(this, ...args));
  }
  /** Method form of {@link ops.index_select}. */
  index_select(...args: PyArgs<[dim: number, index: Tensor], { dim?: number; index?: Tensor }>): Tensor {
    return end_method(method_call(this), ops.index_select(this, ...args));
  }
  /** Method form of {@link ops.scatter}. */
  scatter(...args: ScatterMethodArgs): Tensor {
    return end_method(method_call(this), ops.scatter(this, ...args));
  }
  /** Method form of {@link ops.scatter_}. */
  scatter_(...args: ScatterMethodArgs): this {
    return end_method(method_call(this), ops.scatter_(this, ...args));
  }
  /** Method form of {@link ops.scatter_add}. */
  scatter_add(...args: ScatterAddMethodArgs): Tensor {
    return end_method(method_call(this), ops.scatter_add(this, ...args));
  }
  /** Method form of {@link ops.scatter_add_}. */
  scatter_add_(...args: ScatterAddMethodArgs): this {
    return end_method(method_call(this), ops.scatter_add_(this, ...args));
  }
  /** Method form of {@link ops.masked_fill}. */
  masked_fill(...args: PyArgs<[mask: Tensor, value: Scalar | Tensor], { mask?: Tensor; value?: Scalar | Tensor }>): Tensor {
    return as_method(this, ops.masked_fill, args);
  }
  /** Method form of {@link ops.masked_fill_}. */
  masked_fill_(...args: MaskedFillMethodArgs): this {
    return as_method(this, ops.masked_fill_, args) as this;
  }
  /** `torch.where(condition, this, other)`: this tensor's values where `condition` holds, `other`'s elsewhere. */
  where(...args: PyArgs<[condition: Tensor, other: Tensor | Scalar], { condition?: Tensor; other?: Tensor | Scalar }>): Tensor {
    if (args.length === 2 && args[0] instanceof Tensor && is_operand(args[1])) return ops.where(args[0], this, args[1]);
    const a = (where_method ??= signature('where(Tensor input, Tensor condition, Tensor|Scalar other)')).parse([this, ...args], { method: true });
    return ops.where(a.condition, this, a.other);
  }

  // ---- in-place -------------------------------------------------------------------------------------

  /** Method form of {@link ops.add_}. */
  add_(...args: AlphaMethodArgs): this {
    return args.length === 1 && is_operand(args[0]) ? ops.add_(this, args[0]) : as_method(this, ops.add_, args) as this;
  }
  /** Method form of {@link ops.sub_}. */
  sub_(...args: AlphaMethodArgs): this {
    return args.length === 1 && is_operand(args[0]) ? ops.sub_(this, args[0]) : as_method(this, ops.sub_, args) as this;
  }
  /** Method form of {@link ops.mul_}. */
  mul_(...args: OperandMethodArgs): this {
    return args.length === 1 && is_operand(args[0]) ? ops.mul_(this, args[0]) : as_method(this, ops.mul_, args) as this;
  }
  /** Method form of {@link ops.div_}. */
  div_(...args: DivMethodArgs): this {
    return args.length === 1 && is_operand(args[0]) ? ops.div_(this, args[0]) : as_method(this, ops.div_, args) as this;
  }
  /** Method form of {@link ops.relu_}. */
  relu_(...args: []): this {
    return args.length === 0 ? ops.relu_(this) : as_method(this, ops.relu_, args) as this;
  }
  /** Method form of {@link ops.sin_}. */
  sin_(...args: []): this {
    return args.length === 0 ? ops.sin_(this) : as_method(this, ops.sin_, args) as this;
  }
  /** Method form of {@link ops.cos_}. */
  cos_(...args: []): this {
    return args.length === 0 ? ops.cos_(this) : as_method(this, ops.cos_, args) as this;
  }
  /** Method form of {@link ops.sqrt_}. */
  sqrt_(...args: []): this {
    return args.length === 0 ? ops.sqrt_(this) : as_method(this, ops.sqrt_, args) as this;
  }
  /** Method form of {@link ops.log_}. */
  log_(...args: []): this {
    return args.length === 0 ? ops.log_(this) : as_method(this, ops.log_, args) as this;
  }
  /** Method form of {@link ops.reciprocal_}. */
  reciprocal_(...args: []): this {
    return args.length === 0 ? ops.reciprocal_(this) : as_method(this, ops.reciprocal_, args) as this;
  }
  /** Method form of {@link ops.neg_}. */
  neg_(...args: []): this {
    return args.length === 0 ? ops.neg_(this) : as_method(this, ops.neg_, args) as this;
  }
  /** Method form of {@link ops.abs_}. */
  abs_(...args: []): this {
    return args.length === 0 ? ops.abs_(this) : as_method(this, ops.abs_, args) as this;
  }
  /** Method form of {@link ops.pow_}. */
  pow_(...args: OperandMethodArgs): this {
    return args.length === 1 && is_operand(args[0]) ? ops.pow_(this, args[0]) : as_method(this, ops.pow_, args) as this;
  }
  /** Method form of {@link ops.t_}: transposes in place (TBackward1). */
  t_(no_args?: never): this {
    if (no_args !== undefined) no_arguments('Tensor.t_', no_args);
    return ops.t_(this);
  }
  /** Method form of {@link ops.transpose_}: swaps two dims in place (TransposeBackward1). */
  transpose_(...args: TransposeInplaceArgs): this {
    return end_method(method_call(this), ops.transpose_(this, ...args));
  }
  /** Method form of {@link ops.swapdims_}. */
  swapdims_(...args: TransposeInplaceArgs): this {
    return end_method(method_call(this), ops.swapdims_(this, ...args));
  }
  /** `swapdims_` under NumPy's other name (PyTorch's `swapaxes_`). */
  swapaxes_(...args: SwapaxesInplaceArgs): this {
    return end_method(method_call(this), ops.swapaxes_(this, ...args));
  }
  /** Method form of {@link ops.swapaxes}. */
  swapaxes(...args: PyArgs<[axis0: number, axis1: number], { axis0?: number; axis1?: number }>): Tensor {
    return end_method(method_call(this), ops.swapaxes(this, ...args));
  }
  /** Method form of {@link ops.swapdims}. */
  swapdims(...args: PyArgs<[dim0: number, dim1: number], { dim0?: number; dim1?: number }>): Tensor {
    return end_method(method_call(this), ops.swapdims(this, ...args));
  }
  /** Method form of {@link ops.unsqueeze_}: inserts a size-1 dim in place (UnsqueezeBackward1). */
  unsqueeze_(...args: PyArgs<[dim: number], { dim?: number }>): this {
    return end_method(method_call(this), ops.unsqueeze_(this, ...args));
  }
  /** Method form of {@link ops.squeeze_}: drops size-1 dims in place (SqueezeBackward2 / 3). */
  squeeze_(...args: PyArgs<[dim: number | null], { dim?: number | null }>): this {
    return end_method(method_call(this), ops.squeeze_(this, ...args));
  }
  /** In-place `exp` (recorded as ExpBackward0, as PyTorch's `exp_`). */
  exp_(...args: []): this {
    return args.length === 0 ? ops.exp_(this) : as_method(this, ops.exp_, args) as this;
  }
  /** In-place `sigmoid` (recorded as SigmoidBackward0). */
  sigmoid_(...args: []): this {
    return args.length === 0 ? ops.sigmoid_(this) : as_method(this, ops.sigmoid_, args) as this;
  }
  /** In-place `tanh` (recorded as TanhBackward0). */
  tanh_(...args: []): this {
    return args.length === 0 ? ops.tanh_(this) : as_method(this, ops.tanh_, args) as this;
  }
  /** Method form of {@link ops.clamp_}. */
  clamp_(...args: ClampMethodArgs): this {
    return as_method(this, ops.clamp_, args) as this;
  }
  /** Fills with zeros in place (FillBackward2) and returns this tensor. */
  zero_(no_args?: never): this {
    if (no_args !== undefined) no_arguments('Tensor.zero_', no_args);
    return ops.fill_(this, 0);
  }
  /** Method form of {@link ops.fill_}: `x.fill_(value)` or `x.fill_({ value })`. */
  fill_(...args: PyArgs<[value: Scalar | Tensor], { value?: Scalar | Tensor }>): this {
    const v = args.length === 1 && (typeof args[0] === 'number' || typeof args[0] === 'boolean' || args[0] instanceof Tensor) ? args[0] : FILL_METHOD.parse([this, ...args], { method: true }).value;
    return ops.fill_(this, v);
  }
  /** Method form of {@link ops.copy_}: `x.copy_(src)`, `x.copy_(src, non_blocking)` or `{ other, non_blocking }` (non_blocking changes nothing on the CPU). */
  copy_(...args: PyArgs<[other: Tensor, non_blocking: boolean], { other?: Tensor; non_blocking?: boolean }>): this {
    return ops.copy_(this, args.length === 1 && args[0] instanceof Tensor ? args[0] : COPY_METHOD.parse([this, ...args], { method: true }).other);
  }
  /** Method form of {@link ops.uniform_}: `x.uniform_(from, to, { generator })`. */
  uniform_(...args: PyArgs<[from: number, to: number], { generator?: Generator | null } & { from?: number; to?: number }>): this {
    return ops.uniform_(this, ...args);
  }
  /** Method form of {@link ops.exponential_}. */
  exponential_(...args: PyArgs<[lambd: number], { generator?: Generator | null } & { lambd?: number }>): this {
    return ops.exponential_(this, ...args);
  }
  /** Method form of {@link ops.normal_}: `x.normal_(mean, std, { generator })`. */
  normal_(...args: PyArgs<[mean: number, std: number], { generator?: Generator | null } & { mean?: number; std?: number }>): this {
    return ops.normal_(this, ...args);
  }
  /** Method form of {@link ops.random_}: `x.random_()`, `x.random_(to)`, `x.random_(from, to)`. */
  random_(...args: PyArgs<[from: number, to: number | null], { generator?: Generator | null } & { from?: number; to?: number | null }>): this {
    return ops.random_(this, ...args);
  }
  /** Method form of {@link ops.geometric_}. */
  geometric_(...args: PyArgs<[p: number], { generator?: Generator | null } & { p?: number }>): this {
    return ops.geometric_(this, ...args);
  }
  /** Method form of {@link ops.log_normal_}. */
  log_normal_(...args: PyArgs<[mean: number, std: number], { generator?: Generator | null } & { mean?: number; std?: number }>): this {
    return ops.log_normal_(this, ...args);
  }
  /** Method form of {@link ops.cauchy_}. */
  cauchy_(...args: PyArgs<[median: number, sigma: number], { generator?: Generator | null } & { median?: number; sigma?: number }>): this {
    return ops.cauchy_(this, ...args);
  }
  /** Method form of {@link ops.bernoulli_}: `x.bernoulli_(p)` with a number or a tensor of probabilities. */
  bernoulli_(...args: PyArgs<[p: number | Tensor], { generator?: Generator | null } & { p?: number | Tensor }>): this {
    return ops.bernoulli_(this, ...args);
  }
  /** Method form of {@link ops.bernoulli}: `x.bernoulli()` samples with the probabilities in `x`; `x.bernoulli(p)`. */
  bernoulli(...args: PyArgs<[p: number | null], { generator?: Generator | null } & { p?: number | null }>): Tensor {
    return ops.bernoulli(this, ...args);
  }

  // ---- reducing and positional writes (ops/scatter_reduce.ts, flat_writes.ts) ----
  /** Method form of {@link ops.scatter_reduce}. */
  scatter_reduce(...args: ScatterReduceMethodArgs): Tensor {
    return end_method(method_call(this), ops.scatter_reduce(this, ...args));
  }
  /** Method form of {@link ops.scatter_reduce_}. */
  scatter_reduce_(...args: ScatterReduceMethodArgs): this {
    return end_method(method_call(this), ops.scatter_reduce_(this, ...args));
  }
  /** Method form of {@link ops.index_reduce}. */
  index_reduce(...args: IndexReduceMethodArgs): Tensor {
    return end_method(method_call(this), ops.index_reduce(this, ...args));
  }
  /** Method form of {@link ops.index_reduce_}. */
  index_reduce_(...args: IndexReduceMethodArgs): this {
    return end_method(method_call(this), ops.index_reduce_(this, ...args));
  }
  /** Method form of {@link ops.put}. */
  put(...args: PutMethodArgs): Tensor {
    return end_method(method_call(this), ops.put(this, ...args));
  }
  /** Method form of {@link ops.put_}. */
  put_(...args: PutMethodArgs): this {
    return end_method(method_call(this), ops.put_(this, ...args));
  }
  /** Method form of {@link ops.index_put}. */
  index_put(...args: IndexPutMethodArgs): Tensor {
    return end_method(method_call(this), ops.index_put(this, ...args));
  }
  /** Method form of {@link ops.index_put_}. */
  index_put_(...args: IndexPutMethodArgs): this {
    return end_method(method_call(this), ops.index_put_(this, ...args));
  }
  /** Method form of {@link ops.masked_scatter}. */
  masked_scatter(...args: MaskedScatterMethodArgs): Tensor {
    return end_method(method_call(this), ops.masked_scatter(this, ...args));
  }
  /** Method form of {@link ops.masked_scatter_}. */
  masked_scatter_(...args: MaskedScatterMethodArgs): this {
    return end_method(method_call(this), ops.masked_scatter_(this, ...args));
  }
  /** Whether the dtype can hold negative values (false for bool and uint8), as PyTorch's `x.is_signed()`. */
  is_signed(no_args?: never): boolean {
    if (no_args !== undefined) no_arguments('Tensor.is_signed', no_args);
    return this.dtype.is_signed;
  }
  /** `x.sum_to_size(*size)`: sums the dims `size` broadcasts along, so the result has `size` (SumBackward1). */
  sum_to_size(...size: number[] | [number[]]): Tensor {
    const target = SUM_TO_SIZE_METHOD.parse([this, ...size], { method: true }).size;
    const fits = target.length <= this.ndim && target.every((n, i) => n === 1 || n === this._shape[this.ndim - target.length + i]);
    if (!fits) throw new Error(`size {[${target.join(', ')}]} is not expandable to size {[${this._shape.join(', ')}]}.`);
    return ops.sum_to(this, target);
  }
  // ---- counting and binning (ops/counting.ts) ----
  /** Method form of {@link ops.unique}. */
  unique(...args: UniqueMethodArgs): UniqueResult {
    return end_method(method_call(this), ops.unique(this, ...args));
  }
  /** Method form of {@link ops.unique_consecutive}. */
  unique_consecutive(...args: UniqueConsecutiveMethodArgs): UniqueResult {
    return end_method(method_call(this), ops.unique_consecutive(this, ...args));
  }
  /** Method form of {@link ops.bincount}. */
  bincount(...args: BincountMethodArgs): Tensor {
    return end_method(method_call(this), ops.bincount(this, ...args));
  }
  /** Method form of {@link ops.histc}. */
  histc(...args: HistcMethodArgs): Tensor {
    return end_method(method_call(this), ops.histc(this, ...args));
  }
  // ---- order statistics, running and NaN-skipping reductions (ops/order_stats.ts, cumulative.ts, nan_reduce.ts) ----
  /** Method form of {@link ops.kthvalue}. */
  kthvalue(...args: KthvalueMethodArgs): OrderStatResult {
    return end_method(method_call(this), ops.kthvalue(this, ...args));
  }
  /** Method form of {@link ops.median}. */
  median(...args: MedianMethodArgs): Tensor & OrderStatResult {
    return end_method(method_call(this), (ops.median as (...a: unknown[]) => Tensor & OrderStatResult)(this, ...args));
  }
  /** Method form of {@link ops.nanmedian}. */
  nanmedian(...args: MedianMethodArgs): Tensor & OrderStatResult {
    return end_method(method_call(this), (ops.nanmedian as (...a: unknown[]) => Tensor & OrderStatResult)(this, ...args));
  }
  /** Method form of {@link ops.mode}. */
  mode(...args: ModeMethodArgs): OrderStatResult {
    return end_method(method_call(this), ops.mode(this, ...args));
  }
  /** Method form of {@link ops.quantile}. */
  quantile(...args: QuantileMethodArgs): Tensor {
    return end_method(method_call(this), ops.quantile(this, ...args));
  }
  /** Method form of {@link ops.nanquantile}. */
  nanquantile(...args: QuantileMethodArgs): Tensor {
    return end_method(method_call(this), ops.nanquantile(this, ...args));
  }
  /** Method form of {@link ops.cummax}. */
  cummax(...args: CumExtremeMethodArgs): OrderStatResult {
    return end_method(method_call(this), ops.cummax(this, ...args));
  }
  /** Method form of {@link ops.cummin}. */
  cummin(...args: CumExtremeMethodArgs): OrderStatResult {
    return end_method(method_call(this), ops.cummin(this, ...args));
  }
  /** Method form of {@link ops.logcumsumexp}. */
  logcumsumexp(...args: PyArgs<[dim: number], { dim?: number }>): Tensor {
    return end_method(method_call(this), ops.logcumsumexp(this, ...args));
  }
  /** Method form of {@link ops.diff}. */
  diff(...args: DiffMethodArgs): Tensor {
    return end_method(method_call(this), ops.diff(this, ...args));
  }
  /** Method form of {@link ops.nansum}. */
  nansum(...args: NanReduceMethodArgs): Tensor {
    return end_method(method_call(this), ops.nansum(this, ...args));
  }
  /** Method form of {@link ops.nanmean}. */
  nanmean(...args: NanReduceMethodArgs): Tensor {
    return end_method(method_call(this), ops.nanmean(this, ...args));
  }
  /** Method form of {@link ops.count_nonzero}. */
  count_nonzero(...args: CountNonzeroMethodArgs): Tensor {
    return end_method(method_call(this), ops.count_nonzero(this, ...args));
  }
  /** Method form of {@link ops.aminmax}. */
  aminmax(...args: AminmaxMethodArgs): AminmaxResult {
    return end_method(method_call(this), ops.aminmax(this, ...args));
  }

  // ---- splitting, diagonals and vector products (ops/splitting.ts, diag_scatter.ts, vector_products.ts) ----
  /** Method form of {@link ops.tensor_split}. */
  tensor_split(...args: TensorSplitMethodArgs): Tensor[] {
    return end_method(method_call(this), ops.tensor_split(this, ...args));
  }
  /** Method form of {@link ops.hsplit}. */
  hsplit(...args: DirSplitMethodArgs): Tensor[] {
    return end_method(method_call(this), ops.hsplit(this, ...args));
  }
  /** Method form of {@link ops.vsplit}. */
  vsplit(...args: DirSplitMethodArgs): Tensor[] {
    return end_method(method_call(this), ops.vsplit(this, ...args));
  }
  /** Method form of {@link ops.dsplit}. */
  dsplit(...args: DirSplitMethodArgs): Tensor[] {
    return end_method(method_call(this), ops.dsplit(this, ...args));
  }
  /** Method form of {@link ops.ravel}. */
  ravel(...args: []): Tensor {
    return end_method(method_call(this), ops.ravel(this, ...args));
  }
  /** Method form of {@link ops.unfold_windows}. */
  unfold(...args: UnfoldMethodArgs): Tensor {
    return end_method(method_call(this), ops.unfold_windows(this, ...args));
  }
  /** Method form of {@link ops.narrow_copy}. */
  narrow_copy(...args: PyArgs<[dim: number, start: number, length: number], { dim?: number; start?: number; length?: number }>): Tensor {
    return end_method(method_call(this), ops.narrow_copy(this, ...args));
  }
  /** Method form of {@link ops.rot90}. */
  rot90(...args: Rot90MethodArgs): Tensor {
    return end_method(method_call(this), ops.rot90(this, ...args));
  }
  /** Method form of {@link ops.msort}. */
  msort(...args: []): Tensor {
    return end_method(method_call(this), ops.msort(this, ...args));
  }
  /** Method form of {@link ops.repeat_interleave}. */
  repeat_interleave(...args: RepeatInterleaveMethodArgs): Tensor {
    return end_method(method_call(this), ops.repeat_interleave(this, ...args));
  }
  /** Method form of {@link ops.diagflat}. */
  diagflat(...args: PyArgs<[offset: number], { offset?: number }>): Tensor {
    return end_method(method_call(this), ops.diagflat(this, ...args));
  }
  /** Method form of {@link ops.fill_diagonal_}. */
  fill_diagonal_(...args: FillDiagonalMethodArgs): this {
    return end_method(method_call(this), ops.fill_diagonal_(this, ...args));
  }
  /** Method form of {@link ops.diagonal_scatter}. */
  diagonal_scatter(...args: PyArgs<[src: Tensor, offset: number, dim1: number, dim2: number], { src?: Tensor; offset?: number; dim1?: number; dim2?: number }>): Tensor {
    return end_method(method_call(this), ops.diagonal_scatter(this, ...args));
  }
  /** Method form of {@link ops.select_scatter}. */
  select_scatter(...args: PyArgs<[src: Tensor, dim: number, index: number], { src?: Tensor; dim?: number; index?: number }>): Tensor {
    return end_method(method_call(this), ops.select_scatter(this, ...args));
  }
  /** Method form of {@link ops.slice_scatter}. */
  slice_scatter(...args: PyArgs<[src: Tensor, dim: number, start: number | null, end: number | null, step: number], { src?: Tensor; dim?: number; start?: number | null; end?: number | null; step?: number }>): Tensor {
    return end_method(method_call(this), ops.slice_scatter(this, ...args));
  }
  /** Method form of {@link ops.trace}. */
  trace(...args: []): Tensor {
    return end_method(method_call(this), ops.trace(this, ...args));
  }
  /** Method form of {@link ops.outer}. */
  outer(...args: PyArgs<[vec2: Tensor], { vec2?: Tensor }>): Tensor {
    return end_method(method_call(this), ops.outer(this, ...args));
  }
  /** Method form of {@link ops.ger}. */
  ger(...args: PyArgs<[vec2: Tensor], { vec2?: Tensor }>): Tensor {
    return end_method(method_call(this), ops.ger(this, ...args));
  }
  /** Method form of {@link ops.inner}. */
  inner(...args: PyArgs<[other: Tensor], { other?: Tensor }>): Tensor {
    return end_method(method_call(this), ops.inner(this, ...args));
  }
  /** Method form of {@link ops.kron}. */
  kron(...args: PyArgs<[other: Tensor], { other?: Tensor }>): Tensor {
    return end_method(method_call(this), ops.kron(this, ...args));
  }
  /** Method form of {@link ops.vdot}. */
  vdot(...args: PyArgs<[other: Tensor], { other?: Tensor }>): Tensor {
    return end_method(method_call(this), ops.vdot(this, ...args));
  }
  /** Method form of {@link ops.cross}. */
  cross(...args: CrossMethodArgs): Tensor {
    return end_method(method_call(this), ops.cross(this, ...args));
  }
  /** Method form of {@link ops.dist}. */
  dist(...args: DistMethodArgs): Tensor {
    return end_method(method_call(this), ops.dist(this, ...args));
  }
  /** Method form of {@link ops.addmv}. */
  addmv(...args: AddmvMethodArgs): Tensor {
    return end_method(method_call(this), ops.addmv(this, ...args));
  }
  /** Method form of {@link ops.addmv_}. */
  addmv_(...args: AddmvMethodArgs): this {
    return end_method(method_call(this), ops.addmv_(this, ...args));
  }
  /** Method form of {@link ops.addr}. */
  addr(...args: AddrMethodArgs): Tensor {
    return end_method(method_call(this), ops.addr(this, ...args));
  }
  /** Method form of {@link ops.addr_}. */
  addr_(...args: AddrMethodArgs): this {
    return end_method(method_call(this), ops.addr_(this, ...args));
  }
  /** Method form of {@link ops.addbmm}. */
  addbmm(...args: AddbmmMethodArgs): Tensor {
    return end_method(method_call(this), ops.addbmm(this, ...args));
  }
  /** Method form of {@link ops.addbmm_}. */
  addbmm_(...args: AddbmmMethodArgs): this {
    return end_method(method_call(this), ops.addbmm_(this, ...args));
  }
  /** Method form of {@link ops.baddbmm_}. */
  baddbmm_(...args: AddbmmMethodArgs): this {
    return end_method(method_call(this), ops.baddbmm_(this, ...args));
  }
}

/**
 * True when `value` is a Tensor (PyTorch's `torch.is_tensor`).
 *
 * @example
 * torch.is_tensor(torch.zeros(1)); // true
 * torch.is_tensor([1, 2]); // false
 */
export function is_tensor(obj: unknown, no_args?: never): obj is Tensor {
  if (no_args !== undefined || is_plain_object(obj)) return IS_TENSOR.parse([obj, no_args]).obj instanceof Tensor;
  return obj instanceof Tensor;
}
const IS_TENSOR = signature<{ obj: unknown }>('is_tensor(Any obj)');

const IS_INFERENCE = signature<{ input: Tensor }>('is_inference(Tensor input)');

/**
 * Whether `input` is an inference tensor (PyTorch's `torch.is_inference`; see `Tensor.is_inference`).
 *
 * @example
 * torch.is_inference(torch.inference_mode(() => torch.ones(1))); // true
 */
export function is_inference(...args: PyArgs<[input: Tensor], { input?: Tensor }>): boolean {
  return IS_INFERENCE.parse(args).input._inference;
}

/** Whether recording applies to this op call: grad mode on and some input requires grad. */
export function should_record(inputs: readonly (Tensor | null | undefined | number)[]): boolean {
  if (!is_recording()) return false;
  for (const t of inputs) if (t instanceof Tensor && (t._requires_grad || (t._base !== null && t._base._requires_grad))) return true;
  return false;
}
