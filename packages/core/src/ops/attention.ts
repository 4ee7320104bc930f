// Scaled dot-product attention, as PyTorch 2.x's math path computes it: softmax(q·kᵀ·scale + mask)·v.
import { trace_op, tracing } from '../jit/tracer.js';
import { default_generator, type Generator } from '../random.js';
import { signature, type PyArgs } from '../signature.js';
import type { Tensor } from '../tensor.js';
import { add, masked_fill, mul } from './arithmetic.js';
import { full } from './creation.js';
import { matmul } from './linalg.js';
import { dropout } from './nn_ops.js';
import { softmax } from './reduce.js';
import { tril } from './triangular.js';
import { transpose } from './view.js';

const SDPA = signature<{ query: Tensor; key: Tensor; value: Tensor; attn_mask: Tensor | null; dropout_p: number; is_causal: boolean; scale: number | null; generator: Generator | null }>(
  'scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, float dropout_p=0.0, bool is_causal=False, *, float? scale=None, Any generator=None)',
);

/**
 * `softmax(q @ kᵀ · scale + mask) @ v` over `[..., L, E]` queries and `[..., S, E]` keys. A bool `attn_mask`
 * marks the positions that may be attended (True = keep), a float one is added to the scores; `is_causal`
 * keeps the lower triangle. Fully masked rows give NaN, as PyTorch's math path. `scale` defaults to 1/√E.
 *
 * @example
 * F.scaled_dot_product_attention(q, k, v, null, 0, true);
 */
export function scaled_dot_product_attention(
  ...args: PyArgs<[query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | null, dropout_p: number, is_causal: boolean],
    { query?: Tensor; key?: Tensor; value?: Tensor; attn_mask?: Tensor | null; dropout_p?: number; is_causal?: boolean; scale?: number | null; generator?: Generator | null }>
): Tensor {
  if (tracing) return trace_op('aten::scaled_dot_product_attention', scaled_dot_product_attention, args, SDPA);
  const { query, key, value, attn_mask, dropout_p, is_causal, scale, generator } = SDPA.parse(args);
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) throw new Error('scaled_dot_product_attention: query, key and value must be at least 2-D');
  const L = query._shape[query.ndim - 2]!;
  const S = key._shape[key.ndim - 2]!;
  let mask = attn_mask;
  if (is_causal) {
    if (mask !== null) throw new Error('_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True');
    mask = tril(full([L, S], 1, { dtype: 'bool' }));
  }
  if (mask !== null && mask._dtype !== 'bool' && mask._dtype !== query._dtype) {
    throw new Error(`Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: ${mask.dtype} and query.dtype: ${query.dtype} instead.`);
  }
  // both operands are scaled by √scale, as PyTorch's math path does
  const root = Math.sqrt(scale ?? 1 / Math.sqrt(query._shape[query.ndim - 1]!));
  let scores = matmul(mul(query, root), transpose(mul(key, root), -2, -1));
  if (mask !== null) scores = mask._dtype === 'bool' ? masked_fill(scores, mask.logical_not(), -Infinity) : add(scores, mask);
  let weights = softmax(scores, -1);
  if (dropout_p > 0) weights = dropout(weights, { p: dropout_p, training: true, generator: generator ?? default_generator });
  return matmul(weights, value);
}
