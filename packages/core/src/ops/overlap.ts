// Memory-overlap checks of in-place writes (PyTorch's assert_no_internal_overlap / assert_no_partial_overlap).
import type { Tensor } from '../tensor.js';

const INTERNAL =
  'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.';
const PARTIAL =
  'unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.';

/**
 * Whether the elements of `t` tile a block of memory exactly once in some order of its dims (PyTorch's
 * is_non_overlapping_and_dense): its non-trivial dims, sorted by stride, have contiguous strides.
 */
export function is_non_overlapping_and_dense(t: Tensor): boolean {
  // no elements, no overlap (a zero-size dim makes the strides before it 0 here, where PyTorch keeps them ≥ 1)
  if (t._shape.includes(0)) return true;
  const dims: number[] = [];
  for (let i = 0; i < t._shape.length; i++) if (t._shape[i] !== 1) dims.push(i);
  dims.sort((a, b) => t._strides[a]! - t._strides[b]! || t._shape[a]! - t._shape[b]!);
  let expected = 1;
  for (const d of dims) {
    if (t._strides[d] !== expected) return false;
    expected *= t._shape[d]!;
  }
  return true;
}

/** Throws PyTorch's error when a write into `t` would store two elements at one address (a stride-0 dim). */
export function assert_no_internal_overlap(t: Tensor): void {
  if (is_non_overlapping_and_dense(t)) return;
  for (let i = 0; i < t._shape.length; i++) if (t._strides[i] === 0 && t._shape[i]! > 1) throw new Error(INTERNAL);
}

/**
 * Throws PyTorch's error when `input` and the written-to `out` share some but not all of their memory (or the
 * same memory in another order), so the result would depend on the order elements are visited. The very same
 * view, disjoint ranges and layouts PyTorch cannot judge cheaply (gaps, interleaving) pass.
 */
export function assert_no_partial_overlap(out: Tensor, input: Tensor): void {
  if (out === input || out._storage.data !== input._storage.data) return;
  const n = out.numel();
  const m = input.numel();
  if (n === 0 || m === 0 || !is_non_overlapping_and_dense(out) || !is_non_overlapping_and_dense(input)) return;
  const a0 = out._offset;
  const b0 = input._offset;
  if (a0 === b0 && n === m) {
    if (out._strides.length === input._strides.length && out._strides.every((s, i) => s === input._strides[i])) return;
    throw new Error(PARTIAL);
  }
  if (a0 < b0 + m && b0 < a0 + n) throw new Error(PARTIAL);
}
