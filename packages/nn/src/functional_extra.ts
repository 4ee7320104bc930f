// nn.functional composites PyTorch writes in Python: instance_norm, local_response_norm, bilinear and the
// channel-wise / alpha dropouts; and the legacy CrossMapLRN2d Function with its hand-written backward.
import * as torch from '@tsgrad/core';
import { autograd, is_grad_enabled, jit, signature, type PyArgs, type Tensor } from '@tsgrad/core';

const INSTANCE_NORM = signature<{ input: Tensor; running_mean: Tensor | null; running_var: Tensor | null; weight: Tensor | null; bias: Tensor | null; use_input_stats: boolean; momentum: number; eps: number }>(
  'instance_norm(Tensor input, Tensor? running_mean=None, Tensor? running_var=None, Tensor? weight=None, Tensor? bias=None, bool use_input_stats=True, float momentum=0.1, float eps=1e-5)');

/**
 * Normalises every channel of every sample over its spatial dims; with running statistics given and
 * `use_input_stats`, updates them with the batch mean of the per-instance statistics (unbiased variance).
 *
 * @example
 * F.instance_norm(x); F.instance_norm(x, null, null, { weight: w, bias: b })
 */
export function instance_norm(...args: PyArgs<[input: Tensor, running_mean: Tensor | null, running_var: Tensor | null, weight: Tensor | null, bias: Tensor | null, use_input_stats: boolean, momentum: number, eps: number], {
  input?: Tensor; running_mean?: Tensor | null; running_var?: Tensor | null; weight?: Tensor | null; bias?: Tensor | null; use_input_stats?: boolean; momentum?: number; eps?: number;
}>): Tensor {
  if (jit._tracing) return jit._trace_op('aten::instance_norm', instance_norm, args, INSTANCE_NORM);
  const a = INSTANCE_NORM.parse(args);
  const x = a.input;
  if (x.ndim < 3) throw new Error(`Expected 2D or higher spatial input to instance_norm, got input of size [${x._shape.join(', ')}]`);
  const C = x._shape[1]!;
  const dims = x._shape.slice(2).map((_, i) => i + 2);
  const spatial = dims.reduce((n, d) => n * x._shape[d]!, 1);
  const bshape = x._shape.map((s, i) => (i === 1 ? C : 1));
  let y: Tensor;
  if (a.use_input_stats || a.running_mean === null || a.running_var === null) {
    if (spatial <= 1) throw new Error(`Expected more than 1 spatial element when training, got input size [${x._shape.join(', ')}]`);
    const mu = x.mean(dims, { keepdim: true });
    const xc = x.sub(mu);
    const var_ = xc.mul(xc).mean(dims, { keepdim: true });
    y = xc.mul(var_.add(a.eps).rsqrt());
    if (a.running_mean !== null && a.running_var !== null) {
      const rm = a.running_mean;
      const rv = a.running_var;
      const m = a.momentum;
      torch.no_grad(() => {
        const batch_mean = mu.detach().mean(0).reshape([C]);
        const batch_var = var_.detach().mul(spatial / (spatial - 1)).mean(0).reshape([C]);
        rm.mul_(1 - m).add_(batch_mean.mul(m));
        rv.mul_(1 - m).add_(batch_var.mul(m));
      });
    }
  } else {
    y = x.sub(a.running_mean.reshape(bshape)).mul(a.running_var.reshape(bshape).add(a.eps).rsqrt());
  }
  if (a.weight !== null) y = y.mul(a.weight.reshape(bshape));
  if (a.bias !== null) y = y.add(a.bias.reshape(bshape));
  return y;
}

/** `Σ v` over a window of `width` channels, `v` padded with `before` and `after` zero channels. */
function channel_window_sum(v: Tensor, width: number, before: number, after: number): Tensor {
  const [N, C] = v._shape as [number, number];
  const padded = torch.pad(v.reshape([N, 1, C, -1]), [0, 0, before, after]);
  return torch.avg_pool2d(padded, [width, 1], { stride: 1 }).mul(width).reshape(v._shape);
}

