// PyTorch's alias names of existing ops (multiply, subtract, divide, true_divide, fix, clip_) and the in-place
// forms existing ops lacked (xlogy_, floor_, ceil_, trunc_, round_, clamp_min_, clamp_max_, square_, rsqrt_, log1p_,
// selu_, celu_, threshold_): each runs its op through the shared in-place machinery.
import { trace_op, tracing } from '../jit/tracer.js';
import type { Tensor } from '../tensor.js';
import { div, float_dtype, mul, result_names, sub, type Scalar } from './arithmetic.js';
import { xlogy } from './pointwise.js';
import { div_, mul_, sub_ } from './inplace.js';
import { apply_inplace } from './inplace.js';
import { clamp_, log1p, rsqrt, square } from './unary.js';
import { ceil, clamp_max, clamp_min, floor, round, trunc } from './rounding.js';
import { celu, selu, threshold } from './activation.js';
import { signature, type PyArgs } from '../signature.js';
import { alias_binary, alias_inplace, alias_unary, inplace_op } from './math_defs.js';
import type { RoundingMode } from './arithmetic.js';

const XLOGY_ = signature<{ input: Tensor; other: Tensor | Scalar }>('xlogy_(Tensor input, Tensor|Scalar other)');
/**
 * In-place `xlogy` (XlogyBackward0).
 *
 * @example
 * x.xlogy_(y);
 */
export function xlogy_<T extends Tensor>(...args: PyArgs<[input: T, other: Tensor | Scalar], { input?: T; other?: Tensor | Scalar }>): T {
  const { input, other } = XLOGY_.parse(args);
  if (tracing) return trace_op('aten::xlogy_', xlogy_, [input, other]) as T;
  return apply_inplace(input as T, [other], true, (a) => xlogy(a, other), undefined, float_dtype(result_names(input, other)));
}

/** In-place `floor` (FloorBackward0). @example x.floor_(); */
export const floor_ = inplace_op('floor_', floor, 'same');
/** In-place `ceil` (CeilBackward0). @example x.ceil_(); */
export const ceil_ = inplace_op('ceil_', ceil, 'same');
/** In-place `trunc` (TruncBackward0; alias `fix_`). @example x.trunc_(); */
export const trunc_ = inplace_op('trunc_', trunc, 'same');
/** In-place `square` (PowBackward0). @example x.square_(); */
export const square_ = inplace_op('square_', square, 'same');
/** In-place `rsqrt` (RsqrtBackward0). @example x.rsqrt_(); */
export const rsqrt_ = inplace_op('rsqrt_', rsqrt, 'float');
/** In-place `log1p` (Log1PBackward0). @example x.log1p_(); */
export const log1p_ = inplace_op('log1p_', log1p, 'float');

const ROUND_ = signature<{ input: Tensor; decimals: number }>('round_(Tensor input, *, int decimals=0)');
/**
 * In-place `round`, halves to even, optionally to `decimals` places (RoundBackward0 / RoundBackward1).
 *
 * @example
 * x.round_(); x.round_({ decimals: 2 });
 */
export function round_<T extends Tensor>(...args: PyArgs<[input: T], { input?: T; decimals?: number }>): T {
  const { input, decimals } = ROUND_.parse(args);
  if (tracing) return trace_op('aten::round_', round_, [input, { decimals }]) as T;
  return apply_inplace(input as T, [], true, (a) => round(a, { decimals }));
}

const CLAMP_MIN_ = signature<{ input: Tensor; min: Scalar }>('clamp_min_(Tensor input, Scalar min)');
const CLAMP_MAX_ = signature<{ input: Tensor; max: Scalar }>('clamp_max_(Tensor input, Scalar max)');
/**
 * In-place `clamp_min` (ClampMinBackward0).
 *
 * @example
 * x.clamp_min_(0);
 */
export function clamp_min_<T extends Tensor>(...args: PyArgs<[input: T, min: Scalar], { input?: T; min?: Scalar }>): T {
  const { input, min } = CLAMP_MIN_.parse(args);
  if (tracing) return trace_op('aten::clamp_min_', clamp_min_, [input, min]) as T;
  return apply_inplace(input as T, [min], true, (a) => clamp_min(a, min));
}
/**
 * In-place `clamp_max` (ClampMaxBackward0).
 *
 * @example
 * x.clamp_max_(1);
 */
