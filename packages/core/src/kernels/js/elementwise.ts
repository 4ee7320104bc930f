// Reference elementwise kernels: unary maps, broadcast binary maps, where, strided copies.
import type { TypedArray } from '../../dtype.js';
import { row_walk, type StridedView } from '../strided.js';

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'relu' | 'sigmoid' | 'tanh' | 'reciprocal'
  | 'sin' | 'cos' | 'square' | 'floor' | 'ceil' | 'round' | 'trunc' | 'log1p' | 'expm1' | 'logical_not' | 'identity'
  | 'add_s' | 'sub_s' | 'rsub_s' | 'mul_s' | 'div_s' | 'rdiv_s' | 'pow_s' | 'rpow_s' | 'clamp' | 'leaky_relu'
  | 'gt_s' | 'lt_s' | 'ge_s' | 'le_s' | 'eq_s' | 'ne_s' | 'fill' | 'isnan' | 'step_pos' | 'to_int64' | 'erf';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'gt' | 'lt' | 'ge' | 'le' | 'eq' | 'ne'
  | 'logical_and' | 'logical_or' | 'relu_mask' | 'atan2' | 'sigmoid_backward' | 'tanh_backward';

/** One row of a unary map: `out[o + i] = op(x[xo + i * xs])` for `i < n`; `a`, `b` are the op's parameters. */
type UnaryRow = (x: TypedArray, xo: number, xs: number, out: TypedArray, o: number, n: number, a: number, b: number) => void;
/** One row of a binary map: `out[o + i] = op(x[xo + i * xs], y[yo + i * ys])` for `i < n`. */
type BinaryRow = (x: TypedArray, xo: number, xs: number, y: TypedArray, yo: number, ys: number, out: TypedArray, o: number, n: number) => void;

// Ops whose arithmetic is cheaper than a function call each get their own loop, so V8 compiles every loop for
// one operation (a shared loop calling a per-op closure is megamorphic and costs several ns per element).
// The costlier ops (Math.log, Math.sin, …) go through `unary_fn` and `binary_fn` in one generic loop.
// Comparisons and masks select with `+(a > b)` rather than `?:`: V8 compiles the ternary to a branch, which
// mispredicts on every other element of random data (~6 ns), the conversion of a boolean to a number to none.
type LoopedUnaryOp =
  | 'neg' | 'abs' | 'relu' | 'square' | 'identity' | 'add_s' | 'sub_s' | 'rsub_s' | 'mul_s' | 'div_s' | 'clamp'
  | 'leaky_relu' | 'gt_s' | 'lt_s' | 'ge_s' | 'le_s' | 'eq_s' | 'ne_s' | 'logical_not';
/** Costlier ops that still get a loop of their own (`unary_fn` gives their function too, for fused code). */
type FunctionLoopedOp = 'exp' | 'sigmoid' | 'tanh';
type LoopedBinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'gt' | 'lt' | 'ge' | 'le' | 'eq' | 'ne' | 'relu_mask' | 'sigmoid_backward' | 'tanh_backward';

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

