// Flatten, Dropout and BatchNorm1d/2d layers.
import { dropout, ones, signature, zeros, type PyArgs, type Tensor } from '@tsgrad/core';
import { batch_norm } from '../functional.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { py_float, py_repr } from '../python_repr.js';

const FLATTEN = signature<{ start_dim: number; end_dim: number }>('Flatten(int start_dim=1, int end_dim=-1)');

/**
 * Flattens dims `start_dim..end_dim` (default 1..-1).
 *
 * @example
 * new nn.Flatten(); new nn.Flatten(0, 1); new nn.Flatten({ start_dim: 0 });
 */
export class Flatten extends Module {
  static override readonly __name__: string = 'Flatten';
  readonly start_dim: number;
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

/** Dropout with probability `p` in training; the identity (same tensor) in eval. */
export class Dropout extends Module {
  static override readonly __name__: string = 'Dropout';
  readonly p: number;
  readonly inplace: boolean;
  constructor(p = 0.5, options: { inplace?: boolean } = {}) {
    super();
    if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
    this.inplace = options.inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return dropout(input, { p: this.p, training: this.training });
  }
  override extra_repr(): string {
    return `p=${py_float(this.p)}, inplace=${py_repr(this.inplace)}`;
  }
}

interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  track_running_stats?: boolean;
}

/** Shared batch-norm state: affine weight/bias and the running-statistics buffers. */
abstract class BatchNormBase extends Module {
  readonly eps: number;
  readonly momentum: number;
  readonly affine: boolean;
  readonly track_running_stats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(readonly num_features: number, options: BatchNormOptions = {}) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    this.affine = options.affine ?? true;
    this.track_running_stats = options.track_running_stats ?? true;
    if (this.affine) {
      this.weight = new Parameter(ones([num_features]));
      this.bias = new Parameter(zeros([num_features]));
    } else {
      this.register_parameter('weight', null);
      this.register_parameter('bias', null);
    }
    if (this.track_running_stats) {
      this.register_buffer('running_mean', zeros([num_features]));
      this.register_buffer('running_var', ones([num_features]));
      this.register_buffer('num_batches_tracked', zeros([], { dtype: 'int64' }));
    } else {
      this.register_buffer('running_mean', null);
      this.register_buffer('running_var', null);
      this.register_buffer('num_batches_tracked', null);
    }
  }

  protected abstract check_input_dim(input: Tensor): void;

  override forward(input: Tensor): Tensor {
    this.check_input_dim(input);
    const use_batch = this.training || !this.track_running_stats;
    if (this.training && this.track_running_stats && this.num_batches_tracked !== null) this.num_batches_tracked.add_(1);
    return batch_norm(input, this.running_mean, this.running_var, {
      weight: this.weight, bias: this.bias, training: use_batch, momentum: this.momentum, eps: this.eps,
    });
  }

  override extra_repr(): string {
    return `${this.num_features}, eps=${py_repr(this.eps)}, momentum=${py_repr(this.momentum)}, affine=${py_repr(this.affine)}, track_running_stats=${py_repr(this.track_running_stats)}`;
  }
}

/** Batch norm over `[N, C]` or `[N, C, L]`. */
export class BatchNorm1d extends BatchNormBase {
  static override readonly __name__: string = 'BatchNorm1d';
  protected check_input_dim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) throw new Error(`expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}

/** Batch norm over `[N, C, H, W]`. */
export class BatchNorm2d extends BatchNormBase {
  static override readonly __name__: string = 'BatchNorm2d';
  protected check_input_dim(input: Tensor): void {
    if (input.ndim !== 4) throw new Error(`expected 4D input (got ${input.ndim}D input)`);
  }
}
