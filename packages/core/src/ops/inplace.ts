// In-place ops (add_, mul_, relu_, clamp_, fill_, copy_ …): write into the tensor's storage, bump its
// version counter, and rebase its autograd history onto the new node.
import { trace_op, tracing } from '../jit/tracer.js';
import { no_grad } from '../autograd/grad_mode.js';
import { alias_of, check_inplace as check_inplace_autograd, rebase_history } from '../autograd/view_inplace.js';
import { broadcast_shapes, shapes_equal } from '../shape.js';
import { kernels } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { cast_scalar, check_can_cast, is_floating, promote_with_scalar, scalar_type_name, type DType, type TypedArray } from '../dtype.js';
import { add, div, float_dtype, mul, neg, pow, result_names, sub, to_dtype, type RoundingMode, type Scalar } from './arithmetic.js';
import { assert_no_internal_overlap, assert_no_partial_overlap } from './overlap.js';
import { record } from './record.js';
import { abs, cos, exp, log, reciprocal, relu, sigmoid, sin, sqrt, tanh } from './unary.js';
import { signature, type PyArgs } from '../signature.js';
import { plain_operands, unary_arg, type UnaryInplaceArgs } from './call_args.js';
import { sum_to } from './reduce.js';

/**
 * The checks every in-place op makes before touching memory: PyTorch's memory overlap rules (no element written
 * twice, no input partly aliasing the output), then autograd's (leaves, views); whether the change is recorded.
 */
function check_inplace(self: Tensor, others: readonly (Tensor | Scalar)[]): boolean {
  assert_no_internal_overlap(self);
  for (const o of others) if (o instanceof Tensor) assert_no_partial_overlap(self, o);
  return check_inplace_autograd(self, others);
}

/**
 * Runs `op` out of place on an alias carrying `self`'s autograd identity, writes the result into `self`'s
 * memory and moves `self` onto the result's node. `needs_original` clones the pre-op value for the
 * backward rule (mul_, div_, clamp_).
 *
 * @hidden
 */
export function apply_inplace<T extends Tensor>(
  self: T,
  others: readonly (Tensor | Scalar)[],
  needs_original: boolean,
  op: (a: Tensor) => Tensor,
  direct?: ArithOp,
  result_dtype?: DType,
): T {
  check_can_cast(result_dtype ?? (others.length === 0 ? self._dtype : result_names(self, ...others)), self._dtype);
  const recording = check_inplace(self, others);
  if (!recording) {
    if (direct !== undefined && arith_into(self, others[0]!, direct)) return self;
    const r = no_grad(() => op(self.detach()));
    write(self, r);
    return self;
  }
  const r = op(alias_of(self, needs_original));
  write(self, r);
  rebase_history(self, r.grad_fn!, r.output_nr);
  return self;
}

function write(self: Tensor, r: Tensor): void {
  if (!shapes_equal(broadcast_shapes(self._shape, r._shape), self._shape)) {
    throw new Error(`output with shape [${self._shape.join(', ')}] doesn't match the broadcast shape [${broadcast_shapes(self._shape, r._shape).join(', ')}]`);
  }
  const src = r._dtype === self._dtype ? r : no_grad(() => to_dtype(r, self._dtype));
  kernels().copy_into(src._view, self._view);
  self._storage.version++;
}

type ArithOp = 'add' | 'sub' | 'mul' | 'div';

/**
 * `self = self op other` computed straight into self's memory, skipping the temporary and the copy of the
 * general path. Only when that writes exactly what the out-of-place op would (self contiguous, the result in
 * self's dtype and shape) and `other` cannot overlap self; returns false to leave it to the general path.
 */
function arith_into(self: Tensor, other: Tensor | Scalar, op: ArithOp): boolean {
  if (!self.is_contiguous() || self._dtype === 'bool') return false;
  let dtype: DType;
  if (other instanceof Tensor) {
    if (overlaps(other._storage.data, self._storage.data)) return false;
    if (!shapes_equal(broadcast_shapes(self._shape, other._shape), self._shape)) return false;
    dtype = result_names(self, other);
  } else if (typeof other === 'number') {
    dtype = promote_with_scalar(self._dtype, other);
  } else return false;
  if ((op === 'div' ? float_dtype(dtype) : dtype) !== self._dtype) return false;
  const n = self.numel();
  const data = self._storage.data;
  const out = self._offset === 0 && data.length === n ? data : data.subarray(self._offset, self._offset + n);
  if (other instanceof Tensor) kernels().binary(op, self._view, other._view, self._shape, out);
  else kernels().unary(`${op}_s`, self._view, out, other);
  self._storage.version++;
  return true;
}

