// torch.dtype objects and torch.Size shapes: what prints, what compares, what every dtype option accepts.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';

describe('torch.dtype values', () => {
  it('print as PyTorch prints them, through String, templates and console.log', () => {
    const x = torch.zeros(2);
    expect(String(x.dtype)).toBe('torch.float32');
    expect(`${torch.tensor([1], { dtype: 'int64' }).dtype}`).toBe('torch.int64');
    expect(inspect(torch.zeros(1, { dtype: torch.bool }).dtype)).toBe('torch.bool');
    expect(inspect({ d: torch.float64 })).toBe('{ d: torch.float64 }');
    expect(String(torch.get_default_dtype())).toBe('torch.float32');
  });

  it('are one object per dtype, so === compares as Python == does', () => {
    expect(torch.zeros(2).dtype).toBe(torch.float32);
    expect(torch.zeros(2).double().dtype).toBe(torch.float64);
    expect(torch.zeros(2).dtype === torch.float64).toBe(false);
    expect(torch.zeros(2).long().dtype).toBe(torch.long);
    expect(torch.dtype_object('bool')).toBe(torch.bool);
    expect(torch.zeros(1).dtype).toBeInstanceOf(torch.dtype);
  });

  it('carry PyTorch attributes', () => {
    expect([torch.float32.is_floating_point, torch.int64.is_floating_point, torch.bool.is_signed, torch.int64.is_signed]).toEqual([true, false, false, true]);
    expect([torch.float32.itemsize, torch.float64.itemsize, torch.int64.itemsize, torch.bool.itemsize]).toEqual([4, 8, 8, 1]);
  });

  it('are accepted wherever a name is, and the other way round', () => {
    const x = torch.arange(3);
    for (const d of [torch.float64, 'float64' as const]) {
      expect(torch.zeros(2, { dtype: d }).dtype).toBe(torch.float64);
      expect(torch.tensor([1, 2], { dtype: d }).dtype).toBe(torch.float64);
      expect(x.to(d).dtype).toBe(torch.float64);
      expect(x.to('cpu', d).dtype).toBe(torch.float64);
      expect(x.to({ dtype: d }).dtype).toBe(torch.float64);
      expect(x.type(d).dtype).toBe(torch.float64);
      expect(x.sum({ dtype: d }).dtype).toBe(torch.float64);
      expect(torch.full([2], 1, { dtype: d }).dtype).toBe(torch.float64);
      expect(torch.from_array(new Float64Array(2), [2], d).dtype).toBe(torch.float64);
    }
    expect(torch.zeros(2, { dtype: x.dtype }).dtype).toBe(x.dtype);
    expect(torch.promote_types(torch.int64, 'float32')).toBe(torch.float32);
    expect(torch.result_type(torch.tensor([1], { dtype: 'int64' }), 0.5)).toBe(torch.float32);
    expect(torch.can_cast(torch.float32, torch.int64)).toBe(false);
  });

  it('set_default_dtype takes either spelling and get_default_dtype returns the object', () => {
    torch.set_default_dtype(torch.float64);
    try {
      expect(torch.get_default_dtype()).toBe(torch.float64);
      expect(torch.tensor([0.5]).dtype).toBe(torch.float64);
    } finally {
      torch.set_default_dtype('float32');
    }
    expect(() => torch.set_default_dtype(torch.int64)).toThrow('only floating-point types are supported as the default type, got torch.int64');
  });

  it('an unknown dtype name is PyTorch\'s argument error', () => {
    expect(() => torch.zeros(2, { dtype: 'float16' as never })).toThrow(new TypeError("zeros(): argument 'dtype' must be torch.dtype, not str"));
  });
});

describe('torch.Size shapes', () => {
  it('x.shape and x.size() print as torch.Size', () => {
    const x = torch.zeros(3, 200);
    expect(String(x.shape)).toBe('torch.Size([3, 200])');
    expect(`${x.size()}`).toBe('torch.Size([3, 200])');
    expect(inspect(x.shape)).toBe('torch.Size([3, 200])');
    expect(String(torch.tensor(1.5).shape)).toBe('torch.Size([])');
    expect(String(torch.zeros(0, 3).size())).toBe('torch.Size([0, 3])');
  });

  it('stay plain arrays in use: indexing, length, spreading, destructuring, equality', () => {
    const x = torch.zeros(2, 3, 4);
    const [a, b, c] = x.shape;
    expect([a, b, c, x.shape.length, x.shape[1]]).toEqual([2, 3, 4, 3, 3]);
    expect([...x.shape]).toEqual([2, 3, 4]);
    expect(x.shape).toEqual([2, 3, 4]);
    expect(Array.isArray(x.shape)).toBe(true);
    expect(x.shape).toBeInstanceOf(torch.Size);
    expect(x.size().numel()).toBe(24);
    // array methods give plain arrays, as tuple methods give tuples
    expect(String(x.shape.slice(1))).toBe('3,4');
    expect(torch.zeros(x.shape).shape).toEqual([2, 3, 4]);
  });

  it('a view has its own shape object', () => {
    const x = torch.zeros(2, 3);
    const y = x.view(3, 2);
    expect(String(y.shape)).toBe('torch.Size([3, 2])');
    expect(x.shape).not.toBe(y.shape);
  });
});

