// The weight init torchvision's CNN families share: convolutions Kaiming-normal (fan_out), norm layers 1 / 0,
// linear layers N(0, 0.01) with zero biases.
import { no_grad } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';

/** Initialises every Conv2d, BatchNorm2d and Linear below `root` as torchvision's MobileNet and VGG do. */
export function init_cnn_weights(root: nn.Module, conv_nonlinearity: 'relu' | 'leaky_relu' = 'leaky_relu'): void {
  no_grad(() => {
    for (const m of root.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaiming_normal_(m.weight, { mode: 'fan_out', nonlinearity: conv_nonlinearity });
        if (m.bias !== null) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.BatchNorm2d) {
        if (m.weight !== null) nn.init.ones_(m.weight);
        if (m.bias !== null) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.Linear) {
        nn.init.normal_(m.weight, 0, 0.01);
        if (m.bias !== null) nn.init.zeros_(m.bias);
      }
    }
  });
}
