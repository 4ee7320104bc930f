// Reordering and running sums along dims: flip, roll, cumsum (FlipBackward0, RollBackward0, CumsumBackward0).
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating, type DType, type DTypeLike } from '../dtype.js';
import { contiguous_strides, normalize_dim, normalize_dims, numel_of } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { empty, record } from './record.js';
import { to_dtype } from './arithmetic.js';
import { signature, type PyArgs } from '../signature.js';

/**
 * A copy of `x` whose entry at coordinates `c` is x's at `maps[d][c[d]]` (no map: the same coordinate), with
 * x's elements read as a row-major tensor of `shape` (x's own shape unless given).
 */
function remap_dims(x: Tensor, maps: readonly (Int32Array | null)[], shape: readonly number[] = x._shape): Tensor {
  const out = empty(x._shape, x._dtype);
  const od = out._storage.data;
  const src = x._contiguous_data();
  const strides = contiguous_strides(shape);
  for (let i = 0; i < od.length; i++) {
    let off = 0;
    let rem = i;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
      const m = maps[d];
      off += (m === null || m === undefined ? c : m[c]!) * strides[d]!;
    }
    od[i] = src[off]!;
  }
  return out;
}

const FLIP = signature<{ input: Tensor; dims: number[] }>('flip(Tensor input, int[] dims)');
/**
 * The entries in reverse order along each of `dims` (FlipBackward0: the gradient flips back).
 *
 * @example
 * torch.flip(torch.arange(4).view(2, 2), [0, 1]); // [[3, 2], [1, 0]]
 */
export function flip(...args: PyArgs<[input: Tensor, dims: number | number[]], { input?: Tensor; dims?: number | number[] }>): Tensor {
  if (tracing) return trace_op('aten::flip', flip, args, FLIP);
  const a = FLIP.parse(args);
  return flip_dims(a.input, normalize_dims(a.dims, a.input.ndim));
}

const FLIPLR = signature<{ input: Tensor }>('fliplr(Tensor input)');
const FLIPUD = signature<{ input: Tensor }>('flipud(Tensor input)');
/**
 * The columns in reverse order (dim 1; FlipBackward0). The input must be at least 2-d.
 *
 * @example
 * torch.fliplr(torch.tensor([[1, 2], [3, 4]])); // [[2, 1], [4, 3]]
 */
export function fliplr(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  const { input } = FLIPLR.parse(args);
  if (input.ndim < 2) throw new Error('Input must be >= 2-d.');
  return flip(input, [1]);
}
/**
 * The rows in reverse order (dim 0; FlipBackward0). The input must be at least 1-d.
 *
 * @example
 * torch.flipud(torch.tensor([[1, 2], [3, 4]])); // [[3, 4], [1, 2]]
 */
export function flipud(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  const { input } = FLIPUD.parse(args);
  if (input.ndim < 1) throw new Error('Input must be >= 1-d.');
  return flip(input, [0]);
}

function flip_dims(x: Tensor, dims: readonly number[]): Tensor {
  const maps = x._shape.map((s, d) => (dims.includes(d) ? Int32Array.from({ length: s }, (_, c) => s - 1 - c) : null));
  const out = remap_dims(x, maps);
  record('FlipBackward0', [x], [out], (_c, [g]) => [flip_dims(g!, dims)]);
  return out;
}

const ROLL = signature<{ input: Tensor; shifts: number[]; dims: number[] }>('roll(Tensor input, int[1] shifts, int[1] dims=[])');
/**
 * The entries shifted cyclically by `shifts[i]` along `dims[i]` (without dims: over the flattened tensor,
 * shape kept). RollBackward0: the gradient rolls back.
 *
 * @example
 * torch.roll(torch.arange(4), 1); // [3, 0, 1, 2]
 */
