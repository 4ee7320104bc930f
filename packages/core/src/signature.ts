// One parser for PyTorch signatures: each public function, method and module constructor declares its schema
// once, in PyTorch's schema notation, and every call is read by the same code with PyTorch's argument-parser errors.
//
// Schema: `name(Type param, Type param=default, *, Type keyword_only=default)`.
//   Types: Tensor, Scalar (number | boolean), int, float, bool, str, ScalarType (a dtype), Device (a Device or
//   a device string such as 'cpu'), Callable, Dict (a plain object or Map), Object (a class instance such as a
//   Module: not a plain object, array or primitive), Iterable (an object with [Symbol.iterator]: arrays, Sets,
//   samplers), Generator (a torch.Generator), Any; `T[]` a list of T, `T[N]` a list of N T's that also accepts one
//   T (repeated, as PyTorch's
//   `int[2] stride` accepts `2`), `T[1]` one T or a list of any length (PyTorch's `int[1] dim`), `T?` also
//   accepts null, `A|B` either. `int... size` collects the remaining
//   positional ints (or takes one array), as `view(*size)`.
//   Defaults: numbers, inf, True / False / None, 'str' or "str", [lists]; a parameter without one is required.
// Calls: positional arguments fill the non-keyword-only parameters in order; a trailing plain object holds the
//   keyword arguments (unless that position takes a Dict). `undefined` counts as not given.
import { is_device_like } from './device.js';
import { is_py_list } from './py_repr.js';
import { DTYPES, TorchDType } from './dtype.js';
import { Generator } from './random.js';
import { Tensor } from './tensor.js';

type BaseKind = 'Tensor' | 'Scalar' | 'int' | 'float' | 'bool' | 'str' | 'ScalarType' | 'Device' | 'Callable' | 'Dict' | 'Object' | 'Iterable' | 'Generator' | 'Any';

interface TypeSpec {
  readonly base: BaseKind;
  /** undefined: a single value; -1: a list of any length; N: a list of N that also accepts one value. */
  readonly list?: number;
  /** List elements may be null (`T?[N]`). */
  readonly elem_optional?: boolean;
}

interface ParamSpec {
  readonly name: string;
  readonly types: readonly TypeSpec[];
  readonly optional: boolean;
  readonly kw_only: boolean;
  readonly varargs: boolean;
  readonly has_default: boolean;
  readonly default_value: unknown;
}

const BASES: readonly BaseKind[] = ['Tensor', 'Scalar', 'int', 'float', 'bool', 'str', 'ScalarType', 'Device', 'Callable', 'Dict', 'Object', 'Iterable', 'Generator', 'Any'];

/** Splits at top-level commas (outside brackets and quotes). */
function split_top(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '') parts.push(last);
  return parts;
}

function parse_default(text: string): unknown {
  if (text === 'None') return null;
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  if (text.startsWith("'") || text.startsWith('"')) return text.slice(1, -1);
  if (text.startsWith('[') || text.startsWith('(')) return split_top(text.slice(1, -1)).map(parse_default);
  const n = Number(text);
  if (Number.isNaN(n)) throw new Error(`signature: cannot read default '${text}'`);
  return n;
}

function parse_type(text: string): { types: TypeSpec[]; optional: boolean; varargs: boolean } {
  let t = text;
  let varargs = false;
  if (t.endsWith('...')) {
    varargs = true;
    t = t.slice(0, -3);
  }
  let optional = false;
  if (t.endsWith('?')) {
    optional = true;
    t = t.slice(0, -1);
  }
  const types = t.split('|').map((alt): TypeSpec => {
    const m = /^(\w+)(\?)?(?:\[(\d*)\])?$/.exec(alt);
    if (m === null || !BASES.includes(m[1] as BaseKind) || (m[2] !== undefined && m[3] === undefined)) throw new Error(`signature: unknown type '${alt}'`);
    const base = m[1] as BaseKind;
    if (m[3] === undefined) return { base };
    return { base, list: m[3] === '' ? -1 : Number(m[3]), elem_optional: m[2] !== undefined };
  });
  if (varargs) return { types: types.map((s) => ({ base: s.base, list: -1 })), optional, varargs };
  return { types, optional, varargs };
}

