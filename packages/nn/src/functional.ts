// nn.functional: the stateless forms of the layers (most live in @tsgrad/core; batch_norm, a few composites and
// the F forms whose PyTorch signature differs from torch's, relu(input, inplace) and the like, are defined here).
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
export { multi_head_attention_forward, type MhaOptions } from './layers/attention.js';
export { lstm_cell, gru_cell, rnn_tanh_cell, rnn_relu_cell } from './layers/rnn.js';

export {
  conv2d, max_pool2d, avg_pool2d, adaptive_avg_pool2d, interpolate, dropout,
  nll_loss, cross_entropy, mse_loss, l1_loss, smooth_l1_loss, binary_cross_entropy, binary_cross_entropy_with_logits,
  sigmoid, tanh, gelu, softmax, log_softmax,
  elu, selu, celu, hardtanh, relu6, hardsigmoid, hardswish, silu, mish, softplus, logsigmoid, hardshrink, softshrink,
  softsign, tanhshrink, glu, prelu, rrelu, softmin,
  cosine_similarity, pairwise_distance, huber_loss, kl_div, poisson_nll_loss, gaussian_nll_loss, soft_margin_loss,
  multilabel_soft_margin_loss, hinge_embedding_loss, cosine_embedding_loss, margin_ranking_loss, multi_margin_loss,
  multilabel_margin_loss, triplet_margin_loss, triplet_margin_with_distance_loss, ctc_loss,
  pad, conv1d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, im2col as unfold, col2im as fold,
  max_pool1d, max_pool3d, avg_pool1d, avg_pool3d, adaptive_avg_pool1d, adaptive_avg_pool3d, adaptive_max_pool1d,
  adaptive_max_pool2d, adaptive_max_pool3d, lp_pool1d, lp_pool2d, lp_pool3d, max_unpool1d, max_unpool2d, max_unpool3d,
  fractional_max_pool2d, fractional_max_pool3d, pixel_shuffle, pixel_unshuffle, channel_shuffle,
  functional_embedding as embedding, functional_embedding_bag as embedding_bag, one_hot, layer_norm, group_norm, rms_norm, scaled_dot_product_attention,
  type Conv2dOptions, type MaxPoolOptions, type AvgPoolOptions, type InterpolateOptions, type Reduction, type NllOptions, type CrossEntropyOptions,
} from '@tsgrad/core';

const RELU = torch.signature<{ input: Tensor; inplace: boolean }>('relu(Tensor input, bool inplace=False)');
/**
 * `max(x, 0)` (ReluBackward0); with `inplace`, overwrites `input` and returns it.
 *
 * @example
 * F.relu(x); F.relu(x, { inplace: true });
 */
export function relu(...args: torch.PyArgs<[input: Tensor, inplace: boolean], { input?: Tensor; inplace?: boolean }>): Tensor {
  if (args.length === 1 && args[0] instanceof torch.Tensor) return torch.relu(args[0]);
  const { input, inplace } = RELU.parse(args);
  return inplace ? input.relu_() : torch.relu(input);
}

const RELU_ = torch.signature<{ input: Tensor }>('relu_(Tensor input)');
/**
 * In-place ReLU: overwrites `input` with `max(input, 0)` and returns it.
 *
 * @example
 * F.relu_(x); // x itself, now non-negative
 */
export function relu_(...args: torch.PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  return RELU_.parse(args).input.relu_();
}

const LEAKY_RELU = torch.signature<{ input: Tensor; negative_slope: number; inplace: boolean }>('leaky_relu(Tensor input, Scalar negative_slope=0.01, bool inplace=False)');
/**
 * `x` where `x > 0`, else `negative_slope·x` (LeakyReluBackward0; in place LeakyReluBackward1).
 *
 * @example
 * F.leaky_relu(x, 0.2); F.leaky_relu(x, { negative_slope: 0.2, inplace: true });
 */
export function leaky_relu(...args: torch.PyArgs<[input: Tensor, negative_slope: number, inplace: boolean], { input?: Tensor; negative_slope?: number; inplace?: boolean }>): Tensor {
  const [x, slope] = args;
  // the common calls, (x) and (x, slope), go straight to the op
  if (x instanceof torch.Tensor && args.length <= 2 && (slope === undefined || typeof slope === 'number')) return torch.leaky_relu(x, slope ?? 0.01);
  const { input, negative_slope, inplace } = LEAKY_RELU.parse(args);
  return torch.leaky_relu(input, negative_slope, inplace);
}

const LEAKY_RELU_ = torch.signature<{ input: Tensor; negative_slope: number }>('leaky_relu_(Tensor input, Scalar negative_slope=0.01)');
/**
 * In-place leaky ReLU (LeakyReluBackward1): overwrites `input` and returns it.
 *
 * @example
 * F.leaky_relu_(x, 0.2); // x itself
 */
export function leaky_relu_(...args: torch.PyArgs<[input: Tensor, negative_slope: number], { input?: Tensor; negative_slope?: number }>): Tensor {
  const { input, negative_slope } = LEAKY_RELU_.parse(args);
  return torch.leaky_relu_(input, negative_slope);
}

