// Gradients PyTorch defines by convention where calculus has none (0 ** 0, log 0 under a zero exponent, the
// norm at the origin), against real PyTorch (fixtures/conventions/conventional_grads.json, written by
// make_conventional_grads.py there).
import { expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { load_fixture } from './helpers.js';

const fixture = load_fixture<{ cases: Record<string, (number | string)[][]> }>('conventions/conventional_grads.json');

/** Twins of the Python cases: the function and its inputs (float64 leaves). */
const CASES: Record<string, [(...t: Tensor[]) => Tensor, number[][]]> = {
  pow_tensor_exponent_zero_at_zero_base: [(a, b) => a!.pow(b!), [[0, 0, 2], [0, 0, 0]]],
  pow_tensor_exponent_at_zero_base: [(a, b) => a!.pow(b!), [[0, 0, 0], [-1, 0, 1]]],
  pow_scalar_exponent_zero_at_zero_base: [(a) => a!.pow(0), [[0, 1]]],
  pow_zero_scalar_base: [(b) => torch.pow(0, b!), [[-1, 0, 1]]],
  pow_scalar_base: [(b) => torch.pow(2, b!), [[-1, 0, 1]]],
  norm_2_at_origin: [(a) => a!.norm(2), [[0, 0, 0]]],
  norm_3_at_origin: [(a) => a!.norm(3), [[0, 0]]],
  norm_1_5_at_origin: [(a) => a!.norm(1.5), [[0, 0]]],
  norm_1_at_origin: [(a) => a!.norm(1), [[0, 0]]],
};

const as_number = (v: number | string): number => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity')));

it.each(Object.keys(fixture.cases))('%s', (name) => {
  const [f, values] = CASES[name]!;
  const leaves = values.map((v) => torch.tensor(v, { dtype: 'float64', requires_grad: true }));
  f(...leaves).sum().backward();
  leaves.forEach((t, i) => {
    const want = fixture.cases[name]![i]!.map(as_number);
    (t.grad!.tolist() as number[]).forEach((g, j) => expect(g).toBeCloseTo(want[j]!, 12));
  });
});

it('every case has its twin', () => {
  expect(Object.keys(CASES).sort()).toEqual(Object.keys(fixture.cases).sort());
});
