// The table of differentiable ops that gradcheck and gradgradcheck run over (float64, every backend).
// Adding an op to @tsgrad/core? Add a row here naming it in `ops` (or list it in NOT_DIFFERENTIABLE with a reason):
// op_coverage.test.ts fails for an export or Tensor method that neither names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';

const gen = new torch.Generator().manual_seed(7);

/** A float64 leaf that requires grad: N(0, 1), or U(lo, hi) when a range is given. */
export function leaf(shape: number[], range?: [number, number]): Tensor {
  const t = range === undefined
    ? torch.randn(shape, { dtype: 'float64', generator: gen })
    : torch.rand(shape, { dtype: 'float64', generator: gen }).mul(range[1] - range[0]).add(range[0]);
  return t.requires_grad_(true);
}
const long = (values: number[]): Tensor => torch.tensor(values, { dtype: 'int64' });
const f64 = (values: number[]): Tensor => torch.tensor(values, { dtype: 'float64' });
/** Values within `gap` of a non-differentiable point are moved off it, so central differences never straddle it. */
export function away_from(t: Tensor, kinks: number | number[], gap = 1e-3): Tensor {
  const d = t._storage.data;
  for (const k of typeof kinks === 'number' ? [kinks] : kinks) for (let i = 0; i < d.length; i++) if (Math.abs(d[i]! - k) < gap) d[i] = k + (d[i]! >= k ? gap : -gap);
  return t;
}
/** Positive values, for log, sqrt, division. */
const P = (shape: number[]): Tensor => leaf(shape, [0.5, 2]);
/** A differentiable non-leaf copy, so in-place ops may write to it. */
const copy = (x: Tensor): Tensor => x.mul(1);

export interface OpCase {
  /** Names of the @tsgrad/core functions and Tensor methods this row differentiates. */
  ops: readonly string[];
  /** Fresh inputs (float64 leaves that require grad, and any other arguments). */
  inputs: () => Tensor[];
  fn: (...xs: Tensor[]) => Tensor | Tensor[];
  /** Tolerances where the row needs others than gradcheck's defaults (e.g. a float32 round trip). */
  tol?: { eps?: number; atol?: number; rtol?: number };
  /** Why only first derivatives are checked: PyTorch itself has no double backward for these kernels. */
  first_order_only?: string;
}