const LRN = signature<{ input: Tensor; size: number; alpha: number; beta: number; k: number }>('local_response_norm(Tensor input, int size, float alpha=1e-4, float beta=0.75, float k=1.0)',
  // PyTorch composes it: a wrong alpha or k reaches mul / add, whose parameter is 'other'
  { native: { alpha: 'other', k: 'other' } });

/** Normalises each channel by the squares of its `size` neighbours (AlexNet's LRN). @example F.local_response_norm(x, 3) */
export function local_response_norm(...args: PyArgs<[input: Tensor, size: number, alpha: number, beta: number, k: number], { input?: Tensor; size?: number; alpha?: number; beta?: number; k?: number }>): Tensor {
  const a = LRN.parse(args);
  if (a.input.ndim < 3) throw new Error(`Expected 3D or higher dimensionality input (got ${a.input.ndim} dimensions)`);
  const sum = channel_window_sum(a.input.mul(a.input), a.size, Math.floor(a.size / 2), Math.floor((a.size - 1) / 2));
  return a.input.div(sum.mul(a.alpha / a.size).add(a.k).pow(a.beta));
}

type FunctionCtx = InstanceType<typeof autograd.FunctionCtx>;
interface LrnCtx { size: number; alpha: number; beta: number; k: number; scale: Tensor }

/**
 * PyTorch's legacy `torch.nn._functions.CrossMapLRN2d` (node `CrossMapLRN2dBackward`), kept for `nn.CrossMapLRN2d`.
 *
 * Forward: `y = x · scale^(−β)`, `scale = k + α/size · Σ x²` over a window of `2h + 1` channels, `h = ⌊(size−1)/2⌋`,
 * plus, as PyTorch's running-sum loop never subtracts channel 0, channel 0's square in every window past the first
 * `h + 1` channels.
 *
 * Backward is PyTorch's hand-written rule, not the derivative of that forward (gradcheck fails on PyTorch's too):
 * `gx = scale^(−β) · g − 2αβ/size · x · Σ_w (g · y / scale)`, the sum over the channels `c − P … c + size − 1 − P`,
 * `P = ⌊size − (size−1)/2⌋`. It runs once: with `create_graph` it raises PyTorch's error.
 *
 * @example
 * CrossMapLRN2dFunction.apply(x, 3, 1e-4, 0.75, 1) // [N, C, H, W]
 */
export class CrossMapLRN2dFunction extends autograd.Function {
  static override readonly __name__: string = 'CrossMapLRN2d';
  static override forward(ctx: FunctionCtx, input: Tensor, size: number, alpha = 1e-4, beta = 0.75, k = 1): Tensor {
    if (input.ndim !== 4) throw new Error(`CrossMapLRN2d: Expected input to be 4D, got ${input.ndim}D instead.`);
    const h = Math.floor((size - 1) / 2);
    const C = input._shape[1]!;
    const square = input.mul(input);
    const keeps_first = torch.tensor(Array.from({ length: C }, (_, c) => (c > h ? 1 : 0)), { dtype: input._dtype }).reshape([1, C, 1, 1]);
    const sum = channel_window_sum(square, 2 * h + 1, h, h).add(square.narrow(1, 0, 1).mul(keeps_first));
    const scale = sum.mul(alpha / size).add(k);
    const output = scale.pow(-beta).mul(input);
    Object.assign(ctx, { size, alpha, beta, k, scale } satisfies LrnCtx);
    ctx.save_for_backward(input, output);
    return output;
  }

