// LayerNorm, GroupNorm and RMSNorm: per-sample normalisation layers with PyTorch's init (ones, zeros) and repr.
import { empty, group_norm, layer_norm, ones, rms_norm, signature, zeros, type PyArgs, type Tensor } from '@tsgrad/core';
import { ones_, zeros_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { py_repr } from '../python_repr.js';

type FloatDType = 'float32' | 'float64';

const LAYER_NORM = signature<{ normalized_shape: number[]; eps: number; elementwise_affine: boolean; bias: boolean; dtype: FloatDType | null }>(
  'LayerNorm(int[1] normalized_shape, float eps=1e-05, bool elementwise_affine=True, bool bias=True, Any device=None, ScalarType? dtype=None)',
);

/**
 * Normalises over the trailing `normalized_shape` dims of each sample, with a learnable elementwise affine.
 *
 * @example
 * const ln = new nn.LayerNorm(5);
 * ln.call(torch.randn([2, 3, 5])).shape; // [2, 3, 5]
 */
export class LayerNorm extends Module {
  static override readonly __name__ = 'LayerNorm';
  /** The trailing dims normalised over. */
  readonly normalized_shape: number[];
  /** Added to the variance for numerical stability. */
  readonly eps: number;
  /** Whether there are learnable `weight` (ones) and `bias` (zeros) of `normalized_shape`. */
  readonly elementwise_affine: boolean;
  /** Elementwise scale of `normalized_shape`, or null without `elementwise_affine`. */
  declare weight: Parameter | null;
  /** Elementwise shift of `normalized_shape`, or null (no affine, or `bias: false`). */
  declare bias: Parameter | null;

  constructor(...args: PyArgs<[normalized_shape: number | number[], eps: number, elementwise_affine: boolean, bias: boolean], { normalized_shape?: number | number[]; eps?: number; elementwise_affine?: boolean; bias?: boolean; dtype?: FloatDType | null }>) {
    super();
    const a = LAYER_NORM.parse(args);
    this.normalized_shape = a.normalized_shape;
    this.eps = a.eps;
    this.elementwise_affine = a.elementwise_affine;
    const dtype = a.dtype ?? undefined;
    if (a.elementwise_affine) {
      this.weight = new Parameter(empty(this.normalized_shape, { dtype }));
      if (a.bias) this.bias = new Parameter(empty(this.normalized_shape, { dtype }));
      else this.register_parameter('bias', null);
    } else {
      this.register_parameter('weight', null);
      this.register_parameter('bias', null);
    }
    this.reset_parameters();
  }

  /** Resets `weight` to ones and `bias` to zeros. */
  reset_parameters(): void {
    if (this.weight !== null) ones_(this.weight);
    if (this.bias !== null) zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return layer_norm(input, this.normalized_shape, this.weight, this.bias, this.eps);
  }

  override extra_repr(): string {
    return `${py_repr(this.normalized_shape)}, eps=${py_repr(this.eps)}, elementwise_affine=${py_repr(this.elementwise_affine)}`;
  }
}

const GROUP_NORM = signature<{ num_groups: number; num_channels: number; eps: number; affine: boolean; dtype: FloatDType | null }>(
  'GroupNorm(int num_groups, int num_channels, float eps=1e-05, bool affine=True, Any device=None, ScalarType? dtype=None)',
);

/**
 * Normalises each of `num_groups` groups of channels of `[N, C, *]`, with a per-channel affine.
 *
 * @example
 * new nn.GroupNorm(2, 4).call(torch.randn([2, 4, 3, 3]));
 */
export class GroupNorm extends Module {
  static override readonly __name__ = 'GroupNorm';
  /** Number of groups the channels are split into. */
  readonly num_groups: number;
  /** Number of channels C. */
  readonly num_channels: number;
  /** Added to the variance for numerical stability. */
  readonly eps: number;
  /** Whether there are learnable per-channel `weight` and `bias`. */
  readonly affine: boolean;
  /** Per-channel scale `[C]` (initialised to ones), or null without `affine`. */
  declare weight: Parameter | null;
  /** Per-channel shift `[C]` (initialised to zeros), or null without `affine`. */
  declare bias: Parameter | null;

  constructor(...args: PyArgs<[num_groups: number, num_channels: number, eps: number, affine: boolean], { num_groups?: number; num_channels?: number; eps?: number; affine?: boolean; dtype?: FloatDType | null }>) {
    super();
    const a = GROUP_NORM.parse(args);
    if (a.num_channels % a.num_groups !== 0) throw new Error('num_channels must be divisible by num_groups');
    this.num_groups = a.num_groups;
    this.num_channels = a.num_channels;
    this.eps = a.eps;
    this.affine = a.affine;
    if (a.affine) {
      this.weight = new Parameter(ones([a.num_channels], { dtype: a.dtype ?? undefined }));
      this.bias = new Parameter(zeros([a.num_channels], { dtype: a.dtype ?? undefined }));
    } else {
      this.register_parameter('weight', null);
      this.register_parameter('bias', null);
    }
  }

  /** Resets `weight` to ones and `bias` to zeros. */
  reset_parameters(): void {
    if (this.weight !== null) ones_(this.weight);
    if (this.bias !== null) zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return group_norm(input, this.num_groups, this.weight, this.bias, this.eps);
  }

  override extra_repr(): string {
    return `${this.num_groups}, ${this.num_channels}, eps=${py_repr(this.eps)}, affine=${py_repr(this.affine)}`;
  }
}

const RMS_NORM = signature<{ normalized_shape: number[]; eps: number | null; elementwise_affine: boolean; dtype: FloatDType | null }>(
  'RMSNorm(int[1] normalized_shape, float? eps=None, bool elementwise_affine=True, Any device=None, ScalarType? dtype=None)',
);

/**
 * Root-mean-square normalisation over the trailing `normalized_shape` dims (PyTorch ≥ 2.4), with a learnable
 * scale; `eps` defaults to the dtype's machine epsilon.
 *
 * @example
 * new nn.RMSNorm([8]).call(x);
 */
export class RMSNorm extends Module {
  static override readonly __name__ = 'RMSNorm';
  /** The trailing dims normalised over. */
  readonly normalized_shape: number[];
  /** Added to the mean square; null uses the dtype's machine epsilon. */
  readonly eps: number | null;
  /** Whether there is a learnable `weight` (ones) of `normalized_shape`. */
  readonly elementwise_affine: boolean;
  /** Elementwise scale of `normalized_shape`, or null. */
  declare weight: Parameter | null;

  constructor(...args: PyArgs<[normalized_shape: number | number[], eps: number | null, elementwise_affine: boolean], { normalized_shape?: number | number[]; eps?: number | null; elementwise_affine?: boolean; dtype?: FloatDType | null }>) {
    super();
    const a = RMS_NORM.parse(args);
    this.normalized_shape = a.normalized_shape;
    this.eps = a.eps;
    this.elementwise_affine = a.elementwise_affine;
    if (a.elementwise_affine) this.weight = new Parameter(ones(this.normalized_shape, { dtype: a.dtype ?? undefined }));
    else this.register_parameter('weight', null);
  }

  /** Resets `weight` to ones. */
  reset_parameters(): void {
    if (this.weight !== null) ones_(this.weight);
  }

  override forward(input: Tensor): Tensor {
    return rms_norm(input, this.normalized_shape, this.weight, this.eps);
  }

  override extra_repr(): string {
    return `${py_repr(this.normalized_shape)}, eps=${py_repr(this.eps)}, elementwise_affine=${py_repr(this.elementwise_affine)}`;
  }
}
