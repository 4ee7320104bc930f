// Linear and Identity layers.
import { check_device, empty, linear, signature, type DeviceLike, type DType, type DTypeLike, type PyArgs, type Tensor } from '@tsgrad/core';
import { default_layer_init_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { py_repr } from '../python_repr.js';

const LINEAR = signature<{ in_features: number; out_features: number; bias: boolean; device: DeviceLike | null; dtype: DType | null }>(
  'Linear(int in_features, int out_features, bool bias=True, Device? device=None, ScalarType? dtype=None)',
  // sizes that are not ints reach torch.empty first, whose error names its 'size'
  { native: { in_features: 'size', out_features: 'size' } });

/**
 * `y = x Wᵀ + b` with PyTorch's default init (weights and bias U(-1/√in, 1/√in)). Options: `in_features`,
 * `out_features`, `bias` (default true), `dtype`.
 *
 * @example
 * const fc = new nn.Linear(320, 50);
 * fc.call(torch.randn([64, 320])).shape; // [64, 50]
 */
export class Linear extends Module {
  static override readonly __name__: string = 'Linear';
  /** The weights `[out_features, in_features]`. */
  declare weight: Parameter;
  /** The bias `[out_features]`, or null when built with `bias: false`. */
  declare bias: Parameter | null;
  /** Size of each input sample. */
  readonly in_features: number;
  /** Size of each output sample. */
  readonly out_features: number;

  constructor(...args: PyArgs<[in_features: number, out_features: number, bias: boolean], { in_features?: number; out_features?: number; bias?: boolean; device?: DeviceLike | null; dtype?: DTypeLike | null }>) {
    super();
    const a = LINEAR.parse(args);
    check_device(a.device);
    this.in_features = a.in_features;
    this.out_features = a.out_features;
    this.weight = new Parameter(empty([a.out_features, a.in_features], { dtype: a.dtype }));
    if (a.bias) this.bias = new Parameter(empty([a.out_features], { dtype: a.dtype }));
    else this.register_parameter('bias', null);
    this.reset_parameters();
  }

  /** Re-initialises `weight` and `bias` with PyTorch's default, U(-1/√in_features, 1/√in_features). */
  reset_parameters(): void {
    default_layer_init_(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extra_repr(): string {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${py_repr(this.bias !== null)}`;
  }
}

/**
 * Returns its input unchanged.
 *
 * @example
 * const head = new nn.Identity(); // stands in for a removed classifier
 * head.call(x) === x; // true
 */
export class Identity extends Module {
  static override readonly __name__: string = 'Identity';
  override forward(input: Tensor): Tensor {
    return input;
  }
}

