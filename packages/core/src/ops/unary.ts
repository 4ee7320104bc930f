// Elementwise math and activations, each with its PyTorch node name and derivative rule.
import { trace_op, tracing } from '../jit/tracer.js';
import { LEAKY_RELU_INPLACE_NEGATIVE_SLOPE } from '../autograd/messages.js';
import type { UnaryOp } from '../kernels/js/elementwise.js';
import { Tensor } from '../tensor.js';
import { promote_names, promote_with_scalar } from '../dtype.js';
import { no_grad } from '../autograd/grad_mode.js';
import { add, div, float_dtype, ge, gt, le, logical_and_, logical_or, lt, map_binary, map_unary, mul, neg, pow, result_names, rsub, to_dtype, where, type Scalar } from './arithmetic.js';
import { sum_to } from './reduce.js';
import { empty, record } from './record.js';
import { apply_inplace, apply_unary_inplace } from './inplace.js';
import { overloads, type PyArgs } from '../signature.js';
import type { ClampOptions } from './types.js';
import { unary_arg, type UnaryArgs } from './call_args.js';

/** Float-valued unary op whose backward reads the saved input (`uses = 'input'`) or the result. */
function float_unary(x: Tensor, op: UnaryOp, name: string, uses: 'input' | 'result', rule: (g: Tensor, saved: Tensor) => Tensor): Tensor {
  if (tracing) return trace_op(`aten::${op}`, float_unary, [x, op, name, uses, rule]);
  const out = map_unary(x, op, float_dtype(x._dtype));
  record(name, [x], [out], (ctx, [g]) => [rule(g!, ctx.saved_tensors[0]!)], [uses === 'input' ? x : out], [uses === 'input' ? 'self' : 'result']);
  return out;
}

/** A rule `g·f'(y)` read from the result `y`: `kernel` computes `g·f'(y)` in one pass, `curve(y)` = d f'(y) / dy. */
interface ResultRule {
  kernel: 'sigmoid_backward' | 'tanh_backward';
  curve: (y: Tensor) => Tensor;
}
/** σ' = y(1 - y), σ'' = 1 - 2y */
const SIGMOID_RULE: ResultRule = { kernel: 'sigmoid_backward', curve: (y) => rsub(mul(y, 2), 1) };
/** tanh' = 1 - y², tanh'' = -2y */
const TANH_RULE: ResultRule = { kernel: 'tanh_backward', curve: (y) => mul(y, -2) };

/**
 * The backward of sigmoid / tanh as an op, `g·f'(y)` (PyTorch's `SigmoidBackwardBackward0`,
 * `TanhBackwardBackward0`; edges: grad_output, output): its gradient is the same rule for the incoming `u`,
 * and `u·g·curve(y)` for the result.
 */
function result_backward(name: string, g: Tensor, y: Tensor, rule: ResultRule): Tensor {
  const gx = map_binary(g, y, rule.kernel, promote_names(g._dtype, y._dtype));
  record(name, [g, y], [gx], (ctx, [u]) => {
    const [gs, ys] = ctx.saved_tensors;
    return [ctx.needs_input_grad(0) ? result_backward(name, u!, ys!, rule) : null, ctx.needs_input_grad(1) ? mul(mul(u!, gs!), rule.curve(ys!)) : null];
  }, [g, y]);
  return gx;
}

// Float-valued elementwise functions: integral and bool inputs give the default float dtype, as in PyTorch.
/**
 * `eˣ` elementwise (ExpBackward0, whose gradient reads the result).
 *
 * @example
 * torch.exp(torch.tensor([0, 1])); // [1, 2.7183]
 */
export const exp = (...args: UnaryArgs): Tensor => float_unary(unary_arg('exp', args), 'exp', 'ExpBackward0', 'result', (g, r) => mul(g, r));
/**
 * Natural logarithm elementwise (LogBackward0); `log(0)` is `-Infinity`, negative inputs give NaN.
 *
 * @example
 * torch.log(torch.tensor([1, Math.E])); // [0, 1]
 */
