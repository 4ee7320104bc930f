// interpret.ts on small settings with a quickly trained net: every PNG decodes, no hook stays behind, and the
// pictures say something about the net (saliency on the stroke, distinct class visualizations, t-SNE clusters).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { datasets, image } from '@tsgrad/vision';
import { afterAll, describe, expect, it } from 'vitest';
import { knn_accuracy, load_or_train, main, object_share, parse_options } from '../interpret.js';
import { pick_examples } from '../pictures.js';
import { train } from '../train_mnist.js';
import { read_png } from './png.js';

const dir = mkdtempSync(join(tmpdir(), 'tsgrad-interpret-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 1000 samples in batches of 16: about 80% test accuracy in 2 s, enough for the pictures to mean something
const trained = train({ dataset: 'mnist', epochs: 1, batch_size: 16, lr: 0.002, seed: 0, limit: 1000, test_limit: 500, out: join(dir, 'weights'), progress: false }, () => undefined);
const out = join(dir, 'png');
const lines: string[] = [];
const result = main((...p) => lines.push(p.join(' ')), ['--weights', trained.weights_path, '--out', out, '--images', '10', '--patch-images', '200', '--tsne-points', '150'])!;

describe('examples/interpret.ts', () => {
  it('writes every picture as a PNG that decodes to the size of its grid', () => {
    const names = ['saliency', 'guided_backprop', 'grad_cam', 'occlusion', 'class_visualization', 'patches_conv2', 'tsne'];
    expect(result.files).toEqual(names.map((n) => join(out, `${n}.png`)));
    // ten 84-pixel cells per row with 2 pixels of padding; rows of 84 + 17 (a 15-pixel label line) + 2 pixels
    const sheet = (rows: number): [number, number] => [2 + 10 * 86, 2 + rows * 103];
    const grids: [number, number][] = [sheet(3), sheet(2), sheet(4), sheet(2), sheet(1), [2 + 8 * 58, 2 + 6 * 75]];
    // the four heatmap sheets get a 21-pixel title strip and a colour bar with its tick texts to the right
    const heat = [true, true, true, true, false, false];
    result.files.forEach((f, k) => {
      const png = read_png(f);
      if (k === 6) expect([png.width, png.height], f).toEqual([480 + 8 + 10 + 6 + Math.max(...datasets.MNIST.classes.map((c) => image.text_width(c))) + 8, 480]);
      else if (heat[k]) {
        expect(png.height, f).toBe(grids[k]![1] + 21);
        expect(png.width, f).toBeGreaterThan(grids[k]![0] + 20);
        expect(png.width, f).toBeLessThan(grids[k]![0] + 80);
      } else expect([png.width, png.height], f).toEqual(grids[k]);
      expect(new Set(png.data).size, f).toBeGreaterThan(10);
      expect(lines.some((l) => l.startsWith(`wrote ${f} (${png.width}×${png.height}): `)), f).toBe(true);
    });
  });

  it('prints one saliency map in the terminal beside its digit', () => {
    const i = lines.indexOf('the first image (0 - zero) and its saliency in the terminal:');
    expect(i).toBeGreaterThan(-1);
    const rows = lines.slice(i + 1, i + 15);
    expect(rows.every((l) => l.startsWith('  ') && l.includes(' | '))).toBe(true);
    expect(rows.some((l) => /[#@%]/.test(l.split(' | ')[0]!))).toBe(true);
  });

  it('leaves no hook on either net and says so', () => {
    expect(nn.utils.list_hooks(result.net)).toEqual([]);
    expect(nn.utils.list_hooks(result.guided)).toEqual([]);
    expect(lines).toContain('hooks left on the nets afterwards: none (checked with nn.utils.list_hooks)');
  });

  it('puts more saliency per pixel on the stroke than on the background, averaged over the images', () => {
    const { share, area } = object_share(result.saliency, result.x);
    const inside = share.map((s, k) => s / area[k]!);
    const outside = share.map((s, k) => (1 - s) / (1 - area[k]!));
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(inside)).toBeGreaterThan(2 * mean(outside));
  });

  it('visualizes ten different classes, each classified as its class', () => {
    const v = result.class_images;
    expect(v.shape).toEqual([10, 1, 28, 28]);
    for (let c = 0; c < 10; c++) {
      for (let d = c + 1; d < 10; d++) expect(v.index([c]).sub(v.index([d])).abs().mean().item(), `classes ${c} and ${d}`).toBeGreaterThan(0.1);
    }
    const predicted = Array.from(torch.no_grad(() => result.net.call(v).argmax(1)).data_array(), Number);
    expect(predicted).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('separates the classes in the t-SNE plot well above chance', () => {
    expect(result.tsne_knn_accuracy).toBeGreaterThan(0.5);
  });

  it('trains and saves weights when the file is missing, and says so', () => {
    const weights = join(dir, 'fallback', 'net.safetensors');
    const said: string[] = [];
    const r = load_or_train({ weights, dataset: 'mnist', train_limit: 64 }, (...p) => said.push(p.join(' ')));
    expect(r.trained).toBe(true);
    expect(existsSync(weights)).toBe(true);
    expect(said[0]).toBe(`no weights at ${weights}: training SimpleNet on 64 mnist samples first (pnpm demo trains on all of them)`);
    expect(load_or_train({ weights, dataset: 'mnist', train_limit: 64 }, () => undefined).trained).toBe(false);
  });

  it('measures object share, picks one image per class and scores neighbourhoods on hand-made data', () => {
    const x = torch.tensor([[[[0, 0], [0, 4]]]]);
    expect(object_share(torch.tensor([[[1, 1], [1, 5]]]), x)).toEqual({ share: [5 / 8], area: [1 / 4] });
    expect(pick_examples([7, 2, 1, 0, 4, 1, 0], 3)).toEqual([3, 2, 1]);
    expect(pick_examples([1, 0, 0], 3)).toEqual([1, 0, 2]);
    expect(() => pick_examples([1, 0], 3)).toThrow('only 1 test images of class 0 to pick image 2 from');
    const points = torch.tensor([[0, 0], [0, 1], [0, 3], [0, 4]]);
    expect(knn_accuracy(points, [0, 0, 1, 1], 1)).toBe(1);
    expect(knn_accuracy(points, [0, 1, 0, 1], 1)).toBe(0);
  });

  it('rejects bad flags with a message naming the value, and prints help', () => {
    expect(() => parse_options(['--dataset', 'cifar'])).toThrow("--dataset must be mnist or fashion-mnist, got 'cifar'");
    expect(() => parse_options(['--images', '0'])).toThrow("--images must be an integer >= 1, got '0'");
    expect(() => parse_options(['--tsne-points', '5'])).toThrow("--tsne-points must be an integer >= 12, got '5'");
    expect(parse_options(['--dataset', 'fashion-mnist'])!.weights).toBe(join('out', 'simplenet_fashion-mnist.safetensors'));
    expect(parse_options(['--help'])).toBeNull();
    const help: string[] = [];
    expect(main((...p) => help.push(p.join(' ')), ['--help'])).toBeNull();
    expect(help[0]).toMatch(/^Usage: /);
  });
});
