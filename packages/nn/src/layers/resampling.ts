// Resampling and reshaping modules: Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle,
// PixelUnshuffle, ChannelShuffle, Unflatten.
import * as torch from '@tsgrad/core';
import { signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';
import { py_float, py_repr } from '../python_repr.js';

type Mode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';
type Size = number | number[];
type Factor = number | number[];
interface UpsampleParsed { size: Size | null; scale_factor: Factor | null; mode: string; align_corners: boolean | null; recompute_scale_factor: boolean | null }
const UPSAMPLE = signature<UpsampleParsed>("Upsample(Any size=None, Any scale_factor=None, str mode='nearest', bool? align_corners=None, bool? recompute_scale_factor=None)");

const factor_repr = (f: Factor): string => (typeof f === 'number' ? py_float(f) : f.length === 1 ? `(${py_float(f[0]!)},)` : `(${f.map(py_float).join(', ')})`);

/**
 * Resizes by `scale_factor` or to `size` with F.interpolate's modes.
 *
 * @example
 * new nn.Upsample({ scale_factor: 2, mode: 'bilinear' })
 */
export class Upsample extends Module {
  static override readonly __name__: string = 'Upsample';
  /** Output spatial size (give this or `scale_factor`). */
  readonly size: Size | null;
  /** Multiplier of the spatial size (give this or `size`). */
  readonly scale_factor: Factor | null;
  /** Interpolation: 'nearest' (default), 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear' or 'area'. */
  readonly mode: Mode;
  /** For the linear modes: whether the corner pixels of input and output are aligned. Default null (false). */
  readonly align_corners: boolean | null;
  /** Whether the interpolation uses the computed output size instead of `scale_factor`. */
  readonly recompute_scale_factor: boolean | null;
  constructor(...args: PyArgs<[size: Size | null, scale_factor: Factor | null, mode: Mode, align_corners: boolean | null], { size?: Size | null; scale_factor?: Factor | null; mode?: Mode; align_corners?: boolean | null; recompute_scale_factor?: boolean | null }>) {
    super();
    const a = UPSAMPLE.parse(args);
    this.size = a.size;
    // as PyTorch's `float(scale_factor) if scale_factor else None`: a zero factor counts as none given
    this.scale_factor = a.scale_factor === 0 ? null : a.scale_factor;
    this.mode = a.mode as Mode;
    this.align_corners = a.align_corners;
    this.recompute_scale_factor = a.recompute_scale_factor;
  }
  override forward(input: Tensor): Tensor {
    return torch.interpolate(input, { size: this.size, scale_factor: this.scale_factor, mode: this.mode, align_corners: this.align_corners, recompute_scale_factor: this.recompute_scale_factor });
  }
  override extra_repr(): string {
    const info = this.scale_factor !== null ? `scale_factor=${factor_repr(this.scale_factor)}` : `size=${py_repr(this.size)}`;
    return `${info}, mode='${this.mode}'`; // PyTorch 2.x quotes the mode (1.13 printed mode=nearest)
  }
}

const FIXED_MODE = (name: string) => signature<{ size: Size | null; scale_factor: Factor | null }>(`${name}(Any size=None, Any scale_factor=None)`);
const NEAREST2D = FIXED_MODE('UpsamplingNearest2d');
const BILINEAR2D = FIXED_MODE('UpsamplingBilinear2d');
type FixedArgs = PyArgs<[size: Size | null, scale_factor: Factor | null], { size?: Size | null; scale_factor?: Factor | null }>;

/** Nearest-neighbour upsampling of `[N, C, H, W]`. @example new nn.UpsamplingNearest2d({ scale_factor: 2 }) */
export class UpsamplingNearest2d extends Upsample {
  static override readonly __name__: string = 'UpsamplingNearest2d';
  constructor(...args: FixedArgs) {
    const a = NEAREST2D.parse(args);
    super({ size: a.size, scale_factor: a.scale_factor, mode: 'nearest' });
  }
}

/**
 * Bilinear upsampling with `align_corners=True`, as this legacy module does.
 *
 * @example
 * new nn.UpsamplingBilinear2d({ scale_factor: 2 }).call(torch.randn([1, 3, 4, 4])).shape; // [1, 3, 8, 8]
 */
export class UpsamplingBilinear2d extends Upsample {
  static override readonly __name__: string = 'UpsamplingBilinear2d';
  constructor(...args: FixedArgs) {
    const a = BILINEAR2D.parse(args);
    super({ size: a.size, scale_factor: a.scale_factor, mode: 'bilinear', align_corners: true });
  }
}

const PIXEL_SHUFFLE = signature<{ upscale_factor: number }>('PixelShuffle(int upscale_factor)');
/** `[*, C·r², H, W]` → `[*, C, H·r, W·r]`. @example new nn.PixelShuffle(2) */
export class PixelShuffle extends Module {
  static override readonly __name__: string = 'PixelShuffle';
  /** The factor r. */
  readonly upscale_factor: number;
  constructor(...args: PyArgs<[upscale_factor: number], { upscale_factor?: number }>) {
    super();
    this.upscale_factor = PIXEL_SHUFFLE.parse(args).upscale_factor;
  }
  override forward(input: Tensor): Tensor {
    return torch.pixel_shuffle(input, this.upscale_factor);
  }
  override extra_repr(): string {
    return `upscale_factor=${this.upscale_factor}`;
  }
}

const PIXEL_UNSHUFFLE = signature<{ downscale_factor: number }>('PixelUnshuffle(int downscale_factor)');
/** `[*, C, H·r, W·r]` → `[*, C·r², H, W]`. @example new nn.PixelUnshuffle(2) */
export class PixelUnshuffle extends Module {
  static override readonly __name__: string = 'PixelUnshuffle';
  /** The factor r. */
  readonly downscale_factor: number;
  constructor(...args: PyArgs<[downscale_factor: number], { downscale_factor?: number }>) {
    super();
    this.downscale_factor = PIXEL_UNSHUFFLE.parse(args).downscale_factor;
  }
  override forward(input: Tensor): Tensor {
    return torch.pixel_unshuffle(input, this.downscale_factor);
  }
  override extra_repr(): string {
    return `downscale_factor=${this.downscale_factor}`;
  }
}

const CHANNEL_SHUFFLE = signature<{ groups: number }>('ChannelShuffle(int groups)');
/** Interleaves the channels of `groups` groups. @example new nn.ChannelShuffle(2) */
export class ChannelShuffle extends Module {
  static override readonly __name__: string = 'ChannelShuffle';
  /** Number of groups the channels are divided into. */
  readonly groups: number;
  constructor(...args: PyArgs<[groups: number], { groups?: number }>) {
    super();
    this.groups = CHANNEL_SHUFFLE.parse(args).groups;
  }
  override forward(input: Tensor): Tensor {
    return torch.channel_shuffle(input, this.groups);
  }
  override extra_repr(): string {
    return `groups=${this.groups}`;
  }
}

const UNFLATTEN = signature<{ dim: number; unflattened_size: number[] }>('Unflatten(int dim, int[] unflattened_size)');
/** Splits dim `dim` into `unflattened_size`. @example new nn.Unflatten(1, [2, 3]) */
export class Unflatten extends Module {
  static override readonly __name__: string = 'Unflatten';
  /** The dim that is split. */
  readonly dim: number;
  /** The sizes it is split into (their product is its size). */
  readonly unflattened_size: number[];
  constructor(...args: PyArgs<[dim: number, unflattened_size: number[]], { dim?: number; unflattened_size?: number[] }>) {
    super();
    const a = UNFLATTEN.parse(args);
    this.dim = a.dim;
    this.unflattened_size = a.unflattened_size;
  }
  override forward(input: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + input.ndim : this.dim;
    if (d < 0 || d >= input.ndim) throw new Error(`Dimension out of range (expected to be in range of [${-input.ndim}, ${input.ndim - 1}], but got ${this.dim})`);
    const known = this.unflattened_size.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const size = this.unflattened_size.includes(-1) ? input._shape[d]! : known;
    if (size !== input._shape[d]) {
      throw new Error(`unflatten: Provided sizes [${this.unflattened_size.join(', ')}] don't multiply up to the size of dim ${this.dim} (${input._shape[d]}) in the input tensor`);
    }
    return input.reshape([...input._shape.slice(0, d), ...this.unflattened_size, ...input._shape.slice(d + 1)]);
  }
  override extra_repr(): string {
    return `dim=${this.dim}, unflattened_size=${py_repr(this.unflattened_size)}`;
  }
}
