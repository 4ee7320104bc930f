// One LSTM layer's forward recurrence over a whole sequence on flat arrays (the kernel behind mkldnn_rnn_layer):
// every step's input projection in one GEMM, then per step the recurrent GEMM and the fused gates and cell update.
import { gemm, type FloatArray } from './nn_kernels.js';

/**
 * One LSTM layer in one direction, all arrays contiguous and row-major: x `[T, B, I]`, w_ih `[4H, I]`, w_hh
 * `[4H, H]`, the biases `[4H]` (or null), h0 and c0 `[B, H]`; the results out `[T, B, H]` (every step's h),
 * hy and cy `[B, H]`. Gates in PyTorch's order (input, forget, cell, output). When `acts` (`[T, B, 4H]`),
 * `cells` and `tanh_cells` (`[T, B, H]`) are given, they receive what the backward reads: every step's
 * activated gates, its cell state and that state's tanh.
 */
export interface LstmLayerForward {
  T: number;
  B: number;
  I: number;
  H: number;
  /** Runs the steps last to first. */
  reverse: boolean;
  x: FloatArray;
  w_ih: FloatArray;
  w_hh: FloatArray;
  /** w_hh's version counter when it is a tensor's storage (a backend may keep it packed while unchanged). */
  w_hh_version?: { readonly version: number };
  b_ih: FloatArray | null;
  b_hh: FloatArray | null;
  h0: FloatArray;
  c0: FloatArray;
  out: FloatArray;
  hy: FloatArray;
  cy: FloatArray;
  acts: FloatArray | null;
  cells: FloatArray | null;
  tanh_cells: FloatArray | null;
}

const sigm = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * The LSTM layer `p` describes, in plain JavaScript (gates in float64 rounded to the arrays' type), with
 * `mm` for its GEMMs (the JS `gemm` by default; the wasm backend passes its own where its fused kernel
 * does not apply).
 *
 * @example
 * lstm_layer_forward({ T, B, I, H, reverse: false, x, w_ih, w_hh, b_ih, b_hh, h0, c0, out, hy, cy, acts: null, cells: null, tanh_cells: null });
 */
export function lstm_layer_forward(p: LstmLayerForward, mm: typeof gemm = gemm): void {
  const { T, B, I, H, reverse, x, w_ih, w_hh, b_ih, b_hh, out } = p;
  const G = 4 * H;
  const f32 = x instanceof Float32Array;
  const acts = p.acts ?? (f32 ? new Float32Array(T * B * G) : new Float64Array(T * B * G));
  const cells = p.cells ?? (f32 ? new Float32Array(T * B * H) : new Float64Array(T * B * H));
  const tanh_cells = p.tanh_cells ?? (f32 ? new Float32Array(T * B * H) : new Float64Array(T * B * H));
  if (b_ih !== null && b_hh !== null && T * B > 0) {
    for (let j = 0; j < G; j++) acts[j] = b_ih[j]! + b_hh[j]!;
    for (let r = 1; r < T * B; r++) acts.copyWithin(r * G, 0, G);
  }
  // every step's input projection at once: acts += X W_ihᵀ
  mm(false, true, T * B, G, I, 1, x, 0, I, w_ih, 0, I, b_ih === null ? 0 : 1, acts, 0, G);
  let [h_prev, h_at, c_prev, c_at] = [p.h0, 0, p.c0, 0];
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const g0 = t * B * G;
    mm(false, true, B, G, H, 1, h_prev, h_at, H, w_hh, 0, H, 1, acts, g0, G, p.w_hh_version);
    const s0 = t * B * H;
    for (let b = 0; b < B; b++) {
      const row = g0 + b * G;
      const hrow = s0 + b * H;
      const prow = c_at + b * H;
      for (let j = 0; j < H; j++) {
        const i = sigm(acts[row + j]!);
        const f = sigm(acts[row + H + j]!);
        const g = Math.tanh(acts[row + 2 * H + j]!);
        const o = sigm(acts[row + 3 * H + j]!);
        acts[row + j] = i;
        acts[row + H + j] = f;
        acts[row + 2 * H + j] = g;
        acts[row + 3 * H + j] = o;
        cells[hrow + j] = f * c_prev[prow + j]! + i * g;
        tanh_cells[hrow + j] = Math.tanh(cells[hrow + j]!);
        out[hrow + j] = o * tanh_cells[hrow + j]!;
      }
    }
    [h_prev, h_at, c_prev, c_at] = [out, s0, cells, s0];
  }
  const last = (reverse ? 0 : T - 1) * B * H;
  p.hy.set(T === 0 ? p.h0.subarray(0, B * H) : out.subarray(last, last + B * H));
  p.cy.set(T === 0 ? p.c0.subarray(0, B * H) : cells.subarray(last, last + B * H));
}

