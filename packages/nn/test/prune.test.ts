// nn.utils.prune against real PyTorch (fixtures/utils/prune.json, written by make_prune.py there), following the
// pruning tutorial's steps on a small LeNet: random / L1 / Ln-structured / iterative pruning of one conv, the
// forward through the pre-hooks, remove, global L1 pruning, is_pruned, and PyTorch's errors.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { expect_values, from_values, load_fixture, type ShapeValues } from './fixture_utils.js';

const prune = nn.utils.prune;
type Enc = ShapeValues;
interface Fixture {
  state: Record<string, Enc>; x: Enc; steps: Record<string, unknown>[];
  global: Record<string, number | Enc | string>; random_structured_mask: Enc; errors: Record<string, { type: string; message: string }>;
}
const F = load_fixture<Fixture>(new URL('./fixtures/utils/prune.json', import.meta.url));
const t = from_values;
const close = expect_values;
const names = (it: Iterable<[string, unknown]>): string[] => [...it].map(([n]) => n);

class LeNet extends nn.Module {
  static override readonly __name__: string = 'LeNet';
  conv1 = new nn.Conv2d(1, 6, 3);
  conv2 = new nn.Conv2d(6, 16, 3);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);
  override forward(x: Tensor): Tensor {
    x = nn.functional.max_pool2d(nn.functional.relu(this.conv1.call(x)), [2, 2]);
    x = nn.functional.max_pool2d(nn.functional.relu(this.conv2.call(x)), 2);
    x = x.view(-1, x.numel() / x.shape[0]!);
    x = nn.functional.relu(this.fc1.call(x));
    x = nn.functional.relu(this.fc2.call(x));
    return this.fc3.call(x);
  }
}
function lenet(): LeNet {
  const m = new LeNet();
  m.load_state_dict(Object.fromEntries(Object.entries(F.state).map(([k, v]) => [k, t(v)])));
  return m;
}

describe('nn.utils.prune against PyTorch (the pruning tutorial on LeNet)', () => {
  it('random, L1, Ln-structured and iterative pruning of one conv; forward; remove', () => {
    const model = lenet();
    const m = model.conv1 as nn.Conv2d & { weight_mask: Tensor; bias_mask: Tensor };
    const S = F.steps as Record<string, unknown>[];
    torch.manual_seed(42);
    prune.random_unstructured(m, 'weight', 0.3);
    expect(names(m.named_parameters())).toEqual(S[0]!.params);
    expect(names(m.named_buffers())).toEqual(S[0]!.buffers);
    // the mask from torch.rand_like's draw, as PyTorch's
    close(m.weight_mask, S[0]!.mask as Enc, 'random mask');
    expect(m._forward_pre_hooks.size).toBe(1);
    prune.l1_unstructured(m, 'bias', 3);
    expect(names(m.named_parameters())).toEqual(S[1]!.params);
    expect(names(m.named_buffers())).toEqual(S[1]!.buffers);
    close(m.bias_mask, S[1]!.mask as Enc, 'bias mask');
    close(m.bias!, S[1]!.bias as Enc, 'pruned bias');
    prune.ln_structured(m, 'weight', 0.5, 2, 0);
    close(m.weight_mask, S[2]!.mask as Enc, 'combined mask');
    const last = [...m._forward_pre_hooks.values()].pop() as unknown;
    expect(last).toBeTypeOf('function');
    close(m.weight, S[2]!.weight as Enc, 'weight');
    const y = model.call(t(F.x)) as Tensor;
    close(y, S[3]!.y as Enc, 'model output through the hooks');
    expect(Object.keys(model.state_dict())).toEqual(S[3]!.state_keys);
    expect(prune.is_pruned(model)).toBe(S[3]!.is_pruned);
    prune.remove(m, 'weight');
    expect(names(m.named_parameters())).toEqual(S[4]!.params);
    expect(names(m.named_buffers())).toEqual(S[4]!.buffers);
    close(m.weight, S[4]!.weight as Enc, 'weight after remove');
    expect(m.weight).toBeInstanceOf(nn.Parameter);
  });

  it('global L1 pruning over five layers', () => {
    const g = lenet();
    const params: [nn.Module, string][] = [[g.conv1, 'weight'], [g.conv2, 'weight'], [g.fc1, 'weight'], [g.fc2, 'weight'], [g.fc3, 'weight']];
    prune.global_unstructured(params, prune.L1Unstructured, { amount: 0.2 });
    for (const [name, mod] of Object.entries({ conv1: g.conv1, conv2: g.conv2, fc1: g.fc1, fc2: g.fc2, fc3: g.fc3 })) {
      expect((mod as nn.Linear).weight.eq(0).sum().item(), name).toBe(F.global[name]);
    }
    close((g.fc3 as nn.Linear & { weight_mask: Tensor }).weight_mask, F.global['fc3_mask'] as Enc, 'fc3 mask');
  });

  it('random_structured draws its channels from the default generator', () => {
    torch.manual_seed(7);
    const r = new nn.Conv2d(2, 5, 2) as nn.Conv2d & { weight_mask: Tensor };
    torch.manual_seed(8);
    prune.random_structured(r, 'weight', 2, 0);
    close(r.weight_mask, F.random_structured_mask, 'random structured mask');
  });

  it('errors in PyTorch\'s words, leaving the module unchanged', () => {
    const E = F.errors;
    const lin = new nn.Linear(2, 2);
    const before = names(lin.named_parameters());
    expect(() => prune.l1_unstructured(lin, 'weight', 1.5)).toThrow(E.amount_range!.message);
    expect(() => prune.l1_unstructured(lin, 'weight', 5)).toThrow(E.amount_too_many!.message);
    expect(names(lin.named_parameters())).toEqual(before);
    expect(lin._forward_pre_hooks.size).toBe(0);
    expect(() => prune.ln_structured(new nn.Linear(2, 2), 'bias', 1, 2, 0)).toThrow(E.structured_1d!.message);
    expect(() => prune.remove(new nn.Linear(2, 2), 'weight')).toThrow(E.remove_unpruned!.message);
    expect(() => prune.global_unstructured([[new nn.Linear(2, 2), 'weight']], prune.LnStructured, { amount: 1, n: 2, dim: 0 })).toThrow(E.global_type!.message);
  });

  it('a custom method subclassing BasePruningMethod', () => {
    class EveryOther extends prune.BasePruningMethod {
      readonly PRUNING_TYPE = 'unstructured' as const;
      compute_mask(tt: Tensor, default_mask: Tensor): Tensor {
        const mask = default_mask.clone();
        mask.view(-1).index_fill_(0, torch.arange(0, tt.numel(), 2), 0);
        return mask;
      }
    }
    const lin = new nn.Linear(3, 4);
    EveryOther.apply(lin, 'bias');
    expect((lin as nn.Linear & { bias_mask: Tensor }).bias_mask.tolist()).toEqual([0, 1, 0, 1]);
    expect(prune.is_pruned(lin)).toBe(true);
  });
});
