// Captum's attribution classes against the real Captum (fixtures/attr/attr.json), data-driven.
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { describe, expect, it } from 'vitest';
import * as attr from '../../src/attr/index.js';
import { expect_tensor, load_fixture, type TensorJSON } from '../fixture_utils.js';
import { build_net, decode } from './attr_nets.js';

interface Case {
  name: string;
  net?: string;
  class: string;
  ctor?: Record<string, unknown>;
  inputs: TensorJSON[];
  tuple?: boolean;
  kwargs: Record<string, unknown>;
  expected: TensorJSON[];
  error?: string;
  expected_tuple?: boolean;
  delta?: TensorJSON | null;
  draws?: Record<string, unknown>;
}
interface Fixture {
  nets: Record<string, { seed: number; state_dict: Record<string, TensorJSON> }>;
  cases: Case[];
}

const fixture = load_fixture<Fixture>(new URL('../fixtures/attr/attr.json', import.meta.url));
const RTOL = 1e-4;
const ATOL = 1e-6;

type Method = { attribute(inputs: Tensor | Tensor[], options: Record<string, unknown>): unknown };

function make(c: Case, net: nn.Module): Method {
  const ctor = c.ctor ?? {};
  const path = ctor['layer'] as string | string[] | undefined;
  const layer = path === undefined ? [] : [Array.isArray(path) ? path.map((p) => net.get_submodule(p)) : net.get_submodule(path)];
  const cls = (attr as unknown as Record<string, new (...a: unknown[]) => Method>)[c.class];
  if (cls === undefined) throw new Error(`no attr.${c.class}`);
  if (ctor['multiply_by_inputs'] === false) return new cls(net, false);
  if (c.class === 'NoiseTunnel') return new cls(make({ ...c, class: ctor['method'] as string, ctor: {} }, net));
  if (c.class === 'Lime' || c.class === 'KernelShap') {
    const recorded = [...((c.draws?.['interpretable'] ?? []) as number[][])];
    const perturb_func = (): number[] => recorded.shift() ?? (() => { throw new Error('ran out of recorded samples'); })();
    if (c.class === 'KernelShap') return new cls(net, { perturb_func });
    const interpretable_model = ctor['interpretable_model'] === 'lasso' ? new attr.SkLearnLasso({ alpha: 0.01 }) : new attr.SkLearnLinearRegression();
    return new cls(net, { interpretable_model, perturb_func });
  }
  return new cls(net, ...layer);
}

/** A random source replaying the draws Captum made (noise tensors, baseline indices), in order. */
function replay(draws: Record<string, unknown>): attr.RandomSource {
  const noise = [...((decode(draws['noise'] ?? []) as Tensor[]))];
  const choices = [...((draws['choices'] ?? []) as number[][])];
  const uniforms = [...((draws['uniforms'] ?? []) as number[][])];
  const perms = [...((draws['perms'] ?? []) as number[][])];
  return {
    normal: (shape) => {
      const t = noise.shift();
      if (t === undefined) throw new Error('ran out of recorded noise');
      expect(t.shape).toEqual([...shape]);
      return t;
    },
    choice: (_n, count) => {
      const c = choices.shift();
      if (c === undefined) throw new Error('ran out of recorded choices');
      expect(c.length).toBe(count);
      return c;
    },
    randperm: (n) => {
      const p = perms.shift();
      if (p === undefined) throw new Error('ran out of recorded permutations');
      expect(p.length).toBe(n);
      return p;
    },
    uniform: (count) => {
      const u = uniforms.shift();
      if (u === undefined) throw new Error('ran out of recorded uniforms');
      expect(u.length).toBe(count);
      return u;
    },
  };
}

function check(c: Case): void {
  const inputs = c.inputs.map((t) => decode(t) as Tensor);
  const kwargs = decode(c.kwargs) as Record<string, unknown>;
  if (c.class === 'visualization') {
    const signs = [['absolute_value', 2], ['all', 2], ['positive', 5], ['negative', 0]] as const;
    signs.forEach(([sign, perc], i) => expect_tensor(attr.visualization.normalize_attr(inputs[0]!, sign, perc), c.expected[i]!, `${c.name} ${sign}`, 1e-5, 1e-6));
    return;
  }
  if (c.class === 'LayerAttribution.interpolate') {
    const out = attr.LayerAttribution.interpolate(inputs[0]!, kwargs['interpolate_dims'] as number[], kwargs['interpolate_mode'] as 'nearest' | undefined);
    expect_tensor(out, c.expected[0]!, c.name, RTOL, ATOL);
    return;
  }
  const net = build_net(c.net!, fixture.nets[c.net!]!.state_dict);
  const method = make(c, net);
  const x = c.tuple ? inputs : inputs[0]!;
  if (c.draws && c.class !== 'Lime' && c.class !== 'KernelShap') kwargs['random'] = replay(c.draws);
  if (c.error !== undefined) {
    expect(() => method.attribute(x, kwargs)).toThrow(c.error);
    expect(nn.utils.list_hooks(net)).toEqual([]);
    return;
  }
  let out = method.attribute(x, kwargs);
  let delta: Tensor | null = null;
  if (kwargs['return_convergence_delta']) [out, delta] = out as [unknown, Tensor];
  const outs = Array.isArray(out) ? (out as Tensor[]) : [out as Tensor];
  expect(Array.isArray(out)).toBe(c.expected_tuple ?? false);
  expect(outs.length).toBe(c.expected.length);
  outs.forEach((o, i) => expect_tensor(o, c.expected[i]!, `${c.name} attribution ${i}`, RTOL, ATOL));
  if (c.delta) expect_tensor(delta, c.delta, `${c.name} delta`, RTOL, 1e-5);
  expect(nn.utils.list_hooks(net)).toEqual([]);
}

