// Python's repr for the containers PyTorch returns: tuples, OrderedDict state dicts, named tuples (texts from Python 3.11).
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';

describe('py_repr', () => {
  it.each([
    [[1e-5, 0.0001, 123456.5, 1e22, -2.5e-8, 0.1 + 0.2, -0, 'a"b', 'x\\y', torch.as_tuple([])], "(1e-05, 0.0001, 123456.5, 1e+22, -2.5e-08, 0.30000000000000004, -0.0, 'a\"b', 'x\\\\y', ())"],
    [['a', 1, 2.5, null, true, "it's", [1, torch.as_tuple([2])], { k: 1e-7, j: 1e16 }, Number.NaN, Number.POSITIVE_INFINITY], "('a', 1, 2.5, None, True, \"it's\", [1, (2,)], {'k': 1e-07, 'j': 1e+16}, nan, inf)"],
  ])('prints a tuple as Python does: %s', (items, text) => {
    const t = torch.as_tuple(items as unknown[]);
    expect(String(t)).toBe(text);
    expect(inspect(t)).toBe(text);
    expect(Array.isArray(t) && t.length).toBe((items as unknown[]).length); // still an ordinary array
  });

  it('prints (values, indices) results as torch.return_types named tuples', () => {
    const x = torch.tensor([3, 1, 2]);
    expect(String(x.topk(2))).toBe('torch.return_types.topk(\nvalues=tensor([3., 2.]),\nindices=tensor([0, 2]))');
    const m = torch.tensor([[1, 5], [3, 2]]).max(1);
    expect(inspect(m)).toBe('torch.return_types.max(\nvalues=tensor([5., 3.]),\nindices=tensor([1, 0]))');
    expect(m.values.tolist()).toEqual([5, 3]);
    expect(String(torch.tensor([[1, 5], [3, 2]]).min({ dim: 0 }))).toMatch(/^torch\.return_types\.min\(\n/);
    expect(String(torch.sort(x))).toMatch(/^torch\.return_types\.sort\(\n/);
  });

  it('leaves keys, JSON and equality of marked objects alone', () => {
    const d = torch.as_ordered_dict({ a: 1 });
    expect(Object.keys(d)).toEqual(['a']);
    expect(JSON.stringify(d)).toBe('{"a":1}');
    expect(d).toEqual({ a: 1 });
    expect(String(d)).toBe("OrderedDict([('a', 1)])");
    expect(String(torch.as_ordered_dict({}))).toBe('OrderedDict()');
  });
});
