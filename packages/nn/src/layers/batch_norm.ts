// PyTorch's _NormBase (the per-channel affine parameters and running statistics that batch and instance
// normalisation share) and BatchNorm1d/2d/3d.
import { check_device, ones, signature, zeros, type DeviceLike, type DType, type DTypeLike, type PyArgs, type SignatureOptions, type Tensor } from '@tsgrad/core';
import { batch_norm } from '../functional.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { py_repr } from '../python_repr.js';

/** What a norm layer's signature parses to: the fields of `NormBase`. */
export interface NormParsed { num_features: number; eps: number; momentum: number | null; affine: boolean; track_running_stats: boolean; device: DeviceLike | null; dtype: DType | null }

/**
 * PyTorch's `_NormBase`: `num_features` channels with an optional learnable `weight`/`bias` (`affine`) and
 * optional running mean/variance buffers (`track_running_stats`).
 */
export abstract class NormBase extends Module {
  /** Number of channels C (dim 1 of the input). */
  readonly num_features: number;
  /** Added to the variance for numerical stability. */
  readonly eps: number;
  /** Weight of the new batch statistic in the running estimates (null: a cumulative moving average). */
  readonly momentum: number | null;
  /** Whether the layer has a learnable per-channel scale `weight` and shift `bias`. */
  readonly affine: boolean;
  /**
   * Whether running mean/variance are tracked (in training) and used (in eval), instead of batch statistics always.
   */
  readonly track_running_stats: boolean;
  /** Per-channel scale `[C]` (initialised to ones), or null without `affine`. */
  declare weight: Parameter | null;
  /** Per-channel shift `[C]` (initialised to zeros), or null without `affine`. */
  declare bias: Parameter | null;
  /** Running mean buffer `[C]`, or null without `track_running_stats`. */
  declare running_mean: Tensor | null;
  /** Running (unbiased) variance buffer `[C]`, or null without `track_running_stats`. */
  declare running_var: Tensor | null;
  /** Number of training batches seen (an int64 scalar buffer), or null without `track_running_stats`. */
  declare num_batches_tracked: Tensor | null;

  constructor(a: NormParsed) {
    super();
    check_device(a.device);
    const { num_features, dtype } = a;
    this.num_features = num_features;
    this.eps = a.eps;
    this.momentum = a.momentum;
    this.affine = a.affine;
    this.track_running_stats = a.track_running_stats;
    if (this.affine) {
      this.weight = new Parameter(ones([num_features], { dtype }));
      this.bias = new Parameter(zeros([num_features], { dtype }));
    } else {
      this.register_parameter('weight', null);
      this.register_parameter('bias', null);
    }
    if (this.track_running_stats) {
      this.register_buffer('running_mean', zeros([num_features], { dtype }));
      this.register_buffer('running_var', ones([num_features], { dtype }));
      this.register_buffer('num_batches_tracked', zeros([], { dtype: 'int64' }));
    } else {
      this.register_buffer('running_mean', null);
      this.register_buffer('running_var', null);
      this.register_buffer('num_batches_tracked', null);
    }
  }

  /**
   * Resets the running statistics: mean 0, variance 1, no batches tracked (nothing without `track_running_stats`).
   *
   * @example
   * bn.reset_running_stats(); // bn.running_mean: tensor([0., 0., 0.])
   */
  reset_running_stats(): void {
    if (this.running_mean === null || this.running_var === null || this.num_batches_tracked === null) return;
    this.running_mean.zero_();
    this.running_var.fill_(1);
    this.num_batches_tracked.zero_();
  }

  /**
   * Resets the running statistics and, with `affine`, the weight to ones and the bias to zeros.
   *
   * @example
   * bn.reset_parameters();
   */
  reset_parameters(): void {
    this.reset_running_stats();
    if (this.weight !== null && this.bias !== null) {
      this.weight.data.fill_(1);
      this.bias.data.zero_();
    }
  }

  override extra_repr(): string {
    return `${this.num_features}, eps=${py_repr(this.eps)}, momentum=${py_repr(this.momentum)}, affine=${py_repr(this.affine)}, track_running_stats=${py_repr(this.track_running_stats)}`;
  }
}

