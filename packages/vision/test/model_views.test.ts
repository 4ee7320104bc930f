// Model-level views: receptive fields, maximally activating patches, nearest neighbours and t-SNE.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { describe, expect, it } from 'vitest';
import * as interpret from '../src/interpret/index.js';
import { joint_probabilities, kl_gradient, pair_index } from '../src/interpret/tsne.js';

const g = (seed: number): torch.Generator => new torch.Generator().manual_seed(seed);
const images = (n: number, seed: number): Tensor => torch.randn([n, 1, 28, 28], { generator: g(seed) });

/** The input pixels that influence unit `(c, i, j)` of `layer`: nonzero entries of its input gradient. */
function support(model: nn.Module, layer: string, x: Tensor, c: number, i: number, j: number): { rows: number[]; cols: number[] } {
  let live: Tensor | null = null;
  const h = model.get_submodule(layer).register_forward_hook((_m, _a, out) => {
    live = out as Tensor;
  });
  const leaf = x.detach().requires_grad_();
  model.call(leaf);
  h.remove();
  const [grad] = torch.autograd.grad((live as Tensor | null)!.index([0, c, i, j]), [leaf], { allow_unused: true });
  const d = grad!.abs().sum(1).select(0, 0).tolist() as number[][];
  const rows = new Set<number>();
  const cols = new Set<number>();
  d.forEach((row, r) => row.forEach((v, q) => {
    if (v !== 0) {
      rows.add(r);
      cols.add(q);
    }
  }));
  return { rows: [...rows].sort((a, b) => a - b), cols: [...cols].sort((a, b) => a - b) };
}

describe('receptive_field', () => {
  it('SimpleNet: conv1 5×5, conv2 14×14 with jump 2, pool2 16×16 with jump 4; undefined past Linear', () => {
    const net = new models.SimpleNet();
    expect(interpret.receptive_field(net, 'conv1')).toMatchObject({ size: [5, 5], jump: [1, 1], start: [2, 2] });
    expect(interpret.receptive_field(net, 'conv2')).toMatchObject({ size: [14, 14], jump: [2, 2], start: [6.5, 6.5] });
    expect(interpret.receptive_field(net, net.get_submodule('pool2'))).toMatchObject({ size: [16, 16], jump: [4, 4], start: [7.5, 7.5] });
    expect(interpret.receptive_field(net, 'conv2').steps.map((s) => s.path)).toEqual(['conv1', 'pool1', 'conv2']);
    expect(interpret.receptive_box(interpret.receptive_field(net, 'conv2'), 7, 0)).toEqual({ top: 14, left: 0, height: 14, width: 14 });
    expect(() => interpret.receptive_field(net, 'out')).toThrow("receptive field is undefined past Linear at 'fc'");
    // GuidedSimpleNet registers relu2 after pool2: only a traced forward pass gets its order right
    const guided = new models.GuidedSimpleNet();
    expect(interpret.receptive_field(guided, 'relu2')).toMatchObject({ size: [16, 16], jump: [4, 4] });
    expect(interpret.receptive_field(guided, 'relu2', { input: images(1, 0) })).toMatchObject({ size: [14, 14], jump: [2, 2] });
    expect(nn.utils.list_hooks(guided)).toEqual([]);
    // a module used twice is measured at its first call
    const shared = new nn.Conv2d(1, 1, 3);
    const twice = new nn.Sequential(shared, new nn.ReLU(), shared, new nn.Conv2d(1, 1, 3));
    expect(interpret.receptive_field(twice, '2', { input: images(1, 0) })).toMatchObject({ size: [3, 3] });
    expect(interpret.receptive_field(twice, '3', { input: images(1, 0) })).toMatchObject({ size: [7, 7] });
  });

  it('matches the pixels that actually influence a unit (padding, stride, dilation, pooling)', () => {
    torch.manual_seed(0);
    const net = new nn.Sequential(
      new nn.Conv2d(1, 2, 3, { padding: 1 }),
      new nn.Tanh(),
      new nn.AvgPool2d(2),
      new nn.Conv2d(2, 2, 3, { dilation: 2, padding: 2 }),
      new nn.Conv2d(2, 2, [3, 1], { stride: 2 }),
    ).eval();
    const x = images(1, 1).narrow(2, 0, 20).narrow(3, 0, 22).contiguous();
    for (const [layer, c, i, j] of [['3', 1, 4, 5], ['4', 0, 1, 2], ['4', 1, 0, 0], ['3', 0, 0, 0]] as const) {
      const rf = interpret.receptive_field(net, layer);
      const box = interpret.receptive_box(rf, i, j);
      const s = support(net, layer, x, c, i, j);
      // the support's bounding box is the receptive field clipped to the image (dilation leaves holes inside)
      expect([s.rows[0], s.rows[s.rows.length - 1]], `rows of ${layer}(${i}, ${j})`).toEqual([Math.max(box.top, 0), Math.min(box.top + box.height, 20) - 1]);
      expect([s.cols[0], s.cols[s.cols.length - 1]], `cols of ${layer}(${i}, ${j})`).toEqual([Math.max(box.left, 0), Math.min(box.left + box.width, 22) - 1]);
    }
  });
});

