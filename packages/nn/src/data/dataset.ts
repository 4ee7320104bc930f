// Map-style datasets (PyTorch's torch.utils.data): Dataset, TensorDataset, Subset and random_split.
import * as torch from '@tsgrad/core';
import { py_type_name, signature, Tensor, type PyArgs } from '@tsgrad/core';
import { py_len } from './sampler.js';
import { INSPECT, object_repr } from '../python_repr.js';

/** Anything indexable with a length: what `DataLoader` and `Subset` read from. */
export interface DatasetLike<T> {
  /** Item `index` (Python's `dataset[index]`). */
  get(index: number): T;
  /** Number of items (Python's `len(dataset)`). */
  readonly length: number;
}

/**
 * A map-style dataset (PyTorch's `Dataset`): `get(i)` is Python's `dataset[i]`, `length` its `len()`.
 * Iterating yields the items in order.
 *
 * @example
 * class Squares extends nn.data.Dataset<number> {
 *   readonly length = 10;
 *   get(i: number) { return i * i; }
 * }
 * [...new Squares()]; // [0, 1, 4, …, 81]
 */
export abstract class Dataset<T> implements DatasetLike<T>, Iterable<T> {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static readonly __name__: string = 'Dataset';
  /** Item `index` (Python's `dataset[index]`). */
  abstract get(index: number): T;
  /** Number of items (Python's `len(dataset)`). */
  abstract readonly length: number;

  /** What `print(dataset)` shows in PyTorch: `<torch.utils.data.dataset.TensorDataset object at 0x…>`. */
  toString(): string {
    return object_repr(this, 'torch.utils.data.dataset');
  }

  /** Node's `util.inspect` (and `console.log`) show the same text as `toString()`. */
  [INSPECT](): string {
    return this.toString();
  }

  /** Yields the items in index order. */
  *[Symbol.iterator](): Iterator<T> {
    const n = py_len(this);
    for (let i = 0; i < n; i++) yield this.get(i);
  }
}

/**
 * Wraps tensors that share their first dimension; item `i` is the array of their `i`-th rows
 * (views, like PyTorch's `tensor[i]`).
 *
 * @example
 * const ds = new nn.data.TensorDataset(torch.randn([100, 3]), torch.randint(0, 2, [100]));
 * const [x0, y0] = ds.get(0); ds.length; // 100
 */
const TENSOR_DATASET = signature<{ tensors: Tensor[] }>('TensorDataset(Tensor... tensors=[])');
const CONCAT_DATASET = signature<{ datasets: Iterable<unknown> }>('ConcatDataset(Iterable datasets)');
const SUBSET = signature<{ dataset: unknown; indices: Iterable<number> }>('Subset(Any dataset, Iterable indices)');
const RANDOM_SPLIT = signature<{ dataset: unknown; lengths: number[]; generator: torch.Generator | null }>('random_split(Any dataset, float[] lengths, Generator? generator=None)');

export class TensorDataset extends Dataset<Tensor[]> {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'TensorDataset';
  /** The wrapped tensors, all with the same first dimension. */
  readonly tensors: Tensor[];

  constructor(...args: Tensor[]) {
    super();
    const { tensors } = TENSOR_DATASET.parse(args);
    if (tensors.length === 0) throw new Error('TensorDataset needs at least one tensor');
    for (const t of tensors) if (t.ndim === 0) throw new Error('dimension specified as 0 but tensor has no dimensions');
    const n = tensors[0]!._shape[0];
    if (tensors.some((t) => t._shape[0] !== n)) {
      throw new Error(`Size mismatch between tensors (first dimensions ${tensors.map((t) => t._shape[0]).join(', ')})`);
    }
    this.tensors = tensors;
  }

  /** Size of the tensors' first dimension. */
  get length(): number {
    return this.tensors[0]!._shape[0]!;
  }

  /**
   * Item `index` (the rows of every tensor), or with a slice `{ start, stop, step }` the batch of those rows
   * (Python's `dataset[a:b]`: views of every tensor).
   *
   * @example
   * const [xb, yb] = train_ds.get({ start: i * bs, stop: i * bs + bs });
   */
  get(index: number): Tensor[];
  get(index: Slice): Tensor[];
  get(index: number | Slice): Tensor[] {
    // a tuple in PyTorch, and printed as one
    if (typeof index === 'number') {
      const i = tensor_index(index, this.length);
      return torch.as_tuple(this.tensors.map((t) => t.select(0, i)));
    }
    return torch.as_tuple(this.tensors.map((t) => t.index(index)));
  }
}

/** A Python slice, `a:b:c`: any part may be left out (or null). */
export interface Slice {
  /** First index (default 0; negative counts from the end). */
  start?: number | null;
  /** End index, excluded (default the length). */
  stop?: number | null;
  /** Stride (default 1). */
  step?: number | null;
}

/**
 * The datasets one after another (PyTorch's `ConcatDataset`): item `i` comes from the dataset holding it.
 *
 * @example
 * const both = new nn.data.ConcatDataset([train_ds, extra_ds]);
 * both.length; both.cumulative_sizes;
 */
export class ConcatDataset<T> extends Dataset<T> {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'ConcatDataset';
  /** The concatenated datasets, in order. */
  readonly datasets: DatasetLike<T>[];
  /** Running totals of their lengths (the last is the total). */
  readonly cumulative_sizes: number[];

