// pytorch-grad-cam's CAM classes against the real pytorch-grad-cam (fixtures/attr/cams.json), data-driven.
import * as nn from '@tsgrad/nn';
import { describe, expect, it } from 'vitest';
import * as cams from '../../src/cams/index.js';
import { expect_tensor, load_fixture, T, type TensorJSON } from '../fixture_utils.js';
import { build_net } from './attr_nets.js';

interface Case {
  name: string;
  net: string;
  class: string;
  target_layers: string[];
  targets: [string, number][] | null;
  ctor: Record<string, unknown>;
  call: { aug_smooth?: boolean; eigen_smooth?: boolean };
  input: TensorJSON;
  expected: TensorJSON;
}
interface Fixture {
  nets: Record<string, { state_dict: Record<string, TensorJSON> }>;
  cases: Case[];
  show_cam_on_image: { img: TensorJSON; mask: TensorJSON; overlays: { use_rgb: boolean; image_weight: number; expected: TensorJSON }[] };
}

const fixture = load_fixture<Fixture>(new URL('../fixtures/attr/cams.json', import.meta.url));
type CamClass = new (options: cams.CamOptions & Record<string, unknown>) => cams.BaseCAM;
const TARGETS: Record<string, new (c: number) => cams.CamTarget> = {
  ClassifierOutputTarget: cams.ClassifierOutputTarget,
  ClassifierOutputSoftmaxTarget: cams.ClassifierOutputSoftmaxTarget,
  BinaryClassifierOutputTarget: cams.BinaryClassifierOutputTarget,
};

describe('cams: pytorch-grad-cam classes equal pytorch-grad-cam', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const net = build_net(c.net, fixture.nets[c.net]!.state_dict);
      const cls = (cams as unknown as Record<string, CamClass>)[c.class]!;
      using cam = new cls({ model: net, target_layers: c.target_layers.map((p) => net.get_submodule(p)), ...c.ctor });
      const targets = c.targets === null ? null : c.targets.map(([kind, k]) => new TARGETS[kind]!(k));
      const out = cam.call({ input_tensor: T(c.input), targets, ...c.call });
      expect_tensor(out, c.expected, c.name, 1e-4, 2e-5);
      expect(nn.utils.list_hooks(net)).toEqual([]);
    });
  }

  it('show_cam_on_image: the jet overlay within one grey level of OpenCV', () => {
    const s = fixture.show_cam_on_image;
    for (const o of s.overlays) {
      const out = cams.show_cam_on_image(T(s.img), T(s.mask), { use_rgb: o.use_rgb, image_weight: o.image_weight });
      const want = T(o.expected);
      expect(out.shape).toEqual(want.shape);
      expect(out.sub(want).abs().amax().item()).toBeLessThanOrEqual(1);
      const png = cams.overlay_png(out);
      expect([...png.slice(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    }
  });

  it('bad input: a layer outside the model, a wrong number of targets, an out-of-range class; no hook left', () => {
    const net = build_net('cnn', fixture.nets['cnn']!.state_dict);
    const x = T(fixture.cases[0]!.input);
    expect(() => new cams.GradCAM({ model: net, target_layers: [new nn.Conv2d(1, 1, 1)] })).toThrow('target_layers[0] is not a module of the model');
    const cam = new cams.GradCAM({ model: net, target_layers: [net.get_submodule('3')] });
    expect(() => cam.call({ input_tensor: x, targets: [new cams.ClassifierOutputTarget(1)] })).toThrow('got 1 targets for a batch of 2 samples');
    expect(() => cam.call({ input_tensor: x, targets: [new cams.ClassifierOutputTarget(9), new cams.ClassifierOutputTarget(0)] })).toThrow(
      'index 9 is out of bounds for dimension 0 with size 4',
    );
    expect(nn.utils.list_hooks(net)).toEqual([]);
    const boom = net.get_submodule('4').register_forward_hook(() => {
      throw new Error('boom');
    });
    for (const C of [cams.GradCAM, cams.ScoreCAM, cams.AblationCAM, cams.FullGrad] as CamClass[]) {
      const c = new C({ model: net, target_layers: [net.get_submodule('3')] });
      expect(() => c.call({ input_tensor: x, targets: null })).toThrow('boom');
      expect(nn.utils.list_hooks(net).length).toBe(1);
    }
    boom.remove();
  });
});

describe('cams targets', () => {
  it('score what pytorch-grad-cam scores, for one sample and for a batch', () => {
    const out = T({ shape: [2, 3], data: [1, 2, 3, -1, 0.5, 4] });
    const one = out.select(0, 1);
    expect(new cams.ClassifierOutputTarget(2).call(one).item()).toBe(4);
    expect(Array.from(new cams.ClassifierOutputTarget(0).call(out).data_array())).toEqual([1, -1]);
    const p = one.softmax(-1);
    expect(new cams.ClassifierOutputSoftmaxTarget(1).call(one).item()).toBeCloseTo(p.index([1]).item(), 7);
    expect(new cams.BinaryClassifierOutputTarget(0).call(one.select(0, 2)).item()).toBe(-4);
    expect(new cams.BinaryClassifierOutputTarget(1).call(one.select(0, 2)).item()).toBe(4);
    expect(new cams.RawScoresOutputTarget().call(one)).toBe(one);
    const seg = T({ shape: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] });
    const mask = T({ shape: [2, 2], data: [1, 0, 0, 1] });
    expect(new cams.SemanticSegmentationTarget(1, mask).call(seg).item()).toBe(5 + 8);
    expect(() => new cams.SemanticSegmentationTarget(2, mask).call(seg)).toThrow('index 2 is out of bounds for dimension 0 with size 2');
  });

  it('a segmentation net explained with SemanticSegmentationTarget leaves no hook', () => {
    const conv = new nn.Conv2d(3, 2, 3, { padding: 1 });
    const net = new nn.Sequential(new nn.Conv2d(3, 3, 3, { padding: 1 }), new nn.ReLU(), conv).eval();
    const x = T({ shape: [1, 3, 5, 5], data: Array.from({ length: 75 }, (_, i) => Math.cos(i)) });
    const mask = T({ shape: [5, 5], data: Array.from({ length: 25 }, (_, i) => (i % 2)) });
    using cam = new cams.GradCAM({ model: net, target_layers: [net.get_submodule('1')] });
    const out = cam.call({ input_tensor: x, targets: [new cams.SemanticSegmentationTarget(1, mask)] });
    expect(out.shape).toEqual([1, 5, 5]);
    expect(out.amax().item()).toBeLessThanOrEqual(1);
    expect(nn.utils.list_hooks(net)).toEqual([]);
  });
});
