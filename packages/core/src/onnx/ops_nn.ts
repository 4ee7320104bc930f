// ONNX opset-17 forms of the neural-network ops: linear, convolution, pooling, normalisation, activations,
// embedding and attention (GELU as its Erf formula, attention as MatMul/Softmax, as PyTorch's exporter does).
import type { DType } from '../dtype.js';
import { Value } from '../jit/graph.js';
import { base_grid } from '../ops/grid_points.js';
import { norm_dim, type OnnxBuilder, type OpCall } from './builder.js';
import { F, I, Is, S, type Attr } from './proto.js';
import type { Converter } from './ops_tensor.js';

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

/** A per-spatial-dim list from an int or a list of one or `nd` ints. */
const spatial = (v: number | readonly number[], nd: number): number[] => (typeof v === 'number' ? new Array<number>(nd).fill(v) : v.length === 1 ? new Array<number>(nd).fill(v[0]!) : [...v]);

/** A batched input: ONNX's convolutions and pools have no unbatched form. */
function check_batched(c: OpCall, nd: number): void {
  if (c.x.type!.shape.length !== nd + 2) unsupported(`${c.node.name.slice(6)} on an unbatched input`);
}

/** `Conv` for conv1d/2d/3d: `padding` 'valid', 'same' (the odd extra at the end, as PyTorch) or per-dim ints. */
const conv = (nd: number): Converter => (b, c) => {
  check_batched(c, nd);
  const w = c.tensor('weight', 1)!;
  const kernel = w.type!.shape.slice(2);
  const dilation = spatial(c.arg('dilation', 5, 1), nd);
  const padding = c.arg<number | number[] | string>('padding', 4, 0);
  let begin: number[];
  let end: number[];
  if (padding === 'valid') begin = end = new Array<number>(nd).fill(0);
  else if (padding === 'same') {
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    begin = total.map((t) => Math.floor(t / 2));
    end = total.map((t, i) => t - begin[i]!);
  } else begin = end = spatial(padding as number[], nd);
  const bias = c.tensor('bias', 2);
  b.emit(c.y, 'Conv', [b.name(c.x), b.name(w), ...(bias === null ? [] : [b.name(bias)])], {
    kernel_shape: Is(kernel), strides: Is(spatial(c.arg('stride', 3, 1), nd)), pads: Is([...begin, ...end]), dilations: Is(dilation), group: I(c.arg('groups', 6, 1)),
  });
};

/** `ConvTranspose` for conv_transpose1d/2d/3d. */
const conv_transpose = (nd: number): Converter => (b, c) => {
  check_batched(c, nd);
  const w = c.tensor('weight', 1)!;
  const bias = c.tensor('bias', 2);
  b.emit(c.y, 'ConvTranspose', [b.name(c.x), b.name(w), ...(bias === null ? [] : [b.name(bias)])], {
    kernel_shape: Is(w.type!.shape.slice(2)), strides: Is(spatial(c.arg('stride', 3, 1), nd)), pads: Is(pads(spatial(c.arg('padding', 4, 0), nd))),
    output_padding: Is(spatial(c.arg('output_padding', 5, 0), nd)), group: I(c.arg('groups', 6, 1)), dilations: Is(spatial(c.arg('dilation', 7, 1), nd)),
  });
};

/** The stride of a pool: `kernel_size` when omitted. */
const pool_stride = (c: OpCall, kernel: number[], nd: number): number[] => {
  const s = c.arg<number[] | null>('stride', 2, null);
  return s === null || s.length === 0 ? kernel : spatial(s, nd);
};

const max_pool = (nd: number): Converter => (b, c) => {
  check_batched(c, nd);
  if (c.arg('return_indices', 6, false)) unsupported(`max_pool${nd}d with return_indices`);
  const k = spatial(c.arg('kernel_size', 1, 1), nd);
  b.emit(c.y, 'MaxPool', [b.name(c.x)], {
    kernel_shape: Is(k), strides: Is(pool_stride(c, k, nd)), pads: Is(pads(spatial(c.arg('padding', 3, 0), nd))),
    dilations: Is(spatial(c.arg('dilation', 4, 1), nd)), ceil_mode: I(c.arg('ceil_mode', 5, false) ? 1 : 0),
  });
};

const avg_pool = (nd: number): Converter => (b, c) => {
  check_batched(c, nd);
  if (c.arg<number | null>('divisor_override', 6, null) !== null) unsupported(`avg_pool${nd}d with divisor_override`);
  const k = spatial(c.arg('kernel_size', 1, 1), nd);
  b.emit(c.y, 'AveragePool', [b.name(c.x)], {
    kernel_shape: Is(k), strides: Is(pool_stride(c, k, nd)), pads: Is(pads(spatial(c.arg('padding', 3, 0), nd))),
    ceil_mode: I(c.arg('ceil_mode', 4, false) ? 1 : 0), count_include_pad: I(c.arg('count_include_pad', 5, true) ? 1 : 0),
  });
};

