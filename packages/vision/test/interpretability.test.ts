// Interpretability tools against real PyTorch (fixtures/interpretability.json), plus batches, errors and hook cleanup.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { describe, expect, it } from 'vitest';
import * as interpret from '../src/interpret/index.js';
import { expect_tensor, load_fixture_with_variants, T, type TensorJSON } from './fixture_utils.js';

interface Case {
  name: string;
  kind: string;
  [key: string]: unknown;
}
interface Fixture {
  model: models.ModelSpec;
  state_dict: Record<string, TensorJSON>;
  cases: Case[];
}

const fixtures = load_fixture_with_variants<Fixture>(new URL('./fixtures/interpretability.json', import.meta.url));
/** The public fixture: the batch, error and cleanup tests below use its weights and inputs. */
const fixture = fixtures[0]![1];

// spec §14: interpretability maps rtol 1e-3 / atol 1e-6, normalized Grad-CAM maps atol 1e-4, network outputs rtol 1e-4 / atol 1e-5
const MAP: [number, number] = [1e-3, 1e-6];
const NORMALIZED: [number, number] = [1e-3, 1e-4];
const OUTPUT: [number, number] = [1e-4, 1e-5];

const load = (net: nn.Module, sd: Record<string, TensorJSON>): nn.Module => {
  net.load_state_dict(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, T(v)])));
  return net.eval();
};

/** The case's network in eval mode: GuidedSimpleNet for `model_variant`, the case's own spec (CAM) or the top-level SimpleNet. */
function build(fixture: Fixture, c: Case): nn.Module {
  if (c['model_variant'] === 'GuidedSimpleNet') return load(new models.GuidedSimpleNet(), fixture.state_dict);
  const spec = (c['model'] as models.ModelSpec | undefined) ?? fixture.model;
  return load(models.from_spec(spec), (c['state_dict'] as Record<string, TensorJSON> | undefined) ?? fixture.state_dict);
}

const simplenet = (): nn.Module => load(new models.SimpleNet(), fixture.state_dict);
const guided_net = (): nn.Module => load(new models.GuidedSimpleNet(), fixture.state_dict);
const first = (t: Tensor | null): Tensor => t!.select(0, 0);
const num = (c: Case, key: string): number => c[key] as number;
const tensor_of = (c: Case, key: string): TensorJSON => c[key] as TensorJSON;

