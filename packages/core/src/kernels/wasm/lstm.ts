// An LSTM layer's forward and backward recurrences with every operand resident in wasm memory for the whole
// sequence: per step one job (the recurrent GEMM and the fused SIMD gates or their gradients), copies in and out
// once per layer.
import { lstm_layer_backward, lstm_layer_forward, type LstmLayerBackward, type LstmLayerForward } from '../js/lstm_kernels.js';
import { wasm_gemm, pack_a_full, pack_b_full } from './gemm.js';
import { wasm_runtime } from './runtime.js';

const up = (n: number, m: number): number => Math.ceil(n / m) * m;
/** Room for a step job's scratch on any thread count (64 threads' 4 x 8 edge tiles), reserved up front. */
const STEP_SCRATCH_BYTES = 16384;

/**
 * Grows the memory to hold the arena so far plus any step job's scratch, which the jobs then take from
 * `mark` on without growing it; false when it cannot grow that far.
 */
function reserve_steps(rt: ReturnType<typeof wasm_runtime>, mark: number): boolean {
  rt.alloc(STEP_SCRATCH_BYTES);
  const ok = rt.commit();
  rt.rewind(mark);
  return ok;
}

/**
 * The JS `lstm_layer_forward`'s contract in WebAssembly SIMD for float32 with H a multiple of 4: x, the weights,
 * h0 and c0 are copied into wasm memory once, every step's input projection is one GEMM job, and each step is one
 * job on up to get_num_threads() threads (the recurrent GEMM and the gates, exp/sigmoid/tanh within 2 ulp, of the
 * threads' own batch rows); the gates, cell states and outputs are copied out at the end. Results do not depend on
 * the thread count. Anything else (float64, other H, a memory that cannot grow) runs the JS kernel with the wasm GEMM.
 *
 * @example
 * wasm_lstm_layer_forward({ T: 64, B: 32, I: 128, H: 256, reverse: false, x, w_ih, w_hh, b_ih, b_hh, h0, c0, out, hy, cy, acts: null, cells: null, tanh_cells: null });
 */
export function wasm_lstm_layer_forward(p: LstmLayerForward): void {
  const { T, B, I, H, reverse } = p;
  const f32 = [p.x, p.w_ih, p.w_hh, p.h0, p.c0, p.out].every((a) => a instanceof Float32Array);
  if (!f32 || H % 4 !== 0 || T * B * I * H === 0) {
    lstm_layer_forward(p, wasm_gemm);
    return;
  }
  const G = 4 * H;
  const rt = wasm_runtime();
  rt.reset();
  const x = rt.alloc(T * B * I * 4);
  const x_pack = rt.alloc(up(T * B, 4) * I * 4);
  const w_ih = rt.alloc(G * I * 4);
  const w_hh = rt.alloc(G * H * 4);
  const w_hh_pack = rt.alloc(up(G, 8) * H * 4);
  const acts = rt.alloc(T * B * G * 4);
  const cells = rt.alloc(T * B * H * 4);
  const tanh_cells = rt.alloc(T * B * H * 4);
  const out = rt.alloc(T * B * H * 4);
  const h0 = rt.alloc(B * H * 4);
  const c0 = rt.alloc(B * H * 4);
  const h_pack = rt.alloc(up(B, 4) * H * 4);
  const bias = p.b_ih !== null && p.b_hh !== null;
  // the input projection: acts = bias + X W_ihᵀ, threads sharing W_ih's rows (acts' columns)
  const { OP } = rt.driver;
  const mark = rt.mark();
  if (!reserve_steps(rt, mark) || !rt.prepare([OP.GEMM, T * B, G, I, x_pack, w_ih, 1, I, acts, G, 1, 0, 0, 0, bias ? 0 : 1, 0], T * B * G * I)) {
    lstm_layer_forward(p, wasm_gemm);
    return;
  }
  const mem = rt.f32;
  mem.set(p.x.subarray(0, T * B * I), x / 4);
  mem.set(p.w_ih.subarray(0, G * I), w_ih / 4);
  mem.set(p.w_hh.subarray(0, G * H), w_hh / 4);
  mem.set(p.h0.subarray(0, B * H), h0 / 4);
  mem.set(p.c0.subarray(0, B * H), c0 / 4);
  if (bias) {
    const [bi, bh] = [p.b_ih!, p.b_hh!];
    const a0 = acts / 4;
    for (let j = 0; j < G; j++) mem[a0 + j] = bi[j]! + bh[j]!;
    for (let r = 1; r < T * B; r++) mem.copyWithin(a0 + r * G, a0, a0 + G);
  }
  pack_a_full(x, I, 1, T * B, I, x_pack);
  rt.run();
  rt.rewind(mark);
  pack_b_full(w_hh, 1, H, H, G, w_hh_pack);
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const prev = reverse ? t + 1 : t - 1;
    const [h_prev, c_prev] = k === 0 ? [h0, c0] : [out + prev * B * H * 4, cells + prev * B * H * 4];
    pack_a_full(h_prev, H, 1, B, H, h_pack);
    const s = t * B * H * 4;
    rt.prepare([OP.LSTM_STEP, B, H, h_pack, w_hh_pack, acts + t * B * G * 4, c_prev, cells + s, tanh_cells + s, out + s], B * G * H);
    rt.run();
    rt.rewind(mark);
  }
  const f = rt.f32;
  p.out.set(f.subarray(out / 4, out / 4 + T * B * H));
  const last = (reverse ? 0 : T - 1) * B * H;
  p.hy.set(f.subarray(out / 4 + last, out / 4 + last + B * H));
  p.cy.set(f.subarray(cells / 4 + last, cells / 4 + last + B * H));
  p.acts?.set(f.subarray(acts / 4, acts / 4 + T * B * G));
  p.cells?.set(f.subarray(cells / 4, cells / 4 + T * B * H));
  p.tanh_cells?.set(f.subarray(tanh_cells / 4, tanh_cells / 4 + T * B * H));
}

