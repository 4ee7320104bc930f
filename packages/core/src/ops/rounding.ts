// Rounding (floor, ceil, round, trunc: zero gradients, FloorBackward0 & co) and one-sided clamps (clamp_min /
// clamp_max: ClampMinBackward0 / ClampMaxBackward0, the gradient passing where the bound does not bind).
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating, promote_with_scalar } from '../dtype.js';
import type { UnaryOp } from '../kernels/js/elementwise.js';
import type { Tensor } from '../tensor.js';
import { ge, le, map_unary, mul, to_dtype, type Scalar } from './arithmetic.js';
import { record } from './record.js';
import { signature, type PyArgs } from '../signature.js';

/** A rounding op: integers come back as a copy (nothing to round), floats rounded, bools refused; gradient zero. */
function rounded(x: Tensor, op: UnaryOp & ('floor' | 'ceil' | 'round' | 'trunc'), name: string): Tensor {
  if (x._dtype === 'bool') throw new Error(`"${op}_vml_cpu" not implemented for 'Bool'`);
  const out = map_unary(x, is_floating(x._dtype) ? op : 'identity', x._dtype);
  record(name, [x], [out], (_c, [g]) => [mul(g!, 0)]);
  return out;
}

const UNARY = (name: string) => signature<{ input: Tensor }>(`${name}(Tensor input)`);
const FLOOR = UNARY('floor');
const CEIL = UNARY('ceil');
const TRUNC = UNARY('trunc');
type UnaryArgs = PyArgs<[input: Tensor], { input?: Tensor }>;

/**
 * The largest integer not above each element (FloorBackward0, a zero gradient); integer inputs are copied.
 *
 * @example
 * torch.floor(torch.tensor([-1.5, 2.5])); // [-2, 2]
 */
export function floor(...args: UnaryArgs): Tensor {
  if (tracing) return trace_op('aten::floor', floor, args, FLOOR);
  return rounded(FLOOR.parse(args).input, 'floor', 'FloorBackward0');
}

/**
 * The smallest integer not below each element (CeilBackward0, a zero gradient).
 *
 * @example
 * torch.ceil(torch.tensor([-1.5, 2.5])); // [-1, 3]
 */
export function ceil(...args: UnaryArgs): Tensor {
  if (tracing) return trace_op('aten::ceil', ceil, args, CEIL);
  return rounded(CEIL.parse(args).input, 'ceil', 'CeilBackward0');
}

/**
 * Each element with its fractional part dropped, towards zero (TruncBackward0, a zero gradient).
 *
 * @example
 * torch.trunc(torch.tensor([-1.5, 2.5])); // [-1, 2]
 */
export function trunc(...args: UnaryArgs): Tensor {
  if (tracing) return trace_op('aten::trunc', trunc, args, TRUNC);
  return rounded(TRUNC.parse(args).input, 'trunc', 'TruncBackward0');
}

const ROUND = signature<{ input: Tensor; decimals: number }>('round(Tensor input, *, int decimals=0)');
/**
 * Each element rounded to the nearest integer, halves to even (RoundBackward0), or to `decimals` decimal places
 * (RoundBackward1); the gradient is zero.
 *
 * @example
 * torch.round(torch.tensor([0.5, 1.5, 2.25])); // [0, 2, 2]
 * torch.round(torch.tensor([1.2345]), { decimals: 2 }); // [1.23]
 */
export function round(...args: PyArgs<[input: Tensor], { input?: Tensor; decimals?: number }>): Tensor {
  if (tracing) return trace_op('aten::round', round, args, ROUND);
  const { input: x, decimals } = ROUND.parse(args);
  if (decimals === 0) return rounded(x, 'round', 'RoundBackward0');
  if (!is_floating(x._dtype)) throw new Error('round_cpu not implemented for decimals != 0 on integral inputs');
  // PyTorch scales by 10^d (or divides by 10^-d), rounds half to even, and scales back
  const scale = 10 ** Math.abs(decimals);
  const scaled = decimals > 0 ? map_unary(x, 'mul_s', x._dtype, scale) : map_unary(x, 'div_s', x._dtype, scale);
  const r = map_unary(scaled, 'round', x._dtype);
  const out = decimals > 0 ? map_unary(r, 'div_s', x._dtype, scale) : map_unary(r, 'mul_s', x._dtype, scale);
  record('RoundBackward1', [x], [out], (_c, [g]) => [mul(g!, 0)]);
  return out;
}

const CLAMP_MIN = signature<{ input: Tensor; min: Scalar }>('clamp_min(Tensor input, Scalar min)');
const CLAMP_MAX = signature<{ input: Tensor; max: Scalar }>('clamp_max(Tensor input, Scalar max)');

/** `max(x, bound)` (or `min`), promoted as a scalar operand; the gradient passes where the bound does not bind. */
function one_sided(x: Tensor, bound: number, lower: boolean): Tensor {
  const dtype = promote_with_scalar(x._dtype, bound);
  if (dtype !== x._dtype) return one_sided(to_dtype(x, dtype), bound, lower);
  const out = map_unary(x, 'clamp', x._dtype, lower ? bound : -Infinity, lower ? Infinity : bound);
  record(lower ? 'ClampMinBackward0' : 'ClampMaxBackward0', [x], [out], (ctx, [g]) => {
    const a = ctx.saved_tensors[0]!;
    return [mul(g!, to_dtype(lower ? ge(a, bound) : le(a, bound), g!._dtype))];
  }, [x], ['self']);
  return out;
}

/**
 * Each element raised to at least `min` (ClampMinBackward0; the gradient passes where `x >= min`).
 *
 * @example
 * torch.clamp_min(torch.tensor([-1, 0.5]), 0); // [0, 0.5]
 */
export function clamp_min(...args: PyArgs<[input: Tensor, min: Scalar], { input?: Tensor; min?: Scalar }>): Tensor {
  if (tracing) return trace_op('aten::clamp_min', clamp_min, args, CLAMP_MIN);
  const { input, min } = CLAMP_MIN.parse(args);
  return one_sided(input, Number(min), true);
}

/**
 * Each element lowered to at most `max` (ClampMaxBackward0; the gradient passes where `x <= max`).
 *
 * @example
 * torch.clamp_max(torch.tensor([-1, 0.5]), 0); // [-1, 0]
 */
export function clamp_max(...args: PyArgs<[input: Tensor, max: Scalar], { input?: Tensor; max?: Scalar }>): Tensor {
  if (tracing) return trace_op('aten::clamp_max', clamp_max, args, CLAMP_MAX);
  const { input, max } = CLAMP_MAX.parse(args);
  return one_sided(input, Number(max), false);
}
