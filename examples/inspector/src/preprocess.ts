// MNIST's preprocessing for a hand-drawn digit: crop, fit into a 20×20 box with area averaging, centre of mass to the middle of 28×28.

/** Side of the model's input image. */
export const MNIST_SIZE = 28;
/** Side of the box the digit's longer side is scaled to (LeCun et al.: "normalized to fit in a 20x20 pixel box"). */
export const MNIST_BOX = 20;
/** Mean and standard deviation of MNIST's training pixels, the usual `Normalize((0.1307,), (0.3081,))`. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/** Pixels brighter than this count as ink when the bounding box is found. */
const INK_THRESHOLD = 0.05;

/**
 * Resamples rows `[y0, y0 + h)` × columns `[x0, x0 + w)` of a `width`-wide image to `th × tw` by area
 * averaging: each target pixel is the mean of the source area it covers (fractional edges weighted), the
 * anti-aliasing MNIST's size normalization produced.
 *
 * @example
 * resample_area(ink, 280, { x0: 100, y0: 40, w: 22, h: 200 }, 2, 20); // 20 rows of 2 pixels
 */
export function resample_area(src: Float32Array, width: number, box: { x0: number; y0: number; w: number; h: number }, tw: number, th: number): Float32Array {
  // separable: average along x into [h, tw], then along y into [th, tw]
  const rows = new Float32Array(box.h * tw);
  const sx = box.w / tw;
  for (let y = 0; y < box.h; y++) {
    const row = (box.y0 + y) * width + box.x0;
    for (let t = 0; t < tw; t++) rows[y * tw + t] = interval_mean((i) => src[row + i]!, t * sx, (t + 1) * sx, box.w);
  }
  const out = new Float32Array(th * tw);
  const sy = box.h / th;
  for (let t = 0; t < th; t++) {
    for (let x = 0; x < tw; x++) out[t * tw + x] = interval_mean((i) => rows[i * tw + x]!, t * sy, (t + 1) * sy, box.h);
  }
  return out;
}

/** Mean of a piecewise-constant signal (`at(i)` on `[i, i + 1)`, `0 <= i < n`) over `[a, b)`. */
function interval_mean(at: (i: number) => number, a: number, b: number, n: number): number {
  let sum = 0;
  // min(…, n): (t + 1)·(w / tw) can land a rounding error past the last sample
  for (let i = Math.floor(a); i < Math.min(Math.ceil(b), n); i++) sum += at(i) * (Math.min(b, i + 1) - Math.max(a, i));
  return sum / (b - a);
}

/**
 * Turns a square drawing (`size × size` values in [0, 1], white ink on black) into an MNIST-like 28×28 image:
 * the ink's bounding box is scaled, keeping its aspect ratio, so that its longer side is 20 pixels (area
 * averaging), then placed so that its centre of mass sits at the centre of the 28×28 field. An empty drawing
 * gives an empty image.
 *
 * @example
 * const pixels = mnist_preprocess(pad.ink(), 280); // Float32Array(784) in [0, 1]
 */
export function mnist_preprocess(ink: Float32Array, size: number): Float32Array {
  if (ink.length !== size * size) throw new Error(`a ${size}×${size} drawing needs ${size * size} values, got ${ink.length}`);
  let [x_min, y_min, x_max, y_max] = [size, size, -1, -1];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (ink[y * size + x]! > INK_THRESHOLD) {
        x_min = Math.min(x_min, x);
        x_max = Math.max(x_max, x);
        y_min = Math.min(y_min, y);
        y_max = Math.max(y_max, y);
      }
    }
  }
  const out = new Float32Array(MNIST_SIZE * MNIST_SIZE);
  if (x_max < 0) return out;
  const box = { x0: x_min, y0: y_min, w: x_max - x_min + 1, h: y_max - y_min + 1 };
  const scale = MNIST_BOX / Math.max(box.w, box.h);
  const tw = Math.max(1, Math.round(box.w * scale));
  const th = Math.max(1, Math.round(box.h * scale));
  const small = resample_area(ink, size, box, tw, th);
  let [mass, mx, my] = [0, 0, 0];
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x]!;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  // the centre of mass in pixel indices goes to index 14, the convention that reproduces MNIST's own test digits
  const ox = Math.round(MNIST_SIZE / 2 - mx / mass);
  const oy = Math.round(MNIST_SIZE / 2 - my / mass);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const [tx, ty] = [x + ox, y + oy];
      if (tx >= 0 && tx < MNIST_SIZE && ty >= 0 && ty < MNIST_SIZE) out[ty * MNIST_SIZE + tx] = Math.min(1, small[y * tw + x]!);
    }
  }
  return out;
}

/**
 * `(x − 0.1307) / 0.3081` for every pixel: the normalization SimpleNet was trained with.
 *
 * @example
 * normalize_mnist(new Float32Array(784))[0]; // −0.4242
 */
export function normalize_mnist(pixels: Float32Array): Float32Array {
  return pixels.map((v) => (v - MNIST_MEAN) / MNIST_STD);
}
