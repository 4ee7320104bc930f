// torchvision.io's read_image / decode_png against what torchvision gave for each PNG colour type and mode
// (fixtures/io/make_io.py), and its errors.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { io } from '../src/index.js';

const DIR = fileURLToPath(new URL('./fixtures/io/', import.meta.url));
interface Decoded {
  shape: number[];
  dtype: string;
  values: number[];
}
const fixture = JSON.parse(readFileSync(`${DIR}io.json`, 'utf8')) as {
  cases: Record<string, Record<string, Decoded> & { indices?: number[] }>;
  errors: Record<string, string>;
  garbled: string[];
};
const MODES = ['UNCHANGED', 'GRAY', 'GRAY_ALPHA', 'RGB', 'RGB_ALPHA'] as const;

describe("read_image decodes PNGs as torchvision's", () => {
  for (const [name, modes] of Object.entries(fixture.cases)) {
    it(name, () => {
      for (const mode of MODES) {
        const want = modes[mode]!;
        const got = io.read_image(`${DIR}${name}.png`, io.ImageReadMode[mode]);
        expect([mode, [...got.shape], String(got.dtype)]).toEqual([mode, want.shape, want.dtype]);
        const values = Array.from(got.flatten().numpy());
        if (!fixture.garbled.includes(`${name}/${mode}`)) expect([mode, values]).toEqual([mode, want.values]);
        else if (mode === 'UNCHANGED') expect(values).toEqual(modes.indices);
        else {
          // an opaque palette image with alpha: its grey or RGB channels, then alpha 255
          const base = Array.from(io.read_image(`${DIR}${name}.png`, mode === 'GRAY_ALPHA' ? 'GRAY' : 'RGB').flatten().numpy());
          expect(values).toEqual([...base, ...new Array<number>(20).fill(255)]);
        }
      }
    });
  }

  it('takes the mode by keyword or by name, and decodes bytes read with read_file', () => {
    const want = fixture.cases.rgb!.GRAY!.values;
    expect(Array.from(io.read_image(`${DIR}rgb.png`, { mode: io.ImageReadMode.GRAY }).flatten().numpy())).toEqual(want);
    expect(Array.from(io.decode_png(io.read_file(`${DIR}rgb.png`), 'GRAY').flatten().numpy())).toEqual(want);
    expect(Array.from(io.decode_image(`${DIR}rgb.png`, { mode: 'GRAY' }).flatten().numpy())).toEqual(want);
    expect(() => io.read_image(`${DIR}rgb.png`, 'CMYK' as never)).toThrow(/Invalid mode: CMYK/);
    expect(() => io.read_image(`${DIR}rgb.png`, { colour: 'RGB' } as never)).toThrow(TypeError);
  });

  it("raises torchvision's errors", () => {
    expect(() => io.read_image('./no_such.png')).toThrow(new Error(fixture.errors.missing));
    expect(() => io.read_image(`${DIR}make_io.py`)).toThrow(new Error(fixture.errors.not_an_image));
    expect(() => io.decode_png(torch.zeros(4))).toThrow('Expected a torch.uint8 tensor, got torch.float32');
    expect(() => io.decode_png(torch.zeros([2, 2], { dtype: torch.uint8 }))).toThrow('Expected a non empty 1-dimensional tensor');
    const jpeg = torch.from_numpy(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
    expect(() => io.decode_image(jpeg)).toThrow(/JPEG file, and tsgrad decodes PNG only/);
  });
});
