// Data types, their storage arrays and PyTorch's type-promotion rules.

/** The dtypes tsgrad supports. int64 values are stored exactly in a Float64Array (|v| < 2^53). */
export type DType = 'float32' | 'float64' | 'int64' | 'bool';
export type TypedArray = Float32Array | Float64Array | Uint8Array;
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int64', 'bool'];

let default_dtype: 'float32' | 'float64' = 'float32';

/** PyTorch's `torch.get_default_dtype()`. */
export function get_default_dtype(): 'float32' | 'float64' {
  return default_dtype;
}

/** PyTorch's `torch.set_default_dtype(d)`: the dtype of float tensors made from JS numbers. */
export function set_default_dtype(d: 'float32' | 'float64'): void {
  if (d !== 'float32' && d !== 'float64') throw new TypeError(`only floating-point types are supported as the default type, got ${String(d)}`);
  default_dtype = d;
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
    case 'bool':
      return new Uint8Array(n);
  }
}

export function is_floating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function check_dtype(dtype: unknown): DType {
  if (typeof dtype !== 'string' || !(DTYPES as readonly string[]).includes(dtype)) {
    throw new TypeError(`dtype must be one of ${DTYPES.join(', ')}, but got ${String(dtype)}`);
  }
  return dtype as DType;
}

const RANK: Record<DType, number> = { bool: 0, int64: 1, float32: 2, float64: 3 };

/** Result dtype of a binary op on two tensors (PyTorch's promote_types for the supported dtypes). */
export function promote_types(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Result dtype of a tensor op with a JS number operand: a number never widens a float tensor, an integer
 * number keeps an integer tensor integral, a fractional number turns an integer or bool tensor into the
 * default float dtype (PyTorch's wrapped-number rule).
 */
export function promote_with_scalar(t: DType, s: number | boolean): DType {
  if (typeof s === 'boolean') return t;
  if (is_floating(t)) return t;
  if (Number.isInteger(s)) return t === 'bool' ? 'int64' : t;
  return default_dtype;
}

/** PyTorch's legacy type name used in error messages, e.g. `torch.FloatTensor`. */
export function legacy_type_name(dtype: DType): string {
  return { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int64: 'torch.LongTensor', bool: 'torch.BoolTensor' }[dtype];
}

/** PyTorch's ScalarType name used in error messages, e.g. `Float`. */
export function scalar_type_name(dtype: DType): string {
  return { float32: 'Float', float64: 'Double', int64: 'Long', bool: 'Bool' }[dtype];
}

/** Python-facing dtype name, e.g. `torch.float32`. */
export function torch_dtype_name(dtype: DType): string {
  return `torch.${dtype}`;
}
