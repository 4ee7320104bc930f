// The shared PyTorch-signature parser: positional-or-keyword, defaults, kinds and the argument parser's errors.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { signature } from '@tsgrad/core';

interface Parsed { input: torch.Tensor; start_dim: number; end_dim: number }
const FLAT = signature<Parsed>('flatten(Tensor input, int start_dim=0, int end_dim=-1)');
const x = torch.zeros([2, 3, 4]);

describe('signature.parse', () => {
  it('accepts every split between positional and keyword spellings alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 2 }), fc.integer({ min: -3, max: 2 }), fc.integer({ min: 0, max: 2 }), (s, e, n_pos) => {
        const values: [string, number][] = [['start_dim', s], ['end_dim', e]];
        const positional = values.slice(0, n_pos).map(([, v]) => v);
        const keywords = Object.fromEntries(values.slice(n_pos));
        const args = n_pos === 2 ? [x, ...positional] : [x, ...positional, keywords];
        expect(FLAT.parse(args)).toEqual({ input: x, start_dim: s, end_dim: e });
      }),
    );
  });

  it('fills defaults and treats undefined as not given', () => {
    expect(FLAT.parse([x])).toEqual({ input: x, start_dim: 0, end_dim: -1 });
    expect(FLAT.parse([x, undefined, 2])).toEqual({ input: x, start_dim: 0, end_dim: 2 });
    expect(FLAT.parse([x, { end_dim: undefined }])).toEqual({ input: x, start_dim: 0, end_dim: -1 });
  });

  it("raises PyTorch's argument-parser TypeErrors", () => {
    expect(() => FLAT.parse([x, 1.5])).toThrow(new TypeError("flatten(): argument 'start_dim' (position 2) must be int, not float"));
    expect(() => FLAT.parse([x, { start_dim: 'a' }])).toThrow(new TypeError("flatten(): argument 'start_dim' must be int, not str"));
    expect(() => FLAT.parse([x, { start_dim: 1, foo: 2 }])).toThrow(new TypeError("flatten() got an unexpected keyword argument 'foo'"));
    expect(() => FLAT.parse([x, 1, { start_dim: 1 }])).toThrow(new TypeError("flatten() got multiple values for argument 'start_dim'"));
    expect(() => FLAT.parse([x, 1, 2, 3])).toThrow(new TypeError('flatten() takes from 1 to 3 positional arguments but 4 were given'));
    expect(() => FLAT.parse([])).toThrow(new TypeError('flatten() missing 1 required positional argument: "input"'));
    expect(() => FLAT.parse([x, { dim: 1 }, 2])).toThrow(new TypeError("flatten(): argument 'start_dim' (position 2) must be int, not dict"));
  });

  it('counts positions after self for Tensor methods', () => {
    expect(() => x.flatten(1.5 as number)).toThrow("flatten(): argument 'start_dim' (position 1) must be int, not float");
    expect(() => torch.flatten(x, 1.5 as number)).toThrow("flatten(): argument 'start_dim' (position 2) must be int, not float");
    expect(() => x.argmax({ dim: 1, keep: true } as never)).toThrow("argmax() got an unexpected keyword argument 'keep'");
    expect(() => x.argmax({ input: x } as never)).toThrow("argmax() got an unexpected keyword argument 'input'");
  });

  it('expands T[N] from one value, checks lengths and element kinds', () => {
    const POOL = signature<{ kernel_size: number[]; stride: number[] | null; dims: number[] }>('pool(int[2] kernel_size, int[2]? stride=None, int[1] dims=[0])');
    expect(POOL.parse([3])).toEqual({ kernel_size: [3, 3], stride: null, dims: [0] });
    expect(POOL.parse([[3, 2], { stride: [1, 2], dims: 1 }])).toEqual({ kernel_size: [3, 2], stride: [1, 2], dims: [1] });
    expect(POOL.parse([2, { dims: [0, 1, 2] }]).dims).toEqual([0, 1, 2]);
    expect(() => POOL.parse([[3, 2, 1]])).toThrow("pool(): argument 'kernel_size' (position 1) must be tuple of ints, not tuple of length 3");
    expect(() => POOL.parse([[3, 2.5]])).toThrow("pool(): argument 'kernel_size' must be tuple of ints, but found element of type float at pos 2");
    expect(() => POOL.parse([null])).toThrow("pool(): argument 'kernel_size' (position 1) must be tuple of ints, not NoneType");
  });

  it('reads keyword-only parameters, unions, varargs, dtypes and object-taking slots', () => {
    const S = signature<{ size: number[]; dtype: string | null; fill: number | torch.Tensor; state: object | null }>(
      'make(int... size, *, ScalarType? dtype=None, Tensor|Scalar fill=0, Dict? state=None)');
    expect(S.parse([2, 3, { dtype: 'float64' }])).toEqual({ size: [2, 3], dtype: 'float64', fill: 0, state: null });
    expect(S.parse([[2, 3]]).size).toEqual([2, 3]);
    expect(() => S.parse([2, { dtype: 'float17' }])).toThrow("make(): argument 'dtype' must be torch.dtype, not str");
    expect(() => S.parse([2, { fill: 'a' }])).toThrow("make(): argument 'fill' must be Tensor or Number, not str");
    const LOAD = signature<{ state_dict: object; strict: boolean }>('load_state_dict(Dict state_dict, bool strict=True)');
    // a plain object in a Dict slot is the value, not keyword options
    expect(LOAD.parse([{ strict: 1 }])).toEqual({ state_dict: { strict: 1 }, strict: true });
    expect(LOAD.parse([{}, { strict: false }])).toEqual({ state_dict: {}, strict: false });
  });
});

