// The wasm backend's convolution: input and weights copied into wasm memory once (packed weights kept there while
// unchanged, see packed_weights.ts), im2col, packing, GEMM (bias seeded in the output) and col2im all in wasm,
// split over samples or weight columns, one copy out; weight gradients read the input in place through tap
// offsets instead of unfolding it. Small output maps run the whole batch as one GEMM per group (the samples'
// pixels side by side as its columns).
import {
  conv2d_backward_bias as js_backward_bias, conv2d_backward_input as js_backward_input, conv2d_backward_weight as js_backward_weight, conv2d_forward as js_forward,
  tap_ranges_1d, type Conv2dParams, type FloatArray,
} from '../js/nn_kernels.js';
import { pack_a_full } from './gemm.js';
import { cached_pack } from './packed_weights.js';
import { write_stamp } from '../write_stamps.js';
import { wasm_runtime } from './runtime.js';

const up4 = (n: number): number => Math.ceil(n / 4) * 4;
/**
 * Output maps with fewer pixels than this run batched (the samples' pixels side by side as one GEMM's
 * columns): per sample, the forward's and the input gradient's GEMMs would be this few columns wide, each
 * streaming the whole weight, and the weight gradient's this shallow. Measured on ResNet-18's layers at
 * batch 32 (one thread): batched, 1x1 and 2x2 maps ran 1.5-5x faster in all three passes; 4x4 maps only the
 * weight gradient (the others 5-30% slower, their unfolded batch no longer in cache); 8x8 maps none.
 */
const BATCH_BELOW_PIXELS = { forward: 16, input: 16, weight: 64 } as const;

/**
 * Whether `pass` of `p` runs the batch side by side as one GEMM per group (see BATCH_BELOW_PIXELS). The
 * forward keeps a stride-1 convolution of depth at most KC per sample, where the driver reads the input in
 * place instead of unfolding it.
 */
function batched(p: Conv2dParams, pass: keyof typeof BATCH_BELOW_PIXELS): boolean {
  if (p.N === 1 || p.Ho * p.Wo >= BATCH_BELOW_PIXELS[pass]) return false;
  const in_place = p.stride[0] === 1 && p.stride[1] === 1 && !(p.kh === 1 && p.kw === 1 && p.padding[0] === 0 && p.padding[1] === 0) &&
    sizes(p).ckk <= wasm_runtime().driver.KC;
  return !(pass === 'forward' && in_place);
}

/** The driver's geometry words for `p`, then whether the pass runs batched. */
function geometry(p: Conv2dParams, batch: boolean): number[] {
  return [p.N, p.C, p.H, p.W, p.O, p.kh, p.kw, p.stride[0], p.stride[1], p.padding[0], p.padding[1],
    p.dilation[0], p.dilation[1], p.groups, p.Ho, p.Wo, batch ? 1 : 0];
}

/**
 * Moves N per-sample [rows, L] blocks at `src` into one [rows, N*L] matrix at `dst` (`to_batch`), or back.
 * Runs on the calling thread: it moves as many floats as the GEMM's output, against ckk multiply-adds each.
 */
function relayout(src: number, dst: number, N: number, rows: number, L: number, to_batch: boolean): void {
  const { ex } = wasm_runtime();
  const J = N * L;
  for (let n = 0; n < N; n++) {
    if (to_batch) ex.copy_rows(src + n * rows * L * 4, L, dst + n * L * 4, J, rows, L);
    else ex.copy_rows(src + n * L * 4, J, dst + n * rows * L * 4, L, rows, L);
  }
}

/** Multiply-adds of one pass (forward or either backward): N * O * Ho*Wo * C/groups*kh*kw. */
function work(p: Conv2dParams): number {
  return p.N * p.O * p.Ho * p.Wo * (p.C / p.groups) * p.kh * p.kw;
}

/** Sizes every pass needs: output channels per group, weight columns (C/groups*kh*kw), input and output element counts. */
function sizes(p: Conv2dParams): { og: number; ckk: number; nx: number; no: number } {
  return { og: p.O / p.groups, ckk: (p.C / p.groups) * p.kh * p.kw, nx: p.N * p.C * p.H * p.W, no: p.N * p.O * p.Ho * p.Wo };
}

