// Line plots of training curves as RGBA images (for PNG files): lines with an optional shaded band (e.g. mean ± sd
// over seeds), axes with ticks, a title and a legend, drawn with @tsgrad/vision's image helpers.
import { image } from '@tsgrad/vision';

type RGB = readonly [number, number, number];

/** One curve: points (x[i], y[i]), and optionally a band from lo[i] to hi[i] shaded in its colour. */
export interface Series {
  label: string;
  color: RGB;
  x: readonly number[];
  y: readonly number[];
  band?: { lo: readonly number[]; hi: readonly number[] };
  /** Dashed line (for telling two frameworks apart in one colour). */
  dashed?: boolean;
}

/** Options of `line_plot`. */
export interface LinePlotOptions {
  width?: number;
  height?: number;
  title?: string;
  x_label?: string;
  y_label?: string;
  /** The y range shown (default: the data's, bands included, with 5% headroom). */
  y_range?: readonly [number, number];
}

/** About five round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Blends `rgb` over pixel (x, y) with opacity `alpha`; outside the image nothing happens. */
function blend(img: image.RgbaImage, x: number, y: number, rgb: RGB, alpha: number): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const k = 4 * (y * img.width + x);
  for (let c = 0; c < 3; c++) img.data[k + c] = img.data[k + c]! * (1 - alpha) + rgb[c]! * alpha;
}

/**
 * A 2-pixel line from (x0, y0) to (x1, y1), clipped to rows `y_min … y_max`; with `dashed`, 6 pixels drawn and 4
 * skipped along it.
 */
function segment(img: image.RgbaImage, x0: number, y0: number, x1: number, y1: number, rgb: RGB, dashed: boolean, phase: { at: number }, y_min = 0, y_max = img.height - 1): void {
  const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
  for (let i = 0; i <= n; i++) {
    phase.at++;
    if (dashed && phase.at % 10 >= 6) continue;
    const x = Math.round(x0 + ((x1 - x0) * i) / n);
    const y = Math.round(y0 + ((y1 - y0) * i) / n);
    if (y < y_min || y > y_max) continue;
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) blend(img, x + dx, y + dy, rgb, 1);
  }
}

/**
 * Draws the series into a white image: bands first (translucent, clamped to the y range), then lines (clipped to
 * it), axes with about five ticks each, the title above and the legend in the top-right corner.
 *
 * @example
 * image.write_png('loss.png', line_plot([{ label: 'train', color: [31, 119, 180], x: [1, 2, 3], y: [2.6, 2.3, 2.2] }], { title: 'loss' }));
 */
export function line_plot(series: readonly Series[], options: LinePlotOptions = {}): image.RgbaImage {
  const W = options.width ?? 640;
  const H = options.height ?? 400;
  const img = image.blank_image(W, H);
  const left = 56;
  const right = 12;
  const top = options.title === undefined ? 12 : 12 + image.GLYPH_HEIGHT + 6;
  const bottom = 24 + (options.x_label === undefined ? 0 : image.GLYPH_HEIGHT + 2);
  const xs = series.flatMap((s) => s.x);
  const ys = series.flatMap((s) => [...s.y, ...(s.band?.lo ?? []), ...(s.band?.hi ?? [])]).filter(Number.isFinite);
  if (xs.length === 0 || ys.length === 0) throw new Error('line_plot needs at least one point');
  const [x_lo, x_hi] = [Math.min(...xs), Math.max(...xs)];
  const pad = 0.05 * (Math.max(...ys) - Math.min(...ys) || 1);
  const [y_lo, y_hi] = options.y_range ?? [Math.min(...ys) - pad, Math.max(...ys) + pad];
  const px = (v: number): number => left + ((v - x_lo) / (x_hi - x_lo || 1)) * (W - left - right);
  const py_free = (v: number): number => H - bottom - ((v - y_lo) / (y_hi - y_lo || 1)) * (H - top - bottom);
  const py = (v: number): number => py_free(Math.min(Math.max(v, y_lo), y_hi));
  const grey: RGB = [120, 120, 120];
  for (const t of ticks(y_lo, y_hi)) {
    const y = Math.round(py(t));
    for (let x = left; x < W - right; x++) blend(img, x, y, [225, 225, 225], 1);
    const label = String(t);
    image.draw_text(img, left - 6 - image.text_width(label), y - image.GLYPH_HEIGHT / 2, label, grey);
  }
  for (const t of ticks(x_lo, x_hi)) {
    const x = Math.round(px(t));
    for (let y = H - bottom; y < H - bottom + 4; y++) blend(img, x, y, grey, 1);
    const label = String(t);
    image.draw_text(img, x - image.text_width(label) / 2, H - bottom + 5, label, grey);
  }
  for (let x = left; x < W - right; x++) blend(img, x, H - bottom, grey, 1);
  for (let y = top; y <= H - bottom; y++) blend(img, left, y, grey, 1);
  for (const s of series) {
    if (s.band === undefined) continue;
    for (let i = 0; i + 1 < s.x.length; i++) {
      const [xa, xb] = [px(s.x[i]!), px(s.x[i + 1]!)];
      for (let x = Math.round(xa); x <= Math.round(xb); x++) {
        const f = xb === xa ? 0 : (x - xa) / (xb - xa);
        const lo = py(s.band.lo[i]! + f * (s.band.lo[i + 1]! - s.band.lo[i]!));
        const hi = py(s.band.hi[i]! + f * (s.band.hi[i + 1]! - s.band.hi[i]!));
        for (let y = Math.round(hi); y <= Math.round(lo); y++) blend(img, x, y, s.color, 0.18);
      }
    }
  }
  for (const s of series) {
    const phase = { at: 0 };
    for (let i = 0; i + 1 < s.x.length; i++) segment(img, px(s.x[i]!), py_free(s.y[i]!), px(s.x[i + 1]!), py_free(s.y[i + 1]!), s.color, s.dashed === true, phase, top, H - bottom - 1);
  }
  if (options.title !== undefined) image.draw_text(img, left, 6, options.title, [0, 0, 0]);
  if (options.x_label !== undefined) image.draw_text(img, left + (W - left - right - image.text_width(options.x_label)) / 2, H - image.GLYPH_HEIGHT - 2, options.x_label, [0, 0, 0]);
  if (options.y_label !== undefined) image.draw_text(img, 4, Math.max(0, top - image.GLYPH_HEIGHT - 2), options.y_label, [0, 0, 0]);
  const legend_w = Math.max(...series.map((s) => image.text_width(s.label))) + 30;
  series.forEach((s, k) => {
    const y = top + 6 + k * (image.GLYPH_HEIGHT + 2);
    const x = W - right - legend_w;
    for (let yy = y - 1; yy < y + image.GLYPH_HEIGHT + 1; yy++) for (let xx = x - 4; xx < W - right; xx++) blend(img, xx, yy, [255, 255, 255], 0.85);
    segment(img, x, y + image.GLYPH_HEIGHT / 2, x + 20, y + image.GLYPH_HEIGHT / 2, s.color, s.dashed === true, { at: 0 });
    image.draw_text(img, x + 26, y, s.label, [0, 0, 0]);
  });
  return img;
}
