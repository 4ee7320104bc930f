// One LSTM layer over a whole sequence as a single op, PyTorch 2.x's CPU path for float32 nn.LSTM
// (mkldnn_rnn_layer, node MkldnnRnnLayerBackward0): one GEMM for every step's input projection, one GEMM per
// step for the recurrence with the gate nonlinearities and the cell update fused after it; the backward walks the
// steps once in reverse and finishes with one GEMM each for the weight and input gradients.
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { scalar_type_name } from '../dtype.js';
import { trace_op, tracing } from '../jit/tracer.js';
import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../kernels/js/nn_kernels.js';
import { signature, type PyArgs } from '../signature.js';
import { should_record, type Tensor } from '../tensor.js';
import { add, mul, rsub } from './arithmetic.js';
import { matmul } from './linalg.js';
import { empty, record } from './record.js';
import { sum } from './reduce.js';
import { sigmoid, tanh } from './unary.js';
import { cat, chunk, unbind } from './view.js';

/** ideep's `rnn_kind::LSTM`, the only `mode` this op runs (PyTorch sends only LSTMs down this path). */
const LSTM_MODE = 2;

const MKLDNN_RNN_LAYER = signature<{
  input: Tensor; weight0: Tensor; weight1: Tensor; weight2: Tensor; weight3: Tensor; hx_: Tensor; cx_: Tensor; reverse: boolean;
  batch_sizes: number[]; mode: number; hidden_size: number; num_layers: number; has_biases: boolean; bidirectional: boolean; batch_first: boolean; train: boolean;
}>(
  'mkldnn_rnn_layer(Tensor input, Tensor weight0, Tensor weight1, Tensor weight2, Tensor weight3, Tensor hx_, Tensor cx_, bool reverse, int[] batch_sizes, int mode, int hidden_size, int num_layers, bool has_biases, bool bidirectional, bool batch_first, bool train)',
);

type Args = PyArgs<
  [input: Tensor, weight0: Tensor, weight1: Tensor, weight2: Tensor, weight3: Tensor, hx_: Tensor, cx_: Tensor, reverse: boolean, batch_sizes: number[],
    mode: number, hidden_size: number, num_layers: number, has_biases: boolean, bidirectional: boolean, batch_first: boolean, train: boolean],
  Record<string, never>
>;

/** What the node saves: the inputs, the output and the workspace, then the biases when there are any. */
type Saved = [input: Tensor, w_ih: Tensor, w_hh: Tensor, hx: Tensor, cx: Tensor, output: Tensor, workspace: Tensor, b_ih?: Tensor, b_hh?: Tensor];

/**
 * One LSTM layer in one direction over a sequence-first `input` `[T, B, I]` from `hx_`, `cx_` `[B, H]`:
 * `[output [T, B, H], hy, cy, workspace]`, gates in PyTorch's order (input, forget, cell, output). `weight0` and
 * `weight1` are `W_ih [4H, I]` and `W_hh [4H, H]`, `weight2` and `weight3` the biases (read only when
 * `has_biases`); `reverse` runs the steps last to first. The workspace (the gate activations and cell states the
 * backward reads; empty without grad mode) is tsgrad's own layout. `batch_first`, `num_layers`, `bidirectional`
 * and `train` describe the module and do not change this layer's result; `mode` must be 2 (LSTM) and
 * `batch_sizes` empty. One node, MkldnnRnnLayerBackward0, whose backward is written in differentiable ops under
 * `create_graph`. PyTorch's nn.LSTM takes this path for float32 without projections; tsgrad also runs it in float64.
 *
 * @example
 * const [out, hy, cy] = torch.mkldnn_rnn_layer(x, w_ih, w_hh, b_ih, b_hh, h0, c0, false, [], 2, 5, 1, true, false, false, true);
 */
