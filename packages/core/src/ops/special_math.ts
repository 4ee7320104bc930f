// Scalar special functions in float64 (log-gamma, digamma, polygamma, erfc, erfinv, Bessel I0/I1, IEEE bit
// helpers) that the elementwise math ops map over tensors; plain numbers in, numbers out.
import { erf } from '../kernels/js/elementwise.js';

const LN_SQRT_2PI = 0.91893853320467274178;
const TWO_OVER_SQRT_PI = 1.1283791670955126;

// Lanczos approximation, g = 7, n = 9 (the widely published coefficient set; relative error near 1e-15)
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** `log|Γ(x)|`: +∞ at the poles (0 and the negative integers) and at ±∞, reflected below 1/2. */
export function lgamma(x: number): number {
  if (x !== x) return x;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  // far from the poles Stirling's series is exact to rounding and cheaper
  if (x > 15) return stirling(x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Stirling's series for `log Γ(x)`, x > 15: the Bernoulli terms 1/12x − 1/360x³ + … fall below 1e-17. */
function stirling(x: number): number {
  const r = 1 / (x * x);
  const series = (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r / 1188)))) / x;
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + series;
}

/**
 * `ψ(x) = Γ'(x)/Γ(x)`: NaN at the negative integers, `-∞`/`+∞` at `+0`/`-0` (the C++ convention PyTorch
 * follows); reflected below 0, shifted to 10 or above by the recurrence, then the asymptotic series.
 */
export function digamma(x: number): number {
  if (x === 0) return Object.is(x, -0) ? Infinity : -Infinity;
  if (x !== x || x === -Infinity) return Number.NaN;
  if (x === Infinity) return Infinity;
  if (x < 0) {
    if (Number.isInteger(x)) return Number.NaN;
    // ψ(1 − x) − ψ(x) = π cot(πx), with the argument of cot reduced to keep its accuracy
    const r = x - Math.floor(x);
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * r);
  }
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const r = 1 / (x * x);
  // Σ B₂ₖ/(2k x²ᵏ) for k ≤ 7: the next term is below 1e-16 of the sum for x ≥ 10
  const tail = r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r * (1 / 132 - r * (691 / 32760 - r / 12))))));
  return acc + Math.log(x) - 0.5 / x - tail;
}

// B₂ₖ / (2k)! for the Euler–Maclaurin tail of the Hurwitz zeta function
const ZETA_B = [
  1 / 12, -1 / 720, 1 / 30240, -1 / 1209600, 1 / 47900160, -691 / 1307674368000, 1 / 74724249600,
  -3617 / 10670622842880000, 43867 / 5109094217170944000, -174611 / 802857662698291200000,
];

/**
 * The Hurwitz zeta function `ζ(s, q) = Σₖ (q + k)^-s` for s > 1: the sum up to `q + k ≥ 10` (and k ≥ 10),
 * then the Euler–Maclaurin tail. +∞ at the poles q = 0, −1, −2, …
 */
export function zeta(s: number, q: number): number {
  if (s !== s || q !== q) return Number.NaN;
  if (s === 1) return Infinity;
  if (s < 1) return Number.NaN;
  if (q <= 0) {
    if (Number.isInteger(q) || q === -Infinity) return Infinity;
    // the direct sum would need −q terms: refused far below zero rather than looping for ever
    if (!Number.isInteger(s) || q < -1e6) return Number.NaN;
  }
  if (q === Infinity) return 0;
  let sum = 0;
  let k = 0;
  for (; k < 10 || q + k < 10; k++) sum += Math.pow(q + k, -s);
  const a = q + k;
  sum += Math.pow(a, 1 - s) / (s - 1) + 0.5 * Math.pow(a, -s);
  // term j: B₂ⱼ/(2j)! · s(s+1)…(s+2j−2) · a^(−s−2j+1)
  let rising = s;
  let power = Math.pow(a, -s - 1);
  for (let j = 0; j < ZETA_B.length; j++) {
    const term = ZETA_B[j]! * rising * power;
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    rising *= (s + 2 * j + 1) * (s + 2 * j + 2);
    power /= a * a;
  }
  return sum;
}

