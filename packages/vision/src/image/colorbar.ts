// A title above a picture and a colour bar beside it, so a saved heatmap says what its colours mean.
import { colormap_of, type Colormap, type ColormapName } from './colormaps.js';
import { draw_text, GLYPH_HEIGHT, text_width } from './font.js';
import { blank_image, type RgbaImage } from './rgba.js';

/** Options of `with_colorbar`. */
export interface ColorbarOptions {
  /** The colormap of the heatmap (default 'jet'). */
  colormap?: Colormap | ColormapName;
  /** Values at the low and high end of the bar, printed at its ends and middle (3 significant digits). */
  range?: readonly [number, number];
  /** Text at the low and high end of the bar instead of `range`'s numbers, e.g. `['0', 'max']`. */
  ticks?: readonly [string, string];
  /** What the colours measure, written above the bar. */
  label?: string;
  /** A title above the picture. */
  title?: string;
  /** Default white. */
  background?: readonly [number, number, number];
}

const BAR_WIDTH = 12;
const GAP = 8;
/** The strip a title takes above the picture: one line of text and some space. */
const TITLE_HEIGHT = GLYPH_HEIGHT + 6;

/** Draws `title` centred over the first `over` columns of `out`, in its title strip. */
function draw_title(out: RgbaImage, over: number, title: string): void {
  draw_text(out, Math.max(0, Math.floor((over - text_width(title)) / 2)), 3, title);
}

/**
 * A copy of `picture` with `title` in a strip above it (for pictures that need no colour bar).
 *
 * @param picture - the picture
 * @param title - one line of text, centred
 * @param background - the strip's colour (default white)
 * @returns a new, taller image
 * @example
 * write_png('digit.png', with_title(image_grid([x]), 'input, class 3'));
 */
export function with_title(picture: RgbaImage, title: string, background: readonly [number, number, number] = [255, 255, 255]): RgbaImage {
  const width = Math.max(picture.width, text_width(title) + 2 * GAP);
  const out = blank_image(width, TITLE_HEIGHT + picture.height, background);
  for (let y = 0; y < picture.height; y++) {
    out.data.set(picture.data.subarray(4 * y * picture.width, 4 * (y + 1) * picture.width), 4 * ((TITLE_HEIGHT + y) * width));
  }
  draw_title(out, picture.width, title);
  return out;
}

function format_tick(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

/**
 * A copy of `picture` with a title strip above it and a vertical colour bar to its right: the colormap from
 * low (bottom) to high (top), with the bar's values or `ticks` beside it and `label` above it.
 *
 * @param picture - the heatmap or sheet of heatmaps
 * @param options - colormap, value range or tick texts, bar label and title
 * @returns a new, larger image
 * @example
 * const r = interpret.grad_cam(net, x, 3, 'conv2');
 * const heat = r.cam_upsampled_normalized!.index([0]);
 * write_png('grad_cam.png', with_colorbar(heatmap_overlay(x, heat), { range: [0, 1], title: 'Grad-CAM of class 3', label: 'weight' }));
 */
export function with_colorbar(picture: RgbaImage, options: ColorbarOptions = {}): RgbaImage {
  const cmap = colormap_of(options.colormap ?? 'jet');
  const [lo, hi] = options.range ?? [0, 1];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`with_colorbar range must be finite, got [${lo}, ${hi}]`);
  const ticks: string[] = options.ticks !== undefined ? [options.ticks[1], '', options.ticks[0]] : [hi, (lo + hi) / 2, lo].map(format_tick);
  const title_h = options.title === undefined ? 0 : TITLE_HEIGHT;
  const label_h = options.label === undefined ? 0 : GLYPH_HEIGHT + 2;
  const tick_w = Math.max(...ticks.map((t) => text_width(t)));
  const bar_x = picture.width + GAP;
  const width = Math.max(bar_x + BAR_WIDTH + 4 + tick_w + GAP, bar_x + text_width(options.label ?? '') + GAP, text_width(options.title ?? '') + 2 * GAP);
  const height = title_h + Math.max(picture.height, label_h + 3 * GLYPH_HEIGHT);
  const out = blank_image(width, height, options.background ?? [255, 255, 255]);
  for (let y = 0; y < picture.height; y++) {
    out.data.set(picture.data.subarray(4 * y * picture.width, 4 * (y + 1) * picture.width), 4 * ((title_h + y) * width));
  }
  if (options.title !== undefined) draw_title(out, picture.width, options.title);
  if (options.label !== undefined) draw_text(out, bar_x, title_h, options.label);
  // the bar spans from half a line below its label to half a line above the bottom, so tick texts centre on its ends
  const top = title_h + label_h + Math.floor(GLYPH_HEIGHT / 2);
  const bottom = height - Math.ceil(GLYPH_HEIGHT / 2) - 1;
  for (let y = top; y <= bottom; y++) {
    const [r, g, b] = cmap(bottom === top ? 1 : (bottom - y) / (bottom - top));
    for (let x = bar_x; x < bar_x + BAR_WIDTH; x++) out.data.set([r, g, b, 255], 4 * (y * width + x));
  }
  const half = Math.floor(GLYPH_HEIGHT / 2);
  [top, Math.round((top + bottom) / 2), bottom].forEach((y, k) => {
    if (ticks[k] === '') return;
    for (let x = bar_x + BAR_WIDTH; x < bar_x + BAR_WIDTH + 3; x++) out.data.set([0, 0, 0, 255], 4 * (y * width + x));
    draw_text(out, bar_x + BAR_WIDTH + 4, y - half, ticks[k]!);
  });
  return out;
}
