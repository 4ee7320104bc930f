// Heatmap-over-image overlays: a coloured map blended onto the picture it explains.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { upsample_maps } from '../interpret/maps.js';
import { colormap_of, jet, type Colormap, type ColormapName } from './colormaps.js';
import { finite_range, to_rgba, type RgbaImage } from './rgba.js';

/** Options of `heatmap_overlay`. */
export interface HeatmapOverlayOptions {
  /** Weight of the heatmap colour: `out = (1 − alpha)·image + alpha·colormap(heat)` (default 0.5). */
  alpha?: number;
  /** Default jet. */
  colormap?: Colormap | ColormapName;
  /** Heat values mapped to the colormap's ends (default: the map's min and max). */
  heat_range?: readonly [number, number];
  /** Pixel values mapped to black and white when `image` is a tensor (default: its min and max). */
  image_range?: readonly [number, number];
}

/**
 * Blends a heatmap onto an image: `out = (1 − alpha)·image + alpha·colormap(heat)` per pixel. `heat` is
 * `[h, w]` or `[1, h, w]`; a map smaller than the image (e.g. an 8×8 Grad-CAM) is upsampled bilinearly
 * (align_corners false). `image` is an RgbaImage or an image tensor (`[H, W]`, `[C, H, W]`, `[1, C, H, W]`).
 * NaN heat draws as the colormap's low end.
 *
 * @example
 * const r = interpret.grad_cam(net, x, 3, 'conv2');
 * write_png('gradcam.png', heatmap_overlay(x, r.cam.index([0]), { alpha: 0.5, colormap: 'jet' }));
 */
export function heatmap_overlay(image: Tensor | RgbaImage, heat: Tensor, options: HeatmapOverlayOptions = {}): RgbaImage {
  const alpha = options.alpha ?? 0.5;
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`heatmap_overlay alpha must be in [0, 1], got ${alpha}`);
  const base = image instanceof torch.Tensor ? to_rgba(image, { range: options.image_range }) : image;
  const map2d = heat.ndim === 3 && heat.shape[0] === 1 ? heat.select(0, 0) : heat;
  if (map2d.ndim !== 2) throw new Error(`heatmap_overlay expects a heat map of shape [h, w] or [1, h, w], got [${heat.shape.join(', ')}]`);
  const sized = map2d.shape[0] === base.height && map2d.shape[1] === base.width ? map2d : upsample_maps(map2d.unsqueeze(0), [base.height, base.width]).select(0, 0);
  const values = sized.contiguous().data_array();
  const [lo, hi] = options.heat_range ?? finite_range(values);
  const cmap = colormap_of(options.colormap ?? jet);
  const out = { width: base.width, height: base.height, data: new Uint8ClampedArray(base.data) };
  for (let k = 0; k < values.length; k++) {
    const rgb = cmap(hi > lo ? (values[k]! - lo) / (hi - lo) : 0);
    for (let c = 0; c < 3; c++) out.data[4 * k + c] = Math.round((1 - alpha) * base.data[4 * k + c]! + alpha * rgb[c]!);
  }
  return out;
}