export function mkldnn_rnn_layer(...args: Args): [Tensor, Tensor, Tensor, Tensor] {
  if (tracing) return trace_op('aten::mkldnn_rnn_layer', mkldnn_rnn_layer, args, MKLDNN_RNN_LAYER);
  const a = MKLDNN_RNN_LAYER.parse(args);
  const { input, weight0: w_ih, weight1: w_hh, hx_: hx, cx_: cx, reverse, hidden_size: H } = a;
  const bias = a.has_biases ? [a.weight2, a.weight3] : null;
  if (a.mode !== LSTM_MODE) throw new Error(`mkldnn_rnn_layer: tsgrad runs only mode ${LSTM_MODE} (LSTM), got mode ${a.mode}`);
  if (a.batch_sizes.length !== 0) throw new Error("mkldnn_rnn doesn't support packed input");
  const dtype = input._dtype;
  if (dtype !== 'float32' && dtype !== 'float64') throw new Error(`"mkldnn_rnn_layer" not implemented for '${scalar_type_name(dtype)}'`);
  if (input.ndim !== 3) throw new Error(`mkldnn_rnn_layer: expected a 3-D input [seq, batch, features], got ${input.ndim}-D`);
  const [T, B, I] = input._shape as [number, number, number];
  const G = 4 * H;
  const expect_shape = (t: Tensor, name: string, shape: number[]): void => {
    if (t._dtype !== dtype) throw new Error(`mkldnn_rnn_layer: expected ${name} to have dtype ${scalar_type_name(dtype)}, got ${scalar_type_name(t._dtype)}`);
    if (t.ndim !== shape.length || t._shape.some((s, i) => s !== shape[i])) throw new Error(`mkldnn_rnn_layer: expected ${name} of shape [${shape.join(', ')}], got [${t._shape.join(', ')}]`);
  };
  expect_shape(w_ih, 'weight0', [G, I]);
  expect_shape(w_hh, 'weight1', [G, H]);
  if (bias !== null) bias.forEach((b, k) => expect_shape(b, `weight${k + 2}`, [G]));
  expect_shape(hx, 'hx_', [B, H]);
  expect_shape(cx, 'cx_', [B, H]);

  const w_hh_data = w_hh._contiguous_data() as FloatArray;
  // the workspace (the gate activations and cell states the backward reads) only when a node will keep it
  const grad = should_record([input, w_ih, w_hh, ...(bias ?? []), hx, cx]);
  const workspace = empty([grad ? T * B * (G + 2 * H) : 0], dtype);
  const ws = workspace._storage.data as FloatArray;
  const output = empty([T, B, H], dtype);
  const hy = empty([B, H], dtype);
  const cy = empty([B, H], dtype);
  kernels().lstm_layer_forward({
    T, B, I, H, reverse,
    x: input._contiguous_data() as FloatArray,
    w_ih: w_ih._contiguous_data() as FloatArray,
    w_hh: w_hh_data,
    // the recurrent weight is every step's B: kept packed between the steps while unchanged
    w_hh_version: w_hh_data === w_hh._storage.data ? w_hh._storage.counter : undefined,
    b_ih: bias === null ? null : bias[0]!._contiguous_data() as FloatArray,
    b_hh: bias === null ? null : bias[1]!._contiguous_data() as FloatArray,
    h0: hx._contiguous_data() as FloatArray,
    c0: cx._contiguous_data() as FloatArray,
    out: output._storage.data as FloatArray,
    hy: hy._storage.data as FloatArray,
    cy: cy._storage.data as FloatArray,
    acts: grad ? ws.subarray(0, T * B * G) : null,
    cells: grad ? ws.subarray(T * B * G, T * B * (G + H)) : null,
    tanh_cells: grad ? ws.subarray(T * B * (G + H)) : null,
  });
  const node = record('MkldnnRnnLayerBackward0', [input, w_ih, w_hh, bias?.[0], bias?.[1], hx, cx], [output, hy, cy], (ctx, [gy, ghy, gcy]) => {
    const saved = ctx.saved_tensors as Saved;
    const needs = (i: number): boolean => ctx.needs_input_grad(i);
    if (gy == null && ghy == null && gcy == null) return [null, null, null, null, null, null, null];
    return (is_grad_enabled() ? lstm_layer_backward_graph : lstm_layer_backward)(saved, gy ?? null, ghy ?? null, gcy ?? null, reverse, needs);
  }, [input, w_ih, w_hh, hx, cx, output, workspace, ...(bias ?? [])]);
  return [output, hy, cy, node === null ? empty([0], dtype) : workspace];
}

