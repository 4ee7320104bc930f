// Tensor creation: tensor(), zeros/ones/full/arange/linspace/eye, random tensors and *_like variants.
import { trace_op, tracing } from '../jit/tracer.js';
import { alloc, cast_scalar, default_dtype_name, is_floating, scalar_type_name, dtype_name, type DType, type DTypeLike, type TypedArray } from '../dtype.js';
import { numel_of } from '../shape.js';
import { default_generator, type Generator } from '../random.js';
import { normal_fill, random_from_to_fill, uniform_fill } from './distributions.js';
import { Storage, Tensor, type NestedArray } from '../tensor.js';
import { check_device, type DeviceLike } from '../device.js';
import { class_name, overloads, py_type_name, signature, type PyArgs, type Signature } from '../signature.js';
import { note_exposed } from '../kernels/write_stamps.js';

/** Keyword options of the creation functions: `dtype` (default float32) and `requires_grad`. */
export interface CreateOptions {
  /** The element type; the default float dtype (`default_dtype_name()`, float32 unless changed) when left out. */
  dtype?: DTypeLike | null;
  /** Where the tensor lives: only `'cpu'` exists here; `'cuda'` raises PyTorch's no-CUDA error. */
  device?: DeviceLike | null;
  /** Make the result a leaf that records operations for autograd (floating dtypes only). */
  requires_grad?: boolean;
}
/** Keyword options of the random creation functions: those of CreateOptions and a `generator`. */
export interface RandomOptions extends CreateOptions {
  /** The random generator to draw from; `torch.default_generator` (seeded by `manual_seed`) when left out. */
  generator?: Generator | null;
}

type SizeArgs<O> = (number | readonly number[] | O | undefined)[];

interface Made { dtype: DType | null; device: DeviceLike | null; requires_grad: boolean }
interface SizeMade extends Made { size: number[] }
interface RandomMade extends SizeMade { generator: Generator | null }

/** The keyword-only tail every factory shares (PyTorch's TensorOptions). */
const FACTORY = '*, ScalarType? dtype=None, Device? device=None, bool requires_grad=False';
const sized = (name: string): Signature<SizeMade> => signature<SizeMade>(`${name}(int... size, ${FACTORY})`);
const ZEROS = sized('zeros');
const ONES = sized('ones');
const EMPTY = sized('empty');
const RAND = signature<RandomMade>(`rand(int... size, *, Any generator=None, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)`);
const RANDN = signature<RandomMade>(`randn(int... size, *, Any generator=None, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)`);

/** PyTorch's error for a negative size. */
function check_sizes(size: readonly number[]): void {
  for (const s of size) if (s < 0) throw new Error(`Trying to create tensor with negative dimension ${s}: [${size.join(', ')}]`);
}

/** Reads `(2, 3, opts)` / `([2, 3], opts)` through `sig` and checks the sizes. */
function parse_size<R extends SizeMade>(sig: Signature<R>, args: readonly unknown[]): R {
  const a = sig.parse(args);
  check_sizes(a.size);
  check_device(a.device);
  return a;
}

function finish(t: Tensor, opts: CreateOptions): Tensor {
  check_device(opts.device);
  // the factories' own words (capitalised), not requires_grad_()'s
  if (opts.requires_grad === true && !is_floating(t._dtype)) throw new Error('Only Tensors of floating point and complex dtype can require gradients');
  if (opts.requires_grad === true) t.requires_grad_(true);
  return t;
}

/** PyTorch's limit on the nesting depth of the data given to `torch.tensor`. */
const MAX_DIMS = 128;

function py_kind(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'object') return 'dict';
  return typeof v;
}

