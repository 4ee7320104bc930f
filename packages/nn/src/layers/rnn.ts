// Recurrent layers: RNN (tanh / relu), LSTM (with projections), GRU and their single-step cells, computed as
// PyTorch 2.x's CPU kernels do: a float32 LSTM without projections runs each layer and direction as one
// mkldnn_rnn_layer op (one MkldnnRnnLayerBackward0 node); the others use one GEMM for a layer's whole input
// projection, one matmul per step for the recurrence and ordinary ops in between (a graph of ordinary nodes).
import { cat, dropout, empty, linear, mkldnn_rnn_layer, relu, sigmoid, signature, stack, tanh, warn, zeros, type PyArgs, type Tensor } from '@tsgrad/core';
import { uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { py_float, py_repr } from '../python_repr.js';

type FloatDType = 'float32' | 'float64';
type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** One step's hidden state: `h` alone, or LSTM's `[h, c]`. */
type State = [Tensor, Tensor | null];

/** Weights of one layer and direction, in PyTorch's order. */
interface CellWeights {
  w_ih: Tensor;
  w_hh: Tensor;
  b_ih: Tensor | null;
  b_hh: Tensor | null;
  w_hr: Tensor | null;
}

/**
 * One step of a cell given its input projection `xw = x Wᵢₕᵀ + bᵢₕ` (precomputed for the whole sequence).
 * The arithmetic follows PyTorch's CPU cells, so the last node of each output is the one PyTorch shows.
 */
function cell_step(mode: Mode, xw: Tensor, [h, c]: State, p: CellWeights): State {
  const hw = linear(h, p.w_hh, p.b_hh);
  if (mode === 'RNN_TANH') return [tanh(hw.add(xw)), null];
  if (mode === 'RNN_RELU') return [relu(hw.add(xw)), null];
  if (mode === 'LSTM') {
    const [i, f, g, o] = hw.add(xw).chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const cy = sigmoid(f).mul(c!).add(sigmoid(i).mul(tanh(g)));
    const hy = sigmoid(o).mul(tanh(cy));
    return [p.w_hr === null ? hy : hy.matmul(p.w_hr.t()), cy];
  }
  const [xr, xz, xn] = xw.chunk(3, 1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = hw.chunk(3, 1) as [Tensor, Tensor, Tensor];
  const r = sigmoid(hr.add(xr));
  const z = sigmoid(hz.add(xz));
  const n = tanh(xn.add(hn.mul(r)));
  return [h.sub(n).mul(z).add(n), null];
}

/** Runs one direction of one layer over `[T, B, I]`; returns the `[T, B, H]` outputs and the final state. */
function run_direction(mode: Mode, input: Tensor, state: State, p: CellWeights, reverse: boolean): { out: Tensor; state: State } {
  const steps = linear(input, p.w_ih, p.b_ih).unbind(0);
  const outs: Tensor[] = new Array<Tensor>(steps.length);
  let s = state;
  for (let k = 0; k < steps.length; k++) {
    const t = reverse ? steps.length - 1 - k : k;
    s = cell_step(mode, steps[t]!, s, p);
    outs[t] = s[0];
  }
  return { out: stack(outs, 0), state: s };
}

const NAMES: Record<Mode, string> = { RNN_TANH: 'RNN', RNN_RELU: 'RNN', LSTM: 'LSTM', GRU: 'GRU' };
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

const tuple = (s: readonly number[]): string => `(${s.join(', ')})`;
const list = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** The options shared by RNN, LSTM and GRU (positional after `input_size, hidden_size`, or by name). */
export interface RNNOptions {
  /** Number of stacked layers (each layer's output feeds the next). Default 1. */
  num_layers?: number;
  /** Whether the layers have the biases `b_ih` and `b_hh`. Default true. */
  bias?: boolean;
  /** Input and output as `[batch, seq, feature]` instead of `[seq, batch, feature]` (hidden states stay batch-second). Default false. */
  batch_first?: boolean;
  /** Dropout probability on the outputs of every layer but the last (training only). Default 0. */
  dropout?: number;
  /** Run each layer forwards and backwards, concatenating both directions' outputs. Default false. */
  bidirectional?: boolean;
  /** Parameter dtype; default the global default dtype. */
  dtype?: FloatDType | null;
}

interface RNNParsed {
  input_size: number; hidden_size: number; num_layers: number; bias: boolean; batch_first: boolean; dropout: number;
  bidirectional: boolean; proj_size: number; nonlinearity: string; dtype: FloatDType | null;
}

/**
 * The parameters and checks shared by RNN, LSTM and GRU (PyTorch's RNNBase).
 *
 * @example
 * const rnn: nn.RNNBase = new nn.GRU(4, 5);
 * rnn.all_weights.length; // 1 layer × 1 direction
 */
export abstract class RNNBase extends Module {
  static override readonly __name__: string = 'RNNBase';
  /** Which recurrence: 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'. */
  readonly mode: Mode;
  /** Features of the input, I. */
  readonly input_size: number;
  /** Features of the hidden state, H. */
  readonly hidden_size: number;
  /** Number of stacked layers. */
  readonly num_layers: number;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Whether input and output are `[batch, seq, feature]`. */
  readonly batch_first: boolean;
  /** Dropout probability between layers (training only). */
  readonly dropout: number;
  /** Whether every layer also runs backwards. */
  readonly bidirectional: boolean;
  /** LSTM only: size of the projected hidden state (0 = no projection). */
  readonly proj_size: number;
  /** Parameter names per layer and direction, in PyTorch's order (`_all_weights`). */
  readonly _all_weights: string[][] = [];

  protected constructor(mode: Mode, a: RNNParsed) {
    super();
    this.mode = mode;
    this.input_size = a.input_size;
    this.hidden_size = a.hidden_size;
    this.num_layers = a.num_layers;
    this.bias = a.bias;
    this.batch_first = a.batch_first;
    this.dropout = a.dropout;
    this.bidirectional = a.bidirectional;
    this.proj_size = a.proj_size;
    if (!(a.dropout >= 0 && a.dropout <= 1)) throw new Error('dropout should be a number in range [0, 1] representing the probability of an element being zeroed');
    if (a.dropout > 0 && a.num_layers === 1) {
      warn(`dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${py_float(a.dropout)} and num_layers=${a.num_layers}`);
    }
    if (a.input_size <= 0) throw new Error('input_size must be greater than zero');
    if (a.hidden_size <= 0) throw new Error('hidden_size must be greater than zero');
    if (a.num_layers <= 0) throw new Error('num_layers must be greater than zero');
    if (a.proj_size < 0) throw new Error('proj_size should be a positive integer or zero to disable projections');
    if (a.proj_size >= a.hidden_size) throw new Error('proj_size has to be smaller than hidden_size');
    if (a.proj_size > 0 && mode !== 'LSTM') throw new Error('proj_size argument is only supported for LSTM, not RNN or GRU');
    const gate_size = GATES[mode] * a.hidden_size;
    const real_hidden = a.proj_size > 0 ? a.proj_size : a.hidden_size;
    const dtype = a.dtype ?? undefined;
    for (let layer = 0; layer < a.num_layers; layer++) {
      for (let dir = 0; dir < this.num_directions; dir++) {
        const in_size = layer === 0 ? a.input_size : real_hidden * this.num_directions;
        const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        const shapes: [string, number[]][] = [[`weight_ih${sfx}`, [gate_size, in_size]], [`weight_hh${sfx}`, [gate_size, real_hidden]]];
        if (a.bias) shapes.push([`bias_ih${sfx}`, [gate_size]], [`bias_hh${sfx}`, [gate_size]]);
        if (a.proj_size > 0) shapes.push([`weight_hr${sfx}`, [a.proj_size, a.hidden_size]]);
        for (const [name, shape] of shapes) this.register_parameter(name, new Parameter(empty(shape, { dtype })));
        this._all_weights.push(shapes.map(([n]) => n));
      }
    }
    this.reset_parameters();
  }

  /** 2 when bidirectional, else 1. */
  get num_directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The parameters per layer and direction. */
  get all_weights(): Parameter[][] {
    return this._all_weights.map((names) => names.map((n) => this.get_parameter(n)));
  }

  /** Every parameter U(-1/√hidden_size, 1/√hidden_size), as PyTorch. */
  reset_parameters(): void {
    const stdv = this.hidden_size > 0 ? 1 / Math.sqrt(this.hidden_size) : 0;
    for (const p of this.parameters()) uniform_(p, -stdv, stdv);
  }

  private weights(layer: number, dir: number): CellWeights {
    const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
    const get = (n: string): Tensor | null => (this._parameters.get(n + sfx) as Tensor | null | undefined) ?? null;
    return { w_ih: get('weight_ih')!, w_hh: get('weight_hh')!, b_ih: get('bias_ih'), b_hh: get('bias_hh'), w_hr: get('weight_hr') };
  }

  /**
   * `[num_layers · num_directions, batch, size]` for h (`cell` false) or LSTM's c.
   * @internal
   */
  protected expected_hidden_size(input: Tensor, cell: boolean): number[] {
    const batch = input._shape[this.batch_first ? 0 : 1]!;
    const size = !cell && this.proj_size > 0 ? this.proj_size : this.hidden_size;
    return [this.num_layers * this.num_directions, batch, size];
  }

  /**
   * Throws PyTorch's "Expected hidden size ..." error when `hx` is not `expected`.
   * @internal
   */
  protected check_hidden(hx: Tensor, expected: number[], label: string): void {
    if (hx._shape.length !== expected.length || hx._shape.some((s, i) => s !== expected[i])) {
      throw new Error(`Expected ${label} size ${tuple(expected)}, got ${list(hx._shape)}`);
    }
  }

  /**
   * Checks the input's rank and feature size; returns it batched (`[T, B, I]` or `[B, T, I]`) and whether it was.
   * @internal
   */
  protected batched_input(input: Tensor): { x: Tensor; batched: boolean } {
    // PyTorch's RNN says "4D tensor instead", its LSTM and GRU "4D instead"
    if (input.ndim !== 2 && input.ndim !== 3) throw new Error(`${NAMES[this.mode]}: Expected input to be 2D or 3D, got ${input.ndim}D ${NAMES[this.mode] === 'RNN' ? 'tensor ' : ''}instead`);
    const batched = input.ndim === 3;
    const x = batched ? input : input.unsqueeze(this.batch_first ? 0 : 1);
    if (x._shape[2] !== this.input_size) throw new Error(`input.size(-1) must be equal to input_size. Expected ${this.input_size}, got ${x._shape[2]}`);
    return { x, batched };
  }

  /**
   * Runs every layer and direction from the initial states; returns the output and the stacked final states.
   * @internal
   */
  protected run(x: Tensor, h0: Tensor, c0: Tensor | null): { output: Tensor; h: Tensor; c: Tensor | null } {
    // PyTorch 2.x's oneDNN path: a float32 LSTM without projections runs each layer and direction as one op over
    // the contiguous sequence-first input
    const fused = this.mode === 'LSTM' && this.proj_size === 0 && x._dtype === 'float32' && c0 !== null;
    let layer_input = this.batch_first ? x.transpose(0, 1) : x;
    if (fused) [layer_input, h0, c0] = [layer_input.contiguous(), h0.contiguous(), c0!.contiguous()];
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let layer = 0; layer < this.num_layers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < this.num_directions; dir++) {
        const k = layer * this.num_directions + dir;
        const state: State = [h0.select(0, k), c0 === null ? null : c0.select(0, k)];
        const r = fused ? this.fused_layer(layer_input, state, layer, dir) : run_direction(this.mode, layer_input, state, this.weights(layer, dir), dir === 1);
        outs.push(r.out);
        hs.push(r.state[0]);
        if (r.state[1] !== null) cs.push(r.state[1]);
      }
      layer_input = outs.length === 1 ? outs[0]! : cat(outs, outs[0]!.ndim - 1);
      if (this.dropout > 0 && this.training && layer < this.num_layers - 1) layer_input = dropout(layer_input, { p: this.dropout, training: true });
    }
    return { output: this.batch_first ? layer_input.transpose(0, 1) : layer_input, h: stack(hs, 0), c: c0 === null ? null : stack(cs, 0) };
  }

  /** One layer and direction of a float32 LSTM as PyTorch 2.x's mkldnn_rnn_layer (MkldnnRnnLayerBackward0). */
  private fused_layer(input: Tensor, [hx, cx]: State, layer: number, dir: number): { out: Tensor; state: State } {
    const p = this.weights(layer, dir);
    // without biases PyTorch passes zeros, which the op ignores
    const none = (w: Tensor): Tensor => zeros([w._shape[0]!], { dtype: w._dtype });
    const [out, hy, cy] = mkldnn_rnn_layer(input, p.w_ih, p.w_hh, p.b_ih ?? none(p.w_ih), p.b_hh ?? none(p.w_hh), hx, cx!,
      dir === 1, [], 2, this.hidden_size, this.num_layers, this.bias, this.bidirectional, this.batch_first, this.training);
    return { out, state: [hy, cy] };
  }

  override extra_repr(): string {
    let s = `${this.input_size}, ${this.hidden_size}`;
    if (this.proj_size !== 0) s += `, proj_size=${this.proj_size}`;
    if (this.num_layers !== 1) s += `, num_layers=${this.num_layers}`;
    if (!this.bias) s += `, bias=${py_repr(this.bias)}`;
    if (this.batch_first) s += `, batch_first=${py_repr(this.batch_first)}`;
    if (this.dropout !== 0) s += `, dropout=${py_float(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${py_repr(this.bidirectional)}`;
    return s;
  }
}

