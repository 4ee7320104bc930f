// Every op of @tsgrad/core (export or Tensor method) has a gradcheck/gradgradcheck row, or a stated reason not to.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { NOT_DIFFERENTIABLE, OP_CASES } from './op_grad_cases.js';

/** Exported functions and public Tensor methods (getters such as `grad`, `T`, `data` are properties, not ops). */
function op_names(): Set<string> {
  const names = new Set<string>();
  for (const [name, value] of Object.entries(torch)) if (typeof value === 'function') names.add(name);
  for (const name of Object.getOwnPropertyNames(torch.Tensor.prototype)) {
    const d = Object.getOwnPropertyDescriptor(torch.Tensor.prototype, name)!;
    if (typeof d.value === 'function' && !name.startsWith('_')) names.add(name);
  }
  return names;
}

describe('op coverage of the gradcheck table (op_grad_cases.ts)', () => {
  const covered = new Set(Object.values(OP_CASES).flatMap((row) => row.ops));
  const all = op_names();

  it('every op has a row or a reason', () => {
    const missing = [...all].filter((n) => !covered.has(n) && !(n in NOT_DIFFERENTIABLE)).sort();
    expect(missing, 'add a row to OP_CASES in packages/core/test/op_grad_cases.ts (or list the op in NOT_DIFFERENTIABLE with a reason)').toEqual([]);
  });

  it('rows and exclusions name real ops, and no op is both', () => {
    expect([...covered].filter((n) => !all.has(n)).sort(), 'row ops that are neither exports nor Tensor methods').toEqual([]);
    expect(Object.keys(NOT_DIFFERENTIABLE).filter((n) => !all.has(n)).sort(), 'stale exclusions').toEqual([]);
    expect([...covered].filter((n) => n in NOT_DIFFERENTIABLE).sort(), 'both covered and excluded').toEqual([]);
  });
});
