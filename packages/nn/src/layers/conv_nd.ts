// Conv1d, Conv2d, Conv3d and the transposed convolutions (ConvTranspose1d/2d/3d) on one base, with PyTorch's
// init, padding modes and repr; Fold and Unfold.
import * as torch from '@tsgrad/core';
import { signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { default_layer_init_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { py_repr } from '../python_repr.js';

type Ints = number | number[];
interface ConvParsed {
  in_channels: number; out_channels: number; kernel_size: number[]; stride: number[]; padding: number[] | string;
  output_padding: number[]; dilation: number[]; groups: number; bias: boolean; padding_mode: string; device: torch.DeviceLike | null; dtype: 'float32' | 'float64' | null;
}
/** The options of every convolution, positional in this order or by name. */
export type ConvOptions = {
  /** Channels of the input (C in `[N, C, ...]`). */
  in_channels?: number;
  /** Channels the convolution produces. */
  out_channels?: number;
  /** Size of the convolving kernel: one int for every spatial dim, or one per dim. */
  kernel_size?: Ints;
  /** Step of the kernel over the input. Default 1. */
  stride?: Ints;
  /** Implicit padding on both sides of every spatial dim, or 'same' / 'valid'. Default 0. */
  padding?: Ints | 'same' | 'valid';
  /** Spacing between kernel elements (à trous). Default 1. */
  dilation?: Ints;
  /** Blocked connections: input and output channels are split into this many groups. Default 1. */
  groups?: number;
  /** Whether to add a learnable bias. Default true. */
  bias?: boolean;
  /** How the input is padded: 'zeros' (default), 'reflect', 'replicate' or 'circular'. */
  padding_mode?: 'zeros' | 'reflect' | 'replicate' | 'circular';
  /** Accepted for PyTorch compatibility; only the CPU ('cpu') exists. */
  device?: torch.DeviceLike | null;
  /** Parameter dtype; default the global default dtype. */
  dtype?: 'float32' | 'float64' | null;
};
/** The options of the transposed convolutions: those of the convolutions, with integer padding and `output_padding`. */
export type ConvTransposeOptions = Omit<ConvOptions, 'padding'> & {
  /** `dilation * (kernel_size - 1) - padding` zeros are added to both sides of every spatial dim of the input. Default 0. */
  padding?: Ints;
  /** Extra size added to one side of every spatial dim of the output (resolves the stride ambiguity). Default 0. */
  output_padding?: Ints;
};
/** The keyword options of `nn.Conv2d` (and of the other convolutions). */
export type Conv2dLayerOptions = Omit<ConvOptions, 'in_channels' | 'out_channels' | 'kernel_size'>;

/** A kernel size that is not ints reaches torch.empty first: PyTorch's error names its 'size'. */
const KERNEL_SIZE = { native: { kernel_size: 'size' } };
const conv_sig = (name: string, n: number) => signature<ConvParsed>(
  `${name}(int in_channels, int out_channels, int[${n}] kernel_size, int[${n}] stride=1, int[${n}]|str padding=0, int[${n}] dilation=1, int groups=1, bool bias=True, str padding_mode='zeros', Device? device=None, ScalarType? dtype=None)`, KERNEL_SIZE);
const conv_t_sig = (name: string, n: number) => signature<ConvParsed>(
  `${name}(int in_channels, int out_channels, int[${n}] kernel_size, int[${n}] stride=1, int[${n}] padding=0, int[${n}] output_padding=0, int groups=1, bool bias=True, int[${n}] dilation=1, str padding_mode='zeros', Device? device=None, ScalarType? dtype=None)`, KERNEL_SIZE);

const tuple_repr = (v: readonly number[]): string => py_repr([...v]);

/** PyTorch's _ConvNd: geometry checks, the weight / bias parameters and their init, the repr. */
abstract class ConvNd extends Module {
  /** Channels of the input. */
  readonly in_channels: number;
  /** Channels of the output. */
  readonly out_channels: number;
  /** Kernel size, one entry per spatial dim. */
  readonly kernel_size: number[];
  /** Stride, one entry per spatial dim. */
  readonly stride: number[];
  /** Padding per spatial dim, or 'same' / 'valid'. */
  readonly padding: number[] | string;
  /** Dilation, one entry per spatial dim. */
  readonly dilation: number[];
  /** Extra output size per spatial dim (transposed convolutions; zeros otherwise). */
  readonly output_padding: number[];
  /** Whether this is a transposed convolution. */
  readonly transposed: boolean;
  /** Number of channel groups. */
  readonly groups: number;
  /** How the input is padded: 'zeros', 'reflect', 'replicate' or 'circular'. */
  readonly padding_mode: string;
  /**
   * The kernel, `[out_channels, in_channels / groups, ...kernel_size]` (transposed: `[in_channels, out_channels /
   * groups, ...kernel_size]`), initialised U(-√k, √k) with k = groups / (in_channels · ∏kernel_size).
   */
  declare weight: Parameter;
  /** The bias, `[out_channels]`, or null when built with `bias: false`. */
  declare bias: Parameter | null;

  constructor(a: ConvParsed, transposed: boolean) {
    super();
    torch.check_device(a.device);
    const n = a.kernel_size.length;
    if (a.groups <= 0) throw new Error('groups must be a positive integer');
    if (a.in_channels % a.groups !== 0) throw new Error('in_channels must be divisible by groups');
    if (a.out_channels % a.groups !== 0) throw new Error('out_channels must be divisible by groups');
    if (typeof a.padding === 'string') {
      if (a.padding !== 'same' && a.padding !== 'valid') throw new Error(`Invalid padding string '${a.padding}', should be one of ['valid', 'same']`);
      if (a.padding === 'same' && a.stride.some((s) => s !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
    }
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(a.padding_mode)) {
      throw new Error(`padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${a.padding_mode}'`);
    }
    if (transposed && a.padding_mode !== 'zeros') throw new Error(`Only "zeros" padding mode is supported for ${this._get_name()}`);
    this.in_channels = a.in_channels;
    this.out_channels = a.out_channels;
    this.kernel_size = a.kernel_size;
    this.stride = a.stride;
    this.padding = a.padding;
    this.dilation = a.dilation;
    this.output_padding = a.output_padding ?? new Array<number>(n).fill(0);
    this.transposed = transposed;
    this.groups = a.groups;
    this.padding_mode = a.padding_mode;
    const dtype = a.dtype ?? undefined;
    const wshape = transposed
      ? [a.in_channels, a.out_channels / a.groups, ...a.kernel_size]
      : [a.out_channels, a.in_channels / a.groups, ...a.kernel_size];
    this.weight = new Parameter(torch.empty(wshape, { dtype }));
    if (a.bias) this.bias = new Parameter(torch.empty([a.out_channels], { dtype }));
    else this.register_parameter('bias', null);
    this.reset_parameters();
  }

  /** Re-initialises `weight` and `bias` with PyTorch's default (Kaiming-uniform, a = √5). */
  reset_parameters(): void {
    default_layer_init_(this.weight, this.bias);
  }

  /**
   * The input padded by padding_mode (for non-'zeros' modes), and the padding left for the convolution.
   * @internal
   */
  protected padded(input: Tensor): [Tensor, number[] | string] {
    if (this.padding_mode === 'zeros') return [input, this.padding];
    const n = this.kernel_size.length;
    let before: number[];
    let after: number[];
    if (typeof this.padding === 'string') {
      const total = this.kernel_size.map((k, i) => (this.padding === 'same' ? this.dilation[i]! * (k - 1) : 0));
      before = total.map((t) => Math.floor(t / 2));
      after = total.map((t, i) => t - before[i]!);
    } else {
      before = this.padding;
      after = this.padding;
    }
    const amounts: number[] = [];
    for (let i = n - 1; i >= 0; i--) amounts.push(before[i]!, after[i]!);
    return [torch.pad(input, amounts, this.padding_mode), new Array<number>(n).fill(0)];
  }

  override extra_repr(): string {
    const n = this.kernel_size.length;
    let s = `${this.in_channels}, ${this.out_channels}, kernel_size=${tuple_repr(this.kernel_size)}, stride=${tuple_repr(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${tuple_repr(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${tuple_repr(this.dilation)}`;
    if (this.output_padding.length === n && this.output_padding.some((p) => p !== 0)) s += `, output_padding=${tuple_repr(this.output_padding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.padding_mode !== 'zeros') s += `, padding_mode=${this.padding_mode}`;
    return s;
  }
}

type ConvArgs = PyArgs<[in_channels: number, out_channels: number, kernel_size: Ints, stride: Ints, padding: Ints | 'same' | 'valid', dilation: Ints, groups: number, bias: boolean, padding_mode: 'zeros' | 'reflect' | 'replicate' | 'circular'], ConvOptions>;
const CONV1D = conv_sig('Conv1d', 1);
const CONV2D = conv_sig('Conv2d', 2);
const CONV3D = conv_sig('Conv3d', 3);

/** 1-d convolution over `[N, C, L]`. @example new nn.Conv1d(16, 33, 3, { stride: 2 }) */
export class Conv1d extends ConvNd {
  static override readonly __name__: string = 'Conv1d';
  constructor(...args: ConvArgs) {
    super(CONV1D.parse(args), false);
  }
  override forward(input: Tensor): Tensor {
    const [x, padding] = this.padded(input);
    return torch.conv1d(x, this.weight, this.bias, { stride: this.stride, padding: padding as number[], dilation: this.dilation, groups: this.groups });
  }
}

/**
 * 2-d convolution over `[N, C, H, W]` (padding modes zeros, reflect, replicate, circular; 'same' / 'valid').
 *
 * @example
 * const conv = new nn.Conv2d(1, 10, 5);
 * conv.call(torch.randn([1, 1, 28, 28])).shape; // [1, 10, 24, 24]
 */
export class Conv2d extends ConvNd {
  static override readonly __name__: string = 'Conv2d';
  declare readonly kernel_size: [number, number];
  declare readonly stride: [number, number];
  declare readonly dilation: [number, number];
  declare readonly padding: [number, number] | 'same' | 'valid';
  constructor(...args: ConvArgs) {
    super(CONV2D.parse(args), false);
  }
  override forward(input: Tensor): Tensor {
    const [x, padding] = this.padded(input);
    return torch.conv2d(x, this.weight, this.bias, { stride: this.stride, padding: padding as [number, number] | 'same' | 'valid', dilation: this.dilation, groups: this.groups });
  }
}

/** 3-d convolution over `[N, C, D, H, W]`. @example new nn.Conv3d(2, 3, 2, { padding: 1 }) */
export class Conv3d extends ConvNd {
  static override readonly __name__: string = 'Conv3d';
  constructor(...args: ConvArgs) {
    super(CONV3D.parse(args), false);
  }
  override forward(input: Tensor): Tensor {
    const [x, padding] = this.padded(input);
    return torch.conv3d(x, this.weight, this.bias, { stride: this.stride, padding: padding as number[], dilation: this.dilation, groups: this.groups });
  }
}

type ConvTArgs = PyArgs<[in_channels: number, out_channels: number, kernel_size: Ints, stride: Ints, padding: Ints, output_padding: Ints, groups: number, bias: boolean, dilation: Ints], ConvTransposeOptions>;

/** The transposed convolutions: `call(input, output_size?)` picks the output padding that reaches `output_size`. */
abstract class ConvTransposeNd extends ConvNd {
  /** @internal */
  protected abstract run(x: Tensor, output_padding: number[]): Tensor;

  override forward(input: Tensor, output_size: number[] | { output_size?: number[] | null } | null = null): Tensor {
    const size = output_size !== null && !Array.isArray(output_size) ? output_size.output_size ?? null : output_size;
    return this.run(input, size === null ? this.output_padding : this.output_padding_for(input, size));
  }

  private output_padding_for(input: Tensor, output_size: number[]): number[] {
    const n = this.kernel_size.length;
    const lead = input.ndim === n + 2 ? 2 : 1;
    // PyTorch's _output_padding: the spatial sizes alone, or with the batch / channel dims in front
    const size = output_size.length === lead + n ? output_size.slice(lead) : output_size;
    if (size.length !== n) {
      throw new Error(`ConvTranspose${n}D: for ${input.ndim}D input, output_size must have ${n} or ${lead + n} elements (got ${output_size.length})`);
    }
    const sp = input._shape.slice(input.ndim - n);
    const padding = this.padding as number[];
    return size.map((want, d) => {
      const min = (sp[d]! - 1) * this.stride[d]! - 2 * padding[d]! + this.dilation[d]! * (this.kernel_size[d]! - 1) + 1;
      const max = min + this.stride[d]! - 1;
      if (want < min || want > max) {
        throw new Error(`requested an output size of [${size.join(', ')}], but valid sizes range from [${sp.map((s, i) => (s - 1) * this.stride[i]! - 2 * padding[i]! + this.dilation[i]! * (this.kernel_size[i]! - 1) + 1).join(', ')}] to [${sp.map((s, i) => (s - 1) * this.stride[i]! - 2 * padding[i]! + this.dilation[i]! * (this.kernel_size[i]! - 1) + this.stride[i]!).join(', ')}] (for an input of torch.Size([${input._shape.slice(2).join(', ')}]))`); // input.size()[2:], as PyTorch prints it
      }
      return want - min;
    });
  }
}

const CONVT1D = conv_t_sig('ConvTranspose1d', 1);
const CONVT2D = conv_t_sig('ConvTranspose2d', 2);
const CONVT3D = conv_t_sig('ConvTranspose3d', 3);

/**
 * 1-d transposed convolution (the gradient of `conv1d` with respect to its input) over `[N, C, L]`;
 * `call(input, output_size?)` picks the output padding that reaches `output_size`.
 *
 * @example
 * new nn.ConvTranspose1d(3, 2, 3, { stride: 2, padding: 1, output_padding: 1 })
 */
export class ConvTranspose1d extends ConvTransposeNd {
  static override readonly __name__: string = 'ConvTranspose1d';
  constructor(...args: ConvTArgs) {
    super(CONVT1D.parse(args), true);
  }
  /** @internal */
  protected run(x: Tensor, output_padding: number[]): Tensor {
    return torch.conv_transpose1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding as number[], output_padding, groups: this.groups, dilation: this.dilation });
  }
}

/**
 * 2-d transposed convolution ("deconvolution") over `[N, C, H, W]`; `call(input, output_size?)` picks the output
 * padding that reaches `output_size`.
 *
 * @example
 * new nn.ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, output_padding: 1 })
 */
export class ConvTranspose2d extends ConvTransposeNd {
  static override readonly __name__: string = 'ConvTranspose2d';
  constructor(...args: ConvTArgs) {
    super(CONVT2D.parse(args), true);
  }
  /** @internal */
  protected run(x: Tensor, output_padding: number[]): Tensor {
    return torch.conv_transpose2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding as number[], output_padding, groups: this.groups, dilation: this.dilation });
  }
}

/**
 * 3-d transposed convolution over `[N, C, D, H, W]`.
 *
 * @example
 * new nn.ConvTranspose3d(2, 2, 2, { stride: 2 })
 */
export class ConvTranspose3d extends ConvTransposeNd {
  static override readonly __name__: string = 'ConvTranspose3d';
  constructor(...args: ConvTArgs) {
    super(CONVT3D.parse(args), true);
  }
  /** @internal */
  protected run(x: Tensor, output_padding: number[]): Tensor {
    return torch.conv_transpose3d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding as number[], output_padding, groups: this.groups, dilation: this.dilation });
  }
}

const UNFOLD = signature<{ kernel_size: Ints; dilation: Ints; padding: Ints; stride: Ints }>('Unfold(int[1] kernel_size, int[1] dilation=1, int[1] padding=0, int[1] stride=1)');
const FOLD = signature<{ output_size: Ints; kernel_size: Ints; dilation: Ints; padding: Ints; stride: Ints }>('Fold(int[1] output_size, int[1] kernel_size, int[1] dilation=1, int[1] padding=0, int[1] stride=1)');
/** The arguments as the user gave them (PyTorch prints them unexpanded). */
const as_given = (v: number[]): Ints => (v.length === 1 ? v[0]! : v);

/** Sliding local blocks as columns (F.unfold). @example new nn.Unfold([2, 3], { padding: 1, stride: 2 }) */
export class Unfold extends Module {
  static override readonly __name__: string = 'Unfold';
  /** Size of the sliding blocks, as given. */
  readonly kernel_size: Ints;
  /** Spacing between block elements, as given. */
  readonly dilation: Ints;
  /** Implicit zero padding on both sides, as given. */
  readonly padding: Ints;
  /** Step of the sliding blocks, as given. */
  readonly stride: Ints;
  constructor(...args: PyArgs<[kernel_size: Ints, dilation: Ints, padding: Ints, stride: Ints], { kernel_size?: Ints; dilation?: Ints; padding?: Ints; stride?: Ints }>) {
    super();
    const a = UNFOLD.parse(args) as unknown as Record<string, number[]>;
    this.kernel_size = as_given(a.kernel_size!);
    this.dilation = as_given(a.dilation!);
    this.padding = as_given(a.padding!);
    this.stride = as_given(a.stride!);
  }
  override forward(input: Tensor): Tensor {
    return torch.im2col(input, this.kernel_size, this.dilation, this.padding, this.stride);
  }
  override extra_repr(): string {
    return `kernel_size=${py_repr(this.kernel_size)}, dilation=${py_repr(this.dilation)}, padding=${py_repr(this.padding)}, stride=${py_repr(this.stride)}`;
  }
}

/** Sums columns back into an image (F.fold). @example new nn.Fold([4, 5], [2, 2]) */
export class Fold extends Module {
  static override readonly __name__: string = 'Fold';
  /** Spatial size of the output image, as given. */
  readonly output_size: Ints;
  /** Size of the sliding blocks, as given. */
  readonly kernel_size: Ints;
  /** Spacing between block elements, as given. */
  readonly dilation: Ints;
  /** Implicit zero padding on both sides, as given. */
  readonly padding: Ints;
  /** Step of the sliding blocks, as given. */
  readonly stride: Ints;
  constructor(...args: PyArgs<[output_size: Ints, kernel_size: Ints, dilation: Ints, padding: Ints, stride: Ints], { output_size?: Ints; kernel_size?: Ints; dilation?: Ints; padding?: Ints; stride?: Ints }>) {
    super();
    const a = FOLD.parse(args) as unknown as Record<string, number[]>;
    this.output_size = as_given(a.output_size!);
    this.kernel_size = as_given(a.kernel_size!);
    this.dilation = as_given(a.dilation!);
    this.padding = as_given(a.padding!);
    this.stride = as_given(a.stride!);
  }
  override forward(input: Tensor): Tensor {
    return torch.col2im(input, this.output_size, this.kernel_size, this.dilation, this.padding, this.stride);
  }
  override extra_repr(): string {
    return `output_size=${py_repr(this.output_size)}, kernel_size=${py_repr(this.kernel_size)}, dilation=${py_repr(this.dilation)}, padding=${py_repr(this.padding)}, stride=${py_repr(this.stride)}`;
  }
}
