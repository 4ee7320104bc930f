// Pooling modules beyond MaxPool2d/AvgPool2d/AdaptiveAvgPool2d: 1-d and 3-d max and average pooling, adaptive
// max pooling, LP pooling, max unpooling and fractional max pooling. Options print as the user gave them.
import * as torch from '@tsgrad/core';
import { signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';
import { py_float, py_repr } from '../python_repr.js';

type Ints = number | number[];
/** The PyTorch base classes whose __init__ these modules inherit: Python's argument errors name them. */
export const POOL_BASE = {
  max: { python: '_MaxPoolNd' }, adaptive_avg: { python: '_AdaptiveAvgPoolNd' }, adaptive_max: { python: '_AdaptiveMaxPoolNd' }, lp: { python: '_LPPoolNd' },
} as const;
type MaxPoolOptions = { kernel_size?: Ints; stride?: Ints | null; padding?: Ints; dilation?: Ints; return_indices?: boolean; ceil_mode?: boolean };
type MaxPoolArgs = PyArgs<[kernel_size: Ints, stride: Ints | null, padding: Ints, dilation: Ints, return_indices: boolean, ceil_mode: boolean], MaxPoolOptions>;
const max_pool_sig = (name: string) => signature<{ kernel_size: Ints; stride: Ints | null; padding: Ints; dilation: Ints; return_indices: boolean; ceil_mode: boolean }>(
  `${name}(Any kernel_size, Any stride=None, Any padding=0, Any dilation=1, bool return_indices=False, bool ceil_mode=False)`, POOL_BASE.max);

/** Max pooling of rank `nd`, options kept as given (`kernel_size=3`, or a tuple). */
abstract class MaxPoolNd extends Module {
  /** Size of the pooling window, as given (one int for every dim, or one per dim). */
  readonly kernel_size: Ints;
  /** Step of the window, as given; defaults to `kernel_size`. */
  readonly stride: Ints;
  /** Implicit padding on both sides (zeros for average pooling, -∞ for max pooling). */
  readonly padding: Ints;
  /** Spacing between window elements. */
  readonly dilation: Ints;
  /** Whether `forward` also returns the argmax indices (for `MaxUnpool`). */
  readonly return_indices: boolean;
  /** Whether the output size is rounded up instead of down. */
  readonly ceil_mode: boolean;
  constructor(a: { kernel_size: Ints; stride: Ints | null; padding: Ints; dilation: Ints; return_indices: boolean; ceil_mode: boolean }) {
    super();
    this.kernel_size = a.kernel_size;
    this.stride = a.stride ?? a.kernel_size;
    this.padding = a.padding;
    this.dilation = a.dilation;
    this.return_indices = a.return_indices;
    this.ceil_mode = a.ceil_mode;
  }
  /** @internal */
  protected options() {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceil_mode: this.ceil_mode, return_indices: this.return_indices };
  }
  override extra_repr(): string {
    return `kernel_size=${py_repr(this.kernel_size)}, stride=${py_repr(this.stride)}, padding=${py_repr(this.padding)}, dilation=${py_repr(this.dilation)}, ceil_mode=${py_repr(this.ceil_mode)}`;
  }
}

const MAXPOOL1D = max_pool_sig('MaxPool1d');
const MAXPOOL2D = signature<{ kernel_size: Ints; stride: Ints | null; padding: Ints; dilation: Ints; return_indices: boolean; ceil_mode: boolean }>(
  'MaxPool2d(int|int[2] kernel_size, int|int[2]? stride=None, int|int[2] padding=0, int|int[2] dilation=1, bool return_indices=False, bool ceil_mode=False)', POOL_BASE.max);
const MAXPOOL3D = max_pool_sig('MaxPool3d');
/**
 * Max pooling over `[N, C, L]` (or `[C, L]`); with `return_indices` `forward` returns `[values, indices]`.
 *
 * @example
 * new nn.MaxPool1d(3, { stride: 2, padding: 1 })
 */
