// Multi-head attention: F.multi_head_attention_forward, as PyTorch 2.x computes it (batched GEMMs, masks made
// additive, the weights path or scaled_dot_product_attention), and nn.MultiheadAttention around it.
import {
  baddbmm, bmm, cat, dropout, empty, linear, scaled_dot_product_attention, signature, softmax, zeros, warn,
  type PyArgs, type Tensor,
} from '@tsgrad/core';
import { constant_, xavier_normal_, xavier_uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { Linear } from './linear.js';

const size = (s: readonly number[]): string => `torch.Size([${s.join(', ')}])`;
const tuple = (s: readonly number[]): string => `(${s.join(', ')})`;
const same_shape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * A bool mask made additive (0 where False, -inf where True); float masks pass unchanged; other dtypes raise
 * (PyTorch's `_canonical_mask`).
 */
export function canonical_mask(mask: Tensor | null, mask_name: string, other: Tensor | null, other_name: string, target: Tensor, check_other = true): Tensor | null {
  if (mask === null) return null;
  if (mask._dtype !== 'bool' && !mask.is_floating_point()) throw new Error(`only bool and floating types of ${mask_name} are supported`);
  if (check_other && other !== null && other._dtype !== mask._dtype) {
    warn(`Support for mismatched ${mask_name} and ${other_name} is deprecated. Use same type for both instead.`);
  }
  if (mask._dtype !== 'bool') return mask;
  return zeros(mask._shape, { dtype: target._dtype }).masked_fill(mask, -Infinity);
}

/** Appends one zero column to the last dim of a float mask (PyTorch's `pad(mask, (0, 1))`). */
function pad_last(mask: Tensor | null): Tensor | null {
  if (mask === null) return null;
  return cat([mask, zeros([...mask._shape.slice(0, -1), 1], { dtype: mask._dtype })], mask.ndim - 1);
}

function check_shapes(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | null, attn_mask: Tensor | null, num_heads: number): boolean {
  if (query.ndim === 3) {
    if (key.ndim !== 3 || value.ndim !== 3) throw new Error(`For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    if (key_padding_mask !== null && key_padding_mask.ndim !== 2) throw new Error(`For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${key_padding_mask.ndim}-D tensor instead`);
    if (attn_mask !== null && attn_mask.ndim !== 2 && attn_mask.ndim !== 3) throw new Error(`For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attn_mask.ndim}-D tensor instead`);
    return true;
  }
  if (query.ndim === 2) {
    if (key.ndim !== 2 || value.ndim !== 2) throw new Error(`For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    if (key_padding_mask !== null && key_padding_mask.ndim !== 1) throw new Error(`For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${key_padding_mask.ndim}-D tensor instead`);
    if (attn_mask !== null) {
      if (attn_mask.ndim !== 2 && attn_mask.ndim !== 3) throw new Error(`For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attn_mask.ndim}-D tensor instead`);
      const expected = [num_heads, query._shape[0]!, key._shape[0]!];
      if (attn_mask.ndim === 3 && !same_shape(attn_mask._shape, expected)) throw new Error(`Expected \`attn_mask\` shape to be ${tuple(expected)} but got ${size(attn_mask._shape)}`);
    }
    return false;
  }
  throw new Error(`query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`);
}

interface MhaParsed {
  query: Tensor; key: Tensor; value: Tensor; embed_dim_to_check: number; num_heads: number; in_proj_weight: Tensor | null;
  in_proj_bias: Tensor | null; bias_k: Tensor | null; bias_v: Tensor | null; add_zero_attn: boolean; dropout_p: number;
  out_proj_weight: Tensor; out_proj_bias: Tensor | null; training: boolean; key_padding_mask: Tensor | null; need_weights: boolean;
  attn_mask: Tensor | null; use_separate_proj_weight: boolean; q_proj_weight: Tensor | null; k_proj_weight: Tensor | null;
  v_proj_weight: Tensor | null; static_k: Tensor | null; static_v: Tensor | null; average_attn_weights: boolean; is_causal: boolean;
}

const MHA_FORWARD = signature<MhaParsed>(
  'multi_head_attention_forward(Tensor query, Tensor key, Tensor value, int embed_dim_to_check, int num_heads, Tensor? in_proj_weight, ' +
  'Tensor? in_proj_bias, Tensor? bias_k, Tensor? bias_v, bool add_zero_attn, float dropout_p, Tensor out_proj_weight, Tensor? out_proj_bias, ' +
  'bool training=True, Tensor? key_padding_mask=None, bool need_weights=True, Tensor? attn_mask=None, bool use_separate_proj_weight=False, ' +
  'Tensor? q_proj_weight=None, Tensor? k_proj_weight=None, Tensor? v_proj_weight=None, Tensor? static_k=None, Tensor? static_v=None, ' +
  'bool average_attn_weights=True, bool is_causal=False)',
  // the output projection is PyTorch's F.linear(attn, weight, bias): a wrong kind is reported under linear's names
  { native: { out_proj_weight: 'weight', out_proj_bias: 'bias' } },
);

/** Keyword options of `multi_head_attention_forward` after its thirteen positional parameters. */
export interface MhaOptions {
  /** Whether dropout is applied. Default true. */
  training?: boolean;
  /** `[N, S]`: true (or -inf) marks key positions to ignore. */
  key_padding_mask?: Tensor | null;
  /** Whether the attention weights are returned too. Default true. */
  need_weights?: boolean;
  /** `[L, S]` or `[N·heads, L, S]`: true (or -inf) forbids attending; a float mask is added to the scores. */
  attn_mask?: Tensor | null;
  /** Use `q_proj_weight`, `k_proj_weight`, `v_proj_weight` instead of the packed `in_proj_weight`. */
  use_separate_proj_weight?: boolean;
  /** Query projection, with `use_separate_proj_weight`. */
  q_proj_weight?: Tensor | null;
  /** Key projection, with `use_separate_proj_weight`. */
  k_proj_weight?: Tensor | null;
  /** Value projection, with `use_separate_proj_weight`. */
  v_proj_weight?: Tensor | null;
  /** Precomputed projected keys `[N·heads, S, head_dim]`. */
  static_k?: Tensor | null;
  /** Precomputed projected values `[N·heads, S, head_dim]`. */
  static_v?: Tensor | null;
  /** Whether the returned weights are averaged over the heads. Default true. */
  average_attn_weights?: boolean;
  /** A hint that `attn_mask` is the causal mask. Default false. */
  is_causal?: boolean;
}

/** q, k, v projected by the packed `in_proj_weight` (or the separate weights), sharing the GEMM when inputs coincide. */
function in_projection(a: MhaParsed, E: number): [Tensor, Tensor, Tensor] {
  const { query, key, value, in_proj_bias: b } = a;
  const [b_q, b_k, b_v] = b === null ? [null, null, null] : (b.chunk(3) as [Tensor, Tensor, Tensor]);
  if (a.use_separate_proj_weight) {
    if (a.q_proj_weight === null) throw new Error('use_separate_proj_weight is True but q_proj_weight is None');
    if (a.k_proj_weight === null) throw new Error('use_separate_proj_weight is True but k_proj_weight is None');
    if (a.v_proj_weight === null) throw new Error('use_separate_proj_weight is True but v_proj_weight is None');
    // PyTorch's _in_projection checks each weight against the features of what it projects
    const [Eq, Ek, Ev] = [query._shape.at(-1)!, key._shape.at(-1)!, value._shape.at(-1)!];
    const checks: [string, Tensor, number][] = [['query', a.q_proj_weight, Eq], ['key', a.k_proj_weight, Ek], ['value', a.v_proj_weight, Ev]];
    for (const [what, w, n] of checks) {
      if (w.ndim !== 2 || w._shape[0] !== Eq || w._shape[1] !== n) throw new Error(`expecting ${what} weights shape of (${Eq}, ${n}), but got ${size(w._shape)}`);
    }
    return [linear(query, a.q_proj_weight, b_q), linear(key, a.k_proj_weight, b_k), linear(value, a.v_proj_weight, b_v)];
  }
  const w = a.in_proj_weight;
  if (w === null) throw new Error('use_separate_proj_weight is False but in_proj_weight is None');
  if (key === value && query === key) return linear(query, w, b).chunk(3, -1) as [Tensor, Tensor, Tensor];
  const [w_q, w_k, w_v] = w.chunk(3) as [Tensor, Tensor, Tensor];
  if (key === value) {
    const [w_kv, b_kv] = [w.narrow(0, E, 2 * E), b === null ? null : b.narrow(0, E, 2 * E)];
    const [k, v] = linear(key, w_kv, b_kv).chunk(2, -1) as [Tensor, Tensor];
    return [linear(query, w_q, b_q), k, v];
  }
  return [linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)];
}

/**
 * Multi-head attention over `[L, N, E]` query and `[S, N, E]` key / value (or unbatched `[L, E]`), returning
 * `[attn_output, attn_weights]` (weights null unless `need_weights`; averaged over heads unless
 * `average_attn_weights: false`). Bool masks mark disallowed positions with True, float masks are added.
 *
 * @example
 * const [out, w] = F.multi_head_attention_forward(q, k, v, 8, 2, in_w, in_b, null, null, false, 0, out_w, out_b);
 */
export function multi_head_attention_forward(
  ...args: PyArgs<[query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: number, num_heads: number, in_proj_weight: Tensor | null,
    in_proj_bias: Tensor | null, bias_k: Tensor | null, bias_v: Tensor | null, add_zero_attn: boolean, dropout_p: number,
    out_proj_weight: Tensor, out_proj_bias: Tensor | null], MhaOptions>
): [Tensor, Tensor | null] {
  const a = MHA_FORWARD.parse(args);
  const { num_heads, need_weights } = a;
  let { query, key, value } = a;
  const batched = check_shapes(query, key, value, a.key_padding_mask, a.attn_mask, num_heads);
  let key_padding_mask = canonical_mask(a.key_padding_mask, 'key_padding_mask', a.attn_mask, 'attn_mask', query);
  let is_causal = a.is_causal;
  if (is_causal && a.attn_mask === null) {
    throw new Error('Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.');
  }
  let attn_mask: Tensor | null;
  if (is_causal && key_padding_mask === null && !need_weights) attn_mask = null;
  else {
    attn_mask = canonical_mask(a.attn_mask, 'attn_mask', null, '', query, false);
    if (key_padding_mask !== null) is_causal = false;
  }
  if (!batched) {
    const same_kv = key === value;
    const same_qk = query === key;
    query = query.unsqueeze(1);
    key = same_qk ? query : key.unsqueeze(1);
    value = same_kv ? key : value.unsqueeze(1);
    if (key_padding_mask !== null) key_padding_mask = key_padding_mask.unsqueeze(0);
  }
  const [tgt_len, bsz, embed_dim] = query._shape as [number, number, number];
  if (embed_dim !== a.embed_dim_to_check) throw new Error(`was expecting embedding dimension of ${a.embed_dim_to_check}, but got ${embed_dim}`);
  const head_dim = Math.floor(embed_dim / num_heads);
  if (head_dim * num_heads !== embed_dim) throw new Error(`embed_dim ${embed_dim} not divisible by num_heads ${num_heads}`);
  if (a.use_separate_proj_weight) {
    if (!same_shape(key._shape.slice(0, 2), value._shape.slice(0, 2))) throw new Error(`key's sequence and batch dims ${size(key._shape.slice(0, 2))} do not match value's ${size(value._shape.slice(0, 2))}`);
  } else if (!same_shape(key._shape, value._shape)) throw new Error(`key shape ${size(key._shape)} does not match value shape ${size(value._shape)}`);

  let [q, k, v] = in_projection({ ...a, query, key, value }, embed_dim);
  const src_len0 = key._shape[0]!;
  if (attn_mask !== null) {
    if (attn_mask.ndim === 2) {
      if (!same_shape(attn_mask._shape, [tgt_len, src_len0])) throw new Error(`The shape of the 2D attn_mask is ${size(attn_mask._shape)}, but should be ${tuple([tgt_len, src_len0])}.`);
      attn_mask = attn_mask.unsqueeze(0);
    } else if (attn_mask.ndim === 3) {
      const want = [bsz * num_heads, tgt_len, src_len0];
      if (!same_shape(attn_mask._shape, want)) throw new Error(`The shape of the 3D attn_mask is ${size(attn_mask._shape)}, but should be ${tuple(want)}.`);
    } else throw new Error(`attn_mask's dimension ${attn_mask.ndim} is not supported`);
  }
  if (a.bias_k !== null && a.bias_v !== null) {
    if (a.static_k !== null) throw new Error('bias cannot be added to static key.');
    if (a.static_v !== null) throw new Error('bias cannot be added to static value.');
    k = cat([k, a.bias_k.expand(1, bsz, embed_dim)]);
    v = cat([v, a.bias_v.expand(1, bsz, embed_dim)]);
    attn_mask = pad_last(attn_mask);
    key_padding_mask = pad_last(key_padding_mask);
  } else if (a.bias_k !== null || a.bias_v !== null) throw new Error('bias_k and bias_v must be given together');

  q = q.contiguous().view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1);
  const heads = (t: Tensor, fixed: Tensor | null, name: string): Tensor => {
    if (fixed === null) return t.contiguous().view(t._shape[0]!, bsz * num_heads, head_dim).transpose(0, 1);
    if (fixed._shape[0] !== bsz * num_heads) throw new Error(`expecting ${name}.size(0) of ${bsz * num_heads}, but got ${fixed._shape[0]}`);
    if (fixed._shape[2] !== head_dim) throw new Error(`expecting ${name}.size(2) of ${head_dim}, but got ${fixed._shape[2]}`);
    return fixed;
  };
  k = heads(k, a.static_k, 'static_k');
  v = heads(v, a.static_v, 'static_v');
  if (a.add_zero_attn) {
    k = cat([k, zeros([bsz * num_heads, 1, head_dim], { dtype: k._dtype })], 1);
    v = cat([v, zeros([bsz * num_heads, 1, head_dim], { dtype: v._dtype })], 1);
    attn_mask = pad_last(attn_mask);
    key_padding_mask = pad_last(key_padding_mask);
  }
  const src_len = k._shape[1]!;
  if (key_padding_mask !== null) {
    if (!same_shape(key_padding_mask._shape, [bsz, src_len])) throw new Error(`expecting key_padding_mask shape of ${tuple([bsz, src_len])}, but got ${size(key_padding_mask._shape)}`);
    const kpm = key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1).reshape(bsz * num_heads, 1, src_len);
    attn_mask = attn_mask === null ? kpm : attn_mask.add(kpm);
  }
  const dropout_p = a.training ? a.dropout_p : 0;

  if (need_weights) {
    const q_scaled = q.mul(Math.sqrt(1 / head_dim));
    if (is_causal && attn_mask === null) throw new Error('FIXME: is_causal not implemented for need_weights');
    let weights = attn_mask !== null ? baddbmm(attn_mask, q_scaled, k.transpose(-2, -1)) : bmm(q_scaled, k.transpose(-2, -1));
    weights = softmax(weights, -1);
    if (dropout_p > 0) weights = dropout(weights, { p: dropout_p, training: true });
    let out = bmm(weights, v).transpose(0, 1).contiguous().view(tgt_len * bsz, embed_dim);
    out = linear(out, a.out_proj_weight, a.out_proj_bias);
    out = out.view(tgt_len, bsz, out._shape[1]!);
    let w = weights.view(bsz, num_heads, tgt_len, src_len);
    if (a.average_attn_weights) w = w.mean(1);
    return batched ? [out, w] : [out.squeeze(1), w.squeeze(0)];
  }
  if (attn_mask !== null) attn_mask = attn_mask._shape[0] === 1 && attn_mask.ndim === 3 ? attn_mask.unsqueeze(0) : attn_mask.view(bsz, num_heads, -1, src_len);
  const out4 = scaled_dot_product_attention(q.view(bsz, num_heads, tgt_len, head_dim), k.view(bsz, num_heads, src_len, head_dim), v.view(bsz, num_heads, src_len, head_dim), attn_mask, dropout_p, is_causal);
  let out = out4.permute(2, 0, 1, 3).contiguous().view(bsz * tgt_len, embed_dim);
  out = linear(out, a.out_proj_weight, a.out_proj_bias).view(tgt_len, bsz, embed_dim);
  return [batched ? out : out.squeeze(1), null];
}

