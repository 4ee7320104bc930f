// Sequences the wasm leaf kernels for chunks of a job described in wasm memory; the same code runs on the main
// thread and, as source text, in every worker.

/** The functions kernels.wat exports (addresses in bytes, strides in floats unless a name says bytes). */
export interface KernelExports {
  gemm_block(a: number, b: number, c: number, mb: number, nb: number, kc: number, ldc_bytes: number, tmp: number, fresh: number): void;
  pack_a(src: number, rs: number, cs: number, mb: number, kb: number, dst: number): void;
  pack_b(src: number, rs: number, cs: number, kb: number, nb: number, dst: number): void;
  fill_rows(c: number, rows: number, cols: number, ld: number, values: number): void;
  im2col(x: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number,
    dh: number, dw: number, Ho: number, Wo: number, r0: number, r1: number, col: number, ld: number, ns: number, xs_bytes: number, cs_bytes: number): void;
  im2col_packed(x: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number,
    dh: number, dw: number, Wo: number, k0: number, kb: number, j0: number, nb: number, dst: number, Ho: number, xs_bytes: number): void;
  tap_offsets(dst: number, cg: number, H: number, W: number, kh: number, kw: number, dh: number, dw: number): void;
  conv_forward_direct(a: number, x: number, offs: number, out: number, og: number, ckk: number, H: number, W: number,
    kh: number, kw: number, ph: number, pw: number, dh: number, dw: number, Ho: number, Wo: number, bpack: number, tmp: number): void;
  col2im(col: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number,
    dh: number, dw: number, Ho: number, Wo: number, c0: number, c1: number, gx: number, ld: number, ns: number, cs_bytes: number, gs_bytes: number): void;
  copy_rows(src: number, src_ld: number, dst: number, dst_ld: number, rows: number, cols: number): void;
  max_pool2d(x: number, out: number, idx: number, p0: number, p1: number, H: number, W: number, kh: number, kw: number,
    sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, Ho: number, Wo: number): void;
  max_pool2d_backward(go: number, idx: number, gx: number, p0: number, p1: number, HW: number, L: number): void;
  avg_pool2d(x: number, out: number, p0: number, p1: number, H: number, W: number, Ho: number, Wo: number, tab: number, div: number): void;
  avg_pool2d_backward(go: number, gx: number, plane: number, p0: number, p1: number, H: number, W: number, Ho: number, Wo: number,
    tab: number, div: number): void;
  conv2d_backward_bias(go: number, N: number, O: number, L: number, out: number): void;
  map_unary_f32(op: number, x: number, out: number, n: number, a: number): void;
  map_transcendental_f32(op: number, x: number, out: number, n: number): void;
  lstm_gates_f32(acts: number, c_prev: number, cells: number, tanh_c: number, h: number, rows: number, H: number): void;
  lstm_gates_backward_f32(acts: number, tanh_c: number, c_prev: number, dh: number, gy: number, dc: number, d_gates: number, rows: number, H: number): void;
  sum_f32_f64(x: number, n: number, s: number): number;
  acc_f32_f64(x: number, acc: number, n: number): void;
  conv_weight_taps(x: number, xs_bytes: number, ns: number, taps: number, r0: number, r1: number, pix: number, L: number, b: number, bs_bytes: number,
    panels: number, gwt: number, ldc_bytes: number): void;
  pixel_offsets(dst: number, Ho: number, Wo: number, W: number, sh: number, sw: number): void;
  pad_planes(src: number, planes: number, H: number, W: number, dst: number, Hp: number, Wp: number, ph: number, pw: number): void;
  map_binary_f32(op: number, x: number, y: number, out: number, n: number): void;
  softmax_rows_f32(x: number, out: number, rows: number, L: number): void;
  softmax_backward_rows_f32(g: number, y: number, out: number, rows: number, L: number): void;
  row_moments_f32(x: number, rows: number, D: number, mean: number, variance: number): void;
  row_normalize_f32(x: number, rows: number, D: number, mean: number, invstd: number, w: number, b: number, out: number, has_w: number, has_b: number): void;
  row_normalize_backward_f32(g: number, x: number, rows: number, D: number, mean: number, invstd: number, w: number, has_w: number,
    dx: number, gw: number, gb: number): void;
  gather_rows_f32(src: number, starts: number, rows: number, n: number, dst: number): void;
  acc_rows_f32_f64(x: number, rows: number, n: number, acc: number, starts: number): void;
  scale_f32_f64(x: number, out: number, n: number, a: number): void;
}