export class MaxPool1d extends MaxPoolNd {
  static override readonly __name__: string = 'MaxPool1d';
  constructor(...args: MaxPoolArgs) {
    super(MAXPOOL1D.parse(args));
  }
  override forward(input: Tensor): Tensor | torch.PoolWithIndices {
    return torch.max_pool1d(input, this.kernel_size, this.options());
  }
}
/**
 * Max pooling over `[N, C, H, W]`; `new nn.MaxPool2d(2, 2)` or `new nn.MaxPool2d(k, { stride, padding, dilation, ceil_mode })`.
 * With `return_indices` it returns `[output, indices]`, PyTorch's tuple (typed as Tensor: the common case).
 *
 * @example
 * new nn.MaxPool2d(2).call(torch.randn([1, 10, 24, 24])).shape; // [1, 10, 12, 12]
 */
export class MaxPool2d extends MaxPoolNd {
  static override readonly __name__: string = 'MaxPool2d';
  constructor(...args: MaxPoolArgs) {
    super(MAXPOOL2D.parse(args));
  }
  override forward(input: Tensor): Tensor {
    type Size2 = number | [number, number];
    const o = { stride: this.stride as Size2, padding: this.padding as Size2, dilation: this.dilation as Size2, ceil_mode: this.ceil_mode };
    const k = this.kernel_size as Size2;
    return this.return_indices ? (torch.max_pool2d(input, k, { ...o, return_indices: true }) as unknown as Tensor) : torch.max_pool2d(input, k, o);
  }
}

/**
 * Max pooling over `[N, C, D, H, W]`; with `return_indices` `forward` returns `[values, indices]`.
 *
 * @example
 * new nn.MaxPool3d(2, { stride: 2 })
 */
export class MaxPool3d extends MaxPoolNd {
  static override readonly __name__: string = 'MaxPool3d';
  constructor(...args: MaxPoolArgs) {
    super(MAXPOOL3D.parse(args));
  }
  override forward(input: Tensor): Tensor | torch.PoolWithIndices {
    return torch.max_pool3d(input, this.kernel_size, this.options());
  }
}

type AvgArgs = PyArgs<[kernel_size: Ints, stride: Ints | null, padding: Ints, ceil_mode: boolean, count_include_pad: boolean, divisor_override: number | null], { kernel_size?: Ints; stride?: Ints | null; padding?: Ints; ceil_mode?: boolean; count_include_pad?: boolean; divisor_override?: number | null }>;
interface AvgParsed { kernel_size: Ints; stride: Ints | null; padding: Ints; ceil_mode: boolean; count_include_pad: boolean; divisor_override: number | null }
const AVGPOOL1D = signature<AvgParsed>('AvgPool1d(Any kernel_size, Any stride=None, Any padding=0, bool ceil_mode=False, bool count_include_pad=True)');
const AVGPOOL3D = signature<AvgParsed>('AvgPool3d(Any kernel_size, Any stride=None, Any padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)');
const single = (v: Ints): number[] => (typeof v === 'number' ? [v] : v);

/**
 * Average pooling over `[N, C, L]` (PyTorch keeps its sizes as 1-tuples, and prints them so).
 *
 * @example
 * new nn.AvgPool1d(3, { stride: 2 }).call(torch.randn([1, 2, 9])).shape; // [1, 2, 4]
 */
export class AvgPool1d extends Module {
  static override readonly __name__: string = 'AvgPool1d';
  /** Size of the window, a 1-tuple. */
  readonly kernel_size: number[];
  /** Step of the window, a 1-tuple; defaults to `kernel_size`. */
  readonly stride: number[];
  /** Implicit zero padding on both sides, a 1-tuple. */
  readonly padding: number[];
  /** Whether the output size is rounded up instead of down. */
  readonly ceil_mode: boolean;
  /** Whether the zero padding counts in the average's divisor. */
  readonly count_include_pad: boolean;
  constructor(...args: AvgArgs) {
    super();
    const a = AVGPOOL1D.parse(args);
    this.kernel_size = single(a.kernel_size);
    this.stride = single(a.stride ?? a.kernel_size);
    this.padding = single(a.padding);
    this.ceil_mode = a.ceil_mode;
    this.count_include_pad = a.count_include_pad;
  }
  override forward(input: Tensor): Tensor {
    return torch.avg_pool1d(input, this.kernel_size, { stride: this.stride, padding: this.padding, ceil_mode: this.ceil_mode, count_include_pad: this.count_include_pad });
  }
  override extra_repr(): string {
    return `kernel_size=${py_repr(this.kernel_size)}, stride=${py_repr(this.stride)}, padding=${py_repr(this.padding)}`;
  }
}