/**
 * Python's name for the kind of a JS value, as PyTorch's errors print it: `NoneType`, `bool`, `int`, `float`,
 * `str`, `function`, `Tensor`, `tuple` (arrays), `dict` (plain objects, Maps) or the class name.
 *
 * @example
 * torch.py_type_name(2.5); // 'float'
 */
export function py_type_name(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (v instanceof Tensor) return 'Tensor';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'function') return 'function';
  if (Array.isArray(v)) return is_py_list(v) ? 'list' : 'tuple';
  if (v instanceof Map || is_plain_object(v)) return 'dict';
  return class_name(v as object);
}

/**
 * The class name of an object as PyTorch's messages print it: its class's own static `__name__` when it
 * declares one (tsgrad's classes do, so a minifier renaming classes cannot change it), else the JS class name.
 *
 * @example
 * class_name(new nn.Conv2d(1, 2, 3)); // 'Conv2d', in a minified bundle too
 */
export function class_name(v: object): string {
  const ctor = (v as { constructor?: { readonly name?: string; readonly __name__?: unknown } }).constructor;
  if (ctor === undefined || ctor === null) return 'object';
  if (Object.hasOwn(ctor, '__name__') && typeof ctor.__name__ === 'string') return ctor.__name__;
  return ctor.name || 'object';
}

/**
 * Whether `v` is a plain `{ ... }` object (the keyword-options spelling), not a Tensor, array or class instance.
 *
 * @example
 * torch.is_plain_object({ dim: 1 }); // true
 * torch.is_plain_object(torch.zeros(1)); // false
 */
