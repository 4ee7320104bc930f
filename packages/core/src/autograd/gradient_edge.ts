// torch.autograd.graph.GradientEdge: a (node, output_nr) pair naming where a tensor's gradient flows, usable in
// place of the tensor as an input or output of autograd.grad / autograd.backward.
import type { Tensor } from '../tensor.js';
import { gradient_edge, type Node } from './node.js';

/**
 * PyTorch's `GradientEdge(node, output_nr)`: the gradient arriving at output `output_nr` of `node`. Destructures
 * like Python's namedtuple: `const [node, nr] = edge`.
 *
 * @example
 * const edge = new torch.autograd.graph.GradientEdge(x.grad_fn!, x.output_nr);
 * torch.autograd.grad(y.sum(), [edge]);
 */
export class GradientEdge {
  /** The edge to output `output_nr` of `node`. */
  constructor(
    /** The node the gradient flows into. */
    readonly node: Node,
    /** Which of the node's forward outputs the gradient is for. */
    readonly output_nr: number,
  ) {}
  /** Yields `node`, then `output_nr`, as Python unpacks the namedtuple. */
  *[Symbol.iterator](): Iterator<Node | number> {
    yield this.node;
    yield this.output_nr;
  }
}

/**
 * The edge a tensor's gradient flows to: its grad_fn (or its leaf's AccumulateGrad) and output number; it stays
 * valid when the tensor is later changed in place (PyTorch's `get_gradient_edge`).
 *
 * @example
 * const edge = torch.autograd.graph.get_gradient_edge(x);
 */
export function get_gradient_edge(tensor: Tensor): GradientEdge {
  const [node, nr] = gradient_edge(tensor);
  if (node === null) throw new Error('It is not possible to get the gradient edge for a Tensor that does not require gradients');
  return new GradientEdge(node, nr);
}
