// ONNX opset-17 forms of the neural-network ops: linear, convolution, pooling, normalisation, activations,
// embedding and attention (GELU as its Erf formula, attention as MatMul/Softmax, as PyTorch's exporter does).
import type { DType } from '../dtype.js';
import { Value } from '../jit/graph.js';
import { norm_dim, type OnnxBuilder, type OpCall } from './builder.js';
import { F, I, Is, S } from './proto.js';
import type { Converter } from './ops_tensor.js';

const pair = (v: number | readonly number[]): number[] => (typeof v === 'number' ? [v, v] : v.length === 1 ? [v[0]!, v[0]!] : [...v]);

/** ONNX's pads `[begin…, end…]` from PyTorch's symmetric padding per spatial dim. */
const pads = (p: readonly number[]): number[] => [...p, ...p];

/** A tensor of ones or zeros shaped `[n]`, for an omitted affine weight or bias. */
const filled = (b: OnnxBuilder, value: number, n: number, dtype: DType): string =>
  b.initializer('const_fill', { dtype, shape: [n], values: new Array<number>(n).fill(value) });

/** A converter that names what ONNX cannot express for this call. */
function unsupported(what: string): never {
  throw new Error(`torch.onnx.export: ${what} is not supported in opset 17`);
}

/** Emits `op(x)` (a step of a composition such as `x·σ(x)`) and returns its output's name. */
const apply = (b: OnnxBuilder, op: string, x: string, attrs = {}): string => b.node(op, [x], attrs)[0]!;

/** A pointwise activation that is one ONNX op with float attributes read from the call. */
const activation = (op: string, attrs: (c: OpCall) => Record<string, number> = () => ({})): Converter => (b, c) => {
  const a = Object.fromEntries(Object.entries(attrs(c)).map(([k, v]) => [k, F(v)]));
  b.emit(c.y, op, [b.name(c.x)], a);
};

