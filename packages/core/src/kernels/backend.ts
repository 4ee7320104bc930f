// The kernel backend registry: ops call kernels only through the active backend, so a faster backend
// (WebAssembly, threads) replaces kernels without touching ops or autograd.
import * as elementwise from './js/elementwise.js';
import * as reduce from './js/reduce.js';
import * as nn from './js/nn_kernels.js';
import * as norm from './js/norm_kernels.js';
import * as lstm from './js/lstm_kernels.js';
import { wasm_gemm, wasm_gemm_batched, wasm_simd_supported } from './wasm/gemm.js';
import { wasm_conv2d_backward_bias, wasm_conv2d_backward_input, wasm_conv2d_backward_weight, wasm_conv2d_forward } from './wasm/conv.js';
import { wasm_avg_pool2d_backward, wasm_avg_pool2d_forward, wasm_max_pool2d_backward, wasm_max_pool2d_forward } from './wasm/pool.js';
import { wasm_binary, wasm_contiguous, wasm_sum, wasm_unary } from './wasm/elementwise.js';
import { wasm_softmax, wasm_softmax_backward } from './wasm/softmax.js';
import { wasm_channel_moments, wasm_row_normalize, wasm_row_normalize_backward } from './wasm/norm.js';
import { wasm_lstm_layer_backward, wasm_lstm_layer_forward } from './wasm/lstm.js';

/**
 * Everything ops need from a backend. Kernels take flat typed arrays with shape/strides/offset. A new backend
 * spreads `js_backend` and replaces the kernels it speeds up.
 *
 * @example
 * torch.register_backend({ ...torch.js_backend, name: 'mine', gemm: my_gemm });
 * torch.set_backend('mine');
 */
export interface Backend {
  /** The name `set_backend` selects it by ('js', 'wasm', …). */
  readonly name: string;
  /** `out[i] = op(x[i])` for a named elementwise op with up to two scalar parameters. */
  readonly unary: typeof elementwise.unary;
  /** `out[i] = op(a[i], b[i])` with NumPy broadcasting. */
  readonly binary: typeof elementwise.binary;
  /** `out[i] = cond[i] ? a[i] : b[i]` with broadcasting. */
  readonly where: typeof elementwise.where;
  /** Copies a (broadcast) view into a strided destination, for in-place ops. */
  readonly copy_into: typeof elementwise.copy_into;
  /** Row-major copy of a strided view. */
  readonly contiguous: typeof elementwise.contiguous;
  /** Sum over the flagged dims, accumulated in doubles. */
  readonly sum: typeof reduce.sum;
  /** Max or min over the flagged dims (values only; NaN propagates). */
  readonly extreme: typeof reduce.extreme;
  /** Max or min along one dim with the index of the first extreme. */
  readonly extreme_along: typeof reduce.extreme_along;
  /** Softmax or log-softmax along one dim. */
  readonly softmax: typeof reduce.softmax;
  /** The input gradient of softmax or log-softmax along one dim, from the output and its gradient. */
  readonly softmax_backward: typeof reduce.softmax_backward;
  /** Per-channel mean and biased variance of a contiguous `[outer, C, inner]` array (batch normalisation's statistics). */
  readonly channel_moments: typeof norm.channel_moments;
  /** Per-channel `Σ g` and `Σ g·(x − mean)` (batch normalisation's backward sums). */
  readonly channel_grad_sums: typeof norm.channel_grad_sums;
  /** `out = a[c]·x + b[c]·y + k[c]` per channel (batch normalisation's forward and backward maps). */
  readonly channel_affine: typeof norm.channel_affine;
  /** Layer normalisation's forward over the rows of `[R, D]`, given each row's mean and 1/std. */
  readonly row_normalize: typeof norm.row_normalize;
  /** Layer normalisation's backward over the rows of `[R, D]`: the input gradient and the column sums for weight and bias. */
  readonly row_normalize_backward: typeof norm.row_normalize_backward;
  /** General matrix multiply `C = alpha·op(A)·op(B) + beta·C` on flat row-major arrays, summed in doubles. */
  readonly gemm: typeof nn.gemm;
  /** `batch` GEMMs in one call, matrix q of each operand `q * stride` elements on (bmm, attention). */
  readonly gemm_batched: typeof nn.gemm_batched;
  /** 2-D convolution of `[N, C, H, W]` with `[O, C/groups, kH, kW]`. */
  readonly conv2d_forward: typeof nn.conv2d_forward;
  /** The gradient of conv2d with respect to its input. */
  readonly conv2d_backward_input: typeof nn.conv2d_backward_input;
  /** The gradient of conv2d with respect to its weight. */
  readonly conv2d_backward_weight: typeof nn.conv2d_backward_weight;
  /** The gradient of conv2d with respect to its bias (a sum over N, H, W). */
  readonly conv2d_backward_bias: typeof nn.conv2d_backward_bias;
  /** 2-D max pooling, writing values and argmax positions. */
  readonly max_pool2d_forward: typeof nn.max_pool2d_forward;
  /** Scatters gradients to the argmax positions. */
  readonly max_pool2d_backward: typeof nn.max_pool2d_backward;
  /** 2-D average pooling. */
  readonly avg_pool2d_forward: typeof nn.avg_pool2d_forward;
  /** The gradient of 2-D average pooling. */
  readonly avg_pool2d_backward: typeof nn.avg_pool2d_backward;
  /** 2-D adaptive average pooling to an output size. */
  readonly adaptive_avg_pool2d_forward: typeof nn.adaptive_avg_pool2d_forward;
  /** The gradient of 2-D adaptive average pooling. */
  readonly adaptive_avg_pool2d_backward: typeof nn.adaptive_avg_pool2d_backward;
  /** Bilinear resize of `[N, C, H, W]`. */
  readonly upsample_bilinear2d_forward: typeof nn.upsample_bilinear2d_forward;
  /** The gradient of the bilinear resize. */
  readonly upsample_bilinear2d_backward: typeof nn.upsample_bilinear2d_backward;
  /** One LSTM layer's forward over a whole sequence (mkldnn_rnn_layer), optionally keeping what its backward reads. */
  readonly lstm_layer_forward: (p: lstm.LstmLayerForward) => void;
  /** That layer's backward recurrence: every step's gate gradients and the gradients of h0 and c0. */
  readonly lstm_layer_backward: (p: lstm.LstmLayerBackward) => void;
}