/** The kernel rows [a0, a0 + q.kh) and columns [b0, b0 + q.kw) of `p` that hold every live tap, as the convolution `q`. */
interface TapWindow {
  q: Conv2dParams;
  a0: number;
  b0: number;
}

/** First and one past the last of `k` taps along a side that read inside the input for some output position. */
function live_span(k: number, s: number, pad: number, d: number, size: number, n_out: number): [number, number] {
  const lo = new Int32Array(k);
  const hi = new Int32Array(k);
  tap_ranges_1d(k, s, pad, d, size, n_out, lo, hi);
  let first = k;
  let last = -1;
  for (let t = 0; t < k; t++) {
    if (lo[t]! < hi[t]!) {
      first = Math.min(first, t);
      last = t;
    }
  }
  return [first, last + 1];
}

/**
 * The smallest window of `p`'s kernel outside of which every tap reads only padding, e.g. the centre tap of
 * a 3x3 kernel with padding 1 on a 1x1 map (ResNet-18's last stage on 32x32 images), as an equivalent
 * convolution whose padding is shifted by the window's corner; null when that is the whole kernel (or no
 * tap reads the input at all). The dead taps multiply zeros only, so skipping them changes no output, except
 * that a non-finite factor there makes PyTorch's sums NaN: callers check that before cutting.
 */
function live_window(p: Conv2dParams): TapWindow | null {
  const [a0, a1] = live_span(p.kh, p.stride[0], p.padding[0], p.dilation[0], p.H, p.Ho);
  const [b0, b1] = live_span(p.kw, p.stride[1], p.padding[1], p.dilation[1], p.W, p.Wo);
  if (a1 <= a0 || b1 <= b0 || (a1 - a0) * (b1 - b0) === p.kh * p.kw) return null;
  const padding: [number, number] = [p.padding[0] - a0 * p.dilation[0], p.padding[1] - b0 * p.dilation[1]];
  return { q: { ...p, kh: a1 - a0, kw: b1 - b0, padding }, a0, b0 };
}

/**
 * Writes the taps of `cut` ([O, C/groups, t.q.kh, t.q.kw]) into window `t` of a weight-shaped `full` array
 * of `p` ([O, C/groups, kh, kw]), whose other taps the caller has set.
 */
function put_taps(full: Float32Array, cut: Float32Array, p: Conv2dParams, t: TapWindow): void {
  const { kh, kw } = t.q;
  const pairs = p.O * (p.C / p.groups); // (output, input) channel pairs, each with its kernel
  const taps = p.kh * p.kw;
  const corner = t.a0 * p.kw + t.b0;
  if (kh === 1 && kw === 1) {
    // one tap per kernel (the centre one on a 1x1 map): a strided scatter
    for (let i = 0, at = corner; i < pairs; i++, at += taps) full[at] = cut[i]!;
    return;
  }
  let k = 0;
  for (let i = 0; i < pairs; i++) {
    for (let a = 0; a < kh; a++) {
      const at = i * taps + a * p.kw + corner;
      for (let b = 0; b < kw; b++) full[at + b] = cut[k++]!;
    }
  }
}

/** Pairs of channels a cut moves at a time: their kernels (9 KB for 3x3) are still in L1 when gathered after the check. */
const CUT_BLOCK = 256;

/**
 * The weight `w` of `p` cut to window `t`, and, when `check`, whether every value of `w` (cut or not) is
 * finite: one pass over the weight, block by block, whose dead taps share the cache lines of the live ones.
 */
function cut_taps(w: Float32Array, p: Conv2dParams, t: TapWindow, check: boolean): { cut: Float32Array; finite: boolean } {
  const { kh, kw } = t.q;
  const cut = new Float32Array(p.O * (p.C / p.groups) * kh * kw);
  const pairs = p.O * (p.C / p.groups); // (output, input) channel pairs, each with its kernel
  const taps = p.kh * p.kw;
  const corner = t.a0 * p.kw + t.b0;
  let finite = true;
  let k = 0;
  for (let i0 = 0; i0 < pairs; i0 += CUT_BLOCK) {
    const i1 = Math.min(pairs, i0 + CUT_BLOCK);
    if (check && finite) finite = all_finite(w, i0 * taps, i1 * taps);
    if (kh === 1 && kw === 1) {
      // one tap per kernel (the centre one on a 1x1 map): a strided gather
      for (let i = i0, at = i0 * taps + corner; i < i1; i++, at += taps) cut[k++] = w[at]!;
      continue;
    }
    for (let i = i0; i < i1; i++) {
      for (let a = 0; a < kh; a++) {
        const at = i * taps + a * p.kw + corner;
        for (let b = 0; b < kw; b++) cut[k++] = w[at + b]!;
      }
    }
  }
  return { cut, finite };
}

