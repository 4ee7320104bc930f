// vision.models: SimpleNet and friends, and torchvision's model families.
export { SimpleNet, GuidedSimpleNet, gap_net, type SimpleNetOptions } from './simplenet.js';
export { from_spec, layer_from_spec, type LayerSpec, type ModelSpec } from './from_spec.js';
export {
  BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50, resnet101, resnet152,
  type BlockClass, type BlockOptions, type NormLayer, type ResNetOptions,
} from './resnet.js';
export { Conv2dNormActivation, InvertedResidual, MobileNetV2, mobilenet_v2, make_divisible, type ConvNormActivationOptions, type MobileNetV2Options } from './mobilenet_v2.js';
export { VGG, VGG_CFGS, make_layers, vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn, type VGGOptions } from './vgg.js';
export { without_weights, type WeightsOptions } from './weights.js';
export { MLPBlock, EncoderBlock, Encoder, VisionTransformer, vit_b_16, type TokenNorm, type VisionTransformerOptions } from './vision_transformer.js';
