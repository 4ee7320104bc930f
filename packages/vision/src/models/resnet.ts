// torchvision's ResNet family (BasicBlock, Bottleneck, ResNet, resnet18 … resnet152): the same module tree,
// state_dict keys, repr and numbers, so torchvision weights saved as safetensors load unchanged.
import { no_grad, type Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { without_weights, type WeightsOptions } from './weights.js';

/** A norm layer constructor, torchvision's `norm_layer` argument (default `nn.BatchNorm2d`). */
export type NormLayer = (num_features: number) => nn.Module;
const batch_norm: NormLayer = (c) => new nn.BatchNorm2d(c);

const conv3x3 = (in_planes: number, out_planes: number, stride = 1, groups = 1, dilation = 1): nn.Conv2d =>
  new nn.Conv2d(in_planes, out_planes, 3, { stride, padding: dilation, groups, bias: false, dilation });
const conv1x1 = (in_planes: number, out_planes: number, stride = 1): nn.Conv2d => new nn.Conv2d(in_planes, out_planes, 1, { stride, bias: false });

/** Options every residual block takes (torchvision's keyword arguments). */
export interface BlockOptions {
  /** Stride of the block's first (3×3) convolution. Default 1. */
  stride?: number;
  /** The shortcut's projection when shape changes (1×1 conv and norm), or null for the identity. */
  downsample?: nn.Module | null;
  /** Channel groups of the 3×3 convolution (ResNeXt). Default 1. */
  groups?: number;
  /** Channels per group of the bottleneck (Wide ResNet). Default 64. */
  base_width?: number;
  /** Dilation of the 3×3 convolution. Default 1. */
  dilation?: number;
  /** The norm layer for a channel count; default `nn.BatchNorm2d`. */
  norm_layer?: NormLayer;
}

/** What `ResNet` needs of a block class: its channel expansion and its constructor. */
export interface BlockClass {
  /** Output channels per `planes`: 1 for BasicBlock, 4 for Bottleneck. */
  readonly expansion: number;
  new (inplanes: number, planes: number, options?: BlockOptions): nn.Module;
}

/**
 * Two 3×3 convolutions with a shortcut (ResNet-18/34).
 *
 * @example
 * const block = new models.BasicBlock(64, 64);
 * block.call(torch.randn([1, 64, 8, 8])).shape; // [1, 64, 8, 8]
 */
export class BasicBlock extends nn.Module {
  static override readonly __name__: string = 'BasicBlock';
  /** Output channels per `planes` (1). */
  static readonly expansion = 1;
  /** First 3×3 convolution. */
  declare conv1: nn.Conv2d;
  /** Norm after `conv1`. */
  declare bn1: nn.Module;
  /** The ReLU (in place), used twice. */
  declare relu: nn.ReLU;
  /** Second 3×3 convolution. */
  declare conv2: nn.Conv2d;
  /** Norm after `conv2`. */
  declare bn2: nn.Module;
  /** Projection of the shortcut, or null. */
  declare downsample: nn.Module | null;
  /** Stride of `conv1`. */
  readonly stride: number;

  constructor(inplanes: number, planes: number, options: BlockOptions = {}) {
    super();
    const norm = options.norm_layer ?? batch_norm;
    if ((options.groups ?? 1) !== 1 || (options.base_width ?? 64) !== 64) throw new Error('BasicBlock only supports groups=1 and base_width=64');
    if ((options.dilation ?? 1) > 1) throw new Error('Dilation > 1 not supported in BasicBlock');
    this.stride = options.stride ?? 1;
    this.conv1 = conv3x3(inplanes, planes, this.stride);
    this.bn1 = norm(planes);
    this.relu = new nn.ReLU({ inplace: true });
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = norm(planes);
    this.downsample = options.downsample ?? null;
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)) as Tensor);
    out = this.bn2.call(this.conv2.call(out)) as Tensor;
    const identity = this.downsample === null ? x : (this.downsample.call(x) as Tensor);
    out.add_(identity);
    return this.relu.call(out);
  }
}

/**
 * 1×1, 3×3, 1×1 convolutions with a 4× wider output and a shortcut (ResNet-50 and deeper).
 *
 * @example
 * const down = new nn.Sequential(new nn.Conv2d(64, 256, 1, { bias: false }), new nn.BatchNorm2d(256));
 * new models.Bottleneck(64, 64, { downsample: down }).call(torch.randn([1, 64, 8, 8])).shape; // [1, 256, 8, 8]
 */