/** Whether a weight array held only finite values, while unchanged (same version counter, version and write stamp). */
interface Finiteness {
  counter: { readonly version: number };
  version: number;
  stamp: number;
  finite: boolean;
}
const finiteness = new WeakMap<Float32Array, Finiteness>();

/** What is known of `w`'s finiteness at its current version: true, false, or undefined (not known). */
function known_finite(w: Float32Array, counter: { readonly version: number } | undefined): boolean | undefined {
  const e = counter === undefined ? undefined : finiteness.get(w);
  return e !== undefined && e.counter === counter && e.version === counter!.version && e.stamp === write_stamp(w) ? e.finite : undefined;
}

/**
 * How the forward reads `w` (of `p`, with live window `win`): cut to the window, unless a dead tap holds a
 * non-finite value (PyTorch's sums are then NaN, which only the full kernel reproduces). Finiteness is
 * remembered while the weight is unchanged, so a kept packed weight (eval) is not scanned on every call; a
 * weight seen in a new version is cut and checked in one pass.
 */
function forward_weight(w: Float32Array, p: Conv2dParams, win: TapWindow): { cut: TapWindow | null; weight: () => Float32Array } {
  const known = known_finite(w, p.w_version);
  if (known === false) return { cut: null, weight: () => w };
  if (known === true) return { cut: win, weight: cut_weight(w, p, win) };
  const { cut, finite } = cut_taps(w, p, win, true);
  if (p.w_version !== undefined) finiteness.set(w, { counter: p.w_version, version: p.w_version.version, stamp: write_stamp(w), finite });
  return finite ? { cut: win, weight: () => cut } : { cut: null, weight: () => w };
}

/** The weight `w` of `p` as the kernels read it: cut to window `cut` when there is one (computed once, on first use). */
function cut_weight(w: Float32Array, p: Conv2dParams, cut: TapWindow | null): () => Float32Array {
  let wq: Float32Array | null = cut === null ? w : null;
  return () => (wq ??= cut_taps(w, p, cut!, false).cut);
}

/** What a packing of a weight of `p` depends on besides its values: its shape, groups and tap window. */
function layout_key(p: Conv2dParams, cut: TapWindow | null): string {
  return `${p.O} ${p.C / p.groups} ${p.kh} ${p.kw} ${p.groups}${cut === null ? '' : ` window ${cut.a0} ${cut.b0} ${cut.q.kh} ${cut.q.kw}`}`;
}

/** Copies the first `n` values of `w` into the arena and runs `f` on their byte address; false when the memory cannot grow. */
function with_weight(w: Float32Array, n: number, f: (at: number) => void): boolean {
  const rt = wasm_runtime();
  rt.reset();
  const at = rt.alloc(n * 4);
  if (!rt.commit()) return false;
  rt.f32.set(w.subarray(0, n), at / 4);
  f(at);
  return true;
}

/** Whether the values of `a` in [from, to) are all finite (their sum in doubles cannot overflow otherwise). */
function all_finite(a: Float32Array, from: number, to: number): boolean {
  // four independent sums, so the additions do not wait on each other
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    s0 += a[i]!;
    s1 += a[i + 1]!;
    s2 += a[i + 2]!;
    s3 += a[i + 3]!;
  }
  for (; i < to; i++) s0 += a[i]!;
  return Number.isFinite(s0 + s1 + s2 + s3);
}

/**
 * 2-D convolution forward on the wasm backend; same contract as the JS `conv2d_forward`. float32 only
 * (float64 runs the JS kernel). Threads split the batch.
 *
 * @example
 * wasm_conv2d_forward(x, w, bias, out, p);
 */
