// Index grids and combinations: meshgrid (ExpandBackward0 views), cartesian_prod and combinations
// (StackBackward0), and the int64 coordinates of a triangle, tril_indices / triu_indices.
import { trace_op, tracing } from '../jit/tracer.js';
import { warn } from '../autograd/messages.js';
import type { DType, DTypeLike } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { signature, type PyArgs } from '../signature.js';
import { empty } from './record.js';
import { expand, reshape, stack } from './view.js';
import { index_select } from './scatter.js';

const MESHGRID = signature<{ tensors: Tensor[]; indexing: string | null }>('meshgrid(Tensor... tensors, *, str? indexing=None)');
let meshgrid_warned = false;

/**
 * Grids of coordinates from 0-d or 1-d tensors: output `i` holds input `i` repeated along every other dim,
 * `[len(t0), len(t1), ...]` with `indexing: 'ij'`; `'xy'` swaps the first two dims (Cartesian, as NumPy's
 * default). Each output is an expanded view (ExpandBackward0). Leaving `indexing` out means 'ij' with PyTorch
 * 2.x's warning that it will be required.
 *
 * @example
 * const [ys, xs] = torch.meshgrid(torch.arange(2), torch.arange(3), { indexing: 'ij' }); // both [2, 3]
 */
export function meshgrid(...args: (Tensor | Tensor[] | { indexing?: 'ij' | 'xy' | null })[]): Tensor[] {
  if (tracing) return trace_op('aten::meshgrid', meshgrid, args) as Tensor[];
  const flat = args.length > 0 && Array.isArray(args[0]) ? [...(args[0] as Tensor[]), ...args.slice(1)] : args;
  const { tensors, indexing } = MESHGRID.parse(flat);
  if (indexing === null && !meshgrid_warned) {
    meshgrid_warned = true;
    warn('torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.');
  }
  const mode = indexing ?? 'ij';
  if (mode !== 'ij' && mode !== 'xy') throw new Error(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${mode}`);
  if (tensors.length === 0) throw new Error('torch.meshgrid: Expected at least one tensor');
  tensors.forEach((t) => {
    if (t.ndim > 1) throw new Error(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${String(t)}`);
    if (t._dtype !== tensors[0]!._dtype) throw new Error('torch.meshgrid: Expected all tensors in the tensor list to have the same dtype');
  });
  // 'xy' is 'ij' over the first two inputs swapped, its first two outputs swapped back
  const swap = mode === 'xy' && tensors.length >= 2;
  const order = swap ? [tensors[1]!, tensors[0]!, ...tensors.slice(2)] : tensors;
  const shape = order.map((t) => t.numel());
  const grids = order.map((t, i) => expand(reshape(t, shape.map((n, j) => (j === i ? n : 1))), shape));
  if (!swap) return grids;
  return [grids[1]!, grids[0]!, ...grids.slice(2)];
}

const CARTESIAN_PROD = signature<{ tensors: Tensor[] }>('cartesian_prod(Tensor... tensors)');
/**
 * Every combination of one element from each 1-d input, as rows `[N, len(tensors)]` in row-major order
 * (StackBackward0); one input comes back as it is.
 *
 * @example
 * torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4])); // [[1, 3], [1, 4], [2, 3], [2, 4]]
 */
export function cartesian_prod(...tensors: Tensor[] | [Tensor[]]): Tensor {
  if (tracing) return trace_op('aten::cartesian_prod', cartesian_prod, tensors);
  const list = CARTESIAN_PROD.parse(tensors).tensors;
  list.forEach((t) => {
    if (t.ndim !== 1) throw new Error(`Expect a 1D vector, but got shape [${t._shape.join(', ')}]`);
  });
  if (list.length === 1) return list[0]!;
  return stack(meshgrid(list, { indexing: 'ij' }).map((g) => reshape(g, [-1])), 1);
}

const COMBINATIONS = signature<{ input: Tensor; r: number; with_replacement: boolean }>('combinations(Tensor input, int r=2, bool with_replacement=False)');
/**
 * The length-`r` combinations of a 1-d tensor's elements, as rows in lexicographic order of positions
 * (`itertools.combinations`, or `combinations_with_replacement`); StackBackward0.
 *
 * @example
 * torch.combinations(torch.tensor([1, 2, 3])); // [[1, 2], [1, 3], [2, 3]]
 */
