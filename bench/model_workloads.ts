// The model families people train, as bench workloads: torchvision's ResNet-18, a 2-layer Transformer encoder
// and a 2-layer LSTM, each a train step (forward, cross-entropy, backward, SGD) and an inference forward.
// bench/torch_peer.py builds the same architectures from the same spec; TF.js has no peer for them.
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { onnx_model } from './onnx_model.js';
import type { Side, Workload } from './workloads.js';

const F = nn.functional;

/** A model family's sizes; `bench/torch_peer.py` reads the same fields. */
export type ModelSpec =
  | { kind: 'resnet18_train' | 'resnet18_forward'; batch: number; size: number; classes: number }
  | { kind: 'transformer_train' | 'transformer_forward'; batch: number; seq: number; d_model: number; heads: number; ff: number; layers: number; classes: number }
  | { kind: 'lstm_train' | 'lstm_forward'; batch: number; seq: number; features: number; hidden: number; layers: number; classes: number };

export interface ModelSizes {
  resnet18: { batch: number; size: number };
  transformer: { batch: number; seq: number; d_model: number; heads: number; ff: number };
  lstm: { batch: number; seq: number; features: number; hidden: number };
}

/** The sizes: ResNet-18 on 32×32×3 at batch 32, the encoder at 16×64, the LSTM at 32×64. */
export const MODEL_FULL: ModelSizes = {
  resnet18: { batch: 32, size: 32 },
  transformer: { batch: 16, seq: 64, d_model: 128, heads: 4, ff: 512 },
  lstm: { batch: 32, seq: 64, features: 128, hidden: 256 },
};
/** Every path in milliseconds, for the smoke test. */
export const MODEL_TINY: ModelSizes = {
  resnet18: { batch: 2, size: 16 },
  transformer: { batch: 2, seq: 4, d_model: 8, heads: 2, ff: 16 },
  lstm: { batch: 2, seq: 3, features: 4, hidden: 5 },
};

/** Mean-pooled Transformer encoder and a linear head: `[batch, seq, d_model]` → logits. */
class EncoderClassifier extends nn.Module {
  static override readonly __name__: string = 'EncoderClassifier';
  readonly encoder: nn.TransformerEncoder;
  readonly head: nn.Linear;
  constructor(s: Extract<ModelSpec, { d_model: number }>) {
    super();
    const layer = new nn.TransformerEncoderLayer(s.d_model, s.heads, { dim_feedforward: s.ff, dropout: 0, batch_first: true });
    this.encoder = new nn.TransformerEncoder(layer, s.layers);
    this.head = new nn.Linear(s.d_model, s.classes);
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return this.head.call(this.encoder.call(x).mean(1));
  }
}

/** LSTM over `[batch, seq, features]` and a linear head on the last step's output. */
class LSTMClassifier extends nn.Module {
  static override readonly __name__: string = 'LSTMClassifier';
  readonly lstm: nn.LSTM;
  readonly head: nn.Linear;
  constructor(s: Extract<ModelSpec, { hidden: number }>) {
    super();
    this.lstm = new nn.LSTM(s.features, s.hidden, s.layers, { batch_first: true });
    this.head = new nn.Linear(s.hidden, s.classes);
  }
  override forward(x: torch.Tensor): torch.Tensor {
    const [out] = this.lstm.call(x) as [torch.Tensor, unknown];
    return this.head.call(out.select(1, -1));
  }
}

/** The model and one input batch of a spec, seeded. */
export function build(spec: ModelSpec): { net: nn.Module; x: torch.Tensor } {
  torch.manual_seed(0);
  switch (spec.kind) {
    case 'resnet18_train':
    case 'resnet18_forward':
      return { net: models.resnet18({ num_classes: spec.classes }), x: torch.randn([spec.batch, 3, spec.size, spec.size]) };
    case 'transformer_train':
    case 'transformer_forward':
      return { net: new EncoderClassifier(spec), x: torch.randn([spec.batch, spec.seq, spec.d_model]) };
    case 'lstm_train':
    case 'lstm_forward':
      return { net: new LSTMClassifier(spec), x: torch.randn([spec.batch, spec.seq, spec.features]) };
  }
}

const values = (t: torch.Tensor): Float32Array => Float32Array.from(t.detach().data_array() as Float32Array);

/** A train step or an inference forward of `spec`'s model (train mode for the step, eval for inference). */
function model_workload(spec: ModelSpec, label: string): Workload {
  const train = spec.kind.endsWith('_train');
  return {
    key: `${spec.kind}_b${spec.batch}`,
    label,
    spec,
    gflop: null,
    tsgrad(): Side {
      const { net, x } = build(spec);
      torch.manual_seed(1);
      const y = torch.randint(0, spec.classes, [spec.batch]);
      if (!train) {
        net.eval();
        const forward = (): torch.Tensor => torch.no_grad(() => net.call(x) as torch.Tensor);
        return { run: () => void forward(), result: () => values(forward()), dispose: () => undefined };
      }
      const opt = new nn.optim.SGD(net.parameters(), { lr: 0.01 });
      const step = (): torch.Tensor => {
        opt.zero_grad();
        const loss = F.cross_entropy(net.call(x) as torch.Tensor, y);
        loss.backward();
        opt.step();
        return loss;
      };
      return { run: () => void step(), result: () => Float32Array.of(step().item()), dispose: () => undefined };
    },
    ...(train ? {} : { onnx: () => { const { net, x } = build(spec); return onnx_model(net, x); } }),
  };
}

/** The model-family workloads at `sizes`: each train step, then its inference forward. */
export function model_workloads(sizes: ModelSizes): Workload[] {
  const r = { ...sizes.resnet18, classes: 10 };
  const t = { ...sizes.transformer, layers: 2, classes: 10 };
  const l = { ...sizes.lstm, layers: 2, classes: 10 };
  const resnet = `ResNet-18 [${r.batch},3,${r.size},${r.size}]`;
  const encoder = `TransformerEncoder ×2 (d ${t.d_model}, ${t.heads} heads, ff ${t.ff}) [${t.batch},${t.seq}]`;
  const lstm = `LSTM ×2 (hidden ${l.hidden}) [${l.batch},${l.seq},${l.features}]`;
  return [
    model_workload({ kind: 'resnet18_train', ...r }, `${resnet} train step`),
    model_workload({ kind: 'resnet18_forward', ...r }, `${resnet} forward`),
    model_workload({ kind: 'transformer_train', ...t }, `${encoder} train step`),
    model_workload({ kind: 'transformer_forward', ...t }, `${encoder} forward`),
    model_workload({ kind: 'lstm_train', ...l }, `${lstm} train step`),
    model_workload({ kind: 'lstm_forward', ...l }, `${lstm} forward`),
  ];
}
