// The arguments of `x.to(...)` and `module.to(...)`: PyTorch's overloads (dtype / device[, dtype] / other tensor).
import type { DeviceLike } from './device.js';
import { DTYPES, TorchDType, type DType, type DTypeLike } from './dtype.js';
import { signature } from './signature.js';
import { Tensor } from './tensor.js';

/** Keyword options of `to`. */
export interface ToOptions {
  /** The dtype to convert to. */
  dtype?: DTypeLike | null;
  /** The device to move to (only the CPU exists; 'cuda' raises PyTorch's error). */
  device?: DeviceLike | null;
  /** Accepted for compatibility; copies are synchronous. */
  non_blocking?: boolean;
  /** Return a new tensor even when nothing changes (default false: the tensor itself). */
  copy?: boolean;
  /** Accepted for compatibility (PyTorch's layout choice; tsgrad has one layout). */
  memory_format?: string | null;
}
/** `to(dtype)`, `to(device, dtype?)`, `to(other)`, each optionally followed by keyword options. */
export type ToArgs = [options?: ToOptions] | [dtype: DTypeLike, options?: ToOptions] | [device: DeviceLike | null, dtype?: DTypeLike | null, options?: ToOptions] | [other: Tensor, options?: ToOptions];

interface ToParsed { device: DeviceLike | null; dtype: DType | null; non_blocking: boolean; copy: boolean; memory_format: string | null }
const TO_DEVICE = signature<ToParsed>('to(Device? device=None, ScalarType? dtype=None, bool non_blocking=False, bool copy=False, *, str? memory_format=None)');
const TO_DTYPE = signature<Omit<ToParsed, 'device'>>('to(ScalarType dtype, bool non_blocking=False, bool copy=False, *, str? memory_format=None)');
const TO_OTHER = signature<Omit<ToParsed, 'device' | 'dtype'> & { other: Tensor }>('to(Tensor other, bool non_blocking=False, bool copy=False, *, str? memory_format=None)');

/**
 * Reads `to(...)`'s overloads: the first argument's kind picks PyTorch's overload, whose signature then reads
 * the rest (wrong kinds and unknown options raise PyTorch's TypeErrors).
 *
 * @example
 * parse_to(['cpu', 'float64']); // { device: 'cpu', dtype: 'float64', non_blocking: false, copy: false, … }
 */
export function parse_to(args: readonly unknown[]): ToParsed {
  const first = args[0];
  if (first instanceof Tensor) {
    const a = TO_OTHER.parse(args);
    return { ...a, device: null, dtype: a.other._dtype };
  }
  if (first instanceof TorchDType || (typeof first === 'string' && (DTYPES as readonly string[]).includes(first))) return { ...TO_DTYPE.parse(args), device: null };
  return TO_DEVICE.parse(args);
}
