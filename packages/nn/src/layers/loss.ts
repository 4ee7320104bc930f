// Loss modules: CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss.
import {
  binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, l1_loss, mse_loss, nll_loss, type Reduction, type Tensor,
} from '@tsgrad/core';
import { Module } from '../module.js';

/**
 * `F.cross_entropy` as a module.
 *
 * @example
 * new nn.CrossEntropyLoss().call(logits, torch.tensor([3], { dtype: 'int64' }));
 */
export class CrossEntropyLoss extends Module {
  static override readonly __name__: string = 'CrossEntropyLoss';
  readonly reduction: Reduction;
  readonly ignore_index: number;
  readonly label_smoothing: number;
  declare weight: Tensor | null;
  constructor(options: { weight?: Tensor | null; ignore_index?: number; reduction?: Reduction; label_smoothing?: number } = {}) {
    super();
    this.register_buffer('weight', options.weight ?? null);
    this.reduction = options.reduction ?? 'mean';
    this.ignore_index = options.ignore_index ?? -100;
    this.label_smoothing = options.label_smoothing ?? 0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return cross_entropy(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction, label_smoothing: this.label_smoothing });
  }
}

/** `F.nll_loss` as a module. */
export class NLLLoss extends Module {
  static override readonly __name__: string = 'NLLLoss';
  readonly reduction: Reduction;
  readonly ignore_index: number;
  declare weight: Tensor | null;
  constructor(options: { weight?: Tensor | null; ignore_index?: number; reduction?: Reduction } = {}) {
    super();
    this.register_buffer('weight', options.weight ?? null);
    this.reduction = options.reduction ?? 'mean';
    this.ignore_index = options.ignore_index ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return nll_loss(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction });
  }
}

/** Mean squared error. */
export class MSELoss extends Module {
  static override readonly __name__: string = 'MSELoss';
  constructor(readonly options: { reduction?: Reduction } = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return mse_loss(input, target, this.options);
  }
}

/** Mean absolute error. */
export class L1Loss extends Module {
  static override readonly __name__: string = 'L1Loss';
  constructor(readonly options: { reduction?: Reduction } = {}) {
    super();
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1_loss(input, target, this.options);
  }
}

/** Binary cross-entropy on probabilities. */
export class BCELoss extends Module {
  static override readonly __name__: string = 'BCELoss';
  declare weight: Tensor | null;
  constructor(readonly options: { weight?: Tensor | null; reduction?: Reduction } = {}) {
    super();
    this.register_buffer('weight', options.weight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binary_cross_entropy(input, target, { weight: this.weight, reduction: this.options.reduction });
  }
}

/** Binary cross-entropy on logits (numerically stable), with optional `pos_weight`. */
export class BCEWithLogitsLoss extends Module {
  static override readonly __name__: string = 'BCEWithLogitsLoss';
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(readonly options: { weight?: Tensor | null; pos_weight?: Tensor | null; reduction?: Reduction } = {}) {
    super();
    this.register_buffer('weight', options.weight ?? null);
    this.register_buffer('pos_weight', options.pos_weight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binary_cross_entropy_with_logits(input, target, { weight: this.weight, pos_weight: this.pos_weight, reduction: this.options.reduction });
  }
}
