// Pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d.
import { adaptive_avg_pool2d, avg_pool2d, max_pool2d, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';
import { py_repr } from '../python_repr.js';

type Size2 = number | [number, number];

/**
 * Max pooling; `new nn.MaxPool2d(2, 2)` or `new nn.MaxPool2d(k, { stride, padding, dilation, ceil_mode })`.
 *
 * @example
 * new nn.MaxPool2d(2).call(torch.randn([1, 10, 24, 24])).shape; // [1, 10, 12, 12]
 */
export class MaxPool2d extends Module {
  static override readonly __name__: string = 'MaxPool2d';
  readonly stride: Size2;
  readonly padding: Size2;
  readonly dilation: Size2;
  readonly ceil_mode: boolean;
  readonly return_indices: boolean;

  constructor(readonly kernel_size: Size2, options: Size2 | { stride?: Size2 | null; padding?: Size2; dilation?: Size2; ceil_mode?: boolean; return_indices?: boolean } = {}) {
    super();
    const o = typeof options === 'number' || Array.isArray(options) ? { stride: options } : options;
    this.stride = o.stride ?? kernel_size;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.ceil_mode = o.ceil_mode ?? false;
    this.return_indices = o.return_indices ?? false;
  }

  override forward(input: Tensor): Tensor {
    return max_pool2d(input, this.kernel_size, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceil_mode: this.ceil_mode });
  }

  override extra_repr(): string {
    return `kernel_size=${py_repr(this.kernel_size)}, stride=${py_repr(this.stride)}, padding=${py_repr(this.padding)}, dilation=${py_repr(this.dilation)}, ceil_mode=${py_repr(this.ceil_mode)}`;
  }
}

/** Average pooling. */
export class AvgPool2d extends Module {
  static override readonly __name__: string = 'AvgPool2d';
  readonly stride: Size2;
  readonly padding: Size2;
  readonly ceil_mode: boolean;
  readonly count_include_pad: boolean;
  readonly divisor_override: number | null;

  constructor(readonly kernel_size: Size2, options: Size2 | { stride?: Size2 | null; padding?: Size2; ceil_mode?: boolean; count_include_pad?: boolean; divisor_override?: number | null } = {}) {
    super();
    const o = typeof options === 'number' || Array.isArray(options) ? { stride: options } : options;
    this.stride = o.stride ?? kernel_size;
    this.padding = o.padding ?? 0;
    this.ceil_mode = o.ceil_mode ?? false;
    this.count_include_pad = o.count_include_pad ?? true;
    this.divisor_override = o.divisor_override ?? null;
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

/** Adaptive average pooling to a fixed output size (1 gives global average pooling). */
export class AdaptiveAvgPool2d extends Module {
  static override readonly __name__: string = 'AdaptiveAvgPool2d';
  constructor(readonly output_size: Size2) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return adaptive_avg_pool2d(input, this.output_size);
  }

  override extra_repr(): string {
    return `output_size=${py_repr(this.output_size)}`;
  }
}