/**
 * Adaptive average pooling from `from` to `to` (trailing dims): `GlobalAveragePool` for all-ones, `AveragePool`
 * when every size divides, else per-dim bins (PyTorch's floor/ceil bounds) each a `Slice` + `ReduceMean`,
 * concatenated, one spatial dim after another (exact: every bin of a dim has the same extent in the others).
 */
function adaptive_avg(b: OnnxBuilder, x: string, from: readonly number[], to: readonly number[]): string {
  const nd = to.length - 2;
  const ins = from.slice(2);
  const outs = to.slice(2);
  if (outs.every((o) => o === 1)) return b.node('GlobalAveragePool', [x])[0]!;
  if (ins.every((n, i) => n % outs[i]! === 0)) {
    const k = ins.map((n, i) => n / outs[i]!);
    return b.node('AveragePool', [x], { kernel_shape: Is(k), strides: Is(k) })[0]!;
  }
  let cur = x;
  for (let d = 0; d < nd; d++) {
    const n = ins[d]!;
    const o = outs[d]!;
    if (n === o) continue;
    const axis = d + 2;
    const bins = Array.from({ length: o }, (_, i) => {
      const start = Math.floor((i * n) / o);
      const stop = Math.ceil(((i + 1) * n) / o);
      const piece = b.node('Slice', [cur, b.i64([start]), b.i64([stop]), b.i64([axis])])[0]!;
      return b.node('ReduceMean', [piece], { axes: Is([axis]), keepdims: I(1) })[0]!;
    });
    cur = b.node('Concat', bins, { axis: I(axis) })[0]!;
  }
  return cur;
}

