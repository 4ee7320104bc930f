// DataLoader: reads a map-style dataset through samplers and collates batches (PyTorch's DataLoader, default_collate).
import * as torch from '@tsgrad/core';
import { class_name, is_plain_object, lone_object_as_value, py_type_name, signature, Tensor } from '@tsgrad/core';
import { tensor_index, TensorDataset, type DatasetLike } from './dataset.js';
import { BatchSampler, is_sized, py_len, RandomSampler, SequentialSampler } from './sampler.js';
import { INSPECT, object_repr } from '../python_repr.js';

/**
 * What `default_collate` makes of a batch of `T`: tensors, typed arrays, numbers and booleans stack into one
 * tensor with a leading batch dimension, strings stay a list, arrays and objects are collated per position / key.
 */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean | torch.TypedArray
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { [K in keyof T]: Collated<T[K]> }
          : never;

/**
 * PyTorch's `default_collate`: stacks tensors (`torch.stack`), turns typed arrays into tensors and stacks them,
 * makes numbers and booleans one tensor, keeps strings as a list, and collates arrays position-wise and objects
 * key-wise. The first item decides, as in PyTorch: a non-integer number gives float64 (Python's float); an
 * integer gives int64 when the whole batch is integral (class labels), the default float dtype otherwise; a
 * boolean gives bool when every item is one. Anything that does not fit raises PyTorch's error.
 *
 * @example
 * nn.data.default_collate([[torch.zeros([2]), 1], [torch.ones([2]), 0]]); // [Tensor [2, 2], Tensor [2]]
 */
export function default_collate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch) as Collated<T>;
}

function collate(batch: readonly unknown[]): unknown {
  const elem = batch[0];
  if (elem instanceof Tensor || ArrayBuffer.isView(elem)) {
    const tensors = batch.map((b) => (ArrayBuffer.isView(b) && !(b instanceof DataView) ? torch.tensor(b as torch.TypedArray) : b));
    const bad = tensors.findIndex((t) => !(t instanceof Tensor));
    if (bad >= 0) throw new TypeError(`expected Tensor as element ${bad} in argument 0, but got ${py_type_name(tensors[bad])}`);
    return torch.stack(tensors as Tensor[], 0);
  }
  if (typeof elem === 'number' || typeof elem === 'boolean') return collate_scalars(batch, elem);
  if (typeof elem === 'string') return torch.as_list([...batch]);
  if (Array.isArray(elem)) {
    const bad = batch.find((b) => !Array.isArray(b));
    if (bad !== undefined) throw new TypeError(`object of type '${py_type_name(bad)}' has no len()`);
    const size = elem.length;
    if (batch.some((b) => (b as unknown[]).length !== size)) {
      throw new Error('each element in list of batch should be of equal size');
    }
    // a list, as PyTorch's default_collate returns for tuple and list items alike
    return torch.as_list(Array.from({ length: size }, (_, i) => collate(batch.map((b) => (b as unknown[])[i]))));
  }
  if (is_plain_object(elem)) {
    // built from entries, so a key such as `__proto__` stays a key
    return Object.fromEntries(
      Object.keys(elem).map((key) => {
        const lacking = batch.find((b) => !is_plain_object(b) || !Object.hasOwn(b, key));
        if (is_plain_object(lacking)) throw new Error(`KeyError: '${key}'`);
        if (lacking !== undefined) throw new TypeError(`'${py_type_name(lacking)}' object is not subscriptable`);
        return [key, collate(batch.map((b) => (b as Record<string, unknown>)[key]))];
      }),
    );
  }
  throw new TypeError(`default_collate: batch must contain tensors, typed arrays, numbers, dicts or lists; found <class '${kind_name(elem)}'>`);
}

/** Numbers and booleans as one tensor, with `torch.tensor(batch)`'s inference and its errors for other items. */
function collate_scalars(batch: readonly unknown[], elem: number | boolean): Tensor {
  const values = batch.map((v) => {
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v instanceof Tensor && v.numel() === 1) return Number(v.item());
    if (typeof v === 'string') throw new TypeError("new(): invalid data type 'str'");
    if (Array.isArray(v)) throw new TypeError("'list' object cannot be interpreted as an integer");
    throw new Error(`Could not infer dtype of ${py_type_name(v)}`);
  });
  if (typeof elem === 'number' && !Number.isInteger(elem)) return torch.tensor(values, { dtype: 'float64' });
  if (batch.every((v) => typeof v === 'boolean')) return torch.tensor(batch as boolean[]);
  return torch.tensor(values, values.every((v) => Number.isInteger(v)) ? { dtype: 'int64' } : {});
}

