// What a backward hook may return instead of the gradients it was given: PyTorch's check_result rules.
import type { DType } from '../dtype.js';
import { legacy_type_name } from '../dtype.js';
import { py_type_name } from '../signature.js';
import { Tensor } from '../tensor.js';
import { e12_hook_size } from './messages.js';
import type { Grad } from './node.js';

/** The name PyTorch prints for a hook: its `__name__`, `<lambda>` for an anonymous function. */
export function hook_name(hook: { readonly name: string }): string {
  return hook.name === '' ? '<lambda>' : hook.name;
}

/** How PyTorch's hook checks print a dtype (at::Tensor::toString: the legacy name where one exists). */
function type_string(dtype: DType): string {
  return dtype === 'bool' ? 'CPUBoolType' : legacy_type_name(dtype);
}

/**
 * Checks one gradient a hook returned in place of `original`: null keeps nothing (the gradient is dropped),
 * anything else must be a Tensor of the same dtype and shape, and a missing gradient cannot be invented.
 *
 * @example
 * check_single_result(grad, hook(grad), 'hook'); // throws "hook 'hook' has changed the size of value"
 */
export function check_single_result(original: Grad, result: unknown, name: string): Grad {
  if (result === null || result === undefined) return null;
  if (original === null) throw new Error("can't replace a None gradient with a non-None value");
  if (!(result instanceof Tensor)) throw new TypeError(`expected Variable, but hook returned '${py_type_name(result)}'`);
  if (result._dtype !== original._dtype) {
    throw new Error(`hook '${name}' has changed the type of value (was ${type_string(original._dtype)} got ${type_string(result._dtype)})`);
  }
  const [a, b] = [original._shape, result._shape];
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) throw new Error(e12_hook_size(name));
  return result;
}

/**
 * Checks the gradients a node pre- or post-hook returned in place of `previous`: an array of the same length,
 * each entry as `check_single_result`. Returns the new gradients (a fresh array).
 */
export function check_result(previous: readonly Grad[], result: unknown, name: string): Grad[] {
  if (!Array.isArray(result)) throw new TypeError(`expected tuple, but hook returned '${py_type_name(result)}'`);
  if (result.length !== previous.length) {
    throw new Error(`hook '${name}' has returned an incorrect number of values (got ${result.length}, but expected ${previous.length})`);
  }
  return previous.map((g, i) => check_single_result(g, result[i], name));
}
