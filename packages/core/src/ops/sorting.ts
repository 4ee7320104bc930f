// Sorting along a dim: sort, argsort and topk (SortBackward0, TopkBackward0); NaN sorts above every number.
// searchsorted: insertion indices into sorted rows (int64, no gradient).
import { trace_op, tracing } from '../jit/tracer.js';
import { normalize_dim, numel_of } from '../shape.js';
import { Tensor } from '../tensor.js';
import { empty, record, scalar_tensor } from './record.js';
import { scatter_add_zeros } from './indexing.js';
import { values_indices } from './named_tuple.js';
import { signature, type PyArgs } from '../signature.js';

/** `[values, indices]` of sort / topk, with `.values` / `.indices`, as PyTorch's named tuple. */
export interface SortResult extends Iterable<Tensor> {
  /** The values, as `values`. */
  readonly 0: Tensor;
  /** The indices, as `indices`. */
  readonly 1: Tensor;
  /** Always 2: the pair destructures as `const [values, indices] = ...`. */
  readonly length: 2;
  /** The sorted (or top-k) values along the dim. */
  readonly values: Tensor;
  /** Where each value was along the dim in the input (int64). */
  readonly indices: Tensor;
}

/** `a` before `b` in ascending order: numbers by value, NaN after every number (PyTorch's order). */
function ascending(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The first `k` entries of each line of `x` along `d` in sorted order, and their positions there; equal
 * values keep their input order (a stable sort, which PyTorch's unstable sort is allowed to give too).
 * `node` names the recorded backward, which scatters the gradient back to those positions.
 */
function sort_lines(x: Tensor, d: number, k: number, descending: boolean, node: string): [Tensor, Tensor] {
  const shape = x.ndim === 0 ? [1] : x._shape;
  const size = shape[d]!;
  const outer = numel_of(shape.slice(0, d));
  const inner = numel_of(shape.slice(d + 1));
  const out_shape = x.ndim === 0 ? [] : x._shape.map((s, i) => (i === d ? k : s));
  const values = empty(out_shape, x._dtype);
  const indices = empty(out_shape, 'int64');
  const src = x._contiguous_data();
  const vd = values._storage.data;
  const id = indices._storage.data;
  const order = new Array<number>(size);
  const line = new Float64Array(size);
  const cmp = descending ? (i: number, j: number): number => ascending(line[j]!, line[i]!) || i - j : (i: number, j: number): number => ascending(line[i]!, line[j]!) || i - j;
  for (let o = 0; o < outer; o++) {
    for (let n = 0; n < inner; n++) {
      const base = o * size * inner + n;
      for (let i = 0; i < size; i++) {
        line[i] = src[base + i * inner]!;
        order[i] = i;
      }
      order.sort(cmp);
      const out_base = o * k * inner + n;
      for (let j = 0; j < k; j++) {
        vd[out_base + j * inner] = line[order[j]!]!;
        id[out_base + j * inner] = order[j]!;
      }
    }
  }
  const in_shape = x._shape;
  record(node, [x], [values], (ctx, [g]) => [in_shape.length === 0 ? g! : scatter_add_zeros(g!, d, ctx.saved_tensors[0]!, in_shape)], [indices]);
  return [values, indices];
}

interface SortParsed {
  input: Tensor;
  dim: number;
  descending: boolean;
  stable: boolean | null;
}
const SORT = signature<SortParsed>('sort(Tensor input, int dim=-1, bool descending=False, *, bool? stable=False)');
const ARGSORT = signature<SortParsed>('argsort(Tensor input, int dim=-1, bool descending=False, *, bool stable=False)');
/** Keyword arguments of `sort` / `argsort`. */
export interface SortOptions {
  /** The dim sorted along (default the last). */
  dim?: number;
  /** Largest first (NaN first). */
  descending?: boolean;
  /** Keep equal values in input order (tsgrad's sort always does). */
  stable?: boolean | null;
}
/** The arguments of `x.sort(...)` / `x.argsort(...)`. */
export type SortMethodArgs = PyArgs<[dim: number, descending: boolean], SortOptions>;

/**
 * The entries of each line along `dim` in ascending (or `descending`) order, with where each came from
 * (SortBackward0: the gradient goes back to those positions). NaN sorts above every number.
 *
 * @example
 * const { values, indices } = torch.sort(torch.tensor([3, 1, 2]), { descending: true });
 */
export function sort(...args: PyArgs<[input: Tensor, dim: number, descending: boolean], SortOptions & { input?: Tensor }>): SortResult {
  if (tracing) return trace_op('aten::sort', sort, args) as unknown as SortResult;
  const a = SORT.parse(args);
  const d = normalize_dim(a.dim, a.input.ndim);
  const [values, indices] = sort_lines(a.input, d, a.input.ndim === 0 ? 1 : a.input._shape[d]!, a.descending, 'SortBackward0');
  return values_indices<SortResult>('sort', values, indices);
}

/**
 * The positions that sort each line along `dim` (int64, not differentiable): `sort(...).indices`.
 *
 * @example
 * torch.argsort(torch.tensor([[3, 1, 2]]), 1); // [[1, 2, 0]]
 */
export function argsort(...args: PyArgs<[input: Tensor, dim: number, descending: boolean], SortOptions & { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::argsort', argsort, args, ARGSORT);
  const a = ARGSORT.parse(args);
  const d = normalize_dim(a.dim, a.input.ndim);
  return sort_lines(a.input.detach(), d, a.input.ndim === 0 ? 1 : a.input._shape[d]!, a.descending, 'SortBackward0')[1];
}

interface TopkParsed {
  input: Tensor;
  k: number;
  dim: number;
  largest: boolean;
  sorted: boolean;
}
const TOPK = signature<TopkParsed>('topk(Tensor input, int k, int dim=-1, bool largest=True, bool sorted=True)');
/** Keyword arguments of `topk`. */
export interface TopkOptions {
  /** How many entries to keep. */
  k?: number;
  /** The dim searched (default the last). */
  dim?: number;
  /** The largest (true, NaN counting as largest) or the smallest entries. */
  largest?: boolean;
  /** Return them in sorted order (tsgrad always does; PyTorch may not when false). */
  sorted?: boolean;
}
/** The arguments of `x.topk(...)`. */
export type TopkMethodArgs = PyArgs<[k: number, dim: number, largest: boolean, sorted: boolean], TopkOptions>;

/**
 * The `k` largest (or smallest) entries of each line along `dim`, largest first, with their positions
 * (TopkBackward0: the gradient goes back to those positions).
 *
 * @example
 * const [values, indices] = torch.topk(logits, 5);
 */
export function topk(...args: PyArgs<[input: Tensor, k: number, dim: number, largest: boolean, sorted: boolean], TopkOptions & { input?: Tensor }>): SortResult {
  if (tracing) return trace_op('aten::topk', topk, args) as unknown as SortResult;
  const a = TOPK.parse(args);
  const d = normalize_dim(a.dim, a.input.ndim);
  const size = a.input.ndim === 0 ? 1 : a.input._shape[d]!;
  if (a.k < 0 || a.k > size) throw new Error('selected index k out of range');
  const [values, indices] = sort_lines(a.input, d, a.k, a.largest, 'TopkBackward0');
  return values_indices<SortResult>('topk', values, indices);
}

const SEARCHSORTED = signature<{ sorted_sequence: Tensor; input: Tensor | number; out_int32: boolean; right: boolean; side: string | null; sorter: Tensor | null }>(
  'searchsorted(Tensor sorted_sequence, Tensor|Scalar input, *, bool out_int32=False, bool right=False, str? side=None, Tensor? sorter=None)',
);
/**
 * Where each value of `input` would go in the sorted last-dim rows of `sorted_sequence` to keep them sorted
 * (PyTorch's `torch.searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
 * sorter=None)`): the first such index, or the last with `right` / `side='right'`; `sorter` gives the order that
 * sorts an unsorted sequence. A 1-D sequence serves every value; otherwise its leading dims match `input`'s.
 * The result is int64 and carries no gradient.
 *
 * @example
 * torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6])); // [1, 3]
 */
export function searchsorted(
  ...args: PyArgs<[sorted_sequence: Tensor, input: Tensor | number], { sorted_sequence?: Tensor; input?: Tensor | number; out_int32?: boolean; right?: boolean; side?: 'left' | 'right' | null; sorter?: Tensor | null }>
): Tensor {
  if (tracing) return trace_op('aten::searchsorted', searchsorted, args, SEARCHSORTED);
  const a = SEARCHSORTED.parse(args);
  const seq = a.sorted_sequence;
  const scalar = !(a.input instanceof Tensor);
  const values = a.input instanceof Tensor ? a.input : scalar_tensor(Number(a.input), 'float64');
  if (a.side !== null && a.side !== 'left' && a.side !== 'right') throw new Error(`torch.searchsorted(): side can only be 'left' or 'right' but got ${a.side}`);
  if (a.side === 'left' && a.right) throw new Error('torch.searchsorted(): side and right can\'t be set to opposites, got side of left while right was True');
  const right = a.side === null ? a.right : a.side === 'right';
  if (a.out_int32) throw new Error('torch.searchsorted(): out_int32=True needs an int32 result, and tsgrad has no int32 dtype');
  if (seq.ndim === 0) throw new Error('torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension');
  if (scalar && seq.ndim !== 1) {
    throw new Error(`torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim(${seq.ndim}) and input value's dim(0) numel(1)`);
  }
  const lead_ok = seq.ndim === 1 || (seq.ndim === values.ndim && seq.shape.slice(0, -1).every((n, i) => n === values.shape[i]));
  if (!lead_ok) {
    throw new Error(`torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [${seq.shape.join(', ')}] and input value tensor [${values.shape.join(', ')}]`);
  }
  if (a.sorter !== null && (a.sorter.shape.length !== seq.ndim || a.sorter.shape.some((n, i) => n !== seq.shape[i]))) {
    throw new Error(`torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor [${seq.shape.join(', ')}] and got sorter tensor [${a.sorter.shape.join(', ')}]`);
  }
  const n = seq.shape[seq.ndim - 1]!;
  const s = seq._contiguous_data();
  const order = a.sorter === null ? null : a.sorter._contiguous_data();
  const v = values._contiguous_data();
  const per_row = seq.ndim === 1 ? v.length : values.shape[values.ndim - 1]!;
  const result = empty(scalar ? [] : [...values.shape], 'int64');
  const out = result._storage.data;
  for (let i = 0; i < v.length; i++) {
    const row = seq.ndim === 1 ? 0 : Math.floor(i / per_row) * n;
    const at = (k: number): number => s[row + (order === null ? k : order[row + k]!)]!;
    let lo = 0;
    let hi = n;
    // first position whose value is >= x (left) or > x (right)
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (right ? at(mid) <= v[i]! : at(mid) < v[i]!) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return result;
}
