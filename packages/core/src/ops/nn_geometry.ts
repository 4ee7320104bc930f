// The geometry arguments of convolution, pooling and resizing checked as PyTorch checks them (lengths, signs,
// zero strides and dilations, padding limits), once per call, so kernels only ever see valid geometry.
import type { Pool2dParams } from '../kernels/js/nn_kernels.js';
import { pool_out_size } from '../kernels/js/nn_kernels.js';

/** Checks convolution's stride, padding, dilation and groups (PyTorch's check_args order and words). */
export function check_conv_args(stride: readonly number[], padding: readonly number[], dilation: readonly number[], groups: number): void {
  if (stride.some((s) => s <= 0)) throw new Error('non-positive stride is not supported');
  if (padding.some((p) => p < 0)) throw new Error('negative padding is not supported');
  if (dilation.some((d) => d <= 0)) throw new Error(`dilation should be greater than zero, but got [${dilation.join(', ')}]`);
  if (groups <= 0) throw new Error('non-positive groups is not supported');
}

/** PyTorch's checks on one pooled dim before its output length (stride not zero, padding within the effective kernel). */
function check_pool_dim(k: number, s: number, p: number, d: number): void {
  if (s === 0) throw new Error('stride should not be zero');
  if (p < 0) throw new Error(`pad must be non-negative, but got pad: ${p}`);
  if (p > Math.trunc(((k - 1) * d + 1) / 2)) throw new Error(`pad should be at most half of effective kernel size, but got pad=${p}, kernel_size=${k} and dilation=${d}`);
}

/**
 * The output length of `max_pool1d` without indices, after PyTorch's own max_pool1d checks (their words differ
 * from the 2-D ones that `return_indices` and autograd's path through max_pool2d use).
 */
export function max_pool1d_length(W: number, k: number, s: number, p: number, d: number, ceil_mode: boolean): number {
  if (k <= 0) throw new Error(`max_pool1d() kernel_size must be greater than zero, but got ${k}`);
  if (s <= 0) throw new Error(`max_pool1d() stride must be greater than zero, but got ${s}`);
  if (p < 0) throw new Error(`max_pool1d() padding must be non-negative, but got ${p}`);
  if (p > Math.trunc(k / 2)) throw new Error(`max_pool1d() padding should be at most half of kernel size, but got padding=${p} and kernel_size=${k}`);
  if (d <= 0) throw new Error(`max_pool1d() dilation must be greater than zero, but got ${d}`);
  const out = pool_out_size(W, k, s, p, d, ceil_mode);
  if (out <= 0) throw new Error(`max_pool1d() Invalid computed output size: ${out}`);
  return out;
}

/**
 * The output sizes `[T, H, W]` of 3-D max or average pooling over `C` planes of `sp`, after PyTorch's checks
 * (each dim's stride and padding, then kernel, stride and dilation positive, the input at least the kernel for
 * average pooling, padding at most half the kernel, and an output of at least one element).
 */
export function pool3d_sizes(
  C: number,
  sp: readonly number[],
  k: readonly number[],
  s: readonly number[],
  p: readonly number[],
  d: readonly number[],
  ceil_mode: boolean,
  check_input_size: boolean,
): number[] {
  for (let i = 0; i < 3; i++) check_pool_dim(k[i]!, s[i]!, p[i]!, d[i]!);
  const out = sp.map((n, i) => pool_out_size(n, k[i]!, s[i]!, p[i]!, d[i]!, ceil_mode));
  const [T, H, W] = sp;
  const [kT, kH, kW] = k;
  const [pT, pH, pW] = p;
  if (k.some((v) => v <= 0)) throw new Error(`kernel size should be greater than zero, but got kT: ${kT} kH: ${kH} kW: ${kW}`);
  if (s.some((v) => v <= 0)) throw new Error(`stride should be greater than zero, but got dT: ${s[0]} dH: ${s[1]} dW: ${s[2]}`);
  if (d.some((v) => v <= 0)) throw new Error(`dilation should be greater than zero, but got dilationT: ${d[0]} dilationH: ${d[1]} dilationW: ${d[2]}`);
  if (check_input_size && (T! < kT! || H! < kH! || W! < kW!)) {
    throw new Error(`input image (T: ${T} H: ${H} W: ${W}) smaller than kernel size (kT: ${kT} kH: ${kH} kW: ${kW})`);
  }
  if (p.some((v, i) => v > Math.trunc(k[i]! / 2))) {
    const eff = k.map((v, i) => (v - 1) * d[i]! + 1);
    throw new Error(`pad should be smaller than or equal to half of effective kernel size, but got padT: ${pT} padW: ${pW} padH: ${pH} effectiveKT: ${eff[0]} effectiveKW: ${eff[2]} effectiveKH: ${eff[1]}`);
  }
  if (out.some((o) => o < 1)) throw new Error(`Given input size: (${C}x${sp.join('x')}). Calculated output size: (${C}x${out.join('x')}). Output size is too small`);
  return out;
}

