// Image output: colormaps, RGBA conversion, overlays, grids, scatter plots, terminal rendering and PNG encoding.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '@tsgrad/core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import * as image from '../src/image/index.js';

const pixel = (im: image.RgbaImage, x: number, y: number): number[] => Array.from(im.data.subarray(4 * (y * im.width + x), 4 * (y * im.width + x) + 4));

describe('colormaps', () => {
  it('jet and gray follow matplotlib; viridis stays within 2/255 of its table', () => {
    expect(image.jet(0)).toEqual([0, 0, 128]);
    expect(image.jet(0.5)).toEqual([123, 255, 123]);
    expect(image.jet(1)).toEqual([128, 0, 0]);
    expect(image.jet(-3)).toEqual(image.jet(0));
    expect(image.gray(0.5)).toEqual([128, 128, 128]);
    expect(image.gray(Number.NaN)).toEqual([0, 0, 0]);
    expect(image.viridis(0)).toEqual([68, 1, 84]);
    expect(image.viridis(1)).toEqual([253, 231, 37]);
    // table entry 64 of 255 is (0.229739, 0.322361, 0.545706)
    image.viridis(64 / 255).forEach((v, c) => expect(Math.abs(v - [0.229739, 0.322361, 0.545706][c]! * 255)).toBeLessThanOrEqual(2));
    expect(image.colormap_of('viridis')).toBe(image.viridis);
    expect(() => image.colormap_of('hot' as image.ColormapName)).toThrow("unknown colormap 'hot' (jet, viridis, gray)");
  });
});

