// Broadcasting pointwise ops of two or three tensors that PyTorch keeps as single nodes: xlogy, lerp, addcmul,
// addcdiv (XlogyBackward0, LerpBackward0 / LerpBackward1, AddcmulBackward0, AddcdivBackward0).
import { trace_op, tracing } from '../jit/tracer.js';
import { default_dtype_name, is_floating, scalar_type_name, type DType } from '../dtype.js';
import { no_grad } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor.js';
import { record, scalar_tensor } from './record.js';
import { add, div, eq, isnan, logical_and_, logical_not, mul, ne, neg, result_names, rsub, sub, to_dtype, where, type Scalar } from './arithmetic.js';
import { log } from './unary.js';
import { overloads, signature, type PyArgs } from '../signature.js';
import { apply_inplace } from './inplace.js';
import { broadcast_shapes } from '../shape.js';

/** PyTorch's broadcast of several operands, folded left to right, so a mismatch names the sizes PyTorch names. */
function check_broadcast(...operands: (Tensor | Scalar)[]): void {
  let shape: number[] = [];
  for (const t of operands) if (t instanceof Tensor) shape = broadcast_shapes(shape, t._shape);
}

/** `t` as a tensor of the op's dtype (a number becomes a 0-dim tensor; a detached cast where the dtype differs). */
function as_dtype(t: Tensor, dtype: Tensor['_dtype']): Tensor {
  return t._dtype === dtype ? t : to_dtype(t, dtype);
}

/** `x·log(y)`, 0 where x is 0 (unless y is NaN); the values of PyTorch's xlogy kernel. */
function xlogy_values(x: Tensor, y: Tensor): Tensor {
  return no_grad(() => {
    const zero = logical_and_(eq(x, 0), logical_not(isnan(y)));
    return where(zero, 0, mul(x, log(y)));
  });
}

const XLOGY = overloads<{ input?: Tensor; self?: Scalar; other: Tensor | Scalar }>(
  'xlogy(Tensor input, Tensor|Scalar other)',
  'xlogy(Scalar self, Tensor other)',
);
/** Node names by the kinds of the operands: XlogyBackward0 for two tensors, 1 for a number input, 2 for a number other. */
const xlogy_node = (input: Tensor | Scalar, other: Tensor | Scalar): string => (!(input instanceof Tensor) ? 'XlogyBackward1' : other instanceof Tensor ? 'XlogyBackward0' : 'XlogyBackward2');
/**
 * `input · log(other)` with broadcasting, 0 where input is 0 (XlogyBackward0: input's gradient is
 * `xlogy(input != 0, other)`, other's `input / other`, NaN at 0/0 as in PyTorch).
 *
 * @example
 * torch.xlogy(torch.tensor([0, 2]), torch.tensor([0, 3])); // [0, 2.1972]
 */
export function xlogy(...args: PyArgs<[input: Tensor | Scalar, other: Tensor | Scalar], { input?: Tensor; self?: Scalar; other?: Tensor | Scalar }>): Tensor {
  if (tracing) return trace_op('aten::xlogy', xlogy, args);
  const a = XLOGY.parse(args).values;
  const [input, other] = [a.input ?? a.self!, a.other];
  const dtype = result_names(input, other);
  const fdtype = is_floating(dtype) ? dtype : default_dtype_name();
  const as_float = (v: Tensor | Scalar): Tensor => (v instanceof Tensor ? as_dtype(v, fdtype) : scalar_tensor(Number(v), fdtype));
  const [x, y] = [as_float(input), as_float(other)];
  const out = xlogy_values(x, y);
  record(xlogy_node(input, other), [input instanceof Tensor ? input : null, other instanceof Tensor ? other : null], [out], (ctx, [g]) => {
    const [a, b] = ctx.saved_tensors;
    return [
      ctx.needs_input_grad(0) ? mul(g!, xlogy(to_dtype(ne(a!, 0), b!._dtype), b!)) : null,
      ctx.needs_input_grad(1) ? div(mul(g!, a!), b!) : null,
    ];
  }, [x, y], ['self', 'other']);
  return out;
}