/**
 * The output projection of MultiheadAttention: a Linear under PyTorch's name for it.
 *
 * @example
 * new nn.MultiheadAttention(8, 2).out_proj; // NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
 */
export class NonDynamicallyQuantizableLinear extends Linear {
  static override readonly __name__ = 'NonDynamicallyQuantizableLinear';
}

type FloatDType = 'float32' | 'float64';

const MHA = signature<{
  embed_dim: number; num_heads: number; dropout: number; bias: boolean; add_bias_kv: boolean; add_zero_attn: boolean;
  kdim: number | null; vdim: number | null; batch_first: boolean; dtype: FloatDType | null;
}>('MultiheadAttention(int embed_dim, int num_heads, float dropout=0.0, bool bias=True, bool add_bias_kv=False, bool add_zero_attn=False, int? kdim=None, int? vdim=None, bool batch_first=False, Any device=None, ScalarType? dtype=None)', { native: { embed_dim: 'size', kdim: 'size', vdim: 'size' } }); // as torch.empty names them

const MHA_CALL = signature<{
  query: Tensor; key: Tensor; value: Tensor; key_padding_mask: Tensor | null; need_weights: boolean; attn_mask: Tensor | null;
  average_attn_weights: boolean; is_causal: boolean;
}>('forward(Tensor query, Tensor key, Tensor value, Tensor? key_padding_mask=None, bool need_weights=True, Tensor? attn_mask=None, bool average_attn_weights=True, bool is_causal=False)');