describe('max_activating_patches', () => {
  it('returns the strongest image per unit, strongest first, with its receptive-field crop', () => {
    torch.manual_seed(1);
    const net = new models.SimpleNet().eval();
    const data = images(10, 2);
    const patches = interpret.max_activating_patches(net, 'conv2', 3, data, { top_k: 4, batch_size: 3 });
    expect(patches.length).toBe(4);
    const feats = interpret.layer_features(net, 'conv2', data).reshape([10, 20, 64]);
    const peaks = Array.from({ length: 10 }, (_, n) => feats.index([n, 3]).amax().item());
    const order = peaks.map((_, n) => n).sort((a, b) => peaks[b]! - peaks[a]!);
    expect(patches.map((p) => p.image_index)).toEqual(order.slice(0, 4));
    for (const p of patches) {
      expect(p.activation).toBeCloseTo(peaks[p.image_index]!, 5);
      expect(p.patch.shape).toEqual([1, 14, 14]);
      const [i, j] = p.position;
      expect(p.box).toEqual({ top: 2 * i, left: 2 * j, height: 14, width: 14 });
      const crop = data.index([p.image_index, { start: 0, stop: 1 }, { start: 2 * i, stop: 2 * i + 14 }, { start: 2 * j, stop: 2 * j + 14 }]);
      expect(Array.from(p.patch.data_array())).toEqual(Array.from(crop.contiguous().data_array()));
    }
    expect(() => interpret.max_activating_patches(net, 'conv2', 20, data)).toThrow("channel 20 is out of range for layer 'conv2' with 20 channels");
    expect(nn.utils.list_hooks(net)).toEqual([]);
  });

  it('pads the parts of a receptive field that fall outside the image', () => {
    const net = new nn.Sequential(new nn.Conv2d(1, 1, 3, { padding: 1, bias: false })).eval();
    torch.no_grad(() => (net.at(0) as nn.Conv2d).weight.fill_(1));
    const x = torch.zeros([1, 1, 4, 4]);
    torch.no_grad(() => x.index([0, 0, 0, 0]).fill_(5));
    const [p] = interpret.max_activating_patches(net, '0', 0, x, { top_k: 1, pad_value: -1 });
    expect(p!.position).toEqual([0, 0]);
    expect(p!.box).toEqual({ top: 0, left: 0, height: 2, width: 2 });
    expect(p!.patch.tolist()).toEqual([[[-1, -1, -1], [-1, 5, 0], [-1, 0, 0]]]);
  });
});

describe('nearest_neighbours', () => {
  it('finds the query image itself first, in either metric', () => {
    const net = new models.SimpleNet().eval();
    const data = images(6, 3);
    for (const metric of ['euclidean', 'cosine'] as const) {
      const r = interpret.nearest_neighbours(net, 'fc', data.narrow(0, 2, 2), data, { k: 3, metric, batch_size: 4 });
      expect(r.indices.map((row) => row[0])).toEqual([2, 3]);
      expect(r.distances[0]![0]).toBeCloseTo(0, 5);
      expect(r.distances[0]![1]!).toBeGreaterThanOrEqual(r.distances[0]![0]!);
      expect(r.indices[0]!.length).toBe(3);
    }
    expect(() => interpret.nearest_neighbours(net, 'fc', data, data, { k: 7 })).toThrow('k must be an integer in [1, 6] (the dataset size), got 7');
    expect(nn.utils.list_hooks(net)).toEqual([]);
  });
});