/** Average pooling with a divisor override (2-d and 3-d): the options as given, and PyTorch's repr of them. */
abstract class AvgPoolNd extends Module {
  /** Size of the pooling window, as given (one int for every dim, or one per dim). */
  readonly kernel_size: Ints;
  /** Step of the window, as given; defaults to `kernel_size`. */
  readonly stride: Ints;
  /** Implicit zero padding on both sides. */
  readonly padding: Ints;
  /** Whether the output size is rounded up instead of down. */
  readonly ceil_mode: boolean;
  /** Whether the zero padding counts in the average's divisor. */
  readonly count_include_pad: boolean;
  /** If set, the divisor used instead of the window size. */
  readonly divisor_override: number | null;
  /** The pooling function of this rank. */
  protected abstract readonly pool: typeof torch.avg_pool2d;
  constructor(a: AvgParsed) {
    super();
    this.kernel_size = a.kernel_size;
    this.stride = a.stride ?? a.kernel_size;
    this.padding = a.padding;
    this.ceil_mode = a.ceil_mode;
    this.count_include_pad = a.count_include_pad;
    this.divisor_override = a.divisor_override;
  }
  override forward(input: Tensor): Tensor {
    return this.pool(input, this.kernel_size as never, { stride: this.stride as never, padding: this.padding as never, ceil_mode: this.ceil_mode, count_include_pad: this.count_include_pad, divisor_override: this.divisor_override });
  }
  override extra_repr(): string {
    return `kernel_size=${py_repr(this.kernel_size)}, stride=${py_repr(this.stride)}, padding=${py_repr(this.padding)}`;
  }
}

type Size2 = number | [number, number];
const AVGPOOL2D = signature<AvgParsed>(
  'AvgPool2d(int|int[2] kernel_size, int|int[2]? stride=None, int|int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)');

/**
 * Average pooling over `[N, C, H, W]` (or `[C, H, W]`).
 *
 * @example
 * const pool = new nn.AvgPool2d(2);
 * pool.call(torch.randn([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 */
export class AvgPool2d extends AvgPoolNd {
  static override readonly __name__: string = 'AvgPool2d';
  protected readonly pool = torch.avg_pool2d;
  constructor(...args: PyArgs<[kernel_size: Size2, stride: Size2 | null, padding: Size2, ceil_mode: boolean, count_include_pad: boolean, divisor_override: number | null], {
    kernel_size?: Size2; stride?: Size2 | null; padding?: Size2; ceil_mode?: boolean; count_include_pad?: boolean; divisor_override?: number | null;
  }>) {
    super(AVGPOOL2D.parse(args));
  }
}

/** 3-d average pooling. @example new nn.AvgPool3d(2, { stride: 1 }) */
export class AvgPool3d extends AvgPoolNd {
  static override readonly __name__: string = 'AvgPool3d';
  protected readonly pool = torch.avg_pool3d as unknown as typeof torch.avg_pool2d;
  constructor(...args: AvgArgs) {
    super(AVGPOOL3D.parse(args));
  }
}

type SizeArg = number | (number | null)[];
const adaptive_sig = (name: string, indices: boolean) => signature<{ output_size: SizeArg; return_indices?: boolean }>(
  `${name}(Any output_size${indices ? ', bool return_indices=False' : ''})`, indices ? POOL_BASE.adaptive_max : POOL_BASE.adaptive_avg);