/** Runs the job in wasm memory: every thread taking part calls `run`, which claims chunks until none is left. */
export interface Driver {
  /** The job words (a view renewed after an unshared memory grows, which detaches the old one). */
  job(): Int32Array;
  /** Runs chunks of the job as thread `thread` (its scratch; 0 is the caller) of `nthreads` taking part. */
  run(thread: number, nthreads: number): void;
  /** Bytes of per-thread scratch the job in `job` needs. */
  scratch_bytes(): number;
  /** Op codes, the job layout's first word. */
  readonly OP: {
    readonly GEMM: 1; readonly CONV: 2; readonly CONV_INPUT: 3; readonly CONV_WEIGHT: 4; readonly MAX_POOL: 5; readonly MAX_POOL_BACKWARD: 6;
    readonly AVG_POOL: 7; readonly AVG_POOL_BACKWARD: 8; readonly LSTM_STEP: 9;
    readonly LSTM_STEP_BACKWARD: 10;
  };
  /** The job word counting claimed chunks; zero it before starting a job. */
  readonly NEXT: number;
  /** Cache blocking: rows of A per block, depth of a packed block, columns of B per block. */
  readonly MC: number;
  readonly KC: number;
  readonly NC: number;
}

/**
 * Builds the driver over the kernels `ex` and the `job_words` int32 job words at byte `job_at` of `memory`:
 * job[0] op, job[1] scratch base address, job[2] scratch bytes per thread, job[3..] the op's parameters in
 * the order `run` reads them, job[NEXT] (the last word) the chunk counter. Self-contained (no free
 * variables) because workers get it as source text.
 *
 * Every split hands each output element to exactly one thread, which sums its products in the same order
 * as a single thread would, so results do not depend on the thread count or on which thread ran what.
 *
 * @example
 * const driver = make_driver(instance.exports as unknown as KernelExports, memory, 512, 64);
 * @internal (its `WebAssembly.Memory` parameter would make the published types need lib DOM)
 */
