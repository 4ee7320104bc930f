// The Fashion-MNIST ResNet example: its network prints as the PyTorch twin's does, replays PyTorch's first Adam
// steps from the same weights and batches (fixtures/resnet_steps.json), and a short run trains, evaluates and
// writes its weights.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { expect_tensor, load_fixture, T, type TensorJSON, type Tolerance } from '../../packages/nn/test/fixture_utils.js';
import { expect_digest, type ModelDigest } from '../../packages/nn/test/model_cases.js';
import { fill_formula } from './formula_fill.js';
import { FashionResNet, main } from '../train_resnet.js';

interface StepsFixture {
  salt: number; batch_size: number; epochs: number; lr: number; normalize: [number, number]; tolerance: Tolerance;
  images: TensorJSON; labels: TensorJSON; losses: TensorJSON; eval_logits: TensorJSON;
  buffers_after: Record<string, TensorJSON>; parameters_after: Record<string, ModelDigest>;
}
const STEPS = load_fixture<StepsFixture>(new URL('./fixtures/resnet_steps.json', import.meta.url));

const HAVE_DATA = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');
// print(FashionResNet()) of examples/train_resnet_torch.py
const TORCH_REPR = 'FashionResNet(\n  (conv1): Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n  (bn1): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n  (relu): ReLU(inplace=True)\n  (layer1): BasicBlock(\n    (conv1): Conv2d(16, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n    (bn1): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n    (relu): ReLU(inplace=True)\n    (conv2): Conv2d(16, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n    (bn2): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n  )\n  (layer2): BasicBlock(\n    (conv1): Conv2d(16, 32, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)\n    (bn1): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n    (relu): ReLU(inplace=True)\n    (conv2): Conv2d(32, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n    (bn2): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n    (downsample): Sequential(\n      (0): Conv2d(16, 32, kernel_size=(1, 1), stride=(2, 2), bias=False)\n      (1): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n    )\n  )\n  (layer3): BasicBlock(\n    (conv1): Conv2d(32, 64, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)\n    (bn1): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n    (relu): ReLU(inplace=True)\n    (conv2): Conv2d(64, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n    (bn2): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n    (downsample): Sequential(\n      (0): Conv2d(32, 64, kernel_size=(1, 1), stride=(2, 2), bias=False)\n      (1): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n    )\n  )\n  (avgpool): AdaptiveAvgPool2d(output_size=1)\n  (fc): Linear(in_features=64, out_features=10, bias=True)\n)';

describe('train_resnet example', () => {
  it('builds the same module tree as its PyTorch twin', () => {
    expect(String(new FashionResNet())).toBe(TORCH_REPR);
  });

  it("replays PyTorch's Adam steps from the same weights and batches: losses, running statistics, parameters, eval logits", () => {
    const net = new FashionResNet();
    fill_formula(net, STEPS.salt);
    const [mean, std] = STEPS.normalize;
    const x = T(STEPS.images).to('float32').div(255).sub(mean).div(std).unsqueeze(1);
    const y = T(STEPS.labels);
    const opt = new nn.optim.Adam(net.parameters(), { lr: STEPS.lr });
    const losses: torch.Tensor[] = [];
    for (let epoch = 0; epoch < STEPS.epochs; epoch++) {
      for (let i = 0; i < x.size(0); i += STEPS.batch_size) {
        opt.zero_grad();
        const loss = nn.functional.cross_entropy(net.call(x.narrow(0, i, STEPS.batch_size)), y.narrow(0, i, STEPS.batch_size));
        loss.backward();
        opt.step();
        losses.push(loss.detach());
      }
    }
    const tol = STEPS.tolerance;
    expect_tensor(torch.stack(losses), STEPS.losses, 'losses', tol);
    const buffers = new Map(net.named_buffers());
    for (const [k, v] of Object.entries(STEPS.buffers_after)) expect_tensor(buffers.get(k), v, k, tol);
    const params = new Map(net.named_parameters());
    for (const [k, d] of Object.entries(STEPS.parameters_after)) expect_digest(params.get(k), d, k, tol);
    net.eval();
    expect_tensor(torch.no_grad(() => net.call(x)), STEPS.eval_logits, 'eval logits', tol);
  });

  (HAVE_DATA || process.env.CI === 'true' ? it : it.skip)('trains on a slice of Fashion-MNIST, evaluates and saves weights', () => {
    const out = mkdtempSync(join(tmpdir(), 'resnet-'));
    const lines: string[] = [];
    const r = main((...p) => void lines.push(p.join(' ')), ['--limit', '128', '--test-limit', '64', '--batch-size', '64', '--out', out])!;
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    expect(lines.some((l) => l.startsWith('test accuracy: '))).toBe(true);
    // the saved weights rebuild the trained network exactly
    const again = new FashionResNet();
    again.load_state_dict(nn.load_file(r.weights_path));
    const x = torch.randn([2, 1, 28, 28]);
    r.net.eval();
    again.eval();
    expect(again.call(x).tolist()).toEqual(r.net.call(x).tolist());
  }, 120_000);
});