/** The shape of nested arrays, read along the first elements (PyTorch's rule), with its depth limit. */
function infer_shape(data: unknown): number[] {
  const shape: number[] = [];
  let cur = data;
  while (Array.isArray(cur)) {
    if (shape.length === MAX_DIMS) throw new Error("too many dimensions 'list'");
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

/** Why a leaf of `tensor()`'s data is not a number, in PyTorch's words for the requested dtype. */
function leaf_error(v: unknown, dtype: DType | undefined): Error {
  const kind = py_kind(v);
  if (kind === 'str') return new TypeError("new(): invalid data type 'str'");
  if (dtype === undefined && kind !== 'list') return new Error(`Could not infer dtype of ${kind}`);
  if (dtype === 'int64' || dtype === 'bool') return new TypeError(`'${kind}' object cannot be interpreted as an integer`);
  return new TypeError(`must be real number, not ${kind}`);
}

/**
 * The leaves of nested arrays of `shape` in row-major order, walked with an explicit stack (a deep nesting
 * must not overflow the JS stack); ragged data and non-numbers raise PyTorch's errors. `all_bool` tells
 * whether every leaf is a boolean (the data then makes a bool tensor).
 */
function flatten_nested(data: unknown, shape: readonly number[], dtype: DType | undefined): { flat: number[]; all_bool: boolean } {
  const flat: number[] = [];
  let all_bool = true;
  if (numel_of(shape) === 0) return { flat, all_bool: false };
  const stack: [unknown, number][] = [[data, 0]];
  while (stack.length > 0) {
    const [v, dim] = stack.pop()!;
    if (dim === shape.length) {
      if (typeof v === 'number') {
        flat.push(v);
        all_bool = false;
      } else if (typeof v === 'boolean') flat.push(v ? 1 : 0);
      else throw leaf_error(v, dtype);
      continue;
    }
    // a number where a list belongs is PyTorch's "not a sequence"; None or a string fails dtype inference first
    if (!Array.isArray(v)) throw typeof v === 'number' || typeof v === 'boolean' ? new TypeError('not a sequence') : leaf_error(v, dtype);
    if (v.length !== shape[dim]) throw new Error(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${v.length})`);
    for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], dim + 1]);
  }
  return { flat, all_bool };
}

const TENSOR = signature<{ data: unknown } & Made>(`tensor(Any data, ${FACTORY})`);

/**
 * Builds a tensor from nested arrays, a number, a boolean or a typed array. JS numbers make the default
 * float dtype (JS cannot tell `1.0` from `1`); pass `{ dtype: torch.int64 }` for integer tensors.
 *
 * @example
 * torch.tensor([[1, 2], [3, 4]], { requires_grad: true });
 * torch.tensor([3], { dtype: torch.int64 });
 */
export function tensor(...args: PyArgs<[data: NestedArray | TypedArray | Tensor], CreateOptions & { data?: NestedArray | TypedArray | Tensor }>): Tensor {
  const o = TENSOR.parse(args);
  const data = o.data as NestedArray | TypedArray | Tensor;
  if (data instanceof Tensor) {
    const dtype = o.dtype ?? data._dtype;
    const t = new Tensor(new Storage(convert(data._contiguous_data(), dtype)), data._shape, dtype);
    return finish(t, o);
  }
  if (ArrayBuffer.isView(data)) {
    const arr = data as TypedArray;
    const dtype = o.dtype ?? (arr instanceof Float64Array ? 'float64' : arr instanceof Uint8Array ? 'bool' : 'float32');
    return finish(new Tensor(new Storage(convert(arr, dtype)), [arr.length], dtype), o);
  }
  const requested = o.dtype ?? undefined;
  const shape = infer_shape(data);
  const { flat, all_bool } = flatten_nested(data, shape, requested);
  const dtype = requested ?? (all_bool ? 'bool' : default_dtype_name());
  const arr = alloc(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) arr[i] = cast_scalar(flat[i]!, dtype, 'int64');
  return finish(new Tensor(new Storage(arr), shape, dtype), o);
}

function convert(src: TypedArray, dtype: DType): TypedArray {
  const out = alloc(dtype, src.length);
  if (dtype === 'int64') for (let i = 0; i < src.length; i++) out[i] = cast_scalar(src[i]!, dtype, 'int64');
  else if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] ? 1 : 0;
  else out.set(src);
  return out;
}

/**
 * Wraps an existing typed array as a tensor of `shape` without copying (PyTorch's `torch.from_numpy`): writes
 * to either are seen by both. The dtype defaults to the array's (Float32Array → float32, …).
 *
 * @example
 * torch.from_array(new Float32Array([1, 2, 3, 4]), [2, 2]);
 */
export function from_array(data: TypedArray, shape: readonly number[], dtype?: DTypeLike): Tensor {
  const dt = dtype_name(dtype) ?? (data instanceof Float64Array ? 'float64' : data instanceof Uint8Array ? 'bool' : 'float32');
  if (numel_of(shape) !== data.length) throw new Error(`shape [${shape.join(', ')}] does not match ${data.length} elements`);
  return new Tensor(new Storage(data), shape, dt);
}

const FROM_NUMPY = signature<{ ndarray: unknown }>('from_numpy(Any ndarray)');

/**
 * PyTorch's `torch.from_numpy`: a 1-d tensor over a typed array, sharing its memory (a write to either shows in
 * the other). The dtype follows the array: Float64Array → float64, Float32Array → float32, Uint8Array → uint8.
 * `.view(...)` gives it a shape, still sharing the memory.
 *
 * @example
 * const n = new Float64Array(5).fill(1);
 * const t = torch.from_numpy(n);
 * n[0] += 1; t.tolist(); // [2, 1, 1, 1, 1]
 */
export function from_numpy(...args: PyArgs<[ndarray: TypedArray], { ndarray?: TypedArray }>): Tensor {
  const { ndarray } = FROM_NUMPY.parse(args);
  const dtype = ndarray instanceof Float64Array ? 'float64' : ndarray instanceof Float32Array ? 'float32' : ndarray instanceof Uint8Array ? 'uint8' : null;
  if (dtype === null) {
    const kind = typeof ndarray === 'object' && ndarray !== null ? class_name(ndarray) : py_type_name(ndarray);
    throw new TypeError(`can't convert ${kind}. The only supported types are: Float64Array (float64), Float32Array (float32) and Uint8Array (uint8).`);
  }
  const t = from_array(ndarray as TypedArray, [(ndarray as TypedArray).length], dtype);
  note_exposed(t._storage.data);
  return t;
}

/** A contiguous tensor of `shape` filled with `value` (no argument parsing: the factories' common end). */
function filled(shape: readonly number[], value: number, dtype: DType): Tensor {
  const arr = alloc(dtype, numel_of(shape));
  if (value !== 0) arr.fill(value);
  return new Tensor(new Storage(arr), shape, dtype);
}

const FULL = signature<{ size: number[]; fill_value: number | boolean } & Made>(`full(int[] size, Scalar fill_value, ${FACTORY})`);

/**
 * `torch.full(size, fill_value)`: the dtype is the default float dtype, bool for a boolean fill.
 *
 * @example
 * torch.full([2, 3], 7, { dtype: torch.int64 });
 */
export function full(...args: PyArgs<[size: readonly number[], fill_value: number | boolean], CreateOptions & { size?: readonly number[]; fill_value?: number | boolean }>): Tensor {
  if (tracing) return trace_op('aten::full', full, args);
  const a = FULL.parse(args);
  const dtype = a.dtype ?? (typeof a.fill_value === 'boolean' ? 'bool' : default_dtype_name());
  check_sizes(a.size);
  return finish(filled(a.size, cast_scalar(a.fill_value, dtype), dtype), a);
}

/**
 * `torch.zeros(2, 3)`, `torch.zeros([2, 3], { dtype, device, requires_grad })`.
 *
 * @example
 * torch.zeros(2, 3, { dtype: torch.float64 });
 */
export function zeros(...args: SizeArgs<CreateOptions>): Tensor {
  if (tracing) return trace_op('aten::zeros', zeros, args);
  const a = parse_size(ZEROS, args);
  return finish(filled(a.size, 0, a.dtype ?? default_dtype_name()), a);
}
/**
 * A tensor of ones: `torch.ones(2, 3)`, `torch.ones([2, 3], { dtype, device, requires_grad })`.
 *
 * @example
 * torch.ones(2, 3).sum(); // 6
 */
export function ones(...args: SizeArgs<CreateOptions>): Tensor {
  if (tracing) return trace_op('aten::ones', ones, args);
  const a = parse_size(ONES, args);
  return finish(filled(a.size, 1, a.dtype ?? default_dtype_name()), a);
}
/**
 * An uninitialised tensor, `torch.empty(2, 3)` or `torch.empty([2, 3], options)`: zero-filled here (its values
 * are unspecified in PyTorch, so code must not read them before writing).
 *
 * @example
 * const w = torch.empty(3, 4).uniform_(-0.1, 0.1);
 */
export function empty(...args: SizeArgs<CreateOptions>): Tensor {
  const a = parse_size(EMPTY, args);
  return finish(filled(a.size, 0, a.dtype ?? default_dtype_name()), a);
}

/**
 * Exactly rounded `a * b + c` in double (a fused multiply-add): Dekker's two-product and Knuth's two-sum
 * carry the rounding errors, added back once at the end.
 */
function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p)) return p + c;
  const split = (x: number): [number, number] => {
    const t = 134217729 * x; // 2^27 + 1
    const hi = t - (t - x);
    return [hi, x - hi];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const pe = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  const s = p + c;
  const bb = s - p;
  const se = (p - (s - bb)) + (c - bb);
  return s + (pe + se);
}