function check_case(fixture: Fixture, c: Case): void {
  const net = build(fixture, c);
  const cls = num(c, 'target_class');
  switch (c.kind) {
    case 'saliency': {
      const x = T(tensor_of(c, 'input'));
      const r = interpret.saliency(net, x, cls);
      expect_tensor(r.output, tensor_of(c, 'output'), 'output', ...OUTPUT);
      expect_tensor(r.scores.reshape([]), tensor_of(c, 'score'), 'score', ...OUTPUT);
      expect_tensor(r.grad, tensor_of(c, 'grad'), 'grad', ...MAP);
      expect_tensor(r.saliency, tensor_of(c, 'saliency'), 'saliency', ...MAP);
      expect_tensor(r.map, tensor_of(c, 'saliency_map'), 'saliency_map', ...MAP);
      return;
    }
    case 'guided_backprop':
    case 'deconvnet': {
      const x = T(tensor_of(c, 'input'));
      const tool = c.kind === 'guided_backprop' ? interpret.guided_backprop : interpret.deconvnet;
      const key = c.kind === 'guided_backprop' ? 'guided_grad' : 'deconv_grad';
      const full = tool(net, x, cls);
      if (c['output']) expect_tensor(full.output, tensor_of(c, 'output'), 'output', ...OUTPUT);
      expect_tensor(full.attribution, tensor_of(c, key), `${key} (full hooks)`, ...MAP);
      // the classic scripts' register_backward_hook path; a fresh net, since a module keeps its backward-hook kind
      const legacy = tool(build(fixture, c), x, cls, { legacy: true });
      expect_tensor(legacy.attribution, tensor_of(c, key), `${key} (legacy hooks)`, ...MAP);
      if (c['vanilla_grad']) expect_tensor(interpret.saliency(net, x, cls).grad, tensor_of(c, 'vanilla_grad'), 'vanilla_grad', ...MAP);
      expect(nn.utils.list_hooks(net)).toEqual([]);
      return;
    }
    case 'gradcam': {
      const x = T(tensor_of(c, 'input'));
      const size = (c['upsample_size'] as [number, number] | undefined) ?? [x.shape[2]!, x.shape[3]!];
      const r = interpret.grad_cam(net, x, cls, c['layer'] as string, { upsample_to: size });
      expect_tensor(r.output, tensor_of(c, 'output'), 'output', ...OUTPUT);
      expect_tensor(first(r.activations), tensor_of(c, 'activations'), 'activations', ...OUTPUT);
      expect_tensor(first(r.grads), tensor_of(c, 'grads'), 'grads', ...MAP);
      expect_tensor(first(r.alpha), tensor_of(c, 'alpha'), 'alpha', ...MAP);
      expect_tensor(first(r.cam_pre_relu), tensor_of(c, 'cam_pre_relu'), 'cam_pre_relu', ...MAP);
      expect_tensor(first(r.cam), tensor_of(c, 'cam'), 'cam', ...MAP);
      expect_tensor(first(r.cam_normalized), tensor_of(c, 'cam_normalized'), 'cam_normalized', ...NORMALIZED);
      expect_tensor(first(r.cam_upsampled), tensor_of(c, 'cam_upsampled'), 'cam_upsampled', ...MAP);
      expect_tensor(first(r.cam_upsampled_normalized), tensor_of(c, 'cam_upsampled_normalized'), 'cam_upsampled_normalized', ...NORMALIZED);
      return;
    }
    case 'cam': {
      const x = T(tensor_of(c, 'input'));
      const layers = (c['model'] as { layers: { type: string }[] }).layers;
      const fc = String(layers.map((l) => l.type).lastIndexOf('Linear'));
      const r = interpret.cam(net, x, cls, { feature_layer: String(c['feature_module']), fc });
      expect_tensor(r.output, tensor_of(c, 'logits'), 'logits', ...OUTPUT);
      expect_tensor(first(r.features), tensor_of(c, 'features'), 'features', ...OUTPUT);
      expect_tensor(first(r.weights), tensor_of(c, 'fc_weight_row'), 'fc_weight_row', 1e-6, 0);
      expect_tensor(r.bias.reshape([]), tensor_of(c, 'fc_bias'), 'fc_bias', 1e-6, 0);
      expect_tensor(first(r.cam), tensor_of(c, 'cam'), 'cam', ...MAP);
      expect_tensor(first(r.cam_upsampled), tensor_of(c, 'cam_upsampled'), 'cam_upsampled', ...MAP);
      expect_tensor(first(r.cam_upsampled_normalized), tensor_of(c, 'cam_upsampled_normalized'), 'cam_upsampled_normalized', ...NORMALIZED);
      expect_tensor(first(r.cam).mean().add(r.bias.reshape([])), tensor_of(c, 'cam_mean_plus_bias'), 'cam.mean() + b[c]', ...OUTPUT);
      return;
    }
    case 'occlusion': {
      const x = T(tensor_of(c, 'input'));
      const r = interpret.occlusion(net, x, cls, { patch: num(c, 'patch'), stride: num(c, 'stride'), fill: num(c, 'fill'), placement: 'fit' }); // the recipe (spec §13 code) places whole windows only
      expect_tensor(r.base_probs.reshape([]), tensor_of(c, 'base_prob'), 'base_prob', ...OUTPUT);
      expect(r.rows).toEqual(c['rows']);
      expect(r.cols).toEqual(c['cols']);
      expect_tensor(first(r.occluded_probs), tensor_of(c, 'occluded_probs'), 'occluded_probs', ...OUTPUT);
      expect_tensor(first(r.heatmap), tensor_of(c, 'heatmap'), 'heatmap', ...MAP);
      return;
    }
    case 'gradient_ascent': {
      const before = Object.entries(net.state_dict()).map(([k, v]) => [k, Array.from(v.data_array())]);
      const r = interpret.class_visualization(net, cls, { steps: num(c, 'steps'), lr: num(c, 'lr'), l2: num(c, 'lambda'), init: T(tensor_of(c, 'x0')) });
      const trace = c['trace'] as Record<string, TensorJSON | number>[];
      expect(r.trace.length).toBe(trace.length);
      trace.forEach((want, k) => {
        const got = r.trace[k]!;
        expect(got.step).toBe(want['step']);
        expect_tensor(got.score.reshape([]), want['score'] as TensorJSON, `trace[${k}].score`, ...OUTPUT);
        expect_tensor(got.reg.reshape([]), want['reg'] as TensorJSON, `trace[${k}].reg`, ...OUTPUT);
        expect_tensor(got.objective.reshape([]), want['objective'] as TensorJSON, `trace[${k}].objective`, ...OUTPUT);
        expect_tensor(got.grad!, want['grad'] as TensorJSON, `trace[${k}].grad`, ...MAP);
        expect_tensor(got.x_after!, want['x_after'] as TensorJSON, `trace[${k}].x_after`, ...MAP);
      });
      expect_tensor(r.image, trace[trace.length - 1]!['x_after'] as TensorJSON, 'final image', ...MAP);
      // parameters and their .grad untouched
      expect(Object.entries(net.state_dict()).map(([k, v]) => [k, Array.from(v.data_array())])).toEqual(before);
      for (const p of net.parameters()) expect(p.grad).toBeNull();
      return;
    }
    default:
      expect.fail(`unhandled fixture kind '${c.kind}' in case ${c.name}`);
  }
}

