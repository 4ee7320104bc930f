// Second-order autograd as PyTorch records it: the *BackwardBackward0 nodes of gradients taken with
// create_graph (fixtures/double_backward/, from real PyTorch), and the errors of second-order misuse.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { load_fixture } from './helpers.js';

interface NodeCase {
  name: string;
  grad_output_requires_grad: boolean;
  grads: { grad_fn: string | null; next: (string | null)[] }[];
}
const fixture = load_fixture<{ cases: NodeCase[] }>('double_backward/double_backward_nodes.json');

const gen = new torch.Generator().manual_seed(5);
const leaf = (...shape: number[]): Tensor => torch.randn(shape, { dtype: 'float64', generator: gen }).requires_grad_(true);
const t4 = torch.tensor([0, 2, 1, 1], { dtype: 'int64' });

/** The same calls as make_double_backward_nodes.py. */
const CALLS: Record<string, [(...xs: Tensor[]) => Tensor, () => Tensor[]]> = {
  conv2d: [(x, w, b) => torch.conv2d(x!, w!, b!, { padding: 1 }), () => [leaf(1, 2, 5, 5), leaf(3, 2, 3, 3), leaf(3)]],
  conv2d_input_only: [(x) => torch.conv2d(x!, torch.ones([3, 2, 3, 3], { dtype: 'float64' })), () => [leaf(1, 2, 5, 5)]],
  max_pool2d: [(x) => torch.max_pool2d(x!, 2), () => [leaf(1, 2, 4, 4)]],
  avg_pool2d: [(x) => torch.avg_pool2d(x!, 2), () => [leaf(1, 2, 4, 4)]],
  adaptive_avg_pool2d: [(x) => torch.adaptive_avg_pool2d(x!, [2, 3]), () => [leaf(1, 2, 5, 5)]],
  nll_loss: [(x) => torch.nll_loss(x!, t4), () => [leaf(4, 3)]],
  cross_entropy: [(x) => torch.cross_entropy(x!, t4), () => [leaf(4, 3)]],
  softmax: [(x) => torch.softmax(x!, 1), () => [leaf(4, 3)]],
  log_softmax: [(x) => torch.log_softmax(x!, 1), () => [leaf(4, 3)]],
  relu: [(x) => torch.relu(x!), () => [leaf(4, 3)]],
  leaky_relu: [(x) => torch.leaky_relu(x!, 0.2), () => [leaf(4, 3)]],
  mse_loss: [(x, y) => torch.mse_loss(x!, y!), () => [leaf(4, 3), leaf(4, 3)]],
  mse_loss_input_only: [(x) => torch.mse_loss(x!, torch.zeros([4, 3], { dtype: 'float64' })), () => [leaf(4, 3)]],
  sigmoid: [(x) => torch.sigmoid(x!), () => [leaf(4, 3)]],
  tanh: [(x) => torch.tanh(x!), () => [leaf(4, 3)]],
  smooth_l1_loss: [(x, y) => torch.smooth_l1_loss(x!, y!, { beta: 0.5 }), () => [leaf(4, 3), leaf(4, 3)]],
  interpolate_bilinear: [(x) => torch.interpolate(x!, { size: [5, 4], mode: 'bilinear', align_corners: false }), () => [leaf(1, 2, 3, 3)]],
  binary_cross_entropy: [(p) => torch.binary_cross_entropy(p!, torch.full([4, 3], 0.3, { dtype: 'float64' })), () => [torch.rand([4, 3], { dtype: 'float64', generator: gen }).mul(0.8).add(0.1).requires_grad_(true)]],
};

describe('gradients taken with create_graph record PyTorch nodes', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const [fn, inputs] = CALLS[c.name]!;
      const xs = inputs();
      const out = fn(...xs);
      const grads = torch.autograd.grad(out, xs, { grad_outputs: torch.randn(out.shape, { dtype: 'float64', generator: gen }).requires_grad_(c.grad_output_requires_grad), create_graph: true });
      const seen = grads.map((g) => ({
        grad_fn: g!.grad_fn?.name() ?? null,
        next: g!.grad_fn?.next_functions.map(([n]) => n?.name() ?? null) ?? [],
      }));
      expect(seen).toEqual(c.grads);
    });
  }
});

