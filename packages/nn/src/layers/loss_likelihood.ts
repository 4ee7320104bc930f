// Regression and likelihood losses: SmoothL1Loss, HuberLoss, KLDivLoss, PoissonNLLLoss, GaussianNLLLoss,
// CTCLoss, and the deprecated NLLLoss2d.
import * as torch from '@tsgrad/core';
import { signature, warn, type PyArgs, type Reduction, type Tensor } from '@tsgrad/core';
import { Loss, WeightedLoss, type LossArgs } from './loss_base.js';


const SMOOTH_L1_SIG = signature<LossArgs & { beta: number }>("SmoothL1Loss(bool? size_average=None, bool? reduce=None, str reduction='mean', float beta=1.0)");
/**
 * Squared error below `beta`, absolute error above it: `0.5·d²/beta` if |d| < beta, else `|d| − 0.5·beta`.
 *
 * @example
 * new nn.SmoothL1Loss({ beta: 0.5 }).call(x, y)
 */
export class SmoothL1Loss extends Loss {
  static override readonly __name__: string = 'SmoothL1Loss';
  /** Where the loss changes from squared to absolute. Default 1. */
  readonly beta: number;
  constructor(...args: PyArgs<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction, beta: number], LossArgs & { beta?: number }>) {
    const a = SMOOTH_L1_SIG.parse(args);
    super(a);
    this.beta = a.beta;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.smooth_l1_loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

const HUBER_SIG = signature<LossArgs & { delta: number }>("HuberLoss(str reduction='mean', float delta=1.0)");
/**
 * Squared error below `delta`, linear above: `0.5·d²` if |d| < delta, else `delta·(|d| − 0.5·delta)`.
 *
 * @example
 * new nn.HuberLoss({ delta: 0.5 }).call(prediction, target);
 */
export class HuberLoss extends Loss {
  static override readonly __name__: string = 'HuberLoss';
  /** Where the loss changes from squared to linear. Default 1. */
  readonly delta: number;
  constructor(...args: PyArgs<[reduction: Reduction, delta: number], { reduction?: Reduction; delta?: number }>) {
    const a = HUBER_SIG.parse(args);
    super(a);
    this.delta = a.delta;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.huber_loss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

const KL_SIG = signature<LossArgs & { log_target: boolean }>("KLDivLoss(bool? size_average=None, bool? reduce=None, str reduction='mean', bool log_target=False)");
/**
 * KL divergence of `target` from `exp(input)`; use `{ reduction: 'batchmean' }` for the mathematical definition.
 *
 * @example
 * new nn.KLDivLoss({ reduction: 'batchmean' }).call(F.log_softmax(logits, 1), target_probs);
 */
export class KLDivLoss extends Loss {
  static override readonly __name__: string = 'KLDivLoss';
  /** Whether the target is given as log-probabilities. Default false. */
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
/**
 * Negative log-likelihood of a Poisson-distributed target with rate `exp(input)` (or `input`).
 *
 * @example
 * new nn.PoissonNLLLoss().call(log_rate, counts);
 */
export class PoissonNLLLoss extends Loss {
  static override readonly __name__: string = 'PoissonNLLLoss';
  /** Whether the input is the log-rate (`exp(x) − y·x`) rather than the rate (`x − y·log(x + eps)`). Default true. */
  readonly log_input: boolean;
  /** Whether to add Stirling's approximation term `y·log y − y + ½·log(2πy)`. Default false. */
  readonly full: boolean;
  /** Added inside the log when `log_input` is false. Default 1e-8. */
  readonly eps: number;
  constructor(...args: PyArgs<[log_input: boolean, full: boolean, size_average: boolean | null, eps: number, reduce: boolean | null, reduction: Reduction], LossArgs & { log_input?: boolean; full?: boolean; eps?: number }>) {
    const a = POISSON_SIG.parse(args);
    super(a);
    this.log_input = a.log_input;
    this.full = a.full;
    this.eps = a.eps;
  }
  override forward(log_input: Tensor, target: Tensor): Tensor {
    return torch.poisson_nll_loss(log_input, target, { log_input: this.log_input, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

const GAUSSIAN_SIG = signature<LossArgs & { full: boolean; eps: number }>("GaussianNLLLoss(*, bool full=False, float eps=1e-6, str reduction='mean')");
/**
 * Negative log-likelihood of the target under a Gaussian with predicted mean `input` and variance `var`: `½·(log var + (input − target)² / var)`; `call(input, target, var)`.
 *
 * @example
 * new nn.GaussianNLLLoss().call(mean, target, torch.ones([5, 1]));
 */
export class GaussianNLLLoss extends Loss {
  static override readonly __name__: string = 'GaussianNLLLoss';
  /** Whether to add the constant `½·log(2π)`. Default false. */
  readonly full: boolean;
  /** Lower clamp of the variance, for stability. Default 1e-6. */
  readonly eps: number;
  constructor(options: { full?: boolean; eps?: number; reduction?: Reduction } = {}) {
    const a = GAUSSIAN_SIG.parse([options]);
    super(a);
    this.full = a.full;
    this.eps = a.eps;
  }
  override forward(input: Tensor, target: Tensor, var_: Tensor): Tensor {
    return torch.gaussian_nll_loss(input, target, var_, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

const CTC_SIG = signature<LossArgs & { blank: number; zero_infinity: boolean }>("CTCLoss(int blank=0, str reduction='mean', bool zero_infinity=False)");
/**
 * Connectionist temporal classification: `call(log_probs [T, N, C], targets, input_lengths, target_lengths)`.
 *
 * @example
 * const loss = new nn.CTCLoss();
 * loss.call(log_probs, targets, [50, 50], [20, 18]);
 */
export class CTCLoss extends Loss {
  static override readonly __name__: string = 'CTCLoss';
  /** Index of the blank label. Default 0. */
  readonly blank: number;
  /** Whether infinite losses (impossible alignments) and their gradients become zero. Default false. */
  readonly zero_infinity: boolean;
  constructor(...args: PyArgs<[blank: number, reduction: Reduction, zero_infinity: boolean], { blank?: number; reduction?: Reduction; zero_infinity?: boolean }>) {
    const a = CTC_SIG.parse(args);
    super(a);
    this.blank = a.blank;
    this.zero_infinity = a.zero_infinity;
  }
  override forward(log_probs: Tensor, targets: Tensor, input_lengths: Tensor | number[], target_lengths: Tensor | number[]): Tensor {
    return torch.ctc_loss(log_probs, targets, input_lengths, target_lengths, { blank: this.blank, reduction: this.reduction, zero_infinity: this.zero_infinity });
  }
}

const NLL2D_SIG = signature<LossArgs & { weight: Tensor | null; ignore_index: number }>(
  "NLLLoss2d(Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction='mean')");
/**
 * Deprecated alias of `nn.NLLLoss` for `[N, C, H, W]` scores (warns as PyTorch does).
 *
 * @example
 * new nn.NLLLoss2d().call(log_probs, target); // warns: use NLLLoss
 */
export class NLLLoss2d extends WeightedLoss {
  static override readonly __name__: string = 'NLLLoss2d';
  /** Target value that is ignored and adds nothing to the gradient. Default -100. */
  readonly ignore_index: number;
  constructor(...args: PyArgs<[weight: Tensor | null, size_average: boolean | null, ignore_index: number, reduce: boolean | null, reduction: Reduction], LossArgs & { weight?: Tensor | null; ignore_index?: number }>) {
    const a = NLL2D_SIG.parse(args);
    warn('NLLLoss2d has been deprecated. Please use NLLLoss instead as a drop-in replacement and see https://pytorch.org/docs/master/nn.html#torch.nn.NLLLoss for more details.');
    super(a);
    this.ignore_index = a.ignore_index;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return torch.nll_loss(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction });
  }
}