/** The C++ type name PyTorch prints for a dtype in some checks (`float`, `double`, `long int`, `bool`). */
const c_type_name = (d: DType): string => ({ float32: 'float', float64: 'double', int64: 'long int', bool: 'bool' } as Record<string, string>)[d] ?? d;

const LERP = signature<{ input: Tensor; end: Tensor; weight: Tensor | Scalar }>('lerp(Tensor input, Tensor end, Tensor|Scalar weight)');
const LERP_ = LERP.renamed('lerp_');
/** The arguments of `x.lerp(...)` / `x.lerp_(...)`. */
export type LerpMethodArgs = PyArgs<[end: Tensor, weight: Tensor | Scalar], {
  /** Where the interpolation ends (weight 1). */
  end?: Tensor;
  /** How far from input towards end: a number or a broadcasting tensor. */
  weight?: Tensor | Scalar;
}>;
/**
 * `input + weight·(end − input)` with broadcasting (LerpBackward0 for a number weight, LerpBackward1 for a
 * tensor one, whose gradient is `end − input`). input, end (and a tensor weight) must share one floating dtype.
 *
 * @example
 * torch.lerp(torch.zeros([2]), torch.ones([2]), 0.25); // [0.25, 0.25]
 */
export function lerp(...args: PyArgs<[input: Tensor, end: Tensor, weight: Tensor | Scalar], { input?: Tensor; end?: Tensor; weight?: Tensor | Scalar }>): Tensor {
  if (tracing) return trace_op('aten::lerp', lerp, args, LERP);
  const { input, end, weight } = LERP.parse(args);
  check_broadcast(input, end, weight);
  if (end._dtype !== input._dtype) throw new Error(`expected dtype ${c_type_name(input._dtype)} for \`end\` but got dtype ${c_type_name(end._dtype)}`);
  if (weight instanceof Tensor && weight._dtype !== input._dtype) throw new Error(`expected dtype ${c_type_name(input._dtype)} for \`weight\` but got dtype ${c_type_name(weight._dtype)}`);
  if (!is_floating(input._dtype)) throw new Error(`"lerp_kernel_scalar" not implemented for '${scalar_type_name(input._dtype)}'`);
  const out = no_grad(() => add(input, mul(sub(end, input), weight)));
  if (!(weight instanceof Tensor)) {
    const w = Number(weight);
    record('LerpBackward0', [input, end], [out], (ctx, [g]) => [ctx.needs_input_grad(0) ? mul(g!, 1 - w) : null, ctx.needs_input_grad(1) ? mul(g!, w) : null]);
    return out;
  }
  record('LerpBackward1', [input, end, weight], [out], (ctx, [g]) => {
    const [a, b, w] = ctx.saved_tensors;
    return [
      ctx.needs_input_grad(0) ? mul(g!, rsub(w!, 1)) : null,
      ctx.needs_input_grad(1) ? mul(g!, w!) : null,
      ctx.needs_input_grad(2) ? mul(g!, sub(b!, a!)) : null,
    ];
  }, [input, end, weight], ['self', 'end', 'weight']);
  return out;
}

interface AddcParsed { input: Tensor; tensor1: Tensor; tensor2: Tensor; value: number }
const ADDCMUL = signature<AddcParsed>('addcmul(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value=1)');
const ADDCDIV = signature<AddcParsed>('addcdiv(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value=1)');
const ADDCMUL_ = ADDCMUL.renamed('addcmul_');
const ADDCDIV_ = ADDCDIV.renamed('addcdiv_');
type AddcArgs = PyArgs<[input: Tensor, tensor1: Tensor, tensor2: Tensor], { input?: Tensor; tensor1?: Tensor; tensor2?: Tensor; value?: Scalar }>;
/** The arguments of `x.addcmul(...)` / `x.addcdiv(...)` and their in-place forms. */
export type AddcMethodArgs = PyArgs<[tensor1: Tensor, tensor2: Tensor], {
  /** The numerator / first factor. */
  tensor1?: Tensor;
  /** The denominator / second factor. */
  tensor2?: Tensor;
  /** The multiplier of the product or quotient (default 1). */
  value?: Scalar;
}>;

/**
 * `input + value · tensor1 · tensor2` with broadcasting (AddcmulBackward0).
 *
 * @example
 * torch.addcmul(torch.zeros([2]), torch.tensor([1, 2]), torch.tensor([3, 4]), { value: 0.5 }); // [1.5, 4]
 */