describe('second-order misuse raises what PyTorch raises', () => {
  const E2 = /^Trying to backward through the graph a second time \(or directly access saved tensors after they have already been freed\)/;
  const x = (): Tensor => leaf(1, 1, 4, 4);
  const w = leaf(1, 1, 3, 3);

  it('a gradient taken without create_graph has no graph to differentiate', () => {
    const xs = x();
    const [g] = torch.autograd.grad(torch.conv2d(xs, w).pow(2).sum(), [xs]);
    expect(g!.requires_grad).toBe(false);
    expect(() => torch.autograd.grad(g!.sum(), [xs])).toThrow('element 0 of tensors does not require grad and does not have a grad_fn');
  });

  it('create_graph retains the first graph unless retain_graph is false', () => {
    const xs = x();
    const y = torch.conv2d(xs, w).pow(2).sum();
    const [g] = torch.autograd.grad(y, [xs], { create_graph: true });
    // the second derivative runs back through the first graph (pow reads the conv output)
    torch.autograd.grad(g!.sum(), [xs], { retain_graph: true });
    y.backward();
    const y2 = torch.conv2d(xs, w).pow(2).sum();
    const [g2] = torch.autograd.grad(y2, [xs], { create_graph: true, retain_graph: false });
    expect(() => g2!.sum().backward()).toThrow(E2);
    // a linear first graph is not needed by the second-order one, but is freed all the same
    const y3 = torch.conv2d(xs, w).sum();
    const [g3] = torch.autograd.grad(y3, [xs], { create_graph: true, retain_graph: false });
    g3!.sum().backward();
    expect(() => y3.backward()).toThrow(E2);
  });

  it('the second-order graph is freed by its own backward', () => {
    const xs = x();
    const [g] = torch.autograd.grad(torch.conv2d(xs, w).pow(2).sum(), [xs], { create_graph: true });
    const h = g!.pow(2).sum();
    h.backward();
    expect(() => h.backward()).toThrow(E2);
  });

  it('a second derivative that runs back through a freed first-order node', () => {
    // pow's gradient reads the pooled output, so its derivative goes back through MaxPool2DWithIndicesBackward0
    const xs = x();
    const [g] = torch.autograd.grad(torch.max_pool2d(xs, 2).pow(2).sum(), [xs], { create_graph: true, retain_graph: false });
    expect(() => torch.autograd.grad(g!.sum(), [xs])).toThrow(E2);
  });

  it('a second derivative PyTorch does not implement raises its error', () => {
    const xs = leaf(3, 4);
    const cases: [string, () => Tensor][] = [
      ['multi_margin_loss_backward', () => torch.multi_margin_loss(xs, t4.index([{ stop: 3 }]))],
      ['multilabel_margin_loss_backward', () => torch.multilabel_margin_loss(xs, torch.tensor([[3, 0, -1, 1], [1, 2, 3, -1], [2, -1, 0, 0]], { dtype: 'int64' }))],
    ];
    for (const [op, loss] of cases) {
      const [g] = torch.autograd.grad(loss(), [xs], { create_graph: true });
      expect(g!.grad_fn!.name()).toBe('NotImplemented');
      expect(() => g!.sum().backward()).toThrow(`derivative for aten::${op} is not implemented`);
    }
    const x = leaf(6, 2, 4);
    const ctc = torch.ctc_loss(torch.log_softmax(x, 2), torch.tensor([[1, 2, 2], [3, 1, 0]], { dtype: 'int64' }), [6, 5], [3, 2]);
    const [g] = torch.autograd.grad(ctc, [x], { create_graph: true });
    // as PyTorch: the log_softmax rule wraps the ctc rule's NotImplemented node
    expect(g!.grad_fn!.name()).toBe('LogSoftmaxBackwardDataBackward0');
    expect(() => g!.sum().backward()).toThrow('derivative for aten::_ctc_loss_backward is not implemented');
  });
});
