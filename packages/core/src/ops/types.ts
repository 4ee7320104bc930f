// Option types shared by op signatures.
/** One dimension or several (negative counts from the end). */
export type DimArg = number | number[] | null;
/** Keyword options of reductions: `dim` and `keepdim`. */
export interface ReduceOptions {
  /** The dim or dims to reduce (negative counts from the end); all dims when left out or null. */
  dim?: DimArg;
  /** Keep each reduced dim with size 1, so the result broadcasts against the input (default false). */
  keepdim?: boolean;
}
/** Keyword options of `clamp`: the bounds `min` and `max` (either may be left out). */
export interface ClampOptions {
  /** Lower bound; no lower bound when left out or null. */
  min?: number | null;
  /** Upper bound; no upper bound when left out or null. */
  max?: number | null;
}