describe('attr: Captum classes equal Captum', () => {
  for (const c of fixture.cases) {
    it(c.name, () => check(c));
  }
});

describe('attr: bad input gives clear errors and leaves no hook behind', () => {
  const net = (): nn.Module => build_net('cnn', fixture.nets['cnn']!.state_dict);
  const x = (): Tensor => decode(fixture.cases.find((c) => c.net === 'cnn')!.inputs[0]) as Tensor;
  const cases: [string, (m: nn.Module) => unknown, string][] = [
    ['target out of range', (m) => new attr.GuidedBackprop(m).attribute(x(), { target: 7 }), 'index 7 is out of bounds for dimension 1 with size 4'],
    ['per-sample targets of the wrong length', (m) => new attr.Saliency(m).attribute(x(), { target: [1, 2, 3] }), 'Target list length 3 does not match'],
    ['baselines of the wrong shape', (m) => new attr.IntegratedGradients(m).attribute(x(), { target: 0, baselines: decode({ shape: [1, 1, 5, 5], data: new Array(25).fill(0) }) as Tensor }),
      'baselines 0 has shape [1, 1, 5, 5] but input 0 has shape [2, 1, 12, 12]'],
    ['a layer that does not exist', (m) => new attr.LayerGradCam(m, 'conv9'), 'has no attribute `conv9`'],
    ['a feature mask that does not cover the input', (m) => new attr.FeatureAblation(m).attribute(x(), { target: 0, feature_mask: decode({ shape: [1, 1, 5, 5], dtype: 'int64', data: new Array(25).fill(0) }) as Tensor }),
      'feature_mask 0 of shape [1, 1, 5, 5] does not cover input 0 of shape [2, 1, 12, 12]'],
    ['an unknown option', (m) => new attr.Saliency(m).attribute(x(), { targte: 1 } as never), "Saliency.attribute() got an unexpected keyword argument 'targte'"],
    ['a stride larger than the window', (m) => new attr.Occlusion(m).attribute(x(), { target: 0, sliding_window_shapes: [1, 3, 3], strides: [1, 4, 4] }),
      'Stride dimension [1, 4, 4] cannot be larger than sliding window shape dimension [1, 3, 3].'],
    ['an unknown integration method', (m) => new attr.IntegratedGradients(m).attribute(x(), { target: 0, method: 'simpson' as never }), 'Approximation method must be one for the following'],
  ];
  for (const [what, run, message] of cases) {
    it(what, () => {
      const m = net();
      expect(() => run(m)).toThrow(message);
      expect(nn.utils.list_hooks(m)).toEqual([]);
    });
  }

  it('a model that throws mid-call keeps only its own hooks', () => {
    const m = net();
    const boom = m.get_submodule('4').register_forward_hook(() => {
      throw new Error('boom in forward');
    });
    const before = nn.utils.list_hooks(m).length;
    const methods: [string, () => unknown][] = [
      ['GuidedBackprop', () => new attr.GuidedBackprop(m).attribute(x(), { target: 0 })],
      ['Deconvolution', () => new attr.Deconvolution(m).attribute(x(), { target: 0 })],
      ['LayerGradCam', () => new attr.LayerGradCam(m, '3').attribute(x(), { target: 0 })],
      ['LayerActivation', () => new attr.LayerActivation(m, '0').attribute(x())],
      ['GuidedGradCam', () => new attr.GuidedGradCam(m, '3').attribute(x(), { target: 0 })],
    ];
    for (const [name, run] of methods) {
      expect(run, name).toThrow('boom in forward');
      expect(nn.utils.list_hooks(m).length, name).toBe(before);
    }
    boom.remove();
    expect(nn.utils.list_hooks(m)).toEqual([]);
  });
});
