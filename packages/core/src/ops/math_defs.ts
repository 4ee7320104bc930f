// The three shapes every elementwise math op here is declared in: a unary op (value function, node, derivative),
// its in-place `_` form, and a broadcasting binary op with a tensor or number `other`.
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating, scalar_type_name, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { float_dtype, mul, result_names, to_dtype, type Scalar } from './arithmetic.js';
import { no_grad } from '../autograd/grad_mode.js';
import { record, scalar_tensor } from './record.js';
import { apply_inplace } from './inplace.js';
import { sum_to } from './reduce.js';
import { signature, type PyArgs, type Signature } from '../signature.js';
import { plain_operands, unary_arg, type UnaryArgs, type UnaryInplaceArgs } from './call_args.js';
import { map_values, map_values2 } from './value_maps.js';

/** A one-tensor op: `torch.name(input)`. */
export type UnaryOpFn = (...args: UnaryArgs) => Tensor;
/** An in-place one-tensor op returning its input. */
export type InplaceOpFn = <T extends Tensor>(...args: UnaryInplaceArgs<T>) => T;

/** How an op's result dtype follows its input's: its float dtype, the same, or bool. */
export type ResultKind = 'float' | 'same' | 'bool';

/** The result dtype of `kind` for an input (or promoted) dtype. */
export const result_dtype = (kind: ResultKind, dtype: DType): DType => (kind === 'float' ? float_dtype(dtype) : kind === 'same' ? dtype : 'bool');

/** One unary op: its value function and, when differentiable, its node and derivative. */
export interface UnaryDef {
  /** PyTorch's function name (the parser's and the trace's). */
  name: string;
  /** The value of one element (float64 in, rounded once to the result dtype). */
  f: (v: number) => number;
  /** `float`: integral and bool inputs give the default float dtype; `same`: the input's dtype; `bool`. */
  result: ResultKind;
  /** PyTorch's node, or null for an op whose result carries no gradient. */
  node: string | null;
  /** Which tensor the derivative reads: the input (`self`), the result, or none (a constant derivative). */
  saves?: 'self' | 'result' | 'none';
  /** `dy/dx` as differentiable ops of the saved tensor (the gradient is `g·dydx`). */
  dydx?: (saved: Tensor) => Tensor | number;
  /** The dtypes PyTorch's kernel refuses, with its message. */
  refuse?: (dtype: DType) => string | null;
}

/**
 * A unary op from its definition: the parser-free call `op(x)`, the trace node, the forward values and the
 * recorded node whose gradient is `g·dydx(saved)`.
 *
 * @hidden
 */
export function unary_op(def: UnaryDef): UnaryOpFn {
  const op = (...args: UnaryArgs): Tensor => {
    const x = unary_arg(def.name, args);
    if (tracing) return trace_op(`aten::${def.name}`, op, [x]);
    return unary_value(def, x);
  };
  return op;
}

/** The op of `def` on `x`, recorded (no parsing, no trace). */
export function unary_value(def: UnaryDef, x: Tensor): Tensor {
  const why = def.refuse?.(x._dtype);
  if (why) throw new Error(why);
  const out = map_values(x, def.f, result_dtype(def.result, x._dtype));
  if (def.node === null || !is_floating(out._dtype)) return out;
  const dydx = def.dydx!;
  const saves = def.saves ?? 'self';
  if (saves === 'none') record(def.node, [x], [out], (_c, [g]) => [mul(g!, dydx(g!))]);
  else record(def.node, [x], [out], (ctx, [g]) => [mul(g!, dydx(ctx.saved_tensors[0]!))], [saves === 'result' ? out : x], [saves]);
  return out;
}

/** PyTorch's message for a dtype a CPU kernel has no implementation for. */
export const not_implemented = (kernel: string, dtype: DType): string => `"${kernel}" not implemented for '${scalar_type_name(dtype)}'`;

/**
 * The in-place form `name` of `op`: the result (of dtype `result(self)`) is written into `self`, which must
 * be able to hold it (a float result cannot go into an integer tensor: PyTorch's casting error), the version
 * counter moves, and the node `op` records over a copy of the old value replaces self's history.
 *
 * @hidden
 */
