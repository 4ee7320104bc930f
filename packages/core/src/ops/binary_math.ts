// Broadcasting binary math (atan2, hypot, fmax, fmin, fmod, remainder, floor_divide, copysign, heaviside,
// nextafter) with PyTorch's result dtypes, sign conventions, nodes and in-place forms.
import { no_grad } from '../autograd/grad_mode.js';
import { is_floating, scalar_dtype, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { add, div, eq, ge, isnan, logical_not, logical_or, mul, neg, where, type Scalar } from './arithmetic.js';
import { scalar_tensor } from './record.js';
import { signature, type PyArgs } from '../signature.js';
import { trace_op, tracing } from '../jit/tracer.js';
import { alias_binary, binary_inplace, binary_op, binary_operands, binary_value, not_implemented, type BinaryDef, type BinaryOpFn } from './math_defs.js';
import { copysign as copysign_value, nextafter32, nextafter64 } from './special_math.js';

const floats_only = (kernel: string) => (dtype: DType): string | null => (is_floating(dtype) ? null : not_implemented(kernel, dtype));
/** An integral division by zero raises, as PyTorch's integer kernels do. */
function integral_divisor(dtype: DType, _x: Tensor, y: Tensor): string | null {
  if (is_floating(dtype)) return null;
  const d = y._contiguous_data();
  for (let i = 0; i < d.length; i++) if (d[i] === 0) return 'ZeroDivisionError';
  return null;
}
/** A backward PyTorch does not define: raises its words when the gradient is asked for. */
const no_derivative = (message: string) => (): never => {
  throw new Error(message);
};
/** Integral results are stored as +0 (a JS `%` can give −0). */
const integral = (dtype: DType, f: (a: number, b: number) => number) => (is_floating(dtype) ? f : (a: number, b: number) => f(a, b) + 0);

const ATAN2: BinaryDef = {
  name: 'atan2', scalar_other: false, result: 'float', f: () => Math.atan2, node: ['Atan2Backward0', 'Atan2Backward0'],
  grads: (g, x, y) => {
    const r2 = add(mul(x, x), mul(y, y));
    return [div(mul(g, y), r2), div(mul(g, neg(x)), r2)];
  },
};
const HYPOT: BinaryDef = {
  name: 'hypot', scalar_other: false, result: 'same', f: () => Math.hypot, node: ['HypotBackward0', 'HypotBackward0'], refuse: floats_only('hypot_cpu'),
  uses_result: true, grads: (g, x, y, r) => [mul(g, div(x, r)), mul(g, div(y, r))],
};

/**
 * fmax / fmin: NaN only where both are NaN, ties (−0 and 0 too) to the input; the gradient goes to the operand
 * chosen (the input on ties and against a NaN `other`).
 */
function nan_ignoring(name: 'fmax' | 'fmin', node: string): BinaryDef {
  const wins = name === 'fmax' ? (a: number, b: number): boolean => b > a : (a: number, b: number): boolean => b < a;
  return {
    name, scalar_other: false, result: 'same', node: [node, node],
    f: () => (a, b) => (a !== a ? b : b !== b || !wins(a, b) ? a : b),
    grads: (g, x, y) => {
      const to_x = no_grad(() => logical_or(name === 'fmax' ? ge(x, y) : ge(y, x), isnan(y)));
      return [where(to_x, g, 0), where(logical_not(to_x), g, 0)];
    },
  };
}

/** Python's `a % b`: the remainder takes the divisor's sign. */
function python_mod(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && (b < 0) !== (m < 0) ? m + b : m;
}
/** Python's `a // b` on floats: the quotient rounded towards −∞ from the exact remainder, its zeros signed. */
function floor_quotient(a: number, b: number): number {
  if (b === 0) return a / b;
  const m = a % b;
  let q = (a - m) / b;
  if (m !== 0 && (b < 0) !== (m < 0)) q -= 1;
  if (q === 0) return copysign_value(0, a / b);
  const f = Math.floor(q);
  return q - f > 0.5 ? f + 1 : f;
}

const FMOD: BinaryDef = {
  name: 'fmod', scalar_other: true, result: 'same', f: (d) => integral(d, (a, b) => a % b), node: ['FmodBackward1', 'FmodBackward0'], refuse: integral_divisor,
  grads: (g, x, y) => [g, mul(neg(g), div(x, y, { rounding_mode: 'trunc' }))],
};
const REMAINDER: BinaryDef = {
  name: 'remainder', scalar_other: true, result: 'same', f: (d) => integral(d, python_mod), node: ['RemainderBackward1', 'RemainderBackward0'], refuse: integral_divisor,
  // the quotient as floor_divide computes it (NaN for an infinite dividend), a constant of the backward
  grads: (g, x, y) => [g, mul(neg(g), no_grad(() => binary_value(FLOOR_DIVIDE, x, y)))],
};
const FLOOR_DIVIDE: BinaryDef = {
  name: 'floor_divide', scalar_other: true, result: 'same', f: (d) => integral(d, floor_quotient), node: ['NotImplemented', 'NotImplemented'], refuse: integral_divisor,
  grads: no_derivative('derivative for aten::floor_divide is not implemented'),
};
const COPYSIGN: BinaryDef = {
  name: 'copysign', scalar_other: true, result: 'float', f: () => copysign_value, node: ['CopysignBackward0', 'CopysignBackward1'],
  // d/dx copysign(x, y) = result/x, ±1 (0 where x is 0, NaN at ±∞ as PyTorch's ratio); the sign operand gets 0
  uses_result: true,
  grads: (g, x, _y, r) => [mul(g, no_grad(() => where(eq(x, 0), 0, div(r, x)))), mul(g, 0)],
};
const HEAVISIDE: BinaryDef = {
  name: 'heaviside', scalar_other: false, other_name: 'values', result: 'same', f: () => (a, v) => (a === 0 ? v : +(a > 0)), node: ['NotImplemented', 'NotImplemented'],
  refuse: (_d, x, y) => (x._dtype === y._dtype ? null : 'heaviside is not yet implemented for tensors with different dtypes.'),
  grads: no_derivative('derivative for aten::heaviside is not implemented'),
};
const NEXTAFTER: BinaryDef = {
  name: 'nextafter', scalar_other: false, result: 'same', f: (d) => (d === 'float32' ? nextafter32 : nextafter64), node: ['NextafterBackward0', 'NextafterBackward0'],
  refuse: floats_only('nextafter_cpu'), grads: no_derivative("the derivative for 'nextafter' is not implemented."),
};

/**
 * The angle of the point `(other, input)` in radians, `atan(input/other)` in the right quadrant (Atan2Backward0).
 * Alias: `arctan2`.
 *
 * @example
 * torch.atan2(torch.tensor([1, -1]), torch.tensor([-1, -1])); // [2.3562, -2.3562]
 */
export const atan2: BinaryOpFn = binary_op(ATAN2);
/**
 * `√(x² + y²)` elementwise with broadcasting, without overflow (HypotBackward0); floats only.
 *
 * @example
 * torch.hypot(torch.tensor([3]), torch.tensor([4])); // [5]
 */
export const hypot: BinaryOpFn = binary_op(HYPOT);
/**
 * Elementwise maximum that ignores NaN (the other value wins; NaN only where both are), FmaxBackward0.
 *
 * @example
 * torch.fmax(torch.tensor([1, NaN]), torch.tensor([NaN, 2])); // [1, 2]
 */
export const fmax: BinaryOpFn = binary_op(nan_ignoring('fmax', 'FmaxBackward0'));
/**
 * Elementwise minimum that ignores NaN, FminBackward0.
 *
 * @example
 * torch.fmin(torch.tensor([1, NaN]), torch.tensor([NaN, 2])); // [1, 2]
 */
export const fmin: BinaryOpFn = binary_op(nan_ignoring('fmin', 'FminBackward0'));
/**
 * C's remainder: `input − trunc(input/other)·other`, with the dividend's sign (FmodBackward0 for a number
 * `other`, FmodBackward1 for a tensor); an integral division by zero raises.
 *
 * @example
 * torch.fmod(torch.tensor([-5, 5]), 3); // [-2, 2]
 */
export const fmod: BinaryOpFn = binary_op(FMOD);
/**
 * Python's modulus: `input − floor(input/other)·other`, with the divisor's sign (RemainderBackward0 /
 * RemainderBackward1). `input` may also be a number (`torch.remainder(5, t)`).
 *
 * @example
 * torch.remainder(torch.tensor([-5, 5]), 3); // [1, 2]
 */
export function remainder(...args: PyArgs<[input: Tensor | Scalar, other: Tensor | Scalar], { input?: Tensor; self?: Scalar; other?: Tensor | Scalar }>): Tensor {
  const keywords = args.length === 1 ? (args[0] as { self?: unknown }) : null;
  if (typeof args[0] === 'number' || typeof args[0] === 'boolean' || (keywords !== null && !(keywords instanceof Tensor) && 'self' in keywords)) {
    const a = REMAINDER_SCALAR.parse(args);
    if (tracing) return trace_op('aten::remainder', remainder, [a.self, a.other]);
    return binary_value(REMAINDER, scalar_tensor(Number(a.self), scalar_dtype(a.self)), a.other);
  }
  const [x, other] = binary_operands(REMAINDER, args);
  if (tracing) return trace_op('aten::remainder', remainder, [x, other]);
  return binary_value(REMAINDER, x, other);
}
const REMAINDER_SCALAR = signature<{ self: Scalar; other: Tensor }>('remainder(Scalar self, Tensor other)');
/**
 * `input // other`, rounded towards −∞ as Python's `//` (PyTorch ≥ 1.13); the result keeps the promoted dtype,
 * an integral division by zero raises, and no gradient is defined (PyTorch's NotImplemented node).
 *
 * @example
 * torch.floor_divide(torch.tensor([-7, 7]), 2); // [-4, 3]
 */
export const floor_divide: BinaryOpFn = binary_op(FLOOR_DIVIDE);
/**
 * `|input|` with the sign of `other` (sign bits included: −0 counts as negative), always a float result
 * (CopysignBackward0 for a tensor `other`, CopysignBackward1 for a number).
 *
 * @example
 * torch.copysign(torch.tensor([1, 2]), -0.0); // [-1, -2]
 */
export const copysign: BinaryOpFn = binary_op(COPYSIGN);
/**
 * The Heaviside step: 0 below zero, 1 above, `values` at zero; both tensors must share a dtype, and no gradient
 * is defined (PyTorch's NotImplemented node).
 *
 * @example
 * torch.heaviside(torch.tensor([-1, 0, 2]), torch.tensor([0.5])); // [0, 0.5, 1]
 */
export function heaviside(...args: PyArgs<[input: Tensor, values: Tensor], { input?: Tensor; values?: Tensor }>): Tensor {
  const [x, values] = binary_operands(HEAVISIDE, args);
  if (tracing) return trace_op('aten::heaviside', heaviside, [x, values]);
  return binary_value(HEAVISIDE, x, values);
}
/**
 * The next representable value after `input` towards `other`, in the tensor's own precision (NextafterBackward0,
 * whose gradient PyTorch does not define); floats only.
 *
 * @example
 * torch.nextafter(torch.tensor([1]), torch.tensor([2])).sub(1); // [1.1921e-07]
 */
export const nextafter: BinaryOpFn = binary_op(NEXTAFTER);

/** In-place `atan2` (alias `arctan2_`). @example y.atan2_(x); */
export const atan2_ = binary_inplace(ATAN2);
/** In-place `hypot`. @example x.hypot_(y); */
export const hypot_ = binary_inplace(HYPOT);
/** In-place `fmod`. @example x.fmod_(2); */
export const fmod_ = binary_inplace(FMOD);
/** In-place `remainder`. @example x.remainder_(2); */
export const remainder_ = binary_inplace(REMAINDER);
/** In-place `floor_divide`. @example x.floor_divide_(2); */
export const floor_divide_ = binary_inplace(FLOOR_DIVIDE);
/** In-place `copysign`. @example x.copysign_(-1); */
export const copysign_ = binary_inplace(COPYSIGN);
/** In-place `heaviside`. @example x.heaviside_(values); */
export const heaviside_ = binary_inplace(HEAVISIDE);
/** In-place `nextafter`. @example x.nextafter_(y); */
export const nextafter_ = binary_inplace(NEXTAFTER);

/** Alias of {@link atan2}. @example torch.arctan2(y, x); */
export const arctan2: BinaryOpFn = binary_op({ ...ATAN2, name: 'arctan2' });
/** Alias of {@link atan2_}. @example y.arctan2_(x); */
export const arctan2_ = alias_binary('arctan2_(Tensor input, Tensor other)', (x, other) => atan2_(x, other));
