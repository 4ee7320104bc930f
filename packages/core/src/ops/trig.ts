// Trigonometric and hyperbolic functions beyond sin/cos (tan, asin … atanh, TanBackward0 & co), degree/radian
// conversion and the normalised sinc, with their NumPy-style `arc*` aliases and in-place forms.
import { add, eq, mul, rsub, sub, where } from './arithmetic.js';
import { cos, reciprocal, rsqrt, sin } from './unary.js';
import { no_grad } from '../autograd/grad_mode.js';
import type { Tensor } from '../tensor.js';
import { alias_unary, alias_inplace, inplace_op, unary_op } from './math_defs.js';

const square = (x: Tensor): Tensor => mul(x, x);

/**
 * Tangent elementwise, in radians (TanBackward0: `1 + tan²`, read from the result).
 *
 * @example
 * torch.tan(torch.tensor([0, Math.PI / 4])); // [0, 1]
 */
export const tan = unary_op({ name: 'tan', f: Math.tan, result: 'float', node: 'TanBackward0', saves: 'result', dydx: (r) => add(square(r), 1) });
/**
 * Arcsine elementwise, NaN outside [-1, 1] (AsinBackward0: `1/√(1 − x²)`). Alias: `arcsin`.
 *
 * @example
 * torch.asin(torch.tensor([0, 1])); // [0, 1.5708]
 */
export const asin = unary_op({ name: 'asin', f: Math.asin, result: 'float', node: 'AsinBackward0', dydx: (x) => rsqrt(rsub(square(x), 1)) });
/**
 * Arccosine elementwise, NaN outside [-1, 1] (AcosBackward0: `−1/√(1 − x²)`). Alias: `arccos`.
 *
 * @example
 * torch.acos(torch.tensor([1, 0])); // [0, 1.5708]
 */
export const acos = unary_op({ name: 'acos', f: Math.acos, result: 'float', node: 'AcosBackward0', dydx: (x) => mul(rsqrt(rsub(square(x), 1)), -1) });
/**
 * Arctangent elementwise (AtanBackward0: `1/(1 + x²)`). Alias: `arctan`.
 *
 * @example
 * torch.atan(torch.tensor([0, 1])); // [0, 0.7854]
 */
export const atan = unary_op({ name: 'atan', f: Math.atan, result: 'float', node: 'AtanBackward0', dydx: (x) => reciprocal(add(square(x), 1)) });
/**
 * Hyperbolic sine elementwise (SinhBackward0: `cosh x`).
 *
 * @example
 * torch.sinh(torch.tensor([0, 1])); // [0, 1.1752]
 */
export const sinh = unary_op({ name: 'sinh', f: Math.sinh, result: 'float', node: 'SinhBackward0', dydx: (x) => cosh(x) });
/**
 * Hyperbolic cosine elementwise (CoshBackward0: `sinh x`).
 *
 * @example
 * torch.cosh(torch.tensor([0, 1])); // [1, 1.5431]
 */
export const cosh = unary_op({ name: 'cosh', f: Math.cosh, result: 'float', node: 'CoshBackward0', dydx: (x) => sinh(x) });
/**
 * Inverse hyperbolic sine elementwise (AsinhBackward0: `1/√(x² + 1)`). Alias: `arcsinh`.
 *
 * @example
 * torch.asinh(torch.tensor([0, 1])); // [0, 0.8814]
 */
export const asinh = unary_op({ name: 'asinh', f: Math.asinh, result: 'float', node: 'AsinhBackward0', dydx: (x) => rsqrt(add(square(x), 1)) });
/**
 * Inverse hyperbolic cosine elementwise, NaN below 1 (AcoshBackward0: `1/√(x² − 1)`). Alias: `arccosh`.
 *
 * @example
 * torch.acosh(torch.tensor([1, 2])); // [0, 1.317]
 */
export const acosh = unary_op({ name: 'acosh', f: Math.acosh, result: 'float', node: 'AcoshBackward0', dydx: (x) => rsqrt(sub(square(x), 1)) });
/**
 * Inverse hyperbolic tangent elementwise, ±∞ at ±1 (AtanhBackward0: `1/(1 − x²)`). Alias: `arctanh`.
 *
 * @example
 * torch.atanh(torch.tensor([0, 0.5])); // [0, 0.5493]
 */
export const atanh = unary_op({ name: 'atanh', f: Math.atanh, result: 'float', node: 'AtanhBackward0', dydx: (x) => reciprocal(rsub(square(x), 1)) });

const DEG = Math.PI / 180;
/**
 * Degrees to radians, `x·π/180` (Deg2RadBackward0).
 *
 * @example
 * torch.deg2rad(torch.tensor([180, 90])); // [3.1416, 1.5708]
 */