/** An adaptive pooling module: `output_size` printed as given. */
abstract class AdaptivePool extends Module {
  /** Target output size, as given (an int, or one per dim; `null` keeps the input's size in that dim). */
  readonly output_size: SizeArg;
  /** Whether `forward` also returns the argmax indices (max pooling only). */
  readonly return_indices: boolean;
  constructor(a: { output_size: SizeArg; return_indices?: boolean }) {
    super();
    this.output_size = a.output_size;
    this.return_indices = a.return_indices ?? false;
  }
  override extra_repr(): string {
    return `output_size=${py_repr(this.output_size)}`;
  }
}

type AdaptiveArgs = PyArgs<[output_size: SizeArg], { output_size?: SizeArg }>;
type AdaptiveMaxArgs = PyArgs<[output_size: SizeArg, return_indices: boolean], { output_size?: SizeArg; return_indices?: boolean }>;
const ADAPTIVE_AVG1D = adaptive_sig('AdaptiveAvgPool1d', false);
const ADAPTIVE_AVG3D = adaptive_sig('AdaptiveAvgPool3d', false);
const ADAPTIVE_MAX = [adaptive_sig('AdaptiveMaxPool1d', true), adaptive_sig('AdaptiveMaxPool2d', true), adaptive_sig('AdaptiveMaxPool3d', true)] as const;

/**
 * Average pooling to a fixed output length, whatever the input length.
 *
 * @example
 * new nn.AdaptiveAvgPool1d(4)
 */
export class AdaptiveAvgPool1d extends AdaptivePool {
  static override readonly __name__: string = 'AdaptiveAvgPool1d';
  constructor(...args: AdaptiveArgs) {
    super(ADAPTIVE_AVG1D.parse(args));
  }
  override forward(input: Tensor): Tensor {
    return torch.adaptive_avg_pool1d(input, this.output_size);
  }
}
/**
 * Average pooling to a fixed `[D, H, W]`, whatever the input size.
 *
 * @example
 * new nn.AdaptiveAvgPool3d([2, 3, 2])
 */
export class AdaptiveAvgPool3d extends AdaptivePool {
  static override readonly __name__: string = 'AdaptiveAvgPool3d';
  constructor(...args: AdaptiveArgs) {
    super(ADAPTIVE_AVG3D.parse(args));
  }
  override forward(input: Tensor): Tensor {
    return torch.adaptive_avg_pool3d(input, this.output_size);
  }
}
/**
 * Max pooling to a fixed output length; with `return_indices` returns `[values, indices]`.
 *
 * @example
 * new nn.AdaptiveMaxPool1d(3, { return_indices: true })
 */
export class AdaptiveMaxPool1d extends AdaptivePool {
  static override readonly __name__: string = 'AdaptiveMaxPool1d';
  constructor(...args: AdaptiveMaxArgs) {
    super(ADAPTIVE_MAX[0].parse(args));
  }
  override forward(input: Tensor): Tensor | torch.PoolWithIndices {
    return torch.adaptive_max_pool1d(input, this.output_size, this.return_indices);
  }
}
/**
 * Max pooling to a fixed `[H, W]`; with `return_indices` returns `[values, indices]`.
 *
 * @example
 * new nn.AdaptiveMaxPool2d([3, 2])
 */
export class AdaptiveMaxPool2d extends AdaptivePool {
  static override readonly __name__: string = 'AdaptiveMaxPool2d';
  constructor(...args: AdaptiveMaxArgs) {
    super(ADAPTIVE_MAX[1].parse(args));
  }
  override forward(input: Tensor): Tensor | torch.PoolWithIndices {
    return torch.adaptive_max_pool2d(input, this.output_size, this.return_indices);
  }
}
/**
 * Max pooling to a fixed `[D, H, W]`; with `return_indices` returns `[values, indices]`.
 *
 * @example
 * new nn.AdaptiveMaxPool3d(2)
 */
