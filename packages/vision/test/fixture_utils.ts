// Fixture helpers for the vision tests: the shared ones from the nn tests, with a nullable tensor check.
import type { Tensor } from '@tsgrad/core';
import { expect } from 'vitest';
import { expect_tensor as expect_fixture_tensor, type TensorJSON } from '../../nn/test/fixture_utils.js';

export { load_fixture, load_fixture_with_variants, T, name_2x, NAME_2X, type TensorJSON, type Digest } from '../../nn/test/fixture_utils.js';

/** Asserts `actual` matches a fixture tensor (values, a digest, or just a shape); `null` expects null. */
export function expect_tensor(actual: Tensor | null | undefined, expected: TensorJSON | null, what: string, rtol = 1e-4, atol = 1e-5): void {
  if (expected === null) {
    expect(actual ?? null, `${what} should be null`).toBeNull();
    return;
  }
  expect_fixture_tensor(actual, expected, what, { rtol, atol });
}