export function combinations(...args: PyArgs<[input: Tensor, r: number, with_replacement: boolean], { input?: Tensor; r?: number; with_replacement?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::combinations', combinations, args, COMBINATIONS);
  const { input, r, with_replacement } = COMBINATIONS.parse(args);
  if (input.ndim !== 1) throw new Error(`Expect a 1D vector, but got shape [${input._shape.join(', ')}]`);
  if (r < 0) throw new Error(`Expect a non-negative number, but got ${r}`);
  if (r === 0) return empty([0], input._dtype);
  const n = input._shape[0]!;
  // positions in lexicographic order, as an odometer: each position after (or, with replacement, at) the one
  // before it, position k at most max_at(k)
  const rows: number[][] = [];
  const step = with_replacement ? 0 : 1;
  const max_at = (k: number): number => (with_replacement ? n - 1 : n - r + k);
  const pick = Array.from({ length: r }, (_, k) => k * step);
  let done = with_replacement ? n === 0 : r > n;
  while (!done) {
    rows.push([...pick]);
    let k = r - 1;
    while (k >= 0 && pick[k]! >= max_at(k)) k--;
    if (k < 0) done = true;
    else {
      pick[k]!++;
      for (let j = k + 1; j < r; j++) pick[j] = pick[j - 1]! + step;
    }
  }
  const columns = Array.from({ length: r }, (_, k) => {
    const idx = empty([rows.length], 'int64');
    idx._storage.data.set(rows.map((row) => row[k]!));
    return index_select(input, 0, idx);
  });
  return stack(columns, 1);
}

interface TriIndicesParsed { row: number; col: number; offset: number; dtype: DType | null }
const TRIL_INDICES = signature<TriIndicesParsed>('tril_indices(int row, int col, int offset=0, *, ScalarType? dtype=None, Device? device=None, str? layout=None)');
const TRIU_INDICES = signature<TriIndicesParsed>('triu_indices(int row, int col, int offset=0, *, ScalarType? dtype=None, Device? device=None, str? layout=None)');
type TriIndicesArgs = PyArgs<[row: number, col: number, offset: number], { row?: number; col?: number; offset?: number; dtype?: DTypeLike | null; device?: string | null; layout?: string | null }>;

/** The `[2, N]` row and column coordinates, row by row, of the entries on or below (`lower`) / above the `offset` diagonal. */
function triangle_indices(a: TriIndicesParsed, lower: boolean, name: string): Tensor {
  const { row, col, offset } = a;
  if (row < 0) throw new Error(`row must be non-negative, got${row}`);
  if (col < 0) throw new Error(`col must be non-negative, got${col}`);
  const dtype = a.dtype ?? 'int64';
  if (dtype !== 'int64') throw new Error(`"${name}" not implemented for '${dtype}'`);
  const rs: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < row; i++) {
    for (let j = 0; j < col; j++) {
      if (lower ? j - i <= offset : j - i >= offset) {
        rs.push(i);
        cs.push(j);
      }
    }
  }
  const out = empty([2, rs.length], 'int64');
  out._storage.data.set([...rs, ...cs]);
  return out;
}
/**
 * The coordinates of the lower triangle of a `row × col` matrix (on and below the `offset` diagonal) as an int64
 * `[2, N]` tensor, row by row.
 *
 * @example
 * torch.tril_indices(2, 2); // [[0, 1, 1], [0, 0, 1]]
 */
export function tril_indices(...args: TriIndicesArgs): Tensor {
  return triangle_indices(TRIL_INDICES.parse(args), true, 'tril_indices');
}
/**
 * The coordinates of the upper triangle of a `row × col` matrix (on and above the `offset` diagonal) as an int64
 * `[2, N]` tensor, row by row.
 *
 * @example
 * torch.triu_indices(2, 2); // [[0, 0, 1], [0, 1, 1]]
 */
export function triu_indices(...args: TriIndicesArgs): Tensor {
  return triangle_indices(TRIU_INDICES.parse(args), false, 'triu_indices');
}