export class AdaptiveMaxPool3d extends AdaptivePool {
  static override readonly __name__: string = 'AdaptiveMaxPool3d';
  constructor(...args: AdaptiveMaxArgs) {
    super(ADAPTIVE_MAX[2].parse(args));
  }
  override forward(input: Tensor): Tensor | torch.PoolWithIndices {
    return torch.adaptive_max_pool3d(input, this.output_size, this.return_indices);
  }
}

type LpArgs = PyArgs<[norm_type: number, kernel_size: Ints, stride: Ints | null, ceil_mode: boolean], { norm_type?: number; kernel_size?: Ints; stride?: Ints | null; ceil_mode?: boolean }>;
const lp_sig = (name: string) => signature<{ norm_type: number; kernel_size: Ints; stride: Ints | null; ceil_mode: boolean }>(`${name}(float norm_type, Any kernel_size, Any stride=None, bool ceil_mode=False)`, POOL_BASE.lp);
const LP = [lp_sig('LPPool1d'), lp_sig('LPPool2d'), lp_sig('LPPool3d')] as const;

/** Power-average pooling: `(Σ xᵖ)^(1/p)` over each window. */
abstract class LPPoolNd extends Module {
  /** The power p. */
  readonly norm_type: number;
  /** Size of the pooling window, as given (one int for every dim, or one per dim). */
  readonly kernel_size: Ints;
  /** Step of the window, as given; defaults to `kernel_size`. */
  readonly stride: Ints | null;
  /** Whether the output size is rounded up instead of down. */
  readonly ceil_mode: boolean;
  constructor(a: { norm_type: number; kernel_size: Ints; stride: Ints | null; ceil_mode: boolean }) {
    super();
    this.norm_type = a.norm_type;
    this.kernel_size = a.kernel_size;
    this.stride = a.stride;
    this.ceil_mode = a.ceil_mode;
  }
  override extra_repr(): string {
    return `norm_type=${py_float(this.norm_type)}, kernel_size=${py_repr(this.kernel_size)}, stride=${py_repr(this.stride)}, ceil_mode=${py_repr(this.ceil_mode)}`;
  }
}
/**
 * Power-average pooling over `[N, C, L]`: `(Σ xᵖ)^(1/p)` over each window (p = `norm_type`).
 *
 * @example
 * new nn.LPPool1d(2, 3, { stride: 2 })
 */
export class LPPool1d extends LPPoolNd {
  static override readonly __name__: string = 'LPPool1d';
  constructor(...args: LpArgs) {
    super(LP[0].parse(args));
  }
  override forward(input: Tensor): Tensor {
    return torch.lp_pool1d(input, this.norm_type, this.kernel_size, this.stride, this.ceil_mode);
  }
}
/**
 * Power-average pooling over `[N, C, H, W]`: `(Σ xᵖ)^(1/p)` over each window (p = `norm_type`).
 *
 * @example
 * new nn.LPPool2d(2, 2)
 */
export class LPPool2d extends LPPoolNd {
  static override readonly __name__: string = 'LPPool2d';
  constructor(...args: LpArgs) {
    super(LP[1].parse(args));
  }
  override forward(input: Tensor): Tensor {
    return torch.lp_pool2d(input, this.norm_type, this.kernel_size, this.stride, this.ceil_mode);
  }
}

type UnpoolArgs = PyArgs<[kernel_size: Ints, stride: Ints | null, padding: Ints], { kernel_size?: Ints; stride?: Ints | null; padding?: Ints }>;
const unpool_sig = (name: string) => signature<{ kernel_size: Ints; stride: Ints | null; padding: Ints }>(`${name}(Any kernel_size, Any stride=None, Any padding=0)`);
const UNPOOL = [unpool_sig('MaxUnpool1d'), unpool_sig('MaxUnpool2d'), unpool_sig('MaxUnpool3d')] as const;
const ntuple = (v: Ints, n: number): number[] => (typeof v === 'number' ? new Array<number>(n).fill(v) : v);