describe('tsne', () => {
  function blobs(per: number, dims: number, seed: number): { x: number[][]; labels: number[] } {
    const gen = g(seed);
    const x: number[][] = [];
    const labels: number[] = [];
    for (let c = 0; c < 3; c++) {
      for (let k = 0; k < per; k++) {
        x.push(Array.from({ length: dims }, (_, t) => (t === c ? 8 : 0) + gen.normal()));
        labels.push(c);
      }
    }
    return { x, labels };
  }

  it('the exact gradient matches finite differences of the KL divergence (float64)', () => {
    const gen = g(4);
    const n = 7;
    const x = Float64Array.from({ length: n * 3 }, () => gen.normal());
    const p = joint_probabilities(x, n, 3, 3);
    let total = 0;
    for (const v of p) total += 2 * v;
    expect(total).toBeCloseTo(1, 12);
    const y = Float64Array.from({ length: 2 * n }, () => gen.normal());
    const grad = new Float64Array(2 * n);
    const w = new Float64Array(p.length);
    kl_gradient(p, y, n, 1, grad, w);
    const h = 1e-6;
    for (let k = 0; k < 2 * n; k++) {
      const yp = Float64Array.from(y);
      const ym = Float64Array.from(y);
      yp[k]! += h;
      ym[k]! -= h;
      const scratch = new Float64Array(2 * n);
      const numeric = (kl_gradient(p, yp, n, 1, scratch, w) - kl_gradient(p, ym, n, 1, scratch, w)) / (2 * h);
      expect(Math.abs(numeric - grad[k]!), `∂KL/∂y[${k}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(grad[k]!)));
    }
    expect(pair_index(0, 1, n)).toBe(0);
    expect(pair_index(n - 2, n - 1, n)).toBe(p.length - 1);
  });

  it('calibrates each conditional to the requested perplexity', () => {
    // two far-apart equilateral triangles: perplexity 2 means each point spreads its mass evenly over its two
    // triangle-mates, so p_ij = (1/2 + 1/2) / (2n) = 1/12 inside a triangle and ≈ 0 across
    const tri = [[0, 0], [1, 0], [0.5, Math.sqrt(3) / 2]];
    const pts = [...tri, ...tri.map(([a, b]) => [a! + 50, b!])];
    const p = joint_probabilities(Float64Array.from(pts.flat()), 6, 2, 2);
    for (let i = 0; i < 6; i++) {
      for (let j = i + 1; j < 6; j++) {
        const same = Math.floor(i / 3) === Math.floor(j / 3);
        expect(p[pair_index(i, j, 6)]!, `p[${i}, ${j}]`).toBeCloseTo(same ? 1 / 12 : 0, 4);
      }
    }
    // perplexity 5 on 6 points: nobody is that far away any more, mass leaks across
    const wide = joint_probabilities(Float64Array.from([0, 1, 2, 3, 4, 5]), 6, 1, 5);
    expect(wide[pair_index(0, 5, 6)]!).toBeGreaterThan(1e-3);
  });

  it('separates well-separated clusters and is deterministic for a seed', () => {
    const { x, labels } = blobs(20, 6, 5);
    const run = () => interpret.tsne(x, { perplexity: 10, iterations: 400, seed: 1 });
    const r = run();
    expect(r.embedding.shape).toEqual([60, 2]);
    expect(Number.isFinite(r.kl_divergence)).toBe(true);
    const e = r.embedding.tolist() as number[][];
    let correct = 0;
    e.forEach((a, i) => {
      let best = -1;
      let dist = Infinity;
      e.forEach((b, j) => {
        const d = (a[0]! - b[0]!) ** 2 + (a[1]! - b[1]!) ** 2;
        if (j !== i && d < dist) [best, dist] = [j, d];
      });
      if (labels[best] === labels[i]) correct++;
    });
    expect(correct).toBe(60);
    expect(Array.from(run().embedding.data_array())).toEqual(Array.from(r.embedding.data_array()));
    const random_init = interpret.tsne(torch.tensor(x), { perplexity: 10, iterations: 300, init: 'random', seed: 2 });
    expect(random_init.kl_divergence).toBeLessThan(1);
  });

  it('rejects a perplexity that is not below the number of points', () => {
    expect(() => interpret.tsne([[0], [1], [2]], { perplexity: 3 })).toThrow('tsne perplexity (3) must be positive and less than the number of points (3)');
    expect(() => interpret.tsne([[0, 1], [1]])).toThrow('row 0 has 2 values, row 1 has 1');
  });
});