/** The gradients of `[input, W_ih, W_hh, b_ih, b_hh, hx, cx]` from the saved values, without recording a graph. */
function lstm_layer_backward(
  saved: Saved, gy: Tensor | null, ghy: Tensor | null, gcy: Tensor | null, reverse: boolean, needs: (i: number) => boolean,
): (Tensor | null)[] {
  const [input, w_ih, w_hh, hx, cx, output, workspace, b_ih] = saved;
  const [T, B, I] = input._shape as [number, number, number];
  const H = hx._shape[1]!;
  const G = 4 * H;
  const dtype = input._dtype;
  const ks = kernels();
  const ws = workspace._storage.data as FloatArray;
  const d_gates = empty([T * B, G], dtype);
  const da = d_gates._storage.data as FloatArray;
  const dh = empty([B, H], dtype);
  const dc = empty([B, H], dtype);
  if (ghy !== null) dh._storage.data.set(ghy._contiguous_data());
  if (gcy !== null) dc._storage.data.set(gcy._contiguous_data());
  const wh = w_hh._contiguous_data() as FloatArray;
  ks.lstm_layer_backward({
    T, B, H, reverse,
    acts: ws.subarray(0, T * B * G),
    cells: ws.subarray(T * B * G, T * B * (G + H)),
    tanh_cells: ws.subarray(T * B * (G + H)),
    c0: cx._contiguous_data() as FloatArray,
    w_hh: wh,
    // the recurrent weight is every step's B: kept packed between the steps while unchanged
    w_hh_version: wh === w_hh._storage.data ? w_hh._storage.counter : undefined,
    gy: gy === null ? null : gy._contiguous_data() as FloatArray,
    d_gates: da,
    dh: dh._storage.data as FloatArray,
    dc: dc._storage.data as FloatArray,
  });
  const grads: (Tensor | null)[] = [null, null, null, null, null, needs(5) ? dh : null, needs(6) ? dc : null];
  if (needs(0)) {
    const dx = empty([T, B, I], dtype);
    ks.gemm(false, false, T * B, I, G, 1, da, 0, G, w_ih._contiguous_data() as FloatArray, 0, I, 0, dx._storage.data as FloatArray, 0, I);
    grads[0] = dx;
  }
  if (needs(1)) {
    const dw = empty([G, I], dtype);
    ks.gemm(true, false, G, I, T * B, 1, da, 0, G, input._contiguous_data() as FloatArray, 0, I, 0, dw._storage.data as FloatArray, 0, I);
    grads[1] = dw;
  }
  if (needs(2) && T > 0) {
    // Σ_t dgates_tᵀ h_{t−1}: the steps whose previous h is an output, in one GEMM, then the first step's with hx
    const dw = empty([G, H], dtype);
    const dwd = dw._storage.data as FloatArray;
    const out = output._contiguous_data() as FloatArray;
    const n = (T - 1) * B;
    const [first, rest, prev] = reverse ? [T - 1, 0, B * H] : [0, B * G, 0];
    ks.gemm(true, false, G, H, n, 1, da, rest, G, out, prev, H, 0, dwd, 0, H);
    ks.gemm(true, false, G, H, B, 1, da, first * B * G, G, hx._contiguous_data() as FloatArray, 0, H, n === 0 ? 0 : 1, dwd, 0, H);
    grads[2] = dw;
  } else if (needs(2)) grads[2] = empty([G, H], dtype).zero_();
  if (b_ih !== undefined && (needs(3) || needs(4))) {
    const db = sum(d_gates, 0);
    grads[3] = needs(3) ? db : null;
    grads[4] = needs(4) ? db.clone() : null;
  }
  return grads;
}

