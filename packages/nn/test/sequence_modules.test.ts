// Sequence layers beyond their fixture values (nn_modules.json and variants/nn_modules_sequence.json): the node
// PyTorch shows at each output, gradients of gradients, PyTorch's errors, and the constructors' conveniences.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';

const node = (t: Tensor | null | undefined): string | undefined => t?.grad_fn?.name();
const rn = (...shape: number[]): Tensor => torch.randn(shape);

describe('recurrent layers: the last node of each output, as PyTorch on CPU', () => {
  const cases: [string, () => unknown, string[]][] = [
    // PyTorch 2.x runs a float32 LSTM without projections through oneDNN: one mkldnn_rnn_layer node per layer and
    // direction (1.13, and 2.x in float64 or with proj_size, record the per-step ops and stack the outputs)
    ['LSTM', () => new nn.LSTM(4, 5).call(rn(3, 2, 4)), ['MkldnnRnnLayerBackward0', 'StackBackward0', 'StackBackward0']],
    ['LSTM stacked bidirectional', () => new nn.LSTM(4, 5, { num_layers: 2, bidirectional: true }).call(rn(3, 2, 4)), ['CatBackward0', 'StackBackward0', 'StackBackward0']],
    ['LSTM float64', () => new nn.LSTM(4, 5, { dtype: 'float64' }).call(rn(3, 2, 4).double()), ['StackBackward0', 'StackBackward0', 'StackBackward0']],
    ['GRU stacked', () => new nn.GRU(4, 5, { num_layers: 2 }).call(rn(3, 2, 4)), ['StackBackward0', 'StackBackward0']],
    ['RNN bidirectional', () => new nn.RNN(4, 5, { bidirectional: true }).call(rn(3, 2, 4)), ['CatBackward0', 'StackBackward0']],
    ['LSTM batch_first', () => new nn.LSTM(4, 5, { batch_first: true }).call(rn(3, 2, 4)), ['TransposeBackward0', 'StackBackward0', 'StackBackward0']],
    ['LSTM unbatched', () => new nn.LSTM(4, 5).call(rn(3, 4)), ['SqueezeBackward1', 'SqueezeBackward1', 'SqueezeBackward1']],
    ['LSTM proj_size', () => new nn.LSTM(4, 6, { proj_size: 3 }).call(rn(3, 2, 4)), ['StackBackward0', 'StackBackward0', 'StackBackward0']],
    ['LSTMCell', () => new nn.LSTMCell(4, 5).call(rn(2, 4)), ['MulBackward0', 'AddBackward0']],
    ['GRUCell', () => new nn.GRUCell(4, 5).call(rn(2, 4)), ['AddBackward0']],
    ['RNNCell', () => new nn.RNNCell(4, 5).call(rn(2, 4)), ['TanhBackward0']],
    ['RNNCell relu', () => new nn.RNNCell(4, 5, { nonlinearity: 'relu' }).call(rn(2, 4)), ['ReluBackward0']],
    ['RNNCell unbatched', () => new nn.RNNCell(4, 5).call(rn(4)), ['SqueezeBackward1']],
    ['Embedding', () => new nn.Embedding(5, 3).call(torch.tensor([1, 2], { dtype: 'int64' })), ['EmbeddingBackward0']],
    ['EmbeddingBag', () => new nn.EmbeddingBag(5, 3, { mode: 'max' }).call(torch.tensor([[1, 2]], { dtype: 'int64' })), ['EmbeddingBagBackward0']],
    ['LayerNorm', () => new nn.LayerNorm(3).call(rn(2, 3)), ['NativeLayerNormBackward0']],
    ['GroupNorm', () => new nn.GroupNorm(2, 4).call(rn(2, 4, 3)), ['NativeGroupNormBackward0']],
    ['MultiheadAttention', () => { const q = rn(3, 2, 8); return new nn.MultiheadAttention(8, 2).call(q, q, q); }, ['ViewBackward0', 'MeanBackward1']],
  ];
  for (const [name, run, nodes] of cases) {
    it(name, () => {
      torch.manual_seed(0);
      const flat = [run()].flat(3) as Tensor[];
      expect(flat.map(node)).toEqual(nodes);
    });
  }
});

describe('recurrent layers: gradients of gradients (float64 finite differences)', () => {
  const modules: [string, () => nn.Module, number[]][] = [
    ['LSTM bidirectional with projections', () => new nn.LSTM(2, 3, { bidirectional: true, proj_size: 2, dtype: 'float64' }), [2, 1, 2]],
    ['GRU batch_first', () => new nn.GRU(2, 2, { batch_first: true, dtype: 'float64' }), [1, 3, 2]],
  ];
  for (const [name, make, shape] of modules) {
    it(name, () => {
      torch.manual_seed(1);
      const m = make();
      const x = torch.randn(shape, { dtype: 'float64' }).requires_grad_();
      const f = (t: Tensor): Tensor => (m.call(t) as [Tensor, unknown])[0];
      expect(torch.autograd.gradcheck(f, [x])).toBe(true);
      const go = torch.randn(f(x).shape, { dtype: 'float64' });
      const g = (t: Tensor): Tensor => torch.autograd.grad(f(t), [t], { grad_outputs: go, create_graph: true })[0]!;
      expect(torch.autograd.gradcheck(g, [x], { atol: 1e-4 })).toBe(true);
    });
  }
});

