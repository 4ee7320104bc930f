// PyTorch's _Loss / _WeightedLoss: the `reduction` every loss module carries, with the legacy `size_average` /
// `reduce` arguments folded into it as PyTorch folds them.
import { warn, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';

/** The arguments every loss constructor accepts (parsed by its signature). */
export interface LossArgs {
  /** Deprecated (use `reduction`): false sums instead of averaging; any value set warns. */
  size_average?: boolean | null;
  /** Deprecated (use `reduction`): false gives 'none'; any value set warns. */
  reduce?: boolean | null;
  /** How the per-element losses are reduced: 'mean' (default), 'sum' or 'none'. */
  reduction?: string;
}

/** PyTorch's `_Reduction.legacy_get_string`: the reduction the deprecated flags mean. */
function legacy_reduction(size_average: boolean | null | undefined, reduce: boolean | null | undefined): string {
  warn("size_average and reduce args will be deprecated, please use reduction='sum' instead.");
  const avg = size_average ?? true;
  const red = reduce ?? true;
  if (!red) return 'none';
  return avg ? 'mean' : 'sum';
}

/**
 * Base of the loss modules: holds `reduction` (`'mean'`, `'sum'` or `'none'`). Loss modules print no options
 * (`MSELoss()`), as PyTorch's do.
 */
export abstract class Loss extends Module {
  /** How the per-element losses are reduced: 'mean' (default), 'sum' or 'none'. */
  readonly reduction: string;
  constructor(args: LossArgs) {
    super();
    const legacy = (args.size_average !== null && args.size_average !== undefined) || (args.reduce !== null && args.reduce !== undefined);
    this.reduction = legacy ? legacy_reduction(args.size_average, args.reduce) : args.reduction ?? 'mean';
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
