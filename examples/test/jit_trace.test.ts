// torch.jit.trace on every model family: a traced call on new inputs equals the eager call exactly (SimpleNet,
// ResNet-18, a ViT, the LSTM classifier and tiny GPT of sequence_models.ts, nn.TransformerEncoder, nn.LSTM),
// replayed op by op and compiled (bit for bit, or within float32 rounding where batch or layer norms compile).
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { LSTMClassifier, TinyGPT } from '../sequence_models.js';

const flat = (v: unknown): Tensor[] => (v instanceof Tensor ? [v] : Array.isArray(v) ? v.flatMap(flat) : []);

/** `exact`: the compiled replay gives eager's bits (no batch norm folded into a convolution, no layer norm); `plan`: what it compiles to. */
interface Case { build: () => nn.Module; inputs: () => Tensor[]; ops: string[]; exact: boolean; plan: RegExp }

const CASES: Record<string, Case> = {
  SimpleNet: { build: () => new models.SimpleNet(), inputs: () => [torch.randn([2, 1, 28, 28])], ops: ['aten::conv2d', 'aten::max_pool2d', 'aten::linear'], exact: true, plan: /aten::conv2d/ },
  resnet18: { build: () => models.resnet18({ num_classes: 10 }), inputs: () => [torch.randn([1, 3, 16, 16])], ops: ['aten::batch_norm', 'aten::add_', 'aten::adaptive_avg_pool2d'], exact: false, plan: /aten::conv2d \(compiled, batch_norm folded, epilogue aten::relu_\)[^]*prim::FusionGroup\[aten::add_, aten::relu_\]/ },
  VisionTransformer: {
    build: () => new models.VisionTransformer({ image_size: 16, patch_size: 8, num_layers: 2, num_heads: 2, hidden_dim: 16, mlp_dim: 32, num_classes: 10 }),
    inputs: () => [torch.randn([2, 3, 16, 16])],
    ops: ['aten::layer_norm', 'aten::scaled_dot_product_attention', 'aten::gelu', 'aten::select'],
    exact: false,
    plan: /aten::scaled_dot_product_attention \(compiled\)/,
  },
  LSTMClassifier: { build: () => new LSTMClassifier(50, 8, 6, 2, 5, 0), inputs: () => [torch.randint(0, 50, [2, 5])], ops: ['aten::embedding', 'aten::sigmoid', 'aten::stack'], exact: true, plan: /prim::FusionGroup/ },
  TinyGPT: {
    build: () => new TinyGPT({ vocab: 20, block_size: 6, d_model: 16, n_head: 2, n_layer: 2 }),
    inputs: () => [torch.randint(0, 20, [2, 6])],
    ops: ['aten::embedding', 'aten::masked_fill', 'aten::scaled_dot_product_attention'],
    exact: false,
    plan: /aten::layer_norm \(compiled\)/,
  },
  TransformerEncoder: {
    build: () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16, dropout: 0, batch_first: true }), 2),
    inputs: () => [torch.randn([2, 4, 8])],
    ops: ['aten::layer_norm', 'aten::relu'],
    exact: false,
    plan: /aten::scaled_dot_product_attention \(compiled\)[^]*aten::layer_norm \(compiled\)/,
  },
  LSTM: { build: () => new nn.LSTM(4, 5, { num_layers: 2, bidirectional: true }), inputs: () => [torch.randn([3, 2, 4])], ops: ['aten::zeros', 'aten::tanh'], exact: true, plan: /prim::FusionGroup\[aten::sigmoid, aten::mul/ },
};

describe('traced replay equals eager on every model family', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, () => {
      torch.manual_seed(1);
      const model = c.build().eval();
      const traced = torch.jit.trace(model, c.inputs());
      const kinds = new Set(traced.inlined_graph.nodes.map((n) => n.name));
      for (const op of c.ops) expect(kinds.has(op), op).toBe(true);
      expect(kinds.has('prim::Constant'), 'every tensor comes from an input, a parameter or an op').toBe(false);
      const x = c.inputs();
      const eager = flat(torch.no_grad(() => model.call(...(x as [Tensor]))));
      const replay = flat(torch.jit.optimized_execution(false, () => torch.no_grad(() => traced.call(...x))));
      expect(replay.length).toBe(eager.length);
      eager.forEach((e, i) => expect(torch.equal(replay[i]!, e), `output ${i}`).toBe(true));
      // compiled: the first call compiles, the next ones run the plan on other inputs
      for (let k = 0; k < 3; k++) {
        const xs = k === 0 ? x : c.inputs();
        const want = flat(torch.no_grad(() => model.call(...(xs as [Tensor]))));
        const got = flat(torch.no_grad(() => traced.call(...xs)));
        expect(got.length).toBe(want.length);
        want.forEach((e, i) => {
          const ok = c.exact ? torch.equal(got[i]!, e) : torch.allclose(got[i]!, e, { rtol: 1e-5, atol: 1e-5 });
          expect(ok, `compiled call ${k} output ${i}`).toBe(true);
        });
      }
      expect(traced.graph_for(...x)).toMatch(c.plan);
    });
  }
});
