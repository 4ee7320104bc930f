// torchvision's weight keywords on the model builders: saveloadrun_tutorial's models.vgg16(weights='IMAGENET1K_V1')
// compiles and says why it cannot run here; weights=None, progress and pretrained=False build the model as before.
import { describe, expect, it } from 'vitest';
import * as nn from '@tsgrad/nn';
import { models } from '../src/index.js';

describe('model builders take weights, progress and pretrained', () => {
  it('refuses pretrained weights by name, before building anything', () => {
    expect(() => models.vgg16({ weights: 'IMAGENET1K_V1' })).toThrow(
      "vgg16(weights=\"IMAGENET1K_V1\"): tsgrad downloads no pretrained weights. Build vgg16() and load torchvision's weights saved as safetensors: model.load_state_dict(torch.load('vgg16.safetensors'))",
    );
    expect(() => models.resnet50({ pretrained: true })).toThrow(/^resnet50\(pretrained=True\): tsgrad downloads no pretrained weights/);
    expect(() => models.mobilenet_v2({ weights: 'DEFAULT', num_classes: 10 })).toThrow(/^mobilenet_v2\(weights="DEFAULT"\)/);
    expect(() => models.vit_b_16({ weights: 'IMAGENET1K_V1' })).toThrow(/^vit_b_16\(weights="IMAGENET1K_V1"\)/);
  });

  it('builds the untrained model when no weights are asked for', () => {
    const net = nn.utils.skip_init(models.resnet18, { weights: null, progress: false, pretrained: false, num_classes: 7 });
    expect(net.fc.out_features).toBe(7);
    expect(models.without_weights('vgg11', { weights: null, progress: true, num_classes: 3 })).toEqual({ num_classes: 3 });
  });
});
