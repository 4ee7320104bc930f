// Linear and Identity layers.
import { empty, linear, type Tensor } from '@tsgrad/core';
import { default_layer_init_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { py_repr } from '../python_repr.js';

/**
 * `y = x Wᵀ + b` with PyTorch's default init (weights and bias U(-1/√in, 1/√in)).
 *
 * @example
 * const fc = new nn.Linear(320, 50);
 * fc.call(torch.randn([64, 320])).shape; // [64, 50]
 */
export class Linear extends Module {
  static override readonly __name__: string = 'Linear';
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(readonly in_features: number, readonly out_features: number, options: { bias?: boolean; dtype?: 'float32' | 'float64' } = {}) {
    super();
    this.weight = new Parameter(empty([out_features, in_features], { dtype: options.dtype }));
    if (options.bias ?? true) this.bias = new Parameter(empty([out_features], { dtype: options.dtype }));
    else this.register_parameter('bias', null);
    this.reset_parameters();
  }

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

/** Returns its input unchanged. */
export class Identity extends Module {
  static override readonly __name__: string = 'Identity';
  override forward(input: Tensor): Tensor {
    return input;
  }
}

