// Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict, and the deprecated Container.
import { is_plain_object, lone_object_as_value, signature, Tensor, warn, type PyArgs } from '@tsgrad/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { add_indent } from '../python_repr.js';

const SEQUENTIAL = signature<object>('Sequential()');
const MODULE_LIST = signature<{ modules: Iterable<Module> | null }>('ModuleList(Iterable? modules=None)');
const MODULE_DICT = signature<{ modules: Map<string, Module> | Iterable<[string, Module]> | null }>('ModuleDict(Any modules=None)');
const PARAMETER_LIST = signature<{ values: Iterable<Tensor> | null }>('ParameterList(Iterable? values=None)');
const PARAMETER_DICT = signature<{ parameters: Map<string, Tensor> | Iterable<[string, Tensor]> | null }>('ParameterDict(Any parameters=None)');

/** A lone plain object whose values are all `item`s is a mapping container's contents, not its keyword options. */
const mapping_args = (args: readonly unknown[], is_item: (v: unknown) => boolean): readonly unknown[] =>
  lone_object_as_value(args, (o) => Object.values(o).every(is_item));

function check_index(i: number, n: number, what: string): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new RangeError(`index ${i} is out of range for ${what} of length ${n}`);
  return i < 0 ? i + n : i;
}

/**
 * Runs its children in order; children are named "0", "1", ….
 *
 * @example
 * const net = new nn.Sequential(new nn.Linear(4, 5), new nn.ReLU(), new nn.Linear(5, 2));
 * net.at(0); net.length; net.append(new nn.Tanh());
 */
class SequentialImpl extends Module {
  static override readonly __name__: string = 'Sequential';
  constructor(...modules: Module[] | [Map<string, Module>]) {
    super();
    // a trailing plain object holds keyword arguments, and Sequential takes none
    const last: unknown = modules[modules.length - 1];
    if (is_plain_object(last)) {
      SEQUENTIAL.parse([last]);
      modules = modules.slice(0, -1) as Module[];
    }
    if (modules.length === 1 && modules[0] instanceof Map) {
      for (const [name, m] of modules[0]) this.add_module(name, m);
    } else {
      (modules as Module[]).forEach((m, i) => this.add_module(String(i), m));
    }
  }

  /** Number of children, PyTorch's `len(seq)`. */
  get length(): number {
    return this._modules.size;
  }

  /** The child at `index` (negative counts from the end), PyTorch's `seq[i]`. */
  at<M extends Module = Module>(index: number): M {
    const mods = [...this._modules.values()];
    return mods[check_index(index, mods.length, 'Sequential')] as M;
  }

  /** A new Sequential of the children in `[start, stop)`, PyTorch's `seq[a:b]`. */
  slice(start?: number, stop?: number): Sequential {
    return new SequentialImpl(new Map([...this._modules].slice(start, stop).filter((e): e is [string, Module] => e[1] !== null))) as Sequential;
  }

  /** Adds `module` at the end (named by its index); returns this Sequential. */
  append(module: Module): this {
    this.add_module(String(this._modules.size), module);
    return this;
  }

  /** Iterates over the children in order, PyTorch's `for m in seq`. */
  *[Symbol.iterator](): Iterator<Module> {
    for (const m of this._modules.values()) if (m !== null) yield m;
  }

  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this._modules.values()) if (m !== null) x = m.call(x);
    return x as Tensor;
  }
}

/**
 * A Sequential of the children `Mods`: `seq[i]` is typed as the i-th child (`new nn.Sequential(new nn.Linear(2, 3),
 * new nn.ReLU())[0]` is a `Linear`); without known children (`nn.Sequential`), every `seq[i]` is a `Module`.
 */
export type Sequential<Mods extends readonly Module[] = Module[]> = SequentialImpl & { readonly [index: number]: Module } & {
  readonly [K in keyof Mods as K extends `${number}` ? K : never]: Mods[K];
};

/** The Sequential class: children given in order (typed by position) or as a Map of names to children. */
export interface SequentialConstructor {
  new <Mods extends Module[] = Module[]>(...modules: Mods): Sequential<Mods>;
  new (modules: Map<string, Module>): Sequential;
  readonly prototype: Sequential;
  readonly __name__: string;
}

