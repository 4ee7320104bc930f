// Checks the NN kernels against naive direct-loop references and adjoint identities; gemm and conv on every backend.
import { describe, it, expect } from 'vitest';
import {
  adaptive_avg_pool2d_backward, adaptive_avg_pool2d_forward, area_pixel_scale, avg_pool2d_backward, avg_pool2d_forward,
  conv2d_out_size,
  max_pool2d_backward, max_pool2d_forward, pool_out_size, upsample_bilinear2d_backward, upsample_bilinear2d_forward,
  type Conv2dParams, type FloatArray, type Pool2dParams,
} from '../../src/kernels/js/nn_kernels.js';
import { js_backend, wasm_backend, type Backend } from '../../src/kernels/backend.js';
import { make_rng } from './strided_views.js';

type ArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor;
const F32_TOL = 1e-5;
const F64_TOL = 1e-12;
// The reference kernels, and every faster backend this engine supports (wasm needs WebAssembly SIMD).
const BACKENDS: Backend[] = wasm_backend === null ? [js_backend] : [js_backend, wasm_backend];

function rand(Ctor: ArrayCtor, n: number, rng: () => number): FloatArray {
  const a = new Ctor(n);
  for (let i = 0; i < n; i++) a[i] = rng() * 2 - 1;
  return a;
}

/** Relative error max(|a-e|) / max(1, |e|) over all elements; NaN must match NaN. */
function expect_close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const err = Number.isNaN(e) ? (Number.isNaN(a) ? 0 : Infinity) : Math.abs(a - e) / Math.max(1, Math.abs(e));
    if (!(err <= worst)) {
      worst = Number.isNaN(err) ? Infinity : err;
      at = i;
    }
  }
  expect(worst, `worst at ${at}: got ${actual[at]}, want ${expected[at]}`).toBeLessThanOrEqual(tol);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function expect_adjoint(lhs: number, rhs: number): void {
  expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(lhs)));
}

describe.each(BACKENDS.map((b) => [b.name, b] as const))('gemm on %s', (_name, { gemm }) => {
  const rng = make_rng(1);
  // Sizes straddle the js 64 x 256 x 128 and wasm 128 x 1024 x 256 blocking (and the wasm 4 x 8 tile), so
  // partial blocks and tiles in every dim are exercised.
  const cases: [number, number, number][] = [[1, 1, 1], [5, 7, 3], [70, 300, 133], [3, 260, 130], [130, 1027, 7], [6, 13, 259]];
  for (const Ctor of [Float32Array, Float64Array] as const) {
    for (const [M, N, K] of cases) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        it(`${Ctor.name} ${M}x${N}x${K} trans_a=${ta} trans_b=${tb}`, () => {
          const [ar, ac] = ta ? [K, M] : [M, K];
          const [br, bc] = tb ? [N, K] : [K, N];
          const lda = ac + 2, ldb = bc + 1, ldc = N + 3, a_off = 3, b_off = 5, c_off = 2;
          const A = rand(Ctor, a_off + ar * lda, rng), B = rand(Ctor, b_off + br * ldb, rng);
          const C0 = rand(Ctor, c_off + M * ldc, rng);
          const opa = (i: number, k: number) => (ta ? A[a_off + k * lda + i]! : A[a_off + i * lda + k]!);
          const opb = (k: number, j: number) => (tb ? B[b_off + j * ldb + k]! : B[b_off + k * ldb + j]!);
          for (const [alpha, beta] of [[1, 0], [0.5, -2], [0, 3]] as const) {
            const C = new Ctor(C0);
            if (beta === 0) C.fill(Number.NaN);
            const want = new Float64Array(C);
            for (let i = 0; i < M; i++) {
              for (let j = 0; j < N; j++) {
                let s = 0;
                for (let k = 0; k < K; k++) s += opa(i, k) * opb(k, j);
                const ci = c_off + i * ldc + j;
                want[ci] = alpha * s + (beta === 0 ? 0 : beta * C0[ci]!);
              }
            }
            gemm(ta, tb, M, N, K, alpha, A, a_off, lda, B, b_off, ldb, beta, C, c_off, ldc);
            expect_close(C, want, Ctor === Float32Array ? F32_TOL : F64_TOL);
          }
        });
      }
    }
  }
});

