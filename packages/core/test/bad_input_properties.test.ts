// Property tests of issue 13's classes: in-place writes never depend on visiting order, promotion and in-place
// casting agree with each other, ragged or non-numeric data never builds a tensor.
import * as torch from '@tsgrad/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const DTYPES: torch.DType[] = ['bool', 'int64', 'float32', 'float64'];
const dtype = fc.constantFrom(...DTYPES);

function values(t: torch.Tensor): number[] {
  return Array.from(t._contiguous_data());
}

/** A 1-D or 2-D strided view of a 24-element storage: offset, sizes and (positive or zero) strides. */
const view_spec = fc.record({
  offset: fc.integer({ min: 0, max: 6 }),
  sizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 2 }),
  strides: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 2 }),
});

function make_view(base: torch.Tensor, v: { offset: number; sizes: number[]; strides: number[] }): torch.Tensor | null {
  const strides = v.strides.slice(0, v.sizes.length);
  const last = v.offset + v.sizes.reduce((acc, s, i) => acc + (s - 1) * strides[i]!, 0);
  if (last >= base.numel()) return null;
  return new torch.Tensor(base._storage, v.sizes, base._dtype, strides, v.offset);
}

/** The storage index of every element of `t`, in row-major order. */
function addresses(t: torch.Tensor): number[] {
  const out: number[] = [];
  const n = t.numel();
  for (let i = 0; i < n; i++) {
    let rem = i;
    let off = t._offset;
    for (let d = t.ndim - 1; d >= 0; d--) {
      off += (rem % t.shape[d]!) * t._strides[d]!;
      rem = Math.floor(rem / t.shape[d]!);
    }
    out.push(off);
  }
  return out;
}

/** Whether the addresses are distinct and fill one contiguous range. */
function dense(addr: number[]): boolean {
  return new Set(addr).size === addr.length && Math.max(...addr) - Math.min(...addr) === addr.length - 1;
}

describe('in-place writes and memory overlap', () => {
  it('a write either raises PyTorch\'s overlap error or equals the write of a cloned operand', () => {
    fc.assert(
      fc.property(view_spec, view_spec, fc.constantFrom('add_', 'mul_', 'copy_'), (va, vb, op) => {
        const base = torch.arange(0, 24, 1, { dtype: 'float64' });
        const a = make_view(base, va);
        const b0 = make_view(base, vb);
        if (a === null || b0 === null) return;
        let b: torch.Tensor;
        try {
          b = b0.expand(a.shape);
        } catch {
          return;
        }
        // PyTorch judges only outputs and inputs that tile memory densely (or are disjoint): elsewhere the
        // result depends on visiting order in PyTorch too
        const aa = addresses(a);
        const ba = addresses(b);
        const shared = aa.some((x) => ba.includes(x));
        if (new Set(aa).size !== aa.length || (shared && !(dense(aa) && dense(ba)))) return;
        const ref_base = base.clone();
        const ref_a = new torch.Tensor(ref_base._storage, a.shape, 'float64', a._strides, a._offset);
        let ref_error: unknown = null;
        try {
          (ref_a[op] as (o: torch.Tensor) => torch.Tensor)(b.clone());
        } catch (e) {
          ref_error = e;
        }
        try {
          (a[op] as (o: torch.Tensor) => torch.Tensor)(b);
        } catch (e) {
          expect((e as Error).message).toMatch(/^unsupported operation: .* Please clone\(\) the tensor before performing the operation\.$/);
          expect(values(base)).toEqual(Array.from({ length: 24 }, (_, i) => i));
          return;
        }
        expect(ref_error).toBeNull();
        expect(values(base)).toEqual(values(ref_base));
      }),
      { numRuns: 400 },
    );
  });
});

