// Pointwise activations of torch.nn.functional (elu, selu, celu, hardtanh, silu, mish, softplus, …), each one
// node with PyTorch's name; values in float64 rounded once, derivatives as differentiable ops (double backward).
import { scalar_type_name } from '../dtype.js';
import { trace_op, tracing } from '../jit/tracer.js';
import { default_generator } from '../random.js';
import { fma_f64 } from './distributions.js';
import { signature, type PyArgs } from '../signature.js';
import { Tensor } from '../tensor.js';
import { normalize_dim } from '../shape.js';
import { no_grad } from '../autograd/grad_mode.js';
import { add, div, float_dtype, gt, lt, logical_and_, mul, neg, rsub, sub, to_dtype, where } from './arithmetic.js';
import { record } from './record.js';
import { sum_to, softmax } from './reduce.js';
import { abs, erf, exp, sigmoid, tanh, threshold_backward } from './unary.js';
import { erf as erf_value } from '../kernels/js/elementwise.js';
import { apply_unary_inplace } from './inplace.js';
import { map_values } from './value_maps.js';
import { cat, narrow } from './view.js';
import { LEAKY_RELU_INPLACE_NEGATIVE_SLOPE, warn } from '../autograd/messages.js';


/** A 0/1 mask of `cond` in `like`'s dtype (for derivative rules). */
const mask = (cond: Tensor, like: Tensor): Tensor => to_dtype(cond, like._dtype);

/**
 * One pointwise activation node: the forward value per element, and the derivative `dy/dx` as differentiable
 * ops of the saved input (so the gradient is `g * dydx(x)` and itself differentiable).
 */
function pointwise(name: string, x: Tensor, f: (v: number) => number, dydx: (x: Tensor) => Tensor): Tensor {
  if (!x.is_floating_point()) throw new Error(`"${name.replace(/Backward\d$/, '').toLowerCase()}" not implemented for '${scalar_type_name(x._dtype)}'`);
  const out = map_values(x, f);
  record(name, [x], [out], (ctx, [g]) => [mul(g!, dydx(ctx.saved_tensors[0]!))], [x]);
  return out;
}

/**
 * Runs `op` in place on `x` when `inplace` (the node then replaces x's history), otherwise out of place. `op`
 * gets the node's overload number: PyTorch records the in-place forms whose rule reads the result as
 * `…Backward1` (EluBackward1, CeluBackward1, ThresholdBackward1, RreluWithNoiseBackward1); the others use 0.
 */
function maybe_inplace(x: Tensor, inplace: boolean, op: (a: Tensor, overload: 0 | 1) => Tensor): Tensor {
  return inplace ? apply_unary_inplace(x, (a) => op(a, 1)) : op(x, 0);
}

const log1pexp = (v: number): number => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));
const sigmoid_f = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

type Inplace = { input?: Tensor; inplace?: boolean };

const ELU = signature<{ input: Tensor; alpha: number; inplace: boolean }>('elu(Tensor input, float alpha=1.0, bool inplace=False)');
/**
 * `x` for x > 0, `alpha·(eˣ − 1)` otherwise (EluBackward0). Arguments as PyTorch's
 * `elu(input, alpha=1.0, inplace=False)`, positionally or as options.
 *
 * @example
 * F.elu(torch.tensor([-1, 0, 2]), { alpha: 0.5 }); // [-0.3161, 0, 2]
 */
export function elu(...args: PyArgs<[input: Tensor, alpha: number, inplace: boolean], Inplace & { alpha?: number }>): Tensor {
  if (tracing) return trace_op('aten::elu', elu, args, ELU);
  const { input, alpha, inplace } = ELU.parse(args);
  return maybe_inplace(input, inplace, (x, k) => elu_node(x, alpha, 1, k));
}