/** Direct convolution: visits every (output, tap) pair whose input pixel is inside the image. */
function conv_visit(p: Conv2dParams, visit: (xi: number, wi: number, oi: number) => void): void {
  const cg = p.C / p.groups, og = p.O / p.groups;
  for (let n = 0; n < p.N; n++)
    for (let o = 0; o < p.O; o++)
      for (let i = 0; i < p.Ho; i++)
        for (let j = 0; j < p.Wo; j++)
          for (let c = 0; c < cg; c++)
            for (let a = 0; a < p.kh; a++)
              for (let b = 0; b < p.kw; b++) {
                const h = i * p.stride[0] - p.padding[0] + a * p.dilation[0];
                const w = j * p.stride[1] - p.padding[1] + b * p.dilation[1];
                if (h < 0 || h >= p.H || w < 0 || w >= p.W) continue;
                const ci = Math.floor(o / og) * cg + c;
                visit(((n * p.C + ci) * p.H + h) * p.W + w, ((o * cg + c) * p.kh + a) * p.kw + b, ((n * p.O + o) * p.Ho + i) * p.Wo + j);
              }
}

function conv_params(N: number, C: number, H: number, W: number, O: number, k: [number, number], s: [number, number],
  pad: [number, number], d: [number, number], groups: number): Conv2dParams {
  const Ho = conv2d_out_size(H, k[0], s[0], pad[0], d[0]);
  const Wo = conv2d_out_size(W, k[1], s[1], pad[1], d[1]);
  return { N, C, H, W, O, kh: k[0], kw: k[1], stride: s, padding: pad, dilation: d, groups, Ho, Wo };
}

describe.each(BACKENDS.map((b) => [b.name, b] as const))('conv2d on %s', (_name, { conv2d_forward, conv2d_backward_input, conv2d_backward_weight, conv2d_backward_bias }) => {
  it('conv2d_out_size', () => {
    expect(conv2d_out_size(28, 5, 1, 0, 1)).toBe(24);
    expect(conv2d_out_size(7, 3, 2, 1, 1)).toBe(4);
    expect(conv2d_out_size(10, 3, 1, 0, 2)).toBe(6);
  });
  const cases: [string, Conv2dParams][] = [
    ['plain 3x3', conv_params(2, 3, 7, 6, 4, [3, 3], [1, 1], [0, 0], [1, 1], 1)],
    ['stride 2, pad 1, rect 3x2', conv_params(2, 3, 9, 8, 5, [3, 2], [2, 2], [1, 1], [1, 1], 1)],
    ['dilation 2, pad (2,1), stride (1,2)', conv_params(1, 2, 10, 9, 3, [3, 3], [1, 2], [2, 1], [2, 2], 1)],
    ['groups 2', conv_params(2, 4, 6, 7, 6, [3, 3], [1, 1], [1, 1], [1, 1], 2)],
    ['depthwise x2, stride 2', conv_params(2, 3, 8, 8, 6, [3, 3], [2, 2], [1, 1], [1, 1], 3)],
    ['padding wider than kernel, 1x2', conv_params(1, 2, 4, 5, 2, [1, 2], [2, 3], [3, 2], [1, 1], 1)],
    ['SimpleNet conv1', conv_params(2, 1, 28, 28, 10, [5, 5], [1, 1], [0, 0], [1, 1], 1)],
  ];
  const rng = make_rng(2);
  for (const [name, p] of cases) {
    it(`${name}: forward and gradients match the direct loops (float32)`, () => {
      const nx = p.N * p.C * p.H * p.W, nw = p.O * (p.C / p.groups) * p.kh * p.kw, no = p.N * p.O * p.Ho * p.Wo;
      const x = rand(Float32Array, nx, rng), w = rand(Float32Array, nw, rng), bias = rand(Float32Array, p.O, rng);
      const g = rand(Float32Array, no, rng);
      const want_out = new Float64Array(no), want_gx = new Float64Array(nx), want_gw = new Float64Array(nw);
      conv_visit(p, (xi, wi, oi) => {
        want_out[oi] += x[xi]! * w[wi]!;
        want_gx[xi] += g[oi]! * w[wi]!;
        want_gw[wi] += g[oi]! * x[xi]!;
      });
      const L = p.Ho * p.Wo;
      const want_gb = new Float64Array(p.O);
      for (let i = 0; i < no; i++) {
        const o = Math.floor(i / L) % p.O;
        want_out[i] += bias[o]!;
        want_gb[o] += g[i]!;
      }
      const out = new Float32Array(no).fill(Number.NaN), gx = new Float32Array(nx).fill(7);
      const gw = new Float32Array(nw).fill(7), gb = new Float32Array(p.O).fill(7);
      conv2d_forward(x, w, bias, out, p);
      conv2d_backward_input(g, w, gx, p);
      conv2d_backward_weight(g, x, gw, p);
      conv2d_backward_bias(g, gb, p);
      expect_close(out, want_out, F32_TOL);
      expect_close(gx, want_gx, F32_TOL);
      expect_close(gw, want_gw, F32_TOL);
      expect_close(gb, want_gb, F32_TOL);
    });
    it(`${name}: backward kernels are adjoints of the forward (float64)`, () => {
      const nx = p.N * p.C * p.H * p.W, nw = p.O * (p.C / p.groups) * p.kh * p.kw, no = p.N * p.O * p.Ho * p.Wo;
      const x = rand(Float64Array, nx, rng), w = rand(Float64Array, nw, rng), g = rand(Float64Array, no, rng);
      const out = new Float64Array(no), gx = new Float64Array(nx), gw = new Float64Array(nw);
      conv2d_forward(x, w, null, out, p);
      conv2d_backward_input(g, w, gx, p);
      conv2d_backward_weight(g, x, gw, p);
      const lhs = dot(out, g);
      expect_adjoint(lhs, dot(x, gx));
      expect_adjoint(lhs, dot(w, gw));
    });
  }
});

