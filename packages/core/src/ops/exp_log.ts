// Exponentials and logarithms beyond exp/log (log10, log2, expm1, exp2, logaddexp, logaddexp2, float_power,
// ldexp, frexp), with PyTorch's nodes, dtype rules and in-place forms.
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating, scalar_type_name } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { add, div, mul, pow, sub, to_dtype, type Scalar } from './arithmetic.js';
import { exp, reciprocal } from './unary.js';
import { overloads, signature, type PyArgs } from '../signature.js';
import { apply_inplace } from './inplace.js';
import { record } from './record.js';
import { named_result } from './named_tuple.js';
import { binary_op, inplace_op, not_implemented, unary_op, type BinaryDef, type BinaryOpFn } from './math_defs.js';
import { map_values } from './value_maps.js';
import { frexp as frexp_value } from './special_math.js';

/**
 * Base-10 logarithm elementwise (Log10Backward0: `1/(x·ln 10)`).
 *
 * @example
 * torch.log10(torch.tensor([1, 100])); // [0, 2]
 */
export const log10 = unary_op({ name: 'log10', f: Math.log10, result: 'float', node: 'Log10Backward0', dydx: (x) => reciprocal(mul(x, Math.LN10)) });
/**
 * Base-2 logarithm elementwise (Log2Backward0: `1/(x·ln 2)`).
 *
 * @example
 * torch.log2(torch.tensor([1, 8])); // [0, 3]
 */
export const log2 = unary_op({ name: 'log2', f: Math.log2, result: 'float', node: 'Log2Backward0', dydx: (x) => reciprocal(mul(x, Math.LN2)) });
/**
 * `eˣ − 1` elementwise, accurate for small x (Expm1Backward0: `result + 1`). `torch.special.expm1` too.
 *
 * @example
 * torch.expm1(torch.tensor([0, 1e-10])); // [0, 1e-10]
 */
export const expm1 = unary_op({ name: 'expm1', f: Math.expm1, result: 'float', node: 'Expm1Backward0', saves: 'result', dydx: (r) => add(r, 1) });
/**
 * `2ˣ` elementwise (Exp2Backward0: `result·ln 2`). `torch.special.exp2` too.
 *
 * @example
 * torch.exp2(torch.tensor([0, 3])); // [1, 8]
 */
export const exp2 = unary_op({ name: 'exp2', f: (v) => Math.pow(2, v), result: 'float', node: 'Exp2Backward0', saves: 'result', dydx: (r) => mul(r, Math.LN2) });

/** In-place `log10`. @example x.log10_(); */
export const log10_ = inplace_op('log10_', log10, 'float');
/** In-place `log2`. @example x.log2_(); */
export const log2_ = inplace_op('log2_', log2, 'float');
/** In-place `expm1`. @example x.expm1_(); */
export const expm1_ = inplace_op('expm1_', expm1, 'float');
/** In-place `exp2`. @example x.exp2_(); */
export const exp2_ = inplace_op('exp2_', exp2, 'float');

/** `log(eᵃ + eᵇ)` (or base 2) without overflow: the larger plus the log of one plus the other's ratio. */
const log_add = (base2: boolean) => (a: number, b: number): number => {
  if (a !== a || b !== b) return Number.NaN;
  if (a === b) return base2 ? a + 1 : a + Math.LN2;
  const hi = Math.max(a, b);
  if (hi === Infinity) return Infinity;
  if (hi === -Infinity) return -Infinity;
  const d = -Math.abs(a - b);
  return base2 ? hi + Math.log1p(Math.pow(2, d)) / Math.LN2 : hi + Math.log1p(Math.exp(d));
};
const floats_only = (kernel: string) => (dtype: Parameters<typeof not_implemented>[1]): string | null => (is_floating(dtype) ? null : not_implemented(kernel, dtype));

const LOGADDEXP: BinaryDef = {
  name: 'logaddexp', scalar_other: false, result: 'same', f: () => log_add(false), node: ['LogaddexpBackward0', 'LogaddexpBackward0'],
  refuse: floats_only('logaddexp_cpu'),
  // d/da = 1/(1 + e^(b − a)), and symmetrically
  grads: (g, x, y) => [div(g, add(exp(sub(y, x)), 1)), div(g, add(exp(sub(x, y)), 1))],
};
const LOGADDEXP2: BinaryDef = {
  name: 'logaddexp2', scalar_other: false, result: 'same', f: () => log_add(true), node: ['Logaddexp2Backward0', 'Logaddexp2Backward0'],
  refuse: floats_only('logaddexp2_cpu'),
  grads: (g, x, y) => [div(g, add(pow(2, sub(y, x)), 1)), div(g, add(pow(2, sub(x, y)), 1))],
};
/**
 * `log(eˣ + eʸ)` elementwise with broadcasting, computed without overflow (LogaddexpBackward0); floats only.
 *
 * @example
 * torch.logaddexp(torch.tensor([0]), torch.tensor([0])); // [0.6931]
 */
export const logaddexp: BinaryOpFn = binary_op(LOGADDEXP);
/**
 * `log₂(2ˣ + 2ʸ)` elementwise with broadcasting (Logaddexp2Backward0); floats only.
 *
 * @example
 * torch.logaddexp2(torch.tensor([1]), torch.tensor([1])); // [2]
 */
export const logaddexp2: BinaryOpFn = binary_op(LOGADDEXP2);