const UNARY_ROWS: Record<LoopedUnaryOp | FunctionLoopedOp, UnaryRow> = {
  neg: (x, j, s, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = -x[j]!; },
  abs: (x, j, s, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = Math.abs(x[j]!); },
  // `v * (v > 0) + 0` is v, NaN or +0 (the + 0 turns -0 into +0) except for -inf, whose rows are patched after
  relu: (x, j, s, out, o, n) => {
    let neg_inf = 0;
    for (let i = o, k = j, e = o + n; i < e; i++, k += s) { const v = x[k]!; out[i] = v * +(v > 0) + 0; neg_inf |= +(v === -Infinity); }
    if (neg_inf) for (let i = o, e = o + n; i < e; i++, j += s) if (x[j] === -Infinity) out[i] = 0;
  },
  square: (x, j, s, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += s) { const v = x[j]!; out[i] = v * v; } },
  identity: (x, j, s, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = x[j]!; },
  add_s: (x, j, s, out, o, n, a) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = x[j]! + a; },
  sub_s: (x, j, s, out, o, n, a) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = x[j]! - a; },
  rsub_s: (x, j, s, out, o, n, a) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = a - x[j]!; },
  mul_s: (x, j, s, out, o, n, a) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = x[j]! * a; },
  div_s: (x, j, s, out, o, n, a) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = x[j]! / a; },
  clamp: (x, j, s, out, o, n, a, b) => {
    for (let i = o, e = o + n; i < e; i++, j += s) { const v = x[j]!; out[i] = v !== v ? v : Math.min(Math.max(v, a), b); }
  },
  leaky_relu: (x, j, s, out, o, n, a) => { for (let i = o, e = o + n; i < e; i++, j += s) { const v = x[j]!; out[i] = v > 0 ? v : v * a; } },
  gt_s: (x, j, s, out, o, n, a) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = +(x[j]! > a); },
  lt_s: (x, j, s, out, o, n, a) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = +(x[j]! < a); },
  ge_s: (x, j, s, out, o, n, a) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = +(x[j]! >= a); },
  le_s: (x, j, s, out, o, n, a) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = +(x[j]! <= a); },
  eq_s: (x, j, s, out, o, n, a) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = +(x[j]! === a); },
  ne_s: (x, j, s, out, o, n, a) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = +(x[j]! !== a); },
  logical_not: (x, j, s, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = +(x[j]! === 0); },
  // the gates of recurrent cells, softmax and attention: a loop of their own saves a closure call per element
  exp: (x, j, s, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = Math.exp(x[j]!); },
  sigmoid: (x, j, s, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = sigmoid(x[j]!); },
  tanh: (x, j, s, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = Math.tanh(x[j]!); },
};

const BINARY_ROWS: Record<LoopedBinaryOp, BinaryRow> = {
  add: (x, j, xs, y, k, ys, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += xs, k += ys) out[i] = x[j]! + y[k]!; },
  sub: (x, j, xs, y, k, ys, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += xs, k += ys) out[i] = x[j]! - y[k]!; },
  mul: (x, j, xs, y, k, ys, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += xs, k += ys) out[i] = x[j]! * y[k]!; },
  div: (x, j, xs, y, k, ys, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += xs, k += ys) out[i] = x[j]! / y[k]!; },
  gt: (x, j, xs, y, k, ys, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += xs, k += ys) out[i] = +(x[j]! > y[k]!); },
  lt: (x, j, xs, y, k, ys, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += xs, k += ys) out[i] = +(x[j]! < y[k]!); },
  ge: (x, j, xs, y, k, ys, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += xs, k += ys) out[i] = +(x[j]! >= y[k]!); },
  le: (x, j, xs, y, k, ys, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += xs, k += ys) out[i] = +(x[j]! <= y[k]!); },
  eq: (x, j, xs, y, k, ys, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += xs, k += ys) out[i] = +(x[j]! === y[k]!); },
  ne: (x, j, xs, y, k, ys, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += xs, k += ys) out[i] = +(x[j]! !== y[k]!); },
  // `g * (x > 0)`: the ReLU gradient in one pass
  relu_mask: (g, j, gs, x, k, xs, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += gs, k += xs) out[i] = g[j]! * +(x[k]! > 0); },
  // the first-order backward of sigmoid and tanh from their result y, in one pass: g·(y·(1 - y)) and
  // g·(1 - y·y), a float32 result rounded after each step as the three separate ops it replaces (rsub, mul,
  // mul) rounded; Math.fround is written out in its own loop (called through a variable it is not inlined)
  sigmoid_backward: (g, j, gs, y, k, ys, out, o, n) => {
    if (out instanceof Float32Array) {
      for (let i = o, e = o + n; i < e; i++, j += gs, k += ys) { const v = y[k]!; out[i] = g[j]! * Math.fround(v * Math.fround(1 - v)); }
    } else {
      for (let i = o, e = o + n; i < e; i++, j += gs, k += ys) { const v = y[k]!; out[i] = g[j]! * (v * (1 - v)); }
    }
  },
  tanh_backward: (g, j, gs, y, k, ys, out, o, n) => {
    if (out instanceof Float32Array) {
      for (let i = o, e = o + n; i < e; i++, j += gs, k += ys) { const v = y[k]!; out[i] = g[j]! * Math.fround(1 - Math.fround(v * v)); }
    } else {
      for (let i = o, e = o + n; i < e; i++, j += gs, k += ys) { const v = y[k]!; out[i] = g[j]! * (1 - v * v); }
    }
  },
};

