// InstanceNorm1d/2d/3d (on NormBase, as PyTorch's _InstanceNorm is on _NormBase), LocalResponseNorm and CrossMapLRN2d.
import * as torch from '@tsgrad/core';
import { signature, type DeviceLike, type DType, type DTypeLike, type PyArgs, type Tensor } from '@tsgrad/core';
import { CrossMapLRN2dFunction, instance_norm, local_response_norm } from '../functional_extra.js';
import { Module } from '../module.js';
import { NormBase, type NormParsed } from './batch_norm.js';
import { py_float, py_repr } from '../python_repr.js';

type InstanceArgs = PyArgs<[num_features: number, eps: number, momentum: number, affine: boolean, track_running_stats: boolean], { num_features?: number; eps?: number; momentum?: number; affine?: boolean; track_running_stats?: boolean; device?: DeviceLike | null; dtype?: DTypeLike | null }>;
const instance_sig = (name: string) => signature<NormParsed>(`${name}(int num_features, float eps=1e-5, float momentum=0.1, bool affine=False, bool track_running_stats=False, Device? device=None, ScalarType? dtype=None)`, { python: '_InstanceNorm' });
const SIGS = { 1: instance_sig('InstanceNorm1d'), 2: instance_sig('InstanceNorm2d'), 3: instance_sig('InstanceNorm3d') };

/** Normalises each channel of each sample over its `n` spatial dims (no batch statistics unless tracked). */
abstract class InstanceNormNd extends NormBase {
  constructor(private readonly spatial: 1 | 2 | 3, args: readonly unknown[]) {
    super(SIGS[spatial].parse(args));
  }

  override forward(input: Tensor): Tensor {
    const n = this.spatial;
    if (input.ndim !== n + 1 && input.ndim !== n + 2) throw new Error(`expected ${n + 1}D or ${n + 2}D input (got ${input.ndim}D input)`);
    const batched = input.ndim === n + 2;
    const x = batched ? input : input.unsqueeze(0);
    const C = x._shape[1]!;
    if (C !== this.num_features) {
      if (this.affine) throw new Error(`expected input's size at dim=1 to match num_features (${this.num_features}), but got: ${C}.`);
      torch.warn(`input's size at dim=1 does not match num_features. You can silence this warning by not passing in num_features, which is not used because affine=False`);
    }
    const y = instance_norm(x, this.running_mean, this.running_var, {
      weight: this.weight, bias: this.bias, use_input_stats: this.training || !this.track_running_stats, momentum: this.momentum ?? 0.1, eps: this.eps,
    });
    return batched ? y : y.squeeze(0);
  }
}

/**
 * Normalises each channel of each sample of `[N, C, L]` (or `[C, L]`) over its length.
 *
 * @example
 * new nn.InstanceNorm1d(3)
 */
export class InstanceNorm1d extends InstanceNormNd {
  static override readonly __name__: string = 'InstanceNorm1d';
  constructor(...args: InstanceArgs) {
    super(1, args);
  }
}
/**
 * Normalises each channel of each sample of `[N, C, H, W]` over its spatial dims (style transfer's normalisation).
 *
 * @example
 * new nn.InstanceNorm2d(3, { affine: true })
 */
export class InstanceNorm2d extends InstanceNormNd {
  static override readonly __name__: string = 'InstanceNorm2d';
  constructor(...args: InstanceArgs) {
    super(2, args);
  }
}
/**
 * Normalises each channel of each sample of `[N, C, D, H, W]` over its spatial dims.
 *
 * @example
 * new nn.InstanceNorm3d(2, { affine: true })
 */
export class InstanceNorm3d extends InstanceNormNd {
  static override readonly __name__: string = 'InstanceNorm3d';
  constructor(...args: InstanceArgs) {
    super(3, args);
  }
}

interface LrnParsed { size: number; alpha: number; beta: number; k: number }
type LrnArgs = PyArgs<[size: number, alpha: number, beta: number, k: number], { size?: number; alpha?: number; beta?: number; k?: number }>;
const LRN = signature<LrnParsed>('LocalResponseNorm(int size, float alpha=1e-4, float beta=0.75, float k=1.0)');
const CROSS_MAP = signature<LrnParsed>('CrossMapLRN2d(int size, float alpha=1e-4, float beta=0.75, float k=1)');

/** The cross-channel normalisations: `size`, `alpha`, `beta`, `k`, read by each class's signature. */
abstract class CrossChannelNorm extends Module {
  /** Number of neighbouring channels summed over. */
  readonly size: number;
  /** Multiplicative factor α. */
  readonly alpha: number;
  /** Exponent β. */
  readonly beta: number;
  /** Additive factor k: `b_c = a_c · (k + α/n · Σ a²)^(−β)`. */
  readonly k: number;
  constructor(sig: typeof LRN, args: readonly unknown[]) {
    super();
    ({ size: this.size, alpha: this.alpha, beta: this.beta, k: this.k } = sig.parse(args));
  }
}

/** Normalises each channel by its neighbours' squares (AlexNet). @example new nn.LocalResponseNorm(3) */
export class LocalResponseNorm extends CrossChannelNorm {
  static override readonly __name__: string = 'LocalResponseNorm';
  constructor(...args: LrnArgs) {
    super(LRN, args);
  }
  override forward(input: Tensor): Tensor {
    return local_response_norm(input, this.size, this.alpha, this.beta, this.k);
  }
  override extra_repr(): string {
    return `${this.size}, alpha=${py_float(this.alpha)}, beta=${py_float(this.beta)}, k=${py_float(this.k)}`;
  }
}

/** The legacy cross-map LRN over `[N, C, H, W]`. @example new nn.CrossMapLRN2d(3, { alpha: 0.01 }) */
export class CrossMapLRN2d extends CrossChannelNorm {
  static override readonly __name__: string = 'CrossMapLRN2d';
  constructor(...args: LrnArgs) {
    super(CROSS_MAP, args);
  }
  override forward(input: Tensor): Tensor {
    return CrossMapLRN2dFunction.apply(input, this.size, this.alpha, this.beta, this.k);
  }
  // PyTorch prints CrossMapLRN2d's values as given (k=1), LocalResponseNorm's as floats (k=1.0)
  override extra_repr(): string {
    return `${this.size}, alpha=${py_repr(this.alpha)}, beta=${py_repr(this.beta)}, k=${py_repr(this.k)}`;
  }
}
