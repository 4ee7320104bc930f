// Vitest setup: TSGRAD_BACKEND=<name> runs the whole suite on that kernel backend (default: the library's own default).
import { expect } from 'vitest';
import { set_backend, Tensor } from '@tsgrad/core';

const requested = process.env['TSGRAD_BACKEND'];
if (requested !== undefined && requested !== '') set_backend(requested);

// Tensors are iterable (dim 0, as in PyTorch), so vitest's deep equality would walk them row by row down to
// 0-d tensors, which refuse iteration: compare tensors by dtype, shape and values instead.
expect.addEqualityTesters([
  function tensor_equals(a: unknown, b: unknown): boolean | undefined {
    if (!(a instanceof Tensor) || !(b instanceof Tensor)) return undefined;
    if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) return false;
    const x = a._contiguous_data();
    const y = b._contiguous_data();
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  },
]);
