// Elementwise chains of a traced graph as one generated JavaScript loop: each op's arithmetic as an expression
// rounded to float32 where the eager op rounds (so a fused chain gives the eager op's bits), no intermediates.
import { unary_fn } from '../kernels/js/elementwise.js';
import { is_plain_object } from '../signature.js';
import type { Tensor } from '../tensor.js';
import { Value, type GraphNode } from './graph.js';

/** A scalar function a fused expression calls (the eager kernel's own, so results agree bit for bit). */
export type ScalarFn = (x: number) => number;

/**
 * Writes one op's expression over its operands' names; `call(f)` names a scalar function the loop may call.
 *
 * @example
 * const emit: Emit = ([a, b]) => `fr(${a} + ${b})`;
 */
export type Emit = (operands: readonly string[], call: (f: ScalarFn) => string) => string;

/** One elementwise op as a fused loop sees it: its tensor operands (values, or constants) and its expression. */
export interface Elementwise {
  /** The tensors it reads, in the order `emit` names them. */
  operands: (Value | Tensor)[];
  /** Its expression. */
  emit: Emit;
}

/** A number as a JavaScript literal (keeping -0, NaN and the infinities). */
export function num(c: number): string {
  return Object.is(c, -0) ? '-0' : String(c);
}

/** Float-valued unary ops the eager kernel computes through `unary_fn` (the same function runs fused). */
const FLOAT_UNARY = ['exp', 'log', 'sqrt', 'rsqrt', 'reciprocal', 'sigmoid', 'tanh', 'sin', 'cos', 'log1p', 'expm1', 'erf'] as const;
type FloatUnary = (typeof FLOAT_UNARY)[number];

/** `a op b` (or `a op c` for a number `c`), with `alpha` scaling a tensor `b` as the eager op does first. */
function arith(x: Value, other: unknown, op: '+' | '-' | '*' | '/', alpha: number): Elementwise | null {
  if (other instanceof Value) {
    if (alpha === 1) return { operands: [x, other], emit: ([a, b]) => `fr(${a} ${op} ${b})` };
    return { operands: [x, other], emit: ([a, b]) => `fr(${a} ${op} fr(${b} * ${num(alpha)}))` };
  }
  if (typeof other !== 'number' && typeof other !== 'boolean') return null;
  const c = Number(other) * alpha;
  return { operands: [x], emit: ([a]) => `fr(${a} ${op} ${num(c)})` };
}

const alpha_of = (o: unknown): number | null => {
  if (o === undefined || o === null) return 1;
  if (!is_plain_object(o)) return null;
  const a = (o as { alpha?: unknown }).alpha ?? 1;
  return typeof a === 'number' ? a : null;
};

/**
 * The elementwise reading of a recorded op, or null when it is not one a fused loop computes (its dtypes are
 * checked by the caller: fused loops are float32 throughout). In-place forms read as their functional form;
 * the caller decides whether that is safe.
 *
 * @example
 * elementwise_of(node)?.operands.length; // 2 for aten::add of two tensors
 */
export function elementwise_of(node: GraphNode): Elementwise | null {
  if (node.what.kind !== 'op' || !Array.isArray(node.args)) return null;
  const args = node.args as unknown[];
  const x = args[0];
  if (!(x instanceof Value)) return null;
  const op = node.name.slice('aten::'.length).replace(/_$/, '');
  switch (op) {
    case 'add':
    case 'sub': {
      const alpha = alpha_of(args[2]);
      return alpha === null ? null : arith(x, args[1], op === 'add' ? '+' : '-', alpha);
    }
    case 'mul':
      return arith(x, args[1], '*', 1);
    case 'div': {
      const o = args[2] as { rounding_mode?: unknown } | undefined;
      return (o?.rounding_mode ?? null) !== null ? null : arith(x, args[1], '/', 1);
    }
    case 'rsub': {
      const other = args[1];
      if (other instanceof Value) return { operands: [x, other], emit: ([a, b]) => `fr(${b} - ${a})` };
      if (typeof other !== 'number') return null;
      return { operands: [x], emit: ([a]) => `fr(${num(other)} - ${a})` };
    }
    // the eager relu is `v·(v > 0) + 0`: NaN stays NaN, -0 and -inf become +0
    case 'relu':
      return { operands: [x], emit: ([a]) => `(${a} > 0 || ${a} !== ${a} ? ${a} : 0)` };
    case 'neg':
      return { operands: [x], emit: ([a]) => `-${a}` };
    case 'abs':
      return { operands: [x], emit: ([a]) => `Math.abs(${a})` };
    case 'square':
      return { operands: [x], emit: ([a]) => `fr(${a} * ${a})` };
    case 'leaky_relu': {
      const s = args[1] ?? 0.01;
      if (typeof s !== 'number') return null;
      return { operands: [x], emit: ([a]) => `(${a} > 0 ? ${a} : fr(${a} * ${num(s)}))` };
    }
    case 'clamp': {
      let [lo, hi] = [args[1], args[2]];
      if (is_plain_object(lo)) [lo, hi] = [(lo as { min?: unknown }).min, (lo as { max?: unknown }).max];
      const bound = (b: unknown, inf: number): number | null => (b === undefined || b === null ? inf : typeof b === 'number' ? b : null);
      const [a0, b0] = [bound(lo, -Infinity), bound(hi, Infinity)];
      if (a0 === null || b0 === null || (a0 === -Infinity && b0 === Infinity)) return null;
      // a bound is a double (0.7): rounded to float32 where it wins, as the eager kernel's store rounds it
      return { operands: [x], emit: ([a]) => `(${a} !== ${a} ? ${a} : fr(Math.min(Math.max(${a}, ${num(a0)}), ${num(b0)})))` };
    }
    default:
      if ((FLOAT_UNARY as readonly string[]).includes(op) && args[1] === op) {
        const f = unary_fn(op as FloatUnary, 0);
        return { operands: [x], emit: ([a], call) => `fr(${call(f)}(${a}))` };
      }
      return null;
  }
}

