// The fixtures' small nets (fixtures/attr/attr_nets.py) in tsgrad: same module trees and state_dict keys.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { BasicBlock } from '../../src/models/resnet.js';
import { T, type TensorJSON } from '../fixture_utils.js';

const cnn = (): nn.Module =>
  new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(4, 6, 3), new nn.ReLU(), new nn.Flatten(),
    new nn.Linear(54, 8), new nn.ReLU(), new nn.Linear(8, 4));

class Block extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu1: nn.ReLU;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  relu2: nn.ReLU;
  constructor(c: number, readonly inplace = false) {
    super();
    this.conv1 = new nn.Conv2d(c, c, 3, { padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(c);
    this.relu1 = new nn.ReLU({ inplace });
    this.conv2 = new nn.Conv2d(c, c, 3, { padding: 1, bias: false });
    this.bn2 = new nn.BatchNorm2d(c);
    this.relu2 = new nn.ReLU({ inplace });
  }
  override forward(x: Tensor): Tensor {
    const out = this.bn2.call(this.conv2.call(this.relu1.call(this.bn1.call(this.conv1.call(x)))));
    return this.relu2.call(this.inplace ? out.add_(x) : out.add(x));
  }
}

class ResNetTiny extends nn.Module {
  stem: nn.Sequential;
  block: Block;
  head = new nn.Sequential(new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 3));
  constructor(inplace = false) {
    super();
    this.stem = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU({ inplace }));
    this.block = new Block(4, inplace);
  }
  override forward(x: Tensor): Tensor {
    return this.head.call(this.block.call(this.stem.call(x)));
  }
}

/** torchvision's BasicBlock twice (a reused in-place ReLU, in-place residual add, a strided 1×1-conv + BN shortcut). */
class ResNetTV extends nn.Module {
  conv1 = new nn.Conv2d(3, 8, 3, { padding: 1, bias: false });
  bn1 = new nn.BatchNorm2d(8);
  relu = new nn.ReLU({ inplace: true });
  layer1 = new nn.Sequential(new BasicBlock(8, 8));
  layer2 = new nn.Sequential(new BasicBlock(8, 12, { stride: 2, downsample: new nn.Sequential(new nn.Conv2d(8, 12, 1, { stride: 2, bias: false }), new nn.BatchNorm2d(12)) }));
  avgpool = new nn.AdaptiveAvgPool2d(1);
  fc = new nn.Linear(12, 4);
  override forward(x: Tensor): Tensor {
    const y = this.layer2.call(this.layer1.call(this.relu.call(this.bn1.call(this.conv1.call(x)))));
    return this.fc.call(torch.flatten(this.avgpool.call(y), 1));
  }
}

const mlp = (): nn.Module => new nn.Sequential(new nn.Linear(6, 5), new nn.Tanh(), new nn.Linear(5, 5), new nn.Sigmoid(), new nn.Linear(5, 3));

class TwoInput extends nn.Module {
  l1 = new nn.Linear(4, 5);
  relu = new nn.ReLU();
  fc = new nn.Linear(8, 3);
  override forward(x1: Tensor, x2: Tensor, scale: number): Tensor {
    return this.fc.call(torch.cat([this.relu.call(this.l1.call(x1)), x2], 1)).mul(scale);
  }
}

const BUILDERS: Record<string, () => nn.Module> = { cnn, resnet: () => new ResNetTiny(), mlp, two_input: () => new TwoInput(), resnet_tv: () => new ResNetTV(), resnet_inplace: () => new ResNetTiny(true) };

/** The net `name` with the fixture's weights, in eval mode. */
export function build_net(name: string, state_dict: Record<string, TensorJSON>): nn.Module {
  const net = BUILDERS[name]!();
  net.load_state_dict(Object.fromEntries(Object.entries(state_dict).map(([k, v]) => [k, T(v)])));
  return net.eval();
}

/** Decodes fixture values: `{shape, data}` objects become Tensors, arrays stay arrays (Python tuples), the rest as is. */
export function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') {
    if ('shape' in v && 'data' in v) return T(v as TensorJSON);
    if ('$slice' in v) {
      const [start, stop] = (v as { $slice: [number | null, number | null] }).$slice;
      return { ...(start === null ? {} : { start }), ...(stop === null ? {} : { stop }) };
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}
