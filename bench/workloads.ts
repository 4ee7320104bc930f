// The benchmark workloads, each built for tsgrad and for TF.js from the same seeded values, so a peer can be
// checked to compute the same numbers before it is timed. `spec` tells the PyTorch companion what to build.
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import type { ModelSpec } from './model_workloads.js';
import { onnx_model, type OnnxModel } from './onnx_model.js';
import { tf } from './tfjs.js';

const F = nn.functional;

/** One peer's side of a workload. */
export interface Side {
  /** One timed call. */
  run(): void;
  /** One call, returning what the agreement check compares, flattened in tsgrad's layout (NCHW, OIHW). */
  result(): Float32Array;
  dispose(): void;
}

export type Spec =
  | { kind: 'simplenet_train'; batch: number }
  | { kind: 'simplenet_forward'; batch: number }
  | { kind: 'saliency'; batch: number }
  | { kind: 'matmul'; n: number }
  | { kind: 'conv_forward' | 'conv_forward_backward'; batch: number; channels: number; size: number }
  | ModelSpec;

export interface Workload {
  key: string;
  label: string;
  spec: Spec;
  /** Floating-point work of one call in GFLOP, for workloads quoted in GFLOP/s. */
  gflop: number | null;
  tsgrad(): Side;
  /** Built on the active TF.js backend; absent where TF.js has no such model (the model families). */
  tfjs?(): Side;
  /** The forward's model exported to ONNX with the same weights and input, for the onnxruntime peer (inference workloads). */
  onnx?(): OnnxModel;
  /** A smaller variant to time instead on a TF.js backend too slow for this one (compared by GFLOP/s). */
  reduced?: { backend: 'cpu' | 'wasm'; workload: Workload };
}

export interface Sizes {
  simplenet_batch: number;
  matmul: number[];
  conv: { batch: number; channels: number; size: number };
  /** Batch of the conv forward+backward variant timed on TF.js cpu instead (at batch 16 one call takes about 2 minutes). */
  conv_cpu_backward_batch: number;
}

/** The sizes `pnpm bench` reports. */
export const FULL: Sizes = { simplenet_batch: 64, matmul: [512, 1024], conv: { batch: 16, channels: 64, size: 32 }, conv_cpu_backward_batch: 1 };
/** Sizes for the smoke test: every code path, in milliseconds. */
export const TINY: Sizes = { simplenet_batch: 2, matmul: [16], conv: { batch: 2, channels: 4, size: 6 }, conv_cpu_backward_batch: 1 };

/** All workloads at `sizes`, in the order the bench prints them. */
export function workloads(sizes: Sizes): Workload[] {
  const b = sizes.simplenet_batch;
  const conv = (kind: 'conv_forward' | 'conv_forward_backward', batch: number): Workload => conv_workload({ kind, ...sizes.conv, batch });
  const conv_backward = conv('conv_forward_backward', sizes.conv.batch);
  conv_backward.reduced = { backend: 'cpu', workload: conv('conv_forward_backward', sizes.conv_cpu_backward_batch) };
  return [
    simplenet_train(b),
    simplenet_forward(b),
    saliency(1),
    ...sizes.matmul.map(matmul),
    conv('conv_forward', sizes.conv.batch),
    conv_backward,
  ];
}

// ---- shared values --------------------------------------------------------------------------------------

/** A tensor's values as a fresh Float32Array. */
function values(t: torch.Tensor): Float32Array {
  return Float32Array.from(t.detach().data_array() as Float32Array);
}

