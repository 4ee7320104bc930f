// A workload's model as the onnxruntime peer runs it: exported by tsgrad's own torch.onnx.export in eval mode,
// with the same weights and input as tsgrad's side. Imports no onnxruntime (bench/rss_child.js loads this).
import * as torch from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';

/** An exported model and the input its forward is timed on (float32, tsgrad's layout). */
export interface OnnxModel {
  bytes: Uint8Array;
  input: Float32Array;
  dims: number[];
}

/** `net` in eval mode exported by tsgrad (opset 17, one input `input`, one output `output`), with `x`'s values. */
export function onnx_model(net: nn.Module, x: torch.Tensor): OnnxModel {
  net.eval();
  const bytes = torch.onnx.export(net, [x], null, { input_names: ['input'], output_names: ['output'] });
  return { bytes, input: Float32Array.from(x.detach().contiguous().data_array() as Float32Array), dims: [...x.shape] };
}
