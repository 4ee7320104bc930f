// run_with_cache / run_with_hooks / attention_rollout, Captum-style PNG visualizations and CAMs through reshape_transform.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { describe, expect, it } from 'vitest';
import * as attr from '../../src/attr/index.js';
import * as cams from '../../src/cams/index.js';
import * as image from '../../src/image/index.js';
import { attention_rollout, capture_attention, run_with_cache, run_with_hooks } from '../../src/interpret/patching.js';
import { load_fixture, T, type TensorJSON } from '../fixture_utils.js';
import { build_net } from './attr_nets.js';

const fixture = load_fixture<{ nets: Record<string, { state_dict: Record<string, TensorJSON> }>; cases: { net?: string; inputs: TensorJSON[] }[] }>(
  new URL('../fixtures/attr/attr.json', import.meta.url),
);
const cnn = (): nn.Module => build_net('cnn', fixture.nets['cnn']!.state_dict);
const x = (): Tensor => T(fixture.cases.find((c) => c.net === 'cnn')!.inputs[0]!);
const close = (a: Tensor, b: Tensor): boolean => torch.allclose(a, b, { rtol: 1e-5, atol: 1e-6 });

describe('run_with_cache and run_with_hooks', () => {
  it('caches every submodule output by name, equal to running the layers by hand', () => {
    const net = cnn();
    const [out, cache] = run_with_cache(net, x());
    expect([...cache.keys()]).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8']);
    let h = x();
    for (let i = 0; i < 9; i++) {
      h = torch.no_grad(() => net.get_submodule(String(i)).call(h) as Tensor);
      expect(close(cache.get(String(i)) as Tensor, h)).toBe(true);
    }
    expect(close(out as Tensor, h)).toBe(true);
    const [, some] = run_with_cache(net, x(), { names_filter: ['3', '6'] });
    expect([...some.keys()]).toEqual(['3', '6']);
    expect(() => run_with_cache(net, x(), { names_filter: ['nope'] })).toThrow("has no submodule 'nope'");
    expect(nn.utils.list_hooks(net)).toEqual([]);
  });

  it('patches one activation for one call and removes every hook, also when a hook throws', () => {
    const net = cnn();
    const [, cache] = run_with_cache(net, x());
    const zeroed = run_with_hooks(net, x(), { '4': (o) => (o as Tensor).mul(0) }) as Tensor;
    const by_hand = torch.no_grad(() => net.get_submodule('8').call(net.get_submodule('7').call(net.get_submodule('6').call((cache.get('5') as Tensor).mul(0)))) as Tensor);
    expect(close(zeroed, by_hand)).toBe(true);
    // patch from another input's cache (activation patching)
    const other = x().mul(-1);
    const [out_b, cache_b] = run_with_cache(net, other);
    const patched = run_with_hooks(net, x(), { '3': () => cache_b.get('3') }) as Tensor;
    expect(close(patched, out_b as Tensor)).toBe(true);
    expect(nn.utils.list_hooks(net)).toEqual([]);
    expect(() => run_with_hooks(net, x(), { '3': () => { throw new Error('bad patch'); } })).toThrow('bad patch');
    expect(() => run_with_hooks(net, x(), { 'blocks.0.attn': () => undefined })).toThrow();
    expect(nn.utils.list_hooks(net)).toEqual([]);
  });
});