export function inplace_op(name: string, op: (x: Tensor) => Tensor, result: ResultKind): InplaceOpFn {
  const run = <T extends Tensor>(...args: UnaryInplaceArgs<T>): T => {
    const self = unary_arg<T>(name, args);
    if (tracing) return trace_op(`aten::${name}`, run, [self]) as T;
    return apply_inplace(self, [], true, op, undefined, result_dtype(result, self._dtype));
  };
  return run;
}

/** A two-operand op's arguments, `op(Tensor input, Tensor|Scalar other)`. */
export type BinaryArgs = PyArgs<[input: Tensor, other: Tensor | Scalar], { input?: Tensor; other?: Tensor | Scalar }>;
/** The same as a Tensor method. */
export type BinaryMethodArgs = PyArgs<[other: Tensor | Scalar], { other?: Tensor | Scalar }>;
/** A broadcasting binary op: `torch.name(input, other)`. */
export type BinaryOpFn = (...args: BinaryArgs) => Tensor;

/** One broadcasting binary op. */
export interface BinaryDef {
  /** PyTorch's function name. */
  name: string;
  /** Whether `other` may be a number (PyTorch's `Scalar other` overload). */
  scalar_other: boolean;
  /** The second parameter's name in PyTorch's schema, when not `other` (heaviside's `values`). */
  other_name?: string;
  /** `float`: the promoted dtype's float; `same`: the promoted dtype (PyTorch's result_type); `bool`. */
  result: ResultKind;
  /** The value function for a result dtype (some ops step in that dtype's precision). */
  f: (dtype: DType) => (a: number, b: number) => number;
  /** PyTorch's node for a tensor `other` and for a number `other`; null: no gradient flows. */
  node: [tensor: string, scalar: string] | null;
  /** The gradients `[d/dinput, d/dother]` before summing back to each operand's shape (`out` when `uses_result`). */
  grads?: (g: Tensor, x: Tensor, y: Tensor, out: Tensor) => [Tensor | null, Tensor | null];
  /** Whether `grads` reads the result (saved as well as both operands). */
  uses_result?: boolean;
  /** The promoted dtypes PyTorch's kernel refuses, with its message. */
  refuse?: (dtype: DType, x: Tensor, y: Tensor) => string | null;
}

const BINARY_SIGS = new Map<string, Signature<Record<string, Tensor | Scalar>>>();

/** The two operands of `def`'s call, positional or by keyword, as PyTorch's schema allows them. */
export function binary_operands(def: BinaryDef, args: readonly unknown[]): [Tensor, Tensor | Scalar] {
  if (plain_operands(args) && (def.scalar_other || args[1] instanceof Tensor)) return args as [Tensor, Tensor | number];
  let s = BINARY_SIGS.get(def.name);
  const other = def.other_name ?? 'other';
  if (s === undefined) BINARY_SIGS.set(def.name, (s = signature(`${def.name}(Tensor input, Tensor${def.scalar_other ? '|Scalar' : ''} ${other})`)));
  const a = s.parse(args);
  return [a.input as Tensor, a[other]!];
}

/**
 * A broadcasting binary op from its definition: PyTorch's result dtype, the value function, and the node
 * (the tensor or the number overload's) with its gradients summed back to each operand's shape.
 *
 * @hidden
 */
export function binary_op(def: BinaryDef): BinaryOpFn {
  const op = (...args: BinaryArgs): Tensor => {
    const [x, other] = binary_operands(def, args);
    if (tracing) return trace_op(`aten::${def.name}`, op, [x, other]);
    return binary_value(def, x, other);
  };
  return op;
}

/** The op of `def` on `x` and `other`, recorded (no parsing, no trace). */
export function binary_value(def: BinaryDef, x: Tensor, other: Tensor | Scalar): Tensor {
  const promoted = result_names(x, other);
  const y = other instanceof Tensor ? other : scalar_tensor(Number(other), promoted);
  const why = def.refuse?.(promoted, x, y);
  if (why) throw new Error(why);
  const dtype = result_dtype(def.result, promoted);
  const out = map_values2(x, y, def.f(dtype), dtype);
  if (def.node === null || !is_floating(dtype)) return out;
  const grads = def.grads!;
  const tensor_other = other instanceof Tensor;
  const [xs, ys] = [x._shape, y._shape];
  record(tensor_other ? def.node[0] : def.node[1], [x, tensor_other ? y : null], [out], (ctx, [g]) => {
    const [sx, sy, so] = ctx.saved_tensors;
    const [gx, gy] = grads(g!, sx!, sy!, so as Tensor);
    return [gx !== null && ctx.needs_input_grad(0) ? sum_to(gx, xs) : null, gy !== null && tensor_other && ctx.needs_input_grad(1) ? sum_to(gy, ys) : null];
  }, def.uses_result ? [x, y, out] : [x, y]);
  return out;
}