/** Max unpooling: `call(input, indices, output_size?)`; sizes stored as n-tuples, as PyTorch prints them. */
abstract class MaxUnpoolNd extends Module {
  /** Size of the max-pooling window that is undone, an n-tuple. */
  readonly kernel_size: number[];
  /** Its stride, an n-tuple (defaults to `kernel_size`). */
  readonly stride: number[];
  /** Its padding, an n-tuple. */
  readonly padding: number[];
  constructor(a: { kernel_size: Ints; stride: Ints | null; padding: Ints }, n: number) {
    super();
    this.kernel_size = ntuple(a.kernel_size, n);
    this.stride = ntuple(a.stride ?? a.kernel_size, n);
    this.padding = ntuple(a.padding, n);
  }
  /** @internal */
  protected abstract unpool(input: Tensor, indices: Tensor, output_size: number[] | null): Tensor;
  override forward(input: Tensor, indices: Tensor, output_size: number[] | { output_size?: number[] | null } | null = null): Tensor {
    const size = output_size !== null && !Array.isArray(output_size) ? output_size.output_size ?? null : output_size;
    return this.unpool(input, indices, size);
  }
  override extra_repr(): string {
    return `kernel_size=${py_repr(this.kernel_size)}, stride=${py_repr(this.stride)}, padding=${py_repr(this.padding)}`;
  }
}
/**
 * Partial inverse of `MaxPool1d`: puts each value back at its argmax index, zeros elsewhere.
 *
 * @example
 * new nn.MaxUnpool1d(2).call(y, indices)
 */
export class MaxUnpool1d extends MaxUnpoolNd {
  static override readonly __name__: string = 'MaxUnpool1d';
  constructor(...args: UnpoolArgs) {
    super(UNPOOL[0].parse(args), 1);
  }
  /** @internal */
  protected unpool(input: Tensor, indices: Tensor, output_size: number[] | null): Tensor {
    return torch.max_unpool1d(input, indices, this.kernel_size, this.stride, this.padding, output_size);
  }
}
/**
 * Partial inverse of `MaxPool2d`: puts each value back at its argmax index, zeros elsewhere; `output_size` resolves ambiguous sizes.
 *
 * @example
 * new nn.MaxUnpool2d(2).call(y, indices, nn.kwargs({ output_size: [5, 5] }))
 */
export class MaxUnpool2d extends MaxUnpoolNd {
  static override readonly __name__: string = 'MaxUnpool2d';
  constructor(...args: UnpoolArgs) {
    super(UNPOOL[1].parse(args), 2);
  }
  /** @internal */
  protected unpool(input: Tensor, indices: Tensor, output_size: number[] | null): Tensor {
    return torch.max_unpool2d(input, indices, this.kernel_size, this.stride, this.padding, output_size);
  }
}
/**
 * Partial inverse of `MaxPool3d`: puts each value back at its argmax index, zeros elsewhere.
 *
 * @example
 * new nn.MaxUnpool3d(2).call(y, indices)
 */
export class MaxUnpool3d extends MaxUnpoolNd {
  static override readonly __name__: string = 'MaxUnpool3d';
  constructor(...args: UnpoolArgs) {
    super(UNPOOL[2].parse(args), 3);
  }
  /** @internal */
  protected unpool(input: Tensor, indices: Tensor, output_size: number[] | null): Tensor {
    return torch.max_unpool3d(input, indices, this.kernel_size, this.stride, this.padding, output_size);
  }
}

type FractionalArgs = PyArgs<[kernel_size: Ints], { kernel_size?: Ints; output_size?: Ints | null; output_ratio?: number | number[] | null; return_indices?: boolean; _random_samples?: Tensor | null }>;
const fractional_sig = (name: string) => signature<{ kernel_size: Ints; output_size: Ints | null; output_ratio: number | number[] | null; return_indices: boolean; _random_samples: Tensor | null }>(
  `${name}(Any kernel_size, Any output_size=None, Any output_ratio=None, bool return_indices=False, Tensor? _random_samples=None)`);
