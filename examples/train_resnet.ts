// A ResNet-style network (torchvision's BasicBlock) trained on Fashion-MNIST: the recipe of
// examples/train_resnet_torch.py, so the two accuracies can be compared (see the README's "Model families").
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as torch from '@tsgrad/core';
import { EventBus } from '@tsgrad/hooks';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { attach_progress, evaluate, load, type TrainEvents } from './train_mnist.js';
import { run_if_main, UsageError, type Log } from './run_main.js';

export const HELP = `Usage: node examples/dist/train_resnet.js [options]

Trains a small ResNet (three stages of torchvision's BasicBlock, 16/32/64 channels) on Fashion-MNIST with
Adam under a one-cycle learning-rate schedule and reports test accuracy; the PyTorch twin is
examples/train_resnet_torch.py.

  --epochs <n>      epochs (default 1)
  --batch-size <n>  batch size (default 128)
  --lr <x>          peak learning rate of the one-cycle schedule (default 0.004)
  --schedule <s>    onecycle (OneCycleLR over all steps, the default) or constant (Adam at --lr throughout)
  --seed <n>        seed for init and shuffling (default 0)
  --limit <n>       train on the first n samples only (default all)
  --test-limit <n>  evaluate on the first n test samples only (default all)
  --out <dir>       where the weights are written (default out)
  --no-shuffle      batches in file order (for step-by-step comparison with the twin)
  --init <file>     start from this state_dict (safetensors), e.g. one the twin wrote with --save-init
  --save-init <file> write the initial state_dict here (safetensors)
  --losses <file>   write every step's loss here (JSON list)
  --help            this text

Same start and batches as PyTorch, losses step by step:
  /usr/bin/python3 examples/train_resnet_torch.py --limit 3200 --no-shuffle --save-init init.safetensors --losses torch.json
  node examples/dist/train_resnet.js --limit 3200 --no-shuffle --init init.safetensors --losses tsgrad.json`;

/** Stem 3×3 conv (16) + BN + ReLU, BasicBlocks 16 → 32 (stride 2) → 64 (stride 2), global average pool, linear. */
export class FashionResNet extends nn.Module {
  static override readonly __name__: string = 'FashionResNet';
  conv1 = new nn.Conv2d(1, 16, 3, { padding: 1, bias: false });
  bn1 = new nn.BatchNorm2d(16);
  relu = new nn.ReLU({ inplace: true });
  layer1 = new models.BasicBlock(16, 16);
  layer2 = new models.BasicBlock(16, 32, { stride: 2, downsample: new nn.Sequential(new nn.Conv2d(16, 32, 1, { stride: 2, bias: false }), new nn.BatchNorm2d(32)) });
  layer3 = new models.BasicBlock(32, 64, { stride: 2, downsample: new nn.Sequential(new nn.Conv2d(32, 64, 1, { stride: 2, bias: false }), new nn.BatchNorm2d(64)) });
  avgpool = new nn.AdaptiveAvgPool2d(1);
  fc = new nn.Linear(64, 10);

  override forward(x: torch.Tensor): torch.Tensor {
    let h = this.relu.call(this.bn1.call(this.conv1.call(x)));
    h = this.layer3.call(this.layer2.call(this.layer1.call(h)));
    return this.fc.call(this.avgpool.call(h).flatten(1));
  }
}

export interface ResNetOptions {
  epochs: number; batch_size: number; lr: number; schedule: 'onecycle' | 'constant'; seed: number; limit: number | null; test_limit: number | null; out: string; progress: boolean;
  shuffle: boolean; init: string | null; save_init: string | null; losses: string | null;
}

