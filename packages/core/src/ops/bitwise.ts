// Integer and bool ops: bitwise and/or/xor/not and shifts, gcd and lcm (PyTorch's errors for floats), logical
// xor, and the in-place logical and comparison forms (`x.logical_and_(y)`, `x.eq_(y)`, …).
import { is_floating, type DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { eq, ge, gt, le, logical_and, logical_not, logical_or, lt, ne, type Scalar } from './arithmetic.js';
import { binary_inplace, binary_op, binary_operands, bool_inplace, not_implemented, unary_value, inplace_op, type BinaryDef, type BinaryInplaceArgs, type BinaryOpFn, type UnaryDef } from './math_defs.js';
import { plain_operands, unary_arg, type OperandArgs, type TensorPairArgs, type UnaryArgs, type UnaryInplaceArgs } from './call_args.js';
import { trace_op, tracing } from '../jit/tracer.js';

const I32_MAX = 2 ** 31;
/** `f` on int64 values as 64-bit two's complement (32-bit operators where both fit, BigInt otherwise). */
const int64 = (f32: (a: number, b: number) => number, f64: (a: bigint, b: bigint) => bigint) => (a: number, b: number): number =>
  Math.abs(a) < I32_MAX && Math.abs(b) < I32_MAX ? f32(a, b) : Number(BigInt.asIntN(64, f64(BigInt(a), BigInt(b))));

const integral_only = (kernel: string, bool_ok = true) => (dtype: DType): string | null =>
  is_floating(dtype) || (!bool_ok && dtype === 'bool') ? not_implemented(kernel, dtype) : null;

function bitwise(name: string, kernel: string, f32: (a: number, b: number) => number, f64: (a: bigint, b: bigint) => bigint): BinaryDef {
  return { name, scalar_other: true, result: 'same', node: null, refuse: integral_only(kernel), f: (d) => (d === 'int64' ? int64(f32, f64) : f32) };
}
const AND = bitwise('bitwise_and', 'bitwise_and_cpu', (a, b) => a & b, (a, b) => a & b);
const OR = bitwise('bitwise_or', 'bitwise_or_cpu', (a, b) => a | b, (a, b) => a | b);
const XOR = bitwise('bitwise_xor', 'bitwise_xor_cpu', (a, b) => a ^ b, (a, b) => a ^ b);

/** Shifts by a count past the width give 0 (left) or the sign fill (right), as PyTorch defines them. */
function shift(name: string, kernel: string, left: boolean): BinaryDef {
  const bits: Partial<Record<DType, number>> = { int64: 64, uint8: 8 };
  return {
    name, scalar_other: true, result: 'same', node: null, refuse: integral_only(kernel, false),
    f: (d) => (a, b) => {
      const width = bits[d]!;
      if (b < 0 || b >= width) return left ? 0 : a < 0 ? -1 : 0;
      if (d === 'uint8') return left ? (a << b) & 255 : a >> b;
      return Number(BigInt.asIntN(64, left ? BigInt(a) << BigInt(b) : BigInt(a) >> BigInt(b)));
    },
  };
}
const LSHIFT = shift('bitwise_left_shift', 'lshift_cpu', true);
const RSHIFT = shift('bitwise_right_shift', 'rshift_cpu', false);

const gcd_of = (a: number, b: number): number => {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
};
const GCD: BinaryDef = { name: 'gcd', scalar_other: false, result: 'same', node: null, refuse: integral_only('gcd_cpu'), f: () => gcd_of };
const LCM: BinaryDef = {
  name: 'lcm', scalar_other: false, result: 'same', node: null, refuse: integral_only('lcm_cpu'),
  f: () => (a, b) => {
    const g = gcd_of(a, b);
    return g === 0 ? 0 : Math.abs((a / g) * b);
  },
};
const LOGICAL_XOR: BinaryDef = { name: 'logical_xor', scalar_other: false, result: 'bool', node: null, f: () => (a, b) => +((a !== 0) !== (b !== 0)) };

/**
 * Bitwise AND of integer or bool tensors (or a tensor and a number), with broadcasting; floats raise.
 *
 * @example
 * torch.bitwise_and(torch.tensor([12, 10]), 6); // [4, 2]
 */
export const bitwise_and: BinaryOpFn = binary_op(AND);
/**
 * Bitwise OR of integer or bool tensors, with broadcasting; floats raise.
 *
 * @example
 * torch.bitwise_or(torch.tensor([12, 10]), 1); // [13, 11]
 */
export const bitwise_or: BinaryOpFn = binary_op(OR);
/**
 * Bitwise XOR of integer or bool tensors, with broadcasting; floats raise.
 *
 * @example
 * torch.bitwise_xor(torch.tensor([12, 10]), 6); // [10, 12]
 */
export const bitwise_xor: BinaryOpFn = binary_op(XOR);
/**
 * `input << other` on integer tensors (shifts of the width or more give 0); floats and bools raise.
 *
 * @example
 * torch.bitwise_left_shift(torch.tensor([1, 3]), 2); // [4, 12]
 */
export const bitwise_left_shift: BinaryOpFn = binary_op(LSHIFT);
/**
 * `input >> other` on integer tensors, arithmetic (the sign is kept); floats and bools raise.
 *
 * @example
 * torch.bitwise_right_shift(torch.tensor([-8, 8]), 2); // [-2, 2]
 */
export const bitwise_right_shift: BinaryOpFn = binary_op(RSHIFT);
/**
 * Bitwise NOT of an integer tensor (`~x = −x − 1`), logical NOT of a bool one; floats raise.
 *
 * @example
 * torch.bitwise_not(torch.tensor([0, 5])); // [-1, -6]
 */
export function bitwise_not(...args: UnaryArgs): Tensor {
  const x = unary_arg('bitwise_not', args);
  if (tracing) return trace_op('aten::bitwise_not', bitwise_not, [x]);
  return unary_value(x._dtype === 'bool' ? NOT_BOOL : NOT, x);
}
const NOT: UnaryDef = { name: 'bitwise_not', result: 'same', node: null, refuse: (d) => (is_floating(d) ? not_implemented('bitwise_not_cpu', d) : null), f: (v) => -v - 1 };
const NOT_BOOL: UnaryDef = { ...NOT, f: (v) => 1 - v };
/**
 * Greatest common divisor of integer tensors, elementwise and non-negative (gcd(0, 0) = 0); floats raise.
 *
 * @example
 * torch.gcd(torch.tensor([6, -12]), torch.tensor([4, 18])); // [2, 6]
 */
export const gcd: BinaryOpFn = binary_op(GCD);
/**
 * Least common multiple of integer tensors, elementwise and non-negative (0 when either is 0); floats raise.
 *
 * @example
 * torch.lcm(torch.tensor([6, -12]), torch.tensor([4, 18])); // [12, 36]
 */
export const lcm: BinaryOpFn = binary_op(LCM);
/**
 * Elementwise logical XOR (non-zero is true), with broadcasting; a bool tensor.
 *
 * @example
 * torch.logical_xor(torch.tensor([0, 1, 2]), torch.tensor([1, 1, 0])); // [true, false, true]
 */
export const logical_xor = binary_op(LOGICAL_XOR) as (...args: TensorPairArgs) => Tensor;

/** In-place `bitwise_and`. @example x.bitwise_and_(y); */
export const bitwise_and_ = binary_inplace(AND);
/** In-place `bitwise_or`. @example x.bitwise_or_(y); */
export const bitwise_or_ = binary_inplace(OR);
/** In-place `bitwise_xor`. @example x.bitwise_xor_(y); */
export const bitwise_xor_ = binary_inplace(XOR);
/** In-place `bitwise_left_shift`. @example x.bitwise_left_shift_(1); */
export const bitwise_left_shift_ = binary_inplace(LSHIFT);
/** In-place `bitwise_right_shift`. @example x.bitwise_right_shift_(1); */
export const bitwise_right_shift_ = binary_inplace(RSHIFT);
/** In-place `bitwise_not`. @example x.bitwise_not_(); */
export const bitwise_not_ = inplace_op('bitwise_not_', bitwise_not, 'same');
/** In-place `gcd`. @example x.gcd_(y); */
export const gcd_ = binary_inplace(GCD);
/** In-place `lcm`. @example x.lcm_(y); */
export const lcm_ = binary_inplace(LCM);

type Comparison = (...args: OperandArgs) => Tensor;
/** The in-place form `name` of a bool-valued op of `(self, other)`, recorded as `node` (a zero gradient). */
function bool_binary_inplace(name: string, node: string, op: (a: Tensor, b: Tensor | Scalar) => Tensor) {
  const def: BinaryDef = { name: name.slice(0, -1), scalar_other: true, result: 'bool', node: null, f: () => () => 0 };
  return <T extends Tensor>(...args: BinaryInplaceArgs<T>): T => {
    const [self, other] = plain_operands(args) ? (args as unknown as [T, Tensor | Scalar]) : (binary_operands({ ...def, name }, args) as [T, Tensor | Scalar]);
    return bool_inplace(self, [other], node, (a) => op(a, other));
  };
}
const compare_ = (name: string, node: string, op: Comparison) => bool_binary_inplace(name, node, (a, b) => op(a, b));

/** In-place `eq`: self becomes `self == other` in its own dtype (1 or 0). @example x.eq_(y); */
export const eq_ = compare_('eq_', 'EqBackward0', eq);
/** In-place `ne`. @example x.ne_(0); */
export const ne_ = compare_('ne_', 'NeBackward0', ne);
/** In-place `lt`. @example x.lt_(0); */
export const lt_ = compare_('lt_', 'LtBackward0', lt);
/** In-place `le`. @example x.le_(0); */
export const le_ = compare_('le_', 'LeBackward0', le);
/** In-place `gt`. @example x.gt_(0); */
export const gt_ = compare_('gt_', 'GtBackward0', gt);
/** In-place `ge`. @example x.ge_(0); */
export const ge_ = compare_('ge_', 'GeBackward0', ge);
/** In-place `logical_xor`. @example x.logical_xor_(y); */
export const logical_xor_ = bool_binary_inplace('logical_xor_', 'LogicalXorBackward0', (a, b) => logical_xor(a, b as Tensor));
/** In-place logical AND (a Tensor method: PyTorch's `x.logical_and_(y)`). @hidden */
export const logical_and_inplace = bool_binary_inplace('logical_and_', 'LogicalAndBackward0', (a, b) => logical_and(a, b as Tensor));
/** In-place `logical_or`. @example x.logical_or_(y); */
export const logical_or_ = bool_binary_inplace('logical_or_', 'LogicalOrBackward0', (a, b) => logical_or(a, b as Tensor));
/**
 * In-place `logical_not`: self becomes `self == 0` in its own dtype.
 *
 * @example
 * x.logical_not_();
 */
export function logical_not_<T extends Tensor>(...args: UnaryInplaceArgs<T>): T {
  const self = unary_arg<T>('logical_not_', args);
  return bool_inplace(self, [], 'LogicalNotBackward0', (a) => logical_not(a));
}

// PyTorch's alias names of the comparisons: the same ops
export { gt as greater, ge as greater_equal, lt as less, le as less_equal, ne as not_equal };
export { gt_ as greater_, ge_ as greater_equal_, lt_ as less_, le_ as less_equal_, ne_ as not_equal_ };
