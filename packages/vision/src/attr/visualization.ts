// Captum's visualization.visualize_image_attr: attribution maps normalized as Captum does, drawn as RGBA images / PNG.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { encode_png } from '../image/png.js';
import { with_colorbar, with_title } from '../image/colorbar.js';
import type { RgbaImage } from '../image/rgba.js';

/** What `visualize_image_attr` draws (Captum's methods). */
export type VisualizeMethod = 'heat_map' | 'blended_heat_map' | 'original_image' | 'masked_image' | 'alpha_scaling';
/** Which attributions are drawn: 'absolute_value', 'positive', 'negative' or 'all' (diverging colours). */
export type VisualizeSign = 'absolute_value' | 'positive' | 'negative' | 'all';

/**
 * Captum's `_cumulative_sum_threshold`: the smallest sorted value whose cumulative sum reaches `percentile` % of
 * the total.
 *
 * @example
 * cumulative_sum_threshold([1, 2, 3, 4], 50); // 3
 */
export function cumulative_sum_threshold(values: ArrayLike<number>, percentile: number): number {
  if (!(percentile >= 0 && percentile <= 100)) throw new Error('Percentile for thresholding must be between 0 and 100 inclusive.');
  const sorted = Float32Array.from(values).sort();
  let total = 0;
  const cum = new Float32Array(sorted.length);
  sorted.forEach((v, i) => {
    total = Math.fround(total + v);
    cum[i] = total;
  });
  const bound = total * 0.01 * percentile;
  const id = cum.findIndex((c) => c >= bound);
  return sorted[id === -1 ? sorted.length - 1 : id]!;
}

/**
 * Captum's `_normalize_attr`: the attribution `[H, W, C]` summed over channels, filtered by `sign`, divided by
 * the value below which `100 − outlier_perc` % of the total mass lies, clipped to [-1, 1]. Returns `[H, W]`.
 *
 * @example
 * normalize_attr(a_hwc, 'absolute_value', 2); // [H, W] in [0, 1]
 */
export function normalize_attr(attr: Tensor, sign: VisualizeSign, outlier_perc = 2): Tensor {
  return torch.no_grad(() => {
    let combined = attr.ndim === 3 ? attr.to('float32').sum(2) : attr.to('float32');
    let threshold: number;
    const values = (t: Tensor): ArrayLike<number> => t.contiguous().data_array() as ArrayLike<number>;
    if (sign === 'all') threshold = cumulative_sum_threshold(values(combined.abs()), 100 - outlier_perc);
    else if (sign === 'positive') {
      combined = combined.clamp({ min: 0 });
      threshold = cumulative_sum_threshold(values(combined), 100 - outlier_perc);
    } else if (sign === 'negative') {
      combined = combined.clamp({ max: 0 });
      threshold = -cumulative_sum_threshold(values(combined.abs()), 100 - outlier_perc);
    } else if (sign === 'absolute_value') {
      combined = combined.abs();
      threshold = cumulative_sum_threshold(values(combined), 100 - outlier_perc);
    } else throw new Error('Visualize Sign type is not valid.');
    if (threshold === 0) throw new Error('Cannot normalize by scale factor = 0');
    return combined.div(threshold).clamp({ min: -1, max: 1 });
  });
}

type Rgb = readonly [number, number, number];

/** ColorBrewer's 9-class sequential ramps (matplotlib's Blues, Greens, Reds are built from them). */
const BREWER: Record<'Blues' | 'Greens' | 'Reds', string> = {
  Blues: 'f7fbffdeebf7c6dbef9ecae16baed64292c62171b508519c08306b',
  Greens: 'f7fcf5e5f5e0c7e9c0a1d99b74c47641ab5d238b45006d2c00441b',
  Reds: 'fff5f0fee0d2fcbba1fc9272fb6a4aef3b2ccb181da50f1567000d',
};
const stops = (hex: string): Rgb[] => Array.from({ length: hex.length / 6 }, (_, i) => [0, 2, 4].map((o) => parseInt(hex.slice(6 * i + o, 6 * i + o + 2), 16)) as unknown as Rgb);
const RAMPS: Record<string, Rgb[]> = {
  Blues: stops(BREWER.Blues), Greens: stops(BREWER.Greens), Reds: stops(BREWER.Reds),
  // Captum's 'RdWhGn': red → white → green ('green' is matplotlib's #008000)
  RdWhGn: [[255, 0, 0], [255, 255, 255], [0, 128, 0]],
  gray: [[0, 0, 0], [255, 255, 255]],
};

function ramp(colors: Rgb[], v: number): Rgb {
  const t = Math.min(1, Math.max(0, Number.isNaN(v) ? 0 : v)) * (colors.length - 1);
  const k = Math.min(colors.length - 2, Math.floor(t));
  const f = t - k;
  const a = colors[k]!;
  const b = colors[k + 1]!;
  return [0, 1, 2].map((c) => a[c]! + f * (b[c]! - a[c]!)) as unknown as Rgb;
}

/** Options of `visualize_image_attr`. */
export interface VisualizeOptions {
  /** What is drawn. Default 'heat_map'. */
  method?: VisualizeMethod;
  /** Which sign of attributions is drawn. Default 'absolute_value'. */
  sign?: VisualizeSign;
  /** Percent of the largest attribution mass clipped (default 2). */
  outlier_perc?: number;
  /** Colormap name (`'Blues'`, `'Greens'`, `'Reds'`, `'RdWhGn'`, `'gray'`); default by sign, as Captum. */
  cmap?: string | null;
  /** Heat map opacity over the image in `blended_heat_map` (default 0.5). */
  alpha_overlay?: number;
  /** Draw a colour bar of the heat map's colormap and value range beside it (heat-map methods only; default false). */
  show_colorbar?: boolean;
  /** A title above the figure (default none). */
  title?: string | null;
}