describe('attention_rollout', () => {
  it('multiplies the residual-mixed, row-normalized attention of each layer', () => {
    const a1 = T({ shape: [1, 2, 2, 2], data: [1, 0, 0.5, 0.5, 0, 1, 0.5, 0.5] });
    const a2 = T({ shape: [1, 1, 2, 2], data: [0.2, 0.8, 0.6, 0.4] });
    // layer 1 fused: [[0.5, 0.5], [0.5, 0.5]] → (A + I)/2 = [[0.75, 0.25], [0.25, 0.75]]
    // layer 2: (A + I)/2 = [[0.6, 0.4], [0.3, 0.7]]; rollout = L2 · L1
    const r = attention_rollout([a1, a2]);
    const want = [0.6 * 0.75 + 0.4 * 0.25, 0.6 * 0.25 + 0.4 * 0.75, 0.3 * 0.75 + 0.7 * 0.25, 0.3 * 0.25 + 0.7 * 0.75];
    Array.from(r.data_array(), Number).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    expect(() => attention_rollout([])).toThrow('at least one layer');
    // max over heads, then the lowest quarter of the fused weights dropped (the class token's own weight never)
    const h0 = [0.5, 0.3, 0.2, 0.1, 0.6, 0.3, 0.25, 0.15, 0.6];
    const h1 = [0.2, 0.55, 0.25, 0.45, 0.4, 0.15, 0.35, 0.1, 0.55];
    // fused [[.5, .55, .25], [.45, .6, .3], [.35, .15, .6]]; floor(9 · 0.25) = 2 dropped: .15 and .25
    // (A + I)/2 = [[.75, .275, 0], [.225, .8, .15], [.175, 0, .8]], rows normalized
    const m = attention_rollout([T({ shape: [1, 2, 3, 3], data: [...h0, ...h1] })], { head_fusion: 'max', discard_ratio: 0.25 });
    const rows = [[0.75, 0.275, 0], [0.225, 0.8, 0.15], [0.175, 0, 0.8]].map((r) => r.map((v) => v / r.reduce((a, b) => a + b)));
    Array.from(m.data_array(), Number).forEach((v, i) => expect(v).toBeCloseTo(rows[Math.floor(i / 3)]![i % 3]!, 6));
    // the class token's self-attention survives even when it is the lowest weight
    const low = attention_rollout([T({ shape: [1, 1, 2, 2], data: [0.1, 0.9, 0.5, 0.5] })], { discard_ratio: 0.3 });
    expect(low.index([0, 0, 0]).item()).toBeCloseTo((0.1 + 1) / 2 / ((0.1 + 1) / 2 + 0.45), 6);
    expect(() => attention_rollout([T({ shape: [1, 2, 3], data: new Array(6).fill(0) })])).toThrow('must be [N, heads, T, T]');
  });
});

describe('capture_attention', () => {
  it('records every head of each MultiheadAttention without changing the output', () => {
    torch.manual_seed(5);
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16, dropout: 0, batch_first: true }), 2).eval();
    const tokens = torch.randn([2, 5, 8]);
    const plain = torch.no_grad(() => enc.call(tokens) as Tensor);
    const [out, maps] = torch.no_grad(() => capture_attention(enc, tokens));
    expect(close(out as Tensor, plain)).toBe(true);
    expect([...maps.keys()]).toEqual(['layers.0.self_attn', 'layers.1.self_attn']);
    const first = enc.get_submodule('layers.0.self_attn') as nn.MultiheadAttention;
    const [, direct] = torch.no_grad(() => first.call(tokens, tokens, tokens, nn.kwargs({ need_weights: true, average_attn_weights: false })) as [Tensor, Tensor]);
    expect(maps.get('layers.0.self_attn')!.shape).toEqual([2, 2, 5, 5]);
    expect(close(maps.get('layers.0.self_attn')!, direct)).toBe(true);
    // a caller asking for averaged weights still gets them
    const [, avg] = torch.no_grad(() => capture_attention(first, [tokens, tokens, tokens]))[0] as [Tensor, Tensor];
    expect(close(avg, direct.mean(1))).toBe(true);
    const rollout = attention_rollout([...maps.values()]);
    expect(rollout.shape).toEqual([2, 5, 5]);
    expect(close(rollout.sum(-1), torch.ones([2, 5]))).toBe(true);
    expect(() => capture_attention(enc, tokens, { layers: ['layers.0'] })).toThrow("'layers.0' is not an nn.MultiheadAttention");
    expect(nn.utils.list_hooks(enc)).toEqual([]);
  });
});

