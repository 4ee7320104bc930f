// Data-driven checks of ops against real PyTorch (fixtures/ops_reference/*.json, written by the make_*.py beside
// them; refcase.py documents the format): each case is one call with PyTorch's arguments, and its result (values,
// dtype, shape, named-tuple fields, grad_fn names), input gradients or error message must match.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import { expectClose, type FixtureTensor } from './helpers.js';

type Encoded =
  | { tensor: FixtureTensor; requires_grad?: boolean; nonleaf?: boolean; grad_fn?: string | null; grad_output?: FixtureTensor }
  | { dtype: torch.DType }
  | { list: Encoded[] }
  | { named: string; fields: Record<string, Encoded> }
  | { value: number | boolean | string | null };

interface RefCase {
  id: string;
  call: string;
  args: Encoded[];
  kwargs: Record<string, Encoded>;
  note?: string;
  result?: Encoded;
  error?: string;
  grads?: (FixtureTensor | null)[];
  grads_error_1_13?: string;
}

const dir = new URL('./fixtures/ops_reference/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

const number_of = (v: number | boolean | string): number =>
  typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : v === 'NaN' ? Number.NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number(v);

function make_tensor(t: FixtureTensor): Tensor {
  const dtype = (t.dtype ?? 'float32') as torch.DType;
  return torch.tensor(Float64Array.from(t.data, number_of), { dtype }).reshape(t.shape).detach();
}

/** The call's argument from its encoding; leaves that require grad are collected in argument order. */
function decode(e: Encoded, leaves: Tensor[]): unknown {
  if ('tensor' in e) {
    const t = make_tensor(e.tensor);
    if (!e.requires_grad) return t;
    t.requires_grad_(true);
    leaves.push(t);
    return e.nonleaf ? t.mul(1) : t;
  }
  if ('dtype' in e) return e.dtype;
  if ('list' in e) return e.list.map((v) => decode(v, leaves));
  if ('value' in e) return typeof e.value === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(e.value) ? number_of(e.value) : e.value;
  throw new Error(`cannot decode ${JSON.stringify(e)}`);
}

function resolve(call: string): (...args: unknown[]) => unknown {
  const parts = call.split('.');
  const name = parts.pop()!;
  if (parts[0] === 'Tensor') return (self, ...rest) => (self as Record<string, (...a: unknown[]) => unknown>)[name]!(...rest);
  let obj: Record<string, unknown> = torch as unknown as Record<string, unknown>;
  for (const p of parts.slice(1)) obj = obj[p] as Record<string, unknown>;
  const fn = obj[name];
  if (typeof fn !== 'function') throw new Error(`${call} is not a function in tsgrad`);
  return fn as (...args: unknown[]) => unknown;
}

/** Checks `got` against the encoded result; collects each differentiable output with its grad_output. */
function check(got: unknown, e: Encoded, where: string, outs: [Tensor, Tensor][]): void {
  if ('tensor' in e) {
    expect(got, `${where} is a Tensor`).toBeInstanceOf(Tensor);
    const t = got as Tensor;
    expect(t.dtype.name, `${where} dtype`).toBe(e.tensor.dtype);
    const tol = e.tensor.dtype === 'float32' ? [1e-5, 1e-6] : [1e-9, 1e-12];
    expectClose(t, e.tensor, tol[0]!, tol[1]!, where);
    if (e.grad_fn !== undefined) expect(t.grad_fn?.name() ?? null, `${where} grad_fn`).toBe(e.grad_fn);
    if (e.grad_output !== undefined) outs.push([t, make_tensor(e.grad_output)]);
    return;
  }
  if ('named' in e) {
    expect(String(got).split('(')[0], `${where} named tuple`).toBe(e.named);
    for (const [k, v] of Object.entries(e.fields)) check((got as Record<string, unknown>)[k], v, `${where}.${k}`, outs);
    // it destructures as PyTorch's tuple does, in field order
    Object.values(e.fields).forEach((v, i) => check((got as unknown[])[i], v, `${where}[${i}]`, []));
    return;
  }
  if ('list' in e) {
    expect(Array.isArray(got), `${where} is an array`).toBe(true);
    expect((got as unknown[]).length, `${where} length`).toBe(e.list.length);
    e.list.forEach((v, i) => check((got as unknown[])[i], v, `${where}[${i}]`, outs));
    return;
  }
  if ('value' in e) {
    const v = got instanceof Tensor ? got.item() : got;
    if (typeof e.value === 'number' || typeof e.value === 'string') expect(v, where).toBeCloseTo(number_of(e.value), 12);
    else expect(v, where).toBe(e.value);
    return;
  }
  throw new Error(`cannot check ${JSON.stringify(e)}`);
}

for (const file of files) {
  const fixture = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { cases: RefCase[] };
  describe(`ops_reference/${file}`, () => {
    for (const c of fixture.cases) {
      it(`${c.id}: ${c.call}${c.note === undefined ? '' : ` (${c.note})`}`, () => {
        const leaves: Tensor[] = [];
        const args = c.args.map((a) => decode(a, leaves));
        const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, decode(v, leaves)]));
        const fn = resolve(c.call);
        const run = (): unknown => (Object.keys(kwargs).length === 0 ? fn(...args) : fn(...args, kwargs));
        if (c.error !== undefined) {
          expect(run, 'PyTorch raises').toThrow(c.error);
          return;
        }
        const outs: [Tensor, Tensor][] = [];
        check(run(), c.result!, 'result', outs);
        if (c.grads === undefined) return;
        const total = outs.map(([o, g]) => o.mul(g).sum()).reduce((s, t) => s.add(t));
        const grads = torch.autograd.grad(total, leaves, { allow_unused: true });
        c.grads.forEach((g, i) => {
          if (g === null) expect(grads[i] ?? null, `grad ${i}`).toBeNull();
          else expectClose(grads[i], g, 1e-8, 1e-10, `grad of input ${i}`);
        });
      });
    }
  });
}
