// nn.init's eye_, dirac_, orthogonal_ and sparse_ against PyTorch (fixtures/init/make_init_matrix.py).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { orthogonal_from } from '../src/init_matrix.js';

interface Fixture {
  orthogonal: { shape: number[]; gain: number; draw: number[]; out: number[] }[];
  eye: { shape: number[]; out: number[] }[];
  dirac: { shape: number[]; groups: number; out: number[] }[];
  errors: { call: string; message: string }[];
}
const fx = JSON.parse(readFileSync(join(__dirname, 'fixtures/init/init_matrix.json'), 'utf8')) as Fixture;

describe('nn.init structured initialisers', () => {
  it.each(fx.orthogonal.map((c) => [c.shape.join('x'), c] as const))('orthogonal_ of a %s draw is torch.linalg.qr\'s sign-corrected Q', (_, c) => {
    const rows = c.shape[0]!;
    const cols = c.out.length / rows;
    const q = orthogonal_from(Float64Array.from(c.draw), rows, cols, c.gain);
    q.forEach((v, i) => expect(v).toBeCloseTo(c.out[i]!, 12));
  });

  it('orthogonal_ fills in place with orthonormal rows or columns, times gain', () => {
    const w = new nn.Parameter(torch.empty([3, 2, 4]));
    expect(nn.init.orthogonal_(w, 2)).toBe(w);
    const m = w.reshape([3, 8]);
    const gram = m.matmul(m.t()).div(4).tolist() as number[][];
    gram.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 5)));
    expect(w.grad_fn).toBeNull();
  });

  it.each(fx.eye.map((c) => [c.shape.join('x'), c] as const))('eye_ %s', (_, c) => {
    expect(nn.init.eye_(torch.empty(c.shape)).flatten().tolist()).toEqual(c.out);
  });

  it.each(fx.dirac.map((c) => [`${c.shape.join('x')} groups ${c.groups}`, c] as const))('dirac_ %s', (_, c) => {
    expect(nn.init.dirac_(torch.empty(c.shape), c.groups).flatten().tolist()).toEqual(c.out);
  });

  it('sparse_ zeroes ceil(sparsity * rows) entries of every column', () => {
    const w = nn.init.sparse_(torch.empty([10, 6]), 0.25, 0.5);
    const cols = w.t().tolist() as number[][];
    for (const col of cols) expect(col.filter((v) => v === 0).length).toBe(3);
  });

  const calls: Record<string, () => unknown> = {
    'eye_([2,2,2])': () => nn.init.eye_(torch.empty([2, 2, 2])),
    'dirac_([2,2])': () => nn.init.dirac_(torch.empty([2, 2])),
    'dirac_([3,2,3],2)': () => nn.init.dirac_(torch.empty([3, 2, 3]), 2),
    'orthogonal_([3])': () => nn.init.orthogonal_(torch.empty([3])),
    'sparse_([2,2,2])': () => nn.init.sparse_(torch.empty([2, 2, 2]), 0.5),
  };
  it.each(fx.errors.map((e) => [e.call, e.message] as const))('%s raises PyTorch\'s error', (call, message) => {
    expect(calls[call]).toThrow(message);
  });
});