export const log = (...args: UnaryArgs): Tensor => float_unary(unary_arg('log', args), 'log', 'LogBackward0', 'input', (g, a) => div(g, a));
/**
 * `√x` elementwise (SqrtBackward0).
 *
 * @example
 * torch.sqrt(torch.tensor([4, 9])); // [2, 3]
 */
export const sqrt = (...args: UnaryArgs): Tensor => float_unary(unary_arg('sqrt', args), 'sqrt', 'SqrtBackward0', 'result', (g, r) => div(g, mul(r, 2)));
/**
 * `1/√x` elementwise (RsqrtBackward0).
 *
 * @example
 * torch.rsqrt(torch.tensor([4, 16])); // [0.5, 0.25]
 */
export const rsqrt = (...args: UnaryArgs): Tensor => float_unary(unary_arg('rsqrt', args), 'rsqrt', 'RsqrtBackward0', 'result', (g, r) => mul(mul(g, pow(r, 3)), -0.5));
/**
 * `1/x` elementwise (ReciprocalBackward0).
 *
 * @example
 * torch.reciprocal(torch.tensor([2, 4])); // [0.5, 0.25]
 */
export const reciprocal = (...args: UnaryArgs): Tensor => float_unary(unary_arg('reciprocal', args), 'reciprocal', 'ReciprocalBackward0', 'result', (g, r) => neg(mul(g, mul(r, r))));
/**
 * The logistic function `1 / (1 + e⁻ˣ)` elementwise (SigmoidBackward0; its own backward records
 * SigmoidBackwardBackward0).
 *
 * @example
 * torch.sigmoid(torch.tensor([0])); // [0.5]
 */
export const sigmoid = (...args: UnaryArgs): Tensor => float_unary(unary_arg('sigmoid', args), 'sigmoid', 'SigmoidBackward0', 'result', (g, r) => result_backward('SigmoidBackwardBackward0', g, r, SIGMOID_RULE));
/**
 * Hyperbolic tangent elementwise (TanhBackward0; its own backward records TanhBackwardBackward0).
 *
 * @example
 * torch.tanh(torch.tensor([0, 1])); // [0, 0.7616]
 */
export const tanh = (...args: UnaryArgs): Tensor => float_unary(unary_arg('tanh', args), 'tanh', 'TanhBackward0', 'result', (g, r) => result_backward('TanhBackwardBackward0', g, r, TANH_RULE));
/**
 * Sine elementwise, in radians (SinBackward0).
 *
 * @example
 * torch.sin(torch.tensor([0, Math.PI / 2])); // [0, 1]
 */
export const sin = (...args: UnaryArgs): Tensor => float_unary(unary_arg('sin', args), 'sin', 'SinBackward0', 'input', (g, a) => mul(g, cos(a)));
/**
 * Cosine elementwise, in radians (CosBackward0).
 *
 * @example
 * torch.cos(torch.tensor([0, Math.PI])); // [1, -1]
 */
export const cos = (...args: UnaryArgs): Tensor => float_unary(unary_arg('cos', args), 'cos', 'CosBackward0', 'input', (g, a) => neg(mul(g, sin(a))));
/**
 * `log(1 + x)` elementwise, accurate for small `x` (Log1PBackward0).
 *
 * @example
 * torch.log1p(torch.tensor([0, 1e-10])); // [0, 1e-10]
 */
export const log1p = (...args: UnaryArgs): Tensor => float_unary(unary_arg('log1p', args), 'log1p', 'Log1PBackward0', 'input', (g, a) => div(g, add(a, 1)));
/**
 * The error function, `2/√π ∫₀ˣ exp(-t²) dt` (ErfBackward0: `2/√π exp(-x²)`).
 *
 * @example
 * torch.erf(torch.tensor([0, 0.5])); // [0, 0.5205]
 */
export const erf = (...args: UnaryArgs): Tensor => float_unary(unary_arg('erf', args), 'erf', 'ErfBackward0', 'input', (g, a) => mul(g, mul(exp(neg(mul(a, a))), 2 / Math.sqrt(Math.PI))));

/**
 * `|x|` elementwise, keeping the dtype (AbsBackward0; the gradient is `sign(x)`, 0 at 0).
 *
 * @example
 * torch.abs(torch.tensor([-2, 3])); // [2, 3]
 */
