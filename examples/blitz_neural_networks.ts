// Deep Learning with PyTorch: A 60 Minute Blitz, "Neural Networks", ported line by line:
// https://pytorch.org/tutorials/beginner/blitz/neural_networks_tutorial.html
// (source: https://github.com/pytorch/tutorials/blob/main/beginner_source/blitz/neural_networks_tutorial.py)
// The tutorial draws its input, gradient and target with torch.randn; seeded with torch.manual_seed(0) (one line
// added at the top, and the loss and output printed after the optimizer step) it prints PyTorch's numbers.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { functional as F, optim } from '@tsgrad/nn';
import { run_if_main, type Log } from './run_main.js';

class Net extends nn.Module {
  // 1 input image channel, 6 output channels, 5x5 square convolution kernel
  conv1 = new nn.Conv2d(1, 6, 5);
  conv2 = new nn.Conv2d(6, 16, 5);
  // an affine operation: y = Wx + b
  fc1 = new nn.Linear(16 * 5 * 5, 120); // 5*5 from image dimension
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);

  override forward(x: Tensor): Tensor {
    // Max pooling over a (2, 2) window
    x = F.max_pool2d(F.relu(this.conv1.call(x)), [2, 2]);
    // If the size is a square, you can specify with a single number
    x = F.max_pool2d(F.relu(this.conv2.call(x)), 2);
    x = torch.flatten(x, 1); // flatten all dimensions except the batch dimension
    x = F.relu(this.fc1.call(x));
    x = F.relu(this.fc2.call(x));
    x = this.fc3.call(x);
    return x;
  }
}

export function main(print: Log = console.log): void {
  torch.manual_seed(0);
  const net = new Net();
  print(net);

  const params = [...net.parameters()];
  print(params.length);
  print(params[0]!.size()); // conv1's .weight

  const input = torch.randn(1, 1, 32, 32);
  const out = net.call(input);
  print(out);

  net.zero_grad();
  out.backward(torch.randn(1, 10));

  let output = net.call(input);
  let target = torch.randn(10); // a dummy target, for example
  target = target.view(1, -1); // make it the same shape as output
  const criterion = new nn.MSELoss();

  let loss = criterion.call(output, target);
  print(loss);

  print(loss.grad_fn); // MSELoss
  print(loss.grad_fn!.next_functions[0]![0]); // Linear
  print(loss.grad_fn!.next_functions[0]![0]!.next_functions[0]![0]); // ReLU

  net.zero_grad(); // zeroes the gradient buffers of all parameters

  print('conv1.bias.grad before backward');
  print(net.conv1.bias!.grad);

  loss.backward();

  print('conv1.bias.grad after backward');
  print(net.conv1.bias!.grad);

  const learning_rate = 0.01;
  for (const f of net.parameters()) f.data.sub_(f.grad!.data.mul(learning_rate));

  // create your optimizer
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.01 });

  // in your training loop:
  optimizer.zero_grad(); // zero the gradient buffers
  output = net.call(input);
  loss = criterion.call(output, target);
  loss.backward();
  optimizer.step(); // Does the update
  print(loss);
  print(net.call(input));
}

run_if_main(import.meta.url, main);
