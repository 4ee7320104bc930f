// Writes at computed positions: put (PutBackward0), index_put (IndexPutBackward0) and masked_scatter
// (MaskedScatterBackward0), each with its in-place form; one routine writes (or adds) values at flat positions.
import { trace_op, tracing } from '../jit/tracer.js';
import { no_grad } from '../autograd/grad_mode.js';
import { broadcast_shapes, numel_of, shapes_equal } from '../shape.js';
import { Tensor } from '../tensor.js';
import { signature, type PyArgs } from '../signature.js';
import { empty, record, scalar_tensor } from './record.js';
import { masked_fill } from './arithmetic.js';
import { sum_to } from './reduce.js';
import { apply_inplace } from './inplace.js';
import { index, type IndexItem } from './indexing.js';
import { masked_select, take } from './selection.js';
import { cat, expand, reshape } from './view.js';
import { zeros } from './creation.js';

/**
 * A copy of `x` with `written` (one value per position) written at the flat `positions` (int64, any shape), or
 * added there with `accumulate`; recorded as `node` over `x` and `values` (what `written` was made of), whose
 * gradients `backward` gives from the output's.
 */
function write_at(node: string, x: Tensor, positions: Tensor, values: Tensor, written: Tensor, accumulate: boolean, backward: (g: Tensor) => [Tensor, Tensor]): Tensor {
  const out = empty(x._shape, x._dtype);
  const od = out._storage.data;
  od.set(x._contiguous_data());
  const pos = positions._contiguous_data();
  const vals = written._contiguous_data();
  for (let i = 0; i < pos.length; i++) od[pos[i]!] = accumulate ? od[pos[i]!]! + vals[i]! : vals[i]!;
  record(node, [x, values], [out], (ctx, [g]) => {
    const [gx, gv] = backward(g!);
    return [ctx.needs_input_grad(0) ? gx : null, ctx.needs_input_grad(1) ? gv : null];
  });
  return out;
}

/** The flat positions `index` names in a tensor of `numel` elements (negative ones from the end). */
function flat_positions(op: string, index: Tensor, numel: number): Tensor {
  if (index._dtype !== 'int64') throw new Error(`${op}(): Expected a long tensor for index, but got ${index.dtype.toString().replace('torch.', '')}`);
  const out = empty(index._shape, 'int64');
  const idx = index._contiguous_data();
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (v < -numel || v >= numel) throw new RangeError(`out of range: tried to access index ${v} on a tensor of ${numel} elements.`);
    out._storage.data[i] = v < 0 ? v + numel : v;
  }
  return out;
}

interface PutParsed { input: Tensor; index: Tensor; source: Tensor; accumulate: boolean }
const PUT = signature<PutParsed>('put(Tensor input, Tensor index, Tensor source, bool accumulate=False)');
const PUT_ = PUT.renamed('put_');
/** The arguments of `x.put(...)` / `x.put_(...)`. */
export type PutMethodArgs = PyArgs<[index: Tensor, source: Tensor, accumulate: boolean], {
  /** The int64 positions. */
  index?: Tensor;
  /** The values written. */
  source?: Tensor;
  /** Add at the positions instead of writing. */
  accumulate?: boolean;
}>;

function put_parsed({ input: x, index: idx, source, accumulate }: PutParsed): Tensor {
  if (source._dtype !== x._dtype) throw new Error(`put_(): self and source expected to have the same dtype, but got self.dtype = ${x.dtype.toString().replace('torch.', '')} and source.dtype = ${source.dtype.toString().replace('torch.', '')}`);
  if (idx.numel() !== source.numel()) {
    throw new Error(`put_(): Expected source and index to have the same number of elements, but got source.numel() = ${source.numel()}, index.numel() = ${idx.numel()}`);
  }
  const pos = flat_positions('put_', idx, x.numel());
  const flat = (t: Tensor): Tensor => reshape(t, [-1]);
  return write_at('PutBackward0', x, pos, source, source, accumulate, (g) => [
    accumulate ? g : put_parsed({ input: g, index: pos, source: no_grad(() => zeros(source._shape, { dtype: g._dtype })), accumulate: false }),
    reshape(take(flat(g), pos), source._shape),
  ]);
}
/**
 * A copy of `input` with `source`'s elements written at the flat positions `index` (as if `input` were 1-d,
 * negative positions from the end), or added there with `accumulate` (PutBackward0).
 *
 * @example
 * torch.put(torch.zeros([2, 2]), torch.tensor([0, 3]), torch.tensor([1, 2])); // [[1, 0], [0, 2]]
 */