export function is_plain_object(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const ELEMENT_NAMES: Record<BaseKind, [string, string]> = {
  Tensor: ['Tensor', 'Tensors'],
  Scalar: ['Number', 'Numbers'],
  int: ['int', 'ints'],
  float: ['float', 'floats'],
  bool: ['bool', 'bools'],
  str: ['str', 'strs'],
  ScalarType: ['torch.dtype', 'torch.dtypes'],
  Device: ['torch.device', 'torch.devices'],
  Callable: ['callable', 'callables'],
  Dict: ['dict', 'dicts'],
  Object: ['object', 'objects'],
  Iterable: ['iterable', 'iterables'],
  Generator: ['torch.Generator', 'torch.Generators'],
  Any: ['object', 'objects'],
};

function type_label(spec: TypeSpec): string {
  const [one, many] = ELEMENT_NAMES[spec.base];
  return spec.list === undefined ? one : `tuple of ${many}`;
}

function check_base(base: BaseKind, v: unknown): boolean {
  switch (base) {
    case 'Tensor': return v instanceof Tensor;
    case 'Scalar': return typeof v === 'number' || typeof v === 'boolean';
    case 'int': return typeof v === 'number' && Number.isInteger(v);
    case 'float': return typeof v === 'number';
    case 'bool': return typeof v === 'boolean';
    case 'str': return typeof v === 'string';
    case 'ScalarType': return v instanceof TorchDType || (typeof v === 'string' && (DTYPES as readonly string[]).includes(v));
    case 'Device': return is_device_like(v);
    case 'Callable': return typeof v === 'function';
    case 'Dict': return v instanceof Map || is_plain_object(v);
    case 'Object': return typeof v === 'object' && v !== null && !Array.isArray(v) && !is_plain_object(v) && !(v instanceof Map);
    case 'Generator': return v instanceof Generator;
    case 'Iterable': return typeof v === 'object' && v !== null && typeof (v as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
    case 'Any': return true;
  }
}

/** The value converted to the spec (lists expanded), or undefined when it does not fit. */
function convert(spec: TypeSpec, v: unknown): { value: unknown } | undefined {
  // dtypes reach the op as their names ('float32'), whether given as torch.float32 or as the name
  const plain = (e: unknown): unknown => (e instanceof TorchDType ? e.name : e);
  if (spec.list === undefined) return check_base(spec.base, v) ? { value: plain(v) } : undefined;
  const element = (e: unknown): boolean => (e === null && spec.elem_optional === true) || check_base(spec.base, e);
  if (Array.isArray(v)) {
    if (spec.list > 0 && v.length !== spec.list && !(spec.list === 1)) return undefined;
    return v.every(element) ? { value: v.map(plain) } : undefined;
  }
  if (spec.list > 0 && element(v)) return { value: new Array<unknown>(spec.list).fill(plain(v)) };
  return undefined;
}

/**
 * Whether `v` is an array of integers: the common `view([2, 3])` call that fast paths take without parsing.
 *
 * @example
 * is_int_list([2, 3]); // true
 */
export function is_int_list(v: unknown): v is number[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!Number.isInteger(v[i])) return false;
  return true;
}

/**
 * The sizes of a `*size` call given as plain integers (`x.view(2, 3)`) or one integer list (`x.view([2, 3])`);
 * null for every other spelling, which the parser then reads.
 *
 * @example
 * int_varargs([2, 3]); int_varargs([[2, 3]]); // [2, 3] both
 */
export function int_varargs(args: readonly unknown[]): readonly number[] | null {
  if (args.length === 1 && Array.isArray(args[0])) return is_int_list(args[0]) ? args[0] : null;
  return is_int_list(args) ? args : null;
}

/**
 * PyTorch's TypeError for arguments given to a method that takes none (`x.dim(1)`, `x.t({ bogus: 1 })`): `arg` is
 * the first argument given.
 *
 * @example
 * dim(no_args?: never): number { if (no_args !== undefined) no_arguments('Tensor.dim', no_args); ... }
 */
export function no_arguments(name: string, arg: unknown): never {
  if (is_plain_object(arg)) throw new TypeError(`${name}() takes no keyword arguments`);
  throw new TypeError(`${name}() takes no arguments (1 given)`);
}

let next_is_method = false;
/** The `self` given to `method_call(self)`: only a parse whose first argument is it counts as the method's. */
let method_self: unknown = undefined;

/**
 * Marks the next `parse` as a Tensor method's: `x.argmax(1.5)` reports position 1 where `torch.argmax(x, 1.5)`
 * reports position 2, as PyTorch does. Call it right before delegating to an op that parses first thing, with the
 * method's `this`: the mark applies only to a parse of arguments starting with `self`, and the next parse consumes
 * it, so an op whose positional fast path skips the parser leaves no mark that a later, unrelated parse (a module
 * constructor, say) would take for its own.
 *
 * @example
 * argmax(...args: ArgmaxMethodArgs): Tensor { return end_method(method_call(this), ops.argmax(this, ...args)); }
 */
export function method_call(self: Tensor): void {
  next_is_method = true;
  method_self = self;
}

/**
 * Ends a Tensor method's call: clears a `method_call` mark no parse consumed (the op took its positional fast
 * path) and passes the op's result through. `method_call(this)` is its first argument, so the mark is set before
 * the op runs.
 *
 * @example
 * sum(...args: ReduceMethodArgs): Tensor { return end_method(method_call(this), ops.sum(this, ...args)); }
 */
export function end_method<R>(_marked: void, result: R): R {
  next_is_method = false;
  method_self = undefined;
  return result;
}

/** Whether this parse of `args` is a Tensor method's (see `method_call`); consumes the mark. */
function take_method_mark(args: readonly unknown[], options: ParseOptions): boolean {
  const marked = next_is_method && args[0] === method_self;
  next_is_method = false;
  method_self = undefined;
  return options.method === true || marked;
}

/**
 * Options of `signature`. Where PyTorch's Python function wraps a native op, the two report errors under
 * different names: Python raises the unexpected / repeated / missing / surplus argument errors under the Python
 * function's name (`F.max_pool2d` is `_max_pool2d`), the native op's parser the wrong-kind errors, under its own
 * parameter names (`F.dropout`'s `training` is the native `train`). A schema may declare both.
 */
export interface SignatureOptions {
  /** The name errors give when a Tensor method parses (`'Tensor.norm'`, for the methods PyTorch defines in Python). */
  readonly method_name?: string;
  /** The Python function's name, for the argument-count and keyword errors (default: the schema's name). */
  readonly python?: string;
  /** Native parameter names, for the wrong-kind errors: `{ training: 'train' }`. */
  readonly native?: Readonly<Record<string, string>>;
}

/** Options of `parse`. */
export interface ParseOptions {
  /** A Tensor method: `self` is the first parameter and positions in errors count from the next one. */
  readonly method?: boolean;
}

/**
 * A parsed PyTorch signature. `parse(args)` returns every parameter by name, defaults filled in.
 *
 * @example
 * const FLATTEN = signature<{ input: Tensor; start_dim: number; end_dim: number }>(
 *   'flatten(Tensor input, int start_dim=0, int end_dim=-1)');
 * const { input, start_dim, end_dim } = FLATTEN.parse([x, { start_dim: 1 }]);
 */
export class Signature<R> {
  /** The function name the schema declares (`'flatten'`), used in error messages. */
  readonly name: string;
  /** The name in a method call's errors (the schema's name unless declared otherwise). */
  readonly method_name: string;
  /** The name the current parse reports. */
  private error_name: string;
  /** The parameters in declaration order: name, accepted types, default, keyword-only or not. */
  readonly params: readonly ParamSpec[];
  private readonly positional: readonly ParamSpec[];
  private readonly by_name: ReadonlyMap<string, ParamSpec>;
  private readonly python_name: string;
  /** The name of the argument-count and keyword errors of the current parse (the Python function's, or the method's). */
  private arg_error_name = '';
  private readonly native: Readonly<Record<string, string>>;

  /** The schema text as declared. */
  readonly schema: string;

  constructor(schema: string, options: SignatureOptions = {}) {
    this.schema = schema.trim();
    const m = /^([\w.]+)\((.*)\)$/s.exec(this.schema);
    if (m === null) throw new Error(`signature: cannot read '${schema}'`);
    this.name = m[1]!;
    this.method_name = options.method_name ?? this.name;
    this.error_name = this.name;
    const params: ParamSpec[] = [];
    let kw_only = false;
    for (const part of split_top(m[2]!)) {
      if (part === '*') {
        kw_only = true;
        continue;
      }
      const eq = part.indexOf('=');
      const decl = (eq < 0 ? part : part.slice(0, eq)).trim();
      const sp = decl.lastIndexOf(' ');
      const { types, optional, varargs } = parse_type(decl.slice(0, sp).trim());
      const has_default = eq >= 0;
      const default_value = has_default ? parse_default(part.slice(eq + 1).trim()) : undefined;
      params.push({ name: decl.slice(sp + 1), types, optional: optional || (has_default && default_value === null), kw_only, varargs, has_default, default_value });
    }
    this.params = params;
    this.positional = params.filter((p) => !p.kw_only);
    this.by_name = new Map(params.map((p) => [p.name, p]));
    this.python_name = options.python ?? this.name;
    this.native = options.native ?? {};
  }

  /** Reads `args` (positional values, then an optional trailing keyword object) into named values. */
  parse(args: readonly unknown[], options: ParseOptions = {}): R {
    const shift = take_method_mark(args, options) ? 1 : 0;
    this.error_name = shift === 1 ? this.method_name : this.name;
    this.arg_error_name = shift === 1 ? this.method_name : this.python_name;
    let n = args.length;
    while (n > 0 && args[n - 1] === undefined) n--;
    let kwargs: Record<string, unknown> | null = null;
    if (n > 0 && is_plain_object(args[n - 1])) {
      const slot = this.positional[n - 1];
      const takes_object = slot !== undefined && slot.types.some((t) => t.list === undefined && t.base === 'Dict');
      if (!takes_object) {
        kwargs = args[n - 1] as Record<string, unknown>;
        n--;
      }
    }
    const out: Record<string, unknown> = {};
    const given = new Set<string>();
    let pos = 0;
    for (let i = 0; i < n; i++) {
      const p = this.positional[pos];
      if (p === undefined) this.fail_count(n, shift);
      if (p.varargs) {
        const rest = args.slice(i, n);
        const value = rest.length === 1 && Array.isArray(rest[0]) ? rest[0] : rest;
        out[p.name] = this.check(p, value, i + 1 - shift);
        given.add(p.name);
        pos++;
        break;
      }
      if (args[i] !== undefined) {
        out[p.name] = this.check(p, args[i], i + 1 - shift);
        given.add(p.name);
      }
      pos++;
    }
    if (kwargs !== null) {
      for (const key of Object.keys(kwargs)) {
        const p = this.by_name.get(key);
        if (p === undefined || (shift === 1 && p === this.params[0])) throw new TypeError(`${this.arg_error_name}() got an unexpected keyword argument '${key}'`);
        if (given.has(key)) throw new TypeError(`${this.arg_error_name}() got multiple values for argument '${key}'`);
        const v = kwargs[key];
        if (v === undefined) continue;
        out[key] = this.check(p, v, null);
        given.add(key);
      }
    }
    const missing: string[] = [];
    for (const p of this.params) {
      if (given.has(p.name)) continue;
      if (p.has_default) out[p.name] = p.default_value === null ? null : this.check(p, Array.isArray(p.default_value) ? [...p.default_value] : p.default_value, null);
      else missing.push(p.name);
    }
    if (missing.length > 0) {
      const s = missing.length === 1 ? '' : 's';
      throw new TypeError(`${this.arg_error_name}() missing ${missing.length} required positional argument${s}: ${missing.map((m) => `"${m}"`).join(', ')}`);
    }
    return out as R;
  }

  /** The values by name (`parse`; the same call as `Overloads.named`, so a reader may take either). */
  named(args: readonly unknown[]): R {
    return this.parse(args);
  }

  /**
   * The same parameters under another function name, as an in-place form's (`add_`) errors name it.
   *
   * @example
   * const ADD_ = ADD.renamed('add_');
   */
  renamed(name: string): Signature<R> {
    return new Signature<R>(this.schema.replace(/^[\w.]+/, name), { method_name: name });
  }

  /**
   * The parameters as PyTorch lists them in an overload error: `Tensor input, Number min, *, Tensor out`
   * (without `self` for a method).
   */
  describe(method = false): string {
    const parts: string[] = [];
    let star = false;
    for (const p of method ? this.params.slice(1) : this.params) {
      if (p.kw_only && !star) {
        parts.push('*');
        star = true;
      }
      parts.push(`${p.types.map(type_label).join(' or ')} ${p.name}`);
    }
    return parts.join(', ');
  }

  /** Whether a call with `n` arguments in all (positional and keyword, `self` not counted) could fit. */
  takes(n: number, method = false): boolean {
    const shift = method ? 1 : 0;
    const required = this.params.filter((p) => !p.has_default && !p.varargs).length - shift;
    const max = this.params.some((p) => p.varargs) ? Infinity : this.params.length - shift;
    return n >= required && n <= max;
  }

  /** The values of `args` when they fit this signature, else undefined (the parser's TypeError dropped). */
  try_parse(args: readonly unknown[], method: boolean): R | undefined {
    try {
      return this.parse(args, { method });
    } catch (e) {
      if (e instanceof TypeError) return undefined;
      throw e;
    }
  }

  private check(p: ParamSpec, v: unknown, position: number | null): unknown {
    if (v === null && p.optional) return null;
    for (const spec of p.types) {
      const c = convert(spec, v);
      if (c !== undefined) return c.value;
    }
    const label = this.native[p.name] ?? p.name;
    const where = position === null ? `argument '${label}'` : `argument '${label}' (position ${position})`;
    const expected = p.types.map(type_label).join(' or ');
    let actual = py_type_name(v);
    if (Array.isArray(v) && p.types.some((t) => t.list !== undefined)) {
      const bad = v.findIndex((e) => !p.types.some((t) => check_base(t.base, e) || (e === null && t.elem_optional === true)));
      // PyTorch's wording for a list with a wrong element (1-based position, no argument position)
      if (bad >= 0) throw new TypeError(`${this.error_name}(): argument '${label}' must be ${expected}, but found element of type ${py_type_name(v[bad])} at pos ${bad + 1}`);
      if (v.length > 0) actual = `tuple of length ${v.length}`;
    }
    throw new TypeError(`${this.error_name}(): ${where} must be ${expected}, not ${actual}`);
  }

  private fail_count(n: number, shift: number): never {
    const max = this.positional.length - shift;
    const min = this.positional.filter((p) => !p.has_default).length - shift;
    const range = min === max ? `${max}` : `from ${min} to ${max}`;
    const given = n - shift;
    throw new TypeError(`${this.arg_error_name}() takes ${range} positional argument${max === 1 ? '' : 's'} but ${given} ${given === 1 ? 'was' : 'were'} given`);
  }
}

/**
 * Declares a PyTorch signature once; `R` names the parsed values' types.
 *
 * @example
 * const ARGMAX = signature<{ input: Tensor; dim: number | null; keepdim: boolean }>('argmax(Tensor input, int? dim=None, bool keepdim=False)');
 * ARGMAX.parse([x, { dim: 1 }]); // { input: x, dim: 1, keepdim: false }
 * signature('dropout(Tensor input, float p=0.5, bool training=True, bool inplace=False)', { native: { training: 'train' } });
 */
export function signature<R>(schema: string, options: SignatureOptions = {}): Signature<R> {
  return new Signature<R>(schema, options);
}

/**
 * The arguments of a call whose first parameter may itself be a plain object (a dict of modules, a `{ length }`
 * data source): a lone plain object that `is_value` accepts is that argument, not the keyword options (an empty
 * keyword object is appended so `parse` reads it positionally).
 *
 * @example
 * SIG.parse(lone_object_as_value(args, (o) => 'length' in o));
 */
export function lone_object_as_value(args: readonly unknown[], is_value: (obj: Record<string, unknown>) => boolean): readonly unknown[] {
  const [only] = args;
  return args.length === 1 && is_plain_object(only) && is_value(only) ? [only, {}] : args;
}

/** Every leading run of `P`: `[]`, `[a]`, `[a, b]`, … (labels kept). */
type Prefixes<P extends readonly unknown[]> = P extends readonly [...infer H, unknown] ? Prefixes<H> | P : [];

/**
 * The arguments of a positional-or-keyword call, typed: any leading run of the positional parameters `P`,
 * then optionally the keyword object `O` (which may name any parameter).
 *
 * @example
 * constructor(...args: PyArgs<[start_dim: number, end_dim: number], { start_dim?: number; end_dim?: number }>)
 */
export type PyArgs<P extends readonly unknown[], O> = Prefixes<P> extends infer Q ? (Q extends readonly unknown[] ? [...Q, O?] : never) : never;

/** The overload a call matched: its index in declaration order and the values by name. */
export interface OverloadMatch<R> {
  /** Which overload (0 for the first declared). */
  readonly index: number;
  /** The arguments by name, defaults filled in. */
  readonly values: R;
}

/**
 * A function PyTorch overloads by the kinds of its arguments (`max(input)`, `max(input, dim, keepdim=False)`,
 * `max(input, other)`): `parse` reads the call with the first schema that accepts it, in declaration order, and
 * returns which one with the values. When none does, PyTorch's TypeError lists the argument kinds given and the
 * schemas; a schema ending in `|hidden` (PyTorch's marker) is tried but never listed. Only the slow path of a
 * call comes here: ops check their common positional spelling first.
 *
 * @example
 * const MAX = overloads<{ input: Tensor } | { input: Tensor; dim: number; keepdim: boolean } | { input: Tensor; other: Tensor }>(
 *   'max(Tensor input)', 'max(Tensor input, int dim, bool keepdim=False)', 'max(Tensor input, Tensor other)');
 * const { index, values } = MAX.parse([x, { dim: 1 }]); // index 1
 */
export class Overloads<R> {
  /** The function name, from the first schema. */
  readonly name: string;
  /** One parsed signature per overload, in the order they are tried. */
  readonly signatures: readonly Signature<R>[];

  /** The overloads marked `|hidden`: tried like the others, but neither counted nor listed in errors. */
  private readonly hidden: ReadonlySet<Signature<R>>;

  constructor(schemas: readonly string[]) {
    const hidden = new Set<Signature<R>>();
    this.signatures = schemas.map((text) => {
      const s = new Signature<R>(text.replace(/\|hidden$/, ''));
      if (text.endsWith('|hidden')) hidden.add(s);
      return s;
    });
    this.hidden = hidden;
    this.name = this.signatures[0]!.name;
  }

  /** The values by name of the overload `args` match (what a tracer records). */
  named(args: readonly unknown[]): R {
    return this.parse(args).values;
  }

  /** Reads `args` with the first overload that accepts them: its index and the values by name. */
  parse(args: readonly unknown[], options: ParseOptions = {}): OverloadMatch<R> {
    const method = take_method_mark(args, options);
    const given = args.slice(method ? 1 : 0).filter((a) => a !== undefined);
    const last = given[given.length - 1];
    const kw = last !== undefined && is_plain_object(last) ? (given.pop(), Object.entries(last).filter(([, v]) => v !== undefined)) : [];
    const n = given.length + kw.length;
    // only overloads that take this many arguments are tried
    const fitting = this.signatures.filter((s) => s.takes(n, method));
    for (const s of fitting) {
      const values = s.try_parse(args, method);
      if (values !== undefined) return { index: this.signatures.indexOf(s), values };
    }
    // as PyTorch: when only one listed overload takes this many arguments, its own error is the one raised
    const plausible = fitting.filter((s) => !this.hidden.has(s));
    if (plausible.length === 1) plausible[0]!.parse(args, { method });
    // PyTorch's wording: keywords listed last-given first, and a trailing ', ' when only keywords were given
    const keywords = kw.reverse().map(([k, v]) => `${k}=${py_type_name(v)}`);
    const got = given.length === 0 && keywords.length > 0 ? `${keywords.join(', ')}, ` : [...given.map(py_type_name), ...keywords].join(', ');
    const expected = this.signatures.filter((s) => !this.hidden.has(s)).map((s) => ` * (${s.describe(method)})`).join('\n');
    throw new TypeError(`${this.name}() received an invalid combination of arguments - got (${got}), but expected one of:\n${expected}`);
  }
}

/**
 * Declares a function's PyTorch overloads once, each in schema notation (see `Overloads`).
 *
 * @example
 * const CLAMP = overloads<Clamp>('clamp(Tensor input, Scalar? min=None, Scalar? max=None)', 'clamp(Tensor input, Tensor? min=None, Tensor? max=None)');
 */
export function overloads<R>(...schemas: string[]): Overloads<R> {
  return new Overloads<R>(schemas);
}
