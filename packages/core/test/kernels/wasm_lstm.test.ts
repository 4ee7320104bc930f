// The wasm LSTM layer forward and backward recurrences (operands resident in wasm memory, fused SIMD gates) against
// the js kernels: every result (outputs, final states, the gates and cell states kept for the backward; gate
// gradients, dh and dc) within float32 tolerance, on one and two threads (the same bits on both), in both
// directions, with and without biases and output gradients, batches that are not a multiple of the 4-row tile;
// shapes they do not take (H not a multiple of 4, float64) run the js kernels.
import { describe, expect, it } from 'vitest';
import { set_num_threads } from '../../src/index.js';
import { js_backend, wasm_backend, type Backend } from '../../src/kernels/backend.js';
import type { LstmLayerBackward, LstmLayerForward } from '../../src/kernels/js/lstm_kernels.js';
import { make_rng } from './strided_views.js';
import { split_jobs_on_two_threads } from './two_threads.js';

type Shape = { T: number; B: number; I: number; H: number; reverse: boolean; bias: boolean };
const CASES: Shape[] = [
  { T: 5, B: 3, I: 7, H: 8, reverse: false, bias: true },
  { T: 4, B: 6, I: 5, H: 12, reverse: true, bias: true },
  { T: 3, B: 9, I: 16, H: 32, reverse: false, bias: false },
  { T: 1, B: 1, I: 3, H: 4, reverse: false, bias: true },
  { T: 3, B: 2, I: 4, H: 6, reverse: false, bias: true }, // H % 4 = 2: the js kernel
];

/** The layer's arguments with fresh result arrays; inputs of `type` drawn from `seed`. */
function layer(s: Shape, seed: number, type: Float32ArrayConstructor | Float64ArrayConstructor, keep: boolean): LstmLayerForward {
  const rng = make_rng(seed);
  const rand = (n: number, scale = 1): Float32Array | Float64Array => type.from({ length: n }, () => (rng() * 2 - 1) * scale);
  const { T, B, I, H } = s;
  const G = 4 * H;
  return {
    T, B, I, H, reverse: s.reverse,
    x: rand(T * B * I, 2), w_ih: rand(G * I, 0.6), w_hh: rand(G * H, 0.6),
    b_ih: s.bias ? rand(G) : null, b_hh: s.bias ? rand(G) : null,
    h0: rand(B * H), c0: rand(B * H, 3),
    out: new type(T * B * H), hy: new type(B * H), cy: new type(B * H),
    acts: keep ? new type(T * B * G) : null, cells: keep ? new type(T * B * H) : null, tanh_cells: keep ? new type(T * B * H) : null,
  };
}

const RESULTS = ['out', 'hy', 'cy', 'acts', 'cells', 'tanh_cells'] as const;

function expect_close(what: string, got: Float32Array | Float64Array, want: Float32Array | Float64Array): void {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  let at = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!));
    if (!(d <= worst)) [worst, at] = [d, i];
  }
  expect(worst, `${what}[${at}] = ${got[at]}, the js kernel gives ${want[at]}`).toBeLessThan(2e-6);
}

describe.runIf(wasm_backend !== null)('wasm LSTM layer forward', () => {
  const wasm = wasm_backend as Backend;
  split_jobs_on_two_threads();

  CASES.forEach((s, k) => {
    it(`T ${s.T}, B ${s.B}, I ${s.I}, H ${s.H}${s.reverse ? ', reversed' : ''}${s.bias ? '' : ', no bias'}: as the js kernel, on 1 and 2 threads`, () => {
      const want = layer(s, k, Float32Array, true);
      js_backend.lstm_layer_forward(want);
      const runs = [1, 2].map((threads) => {
        set_num_threads(threads);
        const got = layer(s, k, Float32Array, true);
        wasm.lstm_layer_forward(got);
        return got;
      });
      for (const r of RESULTS) {
        expect_close(r, runs[0]![r]!, want[r]!);
        expect(Array.from(runs[1]![r]!), `${r} on 2 threads`).toEqual(Array.from(runs[0]![r]!));
      }
      // without the arrays for the backward, the same outputs
      const lean = layer(s, k, Float32Array, false);
      wasm.lstm_layer_forward(lean);
      for (const r of ['out', 'hy', 'cy'] as const) expect(Array.from(lean[r]), r).toEqual(Array.from(runs[0]![r]));
    });
  });

  CASES.forEach((s, k) => {
    for (const with_gy of [true, false]) {
      it(`backward, T ${s.T}, B ${s.B}, H ${s.H}${s.reverse ? ', reversed' : ''}${with_gy ? '' : ', no output gradient'}: as the js kernel, on 1 and 2 threads`, () => {
        const fwd = layer(s, k, Float32Array, true);
        js_backend.lstm_layer_forward(fwd);
        const rng = make_rng(100 + k);
        const { T, B, H } = s;
        const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng() * 2 - 1);
        const gy = with_gy ? rand(T * B * H) : null;
        const [dh0, dc0] = [rand(B * H), rand(B * H)];
        const args = (): LstmLayerBackward => ({
          T, B, H, reverse: s.reverse, acts: fwd.acts!, cells: fwd.cells!, tanh_cells: fwd.tanh_cells!, c0: fwd.c0, w_hh: fwd.w_hh, gy,
          d_gates: new Float32Array(T * B * 4 * H), dh: dh0.slice(), dc: dc0.slice(),
        });
        const want = args();
        js_backend.lstm_layer_backward(want);
        const runs = [1, 2].map((threads) => {
          set_num_threads(threads);
          const got = args();
          wasm.lstm_layer_backward(got);
          return got;
        });
        for (const r of ['d_gates', 'dh', 'dc'] as const) {
          expect_close(r, runs[0]![r], want[r]);
          expect(Array.from(runs[1]![r]), `${r} on 2 threads`).toEqual(Array.from(runs[0]![r]));
        }
      });
    }
  });

  it('float64 runs the js kernel exactly', () => {
    const s = CASES[0]!;
    const want = layer(s, 9, Float64Array, true);
    js_backend.lstm_layer_forward(want);
    const got = layer(s, 9, Float64Array, true);
    wasm.lstm_layer_forward(got);
    for (const r of RESULTS) expect(Array.from(got[r]!), r).toEqual(Array.from(want[r]!));
  });
});
