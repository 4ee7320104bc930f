// Ops a compiled replay runs as the backend's kernels writing into memory the plan gives them: convolution and
// linear (bias seeded, a following ReLU as their epilogue), max, average and adaptive pooling, attention and
// layer norm. The same kernel calls as the eager ops (so the same bits), without their Tensor or autograd work.
import { kernels } from '../kernels/backend.js';
import type { Conv2dParams, FloatArray } from '../kernels/js/nn_kernels.js';
import { conv2d_out_size } from '../kernels/js/nn_kernels.js';
import { pool2d_params } from '../ops/nn_geometry.js';
import { numel_of } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { attention, layer_norm } from './compiled_ops.js';
import { Value, type GraphNode, type Template } from './graph.js';

/**
 * One op as a kernel call into a given output: what it reads each call (in order), its float32 result's shape,
 * and the computation. `relu` asks for a ReLU applied to the result before anyone reads it (an epilogue).
 */
export interface KernelOp {
  /** The values it reads, as `run` gets them. */
  reads: Value[];
  /** Its result's shape (contiguous float32). */
  shape: number[];
  /** Whether a ReLU may follow as its epilogue (the result's only reader applying ReLU to it). */
  takes_relu: boolean;
  /** Computes into `out` (all of it) from the tensors read. */
  run(xs: readonly Tensor[], out: Float32Array): void;
}

/** The recorded tensor of a value, with its dtype float32 (else null). */
type Lookup = (v: Value) => Tensor | null;

const f32 = (t: Tensor | null): t is Tensor => t !== null && t._dtype === 'float32';
const int_pair = (v: Template): [number, number] | null => {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0] as number, v[1] as number];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return [v[0], v[0]];
  return null;
};

/**
 * `node` as a kernel call, or null when it is none or its recorded operands do not suit one (then the plan runs
 * the eager op). `args` replaces a convolution's recorded arguments (a batch norm folded into its weight and bias).
 *
 * @example
 * kernel_op(node, tensor, null)?.shape; // [N, O, Ho, Wo] for aten::conv2d
 */
export function kernel_op(node: GraphNode, tensor: Lookup, args: Template[] | null): KernelOp | null {
  if (node.what.kind !== 'op' || !(node.out instanceof Value) || !f32(tensor(node.out))) return null;
  const named = node.what.named;
  switch (node.name) {
    case 'aten::conv2d': {
      if (named === null) return null;
      const [input, weight, bias, stride, padding, dilation, groups] = args ?? [named.input, named.weight, named.bias, named.stride, named.padding, named.dilation, named.groups];
      return conv2d(input!, weight!, bias!, stride!, padding!, dilation!, groups!, tensor);
    }
    case 'aten::linear':
      return Array.isArray(node.args) ? linear(node.args[0] as Template, node.args[1] as Template, (node.args[2] ?? null) as Template, tensor) : null;
    case 'aten::max_pool2d':
    case 'aten::avg_pool2d':
      return named === null ? null : pool2d(node.name === 'aten::max_pool2d', named, tensor);
    case 'aten::adaptive_avg_pool2d':
      return named === null ? null : adaptive_avg_pool2d(named, tensor);
    case 'aten::scaled_dot_product_attention':
      return named === null ? null : attention(named, tensor);
    case 'aten::layer_norm':
      return named === null ? null : layer_norm(named, tensor);
    default:
      return null;
  }
}

/** `conv2d` on a 4-D input with numeric padding: the backend's convolution, the bias seeded by the kernel. */
function conv2d(input: Template, weight: Template, bias: Template, stride: Template, padding: Template, dilation: Template, groups: Template, tensor: Lookup): KernelOp | null {
  if (!(input instanceof Value) || !(weight instanceof Value) || !(bias === null || bias instanceof Value) || typeof groups !== 'number') return null;
  const [x, w, b] = [tensor(input), tensor(weight), bias === null ? null : tensor(bias)];
  const [s, p, d] = [int_pair(stride), int_pair(padding), int_pair(dilation)];
  if (!f32(x) || !f32(w) || (bias !== null && !f32(b)) || x.ndim !== 4 || w.ndim !== 4 || s === null || p === null || d === null) return null;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, , kh, kw] = w.shape as [number, number, number, number];
  const Ho = conv2d_out_size(H, kh, s[0], p[0], d[0]);
  const Wo = conv2d_out_size(W, kw, s[1], p[1], d[1]);
  const params: Conv2dParams = { N, C, H, W, O, kh, kw, stride: s, padding: p, dilation: d, groups, Ho, Wo };
  return {
    reads: bias === null ? [input, weight] : [input, weight, bias],
    shape: [N, O, Ho, Wo],
    takes_relu: true,
    run: (xs, out) => {
      const w_data = data(xs[1]!);
      // the weight's own storage (a parameter, constant between calls): the backend may keep it packed
      const w_version = w_data === xs[1]!._storage.data ? xs[1]!._storage.counter : undefined;
      kernels().conv2d_forward(data(xs[0]!), w_data, xs.length > 2 ? data(xs[2]!) : null, out, { ...params, w_version });
    },
  };
}

