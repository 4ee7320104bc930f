// torch.jit.trace on every model family: a traced call on new inputs equals the eager call exactly (SimpleNet,
// ResNet-18 and a grouped-bottleneck ResNet, MobileNetV2, VGG-11 with batch norm, a ViT, the LSTM classifier and
// tiny GPT of sequence_models.ts, char_lm's GPT and LSTM, nn.TransformerEncoder / TransformerDecoder / Transformer,
// nn.LSTM, nn.GRU), replayed op by op and compiled (bit for bit, or within float32 rounding where batch or layer
// norms compile), and with forward pre-hooks and forward hooks on every module firing in the eager order.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { build_model } from '../char_lm.js';
import { LSTMClassifier, TinyGPT } from '../sequence_models.js';

const flat = (v: unknown): Tensor[] => (v instanceof Tensor ? [v] : Array.isArray(v) ? v.flatMap(flat) : []);

/** VGG-11 with batch norm, its 4096-wide classifier narrowed (the family's layers, a test's size). */
function small_vgg(): nn.Module {
  const vgg = nn.utils.skip_init(models.vgg11_bn, { num_classes: 10 });
  vgg.add_module('classifier', new nn.Sequential(new nn.Linear(512 * 7 * 7, 16), new nn.ReLU({ inplace: true }), new nn.Dropout(0.5), new nn.Linear(16, 10)));
  for (const [name, p] of vgg.named_parameters()) if (name.startsWith('features')) torch.no_grad(() => p.normal_(0, name.endsWith('bias') ? 0.1 : 0.05));
  for (const [name, b] of vgg.named_buffers()) if (name.endsWith('running_var')) torch.no_grad(() => b.uniform_(0.5, 1.5));
  return vgg;
}

