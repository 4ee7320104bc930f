// Learn the Basics, "Optimizing Model Parameters", ported line by line:
// https://pytorch.org/tutorials/beginner/basics/optimization_tutorial.html
// (source: https://github.com/pytorch/tutorials/blob/main/beginner_source/basics/optimization_tutorial.py)
// Seeded with torch.manual_seed(0) (one line added at the top), it prints PyTorch's losses and accuracies: over two
// epochs (1876 SGD steps) every printed figure agreed with PyTorch 1.13's to 6 significant digits. Fashion-MNIST
// comes from `root` or an installed copy (Debian's dataset-fashion-mnist). `--epochs N` (default 10, as the tutorial).
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { data, optim } from '@tsgrad/nn';
import { datasets, transforms } from '@tsgrad/vision';
import { int_option, run_if_main, type Log } from './run_main.js';

const { DataLoader } = data;
const { ToTensor } = transforms;

class NeuralNetwork extends nn.Module {
  flatten = new nn.Flatten();
  linear_relu_stack = new nn.Sequential(
    new nn.Linear(28 * 28, 512),
    new nn.ReLU(),
    new nn.Linear(512, 512),
    new nn.ReLU(),
    new nn.Linear(512, 10),
  );

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.flatten.call(x);
    const logits = this.linear_relu_stack.call(x);
    return logits;
  }
}

/** Runs the tutorial; `max_batches` stops each training epoch early (for a quick test), otherwise as written. */
export function main(print: Log = console.log, epochs = 10, max_batches = Infinity): void {
  torch.manual_seed(0);
  const training_data = new datasets.FashionMNIST({ root: 'data', train: true, transform: new ToTensor() });
  const test_data = new datasets.FashionMNIST({ root: 'data', train: false, transform: new ToTensor() });
  const train_dataloader = new DataLoader(training_data, { batch_size: 64 });
  const test_dataloader = new DataLoader(test_data, { batch_size: 64 });

  const model = new NeuralNetwork();
  const learning_rate = 1e-3;
  const batch_size = 64;
  const loss_fn = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: learning_rate });

  function train_loop(dataloader: data.DataLoader, model: nn.Module, loss_fn: nn.CrossEntropyLoss, optimizer: optim.SGD): void {
    const size = dataloader.dataset.length;
    model.train();
    let batch = 0;
    for (const [X, y] of dataloader) {
      if (batch >= max_batches) break;
      const pred = model.call(X);
      const loss = loss_fn.call(pred, y);
      loss.backward();
      optimizer.step();
      optimizer.zero_grad();
      if (batch % 100 === 0) {
        const [l, current] = [loss.item(), batch * batch_size + X.size(0)];
        print(`loss: ${l.toFixed(6).padStart(7)}  [${String(current).padStart(5)}/${String(size).padStart(5)}]`);
      }
      batch++;
    }
  }

  function test_loop(dataloader: data.DataLoader, model: nn.Module, loss_fn: nn.CrossEntropyLoss): void {
    model.eval();
    const size = dataloader.dataset.length;
    const num_batches = dataloader.length;
    let [test_loss, correct] = [0, 0];
    torch.no_grad(() => {
      for (const [X, y] of dataloader) {
        const pred = model.call(X);
        test_loss += loss_fn.call(pred, y).item();
        correct += pred.argmax(1).eq(y).type(torch.float).sum().item();
      }
    });
    test_loss /= num_batches;
    correct /= size;
    print(`Test Error: \n Accuracy: ${(100 * correct).toFixed(1)}%, Avg loss: ${test_loss.toFixed(6).padStart(8)} \n`);
  }

  for (let t = 0; t < epochs; t++) {
    print(`Epoch ${t + 1}\n-------------------------------`);
    train_loop(train_dataloader, model, loss_fn, optimizer);
    if (max_batches === Infinity) test_loop(test_dataloader, model, loss_fn);
  }
  print('Done!');
}

run_if_main(import.meta.url, (print) => {
  const at = process.argv.indexOf('--epochs');
  main(print, at < 0 ? 10 : int_option('epochs', process.argv[at + 1] ?? '', 1));
});
