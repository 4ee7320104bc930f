// PyTorch's test_module_hooks.py models: Net (two Sequentials of two Linear layers) and ToyModel (two Nets).
import type { Tensor } from '@tsgrad/core';
import * as nn from '../src/index.js';

/** Two Sequentials of two `Linear(width, width)` each, applied in turn. */
export class Net extends nn.Module {
  seq1: nn.Sequential;
  seq2: nn.Sequential;
  constructor(width = 10) {
    super();
    this.seq1 = new nn.Sequential(new nn.Linear(width, width), new nn.Linear(width, width));
    this.seq2 = new nn.Sequential(new nn.Linear(width, width), new nn.Linear(width, width));
  }
  override forward(x: Tensor): Tensor {
    return this.seq2.call(this.seq1.call(x));
  }
}

/** Two Nets applied in turn: hooks on the nested modules fire in a known order. */
export class ToyModel extends nn.Module {
  net1: Net;
  net2: Net;
  constructor(width = 10) {
    super();
    this.net1 = new Net(width);
    this.net2 = new Net(width);
  }
  override forward(x: Tensor): Tensor {
    return this.net2.call(this.net1.call(x));
  }
}