/** An in-place binary op's arguments. */
export type BinaryInplaceArgs<T extends Tensor> = PyArgs<[input: T, other: Tensor | Scalar], { input?: T; other?: Tensor | Scalar }>;
/** An in-place binary op returning its input. */
export type BinaryInplaceFn = <T extends Tensor>(...args: BinaryInplaceArgs<T>) => T;

/**
 * The in-place form `name_` of a binary op: `self = op(self, other)`, where the broadcast result must keep
 * self's shape and be storable in self's dtype (PyTorch's errors otherwise).
 *
 * @hidden
 */
export function binary_inplace(def: BinaryDef): BinaryInplaceFn {
  const name = `${def.name}_`;
  const inplace_def: BinaryDef = { ...def, name };
  const run = <T extends Tensor>(...args: BinaryInplaceArgs<T>): T => {
    const [self, other] = binary_operands(inplace_def, args) as [T, Tensor | Scalar];
    if (tracing) return trace_op(`aten::${name}`, run, [self, other]) as T;
    return apply_inplace(self, [other], true, (a) => binary_value(def, a, other), undefined, result_dtype(def.result, result_names(self, other)));
  };
  return run;
}

/**
 * The in-place form of a bool-valued op (`x.eq_(y)`, `x.logical_and_(y)`, …): the 0/1 result is written into
 * self in self's dtype. Where self's history is recorded, the node (PyTorch's, e.g. EqBackward0) passes a zero
 * gradient to self and to a tensor operand.
 *
 * @hidden
 */
export function bool_inplace<T extends Tensor>(self: T, others: readonly (Tensor | Scalar)[], node: string, values: (a: Tensor) => Tensor): T {
  const dtype = self._dtype;
  return apply_inplace(self, others, false, (a) => {
    const r = no_grad(() => to_dtype(values(a), dtype));
    const inputs = [a, ...others.filter((o): o is Tensor => o instanceof Tensor)];
    record(node, inputs, [r], (_c, [g]) => inputs.map((t) => (t.requires_grad ? sum_to(mul(g!, 0), t._shape) : null)));
    return r;
  }, undefined, 'bool');
}

/**
 * An alias of a one-tensor op under PyTorch's other name (`arcsin` of `asin`, `negative` of `neg`): the same op,
 * whose argument errors name the alias as PyTorch's do.
 *
 * @hidden
 */
export function alias_unary<R>(name: string, op: (x: Tensor) => R): (...args: UnaryArgs) => R {
  return (...args: UnaryArgs): R => op(unary_arg(name, args));
}
/** The same for an in-place op. @hidden */
export function alias_inplace(name: string, op: (x: Tensor) => Tensor): InplaceOpFn {
  return <T extends Tensor>(...args: UnaryInplaceArgs<T>): T => op(unary_arg<T>(name, args)) as T;
}
/**
 * An alias of a binary op under PyTorch's other name and schema (`multiply` of `mul`, `arctan2_` of `atan2_`):
 * parsed with its own name, then the op with the parsed keyword options.
 *
 * @hidden
 */
export function alias_binary<O extends object, R>(schema: string, op: (x: Tensor, other: Tensor | Scalar, options: O) => R): (...args: PyArgs<[input: Tensor, other: Tensor | Scalar], O & { input?: Tensor; other?: Tensor | Scalar }>) => R {
  const sig = signature<{ input: Tensor; other: Tensor | Scalar } & O>(schema);
  return (...args) => {
    if (plain_operands(args)) return op(args[0] as Tensor, args[1] as Tensor | Scalar, {} as O);
    const { input, other, ...options } = sig.parse(args);
    return op(input, other, options as unknown as O);
  };
}
