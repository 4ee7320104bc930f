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

/**
 * The pngjs module, loaded on first use (Node only; `caller` names the function in the error elsewhere).
 *
 * @example
 * const { PNG } = load_pngjs('decode_png');
 */
export function load_pngjs(caller: string): PngModule {
  pngjs ??= node_apis(caller).module.createRequire(import.meta.url)('pngjs') as PngModule;
  return pngjs;
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