export function abs(...args: UnaryArgs): Tensor {
  const x = unary_arg('abs', args);
  if (tracing) return trace_op('aten::abs', abs, [x]);
  if (x._dtype === 'bool') throw new Error(`"abs_cpu" not implemented for 'Bool'`);
  const out = map_unary(x, 'abs', x._dtype);
  record('AbsBackward0', [x], [out], (ctx, [g]) => [mul(g!, sign(ctx.saved_tensors[0]!))], [x]);
  return out;
}

/**
 * -1, 0 or 1 by the sign of each element, keeping the dtype; its gradient is zero (SignBackward0).
 *
 * @example
 * torch.sign(torch.tensor([-2, 0, 5])); // [-1, 0, 1]
 */
export function sign(...args: UnaryArgs): Tensor {
  const x = unary_arg('sign', args);
  if (tracing) return trace_op('aten::sign', sign, [x]);
  const out = map_unary(x, 'sign', x._dtype);
  record('SignBackward0', [x], [out], (_c, [g]) => [mul(g!, 0)]);
  return out;
}

/**
 * `x²` elementwise, recorded as PowBackward0 like PyTorch's `square`.
 *
 * @example
 * torch.square(torch.tensor([-2, 3])); // [4, 9]
 */
export function square(...args: UnaryArgs): Tensor {
  const x = unary_arg('square', args);
  if (tracing) return trace_op('aten::square', square, [x]);
  return pow(x, 2);
}

/**
 * `max(x, 0)` elementwise (ReluBackward0, which saves its result; the gradient at 0 is 0).
 *
 * @example
 * torch.relu(torch.tensor([-1, 0, 2])); // [0, 0, 2]
 */
export function relu(...args: UnaryArgs): Tensor {
  const x = unary_arg('relu', args);
  if (tracing) return trace_op('aten::relu', relu, [x]);
  const out = map_unary(x, 'relu', x._dtype);
  record('ReluBackward0', [x], [out], (ctx, [g]) => [threshold_backward(g!, ctx.saved_tensors[0]!)], [out]);
  return out;
}

/**
 * The rule of ReluBackward0 and ThresholdBackward0/1 as an op, `g` where `r > threshold` else 0
 * (ThresholdBackwardBackward0; edges: grad_output, the saved input or result). Its gradient is the same mask
 * applied to the incoming gradient, and 0 w.r.t. `r`.
 *
 * @hidden
 */
export function threshold_backward(g: Tensor, r: Tensor, threshold = 0): Tensor {
  if (tracing) return trace_op('aten::threshold_backward', threshold_backward, [g, r, threshold]);
  const gx = threshold === 0 ? map_binary(g, r, 'relu_mask', g._dtype) : no_grad(() => where(gt(r, threshold), g, 0));
  record('ThresholdBackwardBackward0', [g, r], [gx], (ctx, [u]) => {
    const [rs] = ctx.saved_tensors;
    return [ctx.needs_input_grad(0) ? threshold_backward(u!, rs!, threshold) : null, ctx.needs_input_grad(1) ? empty(u!._shape, u!._dtype) : null];
  }, [r]);
  return gx;
}

/**
 * `x` where positive, `negative_slope · x` elsewhere (LeakyReluBackward0). PyTorch: `F.leaky_relu`.
 *
 * @param negative_slope - the slope for negative inputs (default 0.01)
 * @example
 * torch.leaky_relu(torch.tensor([-10, 5]), 0.1); // [-1, 5]
 */
export function leaky_relu(x: Tensor, negative_slope = 0.01, inplace = false): Tensor {
  if (tracing) return trace_op('aten::leaky_relu', leaky_relu, [x, negative_slope, inplace]);
  if (inplace) return leaky_relu_(x, negative_slope);
  return leaky_relu_node(x, negative_slope, 'LeakyReluBackward0');
}

