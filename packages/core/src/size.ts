// torch.Size: a tensor's sizes as a number[] that prints as PyTorch prints it (`torch.Size([2, 3])`).

/** The class behind `torch.Size` (see there). */
class SizeImpl extends Array<number> {
  /** Array methods (`map`, `slice`, …) give plain arrays, as tuple methods give tuples in Python. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** A Size holding `dims` (an empty one without). */
  constructor(dims: Iterable<number> = []) {
    super();
    for (const d of dims) {
      if (!Number.isInteger(d)) throw new TypeError(`torch.Size() takes an iterable of 'int' (item ${this.length} is '${typeof d === 'number' ? 'float' : typeof d}')`);
      this.push(d);
    }
  }

  /** A Size holding `dims`, unchecked (tensors' own shapes, built on every op). */
  static of_dims(dims: readonly number[]): Size {
    // A plain array given this prototype: constructing a subclass of Array through `super()` costs about a
    // microsecond in V8 (a builtin's slow path), this a tenth of it, and every tensor makes one.
    const n = dims.length;
    const s = new Array<number>(n);
    for (let i = 0; i < n; i++) s[i] = dims[i]!;
    return Object.setPrototypeOf(s, SizeImpl.prototype) as Size;
  }

  /** The number of elements a tensor of this size holds (PyTorch's `Size.numel()`). */
  numel(): number {
    let n = 1;
    for (const d of this) n *= d;
    return n;
  }

  override toString(): string {
    return `torch.Size([${this.join(', ')}])`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** `torch.Size` both ways Python code spells it: `torch.Size([2, 3])` and `new torch.Size([2, 3])`. */
export interface SizeConstructor {
  new (dims?: Iterable<number>): Size;
  (dims?: Iterable<number>): Size;
  of_dims(dims: readonly number[]): Size;
  readonly prototype: Size;
}

/**
 * What `x.size()` returns: a plain `number[]` in every use (indexing, spreading, `length`) that prints as
 * `torch.Size([2, 3])` through `String`, template literals and `console.log`. Callable with or without `new`.
 *
 * @example
 * const s = torch.zeros(2, 3).size();
 * `${s}`; // 'torch.Size([2, 3])'
 * s[0]; // 2
 * expect(s).toEqual(torch.Size([2, 3]));
 */
export const Size = new Proxy(SizeImpl, {
  apply: (target, _this, args: [Iterable<number>?]) => new target(args[0]),
}) as unknown as SizeConstructor;
/** The type of a `torch.Size`. */
export type Size = SizeImpl;

/** A per-process fake address for objects PyTorch prints as `<… object at 0x…>`: stable per object. */
const addresses = new WeakMap<object, number>();
let next_address = 0;

/**
 * The address text PyTorch's default repr shows, `0x7f` then ten hex digits: objects are numbered in the
 * order they are first printed (64 bytes apart), so the text is stable for an object and distinct between
 * objects within a process, but is not a memory address.
 *
 * @example
 * `<SumBackward0 object at ${object_address(node)}>`;
 */
export function object_address(obj: object): string {
  let n = addresses.get(obj);
  if (n === undefined) {
    n = ++next_address;
    addresses.set(obj, n);
  }
  return `0x7f${(0x5a0000000 + n * 0x40).toString(16).padStart(10, '0')}`;
}

/**
 * Python's `len(obj)`: `obj.__len__()` where defined (tensors, datasets), else its `length` (arrays, strings,
 * data loaders, `torch.Size`).
 *
 * @example
 * torch.len(torch.zeros(3, 2)); // 3
 * torch.len(x.shape); // x.ndim
 */
export function len(obj: { __len__(): number } | { readonly length: number }): number {
  if (typeof (obj as { __len__?: unknown }).__len__ === 'function') return (obj as { __len__(): number }).__len__();
  const n = (obj as { length?: unknown }).length;
  if (typeof n !== 'number') throw new TypeError(`object of type '${typeof obj === 'object' && obj !== null ? obj.constructor.name : typeof obj}' has no len()`);
  return n;
}
