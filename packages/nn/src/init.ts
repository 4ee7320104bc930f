// nn.init: in-place parameter initialisers with PyTorch's fan and gain rules.
import { no_grad, signature, warn, type Generator, type PyArgs, type Tensor } from '@tsgrad/core';

/** The nonlinearities `calculate_gain` knows (PyTorch's names). */
export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
/** Which fan Kaiming initialisation preserves: 'fan_in' (the forward pass's variance) or 'fan_out' (the backward pass's). */
export type FanMode = 'fan_in' | 'fan_out';

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`).
 *
 * @example
 * nn.init.calculate_gain('relu'); // 1.4142135623730951
 * nn.init.calculate_gain('leaky_relu', 0.2);
 */
export function calculate_gain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/**
 * `[fan_in, fan_out]` of a weight: `in * receptive field`, `out * receptive field`.
 *
 * @example
 * nn.init.calculate_fan_in_and_fan_out(torch.empty([16, 3, 5, 5])); // [75, 400]
 */
export function calculate_fan_in_and_fan_out(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new Error('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = t._shape.slice(2).reduce((a, b) => a * b, 1);
  return [t._shape[1]! * receptive, t._shape[0]! * receptive];
}

function fan(t: Tensor, mode: FanMode): number {
  const [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return mode === 'fan_in' ? fan_in : fan_out;
}

type Gen = { generator?: Generator | null };
const UNIFORM = signature<{ tensor: Tensor; a: number; b: number; generator: Generator | null }>('uniform_(Tensor tensor, float a=0., float b=1., Generator? generator=None)');
const NORMAL = signature<{ tensor: Tensor; mean: number; std: number; generator: Generator | null }>('normal_(Tensor tensor, float mean=0., float std=1., Generator? generator=None)');
const TRUNC_NORMAL = signature<{ tensor: Tensor; mean: number; std: number; a: number; b: number; generator: Generator | null }>(
  'trunc_normal_(Tensor tensor, float mean=0., float std=1., float a=-2., float b=2., Generator? generator=None)');

let skipping = 0;

/**
 * Runs `build` with the random initialisers of `nn.init` turned into no-ops, so parameters keep their empty
 * (zero) values: what `nn.utils.skip_init` builds on. Use it when the weights are loaded right after.
 *
 * @example
 * const net = nn.init.without_random_init(() => new Net());
 * net.load_state_dict(nn.load_file('weights.safetensors'));
 */
export function without_random_init<T>(build: () => T): T {
  skipping++;
  try {
    return build();
  } finally {
    skipping--;
  }
}

/** `tensor.uniform_(a, b)` without recording, as PyTorch's `_no_grad_uniform_` (a no-op inside `without_random_init`). */
function draw_uniform(t: Tensor, a: number, b: number, generator: Generator | null): Tensor {
  return skipping > 0 ? t : no_grad(() => t.uniform_(a, b, { generator }));
}
/** `tensor.normal_(mean, std)` without recording (a no-op inside `without_random_init`). */
function draw_normal(t: Tensor, mean: number, std: number, generator: Generator | null): Tensor {
  return skipping > 0 ? t : no_grad(() => t.normal_(mean, std, { generator }));
}

/**
 * Fills with U(a, b), drawing PyTorch's stream (`tensor.uniform_(a, b)`).
 *
 * @example
 * nn.init.uniform_(w, -0.1, 0.1);
 */
export function uniform_(...args: PyArgs<[tensor: Tensor, a: number, b: number, generator: Generator | null], Gen & { a?: number; b?: number }>): Tensor {
  const { tensor, a, b, generator } = UNIFORM.parse(args);
  return draw_uniform(tensor, a, b, generator);
}

/**
 * Fills with N(mean, std²), drawing PyTorch's stream (`tensor.normal_(mean, std)`).
 *
 * @example
 * nn.init.normal_(emb.weight, 0, 0.02);
 */
export function normal_(...args: PyArgs<[tensor: Tensor, mean: number, std: number, generator: Generator | null], Gen & { mean?: number; std?: number }>): Tensor {
  const { tensor, mean, std, generator } = NORMAL.parse(args);
  return draw_normal(tensor, mean, std, generator);
}

/** The standard normal CDF, as PyTorch's `norm_cdf` (`(1 + erf(x/√2)) / 2`). */
const norm_cdf = (x: number): number => (1 + erf(x / Math.SQRT2)) / 2;

/**
 * Fills with N(mean, std²) truncated to `[a, b]` as PyTorch does: uniform values between the CDFs of the bounds,
 * mapped through the inverse error function, scaled, shifted and clamped.
 *
 * @example
 * nn.init.trunc_normal_(w, 0, 0.02);
 */
export function trunc_normal_(...args: PyArgs<[tensor: Tensor, mean: number, std: number, a: number, b: number, generator: Generator | null], Gen & { mean?: number; std?: number; a?: number; b?: number }>): Tensor {
  const { tensor, mean, std, a, b, generator } = TRUNC_NORMAL.parse(args);
  if (mean < a - 2 * std || mean > b + 2 * std) {
    warn('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.');
  }
  if (skipping > 0) return tensor;
  const l = norm_cdf((a - mean) / std);
  const u = norm_cdf((b - mean) / std);
  return no_grad(() => {
    tensor.uniform_(2 * l - 1, 2 * u - 1, { generator });
    const probe = tensor.detach().clone();
    const d = probe._storage.data;
    for (let i = 0; i < d.length; i++) d[i] = erfinv(d[i]!);
    tensor.copy_(probe);
    tensor.mul_(std * Math.SQRT2);
    tensor.add_(mean);
    return tensor.clamp_({ min: a, max: b });
  });
}

/** The error function: its Taylor series near 0, the continued fraction of erfc beyond (relative error about 1e-15). */
function erf(x: number): number {
  const t = Math.abs(x);
  if (t < 2.5) {
    // Taylor series: erf(x) = 2/√π · Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = t;
    let sum = t;
    for (let n = 1; n < 60; n++) {
      term *= (-t * t) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * sum * 1.1283791670955126;
  }
  // continued fraction of erfc for larger arguments
  let f = 0;
  for (let n = 60; n >= 1; n--) f = (n / 2) / (t + f);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
  return Math.sign(x) * (1 - erfc);
}

/** The inverse error function: a rational first guess refined by Newton steps on `erf` (to double precision). */
function erfinv(y: number): number {
  if (!(Math.abs(y) <= 1)) return Number.NaN;
  if (Math.abs(y) === 1) return y * Number.POSITIVE_INFINITY;
  // Giles' single-precision approximation as the starting point
  let w = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w < 5) {
    w -= 2.5;
    x = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) x = c + x * w;
  } else {
    w = Math.sqrt(w) - 3;
    x = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) x = c + x * w;
  }
  x *= y;
  for (let i = 0; i < 3; i++) x -= (erf(x) - y) / (1.1283791670955126 * Math.exp(-x * x));
  return x;
}

/**
 * Fills `t` with `value` in place (without recording autograd history).
 *
 * @example
 * nn.init.constant_(conv.bias!, 0.1);
 */
export function constant_(t: Tensor, value: number): Tensor {
  return no_grad(() => t.fill_(value));
}
/**
 * Fills `t` with zeros in place.
 *
 * @example
 * nn.init.zeros_(fc.bias!);
 */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}
/**
 * Fills `t` with ones in place.
 *
 * @example
 * nn.init.ones_(bn.weight!);
 */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

const XAVIER_UNIFORM = signature<{ tensor: Tensor; gain: number; generator: Generator | null }>('xavier_uniform_(Tensor tensor, float gain=1., Generator? generator=None)');
const XAVIER_NORMAL = signature<{ tensor: Tensor; gain: number; generator: Generator | null }>('xavier_normal_(Tensor tensor, float gain=1., Generator? generator=None)');

/**
 * Xavier/Glorot uniform: U(-a, a) with a = √3 · gain·√(2/(fan_in+fan_out)) (computed in that order, as PyTorch).
 *
 * @example
 * nn.init.xavier_uniform_(fc.weight, nn.init.calculate_gain('tanh'));
 */
export function xavier_uniform_(...args: PyArgs<[tensor: Tensor, gain: number, generator: Generator | null], Gen & { gain?: number }>): Tensor {
  const { tensor, gain, generator } = XAVIER_UNIFORM.parse(args);
  const [fi, fo] = calculate_fan_in_and_fan_out(tensor);
  const std = gain * Math.sqrt(2 / (fi + fo));
  const a = Math.sqrt(3) * std;
  return draw_uniform(tensor, -a, a, generator);
}

/**
 * Xavier/Glorot normal: N(0, gain²·2/(fan_in+fan_out)).
 *
 * @example
 * nn.init.xavier_normal_(fc.weight);
 */
export function xavier_normal_(...args: PyArgs<[tensor: Tensor, gain: number, generator: Generator | null], Gen & { gain?: number }>): Tensor {
  const { tensor, gain, generator } = XAVIER_NORMAL.parse(args);
  const [fi, fo] = calculate_fan_in_and_fan_out(tensor);
  return draw_normal(tensor, 0, gain * Math.sqrt(2 / (fi + fo)), generator);
}

/** Options of `kaiming_uniform_` and `kaiming_normal_`. */
export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (for leaky_relu). Default 0. */
  a?: number;
  /** 'fan_in' (default) or 'fan_out'. */
  mode?: FanMode;
  /** The nonlinearity after this layer; 'relu' or 'leaky_relu' (default) are the intended ones. */
  nonlinearity?: Nonlinearity;
  /** Source of the random numbers; default `torch.default_generator`. */
  generator?: Generator | null;
}
type KaimingArgs = PyArgs<[tensor: Tensor, a: number, mode: FanMode, nonlinearity: Nonlinearity, generator: Generator | null], KaimingOptions>;
type KaimingMade = { tensor: Tensor; a: number; mode: FanMode; nonlinearity: Nonlinearity; generator: Generator | null };
const KAIMING_UNIFORM = signature<KaimingMade>("kaiming_uniform_(Tensor tensor, float a=0, str mode='fan_in', str nonlinearity='leaky_relu', Generator? generator=None)");
const KAIMING_NORMAL = signature<KaimingMade>("kaiming_normal_(Tensor tensor, float a=0, str mode='fan_in', str nonlinearity='leaky_relu', Generator? generator=None)");

/** Kaiming's standard deviation `gain / √fan`, or null (with PyTorch's warning) for a zero-element tensor. */
function kaiming_std(k: KaimingMade): number | null {
  if (k.tensor._shape.includes(0)) {
    warn('Initializing zero-element tensors is a no-op');
    return null;
  }
  if (k.mode !== 'fan_in' && k.mode !== 'fan_out') throw new Error(`Mode ${String(k.mode)} not supported, please use one of fan_in, fan_out`);
  return calculate_gain(k.nonlinearity, k.a) / Math.sqrt(fan(k.tensor, k.mode));
}

/**
 * He uniform: U(-b, b) with b = √3 · gain/√fan. PyTorch's default Linear/Conv init uses `a = √5`.
 *
 * @example
 * nn.init.kaiming_uniform_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * nn.init.kaiming_uniform_(fc.weight, Math.sqrt(5));
 */
export function kaiming_uniform_(...args: KaimingArgs): Tensor {
  const k = KAIMING_UNIFORM.parse(args);
  const std = kaiming_std(k);
  if (std === null) return k.tensor;
  const bound = Math.sqrt(3) * std;
  return draw_uniform(k.tensor, -bound, bound, k.generator);
}

/**
 * He normal: N(0, (gain/√fan)²).
 *
 * @example
 * nn.init.kaiming_normal_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' }); // torchvision's ResNet init
 */
export function kaiming_normal_(...args: KaimingArgs): Tensor {
  const k = KAIMING_NORMAL.parse(args);
  const std = kaiming_std(k);
  return std === null ? k.tensor : draw_normal(k.tensor, 0, std, k.generator);
}

/**
 * PyTorch's default Linear/Conv initialisation (`reset_parameters`): weight kaiming-uniform with `a = √5`
 * (U(-1/√fan_in, 1/√fan_in)), then bias U(-1/√fan_in, 1/√fan_in), in that draw order.
 *
 * @example
 * nn.init.default_layer_init_(fc.weight, fc.bias); // what nn.Linear does at construction
 */
export function default_layer_init_(weight: Tensor, bias: Tensor | null): void {
  kaiming_uniform_(weight, { a: Math.sqrt(5) });
  if (bias === null) return;
  const [fan_in] = calculate_fan_in_and_fan_out(weight);
  const bound = fan_in > 0 ? 1 / Math.sqrt(fan_in) : 0;
  uniform_(bias, -bound, bound);
}

export { eye_, dirac_, orthogonal_, sparse_ } from './init_matrix.js';
