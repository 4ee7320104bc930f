// MNIST-style preprocessing of drawings: box size, centre of mass, area averaging, and MNIST's own digits surviving it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode_digits, type DigitsFile } from '../src/digits.js';
import { mnist_preprocess, MNIST_BOX, MNIST_SIZE, normalize_mnist, resample_area } from '../src/preprocess.js';

const stored = JSON.parse(readFileSync(new URL('../public/mnist_digits.json', import.meta.url), 'utf8')) as DigitsFile;

/** Bounding box size and centre of mass (in pixel indices) of a 28×28 image. */
function measure(img: Float32Array): { w: number; h: number; cx: number; cy: number } {
  let [x0, y0, x1, y1, m, mx, my] = [MNIST_SIZE, MNIST_SIZE, -1, -1, 0, 0, 0];
  img.forEach((v, k) => {
    const [x, y] = [k % MNIST_SIZE, Math.floor(k / MNIST_SIZE)];
    if (v > 0) [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
    [m, mx, my] = [m + v, mx + v * x, my + v * y];
  });
  return { w: x1 - x0 + 1, h: y1 - y0 + 1, cx: mx / m, cy: my / m };
}

/** A `size²` drawing with the rectangles filled with 1. */
function drawing(size: number, rects: [number, number, number, number][]): Float32Array {
  const ink = new Float32Array(size * size);
  for (const [x0, y0, w, h] of rects) for (let y = y0; y < y0 + h; y++) ink.fill(1, y * size + x0, y * size + x0 + w);
  return ink;
}

/** A 28×28 image scaled up `f` times by repeating pixels. */
function upscale(img: Float32Array, f: number): Float32Array {
  const s = MNIST_SIZE * f;
  return Float32Array.from({ length: s * s }, (_, k) => img[Math.floor(Math.floor(k / s) / f) * MNIST_SIZE + Math.floor((k % s) / f)]!);
}

describe('mnist_preprocess', () => {
  it.each([
    { kind: 'tall bar (a 1)', rects: [[130, 30, 20, 220]] as [number, number, number, number][], w: 2, h: 20 },
    { kind: 'wide bar', rects: [[10, 200, 250, 25]] as [number, number, number, number][], w: 20, h: 2 },
    { kind: 'off-centre L', rects: [[5, 5, 20, 100], [5, 85, 80, 20]] as [number, number, number, number][], w: 16, h: 20 },
  ])('scales the $kind so its longer side is 20 and centres its mass', ({ rects, w, h }) => {
    const out = mnist_preprocess(drawing(280, rects), 280);
    const m = measure(out);
    expect([m.w, m.h]).toEqual([w, h]);
    expect(Math.max(m.w, m.h)).toBe(MNIST_BOX);
    expect(Math.abs(m.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(m.cy - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
  });

  it('gives an empty image for an empty drawing and rejects a wrong size', () => {
    expect(mnist_preprocess(new Float32Array(280 * 280), 280).every((v) => v === 0)).toBe(true);
    expect(() => mnist_preprocess(new Float32Array(100), 280)).toThrow('a 280×280 drawing needs 78400 values, got 100');
  });

  it('keeps the ink: area averaging preserves the mean brightness of the box', () => {
    const src = Float32Array.from({ length: 30 * 30 }, (_, k) => ((k * 7919) % 13) / 12);
    const box = { x0: 0, y0: 0, w: 30, h: 30 };
    const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(resample_area(src, 30, box, 7, 11))).toBeCloseTo(mean(src), 5);
  });

  it("gives back MNIST's own test digits, scaled up 10×, as they are: they went through the same steps", () => {
    for (const d of decode_digits(stored)) {
      const after = mnist_preprocess(upscale(d.pixels, 10), 280);
      const diff = after.reduce((s, v, k) => s + Math.abs(v - d.pixels[k]!), 0) / after.length;
      expect(diff, `test image #${d.index}`).toBeLessThan(1e-3);
    }
  });
});

describe('normalize_mnist', () => {
  it("applies MNIST's mean and standard deviation", () => {
    const out = normalize_mnist(Float32Array.from([0, 0.1307, 1]));
    expect(out[0]).toBeCloseTo(-0.1307 / 0.3081, 5);
    expect(out[1]).toBeCloseTo(0, 6);
    expect(out[2]).toBeCloseTo((1 - 0.1307) / 0.3081, 5);
  });
});