export const deg2rad = unary_op({ name: 'deg2rad', f: (v) => v * DEG, result: 'float', node: 'Deg2RadBackward0', saves: 'none', dydx: () => DEG });
/**
 * Radians to degrees, `x·180/π` (Rad2DegBackward0).
 *
 * @example
 * torch.rad2deg(torch.tensor([Math.PI])); // [180]
 */
export const rad2deg = unary_op({ name: 'rad2deg', f: (v) => v / DEG, result: 'float', node: 'Rad2DegBackward0', saves: 'none', dydx: () => 1 / DEG });

/**
 * The normalised sinc, `sin(πx)/(πx)` and 1 at 0 (SincBackward0: `(πx·cos πx − sin πx)/(πx²)`, 0 at 0).
 *
 * @example
 * torch.sinc(torch.tensor([0, 0.5, 1])); // [1, 0.6366, 0]
 */
export const sinc = unary_op({
  name: 'sinc',
  f: (v) => (v === 0 ? 1 : Math.sin(Math.PI * v) / (Math.PI * v)),
  result: 'float',
  node: 'SincBackward0',
  dydx: (x) => {
    // the formula evaluated at 1 where x is 0, so neither it nor its own gradient divides by zero there
    const zero = no_grad(() => eq(x, 0));
    const safe = where(zero, 1, x);
    const px = mul(safe, Math.PI);
    return where(zero, 0, mul(sub(mul(px, cos(px)), sin(px)), reciprocal(mul(square(safe), Math.PI))));
  },
});

/** In-place `tan`. @example x.tan_(); */
export const tan_ = inplace_op('tan_', tan, 'float');
/** In-place `asin` (alias `arcsin_`). @example x.asin_(); */
export const asin_ = inplace_op('asin_', asin, 'float');
/** In-place `acos` (alias `arccos_`). @example x.acos_(); */
export const acos_ = inplace_op('acos_', acos, 'float');
/** In-place `atan` (alias `arctan_`). @example x.atan_(); */
export const atan_ = inplace_op('atan_', atan, 'float');
/** In-place `sinh`. @example x.sinh_(); */
export const sinh_ = inplace_op('sinh_', sinh, 'float');
/** In-place `cosh`. @example x.cosh_(); */
export const cosh_ = inplace_op('cosh_', cosh, 'float');
/** In-place `asinh` (alias `arcsinh_`). @example x.asinh_(); */
export const asinh_ = inplace_op('asinh_', asinh, 'float');
/** In-place `acosh` (alias `arccosh_`). @example x.acosh_(); */
export const acosh_ = inplace_op('acosh_', acosh, 'float');
/** In-place `atanh` (alias `arctanh_`). @example x.atanh_(); */
export const atanh_ = inplace_op('atanh_', atanh, 'float');
/** In-place `deg2rad`. @example x.deg2rad_(); */
export const deg2rad_ = inplace_op('deg2rad_', deg2rad, 'float');
/** In-place `rad2deg`. @example x.rad2deg_(); */
export const rad2deg_ = inplace_op('rad2deg_', rad2deg, 'float');
/** In-place `sinc`. @example x.sinc_(); */
export const sinc_ = inplace_op('sinc_', sinc, 'float');

// NumPy's names, as PyTorch aliases them: the same ops, their argument errors naming the alias
/** Alias of {@link asin}. @example torch.arcsin(x); */
export const arcsin = alias_unary('arcsin', asin);
/** Alias of {@link acos}. @example torch.arccos(x); */
export const arccos = alias_unary('arccos', acos);
/** Alias of {@link atan}. @example torch.arctan(x); */
export const arctan = alias_unary('arctan', atan);
/** Alias of {@link asinh}. @example torch.arcsinh(x); */
export const arcsinh = alias_unary('arcsinh', asinh);
/** Alias of {@link acosh}. @example torch.arccosh(x); */
export const arccosh = alias_unary('arccosh', acosh);
/** Alias of {@link atanh}. @example torch.arctanh(x); */
export const arctanh = alias_unary('arctanh', atanh);
/** Alias of {@link asin_}. @example x.arcsin_(); */
export const arcsin_ = alias_inplace('arcsin_', asin_);
/** Alias of {@link acos_}. @example x.arccos_(); */
export const arccos_ = alias_inplace('arccos_', acos_);
/** Alias of {@link atan_}. @example x.arctan_(); */
export const arctan_ = alias_inplace('arctan_', atan_);
/** Alias of {@link asinh_}. @example x.arcsinh_(); */
export const arcsinh_ = alias_inplace('arcsinh_', asinh_);
/** Alias of {@link acosh_}. @example x.arccosh_(); */
export const arccosh_ = alias_inplace('arccosh_', acosh_);
/** Alias of {@link atanh_}. @example x.arctanh_(); */
export const arctanh_ = alias_inplace('arctanh_', atanh_);
