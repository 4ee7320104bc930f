// torchvision's VGG family (vgg11 … vgg19, with and without batch norm): the same module tree, keys and repr.
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { init_cnn_weights } from './init.js';
import { without_weights, type WeightsOptions } from './weights.js';

/** The convolution widths of each configuration; 'M' is a 2×2 max-pool. */
export const VGG_CFGS: Record<'A' | 'B' | 'D' | 'E', readonly (number | 'M')[]> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

/**
 * The feature extractor of a configuration: 3×3 convs (with BatchNorm when asked), ReLU, max-pools.
 *
 * @example
 * models.make_layers([64, 64, "M", 128, "M"], true); // conv-bn-relu ×2, pool, conv-bn-relu, pool
 */
export function make_layers(cfg: readonly (number | 'M')[], batch_norm = false): nn.Sequential {
  const layers: nn.Module[] = [];
  let in_channels = 3;
  for (const v of cfg) {
    if (v === 'M') {
      layers.push(new nn.MaxPool2d(2, { stride: 2 }));
      continue;
    }
    layers.push(new nn.Conv2d(in_channels, v, 3, { padding: 1 }));
    if (batch_norm) layers.push(new nn.BatchNorm2d(v));
    layers.push(new nn.ReLU({ inplace: true }));
    in_channels = v;
  }
  return new nn.Sequential(...layers);
}

/** torchvision's `VGG(...)` keyword arguments. */
export interface VGGOptions {
  /** Number of classes. Default 1000. */
  num_classes?: number;
  /** Initialise as torchvision (Kaiming-normal convolutions, N(0, 0.01) linears). Default true. */
  init_weights?: boolean;
  /** Dropout probability in the classifier. Default 0.5. */
  dropout?: number;
}

/**
 * Features, a 7×7 adaptive average pool and a three-layer classifier. Init as torchvision: convolutions
 * Kaiming-normal (fan_out, relu), norm weights 1, Linear N(0, 0.01), biases 0.
 *
 * @example
 * const net = models.vgg11_bn({ num_classes: 10 });
 */
export class VGG extends nn.Module {
  static override readonly __name__: string = 'VGG';
  /** The convolution / max-pooling stack. */
  declare features: nn.Sequential;
  /** Pools the features to 7×7. */
  declare avgpool: nn.AdaptiveAvgPool2d;
  /** Three `Linear` layers with ReLU and dropout. */
  declare classifier: nn.Sequential;

  constructor(features: nn.Sequential, options: VGGOptions = {}) {
    super();
    const p = options.dropout ?? 0.5;
    this.features = features;
    this.avgpool = new nn.AdaptiveAvgPool2d([7, 7]);
    this.classifier = new nn.Sequential(
      new nn.Linear(512 * 7 * 7, 4096), new nn.ReLU({ inplace: true }), new nn.Dropout(p),
      new nn.Linear(4096, 4096), new nn.ReLU({ inplace: true }), new nn.Dropout(p),
      new nn.Linear(4096, options.num_classes ?? 1000),
    );
    if (options.init_weights ?? true) {
      init_cnn_weights(this, 'relu');
    }
  }

  override forward(x: Tensor): Tensor {
    return this.classifier.call(this.avgpool.call(this.features.call(x)).flatten(1));
  }
}

const vgg =
  (name: string, cfg: keyof typeof VGG_CFGS, batch_norm: boolean) =>
  (options: VGGOptions & WeightsOptions = {}): VGG => {
    const rest = without_weights(name, options);
    return new VGG(make_layers(VGG_CFGS[cfg], batch_norm), rest);
  };

/** VGG-11 (configuration A). @example models.vgg11({ num_classes: 10 }) */
export const vgg11 = vgg('vgg11', 'A', false);
/** VGG-11 with batch norm. */
export const vgg11_bn = vgg('vgg11_bn', 'A', true);
/** VGG-13 (configuration B). */
export const vgg13 = vgg('vgg13', 'B', false);
/** VGG-13 with batch norm. */
export const vgg13_bn = vgg('vgg13_bn', 'B', true);
/** VGG-16 (configuration D). @example models.vgg16({ num_classes: 10 }) */
export const vgg16 = vgg('vgg16', 'D', false);
/** VGG-16 with batch norm. */
export const vgg16_bn = vgg('vgg16_bn', 'D', true);
/** VGG-19 (configuration E). */
export const vgg19 = vgg('vgg19', 'E', false);
/** VGG-19 with batch norm. */
export const vgg19_bn = vgg('vgg19_bn', 'E', true);