const RNN_FORWARD = signature<{ input: Tensor; hx: Tensor | null }>('forward(Tensor input, Tensor? hx=None)');

/** RNN and GRU: one hidden state `h`. */
abstract class SingleStateRNN extends RNNBase {
  /** `[output, h_n]`. */
  override forward(...args: PyArgs<[input: Tensor, hx: Tensor | null], { input?: Tensor; hx?: Tensor | null }>): [Tensor, Tensor] {
    const { input, hx } = RNN_FORWARD.parse(args);
    const { x, batched } = this.batched_input(input);
    let h0: Tensor;
    if (hx === null) h0 = zeros(this.expected_hidden_size(x, false), { dtype: x._dtype });
    else {
      if (batched && hx.ndim !== 3) throw new Error(`For batched 3-D input, hx should also be 3-D but got ${hx.ndim}-D tensor`);
      if (!batched && hx.ndim !== 2) throw new Error(`For unbatched 2-D input, hx should also be 2-D but got ${hx.ndim}-D tensor`);
      h0 = batched ? hx : hx.unsqueeze(1);
    }
    this.check_hidden(h0, this.expected_hidden_size(x, false), 'hidden');
    const { output, h } = this.run(x, h0, null);
    return batched ? [output, h] : [output.squeeze(this.batch_first ? 0 : 1), h.squeeze(1)];
  }
}

