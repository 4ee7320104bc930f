// The Tensor: typed-array storage with shape/strides/offset views, autograd metadata and PyTorch's methods.
import { HookDict, type RemovableHandle } from '@tsgrad/hooks';
import { alloc, DTYPES, is_floating, legacy_type_name, type DType, type TypedArray } from './dtype.js';
import { contiguous_strides, numel_of, normalize_dim } from './shape.js';
import { is_grad_enabled } from './autograd/grad_mode.js';
import { AccumulateGrad, RetainedGrad, type Node, type TensorHook } from './autograd/node.js';
import { CreationMeta } from './autograd/creation_meta.js';
import { view_grad_fn } from './autograd/view_inplace.js';
import { TRACER_CONVERT, TRACER_ITERATE, DETACH_VIEW_INPLACE, E10_NON_LEAF_FLAG, E5_HOOK_NO_GRAD, NUMPY_REQUIRES_GRAD, W1_NON_LEAF_GRAD, warn } from './autograd/messages.js';
import { is_contiguous_view, type StridedView } from './kernels/strided.js';
import { kernels } from './kernels/backend.js';
import * as ops from './ops/index.js';
import { format_tensor } from './print.js';
import { trace_op, tracer_warning, tracing } from './jit/tracer.js';
import { CPU, check_device, type Device } from './device.js';
import { Size } from './size.js';
import { parse_to, type ToArgs } from './to_args.js';
import { method_call, signature, type PyArgs } from './signature.js';
import type { IndexItem } from './ops/indexing.js';
import type { ClampOptions } from './ops/types.js';
import type { MaxResult, ReduceMethodArgs, SoftmaxMethodArgs, VarMethodArgs } from './ops/reduce.js';
import type { RoundingMode, Scalar } from './ops/arithmetic.js';

/** Legacy type names `x.type(...)` accepts. */
const LEGACY_NAMES = new Map<string, DType>(DTYPES.map((d) => [legacy_type_name(d), d]));
const SPLIT_METHOD = signature<{ self: Tensor; split_size: number | number[]; dim: number }>('split(Tensor self, int|int[] split_size, int dim=0)');

/** Shared memory of a tensor and its views, with the version counter in-place ops bump (spec §2, E9). */
export class Storage {
  version = 0;
  constructor(public data: TypedArray) {}
}

export type NestedArray = number | boolean | NestedArray[];
export type ShapeArg = number[] | [number[]];

