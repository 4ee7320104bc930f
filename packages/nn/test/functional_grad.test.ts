// gradcheck and gradgradcheck (float64) of the nn.functional ops defined in @tsgrad/nn, on every backend.
// Functions re-exported from @tsgrad/core are checked by core's op table (packages/core/test/op_grad_cases.ts);
// a new function defined here needs a row in F_CASES (or a reason in F_NOT_DIFFERENTIABLE).
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { describe_op_rows, type OpCase } from '../../core/test/op_grad_cases.js';

const F = nn.functional;
const gen = new torch.Generator().manual_seed(13);
const leaf = (...shape: number[]): Tensor => torch.randn(shape, { dtype: 'float64', generator: gen }).requires_grad_(true);
const f64 = (shape: number[], value: number): Tensor => torch.full(shape, value, { dtype: 'float64' });

const F_CASES: Record<string, OpCase> = {
  softmax_log_softmax: { ops: ['softmax', 'log_softmax'], inputs: () => [leaf(3, 4)], fn: (x) => [F.softmax(x!, 1), F.log_softmax(x!, { dim: 0 })] },
  flatten_relu_: { ops: ['flatten', 'relu_'], inputs: () => [leaf(2, 3, 2)], fn: (x) => [F.flatten(x!), F.relu_(x!.mul(1)).mul(x!)] },
  relu_linear: {
    ops: ['relu', 'leaky_relu', 'leaky_relu_', 'linear', 'threshold'],
    inputs: () => [leaf(3, 4), leaf(2, 4), leaf(2)],
    fn: (x, w, b) => [
      F.relu(x!), F.relu(x!.mul(1), { inplace: true }), F.leaky_relu(x!, 0.2), F.leaky_relu(x!.mul(1), { negative_slope: 0.3, inplace: true }),
      F.leaky_relu_(x!.mul(1)), F.linear(x!, w!, b!), F.linear({ input: x!, weight: w! }), F.threshold(x!, 0.1, -2),
    ],
  },
  gelu: { ops: ['gelu'], inputs: () => [leaf(3, 4)], fn: (x) => [F.gelu(x!), F.gelu(x!, { approximate: 'tanh' })] },
  rnn_cells: {
    ops: ['lstm_cell', 'gru_cell', 'rnn_tanh_cell', 'rnn_relu_cell'],
    inputs: () => [leaf(2, 3), leaf(2, 2), leaf(2, 2), leaf(8, 3), leaf(8, 2), leaf(8), leaf(6, 3), leaf(6, 2)],
    fn: (x, h, c, wi, wh, b, wi3, wh3) => [
      ...F.lstm_cell(x!, [h!, c!], wi!, wh!, b!, b!.mul(0.5)),
      F.gru_cell(x!, h!, wi3!, wh3!, b!.narrow(0, 0, 6)),
      F.rnn_tanh_cell(x!, h!, wi3!.narrow(0, 0, 2), wh3!.narrow(0, 0, 2)),
      F.rnn_relu_cell(x!, h!, wi3!.narrow(0, 2, 2), wh3!.narrow(0, 2, 2), b!.narrow(0, 0, 2).add(3)),
    ],
  },
  multi_head_attention_forward: {
    ops: ['multi_head_attention_forward'],
    inputs: () => [leaf(2, 1, 2), leaf(3, 1, 2), leaf(3, 1, 2), leaf(6, 2), leaf(6), leaf(2, 2)],
    fn: (q, k, v, w, b, wo) => {
      const kpm = torch.tensor([[false, true, false]]);
      const [out, weights] = F.multi_head_attention_forward(q!, k!, v!, 2, 2, w!, b!, null, null, false, 0, wo!, null, { key_padding_mask: kpm });
      const [alone] = F.multi_head_attention_forward(q!, q!, q!, 2, 2, w!, b!, null, null, true, 0, wo!, b!.narrow(0, 0, 2), { need_weights: false });
      return [out, weights!, alone];
    },
  },
  norm_composites: {
    ops: ['instance_norm', 'local_response_norm', 'bilinear'],
    inputs: () => [leaf(2, 3, 4), leaf(3), leaf(3), leaf(2, 3), leaf(2, 4), leaf(2, 3, 4), leaf(2)],
    fn: (x, w, b, x1, x2, bw, bb) => [
      F.instance_norm(x!, null, null, { weight: w!, bias: b! }),
      F.instance_norm(x!, f64([3], 0.1), f64([3], 1.2), { use_input_stats: false }),
      F.local_response_norm(x!.unsqueeze(3), 2, { alpha: 0.1 }),
      F.bilinear(x1!, x2!, bw!, bb!),
    ],
  },
  dropout_variants: {
    // eval mode (identity) and p = 0 in training: the random masks are checked by the module tests
    ops: ['dropout1d', 'dropout2d', 'dropout3d', 'alpha_dropout', 'feature_alpha_dropout'],
    inputs: () => [leaf(2, 3, 4)],
    fn: (x) => [F.dropout1d(x!, 0.5, false), F.dropout2d(x!.unsqueeze(3), 0), F.dropout3d(x!.view(1, 2, 3, 4, 1), { p: 0.3, training: false }), F.alpha_dropout(x!, 0.2), F.feature_alpha_dropout(x!, 0.2, false)],
  },
  batch_norm: {
    ops: ['batch_norm'],
    inputs: () => [leaf(4, 3, 2), leaf(3), leaf(3)],
    fn: (x, w, b) => [
      // training statistics (running buffers are updated in place, outside the graph)
      F.batch_norm(x!, f64([3], 0), f64([3], 1), { weight: w!, bias: b!, training: true }),
      F.batch_norm(x!, null, null, { training: true, eps: 1e-3 }),
      F.batch_norm(x!, f64([3], 0.2), f64([3], 1.5), { weight: w!, bias: b! }),
    ],
  },
  normalize_resizes: {
    ops: ['normalize', 'upsample', 'upsample_nearest', 'upsample_bilinear', 'gumbel_softmax'],
    inputs: () => [leaf(1, 2, 2, 2), leaf(2, 3)],
    fn: (x, l) => [
      F.normalize(x!), F.normalize(x!, { p: 1, dim: -1 }), F.normalize(x!.mul(1e-13), { eps: 1e-12 }), F.upsample(x!, { size: [2, 3], mode: 'bilinear' }),
      F.upsample_nearest(x!, { size: [3, 3] }), F.upsample_bilinear(x!, { size: [3, 2] }),
      // the noise is drawn again at every evaluation: seeded before each, the draws agree (hard=True is one-hot, a
      // step function whose straight-through gradient no finite difference sees)
      (torch.manual_seed(5), F.gumbel_softmax(l!, { tau: 0.5 })), (torch.manual_seed(6), F.gumbel_softmax(l!, { dim: 0 })),
    ],
  },
  spatial_transformer: {
    ops: ['affine_grid', 'grid_sample'],
    inputs: () => [leaf(2, 2, 3), leaf(2, 2, 3, 4)],
    fn: (t, x) => [
      F.affine_grid(t!, [2, 2, 3, 4], { align_corners: false }),
      F.grid_sample(x!, F.affine_grid(t!, [2, 2, 2, 3], { align_corners: true }), { padding_mode: 'border', align_corners: true }),
    ],
    first_order_only: 'PyTorch has no derivative of grid_sampler_2d_backward (affine_grid alone: twice, in ops_grad)',
  },
  inplace_activations: {
    ops: ['elu_', 'celu_', 'selu_', 'hardtanh_', 'threshold_', 'rrelu_'],
    inputs: () => [leaf(3, 4)],
    fn: (x) => [F.elu_(x!.mul(1), 0.5), F.celu_(x!.mul(1)), F.selu_(x!.mul(1)), F.hardtanh_(x!.mul(1), -0.5, 0.5), F.threshold_(x!.mul(1), 0.1, -2), F.rrelu_(x!.mul(1))],
  },
  pooling_with_indices: {
    ops: ['max_pool1d_with_indices', 'max_pool2d_with_indices', 'max_pool3d_with_indices', 'adaptive_max_pool1d_with_indices', 'adaptive_max_pool2d_with_indices',
      'adaptive_max_pool3d_with_indices', 'fractional_max_pool2d_with_indices', 'fractional_max_pool3d_with_indices'],
    inputs: () => [leaf(1, 2, 4, 4)],
    fn: (x) => [
      F.max_pool1d_with_indices(x!.select(2, 0), 2)[0], F.max_pool2d_with_indices(x!, 2, { stride: 1 })[0], F.max_pool3d_with_indices(x!.unsqueeze(2), [1, 2, 2])[0],
      F.adaptive_max_pool1d_with_indices(x!.select(3, 1), 3)[0], F.adaptive_max_pool2d_with_indices(x!, [2, 3])[0], F.adaptive_max_pool3d_with_indices(x!.unsqueeze(2), [1, 2, 2])[0],
      F.fractional_max_pool2d_with_indices(x!, 2, { output_size: 3, _random_samples: torch.tensor([[[0.3, 0.6], [0.1, 0.9]]], { dtype: 'float64' }) })[0],
      F.fractional_max_pool3d_with_indices(x!.unsqueeze(2).expand(1, 2, 2, 4, 4).contiguous(), [1, 2, 2], { output_size: [2, 3, 3], _random_samples: torch.tensor([[[0.3, 0.6, 0.2], [0.1, 0.9, 0.5]]], { dtype: 'float64' }) })[0],
    ],
  },
};

/** nn.functional exports defined in @tsgrad/nn that need no row, with the reason. */
const F_NOT_DIFFERENTIABLE: Record<string, string> = {};

describe('nn.functional ops defined in @tsgrad/nn: every one has a row', () => {
  it('F_CASES names every function of nn.functional that is not core\'s own', () => {
    const core = new Set(Object.values(torch).filter((v) => typeof v === 'function'));
    const own = Object.entries(F).filter(([, v]) => typeof v === 'function' && !core.has(v)).map(([k]) => k);
    const covered = new Set(Object.values(F_CASES).flatMap((r) => r.ops));
    expect(own.filter((n) => !covered.has(n) && !(n in F_NOT_DIFFERENTIABLE)).sort()).toEqual([]);
  });
});

describe_op_rows('first and second derivatives of nn.functional', F_CASES);
