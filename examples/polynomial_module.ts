// PyTorch: Custom nn Modules, ported line by line:
// https://pytorch.org/tutorials/beginner/examples_nn/polynomial_module.html
// (source: https://github.com/pytorch/tutorials/blob/main/beginner_source/examples_nn/polynomial_module.py)
// A third order polynomial y = a + b x + c x^2 + d x^3 as a Module subclass, trained with MSELoss and SGD to
// predict sin(x) on [-pi, pi]. Its parameters start from torch.randn(()), as in the tutorial.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { run_if_main, type Log } from './run_main.js';

class Polynomial3 extends nn.Module {
  a: nn.Parameter;
  b: nn.Parameter;
  c: nn.Parameter;
  d: nn.Parameter;

  /** In the constructor we instantiate four parameters and assign them as member parameters. */
  constructor() {
    super();
    this.a = new nn.Parameter(torch.randn([]));
    this.b = new nn.Parameter(torch.randn([]));
    this.c = new nn.Parameter(torch.randn([]));
    this.d = new nn.Parameter(torch.randn([]));
  }

  /**
   * In the forward function we accept a Tensor of input data and we must return a Tensor of output data. We can
   * use Modules defined in the constructor as well as arbitrary operators on Tensors.
   */
  override forward(x: Tensor): Tensor {
    return this.a.add(this.b.mul(x)).add(this.c.mul(x.pow(2))).add(this.d.mul(x.pow(3)));
  }

  /** Just like any class, you can also define custom methods on modules. */
  string(): string {
    return `y = ${this.a.item()} + ${this.b.item()} x + ${this.c.item()} x^2 + ${this.d.item()} x^3`;
  }
}

export function main(print: Log = console.log): void {
  // Create Tensors to hold input and outputs.
  const x = torch.linspace(-Math.PI, Math.PI, 2000);
  const y = torch.sin(x);

  // Construct our model by instantiating the class defined above
  const model = new Polynomial3();

  // Construct our loss function and an Optimizer. The call to model.parameters() in the SGD constructor will
  // contain the learnable parameters (defined with nn.Parameter) which are members of the model.
  const criterion = new nn.MSELoss({ reduction: 'sum' });
  const optimizer = new nn.optim.SGD(model.parameters(), { lr: 1e-6 });
  for (let t = 0; t < 2000; t++) {
    // Forward pass: Compute predicted y by passing x to the model
    const y_pred = model.call(x);

    // Compute and print loss
    const loss = criterion.call(y_pred, y);
    if (t % 100 === 99) print(t, loss.item());

    // Zero gradients, perform a backward pass, and update the weights.
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }

  print(`Result: ${model.string()}`);
}

run_if_main(import.meta.url, main);