const data = (t: Tensor): FloatArray => t._contiguous_data() as FloatArray;

/**
 * `linear` with a bias on a contiguous 2-D or 3-D input, as the eager op's `addmm`: the bias copied into every
 * row, the product added by one GEMM onto it. (Other forms, a matmul then an add, run eagerly.)
 */
function linear(input: Template, weight: Template, bias: Template, tensor: Lookup): KernelOp | null {
  if (!(input instanceof Value) || !(weight instanceof Value) || !(bias instanceof Value)) return null;
  const [x, w, b] = [tensor(input), tensor(weight), tensor(bias)];
  if (!f32(x) || !f32(w) || !f32(b) || (x.ndim !== 2 && x.ndim !== 3) || w.ndim !== 2 || b.ndim !== 1 || !x.is_contiguous() || !w.is_contiguous()) return null;
  const [N, K] = w.shape as [number, number];
  const M = numel_of(x.shape.slice(0, -1));
  // the eager GEMM's operand layout (a transposed view of the weight) holds for K, N > 1
  if (N < 2 || K < 2 || M < 1 || x.shape[x.ndim - 1] !== K || b.shape[0] !== N) return null;
  return {
    reads: [input, weight, bias],
    shape: [...x.shape.slice(0, -1), N],
    takes_relu: true,
    run: ([xt, wt, bt], out) => {
      const bd = data(bt!);
      for (let i = 0; i < M; i++) out.set(bd.subarray(0, N), i * N);
      kernels().gemm(false, true, M, N, K, 1, xt!._storage.data as FloatArray, xt!._offset, K, data(wt!), 0, K, 1, out, 0, N);
    },
  };
}

/** Max pooling without indices, or average pooling, on a 4-D input. */
function pool2d(max: boolean, named: Record<string, Template>, tensor: Lookup): KernelOp | null {
  const input = named.input;
  if (!(input instanceof Value) || (max && named.return_indices !== false)) return null;
  const x = tensor(input);
  const k = int_pair(named.kernel_size!);
  const stride = named.stride === null || (Array.isArray(named.stride) && named.stride.length === 0) ? k : int_pair(named.stride!);
  const pad = int_pair(named.padding!);
  const dil = max ? int_pair(named.dilation!) : ([1, 1] as [number, number]);
  if (!f32(x) || x.ndim !== 4 || k === null || stride === null || pad === null || dil === null || typeof named.ceil_mode !== 'boolean') return null;
  const p = pool2d_params(x.shape, k, stride, pad, dil, named.ceil_mode);
  const shape = [p.N, p.C, p.Ho, p.Wo];
  if (max) return { reads: [input], shape, takes_relu: false, run: ([xt], out) => kernels().max_pool2d_forward(data(xt!), out, null, p) };
  const cip = named.count_include_pad;
  const div = named.divisor_override;
  if (typeof cip !== 'boolean' || !(div === null || typeof div === 'number')) return null;
  return { reads: [input], shape, takes_relu: false, run: ([xt], out) => kernels().avg_pool2d_forward(data(xt!), out, p, cip, div) };
}

/** Adaptive average pooling of a 4-D input to a size other than 1×1 (which the eager op computes as a mean). */
function adaptive_avg_pool2d(named: Record<string, Template>, tensor: Lookup): KernelOp | null {
  const input = named.input;
  if (!(input instanceof Value)) return null;
  const x = tensor(input);
  const size = named.output_size;
  if (!f32(x) || x.ndim !== 4 || !Array.isArray(size) || size.length !== 2) return null;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const Ho = typeof size[0] === 'number' ? size[0] : H;
  const Wo = typeof size[1] === 'number' ? size[1] : W;
  if (Ho === 1 && Wo === 1) return null;
  return { reads: [input], shape: [N, C, Ho, Wo], takes_relu: false, run: ([xt], out) => kernels().adaptive_avg_pool2d_forward(data(xt!), out, N * C, H, W, Ho, Wo) };
}

/** ReLU in place by the backend's own kernel (the eager op's, so the same bits; SIMD where the backend has it). */
export function relu_in_place(out: Float32Array): void {
  kernels().unary('relu', { data: out, shape: [out.length], strides: [1], offset: 0 }, out);
}
