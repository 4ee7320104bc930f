// Lower / upper triangles of the last two dims (TrilBackward0, TriuBackward0), as attention masks are built.
import { trace_op, tracing } from '../jit/tracer.js';
import type { Tensor } from '../tensor.js';
import { empty, record } from './record.js';
import { signature, type PyArgs } from '../signature.js';

/** 1 where `(j - i) <= diagonal` (lower) or `>= diagonal` (upper) over the last two dims of `shape`. */
function triangle_mask(rows: number, cols: number, diagonal: number, lower: boolean): Tensor {
  const m = empty([rows, cols], 'bool');
  const d = m._storage.data;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) d[i * cols + j] = +(lower ? j - i <= diagonal : j - i >= diagonal);
  return m;
}

const TRIL = signature<{ input: Tensor; diagonal: number }>('tril(Tensor input, int diagonal=0)');
const TRIU = signature<{ input: Tensor; diagonal: number }>('triu(Tensor input, int diagonal=0)');

function triangle(x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) throw new Error(`${lower ? 'tril' : 'triu'}: input tensor must have at least 2 dimensions`);
  const mask = triangle_mask(x._shape[x.ndim - 2]!, x._shape[x.ndim - 1]!, diagonal, lower);
  const out = empty(x._shape, x._dtype);
  const xd = x._contiguous_data();
  const md = mask._storage.data;
  const n = md.length;
  const o = out._storage.data;
  for (let i = 0; i < xd.length; i++) o[i] = md[i % n] ? xd[i]! : 0;
  record(lower ? 'TrilBackward0' : 'TriuBackward0', [x], [out], (_c, [g]) => [triangle(g!, diagonal, lower)]);
  return out;
}

/**
 * The lower triangle (`j - i <= diagonal`) of the last two dims, zeros elsewhere (TrilBackward0).
 *
 * @example
 * torch.tril(torch.ones([3, 3])); x.tril(-1);
 */
export function tril(...args: PyArgs<[input: Tensor, diagonal: number], { input?: Tensor; diagonal?: number }>): Tensor {
  if (tracing) return trace_op('aten::tril', tril, args, TRIL);
  const a = TRIL.parse(args);
  return triangle(a.input, a.diagonal, true);
}

/**
 * The upper triangle (`j - i >= diagonal`) of the last two dims, zeros elsewhere (TriuBackward0).
 *
 * @example
 * torch.triu(torch.full([3, 3], -Infinity), 1);
 */
export function triu(...args: PyArgs<[input: Tensor, diagonal: number], { input?: Tensor; diagonal?: number }>): Tensor {
  if (tracing) return trace_op('aten::triu', triu, args, TRIU);
  const a = TRIU.parse(args);
  return triangle(a.input, a.diagonal, false);
}
