// torchvision's MobileNetV2 (Conv2dNormActivation, InvertedResidual): the same module tree, keys and repr.
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { init_cnn_weights } from './init.js';
import { without_weights, type WeightsOptions } from './weights.js';

/**
 * The channel count rounded to a multiple of `divisor`, never more than 10% below `v` (torchvision's rule).
 *
 * @example
 * models.make_divisible(32 * 0.75, 8); // 24
 */
export function make_divisible(v: number, divisor: number, min_value: number | null = null): number {
  const min = min_value ?? divisor;
  let new_v = Math.max(min, Math.floor(v + divisor / 2) - (Math.floor(v + divisor / 2) % divisor));
  if (new_v < 0.9 * v) new_v += divisor;
  return new_v;
}

/** Options of `Conv2dNormActivation`, torchvision's keyword arguments. */
export interface ConvNormActivationOptions {
  /** Kernel size. Default 3. */
  kernel_size?: number;
  /** Stride. Default 1. */
  stride?: number;
  /** Padding; default `(kernel_size − 1) / 2 · dilation` (same size at stride 1). */
  padding?: number | null;
  /** Channel groups (the number of channels for a depthwise conv). Default 1. */
  groups?: number;
  /** Dilation. Default 1. */
  dilation?: number;
  /** The norm layer for `out_channels`, or null for none (then the conv has a bias). */
  norm_layer?: ((c: number) => nn.Module) | null;
  /** The activation, or null for none (default ReLU, built in place). */
  activation_layer?: ((inplace: boolean) => nn.Module) | null;
  /** Whether the default activation works in place. Default true. */
  inplace?: boolean;
  /** Whether the conv has a bias; default: only when there is no norm layer. */
  bias?: boolean | null;
}

/**
 * Conv2d, then a norm layer, then an activation, as one Sequential (children "0", "1", "2").
 *
 * @example
 * new models.Conv2dNormActivation(3, 32, { stride: 2 }); // Conv2d, BatchNorm2d, ReLU
 */
export class Conv2dNormActivation extends nn.Sequential {
  /** PyTorch's class name. */
  static override readonly __name__: string = 'Conv2dNormActivation';
  /** Channels of the output. */
  readonly out_channels: number;
  constructor(in_channels: number, out_channels: number, options: ConvNormActivationOptions = {}) {
    const k = options.kernel_size ?? 3;
    const dilation = options.dilation ?? 1;
    const padding = options.padding ?? Math.floor((k - 1) / 2) * dilation;
    const norm = options.norm_layer === undefined ? (c: number) => new nn.BatchNorm2d(c) : options.norm_layer;
    const act = options.activation_layer === undefined ? (inplace: boolean) => new nn.ReLU({ inplace }) : options.activation_layer;
    const bias = options.bias ?? norm === null;
    const layers: nn.Module[] = [
      new nn.Conv2d(in_channels, out_channels, k, { stride: options.stride ?? 1, padding, dilation, groups: options.groups ?? 1, bias }),
    ];
    if (norm !== null) layers.push(norm(out_channels));
    if (act !== null) layers.push(act(options.inplace ?? true));
    super(...layers);
    this.out_channels = out_channels;
  }
}

const relu6 = (inplace: boolean): nn.Module => new nn.ReLU6({ inplace });

/**
 * Expand (1×1), depthwise 3×3, project (1×1, linear); a residual connection when shapes allow.
 *
 * @example
 * new models.InvertedResidual(32, 16, 1, 1).call(torch.randn([1, 32, 8, 8])).shape; // [1, 16, 8, 8]
 */
export class InvertedResidual extends nn.Module {
  /** PyTorch's class name. */
  static override readonly __name__: string = 'InvertedResidual';
  /** Stride of the depthwise convolution (1 or 2). */
  readonly stride: number;
  /** Whether the block adds its input (stride 1 and equal channels). */
  readonly use_res_connect: boolean;
  /** Channels of the output. */
  readonly out_channels: number;
  /** torchvision's `_is_cn` flag: true when the block downsamples (stride > 1). */
  readonly _is_cn: boolean;
  /** The expand (1×1), depthwise (3×3) and project (1×1) convolutions. */
  declare conv: nn.Sequential;