/** A decoder stack attending to a memory under a causal mask. */
class CausalDecoder extends nn.Module {
  static override readonly __name__: string = 'CausalDecoder';
  readonly decoder = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, { dim_feedforward: 16, dropout: 0, batch_first: true }), 2);
  override forward(tgt: Tensor, memory: Tensor): Tensor {
    const mask = nn.Transformer.generate_square_subsequent_mask(tgt.shape[1]!);
    return this.decoder.call(tgt, memory, nn.kwargs({ tgt_mask: mask }));
  }
}

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
  LSTMClassifier: { build: () => new LSTMClassifier(50, 8, 6, 2, 5, 0), inputs: () => [torch.randint(0, 50, [2, 5])], ops: ['aten::embedding', 'aten::mkldnn_rnn_layer', 'aten::stack'], exact: true, plan: /aten::mkldnn_rnn_layer/ },
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
  LSTM: { build: () => new nn.LSTM(4, 5, { num_layers: 2, bidirectional: true }), inputs: () => [torch.randn([3, 2, 4])], ops: ['aten::zeros', 'aten::mkldnn_rnn_layer', 'aten::cat'], exact: true, plan: /aten::mkldnn_rnn_layer/ },
  GRU: { build: () => new nn.GRU(4, 6, { num_layers: 2, batch_first: true, bidirectional: true }), inputs: () => [torch.randn([2, 3, 4])], ops: ['aten::sigmoid', 'aten::tanh', 'aten::cat'], exact: true, plan: /prim::FusionGroup/ },
  resnext_bottleneck: {
    build: () => new models.ResNet(models.Bottleneck, [1, 1, 1, 1], { num_classes: 10, groups: 2, width_per_group: 32 }),
    inputs: () => [torch.randn([1, 3, 32, 32])],
    ops: ['aten::batch_norm', 'aten::conv2d', 'aten::add_'],
    exact: false,
    plan: /aten::conv2d \(compiled, batch_norm folded, epilogue aten::relu_\)[^]*prim::FusionGroup\[aten::add_, aten::relu_\]/,
  },
  mobilenet_v2: {
    build: () => models.mobilenet_v2({ num_classes: 10, width_mult: 0.25 }),
    inputs: () => [torch.randn([1, 3, 32, 32])],
    ops: ['aten::relu6', 'aten::conv2d', 'aten::add'],
    exact: false,
    plan: /aten::conv2d \(compiled, batch_norm folded\)/,
  },
  vgg11_bn: { build: small_vgg, inputs: () => [torch.randn([1, 3, 32, 32])], ops: ['aten::max_pool2d', 'aten::adaptive_avg_pool2d', 'aten::relu_'], exact: false, plan: /aten::conv2d \(compiled, batch_norm folded, epilogue aten::relu_\)[^]*aten::max_pool2d \(compiled\)[^]*aten::adaptive_avg_pool2d \(compiled\)[^]*aten::linear \(compiled, epilogue aten::relu_\)/ },
  TransformerDecoder: { build: () => new CausalDecoder(), inputs: () => [torch.randn([2, 4, 8]), torch.randn([2, 5, 8])], ops: ['aten::layer_norm', 'aten::triu'], exact: false, plan: /aten::layer_norm \(compiled\)/ },
  Transformer: {
    build: () => new nn.Transformer({ d_model: 8, nhead: 2, num_encoder_layers: 1, num_decoder_layers: 1, dim_feedforward: 16, dropout: 0, batch_first: true }),
    inputs: () => [torch.randn([2, 5, 8]), torch.randn([2, 3, 8])],
    ops: ['aten::layer_norm', 'aten::linear'],
    exact: false,
    plan: /aten::scaled_dot_product_attention \(compiled\)/,
  },
  char_lm_gpt: { build: () => build_model('gpt'), inputs: () => [torch.randint(0, 27, [2, 8])], ops: ['aten::embedding', 'aten::scaled_dot_product_attention'], exact: false, plan: /aten::layer_norm \(compiled\)/ },
  char_lm_lstm: { build: () => build_model('lstm'), inputs: () => [torch.randint(0, 27, [2, 8])], ops: ['aten::embedding', 'aten::mkldnn_rnn_layer'], exact: true, plan: /aten::mkldnn_rnn_layer/ },
};

/** Forward pre-hooks and forward hooks on every module, each logging its module's name; remove() takes them off. */
function hook_everything(model: nn.Module, log: string[]): { remove(): void } {
  const handles = [...model.named_modules()].flatMap(([name, m]) => [
    m.register_forward_pre_hook(() => void log.push(`pre ${name}`)),
    m.register_forward_hook((_m, _i, out) => void log.push(`fwd ${name} ${flat(out).map((t) => t.shape.join('x')).join(',')}`)),
  ]);
  return { remove: () => handles.forEach((h) => h.remove()) };
}

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

      // hooks on every module fire on traced calls as on eager ones, in the same order, on the same values
      // (the plan splits at every hooked module: each runs through its hooks with its own compiled forward)
      const log: string[] = [];
      const hooks = hook_everything(model, log);
      try {
        for (let k = 0; k < 2; k++) {
          const xs = c.inputs();
          log.length = 0;
          const want = flat(torch.no_grad(() => model.call(...(xs as [Tensor]))));
          const eager_log = [...log];
          log.length = 0;
          const got = flat(torch.no_grad(() => traced.call(...xs)));
          expect(log, `hooked call ${k}`).toEqual(eager_log);
          expect(k === 0 || traced.last_plan !== null, 'the second hooked call runs the hooked plan').toBe(true);
          if (k === 1) expect(traced.last_plan!.hooked_calls).toBeGreaterThan(0);
          want.forEach((e, i) => expect(c.exact ? torch.equal(got[i]!, e) : torch.allclose(got[i]!, e, { rtol: 1e-5, atol: 1e-5 }), `hooked call ${k} output ${i}`).toBe(true));
        }
      } finally {
        hooks.remove();
      }
    });
  }
});