for (const [file, f] of fixtures) describe(file, () => {
  for (const c of f.cases) it(`${c.kind}: ${c.name}`, () => check_case(f, c));
});

const inputs = (): Tensor[] => {
  const seen = new Map<string, Tensor>();
  for (const c of fixture.cases) {
    const j = (c['input'] ?? c['x0']) as TensorJSON;
    seen.set(JSON.stringify(j.data!.slice(0, 50)), T(j));
  }
  return [...seen.values()];
};
const [x_a, x_b, x_c] = inputs() as [Tensor, Tensor, Tensor];
const batch2 = (): Tensor => torch.cat([x_a, x_b], { dim: 0 });
/** Classes whose SimpleNet output (after its final ReLU) is > 0 for each of the two batch images. */
function live_classes(net: nn.Module): [number, number] {
  const out = torch.no_grad(() => net.call(batch2()) as Tensor);
  const pick = (row: number): number => (out.select(0, row).tolist() as number[]).findIndex((v) => v > 0);
  return [pick(0), pick(1)];
}

describe('batches: one target per sample', () => {
  it('saliency of a batch equals the per-sample saliencies, for arrays, int64 tensors and scoring functions', () => {
    const net = simplenet();
    const [c0, c1] = live_classes(net);
    const one0 = interpret.saliency(net, x_a, c0).grad;
    const one1 = interpret.saliency(net, x_b, c1).grad;
    const expected = torch.cat([one0, one1], { dim: 0 });
    const by_array = interpret.saliency(net, batch2(), [c0, c1]);
    expect(torch.allclose(by_array.grad, expected, { rtol: 1e-5, atol: 1e-7 })).toBe(true);
    expect(by_array.map.shape).toEqual([2, 28, 28]);
    expect(by_array.scores.shape).toEqual([2]);
    const by_tensor = interpret.saliency(net, batch2(), torch.tensor([c0, c1], { dtype: 'int64' }));
    expect(torch.allclose(by_tensor.grad, expected)).toBe(true);
    const cols = torch.tensor([c0, c1], { dtype: 'int64' });
    const by_fn = interpret.saliency(net, batch2(), (out) => out.index([torch.arange(0, 2, 1, { dtype: 'int64' }), cols]));
    expect(torch.allclose(by_fn.grad, expected)).toBe(true);
  });

  it('a single class index applies to every sample', () => {
    const net = simplenet();
    const [c0] = live_classes(net);
    const r = interpret.saliency(net, batch2(), c0);
    expect(torch.allclose(r.grad.narrow(0, 1, 1), interpret.saliency(net, x_b, c0).grad, { rtol: 1e-5, atol: 1e-7 })).toBe(true);
  });

  it('grad_cam, occlusion and class_visualization handle batches sample by sample', () => {
    const net = simplenet();
    const [c0, c1] = live_classes(net);
    const gc = interpret.grad_cam(net, batch2(), [c0, c1], 'conv2');
    const gc1 = interpret.grad_cam(net, x_b, c1, 'conv2');
    expect(torch.allclose(gc.cam_upsampled!.narrow(0, 1, 1), gc1.cam_upsampled!, { rtol: 1e-4, atol: 1e-7 })).toBe(true);
    expect(torch.allclose(gc.cam_normalized.narrow(0, 1, 1), gc1.cam_normalized, { rtol: 1e-4, atol: 1e-5 })).toBe(true);
    const oc = interpret.occlusion(net, batch2(), [c0, c1], { patch: 7 });
    const oc1 = interpret.occlusion(net, x_b, c1, { patch: 7 });
    expect(torch.allclose(oc.heatmap.narrow(0, 1, 1), oc1.heatmap, { rtol: 1e-4, atol: 1e-7 })).toBe(true);
    const init = torch.randn([2, 1, 28, 28], { generator: new torch.Generator().manual_seed(1) }).mul(0.1);
    const cv = interpret.class_visualization(net, [c0, c1], { steps: 2, lr: 0.5, l2: 0.01, init });
    const cv1 = interpret.class_visualization(net, c1, { steps: 2, lr: 0.5, l2: 0.01, init: init.narrow(0, 1, 1) });
    expect(torch.allclose(cv.image.narrow(0, 1, 1), cv1.image, { rtol: 1e-5, atol: 1e-6 })).toBe(true);
    expect(cv.trace[0]!.score.shape).toEqual([2]);
  });

  it('a count mismatch is an error naming both counts, never a first-sample result', () => {
    const net = simplenet();
    expect(() => interpret.saliency(net, batch2(), [1])).toThrow('got 1 targets for a batch of 2 samples');
    expect(() => interpret.grad_cam(net, batch2(), [1, 2, 3], 'conv2')).toThrow('got 3 targets for a batch of 2 samples');
    expect(() => interpret.occlusion(net, batch2(), torch.tensor([1], { dtype: 'int64' }), { patch: 7 })).toThrow('got 1 targets for a batch of 2 samples');
    expect(() => interpret.saliency(net, batch2(), (out) => out.index([0, 1]))).toThrow('returned 1 scores (shape []) for a batch of 2 samples');
    expect(() => interpret.cam(models.gap_net().eval(), batch2(), [1], { feature_layer: '4', fc: '7' })).toThrow('got 1 targets for a batch of 2 samples');
    expect(() => interpret.cam(net, batch2(), [1, 2], { feature_layer: 'conv2', fc: 'out' })).toThrow("cam: features of 'conv2' have 20 channels but fc 'out' expects 50 inputs");
    expect(() => interpret.saliency(net, x_a, 10)).toThrow('target class 10 is out of range for an output of shape [1, 10]');
    expect(() => interpret.saliency(net, x_a, torch.tensor([1.5]))).toThrow('class indices (int64)');
  });

  it('models with tuple outputs are explained through an output_selector', () => {
    class TwoHeads extends nn.Module {
      net = simplenet();
      override forward(x: Tensor): [Tensor, Tensor] {
        const out = this.net.call(x) as Tensor;
        return [out, out.mul(2)];
      }
    }
    const model = new TwoHeads().eval();
    const [c0] = live_classes(simplenet());
    expect(() => interpret.saliency(model, x_a, c0)).toThrow('the model returned an array of 2 values, not a Tensor; pass { output_selector }');
    const r = interpret.saliency(model, x_a, c0, { output_selector: (out) => (out as Tensor[])[1]! });
    expect(torch.allclose(r.grad, interpret.saliency(simplenet(), x_a, c0).grad.mul(2), { rtol: 1e-5, atol: 1e-7 })).toBe(true);
    const gc = interpret.grad_cam(model, x_a, c0, 'net.conv2', { output_selector: (out) => (out as Tensor[])[0]! });
    expect(gc.layer).toBe('net.conv2');
  });
});

