// Tensor creation: tensor(), zeros/ones/full/arange/linspace/eye, random tensors and *_like variants.
import { alloc, cast_scalar, check_dtype, get_default_dtype, type DType, type TypedArray } from '../dtype.js';
import { numel_of } from '../shape.js';
import { default_generator, type Generator } from '../random.js';
import { Storage, Tensor, type NestedArray } from '../tensor.js';

/** Keyword options of the creation functions: `dtype` (default float32) and `requires_grad`. */
export interface CreateOptions {
  dtype?: DType;
  requires_grad?: boolean;
}
/** Keyword options of the random creation functions: those of CreateOptions and a `generator`. */
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

type SizeArgs<O> = (number | readonly number[] | O | undefined)[];

/**
 * Checks a size argument: a list of integers (PyTorch's TypeError for anything else) that are not negative.
 */
export function check_size(fn: string, shape: readonly unknown[], position = 1): number[] {
  shape.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s)) {
      throw new TypeError(`${fn}(): argument 'size' (position ${position}) must be tuple of ints, but found element of type ${py_type(s)} at pos ${i}`);
    }
  });
  const out = shape as number[];
  for (const s of out) if (s < 0) throw new Error(`Trying to create tensor with negative dimension ${s}: [${out.join(', ')}]`);
  return [...out];
}

/** Python's name for the type of a JS value in messages. */
function py_type(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  return py_kind(v);
}

/** Checks an integer argument such as `eye`'s `n`: PyTorch's TypeError for a fractional or non-number value. */
function check_int(fn: string, name: string, position: number, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${fn}(): argument '${name}' (position ${position}) must be int, not ${py_type(v)}`);
  return v;
}

/** Formats a number as Python prints a float or int in messages (`nan`, `inf`, `0.5`, `3`). */
function py_num(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(v);
}

/** Splits `(2, 3, opts)` / `([2, 3], opts)` into a shape and options. */
function parse_size<O extends object>(fn: string, args: SizeArgs<O>): [number[], O] {
  let opts = {} as O;
  const rest = [...args];
  const last = rest[rest.length - 1];
  if (last !== undefined && typeof last === 'object' && !Array.isArray(last)) {
    opts = last as O;
    rest.pop();
  }
  while (rest.length > 0 && rest[rest.length - 1] === undefined) rest.pop();
  const shape = rest.length === 1 && Array.isArray(rest[0]) ? [...(rest[0] as number[])] : (rest as number[]);
  return [check_size(fn, shape), opts];
}

function finish(t: Tensor, opts: CreateOptions): Tensor {
  if (opts.requires_grad) t.requires_grad_(true);
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
    if (!Array.isArray(v)) throw new TypeError('not a sequence');
    if (v.length !== shape[dim]) throw new Error(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${v.length})`);
    for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], dim + 1]);
  }
  return { flat, all_bool };
}

/**
 * Builds a tensor from nested arrays, a number, a boolean or a typed array. JS numbers make the default
 * float dtype (JS cannot tell `1.0` from `1`); pass `{ dtype: 'int64' }` for integer tensors.
 *
 * @example
 * torch.tensor([[1, 2], [3, 4]], { requires_grad: true });
 * torch.tensor([3], { dtype: 'int64' });
 */
export function tensor(data: NestedArray | TypedArray | Tensor, options: CreateOptions = {}): Tensor {
  if (data instanceof Tensor) {
    const dtype = options.dtype === undefined ? data.dtype : check_dtype(options.dtype);
    const t = new Tensor(new Storage(convert(data._contiguous_data(), dtype)), data.shape, dtype);
    return finish(t, options);
  }
  if (ArrayBuffer.isView(data)) {
    const arr = data as TypedArray;
    const dtype = options.dtype ?? (arr instanceof Float64Array ? 'float64' : arr instanceof Uint8Array ? 'bool' : 'float32');
    return finish(new Tensor(new Storage(convert(arr, check_dtype(dtype))), [arr.length], dtype), options);
  }
  const requested = options.dtype === undefined ? undefined : check_dtype(options.dtype);
  const shape = infer_shape(data);
  const { flat, all_bool } = flatten_nested(data, shape, requested);
  const dtype = requested ?? (all_bool ? 'bool' : get_default_dtype());
  const arr = alloc(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) arr[i] = cast_scalar(flat[i]!, dtype, 'int64');
  return finish(new Tensor(new Storage(arr), shape, dtype), options);
}

function convert(src: TypedArray, dtype: DType): TypedArray {
  const out = alloc(dtype, src.length);
  if (dtype === 'int64') for (let i = 0; i < src.length; i++) out[i] = cast_scalar(src[i]!, dtype, 'int64');
  else if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] ? 1 : 0;
  else out.set(src);
  return out;
}

/** Wraps an existing typed array without copying (PyTorch's `torch.from_numpy`). */
export function from_array(data: TypedArray, shape: readonly number[], dtype?: DType): Tensor {
  const dt = dtype ?? (data instanceof Float64Array ? 'float64' : data instanceof Uint8Array ? 'bool' : 'float32');
  if (numel_of(shape) !== data.length) throw new Error(`shape [${shape.join(', ')}] does not match ${data.length} elements`);
  return new Tensor(new Storage(data), shape, dt);
}