function kind_name(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  return typeof v === 'object' ? class_name(v) : py_type_name(v);
}

/**
 * PyTorch's `default_convert`, what a DataLoader without batching (`batch_size: null`) applies to each item:
 * typed arrays become tensors, arrays and objects are converted element-wise, everything else is kept.
 *
 * @example
 * nn.data.default_convert([new Float32Array([1, 2]), 3]); // [Tensor [2], 3]
 */
export function default_convert(data: unknown): unknown {
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return torch.tensor(data as torch.TypedArray);
  if (Array.isArray(data)) return data.map(default_convert);
  if (is_plain_object(data)) return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, default_convert(v)]));
  return data;
}

/** Options of `DataLoader` (PyTorch's keyword arguments; any other name is an error). */
export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1); null turns batching off: items come one at a time through `collate_fn`. */
  batch_size?: number | null;
  /** Draw a new random order every epoch (default false); exclusive with `sampler` and `batch_sampler`. */
  shuffle?: boolean | null;
  /** The indices to read, in order (default: sequential, or random with `shuffle`). */
  sampler?: Iterable<number> | null;
  /** Lists of indices, one per batch; exclusive with `batch_size`, `shuffle`, `sampler` and `drop_last`. */
  batch_sampler?: Iterable<number[]> | null;
  /**
   * Worker processes in PyTorch (default 0). tsgrad loads every batch in the calling thread, but with
   * `num_workers > 0` each batch's random draws come from the stream of the worker PyTorch would give it.
   */
  num_workers?: number;
  /** Turns a list of items into a batch (default `default_collate`; `default_convert` without batching). */
  collate_fn?: ((batch: T[]) => B) | null;
  /** Accepted for PyTorch parity; there is no pinned memory on the CPU. */
  pin_memory?: boolean;
  /** Drop the last batch when it is smaller than `batch_size` (default false). */
  drop_last?: boolean;
  /** Accepted for PyTorch parity (with PyTorch's checks); no effect, as loading runs in the calling thread. Default 0. */
  timeout?: number;
  /** Called with each worker's id when an iterator starts its workers (`num_workers > 0`), with that worker's stream. */
  worker_init_fn?: ((worker_id: number) => void) | null;
  /** Accepted for PyTorch parity (with PyTorch's checks); no effect, as loading runs in the calling thread. */
  multiprocessing_context?: unknown;
  /** Source of the shuffling order; without one, each epoch seeds a generator from `torch.default_generator`. */
  generator?: torch.Generator | null;
  /** Accepted for PyTorch parity (with PyTorch's checks); no effect, as loading runs in the calling thread. */
  prefetch_factor?: number | null;
  /** Accepted for PyTorch parity (with PyTorch's checks); no effect, as loading runs in the calling thread. */
  persistent_workers?: boolean;
  /** Accepted for PyTorch parity (with PyTorch's checks); no effect, as loading runs in the calling thread. */
  pin_memory_device?: string;
  /** Accepted for PyTorch parity (with PyTorch's checks); no effect, as loading runs in the calling thread. */
  in_order?: boolean;
}

interface LoaderArgs {
  dataset: unknown;
  batch_size: unknown;
  shuffle: unknown;
  sampler: unknown;
  batch_sampler: unknown;
  num_workers: number;
  collate_fn: ((batch: unknown) => unknown) | null;
  pin_memory: boolean;
  drop_last: unknown;
  timeout: number;
  worker_init_fn: unknown;
  multiprocessing_context: unknown;
  generator: unknown;
  prefetch_factor: number | null;
  persistent_workers: boolean;
  pin_memory_device: string;
  in_order: boolean;
}

