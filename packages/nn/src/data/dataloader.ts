// DataLoader: batches (optionally shuffled) items of a map-style dataset, with PyTorch's default_collate.
import * as torch from '@tsgrad/core';
import { class_name, Tensor } from '@tsgrad/core';
import { TensorDataset, type DatasetLike } from './dataset.js';

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
 * numbers into a tensor — int64 when every number in the batch is an integer (PyTorch's Python ints, e.g. class
 * labels), otherwise the default float dtype — booleans into a bool tensor; keeps strings as a list; collates
 * arrays position-wise and objects key-wise.
 *
 * @example
 * nn.data.default_collate([[torch.zeros([2]), 1], [torch.ones([2]), 0]]); // [Tensor [2, 2], Tensor [2]]
 */
export function default_collate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch) as Collated<T>;
}

function collate(batch: readonly unknown[]): unknown {
  const elem = batch[0];
  if (elem instanceof Tensor) return torch.stack(batch as Tensor[], 0);
  if (ArrayBuffer.isView(elem)) return torch.stack(batch.map((a) => torch.tensor(a as torch.TypedArray)), 0);
  if (typeof elem === 'boolean') return torch.tensor(batch as boolean[]);
  if (typeof elem === 'number') {
    const integral = (batch as number[]).every((v) => Number.isInteger(v));
    return torch.tensor(batch as number[], { dtype: integral ? 'int64' : undefined });
  }
  if (typeof elem === 'string') return [...batch];
  if (Array.isArray(elem)) {
    const size = elem.length;
    if (batch.some((b) => !Array.isArray(b) || b.length !== size)) {
      throw new Error(`each element in list of batch should be of equal size (got lengths ${batch.map((b) => (Array.isArray(b) ? b.length : typeof b)).join(', ')})`);
    }
    return Array.from({ length: size }, (_, i) => collate(batch.map((b) => (b as unknown[])[i])));
  }
  if (typeof elem === 'object' && elem !== null && Object.getPrototypeOf(elem) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) out[key] = collate(batch.map((b) => (b as Record<string, unknown>)[key]));
    return out;
  }
  const found = elem === null ? 'null' : typeof elem === 'object' ? class_name(elem) : typeof elem;
  throw new TypeError(`default_collate: batch must contain tensors, typed arrays, numbers, dicts or lists; found ${found}`);
}

/** Options of `DataLoader` (PyTorch's keyword arguments). */
export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1). */
  batch_size?: number;
  /** Draw a new random order every epoch (default false). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than `batch_size` (default false). */
  drop_last?: boolean;
  /** Source of the shuffling order; without one, each epoch seeds a generator from `torch.default_generator`. */
  generator?: torch.Generator;
  /** Turns a list of items into a batch (default `default_collate`). */
  collate_fn?: (batch: T[]) => B;
}

/**
 * Iterates a dataset in batches (PyTorch's `DataLoader` without worker processes). Each `for…of` pass is one
 * epoch; with `shuffle` every epoch draws a new permutation from `generator`. A `TensorDataset` with the
 * default collate is batched by gathering rows straight into each output tensor (same result as stacking
 * per-item rows).
 *
 * @example
 * const loader = new nn.data.DataLoader(new nn.data.TensorDataset(x, y), { batch_size: 64, shuffle: true,
 *   generator: new torch.Generator().manual_seed(0) });
 * for (const [xb, yb] of loader) { ... }
 * loader.length; // number of batches
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: DatasetLike<T>;
  readonly batch_size: number;
  readonly shuffle: boolean;
  readonly drop_last: boolean;
  readonly generator: torch.Generator | null;
  readonly collate_fn: ((batch: T[]) => B) | null;

  constructor(dataset: DatasetLike<T>, options: DataLoaderOptions<T, B> = {}) {
    const batch_size = options.batch_size ?? 1;
    if (!Number.isInteger(batch_size) || batch_size <= 0) {
      throw new Error(`batch_size should be a positive integer value, but got batch_size=${batch_size}`);
    }
    this.dataset = dataset;
    this.batch_size = batch_size;
    this.shuffle = options.shuffle ?? false;
    this.drop_last = options.drop_last ?? false;
    this.generator = options.generator ?? null;
    this.collate_fn = options.collate_fn ?? null;
  }

  /** Number of batches per epoch (Python's `len(loader)`). */
  get length(): number {
    const n = this.dataset.length;
    return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = this.sample_order();
    const gather = this.collate_fn === null && this.dataset instanceof TensorDataset ? row_gatherer(this.dataset) : null;
    for (let start = 0; start < order.length; start += this.batch_size) {
      const indices = order.slice(start, start + this.batch_size);
      if (this.drop_last && indices.length < this.batch_size) break;
      if (gather !== null) {
        yield gather(indices) as B;
        continue;
      }
      const items = indices.map((i) => this.dataset.get(i));
      yield this.collate_fn === null ? (default_collate(items) as B) : this.collate_fn(items);
    }
  }

  /** The epoch's item order: 0..n-1, or a permutation from the generator (PyTorch's RandomSampler). */
  private sample_order(): number[] {
    const n = this.dataset.length;
    if (!this.shuffle) return Array.from({ length: n }, (_, i) => i);
    const generator = this.generator ?? new torch.Generator().manual_seed(torch.default_generator.next_u32());
    return torch.randperm(n, { generator }).tolist() as number[];
  }
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
    return { t, data: c._storage.data, offset: c._offset, row: t.numel() / t.shape[0]! };
  });
  return (indices) =>
    sources.map(({ t, data, offset, row }) => {
      if (data === null) return torch.stack(indices.map((i) => t.select(0, i)), 0);
      const out = torch.Tensor.empty([indices.length, ...t.shape.slice(1)], t.dtype);
      const dst = out._storage.data;
      indices.forEach((r, j) => dst.set(data.subarray(offset + r * row, offset + (r + 1) * row), j * row));
      return out;
    });
}