/** One row per op (and per interesting configuration of it); each is gradchecked and gradgradchecked. */
export const OP_CASES: Record<string, OpCase> = {
  // arithmetic with broadcasting
  add: { ops: ['add'], inputs: () => [leaf([2, 1, 3]), leaf([4, 1])], fn: (a, b) => [a!.add(b!, { alpha: 2 }), a!.add(b!)] },
  sub: { ops: ['sub'], inputs: () => [leaf([3, 1]), leaf([1, 4])], fn: (a, b) => [a!.sub(b!), a!.sub(b!, { alpha: -0.5 })] },
  mul: { ops: ['mul'], inputs: () => [leaf([2, 3]), leaf([3])], fn: (a, b) => [a!.mul(b!), a!.mul(a!)] },
  div: { ops: ['div'], inputs: () => [leaf([2, 3]), P([2, 1])], fn: (a, b) => [a!.div(b!), b!.div(b!.mul(b!))] },
  scalar_ops: { ops: ['add', 'sub', 'mul', 'div', 'rsub'], inputs: () => [leaf([3, 4])], fn: (a) => torch.rsub(a!.add(2.5).sub(1).mul(3).div(2), 2) },
  neg: { ops: ['neg'], inputs: () => [leaf([3, 4])], fn: (a) => a!.neg() },
  pow_scalar: { ops: ['pow', 'square'], inputs: () => [P([3, 4])], fn: (a) => [a!.pow(2), a!.pow(3), a!.pow(0.5), a!.pow(-1), a!.pow(1.5), a!.square()] },
  pow_tensor: { ops: ['pow'], inputs: () => [P([3, 4]), leaf([3, 4])], fn: (a, b) => a!.pow(b!) },
  pow_scalar_base: { ops: ['pow'], inputs: () => [leaf([5])], fn: (b) => torch.pow(2, b!) },
  where: { ops: ['where'], inputs: () => [leaf([3, 4]), leaf([4])], fn: (a, b) => [torch.where(a!.detach().gt(0), a!, b!), a!.where(a!.detach().lt(0.5), 2), torch.where(a!.detach().gt(0), 1, b!)] },
  // a 0-dim tensor value is differentiable too (MaskedFillBackward1); rsub with a tensor other is RsubBackward0
  masked_fill: { ops: ['masked_fill'], inputs: () => [leaf([3, 4]), leaf([])], fn: (a, v) => [a!.masked_fill(a!.detach().lt(0), 0.5), torch.masked_fill(a!, a!.detach().gt(0), v!)] },
  rsub_tensor: { ops: ['rsub'], inputs: () => [leaf([3, 4]), leaf([4])], fn: (a, b) => [torch.rsub(a!, b!), torch.rsub(a!, b!, { alpha: 2 }), torch.rsub(b!, 3, { alpha: 0.5 })] },
  maximum_minimum: {
    ops: ['maximum', 'minimum', 'max', 'min'],
    inputs: () => [leaf([3, 4]), leaf([4])],
    fn: (a, b) => [torch.maximum(a!, b!.expand(3, 4)), torch.minimum(a!, b!), a!.max(b!), a!.min(b!.mul(0.5))],
  },
  to_dtype: {
    ops: ['to_dtype', 'to', 'float', 'double', 'type_as'],
    inputs: () => [leaf([3, 4])],
    fn: (a) => [a!.float().double(), a!.to('float32').type_as(a!), torch.to_dtype(a!, 'float64')],
    // float32 cannot resolve a 1e-6 step: difference over a wider one
    tol: { eps: 1e-3, atol: 1e-3 },
  },
  // unary
  exp: { ops: ['exp'], inputs: () => [leaf([3, 4])], fn: (a) => a!.exp() },
  log: { ops: ['log'], inputs: () => [P([3, 4])], fn: (a) => a!.log() },
  log1p: { ops: ['log1p'], inputs: () => [P([3, 4])], fn: (a) => torch.log1p(a!.sub(0.4)) },
  sqrt: { ops: ['sqrt'], inputs: () => [P([3, 4])], fn: (a) => a!.sqrt() },
  rsqrt: { ops: ['rsqrt'], inputs: () => [P([3, 4])], fn: (a) => a!.rsqrt() },
  reciprocal: { ops: ['reciprocal'], inputs: () => [P([3, 4])], fn: (a) => a!.reciprocal() },
  sin_cos: { ops: ['sin', 'cos'], inputs: () => [leaf([3, 4])], fn: (a) => [a!.sin(), a!.cos(), a!.sin().mul(a!.cos())] },
  sigmoid_tanh: { ops: ['sigmoid', 'tanh'], inputs: () => [leaf([3, 4])], fn: (a) => [torch.sigmoid(a!), torch.tanh(a!), a!.sigmoid().mul(a!.tanh())] },
  relu: { ops: ['relu'], inputs: () => [away_from(leaf([3, 4]), 0)], fn: (a) => [torch.relu(a!), a!.relu().mul(a!)] },
  threshold_backward: {
    ops: ['threshold_backward'],
    inputs: () => [leaf([3, 4]), away_from(leaf([3, 4]), [0, 0.25])],
    fn: (g, r) => [torch.threshold_backward(g!, r!, 0.25), torch.threshold_backward(g!, r!)],
  },
  leaky_relu: { ops: ['leaky_relu', 'leaky_relu_'], inputs: () => [away_from(leaf([3, 4]), 0)], fn: (a) => [torch.leaky_relu(a!, 0.2), torch.leaky_relu(a!).mul(a!), torch.leaky_relu_(copy(a!), 0.3), torch.leaky_relu(copy(a!), 0.1, true)] },
  abs_sign: { ops: ['abs', 'sign'], inputs: () => [away_from(leaf([3, 4]), 0)], fn: (a) => [a!.abs(), a!.abs().mul(a!), a!.sign().mul(a!)] },
  clamp: {
    ops: ['clamp', 'clip'],
    inputs: () => [away_from(leaf([3, 4]), [-0.5, 0.7])],
    fn: (a) => [a!.clamp(-0.5, 0.7), a!.clamp({ min: -0.5 }), a!.clip({ max: 0.7 }).mul(a!)],
  },
  // tensor bounds (ClampBackward0): broadcast, each bound getting the gradient where it binds
  clamp_tensor_bounds: {
    ops: ['clamp', 'clamp_'],
    inputs: () => [away_from(leaf([3, 4]), [-0.5, 0.5], 0.15), f64([-0.5, -0.4, -0.6, -0.45]).requires_grad_(), f64([0.5, 0.6, 0.4]).reshape(3, 1).requires_grad_()],
    fn: (x, lo, hi) => [torch.clamp(x!, lo!, hi!), x!.clamp({ min: lo! }), copy(x!).clamp_({ max: hi! })],
  },
  dropout: {
    ops: ['dropout'],
    inputs: () => [leaf([3, 4])],
    // a freshly seeded generator draws the same mask at every call
    fn: (x) => [torch.dropout(x!, { p: 0.4, training: true, generator: new torch.Generator().manual_seed(3) }), torch.dropout(x!.mul(1), { p: 0.5, training: false })],
  },
  // pointwise activations of torch.nn (values kept off their kinks)
  elu_selu_celu: {
    ops: ['elu', 'selu', 'celu'],
    inputs: () => [away_from(leaf([3, 4]), 0)],
    fn: (x) => [torch.elu(x!, { alpha: 0.7 }), torch.selu(x!), torch.celu(x!, 1.3)],
  },
  hardtanh_relu6: {
    ops: ['hardtanh', 'relu6'],
    inputs: () => [away_from(leaf([3, 4], [-3, 7]), [-0.5, 0, 2, 6])],
    fn: (x) => [torch.hardtanh(x!, -0.5, 2), torch.relu6(x!).mul(x!)],
  },
  hardsigmoid_hardswish: {
    ops: ['hardsigmoid', 'hardswish'],
    inputs: () => [leaf([3, 4], [-2.9, 2.9])],
    fn: (x) => [torch.hardsigmoid(x!), torch.hardswish(x!)],
  },
  erf_gelu: {
    ops: ['erf', 'gelu'],
    inputs: () => [leaf([3, 4])],
    fn: (x) => [torch.erf(x!), x!.erf(), torch.gelu(x!), torch.gelu(x!, { approximate: 'tanh' })],
  },
  norm_p_below_1: { ops: ['norm'], inputs: () => [away_from(leaf([3, 4]), 0)], fn: (x) => [x!.norm(0.5), x!.norm(-Infinity)] },
  silu_mish_softplus_logsigmoid: {
    ops: ['silu', 'mish', 'softplus', 'logsigmoid', 'softsign', 'tanhshrink'],
    inputs: () => [away_from(leaf([3, 4]), 0)],
    fn: (x) => [torch.silu(x!), torch.mish(x!), torch.softplus(x!, { beta: 2, threshold: 20 }), torch.logsigmoid(x!), torch.softsign(x!), torch.tanhshrink(x!)],
  },
  shrink_threshold: {
    ops: ['hardshrink', 'softshrink', 'threshold'],
    inputs: () => [away_from(leaf([3, 4]), [-0.5, 0.5, 0.1])],
    fn: (x) => [torch.hardshrink(x!), torch.softshrink(x!, 0.5), torch.threshold(x!, 0.1, 20)],
  },
  glu_prelu_rrelu_softmin: {
    ops: ['glu', 'prelu', 'rrelu', 'rrelu_', 'softmin'],
    inputs: () => [away_from(leaf([2, 4, 2]), 0), f64([0.1, -0.3, 0.5, 0.25]).requires_grad_(true)],
    fn: (x, w) => [torch.glu(x!, 1), torch.prelu(x!, w!), torch.rrelu(x!), torch.rrelu_(copy(x!), 0.2, 0.3), torch.softmin(x!, 1)],
  },
  activations_inplace: {
    ops: ['apply_unary_inplace'],
    inputs: () => [away_from(leaf([3, 4]), 0)],
    fn: (x) => [torch.elu(copy(x!), { inplace: true }), torch.silu(copy(x!), { inplace: true }).mul(x!)],
  },
  // reductions
  sum: { ops: ['sum', 'sum_dims'], inputs: () => [leaf([2, 3, 4])], fn: (x) => [x!.sum(), x!.sum(1), x!.sum([0, 2], { keepdim: true }), x!.sum(-1, { keepdim: true }), x!.sum(null, true), torch.sum_dims(x!, [1], false)] },
  mean: { ops: ['mean', 'mean_dims'], inputs: () => [leaf([2, 3, 4])], fn: (x) => [x!.mean(), x!.mean(1), x!.mean([0, 2], { keepdim: true }), torch.mean_dims(x!, [0], true)] },
  sum_to: { ops: ['sum_to'], inputs: () => [leaf([2, 3, 4])], fn: (x) => [torch.sum_to(x!, [3, 1]), torch.sum_to(x!, [1, 3, 4])] },
  max_min_all: { ops: ['max', 'min'], inputs: () => [leaf([2, 3, 4])], fn: (x) => [x!.max(), x!.min()] },
  max_min_dim: { ops: ['max', 'min'], inputs: () => [leaf([2, 3, 4])], fn: (x) => [x!.max(1).values, x!.min(-1, { keepdim: true }).values] },
  amax_amin: { ops: ['amax', 'amin'], inputs: () => [leaf([2, 3, 4])], fn: (x) => [x!.amax(1), x!.amax([0, 2], { keepdim: true }), x!.amin(0), torch.amin(x!)] },
  var_std: {
    ops: ['var', 'var_', 'std'],
    inputs: () => [leaf([3, 4])],
    fn: (x) => [x!.var(), x!.var(1), x!.std(0, { keepdim: true }), torch.var_(x!, { dim: 1, unbiased: false }), x!.std(), x!.std(1, { correction: 0 })],
  },
  norm: { ops: ['norm'], inputs: () => [away_from(leaf([3, 4]), 0)], fn: (x) => [x!.norm(), x!.norm(1), x!.norm(3), x!.norm(1.5), x!.norm(Infinity)] },
  softmax: { ops: ['softmax', 'log_softmax'], inputs: () => [leaf([3, 5])], fn: (x) => [torch.softmax(x!, 1), torch.softmax(x!, 0), torch.log_softmax(x!, -1), x!.log_softmax({ dim: 0 })] },
  // shape
  reshape_view: {
    ops: ['reshape', 'view', 'flatten', 'unsafe_view', 'view_as', 'reshape_as'],
    inputs: () => [leaf([2, 3, 4])],
    fn: (x) => [x!.reshape(6, 4), x!.view(4, -1), torch.flatten(x!, 1), x!.transpose(0, 2).reshape(-1), torch.unsafe_view(x!, [4, 6]), x!.view_as(torch.zeros([24])), x!.permute(1, 0, 2).reshape_as(torch.zeros([3, 8]))],
  },
  transpose_permute: { ops: ['transpose', 'permute', 't', 'select'], inputs: () => [leaf([2, 3, 4])], fn: (x) => [x!.transpose(0, 2), x!.permute(2, 0, 1), x!.select(1, 0).t(), torch.t(x!.select(0, 1))] },
  squeeze_unsqueeze_expand: {
    ops: ['squeeze', 'unsqueeze', 'expand', 'expand_as'],
    inputs: () => [leaf([1, 3, 1, 2])],
    fn: (x) => [x!.squeeze(), x!.squeeze(2), x!.unsqueeze(1), x!.expand(4, 3, 5, 2), x!.expand_as(torch.zeros([2, 3, 2, 2]))],
  },
  clone_contiguous: { ops: ['clone', 'contiguous'], inputs: () => [leaf([3, 4])], fn: (x) => [x!.clone(), x!.t().contiguous(), torch.contiguous(x!)] },
  cat_stack: { ops: ['cat', 'stack'], inputs: () => [leaf([2, 3]), leaf([1, 3]), leaf([2, 3])], fn: (a, b, c) => [torch.cat([a!, b!, c!]), torch.cat([a!, c!], { dim: 1 }), torch.stack([a!, c!], { dim: 2 })] },
  select_slice: {
    ops: ['index', 'select', 'slice', 'narrow'],
    inputs: () => [leaf([4, 5])],
    fn: (x) => [x!.index([1]), x!.index([{}, { start: 1, stop: 3 }]), x!.index([{ step: 2 }]), x!.index([{ start: 1 }, { start: -2 }]), x!.index(['...', 0]), x!.index([null, { start: 1, stop: 3 }]), x!.narrow(1, 1, 3), torch.slice(x!, 1, 0, 5, 2), x!.index([])],
  },
  index_repeated: {
    ops: ['index'],
    inputs: () => [leaf([4, 5])],
    fn: (x) => [x!.index([[0, 2, 0]]), x!.index([{}, [1, 3, 1]]), x!.index([long([3, 0, 3]), long([1, 1, 4])]), x!.index([x!.detach().gt(0)])],
  },
  atleast: {
    ops: ['atleast_1d', 'atleast_2d', 'atleast_3d'],
    inputs: () => [leaf([]), leaf([3]), leaf([2, 3])],
    fn: (s, a, b) => [
      torch.atleast_1d(s!) as Tensor, ...(torch.atleast_1d([a!, b!]) as Tensor[]),
      ...(torch.atleast_2d(s!, a!, b!) as Tensor[]),
      ...(torch.atleast_3d(s!, a!, b!) as Tensor[]),
    ],
  },
  split_chunk_unbind: {
    ops: ['split', 'chunk', 'unbind', 'split_with_sizes', 'unsafe_split', 'unsafe_split_with_sizes', 'unsafe_chunk'],
    inputs: () => [leaf([4, 5])],
    fn: (x) => [
      ...x!.split(3), ...x!.split([1, 3], 0).slice(1), x!.chunk(2, 1)[1]!, ...x!.unbind(1).slice(2, 4),
      ...torch.split_with_sizes(x!, [3, 2], 1), x!.unsafe_split(2)[1]!, ...x!.unsafe_split_with_sizes([1, 4], 1),
      // an unsafe piece written in place: allowed, and its gradient flows through the write
      (() => {
        const [a, b] = torch.unsafe_chunk(x!.mul(1), 2);
        return a!.mul_(b!);
      })(),
    ],
  },
  gather_scatter: {
    ops: ['gather', 'scatter_add_zeros', 'scatter_into_zeros'],
    inputs: () => [leaf([3, 4]), leaf([3, 2])],
    fn: (x, s) => [
      x!.gather(1, long([0, 0, 3, 1, 2, 2, 3, 3, 0]).view(3, 3)),
      x!.gather(0, long([2, 2, 0, 1]).view(1, 4)),
      torch.scatter_add_zeros(s!, 1, long([0, 0, 3, 1, 2, 2]).view(3, 2), [3, 4]),
      torch.scatter_into_zeros(s!.select(1, 0), 1, long([3, 0, 3]), [3, 4], false),
    ],
  },
  index_select: {
    ops: ['index_select'],
    inputs: () => [leaf([3, 4])],
    fn: (x) => [x!.index_select(0, long([2, 0, 2])), torch.index_select(x!, -1, long([3, 1])), x!.select(0, 1).index_select(0, long([1]).view([]))],
  },
  scatter: {
    ops: ['scatter', 'scatter_', 'scatter_add', 'scatter_add_'],
    inputs: () => [leaf([3, 4]), leaf([2, 3])],
    fn: (x, s) => {
      const idx = long([0, 3, 1, 2, 1, 0]).view(2, 3);
      return [
        x!.scatter(1, idx, s!), torch.scatter(x!, 0, long([2, 0]).view(2, 1), 0.5), x!.scatter_add(1, long([0, 0, 1, 3, 3, 3]).view(2, 3), s!),
        copy(x!).scatter_(1, idx, s!.mul(2)), copy(x!).scatter_(0, long([1]).view(1, 1), { value: 3 }), copy(x!).scatter_add_(0, long([2, 2, 0]).view(1, 3), s!.narrow(0, 1, 1)),
      ];
    },
  },
  sort_topk: {
    ops: ['sort', 'topk'],
    inputs: () => [leaf([3, 4])],
    fn: (x) => [x!.sort()[0], torch.sort(x!, 0, true).values, x!.topk(2)[0], torch.topk(x!, 2, { dim: 0, largest: false }).values],
  },
  flip_roll: {
    ops: ['flip', 'roll'],
    inputs: () => [leaf([3, 4])],
    fn: (x) => [x!.flip(0), torch.flip(x!, [0, 1]), x!.roll(1), torch.roll(x!, [1, -2], [0, 1])],
  },
  cumsum: { ops: ['cumsum'], inputs: () => [leaf([3, 4])], fn: (x) => [x!.cumsum(1), torch.cumsum(x!, 0)] },
  xlogy: { ops: ['xlogy'], inputs: () => [leaf([3, 4]), P([4])], fn: (x, y) => [x!.xlogy(y!), torch.xlogy(x!, 2.5), torch.xlogy(y!, y!), torch.xlogy(3, y!)] },
  lerp: {
    ops: ['lerp', 'lerp_'],
    inputs: () => [leaf([3, 4]), leaf([4]), leaf([3, 1])],
    fn: (a, b, w) => [a!.lerp(b!.expand(3, 4), 0.3), torch.lerp(a!, b!.expand(3, 4), w!), copy(a!).lerp_(b!.expand(3, 4), w!)],
  },
  addcmul_addcdiv: {
    ops: ['addcmul', 'addcmul_', 'addcdiv', 'addcdiv_'],
    inputs: () => [leaf([3, 4]), leaf([4]), P([3, 1])],
    fn: (a, b, c) => [a!.addcmul(b!, c!, { value: 0.5 }), torch.addcdiv(a!, b!, c!, { value: -2 }), copy(a!).addcmul_(b!, c!), copy(a!).addcdiv_(b!, c!)],
  },
  prod: {
    ops: ['prod'],
    inputs: () => [leaf([3, 4])],
    fn: (x) => [x!.prod(), torch.prod(x!, 1), x!.prod(0, true), torch.prod(x!.mul(torch.tensor([[1, 0, 1, 1], [1, 1, 1, 1], [0, 1, 0, 1]], { dtype: 'float64' })), 1), x!.mul(torch.tensor([1, 0, 1, 1], { dtype: 'float64' })).prod()],
  },
  cumprod: {
    ops: ['cumprod'],
    inputs: () => [leaf([3, 4])],
    fn: (x) => [x!.cumprod(1), torch.cumprod(x!, 0), x!.mul(torch.tensor([[1, 0, 1, 1], [1, 1, 1, 0], [0, 1, 0, 1]], { dtype: 'float64' })).cumprod(1)],
  },
  diagonals: {
    ops: ['diagonal', 'diag_embed', 'diag'],
    inputs: () => [leaf([3, 4]), leaf([2, 3])],
    fn: (x, v) => [x!.diagonal(), torch.diagonal(x!, 1), x!.diagonal(-1, 1, 0), v!.diag_embed(), torch.diag_embed(v!, -1, 0, 2), torch.diag(x!, 2), v!.select(0, 1).diag(1)],
  },
  movedim: { ops: ['movedim', 'moveaxis'], inputs: () => [leaf([2, 3, 4])], fn: (x) => [x!.movedim(0, -1), torch.moveaxis(x!, [0, 2], [1, 0])] },
  selection: {
    ops: ['masked_select', 'take', 'take_along_dim'],
    inputs: () => [leaf([3, 4])],
    fn: (x) => [
      x!.masked_select(x!.detach().gt(0)), torch.masked_select(x!, torch.tensor([true, false, true, true])), x!.take(long([0, 5, -1, 5])),
      torch.take_along_dim(x!, long([[0], [2], [1]]), 1), x!.take_along_dim(long([3, 0, 3])), torch.take_along_dim(x!, long([[2, 0, 1, 1]]), 0),
    ],
  },
  index_add_copy_fill: {
    ops: ['index_add', 'index_add_', 'index_copy', 'index_copy_', 'index_fill', 'index_fill_'],
    inputs: () => [leaf([3, 4]), leaf([3, 2]), leaf([])],
    fn: (x, s, v) => [
      x!.index_add(1, long([3, 0]), s!.narrow(0, 0, 3), { alpha: 2 }), copy(x!).index_add_(1, long([1, 1]), s!), x!.index_copy(1, long([2, 0]), s!), copy(x!).index_copy_(0, long([1]), torch.cat([s!, s!], 1).narrow(0, 0, 1)),
      x!.index_fill(1, long([0, 2]), -1), copy(x!).index_fill_(0, long([2, 2]), v!), torch.index_fill(x!, 1, long([1]), v!),
    ],
  },
  rounding: {
    ops: ['floor', 'ceil', 'round', 'trunc'],
    inputs: () => [away_from(leaf([3, 4]).mul(3).detach(), [-3, -2, -1, 0, 1, 2, 3, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5], 0.01).requires_grad_(true)],
    fn: (x) => [x!.floor().add(x!), torch.ceil(x!).mul(x!), x!.round().add(x!), torch.round(x!, { decimals: 1 }).add(x!), x!.trunc().mul(x!)],
  },
  clamp_min_max: { ops: ['clamp_min', 'clamp_max'], inputs: () => [away_from(leaf([3, 4]), [0, 0.5])], fn: (x) => [x!.clamp_min(0), torch.clamp_max(x!, 0.5), x!.clamp_min(0.5).clamp_max(0)] },
  views_by_other_names: {
    ops: ['unflatten', 'broadcast_to', 'swapaxes', 'swapdims', 'fliplr', 'flipud', 'tile'],
    inputs: () => [leaf([2, 6])],
    fn: (x) => [
      x!.unflatten(1, [3, -1]), torch.unflatten(x!, 1, [2, 3]), torch.broadcast_to(x!.narrow(0, 0, 1), [3, 6]), x!.broadcast_to([2, 2, 6]),
      torch.swapaxes(x!, 0, 1), x!.swapdims(0, 1), torch.fliplr(x!), torch.flipud(x!), torch.tile(x!, [2]), x!.tile(2, 1, 1),
    ],
  },
  joins: {
    ops: ['concat', 'concatenate', 'hstack', 'vstack', 'dstack'],
    inputs: () => [leaf([2, 3]), leaf([3])],
    fn: (x, v) => [torch.concat([x!, x!], 1), torch.concatenate([x!, v!.unsqueeze(0)]), torch.hstack([v!, v!]), torch.hstack([x!, x!]), torch.vstack([x!, v!]), torch.dstack([x!, x!])],
  },
  masked_fill_: { ops: ['masked_fill_'], inputs: () => [leaf([3, 4]), leaf([])], fn: (a, v) => [copy(a!).masked_fill_(a!.detach().lt(0), 0.5), copy(a!).masked_fill_(a!.detach().gt(0), v!)] },
  repeat_broadcast: {
    ops: ['repeat', 'broadcast_tensors'],
    inputs: () => [leaf([2, 3]), leaf([3, 1])],
    fn: (x, y) => [x!.repeat(2, 1), torch.repeat(x!, [3, 1, 2]), ...torch.broadcast_tensors(x!.unsqueeze(1), y!)],
  },
  pdist: {
    ops: ['pdist'],
    inputs: () => [leaf([4, 3])],
    fn: (x) => [torch.pdist(x!), torch.pdist(x!, 1), torch.pdist(x!, 3), torch.pdist(x!, 0.5), torch.pdist(x!, Infinity), torch.pdist(x!, 0)],
  },
  logsumexp: { ops: ['logsumexp'], inputs: () => [leaf([3, 4])], fn: (x) => [x!.logsumexp(1), torch.logsumexp(x!, [0, 1], true)] },
  view_scatter: {
    ops: ['view_scatter'],
    inputs: () => [leaf([2, 5])],
    fn: (g) => torch.view_scatter(g!, [4, 5], { shape: [2, 5], strides: [5, 1], offset: 5 }, 'SliceBackwardBackward0'),
  },
  as_strided: {
    ops: ['as_strided', 'restride'],
    inputs: () => [leaf([3, 4])],
    fn: (x) => [
      x!.as_strided([2, 2], [1, 4], 1),
      torch.as_strided(x!.t(), [3, 2], [4, 1], 2),
      torch.restride(x!, { shape: [3, 4], strides: [4, 1], offset: 0 }, { shape: [2, 3], strides: [1, 2], offset: 3 }),
      // into an input whose elements alias each other (expanded): each gets a share of its position's gradient
      x!.select(0, 1).expand(3, 4).as_strided([4, 4], [0, 1], 4),
      x!.expand(2, 3, 4).as_strided([3, 4], [4, 1], 0),
      torch.restride(x!, { shape: [3, 4], strides: [0, 1], offset: 0 }, { shape: [2, 4], strides: [0, 1], offset: 0 }, 'to'),
      torch.restride(x!, { shape: [3, 4], strides: [0, 1], offset: 0 }, { shape: [2, 4], strides: [4, 1], offset: 0 }, 'from'),
    ],
  },
  // writes through views (CopySlices over the op's node) and x[i] = v
  setitem_and_view_writes: {
    ops: ['setitem'],
    inputs: () => [leaf([3, 4]), leaf([4])],
    fn: (x, v) => {
      const y = copy(x!);
      y.setitem([0], v!);
      y.setitem([{ start: 1 }, 2], v!.index({ stop: 2 }).mul(3));
      y.setitem([long([2, 1]), long([0, 3])], v!.index({ start: 2 }));
      y.index([{ start: 1 }, { stop: 2 }]).mul_(v!.index({ stop: 2 }));
      y.t().index(3).add_(v!.index({ start: 1 }));
      const z = copy(x!);
      z.setitem(['...'], 2);
      z.setitem([z.detach().gt(2)], v!.sum());
      return [y, z];
    },
  },
  // in-place ops on differentiable non-leaves
  inplace_arith: {
    ops: ['add_', 'sub_', 'mul_', 'div_'],
    inputs: () => [leaf([3, 4]), P([4])],
    fn: (a, b) => [copy(a!).add_(b!), copy(a!).sub_(b!, { alpha: 2 }), copy(a!).mul_(b!), copy(a!).div_(b!), copy(a!).mul_(2).add_(1)],
  },
  inplace_relu_clamp: {
    ops: ['relu_', 'clamp_'],
    inputs: () => [away_from(leaf([3, 4]), [0, 0.5])],
    fn: (a) => [copy(a!).relu_(), copy(a!).clamp_(-1, 0.5), copy(a!).relu_().mul(a!)],
  },
  inplace_exp_sigmoid_tanh: {
    ops: ['exp_', 'sigmoid_', 'tanh_'],
    inputs: () => [leaf([3, 4])],
    fn: (a) => [copy(a!).exp_(), copy(a!).sigmoid_().mul(a!), copy(a!).tanh_()],
  },
  inplace_unary_more: {
    ops: ['sin_', 'cos_', 'sqrt_', 'log_', 'reciprocal_', 'neg_', 'abs_', 'pow_'],
    inputs: () => [leaf([3, 4], [0.5, 2]), away_from(leaf([3, 4]), 0), leaf([4], [0.5, 1.5])],
    fn: (p, a, e) => [
      copy(a!).sin_(), copy(a!).cos_().mul(a!), copy(p!).sqrt_(), copy(p!).log_(), copy(p!).reciprocal_(),
      copy(a!).neg_(), copy(a!).abs_(), copy(p!).pow_(3), copy(p!).pow_(e!),
    ],
  },
  inplace_views: {
    ops: ['t_', 'transpose_', 'swapdims_', 'swapaxes_', 'unsqueeze_', 'squeeze_'],
    inputs: () => [leaf([3, 4])],
    fn: (a) => [
      copy(a!).t_(), copy(a!).transpose_(0, 1).mul(a!.t()), copy(a!).swapdims_(0, 1), copy(a!).swapaxes_(1, 0),
      copy(a!).unsqueeze_(1), copy(a!).unsqueeze_(0).squeeze_(), copy(a!).unsqueeze_(2).squeeze_(2),
    ],
  },
  inplace_fill_copy: {
    ops: ['fill_', 'zero_', 'copy_'],
    inputs: () => [leaf([3, 4]), leaf([4])],
    fn: (a, b) => [copy(a!).fill_(2).add(a!), copy(a!).zero_().add(b!), copy(a!).copy_(b!).mul(a!)],
  },
  // linear algebra
  mm: { ops: ['mm'], inputs: () => [leaf([3, 4]), leaf([4, 2])], fn: (a, b) => [a!.mm(b!), a!.mm(b!).mul(a!.sum())] },
  mv_dot: { ops: ['mv', 'dot'], inputs: () => [leaf([3, 4]), leaf([4])], fn: (a, v) => [a!.mv(v!), v!.dot(v!.mul(2)), a!.mv(v!).mul(v!.dot(v!))] },
  bmm: { ops: ['bmm'], inputs: () => [leaf([2, 3, 4]), leaf([2, 4, 5])], fn: (a, b) => a!.bmm(b!) },
  addmm: { ops: ['addmm'], inputs: () => [leaf([2]), leaf([3, 4]), leaf([4, 2])], fn: (c, a, b) => [torch.addmm(c!, a!, b!), c!.addmm(a!, b!, { beta: 0.5, alpha: 2 })] },
  matmul_1d_2d: { ops: ['matmul'], inputs: () => [leaf([4]), leaf([4, 5])], fn: (a, b) => torch.matmul(a!, b!) },
  matmul_batched: { ops: ['matmul'], inputs: () => [leaf([2, 1, 3, 4]), leaf([3, 4, 2])], fn: (a, b) => [torch.matmul(a!, b!), torch.matmul(a!, b!).pow(2)] },
  matmul_3d_2d: { ops: ['matmul'], inputs: () => [leaf([2, 3, 4]), leaf([4, 5])], fn: (a, b) => torch.matmul(a!, b!) },
  matmul_1d_3d: { ops: ['matmul'], inputs: () => [leaf([4]), leaf([2, 4, 3])], fn: (a, b) => a!.matmul(b!) },
  linear: {
    ops: ['linear'],
    inputs: () => [leaf([2, 3, 4]), leaf([5, 4]), leaf([5])],
    fn: (x, w, b) => [torch.linear(x!, w!, b!), torch.linear(x!.select(0, 0), w!), torch.linear(x!.select(0, 1).select(0, 0), w!, b!)],
  },
  // convolution, pooling, resizing
  conv2d_basic: { ops: ['conv2d'], inputs: () => [leaf([2, 2, 4, 4]), leaf([3, 2, 3, 3]), leaf([3])], fn: (x, w, b) => torch.conv2d(x!, w!, b!) },
  conv2d_stride_pad_dil_groups: {
    ops: ['conv2d'],
    inputs: () => [leaf([1, 4, 5, 6]), leaf([4, 2, 2, 3]), leaf([4])],
    fn: (x, w, b) => torch.conv2d(x!, w!, b!, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }),
  },
  conv2d_depthwise_nobias: { ops: ['conv2d'], inputs: () => [leaf([1, 2, 4, 4]), leaf([2, 1, 3, 3])], fn: (x, w) => torch.conv2d(x!, w!, null, { padding: 1, groups: 2 }) },
  conv2d_unbatched_squared: { ops: ['conv2d'], inputs: () => [leaf([2, 4, 3]), leaf([2, 2, 3, 3])], fn: (x, w) => torch.conv2d(x!, w!, null, { padding: 'same' }).pow(2) },
  max_pool2d_overlapping: {
    ops: ['max_pool2d'],
    inputs: () => [leaf([1, 2, 5, 6])],
    fn: (x) => [torch.max_pool2d(x!, 3, { stride: 1 }), torch.max_pool2d(x!, 3, { stride: 2, padding: 1 }), torch.max_pool2d(x!, 2, { stride: 1, dilation: 2 }), torch.max_pool2d(x!, [2, 3], { stride: [2, 1], ceil_mode: true })],
  },
  max_pool2d_indices_squared: { ops: ['max_pool2d'], inputs: () => [leaf([2, 4, 4])], fn: (x) => torch.max_pool2d(x!, 2, { return_indices: true })[0].pow(2) },
  avg_pool2d: {
    ops: ['avg_pool2d'],
    inputs: () => [leaf([1, 2, 5, 6])],
    fn: (x) => [
      torch.avg_pool2d(x!, 2),
      torch.avg_pool2d(x!, 3, { stride: 2, padding: 1, count_include_pad: false }),
      torch.avg_pool2d(x!, 2, { stride: 2, ceil_mode: true }),
      torch.avg_pool2d(x!, 3, { stride: 2, padding: 1, ceil_mode: true, count_include_pad: false }),
      torch.avg_pool2d(x!, 2, { divisor_override: 3 }).pow(2),
    ],
  },
  adaptive_avg_pool2d: {
    ops: ['adaptive_avg_pool2d'],
    inputs: () => [leaf([1, 2, 5, 7])],
    fn: (x) => [torch.adaptive_avg_pool2d(x!, [3, 3]), torch.adaptive_avg_pool2d(x!, [2, 4]).pow(2), torch.adaptive_avg_pool2d(x!, 1)],
  },
  interpolate: {
    ops: ['interpolate'],
    inputs: () => [leaf([1, 2, 3, 4])],
    fn: (x) => [
      torch.interpolate(x!, { size: [5, 7], mode: 'bilinear', align_corners: false }),
      torch.interpolate(x!, { size: [2, 3], mode: 'bilinear', align_corners: false }).pow(2),
      torch.interpolate(x!, { scale_factor: 1.7, mode: 'bilinear', align_corners: false }),
      torch.interpolate(x!, { size: [4, 6], mode: 'bilinear', align_corners: true }),
      torch.interpolate(x!, { scale_factor: 2, mode: 'nearest' }),
    ],
  },
  grid_sampler: {
    ops: ['grid_sampler'],
    inputs: () => [leaf([1, 2, 3, 4]), leaf([1, 2, 3, 2], [-1.2, 1.2]), leaf([1, 1, 2, 3, 2]), leaf([1, 2, 1, 2, 3], [-1.2, 1.2])],
    fn: (x, g, x3, g3) => [
      torch.grid_sampler(x!, g!, 0, 0, false),
      torch.grid_sampler(x!, g!, 2, 1, true),
      torch.grid_sampler(x!, g!, 1, 2, false),
      torch.grid_sampler(x3!, g3!, 0, 2, true),
    ],
    first_order_only: 'PyTorch has no derivative of grid_sampler_2d_backward / grid_sampler_3d_backward',
  },
  affine_grid_generator: {
    ops: ['affine_grid_generator'],
    inputs: () => [leaf([2, 2, 3]), leaf([1, 3, 4])],
    fn: (t, t3) => [torch.affine_grid_generator(t!, [2, 1, 3, 4], false), torch.affine_grid_generator(t!, [2, 1, 2, 2], true), torch.affine_grid_generator(t3!, [1, 1, 2, 3, 2], false)],
  },
  // spatial ops on sparse maps (padding, windows, convolutions, pooling, resampling, shuffles)
  pad: {
    ops: ['pad'],
    inputs: () => [leaf([1, 2, 3, 4])],
    fn: (x) => [torch.pad(x!, [1, 2]), torch.pad(x!, [1, 0, 2, 1], 'constant', 0.5), torch.pad(x!, [2, 1, 1, 1], { mode: 'reflect' }), torch.pad(x!, [1, 1, 0, 2], { mode: 'replicate' }), torch.pad(x!, [1, 2, 1, 1], { mode: 'circular' })],
  },
  unfold_fold: {
    ops: ['im2col', 'col2im'],
    inputs: () => [leaf([1, 2, 4, 5]), leaf([1, 8, 12])],
    fn: (x, c) => [torch.im2col(x!, [2, 3], { padding: 1, stride: 2 }), torch.col2im(c!, [4, 5], [2, 2])],
  },
  conv_nd: {
    ops: ['conv1d', 'conv3d'],
    inputs: () => [leaf([2, 2, 7]), leaf([3, 2, 3]), leaf([3]), leaf([1, 2, 3, 3, 2]), leaf([2, 1, 2, 2, 1])],
    fn: (x, w, b, x3, w3) => [torch.conv1d(x!, w!, b!, { stride: 2, padding: 1 }), torch.conv1d(x!, w!.narrow(2, 0, 2), null, { padding: 'same' }), torch.conv3d(x3!, w3!, null, { padding: 1, groups: 2 })],
  },
  conv_transpose: {
    ops: ['conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'],
    inputs: () => [leaf([1, 2, 3]), leaf([2, 2, 3]), leaf([2]), leaf([1, 2, 2, 3]), leaf([2, 1, 2, 2]), leaf([1, 2, 2, 2, 1]), leaf([2, 1, 2, 1, 2])],
    fn: (x1, w1, b, x2, w2, x3, w3) => [
      torch.conv_transpose1d(x1!, w1!, b!, { stride: 2, padding: 1, output_padding: 1 }),
      torch.conv_transpose2d(x2!, w2!, null, { stride: [2, 1], groups: 2, dilation: [1, 2] }),
      torch.conv_transpose3d(x3!, w3!, null, { stride: 2 }),
    ],
  },
  pool_nd: {
    ops: ['max_pool1d', 'max_pool3d', 'avg_pool1d', 'avg_pool3d', 'lp_pool1d', 'lp_pool2d', 'lp_pool3d'],
    inputs: () => [leaf([1, 2, 7]), leaf([1, 1, 3, 4, 4]), P([1, 2, 4, 5])],
    fn: (x, x3, p) => [
      torch.max_pool1d(x!, 3, { stride: 2, padding: 1 }) as Tensor, torch.max_pool3d(x3!, 2, { ceil_mode: true }) as Tensor,
      torch.avg_pool1d(x!, 3, { stride: 2, padding: 1, count_include_pad: false }), torch.avg_pool3d(x3!, 2, { stride: 1, divisor_override: 3 }),
      torch.lp_pool1d(p!.select(2, 0), 2, 3, { stride: 2 }), torch.lp_pool2d(p!, 3, 2), torch.lp_pool3d(p!.unsqueeze(2), 2, [1, 2, 2], { stride: [1, 2, 1] }),
    ],
  },
  adaptive_pools: {
    ops: ['adaptive_avg_pool1d', 'adaptive_avg_pool3d', 'adaptive_max_pool1d', 'adaptive_max_pool2d', 'adaptive_max_pool3d'],
    inputs: () => [leaf([1, 2, 7]), leaf([1, 1, 3, 4, 5])],
    fn: (x, x3) => [
      torch.adaptive_avg_pool1d(x!, 3), torch.adaptive_avg_pool3d(x3!, [2, 3, 2]),
      torch.adaptive_max_pool1d(x!, 4) as Tensor, torch.adaptive_max_pool2d(x3!.select(0, 0), [2, 3]) as Tensor, torch.adaptive_max_pool3d(x3!, 2) as Tensor,
    ],
  },
  unpool_fractional: {
    ops: ['max_unpool1d', 'max_unpool2d', 'max_unpool3d', 'fractional_max_pool2d', 'fractional_max_pool3d'],
    inputs: () => [leaf([1, 2, 3]), leaf([1, 1, 2, 2]), leaf([1, 1, 2, 1, 2]), leaf([1, 2, 5, 5]), leaf([1, 1, 4, 4, 4])],
    fn: (a, b, c, x, x3) => [
      torch.max_unpool1d(a!, long([0, 3, 5, 1, 2, 4]).view(1, 2, 3), 2),
      torch.max_unpool2d(b!, long([0, 3, 9, 14]).view(1, 1, 2, 2), 2, { output_size: [5, 5] }),
      torch.max_unpool3d(c!, long([0, 13, 2, 30]).view(1, 1, 2, 1, 2), 2),
      torch.fractional_max_pool2d(x!, 2, { output_size: [3, 3], _random_samples: torch.tensor([[[0.3, 0.7], [0.5, 0.1]]]) }) as Tensor,
      torch.fractional_max_pool3d(x3!, 2, { output_size: [2, 2, 2], _random_samples: torch.tensor([[[0.2, 0.6, 0.9]]]) }) as Tensor,
    ],
  },
  resample: {
    ops: ['interpolate_nd', 'pixel_shuffle', 'pixel_unshuffle', 'channel_shuffle'],
    inputs: () => [leaf([1, 1, 3]), leaf([1, 1, 2, 3]), leaf([1, 1, 2, 2, 2]), leaf([1, 4, 2, 2])],
    fn: (x1, x2, x3, x4) => [
      torch.interpolate_nd(x1!, { scale_factor: 2, mode: 'linear' }), torch.interpolate_nd(x2!, { size: [3, 4], mode: 'bicubic', align_corners: true }),
      torch.interpolate_nd(x3!, { scale_factor: 1.5, mode: 'trilinear' }), torch.interpolate_nd(x2!, { scale_factor: 1.5, mode: 'nearest-exact' }),
      torch.interpolate_nd(x2!, { size: [1, 2], mode: 'area' }),
      torch.pixel_shuffle(x4!, 2), torch.pixel_unshuffle(x4!.narrow(1, 0, 1), 2), torch.channel_shuffle(x4!, 2),
    ],
  },
  // losses beyond cross-entropy / MSE / L1 / BCE, and distances
  huber_loss: { ops: ['huber_loss'], inputs: () => [leaf([3, 4]), leaf([3, 4])], fn: (a, b) => [torch.huber_loss(a!, b!, { delta: 0.7 }), torch.huber_loss(a!, b!, { reduction: 'none' })] },
  kl_div: {
    ops: ['kl_div'],
    inputs: () => [leaf([3, 4]), leaf([3, 4], [0.1, 1])],
    fn: (a, b) => [torch.kl_div(a!, b!, { reduction: 'batchmean' }), torch.kl_div(a!, b!.log(), { reduction: 'sum', log_target: true })],
  },
  poisson_nll_loss: {
    ops: ['poisson_nll_loss'],
    inputs: () => [leaf([3, 4], [0.5, 2]), leaf([3, 4], [0, 3])],
    fn: (a, b) => [torch.poisson_nll_loss(a!, b!), torch.poisson_nll_loss(a!, b!, { log_input: false, full: true, reduction: 'sum' })],
  },
  gaussian_nll_loss: { ops: ['gaussian_nll_loss'], inputs: () => [leaf([3, 4]), leaf([3, 4]), leaf([3, 4], [0.5, 2])], fn: (a, b, v) => torch.gaussian_nll_loss(a!, b!, v!, { full: true }) },
  margin_losses: {
    ops: ['soft_margin_loss', 'multilabel_soft_margin_loss', 'hinge_embedding_loss', 'margin_ranking_loss'],
    inputs: () => [away_from(leaf([3, 4]), [0, 0.5]), leaf([3, 4], [0, 1]), away_from(leaf([4]), 0)],
    fn: (a, t, b) => {
      const y = f64([1, -1, -1, 1]);
      return [torch.soft_margin_loss(a!, y.expand(3, 4)), torch.multilabel_soft_margin_loss(a!, t!), torch.hinge_embedding_loss(a!, y.expand(3, 4), { margin: 0.5 }), torch.margin_ranking_loss(a!.select(0, 0), b!, y, { margin: 0.1 })];
    },
  },
  cosine_embedding_loss: {
    ops: ['cosine_embedding_loss', 'cosine_similarity'],
    inputs: () => [leaf([3, 4]), leaf([3, 4])],
    fn: (a, b) => [torch.cosine_embedding_loss(a!, b!, f64([1, -1, -1]), { margin: -0.5 }), torch.cosine_similarity(a!, b!.select(0, 1).unsqueeze(0))],
  },
  triplet_margin_loss: {
    ops: ['triplet_margin_loss', 'triplet_margin_with_distance_loss', 'pairwise_distance'],
    inputs: () => [leaf([3, 4]), leaf([3, 4]), leaf([3, 4])],
    fn: (a, p, n) => [
      torch.triplet_margin_loss(a!, p!, n!, { margin: 3, swap: true }),
      torch.triplet_margin_with_distance_loss(a!, p!, n!, { distance_function: (x, y) => torch.pairwise_distance(x, y, { p: 3 }), margin: 2 }),
    ],
  },
  multi_margin_losses: {
    ops: ['multi_margin_loss', 'multilabel_margin_loss'],
    inputs: () => [leaf([3, 4])],
    fn: (a) => [torch.multi_margin_loss(a!, long([0, 3, 1]), { p: 2, margin: 2 }), torch.multilabel_margin_loss(a!, long([3, 0, -1, 1, 1, 2, 3, -1, 2, -1, 0, 0]).view(3, 4))],
    first_order_only: 'PyTorch has no double backward for multi_margin_loss / multilabel_margin_loss',
  },
  ctc_loss: {
    ops: ['ctc_loss'],
    inputs: () => [leaf([6, 2, 4])],
    fn: (x) => torch.ctc_loss(torch.log_softmax(x!, 2), long([1, 2, 2, 3, 1, 0]).view(2, 3), [6, 5], [3, 2]),
    first_order_only: "PyTorch raises for ctc_loss's double backward",
  },
  // sequence models
  layer_norm: {
    ops: ['layer_norm'],
    inputs: () => [leaf([3, 4]), leaf([4]), leaf([4]), leaf([2, 2, 3])],
    fn: (x, w, b, y) => [torch.layer_norm(x!, [4], w!, b!), torch.layer_norm(y!, [2, 3], null, null, 1e-3), torch.layer_norm(x!, 4, w!)],
  },
  mkldnn_rnn_layer: {
    ops: ['mkldnn_rnn_layer'],
    // T 2, B 1, I 2, H 2: forwards with biases, backwards without, every output (hy and cy too)
    inputs: () => [leaf([2, 1, 2]), leaf([8, 2]), leaf([8, 2]), leaf([8]), leaf([8]), leaf([1, 2]), leaf([1, 2])],
    fn: (x, w_ih, w_hh, b_ih, b_hh, h0, c0) => [
      ...torch.mkldnn_rnn_layer(x!, w_ih!, w_hh!, b_ih!, b_hh!, h0!, c0!, false, [], 2, 2, 1, true, false, false, true).slice(0, 3),
      ...torch.mkldnn_rnn_layer(x!, w_ih!, w_hh!, b_ih!, b_hh!, h0!, c0!, true, [], 2, 2, 1, false, false, false, true).slice(0, 3),
    ],
  },
  native_batch_norm: {
    ops: ['native_batch_norm'],
    inputs: () => [leaf([3, 2, 2]), leaf([2]), leaf([2])],
    fn: (x, w, b) => [
      torch.native_batch_norm(x!, w!, b!, f64([0, 0]), f64([1, 1]), true, 0.1, 1e-5)[0],
      torch.native_batch_norm(x!, null, null, null, null, true, 0.1, 1e-3)[0],
      torch.native_batch_norm(x!, w!, b!, f64([0.2, -0.1]), f64([1.5, 0.5]), false, 0.1, 1e-5)[0],
    ],
  },
  group_norm: { ops: ['group_norm'], inputs: () => [leaf([2, 4, 3]), leaf([4]), leaf([4])], fn: (x, w, b) => [torch.group_norm(x!, 2, w!, b!), torch.group_norm(x!, 1)] },
  rms_norm: { ops: ['rms_norm'], inputs: () => [leaf([2, 3]), leaf([3])], fn: (x, w) => [torch.rms_norm(x!, [3], w!), torch.rms_norm(x!, 3, null, 1e-3)] },
  // padding rows get no gradient although they are read, so the lookups avoid index 0 (the padding row here)
  embedding: {
    ops: ['embedding', 'functional_embedding', 'embedding_dense_backward'],
    inputs: () => [leaf([5, 3])],
    fn: (w) => [
      torch.functional_embedding(long([1, 3, 1, 2]).view([2, 2]), w!, { padding_idx: 0 }).mul(w!.sum()), torch.functional_embedding(long([4, 4]), w!),
      torch.embedding(w!, long([2, 4, 3]), 0, true), torch.embedding(w!, long([1, 3]), { scale_grad_by_freq: true }),
    ],
  },
  embedding_bag: {
    ops: ['embedding_bag', 'functional_embedding_bag'],
    inputs: () => [leaf([6, 3]), leaf([5])],
    fn: (w, p) => {
      const ids = long([1, 4, 2, 1, 5]);
      const offsets = long([0, 2, 2]);
      return [
        torch.functional_embedding_bag(ids, w!, offsets, { mode: 'sum', per_sample_weights: p! }).mul(w!.sum()),
        torch.functional_embedding_bag(ids, w!, offsets, { mode: 'mean', padding_idx: 2 }),
        torch.functional_embedding_bag(ids.view([1, 5]), w!, null, { mode: 'max' }),
        torch.embedding_bag(w!, ids, offsets, false, 1, false, null, true)[0],
      ];
    },
  },
  baddbmm: {
    ops: ['baddbmm'],
    inputs: () => [leaf([1, 3]), leaf([2, 2, 4]), leaf([2, 4, 3])],
    fn: (i, a, b) => [torch.baddbmm(i!, a!, b!, { beta: 0.5, alpha: 2 }), i!.expand(2, 2, 3).baddbmm(a!, b!)],
  },
  tril_triu: { ops: ['tril', 'triu'], inputs: () => [leaf([2, 3, 4])], fn: (x) => [torch.tril(x!), x!.tril(-1), torch.triu(x!, 1), x!.triu()] },
  einsum: {
    ops: ['einsum'],
    inputs: () => [leaf([2, 3, 4]), leaf([2, 5, 4]), leaf([4])],
    fn: (a, b, v) => [torch.einsum('bqd,bkd->bqk', a!, b!), torch.einsum('bqd,d->bq', a!, v!), torch.einsum('i,j->ij', v!, v!), torch.einsum('...d->...', a!)],
  },
  scaled_dot_product_attention: {
    ops: ['scaled_dot_product_attention'],
    inputs: () => [leaf([2, 3, 4]), leaf([2, 3, 4]), leaf([2, 3, 2])],
    fn: (q, k, v) => [
      torch.scaled_dot_product_attention(q!, k!, v!, null, 0, true),
      torch.scaled_dot_product_attention(q!, k!, v!, torch.tensor([[true, false, true], [true, true, true], [false, true, true]])),
      torch.scaled_dot_product_attention(q!, k!, v!, f64([0, -1, 0.5]), 0, false, { scale: 0.7 }),
    ],
  },
  // losses
  nll_loss: {
    ops: ['nll_loss'],
    inputs: () => [leaf([5, 4])],
    fn: (x) => {
      const t = long([0, 3, 1, 1, 2]);
      const w = f64([0.5, 2, 1, 1.5]);
      const logp = torch.log_softmax(x!, 1);
      return [torch.nll_loss(logp, t), torch.nll_loss(logp, t, { weight: w }), torch.nll_loss(logp, t, { ignore_index: 1, reduction: 'sum' }), torch.nll_loss(logp, t, { weight: w, ignore_index: 3, reduction: 'none' }), torch.nll_loss(x!.select(0, 0), long([2]).view([]))];
    },
  },
  cross_entropy: {
    ops: ['cross_entropy'],
    inputs: () => [leaf([5, 4]), leaf([5, 4], [0, 1])],
    fn: (x, p) => {
      const t = long([0, 3, 1, 1, 2]);
      const w = f64([0.5, 2, 1, 1.5]);
      return [torch.cross_entropy(x!, t), torch.cross_entropy(x!, t, { label_smoothing: 0.1 }), torch.cross_entropy(x!, t, { weight: w, label_smoothing: 0.2, ignore_index: 1 }), torch.cross_entropy(x!, t, { reduction: 'none', label_smoothing: 0.1 }), torch.cross_entropy(x!, p!)];
    },
  },
  mse_loss: {
    ops: ['mse_loss'],
    inputs: () => [leaf([3, 4]), leaf([3, 4])],
    fn: (a, b) => [torch.mse_loss(a!, b!), torch.mse_loss(a!, b!, { reduction: 'none' }), torch.mse_loss(a!, b!, { reduction: 'sum' }), torch.mse_loss(a!, torch.full([3, 4], 0.3, { dtype: 'float64' }))],
  },
  l1_loss: { ops: ['l1_loss'], inputs: () => [leaf([3, 4]), leaf([3, 4])], fn: (a, b) => [torch.l1_loss(a!, b!), torch.l1_loss(a!, b!, { reduction: 'sum' }), torch.l1_loss(a!, b!, { reduction: 'none' })] },
  binary_cross_entropy: {
    ops: ['binary_cross_entropy'],
    inputs: () => [leaf([3, 4], [0.1, 0.9]), leaf([3, 4], [0.05, 0.95])],
    fn: (p, y) => [torch.binary_cross_entropy(p!, y!), torch.binary_cross_entropy(p!, y!, { weight: torch.full([4], 0.5, { dtype: 'float64' }), reduction: 'sum' }), torch.binary_cross_entropy(p!, y!, { reduction: 'none' })],
  },
  smooth_l1_loss: {
    ops: ['smooth_l1_loss'],
    inputs: () => [leaf([3, 4]), leaf([3, 4])],
    fn: (a, b) => [torch.smooth_l1_loss(a!, b!), torch.smooth_l1_loss(a!, b!, { beta: 0.5, reduction: 'none' }), torch.smooth_l1_loss(a!, b!.mul(0.1), { beta: 2, reduction: 'sum' })],
  },
  binary_cross_entropy_with_logits: {
    ops: ['binary_cross_entropy_with_logits'],
    inputs: () => [away_from(leaf([3, 4]), 0), leaf([3, 4], [0, 1])],
    fn: (x, y) => [
      torch.binary_cross_entropy_with_logits(x!, y!),
      torch.binary_cross_entropy_with_logits(x!, y!, { pos_weight: f64([1, 2, 3, 0.5]), reduction: 'none' }),
      torch.binary_cross_entropy_with_logits(x!, y!, { weight: f64([0.5, 2, 1, 1]), pos_weight: f64([2]), reduction: 'sum' }),
    ],
  },
  weight_norm: {
    ops: ['norm_except_dim', '_weight_norm'],
    inputs: () => [leaf([3, 4]), P([3, 1]), P([1, 4]), P([]), leaf([2, 3, 2]), P([1, 3, 1])],
    fn: (v, g0, g1, gs, w, gm) => [
      torch._weight_norm(v!, g0!, 0), torch._weight_norm(v!, g1!, 1), torch._weight_norm(v!, gs!, -1),
      torch._weight_norm(w!, gm!, 1), torch.norm_except_dim(v!, 2, 1), torch.norm_except_dim(w!, 3, 0),
    ],
  },
  // torch.linalg (and its torch.* names); inputs well conditioned, spectral outputs read sign-invariantly
  det_inverse: {
    ops: ['det', 'inverse', 'slogdet', 'logdet'],
    inputs: () => [leaf([2, 3, 3]), leaf([3, 3])],
    fn: (a, b) => {
      const w = a!.add(torch.eye(3, { dtype: a!.dtype }).mul(3));
      const spd = b!.mm(b!.t()).add(torch.eye(3, { dtype: b!.dtype }));
      return [w.det(), torch.linalg.det(w), w.inverse(), torch.linalg.inv(w), torch.linalg.slogdet(w)[1]!, w.slogdet().logabsdet, torch.logdet(spd)];
    },
  },
  solve: {
    ops: [], // torch.linalg only (the namespace's functions are not torch.* exports)
    inputs: () => [leaf([2, 3, 3]), leaf([3, 2]), leaf([3])],
    fn: (a, b, v) => {
      const w = a!.add(torch.eye(3, { dtype: a!.dtype }).mul(3));
      return [torch.linalg.solve(w, b!), torch.linalg.solve(w, v!), torch.linalg.solve(w, b!.t(), { left: false }), torch.linalg.solve_ex(w, b!).result];
    },
  },
  cholesky: {
    ops: ['cholesky'],
    inputs: () => [leaf([2, 3, 3])],
    fn: (a) => {
      const spd = a!.matmul(a!.mT).add(torch.eye(3, { dtype: a!.dtype }));
      return [torch.linalg.cholesky(spd), torch.linalg.cholesky(spd, { upper: true }), spd.cholesky(), torch.linalg.cholesky_ex(spd).L];
    },
  },
  solve_triangular: {
    ops: [], // torch.linalg only (the namespace's functions are not torch.* exports)
    inputs: () => [leaf([3, 3]), leaf([3, 2])],
    fn: (a, b) => {
      const w = a!.add(torch.eye(3, { dtype: a!.dtype }).mul(3));
      return [
        torch.linalg.solve_triangular(w, b!, { upper: true }),
        torch.linalg.solve_triangular(w, b!.t(), { upper: false, left: false }),
        torch.linalg.solve_triangular(w, b!, { upper: false, unitriangular: true }),
      ];
    },
  },
  qr: {
    ops: ['qr'],
    inputs: () => [leaf([4, 3]), leaf([2, 3, 5])],
    fn: (a, w) => [...torch.linalg.qr(a!), ...a!.qr(), ...torch.linalg.qr(w!), torch.linalg.qr(a!.narrow(0, 0, 3), 'complete').R],
  },
  eigh: {
    ops: [], // torch.linalg only (the namespace's functions are not torch.* exports)
    inputs: () => [leaf([2, 3, 3])],
    fn: (a) => {
      const s = a!.add(a!.mT);
      const { eigenvalues, eigenvectors } = torch.linalg.eigh(s);
      return [eigenvalues, eigenvectors.mul(eigenvectors), torch.linalg.eigvalsh(s, 'U')];
    },
  },
  svd: {
    ops: ['svd'],
    inputs: () => [leaf([4, 3]), leaf([2, 3, 5])],
    fn: (a, w) => {
      const { U, S, Vh } = torch.linalg.svd(a!, { full_matrices: false });
      const r = torch.linalg.svd(w!);
      const old = a!.svd();
      return [U.mul(U), S, Vh.mul(Vh), U.matmul(Vh), r.S, r.U.matmul(r.Vh.narrow(-2, 0, 3)), torch.linalg.svdvals(w!), old.U.matmul(old.V.t()), old.S];
    },
  },
  pinv: {
    ops: ['pinverse'],
    inputs: () => [leaf([4, 3]), leaf([3, 5]), leaf([3, 3])],
    fn: (a, b, c) => [torch.linalg.pinv(a!), b!.pinverse(), torch.linalg.pinv(c!.add(c!.t()), { hermitian: true }), torch.linalg.lstsq(a!, b!.narrow(1, 0, 4).t()).solution],
  },
  matrix_power_exp: {
    ops: ['matrix_power', 'matrix_exp'],
    inputs: () => [leaf([3, 3]), leaf([2, 3, 3]), leaf([3, 2])],
    fn: (a, b, c) => [
      a!.matrix_power(3), torch.linalg.matrix_power(b!, 2), torch.matrix_power(a!.add(torch.eye(3, { dtype: a!.dtype }).mul(3)), -2),
      a!.mul(0.5).matrix_exp(), torch.linalg.matrix_exp(b!.mul(0.3)),
      torch.linalg.multi_dot([a!.select(0, 0), a!, c!]),
    ],
  },
  linalg_norms: {
    ops: [], // torch.linalg only (the namespace's functions are not torch.* exports)
    inputs: () => [leaf([2, 3, 4]), leaf([4, 3]), leaf([5, 3])],
    fn: (a, b, c) => [
      torch.linalg.vector_norm(a!), torch.linalg.vector_norm(a!, 3, { dim: [0, 2], keepdim: true }), torch.linalg.vector_norm(a!, 1, -1),
      torch.linalg.matrix_norm(a!), torch.linalg.matrix_norm(a!, 'nuc'), torch.linalg.matrix_norm(a!, 2), torch.linalg.matrix_norm(a!, -1, { keepdim: true }),
      torch.linalg.matrix_norm(a!, Infinity, { dim: [2, 0] }), torch.linalg.norm(b!), torch.linalg.norm(b!, -2), torch.linalg.norm(a!, 0.5, { dim: 1 }),
      torch.linalg.cond(b!), torch.linalg.cond(b!.narrow(0, 0, 3), 'fro'),
      torch.linalg.vecdot(b!, b!.flip(1)),
    ],
  },
  // splitting and reordering (ops/splitting.ts)
  split_views: {
    ops: ['tensor_split', 'hsplit', 'vsplit', 'dsplit', 'ravel', 'narrow_copy', 'msort'],
    inputs: () => [leaf([4, 6, 2])],
    fn: (x) => [
      ...torch.tensor_split(x!, 3, 1), ...x!.tensor_split([1, 3]), ...torch.hsplit(x!, 2), ...x!.vsplit([1]), ...torch.dsplit(x!, 2),
      torch.ravel(x!.transpose(0, 1)), x!.narrow_copy(1, 2, 3), torch.msort(x!),
    ],
  },
  column_row_stack: { ops: ['column_stack', 'row_stack'], inputs: () => [leaf([3]), leaf([3, 2])], fn: (v, m) => [torch.column_stack([v!, m!]), torch.row_stack([v!, m!.t()])] },
  unfold_windows: {
    ops: ['unfold', 'unfold_windows'],
    inputs: () => [leaf([3, 7])],
    fn: (x) => [x!.unfold(1, 3, 2), x!.unfold(1, 2, 1).mul(x!.unfold(1, 2, 1)), torch.unfold_windows(x!, 0, 2, 1)],
  },
  rot90: { ops: ['rot90'], inputs: () => [leaf([2, 3, 4])], fn: (x) => [torch.rot90(x!), x!.rot90(2, [2, 0]), torch.rot90(x!, -1, [1, 2]), torch.rot90(x!, 0)] },
  repeat_interleave: {
    ops: ['repeat_interleave'],
    inputs: () => [leaf([3, 2])],
    fn: (x) => [torch.repeat_interleave(x!, 2), x!.repeat_interleave(long([2, 0, 1]), { dim: 0 }), torch.repeat_interleave(x!, 3, 1)],
  },
  // diagonals and sub-view writes (ops/diag_scatter.ts)
  diagflat_block_diag_trace: {
    ops: ['diagflat', 'block_diag', 'trace'],
    inputs: () => [leaf([2, 2]), leaf([3]), leaf([3, 4])],
    fn: (a, v, m) => [torch.diagflat(a!, 1), v!.diagflat(), torch.block_diag(a!, v!, v!.select(0, 1)), torch.trace(m!), m!.trace()],
  },
  fill_diagonal_: {
    ops: ['fill_diagonal_'],
    inputs: () => [leaf([5, 2])],
    fn: (x) => [copy(x!).fill_diagonal_(0.5), copy(x!).fill_diagonal_(2, { wrap: true }).mul(x!)],
  },
  view_scatters: {
    ops: ['diagonal_scatter', 'select_scatter', 'slice_scatter'],
    inputs: () => [leaf([3, 4]), leaf([3]), leaf([4]), leaf([3, 2])],
    fn: (x, d, r, s) => [torch.diagonal_scatter(x!, d!), x!.diagonal_scatter(d!.narrow(0, 0, 2), { offset: 2 }), torch.select_scatter(x!, r!, 0, 1), torch.slice_scatter(x!, s!, 1, 1, null, 2), x!.slice_scatter(r!.unsqueeze(0), { start: 2, end: 3 })],
  },
  // products (ops/vector_products.ts)
  outer_inner_kron: {
    ops: ['outer', 'ger', 'inner', 'kron', 'tensordot', 'vdot'],
    inputs: () => [leaf([3]), leaf([4]), leaf([2, 3]), leaf([3, 2])],
    fn: (u, v, a, b) => [
      torch.outer(u!, v!), u!.ger(v!), torch.inner(a!, b!.t()), u!.inner(u!), torch.kron(a!, b!), torch.kron(u!, a!),
      torch.tensordot(a!, b!, { dims: [[1], [0]] }), torch.tensordot(a!, b!.t(), 2), torch.vdot(u!, u!.flip(0)),
    ],
  },
  cross: {
    ops: ['cross', 'linalg_cross'],
    inputs: () => [leaf([4, 3]), leaf([1, 3])],
    fn: (a, b) => [torch.cross(a!, b!.expand(4, 3), { dim: 1 }), torch.linalg.cross(a!, b!), torch.linalg_cross(b!.t(), a!.t().narrow(1, 0, 1), { dim: 0 })],
  },
  dist_cdist: {
    ops: ['dist', 'cdist'],
    inputs: () => [leaf([3, 2]), leaf([4, 2])],
    fn: (a, b) => [
      torch.dist(a!, b!.narrow(0, 0, 3)), a!.dist(b!.narrow(0, 1, 1), { p: 1 }), torch.dist(a!, b!.narrow(0, 0, 1), 3), torch.dist(a!, b!.narrow(0, 2, 1), Infinity),
      torch.cdist(a!, b!), torch.cdist(a!.unsqueeze(0), b!, { p: 1 }), torch.cdist(a!, b!, 3), torch.cdist(a!, b!, Infinity),
    ],
  },
  add_products: {
    ops: ['addmv', 'addmv_', 'addr', 'addr_', 'addbmm', 'addbmm_', 'baddbmm_'],
    inputs: () => [leaf([3]), leaf([3, 4]), leaf([4]), leaf([2, 3, 2]), leaf([2, 2, 4])],
    fn: (v, m, w, b1, b2) => [
      torch.addmv(v!, m!, w!), v!.addmv(m!, w!, { beta: 0.5, alpha: 2 }), copy(v!).addmv_(m!, w!, { beta: 0 }),
      torch.addr(m!, v!, w!), m!.addr(v!, w!, { beta: 2, alpha: -1 }), copy(m!).addr_(v!, w!),
      torch.addbmm(m!, b1!, b2!), copy(m!).addbmm_(b1!, b2!, { alpha: 0.5 }), copy(b1!.matmul(b2!)).baddbmm_(b1!, b2!, { beta: 2 }),
    ],
  },
  chain_matmul: { ops: ['chain_matmul'], inputs: () => [leaf([2, 3]), leaf([3, 4]), leaf([4, 2])], fn: (a, b, c) => torch.chain_matmul(a!, b!, c!) },
  // order statistics, running and NaN-skipping reductions (ops/order_stats.ts, cumulative.ts, nan_reduce.ts, reduce.ts)
  order_stats: {
    ops: ['kthvalue', 'median', 'nanmedian', 'mode'],
    inputs: () => [leaf([3, 5])],
    fn: (x) => [
      torch.kthvalue(x!, 2).values, x!.kthvalue(1, { dim: 0, keepdim: true }).values, torch.median(x!), x!.median(1).values,
      torch.nanmedian(x!), x!.nanmedian(0, true).values, torch.mode(x!.detach().round().mul(x!.detach().round().ne(99)).add(x!.mul(0)), 1).values,
    ],
  },
  quantile: {
    ops: ['quantile', 'nanquantile'],
    inputs: () => [leaf([3, 5])],
    fn: (x) => [
      torch.quantile(x!, 0.3), x!.quantile(f64([0.1, 0.5, 0.9]).type_as(x!), { dim: 1 }), torch.quantile(x!, 0.7, 0, true, { interpolation: 'midpoint' }),
      torch.nanquantile(x!, 0.4, { dim: 1, interpolation: 'nearest' }), x!.nanquantile(0.25, { interpolation: 'lower' }), torch.quantile(x!, 0.6, { interpolation: 'higher' }),
    ],
  },
  cumulative: {
    ops: ['cummax', 'cummin', 'logcumsumexp', 'diff'],
    inputs: () => [leaf([3, 5])],
    fn: (x) => [
      torch.cummax(x!, 1).values, x!.cummin(0).values, torch.logcumsumexp(x!, 1), x!.logcumsumexp(0),
      torch.diff(x!), x!.diff(2, 0), torch.diff(x!, { prepend: x!.narrow(1, 0, 1), append: x!.narrow(1, 4, 1).mul(2) }),
    ],
  },
  nan_reductions: {
    ops: ['nansum', 'nanmean', 'std_mean', 'var_mean'],
    inputs: () => [leaf([3, 4])],
    fn: (x) => {
      const holes = x!.masked_fill(torch.tensor([[false, true, false, false], [false, false, false, true], [false, false, false, false]]), NaN);
      return [
        torch.nansum(holes), holes.nansum(1), torch.nanmean(holes), holes.nanmean({ dim: 0, keepdim: true }),
        ...torch.std_mean(x!), ...torch.std_mean(x!, 1, { correction: 0 }), ...torch.var_mean(x!, [0], { keepdim: true }), torch.var_mean(x!, 1)[0],
      ];
    },
  },
  scatter_reduce: {
    ops: ['scatter_reduce', 'scatter_reduce_', 'index_reduce', 'index_reduce_'],
    inputs: () => [leaf([3, 4]), leaf([2, 4]), leaf([5, 4])],
    fn: (x, s, r) => {
      const idx = long([0, 1, 0, 2, 2, 2, 1, 0]).view([2, 4]);
      const rows = long([0, 2, 0, 1, 0]);
      return [
        ...(['sum', 'prod', 'mean', 'amax', 'amin'] as const).flatMap((reduce) => [torch.scatter_reduce(x!, 0, idx, s!, reduce), x!.scatter_reduce(0, idx, s!, reduce, { include_self: false })]),
        copy(x!).scatter_reduce_(0, idx, s!, 'prod'),
        ...(['prod', 'mean', 'amax', 'amin'] as const).flatMap((reduce) => [torch.index_reduce(x!, 0, rows, r!, reduce), x!.index_reduce(0, rows, r!, reduce, { include_self: false })]),
        copy(x!).index_reduce_(1, long([3, 0]), r!.narrow(0, 0, 3).narrow(1, 0, 2), 'mean'),
      ];
    },
  },
  positional_writes: {
    ops: ['put', 'put_', 'index_put', 'index_put_', 'masked_scatter', 'masked_scatter_', 'sum_to_size'],
    inputs: () => [leaf([3, 4]), leaf([3]), leaf([12])],
    fn: (x, v, s) => {
      const mask = torch.tensor([[true, false, true, false], [false, false, true, true], [true, true, false, false]]);
      return [
        torch.put(x!, long([0, 5, -1]), v!), x!.put(long([4, 4, 1]), v!, true), copy(x!).put_(long([2, 7, 9]), v!),
        torch.index_put(x!, [long([2, 0, 1])], v!.unsqueeze(1).expand(3, 4).mul(1)), x!.index_put([long([1, 2, 1]), long([0, 3, 0])], v!, true),
        copy(x!).index_put_([null, long([1, 2, 3])], v!), torch.masked_scatter(x!, mask, s!), copy(x!).masked_scatter_(mask.narrow(0, 0, 1), s!),
        x!.sum_to_size(1, 4), x!.sum_to_size([3, 1]),
      ];
    },
  },
  grids: {
    ops: ['meshgrid', 'cartesian_prod', 'combinations'],
    inputs: () => [leaf([3]), leaf([2])],
    fn: (a, b) => [
      ...torch.meshgrid(a!, b!, { indexing: 'ij' }), ...torch.meshgrid([a!, b!, a!], { indexing: 'xy' }), torch.cartesian_prod(a!, b!),
      torch.combinations(a!), torch.combinations(a!, { r: 2, with_replacement: true }), torch.combinations(a!, 3),
    ],
  },
  // the elementwise math family (trig.ts, exp_log.ts, special.ts, binary_math.ts, sign_ops.ts, aliases_inplace.ts)
  trig: {
    ops: ['tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'atanh', 'arcsin', 'arccos', 'arctan', 'arcsinh', 'arctanh', 'tan_', 'asin_', 'acos_', 'atan_', 'sinh_', 'cosh_', 'asinh_', 'atanh_', 'arcsin_', 'arccos_', 'arctan_', 'arcsinh_', 'arctanh_'],
    inputs: () => [leaf([2, 3], [-0.9, 0.9])],
    fn: (a) => [
      a!.tan(), torch.asin(a!), a!.acos(), a!.atan(), a!.sinh(), a!.cosh(), a!.asinh(), a!.atanh(), a!.arcsin().mul(a!.arccos()), torch.arctan(a!).mul(a!.arcsinh()), a!.arctanh(),
      copy(a!).tan_(), copy(a!).asin_(), copy(a!).acos_(), copy(a!).atan_(), copy(a!).sinh_(), copy(a!).cosh_(), copy(a!).asinh_(), copy(a!).atanh_(), copy(a!).arcsin_(), copy(a!).arccos_(), copy(a!).arctan_(), copy(a!).arcsinh_(), copy(a!).arctanh_(),
    ],
  },
  acosh: { ops: ['acosh', 'arccosh', 'acosh_', 'arccosh_'], inputs: () => [leaf([2, 3], [1.2, 3])], fn: (a) => [a!.acosh(), torch.arccosh(a!), copy(a!).acosh_(), copy(a!).arccosh_()] },
  deg_rad_sinc: {
    ops: ['deg2rad', 'rad2deg', 'sinc', 'deg2rad_', 'rad2deg_', 'sinc_'],
    inputs: () => [away_from(leaf([2, 3], [-2, 2]), 0, 0.05)],
    fn: (a) => [a!.deg2rad(), torch.rad2deg(a!), a!.sinc(), copy(a!).deg2rad_(), copy(a!).rad2deg_(), copy(a!).sinc_()],
  },
  exp_log_more: {
    ops: ['log10', 'log2', 'expm1', 'exp2', 'log10_', 'log2_', 'expm1_', 'exp2_'],
    inputs: () => [P([2, 3])],
    fn: (a) => [a!.log10(), torch.log2(a!), a!.expm1(), a!.exp2(), copy(a!).log10_(), copy(a!).log2_(), copy(a!).expm1_(), copy(a!).exp2_()],
  },
  special_functions: {
    ops: ['erfc', 'erfinv', 'lgamma', 'digamma', 'polygamma', 'i0', 'erf_', 'erfc_', 'erfinv_', 'lgamma_', 'digamma_', 'polygamma_', 'i0_'],
    inputs: () => [P([2, 3]), leaf([2, 3], [-0.8, 0.8])],
    fn: (p, u) => [
      u!.erfc(), u!.erfinv(), p!.lgamma(), torch.digamma(p!), torch.polygamma(1, p!), p!.polygamma(2), u!.i0(),
      copy(u!).erf_(), copy(u!).erfc_(), copy(u!).erfinv_(), copy(p!).lgamma_(), copy(p!).digamma_(), copy(p!).polygamma_(1), copy(u!).i0_(),
    ],
  },
  mvlgamma_logit: {
    ops: ['mvlgamma', 'mvlgamma_', 'logit', 'logit_'],
    inputs: () => [leaf([2, 3], [2, 4]), leaf([2, 3], [0.2, 0.8])],
    fn: (a, q) => [a!.mvlgamma(3), torch.mvlgamma(a!, { p: 1 }), copy(a!).mvlgamma_(2), q!.logit(), torch.logit(q!, 0.1), copy(q!).logit_()],
  },
  binary_math: {
    ops: ['atan2', 'arctan2', 'hypot', 'fmax', 'fmin', 'logaddexp', 'logaddexp2', 'copysign', 'atan2_', 'arctan2_', 'hypot_', 'copysign_'],
    inputs: () => [away_from(leaf([2, 3]), 0, 0.05), away_from(leaf([3]), 0, 0.05)],
    fn: (a, b) => [
      a!.atan2(b!), torch.arctan2(b!, a!), a!.hypot(b!), a!.fmax(b!), torch.fmin(a!, b!), a!.logaddexp(b!), a!.logaddexp2(b!), a!.copysign(b!), a!.copysign(-2),
      copy(a!).atan2_(b!), copy(a!).arctan2_(b!), copy(a!).hypot_(b!), copy(a!).copysign_(b!),
    ],
  },
  fmod_remainder: {
    ops: ['fmod', 'remainder', 'fmod_', 'remainder_'],
    inputs: () => [leaf([2, 3], [0.1, 0.9]), leaf([3], [1.5, 2])],
    fn: (a, b) => [a!.fmod(b!), torch.remainder(a!.neg(), b!), a!.fmod(0.3).mul(a!), torch.remainder(3.5, b!), copy(a!).fmod_(b!), copy(a!).neg().remainder_(b!)],
  },
  float_power_ldexp_frexp: {
    ops: ['float_power', 'float_power_', 'ldexp', 'ldexp_', 'frexp'],
    inputs: () => [P([2, 3]), leaf([3], [0.5, 1.5]), leaf([2, 3], [0.55, 0.95])],
    fn: (p, e, m) => [p!.float_power(2.5), torch.float_power(p!, e!), torch.float_power(2, e!), copy(p!).double().float_power_(e!), p!.ldexp(long([1, -2, 3])), copy(p!).ldexp_(long([2])), m!.frexp()[0]],
  },
  sign_frac_aliases: {
    ops: ['frac', 'sgn', 'positive', 'negative', 'absolute', 'frac_', 'sgn_', 'negative_', 'absolute_', 'nan_to_num', 'nan_to_num_'],
    inputs: () => [away_from(leaf([2, 3], [-3, 3]), [-3, -2, -1, 0, 1, 2, 3], 0.05)],
    fn: (a) => [
      a!.frac(), a!.sgn().mul(a!), torch.positive(a!), a!.negative(), a!.absolute(), copy(a!).frac_(), copy(a!).sgn_(), copy(a!).negative_(), copy(a!).absolute_(),
      a!.nan_to_num(), copy(a!).nan_to_num_({ nan: 1 }),
    ],
  },
  inplace_rounding_and_more: {
    ops: ['floor_', 'ceil_', 'trunc_', 'fix', 'fix_', 'round_', 'square_', 'rsqrt_', 'log1p_', 'xlogy_', 'clamp_min_', 'clamp_max_', 'clip_', 'selu_', 'celu_', 'threshold_'],
    inputs: () => [away_from(leaf([2, 3], [0.55, 1.95]), [1, 1.5, 0.8, 1.2], 0.05)],
    fn: (p) => [
      copy(p!).floor_(), copy(p!).ceil_(), copy(p!).trunc_(), p!.fix(), copy(p!).fix_(), copy(p!).round_(), copy(p!).square_(), copy(p!).rsqrt_(), copy(p!).log1p_(),
      copy(p!).xlogy_(p!), copy(p!).clamp_min_(1), copy(p!).clamp_max_(1.5), copy(p!).clip_(0.8, 1.2), torch.selu_(copy(p!).sub(1)), torch.celu_(copy(p!).sub(1), 2), torch.threshold_(copy(p!), 1.2, -1),
    ],
  },
  special_namespace: {
    ops: [], // torch.special only (the namespace's functions are not torch.* exports)
    inputs: () => [away_from(leaf([2, 3], [-3, 3]), 0, 0.05), P([2, 3])],
    fn: (a, p) => [torch.special.i1(a!), torch.special.i0e(a!), torch.special.i1e(a!), torch.special.erfcx(a!), torch.special.entr(p!), torch.special.gammaln(p!), torch.special.psi(p!)],
  },
  arithmetic_aliases: {
    ops: ['multiply', 'subtract', 'divide', 'true_divide', 'multiply_', 'subtract_', 'divide_', 'true_divide_'],
    inputs: () => [leaf([2, 3]), P([3])],
    fn: (a, b) => [a!.multiply(b!), torch.subtract(a!, b!, { alpha: 2 }), a!.divide(b!), torch.true_divide(a!, b!), copy(a!).multiply_(b!), copy(a!).subtract_(b!), copy(a!).divide_(b!), copy(a!).true_divide_(2)],
  },
};