export function wasm_conv2d_forward(x: FloatArray, w: FloatArray, bias: FloatArray | null, out: FloatArray, p: Conv2dParams): void {
  if (!(x instanceof Float32Array) || !(w instanceof Float32Array) || !(out instanceof Float32Array) ||
    (bias !== null && !(bias instanceof Float32Array)) || work(p) === 0) {
    js_forward(x, w, bias, out, p);
    return;
  }
  const full = p;
  const win = live_window(p);
  const { cut, weight } = win === null ? { cut: null, weight: () => w } : forward_weight(w, p, win);
  if (cut !== null) p = cut.q;
  const rt = wasm_runtime();
  const { O, groups } = p;
  const { og, ckk, nx, no } = sizes(p);
  const a_bytes = groups * up4(og) * ckk * 4;
  // A = W_g per group: kept packed while the weight is unchanged
  const pack_w = (w_at: number, dst: number): void => {
    for (let g = 0; g < groups; g++) pack_a_full(w_at + g * og * ckk * 4, ckk, 1, og, ckk, dst + g * up4(og) * ckk * 4);
  };
  const kept = cached_pack(w, full.w_version, `forward ${layout_key(full, cut)}`, a_bytes, (dst) => with_weight(weight(), O * ckk, (at) => pack_w(at, dst)));
  rt.reset();
  const x_at = rt.alloc(nx * 4);
  const w_at = kept >= 0 ? -1 : rt.alloc(O * ckk * 4);
  const a_at = kept >= 0 ? kept : rt.alloc(a_bytes);
  const b_at = bias === null ? -1 : rt.alloc(O * 4);
  const out_at = rt.alloc(no * 4);
  const batch = batched(p, 'forward');
  // batched, the GEMM writes [O, N*L], which is then moved into the output's [N, O, L]
  const c_at = batch ? rt.alloc(no * 4) : out_at;
  if (!rt.prepare([rt.driver.OP.CONV, ...geometry(p, batch), x_at, a_at, b_at, c_at], work(p))) {
    js_forward(x, weight(), bias, out, p);
    return;
  }
  const mem = rt.f32;
  mem.set(x.subarray(0, nx), x_at / 4);
  if (bias !== null) mem.set(bias.subarray(0, O), b_at / 4);
  if (kept < 0) {
    mem.set(weight().subarray(0, O * ckk), w_at / 4);
    pack_w(w_at, a_at);
  }
  rt.run();
  if (batch) relayout(c_at, out_at, p.N, O, p.Ho * p.Wo, false);
  out.set(rt.f32.subarray(out_at / 4, out_at / 4 + no));
}

/**
 * Gradient of the convolution with respect to its input on the wasm backend; same contract as the JS
 * `conv2d_backward_input`. Threads split the batch; overlapping windows are summed in float32.
 *
 * @example
 * wasm_conv2d_backward_input(grad_out, w, grad_x, p);
 */
export function wasm_conv2d_backward_input(grad_out: FloatArray, w: FloatArray, grad_x: FloatArray, p: Conv2dParams): void {
  if (!(grad_out instanceof Float32Array) || !(w instanceof Float32Array) || !(grad_x instanceof Float32Array) || work(p) === 0) {
    js_backward_input(grad_out, w, grad_x, p);
    return;
  }
  // a dead tap's weight only ever meets padding, whose gradient is dropped: cutting it is exact
  const full = p;
  const cut = live_window(p);
  if (cut !== null) p = cut.q;
  const weight = cut_weight(w, full, cut);
  const rt = wasm_runtime();
  const { O, groups } = p;
  const { og, ckk, nx, no } = sizes(p);
  const a_bytes = groups * up4(ckk) * og * 4;
  // A = W_g^T: A[c', o] = w[g*og + o, c'], kept packed while the weight is unchanged
  const pack_w = (w_at: number, dst: number): void => {
    for (let g = 0; g < groups; g++) pack_a_full(w_at + g * og * ckk * 4, 1, ckk, ckk, og, dst + g * up4(ckk) * og * 4);
  };
  const kept = cached_pack(w, full.w_version, `input ${layout_key(full, cut)}`, a_bytes, (dst) => with_weight(weight(), O * ckk, (at) => pack_w(at, dst)));
  rt.reset();
  const go_at = rt.alloc(no * 4);
  const w_at = kept >= 0 ? -1 : rt.alloc(O * ckk * 4);
  const a_at = kept >= 0 ? kept : rt.alloc(a_bytes);
  const gx_at = rt.alloc(nx * 4);
  // batched: the output gradient as [O, N*L] and the unfolded input gradient [groups * ckk, N*L]
  const batch = batched(p, 'input');
  const got_at = batch ? rt.alloc(no * 4) : go_at;
  const col_at = batch ? rt.alloc(groups * ckk * p.N * p.Ho * p.Wo * 4) : -1;
  if (!rt.prepare([rt.driver.OP.CONV_INPUT, ...geometry(p, batch), got_at, a_at, gx_at, col_at], work(p))) {
    js_backward_input(grad_out, weight(), grad_x, p);
    return;
  }
  const mem = rt.f32;
  mem.set(grad_out.subarray(0, no), go_at / 4);
  if (batch) relayout(go_at, got_at, p.N, O, p.Ho * p.Wo, true);
  if (kept < 0) {
    mem.set(weight().subarray(0, O * ckk), w_at / 4);
    pack_w(w_at, a_at);
  }
  rt.run();
  grad_x.set(mem.subarray(gx_at / 4, gx_at / 4 + nx));
}