function leaky_relu_node(x: Tensor, negative_slope: number, name: string): Tensor {
  const out = map_unary(x, 'leaky_relu', x._dtype, negative_slope);
  // in place, PyTorch keeps only the result, whose sign no longer tells the input's under a negative slope
  const refuse = name === 'LeakyReluBackward1' && negative_slope < 0;
  record(name, [x], [out], (ctx, [g]) => {
    if (refuse) throw new Error(LEAKY_RELU_INPLACE_NEGATIVE_SLOPE);
    return [leaky_relu_backward(g!, ctx.saved_tensors[0]!, negative_slope)];
  }, [x]);
  return out;
}

/**
 * In-place {@link leaky_relu}, recorded as PyTorch records it (LeakyReluBackward1).
 *
 * @returns `x`
 * @example
 * torch.leaky_relu_(x, 0.2);
 */
export function leaky_relu_<T extends Tensor>(x: T, negative_slope = 0.01): T {
  if (tracing) return trace_op('aten::leaky_relu_', leaky_relu_, [x, negative_slope]) as T;
  return apply_unary_inplace(x, (a) => leaky_relu_node(a, negative_slope, 'LeakyReluBackward1'));
}

/**
 * LeakyReluBackward0's rule as an op, `g` where `x > 0` else `slope·g` (LeakyReluBackwardBackward0; edges:
 * grad_output, input). Its gradient is the same rule on the incoming gradient, and 0 w.r.t. `x`.
 */
function leaky_relu_backward(g: Tensor, x: Tensor, slope: number): Tensor {
  const gx = no_grad(() => where(gt(x, 0), g, mul(g, slope)));
  record('LeakyReluBackwardBackward0', [g, x], [gx], (ctx, [u]) => {
    const [xs] = ctx.saved_tensors;
    return [ctx.needs_input_grad(0) ? leaky_relu_backward(u!, xs!, slope) : null, ctx.needs_input_grad(1) ? empty(u!._shape, u!._dtype) : null];
  }, [x]);
  return gx;
}

type Bound = Scalar | Tensor | null;
interface ClampParsed { input: Tensor; min: Bound; max: Bound }
/** The arguments of `torch.clamp` / `torch.clip`: `(input, min=None, max=None)`, both bounds numbers or both tensors. */
export type ClampArgs<T extends Tensor = Tensor> = PyArgs<[input: T, min: Bound | ClampOptions, max: Bound], ClampBounds & {
  /** The tensor clamped. */
  input?: T;
}>;
/** The bounds of `clamp`: numbers, or tensors broadcast against the input (null or left out: unbounded). */
export interface ClampBounds {
  /** The lower bound. */
  min?: Bound;
  /** The upper bound. */
  max?: Bound;
}
/** The same as a Tensor method and its in-place form. */
export type ClampMethodArgs = PyArgs<[min: Bound | ClampOptions, max: Bound], ClampBounds>;
const clamp_overloads = (name: string) => overloads<ClampParsed>(`${name}(Tensor input, Scalar? min=None, Scalar? max=None)`, `${name}(Tensor input, Tensor? min=None, Tensor? max=None)`);
const CLAMP = clamp_overloads('clamp');
const CLIP = clamp_overloads('clip');
const CLAMP_ = clamp_overloads('clamp_');

/** The bounds of a clamp call, numbers or tensors (null for a missing one); neither given is PyTorch's error. */
function clamp_bounds(parser: typeof CLAMP, args: readonly unknown[]): ClampParsed {
  const a = args.length === 3 && args[0] instanceof Tensor && typeof args[1] === 'number' && typeof args[2] === 'number' ? { input: args[0], min: args[1], max: args[2] } : parser.parse(args).values;
  if (a.min === null && a.max === null) throw new Error(`torch.${parser.name.replace(/_$/, '')}: At least one of 'min' or 'max' must not be None`);
  return a;
}

/**
 * Clamps into `[min, max]`; the gradient passes where `min <= x <= max` (inclusive). Number bounds record
 * ClampBackward1; tensor bounds (broadcast) record ClampBackward0, which also gives the bounds their gradient
 * where they bind.
 *
 * @example
 * x.clamp({ min: 0 }); x.clamp(-0.5, 0.7); torch.clamp(x, { min: lo, max: hi });
 */
export function clamp(...args: ClampArgs): Tensor {
  if (tracing) return trace_op('aten::clamp', clamp, args);
  return clamp_parsed(clamp_bounds(CLAMP, args));
}

