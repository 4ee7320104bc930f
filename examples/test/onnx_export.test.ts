// The sequence models of sequence_models.ts exported with torch.onnx.export run in onnxruntime-node as in tsgrad
// (the LSTM classifier as one ONNX LSTM node per layer, tiny GPT with its causal mask and tied head).
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { as_text, expect_ort_matches } from '../../packages/vision/test/onnx_utils.js';
import { LSTMClassifier, TinyGPT } from '../sequence_models.js';

describe('sequence models in onnxruntime', () => {
  it('LSTMClassifier', async () => {
    torch.manual_seed(3);
    const model = new LSTMClassifier(30, 8, 6, 2, 5, 0);
    const bytes = torch.onnx.export(model, [torch.randint(0, 30, [2, 5])], null, { input_names: ['tokens'], output_names: ['logits'], dynamic_axes: { tokens: { 0: 'batch' } } });
    expect(as_text(bytes)).toContain('embedding.weight');
    const x = torch.randint(0, 30, [4, 5]);
    await expect_ort_matches(bytes, [x], [torch.no_grad(() => model.eval().call(x))], ['logits']);
  });

  it('TinyGPT', async () => {
    torch.manual_seed(4);
    const model = new TinyGPT({ vocab: 20, block_size: 6, d_model: 16, n_head: 2, n_layer: 2 });
    // attention folds the batch into its heads' reshapes: those follow the dynamic batch too
    const bytes = torch.onnx.export(model, [torch.randint(0, 20, [3, 6])], null, { input_names: ['tokens'], output_names: ['logits'], dynamic_axes: { tokens: { 0: 'batch' }, logits: { 0: 'batch' } } });
    const x = torch.randint(0, 20, [5, 6]);
    await expect_ort_matches(bytes, [x], [torch.no_grad(() => model.eval().call(x))], ['logits']);
  });
});
