// Neural-network ops: conv2d, pooling, bilinear interpolation, dropout and losses, with PyTorch's nodes.
import { trace_op, tracing } from '../jit/tracer.js';
import type { DType, FloatArray } from '../dtype.js';
import { is_floating } from '../dtype.js';
import { kernels } from '../kernels/backend.js';
import { conv2d_out_size, pool_out_size, area_pixel_scale, type Conv2dParams, type Pool2dParams } from '../kernels/js/nn_kernels.js';
import type { Generator } from '../random.js';
import { bernoulli_ } from './random_ops.js';
import { zeros } from './creation.js';
import { should_record, Tensor } from '../tensor.js';
import { add, div, eq, logical_not, mul, neg, rsub, sub, to_dtype, where } from './arithmetic.js';
import { empty, record } from './record.js';
import { log_softmax, mean, sum } from './reduce.js';
import { gather } from './indexing.js';
import { abs, clamp, log, relu, sigmoid, sign } from './unary.js';
import { no_grad } from '../autograd/grad_mode.js';
import { warn } from '../autograd/messages.js';
import { signature, type PyArgs } from '../signature.js';
import { broadcast_shapes, numel_of } from '../shape.js';
import { expand, squeeze, unsqueeze } from './view.js';
import { interpolate_nd } from './resample.js';
import { pad } from './spatial.js';
import { check_conv_args, check_conv_shapes, check_resize, check_spatial_rank, fill_empty_window_indices, pool2d_params } from './nn_geometry.js';

/** A size for both spatial dims at once, or `[height, width]`. */
export type Pair = number | [number, number] | readonly number[];

function pair(v: Pair, name: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (v.length === 1) return [v[0]!, v[0]!];
  if (v.length !== 2) throw new Error(`expected ${name} to be a single integer value or a list of 2 values, but got [${v.join(', ')}]`);
  return [v[0]!, v[1]!];
}

function check_4d(x: Tensor, what: string): void {
  if (x.ndim === 4) return;
  if (what !== 'interpolate') check_spatial_rank(what, x._shape, 2);
  throw new Error(`${what}: Expected 4D (batched) input, but got input of size: [${x._shape.join(', ')}]`);
}

function float_data(t: Tensor): FloatArray {
  return t._contiguous_data() as FloatArray;
}

/** Keyword options of `conv2d` (PyTorch's `stride`, `padding`, `dilation`, `groups`). */
export interface Conv2dOptions {
  /** Step of the kernel over the input (default 1). */
  stride?: Pair;
  /** Zeros added on both sides of each spatial dim (default 0); 'same' keeps the size (stride 1 only), 'valid' is 0. */
  padding?: Pair | 'same' | 'valid';
  /** Spacing between kernel elements (default 1). */
  dilation?: Pair;
  /** Split input and output channels into this many independent groups (default 1; channels must divide). */
  groups?: number;
}

/**
 * 2-D convolution over `[N, C, H, W]` with zero padding (ConvolutionBackward0; edges: input, weight, bias).
 *
 * @example
 * F.conv2d(x, w, b, { stride: 2, padding: 1 });
 */
function conv2d_impl(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const unbatched = input.ndim === 3;
  const x = unbatched ? unsqueeze(input, 0) : input;
  if (x.ndim !== 4) throw new Error(`Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [${input._shape.join(', ')}]`);
  if (weight.ndim !== 4) throw new Error(`weight should have 4 dimensions, got [${weight._shape.join(', ')}]`);
  if (!is_floating(x._dtype) || x._dtype !== weight._dtype || (bias !== null && bias._dtype !== x._dtype)) {
    throw new Error(`Input type (${x._dtype}) and weight type (${weight._dtype}) should be the same${bias !== null && bias._dtype !== x._dtype ? ` or input should be a MKLDNN tensor and weight is a dense tensor` : ''}`);
  }
  const groups = options.groups ?? 1;
  const stride = pair(options.stride ?? 1, 'stride');
  const dilation = pair(options.dilation ?? 1, 'dilation');
  const [N, C, H, W] = x._shape as [number, number, number, number];
  const [O, Cg, kh, kw] = weight._shape as [number, number, number, number];
  check_conv_args(stride, typeof options.padding === 'string' ? [0, 0] : pair(options.padding ?? 0, 'padding'), dilation, groups);
  if (kh <= 0 || kw <= 0) throw new Error(`kernel size should be greater than zero, but got kernel_height: ${kh} kernel_width: ${kw}`);
  let padding: [number, number];
  if (options.padding === 'valid') padding = [0, 0];
  else if (options.padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new Error("padding='same' is not supported for strided convolutions");
    const th = dilation[0] * (kh - 1);
    const tw = dilation[1] * (kw - 1);
    // an odd total: PyTorch pads the extra row / column after (bottom, right) with zeros first
    if (th % 2 !== 0 || tw % 2 !== 0) return conv2d_impl(pad(input, [0, tw % 2, 0, th % 2]), weight, bias, { ...options, padding: [Math.floor(th / 2), Math.floor(tw / 2)] });
    padding = [th / 2, tw / 2];
  } else padding = pair(options.padding ?? 0, 'padding');
  check_conv_shapes(x._shape, weight._shape, groups, padding, dilation);
  if (bias !== null && (bias.ndim !== 1 || bias._shape[0] !== O)) throw new Error(`Given weight of size [${weight._shape.join(', ')}], expected bias to be 1-dimensional with ${O} elements, but got bias of size [${bias._shape.join(', ')}] instead`);
  const Ho = conv2d_out_size(H, kh, stride[0], padding[0], dilation[0]);
  const Wo = conv2d_out_size(W, kw, stride[1], padding[1], dilation[1]);
  const w_data = float_data(weight);
  // the weight's version counter when the kernel reads its own storage: backends may keep it packed meanwhile
  const w_version = w_data === weight._storage.data ? weight._storage.counter : undefined;
  const p: Conv2dParams = { N, C, H, W, O, kh, kw, stride, padding, dilation, groups, Ho, Wo, w_version };
  const out = empty([N, O, Ho, Wo], x._dtype);
  kernels().conv2d_forward(float_data(x), w_data, bias === null ? null : float_data(bias), out._storage.data as FloatArray, p);
  record('ConvolutionBackward0', [x, weight, bias], [out], (ctx, [g]) => {
    const [xs, ws] = ctx.saved_tensors;
    return convolution_backward(g!, xs!, ws!, p, [ctx.needs_input_grad(0), ctx.needs_input_grad(1), ctx.needs_input_grad(2)]);
  }, [x, weight]);
  return unbatched ? squeeze(out, 0) : out;
}

/** The conv2d options that reproduce the geometry `p` (for the convolutions inside its double backward). */
function conv_options(p: Conv2dParams): Conv2dOptions {
  return { stride: p.stride, padding: p.padding, dilation: p.dilation, groups: p.groups };
}

type Grads3 = [Tensor | null, Tensor | null, Tensor | null];

/**
 * ConvolutionBackward0's rule as an op: the gradients of `conv2d(x, w)` w.r.t. input, weight and bias (those
 * `mask` asks for) from the kernels, recorded as ConvolutionBackwardBackward0 (edges: grad_output, input,
 * weight) when a graph is being built, so convolutions differentiate any number of times.
 */
