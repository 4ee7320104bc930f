// Samplers (PyTorch's torch.utils.data.sampler): which indices a DataLoader reads, and in which batches.
import * as torch from '@tsgrad/core';
import { class_name, lone_object_as_value, py_type_name, signature, type PyArgs } from '@tsgrad/core';
import { INSPECT, object_repr } from '../python_repr.js';

/** Anything with a length, as a sampler's data source (a dataset, an array). */
export interface Sized {
  /** Number of items. */
  readonly length: number;
}

/**
 * Base class of samplers: an iterable of indices (or, for a batch sampler, of index lists). `length` is
 * Python's `len(sampler)`; a sampler that cannot tell leaves it undefined and `len(loader)` then fails as in
 * PyTorch.
 *
 * @example
 * class Evens extends nn.data.Sampler {
 *   constructor(private readonly n: number) { super(); }
 *   *[Symbol.iterator]() { for (let i = 0; i < this.n; i += 2) yield i; }
 *   get length() { return Math.ceil(this.n / 2); }
 * }
 */
export abstract class Sampler<I = number> implements Iterable<I> {
  /** PyTorch's class name for messages, robust to minifiers. */
  static readonly __name__: string = 'Sampler';

  /** What `print(sampler)` shows in PyTorch: `<torch.utils.data.sampler.RandomSampler object at 0x…>`. */
  toString(): string {
    return object_repr(this, 'torch.utils.data.sampler');
  }

  /** Node's `util.inspect` (and `console.log`) show the same text as `toString()`. */
  [INSPECT](): string {
    return this.toString();
  }
  /** Yields the indices (or index lists) of one pass. */
  abstract [Symbol.iterator](): Iterator<I>;

  /** `len(sampler)`; undefined for a sampler that cannot tell (Python's missing `__len__`). */
  get length(): number | undefined {
    return undefined;
  }
}

/** Python's `len(x)`: a non-negative integer `length`, with Python's errors for anything else. */
export function py_len(x: unknown): number {
  const n = typeof x === 'object' && x !== null ? (x as { length?: unknown }).length : undefined;
  if (n === undefined || n === null) throw new TypeError(`object of type '${type_of(x)}' has no len()`);
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`'${py_type_name(n)}' object cannot be interpreted as an integer (length ${String(n)})`);
  if (n < 0) throw new Error(`__len__() should return >= 0 (length ${n})`);
  return n;
}