/** `(x - mean) / √(var + eps)` over groups of channels, then a per-channel affine (group and instance norm). */
function group_normalize(b: OnnxBuilder, c: OpCall, x: Value, groups: number, weight: Value | null, bias: Value | null, eps: number): void {
  const shape = x.type!.shape;
  const dt = x.type!.dtype;
  const C = shape[1]!;
  // InstanceNormalization over [N, G, rest] normalises each group; its own scale/bias stay 1/0
  const grouped = b.node('Reshape', [b.name(x), b.i64([0, groups, -1])])[0]!;
  const normed = b.node('InstanceNormalization', [grouped, filled(b, 1, groups, dt), filled(b, 0, groups, dt)], { epsilon: F(eps) })[0]!;
  let y = b.node('Reshape', [normed, b.i64(shape.map((s, i) => (i === 0 ? 0 : s)))])[0]!;
  const per_channel = b.i64([C, ...new Array<number>(shape.length - 2).fill(1)]);
  if (weight !== null) y = b.node('Mul', [y, b.node('Reshape', [b.name(weight), per_channel])[0]!])[0]!;
  if (bias !== null) y = b.node('Add', [y, b.node('Reshape', [b.name(bias), per_channel])[0]!])[0]!;
  b.emit(c.y, 'Identity', [y]);
}

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
  'aten::conv1d': conv(1),
  'aten::conv2d': conv(2),
  'aten::conv3d': conv(3),
  'aten::conv_transpose1d': conv_transpose(1),
  'aten::conv_transpose2d': conv_transpose(2),
  'aten::conv_transpose3d': conv_transpose(3),
  'aten::max_pool1d': max_pool(1),
  'aten::max_pool2d': max_pool(2),
  'aten::max_pool3d': max_pool(3),
  'aten::avg_pool1d': avg_pool(1),
  'aten::avg_pool2d': avg_pool(2),
  'aten::avg_pool3d': avg_pool(3),
  'aten::adaptive_avg_pool1d': (b, c) => void b.bind(c.y, adaptive_avg(b, b.name(c.x), c.x.type!.shape, c.y.type!.shape)),
  'aten::adaptive_avg_pool2d': (b, c) => void b.bind(c.y, adaptive_avg(b, b.name(c.x), c.x.type!.shape, c.y.type!.shape)),
  'aten::adaptive_avg_pool3d': (b, c) => void b.bind(c.y, adaptive_avg(b, b.name(c.x), c.x.type!.shape, c.y.type!.shape)),
  'aten::interpolate': (b, c) => {
    const mode = c.arg<string>('mode', 3, 'nearest');
    const x = c.x;
    const in_shape = x.type!.shape;
    const out_shape = c.y.type!.shape;
    if (mode === 'area') return void b.bind(c.y, adaptive_avg(b, b.name(x), in_shape, out_shape));
    if (c.arg('antialias', 6, false)) unsupported('interpolate with antialias');
    const given = c.arg<number[] | null>('scale_factor', 2, null);
    const recompute = c.arg<boolean | null>('recompute_scale_factor', 5, null);
    // PyTorch maps coordinates with the given scale factor unless asked to recompute it, else with out/in
    const scales = in_shape.map((n, i) => (i < 2 ? 1 : given !== null && recompute !== true ? given[given.length === 1 ? 0 : i - 2]! : out_shape[i]! / n));
    const align = c.arg<boolean | null>('align_corners', 4, null) === true;
    const attrs: Record<string, Attr> = mode === 'nearest'
      ? { mode: S('nearest'), coordinate_transformation_mode: S('asymmetric'), nearest_mode: S('floor') }
      : mode === 'nearest-exact'
        ? { mode: S('nearest'), coordinate_transformation_mode: S('half_pixel'), nearest_mode: S('round_prefer_ceil') }
        : { mode: S(mode === 'bicubic' ? 'cubic' : 'linear'), coordinate_transformation_mode: S(align ? 'align_corners' : 'pytorch_half_pixel'), cubic_coeff_a: F(-0.75) };
    const scale_input = b.initializer('scales', { dtype: 'float32', shape: [scales.length], values: scales });
    b.emit(c.y, 'Resize', [b.name(x), '', scale_input], attrs);
  },
  'aten::grid_sampler': (b, c) => {
    if (c.x.type!.shape.length !== 4) unsupported('grid_sampler on a 5-d input (GridSample samples 2-d maps until opset 20)');
    const mode = ['bilinear', 'nearest', 'bicubic'][c.arg<number>('interpolation_mode', 2, 0)]!;
    const padding = ['zeros', 'border', 'reflection'][c.arg<number>('padding_mode', 3, 0)]!;
    b.emit(c.y, 'GridSample', [b.name(c.x), b.name(c.tensor('grid', 1)!)], { mode: S(mode), padding_mode: S(padding), align_corners: I(c.arg('align_corners', 4, false) ? 1 : 0) });
  },
  // the base points (x, y[, z], 1) are constants of the size: each batch's grid is base · thetaᵀ
  'aten::affine_grid_generator': (b, c) => {
    const theta = c.tensor('theta', 0)!;
    const size = c.arg<number[]>('size', 1, []);
    const k = size.length - 2;
    const base = base_grid(theta.type!.dtype, [1, ...size.slice(1)], c.arg('align_corners', 2, false));
    const points = b.initializer('base_grid', { dtype: theta.type!.dtype, shape: [base._shape[1]!, k + 1], values: [...base._contiguous_data()] });
    const rows = b.node('MatMul', [points, b.node('Transpose', [b.name(theta)], { perm: Is([0, 2, 1]) })[0]!])[0]!;
    b.emit(c.y, 'Reshape', [rows, b.i64([0, ...size.slice(2), k])]);
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
  'aten::group_norm': (b, c) => group_normalize(b, c, c.x, c.arg('num_groups', 1, 1), c.tensor('weight', 2), c.tensor('bias', 3), c.arg('eps', 4, 1e-5)),
  'aten::instance_norm': (b, c) => {
    if (!c.arg('use_input_stats', 5, true)) unsupported('instance_norm with running statistics');
    group_normalize(b, c, c.x, c.x.type!.shape[1]!, c.tensor('weight', 3), c.tensor('bias', 4), c.arg('eps', 7, 1e-5));
  },
  'aten::dropout': (b, c) => {
    if (c.arg('training', 2, true) && c.arg('p', 1, 0.5) > 0) unsupported('dropout in training mode (export the model in eval mode)');
    b.emit(c.y, 'Identity', [b.name(c.x)]);
  },
  // torch.embedding(weight, indices, ...): F.embedding's max_norm is a separate aten::embedding_renorm_ step,
  // which has no converter and so names itself in the exporter's error
  'aten::embedding': (b, c) => {
    b.emit(c.y, 'Gather', [b.name(c.tensor('weight', 0)!), b.name(c.tensor('indices', 1)!)], { axis: I(0) });
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
  'aten::mkldnn_rnn_layer': (b, c) => {
    // one ONNX LSTM node, as PyTorch's exporter emits for nn.LSTM: gates reordered from PyTorch's (input, forget,
    // cell, output) to ONNX's (input, output, forget, cell), a leading direction axis on weights and states
    const H = c.arg<number>('hidden_size', 10, 0);
    const gates = (w: string): string => {
      const [i, f, g, o] = b.node('Split', [w, b.i64([H, H, H, H])], { axis: I(0) }, 4) as [string, string, string, string];
      return b.node('Concat', [i, o, f, g], { axis: I(0) })[0]!;
    };
    const one_direction = (x: string): string => b.node('Unsqueeze', [x, b.i64([0])])[0]!;
    const arg = (name: string, index: number): string => b.name(c.tensor(name, index)!);
    const bias = c.arg<boolean>('has_biases', 12, true) ? one_direction(b.node('Concat', [gates(arg('weight2', 3)), gates(arg('weight3', 4))], { axis: I(0) })[0]!) : '';
    const [y, y_h, y_c] = b.node('LSTM', [
      b.name(c.x), one_direction(gates(arg('weight0', 1))), one_direction(gates(arg('weight1', 2))), bias, '', one_direction(arg('hx_', 5)), one_direction(arg('cx_', 6)),
    ], { hidden_size: I(H), direction: S(c.arg<boolean>('reverse', 7, false) ? 'reverse' : 'forward') }, 3) as [string, string, string];
    b.emit(c.outs[0]!, 'Squeeze', [y, b.i64([1])]);
    b.emit(c.outs[1]!, 'Squeeze', [y_h, b.i64([0])]);
    b.emit(c.outs[2]!, 'Squeeze', [y_c, b.i64([0])]);
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