/**
 * Runs its children in order; children are named "0", "1", …, and `seq[i]` reads the i-th (typed).
 *
 * @example
 * const net = new nn.Sequential(new nn.Linear(4, 5), new nn.ReLU(), new nn.Linear(5, 2));
 * const first: nn.Linear = net[0];
 * net.at(-1); net.length; net.append(new nn.Tanh());
 */
export const Sequential = SequentialImpl as unknown as SequentialConstructor;

/** `list[i]` reads a child by position (the children are also properties named "0", "1", …). */
export interface ModuleList<M extends Module = Module> {
  readonly [index: number]: M;
}

/**
 * A list of modules, registered under "0", "1", … (no forward of its own); `list[i]` and iteration are typed by
 * the kind of module it was built from.
 *
 * @example
 * const layers = new nn.ModuleList(Array.from({ length: 3 }, () => new nn.Linear(4, 4)));
 * for (const layer of layers) x = layer.call(x);
 * layers[0].weight;
 */
export class ModuleList<M extends Module = Module> extends Module {
  static override readonly __name__: string = 'ModuleList';
  constructor(...args: PyArgs<[modules: Iterable<M> | null], { modules?: Iterable<M> | null }>) {
    super();
    const { modules } = MODULE_LIST.parse(args);
    if (modules !== null) for (const m of modules) this.append(m as M);
  }
  /** Number of modules, PyTorch's `len(list)`. */
  get length(): number {
    return this._modules.size;
  }
  /**
   * The module at `index` (negative counts from the end), PyTorch's `list[i]`; throws a RangeError when out of
   * range.
   */
  at<T extends Module = M>(index: number): T {
    const mods = [...this._modules.values()];
    return mods[check_index(index, mods.length, 'ModuleList')] as T;
  }
  /** Adds `module` at the end; returns this list. */
  append(module: M): this {
    this.add_module(String(this._modules.size), module);
    return this;
  }
  /** Appends every module of `modules` in order; returns this list. */
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }
  /** Iterates over the modules in order. */
  *[Symbol.iterator](): Iterator<M> {
    for (const m of this._modules.values()) if (m !== null) yield m as M;
  }

  /** PyTorch 2.x's text: runs of children that print alike are shown once, as `(0-1): 2 x Layer(...)`. */
  override toString(): string {
    const reprs = [...this].map((m) => m.toString());
    if (reprs.length === 0) return `${this._get_name()}()`;
    const runs: { start: number; end: number; text: string }[] = [];
    reprs.forEach((text, i) => {
      const last = runs[runs.length - 1];
      if (last !== undefined && last.text === text) last.end = i;
      else runs.push({ start: i, end: i, text });
    });
    const lines = runs.map(({ start, end, text }) => add_indent(start === end ? `(${start}): ${text}` : `(${start}-${end}): ${end - start + 1} x ${text}`, 2));
    return `${this._get_name()}(\n  ${lines.join('\n  ')}\n)`;
  }
}

/**
 * Modules by name, in insertion order (no forward of its own).
 *
 * @example
 * const heads = new nn.ModuleDict({ cls: new nn.Linear(8, 10), box: new nn.Linear(8, 4) });
 * heads.get('cls').call(features);
 */