describe('matmul takes its arguments as PyTorch does', () => {
  it('positional, by keyword (polynomial_tensor.py writes torch.matmul(input=..., other=...)), out=, and as a method', () => {
    const a = torch.tensor([[1, 2], [3, 4]]);
    const b = torch.tensor([5, 6]);
    const expected = [17, 39];
    expect(torch.matmul(a, b).tolist()).toEqual(expected);
    expect(torch.matmul({ input: a, other: b }).tolist()).toEqual(expected);
    expect(torch.matmul(a, { other: b }).tolist()).toEqual(expected);
    expect(a.matmul({ other: b }).tolist()).toEqual(expected);
    const out = torch.empty(2);
    expect(torch.matmul(a, b, { out })).toBe(out);
    expect(out.tolist()).toEqual(expected);
    expect(() => torch.matmul({ input: a })).toThrow(new TypeError('matmul() missing 1 required positional argument: "other"'));
    expect(() => torch.matmul(a, { other: b, dim: 1 } as never)).toThrow(/dim/);
    expect(() => a.matmul(2 as never)).toThrow(TypeError);
  });
});

describe('pow and the unary ops take their arguments as PyTorch does', () => {
  it('x.pow({ exponent }) is the power, never a silent NaN; torch.pow by keyword; both-number calls raise', () => {
    const x = torch.tensor([1, 2, 3]);
    expect(x.pow({ exponent: 2 }).tolist()).toEqual([1, 4, 9]);
    expect(torch.pow(x, { exponent: 2 }).tolist()).toEqual([1, 4, 9]);
    expect(torch.pow({ input: x, exponent: x }).tolist()).toEqual([1, 4, 27]);
    expect(torch.pow(2, x).tolist()).toEqual([2, 4, 8]);
    expect(() => x.pow({ exp: 2 } as never)).toThrow(/exp/);
    expect(() => torch.pow(2, 3 as never)).toThrow(new TypeError('pow() received an invalid combination of arguments - got (int, int)'));
  });

  it('torch.sin({ input }) and the other float unary ops by keyword; bad calls are TypeErrors', () => {
    const x = torch.tensor([0.5, 1]);
    for (const [f, name] of [[torch.sin, 'sin'], [torch.exp, 'exp'], [torch.sigmoid, 'sigmoid'], [torch.tanh, 'tanh'], [torch.log, 'log'], [torch.sqrt, 'sqrt']] as const) {
      expect(f({ input: x }).tolist(), name).toEqual(f(x).tolist());
      expect(() => f({ inp: x } as never), name).toThrow(TypeError);
      expect(() => f(2 as never), name).toThrow(new TypeError(`${name}(): argument 'input' (position 1) must be Tensor, not int`));
    }
  });
});

