// Batch, layer, group and RMS normalisation. native_batch_norm, layer_norm and group_norm are one node each
// (NativeBatchNormBackward0, NativeLayerNormBackward0, NativeGroupNormBackward0) whose backward is written in
// differentiable ops, so it can be differentiated again.
import { trace_op, tracing } from '../jit/tracer.js';
import { numel_of } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { signature, type PyArgs } from '../signature.js';
import { add, div, mul, pow, sub } from './arithmetic.js';
import { empty, record } from './record.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../kernels/js/nn_kernels.js';
import { scalar_type_name, type DType } from '../dtype.js';
import { mean, sum } from './reduce.js';
import { rsqrt } from './unary.js';
import { reshape, view } from './view.js';
import { layer_norm_rows } from './layer_norm_rows.js';

/** `(x - mean) · rstd` over `dims` (kept), with the `rstd` used. */
function standardize(x: Tensor, dims: number[], eps: number): { xhat: Tensor; rstd: Tensor } {
  const xc = sub(x, mean(x, dims, { keepdim: true }));
  const rstd = rsqrt(add(mean(mul(xc, xc), dims, { keepdim: true }), eps));
  return { xhat: mul(xc, rstd), rstd };
}

/**
 * The gradient of `standardize(x)` given the gradient `dxhat` of its output, recomputed from `x` so that
 * with `create_graph` it is recorded as a function of `x` (double backward).
 */
function standardize_backward(x: Tensor, dims: number[], eps: number, dxhat: Tensor): { dx: Tensor; xhat: Tensor } {
  const { xhat, rstd } = standardize(x, dims, eps);
  const centered = sub(dxhat, mean(dxhat, dims, { keepdim: true }));
  const dx = mul(rstd, sub(centered, mul(xhat, mean(mul(dxhat, xhat), dims, { keepdim: true }))));
  return { dx, xhat };
}

/** The input must end in `normalized_shape`, as PyTorch's layer_norm / rms_norm check. */
function check_normalized_shape(input: Tensor, normalized_shape: number[]): void {
  const k = normalized_shape.length;
  const tail = input._shape.slice(input.ndim - k);
  if (k === 0 || input.ndim < k || tail.some((s, i) => s !== normalized_shape[i])) {
    throw new Error(`Given normalized_shape=[${normalized_shape.join(', ')}], expected input with shape [*, ${normalized_shape.join(', ')}], but got input of size[${input._shape.join(', ')}]`);
  }
}

const NATIVE_BATCH_NORM = signature<{
  input: Tensor; weight: Tensor | null; bias: Tensor | null; running_mean: Tensor | null; running_var: Tensor | null; training: boolean; momentum: number; eps: number;
}>('native_batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, float momentum, float eps)');

/**
 * Batch normalisation over every dim but 1 (NativeBatchNormBackward0, edges: input, weight, bias). With
 * `training` it normalises with the batch's biased variance and, when running statistics are given, updates
 * them in place: `running = (1 − momentum)·running + momentum·stat`, the variance unbiased. Returns the output,
 * and the batch mean and inverse standard deviation (empty when not training), as `torch.native_batch_norm`.
 *
 * @example
 * const [y, mean, invstd] = torch.native_batch_norm(x, w, b, rm, rv, true, 0.1, 1e-5);
 */