export function clamp_max_<T extends Tensor>(...args: PyArgs<[input: T, max: Scalar], { input?: T; max?: Scalar }>): T {
  const { input, max } = CLAMP_MAX_.parse(args);
  if (tracing) return trace_op('aten::clamp_max_', clamp_max_, [input, max]) as T;
  return apply_inplace(input as T, [max], true, (a) => clamp_max(a, max));
}

const SELU_ = signature<{ input: Tensor }>('selu_(Tensor input)');
const CELU_ = signature<{ input: Tensor; alpha: number }>('celu_(Tensor input, Scalar alpha=1.0)');
const THRESHOLD_ = signature<{ input: Tensor; threshold: number; value: number }>('threshold_(Tensor input, Scalar threshold, Scalar value)');
/**
 * In-place `selu` (`torch.selu_`, EluBackward1 as PyTorch records it).
 *
 * @example
 * torch.selu_(x);
 */
export function selu_<T extends Tensor>(...args: PyArgs<[input: T], { input?: T }>): T {
  return selu(SELU_.parse(args).input, true) as T;
}
/**
 * In-place `celu` (`torch.celu_`).
 *
 * @example
 * torch.celu_(x, 2.0);
 */
export function celu_<T extends Tensor>(...args: PyArgs<[input: T, alpha: number], { input?: T; alpha?: number }>): T {
  const { input, alpha } = CELU_.parse(args);
  return celu(input, alpha, true) as T;
}
/**
 * In-place `threshold` (`torch.threshold_`).
 *
 * @example
 * torch.threshold_(x, 0.5, 0);
 */
export function threshold_<T extends Tensor>(...args: PyArgs<[input: T, threshold: number, value: number], { input?: T; threshold?: number; value?: number }>): T {
  const a = THRESHOLD_.parse(args);
  return threshold(a.input, a.threshold, a.value, true) as T;
}

// PyTorch's alias names: the same ops, parsed under their own names (so argument errors name the alias)
type Out = { out?: Tensor | null };
/** Alias of {@link mul}. @example torch.multiply(a, b); */
export const multiply = alias_binary<Out, Tensor>('multiply(Tensor input, Tensor|Scalar other, *, Tensor? out=None)', (x, o, r) => mul(x, o, r));
/** Alias of {@link sub}. @example torch.subtract(a, b, { alpha: 2 }); */
export const subtract = alias_binary<Out & { alpha?: Scalar }, Tensor>('subtract(Tensor input, Tensor|Scalar other, *, Scalar alpha=1, Tensor? out=None)', (x, o, r) => sub(x, o, r));
/** Alias of {@link div}. @example torch.divide(a, b, { rounding_mode: 'floor' }); */
export const divide = alias_binary<Out & { rounding_mode?: RoundingMode }, Tensor>('divide(Tensor input, Tensor|Scalar other, *, str? rounding_mode=None, Tensor? out=None)', (x, o, r) => div(x, o, r));
/** Alias of {@link div} without a rounding mode. @example torch.true_divide(a, b); */
export const true_divide = alias_binary<Out, Tensor>('true_divide(Tensor input, Tensor|Scalar other, *, Tensor? out=None)', (x, o, r) => div(x, o, r));
/** Alias of {@link mul_}. @example x.multiply_(2); */
export const multiply_ = alias_binary<object, Tensor>('multiply_(Tensor input, Tensor|Scalar other)', (x, o) => mul_(x, o));
/** Alias of {@link sub_}. @example x.subtract_(y, { alpha: 2 }); */
export const subtract_ = alias_binary<{ alpha?: Scalar }, Tensor>('subtract_(Tensor input, Tensor|Scalar other, *, Scalar alpha=1)', (x, o, r) => sub_(x, o, r));
/** Alias of {@link div_}. @example x.divide_(2); */
export const divide_ = alias_binary<{ rounding_mode?: RoundingMode }, Tensor>('divide_(Tensor input, Tensor|Scalar other, *, str? rounding_mode=None)', (x, o, r) => div_(x, o, r));
/** Alias of {@link div_} without a rounding mode. @example x.true_divide_(2); */
export const true_divide_ = alias_binary<object, Tensor>('true_divide_(Tensor input, Tensor|Scalar other)', (x, o) => div_(x, o));
/** Alias of {@link trunc}. @example torch.fix(x); */
export const fix = alias_unary('fix', trunc);
/** Alias of {@link trunc_}. @example x.fix_(); */
export const fix_ = alias_inplace('fix_', trunc_);
export { clamp_ as clip_ };