/** Keyword options of `nn.MultiheadAttention` after `embed_dim, num_heads`. */
export interface MultiheadAttentionOptions {
  /** Dropout probability on the attention weights (training only). Default 0. */
  dropout?: number;
  /** Whether the input and output projections have biases. Default true. */
  bias?: boolean;
  /** Whether learned biases `bias_k` / `bias_v` are appended to the key and value sequences. Default false. */
  add_bias_kv?: boolean;
  /** Whether a batch of zeros is appended to the key and value sequences. Default false. */
  add_zero_attn?: boolean;
  /** Features of the keys; default `embed_dim`. */
  kdim?: number | null;
  /** Features of the values; default `embed_dim`. */
  vdim?: number | null;
  /** Inputs and output as `[batch, seq, feature]` instead of `[seq, batch, feature]`. Default false. */
  batch_first?: boolean;
  /** Parameter dtype; default the global default dtype. */
  dtype?: FloatDType | null;
}

/**
 * Multi-head attention with PyTorch's parameters (`in_proj_weight` or `q/k/v_proj_weight`, `in_proj_bias`,
 * `out_proj`, optional `bias_k` / `bias_v`) and init (xavier-uniform projections, zero biases).
 *
 * @example
 * const mha = new nn.MultiheadAttention(8, 2, { batch_first: true });
 * const [out, weights] = mha.call(x, x, x, nn.kwargs({ attn_mask: mask }));
 */
