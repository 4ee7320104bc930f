// Indexing: PyTorch's x[...] (ints, slices, ..., None, int lists/tensors, bool masks), gather and scatter.
import { trace_op, tracing } from '../jit/tracer.js';
import { assert_no_internal_overlap, assert_no_partial_overlap } from './overlap.js';
import { broadcast_shapes, contiguous_strides, normalize_dim, numel_of, shapes_equal } from '../shape.js';
import { Tensor } from '../tensor.js';
import { empty, record, scalar_tensor } from './record.js';
import { copy_, fill_ } from './inplace.js';
import { alias_of, check_inplace, rebase_history } from '../autograd/view_inplace.js';
import { mul, to_dtype } from './arithmetic.js';
import { sum_to } from './reduce.js';
import { signature, type PyArgs } from '../signature.js';
import { as_view, select, slice, unsqueeze, type Geometry } from './view.js';

/** A slice `start:stop:step` (any part may be omitted). */
export interface Slice {
  /** First index (default 0; negative counts from the end). */
  start?: number | null;
  /** One past the last index (default: the size; negative counts from the end). */
  stop?: number | null;
  /** Distance between taken indices (default 1; must be positive). */
  step?: number | null;
}
/** One entry of `x.index([...])`: int, slice, `'...'`, `null` (new axis), int64/bool tensor, or a list. */
export type IndexItem = number | Slice | '...' | null | Tensor | number[] | boolean[];

function is_slice(v: unknown): v is Slice {
  return typeof v === 'object' && v !== null && !(v instanceof Tensor) && !Array.isArray(v);
}

/** Positions of true entries of a bool mask as one int64 tensor per mask dim (PyTorch's nonzero). */
function mask_to_indices(mask: Tensor): Tensor[] {
  const data = mask._contiguous_data();
  const strides = contiguous_strides(mask._shape);
  const hits: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i]) hits.push(i);
  return mask._shape.map((_, d) => {
    const t = empty([hits.length], 'int64');
    const td = t._storage.data;
    hits.forEach((flat, k) => (td[k] = Math.floor(flat / strides[d]!) % mask._shape[d]!));
    return t;
  });
}

interface Advanced {
  dim: number;
  index: Tensor;
}

/**
 * Offsets into `geom` of every element of `r[advanced]` (row-major), and the result shape. Index tensors
 * broadcast together; adjacent indexed dims keep their place, separated ones move to the front (NumPy).
 */
function advanced_plan(shape: readonly number[], geom: Geometry, adv: Advanced[]): { out_shape: number[]; offsets: Int32Array } {
  const bshape = adv.reduce<number[]>((s, a) => broadcast_shapes(s, a.index._shape), []);
  const idx_data = adv.map((a) => a.index.expand(bshape)._contiguous_data());
  const adv_dims = adv.map((a) => a.dim);
  for (let k = 0; k < adv.length; k++) {
    const size = shape[adv_dims[k]!]!;
    const d = idx_data[k]!;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v < -size || v >= size) throw new RangeError(`index ${v} is out of bounds for dimension ${adv_dims[k]} with size ${size}`);
    }
  }
  const sorted = [...adv_dims].sort((a, b) => a - b);
  const adjacent = sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  const rest = shape.map((_, i) => i).filter((i) => !adv_dims.includes(i));
  const first = sorted[0]!;
  const pre = adjacent ? rest.filter((i) => i < first) : [];
  const post = adjacent ? rest.filter((i) => i > first) : rest;
  const out_shape = [...pre.map((i) => shape[i]!), ...bshape, ...post.map((i) => shape[i]!)];
  const n = numel_of(out_shape);
  const offsets = new Int32Array(n);
  const bn = numel_of(bshape);
  const pre_n = numel_of(pre.map((i) => shape[i]!));
  const post_shape = post.map((i) => shape[i]!);
  const post_n = numel_of(post_shape);
  const pre_shape = pre.map((i) => shape[i]!);
  let k = 0;
  for (let p = 0; p < pre_n; p++) {
    let pre_off = geom.offset;
    let rem = p;
    for (let j = pre.length - 1; j >= 0; j--) {
      const s = pre_shape[j]!;
      pre_off += (rem % s) * geom.strides[pre[j]!]!;
      rem = Math.floor(rem / s);
    }
    for (let b = 0; b < bn; b++) {
      let adv_off = pre_off;
      for (let a = 0; a < adv.length; a++) {
        let v = idx_data[a]![b]!;
        const size = shape[adv_dims[a]!]!;
        if (v < 0) v += size;
        adv_off += v * geom.strides[adv_dims[a]!]!;
      }
      for (let q = 0; q < post_n; q++) {
        let off = adv_off;
        let r2 = q;
        for (let j = post.length - 1; j >= 0; j--) {
          const s = post_shape[j]!;
          off += (r2 % s) * geom.strides[post[j]!]!;
          r2 = Math.floor(r2 / s);
        }
        offsets[k++] = off;
      }
    }
  }
  return { out_shape, offsets };
}

