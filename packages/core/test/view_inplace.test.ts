// In-place changes through views and bases, against what real PyTorch recorded (fixtures/view_inplace.json,
// written by fixtures/make_view_inplace.py): CopySlices on the base, the view's regenerated AsStridedBackward0,
// setitem's nodes, retain_grad and hooks after in-place, and PyTorch's refusals in its words.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Node, Tensor } from '@tsgrad/core';

type Scenario = Record<string, unknown>;
const fixture = JSON.parse(readFileSync(new URL('./fixtures/view_inplace.json', import.meta.url), 'utf8')) as { scenarios: Record<string, Scenario> };

const graph = (fn: Node | null): unknown => (fn === null ? null : [fn.name(), fn.next_functions.map(([n]) => (n === null ? null : n.name()))]);
const leaf = (...values: number[]): Tensor => torch.tensor(values, { dtype: 'float64', requires_grad: true });
const f64 = (values: number[] | number[][]): Tensor => torch.tensor(values, { dtype: 'float64' });
const W4 = [1, 10, 100, 1000];
const error_of = (f: () => unknown): string | null => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return null;
};
const long = (values: number[]): Tensor => torch.tensor(values, { dtype: 'int64' });

/** Twins of the Python scenarios: same steps, same reported values. */
const SCENARIOS: Record<string, () => Scenario> = {
  inplace_on_view_of_nonleaf() {
    const a = leaf(1, 2, 3, 4);
    const b = a.clone();
    const v = b.index({ stop: 2 });
    v.mul_(2);
    const out: Scenario = { view: graph(v.grad_fn), base: graph(b.grad_fn), version: b._version };
    b.mul(f64(W4)).sum().backward();
    out['a.grad'] = a.grad!.tolist();
    return out;
  },
  base_changed_then_view_used() {
    const a = leaf(1, 2, 3, 4);
    const b = a.clone();
    const v = b.index({ start: 1, stop: 3 });
    b.mul_(3);
    const out: Scenario = { view: graph(v.grad_fn) };
    v.mul(f64([1, 10])).sum().backward();
    out['a.grad'] = a.grad!.tolist();
    return out;
  },
  view_written_from_value_that_requires_grad() {
    const x = torch.zeros([4], { dtype: 'float64' });
    const y = leaf(5, 6);
    const v = x.narrow(0, 1, 2);
    v.copy_(y.mul(y));
    const out: Scenario = { base: graph(x.grad_fn), requires_grad: [x.requires_grad, v.requires_grad], view: graph(v.grad_fn) };
    x.mul(f64(W4)).sum().backward();
    out['y.grad'] = y.grad!.tolist();
    return out;
  },
  view_of_view_add_() {
    const a = leaf(1, 2, 3, 4);
    const y = leaf(7, 8);
    const b = a.clone();
    const vv = b.index({ start: 1 }).index({ start: 1 });
    vv.add_(y.mul(2));
    const out: Scenario = { view: graph(vv.grad_fn), base: graph(b.grad_fn), is_base: vv._base === b };
    b.mul(b).sum().backward();
    out['a.grad'] = a.grad!.tolist();
    out['y.grad'] = y.grad!.tolist();
    return out;
  },
  transposed_view_mul_by_grad_tensor() {
    const a = f64([[1, 2, 3], [4, 5, 6]]).requires_grad_();
    const w = f64([[1, 2], [3, 4], [5, 6]]).requires_grad_();
    const b = a.clone();
    const t = b.t();
    t.mul_(w);
    const out: Scenario = { view: graph(t.grad_fn), base: graph(b.grad_fn) };
    b.mul(f64([[1, 10, 100], [2, 20, 200]])).sum().backward();
    out['a.grad'] = a.grad!.tolist();
    out['w.grad'] = w.grad!.tolist();
    return out;
  },
  setitem_forms() {
    const out: Scenario = {};
    let x = leaf(0, 0, 0).clone();
    x.setitem(0, 1.0);
    out['int_number'] = graph(x.grad_fn);
    const y = leaf(5, 6);
    x = torch.zeros([3], { dtype: 'float64' });
    x.setitem({ start: 1 }, y.mul(3));
    out['slice_tensor'] = graph(x.grad_fn);
    x.mul(f64([1, 10, 100])).sum().backward();
    out['slice_tensor.y.grad'] = y.grad!.tolist();
    x = leaf(0, 0, 0).clone();
    x.setitem('...', leaf(1, 1, 1));
    out['ellipsis_tensor'] = graph(x.grad_fn);
    x = leaf(0, 0, 0).clone();
    x.setitem('...', 2.0);
    out['ellipsis_number'] = graph(x.grad_fn);
    const w = leaf(1, 2);
    const base = leaf(3, 4, 5);
    x = base.clone();
    x.setitem([long([2, 0])], w);
    out['advanced'] = graph(x.grad_fn);
    x.mul(f64([1, 10, 100])).sum().backward();
    out['advanced.w.grad'] = w.grad!.tolist();
    out['advanced.base.grad'] = base.grad!.tolist();
    const m = leaf(-1, 2, -3, 4);
    x = m.clone();
    x.setitem([x.lt(0)], 0.0);
    out['mask'] = graph(x.grad_fn);
    x.sum().backward();
    out['mask.grad'] = m.grad!.tolist();
    x = torch.zeros([2, 3], { dtype: 'float64' });
    const v = leaf(1, 2, 3);
    x.setitem(1, v);
    x.setitem([0, { start: 1 }], 7.0);
    out['row_then_part'] = graph(x.grad_fn);
    x.mul(f64([[1, 2, 3], [4, 5, 6]])).sum().backward();
    out['row_then_part.v.grad'] = v.grad!.tolist();
    out['row_then_part.x'] = x.detach().tolist();
    return out;
  },
  retain_grad_and_hooks_follow_inplace() {
    const out: Scenario = {};
    let x = leaf(1).clone();
    x.retain_grad();
    x.mul_(2);
    x.sum().backward();
    out['retained_after_mul_'] = x.grad!.tolist();
    x = leaf(1).clone();
    x.retain_grad();
    const xv = x.index({});
    xv.mul_(2);
    x.mul_(2);
    x.sum().backward();
    out['retained_after_view_and_base'] = x.grad!.tolist();
    const a = leaf(1);
    const b = a.clone();
    b.register_hook((g) => g.mul(2));
    b.mul_(2);
    b.register_hook((g) => g.mul(2));
    b.sum().backward();
    out['hooks.a.grad'] = a.grad!.tolist();
    return out;
  },
  errors() {
    const leafv = leaf(1, 2, 3);
    const b = leafv.clone();
    const c = torch.zeros([3], { dtype: 'float64' });
    const out: Scenario = {
      leaf: error_of(() => leafv.mul_(2)),
      leaf_view: error_of(() => leafv.index({ start: 0, stop: 2 }).mul_(2)),
      unbind: error_of(() => b.unbind(0)[0]!.mul_(2)),
      split: error_of(() => b.split(1)[1]!.add_(1)),
      detach_view: error_of(() => b.view(3).detach_()),
      unbind_no_grad_base: error_of(() => c.unbind(0)[0]!.add_(leafv.index(0))),
    };
    const nv = torch.no_grad(() => b.index({ start: 1 }));
    out['no_grad_view'] = error_of(() => nv.mul_(2));
    const d = leafv.clone();
    const pieces = d.unbind(0);
    d.mul_(2);
    out['unbind_indirect'] = error_of(() => pieces[1]!.grad_fn);
    const s = leafv.clone().sigmoid();
    s.add_(1);
    out['version'] = error_of(() => s.sum().backward());
    const f = leafv.mul(2);
    const g = f.exp();
    f.add_(1);
    out['version_input'] = error_of(() => g.sum().backward());
    return out;
  },
  version_base_and_is_view() {
    const a = leaf(1, 2, 3);
    const b = a.clone();
    const v = b.index({ start: 1 });
    const vv = v.view(2, 1);
    const out: Scenario = { versions: [b._version, v._version] };
    vv.add_(1);
    out['versions_after'] = [b._version, v._version, vv._version];
    out['is_view'] = [b._is_view(), v._is_view(), vv._is_view(), a.detach()._is_view()];
    out['bases'] = [v._base === b, vv._base === b, b._base === null];
    return out;
  },
  double_backward_through_inplace_view() {
    const a = leaf(-1, 2, 3, -4);
    const t = a.add(1).view(2, 2);
    torch.threshold(t, 0, 0, true);
    const [g] = torch.autograd.grad(t.mul(t).sum(), a, { create_graph: true }) as Tensor[];
    const fn = g!.grad_fn!;
    const formula = fn.next_functions[1]![0]!;
    const out: Scenario = { g: g!.tolist(), g_fn: graph(fn), formula_input: graph(formula.next_functions[0]![0]) };
    g!.mul(f64(W4)).sum().backward();
    out['a.grad'] = a.grad!.tolist();
    return out;
  },
};

