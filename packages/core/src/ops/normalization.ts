// Batch, layer, group and RMS normalisation. native_batch_norm, layer_norm and group_norm are one node each
// (NativeBatchNormBackward0, NativeLayerNormBackward0, NativeGroupNormBackward0) whose backward is written in
// differentiable ops, so it can be differentiated again.
import { trace_op, tracing } from '../jit/tracer.js';
import { numel_of } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { signature, type PyArgs } from '../signature.js';
import { add, div, mul, pow, sub } from './arithmetic.js';
import { record } from './record.js';
import { mean, sum } from './reduce.js';
import { empty } from './creation.js';
import { reciprocal, rsqrt, sqrt } from './unary.js';
import { reshape, view } from './view.js';

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
  const tail = input.shape.slice(input.ndim - k);
  if (k === 0 || input.ndim < k || tail.some((s, i) => s !== normalized_shape[i])) {
    throw new Error(`Given normalized_shape=[${normalized_shape.join(', ')}], expected input with shape [*, ${normalized_shape.join(', ')}], but got input of size[${input.shape.join(', ')}]`);
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
  const C = input.shape[1]!;
  const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
  // every per-channel tensor is checked before anything is computed or a running statistic is updated
  for (const [name, t] of [['running_mean', running_mean], ['running_var', running_var], ['weight', weight], ['bias', bias]] as const) {
    if (t !== null && t.numel() !== C) throw new Error(`${name} should contain ${C} elements not ${t.numel()}`);
  }
  const channel_shape = input.shape.map((s, i) => (i === 1 ? C : 1));
  const x = input.detach();
  // per channel [1, C, 1, …]: the mean and standard deviation used
  let mu: Tensor;
  let std: Tensor;
  let save_mean: Tensor;
  let save_invstd: Tensor;
  if (training) {
    const count = numel_of(input.shape) / C;
    mu = mean(x, dims, { keepdim: true });
    const xc = sub(x, mu);
    const var_ = mean(mul(xc, xc), dims, { keepdim: true });
    std = sqrt(add(var_, eps));
    if (running_mean !== null) running_mean.mul_(1 - momentum).add_(mul(view(mu, [C]), momentum));
    if (running_var !== null) running_var.mul_(1 - momentum).add_(mul(view(var_, [C]), (momentum * count) / Math.max(count - 1, 1)));
    [save_mean, save_invstd] = [view(mu, [C]), view(reciprocal(std), [C])];
  } else {
    if (running_mean === null || running_var === null) throw new Error('running_mean and running_var must be defined in evaluation mode');
    // copies, so a later in-place update of the buffers cannot reach backward
    mu = view(running_mean.detach(), channel_shape).clone();
    std = sqrt(add(view(running_var.detach(), channel_shape), eps));
    [save_mean, save_invstd] = [empty([0], { dtype: input.dtype }), empty([0], { dtype: input.dtype })];
  }
  let out = div(sub(x, mu), std);
  if (weight !== null) out = mul(out, view(weight.detach(), channel_shape));
  if (bias !== null) out = add(out, view(bias.detach(), channel_shape));
  record('NativeBatchNormBackward0', [input, weight, bias], [out], (ctx, [g]) => {
    const [xs, w] = ctx.saved_tensors;
    const dxhat = w == null ? g! : mul(g!, view(w, channel_shape));
    let dx: Tensor;
    let xh: Tensor;
    if (training) ({ dx, xhat: xh } = standardize_backward(xs!, dims, eps, dxhat));
    else [dx, xh] = [div(dxhat, std), div(sub(xs!, mu), std)];
    return [ctx.needs_input_grad(0) ? dx : null, ctx.needs_input_grad(1) ? sum(mul(g!, xh), dims) : null, ctx.needs_input_grad(2) ? sum(g!, dims) : null];
  }, weight === null ? [input] : [input, weight]);
  return [out, save_mean, save_invstd];
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
    if (p !== null && (p.ndim !== k || p.shape.some((s, i) => s !== normalized_shape[i]))) {
      throw new Error(`Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape [${p.shape.join(', ')}] and normalized_shape = [${normalized_shape.join(', ')}]`);
    }
  }
  const dims = normalized_shape.map((_, i) => input.ndim - k + i);
  const batch = input.shape.map((_, i) => i).filter((i) => i < input.ndim - k);
  let out = standardize(input.detach(), dims, eps).xhat;
  if (weight !== null) out = mul(out, weight.detach());
  if (bias !== null) out = add(out, bias.detach());
  record('NativeLayerNormBackward0', [input, weight, bias], [out], (ctx, [g]) => {
    const [x, w] = ctx.saved_tensors;
    const dxhat = w == null ? g! : mul(g!, w);
    const { dx, xhat } = standardize_backward(x!, dims, eps, dxhat);
    const reduce = (t: Tensor): Tensor => (batch.length === 0 ? t : sum(t, batch));
    return [ctx.needs_input_grad(0) ? dx : null, ctx.needs_input_grad(1) ? reduce(mul(g!, xhat)) : null, ctx.needs_input_grad(2) ? reduce(g!) : null];
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
  const [N, C] = input.shape as [number, number];
  if (C % G !== 0) {
    throw new Error(`Expected number of channels in input to be divisible by num_groups, but got input of shape [${input.shape.join(', ')}] and num_groups=${G}`);
  }
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p !== null && (p.ndim !== 1 || p.shape[0] !== C)) {
      throw new Error(`Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape [${p.shape.join(', ')}] and input of shape [${input.shape.join(', ')}]`);
    }
  }
  const grouped = [N, G, numel_of(input.shape) / Math.max(N * G, 1)];
  const channel_shape = input.shape.map((s, i) => (i === 1 ? C : 1));
  const per_channel = input.shape.map((_, i) => i).filter((i) => i !== 1);
  let out = reshape(standardize(reshape(input.detach(), grouped), [2], eps).xhat, input.shape);
  if (weight !== null) out = mul(out, view(weight.detach(), channel_shape));
  if (bias !== null) out = add(out, view(bias.detach(), channel_shape));
  record('NativeGroupNormBackward0', [input, weight, bias], [out], (ctx, [g]) => {
    const [x, w] = ctx.saved_tensors;
    const dxhat = w == null ? g! : mul(g!, view(w, channel_shape));
    const { dx, xhat } = standardize_backward(reshape(x!, grouped), [2], eps, reshape(dxhat, grouped));
    return [
      ctx.needs_input_grad(0) ? reshape(dx, x!.shape) : null,
      ctx.needs_input_grad(1) ? sum(mul(g!, reshape(xhat, x!.shape)), per_channel) : null,
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
  const e = eps ?? (input.dtype === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7);
  const dims = normalized_shape.map((_, i) => input.ndim - k + i);
  const out = mul(input, rsqrt(add(mean(pow(input, 2), dims, { keepdim: true }), e)));
  return weight === null ? out : mul(out, weight);
}