describe('sequence layers: errors in PyTorch words, nothing changed', () => {
  const lstm = new nn.LSTM(5, 5, { num_layers: 2 });
  const mha = new nn.MultiheadAttention(4, 2);
  const q = rn(3, 2, 4);
  const cases: [string, () => unknown, string][] = [
    ['LSTM input rank', () => lstm.call(rn(1, 2, 3, 5)), 'LSTM: Expected input to be 2D or 3D, got 4D instead'],
    ['GRU input rank', () => new nn.GRU(5, 5).call(rn(5)), 'GRU: Expected input to be 2D or 3D, got 1D instead'],
    ['LSTM hidden size', () => lstm.call(rn(4, 3, 5), [torch.zeros([1, 3, 5]), torch.zeros([2, 3, 5])]), 'Expected hidden[0] size (2, 3, 5), got [1, 3, 5]'],
    ['LSTM cell size', () => lstm.call(rn(4, 3, 5), [torch.zeros([2, 3, 5]), torch.zeros([2, 2, 5])]), 'Expected hidden[1] size (2, 3, 5), got [2, 2, 5]'],
    ['RNN hidden size', () => new nn.RNN(5, 5).call(rn(4, 3, 5), torch.zeros([1, 2, 5])), 'Expected hidden size (1, 3, 5), got [1, 2, 5]'],
    ['LSTM feature size', () => lstm.call(rn(4, 3, 6)), 'input.size(-1) must be equal to input_size. Expected 5, got 6'],
    ['LSTM unbatched hx rank', () => lstm.call(rn(4, 5), [torch.zeros([2, 1, 5]), torch.zeros([2, 1, 5])]), 'For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 3-D) tensors'],
    ['proj_size', () => new nn.LSTM(4, 3, { proj_size: 3 }), 'proj_size has to be smaller than hidden_size'],
    ['cell input size', () => new nn.LSTMCell(4, 5).call(rn(2, 3)), 'input has inconsistent input_size: got 3 expected 4'],
    ['cell input rank', () => new nn.GRUCell(4, 5).call(rn(1, 2, 4)), 'GRUCell: Expected input to be 1D or 2D, got 3D instead'],
    ['MHA 2-D mask shape', () => mha.call(q, q, q, nn.kwargs({ attn_mask: torch.zeros([2, 2]) })), 'The shape of the 2D attn_mask is torch.Size([2, 2]), but should be (3, 3).'],
    ['MHA 3-D mask shape', () => mha.call(q, q, q, nn.kwargs({ attn_mask: torch.zeros([2, 3, 3]) })), 'The shape of the 3D attn_mask is torch.Size([2, 3, 3]), but should be (4, 3, 3).'],
    ['MHA mask dtype', () => mha.call(q, q, q, nn.kwargs({ attn_mask: torch.zeros([3, 3], { dtype: 'int64' }) })), 'only bool and floating types of attn_mask are supported'],
    ['MHA padding mask dtype', () => mha.call(q, q, q, nn.kwargs({ key_padding_mask: torch.zeros([2, 3], { dtype: 'int64' }) })), 'only bool and floating types of key_padding_mask are supported'],
    ['MHA is_causal without mask', () => mha.call(q, q, q, nn.kwargs({ is_causal: true })), 'Need attn_mask if specifying the is_causal hint'],
    ['MHA heads', () => new nn.MultiheadAttention(6, 4), 'embed_dim must be divisible by num_heads'],
    ['Embedding padding_idx', () => new nn.Embedding(10, 3, { padding_idx: 10 }), 'Padding_idx must be within num_embeddings'],
    ['Embedding negative padding_idx', () => new nn.Embedding(10, 3, { padding_idx: -11 }), 'Padding_idx must be within num_embeddings'],
    ['EmbeddingBag padding_idx', () => new nn.EmbeddingBag(10, 3, { padding_idx: 12 }), 'padding_idx must be within num_embeddings'],
    ['GroupNorm channels', () => new nn.GroupNorm(3, 4), 'num_channels must be divisible by num_groups'],
  ];
  for (const [name, fn, message] of cases) it(name, () => expect(fn).toThrow(message));

  it('a failed call leaves the parameters as they were', () => {
    const before = lstm.state_dict();
    expect(() => lstm.call(rn(4, 3, 6))).toThrow();
    for (const [k, v] of Object.entries(lstm.state_dict())) expect(torch.equal(v, before[k]!)).toBe(true);
  });
});