const INT64_MIN = -9223372036854775808;
/** C++'s float-to-int64 cast as x86 does it: truncation (no -0), and int64's minimum for NaN, ±inf and overflow. */
const to_int64 = (x: number): number => (x > INT64_MIN - 1025 && x < -INT64_MIN ? Math.trunc(x) + 0 : INT64_MIN);

const TWO_OVER_SQRT_PI = 1.1283791670955126;
/**
 * The error function in float64. Below |x| = 2.5 its Maclaurin series (terms fall below 1e-17 of the sum;
 * the largest term at 2.5 is about 16, so about 14 digits survive the cancellation); above, 1 - erfc(|x|)
 * with the Chebyshev-fitted erfc of Numerical Recipes (relative error below 1.2e-7 on erfc, which is under
 * 5e-4 there, so under 6e-11 relative on erf).
 */
export function erf(x: number): number {
  // ±0 keeps its sign (the series would turn −0 into +0)
  if (x === 0) return x;
  const z = Math.abs(x);
  if (z < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  if (z !== z) return x;
  const t = 1 / (1 + 0.5 * z);
  const poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
    t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(-z * z + poly);
  return x > 0 ? 1 - erfc : erfc - 1;
}

/** Scalar function of a unary op without its own loop, given its parameter `a`. */
export function unary_fn(op: Exclude<UnaryOp, LoopedUnaryOp>, a: number): (x: number) => number {
  switch (op) {
    case 'exp': return Math.exp;
    case 'log': return Math.log;
    case 'sqrt': return Math.sqrt;
    case 'rsqrt': return (x) => 1 / Math.sqrt(x);
    // NaN has sign 0, as PyTorch's (0 < x) - (x < 0)
    case 'sign': return (x) => +(x > 0) - +(x < 0);
    case 'sigmoid': return sigmoid;
    case 'tanh': return Math.tanh;
    case 'reciprocal': return (x) => 1 / x;
    case 'sin': return Math.sin;
    case 'cos': return Math.cos;
    case 'floor': return Math.floor;
    case 'ceil': return Math.ceil;
    case 'round': return (x) => { const r = Math.round(x); return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; };
    case 'trunc': return Math.trunc;
    case 'log1p': return Math.log1p;
    case 'expm1': return Math.expm1;
    case 'rdiv_s': return (x) => a / x;
    case 'pow_s': return a === 2 ? (x) => x * x : (x) => Math.pow(x, a);
    case 'rpow_s': return (x) => Math.pow(a, x);
    case 'fill': return () => a;
    case 'isnan': return (x) => (Number.isNaN(x) ? 1 : 0);
    case 'step_pos': return (x) => (x > 0 ? 1 : 0);
    case 'to_int64': return to_int64;
    case 'erf': return erf;
  }
}

/** Scalar function of a binary op without its own loop. */
export function binary_fn(op: Exclude<BinaryOp, LoopedBinaryOp>): (x: number, y: number) => number {
  switch (op) {
    case 'pow': return Math.pow;
    case 'maximum': return (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.max(x, y));
    case 'minimum': return (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.min(x, y));
    // NaN is non-zero, so true (JS's own truthiness would make it false)
    case 'logical_and': return (x, y) => +(x !== 0 && y !== 0);
    case 'logical_or': return (x, y) => +(x !== 0 || y !== 0);
    case 'atan2': return Math.atan2;
  }
}

function unary_row(op: UnaryOp, a: number): UnaryRow {
  const row = (UNARY_ROWS as Partial<Record<UnaryOp, UnaryRow>>)[op];
  if (row !== undefined) return row;
  const fn = unary_fn(op as Exclude<UnaryOp, LoopedUnaryOp>, a);
  return (x, j, s, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += s) out[i] = fn(x[j]!); };
}

function binary_row(op: BinaryOp): BinaryRow {
  const row = (BINARY_ROWS as Partial<Record<BinaryOp, BinaryRow>>)[op];
  if (row !== undefined) return row;
  const fn = binary_fn(op as Exclude<BinaryOp, LoopedBinaryOp>);
  return (x, j, xs, y, k, ys, out, o, n) => { for (let i = o, e = o + n; i < e; i++, j += xs, k += ys) out[i] = fn(x[j]!, y[k]!); };
}

