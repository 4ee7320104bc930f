// Dropout variants: Dropout1d/2d/3d (whole channels), AlphaDropout and FeatureAlphaDropout (SELU networks).
import { signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { alpha_dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout } from '../functional_extra.js';
import { Module } from '../module.js';
import { py_float, py_repr } from '../python_repr.js';

type DropoutArgs = PyArgs<[p: number, inplace: boolean], { p?: number; inplace?: boolean }>;
type DropoutFn = (input: Tensor, p: number, training: boolean, inplace: boolean) => Tensor;

/** A dropout module: `p`, `inplace`, active only in training. */
function dropout_class(name: string, fn: DropoutFn): new (...args: DropoutArgs) => Module & { readonly p: number; readonly inplace: boolean } {
  const sig = signature<{ p: number; inplace: boolean }>(`${name}(float p=0.5, bool inplace=False)`);
  return class extends Module {
    static override readonly __name__: string = name;
    readonly p: number;
    readonly inplace: boolean;
    constructor(...args: DropoutArgs) {
      super();
      const a = sig.parse(args);
      if (a.p < 0 || a.p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${a.p}`);
      this.p = a.p;
      this.inplace = a.inplace;
    }
    override forward(input: Tensor): Tensor {
      return fn(input, this.p, this.training, this.inplace);
    }
    override extra_repr(): string {
      return `p=${py_float(this.p)}, inplace=${py_repr(this.inplace)}`;
    }
  };
}

/** Zeroes whole channels of `[N, C, L]` in training. @example new nn.Dropout1d(0.5) */
export const Dropout1d = dropout_class('Dropout1d', dropout1d);
/** Zeroes whole channels of `[N, C, H, W]` in training. */
export const Dropout2d = dropout_class('Dropout2d', dropout2d);
/** Zeroes whole channels of `[N, C, D, H, W]` in training. */
export const Dropout3d = dropout_class('Dropout3d', dropout3d);
/** Dropout keeping SELU's self-normalisation. */
export const AlphaDropout = dropout_class('AlphaDropout', alpha_dropout);
/** Alpha dropout of whole channels. */
export const FeatureAlphaDropout = dropout_class('FeatureAlphaDropout', feature_alpha_dropout);
