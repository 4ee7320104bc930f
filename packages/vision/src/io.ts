// torchvision.io's image reading (Node): read_file, decode_png, decode_image and read_image, as uint8 [C, H, W] tensors.
import * as torch from '@tsgrad/core';
import { signature, type Tensor } from '@tsgrad/core';
import { decode_png_rgba } from './image/png.js';

/**
 * The channels to decode into (torchvision's `ImageReadMode`): as stored, grey, grey with alpha, RGB or RGB with
 * alpha. The strings `'UNCHANGED'`, `'GRAY'`, `'GRAY_ALPHA'`, `'RGB'`, `'RGBA'` / `'RGB_ALPHA'` are accepted too.
 *
 * @example
 * io.read_image('cat.png', io.ImageReadMode.RGB); // uint8 [3, H, W]
 */
export const ImageReadMode = {
  /** The file's own channels. */
  UNCHANGED: 0,
  /** One grey channel. */
  GRAY: 1,
  /** Grey and alpha. */
  GRAY_ALPHA: 2,
  /** Red, green and blue. */
  RGB: 3,
  /** Red, green, blue and alpha. */
  RGB_ALPHA: 4,
} as const;
/** One of {@link ImageReadMode}'s values. */
export type ImageReadMode = (typeof ImageReadMode)[keyof typeof ImageReadMode];
/** A mode as torchvision takes it: an {@link ImageReadMode} value or its name. */
export type ImageReadModeLike = ImageReadMode | keyof typeof ImageReadMode | 'RGBA';

/** Channels of each mode; 0 keeps the file's own. */
const MODE_CHANNELS: readonly number[] = [0, 1, 2, 3, 4];

function mode_of(mode: unknown): ImageReadMode {
  if (typeof mode === 'number' && MODE_CHANNELS[mode] !== undefined) return mode as ImageReadMode;
  if (typeof mode === 'string') {
    const key = mode.toUpperCase() === 'RGBA' ? 'RGB_ALPHA' : mode.toUpperCase();
    if (key in ImageReadMode) return ImageReadMode[key as keyof typeof ImageReadMode];
  }
  throw new Error(`Invalid mode: ${String(mode)}. Expected one of UNCHANGED, GRAY, GRAY_ALPHA, RGB, RGBA (an ImageReadMode value or its name)`);
}

function node_fs(caller: string) {
  const get = typeof process === 'undefined' ? undefined : process.getBuiltinModule;
  if (typeof get !== 'function') throw new Error(`${caller} reads files and needs Node.js >= 20.16; in a browser, decode the file's bytes with decode_image`);
  return get('node:fs');
}

const READ_FILE = signature<{ path: string }>('read_file(str path)');
/**
 * The bytes of a file as a uint8 1-d tensor (torchvision's `read_file`). Node only.
 *
 * @example
 * const bytes = io.read_file('cat.png'); // uint8 [n]
 */
export function read_file(...args: torch.PyArgs<[path: string], { path?: string }>): Tensor {
  const { path } = READ_FILE.parse(args);
  let bytes: Uint8Array;
  try {
    bytes = node_fs('read_file').readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new Error(`[Errno 2] No such file or directory: '${path}'`);
    if (code === 'EISDIR') throw new Error(`[Errno 21] Is a directory: '${path}'`);
    throw e;
  }
  const data = new Uint8Array(bytes.length);
  data.set(bytes);
  return torch.from_array(data, [data.length], 'uint8');
}