/** How a vector lane adds `lane * step` to its base: rounded in float32, in double, or fused. */
type LaneMode = 'f32' | 'double' | 'fused';

/**
 * How PyTorch's CPU kernels fill ranges, reproduced for bit-identical values: the output runs in blocks of two
 * vectors (8 float32 or 4 float64 lanes each, x86 AVX2); each vector starts at `base(i)` (the scalar path's
 * value) and continues `base + lane * step` as `mode` says; the tail past the last whole block takes `base(i)`
 * one element at a time. Integer dtypes take `base(i)` everywhere.
 */
function fill_range(arr: TypedArray, dtype: DType, base: (i: number) => number, step: number, mode: LaneMode): void {
  const n = arr.length;
  const lanes = dtype === 'float32' ? 8 : dtype === 'float64' ? 4 : 0;
  const round = dtype === 'float32' ? Math.fround : (v: number): number => v;
  let i = 0;
  if (lanes > 0) {
    for (const end = n - (n % (2 * lanes)); i < end; i += lanes) {
      const b = round(base(i));
      for (let k = 0; k < lanes; k++) arr[i + k] = mode === 'fused' ? fma(k, step, b) : mode === 'f32' ? b + Math.fround(k * step) : b + k * step;
    }
  }
  for (; i < n; i++) arr[i] = base(i);
}

