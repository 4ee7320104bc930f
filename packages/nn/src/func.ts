// torch.func.functional_call (and the deprecated nn.utils.stateless.functional_call): a module called with other
// tensors in place of its parameters and buffers, which are put back afterwards.
import { Tensor, warn } from '@tsgrad/core';
import type { Module } from './module.js';

/** Options of functional_call. */
export interface FunctionalCallOptions {
  /** Keyword arguments for the module's forward. */
  kwargs?: Record<string, unknown> | null;
  /** A value given for one of several tied names (the same tensor) stands for all of them (default true). */
  tie_weights?: boolean;
  /** Every parameter and buffer must be given, and nothing else (default false). */
  strict?: boolean;
}

/**
 * Calls `module` with `parameters_and_buffers` (by qualified name, e.g. `'fc.weight'`; one dict or several) in
 * place of its own parameters and buffers; after the call, even if it throws, the module has its own back.
 * Gradients flow to the given tensors. PyTorch's `torch.func.functional_call`.
 *
 * @example
 * const params = Object.fromEntries([...net.named_parameters()].map(([n, p]) => [n, p.detach().mul(2)]));
 * const y = nn.func.functional_call(net, params, x);
 */
export function functional_call(
  module: Module,
  parameters_and_buffers: Record<string, Tensor> | readonly Record<string, Tensor>[],
  args: Tensor | readonly unknown[] = [],
  options: FunctionalCallOptions = {},
): unknown {
  const dicts = (Array.isArray(parameters_and_buffers) ? parameters_and_buffers : [parameters_and_buffers]) as Record<string, Tensor>[];
  const given = new Map<string, Tensor>();
  for (const d of dicts) {
    for (const [k, v] of Object.entries(d)) {
      if (given.has(k)) throw new Error(`${k} appeared in multiple dictionaries; behavior of functional call is ambiguous`);
      given.set(k, v);
    }
  }
  const own = new Map<string, Tensor>([...module.named_parameters({ remove_duplicate: false }), ...module.named_buffers({ remove_duplicate: false })] as [string, Tensor][]);
  if (options.strict === true) {
    const missing = [...own.keys()].filter((k) => !given.has(k));
    const unexpected = [...given.keys()].filter((k) => !own.has(k));
    if (missing.length > 0 || unexpected.length > 0) {
      const parts = [
        ...(unexpected.length > 0 ? [`Unexpected key(s): ${unexpected.map((k) => `'${k}'`).join(', ')}.`] : []),
        ...(missing.length > 0 ? [`Missing key(s): ${missing.map((k) => `'${k}'`).join(', ')}.`] : []),
      ];
      throw new Error(`Error(s) in reparametrizing for ${module._get_name()}:\n\t${parts.join('\n\t')}`);
    }
  }
  // a value given under one of several tied names stands for all of them
  if (options.tie_weights ?? true) {
    const names_of = new Map<Tensor, string[]>();
    for (const [k, t] of own) names_of.set(t, [...(names_of.get(t) ?? []), k]);
    for (const names of names_of.values()) {
      if (names.length < 2) continue;
      const values = names.filter((n) => given.has(n));
      if (values.length === 0) continue;
      const value = given.get(values[0]!)!;
      if (values.some((n) => given.get(n) !== value)) {
        throw new Error(`functional_call got multiple values for keys ${JSON.stringify(values).replace(/"/g, "'").replace(/,/g, ', ')}, which are tied. Consider using tie_weights=False`);
      }
      for (const n of names) given.set(n, value);
    }
  }
  const restore: (() => void)[] = [];
  try {
    for (const [path, value] of given) {
      const dot = path.lastIndexOf('.');
      const owner = dot < 0 ? module : module.get_submodule(path.slice(0, dot));
      const name = path.slice(dot + 1);
      if (owner._parameters.has(name) || owner._buffers.has(name)) {
        const old = owner._swap_tensor(name, value);
        restore.push(() => void owner._swap_tensor(name, old));
      } else {
        const fields = owner as unknown as Record<string, unknown>;
        const had = Object.prototype.hasOwnProperty.call(fields, name);
        const old = fields[name];
        fields[name] = value;
        restore.push(() => {
          if (had) fields[name] = old;
          else delete fields[name];
        });
      }
    }
    const positional = args instanceof Tensor ? [args] : [...args];
    const kwargs = options.kwargs ?? null;
    return module.call(...positional, ...(kwargs !== null && Object.keys(kwargs).length > 0 ? [kwargs] : []));
  } finally {
    for (const undo of restore.reverse()) undo();
  }
}

/**
 * The deprecated `torch.nn.utils.stateless.functional_call` (with PyTorch 2.x's warning): {@link functional_call}.
 *
 * @example
 * nn.utils.stateless.functional_call(net, params, [x]);
 */
export function stateless_functional_call(
  module: Module,
  parameters_and_buffers: Record<string, Tensor> | readonly Record<string, Tensor>[],
  args: Tensor | readonly unknown[] = [],
  options: FunctionalCallOptions = {},
): unknown {
  warn('This API is deprecated as of PyTorch 2.0 and will be removed in a future version of PyTorch. Please use torch.func.functional_call instead which is a drop-in replacement for this API.', 'FutureWarning');
  return functional_call(module, parameters_and_buffers, args, options);
}