export class Bottleneck extends nn.Module {
  static override readonly __name__: string = 'Bottleneck';
  /** Output channels per `planes` (4). */
  static readonly expansion = 4;
  /** 1×1 reduction. */
  declare conv1: nn.Conv2d;
  /** Norm after `conv1`. */
  declare bn1: nn.Module;
  /** 3×3 convolution (carries the stride). */
  declare conv2: nn.Conv2d;
  /** Norm after `conv2`. */
  declare bn2: nn.Module;
  /** 1×1 expansion to `planes · 4`. */
  declare conv3: nn.Conv2d;
  /** Norm after `conv3` (zeroed with `zero_init_residual`). */
  declare bn3: nn.Module;
  /** The ReLU (in place). */
  declare relu: nn.ReLU;
  /** Projection of the shortcut, or null. */
  declare downsample: nn.Module | null;
  /** Stride of `conv2`. */
  readonly stride: number;

  constructor(inplanes: number, planes: number, options: BlockOptions = {}) {
    super();
    const norm = options.norm_layer ?? batch_norm;
    const groups = options.groups ?? 1;
    const width = Math.floor(planes * ((options.base_width ?? 64) / 64)) * groups;
    this.stride = options.stride ?? 1;
    this.conv1 = conv1x1(inplanes, width);
    this.bn1 = norm(width);
    this.conv2 = conv3x3(width, width, this.stride, groups, options.dilation ?? 1);
    this.bn2 = norm(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = norm(planes * Bottleneck.expansion);
    this.relu = new nn.ReLU({ inplace: true });
    this.downsample = options.downsample ?? null;
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)) as Tensor);
    out = this.relu.call(this.bn2.call(this.conv2.call(out)) as Tensor);
    out = this.bn3.call(this.conv3.call(out)) as Tensor;
    const identity = this.downsample === null ? x : (this.downsample.call(x) as Tensor);
    out.add_(identity);
    return this.relu.call(out);
  }
}

/** torchvision's `ResNet(...)` keyword arguments. */
export interface ResNetOptions {
  /** Number of classes. Default 1000. */
  num_classes?: number;
  /** Zero the last norm of every block, so each starts as the identity. Default false. */
  zero_init_residual?: boolean;
  /** Channel groups of the 3×3 convolutions (ResNeXt). Default 1. */
  groups?: number;
  /** Channels per group (Wide ResNet: 128). Default 64. */
  width_per_group?: number;
  /** Replace the stride of stages 2–4 with dilation (for dense prediction). */
  replace_stride_with_dilation?: [boolean, boolean, boolean] | null;
  /** The norm layer for a channel count; default `nn.BatchNorm2d`. */
  norm_layer?: NormLayer;
}

/**
 * A stem (7×7 conv, BN, ReLU, 3×3 max-pool), four stages of residual blocks, global average pooling and `fc`.
 * Init as torchvision: convolutions Kaiming-normal (fan_out, relu), norm weights 1 and biases 0.
 *
 * @example
 * const net = models.resnet18({ num_classes: 10 });
 * net.call(torch.randn([2, 3, 32, 32])).shape; // [2, 10]
 */
export class ResNet extends nn.Module {
  static override readonly __name__: string = 'ResNet';
  /** Stem 7×7 convolution, stride 2. */
  declare conv1: nn.Conv2d;
  /** Stem norm. */
  declare bn1: nn.Module;
  /** The ReLU (in place). */
  declare relu: nn.ReLU;
  /** Stem 3×3 max pooling, stride 2. */
  declare maxpool: nn.MaxPool2d;
  /** Stage 1 (64 planes). */
  declare layer1: nn.Sequential;
  /** Stage 2 (128 planes, stride 2). */
  declare layer2: nn.Sequential;
  /** Stage 3 (256 planes, stride 2). */
  declare layer3: nn.Sequential;
  /** Stage 4 (512 planes, stride 2). */
  declare layer4: nn.Sequential;
  /** Global average pooling. */
  declare avgpool: nn.AdaptiveAvgPool2d;
  /** The classifier `Linear(512 · expansion, num_classes)`. */
  declare fc: nn.Linear;
  private inplanes = 64;
  private dilation = 1;
  /** Channel groups of the blocks. */
  readonly groups: number;
  /** Channels per group of the blocks. */
  readonly base_width: number;