function elu_node(x: Tensor, alpha: number, scale: number, overload: 0 | 1): Tensor {
  return pointwise(`EluBackward${overload}`, x, (v) => (v > 0 ? scale * v : scale * alpha * Math.expm1(v)), (a) =>
    where(gt(a, 0), scale, mul(exp(a), scale * alpha)));
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;
const GELU = signature<{ input: Tensor; approximate: string }>("gelu(Tensor input, *, str approximate='none')");

/**
 * Gaussian error linear unit `x Φ(x)` with the exact normal CDF (default, through erf), or its tanh
 * approximation (`approximate: 'tanh'`); one GeluBackward0 node saving `self` and `approximate`, as PyTorch.
 *
 * @example
 * F.gelu(x); F.gelu(x, { approximate: 'tanh' });
 */
export function gelu(...args: PyArgs<[input: Tensor], { input?: Tensor; approximate?: 'none' | 'tanh' }>): Tensor {
  if (tracing) return trace_op('aten::gelu', gelu, args, GELU);
  const { input, approximate } = GELU.parse(args);
  if (approximate !== 'none' && approximate !== 'tanh') throw new Error('approximate argument must be either none or tanh.');
  const out = approximate === 'none'
    ? pointwise('GeluBackward0', input, (v) => 0.5 * v * (1 + erf_value(v * Math.SQRT1_2)), gelu_exact_grad)
    : pointwise('GeluBackward0', input, (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v))), gelu_tanh_grad);
  if (out.grad_fn !== null) Object.defineProperty(out.grad_fn, '_saved_approximate', { value: approximate });
  return out;
}