describe('views and in-place, as real PyTorch records them', () => {
  it('has a twin for every fixture scenario', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(Object.keys(fixture.scenarios).sort());
  });
  for (const [name, expected] of Object.entries(fixture.scenarios)) {
    it(name.replace(/_/g, ' '), () => {
      expect(SCENARIOS[name]!()).toEqual(expected);
    });
  }
});

describe('tensor hooks and in-place (PyTorch 2.x)', () => {
  it('a hook registered before an in-place change stays on the old node, one after it goes on the new node', () => {
    const seen: [string, unknown][] = [];
    const a = leaf(1);
    const b = a.clone();
    b.register_hook((g) => (seen.push(['before', g.tolist()]), g.mul(2)));
    b.mul_(2);
    b.register_hook((g) => (seen.push(['after', g.tolist()]), g.mul(2)));
    b.sum().backward();
    expect(seen).toEqual([['after', [1]], ['before', [4]]]);
  });
});

describe('refused in-place changes leave every tensor unchanged', () => {
  it('through a view of a leaf, a multi-output view and a no_grad view', () => {
    const a = leaf(1, 2, 3);
    const b = a.clone();
    const piece = b.unbind(0)[0]!;
    const nv = torch.no_grad(() => b.index({ start: 1 }));
    const before = { a: a.tolist(), b: b.tolist(), va: a._version, vb: b._version, fn: b.grad_fn };
    expect(() => a.index({ stop: 2 }).add_(1)).toThrow(/view of a leaf Variable/);
    expect(() => piece.mul_(2)).toThrow(/multiple views/);
    expect(() => nv.copy_(leaf(5, 6))).toThrow(/no_grad mode/);
    expect({ a: a.tolist(), b: b.tolist(), va: a._version, vb: b._version, fn: b.grad_fn }).toEqual(before);
  });
});

