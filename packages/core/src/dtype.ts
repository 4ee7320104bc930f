// Data types, their storage arrays and PyTorch's type-promotion rules.

/** The dtypes tsgrad supports. int64 values are stored exactly in a Float64Array (|v| < 2^53), uint8 in a Uint8Array. */
export type DType = 'float32' | 'float64' | 'int64' | 'uint8' | 'bool';
/** The typed arrays tensors store their data in (Float32Array, Float64Array, and those of int64 and bool). */
export type TypedArray = Float32Array | Float64Array | Uint8Array;
/** The typed arrays of the floating-point dtypes. */
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int64', 'uint8', 'bool'];

const ITEMSIZE: Record<DType, number> = { float32: 4, float64: 8, int64: 8, uint8: 1, bool: 1 };

/**
 * PyTorch's `torch.dtype`: the values `torch.float32`, `torch.int64`, … that `x.dtype` returns. One object per
 * dtype, so `x.dtype === torch.float32` compares as Python's `==` does; prints as PyTorch (`torch.float32`).
 * Every option that takes a dtype also takes its name (`'float32'`).
 *
 * @example
 * const x = torch.zeros(2);
 * String(x.dtype); // 'torch.float32'
 * x.dtype === torch.float32; // true
 * x.dtype.is_floating_point; // true
 */
export class TorchDType {
  /** The dtype's name without the `torch.` prefix (`'float32'`), as option strings spell it. */
  readonly name: DType;
  private constructor(name: DType) {
    this.name = name;
  }
  /** @internal The one object of each dtype. */
  static readonly _of = new Map<DType, TorchDType>(DTYPES.map((d) => [d, new TorchDType(d)]));