/**
 * Gradient of the convolution with respect to its weight on the wasm backend; same contract as the JS
 * `conv2d_backward_weight`. Threads split the weight's taps (C/groups*kh*kw), so every element is
 * summed over samples and positions in the same float32 order whatever the thread count.
 *
 * @example
 * wasm_conv2d_backward_weight(grad_out, x, grad_w, p);
 */
export function wasm_conv2d_backward_weight(grad_out: FloatArray, x: FloatArray, grad_w: FloatArray, p: Conv2dParams): void {
  if (!(grad_out instanceof Float32Array) || !(x instanceof Float32Array) || !(grad_w instanceof Float32Array) || work(p) === 0) {
    js_backward_weight(grad_out, x, grad_w, p);
    return;
  }
  // a dead tap's gradient sums products with padding: zero, unless the output gradient is not finite
  const win = live_window(p);
  if (win === null || !all_finite(grad_out, 0, sizes(p).no)) {
    weight_grad(grad_out, x, grad_w, p);
    return;
  }
  const cut = new Float32Array(p.O * (p.C / p.groups) * win.q.kh * win.q.kw);
  weight_grad(grad_out, x, cut, win.q);
  grad_w.fill(0, 0, p.O * sizes(p).ckk);
  put_taps(grad_w, cut, p, win);
}

/**
 * The zero-padded input the weight gradient reads: `p`'s padding where positive, else none ([ph, pw], the
 * planes' Hp x Wp). A negative padding (a convolution cut to its live taps) instead moves where tap (0, 0)
 * reads, by as many rows and columns: the driver adds that origin to the input's address.
 */
function padded_geometry(p: Conv2dParams): { ph: number; pw: number; Hp: number; Wp: number } {
  const [ph, pw] = [Math.max(p.padding[0], 0), Math.max(p.padding[1], 0)];
  return { ph, pw, Hp: p.H + 2 * ph, Wp: p.W + 2 * pw };
}