function concat(parts: (Float32Array | number[])[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A tsgrad tensor on the active TF.js backend, its dimensions permuted by `perm` (NCHW→NHWC is [0, 2, 3, 1]). */
function to_tf<R extends tf.Rank>(t: torch.Tensor, perm?: number[]): tf.Tensor<R> {
  return tf.tidy(() => {
    const v = tf.tensor(values(t), [...t.shape]);
    return (perm === undefined ? v : tf.transpose(v, perm)) as tf.Tensor<R>;
  });
}

/** TF.js values back in tsgrad's layout: `perm` undoes the permutation `to_tf` applied. */
function from_tf(t: tf.Tensor, perm?: number[]): Float32Array {
  return tf.tidy(() => (perm === undefined ? t : tf.transpose(t, perm)).dataSync() as Float32Array).slice();
}

const NHWC = [0, 2, 3, 1];
const NCHW = [0, 3, 1, 2];
/** tsgrad's conv weight [out, in, kh, kw] to TF.js's [kh, kw, in, out], and back. */
const HWIO = [2, 3, 1, 0];
const OIHW = [3, 2, 0, 1];

function images(batch: number): torch.Tensor {
  torch.manual_seed(0);
  return torch.randn([batch, 1, 28, 28]);
}

function simplenet(): models.SimpleNet {
  torch.manual_seed(1);
  return new models.SimpleNet({ final_relu: false });
}

/** SimpleNet in TF.js with tsgrad's weights: NHWC, fused conv+bias+relu and matmul+bias+relu as tf.layers uses them. */
class TfSimpleNet {
  readonly w1: tf.Variable<tf.Rank.R4>;
  readonly b1: tf.Variable<tf.Rank.R1>;
  readonly w2: tf.Variable<tf.Rank.R4>;
  readonly b2: tf.Variable<tf.Rank.R1>;
  readonly wf: tf.Variable<tf.Rank.R2>;
  readonly bf: tf.Variable<tf.Rank.R1>;
  readonly wo: tf.Variable<tf.Rank.R2>;
  readonly bo: tf.Variable<tf.Rank.R1>;

  constructor(net: models.SimpleNet) {
    this.w1 = tf.variable(to_tf(net.conv1.weight, HWIO));
    this.b1 = tf.variable(to_tf(net.conv1.bias!));
    this.w2 = tf.variable(to_tf(net.conv2.weight, HWIO));
    this.b2 = tf.variable(to_tf(net.conv2.bias!));
    // fc's 320 inputs are (channel, row, col) in tsgrad's flatten and (row, col, channel) in NHWC's: seen as
    // [50, 20, 4, 4], its weight permutes like a conv weight.
    this.wf = tf.variable(tf.tidy(() => tf.reshape(to_tf(net.fc.weight.view(50, 20, 4, 4), HWIO), [320, 50])));
    this.bf = tf.variable(to_tf(net.fc.bias!));
    this.wo = tf.variable(to_tf(net.out.weight, [1, 0]));
    this.bo = tf.variable(to_tf(net.out.bias!));
  }

  get vars(): tf.Variable[] {
    return [this.w1, this.b1, this.w2, this.b2, this.wf, this.bf, this.wo, this.bo];
  }

  forward(x: tf.Tensor4D): tf.Tensor2D {
    let h = tf.maxPool(tf.fused.conv2d({ x, filter: this.w1, bias: this.b1, strides: 1, pad: 'valid', activation: 'relu' }), 2, 2, 'valid');
    h = tf.maxPool(tf.fused.conv2d({ x: h, filter: this.w2, bias: this.b2, strides: 1, pad: 'valid', activation: 'relu' }), 2, 2, 'valid');
    const f = tf.fused.matMul({ a: tf.reshape(h, [h.shape[0], 320]), b: this.wf, bias: this.bf, activation: 'relu' });
    return tf.fused.matMul({ a: f, b: this.wo, bias: this.bo }) as tf.Tensor2D;
  }

  /** The weights in tsgrad's layout and `parameters()` order. */
  state(): Float32Array {
    return tf.tidy(() => concat([
      from_tf(this.w1, OIHW), from_tf(this.b1), from_tf(this.w2, OIHW), from_tf(this.b2),
      from_tf(tf.reshape(this.wf, [4, 4, 20, 50]), OIHW), from_tf(this.bf), from_tf(this.wo, [1, 0]), from_tf(this.bo),
    ]));
  }

  dispose(): void {
    tf.dispose(this.vars);
  }
}

// ---- workloads ------------------------------------------------------------------------------------------

/** forward, cross-entropy, backward, SGD step: one training step. */
function simplenet_train(batch: number): Workload {
  const target = (): torch.Tensor => {
    torch.manual_seed(2);
    return torch.randint(0, 10, [batch]);
  };
  return {
    key: `simplenet_train_b${batch}`,
    label: `SimpleNet train step b${batch}`,
    spec: { kind: 'simplenet_train', batch },
    gflop: null,
    tsgrad() {
      const [x, y, net] = [images(batch), target(), simplenet()];
      const opt = new nn.optim.SGD(net.parameters(), { lr: 0.01 });
      const step = (): torch.Tensor => {
        opt.zero_grad();
        const loss = F.cross_entropy(net.call(x), y);
        loss.backward();
        opt.step();
        return loss;
      };
      return {
        run: () => void step(),
        result: () => concat([[step().item()], ...[...net.parameters()].map(values)]),
        dispose: () => undefined,
      };
    },
    tfjs() {
      const net = new TfSimpleNet(simplenet());
      const x = to_tf<tf.Rank.R4>(images(batch), NHWC);
      const onehot = tf.oneHot(tf.tensor1d(target().tolist() as number[], 'int32'), 10);
      const opt = tf.train.sgd(0.01);
      const step = (): tf.Scalar => opt.minimize(() => tf.losses.softmaxCrossEntropy(onehot, net.forward(x)) as tf.Scalar, true, net.vars)!;
      return {
        run: () => tf.tidy(() => void step()),
        result: () => concat([[tf.tidy(() => step().dataSync()[0]!)], net.state()]),
        dispose: () => {
          net.dispose();
          opt.dispose();
          tf.dispose([x, onehot]);
        },
      };
    },
  };
}

/** Inference: the forward pass without recording a graph. */
function simplenet_forward(batch: number): Workload {
  return {
    key: `simplenet_forward_b${batch}`,
    label: `SimpleNet forward b${batch}`,
    spec: { kind: 'simplenet_forward', batch },
    gflop: null,
    tsgrad() {
      const [x, net] = [images(batch), simplenet()];
      const forward = (): torch.Tensor => torch.no_grad(() => net.call(x));
      return { run: () => void forward(), result: () => values(forward()), dispose: () => undefined };
    },
    onnx: () => onnx_model(simplenet(), images(batch)),
    tfjs() {
      const net = new TfSimpleNet(simplenet());
      const x = to_tf<tf.Rank.R4>(images(batch), NHWC);
      return {
        run: () => tf.tidy(() => void net.forward(x)),
        result: () => tf.tidy(() => net.forward(x).dataSync() as Float32Array).slice(),
        dispose: () => {
          net.dispose();
          x.dispose();
        },
      };
    },
  };
}

/** Vanilla saliency: forward, then the gradient of one class score with respect to the input. */
function saliency(batch: number): Workload {
  const target = 3;
  return {
    key: `saliency_b${batch}`,
    label: `saliency b${batch} (fwd + bwd to input)`,
    spec: { kind: 'saliency', batch },
    gflop: null,
    tsgrad() {
      const [x, net] = [images(batch).requires_grad_(), simplenet()];
      const grad = (): torch.Tensor => torch.autograd.grad(net.call(x).index([0, target]), [x])[0]!;
      return { run: () => void grad(), result: () => values(grad()), dispose: () => undefined };
    },
    tfjs() {
      const net = new TfSimpleNet(simplenet());
      const x = to_tf<tf.Rank.R4>(images(batch), NHWC);
      const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.slice(net.forward(input as tf.Tensor4D), [0, target], [1, 1])));
      return {
        run: () => tf.tidy(() => void grad(x)),
        result: () => tf.tidy(() => from_tf(grad(x), NCHW)),
        dispose: () => {
          net.dispose();
          x.dispose();
        },
      };
    },
  };
}

