// pytorch-grad-cam's image helpers: min-max scaling with OpenCV's bilinear resize, the 2-D SVD projection, show_cam_on_image.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { encode_png } from '../image/png.js';

/**
 * OpenCV's `cv2.resize(img, (width, height))` with INTER_LINEAR on a float32 map `[h, w]` (row-major data): pixel
 * centres at `(x + 0.5)·scale − 0.5`, clamped to the border, a horizontal then a vertical pass in float32.
 *
 * @example
 * cv2_resize_linear(data, 3, 3, 12, 12); // Float32Array of 144
 */
export function cv2_resize_linear(src: ArrayLike<number>, h: number, w: number, height: number, width: number): Float32Array {
  const out = new Float32Array(height * width);
  if (h === height && w === width) {
    for (let i = 0; i < out.length; i++) out[i] = src[i]!;
    return out;
  }
  const taps = (dst: number, size: number): { i: Int32Array; f: Float32Array } => {
    const scale = 1 / (dst / size);
    const i = new Int32Array(dst);
    const f = new Float32Array(dst);
    for (let d = 0; d < dst; d++) {
      let fx = Math.fround((d + 0.5) * scale - 0.5);
      let sx = Math.floor(fx);
      fx = Math.fround(fx - sx);
      if (sx < 0) [fx, sx] = [0, 0];
      if (sx >= size - 1) [fx, sx] = [0, size - 1];
      i[d] = sx;
      f[d] = fx;
    }
    return { i, f };
  };
  const X = taps(width, w);
  const Y = taps(height, h);
  const row = (r: number): Float32Array => {
    const line = new Float32Array(width);
    for (let x = 0; x < width; x++) {
      const sx = X.i[x]!;
      const a = src[r * w + sx]!;
      const b = sx + 1 < w ? src[r * w + sx + 1]! : a;
      line[x] = Math.fround(Math.fround(a * Math.fround(1 - X.f[x]!)) + Math.fround(b * X.f[x]!));
    }
    return line;
  };
  for (let y = 0; y < height; y++) {
    const sy = Y.i[y]!;
    const fy = Y.f[y]!;
    const r0 = row(sy);
    const r1 = sy + 1 < h ? row(sy + 1) : r0;
    for (let x = 0; x < width; x++) out[y * width + x] = Math.fround(Math.fround(r0[x]! * Math.fround(1 - fy)) + Math.fround(r1[x]! * fy));
  }
  return out;
}

/**
 * pytorch-grad-cam's `scale_cam_image`: each map `[h, w]` of the batch shifted to min 0, divided by `1e-7 + max`,
 * then resized to `target_size` `[width, height]` (OpenCV's order) when given. Returns `[N, height, width]`.
 *
 * @example
 * scale_cam_image(cam, [28, 28]); // [N, 28, 28] in [0, 1]
 */
export function scale_cam_image(cam: Tensor, target_size: readonly [number, number] | null = null): Tensor {
  if (cam.ndim !== 3) throw new Error(`scale_cam_image expects maps [N, h, w], got [${cam.shape.join(', ')}]`);
  const [n, h, w] = cam.shape as [number, number, number];
  const [width, height] = target_size ?? [w, h];
  const data = cam.to('float32').contiguous().data_array();
  const out = new Float32Array(n * height * width);
  for (let k = 0; k < n; k++) {
    const img = new Float32Array(h * w);
    let lo = Infinity;
    for (let i = 0; i < h * w; i++) lo = Math.min(lo, data[k * h * w + i]!);
    let hi = -Infinity;
    for (let i = 0; i < h * w; i++) {
      img[i] = data[k * h * w + i]! - lo;
      hi = Math.max(hi, img[i]!);
    }
    const denom = Math.fround(1e-7 + hi);
    for (let i = 0; i < h * w; i++) img[i] = img[i]! / denom;
    out.set(target_size === null ? img : cv2_resize_linear(img, h, w, height, width), k * height * width);
  }
  return torch.from_array(out, [n, height, width], 'float32');
}

/** Eigenvectors of a symmetric matrix (row-major, float64) by cyclic Jacobi rotations; columns of `v`, with eigenvalues. */
export function symmetric_eigen(a: Float64Array, n: number): { values: Float64Array; v: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]!;
          const mkq = m[k * n + q]!;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]!;
          const mqk = m[q * n + k]!;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => m[i * n + i]!), v };
}

/**
 * pytorch-grad-cam's `get_2d_projection`: per sample, the activations `[C, h, w]` as `h·w` points in `C` dims,
 * centred, projected on their first principal axis (the first right singular vector). NaNs count as 0. The
 * singular vector's sign is arbitrary in LAPACK; here its largest-magnitude entry is made positive.
 *
 * @example
 * get_2d_projection(activations); // [N, C, h, w] → [N, h, w]
 */
