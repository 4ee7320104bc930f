// Broadcasting arithmetic and comparisons, each with its PyTorch node name and derivative rule.
import { trace_op, tracing } from '../jit/tracer.js';
import { can_cast_names, cast_scalar, combine_categories, default_dtype_name, is_floating, promote_names, promote_with_scalar, scalar_dtype, scalar_type_name, dtype_object, type DType, type DTypeLike, type TorchDType } from '../dtype.js';
import { broadcast_shapes } from '../shape.js';
import { kernels } from '../kernels/backend.js';
import type { BinaryOp, UnaryOp } from '../kernels/js/elementwise.js';
import { Tensor } from '../tensor.js';
import { empty, record, scalar_tensor } from './record.js';
import { overloads, py_type_name, signature, type PyArgs, type Signature } from '../signature.js';
import { write_op_out } from './out_arg.js';
import { nonzero } from './selection.js';
import { sum_dims } from './reduce.js';
import { plain_operands, plain_tensors, unary_arg, type OperandArgs, type TensorPairArgs, type UnaryArgs } from './call_args.js';

/** Ops whose results are already 0 or 1: only arithmetic into a bool result needs the values squashed. */
const BOOL_VALUED = new Set<UnaryOp | BinaryOp>([
  'gt', 'lt', 'ge', 'le', 'eq', 'ne', 'logical_and', 'logical_or', 'logical_not', 'isnan', 'step_pos',
  'gt_s', 'lt_s', 'ge_s', 'le_s', 'eq_s', 'ne_s', 'identity',
]);

/** A bool tensor stores 0 or 1: arithmetic results (True + True) become `value != 0`, as PyTorch's cast to bool. */
function squash_bool(out: Tensor, op: UnaryOp | BinaryOp): Tensor {
  if (out._dtype === 'bool' && !BOOL_VALUED.has(op)) {
    const d = out._storage.data;
    for (let i = 0; i < d.length; i++) d[i] = d[i] !== 0 ? 1 : 0;
  }
  return out;
}

/**
 * Elementwise map of one tensor through a kernel op into a new tensor of `dtype` (no recording). The building
 * block ops and packages use under their own derivative rule.
 *
 * @hidden
 */
export function map_unary(x: Tensor, op: UnaryOp, dtype: DType, a = 0, b = 0): Tensor {
  const out = empty(x._shape, dtype);
  kernels().unary(op, x._view, out._storage.data, a, b);
  return squash_bool(out, op);
}

/**
 * Broadcast elementwise map of two tensors through a kernel op into a new tensor of `dtype` (no recording).
 *
 * @hidden
 */
export function map_binary(x: Tensor, y: Tensor, op: BinaryOp, dtype: DType): Tensor {
  const shape = broadcast_shapes(x._shape, y._shape);
  const out = empty(shape, dtype);
  kernels().binary(op, x._view, y._view, shape, out._storage.data);
  return squash_bool(out, op);
}

/** A JS number or boolean operand, PyTorch's Python scalar. */
export type Scalar = number | boolean;

/**
 * PyTorch's `torch.result_type(tensor, other)`: the dtype an op on these operands computes in. Tensors with
 * dims decide first, then 0-dim tensors, then numbers; a later group only lifts the category
 * (bool < integral < floating), e.g. an int64 tensor with a float64 0-dim tensor gives float64 but a float32
 * tensor with it stays float32.
 *
 * @example
 * torch.result_type(torch.tensor([1], { dtype: 'int64' }), 0.5); // torch.float32
 */
export function result_type(...args: PyArgs<[tensor: Tensor | Scalar, other: Tensor | Scalar], ResultTypeOptions>): TorchDType {
  const a = RESULT_TYPE.parse(args).values;
  const operands = [a.tensor, a.other, a.scalar, a.scalar1, a.scalar2].filter((v): v is Tensor | Scalar => v !== undefined);
  return dtype_object(result_names(...operands));
}
const PROMOTE_TYPES = signature<{ type1: DType; type2: DType }>('promote_types(ScalarType type1, ScalarType type2)');
const CAN_CAST = signature<{ from: DType; to: DType }>('can_cast(ScalarType from, ScalarType to)');

/**
 * PyTorch's `torch.promote_types(type1, type2)`: the smallest dtype both cast to safely.
 *
 * @example
 * torch.promote_types(torch.bool, torch.int64); // torch.int64
 */
export function promote_types(...args: PyArgs<[type1: DTypeLike, type2: DTypeLike], { type1?: DTypeLike; type2?: DTypeLike }>): TorchDType {
  const { type1, type2 } = PROMOTE_TYPES.parse(args);
  return dtype_object(promote_names(type1, type2));
}

/**
 * PyTorch's `torch.can_cast(from, to)`: whether casting rules allow it (a cast never lowers the category:
 * floating to integral or bool, or integral to bool, is refused).
 *
 * @example
 * torch.can_cast('float32', 'int64'); // false
 */
export function can_cast(...args: PyArgs<[from: DTypeLike, to: DTypeLike], { from?: DTypeLike; to?: DTypeLike }>): boolean {
  const { from, to } = CAN_CAST.parse(args);
  return can_cast_names(from, to);
}

/** The keywords of `result_type`, by its overloads: `(tensor, other)`, `(scalar, tensor)`, `(scalar1, scalar2)`. */
export interface ResultTypeOptions {
  /** A tensor operand. */
  tensor?: Tensor;
  /** The second operand, a tensor or a number. */
  other?: Tensor | Scalar;
  /** A number operand, before a tensor. */
  scalar?: Scalar;
  /** The first of two numbers. */
  scalar1?: Scalar;
  /** The second of two numbers. */
  scalar2?: Scalar;
}
const RESULT_TYPE = overloads<ResultTypeOptions>(
  'result_type(Tensor tensor, Tensor|Scalar other)',
  'result_type(Scalar scalar, Tensor tensor)',
  'result_type(Scalar scalar1, Scalar scalar2)',
);

