// PyTorch's (values, indices) named tuples (max(dim), sort, topk): an array that also has `.values` / `.indices`.
import type { Tensor } from '../tensor.js';
import { as_named_tuple } from '../py_repr.js';

const FIELDS = ['values', 'indices'] as const;

/**
 * `[values, indices]` with `.values` and `.indices` properties, typed as the caller's result interface; it prints
 * as PyTorch's `torch.return_types.<op>(values=..., indices=...)`.
 */
export function values_indices<R>(op: string, values: Tensor, indices: Tensor): R {
  const r = as_named_tuple([values, indices], `torch.return_types.${op}`, FIELDS);
  Object.defineProperty(r, 'values', { value: values });
  Object.defineProperty(r, 'indices', { value: indices });
  return r as unknown as R;
}

/**
 * A named tuple of any fields (`linalg_qr`'s `Q, R`, `linalg_eigh`'s `eigenvalues, eigenvectors`): an array with a
 * property per field, printing as `torch.return_types.<op>(Q=..., R=...)`.
 */
export function named_result<R>(op: string, fields: readonly string[], items: readonly unknown[]): R {
  const r = as_named_tuple([...items], `torch.return_types.${op}`, fields);
  fields.forEach((f, i) => Object.defineProperty(r, f, { value: items[i] }));
  return r as unknown as R;
}