/** Whether two storage arrays share memory (views of one storage, or arrays over one ArrayBuffer). */
function overlaps(a: TypedArray, b: TypedArray): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** An in-place op's arguments: `op_(Tensor input, ...)` with `input` typed as the tensor returned. */
type InplaceArgs<T extends Tensor, P extends readonly unknown[], O> = PyArgs<[input: T, ...P], O & { input?: T }>;
type AlphaInplaceArgs<T extends Tensor> = InplaceArgs<T, [other: Tensor | Scalar], { other?: Tensor | Scalar; alpha?: Scalar }>;
interface AlphaInplace { input: Tensor; other: Tensor | Scalar; alpha: Scalar }
const ADD_ = signature<AlphaInplace>('add_(Tensor input, Tensor|Scalar other, *, Scalar alpha=1)');
const SUB_ = signature<AlphaInplace>('sub_(Tensor input, Tensor|Scalar other, *, Scalar alpha=1)');
const MUL_ = signature<{ input: Tensor; other: Tensor | Scalar }>('mul_(Tensor input, Tensor|Scalar other)');
const DIV_ = signature<{ input: Tensor; other: Tensor | Scalar; rounding_mode: RoundingMode }>('div_(Tensor input, Tensor|Scalar other, *, str? rounding_mode=None)');
const POW_ = signature<{ input: Tensor; exponent: Tensor | Scalar }>('pow_(Tensor input, Tensor|Scalar exponent)');

// In-place ops write into `self` and return it; the node they record (AddBackward0, …) replaces self's history,
// and the storage version counter moves, so a backward that saved the old value raises PyTorch's error.
/**
 * In-place `self += alpha * other` (AddBackward0); the result must be storable in self's dtype (PyTorch's
 * casting rule), and a leaf that requires grad raises.
 *
 * @returns `self`
 * @example
 * const x = torch.zeros([2]); torch.add_(x, 1, { alpha: 3 }); // x is [3, 3]
 */
export function add_<T extends Tensor>(...args: AlphaInplaceArgs<T>): T {
  const { input: self, other, alpha } = plain_operands(args) ? { input: args[0] as T, other: args[1] as Tensor | number, alpha: 1 } : ADD_.parse(args);
  if (tracing) return trace_op('aten::add_', add_, args) as T;
  return apply_inplace(self as T, [other], false, (a) => add(a, other, { alpha }), alpha === 1 ? 'add' : undefined);
}
/**
 * In-place `self -= alpha * other` (SubBackward0), with `add_`'s rules.
 *
 * @returns `self`
 * @example
 * const x = torch.ones([2]); x.sub_(torch.tensor([1, 2])); // x is [0, -1]
 */
export function sub_<T extends Tensor>(...args: AlphaInplaceArgs<T>): T {
  const { input: self, other, alpha } = plain_operands(args) ? { input: args[0] as T, other: args[1] as Tensor | number, alpha: 1 } : SUB_.parse(args);
  if (tracing) return trace_op('aten::sub_', sub_, args) as T;
  return apply_inplace(self as T, [other], false, (a) => sub(a, other, { alpha }), alpha === 1 ? 'sub' : undefined);
}
/**
 * In-place `self *= other` (MulBackward0), with `add_`'s rules.
 *
 * @returns `self`
 * @example
 * const x = torch.tensor([1, 2]); x.mul_(3); // x is [3, 6]
 */
export function mul_<T extends Tensor>(...args: InplaceArgs<T, [other: Tensor | Scalar], { other?: Tensor | Scalar }>): T {
  const [self, other] = plain_operands(args) ? (args as [T, Tensor | number]) : ((a) => [a.input as T, a.other] as const)(MUL_.parse(args));
  if (tracing) return trace_op('aten::mul_', mul_, [self, other]) as T;
  return apply_inplace(self, [other], other instanceof Tensor, (a) => mul(a, other), 'mul');
}
/**
 * In-place `self /= other` (DivBackward0, or DivBackward2 with a `rounding_mode`); true division into an
 * integral tensor raises, as PyTorch.
 *
 * @returns `self`
 * @example
 * const x = torch.tensor([3, 6.0]); x.div_(3); // x is [1, 2]
 */
export function div_<T extends Tensor>(...args: InplaceArgs<T, [other: Tensor | Scalar], { other?: Tensor | Scalar; rounding_mode?: RoundingMode }>): T {
  const { input: self, other, rounding_mode: mode } = plain_operands(args) ? { input: args[0] as T, other: args[1] as Tensor | number, rounding_mode: null } : DIV_.parse(args);
  if (tracing) return trace_op('aten::div_', div_, mode === null ? [self, other] : [self, other, { rounding_mode: mode }]) as T;
  const dtype = result_names(self, other);
  return apply_inplace(self as T, [other], other instanceof Tensor, (a) => div(a, other, { rounding_mode: mode }), mode === null ? 'div' : undefined, mode === null ? float_dtype(dtype) : dtype);
}
/**
 * In-place `max(self, 0)` (ReluBackward0); bool tensors raise.
 *
 * @returns `self`
 * @example
 * const x = torch.tensor([-1, 2]); torch.relu_(x); // x is [0, 2]
 */
