// nn.init: in-place parameter initialisers with PyTorch's fan and gain rules.
import { no_grad, type Tensor, default_generator, type Generator } from '@tsgrad/core';

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
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

function fan(t: Tensor, mode: FanMode): number {
  const [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return mode === 'fan_in' ? fan_in : fan_out;
}

/** Fills with U(a, b). @example nn.init.uniform_(w, -0.1, 0.1) */
export function uniform_(t: Tensor, a = 0, b = 1, generator: Generator = default_generator): Tensor {
  return no_grad(() => fill_with(t, () => a + (b - a) * generator.random()));
}

/**
 * Fills with N(mean, std²).
 *
 * @example
 * nn.init.normal_(emb.weight, 0, 0.02);
 */
export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = default_generator): Tensor {
  return no_grad(() => fill_with(t, () => mean + std * generator.normal()));
}

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

function fill_with(t: Tensor, f: () => number): Tensor {
  if (skipping > 0) return t;
  const tmp = t.detach().clone();
  const d = tmp._storage.data;
  for (let i = 0; i < d.length; i++) d[i] = f();
  t.copy_(tmp);
  return t;
}

/**
 * Fills with N(mean, std²) truncated to `[a, b]` (redrawn until inside; PyTorch draws by the inverse CDF, so
 * the streams differ while the distribution is the same).
 *
 * @example
 * nn.init.trunc_normal_(w, 0, 0.02)
 */
export function trunc_normal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, generator: Generator = default_generator): Tensor {
  if (!(a < b)) throw new Error(`trunc_normal_: the bounds must satisfy a < b, got a=${a}, b=${b}`);
  return no_grad(() =>
    fill_with(t, () => {
      for (;;) {
        const v = mean + std * generator.normal();
        if (v >= a && v <= b) return v;
      }
    }),
  );
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

/**
 * Xavier/Glorot uniform: U(-a, a) with a = gain·√(6/(fan_in+fan_out)).
 *
 * @example
 * nn.init.xavier_uniform_(fc.weight, nn.init.calculate_gain('tanh'));
 */
export function xavier_uniform_(t: Tensor, gain = 1, generator: Generator = default_generator): Tensor {
  const [fi, fo] = calculate_fan_in_and_fan_out(t);
  const a = gain * Math.sqrt(6 / (fi + fo));
  return no_grad(() => fill_with(t, () => -a + 2 * a * generator.random()));
}

/**
 * Xavier/Glorot normal: N(0, gain²·2/(fan_in+fan_out)).
 *
 * @example
 * nn.init.xavier_normal_(fc.weight);
 */
export function xavier_normal_(t: Tensor, gain = 1, generator: Generator = default_generator): Tensor {
  const [fi, fo] = calculate_fan_in_and_fan_out(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fi + fo)), generator);
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
  generator?: Generator;
}

/**
 * He uniform: U(-b, b) with b = gain·√(3/fan). PyTorch's default Linear/Conv init uses `a = √5`.
 *
 * @example
 * nn.init.kaiming_uniform_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 */
export function kaiming_uniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const gain = calculate_gain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const bound = gain * Math.sqrt(3 / fan(t, options.mode ?? 'fan_in'));
  const g = options.generator ?? default_generator;
  return no_grad(() => fill_with(t, () => -bound + 2 * bound * g.random()));
}

/**
 * He normal: N(0, (gain/√fan)²).
 *
 * @example
 * nn.init.kaiming_normal_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' }); // torchvision's ResNet init
 */
export function kaiming_normal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const gain = calculate_gain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return normal_(t, 0, gain / Math.sqrt(fan(t, options.mode ?? 'fan_in')), options.generator ?? default_generator);
}

/**
 * PyTorch's default Linear/Conv initialisation: weight kaiming-uniform with `a = √5` (U(-1/√fan_in, 1/√fan_in)),
 * bias U(-1/√fan_in, 1/√fan_in).
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
