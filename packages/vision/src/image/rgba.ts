// RGBA images (the ImageData / pngjs layout) and conversion of image and map tensors into them.
import type { Tensor } from '@tsgrad/core';
import { colormap_of, gray, type Colormap, type ColormapName } from './colormaps.js';

/** 8-bit RGBA pixels, row-major, 4 bytes per pixel — the layout of ImageData and pngjs. */
export interface RgbaImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** `width · height · 4` bytes: R, G, B, A of each pixel, row by row. */
  data: Uint8ClampedArray;
}

/**
 * A `width × height` image filled with one colour (default opaque white).
 *
 * @example
 * blank_image(28, 28, [0, 0, 0]);
 */
export function blank_image(width: number, height: number, rgb: readonly [number, number, number] = [255, 255, 255]): RgbaImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) throw new Error(`image size must be non-negative integers, got ${width}×${height}`);
  const data = new Uint8ClampedArray(4 * width * height);
  for (let k = 0; k < width * height; k++) data.set([rgb[0], rgb[1], rgb[2], 255], 4 * k);
  return { width, height, data };
}

/**
 * `[channels, H, W]` of one image tensor: `[H, W]`, `[C, H, W]` or `[1, C, H, W]` with C = 1 or 3.
 *
 * @example
 * image_dims(torch.zeros([1, 1, 28, 28])); // [1, 28, 28]
 */
export function image_dims(t: Tensor): [number, number, number] {
  let shape = t.shape;
  if (shape.length === 4) {
    if (shape[0] !== 1) throw new Error(`expected one image, got a batch of ${shape[0]} (shape [${shape.join(', ')}]); convert images one at a time`);
    shape = shape.slice(1);
  }
  if (shape.length === 2) return [1, shape[0]!, shape[1]!];
  if (shape.length === 3 && (shape[0] === 1 || shape[0] === 3)) return [shape[0], shape[1]!, shape[2]!];
  throw new Error(`expected an image of shape [H, W], [C, H, W] or [1, C, H, W] with 1 or 3 channels, got [${t.shape.join(', ')}]`);
}

/**
 * Smallest and largest finite values (NaN skipped); `[0, 0]` when there are none.
 *
 * @example
 * finite_range([3, NaN, -1]); // [-1, 3]
 */
export function finite_range(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo === Infinity ? [0, 0] : [lo, hi];
}

/** Options of `to_rgba`. */
export interface ToRgbaOptions {
  /** Values mapped to 0 and 255 (default: the tensor's own min and max). */
  range?: readonly [number, number];
  /** Colormap for one-channel tensors (default gray); three-channel tensors are taken as RGB. */
  colormap?: Colormap | ColormapName;
}

/**
 * An image or map tensor as RGBA: `[H, W]`, `[1|3, H, W]` or `[1, 1|3, H, W]`. Values are scaled from
 * `range` (default min–max) to [0, 1]; one channel goes through the colormap (gray by default), three are
 * RGB. NaN draws as 0; a constant tensor draws as 0.
 *
 * @example
 * const picture = to_rgba(x.index([0]));                     // gray digit
 * const heat = to_rgba(cam.index([0]), { colormap: 'jet' }); // coloured map
 */
export function to_rgba(t: Tensor, options: ToRgbaOptions = {}): RgbaImage {
  const [C, H, W] = image_dims(t);
  const values = t.contiguous().data_array();
  const [lo, hi] = options.range ?? finite_range(values);
  const scale = (v: number): number => (hi > lo ? (v - lo) / (hi - lo) : 0);
  const cmap = options.colormap === undefined ? gray : colormap_of(options.colormap);
  const out = blank_image(W, H);
  const plane = H * W;
  for (let k = 0; k < plane; k++) {
    const rgb = C === 1 ? cmap(scale(values[k]!)) : [0, 1, 2].map((c) => Math.round(Math.min(1, Math.max(0, scale(values[c * plane + k]!) || 0)) * 255));
    out.data[4 * k] = rgb[0]!;
    out.data[4 * k + 1] = rgb[1]!;
    out.data[4 * k + 2] = rgb[2]!;
  }
  return out;
}