/** The complete pure-JavaScript backend: the fallback and the oracle for every other backend. */
export const js_backend: Backend = {
  name: 'js',
  unary: elementwise.unary,
  binary: elementwise.binary,
  where: elementwise.where,
  copy_into: elementwise.copy_into,
  contiguous: elementwise.contiguous,
  sum: reduce.sum,
  extreme: reduce.extreme,
  extreme_along: reduce.extreme_along,
  softmax: reduce.softmax,
  softmax_backward: reduce.softmax_backward,
  channel_moments: norm.channel_moments,
  channel_grad_sums: norm.channel_grad_sums,
  channel_affine: norm.channel_affine,
  row_normalize: norm.row_normalize,
  row_normalize_backward: norm.row_normalize_backward,
  gemm: nn.gemm,
  gemm_batched: nn.gemm_batched,
  conv2d_forward: nn.conv2d_forward,
  conv2d_backward_input: nn.conv2d_backward_input,
  conv2d_backward_weight: nn.conv2d_backward_weight,
  conv2d_backward_bias: nn.conv2d_backward_bias,
  max_pool2d_forward: nn.max_pool2d_forward,
  max_pool2d_backward: nn.max_pool2d_backward,
  avg_pool2d_forward: nn.avg_pool2d_forward,
  avg_pool2d_backward: nn.avg_pool2d_backward,
  adaptive_avg_pool2d_forward: nn.adaptive_avg_pool2d_forward,
  adaptive_avg_pool2d_backward: nn.adaptive_avg_pool2d_backward,
  upsample_bilinear2d_forward: nn.upsample_bilinear2d_forward,
  upsample_bilinear2d_backward: nn.upsample_bilinear2d_backward,
  lstm_layer_forward: (p) => lstm.lstm_layer_forward(p),
  lstm_layer_backward: (p) => lstm.lstm_layer_backward(p),
};

/**
 * The WebAssembly SIMD backend: the JS kernels with float32 GEMM, convolution (forward and every gradient),
 * max and average pooling (forward and backward), the common elementwise maps and sums replaced by wasm kernels, the large ones split over
 * get_num_threads() threads. Null where the engine lacks WebAssembly SIMD.
 */
export const wasm_backend: Backend | null = wasm_simd_supported()
  ? {
      ...js_backend,
      name: 'wasm',
      unary: wasm_unary,
      binary: wasm_binary,
      contiguous: wasm_contiguous,
      sum: wasm_sum,
      softmax: wasm_softmax,
      softmax_backward: wasm_softmax_backward,
      channel_moments: wasm_channel_moments,
      row_normalize: wasm_row_normalize,
      row_normalize_backward: wasm_row_normalize_backward,
      gemm: wasm_gemm,
      gemm_batched: wasm_gemm_batched,
      conv2d_forward: wasm_conv2d_forward,
      conv2d_backward_input: wasm_conv2d_backward_input,
      conv2d_backward_weight: wasm_conv2d_backward_weight,
      conv2d_backward_bias: wasm_conv2d_backward_bias,
      max_pool2d_forward: wasm_max_pool2d_forward,
      max_pool2d_backward: wasm_max_pool2d_backward,
      avg_pool2d_forward: wasm_avg_pool2d_forward,
      avg_pool2d_backward: wasm_avg_pool2d_backward,
      lstm_layer_forward: wasm_lstm_layer_forward,
      lstm_layer_backward: wasm_lstm_layer_backward,
    }
  : null;

const registry = new Map<string, Backend>([['js', js_backend]]);
if (wasm_backend !== null) registry.set(wasm_backend.name, wasm_backend);
// wasm passes every op test against the js oracle, so it is the default wherever the engine runs it.
let active: Backend = wasm_backend ?? js_backend;

/**
 * The backend ops dispatch to now (wasm where the engine has WebAssembly SIMD, else js).
 *
 * @example
 * torch.kernels().name; // 'wasm'
 */
export function kernels(): Backend {
  return active;
}

/**
 * Adds (or replaces, by name) a backend; it may override only some kernels by spreading `js_backend`. It is
 * used once `set_backend` selects it.
 *
 * @example
 * torch.register_backend({ ...torch.js_backend, name: 'traced', gemm: (...a) => { calls++; return torch.js_backend.gemm(...a); } });
 */
export function register_backend(backend: Backend): void {
  registry.set(backend.name, backend);
}

/**
 * Selects the active backend by name; an unknown name raises, listing the registered ones.
 *
 * @example
 * torch.set_backend('js'); // the pure-JavaScript kernels
 */
export function set_backend(name: string): void {
  const b = registry.get(name);
  if (b === undefined) throw new Error(`unknown backend '${name}'; registered: ${[...registry.keys()].join(', ')}`);
  active = b;
}

/**
 * Names of the registered backends.
 *
 * @example
 * torch.list_backends(); // ['js', 'wasm']
 */
export function list_backends(): string[] {
  return [...registry.keys()];
}