/** `ψ⁽ⁿ⁾(x)`, the n-th derivative of the digamma function: `(−1)ⁿ⁺¹ n! ζ(n + 1, x)` for n ≥ 1. */
export function polygamma(n: number, x: number): number {
  if (n === 0) return digamma(x);
  if (x === Infinity) return 0;
  let factorial = 1;
  for (let i = 2; i <= n; i++) factorial *= i;
  return (n % 2 === 1 ? 1 : -1) * factorial * zeta(n + 1, x);
}

/**
 * `erfc(x) = 1 − erf(x)` without the cancellation: below 2 from erf's series (an absolute error of 1e-16,
 * relative 3e-14 at worst as erfc(2) ≈ 4.7e-3), above from the continued fraction
 * `erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))`, evaluated bottom-up.
 */
export function erfc(x: number): number {
  if (x !== x) return x;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) return 1 - erf(x);
  if (x > 27.3) return 0;
  if (x < 2) return 1 - erf(x);
  return Math.exp(-x * x) * erfcx(x);
}

/**
 * The inverse error function on [−1, 1] (±∞ at ±1, NaN outside): Winitzki's closed form as a start, then
 * Newton–Halley steps on erf (on erfc past 0.5, where erf(y) − x would cancel).
 */
export function erfinv(x: number): number {
  if (x !== x || x < -1 || x > 1) return Number.NaN;
  if (x === 1) return Infinity;
  if (x === -1) return -Infinity;
  if (x === 0) return x;
  const a = 0.147;
  const l = Math.log((1 - x) * (1 + x));
  const b = 2 / (Math.PI * a) + l / 2;
  let y = Math.sign(x) * Math.sqrt(Math.sqrt(b * b - l / a) - b);
  const tail = Math.abs(x) > 0.5;
  const target = tail ? 1 - Math.abs(x) : x;
  if (tail) y = Math.abs(y);
  for (let i = 0; i < 6; i++) {
    const slope = TWO_OVER_SQRT_PI * Math.exp(-y * y);
    const f = tail ? -(erfc(y) - target) : erf(y) - target;
    const step = f / slope;
    // Halley: erf'' = −2y·erf'
    const dy = step / (1 + y * step);
    y -= dy;
    if (Math.abs(dy) <= 1e-16 * Math.abs(y)) break;
  }
  return tail ? Math.sign(x) * y : y;
}

/** The modified Bessel function of the first kind, order 0: `Σₖ (x/2)²ᵏ / (k!)²` (every term positive). */
export function i0(x: number): number {
  return bessel_i(x, 0, false);
}

/** The modified Bessel function of the first kind, order 1: `Σₖ (x/2)²ᵏ⁺¹ / (k!(k+1)!)`. */
export function i1(x: number): number {
  return bessel_i(x, 1, false);
}

/** `e^(−|x|)·I0(x)`, finite for every finite x. */
export function i0e(x: number): number {
  return bessel_i(x, 0, true);
}

/** `e^(−|x|)·I1(x)`. */
export function i1e(x: number): number {
  return bessel_i(x, 1, true);
}

/** I0 or I1, or with `exp_scaled` the same times `e^(−|x|)`. */
function bessel_i(x: number, order: 0 | 1, exp_scaled: boolean): number {
  if (x !== x) return x;
  if (x === 0) return order === 0 ? 1 : 0;
  const ax = Math.abs(x);
  if (ax === Infinity) return exp_scaled ? (order === 0 || x > 0 ? 0 : -0) : Number.NaN;
  // past 713 the value overflows a double
  if (ax > 713.99 && !exp_scaled) return order === 0 || x > 0 ? Infinity : -Infinity;
  // far out the series needs ~|x| terms: the asymptotic expansion e^|x|/√(2π|x|)·(1 − (4ν²−1)/(8|x|) + …) instead
  if (ax > 500) return bessel_i_asymptotic(x, order, exp_scaled);
  const q = (x * x) / 4;
  let term = order === 0 ? 1 : x / 2;
  // the largest terms can pass the double range before the exponential scaling of the sum would: scale by e^-|x|
  const scaled = ax > 600;
  if (scaled) term *= Math.exp(-ax);
  let sum = term;
  for (let k = 1; k < 2000; k++) {
    term *= q / (k * (k + order));
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum) && k > q) break;
    if (term === 0) break;
  }
  if (exp_scaled) return scaled ? sum : sum * Math.exp(-ax);
  return scaled ? sum * Math.exp(ax) : sum;
}

