// The wasm kernels against the js oracle on random shapes, on one thread and split over two (which must agree bit for bit).
import { describe, expect, it } from 'vitest';
import { get_num_threads, set_num_threads } from '../../src/index.js';
import { js_backend, wasm_backend, type Backend } from '../../src/kernels/backend.js';
import { conv2d_out_size, pool_out_size, type Conv2dParams, type Pool2dParams } from '../../src/kernels/js/nn_kernels.js';
import { make_rng } from './strided_views.js';
import { split_jobs_on_two_threads } from './two_threads.js';

const RTOL = 1e-4;
const ATOL = 1e-4;

const int = (rng: () => number, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

function rand(n: number, rng: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng() * 2 - 1;
  return a;
}

function expect_close(what: string, actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) - RTOL * Math.abs(expected[i]!);
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      at = i;
    }
  }
  expect(worst, `${what}: worst at ${at}: got ${actual[at]}, want ${expected[at]}`).toBeLessThanOrEqual(ATOL);
}

/** Runs `f` with the wasm kernels on `threads` threads. */
function on_threads<T>(threads: number, f: () => T): T {
  set_num_threads(threads);
  return f();
}

describe.runIf(wasm_backend !== null)('wasm kernels on 1 and 2 threads match js', () => {
  const wasm = wasm_backend as Backend;
  // split even the tiny jobs below, once the worker is up
  split_jobs_on_two_threads();

  it('get_num_threads reports what set_num_threads set, and rejects non-positive counts', () => {
    set_num_threads(3);
    expect(get_num_threads()).toBe(3);
    expect(() => set_num_threads(0)).toThrow('set_num_threads expects a positive integer, got 0');
    set_num_threads(2);
  });

  const rng = make_rng(7);
  // 70 x 5 has a single column of tiles, so two threads split its rows instead
  const gemm_cases: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [13, 9, 300], [130, 17, 5], [70, 5, 9], [5, 1030, 3], [64, 64, 64], [257, 33, 129]];
  for (const [M, N, K] of gemm_cases) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`gemm ${M}x${N}x${K} trans_a=${ta} trans_b=${tb}`, () => {
        const lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 1, ldc = N + 2;
        const A = rand(2 + (ta ? K : M) * lda, rng), B = rand(1 + (tb ? N : K) * ldb, rng), C0 = rand(4 + M * ldc, rng);
        for (const [alpha, beta] of [[1, 0], [1, 1], [-0.5, 2]] as const) {
          const run = (b: Backend): Float32Array => {
            const C = new Float32Array(C0);
            b.gemm(ta, tb, M, N, K, alpha, A, 2, lda, B, 1, ldb, beta, C, 4, ldc);
            return C;
          };
          const want = run(js_backend);
          const one = on_threads(1, () => run(wasm));
          const two = on_threads(2, () => run(wasm));
          expect_close(`alpha ${alpha} beta ${beta}`, one, want);
          expect(two).toEqual(one);
        }
      });
    }
  }

  // [batch, M, N, K, how the matrices lie]: 'dense' back to back, 'heads' as attention's heads (rows strided by
  // all of them: the span is the whole tensor, copied once), 'wide' rows far apart (copied line by line),
  // 'shared' one matrix for every q (stride 0)
  const batched_cases: [number, number, number, number, 'dense' | 'heads' | 'wide' | 'shared'][] = [
    [1, 5, 7, 3, 'dense'], [3, 13, 9, 20, 'dense'], [6, 64, 32, 64, 'heads'], [2, 9, 17, 5, 'wide'], [5, 6, 10, 4, 'shared'], [1, 70, 5, 9, 'wide'],
  ];
  for (const [batch, M, N, K, lie] of batched_cases) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`gemm_batched ${batch} x ${M}x${N}x${K} (${lie}) trans_a=${ta} trans_b=${tb}`, () => {
        // matrix q of an operand stored [rows, cols]: element (i, j) at off + q*stride + i*ld + j
        const layout = (rows: number, cols: number, shared: boolean): { ld: number; stride: number; n: number } => {
          if (lie === 'heads') return { ld: batch * cols, stride: cols, n: batch * rows * cols };
          const ld = lie === 'wide' ? 3 * cols + 40 : cols;
          const stride = shared ? 0 : rows * ld + (lie === 'wide' ? 7 : 0);
          return { ld, stride, n: Math.max(1, batch * rows * ld + 7) };
        };
        const a = layout(ta ? K : M, ta ? M : K, lie === 'shared');
        const b = layout(tb ? N : K, tb ? K : N, false);
        const ldc = N + 1;
        const A = rand(3 + a.n, rng), B = rand(2 + b.n, rng), C0 = rand(1 + batch * (M * ldc + 2), rng);
        for (const [alpha, beta] of [[1, 0], [1, 1], [0.5, -1]] as const) {
          const run = (be: Backend): Float32Array => {
            const C = new Float32Array(C0);
            be.gemm_batched(batch, ta, tb, M, N, K, alpha, A, 3, a.ld, a.stride, B, 2, b.ld, b.stride, beta, C, 1, ldc, M * ldc + 2);
            return C;
          };
          const want = run(js_backend);
          const one = on_threads(1, () => run(wasm));
          const two = on_threads(2, () => run(wasm));
          expect_close(`alpha ${alpha} beta ${beta}`, one, want);
          expect(two).toEqual(one);
        }
      });
    }
  }

  /** A random valid convolution; `big` makes every blocking dimension (rows, depth, columns) overflow a block. */
  function random_conv(seed: number): Conv2dParams {
    const r = make_rng(seed);
    for (;;) {
      const groups = [1, 1, 2, 3][int(r, 0, 3)]!;
      const N = [1, 2, 3, 5][int(r, 0, 3)]!;
      const kh = int(r, 1, 5), kw = int(r, 1, 4);
      const stride: [number, number] = [int(r, 1, 3), int(r, 1, 2)];
      const padding: [number, number] = [int(r, 0, 3), int(r, 0, 2)];
      const dilation: [number, number] = [int(r, 1, 2), int(r, 1, 3)];
      const H = int(r, 1, 13), W = int(r, 1, 11);
      const Ho = conv2d_out_size(H, kh, stride[0], padding[0], dilation[0]);
      const Wo = conv2d_out_size(W, kw, stride[1], padding[1], dilation[1]);
      if (Ho < 1 || Wo < 1) continue;
      const C = groups * int(r, 1, 4), O = groups * int(r, 1, 7);
      return { N, C, H, W, O, kh, kw, stride, padding, dilation, groups, Ho, Wo };
    }
  }

  const conv_cases: [string, Conv2dParams][] = [];
  for (let s = 0; s < 24; s++) conv_cases.push([`random #${s}`, random_conv(100 + s)]);
  const p = (N: number, C: number, H: number, W: number, O: number, k: number, s: number, pad: number, groups = 1): Conv2dParams => ({
    N, C, H, W, O, kh: k, kw: k, stride: [s, s], padding: [pad, pad], dilation: [1, 1], groups,
    Ho: conv2d_out_size(H, k, s, pad, 1), Wo: conv2d_out_size(W, k, s, pad, 1),
  });
  conv_cases.push(
    ['SimpleNet conv2, batch 9', p(9, 10, 12, 12, 20, 5, 1, 0)],
    ['64 channels 3x3 pad 1, depth 576 > KC', p(3, 64, 9, 10, 64, 3, 1, 1)],
    ['136 output channels > MC', p(2, 3, 7, 7, 136, 3, 2, 1)],
    ['33x33 output, columns 1089 > NC', p(2, 2, 33, 33, 3, 3, 1, 1)],
    ['depthwise 8 groups, batch 1', p(1, 8, 11, 9, 8, 3, 1, 1, 8)],
    ['1x1, batch 16', p(16, 12, 5, 6, 10, 1, 1, 0)],
    ['1x1, 3 groups', p(4, 6, 5, 7, 9, 1, 1, 0, 3)],
    ['1x1, batch 1: weight shared out by columns', p(1, 24, 5, 6, 10, 1, 1, 0)],
    // stride 1, depth <= KC: panels of 8 pixels inside the image read in place, the rest unfolded
    ['SimpleNet conv1, batch 3', p(3, 1, 28, 28, 10, 5, 1, 0)],
    ['3x3 pad 1 on 20x21: interior panels in place, borders unfolded', p(2, 3, 20, 21, 5, 3, 1, 1)],
    ['5x5 pad 2, 2 groups, 18 output columns', p(2, 4, 13, 18, 6, 5, 1, 2, 2)],
    ['3x3 dilation 2 pad 1 on 17x26', { ...p(2, 2, 17, 26, 7, 3, 1, 1), dilation: [2, 2], Ho: conv2d_out_size(17, 3, 1, 1, 2), Wo: conv2d_out_size(26, 3, 1, 1, 2) }],
    ['1x7 kernel pad (0, 3), width 40', { ...p(2, 3, 6, 40, 4, 1, 1, 0), kw: 7, padding: [0, 3], Wo: conv2d_out_size(40, 7, 1, 3, 1) }],
    // the weight gradient reads a zero-padded copy of the input in place at stride 2 (ResNet-18's first layer)
    ['7x7 stride 2 pad 3, 10x10 output, 11 output channels', p(3, 3, 20, 20, 11, 7, 2, 3)],
    // small maps run the batch as one GEMM (the forward and input gradient under 16 pixels, the weight
    // gradient under 64): columns past NC, the weight gradient's unfolded input in two row blocks
    ['batched, 120 samples of 3x3 at stride 2: 1080 columns', p(120, 4, 6, 6, 6, 3, 2, 1)],
    ['batched weight gradient, 40 samples of 7x7: depth 288 unfolded 264 rows at a time', p(40, 32, 7, 7, 8, 3, 1, 1)],
    ['batched, 1x1 maps (ResNet-18 layer4 on 32x32)', p(4, 24, 1, 1, 20, 3, 1, 1)],
    ['batched, 2x2 maps, 136 output channels > MC, depth 288 > KC', p(3, 32, 2, 2, 136, 3, 1, 1)],
    ['batched, 1x1 kernel at stride 2', p(5, 12, 4, 4, 10, 1, 2, 0)],
    // taps that read only padding are skipped: 3x3 at stride 2 on 2x2 keeps a 2x2 window, dilation 2 on 3x3
    // only the centre (the cut convolution's padding is then -1)
    ['dead taps: 3x3 at stride 2 on a 2x2 map', p(2, 3, 2, 2, 4, 3, 2, 1)],
    ['dead taps: 3x3 dilation 2 pad 1 on a 3x3 map', { ...p(2, 2, 3, 3, 3, 3, 1, 1), dilation: [2, 2], Ho: 1, Wo: 1 }],
    // one sample: the weight gradient's in-place reads start inside the input (the cut convolution pads by -1)
    ['dead taps, one sample, 4x1 output: 2x3 dilation 2 stride 2 pad 1, 3 groups',
      { ...p(1, 6, 8, 3, 3, 2, 2, 1, 3), kw: 3, dilation: [2, 2], Ho: conv2d_out_size(8, 2, 2, 1, 2), Wo: conv2d_out_size(3, 3, 2, 1, 2) }],
  );
  for (const [name, cp] of conv_cases) {
    const { N, C, H, W, O, kh, kw, groups, Ho, Wo } = cp;
    it(`conv2d ${name}: [${N},${C},${H},${W}] O=${O} k=${kh}x${kw} s=${cp.stride} p=${cp.padding} d=${cp.dilation} g=${groups}`, () => {
      const nx = N * C * H * W, nw = O * (C / groups) * kh * kw, no = N * O * Ho * Wo;
      const x = rand(nx, rng), w = rand(nw, rng), bias = rand(O, rng), g = rand(no, rng);
      const run = (b: Backend): Float32Array[] => {
        const out = new Float32Array(no), out_nb = new Float32Array(no), gx = new Float32Array(nx), gw = new Float32Array(nw);
        const gb = new Float32Array(O);
        b.conv2d_forward(x, w, bias, out, cp);
        b.conv2d_forward(x, w, null, out_nb, cp);
        b.conv2d_backward_input(g, w, gx, cp);
        b.conv2d_backward_weight(g, x, gw, cp);
        b.conv2d_backward_bias(g, gb, cp);
        return [out, out_nb, gx, gw, gb];
      };
      const want = run(js_backend);
      const one = on_threads(1, () => run(wasm));
      const two = on_threads(2, () => run(wasm));
      ['forward', 'forward without bias', 'grad input', 'grad weight', 'grad bias'].forEach((what, i) => {
        expect_close(what, one[i]!, want[i]!);
        expect(two[i], `${what}: 2 threads differ from 1`).toEqual(one[i]);
      });
    });
  }

  it('conv2d keeps the NaN that a non-finite weight or output gradient makes at taps reading only padding', () => {
    const cp = p(3, 4, 1, 1, 5, 3, 1, 1); // only the centre tap reads the input
    const x = rand(12, rng), g = rand(15, rng), w = rand(5 * 4 * 9, rng);
    w[0] = Number.NaN; // output channel 0, a corner tap
    w[(1 * 4 + 2) * 9 + 8] = Infinity; // output channel 1, a corner tap
    const g_nan = new Float32Array(g);
    g_nan[7] = Number.NaN;
    const run = (b: Backend): Float32Array[] => {
      const out = new Float32Array(15), gx = new Float32Array(12), gw = new Float32Array(w.length), gw_nan = new Float32Array(w.length);
      b.conv2d_forward(x, w, null, out, cp);
      b.conv2d_backward_input(g, w, gx, cp);
      b.conv2d_backward_weight(g, x, gw, cp);
      b.conv2d_backward_weight(g_nan, x, gw_nan, cp);
      return [out, gx, gw, gw_nan];
    };
    const want = run(js_backend);
    const got = on_threads(1, () => run(wasm));
    const nan_at = (a: Float32Array): number[] => [...a.keys()].filter((i) => Number.isNaN(a[i]));
    const finite = (a: Float32Array): Float32Array => a.map((v) => (Number.isNaN(v) ? 0 : v));
    ['forward', 'grad input', 'grad weight', 'grad weight, a NaN output gradient'].forEach((what, i) => {
      expect(nan_at(got[i]!), what).toEqual(nan_at(want[i]!));
      expect_close(what, finite(got[i]!), finite(want[i]!));
    });
    expect(nan_at(want[0]!).length).toBe(2 * 3); // output channels 0 and 1 of every sample
    expect(nan_at(want[3]!).length).toBeGreaterThan(0);
  });

  it('conv2d forward re-checks the dead taps of a weight whose version changed (finiteness is remembered per version)', () => {
    const counter = { version: 0 };
    const cp = { ...p(2, 4, 1, 1, 5, 3, 1, 1), w_version: counter }; // only the centre tap reads the input
    const x = rand(8, rng), w = rand(5 * 4 * 9, rng);
    const forward = (b: Backend): Float32Array => {
      const out = new Float32Array(10);
      b.conv2d_forward(x, w, null, out, cp);
      return out;
    };
    const nan_count = (a: Float32Array): number => a.filter((v) => Number.isNaN(v)).length;
    on_threads(1, () => {
      expect(nan_count(forward(wasm))).toBe(0);
      expect(nan_count(forward(wasm))).toBe(0); // unchanged: remembered finite
      w[(2 * 4 + 1) * 9] = Infinity; // output channel 2, a corner tap
      counter.version++;
      expect(nan_count(forward(wasm))).toBe(2); // channel 2 of both samples
      expect(nan_count(forward(wasm))).toBe(2); // unchanged: remembered not finite
      w[(2 * 4 + 1) * 9] = 0.5;
      counter.version++;
      const got = forward(wasm);
      expect(nan_count(got)).toBe(0);
      expect_close('forward after the weight is finite again', got, forward(js_backend));
    });
  });

  function random_pool(seed: number): Pool2dParams {
    const r = make_rng(seed);
    for (;;) {
      const kh = int(r, 1, 4), kw = int(r, 1, 3);
      const sh = int(r, 1, 3), sw = int(r, 1, 3);
      const ph = int(r, 0, Math.floor(kh / 2)), pw = int(r, 0, Math.floor(kw / 2));
      const dh = int(r, 1, 2), dw = int(r, 1, 2);
      const ceil_mode = r() < 0.5;
      const N = int(r, 1, 3), C = int(r, 1, 5), H = int(r, 1, 12), W = int(r, 1, 12);
      const Ho = pool_out_size(H, kh, sh, ph, dh, ceil_mode), Wo = pool_out_size(W, kw, sw, pw, dw, ceil_mode);
      if (Ho < 1 || Wo < 1) continue;
      return { N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, ceil_mode, Ho, Wo };
    }
  }

  const pool_cases: [string, Pool2dParams][] = [];
  for (let s = 0; s < 16; s++) pool_cases.push([`random #${s}`, random_pool(200 + s)]);
  // 2 x 2 at stride 2 runs four windows per vector step: whole rows, a tail of 1 (Wo = 13) and ceil mode
  // windows hanging over the right and bottom edges
  const two_by_two = (H: number, W: number, ceil_mode: boolean): Pool2dParams => ({
    N: 2, C: 3, H, W, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1, ceil_mode,
    Ho: pool_out_size(H, 2, 2, 0, 1, ceil_mode), Wo: pool_out_size(W, 2, 2, 0, 1, ceil_mode),
  });
  pool_cases.push(
    ['SimpleNet pool1, batch 8', { N: 8, C: 10, H: 24, W: 24, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1, ceil_mode: false, Ho: 12, Wo: 12 }],
    ['2x2 stride 2, 13 windows a row', two_by_two(8, 26, false)],
    ['2x2 stride 2 ceil_mode, odd sides', two_by_two(9, 15, true)],
  );
  for (const [name, pp] of pool_cases) {
    it(`max_pool2d ${name}: [${pp.N},${pp.C},${pp.H},${pp.W}] k=${pp.kh}x${pp.kw} s=${pp.sh},${pp.sw} p=${pp.ph},${pp.pw} d=${pp.dh},${pp.dw} ceil=${pp.ceil_mode}`, () => {
      const nx = pp.N * pp.C * pp.H * pp.W, no = pp.N * pp.C * pp.Ho * pp.Wo;
      // few distinct values, so ties are common; a NaN and a -Infinity in the mix
      const x = new Float32Array(nx).map(() => int(rng, -3, 3));
      x[int(rng, 0, nx - 1)] = Number.NaN;
      x[int(rng, 0, nx - 1)] = -Infinity;
      const g = rand(no, rng);
      const run = (b: Backend): [Float32Array, Float64Array, Float32Array] => {
        const out = new Float32Array(no), idx = new Float64Array(no), gx = new Float32Array(nx);
        b.max_pool2d_forward(x, out, idx, pp);
        b.max_pool2d_backward(g, idx, gx, pp);
        return [out, idx, gx];
      };
      const want = run(js_backend);
      const one = on_threads(1, () => run(wasm));
      const two = on_threads(2, () => run(wasm));
      expect(one[0]).toEqual(want[0]);
      expect(one[1]).toEqual(want[1]);
      expect_close('grad input', one[2], want[2]);
      expect(two).toEqual(one);
      // without indices (no autograd): the same maxima
      for (const b of [js_backend, wasm]) {
        const out = new Float32Array(no);
        b.max_pool2d_forward(x, out, null, pp);
        expect(out, `${b.name} without indices`).toEqual(want[0]);
      }
    });
  }

  // average pooling has no dilation: the same random windows with dilation 1, and every divisor rule
  for (const [name, mp] of pool_cases) {
    const pp: Pool2dParams = { ...mp, dh: 1, dw: 1, Ho: pool_out_size(mp.H, mp.kh, mp.sh, mp.ph, 1, mp.ceil_mode), Wo: pool_out_size(mp.W, mp.kw, mp.sw, mp.pw, 1, mp.ceil_mode) };
    if (pp.Ho < 1 || pp.Wo < 1) continue;
    for (const [cip, div_o] of [[true, null], [false, null], [true, 3.5]] as const) {
      it(`avg_pool2d ${name}: [${pp.N},${pp.C},${pp.H},${pp.W}] k=${pp.kh}x${pp.kw} s=${pp.sh},${pp.sw} p=${pp.ph},${pp.pw} ceil=${pp.ceil_mode} count_include_pad=${cip} divisor_override=${div_o}`, () => {
        const nx = pp.N * pp.C * pp.H * pp.W, no = pp.N * pp.C * pp.Ho * pp.Wo;
        const x = rand(nx, rng), g = rand(no, rng);
        const run = (b: Backend): [Float32Array, Float32Array] => {
          const out = new Float32Array(no), gx = new Float32Array(nx);
          b.avg_pool2d_forward(x, out, pp, cip, div_o);
          b.avg_pool2d_backward(g, gx, pp, cip, div_o);
          return [out, gx];
        };
        const want = run(js_backend);
        const one = on_threads(1, () => run(wasm));
        const two = on_threads(2, () => run(wasm));
        // same float64 arithmetic in the same order as the js kernel: equal, not just close
        expect(one).toEqual(want);
        expect(two).toEqual(one);
      });
    }
  }
});
