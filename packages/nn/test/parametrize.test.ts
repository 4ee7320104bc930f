// nn.utils.parametrize and nn.utils.parametrizations against real PyTorch (fixtures/utils/parametrize.json,
// written by make_parametrize.py there): the parametrizations tutorial's Symmetric and chained parametrizations on
// a Linear, assignment through right_inverse, removal, caching, and the spectral-norm parametrization.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { expect_values, from_values, load_fixture, type ShapeValues } from './fixture_utils.js';

const P = nn.utils.parametrize;
type Enc = ShapeValues;
type Rec = Record<string, unknown>;
interface Fixture {
  w0: Enc; b0: Enc; sym: Rec; chain: Rec; assigned: Rec; removed: Rec; removed_unparametrized: Enc; spectral: Rec;
  errors: Record<string, { type: string; message: string }>;
}
const F = load_fixture<Fixture>(new URL('./fixtures/utils/parametrize.json', import.meta.url));
const t = from_values;
const close = expect_values;
const names = (it: Iterable<[string, unknown]>): string[] => [...it].map(([n]) => n);

class Symmetric extends nn.Module {
  static override readonly __name__: string = 'Symmetric';
  override forward(X: Tensor): Tensor {
    return X.triu().add(X.triu(1).transpose(-1, -2));
  }
  right_inverse(A: Tensor): Tensor {
    return A.triu();
  }
}
class Double extends nn.Module {
  static override readonly __name__: string = 'Double';
  override forward(X: Tensor): Tensor {
    return X.mul(2);
  }
  right_inverse(X: Tensor): Tensor {
    return X.div(2);
  }
}
type PLinear = nn.Linear & { parametrizations: nn.ModuleDict };
const original = (m: PLinear): nn.Parameter => (m.parametrizations.get('weight') as unknown as { original: nn.Parameter }).original;
function linear(w: Enc, b: Enc): PLinear {
  const l = new nn.Linear(w.shape[1]!, w.shape[0]!);
  torch.no_grad(() => {
    l.weight.copy_(t(w));
    l.bias!.copy_(t(b));
  });
  return l as PLinear;
}

describe('nn.utils.parametrize against PyTorch', () => {
  it('register, chain, assign through right_inverse, remove', () => {
    const layer = linear(F.w0, F.b0);
    P.register_parametrization(layer, 'weight', new Symmetric());
    const S = F.sym;
    close(layer.weight, S.weight as Enc, 'symmetric weight');
    expect(String(layer)).toBe(S.repr);
    expect(layer._get_name()).toBe(S.cls);
    expect(Object.keys(layer.state_dict())).toEqual(S.state_keys);
    close(original(layer), S.original as Enc, 'original (right_inverse of the weight)');
    expect(names(layer.named_parameters())).toEqual(S.params);
    expect(P.is_parametrized(layer)).toBe(S.is_param);
    expect(P.is_parametrized(layer, 'bias')).toBe(S.is_param_bias);
    expect(layer.weight.grad_fn?.name()).toBe(S.grad_fn);
    expect(layer).toBeInstanceOf(nn.Linear);
    expect(P.type_before_parametrizations(layer)).toBe(nn.Linear);

    P.register_parametrization(layer, 'weight', new Double());
    const C = F.chain;
    close(layer.weight, C.weight as Enc, 'chained weight');
    const y = layer.call(torch.linspace(-1, 1, 6).reshape(2, 3)) as Tensor;
    close(y, C.y as Enc, 'forward');
    y.pow(2).sum().backward();
    close(original(layer).grad!, C.orig_grad as Enc, 'original.grad');
    expect(String(layer)).toBe(C.repr);

    torch.no_grad(() => {
      (layer as unknown as { weight: Tensor }).weight = torch.eye(3).mul(4);
    });
    close(original(layer), F.assigned.original as Enc, 'original after assignment');
    close(layer.weight, F.assigned.weight as Enc, 'weight after assignment');

    P.remove_parametrizations(layer, 'weight');
    close(layer.weight, F.removed.weight as Enc, 'weight after removal');
    expect(layer._get_name()).toBe(F.removed.cls);
    expect(names(layer.named_parameters())).toEqual(F.removed.params);
    expect(String(layer)).toBe(F.removed.repr);
    expect(layer.weight).toBeInstanceOf(nn.Parameter);

    const layer2 = linear(F.w0, F.b0);
    P.register_parametrization(layer2, 'weight', new Symmetric());
    P.remove_parametrizations(layer2, 'weight', false);
    close(layer2.weight, F.removed_unparametrized, 'original left after removal');
  });

  it('cached() computes a parametrized tensor once', () => {
    const layer = linear(F.w0, F.b0);
    let calls = 0;
    class Count extends nn.Module {
      static override readonly __name__: string = 'Count';
      override forward(x: Tensor): Tensor {
        calls++;
        return x;
      }
    }
    P.register_parametrization(layer, 'weight', new Count());
    calls = 0;
    P.cached(() => {
      void layer.weight;
      void layer.weight;
    });
    expect(calls).toBe(1);
    void layer.weight;
    expect(calls).toBe(2);
  });

  it('deepcopy and state_dict loading keep a parametrized module working; torch.save refuses it as PyTorch', () => {
    const layer = linear(F.w0, F.b0);
    P.register_parametrization(layer, 'weight', new Symmetric());
    const copy = nn.deepcopy(layer) as PLinear;
    expect(copy.weight.tolist()).toEqual(layer.weight.tolist());
    torch.no_grad(() => original(copy).mul_(0));
    expect(copy.weight.abs().sum().item()).toBe(0);
    expect(layer.weight.abs().sum().item()).toBeGreaterThan(0);
    const other = linear(F.w0, F.b0);
    P.register_parametrization(other, 'weight', new Symmetric());
    other.load_state_dict(copy.state_dict());
    expect(other.weight.abs().sum().item()).toBe(0);
    expect(() => torch.save(layer, null)).toThrow('Serialization of parametrized modules is only supported through state_dict()');
  });

  it('errors in PyTorch\'s words', () => {
    const E = F.errors;
    expect(() => P.register_parametrization(new nn.Linear(2, 2), 'nope', new Symmetric())).toThrow(E.no_such!.message);
    const l = new nn.Linear(2, 3);
    expect(() => P.register_parametrization(l, 'weight', new Symmetric())).toThrow(E.shape!.message);
    expect(names(l.named_parameters())).toEqual(['weight', 'bias']);
    expect(() => P.remove_parametrizations(new nn.Linear(2, 2), 'weight')).toThrow(E.remove_missing!.message);
    const id = P.register_parametrization(new nn.Linear(2, 2), 'weight', new nn.Identity());
    expect(() => ((id as unknown as { weight: Tensor }).weight = torch.ones(2, 2))).toThrow(E.no_right_inverse!.message);
  });
});

