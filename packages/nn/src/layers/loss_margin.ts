// Margin, ranking and embedding losses: SoftMarginLoss, MultiLabelSoftMarginLoss, HingeEmbeddingLoss,
// CosineEmbeddingLoss, MarginRankingLoss, MultiMarginLoss, MultiLabelMarginLoss, TripletMarginLoss,
// TripletMarginWithDistanceLoss.
import * as torch from '@tsgrad/core';
import { signature, type PyArgs, type Reduction, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';
import { Loss, WeightedLoss, type LossArgs } from './loss_base.js';
import { PairwiseDistance } from './distance.js';

type LegacyArgs = PyArgs<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction], LossArgs>;
const LEGACY = (name: string) => signature<LossArgs>(`${name}(bool? size_average=None, bool? reduce=None, str reduction='mean')`);

const SOFT_MARGIN_SIG = LEGACY('SoftMarginLoss');
/**
 * Two-class logistic loss `log(1 + e^(−y·x))` with targets y ∈ {1, −1}.
 *
 * @example
 * new nn.SoftMarginLoss().call(x, y)
 */
export class SoftMarginLoss extends Loss {
  static override readonly __name__: string = 'SoftMarginLoss';
  constructor(...args: LegacyArgs) {
    super(SOFT_MARGIN_SIG.parse(args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.soft_margin_loss(input, target, { reduction: this.reduction });
  }
}

const MULTILABEL_MARGIN_SIG = LEGACY('MultiLabelMarginLoss');
/**
 * Multi-class multi-label hinge loss: `target` holds class indices, ended by the first −1; `Σ max(0, 1 − (x[y] − x[i])) / C` over the target classes y and the other classes i.
 *
 * @example
 * new nn.MultiLabelMarginLoss().call(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([[3, 0, -1, 1]], { dtype: torch.int64 })); // tensor(0.8500)
 */
export class MultiLabelMarginLoss extends Loss {
  static override readonly __name__: string = 'MultiLabelMarginLoss';
  constructor(...args: LegacyArgs) {
    super(MULTILABEL_MARGIN_SIG.parse(args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.multilabel_margin_loss(input, target, { reduction: this.reduction });
  }
}

const MULTILABEL_SOFT_SIG = signature<LossArgs & { weight: Tensor | null }>("MultiLabelSoftMarginLoss(Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * Multi-label one-versus-all loss from logits `[N, C]` and 0/1 targets: the mean over classes of the binary cross-entropy.
 *
 * @example
 * new nn.MultiLabelSoftMarginLoss().call(logits, torch.tensor([[1, 0, 1]]));
 */
export class MultiLabelSoftMarginLoss extends WeightedLoss {
  static override readonly __name__: string = 'MultiLabelSoftMarginLoss';
  constructor(...args: PyArgs<[weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], LossArgs & { weight?: Tensor | null }>) {
    super(MULTILABEL_SOFT_SIG.parse(args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.multilabel_soft_margin_loss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

const HINGE_SIG = signature<LossArgs & { margin: number }>("HingeEmbeddingLoss(float margin=1.0, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * For targets y ∈ {1, −1}: `x` where y = 1, `max(0, margin − x)` where y = −1 (x is typically a distance).
 *
 * @example
 * new nn.HingeEmbeddingLoss({ margin: 2 }).call(distances, labels);
 */
export class HingeEmbeddingLoss extends Loss {
  static override readonly __name__: string = 'HingeEmbeddingLoss';
  /** The margin. Default 1. */
  readonly margin: number;
  constructor(...args: PyArgs<[margin: number, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], LossArgs & { margin?: number }>) {
    const a = HINGE_SIG.parse(args);
    super(a);
    this.margin = a.margin;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.hinge_embedding_loss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

const COSINE_EMB_SIG = signature<LossArgs & { margin: number }>("CosineEmbeddingLoss(float margin=0.0, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * Whether pairs are similar (y = 1: `1 − cos(x₁, x₂)`) or not (y = −1: `max(0, cos(x₁, x₂) − margin)`).
 *
 * @example
 * new nn.CosineEmbeddingLoss().call(a, b, torch.tensor([1, -1]));
 */
export class CosineEmbeddingLoss extends Loss {
  static override readonly __name__: string = 'CosineEmbeddingLoss';
  /** Margin for dissimilar pairs, in [-1, 1] (0 to 0.5 suggested). Default 0. */
  readonly margin: number;
  constructor(...args: PyArgs<[margin: number, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], LossArgs & { margin?: number }>) {
    const a = COSINE_EMB_SIG.parse(args);
    super(a);
    this.margin = a.margin;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return torch.cosine_embedding_loss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

const MARGIN_RANK_SIG = signature<LossArgs & { margin: number }>("MarginRankingLoss(float margin=0.0, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * Ranking loss `max(0, −y·(x₁ − x₂) + margin)`: y = 1 means x₁ should rank higher, y = −1 the reverse.
 *
 * @example
 * new nn.MarginRankingLoss({ margin: 0.5 }).call(score_a, score_b, torch.tensor([1, -1, 1]));
 */
export class MarginRankingLoss extends Loss {
  static override readonly __name__: string = 'MarginRankingLoss';
  /** The margin. Default 0. */
  readonly margin: number;
  constructor(...args: PyArgs<[margin: number, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], LossArgs & { margin?: number }>) {
    const a = MARGIN_RANK_SIG.parse(args);
    super(a);
    this.margin = a.margin;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return torch.margin_ranking_loss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

const MULTI_MARGIN_SIG = signature<LossArgs & { p: number; margin: number; weight: Tensor | null }>(
  "MultiMarginLoss(int p=1, float margin=1.0, Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * Multi-class hinge loss: `Σᵢ max(0, margin − x[y] + x[i])ᵖ / C` over the classes i ≠ y.
 *
 * @example
 * new nn.MultiMarginLoss().call(logits, torch.tensor([3], { dtype: torch.int64 }));
 */
export class MultiMarginLoss extends WeightedLoss {
  static override readonly __name__: string = 'MultiMarginLoss';
  /** Exponent of the hinge: 1 (default) or 2. */
  readonly p: number;
  /** The margin. Default 1. */
  readonly margin: number;
  constructor(...args: PyArgs<[p: number, margin: number, weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], LossArgs & { p?: number; margin?: number; weight?: Tensor | null }>) {
    const a = MULTI_MARGIN_SIG.parse(args);
    if (a.p !== 1 && a.p !== 2) throw new Error('only p == 1 and p == 2 supported');
    if (a.weight !== null && a.weight.ndim !== 1) throw new Error(`MultiMarginLoss: expected weight to be None or 1D tensor, got ${a.weight.ndim}D instead`);
    super(a);
    this.p = a.p;
    this.margin = a.margin;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.multi_margin_loss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction });
  }
}

const TRIPLET_SIG = signature<LossArgs & { margin: number; p: number; eps: number; swap: boolean }>(
  "TripletMarginLoss(float margin=1.0, float p=2.0, float eps=1e-6, bool swap=False, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * Triplet loss `max(d(a, p) − d(a, n) + margin, 0)` with the p-norm distance d (PyTorch's `TripletMarginLoss`).
 *
 * @example
 * new nn.TripletMarginLoss({ margin: 1, p: 2 }).call(anchor, positive, negative);
 */
export class TripletMarginLoss extends Loss {
  static override readonly __name__: string = 'TripletMarginLoss';
  /** The margin. Default 1. */
  readonly margin: number;
  /** Norm degree of the pairwise distance. Default 2. */
  readonly p: number;
  /** Added to the difference for numerical stability. Default 1e-6. */
  readonly eps: number;
  /**
   * Use the distance swap (Balntas et al.): the negative's distance is the smaller of anchor–negative and
   * positive–negative.
   */
  readonly swap: boolean;
  constructor(...args: PyArgs<[margin: number, p: number, eps: number, swap: boolean, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], LossArgs & { margin?: number; p?: number; eps?: number; swap?: boolean }>) {
    const a = TRIPLET_SIG.parse(args);
    if (a.margin <= 0) throw new Error(`TripletMarginLoss: expected margin to be greater than 0, got ${a.margin} instead`);
    super(a);
    this.margin = a.margin;
    this.p = a.p;
    this.eps = a.eps;
    this.swap = a.swap;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return torch.triplet_margin_loss(anchor, positive, negative, { margin: this.margin, p: this.p, eps: this.eps, swap: this.swap, reduction: this.reduction });
  }
}

type Distance = ((a: Tensor, b: Tensor) => Tensor) | Module;
const TRIPLET_DIST_SIG = signature<{ distance_function: Distance | null; margin: number; swap: boolean; reduction: Reduction }>(
  "TripletMarginWithDistanceLoss(*, Any distance_function=None, float margin=1.0, bool swap=False, str reduction='mean')");
/**
 * The triplet loss with any distance: a function or a module (default `nn.PairwiseDistance()`, a child module).
 *
 * @example
 * const cos = (a: Tensor, b: Tensor) => torch.ones([a.shape[0]!]).sub(F.cosine_similarity(a, b));
 * new nn.TripletMarginWithDistanceLoss({ distance_function: cos }).call(anchor, positive, negative);
 */
export class TripletMarginWithDistanceLoss extends Loss {
  static override readonly __name__: string = 'TripletMarginWithDistanceLoss';
  /** The margin. Default 1. */
  readonly margin: number;
  /** Use the distance swap: the negative's distance is the smaller of anchor–negative and positive–negative. */
  readonly swap: boolean;
  /** The distance: a function of two tensors or a module (a child module when it is one). */
  declare distance_function: Distance;
  constructor(options: { distance_function?: Distance | null; margin?: number; swap?: boolean; reduction?: Reduction } = {}) {
    const a = TRIPLET_DIST_SIG.parse([options]);
    if (a.margin <= 0) throw new Error(`TripletMarginWithDistanceLoss: expected margin to be greater than 0, got ${a.margin} instead`);
    super(a);
    this.margin = a.margin;
    this.swap = a.swap;
    this.distance_function = a.distance_function ?? new PairwiseDistance();
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const d = this.distance_function;
    const dist = d instanceof Module ? (a: Tensor, b: Tensor) => d.call(a, b) as Tensor : d;
    return torch.triplet_margin_with_distance_loss(anchor, positive, negative, { distance_function: dist, margin: this.margin, swap: this.swap, reduction: this.reduction });
  }
}