/** The converters of neural-network ops, by aten name. */
export const NN_OPS: Record<string, Converter> = {
  'aten::linear': (b, c) => {
    const x = c.args[0] as Value;
    const w = b.name(c.args[1] as Value);
    const bias = c.args[2] instanceof Value ? b.name(c.args[2]) : '';
    if (x.type!.shape.length === 2) return void b.emit(c.y, 'Gemm', bias === '' ? [b.name(x), w] : [b.name(x), w, bias], { transB: I(1) });
    const prod = b.node('MatMul', [b.name(x), b.node('Transpose', [w], { perm: Is([1, 0]) })[0]!])[0]!;
    if (bias === '') b.emit(c.y, 'Identity', [prod]);
    else b.emit(c.y, 'Add', [prod, bias]);
  },
  'aten::conv2d': (b, c) => {
    const w = c.tensor('weight', 1)!;
    const [, , kh, kw] = w.type!.shape as [number, number, number, number];
    const stride = pair(c.arg('stride', 3, 1));
    const dilation = pair(c.arg('dilation', 5, 1));
    const padding = c.arg<number[] | string>('padding', 4, [0, 0]);
    const p = padding === 'valid' ? [0, 0] : padding === 'same' ? [(dilation[0]! * (kh - 1)) / 2, (dilation[1]! * (kw - 1)) / 2] : pair(padding as number[]);
    const bias = c.tensor('bias', 2);
    b.emit(c.y, 'Conv', [b.name(c.x), b.name(w), ...(bias === null ? [] : [b.name(bias)])], {
      kernel_shape: Is([kh, kw]), strides: Is(stride), pads: Is(pads(p)), dilations: Is(dilation), group: I(c.arg('groups', 6, 1)),
    });
  },
  'aten::max_pool2d': (b, c) => {
    if (c.arg('return_indices', 6, false)) unsupported('max_pool2d with return_indices');
    const k = pair(c.arg('kernel_size', 1, 1));
    b.emit(c.y, 'MaxPool', [b.name(c.x)], {
      kernel_shape: Is(k), strides: Is(pair(c.arg<number[] | null>('stride', 2, null) ?? k)), pads: Is(pads(pair(c.arg('padding', 3, 0)))),
      dilations: Is(pair(c.arg('dilation', 4, 1))), ceil_mode: I(c.arg('ceil_mode', 5, false) ? 1 : 0),
    });
  },
  'aten::avg_pool2d': (b, c) => {
    if (c.arg<number | null>('divisor_override', 6, null) !== null) unsupported('avg_pool2d with divisor_override');
    const k = pair(c.arg('kernel_size', 1, 1));
    b.emit(c.y, 'AveragePool', [b.name(c.x)], {
      kernel_shape: Is(k), strides: Is(pair(c.arg<number[] | null>('stride', 2, null) ?? k)), pads: Is(pads(pair(c.arg('padding', 3, 0)))),
      ceil_mode: I(c.arg('ceil_mode', 4, false) ? 1 : 0), count_include_pad: I(c.arg('count_include_pad', 5, true) ? 1 : 0),
    });
  },
  'aten::adaptive_avg_pool2d': (b, c) => {
    const [H, W] = c.x.type!.shape.slice(-2) as [number, number];
    const [h, w] = c.y.type!.shape.slice(-2) as [number, number];
    if (h === 1 && w === 1) return void b.emit(c.y, 'GlobalAveragePool', [b.name(c.x)]);
    if (H % h !== 0 || W % w !== 0) unsupported(`adaptive_avg_pool2d from ${H}x${W} to ${h}x${w} (sizes not divisible)`);
    b.emit(c.y, 'AveragePool', [b.name(c.x)], { kernel_shape: Is([H / h, W / w]), strides: Is([H / h, W / w]) });
  },
  'aten::batch_norm': (b, c) => {
    const x = c.x;
    const C = x.type!.shape[1]!;
    const dt = x.type!.dtype;
    const mean = c.tensor('running_mean', 1);
    const var_ = c.tensor('running_var', 2);
    if (mean === null || var_ === null || c.arg('training', 5, false)) unsupported('batch_norm with batch statistics (export the model in eval mode)');
    const weight = c.tensor('weight', 3);
    const bias = c.tensor('bias', 4);
    b.emit(c.y, 'BatchNormalization', [
      b.name(x), weight === null ? filled(b, 1, C, dt) : b.name(weight), bias === null ? filled(b, 0, C, dt) : b.name(bias), b.name(mean), b.name(var_),
    ], { epsilon: F(c.arg('eps', 7, 1e-5)), momentum: F(1 - c.arg('momentum', 6, 0.1)) });
  },
  'aten::layer_norm': (b, c) => {
    const shape = c.arg<number[]>('normalized_shape', 1, []);
    const n = shape.reduce((p, s) => p * s, 1);
    const dt = c.x.type!.dtype;
    const weight = c.tensor('weight', 2);
    const bias = c.tensor('bias', 3);
    let scale = weight === null ? filled(b, 1, n, dt) : b.name(weight);
    let shift = bias === null ? '' : b.name(bias);
    if (shape.length > 1) {
      scale = b.node('Reshape', [scale, b.i64(shape)])[0]!;
      if (shift !== '') shift = b.node('Reshape', [shift, b.i64(shape)])[0]!;
    }
    b.emit(c.y, 'LayerNormalization', [b.name(c.x), scale, ...(shift === '' ? [] : [shift])], { axis: I(-shape.length), epsilon: F(c.arg('eps', 4, 1e-5)) });
  },
  'aten::dropout': (b, c) => {
    if (c.arg('training', 2, true) && c.arg('p', 1, 0.5) > 0) unsupported('dropout in training mode (export the model in eval mode)');
    b.emit(c.y, 'Identity', [b.name(c.x)]);
  },
  'aten::embedding': (b, c) => {
    if (c.arg<number | null>('max_norm', 3, null) !== null) unsupported('embedding with max_norm');
    b.emit(c.y, 'Gather', [b.name(c.tensor('weight', 1)!), b.name(c.x)], { axis: I(0) });
  },
  'aten::softmax': (b, c) => {
    const dt = c.y.type!.dtype;
    b.emit(c.y, 'Softmax', [b.operand(c.x, dt)], { axis: I(norm_dim(c.arg('dim', 1, -1), c.x.type!.shape.length)) });
  },
  'aten::log_softmax': (b, c) => {
    const dt = c.y.type!.dtype;
    b.emit(c.y, 'LogSoftmax', [b.operand(c.x, dt)], { axis: I(norm_dim(c.arg('dim', 1, -1), c.x.type!.shape.length)) });
  },
  'aten::relu': activation('Relu'),
  'aten::relu_': activation('Relu'),
  'aten::sigmoid': activation('Sigmoid'),
  'aten::tanh': activation('Tanh'),
  'aten::leaky_relu': activation('LeakyRelu', (c) => ({ alpha: (c.args[1] as number | undefined) ?? 0.01 })),
  'aten::elu': activation('Elu', (c) => ({ alpha: c.arg('alpha', 1, 1) })),
  'aten::celu': activation('Celu', (c) => ({ alpha: c.arg('alpha', 1, 1) })),
  'aten::selu': activation('Selu'),
  'aten::softsign': activation('Softsign'),
  'aten::hardswish': activation('HardSwish'),
  'aten::hardsigmoid': activation('HardSigmoid', () => ({ alpha: 1 / 6, beta: 0.5 })),
  'aten::hardshrink': activation('Shrink', (c) => ({ lambd: c.arg('lambd', 1, 0.5), bias: 0 })),
  'aten::softshrink': (b, c) => {
    const l = c.arg('lambd', 1, 0.5);
    b.emit(c.y, 'Shrink', [b.name(c.x)], { lambd: F(l), bias: F(l) });
  },
  'aten::hardtanh': (b, c) => {
    const dt = c.y.type!.dtype;
    b.emit(c.y, 'Clip', [b.name(c.x), b.scalar(c.arg('min_val', 1, -1), dt), b.scalar(c.arg('max_val', 2, 1), dt)]);
  },
  'aten::relu6': (b, c) => {
    const dt = c.y.type!.dtype;
    b.emit(c.y, 'Clip', [b.name(c.x), b.scalar(0, dt), b.scalar(6, dt)]);
  },
  'aten::silu': (b, c) => {
    const x = b.name(c.x);
    b.emit(c.y, 'Mul', [x, apply(b, 'Sigmoid', x)]);
  },
  'aten::mish': (b, c) => {
    const x = b.name(c.x);
    b.emit(c.y, 'Mul', [x, apply(b, 'Tanh', apply(b, 'Softplus', x))]);
  },
  'aten::softplus': (b, c) => {
    const beta = c.arg('beta', 1, 1);
    const dt = c.y.type!.dtype;
    if (beta === 1) return void b.emit(c.y, 'Softplus', [b.name(c.x)]);
    const scaled = b.node('Mul', [b.name(c.x), b.scalar(beta, dt)])[0]!;
    b.emit(c.y, 'Div', [apply(b, 'Softplus', scaled), b.scalar(beta, dt)]);
  },
  'aten::logsigmoid': (b, c) => void b.emit(c.y, 'Neg', [apply(b, 'Softplus', apply(b, 'Neg', b.name(c.x)))]),
  'aten::tanhshrink': (b, c) => {
    const x = b.name(c.x);
    b.emit(c.y, 'Sub', [x, apply(b, 'Tanh', x)]);
  },
  'aten::glu': (b, c) => {
    const n = c.x.type!.shape.length;
    const dim = norm_dim(c.arg('dim', 1, -1), n);
    const half = c.x.type!.shape[dim]! / 2;
    const [a, g] = b.node('Split', [b.name(c.x), b.i64([half, half])], { axis: I(dim) }, 2) as [string, string];
    b.emit(c.y, 'Mul', [a, apply(b, 'Sigmoid', g)]);
  },
  'aten::prelu': (b, c) => {
    const w = c.tensor('weight', 1)!;
    const n = c.x.type!.shape.length;
    const C = w.type!.shape[0]!;
    // the slope broadcasts along dim 1 of the input, ONNX's along the trailing dims
    const slope = C === 1 || n < 3 ? b.name(w) : b.node('Reshape', [b.name(w), b.i64([C, ...new Array<number>(n - 2).fill(1)])])[0]!;
    b.emit(c.y, 'PRelu', [b.name(c.x), slope]);
  },
  'aten::threshold': (b, c) => {
    const dt = c.y.type!.dtype;
    const x = b.name(c.x);
    b.emit(c.y, 'Where', [b.node('Greater', [x, b.scalar(c.arg('threshold', 1, 0), dt)])[0]!, x, b.scalar(c.arg('value', 2, 0), dt)]);
  },
  'aten::gelu': (b, c) => {
    const dt = c.y.type!.dtype;
    const x = b.name(c.x);
    const half_x = b.node('Mul', [x, b.scalar(0.5, dt)])[0]!;
    let inner: string;
    if (c.arg<string>('approximate', 1, 'none') === 'tanh') {
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
      const cube = b.node('Mul', [b.node('Mul', [x, x])[0]!, x])[0]!;
      const poly = b.node('Add', [x, b.node('Mul', [cube, b.scalar(0.044715, dt)])[0]!])[0]!;
      inner = apply(b, 'Tanh', b.node('Mul', [poly, b.scalar(Math.sqrt(2 / Math.PI), dt)])[0]!);
    } else {
      // 0.5·x·(1 + erf(x/√2))
      inner = apply(b, 'Erf', b.node('Div', [x, b.scalar(Math.SQRT2, dt)])[0]!);
    }
    b.emit(c.y, 'Mul', [half_x, b.node('Add', [inner, b.scalar(1, dt)])[0]!]);
  },
  'aten::scaled_dot_product_attention': (b, c) => {
    const q = c.tensor('query', 0)!;
    const k = c.tensor('key', 1)!;
    const v = c.tensor('value', 2)!;
    if (c.arg('dropout_p', 4, 0) > 0) unsupported('scaled_dot_product_attention with dropout_p > 0');
    const dt = q.type!.dtype;
    const qs = q.type!.shape;
    const ks = k.type!.shape;
    const L = qs[qs.length - 2]!;
    const S_ = ks[ks.length - 2]!;
    const scale = c.arg<number | null>('scale', 6, null) ?? 1 / Math.sqrt(qs[qs.length - 1]!);
    const perm = Array.from({ length: ks.length }, (_, i) => i);
    [perm[ks.length - 1], perm[ks.length - 2]] = [perm[ks.length - 2]!, perm[ks.length - 1]!];
    const kt = b.node('Transpose', [b.name(k)], { perm: Is(perm) })[0]!;
    let scores = b.node('Mul', [b.node('MatMul', [b.name(q), kt])[0]!, b.scalar(scale, dt)])[0]!;
    const mask = c.tensor('attn_mask', 3);
    // a bool mask keeps the True positions (the rest get -inf); a float mask is added
    const masked = (m: string, is_bool: boolean): string => (is_bool
      ? b.node('Where', [m, scores, b.scalar(-Infinity, dt)])[0]!
      : b.node('Add', [scores, m])[0]!);
    if (c.arg('is_causal', 5, false)) {
      const tri = b.initializer('causal_mask', { dtype: 'bool', shape: [L, S_], values: Array.from({ length: L * S_ }, (_, i) => (i % S_ <= Math.floor(i / S_) ? 1 : 0)) });
      scores = masked(tri, true);
    }
    if (mask !== null) scores = masked(mask.type!.dtype === 'bool' ? b.name(mask) : b.operand(mask, dt), mask.type!.dtype === 'bool');
    b.emit(c.y, 'MatMul', [b.node('Softmax', [scores], { axis: I(-1) })[0]!, b.name(v)]);
  },
  'aten::pad': (b, c) => {
    const p = c.arg<number[]>('pad', 1, []);
    const n = c.x.type!.shape.length;
    const begin = new Array<number>(n).fill(0);
    const end = new Array<number>(n).fill(0);
    for (let i = 0; i < p.length / 2; i++) {
      begin[n - 1 - i] = p[2 * i]!;
      end[n - 1 - i] = p[2 * i + 1]!;
    }
    const mode = c.arg('mode', 2, 'constant');
    const onnx_mode = { constant: 'constant', reflect: 'reflect', replicate: 'edge' }[mode];
    if (onnx_mode === undefined) unsupported(`pad with mode '${mode}'`);
    const inputs = [b.name(c.x), b.i64([...begin, ...end])];
    if (mode === 'constant') inputs.push(b.scalar(c.arg<number | null>('value', 3, null) ?? 0, c.x.type!.dtype));
    b.emit(c.y, 'Pad', inputs, { mode: S(onnx_mode) });
  },
};
