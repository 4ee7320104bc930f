// PyTorch's _Loss / _WeightedLoss: the `reduction` every loss module carries, with the legacy `size_average` /
// `reduce` arguments folded into it as PyTorch folds them.
import { legacy_reduction, type Reduction, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';

/** The arguments every loss constructor accepts (parsed by its signature). */
export interface LossArgs {
  /** Deprecated (use `reduction`): false sums instead of averaging; any value set warns. */
  size_average?: boolean | null;
  /** Deprecated (use `reduction`): false gives 'none'; any value set warns. */
  reduce?: boolean | null;
  /** How the per-element losses are reduced: 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * Base of the loss modules: holds `reduction` (`'mean'`, `'sum'` or `'none'`). Loss modules print no options
 * (`MSELoss()`), as PyTorch's do.
 */
export abstract class Loss extends Module {
  /** How the per-element losses are reduced: 'mean' (default), 'sum' or 'none'. */
  readonly reduction: Reduction;
  constructor(args: LossArgs) {
    super();
    const size_average = args.size_average ?? null;
    const reduce = args.reduce ?? null;
    // Without the legacy flags the string is kept as given: like PyTorch, a bad value raises when the loss runs.
    this.reduction = size_average === null && reduce === null
      ? args.reduction ?? 'mean'
      : legacy_reduction({ size_average, reduce, reduction: args.reduction ?? 'mean' });
  }
}

/** A loss with a per-class `weight`, registered as a buffer (so it is in the state_dict) as PyTorch does. */
export abstract class WeightedLoss extends Loss {
  /** Per-class rescaling weights `[C]` (a buffer, so saved in the state_dict), or null. */
  declare weight: Tensor | null;
  constructor(args: LossArgs & { weight?: Tensor | null }) {
    super(args);
    this.register_buffer('weight', args.weight ?? null);
  }
}
