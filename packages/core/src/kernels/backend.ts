// The kernel backend registry: ops call kernels only through the active backend, so a faster backend
// (WebAssembly, threads) replaces kernels without touching ops or autograd.
import * as elementwise from './js/elementwise.js';
import * as reduce from './js/reduce.js';
import * as nn from './js/nn_kernels.js';
import { wasm_gemm, wasm_simd_supported } from './wasm/gemm.js';
import { wasm_conv2d_backward_bias, wasm_conv2d_backward_input, wasm_conv2d_backward_weight, wasm_conv2d_forward } from './wasm/conv.js';
import { wasm_avg_pool2d_backward, wasm_avg_pool2d_forward, wasm_max_pool2d_backward, wasm_max_pool2d_forward } from './wasm/pool.js';
import { wasm_binary, wasm_sum, wasm_unary } from './wasm/elementwise.js';

/** Everything ops need from a backend. Kernels take flat typed arrays with shape/strides/offset. */
export interface Backend {
  readonly name: string;
  readonly unary: typeof elementwise.unary;
  readonly binary: typeof elementwise.binary;
  readonly where: typeof elementwise.where;
  readonly copy_into: typeof elementwise.copy_into;
  readonly contiguous: typeof elementwise.contiguous;
  readonly sum: typeof reduce.sum;
  readonly extreme: typeof reduce.extreme;
  readonly extreme_along: typeof reduce.extreme_along;
  readonly softmax: typeof reduce.softmax;
  readonly gemm: typeof nn.gemm;
  readonly conv2d_forward: typeof nn.conv2d_forward;
  readonly conv2d_backward_input: typeof nn.conv2d_backward_input;
  readonly conv2d_backward_weight: typeof nn.conv2d_backward_weight;
  readonly conv2d_backward_bias: typeof nn.conv2d_backward_bias;
  readonly max_pool2d_forward: typeof nn.max_pool2d_forward;
  readonly max_pool2d_backward: typeof nn.max_pool2d_backward;
  readonly avg_pool2d_forward: typeof nn.avg_pool2d_forward;
  readonly avg_pool2d_backward: typeof nn.avg_pool2d_backward;
  readonly adaptive_avg_pool2d_forward: typeof nn.adaptive_avg_pool2d_forward;
  readonly adaptive_avg_pool2d_backward: typeof nn.adaptive_avg_pool2d_backward;
  readonly upsample_bilinear2d_forward: typeof nn.upsample_bilinear2d_forward;
  readonly upsample_bilinear2d_backward: typeof nn.upsample_bilinear2d_backward;
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
  gemm: nn.gemm,
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
      sum: wasm_sum,
      gemm: wasm_gemm,
      conv2d_forward: wasm_conv2d_forward,
      conv2d_backward_input: wasm_conv2d_backward_input,
      conv2d_backward_weight: wasm_conv2d_backward_weight,
      conv2d_backward_bias: wasm_conv2d_backward_bias,
      max_pool2d_forward: wasm_max_pool2d_forward,
      max_pool2d_backward: wasm_max_pool2d_backward,
      avg_pool2d_forward: wasm_avg_pool2d_forward,
      avg_pool2d_backward: wasm_avg_pool2d_backward,
    }
  : null;

const registry = new Map<string, Backend>([['js', js_backend]]);
if (wasm_backend !== null) registry.set(wasm_backend.name, wasm_backend);
// wasm passes every op test against the js oracle, so it is the default wherever the engine runs it.
let active: Backend = wasm_backend ?? js_backend;

/** The backend ops dispatch to. */
export function kernels(): Backend {
  return active;
}

/** Adds a backend; a backend may override only some kernels by spreading `js_backend`. */
export function register_backend(backend: Backend): void {
  registry.set(backend.name, backend);
}

/** Selects the active backend by name, e.g. `set_backend('js')`. */
export function set_backend(name: string): void {
  const b = registry.get(name);
  if (b === undefined) throw new Error(`unknown backend '${name}'; registered: ${[...registry.keys()].join(', ')}`);
  active = b;
}

/** Names of the registered backends, e.g. `['js', 'wasm']`. */
export function list_backends(): string[] {
  return [...registry.keys()];
}