export function relu_<T extends Tensor>(...args: UnaryInplaceArgs<T>): T {
  const self = unary_arg<T>('relu_', args);
  if (tracing) return trace_op('aten::relu_', relu_, [self]) as T;
  if (self._dtype === 'bool') throw new Error('Boolean inputs not supported for relu');
  return apply_inplace(self, [], false, (a) => relu(a));
}
/**
 * In-place `exp` (ExpBackward0 over a copy of the old value, as the other in-place unary ops here).
 *
 * @returns `self`
 * @example
 * const y = x.clone(); torch.exp_(y);
 */
export function exp_<T extends Tensor>(...args: UnaryInplaceArgs<T>): T {
  const self = unary_arg<T>('exp_', args);
  if (tracing) return trace_op('aten::exp_', exp_, [self]) as T;
  return apply_inplace(self, [], true, (a) => exp(a));
}
/** An in-place elementwise op recorded as its out-of-place node over a copy of the old value. */
function unary_(name: string, self: Tensor, op: (a: Tensor) => Tensor, to_float: boolean): Tensor {
  if (tracing) return trace_op(`aten::${name}`, (t: Tensor) => unary_(name, t, op, to_float), [self]);
  return apply_inplace(self, [], true, op, undefined, to_float ? float_dtype(self._dtype) : self._dtype);
}
/**
 * In-place `sin` (SinBackward0); integer tensors raise, as the float result cannot be written back.
 *
 * @example
 * const y = x.clone(); y.sin_();
 */
export const sin_ = <T extends Tensor>(...args: UnaryInplaceArgs<T>): T => unary_('sin_', unary_arg('sin_', args), sin, true) as T;
/**
 * In-place `cos` (CosBackward0).
 *
 * @example
 * const y = x.clone(); y.cos_();
 */
export const cos_ = <T extends Tensor>(...args: UnaryInplaceArgs<T>): T => unary_('cos_', unary_arg('cos_', args), cos, true) as T;
/**
 * In-place `sqrt` (SqrtBackward0).
 *
 * @example
 * const y = x.clone(); y.sqrt_();
 */
export const sqrt_ = <T extends Tensor>(...args: UnaryInplaceArgs<T>): T => unary_('sqrt_', unary_arg('sqrt_', args), sqrt, true) as T;
/**
 * In-place natural `log` (LogBackward0).
 *
 * @example
 * const y = x.clone(); y.log_();
 */
export const log_ = <T extends Tensor>(...args: UnaryInplaceArgs<T>): T => unary_('log_', unary_arg('log_', args), log, true) as T;
/**
 * In-place `1 / x` (ReciprocalBackward0).
 *
 * @example
 * const y = x.clone(); y.reciprocal_();
 */
export const reciprocal_ = <T extends Tensor>(...args: UnaryInplaceArgs<T>): T => unary_('reciprocal_', unary_arg('reciprocal_', args), reciprocal, true) as T;
/**
 * In-place negation (NegBackward0).
 *
 * @example
 * const y = x.clone(); y.neg_();
 */
export const neg_ = <T extends Tensor>(...args: UnaryInplaceArgs<T>): T => unary_('neg_', unary_arg('neg_', args), neg, false) as T;
/**
 * In-place absolute value (AbsBackward0).
 *
 * @example
 * const y = x.clone(); y.abs_();
 */
export const abs_ = <T extends Tensor>(...args: UnaryInplaceArgs<T>): T => unary_('abs_', unary_arg('abs_', args), abs, false) as T;
/**
 * In-place power (PowBackward0 for a number exponent, PowBackward1 for a tensor one).
 *
 * @example
 * const y = x.clone(); y.pow_(2);
 */
export function pow_<T extends Tensor>(...args: InplaceArgs<T, [exponent: Tensor | Scalar], { exponent?: Tensor | Scalar }>): T {
  const [self, exponent] = plain_operands(args) ? (args as [T, Tensor | number]) : ((a) => [a.input as T, a.exponent] as const)(POW_.parse(args));
  if (tracing) return trace_op('aten::pow_', pow_, [self, exponent]) as T;
  return apply_inplace(self, [exponent], true, (a) => pow(a, exponent));
}
/**
 * In-place `sigmoid` (SigmoidBackward0).
 *
 * @returns `self`
 * @example
 * const y = x.clone(); torch.sigmoid_(y);
 */