  constructor(...args: PyArgs<[datasets: Iterable<DatasetLike<T>>], { datasets?: Iterable<DatasetLike<T>> }>) {
    super();
    this.datasets = [...CONCAT_DATASET.parse(args).datasets] as DatasetLike<T>[];
    if (this.datasets.length === 0) throw new Error('datasets should not be an empty iterable');
    let total = 0;
    this.cumulative_sizes = this.datasets.map((d) => (total += d.length));
  }

  /** Total number of items. */
  get length(): number {
    return this.cumulative_sizes[this.cumulative_sizes.length - 1]!;
  }

  /** Item `index` (negative counts from the end), read from the dataset holding it. */
  get(index: number): T {
    const n = this.length;
    if (index < 0) {
      if (-index > n) throw new RangeError('absolute value of index should not exceed dataset length');
      index += n;
    }
    if (!Number.isInteger(index) || index >= n) throw new RangeError(`index ${index} is out of range for a dataset of length ${n}`);
    const d = this.cumulative_sizes.findIndex((c) => index < c);
    return this.datasets[d]!.get(d === 0 ? index : index - this.cumulative_sizes[d - 1]!);
  }
}

/**
 * Python's `iter(x)`: the iterator of an iterable (a DataLoader, a dataset, a tensor).
 *
 * @example
 * const [images, labels] = nn.data.next(nn.data.iter(loader));
 */
export function iter<T>(iterable: Iterable<T>): Iterator<T> {
  return iterable[Symbol.iterator]();
}

/**
 * Python's `next(it)`: the iterator's next value; StopIteration (an Error) when it is exhausted.
 *
 * @example
 * const it = nn.data.iter([1, 2]);
 * nn.data.next(it); // 1
 */
export function next<T>(iterator: Iterator<T>): T {
  const r = iterator.next();
  if (r.done === true) throw new Error('StopIteration');
  return r.value;
}

/**
 * The items of `dataset` at `indices`, in that order.
 *
 * @example
 * const first_ten = new nn.data.Subset(ds, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 */
export class Subset<T> extends Dataset<T> {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'Subset';
  /** The underlying dataset. */
  readonly dataset: DatasetLike<T>;
  /** The indices into it, in the subset's order. */
  readonly indices: number[];

  constructor(...args: PyArgs<[dataset: DatasetLike<T>, indices: Iterable<number>], { dataset?: DatasetLike<T>; indices?: Iterable<number> }>) {
    super();
    const { dataset, indices } = SUBSET.parse(args);
    this.dataset = dataset as DatasetLike<T>;
    this.indices = [...indices];
  }

  /** Number of indices. */
  get length(): number {
    return this.indices.length;
  }

  /** Item `dataset[indices[index]]`. */
  get(index: number): T {
    const n = this.indices.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`Subset index ${index} is out of range for a subset of length ${n}`);
    return this.dataset.get(this.indices[i]!);
  }
}

/**
 * Randomly splits a dataset into non-overlapping subsets of the given lengths. Lengths may be counts summing
 * to `dataset.length`, or fractions summing to 1 (floored, the remainder handed out one by one from the first).
 *
 * @example
 * const [train, val] = nn.data.random_split(ds, [0.8, 0.2], { generator: new torch.Generator().manual_seed(42) });
 */
export function random_split<T>(
  ...args: PyArgs<[dataset: DatasetLike<T>, lengths: readonly number[], generator: torch.Generator | null], { dataset?: DatasetLike<T>; lengths?: readonly number[]; generator?: torch.Generator | null }>
): Subset<T>[] {
  const parsed = RANDOM_SPLIT.parse(args);
  const dataset = parsed.dataset as DatasetLike<T>;
  const lengths = parsed.lengths;
  const n = py_len(dataset);
  let sizes = [...lengths];
  const total = sizes.reduce((a, b) => a + b, 0);
  if (is_close(total, 1) && total <= 1) {
    sizes = lengths.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new Error(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * frac);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
    sizes.forEach((len, i) => {
      if (len === 0) torch.warn(`Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  }
  const bad = sizes.findIndex((len) => typeof len !== 'number' || !Number.isInteger(len) || len < 0);
  if (bad >= 0) {
    throw new TypeError(`random_split(): lengths are counts (non-negative integers) or fractions that sum to 1, got ${String(sizes[bad])} at index ${bad} of [${lengths.join(', ')}]`);
  }
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== n) {
    throw new Error(`Sum of input lengths does not equal the length of the input dataset! (lengths [${lengths.join(', ')}] sum to ${sum}, dataset has ${n})`);
  }
  const perm = torch.randperm(sum, { generator: parsed.generator ?? torch.default_generator }).tolist() as number[];
  let offset = 0;
  return sizes.map((len) => {
    const subset = new Subset(dataset, perm.slice(offset, offset + len));
    offset += len;
    return subset;
  });
}

/** Python's `math.isclose(a, b)` with its default relative tolerance. */
function is_close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** `tensor[i]`'s rules for one row index: an integer in [-n, n), negatives counted from the end. */
export function tensor_index(i: unknown, n: number): number {
  if (typeof i !== 'number' || !Number.isInteger(i)) {
    throw new TypeError(`only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${py_type_name(i)})`);
  }
  if (i < -n || i >= n) throw new RangeError(`index ${i} is out of bounds for dimension 0 with size ${n}`);
  return i < 0 ? i + n : i;
}
