// Shared test helpers: fixture loading, fixture tensors, tolerances, `expectClose` and leaf notes.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, vi } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';

/** A tensor as the fixtures write it: row-major `data`; non-finite values are strings. */
export interface FixtureTensor {
  shape: number[];
  data: (number | boolean | string)[];
  dtype?: 'int64' | 'bool' | 'float32' | 'float64';
}

/** Suggested tolerances of spec §14. */
export const TOL = {
  elementwise: { rtol: 1e-5, atol: 1e-6 },
  heavy: { rtol: 1e-4, atol: 1e-5 },
} as const;

/** Reads `packages/core/test/fixtures/<name>` (relative to this file, never outside the package). */
export function load_fixture<T = { cases: Record<string, unknown>[] }>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/**
 * The public fixture `name` followed by every generated variant of it in `fixtures/variants/` (files named
 * `<stem>_*.json`, written by the `make_*.py` generators there), each as `[file name, fixture]`.
 */
export function load_fixture_with_variants<T = { cases: Record<string, unknown>[] }>(name: string): [string, T][] {
  const stem = name.replace(/\.json$/, '');
  const dir = new URL('./fixtures/variants/', import.meta.url);
  const variants = readdirSync(dir).filter((f) => f.startsWith(`${stem}_`) && f.endsWith('.json')).sort();
  return [[name, load_fixture<T>(name)], ...variants.map((f): [string, T] => [`variants/${f}`, load_fixture<T>(`variants/${f}`)])];
}

export function is_fixture_tensor(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && Array.isArray((v as FixtureTensor).shape) && Array.isArray((v as FixtureTensor).data);
}

function fixture_number(v: number | boolean | string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw new Error(`not a fixture number: ${v}`);
}

/** Builds a tensor from a fixture tensor (float32 unless the fixture says otherwise, or `dtype` overrides). */
export function from_fixture(t: FixtureTensor, options: { requires_grad?: boolean; dtype?: torch.DType } = {}): Tensor {
  const dtype = options.dtype ?? t.dtype ?? 'float32';
  const values = Float64Array.from(t.data, fixture_number);
  const out = torch.tensor(values, { dtype }).reshape(t.shape).detach();
  if (options.requires_grad) out.requires_grad_(true);
  return out;
}

function multi_index(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

/**
 * Asserts `actual` has `expected`'s shape and every value within `atol + rtol·|expected|` (NaN matches NaN,
 * infinities must be equal); the failure names the first mismatching multi-index.
 */
export function expectClose(actual: Tensor | null | undefined, expected: FixtureTensor, rtol: number, atol: number, what = 'tensor'): void {
  expect(actual, `${what} is missing`).toBeTruthy();
  const t = actual!;
  expect(t.shape, `${what} shape`).toEqual(expected.shape);
  const got = t.detach()._contiguous_data();
  expect(got.length, `${what} numel`).toBe(expected.data.length);
  for (let i = 0; i < got.length; i++) {
    const e = fixture_number(expected.data[i]!);
    const a = got[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : Number.isFinite(e) ? Math.abs(a - e) <= atol + rtol * Math.abs(e) : a === e;
    if (!ok) {
      const at = multi_index(i, expected.shape);
      expect.fail(`${what} differs at [${at.join(', ')}] (flat ${i}): got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** One leaf described by a fixture note: shape (or literal values), dtype, and whether it requires grad. */
export interface LeafSpec {
  name: string;
  shape?: number[];
  values?: number[];
  dtype: torch.DType;
  positive: boolean;
  requires_grad?: boolean;
}

/**
 * Parses the leaf descriptions fixtures put in notes and comments: `x,y:[3,4] xp:[3,4] positive`,
 * `tgt=[0,1,2] int64`, `x is a [2,2] leaf`, `x [2,3] no grad; W [4,3], b [4] leaves`, `img no grad`.
 * `requires_grad` is true under "all requires_grad=True", false for "no grad", otherwise left undefined.
 */
export function parse_leaf_specs(note: string): Map<string, LeafSpec> {
  const specs = new Map<string, LeafSpec>();
  const all_grad = /all\s+requires_grad\s*=\s*True/.test(note);
  let rest = note;
  const valued = /([A-Za-z_]\w*)\s*=\s*\[([-\d.,\s]*)\]\s*(int64|float32|float64|bool)?/g;
  for (const m of note.matchAll(valued)) {
    const values = m[2]!.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
    specs.set(m[1]!, { name: m[1]!, values, shape: [values.length], dtype: (m[3] as torch.DType | undefined) ?? 'float32', positive: false, requires_grad: false });
    rest = rest.replace(m[0], ' ');
  }
  const shaped = /((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*)(?:\s*:\s*|\s+is\s+an?\s+|\s+)\[([\d\s,]*)\]((?:\s+(?:positive|no grad))*)/g;
  for (const m of rest.matchAll(shaped)) {
    const shape = m[2]!.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
    const tail = m[3]!;
    const no_grad = /no grad/.test(tail);
    for (const name of m[1]!.split(',').map((s) => s.trim())) {
      specs.set(name, { name, shape, dtype: 'float32', positive: /positive/.test(tail), requires_grad: no_grad ? false : all_grad ? true : undefined });
    }
    rest = rest.replace(m[0], ' ');
  }
  for (const m of rest.matchAll(/([A-Za-z_]\w*)\s+no grad/g)) {
    if (!specs.has(m[1]!)) specs.set(m[1]!, { name: m[1]!, dtype: 'float32', positive: false, requires_grad: false });
  }
  return specs;
}

/** Makes the tensor a spec describes (random normal values from `generator`; `positive` ones in [0.5, 1.5)). */
export function make_leaf(spec: LeafSpec, generator: torch.Generator, requires_grad = spec.requires_grad ?? false): Tensor {
  if (spec.values !== undefined) return torch.tensor(spec.values, { dtype: spec.dtype });
  if (spec.shape === undefined) throw new Error(`leaf '${spec.name}' has no shape`);
  const t = spec.positive ? torch.rand(spec.shape, { generator }).add(0.5) : torch.randn(spec.shape, { generator });
  return requires_grad ? t.requires_grad_(true) : t;
}

/**
 * Node names that PyTorch 1.13 (the fixtures) and 2.x (tsgrad) spell differently, with the condition under
 * which 2.x shows the new name. 1.13's `reshape`/`flatten` of a contiguous tensor is an alias node; 2.x
 * records it as a plain view.
 */
const RENAMED_IN_2X: Record<string, { name: string; when: 'contiguous_input' }> = {
  ReshapeAliasBackward0: { name: 'ViewBackward0', when: 'contiguous_input' },
};

/** The grad_fn name tsgrad must show for a fixture's 1.13 name. */
export function expected_node_name(name_1_13: string | null, input_contiguous: boolean): string | null {
  if (name_1_13 === null) return null;
  const r = RENAMED_IN_2X[name_1_13];
  return r !== undefined && (r.when !== 'contiguous_input' || input_contiguous) ? r.name : name_1_13;
}

/** Runs `fn` while capturing `process.emitWarning` calls as `[message, category]`. */
export function capture_warnings<T>(fn: () => T): [T, [string, string][]] {
  const seen: [string, string][] = [];
  const spy = vi.spyOn(process, 'emitWarning').mockImplementation(((msg: string | Error, type?: unknown) => {
    seen.push([String(msg), typeof type === 'string' ? type : 'Warning']);
  }) as typeof process.emitWarning);
  try {
    return [fn(), seen];
  } finally {
    spy.mockRestore();
  }
}

/** The message `fn` throws, or 'no error' (for tables of PyTorch's error texts). */
export function error_message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}