/**
 * Exports of @tsgrad/core and Tensor methods that need no row, with the reason. Everything else must be
 * named by a row of OP_CASES.
 */
export const NOT_DIFFERENTIABLE: Record<string, string> = {};
const reason = (why: string, names: string): void => {
  for (const n of names.split(/\s+/).filter((s) => s !== '')) NOT_DIFFERENTIABLE[n] = why;
};
reason('integer counts or an op PyTorch has no derivative for (its backward raises as PyTorch)', 'count_nonzero aminmax unique unique_consecutive bincount histc bucketize tril_indices triu_indices');
reason('a class or a type value, not an op', 'Tensor Storage Generator Node AccumulateGrad constructor');
reason('grad mode, RNG, dtype, backend and printing settings', 'no_grad enable_grad set_grad_enabled is_grad_enabled inference_mode is_inference_mode_enabled is_inference is_anomaly_enabled is_anomaly_check_nan_enabled manual_seed seed initial_seed get_rng_state set_rng_state get_default_dtype set_default_dtype promote_types can_cast result_type result_names float_dtype len TorchDType dtype dtype_object dtype_name kernels register_backend set_backend list_backends set_num_threads get_num_threads kernel_threads_running wasm_kernel_kind format_tensor set_printoptions warn toString is_tensor');
reason('the legacy implicit-dim rule of softmax-like calls, not an op', 'implicit_softmax_dim');
reason('the shared PyTorch signature parser', 'signature Signature overloads Overloads method_call is_plain_object py_type_name class_name legacy_reduction lone_object_as_value');
reason('devices (CPU only), not ops', 'Device device check_device is_device_like set_default_device get_default_device');
reason('device moves and legacy type names: cpu() is the identity, cuda() and half() raise, type(dtype) is to(dtype)', 'cpu cuda half type');
reason('printing helpers', 'Size object_address py_repr number_repr as_tuple as_list is_py_list as_ordered_dict as_named_tuple set_repr');
reason('saving and loading (safetensors files), not ops', 'save load save_file load_file serialize deserialize SafetensorError');
reason('the argument reader of to()', 'parse_to');
reason('the engine entry points every row runs through', 'autograd_backward autograd_grad backward');
reason('raw kernel maps that never record (the building blocks of recorded ops)', 'map_unary map_binary as_view compute_stride scan_dim');
reason('integer and bool results (bitwise, gcd/lcm, logical and comparison forms, predicates), which carry no gradient',
  'bitwise_and bitwise_or bitwise_xor bitwise_not bitwise_left_shift bitwise_right_shift bitwise_and_ bitwise_or_ bitwise_xor_ bitwise_not_ bitwise_left_shift_ bitwise_right_shift_ gcd lcm gcd_ lcm_ logical_xor logical_xor_ logical_or_ logical_not_ logical_and_inplace eq_ ne_ lt_ le_ gt_ ge_ greater greater_equal less less_equal not_equal greater_ greater_equal_ less_ less_equal_ not_equal_ signbit isfinite isinf isposinf isneginf isreal');
