// Bad arguments to torch.nn modules, optimizers, state loading, hooks and samplers (issue 13, classes 2, 3, 7 and
// 9): each probe of fixtures/nn_probes.json (written by make_nn_probes.py from real PyTorch) runs here under the
// same id and must give PyTorch's error and words, or its value; stateful probes also report the state after the
// failed call, so "nothing changed" is compared as well.
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { describe, expect, it } from 'vitest';
import { load_fixture } from './fixture_utils.js';

type Outcome = { value: unknown } | { error: string; message: string };
const { probes } = load_fixture<{ probes: Record<string, Outcome> }>(new URL('./fixtures/nn_probes.json', import.meta.url));

const { BatchSampler, RandomSampler, SequentialSampler, WeightedRandomSampler } = nn.data;
const { Adam, AdamW, RMSprop, SGD } = nn.optim;

/** The failed call's message prefixed by PyTorch's exception name, or 'ok' (as make_nn_probes.py's attempt). */
function attempt(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

/** Drops the "RuntimeError: " style prefix PyTorch's attempt() adds (tsgrad's errors carry the words only). */
const words = (s: string): string => s.replace(/^[A-Za-z]*Error: /, '');

const x4 = (c = 1, h = 5): Tensor => torch.arange(c * h * h, { dtype: 'float32' }).view(1, c, h, h);

function lin(): nn.Linear {
  const m = new nn.Linear(2, 2);
  torch.no_grad(() => {
    m.weight.copy_(torch.tensor([[1, 2], [3, 4]], { dtype: 'float32' }));
    m.bias!.copy_(torch.tensor([0.5, -0.5]));
  });
  return m;
}

const state_of = (m: nn.Module): unknown[] => [...Object.entries(m.state_dict())].map(([k, v]) => [k, (v as Tensor).tolist()]);

function sd_probe(edit: (sd: Record<string, unknown>) => void, strict = true): unknown {
  const m = lin();
  const sd: Record<string, unknown> = Object.fromEntries(Object.entries(m.state_dict()).map(([k, v]) => [k, (v as Tensor).clone()]));
  edit(sd);
  const msg = attempt(() => m.load_state_dict(sd as never, { strict }));
  return [msg, state_of(m)];
}

function opt_probe(make: (ps: Tensor[]) => nn.optim.Optimizer, edit: (sd: nn.optim.OptimizerStateDict) => void): unknown {
  const p = new nn.Parameter(torch.tensor([1, 2, 3], { dtype: 'float32' }));
  const opt = make([p]);
  p.grad = torch.tensor([0.5, 0.5, 0.5]);
  opt.step();
  const sd = opt.state_dict();
  edit(sd);
  const msg = attempt(() => opt.load_state_dict(sd));
  return [msg, p.detach().tolist()];
}

function hook_probe(register: (m: nn.Linear) => { remove(): void }, x_grad = true): unknown {
  const m = lin();
  const h = register(m);
  const x = torch.tensor([[1, 1]], { dtype: 'float32', requires_grad: x_grad });
  const msg = attempt(() => m.call(x).sum().backward());
  h.remove();
  return [msg, m.weight.grad === null ? null : m.weight.grad.tolist()];
}

const param = (): nn.Parameter => new nn.Parameter(torch.zeros([1]));
const seq = (n: number): nn.data.Sampler<number> => new SequentialSampler(Array.from({ length: n }, (_, i) => i));

const PROBES: Record<string, () => unknown> = {
  conv2d_groups_in: () => new nn.Conv2d(3, 2, 3, { groups: 2 }),
  conv2d_groups_out: () => new nn.Conv2d(2, 3, 3, { groups: 2 }),
  conv2d_groups_0: () => new nn.Conv2d(2, 2, 3, { groups: 0 }),
  conv2d_groups_neg: () => new nn.Conv2d(2, 2, 3, { groups: -1 }),
  conv2d_padding_str: () => new nn.Conv2d(1, 1, 3, { padding: 'full' as never }),
  conv2d_same_strided: () => new nn.Conv2d(1, 1, 3, { stride: 2, padding: 'same' }),
  conv2d_padding_mode: () => new nn.Conv2d(1, 1, 3, { padding_mode: 'mirror' as never }),
  conv2d_stride_0: () => new nn.Conv2d(1, 1, 3, { stride: 0 }).call(x4()),
  conv2d_padding_neg: () => new nn.Conv2d(1, 1, 3, { padding: -1 }).call(x4()),
  conv2d_dilation_0: () => new nn.Conv2d(1, 1, 3, { dilation: 0 }).call(x4()),
  conv2d_kernel_big: () => new nn.Conv2d(1, 1, 7).call(x4()),
  conv2d_channels: () => new nn.Conv2d(2, 1, 3).call(x4()),
  conv1d_groups_in: () => new nn.Conv1d(3, 2, 3, { groups: 2 }),
  conv1d_stride_0: () => new nn.Conv1d(1, 1, 3, { stride: 0 }).call(torch.zeros([1, 1, 5])),
  conv3d_dilation_0: () => new nn.Conv3d(1, 1, 2, { dilation: 0 }).call(torch.zeros([1, 1, 3, 3, 3])),
  convT2d_groups_out: () => new nn.ConvTranspose2d(2, 3, 3, { groups: 2 }),
  convT2d_output_padding: () => new nn.ConvTranspose2d(1, 1, 3, { stride: 2, output_padding: 2 }).call(x4()),
  convT2d_padding_mode: () => new nn.ConvTranspose2d(1, 1, 3, { padding_mode: 'reflect' as never }),
  maxpool2d_stride_0: () => new nn.MaxPool2d(2, { stride: 0 }).call(x4()),
  maxpool2d_pad: () => new nn.MaxPool2d(2, { padding: 2 }).call(x4()),
  maxpool2d_kernel_0: () => new nn.MaxPool2d(0, { stride: 1 }).call(x4()),
  maxpool1d_stride_0: () => new nn.MaxPool1d(2, { stride: 0 }).call(torch.zeros([1, 1, 4])),
  maxpool1d_pad: () => new nn.MaxPool1d(2, { padding: 2 }).call(torch.zeros([1, 1, 4])),
  maxpool1d_dilation_0: () => new nn.MaxPool1d(2, { dilation: 0 }).call(torch.zeros([1, 1, 4])),
  maxpool3d_stride_0: () => new nn.MaxPool3d(2, { stride: 0 }).call(torch.zeros([1, 1, 4, 4, 4])),
  avgpool2d_stride_0: () => new nn.AvgPool2d(2, { stride: 0 }).call(x4()),
  avgpool2d_divisor_0: () => new nn.AvgPool2d(2, { divisor_override: 0 }).call(x4()),
  avgpool1d_pad: () => new nn.AvgPool1d(2, { padding: 2 }).call(torch.zeros([1, 1, 4])),
  adaptiveavg2d_neg: () => new nn.AdaptiveAvgPool2d(-1).call(x4()),
  adaptivemax2d_neg: () => new nn.AdaptiveMaxPool2d(-2).call(x4()),
  linear_neg: () => new nn.Linear(-1, 2),
  linear_in_mismatch: () => new nn.Linear(3, 2).call(torch.zeros([1, 2])),
  bilinear_neg: () => new nn.Bilinear(2, -2, 3),
  embedding_padding_idx: () => new nn.Embedding(10, 3, { padding_idx: 10 }),
  embedding_padding_idx_neg: () => new nn.Embedding(10, 3, { padding_idx: -11 }),
  embedding_index: () => new nn.Embedding(10, 3).call(torch.tensor([10], { dtype: 'int64' })),
  embedding_float_index: () => new nn.Embedding(10, 3).call(torch.tensor([1.5])),
  dropout_p: () => new nn.Dropout(1.5),
  dropout_neg: () => new nn.Dropout(-0.1),
  dropout2d_p: () => new nn.Dropout2d(2),
  alphadropout_p: () => new nn.AlphaDropout(1.5),
  batchnorm_channels: () => new nn.BatchNorm2d(3).call(x4(2)),
  batchnorm1d_ndim: () => new nn.BatchNorm1d(3).call(torch.zeros([2, 3, 4, 5])),
  batchnorm_one_value: () => new nn.BatchNorm1d(3).call(torch.zeros([1, 3])),
  layernorm_shape: () => new nn.LayerNorm(3).call(torch.zeros([2, 4])),
  groupnorm_divisible: () => new nn.GroupNorm(3, 4),
  groupnorm_channels: () => new nn.GroupNorm(2, 4).call(torch.zeros([1, 6, 2])),
  instancenorm_channels: () => new nn.InstanceNorm1d(3, { affine: true }).call(torch.zeros([1, 4, 5])),
  flatten_dims: () => new nn.Flatten(2, 1).call(torch.zeros([2, 3, 4])),
  unflatten_sizes: () => new nn.Unflatten(1, [2, 2]).call(torch.zeros([2, 3])),
  pixelshuffle_0: () => new nn.PixelShuffle(0).call(x4(4)),
  pixelshuffle_channels: () => new nn.PixelShuffle(2).call(x4(3)),
  softmax_dim: () => new nn.Softmax({ dim: 3 }).call(torch.zeros([2, 3])),
  mha_divisible: () => new nn.MultiheadAttention(5, 2),
  lstm_dropout: () => new nn.LSTM(2, 3, { dropout: 1.5 }),
  lstm_input_size: () => new nn.LSTM(2, 3).call(torch.zeros([4, 1, 3])),
  rnn_nonlinearity: () => new nn.RNN(2, 3, { nonlinearity: 'gelu' as never }),
  upsample_scale_0: () => new nn.Upsample({ scale_factor: 0 }).call(x4()),
  ce_label_smoothing: () => new nn.CrossEntropyLoss({ label_smoothing: 1.5 }).call(torch.zeros([2, 3]), torch.tensor([0, 1], { dtype: 'int64' })),
  ce_target_range: () => new nn.CrossEntropyLoss().call(torch.zeros([2, 3]), torch.tensor([0, 3], { dtype: 'int64' })),
  nll_weight_size: () => new nn.NLLLoss({ weight: torch.ones([2]) }).call(torch.zeros([2, 3]), torch.tensor([0, 1], { dtype: 'int64' })),
  loss_reduction: () => new nn.MSELoss({ reduction: 'avg' as never }).call(torch.zeros([2]), torch.zeros([2])),
  bce_range: () => new nn.BCELoss().call(torch.tensor([1.5]), torch.tensor([1.0])),
  huber_delta: () => new nn.HuberLoss({ delta: -1 }).call(torch.zeros([2]), torch.ones([2])),
  smoothl1_beta: () => new nn.SmoothL1Loss({ beta: -1 }).call(torch.zeros([2]), torch.ones([2])),
  hardtanh_bounds: () => new nn.Hardtanh(2, 1),
  threshold_scalar: () => new nn.Threshold(0.5, 2).call(torch.tensor([0, 1], { dtype: 'float32' })).tolist(),
  adam_lr: () => new Adam([param()], { lr: -1 }),
  adam_beta0: () => new Adam([param()], { betas: [1.5, 0.9] }),
  adam_beta1: () => new Adam([param()], { betas: [0.9, -0.1] }),
  adam_eps: () => new Adam([param()], { eps: -1e-8 }),
  adam_wd: () => new Adam([param()], { weight_decay: -1 }),
  adamw_lr: () => new AdamW([param()], { lr: -0.5 }),
  adamw_beta: () => new AdamW([param()], { betas: [0.9, 1.0] }),
  sgd_lr: () => new SGD([param()], { lr: -0.1 }),
  sgd_momentum: () => new SGD([param()], { lr: 0.1, momentum: -1 }),
  sgd_wd: () => new SGD([param()], { lr: 0.1, weight_decay: -1 }),
  sgd_nesterov: () => new SGD([param()], { lr: 0.1, nesterov: true }),
  sgd_nesterov_dampening: () => new SGD([param()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
  rmsprop_alpha: () => new RMSprop([param()], { alpha: -1 }),
  rmsprop_momentum: () => new RMSprop([param()], { momentum: -1 }),
  rmsprop_eps: () => new RMSprop([param()], { eps: -1 }),
  opt_empty: () => new Adam([]),
  opt_duplicate_groups: () => {
    const p = param();
    return new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 });
  },
  opt_non_leaf: () => new SGD([param().mul(2)], { lr: 0.1 }),
  opt_not_tensor: () => new SGD([1.5 as never], { lr: 0.1 }),
  opt_group_no_params: () => new SGD([{ lr: 0.1 } as never], { lr: 0.1 }),
  opt_add_group_duplicate: () => {
    const p = param();
    return new SGD([p], { lr: 0.1 }).add_param_group({ params: [p] });
  },
  adam_load_group_count: () => opt_probe((ps) => new Adam(ps, { lr: 0.1 }), (sd) => sd.param_groups.push({ ...sd.param_groups[0]! })),
  adam_load_param_count: () => opt_probe((ps) => new Adam(ps, { lr: 0.1 }), (sd) => (sd.param_groups[0]!.params = [0, 1])),
  sd_missing: () => sd_probe((sd) => delete sd['bias']),
  sd_unexpected: () => sd_probe((sd) => (sd['extra'] = torch.zeros([1]))),
  sd_unexpected_valueOf: () => sd_probe((sd) => (sd['valueOf'] = torch.zeros([1]))),
  sd_unexpected_hasOwnProperty: () => sd_probe((sd) => (sd['hasOwnProperty'] = torch.zeros([1]))),
  sd_shape: () => sd_probe((sd) => (sd['weight'] = torch.zeros([3, 2]))),
  sd_shape_nonstrict: () => sd_probe((sd) => (sd['weight'] = torch.zeros([3, 2])), false),
  sd_not_tensor: () => sd_probe((sd) => (sd['weight'] = 1.5)),
  sd_float64: () => sd_probe((sd) => (sd['bias'] = torch.tensor([7, 8], { dtype: 'float64' }))),
  sd_int64: () => sd_probe((sd) => (sd['bias'] = torch.tensor([7, 8], { dtype: 'int64' }))),
  sd_missing_nonstrict: () => sd_probe((sd) => delete sd['bias'], false),
  module_bwd_hook_count: () => hook_probe((m) => m.register_full_backward_hook((_m, gi) => [gi[0]!, gi[0]!])),
  module_bwd_hook_shape: () => hook_probe((m) => m.register_full_backward_hook(() => [torch.ones([3])])),
  module_bwd_hook_none_count: () => hook_probe((m) => m.register_full_backward_hook(() => [null, null]), false),
  module_bwd_hook_no_input_grad: () => hook_probe((m) => m.register_full_backward_hook(() => [torch.ones([1, 2])]), false),
  module_bwd_hook_scaled: () => hook_probe((m) => m.register_full_backward_hook((_m, gi) => [gi[0]!.mul(2)])),
  module_bwd_hook_not_tuple: () => hook_probe((m) => m.register_full_backward_hook(((_m: unknown, gi: Tensor[]) => gi[0]) as never)),
  param_hook_shape: () => hook_probe((m) => m.weight.register_hook(() => torch.ones([4]))),
  param_hook_dtype: () => hook_probe((m) => m.weight.register_hook((g) => g!.double())),
  param_hook_int: () => hook_probe((m) => m.weight.register_hook((() => 3) as never)),
  param_hook_tuple: () => hook_probe((m) => m.weight.register_hook(((g: Tensor) => [g]) as never)),
  random_sampler_num_samples: () => new RandomSampler([0, 1, 2, 3, 4], { num_samples: 0 }),
  random_sampler_replacement: () => new RandomSampler([0, 1, 2, 3, 4], { replacement: 1 as never }),
  batch_sampler_size: () => new BatchSampler(seq(5), 0, false),
  batch_sampler_drop_last: () => new BatchSampler(seq(5), 2, 1 as never),
  batch_sampler_float: () => new BatchSampler(seq(5), 2.5, false),
  weighted_sampler_num: () => new WeightedRandomSampler([0.5, 0.5], 0),
  weighted_sampler_replacement: () => new WeightedRandomSampler([0.5, 0.5], 2, 1 as never),
  weighted_sampler_2d: () => new WeightedRandomSampler([[0.5, 0.5]] as never, 2),
  batch_sampler_batches: () => [...new BatchSampler(seq(5), 2, false)],
  batch_sampler_len: () => new BatchSampler(seq(5), 2, true).length,
};

/** Compares a probe's value with PyTorch's: state-reporting probes compare messages without the exception name. */
function same_value(got: unknown, want: unknown, path: string): void {
  if (typeof want === 'string' && typeof got === 'string') expect(got, path).toBe(want === 'ok' ? 'ok' : words(want));
  else if (Array.isArray(want)) {
    expect(Array.isArray(got), `${path} is a list`).toBe(true);
    expect((got as unknown[]).length, `${path} length`).toBe(want.length);
    want.forEach((w, i) => same_value((got as unknown[])[i], w, `${path}[${i}]`));
  } else if (want !== null && typeof want === 'object') expect(got, path).toBeTypeOf('object');
  else if (typeof want === 'number' && typeof got === 'number') expect(Math.abs(got - want), `${path}: ${got} vs ${want}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
  else expect(got, path).toEqual(want);
}

describe('nn_probes.json: modules, optimizers, state loading, hooks and samplers answer bad input as PyTorch', () => {
  it('every probe in the fixture has a TypeScript twin', () => {
    expect(Object.keys(probes).filter((id) => !(id in PROBES))).toEqual([]);
  });
  it.each(Object.entries(probes))('%s', (id, want) => {
    const run = PROBES[id]!;
    if ('error' in want) {
      let thrown: unknown = null;
      try {
        run();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `${id} must raise ${want.error}: ${want.message}`).toBeInstanceOf(Error);
      expect((thrown as Error).message).toBe(want.message);
      if (want.error === 'TypeError') expect(thrown).toBeInstanceOf(TypeError);
    } else same_value(run(), want.value, id);
  });
});