describe('every tool removes the hooks it added', () => {
  const listing = (net: nn.Module): string[] => nn.utils.list_hooks(net).map((h) => `${h.path}:${h.kind}:${h.id}`);
  type Tool = (net: nn.Module, target: interpret.Target) => unknown;
  const tools: [string, Tool][] = [
    ['saliency', (net, t) => interpret.saliency(net, x_a, t)],
    ['smoothgrad', (net, t) => interpret.smoothgrad(net, x_a, t, { samples: 2 })],
    ['integrated_gradients', (net, t) => interpret.integrated_gradients(net, x_a, t, { steps: 2 })],
    ['guided_backprop', (net, t) => interpret.guided_backprop(net, x_a, t)],
    ['guided_backprop legacy', (net, t) => interpret.guided_backprop(net, x_a, t, { legacy: true })],
    ['deconvnet', (net, t) => interpret.deconvnet(net, x_a, t)],
    ['deconvnet legacy', (net, t) => interpret.deconvnet(net, x_a, t, { legacy: true })],
    ['grad_cam', (net, t) => interpret.grad_cam(net, x_a, t, 'conv2')],
    ['grad_cam_pp', (net, t) => interpret.grad_cam_pp(net, x_a, t, 'conv1')],
    ['guided_grad_cam', (net, t) => interpret.guided_grad_cam(net, x_a, t, 'conv2')],
    ['occlusion', (net, t) => interpret.occlusion(net, x_a, t, { patch: 14 })],
    ['class_visualization', (net, t) => interpret.class_visualization(net, t, { steps: 1, lr: 1, init: x_a })],
    ['capture', (net) => interpret.capture(net, 'conv2', () => net.call(x_a))],
    ['FeatureExtractor', (net) => {
      using fx = new interpret.FeatureExtractor(net, ['conv1', 'relu2'], { gradients: true });
      (net.call(x_a.detach().requires_grad_()) as Tensor).sum().backward();
      return fx.gradient('relu2');
    }],
    ['max_activating_patches', (net) => interpret.max_activating_patches(net, 'conv2', 0, batch2())],
    ['nearest_neighbours', (net) => interpret.nearest_neighbours(net, 'fc', x_a, batch2(), { k: 1 })],
  ];
  const targeted = new Set(['saliency', 'smoothgrad', 'integrated_gradients', 'guided_backprop', 'guided_backprop legacy', 'deconvnet', 'deconvnet legacy', 'grad_cam', 'grad_cam_pp', 'guided_grad_cam', 'occlusion', 'class_visualization']);

  /** A GuidedSimpleNet with hooks of its own, and a switch that makes its `out` layer throw. */
  function hooked_net(): { net: nn.Module; arm: () => void } {
    const net = guided_net();
    let armed = false;
    net.get_submodule('conv1').register_forward_pre_hook(() => undefined);
    net.get_submodule('out').register_forward_hook(() => {
      if (armed) throw new Error('boom in forward');
    });
    net.get_parameter('fc.weight').register_hook(() => undefined);
    return { net, arm: () => (armed = true) };
  }

  for (const [name, tool] of tools) {
    it(`${name}: after success`, () => {
      const { net } = hooked_net();
      const before = listing(net);
      expect(before.length).toBe(3);
      tool(net, 0);
      expect(listing(net)).toEqual(before);
      if (name !== 'FeatureExtractor') for (const p of net.parameters()) expect(p.grad).toBeNull();
    });
    it(`${name}: after the model throws in forward`, () => {
      const { net, arm } = hooked_net();
      const before = listing(net);
      arm();
      expect(() => tool(net, 0)).toThrow('boom in forward');
      expect(listing(net)).toEqual(before);
    });
    if (!targeted.has(name)) continue;
    it(`${name}: after the scoring function throws, and after a throw during backward`, () => {
      const { net } = hooked_net();
      const before = listing(net);
      expect(() => tool(net, () => { throw new Error('boom in scoring'); })).toThrow('boom in scoring');
      expect(listing(net)).toEqual(before);
      const throwing_backward = (out: Tensor): Tensor => {
        const s = out.index([{}, 0]);
        if (s.requires_grad) s.register_hook(() => { throw new Error('boom in backward'); });
        return s;
      };
      if (name !== 'occlusion') expect(() => tool(net, throwing_backward)).toThrow('boom in backward');
      expect(listing(net)).toEqual(before);
    });
  }

  it('cam: after success and after a throwing model', () => {
    const net = models.gap_net().eval();
    net.at(0).register_forward_hook(() => undefined);
    const before = listing(net);
    interpret.cam(net, x_a, 3, { feature_layer: '4', fc: '7' });
    expect(listing(net)).toEqual(before);
    net.at(7).register_forward_pre_hook(() => { throw new Error('boom in forward'); });
    const with_thrower = listing(net);
    expect(() => interpret.cam(net, x_a, 3, { feature_layer: '4', fc: '7' })).toThrow('boom in forward');
    expect(listing(net)).toEqual(with_thrower);
  });

  it('a layer that never runs is an error, and its hook is still removed', () => {
    const net = simplenet();
    net.add_module('unused', new nn.Conv2d(1, 2, 3));
    expect(() => interpret.grad_cam(net, x_a, 0, 'unused')).toThrow("layer 'unused' has not run since the FeatureExtractor was created or cleared");
    expect(listing(net)).toEqual([]);
    expect(() => interpret.grad_cam(net, x_a, 0, 'nope')).toThrow('SimpleNet has no attribute `nope`');
    expect(() => interpret.grad_cam(net, x_a, 0, 'fc')).toThrow("grad_cam needs a layer with output [N, K, h, w]; 'fc' output has shape [1, 50]");
    expect(listing(net)).toEqual([]);
  });

  it('guided backprop needs nn.ReLU modules', () => {
    expect(() => interpret.guided_backprop(simplenet(), x_a, 0)).toThrow('SimpleNet has no nn.ReLU modules to hook');
  });
});