const DATALOADER = signature<LoaderArgs>(
  // batch_size, shuffle and drop_last are read as PyTorch's BatchSampler and bool() read them, with their messages
  'DataLoader(Any dataset, Scalar|str? batch_size=1, Scalar|str? shuffle=None, Iterable? sampler=None, Iterable? batch_sampler=None, int num_workers=0, ' +
    'Callable? collate_fn=None, bool pin_memory=False, Scalar|str drop_last=False, float timeout=0, Callable? worker_init_fn=None, ' +
    'Any multiprocessing_context=None, Generator? generator=None, *, int? prefetch_factor=None, bool persistent_workers=False, ' +
    'str pin_memory_device="", bool in_order=True)',
);

/** Reads item `i` of a dataset: `get(i)`, or `[i]` for an array (Python's `dataset[i]`). */
function item_reader<T>(dataset: DatasetLike<T> | readonly T[]): (i: number) => T {
  if (Array.isArray(dataset)) return (i) => dataset[i] as T;
  if (typeof dataset !== 'object' || dataset === null || typeof (dataset as Partial<DatasetLike<T>>).get !== 'function') {
    throw new TypeError(`DataLoader needs a map-style dataset (an object with get(index) and length, or an array), got ${py_type_name(dataset)}`);
  }
  return (i) => (dataset as DatasetLike<T>).get(i);
}

/**
 * Iterates a map-style dataset in batches (PyTorch's `DataLoader`, loading in the calling thread). Each
 * `for…of` pass is one epoch: the sampler gives the indices (sequential, random with `shuffle`, or your own),
 * the batch sampler groups them, `dataset.get(i)` reads each item (a subclass's override included) and
 * `collate_fn` makes the batch. The options and their mutual exclusions are PyTorch's, with its messages.
 * A plain `TensorDataset` with the default collate is batched by gathering rows straight into each output
 * tensor (same result as stacking the items).
 *
 * @example
 * const loader = new nn.data.DataLoader(new nn.data.TensorDataset(x, y), { batch_size: 64, shuffle: true,
 *   generator: new torch.Generator().manual_seed(0) });
 * for (const [xb, yb] of loader) { ... }
 * loader.length; // number of batches
 */
