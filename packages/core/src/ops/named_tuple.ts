// PyTorch's named tuples ((values, indices) of max(dim), sort, topk; (min, max) of aminmax; (Q, R) of qr ...): an
// array that also has its fields as properties.
import type { Tensor } from '../tensor.js';
import { as_named_tuple } from '../py_repr.js';

const FIELDS = ['values', 'indices'] as const;

/** `[values, indices]` with `.values` and `.indices` properties (see `named_result`). */
export function values_indices<R>(op: string, values: Tensor, indices: Tensor): R {
  return named_result<R>(op, FIELDS, [values, indices]);
}

/**
 * A named tuple of any fields (`linalg_qr`'s `Q, R`, `linalg_eigh`'s `eigenvalues, eigenvectors`): an array with a
 * property per field, typed as the caller's result interface, printing as `torch.return_types.<op>(Q=..., R=...)`.
 */
export function named_result<R>(op: string, fields: readonly string[], items: readonly unknown[]): R {
  const r = as_named_tuple([...items], `torch.return_types.${op}`, fields);
  fields.forEach((f, i) => Object.defineProperty(r, f, { value: items[i] }));
  return r as unknown as R;
}
