// Occlusion sensitivity: how much the class probability drops when a patch of the input is covered.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';
import { spatial_size } from './maps.js';
import { select_output, target_scores, type OutputOptions, type Target } from './targets.js';

type Size2 = number | readonly [number, number];

function pair(v: Size2, what: string): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((s) => Number.isInteger(s) && s >= 1)) throw new Error(`occlusion ${what} must be positive integers, got ${JSON.stringify(v)}`);
  return p;
}

/** Options of `occlusion` (Zeiler & Fergus). */
export interface OcclusionOptions extends OutputOptions {
  /** Patch size `[h, w]` (or one number for a square). */
  patch: Size2;
  /** Step between patch positions (default: the patch size, no overlap). */
  stride?: Size2;
  /** Value written into the patch, in every channel (default 0). */
  fill?: number;
  /**
   * Score the softmax probabilities over dim 1 (default true); `false` scores the raw output. A scoring
   * function target receives the probabilities (or the raw output).
   */
  softmax?: boolean;
  /**
   * Where windows go when the stride does not tile the input. `'cover'` (default, Captum's rule):
   * `ceil((H − patch) / stride) + 1` positions per dim, the last window clipped at the border, so every pixel is
   * occluded. `'fit'`: only whole windows at `range(0, H − patch + 1, stride)` (the textbook recipe), which
   * leaves the last rows and columns unoccluded (0 in `attribution`) when the stride does not tile.
   */
  placement?: 'cover' | 'fit';
}

/** What `occlusion` returns. */
export interface OcclusionResult {
  /** The model's output, detached. */
  output: Tensor;
  /** `p_c(x)` per sample, `[N]`. */
  base_probs: Tensor;
  /** `p_c` with the patch at `(rows[a], cols[b])` filled, `[N, R, C]`. */
  occluded_probs: Tensor;
  /** `base_probs − occluded_probs`, `[N, R, C]`: large where covering the patch hurts the class. */
  heatmap: Tensor;
  /** Top rows and left columns of the patch positions. */
  rows: number[];
  /** Left columns of the patch positions. */
  cols: number[];
  /** Per pixel, the mean heatmap value of the patches covering it (0 where none does), `[N, H, W]`. */
  attribution: Tensor;
}

/**
 * Occlusion (Zeiler & Fergus 2014): `p_c = softmax(model(x), dim=1)[n, c]`; for every top-left
 * `(i, j)` with `i = k·stride_h` for `k < ceil((H − patch_h) / stride_h) + 1` (and `j` likewise; the last
 * window clipped at the border, as Captum's Occlusion; `placement: 'fit'` keeps whole windows only) the patch
 * `x[:, :, i:i+patch_h, j:j+patch_w]` is set to `fill` on a copy and
 * `heatmap[i/stride_h, j/stride_w] = p_c(x) − p_c(occluded)`. Overlapping patches (stride < patch) are
 * averaged per pixel in `attribution`. A stride larger than the patch is refused (it would skip pixels), as in
 * Captum. Scores are softmax probabilities unless `softmax: false` (Captum's Occlusion scores the raw output:
 * `attr.Occlusion`). Runs under no_grad, one batched forward per position.
 *
 * @example
 * const { heatmap } = occlusion(net.eval(), x, 3, { patch: 7, stride: 7, fill: 0 }); // [1, 4, 4]
 */
export function occlusion(model: nn.Module, x: Tensor, target: Target, options: OcclusionOptions): OcclusionResult {
  const [H, W] = spatial_size(x);
  const [ph, pw] = pair(options.patch, 'patch');
  const [sh, sw] = pair(options.stride ?? options.patch, 'stride');
  if (ph > H || pw > W) throw new Error(`occlusion patch [${ph}, ${pw}] is larger than the input's [${H}, ${W}]`);
  if ((sh > ph && H > ph) || (sw > pw && W > pw)) throw new Error(`occlusion stride [${sh}, ${sw}] cannot be larger than the patch [${ph}, ${pw}]`);
  const fill = options.fill ?? 0;
  const placement = options.placement ?? 'cover';
  const starts = (size: number, patch: number, stride: number): number[] => {
    const count = placement === 'cover' ? Math.ceil((size - patch) / stride) + 1 : Math.floor((size - patch) / stride) + 1;
    return Array.from({ length: count }, (_, k) => k * stride);
  };
  const rows = starts(H, ph, sh);
  const cols = starts(W, pw, sw);
  const [N, C] = x.shape as [number, number];
  const base = x.contiguous().data_array();
  const plane = H * W;

  return torch.no_grad(() => {
    const score = (input: Tensor): { output: Tensor; probs: Tensor } => {
      const output = select_output(model.call(input), options.output_selector);
      const scored = options.softmax ?? true ? output.softmax(1) : output;
      return { output, probs: target_scores(scored, target) };
    };
    const { output, probs: base_probs } = score(x);
    const per_position: Tensor[] = [];
    for (const i of rows) {
      for (const j of cols) {
        const data = base.slice();
        for (let nc = 0; nc < N * C; nc++) {
          for (let r = i; r < Math.min(i + ph, H); r++) data.fill(fill, nc * plane + r * W + j, nc * plane + r * W + Math.min(j + pw, W));
        }
        per_position.push(score(torch.from_array(data, x.shape, x._dtype)).probs);
      }
    }
    const occluded_probs = torch.stack(per_position, 1).reshape([N, rows.length, cols.length]);
    const heatmap = base_probs.reshape([N, 1, 1]).sub(occluded_probs);

    const heat = heatmap.data_array();
    const sum = new Float64Array(N * plane);
    const count = new Float64Array(plane);
    rows.forEach((i, a) => cols.forEach((j, b) => {
      for (let r = i; r < Math.min(i + ph, H); r++) for (let c = j; c < Math.min(j + pw, W); c++) count[r * W + c]! += 1;
      for (let n = 0; n < N; n++) {
        const v = heat[(n * rows.length + a) * cols.length + b]!;
        for (let r = i; r < Math.min(i + ph, H); r++) for (let c = j; c < Math.min(j + pw, W); c++) sum[n * plane + r * W + c]! += v;
      }
    }));
    const attr = new Float32Array(N * plane);
    for (let k = 0; k < attr.length; k++) attr[k] = count[k % plane]! > 0 ? sum[k]! / count[k % plane]! : 0;
    const attribution = torch.from_array(attr, [N, H, W], 'float32').to(x._dtype);
    return { output, base_probs, occluded_probs, heatmap, rows, cols, attribution };
  });
}
