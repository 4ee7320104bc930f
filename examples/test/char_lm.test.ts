// The character-level language models: PyTorch's first Adam steps replayed from the same weights and words
// (fixtures/char_lm_steps.json), the fixed data split, and a few steps of each model with a progress line per
// epoch, falling loss, sampled words, a loss curve and weights that load back. The word list is Debian's wamerican
// package; without it the word-list tests are skipped locally and fail in CI (where .ci/run installs it).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { afterAll, describe, expect, it } from 'vitest';
import { expect_tensor, load_fixture, type TensorJSON, type Tolerance } from '../../packages/nn/test/fixture_utils.js';
import { expect_digest, margin_tolerance, type ModelDigest } from '../../packages/nn/test/model_cases.js';
import { ALPHABET, BLOCK_SIZE, build_model, DEFAULT_WORDS, encode, lm_loss, load_words, main, split_words, type LossCurve } from '../char_lm.js';
import { fill_formula } from './formula_fill.js';

interface ModelSteps {
  losses: TensorJSON; eval_logits: ModelDigest; parameters_after: Record<string, ModelDigest>;
  float64_margin: { losses: number[]; eval_logits: number; parameters_after: Record<string, number> };
}
interface StepsFixture { salt: number; batch_size: number; epochs: number; lr: number; tolerance: Tolerance; words: string[]; models: Record<'lstm' | 'gpt', ModelSteps> }
const STEPS = load_fixture<StepsFixture>(new URL('./fixtures/char_lm_steps.json', import.meta.url));

describe("char_lm replays PyTorch's Adam steps from the same weights and words", () => {
  // Tolerances are scaled by PyTorch's own float32-vs-float64 error (2×, at least 1×): the GPT's attention key
  // bias has a zero gradient in exact arithmetic, so Adam turns float32 rounding into ±lr steps there.
  for (const kind of ['lstm', 'gpt'] as const) {
    it(`${kind}: losses, parameters and eval logits`, () => {
      const f = STEPS.models[kind];
      const model = build_model(kind);
      fill_formula(model, STEPS.salt);
      const { x, y } = encode(STEPS.words);
      const opt = new nn.optim.Adam(model.parameters(), { lr: STEPS.lr });
      const losses: Tensor[] = [];
      for (let epoch = 0; epoch < STEPS.epochs; epoch++) {
        for (let i = 0; i < STEPS.words.length; i += STEPS.batch_size) {
          const loss = lm_loss(model, x.narrow(0, i, STEPS.batch_size), y.narrow(0, i, STEPS.batch_size));
          opt.zero_grad();
          loss.backward();
          opt.step();
          losses.push(loss.detach());
        }
      }
      const tol = STEPS.tolerance;
      expect_tensor(torch.stack(losses), f.losses, 'losses', margin_tolerance(tol, f.float64_margin.losses));
      const params = new Map(model.named_parameters());
      expect([...params.keys()]).toEqual(Object.keys(f.parameters_after));
      for (const [k, d] of Object.entries(f.parameters_after)) expect_digest(params.get(k), d, k, margin_tolerance(tol, f.float64_margin.parameters_after[k]));
      model.eval();
      expect_digest(torch.no_grad(() => model.call(x) as Tensor), f.eval_logits, 'eval logits', margin_tolerance(tol, f.float64_margin.eval_logits));
    });
  }
});

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

  it('splits the list the same way for every seed: disjoint, spread over the alphabet, as the fixture (from the twin) has it', () => {
    const all = load_words(DEFAULT_WORDS);
    const { train, val } = split_words(all, 4096, 1024);
    expect([train.length, val.length]).toEqual([4096, 1024]);
    const in_val = new Set(val);
    expect(train.some((w) => in_val.has(w))).toBe(false);
    expect(train.slice(0, STEPS.words.length)).toEqual(STEPS.words);
    expect(new Set(train.map((w) => w[0])).size).toBe(26);
    expect(split_words(all, 1e9, 10).train.length).toBe(all.length - 10);
  });

  it('--save-init / --init and --no-shuffle: another seed from the same weights in the same order trains the same', () => {
    const args = ['--model', 'lstm', '--epochs', '1', '--limit', '128', '--val', '64', '--samples', '0', '--out', join(out, 'from_init'), '--no-shuffle'];
    const a = main(() => undefined, [...args, '--seed', '1', '--save-init', join(out, 'init.safetensors')])!;
    const b = main(() => undefined, [...args, '--seed', '2', '--init', join(out, 'init.safetensors')])!;
    expect(b.curve.window_loss).toEqual(a.curve.window_loss);
    expect(b.curve.val_loss).toEqual(a.curve.val_loss);
  });

  for (const model of ['lstm', 'gpt'] as const) {
    it(`${model}: trains a few steps, logs each epoch, samples words and writes loadable weights`, () => {
      const lines: string[] = [];
      const curve_path = join(out, `${model}.json`);
      const result = main((...p) => lines.push(p.join(' ')), ['--model', model, '--epochs', '2', '--limit', '128', '--val', '64', '--samples', '2', '--out', out, '--lr', '0.01', '--curve', curve_path])!;
      const epochs = lines.filter((l) => /^epoch \d\/2 {2}loss \d+\.\d{4} {2}val \d+\.\d{4} {2}\d+ words\/s {2}\d+ chars\/s/.test(l));
      expect(epochs).toHaveLength(2);
      expect(result.losses[1]!).toBeLessThan(result.losses[0]!);
      const curve = JSON.parse(readFileSync(curve_path, 'utf8')) as LossCurve;
      expect(curve).toMatchObject({ framework: 'tsgrad', model, epochs: 2, train_loss: result.losses });
      expect(curve.val_loss).toHaveLength(3);
      expect(curve.val_loss[2]!).toBeLessThan(curve.val_loss[0]!);
      expect(curve.window_loss).toHaveLength(1); // 4 steps in one window of up to 16
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