function index_advanced(r: Tensor, adv: Advanced[]): Tensor {
  const plan = advanced_plan(r._shape, { shape: r._shape, strides: r._strides, offset: r._offset }, adv);
  const out = empty(plan.out_shape, r._dtype);
  const od = out._storage.data;
  const src = r._storage.data;
  for (let i = 0; i < plan.offsets.length; i++) od[i] = src[plan.offsets[i]!]!;
  const base = r._shape;
  // the index tensors are saved, as PyTorch does (so a second backward without retain_graph raises E2)
  record('IndexBackward0', [r], [out], (ctx, [g]) => {
    const saved = ctx.saved_tensors;
    return [index_put_zeros(g!, base, adv.map((a, k) => ({ dim: a.dim, index: saved[k]! })))];
  }, adv.map((a) => a.index));
  return out;
}

/** Zeros of `shape` with `g` scatter-added at `[adv]` (repeated indices accumulate). */
function index_put_zeros(g: Tensor, shape: readonly number[], adv: Advanced[]): Tensor {
  const plan = advanced_plan(shape, { shape: [...shape], strides: contiguous_strides(shape), offset: 0 }, adv);
  const out = empty(shape, g._dtype);
  const od = out._storage.data;
  const gd = g._contiguous_data();
  for (let i = 0; i < plan.offsets.length; i++) od[plan.offsets[i]!] += gd[i]!;
  record('IndexPutBackward0', [g], [out], (_c, [gg]) => [index_advanced(gg!, adv)]);
  return out;
}

const INDEX_DTYPE = 'tensors used as indices must be long, int, byte or bool tensors';

function as_index_tensor(v: Tensor | number[] | boolean[]): Tensor {
  if (v instanceof Tensor) return v;
  const isbool = v.length > 0 && typeof v[0] === 'boolean';
  // a list is a tensor to PyTorch: fractional entries make a float tensor, which cannot index
  for (const e of v) if (typeof e !== (isbool ? 'boolean' : 'number') || (!isbool && !Number.isInteger(e))) throw new RangeError(INDEX_DTYPE);
  const t = empty([v.length], isbool ? 'bool' : 'int64');
  v.forEach((x, i) => (t._storage.data[i] = Number(x)));
  return t;
}

/**
 * PyTorch's `x[i, 1:3, ..., None, idx, mask]`.
 *
 * @example
 * x.index([0]); x.index([{ start: 1, stop: 3 }]); x.index(['...', 0]); x.index([x.gt(0)]);
 */
export function index(x: Tensor, items: readonly IndexItem[]): Tensor {
  if (tracing) return trace_op('aten::index', index, [x, items]);
  const { r, adv } = resolve_index(x, items);
  if (adv.length === 0) return r === x ? as_alias(x) : r;
  return index_advanced(r, adv);
}

/** Applies the basic items (ints, slices, `...`, `null`) as views; returns that view and the advanced indices left. */
function resolve_index(x: Tensor, items: readonly IndexItem[]): { r: Tensor; adv: Advanced[] } {
  let consumed = 0;
  let ellipses = 0;
  for (const it of items) {
    if (it === '...') ellipses++;
    else if (it === null) continue;
    else if (it instanceof Tensor) consumed += it._dtype === 'bool' ? Math.max(it.ndim, 1) : 1;
    else if (Array.isArray(it)) consumed += 1;
    else consumed += 1;
  }
  if (ellipses > 1) throw new Error('an index can only have a single ellipsis');
  if (consumed > x.ndim) throw new RangeError(`too many indices for tensor of dimension ${x.ndim}`);
  let r = x;
  let dim = 0;
  const adv: Advanced[] = [];
  for (const it of items) {
    if (it === '...') dim += x.ndim - consumed;
    else if (it === null) r = unsqueeze(r, dim++);
    else if (typeof it === 'number') {
      if (!Number.isInteger(it)) throw new RangeError(`only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got float)`);
      const size = r._shape[dim]!;
      if (it < -size || it >= size) throw new RangeError(`index ${it} is out of bounds for dimension ${dim} with size ${size}`);
      r = select(r, dim, it);
    } else if (it instanceof Tensor || Array.isArray(it)) {
      const t = as_index_tensor(it);
      if (t._dtype === 'bool') {
        const k = Math.max(t.ndim, 1);
        const mask = t.ndim === 0 ? t.view([1]) : t;
        for (let j = 0; j < k; j++) {
          if (mask._shape[j] !== r._shape[dim + j]) {
            throw new RangeError(`The shape of the mask [${mask._shape.join(', ')}] at index ${j} does not match the shape of the indexed tensor [${r._shape.join(', ')}] at index ${dim + j}`);
          }
        }
        mask_to_indices(mask).forEach((idx, j) => adv.push({ dim: dim + j, index: idx }));
        dim += k;
      } else {
        if (t._dtype !== 'int64') throw new RangeError(INDEX_DTYPE);
        adv.push({ dim: dim++, index: t });
      }
    } else if (is_slice(it)) {
      r = slice(r, dim++, it.start ?? null, it.stop ?? null, it.step ?? 1);
    } else {
      throw new TypeError(`unsupported index item ${String(it)}`);
    }
  }
  return { r, adv };
}

