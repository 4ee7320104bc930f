// PNG files through the maintained pngjs encoder; pngjs and node:fs load on first use, so importing @tsgrad/vision (in a browser too) touches no Node API.
import type { RgbaImage } from './rgba.js';

type PngModule = typeof import('pngjs');
let pngjs: PngModule | null = null;

/** Node's modules, fetched at call time rather than imported, so that a browser bundle holds no node: import. */
function node_apis(caller: string) {
  const get = typeof process === 'undefined' ? undefined : process.getBuiltinModule;
  if (typeof get !== 'function') throw new Error(`${caller} needs Node.js >= 20.16; in a browser, put an RgbaImage on a canvas with ImageData instead`);
  return { fs: get('node:fs'), module: get('node:module') };
}

/** The pngjs module, loaded on first use (Node only; `caller` names the function in the error elsewhere). */
function load_pngjs(caller: string): PngModule {
  pngjs ??= node_apis(caller).module.createRequire(import.meta.url)('pngjs') as PngModule;
  return pngjs;
}

/** A decoded PNG: its pixels as 8-bit RGBA whatever the file holds, and what the file held. */
export interface DecodedPng {
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
  /** Bits per sample in the file (1, 2, 4, 8 or 16). */
  depth: number;
  /** Whether the file stores colour (RGB or a palette) rather than grey. */
  color: boolean;
  /** Whether the file stores an alpha channel (colour types 4 and 6). */
  alpha_channel: boolean;
  /** The palette's entries as [r, g, b, a] for a palette image, else null. */
  palette: number[][] | null;
  /** The pixels, `4·width·height` bytes of RGBA (grey replicated, palettes expanded, transparency as alpha). */
  rgba: Uint8Array;
}

/**
 * Decodes a PNG file's bytes (pngjs). Node-only.
 *
 * @example
 * const { width, height, rgba } = decode_png_rgba(bytes);
 */
export function decode_png_rgba(bytes: Uint8Array): DecodedPng {
  const png = load_pngjs('decode_png').PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const palette = (png as { palette?: unknown }).palette;
  return {
    width: png.width,
    height: png.height,
    depth: png.depth,
    color: png.color,
    alpha_channel: (png.colorType & 4) !== 0,
    palette: Array.isArray(palette) ? (palette as number[][]) : null,
    rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
  };
}

/**
 * Encodes 8-bit RGBA pixels (`4·width·height` bytes, row-major) as a PNG file's bytes. Node-only (pngjs).
 *
 * @example
 * const bytes = encode_png(image.data, image.width, image.height);
 */
export function encode_png(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`PNG size must be positive integers, got ${width}×${height}`);
  if (rgba.length !== 4 * width * height) throw new Error(`RGBA data has ${rgba.length} bytes but a ${width}×${height} image needs ${4 * width * height}`);
  const png_module = load_pngjs('encode_png');
  const png = new png_module.PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return new Uint8Array(png_module.PNG.sync.write(png));
}

/**
 * Writes an RgbaImage to `path` as PNG. Node-only.
 *
 * @example
 * write_png('saliency.png', heatmap_overlay(x, r.map));
 */
export function write_png(path: string, image: RgbaImage): void {
  const bytes = encode_png(image.data, image.width, image.height);
  node_apis('write_png').fs.writeFileSync(path, bytes);
}