export function native_batch_norm(
  ...args: PyArgs<[input: Tensor, weight: Tensor | null, bias: Tensor | null, running_mean: Tensor | null, running_var: Tensor | null, training: boolean, momentum: number, eps: number],
    { input?: Tensor; weight?: Tensor | null; bias?: Tensor | null; running_mean?: Tensor | null; running_var?: Tensor | null; training?: boolean; momentum?: number; eps?: number }>
): [Tensor, Tensor, Tensor] {
  if (tracing) return trace_op('aten::native_batch_norm', native_batch_norm, args, NATIVE_BATCH_NORM);
  const { input, weight, bias, running_mean, running_var, training, momentum, eps } = NATIVE_BATCH_NORM.parse(args);
  if (input.ndim < 2) throw new Error(`Expected 2D or higher input (got ${input.ndim}D input)`);
  const C = input._shape[1]!;
  const dims = input._shape.map((_, i) => i).filter((i) => i !== 1);
  // every per-channel tensor is checked before anything is computed or a running statistic is updated
  for (const [name, t] of [['running_mean', running_mean], ['running_var', running_var], ['weight', weight], ['bias', bias]] as const) {
    if (t !== null && t.numel() !== C) throw new Error(`${name} should contain ${C} elements not ${t.numel()}`);
  }
  if (input._dtype !== 'float32' && input._dtype !== 'float64') throw new Error(`"batch_norm" not implemented for '${scalar_type_name(input._dtype)}'`);
  const channel_shape = input._shape.map((s, i) => (i === 1 ? C : 1));
  const [outer, inner] = [input._shape[0]!, numel_of(input._shape) / Math.max(input._shape[0]! * C, 1)];
  const x = input._contiguous_data() as FloatArray;
  const ks = kernels();
  // per channel, in float64: the mean and 1/std used, and the affine map out = scale·x + shift
  const mu = new Float64Array(C);
  const invstd = new Float64Array(C);
  if (training) {
    const var_ = new Float64Array(C);
    ks.channel_moments(x, outer, C, inner, mu, var_);
    for (let c = 0; c < C; c++) invstd[c] = 1 / Math.sqrt(var_[c]! + eps);
    const count = outer * inner;
    const as_tensor = (v: Float64Array): Tensor => from_values(v, input._dtype);
    if (running_mean !== null) running_mean.mul_(1 - momentum).add_(mul(as_tensor(mu), momentum));
    if (running_var !== null) running_var.mul_(1 - momentum).add_(mul(as_tensor(var_), (momentum * count) / Math.max(count - 1, 1)));
  } else {
    if (running_mean === null || running_var === null) throw new Error('running_mean and running_var must be defined in evaluation mode');
    const rm = running_mean._contiguous_data();
    const rv = running_var._contiguous_data();
    for (let c = 0; c < C; c++) [mu[c], invstd[c]] = [rm[c]!, 1 / Math.sqrt(rv[c]! + eps)];
  }
  const w = weight?._contiguous_data() ?? null;
  const b = bias?._contiguous_data() ?? null;
  const scale = new Float64Array(C);
  const shift = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    scale[c] = invstd[c]! * (w === null ? 1 : w[c]!);
    shift[c] = (b === null ? 0 : b[c]!) - mu[c]! * scale[c]!;
  }
  const out = empty(input._shape, input._dtype);
  ks.channel_affine(x, null, outer, C, inner, scale, null, shift, out._storage.data as FloatArray);
  record('NativeBatchNormBackward0', [input, weight, bias], [out], (ctx, [g]) => {
    const [xs, ws] = ctx.saved_tensors;
    if (is_grad_enabled()) return batch_norm_backward_graph(xs!, ws ?? null, g!, training ? null : { mu, invstd }, dims, channel_shape, eps, ctx);
    // dx = scale·(g − mean(g) − x̂·mean(g·x̂)) in training (the batch statistics depend on x), scale·g otherwise;
    // as one affine map of g and x per channel: α·g + β·x + γ
    const gd = g!._contiguous_data() as FloatArray;
    const xd = xs!._contiguous_data() as FloatArray;
    const sum_g = new Float64Array(C);
    const sum_gx = new Float64Array(C);
    ks.channel_grad_sums(gd, xd, outer, C, inner, mu, sum_g, sum_gx);
    const n = outer * inner;
    let dx: Tensor | null = null;
    if (ctx.needs_input_grad(0)) {
      const [alpha, beta, gamma] = [new Float64Array(C), new Float64Array(C), new Float64Array(C)];
      for (let c = 0; c < C; c++) {
        alpha[c] = scale[c]!;
        if (!training) continue;
        beta[c] = (-scale[c]! * invstd[c]! * invstd[c]! * sum_gx[c]!) / n;
        gamma[c] = -scale[c]! * (sum_g[c]! / n) - beta[c]! * mu[c]!;
      }
      dx = empty(xs!._shape, xs!._dtype);
      ks.channel_affine(gd, training ? xd : null, outer, C, inner, alpha, training ? beta : null, gamma, dx._storage.data as FloatArray);
    }
    const grad_w = ctx.needs_input_grad(1) ? from_values(sum_gx.map((v, c) => v * invstd[c]!), input._dtype) : null;
    const grad_b = ctx.needs_input_grad(2) ? from_values(sum_g, input._dtype) : null;
    return [dx, grad_w, grad_b];
  }, weight === null ? [input] : [input, weight]);
  const [save_mean, save_invstd] = training ? [from_values(mu, input._dtype), from_values(invstd, input._dtype)] : [empty([0], input._dtype), empty([0], input._dtype)];
  return [out, save_mean, save_invstd];
}