describe('overloads', () => {
  const a = torch.randn([2, 3]);
  const b = torch.randn([2, 3]);

  it('picks the overload by the kinds given, as PyTorch', () => {
    expect(torch.max(a, b).shape).toEqual([2, 3]);
    expect(torch.max(a, { other: b }).shape).toEqual([2, 3]);
    expect(torch.max(a, { dim: 1 }).values.shape).toEqual([2]);
    expect(a.max(1, true).indices.shape).toEqual([2, 1]);
    expect(torch.sum(a, { dtype: torch.float64 }).dtype).toBe(torch.float64);
    expect(torch.where(a.gt(0), a, 0).shape).toEqual([2, 3]);
    // 2.x lets var's correction overload default dim to None (1.13 required it); a hidden overload, never listed
    expect(torch.var(a, { correction: 0 }).item()).toBeCloseTo(torch.var(a, false).item(), 6);
    expect(() => torch.var(a, { unbiased: false, correction: 0 } as never)).toThrow(/^var\(\) received an invalid combination of arguments - got \(Tensor, correction=int, unbiased=bool\), but expected one of:\n \* \(Tensor input, bool unbiased\)\n \* \(Tensor input, tuple of ints dim, bool unbiased, bool keepdim\)\n \* \(Tensor input, tuple of ints dim, \*, Number correction, bool keepdim\)$/);
  });

  it('refuses what no overload takes with the kinds given and the overloads listed', () => {
    // keepdim belongs to the overload with dim
    expect(() => torch.sum(a, { keepdim: true } as never)).toThrow(/^sum\(\) received an invalid combination of arguments - got \(Tensor, keepdim=bool\), but expected one of:\n \* \(Tensor input, \*, torch.dtype dtype\)\n \* \(Tensor input, tuple of ints dim, bool keepdim, \*, torch.dtype dtype\)$/);
    // a number and a tensor bound fit neither clamp overload
    expect(() => a.clamp({ min: 0, max: b })).toThrow(/^clamp\(\) received an invalid combination of arguments - got \(max=Tensor, min=int, \), but expected one of:\n \* \(Number min, Number max\)\n \* \(Tensor min, Tensor max\)$/);
  });

  it("records the node of the overload taken, as PyTorch's derivatives table names it", () => {
    const x = torch.randn([3], { requires_grad: true });
    const y = torch.randn([3], { requires_grad: true });
    const v = torch.tensor(2.0, { requires_grad: true });
    expect(torch.rsub(x, y).grad_fn!.name()).toBe('RsubBackward0');
    expect(torch.rsub(x, 2).grad_fn!.name()).toBe('RsubBackward1');
    expect(x.masked_fill(x.detach().gt(0), 2).grad_fn!.name()).toBe('MaskedFillBackward0');
    expect(x.masked_fill(x.detach().gt(0), v).grad_fn!.name()).toBe('MaskedFillBackward1');
    expect(torch.clamp(x, -1, 1).grad_fn!.name()).toBe('ClampBackward1');
    expect(torch.clamp(x, { min: y }).grad_fn!.name()).toBe('ClampBackward0');
    expect(torch.xlogy(x, y).grad_fn!.name()).toBe('XlogyBackward0');
    expect(torch.xlogy(2, y).grad_fn!.name()).toBe('XlogyBackward1');
    expect(torch.xlogy(x, 2).grad_fn!.name()).toBe('XlogyBackward2');
  });

  it("raises the one overload's own error when it alone takes that many arguments", () => {
    expect(() => torch.where(a.gt(0), a, 0.5, { bogus: 1 } as never)).toThrow(new TypeError("where(): argument 'other' (position 3) must be Tensor, not float"));
  });
});


describe('overloads: the one plausible overload', () => {
  const SQ = torch.overloads<{ input: torch.Tensor } | { input: torch.Tensor; dim: number } | { input: torch.Tensor; dim: number[] }>(
    'squeeze(Tensor input)', 'squeeze(Tensor input, int dim)', 'squeeze(Tensor input, int[] dim)');
  const y = torch.zeros([2, 1]);

  it('picks the first signature that reads the call, by the kinds given', () => {
    expect(SQ.parse([y])).toEqual({ index: 0, values: { input: y } });
    expect(SQ.parse([y, 1])).toEqual({ index: 1, values: { input: y, dim: 1 } });
    expect(SQ.parse([y, { dim: [0, 1] }])).toEqual({ index: 2, values: { input: y, dim: [0, 1] } });
  });

  it("raises the one plausible overload's own error (arity and keyword names fit), else PyTorch's invalid-combination error", () => {
    const VIEW = torch.overloads<{ size: number[] } | { dtype: string }>('view(Tensor input, int... size)', 'view(Tensor input, ScalarType dtype)');
    expect(() => SQ.parse([y, 1, { bogus: 1 }])).toThrow(/^squeeze\(\) received an invalid combination of arguments - got \(Tensor, int, bogus=int\), but expected one of:\n \* \(Tensor input\)\n \* \(Tensor input, int dim\)\n/);
    expect(() => SQ.parse(['a'])).toThrow(new TypeError("squeeze(): argument 'input' (position 1) must be Tensor, not str"));
    expect(() => VIEW.parse([y, 'a'], { method: true })).toThrow(/^view\(\) received an invalid combination of arguments - got \(str\)/);
    expect(() => VIEW.parse([y, 3, 'a'], { method: true })).toThrow(new TypeError("view(): argument 'size' must be tuple of ints, but found element of type str at pos 2"));
    const T2 = torch.overloads<{ a: number } | { a: number; b: number }>('f(int a)', 'f(int a, int b)');
    expect(() => T2.parse([1, 'x'])).toThrow(new TypeError("f(): argument 'b' (position 2) must be int, not str"));
  });
});

describe('Tensor methods and the method mark', () => {
  it("a method whose op skips the parser leaves nothing behind: the next parse reads its own call's positions", () => {
    const x = torch.randn([2, 3]);
    const SIG = torch.signature<{ input: torch.Tensor; dim: number }>('pick(Tensor input, int dim)');
    // each of these takes a positional fast path (no parse) inside the method
    x.sum();
    x.sum(1);
    x.relu();
    x.add(x);
    x.t();
    expect(SIG.parse([{ input: x, dim: 1 }])).toEqual({ input: x, dim: 1 });
    x.sum();
    expect(() => SIG.parse([x, 1.5])).toThrow(new TypeError("pick(): argument 'dim' (position 2) must be int, not float"));
    // while a method that parses still counts from after self
    expect(() => x.argmax(1.5 as never)).toThrow(new TypeError("argmax(): argument 'dim' (position 1) must be int, not float"));
  });
});