describe('SmoothGrad and Integrated Gradients sanity', () => {
  it('smoothgrad without noise is the vanilla saliency; with noise it is seeded and differs', () => {
    const net = simplenet();
    const vanilla = interpret.saliency(net, x_a, 0);
    const quiet = interpret.smoothgrad(net, x_a, 0, { samples: 3, noise_level: 0 });
    expect(torch.allclose(quiet.saliency, vanilla.saliency, { rtol: 1e-5, atol: 1e-8 })).toBe(true);
    expect(torch.allclose(quiet.grad, vanilla.grad, { rtol: 1e-5, atol: 1e-8 })).toBe(true);
    expect(quiet.sigma).toEqual([0]);
    const a = interpret.smoothgrad(net, x_a, 0, { samples: 8, noise_level: 0.2, generator: new torch.Generator().manual_seed(7) });
    const b = interpret.smoothgrad(net, x_a, 0, { samples: 8, noise_level: 0.2, generator: new torch.Generator().manual_seed(7) });
    expect(Array.from(a.map.data_array())).toEqual(Array.from(b.map.data_array()));
    expect(torch.allclose(a.map, vanilla.map, { rtol: 1e-3, atol: 1e-6 })).toBe(false);
    expect(a.map.shape).toEqual([1, 28, 28]);
    expect(a.map.amin().item()).toBeGreaterThanOrEqual(0);
    const x = x_a.reshape([-1]);
    expect(a.sigma[0]).toBeCloseTo(0.2 * (x.amax().item() - x.amin().item()), 5);
  });

  it('integrated gradients are complete: Σ attribution ≈ f(x) − f(baseline) within 1%', () => {
    const net = simplenet();
    for (const [x, c] of [[x_a, 0], [x_a, 4], [x_c, 0]] as const) {
      const r = interpret.integrated_gradients(net, x, c, { baseline: 0, steps: 300 });
      const gap = r.scores.sub(r.baseline_scores).item();
      const total = r.attribution.sum().item();
      expect(Math.abs(total - gap), `sum ${total} vs f(x) − f(x') ${gap}`).toBeLessThanOrEqual(0.01 * Math.abs(gap));
      expect(r.delta.item()).toBeCloseTo(total - gap, 5);
      expect(r.baseline_scores.item()).toBeCloseTo((torch.no_grad(() => net.call(torch.zeros([1, 1, 28, 28]))) as Tensor).index([0, c]).item(), 6);
    }
  });

  it('integrated gradients of a linear model are exact for any rule: (x − x′)·W[c]', () => {
    const lin = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 3)).eval();
    const baseline = torch.full([1, 1, 28, 28], 0.25);
    const w = (lin.at(1) as nn.Linear).weight.detach().index([2]).reshape([1, 1, 28, 28]);
    const expected = x_a.sub(baseline).mul(w);
    for (const method of ['trapezoid', 'riemann_left', 'riemann_right', 'riemann_middle'] as const) {
      const r = interpret.integrated_gradients(lin, x_a, 2, { baseline, steps: 3, method });
      expect(torch.allclose(r.attribution, expected, { rtol: 1e-4, atol: 1e-6 })).toBe(true);
      expect(Math.abs(r.delta.item())).toBeLessThan(1e-4);
    }
    expect(() => interpret.integrated_gradients(lin, x_a, 2, { baseline: torch.zeros([3, 3]) })).toThrow('baseline of shape [3, 3] cannot be broadcast to the input shape [1, 1, 28, 28]');
    expect(() => interpret.integrated_gradients(lin, x_a, 2, { steps: 0 })).toThrow('steps must be a positive integer, got 0');
  });
});