/**
 * PyTorch's `x[items] = value`: basic items select a view that `value` is copied into (so the change is recorded
 * as `CopySlices` on `x`), advanced ones write through `index_put_` (IndexPutBackward0). A number value is a
 * 0-dim tensor of `x`'s dtype; a value broadcasts to the indexed shape.
 *
 * @example
 * x.setitem([0, { start: 1, stop: 3 }], v); // x[0, 1:3] = v
 * x.setitem([x.lt(0)], 0);                  // x[x < 0] = 0
 */
export function setitem(x: Tensor, items: IndexItem[] | Exclude<IndexItem, unknown[]>, value: Tensor | number): void {
  if (tracing) {
    trace_op('aten::index_put_', setitem, [x, items, value]);
    return;
  }
  const list = Array.isArray(items) ? (items as IndexItem[]) : [items];
  const { r, adv } = resolve_index(x, list);
  const src = value instanceof Tensor ? value : scalar_tensor(value, x._dtype);
  if (adv.length > 0) {
    index_put_(r, adv, src);
    return;
  }
  if (shapes_equal(r._shape, src._shape)) copy_(r, src);
  else if (src.ndim === 0) fill_(r, src);
  else copy_(r, src.view(src._shape.slice(leading_ones(src._shape, r.ndim))));
}

/** How many leading size-1 dims of `shape` to drop so it has at most `ndim` dims (PyTorch's slicePrefix1sSize). */
function leading_ones(shape: readonly number[], ndim: number): number {
  let k = 0;
  while (k < shape.length - ndim && shape[k] === 1) k++;
  return k;
}

/** Writes `value` (broadcast) at `r[adv]` in place (IndexPutBackward0: `value` gets the gradient there). */
function index_put_(r: Tensor, adv: Advanced[], value: Tensor): void {
  const recording = check_inplace(r, [value]);
  assert_no_internal_overlap(r);
  assert_no_partial_overlap(r, value);
  const plan = advanced_plan(r._shape, { shape: r._shape, strides: r._strides, offset: r._offset }, adv);
  const src = broadcast_to_plan(value, plan.out_shape);
  const data = r._storage.data;
  for (let i = 0; i < plan.offsets.length; i++) data[plan.offsets[i]!] = src[i]!;
  r._storage.version++;
  if (!recording) return;
  const shape = r._shape;
  const value_shape = value._shape;
  const value_dtype = value._dtype;
  const dense = advanced_plan(shape, { shape, strides: contiguous_strides(shape), offset: 0 }, adv);
  const node = record('IndexPutBackward0', [alias_of(r), value], [r.detach()], (ctx, [g]) => {
    const keep = empty(shape, g!._dtype);
    keep._storage.data.fill(1);
    for (let i = 0; i < dense.offsets.length; i++) keep._storage.data[dense.offsets[i]!] = 0;
    return [
      ctx.needs_input_grad(0) ? mul(g!, keep) : null,
      ctx.needs_input_grad(1) ? to_dtype(sum_to(index_advanced(g!, adv), value_shape), value_dtype) : null,
    ];
  })!;
  rebase_history(r, node);
}

/** `value`'s elements broadcast to `shape`, in row-major order (cast happens on write into the typed array). */
function broadcast_to_plan(value: Tensor, shape: readonly number[]): ArrayLike<number> {
  try {
    return value.detach().expand([...shape])._contiguous_data();
  } catch {
    throw new Error(`shape mismatch: value tensor of shape [${value._shape.join(', ')}] cannot be broadcast to indexing result of shape [${shape.join(', ')}]`);
  }
}

/** `x[...]` with nothing consumed returns a view of the whole tensor (AliasBackward0). */
function as_alias(x: Tensor): Tensor {
  const out = as_view(x, { shape: x._shape, strides: x._strides, offset: x._offset });
  record('AliasBackward0', [x], [out], (_c, [g]) => [g!]);
  return out;
}