const FRACTIONAL = [fractional_sig('FractionalMaxPool2d'), fractional_sig('FractionalMaxPool3d')] as const;

/** Fractional max pooling (pseudo-random window placement; `_random_samples` fixes it). */
abstract class FractionalMaxPoolNd extends Module {
  /** Size of the pooling window, as given (one int for every dim, or one per dim). */
  readonly kernel_size: Ints;
  /** Target output size (give this or `output_ratio`). */
  readonly output_size: Ints | null;
  /** Target output size as a fraction of the input size, each in (0, 1). */
  readonly output_ratio: number | number[] | null;
  /** Whether `forward` also returns the argmax indices (for `MaxUnpool`). */
  readonly return_indices: boolean;
  /** Fixed samples in [0, 1) placing the windows, `[N, C, nd]`; null draws fresh ones on every call. */
  declare _random_samples: Tensor | null;
  constructor(a: { kernel_size: Ints; output_size: Ints | null; output_ratio: number | number[] | null; return_indices: boolean; _random_samples: Tensor | null }) {
    super();
    if ((a.output_size === null) === (a.output_ratio === null)) {
      throw new Error(a.output_size === null ? 'FractionalMaxPool2d requires specifying either an output size, or a pooling ratio' : 'only one of output_size and output_ratio may be specified');
    }
    const ratios = a.output_ratio === null ? [] : typeof a.output_ratio === 'number' ? [a.output_ratio] : a.output_ratio;
    if (ratios.some((r) => r <= 0 || r >= 1)) throw new Error(`output_ratio must be between 0 and 1 (got ${py_repr(a.output_ratio)})`);
    this.kernel_size = a.kernel_size;
    this.output_size = a.output_size;
    this.output_ratio = a.output_ratio;
    this.return_indices = a.return_indices;
    this.register_buffer('_random_samples', a._random_samples);
  }
  /** @internal */
  protected options() {
    return { output_size: this.output_size, output_ratio: this.output_ratio, return_indices: this.return_indices, _random_samples: this._random_samples };
  }
}
/**
 * Fractional max pooling over `[N, C, H, W]` (Graham, 2014): pseudo-random window placement reaching `output_size` or `output_ratio`.
 *
 * @example
 * new nn.FractionalMaxPool2d(2, { output_size: [3, 3] })
 */
export class FractionalMaxPool2d extends FractionalMaxPoolNd {
  static override readonly __name__: string = 'FractionalMaxPool2d';
  constructor(...args: FractionalArgs) {
    super(FRACTIONAL[0].parse(args));
  }
  override forward(input: Tensor): Tensor | torch.PoolWithIndices {
    return torch.fractional_max_pool2d(input, this.kernel_size, this.options());
  }
}
/**
 * Fractional max pooling over `[N, C, D, H, W]`: pseudo-random window placement reaching `output_size` or `output_ratio`.
 *
 * @example
 * new nn.FractionalMaxPool3d(2, { output_size: [2, 2, 2] })
 */
export class FractionalMaxPool3d extends FractionalMaxPoolNd {
  static override readonly __name__: string = 'FractionalMaxPool3d';
  constructor(...args: FractionalArgs) {
    super(FRACTIONAL[1].parse(args));
  }
  override forward(input: Tensor): Tensor | torch.PoolWithIndices {
    return torch.fractional_max_pool3d(input, this.kernel_size, this.options());
  }
}
/**
 * Power-average pooling over `[N, C, D, H, W]`: `(Σ xᵖ)^(1/p)` over each window (p = `norm_type`; PyTorch 2.2+).
 *
 * @example
 * new nn.LPPool3d(2, 2)
 */
export class LPPool3d extends LPPoolNd {
  static override readonly __name__: string = 'LPPool3d';
  constructor(...args: LpArgs) {
    super(LP[2].parse(args));
  }
  override forward(input: Tensor): Tensor {
    return torch.lp_pool3d(input, this.norm_type, this.kernel_size, this.stride, this.ceil_mode);
  }
}