const RNN_SIG = signature<RNNParsed>(
  "RNN(int input_size, int hidden_size, int num_layers=1, str nonlinearity='tanh', bool bias=True, bool batch_first=False, float dropout=0.0, bool bidirectional=False, *, int proj_size=0, Any device=None, ScalarType? dtype=None)",
  { python: 'RNNBase', native: { input_size: 'size', hidden_size: 'size' } },
);

/**
 * Elman RNN, `h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh)` (or ReLU), stacked and optionally bidirectional.
 *
 * @example
 * const rnn = new nn.RNN(4, 5, { num_layers: 2 });
 * const [out, h_n] = rnn.call(torch.randn([3, 2, 4]));
 */
export class RNN extends SingleStateRNN {
  /** PyTorch's class name (see `Module.__name__`). */
  static override readonly __name__ = 'RNN';
  /** The nonlinearity: 'tanh' (default) or 'relu'. */
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(...args: PyArgs<[input_size: number, hidden_size: number, num_layers: number, nonlinearity: 'tanh' | 'relu', bias: boolean, batch_first: boolean, dropout: number, bidirectional: boolean], RNNOptions & { input_size?: number; hidden_size?: number; nonlinearity?: 'tanh' | 'relu' }>) {
    const a = RNN_SIG.parse(args);
    if (a.nonlinearity !== 'tanh' && a.nonlinearity !== 'relu') throw new Error(`Unknown nonlinearity '${a.nonlinearity}'. Select from 'tanh' or 'relu'.`);
    super(a.nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', a);
    this.nonlinearity = a.nonlinearity;
  }
}

const GRU_SIG = signature<RNNParsed>(
  "GRU(int input_size, int hidden_size, int num_layers=1, bool bias=True, bool batch_first=False, float dropout=0.0, bool bidirectional=False, *, int proj_size=0, str nonlinearity='tanh', Any device=None, ScalarType? dtype=None)",
  { python: 'RNNBase', native: { input_size: 'size', hidden_size: 'size' } },
);

/**
 * Gated recurrent unit (reset, update and new gates), stacked and optionally bidirectional.
 *
 * @example
 * const [out, h_n] = new nn.GRU(4, 5).call(x);
 */
export class GRU extends SingleStateRNN {
  /** PyTorch's class name (see `Module.__name__`). */
  static override readonly __name__ = 'GRU';
  constructor(...args: PyArgs<[input_size: number, hidden_size: number, num_layers: number, bias: boolean, batch_first: boolean, dropout: number, bidirectional: boolean], RNNOptions & { input_size?: number; hidden_size?: number }>) {
    super('GRU', GRU_SIG.parse(args));
  }
}

const LSTM_SIG = signature<RNNParsed>(
  "LSTM(int input_size, int hidden_size, int num_layers=1, bool bias=True, bool batch_first=False, float dropout=0.0, bool bidirectional=False, int proj_size=0, *, str nonlinearity='tanh', Any device=None, ScalarType? dtype=None)",
  { python: 'RNNBase', native: { input_size: 'size', hidden_size: 'size' } },
);
const LSTM_FORWARD = signature<{ input: Tensor; hx: Tensor[] | null }>('forward(Tensor input, Tensor[]? hx=None)');

/**
 * Long short-term memory, stacked, optionally bidirectional and with an output projection (`proj_size`).
 *
 * @example
 * const lstm = new nn.LSTM(4, 5, { batch_first: true });
 * const [out, [h, c]] = lstm.call(x, [h0, c0]);
 */
export class LSTM extends RNNBase {
  static override readonly __name__ = 'LSTM';
  constructor(...args: PyArgs<[input_size: number, hidden_size: number, num_layers: number, bias: boolean, batch_first: boolean, dropout: number, bidirectional: boolean, proj_size: number], RNNOptions & { input_size?: number; hidden_size?: number; proj_size?: number }>) {
    super('LSTM', LSTM_SIG.parse(args));
  }