function convolution_backward(g: Tensor, x: Tensor, w: Tensor, p: Conv2dParams, mask: readonly boolean[]): Grads3 {
  const go = float_data(g);
  const result: Grads3 = [null, null, null];
  if (mask[0]) {
    result[0] = empty(x._shape, x._dtype);
    kernels().conv2d_backward_input(go, float_data(w), result[0]._storage.data as FloatArray, p);
  }
  if (mask[1]) {
    result[1] = empty(w._shape, w._dtype);
    kernels().conv2d_backward_weight(go, float_data(x), result[1]._storage.data as FloatArray, p);
  }
  if (mask[2]) {
    result[2] = empty([p.O], g._dtype);
    kernels().conv2d_backward_bias(go, result[2]._storage.data as FloatArray, p);
  }
  const slots = [0, 1, 2].filter((i) => result[i] !== null);
  // gx = Jᵀ(w) g, gw = Jᵀ(x) g and gb = Σ g are bilinear, so their adjoints are convolutions again:
  // g ← conv(ggx, w) + conv(x, ggw) + ggb, x ← gx-rule(g, ggw), w ← gw-rule(g, ggx)
  record('ConvolutionBackwardBackward0', [g, x, w], slots.map((i) => result[i]!), (ctx, grads) => {
    const [gs, xs, ws] = ctx.saved_tensors;
    const gg: Grads3 = [null, null, null];
    slots.forEach((slot, k) => (gg[slot] = grads[k] ?? null));
    const [ggx, ggw, ggb] = gg;
    let g_grad: Tensor | null = null;
    if (ctx.needs_input_grad(0)) {
      const terms: Tensor[] = [];
      if (ggx !== null) terms.push(conv2d(ggx, ws!, null, conv_options(p)));
      if (ggw !== null) terms.push(conv2d(xs!, ggw, null, conv_options(p)));
      if (ggb !== null) terms.push(expand(ggb.view([1, p.O, 1, 1]), gs!._shape));
      g_grad = terms.length === 0 ? null : terms.reduce((a, b) => add(a, b));
    }
    const x_grad = ctx.needs_input_grad(1) && ggw !== null ? convolution_backward(gs!, xs!, ggw, p, [true, false, false])[0] : null;
    const w_grad = ctx.needs_input_grad(2) && ggx !== null ? convolution_backward(gs!, ggx, ws!, p, [false, true, false])[1] : null;
    return [g_grad, x_grad, w_grad];
  }, [g, x, w]);
  return result;
}

/** Keyword options of `max_pool2d` (`stride` defaults to the kernel size; `return_indices` also gives the argmax). */
export interface MaxPoolOptions {
  /** Step of the window (default: the kernel size). */
  stride?: Pair | null;
  /** Implicit -∞ padding on both sides (default 0; at most half the kernel size). */
  padding?: Pair;
  /** Spacing between window elements (default 1). */
  dilation?: Pair;
  /** Round the output size up instead of down, letting a last partial window count (default false). */
  ceil_mode?: boolean;
  /** Also return the argmax positions, as `[values, indices]` (default false). */
  return_indices?: boolean;
}

function pool_params(x: Tensor, kernel_size: Pair, stride: Pair | null | undefined, padding: Pair, dilation: Pair, ceil_mode: boolean): Pool2dParams {
  const [N, C, H, W] = x._shape as [number, number, number, number];
  const [kh, kw] = pair(kernel_size, 'kernel_size');
  const no_stride = stride === null || stride === undefined || (typeof stride !== 'number' && stride.length === 0);
  const [sh, sw] = no_stride ? [kh, kw] : pair(stride!, 'stride');
  return pool2d_params([N, C, H, W], [kh, kw], [sh, sw], pair(padding, 'padding'), pair(dilation, 'dilation'), ceil_mode);
}

/**
 * Max pooling (MaxPool2DWithIndicesBackward0); `return_indices` gives `[values, indices]`.
 *
 * @example
 * F.max_pool2d(x, 2); F.max_pool2d(x, 3, { stride: 2, padding: 1, return_indices: true });
 */
function max_pool2d_impl(input: Tensor, kernel_size: Pair, options: MaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  const unbatched = input.ndim === 3;
  const x = unbatched ? unsqueeze(input, 0) : input;
  check_4d(x, 'max_pool2d');
  const p = pool_params(x, kernel_size, options.stride, options.padding ?? 0, options.dilation ?? 1, options.ceil_mode ?? false);
  const out = empty([p.N, p.C, p.Ho, p.Wo], x._dtype);
  // as PyTorch's max_pool2d, which computes the argmax positions only for autograd or return_indices
  const indices = options.return_indices || should_record([x]) ? empty([p.N, p.C, p.Ho, p.Wo], 'int64') : null;
  kernels().max_pool2d_forward(float_data(x), out._storage.data as FloatArray, (indices?._storage.data ?? null) as Float64Array | null, p);
  if (indices === null) return unbatched ? squeeze(out, 0) : out;
  // PyTorch saves the input too (so changing it in place before backward is an error there as here)
  record('MaxPool2DWithIndicesBackward0', [x], [out], (ctx, [g]) => {
    const [xs, idx] = ctx.saved_tensors;
    return [max_pool2d_backward(g!, xs!, idx!, p)];
  }, [x, indices]);
  const values = unbatched ? squeeze(out, 0) : out;
  if (!options.return_indices) return values;
  // windows wholly in padding: the backward kernel keeps -1 (no input position), the caller gets PyTorch's index
  let given = indices;
  if ((indices._storage.data as Float64Array).includes(-1)) {
    given = indices.clone();
    fill_empty_window_indices(given._storage.data as Float64Array, [p.H, p.W], [p.Ho, p.Wo], [p.sh, p.sw], [p.ph, p.pw], [p.dh, p.dw]);
  }
  return [values, unbatched ? squeeze(given, 0) : given];
}

/**
 * MaxPool2DWithIndicesBackward0's rule as an op: `g` added at the argmax positions (edges: grad_output, input).
 * Its own gradient w.r.t. `g` gathers at those positions (MaxPool2DWithIndicesBackwardBackward0); w.r.t. the
 * input it is zero, as PyTorch's.
 */
function max_pool2d_backward(g: Tensor, x: Tensor, indices: Tensor, p: Pool2dParams): Tensor {
  const gx = empty(x._shape, g._dtype);
  kernels().max_pool2d_backward(float_data(g), indices._storage.data as Float64Array, gx._storage.data as FloatArray, p);
  const { N, C, H, W, Ho, Wo } = p;
  const { shape, _dtype: dtype } = x;
  record('MaxPool2DWithIndicesBackwardBackward0', [g, x], [gx], (ctx, [gg]) => {
    const [idx] = ctx.saved_tensors;
    const picked = ctx.needs_input_grad(0) ? gather(gg!.reshape([N, C, H * W]), 2, idx!.reshape([N, C, Ho * Wo])).reshape([N, C, Ho, Wo]) : null;
    return [picked, ctx.needs_input_grad(1) ? empty(shape, dtype) : null];
  }, [indices]);
  return gx;
}

/** Keyword options of `avg_pool2d` (`stride` defaults to the kernel size). */
export interface AvgPoolOptions {
  /** Step of the window (default: the kernel size). */
  stride?: Pair | null;
  /** Implicit zero padding on both sides (default 0; at most half the kernel size). */
  padding?: Pair;
  /** Round the output size up instead of down (default false). */
  ceil_mode?: boolean;
  /** Count padded zeros in the divisor (default true). */
  count_include_pad?: boolean;
  /** Divide every window sum by this instead of the window size. */
  divisor_override?: number | null;
}

/** Average pooling (AvgPool2DBackward0). */
function avg_pool2d_impl(input: Tensor, kernel_size: Pair, options: AvgPoolOptions = {}): Tensor {
  const unbatched = input.ndim === 3;
  const x = unbatched ? unsqueeze(input, 0) : input;
  check_4d(x, 'avg_pool2d');
  const p = pool_params(x, kernel_size, options.stride, options.padding ?? 0, 1, options.ceil_mode ?? false);
  const cip = options.count_include_pad ?? true;
  const div_o = options.divisor_override ?? null;
  const out = empty([p.N, p.C, p.Ho, p.Wo], x._dtype);
  kernels().avg_pool2d_forward(float_data(x), out._storage.data as FloatArray, p, cip, div_o);
  const again: AvgPoolOptions = { stride: [p.sh, p.sw], padding: [p.ph, p.pw], ceil_mode: p.ceil_mode, count_include_pad: cip, divisor_override: div_o };
  // PyTorch saves self although only its shape is read: a second backward without retain_graph raises E2
  record('AvgPool2DBackward0', [x], [out], (ctx, [g]) => {
    const [xs] = ctx.saved_tensors;
    const gx = empty(xs!._shape, g!._dtype);
    kernels().avg_pool2d_backward(float_data(g!), gx._storage.data as FloatArray, p, cip, div_o);
    // the rule is linear in g with adjoint avg_pool2d itself; w.r.t. the input it is zero
    record('AvgPool2DBackwardBackward0', [g!, xs!], [gx], (c2, [gg]) => [
      c2.needs_input_grad(0) ? avg_pool2d(gg!, [p.kh, p.kw], again) : null,
      c2.needs_input_grad(1) ? empty(xs!._shape, xs!._dtype) : null,
    ]);
    return [gx];
  }, [x]);
  return unbatched ? squeeze(out, 0) : out;
}

