// torch.Size: a tensor's sizes as a number[] that prints as PyTorch prints it (`torch.Size([2, 3])`).

/**
 * What `x.size()` returns: a plain `number[]` in every use (indexing, spreading, `length`) that prints as
 * `torch.Size([2, 3])` through `String`, template literals and `console.log`.
 *
 * @example
 * const s = torch.zeros(2, 3).size();
 * `${s}`; // 'torch.Size([2, 3])'
 * s[0]; // 2
 */
export class Size extends Array<number> {
  /** Array methods (`map`, `slice`, …) give plain arrays, as tuple methods give tuples in Python. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** A Size holding `dims`. */
  static of_dims(dims: readonly number[]): Size {
    const s = new Size(dims.length);
    for (let i = 0; i < dims.length; i++) s[i] = dims[i]!;
    return s;
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