/**
 * The JS `lstm_layer_backward`'s contract in WebAssembly SIMD for float32 with H a multiple of 4: what the
 * forward kept, the output gradient and W_hh are copied into wasm memory once, each step is one job on up to
 * get_num_threads() threads (the gate gradients of the threads' own batch rows, then those rows of dh through
 * W_hh), and the gate gradients, dh and dc are copied out at the end. Anything else runs the JS kernel with the
 * wasm GEMM.
 *
 * @example
 * wasm_lstm_layer_backward({ T, B, H, reverse: false, acts, cells, tanh_cells, c0, w_hh, gy, d_gates, dh, dc });
 */
export function wasm_lstm_layer_backward(p: LstmLayerBackward): void {
  const { T, B, H, reverse } = p;
  const f32 = [p.acts, p.cells, p.tanh_cells, p.c0, p.w_hh, p.d_gates, p.dh, p.dc, p.gy ?? p.dh].every((a) => a instanceof Float32Array);
  if (!f32 || H % 4 !== 0 || T * B * H === 0) {
    lstm_layer_backward(p, wasm_gemm);
    return;
  }
  const G = 4 * H;
  const rt = wasm_runtime();
  rt.reset();
  const acts = rt.alloc(T * B * G * 4);
  const cells = rt.alloc(T * B * H * 4);
  const tanh_cells = rt.alloc(T * B * H * 4);
  const gy = p.gy === null ? -1 : rt.alloc(T * B * H * 4);
  const c0 = rt.alloc(B * H * 4);
  const w_hh = rt.alloc(G * H * 4);
  const w_hh_pack = rt.alloc(up(H, 8) * G * 4);
  const d_gates = rt.alloc(T * B * G * 4);
  const dh = rt.alloc(B * H * 4);
  const dc = rt.alloc(B * H * 4);
  const a_pack = rt.alloc(up(B, 4) * G * 4);
  const mark = rt.mark();
  const { OP } = rt.driver;
  const step = (t: number, c_prev: number): number[] => {
    const s = t * B * H * 4;
    return [OP.LSTM_STEP_BACKWARD, B, H, acts + t * B * G * 4, tanh_cells + s, c_prev, dh, gy < 0 ? -1 : gy + s, dc, d_gates + t * B * G * 4, a_pack, w_hh_pack];
  };
  if (!reserve_steps(rt, mark)) {
    lstm_layer_backward(p, wasm_gemm);
    return;
  }
  const mem = rt.f32;
  mem.set(p.acts.subarray(0, T * B * G), acts / 4);
  mem.set(p.cells.subarray(0, T * B * H), cells / 4);
  mem.set(p.tanh_cells.subarray(0, T * B * H), tanh_cells / 4);
  if (p.gy !== null) mem.set(p.gy.subarray(0, T * B * H), gy / 4);
  mem.set(p.c0.subarray(0, B * H), c0 / 4);
  mem.set(p.w_hh.subarray(0, G * H), w_hh / 4);
  mem.set(p.dh.subarray(0, B * H), dh / 4);
  mem.set(p.dc.subarray(0, B * H), dc / 4);
  pack_b_full(w_hh, H, 1, G, H, w_hh_pack);
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    const prev = reverse ? t + 1 : t - 1;
    rt.prepare(step(t, k === 0 ? c0 : cells + prev * B * H * 4), B * G * H);
    rt.run();
    rt.rewind(mark);
  }
  const f = rt.f32;
  p.d_gates.set(f.subarray(d_gates / 4, d_gates / 4 + T * B * G));
  p.dh.set(f.subarray(dh / 4, dh / 4 + B * H));
  p.dc.set(f.subarray(dc / 4, dc / 4 + B * H));
}
