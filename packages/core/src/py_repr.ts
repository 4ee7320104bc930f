// Python's repr for the tuples, dicts and named tuples tsgrad returns where PyTorch returns Python containers,
// so that console.log(...) and String(...) print what Python's print() does.

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const KIND = Symbol('tsgrad.py_kind');

type Kind = { tuple: true } | { list: true } | { ordered_dict: true } | { named: string; fields: readonly string[] };

/** Python's repr of a str: single quotes unless the text holds a single quote and no double quote. */
function str_repr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const c of s) {
    if (c === '\\') out += '\\\\';
    else if (c === q) out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else out += c;
  }
  return `${q}${out}${q}`;
}

/**
 * Python's repr of a number: integers as ints (JS cannot tell `3.0` from `3`), others as the shortest round-trip
 * digits in Python's layout (exponent below 1e-4 and from 1e16 on, at least two exponent digits: `1e-07`,
 * `1e+16`), `nan`, `inf`.
 *
 * @example
 * torch.number_repr(1e-7); // '1e-07'
 */
export function number_repr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return Object.is(v, -0) ? '-0.0' : String(v);
  const [mant, exp_text] = v.toExponential().split('e') as [string, string];
  const exp = Number(exp_text);
  if (exp >= -4 && exp < 16) return String(v); // JS lays these out positionally too
  const sign = exp < 0 ? '-' : '+';
  return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/**
 * Python's repr of `v`: tuples `(a, b)`, lists `[a, b]`, dicts `{'k': v}`, None/True/False; objects by String().
 *
 * @example
 * torch.py_repr(['a', null, true]); // "['a', None, True]"
 */
export function py_repr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return number_repr(v);
  if (typeof v === 'string') return str_repr(v);
  if (typeof v !== 'object') return String(v);
  const kind = (v as { [KIND]?: Kind })[KIND];
  if (kind !== undefined) return kind_repr(v, kind);
  if (Array.isArray(v)) return `[${v.map(py_repr).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${py_repr(k)}: ${py_repr(x)}`).join(', ')}}`;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto === Object.prototype || proto === null) return `{${Object.entries(v).map(([k, x]) => `${str_repr(k)}: ${py_repr(x)}`).join(', ')}}`;
  return String(v);
}

function kind_repr(v: object, kind: Kind): string {
  if ('tuple' in kind) {
    const items = (v as unknown[]).map(py_repr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if ('list' in kind) return `[${(v as unknown[]).map(py_repr).join(', ')}]`;
  if ('ordered_dict' in kind) {
    const entries = Object.entries(v);
    return entries.length === 0 ? 'OrderedDict()' : `OrderedDict([${entries.map(([k, x]) => `(${str_repr(k)}, ${py_repr(x)})`).join(', ')}])`;
  }
  const values = v as unknown[];
  return `${kind.named}(\n${kind.fields.map((f, i) => `${f}=${py_repr(values[i])}`).join(',\n')})`;
}

function mark<T extends object>(v: T, kind: Kind): T {
  if (!Object.isExtensible(v) || Object.prototype.hasOwnProperty.call(v, KIND)) return v;
  Object.defineProperty(v, KIND, { value: kind });
  return set_repr(v, (o) => kind_repr(o, kind));
}

/**
 * Gives one object the text Python prints for it: `String(v)` and `console.log(v)` both show `repr(v)`. The
 * properties are non-enumerable, so the object's keys, JSON and equality are unchanged.
 *
 * @example
 * torch.set_repr({ missing_keys: [] }, () => '<All keys matched successfully>');
 */
export function set_repr<T extends object>(v: T, repr: (v: T) => string): T {
  if (!Object.isExtensible(v)) return v;
  const show = function (this: T): string {
    return repr(this);
  };
  Object.defineProperty(v, INSPECT, { value: show, configurable: true });
  Object.defineProperty(v, 'toString', { value: show, configurable: true });
  return v;
}

const TUPLE: Kind = { tuple: true };
const LIST: Kind = { list: true };
const ORDERED_DICT: Kind = { ordered_dict: true };

/**
 * Marks an array as a Python tuple: it stays an ordinary array, but prints as `('a', tensor(...))`.
 *
 * @example
 * console.log(torch.as_tuple(['weight', 3])); // ('weight', 3)
 */
export function as_tuple<T extends unknown[]>(items: T): T {
  return mark(items, TUPLE);
}

/**
 * Marks an array as a Python list: it stays an ordinary array, but prints as `[tensor(...), tensor(...)]` (what
 * Python prints for a list PyTorch returns, such as a collated batch) rather than Node's multi-line layout.
 *
 * @example
 * console.log(torch.as_list([torch.zeros(2), 1])); // [tensor([0., 0.]), 1]
 */
export function as_list<T extends unknown[]>(items: T): T {
  return mark(items, LIST);
}

/**
 * True for an array marked with `as_list`: a Python list, which PyTorch tells apart from a tuple (module outputs
 * with backward hooks must be tuples).
 *
 * @example
 * torch.is_py_list(torch.as_list([1])); // true
 * torch.is_py_list([1]); // false: a plain array is a tuple
 */
export function is_py_list(v: unknown): boolean {
  return Array.isArray(v) && (v as { [KIND]?: Kind })[KIND] === LIST;
}

/**
 * Marks a plain object as a Python OrderedDict (a state dict): it stays a plain object, but prints as
 * `OrderedDict([('key', tensor(...))])`.
 *
 * @example
 * String(torch.as_ordered_dict({ w: 1 })); // "OrderedDict([('w', 1)])"
 */
export function as_ordered_dict<T extends object>(entries: T): T {
  return mark(entries, ORDERED_DICT);
}

/**
 * Marks an array as one of PyTorch's named tuples (`torch.return_types.max(values=..., indices=...)`).
 *
 * @example
 * torch.as_named_tuple([v, i], 'torch.return_types.max', ['values', 'indices']);
 */
export function as_named_tuple<T extends unknown[]>(items: T, name: string, fields: readonly string[]): T {
  return mark(items, { named: name, fields });
}