// The defaults make a bare `DataLoader` annotation (a ported `def train_loop(dataloader, ...)`) accept any loader
// whose batches are Tensor tuples: `any` keeps the item type out of the check, as Python's untyped parameter does.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class DataLoader<T = any, B = unknown extends T ? Tensor[] : Collated<T>> implements Iterable<B> {
  /** PyTorch's class name, for messages and the repr (kept under minification). */
  static readonly __name__: string = 'DataLoader';
  /** The dataset items are read from (an array is wrapped). */
  readonly dataset: DatasetLike<T>;
  /** null when batching is off (`batch_size: null` or a `batch_sampler`). */
  readonly batch_size: number | null;
  /** Whether the order is reshuffled every epoch. */
  readonly shuffle: boolean;
  /** Whether a last incomplete batch is dropped. */
  readonly drop_last: boolean;
  /** Source of the shuffling order, or null. */
  readonly generator: torch.Generator | null;
  /** The index source. */
  readonly sampler: Iterable<number>;
  /** null when batching is off. */
  readonly batch_sampler: Iterable<number[]> | null;
  /** Turns a list of items into a batch. */
  readonly collate_fn: (batch: T[]) => B;
  /** PyTorch's worker count; batches load in the calling thread, each from its worker's random stream. */
  readonly num_workers: number;
  /** Called with each worker's id when its stream starts. */
  readonly worker_init_fn: ((worker_id: number) => void) | null;
  /** Whether the workers' streams (and base seed) carry over from one epoch to the next. */
  readonly persistent_workers: boolean;
  private persistent: Workers | null = null;
  /** Accepted for PyTorch parity. */
  readonly pin_memory: boolean;
  /** Accepted for PyTorch parity (0). */
  readonly timeout: number;
  private readonly read: (i: number) => T;

  constructor(dataset: DatasetLike<T> | readonly T[], options?: DataLoaderOptions<T, B>);
  constructor(dataset: DatasetLike<T> | readonly T[], batch_size?: number | null, shuffle?: boolean | null, options?: DataLoaderOptions<T, B>);
  constructor(...args: unknown[]) {
    const a = DATALOADER.parse(lone_object_as_value(args, is_sized));
    if (a.num_workers < 0) throw new Error('num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.');
    if (a.timeout < 0) throw new Error('timeout option should be non-negative');
    if (a.num_workers === 0 && a.prefetch_factor !== null) {
      throw new Error('prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.');
    }
    if (a.persistent_workers && a.num_workers === 0) throw new Error('persistent_workers option needs num_workers > 0');
    this.read = item_reader(a.dataset as DatasetLike<T> | readonly T[]);
    this.dataset = a.dataset as DatasetLike<T>;
    let batch_size = a.batch_size;
    let drop_last = a.drop_last;
    const shuffle = Boolean(a.shuffle);
    let sampler = a.sampler;
    let batch_sampler = a.batch_sampler;
    if (sampler !== null && shuffle) throw new Error('sampler option is mutually exclusive with shuffle');
    if (batch_sampler !== null) {
      if (batch_size !== 1 || shuffle || sampler !== null || drop_last !== false) {
        throw new Error('batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last');
      }
      batch_size = null;
      drop_last = false;
    } else if (batch_size === null && drop_last !== false) {
      throw new Error('batch_size=None option disables auto-batching and is mutually exclusive with drop_last');
    }
    const generator = a.generator as torch.Generator | null;
    sampler ??= shuffle ? new RandomSampler(this.dataset, { generator }) : new SequentialSampler(this.dataset);
    if (batch_size !== null && batch_sampler === null) batch_sampler = new BatchSampler(sampler as Iterable<number>, batch_size as number, drop_last as boolean);
    this.batch_size = batch_size as number | null;
    this.drop_last = drop_last as boolean;
    this.shuffle = shuffle;
    this.generator = generator;
    this.sampler = sampler as Iterable<number>;
    this.batch_sampler = batch_sampler as Iterable<number[]> | null;
    this.collate_fn = (a.collate_fn ?? (batch_sampler !== null ? default_collate : default_convert)) as (batch: T[]) => B;
    this.num_workers = a.num_workers;
    this.worker_init_fn = a.worker_init_fn as ((worker_id: number) => void) | null;
    this.persistent_workers = a.persistent_workers;
    this.pin_memory = a.pin_memory;
    this.timeout = a.timeout;
  }

  /** Batches per epoch (Python's `len(loader)`): `len(batch_sampler)`, or `len(sampler)` without batching. */
  get length(): number {
    return py_len(this.batch_sampler ?? this.sampler);
  }

  /** What `print(loader)` shows in PyTorch: `<torch.utils.data.dataloader.DataLoader object at 0x…>`. */
  toString(): string {
    return object_repr(this, 'torch.utils.data.dataloader');
  }

  /** Node's `util.inspect` (and `console.log`) show the same text as `toString()`. */
  [INSPECT](): string {
    return this.toString();
  }

  /** One epoch: the batches (or items, without batching) in sampler order. */
  *[Symbol.iterator](): Iterator<B> {
    // PyTorch's iterator draws its workers' base seed (an int64 random_()) before the sampler draws anything;
    // persistent workers keep the first iterator's
    let workers = this.persistent;
    if (workers === null) {
      const base_seed = (this.generator ?? torch.default_generator).next_u64() % (1n << 63n);
      if (this.num_workers > 0) workers = new Workers(this.num_workers, base_seed, this.dataset, this.worker_init_fn);
      if (this.persistent_workers) this.persistent = workers;
    }
    workers?.restart();
    const load = <R>(f: () => R): R => (workers === null ? f() : workers.load(f));
    if (this.batch_sampler === null) {
      for (const i of this.sampler) yield load(() => (this.collate_fn as unknown as (item: T) => B)(this.read(i)));
      return;
    }
    const gather = (this.collate_fn as unknown) === default_collate && is_plain_tensor_dataset(this.dataset) ? row_gatherer(this.dataset) : null;
    for (const indices of this.batch_sampler) {
      if (gather !== null) yield gather(indices) as B;
      else yield load(() => this.collate_fn(indices.map(this.read)));
    }
  }
}

