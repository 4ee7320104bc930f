// Products: prod over all elements or one dim (ProdBackward0 / ProdBackward1) and running products cumprod
// (CumprodBackward0), their gradients exact where inputs are zero, as PyTorch's.
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating, type DType } from '../dtype.js';
import { normalize_dim, numel_of } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { empty, record } from './record.js';
import { div, mul, to_dtype, where } from './arithmetic.js';
import { cumsum, flip, scan_dim } from './reorder.js';
import { sum } from './reduce.js';
import { cat, expand, narrow, permute, reshape, unsqueeze } from './view.js';
import { triu } from './triangular.js';
import { ones } from './creation.js';
import { overloads, signature, type PyArgs } from '../signature.js';

/** Sizes before `dim`, at it and after it. */
function split_at(shape: readonly number[], dim: number): [number, number, number] {
  return [numel_of(shape.slice(0, dim)), shape[dim] ?? 1, numel_of(shape.slice(dim + 1))];
}

/** PyTorch's dtype for products: as given, else the input's floating type, else int64. */
function product_dtype(x: Tensor, dtype: DType | null): DType {
  return dtype ?? (is_floating(x._dtype) ? x._dtype : 'int64');
}

/** Whether any element is zero (PyTorch takes the division-free gradient then). */
function has_zero(x: Tensor): boolean {
  const d = x._contiguous_data();
  for (let i = 0; i < d.length; i++) if (d[i] === 0) return true;
  return false;
}

/** The product along `dim` of the elements before each position (exclusive: 1 at the start). */
function exclusive_cumprod(x: Tensor, dim: number): Tensor {
  const n = x._shape[dim]!;
  const one = ones(x._shape.map((s, i) => (i === dim ? 1 : s)), { dtype: x._dtype });
  return cumprod(cat([one, narrow(x, dim, 0, n - 1)], dim), dim);
}

/** The product of every other element along `dim`, without division (PyTorch's gradient when zeros occur). */
function product_of_others(x: Tensor, dim: number): Tensor {
  if (x._shape[dim] === 1) return ones(x._shape, { dtype: x._dtype });
  const before = exclusive_cumprod(x, dim);
  const after = flip(exclusive_cumprod(flip(x, [dim]), dim), [dim]);
  return mul(before, after);
}

/** prod's gradient: `g·result/x` without zeros, else `g` times the product of the others (one dim, or flattened). */
function prod_grad(g: Tensor, x: Tensor, result: Tensor, dim: number | null, keepdim: boolean): Tensor {
  let gx = g;
  let r = result;
  if (dim !== null && !keepdim) {
    gx = unsqueeze(gx, dim);
    r = unsqueeze(r, dim);
  }
  if (!has_zero(x)) return mul(expand(gx, x._shape), div(r, x));
  const others = dim === null ? reshape(product_of_others(reshape(x, [-1]), 0), x._shape) : product_of_others(x, dim);
  return mul(expand(gx, x._shape), others);
}

function prod_raw(x: Tensor, dim: number | null, keepdim: boolean): Tensor {
  const src = x._contiguous_data();
  if (dim === null) {
    const out = empty([], x._dtype);
    let p = 1;
    for (let i = 0; i < src.length; i++) p *= src[i]!;
    out._storage.data[0] = p;
    return out;
  }
  const [outer, size, inner] = split_at(x._shape, dim);
  const shape = x._shape.flatMap((s, i) => (i !== dim ? [s] : keepdim ? [1] : []));
  const out = empty(shape, x._dtype);
  const od = out._storage.data;
  for (let o = 0; o < outer; o++) {
    for (let n = 0; n < inner; n++) {
      let p = 1;
      for (let j = 0; j < size; j++) p *= src[(o * size + j) * inner + n]!;
      od[o * inner + n] = p;
    }
  }
  return out;
}

interface ProdArgs { input: Tensor; dim?: number; keepdim?: boolean; dtype: DType | null }
/** The product of all elements, or along `dim` (PyTorch's two overloads; `keepdim` needs `dim`). */
const PROD = overloads<ProdArgs>('prod(Tensor input, *, ScalarType? dtype=None)', 'prod(Tensor input, int dim, bool keepdim=False, *, ScalarType? dtype=None)');
/** Keyword arguments of `prod`. */
export interface ProdOptions {
  /** The dim multiplied along (all elements when absent). */
  dim?: number | null;
  /** Keep `dim` with size 1. */
  keepdim?: boolean;
  /** Convert the input to this dtype first. */
  dtype?: DType | null;
}
/** The arguments of `x.prod(...)`. */
export type ProdMethodArgs = PyArgs<[dim: number | null, keepdim: boolean], ProdOptions>;
/**
 * The product of all elements (ProdBackward0) or along `dim` (ProdBackward1); bool and integer inputs multiply
 * in int64. The gradient is `grad · result / input`, or, where an input is zero, the product of the other
 * elements (so a single zero gets a non-zero gradient, as in PyTorch).
 *
 * @example
 * torch.prod(torch.tensor([[1, 2], [3, 4]]), 1); // [2, 12]
 */