// expected texts printed by PyTorch for the same expressions
describe('torch.uint8', () => {
  const u8 = (v: number[] | number): torch.Tensor => torch.tensor(v as number[], { dtype: torch.uint8 });
  const cases: [string, () => unknown, string][] = [
    ['torch.tensor([-1], dtype=torch.uint8)', () => u8([-1]), 'tensor([255], dtype=torch.uint8)'],
    ['torch.tensor(7, dtype=torch.uint8)', () => u8(7), 'tensor(7, dtype=torch.uint8)'],
    ['torch.zeros(0, dtype=torch.uint8)', () => torch.zeros(0, { dtype: torch.uint8 }), 'tensor([], dtype=torch.uint8)'],
    ['u8 + 300 wraps', () => u8([1, 2]).add(300), 'tensor([45, 46], dtype=torch.uint8)'],
    ['u8 * 200 wraps', () => u8([1, 2]).mul(200), 'tensor([200, 144], dtype=torch.uint8)'],
    ['u8 - u8 wraps', () => u8([250, 2]).sub(u8([251, 1])), 'tensor([255,   1], dtype=torch.uint8)'],
    ['neg wraps', () => u8([3, 2]).neg(), 'tensor([253, 254], dtype=torch.uint8)'],
    ['sum is int64', () => u8([1, 2]).sum(), 'tensor(3)'],
    ['true division is float', () => u8([1, 2]).div(2), 'tensor([0.5000, 1.0000])'],
    ['float to uint8', () => torch.tensor([1.5, -2.5]).to(torch.uint8), 'tensor([  1, 254], dtype=torch.uint8)'],
    ['comparison', () => u8([3, 2]).gt(2), 'tensor([ True, False])'],
    ['float()', () => u8([3, 2]).float(), 'tensor([3., 2.])'],
    ['max keeps uint8', () => u8([3, 2]).max(), 'tensor(3, dtype=torch.uint8)'],
    ['argmax is int64', () => u8([3, 2]).argmax(), 'tensor(0)'],
    ['with int64 promotes to int64', () => u8([3, 2]).add(torch.tensor([1, 2], { dtype: 'int64' })), 'tensor([4, 4])'],
    ['type()', () => u8([3, 2]).type(), 'torch.ByteTensor'],
  ];
  it.each(cases)('%s', (_, f, text) => {
    expect(String(f())).toBe(text);
  });

  it('raises PyTorch\'s errors', () => {
    expect(() => u8([256])).toThrow('value cannot be converted to type uint8 without overflow');
    expect(() => u8([1.7, 255.9])).toThrow('value cannot be converted to type uint8 without overflow');
    expect(() => u8([1, 2]).mean()).toThrow('mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Byte');
    expect(() => torch.zeros(2, { dtype: torch.uint8 }).requires_grad_()).toThrow('only Tensors of floating point and complex dtype can require gradients');
  });

  it('is a dtype like the others', () => {
    expect(String(torch.uint8)).toBe('torch.uint8');
    expect([torch.uint8.is_signed, torch.uint8.itemsize, torch.uint8.is_floating_point]).toEqual([false, 1, false]);
    expect(torch.promote_types(torch.uint8, torch.bool)).toBe(torch.uint8);
    expect(torch.promote_types(torch.uint8, torch.int64)).toBe(torch.int64);
  });
});

describe('len()', () => {
  it('is the size of dim 0 for tensors, the length of arrays and sizes', () => {
    expect(torch.len(torch.zeros(3, 2))).toBe(3);
    expect(torch.zeros(4).__len__()).toBe(4);
    expect(torch.zeros(64, 784).length).toBe(64);
    expect(() => torch.tensor(1).length).toThrow(new TypeError('len() of a 0-d tensor'));
    expect(torch.len(torch.zeros(3, 2).shape)).toBe(2);
    expect(torch.len([1, 2, 3])).toBe(3);
    expect(() => torch.len(torch.tensor(1))).toThrow(new TypeError('len() of a 0-d tensor'));
    expect(() => torch.len({} as never)).toThrow("object of type 'Object' has no len()");
  });

  it('tensors iterate over dim 0', () => {
    const rows = [...torch.arange(6).view(3, 2)].map(String);
    expect(rows).toEqual(['tensor([0, 1])', 'tensor([2, 3])', 'tensor([4, 5])']);
  });
});
