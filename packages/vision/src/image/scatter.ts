// Scatter plots of 2-D points coloured by label (for t-SNE embeddings), with an optional legend.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { draw_text, GLYPH_HEIGHT } from './font.js';
import { blank_image, type RgbaImage } from './rgba.js';

// matplotlib's "tab10" qualitative palette
const TAB10 = ['1f77b4', 'ff7f0e', '2ca02c', 'd62728', '9467bd', '8c564b', 'e377c2', '7f7f7f', 'bcbd22', '17becf'];
/** The colours of labels 0–9 in `scatter_plot` (matplotlib's tab10), RGB. */
export const LABEL_COLORS: [number, number, number][] = TAB10.map((h) => [0, 2, 4].map((o) => parseInt(h.slice(o, o + 2), 16)) as [number, number, number]);

/** Options of `scatter_plot`. */
export interface ScatterPlotOptions {
  /** An integer label per point; colours cycle through tab10. */
  labels?: readonly number[];
  /** Side of the square image in pixels (default 480). */
  size?: number;
  /** Dot radius in pixels (default 2). */
  radius?: number;
  /** Margin around the points in pixels (default 12). */
  margin?: number;
  /** Names of the labels, drawn as a legend in the top-left corner. */
  legend?: readonly string[];
}

/**
 * Draws points `[n, 2]` (first column → x, second → y upward) scaled to fit a square image, one dot per
 * point coloured by its label.
 *
 * @example
 * const { embedding } = interpret.tsne(feats);
 * write_png('tsne.png', scatter_plot(embedding, { labels, legend: CLASS_NAMES }));
 */
export function scatter_plot(points: Tensor | readonly (readonly number[])[], options: ScatterPlotOptions = {}): RgbaImage {
  const rows = points instanceof torch.Tensor ? (points.tolist() as number[][]) : points;
  if (points instanceof torch.Tensor && (points.ndim !== 2 || points.shape[1] !== 2)) throw new Error(`scatter_plot expects points of shape [n, 2], got [${points.shape.join(', ')}]`);
  const labels = options.labels;
  if (labels !== undefined && labels.length !== rows.length) throw new Error(`scatter_plot got ${labels.length} labels for ${rows.length} points`);
  const size = options.size ?? 480;
  const radius = options.radius ?? 2;
  const margin = options.margin ?? 12;
  const out = blank_image(size, size);
  const xs = rows.map((r) => r[0]!);
  const ys = rows.map((r) => r[1]!);
  const [x_lo, x_hi] = [Math.min(...xs), Math.max(...xs)];
  const [y_lo, y_hi] = [Math.min(...ys), Math.max(...ys)];
  const span = Math.max(x_hi - x_lo, y_hi - y_lo) || 1;
  const to_px = (v: number, lo: number, hi: number): number => margin + ((v - (lo + hi) / 2) / span + 0.5) * (size - 2 * margin);
  const dot = (cx: number, cy: number, rgb: readonly [number, number, number]): void => {
    for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++) {
      for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++) {
        if (x < 0 || y < 0 || x >= size || y >= size || (x - cx) ** 2 + (y - cy) ** 2 > radius * radius) continue;
        out.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * (y * size + x));
      }
    }
  };
  const color = (label: number): [number, number, number] => LABEL_COLORS[((label % 10) + 10) % 10]!;
  rows.forEach((_, k) => dot(to_px(xs[k]!, x_lo, x_hi), size - 1 - to_px(ys[k]!, y_lo, y_hi), labels === undefined ? LABEL_COLORS[0]! : color(labels[k]!)));
  // legend: a colour swatch and the name per label, one line of text each, as many rows as fit
  const swatch = GLYPH_HEIGHT - 5;
  options.legend?.forEach((name, k) => {
    const y = 4 + k * (GLYPH_HEIGHT + 3);
    if (y + GLYPH_HEIGHT > size) return;
    for (let dy = 0; dy < swatch; dy++) for (let dx = 0; dx < swatch && 4 + dx < size; dx++) out.data.set([...color(k), 255], 4 * ((y + 3 + dy) * size + 4 + dx));
    draw_text(out, 8 + swatch, y, name, [0, 0, 0]);
  });
  return out;
}