/** The bytes of a uint8 1-d tensor, checked as torchvision checks a decoder's input. */
function encoded_bytes(input: unknown): Uint8Array {
  if (!(input instanceof torch.Tensor)) throw new TypeError(`Expected a Tensor of encoded bytes, got ${torch.py_type_name(input)}`);
  if (input.dtype !== torch.uint8) throw new Error(`Expected a torch.uint8 tensor, got ${String(input.dtype)}`);
  if (input.ndim !== 1 || input.numel() === 0) throw new Error('Expected a non empty 1-dimensional tensor');
  const c = input.contiguous();
  return (c._storage.data as Uint8Array).subarray(c._offset, c._offset + c.numel());
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const starts_with = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((b, i) => bytes[i] === b);

/** Luma of 8-bit RGB as libpng computes it for torchvision's GRAY modes (0.2989 R + 0.587 G, in 1/32768ths), truncated. */
const gray_of = (r: number, g: number, b: number): number => (9794 * r + 19234 * g + 3740 * b) >> 15;

/**
 * A PNG's pixels as uint8 [C, H, W] in `mode`, channel for channel as torchvision's libpng decoder gives them:
 * UNCHANGED keeps the file's channels (a palette image gives its palette indices), other modes convert,
 * and an alpha channel added to a file without one is opaque (a tRNS colour key is ignored, as there).
 */
function png_pixels(bytes: Uint8Array, mode: ImageReadMode): Tensor {
  const png = decode_png_rgba(bytes);
  if (png.depth === 16) throw new Error('decode_png: 16-bit PNG images need torch.uint16, which tsgrad does not have; convert the image to 8 bits per channel');
  const entries = png.palette;
  const alpha_in_file = png.alpha_channel || entries !== null;
  const stored = entries !== null ? 1 : (png.color ? 3 : 1) + (png.alpha_channel ? 1 : 0);
  const channels = mode === ImageReadMode.UNCHANGED ? stored : MODE_CHANNELS[mode]!;
  const index_of = new Map<number, number>();
  if (entries !== null && mode === ImageReadMode.UNCHANGED) {
    entries.forEach(([r, g, b, a], i) => {
      const key = ((r! << 24) | (g! << 16) | (b! << 8) | (a ?? 255)) >>> 0;
      if (!index_of.has(key)) index_of.set(key, i);
    });
  }
  // libpng's filler is the file's own full scale, (1 << depth) - 1: a 1-bit grey file gets alpha 1, as in torchvision
  const filler = Math.min(255, (1 << png.depth) - 1);
  const { width: w, height: h, rgba } = png;
  const plane = w * h;
  const out = new Uint8Array(channels * plane);
  for (let p = 0; p < plane; p++) {
    const r = rgba[4 * p]!, g = rgba[4 * p + 1]!, b = rgba[4 * p + 2]!, a = rgba[4 * p + 3]!;
    if (index_of.size > 0) out[p] = index_of.get(((r << 24) | (g << 16) | (b << 8) | a) >>> 0)!;
    else if (channels <= 2) out[p] = png.color ? gray_of(r, g, b) : r;
    else {
      out[p] = r;
      out[plane + p] = g;
      out[2 * plane + p] = b;
    }
    if (channels === 2 || channels === 4) out[(channels - 1) * plane + p] = alpha_in_file ? a : filler;
  }
  return torch.from_array(out, [channels, h, w], 'uint8');
}

const DECODE = signature<{ input: Tensor; mode: unknown; apply_exif_orientation: boolean }>(
  'decode_image(Tensor input, Any mode=0, bool apply_exif_orientation=False)',
);
const DECODE_PNG = signature<{ input: Tensor; mode: unknown; apply_exif_orientation: boolean }>(
  'decode_png(Tensor input, Any mode=0, bool apply_exif_orientation=False)',
);
/** Keyword options of the decoders. */
export interface DecodeOptions {
  /** The channels to decode into (default: as stored). */
  mode?: ImageReadModeLike;
  /** Accepted for torchvision's signature; PNG files carry no orientation tsgrad reads. */
  apply_exif_orientation?: boolean;
}

/**
 * Decodes a PNG file's bytes (a uint8 1-d tensor) into a uint8 `[C, H, W]` tensor (torchvision's `decode_png`):
 * C is 1 for grey, 2 grey with alpha, 3 RGB, 4 RGBA, or what `mode` asks for (grey from RGB is libpng's
 * 0.299 R + 0.587 G + 0.114 B, as torchvision's). 16-bit PNGs are refused (tsgrad has no uint16).
 *
 * @example
 * const img = io.decode_png(io.read_file('cat.png'), io.ImageReadMode.GRAY); // uint8 [1, H, W]
 */
export function decode_png(...args: torch.PyArgs<[input: Tensor, mode: ImageReadModeLike], DecodeOptions & { input?: Tensor }>): Tensor {
  const { input, mode } = DECODE_PNG.parse(args);
  const bytes = encoded_bytes(input);
  if (!starts_with(bytes, PNG_MAGIC)) throw new Error('Content is not png');
  return png_pixels(bytes, mode_of(mode));
}

/**
 * Decodes an image file's bytes, or reads and decodes the file at a path (torchvision's `decode_image`):
 * uint8 `[C, H, W]`. PNG is decoded; JPEG is recognised but tsgrad has no JPEG decoder, so it is an error that
 * says so.
 *
 * @example
 * const img = io.decode_image(io.read_file('cat.png'), { mode: 'RGB' });
 */
export function decode_image(...args: torch.PyArgs<[input: Tensor | string, mode: ImageReadModeLike], DecodeOptions & { input?: Tensor | string }>): Tensor {
  const [first, ...rest] = args as unknown[];
  const a = DECODE.parse((typeof first === 'string' ? [read_file(first), ...rest] : args) as never);
  const bytes = encoded_bytes(a.input);
  const mode = mode_of(a.mode);
  if (starts_with(bytes, PNG_MAGIC)) return png_pixels(bytes, mode);
  if (starts_with(bytes, JPEG_MAGIC)) throw new Error('decode_image: this is a JPEG file, and tsgrad decodes PNG only; convert the image to PNG');
  throw new Error('Unsupported image file. Only jpeg and png are currently supported.');
}

const READ_IMAGE = signature<{ path: string; mode: unknown; apply_exif_orientation: boolean }>(
  'read_image(str path, Any mode=0, bool apply_exif_orientation=False)',
);
/**
 * Reads a PNG file into a uint8 `[C, H, W]` tensor (torchvision's `read_image`; see {@link decode_png} for the
 * channels and `mode`). Node only.
 *
 * @example
 * const image = io.read_image('data/imgs/tshirt1.png'); // uint8 [1, 28, 28] for a grey PNG
 */
export function read_image(...args: torch.PyArgs<[path: string, mode: ImageReadModeLike], DecodeOptions & { path?: string }>): Tensor {
  const { path, mode } = READ_IMAGE.parse(args);
  return decode_image(read_file(path), mode as ImageReadModeLike);
}
