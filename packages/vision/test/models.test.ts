// torchvision's model families against real PyTorch / torchvision (the torchvision cases of fixtures/models.json),
// through the shared models.json runner; the weights come from the fixture's formula, so random init is skipped.
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { describe_model_cases } from '../../nn/test/model_cases.js';

/** How each fixture builder is constructed; builders not listed yet are reported as skipped. */
export const BUILDERS: Record<string, (kwargs: Record<string, unknown>) => nn.Module> = {
  resnet18: (k) => models.resnet18(k),
  resnet34: (k) => models.resnet34(k),
  resnet50: (k) => models.resnet50(k),
  mobilenet_v2: (k) => models.mobilenet_v2(k),
  vgg11_bn: (k) => models.vgg11_bn(k),
  VisionTransformer: (k) => new models.VisionTransformer(k as unknown as models.VisionTransformerOptions),
};

describe_model_cases(
  'torchvision model families (models.json)',
  new URL('./fixtures/models.json', import.meta.url),
  (c) => {
    const build = BUILDERS[c.build.builder];
    return build === undefined ? undefined : () => nn.utils.skip_init(build, c.build.kwargs);
  },
  (c) => c.build.kind === 'torchvision',
);
