// torchvision's model families against real PyTorch / torchvision (the torchvision cases of fixtures/models.json),
// through the shared models.json runner; the weights come from the fixture's formula, so random init is skipped.
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { describe_model_cases, type ModelBuilder, type ModelCase } from '../../nn/test/model_cases.js';

/** How each fixture builder is constructed; builders not listed yet are reported as skipped. */
export const BUILDERS: Record<string, (kwargs: Record<string, unknown>) => nn.Module> = {
  resnet18: (k) => models.resnet18(k),
  resnet34: (k) => models.resnet34(k),
  resnet50: (k) => models.resnet50(k),
  mobilenet_v2: (k) => models.mobilenet_v2(k),
  vgg11_bn: (k) => models.vgg11_bn(k),
  VisionTransformer: (k) => new models.VisionTransformer(k as unknown as models.VisionTransformerOptions),
  // torchvision's ResNet class itself, its block named: ResNeXt / Wide ResNet / dilated configurations
  ResNet: ({ block, layers, ...options }) =>
    new models.ResNet(block === 'Bottleneck' ? models.Bottleneck : models.BasicBlock, layers as [number, number, number, number], options as models.ResNetOptions),
};

const builder: ModelBuilder = (c) => {
  const build = BUILDERS[c.build.builder];
  return build === undefined ? undefined : () => nn.utils.skip_init(build, c.build.kwargs);
};
const torchvision_only = (c: ModelCase): boolean => c.build.kind === 'torchvision';

describe_model_cases('torchvision model families (models.json)', new URL('./fixtures/models.json', import.meta.url), builder, torchvision_only);
// other builders and options (make_models.py): resnet34, a grouped dilated Bottleneck ResNet, MobileNetV2 at
// width_mult 0.5, VisionTransformer configurations
describe_model_cases('torchvision model variants (models_generated.json)', new URL('./fixtures/variants/models_generated.json', import.meta.url), builder, torchvision_only);