  static override backward(ctx: FunctionCtx, grad_output: Tensor): [Tensor, null, null, null, null] {
    // PyTorch's backward writes through out= buffers, which autograd refuses to record
    if (is_grad_enabled()) throw new Error("mul(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
    const { size, alpha, beta, scale } = ctx as unknown as LrnCtx;
    const [input, output] = ctx.saved_tensors as [Tensor, Tensor];
    const C = input._shape[1]!;
    const P = Math.trunc(size - (size - 1) / 2);
    // PyTorch narrows a buffer of C + size − 1 channels at P: with size 1 that does not fit
    if (P + C > C + size - 1) throw new Error(`start (${P}) + length (${C}) exceeds dimension size (${C + size - 1}).`);
    const ratio = grad_output.mul(output).div(scale);
    const window = channel_window_sum(ratio, size, P, size - 1 - P);
    const grad_input = scale.pow(-beta).mul(grad_output).sub(input.mul(window).mul((2 * alpha * beta) / size));
    return [grad_input, null, null, null, null];
  }
}

const BILINEAR = signature<{ input1: Tensor; input2: Tensor; weight: Tensor; bias: Tensor | null }>('bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None)');

/** `y_o = x1ᵀ W_o x2 + b_o` over the last dims. @example F.bilinear(x1, x2, w, b) */
export function bilinear(...args: PyArgs<[input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | null], { input1?: Tensor; input2?: Tensor; weight?: Tensor; bias?: Tensor | null }>): Tensor {
  const { input1, input2, weight, bias } = BILINEAR.parse(args);
  const [O, I, J] = weight._shape as [number, number, number];
  // ATen's checks, in its order and words
  if (input1.ndim !== input2.ndim) throw new Error(`bilinear(): input dimensions do not match: got ${input1.ndim} and ${input2.ndim}`);
  for (let i = 0; i < input1.ndim - 1; i++) {
    if (input1._shape[i] !== input2._shape[i]) throw new Error(`bilinear(): input batch dimensions do not match at dim ${i}: got ${input1._shape[i]} and ${input2._shape[i]}`);
  }
  if (input1._shape[input1.ndim - 1] !== I) throw new Error(`bilinear(): input1 size does not match weight size: got ${input1._shape[input1.ndim - 1]} but expected ${I}`);
  if (input2._shape[input2.ndim - 1] !== J) throw new Error(`bilinear(): input2 size does not match weight size: got ${input2._shape[input2.ndim - 1]} but expected ${J}`);
  if (bias !== null && bias._shape[0] !== O) throw new Error(`bilinear(): bias size does not match weight size: got ${bias._shape[0]} but expected ${O}`);
  const lead = input1._shape.slice(0, -1);
  // (x1 @ W viewed [I, O·J]) · x2, summed over J
  const t = input1.reshape([-1, I]).matmul(weight.permute([1, 0, 2]).reshape([I, O * J])).reshape([-1, O, J]);
  let y = t.mul(input2.reshape([-1, 1, J])).sum(-1).reshape([...lead, O]);
  if (bias !== null) y = y.add(bias);
  return y;
}

type DropoutArgs = PyArgs<[input: Tensor, p: number, training: boolean, inplace: boolean], { input?: Tensor; p?: number; training?: boolean; inplace?: boolean }>;
const dropout_sig = (name: string, training: 'True' | 'False') => signature<{ input: Tensor; p: number; training: boolean; inplace: boolean }>(`${name}(Tensor input, float p=0.5, bool training=${training}, bool inplace=False)`, { native: { training: 'train' } });
// as in PyTorch, the channel dropouts default to training and the alpha dropouts do not
const DROPOUT_SIGS = {
  dropout1d: dropout_sig('dropout1d', 'True'), dropout2d: dropout_sig('dropout2d', 'True'), dropout3d: dropout_sig('dropout3d', 'True'),
  alpha_dropout: dropout_sig('alpha_dropout', 'False'), feature_alpha_dropout: dropout_sig('feature_alpha_dropout', 'False'),
};

/** Dropout that zeroes whole channels (one draw per `[N, C]`), scaling the rest by `1/(1−p)`. */
function channel_dropout(name: keyof typeof DROPOUT_SIGS, args: readonly unknown[], spatial: number): Tensor {
  const a = DROPOUT_SIGS[name].parse(args);
  if (a.p < 0 || a.p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${a.p}`);
  const x = a.input;
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) throw new Error(`${name}: Expected ${spatial + 1}D or ${spatial + 2}D input, but received a ${x.ndim}D input.`);
  if (!a.training || a.p === 0) return x;
  // PyTorch's feature noise: one bernoulli(1 − p) draw per channel ([N, C, 1, …]; [C, 1, …] unbatched)
  const keep = x._shape.slice(0, x.ndim - spatial);
  const shape = [...keep, ...new Array<number>(spatial).fill(1)];
  const noise = a.p === 1 ? torch.zeros(shape, { dtype: x._dtype }) : torch.dropout_noise(shape, x._dtype, a.p, false)[0];
  return a.inplace ? x.mul_(noise) : x.mul(noise);
}

/**
 * Zeroes whole channels of `[N, C, L]` (or `[C, L]`) with probability `p` when `training`, scaling the rest by 1/(1 − p) (`nn.Dropout1d`'s functional form).
 *
 * @example
 * const y = F.dropout1d(x, 0.2, true);
 */
export const dropout1d = (...args: DropoutArgs): Tensor => channel_dropout('dropout1d', args, 1);
/**
 * Zeroes whole channels of `[N, C, H, W]` (or `[C, H, W]`) with probability `p` when `training`, scaling the rest by 1/(1 − p).
 *
 * @example
 * const y = F.dropout2d(x, { p: 0.2, training: net.training });
 */
export const dropout2d = (...args: DropoutArgs): Tensor => channel_dropout('dropout2d', args, 2);
/**
 * Zeroes whole channels of `[N, C, D, H, W]` (or `[C, D, H, W]`) with probability `p` when `training`, scaling the rest by 1/(1 − p).
 *
 * @example
 * const y = F.dropout3d(x, 0.2, true);
 */
export const dropout3d = (...args: DropoutArgs): Tensor => channel_dropout('dropout3d', args, 3);

/** Alpha dropout (SELU networks): dropped units take SELU's saturation value, then an affine map restores mean and variance. */
function alpha_dropout_impl(name: 'alpha_dropout' | 'feature_alpha_dropout', args: readonly unknown[]): Tensor {
  const a = DROPOUT_SIGS[name].parse(args);
  if (a.p < 0 || a.p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${a.p}`);
  const x = a.input;
  if (!a.training || a.p === 0 || x.numel() === 0) return x;
  const zero = torch.zeros([], { dtype: x._dtype });
  if (a.p === 1) return a.inplace ? x.mul_(zero) : x.mul(zero);
  // PyTorch's composite: x·(noise·a) + ((noise − 1)·αa + αap), noise a bernoulli(1 − p) draw per element or channel
  const shape = name === 'feature_alpha_dropout' ? x._shape.map((s, i) => (i < 2 ? s : 1)) : x._shape;
  const [noise, shift] = torch.dropout_noise(shape, x._dtype, a.p, true);
  return a.inplace ? x.mul_(noise).add_(shift!) : x.mul(noise).add(shift!);
}

/**
 * Alpha dropout per element (for SELU networks): dropped elements take SELU's negative saturation and the result is rescaled to keep mean and variance (`nn.AlphaDropout`'s functional form).
 *
 * @example
 * const y = F.alpha_dropout(F.selu(x), 0.2, true);
 */
export const alpha_dropout = (...args: DropoutArgs): Tensor => alpha_dropout_impl('alpha_dropout', args);
/**
 * Alpha dropout of whole channels (`nn.FeatureAlphaDropout`'s functional form).
 *
 * @example
 * const y = F.feature_alpha_dropout(x, 0.2, true);
 */
export const feature_alpha_dropout = (...args: DropoutArgs): Tensor => alpha_dropout_impl('feature_alpha_dropout', args);
