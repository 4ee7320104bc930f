// Loss modules: the functional losses with their reduction (and PyTorch's deprecated size_average / reduce).
import {
  binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, l1_loss, mse_loss, nll_loss, signature,
  type PyArgs, type Reduction, type Tensor,
} from '@tsgrad/core';
import { Loss, WeightedLoss, type LossArgs } from './loss_base.js';

type WeightedArgs<O> = PyArgs<[weight: Tensor | null, size_average: boolean | null], O & LossArgs & { weight?: Tensor | null }>;
const LEGACY = 'bool? size_average=None, bool? reduce=None';

const CROSS_ENTROPY = signature<LossArgs & { weight: Tensor | null; ignore_index: number; label_smoothing: number }>(
  "CrossEntropyLoss(Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction='mean', float label_smoothing=0.0)");
const NLL = signature<LossArgs & { weight: Tensor | null; ignore_index: number }>(
  "NLLLoss(Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction='mean')");
const MSE = signature<LossArgs>(`MSELoss(${LEGACY}, str reduction='mean')`);
const L1 = signature<LossArgs>(`L1Loss(${LEGACY}, str reduction='mean')`);
const BCE = signature<LossArgs & { weight: Tensor | null }>(`BCELoss(Tensor? weight=None, ${LEGACY}, str reduction='mean')`);
const BCE_LOGITS = signature<LossArgs & { weight: Tensor | null; pos_weight: Tensor | null }>(`BCEWithLogitsLoss(Tensor? weight=None, ${LEGACY}, str reduction='mean', Tensor? pos_weight=None)`);

/**
 * `F.cross_entropy` as a module.
 *
 * @example
 * new nn.CrossEntropyLoss().call(logits, torch.tensor([3], { dtype: torch.int64 }));
 * new nn.CrossEntropyLoss({ reduction: 'sum', label_smoothing: 0.1 });
 */
export class CrossEntropyLoss extends WeightedLoss {
  static override readonly __name__: string = 'CrossEntropyLoss';
  /** Target value that is ignored and adds nothing to the gradient. Default -100. */
  readonly ignore_index: number;
  /** Amount of smoothing in [0, 1]: the target mixes with the uniform distribution. Default 0. */
  readonly label_smoothing: number;
  constructor(...args: WeightedArgs<{ ignore_index?: number; label_smoothing?: number }>) {
    const a = CROSS_ENTROPY.parse(args);
    super(a);
    this.ignore_index = a.ignore_index;
    this.label_smoothing = a.label_smoothing;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return cross_entropy(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction, label_smoothing: this.label_smoothing });
  }
}

/**
 * Negative log-likelihood of the target classes given log-probabilities `[N, C]` (or `[N, C, d1, ...]`): `F.nll_loss` as a module.
 *
 * @example
 * const loss = new nn.NLLLoss();
 * loss.call(new nn.LogSoftmax({ dim: 1 }).call(logits), target);
 */
export class NLLLoss extends WeightedLoss {
  static override readonly __name__: string = 'NLLLoss';
  /** Target value that is ignored and adds nothing to the gradient. Default -100. */
  readonly ignore_index: number;
  constructor(...args: WeightedArgs<{ ignore_index?: number }>) {
    const a = NLL.parse(args);
    super(a);
    this.ignore_index = a.ignore_index;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return nll_loss(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction });
  }
}

/**
 * Mean squared error; a target shaped unlike the input warns (PyTorch's UserWarning) and broadcasts.
 *
 * @example
 * const loss_fn = new nn.MSELoss({ reduction: 'sum' });
 */
export class MSELoss extends Loss {
  static override readonly __name__: string = 'MSELoss';
  constructor(...args: PyArgs<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction], LossArgs>) {
    super(MSE.parse(args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return mse_loss(input, target, { reduction: this.reduction });
  }
}

/**
 * Mean absolute error; warns on a target shaped unlike the input.
 *
 * @example
 * new nn.L1Loss().call(torch.tensor([1, 2]), torch.tensor([0, 0])); // tensor(1.5000)
 */
export class L1Loss extends Loss {
  static override readonly __name__: string = 'L1Loss';
  constructor(...args: PyArgs<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction], LossArgs>) {
    super(L1.parse(args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1_loss(input, target, { reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy on probabilities in [0, 1]: `−w·(y·log x + (1 − y)·log(1 − x))` (logs clamped at −100).
 *
 * @example
 * new nn.BCELoss().call(torch.sigmoid(logits), target);
 */
export class BCELoss extends WeightedLoss {
  static override readonly __name__: string = 'BCELoss';
  /** Rescaling weight per element, broadcast to the input, or null. */
  declare weight: Tensor | null;
  constructor(...args: WeightedArgs<object>) {
    const a = BCE.parse(args);
    super(a);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binary_cross_entropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy on logits (a sigmoid and `BCELoss` in one, numerically stable), with optional `pos_weight`.
 *
 * @example
 * const loss = new nn.BCEWithLogitsLoss({ pos_weight: torch.full([3], 2) });
 * loss.call(logits, target);
 */
export class BCEWithLogitsLoss extends WeightedLoss {
  static override readonly __name__: string = 'BCEWithLogitsLoss';
  /** Rescaling weight per element, broadcast to the input, or null. */
  declare weight: Tensor | null;
  /** Weight of the positive examples per class (broadcast along the last dim), or null. */
  declare pos_weight: Tensor | null;
  constructor(...args: WeightedArgs<{ pos_weight?: Tensor | null }>) {
    const a = BCE_LOGITS.parse(args);
    super(a);
    this.register_buffer('pos_weight', a.pos_weight);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binary_cross_entropy_with_logits(input, target, { weight: this.weight, pos_weight: this.pos_weight, reduction: this.reduction });
  }
}