/**
 * The name of `result_type(...operands)`'s dtype, as ops use it.
 *
 * @example
 * torch.result_names(torch.tensor([1], { dtype: 'int64' }), 0.5); // 'float32'
 */
export function result_names(...operands: (Tensor | Scalar)[]): DType {
  let dim: DType | null = null;
  let zero: DType | null = null;
  let wrapped: DType | null = null;
  for (const o of operands) {
    if (o instanceof Tensor) {
      if (o.ndim > 0) dim = dim === null ? o._dtype : promote_names(dim, o._dtype);
      else zero = zero === null ? o._dtype : promote_names(zero, o._dtype);
    } else {
      const d = scalar_dtype(o);
      wrapped = wrapped === null ? d : promote_names(wrapped, d);
    }
  }
  const r = combine_categories(dim, combine_categories(zero, wrapped));
  if (r === null) throw new TypeError('result_names() missing required arguments: expected a Tensor or a Number');
  return r;
}

/**
 * The float dtype a math op on `t` produces: float dtypes stay, integral and bool promote to the default float.
 *
 * @example
 * torch.float_dtype('int64'); // 'float32'
 */
export function float_dtype(t: DType): DType {
  return is_floating(t) ? t : default_dtype_name();
}

/** PyTorch refuses a fractional `alpha` when the op computes in an integral or bool dtype. */
function check_alpha(dtype: DType, alpha: number): void {
  if (!is_floating(dtype) && !Number.isInteger(alpha)) throw new Error('For integral input tensors, argument alpha must not be a floating point number.');
}

interface AlphaParsed { input: Tensor; other: Tensor | Scalar; alpha: Scalar; out: Tensor | null }
/** The arguments of `torch.add` / `torch.sub`: `(input, other, *, alpha=1, out=None)`. */
export type AlphaArgs = PyArgs<[input: Tensor, other: Tensor | Scalar], {
  /** The first operand. */
  input?: Tensor;
  /** The second operand: a tensor (broadcast) or a number. */
  other?: Tensor | Scalar;
  /** The multiplier of `other` (default 1; a fraction raises for integral results). */
  alpha?: Scalar;
  /** Write the result into this tensor (not differentiable). */
  out?: Tensor | null;
}>;
/** The same as a Tensor method (`a.add(b, { alpha: 2 })`) and its in-place form. */
export type AlphaMethodArgs = PyArgs<[other: Tensor | Scalar], {
  /** The second operand: a tensor (broadcast) or a number. */
  other?: Tensor | Scalar;
  /** The multiplier of `other` (default 1). */
  alpha?: Scalar;
}>;
const ADD = signature<AlphaParsed>('add(Tensor input, Tensor|Scalar other, *, Scalar alpha=1, Tensor? out=None)');
const SUB = signature<AlphaParsed>('sub(Tensor input, Tensor|Scalar other, *, Scalar alpha=1, Tensor? out=None)');
const RSUB = signature<AlphaParsed>('rsub(Tensor input, Tensor|Scalar other, *, Scalar alpha=1)');

/** Runs an `alpha` op (add, sub) on a parsed call, into `out` when given. */
function with_alpha(sig: Signature<AlphaParsed>, args: readonly unknown[], op: (x: Tensor, other: Tensor | Scalar, alpha: number) => Tensor): Tensor {
  const a = sig.parse(args);
  if (a.out !== null && a.out !== undefined) return write_op_out(sig.name, a.out, op, a.input, a.other, Number(a.alpha));
  return op(a.input, a.other, Number(a.alpha));
}

/**
 * `input + alpha * other` with broadcasting (AddBackward0).
 *
 * @example
 * torch.add(a, b); a.add(1); a.add(b, { alpha: 2 });
 */
export function add(...args: AlphaArgs): Tensor {
  if (plain_operands(args)) return add_impl(args[0] as Tensor, args[1] as Tensor | number, 1);
  return with_alpha(ADD, args, add_impl);
}

function add_impl(x: Tensor, other: Tensor | Scalar, alpha: number): Tensor {
  if (tracing) return trace_op('aten::add', add, alpha === 1 ? [x, other] : [x, other, { alpha }]);
  if (!(other instanceof Tensor)) {
    const dtype = promote_with_scalar(x._dtype, other);
    check_alpha(dtype, alpha);
    const out = map_unary(x, 'add_s', dtype, Number(other) * alpha);
    record('AddBackward0', [x, null], [out], (_c, [g]) => [g!, null]);
    return out;
  }
  const dtype = result_names(x, other);
  check_alpha(dtype, alpha);
  const out = alpha === 1 ? map_binary(x, other, 'add', dtype) : map_binary(x, map_unary(other, 'mul_s', other._dtype, alpha), 'add', dtype);
  record('AddBackward0', [x, other], [out], (ctx, [g]) => [ctx.needs_input_grad(0) ? g! : null, ctx.needs_input_grad(1) ? (alpha === 1 ? g! : mul(g!, alpha)) : null]);
  return out;
}

/**
 * `input - alpha * other` with broadcasting (SubBackward0). Two bool tensors raise, as in PyTorch.
 *
 * Arguments: `(input, other, *, alpha=1, out=None)`, `alpha` the multiplier of `other` (a fraction raises for
 * integral results); returns a new tensor of the promoted dtype.
 *
 * @example
 * torch.sub(torch.tensor([5, 7]), torch.tensor([1, 2]), { alpha: 2 }); // [3, 3]
 */
