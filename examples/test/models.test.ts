// The sequence networks of models.json against real PyTorch, through the shared models.json runner: cases built
// by `nn` (a torch.nn class) or `custom` (the example models of examples/sequence_models.ts). The torchvision
// cases belong to @tsgrad/vision's own tests.
import * as nn from '@tsgrad/nn';
import { describe_model_cases, type ModelCase } from '../../packages/nn/test/model_cases.js';
import { LSTMClassifier, TinyGPT } from '../sequence_models.js';

type Builder = (kwargs: Record<string, unknown>) => nn.Module;
const CUSTOM: Record<string, Builder> = {
  LSTMClassifier: (k) => new LSTMClassifier(k.vocab as number, k.embed_dim as number, k.hidden as number, k.num_layers as number, k.num_classes as number, k.padding_idx as number),
  TinyGPT: (k) => new TinyGPT(k as unknown as ConstructorParameters<typeof TinyGPT>[0]),
};

function builder(c: ModelCase): Builder | undefined {
  const { kind, builder: name } = c.build;
  if (kind === 'custom') return CUSTOM[name];
  const cls = (nn as unknown as Record<string, unknown>)[name];
  return typeof cls === 'function' ? (k) => new (cls as new (o: unknown) => nn.Module)(k) : undefined;
}

const make = (c: ModelCase): (() => nn.Module) | undefined => {
  const build = builder(c);
  return build === undefined ? undefined : () => build(c.build.kwargs);
};
const sequence_only = (c: ModelCase): boolean => c.build.kind !== 'torchvision';

describe_model_cases('sequence models (models.json)', new URL('../../packages/vision/test/fixtures/models.json', import.meta.url), make, sequence_only);
// other configurations (make_models.py): nn.Transformer with norm_first, gelu and sequence-first inputs
describe_model_cases('sequence model variants (models_generated.json)', new URL('../../packages/vision/test/fixtures/variants/models_generated.json', import.meta.url), make, sequence_only);