/** Adaptive average pooling to `output_size` (AdaptiveAvgPool2DBackward0; a 1×1 output is a mean, MeanBackward1). */
function adaptive_avg_pool2d_impl(input: Tensor, output_size: Pair | [number | null, number | null]): Tensor {
  const unbatched = input.ndim === 3;
  const x = unbatched ? unsqueeze(input, 0) : input;
  check_4d(x, 'adaptive_avg_pool2d');
  const [N, C, H, W] = x._shape as [number, number, number, number];
  const os = typeof output_size === 'number' ? [output_size, output_size] : output_size;
  const Ho = os[0] ?? H;
  const Wo = os[1] ?? W;
  if (Ho === 1 && Wo === 1) {
    const m = mean(x, [-1, -2], { keepdim: true });
    return unbatched ? squeeze(m, 0) : m;
  }
  const out = empty([N, C, Ho, Wo], x._dtype);
  kernels().adaptive_avg_pool2d_forward(float_data(x), out._storage.data as FloatArray, N * C, H, W, Ho, Wo);
  // PyTorch saves self although only its shape is read: a second backward without retain_graph raises E2
  record('AdaptiveAvgPool2DBackward0', [x], [out], (ctx, [g]) => {
    const [xs] = ctx.saved_tensors;
    const gx = empty(xs!._shape, g!._dtype);
    kernels().adaptive_avg_pool2d_backward(float_data(g!), gx._storage.data as FloatArray, N * C, H, W, Ho, Wo);
    // linear in g with adjoint adaptive_avg_pool2d itself; zero w.r.t. the input
    record('AdaptiveAvgPool2DBackwardBackward0', [g!, xs!], [gx], (c2, [gg]) => [
      c2.needs_input_grad(0) ? adaptive_avg_pool2d(gg!, [Ho, Wo]) : null,
      c2.needs_input_grad(1) ? empty(xs!._shape, xs!._dtype) : null,
    ]);
    return [gx];
  }, [x]);
  return unbatched ? squeeze(out, 0) : out;
}

/** Keyword options of `interpolate`: an output `size` or a `scale_factor`, the `mode` and `align_corners`. */
export interface InterpolateOptions {
  /** The output's spatial size (one int for all dims, or one per dim); give this or `scale_factor`. */
  size?: number | number[] | null;
  /** Multiplier of each spatial size (floored); give this or `size`. */
  scale_factor?: number | number[] | null;
  /** The sampling rule (default 'nearest'); 'linear', 'bilinear', 'trilinear' by the input's spatial rank. */
  mode?: 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';
  /** For the linear modes and 'bicubic': map corner pixel centres onto each other (default false). */
  align_corners?: boolean | null;
  /** With `scale_factor`: sample by the resulting size instead of the given factor. */
  recompute_scale_factor?: boolean | null;
  /** Low-pass filter when downsampling with 'bilinear' / 'bicubic' (default false). */
  antialias?: boolean;
}

/**
 * Resizes `[N, C, H, W]` bilinearly (UpsampleBilinear2DBackward1) or by nearest neighbour.
 *
 * @example
 * F.interpolate(x, { size: [28, 28], mode: 'bilinear', align_corners: false });
 */
function interpolate_impl(input: Tensor, options: InterpolateOptions): Tensor {
  check_4d(input, 'interpolate');
  const mode = options.mode ?? 'nearest';
  const [N, C, H, W] = input._shape as [number, number, number, number];
  let Ho: number;
  let Wo: number;
  let sf: [number | null, number | null] = [null, null];
  if (options.size !== undefined && options.size !== null) {
    if (options.scale_factor !== undefined && options.scale_factor !== null) throw new Error('only one of size or scale_factor should be defined');
    [Ho, Wo] = pair(options.size, 'size');
  } else if (options.scale_factor !== undefined && options.scale_factor !== null) {
    const [sh, sw] = typeof options.scale_factor === 'number' ? [options.scale_factor, options.scale_factor] : options.scale_factor;
    // PyTorch casts the product to an integer (truncating toward zero)
    Ho = Math.trunc(H * sh);
    Wo = Math.trunc(W * sw);
    sf = [sh, sw];
  } else throw new Error('either size or scale_factor should be defined');
  check_resize(mode === 'bilinear' ? 'upsample_bilinear2d' : 'upsample_nearest2d', H, W, Ho, Wo);
  if (mode === 'nearest') {
    if (options.align_corners !== undefined && options.align_corners !== null) throw new Error('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
    return interpolate_nearest(input, Ho, Wo, sf);
  }
  if (mode !== 'bilinear') throw new Error(`tsgrad: interpolate mode '${String(mode)}' is not supported (bilinear, nearest)`);
  const ac = options.align_corners ?? false;
  const rh = area_pixel_scale(H, Ho, ac, sf[0]);
  const rw = area_pixel_scale(W, Wo, ac, sf[1]);
  return upsample_bilinear2d(input, Ho, Wo, rh, rw, ac);
}

/** Bilinear resize by the source scales `rh`, `rw` (UpsampleBilinear2DBackward1). */
function upsample_bilinear2d(x: Tensor, Ho: number, Wo: number, rh: number, rw: number, ac: boolean): Tensor {
  const [N, C, H, W] = x._shape as [number, number, number, number];
  const out = empty([N, C, Ho, Wo], x._dtype);
  kernels().upsample_bilinear2d_forward(float_data(x), out._storage.data as FloatArray, N * C, H, W, Ho, Wo, rh, rw, ac);
  record('UpsampleBilinear2DBackward1', [x], [out], (_c, [g]) => {
    const gx = empty([N, C, H, W], g!._dtype);
    kernels().upsample_bilinear2d_backward(float_data(g!), gx._storage.data as FloatArray, N * C, H, W, Ho, Wo, rh, rw, ac);
    // the rule is linear in g and its adjoint is the resize itself (1.13 names the pair Backward1, like the forward)
    record('UpsampleBilinear2DBackwardBackward1', [g!], [gx], (_c2, [gg]) => [upsample_bilinear2d(gg!, Ho, Wo, rh, rw, ac)]);
    return [gx];
  });
  return out;
}

function interpolate_nearest(x: Tensor, Ho: number, Wo: number, sf: [number | null, number | null]): Tensor {
  const [N, C, H, W] = x._shape as [number, number, number, number];
  const sh = sf[0] === null ? H / Ho : 1 / sf[0];
  const sw = sf[1] === null ? W / Wo : 1 / sf[1];
  const rows = Array.from({ length: Ho }, (_, i) => Math.min(Math.floor(i * sh), H - 1));
  const cols = Array.from({ length: Wo }, (_, j) => Math.min(Math.floor(j * sw), W - 1));
  const idx = empty([N, C, Ho, Wo], 'int64');
  const d = idx._storage.data;
  let k = 0;
  for (let n = 0; n < N * C; n++) for (const r of rows) for (const c of cols) d[k++] = r * W + c;
  const flat = x.reshape([N, C, H * W]);
  return gather(flat, 2, idx.reshape([N, C, Ho * Wo])).reshape([N, C, Ho, Wo]);
}

/** SELU's `scale · alpha`: the value alpha dropout gives dropped units before its affine correction. */
const SELU_SCALED_ALPHA = 1.7580993408473766;

/**
 * The tensors PyTorch's CPU dropout multiplies by (its composite `_dropout_impl`, no fused kernel): a
 * `bernoulli_(1 − p)` draw per element of `noise_shape` (the input's shape, or `[N, C, 1, …]` for the channel
 * kinds), in the input's dtype. Plain dropout scales the kept ones by `1/(1 − p)`; alpha dropout turns the draws
 * into `noise·a` and the shift `b = (noise − 1)·αa + αap`. Returns `[noise, shift | null]`.
 *
 * @hidden
 */
export function dropout_noise(noise_shape: readonly number[], dtype: DType, p: number, alpha: boolean, generator: Generator | null = null): [Tensor, Tensor | null] {
  const noise = empty(noise_shape, dtype);
  bernoulli_(noise, 1 - p, { generator });
  const nd = noise._storage.data;
  // the scalars are cast to the tensor's dtype before each elementwise step, as PyTorch's scalar ops do
  const cast = dtype === 'float32' ? Math.fround : (v: number): number => v;
  if (!alpha) {
    const scale = cast(1 / cast(1 - p));
    for (let i = 0; i < nd.length; i++) nd[i] = nd[i] === 0 ? 0 : scale;
    return [noise, null];
  }
  const a = 1 / Math.sqrt((SELU_SCALED_ALPHA * SELU_SCALED_ALPHA * p + 1) * (1 - p));
  const [alpha_a, shift, scale] = [cast(SELU_SCALED_ALPHA * a), cast(SELU_SCALED_ALPHA * a * p), cast(a)];
  const b = empty(noise_shape, dtype);
  const bd = b._storage.data;
  for (let i = 0; i < nd.length; i++) {
    bd[i] = cast(cast((nd[i]! - 1) * alpha_a) + shift);
    nd[i] = cast(nd[i]! * scale);
  }
  return [noise, b];
}

/**
 * Dropout as PyTorch computes it on the CPU: `input · noise` (a `MulBackward0`), the noise `bernoulli(1 − p)/(1 − p)`;
 * the very same tensor in eval (`training: false`), for `p = 0` or an empty input.
 */
function dropout_impl(input: Tensor, p: number, training: boolean, inplace: boolean, generator: Generator | null): Tensor {
  if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0 || input.numel() === 0) return input;
  const noise = p === 1 ? zeros([], { dtype: input._dtype }) : dropout_noise(input._shape, input._dtype, p, false, generator)[0];
  return inplace ? input.mul_(noise) : mul(input, noise);
}