describe('nn.utils.parametrizations against PyTorch', () => {
  it('spectral_norm: u and v from the default generator and 15 power iterations, training and eval forwards', () => {
    const S = F.spectral;
    const lin = linear(S.w as Enc, S.b as Enc);
    torch.manual_seed(6);
    nn.utils.parametrizations.spectral_norm(lin);
    const sn = (lin.parametrizations.get('weight') as nn.ModuleList).at(0) as unknown as { _u: Tensor; _v: Tensor };
    close(sn._u, S.u as Enc, 'u');
    close(sn._v, S.v as Enc, 'v');
    close(lin.weight, S.weight as Enc, 'weight');
    expect(Object.keys(lin.state_dict())).toEqual(S.state_keys);
    expect(String(lin)).toBe(S.repr);
    const xs = torch.linspace(-1, 1, 8).reshape(2, 4);
    close(lin.call(xs) as Tensor, S.y as Enc, 'training forward');
    close(sn._u, S.u1 as Enc, 'u after one more iteration');
    lin.eval();
    close(lin.call(xs) as Tensor, S.y_eval as Enc, 'eval forward');
  });
  it('weight_norm: g and v as original0 / original1, equal to the hook version, and old state dicts load', () => {
    torch.manual_seed(3);
    const a = new nn.Linear(4, 3);
    const b = nn.deepcopy(a);
    nn.utils.parametrizations.weight_norm(a);
    const hooked = nn.utils.weight_norm(b) as nn.Linear & { weight_g: Tensor; weight_v: Tensor };
    const list = (a as PLinear).parametrizations.get('weight') as unknown as { original0: Tensor; original1: Tensor };
    expect(list.original0.tolist()).toEqual(hooked.weight_g.tolist());
    expect(list.original1.tolist()).toEqual(hooked.weight_v.tolist());
    const x = torch.randn(2, 4);
    expect((a.call(x) as Tensor).tolist()).toEqual((hooked.call(x) as Tensor).tolist());
    expect(Object.keys(a.state_dict())).toEqual(['bias', 'parametrizations.weight.original0', 'parametrizations.weight.original1']);
    torch.no_grad(() => hooked.weight_g.mul_(3));
    a.load_state_dict(hooked.state_dict());
    expect((a.call(x) as Tensor).tolist()).toEqual((hooked.call(x) as Tensor).tolist());
  });
});