export function sub(...args: AlphaArgs): Tensor {
  if (plain_operands(args)) return sub_impl(args[0] as Tensor, args[1] as Tensor | number, 1);
  return with_alpha(SUB, args, sub_impl);
}

function sub_impl(x: Tensor, other: Tensor | Scalar, alpha: number): Tensor {
  if (tracing) return trace_op('aten::sub', sub, alpha === 1 ? [x, other] : [x, other, { alpha }]);
  if (!(other instanceof Tensor)) {
    const dtype = promote_with_scalar(x._dtype, other);
    check_sub(x._dtype, scalar_dtype(other));
    check_alpha(dtype, alpha);
    const out = map_unary(x, 'sub_s', dtype, Number(other) * alpha);
    record('SubBackward0', [x, null], [out], (_c, [g]) => [g!, null]);
    return out;
  }
  check_sub(x._dtype, other._dtype);
  const dtype = result_names(x, other);
  check_alpha(dtype, alpha);
  const out = alpha === 1 ? map_binary(x, other, 'sub', dtype) : map_binary(x, map_unary(other, 'mul_s', other._dtype, alpha), 'sub', dtype);
  record('SubBackward0', [x, other], [out], (ctx, [g]) => [ctx.needs_input_grad(0) ? g! : null, ctx.needs_input_grad(1) ? mul(g!, -alpha) : null]);
  return out;
}