export function prod(...args: PyArgs<[input: Tensor, dim: number | null, keepdim: boolean], ProdOptions & { input?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::prod', prod, args, PROD);
  const a = PROD.parse(args).values;
  const dtype = product_dtype(a.input, a.dtype);
  const x = a.input._dtype === dtype ? a.input : to_dtype(a.input, dtype);
  const dim = a.dim === undefined ? null : normalize_dim(a.dim, x.ndim);
  const keepdim = a.keepdim ?? false;
  const full = dim === null || x.ndim === 0;
  const out = prod_raw(x, full ? null : dim, keepdim);
  const shape_dim = full ? null : dim;
  record(dim === null ? 'ProdBackward0' : 'ProdBackward1', [x], [out], (ctx, [g]) => {
    const [xs, r] = ctx.saved_tensors;
    return [x.ndim === 0 ? g! : prod_grad(g!, xs!, r!, shape_dim, keepdim)];
  }, [x, out], ['self', 'result']);
  return out;
}

const CUMPROD = signature<{ input: Tensor; dim: number; dtype: DType | null }>('cumprod(Tensor input, int dim, *, ScalarType? dtype=None)');
/** The arguments of `x.cumprod(...)`. */
export type CumprodMethodArgs = PyArgs<[dim: number], {
  /** The dim multiplied along. */
  dim?: number;
  /** Convert the input to this dtype first. */
  dtype?: DType | null;
}>;

/**
 * Running products along `dim` (`out[i] = x[0]·…·x[i]`; bool and integer inputs in int64, or in `dtype`).
 * CumprodBackward0: without zeros the gradient is the reversed running sum of `grad·out` over `input`; with
 * zeros it is formed without division, so it stays exact and differentiable.
 *
 * @example
 * torch.cumprod(torch.tensor([1, 2, 3]), 0); // [1, 2, 6]
 */
export function cumprod(...args: PyArgs<[input: Tensor, dim: number], { input?: Tensor; dim?: number; dtype?: DType | null }>): Tensor {
  if (tracing) return trace_op('aten::cumprod', cumprod, args, CUMPROD);
  const a = CUMPROD.parse(args);
  const dtype = product_dtype(a.input, a.dtype);
  const x = a.input._dtype === dtype ? a.input : to_dtype(a.input, dtype);
  const d = normalize_dim(a.dim, x.ndim);
  const out = scan_dim(x, d, false, 1, (acc, v) => acc * v);
  record('CumprodBackward0', [x], [out], (ctx, [g]) => {
    const [xs, r] = ctx.saved_tensors;
    return [cumprod_grad(g!, xs!, r!, d)];
  }, [x, out], ['self', 'result']);
  return out;
}

/**
 * cumprod's gradient `Σ_{i≥k} g_i · Π_{j≤i, j≠k} x_j`: as `reverse-cumsum(g·out) / x` without zeros; with zeros
 * from the products over each row with its own element left out (an n×n cumprod along `dim`).
 */
function cumprod_grad(g: Tensor, x: Tensor, out: Tensor, d: number): Tensor {
  if (x.numel() <= 1 || x.ndim === 0 || x._shape[d] === 1) return g;
  if (!has_zero(x)) return div(flip(cumsum(flip(mul(g, out), [d]), d), [d]), x);
  // move dim d last: rows k of [..., n, n] hold x with x_k replaced by 1; their cumprod along i, kept for i ≥ k
  const nd = x.ndim;
  const order = [...Array.from({ length: nd }, (_, i) => i).filter((i) => i !== d), d];
  const inverse = order.map((_, i) => order.indexOf(i));
  const xt = permute(x, order);
  const n = x._shape[d]!;
  const rows = expand(unsqueeze(xt, -2), [...xt._shape.slice(0, -1), n, n]);
  const eye = diagonal_mask(n);
  const excluded = cumprod(where(eye, 1, rows), -1);
  const gt = unsqueeze(permute(g, order), -2);
  const grad = sum(triu(mul(excluded, gt)), -1);
  return permute(grad, inverse);
}

function diagonal_mask(n: number): Tensor {
  const m = empty([n, n], 'bool');
  for (let i = 0; i < n; i++) m._storage.data[i * n + i] = 1;
  return m;
}
