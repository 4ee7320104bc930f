// Sign and fractional-part ops (sgn, signbit, frac, positive) and PyTorch's alias names of negation and absolute
// value (negative, absolute), with their in-place forms.
import { Tensor } from '../tensor.js';
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating } from '../dtype.js';
import { neg } from './arithmetic.js';
import { abs } from './unary.js';
import { abs_, neg_ } from './inplace.js';
import { unary_arg, type UnaryArgs } from './call_args.js';
import { alias_inplace, alias_unary, inplace_op, not_implemented, unary_op } from './math_defs.js';
import { signbit as signbit_value } from './special_math.js';

/**
 * Whether each element's sign bit is set: true for negatives and −0 (and negative NaNs); a bool tensor.
 *
 * @example
 * torch.signbit(torch.tensor([-1, -0, 0, 2])); // [true, true, false, false]
 */
export const signbit = unary_op({ name: 'signbit', f: (v) => +signbit_value(v), result: 'bool', node: null });
/**
 * The sign of each element, −1, 0 or 1 (0 for NaN), keeping the dtype; for real tensors the same as `sign`
 * (SgnBackward0, a zero gradient).
 *
 * @example
 * torch.sgn(torch.tensor([-2, 0, 3])); // [-1, 0, 1]
 */
export const sgn = unary_op({ name: 'sgn', f: (v) => +(v > 0) - +(v < 0), result: 'same', node: 'SgnBackward0', saves: 'none', dydx: () => 0 });
/**
 * The fractional part `x − trunc(x)`, keeping the sign (FracBackward0: the gradient passes unchanged); floats only.
 *
 * @example
 * torch.frac(torch.tensor([1.5, -2.25])); // [0.5, -0.25]
 */
export const frac = unary_op({
  name: 'frac', f: (v) => v - Math.trunc(v), result: 'same', node: 'FracBackward0', saves: 'none', dydx: () => 1,
  refuse: (d) => (is_floating(d) ? null : not_implemented('frac_cpu', d)),
});
/** In-place `sgn`. @example x.sgn_(); */
export const sgn_ = inplace_op('sgn_', sgn, 'same');
/** In-place `frac`. @example x.frac_(); */
export const frac_ = inplace_op('frac_', frac, 'same');

/**
 * `+input`: the input itself (no copy, no node), as PyTorch; bool tensors raise.
 *
 * @example
 * torch.positive(x) === x; // true
 */
export function positive(...args: UnaryArgs): Tensor {
  const x = unary_arg('positive', args);
  if (tracing) return trace_op('aten::positive', positive, [x]);
  if (x._dtype === 'bool') throw new Error('The `+` operator, on a bool tensor is not supported.');
  return x;
}

// PyTorch's alias names: the same ops, their argument errors naming the alias
/** Alias of {@link neg}. @example torch.negative(x); */
export const negative = alias_unary('negative', neg);
/** Alias of {@link neg_}. @example x.negative_(); */
export const negative_ = alias_inplace('negative_', neg_);
/** Alias of {@link abs}. @example torch.absolute(x); */
export const absolute = alias_unary('absolute', abs);
/** Alias of {@link abs_}. @example x.absolute_(); */
export const absolute_ = alias_inplace('absolute_', abs_);