function bessel_i_asymptotic(x: number, order: 0 | 1, exp_scaled: boolean): number {
  const ax = Math.abs(x);
  const mu = 4 * order * order;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 30; k++) {
    term *= -(mu - (2 * k - 1) ** 2) / (k * 8 * ax);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  const v = sum / Math.sqrt(2 * Math.PI * ax);
  const signed = order === 1 && x < 0 ? -v : v;
  return exp_scaled ? signed : signed * Math.exp(ax);
}

/** `e^(x²)·erfc(x)`, the scaled complementary error function, without overflow for large x. */
export function erfcx(x: number): number {
  if (x !== x) return x;
  if (x < 2) return x < -26.7 ? Infinity : Math.exp(x * x) * erfc(x);
  if (x === Infinity) return 0;
  const terms = x < 4 ? 120 : 60;
  let f = x;
  for (let k = terms; k >= 1; k--) f = x + k / 2 / f;
  return 1 / Math.sqrt(Math.PI) / f;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Whether the sign bit of `v` is set (true for −0 and negative NaNs too). */
export function signbit(v: number): boolean {
  F64[0] = v;
  return (U32[HI]! >>> 31) === 1;
}

/** `|a|` with the sign bit of `b`. */
export function copysign(a: number, b: number): number {
  const m = Math.abs(a);
  return signbit(b) ? -m : m;
}

/** The next double after `a` towards `b` (C's nextafter). */
export function nextafter64(a: number, b: number): number {
  if (a !== a || b !== b) return Number.NaN;
  if (a === b) return b;
  if (a === 0) return b > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  F64[0] = a;
  const lo = 1 - HI;
  const up = (b > a) === (a > 0);
  // step the 64-bit magnitude by one, carrying from the low word into the high one
  if (up) {
    U32[lo] = (U32[lo]! + 1) >>> 0;
    if (U32[lo] === 0) U32[HI]! += 1;
  } else {
    if (U32[lo] === 0) U32[HI]! -= 1;
    U32[lo] = (U32[lo]! - 1) >>> 0;
  }
  return F64[0]!;
}

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

/** The next float32 after `a` towards `b` (C's nextafterf; a, b float32 values). */
export function nextafter32(a: number, b: number): number {
  if (a !== a || b !== b) return Number.NaN;
  if (a === b) return b;
  if (a === 0) return b > 0 ? 1.401298464324817e-45 : -1.401298464324817e-45;
  F32[0] = a;
  I32[0]! += (b > a) === (a > 0) ? 1 : -1;
  return F32[0]!;
}

/** `[mantissa, exponent]` with `x = mantissa · 2^exponent`, `0.5 ≤ |mantissa| < 1` (C's frexp; 0, ±∞, NaN kept with exponent 0). */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  // subnormals first scaled into the normal range, so 2^-e below stays finite
  if (Math.abs(x) < 2 ** -1000) {
    const [m, e] = frexp(x * 2 ** 100);
    return [m, e - 100];
  }
  let e = Math.floor(Math.log2(Math.abs(x))) + 1;
  let m = x * Math.pow(2, -e);
  // log2 can be off by one near powers of two
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e -= 1;
  }
  while (Math.abs(m) >= 1) {
    m /= 2;
    e += 1;
  }
  return [m, e];
}
