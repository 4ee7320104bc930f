// Summary values of SummaryWriter: scalar, histogram (NumPy's binning, TensorBoard's bucket trimming), PNG image, text.
import type { Tensor } from '@tsgrad/core';
import CRC32 from 'crc-32';
import { DT_STRING, type SummaryValue } from './proto.js';

/** Flat float64 copy of a tensor's values (bool as 0/1). */
export function tensor_values(t: Tensor): Float64Array {
  return Float64Array.from(t.detach()._contiguous_data() as ArrayLike<number>, Number);
}

/** A scalar value; a tensor must hold exactly one element (PyTorch's "scalar should be 0D"). */
export function scalar_value(tag: string, value: number | Tensor): SummaryValue {
  let v: number;
  if (typeof value === 'number') v = value;
  else {
    if (value.numel() !== 1) throw new Error(`scalar should be 0D, got a tensor of shape [${value._shape.join(', ')}]`);
    v = tensor_values(value)[0]!;
  }
  return { tag, simple_value: v };
}

let tensorflow_edges: number[] | null = null;
/** TensorBoard's default bucket edges: ±1e-12 growing by 1.1 up to 1e20, mirrored, with 0 in the middle. */
function default_edges(): number[] {
  if (tensorflow_edges === null) {
    const pos: number[] = [];
    for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
    tensorflow_edges = [...pos.map((v) => -v).reverse(), 0, ...pos];
  }
  return tensorflow_edges;
}

/** Bin edges for `bins`: 'tensorflow', a bin count (equal widths over [min, max], as np.histogram), or explicit edges. */
function bin_edges(bins: string | number | number[], min: number, max: number): number[] {
  if (bins === 'tensorflow') return default_edges();
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1) throw new Error(`\`bins\` must be positive, when an integer, got ${bins}`);
    let [lo, hi] = [min, max];
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`autodetected range of [${lo}, ${hi}] is not finite`);
    if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
    return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
  }
  if (Array.isArray(bins)) {
    if (bins.length < 2) throw new Error(`bins must hold at least 2 edges, got ${bins.length}`);
    for (let i = 1; i < bins.length; i++) if (!(bins[i]! >= bins[i - 1]!)) throw new Error('`bins` must increase monotonically, when an array');
    return bins;
  }
  throw new Error(`bins must be 'tensorflow', an integer or a list of edges, got ${String(bins)}`);
}

/**
 * A HistogramProto of `values`: counts per bin as np.histogram (half-open bins, the last one closed, values outside
 * the edges dropped), trimmed to the non-empty range plus one empty bin on the left, since TensorBoard stores only
 * right limits.
 */
export function histogram_value(tag: string, values: Tensor, bins: string | number | number[]): SummaryValue {
  const v = tensor_values(values);
  if (v.length === 0) throw new Error('The input has no element.');
  let [min, max, sum, sum_squares] = [Infinity, -Infinity, 0, 0];
  for (const x of v) {
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
    sum_squares += x * x;
  }
  const edges = bin_edges(bins, min, max);
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges.length - 1;
  for (const x of v) {
    if (!(x >= edges[0]! && x <= edges[last]!)) continue;
    let [lo, hi] = [0, last]; // find the bin i with edges[i] <= x < edges[i + 1]; x === last edge goes to the last bin
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! <= x) lo = mid;
      else hi = mid;
    }
    counts[lo]!++;
  }
  const first_nz = counts.findIndex((c) => c > 0);
  let last_nz = counts.length - 1;
  while (last_nz >= 0 && counts[last_nz] === 0) last_nz--;
  const start = first_nz < 0 ? 0 : first_nz;
  const end = first_nz < 0 ? 0 : last_nz + 1;
  const bucket = start > 0 ? counts.slice(start - 1, end) : [0, ...counts.slice(0, end)];
  const bucket_limit = edges.slice(start, end + 1);
  return { tag, histo: { min, max, num: v.length, sum, sum_squares, bucket_limit, bucket } };
}

/** A PNG chunk: length, type, data, CRC32 of type and data. */
function png_chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, CRC32.buf(out.subarray(4, 8 + data.length)) >>> 0);
  return out;
}

/** 8-bit RGB (3 channels) or RGBA (4) PNG of HWC bytes; `deflate` is zlib's (node:zlib deflateSync). */
export function encode_png(hwc: Uint8Array, height: number, width: number, channels: 3 | 4, deflate: (b: Uint8Array) => Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, channels === 3 ? 2 : 6, 0, 0, 0], 8);
  const row = width * channels;
  const raw = new Uint8Array(height * (row + 1)); // filter type 0 (None) before each row
  for (let y = 0; y < height; y++) raw.set(hwc.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  const parts = [Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]), png_chunk('IHDR', header), png_chunk('IDAT', deflate(raw)), png_chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * An image value: `img` laid out as `dataformats` ('CHW', 'HWC' or 'HW'), floats in [0, 1] scaled by 255, integer
 * tensors taken as 0..255 (tsgrad has no uint8), clipped to 0..255; one channel becomes grey RGB, as PyTorch does.
 */
export function image_value(tag: string, img: Tensor, dataformats: string, deflate: (b: Uint8Array) => Uint8Array): SummaryValue {
  const format = dataformats.toUpperCase();
  if (new Set(format).size !== format.length) throw new Error(`You can not use the same dimension shordhand twice. input_format: ${dataformats}`);
  if (img.dim() !== format.length) {
    throw new Error(`size of input tensor and input format are different. tensor shape: (${img._shape.join(', ')}), input_format: ${dataformats}`);
  }
  if (format !== 'CHW' && format !== 'HWC' && format !== 'HW') throw new Error(`dataformats must be 'CHW', 'HWC' or 'HW', got '${dataformats}'`);
  const dim = (c: string): number => (format.includes(c) ? img._shape[format.indexOf(c)]! : 1);
  const [H, W, C] = [dim('H'), dim('W'), dim('C')];
  if (C !== 1 && C !== 3 && C !== 4) throw new Error(`image must have 1, 3 or 4 channels, got ${C}`);
  const data = img.detach()._contiguous_data() as ArrayLike<number>;
  const scale = img._dtype === 'float32' || img._dtype === 'float64' ? 255 : 1;
  const out_c = C === 1 ? 3 : C;
  const hwc = new Uint8Array(H * W * out_c);
  // element strides of the contiguous copy, per letter of the format (0 for an absent C)
  const contiguous = img._shape.map((_, i) => img._shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const at = (c: string): number => (format.includes(c) ? contiguous[format.indexOf(c)]! : 0);
  const [ch, cw, cc] = [at('H'), at('W'), at('C')];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < out_c; c++) {
        const v = Number(data[y * ch + x * cw + (C === 1 ? 0 : c) * cc]) * scale;
        hwc[(y * W + x) * out_c + c] = Math.min(255, Math.max(0, Math.trunc(v)));
      }
    }
  }
  return { tag, image: { height: H, width: W, colorspace: out_c, encoded_image_string: encode_png(hwc, H, W, out_c as 3 | 4, deflate) } };
}

/** A text value for TensorBoard's text plugin: tag `<tag>/text_summary`, a DT_STRING tensor of shape [1]. */
export function text_value(tag: string, text: string): SummaryValue {
  return {
    tag: `${tag}/text_summary`,
    metadata: { plugin_data: { plugin_name: 'text' } },
    tensor: { dtype: DT_STRING, tensor_shape: { dim: [{ size: 1 }] }, string_val: [new TextEncoder().encode(text)] },
  };
}
