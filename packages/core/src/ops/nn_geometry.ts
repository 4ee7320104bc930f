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
  for (const [k, s, p, d] of [[kh, sh, ph, dh], [kw, sw, pw, dw]] as const) {
    if (s === 0) throw new Error('stride should not be zero');
    if (p < 0) throw new Error(`pad must be non-negative, but got pad: ${p}`);
    if (p > Math.trunc(((k - 1) * d + 1) / 2)) throw new Error(`pad should be at most half of effective kernel size, but got pad=${p}, kernel_size=${k} and dilation=${d}`);
  }
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
