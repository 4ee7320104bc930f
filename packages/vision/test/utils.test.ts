// torchvision.utils: make_grid against torchvision's own results (fixtures/make_grid.py), its argument errors,
// and save_image writing the grid as a PNG that decodes to the grid's pixels.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { make_grid, save_image, type MakeGridOptions } from '../src/utils.js';

interface Case {
  name: string;
  shape: number[];
  kwargs: MakeGridOptions;
  as_list?: boolean;
  shape_out: number[];
  values: number[];
}
const CASES = JSON.parse(readFileSync(new URL('./fixtures/make_grid.json', import.meta.url), 'utf8')) as Case[];
const dir = mkdtempSync(join(tmpdir(), 'tsgrad-utils-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('utils.make_grid', () => {
  it.each(CASES)("$name gives torchvision's grid", (c) => {
    torch.manual_seed(0);
    const x = torch.rand(c.shape);
    const g = make_grid(c.as_list ? [...x] : x, c.kwargs);
    expect(g.shape).toEqual(c.shape_out);
    const got = Array.from(g._contiguous_data());
    expect(got.length).toBe(c.values.length);
    got.forEach((v, i) => expect(v, `value ${i}`).toBeCloseTo(c.values[i]!, 6));
  });

  it('takes its arguments positionally or by keyword, and rejects bad ones as PyTorch does', () => {
    const x = torch.rand(4, 3, 2, 2);
    expect(make_grid(x, 2, 1).shape).toEqual(make_grid(x, { nrow: 2, padding: 1 }).shape);
    expect(() => make_grid(x, { nrows: 2 } as never)).toThrow(TypeError);
    expect(() => make_grid(x, { nrow: 2.5 })).toThrow(TypeError);
    expect(() => make_grid('x' as never)).toThrow(TypeError);
    expect(() => make_grid(x, { normalize: true, value_range: [0, 1, 2] as never })).toThrow('value_range has to be a tuple (min, max)');
    expect(() => make_grid(torch.rand(1, 2, 3, 4, 5))).toThrow('make_grid expects a 2-D, 3-D or 4-D tensor');
  });
});

describe('utils.save_image', () => {
  it("writes the grid's pixels, rounded to 8 bits, as a PNG", () => {
    torch.manual_seed(0);
    const x = torch.rand(3, 3, 4, 5);
    const file = join(dir, 'grid.png');
    save_image(x, file, { nrow: 2, padding: 1 });
    const png = PNG.sync.read(readFileSync(file));
    const grid = make_grid(x, { nrow: 2, padding: 1 });
    expect([png.height, png.width]).toEqual([grid.size(1), grid.size(2)]);
    const at = (c: number, y: number, xx: number): number => Math.min(255, Math.floor(grid.index([c, y, xx]).item() * 255 + 0.5));
    for (const [y, xx] of [[0, 0], [1, 1], [3, 4], [6, 8], [9, 12]] as const) {
      const i = 4 * (y * png.width + xx);
      expect([...png.data.subarray(i, i + 4)]).toEqual([at(0, y, xx), at(1, y, xx), at(2, y, xx), 255]);
    }
    expect(() => save_image(x, join(dir, 'grid.jpg'))).toThrow("save_image writes PNG only, got format");
  });
});