/** d/dx x Φ(x) = Φ(x) + x φ(x). */
function gelu_exact_grad(x: Tensor): Tensor {
  const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
  const pdf = mul(exp(mul(mul(x, x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
  return add(cdf, mul(x, pdf));
}

/** d/dx of the tanh form: ½ (1 + tanh u) + ½ x (1 − tanh² u) u′, u = √(2/π) (x + 0.044715 x³). */
function gelu_tanh_grad(x: Tensor): Tensor {
  const x2 = mul(x, x);
  const th = tanh(mul(mul(x, add(mul(x2, GELU_CUBIC), 1)), SQRT_2_OVER_PI));
  const du = mul(add(mul(x2, 3 * GELU_CUBIC), 1), SQRT_2_OVER_PI);
  return add(mul(add(th, 1), 0.5), mul(mul(mul(x, rsub(mul(th, th), 1)), du), 0.5));
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU = signature<{ input: Tensor; inplace: boolean }>('selu(Tensor input, bool inplace=False)');
/**
 * `scale·elu(x, alpha)` with the self-normalising constants (recorded as EluBackward0, as PyTorch).
 * Arguments: `selu(input, inplace=False)`.
 *
 * @example
 * F.selu(torch.tensor([-1, 0, 2])); // [-1.1113, 0, 2.1014]
 */
export function selu(...args: PyArgs<[input: Tensor, inplace: boolean], Inplace>): Tensor {
  if (tracing) return trace_op('aten::selu', selu, args, SELU);
  const { input, inplace } = SELU.parse(args);
  return maybe_inplace(input, inplace, (x, k) => elu_node(x, SELU_ALPHA, SELU_SCALE, k));
}

const CELU = signature<{ input: Tensor; alpha: number; inplace: boolean }>('celu(Tensor input, float alpha=1.0, bool inplace=False)');
/**
 * `max(0, x) + min(0, alpha·(e^(x/alpha) − 1))` (CeluBackward0). Arguments: `celu(input, alpha=1.0, inplace=False)`.
 *
 * @example
 * F.celu(torch.tensor([-1, 0, 2])); // [-0.6321, 0, 2]
 */
export function celu(...args: PyArgs<[input: Tensor, alpha: number, inplace: boolean], Inplace & { alpha?: number }>): Tensor {
  if (tracing) return trace_op('aten::celu', celu, args, CELU);
  const { input, alpha, inplace } = CELU.parse(args);
  if (alpha === 0) throw new Error('ZeroDivisionError: alpha cannot be 0 for CELU');
  return maybe_inplace(input, inplace, (x, k) =>
    pointwise(`CeluBackward${k}`, x, (v) => (v > 0 ? v : alpha * Math.expm1(v / alpha)), (a) => where(gt(a, 0), 1, exp(div(a, alpha)))));
}

const HARDTANH = signature<{ input: Tensor; min_val: number; max_val: number; inplace: boolean }>('hardtanh(Tensor input, float min_val=-1.0, float max_val=1.0, bool inplace=False)');
/**
 * Clamps to `[min_val, max_val]`; the gradient passes strictly inside (HardtanhBackward0). Arguments:
 * `hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False)`.
 *
 * @example
 * F.hardtanh(torch.tensor([-3, 0.5, 2])); // [-1, 0.5, 1]
 */
export function hardtanh(...args: PyArgs<[input: Tensor, min_val: number, max_val: number, inplace: boolean], Inplace & { min_val?: number; max_val?: number }>): Tensor {
  if (tracing) return trace_op('aten::hardtanh', hardtanh, args, HARDTANH);
  const { input, min_val, max_val, inplace } = HARDTANH.parse(args);
  if (min_val > max_val) throw new Error('min_val cannot be greater than max_val');
  return maybe_inplace(input, inplace, (x) => hardtanh_node(x, min_val, max_val));
}

function hardtanh_node(x: Tensor, lo: number, hi: number): Tensor {
  return pointwise('HardtanhBackward0', x, (v) => (v !== v ? v : Math.min(Math.max(v, lo), hi)), (a) => mask(logical_and_(gt(a, lo), lt(a, hi)), a));
}

const RELU6 = signature<{ input: Tensor; inplace: boolean }>('relu6(Tensor input, bool inplace=False)');
/**
 * `min(max(0, x), 6)`: hardtanh(x, 0, 6), as PyTorch records it. Arguments: `relu6(input, inplace=False)`.
 *
 * @example
 * F.relu6(torch.tensor([-1, 3, 8])); // [0, 3, 6]
 */
export function relu6(...args: PyArgs<[input: Tensor, inplace: boolean], Inplace>): Tensor {
  if (tracing) return trace_op('aten::relu6', relu6, args, RELU6);
  const { input, inplace } = RELU6.parse(args);
  return maybe_inplace(input, inplace, (x) => hardtanh_node(x, 0, 6));
}

const HARDSIGMOID = signature<{ input: Tensor; inplace: boolean }>('hardsigmoid(Tensor input, bool inplace=False)');
/**
 * `relu6(x + 3) / 6` (HardsigmoidBackward0: gradient 1/6 strictly inside (-3, 3)). Arguments:
 * `hardsigmoid(input, inplace=False)`.
 *
 * @example
 * F.hardsigmoid(torch.tensor([-1, 0, 2])); // [0.3333, 0.5, 0.8333]
 */
export function hardsigmoid(...args: PyArgs<[input: Tensor, inplace: boolean], Inplace>): Tensor {
  if (tracing) return trace_op('aten::hardsigmoid', hardsigmoid, args, HARDSIGMOID);
  const { input, inplace } = HARDSIGMOID.parse(args);
  return maybe_inplace(input, inplace, (x) =>
    pointwise('HardsigmoidBackward0', x, (v) => (v <= -3 ? 0 : v >= 3 ? 1 : v / 6 + 0.5), (a) => mul(mask(logical_and_(gt(a, -3), lt(a, 3)), a), 1 / 6)));
}

const HARDSWISH = signature<{ input: Tensor; inplace: boolean }>('hardswish(Tensor input, bool inplace=False)');
/**
 * `x·relu6(x + 3) / 6` (HardswishBackward0). Arguments: `hardswish(input, inplace=False)`.
 *
 * @example
 * F.hardswish(torch.tensor([-1, 0, 2])); // [-0.3333, 0, 1.6667]
 */
export function hardswish(...args: PyArgs<[input: Tensor, inplace: boolean], Inplace>): Tensor {
  if (tracing) return trace_op('aten::hardswish', hardswish, args, HARDSWISH);
  const { input, inplace } = HARDSWISH.parse(args);
  return maybe_inplace(input, inplace, (x) =>
    pointwise('HardswishBackward0', x, (v) => (v <= -3 ? 0 : v >= 3 ? v : (v * (v + 3)) / 6), (a) =>
      where(lt(a, -3), 0, where(gt(a, 3), 1, add(div(a, 3), 0.5)))));
}

const SILU = signature<{ input: Tensor; inplace: boolean }>('silu(Tensor input, bool inplace=False)');
/**
 * `x·σ(x)`, also called swish (SiluBackward0). Arguments: `silu(input, inplace=False)`.
 *
 * @example
 * F.silu(torch.tensor([-1, 0, 2])); // [-0.2689, 0, 1.7616]
 */
export function silu(...args: PyArgs<[input: Tensor, inplace: boolean], Inplace>): Tensor {
  if (tracing) return trace_op('aten::silu', silu, args, SILU);
  const { input, inplace } = SILU.parse(args);
  return maybe_inplace(input, inplace, (x) =>
    pointwise('SiluBackward0', x, (v) => v * sigmoid_f(v), (a) => {
      const s = sigmoid(a);
      return mul(s, add(mul(a, rsub(s, 1)), 1));
    }));
}

const MISH = signature<{ input: Tensor; inplace: boolean }>('mish(Tensor input, bool inplace=False)');
/**
 * `x·tanh(softplus(x))` (MishBackward0). Arguments: `mish(input, inplace=False)`.
 *
 * @example
 * F.mish(torch.tensor([-1, 0, 2])); // [-0.3034, 0, 1.9440]
 */
export function mish(...args: PyArgs<[input: Tensor, inplace: boolean], Inplace>): Tensor {
  if (tracing) return trace_op('aten::mish', mish, args, MISH);
  const { input, inplace } = MISH.parse(args);
  return maybe_inplace(input, inplace, (x) =>
    pointwise('MishBackward0', x, (v) => v * Math.tanh(log1pexp(v)), (a) => {
      const t = tanh(softplus(a));
      return add(t, mul(mul(a, sigmoid(a)), rsub(mul(t, t), 1)));
    }));
}

const SOFTPLUS = signature<{ input: Tensor; beta: number; threshold: number }>('softplus(Tensor input, float beta=1, float threshold=20)');
/**
 * `log(1 + e^(βx)) / β`, linear where `βx > threshold` (SoftplusBackward0). Arguments:
 * `softplus(input, beta=1, threshold=20)`.
 *
 * @example
 * F.softplus(torch.tensor([-1, 0, 2])); // [0.3133, 0.6931, 2.1269]
 */
export function softplus(...args: PyArgs<[input: Tensor, beta: number, threshold: number], { input?: Tensor; beta?: number; threshold?: number }>): Tensor {
  if (tracing) return trace_op('aten::softplus', softplus, args, SOFTPLUS);
  const { input, beta, threshold } = SOFTPLUS.parse(args);
  return pointwise('SoftplusBackward0', input, (v) => (v * beta > threshold ? v : log1pexp(v * beta) / beta), (a) => {
    const z = mul(a, beta);
    return where(gt(z, threshold), 1, sigmoid(z));
  });
}

const LOGSIGMOID = signature<{ input: Tensor }>('log_sigmoid(Tensor input)');
/**
 * `log σ(x)` = `−softplus(−x)` (LogSigmoidBackward0). Arguments: `logsigmoid(input)`.
 *
 * @example
 * F.logsigmoid(torch.tensor([-1, 0, 2])); // [-1.3133, -0.6931, -0.1269]
 */
export function logsigmoid(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::logsigmoid', logsigmoid, args, LOGSIGMOID);
  const { input } = LOGSIGMOID.parse(args);
  return pointwise('LogSigmoidBackward0', input, (v) => -log1pexp(-v), (a) => sigmoid(neg(a)));
}

const SHRINK = (name: string) => signature<{ input: Tensor; lambd: number }>(`${name}(Tensor input, float lambd=0.5)`);
const HARDSHRINK = SHRINK('hardshrink');
const SOFTSHRINK = SHRINK('softshrink');
type ShrinkArgs = PyArgs<[input: Tensor, lambd: number], { input?: Tensor; lambd?: number }>;

/**
 * `x` where `|x| > lambd`, else 0 (HardshrinkBackward0). Arguments: `hardshrink(input, lambd=0.5)`.
 *
 * @example
 * F.hardshrink(torch.tensor([-1, 0.2, 0.7])); // [-1, 0, 0.7]
 */
export function hardshrink(...args: ShrinkArgs): Tensor {
  if (tracing) return trace_op('aten::hardshrink', hardshrink, args, HARDSHRINK);
  const { input, lambd } = HARDSHRINK.parse(args);
  return pointwise('HardshrinkBackward0', input, (v) => (v > lambd || v < -lambd ? v : 0), (a) => mask(gt(abs(a), lambd), a));
}

/**
 * `x ∓ lambd` outside `[-lambd, lambd]`, else 0 (SoftshrinkBackward0). Arguments: `softshrink(input, lambd=0.5)`.
 *
 * @example
 * F.softshrink(torch.tensor([-1, 0.2, 0.7])); // [-0.5, 0, 0.2]
 */
export function softshrink(...args: ShrinkArgs): Tensor {
  if (tracing) return trace_op('aten::softshrink', softshrink, args, SOFTSHRINK);
  const { input, lambd } = SOFTSHRINK.parse(args);
  if (lambd < 0) throw new Error(`lambda must be greater or equal to 0, but found to be ${lambd}.`);
  return pointwise('SoftshrinkBackward0', input, (v) => (v > lambd ? v - lambd : v < -lambd ? v + lambd : 0), (a) => mask(gt(abs(a), lambd), a));
}

const THRESHOLD = signature<{ input: Tensor; threshold: number; value: number; inplace: boolean }>('threshold(Tensor input, float threshold, float value, bool inplace=False)');
/**
 * `x` where `x > threshold`, else `value` (ThresholdBackward0). Arguments:
 * `threshold(input, threshold, value, inplace=False)`.
 *
 * @example
 * F.threshold(torch.tensor([-1, 0.5, 2]), 1, 0); // [0, 0, 2]
 */
export function threshold(...args: PyArgs<[input: Tensor, threshold: number, value: number, inplace: boolean], Inplace & { threshold?: number; value?: number }>): Tensor {
  if (tracing) return trace_op('aten::threshold', threshold, args, THRESHOLD);
  const { input, threshold: th, value, inplace } = THRESHOLD.parse(args);
  if (!input.is_floating_point()) throw new Error(`"threshold" not implemented for '${scalar_type_name(input._dtype)}'`);
  return maybe_inplace(input, inplace, (x, k) => {
    const out = map_values(x, (v) => (v > th ? v : value));
    record(`ThresholdBackward${k}`, [x], [out], (ctx, [g]) => [threshold_backward(g!, ctx.saved_tensors[0]!, th)], [x]);
    return out;
  });
}

const SOFTSIGN = signature<{ input: Tensor }>('softsign(Tensor input)');
/**
 * `x / (1 + |x|)`, composed as PyTorch composes it (DivBackward0). Arguments: `softsign(input)`.
 *
 * @example
 * F.softsign(torch.tensor([-1, 0, 2])); // [-0.5, 0, 0.6667]
 */
export function softsign(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::softsign', softsign, args, SOFTSIGN);
  const { input } = SOFTSIGN.parse(args);
  return div(input, add(abs(input), 1));
}

const TANHSHRINK = signature<{ input: Tensor }>('tanhshrink(Tensor input)');
/**
 * `x − tanh(x)`, composed (SubBackward0). Arguments: `tanhshrink(input)`.
 *
 * @example
 * F.tanhshrink(torch.tensor([-1, 0, 2])); // [-0.2384, 0, 1.0360]
 */
export function tanhshrink(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::tanhshrink', tanhshrink, args, TANHSHRINK);
  const { input } = TANHSHRINK.parse(args);
  return sub(input, tanh(input));
}

const GLU = signature<{ input: Tensor; dim: number }>('glu(Tensor input, int dim=-1)');
/**
 * Gated linear unit: `a·σ(b)` where `a`, `b` are the halves of `input` along `dim` (GluBackward0). Arguments:
 * `glu(input, dim=-1)`; the size along `dim` must be even.
 *
 * @example
 * F.glu(torch.tensor([1, 2, 0, 100])); // [0.5, 2]
 */
export function glu(...args: PyArgs<[input: Tensor, dim: number], { input?: Tensor; dim?: number }>): Tensor {
  if (tracing) return trace_op('aten::glu', glu, args, GLU);
  const { input, dim } = GLU.parse(args);
  if (input.ndim === 0) throw new Error('glu does not support scalars because halving size must be even');
  const d = normalize_dim(dim, input.ndim);
  const n = input._shape[d]!;
  if (n % 2 !== 0) throw new Error(`Halving dimension must be even, but dimension ${d} is size ${n}`);
  const half = n / 2;
  const out = no_grad(() => {
    const a = narrow(input, d, 0, half);
    return mul(a, sigmoid(narrow(input, d, half, half)));
  });
  record('GluBackward0', [input], [out], (ctx, [g]) => {
    const x = ctx.saved_tensors[0]!;
    const a = narrow(x, d, 0, half);
    const s = sigmoid(narrow(x, d, half, half));
    const ga = mul(g!, s);
    const gb = mul(mul(mul(g!, a), s), rsub(s, 1));
    return [cat([ga, gb], d)];
  }, [input]);
  return out;
}

const PRELU = signature<{ input: Tensor; weight: Tensor }>('prelu(Tensor input, Tensor weight)');
/**
 * `x` where positive, `weight·x` elsewhere, one slope per channel (dim 1) or one for all
 * (PreluKernelBackward0, PyTorch 2.x's node). Arguments: `prelu(input, weight)`.
 *
 * @example
 * F.prelu(torch.tensor([-2, 3]), torch.tensor([0.25])); // [-0.5, 3]
 */
export function prelu(...args: PyArgs<[input: Tensor, weight: Tensor], { input?: Tensor; weight?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::prelu', prelu, args, PRELU);
  const { input, weight } = PRELU.parse(args);
  const channels = input.ndim >= 2 ? input._shape[1]! : 1;
  const n = weight.numel();
  if (weight.ndim > 1) throw new Error(`prelu: Expected \`weight\` to be a scalar or 1D tensor, but got: ndim = ${weight.ndim}`);
  if (n !== 1 && n !== channels) {
    throw new Error(`Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${channels}.`);
  }
  const wshape = input._shape.map((_, i) => (i === 1 && n > 1 ? n : 1));
  const forward = (x: Tensor, w: Tensor): Tensor => {
    const wb = w.reshape(wshape);
    return where(gt(x, 0), x, mul(wb, x));
  };
  const out = no_grad(() => forward(input, weight));
  record('PreluKernelBackward0', [input, weight], [out], (ctx, [g]) => {
    const [x, w] = ctx.saved_tensors as [Tensor, Tensor];
    const pos = gt(x, 0);
    const gx = ctx.needs_input_grad(0) ? where(pos, g!, mul(w.reshape(wshape), g!)) : null;
    const gw = ctx.needs_input_grad(1) ? sum_to(where(pos, 0, mul(x, g!)), wshape).reshape(weight._shape) : null;
    return [gx, gw];
  }, [input, weight]);
  return out;
}

const RRELU = signature<{ input: Tensor; lower: number; upper: number; training: boolean; inplace: boolean }>(
  'rrelu(Tensor input, float lower=0.125, float upper=0.3333333333333333, bool training=False, bool inplace=False)');
/**
 * Randomised leaky ReLU: negative inputs are scaled by a slope drawn from `U(lower, upper)` per element in
 * training, by `(lower + upper) / 2` in eval (RreluWithNoiseBackward0). Arguments:
 * `rrelu(input, lower=1/8, upper=1/3, training=False, inplace=False)`; training draws from the default generator.
 *
 * @example
 * F.rrelu(torch.tensor([-1, 2])); // eval slope 0.2292: [-0.2292, 2]
 */
export function rrelu(...args: PyArgs<[input: Tensor, lower: number, upper: number, training: boolean, inplace: boolean], Inplace & { lower?: number; upper?: number; training?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::rrelu', rrelu, args, RRELU);
  const { input, lower, upper, training, inplace } = RRELU.parse(args);
  if (lower > upper) throw new Error(`Lower bound should be less than or equal to the upper bound`);
  return maybe_inplace(input, inplace, (x, k) => {
    const noise = no_grad(() => {
      const src = x._contiguous_data();
      const t = Tensor.empty(x._shape, float_dtype(x._dtype));
      const d = t._storage.data;
      const eval_slope = (lower + upper) / 2;
      // PyTorch draws a double uniform on [lower, upper) (the bounds in the input's precision) per element <= 0
      const cast = t._dtype === 'float32' ? Math.fround : (v: number): number => v;
      const [lo, range] = [cast(lower), cast(upper) - cast(lower)];
      for (let i = 0; i < d.length; i++) d[i] = src[i]! > 0 ? 1 : training ? fma_f64(default_generator.random(), range, lo) : eval_slope;
      return t;
    });
    const out = no_grad(() => mul(x, noise));
    // in place with a fixed negative slope PyTorch's backward is leaky_relu's on the result, which it refuses
    const refuse = k === 1 && (!training || upper - lower <= 1e-6) && (lower + upper) / 2 < 0;
    record(`RreluWithNoiseBackward${k}`, [x], [out], (_c, [g]) => {
      if (refuse) throw new Error(LEAKY_RELU_INPLACE_NEGATIVE_SLOPE);
      return [mul(g!, noise)];
    });
    return out;
  });
}

const RRELU_INPLACE = signature<{ input: Tensor; lower: number; upper: number; training: boolean }>(
  'rrelu_(Tensor input, float lower=0.125, float upper=0.3333333333333333, bool training=False)');
/**
 * In-place {@link rrelu} (RreluWithNoiseBackward1), PyTorch's `torch.rrelu_(input, lower, upper, training)`. A
 * negative eval slope cannot be differentiated from the result alone: its backward raises PyTorch's error.
 *
 * @returns `input`
 * @example
 * torch.rrelu_(x.clone(), 0.1, 0.3);
 */
export function rrelu_(...args: PyArgs<[input: Tensor, lower: number, upper: number, training: boolean], { input?: Tensor; lower?: number; upper?: number; training?: boolean }>): Tensor {
  const { input, lower, upper, training } = RRELU_INPLACE.parse(args);
  return rrelu(input, lower, upper, training, true);
}

const SOFTMIN = signature<{ input: Tensor; dim: number | null; dtype: string | null }>('softmin(Tensor input, int? dim=None, *, ScalarType? dtype=None)');
/**
 * `softmax(−x, dim)` (SoftmaxBackward0 over NegBackward0). Arguments: `softmin(input, dim=None, *, dtype=None)`;
 * without `dim` PyTorch's legacy choice applies, with its deprecation warning.
 *
 * @example
 * F.softmin(torch.tensor([1, 2]), 0); // [0.7311, 0.2689]
 */
export function softmin(...args: PyArgs<[input: Tensor, dim: number | null], { input?: Tensor; dim?: number | null; dtype?: string | null }>): Tensor {
  if (tracing) return trace_op('aten::softmin', softmin, args, SOFTMIN);
  const { input, dim, dtype } = SOFTMIN.parse(args);
  const x = dtype === null ? input : to_dtype(input, dtype as Tensor['_dtype']);
  return softmax(neg(x), dim ?? implicit_softmax_dim('softmin', x.ndim));
}

/**
 * PyTorch's legacy dim choice for softmax-like calls without `dim`: 0 for 0-, 1- and 3-dim inputs, else 1. Warns
 * with PyTorch's deprecation message.
 *
 * @param name - the calling function's name, for the warning
 * @param ndim - the input's number of dims
 * @example
 * torch.implicit_softmax_dim('softmax', 2); // 1 (and a warning)
 */
export function implicit_softmax_dim(name: string, ndim: number): number {
  const dim = ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
  warn(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`);
  return dim;
}