/** Accepts PyTorch's `view(2, 3)` and `view([2, 3])` spellings. */
export function shape_arg(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

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
  readonly _storage: Storage;
  readonly shape: number[];
  readonly _strides: number[];
  readonly _offset: number;
  readonly dtype: DType;
  /** The node that produced this tensor (for a view, as last set; `grad_fn` regenerates it after in-place changes). */
  _grad_fn: Node | null = null;
  /** Which output of `grad_fn` this tensor is. */
  output_nr = 0;
  _requires_grad = false;
  _grad: Tensor | null = null;
  /** Hooks of a leaf (a non-leaf's hooks live on its grad_fn). */
  _hooks: HookDict<TensorHook> | null = null;
  _post_accumulate_hooks: HookDict<(t: Tensor) => void> | null = null;
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

  constructor(storage: Storage, shape: readonly number[], dtype: DType, strides?: readonly number[], offset = 0) {
    this._storage = storage;
    this.shape = [...shape];
    this._strides = strides === undefined ? contiguous_strides(shape) : [...strides];
    this._offset = offset;
    this.dtype = dtype;
  }

  /** Wraps a fresh contiguous array (no copy). */
  static from_array(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(new Storage(data), shape, dtype);
  }

  /** An uninitialised-looking (zeroed) contiguous tensor. */
  static empty(shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(new Storage(alloc(dtype, numel_of(shape))), shape, dtype);
  }

  // ---- metadata -------------------------------------------------------------------------------------

  get ndim(): number {
    return this.shape.length;
  }
  dim(): number {
    return this.shape.length;
  }
  numel(): number {
    return numel_of(this.shape);
  }
  /** `size()` is the shape; `size(d)` one dim (negative counts from the end). */
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    if (dim === undefined) return Size.of_dims(this.shape);
    return this.shape[normalize_dim(dim, this.shape.length)] ?? 1;
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return [...this._strides];
    return this._strides[normalize_dim(dim, this.shape.length)] ?? 1;
  }
  storage_offset(): number {
    return this._offset;
  }
  is_contiguous(): boolean {
    return is_contiguous_view(this.shape, this._strides);
  }
  is_floating_point(): boolean {
    return is_floating(this.dtype);
  }
  /** The kernel view of this tensor. */
  get _view(): StridedView {
    return { data: this._storage.data, shape: this.shape, strides: this._strides, offset: this._offset };
  }
  /** Row-major values as a fresh typed array of this dtype's storage class. */
  _contiguous_data(): TypedArray {
    if (this.is_contiguous() && this._offset === 0 && this._storage.data.length === this.numel()) return this._storage.data;
    const out = alloc(this.dtype, this.numel());
    kernels().contiguous(this._view, out);
    return out;
  }
  /** Row-major values (a copy unless the tensor is a whole contiguous storage). */
  data_array(): TypedArray {
    return this._contiguous_data();
  }

  // ---- autograd flags -------------------------------------------------------------------------------

  get requires_grad(): boolean {
    return this._requires_grad || (this._base !== null && this._base._requires_grad);
  }
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
  set grad_fn(fn: Node | null) {
    this._grad_fn = fn;
    if (this._base !== null) this._attr_version = this._storage.version;
  }
  /** The version counter of the storage, bumped by every in-place change (PyTorch's `_version`). */
  get _version(): number {
    return this._storage.version;
  }
  /** Whether this tensor is a view of another (its `_base`). */
  _is_view(): boolean {
    return this._base !== null;
  }

  /** True for tensors not produced by a recorded op (spec §1). */
  get is_leaf(): boolean {
    return this.grad_fn === null;
  }
  get retains_grad(): boolean {
    return this._retained_grad !== null;
  }
  /** The accumulated gradient (leaves, and non-leaves that called `retain_grad()`). */
  get grad(): Tensor | null {
    if (this._retained_grad !== null) return this._retained_grad.grad;
    if (!this.is_leaf && this._grad === null) warn(W1_NON_LEAF_GRAD);
    return this._grad;
  }
  set grad(g: Tensor | null) {
    if (g !== null) {
      if (g.dtype !== this.dtype) throw new Error(`assigned grad has data of a different type`);
      if (g.shape.join() !== this.shape.join()) throw new Error(`assigned grad has data of a different size`);
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
  requires_grad_(flag = true): this {
    if (!this.is_leaf) {
      if (!flag) throw new Error(E10_NON_LEAF_FLAG);
      return this;
    }
    if (flag && !is_floating(this.dtype)) {
      throw new Error('only Tensors of floating point and complex dtype can require gradients');
    }
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
   * replaces the gradient (spec §5).
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
   * Computes the gradient of this tensor w.r.t. graph leaves (spec §2).
   *
   * @example
   * loss.backward();
   * y.backward(torch.tensor([100, 0.1]), { retain_graph: true });
   */
  backward(gradient?: Tensor | NestedArray | null, options: { retain_graph?: boolean; create_graph?: boolean; inputs?: Tensor[] } = {}): void {
    ops.autograd_backward([this], gradient === undefined || gradient === null ? [null] : [gradient], options);
  }

  /** A new tensor sharing storage, cut from the graph. */
  detach(): Tensor {
    if (tracing) return trace_op('aten::detach', (x: Tensor) => x.detach(), [this]);
    const t = new Tensor(this._storage, this.shape, this.dtype, this._strides, this._offset);
    return t;
  }

  /** Detaches in place (the tensor becomes a leaf that does not require grad). */
  detach_(): this {
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
    return new Tensor(new Storage(this._storage.data), this.shape, this.dtype, this._strides, this._offset);
  }
  /**
   * PyTorch's `x.data = y`: this tensor takes `y`'s storage, sizes and dtype, keeping its identity, autograd
   * flags and hooks (what `module.to(dtype)` does to parameters).
   */
  set data(value: Tensor) {
    const self = this as unknown as { _storage: Storage; shape: number[]; _strides: number[]; _offset: number; dtype: DType };
    self._storage = value._storage;
    self.shape = [...value.shape];
    self._strides = [...value._strides];
    self._offset = value._offset;
    self.dtype = value.dtype;
  }

  // ---- conversion -----------------------------------------------------------------------------------

  /** Nested JS arrays (numbers; booleans for bool tensors). */
  tolist(): NestedArray {
    if (tracing) tracer_warning(TRACER_CONVERT('list'));
    const flat = this._contiguous_data();
    const as_value = (v: number): number | boolean => (this.dtype === 'bool' ? v !== 0 : v);
    if (this.shape.length === 0) return as_value(flat[0]!);
    const build = (dim: number, base: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const inner = numel_of(this.shape.slice(dim + 1));
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = dim === this.shape.length - 1 ? as_value(flat[base + i]!) : build(dim + 1, base + i * inner);
      return out;
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (tracing) tracer_warning(TRACER_CONVERT(this.dtype === 'bool' ? 'boolean' : 'number'));
    if (this.numel() !== 1) throw new Error(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    return this._storage.data[this._offset]!;
  }

  /** Mirrors PyTorch's `.numpy()` guard; returns the row-major values. */
  numpy(): TypedArray {
    if (this._requires_grad) throw new Error(NUMPY_REQUIRES_GRAD);
    return this._contiguous_data().slice();
  }

  toString(): string {
    return format_tensor(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
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
    const dtype = a.dtype ?? this.dtype;
    if (dtype === this.dtype) return a.copy ? ops.clone(this) : this;
    return ops.to_dtype(this, dtype);
  }
  /** `x.cpu()`: the tensor itself (CPU is the only device). */
  cpu(): Tensor {
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
   * x.type(torch.float64).dtype; // 'float64'
   */
  type(): string;
  type(dtype: DType | string): Tensor;
  type(dtype?: DType | string): string | Tensor {
    if (dtype === undefined) return legacy_type_name(this.dtype);
    const legacy = LEGACY_NAMES.get(dtype);
    if (legacy === undefined && !(DTYPES as readonly string[]).includes(dtype)) throw new Error(`invalid type: '${dtype}'`);
    return this.to(legacy ?? (dtype as DType));
  }
  /** PyTorch's `half()`: tsgrad has no float16, so it raises instead of silently keeping float32. */
  half(): Tensor {
    throw new TypeError('tsgrad has no torch.float16 dtype: half() is not supported (float32 and float64 are)');
  }
  float(): Tensor {
    return ops.to_dtype(this, 'float32');
  }
  double(): Tensor {
    return ops.to_dtype(this, 'float64');
  }
  long(): Tensor {
    return ops.to_dtype(this, 'int64');
  }
  bool(): Tensor {
    return ops.to_dtype(this, 'bool');
  }
  type_as(other: Tensor): Tensor {
    return ops.to_dtype(this, other.dtype);
  }

  // ---- arithmetic -----------------------------------------------------------------------------------

  add(other: Tensor | Scalar, options?: { alpha?: number }): Tensor {
    return ops.add(this, other, options);
  }
  sub(other: Tensor | Scalar, options?: { alpha?: number }): Tensor {
    return ops.sub(this, other, options);
  }
  mul(other: Tensor | Scalar): Tensor {
    return ops.mul(this, other);
  }
  div(other: Tensor | Scalar, options?: { rounding_mode?: RoundingMode }): Tensor {
    return ops.div(this, other, options);
  }
  rsub(other: Tensor | Scalar): Tensor {
    return ops.rsub(this, other);
  }
  pow(exponent: Tensor | Scalar): Tensor {
    return ops.pow(this, exponent);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  rsqrt(): Tensor {
    return ops.rsqrt(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  sign(): Tensor {
    return ops.sign(this);
  }
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  erf(): Tensor {
    return ops.erf(this);
  }
  sin(): Tensor {
    return ops.sin(this);
  }
  cos(): Tensor {
    return ops.cos(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  clamp(min?: number | ClampOptions | null, max?: number | null): Tensor {
    method_call();
    return ops.clamp(this, min, max);
  }
  clip(min?: number | ClampOptions | null, max?: number | null): Tensor {
    method_call();
    return ops.clamp(this, min, max);
  }
  maximum(other: Tensor): Tensor {
    return ops.maximum(this, other);
  }
  minimum(other: Tensor): Tensor {
    return ops.minimum(this, other);
  }
  gt(other: Tensor | Scalar): Tensor {
    return ops.gt(this, other);
  }
  lt(other: Tensor | Scalar): Tensor {
    return ops.lt(this, other);
  }
  ge(other: Tensor | Scalar): Tensor {
    return ops.ge(this, other);
  }
  le(other: Tensor | Scalar): Tensor {
    return ops.le(this, other);
  }
  eq(other: Tensor | Scalar): Tensor {
    return ops.eq(this, other);
  }
  ne(other: Tensor | Scalar): Tensor {
    return ops.ne(this, other);
  }
  logical_not(): Tensor {
    return ops.logical_not(this);
  }
  isnan(): Tensor {
    return ops.isnan(this);
  }

  // ---- reductions -----------------------------------------------------------------------------------

  sum(...args: ReduceMethodArgs): Tensor {
    method_call();
    return ops.sum(this, ...args);
  }
  mean(...args: ReduceMethodArgs): Tensor {
    method_call();
    return ops.mean(this, ...args);
  }
  max(): Tensor;
  max(dim: number, keepdim?: boolean | { keepdim?: boolean }): MaxResult;
  max(options: { dim: number; keepdim?: boolean }): MaxResult;
  max(other: Tensor): Tensor;
  max(...args: unknown[]): Tensor | MaxResult {
    method_call();
    return ops.max(this, ...(args as []));
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean | { keepdim?: boolean }): MaxResult;
  min(options: { dim: number; keepdim?: boolean }): MaxResult;
  min(other: Tensor): Tensor;
  min(...args: unknown[]): Tensor | MaxResult {
    method_call();
    return ops.min(this, ...(args as []));
  }
  amax(...args: ReduceMethodArgs): Tensor {
    method_call();
    return ops.amax(this, ...args);
  }
  amin(...args: ReduceMethodArgs): Tensor {
    method_call();
    return ops.amin(this, ...args);
  }
  argmax(...args: PyArgs<[dim: number | null, keepdim: boolean], { dim?: number | null; keepdim?: boolean }>): Tensor {
    method_call();
    return ops.argmax(this, ...args);
  }
  argmin(...args: PyArgs<[dim: number | null, keepdim: boolean], { dim?: number | null; keepdim?: boolean }>): Tensor {
    method_call();
    return ops.argmin(this, ...args);
  }
  norm(p: number = 2): Tensor {
    return ops.norm(this, p);
  }
  var(...args: VarMethodArgs): Tensor {
    method_call();
    return ops.var_(this, ...args);
  }
  std(...args: VarMethodArgs): Tensor {
    method_call();
    return ops.std(this, ...args);
  }
  softmax(...args: SoftmaxMethodArgs): Tensor {
    method_call();
    return ops.softmax(this, ...args);
  }
  log_softmax(...args: SoftmaxMethodArgs): Tensor {
    method_call();
    return ops.log_softmax(this, ...args);
  }

  // ---- linear algebra -------------------------------------------------------------------------------

  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return ops.mm(this, other);
  }
  mv(other: Tensor): Tensor {
    return ops.mv(this, other);
  }
  dot(other: Tensor): Tensor {
    return ops.dot(this, other);
  }
  bmm(other: Tensor): Tensor {
    return ops.bmm(this, other);
  }
  baddbmm(batch1: Tensor, batch2: Tensor, options?: { beta?: number; alpha?: number }): Tensor {
    return ops.baddbmm(this, batch1, batch2, options);
  }
  tril(diagonal = 0): Tensor {
    return ops.tril(this, diagonal);
  }
  triu(diagonal = 0): Tensor {
    return ops.triu(this, diagonal);
  }

  // ---- shape ----------------------------------------------------------------------------------------

  view(...shape: ShapeArg): Tensor {
    return ops.view(this, shape_arg(shape));
  }
  view_as(other: Tensor): Tensor {
    return ops.view(this, other.shape);
  }
  reshape(...shape: ShapeArg): Tensor {
    return ops.reshape(this, shape_arg(shape));
  }
  reshape_as(other: Tensor): Tensor {
    return ops.reshape(this, other.shape);
  }
  flatten(...args: PyArgs<[start_dim: number, end_dim: number], { start_dim?: number; end_dim?: number }>): Tensor {
    method_call();
    return ops.flatten(this, ...args);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  t(): Tensor {
    return ops.t(this);
  }
  get T(): Tensor {
    return ops.permute(this, this.shape.map((_, i) => this.shape.length - 1 - i));
  }
  permute(...dims: ShapeArg): Tensor {
    return ops.permute(this, shape_arg(dims));
  }
  unsqueeze(dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  squeeze(dim?: number): Tensor {
    return ops.squeeze(this, dim);
  }
  expand(...sizes: ShapeArg): Tensor {
    return ops.expand(this, shape_arg(sizes));
  }
  expand_as(other: Tensor): Tensor {
    return ops.expand(this, other.shape);
  }
  contiguous(): Tensor {
    return this.is_contiguous() ? this : ops.clone(this);
  }
  clone(): Tensor {
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
  as_strided(size: readonly number[], stride: readonly number[], storage_offset?: number | null): Tensor {
    return ops.as_strided(this, size, stride, storage_offset);
  }
  select(...args: PyArgs<[dim: number, index: number], { dim?: number; index?: number }>): Tensor {
    method_call();
    return ops.select(this, ...args);
  }
  narrow(...args: PyArgs<[dim: number, start: number, length: number], { dim?: number; start?: number; length?: number }>): Tensor {
    method_call();
    return ops.narrow(this, ...args);
  }
  chunk(...args: PyArgs<[chunks: number, dim: number], { chunks?: number; dim?: number }>): Tensor[] {
    method_call();
    return ops.chunk(this, ...args);
  }
  split(...args: PyArgs<[split_size: number | number[], dim: number], { split_size?: number | number[]; dim?: number }>): Tensor[] {
    // Tensor.split names its size `split_size`, torch.split `split_size_or_sections`
    const { split_size, dim } = SPLIT_METHOD.parse([this, ...args], { method: true });
    return ops.split(this, split_size, dim);
  }
  unbind(dim = 0): Tensor[] {
    return ops.unbind(this, dim);
  }
  gather(...args: PyArgs<[dim: number, index: Tensor], { dim?: number; index?: Tensor }>): Tensor {
    method_call();
    return ops.gather(this, ...args);
  }
  masked_fill(mask: Tensor, value: Scalar): Tensor {
    return ops.masked_fill(this, mask, value);
  }
  where(condition: Tensor, other: Tensor | number): Tensor {
    return ops.where(condition, this, other);
  }

  // ---- in-place -------------------------------------------------------------------------------------

  add_(other: Tensor | Scalar, options?: { alpha?: number }): this {
    return ops.add_(this, other, options);
  }
  sub_(other: Tensor | Scalar, options?: { alpha?: number }): this {
    return ops.sub_(this, other, options);
  }
  mul_(other: Tensor | Scalar): this {
    return ops.mul_(this, other);
  }
  div_(other: Tensor | Scalar, options?: { rounding_mode?: RoundingMode }): this {
    return ops.div_(this, other, options);
  }
  relu_(): this {
    return ops.relu_(this);
  }
  clamp_(min?: number | ClampOptions | null, max?: number | null): this {
    return ops.clamp_(this, min, max);
  }
  zero_(): this {
    return ops.fill_(this, 0);
  }
  fill_(value: Scalar | Tensor): this {
    return ops.fill_(this, value);
  }
  copy_(src: Tensor): this {
    return ops.copy_(this, src);
  }
  uniform_(low = 0, high = 1): this {
    return ops.uniform_(this, low, high);
  }
  normal_(mean = 0, std = 1): this {
    return ops.normal_(this, mean, std);
  }
}

/** True when `value` is a Tensor (instanceof across the package). */
export function is_tensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

/** Whether recording applies to this op call: grad mode on and some input requires grad. */
export function should_record(inputs: readonly (Tensor | null | undefined | number)[]): boolean {
  if (!is_grad_enabled()) return false;
  for (const t of inputs) if (t instanceof Tensor && (t._requires_grad || (t._base !== null && t._base._requires_grad))) return true;
  return false;
}