/**
 * Convolution's shape checks (PyTorch's check_shape_forward, after check_conv_args): the weight's first dim
 * against `groups`, the input's channels, and the padded input at least the dilated kernel on every spatial dim.
 * Shapes are `[N, C, ...spatial]` and `[O, C/groups, ...kernel]`.
 */
export function check_conv_shapes(x: readonly number[], w: readonly number[], groups: number, padding: readonly number[], dilation: readonly number[]): void {
  const ws = `[${w.join(', ')}]`;
  if (w[0]! < groups) throw new Error(`Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${ws} instead`);
  if (w[0]! % groups !== 0) throw new Error(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${ws} instead`);
  if (x[1] !== w[1]! * groups) {
    throw new Error(`Given groups=${groups}, weight of size ${ws}, expected input[${x.join(', ')}] to have ${w[1]! * groups} channels, but got ${x[1]} channels instead`);
  }
  const padded = x.slice(2).map((n, i) => n + 2 * padding[i]!);
  const kernel = w.slice(2).map((k, i) => dilation[i]! * (k - 1) + 1);
  if (padded.some((n, i) => n < kernel[i]!)) {
    throw new Error(`Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${kernel.join(' x ')}). Kernel size can't be greater than actual input size`);
  }
}

/**
 * Transposed convolution's argument checks, in PyTorch's order and words: check_shape_forward's signs, then
 * slow_conv_transpose's dilation and output-padding checks (a 1-d one runs as 2-d of height 1).
 */
export function check_conv_transpose_args(kernel: readonly number[], stride: readonly number[], padding: readonly number[], output_padding: readonly number[], dilation: readonly number[], groups: number): void {
  if (padding.some((p) => p < 0)) throw new Error('negative padding is not supported');
  if (output_padding.some((p) => p < 0)) throw new Error('negative output_padding is not supported');
  if (stride.some((s) => s <= 0)) throw new Error('non-positive stride is not supported');
  if (groups <= 0) throw new Error('non-positive groups is not supported');
  const as_2d = (v: readonly number[], fill: number): readonly number[] => (v.length === 1 ? [fill, v[0]!] : v);
  const [k, s, d, op] = [as_2d(kernel, 1), as_2d(stride, 1), as_2d(dilation, 1), as_2d(output_padding, 0)];
  const dims = s.length === 3 ? ['depth', 'height', 'width'] : ['height', 'width'];
  const named = (label: string, v: readonly number[]): string[] => dims.map((n, i) => `${label}_${n}: ${v[i]}`);
  if (k.some((v) => v <= 0)) throw new Error(`kernel size should be greater than zero, but got ${named('kernel', k).join(' ')}`);
  if (d.some((v) => v <= 0)) throw new Error(`dilation should be greater than zero, but got ${named('dilation', d).join(', ')}`);
  if (op.some((o, i) => o >= s[i]! && o >= d[i]!)) {
    throw new Error(`output padding must be smaller than either stride or dilation, but got ${[...named('output_padding', op), ...named('stride', s), ...named('dilation', d)].join(' ')}`);
  }
}

/**
 * The output geometry of 2-D max or average pooling over `[N, C, H, W]`, after PyTorch's checks: stride not
 * zero, padding non-negative and at most half the effective kernel, then kernel, stride and dilation positive
 * and an output of at least one element.
 */
export function pool2d_params(
  shape: readonly number[],
  kernel: [number, number],
  stride: [number, number],
  padding: [number, number],
  dilation: [number, number],
  ceil_mode: boolean,
): Pool2dParams {
  const [N, C, H, W] = shape as [number, number, number, number];
  const [kh, kw] = kernel;
  const [sh, sw] = stride;
  const [ph, pw] = padding;
  const [dh, dw] = dilation;
  check_pool_dim(kh, sh, ph, dh);
  check_pool_dim(kw, sw, pw, dw);
  if (kh <= 0 || kw <= 0) throw new Error(`kernel size should be greater than zero, but got kH: ${kh} kW: ${kw}`);
  if (sh <= 0 || sw <= 0) throw new Error(`stride should be greater than zero, but got dH: ${sh} dW: ${sw}`);
  if (dh <= 0 || dw <= 0) throw new Error(`dilation should be greater than zero, but got dilationH: ${dh} dilationW: ${dw}`);
  const Ho = pool_out_size(H, kh, sh, ph, dh, ceil_mode);
  const Wo = pool_out_size(W, kw, sw, pw, dw, ceil_mode);
  if (Ho <= 0 || Wo <= 0) throw new Error(`Given input size: (${C}x${H}x${W}). Calculated output size: (${C}x${Ho}x${Wo}). Output size is too small`);
  return { N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, ceil_mode, Ho, Wo };
}