  /** `[output, [h_n, c_n]]`. */
  override forward(...args: PyArgs<[input: Tensor, hx: [Tensor, Tensor] | null], { input?: Tensor; hx?: [Tensor, Tensor] | null }>): [Tensor, [Tensor, Tensor]] {
    const { input, hx } = LSTM_FORWARD.parse(args);
    const { x, batched } = this.batched_input(input);
    let h0: Tensor;
    let c0: Tensor;
    if (hx === null) {
      h0 = zeros(this.expected_hidden_size(x, false), { dtype: x._dtype });
      c0 = zeros(this.expected_hidden_size(x, true), { dtype: x._dtype });
    } else {
      if (hx.length !== 2) throw new Error(`LSTM: expected hx to be a tuple (h_0, c_0), got ${hx.length} tensors`);
      const [h, c] = hx as [Tensor, Tensor];
      if (batched && (h.ndim !== 3 || c.ndim !== 3)) throw new Error(`For batched 3-D input, hx and cx should also be 3-D but got (${h.ndim}-D, ${c.ndim}-D) tensors`);
      if (!batched && (h.ndim !== 2 || c.ndim !== 2)) throw new Error(`For unbatched 2-D input, hx and cx should also be 2-D but got (${h.ndim}-D, ${c.ndim}-D) tensors`);
      [h0, c0] = batched ? [h, c] : [h.unsqueeze(1), c.unsqueeze(1)];
    }
    this.check_hidden(h0, this.expected_hidden_size(x, false), 'hidden[0]');
    this.check_hidden(c0, this.expected_hidden_size(x, true), 'hidden[1]');
    const { output, h, c } = this.run(x, h0, c0);
    if (batched) return [output, [h, c!]];
    return [output.squeeze(this.batch_first ? 0 : 1), [h.squeeze(1), c!.squeeze(1)]];
  }
}

// ---- cells ------------------------------------------------------------------------------------------------

/** Checks a cell's input and hidden state as PyTorch's `check_rnn_cell_forward_*`. */
function check_cell(input: Tensor, hx: Tensor, input_size: number, hidden_size: number, label: string): void {
  if (input._shape[1] !== input_size) throw new Error(`input has inconsistent input_size: got ${input._shape[1]} expected ${input_size}`);
  if (input._shape[0] !== hx._shape[0]) throw new Error(`Input batch size ${input._shape[0]} doesn't match ${label} batch size ${hx._shape[0]}`);
  if (hx._shape[1] !== hidden_size) throw new Error(`${label} has inconsistent hidden_size: got ${hx._shape[1]}, expected ${hidden_size}`);
}

/**
 * One LSTM step (`torch.lstm_cell`): `[h', c']` from `input` `[B, I]` and `[h, c]` (input, forget, cell and output gates, G = 4).
 *
 * @param input - The step's input, `[B, I]`.
 * @param hx - The previous state `[h, c]`, each `[B, H]`.
 * @param w_ih - Input-hidden weights, `[G·H, I]`.
 * @param w_hh - Hidden-hidden weights, `[G·H, H]`.
 * @param b_ih - Input-hidden bias `[G·H]`, or null.
 * @param b_hh - Hidden-hidden bias `[G·H]`, or null.
 * @returns The next state `[h', c']`.
 *
 * @example
 * const [h1, c1] = F.lstm_cell(x, [h, c], w_ih, w_hh, b_ih, b_hh);
 */
export function lstm_cell(input: Tensor, hx: [Tensor, Tensor], w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | null = null, b_hh: Tensor | null = null): [Tensor, Tensor] {
  const [h, c] = cell_step('LSTM', linear(input, w_ih, b_ih), hx, { w_ih, w_hh, b_ih, b_hh, w_hr: null });
  return [h, c!];
}

/**
 * One GRU step (`torch.gru_cell`): reset, update and new gates (G = 3), as `nn.GRUCell`.
 *
 * @param input - The step's input, `[B, I]`.
 * @param hx - The previous hidden state, `[B, H]`.
 * @param w_ih - Input-hidden weights, `[G·H, I]`.
 * @param w_hh - Hidden-hidden weights, `[G·H, H]`.
 * @param b_ih - Input-hidden bias `[G·H]`, or null.
 * @param b_hh - Hidden-hidden bias `[G·H]`, or null.
 * @returns The next hidden state `[B, H]`.
 *
 * @example
 * const h1 = F.gru_cell(x, h, w_ih, w_hh, b_ih, b_hh);
 */
export function gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | null = null, b_hh: Tensor | null = null): Tensor {
  return cell_step('GRU', linear(input, w_ih, b_ih), [hx, null], { w_ih, w_hh, b_ih, b_hh, w_hr: null })[0];
}

