// Dropout variants: Dropout1d/2d/3d (whole channels), AlphaDropout and FeatureAlphaDropout (SELU networks).
import { signature, type PyArgs, type Signature, type Tensor } from '@tsgrad/core';
import { alpha_dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout } from '../functional_extra.js';
import { Module } from '../module.js';
import { py_float, py_repr } from '../python_repr.js';

type DropoutArgs = PyArgs<[p: number, inplace: boolean], { p?: number; inplace?: boolean }>;

const DROPOUT_SIGS = new Map<string, Signature<{ p: number; inplace: boolean }>>();

/** A dropout module: `p`, `inplace`, active only in training. */
abstract class DropoutNd extends Module {
  /** Probability of zeroing an element (a whole channel, for the channel-wise kinds). Default 0.5. */
  readonly p: number;
  /** Whether the input is overwritten with the result. Default false. */
  readonly inplace: boolean;
  constructor(name: string, args: DropoutArgs) {
    super();
    let sig = DROPOUT_SIGS.get(name);
    if (sig === undefined) DROPOUT_SIGS.set(name, (sig = signature<{ p: number; inplace: boolean }>(`${name}(float p=0.5, bool inplace=False)`, { python: '_DropoutNd' })));
    const a = sig.parse(args);
    if (a.p < 0 || a.p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${a.p}`);
    this.p = a.p;
    this.inplace = a.inplace;
  }
  override extra_repr(): string {
    return `p=${py_float(this.p)}, inplace=${py_repr(this.inplace)}`;
  }
}

/**
 * Zeroes whole channels of `[N, C, L]` (or `[C, L]`) with probability `p` in training, scaling the rest by 1/(1 − p); the identity in eval.
 *
 * @example
 * new nn.Dropout1d(0.2).call(torch.randn([4, 16, 32]));
 */
export class Dropout1d extends DropoutNd {
  static override readonly __name__: string = 'Dropout1d';
  constructor(...args: DropoutArgs) {
    super('Dropout1d', args);
  }
  override forward(input: Tensor): Tensor {
    return dropout1d(input, this.p, this.training, this.inplace);
  }
}

/**
 * Zeroes whole channels of `[N, C, H, W]` (or `[C, H, W]`) with probability `p` in training, scaling the rest by 1/(1 − p).
 *
 * @example
 * new nn.Dropout2d(0.2).call(torch.randn([4, 16, 8, 8]));
 */
export class Dropout2d extends DropoutNd {
  static override readonly __name__: string = 'Dropout2d';
  constructor(...args: DropoutArgs) {
    super('Dropout2d', args);
  }
  override forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, this.training, this.inplace);
  }
}

/**
 * Zeroes whole channels of `[N, C, D, H, W]` (or `[C, D, H, W]`) with probability `p` in training, scaling the rest by 1/(1 − p).
 *
 * @example
 * new nn.Dropout3d(0.2).call(torch.randn([2, 4, 3, 8, 8]));
 */
export class Dropout3d extends DropoutNd {
  static override readonly __name__: string = 'Dropout3d';
  constructor(...args: DropoutArgs) {
    super('Dropout3d', args);
  }
  override forward(input: Tensor): Tensor {
    return dropout3d(input, this.p, this.training, this.inplace);
  }
}

/**
 * Dropout for SELU networks: dropped elements take SELU's negative saturation value and the result is rescaled, so the mean and variance stay as they were.
 *
 * @example
 * new nn.AlphaDropout(0.2).call(new nn.SELU().call(x));
 */
export class AlphaDropout extends DropoutNd {
  static override readonly __name__: string = 'AlphaDropout';
  constructor(...args: DropoutArgs) {
    super('AlphaDropout', args);
  }
  override forward(input: Tensor): Tensor {
    return alpha_dropout(input, this.p, this.training, this.inplace);
  }
}

/**
 * Alpha dropout of whole channels (the SELU counterpart of `Dropout2d`).
 *
 * @example
 * new nn.FeatureAlphaDropout(0.2).call(x);
 */
export class FeatureAlphaDropout extends DropoutNd {
  static override readonly __name__: string = 'FeatureAlphaDropout';
  constructor(...args: DropoutArgs) {
    super('FeatureAlphaDropout', args);
  }
  override forward(input: Tensor): Tensor {
    return feature_alpha_dropout(input, this.p, this.training, this.inplace);
  }
}
