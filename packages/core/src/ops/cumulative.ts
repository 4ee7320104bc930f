// Running reductions and differences along a dim: cummax / cummin (values and positions, CummaxBackward0 /
// CumminBackward0), logcumsumexp (LogcumsumexpBackward0, its gradient in log space for stability) and diff.
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating, scalar_type_name } from '../dtype.js';
import { normalize_dim, numel_of } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { signature, type PyArgs } from '../signature.js';
import { empty, record } from './record.js';
import { exp, log } from './unary.js';
import { add, gt, lt, ne, neg, sub, where } from './arithmetic.js';
import { scan_dim } from './reorder.js';
import { scatter_add_zeros } from './indexing.js';
import { values_indices } from './named_tuple.js';
import { cat, narrow } from './view.js';
import type { SortResult } from './sorting.js';

const CUMMAX = signature<{ input: Tensor; dim: number }>('cummax(Tensor input, int dim)');
const CUMMIN = signature<{ input: Tensor; dim: number }>('cummin(Tensor input, int dim)');
/** The arguments of `x.cummax(...)` / `x.cummin(...)`. */
export type CumExtremeMethodArgs = PyArgs<[dim: number], {
  /** The dim to work along. */
  dim?: number;
}>;
type CumExtremeArgs = PyArgs<[input: Tensor, dim: number], { input?: Tensor; dim?: number }>;

/**
 * The running maximum (or minimum) along `d` and where it was reached: a later equal value takes over, and once a
 * NaN appears it stays the value (at the latest NaN's position), as PyTorch's kernel. The gradient of each output
 * goes to that position (`node`).
 */
function cum_extreme(x: Tensor, d: number, is_max: boolean): [Tensor, Tensor] {
  const shape = x.ndim === 0 ? [1] : x._shape;
  const size = shape[d]!;
  const outer = numel_of(shape.slice(0, d));
  const inner = numel_of(shape.slice(d + 1));
  const values = empty(x._shape, x._dtype);
  const indices = empty(x._shape, 'int64');
  const src = x._contiguous_data();
  const [vd, id] = [values._storage.data, indices._storage.data];
  for (let o = 0; o < outer; o++) {
    for (let n = 0; n < inner; n++) {
      let [best, at] = [0, 0];
      for (let j = 0; j < size; j++) {
        const k = (o * size + j) * inner + n;
        const v = src[k]!;
        if (j === 0 || Number.isNaN(v) || (is_max ? v >= best : v <= best)) [best, at] = [v, j];
        vd[k] = best;
        id[k] = at;
      }
    }
  }
  const in_shape = x._shape;
  record(is_max ? 'CummaxBackward0' : 'CumminBackward0', [x], [values], (ctx, [g]) => [x.ndim === 0 ? g! : scatter_add_zeros(g!, d, ctx.saved_tensors[0]!, in_shape)], [indices], ['indices']);
  return [values, indices];
}

function cum_extreme_call(sig: typeof CUMMAX, args: readonly unknown[], is_max: boolean): SortResult {
  const { input: x, dim } = sig.parse(args);
  const d = x.ndim === 0 ? 0 : normalize_dim(dim, x.ndim);
  const [values, indices] = cum_extreme(x, d, is_max);
  return values_indices<SortResult>(is_max ? 'cummax' : 'cummin', values, indices);
}
/**
 * The running maximum along `dim` and the position it came from, as `[values, indices]` (CummaxBackward0).
 *
 * @example
 * torch.cummax(torch.tensor([1, 3, 2, 5]), 0); // values [1, 3, 3, 5], indices [0, 1, 1, 3]
 */
export function cummax(...args: CumExtremeArgs): SortResult {
  if (tracing) return trace_op('aten::cummax', cummax, args) as unknown as SortResult;
  return cum_extreme_call(CUMMAX, args, true);
}
/**
 * The running minimum along `dim` and the position it came from, as `[values, indices]` (CumminBackward0).
 *
 * @example
 * torch.cummin(torch.tensor([3, 1, 2]), 0); // values [3, 1, 1], indices [0, 1, 1]
 */
export function cummin(...args: CumExtremeArgs): SortResult {
  if (tracing) return trace_op('aten::cummin', cummin, args) as unknown as SortResult;
  return cum_extreme_call(CUMMIN, args, false);
}