/** What `visualize_image_attr` returns. */
export interface Visualization {
  /** The drawn figure: the attribution image, with the title and colour bar when asked for. */
  image: RgbaImage;
  /** The normalized attribution `[H, W]` that was drawn. */
  norm_attr: Tensor;
  /** The image as PNG bytes. */
  png(): Uint8Array;
}

/**
 * Captum's `visualize_image_attr` for one image: `attr` and `original_image` are channels-last `[H, W, C]`
 * (as Captum takes numpy arrays); an image with values ≤ 1 is scaled to 0…255 first. The figure is an RGBA image
 * (PNG via `png()`) without axes; `show_colorbar` and `title` add Captum's colour bar and title.
 *
 * @example
 * const v = attr.visualization.visualize_image_attr(a.permute([1, 2, 0]), img_hwc, {
 *   method: 'blended_heat_map', sign: 'all', show_colorbar: true, title: 'Integrated Gradients, class 3',
 * });
 * fs.writeFileSync('ig.png', v.png());
 */
export function visualize_image_attr(attr: Tensor, original_image: Tensor | null = null, options: VisualizeOptions = {}): Visualization {
  const method = options.method ?? 'heat_map';
  const sign = options.sign ?? 'absolute_value';
  const alpha = options.alpha_overlay ?? 0.5;
  if (attr.ndim !== 3 && attr.ndim !== 2) throw new Error(`attr must be [H, W, C] (channels last, as Captum's numpy arrays), got [${attr.shape.join(', ')}]`);
  const [H, W] = attr.shape as [number, number];
  let original: Float32Array | null = null;
  let channels = 0;
  if (original_image !== null) {
    const img = original_image.ndim === 2 ? original_image.unsqueeze(2) : original_image;
    if (img.shape[0] !== H || img.shape[1] !== W) throw new Error(`original_image must be [${H}, ${W}, C], got [${original_image.shape.join(', ')}]`);
    channels = img.shape[2]!;
    original = Float32Array.from(img.to('float32').contiguous().data_array() as ArrayLike<number>);
    if (Math.max(...original) <= 1) original = original.map((v) => Math.min(255, Math.max(0, Math.trunc(v * 255))));
  } else if (method !== 'heat_map') throw new Error('Original Image must be provided for any visualization other than heatmap.');
  if ((method === 'masked_image' || method === 'alpha_scaling') && sign === 'all') {
    throw new Error(`Cannot display ${method === 'masked_image' ? 'masked image' : 'alpha scaling'} with both positive and negative attributions, choose a different sign option.`);
  }
  const norm_attr = normalize_attr(attr, sign, options.outlier_perc ?? 2);
  const norm = norm_attr.contiguous().data_array() as ArrayLike<number>;
  const cmap = RAMPS[options.cmap ?? (sign === 'all' ? 'RdWhGn' : sign === 'positive' ? 'Greens' : sign === 'negative' ? 'Reds' : 'Blues')];
  if (cmap === undefined) throw new Error(`unknown colormap '${options.cmap}' (Blues, Greens, Reds, RdWhGn, gray)`);
  const [vmin, vmax] = sign === 'all' ? [-1, 1] : [0, 1];
  const data = new Uint8ClampedArray(4 * H * W);
  const pixel = (p: number): Rgb => {
    const c = original!;
    return channels === 1 ? [c[p]!, c[p]!, c[p]!] : [c[p * channels]!, c[p * channels + 1]!, c[p * channels + 2]!];
  };
  let gray_lo = Infinity;
  let gray_hi = -Infinity;
  const gray = new Float32Array(H * W);
  if (method === 'blended_heat_map') {
    for (let p = 0; p < H * W; p++) {
      let s = 0;
      for (let c = 0; c < channels; c++) s += original![p * channels + c]!;
      gray[p] = s / channels;
      gray_lo = Math.min(gray_lo, gray[p]!);
      gray_hi = Math.max(gray_hi, gray[p]!);
    }
  }
  for (let p = 0; p < H * W; p++) {
    const heat = ramp(cmap, (norm[p]! - vmin) / (vmax - vmin));
    let rgb: Rgb = heat;
    let a = 255;
    if (method === 'original_image') rgb = pixel(p);
    else if (method === 'blended_heat_map') {
      const g = ramp(RAMPS['gray']!, gray_hi > gray_lo ? (gray[p]! - gray_lo) / (gray_hi - gray_lo) : 0);
      rgb = [0, 1, 2].map((c) => alpha * heat[c]! + (1 - alpha) * g[c]!) as unknown as Rgb;
    } else if (method === 'masked_image') rgb = pixel(p).map((v) => Math.trunc(v * norm[p]!)) as unknown as Rgb;
    else if (method === 'alpha_scaling') {
      rgb = pixel(p);
      a = Math.min(255, Math.max(0, Math.trunc(norm[p]! * 255)));
    } else if (method !== 'heat_map') throw new Error('Visualize Method type is not valid.');
    data.set([Math.round(rgb[0]), Math.round(rgb[1]), Math.round(rgb[2]), a], 4 * p);
  }
  let image: RgbaImage = { width: W, height: H, data };
  const title = options.title ?? undefined;
  // as Captum, the bar belongs to the methods that draw the heat map
  if (options.show_colorbar === true && (method === 'heat_map' || method === 'blended_heat_map')) {
    image = with_colorbar(image, { colormap: (v) => [...ramp(cmap, v)] as [number, number, number], range: [vmin, vmax], title });
  } else if (title !== undefined) image = with_title(image, title);
  const figure = image;
  return { image: figure, norm_attr, png: () => encode_png(figure.data, figure.width, figure.height) };
}