  /** Whether this is float32 or float64 (PyTorch's `dtype.is_floating_point`). */
  get is_floating_point(): boolean {
    return is_floating(this.name);
  }
  /** Whether values can be negative (false for bool and uint8, as PyTorch's `is_signed`). */
  get is_signed(): boolean {
    return this.name !== 'bool' && this.name !== 'uint8';
  }
  /** Always false: tsgrad has no complex dtypes. */
  get is_complex(): boolean {
    return false;
  }
  /** Bytes per element in PyTorch (`torch.int64.itemsize` is 8). */
  get itemsize(): number {
    return ITEMSIZE[this.name];
  }
  /** `'torch.float32'`: what `print(x.dtype)` shows. */
  toString(): string {
    return `torch.${this.name}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A dtype as options take it: the `torch.float32` object or its name `'float32'`. */
export type DTypeLike = DType | TorchDType;

/**
 * The `torch.dtype` object of a dtype name (or the object itself).
 *
 * @example
 * String(dtype_object('int64')); // 'torch.int64'
 */
export function dtype_object(d: DTypeLike): TorchDType {
  if (d instanceof TorchDType) return d;
  return TorchDType._of.get(d) ?? TorchDType._of.get(check_dtype(d))!;
}

/**
 * The name of a dtype given as an object or a name (`torch.float64` or `'float64'` → `'float64'`); null and
 * undefined pass through, anything else raises.
 *
 * @example
 * dtype_name(torch.float64); // 'float64'
 */
export function dtype_name(d: DTypeLike): DType;
export function dtype_name(d: DTypeLike | null | undefined): DType | null | undefined;
export function dtype_name(d: DTypeLike | null | undefined): DType | null | undefined {
  if (d === null || d === undefined) return d;
  return d instanceof TorchDType ? d.name : check_dtype(d);
}

let default_dtype: 'float32' | 'float64' = 'float32';

/** The name of the default float dtype (what `get_default_dtype()` returns, as a name). */
export function default_dtype_name(): 'float32' | 'float64' {
  return default_dtype;
}

/**
 * PyTorch's `torch.get_default_dtype()`: the dtype of float tensors made from JS numbers (float32 unless
 * `set_default_dtype` changed it).
 *
 * @example
 * String(torch.get_default_dtype()); // 'torch.float32'
 */
export function get_default_dtype(): TorchDType {
  return dtype_object(default_dtype);
}

/**
 * PyTorch's `torch.set_default_dtype(d)`: sets the dtype of float tensors made from JS numbers (and of the
 * results of math on integer tensors). Only float32 and float64 are accepted.
 *
 * @example
 * torch.set_default_dtype(torch.float64); torch.tensor([0.1]).dtype; // torch.float64
 */
export function set_default_dtype(d: DTypeLike): void {
  const name = d instanceof TorchDType ? d.name : d;
  if (name !== 'float32' && name !== 'float64') throw new TypeError(`only floating-point types are supported as the default type, got ${String(d)}`);
  default_dtype = name;
}

/** Storage arrays at least this large (elements) prime the C allocator first; see prime_allocator. */
const LARGE_ELEMENTS = 1 << 16;
/**
 * The block whose release raises glibc's thresholds: just under the 32 MB cap of dynamic raising (the chunk's
 * header and page rounding count too), so the heap keeps up to 64 MB of freed blocks before trimming.
 */
const PRIMING_BYTES = (32 << 20) - (64 << 10);
let allocator_primed = false;

/**
 * glibc's malloc gives blocks above its mmap threshold (128 KB at start) fresh pages from the OS, one page
 * fault per 4 KB on first write, and trims its heap back to the OS beyond twice that threshold. Tensor results
 * are blocks of megabytes that V8 frees only when it collects them, so by default many op results fault their
 * pages in anew (SimpleNet's forward at batch 64: about 50 faults, a fifth of its time, varying between
 * processes). Freeing an mmap'd block raises both thresholds to its size (mallopt(3): "dynamic mmap
 * threshold"), as MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ would: so before the first large storage,
 * in Node, one untouched buffer of almost 32 MB is allocated and dropped (V8 frees it at its next collection).
 * Other allocators and engines just see a short-lived reservation that is never written.
 */
function prime_allocator(): void {
  allocator_primed = true;
  if ((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === undefined) return;
  void new ArrayBuffer(PRIMING_BYTES);
}

/** Allocates a zeroed storage array for `n` elements of `dtype`. */
export function alloc(dtype: DType, n: number): TypedArray {
  if (!allocator_primed && n >= LARGE_ELEMENTS) prime_allocator();
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
    case 'int64':
      return new Float64Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
  }
}

export function is_floating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function check_dtype(dtype: unknown): DType {
  if (dtype instanceof TorchDType) return dtype.name;
  if (typeof dtype !== 'string' || !(DTYPES as readonly string[]).includes(dtype)) {
    throw new TypeError(`dtype must be one of ${DTYPES.join(', ')}, but got ${String(dtype)}`);
  }
  return dtype as DType;
}

const RANK: Record<DType, number> = { bool: 0, uint8: 1, int64: 2, float32: 3, float64: 4 };

/** The name of the smallest dtype both `a` and `b` cast to safely (what `promote_types` returns, as a name). */
export function promote_names(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** PyTorch's dtype categories, ordered: bool < integral < floating. */
function category(d: DType): number {
  return d === 'bool' ? 0 : is_floating(d) ? 2 : 1;
}

/**
 * Whether casting rules allow `from` → `to` (a cast never lowers the category: floating to integral or bool,
 * or integral to bool, is refused); `torch.can_cast` reads its arguments and asks this.
 *
 * @hidden
 */
export function can_cast_names(from: DType, to: DType): boolean {
  return category(from) <= category(to);
}

/**
 * Combines the result of a higher-priority group of operands with a lower one (PyTorch's
 * combine_categories): the lower group lifts the result only when its category is higher.
 */
export function combine_categories(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null || is_floating(higher)) return higher;
  if (higher === 'bool' || is_floating(lower)) return promote_names(higher, lower);
  return higher;
}

/**
 * The dtype PyTorch gives a Python number operand: bool, int64 (integers an int64 can hold) or the default
 * float dtype (a whole number past int64's range, such as 2 ** 70, can only have come from a Python float).
 */
export function scalar_dtype(s: number | boolean): DType {
  if (typeof s === 'boolean') return 'bool';
  return Number.isInteger(s) && Math.abs(s) < 2 ** 63 ? 'int64' : default_dtype;
}

/**
 * Result dtype of a tensor op with a JS number operand (PyTorch's wrapped-number rule): the number only
 * lifts the category, e.g. int64 with 0.5 gives the default float dtype, bool with 2 gives int64.
 */
export function promote_with_scalar(t: DType, s: number | boolean): DType {
  return combine_categories(t, scalar_dtype(s))!;
}

/** The message of an in-place op whose result dtype cannot be stored in the written-to tensor. */
export function check_can_cast(result: DType, out: DType): void {
  // names already: the category test alone (every in-place op runs it)
  if (category(result) > category(out)) throw new Error(`result type ${scalar_type_name(result)} can't be cast to the desired output type ${scalar_type_name(out)}`);
}

/** PyTorch's legacy type name used in error messages, e.g. `torch.FloatTensor`. */
export function legacy_type_name(dtype: DType): string {
  return { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int64: 'torch.LongTensor', uint8: 'torch.ByteTensor', bool: 'torch.BoolTensor' }[dtype];
}

/** PyTorch's ScalarType name used in error messages, e.g. `Float`. */
export function scalar_type_name(dtype: DType): string {
  return { float32: 'Float', float64: 'Double', int64: 'Long', uint8: 'Byte', bool: 'Bool' }[dtype];
}

/** Python-facing dtype name, e.g. `torch.float32`. */
export function torch_dtype_name(dtype: DType): string {
  return `torch.${dtype}`;
}

const INT64_LIMIT = 9223372036854775808;

/**
 * A number as a tensor of `dtype` stores it (PyTorch's fill_, full, masked_fill and construction): integral
 * dtypes truncate and refuse what int64 cannot hold (`c_type` names it in the message, as PyTorch's
 * callers do), bool stores `value != 0`.
 */
export function cast_scalar(value: number | boolean, dtype: DType, c_type = 'int64_t'): number {
  const v = Number(value);
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  if (dtype === 'int64') {
    if (!(v >= -INT64_LIMIT && v < INT64_LIMIT)) throw new Error(`value cannot be converted to type ${c_type} without overflow`);
    return Math.trunc(v) + 0;
  }
  if (dtype === 'uint8') {
    // c10's overflow rule: whole numbers down to -255 wrap around (Python ints), other numbers must lie in [0, 255]
    const ok = Number.isInteger(v) ? v >= -255 && v <= 255 : v >= 0 && v <= 255;
    if (!ok) throw new Error(`value cannot be converted to type uint8 without overflow`);
    return (Math.trunc(v) + 256) % 256;
  }
  return v;
}