export function get_2d_projection(activation_batch: Tensor): Tensor {
  if (activation_batch.ndim !== 4) throw new Error(`get_2d_projection expects [N, C, h, w], got [${activation_batch.shape.join(', ')}]`);
  const [n, c, h, w] = activation_batch.shape as [number, number, number, number];
  const hw = h * w;
  const data = activation_batch.to('float32').contiguous().data_array();
  const out = new Float32Array(n * hw);
  for (let k = 0; k < n; k++) {
    const a = new Float64Array(hw * c);
    for (let ch = 0; ch < c; ch++) {
      let mean = 0;
      for (let p = 0; p < hw; p++) {
        const x = data[(k * c + ch) * hw + p]!;
        a[p * c + ch] = Number.isNaN(x) ? 0 : x;
        mean += a[p * c + ch]!;
      }
      mean = Math.fround(mean / hw);
      for (let p = 0; p < hw; p++) a[p * c + ch] = Math.fround(a[p * c + ch]! - mean);
    }
    const ata = new Float64Array(c * c);
    for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) {
      let s = 0;
      for (let p = 0; p < hw; p++) s += a[p * c + i]! * a[p * c + j]!;
      ata[i * c + j] = s;
    }
    const { values, v } = symmetric_eigen(ata, c);
    let top = 0;
    for (let i = 1; i < c; i++) if (values[i]! > values[top]!) top = i;
    const axis = Float64Array.from({ length: c }, (_, i) => v[i * c + top]!);
    let big = 0;
    for (let i = 1; i < c; i++) if (Math.abs(axis[i]!) > Math.abs(axis[big]!)) big = i;
    const sign = axis[big]! < 0 ? -1 : 1;
    for (let p = 0; p < hw; p++) {
      let s = 0;
      for (let i = 0; i < c; i++) s += a[p * c + i]! * Math.fround(axis[i]! * sign);
      out[k * hw + p] = s;
    }
  }
  return torch.from_array(out, [n, h, w], 'float32');
}

/** OpenCV's COLORMAP_JET as BGR bytes for a byte value (the classic jet ramps; within 1/255 of OpenCV's table). */
function jet_bgr(v: number): [number, number, number] {
  const t = v / 255;
  const ramp = (centre: number): number => Math.round(Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - centre))) * 255);
  return [ramp(1), ramp(2), ramp(3)];
}

/** Options of `show_cam_on_image`. */
export interface ShowCamOptions {
  /** The image is RGB (the heatmap is converted to RGB); default false (BGR, OpenCV's order). */
  use_rgb?: boolean;
  /** `image_weight · img + (1 − image_weight) · heatmap` (default 0.5). */
  image_weight?: number;
}

/**
 * pytorch-grad-cam's `show_cam_on_image`: a jet heatmap of `mask` `[H, W]` (in [0, 1]) blended over `img`
 * `[H, W, 3]` (float, in [0, 1]), rescaled so its maximum is 255. Returns uint8-valued `[H, W, 3]` (as int64).
 *
 * @example
 * const overlay = cams.show_cam_on_image(rgb, grayscale_cam.select(0, 0), { use_rgb: true });
 * fs.writeFileSync('cam.png', cams.overlay_png(overlay));
 */
export function show_cam_on_image(img: Tensor, mask: Tensor, options: ShowCamOptions = {}): Tensor {
  const weight = options.image_weight ?? 0.5;
  if (img.ndim !== 3 || img.shape[2] !== 3) throw new Error(`show_cam_on_image expects an image [H, W, 3], got [${img.shape.join(', ')}]`);
  const [H, W] = img.shape as [number, number, number];
  if (mask.ndim !== 2 || mask.shape[0] !== H || mask.shape[1] !== W) throw new Error(`the mask must be [${H}, ${W}], got [${mask.shape.join(', ')}]`);
  const im = img.to('float32').contiguous().data_array();
  if (Math.max(...Array.from(im)) > 1) throw new Error('The input image should np.float32 in the range [0, 1]');
  if (weight < 0 || weight > 1) throw new Error(`image_weight should be in the range [0, 1]. Got: ${weight}`);
  const m = mask.to('float32').contiguous().data_array();
  const blended = new Float32Array(H * W * 3);
  let top = 0;
  for (let p = 0; p < H * W; p++) {
    const byte = Math.min(255, Math.max(0, Math.trunc(Math.fround(255 * m[p]!)))) & 255;
    const bgr = jet_bgr(byte);
    const color = options.use_rgb ? [bgr[2], bgr[1], bgr[0]] : bgr;
    for (let ch = 0; ch < 3; ch++) {
      const v = Math.fround(Math.fround((1 - weight) * Math.fround(color[ch]! / 255)) + Math.fround(weight * im[p * 3 + ch]!));
      blended[p * 3 + ch] = v;
      top = Math.max(top, v);
    }
  }
  const bytes = Array.from(blended, (v) => Math.trunc(Math.fround(255 * Math.fround(v / top))));
  return torch.tensor(bytes, { dtype: 'int64' }).reshape([H, W, 3]);
}

/**
 * PNG bytes of an overlay `[H, W, 3]` of byte values (RGB order; convert from BGR first if needed).
 *
 * @example
 * fs.writeFileSync('cam.png', cams.overlay_png(cams.show_cam_on_image(rgb, mask, { use_rgb: true })));
 */
export function overlay_png(overlay: Tensor): Uint8Array {
  if (overlay.ndim !== 3 || overlay.shape[2] !== 3) throw new Error(`overlay_png expects [H, W, 3], got [${overlay.shape.join(', ')}]`);
  const [H, W] = overlay.shape as [number, number, number];
  const src = overlay.contiguous().data_array();
  const rgba = new Uint8Array(H * W * 4);
  for (let p = 0; p < H * W; p++) {
    for (let ch = 0; ch < 3; ch++) rgba[p * 4 + ch] = Math.min(255, Math.max(0, Number(src[p * 3 + ch])));
    rgba[p * 4 + 3] = 255;
  }
  return encode_png(rgba, W, H);
}