/** The weight gradient of `p` on float32 arrays, every tap computed (see wasm_conv2d_backward_weight). */
function weight_grad(grad_out: Float32Array, x: Float32Array, grad_w: Float32Array, p: Conv2dParams): void {
  if (batched(p, 'weight')) {
    weight_grad_batched(grad_out, x, grad_w, p);
    return;
  }
  // The driver sums the transposed gradient, taps x output channels (rows padded to 4, columns to 8), threads
  // sharing its rows; here, once for all threads: each sample's output gradient packed as the GEMM's B panels,
  // the input zero-padded when the convolution pads, and the taps' and output pixels' byte offsets into it.
  // (A convolution cut to its live taps may pad by less than nothing: see padded_geometry.)
  const rt = wasm_runtime();
  const { N, C, H, W, O, groups } = p;
  const { og, ckk, nx, no } = sizes(p);
  const { ph, pw, Hp, Wp } = padded_geometry(p);
  const padded = ph > 0 || pw > 0;
  const L = p.Ho * p.Wo;
  const rows = up4(ckk);
  const cols = Math.ceil(og / 8) * 8;
  rt.reset();
  const go_at = rt.alloc(no * 4);
  const x_at = rt.alloc(nx * 4);
  const gwt_at = rt.alloc(groups * rows * cols * 4);
  const b_at = rt.alloc(groups * N * cols * L * 4);
  const xp_at = padded ? rt.alloc(N * C * Hp * Wp * 4) : x_at;
  const taps_at = rt.alloc(rows * 4);
  const pix_at = rt.alloc(L * 4);
  if (!rt.prepare([rt.driver.OP.CONV_WEIGHT, ...geometry(p, false), b_at, xp_at, gwt_at, taps_at, pix_at], work(p))) {
    js_backward_weight(grad_out, x, grad_w, p);
    return;
  }
  const { ex } = rt;
  rt.f32.set(grad_out.subarray(0, no), go_at / 4);
  rt.f32.set(x.subarray(0, nx), x_at / 4);
  if (padded) {
    ex.fill_rows(xp_at, 1, N * C * Hp * Wp, 0, -1);
    ex.pad_planes(x_at, N * C, H, W, xp_at, Hp, Wp, ph, pw);
  }
  ex.tap_offsets(taps_at, C / groups, Hp, Wp, p.kh, p.kw, p.dilation[0], p.dilation[1]);
  // rows past ckk read tap 0's input into gwt's padding rows
  ex.fill_rows(taps_at + ckk * 4, 1, rows - ckk, 0, -1);
  ex.pixel_offsets(pix_at, p.Ho, p.Wo, Wp, p.stride[0], p.stride[1]);
  for (let g = 0; g < groups; g++) {
    for (let n = 0; n < N; n++) ex.pack_b(go_at + (n * O + g * og) * L * 4, 1, L, L, og, b_at + (g * N + n) * cols * L * 4);
  }
  ex.fill_rows(gwt_at, groups * rows, cols, cols, -1);
  rt.run();
  // grad_w[g*og + o, r] = gwt_g[r, o]
  const mem = rt.f32;
  for (let g = 0; g < groups; g++) {
    const src = gwt_at / 4 + g * rows * cols;
    for (let o = 0; o < og; o++) {
      const dst = (g * og + o) * ckk;
      for (let r = 0; r < ckk; r++) grad_w[dst + r] = mem[src + r * cols + o]!;
    }
  }
}

/** The weight gradient of `p` on small maps: the batch's pixels side by side, threads sharing grad_w's columns. */
function weight_grad_batched(grad_out: Float32Array, x: Float32Array, grad_w: Float32Array, p: Conv2dParams): void {
  const rt = wasm_runtime();
  const { N, O } = p;
  const { ckk, nx, no } = sizes(p);
  rt.reset();
  const go_at = rt.alloc(no * 4);
  const x_at = rt.alloc(nx * 4);
  const gw_at = rt.alloc(O * ckk * 4);
  const got_at = rt.alloc(no * 4);
  if (!rt.prepare([rt.driver.OP.CONV_WEIGHT, ...geometry(p, true), got_at, x_at, gw_at], work(p))) {
    js_backward_weight(grad_out, x, grad_w, p);
    return;
  }
  const mem = rt.f32;
  mem.set(grad_out.subarray(0, no), go_at / 4);
  relayout(go_at, got_at, N, O, p.Ho * p.Wo, true);
  mem.set(x.subarray(0, nx), x_at / 4);
  rt.ex.fill_rows(gw_at, O, ckk, ckk, -1);
  rt.run();
  grad_w.set(mem.subarray(gw_at / 4, gw_at / 4 + O * ckk));
}

/**
 * Gradient of the convolution with respect to its bias on the wasm backend; same contract as the JS
 * `conv2d_backward_bias` (sums in float64), four lanes at a time.
 *
 * @example
 * wasm_conv2d_backward_bias(grad_out, grad_b, p);
 */
export function wasm_conv2d_backward_bias(grad_out: FloatArray, grad_b: FloatArray, p: Conv2dParams): void {
  const { N, O } = p;
  const L = p.Ho * p.Wo;
  const no = N * O * L;
  if (!(grad_out instanceof Float32Array) || no === 0) {
    js_backward_bias(grad_out, grad_b, p);
    return;
  }
  const rt = wasm_runtime();
  rt.reset();
  const go_at = rt.alloc(no * 4);
  const out_at = rt.alloc(O * 8);
  if (!rt.commit()) {
    js_backward_bias(grad_out, grad_b, p);
    return;
  }
  rt.f32.set(grad_out.subarray(0, no), go_at / 4);
  rt.ex.conv2d_backward_bias(go_at, N, O, L, out_at);
  grad_b.set(rt.f64.subarray(out_at / 8, out_at / 8 + O));
}
