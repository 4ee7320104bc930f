// The page's model code under Node: weights from bytes, hooks, one analysis, and Grad-CAM placed by receptive field.
import { readFileSync } from 'node:fs';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { cams, interpret, models } from '@tsgrad/vision';
import { describe, expect, it } from 'vitest';
import { decode_digits, type DigitsFile } from '../src/digits.js';
import { normalize_mnist } from '../src/preprocess.js';
import { analyze, attribute_with, LAYERS, load_model, METHODS, place_on_input, release } from '../src/model.js';

const weights = new Uint8Array(readFileSync(new URL('../public/simplenet_mnist.safetensors', import.meta.url)));
const digits = decode_digits(JSON.parse(readFileSync(new URL('../public/mnist_digits.json', import.meta.url), 'utf8')) as DigitsFile);

describe('load_model and analyze', () => {
  it('classifies a stored digit and captures every layer with forward hooks', () => {
    const model = load_model(weights, 'simplenet_mnist.safetensors');
    expect(model.metadata).toMatchObject({ format: 'pt', trained_on: 'mnist' });
    expect(model.parameters).toBe(21840);
    const seven = digits.find((d) => d.label === 7)!;
    const a = analyze(model, seven.pixels, { target: null, cam_layer: 'conv2', placement: 'receptive_field' });
    expect([a.predicted, a.explained]).toEqual([7, 7]);
    expect(a.probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
    expect(Object.fromEntries([...a.activations].map(([k, t]) => [k, t.shape]))).toEqual({
      conv1: [1, 10, 24, 24], pool1: [1, 10, 12, 12], conv2: [1, 20, 8, 8], pool2: [1, 20, 4, 4], fc: [1, 50], out: [1, 10],
    });
    expect([a.saliency.length, a.guided.length, a.grad_cam.length]).toEqual([784, 784, 784]);
    expect(Math.min(...a.guided)).toBeGreaterThanOrEqual(0);
    const other = analyze(model, seven.pixels, { target: 3, cam_layer: 'conv1', placement: 'stretch' });
    expect([other.predicted, other.explained]).toEqual([7, 3]);
    // the hooks are the page's only ones, and release removes them
    expect(LAYERS.map((l) => model.net.get_submodule(l)._forward_hooks.size)).toEqual([1, 1, 1, 1, 1, 1]);
    release(model);
    expect(LAYERS.map((l) => model.net.get_submodule(l)._forward_hooks.size)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it.each([
    { kind: 'not safetensors', bytes: new TextEncoder().encode('hello'), message: 'header' },
    { kind: 'another net', bytes: nn.serialize({ 'conv1.weight': torch.zeros([10, 1, 3, 3]) }), message: 'Missing key(s) in state_dict' },
    {
      kind: 'wrong shapes',
      bytes: nn.serialize({ ...new models.SimpleNet().state_dict(), 'fc.weight': torch.zeros([50, 300]) }),
      message: 'size mismatch for fc.weight',
    },
  ])('throws for $kind', ({ bytes, message }) => {
    expect(() => load_model(bytes, 'x.safetensors')).toThrow(message);
  });
});

describe('the method picker', () => {
  it('computes every Captum and pytorch-grad-cam method as a finite, non-negative 28×28 map, leaving only the page\'s hooks', () => {
    const model = load_model(weights, 'simplenet_mnist.safetensors');
    const seven = digits.find((d) => d.label === 7)!;
    const before = nn.utils.list_hooks(model.net).length + nn.utils.list_hooks(model.guided).length;
    expect(before).toBe(6);
    expect(new Set(METHODS.map((m) => m.id)).size).toBe(METHODS.length);
    for (const m of METHODS) {
      const { map, ms } = attribute_with(model, m.id, seven.pixels, 7, 'conv2');
      expect(map.length, m.id).toBe(784);
      expect(map.every((v) => Number.isFinite(v) && v >= 0), m.id).toBe(true);
      expect(Math.max(...map), m.id).toBeGreaterThan(0);
      expect(ms, m.id).toBeGreaterThanOrEqual(0);
      expect(nn.utils.list_hooks(model.net).length + nn.utils.list_hooks(model.guided).length, m.id).toBe(before);
    }
    // the pytorch-grad-cam entries are the cams classes on the chosen layer
    const x = torch.from_array(normalize_mnist(seven.pixels), [1, 1, 28, 28], 'float32');
    using cam = new cams.GradCAMPlusPlus({ model: model.net, target_layers: [model.net.get_submodule('conv1')] });
    const direct = cam.call({ input_tensor: x, targets: [new cams.ClassifierOutputTarget(3)] });
    const picked = attribute_with(model, 'GradCAMPlusPlus', seven.pixels, 3, 'conv1').map;
    expect(Math.max(...Array.from(direct.data_array(), (v, k) => Math.abs(Number(v) - picked[k]!)))).toBeLessThan(1e-5);
    expect(() => attribute_with(model, 'Magic', seven.pixels, 3, 'conv1')).toThrow("unknown method 'Magic'");
    release(model);
  });
});

describe('place_on_input', () => {
  it("puts a unit's value at the centre of its receptive field", () => {
    const rf = interpret.receptive_field(new models.SimpleNet(), 'conv2');
    expect([rf.start, rf.jump]).toEqual([[6.5, 6.5], [2, 2]]);
    const delta = new Float32Array(64);
    delta[3 * 8 + 4] = 1;
    const map = torch.from_array(delta, [8, 8], 'float32');
    const out = place_on_input(map, rf, 28);
    // unit (3, 4) is centred at (12.5, 14.5): pixels 12–13 by 14–15 share the peak
    const peak = Math.max(...out);
    const at_peak = [...out.keys()].filter((k) => out[k] === peak).map((k) => [Math.floor(k / 28), k % 28]);
    expect(at_peak).toEqual([[12, 14], [12, 15], [13, 14], [13, 15]]);
    expect(peak).toBeCloseTo(0.75 * 0.75, 6);
  });

  it('is the identity where the map already sits on the input grid', () => {
    const map = torch.rand([28, 28]);
    expect(Array.from(place_on_input(map, { size: [1, 1], jump: [1, 1], start: [0, 0] }, 28))).toEqual(Array.from(map.data_array()));
  });
});