describe('type promotion and in-place casting', () => {
  it('result_type is symmetric, lifts categories only, and an in-place op succeeds exactly when it can cast', () => {
    const operand = fc.tuple(dtype, fc.boolean());
    fc.assert(
      fc.property(operand, operand, ([da, a0d], [db, b0d]) => {
        const a = torch.ones(a0d ? [] : [2], { dtype: da });
        const b = torch.ones(b0d ? [] : [2], { dtype: db });
        const r = torch.result_type(a, b);
        expect(torch.result_type(b, a)).toBe(r);
        expect(torch.can_cast(da, r) || torch.can_cast(db, r)).toBe(true);
        if (a0d === b0d) expect(r).toBe(torch.promote_types(da, db));
        if (da === 'bool' && db === 'bool') return;
        const target = torch.ones([2], { dtype: da });
        const before = values(target);
        if (torch.can_cast(torch.result_type(target, b), da)) {
          target.add_(b);
          expect(target._dtype).toBe(da);
        } else {
          expect(() => target.add_(b)).toThrow(/^result type \w+ can't be cast to the desired output type \w+$/);
          expect(values(target)).toEqual(before);
        }
      }),
    );
  });

  it('a number operand only lifts the category: int64 stays int64 with integers, turns float with fractions', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -100, max: 100, noNaN: true }), (i, f) => {
        const t = torch.tensor([3, -5], { dtype: 'int64' });
        expect(t.add(i)._dtype).toBe('int64');
        expect(t.mul(f)._dtype).toBe(Number.isInteger(f) ? 'int64' : 'float32');
        expect(torch.tensor([true]).add(i)._dtype).toBe('int64');
        expect(torch.tensor([1.5], { dtype: 'float64' }).add(f)._dtype).toBe('float64');
      }),
    );
  });

  it('bool results hold only 0 and 1, whatever arithmetic made them', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (xs, ys) => {
        const n = Math.min(xs.length, ys.length);
        const a = torch.tensor(xs.slice(0, n));
        const b = torch.tensor(ys.slice(0, n));
        for (const r of [a.add(b), a.mul(b), a.add(true), torch.maximum(a, b)]) {
          expect(r._dtype).toBe('bool');
          for (const v of values(r)) expect(v === 0 || v === 1).toBe(true);
        }
        expect(values(a.add(b))).toEqual(xs.slice(0, n).map((x, i) => +(x || ys[i]!)));
        expect(a.add(b).eq(true).tolist()).toEqual(xs.slice(0, n).map((x, i) => x || ys[i]!));
      }),
    );
  });

  it('int64 storage only ever holds integers', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: false }), { minLength: 1, maxLength: 6 }), (xs) => {
        const f = torch.tensor(xs, { dtype: 'float64' });
        for (const v of values(f.to('int64'))) expect(Number.isInteger(v)).toBe(true);
        const ok = xs.every((x) => Number.isFinite(x) && Math.abs(x) < 2 ** 63);
        if (ok) expect(values(torch.tensor(xs, { dtype: 'int64' }))).toEqual(xs.map((x) => Math.trunc(x) + 0));
        else expect(() => torch.tensor(xs, { dtype: 'int64' })).toThrow('value cannot be converted to type int64 without overflow');
      }),
    );
  });
});

describe('malformed data', () => {
  /** Well-formed nested arrays of a random shape, and a path to a row or leaf to spoil. */
  const nested = fc.record({
    shape: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
    defect: fc.constantFrom('short', 'string', 'null', 'list', 'object', 'none'),
    path: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
  });

  it('ragged or non-numeric data raises, well-formed data keeps its shape', () => {
    fc.assert(
      fc.property(nested, ({ shape, defect, path }) => {
        let k = 0;
        const build = (d: number): unknown => (d === shape.length ? k++ + 0.5 : Array.from({ length: shape[d]! }, () => build(d + 1)));
        const data = build(0) as unknown[];
        if (defect === 'none') {
          expect(torch.tensor(data as torch.NestedArray).shape).toEqual(shape);
          return;
        }
        // walk to a leaf's parent row along `path`
        let row = data;
        const idx = path.slice(0, shape.length).map((p, d) => p % shape[d]!);
        for (let d = 0; d < shape.length - 1; d++) row = row[idx[d]!] as unknown[];
        const last = idx[shape.length - 1]!;
        if (defect === 'short') {
          // only a row after the first at its depth is measured against the first (PyTorch's rule)
          if (!idx.slice(0, -1).some((i) => i > 0)) return;
          row.pop();
          expect(() => torch.tensor(data as torch.NestedArray)).toThrow(/^expected sequence of length \d+ at dim \d+ \(got \d+\)$/);
          return;
        }
        // a list as the very first leaf adds a dim instead (PyTorch reads the shape along first elements)
        if (defect === 'list' && idx.every((i) => i === 0)) return;
        row[last] = defect === 'string' ? 'a' : defect === 'null' ? null : defect === 'list' ? [1.5] : {};
        expect(() => torch.tensor(data as torch.NestedArray)).toThrow(
          defect === 'string' ? "new(): invalid data type 'str'" : defect === 'list' ? 'must be real number, not list' : /Could not infer dtype of (NoneType|dict)/,
        );
      }),
    );
  });

  it('nesting deeper than 128 raises PyTorch\'s error without overflowing the stack', () => {
    for (const depth of [129, 5000, 100_000]) {
      let d: unknown = 1.5;
      for (let i = 0; i < depth; i++) d = [d];
      expect(() => torch.tensor(d as torch.NestedArray)).toThrow("too many dimensions 'list'");
    }
    let ok: unknown = 1.5;
    for (let i = 0; i < 128; i++) ok = [ok];
    expect(torch.tensor(ok as torch.NestedArray).ndim).toBe(128);
  });
});

