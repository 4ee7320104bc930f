// PyTorch for former Torch users: nn package, ported line by line:
// https://pytorch.org/tutorials/beginner/former_torchies/nnft_tutorial.html
// (source: https://github.com/pytorch/tutorials/blob/main/beginner_source/former_torchies/nnft_tutorial.py)
// A small ConvNet, a loss and its gradients, forward and (legacy) backward hooks on conv2 printing sizes and
// norms, and a recurrent net reusing one Linear layer over five time steps. Python's `type(x)` lines print the
// JS class name (`Array` where Python has a tuple).
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { functional as F } from '@tsgrad/nn';
import { run_if_main, type Log } from './run_main.js';

class MNISTConvNet extends nn.Module {
  // this is the place where you instantiate all your modules; you can later access them using the same names
  // you've given them in here
  conv1 = new nn.Conv2d(1, 10, 5);
  pool1 = new nn.MaxPool2d(2, 2);
  conv2 = new nn.Conv2d(10, 20, 5);
  pool2 = new nn.MaxPool2d(2, 2);
  fc1 = new nn.Linear(320, 50);
  fc2 = new nn.Linear(50, 10);

  // it's the forward function that defines the network structure
  override forward(input: Tensor): Tensor {
    let x = this.pool1.call(F.relu(this.conv1.call(input)));
    x = this.pool2.call(F.relu(this.conv2.call(x)));
    x = x.flatten({ start_dim: 1 });
    x = F.relu(this.fc1.call(x));
    x = F.relu(this.fc2.call(x));
    return x;
  }
}

class RNN extends nn.Module {
  hidden_size: number;
  i2h: nn.Linear;
  h2o: nn.Linear;

  // you can also accept arguments in your model constructor
  constructor(data_size: number, hidden_size: number, output_size: number) {
    super();
    this.hidden_size = hidden_size;
    const input_size = data_size + hidden_size;
    this.i2h = new nn.Linear(input_size, hidden_size);
    this.h2o = new nn.Linear(hidden_size, output_size);
  }

  override forward(data: Tensor, last_hidden: Tensor): [Tensor, Tensor] {
    const input = torch.cat([data, last_hidden], 1);
    const hidden = this.i2h.call(input);
    const output = this.h2o.call(hidden);
    return [hidden, output];
  }
}

export function main(print: Log = console.log): void {
  const net = new MNISTConvNet();
  print(net);

  // a mini-batch containing a single sample of random data
  const input = torch.randn(1, 1, 28, 28);
  let out = net.call(input);
  print(out.size());

  // a dummy target label and the error of a loss function
  let target = torch.tensor([3], { dtype: torch.long });
  let loss_fn: nn.Module = new nn.CrossEntropyLoss(); // LogSoftmax + ClassNLL Loss
  let err = loss_fn.call(out, target);
  err.backward();

  print(err);

  print(net.conv1.weight.grad!.size());

  print(net.conv1.weight.data.norm()); // norm of the weight
  print(net.conv1.weight.grad!.data.norm()); // norm of the gradients

  // a forward hook on conv2 printing some information
  function printnorm(self: nn.Module, input: unknown[], output: unknown): void {
    // input is an array of packed inputs; output is a Tensor. output.data is the Tensor we are interested in
    const out = output as Tensor;
    print('Inside ' + self.constructor.name + ' forward');
    print('');
    print('input: ', input.constructor.name);
    print('input[0]: ', (input[0] as Tensor).constructor.name);
    print('output: ', out.constructor.name);
    print('');
    print('input size:', (input[0] as Tensor).size());
    print('output size:', out.data.size());
    print('output norm:', out.data.norm());
  }

  net.conv2.register_forward_hook(printnorm);

  out = net.call(input);

  // a backward hook on conv2 printing some information
  function printgradnorm(self: nn.Module, grad_input: (Tensor | null)[], grad_output: (Tensor | null)[]): void {
    print('Inside ' + self.constructor.name + ' backward');
    print('Inside class:' + self.constructor.name);
    print('');
    print('grad_input: ', grad_input.constructor.name);
    print('grad_input[0]: ', grad_input[0]!.constructor.name);
    print('grad_output: ', grad_output.constructor.name);
    print('grad_output[0]: ', grad_output[0]!.constructor.name);
    print('');
    print('grad_input size:', grad_input[0]!.size());
    print('grad_output size:', grad_output[0]!.size());
    print('grad_input norm:', grad_input[0]!.norm());
  }

  net.conv2.register_backward_hook(printgradnorm);

  out = net.call(input);
  err = loss_fn.call(out, target);
  err.backward();

  // a recurrent net: the same Linear layers reused at every time step
  const rnn = new RNN(50, 20, 10);

  loss_fn = new nn.MSELoss();

  const batch_size = 10;
  const TIMESTEPS = 5;

  // Create some fake data
  const batch = torch.randn(batch_size, 50);
  let hidden = torch.zeros(batch_size, 20);
  target = torch.zeros(batch_size, 10);

  let loss: Tensor | number = 0;
  for (let t = 0; t < TIMESTEPS; t++) {
    // yes! you can reuse the same network several times, sum up the losses, and call backward!
    let output: Tensor;
    [hidden, output] = rnn.call(batch, hidden);
    loss = loss_fn.call(output, target).add(loss);
  }
  (loss as Tensor).backward();
}

run_if_main(import.meta.url, main);
