// attention.ts on small settings: the building blocks (shapes, reshape_transform, capture_attention leaving the output
// and the hooks as they were, causal maps, patching invariants that hold for any weights, IG completeness) and
// main() writing every PNG.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { interpret } from '@tsgrad/vision';
import { afterAll, describe, expect, it } from 'vitest';
import { activation_patching, copy_batch, COPY, GRID, main, parse_options, rgb, SEP, spell, token_attributions, VIT, vit_reshape_transform } from '../attention.js';
import { read_png } from './png.js';

const dir = mkdtempSync(join(tmpdir(), 'tsgrad-attention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lines: string[] = [];
const result = main((...p) => lines.push(p.join(' ')), ['--out', dir, '--train-limit', '256', '--epochs', '1', '--images', '3', '--gpt-steps', '20'])!;
const close = (a: Tensor, b: Tensor, atol = 1e-5): boolean => torch.allclose(a, b, { rtol: 1e-4, atol });

describe('examples/attention.ts', () => {
  it('parses its options and refuses bad ones', () => {
    expect(parse_options(['--help'])).toBeNull();
    expect(parse_options([])).toMatchObject({ dataset: 'mnist', epochs: 2, gpt_steps: 400, images: 6 });
    expect(() => parse_options(['--epochs', '0'])).toThrow("--epochs must be an integer >= 1, got '0'");
    expect(() => parse_options(['--dataset', 'cifar'])).toThrow("--dataset must be mnist or fashion-mnist, got 'cifar'");
  });

  it('writes every picture as a PNG that decodes, and says what each shows', () => {
    const names = ['vit_attention_heads', 'vit_rollout_gradcam', 'gpt_attention_heads', 'gpt_patching', 'gpt_token_ig'];
    expect(result.files).toEqual(names.map((n) => join(dir, `${n}.png`)));
    for (const f of result.files) {
      const png = read_png(f);
      expect(new Set(png.data).size, f).toBeGreaterThan(10);
      expect(lines.some((l) => l.startsWith(`wrote ${f} (${png.width}×${png.height}): `)), f).toBe(true);
    }
    expect(lines).toContain('hooks left on the models afterwards: none (checked with nn.utils.list_hooks)');
  });

  it('captures every head of every ViT block without changing the output, and leaves no hook', () => {
    const { vit, x, explanation: e } = result;
    const n = x.shape[0]!;
    const T = GRID * GRID + 1;
    expect([...e.attention.keys()]).toEqual(['encoder.layers.encoder_layer_0.self_attention', 'encoder.layers.encoder_layer_1.self_attention']);
    for (const a of e.attention.values()) {
      expect(a.shape).toEqual([n, VIT.num_heads, T, T]);
      expect(close(a.sum(-1), torch.ones([n, VIT.num_heads, T]))).toBe(true);
    }
    const [out] = torch.no_grad(() => interpret.capture_attention(vit, rgb(x)));
    expect(close(out as Tensor, torch.no_grad(() => vit.call(rgb(x))))).toBe(true);
    expect(e.cls_attention.map((t) => t.shape)).toEqual([[n, VIT.num_heads, GRID, GRID], [n, VIT.num_heads, GRID, GRID]]);
    expect(e.rollout.shape).toEqual([n, GRID, GRID]);
    // the class token's own share plus the patches' shares of the rollout row sum to 1
    const full = interpret.attention_rollout([...e.attention.values()]).select(1, 0);
    expect(close(full.narrow(1, 1, GRID * GRID).reshape([n, GRID, GRID]), e.rollout)).toBe(true);
    expect(close(full.sum(1), torch.ones([n]))).toBe(true);
    expect(e.grad_cam.shape).toEqual([n, VIT.image_size, VIT.image_size]);
    expect(e.grad_cam.amin().item()).toBeGreaterThanOrEqual(0);
    expect(e.grad_cam.amax().item()).toBeLessThanOrEqual(1 + 1e-6);
    expect(e.patch_ig.shape).toEqual([n, GRID, GRID]);
    expect(e.ig_delta.abs().amax().item()).toBeLessThan(5e-2);
    expect(nn.utils.list_hooks(vit)).toEqual([]);
  });

  it('reshape_transform drops the class token and lays the patch tokens out as a feature map', () => {
    const tokens = torch.arange(2 * 5 * 3, { dtype: 'float32' }).reshape([2, 5, 3]);
    const map = vit_reshape_transform(2)(tokens);
    expect(map.shape).toEqual([2, 3, 2, 2]);
    // channel c of patch (i, j) is token 1 + 2i + j's entry c
    expect(map.index([1, 2, 1, 0]).item()).toBe(tokens.index([1, 3, 2]).item());
    expect(() => vit_reshape_transform(3)(tokens)).toThrow('expected tokens [N, 10, C], got [2, 5, 3]');
  });

  it('TinyGPT\'s captured attention is causal and every row sums to 1', () => {
    for (const a of result.gpt_attention.values()) {
      expect(a.shape).toEqual([1, 2, 2 * COPY.K + 1, 2 * COPY.K + 1]);
      expect(close(a.triu(1), torch.zeros_like(a))).toBe(true);
      expect(close(a.sum(-1), torch.ones([1, 2, 2 * COPY.K + 1]))).toBe(true);
    }
  });

  it('activation patching: the corrupted token\'s embedding and the last block at the answer position restore the clean run, no-op patches restore nothing', () => {
    const p = result.patching;
    const at = p.clean.findIndex((t, i) => t !== p.corrupt[i]);
    const row = (site: string): number[] => Array.from(p.recovered.index([p.sites.indexOf(site)]).data_array(), Number);
    expect(p.sites).toEqual(['tok_emb', 'blocks.0.attn', 'blocks.0', 'blocks.1.attn', 'blocks.1']);
    row('tok_emb').forEach((v, i) => expect(v).toBeCloseTo(i === at ? 1 : 0, 4));
    expect(row('blocks.1')[p.position]).toBeCloseTo(1, 4);
    // positions before the corrupted letter see the same tokens in both runs (causal): nothing to restore
    for (const site of p.sites) row(site).slice(0, at).forEach((v) => expect(v).toBeCloseTo(0, 4));
    expect(nn.utils.list_hooks(result.gpt)).toEqual([]);
    expect(() => activation_patching(result.gpt, p.clean, COPY.K, 0)).toThrow('must be in the first half');
  });

  it('IG over the token embeddings is complete: the scores sum to the change of the logit from the separator baseline', () => {
    const clean = result.patching.clean;
    const { scores, target, delta } = token_attributions(result.gpt, clean, result.patching.position);
    const logit = (t: readonly number[]): number => torch.no_grad(() => result.gpt.call(torch.tensor([t as number[]], { dtype: 'int64' })).index([0, result.patching.position, target]).item());
    const total = scores.reduce((a, b) => a + b, 0);
    expect(total - (logit(clean) - logit(clean.map(() => SEP)))).toBeCloseTo(delta, 4);
    expect(Math.abs(delta)).toBeLessThan(0.05 * Math.max(1, Math.abs(total)));
    expect(nn.utils.list_hooks(result.gpt)).toEqual([]);
  });

  it('copy-task batches repeat their letters after the separator', () => {
    const b = copy_batch(3, new torch.Generator().manual_seed(1));
    expect(b.shape).toEqual([3, 2 * COPY.K + 1]);
    expect(b._dtype).toBe('int64');
    expect(torch.equal(b.narrow(1, 0, COPY.K), b.narrow(1, COPY.K + 1, COPY.K))).toBe(true);
    expect(spell([0, 1, SEP, 9])).toBe('a b | j');
  });
});
