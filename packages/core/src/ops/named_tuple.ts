// PyTorch's (values, indices) named tuples (max(dim), sort, topk): an array that also has `.values` / `.indices`.
import type { Tensor } from '../tensor.js';

/** `[values, indices]` with `.values` and `.indices` properties, typed as the caller's result interface. */
export function values_indices<R>(values: Tensor, indices: Tensor): R {
  const r = [values, indices];
  Object.defineProperty(r, 'values', { value: values });
  Object.defineProperty(r, 'indices', { value: indices });
  return r as unknown as R;
}
