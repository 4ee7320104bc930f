// Flatten and Dropout.
import { dropout, signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';
import { py_float, py_repr } from '../python_repr.js';

const FLATTEN = signature<{ start_dim: number; end_dim: number }>('Flatten(int start_dim=1, int end_dim=-1)');
const DROPOUT = signature<{ p: number; inplace: boolean }>('Dropout(float p=0.5, bool inplace=False)', { python: '_DropoutNd' });

/**
 * Flattens dims `start_dim..end_dim` (default 1..-1).
 *
 * @example
 * new nn.Flatten(); new nn.Flatten(0, 1); new nn.Flatten({ start_dim: 0 });
 */
export class Flatten extends Module {
  static override readonly __name__: string = 'Flatten';
  /** First dim to flatten. Default 1 (keeps the batch dim). */
  readonly start_dim: number;
  /** Last dim to flatten. Default -1. */
  readonly end_dim: number;
  constructor(...args: PyArgs<[start_dim: number, end_dim: number], { start_dim?: number; end_dim?: number }>) {
    super();
    ({ start_dim: this.start_dim, end_dim: this.end_dim } = FLATTEN.parse(args));
  }
  override forward(input: Tensor): Tensor {
    return input.flatten(this.start_dim, this.end_dim);
  }
  override extra_repr(): string {
    return `start_dim=${this.start_dim}, end_dim=${this.end_dim}`;
  }
}

/**
 * Dropout with probability `p` in training; the identity (same tensor) in eval.
 *
 * @example
 * const drop = new nn.Dropout(0.5);
 * drop.call(torch.ones([2, 4])); // each element 0 or 2
 * drop.eval().call(x); // x itself
 */
export class Dropout extends Module {
  static override readonly __name__: string = 'Dropout';
  /** Probability of zeroing an element. */
  readonly p: number;
  /** Whether the input is modified in place. */
  readonly inplace: boolean;
  constructor(...args: PyArgs<[p: number, inplace: boolean], { p?: number; inplace?: boolean }>) {
    super();
    const { p, inplace } = DROPOUT.parse(args);
    if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
    this.inplace = inplace;
  }
  override forward(input: Tensor): Tensor {
    return dropout(input, { p: this.p, training: this.training, inplace: this.inplace });
  }
  override extra_repr(): string {
    return `p=${py_float(this.p)}, inplace=${py_repr(this.inplace)}`;
  }
}
