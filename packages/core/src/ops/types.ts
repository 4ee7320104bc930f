// Option types shared by op signatures.
/** One dimension or several (negative counts from the end). */
export type DimArg = number | number[] | null;
/** Keyword options of reductions: `dim` and `keepdim`. */
export interface ReduceOptions {
  dim?: DimArg;
  keepdim?: boolean;
}
/** Keyword options of `clamp`: the bounds `min` and `max` (either may be left out). */
export interface ClampOptions {
  min?: number | null;
  max?: number | null;
}