  constructor(block: BlockClass, layers: [number, number, number, number], options: ResNetOptions = {}) {
    super();
    const norm = options.norm_layer ?? batch_norm;
    const dilate = options.replace_stride_with_dilation ?? [false, false, false];
    if (dilate.length !== 3) throw new Error(`replace_stride_with_dilation should be None or a 3-element tuple, got ${JSON.stringify(dilate)}`);
    this.groups = options.groups ?? 1;
    this.base_width = options.width_per_group ?? 64;
    this.conv1 = new nn.Conv2d(3, this.inplanes, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = norm(this.inplanes);
    this.relu = new nn.ReLU({ inplace: true });
    this.maxpool = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = this.make_layer(block, 64, layers[0], 1, false, norm);
    this.layer2 = this.make_layer(block, 128, layers[1], 2, dilate[0], norm);
    this.layer3 = this.make_layer(block, 256, layers[2], 2, dilate[1], norm);
    this.layer4 = this.make_layer(block, 512, layers[3], 2, dilate[2], norm);
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.fc = new nn.Linear(512 * block.expansion, options.num_classes ?? 1000);
    no_grad(() => {
      for (const m of this.modules()) {
        if (m instanceof nn.Conv2d) nn.init.kaiming_normal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        else if (m instanceof nn.BatchNorm2d || m._get_name() === 'GroupNorm') {
          const affine = m as unknown as { weight: Tensor | null; bias: Tensor | null };
          if (affine.weight !== null) nn.init.constant_(affine.weight, 1);
          if (affine.bias !== null) nn.init.constant_(affine.bias, 0);
        }
      }
      if (options.zero_init_residual === true) {
        for (const m of this.modules()) {
          const last = m instanceof Bottleneck ? m.bn3 : m instanceof BasicBlock ? m.bn2 : null;
          const w = (last as unknown as { weight?: Tensor | null } | null)?.weight;
          if (w !== undefined && w !== null) nn.init.constant_(w, 0);
        }
      }
    });
  }

  private make_layer(block: BlockClass, planes: number, blocks: number, stride: number, dilate: boolean, norm: NormLayer): nn.Sequential {
    const previous_dilation = this.dilation;
    if (dilate) {
      this.dilation *= stride;
      stride = 1;
    }
    let downsample: nn.Module | null = null;
    if (stride !== 1 || this.inplanes !== planes * block.expansion) {
      downsample = new nn.Sequential(conv1x1(this.inplanes, planes * block.expansion, stride), norm(planes * block.expansion));
    }
    const common = { groups: this.groups, base_width: this.base_width, norm_layer: norm };
    const layers: nn.Module[] = [new block(this.inplanes, planes, { ...common, stride, downsample, dilation: previous_dilation })];
    this.inplanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++) layers.push(new block(this.inplanes, planes, { ...common, dilation: this.dilation }));
    return new nn.Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    let h = this.maxpool.call(this.relu.call(this.bn1.call(this.conv1.call(x)) as Tensor));
    h = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(h))));
    h = this.avgpool.call(h).flatten(1);
    return this.fc.call(h);
  }
}

/** ResNet-18: BasicBlock ×[2, 2, 2, 2]. @example models.resnet18({ num_classes: 10 }) */
export const resnet18 = (options: ResNetOptions & WeightsOptions = {}): ResNet => new ResNet(BasicBlock, [2, 2, 2, 2], without_weights('resnet18', options));
/**
 * ResNet-34: BasicBlock ×[3, 4, 6, 3].
 *
 * @example
 * const net = models.resnet34({ num_classes: 10 });
 */
export const resnet34 = (options: ResNetOptions & WeightsOptions = {}): ResNet => new ResNet(BasicBlock, [3, 4, 6, 3], without_weights('resnet34', options));
/**
 * ResNet-50: Bottleneck ×[3, 4, 6, 3].
 *
 * @example
 * const net = models.resnet50({ num_classes: 10, zero_init_residual: true });
 */
export const resnet50 = (options: ResNetOptions & WeightsOptions = {}): ResNet => new ResNet(Bottleneck, [3, 4, 6, 3], without_weights('resnet50', options));
/**
 * ResNet-101: Bottleneck ×[3, 4, 23, 3].
 *
 * @example
 * const net = models.resnet101();
 */
export const resnet101 = (options: ResNetOptions & WeightsOptions = {}): ResNet => new ResNet(Bottleneck, [3, 4, 23, 3], without_weights('resnet101', options));
/**
 * ResNet-152: Bottleneck ×[3, 8, 36, 3].
 *
 * @example
 * const net = models.resnet152();
 */
export const resnet152 = (options: ResNetOptions & WeightsOptions = {}): ResNet => new ResNet(Bottleneck, [3, 8, 36, 3], without_weights('resnet152', options));
