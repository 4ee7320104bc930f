// Fixture helpers for nn tests: tensors from the fixtures' JSON, value snapshots, tolerant deep comparison.
import { readdirSync, readFileSync } from 'node:fs';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import { expect } from 'vitest';

export interface Digest {
  numel: number;
  sum: number;
  abs_sum: number;
  sq_sum: number;
  min: number;
  max: number;
  nonzero: number;
  first: number[];
  last: number[];
}
export interface TensorJSON {
  shape: number[];
  data?: (number | string | boolean)[];
  dtype?: 'int64' | 'bool' | 'float64';
  digest?: Digest;
}

export function load_fixture<F>(url: URL): F {
  return JSON.parse(readFileSync(url, 'utf8')) as F;
}

/**
 * The public fixture at `url` followed by its generated variants: every `<stem>_*.json` in the `variants/` folder
 * beside it (written by the `make_*.py` generators there), each as `[file name, fixture]`.
 */
export function load_fixture_with_variants<F>(url: URL): [string, F][] {
  const name = url.pathname.split('/').pop()!;
  const stem = name.replace(/\.json$/, '');
  const dir = new URL('./variants/', url);
  const files = readdirSync(dir).filter((f) => f.startsWith(`${stem}_`) && f.endsWith('.json')).sort();
  return [[name, load_fixture<F>(url)], ...files.map((f): [string, F] => [`variants/${f}`, load_fixture<F>(new URL(f, dir))])];
}

/** A fixture tensor: `{shape, data}`, `{shape, digest}`, or `{shape}` alone where only shapes were recorded. */
export function is_tensor_json(v: unknown): v is TensorJSON {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Array.isArray((v as TensorJSON).shape)) return false;
  return 'data' in v || 'digest' in v || Object.keys(v).every((k) => k === 'shape' || k === 'dtype');
}

function num(v: number | string | boolean): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

/** A fresh tensor from the fixture format (float32 unless the entry says otherwise). */
export function T(j: TensorJSON, options: { requires_grad?: boolean } = {}): Tensor {
  if (j.data === undefined) throw new Error('fixture tensor has no data (digest-only tensors cannot be inputs)');
  const data = j.data.map(num);
  const dtype = j.dtype ?? 'float32';
  const arr = dtype === 'bool' ? Uint8Array.from(data) : dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data);
  const t = torch.from_array(arr, j.shape, dtype);
  return options.requires_grad ? t.requires_grad_(true) : t;
}

/** A detached copy of the value at this moment, as the fixtures' `T(t)` (later in-place updates don't leak in). */
export function snap(t: Tensor | null | undefined): Tensor | null {
  return t === null || t === undefined ? null : t.detach().clone();
}

/** Names PyTorch 1.13 printed that 2.x prints differently (tsgrad follows 2.x). */
export const NAME_2X: Record<string, string> = { ReshapeAliasBackward0: 'ViewBackward0' };
export const name_2x = (n: string | null): string | null => (n === null ? null : NAME_2X[n] ?? n);

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Asserts a tensor matches a fixture tensor: its values, its digest, or (shape-only entries) its shape. */
export function expect_tensor(actual: unknown, expected: TensorJSON, path: string, tol: Tolerance): void {
  expect(actual instanceof Tensor, `${path} should be a tensor, got ${String(actual)}`).toBe(true);
  const t = actual as Tensor;
  expect(t.shape, `${path} shape`).toEqual(expected.shape);
  const got = Array.from(t._contiguous_data(), Number);
  const close = (a: number, b: number): boolean => (Number.isNaN(b) ? Number.isNaN(a) : a === b || Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b));
  if (expected.digest !== undefined) {
    const d = expected.digest;
    const sum = got.reduce((a, b) => a + b, 0);
    const abs_sum = got.reduce((a, b) => a + Math.abs(b), 0);
    const sq_sum = got.reduce((a, b) => a + b * b, 0);
    expect(got.length, `${path} numel`).toBe(d.numel);
    const agg_ok = (a: number, b: number, scale: number): boolean => Math.abs(a - b) <= tol.atol * Math.max(1, d.numel) + tol.rtol * Math.abs(scale);
    expect(agg_ok(sum, d.sum, d.abs_sum), `${path} sum ${sum} vs ${d.sum}`).toBe(true);
    expect(agg_ok(abs_sum, d.abs_sum, d.abs_sum), `${path} abs_sum ${abs_sum} vs ${d.abs_sum}`).toBe(true);
    expect(agg_ok(sq_sum, d.sq_sum, d.sq_sum), `${path} sq_sum ${sq_sum} vs ${d.sq_sum}`).toBe(true);
    d.first.forEach((v, i) => expect(close(got[i]!, v), `${path} first[${i}] ${got[i]} vs ${v}`).toBe(true));
    d.last.forEach((v, i) => {
      const g = got[got.length - d.last.length + i]!;
      expect(close(g, v), `${path} last[${i}] ${g} vs ${v}`).toBe(true);
    });
    return;
  }
  if (expected.data === undefined) return;
  const want = expected.data.map(num);
  for (let i = 0; i < want.length; i++) {
    if (!close(got[i]!, want[i]!)) expect.fail(`${path}[${i}]: got ${got[i]}, expected ${want[i]} (rtol ${tol.rtol}, atol ${tol.atol})`);
  }
}