type PowOperand = Tensor | Scalar;
const FLOAT_POWER = overloads<{ input: PowOperand; exponent: PowOperand }>(
  'float_power(Tensor input, Tensor exponent)', 'float_power(Scalar self, Tensor exponent)', 'float_power(Tensor input, Scalar exponent)');
const FLOAT_POWER_ = signature<{ input: Tensor; exponent: PowOperand }>('float_power_(Tensor input, Tensor|Scalar exponent)');
const as_double = (v: PowOperand): PowOperand => (v instanceof Tensor ? to_dtype(v, 'float64') : Number(v));

/**
 * `input ** exponent` in float64 whatever the operands' dtypes (PowBackward0 / PowBackward1 / PowBackward2 over
 * the cast, as PyTorch composes it); either operand may be a number.
 *
 * @example
 * torch.float_power(torch.tensor([2, 3]), 2); // [4, 9] as float64
 */
export function float_power(...args: PyArgs<[input: PowOperand, exponent: PowOperand], { input?: Tensor; self?: Scalar; exponent?: PowOperand }>): Tensor {
  const a = FLOAT_POWER.parse(args).values;
  const input = a.input ?? (a as { self?: Scalar }).self!;
  if (tracing) return trace_op('aten::float_power', float_power, [input, a.exponent]);
  return pow(as_double(input) as Tensor, as_double(a.exponent));
}
/**
 * In-place `float_power`: the base must already be float64, as PyTorch requires.
 *
 * @example
 * const x = torch.tensor([2, 3], { dtype: torch.float64 }); x.float_power_(2); // [4, 9]
 */
export function float_power_<T extends Tensor>(...args: PyArgs<[input: T, exponent: PowOperand], { input?: T; exponent?: PowOperand }>): T {
  const { input, exponent } = FLOAT_POWER_.parse(args);
  if (tracing) return trace_op('aten::float_power_', float_power_, [input, exponent]) as T;
  if (input._dtype !== 'float64') throw new Error(`the base given to float_power_ has dtype ${scalar_type_name(input._dtype)} but the operation's result requires dtype Double`);
  return apply_inplace(input as T, [exponent], true, (b) => pow(b, as_double(exponent)));
}

const LDEXP = signature<{ input: Tensor; other: Tensor }>('ldexp(Tensor input, Tensor other)');
const LDEXP_ = signature<{ input: Tensor; other: Tensor }>('ldexp_(Tensor input, Tensor other)');
/**
 * `input · 2^other` elementwise with broadcasting, composed as PyTorch composes it (MulBackward0 over
 * PowBackward2); integer inputs give floats.
 *
 * @example
 * torch.ldexp(torch.tensor([1, 3]), torch.tensor([2, 1])); // [4, 6]
 */
export function ldexp(...args: PyArgs<[input: Tensor, other: Tensor], { input?: Tensor; other?: Tensor }>): Tensor {
  const { input, other } = LDEXP.parse(args);
  if (tracing) return trace_op('aten::ldexp', ldexp, [input, other]);
  return mul(input, pow(2, other));
}
/**
 * In-place `ldexp`.
 *
 * @example
 * x.ldexp_(torch.tensor([1]));
 */
export function ldexp_<T extends Tensor>(...args: PyArgs<[input: T, other: Tensor], { input?: T; other?: Tensor }>): T {
  const { input, other } = LDEXP_.parse(args);
  if (tracing) return trace_op('aten::ldexp_', ldexp_, [input, other]) as T;
  const scale = pow(2, other);
  return apply_inplace(input as T, [scale], true, (a) => mul(a, scale));
}

/** `torch.frexp`'s named pair: `[mantissa, exponent]` with `.mantissa` and `.exponent`. */
export type FrexpResult = [mantissa: Tensor, exponent: Tensor] & {
  /** The mantissas, `0.5 ≤ |m| < 1` (0, ±∞ and NaN kept), in the input's dtype. */
  readonly mantissa: Tensor;
  /** The exponents, int64. */
  readonly exponent: Tensor;
};
/**
 * Splits each element into `mantissa · 2^exponent` with `0.5 ≤ |mantissa| < 1` (FrexpBackward0: the mantissa's
 * gradient is `g / 2^exponent`); floats only. The exponent is int64 here (PyTorch's int32 is not a tsgrad dtype).
 *
 * @example
 * const [m, e] = torch.frexp(torch.tensor([8, -3])); // m [0.5, -0.75], e [4, 2]
 */
export function frexp(...args: PyArgs<[input: Tensor], { input?: Tensor }>): FrexpResult {
  const input = args.length === 1 && args[0] instanceof Tensor ? args[0] : FREXP.parse(args).input;
  if (tracing) return trace_op('aten::frexp', frexp, [input]);
  if (!is_floating(input._dtype)) throw new Error('torch.frexp() only supports floating-point dtypes');
  const mantissa = map_values(input, (v) => frexp_value(v)[0]);
  const exponent = map_values(input, (v) => frexp_value(v)[1], 'int64');
  record('FrexpBackward0', [input], [mantissa], (ctx, [g]) => [div(g!, pow(2, ctx.saved_tensors[0]!))], [exponent], ['exponent']);
  return named_result('frexp', ['mantissa', 'exponent'], [mantissa, exponent]);
}
const FREXP = signature<{ input: Tensor }>('frexp(Tensor input)');