export class ModuleDict extends Module {
  static override readonly __name__: string = 'ModuleDict';
  constructor(...args: [modules?: Record<string, Module> | Map<string, Module> | null, options?: { modules?: Record<string, Module> | Map<string, Module> | null }]) {
    super();
    const { modules } = MODULE_DICT.parse(mapping_args(args, (v) => v instanceof Module));
    const entries = modules === null ? [] : is_plain_object(modules) ? Object.entries(modules as Record<string, Module>) : [...modules];
    for (const [k, m] of entries) this.add_module(k, m);
  }
  /** Number of entries, PyTorch's `len(d)`. */
  get length(): number {
    return this._modules.size;
  }
  /** The module under `key`, PyTorch's `d[key]`; throws `KeyError: 'key'` when missing. */
  get<M extends Module = Module>(key: string): M {
    const m = this._modules.get(key);
    if (m === undefined || m === null) throw new Error(`KeyError: '${key}'`);
    return m as M;
  }
  /** Adds or replaces the module under `key`, PyTorch's `d[key] = module`. */
  set(key: string, module: Module): void {
    this.add_module(key, module);
  }
  /** Whether `key` is present, PyTorch's `key in d`. */
  has(key: string): boolean {
    return this._modules.has(key);
  }
  /** The keys, in insertion order. */
  keys(): string[] {
    return [...this._modules.keys()];
  }
  /** The `[key, module]` pairs, in insertion order. */
  items(): [string, Module][] {
    return [...this._modules].filter((e): e is [string, Module] => e[1] !== null);
  }
}

/** A tensor as a Parameter (a Parameter stays itself), as PyTorch's parameter containers store their values. */
const as_parameter = (value: Tensor): Parameter => (value instanceof Parameter ? value : new Parameter(value));

/** PyTorch's line for one stored parameter: `Parameter containing: [torch.float32 of size 3x4]`. */
const parameter_line = (p: Tensor): string => `Parameter containing: [torch.${p._dtype} of size ${p._shape.join('x')}]`;

/**
 * A list of parameters registered under "0", "1", … (a plain tensor becomes a Parameter); it has no forward,
 * and calling it raises as in PyTorch.
 *
 * @example
 * const scales = new nn.ParameterList([torch.ones([4]), torch.zeros([4])]);
 * scales.at(1); scales.length; [...scales.parameters()].length; // 2
 */
export class ParameterList extends Module {
  static override readonly __name__: string = 'ParameterList';
  constructor(...args: PyArgs<[values: Iterable<Tensor> | null], { values?: Iterable<Tensor> | null }>) {
    super();
    const { values } = PARAMETER_LIST.parse(args);
    if (values !== null) this.extend(values);
  }
  /** Number of parameters, PyTorch's `len(list)`. */
  get length(): number {
    return this._parameters.size;
  }
  /** The parameter at `index` (negative counts from the end), PyTorch's `list[i]`. */
  at(index: number): Parameter {
    const n = this.length;
    if (!Number.isInteger(index) || index < -n || index >= n) throw new RangeError(`index ${index} is out of range`);
    return this._parameters.get(String(index < 0 ? index + n : index))!;
  }
  /** Replaces the parameter at `index`, PyTorch's `list[i] = value`. */
  set(index: number, value: Tensor): void {
    this.at(index);
    const n = this.length;
    this.register_parameter(String(index < 0 ? index + n : index), as_parameter(value));
  }
  /** Adds `value` at the end (as a Parameter); returns this list. */
  append(value: Tensor): this {
    this.register_parameter(String(this.length), as_parameter(value));
    return this;
  }
  /** Appends every tensor of `values` in order; returns this list. */
  extend(values: Iterable<Tensor>): this {
    if (values instanceof Tensor || typeof (values as Partial<Iterable<Tensor>>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`ParameterList.extend should be called with an iterable, but got ${values instanceof Tensor ? 'Tensor' : typeof values}`);
    }
    for (const v of values) this.append(v);
    return this;
  }
  /** Iterates over the parameters in order. */
  *[Symbol.iterator](): Iterator<Parameter> {
    for (const p of this._parameters.values()) if (p !== null) yield p;
  }
  override extra_repr(): string {
    return [...this].map((p, k) => `  (${k}): ${parameter_line(p)}`).join('\n');
  }
  /** A ParameterList has no forward: calling it raises, as in PyTorch. */
  override forward(): never {
    throw new Error('ParameterList should not be called.');
  }
}

/**
 * Parameters by name, in insertion order (a plain tensor becomes a Parameter); it has no forward, and calling it
 * raises as in PyTorch.
 *
 * @example
 * const p = new nn.ParameterDict({ left: torch.randn([5, 10]), right: torch.randn([5, 10]) });
 * p.get('left').shape; p.keys(); // ['left', 'right']
 */
