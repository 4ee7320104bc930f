// Tensor printing matches PyTorch's repr (fixtures from make_print.py), and Size / Node / Parameter text.
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import * as torch from '@tsgrad/core';
import { load_fixture } from './helpers.js';

interface PrintOptions { precision?: number; threshold?: number; edgeitems?: number; linewidth?: number; profile?: string; sci_mode?: boolean }
interface PrintCase { name: string; shape: number[]; dtype: torch.DType; kind: 'plain' | 'grad_fn' | 'requires_grad'; values: (number | boolean | string)[]; text: string; options?: PrintOptions }
const { cases } = load_fixture<{ cases: PrintCase[] }>('print/print.json');

const number = (v: number | boolean | string): number | boolean => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v);

function build(c: PrintCase): torch.Tensor {
  const flat = torch.tensor(c.values.map(number) as number[], { dtype: c.dtype });
  const t = flat.reshape(c.shape);
  if (c.kind === 'grad_fn') return t.div(2).detach().requires_grad_().mul(2);
  if (c.kind === 'requires_grad') return t.clone().requires_grad_();
  return t;
}

describe("print(x): PyTorch's text", () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const t = build(c);
    if (c.options !== undefined) torch.set_printoptions(c.options);
    try {
      expect(String(t)).toBe(c.text);
      expect(inspect(t)).toBe(c.text);
    } finally {
      torch.set_printoptions({ profile: 'default' });
    }
  });

  it('set_printoptions: positional as PyTorch, a call without sci_mode resets it, bad kinds are TypeErrors', () => {
    const x = torch.tensor([1.5, 2.25]);
    try {
      torch.set_printoptions(2);
      expect(String(x)).toBe('tensor([1.50, 2.25])');
      torch.set_printoptions({ sci_mode: true });
      expect(String(x)).toBe('tensor([1.50e+00, 2.25e+00])');
      torch.set_printoptions({ precision: 3 });
      expect(String(x)).toBe('tensor([1.500, 2.250])');
      torch.set_printoptions({ threshold: Infinity, profile: 'short' });
      expect(String(torch.arange(1001)).includes('...')).toBe(false);
      expect(() => torch.set_printoptions({ precision: 2.5 })).toThrow(TypeError);
      expect(() => torch.set_printoptions({ precison: 2 } as never)).toThrow(/precison/);
    } finally {
      torch.set_printoptions({ profile: 'default' });
    }
    expect(String(x)).toBe('tensor([1.5000, 2.2500])');
  });
});

describe('Size, Node and Parameter text', () => {
  it('x.size() is a torch.Size that stays a number[]', () => {
    const s = torch.zeros(2, 3).size();
    expect(String(s)).toBe('torch.Size([2, 3])');
    expect(inspect(s)).toBe('torch.Size([2, 3])');
    expect(`${torch.zeros(4).size()}`).toBe('torch.Size([4])');
    expect(Array.isArray(s) && s.length === 2 && s[1] === 3).toBe(true);
    expect(s.numel()).toBe(6);
    expect([...s]).toEqual([2, 3]);
    expect(s.map((d) => d * 2)).toEqual([4, 6]);
  });

  it('torch.Size([...]) builds one with or without new, equal to x.size(); non-integers are refused', () => {
    const s = torch.Size([5, 5]);
    expect(s).toBeInstanceOf(torch.Size);
    expect(torch.zeros(5, 5).size()).toBeInstanceOf(torch.Size);
    expect(torch.zeros(5, 5).size()).toEqual(s);
    expect(String(new torch.Size([8]))).toBe('torch.Size([8])');
    expect(String(torch.Size())).toBe('torch.Size([])');
    expect(torch.Size([2, 3, 4]).numel()).toBe(24);
    expect(() => torch.Size([2, 1.5])).toThrow("torch.Size() takes an iterable of 'int' (item 1 is 'float')");
  });

  it('prints a node as <NameBackward0 object at 0x…>, the address stable per node', () => {
    const x = torch.ones([2], { requires_grad: true });
    const loss = x.mul(2).sum();
    const text = String(loss.grad_fn);
    expect(text).toMatch(/^<SumBackward0 object at 0x7f[0-9a-f]{10}>$/);
    expect(String(loss.grad_fn)).toBe(text);
    expect(inspect(loss.grad_fn)).toBe(text);
    expect(String(loss.grad_fn!.next_functions[0]![0])).not.toBe(text);
    expect(String(x.mul(2).grad_fn!.next_functions[0]![0])).toMatch(/^<AccumulateGrad object at 0x7f[0-9a-f]{10}>$/);
  });

  it("prints a custom Function's node in Python's torch.autograd.function module, its name() without it", () => {
    class Twice extends torch.autograd.Function {
      static forward(_ctx: torch.autograd.FunctionCtx, x: torch.Tensor): torch.Tensor {
        return x.mul(2);
      }
      static backward(_ctx: torch.autograd.FunctionCtx, g: torch.Tensor): torch.Tensor {
        return g.mul(2);
      }
    }
    const y = Twice.apply(torch.ones([2], { requires_grad: true })) as torch.Tensor;
    expect(String(y.grad_fn)).toMatch(/^<torch\.autograd\.function\.TwiceBackward object at 0x7f[0-9a-f]{10}>$/);
    expect(y.grad_fn!.name()).toBe('TwiceBackward');
  });
});
