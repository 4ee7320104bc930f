// Margin, ranking and embedding losses: SoftMarginLoss, MultiLabelSoftMarginLoss, HingeEmbeddingLoss,
// CosineEmbeddingLoss, MarginRankingLoss, MultiMarginLoss, MultiLabelMarginLoss, TripletMarginLoss,
// TripletMarginWithDistanceLoss.
import * as torch from '@tsgrad/core';
import { signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';
import { Loss, WeightedLoss, type LossArgs } from './loss_base.js';
import { PairwiseDistance } from './distance.js';

type Reduction = 'mean' | 'sum' | 'none';
type Legacy = { size_average?: boolean | null; reduce?: boolean | null; reduction?: Reduction };
type LegacyArgs = PyArgs<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction], Legacy>;
const LEGACY = (name: string) => signature<LossArgs>(`${name}(bool? size_average=None, bool? reduce=None, str reduction='mean')`);

const SOFT_MARGIN_SIG = LEGACY('SoftMarginLoss');
/** @example new nn.SoftMarginLoss().call(x, y) */
export class SoftMarginLoss extends Loss {
  static override readonly __name__: string = 'SoftMarginLoss';
  constructor(...args: LegacyArgs) {
    super(SOFT_MARGIN_SIG.parse(args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.soft_margin_loss(input, target, { reduction: this.reduction as Reduction });
  }
}

const MULTILABEL_MARGIN_SIG = LEGACY('MultiLabelMarginLoss');
export class MultiLabelMarginLoss extends Loss {
  static override readonly __name__: string = 'MultiLabelMarginLoss';
  constructor(...args: LegacyArgs) {
    super(MULTILABEL_MARGIN_SIG.parse(args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.multilabel_margin_loss(input, target, { reduction: this.reduction as Reduction });
  }
}

const MULTILABEL_SOFT_SIG = signature<LossArgs & { weight: Tensor | null }>("MultiLabelSoftMarginLoss(Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction='mean')");
export class MultiLabelSoftMarginLoss extends WeightedLoss {
  static override readonly __name__: string = 'MultiLabelSoftMarginLoss';
  constructor(...args: PyArgs<[weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], Legacy & { weight?: Tensor | null }>) {
    super(MULTILABEL_SOFT_SIG.parse(args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.multilabel_soft_margin_loss(input, target, { weight: this.weight, reduction: this.reduction as Reduction });
  }
}

const HINGE_SIG = signature<LossArgs & { margin: number }>("HingeEmbeddingLoss(float margin=1.0, bool? size_average=None, bool? reduce=None, str reduction='mean')");
export class HingeEmbeddingLoss extends Loss {
  static override readonly __name__: string = 'HingeEmbeddingLoss';
  readonly margin: number;
  constructor(...args: PyArgs<[margin: number, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], Legacy & { margin?: number }>) {
    const a = HINGE_SIG.parse(args);
    super(a);
    this.margin = a.margin;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.hinge_embedding_loss(input, target, { margin: this.margin, reduction: this.reduction as Reduction });
  }
}

const COSINE_EMB_SIG = signature<LossArgs & { margin: number }>("CosineEmbeddingLoss(float margin=0.0, bool? size_average=None, bool? reduce=None, str reduction='mean')");
export class CosineEmbeddingLoss extends Loss {
  static override readonly __name__: string = 'CosineEmbeddingLoss';
  readonly margin: number;
  constructor(...args: PyArgs<[margin: number, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], Legacy & { margin?: number }>) {
    const a = COSINE_EMB_SIG.parse(args);
    super(a);
    this.margin = a.margin;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return torch.cosine_embedding_loss(input1, input2, target, { margin: this.margin, reduction: this.reduction as Reduction });
  }
}

const MARGIN_RANK_SIG = signature<LossArgs & { margin: number }>("MarginRankingLoss(float margin=0.0, bool? size_average=None, bool? reduce=None, str reduction='mean')");
export class MarginRankingLoss extends Loss {
  static override readonly __name__: string = 'MarginRankingLoss';
  readonly margin: number;
  constructor(...args: PyArgs<[margin: number, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], Legacy & { margin?: number }>) {
    const a = MARGIN_RANK_SIG.parse(args);
    super(a);
    this.margin = a.margin;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return torch.margin_ranking_loss(input1, input2, target, { margin: this.margin, reduction: this.reduction as Reduction });
  }
}

const MULTI_MARGIN_SIG = signature<LossArgs & { p: number; margin: number; weight: Tensor | null }>(
  "MultiMarginLoss(int p=1, float margin=1.0, Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction='mean')");
export class MultiMarginLoss extends WeightedLoss {
  static override readonly __name__: string = 'MultiMarginLoss';
  readonly p: number;
  readonly margin: number;
  constructor(...args: PyArgs<[p: number, margin: number, weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], Legacy & { p?: number; margin?: number; weight?: Tensor | null }>) {
    const a = MULTI_MARGIN_SIG.parse(args);
    if (a.p !== 1 && a.p !== 2) throw new Error('only p == 1 and p == 2 supported');
    if (a.weight !== null && a.weight.ndim !== 1) throw new Error(`MultiMarginLoss: expected weight to be None or 1D tensor, got ${a.weight.ndim}D instead`);
    super(a);
    this.p = a.p;
    this.margin = a.margin;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.multi_margin_loss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction as Reduction });
  }
}

const TRIPLET_SIG = signature<LossArgs & { margin: number; p: number; eps: number; swap: boolean }>(
  "TripletMarginLoss(float margin=1.0, float p=2.0, float eps=1e-6, bool swap=False, bool? size_average=None, bool? reduce=None, str reduction='mean')");
export class TripletMarginLoss extends Loss {
  static override readonly __name__: string = 'TripletMarginLoss';
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  constructor(...args: PyArgs<[margin: number, p: number, eps: number, swap: boolean, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], Legacy & { margin?: number; p?: number; eps?: number; swap?: boolean }>) {
    const a = TRIPLET_SIG.parse(args);
    if (a.margin <= 0) throw new Error(`TripletMarginLoss: expected margin to be greater than 0, got ${a.margin} instead`);
    super(a);
    this.margin = a.margin;
    this.p = a.p;
    this.eps = a.eps;
    this.swap = a.swap;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return torch.triplet_margin_loss(anchor, positive, negative, { margin: this.margin, p: this.p, eps: this.eps, swap: this.swap, reduction: this.reduction as Reduction });
  }
}

type Distance = ((a: Tensor, b: Tensor) => Tensor) | Module;
const TRIPLET_DIST_SIG = signature<{ distance_function: Distance | null; margin: number; swap: boolean; reduction: string }>(
  "TripletMarginWithDistanceLoss(*, Any distance_function=None, float margin=1.0, bool swap=False, str reduction='mean')");
/** The triplet loss with any distance: a function or a module (default `nn.PairwiseDistance()`, a child module). */
export class TripletMarginWithDistanceLoss extends Loss {
  static override readonly __name__: string = 'TripletMarginWithDistanceLoss';
  readonly margin: number;
  readonly swap: boolean;
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
    return torch.triplet_margin_with_distance_loss(anchor, positive, negative, { distance_function: dist, margin: this.margin, swap: this.swap, reduction: this.reduction as Reduction });
  }
}
