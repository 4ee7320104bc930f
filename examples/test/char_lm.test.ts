// The character-level language models, a few steps each: a progress line per epoch with throughput, falling
// loss, sampled words, and weights that load back. The word list is Debian's wamerican package; without it the
// test is skipped locally and fails in CI (where .ci/run installs it).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { afterAll, describe, expect, it } from 'vitest';
import { ALPHABET, BLOCK_SIZE, build_model, DEFAULT_WORDS, encode, load_words, main } from '../char_lm.js';

const have_words = existsSync(DEFAULT_WORDS);
const out = mkdtempSync(join(tmpdir(), 'tsgrad-char-lm-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!have_words && process.env['CI'] === undefined)('examples/char_lm.ts', () => {
  it('reads the word list as lowercase words of 2 to 12 letters and encodes them with their boundary', () => {
    const words = load_words(DEFAULT_WORDS);
    expect(words.length).toBeGreaterThan(10000);
    expect(words.every((w) => /^[a-z]{2,12}$/.test(w))).toBe(true);
    const { x, y } = encode(['ab']);
    expect(x.shape).toEqual([1, BLOCK_SIZE]);
    expect(Array.from(x.data_array()).slice(0, 3)).toEqual([0, 1, 2]);
    expect(Array.from(y.data_array()).slice(0, 4)).toEqual([1, 2, 0, -100]);
  });

  for (const model of ['lstm', 'gpt'] as const) {
    it(`${model}: trains a few steps, logs each epoch, samples words and writes loadable weights`, () => {
      const lines: string[] = [];
      const result = main((...p) => lines.push(p.join(' ')), ['--model', model, '--epochs', '2', '--limit', '128', '--samples', '2', '--out', out, '--lr', '0.01'])!;
      const epochs = lines.filter((l) => /^epoch \d\/2 {2}loss \d+\.\d{4} {2}\d+ words\/s {2}\d+ chars\/s/.test(l));
      expect(epochs).toHaveLength(2);
      expect(result.losses[1]!).toBeLessThan(result.losses[0]!);
      expect(result.samples).toHaveLength(2);
      for (const w of result.samples) expect(w).toMatch(/^[a-z]{0,12}$/);
      const fresh = build_model(model);
      fresh.load_state_dict(nn.load_file(result.weights_path!));
      const { x } = encode(['word']);
      torch.no_grad(() => {
        result.model.eval();
        fresh.eval();
        const a = result.model.call(x) as Tensor;
        expect(a.shape).toEqual([1, BLOCK_SIZE, ALPHABET.length]);
        expect(torch.equal(a, fresh.call(x) as Tensor)).toBe(true);
      });
    });
  }
});
