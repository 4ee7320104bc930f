// Embedding lookups: embedding (EmbeddingBackward0), its dense gradient (differentiable again), the in-place
// max-norm renormalisation, and embedding_bag's sum / mean / max bags (EmbeddingBagBackward0).
import { trace_op, tracing } from '../jit/tracer.js';
import { no_grad } from '../autograd/grad_mode.js';
import { legacy_type_name } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { signature, type PyArgs } from '../signature.js';
import { mul } from './arithmetic.js';
import { sum } from './reduce.js';
import { empty, record } from './record.js';
import { contiguous, reshape } from './view.js';

function check_indices(indices: Tensor, what: string): void {
  if (indices._dtype !== 'int64') {
    throw new Error(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${legacy_type_name(indices._dtype)} instead (while checking arguments for ${what})`);
  }
}

function index_list(indices: Tensor, rows: number): Float64Array | Float32Array | Uint8Array {
  const idx = indices._contiguous_data();
  for (let i = 0; i < idx.length; i++) if (idx[i]! < 0 || idx[i]! >= rows) throw new Error('index out of range in self');
  return idx;
}

/** Rows `weight[indices]` as `[...indices.shape, D]`, no recording. */
function gather_rows(weight: Tensor, indices: Tensor): Tensor {
  const [V, D] = weight._shape as [number, number];
  const idx = index_list(indices, V);
  const w = contiguous(weight.detach())._storage.data;
  const out = empty([...indices._shape, D], weight._dtype);
  const o = out._storage.data;
  for (let i = 0; i < idx.length; i++) o.set(w.subarray(idx[i]! * D, idx[i]! * D + D), i * D);
  return out;
}

/**
 * The gradient of `embedding` for the whole weight: rows of `grad` summed into the rows they were read from,
 * none into `padding_idx`, each divided by its index's count with `scale_grad_by_freq`. Its own gradient with
 * respect to `grad` is a lookup again (EmbeddingDenseBackward0), so the gradient is differentiable twice.
 *
 * @hidden
 */
export function embedding_dense_backward(grad: Tensor, indices: Tensor, num_weights: number, padding_idx: number, scale_grad_by_freq: boolean): Tensor {
  const D = grad._shape[grad.ndim - 1]!;
  const idx = indices._contiguous_data();
  const g = grad._contiguous_data();
  const out = empty([num_weights, D], grad._dtype);
  const o = out._storage.data;
  let counts: Float64Array | null = null;
  if (scale_grad_by_freq) {
    counts = new Float64Array(num_weights);
    for (let i = 0; i < idx.length; i++) counts[idx[i]!]!++;
  }
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    if (r === padding_idx) continue;
    const s = counts === null ? 1 : 1 / counts[r]!;
    for (let j = 0; j < D; j++) o[r * D + j] += g[i * D + j]! * s;
  }
  record('EmbeddingDenseBackward0', [grad], [out], (ctx, [gg]) => {
    const rows = gather_rows(gg!, ctx.saved_tensors[0]!);
    if (padding_idx < 0 && counts === null) return [rows];
    // the lookup's gradient carries the same padding and frequency weights
    const scale = empty([...indices._shape, 1], gg!._dtype);
    for (let i = 0; i < idx.length; i++) scale._storage.data[i] = idx[i] === padding_idx ? 0 : counts === null ? 1 : 1 / counts[idx[i]!]!;
    return [mul(rows, scale)];
  }, [indices]);
  return out;
}

const EMBEDDING = signature<{ weight: Tensor; indices: Tensor; padding_idx: number; scale_grad_by_freq: boolean; sparse: boolean }>(
  'embedding(Tensor weight, Tensor indices, int padding_idx=-1, bool scale_grad_by_freq=False, bool sparse=False)',
);
const F_EMBEDDING = signature<{ input: Tensor; weight: Tensor; padding_idx: number | null; max_norm: number | null; norm_type: number; scale_grad_by_freq: boolean; sparse: boolean }>(
  'embedding(Tensor input, Tensor weight, int? padding_idx=None, float? max_norm=None, float norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False)',
  { native: { input: 'indices' } }, // the native embedding(weight, indices, ...) names it
);

/**
 * `padding_idx` checked against `num_embeddings` and made non-negative (null stays null); `word` is how the
 * message spells it (nn.EmbeddingBag's assertion says 'padding_idx', the others 'Padding_idx').
 *
 * @example
 * torch.embedding_padding_idx(-1, 10); // 9
 */
export function embedding_padding_idx(padding_idx: number | null, num_embeddings: number, word = 'Padding_idx'): number | null {
  if (padding_idx === null) return null;
  if (padding_idx >= num_embeddings || padding_idx < -num_embeddings) throw new Error(`${word} must be within num_embeddings`);
  return padding_idx < 0 ? padding_idx + num_embeddings : padding_idx;
}

const EMBEDDING_RENORM_ = signature<{ input: Tensor; indices: Tensor; max_norm: number; norm_type: number }>('embedding_renorm_(Tensor input, Tensor indices, float max_norm, float norm_type)');
/**
 * Rescales, in place, each row of `weight` that `indices` reads whose `norm_type`-norm exceeds `max_norm` to
 * norm `max_norm` (PyTorch's `embedding_renorm_`; not recorded).
 *
 * @example
 * torch.embedding_renorm_(emb.weight, ids, 1.0, 2);
 */
export function embedding_renorm_(...args: PyArgs<[input: Tensor, indices: Tensor, max_norm: number, norm_type: number], { input?: Tensor; indices?: Tensor; max_norm?: number; norm_type?: number }>): Tensor {
  if (tracing) return trace_op('aten::embedding_renorm_', embedding_renorm_, args, EMBEDDING_RENORM_);
  const { input: weight, indices, max_norm, norm_type } = EMBEDDING_RENORM_.parse(args);
  check_indices(indices, 'embedding_renorm_');
  const idx = index_list(indices, weight._shape[0]!);
  no_grad(() => {
    for (const r of [...new Set(idx)].sort((a, b) => a - b)) {
      const row = weight.select(0, r);
      const norm = row.abs().pow(norm_type).sum().item() ** (1 / norm_type);
      if (norm > max_norm) row.mul_(max_norm / (norm + 1e-7));
    }
  });
  return weight;
}

/**
 * PyTorch's native `torch.embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False)`:
 * the rows of `weight` (`[num_embeddings, D]`) for int64 `indices` of any shape (EmbeddingBackward0). A
 * non-negative `padding_idx` row gets no gradient. `F.embedding(input, weight, ...)` is the usual spelling (it
 * checks `padding_idx` and applies `max_norm` first).
 *
 * @example
 * torch.embedding(weight, ids); torch.embedding(weight, ids, 0);
 */
export function embedding(
  ...args: PyArgs<[weight: Tensor, indices: Tensor, padding_idx: number, scale_grad_by_freq: boolean, sparse: boolean],
    { weight?: Tensor; indices?: Tensor; padding_idx?: number; scale_grad_by_freq?: boolean; sparse?: boolean }>
): Tensor {
  if (tracing) return trace_op('aten::embedding', embedding, args, EMBEDDING);
  const { weight, indices, padding_idx, scale_grad_by_freq, sparse } = EMBEDDING.parse(args);
  if (sparse) throw new Error('tsgrad: sparse embedding gradients are not supported (sparse=False only)');
  if (weight.ndim !== 2) throw new Error("'weight' must be 2-D");
  check_indices(indices, 'embedding');
  const out = gather_rows(weight, indices);
  const V = weight._shape[0]!;
  const pad = padding_idx < 0 ? -1 : padding_idx;
  record('EmbeddingBackward0', [weight], [out], (ctx, [g]) => [embedding_dense_backward(g!, ctx.saved_tensors[0]!, V, pad, scale_grad_by_freq)], [indices]);
  return out;
}

/**
 * `F.embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
 * sparse=False)` (re-exported by @tsgrad/nn as `F.embedding`): checks `padding_idx` (negative counts from the
 * end), renormalises the rows read to `max_norm` in place when given (unrecorded, as PyTorch's no_grad block),
 * then looks the rows up with {@link embedding} (EmbeddingBackward0).
 *
 * @example
 * F.embedding(ids, weight); F.embedding(ids, weight, { padding_idx: 0, max_norm: 1 });
 */
export function functional_embedding(
  ...args: PyArgs<[input: Tensor, weight: Tensor, padding_idx: number | null, max_norm: number | null, norm_type: number, scale_grad_by_freq: boolean, sparse: boolean],
    { input?: Tensor; weight?: Tensor; padding_idx?: number | null; max_norm?: number | null; norm_type?: number; scale_grad_by_freq?: boolean; sparse?: boolean }>
): Tensor {
  const { input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse } = F_EMBEDDING.parse(args);
  if (weight.ndim !== 2) throw new Error("'weight' must be 2-D");
  const pad = embedding_padding_idx(padding_idx, weight._shape[0]!) ?? -1;
  if (max_norm !== null) no_grad(() => embedding_renorm_(weight, input, max_norm, norm_type));
  return embedding(weight, input, pad, scale_grad_by_freq, sparse);
}

type BagMode = 'sum' | 'mean' | 'max';
const MODES: readonly BagMode[] = ['sum', 'mean', 'max'];

const F_EMBEDDING_BAG = signature<{
  input: Tensor; weight: Tensor; offsets: Tensor | null; max_norm: number | null; norm_type: number; scale_grad_by_freq: boolean;
  mode: string; sparse: boolean; per_sample_weights: Tensor | null; include_last_offset: boolean; padding_idx: number | null;
}>(
  "embedding_bag(Tensor input, Tensor weight, Tensor? offsets=None, float? max_norm=None, float norm_type=2, bool scale_grad_by_freq=False, str mode='mean', bool sparse=False, Tensor? per_sample_weights=None, bool include_last_offset=False, int? padding_idx=None)",
);
const EMBEDDING_BAG = signature<{
  weight: Tensor; indices: Tensor; offsets: Tensor; scale_grad_by_freq: boolean; mode: number; sparse: boolean;
  per_sample_weights: Tensor | null; include_last_offset: boolean; padding_idx: number | null;
}>(
  'embedding_bag(Tensor weight, Tensor indices, Tensor offsets, bool scale_grad_by_freq=False, int mode=0, bool sparse=False, Tensor? per_sample_weights=None, bool include_last_offset=False, int? padding_idx=None)',
);

/** The bags' `[start, end)` ranges into 1-d indices, from their offsets (PyTorch's checks and words). */
function bag_ranges(n: number, offsets: Tensor, include_last_offset: boolean): { starts: number[]; ends: number[] } {
  if (offsets.ndim !== 1) throw new Error(`offsets has to be a 1D Tensor, but got Tensor of dimension ${offsets.ndim}`);
  const o = Array.from(offsets._contiguous_data());
  if (o.length > 0 && o[0] !== 0) throw new Error(`offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${o[0]}`);
  if (o.length > 0 && o[o.length - 1]! > n) throw new Error(`offsets[-1] can not be greater than input's length ${n}, but got ${o[o.length - 1]}`);
  const B = include_last_offset ? Math.max(o.length - 1, 0) : o.length;
  const starts = o.slice(0, B);
  return { starts, ends: starts.map((_, i) => (i + 1 < o.length ? o[i + 1]! : n)) };
}

