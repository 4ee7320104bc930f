// Distance modules: CosineSimilarity and PairwiseDistance (their F forms live in @tsgrad/core).
import * as torch from '@tsgrad/core';
import { signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';

const COSINE_SIG = signature<{ dim: number; eps: number }>('CosineSimilarity(int dim=1, float eps=1e-8)');
/**
 * Cosine similarity of two inputs along `dim`: `x₁·x₂ / max(‖x₁‖·‖x₂‖, eps)`.
 *
 * @example
 * new nn.CosineSimilarity({ dim: 1 }).call(a, b)
 */
export class CosineSimilarity extends Module {
  static override readonly __name__: string = 'CosineSimilarity';
  /** The dim along which the similarity is computed. Default 1. */
  readonly dim: number;
  /** Lower bound of the norms product, avoiding division by zero. Default 1e-8. */
  readonly eps: number;
  constructor(...args: PyArgs<[dim: number, eps: number], { dim?: number; eps?: number }>) {
    super();
    ({ dim: this.dim, eps: this.eps } = COSINE_SIG.parse(args));
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return torch.cosine_similarity(x1, x2, this.dim, this.eps);
  }
}

const PAIRWISE_SIG = signature<{ p: number; eps: number; keepdim: boolean }>('PairwiseDistance(float p=2.0, float eps=1e-6, bool keepdim=False)');
/**
 * p-norm distance between corresponding rows of two inputs: `‖x₁ − x₂ + eps‖ₚ`.
 *
 * @example
 * new nn.PairwiseDistance({ p: 1 }).call(a, b)
 */
export class PairwiseDistance extends Module {
  static override readonly __name__: string = 'PairwiseDistance';
  /** The norm degree p. Default 2. */
  readonly norm: number;
  /** Added to the difference, avoiding division by zero. Default 1e-6. */
  readonly eps: number;
  /** Whether the reduced dim is kept (size 1). Default false. */
  readonly keepdim: boolean;
  constructor(...args: PyArgs<[p: number, eps: number, keepdim: boolean], { p?: number; eps?: number; keepdim?: boolean }>) {
    super();
    const a = PAIRWISE_SIG.parse(args);
    this.norm = a.p;
    this.eps = a.eps;
    this.keepdim = a.keepdim;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return torch.pairwise_distance(x1, x2, this.norm, this.eps, this.keepdim);
  }
}