/**
 * One Elman RNN step (`torch.rnn_tanh_cell`): `tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)` (G = 1).
 *
 * @param input - The step's input, `[B, I]`.
 * @param hx - The previous hidden state, `[B, H]`.
 * @param w_ih - Input-hidden weights, `[G·H, I]`.
 * @param w_hh - Hidden-hidden weights, `[G·H, H]`.
 * @param b_ih - Input-hidden bias `[G·H]`, or null.
 * @param b_hh - Hidden-hidden bias `[G·H]`, or null.
 * @returns The next hidden state `[B, H]`.
 *
 * @example
 * const h1 = F.rnn_tanh_cell(x, h, w_ih, w_hh);
 */
export function rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | null = null, b_hh: Tensor | null = null): Tensor {
  return cell_step('RNN_TANH', linear(input, w_ih, b_ih), [hx, null], { w_ih, w_hh, b_ih, b_hh, w_hr: null })[0];
}

/**
 * One Elman RNN step with ReLU (`torch.rnn_relu_cell`): `relu(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)` (G = 1).
 *
 * @param input - The step's input, `[B, I]`.
 * @param hx - The previous hidden state, `[B, H]`.
 * @param w_ih - Input-hidden weights, `[G·H, I]`.
 * @param w_hh - Hidden-hidden weights, `[G·H, H]`.
 * @param b_ih - Input-hidden bias `[G·H]`, or null.
 * @param b_hh - Hidden-hidden bias `[G·H]`, or null.
 * @returns The next hidden state `[B, H]`.
 *
 * @example
 * const h1 = F.rnn_relu_cell(x, h, w_ih, w_hh);
 */