/** `x·scale + shift` with per-channel constants: an eval-mode batch norm, folded. */
export function channel_affine(x: Value, scale: Tensor, shift: Tensor): Elementwise {
  return { operands: [x, scale, shift], emit: ([a, s, h]) => `fr(fr(${a} * ${s}) + ${h})` };
}

/** How a fused loop reads one operand: its shape and strides (broadcast against the output by the loop). */
export interface OperandLayout {
  shape: readonly number[];
  strides: readonly number[];
}

/** One member of a fused chain: its expression over operand names (`x<i>` kernel inputs, `t<j>` members). */
export interface FusedMember {
  emit: Emit;
  refs: string[];
}

/** A fused kernel: reads `data[i]` from `offsets[i]` on, writes the contiguous `out`. */
export type FusedKernel = (data: ArrayLike<number>[], offsets: number[], out: Float32Array) => void;

/**
 * Generates one loop computing `members` (the last is the result) over inputs laid out as `inputs`, for an
 * output of `shape`. Dims along which every operand steps alike merge, so a same-shaped chain is one flat loop
 * and a per-channel operand adds one outer loop. Operands that never move are read once.
 *
 * @example
 * const k = fused_kernel([4], [{ shape: [4], strides: [1] }], [{ emit: ([a]) => `-${a}`, refs: ['x0'] }]);
 */
export function fused_kernel(shape: readonly number[], inputs: readonly OperandLayout[], members: readonly FusedMember[]): FusedKernel {
  // each operand's strides against the output's dims (0 where it broadcasts)
  const r = shape.length;
  let strides = inputs.map((l) => shape.map((s, d) => {
    const k = d - (r - l.shape.length);
    return k < 0 || l.shape[k] === 1 || s === 1 ? 0 : l.strides[k]!;
  }));
  let sizes = [...shape];
  // merge dim d into d+1 when every operand steps through d as through a block of d+1
  for (let d = sizes.length - 2; d >= 0; d--) {
    const n = sizes[d + 1]!;
    if (strides.every((s) => s[d] === s[d + 1]! * n)) {
      sizes = [...sizes.slice(0, d), sizes[d]! * n, ...sizes.slice(d + 2)];
      strides = strides.map((s) => [...s.slice(0, d), s[d + 1]!, ...s.slice(d + 2)]);
    }
  }
  const ones = sizes.map((s, d) => (s === 1 ? d : -1)).filter((d) => d >= 0);
  if (ones.length < sizes.length) {
    sizes = sizes.filter((_, d) => !ones.includes(d));
    strides = strides.map((s) => s.filter((_, d) => !ones.includes(d)));
  }
  const R = sizes.length;
  const fns: ScalarFn[] = [];
  const call = (f: ScalarFn): string => {
    let k = fns.indexOf(f);
    if (k < 0) k = fns.push(f) - 1;
    return `f${k}`;
  };
  const body: string[] = [];
  members.forEach((m, j) => body.push(`const t${j} = ${m.emit(m.refs, call)};`));
  const still = strides.map((s) => s.every((v) => v === 0));
  const lines: string[] = ['"use strict";', 'const fr = Math.fround;'];
  lines.push(...fns.map((_, k) => `const f${k} = F[${k}];`));
  lines.push('return function fused(D, O, out) {');
  inputs.forEach((_, i) => lines.push(`const d${i} = D[${i}];`));
  inputs.forEach((_, i) => {
    if (still[i]) lines.push(`const x${i} = d${i}[O[${i}]];`);
  });
  lines.push('let o = 0;');
  const moving = inputs.map((_, i) => i).filter((i) => !still[i]);
  for (let l = 0; l < R; l++) {
    const init = moving.map((i) => `p${i}_${l} = ${l === 0 ? `O[${i}]` : `p${i}_${l - 1}`}`);
    const step = moving.filter((i) => strides[i]![l] !== 0).map((i) => `p${i}_${l} += ${strides[i]![l]}`);
    lines.push(`for (let a${l} = 0${init.map((s) => `, ${s}`).join('')}; a${l} < ${sizes[l]}; a${l}++${step.map((s) => `, ${s}`).join('')}) {`);
  }
  moving.forEach((i) => lines.push(`const x${i} = d${i}[p${i}_${R - 1}];`));
  lines.push(...body, `out[o++] = t${members.length - 1};`);
  for (let l = 0; l < R; l++) lines.push('}');
  lines.push('};');
  return new Function('F', lines.join('\n'))(fns) as FusedKernel;
}