/** How a loss reduces its per-element values: PyTorch's `reduction` argument. */
export type Reduction = 'mean' | 'sum' | 'none';
/** Keyword options of `nll_loss` (class `weight`, `ignore_index`, `reduction`). */
export interface NllOptions {
  /** A weight per class, `[C]`; each sample's loss is scaled by its target's weight. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing, neither loss nor gradient (default -100). */
  ignore_index?: number;
  /** 'mean' (default; the weighted mean), 'sum' or 'none'. */
  reduction?: Reduction;
}

function check_reduction(r: string): Reduction {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new Error(`${r} is not a valid value for reduction`);
  return r;
}

/**
 * Negative log-likelihood of log-probabilities `[N, C]` (or `[C]`) against int64 targets (NllLossBackward0).
 * `'mean'` divides by the summed weights of the non-ignored targets.
 */
function nll_loss_impl(input: Tensor, target: Tensor, options: NllOptions = {}): Tensor {
  if (input.ndim > 2) return nll_loss_nd(input, target, options);
  const reduction = check_reduction(options.reduction ?? 'mean');
  const ignore = options.ignore_index ?? -100;
  const weight = options.weight ?? null;
  // nll_loss_nd's batch check, then nll_loss's target rank, before the kernel's dtype check
  if (input.ndim === 2 && target.ndim >= 1 && input._shape[0] !== target._shape[0]) {
    throw new Error(`Expected input batch_size (${input._shape[0]}) to match target batch_size (${target._shape[0]}).`);
  }
  if (target.ndim > 1) throw new Error('0D or 1D target tensor expected, multi-target not supported');
  if (target._dtype !== 'int64') throw new Error(`expected scalar type Long but found ${target._dtype === 'float32' ? 'Float' : target._dtype === 'float64' ? 'Double' : 'Bool'}`);
  const x = input.ndim === 1 ? unsqueeze(input, 0) : input;
  const tg = target.ndim === 0 ? target.reshape([1]) : target;
  if (x.ndim !== 2) throw new Error(`tsgrad: nll_loss supports [N, C] inputs, got [${input._shape.join(', ')}]`);
  const [N, C] = x._shape as [number, number];
  if (tg._shape[0] !== N) throw new Error(`Expected input batch_size (${N}) to match target batch_size (${tg._shape[0]}).`);
  if (weight !== null && (weight.ndim !== 1 || weight._shape[0] !== C)) throw new Error(`weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: [${weight._shape.join(', ')}]`);
  const t = tg._contiguous_data();
  const w = weight === null ? null : weight._contiguous_data();
  const xd = x._contiguous_data();
  const per = new Float64Array(N);
  const wt = new Float64Array(N);
  let total_w = 0;
  for (let n = 0; n < N; n++) {
    const c = t[n]!;
    if (c === ignore) continue;
    if (c < 0 || c >= C || !Number.isInteger(c)) throw new RangeError(`Target ${c} is out of bounds.`);
    wt[n] = w === null ? 1 : w[c]!;
    per[n] = -wt[n]! * xd[n * C + c]!;
    total_w += wt[n]!;
  }
  let out: Tensor;
  if (reduction === 'none') {
    out = empty([N], x._dtype);
    out._storage.data.set(per);
    if (input.ndim === 1) out = out.reshape([]);
  } else {
    out = empty([], x._dtype);
    const s = per.reduce((a, b) => a + b, 0);
    out._storage.data[0] = reduction === 'sum' ? s : s / total_w;
  }
  const in_shape = input._shape;
  // input, target and weight are saved as in PyTorch (E2 on a second backward, E9 if one changes in place)
  record('NllLossBackward0', [input], [out], (ctx, [g]) => {
    const [xs] = ctx.saved_tensors;
    const gx = empty(in_shape, x._dtype);
    const gd = g!._contiguous_data();
    const gxd = gx._storage.data;
    for (let n = 0; n < N; n++) {
      const c = t[n]!;
      if (c === ignore) continue;
      const scale = reduction === 'none' ? gd[n]! : reduction === 'sum' ? gd[0]! : gd[0]! / total_w;
      gxd[n * C + c] = -wt[n]! * scale;
    }
    // the rule is linear in g, and its adjoint is nll_loss itself; w.r.t. the input it is zero
    record('NllLossBackwardBackward0', [g!, xs!], [gx], (c2, [gg]) => [
      c2.needs_input_grad(0) ? nll_loss(gg!, target, { weight, ignore_index: ignore, reduction }) : null,
      c2.needs_input_grad(1) ? empty(in_shape, x._dtype) : null,
    ]);
    return [gx];
  }, weight === null ? [input, target] : [input, target, weight]);
  return out;
}

/** Keyword options of `cross_entropy` (those of `nll_loss` and `label_smoothing`). */
export interface CrossEntropyOptions extends NllOptions {
  /** ε in [0, 1]: the target becomes `(1 - ε)·one_hot + ε / C` (default 0). */
  label_smoothing?: number;
}

/**
 * `nll_loss(log_softmax(input, 1), target)`; with `label_smoothing` ε mixes in the mean over classes.
 *
 * @example
 * F.cross_entropy(logits, target, { reduction: 'sum' });
 */
/**
 * `[N, C, d1, …]` scores against `[N, d1, …]` targets: the class dim moved last and every position treated as
 * a sample (PyTorch's nll_loss2d gives the same values; its node is NllLoss2DBackward0).
 */