export class MultiheadAttention extends Module {
  static override readonly __name__ = 'MultiheadAttention';
  /** Total model dimension (split across the heads). */
  readonly embed_dim: number;
  /** Features of the keys. */
  readonly kdim: number;
  /** Features of the values. */
  readonly vdim: number;
  /** Whether q, k and v share `embed_dim` (then one packed `in_proj_weight`). */
  readonly _qkv_same_embed_dim: boolean;
  /** Number of parallel heads. */
  readonly num_heads: number;
  /** Dropout probability on the attention weights. */
  readonly dropout: number;
  /** Whether inputs and output are `[batch, seq, feature]`. */
  readonly batch_first: boolean;
  /** Features per head, `embed_dim / num_heads`. */
  readonly head_dim: number;
  /** Whether a batch of zeros is appended to keys and values. */
  readonly add_zero_attn: boolean;
  /** Packed q/k/v projection `[3·embed_dim, embed_dim]`, or null when kdim/vdim differ. */
  declare in_proj_weight: Parameter | null;
  /** Separate query projection, or null when packed. */
  declare q_proj_weight: Parameter | null;
  /** Separate key projection `[embed_dim, kdim]`, or null when packed. */
  declare k_proj_weight: Parameter | null;
  /** Separate value projection `[embed_dim, vdim]`, or null when packed. */
  declare v_proj_weight: Parameter | null;
  /** Bias of the q/k/v projections `[3·embed_dim]`, or null without `bias`. */
  declare in_proj_bias: Parameter | null;
  /** The output projection `Linear(embed_dim, embed_dim)`. */
  declare out_proj: NonDynamicallyQuantizableLinear;
  /** Learned key bias `[1, 1, embed_dim]` (`add_bias_kv`), or null. */
  declare bias_k: Parameter | null;
  /** Learned value bias `[1, 1, embed_dim]` (`add_bias_kv`), or null. */
  declare bias_v: Parameter | null;

