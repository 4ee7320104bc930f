// The elementwise math family against real PyTorch (fixtures/math_ops/math_ops.json): values at edge inputs
// (±inf, NaN, −0, poles, tails), result dtypes, node names, gradients, in-place forms and PyTorch's errors.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { error_message, from_fixture, load_fixture, type FixtureTensor } from './helpers.js';

type Encoded = FixtureTensor | { float: number | string } | { tuple: Encoded[] } | number | boolean | null;
interface Case {
  call: string;
  method: boolean;
  args: Encoded[];
  kwargs: Record<string, Encoded>;
  note?: string;
  out?: Encoded;
  error?: string;
  grad_fn?: string | null;
  grads?: (FixtureTensor | null)[];
  grad_error?: string;
}

const special_number = (v: number | string): number => (typeof v === 'number' ? v : v === 'NaN' ? Number.NaN : v === 'Infinity' ? Infinity : -Infinity);

function decode(v: Encoded): unknown {
  if (v === null || typeof v !== 'object') return v;
  if ('float' in v) return special_number(v.float);
  if ('tuple' in v) return v.tuple.map(decode);
  // tsgrad has no int32: frexp's exponent is int64
  const dtype = v.dtype === ('int32' as FixtureTensor['dtype']) ? 'int64' : v.dtype;
  return from_fixture({ ...v, dtype } as FixtureTensor);
}

/** Float tolerances by dtype: PyTorch computes float32 ops in float32, tsgrad in float64 rounded once. */
const TOLERANCE = { float32: { rtol: 2e-5, atol: 1e-6 }, float64: { rtol: 1e-10, atol: 1e-12 } } as const;
/** PyTorch's own approximations of these are good to about 1e-8 in float64 (1e-7 for erfinv's tail gradient) (tsgrad's are closer to exact). */
const APPROXIMATED = new Set(['digamma', 'polygamma', 'erfinv', 'lgamma', 'mvlgamma', 'i0', 'special.i1', 'special.i0e', 'special.i1e', 'special.erfcx', 'special.gammaln', 'special.psi', 'special.digamma', 'special.i0', 'special.erfinv', 'special.multigammaln', 'special.polygamma']);

function expect_tensor(got: unknown, want: FixtureTensor, what: string, loose = false): void {
  expect(got, what).toBeInstanceOf(torch.Tensor);
  const t = got as Tensor;
  const dtype = want.dtype === ('int32' as FixtureTensor['dtype']) ? 'int64' : want.dtype;
  expect(torch.dtype_name(t.dtype), `${what} dtype`).toBe(dtype);
  expect([...t.shape], `${what} shape`).toEqual(want.shape);
  const values = t.detach()._contiguous_data();
  const float_tol = TOLERANCE[dtype as keyof typeof TOLERANCE];
  const tol = float_tol === undefined ? { rtol: 0, atol: 0 } : loose && dtype === 'float64' ? { rtol: 1e-6, atol: 1e-12 } : float_tol;
  // the sign of an integer zero means nothing (and an int64 −0 prints as 0)
  const signed_zero = float_tol !== undefined;
  want.data.forEach((w, i) => {
    const e = typeof w === 'boolean' ? +w : special_number(w);
    const a = values[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : Number.isFinite(e) ? Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e)  && (e !== 0 || a !== 0 || !signed_zero || Object.is(a, e)) : a === e;
    if (!ok) expect.fail(`${what} differs at flat ${i}: got ${Object.is(a, -0) ? '-0' : a}, expected ${Object.is(e, -0) ? '-0' : e}`);
  });
}

function expect_value(got: unknown, want: Encoded, what: string, loose: boolean): void {
  if (want !== null && typeof want === 'object' && 'tuple' in want) {
    want.tuple.forEach((w, i) => expect_value((got as unknown[])[i], w, `${what}[${i}]`, loose));
  } else if (want !== null && typeof want === 'object' && 'shape' in want) {
    expect_tensor(got, want, what, loose);
  } else {
    expect(got, what).toEqual(want);
  }
}

const fixture = load_fixture<{ cases: Case[] }>('math_ops/math_ops.json');

describe('elementwise math ops against PyTorch', () => {
  fixture.cases.forEach((c, i) => {
    const label = `${i} ${c.method ? 'Tensor.' : 'torch.'}${c.call}(${c.args.map((a) => (a !== null && typeof a === 'object' && 'dtype' in a ? a.dtype : JSON.stringify(a))).join(', ')}${Object.keys(c.kwargs).length ? `, ${JSON.stringify(c.kwargs)}` : ''})${c.note ? ` ${c.note}` : ''}`;
    it(label, () => {
      const args = c.args.map(decode);
      const leaves = c.grads !== undefined || c.grad_error !== undefined ? args.filter((a): a is Tensor => a instanceof torch.Tensor && a.dtype === torch.float64) : [];
      for (const l of leaves) l.requires_grad_(true);
      const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, decode(v)]));
      const rest = Object.keys(kwargs).length > 0 ? [kwargs] : [];
      // a dotted name (`special.i1`) is a function of a torch namespace
      const path = c.call.split('.');
      let target = c.method ? (args[0] as Record<string, unknown>) : (torch as unknown as Record<string, unknown>);
      for (const part of path.slice(0, -1)) target = target[part] as Record<string, unknown>;
      const fn = target[path.at(-1)!] as ((...a: unknown[]) => unknown) | undefined;
      expect(typeof fn, `${c.call} exists`).toBe('function');
      const call = (): unknown => fn!.apply(target, [...(c.method ? args.slice(1) : args), ...rest]);
      if (c.error !== undefined) {
        expect(error_message(call)).toBe(c.error);
        return;
      }
      const out = call();
      if (c.method && c.call.endsWith('_')) expect(out, 'an in-place method returns self').toBe(args[0]);
      const loose = APPROXIMATED.has(c.call.replace(/_$/, ''));
      expect_value(out, c.out!, 'result', loose);
      const first = Array.isArray(out) ? out[0] : out;
      if (c.grad_fn !== undefined && first instanceof torch.Tensor) expect(first.grad_fn?.name() ?? null, 'grad_fn').toBe(c.grad_fn);
      if (c.grads !== undefined) {
        const grads = torch.autograd.grad(first.sum(), leaves, { allow_unused: true });
        c.grads.forEach((g, k) => (g === null ? expect(grads[k]).toBeNull() : expect_tensor(grads[k], g, `grad ${k}`, loose)));
      }
      if (c.grad_error !== undefined) expect(error_message(() => torch.autograd.grad(first.sum(), leaves))).toBe(c.grad_error);
    });
  });
});