function nll_loss_nd(input: Tensor, target: Tensor, options: NllOptions): Tensor {
  const [N, C] = input._shape as [number, number];
  const rest = input._shape.slice(2);
  const expected = [N, ...rest];
  if (target._shape.join() !== expected.join()) {
    throw new Error(`Expected target size [${expected.join(', ')}], got [${target._shape.join(', ')}]`);
  }
  const perm = [0, ...rest.map((_, i) => i + 2), 1];
  const rows = input.permute(perm).reshape([-1, C]);
  const out = nll_loss_impl(rows, target.reshape([-1]), options);
  return (options.reduction ?? 'mean') === 'none' ? out.reshape(expected) : out;
}

function cross_entropy_impl(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const eps = options.label_smoothing ?? 0;
  if (eps < 0 || eps > 1) throw new Error(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  if (target._dtype !== 'int64' && target._shape.join() === input._shape.join()) return soft_cross_entropy(input, target, options);
  const class_dim = input.ndim === 1 ? 0 : 1;
  const logp = log_softmax(input, class_dim);
  const nll = nll_loss_impl(logp, target, options);
  if (eps === 0) return nll;
  const reduction = options.reduction ?? 'mean';
  const ignore = options.ignore_index ?? -100;
  const C = input._shape[class_dim]!;
  const weight = options.weight ?? null;
  const ignored = eq(target, ignore);
  const wlogp = weight === null ? logp : mul(logp, weight.view(input._shape.map((_, i) => (i === class_dim ? C : 1))));
  let smooth = neg(sum(wlogp, class_dim));
  smooth = where(ignored, 0, smooth);
  let ret: Tensor;
  if (reduction === 'none') ret = smooth;
  else if (reduction === 'sum') ret = sum(smooth);
  else if (weight !== null) {
    const kept = where(ignored, 0, target);
    // flat, the mask as the gathered weights (a K-dim target [N, d1, …] would otherwise broadcast against them)
    const wsum = sum(where(ignored.reshape([-1]), 0, gather(weight, 0, kept.reshape([-1]))));
    ret = div(sum(smooth), wsum);
  } else {
    ret = div(sum(smooth), sum(to_dtype(logical_not(ignored), smooth._dtype)));
  }
  return add(mul(nll, 1 - eps), mul(ret, eps / C));
}

function soft_cross_entropy(input: Tensor, target: Tensor, options: CrossEntropyOptions): Tensor {
  const eps = options.label_smoothing ?? 0;
  // classes on dim 1 of [N, C, d1, …], on dim 0 of an unbatched [C]
  const class_dim = input.ndim === 1 ? 0 : 1;
  const C = input._shape[class_dim]!;
  const tgt = eps > 0 ? add(mul(target, 1 - eps), eps / C) : target;
  const logp = log_softmax(input, class_dim);
  const weighted = options.weight ? mul(logp, options.weight.view(input._shape.map((_, i) => (i === class_dim ? C : 1)))) : logp;
  const per = neg(sum(mul(weighted, tgt), class_dim));
  const r = options.reduction ?? 'mean';
  // 'mean' averages over every position of every sample (N·d1·…), the weights notwithstanding
  return r === 'none' ? per : r === 'sum' ? sum(per) : div(sum(per), input.numel() / C);
}

function reduce_loss(per: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? per : reduction === 'sum' ? sum(per) : mean(per);
}

const size_text = (t: Tensor): string => `torch.Size([${t._shape.join(', ')}])`;

/** PyTorch's warning when an elementwise loss is about to broadcast its target against its input. */
function warn_size_mismatch(input: Tensor, target: Tensor): void {
  if (input._shape.join() !== target._shape.join()) {
    warn(`Using a target size (${size_text(target)}) that is different to the input size (${size_text(input)}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`);
  }
}

/** Mean squared error (MseLossBackward0; edges: input, target). */
function mse_loss_impl(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  const reduction = check_reduction(options.reduction ?? 'mean');
  const diff = sub(input.detach(), target.detach());
  const sq = mul(diff, diff);
  const out = reduction === 'none' ? sq : reduction === 'sum' ? sum(sq) : mean(sq);
  const n = input.numel();
  record('MseLossBackward0', [input, target], [out], (ctx, [g]) => {
    const [a, b] = ctx.saved_tensors;
    const scale = reduction === 'mean' ? 2 / n : 2;
    // as PyTorch, the target's gradient is the same rule with the operands swapped
    return [ctx.needs_input_grad(0) ? mse_loss_backward(g!, a!, b!, scale) : null, ctx.needs_input_grad(1) ? mse_loss_backward(g!, b!, a!, scale) : null];
  }, [input, target]);
  return out;
}

/**
 * MseLossBackward0's rule as an op, `scale·(x - t)·g` (MseLossBackwardBackward0; edges: grad_output, x, t),
 * recorded when a graph is being built.
 */
function mse_loss_backward(g: Tensor, x: Tensor, t: Tensor, scale: number): Tensor {
  const gx = no_grad(() => mul(mul(sub(x, t), scale), g));
  record('MseLossBackwardBackward0', [g, x, t], [gx], (ctx, [u]) => {
    const [gs, xs, ts] = ctx.saved_tensors;
    const d = mul(mul(gs!, u!), scale);
    const g_grad = ctx.needs_input_grad(0) ? mul(mul(sub(xs!, ts!), scale), u!) : null;
    return [g_grad, ctx.needs_input_grad(1) ? d : null, ctx.needs_input_grad(2) ? neg(d) : null];
  }, [g, x, t]);
  return gx;
}

/** Mean absolute error (composed; gradient sign(x - y)). */
function l1_loss_impl(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  return reduce_loss(abs(sub(input, target)), check_reduction(options.reduction ?? 'mean'));
}

/** The upstream gradient of an elementwise loss per element: `g` itself (`'none'`, `'sum'`) or `g / n` (`'mean'`). */
function loss_scale(g: Tensor, reduction: Reduction, n: number): Tensor {
  return reduction === 'mean' ? div(g, n) : g;
}

/** `log(sigmoid(z))`, computed stably as `min(z, 0) - log(1 + exp(-|z|))`. */
function log_sigmoid(z: Tensor): Tensor {
  return sub(neg(relu(neg(z))), map_log1p_exp(neg(abs(z))));
}

/**
 * Smooth L1 (Huber with `beta`): `0.5 d²/beta` where `|d| < beta`, else `|d| - 0.5 beta`
 * (SmoothL1LossBackward0; edges: input, target).
 */
function smooth_l1_loss_impl(input: Tensor, target: Tensor, options: { reduction?: Reduction; beta?: number } = {}): Tensor {
  const beta = options.beta ?? 1;
  const reduction = check_reduction(options.reduction ?? 'mean');
  if (beta < 0) throw new Error('smooth_l1_loss does not support negative values for beta.');
  const out = no_grad(() => {
    const d = abs(sub(input, target));
    const per = beta === 0 ? d : where(d.lt(beta), div(mul(mul(d, d), 0.5), beta), sub(d, 0.5 * beta));
    return reduce_loss(per, reduction);
  });
  const n = numel_of(broadcast_shapes(input._shape, target._shape));
  record('SmoothL1LossBackward0', [input, target], [out], (ctx, [g]) => {
    const [x, t] = ctx.saved_tensors;
    // as PyTorch, the target's gradient is the same rule with the operands swapped
    return [
      ctx.needs_input_grad(0) ? smooth_l1_loss_backward(g!, x!, t!, reduction, n, beta) : null,
      ctx.needs_input_grad(1) ? smooth_l1_loss_backward(g!, t!, x!, reduction, n, beta) : null,
    ];
  }, [input, target]);
  return out;
}

/**
 * SmoothL1LossBackward0's rule as an op, `scale(g)·clamp((x - t) / beta, -1, 1)` (`sign(x - t)` for beta 0)
 * (SmoothL1LossBackwardBackward0; edges: grad_output, x, t), recorded when a graph is being built.
 */
function smooth_l1_loss_backward(g: Tensor, x: Tensor, t: Tensor, reduction: Reduction, n: number, beta: number): Tensor {
  const slope = (d: Tensor): Tensor => (beta === 0 ? sign(d) : clamp(div(d, beta), -1, 1));
  const gx = no_grad(() => mul(loss_scale(g, reduction, n), slope(sub(x, t))));
  record('SmoothL1LossBackwardBackward0', [g, x, t], [gx], (ctx, [u]) => {
    const [gs, xs, ts] = ctx.saved_tensors;
    const d = sub(xs!, ts!);
    // the slope's own derivative: 1/beta where |x - t| < beta, else (and for beta 0) zero
    const curve = beta === 0 ? mul(d, 0) : div(to_dtype(abs(d).lt(beta), d._dtype), beta);
    const dx = mul(mul(loss_scale(gs!, reduction, n), u!), curve);
    return [ctx.needs_input_grad(0) ? loss_scale(mul(u!, slope(d)), reduction, n) : null, ctx.needs_input_grad(1) ? dx : null, ctx.needs_input_grad(2) ? neg(dx) : null];
  }, [g, x, t]);
  return gx;
}

/**
 * Binary cross-entropy on probabilities, log terms clamped at -100 as PyTorch
 * (BinaryCrossEntropyBackward0; edges: input, target — `weight` is not differentiable, as in PyTorch).
 */
function binary_cross_entropy_impl(input: Tensor, target: Tensor, options: { weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  if (input._shape.join() !== target._shape.join()) throw new Error(`Using a target size (${size_text(target)}) that is different to the input size (${size_text(input)}) is deprecated. Please ensure they have the same size.`);
  const d = input._contiguous_data();
  for (let i = 0; i < d.length; i++) if (!(d[i]! >= 0 && d[i]! <= 1)) throw new Error('all elements of input should be between 0 and 1');
  const reduction = check_reduction(options.reduction ?? 'mean');
  const weight = options.weight ?? null;
  const out = no_grad(() => {
    const logp = clamp(log(input), -100);
    const log1mp = clamp(log(rsub(input, 1)), -100);
    const per = neg(add(mul(target, logp), mul(rsub(target, 1), log1mp)));
    return reduce_loss(weight === null ? per : mul(per, weight), reduction);
  });
  const n = input.numel();
  record('BinaryCrossEntropyBackward0', [input, target], [out], (ctx, [g]) => {
    const [x, t, w] = ctx.saved_tensors;
    // d/dt = -logit(x) = log(1 - x) - log(x)
    const s = w == null ? loss_scale(g!, reduction, n) : mul(loss_scale(g!, reduction, n), w);
    return [
      ctx.needs_input_grad(0) ? binary_cross_entropy_backward(g!, x!, t!, w ?? null, reduction, n) : null,
      ctx.needs_input_grad(1) ? mul(s, sub(log(rsub(x!, 1)), log(x!))) : null,
    ];
  }, weight === null ? [input, target] : [input, target, weight]);
  return out;
}

/**
 * BinaryCrossEntropyBackward0's input rule as an op, `scale(g)·w·(x - t) / h` with `h = max(x (1 - x), 1e-12)`
 * (BinaryCrossEntropyBackwardBackward0; edges: grad_output, x, t), recorded when a graph is being built.
 */
function binary_cross_entropy_backward(g: Tensor, x: Tensor, t: Tensor, w: Tensor | null, reduction: Reduction, n: number): Tensor {
  const weighted = (v: Tensor): Tensor => (w === null ? v : mul(v, w));
  const h = (a: Tensor): Tensor => clamp(mul(a, rsub(a, 1)), 1e-12);
  const gx = no_grad(() => weighted(mul(loss_scale(g, reduction, n), div(sub(x, t), h(x)))));
  record('BinaryCrossEntropyBackwardBackward0', [g, x, t], [gx], (ctx, [u]) => {
    const [gs, xs, ts] = ctx.saved_tensors;
    const hx = h(xs!);
    const su = weighted(mul(loss_scale(gs!, reduction, n), u!));
    // d/dx (x - t) / h = (h - (x - t) h') / h², where h' = 1 - 2x unless h is clamped
    const dh = mul(rsub(mul(xs!, 2), 1), to_dtype(hx.gt(1e-12), xs!._dtype));
    const dx = mul(su, div(sub(hx, mul(sub(xs!, ts!), dh)), mul(hx, hx)));
    return [
      ctx.needs_input_grad(0) ? loss_scale(weighted(mul(u!, div(sub(xs!, ts!), hx))), reduction, n) : null,
      ctx.needs_input_grad(1) ? dx : null,
      ctx.needs_input_grad(2) ? neg(div(su, hx)) : null,
    ];
  }, [g, x, t]);
  return gx;
}

/**
 * Numerically stable BCE on logits, `max(x,0) - x*y + log(1 + exp(-|x|))`, with optional `pos_weight`
 * (BinaryCrossEntropyWithLogitsBackward0; edges: input, target — the weights are not differentiable).
 */
function binary_cross_entropy_with_logits_impl(input: Tensor, target: Tensor, options: { weight?: Tensor | null; pos_weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  if (input._shape.join() !== target._shape.join()) throw new Error(`Target size (${size_text(target)}) must be the same as input size (${size_text(input)})`);
  const reduction = check_reduction(options.reduction ?? 'mean');
  const weight = options.weight ?? null;
  const pos_weight = options.pos_weight ?? null;
  const out = no_grad(() => {
    const softplus_neg_abs = map_log1p_exp(neg(abs(input)));
    let per: Tensor;
    if (pos_weight !== null) {
      const lw = add(mul(sub(pos_weight, 1), target), 1);
      per = add(mul(rsub(target, 1), input), mul(lw, add(softplus_neg_abs, relu(neg(input)))));
    } else {
      per = add(sub(relu(input), mul(input, target)), softplus_neg_abs);
    }
    return reduce_loss(weight === null ? per : mul(per, weight), reduction);
  });
  const n = input.numel();
  const saved = [input, target, ...(weight === null ? [] : [weight]), ...(pos_weight === null ? [] : [pos_weight])];
  record('BinaryCrossEntropyWithLogitsBackward0', [input, target], [out], (ctx, [g]) => {
    const [x, t, ...rest] = ctx.saved_tensors;
    const w = weight === null ? null : rest[0]!;
    const pw = pos_weight === null ? null : rest[rest.length - 1]!;
    const s = w === null ? loss_scale(g!, reduction, n) : mul(loss_scale(g!, reduction, n), w);
    // d/dx = sigmoid(x) (1 + (pw - 1) t) - pw t; d/dt = -x, or log σ(-x) - pw log σ(x) with pos_weight
    const gx = pw === null ? sub(sigmoid(x!), t!) : sub(mul(add(mul(sub(pw, 1), t!), 1), sigmoid(x!)), mul(pw, t!));
    const gt = pw === null ? neg(x!) : sub(log_sigmoid(neg(x!)), mul(pw, log_sigmoid(x!)));
    return [ctx.needs_input_grad(0) ? mul(s, gx) : null, ctx.needs_input_grad(1) ? mul(s, gt) : null];
  }, saved);
  return out;
}

function map_log1p_exp(x: Tensor): Tensor {
  return log(add(x.exp(), 1));
}


// ---- public forms: PyTorch's signatures, read by the shared parser -----------------------------------------

const CONV2D = signature<{ input: Tensor; weight: Tensor; bias: Tensor | null; stride: [number, number]; padding: [number, number] | string; dilation: [number, number]; groups: number }>(
  'conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2]|str padding=0, int[2] dilation=1, int groups=1)');

/**
 * 2-D convolution over `[N, C, H, W]` with zero padding (ConvolutionBackward0; edges: input, weight, bias).
 *
 * @example
 * F.conv2d(x, w, b, { stride: 2, padding: 1 }); F.conv2d(x, w, null, 1, 'same');
 */
export function conv2d(...args: PyArgs<[input: Tensor, weight: Tensor, bias: Tensor | null, stride: Pair, padding: Pair | 'same' | 'valid', dilation: Pair, groups: number], Conv2dOptions & { input?: Tensor; weight?: Tensor; bias?: Tensor | null }>): Tensor {
  if (tracing) return trace_op('aten::conv2d', conv2d, args, CONV2D);
  const a = CONV2D.parse(args);
  if (typeof a.padding === 'string' && a.padding !== 'same' && a.padding !== 'valid') throw new Error(`Invalid padding string: '${a.padding}'`);
  return conv2d_impl(a.input, a.weight, a.bias, { stride: a.stride, padding: a.padding as Conv2dOptions['padding'], dilation: a.dilation, groups: a.groups });
}

type PoolArgs<O> = PyArgs<[input: Tensor, kernel_size: Pair, stride: Pair | null, padding: Pair], O & { input?: Tensor; kernel_size?: Pair }>;
const MAX_POOL2D = signature<{ input: Tensor; kernel_size: number[]; stride: number[] | null; padding: number[]; dilation: number[]; ceil_mode: boolean; return_indices: boolean }>(
  'max_pool2d(Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, int[2] dilation=1, bool ceil_mode=False, bool return_indices=False)', { python: '_max_pool2d' });

/**
 * Max pooling (MaxPool2DWithIndicesBackward0); `return_indices` gives `[values, indices]`.
 *
 * @example
 * F.max_pool2d(x, 2); F.max_pool2d(x, 3, { stride: 2, padding: 1, return_indices: true });
 */
export function max_pool2d(input: Tensor, kernel_size: Pair, options: MaxPoolOptions & { return_indices: true }): [Tensor, Tensor];
export function max_pool2d(...args: PoolArgs<MaxPoolOptions>): Tensor;
export function max_pool2d(...args: unknown[]): Tensor | [Tensor, Tensor] {
  if (tracing) return trace_op('aten::max_pool2d', max_pool2d, args, MAX_POOL2D) as Tensor | [Tensor, Tensor];
  const a = MAX_POOL2D.parse(args);
  return max_pool2d_impl(a.input, a.kernel_size, a);
}

const AVG_POOL2D = signature<{ input: Tensor; kernel_size: number[]; stride: number[] | null; padding: number[]; ceil_mode: boolean; count_include_pad: boolean; divisor_override: number | null }>(
  'avg_pool2d(Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)');

/**
 * Average pooling (AvgPool2DBackward0).
 *
 * @example
 * F.avg_pool2d(x, 2); F.avg_pool2d(x, 3, 2, 1, { count_include_pad: false });
 */
export function avg_pool2d(...args: PoolArgs<AvgPoolOptions>): Tensor {
  if (tracing) return trace_op('aten::avg_pool2d', avg_pool2d, args, AVG_POOL2D);
  const a = AVG_POOL2D.parse(args);
  if (a.divisor_override === 0) throw new Error('divisor must be not zero');
  return avg_pool2d_impl(a.input, a.kernel_size, a);
}

const ADAPTIVE_AVG_POOL2D = signature<{ input: Tensor; output_size: (number | null)[] }>('adaptive_avg_pool2d(Tensor input, int?[2] output_size)');

/**
 * Adaptive average pooling to `output_size` (AdaptiveAvgPool2DBackward0; a 1×1 output is a mean, MeanBackward1).
 *
 * @example
 * F.adaptive_avg_pool2d(x, 1); F.adaptive_avg_pool2d(x, [7, null]);
 */
export function adaptive_avg_pool2d(...args: PyArgs<[input: Tensor, output_size: Pair | [number | null, number | null]], { input?: Tensor; output_size?: Pair | [number | null, number | null] }>): Tensor {
  if (tracing) return trace_op('aten::adaptive_avg_pool2d', adaptive_avg_pool2d, args, ADAPTIVE_AVG_POOL2D);
  const a = ADAPTIVE_AVG_POOL2D.parse(args);
  if (a.output_size.some((v) => v !== null && v < 0)) throw new Error(`adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${a.output_size.join(', ')}}`);
  return adaptive_avg_pool2d_impl(a.input, a.output_size as [number | null, number | null]);
}

const INTERPOLATE = signature<{ input: Tensor; size: number[] | null; scale_factor: number[] | null; mode: string; align_corners: boolean | null; recompute_scale_factor: boolean | null; antialias: boolean }>(
  "interpolate(Tensor input, int[1]? size=None, float[1]? scale_factor=None, str mode='nearest', bool? align_corners=None, bool? recompute_scale_factor=None, bool antialias=False)");

/**
 * Resizes `[N, C, H, W]` bilinearly (UpsampleBilinear2DBackward1) or by nearest neighbour.
 *
 * @example
 * F.interpolate(x, { size: [28, 28], mode: 'bilinear', align_corners: false }); F.interpolate(x, null, 2);
 */
export function interpolate(...args: PyArgs<[input: Tensor, size: number | [number, number] | null, scale_factor: number | [number, number] | null, mode: InterpolateOptions['mode']], InterpolateOptions & { input?: Tensor; recompute_scale_factor?: boolean | null; antialias?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::interpolate', interpolate, args, INTERPOLATE);
  const a = INTERPOLATE.parse(args);
  if (a.antialias) throw new Error('tsgrad: interpolate antialias=True is not supported');
  // 2-d nearest / bilinear run the kernels above; every other mode and rank the sparse-map version
  const pairs = (a.size === null || a.size.length <= 2) && (a.scale_factor === null || a.scale_factor.length <= 2);
  if (a.input.ndim !== 4 || (a.mode !== 'nearest' && a.mode !== 'bilinear') || a.recompute_scale_factor !== null || !pairs) {
    return interpolate_nd(a.input, { size: a.size, scale_factor: a.scale_factor, mode: a.mode as InterpolateOptions['mode'], align_corners: a.align_corners, recompute_scale_factor: a.recompute_scale_factor });
  }
  const two = (v: number[] | null): [number, number] | null => (v === null ? null : v.length === 1 ? [v[0]!, v[0]!] : (v as [number, number]));
  return interpolate_impl(a.input, { size: two(a.size), scale_factor: two(a.scale_factor), mode: a.mode as InterpolateOptions['mode'], align_corners: a.align_corners });
}

const DROPOUT = signature<{ input: Tensor; p: number; training: boolean; inplace: boolean; generator: Generator | null }>(
  'dropout(Tensor input, float p=0.5, bool training=True, bool inplace=False, *, Any generator=None)', { native: { training: 'train' } });

/**
 * Dropout: zeroes elements with probability `p` and scales the rest by `1/(1-p)` in training, drawing PyTorch's
 * CPU mask (`bernoulli_(1 − p)`, a `MulBackward0` node); the very same tensor in eval (`training: false`).
 *
 * @example
 * F.dropout(x, 0.2); F.dropout(x, { p: 0.2, training: net.training });
 */
export function dropout(...args: PyArgs<[input: Tensor, p: number, training: boolean, inplace: boolean], { input?: Tensor; p?: number; training?: boolean; inplace?: boolean; generator?: Generator | null }>): Tensor {
  if (tracing) return trace_op('aten::dropout', dropout, args, DROPOUT);
  const a = DROPOUT.parse(args);
  return dropout_impl(a.input, a.p, a.training, a.inplace, a.generator);
}

/**
 * `size_average` / `reduce` (deprecated) mapped onto `reduction` as PyTorch does, with its warning.
 *
 * @example
 * legacy_reduction({ size_average: false, reduce: null, reduction: 'mean' }); // 'sum'
 */
export function legacy_reduction(a: { size_average: boolean | null; reduce: boolean | null; reduction: string }): Reduction {
  if (a.size_average === null && a.reduce === null) return check_reduction(a.reduction);
  const size_average = a.size_average ?? true;
  const reduce = a.reduce ?? true;
  const r: Reduction = !reduce ? 'none' : size_average ? 'mean' : 'sum';
  warn(`size_average and reduce args will be deprecated, please use reduction='${r}' instead.`);
  return r;
}

interface LossParsed { input: Tensor; target: Tensor; size_average: boolean | null; reduce: boolean | null; reduction: string }
/** Keyword options every loss takes. */
export interface LossOptions {
  /** Deprecated: false means `reduction: 'sum'` (PyTorch warns, and so does tsgrad). */
  size_average?: boolean | null;
  /** Deprecated: false means `reduction: 'none'`. */
  reduce?: boolean | null;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}
type LossArgs<O> = PyArgs<[input: Tensor, target: Tensor], O & LossOptions & { input?: Tensor; target?: Tensor }>;
const SIZE_AVERAGE = 'bool? size_average=None';
const REDUCE = 'bool? reduce=None';
const LEGACY = `${SIZE_AVERAGE}, ${REDUCE}`;

const NLL_LOSS = signature<LossParsed & { weight: Tensor | null; ignore_index: number }>(`nll_loss(Tensor input, Tensor target, Tensor? weight=None, ${SIZE_AVERAGE}, int ignore_index=-100, ${REDUCE}, str reduction='mean')`);
const CROSS_ENTROPY = signature<LossParsed & { weight: Tensor | null; ignore_index: number; label_smoothing: number }>(
  `cross_entropy(Tensor input, Tensor target, Tensor? weight=None, ${SIZE_AVERAGE}, int ignore_index=-100, ${REDUCE}, str reduction='mean', float label_smoothing=0.0)`);
const MSE_LOSS = signature<LossParsed>(`mse_loss(Tensor input, Tensor target, ${LEGACY}, str reduction='mean')`);
const L1_LOSS = signature<LossParsed>(`l1_loss(Tensor input, Tensor target, ${LEGACY}, str reduction='mean')`);
const SMOOTH_L1_LOSS = signature<LossParsed & { beta: number }>(`smooth_l1_loss(Tensor input, Tensor target, ${LEGACY}, str reduction='mean', float beta=1.0)`);
const BCE = signature<LossParsed & { weight: Tensor | null }>(`binary_cross_entropy(Tensor input, Tensor target, Tensor? weight=None, ${LEGACY}, str reduction='mean')`);
const BCE_LOGITS = signature<LossParsed & { weight: Tensor | null; pos_weight: Tensor | null }>(
  `binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight=None, ${LEGACY}, str reduction='mean', Tensor? pos_weight=None)`);

/**
 * Negative log-likelihood of log-probabilities `[N, C]` (or `[C]`) against int64 targets (NllLossBackward0).
 * `'mean'` divides by the summed weights of the non-ignored targets.
 *
 * @example
 * F.nll_loss(F.log_softmax(x, 1), target); F.nll_loss(logp, target, { reduction: 'sum' });
 */
export function nll_loss(...args: LossArgs<NllOptions>): Tensor {
  if (tracing) return trace_op('aten::nll_loss', nll_loss, args, NLL_LOSS);
  const a = NLL_LOSS.parse(args);
  return nll_loss_impl(a.input, a.target, { weight: a.weight, ignore_index: a.ignore_index, reduction: legacy_reduction(a) });
}

/**
 * `log_softmax` then `nll_loss` (class-index targets) or soft targets (float probabilities), with
 * `label_smoothing`.
 *
 * @example
 * F.cross_entropy(logits, target); F.cross_entropy(logits, target, { reduction: 'sum' });
 */
export function cross_entropy(...args: LossArgs<CrossEntropyOptions>): Tensor {
  if (tracing) return trace_op('aten::cross_entropy', cross_entropy, args, CROSS_ENTROPY);
  const a = CROSS_ENTROPY.parse(args);
  return cross_entropy_impl(a.input, a.target, { weight: a.weight, ignore_index: a.ignore_index, reduction: legacy_reduction(a), label_smoothing: a.label_smoothing });
}

/**
 * Mean squared error (MseLossBackward0; edges: input, target). A target shaped unlike the input warns, as in
 * PyTorch, then broadcasts.
 *
 * @example
 * F.mse_loss(y_pred, y); F.mse_loss(y_pred, y, { reduction: 'sum' });
 */
export function mse_loss(...args: LossArgs<object>): Tensor {
  if (tracing) return trace_op('aten::mse_loss', mse_loss, args, MSE_LOSS);
  const a = MSE_LOSS.parse(args);
  warn_size_mismatch(a.input, a.target);
  return mse_loss_impl(a.input, a.target, { reduction: legacy_reduction(a) });
}

/**
 * Mean absolute error `|input − target|`, reduced (composed; gradient sign(x − y)); warns on a target shaped
 * unlike the input. Arguments: `l1_loss(input, target, size_average=None, reduce=None, reduction='mean')`.
 *
 * @example
 * F.l1_loss(torch.tensor([1, 2]), torch.tensor([0, 0])); // 1.5
 */
export function l1_loss(...args: LossArgs<object>): Tensor {
  if (tracing) return trace_op('aten::l1_loss', l1_loss, args, L1_LOSS);
  const a = L1_LOSS.parse(args);
  warn_size_mismatch(a.input, a.target);
  return l1_loss_impl(a.input, a.target, { reduction: legacy_reduction(a) });
}

/**
 * Smooth L1: `0.5 d²/beta` where `|d| < beta`, else `|d| − 0.5 beta` (SmoothL1LossBackward0); warns on a target
 * shaped unlike the input. Arguments: `smooth_l1_loss(input, target, size_average=None, reduce=None,
 * reduction='mean', beta=1.0)`.
 *
 * @example
 * F.smooth_l1_loss(torch.tensor([0.5, 2]), torch.tensor([0, 0])); // 0.8125
 */
export function smooth_l1_loss(...args: LossArgs<{ beta?: number }>): Tensor {
  if (tracing) return trace_op('aten::smooth_l1_loss', smooth_l1_loss, args, SMOOTH_L1_LOSS);
  const a = SMOOTH_L1_LOSS.parse(args);
  warn_size_mismatch(a.input, a.target);
  return smooth_l1_loss_impl(a.input, a.target, { reduction: legacy_reduction(a), beta: a.beta });
}

/**
 * Binary cross-entropy `−[t·log p + (1 − t)·log(1 − p)]` on probabilities `p`, the logs clamped at -100 as
 * PyTorch (BinaryCrossEntropyBackward0). Arguments: `binary_cross_entropy(input, target, weight=None,
 * size_average=None, reduce=None, reduction='mean')`.
 *
 * @example
 * F.binary_cross_entropy(torch.tensor([0.8, 0.2]), torch.tensor([1, 0])); // 0.2231
 */
export function binary_cross_entropy(...args: LossArgs<{ weight?: Tensor | null }>): Tensor {
  if (tracing) return trace_op('aten::binary_cross_entropy', binary_cross_entropy, args, BCE);
  const a = BCE.parse(args);
  return binary_cross_entropy_impl(a.input, a.target, { weight: a.weight, reduction: legacy_reduction(a) });
}

/**
 * Binary cross-entropy on logits, `binary_cross_entropy(sigmoid(x), t)` computed stably, with an optional
 * `pos_weight` per class for the positive term (BinaryCrossEntropyWithLogitsBackward0). Arguments:
 * `binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
 * reduction='mean', pos_weight=None)`.
 *
 * @example
 * F.binary_cross_entropy_with_logits(torch.tensor([0, 0]), torch.tensor([1, 0])); // 0.6931
 */
export function binary_cross_entropy_with_logits(...args: LossArgs<{ weight?: Tensor | null; pos_weight?: Tensor | null }>): Tensor {
  if (tracing) return trace_op('aten::binary_cross_entropy_with_logits', binary_cross_entropy_with_logits, args, BCE_LOGITS);
  const a = BCE_LOGITS.parse(args);
  return binary_cross_entropy_with_logits_impl(a.input, a.target, { weight: a.weight, pos_weight: a.pos_weight, reduction: legacy_reduction(a) });
}