/** PyTorch's sub_check: no bool operand (a number counts as the bool, int64 or float tensor it wraps into). */
function check_sub(a: DType, b: DType): void {
  if (a === 'bool' && b === 'bool') throw new Error('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
  if (a === 'bool' || b === 'bool') {
    throw new Error('Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
  }
}

/**
 * `other - alpha * input`: Python's `s - x` for a number `s` (RsubBackward1), or with a tensor `other`
 * (RsubBackward0).
 *
 * @example
 * torch.rsub(torch.tensor([1, 2]), 10); // [9, 8]
 */
export function rsub(...args: PyArgs<[input: Tensor, other: Tensor | Scalar], { input?: Tensor; other?: Tensor | Scalar; alpha?: Scalar }>): Tensor {
  if (plain_operands(args)) return rsub_impl(args[0] as Tensor, args[1] as Tensor | number, 1);
  return with_alpha(RSUB, args, rsub_impl);
}

function rsub_impl(x: Tensor, other: Tensor | Scalar, alpha: number): Tensor {
  if (tracing) return trace_op('aten::rsub', rsub, alpha === 1 ? [x, other] : [x, other, { alpha }]);
  if (other instanceof Tensor) {
    // other - alpha·input, PyTorch's own node (RsubBackward0: edges input, other)
    check_sub(other._dtype, x._dtype);
    const dtype = result_names(x, other);
    check_alpha(dtype, alpha);
    const out = map_binary(other, alpha === 1 ? x : map_unary(x, 'mul_s', x._dtype, alpha), 'sub', dtype);
    record('RsubBackward0', [x, other], [out], (ctx, [g]) => [ctx.needs_input_grad(0) ? mul(g!, -alpha) : null, ctx.needs_input_grad(1) ? g! : null]);
    return out;
  }
  const dtype = promote_with_scalar(x._dtype, other);
  check_sub(scalar_dtype(other), x._dtype);
  check_alpha(dtype, alpha);
  const scaled = alpha === 1 ? x : map_unary(x, 'mul_s', dtype, alpha);
  const out = map_unary(scaled, 'rsub_s', dtype, Number(other));
  record('RsubBackward1', [x], [out], (_c, [g]) => [alpha === 1 ? neg(g!) : mul(g!, -alpha)]);
  return out;
}

/**
 * Elementwise product with broadcasting (MulBackward0): Python's `x * other`.
 *
 * Arguments: `(input, other, *, out=None)`, `other` a tensor (broadcast against `input`) or a number.
 *
 * @example
 * torch.mul(torch.tensor([1, 2]), torch.tensor([[3], [4]])); // [[3, 6], [4, 8]]
 */
export function mul(...args: PyArgs<[input: Tensor, other: Tensor | Scalar], { input?: Tensor; other?: Tensor | Scalar; out?: Tensor | null }>): Tensor {
  if (plain_operands(args)) return mul_impl(args[0] as Tensor, args[1] as Tensor | number);
  const a = MUL.parse(args);
  if (a.out !== null) return write_op_out('mul', a.out, mul_impl, a.input, a.other);
  return mul_impl(a.input, a.other);
}
const MUL = signature<{ input: Tensor; other: Tensor | Scalar; out: Tensor | null }>('mul(Tensor input, Tensor|Scalar other, *, Tensor? out=None)');

function mul_impl(x: Tensor, other: Tensor | Scalar): Tensor {
  if (tracing) return trace_op('aten::mul', mul, [x, other]);
  if (!(other instanceof Tensor)) {
    const s = Number(other);
    const out = map_unary(x, 'mul_s', promote_with_scalar(x._dtype, other), s);
    // PyTorch saves the wrapped scalar operand, so a second backward without retain_graph raises E2
    record('MulBackward0', [x, null], [out], (ctx, [g]) => {
      ctx.saved_tensors;
      return [mul(g!, s), null];
    }, [scalar_tensor(s, x._dtype)]);
    return out;
  }
  const out = map_binary(x, other, 'mul', result_names(x, other));
  // as PyTorch, each operand is saved only if the other one's gradient reads it (E2/E9 follow from that)
  record('MulBackward0', [x, other], [out], (ctx, [g]) => {
    const s = ctx.saved_tensors;
    const b = ctx.needs_input_grad(0) ? s.shift()! : null;
    const a = ctx.needs_input_grad(1) ? s.shift()! : null;
    return [b === null ? null : mul(g!, b), a === null ? null : mul(g!, a)];
  }, [...(x.requires_grad ? [other] : []), ...(other.requires_grad ? [x] : [])], [...(x.requires_grad ? ['other'] : []), ...(other.requires_grad ? ['self'] : [])]);
  return out;
}

/** `div`'s rounding: null for true division, 'trunc' towards zero (C's `/`), 'floor' towards -∞ (Python's `//`). */
export type RoundingMode = 'trunc' | 'floor' | null;

/**
 * True division with broadcasting (DivBackward0); integer inputs give floats. With `rounding_mode` 'trunc' or
 * 'floor' the quotient is rounded and keeps the promoted dtype (DivBackward2, whose gradient is zero), and an
 * integral division by zero raises as in PyTorch.
 *
 * @example
 * torch.div(a, b); a.div(2, { rounding_mode: 'floor' });
 */
export function div(...args: DivArgs): Tensor {
  if (plain_operands(args)) return div_impl(args[0] as Tensor, args[1] as Tensor | number, null);
  const a = DIV.parse(args);
  if (a.out !== null) return write_op_out('div', a.out, div_impl, a.input, a.other, a.rounding_mode);
  return div_impl(a.input, a.other, a.rounding_mode);
}
/** The arguments of `torch.div`: `(input, other, *, rounding_mode=None, out=None)`. */
export type DivArgs = PyArgs<[input: Tensor, other: Tensor | Scalar], DivOptions & {
  /** The dividend. */
  input?: Tensor;
  /** Write the result into this tensor (not differentiable). */
  out?: Tensor | null;
}>;
/** The keywords of `div` after `input`. */
export interface DivOptions {
  /** The divisor: a tensor (broadcast) or a number. */
  other?: Tensor | Scalar;
  /** null for true division, 'trunc' or 'floor' to round the quotient. */
  rounding_mode?: RoundingMode;
}
/** The same as a Tensor method and its in-place form. */
export type DivMethodArgs = PyArgs<[other: Tensor | Scalar], DivOptions>;
const DIV = signature<{ input: Tensor; other: Tensor | Scalar; rounding_mode: RoundingMode; out: Tensor | null }>('div(Tensor input, Tensor|Scalar other, *, str? rounding_mode=None, Tensor? out=None)');

function div_impl(x: Tensor, other: Tensor | Scalar, mode: RoundingMode): Tensor {
  if (tracing) return trace_op('aten::div', div, mode === null ? [x, other] : [x, other, { rounding_mode: mode }]);
  if (mode !== null && mode !== 'trunc' && mode !== 'floor') {
    throw new Error(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
  }
  const dtype = other instanceof Tensor ? result_names(x, other) : promote_with_scalar(x._dtype, other);
  if (mode !== null) return div_rounded(x, other, dtype, mode);
  if (!(other instanceof Tensor)) {
    const s = Number(other);
    const out = map_unary(x, 'div_s', float_dtype(dtype), s);
    record('DivBackward0', [x, null], [out], (ctx, [g]) => {
      ctx.saved_tensors;
      return [div(g!, s), null];
    }, [scalar_tensor(s, x._dtype)]);
    return out;
  }
  const out = map_binary(x, other, 'div', float_dtype(dtype));
  // `other` is read by both gradients, `x` only by other's (saved only when needed, as PyTorch)
  record('DivBackward0', [x, other], [out], (ctx, [g]) => {
    const [b, a] = ctx.saved_tensors;
    return [
      ctx.needs_input_grad(0) ? div(g!, b!) : null,
      ctx.needs_input_grad(1) ? neg(div(mul(g!, a!), mul(b!, b!))) : null,
    ];
  }, other.requires_grad ? [other, x] : [other], other.requires_grad ? ['other', 'self'] : ['other']);
  return out;
}

/** `div` with a rounding mode: the quotient computed in float64 precision, then rounded (DivBackward2). */
function div_rounded(x: Tensor, other: Tensor | Scalar, dtype: DType, mode: 'trunc' | 'floor'): Tensor {
  if (!is_floating(dtype)) {
    const divisor = other instanceof Tensor ? other._contiguous_data() : [Number(other)];
    for (let i = 0; i < divisor.length; i++) if (divisor[i] === 0) throw new Error('ZeroDivisionError');
  }
  const q = other instanceof Tensor ? map_binary(x, other, 'div', dtype) : map_unary(x, 'div_s', dtype, Number(other));
  const out = map_unary(q, mode, dtype);
  record('DivBackward2', [x, other instanceof Tensor ? other : null], [out], (ctx, [g]) => [
    ctx.needs_input_grad(0) ? mul(g!, 0) : null,
    ctx.needs_input_grad(1) ? mul(g!, 0) : null,
  ]);
  return out;
}

/**
 * `input ** exponent` elementwise: PowBackward0 for a number exponent, PowBackward1 for a tensor exponent and
 * PowBackward2 for a number base (`torch.pow(2, t)`). Integers to negative integer powers raise.
 *
 * The base `input` is a tensor, or a number with a tensor `exponent`; the exponent a tensor (broadcast) or a number.
 * @example
 * torch.pow(torch.tensor([1, 2, 3]), 2); // [1, 4, 9]
 * x.pow({ exponent: 2 }); // keywords, as PyTorch's pow(input, exponent)
 */
export function pow(...args: PyArgs<[input: Tensor | number, exponent: Tensor | Scalar], { input?: Tensor | number; exponent?: Tensor | Scalar }>): Tensor {
  // the common positional call skips the parser
  if (args.length === 2) {
    const [a, b] = args;
    if ((a instanceof Tensor && (b instanceof Tensor || typeof b === 'number')) || (typeof a === 'number' && b instanceof Tensor)) return pow2(a, b);
  }
  const { input, exponent } = POW.parse(args);
  if (!(input instanceof Tensor) && !(exponent instanceof Tensor)) throw new TypeError(`pow() received an invalid combination of arguments - got (${py_type_name(input)}, ${py_type_name(exponent)})`);
  return pow2(input as Tensor | number, exponent);
}

const POW = signature<{ input: Tensor | Scalar; exponent: Tensor | Scalar }>('pow(Tensor|Scalar input, Tensor|Scalar exponent)');

function pow2(x: Tensor | number, exponent: Tensor | Scalar): Tensor {
  if (tracing) return trace_op('aten::pow', pow2, [x, exponent]);
  if (!(x instanceof Tensor)) {
    // number ** tensor: PowBackward1's scalar-base form
    const e = exponent as Tensor;
    const out = map_unary(e, 'rpow_s', float_dtype(e._dtype), x);
    const base = x;
    // d/de base^e = base^e ln base, defined as 0 where base == 0 and e >= 0 (PyTorch)
    record('PowBackward2', [e], [out], (ctx, [g]) => {
      const [r, ex] = ctx.saved_tensors;
      const grad = mul(mul(g!, r!), Math.log(base));
      return [base === 0 ? where(ge(ex!, 0), 0, grad) : grad];
    }, base === 0 ? [out, e] : [out]);
    return out;
  }
  if (!(exponent instanceof Tensor)) {
    const e = Number(exponent);
    const dtype = promote_with_scalar(x._dtype, exponent);
    if (!is_floating(dtype) && e < 0) throw new Error('Integers to negative integer powers are not allowed.');
    const out = map_unary(x, 'pow_s', dtype, e);
    record('PowBackward0', [x], [out], (ctx, [g]) => {
      const [a] = ctx.saved_tensors;
      if (e === 0) return [mul(g!, 0)];
      return [mul(mul(g!, pow(a!, e - 1)), e)];
    }, [x], ['self']);
    return out;
  }
  const dtype = result_names(x, exponent);
  // an integral power with a negative exponent is 0 unless the base is ±1 (integer arithmetic truncates)
  const out = is_floating(dtype) ? map_binary(x, exponent, 'pow', dtype) : map_unary(map_binary(x, exponent, 'pow', 'float64'), 'trunc', dtype);
  record('PowBackward1', [x, exponent], [out], (ctx, [g]) => {
    const [a, b, r] = ctx.saved_tensors;
    // d/da a^b = b a^(b-1), defined as 0 where b == 0 (PyTorch; 0^-1 would make it nan at a == 0)
    const ga = ctx.needs_input_grad(0) ? where(eq(b!, 0), 0, mul(mul(g!, b!), pow(a!, sub(b!, 1)))) : null;
    // d/db a^b = a^b ln a, defined as 0 where a == 0 and b >= 0 (PyTorch)
    const gb = ctx.needs_input_grad(1) ? where(logical_and_(eq(a!, 0), ge(b!, 0)), 0, mul(mul(g!, r!), log_raw(a!))) : null;
    return [ga, gb];
  }, [x, exponent, out]);
  return out;
}

function log_raw(x: Tensor): Tensor {
  const out = map_unary(x, 'log', float_dtype(x._dtype));
  record('LogBackward0', [x], [out], (ctx, [g]) => [div(g!, ctx.saved_tensors[0]!)], [x]);
  return out;
}

/**
 * `-input` (NegBackward0); a bool tensor raises (use `logical_not`).
 *
 * @example
 * torch.neg(torch.tensor([1, -2])); // [-1, 2]
 */
export function neg(...args: UnaryArgs): Tensor {
  const x = unary_arg('neg', args);
  if (tracing) return trace_op('aten::neg', neg, [x]);
  if (x._dtype === 'bool') throw new Error('Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
  const out = map_unary(x, 'neg', x._dtype);
  record('NegBackward0', [x], [out], (_c, [g]) => [neg(g!)]);
  return out;
}

/**
 * Elementwise maximum of two broadcast tensors (MaximumBackward0); ties split the gradient in half, as PyTorch.
 *
 * @example
 * torch.maximum(torch.tensor([1, 5]), torch.tensor([3, 2])); // [3, 5]
 */
export function maximum(...args: TensorPairArgs): Tensor {
  const [x, y] = tensor_pair(MAXIMUM, args);
  if (tracing) return trace_op('aten::maximum', maximum, [x, y]);
  return extremum(x, y, true);
}
type PairParsed = { input: Tensor; other: Tensor };
const MAXIMUM = signature<PairParsed>('maximum(Tensor input, Tensor other)');
const MINIMUM = signature<PairParsed>('minimum(Tensor input, Tensor other)');
const LOGICAL_AND = signature<PairParsed>('logical_and(Tensor input, Tensor other)');
const LOGICAL_OR = signature<PairParsed>('logical_or(Tensor input, Tensor other)');
const EQUAL = signature<PairParsed>('equal(Tensor input, Tensor other)');

/** The two tensors of `op(input, other)`, positional or by keyword. */
function tensor_pair(sig: Signature<PairParsed>, args: readonly unknown[]): [Tensor, Tensor] {
  if (plain_tensors(args)) return args as [Tensor, Tensor];
  const a = sig.parse(args);
  return [a.input, a.other];
}
/**
 * Elementwise minimum of two broadcast tensors (MinimumBackward0); ties split the gradient in half.
 *
 * @example
 * torch.minimum(torch.tensor([1, 5]), torch.tensor([3, 2])); // [1, 2]
 */
export function minimum(...args: TensorPairArgs): Tensor {
  const [x, y] = tensor_pair(MINIMUM, args);
  if (tracing) return trace_op('aten::minimum', minimum, [x, y]);
  return extremum(x, y, false);
}
function extremum(x: Tensor, y: Tensor, is_max: boolean): Tensor {
  const out = map_binary(x, y, is_max ? 'maximum' : 'minimum', promote_names(x._dtype, y._dtype));
  record(is_max ? 'MaximumBackward0' : 'MinimumBackward0', [x, y], [out], (ctx, [g]) => {
    const [a, b] = ctx.saved_tensors;
    const wins_a = is_max ? gt(a!, b!) : lt(a!, b!);
    const tie = eq(a!, b!);
    const wa = add(to_dtype(wins_a, g!._dtype), mul(to_dtype(tie, g!._dtype), 0.5));
    return [ctx.needs_input_grad(0) ? mul(g!, wa) : null, ctx.needs_input_grad(1) ? mul(g!, rsub(wa, 1)) : null];
  }, [x, y]);
  return out;
}

type CompareOp = 'gt' | 'lt' | 'ge' | 'le' | 'eq' | 'ne';
type CompareParsed = { input: Tensor; other: Tensor | Scalar };
const COMPARE: Record<CompareOp, Signature<CompareParsed>> = {
  gt: signature('gt(Tensor input, Tensor|Scalar other)'),
  lt: signature('lt(Tensor input, Tensor|Scalar other)'),
  ge: signature('ge(Tensor input, Tensor|Scalar other)'),
  le: signature('le(Tensor input, Tensor|Scalar other)'),
  eq: signature('eq(Tensor input, Tensor|Scalar other)'),
  ne: signature('ne(Tensor input, Tensor|Scalar other)'),
};

/** A comparison call `op(input, other)`, positional or by keyword. */
function compare_call(args: readonly unknown[], op: CompareOp): Tensor {
  if (plain_operands(args)) return compare(args[0] as Tensor, args[1] as Tensor | number, op);
  const a = COMPARE[op].parse(args);
  return compare(a.input, a.other, op);
}

function compare(x: Tensor, other: Tensor | Scalar, op: CompareOp): Tensor {
  if (tracing) return trace_op(`aten::${op}`, compare, [x, other, op]);
  if (other instanceof Tensor) return map_binary(x, other, op, 'bool');
  return map_unary(x, `${op}_s` as UnaryOp, 'bool', Number(other));
}
// Comparisons and logical ops return bool tensors and are never recorded (no gradient flows through them).
/**
 * `input > other` elementwise, with broadcasting; a bool tensor. The siblings `lt`, `ge`, `le`, `eq`, `ne`
 * take the same arguments.
 *
 * Arguments: `(input, other)`, `other` a tensor (broadcast against `input`) or a number.
 *
 * @example
 * torch.gt(torch.tensor([1, 2, 3]), 2); // [false, false, true]
 */
export const gt = (...args: OperandArgs): Tensor => compare_call(args, 'gt');
/**
 * `input < other` elementwise, with broadcasting; a bool tensor.
 *
 * @example
 * torch.lt(torch.tensor([1, 2, 3]), 2); // [true, false, false]
 */
export const lt = (...args: OperandArgs): Tensor => compare_call(args, 'lt');
/**
 * `input >= other` elementwise, with broadcasting; a bool tensor.
 *
 * @example
 * torch.ge(torch.tensor([1, 2, 3]), 2); // [false, true, true]
 */
export const ge = (...args: OperandArgs): Tensor => compare_call(args, 'ge');
/**
 * `input <= other` elementwise, with broadcasting; a bool tensor.
 *
 * @example
 * torch.le(torch.tensor([1, 2, 3]), 2); // [true, true, false]
 */
export const le = (...args: OperandArgs): Tensor => compare_call(args, 'le');
/**
 * `input == other` elementwise, with broadcasting; a bool tensor (NaN never equals). `equal` compares whole tensors.
 *
 * @example
 * torch.eq(torch.tensor([1, 2, 3]), torch.tensor([1, 0, 3])); // [true, false, true]
 */
export const eq = (...args: OperandArgs): Tensor => compare_call(args, 'eq');
/**
 * `input != other` elementwise, with broadcasting; a bool tensor.
 *
 * @example
 * torch.ne(torch.tensor([1, 2, 3]), 2); // [true, false, true]
 */
export const ne = (...args: OperandArgs): Tensor => compare_call(args, 'ne');
/**
 * Elementwise logical NOT: true where `input` is zero (or false); a bool tensor.
 *
 * @example
 * torch.logical_not(torch.tensor([0, 1, 2])); // [true, false, false]
 */
export function logical_not(...args: UnaryArgs): Tensor {
  const x = unary_arg('logical_not', args);
  return tracing ? trace_op('aten::logical_not', logical_not, [x]) : map_unary(x, 'logical_not', 'bool');
}
/**
 * Elementwise logical AND of two broadcast tensors (non-zero is true); a bool tensor. PyTorch's
 * `torch.logical_and`: despite the trailing underscore this is not in place.
 *
 * @example
 * torch.logical_and_(torch.tensor([true, true]), torch.tensor([true, false])); // [true, false]
 */
export const logical_and_ = (x: Tensor, y: Tensor): Tensor => map_binary(x, y, 'logical_and', 'bool');
/**
 * Elementwise logical AND of two broadcast tensors (non-zero is true); a bool tensor.
 *
 * @example
 * torch.logical_and(torch.tensor([true, true]), torch.tensor([true, false])); // [true, false]
 */
export function logical_and(...args: TensorPairArgs): Tensor {
  const [x, y] = tensor_pair(LOGICAL_AND, args);
  return map_binary(x, y, 'logical_and', 'bool');
}
/**
 * Elementwise logical OR of two broadcast tensors (non-zero is true); a bool tensor.
 *
 * @example
 * torch.logical_or(torch.tensor([0, 0]), torch.tensor([0, 3])); // [false, true]
 */
export function logical_or(...args: TensorPairArgs): Tensor {
  const [x, y] = tensor_pair(LOGICAL_OR, args);
  return map_binary(x, y, 'logical_or', 'bool');
}
/**
 * True where an element is NaN; a bool tensor.
 *
 * @example
 * torch.isnan(torch.tensor([1, NaN])); // [false, true]
 */
export const isnan = (...args: UnaryArgs): Tensor => map_unary(unary_arg('isnan', args), 'isnan', 'bool');
/** The closeness tolerances of `isclose` / `allclose`. */
export interface CloseOptions {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether NaN is close to NaN (default false). */
  equal_nan?: boolean;
}
const ISCLOSE = signature<{ input: Tensor; other: Tensor; rtol: number; atol: number; equal_nan: boolean }>('isclose(Tensor input, Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False)');

const ALLCLOSE = ISCLOSE.renamed('allclose');

/** Per broadcast element, whether `a` and `b` are close (PyTorch's isclose rule), after its argument checks. */
function close_flags(sig: typeof ISCLOSE, args: readonly unknown[]): { shape: number[]; flags: Uint8Array } {
  const { input: a, other: b, rtol, atol, equal_nan } = sig.parse(args);
  if (a._dtype !== b._dtype) throw new Error(`${scalar_type_name(a._dtype)} did not match ${scalar_type_name(b._dtype)}`);
  if (rtol < 0) throw new Error(`rtol must be greater than or equal to zero, but got ${rtol}`);
  if (atol < 0) throw new Error(`atol must be greater than or equal to zero, but got ${atol}`);
  const shape = broadcast_shapes(a._shape, b._shape);
  const ad = a.expand(shape)._contiguous_data();
  const bd = b.expand(shape)._contiguous_data();
  const flags = new Uint8Array(ad.length);
  for (let i = 0; i < ad.length; i++) {
    const u = Number(ad[i]!);
    const v = Number(bd[i]!);
    // equal values (infinities included) are close; otherwise only finite ones within the tolerance
    flags[i] = u === v || (equal_nan && Number.isNaN(u) && Number.isNaN(v)) || (Number.isFinite(u) && Number.isFinite(v) && Math.abs(u - v) <= atol + rtol * Math.abs(v)) ? 1 : 0;
  }
  return { shape, flags };
}

/**
 * Elementwise `|input - other| <= atol + rtol·|other|` after broadcasting, equal infinities close, NaN close to
 * NaN only with `equal_nan` (PyTorch's `torch.isclose`); a bool tensor. Both must have the same dtype.
 *
 * @example
 * torch.isclose(torch.tensor([1, 2]), torch.tensor([1, 2.1])); // [true, false]
 */
export function isclose(...args: PyArgs<[input: Tensor, other: Tensor, rtol: number, atol: number, equal_nan: boolean], CloseOptions & { input?: Tensor; other?: Tensor }>): Tensor {
  const { shape, flags } = close_flags(ISCLOSE, args);
  return Tensor.from_array(flags, shape, 'bool');
}

/**
 * True when every element is close in `isclose`'s sense (PyTorch's `torch.allclose`).
 *
 * @example
 * torch.allclose(torch.tensor([1, 2]), torch.tensor([1, 2.000001])); // true
 */
export function allclose(...args: PyArgs<[input: Tensor, other: Tensor, rtol: number, atol: number, equal_nan: boolean], CloseOptions & { input?: Tensor; other?: Tensor }>): boolean {
  return close_flags(ALLCLOSE, args).flags.every((f) => f === 1);
}

/**
 * True when `a` and `b` have the same shape and the same values (NaN never equals), as `torch.equal`.
 *
 * @example
 * torch.equal(a, a.clone()); // true
 */
export function equal(...args: TensorPairArgs): boolean {
  const [a, b] = tensor_pair(EQUAL, args);
  if (a._shape.length !== b._shape.length || a._shape.some((s, i) => s !== b._shape[i])) return false;
  const ad = a._contiguous_data();
  const bd = b._contiguous_data();
  for (let i = 0; i < ad.length; i++) if (ad[i] !== bd[i]) return false;
  return true;
}

/**
 * Converts to `dtype`; differentiable between float dtypes (ToCopyBackward0). The same dtype returns `x`
 * itself. PyTorch spells it `x.to(dtype)`.
 *
 * @example
 * torch.to_dtype(torch.tensor([1.7, -1.7]), 'int64'); // [1, -1]
 */
export function to_dtype(x: Tensor, dtype: DType): Tensor {
  if (tracing) return trace_op('aten::to', to_dtype, [x, dtype]);
  if (x._dtype === dtype) return x;
  // NaN, infinities and values beyond int64 become int64's minimum, as PyTorch's (undefined) C++ cast does on x86
  const op: UnaryOp = dtype === 'int64' ? 'to_int64' : dtype === 'bool' ? 'ne_s' : 'identity';
  const out = map_unary(x, op, dtype, 0);
  if (is_floating(dtype) && is_floating(x._dtype)) {
    const src = x._dtype;
    record('ToCopyBackward0', [x], [out], (_c, [g]) => [to_dtype(g!, src)]);
  }
  return out;
}

/**
 * `condition ? x : y` elementwise with broadcasting (WhereBackward0).
 *
 * @example
 * torch.where(x.gt(0), x, y);
 */
export function where(...args: WhereArgs): Tensor;
export function where(...args: PyArgs<[condition: Tensor], { condition?: Tensor }>): Tensor[];
export function where(...args: unknown[]): Tensor | Tensor[] {
  if (args.length === 3 && args[0] instanceof Tensor && is_operand(args[1]) && is_operand(args[2])) return where_impl(args[0], args[1], args[2]);
  const { index, values: a } = WHERE.parse(args);
  // where(condition) is nonzero(condition, as_tuple=True)
  if (index === 4) return nonzero(a.condition, { as_tuple: true }) as Tensor[];
  const x = index === 1 || index === 3 ? a.self! : a.input!;
  if (a.out !== undefined && a.out !== null) return write_op_out('where', a.out, where_impl, a.condition, x, a.other!);
  return where_impl(a.condition, x, a.other!);
}
/** The arguments of `torch.where(condition, input, other)`, `input` and `other` tensors or numbers. */
export type WhereArgs = PyArgs<[condition: Tensor, input: Tensor | Scalar, other: Tensor | Scalar], {
  /** A bool tensor: where it holds, the result takes `input`. */
  condition?: Tensor;
  /** The values where `condition` holds (a tensor, broadcast). */
  input?: Tensor | Scalar;
  /** The values where `condition` holds, as a number (PyTorch's name for a number in that place). */
  self?: Scalar;
  /** The values elsewhere: a tensor (broadcast) or a number. */
  other?: Tensor | Scalar;
  /** Write the result into this tensor (not differentiable). */
  out?: Tensor | null;
}>;
type WhereParsed = { condition: Tensor; input?: Tensor; self?: Scalar; other?: Tensor | Scalar; out?: Tensor | null };
const WHERE = overloads<WhereParsed>(
  'where(Tensor condition, Tensor input, Tensor other, *, Tensor? out=None)',
  'where(Tensor condition, Scalar self, Tensor other)',
  'where(Tensor condition, Tensor input, Scalar other)',
  'where(Tensor condition, Scalar self, Scalar other)',
  'where(Tensor condition)',
);
const is_operand = (v: unknown): v is Tensor | number => v instanceof Tensor || typeof v === 'number';

function where_impl(condition: Tensor, x: Tensor | Scalar, y: Tensor | Scalar): Tensor {
  if (tracing) return trace_op('aten::where', where_impl, [condition, x, y]);
  if (condition._dtype !== 'bool') throw new Error(`where expected condition to be a boolean tensor, but got a tensor with dtype ${scalar_type_name(condition._dtype)}`);
  const dtype = x instanceof Tensor || y instanceof Tensor ? result_names(x, y) : default_dtype_name();
  const as_tensor = (v: Tensor | Scalar): Tensor => (v instanceof Tensor ? (v._dtype === dtype ? v : to_dtype(v.detach(), dtype)) : scalar_tensor(Number(v), dtype));
  const xt = as_tensor(x);
  const yt = as_tensor(y);
  const shape = broadcast_shapes(condition._shape, broadcast_shapes(xt._shape, yt._shape));
  const out = empty(shape, dtype);
  kernels().where(condition._view, xt._view, yt._view, shape, out._storage.data);
  record('WhereBackward0', [x instanceof Tensor ? x : null, y instanceof Tensor ? y : null], [out], (ctx, [g]) => {
    const [c] = ctx.saved_tensors;
    return [ctx.needs_input_grad(0) ? where(c!, g!, 0) : null, ctx.needs_input_grad(1) ? where(c!, 0, g!) : null];
  }, [condition]);
  return out;
}

const MASKED_FILL = signature<{ input: Tensor; mask: Tensor; value: Scalar | Tensor }>('masked_fill(Tensor input, Tensor mask, Tensor|Scalar value)');
/**
 * A copy of `input` with `value` where the bool `mask` (broadcast to `input`'s shape) is true
 * (MaskedFillBackward0).
 *
 * @example
 * torch.masked_fill(torch.tensor([1, 2, 3]), torch.tensor([true, false, true]), 0); // [0, 2, 0]
 */
export function masked_fill(...args: PyArgs<[input: Tensor, mask: Tensor, value: Scalar | Tensor], { input?: Tensor; mask?: Tensor; value?: Scalar | Tensor }>): Tensor {
  let [x, mask, value] = args as [Tensor, Tensor, Scalar | Tensor];
  if (!(args.length === 3 && x instanceof Tensor && mask instanceof Tensor && is_operand(value))) ({ input: x, mask, value } = MASKED_FILL.parse(args));
  if (tracing) return trace_op('aten::masked_fill', masked_fill, [x, mask, value]);
  const value_tensor = value instanceof Tensor ? value : null;
  if (value_tensor !== null && value_tensor.ndim !== 0) throw new Error(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value_tensor.ndim} dimension(s).`);
  if (mask._dtype !== 'bool') throw new Error(`masked_fill_ only supports boolean masks, but got mask with dtype ${scalar_type_name(mask._dtype)}`);
  const shape = broadcast_shapes(x._shape, mask._shape);
  if (shape.join() !== x._shape.join()) throw new Error(`The expanded size of the mask (${shape}) must match the input size (${x._shape})`);
  const out = empty(x._shape, x._dtype);
  const fill = value_tensor !== null ? value_tensor.item() : (value as Scalar);
  kernels().where(mask._view, scalar_tensor(cast_scalar(fill, x._dtype), x._dtype)._view, x._view, shape, out._storage.data);
  // a 0-dim tensor value is an input too (MaskedFillBackward1): it gets the gradient summed where the mask holds
  if (value_tensor === null) record('MaskedFillBackward0', [x], [out], (ctx, [g]) => [where(ctx.saved_tensors[0]!, 0, g!)], [mask]);
  else {
    record('MaskedFillBackward1', [x, value_tensor], [out], (ctx, [g]) => {
      const m = ctx.saved_tensors[0]!;
      return [ctx.needs_input_grad(0) ? where(m, 0, g!) : null, ctx.needs_input_grad(1) ? sum_dims(where(m, g!, 0), null, false) : null];
    }, [mask]);
  }
  return out;
}