/** PyTorch's `WorkerInfo`: which worker is loading, how many there are, its seed and the dataset. */
export interface WorkerInfo {
  /** The worker's id, 0 … num_workers − 1. */
  readonly id: number;
  /** The loader's `num_workers`. */
  readonly num_workers: number;
  /** The seed of the worker's default generator: the iterator's base seed + id. */
  readonly seed: bigint;
  /** The loader's dataset. */
  readonly dataset: unknown;
}

let current_worker: WorkerInfo | null = null;

/**
 * PyTorch's `torch.utils.data.get_worker_info()`: while a loader with `num_workers > 0` loads a batch (in its
 * dataset's `get`, its `collate_fn`, its `worker_init_fn`), the worker that PyTorch would load it in; otherwise null.
 *
 * @example
 * const info = nn.data.get_worker_info(); // { id: 1, num_workers: 2, seed: 7265…n, dataset } or null
 */
export function get_worker_info(): WorkerInfo | null {
  return current_worker;
}

/**
 * The workers of a loader's iterator, simulated in the calling thread: each keeps its own default-generator
 * stream, seeded as PyTorch seeds a worker process (base seed + id, then worker_init_fn), and batch k loads in
 * worker k % num_workers (PyTorch's round-robin, in order). The caller's stream is put back after every load.
 */
class Workers {
  private readonly streams: torch.GeneratorSnapshot[] = [];
  private next = 0;

  constructor(
    readonly num_workers: number,
    readonly base_seed: bigint,
    readonly dataset: unknown,
    private readonly init: ((worker_id: number) => void) | null,
  ) {
    for (let id = 0; id < num_workers; id++) {
      this.in_worker(id, () => {
        torch.default_generator.manual_seed(base_seed + BigInt(id));
        this.init?.(id);
      });
    }
  }

  /** A new epoch hands its first batch to worker 0 again (PyTorch's reset of its worker cycle). */
  restart(): void {
    this.next = 0;
  }

  /** Runs the next batch's load in its worker. */
  load<R>(f: () => R): R {
    const id = this.next;
    this.next = (this.next + 1) % this.num_workers;
    return this.in_worker(id, f);
  }

  private in_worker<R>(id: number, f: () => R): R {
    const g = torch.default_generator;
    const caller = g._get_state();
    const outer = current_worker;
    current_worker = { id, num_workers: this.num_workers, seed: this.base_seed + BigInt(id), dataset: this.dataset };
    try {
      const stream = this.streams[id];
      if (stream !== undefined) g._set_state(stream);
      const out = f();
      this.streams[id] = g._get_state();
      return out;
    } finally {
      current_worker = outer;
      g._set_state(caller);
    }
  }
}

/** A TensorDataset as the library made it: a subclass may override `get` (augmentation), so only this exact class takes the fast path. */
function is_plain_tensor_dataset(d: unknown): d is TensorDataset {
  return d instanceof TensorDataset && Object.getPrototypeOf(d) === TensorDataset.prototype && !Object.hasOwn(d, 'get');
}

/**
 * Batches a TensorDataset by copying the selected rows of each tensor into a fresh tensor: what stacking the
 * per-item row views gives, without building them. Tensors that require grad (with grad mode on) are stacked
 * through autograd instead, so the batch keeps its graph as in PyTorch.
 */
function row_gatherer(dataset: TensorDataset): (indices: readonly number[]) => Tensor[] {
  const sources = dataset.tensors.map((t) => {
    if (t.requires_grad && torch.is_grad_enabled()) return { t, data: null, offset: 0, row: 0 };
    const c = t.is_contiguous() ? t : t.contiguous();
    return { t, data: c._storage.data, offset: c._offset, row: t.numel() / t._shape[0]! };
  });
  const n = dataset.length;
  return (raw) => {
    const indices = raw.map((i) => tensor_index(i, n));
    return torch.as_list(sources.map(({ t, data, offset, row }) => {
      if (data === null) return torch.stack(indices.map((i) => t.select(0, i)), 0);
      const out = torch.Tensor.empty([indices.length, ...t._shape.slice(1)], t._dtype);
      const dst = out._storage.data;
      indices.forEach((r, j) => dst.set(data.subarray(offset + r * row, offset + (r + 1) * row), j * row));
      return out;
    }));
  };
}
