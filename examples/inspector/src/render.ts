// Drawing the analysis on canvases: RGBA images from vision.image, feature-map grids and signed bar charts.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { image } from '@tsgrad/vision';
import { MNIST_SIZE } from './preprocess.js';

/**
 * Puts an RgbaImage on a canvas at its own size (CSS scales it up).
 *
 * @example
 * put_image(canvas, image.to_rgba(x.index([0])));
 */
export function put_image(canvas: HTMLCanvasElement, picture: image.RgbaImage): void {
  if (canvas.width !== picture.width) canvas.width = picture.width;
  if (canvas.height !== picture.height) canvas.height = picture.height;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(picture.data), picture.width, picture.height), 0, 0);
}

/**
 * The 28×28 input as a gray image, white ink on black as MNIST stores it.
 *
 * @example
 * put_image(canvas, digit_image(pixels));
 */
export function digit_image(pixels: Float32Array): image.RgbaImage {
  return image.to_rgba(torch.from_array(pixels, [MNIST_SIZE, MNIST_SIZE], 'float32'), { range: [0, 1] });
}

/**
 * A 28×28 map blended in jet colours onto the digit (vision.image.heatmap_overlay, min–max scaled).
 *
 * @example
 * put_image(canvas, map_overlay(pixels, analysis.grad_cam));
 */
export function map_overlay(pixels: Float32Array, map: Float32Array): image.RgbaImage {
  const heat = torch.from_array(map, [MNIST_SIZE, MNIST_SIZE], 'float32');
  return image.heatmap_overlay(digit_image(pixels), heat, { alpha: 0.6, colormap: 'jet' });
}

/**
 * One cell per channel of a `[1, C, h, w]` activation, ten to a row, in viridis on one range shared by all
 * channels of the layer, so that bright means large everywhere in the grid.
 *
 * @example
 * put_image(canvas, feature_grid(activations.get('conv1')!)); // 10 maps of 24×24
 */
export function feature_grid(t: Tensor): image.RgbaImage {
  if (t.ndim !== 4 || t.shape[0] !== 1) throw new Error(`feature_grid expects [1, C, h, w], got [${t.shape.join(', ')}]`);
  const maps = t.select(0, 0);
  const range = image_range(maps);
  const cells = Array.from({ length: maps.shape[0]! }, (_, c) => image.to_rgba(maps.select(0, c), { range, colormap: 'viridis' }));
  return image.image_grid(cells, { cols: Math.min(10, cells.length), padding: 1, background: [255, 255, 255] });
}

function image_range(t: Tensor): [number, number] {
  const [lo, hi] = [t.amin().item(), t.amax().item()];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

export interface BarOptions {
  /** Text under each bar (default: none). */
  labels?: readonly string[];
  /** Index of a bar to draw in the accent colour. */
  highlight?: number;
}

/**
 * Signed vertical bars around a zero line, scaled to the largest magnitude, drawn at the canvas's CSS size
 * times the device pixel ratio so text stays sharp.
 *
 * @example
 * draw_bars(canvas, Array.from(logits), { labels: ['0', …, '9'], highlight: 7 });
 */
export function draw_bars(canvas: HTMLCanvasElement, values: readonly number[], options: BarOptions = {}): void {
  const ratio = window.devicePixelRatio || 1;
  const [w, h] = [canvas.clientWidth || 300, canvas.clientHeight || 80];
  canvas.width = Math.round(w * ratio);
  canvas.height = Math.round(h * ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const label_h = options.labels === undefined ? 0 : 14;
  const top = 4;
  const plot_h = h - label_h - top;
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const span = hi - lo || 1;
  const zero = top + (hi / span) * plot_h;
  const step = w / values.length;
  values.forEach((v, i) => {
    const y = top + ((hi - Math.max(v, 0)) / span) * plot_h;
    ctx.fillStyle = i === options.highlight ? '#e8590c' : v >= 0 ? '#3b5bdb' : '#c92a2a';
    ctx.fillRect(i * step + step * 0.15, y, step * 0.7, Math.max(1, (Math.abs(v) / span) * plot_h));
  });
  ctx.fillStyle = '#868e96';
  ctx.fillRect(0, zero, w, 1);
  if (options.labels !== undefined) {
    ctx.fillStyle = '#343a40';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    options.labels.forEach((text, i) => ctx.fillText(text, (i + 0.5) * step, h - 3));
  }
}

/**
 * The jet colour scale from low (left) to high (right), as the overlays use it.
 *
 * @example
 * put_image(canvas, colorbar(128));
 */
export function colorbar(width: number): image.RgbaImage {
  return image.to_rgba(torch.arange(0, width, 1, { dtype: 'float32' }).reshape([1, width]), { colormap: 'jet' });
}