reason('tensor facts, not ops', 'is_complex is_signed is_same_size');
reason("PyTorch defines no gradient: backward raises its error (math_ops.test.ts checks it)", 'heaviside heaviside_ nextafter nextafter_ floor_divide floor_divide_');
reason('the argument order of the Tensor method x.polygamma(n) (polygamma has a row)', 'polygamma_method');
reason('view geometry helpers, not ops', 'geometry as_strided_rule');
reason('shared plumbing of in-place and index ops (the ops built on them have rows)', 'apply_inplace gather_plan check_scatter');
reason('a dtype property, not an op', 'is_signed');
reason('creation functions: outputs are leaves', 'new_zeros new_ones new_empty new_full new_tensor tensor from_array from_numpy full zeros ones empty arange linspace logspace eye rand randn randint randperm zeros_like ones_like empty_like full_like rand_like randn_like');
reason('bool or int64 results, which carry no gradient', 'searchsorted multinomial nonzero argwhere argsort one_hot gt lt ge le eq ne logical_not logical_and_ logical_and logical_or isnan argmax argmin long bool');
reason('initialisers: in-place random fills that are not recorded', 'uniform_ normal_ exponential_ random_ geometric_ log_normal_ cauchy_ bernoulli_');
reason('samplers: outputs are new leaves (torch.normal with a mean or std that requires grad records no NormalBackward here)', 'bernoulli normal randint_like');
reason('sampling plumbing (the samplers and dropout built on them have rows or reasons)', 'fill_inplace dropout_noise');
reason('in-place renormalisation of embedding rows under no_grad, as PyTorch (not recorded)', 'embedding_renorm_');
reason('a bool answer, which carries no gradient', 'equal allclose all any isclose is_nonzero');
reason('shape arithmetic and tensor facts, not ops', 'broadcast_shapes numel ndimension');
reason('uint8 results, which carry no gradient', 'byte');
reason('plumbing of ops that have rows (squeeze, split)', 'squeeze_dims split_by');
reason('an argument check, not an op', 'embedding_padding_idx');
reason('graph and storage plumbing, not math: no node is recorded', 'detach detach_ set_ requires_grad_ retain_grad register_hook register_post_accumulate_grad_hook tolist item numpy data_array dim numel size stride storage_offset is_contiguous is_floating_point nelement element_size');

/**
 * Runs gradcheck and gradgradcheck over every row of `rows`, once per kernel backend in `backends` (default:
 * every registered one).
 */
export function describe_op_rows(title: string, rows: Record<string, OpCase>, backends: readonly string[] = torch.list_backends()): void {
  const initial = torch.kernels().name;
  for (const backend of backends) {
    describe(`[${backend}] ${title}`, () => {
      beforeAll(() => {
        torch.set_backend(backend);
        torch.manual_seed(0);
      });
      afterAll(() => torch.set_backend(initial));
      for (const [name, row] of Object.entries(rows)) {
        it(name, () => {
          const inputs = row.inputs();
          expect(torch.autograd.gradcheck(row.fn, inputs, row.tol)).toBe(true);
          if (row.first_order_only === undefined) expect(torch.autograd.gradgradcheck(row.fn, inputs, row.tol)).toBe(true);
        });
      }
    });
  }
}