describe('visualization.visualize_image_attr', () => {
  const a = T({ shape: [4, 5, 3], data: Array.from({ length: 60 }, (_, i) => Math.sin(i) * (i % 7)) });
  const img = T({ shape: [4, 5, 3], data: Array.from({ length: 60 }, (_, i) => (i % 11) / 10) });
  it('draws every method as an image of the input size with PNG bytes', () => {
    const methods = [['heat_map', 'all'], ['blended_heat_map', 'positive'], ['original_image', 'absolute_value'], ['masked_image', 'absolute_value'], ['alpha_scaling', 'negative']] as const;
    for (const [method, sign] of methods) {
      const v = attr.visualization.visualize_image_attr(a, img, { method, sign });
      expect([v.image.width, v.image.height]).toEqual([5, 4]);
      expect([...v.png().slice(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    }
    // the masked image is the image scaled by the normalized attribution
    const m = attr.visualization.visualize_image_attr(a, img, { method: 'masked_image' });
    const n0 = m.norm_attr.index([0, 0]).item();
    expect(m.image.data[0]).toBe(Math.trunc(Math.trunc((img.index([0, 0, 0]).item()) * 255) * n0));
  });
  it('adds Captum\'s colour bar to the heat-map methods and a title to any figure, the attribution image unchanged', () => {
    const row = (im: image.RgbaImage, y: number, n = 5): number[] => [...im.data.subarray(4 * y * im.width, 4 * (y * im.width + n))];
    const px = (im: image.RgbaImage, x: number, y: number): number[] => [...im.data.subarray(4 * (y * im.width + x), 4 * (y * im.width + x) + 4)];
    const plain = attr.visualization.visualize_image_attr(a, img, { method: 'heat_map', sign: 'all' });
    const barred = attr.visualization.visualize_image_attr(a, img, { method: 'heat_map', sign: 'all', show_colorbar: true, title: 'IG' });
    const layout = image.with_colorbar(plain.image, { range: [-1, 1], title: 'IG' });
    expect([barred.image.width, barred.image.height]).toEqual([layout.width, layout.height]);
    for (let y = 0; y < 4; y++) expect(row(barred.image, 21 + y)).toEqual(row(plain.image, y)); // under the 21-pixel title strip
    // the bar is Captum's RdWhGn for sign 'all': green at the top (+1), red at the bottom (−1)
    const [top, bottom] = [px(barred.image, 5 + 8 + 6, 21 + 7), px(barred.image, 5 + 8 + 6, barred.image.height - 9)];
    expect(top[1]!).toBeGreaterThan(top[0]!);
    expect(bottom[0]!).toBeGreaterThan(bottom[1]!);
    expect([...barred.png().slice(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    // no bar for a method that draws no heat map, but the title is kept
    const original = attr.visualization.visualize_image_attr(a, img, { method: 'original_image', show_colorbar: true, title: 'input' });
    const bare = attr.visualization.visualize_image_attr(a, img, { method: 'original_image' }).image;
    expect([original.image.width, original.image.height]).toEqual([image.with_title(bare, 'input').width, 21 + 4]);
    expect(row(original.image, 21)).toEqual(row(bare, 0));
  });
  it('refuses what Captum refuses', () => {
    expect(() => attr.visualization.visualize_image_attr(a, null, { method: 'blended_heat_map' })).toThrow('Original Image must be provided');
    expect(() => attr.visualization.visualize_image_attr(a, img, { method: 'masked_image', sign: 'all' })).toThrow('Cannot display masked image with both positive and negative');
  });
});

describe('cams through reshape_transform', () => {
  it('Grad-CAM on a token-shaped layer with reshape_transform equals Grad-CAM on the same activations as a feature map', () => {
    class Tokens extends nn.Module {
      override forward(t: Tensor): Tensor {
        return t.flatten(2).transpose(1, 2); // [N, h·w, C]
      }
    }
    class Untokens extends nn.Module {
      override forward(t: Tensor): Tensor {
        return t.transpose(1, 2).reshape([t.shape[0]!, t.shape[2]!, 3, 3]);
      }
    }
    const base = cnn();
    const seq = base as nn.Sequential;
    const token_net = new nn.Sequential(seq.get_submodule('0'), seq.get_submodule('1'), seq.get_submodule('2'), seq.get_submodule('3'), new Tokens(), new Untokens(),
      seq.get_submodule('4'), seq.get_submodule('5'), seq.get_submodule('6'), seq.get_submodule('7'), seq.get_submodule('8')).eval();
    const targets = [new cams.ClassifierOutputTarget(1), new cams.ClassifierOutputTarget(2)];
    using plain = new cams.GradCAM({ model: base, target_layers: [base.get_submodule('3')] });
    using tokened = new cams.GradCAM({ model: token_net, target_layers: [token_net.get_submodule('4')], reshape_transform: (t) => t.transpose(1, 2).reshape([t.shape[0]!, t.shape[2]!, 3, 3]) });
    expect(close(tokened.call({ input_tensor: x(), targets }), plain.call({ input_tensor: x(), targets }))).toBe(true);
    expect(nn.utils.list_hooks(token_net)).toEqual([]);
  });
});
