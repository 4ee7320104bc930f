// Embedding and EmbeddingBag: lookup tables with PyTorch's N(0, 1) init, zeroed padding row and repr.
import { functional_embedding as embedding, functional_embedding_bag as embedding_bag, embedding_padding_idx, empty, no_grad, signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { normal_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { py_float } from '../python_repr.js';

type FloatDType = 'float32' | 'float64';

/** The weight: `_weight` when given (shape checked), else N(0, 1) with the padding row zeroed. */
function table(num_embeddings: number, embedding_dim: number, weight: Tensor | null, dtype: FloatDType | null, padding_idx: number | null): Parameter {
  if (weight !== null) {
    if (weight.ndim !== 2 || weight._shape[0] !== num_embeddings || weight._shape[1] !== embedding_dim) {
      throw new Error('Shape of weight does not match num_embeddings and embedding_dim');
    }
    return new Parameter(weight);
  }
  const p = new Parameter(empty([num_embeddings, embedding_dim], { dtype: dtype ?? undefined }));
  reset_table(p, padding_idx);
  return p;
}

function reset_table(weight: Tensor, padding_idx: number | null): void {
  normal_(weight);
  if (padding_idx !== null) no_grad(() => weight.select(0, padding_idx).fill_(0));
}

function check_pretrained(embeddings: Tensor): void {
  if (embeddings.ndim !== 2) throw new Error('Embeddings parameter is expected to be 2-dimensional');
}

/** The options of `nn.Embedding` after `num_embeddings, embedding_dim`. */
export interface EmbeddingOptions {
  /** Index whose vector is not updated by training (initialised to zeros), e.g. a padding token; negative counts from the end. Default null. */
  padding_idx?: number | null;
  /** If set, each looked-up vector with a larger norm is renormalised in place to this norm. Default null. */
  max_norm?: number | null;
  /** The p of the norm `max_norm` uses. Default 2. */
  norm_type?: number;
  /** Whether gradients are scaled by the inverse frequency of each index in the mini-batch. Default false. */
  scale_grad_by_freq?: boolean;
  /** Accepted for PyTorch compatibility; the gradient is always dense here. Default false. */
  sparse?: boolean;
  /** Initial table `[num_embeddings, embedding_dim]` instead of N(0, 1) (PyTorch's private `_weight`). */
  _weight?: Tensor | null;
  /** Whether that table is frozen (`requires_grad` false), as `from_pretrained` does. */
  _freeze?: boolean;
  /** Dtype of the table; default the global default dtype. */
  dtype?: FloatDType | null;
}

const EMBEDDING = signature<{
  num_embeddings: number; embedding_dim: number; padding_idx: number | null; max_norm: number | null; norm_type: number;
  scale_grad_by_freq: boolean; sparse: boolean; _weight: Tensor | null; _freeze: boolean; dtype: FloatDType | null;
}>('Embedding(int num_embeddings, int embedding_dim, int? padding_idx=None, float? max_norm=None, float norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False, Tensor? _weight=None, bool _freeze=False, Any device=None, ScalarType? dtype=None)', { native: { num_embeddings: 'size', embedding_dim: 'size' } });

/**
 * A lookup table of `num_embeddings` vectors of size `embedding_dim`, read by int64 indices of any shape.
 *
 * @example
 * const emb = new nn.Embedding(10, 3, { padding_idx: 0 });
 * emb.call(torch.tensor([[1, 2, 0]], { dtype: 'int64' })).shape; // [1, 3, 3]
 */
export class Embedding extends Module {
  static override readonly __name__ = 'Embedding';
  /** Size of the table (number of rows). */
  readonly num_embeddings: number;
  /** Size of each vector. */
  readonly embedding_dim: number;
  /** Index whose vector is not trained, or null (stored non-negative). */
  readonly padding_idx: number | null;
  /** Renormalisation bound of looked-up vectors, or null. */
  readonly max_norm: number | null;
  /** p of the `max_norm` norm. */
  readonly norm_type: number;
  /** Whether gradients are scaled by inverse index frequency. */
  readonly scale_grad_by_freq: boolean;
  /** Accepted for PyTorch compatibility (dense gradients). */
  readonly sparse: boolean;
  /** The table `[num_embeddings, embedding_dim]`, initialised N(0, 1) (the `padding_idx` row zero). */
  declare weight: Parameter;

  constructor(...args: PyArgs<[num_embeddings: number, embedding_dim: number, padding_idx: number | null, max_norm: number | null, norm_type: number, scale_grad_by_freq: boolean, sparse: boolean], EmbeddingOptions & { num_embeddings?: number; embedding_dim?: number }>) {
    super();
    const a = EMBEDDING.parse(args);
    this.num_embeddings = a.num_embeddings;
    this.embedding_dim = a.embedding_dim;
    this.padding_idx = embedding_padding_idx(a.padding_idx, a.num_embeddings);
    this.max_norm = a.max_norm;
    this.norm_type = a.norm_type;
    this.scale_grad_by_freq = a.scale_grad_by_freq;
    if (a.sparse) throw new Error('tsgrad: sparse embedding gradients are not supported (sparse=False only)');
    this.sparse = a.sparse;
    this.weight = table(a.num_embeddings, a.embedding_dim, a._weight, a.dtype, this.padding_idx);
    if (a._freeze) this.weight.requires_grad_(false);
  }

  /**
   * An Embedding holding `embeddings` (shared, not copied), frozen unless `freeze: false`.
   *
   * @example
   * nn.Embedding.from_pretrained(torch.tensor([[1, 2.3, 3], [4, 5.1, 6.3]]));
   */
  static from_pretrained(embeddings: Tensor, options: { freeze?: boolean; padding_idx?: number | null; max_norm?: number | null; norm_type?: number; scale_grad_by_freq?: boolean; sparse?: boolean } = {}): Embedding {
    check_pretrained(embeddings);
    const { freeze, ...rest } = options;
    return new Embedding(embeddings._shape[0]!, embeddings._shape[1]!, { ...rest, _weight: embeddings, _freeze: freeze ?? true });
  }

  /** Re-draws the table from N(0, 1), zeroing the `padding_idx` row. */
  reset_parameters(): void {
    reset_table(this.weight, this.padding_idx);
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, {
      padding_idx: this.padding_idx, max_norm: this.max_norm, norm_type: this.norm_type, scale_grad_by_freq: this.scale_grad_by_freq,
    });
  }

  override extra_repr(): string {
    let s = `${this.num_embeddings}, ${this.embedding_dim}`;
    if (this.padding_idx !== null) s += `, padding_idx=${this.padding_idx}`;
    if (this.max_norm !== null) s += `, max_norm=${py_float(this.max_norm)}`;
    if (this.norm_type !== 2) s += `, norm_type=${py_float(this.norm_type)}`;
    if (this.scale_grad_by_freq) s += ', scale_grad_by_freq=True';
    return s;
  }
}

type BagMode = 'sum' | 'mean' | 'max';

/** The options of `nn.EmbeddingBag` after `num_embeddings, embedding_dim`. */
export interface EmbeddingBagOptions {
  /** If set, each looked-up vector with a larger norm is renormalised in place to this norm. Default null. */
  max_norm?: number | null;
  /** The p of the norm `max_norm` uses. Default 2. */
  norm_type?: number;
  /** Whether gradients are scaled by the inverse frequency of each index in the mini-batch. Default false. */
  scale_grad_by_freq?: boolean;
  /** How each bag is reduced: 'sum', 'mean' (default) or 'max'. */
  mode?: BagMode;
  /** Accepted for PyTorch compatibility; the gradient is always dense here. Default false. */
  sparse?: boolean;
  /** Initial table `[num_embeddings, embedding_dim]` instead of N(0, 1) (PyTorch's private `_weight`). */
  _weight?: Tensor | null;
  /** Whether `offsets` has one extra last element, the end of the last bag (the CSR layout). Default false. */
  include_last_offset?: boolean;
  /** Index that contributes nothing to its bag (and whose vector is not trained). Default null. */
  padding_idx?: number | null;
  /** Dtype of the table; default the global default dtype. */
  dtype?: FloatDType | null;
}

const EMBEDDING_BAG = signature<{
  num_embeddings: number; embedding_dim: number; max_norm: number | null; norm_type: number; scale_grad_by_freq: boolean; mode: string;
  sparse: boolean; _weight: Tensor | null; include_last_offset: boolean; padding_idx: number | null; dtype: FloatDType | null;
}>("EmbeddingBag(int num_embeddings, int embedding_dim, float? max_norm=None, float norm_type=2.0, bool scale_grad_by_freq=False, str mode='mean', bool sparse=False, Tensor? _weight=None, bool include_last_offset=False, int? padding_idx=None, Any device=None, ScalarType? dtype=None)", { native: { num_embeddings: 'size', embedding_dim: 'size' } });

const BAG_FORWARD = signature<{ input: Tensor; offsets: Tensor | null; per_sample_weights: Tensor | null }>(
  'forward(Tensor input, Tensor? offsets=None, Tensor? per_sample_weights=None)',
);

/**
 * Sums, averages or maxes the embeddings of each bag of indices without materialising them one by one:
 * bags are the rows of a 2-D input, or `offsets` into a 1-D one.
 *
 * @example
 * const bag = new nn.EmbeddingBag(10, 3, { mode: 'sum' });
 * bag.call(ids, offsets);
 */
export class EmbeddingBag extends Module {
  static override readonly __name__ = 'EmbeddingBag';
  /** Size of the table (number of rows). */
  readonly num_embeddings: number;
  /** Size of each vector. */
  readonly embedding_dim: number;
  /** Renormalisation bound of looked-up vectors, or null. */
  readonly max_norm: number | null;
  /** p of the `max_norm` norm. */
  readonly norm_type: number;
  /** Whether gradients are scaled by inverse index frequency. */
  readonly scale_grad_by_freq: boolean;
  /** How bags are reduced: 'sum', 'mean' or 'max'. */
  readonly mode: BagMode;
  /** Accepted for PyTorch compatibility (dense gradients). */
  readonly sparse: boolean;
  /** Whether `offsets` ends with the end of the last bag. */
  readonly include_last_offset: boolean;
  /** Index left out of its bag, or null. */
  readonly padding_idx: number | null;
  /** The table `[num_embeddings, embedding_dim]`, initialised N(0, 1). */
  declare weight: Parameter;

  constructor(...args: PyArgs<[num_embeddings: number, embedding_dim: number, max_norm: number | null, norm_type: number, scale_grad_by_freq: boolean, mode: BagMode], EmbeddingBagOptions & { num_embeddings?: number; embedding_dim?: number }>) {
    super();
    const a = EMBEDDING_BAG.parse(args);
    this.num_embeddings = a.num_embeddings;
    this.embedding_dim = a.embedding_dim;
    this.max_norm = a.max_norm;
    this.norm_type = a.norm_type;
    this.scale_grad_by_freq = a.scale_grad_by_freq;
    this.padding_idx = embedding_padding_idx(a.padding_idx, a.num_embeddings, 'padding_idx');
    // as in PyTorch, an unknown mode is kept and refused by the forward (F.embedding_bag's words)
    this.mode = a.mode as BagMode;
    if (a.sparse) throw new Error('tsgrad: sparse embedding gradients are not supported (sparse=False only)');
    this.sparse = a.sparse;
    this.include_last_offset = a.include_last_offset;
    this.weight = table(a.num_embeddings, a.embedding_dim, a._weight, a.dtype, this.padding_idx);
  }

  /** An EmbeddingBag holding `embeddings`, frozen unless `freeze: false`. */
  static from_pretrained(embeddings: Tensor, options: { freeze?: boolean; max_norm?: number | null; norm_type?: number; scale_grad_by_freq?: boolean; mode?: BagMode; sparse?: boolean; include_last_offset?: boolean; padding_idx?: number | null } = {}): EmbeddingBag {
    check_pretrained(embeddings);
    const { freeze, ...rest } = options;
    const bag = new EmbeddingBag(embeddings._shape[0]!, embeddings._shape[1]!, { ...rest, _weight: embeddings });
    bag.weight.requires_grad_(!(freeze ?? true));
    return bag;
  }

  /** Re-draws the table from N(0, 1), zeroing the `padding_idx` row. */
  reset_parameters(): void {
    reset_table(this.weight, this.padding_idx);
  }

  override forward(...args: PyArgs<[input: Tensor, offsets: Tensor | null, per_sample_weights: Tensor | null], { input?: Tensor; offsets?: Tensor | null; per_sample_weights?: Tensor | null }>): Tensor {
    const { input, offsets, per_sample_weights } = BAG_FORWARD.parse(args);
    return embedding_bag(input, this.weight, offsets, {
      max_norm: this.max_norm, norm_type: this.norm_type, scale_grad_by_freq: this.scale_grad_by_freq, mode: this.mode,
      per_sample_weights, include_last_offset: this.include_last_offset, padding_idx: this.padding_idx,
    });
  }

  override extra_repr(): string {
    let s = `${this.num_embeddings}, ${this.embedding_dim}`;
    if (this.max_norm !== null) s += `, max_norm=${py_float(this.max_norm)}`;
    if (this.norm_type !== 2) s += `, norm_type=${py_float(this.norm_type)}`;
    if (this.scale_grad_by_freq) s += ', scale_grad_by_freq=True';
    s += `, mode=${this.mode}`;
    if (this.padding_idx !== null) s += `, padding_idx=${this.padding_idx}`;
    return s;
  }
}