/**
 * PyTorch's native `torch.embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False,
 * per_sample_weights=None, include_last_offset=False, padding_idx=None)`: sums (mode 0), averages (1) or takes the
 * max (2) of the embeddings of each bag of the 1-d `indices` (bags start at `offsets`), as the array `[output,
 * offset2bag, bag_size, max_indices]` (EmbeddingBagBackward0 on `output`, edges weight and per_sample_weights).
 * `padding_idx` entries are left out (and not counted); an empty bag gives zeros. The other three are what
 * PyTorch's CPU kernel returns: each position's bag (empty in sum mode without autograd), each bag's count (zeros in sum mode) and,
 * in max mode, the weight row that gave each maximum (else the counts again). `F.embedding_bag` is the usual
 * spelling.
 *
 * @example
 * const [out] = torch.embedding_bag(weight, ids, offsets, false, 1);
 */
export function embedding_bag(
  ...args: PyArgs<[weight: Tensor, indices: Tensor, offsets: Tensor, scale_grad_by_freq: boolean, mode: number, sparse: boolean, per_sample_weights: Tensor | null, include_last_offset: boolean, padding_idx: number | null],
    { weight?: Tensor; indices?: Tensor; offsets?: Tensor; scale_grad_by_freq?: boolean; mode?: number; sparse?: boolean; per_sample_weights?: Tensor | null; include_last_offset?: boolean; padding_idx?: number | null }>
): [Tensor, Tensor, Tensor, Tensor] {
  if (tracing) return trace_op('aten::embedding_bag', embedding_bag, args, EMBEDDING_BAG) as unknown as [Tensor, Tensor, Tensor, Tensor];
  const a = EMBEDDING_BAG.parse(args);
  const { weight, indices: flat, per_sample_weights: psw } = a;
  const mode = MODES[a.mode];
  if (mode === undefined) throw new Error(`mode has to be one of sum, mean or max`);
  if (a.sparse) throw new Error('tsgrad: sparse embedding gradients are not supported (sparse=False only)');
  if (flat.ndim !== 1) throw new Error(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${flat.ndim}`);
  check_indices(flat, 'embedding_bag');
  const { starts, ends } = bag_ranges(flat._shape[0]!, a.offsets, a.include_last_offset);
  const [V, D] = weight._shape as [number, number];
  const pad = a.padding_idx === null || a.padding_idx < 0 ? -1 : a.padding_idx;
  const idx = index_list(flat, V);
  const w = contiguous(weight.detach())._storage.data;
  const ps = psw === null ? null : psw._contiguous_data();
  const B = starts.length;
  const out = empty([B, D], weight._dtype);
  const o = out._storage.data;
  o.fill(0);
  const arg = mode === 'max' ? new Float64Array(B * D).fill(-1) : null;
  const count = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    for (let i = starts[b]!; i < ends[b]!; i++) {
      const r = idx[i]!;
      if (r === pad) continue;
      count[b]!++;
      for (let j = 0; j < D; j++) {
        const v = w[r * D + j]! * (ps === null ? 1 : ps[i]!);
        if (arg === null) o[b * D + j] += v;
        else if (arg[b * D + j] === -1 || v > o[b * D + j]!) {
          o[b * D + j] = v;
          arg[b * D + j] = i;
        }
      }
    }
    if (mode === 'mean' && count[b]! > 0) for (let j = 0; j < D; j++) o[b * D + j] /= count[b]!;
  }
  // the backward in differentiable ops: each position's upstream row (a lookup of g by its bag), scaled by
  // 1/count in mean mode, kept only where it attained the max in max mode, then summed into the weight's rows
  const n = idx.length;
  const bag_of = empty([n], 'int64');
  const scale = empty([n, 1], weight._dtype);
  const chosen = arg === null ? null : empty([n, D], weight._dtype);
  chosen?._storage.data.fill(0);
  for (let b = 0; b < B; b++) {
    for (let i = starts[b]!; i < ends[b]!; i++) {
      bag_of._storage.data[i] = b;
      scale._storage.data[i] = idx[i] === pad ? 0 : mode === 'mean' ? 1 / count[b]! : 1;
    }
    if (chosen !== null) for (let j = 0; j < D; j++) if (arg![b * D + j]! >= 0) chosen._storage.data[arg![b * D + j]! * D + j] = 1;
  }
  const sgf = a.scale_grad_by_freq;
  record('EmbeddingBagBackward0', [weight, psw], [out], (ctx, [g]) => {
    const [w_saved, p_saved] = ctx.saved_tensors;
    let per_position = mul(embedding(g!, bag_of), scale);
    if (chosen !== null) per_position = mul(per_position, chosen);
    const weighted = p_saved == null ? per_position : mul(per_position, reshape(p_saved, [n, 1]));
    return [
      ctx.needs_input_grad(0) ? embedding_dense_backward(weighted, flat, V, pad, sgf) : null,
      ctx.needs_input_grad(1) ? reshape(sum(mul(per_position, embedding(w_saved!, flat)), 1), psw!._shape) : null,
    ];
  }, psw === null ? [weight] : [weight, psw]);
  // PyTorch's CPU kernel's other outputs
  // (its sum mode leaves offset2bag empty unless a gradient will need it)
  const offset2bag = mode === 'sum' && out.grad_fn === null ? empty([0], 'int64') : bag_of;
  const bag_size = empty([B], 'int64');
  bag_size._storage.data.set(mode === 'sum' ? new Float64Array(B) : count);
  let max_indices: Tensor;
  if (arg !== null) {
    max_indices = empty([B, D], 'int64');
    max_indices._storage.data.set(Array.from(arg, (i) => (i < 0 ? 0 : idx[i]!)));
  } else {
    max_indices = empty([B], 'int64');
    max_indices._storage.data.set(bag_size._storage.data);
  }
  return [out, offset2bag, bag_size, max_indices];
}

/**
 * `F.embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
 * mode='mean', sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None)` (re-exported
 * by @tsgrad/nn as `F.embedding_bag`): sums, averages or takes the max of the embeddings of each bag, the rows of
 * a 2-D `input` or `offsets` into a 1-D one, through {@link embedding_bag} (EmbeddingBagBackward0).
 *
 * @example
 * F.embedding_bag(ids, weight, offsets, { mode: 'sum' });
 */
export function functional_embedding_bag(
  ...args: PyArgs<[input: Tensor, weight: Tensor, offsets: Tensor | null, max_norm: number | null, norm_type: number, scale_grad_by_freq: boolean, mode: BagMode, sparse: boolean, per_sample_weights: Tensor | null, include_last_offset: boolean, padding_idx: number | null],
    { input?: Tensor; weight?: Tensor; offsets?: Tensor | null; max_norm?: number | null; norm_type?: number; scale_grad_by_freq?: boolean; mode?: BagMode; sparse?: boolean; per_sample_weights?: Tensor | null; include_last_offset?: boolean; padding_idx?: number | null }>
): Tensor {
  const a = F_EMBEDDING_BAG.parse(args);
  const { weight, per_sample_weights: psw, input } = a;
  const mode = a.mode as BagMode;
  // in F.embedding_bag's order: the weights' shape, the input's rank and offsets, the mode, then what the mode allows
  if (psw !== null && (psw._shape.length !== input.ndim || psw._shape.some((s, i) => s !== input._shape[i]))) {
    throw new Error(`embedding_bag: If per_sample_weights (torch.Size([${psw._shape.join(', ')}])) is not None, then it must have the same shape as the input (torch.Size([${input._shape.join(', ')}]))`);
  }
  let flat = input;
  let offsets = a.offsets;
  if (input.ndim === 2) {
    if (offsets !== null) throw new Error('if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class \'torch.Tensor\'>');
    const [B, L] = input._shape as [number, number];
    offsets = empty([B], 'int64');
    offsets._storage.data.set(Array.from({ length: B }, (_, i) => i * L));
    flat = reshape(input, [B * L]);
  } else if (input.ndim === 1) {
    if (offsets === null) throw new Error('offsets has to be a 1D Tensor but got None');
    if (offsets.ndim !== 1) throw new Error(`offsets has to be a 1D Tensor, but got Tensor of dimension ${offsets.ndim}`);
  } else {
    throw new Error(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.ndim}`);
  }
  if (!MODES.includes(mode)) throw new Error(`mode has to be one of sum, mean or max`);
  if (a.max_norm !== null) {
    const max_norm = a.max_norm;
    no_grad(() => embedding_renorm_(weight, flat, max_norm, a.norm_type));
  }
  if (a.scale_grad_by_freq && mode === 'max') throw new Error(`max mode does not support scaling the gradient by the frequency`);
  if (psw !== null && mode !== 'sum') {
    throw new Error(`embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`);
  }
  const pad = embedding_padding_idx(a.padding_idx, weight._shape[0]!, 'padding_idx');
  return embedding_bag(weight, flat, offsets, a.scale_grad_by_freq, MODES.indexOf(mode), a.sparse, psw === null ? null : reshape(psw, [-1]), a.include_last_offset, pad)[0];
}