export function addcmul(...args: AddcArgs): Tensor {
  if (tracing) return trace_op('aten::addcmul', addcmul, args, ADDCMUL);
  const { input, tensor1: t1, tensor2: t2, value } = ADDCMUL.parse(args);
  check_broadcast(input, t1, t2);
  const out = no_grad(() => add(input, mul(mul(t1, t2), value)));
  record('AddcmulBackward0', [input, t1, t2], [out], (ctx, [g]) => {
    const [a, b] = ctx.saved_tensors;
    return [
      ctx.needs_input_grad(0) ? g! : null,
      ctx.needs_input_grad(1) ? mul(mul(g!, b!), value) : null,
      ctx.needs_input_grad(2) ? mul(mul(g!, a!), value) : null,
    ];
  }, [t1, t2], ['tensor1', 'tensor2']);
  return out;
}

/**
 * `input + value · tensor1 / tensor2` with broadcasting (AddcdivBackward0). Integer tensor1 and tensor2 are
 * refused, as PyTorch does.
 *
 * @example
 * torch.addcdiv(torch.zeros([2]), torch.tensor([1., 2]), torch.tensor([4., 4]), { value: 2 }); // [0.5, 1]
 */
export function addcdiv(...args: AddcArgs): Tensor {
  if (tracing) return trace_op('aten::addcdiv', addcdiv, args, ADDCDIV);
  const { input, tensor1: t1, tensor2: t2, value } = ADDCDIV.parse(args);
  check_broadcast(input, t1, t2);
  if (!is_floating(t1._dtype) && !is_floating(t2._dtype)) {
    throw new Error('Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.');
  }
  const out = no_grad(() => add(input, mul(div(t1, t2), value)));
  record('AddcdivBackward0', [input, t1, t2], [out], (ctx, [g]) => {
    const [a, b] = ctx.saved_tensors;
    return [
      ctx.needs_input_grad(0) ? g! : null,
      ctx.needs_input_grad(1) ? div(mul(g!, value), b!) : null,
      ctx.needs_input_grad(2) ? neg(div(mul(mul(g!, value), a!), mul(b!, b!))) : null,
    ];
  }, [t1, t2], ['tensor1', 'tensor2']);
  return out;
}

/**
 * In-place {@link lerp} (LerpBackward0 / LerpBackward1 on `self`).
 *
 * @returns `self`
 * @example
 * avg.lerp_(x, 0.1); // an exponential moving average step
 */
export function lerp_<T extends Tensor>(self: T, ...args: LerpMethodArgs): T {
  if (tracing) return trace_op('aten::lerp_', lerp_, [self, ...args]) as T;
  const { end, weight } = LERP_.parse([self, ...args], { method: true });
  const w = weight instanceof Tensor ? [weight] : [];
  // a tensor weight's gradient reads self's value before the write
  return apply_inplace(self, [end, ...w], w.length > 0, (alias) => lerp(alias, end, weight));
}

/**
 * In-place {@link addcmul} (AddcmulBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * v.addcmul_(g, g, { value: 0.001 });
 */
export function addcmul_<T extends Tensor>(self: T, ...args: AddcMethodArgs): T {
  if (tracing) return trace_op('aten::addcmul_', addcmul_, [self, ...args]) as T;
  const { tensor1, tensor2, value } = ADDCMUL_.parse([self, ...args], { method: true });
  return apply_inplace(self, [tensor1, tensor2], false, (alias) => addcmul(alias, tensor1, tensor2, { value }));
}

/**
 * In-place {@link addcdiv} (AddcdivBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * p.addcdiv_(m, v.sqrt().add(1e-8), { value: -0.01 });
 */
export function addcdiv_<T extends Tensor>(self: T, ...args: AddcMethodArgs): T {
  if (tracing) return trace_op('aten::addcdiv_', addcdiv_, [self, ...args]) as T;
  const { tensor1, tensor2, value } = ADDCDIV_.parse([self, ...args], { method: true });
  return apply_inplace(self, [tensor1, tensor2], false, (alias) => addcdiv(alias, tensor1, tensor2, { value }));
}