export function put(...args: PyArgs<[input: Tensor, index: Tensor, source: Tensor, accumulate: boolean], { input?: Tensor; index?: Tensor; source?: Tensor; accumulate?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::put', put, args, PUT);
  return put_parsed(PUT.parse(args));
}
/**
 * In-place {@link put} (PutBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * x.put_(torch.tensor([0]), torch.tensor([9.0]));
 */
export function put_<T extends Tensor>(self: T, ...args: PutMethodArgs): T {
  if (tracing) return trace_op('aten::put_', put_, [self, ...args]) as T;
  const a = PUT_.parse([self, ...args], { method: true });
  flat_positions('put_', a.index, self.numel());
  return apply_inplace(self, [a.source], false, (alias) => put_parsed({ ...a, input: alias }));
}

interface IndexPutParsed { input: Tensor; indices: (Tensor | null)[]; values: Tensor; accumulate: boolean }
const INDEX_PUT = signature<IndexPutParsed>('index_put(Tensor input, Tensor?[] indices, Tensor values, bool accumulate=False)');
const INDEX_PUT_ = INDEX_PUT.renamed('index_put_');
/** The arguments of `x.index_put(...)` / `x.index_put_(...)`. */
export type IndexPutMethodArgs = PyArgs<[indices: readonly (Tensor | null)[], values: Tensor, accumulate: boolean], {
  /** The positions to split before. */
  indices?: readonly (Tensor | null)[];
  /** The values written (broadcast to the picked elements). */
  values?: Tensor;
  /** Add at the positions instead of writing. */
  accumulate?: boolean;
}>;

const FULL: IndexItem = { start: null, stop: null, step: null };
function index_put_parsed({ input: x, indices, values, accumulate }: IndexPutParsed): Tensor {
  if (indices.length > Math.max(x.ndim, 1)) throw new RangeError(`too many indices for tensor of dimension ${x.ndim} (got ${indices.length})`);
  if (values._dtype !== x._dtype) throw new Error(`Index put requires the source and destination dtypes match, got ${x.dtype.toString().replace('torch.', '')} for the destination and ${values.dtype.toString().replace('torch.', '')} for the source.`);
  const items: IndexItem[] = indices.map((t) => t ?? FULL);
  // the flat position of every element the indices pick, in the indexing result's shape
  const pos = no_grad(() => {
    const ids = empty(x._shape, 'int64');
    ids._storage.data.set(Array.from({ length: numel_of(x._shape) }, (_, i) => i));
    return index(ids, items).contiguous();
  });
  const fits = values.ndim <= pos.ndim && values._shape.every((n, i) => n === 1 || n === pos._shape[pos.ndim - values.ndim + i]);
  if (!fits) {
    throw new Error(`shape mismatch: value tensor of shape [${values._shape.join(', ')}] cannot be broadcast to indexing result of shape [${pos._shape.join(', ')}]`);
  }
  // values broadcast to the positions; their gradient sums back over the broadcast
  const spread = no_grad(() => expand(values.detach(), pos._shape));
  return write_at('IndexPutBackward0', x, pos, values, spread, accumulate, (g) => [
    accumulate ? g : index_put_parsed({ input: g, indices, values: scalar_tensor(0, g._dtype), accumulate: false }),
    sum_to(index(g, items), values._shape),
  ]);
}
/**
 * A copy of `input` with `values` written at the elements `indices` pick (one int64 or bool tensor per leading
 * dim, `null` for a whole dim, as `input[indices] = values` in Python), or added there with `accumulate`;
 * `values` broadcasts to the picked shape (IndexPutBackward0).
 *
 * @example
 * torch.index_put(torch.zeros([3]), [torch.tensor([0, 2])], torch.tensor(5.0)); // [5, 0, 5]
 */
export function index_put(...args: PyArgs<[input: Tensor, indices: readonly (Tensor | null)[], values: Tensor, accumulate: boolean], { input?: Tensor; indices?: readonly (Tensor | null)[]; values?: Tensor; accumulate?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::index_put', index_put, args, INDEX_PUT);
  return index_put_parsed(INDEX_PUT.parse(args));
}
/**
 * In-place {@link index_put} (IndexPutBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * hist.index_put_([bins], torch.ones([n]), true);
 */
export function index_put_<T extends Tensor>(self: T, ...args: IndexPutMethodArgs): T {
  if (tracing) return trace_op('aten::index_put_', index_put_, [self, ...args]) as T;
  const a = INDEX_PUT_.parse([self, ...args], { method: true });
  return apply_inplace(self, [a.values], false, (alias) => index_put_parsed({ ...a, input: alias }));
}

interface MaskedScatterParsed { input: Tensor; mask: Tensor; source: Tensor }
const MASKED_SCATTER = signature<MaskedScatterParsed>('masked_scatter(Tensor input, Tensor mask, Tensor source)');
const MASKED_SCATTER_ = MASKED_SCATTER.renamed('masked_scatter_');
/** The arguments of `x.masked_scatter(...)` / `x.masked_scatter_(...)`. */
export type MaskedScatterMethodArgs = PyArgs<[mask: Tensor, source: Tensor], {
  /** A bool mask broadcast to `self`. */
  mask?: Tensor;
  /** The values written. */
  source?: Tensor;
}>;

function masked_scatter_parsed({ input: x, mask, source }: MaskedScatterParsed): Tensor {
  if (mask._dtype !== 'bool') throw new Error(`masked_scatter_only supports boolean masks, but got mask with dtype ${mask.dtype.toString().replace('torch.', '')}`);
  if (source._dtype !== x._dtype) throw new Error(`masked_scatter: expected self and source to have same dtypes but got ${x.dtype.toString().replace('torch.', '')} and ${source.dtype.toString().replace('torch.', '')}`);
  if (!shapes_equal(broadcast_shapes(mask._shape, x._shape), x._shape)) {
    throw new Error(`The size of tensor a (${mask._shape[mask.ndim - 1]}) must match the size of tensor b (${x._shape[x.ndim - 1]}) at non-singleton dimension ${x.ndim - 1}`);
  }
  const m = no_grad(() => expand(mask, x._shape).contiguous());
  const md = m._storage.data;
  const picked: number[] = [];
  for (let i = 0; i < md.length; i++) if (md[i]) picked.push(i);
  if (picked.length > source.numel()) throw new Error('Number of elements of source < number of ones in mask');
  const pos = empty([picked.length], 'int64');
  pos._storage.data.set(picked);
  const used = no_grad(() => reshape(source.detach(), [-1]).narrow(0, 0, picked.length));
  const n = source.numel();
  return write_at('MaskedScatterBackward0', x, pos, source, used, false, (g) => [
    masked_fill(g, m, 0),
    // the first ones-in-mask source elements get the gradient at those positions, the rest none
    reshape(cat([masked_select(g, m), no_grad(() => zeros([n - picked.length], { dtype: g._dtype }))], 0), source._shape),
  ]);
}
/**
 * A copy of `input` with `source`'s elements, in order, written where the bool `mask` (broadcast to input) is
 * true (MaskedScatterBackward0).
 *
 * @example
 * torch.masked_scatter(torch.zeros([3]), torch.tensor([true, false, true]), torch.tensor([1, 2, 3])); // [1, 0, 2]
 */
export function masked_scatter(...args: PyArgs<[input: Tensor, mask: Tensor, source: Tensor], { input?: Tensor; mask?: Tensor; source?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::masked_scatter', masked_scatter, args, MASKED_SCATTER);
  return masked_scatter_parsed(MASKED_SCATTER.parse(args));
}
/**
 * In-place {@link masked_scatter} (MaskedScatterBackward0 on `self`).
 *
 * @returns `self`
 * @example
 * x.masked_scatter_(x.lt(0), replacements);
 */
export function masked_scatter_<T extends Tensor>(self: T, ...args: MaskedScatterMethodArgs): T {
  if (tracing) return trace_op('aten::masked_scatter_', masked_scatter_, [self, ...args]) as T;
  const a = MASKED_SCATTER_.parse([self, ...args], { method: true });
  return apply_inplace(self, [a.source], false, (alias) => masked_scatter_parsed({ ...a, input: alias }));
}
