// onnxruntime-node as the forwards' inference peer: a workload's eval-mode model, exported by tsgrad's own
// torch.onnx.export with the same weights, run in onnxruntime's CPU provider at a given intra-op thread count
// with every graph optimization (ORT_ENABLE_ALL).
import * as ort from 'onnxruntime-node';
import type { OnnxModel } from './onnx_model.js';

/** A session on onnxruntime's CPU provider with `threads` intra-op threads, sequential execution, ORT_ENABLE_ALL. */
export function ort_session(model: OnnxModel, threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model.bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}

/** One forward; resolves to the output's values. */
export async function ort_forward(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const out = await session.run(feeds);
  return out['output']!.data as Float32Array;
}

/** The feeds of `model`'s input. */
export function ort_feeds(model: OnnxModel): Record<string, ort.Tensor> {
  return { input: new ort.Tensor('float32', model.input, model.dims) };
}