/** Checks the output size of a resize (integers, both positive), with PyTorch's messages. */
export function check_resize(fn: string, H: number, W: number, Ho: number, Wo: number): void {
  for (const [v, i] of [[Ho, 0], [Wo, 1]] as const) {
    if (!Number.isInteger(v)) throw new TypeError(`${fn}(): argument 'size' must be tuple of ints, but found element of type float at pos ${i}`);
  }
  if (Ho <= 0 || Wo <= 0) throw new Error(`Input and output sizes should be greater than 0, but got input (H: ${H}, W: ${W}) output (H: ${Ho}, W: ${Wo})`);
}

/**
 * Gives max-pooling windows that recorded no position (marked -1: wholly in padding) PyTorch's index: the
 * window's first position moved forward by whole dilations until it is not in the leading padding, flattened
 * over the spatial dims. It can lie outside the input; `max_pool2d_with_indices` returns it as is. `idx` holds
 * `[..., *out_sp]` positions.
 */
export function fill_empty_window_indices(
  idx: Float64Array,
  in_sp: readonly number[],
  out_sp: readonly number[],
  stride: readonly number[],
  padding: readonly number[],
  dilation: readonly number[],
): void {
  const L = out_sp.reduce((a, b) => a * b, 1);
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] !== -1) continue;
    let rest = i % L;
    let flat = 0;
    let scale = 1;
    for (let d = out_sp.length - 1; d >= 0; d--) {
      const o = rest % out_sp[d]!;
      rest = (rest - o) / out_sp[d]!;
      const start = o * stride[d]! - padding[d]!;
      flat += (start < 0 ? start + Math.ceil(-start / dilation[d]!) * dilation[d]! : start) * scale;
      scale *= in_sp[d]!;
    }
    idx[i] = flat;
  }
}

/**
 * Throws PyTorch's words when a pooling or unfolding op gets an input of the wrong rank: each ATen op words it its
 * own way (`name` is the op, `nd` its spatial rank); other ops get the convolutions' wording.
 */
export function check_spatial_rank(name: string, shape: readonly number[], nd: number): void {
  const r = shape.length;
  if (r === nd + 1 || r === nd + 2) return;
  const sizes = `[${shape.join(', ')}]`;
  const ranks = `${nd + 1}D or ${nd + 2}D`;
  const words: Record<string, string> = {
    max_pool1d: `max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${sizes}`,
    avg_pool2d: `Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${sizes}`,
    max_pool2d: `non-empty ${ranks} (batch mode) tensor expected for input`,
    max_pool3d: `non-empty ${ranks} (batch mode) tensor expected for input`,
    avg_pool3d: `non-empty ${ranks} (batch mode) tensor expected for input`,
    adaptive_avg_pool2d: `adaptive_avg_pool2d(): Expected ${ranks} tensor, but got ${sizes}`,
    adaptive_avg_pool3d: `adaptive_avg_pool3d(): Expected ${ranks} tensor, but got ${sizes}`,
    adaptive_max_pool2d: `adaptive_max_pool2d(): Expected ${ranks} tensor, but got: ${sizes}`,
    adaptive_max_pool3d: `adaptive_max_pool3d(): Expected ${ranks} tensor, but got: ${sizes}`,
    fractional_max_pool2d: `fractional_max_pool2d(): Expected ${ranks} tensor, but got: ${sizes}`,
    fractional_max_pool3d: `fractional_max_pool3d_out(): Expected ${ranks} tensor, but got: ${sizes}`,
    max_unpool2d: `Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with ${r} dimensions.`,
    max_unpool3d: `Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with ${r} dimensions.`,
    unfold: `Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${sizes}`,
  };
  // the 1-d ops check a dim range (checkDimRange)
  for (const op of ['avg_pool1d', 'adaptive_avg_pool1d', 'adaptive_max_pool1d']) {
    words[op] = `Expected 2 to 3 dimensions, but got ${r}-dimensional tensor for argument #1 'self' (while checking arguments for ${op})`;
  }
  throw new Error(words[name] ?? `${name}: Expected ${nd + 1}D (unbatched) or ${nd + 2}D (batched) input, but got input of size: ${sizes}`);
}
