// nn.functional: the stateless forms of the layers (most live in @tsgrad/core; batch_norm and a few
// composites are defined here).
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
export { multi_head_attention_forward } from './layers/attention.js';
export { lstm_cell, gru_cell, rnn_tanh_cell, rnn_relu_cell } from './layers/rnn.js';

export {
  conv2d, max_pool2d, avg_pool2d, adaptive_avg_pool2d, interpolate, linear, dropout,
  nll_loss, cross_entropy, mse_loss, l1_loss, smooth_l1_loss, binary_cross_entropy, binary_cross_entropy_with_logits,
  relu, leaky_relu, sigmoid, tanh, gelu, softmax, log_softmax,
  elu, selu, celu, hardtanh, relu6, hardsigmoid, hardswish, silu, mish, softplus, logsigmoid, hardshrink, softshrink,
  threshold, softsign, tanhshrink, glu, prelu, rrelu, softmin,
  cosine_similarity, pairwise_distance, huber_loss, kl_div, poisson_nll_loss, gaussian_nll_loss, soft_margin_loss,
  multilabel_soft_margin_loss, hinge_embedding_loss, cosine_embedding_loss, margin_ranking_loss, multi_margin_loss,
  multilabel_margin_loss, triplet_margin_loss, triplet_margin_with_distance_loss, ctc_loss,
  pad, conv1d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, im2col as unfold, col2im as fold,
  max_pool1d, max_pool3d, avg_pool1d, avg_pool3d, adaptive_avg_pool1d, adaptive_avg_pool3d, adaptive_max_pool1d,
  adaptive_max_pool2d, adaptive_max_pool3d, lp_pool1d, lp_pool2d, max_unpool1d, max_unpool2d, max_unpool3d,
  fractional_max_pool2d, fractional_max_pool3d, pixel_shuffle, pixel_unshuffle, channel_shuffle,
  embedding, embedding_bag, layer_norm, group_norm, rms_norm, scaled_dot_product_attention,
  type Conv2dOptions, type MaxPoolOptions, type AvgPoolOptions, type InterpolateOptions, type Reduction, type NllOptions, type CrossEntropyOptions,
} from '@tsgrad/core';

/** In-place ReLU when `inplace`, otherwise `relu`. */
export function relu_(x: Tensor): Tensor {
  return x.relu_();
}

/** Flattens dims `start_dim..end_dim`. */
export function flatten(x: Tensor, start_dim = 1, end_dim = -1): Tensor {
  return x.flatten(start_dim, end_dim);
}

const BATCH_NORM = torch.signature<{
  input: Tensor; running_mean: Tensor | null; running_var: Tensor | null; weight: Tensor | null; bias: Tensor | null; training: boolean; momentum: number; eps: number;
}>('batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05)');

/**
 * Batch normalisation over dim 1. In training it normalises with the batch's biased variance and updates
 * the running statistics in place with the unbiased one: `running = (1 - momentum)·running + momentum·stat`.
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
  const C = input.shape[1]!;
  const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = input.shape.map((s, i) => (i === 1 ? C : 1));
  const count = input.numel() / C;
  if (training && count <= 1) throw new Error(`Expected more than 1 value per channel when training, got input size torch.Size([${input.shape.join(', ')}])`);
  // every per-channel tensor is checked before anything is computed or a running statistic is updated
  for (const [name, t] of [['running_mean', running_mean], ['running_var', running_var], ['weight', weight], ['bias', bias]] as const) {
    if (t !== null && t.numel() !== C) throw new Error(`${name} should contain ${C} elements not ${t.numel()}`);
  }
  let mean: Tensor;
  let var_: Tensor;
  if (training || running_mean === null || running_var === null) {
    mean = input.mean(dims, { keepdim: true });
    var_ = input.sub(mean).pow(2).mean(dims, { keepdim: true });
    if (training && running_mean !== null && running_var !== null) {
      torch.no_grad(() => {
        running_mean.mul_(1 - momentum).add_(mean.detach().view([C]).mul(momentum));
        running_var.mul_(1 - momentum).add_(var_.detach().view([C]).mul((momentum * count) / Math.max(count - 1, 1)));
      });
    }
  } else {
    mean = running_mean.view(bshape);
    var_ = running_var.view(bshape);
  }
  let out = input.sub(mean).div(var_.add(eps).sqrt());
  if (weight !== null) out = out.mul(weight.view(bshape));
  if (bias !== null) out = out.add(bias.view(bshape));
  return out;
}

export {
  instance_norm, local_response_norm, bilinear, dropout1d, dropout2d, dropout3d, alpha_dropout, feature_alpha_dropout,
} from './functional_extra.js';
