// Regression and likelihood losses: SmoothL1Loss, HuberLoss, KLDivLoss, PoissonNLLLoss, GaussianNLLLoss,
// CTCLoss, and the deprecated NLLLoss2d.
import * as torch from '@tsgrad/core';
import { signature, warn, type PyArgs, type Tensor } from '@tsgrad/core';
import { Loss, WeightedLoss, type LossArgs } from './loss_base.js';

type Reduction = 'mean' | 'sum' | 'none';
type Legacy = { size_average?: boolean | null; reduce?: boolean | null; reduction?: Reduction };

const SMOOTH_L1_SIG = signature<LossArgs & { beta: number }>("SmoothL1Loss(bool? size_average=None, bool? reduce=None, str reduction='mean', float beta=1.0)");
/** @example new nn.SmoothL1Loss({ beta: 0.5 }).call(x, y) */
export class SmoothL1Loss extends Loss {
  static override readonly __name__: string = 'SmoothL1Loss';
  readonly beta: number;
  constructor(...args: PyArgs<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction, beta: number], Legacy & { beta?: number }>) {
    const a = SMOOTH_L1_SIG.parse(args);
    super(a);
    this.beta = a.beta;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.smooth_l1_loss(input, target, { reduction: this.reduction as Reduction, beta: this.beta });
  }
}

const HUBER_SIG = signature<LossArgs & { delta: number }>("HuberLoss(str reduction='mean', float delta=1.0)");
export class HuberLoss extends Loss {
  static override readonly __name__: string = 'HuberLoss';
  readonly delta: number;
  constructor(...args: PyArgs<[reduction: Reduction, delta: number], { reduction?: Reduction; delta?: number }>) {
    const a = HUBER_SIG.parse(args);
    super(a);
    this.delta = a.delta;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.huber_loss(input, target, { reduction: this.reduction as Reduction, delta: this.delta });
  }
}

const KL_SIG = signature<LossArgs & { log_target: boolean }>("KLDivLoss(bool? size_average=None, bool? reduce=None, str reduction='mean', bool log_target=False)");
/** KL divergence of `target` from `exp(input)`; use `{ reduction: 'batchmean' }` for the mathematical definition. */
export class KLDivLoss extends Loss {
  static override readonly __name__: string = 'KLDivLoss';
  readonly log_target: boolean;
  constructor(...args: PyArgs<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction | 'batchmean', log_target: boolean], { size_average?: boolean | null; reduce?: boolean | null; reduction?: Reduction | 'batchmean'; log_target?: boolean }>) {
    const a = KL_SIG.parse(args);
    super(a);
    this.log_target = a.log_target;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.kl_div(input, target, { reduction: this.reduction, log_target: this.log_target });
  }
}

const POISSON_SIG = signature<LossArgs & { log_input: boolean; full: boolean; eps: number }>(
  "PoissonNLLLoss(bool log_input=True, bool full=False, bool? size_average=None, float eps=1e-8, bool? reduce=None, str reduction='mean')");
export class PoissonNLLLoss extends Loss {
  static override readonly __name__: string = 'PoissonNLLLoss';
  readonly log_input: boolean;
  readonly full: boolean;
  readonly eps: number;
  constructor(...args: PyArgs<[log_input: boolean, full: boolean, size_average: boolean | null, eps: number, reduce: boolean | null, reduction: Reduction], Legacy & { log_input?: boolean; full?: boolean; eps?: number }>) {
    const a = POISSON_SIG.parse(args);
    super(a);
    this.log_input = a.log_input;
    this.full = a.full;
    this.eps = a.eps;
  }
  override forward(log_input: Tensor, target: Tensor): Tensor {
    return torch.poisson_nll_loss(log_input, target, { log_input: this.log_input, full: this.full, eps: this.eps, reduction: this.reduction as Reduction });
  }
}

const GAUSSIAN_SIG = signature<LossArgs & { full: boolean; eps: number }>("GaussianNLLLoss(*, bool full=False, float eps=1e-6, str reduction='mean')");
export class GaussianNLLLoss extends Loss {
  static override readonly __name__: string = 'GaussianNLLLoss';
  readonly full: boolean;
  readonly eps: number;
  constructor(options: { full?: boolean; eps?: number; reduction?: Reduction } = {}) {
    const a = GAUSSIAN_SIG.parse([options]);
    super(a);
    this.full = a.full;
    this.eps = a.eps;
  }
  override forward(input: Tensor, target: Tensor, var_: Tensor): Tensor {
    return torch.gaussian_nll_loss(input, target, var_, { full: this.full, eps: this.eps, reduction: this.reduction as Reduction });
  }
}

const CTC_SIG = signature<LossArgs & { blank: number; zero_infinity: boolean }>("CTCLoss(int blank=0, str reduction='mean', bool zero_infinity=False)");
/** Connectionist temporal classification: `call(log_probs [T, N, C], targets, input_lengths, target_lengths)`. */
export class CTCLoss extends Loss {
  static override readonly __name__: string = 'CTCLoss';
  readonly blank: number;
  readonly zero_infinity: boolean;
  constructor(...args: PyArgs<[blank: number, reduction: Reduction, zero_infinity: boolean], { blank?: number; reduction?: Reduction; zero_infinity?: boolean }>) {
    const a = CTC_SIG.parse(args);
    super(a);
    this.blank = a.blank;
    this.zero_infinity = a.zero_infinity;
  }
  override forward(log_probs: Tensor, targets: Tensor, input_lengths: Tensor | number[], target_lengths: Tensor | number[]): Tensor {
    return torch.ctc_loss(log_probs, targets, input_lengths, target_lengths, { blank: this.blank, reduction: this.reduction as Reduction, zero_infinity: this.zero_infinity });
  }
}

const NLL2D_SIG = signature<LossArgs & { weight: Tensor | null; ignore_index: number }>(
  "NLLLoss2d(Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction='mean')");
/** Deprecated alias of `nn.NLLLoss` for `[N, C, H, W]` scores (warns as PyTorch does). */
export class NLLLoss2d extends WeightedLoss {
  static override readonly __name__: string = 'NLLLoss2d';
  readonly ignore_index: number;
  constructor(...args: PyArgs<[weight: Tensor | null, size_average: boolean | null, ignore_index: number, reduce: boolean | null, reduction: Reduction], Legacy & { weight?: Tensor | null; ignore_index?: number }>) {
    const a = NLL2D_SIG.parse(args);
    warn('NLLLoss2d has been deprecated. Please use NLLLoss instead as a drop-in replacement and see https://pytorch.org/docs/master/nn.html#torch.nn.NLLLoss for more details.');
    super(a);
    this.ignore_index = a.ignore_index;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.nll_loss(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction as Reduction });
  }
}
