// Special functions (erfc, erfinv, lgamma, digamma, polygamma, mvlgamma, i0, logit), each one node with
// PyTorch's name and a derivative written in these same ops, so every order of gradient exists.
import { trace_op, tracing } from '../jit/tracer.js';
import { no_grad } from '../autograd/grad_mode.js';
import { add, float_dtype, gt, lt, logical_or, mul, neg, rsub, sub, where } from './arithmetic.js';
import { signature, type PyArgs } from '../signature.js';
import { Tensor } from '../tensor.js';
import { erf, exp, reciprocal } from './unary.js';
import { apply_inplace } from './inplace.js';
import { inplace_op, unary_op, unary_value, type UnaryDef } from './math_defs.js';
import * as m from './special_math.js';

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * The complementary error function `1 − erf(x)`, accurate far into the tail (ErfcBackward0: `−2/√π·e^(−x²)`).
 *
 * @example
 * torch.erfc(torch.tensor([0, 3])); // [1, 2.209e-05]
 */
export const erfc = unary_op({ name: 'erfc', f: m.erfc, result: 'float', node: 'ErfcBackward0', dydx: (x) => mul(exp(neg(mul(x, x))), -2 / SQRT_PI) });
/**
 * The inverse error function on [-1, 1], ±∞ at ±1 (ErfinvBackward0: `√π/2·e^(erfinv(x)²)`).
 *
 * @example
 * torch.erfinv(torch.tensor([0, 0.5])); // [0, 0.4769]
 */
export const erfinv = unary_op({
  name: 'erfinv', f: m.erfinv, result: 'float', node: 'ErfinvBackward0', dydx: (x) => {
    const y = erfinv(x);
    return mul(exp(mul(y, y)), SQRT_PI / 2);
  },
});
/**
 * `log|Γ(x)|` elementwise, +∞ at the poles 0, −1, −2, … (LgammaBackward0: `digamma(x)`).
 *
 * @example
 * torch.lgamma(torch.tensor([0.5, 3])); // [0.5724, 0.6931]
 */
export const lgamma = unary_op({ name: 'lgamma', f: m.lgamma, result: 'float', node: 'LgammaBackward0', dydx: (x) => digamma(x) });
/**
 * The digamma function `ψ(x) = Γ'(x)/Γ(x)`: NaN at the negative integers, −∞ at +0 (DigammaBackward0:
 * `polygamma(1, x)`). PyTorch's `torch.special.psi` too.
 *
 * @example
 * torch.digamma(torch.tensor([1, 0.5])); // [-0.5772, -1.9635]
 */
export const digamma = unary_op({ name: 'digamma', f: m.digamma, result: 'float', node: 'DigammaBackward0', dydx: (x) => polygamma_value(1, x) });
/**
 * The modified Bessel function of the first kind of order 0 (I0Backward0: `i1(x)`).
 *
 * @example
 * torch.i0(torch.tensor([0, 1])); // [1, 1.2661]
 */
export const i0 = unary_op({ name: 'i0', f: m.i0, result: 'float', node: 'I0Backward0', dydx: (x) => i1(x) });

import { special_i1 as i1 } from './special_only.js';

const POLYGAMMA = signature<{ n: number; input: Tensor }>('polygamma(int n, Tensor input)');
const POLYGAMMA_METHOD = signature<{ input: Tensor; n: number }>('polygamma(Tensor input, int n)');
const POLYGAMMA_ = signature<{ input: Tensor; n: number }>('polygamma_(Tensor input, int n)');

/** The definition of `ψ⁽ⁿ⁾` (PolygammaBackward0: `ψ⁽ⁿ⁺¹⁾`). */
function polygamma_def(n: number): UnaryDef {
  if (n < 0) throw new Error('polygamma(n, x) does not support negative n.');
  return { name: 'polygamma', f: (v) => m.polygamma(n, v), result: 'float', node: 'PolygammaBackward0', dydx: (x) => polygamma_value(n + 1, x) };
}
const polygamma_value = (n: number, x: Tensor): Tensor => unary_value(polygamma_def(n), x);

/**
 * `ψ⁽ⁿ⁾(x)`, the n-th derivative of the digamma function (`n = 0` is digamma); PolygammaBackward0. As a Tensor
 * method the order comes second: `x.polygamma(n)`.
 *
 * @example
 * torch.polygamma(1, torch.tensor([1, 2])); // [1.6449, 0.6449]
 */
export function polygamma(...args: PyArgs<[n: number, input: Tensor], { n?: number; input?: Tensor }>): Tensor {
  const { n, input } = args.length === 2 && typeof args[0] === 'number' && args[1] instanceof Tensor ? { n: args[0], input: args[1] } : POLYGAMMA.parse(args);
  if (tracing) return trace_op('aten::polygamma', polygamma, [n, input]);
  return polygamma_value(n, input);
}
/** `x.polygamma(n)`: the method's argument order. @hidden */
export function polygamma_method(...args: PyArgs<[input: Tensor, n: number], { n?: number }>): Tensor {
  const { input, n } = POLYGAMMA_METHOD.parse(args);
  return polygamma(n, input);
}
/**
 * In-place `polygamma`: `x.polygamma_(n)`.
 *
 * @example
 * x.polygamma_(1);
 */
export function polygamma_<T extends Tensor>(...args: PyArgs<[input: T, n: number], { input?: T; n?: number }>): T {
  const { input, n } = POLYGAMMA_.parse(args);
  if (tracing) return trace_op('aten::polygamma_', polygamma_, [input, n]) as T;
  return apply_inplace(input as T, [], true, (a) => polygamma_value(n, a), undefined, float_dtype(input._dtype));
}