export class ParameterDict extends Module {
  static override readonly __name__: string = 'ParameterDict';
  constructor(...args: [parameters?: Record<string, Tensor> | Map<string, Tensor> | Iterable<[string, Tensor]> | null, options?: { parameters?: Record<string, Tensor> | Map<string, Tensor> | Iterable<[string, Tensor]> | null }]) {
    super();
    const { parameters } = PARAMETER_DICT.parse(mapping_args(args, (v) => v instanceof Tensor));
    if (parameters !== null) this.update(parameters);
  }
  /** Number of entries, PyTorch's `len(d)`. */
  get length(): number {
    return this._parameters.size;
  }
  /** The parameter under `key`, PyTorch's `d[key]`; throws `KeyError: 'key'` when missing. */
  get(key: string): Parameter {
    const p = this._parameters.get(key);
    if (p === undefined || p === null) throw new Error(`KeyError: '${key}'`);
    return p;
  }
  /** Adds or replaces the parameter under `key` (as a Parameter), PyTorch's `d[key] = value`. */
  set(key: string, value: Tensor): void {
    this.register_parameter(key, as_parameter(value));
  }
  /** Whether `key` is present, PyTorch's `key in d`. */
  has(key: string): boolean {
    return this._parameters.has(key);
  }
  /** Removes `key` and returns its parameter; throws `KeyError: 'key'` when missing. */
  pop(key: string): Parameter {
    const p = this.get(key);
    this._parameters.delete(key);
    return p;
  }
  /**
   * Adds or replaces every entry of `parameters`: a Map or `[key, tensor]` pairs in their order, a plain object
   * in sorted key order (as PyTorch sorts a plain dict, keeping an OrderedDict's order).
   */
  update(parameters: Record<string, Tensor> | Map<string, Tensor> | Iterable<[string, Tensor]>): void {
    const entries = parameters instanceof Map || Symbol.iterator in parameters
      ? [...(parameters as Iterable<[string, Tensor]>)]
      : Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    entries.forEach((e, j) => {
      if (!Array.isArray(e)) throw new TypeError(`ParameterDict update sequence element #${j} should be Iterable; is ${typeof e}`);
      if (e.length !== 2) throw new Error(`ParameterDict update sequence element #${j} has length ${e.length}; 2 is required`);
      this.set(e[0], e[1]);
    });
  }
  /** The keys, in insertion order. */
  keys(): string[] {
    return [...this._parameters.keys()];
  }
  /** The parameters, in insertion order. */
  values(): Parameter[] {
    return this.items().map(([, p]) => p);
  }
  /** The `[key, parameter]` pairs, in insertion order. */
  items(): [string, Parameter][] {
    return [...this._parameters].filter((e): e is [string, Parameter] => e[1] !== null);
  }
  /** Iterates over the keys, as a Python dict does. */
  *[Symbol.iterator](): Iterator<string> {
    yield* this.keys();
  }
  override extra_repr(): string {
    // PyTorch names a dict entry's type by its legacy name (torch.FloatTensor), a list entry's by its dtype
    return this.items().map(([k, p]) => `  (${k}): Parameter containing: [${p.type()} of size ${p._shape.join('x')}]`).join('\n');
  }
  /** A ParameterDict has no forward: calling it raises, as in PyTorch. */
  override forward(): never {
    throw new Error('ParameterDict should not be called.');
  }
}

/**
 * PyTorch's deprecated `nn.Container`: a Module whose keyword arguments become its children, in order (it warns
 * as PyTorch does; subclass `nn.Module` instead). Its arguments are named children only, so no signature parser.
 *
 * @example
 * const c = new nn.Container({ fc: new nn.Linear(2, 3), act: new nn.ReLU() });
 */
export class Container extends Module {
  static override readonly __name__: string = 'Container';
  constructor(children: Record<string, Module | null> = {}) {
    super();
    warn("nn.Container is deprecated. All of it's functionality is now implemented in nn.Module. Subclass that instead.");
    for (const [name, m] of Object.entries(children)) this.add_module(name, m);
  }
}
