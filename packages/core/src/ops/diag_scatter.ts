// Diagonals and embedded writes: diagflat, block_diag (BlockDiagBackward0), trace (TraceBackward0), fill_diagonal_,
// and the out-of-place writes into a sub-view: diagonal_scatter, select_scatter, slice_scatter.
import { trace_op, tracing } from '../jit/tracer.js';
import { no_grad } from '../autograd/grad_mode.js';
import { promote_names, is_floating, type DType } from '../dtype.js';
import { normalize_dim, shapes_equal } from '../shape.js';
import { Tensor } from '../tensor.js';
import { signature, type PyArgs } from '../signature.js';
import { empty, record } from './record.js';
import { as_strided, clone, contiguous, narrow, reshape, select, slice, view } from './view.js';
import { diag, diagonal } from './dim_views.js';
import { copy_, fill_ } from './inplace.js';
import { mul, to_dtype, type Scalar } from './arithmetic.js';
import { zeros_like } from './creation.js';

const DIAGFLAT = signature<{ input: Tensor; offset: number }>('diagflat(Tensor input, int offset=0)');
/**
 * A square matrix with the flattened `input` on its `offset`-th diagonal and zeros elsewhere.
 *
 * @example
 * torch.diagflat(torch.tensor([[1, 2], [3, 4]])).shape; // [4, 4]
 */
export function diagflat(...args: PyArgs<[input: Tensor, offset: number], { input?: Tensor; offset?: number }>): Tensor {
  if (tracing) return trace_op('aten::diagflat', diagflat, args, DIAGFLAT);
  const { input, offset } = DIAGFLAT.parse(args);
  return diag(view(contiguous(input), [-1]), offset);
}

const BLOCK_DIAG = signature<{ tensors: Tensor[] }>('block_diag(Tensor... tensors)');
/**
 * The inputs as blocks along the diagonal of one matrix, zeros elsewhere (BlockDiagBackward0); a 0-d input is a
 * 1×1 block, a 1-d one a single row; dtypes promote.
 *
 * @example
 * torch.block_diag(torch.tensor([[1, 2]]), torch.tensor(3)); // [[1, 2, 0], [0, 0, 3]]
 */
export function block_diag(...tensors: Tensor[] | [Tensor[]]): Tensor {
  if (tracing) return trace_op('aten::block_diag', block_diag, tensors);
  const list = BLOCK_DIAG.parse(tensors).tensors;
  list.forEach((t, i) => {
    if (t.ndim > 2) throw new Error(`torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${i} has ${t.ndim} dimensions`);
  });
  const blocks = list.map((t): [number, number] => (t.ndim === 2 ? [t._shape[0]!, t._shape[1]!] : t.ndim === 1 ? [1, t._shape[0]!] : [1, 1]));
  const rows = blocks.reduce((s, b) => s + b[0], 0);
  const cols = blocks.reduce((s, b) => s + b[1], 0);
  const dtype: DType = list.reduce<DType>((d, t) => promote_names(d, t._dtype), list.length === 0 ? 'float32' : list[0]!._dtype);
  const out = empty([rows, cols], dtype);
  out._storage.data.fill(0);
  let [r, c] = [0, 0];
  for (let i = 0; i < list.length; i++) {
    const [h, w] = blocks[i]!;
    const src = list[i]!._contiguous_data();
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out._storage.data[(r + y) * cols + c + x] = src[y * w + x]!;
    r += h;
    c += w;
  }
  const at = blocks.map((_, i) => blocks.slice(0, i).reduce((s, b): [number, number] => [s[0] + b[0], s[1] + b[1]], [0, 0] as [number, number]));
  record('BlockDiagBackward0', list, [out], (_c, [g]) => list.map((t, i) => {
    if (!is_floating(t._dtype)) return null;
    const part = narrow(narrow(g!, 0, at[i]![0], blocks[i]![0]), 1, at[i]![1], blocks[i]![1]);
    return reshape(part._dtype === t._dtype ? part : to_dtype(part, t._dtype), t._shape);
  }));
  return out;
}