describe('to_rgba and heatmap_overlay', () => {
  it('scales one channel through a colormap and three as RGB; NaN draws as 0', () => {
    const g = image.to_rgba(torch.tensor([[[0, 1], [2, 3]]]));
    expect([g.width, g.height]).toEqual([2, 2]);
    expect([0, 1, 2, 3].map((k) => g.data[4 * k])).toEqual([0, 85, 170, 255]);
    expect(g.data[3]).toBe(255);
    const fixed = image.to_rgba(torch.tensor([[0, 1]]), { range: [0, 2] });
    expect(pixel(fixed, 1, 0)).toEqual([128, 128, 128, 255]);
    const rgb = image.to_rgba(torch.tensor([[[1]], [[0]], [[0.5]]]).unsqueeze(0), { range: [0, 1] });
    expect(pixel(rgb, 0, 0)).toEqual([255, 0, 128, 255]);
    const nan = image.to_rgba(torch.tensor([[Number.NaN, 1, 2]]), { colormap: 'jet' });
    expect(pixel(nan, 0, 0)).toEqual([0, 0, 128, 255]);
    expect(pixel(nan, 2, 0)).toEqual([128, 0, 0, 255]);
    expect(() => image.to_rgba(torch.zeros([2, 1, 4, 4]))).toThrow('expected one image, got a batch of 2');
    expect(() => image.to_rgba(torch.zeros([2, 4, 4]))).toThrow('with 1 or 3 channels, got [2, 4, 4]');
  });

  it('blends (1 − alpha)·image + alpha·colormap(heat), upsampling small maps', () => {
    const x = torch.zeros([1, 1, 4, 4]);
    torch.no_grad(() => x.index([0, 0, 0]).fill_(1));
    const heat = torch.tensor([[0, 1], [1, 1]]);
    const plain = image.heatmap_overlay(x, heat, { alpha: 0 });
    expect(pixel(plain, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(pixel(plain, 0, 3)).toEqual([0, 0, 0, 255]);
    const full = image.heatmap_overlay(x, heat.unsqueeze(0), { alpha: 1, colormap: 'gray', heat_range: [0, 1] });
    expect([full.width, full.height]).toEqual([4, 4]);
    expect(pixel(full, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(pixel(full, 3, 3)).toEqual([255, 255, 255, 255]);
    const half = image.heatmap_overlay(image.to_rgba(x.index([0])), torch.ones([4, 4]), { alpha: 0.5, colormap: 'jet' });
    expect(pixel(half, 0, 0)).toEqual([128, 128, 192, 255]);
    expect(() => image.heatmap_overlay(x, torch.ones([1, 2, 2, 2]))).toThrow('expects a heat map of shape [h, w] or [1, h, w]');
    expect(() => image.heatmap_overlay(x, heat, { alpha: 2 })).toThrow('alpha must be in [0, 1], got 2');
  });
});

describe('image_grid, text and scatter_plot', () => {
  it('places scaled cells row by row with labels underneath', () => {
    const tiles = [0, 1, 2].map((v) => image.blank_image(2, 2, [v * 100, 0, 0]));
    const grid = image.image_grid(tiles, { cols: 2, scale: 2, padding: 1, background: [0, 0, 255] });
    expect([grid.width, grid.height]).toEqual([11, 11]);
    expect(pixel(grid, 0, 0)).toEqual([0, 0, 255, 255]);
    expect(pixel(grid, 1, 1)).toEqual([0, 0, 0, 255]);
    expect(pixel(grid, 6, 4)).toEqual([100, 0, 0, 255]);
    expect(pixel(grid, 1, 6)).toEqual([200, 0, 0, 255]);
    expect(pixel(grid, 6, 6)).toEqual([0, 0, 255, 255]);
    const labelled = image.image_grid(tiles, { cols: 3, labels: ['a', 'b', 'c'], scale: 2 });
    // a label line is 15 pixels (12 px DejaVu Sans) plus 2; labels wider than the 4-pixel cell are cut to nothing
    expect(labelled.height).toBe(2 + 4 + 17 + 2);
    const wide = image.image_grid([image.blank_image(20, 4, [255, 255, 255])], { labels: ['I'], padding: 0 });
    // 'I' is a one-pixel stem of full ink from the cap height (3 px below the top of the line) to the baseline
    const stem = Array.from({ length: 20 }, (_, x) => x).filter((x) => pixel(wide, x, 4 + 1 + 8)[0]! < 80);
    expect(stem.length).toBeGreaterThan(0);
    expect(() => image.image_grid(tiles, { labels: ['a'] })).toThrow('image_grid got 1 labels for 3 images');
    const from_tensors = image.image_grid([torch.zeros([28, 28]), torch.ones([1, 1, 14, 14])], { cols: 1 });
    expect([from_tensors.width, from_tensors.height]).toEqual([32, 62]);
  });

  it('draws anti-aliased DejaVu Sans text, unknown characters as ?, and scatter plots coloured by label', () => {
    const im = image.blank_image(40, 16);
    image.draw_text(im, 1, 0, 'Iso', [0, 0, 0]);
    expect(image.text_width('')).toBe(0);
    expect(image.text_width('II')).toBe(2 * image.text_width('I'));
    expect(image.text_width('Iso', 2)).toBe(2 * image.text_width('Iso'));
    expect(image.text_width('Iso')).toBeGreaterThan(15);
    const values = new Set<number>();
    for (let i = 0; i < im.data.length; i += 4) values.add(im.data[i]!);
    expect([...values].some((v) => v < 40)).toBe(true); // ink
    expect(values.has(255)).toBe(true); // paper
    expect([...values].some((v) => v > 40 && v < 215)).toBe(true); // anti-aliased edges
    expect(pixel(im, 0, 0)).toEqual([255, 255, 255, 255]);
    const unknown = image.blank_image(10, 16);
    const question = image.blank_image(10, 16);
    image.draw_text(unknown, 0, 0, '\u4e00');
    image.draw_text(question, 0, 0, '?');
    expect(unknown.data).toEqual(question.data);
    // over a transparent image the text keeps its colour and its coverage becomes the alpha
    const clear = { width: 10, height: 16, data: new Uint8ClampedArray(10 * 16 * 4) };
    image.draw_text(clear, 0, 0, 'I', [200, 0, 0]);
    const inked = Array.from({ length: 160 }, (_, k) => k).filter((k) => clear.data[4 * k + 3]! > 0);
    expect(inked.length).toBeGreaterThan(5);
    for (const k of inked) expect(clear.data[4 * k]).toBe(200);
    // a fractional position draws at the nearest whole pixel, black ink staying black
    const half = image.blank_image(40, 16);
    image.draw_text(half, 0.6, 0.4, 'Iso', [0, 0, 0]);
    const whole = image.blank_image(40, 16);
    image.draw_text(whole, 1, 0, 'Iso', [0, 0, 0]);
    expect(half.data).toEqual(whole.data);
    const plot = image.scatter_plot(torch.tensor([[0, 0], [1, 1]], { dtype: 'float64' }), { labels: [0, 3], size: 100, margin: 10, legend: ['zero', 'three'] });
    expect([plot.width, plot.height]).toEqual([100, 100]);
    expect(pixel(plot, 10, 89)).toEqual([...image.LABEL_COLORS[0]!, 255]);
    expect(pixel(plot, 90, 10)).toEqual([...image.LABEL_COLORS[3]!, 255]);
    expect(pixel(plot, 6, 8)).toEqual([...image.LABEL_COLORS[0]!, 255]); // the legend's first swatch
    expect(() => image.scatter_plot([[0, 0]], { labels: [1, 2] })).toThrow('scatter_plot got 2 labels for 1 points');
  });
});

describe('with_colorbar', () => {
  it('puts a title above the picture and a bar from low (bottom) to high (top) with its values beside it', () => {
    const pic = image.blank_image(50, 100, [0, 255, 0]);
    const out = image.with_colorbar(pic, { colormap: 'gray', range: [0, 2], title: 'Title', label: 'v' });
    expect(out.height).toBe(21 + 100); // a 15-pixel title line and 6 pixels of space
    expect(out.width).toBeGreaterThan(50 + 8 + 12 + 4 + image.text_width('2'));
    expect(pixel(out, 10, 21 + 5)).toEqual([0, 255, 0, 255]);
    const bar_x = 50 + 8 + 6;
    // the bar runs from half a line under the label (21 + 17 + 7) to half a line above the bottom
    expect(pixel(out, bar_x, 45)).toEqual([255, 255, 255, 255]); // top: the high end, white in gray
    expect(pixel(out, bar_x, 121 - 9)).toEqual([0, 0, 0, 255]); // bottom: the low end, black
    expect(pixel(out, bar_x, 44)).toEqual([255, 255, 255, 255]); // paper above the bar
    expect(pixel(out, bar_x, 78)[0]).toBeGreaterThan(100);
    expect(pixel(out, bar_x, 78)[0]).toBeLessThan(155);
    expect(() => image.with_colorbar(pic, { range: [0, Number.NaN] })).toThrow('with_colorbar range must be finite, got [0, NaN]');
  });
  it('with_title: a title strip above the picture, widened when the title is longer than the picture', () => {
    const pic = image.blank_image(10, 5, [0, 0, 255]);
    const out = image.with_title(pic, 'a long title');
    expect(out.height).toBe(21 + 5);
    expect(out.width).toBe(image.text_width('a long title') + 16);
    expect(pixel(out, 3, 21 + 2)).toEqual([0, 0, 255, 255]);
    expect(pixel(out, 12, 21 + 2)).toEqual([255, 255, 255, 255]); // paper right of the narrow picture
    const ink = [...out.data.subarray(0, 4 * 21 * out.width)].some((v, i) => i % 4 !== 3 && v < 128);
    expect(ink).toBe(true);
  });
});

describe('render_ascii', () => {
  it('maps values onto the ramp, averaging pixels per character cell', () => {
    expect(image.render_ascii([[0, 1], [2, 3]], { aspect: 1 })).toBe(' -\n*@');
    expect(image.render_ascii(torch.tensor([[[0, 0, 4, 4]]]), { aspect: 1, width: 2 })).toBe(' @');
    expect(image.render_ascii([[Number.NaN, 1]], { aspect: 1, range: [0, 1] })).toBe(' @');
    const lines = image.render_ascii(torch.rand([1, 28, 28], { generator: new torch.Generator().manual_seed(0) })).split('\n');
    expect(lines.length).toBe(14);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(28);
  });
});

describe('PNG', () => {
  it('encode_png round-trips through pngjs and write_png writes the file', () => {
    const im = image.blank_image(3, 2, [10, 20, 30]);
    im.data.set([255, 0, 0, 128], 4 * 4);
    const bytes = image.encode_png(im.data, 3, 2);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const back = PNG.sync.read(Buffer.from(bytes));
    expect([back.width, back.height]).toEqual([3, 2]);
    expect(Array.from(back.data)).toEqual(Array.from(im.data));
    const dir = mkdtempSync(join(tmpdir(), 'tsgrad-png-'));
    try {
      image.write_png(join(dir, 'x.png'), im);
      expect(Array.from(readFileSync(join(dir, 'x.png')))).toEqual(Array.from(bytes));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => image.encode_png(new Uint8Array(5), 1, 1)).toThrow('RGBA data has 5 bytes but a 1×1 image needs 4');
  });
});