/**
 * NativeBatchNormBackward0's formula in differentiable ops, for `create_graph`: in training the batch statistics
 * are recomputed from `x`, so the gradient is recorded as a function of it; in evaluation `stats` are the fixed
 * running ones.
 */
function batch_norm_backward_graph(
  x: Tensor, w: Tensor | null, g: Tensor, stats: { mu: Float64Array; invstd: Float64Array } | null, dims: number[], channel_shape: number[], eps: number,
  ctx: { needs_input_grad(i: number): boolean },
): (Tensor | null)[] {
  const dxhat = w === null ? g : mul(g, view(w, channel_shape));
  let dx: Tensor;
  let xh: Tensor;
  if (stats === null) ({ dx, xhat: xh } = standardize_backward(x, dims, eps, dxhat));
  else {
    const mu = view(from_values(stats.mu, x._dtype), channel_shape);
    const invstd = view(from_values(stats.invstd, x._dtype), channel_shape);
    [dx, xh] = [mul(dxhat, invstd), mul(sub(x, mu), invstd)];
  }
  return [ctx.needs_input_grad(0) ? dx : null, ctx.needs_input_grad(1) ? sum(mul(g, xh), dims) : null, ctx.needs_input_grad(2) ? sum(g, dims) : null];
}

/** A 1-D tensor of `dtype` holding float64 values (rounded to float32 for a float32 dtype). */
function from_values(v: Float64Array, dtype: DType): Tensor {
  const t = empty([v.length], dtype);
  t._storage.data.set(v);
  return t;
}

const LAYER_NORM = signature<{ input: Tensor; normalized_shape: number[]; weight: Tensor | null; bias: Tensor | null; eps: number }>(
  'layer_norm(Tensor input, int[1] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05)',
);

/**
 * Normalises over the trailing `normalized_shape` dims, then scales by `weight` and shifts by `bias`
 * (NativeLayerNormBackward0, edges: input, weight, bias).
 *
 * @example
 * F.layer_norm(x, [5]); F.layer_norm(x, [5], w, b, { eps: 1e-6 });
 */
export function layer_norm(
  ...args: PyArgs<[input: Tensor, normalized_shape: number | number[], weight: Tensor | null, bias: Tensor | null, eps: number],
    { input?: Tensor; normalized_shape?: number | number[]; weight?: Tensor | null; bias?: Tensor | null; eps?: number }>
): Tensor {
  if (tracing) return trace_op('aten::layer_norm', layer_norm, args, LAYER_NORM);
  const { input, normalized_shape, weight, bias, eps } = LAYER_NORM.parse(args);
  const k = normalized_shape.length;
  check_normalized_shape(input, normalized_shape);
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p !== null && (p.ndim !== k || p._shape.some((s, i) => s !== normalized_shape[i]))) {
      throw new Error(`Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape [${p._shape.join(', ')}] and normalized_shape = [${normalized_shape.join(', ')}]`);
    }
  }
  const dims = normalized_shape.map((_, i) => input.ndim - k + i);
  const batch = input._shape.map((_, i) => i).filter((i) => i < input.ndim - k);
  if (input._dtype !== 'float32' && input._dtype !== 'float64') throw new Error(`"LayerNormKernelImpl" not implemented for '${scalar_type_name(input._dtype)}'`);
  const D = numel_of(normalized_shape);
  const R = D === 0 ? 0 : numel_of(input._shape) / D;
  const ks = kernels();
  const { out: result, mu, invstd } = layer_norm_rows(input, R, D, weight, bias, eps);
  const out = result!;
  record('NativeLayerNormBackward0', [input, weight, bias], [out], (ctx, [g]) => {
    const [xs, ws] = ctx.saved_tensors;
    const need = [0, 1, 2].map((i) => ctx.needs_input_grad(i));
    if (is_grad_enabled()) {
      // create_graph: the formula in differentiable ops, the statistics recomputed from x
      const dxhat = ws == null ? g! : mul(g!, ws);
      const { dx, xhat } = standardize_backward(xs!, dims, eps, dxhat);
      const reduce = (t: Tensor): Tensor => (batch.length === 0 ? t : sum(t, batch));
      return [need[0] ? dx : null, need[1] ? reduce(mul(g!, xhat)) : null, need[2] ? reduce(g!) : null];
    }
    const dx = need[0] ? empty(xs!._shape, xs!._dtype) : null;
    const [grad_w, grad_b] = [need[1] ? new Float64Array(D) : null, need[2] ? new Float64Array(D) : null];
    ks.row_normalize_backward(g!._contiguous_data() as FloatArray, xs!._contiguous_data() as FloatArray, R, D, mu, invstd,
      ws?._contiguous_data() ?? null, (dx?._storage.data ?? null) as FloatArray | null, grad_w, grad_b);
    const as_param = (v: Float64Array | null): Tensor | null => (v === null ? null : view(from_values(v, input._dtype), normalized_shape));
    return [dx, as_param(grad_w), as_param(grad_b)];
  }, weight === null ? [input] : [input, weight]);
  return out;
}