export function sigmoid_<T extends Tensor>(...args: UnaryInplaceArgs<T>): T {
  const self = unary_arg<T>('sigmoid_', args);
  if (tracing) return trace_op('aten::sigmoid_', sigmoid_, [self]) as T;
  return apply_inplace(self, [], true, (a) => sigmoid(a));
}
/**
 * In-place `tanh` (TanhBackward0).
 *
 * @returns `self`
 * @example
 * const y = x.clone(); torch.tanh_(y);
 */
export function tanh_<T extends Tensor>(...args: UnaryInplaceArgs<T>): T {
  const self = unary_arg<T>('tanh_', args);
  if (tracing) return trace_op('aten::tanh_', tanh_, [self]) as T;
  return apply_inplace(self, [], true, (a) => tanh(a));
}
/**
 * Fills with `value`: a number (FillBackward2, PyTorch's node of `fill_.Scalar`, zero gradient) or a 0-dim
 * tensor (FillBackward3: the value gets the sum of the gradient). An integral tensor stores the value truncated,
 * a bool tensor `value != 0`, as PyTorch; an expanded tensor may be filled (every alias gets it).
 *
 * @returns `self`
 * @example
 * const x = torch.empty([2, 2]); x.fill_(7); // x is [[7, 7], [7, 7]]
 */
export function fill_<T extends Tensor>(self: T, value: Scalar | Tensor): T {
  if (tracing) return trace_op('aten::fill_', fill_, [self, value]) as T;
  if (value instanceof Tensor && value.ndim !== 0) {
    throw new Error(`fill_ only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
  }
  const v = cast_scalar(value instanceof Tensor ? value.item() : value, self._dtype);
  const recording = check_inplace_autograd(self, value instanceof Tensor ? [value] : []);
  const filled = Tensor.empty([], self._dtype);
  filled._storage.data[0] = v;
  kernels().copy_into(filled._view, self._view);
  self._storage.version++;
  if (recording) {
    const out = self.detach();
    const node =
      value instanceof Tensor
        ? record('FillBackward3', [alias_of(self), value], [out], (ctx, [g]) => [ctx.needs_input_grad(0) ? mul(g!, 0) : null, ctx.needs_input_grad(1) ? to_dtype(g!.sum(), value._dtype) : null])!
        : record('FillBackward2', [alias_of(self)], [out], (_c, [g]) => [mul(g!, 0)])!;
    rebase_history(self, node);
  }
  return self;
}


/**
 * Copies `src` (broadcast to self's shape, cast to self's dtype) into `self` (CopyBackwards: the gradient goes
 * to `src`).
 *
 * @returns `self`
 * @example
 * const x = torch.zeros([2, 2]); x.copy_(torch.tensor([1, 2])); // x is [[1, 2], [1, 2]]
 */
export function copy_<T extends Tensor>(self: T, src: Tensor): T {
  if (tracing) return trace_op('aten::copy_', copy_, [self, src]) as T;
  const recording = check_inplace(self, [src]);
  write(self, src.detach());
  if (recording) {
    const out = self.detach();
    const shape = src._shape;
    const dtype = src._dtype;
    const node = record('torch::autograd::CopyBackwards', [alias_of(self), src], [out], (ctx, [g]) => [ctx.needs_input_grad(0) ? mul(g!, 0) : null, ctx.needs_input_grad(1) ? to_dtype(sum_to(g!, shape), dtype) : null])!;
    rebase_history(self, node);
  }
  return self;
}

/**
 * Overwrites `self` with values `fill` draws (an initialiser: not recorded): `fill` gets a fresh buffer of
 * `self`'s elements in memory order, the order PyTorch's TensorIterator walks a lone output, and whether `self`
 * is contiguous (the normal sampler's fast path depends on it).
 *
 * @hidden
 */
export function fill_inplace<T extends Tensor>(self: T, fill: (d: TypedArray, contiguous: boolean) => void): T {
  check_inplace(self, []);
  const contiguous = self.is_contiguous();
  const perm = self._shape.map((_, i) => i);
  if (!contiguous) perm.sort((a, b) => self.stride(b) - self.stride(a) || a - b);
  const r = Tensor.empty(perm.map((i) => self._shape[i]!), self._dtype);
  fill(r._storage.data, contiguous);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  write(self, perm.every((p, i) => p === i) ? r : r.permute(inverse));
  return self;
}

/**
 * `self` overwritten with `op(self)` as an in-place op: the node `op` records replaces `self`'s history (the
 * `inplace=True` forms of the activations). The node reads a copy of the value before the write.
 *
 * @example
 * torch.apply_unary_inplace(x, torch.sigmoid); // x.grad_fn is SigmoidBackward0
 */
export const apply_unary_inplace = <T extends Tensor>(self: T, op: (a: Tensor) => Tensor): T => apply_inplace(self, [], true, op);