type Range = { start?: number; end: number; step?: number } & Made;
const ARANGE = overloads<Range>(`arange(Scalar end, ${FACTORY})`, `arange(Scalar start, Scalar end, ${FACTORY})`, `arange(Scalar start, Scalar end, Scalar step=1, ${FACTORY})`);

/**
 * `torch.arange(end)`, `torch.arange(start, end, step)`; integer arguments give int64 like PyTorch. Values are
 * bit-identical to PyTorch's CPU kernel.
 *
 * @example
 * torch.arange(5); torch.arange(0, 1, 0.25, { dtype: torch.float64 });
 */
export function arange(...args: PyArgs<[start: number, end: number, step: number], CreateOptions & { start?: number; end?: number; step?: number }>): Tensor {
  if (tracing) return trace_op('aten::arange', arange, args, ARANGE);
  const a = ARANGE.parse(args).values;
  const [lo, hi] = [a.start ?? 0, a.end];
  const step = a.step ?? 1;
  if (step === 0 || Number.isNaN(step)) throw new Error('step must be nonzero');
  const py_num = (v: number): string => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v));
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`unsupported range: ${py_num(lo)} -> ${py_num(hi)}`);
  if ((step > 0 && hi < lo) || (step < 0 && hi > lo)) throw new Error('upper bound and larger bound inconsistent with step sign');
  const all_int = Number.isInteger(lo) && Number.isInteger(hi) && Number.isInteger(step);
  const dtype = a.dtype ?? (all_int ? 'int64' : default_dtype_name());
  if (dtype === 'bool') throw new Error(`"arange_cpu" not implemented for 'Bool'`);
  // the length from the doubles; an int64 range then counts from start and step truncated to integers, as
  // PyTorch 2.x does (arange(0.5, 5.5, 1.5, dtype=int64) is [0, 1, 2, 3]; 1.13 truncated before counting)
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  if (!(n <= 2 ** 63 - 1)) throw new Error('invalid size, possible overflow?');
  const arr = alloc(dtype, n);
  if (dtype === 'float64') fill_range(arr, dtype, (i) => fma(step, i, lo), step, 'fused');
  else if (dtype === 'int64') fill_range(arr, dtype, (i) => Math.trunc(lo) + Math.trunc(step) * i, step, 'double');
  else fill_range(arr, dtype, (i) => lo + step * i, step, 'double');
  return finish(new Tensor(new Storage(arr), [n], dtype), a);
}

