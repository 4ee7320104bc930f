// Text for labels drawn into RgbaImages: DejaVu Sans at 12 px, anti-aliased, blended over the image.
import { FONT_ASCENT, FONT_BITMAP, FONT_DESCENT, FONT_GLYPHS } from './font_dejavu.generated.js';
import type { RgbaImage } from './rgba.js';

interface Glyph {
  advance: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
  /** Coverage 0..1 per pixel, row-major. */
  coverage: Float32Array;
}

let glyphs: Map<string, Glyph> | null = null;

/** Decodes the generated font once, on first use. */
function glyph_table(): Map<string, Glyph> {
  if (glyphs !== null) return glyphs;
  const bytes = Uint8Array.from(atob(FONT_BITMAP), (c) => c.charCodeAt(0));
  glyphs = new Map();
  for (const [ch, advance, dx, dy, width, height, offset] of FONT_GLYPHS) {
    const coverage = new Float32Array(width * height);
    for (let i = 0; i < coverage.length; i++) {
      const byte = bytes[offset + (i >> 1)]!;
      coverage[i] = ((i & 1) === 0 ? byte >> 4 : byte & 15) / 15;
    }
    glyphs.set(ch, { advance, dx, dy, width, height, coverage });
  }
  return glyphs;
}

function glyph_of(ch: string): Glyph {
  const table = glyph_table();
  return table.get(ch) ?? table.get('?')!;
}

/** Height in pixels of one line of text at scale 1 (12 px DejaVu Sans: ascent plus descent). */
export const GLYPH_HEIGHT = FONT_ASCENT + FONT_DESCENT;

/**
 * Width in image pixels of `text` drawn at `scale` (the sum of the glyphs' advances).
 *
 * @param text - the label
 * @param scale - integer magnification, as given to draw_text
 * @returns the width in pixels
 * @example
 * text_width('cat'); // 19
 */
export function text_width(text: string, scale = 1): number {
  let width = 0;
  for (const ch of text) width += glyph_of(ch).advance;
  return width * scale;
}

/**
 * Draws `text` into `image` with the top-left corner of its line box at `(x, y)` (the line is GLYPH_HEIGHT ×
 * `scale` pixels tall), in DejaVu Sans at 12 px, anti-aliased and blended over what is there. `scale`
 * magnifies each font pixel to a `scale × scale` block. Characters the font lacks are drawn as '?';
 * pixels outside the image are skipped.
 *
 * @param image - drawn into, in place
 * @param x - left edge of the text, in pixels
 * @param y - top of the line box, in pixels
 * @param text - the label
 * @param rgb - the text colour (default black)
 * @param scale - integer magnification (default 1)
 * @example
 * draw_text(img, 2, 2, 'class 3', [0, 0, 0]);
 */
export function draw_text(image: RgbaImage, x: number, y: number, text: string, rgb: readonly [number, number, number] = [0, 0, 0], scale = 1): void {
  const s = Math.max(1, Math.round(scale));
  // whole pixels: a fractional position would index between pixels (and colour channels)
  let pen = Math.round(x);
  const y0 = Math.round(y);
  for (const ch of text) {
    const g = glyph_of(ch);
    const left = pen + g.dx * s;
    const top = y0 + (FONT_ASCENT + g.dy) * s;
    for (let r = 0; r < g.height; r++) {
      for (let c = 0; c < g.width; c++) {
        const a = g.coverage[r * g.width + c]!;
        if (a === 0) continue;
        for (let sy = 0; sy < s; sy++) {
          for (let sx = 0; sx < s; sx++) blend(image, left + c * s + sx, top + r * s + sy, rgb, a);
        }
      }
    }
    pen += g.advance * s;
  }
}

/** Composites `rgb` at opacity `a` over pixel `(px, py)` (Porter-Duff "over"); outside the image, nothing. */
function blend(image: RgbaImage, px: number, py: number, rgb: readonly [number, number, number], a: number): void {
  if (px < 0 || py < 0 || px >= image.width || py >= image.height) return;
  const i = 4 * (py * image.width + px);
  const d = image.data;
  const below = d[i + 3]! / 255;
  const out = a + below * (1 - a);
  for (let k = 0; k < 3; k++) d[i + k] = Math.round((rgb[k]! * a + d[i + k]! * below * (1 - a)) / out);
  d[i + 3] = Math.round(out * 255);
}
