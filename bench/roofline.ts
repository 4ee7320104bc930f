// How fast each model workload could possibly run in WebAssembly here: its matrix-product work (convolutions,
// linear layers, attention, LSTM gates), counted with tsgrad's own forward hooks, over the wasm SIMD peak the
// bench measures. A peer faster than that floor cannot be matched by any kernel on this engine.
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { build, type ModelSpec } from './model_workloads.js';

/** Multiply-adds of one forward, and those of the first product's input gradient (a train step skips it). */
interface Products {
  forward_macs: number;
  first_input_grad_macs: number;
}

/** Counts the products of one forward of `spec`'s model. */
function count(spec: ModelSpec): Products {
  const { net, x } = build(spec);
  net.eval();
  let forward = 0;
  let first: number | null = null;
  const add = (macs: number, input_grad: number): void => {
    forward += macs;
    if (first === null) first = input_grad;
  };
  const handles = [];
  for (const m of net.modules()) {
    if (m instanceof nn.Conv2d) {
      handles.push(m.register_forward_hook((mod, _args, out) => {
        const c = mod as nn.Conv2d;
        const [kh, kw] = c.kernel_size as number[];
        const macs = (out as torch.Tensor).numel() * (c.in_channels / c.groups) * kh! * kw!;
        add(macs, macs);
      }));
    } else if (m instanceof nn.Linear) {
      handles.push(m.register_forward_hook((mod, _args, out) => {
        const macs = (out as torch.Tensor).numel() * (mod as nn.Linear).in_features;
        add(macs, macs);
      }));
    } else if (m instanceof nn.MultiheadAttention) {
      handles.push(m.register_forward_hook((mod, args) => {
        const q = args[0] as torch.Tensor;
        const a = mod as nn.MultiheadAttention;
        const tokens = q.numel() / a.embed_dim;
        const seq = q.shape[a.batch_first ? 1 : 0]!;
        // q, k, v and output projections (4 E² per token), then q·kᵀ and weights·v (2 L E per token); an input
        // that needs no gradient spares only the q, k, v projections' input gradients
        const e = a.embed_dim;
        add(tokens * (4 * e * e + 2 * seq * e), tokens * 3 * e * e);
      }));
    } else if (m instanceof nn.LSTM) {
      handles.push(m.register_forward_hook((mod, args) => {
        const l = mod as nn.LSTM;
        const input = args[0] as torch.Tensor;
        const tokens = input.numel() / l.input_size;
        const dirs = l.bidirectional ? 2 : 1;
        let macs = 0;
        for (let layer = 0; layer < l.num_layers; layer++) {
          const inputs = layer === 0 ? l.input_size : l.hidden_size * dirs;
          macs += dirs * tokens * 4 * l.hidden_size * (inputs + l.hidden_size);
        }
        add(macs, dirs * tokens * 4 * l.hidden_size * l.input_size);
      }));
    }
  }
  torch.no_grad(() => net.call(x));
  for (const h of handles) h.remove();
  return { forward_macs: forward, first_input_grad_macs: first ?? 0 };
}

/**
 * GFLOP of matrix products in one call of the workload: a forward's, or a train step's (the forward, every
 * weight gradient, and every input gradient but the first layer's, whose input needs none).
 *
 * @example
 * product_gflop({ kind: 'lstm_train', batch: 32, seq: 64, features: 128, hidden: 256, layers: 2, classes: 10 }); // ≈ 11.2
 */
export function product_gflop(spec: ModelSpec): number {
  const p = count(spec);
  const macs = spec.kind.endsWith('_train') ? 3 * p.forward_macs - p.first_input_grad_macs : p.forward_macs;
  return (2 * macs) / 1e9;
}