function matmul(n: number): Workload {
  const operands = (): [torch.Tensor, torch.Tensor] => {
    torch.manual_seed(0);
    return [torch.randn([n, n]), torch.randn([n, n])];
  };
  return {
    key: `matmul_${n}`,
    label: `matmul ${n}³`,
    spec: { kind: 'matmul', n },
    gflop: (2 * n ** 3) / 1e9,
    tsgrad() {
      const [a, b] = operands();
      // B's version moves before every call, so each one packs B anew, as PyTorch's and TF.js's do: this row
      // times the GEMM, not the packed-operand cache a fixed B would hit from the second call on
      const fresh_b = (): torch.Tensor => {
        b._storage.version++;
        return b;
      };
      return { run: () => void torch.mm(a, fresh_b()), result: () => values(torch.mm(a, fresh_b())), dispose: () => undefined };
    },
    tfjs() {
      const [a, b] = operands().map((t) => to_tf<tf.Rank.R2>(t));
      return {
        run: () => tf.tidy(() => void tf.matMul(a, b)),
        result: () => tf.tidy(() => tf.matMul(a, b).dataSync() as Float32Array).slice(),
        dispose: () => tf.dispose([a, b]),
      };
    },
  };
}

/** A 3×3 convolution with padding 1 and bias: forward alone, or forward and the gradients of input, weight and bias. */
function conv_workload(spec: Extract<Spec, { kind: 'conv_forward' | 'conv_forward_backward' }>): Workload {
  const { kind, batch, channels: c, size } = spec;
  const backward = kind === 'conv_forward_backward';
  const operands = (): [torch.Tensor, torch.Tensor, torch.Tensor] => {
    torch.manual_seed(0);
    const bound = 1 / Math.sqrt(c * 9);
    return [
      torch.randn([batch, c, size, size], { requires_grad: backward }),
      torch.rand([c, c, 3, 3]).mul(2 * bound).sub(bound).requires_grad_(backward),
      torch.rand([c]).mul(2 * bound).sub(bound).requires_grad_(backward),
    ];
  };
  const forward_gflop = (2 * batch * c * size * size * c * 9) / 1e9;
  return {
    key: `conv${c}_${backward ? 'forward_backward' : 'forward'}_b${batch}`,
    label: `conv3×3 ${c}→${c} [${batch},${c},${size},${size}] ${backward ? 'fwd+bwd' : 'fwd'}`,
    spec,
    // backward computes the input's and the weight's gradient, each as much work as the forward
    gflop: backward ? 3 * forward_gflop : forward_gflop,
    tsgrad() {
      const [x, w, b] = operands();
      const call = (): torch.Tensor[] => {
        const y = F.conv2d(x, w, b, { padding: 1 });
        return backward ? torch.autograd.grad(y.sum(), [x, w, b]).map((g) => g!) : [y];
      };
      return { run: () => void call(), result: () => concat(call().map(values)), dispose: () => undefined };
    },
    tfjs() {
      const [xt, wt, bt] = operands();
      const [x, w, b] = [to_tf<tf.Rank.R4>(xt, NHWC), to_tf<tf.Rank.R4>(wt, HWIO), to_tf<tf.Rank.R1>(bt)];
      const conv = (input: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D => tf.fused.conv2d({ x: input, filter, bias, strides: 1, pad: 1 });
      const grads = tf.grads((input, filter, bias) => tf.sum(conv(input as tf.Tensor4D, filter as tf.Tensor4D, bias as tf.Tensor1D)));
      const call = (): tf.Tensor[] => (backward ? grads([x, w, b]) : [conv(x, w, b)]);
      const layouts = backward ? [NCHW, OIHW, undefined] : [NCHW];
      return {
        run: () => tf.tidy(() => void call()),
        result: () => tf.tidy(() => concat(call().map((t, i) => from_tf(t, layouts[i])))),
        dispose: () => tf.dispose([x, w, b]),
      };
    },
  };
}