function pool_params(N: number, C: number, H: number, W: number, k: [number, number], s: [number, number],
  pad: [number, number], d: [number, number], ceil_mode: boolean): Pool2dParams {
  const Ho = pool_out_size(H, k[0], s[0], pad[0], d[0], ceil_mode);
  const Wo = pool_out_size(W, k[1], s[1], pad[1], d[1], ceil_mode);
  return { N, C, H, W, kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: pad[0], pw: pad[1], dh: d[0], dw: d[1], ceil_mode, Ho, Wo };
}

/** In-bounds input positions (flat h*W+w) of pooling window (i, j), row-major. */
function window(p: Pool2dParams, i: number, j: number): number[] {
  const pos: number[] = [];
  for (let a = 0; a < p.kh; a++)
    for (let b = 0; b < p.kw; b++) {
      const h = i * p.sh - p.ph + a * p.dh, w = j * p.sw - p.pw + b * p.dw;
      if (h >= 0 && h < p.H && w >= 0 && w < p.W) pos.push(h * p.W + w);
    }
  return pos;
}

describe('pooling', () => {
  it('pool_out_size follows PyTorch floor / ceil rules', () => {
    expect(pool_out_size(5, 2, 2, 0, 1, false)).toBe(2);
    expect(pool_out_size(5, 2, 2, 0, 1, true)).toBe(3);
    expect(pool_out_size(6, 3, 2, 1, 1, true)).toBe(4);
    // ceil would give 3, but the third window would start at 6 - 1 = 5 >= L, entirely in the right padding.
    expect(pool_out_size(5, 2, 3, 1, 1, true)).toBe(2);
    expect(pool_out_size(10, 3, 1, 1, 2, false)).toBe(8);
  });

  const max_cases: [string, Pool2dParams][] = [
    ['2x2 stride 2', pool_params(2, 3, 8, 8, [2, 2], [2, 2], [0, 0], [1, 1], false)],
    ['overlapping 3x3 stride 1 pad 1', pool_params(2, 2, 6, 7, [3, 3], [1, 1], [1, 1], [1, 1], false)],
    ['3x2 stride (2,1) ceil_mode', pool_params(1, 2, 7, 6, [3, 2], [2, 1], [1, 0], [1, 1], true)],
    ['dilation 2 pad 1', pool_params(1, 3, 9, 8, [3, 3], [2, 2], [1, 1], [2, 2], false)],
  ];
  const rng = make_rng(3);
  for (const [name, p] of max_cases) {
    it(`max_pool2d ${name}: first maximum wins ties, backward scatters`, () => {
      const nx = p.N * p.C * p.H * p.W, no = p.N * p.C * p.Ho * p.Wo, HW = p.H * p.W;
      // Values from {0, 1, 2} make ties common, so the first-position rule is exercised.
      const x = new Float32Array(nx).map(() => Math.floor(rng() * 3));
      const g = rand(Float32Array, no, rng);
      const want = new Float64Array(no), want_idx = new Float64Array(no), want_gx = new Float64Array(nx);
      for (let nc = 0; nc < p.N * p.C; nc++)
        for (let i = 0; i < p.Ho; i++)
          for (let j = 0; j < p.Wo; j++) {
            const vals = window(p, i, j).map((q) => x[nc * HW + q]!);
            const m = Math.max(...vals);
            const o = (nc * p.Ho + i) * p.Wo + j;
            want[o] = m;
            want_idx[o] = window(p, i, j)[vals.indexOf(m)]!;
            want_gx[nc * HW + want_idx[o]!] += g[o]!;
          }
      const out = new Float32Array(no), idx = new Float64Array(no), gx = new Float32Array(nx).fill(9);
      max_pool2d_forward(x, out, idx, p);
      max_pool2d_backward(g, idx, gx, p);
      expect(Array.from(out)).toEqual(Array.from(want));
      expect(Array.from(idx)).toEqual(Array.from(want_idx));
      expect_close(gx, want_gx, F32_TOL);
    });
  }

  it('max_pool2d propagates NaN and points at it', () => {
    const p = pool_params(1, 1, 4, 4, [2, 2], [1, 1], [0, 0], [1, 1], false);
    const x = new Float64Array(16).map((_, i) => i);
    x[5] = Number.NaN;
    const out = new Float64Array(9), idx = new Float64Array(9);
    max_pool2d_forward(x, out, idx, p);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const o = i * 3 + j, hit = window(p, i, j).includes(5);
        expect(Number.isNaN(out[o]!)).toBe(hit);
        expect(idx[o]).toBe(hit ? 5 : (i + 1) * 4 + j + 1);
      }
  });

  const avg_cases: [string, Pool2dParams][] = [
    ['3x3 stride 2 pad 1 ceil_mode', pool_params(2, 2, 6, 7, [3, 3], [2, 2], [1, 1], [1, 1], true)],
    ['2x3 stride (1,2) pad (1,1)', pool_params(1, 3, 5, 8, [2, 3], [1, 2], [1, 1], [1, 1], false)],
    ['2x2 stride 2 ceil_mode odd input', pool_params(1, 2, 5, 5, [2, 2], [2, 2], [0, 0], [1, 1], true)],
  ];
  for (const [name, p] of avg_cases) {
    for (const [cip, div] of [[true, null], [false, null], [true, 5]] as const) {
      it(`avg_pool2d ${name} count_include_pad=${cip} divisor_override=${div}`, () => {
        const nx = p.N * p.C * p.H * p.W, no = p.N * p.C * p.Ho * p.Wo, HW = p.H * p.W;
        const x = rand(Float32Array, nx, rng);
        const want = new Float64Array(no);
        for (let nc = 0; nc < p.N * p.C; nc++)
          for (let i = 0; i < p.Ho; i++)
            for (let j = 0; j < p.Wo; j++) {
              // Count the padded-frame positions (h < H + ph, w < W + pw) and the real ones separately.
              let s = 0, real = 0, padded = 0;
              for (let a = 0; a < p.kh; a++)
                for (let b = 0; b < p.kw; b++) {
                  const h = i * p.sh - p.ph + a, w = j * p.sw - p.pw + b;
                  if (h < p.H + p.ph && w < p.W + p.pw) padded++;
                  if (h >= 0 && h < p.H && w >= 0 && w < p.W) {
                    real++;
                    s += x[nc * HW + h * p.W + w]!;
                  }
                }
              want[(nc * p.Ho + i) * p.Wo + j] = s / (div ?? (cip ? padded : real));
            }
        const out = new Float32Array(no);
        avg_pool2d_forward(x, out, p, cip, div);
        expect_close(out, want, F32_TOL);
        const x64 = rand(Float64Array, nx, rng), g = rand(Float64Array, no, rng);
        const out64 = new Float64Array(no), gx = new Float64Array(nx);
        avg_pool2d_forward(x64, out64, p, cip, div);
        avg_pool2d_backward(g, gx, p, cip, div);
        expect_adjoint(dot(out64, g), dot(x64, gx));
      });
    }
  }

  for (const [H, W, Ho, Wo] of [[7, 5, 3, 4], [4, 4, 8, 8], [6, 6, 2, 3], [5, 9, 1, 1]] as const) {
    it(`adaptive_avg_pool2d ${H}x${W} -> ${Ho}x${Wo}`, () => {
      const NC = 3, x = rand(Float32Array, NC * H * W, rng);
      const bin = (i: number, In: number, Out: number): [number, number] =>
        [Math.floor((i * In) / Out), Math.floor(((i + 1) * In + Out - 1) / Out)];
      const want = new Float64Array(NC * Ho * Wo);
      for (let nc = 0; nc < NC; nc++)
        for (let i = 0; i < Ho; i++)
          for (let j = 0; j < Wo; j++) {
            const [h0, h1] = bin(i, H, Ho), [w0, w1] = bin(j, W, Wo);
            let s = 0;
            for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += x[(nc * H + h) * W + w]!;
            want[(nc * Ho + i) * Wo + j] = s / ((h1 - h0) * (w1 - w0));
          }
      const out = new Float32Array(NC * Ho * Wo);
      adaptive_avg_pool2d_forward(x, out, NC, H, W, Ho, Wo);
      expect_close(out, want, F32_TOL);
      const x64 = rand(Float64Array, NC * H * W, rng), g = rand(Float64Array, NC * Ho * Wo, rng);
      const out64 = new Float64Array(NC * Ho * Wo), gx = new Float64Array(NC * H * W);
      adaptive_avg_pool2d_forward(x64, out64, NC, H, W, Ho, Wo);
      adaptive_avg_pool2d_backward(g, gx, NC, H, W, Ho, Wo);
      expect_adjoint(dot(out64, g), dot(x64, gx));
    });
  }
});