const LOGCUMSUMEXP = signature<{ input: Tensor; dim: number }>('logcumsumexp(Tensor input, int dim)');
/** `log(eᵃ + eᵇ)` without overflow; −∞ with −∞ stays −∞. */
function log_add_exp(a: number, b: number): number {
  const m = Math.max(a, b);
  if (m === -Infinity || Number.isNaN(m)) return a + b;
  if (m === Infinity) return Infinity;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * `log Σ_{j≤i} exp(x_j)` along `d` (from the end when `reverse`). Its gradient `Σ_{i≥k} g_i·exp(x_k − out_i)` is
 * formed in log space, positive and negative `g` apart, as a reverse logcumsumexp, so it neither overflows nor
 * loses double backward.
 */
function logcumsumexp_dim(x: Tensor, d: number, reverse: boolean): Tensor {
  const out = scan_dim(x, d, reverse, -Infinity, log_add_exp);
  record('LogcumsumexpBackward0', [x], [out], (ctx, [g]) => {
    const [xs, r] = ctx.saved_tensors;
    const part = (positive: boolean): Tensor => {
      const picked = positive ? gt(g!, 0) : lt(g!, 0);
      const log_g = log(where(picked, positive ? g! : neg(g!), 1));
      return exp(add(logcumsumexp_dim(where(picked, sub(log_g, r!), -Infinity), d, !reverse), xs!));
    };
    return [sub(part(true), part(false))];
  }, [x, out], ['self', 'result']);
  return out;
}
/**
 * The log of the running sum of exponentials along `dim`, computed without overflow (LogcumsumexpBackward0);
 * floating inputs only, as PyTorch's CPU kernel.
 *
 * @example
 * torch.logcumsumexp(torch.tensor([0, 0]), 0); // [0, 0.6931]
 */
export function logcumsumexp(...args: PyArgs<[input: Tensor, dim: number], { input?: Tensor; dim?: number }>): Tensor {
  if (tracing) return trace_op('aten::logcumsumexp', logcumsumexp, args, LOGCUMSUMEXP);
  const { input, dim } = LOGCUMSUMEXP.parse(args);
  if (!is_floating(input._dtype)) throw new Error(`"logcumsumexp_out_cpu" not implemented for '${scalar_type_name(input._dtype)}'`);
  const x = input;
  if (x.ndim === 0) return logcumsumexp_dim(x, 0, false);
  return logcumsumexp_dim(x, normalize_dim(dim, x.ndim), false);
}

const DIFF = signature<{ input: Tensor; n: number; dim: number; prepend: Tensor | null; append: Tensor | null }>('diff(Tensor input, int n=1, int dim=-1, Tensor? prepend=None, Tensor? append=None)');
/** The arguments of `x.diff(...)`. */
export type DiffMethodArgs = PyArgs<[n: number, dim: number, prepend: Tensor | null, append: Tensor | null], {
  /** How many times to difference (default 1). */
  n?: number;
  /** The dim to work along. */
  dim?: number;
  /** Joined before the input along `dim` first. */
  prepend?: Tensor | null;
  /** Joined after the input along `dim` first. */
  append?: Tensor | null;
}>;
/**
 * The `n`-th forward difference along `dim` (`out[i] = x[i+1] − x[i]`, repeated `n` times), after joining
 * `prepend` and `append` to the input along it; bool inputs give `x[i+1] != x[i]`.
 *
 * @example
 * torch.diff(torch.tensor([1, 3, 6, 10])); // [2, 3, 4]
 * torch.diff(x, { n: 2, dim: 0, prepend: x.narrow(0, 0, 1) });
 */
export function diff(...args: PyArgs<[input: Tensor, n: number, dim: number, prepend: Tensor | null, append: Tensor | null], { input?: Tensor; n?: number; dim?: number; prepend?: Tensor | null; append?: Tensor | null }>): Tensor {
  if (tracing) return trace_op('aten::diff', diff, args, DIFF);
  const a = DIFF.parse(args);
  if (a.input.ndim === 0) throw new Error('diff expects input to be at least one-dimensional');
  if (a.n < 0) throw new Error(`order must be non-negative but got ${a.n}`);
  const d = normalize_dim(a.dim, a.input.ndim);
  const parts = [a.prepend, a.input, a.append].filter((t): t is Tensor => t !== null);
  if (parts.some((t) => t.ndim !== a.input.ndim)) throw new Error('diff expects prepend or append to be the same dimension as input');
  let x = parts.length === 1 ? a.input : cat(parts, d);
  for (let i = 0; i < a.n && x._shape[d]! > 0; i++) {
    const len = x._shape[d]! - 1;
    const [hi, lo] = [narrow(x, d, 1, len), narrow(x, d, 0, len)];
    x = x._dtype === 'bool' ? ne(hi, lo) : sub(hi, lo);
  }
  return x;
}
