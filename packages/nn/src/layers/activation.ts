// Activation modules: ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, LogSoftmax, GELU.
import type { NoArgs } from './activation_pointwise.js';
import { gelu, leaky_relu, log_softmax, relu, sigmoid, signature, softmax, tanh, type PyArgs, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';
import { py_repr } from '../python_repr.js';

const RELU = signature<{ inplace: boolean }>('ReLU(bool inplace=False)');
const LEAKY_RELU = signature<{ negative_slope: number; inplace: boolean }>('LeakyReLU(float negative_slope=0.01, bool inplace=False)');
const SOFTMAX = signature<{ dim: number | null }>('Softmax(int? dim=None)');
const LOG_SOFTMAX = signature<{ dim: number | null }>('LogSoftmax(int? dim=None)');
const SIGMOID_SIG = signature<object>('Sigmoid()');
const TANH_SIG = signature<object>('Tanh()');

/**
 * `max(x, 0)`; with `{ inplace: true }` it overwrites its input (relu_).
 *
 * @example
 * new nn.ReLU().call(torch.tensor([-1, 2])); // tensor([0., 2.])
 */
export class ReLU extends Module {
  static override readonly __name__: string = 'ReLU';
  /** Whether the input is overwritten with the result. */
  readonly inplace: boolean;
  constructor(...args: PyArgs<[inplace: boolean], { inplace?: boolean }>) {
    super();
    ({ inplace: this.inplace } = RELU.parse(args));
  }
  override forward(input: Tensor): Tensor {
    return this.inplace ? input.relu_() : relu(input);
  }
  override extra_repr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/**
 * `x` where positive, `negative_slope·x` elsewhere.
 *
 * @example
 * new nn.LeakyReLU(0.2).call(torch.tensor([-1, 1])); // tensor([-0.2000, 1.0000])
 */
export class LeakyReLU extends Module {
  static override readonly __name__: string = 'LeakyReLU';
  /** Slope for negative inputs. Default 0.01. */
  readonly negative_slope: number;
  /** Whether the input is overwritten with the result. */
  readonly inplace: boolean;
  constructor(...args: PyArgs<[negative_slope: number, inplace: boolean], { negative_slope?: number; inplace?: boolean }>) {
    super();
    ({ negative_slope: this.negative_slope, inplace: this.inplace } = LEAKY_RELU.parse(args));
  }
  override forward(input: Tensor): Tensor {
    return leaky_relu(input, this.negative_slope, this.inplace);
  }
  override extra_repr(): string {
    return `negative_slope=${py_repr(this.negative_slope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/**
 * The logistic function `1 / (1 + e^(−x))`, elementwise.
 *
 * @example
 * new nn.Sigmoid().call(torch.zeros([2])); // tensor([0.5000, 0.5000])
 */
export class Sigmoid extends Module {
  static override readonly __name__: string = 'Sigmoid';
  constructor(...args: NoArgs) {
    super();
    SIGMOID_SIG.parse(args);
  }
  override forward(input: Tensor): Tensor {
    return sigmoid(input);
  }
}

/**
 * Hyperbolic tangent, elementwise.
 *
 * @example
 * new nn.Tanh().call(x);
 */
export class Tanh extends Module {
  static override readonly __name__: string = 'Tanh';
  constructor(...args: NoArgs) {
    super();
    TANH_SIG.parse(args);
  }
  override forward(input: Tensor): Tensor {
    return tanh(input);
  }
}

const GELU_SIG = signature<{ approximate: 'none' | 'tanh' }>("GELU(str approximate='none')");

/** Gaussian error linear unit, exact (erf) unless `approximate: 'tanh'`. @example new nn.GELU('tanh').call(x) */
export class GELU extends Module {
  static override readonly __name__: string = 'GELU';
  /** 'none' (exact, with erf) or 'tanh' (the tanh approximation). */
  readonly approximate: 'none' | 'tanh';
  constructor(...args: PyArgs<[approximate: 'none' | 'tanh'], { approximate?: 'none' | 'tanh' }>) {
    super();
    this.approximate = GELU_SIG.parse(args).approximate;
    if (this.approximate !== 'none' && this.approximate !== 'tanh') throw new Error('approximate argument must be either none or tanh.');
  }
  override forward(input: Tensor): Tensor {
    return gelu(input, { approximate: this.approximate });
  }
  override extra_repr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/**
 * Softmax along `dim`: `exp(x) / Σ exp(x)`, so the values along `dim` are positive and sum to 1.
 *
 * @example
 * new nn.Softmax({ dim: 1 }).call(torch.randn([2, 3])).sum(1); // tensor([1., 1.])
 */
export class Softmax extends Module {
  static override readonly __name__: string = 'Softmax';
  /**
   * The dim along which the values sum to 1; null picks PyTorch's legacy default (0 for 0-, 1- and 3-D inputs, else
   * 1).
   */
  readonly dim: number | null;
  constructor(...args: PyArgs<[dim: number | null], { dim?: number | null }>) {
    super();
    ({ dim: this.dim } = SOFTMAX.parse(args));
  }
  override forward(input: Tensor): Tensor {
    return softmax(input, this.dim ?? (input.ndim <= 1 || input.ndim === 3 ? 0 : 1));
  }
  override extra_repr(): string {
    return `dim=${py_repr(this.dim)}`;
  }
}

/**
 * `log(softmax(x))` along `dim`, computed stably (pair it with `NLLLoss`).
 *
 * @example
 * const logp = new nn.LogSoftmax({ dim: 1 }).call(logits);
 */
export class LogSoftmax extends Module {
  static override readonly __name__: string = 'LogSoftmax';
  /**
   * The dim along which the values sum to 1; null picks PyTorch's legacy default (0 for 0-, 1- and 3-D inputs, else
   * 1).
   */
  readonly dim: number | null;
  constructor(...args: PyArgs<[dim: number | null], { dim?: number | null }>) {
    super();
    ({ dim: this.dim } = LOG_SOFTMAX.parse(args));
  }
  override forward(input: Tensor): Tensor {
    return log_softmax(input, this.dim ?? (input.ndim <= 1 || input.ndim === 3 ? 0 : 1));
  }
  override extra_repr(): string {
    return `dim=${py_repr(this.dim)}`;
  }
}