describe('convolution and pooling geometry', () => {
  const OPS = ['conv1d', 'conv2d', 'conv3d', 'conv_transpose2d', 'max_pool1d', 'max_pool2d', 'max_pool3d', 'avg_pool1d', 'avg_pool2d', 'avg_pool3d'] as const;
  const geometry = fc.record({
    k: fc.integer({ min: -1, max: 4 }),
    stride: fc.integer({ min: -1, max: 3 }),
    padding: fc.integer({ min: -1, max: 2 }),
    dilation: fc.integer({ min: -1, max: 2 }),
    size: fc.integer({ min: 1, max: 6 }),
    op: fc.constantFrom(...OPS),
    return_indices: fc.boolean(),
  });
  type Geometry = { k: number; stride: number; padding: number; dilation: number; size: number; op: (typeof OPS)[number]; return_indices: boolean };

  /** The op's values (and argmax positions), or its error message, on the named backend. */
  function outcome(backend: string, g: Geometry): number[] | string {
    torch.set_backend(backend);
    try {
      const nd = Number(g.op.slice(-2, -1));
      const sp = new Array<number>(nd).fill(g.size);
      const x = torch.arange(0, 2 * g.size ** nd, 1, { dtype: 'float32' }).reshape([1, 2, ...sp]).div(7).sin();
      const k = Math.max(g.k, 0);
      const w = torch.arange(0, 4 * k ** nd, 1, { dtype: 'float32' }).reshape([2, 2, ...new Array<number>(nd).fill(k)]).cos();
      const o = { stride: g.stride, padding: g.padding, dilation: g.dilation };
      const pool = { ...o, return_indices: g.return_indices };
      const ops: Record<(typeof OPS)[number], () => torch.Tensor | [torch.Tensor, torch.Tensor]> = {
        conv1d: () => torch.conv1d(x, w, null, o),
        conv2d: () => torch.conv2d(x, w, null, o),
        conv3d: () => torch.conv3d(x, w, null, o),
        conv_transpose2d: () => torch.conv_transpose2d(x, w, null, o),
        max_pool1d: () => torch.max_pool1d(x, g.k, pool) as torch.Tensor,
        max_pool2d: () => torch.max_pool2d(x, g.k, pool) as torch.Tensor,
        max_pool3d: () => torch.max_pool3d(x, g.k, pool) as torch.Tensor,
        avg_pool1d: () => torch.avg_pool1d(x, g.k, { stride: g.stride, padding: g.padding }),
        avg_pool2d: () => torch.avg_pool2d(x, g.k, { stride: g.stride, padding: g.padding }),
        avg_pool3d: () => torch.avg_pool3d(x, g.k, { stride: g.stride, padding: g.padding }),
      };
      const y = ops[g.op]();
      return Array.isArray(y) ? [...values(y[0]), ...values(y[1])] : values(y);
    } catch (e) {
      return (e as Error).message;
    } finally {
      torch.set_backend('wasm');
    }
  }

  it('every backend raises the same error for invalid geometry and agrees on valid geometry', () => {
    if (!torch.list_backends().includes('wasm')) return;
    fc.assert(
      fc.property(geometry, (g) => {
        const js = outcome('js', g);
        const wasm = outcome('wasm', g);
        if (typeof js === 'string') {
          expect(wasm).toBe(js);
          expect(js).not.toMatch(/Invalid typed array length|divide by zero|unreachable|out of bounds memory|undefined|NaN/);
          return;
        }
        expect(typeof wasm).not.toBe('string');
        const w = wasm as number[];
        expect(w.length).toBe(js.length);
        // windows wholly in the padding give -inf on both
        js.forEach((v, i) => expect(Object.is(v, w[i]) || Math.abs(v - w[i]!) <= 1e-5 * (1 + Math.abs(v))).toBe(true));
        const dilated = !g.op.startsWith('avg');
        if (g.stride <= 0 || g.padding < 0 || (dilated && g.dilation <= 0) || g.k <= 0) throw new Error(`invalid geometry accepted: ${JSON.stringify(g)}`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('clamp bounds are scalar operands', () => {
  it('a fractional bound makes an int64 result float; integral bounds keep int64', () => {
    const x = torch.tensor([1, 5, 9], { dtype: 'int64' });
    const f = x.clamp(2.5, 7.5);
    expect(f._dtype).toBe('float32');
    expect(f.tolist()).toEqual([2.5, 5, 7.5]);
    const i = x.clamp({ min: 2 });
    expect(i._dtype).toBe('int64');
    expect(i.tolist()).toEqual([2, 5, 9]);
  });
});

describe('setitem with advanced indices checks overlap like every in-place write', () => {
  it('refuses to write into an expanded tensor', () => {
    const x = torch.zeros([1, 3]).expand(2, 3);
    expect(() => x.setitem([torch.tensor([0], { dtype: 'int64' })], 1)).toThrow('unsupported operation: more than one element of the written-to tensor refers to a single memory location');
  });
});