const THRESHOLD = torch.signature<{ input: Tensor; threshold: number; value: number; inplace: boolean }>(
  'threshold(Tensor input, float threshold, float value, bool inplace=False)', { python: '_threshold' }); // F.threshold is Python's _threshold
/**
 * `x` where `x > threshold`, else `value` (ThresholdBackward0; in place ThresholdBackward1).
 *
 * @example
 * F.threshold(x, 0.1, 20); F.threshold(x, { threshold: 0.1, value: 20, inplace: true });
 */
export function threshold(
  ...args: torch.PyArgs<[input: Tensor, threshold: number, value: number, inplace: boolean], { input?: Tensor; threshold?: number; value?: number; inplace?: boolean }>
): Tensor {
  const a = THRESHOLD.parse(args);
  return torch.threshold(a.input, a.threshold, a.value, a.inplace);
}

const LINEAR = torch.signature<{ input: Tensor; weight: Tensor; bias: Tensor | null }>('linear(Tensor input, Tensor weight, Tensor? bias=None)');
/**
 * `input·weightᵀ + bias` (one AddmmBackward0 for 2-d input with a bias, as PyTorch).
 *
 * @example
 * F.linear(x, W, b); F.linear(x, { weight: W });
 */
export function linear(...args: torch.PyArgs<[input: Tensor, weight: Tensor, bias: Tensor | null], { input?: Tensor; weight?: Tensor; bias?: Tensor | null }>): Tensor {
  const [input, weight, bias] = args;
  // the common call, positional tensors, goes straight to the op
  if (args.length <= 3 && input instanceof torch.Tensor && weight instanceof torch.Tensor && (bias === undefined || bias === null || bias instanceof torch.Tensor)) return torch.linear(input, weight, bias ?? null);
  const a = LINEAR.parse(args);
  return torch.linear(a.input, a.weight, a.bias);
}

const FLATTEN = torch.signature<{ input: Tensor; start_dim: number; end_dim: number }>('flatten(Tensor input, int start_dim=1, int end_dim=-1)');
/**
 * Flattens dims `start_dim..end_dim` into one (default: everything but the batch dim, as `nn.Flatten`).
 *
 * @example
 * F.flatten(torch.zeros([2, 3, 4])).shape; // [2, 12]
 */
export function flatten(...args: torch.PyArgs<[input: Tensor, start_dim: number, end_dim: number], { input?: Tensor; start_dim?: number; end_dim?: number }>): Tensor {
  const { input, start_dim, end_dim } = FLATTEN.parse(args);
  return input.flatten(start_dim, end_dim);
}

const BATCH_NORM = torch.signature<{
  input: Tensor; running_mean: Tensor | null; running_var: Tensor | null; weight: Tensor | null; bias: Tensor | null; training: boolean; momentum: number; eps: number;
}>('batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05)');

/**
 * Batch normalisation over dim 1, one NativeBatchNormBackward0 node (`torch.native_batch_norm`). In training it
 * normalises with the batch's biased variance and updates the running statistics in place with the unbiased one:
 * `running = (1 - momentum)·running + momentum·stat`.
 *
 * @example
 * const y = F.batch_norm(x, running_mean, running_var, { weight, bias, training: true, momentum: 0.1 });
 */
export function batch_norm(
  ...args: torch.PyArgs<
    [input: Tensor, running_mean: Tensor | null, running_var: Tensor | null, weight: Tensor | null, bias: Tensor | null, training: boolean, momentum: number, eps: number],
    { input?: Tensor; running_mean?: Tensor | null; running_var?: Tensor | null; weight?: Tensor | null; bias?: Tensor | null; training?: boolean; momentum?: number; eps?: number }
  >
): Tensor {
  if (torch.jit._tracing) return torch.jit._trace_op('aten::batch_norm', batch_norm, args, BATCH_NORM);
  const { input, running_mean, running_var, weight, bias, training, momentum, eps } = BATCH_NORM.parse(args);
  if (input.ndim < 2) throw new Error(`Expected 2D or higher input (got ${input.ndim}D input)`);
  const C = input._shape[1]!;
  // PyTorch's F.batch_norm checks the batch size in Python, before the native op
  if (training && input.numel() / C <= 1) throw new Error(`Expected more than 1 value per channel when training, got input size torch.Size([${input._shape.join(', ')}])`);
  // without running statistics the batch's are used, in eval mode too
  const use_batch = training || running_mean === null || running_var === null;
  return torch.native_batch_norm(input, weight, bias, running_mean, running_var, use_batch, momentum, eps)[0];
}

export {
  instance_norm, local_response_norm, bilinear, dropout1d, dropout2d, dropout3d, alpha_dropout, feature_alpha_dropout,
} from './functional_extra.js';
export {
  normalize, gumbel_softmax, upsample, upsample_nearest, upsample_bilinear, max_pool1d_with_indices, max_pool2d_with_indices, max_pool3d_with_indices,
  adaptive_max_pool1d_with_indices, adaptive_max_pool2d_with_indices, adaptive_max_pool3d_with_indices, fractional_max_pool2d_with_indices,
  fractional_max_pool3d_with_indices, elu_, celu_, selu_, hardtanh_, threshold_, rrelu_,
} from './functional_misc.js';
export { pdist } from '@tsgrad/core';
export { affine_grid, grid_sample } from './functional_grid.js';
