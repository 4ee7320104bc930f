// The sequence-model ops beyond their fixture values (variants/ops_grad_sequence.json): gradients of gradients
// against finite differences (float64), the single nodes PyTorch records, and PyTorch's errors for bad input.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';

const f64 = (shape: number[], seed: number): Tensor => {
  torch.manual_seed(seed);
  return torch.randn(shape, { dtype: 'float64' }).requires_grad_();
};
const ids = (data: number[], shape: number[]): Tensor => torch.tensor(data, { dtype: 'int64' }).reshape(shape);

const CASES: [string, () => Tensor, string][] = [
  ['layer_norm', () => torch.layer_norm(f64([3, 4], 1), [4], f64([4], 2), f64([4], 3)), 'NativeLayerNormBackward0'],
  ['group_norm', () => torch.group_norm(f64([2, 4, 3], 5), 2, f64([4], 6), f64([4], 7)), 'NativeGroupNormBackward0'],
  ['gelu', () => torch.gelu(f64([7], 8), { approximate: 'tanh' }), 'GeluBackward0'],
  ['embedding', () => torch.embedding(f64([4, 3], 10), ids([1, 3], [2])), 'EmbeddingBackward0'],
  ['F.embedding', () => torch.functional_embedding(ids([1, 3], [2]), f64([4, 3], 10)), 'EmbeddingBackward0'],
  ['embedding_bag', () => torch.functional_embedding_bag(ids([1, 3], [1, 2]), f64([4, 3], 10), null, { mode: 'max' }), 'EmbeddingBagBackward0'],
  ['baddbmm', () => torch.baddbmm(f64([1, 3], 11), f64([2, 2, 4], 12), f64([2, 4, 3], 13)), 'BaddbmmBackward0'],
  ['einsum', () => torch.einsum('bqd,bkd->bqk', f64([2, 3, 4], 14), f64([2, 2, 4], 15)), 'ViewBackward0'],
  ['rms_norm', () => torch.rms_norm(f64([2, 3], 16), [3], f64([3], 17)), 'MulBackward0'],
  ['tril', () => torch.tril(f64([3, 3], 18)), 'TrilBackward0'],
  ['scaled_dot_product_attention', () => torch.scaled_dot_product_attention(f64([2, 3, 4], 18), f64([2, 3, 4], 19), f64([2, 3, 4], 20), null, 0, true), 'UnsafeViewBackward0'],
];

describe('sequence ops: the node PyTorch records (gradients: op_grad_cases.ts)', () => {
  for (const [name, run, node] of CASES) it(name, () => expect(run().grad_fn?.name()).toBe(node));
});

describe('sequence ops: values PyTorch defines by rule', () => {
  it('scaled_dot_product_attention: a bool mask keeps True, a float mask is added, scale overrides 1/sqrt(E)', () => {
    const q = f64([1, 2, 4], 21).detach();
    const k = f64([1, 3, 4], 22).detach();
    const v = f64([1, 3, 2], 23).detach();
    const keep = torch.tensor([[true, false, true], [true, true, false]]);
    const as_float = torch.zeros([2, 3], { dtype: 'float64' }).masked_fill(keep.logical_not(), -Infinity);
    const a = torch.scaled_dot_product_attention(q, k, v, keep);
    const b = torch.scaled_dot_product_attention(q, k, v, as_float);
    expect(torch.allclose(a, b)).toBe(true);
    const manual = torch.softmax(q.matmul(k.transpose(-2, -1)).mul(0.3), -1).matmul(v);
    expect(torch.allclose(torch.scaled_dot_product_attention(q, k, v, null, 0, false, { scale: 0.3 }), manual)).toBe(true);
  });
  it('a fully masked softmax row is NaN, as PyTorch', () => {
    const s = torch.softmax(torch.tensor([[-Infinity, -Infinity], [0, -Infinity]]), -1);
    expect(Array.from(s.data_array())).toEqual([NaN, NaN, 1, 0]);
  });
});

describe('sequence ops: errors in PyTorch words', () => {
  const x = torch.randn([2, 3, 4]);
  const cases: [string, () => unknown, string][] = [
    ['layer_norm shape', () => torch.layer_norm(x, [3]), 'Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[2, 3, 4]'],
    ['group_norm groups', () => torch.group_norm(torch.randn([2, 4, 3, 3]), 3), 'Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 4, 3, 3] and num_groups=3'],
    ['embedding float indices', () => torch.embedding(torch.randn([3, 2]), torch.tensor([1.0])), "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)"],
    ['embedding range', () => torch.embedding(torch.randn([3, 2]), ids([5], [1])), 'index out of range in self'],
    ['F.embedding padding_idx', () => torch.functional_embedding(ids([1], [1]), torch.randn([3, 2]), { padding_idx: 3 }), 'Padding_idx must be within num_embeddings'],
    ['embedding_bag offsets', () => torch.embedding_bag(torch.randn([3, 2]), ids([1, 2], [2]), ids([1], [1])), 'offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got 1'],
    ['F.embedding_bag offsets', () => torch.functional_embedding_bag(ids([1, 2], [2]), torch.randn([3, 2]), ids([1], [1])), 'offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got 1'],
    ['F.embedding_bag 2-D with offsets', () => torch.functional_embedding_bag(ids([1, 2], [1, 2]), torch.randn([3, 2]), ids([0], [1])), 'if input is 2D, then offsets has to be None'],
    ['sdpa causal with mask', () => torch.scaled_dot_product_attention(x, x, x, torch.zeros([3, 3]), 0, true), 'Explicit attn_mask should not be set when is_causal=True'],
    ['einsum operand count', () => torch.einsum('ij,jk->ik', x), 'einsum(): fewer operands were provided than specified in the equation'],
    ['einsum dims', () => torch.einsum('ij->i', x), 'einsum(): the number of subscripts in the equation (2) does not match the number of dimensions (3) for operand 0 and no ellipsis was given'],
  ];
  for (const [name, fn, message] of cases) it(name, () => expect(fn).toThrow(message));
});