/**
 * The backward recurrence of the LSTM layer `lstm_layer_forward` ran (its `acts`, `cells` and `tanh_cells`
 * kept), walking the steps in reverse: every step's gate gradients (before the nonlinearities, `[T, B, 4H]`,
 * what the weight, bias and input gradients are products and sums of) and the gradients of h0 and c0.
 */
export interface LstmLayerBackward {
  T: number;
  B: number;
  H: number;
  reverse: boolean;
  acts: FloatArray;
  cells: FloatArray;
  tanh_cells: FloatArray;
  c0: FloatArray;
  w_hh: FloatArray;
  /** w_hh's version counter when it is a tensor's storage (a backend may keep it packed while unchanged). */
  w_hh_version?: { readonly version: number };
  /** The gradient of every step's output `[T, B, H]`, or null when it has none. */
  gy: FloatArray | null;
  /** Receives the gate gradients. */
  d_gates: FloatArray;
  /** In: the gradient of the last h (zeros when it has none); out: the gradient of h0. */
  dh: FloatArray;
  /** In: the gradient of the last c (zeros when it has none); out: the gradient of c0. */
  dc: FloatArray;
}

/**
 * The LSTM backward recurrence `p` describes, in plain JavaScript, with `mm` for its GEMMs.
 *
 * @example
 * lstm_layer_backward({ T, B, H, reverse: false, acts, cells, tanh_cells, c0, w_hh, gy, d_gates, dh, dc });
 */
export function lstm_layer_backward(p: LstmLayerBackward, mm: typeof gemm = gemm): void {
  const { T, B, H, reverse, acts, cells, tanh_cells, c0, w_hh, gy, d_gates: da, dh, dc } = p;
  const G = 4 * H;
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    const s0 = t * B * H;
    // the cell state this step started from: the previous step's, or c0 at the first step
    const [c_prev, p0] = k === 0 ? [c0, 0] : [cells, (reverse ? t + 1 : t - 1) * B * H];
    for (let b = 0; b < B; b++) {
      const row = (t * B + b) * G;
      const hrow = s0 + b * H;
      for (let j = 0; j < H; j++) {
        const i = acts[row + j]!;
        const f = acts[row + H + j]!;
        const g = acts[row + 2 * H + j]!;
        const o = acts[row + 3 * H + j]!;
        const tc = tanh_cells[hrow + j]!;
        const dh_j = dh[b * H + j]! + (gy === null ? 0 : gy[hrow + j]!);
        const dc_j = dc[b * H + j]! + dh_j * o * (1 - tc * tc);
        da[row + j] = dc_j * g * i * (1 - i);
        da[row + H + j] = dc_j * c_prev[p0 + b * H + j]! * f * (1 - f);
        da[row + 2 * H + j] = dc_j * i * (1 - g * g);
        da[row + 3 * H + j] = dh_j * tc * o * (1 - o);
        dc[b * H + j] = dc_j * f;
      }
    }
    // dh for the step before: this step's gate gradients through W_hh
    mm(false, false, B, H, G, 1, da, t * B * G, G, w_hh, 0, H, 0, dh, 0, H, p.w_hh_version);
  }
}