/**
 * Offsets into a contiguous `src_shape` tensor of every entry of `index` read along `dim` (gather's and
 * scatter's addressing), with PyTorch's out-of-bounds error.
 *
 * @hidden
 */
export function gather_plan(index: Tensor, dim: number, shape: readonly number[]): Int32Array {
  const idx = index._contiguous_data();
  // a 0-d index (or source) is a one-element vector here, as in PyTorch (ensure_nonempty_dim)
  const src_shape = shape.length === 0 ? [1] : shape;
  const ishape = index.ndim === 0 ? [1] : index._shape;
  const strides = contiguous_strides(src_shape);
  const out = new Int32Array(idx.length);
  const istrides = contiguous_strides(ishape);
  for (let i = 0; i < idx.length; i++) {
    let off = 0;
    for (let d = 0; d < ishape.length; d++) {
      const c = Math.floor(i / istrides[d]!) % ishape[d]!;
      const v = d === dim ? idx[i]! : c;
      if (d === dim) {
        const size = src_shape[d]!;
        // gather and scatter take no negative indices (unlike x[idx])
        if (v < 0 || v >= size) throw new RangeError(`index ${v} is out of bounds for dimension ${d} with size ${size}`);
      }
      off += v * strides[d]!;
    }
    out[i] = off;
  }
  return out;
}

const GATHER = signature<{ input: Tensor; dim: number; index: Tensor; sparse_grad: boolean }>('gather(Tensor input, int dim, Tensor index, *, bool sparse_grad=False)');
/**
 * `out[i][j] = x[index[i][j]][j]` for dim 0, etc. (GatherBackward0). The index is int64, has x's number of
 * dims and no larger size than x outside `dim` (PyTorch's checks, so no read leaves x).
 *
 * @example
 * torch.gather(x, 1, torch.tensor([[0], [2]], { dtype: 'int64' }));
 */
export function gather(...args: PyArgs<[input: Tensor, dim: number, index: Tensor], { input?: Tensor; dim?: number; index?: Tensor; sparse_grad?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::gather', gather, args, GATHER);
  const { input: x, dim, index } = GATHER.parse(args);
  const d = normalize_dim(dim, x.ndim);
  if (index._dtype !== 'int64') throw new Error('gather(): Expected dtype int64 for index');
  if (index.ndim !== x.ndim && !(Math.max(index.ndim, 1) === 1 && Math.max(x.ndim, 1) === 1)) throw new Error('Index tensor must have the same number of dimensions as input tensor');
  for (let k = 0; k < index.ndim; k++) {
    if (k !== d && index._shape[k]! > x._shape[k]!) {
      throw new Error(`Size does not match at dimension ${k} expected index [${index._shape.join(', ')}] to be smaller than self [${x._shape.join(', ')}] apart from dimension ${d}`);
    }
  }
  const src = x._contiguous_data();
  const plan = gather_plan(index, d, x._shape);
  const out = empty(index._shape, x._dtype);
  const od = out._storage.data;
  for (let i = 0; i < plan.length; i++) od[i] = src[plan[i]!]!;
  const shape = x._shape;
  record('GatherBackward0', [x], [out], (ctx, [g]) => [scatter_add_zeros(g!, d, ctx.saved_tensors[0]!, shape)], [index]);
  return out;
}

/**
 * Zeros of `shape` with `src` added at `index` along `dim` (the adjoint of gather; ScatterAddBackward0).
 *
 * @hidden
 */
export function scatter_add_zeros(src: Tensor, dim: number, index: Tensor, shape: readonly number[]): Tensor {
  if (tracing) return trace_op('aten::scatter_add', scatter_add_zeros, [src, dim, index, shape]) as Tensor;
  const plan = gather_plan(index, dim, shape);
  const out = empty(shape, src._dtype);
  const od = out._storage.data;
  const sd = src._contiguous_data();
  for (let i = 0; i < plan.length; i++) od[plan[i]!] += sd[i]!;
  record('ScatterAddBackward0', [src], [out], (ctx, [g]) => [gather(g!, dim, ctx.saved_tensors[0]!)], [index]);
  return out;
}

/**
 * The backward of `max(dim)`/`min(dim)`: the gradient placed at the selected indices, zeros elsewhere.
 *
 * @hidden
 */
export function scatter_into_zeros(g: Tensor, dim: number, indices: Tensor, shape: readonly number[], keepdim: boolean): Tensor {
  if (tracing) return trace_op('aten::scatter', scatter_into_zeros, [g, dim, indices, shape, keepdim]) as Tensor;
  const gk = keepdim ? g : unsqueeze(g, dim);
  const ik = keepdim ? indices : unsqueeze(indices.detach(), dim).detach();
  return scatter_add_zeros(gk, dim, ik, shape);
}
