// Loss modules: the functional losses with their reduction (and PyTorch's deprecated size_average / reduce).
import {
  binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, l1_loss, legacy_reduction, mse_loss, nll_loss, signature,
  type PyArgs, type Reduction, type Tensor,
} from '@tsgrad/core';
import { Module } from '../module.js';

interface LegacyOptions {
  size_average?: boolean | null;
  reduce?: boolean | null;
  reduction?: Reduction;
}
interface Legacy { size_average: boolean | null; reduce: boolean | null; reduction: string }
type WeightedArgs<O> = PyArgs<[weight: Tensor | null, size_average: boolean | null], O & LegacyOptions & { weight?: Tensor | null }>;
const LEGACY = 'bool? size_average=None, bool? reduce=None';

const CROSS_ENTROPY = signature<Legacy & { weight: Tensor | null; ignore_index: number; label_smoothing: number }>(
  "CrossEntropyLoss(Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction='mean', float label_smoothing=0.0)");
const NLL = signature<Legacy & { weight: Tensor | null; ignore_index: number }>(
  "NLLLoss(Tensor? weight=None, bool? size_average=None, int ignore_index=-100, bool? reduce=None, str reduction='mean')");
const MSE = signature<Legacy>(`MSELoss(${LEGACY}, str reduction='mean')`);
const L1 = signature<Legacy>(`L1Loss(${LEGACY}, str reduction='mean')`);
const BCE = signature<Legacy & { weight: Tensor | null }>(`BCELoss(Tensor? weight=None, ${LEGACY}, str reduction='mean')`);
const BCE_LOGITS = signature<Legacy & { weight: Tensor | null; pos_weight: Tensor | null }>(`BCEWithLogitsLoss(Tensor? weight=None, ${LEGACY}, str reduction='mean', Tensor? pos_weight=None)`);

/** PyTorch's `_Loss`: holds `reduction` (from the deprecated pair when given). */
abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(a: Legacy) {
    super();
    this.reduction = legacy_reduction(a);
  }
}

/**
 * `F.cross_entropy` as a module.
 *
 * @example
 * new nn.CrossEntropyLoss().call(logits, torch.tensor([3], { dtype: torch.int64 }));
 * new nn.CrossEntropyLoss({ reduction: 'sum', label_smoothing: 0.1 });
 */
export class CrossEntropyLoss extends Loss {
  static override readonly __name__: string = 'CrossEntropyLoss';
  readonly ignore_index: number;
  readonly label_smoothing: number;
  declare weight: Tensor | null;
  constructor(...args: WeightedArgs<{ ignore_index?: number; label_smoothing?: number }>) {
    const a = CROSS_ENTROPY.parse(args);
    super(a);
    this.register_buffer('weight', a.weight);
    this.ignore_index = a.ignore_index;
    this.label_smoothing = a.label_smoothing;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return cross_entropy(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction, label_smoothing: this.label_smoothing });
  }
}

/** `F.nll_loss` as a module. */
export class NLLLoss extends Loss {
  static override readonly __name__: string = 'NLLLoss';
  readonly ignore_index: number;
  declare weight: Tensor | null;
  constructor(...args: WeightedArgs<{ ignore_index?: number }>) {
    const a = NLL.parse(args);
    super(a);
    this.register_buffer('weight', a.weight);
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
  constructor(...args: PyArgs<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction], LegacyOptions>) {
    super(MSE.parse(args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return mse_loss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error; warns on a target shaped unlike the input. */
export class L1Loss extends Loss {
  static override readonly __name__: string = 'L1Loss';
  constructor(...args: PyArgs<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction], LegacyOptions>) {
    super(L1.parse(args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1_loss(input, target, { reduction: this.reduction });
  }
}

/** Binary cross-entropy on probabilities. */
export class BCELoss extends Loss {
  static override readonly __name__: string = 'BCELoss';
  declare weight: Tensor | null;
  constructor(...args: WeightedArgs<object>) {
    const a = BCE.parse(args);
    super(a);
    this.register_buffer('weight', a.weight);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binary_cross_entropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Binary cross-entropy on logits (numerically stable), with optional `pos_weight`. */
export class BCEWithLogitsLoss extends Loss {
  static override readonly __name__: string = 'BCEWithLogitsLoss';
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(...args: WeightedArgs<{ pos_weight?: Tensor | null }>) {
    const a = BCE_LOGITS.parse(args);
    super(a);
    this.register_buffer('weight', a.weight);
    this.register_buffer('pos_weight', a.pos_weight);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binary_cross_entropy_with_logits(input, target, { weight: this.weight, pos_weight: this.pos_weight, reduction: this.reduction });
  }
}
