// Bad constructor arguments and bad forward inputs across torch.nn's families (fixtures/nn_errors.json, written by
// make_nn_errors.py from real PyTorch with 2.x's words where 1.13's differ): tsgrad must raise PyTorch's message
// (its first line; a TypeError where PyTorch raises one) and leave the module's parameters and buffers unchanged.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { load_fixture } from './fixture_utils.js';
import { build, input_value, type Ctor } from './module_specs.js';

interface Probe {
  id: string; ctor: Ctor; python: string; mode: 'train' | 'eval'; stage: 'ctor' | 'forward';
  inputs?: unknown[]; forward_kwargs?: Record<string, unknown>; error: string; message: string;
}
const { probes } = load_fixture<{ probes: Probe[] }>(new URL('./fixtures/nn_errors.json', import.meta.url));

/** The thrown error, or a failure naming what was expected. */
function thrown(fn: () => unknown, p: Probe): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  return expect.fail(`${p.python} raised nothing; PyTorch raises ${p.error}: ${p.message}`);
}

const snapshot = (m: nn.Module): [string, number[]][] => Object.entries(m.state_dict()).map(([k, v]) => [k, Array.from((v as Tensor)._contiguous_data(), Number)]);

describe('torch.nn errors (nn_errors.json)', () => {
  for (const p of probes) {
    it(`${p.id}: ${p.python}`, () => {
      torch.manual_seed(0);
      let e: Error;
      if (p.stage === 'ctor') e = thrown(() => build(p.ctor), p);
      else {
        const m = build(p.ctor);
        if (p.mode === 'eval') m.eval();
        const before = snapshot(m);
        const inputs = (p.inputs ?? []).map((v) => input_value(v));
        const kwargs = Object.fromEntries(Object.entries(p.forward_kwargs ?? {}).map(([k, v]) => [k, input_value(v)]));
        e = thrown(() => (Object.keys(kwargs).length > 0 ? m.call(...inputs, nn.kwargs(kwargs)) : m.call(...inputs)), p);
        expect(snapshot(m), 'state after the failed call').toEqual(before);
      }
      expect(e.message.split('\n')[0]).toBe(p.message);
      if (p.error === 'TypeError') expect(e).toBeInstanceOf(TypeError);
    });
  }
});
