// Reads PNG files back for the example tests with pngjs, the decoder behind @tsgrad/vision's PNG writer.
import { readFileSync } from 'node:fs';
import pngjs from 'pngjs';

/** Decodes the PNG file at `path` (throws if it is not one). */
export function read_png(path: string): pngjs.PNG {
  return pngjs.PNG.sync.read(readFileSync(path));
}