const TRACE = signature<{ input: Tensor }>('trace(Tensor input)');
/**
 * The sum of a matrix's main diagonal (TraceBackward0; integer and bool inputs sum in int64).
 *
 * @example
 * torch.trace(torch.tensor([[1, 2], [3, 4]])); // 5
 */
export function trace(...args: PyArgs<[input: Tensor], { input?: Tensor }>): Tensor {
  const x = args.length === 1 && args[0] instanceof Tensor ? args[0] : TRACE.parse(args).input;
  if (tracing) return trace_op('aten::trace', trace, [x]);
  if (x.ndim !== 2) throw new Error(`trace: expected a matrix, but got tensor with dim ${x.ndim}`);
  const out = no_grad(() => diagonal(x.detach()).sum());
  const shape = x._shape;
  record('TraceBackward0', [x], [out], (_c, [g]) => [mul(eye_mask(shape, g!._dtype), g!)]);
  return out;
}

/** Ones on the main diagonal of a `shape` matrix, zeros elsewhere. */
function eye_mask(shape: readonly number[], dtype: DType): Tensor {
  const m = empty(shape, dtype);
  m._storage.data.fill(0);
  for (let i = 0; i < Math.min(shape[0]!, shape[1]!); i++) m._storage.data[i * shape[1]! + i] = 1;
  return m;
}

const FILL_DIAGONAL = signature<{ self: Tensor; fill_value: Scalar; wrap: boolean }>('fill_diagonal_(Tensor self, Scalar fill_value, bool wrap=False)');
/** The arguments of `x.fill_diagonal_(...)`. */
export type FillDiagonalMethodArgs = PyArgs<[fill_value: Scalar, wrap: boolean], {
  /** The value written on the diagonal. */
  fill_value?: Scalar;
  /** For a tall matrix, restart the diagonal every `cols + 1` rows. */
  wrap?: boolean;
}>;

/**
 * Writes `fill_value` on the main diagonal of `self` (all dims of equal length, or a 2-d matrix), in place; with
 * `wrap`, a tall matrix's diagonal restarts every `cols + 1` rows, as NumPy's. Recorded as a fill of that
 * diagonal view (CopySlices on `self`).
 *
 * @returns `self`
 * @example
 * torch.zeros([3, 3]).fill_diagonal_(1); // the identity
 */
export function fill_diagonal_<T extends Tensor>(self: T, ...args: FillDiagonalMethodArgs): T {
  if (tracing) return trace_op('aten::fill_diagonal_', fill_diagonal_, [self, ...args]) as T;
  const { fill_value, wrap } = FILL_DIAGONAL.parse([self, ...args], { method: true });
  if (self.ndim < 2) throw new Error('dimensions must larger than 1');
  const height = self._shape[0]!;
  const width = self._shape[1]!;
  if (self.ndim > 2 && self._shape.some((n) => n !== height)) throw new Error('all dimensions of input must be of equal length');
  let count = Math.min(...self._shape);
  // a tall matrix with wrap: every (width + 1)-th element of the whole (contiguous) matrix
  if (self.ndim === 2 && wrap && height > width + 1) count = Math.floor((self.numel() - 1) / (width + 1)) + 1;
  const step = self._strides.reduce((s, v) => s + v, 0);
  const diag_view = as_strided(self, [count], [wrap && self.ndim === 2 && height > width + 1 ? width + 1 : step], self._offset);
  fill_(diag_view, fill_value);
  return self;
}

/**
 * One out-of-place write of `src` into a sub-view of a copy of `input` (PyTorch's `*_scatter` ops): `sub`
 * picks the sub-view. Backward: `input` gets the gradient with the sub-view zeroed, `src` the sub-view of it.
 */
