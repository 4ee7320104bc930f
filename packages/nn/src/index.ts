// Public entry of @tsgrad/nn: Module, Parameter, layers, functional, init, losses and global hooks.
export { Module, LEGACY_HOOK_WARNING_CATEGORY, deepcopy } from './module.js';
export type { StateDict, StateDictHook, StateDictPreHook, LoadStateDictPreHook, LoadStateDictPostHook, IncompatibleKeys, ModuleState } from './module.js';
export type { ForwardArgs, ForwardOutput, CallOutput, ForwardHook, ForwardHookWithKwargs, ForwardPreHook, ForwardPreHookWithKwargs, BackwardHookFn, BackwardPreHookFn } from './module.js';
export { Parameter, Buffer, is_parameter } from './parameter.js';
export { Kwargs, kwargs } from './kwargs.js';
export { BackwardHookFunction, type FullBackwardHookFn, type FullBackwardPreHookFn } from './backward_hook.js';
export {
  register_module_forward_pre_hook, register_module_forward_hook, register_module_full_backward_hook,
  register_module_full_backward_pre_hook, register_module_backward_hook, type GlobalForwardHook, type GlobalForwardPreHook,
  type GlobalBackwardHook, type GlobalBackwardPreHook,
  register_module_module_registration_hook, register_module_parameter_registration_hook, register_module_buffer_registration_hook,
  type RegistrationHook,
} from './global_hooks.js';
export { Linear, Identity } from './layers/linear.js';
export { AdaptiveAvgPool2d } from './layers/pooling.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax } from './layers/activation.js';
export {
  ELU, CELU, SELU, SiLU, Mish, ReLU6, Hardsigmoid, Hardswish, Hardtanh, LogSigmoid, Softsign, Tanhshrink, Softplus,
  Hardshrink, Softshrink, Threshold, RReLU, GLU, Softmin, Softmax2d, PReLU,
} from './layers/activation_pointwise.js';
export { Flatten, Dropout } from './layers/misc.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d, type BatchNormOptions } from './layers/batch_norm.js';
export { SyncBatchNorm, type SyncBatchNormOptions } from './layers/sync_batch_norm.js';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict, Container } from './layers/container.js';
export { Embedding, EmbeddingBag, type EmbeddingOptions, type EmbeddingBagOptions } from './layers/sparse.js';
export { LayerNorm, GroupNorm, RMSNorm } from './layers/normalization.js';
export { MultiheadAttention, NonDynamicallyQuantizableLinear, type MultiheadAttentionOptions } from './layers/attention.js';
export {
  TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder, Transformer, generate_square_subsequent_mask, type Activation,
  type TransformerLayerOptions, type TransformerOptions, type DecoderCallOptions, type TransformerCallOptions,
} from './layers/transformer.js';
export { RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell, type RNNOptions } from './layers/rnn.js';
export { CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss } from './layers/loss.js';
export {
  SoftMarginLoss, MultiLabelMarginLoss, MultiLabelSoftMarginLoss, HingeEmbeddingLoss, CosineEmbeddingLoss,
  MarginRankingLoss, MultiMarginLoss, TripletMarginLoss, TripletMarginWithDistanceLoss,
} from './layers/loss_margin.js';
export { SmoothL1Loss, HuberLoss, KLDivLoss, PoissonNLLLoss, GaussianNLLLoss, CTCLoss, NLLLoss2d } from './layers/loss_likelihood.js';
export { AdaptiveLogSoftmaxWithLoss, type ASMOutput } from './layers/adaptive_softmax.js';
export { CosineSimilarity, PairwiseDistance } from './layers/distance.js';
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, Fold, Unfold, type Conv2dLayerOptions, type ConvOptions, type ConvTransposeOptions } from './layers/conv_nd.js';
export {
  MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, AdaptiveAvgPool1d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d,
  AdaptiveMaxPool3d, LPPool1d, LPPool2d, LPPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d, FractionalMaxPool2d, FractionalMaxPool3d,
} from './layers/pooling_nd.js';
export {
  ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
  ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d, CircularPad2d, CircularPad3d,
} from './layers/padding.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle, ChannelShuffle, Unflatten } from './layers/resampling.js';
export { InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LocalResponseNorm, CrossMapLRN2d } from './layers/instance_norm.js';
export { Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout } from './layers/dropout.js';
export { Bilinear } from './layers/bilinear.js';
export * as modules from './modules_path.js';
export * as functional from './functional.js';
export * as init from './init.js';
export * as utils from './utils.js';
export * as func from './func_namespace.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
// safetensors lives in @tsgrad/core (torch.save / torch.load are built on it); these names stay here too
export { serialize, deserialize, SafetensorError, type SafetensorsDtype, type SafetensorsContent, save_file, load_file } from '@tsgrad/core';
export { SummaryWriter } from './tensorboard/writer.js';
export { encode_record, read_records, masked_crc32c } from './tensorboard/record.js';
export { decode_event, type DecodedEvent } from './tensorboard/proto.js';