/**
 * The same gradients in differentiable ops (`create_graph`): the layer's steps recomputed from the saved inputs,
 * then walked in reverse, so the result is a graph of ordinary nodes that can be differentiated again.
 */
function lstm_layer_backward_graph(
  saved: Saved, gy: Tensor | null, ghy: Tensor | null, gcy: Tensor | null, reverse: boolean, needs: (i: number) => boolean,
): (Tensor | null)[] {
  const [input, w_ih, w_hh, hx, cx, , , b_ih, b_hh] = saved;
  const T = input._shape[0]!;
  const order = Array.from({ length: T }, (_, k) => (reverse ? T - 1 - k : k));
  const xs = unbind(input, 0);
  // forward again: per step the activated gates and the cell states before and after
  const steps: { i: Tensor; f: Tensor; g: Tensor; o: Tensor; c_prev: Tensor; h_prev: Tensor; c: Tensor }[] = new Array(T);
  let [h, c] = [hx, cx];
  for (const t of order) {
    const pre = add(matmul(xs[t]!, w_ih.t()), matmul(h, w_hh.t()));
    const [ri, rf, rg, ro] = chunk(b_ih !== undefined && b_hh !== undefined ? add(pre, add(b_ih, b_hh)) : pre, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const [i, f, g, o] = [sigmoid(ri), sigmoid(rf), tanh(rg), sigmoid(ro)];
    const c_next = add(mul(f, c), mul(i, g));
    steps[t] = { i, f, g, o, c_prev: c, h_prev: h, c: c_next };
    [h, c] = [mul(o, tanh(c_next)), c_next];
  }
  const gys = gy === null ? null : unbind(gy, 0);
  let dh: Tensor | null = ghy;
  let dc: Tensor | null = gcy;
  const d_gates: Tensor[] = new Array(T);
  for (let k = T - 1; k >= 0; k--) {
    const t = order[k]!;
    const s = steps[t]!;
    const dh_t = gys === null ? dh : dh === null ? gys[t]! : add(dh, gys[t]!);
    const tc = tanh(s.c);
    let dc_t = dc;
    if (dh_t !== null) {
      const through_h = mul(mul(dh_t, s.o), rsub(mul(tc, tc), 1));
      dc_t = dc_t === null ? through_h : add(dc_t, through_h);
    }
    const zero = mul(s.i, 0);
    const d_o = dh_t === null ? zero : mul(mul(dh_t, tc), mul(s.o, rsub(s.o, 1)));
    const [d_i, d_f, d_g] = dc_t === null ? [zero, zero, zero] : [
      mul(mul(dc_t, s.g), mul(s.i, rsub(s.i, 1))),
      mul(mul(dc_t, s.c_prev), mul(s.f, rsub(s.f, 1))),
      mul(mul(dc_t, s.i), rsub(mul(s.g, s.g), 1)),
    ];
    d_gates[t] = cat([d_i, d_f, d_g, d_o], 1);
    dh = matmul(d_gates[t]!, w_hh);
    dc = dc_t === null ? null : mul(dc_t, s.f);
  }
  const all = T === 0 ? null : cat(d_gates, 0);
  const db = all === null || b_ih === undefined ? null : sum(all, 0);
  const grads: (Tensor | null)[] = [
    needs(0) && all !== null ? matmul(all, w_ih).view(input._shape) : null,
    needs(1) && all !== null ? matmul(all.t(), input.reshape(-1, input._shape[2]!)) : null,
    needs(2) && all !== null ? matmul(all.t(), cat(steps.map((s) => s.h_prev), 0)) : null,
    needs(3) ? db : null,
    needs(4) ? db : null,
    needs(5) ? dh : null,
    needs(6) ? dc : null,
  ];
  return grads;
}