export function full(shape: readonly number[], value: number | boolean, options: CreateOptions = {}): Tensor {
  const dtype = check_dtype(options.dtype ?? (typeof value === 'boolean' ? 'bool' : get_default_dtype()));
  const size = check_size('full', shape);
  const v = cast_scalar(value, dtype);
  const arr = alloc(dtype, numel_of(size));
  if (v !== 0) arr.fill(v);
  return finish(new Tensor(new Storage(arr), shape, dtype), options);
}

/** `torch.zeros(2, 3)` or `torch.zeros([2, 3], { dtype })`. */
export function zeros(...args: SizeArgs<CreateOptions>): Tensor {
  const [shape, opts] = parse_size('zeros', args);
  return full(shape, 0, opts);
}
export function ones(...args: SizeArgs<CreateOptions>): Tensor {
  const [shape, opts] = parse_size('ones', args);
  return full(shape, 1, opts);
}
export function empty(...args: SizeArgs<CreateOptions>): Tensor {
  const [shape, opts] = parse_size('empty', args);
  return full(shape, 0, opts);
}

/** `torch.arange(end)`, `torch.arange(start, end, step)`; integer arguments give int64 like PyTorch. */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  if (step === 0 || Number.isNaN(step)) throw new Error('step must be nonzero');
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`unsupported range: ${py_num(lo)} -> ${py_num(hi)}`);
  if ((hi - lo) * step < 0 && hi !== lo) throw new Error('upper bound and larger bound inconsistent with step sign');
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const all_int = Number.isInteger(lo) && Number.isInteger(hi) && Number.isInteger(step);
  const dtype = check_dtype(options.dtype ?? (all_int ? 'int64' : get_default_dtype()));
  const arr = alloc(dtype, n);
  for (let i = 0; i < n; i++) arr[i] = lo + i * step;
  return finish(new Tensor(new Storage(arr), [n], dtype), options);
}

export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  check_int('linspace', 'steps', 3, steps);
  if (steps < 0) throw new Error('number of steps must be non-negative');
  const dtype = check_dtype(options.dtype ?? get_default_dtype());
  const arr = alloc(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half from the end so the last value is exactly `end`
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) arr[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  return finish(new Tensor(new Storage(arr), [steps], dtype), options);
}

export function eye(n: number, m: number = n, options: CreateOptions = {}): Tensor {
  check_int('eye', 'n', 1, n);
  check_int('eye', 'm', 2, m);
  if (n < 0) throw new Error(`n must be greater or equal to 0, got ${n}`);
  if (m < 0) throw new Error(`m must be greater or equal to 0, got ${m}`);
  const t = full([n, m], 0, options);
  for (let i = 0; i < Math.min(n, m); i++) t._storage.data[i * m + i] = 1;
  return t;
}

export function rand(...args: SizeArgs<RandomOptions>): Tensor {
  const [shape, opts] = parse_size('rand', args);
  const g = opts.generator ?? default_generator;
  const t = full(shape, 0, { dtype: opts.dtype });
  const d = t._storage.data;
  for (let i = 0; i < d.length; i++) d[i] = g.random();
  return finish(t, opts);
}

export function randn(...args: SizeArgs<RandomOptions>): Tensor {
  const [shape, opts] = parse_size('randn', args);
  const g = opts.generator ?? default_generator;
  const t = full(shape, 0, { dtype: opts.dtype });
  const d = t._storage.data;
  for (let i = 0; i < d.length; i++) d[i] = g.normal();
  return finish(t, opts);
}

/** `torch.randint(low, high, size)` (int64 by default). */
export function randint(low: number, high: number, size: readonly number[], options: RandomOptions = {}): Tensor {
  check_int('randint', 'low', 1, low);
  check_int('randint', 'high', 2, high);
  check_size('randint', size, 3);
  if (high <= low) throw new Error(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const g = options.generator ?? default_generator;
  const t = full(size, 0, { dtype: options.dtype ?? 'int64' });
  const d = t._storage.data;
  for (let i = 0; i < d.length; i++) d[i] = g.randint(low, high);
  return finish(t, options);
}

/** A random permutation of 0..n-1 (int64). */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  check_int('randperm', 'n', 1, n);
  check_size('randperm', [n]);
  const g = options.generator ?? default_generator;
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return tensor(idx, { dtype: options.dtype ?? 'int64' });
}

const like = (t: Tensor, o: CreateOptions): CreateOptions => ({ ...o, dtype: o.dtype ?? t.dtype });
export const zeros_like = (t: Tensor, o: CreateOptions = {}): Tensor => full(t.shape, 0, like(t, o));
export const ones_like = (t: Tensor, o: CreateOptions = {}): Tensor => full(t.shape, 1, like(t, o));
export const empty_like = (t: Tensor, o: CreateOptions = {}): Tensor => full(t.shape, 0, like(t, o));
export const full_like = (t: Tensor, value: number, o: CreateOptions = {}): Tensor => full(t.shape, value, like(t, o));
export const rand_like = (t: Tensor, o: RandomOptions = {}): Tensor => rand(t.shape, like(t, o));
export const randn_like = (t: Tensor, o: RandomOptions = {}): Tensor => randn(t.shape, like(t, o));
