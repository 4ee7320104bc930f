// Containers: Sequential, ModuleList, ModuleDict.
import type { Tensor } from '@tsgrad/core';
import { Module } from '../module.js';
import { add_indent } from '../python_repr.js';

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
  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
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
  constructor(modules: Record<string, Module> | Map<string, Module> = {}) {
    super();
    const entries = modules instanceof Map ? [...modules] : Object.entries(modules);
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