describe('occlusion, CAM variants and class visualization', () => {
  it('occlusion with stride < patch: overlapping windows, per-pixel average in attribution', () => {
    const net = simplenet();
    const r = interpret.occlusion(net, x_a, 0, { patch: 8, stride: 4 });
    expect(r.rows).toEqual([0, 4, 8, 12, 16, 20]);
    const heat = r.heatmap.select(0, 0);
    const h = (a: number, b: number): number => heat.index([a, b]).item();
    const attr = (i: number, j: number): number => r.attribution.index([0, i, j]).item();
    expect(attr(0, 0)).toBeCloseTo(h(0, 0), 6);
    expect(attr(5, 5)).toBeCloseTo((h(0, 0) + h(0, 1) + h(1, 0) + h(1, 1)) / 4, 6);
    expect(attr(5, 27)).toBeCloseTo((h(0, 5) + h(1, 5)) / 2, 6);
    // one occluded copy by hand: the patch at (4, 6) filled with 0.5; the last column window is clipped to 24..27
    const o = interpret.occlusion(net, x_a, 0, { patch: [8, 6], stride: [4, 6], fill: 0.5 });
    expect(o.cols).toEqual([0, 6, 12, 18, 24]);
    const copy = x_a.clone();
    torch.no_grad(() => copy.index([0, 0, { start: 4, stop: 12 }, { start: 6, stop: 12 }]).fill_(0.5));
    const p = torch.no_grad(() => (net.call(copy) as Tensor).softmax(1).index([0, 0]));
    expect(o.occluded_probs.index([0, 1, 1]).item()).toBeCloseTo(p.item(), 6);
    expect(o.heatmap.index([0, 1, 1]).item()).toBeCloseTo(o.base_probs.item() - p.item(), 6);
    // a stride larger than the patch would skip pixels: refused, as Captum does
    expect(() => interpret.occlusion(net, x_a, 0, { patch: 7, stride: 8 })).toThrow('occlusion stride [8, 8] cannot be larger than the patch [7, 7]');
    // a stride that does not tile: Captum's placement clips the last window at the border, 'fit' leaves the edge at 0
    const cover = interpret.occlusion(net, x_a, 0, { patch: 6, stride: 4 });
    expect(cover.rows).toEqual([0, 4, 8, 12, 16, 20, 24]);
    expect(cover.attribution.index([0, 27, 27]).item()).not.toBe(0);
    const fit = interpret.occlusion(net, x_a, 0, { patch: 6, stride: 4, placement: 'fit' });
    expect(fit.rows).toEqual([0, 4, 8, 12, 16, 20]);
    expect(fit.attribution.index([0, 27, 27]).item()).toBe(0);
    expect(() => interpret.occlusion(net, x_a, 0, { patch: 29 })).toThrow('occlusion patch [29, 29] is larger than the input\'s [28, 28]');
  });

  it('grad_cam_pp follows its closed form; guided_grad_cam is guided backprop × the upsampled cam', () => {
    const net = guided_net();
    const r = interpret.grad_cam_pp(net, x_a, 0, 'conv2');
    const A = r.activations.select(0, 0).tolist() as number[][][];
    const G = r.grads.select(0, 0).tolist() as number[][][];
    const alpha = A.map((a, k) => {
      const sum_a = a.flat().reduce((s, v) => s + v, 0);
      return G[k]!.flat().reduce((s, g) => (g === 0 ? s : s + (g * g / (2 * g * g + sum_a * g ** 3 + 1e-6)) * Math.max(g, 0)), 0);
    });
    expect_tensor(r.alpha.select(0, 0), { shape: [A.length], data: alpha }, 'grad_cam_pp alpha', 1e-3, 1e-9);
    const gg = interpret.guided_grad_cam(net, x_a, 0, 'conv2');
    const gb = interpret.guided_backprop(guided_net(), x_a, 0).attribution;
    expect(torch.allclose(gg.guided, gb)).toBe(true);
    expect(torch.allclose(gg.attribution, gb.mul(gg.grad_cam.cam_upsampled!.unsqueeze(1)))).toBe(true);
    expect(interpret.grad_cam(net, x_a, 0, 'conv2', { upsample_to: null }).cam_upsampled).toBeNull();
    const no_relu = interpret.grad_cam(net, x_a, 0, 'conv2', { relu: false });
    expect(torch.allclose(no_relu.cam, no_relu.cam_pre_relu)).toBe(true);
  });

  it('cam needs class indices and an nn.Linear fc', () => {
    const net = models.gap_net().eval();
    expect(() => interpret.cam(net, x_a, (o) => o.index([{}, 0]), { feature_layer: '4', fc: '7' })).toThrow('cam needs class indices');
    expect(() => interpret.cam(net, x_a, 0, { feature_layer: '4', fc: '3' })).toThrow("cam: fc '3' is a Conv2d, expected an nn.Linear");
    expect(() => interpret.cam(net, x_a, 10, { feature_layer: '4', fc: '7' })).toThrow("target class 10 is out of range for fc '7' with 10 outputs");
  });

  it('class_visualization: clipping, seeded jitter, untouched parameters', () => {
    const net = simplenet();
    const init = x_c.clone();
    const clipped = interpret.class_visualization(net, 0, { steps: 4, lr: 5, l2: 0.001, init, clip: [-0.2, 0.3] });
    expect(clipped.image.amax().item()).toBeLessThanOrEqual(0.3 + 1e-7);
    expect(clipped.image.amin().item()).toBeGreaterThanOrEqual(-0.2 - 1e-7);
    expect(Array.from(init.data_array())).toEqual(Array.from(x_c.data_array()));
    const run = (): Tensor => interpret.class_visualization(net, 0, { steps: 3, lr: 1, l2: 0.01, input_shape: [1, 1, 28, 28], jitter: 2, generator: new torch.Generator().manual_seed(3) }).image;
    expect(Array.from(run().data_array())).toEqual(Array.from(run().data_array()));
    const scalars = interpret.class_visualization(net, 0, { steps: 2, lr: 1, init, trace: 'scalars' });
    expect(scalars.trace[1]!.grad).toBeUndefined();
    expect(() => interpret.class_visualization(net, 0, { steps: 1, lr: 1 })).toThrow('class_visualization needs { init } or { input_shape }');
    for (const p of net.parameters()) expect(p.grad).toBeNull();
  });
});