  constructor(...args: PyArgs<[embed_dim: number, num_heads: number, dropout: number, bias: boolean, add_bias_kv: boolean, add_zero_attn: boolean, kdim: number | null, vdim: number | null, batch_first: boolean], MultiheadAttentionOptions & { embed_dim?: number; num_heads?: number }>) {
    super();
    const a = MHA.parse(args);
    if (a.embed_dim <= 0 || a.num_heads <= 0) throw new Error(`embed_dim and num_heads must be greater than 0, got embed_dim=${a.embed_dim} and num_heads=${a.num_heads} instead`);
    this.embed_dim = a.embed_dim;
    this.kdim = a.kdim ?? a.embed_dim;
    this.vdim = a.vdim ?? a.embed_dim;
    this._qkv_same_embed_dim = this.kdim === a.embed_dim && this.vdim === a.embed_dim;
    this.num_heads = a.num_heads;
    this.dropout = a.dropout;
    this.batch_first = a.batch_first;
    this.head_dim = Math.floor(a.embed_dim / a.num_heads);
    if (this.head_dim * a.num_heads !== a.embed_dim) throw new Error('embed_dim must be divisible by num_heads');
    this.add_zero_attn = a.add_zero_attn;
    const dtype = a.dtype ?? undefined;
    const E = a.embed_dim;
    if (!this._qkv_same_embed_dim) {
      this.q_proj_weight = new Parameter(empty([E, E], { dtype }));
      this.k_proj_weight = new Parameter(empty([E, this.kdim], { dtype }));
      this.v_proj_weight = new Parameter(empty([E, this.vdim], { dtype }));
      this.register_parameter('in_proj_weight', null);
    } else {
      this.in_proj_weight = new Parameter(empty([3 * E, E], { dtype }));
      this.register_parameter('q_proj_weight', null);
      this.register_parameter('k_proj_weight', null);
      this.register_parameter('v_proj_weight', null);
    }
    if (a.bias) this.in_proj_bias = new Parameter(empty([3 * E], { dtype }));
    else this.register_parameter('in_proj_bias', null);
    this.out_proj = new NonDynamicallyQuantizableLinear(E, E, { bias: a.bias, dtype: a.dtype ?? undefined });
    if (a.add_bias_kv) {
      this.bias_k = new Parameter(empty([1, 1, E], { dtype }));
      this.bias_v = new Parameter(empty([1, 1, E], { dtype }));
    } else {
      this.bias_k = null;
      this.bias_v = null;
    }
    this._reset_parameters();
  }