describe('sequence layers: constructors', () => {
  it('Embedding keeps a negative padding_idx as its non-negative index, with a zero row and no gradient there', () => {
    torch.manual_seed(0);
    const emb = new nn.Embedding(6, 3, { padding_idx: -1 });
    expect(emb.padding_idx).toBe(5);
    expect(String(emb)).toBe('Embedding(6, 3, padding_idx=5)');
    expect(Array.from(emb.weight.select(0, 5).data_array())).toEqual([0, 0, 0]);
    emb.call(torch.tensor([5, 1, 5], { dtype: 'int64' })).sum().backward();
    expect(Array.from(emb.weight.grad!.select(0, 5).data_array())).toEqual([0, 0, 0]);
    expect(Array.from(emb.weight.grad!.select(0, 1).data_array())).toEqual([1, 1, 1]);
  });
  it('Embedding.from_pretrained shares the tensor and is frozen unless told otherwise', () => {
    const w = torch.tensor([[1, 2.3, 3], [4, 5.1, 6.3]]);
    const frozen = nn.Embedding.from_pretrained(w);
    expect(frozen.weight.requires_grad).toBe(false);
    expect(frozen.call(torch.tensor([1], { dtype: 'int64' })).tolist()).toEqual([[4, Math.fround(5.1), Math.fround(6.3)]]);
    expect(nn.Embedding.from_pretrained(w, { freeze: false }).weight.requires_grad).toBe(true);
    expect(() => nn.Embedding.from_pretrained(torch.zeros([3]))).toThrow('Embeddings parameter is expected to be 2-dimensional');
  });
  it('LSTM parameters are in PyTorch order and U(-1/sqrt(hidden), 1/sqrt(hidden))', () => {
    torch.manual_seed(0);
    const lstm = new nn.LSTM(3, 4, { num_layers: 2, bidirectional: true, proj_size: 2 });
    expect([...lstm.named_parameters()].map(([n]) => n).slice(0, 6)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_hr_l0', 'weight_ih_l0_reverse']);
    expect(lstm.get_parameter('weight_ih_l1').shape).toEqual([16, 4]);
    for (const p of lstm.parameters()) for (const v of p.data_array()) expect(Math.abs(v)).toBeLessThanOrEqual(0.5);
    expect(String(lstm)).toBe('LSTM(3, 4, proj_size=2, num_layers=2, bidirectional=True)');
  });
  it('a dropout between layers is applied only in training', () => {
    torch.manual_seed(0);
    const gru = new nn.GRU(3, 4, { num_layers: 2, dropout: 0.5 });
    const x = rn(5, 2, 3);
    gru.eval();
    const a = gru.call(x)[0];
    expect(torch.equal(a, gru.call(x)[0])).toBe(true);
    gru.train();
    expect(torch.equal(a, gru.call(x)[0])).toBe(false);
    expect(String(gru)).toBe('GRU(3, 4, num_layers=2, dropout=0.5)');
  });
});

describe('Transformer stacks', () => {
  it('hold independent deep copies of the layer they are given, with equal starting weights', () => {
    torch.manual_seed(0);
    const layer = new nn.TransformerEncoderLayer(4, 2, { dim_feedforward: 8 });
    const enc = new nn.TransformerEncoder(layer, { num_layers: 2 });
    const [a, b] = [...enc.layers] as nn.TransformerEncoderLayer[];
    expect(a).not.toBe(layer);
    expect(a!.linear1.weight).not.toBe(b!.linear1.weight);
    expect(torch.equal(a!.linear1.weight, layer.linear1.weight)).toBe(true);
    torch.no_grad(() => a!.linear1.weight.add_(1));
    expect(torch.equal(b!.linear1.weight, layer.linear1.weight)).toBe(true);
    expect(String(enc)).toContain('(0-1): 2 x TransformerEncoderLayer(');
  });
  it('nn.deepcopy keeps tied weights tied and shared submodules shared', () => {
    const shared = new nn.Linear(2, 2);
    const net = new nn.Sequential(shared, new nn.ReLU(), shared);
    const copy = nn.deepcopy(net);
    expect(copy.at(0)).toBe(copy.at(2));
    expect(copy.at(0)).not.toBe(shared);
    expect(String(copy)).toBe(String(net));
  });
  it('a causal mask is -inf above the diagonal', () => {
    expect(nn.Transformer.generate_square_subsequent_mask(3).tolist()).toEqual([[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
  });
  it('nn.Transformer checks batch and feature sizes as PyTorch', () => {
    const model = new nn.Transformer({ d_model: 4, nhead: 2, num_encoder_layers: 1, num_decoder_layers: 1, dim_feedforward: 8, batch_first: true });
    expect(() => model.call(rn(2, 3, 4), rn(3, 3, 4))).toThrow('the batch number of src and tgt must be equal');
    expect(() => model.call(rn(2, 3, 4), rn(2, 3, 5))).toThrow('the feature number of src and tgt must be equal to d_model');
  });
});
