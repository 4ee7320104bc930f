// A fixed sparse linear map over the trailing block of a tensor: the one primitive behind padding, unfold/fold,
// N-d convolution windows, average and max pooling windows, interpolation and unpooling. Its derivative is the
// transposed map, itself recorded, so every op built on it is differentiable any number of times.
import { Tensor } from '../tensor.js';
import { numel_of } from '../shape.js';
import { float_dtype } from './arithmetic.js';
import { empty, record } from './record.js';

/** Rows (outputs) of `(column, weight)` entries, in compressed-row form. */
export class SparseMap {
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly row_ptr: Int32Array,
    readonly col: Int32Array,
    readonly weight: Float64Array,
  ) {}

  private transposed: SparseMap | null = null;

  /** The adjoint map (cached): `out[c] += w · in[r]` for every entry `(r, c, w)`. */
  transpose(): SparseMap {
    if (this.transposed !== null) return this.transposed;
    const counts = new Int32Array(this.cols + 1);
    for (let i = 0; i < this.col.length; i++) counts[this.col[i]! + 1]!++;
    for (let c = 0; c < this.cols; c++) counts[c + 1]! += counts[c]!;
    const col = new Int32Array(this.col.length);
    const weight = new Float64Array(this.col.length);
    const fill = counts.slice(0, this.cols);
    for (let r = 0; r < this.rows; r++) {
      for (let i = this.row_ptr[r]!; i < this.row_ptr[r + 1]!; i++) {
        const at = fill[this.col[i]!]!++;
        col[at] = r;
        weight[at] = this.weight[i]!;
      }
    }
    this.transposed = new SparseMap(this.cols, this.rows, counts, col, weight);
    this.transposed.transposed = this;
    return this.transposed;
  }

  /** The rows without any entry (windows lying wholly in padding, unpooled positions …). */
  empty_rows(): Uint8Array {
    const e = new Uint8Array(this.rows);
    for (let r = 0; r < this.rows; r++) e[r] = +(this.row_ptr[r] === this.row_ptr[r + 1]);
    return e;
  }
}

/** Collects entries row by row (rows must be started in increasing order). */
export class SparseMapBuilder {
  private readonly row_ptr: Int32Array;
  private col: number[] = [];
  private weight: number[] = [];
  private row = 0;

  constructor(readonly rows: number, readonly cols: number) {
    this.row_ptr = new Int32Array(rows + 1);
  }

  /** Adds `weight · in[col]` to output row `row`. */
  add(row: number, col: number, weight = 1): void {
    while (this.row < row) this.row_ptr[++this.row] = this.col.length;
    this.col.push(col);
    this.weight.push(weight);
  }

  build(): SparseMap {
    while (this.row < this.rows) this.row_ptr[++this.row] = this.col.length;
    return new SparseMap(this.rows, this.cols, this.row_ptr, Int32Array.from(this.col), Float64Array.from(this.weight));
  }
}

/**
 * Applies `map` to the trailing block of `x` (its last dims hold `map.cols` elements), for every index of the
 * leading `lead` dims; the result has shape `[...lead, ...out_block]`. Recorded as `name`; the backward applies
 * the transposed map, or `backward_map` where PyTorch's derivative is not the forward's adjoint (recorded as
 * `backward_name`).
 */
export function apply_map(x: Tensor, map: SparseMap, lead: readonly number[], out_block: readonly number[], name: string, backward_name = name, backward_map = map.transpose()): Tensor {
  const B = numel_of(lead);
  if (B * map.cols !== x.numel()) throw new Error(`apply_map: a map over ${map.cols} elements cannot read a tensor of shape [${x._shape.join(', ')}]`);
  const src = x._contiguous_data();
  const out = empty([...lead, ...out_block], float_dtype(x._dtype));
  const o = out._storage.data;
  const { row_ptr, col, weight, rows, cols } = map;
  for (let b = 0; b < B; b++) {
    const xo = b * cols;
    const oo = b * rows;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let i = row_ptr[r]!; i < row_ptr[r + 1]!; i++) s += weight[i]! * src[xo + col[i]!]!;
      o[oo + r] = s;
    }
  }
  const in_block = x._shape.slice(lead.length);
  record(name, [x], [out], (_c, [g]) => [apply_map(g!, backward_map, lead, in_block, backward_name, name)]);
  return out;
}

/** A constant tensor of `shape` holding `value` where the trailing block's row is empty and 0 elsewhere. */
export function empty_row_fill(map: SparseMap, lead: readonly number[], out_block: readonly number[], value: number, dtype: Tensor['_dtype']): Tensor {
  const e = map.empty_rows();
  const t = empty([...lead, ...out_block], dtype);
  const d = t._storage.data;
  const B = numel_of(lead);
  for (let b = 0; b < B; b++) for (let r = 0; r < map.rows; r++) if (e[r]) d[b * map.rows + r] = value;
  return t;
}