export function rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | null = null, b_hh: Tensor | null = null): Tensor {
  return cell_step('RNN_RELU', linear(input, w_ih, b_ih), [hx, null], { w_ih, w_hh, b_ih, b_hh, w_hr: null })[0];
}

interface CellParsed { input_size: number; hidden_size: number; bias: boolean; nonlinearity: string; dtype: FloatDType | null }

/**
 * Parameters and checks shared by the cells (PyTorch's RNNCellBase).
 *
 * @example
 * const cell: nn.RNNCellBase = new nn.LSTMCell(4, 5);
 * cell.weight_ih.shape; // [20, 4]
 */
export abstract class RNNCellBase extends Module {
  static override readonly __name__: string = 'RNNCellBase';
  /** Features of the input. */
  readonly input_size: number;
  /** Features of the hidden state. */
  readonly hidden_size: number;
  /** Whether the cell has biases. */
  readonly bias: boolean;
  /** Input-hidden weights `[gates·hidden_size, input_size]` (gates: 1 RNN, 3 GRU, 4 LSTM). */
  declare weight_ih: Parameter;
  /** Hidden-hidden weights `[gates·hidden_size, hidden_size]`. */
  declare weight_hh: Parameter;
  /** Input-hidden bias `[gates·hidden_size]`, or null without `bias`. */
  declare bias_ih: Parameter | null;
  /** Hidden-hidden bias `[gates·hidden_size]`, or null without `bias`. */
  declare bias_hh: Parameter | null;

