// Modules and inputs from the fixtures' JSON spelling ({class, args, kwargs}; tensors as {shape, data}; nested
// modules as {$module}; named callables as {$callable}): shared by nn_modules.test.ts and nn_errors.test.ts.
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { is_tensor_json, T } from './fixture_utils.js';

/** A module constructor as the fixtures write it: `nn.<class>(*args, **kwargs)`. */
export interface Ctor { class: string; args: unknown[]; kwargs: Record<string, unknown> }

type ModuleClass = new (...args: unknown[]) => nn.Module;
/** `nn`'s classes by name (undefined where tsgrad lacks one). */
export const classes = nn as unknown as Record<string, ModuleClass | undefined>;

/** The callables the fixtures name (a distance function, a transformer layer's activation). */
const CALLABLES: Record<string, (...a: Tensor[]) => Tensor> = {
  cosine_distance: (a, b) => torch.rsub(nn.functional.cosine_similarity(a!, b!), 1),
  'F.gelu': (x) => nn.functional.gelu(x!),
  'F.relu': (x) => nn.functional.relu(x!),
  'F.pairwise_distance': (a, b) => nn.functional.pairwise_distance(a!, b!),
};

/** A constructor argument from the fixture: tensors, nested modules, the named callables, tuples as arrays. */
function ctor_value(v: unknown): unknown {
  if (is_tensor_json(v)) return T(v);
  if (Array.isArray(v)) return v.map(ctor_value);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('$module' in o) return build(o.$module as Ctor);
    if ('$callable' in o) {
      const f = CALLABLES[String(o.$callable)];
      if (f === undefined) throw new Error(`unknown callable ${String(o.$callable)}`);
      return f;
    }
    return Object.fromEntries(Object.entries(o).map(([k, e]) => [k, ctor_value(e)]));
  }
  return v;
}

/** Constructs the module a fixture describes (keyword arguments as the trailing options object). */
export function build(c: Ctor): nn.Module {
  const cls = classes[c.class];
  if (cls === undefined) throw new Error(`nn.${c.class} is missing`);
  const args = c.args.map(ctor_value);
  return Object.keys(c.kwargs).length > 0 ? new cls(...args, ctor_value(c.kwargs)) : new cls(...args);
}

/** Inputs: tensors (leaves requiring grad where flagged), nested lists as tuples, null as None. */
export function input_value(v: unknown, flag: unknown = false): unknown {
  if (v === null) return null;
  if (is_tensor_json(v)) return T(v, { requires_grad: flag === true });
  if (Array.isArray(v)) return v.map((e, i) => input_value(e, Array.isArray(flag) ? flag[i] : false));
  return v;
}