const GROUP_NORM = signature<{ input: Tensor; num_groups: number; weight: Tensor | null; bias: Tensor | null; eps: number }>(
  'group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05)',
);

/**
 * Normalises each of `num_groups` channel groups of `[N, C, *]` over its channels and positions, then applies
 * a per-channel affine (NativeGroupNormBackward0, edges: input, weight, bias).
 *
 * @example
 * F.group_norm(x, 2, w, b);
 */
export function group_norm(
  ...args: PyArgs<[input: Tensor, num_groups: number, weight: Tensor | null, bias: Tensor | null, eps: number],
    { input?: Tensor; num_groups?: number; weight?: Tensor | null; bias?: Tensor | null; eps?: number }>
): Tensor {
  if (tracing) return trace_op('aten::group_norm', group_norm, args, GROUP_NORM);
  const { input, num_groups: G, weight, bias, eps } = GROUP_NORM.parse(args);
  if (input.ndim < 2) throw new Error(`Expected at least 2 dimensions for input tensor but received ${input.ndim}`);
  const [N, C] = input._shape as [number, number];
  if (C % G !== 0) {
    throw new Error(`Expected number of channels in input to be divisible by num_groups, but got input of shape [${input._shape.join(', ')}] and num_groups=${G}`);
  }
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p !== null && (p.ndim !== 1 || p._shape[0] !== C)) {
      throw new Error(`Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape [${p._shape.join(', ')}] and input of shape [${input._shape.join(', ')}]`);
    }
  }
  const grouped = [N, G, numel_of(input._shape) / Math.max(N * G, 1)];
  const channel_shape = input._shape.map((s, i) => (i === 1 ? C : 1));
  const per_channel = input._shape.map((_, i) => i).filter((i) => i !== 1);
  let out = reshape(standardize(reshape(input.detach(), grouped), [2], eps).xhat, input._shape);
  if (weight !== null) out = mul(out, view(weight.detach(), channel_shape));
  if (bias !== null) out = add(out, view(bias.detach(), channel_shape));
  record('NativeGroupNormBackward0', [input, weight, bias], [out], (ctx, [g]) => {
    const [x, w] = ctx.saved_tensors;
    const dxhat = w == null ? g! : mul(g!, view(w, channel_shape));
    const { dx, xhat } = standardize_backward(reshape(x!, grouped), [2], eps, reshape(dxhat, grouped));
    return [
      ctx.needs_input_grad(0) ? reshape(dx, x!._shape) : null,
      ctx.needs_input_grad(1) ? sum(mul(g!, reshape(xhat, x!._shape)), per_channel) : null,
      ctx.needs_input_grad(2) ? sum(g!, per_channel) : null,
    ];
  }, weight === null ? [input] : [input, weight]);
  return out;
}

const RMS_NORM = signature<{ input: Tensor; normalized_shape: number[]; weight: Tensor | null; eps: number | null }>(
  'rms_norm(Tensor input, int[1] normalized_shape, Tensor? weight=None, float? eps=None)',
);

/**
 * `x / sqrt(mean(x²) + eps) · weight` over the trailing `normalized_shape` dims; `eps` defaults to the dtype's
 * machine epsilon. Composed of ordinary ops, as PyTorch records it.
 *
 * @example
 * F.rms_norm(x, [8], w);
 */
export function rms_norm(
  ...args: PyArgs<[input: Tensor, normalized_shape: number | number[], weight: Tensor | null, eps: number | null],
    { input?: Tensor; normalized_shape?: number | number[]; weight?: Tensor | null; eps?: number | null }>
): Tensor {
  if (tracing) return trace_op('aten::rms_norm', rms_norm, args, RMS_NORM);
  const { input, normalized_shape, weight, eps } = RMS_NORM.parse(args);
  const k = normalized_shape.length;
  check_normalized_shape(input, normalized_shape);
  const e = eps ?? (input._dtype === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7);
  const dims = normalized_shape.map((_, i) => input.ndim - k + i);
  const out = mul(input, rsqrt(add(mean(pow(input, 2), dims, { keepdim: true }), e)));
  return weight === null ? out : mul(out, weight);
}