/** `start + i*step` for the first half, `end - (steps-1-i)*step` for the rest (each a fused multiply-add). */
function linspace_base(start: number, end: number, step: number, steps: number): (i: number) => number {
  const half = Math.floor(steps / 2);
  return (i) => (i < half ? fma(step, i, start) : fma(-step, steps - 1 - i, end));
}

const LINSPACE = signature<{ start: number; end: number; steps: number } & Made>(`linspace(Scalar start, Scalar end, int steps, ${FACTORY})`);

/**
 * `steps` values from `start` to `end` inclusive, computed from both ends as PyTorch does (bit-identical to its
 * CPU kernel: `torch.linspace(-Math.PI, Math.PI, 2000)` starts at the same inputs).
 *
 * @example
 * torch.linspace(-Math.PI, Math.PI, 2000);
 */
export function linspace(...args: PyArgs<[start: number, end: number, steps: number], CreateOptions & { start?: number; end?: number; steps?: number }>): Tensor {
  if (tracing) return trace_op('aten::linspace', linspace, args, LINSPACE);
  const a = LINSPACE.parse(args);
  if (a.steps < 0) throw new Error('number of steps must be non-negative');
  const dtype = a.dtype ?? default_dtype_name();
  if (dtype === 'bool') throw new Error(`"linspace_cpu" not implemented for 'Bool'`);
  const arr = alloc(dtype, a.steps);
  const f32 = dtype === 'float32';
  // the ends are first converted to the output dtype (an int64 linspace runs between truncated ends)
  const to_dtype = (v: number): number => {
    if (dtype !== 'int64') return f32 ? Math.fround(v) : v;
    if (!(Math.abs(v) < 2 ** 63)) throw new Error('value cannot be converted to type int64_t without overflow');
    return Math.trunc(v);
  };
  const start = to_dtype(a.start);
  const end = to_dtype(a.end);
  if (a.steps === 1) arr[0] = start;
  else if (a.steps > 1) {
    const step = f32 ? Math.fround(Math.fround(end - start) / (a.steps - 1)) : (end - start) / (a.steps - 1);
    if (is_floating(dtype)) fill_range(arr, dtype, linspace_base(start, end, step, a.steps), step, f32 ? 'f32' : 'double');
    else {
      const base = linspace_base(start, end, step, a.steps);
      for (let i = 0; i < a.steps; i++) arr[i] = Math.trunc(base(i));
    }
  }
  return finish(new Tensor(new Storage(arr), [a.steps], dtype), a);
}

const LOGSPACE = signature<{ start: number; end: number; steps: number; base: number } & Made>(`logspace(Scalar start, Scalar end, int steps, float base=10.0, ${FACTORY})`);

/**
 * `base ** linspace(start, end, steps)`, the exponents computed from both ends as PyTorch does.
 *
 * @example
 * torch.logspace(-2, 2, 5); // 0.01, 0.1, 1, 10, 100
 */
export function logspace(...args: PyArgs<[start: number, end: number, steps: number, base: number], CreateOptions & { start?: number; end?: number; steps?: number; base?: number }>): Tensor {
  const a = LOGSPACE.parse(args);
  if (a.steps < 0) throw new Error('number of steps must be non-negative');
  const dtype = a.dtype ?? default_dtype_name();
  const arr = alloc(dtype, a.steps);
  const f32 = dtype === 'float32';
  const r = (v: number): number => (f32 ? Math.fround(v) : v);
  const start = r(a.start);
  const end = r(a.end);
  const base = a.base; // a double, as PyTorch keeps it
  if (a.steps === 1) arr[0] = base ** start;
  else if (a.steps > 1) {
    const step = r(r(end - start) / (a.steps - 1));
    const exponent = linspace_base(start, end, step, a.steps);
    for (let i = 0; i < a.steps; i++) {
      const v = base ** r(exponent(i));
      arr[i] = is_floating(dtype) ? v : dtype === 'bool' ? (v !== 0 ? 1 : 0) : Math.trunc(v);
    }
  }
  return finish(new Tensor(new Storage(arr), [a.steps], dtype), a);
}

