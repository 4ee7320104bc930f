// SimpleNet (the classic PyTorch MNIST example network), its nn.ReLU-module twin for guided backprop, and a small GAP net for CAM.
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';

const F = nn.functional;

/** Options of `SimpleNet` and `GuidedSimpleNet`. */
export interface SimpleNetOptions {
  /**
   * Apply ReLU to the logits, as the original network does (default true). That final ReLU clips every
   * negative logit to 0, so classes whose logits go negative stop receiving gradient and die in training;
   * pass `false` to train a classifier.
   */
  final_relu?: boolean;
}

/**
 * SimpleNet, the classic PyTorch MNIST example network: conv1 1→10 k5, max-pool 2, relu; conv2 10→20 k5, max-pool 2, relu; view to 320;
 * fc 320→50, relu; out 50→10, relu (the last ReLU optional).
 *
 * @example
 * const net = new models.SimpleNet();
 * net.call(torch.randn([1, 1, 28, 28])).shape; // [1, 10]
 */
export class SimpleNet extends nn.Module {
  static override readonly __name__: string = 'SimpleNet';
  /** 5×5 convolution, 1 → 10 channels. */
  conv1 = new nn.Conv2d(1, 10, 5);
  /** 2×2 max pooling. */
  pool1 = new nn.MaxPool2d(2, 2);
  /** 5×5 convolution, 10 → 20 channels. */
  conv2 = new nn.Conv2d(10, 20, 5);
  /** 2×2 max pooling. */
  pool2 = new nn.MaxPool2d(2, 2);
  /** `Linear(320, 50)`. */
  fc = new nn.Linear(320, 50);
  /** `Linear(50, 10)`: the logits. */
  out = new nn.Linear(50, 10);
  /** Whether ReLU is applied to the logits. */
  readonly final_relu: boolean;

  constructor(options: SimpleNetOptions = {}) {
    super();
    this.final_relu = options.final_relu ?? true;
  }

  override forward(input: Tensor): Tensor {
    let x = this.pool1.call(F.relu(this.conv1.call(input)));
    x = this.pool2.call(F.relu(this.conv2.call(x)));
    x = x.view(x.size(0), -1);
    x = F.relu(this.fc.call(x));
    const logits = this.out.call(x);
    return this.final_relu ? F.relu(logits) : logits;
  }
}

/**
 * SimpleNet with `nn.ReLU` modules (relu1..relu4) instead of functional relu, so guided backprop and
 * deconvnet can hook every ReLU. Same parameter names as SimpleNet, so weights load into either.
 *
 * @example
 * const net = new models.GuidedSimpleNet();
 * net.load_state_dict(new models.SimpleNet().state_dict()); // same keys
 * interpret.guided_backprop(net.eval(), x, 3);
 */
export class GuidedSimpleNet extends nn.Module {
  static override readonly __name__: string = 'GuidedSimpleNet';
  /** 5×5 convolution, 1 → 10 channels. */
  conv1 = new nn.Conv2d(1, 10, 5);
  /** 2×2 max pooling. */
  pool1 = new nn.MaxPool2d(2, 2);
  /** ReLU after `pool1`. */
  relu1 = new nn.ReLU();
  /** 5×5 convolution, 10 → 20 channels. */
  conv2 = new nn.Conv2d(10, 20, 5);
  /** 2×2 max pooling. */
  pool2 = new nn.MaxPool2d(2, 2);
  /** ReLU after `pool2`. */
  relu2 = new nn.ReLU();
  /** `Linear(320, 50)`. */
  fc = new nn.Linear(320, 50);
  /** ReLU after `fc`. */
  relu3 = new nn.ReLU();
  /** `Linear(50, 10)`: the logits. */
  out = new nn.Linear(50, 10);
  /** ReLU on the logits (used with `final_relu`). */
  relu4 = new nn.ReLU();
  /** Whether ReLU is applied to the logits. */
  readonly final_relu: boolean;

  constructor(options: SimpleNetOptions = {}) {
    super();
    this.final_relu = options.final_relu ?? true;
  }

  override forward(input: Tensor): Tensor {
    let x = this.pool1.call(this.relu1.call(this.conv1.call(input)));
    x = this.pool2.call(this.relu2.call(this.conv2.call(x)));
    x = x.view(x.size(0), -1);
    x = this.relu3.call(this.fc.call(x));
    const logits = this.out.call(x);
    return this.final_relu ? this.relu4.call(logits) : logits;
  }
}

/**
 * A global-average-pooling CNN for CAM: conv-relu-pool-conv-relu-GAP-flatten-linear as a Sequential
 * (children "0".."7"; the last conv features are the output of "4").
 *
 * @example
 * const net = models.gap_net({ num_classes: 10 });
 * interpret.cam(net, x, 3, { feature_layer: '4', fc: '7' });
 */
export function gap_net(options: { in_channels?: number; channels?: [number, number]; num_classes?: number } = {}): nn.Sequential {
  const [c1, c2] = options.channels ?? [8, 16];
  return new nn.Sequential(
    new nn.Conv2d(options.in_channels ?? 1, c1, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(c1, c2, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1),
    new nn.Flatten(),
    new nn.Linear(c2, options.num_classes ?? 10),
  );
}