/**
 * `clamp` under its alias name (PyTorch's `torch.clip`).
 *
 * @example
 * torch.clip(torch.tensor([-2, 0.5, 3]), -1, 1); // [-1, 0.5, 1]
 */
export function clip(...args: ClampArgs): Tensor {
  if (tracing) return trace_op('aten::clamp', clip, args);
  return clamp_parsed(clamp_bounds(CLIP, args));
}

function clamp_parsed(a: ClampParsed): Tensor {
  if (a.min instanceof Tensor || a.max instanceof Tensor) return clamp_tensor(a.input, a.min as Tensor | null, a.max as Tensor | null);
  return clamp_scalar(a.input, a.min === null ? -Infinity : Number(a.min), a.max === null ? Infinity : Number(a.max));
}

function clamp_scalar(x: Tensor, lo: number, hi: number): Tensor {
  // bounds are scalar operands: a fractional bound makes an integer input's result float, as PyTorch promotes
  let dtype = x._dtype;
  for (const b of [lo, hi]) if (Number.isFinite(b)) dtype = promote_with_scalar(dtype, b);
  if (dtype !== x._dtype) return clamp_scalar(to_dtype(x, dtype), lo, hi);
  const out = map_unary(x, 'clamp', x._dtype, lo, hi);
  record('ClampBackward1', [x], [out], (ctx, [g]) => {
    const a = ctx.saved_tensors[0]!;
    return [mul(g!, to_dtype(logical_and_(ge(a, lo), le(a, hi)), g!._dtype))];
  }, [x]);
  return out;
}

/** `min(max(x, lo), hi)` with tensor bounds (ClampBackward0: x where it lies within, each bound where it binds). */
function clamp_tensor(x: Tensor, lo: Tensor | null, hi: Tensor | null): Tensor {
  const dtype = result_names(x, ...(lo === null ? [] : [lo]), ...(hi === null ? [] : [hi]));
  const out = no_grad(() => {
    let r = to_dtype(x, dtype);
    if (lo !== null) r = where(lt(r, lo), to_dtype(lo, dtype), r);
    if (hi !== null) r = where(gt(r, hi), to_dtype(hi, dtype), r);
    return r === x ? x.clone() : r;
  });
  const [has_lo, has_hi, shape] = [lo !== null, hi !== null, x._shape];
  record('ClampBackward0', [x, lo, hi], [out], (ctx, [g]) => {
    const s = ctx.saved_tensors;
    const l = has_lo ? s[1]! : null;
    const h = has_hi ? s[has_lo ? 2 : 1]! : null;
    const below = l === null ? null : lt(s[0]!, l);
    const above = h === null ? null : gt(s[0]!, h);
    const outside = below === null ? above! : above === null ? below : logical_or(below, above);
    return [
      ctx.needs_input_grad(0) ? sum_to(where(outside, 0, g!), shape) : null,
      l !== null && ctx.needs_input_grad(1) ? sum_to(where(below!, g!, 0), l._shape) : null,
      h !== null && ctx.needs_input_grad(2) ? sum_to(where(above!, g!, 0), h._shape) : null,
    ];
  }, [x, ...(lo === null ? [] : [lo]), ...(hi === null ? [] : [hi])]);
  return out;
}

/**
 * In-place `clamp`: bounds as `clamp` (`x.clamp_(min, max)` or `x.clamp_({ min, max })`); ClampBackward1, or
 * ClampBackward0 with tensor bounds.
 *
 * @returns `self`
 * @example
 * const x = torch.tensor([-2, 0.5, 3]); x.clamp_(-1, 1); // x is [-1, 0.5, 1]
 */
export function clamp_<T extends Tensor>(...args: ClampArgs<T>): T {
  if (tracing) return trace_op('aten::clamp_', clamp_, args) as T;
  const c = clamp_bounds(CLAMP_, args);
  const bounds = [c.min, c.max].filter((b): b is Tensor | Scalar => b !== null);
  return apply_inplace(c.input as T, bounds, true, (a) => clamp_parsed({ input: a, min: c.min, max: c.max }), undefined, result_names(c.input, ...bounds));
}
