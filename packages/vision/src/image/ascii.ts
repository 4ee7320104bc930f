// Compact terminal rendering of a 2-D map with a character ramp, for examples and quick looks in a shell.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { finite_range } from './rgba.js';

/** Options of `render_ascii`. */
export interface RenderAsciiOptions {
  /** Output columns (default: the map's width). */
  width?: number;
  /** Height/width ratio of a terminal character cell; rows = H·width/W/aspect (default 2). */
  aspect?: number;
  /** Characters from low to high (default `' .:-=+*#%@'`). */
  ramp?: string;
  /** Values mapped to the ramp's ends (default: the map's min and max). */
  range?: readonly [number, number];
}

/**
 * Renders a map (`[H, W]`, `[1, H, W]`, `[1, 1, H, W]`, or nested arrays) as lines of ramp characters, averaging the pixels
 * that fall into each character cell; NaN cells print as spaces.
 *
 * @example
 * console.log(render_ascii(interpret.saliency(net, x, 3).map));
 */
export function render_ascii(map: Tensor | readonly (readonly number[])[], options: RenderAsciiOptions = {}): string {
  let rows_in: number[][];
  if (map instanceof torch.Tensor) {
    let m = map;
    while (m.ndim > 2 && m.shape[0] === 1) m = m.select(0, 0);
    if (m.ndim !== 2) throw new Error(`render_ascii expects a map of shape [H, W] (leading dims of size 1 allowed), got [${map.shape.join(', ')}]`);
    rows_in = m.tolist() as number[][];
  } else rows_in = map.map((r) => [...r]);
  const H = rows_in.length;
  const W = rows_in[0]?.length ?? 0;
  if (H === 0 || W === 0) return '';
  const ramp = options.ramp ?? ' .:-=+*#%@';
  const cols = Math.max(1, Math.round(options.width ?? W));
  const rows = Math.max(1, Math.round((H * cols) / W / (options.aspect ?? 2)));
  const [lo, hi] = options.range ?? finite_range(rows_in.flat());
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const y0 = Math.floor((r * H) / rows);
    const y1 = Math.max(y0 + 1, Math.floor(((r + 1) * H) / rows));
    let line = '';
    for (let c = 0; c < cols; c++) {
      const x0 = Math.floor((c * W) / cols);
      const x1 = Math.max(x0 + 1, Math.floor(((c + 1) * W) / cols));
      let sum = 0;
      let count = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const v = rows_in[y]![x]!;
          if (!Number.isNaN(v)) {
            sum += v;
            count++;
          }
        }
      }
      if (count === 0) {
        line += ' ';
        continue;
      }
      const t = hi > lo ? Math.min(1, Math.max(0, (sum / count - lo) / (hi - lo))) : 0;
      line += ramp[Math.min(ramp.length - 1, Math.floor(t * ramp.length))];
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}
