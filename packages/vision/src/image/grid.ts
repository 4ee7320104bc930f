// Image grids with optional labels under each cell, for sheets of examples, patches and class visualizations.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { draw_text, GLYPH_HEIGHT, text_width } from './font.js';
import { blank_image, to_rgba, type RgbaImage } from './rgba.js';

/** Options of `image_grid`. */
export interface ImageGridOptions {
  /** Cells per row (default: all images in one row). */
  cols?: number;
  /** One label per image, drawn under its cell (truncated to the cell width). */
  labels?: readonly string[];
  /** Integer upscaling of every image, nearest neighbour (default 1). */
  scale?: number;
  /** Pixels between and around cells (default 2). */
  padding?: number;
  /** Default white. */
  background?: readonly [number, number, number];
  /** Default black. */
  label_color?: readonly [number, number, number];
  /** Font pixel size of labels (default 1). */
  label_scale?: number;
}

/**
 * Lays images out in a grid, row by row, each cell as large as the largest image (smaller images sit in
 * the cell's top-left corner). Tensors are converted with `to_rgba` (each min–max scaled on its own).
 *
 * @example
 * const sheet = image_grid(classes.map((c) => to_rgba(images[c])), { cols: 5, labels: names, scale: 3 });
 */
export function image_grid(images: readonly (RgbaImage | Tensor)[], options: ImageGridOptions = {}): RgbaImage {
  if (images.length === 0) throw new Error('image_grid needs at least one image');
  const labels = options.labels;
  if (labels !== undefined && labels.length !== images.length) throw new Error(`image_grid got ${labels.length} labels for ${images.length} images`);
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`image_grid scale must be a positive integer, got ${scale}`);
  const cols = options.cols ?? images.length;
  if (!Number.isInteger(cols) || cols < 1) throw new Error(`image_grid cols must be a positive integer, got ${cols}`);
  const pad = options.padding ?? 2;
  const ls = options.label_scale ?? 1;
  const pictures = images.map((im) => (im instanceof torch.Tensor ? to_rgba(im) : im));
  const cell_w = Math.max(...pictures.map((p) => p.width)) * scale;
  const cell_h = Math.max(...pictures.map((p) => p.height)) * scale;
  const label_h = labels === undefined ? 0 : (GLYPH_HEIGHT + 2) * ls;
  const rows = Math.ceil(pictures.length / cols);
  const out = blank_image(pad + cols * (cell_w + pad), pad + rows * (cell_h + label_h + pad), options.background ?? [255, 255, 255]);
  pictures.forEach((p, k) => {
    const x0 = pad + (k % cols) * (cell_w + pad);
    const y0 = pad + Math.floor(k / cols) * (cell_h + label_h + pad);
    for (let y = 0; y < p.height * scale; y++) {
      for (let x = 0; x < p.width * scale; x++) {
        const src = 4 * (Math.floor(y / scale) * p.width + Math.floor(x / scale));
        out.data.set(p.data.subarray(src, src + 4), 4 * ((y0 + y) * out.width + x0 + x));
      }
    }
    if (labels !== undefined) {
      let text = labels[k]!;
      while (text.length > 0 && text_width(text, ls) > cell_w) text = text.slice(0, -1);
      draw_text(out, x0, y0 + cell_h + ls, text, options.label_color ?? [0, 0, 0], ls);
    }
  });
  return out;
}