/** The options of `nn.BatchNorm1d/2d/3d` (positional in this order, or by name). */
export interface BatchNormOptions {
  /** Number of channels C (dim 1 of the input). */
  num_features?: number;
  /** Added to the variance for numerical stability. Default 1e-5. */
  eps?: number;
  /** Weight of the new batch statistic in the running estimates (null: a cumulative moving average). Default 0.1. */
  momentum?: number | null;
  /** Whether the layer has a learnable per-channel scale `weight` and shift `bias`. Default true. */
  affine?: boolean;
  /**
   * Whether running mean/variance are tracked (in training) and used (in eval), instead of batch statistics always.
   * Default true.
   */
  track_running_stats?: boolean;
  /** Accepted for PyTorch compatibility; only 'cpu' exists. */
  device?: DeviceLike | null;
  /** Parameter and buffer dtype; default the global default dtype. */
  dtype?: DTypeLike | null;
}
const SIGNATURES = new Map<string, ReturnType<typeof signature<NormParsed>>>();
type BatchNormArgs = PyArgs<[num_features: number, eps: number, momentum: number | null, affine: boolean, track_running_stats: boolean], BatchNormOptions>;

/** Batch normalisation (PyTorch's `_BatchNorm`): statistics per channel over the batch and spatial dims. */
export abstract class BatchNormBase extends NormBase {
  /** The constructor's PyTorch signature for class `name` (SyncBatchNorm adds `process_group`). */
  static schema(name: string): string {
    return `${name}(int num_features, float eps=1e-05, float? momentum=0.1, bool affine=True, bool track_running_stats=True, Device? device=None, ScalarType? dtype=None)`;
  }

  /** How PyTorch names the constructor in argument errors: BatchNorm1d/2d/3d run `_BatchNorm.__init__`. */
  static readonly signature_options: SignatureOptions = { python: '_BatchNorm' };

  /** The parsed signature of class `cls`, made once per class. */
  static parser(cls: { readonly __name__: string; readonly signature_options: SignatureOptions; schema(name: string): string }): ReturnType<typeof signature<NormParsed>> {
    let s = SIGNATURES.get(cls.__name__);
    if (s === undefined) SIGNATURES.set(cls.__name__, (s = signature<NormParsed>(cls.schema(cls.__name__), cls.signature_options)));
    return s;
  }

  constructor(...args: BatchNormArgs) {
    super(BatchNormBase.parser(new.target as unknown as typeof BatchNormBase & { __name__: string }).parse(args));
  }

  /** @internal */
  protected abstract check_input_dim(input: Tensor): void;

  override forward(input: Tensor): Tensor {
    this.check_input_dim(input);
    const use_batch = this.training || !this.track_running_stats;
    let momentum = this.momentum ?? 0;
    const counting = this.training && this.track_running_stats && this.num_batches_tracked !== null;
    // momentum None: a cumulative moving average over the batches seen, this one included
    if (counting && this.momentum === null) momentum = 1 / (this.num_batches_tracked!.item() + 1);
    const out = batch_norm(input, this.running_mean, this.running_var, {
      weight: this.weight, bias: this.bias, training: use_batch, momentum, eps: this.eps,
    });
    // counted once the batch is accepted (PyTorch counts first, so a refused batch still bumps its counter)
    if (counting) this.num_batches_tracked!.add_(1);
    return out;
  }
}

/**
 * Batch normalisation over `[N, C]` or `[N, C, L]`: per channel, `(x − mean) / √(var + eps) · weight + bias`, with batch statistics in training and the running estimates in eval.
 *
 * @example
 * const bn = new nn.BatchNorm1d(100);
 * bn.call(torch.randn([20, 100]));
 */
export class BatchNorm1d extends BatchNormBase {
  static override readonly __name__: string = 'BatchNorm1d';
  /** @internal */
  protected check_input_dim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) throw new Error(`expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}

/**
 * Batch normalisation over `[N, C, H, W]` (statistics per channel over N, H, W).
 *
 * @example
 * const bn = new nn.BatchNorm2d(16, { momentum: 0.01 });
 * bn.call(torch.randn([8, 16, 5, 5]));
 */
export class BatchNorm2d extends BatchNormBase {
  static override readonly __name__: string = 'BatchNorm2d';
  /** @internal */
  protected check_input_dim(input: Tensor): void {
    if (input.ndim !== 4) throw new Error(`expected 4D input (got ${input.ndim}D input)`);
  }
}

/**
 * Batch normalisation over `[N, C, D, H, W]` (statistics per channel over N, D, H, W).
 *
 * @example
 * new nn.BatchNorm3d(4, { affine: false }).call(torch.randn([2, 4, 3, 3, 3]));
 */
export class BatchNorm3d extends BatchNormBase {
  static override readonly __name__: string = 'BatchNorm3d';
  /** @internal */
  protected check_input_dim(input: Tensor): void {
    if (input.ndim !== 5) throw new Error(`expected 5D input (got ${input.ndim}D input)`);
  }
}