describe('CopySlices through double backward', () => {
  it('gradients of an in-place change on a view are themselves differentiable', () => {
    const a = leaf(1, 2, 3);
    const b = a.clone();
    b.index({ start: 1 }).mul_(a.index({ start: 1 }));
    const [g] = torch.autograd.grad(b.sum(), [a], { create_graph: true });
    expect(g!.tolist()).toEqual([1, 4, 6]);
    const [gg] = torch.autograd.grad(g!.sum(), [a]);
    expect(gg!.tolist()).toEqual([0, 2, 2]);
  });
});

describe('views that come to require grad', () => {
  it('backprop through the view an in-place op returns, to the value that was written', () => {
    const a = f64([2, 5]);
    const b = leaf(3);
    const res = a.narrow(0, 1, 1).mul_(b);
    expect(String(a)).toBe('tensor([ 2., 15.], dtype=torch.float64, grad_fn=<CopySlices>)');
    res.sum().backward();
    expect([b.grad!.tolist(), a.grad, a.requires_grad]).toEqual([[5], null, true]);
  });

  it('an earlier view of a base changed in place by a value that requires grad depends on it (gradcheck)', () => {
    const r = leaf(1);
    const fn = (t: Tensor): Tensor => {
      const x = torch.ones([5], { dtype: 'float64' });
      const v = x.select(0, 1);
      expect([v.requires_grad, v.grad_fn]).toEqual([false, null]);
      x.add_(t);
      expect(v.requires_grad).toBe(true);
      return v;
    };
    expect(torch.autograd.gradcheck((t) => fn(t!), [r])).toBe(true);
    expect(torch.autograd.gradgradcheck((t) => fn(t!), [r])).toBe(true);
  });
});
