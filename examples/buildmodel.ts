// Learn the Basics, "Build the Neural Network", ported line by line:
// https://pytorch.org/tutorials/beginner/basics/buildmodel_tutorial.html
// (source: https://github.com/pytorch/tutorials/blob/main/beginner_source/basics/buildmodel_tutorial.py)
// Seeded with torch.manual_seed(0) (one line added at the top, and `print(pred_probab)` after the Softmax section),
// it prints PyTorch's numbers: the layers' default initialisation and torch.rand draw PyTorch's streams.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { run_if_main, type Log } from './run_main.js';

class NeuralNetwork extends nn.Module {
  flatten = new nn.Flatten();
  linear_relu_stack = new nn.Sequential(
    new nn.Linear(28 * 28, 512),
    new nn.ReLU(),
    new nn.Linear(512, 512),
    new nn.ReLU(),
    new nn.Linear(512, 10),
  );

  override forward(x: Tensor): Tensor {
    x = this.flatten.call(x);
    const logits = this.linear_relu_stack.call(x);
    return logits;
  }
}

export function main(print: Log = console.log): void {
  torch.manual_seed(0);

  const device = torch.cuda.is_available() ? 'cuda' : torch.backends.mps.is_available() ? 'mps' : 'cpu';
  print(`Using ${device} device`);

  const model = new NeuralNetwork().to(device);
  print(model);

  const X = torch.rand(1, 28, 28, { device });
  let logits = model.call(X);
  let pred_probab = new nn.Softmax({ dim: 1 }).call(logits);
  const y_pred = pred_probab.argmax(1);
  print(`Predicted class: ${y_pred}`);

  let input_image = torch.rand(3, 28, 28);
  print(input_image.size());

  const flatten = new nn.Flatten();
  const flat_image = flatten.call(input_image);
  print(flat_image.size());

  const layer1 = new nn.Linear({ in_features: 28 * 28, out_features: 20 });
  let hidden1 = layer1.call(flat_image);
  print(hidden1.size());

  print(`Before ReLU: ${hidden1}\n\n`);
  hidden1 = new nn.ReLU().call(hidden1);
  print(`After ReLU: ${hidden1}`);

  const seq_modules = new nn.Sequential(flatten, layer1, new nn.ReLU(), new nn.Linear(20, 10));
  input_image = torch.rand(3, 28, 28);
  logits = seq_modules.call(input_image);

  const softmax = new nn.Softmax({ dim: 1 });
  pred_probab = softmax.call(logits);
  print(pred_probab);

  print(`Model structure: ${model}\n\n`);

  for (const [name, param] of model.named_parameters()) {
    print(`Layer: ${name} | Size: ${param.size()} | Values : ${param.index([{ stop: 2 }])} \n`);
  }
}

run_if_main(import.meta.url, main);