/** `out[i] = op(x[i])` over `x` in row-major order; `out` is contiguous with x's shape. */
export function unary(op: UnaryOp, x: StridedView, out: TypedArray, a = 0, b = 0): void {
  const row = unary_row(op, a);
  const w = row_walk([x], x.shape);
  const xs = w.starts[0]!;
  for (let r = 0; r < w.rows; r++) row(x.data, xs[r]!, w.steps[0]!, out, r * w.n, w.n, a, b);
}

/** `out[i] = op(a[i], b[i])` with NumPy broadcasting to `out_shape`; `out` is contiguous. */
export function binary(op: BinaryOp, a: StridedView, b: StridedView, out_shape: readonly number[], out: TypedArray): void {
  const row = binary_row(op);
  const w = row_walk([a, b], out_shape);
  const [a_starts, b_starts] = w.starts as [ArrayLike<number>, ArrayLike<number>];
  const [a_step, b_step] = w.steps as [number, number];
  for (let r = 0; r < w.rows; r++) row(a.data, a_starts[r]!, a_step, b.data, b_starts[r]!, b_step, out, r * w.n, w.n);
}

/** `out[i] = cond[i] ? a[i] : b[i]` with broadcasting. */
export function where(cond: StridedView, a: StridedView, b: StridedView, out_shape: readonly number[], out: TypedArray): void {
  const w = row_walk([cond, a, b], out_shape);
  const [c_step, a_step, b_step] = w.steps as [number, number, number];
  const [c_starts, a_starts, b_starts] = w.starts as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  const c = cond.data;
  const ad = a.data;
  const bd = b.data;
  for (let r = 0; r < w.rows; r++) {
    let ci = c_starts[r]!;
    let ai = a_starts[r]!;
    let bi = b_starts[r]!;
    for (let i = r * w.n, e = i + w.n; i < e; i++, ci += c_step, ai += a_step, bi += b_step) out[i] = c[ci] ? ad[ai]! : bd[bi]!;
  }
}

/** Whether every row reads the same source row and the destination rows follow one another, `n` apart. */
function repeats_one_row(s_starts: ArrayLike<number>, d_starts: ArrayLike<number>, n: number): boolean {
  for (let r = 1; r < s_starts.length; r++) if (s_starts[r] !== s_starts[0] || d_starts[r] !== d_starts[0]! + r * n) return false;
  return true;
}

/**
 * Copies `src` (broadcast to `dst.shape`) into the strided destination `dst` (used by in-place ops, cat, and
 * addmm seeding its output with the bias); rows of consecutive elements of one array type move as blocks.
 */
export function copy_into(src: StridedView, dst: StridedView): void {
  const w = row_walk([src, dst], dst.shape);
  const [s_step, d_step] = w.steps as [number, number];
  const [s_starts, d_starts] = w.starts as [ArrayLike<number>, ArrayLike<number>];
  const s = src.data;
  const d = dst.data;
  if (s_step === 1 && d_step === 1 && w.n >= 16 && s.constructor === d.constructor) {
    if (w.rows > 2 && repeats_one_row(s_starts, d_starts, w.n)) {
      // one source row into consecutive destination rows (addmm's bias): copy it once, then double the
      // filled part with memmoves, log2(rows) calls instead of one per row
      const d0 = d_starts[0]!;
      d.set(s.subarray(s_starts[0]!, s_starts[0]! + w.n), d0);
      for (let filled = 1; filled < w.rows; filled *= 2) d.copyWithin(d0 + filled * w.n, d0, d0 + Math.min(filled, w.rows - filled) * w.n);
      return;
    }
    for (let r = 0; r < w.rows; r++) d.set(s.subarray(s_starts[r]!, s_starts[r]! + w.n), d_starts[r]!);
    return;
  }
  for (let r = 0; r < w.rows; r++) {
    let si = s_starts[r]!;
    let di = d_starts[r]!;
    for (let i = 0; i < w.n; i++, si += s_step, di += d_step) d[di] = s[si]!;
  }
}

/** Contiguous row-major copy of a view into `out`; rows of consecutive elements are copied as blocks (memcpy). */
export function contiguous(x: StridedView, out: TypedArray): void {
  const w = row_walk([x], x.shape);
  if (w.steps[0] !== 1 || w.n < 16 || x.data.constructor !== out.constructor) {
    unary('identity', x, out);
    return;
  }
  const starts = w.starts[0]!;
  for (let r = 0; r < w.rows; r++) out.set(x.data.subarray(starts[r]!, starts[r]! + w.n), r * w.n);
}
