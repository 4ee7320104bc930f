// Conv2d: 2-D convolution layer with PyTorch's default init and repr.
import { check_device, conv2d, empty, signature, type DeviceLike, type DType, type PyArgs, type Tensor } from '@tsgrad/core';
import { default_layer_init_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { py_repr } from '../python_repr.js';

type Size2 = number | [number, number];
const pair = (v: Size2): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

const CONV2D = signature<{
  in_channels: number; out_channels: number; kernel_size: [number, number]; stride: [number, number];
  padding: [number, number] | string; dilation: [number, number]; groups: number; bias: boolean; padding_mode: string;
  device: DeviceLike | null; dtype: DType | null;
}>("Conv2d(int in_channels, int out_channels, int[2] kernel_size, int[2] stride=1, int[2]|str padding=0, int[2] dilation=1, int groups=1, bool bias=True, str padding_mode='zeros', Device? device=None, ScalarType? dtype=None)");

export interface Conv2dLayerOptions {
  stride?: Size2;
  padding?: Size2 | 'same' | 'valid';
  dilation?: Size2;
  groups?: number;
  bias?: boolean;
  padding_mode?: 'zeros';
  device?: DeviceLike | null;
  dtype?: DType | null;
}

/**
 * 2-D convolution over `[N, C, H, W]` (zero padding, `'same'`/`'valid'` padding strings).
 *
 * @example
 * const conv = new nn.Conv2d(1, 10, 5);
 * conv.call(torch.randn([1, 1, 28, 28])).shape; // [1, 10, 24, 24]
 */
export class Conv2d extends Module {
  static override readonly __name__: string = 'Conv2d';
  readonly kernel_size: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly padding_mode = 'zeros';
  declare weight: Parameter;
  declare bias: Parameter | null;

  readonly in_channels: number;
  readonly out_channels: number;

  constructor(...args: PyArgs<[in_channels: number, out_channels: number, kernel_size: Size2], Conv2dLayerOptions & { in_channels?: number; out_channels?: number; kernel_size?: Size2 }>) {
    super();
    const a = CONV2D.parse(args);
    check_device(a.device);
    const { in_channels, out_channels, groups, padding } = a;
    this.in_channels = in_channels;
    this.out_channels = out_channels;
    this.kernel_size = pair(a.kernel_size);
    this.stride = pair(a.stride);
    this.dilation = pair(a.dilation);
    this.groups = groups;
    this.padding = typeof padding === 'string' ? (padding as 'same' | 'valid') : pair(padding);
    if (groups <= 0) throw new Error('groups must be a positive integer');
    if (in_channels % groups !== 0) throw new Error('in_channels must be divisible by groups');
    if (out_channels % groups !== 0) throw new Error('out_channels must be divisible by groups');
    if (typeof padding === 'string' && padding !== 'same' && padding !== 'valid') {
      throw new Error(`Invalid padding string '${padding}', should be one of ['valid', 'same']`);
    }
    if (padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
    if (a.padding_mode !== 'zeros') throw new Error(`padding_mode '${a.padding_mode}' is not supported yet; only 'zeros'`);
    const dtype = a.dtype ?? undefined;
    this.weight = new Parameter(empty([out_channels, in_channels / this.groups, ...this.kernel_size], { dtype }));
    if (a.bias) this.bias = new Parameter(empty([out_channels], { dtype }));
    else this.register_parameter('bias', null);
    this.reset_parameters();
  }

  reset_parameters(): void {
    default_layer_init_(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extra_repr(): string {
    let s = `${this.in_channels}, ${this.out_channels}, kernel_size=${py_repr(this.kernel_size)}, stride=${py_repr(this.stride)}`;
    const p = this.padding;
    if (typeof p === 'string') s += `, padding=${p}`;
    else if (p[0] !== 0 || p[1] !== 0) s += `, padding=${py_repr(p)}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${py_repr(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}