/**
 * Asserts `actual` has the structure of the fixture value `expected`: tensors within tolerance, `null`
 * exactly, arrays of the same length, objects with the same keys (`note` texts are documentation and are
 * skipped), everything else equal. grad_fn names are compared in their 2.x spelling.
 */
export function expect_like(actual: unknown, expected: unknown, path: string, tol: Tolerance = { rtol: 1e-4, atol: 1e-5 }): void {
  if (is_tensor_json(expected)) return expect_tensor(actual, expected, path, tol);
  if (expected === null) {
    expect(actual ?? null, `${path} should be null`).toBeNull();
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} should be an array`).toBe(true);
    expect((actual as unknown[]).length, `${path} length`).toBe(expected.length);
    expected.forEach((e, i) => expect_like((actual as unknown[])[i], e, `${path}[${i}]`, tol));
    return;
  }
  if (typeof expected === 'object') {
    expect(typeof actual === 'object' && actual !== null && !(actual instanceof Tensor), `${path} should be an object`).toBe(true);
    const keys = (o: object): string[] => Object.keys(o).filter((k) => k !== 'note').sort();
    expect(keys(actual as object), `${path} keys`).toEqual(keys(expected));
    for (const k of keys(expected)) expect_like((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`, tol);
    return;
  }
  if (path.endsWith('grad_fn') && typeof expected === 'string') {
    expect(actual, path).toBe(NAME_2X[expected] ?? expected);
    return;
  }
  expect(actual, path).toEqual(expected);
}

/** A Python exception name for a thrown JS error (tsgrad throws plain `Error` where PyTorch raises RuntimeError). */
export function py_exception_name(e: unknown): string {
  if (e instanceof TypeError) return 'TypeError';
  if (e instanceof RangeError) return 'IndexError';
  if (e instanceof Error) return 'RuntimeError';
  return typeof e;
}

/** The fixtures' `capture_error(fn)`: `{exception, message}` of what `fn` throws, or null. */
export function capture_error(fn: () => unknown): { exception: string; message: string } | null {
  try {
    fn();
  } catch (e) {
    return { exception: py_exception_name(e), message: e instanceof Error ? e.message : String(e) };
  }
  return null;
}

export interface CapturedWarning {
  category: string;
  message: string;
}

/** The fixtures' `capture_warnings(body)`: runs `body` with `process.emitWarning` recorded; returns both. */
export function capture_warnings<R>(body: () => R): [R, CapturedWarning[]] {
  const warnings: CapturedWarning[] = [];
  const original = process.emitWarning;
  process.emitWarning = ((message: string | Error, category?: unknown) => {
    const cat = typeof category === 'string' ? category : ((category as { type?: string } | undefined)?.type ?? 'Warning');
    warnings.push({ category: cat, message: String(message instanceof Error ? message.message : message) });
  }) as typeof process.emitWarning;
  try {
    return [body(), warnings];
  } finally {
    process.emitWarning = original;
  }
}

/** A tensor as the nn.utils generators write it: `{ shape, values }` (float32 values in row-major order). */
export interface ShapeValues { shape: number[]; values: number[] }
/** The tensor a `{ shape, values }` record describes. */
export const from_values = (e: ShapeValues): Tensor => torch.tensor(e.values).reshape(e.shape);
/** Asserts `got` has `want`'s shape and each value within 1e-5 + 1e-5·|want|, naming the first mismatch. */
export function expect_values(got: Tensor, want: ShapeValues, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  const g = [...got.detach().reshape(-1)._contiguous_data()];
  want.values.forEach((w, i) => expect(Math.abs(g[i]! - w), `${what}[${i}] ${g[i]} vs ${w}`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(w)));
}