const EYE = signature<{ n: number; m: number | null } & Made>(`eye(int n, int? m=None, ${FACTORY})`);

/**
 * The `n × m` identity (`m` defaults to `n`).
 *
 * @example
 * torch.eye(3); torch.eye(2, 3, { dtype: torch.int64 });
 */
export function eye(...args: PyArgs<[n: number, m: number | null], CreateOptions & { n?: number; m?: number | null }>): Tensor {
  if (tracing) return trace_op('aten::eye', eye, args, EYE);
  const a = EYE.parse(args);
  if (a.n < 0) throw new Error(`n must be greater or equal to 0, got ${a.n}`);
  const m = a.m ?? a.n;
  if (m < 0) throw new Error(`m must be greater or equal to 0, got ${m}`);
  const t = filled([a.n, m], 0, a.dtype ?? default_dtype_name());
  for (let i = 0; i < Math.min(a.n, m); i++) t._storage.data[i * m + i] = 1;
  return finish(t, a);
}

function random_fill(a: RandomMade, kind: 'uniform' | 'normal'): Tensor {
  const g = a.generator ?? default_generator;
  const dtype = a.dtype ?? default_dtype_name();
  if (!is_floating(dtype)) throw new Error(`"${kind === 'uniform' ? 'check_uniform_bounds' : 'normal_kernel_cpu'}" not implemented for '${scalar_type_name(dtype)}'`);
  const t = filled(a.size, 0, dtype);
  const d = t._storage.data;
  if (kind === 'uniform') uniform_fill(d, dtype, 0, 1, g);
  else normal_fill(d, dtype, 0, 1, true, g);
  return finish(t, a);
}

/**
 * Samples of the uniform distribution on `[0, 1)`: `torch.rand(2, 3)`, `torch.rand([2, 3], { generator })`.
 * A seed gives PyTorch's values, bit for bit.
 *
 * @example
 * torch.manual_seed(0); torch.rand(2); // tensor([0.4963, 0.7682]), as PyTorch
 */
export function rand(...args: SizeArgs<RandomOptions>): Tensor {
  if (tracing) return trace_op('aten::rand', rand, args);
  return random_fill(parse_size(RAND, args), 'uniform');
}

/**
 * Samples of the standard normal distribution: `torch.randn(2, 3)`, `torch.randn([2, 3], { dtype, generator })`.
 *
 * @example
 * torch.randn(2, 3, { dtype: torch.float64 }).shape; // [2, 3]
 */
export function randn(...args: SizeArgs<RandomOptions>): Tensor {
  if (tracing) return trace_op('aten::randn', randn, args);
  return random_fill(parse_size(RANDN, args), 'normal');
}

type RandintMade = { low?: number; high: number; size: number[]; generator: Generator | null } & Made;
const RANDINT = overloads<RandintMade>(
  `randint(int high, int[] size, *, Any generator=None, ${FACTORY.slice(3)})`, `randint(int low, int high, int[] size, *, Any generator=None, ${FACTORY.slice(3)})`);

/**
 * `torch.randint(high, size)` or `torch.randint(low, high, size)` (int64 by default).
 *
 * @example
 * torch.randint(0, 10, [3]); torch.randint(10, [3]);
 */
