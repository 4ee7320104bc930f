// nn.ParameterList and nn.ParameterDict against PyTorch: what they register, in which order, how they print, and
// that calling them raises (expected texts from PyTorch 1.13, the same in 2.x).
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { capture_warnings } from './fixture_utils.js';

describe('parameter containers', () => {
  it('ParameterList registers tensors as parameters under their positions and prints their dtypes', () => {
    const frozen = new nn.Parameter(torch.zeros([2]), false);
    const l = new nn.ParameterList([torch.ones([3, 4]), frozen]);
    l.append(torch.ones([5], { dtype: 'float64' }));
    expect(String(l)).toBe(
      'ParameterList(\n    (0): Parameter containing: [torch.float32 of size 3x4]\n    (1): Parameter containing: [torch.float32 of size 2]\n    (2): Parameter containing: [torch.float64 of size 5]\n)',
    );
    expect([...l.named_parameters()].map(([n, p]) => [n, p.shape, p.requires_grad])).toEqual([['0', [3, 4], true], ['1', [2], false], ['2', [5], true]]);
    expect(l.at(1)).toBe(frozen);
    expect(l.at(-1).dtype).toBe(torch.float64);
    expect(() => l.at(3)).toThrow('index 3 is out of range');
    expect(String(new nn.ParameterList())).toBe('ParameterList()');
    expect(() => l.call()).toThrow('ParameterList should not be called.');
    expect(() => l.extend(torch.ones([2]) as never)).toThrow('ParameterList.extend should be called with an iterable, but got Tensor');
  });

  it('ParameterDict sorts a plain object, keeps a Map in order, and names state_dict keys inside a parent', () => {
    const d = new nn.ParameterDict({ b: torch.ones([2]), a: torch.zeros([1, 3]) });
    d.set('c', torch.ones([4]));
    expect(String(d)).toBe(
      'ParameterDict(\n    (a): Parameter containing: [torch.FloatTensor of size 1x3]\n    (b): Parameter containing: [torch.FloatTensor of size 2]\n    (c): Parameter containing: [torch.FloatTensor of size 4]\n)',
    );
    expect(d.keys()).toEqual(['a', 'b', 'c']);
    expect(new nn.ParameterDict(new Map([['z', torch.ones([1])], ['y', torch.ones([1])]])).keys()).toEqual(['z', 'y']);
    class Holder extends nn.Module {
      p = d;
      l = new nn.ParameterList([torch.ones([1]), torch.ones([1]), torch.ones([1])]);
    }
    expect(Object.keys(new Holder().state_dict())).toEqual(['p.a', 'p.b', 'p.c', 'l.0', 'l.1', 'l.2']);
    expect(d.pop('b').shape).toEqual([2]);
    expect(d.has('b')).toBe(false);
    expect(() => d.get('b')).toThrow("KeyError: 'b'");
    expect(() => d.call()).toThrow('ParameterDict should not be called.');
  });
});

describe('nn.Container (deprecated, in PyTorch 2.x\'s torch.nn.modules.__all__)', () => {
  it('adds its keyword arguments as children in order, prints as PyTorch, and warns as PyTorch does', () => {
    // PyTorch 1.13 / 2.x: nn.Container(fc=nn.Linear(2, 3), act=nn.ReLU())
    const [c, warnings] = capture_warnings(() => new nn.Container({ fc: new nn.Linear(2, 3), act: new nn.ReLU() }));
    expect(warnings).toEqual([{ category: 'UserWarning', message: "nn.Container is deprecated. All of it's functionality is now implemented in nn.Module. Subclass that instead." }]);
    expect(String(c)).toBe('Container(\n  (fc): Linear(in_features=2, out_features=3, bias=True)\n  (act): ReLU()\n)');
    expect(Object.keys(c.state_dict())).toEqual(['fc.weight', 'fc.bias']);
    expect([...c.named_children()].map(([n]) => n)).toEqual(['fc', 'act']);
  });
});