  protected constructor(a: CellParsed, gates: number) {
    super();
    this.input_size = a.input_size;
    this.hidden_size = a.hidden_size;
    this.bias = a.bias;
    const dtype = a.dtype ?? undefined;
    this.weight_ih = new Parameter(empty([gates * a.hidden_size, a.input_size], { dtype }));
    this.weight_hh = new Parameter(empty([gates * a.hidden_size, a.hidden_size], { dtype }));
    if (a.bias) {
      this.bias_ih = new Parameter(empty([gates * a.hidden_size], { dtype }));
      this.bias_hh = new Parameter(empty([gates * a.hidden_size], { dtype }));
    } else {
      this.register_parameter('bias_ih', null);
      this.register_parameter('bias_hh', null);
    }
    this.reset_parameters();
  }

  /** Every parameter U(-1/√hidden_size, 1/√hidden_size), as PyTorch. */
  reset_parameters(): void {
    const stdv = this.hidden_size > 0 ? 1 / Math.sqrt(this.hidden_size) : 0;
    for (const p of this.parameters()) uniform_(p, -stdv, stdv);
  }

  /**
   * The input batched to `[B, I]` (a 1-D input is one sample), with PyTorch's rank check.
   * @internal
   */
  protected batched(input: Tensor): { x: Tensor; batched: boolean } {
    if (input.ndim !== 1 && input.ndim !== 2) throw new Error(`${this._get_name()}: Expected input to be 1D or 2D, got ${input.ndim}D instead`);
    return input.ndim === 2 ? { x: input, batched: true } : { x: input.unsqueeze(0), batched: false };
  }

  /**
   * The initial state: `hx` (batched like the input, checked) or zeros.
   * @internal
   */
  protected state(x: Tensor, batched: boolean, hx: Tensor | null, label: string): Tensor {
    if (hx !== null && hx.ndim !== (batched ? 2 : 1)) {
      throw new Error(`${this._get_name()}: Expected hidden to be ${batched ? 2 : 1}D, got ${hx.ndim}D instead`);
    }
    const h = hx === null ? zeros([x._shape[0]!, this.hidden_size], { dtype: x._dtype }) : batched ? hx : hx.unsqueeze(0);
    check_cell(x, h, this.input_size, this.hidden_size, label);
    return h;
  }

  override extra_repr(): string {
    let s = `${this.input_size}, ${this.hidden_size}`;
    if (!this.bias) s += `, bias=${py_repr(this.bias)}`;
    return s;
  }
}

const CELL_FORWARD = signature<{ input: Tensor; hx: Tensor | null }>('forward(Tensor input, Tensor? hx=None)');
type CellArgs = PyArgs<[input: Tensor, hx: Tensor | null], { input?: Tensor; hx?: Tensor | null }>;
type CellCtorArgs<X> = PyArgs<[input_size: number, hidden_size: number, bias: boolean], { input_size?: number; hidden_size?: number; bias?: boolean; dtype?: FloatDType | null } & X>;