export function roll(...args: PyArgs<[input: Tensor, shifts: number | number[], dims: number | number[]], { input?: Tensor; shifts?: number | number[]; dims?: number | number[] }>): Tensor {
  if (tracing) return trace_op('aten::roll', roll, args, ROLL);
  const { input: x, shifts, dims } = ROLL.parse(args);
  if (shifts.length !== Math.max(dims.length, 1)) throw new Error(`shifts and dimensions must align. shifts: ${shifts.length}, dims:${dims.length}`);
  return roll_dims(x, shifts, dims.map((d) => normalize_dim(d, x.ndim)));
}

/** `roll` on checked arguments; no dims rolls the flattened elements (one RollBackward0 all the same). */
function roll_dims(x: Tensor, shifts: readonly number[], dims: readonly number[]): Tensor {
  const shape = dims.length === 0 || x.ndim === 0 ? [x.numel()] : x._shape;
  const maps: (Int32Array | null)[] = shape.map(() => null);
  (dims.length === 0 ? [0] : dims).forEach((d, k) => {
    const s = shape[d]!;
    const prev = maps[d];
    // rolling one dim twice composes the shifts
    maps[d] = Int32Array.from({ length: s }, (_, c) => {
      const from = (((c - shifts[k]!) % s) + s) % s;
      return prev === null || prev === undefined ? from : prev[from]!;
    });
  });
  const out = remap_dims(x, maps, shape);
  record('RollBackward0', [x], [out], (_c, [g]) => [roll_dims(g!, shifts.map((s) => -s), dims)]);
  return out;
}

const CUMSUM = signature<{ input: Tensor; dim: number; dtype: DType | null }>('cumsum(Tensor input, int dim, *, ScalarType? dtype=None)');
/** The arguments of `x.cumsum(...)`. */
export type CumsumMethodArgs = PyArgs<[dim: number], {
  /** The dim summed along. */
  dim?: number;
  /** Convert the input to this dtype first. */
  dtype?: DTypeLike | null;
}>;
/**
 * Running sums along `dim` (`out[i] = x[0] + ... + x[i]`; bool and int64 sum in int64, or in `dtype`).
 * CumsumBackward0: the gradient is the running sum of the gradient from the end.
 *
 * @example
 * torch.cumsum(torch.tensor([1, 2, 3]), 0); // [1, 3, 6]
 */
export function cumsum(...args: PyArgs<[input: Tensor, dim: number], { input?: Tensor; dim?: number; dtype?: DTypeLike | null }>): Tensor {
  if (tracing) return trace_op('aten::cumsum', cumsum, args, CUMSUM);
  const a = CUMSUM.parse(args);
  const dtype = a.dtype ?? (is_floating(a.input._dtype) ? a.input._dtype : 'int64');
  const x = a.input._dtype === dtype ? a.input : to_dtype(a.input, dtype);
  return cumsum_dim(x, normalize_dim(a.dim, x.ndim), false);
}

/** Running sums along `d`, from the start or (`reverse`) from the end: the latter is cumsum's adjoint. */
function cumsum_dim(x: Tensor, d: number, reverse: boolean): Tensor {
  const out = scan_dim(x, d, reverse, 0, (acc, v) => acc + v);
  record('CumsumBackward0', [x], [out], (_c, [g]) => [cumsum_dim(g!, d, !reverse)]);
  return out;
}

/**
 * The running `step(acc, x_i)` from `init` along `d` (from the end when `reverse`), unrecorded: the scan behind
 * cumsum and cumprod.
 *
 * @hidden
 */
export function scan_dim(x: Tensor, d: number, reverse: boolean, init: number, step: (acc: number, v: number) => number): Tensor {
  const shape = x.ndim === 0 ? [1] : x._shape;
  const size = shape[d]!;
  const outer = numel_of(shape.slice(0, d));
  const inner = numel_of(shape.slice(d + 1));
  const out = empty(x._shape, x._dtype);
  const od = out._storage.data;
  const src = x._contiguous_data();
  for (let o = 0; o < outer; o++) {
    for (let n = 0; n < inner; n++) {
      let acc = init;
      for (let j = 0; j < size; j++) {
        const at = (o * size + (reverse ? size - 1 - j : j)) * inner + n;
        acc = step(acc, src[at]!);
        od[at] = acc;
      }
    }
  }
  return out;
}