function scatter_into_view(name: string, input: Tensor, src: Tensor, sub: (t: Tensor) => Tensor): Tensor {
  const target_shape = no_grad(() => sub(input.detach())._shape);
  if (!shapes_equal(target_shape, src._shape)) {
    throw new Error(`expected src to have a size equal to the slice of self. src size = [${src._shape.join(', ')}], slice size = [${target_shape.join(', ')}]`);
  }
  const out = no_grad(() => {
    const o = clone(input.detach());
    copy_(sub(o), src.detach());
    return o;
  });
  record(name, [input, src], [out], (ctx, [g]) => [
    ctx.needs_input_grad(0) ? scatter_into_view(name, g!, no_grad(() => zeros_like(sub(g!.detach()))), sub) : null,
    ctx.needs_input_grad(1) ? sub(g!) : null,
  ]);
  return out;
}

const DIAGONAL_SCATTER = signature<{ input: Tensor; src: Tensor; offset: number; dim1: number; dim2: number }>('diagonal_scatter(Tensor input, Tensor src, int offset=0, int dim1=0, int dim2=1)');
/**
 * A copy of `input` with `src` written onto its diagonal (as `torch.diagonal(input, offset, dim1, dim2)` picks
 * it; DiagonalScatterBackward0).
 *
 * @example
 * torch.diagonal_scatter(torch.zeros([2, 2]), torch.ones(2)); // the identity
 */
export function diagonal_scatter(...args: PyArgs<[input: Tensor, src: Tensor, offset: number, dim1: number, dim2: number], { input?: Tensor; src?: Tensor; offset?: number; dim1?: number; dim2?: number }>): Tensor {
  if (tracing) return trace_op('aten::diagonal_scatter', diagonal_scatter, args, DIAGONAL_SCATTER);
  const { input, src, offset, dim1, dim2 } = DIAGONAL_SCATTER.parse(args);
  return scatter_into_view('DiagonalScatterBackward0', input, src, (t) => diagonal(t, offset, dim1, dim2));
}

const SELECT_SCATTER = signature<{ input: Tensor; src: Tensor; dim: number; index: number }>('select_scatter(Tensor input, Tensor src, int dim, int index)');
/**
 * A copy of `input` with `src` written at `index` of `dim` (SelectScatterBackward0).
 *
 * @example
 * torch.select_scatter(torch.zeros([2, 2]), torch.ones(2), 0, 0); // [[1, 1], [0, 0]]
 */
export function select_scatter(...args: PyArgs<[input: Tensor, src: Tensor, dim: number, index: number], { input?: Tensor; src?: Tensor; dim?: number; index?: number }>): Tensor {
  if (tracing) return trace_op('aten::select_scatter', select_scatter, args, SELECT_SCATTER);
  const { input, src, dim, index } = SELECT_SCATTER.parse(args);
  return scatter_into_view('SelectScatterBackward0', input, src, (t) => select(t, dim, index));
}

const SLICE_SCATTER = signature<{ input: Tensor; src: Tensor; dim: number; start: number | null; end: number | null; step: number }>(
  'slice_scatter(Tensor input, Tensor src, int dim=0, int? start=None, int? end=None, int step=1)',
);
/**
 * A copy of `input` with `src` written into `input[start:end:step]` along `dim` (SliceScatterBackward0).
 *
 * @example
 * torch.slice_scatter(torch.zeros([4]), torch.ones(2), { start: 2 }); // [0, 0, 1, 1]
 */
export function slice_scatter(...args: PyArgs<[input: Tensor, src: Tensor, dim: number, start: number | null, end: number | null, step: number], { input?: Tensor; src?: Tensor; dim?: number; start?: number | null; end?: number | null; step?: number }>): Tensor {
  if (tracing) return trace_op('aten::slice_scatter', slice_scatter, args, SLICE_SCATTER);
  const { input, src, dim, start, end, step } = SLICE_SCATTER.parse(args);
  const d = normalize_dim(dim, input.ndim);
  return scatter_into_view('SliceScatterBackward0', input, src, (t) => slice(t, d, start, end, step));
}