export function randint(
  ...args: [high: number, size: readonly number[], options?: RandomOptions] | [low: number, high: number, size: readonly number[], options?: RandomOptions] | [options: RandomOptions & { low?: number; high: number; size: readonly number[] }]
): Tensor {
  if (tracing) return trace_op('aten::randint', randint, args, RANDINT);
  const a = RANDINT.parse(args).values;
  const [low, high, size] = [a.low ?? 0, a.high, a.size];
  check_sizes(size);
  if (high <= low) throw new Error(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const g = a.generator ?? default_generator;
  const t = filled(size, 0, a.dtype ?? 'int64');
  const d = t._storage.data;
  random_from_to_fill(d, t._dtype, low, high, g);
  return finish(t, a);
}

const RANDPERM = signature<{ n: number; generator: Generator | null } & Made>(`randperm(int n, *, Any generator=None, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)`);

/**
 * A random permutation of `0 … n-1` (int64 unless `dtype` says otherwise).
 *
 * @example
 * torch.randperm(4); // e.g. [2, 0, 3, 1]
 */
export function randperm(...args: PyArgs<[n: number], RandomOptions & { n?: number }>): Tensor {
  const a = RANDPERM.parse(args);
  check_sizes([a.n]);
  const g = a.generator ?? default_generator;
  const t = filled([a.n], 0, a.dtype ?? 'int64');
  const d = t._storage.data;
  for (let i = 0; i < a.n; i++) d[i] = i;
  // PyTorch's CPU shuffle: position i swaps with a uniform pick among positions i … n-1
  for (let i = 0; i < a.n - 1; i++) {
    const z = i + (g.next_u32() % (a.n - i));
    const v = d[i]!;
    d[i] = d[z]!;
    d[z] = v;
  }
  return finish(t, a);
}

type LikeMade = { input: Tensor; generator?: Generator | null } & Made;
const like = (name: string, extra = ''): Signature<LikeMade> => signature<LikeMade>(`${name}(Tensor input, ${extra}*, ${name.startsWith('rand') ? 'Any generator=None, ' : ''}ScalarType? dtype=None, Device? device=None, bool requires_grad=False, str? memory_format=None)`);
const ZEROS_LIKE = like('zeros_like');
const ONES_LIKE = like('ones_like');
const EMPTY_LIKE = like('empty_like');
const FULL_LIKE = signature<LikeMade & { fill_value: number | boolean }>(`full_like(Tensor input, Scalar fill_value, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False, str? memory_format=None)`);
const RAND_LIKE = like('rand_like');
const RANDN_LIKE = like('randn_like');

/** The arguments of the `*_like` factories: `(input, options)` or `({ input, ...options })`. */
type LikeArgs<O> = PyArgs<[input: Tensor], O & { input?: Tensor }>;

function make_like(a: LikeMade, value: number): Tensor {
  return finish(filled(a.input._shape, value, a.dtype ?? a.input._dtype), a);
}
/**
 * Zeros shaped (and typed, unless `dtype` says otherwise) like `input`.
 *
 * @example
 * torch.zeros_like(torch.ones(2, 3)).shape; // [2, 3]
 */
export const zeros_like = (...args: LikeArgs<CreateOptions>): Tensor => make_like(ZEROS_LIKE.parse(args), 0);
/**
 * Ones shaped (and typed, unless `dtype` says otherwise) like `input`.
 *
 * @example
 * torch.ones_like(torch.tensor([5, 6])); // [1, 1]
 */
export const ones_like = (...args: LikeArgs<CreateOptions>): Tensor => make_like(ONES_LIKE.parse(args), 1);
/**
 * An uninitialised (here zero-filled) tensor shaped and typed like `input`.
 *
 * @example
 * torch.empty_like(x).copy_(x);
 */
export const empty_like = (...args: LikeArgs<CreateOptions>): Tensor => make_like(EMPTY_LIKE.parse(args), 0);
/**
 * `fill_value` everywhere, shaped and typed like `input`.
 *
 * @example
 * torch.full_like(torch.zeros(2), 7); // [7, 7]
 */
export const full_like = (...args: PyArgs<[input: Tensor, fill_value: number | boolean], CreateOptions & { input?: Tensor; fill_value?: number | boolean }>): Tensor => {
  const a = FULL_LIKE.parse(args);
  return make_like(a, Number(a.fill_value));
};
/**
 * Samples of the uniform distribution on `[0, 1)`, shaped and typed like `input`.
 *
 * @example
 * torch.rand_like(torch.zeros(2, 2)).shape; // [2, 2]
 */
export const rand_like = (...args: LikeArgs<RandomOptions>): Tensor => {
  const a = RAND_LIKE.parse(args);
  return random_fill({ ...a, size: a.input._shape, dtype: a.dtype ?? a.input._dtype, generator: a.generator ?? null }, 'uniform');
};
/**
 * Samples of the standard normal distribution, shaped and typed like `input`.
 *
 * @example
 * torch.randn_like(torch.zeros(2, 2)).shape; // [2, 2]
 */
export const randn_like = (...args: LikeArgs<RandomOptions>): Tensor => {
  const a = RANDN_LIKE.parse(args);
  return random_fill({ ...a, size: a.input._shape, dtype: a.dtype ?? a.input._dtype, generator: a.generator ?? null }, 'normal');
};
