// Pooling layers: AvgPool2d, AdaptiveAvgPool2d (MaxPool2d is with the other max poolings in pooling_nd.ts).
import { adaptive_avg_pool2d, avg_pool2d, signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';
import { py_repr } from '../python_repr.js';

type Size2 = number | [number, number];

const AVG_POOL2D = signature<{ kernel_size: Size2; stride: Size2 | null; padding: Size2; ceil_mode: boolean; count_include_pad: boolean; divisor_override: number | null }>(
  'AvgPool2d(int|int[2] kernel_size, int|int[2]? stride=None, int|int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)');
const ADAPTIVE_AVG_POOL2D = signature<{ output_size: Size2 | [number | null, number | null] }>('AdaptiveAvgPool2d(int|int?[2] output_size)');


/**
 * Average pooling over `[N, C, H, W]` (or `[C, H, W]`).
 *
 * @example
 * const pool = new nn.AvgPool2d(2);
 * pool.call(torch.randn([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 */
export class AvgPool2d extends Module {
  static override readonly __name__: string = 'AvgPool2d';
  /** Step of the window, as given; defaults to `kernel_size`. */
  readonly stride: Size2;
  /** Implicit zero padding on both sides. */
  readonly padding: Size2;
  /** Whether the output size is rounded up instead of down. */
  readonly ceil_mode: boolean;
  /** Whether the zero padding counts in the average's divisor. */
  readonly count_include_pad: boolean;
  /** If set, the divisor used instead of the window size. */
  readonly divisor_override: number | null;
  /** Size of the pooling window, as given (one int for every dim, or one per dim). */
  readonly kernel_size: Size2;

  constructor(...args: PyArgs<[kernel_size: Size2, stride: Size2 | null, padding: Size2, ceil_mode: boolean, count_include_pad: boolean, divisor_override: number | null], {
    kernel_size?: Size2; stride?: Size2 | null; padding?: Size2; ceil_mode?: boolean; count_include_pad?: boolean; divisor_override?: number | null;
  }>) {
    super();
    const a = AVG_POOL2D.parse(args);
    this.kernel_size = a.kernel_size;
    this.stride = a.stride ?? a.kernel_size;
    this.padding = a.padding;
    this.ceil_mode = a.ceil_mode;
    this.count_include_pad = a.count_include_pad;
    this.divisor_override = a.divisor_override;
  }

  override forward(input: Tensor): Tensor {
    return avg_pool2d(input, this.kernel_size, {
      stride: this.stride, padding: this.padding, ceil_mode: this.ceil_mode, count_include_pad: this.count_include_pad, divisor_override: this.divisor_override,
    });
  }

  override extra_repr(): string {
    return `kernel_size=${py_repr(this.kernel_size)}, stride=${py_repr(this.stride)}, padding=${py_repr(this.padding)}`;
  }
}

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
