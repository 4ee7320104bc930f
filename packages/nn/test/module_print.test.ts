// What print() shows for Module containers: named_* items as tuples, state_dict as OrderedDict, load_state_dict's result.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';

function linear(): nn.Linear {
  const l = new nn.Linear(2, 1);
  torch.no_grad(() => {
    l.weight.copy_(torch.tensor([[0.5, -1.0]]));
    l.bias!.fill_(0.25);
  });
  return l;
}

describe('printing Module containers as Python does (texts from PyTorch on Python 3.11)', () => {
  it('named_parameters / named_children / named_modules / named_buffers items print as tuples', () => {
    const texts = [...linear().named_parameters()].map((p) => inspect(p));
    expect(texts).toEqual([
      "('weight', Parameter containing:\ntensor([[ 0.5000, -1.0000]], requires_grad=True))",
      "('bias', Parameter containing:\ntensor([0.2500], requires_grad=True))",
    ]);
    expect(String([...new nn.Sequential(new nn.ReLU()).named_children()][0])).toBe("('0', ReLU())");
    expect(String([...new nn.Sequential(new nn.ReLU()).named_modules()][1])).toBe("('0', ReLU())");
    expect(String([...new nn.BatchNorm1d(1).named_buffers()][2])).toBe("('num_batches_tracked', tensor(0))");
    const [name, p] = [...linear().named_parameters()][0]!; // still destructures as an array
    expect([name, p.shape]).toEqual(['weight', [1, 2]]);
  });

  it('state_dict prints as an OrderedDict', () => {
    expect(String(linear().state_dict())).toBe("OrderedDict([('weight', tensor([[ 0.5000, -1.0000]])), ('bias', tensor([0.2500]))])");
    expect(inspect(new nn.Module().state_dict())).toBe('OrderedDict()');
  });

  it("load_state_dict's result prints as PyTorch's _IncompatibleKeys", () => {
    expect(String(linear().load_state_dict(linear().state_dict()))).toBe('<All keys matched successfully>');
    const r = linear().load_state_dict({ weight: torch.ones([1, 2]), zzz: torch.ones([1]) }, { strict: false });
    expect(inspect(r)).toBe("_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['zzz'])");
    expect(r).toEqual({ missing_keys: ['bias'], unexpected_keys: ['zzz'] });
  });
});