/** Python's class name of a value in messages (`generator` for a JS generator). */
function type_of(x: unknown): string {
  if (typeof x !== 'object' || x === null) return py_type_name(x);
  if ((x as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'Generator') return 'generator';
  return class_name(x);
}

/**
 * A generator for one pass: the given one, or (PyTorch's RandomSampler) a new one seeded with an int64
 * `random_()` draw of the default generator.
 */
function pass_generator(generator: torch.Generator | null): torch.Generator {
  return generator ?? new torch.Generator().manual_seed(torch.default_generator.next_u64() & 0x7fffffffffffffffn);
}

/**
 * Indices 0, 1, …, n-1 in order.
 *
 * @example
 * [...new nn.data.SequentialSampler([10, 20, 30])]; // [0, 1, 2]
 */
/** Whether a plain object is a sized data source (it has a `length`), not keyword options. */
export const is_sized = (o: Record<string, unknown>): boolean => 'length' in o;
const SEQUENTIAL_SAMPLER = signature<{ data_source: Sized }>('SequentialSampler(Any data_source)');

export class SequentialSampler extends Sampler<number> {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'SequentialSampler';
  /** The dataset (anything with a length) whose indices are yielded. */
  readonly data_source: Sized;

  constructor(...args: PyArgs<[data_source: Sized], { data_source?: Sized }>) {
    super();
    // a plain `{ length }` object is the data source itself
    this.data_source = SEQUENTIAL_SAMPLER.parse(lone_object_as_value(args, is_sized)).data_source;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = py_len(this.data_source);
    for (let i = 0; i < n; i++) yield i;
  }

  override get length(): number {
    return py_len(this.data_source);
  }
}

const RANDOM_SAMPLER = signature<{ data_source: Sized; replacement: unknown; num_samples: unknown; generator: torch.Generator | null }>(
  'RandomSampler(Any data_source, Scalar replacement=False, Scalar? num_samples=None, Generator? generator=None)',
);

/**
 * Random indices: a fresh permutation per pass (repeated while `num_samples` exceeds the length), or, with
 * `replacement`, `num_samples` independent draws. Without a generator each pass seeds one from the default
 * generator, so `torch.manual_seed` makes runs reproducible.
 *
 * @example
 * const s = new nn.data.RandomSampler(ds, { replacement: true, num_samples: 100, generator: new torch.Generator().manual_seed(0) });
 */
export class RandomSampler extends Sampler<number> {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'RandomSampler';
  /** The dataset whose indices are drawn. */
  readonly data_source: Sized;
  /** Whether indices are drawn with replacement (then `num_samples` may exceed the length). */
  readonly replacement: boolean;
  /** Generator for the random draws; null draws a seed from the default generator on each pass. */
  readonly generator: torch.Generator | null;
  private readonly _num_samples: number | null;

  constructor(data_source: Sized, ...args: PyArgs<[replacement: boolean, num_samples: number | null, generator: torch.Generator | null], { replacement?: boolean; num_samples?: number | null; generator?: torch.Generator | null }>) {
    super();
    const a = RANDOM_SAMPLER.parse([data_source, ...args]);
    check_bool('replacement', a.replacement, TypeError);
    this.data_source = a.data_source;
    this.replacement = a.replacement;
    this._num_samples = a.num_samples === null ? null : (a.num_samples as number);
    this.generator = a.generator;
    const n = this.num_samples;
    check_positive_int('num_samples', n);
  }

  /** How many indices a pass yields (the data source's length unless given). */
  get num_samples(): number {
    return this._num_samples ?? py_len(this.data_source);
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = py_len(this.data_source);
    const generator = pass_generator(this.generator);
    const total = this.num_samples;
    if (n === 0) throw new Error(`RandomSampler cannot draw ${total} samples from an empty data source`);
    // PyTorch's draw pattern, laziness included: replacement draws come in chunks of 32, and a pass of whole
    // permutations draws one more (sliced to the remainder, possibly empty) when the consumer reads past the end
    if (this.replacement) {
      for (let k = 0; k < Math.floor(total / 32); k++) yield* torch.randint(n, [32], { generator }).tolist() as number[];
      yield* torch.randint(n, [total % 32], { generator }).tolist() as number[];
      return;
    }
    for (let k = 0; k < Math.floor(total / n); k++) yield* torch.randperm(n, { generator }).tolist() as number[];
    yield* (torch.randperm(n, { generator }).tolist() as number[]).slice(0, total % n);
  }

  override get length(): number {
    return this.num_samples;
  }
}

const SUBSET_SAMPLER = signature<{ indices: Iterable<number>; generator: torch.Generator | null }>('SubsetRandomSampler(Iterable indices, Generator? generator=None)');

/**
 * The given indices in a random order, a new one per pass.
 *
 * @example
 * const val = new nn.data.SubsetRandomSampler([0, 5, 9]);
 */
export class SubsetRandomSampler extends Sampler<number> {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'SubsetRandomSampler';
  /** The indices that are permuted. */
  readonly indices: readonly number[];
  /** Generator for the random draws; null draws a seed from the default generator on each pass. */
  readonly generator: torch.Generator | null;

  constructor(...args: PyArgs<[indices: Iterable<number>, generator: torch.Generator | null], { indices?: Iterable<number>; generator?: torch.Generator | null }>) {
    super();
    const { indices, generator } = SUBSET_SAMPLER.parse(args);
    this.indices = [...indices];
    this.generator = generator;
  }

  *[Symbol.iterator](): Iterator<number> {
    const generator = this.generator ?? torch.default_generator;
    for (const i of torch.randperm(this.indices.length, { generator }).tolist() as number[]) yield this.indices[i]!;
  }

  override get length(): number {
    return this.indices.length;
  }
}

const WEIGHTED_SAMPLER = signature<{ weights: unknown; num_samples: number; replacement: boolean; generator: torch.Generator | null }>(
  'WeightedRandomSampler(Any weights, Scalar num_samples, Scalar replacement=True, Generator? generator=None)',
);

/**
 * `num_samples` indices of `0..weights.length-1` drawn with probabilities proportional to `weights` (PyTorch's
 * `torch.multinomial`): independently with `replacement` (the default), else each index at most once.
 *
 * @example
 * const balanced = new nn.data.WeightedRandomSampler([0.1, 0.9, 0.9], 6);
 */
export class WeightedRandomSampler extends Sampler<number> {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'WeightedRandomSampler';
  /** Sampling weight of every index (need not sum to 1). */
  readonly weights: Float64Array;
  /** Number of indices per pass. */
  readonly num_samples: number;
  /** Whether indices are drawn with replacement. */
  readonly replacement: boolean;
  /** Generator for the random draws; null draws a seed from the default generator on each pass. */
  readonly generator: torch.Generator | null;

  constructor(
    ...args: PyArgs<
      [weights: Iterable<number> | torch.Tensor, num_samples: number, replacement: boolean, generator: torch.Generator | null],
      { weights?: Iterable<number> | torch.Tensor; num_samples?: number; replacement?: boolean; generator?: torch.Generator | null }
    >
  ) {
    super();
    const parsed = WEIGHTED_SAMPLER.parse(args);
    const { num_samples, replacement, generator } = parsed;
    const weights = parsed.weights as Iterable<number> | torch.Tensor;
    check_positive_int('num_samples', num_samples);
    check_bool('replacement', replacement, Error);
    const w = weights instanceof torch.Tensor ? weights : torch.tensor([...weights] as number[], { dtype: 'float64' });
    if (w.ndim !== 1) throw new Error(`weights should be a 1d sequence but given weights have shape (${w._shape.join(', ')}${w.ndim === 1 ? ',' : ''})`);
    const values = Float64Array.from(w.data_array() as ArrayLike<number>);
    // torch.multinomial's checks, made when the sampler is built rather than on its first pass
    if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new Error('probability tensor contains either `inf`, `nan` or element < 0');
    if (!(values.reduce((a, b) => a + b, 0) > 0)) throw new Error('invalid multinomial distribution (sum of probabilities <= 0)');
    const positive = values.filter((v) => v > 0).length;
    if (!replacement && num_samples > values.length) throw new Error('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
    if (!replacement && num_samples > positive) throw new Error('invalid multinomial distribution (with replacement=False, not enough non-negative category to sample)');
    this.weights = values;
    this.num_samples = num_samples;
    this.replacement = replacement;
    this.generator = generator;
  }

  *[Symbol.iterator](): Iterator<number> {
    // PyTorch: torch.multinomial over the weights as float64
    const weights = torch.tensor(Array.from(this.weights), { dtype: torch.float64 });
    yield* torch.multinomial(weights, this.num_samples, this.replacement, { generator: this.generator }).tolist() as number[];
  }

  override get length(): number {
    return this.num_samples;
  }
}

const BATCH_SAMPLER = signature<{ sampler: Iterable<number>; batch_size: number; drop_last: boolean }>('BatchSampler(Iterable sampler, Scalar|str batch_size, Scalar|str drop_last)');

/**
 * Groups another sampler's indices into lists of `batch_size` (the last one shorter unless `drop_last`).
 *
 * @example
 * [...new nn.data.BatchSampler(new nn.data.SequentialSampler([...Array(10).keys()]), 3, false)];
 * // [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
 */
export class BatchSampler extends Sampler<number[]> {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static override readonly __name__: string = 'BatchSampler';
  /** The index source that is batched. */
  readonly sampler: Iterable<number>;
  /** Indices per batch. */
  readonly batch_size: number;
  /** Whether a last incomplete batch is dropped. */
  readonly drop_last: boolean;

  constructor(...args: PyArgs<[sampler: Iterable<number>, batch_size: number, drop_last: boolean], { sampler?: Iterable<number>; batch_size?: number; drop_last?: boolean }>) {
    super();
    const { sampler, batch_size, drop_last } = BATCH_SAMPLER.parse(args);
    check_positive_int('batch_size', batch_size);
    check_bool('drop_last', drop_last, Error);
    this.sampler = sampler;
    this.batch_size = batch_size;
    this.drop_last = drop_last;
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batch_size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.drop_last) yield batch;
  }

  override get length(): number {
    const n = py_len(this.sampler);
    return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
  }
}

/** PyTorch's sampler check of a count option: "<name> should be a positive integer value, but got <name>=<v>". */
function check_positive_int(name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`${name} should be a positive integer value, but got ${name}=${py_format(v)}`);
}

/** PyTorch's sampler check of a flag (RandomSampler raises it as a TypeError, the others as ValueError). */
function check_bool(name: string, v: unknown, kind: ErrorConstructor | TypeErrorConstructor): asserts v is boolean {
  if (typeof v !== 'boolean') throw new kind(`${name} should be a boolean value, but got ${name}=${py_format(v)}`);
}

/** Python's `str(v)` of an option in PyTorch's `"...={}".format(v)` messages (`True`, `2.5`, `None`). */
function py_format(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}