/** Dense [Out x In] interpolation matrix from the tent kernel max(0, 1 - |src - t|), src clamped to the last pixel. */
function tent_matrix(In: number, Out: number, r: number, align_corners: boolean): Float64Array {
  const m = new Float64Array(Out * In);
  for (let i = 0; i < Out; i++) {
    const src = Math.min(align_corners ? i * r : Math.max((i + 0.5) * r - 0.5, 0), In - 1);
    for (let t = 0; t < In; t++) m[i * In + t] = Math.max(0, 1 - Math.abs(src - t));
  }
  return m;
}

describe('upsample_bilinear2d', () => {
  it('area_pixel_scale', () => {
    expect(area_pixel_scale(5, 8, false, null)).toBe(5 / 8);
    expect(area_pixel_scale(5, 8, false, 1.7)).toBe(1 / 1.7);
    expect(area_pixel_scale(5, 9, true, null)).toBe(0.5);
    expect(area_pixel_scale(5, 1, true, null)).toBe(0);
  });

  it('matches PyTorch on a 2x2 -> 4x4 example', () => {
    const out = new Float64Array(16);
    upsample_bilinear2d_forward(new Float64Array([1, 2, 3, 4]), out, 1, 2, 2, 4, 4, 0.5, 0.5, false);
    expect(Array.from(out)).toEqual([1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
    const ac = new Float64Array(9);
    upsample_bilinear2d_forward(new Float64Array([1, 2, 3, 4]), ac, 1, 2, 2, 3, 3, 0.5, 0.5, true);
    expect(Array.from(ac)).toEqual([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
  });

  const rng = make_rng(4);
  const cases: [string, number, number, number, number, boolean, number | null][] = [
    ['upsample by size', 5, 6, 9, 13, false, null],
    ['downsample by size', 9, 8, 4, 3, false, null],
    ['scale_factor 1.7', 5, 7, Math.floor(5 * 1.7), Math.floor(7 * 1.7), false, 1.7],
    ['align_corners up', 4, 5, 7, 11, true, null],
    ['align_corners down, to 1 row', 6, 7, 1, 3, true, null],
  ];
  for (const [name, H, W, Ho, Wo, ac, sf] of cases) {
    it(name, () => {
      const rh = area_pixel_scale(H, Ho, ac, sf), rw = area_pixel_scale(W, Wo, ac, sf);
      const mh = tent_matrix(H, Ho, rh, ac), mw = tent_matrix(W, Wo, rw, ac);
      const NC = 2, x = rand(Float32Array, NC * H * W, rng);
      const want = new Float64Array(NC * Ho * Wo);
      for (let nc = 0; nc < NC; nc++)
        for (let i = 0; i < Ho; i++)
          for (let j = 0; j < Wo; j++) {
            let s = 0;
            for (let h = 0; h < H; h++)
              for (let w = 0; w < W; w++) s += mh[i * H + h]! * mw[j * W + w]! * x[(nc * H + h) * W + w]!;
            want[(nc * Ho + i) * Wo + j] = s;
          }
      const out = new Float32Array(NC * Ho * Wo);
      upsample_bilinear2d_forward(x, out, NC, H, W, Ho, Wo, rh, rw, ac);
      expect_close(out, want, F32_TOL);
      const x64 = rand(Float64Array, NC * H * W, rng), g = rand(Float64Array, NC * Ho * Wo, rng);
      const out64 = new Float64Array(NC * Ho * Wo), gx = new Float64Array(NC * H * W).fill(5);
      upsample_bilinear2d_forward(x64, out64, NC, H, W, Ho, Wo, rh, rw, ac);
      upsample_bilinear2d_backward(g, gx, NC, H, W, Ho, Wo, rh, rw, ac);
      expect_adjoint(dot(out64, g), dot(x64, gx));
    });
  }
});
