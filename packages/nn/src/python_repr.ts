// Python-style value formatting for module reprs: (5, 5), True, 1e-05; Python's default object repr.
import { number_repr, object_address } from '@tsgrad/core';

/** Formats a value as Python's repr would (tuples for arrays, True/False, 1e-05). */
export function py_repr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return number_repr(v); // -0 prints as -0.0: only a float can be negative zero
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.length === 1 ? `(${py_repr(v[0])},)` : `(${v.map(py_repr).join(', ')})`;
  return String(v);
}

/** Python's float repr for values that are floats even when integral (momentum=0.1, eps=1.0). */
export function py_float(v: number): string {
  const s = number_repr(v);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** Indents every line but the first by `n` spaces (PyTorch's _addindent). */
export function add_indent(s: string, n: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  return [lines[0], ...lines.slice(1).map((l) => ' '.repeat(n) + l)].join('\n');
}

/**
 * Python's default repr, `<torch.optim.lr_scheduler.StepLR object at 0x7f…>`: a library class (one declaring its
 * own static `__name__`) under `module_path`; a user's subclass under `__main__`, as a class defined in a script.
 *
 * @example
 * object_repr(scheduler, 'torch.optim.lr_scheduler'); // '<torch.optim.lr_scheduler.StepLR object at 0x7f5a00000040>'
 */
export function object_repr(obj: object, module_path: string): string {
  const ctor = obj.constructor as { readonly name: string; readonly __name__?: string };
  const own = Object.prototype.hasOwnProperty.call(ctor, '__name__') ? ctor.__name__ : undefined;
  return `<${own === undefined ? '__main__' : module_path}.${own ?? ctor.name} object at ${object_address(obj)}>`;
}

/** `console.log` in Node prints through this symbol (the same text as `String(obj)`). */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom');