export function parse_options(argv: string[]): ResNetOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      epochs: { type: 'string', default: '1' }, 'batch-size': { type: 'string', default: '128' }, lr: { type: 'string', default: '0.004' },
      schedule: { type: 'string', default: 'onecycle' },
      seed: { type: 'string', default: '0' }, limit: { type: 'string' }, 'test-limit': { type: 'string' }, out: { type: 'string', default: 'out' }, help: { type: 'boolean', default: false },
      'no-shuffle': { type: 'boolean', default: false }, init: { type: 'string' }, 'save-init': { type: 'string' }, losses: { type: 'string' },
    },
  });
  if (values.help) return null;
  const int = (name: string, v: string | undefined, min: number): number | null => {
    if (v === undefined) return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${v}'`);
    return n;
  };
  const lr = Number(values.lr);
  if (!(lr > 0)) throw new UsageError(`--lr must be a positive number, got '${values.lr}'`);
  const schedule = values.schedule;
  if (schedule !== 'onecycle' && schedule !== 'constant') throw new UsageError(`--schedule must be onecycle or constant, got '${schedule}'`);
  return { epochs: int('epochs', values.epochs, 1)!, batch_size: int('batch-size', values['batch-size'], 1)!, lr, schedule, seed: int('seed', values.seed, 0)!, limit: int('limit', values.limit, 1), test_limit: int('test-limit', values['test-limit'], 1), out: values.out!, progress: true,
    shuffle: !values['no-shuffle'], init: values.init ?? null, save_init: values['save-init'] ?? null, losses: values.losses ?? null,
  };
}

/** Trains and evaluates; returns the test accuracy, the throughput and where the weights went. */
export function main(log: Log = console.log, argv = process.argv.slice(2)): { accuracy: number; samples_per_s: number; weights_path: string; net: FashionResNet; losses: number[] } | null {
  const o = parse_options(argv.filter((a) => a !== '--'));
  if (o === null) {
    log(HELP);
    return null;
  }
  torch.manual_seed(o.seed);
  const train_set = load('fashion-mnist', true, o.limit);
  const test_set = load('fashion-mnist', false, o.test_limit);
  log(`fashion-mnist: ${train_set.x.size(0)} training and ${test_set.x.size(0)} test images`);
  const net = new FashionResNet();
  if (o.init !== null) net.load_state_dict(nn.load_file(o.init));
  if (o.save_init !== null) nn.save_file(net.state_dict(), o.save_init, { format: 'pt' });
  const opt = new nn.optim.Adam(net.parameters(), { lr: o.lr });
  const loader = new nn.data.DataLoader(new nn.data.TensorDataset(train_set.x, train_set.y), { batch_size: o.batch_size, shuffle: o.shuffle, generator: new torch.Generator().manual_seed(o.seed) });
  const sched = o.schedule === 'onecycle' ? new nn.optim.lr_scheduler.OneCycleLR(opt, o.lr, { total_steps: o.epochs * loader.length }) : null;
  const bus = new EventBus<TrainEvents>();
  const stop = o.progress ? attach_progress(bus, o.epochs) : () => undefined;
  const t_start = performance.now();
  let seen_total = 0;
  const losses: number[] = [];
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = performance.now();
      let seen = 0;
      let running = 0;
      for (const [xb, yb] of loader) {
        opt.zero_grad();
        const loss = nn.functional.cross_entropy(net.call(xb as torch.Tensor), yb as torch.Tensor);
        loss.backward();
        opt.step();
        sched?.step();
        losses.push(loss.item());
        seen += (xb as torch.Tensor).size(0);
        running = running === 0 ? losses.at(-1)! : 0.98 * running + 0.02 * losses.at(-1)!;
        bus.emit('batch_end', { epoch, seen, total: train_set.x.size(0), loss: running, samples_per_s: seen / ((performance.now() - t0) / 1000) });
      }
      seen_total += seen;
      bus.emit('epoch_end', { epoch, samples: seen, loss: running, seconds: (performance.now() - t0) / 1000 });
    }
  } finally {
    stop();
  }
  const samples_per_s = seen_total / ((performance.now() - t_start) / 1000);
  if (o.losses !== null) writeFileSync(o.losses, JSON.stringify(losses));
  const { accuracy } = evaluate(net, test_set.x, test_set.y, test_set.classes);
  log(`test accuracy: ${(100 * accuracy).toFixed(2)}%  (${samples_per_s.toFixed(0)} samples/s)`);
  mkdirSync(o.out, { recursive: true });
  const weights_path = join(o.out, 'resnet_fashion-mnist.safetensors');
  nn.save_file(net.state_dict(), weights_path, { format: 'pt', trained_on: 'fashion-mnist', epochs: String(o.epochs) });
  log(`weights saved to ${weights_path}`);
  return { accuracy, samples_per_s, weights_path, net, losses };
}

run_if_main(import.meta.url, (log) => main(log), HELP);
