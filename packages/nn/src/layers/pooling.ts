// Pooling layers: AdaptiveAvgPool2d (MaxPool2d and AvgPool2d are with the other ranks in pooling_nd.ts).
import { adaptive_avg_pool2d, signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { POOL_BASE } from './pooling_nd.js';
import { Module } from '../module.js';
import { py_repr } from '../python_repr.js';

type Size2 = number | [number, number];

const ADAPTIVE_AVG_POOL2D = signature<{ output_size: Size2 | [number | null, number | null] }>('AdaptiveAvgPool2d(int|int?[2] output_size)', POOL_BASE.adaptive_avg);


/**
 * Adaptive average pooling to a fixed output size (1 gives global average pooling).
 *
 * @example
 * new nn.AdaptiveAvgPool2d(1).call(torch.randn([2, 512, 7, 7])).shape; // [2, 512, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  static override readonly __name__: string = 'AdaptiveAvgPool2d';
  /** Target `[H, W]` (or one int for both; `null` keeps the input's size). */
  readonly output_size: Size2 | [number | null, number | null];
  constructor(...args: PyArgs<[output_size: Size2 | [number | null, number | null]], { output_size?: Size2 | [number | null, number | null] }>) {
    super();
    ({ output_size: this.output_size } = ADAPTIVE_AVG_POOL2D.parse(args));
  }

  override forward(input: Tensor): Tensor {
    return adaptive_avg_pool2d(input, this.output_size);
  }

  override extra_repr(): string {
    return `output_size=${py_repr(this.output_size)}`;
  }
}