describe('FeatureExtractor and capture', () => {
  it('records outputs and the same gradients a full backward hook sees as grad_output[0]', () => {
    const net = simplenet();
    let go: Tensor | null = null;
    net.get_submodule('conv2').register_full_backward_hook((_m, _gi, grad_output) => {
      go = grad_output[0]!;
    });
    const fx = new interpret.FeatureExtractor(net, ['conv1', net.get_submodule('conv2')], { gradients: true });
    const out = net.call(x_a) as Tensor;
    out.index([0, 0]).backward();
    expect(fx.feature('conv1').shape).toEqual([1, 10, 24, 24]);
    expect(torch.allclose(fx.gradient(net.get_submodule('conv2')), go!)).toBe(true);
    expect(fx.features().size).toBe(2);
    expect(fx.gradient('conv1').shape).toEqual([1, 10, 24, 24]);
    torch.no_grad(() => net.call(x_a));
    expect(() => fx.gradient('conv1')).toThrow("no gradient was recorded for layer 'conv1': its output did not require grad");
    net.call(x_a);
    expect(() => fx.gradient('conv1')).toThrow("no gradient was recorded for layer 'conv1': no backward pass has reached its output yet");
    expect(() => fx.feature('fc')).toThrow("'fc' is not one of the recorded layers (conv1, conv2)");
    fx.remove();
    expect(nn.utils.list_hooks(net).map((h) => h.kind)).toEqual(['full_backward']);
    expect(fx.feature('conv2').shape).toEqual([1, 20, 8, 8]);
  });

  it('keeps one record per call, copies outputs, and cleans up with using', () => {
    const relu = new nn.Tanh();
    const twice = new nn.Sequential(new nn.Linear(3, 3), relu, new nn.Linear(3, 3), relu);
    const x = torch.tensor([[1, -2, 3]]);
    {
      using fx = new interpret.FeatureExtractor(twice, [relu]);
      twice.call(x);
      expect(fx.calls(relu)).toBe(2);
      expect(fx.calls('1')).toBe(2);
      expect(torch.allclose(fx.feature(relu, 0), fx.feature(relu, 1))).toBe(false);
      expect(() => fx.feature(relu, 2)).toThrow("layer '1' ran 2 time(s); call index 2 is out of range");
      expect(() => fx.gradient(relu)).toThrow('create it with { gradients: true }');
      fx.clear();
      expect(() => fx.feature(relu)).toThrow("layer '1' has not run since the FeatureExtractor was created or cleared");
    }
    expect(nn.utils.list_hooks(twice)).toEqual([]);
    // the recorded output is a copy: a later in-place ReLU on the very same tensor does not change it
    const inplace = new nn.Sequential(new nn.Identity(), new nn.ReLU({ inplace: true }));
    const v = torch.tensor([[1, -2, 3]]);
    const kept = interpret.capture(inplace, '0', () => inplace.call(v));
    expect(v.tolist()).toEqual([[1, 0, 3]]);
    expect(kept.tolist()).toEqual([[1, -2, 3]]);
    expect(() => new interpret.FeatureExtractor(twice, [new nn.Tanh()])).toThrow('Tanh is not a submodule of Sequential');
  });

  it('capture is the seed save_feat pattern in one line', () => {
    const net = simplenet();
    const saved: Tensor[] = [];
    const h = net.get_submodule('conv2').register_forward_hook((_m, _args, output) => {
      saved.push((output as Tensor).detach());
    });
    net.call(x_a);
    h.remove();
    const feat = interpret.capture(net, 'conv2', () => net.call(x_a));
    expect(torch.allclose(feat, saved[0]!)).toBe(true);
    expect(() => interpret.capture(net, 'conv2', () => { throw new Error('fn failed'); })).toThrow('fn failed');
    expect(nn.utils.list_hooks(net)).toEqual([]);
  });
});