  /** Xavier-uniform projections, zero biases, Xavier-normal `bias_k` / `bias_v`, as PyTorch. */
  _reset_parameters(): void {
    if (this._qkv_same_embed_dim) xavier_uniform_(this.in_proj_weight!);
    else for (const w of [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) xavier_uniform_(w!);
    if (this.in_proj_bias !== null) {
      constant_(this.in_proj_bias, 0);
      constant_(this.out_proj.bias!, 0);
    }
    if (this.bias_k !== null) xavier_normal_(this.bias_k);
    if (this.bias_v !== null) xavier_normal_(this.bias_v);
  }

  /**
   * `[attn_output, attn_weights]`; `key_padding_mask` `[N, S]` and `attn_mask` `[L, S]` or `[N·heads, L, S]`
   * (bool: True = not allowed; float: added).
   */
  override forward(...args: PyArgs<[query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | null, need_weights: boolean, attn_mask: Tensor | null, average_attn_weights: boolean, is_causal: boolean],
    { query?: Tensor; key?: Tensor; value?: Tensor; key_padding_mask?: Tensor | null; need_weights?: boolean; attn_mask?: Tensor | null; average_attn_weights?: boolean; is_causal?: boolean }>): [Tensor, Tensor | null] {
    const a = MHA_CALL.parse(args);
    let { query, key, value } = a;
    const batched = query.ndim === 3;
    const key_padding_mask = canonical_mask(a.key_padding_mask, 'key_padding_mask', a.attn_mask, 'attn_mask', query);
    const attn_mask = canonical_mask(a.attn_mask, 'attn_mask', null, '', query, false);
    if (this.batch_first && batched) {
      // transposed once each, so identical inputs stay identical (self-attention shares one projection)
      const q = query.transpose(1, 0);
      const k = key === query ? q : key.transpose(1, 0);
      const v = value === key ? k : value === query ? q : value.transpose(1, 0);
      [query, key, value] = [q, k, v];
    }
    const [out, weights] = multi_head_attention_forward(
      query, key, value, this.embed_dim, this.num_heads, this.in_proj_weight, this.in_proj_bias, this.bias_k, this.bias_v, this.add_zero_attn,
      this.dropout, this.out_proj.weight, this.out_proj.bias, {
        training: this.training, key_padding_mask, need_weights: a.need_weights, attn_mask, average_attn_weights: a.average_attn_weights,
        is_causal: a.is_causal, use_separate_proj_weight: !this._qkv_same_embed_dim,
        q_proj_weight: this.q_proj_weight, k_proj_weight: this.k_proj_weight, v_proj_weight: this.v_proj_weight,
      },
    );
    return [this.batch_first && batched ? out.transpose(1, 0) : out, weights];
  }
}