const MVLGAMMA = signature<{ input: Tensor; p: number }>('mvlgamma(Tensor input, int p)');
const MVLGAMMA_ = signature<{ input: Tensor; p: number }>('mvlgamma_(Tensor input, int p)');

/** `log Γₚ(x) = p(p−1)/4·log π + Σᵢ<ₚ lgamma(x − i/2)` (MvlgammaBackward0: `Σᵢ<ₚ digamma(x − i/2)`). */
function mvlgamma_value(x: Tensor, p: number): Tensor {
  if (p < 1) throw new Error('p has to be greater than or equal to 1');
  const c = (p * (p - 1) / 4) * Math.log(Math.PI);
  return unary_value({
    name: 'mvlgamma',
    f: (v) => {
      let s = c;
      for (let i = 0; i < p; i++) s += m.lgamma(v - i / 2);
      return s;
    },
    result: 'float',
    node: 'MvlgammaBackward0',
    dydx: (a) => {
      let s = digamma(a);
      for (let i = 1; i < p; i++) s = add(s, digamma(sub(a, i / 2)));
      return s;
    },
  }, x);
}

/**
 * The multivariate log-gamma function of dimension `p` elementwise (MvlgammaBackward0).
 * PyTorch's `torch.special.multigammaln` too.
 *
 * @example
 * torch.mvlgamma(torch.tensor([2.5, 3]), 2); // [0.857, 1.5502]
 */
export function mvlgamma(...args: PyArgs<[input: Tensor, p: number], { input?: Tensor; p?: number }>): Tensor {
  const { input, p } = MVLGAMMA.parse(args);
  if (tracing) return trace_op('aten::mvlgamma', mvlgamma, [input, p]);
  return mvlgamma_value(input, p);
}
/**
 * In-place `mvlgamma`.
 *
 * @example
 * x.mvlgamma_(2);
 */
export function mvlgamma_<T extends Tensor>(...args: PyArgs<[input: T, p: number], { input?: T; p?: number }>): T {
  const { input, p } = MVLGAMMA_.parse(args);
  if (tracing) return trace_op('aten::mvlgamma_', mvlgamma_, [input, p]) as T;
  return apply_inplace(input as T, [], true, (a) => mvlgamma_value(a, p), undefined, float_dtype(input._dtype));
}

const LOGIT = signature<{ input: Tensor; eps: number | null }>('logit(Tensor input, float? eps=None)');
const LOGIT_ = signature<{ input: Tensor; eps: number | null }>('logit_(Tensor input, float? eps=None)');

/**
 * `log(x/(1 − x))`, with x first clamped to `[eps, 1 − eps]` when `eps` is given (LogitBackward0: `1/(x(1 − x))`,
 * 0 outside the clamp, NaN outside [0, 1] without one).
 */
function logit_value(x: Tensor, eps: number | null): Tensor {
  const lo = eps ?? 0;
  const hi = 1 - lo;
  return unary_value({
    name: 'logit',
    f: (v) => {
      const c = eps === null ? v : Math.min(Math.max(v, lo), hi);
      return Math.log(c / (1 - c));
    },
    result: 'float',
    node: 'LogitBackward0',
    dydx: (a) => {
      const outside = no_grad(() => logical_or(lt(a, lo), gt(a, hi)));
      return where(outside, eps === null ? Number.NaN : 0, reciprocal(mul(a, rsub(a, 1))));
    },
  }, x);
}

/**
 * The logit, `log(x/(1 − x))` (LogitBackward0); with `eps` the input is clamped to `[eps, 1 − eps]` first.
 * PyTorch's `torch.special.logit` too.
 *
 * @example
 * torch.logit(torch.tensor([0.5, 0.75])); // [0, 1.0986]
 * torch.logit(x, { eps: 1e-6 });
 */
export function logit(...args: PyArgs<[input: Tensor, eps: number | null], { input?: Tensor; eps?: number | null }>): Tensor {
  const { input, eps } = LOGIT.parse(args);
  if (tracing) return trace_op('aten::logit', logit, [input, eps]);
  return logit_value(input, eps);
}
/**
 * In-place `logit`.
 *
 * @example
 * x.logit_(1e-6);
 */
export function logit_<T extends Tensor>(...args: PyArgs<[input: T, eps: number | null], { input?: T; eps?: number | null }>): T {
  const { input, eps } = LOGIT_.parse(args);
  if (tracing) return trace_op('aten::logit_', logit_, [input, eps]) as T;
  return apply_inplace(input as T, [], true, (a) => logit_value(a, eps), undefined, float_dtype(input._dtype));
}

/** In-place `erf`. @example x.erf_(); */
export const erf_ = inplace_op('erf_', erf, 'float');
/** In-place `erfc`. @example x.erfc_(); */
export const erfc_ = inplace_op('erfc_', erfc, 'float');
/** In-place `erfinv` (a Tensor method only in PyTorch). @example x.erfinv_(); */
export const erfinv_ = inplace_op('erfinv_', erfinv, 'float');
/** In-place `lgamma` (a Tensor method only in PyTorch). @example x.lgamma_(); */
export const lgamma_ = inplace_op('lgamma_', lgamma, 'float');
/** In-place `digamma` (a Tensor method only in PyTorch). @example x.digamma_(); */
export const digamma_ = inplace_op('digamma_', digamma, 'float');
/** In-place `i0`. @example x.i0_(); */
export const i0_ = inplace_op('i0_', i0, 'float');
