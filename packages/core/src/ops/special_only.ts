// The special functions only torch.special has (i1, i0e, i1e, erfcx, entr), each one node with PyTorch's name;
// torch.special (src/special/namespace.ts) exports them, not torch.*.
import { no_grad } from '../autograd/grad_mode.js';
import { add, div, lt, mul, neg, sub, where } from './arithmetic.js';
import type { Tensor } from '../tensor.js';
import { abs, log, reciprocal, sign } from './unary.js';
import { unary_op } from './math_defs.js';
import { i0 } from './special.js';
import * as m from './special_math.js';

const SQRT_PI = Math.sqrt(Math.PI);
const TINY = 1e-30;
/** `d/dx` of I1-like functions at x: `at_zero` where |x| is tiny, else `rule(x)` on a safe x (never 0). */
function off_zero(x: Tensor, at_zero: number, rule: (safe: Tensor) => Tensor): Tensor {
  const tiny = no_grad(() => lt(abs(x), TINY));
  return where(tiny, at_zero, rule(where(tiny, 1, x)));
}
/**
 * The modified Bessel function of the first kind of order 1 (SpecialI1Backward0: `i0(x) − i1(x)/x`, ½ at 0);
 * `torch.special.i1`.
 *
 * @example
 * torch.special.i1(torch.tensor([0, 1])); // [0, 0.5652]
 */
export const special_i1 = unary_op({
  name: 'special_i1', f: m.i1, result: 'float', node: 'SpecialI1Backward0', dydx: (x) => off_zero(x, 0.5, (s) => sub(i0(s), div(special_i1(s), s))),
});
/**
 * The exponentially scaled I0, `e^(−|x|)·i0(x)` (SpecialI0EBackward0: `i1e(x) − sign(x)·i0e(x)`); `torch.special.i0e`.
 *
 * @example
 * torch.special.i0e(torch.tensor([0, 1])); // [1, 0.4658]
 */
export const special_i0e = unary_op({ name: 'special_i0e', f: m.i0e, result: 'float', node: 'SpecialI0EBackward0', dydx: (x) => sub(special_i1e(x), mul(sign(x), special_i0e(x))) });
/**
 * The exponentially scaled I1, `e^(−|x|)·i1(x)` (SpecialI1EBackward0: `i0e(x) − i1e(x)·(sign(x) + 1/x)`, ½ at 0);
 * `torch.special.i1e`.
 *
 * @example
 * torch.special.i1e(torch.tensor([0, 1])); // [0, 0.2079]
 */
export const special_i1e = unary_op({
  name: 'special_i1e', f: m.i1e, result: 'float', node: 'SpecialI1EBackward0',
  dydx: (x) => off_zero(x, 0.5, (s) => sub(special_i0e(s), mul(special_i1e(s), add(sign(s), reciprocal(s))))),
});
/**
 * The scaled complementary error function `e^(x²)·erfc(x)` (SpecialErfcxBackward0: `2x·erfcx(x) − 2/√π`);
 * `torch.special.erfcx`.
 *
 * @example
 * torch.special.erfcx(torch.tensor([0, 10])); // [1, 0.0561]
 */
export const special_erfcx = unary_op({ name: 'special_erfcx', f: m.erfcx, result: 'float', node: 'SpecialErfcxBackward0', dydx: (x) => sub(mul(mul(x, special_erfcx(x)), 2), 2 / SQRT_PI) });
/**
 * The elementwise entropy term `−x·ln x` (0 at 0, −∞ below; SpecialEntrBackward0: `−(ln x + 1)`);
 * `torch.special.entr`.
 *
 * @example
 * torch.special.entr(torch.tensor([0, 0.5, 1])); // [0, 0.3466, 0]
 */
export const special_entr = unary_op({
  name: 'special_entr', f: (v) => (v !== v ? v : v > 0 ? -v * Math.log(v) : v === 0 ? 0 : -Infinity), result: 'float', node: 'SpecialEntrBackward0',
  dydx: (x) => neg(add(log(x), 1)),
});