export function make_driver(ex: KernelExports, memory: WebAssembly.Memory, job_at: number, job_words: number): Driver {
  let words = new Int32Array(memory.buffer, job_at, job_words);
  const job = (): Int32Array => {
    if (words.byteLength === 0) words = new Int32Array(memory.buffer, job_at, job_words);
    return words;
  };
  // A 4 x 8 register tile; a KC x 8 B micro-panel (8 KB) stays in L1, an MC x KC A block (128 KB) in L2
  // and a KC x NC B block (1 MB) in L3.
  const MC = 128;
  const KC = 256;
  const NC = 1024;
  const OP = { GEMM: 1, CONV: 2, CONV_INPUT: 3, CONV_WEIGHT: 4, MAX_POOL: 5, MAX_POOL_BACKWARD: 6, AVG_POOL: 7, AVG_POOL_BACKWARD: 8, LSTM_STEP: 9,
    LSTM_STEP_BACKWARD: 10 } as const;
  const TMP_BYTES = 128;
  const BPACK_BYTES = KC * NC * 4;
  const up = (n: number, m: number): number => Math.ceil(n / m) * m;
  // job[NEXT]: the next unclaimed chunk of the job; the host zeroes it before a job starts.
  const NEXT = job_words - 1;
  /**
   * Runs f(lo, hi) over chunks of [0, n) in whole multiples of `unit`; with T threads each of about 4T
   * chunks goes to whichever thread claims it first, so a thread that wakes late or runs on a busy core
   * takes fewer. Which thread computes a chunk does not change its result. A job calls it once: the
   * claim counter is the job's.
   */
  const each_chunk = (n: number, unit: number, T: number, f: (lo: number, hi: number) => void): void => {
    const units = Math.ceil(n / unit);
    const chunks = T === 1 ? 1 : Math.min(units, 4 * T);
    const j = job();
    for (let u = Atomics.add(j, NEXT, 1); u < chunks; u = Atomics.add(j, NEXT, 1)) {
      f(Math.min(n, Math.floor((u * units) / chunks) * unit), Math.min(n, Math.floor(((u + 1) * units) / chunks) * unit));
    }
  };

  /**
   * Packs rows [k0, k0+kb) x columns [j0, j0+nb) of B into the block buffer `bpack`, or finds them packed
   * already; returns where the packed block is.
   */
  type PackB = (k0: number, kb: number, j0: number, nb: number, bpack: number) => number;
  /** PackB of a B in wasm memory at `b` with strides b_rs, b_cs (floats). */
  const strided_b = (b: number, b_rs: number, b_cs: number): PackB => (k0, kb, j0, nb, bpack) => {
    ex.pack_b(b + (k0 * b_rs + j0 * b_cs) * 4, b_rs, b_cs, kb, nb, bpack);
    return bpack;
  };
  /** PackB of a B of N columns packed whole at `b`: per KC block of rows, all its 8-column panels (pack_b_full). */
  const packed_b = (b: number, N: number): PackB => (k0, kb, j0) => b + (up(N, 8) * k0 + j0 * kb) * 4;

  /**
   * C[il:ih, jl:jh] += op(A) B with A fully packed (Mp x K, by KC blocks) and B packed by `pack_b` per block;
   * `fresh` (1): C = op(A) B, its old contents never read (the first depth block writes it).
   */
  function gemm_part(a: number, Mp: number, pack_b: PackB, c: number, ldc: number, K: number,
    il: number, ih: number, jl: number, jh: number, tmp: number, bpack: number, fresh = 0): void {
    for (let j0 = jl; j0 < jh; j0 += NC) {
      const nb = Math.min(NC, jh - j0);
      for (let k0 = 0; k0 < K; k0 += KC) {
        const kb = Math.min(KC, K - k0);
        const bp = pack_b(k0, kb, j0, nb, bpack);
        for (let i0 = il; i0 < ih; i0 += MC) {
          ex.gemm_block(a + (Mp * k0 + i0 * kb) * 4, bp, c + (i0 * ldc + j0) * 4, Math.min(MC, ih - i0), nb, kb, ldc * 4, tmp, k0 === 0 ? fresh : 0);
        }
      }
    }
  }

  /**
   * `batch` products C_q += op(A_q) B_q (C_q = op(A_q) B_q when `fresh`), A_q packed (a_bs floats apart), B_q
   * at b_bs floats (strided, or packed whole when `b_whole`), C_q at c_bs. With
   * at least as many matrices as threads, threads take whole matrices; else they split every matrix's
   * columns (each then packs only its own B columns) or, with too few columns, its rows.
   */
  function run_gemm(T: number, tmp: number, bpack: number): void {
    const [M, N, K, a, b, b_rs, b_cs, c, ldc, batch, a_bs, b_bs, c_bs, fresh, b_whole] = job().subarray(3, 18);
    const Mp = up(M, 4);
    const part = (q: number, il: number, ih: number, jl: number, jh: number): void => {
      const pack_b = b_whole === 1 ? packed_b(b + q * b_bs * 4, N) : strided_b(b + q * b_bs * 4, b_rs, b_cs);
      gemm_part(a + q * a_bs * 4, Mp, pack_b, c + q * c_bs * 4, ldc, K, il, ih, jl, jh, tmp, bpack, fresh);
    };
    const n_tiles = Math.ceil(N / 8);
    if (batch >= T) {
      each_chunk(batch, 1, T, (lo, hi) => {
        for (let q = lo; q < hi; q++) part(q, 0, M, 0, N);
      });
    } else if (n_tiles >= T || n_tiles >= Mp / 4) {
      each_chunk(N, 8, T, (jl, jh) => {
        for (let q = 0; q < batch; q++) part(q, 0, M, jl, jh);
      });
    } else {
      each_chunk(M, 4, T, (il, ih) => {
        for (let q = 0; q < batch; q++) part(q, il, ih, 0, N);
      });
    }
  }

  /**
   * One LSTM step for a batch of B rows: acts[B, 4H] += h_prev W_hhᵀ (h_prev packed as A, W_hhᵀ packed whole),
   * then the gates and cell update (lstm_gates_f32). The threads split the batch rows, in one contiguous share
   * each (every share streams the whole W_hh, so fewer shares read it fewer times), and each runs the gates of
   * its own rows right after their product: one job, one wait per step.
   */
  function run_lstm_step(T: number, tmp: number, bpack: number): void {
    const [B, H, a, b, acts, c_prev, cells, tanh_c, h] = job().subarray(3, 12);
    const G = 4 * H;
    each_chunk(B, up(Math.ceil(B / T), 4), T, (lo, hi) => {
      gemm_part(a, up(B, 4), packed_b(b, G), acts, G, H, lo, hi, 0, G, tmp, bpack);
      ex.lstm_gates_f32(acts + lo * G * 4, c_prev + lo * H * 4, cells + lo * H * 4, tanh_c + lo * H * 4, h + lo * H * 4, hi - lo, H);
    });
  }

  /**
   * One step of the LSTM backward for a batch of B rows: the gate gradients (lstm_gates_backward_f32, updating
   * dc), then dh = d_gates W_hh (W_hh packed whole as B, K = 4H), the threads splitting the rows as
   * run_lstm_step does, each packing its own rows of d_gates as A.
   */
  function run_lstm_step_backward(T: number, tmp: number, bpack: number): void {
    const [B, H, acts, tanh_c, c_prev, dh, gy, dc, d_gates, a, b] = job().subarray(3, 14);
    const G = 4 * H;
    const Mp = up(B, 4);
    each_chunk(B, up(Math.ceil(B / T), 4), T, (lo, hi) => {
      ex.lstm_gates_backward_f32(acts + lo * G * 4, tanh_c + lo * H * 4, c_prev + lo * H * 4, dh + lo * H * 4,
        gy < 0 ? -1 : gy + lo * H * 4, dc + lo * H * 4, d_gates + lo * G * 4, hi - lo, H);
      for (let k0 = 0; k0 < G; k0 += KC) {
        const kb = Math.min(KC, G - k0);
        ex.pack_a(d_gates + (lo * G + k0) * 4, G, 1, hi - lo, kb, a + (Mp * k0 + lo * kb) * 4);
      }
      gemm_part(a, Mp, packed_b(b, H), dh, H, G, lo, hi, 0, H, tmp, bpack, 1);
    });
  }

  /**
   * Rows of the unfolded input a batched weight gradient unfolds at a time for J columns: about 2 MB of
   * scratch, whole micro-panels, at most one column block.
   */
  const unfold_rows = (J: number): number => Math.max(8, Math.min(NC, Math.floor((1 << 19) / J / 8) * 8));

  function run_conv(op: number, T: number, scratch: number): void {
    const [N, C, H, W, O, kh, kw, sh, sw, ph, pw, dh, dw, groups, Ho, Wo, batched, p0, p1, p2, p3, p4] = job().subarray(3, 25);
    const cg = C / groups;
    const og = O / groups;
    const L = Ho * Wo;
    const HW = H * W;
    const ckk = cg * kh * kw;
    const tmp = scratch;
    const bpack = tmp + TMP_BYTES;
    const apack = bpack + BPACK_BYTES;
    const col = apack + up(og, 4) * KC * 4;
    // a 1 x 1 kernel at stride 1 without padding unfolds the input to itself: no im2col, no col2im
    const plain = kh === 1 && kw === 1 && sh === 1 && sw === 1 && ph === 0 && pw === 0;
    if (batched === 1) {
      run_conv_batched(op, T, { N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, groups, Ho, Wo, cg, og, L, HW, ckk },
        [p0, p1, p2, p3], tmp, bpack, apack, col);
      return;
    }

    if (op === OP.CONV_WEIGHT) {
      // gwt_g[r, o] (up(ckk, 4) rows of up(og, 8) floats per group) = the sum over samples, in order, and over
      // output pixels of the input under tap r times go_n,g[o], the input read in place (zero-padded by the
      // host when the convolution pads) through the host's tap and pixel byte offsets, go_n,g packed as B
      // panels by the host. Threads share the tap rows, so every element is summed in the same order for any
      // thread count.
      // (padded by max(ph, 0) and max(pw, 0); a negative padding, from a convolution cut to its live taps,
      // moves tap (0, 0)'s first read that many rows and columns into the input)
      const [b, xq, gwt, taps, pix] = [p0, p1, p2, p3, p4];
      const rows = up(ckk, 4);
      const og8 = up(og, 8);
      const [hp, wp] = [Math.max(ph, 0), Math.max(pw, 0)];
      const plane = (H + 2 * hp) * (W + 2 * wp) * 4;
      const origin = ((hp - ph) * (W + 2 * wp) + (wp - pw)) * 4;
      each_chunk(rows, 4, T, (r0, r1) => {
        for (let g = 0; g < groups; g++) {
          ex.conv_weight_taps(xq + g * cg * plane + origin, C * plane, N, taps, r0, r1, pix, L, b + g * N * og8 * L * 4, og8 * L * 4, og8 / 8,
            gwt + g * rows * og8 * 4, og8 * 4);
        }
      });
    } else if (op === OP.CONV) {
      // out_n,g[og, L] = bias + W_g[og, ckk] im2col(x_n,g)[ckk, L]; a holds every group's W_g packed.
      const [x, a, bias, out] = [p0, p1, p2, p3];
      // stride 1 with one k block: panels inside the image read the input in place through tap offsets
      const direct = !plain && sh === 1 && sw === 1 && ckk <= KC;
      if (direct) ex.tap_offsets(col, cg, H, W, kh, kw, dh, dw);
      each_chunk(N, 1, T, (n_lo, n_hi) => {
        for (let n = n_lo; n < n_hi; n++) {
          for (let g = 0; g < groups; g++) {
            const out_ng = out + (n * O + g * og) * L * 4;
            const x_ng = x + (n * C + g * cg) * HW * 4;
            ex.fill_rows(out_ng, og, L, L, bias === -1 ? -1 : bias + g * og * 4);
            const a_g = a + g * up(og, 4) * ckk * 4;
            if (direct) {
              ex.conv_forward_direct(a_g, x_ng, col, out_ng, og, ckk, H, W, kh, kw, ph, pw, dh, dw, Ho, Wo, bpack, tmp);
              continue;
            }
            // B is the input itself (1 x 1), or its blocks unfolded straight into packed form
            const pack_b: PackB = plain ? strided_b(x_ng, L, 1)
              : (k0, kb, j0, nb, dst) => {
                ex.im2col_packed(x_ng, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Wo, k0, kb, j0, nb, dst, Ho, 0);
                return dst;
              };
            gemm_part(a_g, up(og, 4), pack_b, out_ng, L, ckk, 0, og, 0, L, tmp, bpack);
          }
        }
      });
    } else {
      // col = W_g^T[ckk, og] go_n,g[og, L], folded back by col2im; a holds every group's W_g^T packed.
      const [go, a, gx] = [p0, p1, p2];
      each_chunk(N, 1, T, (n_lo, n_hi) => {
        for (let n = n_lo; n < n_hi; n++) {
          for (let g = 0; g < groups; g++) {
            const gx_ng = gx + (n * C + g * cg) * HW * 4;
            const dst = plain ? gx_ng : col;
            ex.fill_rows(dst, ckk, L, L, -1);
            gemm_part(a + g * up(ckk, 4) * og * 4, up(ckk, 4), strided_b(go + (n * O + g * og) * L * 4, L, 1), dst, L, og, 0, ckk, 0, L, tmp, bpack);
            if (!plain) ex.col2im(col, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo, 0, cg, gx_ng, L, 1, 0, 0);
          }
        }
      });
    }
  }

  /** A convolution's shape as the batched passes read it. */
  interface ConvShape {
    N: number; C: number; H: number; W: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number;
    dh: number; dw: number; groups: number; Ho: number; Wo: number; cg: number; og: number; L: number; HW: number; ckk: number;
  }

  /**
   * The three passes on small output maps, with the whole batch side by side as J = N*L columns of one GEMM
   * per group (per sample, a 4x4 or 1x1 map makes a GEMM a few columns wide that streams the whole weight
   * once per sample). The host moves the output gradient into, and the output out of, the [O, J] layout.
   * Forward: c[O, J] = bias + W_g im2col(x)[ckk, J], threads sharing columns. Input gradient: col[ckk, J] =
   * W_g^T go[O, J], threads sharing input channels, each folded back by col2im. Weight gradient: gw[O, ckk] = go[O, J]
   * im2col(x)[ckk, J]^T, threads sharing gw's columns, each summed over J in the same order for any count.
   */
  function run_conv_batched(op: number, T: number, s: ConvShape, p: number[], tmp: number, bpack: number, apack: number, col: number): void {
    const { N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, groups, Ho, Wo, cg, og, L, HW, ckk } = s;
    const J = N * L;
    const xs = C * HW * 4;
    if (op === OP.CONV) {
      const [x, a, bias, c] = p as [number, number, number, number];
      each_chunk(J, 8, T, (jl, jh) => {
        for (let g = 0; g < groups; g++) {
          const c_g = c + g * og * J * 4;
          const x_g = x + g * cg * HW * 4;
          ex.fill_rows(c_g + jl * 4, og, jh - jl, J, bias === -1 ? -1 : bias + g * og * 4);
          const pack_b: PackB = (k0, kb, j0, nb, dst) => {
            ex.im2col_packed(x_g, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Wo, k0, kb, j0, nb, dst, Ho, xs);
            return dst;
          };
          gemm_part(a + g * up(og, 4) * ckk * 4, up(og, 4), pack_b, c_g, J, ckk, 0, og, jl, jh, tmp, bpack);
        }
      });
    } else if (op === OP.CONV_INPUT) {
      const [go, a, gx, cols] = p as [number, number, number, number];
      // threads share the input channels, in whole 4-row panels of W_g^T, so each reads its part of the
      // weight once (a split over samples would stream all of it per share); every channel is then folded
      // back for the whole batch
      const taps = kh * kw;
      const unit = taps % 4 === 0 ? 1 : taps % 2 === 0 ? 2 : 4;
      each_chunk(cg, unit, T, (c_lo, c_hi) => {
        const r_lo = c_lo * taps;
        const r_hi = c_hi * taps;
        for (let g = 0; g < groups; g++) {
          const col_g = cols + g * ckk * J * 4;
          ex.fill_rows(col_g + r_lo * J * 4, r_hi - r_lo, J, J, -1);
          gemm_part(a + g * up(ckk, 4) * og * 4, up(ckk, 4), strided_b(go + g * og * J * 4, J, 1), col_g, J, og, r_lo, r_hi, 0, J, tmp, bpack);
          ex.col2im(col_g + r_lo * J * 4, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo, c_lo, c_hi, gx + g * cg * HW * 4, J, N, L * 4, xs);
        }
      });
    } else {
      const [go, x, gw] = p as [number, number, number];
      const rb = unfold_rows(J);
      each_chunk(ckk, 8, T, (jl, jh) => {
        for (let g = 0; g < groups; g++) {
          const go_g = go + g * og * J * 4;
          for (let r0 = jl; r0 < jh; r0 += rb) {
            const nb = Math.min(rb, jh - r0);
            ex.im2col(x + g * cg * HW * 4, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo, r0, r0 + nb, col, J, N, xs, L * 4);
            for (let k0 = 0; k0 < J; k0 += KC) {
              const kb = Math.min(KC, J - k0);
              ex.pack_a(go_g + k0 * 4, J, 1, og, kb, apack);
              ex.pack_b(col + k0 * 4, 1, J, kb, nb, bpack);
              for (let i0 = 0; i0 < og; i0 += MC) {
                ex.gemm_block(apack + i0 * kb * 4, bpack, gw + ((g * og + i0) * ckk + r0) * 4, Math.min(MC, og - i0), nb, kb, ckk * 4, tmp, 0);
              }
            }
          }
        }
      });
    }
  }

  function scratch_bytes(): number {
    const op = job()[0];
    if (op === OP.GEMM) return TMP_BYTES + BPACK_BYTES;
    if (op === OP.LSTM_STEP || op === OP.LSTM_STEP_BACKWARD) return TMP_BYTES;
    if (op === OP.CONV || op === OP.CONV_INPUT || op === OP.CONV_WEIGHT) {
      const [N, C, , , O, kh, kw, , , , , , , groups, Ho, Wo, batched] = job().subarray(3, 20);
      const og = O / groups;
      const ckk = (C / groups) * kh * kw;
      const L = Ho * Wo;
      const fixed = TMP_BYTES + BPACK_BYTES + up(og, 4) * KC * 4;
      if (batched !== 1 && op === OP.CONV_WEIGHT) return TMP_BYTES;
      if (batched !== 1) return fixed + ckk * L * 4;
      return op === OP.CONV_WEIGHT ? fixed + unfold_rows(N * L) * N * L * 4 : fixed;
    }
    if (op === OP.AVG_POOL_BACKWARD) {
      const [, H, W] = job().subarray(3, 6);
      return H * W * 8; // one float64 plane
    }
    return 0;
  }

  function run(t: number, T: number): void {
    const j = job();
    const op = j[0];
    const scratch = j[1] + t * j[2];
    if (op === OP.GEMM) run_gemm(T, scratch, scratch + TMP_BYTES);
    else if (op === OP.LSTM_STEP) run_lstm_step(T, scratch, scratch + TMP_BYTES);
    else if (op === OP.LSTM_STEP_BACKWARD) run_lstm_step_backward(T, scratch, scratch + TMP_BYTES);
    else if (op === OP.CONV || op === OP.CONV_INPUT || op === OP.CONV_WEIGHT) run_conv(op, T, scratch);
    else if (op === OP.MAX_POOL) {
      const [planes, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo, x, out, idx] = job().subarray(3, 19);
      each_chunk(planes, 1, T, (lo, hi) => ex.max_pool2d(x, out, idx, lo, hi, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo));
    } else if (op === OP.MAX_POOL_BACKWARD) {
      const [planes, HW, L, go, idx, gx] = job().subarray(3, 9);
      each_chunk(planes, 1, T, (lo, hi) => ex.max_pool2d_backward(go, idx, gx, lo, hi, HW, L));
    } else if (op === OP.AVG_POOL) {
      const [planes, H, W, Ho, Wo, x, out, tab, div] = job().subarray(3, 12);
      each_chunk(planes, 1, T, (lo, hi) => ex.avg_pool2d(x, out, lo, hi, H, W, Ho, Wo, tab, div));
    } else if (op === OP.AVG_POOL_BACKWARD) {
      const [planes, H, W, Ho, Wo, go, gx, tab, div] = job().subarray(3, 12);
      each_chunk(planes, 1, T, (lo, hi) => ex.avg_pool2d_backward(go, gx, scratch, lo, hi, H, W, Ho, Wo, tab, div));
    } else throw new Error(`wasm driver: unknown op ${op}`);
  }

  return { job, run, scratch_bytes, OP, NEXT, MC, KC, NC };
}