/** Sizes that are not ints reach torch.empty first: PyTorch's error names its 'size'. */
const SIZES = { native: { input_size: 'size', hidden_size: 'size' } };
const RNN_CELL = signature<CellParsed>("RNNCell(int input_size, int hidden_size, bool bias=True, str nonlinearity='tanh', Any device=None, ScalarType? dtype=None)", SIZES);

/**
 * One Elman RNN step: `h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)` (or ReLU).
 *
 * @example
 * const h1 = new nn.RNNCell(4, 5).call(x, h0);
 */
export class RNNCell extends RNNCellBase {
  static override readonly __name__ = 'RNNCell';
  /** The nonlinearity: 'tanh' (default) or 'relu' (PyTorch stores any string and refuses it at the forward). */
  readonly nonlinearity: string;
  constructor(...args: CellCtorArgs<{ nonlinearity?: 'tanh' | 'relu' }>) {
    const a = RNN_CELL.parse(args);
    super(a, 1);
    this.nonlinearity = a.nonlinearity;
  }
  override forward(...args: CellArgs): Tensor {
    const { input, hx } = CELL_FORWARD.parse(args);
    const { x, batched } = this.batched(input);
    const h = this.state(x, batched, hx, 'hidden0');
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') throw new Error(`Unknown nonlinearity: ${this.nonlinearity}`);
    const step = this.nonlinearity === 'tanh' ? rnn_tanh_cell : rnn_relu_cell;
    const out = step(x, h, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return batched ? out : out.squeeze(0);
  }
  override extra_repr(): string {
    return super.extra_repr() + (this.nonlinearity !== 'tanh' ? `, nonlinearity=${this.nonlinearity}` : '');
  }
}

const GRU_CELL = signature<CellParsed>("GRUCell(int input_size, int hidden_size, bool bias=True, Any device=None, ScalarType? dtype=None, *, str nonlinearity='tanh')", SIZES);

/**
 * One GRU step as a module, owning its weights; `call(input, hx?)` returns the next hidden state (zeros when `hx` is omitted).
 *
 * @example
 * const h1 = new nn.GRUCell(4, 5).call(x, h);
 */
export class GRUCell extends RNNCellBase {
  static override readonly __name__ = 'GRUCell';
  constructor(...args: CellCtorArgs<object>) {
    super(GRU_CELL.parse(args), 3);
  }
  override forward(...args: CellArgs): Tensor {
    const { input, hx } = CELL_FORWARD.parse(args);
    const { x, batched } = this.batched(input);
    const h = this.state(x, batched, hx, 'hidden0');
    const out = gru_cell(x, h, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return batched ? out : out.squeeze(0);
  }
}

const LSTM_CELL = signature<CellParsed>("LSTMCell(int input_size, int hidden_size, bool bias=True, Any device=None, ScalarType? dtype=None, *, str nonlinearity='tanh')", SIZES);
const LSTM_CELL_FORWARD = signature<{ input: Tensor; hx: Tensor[] | null }>('forward(Tensor input, Tensor[]? hx=None)');

/**
 * One LSTM step: `[h', c']` from `x` and `[h, c]` (zeros when omitted).
 *
 * @example
 * const [h1, c1] = new nn.LSTMCell(4, 5).call(x, [h0, c0]);
 */
export class LSTMCell extends RNNCellBase {
  static override readonly __name__ = 'LSTMCell';
  constructor(...args: CellCtorArgs<object>) {
    super(LSTM_CELL.parse(args), 4);
  }
  override forward(...args: PyArgs<[input: Tensor, hx: [Tensor, Tensor] | null], { input?: Tensor; hx?: [Tensor, Tensor] | null }>): [Tensor, Tensor] {
    const { input, hx } = LSTM_CELL_FORWARD.parse(args);
    const { x, batched } = this.batched(input);
    const h = this.state(x, batched, hx === null ? null : hx[0]!, 'hidden0');
    const c = this.state(x, batched, hx === null ? null : hx[1]!, 'hidden1');
    const [h1, c1] = lstm_cell(x, [h, c], this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return batched ? [h1, c1] : [h1.squeeze(0), c1.squeeze(0)];
  }
}