  constructor(inp: number, oup: number, stride: number, expand_ratio: number, norm_layer: (c: number) => nn.Module = (c) => new nn.BatchNorm2d(c)) {
    super();
    if (stride !== 1 && stride !== 2) throw new Error(`stride should be 1 or 2 instead of ${stride}`);
    this.stride = stride;
    const hidden = Math.round(inp * expand_ratio);
    this.use_res_connect = stride === 1 && inp === oup;
    const layers: nn.Module[] = [];
    if (expand_ratio !== 1) layers.push(new Conv2dNormActivation(inp, hidden, { kernel_size: 1, norm_layer, activation_layer: relu6 }));
    layers.push(
      new Conv2dNormActivation(hidden, hidden, { stride, groups: hidden, norm_layer, activation_layer: relu6 }),
      new nn.Conv2d(hidden, oup, 1, { stride: 1, padding: 0, bias: false }),
      norm_layer(oup),
    );
    this.conv = new nn.Sequential(...layers);
    this.out_channels = oup;
    this._is_cn = stride > 1;
  }

  override forward(x: Tensor): Tensor {
    const y = this.conv.call(x);
    return this.use_res_connect ? x.add(y) : y;
  }
}

/** torchvision's `MobileNetV2(...)` keyword arguments. */
export interface MobileNetV2Options {
  /** Number of classes. Default 1000. */
  num_classes?: number;
  /** Width multiplier of every layer's channels. Default 1. */
  width_mult?: number;
  /** Rows `[t, c, n, s]`: expansion, channels, repeats, first stride; default the paper's. */
  inverted_residual_setting?: number[][] | null;
  /** Channels are rounded to a multiple of this. Default 8. */
  round_nearest?: number;
  /** The norm layer for a channel count; default `nn.BatchNorm2d`. */
  norm_layer?: (c: number) => nn.Module;
  /** Dropout probability before the classifier. Default 0.2. */
  dropout?: number;
}

const DEFAULT_SETTING = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

/**
 * MobileNetV2: inverted residual blocks with linear bottlenecks. Init as torchvision: convolutions
 * Kaiming-normal (fan_out), norm weights 1 / biases 0, the classifier N(0, 0.01) with zero bias.
 *
 * @example
 * const net = models.mobilenet_v2({ num_classes: 10 });
 */
export class MobileNetV2 extends nn.Module {
  static override readonly __name__: string = 'MobileNetV2';
  /** Channels of the last feature map (1280 at width 1). */
  readonly last_channel: number;
  /** The convolutional feature extractor. */
  declare features: nn.Sequential;
  /** Dropout and the final `Linear(last_channel, num_classes)`. */
  declare classifier: nn.Sequential;

  constructor(options: MobileNetV2Options = {}) {
    super();
    const width_mult = options.width_mult ?? 1;
    const round_nearest = options.round_nearest ?? 8;
    const norm = options.norm_layer ?? ((c: number) => new nn.BatchNorm2d(c));
    const setting = options.inverted_residual_setting ?? DEFAULT_SETTING;
    if (setting.length === 0 || setting.some((row) => row.length !== 4)) {
      throw new Error(`inverted_residual_setting should be non-empty or a 4-element list, got ${JSON.stringify(setting)}`);
    }
    let input_channel = make_divisible(32 * width_mult, round_nearest);
    this.last_channel = make_divisible(1280 * Math.max(1, width_mult), round_nearest);
    const features: nn.Module[] = [new Conv2dNormActivation(3, input_channel, { stride: 2, norm_layer: norm, activation_layer: relu6 })];
    for (const [t, c, n, s] of setting as [number, number, number, number][]) {
      const output_channel = make_divisible(c * width_mult, round_nearest);
      for (let i = 0; i < n; i++) {
        features.push(new InvertedResidual(input_channel, output_channel, i === 0 ? s : 1, t, norm));
        input_channel = output_channel;
      }
    }
    features.push(new Conv2dNormActivation(input_channel, this.last_channel, { kernel_size: 1, norm_layer: norm, activation_layer: relu6 }));
    this.features = new nn.Sequential(...features);
    this.classifier = new nn.Sequential(new nn.Dropout(options.dropout ?? 0.2), new nn.Linear(this.last_channel, options.num_classes ?? 1000));
    init_cnn_weights(this);
  }

  override forward(x: Tensor): Tensor {
    const h = nn.functional.adaptive_avg_pool2d(this.features.call(x), [1, 1]).flatten(1);
    return this.classifier.call(h);
  }
}

/** MobileNetV2 with torchvision's defaults. @example models.mobilenet_v2({ num_classes: 10 }) */
export const mobilenet_v2 = (options: MobileNetV2Options & WeightsOptions = {}): MobileNetV2 => new MobileNetV2(without_weights('mobilenet_v2', options));
