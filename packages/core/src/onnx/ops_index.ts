// ONNX opset-17 forms of the indexing, ordering and product ops: index_select / gather / take / take_along_dim,
// scatter, index_add / index_copy / index_fill, masked_select, nonzero, sort / topk, flip / roll, cumsum /
// cumprod, diagonal / diag / diag_embed, logsumexp, prod, one_hot, movedim and the pointwise lerp / addcmul /
// addcdiv / xlogy.
import { movedim_order } from '../shape.js';
import { Value } from '../jit/graph.js';
import { norm_dim, type OnnxBuilder, type OpCall } from './builder.js';
import { I, Is, S } from './proto.js';
import type { Converter } from './ops_tensor.js';

/** `dim` of the op's input, non-negative (`index` its position, `fallback` its default). */
function dim_of(c: OpCall, index: number, fallback: number | null, ndim = c.x.type!.shape.length): number {
  return norm_dim(c.arg<number | null>('dim', index, fallback) ?? 0, Math.max(ndim, 1));
}

/** A flat view (`Reshape(x, [-1])`). */
const flat = (b: OnnxBuilder, x: string): string => b.node('Reshape', [x, b.i64([-1])])[0]!;

/** `x[start:stop]` along `axis`. */
const slice = (b: OnnxBuilder, x: string, axis: number, start: number, stop: number): string => b.node('Slice', [x, b.i64([start]), b.i64([stop]), b.i64([axis])])[0]!;

/** `x` rolled by `shift` along `axis` of size `n`: the last `shift` entries moved to the front. */
function roll_axis(b: OnnxBuilder, x: string, axis: number, n: number, shift: number): string {
  const s = ((shift % n) + n) % n;
  if (s === 0) return x;
  return b.node('Concat', [slice(b, x, axis, n - s, n), slice(b, x, axis, 0, n - s)], { axis: I(axis) })[0]!;
}

/** sort / argsort / topk as TopK (ties keep the lower index first, as a stable sort). */
function top_k(b: OnnxBuilder, c: OpCall, k: number, dim: number, largest: boolean): [string, string] {
  const [values, indices] = b.node('TopK', [b.name(c.x), b.i64([k])], { axis: I(dim), largest: I(largest ? 1 : 0), sorted: I(1) }, 2);
  return [values!, indices!];
}

/** ScatterElements of `src` (a tensor read over index's window, or a number) at `index` along `dim`. */
function scatter_elements(b: OnnxBuilder, c: OpCall, reduction: 'none' | 'add'): void {
  const dt = c.y.type!.dtype;
  const index = c.tensor('index', 2)!;
  const dim = dim_of(c, 1, 0);
  const src = c.arg<unknown>('src', 3, c.arg<unknown>('value', 3, 0));
  const shape = index.type!.shape;
  let updates: string;
  if (typeof src === 'number' || typeof src === 'boolean') updates = b.node('Expand', [b.scalar(Number(src), dt), b.i64(shape)])[0]!;
  else {
    const v = src as Value;
    const same = v.type!.shape.every((s, i) => s === shape[i]);
    updates = same ? b.operand(v, dt) : b.node('Slice', [b.operand(v, dt), b.i64(shape.map(() => 0)), b.i64(shape), b.i64(shape.map((_, i) => i))])[0]!;
  }
  b.emit(c.y, 'ScatterElements', [b.name(c.x), b.name(index), updates], { axis: I(dim), reduction: S(reduction) });
}

/**
 * index_add / index_copy / index_fill along `dim` as ScatterElements: each index spread over the window it
 * writes (the input's shape with `dim` as long as the index), the updates the source (scaled by `alpha`) or the
 * fill value expanded to that window.
 */
function index_scatter(kind: 'add' | 'copy' | 'fill'): Converter {
  return (b, c) => {
    const dt = c.y.type!.dtype;
    const shape = c.x.type!.shape;
    const dim = dim_of(c, 1, 0, shape.length);
    const index = c.tensor('index', 2)!;
    const window = shape.map((s, d) => (d === dim ? index.type!.shape[0] ?? 1 : s));
    const spread = b.node('Expand', [b.node('Reshape', [b.operand(index, 'int64'), b.i64(window.map((s, d) => (d === dim ? s : 1)))])[0]!, b.i64(window)])[0]!;
    let updates: string;
    if (kind === 'fill') {
      const value = c.arg<unknown>('value', 3, 0);
      const v = value instanceof Value ? b.operand(value, dt) : b.scalar(Number(value), dt);
      updates = b.node('Expand', [v, b.i64(window)])[0]!;
    } else {
      updates = b.operand(c.tensor('source', 3)!, dt);
      const alpha = kind === 'add' ? c.arg<number>('alpha', 4, 1) : 1;
      if (alpha !== 1) updates = b.node('Mul', [updates, b.scalar(alpha, dt)])[0]!;
    }
    b.emit(c.y, 'ScatterElements', [b.operand(c.x, dt), spread, updates], { axis: I(dim), reduction: S(kind === 'add' ? 'add' : 'none') });
  };
}

/** cumprod along `dim` as a log-depth scan: the running product times itself shifted by 1, 2, 4, … (ones shifted in). */
const cumprod: Converter = (b, c) => {
  const dt = c.y.type!.dtype;
  const shape = c.x.type!.shape;
  let y = b.operand(c.x, dt);
  if (shape.length === 0) return void b.emit(c.y, 'Identity', [y]);
  const dim = dim_of(c, 1, 0, shape.length);
  const n = shape[dim]!;
  for (let k = 1; k < n; k *= 2) {
    const ones = b.node('Expand', [b.scalar(1, dt), b.i64(shape.map((s, d) => (d === dim ? k : s)))])[0]!;
    const shifted = b.node('Concat', [ones, slice(b, y, dim, 0, n - k)], { axis: I(dim) })[0]!;
    y = b.node('Mul', [y, shifted])[0]!;
  }
  b.emit(c.y, 'Identity', [y]);
};

/** diagonal(offset, dim1, dim2): the two dims moved last and flattened, the diagonal's flat positions gathered. */
function diagonal_of(b: OnnxBuilder, x: string, shape: readonly number[], offset: number, d1: number, d2: number): string {
  const rest = shape.map((_, d) => d).filter((d) => d !== d1 && d !== d2);
  const [n1, n2] = [shape[d1]!, shape[d2]!];
  const moved = b.node('Transpose', [x], { perm: Is([...rest, d1, d2]) })[0]!;
  const flat2 = b.node('Reshape', [moved, b.i64([...rest.map((d) => shape[d]!), n1 * n2])])[0]!;
  const L = Math.max(0, Math.min(n1 - Math.max(0, -offset), n2 - Math.max(0, offset)));
  const at = Array.from({ length: L }, (_, i) => (i + Math.max(0, -offset)) * n2 + i + Math.max(0, offset));
  return b.node('Gather', [flat2, b.i64(at)], { axis: I(rest.length) })[0]!;
}

/**
 * diag_embed(offset, dim1, dim2): each last-dim vector gathered onto the flat positions of an (n+|offset|)² matrix,
 * zeros elsewhere (Where, so infinities stay off the diagonal), then its two dims moved to dim1 and dim2.
 */
function diag_embed_of(b: OnnxBuilder, x: string, shape: readonly number[], offset: number, d1: number, d2: number, dt: Parameters<OnnxBuilder['scalar']>[1]): string {
  const n = shape[shape.length - 1]!;
  const m = n + Math.abs(offset);
  const at: number[] = [];
  const on: number[] = [];
  for (let r = 0; r < m; r++) for (let col = 0; col < m; col++) {
    const hit = col - r === offset;
    at.push(hit ? (offset >= 0 ? r : col) : 0);
    on.push(hit ? 1 : 0);
  }
  const lead = shape.slice(0, -1);
  const gathered = b.node('Gather', [x, b.i64(at)], { axis: I(lead.length) })[0]!;
  const mask = b.initializer('diag_mask', { dtype: 'bool', shape: [m * m], values: on });
  const filled = b.node('Where', [mask, gathered, b.scalar(0, dt)])[0]!;
  const square = b.node('Reshape', [filled, b.i64([...lead, m, m])])[0]!;
  const R = lead.length + 2;
  if (d1 === R - 2 && d2 === R - 1) return square;
  // output axis a takes the square's row axis (dim1), column axis (dim2) or the next leading axis
  let k = 0;
  const perm = Array.from({ length: R }, (_, a) => (a === d1 ? R - 2 : a === d2 ? R - 1 : k++));
  return b.node('Transpose', [square], { perm: Is(perm) })[0]!;
}

/** The converters of indexing, ordering and product ops, by aten name. */
export const INDEX_OPS: Record<string, Converter> = {
  'aten::index_select': (b, c) => void b.emit(c.y, 'Gather', [b.name(c.x), b.name(c.tensor('index', 2)!)], { axis: I(dim_of(c, 1, 0)) }),
  'aten::gather': (b, c) => void b.emit(c.y, 'GatherElements', [b.name(c.x), b.name(c.tensor('index', 2)!)], { axis: I(dim_of(c, 1, 0)) }),
  'aten::take': (b, c) => void b.emit(c.y, 'Gather', [flat(b, b.name(c.x)), b.name(c.tensor('index', 1)!)], { axis: I(0) }),
  'aten::take_along_dim': (b, c) => {
    const indices = c.tensor('indices', 1)!;
    const dim = c.arg<number | null>('dim', 2, null);
    if (dim === null) return void b.emit(c.y, 'GatherElements', [flat(b, b.name(c.x)), flat(b, b.name(indices))], { axis: I(0) });
    const d = norm_dim(dim, c.x.type!.shape.length);
    const out = c.y.type!.shape;
    const xs = out.map((s, i) => (i === d ? c.x.type!.shape[d]! : s));
    b.emit(c.y, 'GatherElements', [b.node('Expand', [b.name(c.x), b.i64(xs)])[0]!, b.node('Expand', [b.name(indices), b.i64(out)])[0]!], { axis: I(d) });
  },
  'aten::scatter': (b, c) => scatter_elements(b, c, 'none'),
  'aten::scatter_add': (b, c) => scatter_elements(b, c, 'add'),
  'aten::masked_select': (b, c) => {
    const mask = c.tensor('mask', 1)!;
    const common = broadcast(c.x.type!.shape, mask.type!.shape);
    const x = flat(b, b.node('Expand', [b.name(c.x), b.i64(common)])[0]!);
    const m = flat(b, b.node('Expand', [b.name(mask), b.i64(common)])[0]!);
    b.emit(c.y, 'Compress', [x, m], { axis: I(0) });
  },
  'aten::nonzero': (b, c) => {
    if (c.arg<boolean>('as_tuple', 99, false)) throw new Error("Exporting the operator 'aten::nonzero' with as_tuple=True to ONNX is not supported by tsgrad.");
    b.emit(c.y, 'Transpose', b.node('NonZero', [b.name(c.x)]), { perm: Is([1, 0]) });
  },
  'aten::argwhere': (b, c) => void b.emit(c.y, 'Transpose', b.node('NonZero', [b.name(c.x)]), { perm: Is([1, 0]) }),
  'aten::sort': (b, c) => {
    const dim = dim_of(c, 1, -1);
    const [values, indices] = top_k(b, c, c.x.type!.shape[dim] ?? 1, dim, c.arg<boolean>('descending', 2, false));
    b.bind(c.outs[0]!, values);
    b.bind(c.outs[1]!, indices);
  },
  'aten::argsort': (b, c) => {
    const dim = dim_of(c, 1, -1);
    b.bind(c.y, top_k(b, c, c.x.type!.shape[dim] ?? 1, dim, c.arg<boolean>('descending', 2, false))[1]);
  },
  'aten::topk': (b, c) => {
    const dim = dim_of(c, 2, -1);
    const [values, indices] = top_k(b, c, c.arg<number>('k', 1, 1), dim, c.arg<boolean>('largest', 3, true));
    b.bind(c.outs[0]!, values);
    b.bind(c.outs[1]!, indices);
  },
  'aten::flip': (b, c) => {
    const n = c.x.type!.shape.length;
    const dims = (c.arg<number[]>('dims', 1, [])).map((d) => norm_dim(d, n));
    b.emit(c.y, 'Slice', [b.name(c.x), b.i64(dims.map(() => -1)), b.i64(dims.map(() => -(2 ** 63))), b.i64(dims), b.i64(dims.map(() => -1))]);
  },
  'aten::roll': (b, c) => {
    const shape = c.x.type!.shape;
    const shifts = c.arg<number[]>('shifts', 1, []);
    const dims = c.arg<number[]>('dims', 2, []);
    if (dims.length === 0) {
      const rolled = roll_axis(b, flat(b, b.name(c.x)), 0, shape.reduce((p, s) => p * s, 1), shifts[0]!);
      return void b.emit(c.y, 'Reshape', [rolled, b.i64(shape)]);
    }
    let x = b.name(c.x);
    dims.forEach((d, k) => {
      const axis = norm_dim(d, shape.length);
      x = roll_axis(b, x, axis, shape[axis]!, shifts[k]!);
    });
    b.emit(c.y, 'Identity', [x]);
  },
  'aten::cumsum': (b, c) => void b.emit(c.y, 'CumSum', [b.operand(c.x, c.y.type!.dtype), b.scalar(dim_of(c, 1, 0), 'int64')]),
  'aten::cumprod': cumprod,
  'aten::index_add': index_scatter('add'),
  'aten::index_copy': index_scatter('copy'),
  'aten::index_fill': index_scatter('fill'),
  'aten::diagonal': (b, c) => {
    const shape = c.x.type!.shape;
    const [d1, d2] = [norm_dim(c.arg('dim1', 2, 0), shape.length), norm_dim(c.arg('dim2', 3, 1), shape.length)];
    b.emit(c.y, 'Identity', [diagonal_of(b, b.name(c.x), shape, c.arg('offset', 1, 0), d1, d2)]);
  },
  'aten::diag_embed': (b, c) => {
    const shape = c.x.type!.shape;
    const R = shape.length + 1;
    const [d1, d2] = [norm_dim(c.arg('dim1', 2, -2), R), norm_dim(c.arg('dim2', 3, -1), R)];
    b.emit(c.y, 'Identity', [diag_embed_of(b, b.operand(c.x, c.y.type!.dtype), shape, c.arg('offset', 1, 0), d1, d2, c.y.type!.dtype)]);
  },
  'aten::diag': (b, c) => {
    const shape = c.x.type!.shape;
    const k = c.arg('diagonal', 1, 0);
    const out = shape.length === 1 ? diag_embed_of(b, b.operand(c.x, c.y.type!.dtype), shape, k, 0, 1, c.y.type!.dtype) : diagonal_of(b, b.name(c.x), shape, k, 0, 1);
    b.emit(c.y, 'Identity', [out]);
  },
  'aten::logsumexp': (b, c) => {
    const n = c.x.type!.shape.length;
    const d = c.arg<number | number[]>('dim', 1, []);
    const axes = (typeof d === 'number' ? [d] : d).map((v) => norm_dim(v, Math.max(n, 1)));
    b.emit(c.y, 'ReduceLogSumExp', [b.operand(c.x, c.y.type!.dtype)], { axes: Is(axes.length === 0 ? Array.from({ length: n }, (_, i) => i) : axes), keepdims: I(c.arg<boolean>('keepdim', 2, false) ? 1 : 0) });
  },
  'aten::prod': (b, c) => {
    const n = c.x.type!.shape.length;
    const dim = c.arg<number | null>('dim', 1, null);
    const axes = dim === null ? Array.from({ length: n }, (_, i) => i) : [norm_dim(dim, Math.max(n, 1))];
    const x = b.operand(c.x, c.y.type!.dtype);
    if (n === 0) return void b.emit(c.y, 'Identity', [x]);
    b.emit(c.y, 'ReduceProd', [x], { axes: Is(axes), keepdims: I(dim !== null && c.arg<boolean>('keepdim', 2, false) ? 1 : 0) });
  },
  'aten::one_hot': (b, c) => {
    const depth = c.y.type!.shape[c.y.type!.shape.length - 1]!;
    b.emit(c.y, 'OneHot', [b.name(c.x), b.scalar(depth, 'int64'), b.i64([0, 1])], { axis: I(-1) });
  },
  'aten::movedim': (b, c) => movedim(b, c),
  'aten::moveaxis': (b, c) => movedim(b, c),
  'aten::lerp': (b, c) => {
    const dt = c.y.type!.dtype;
    const x = b.name(c.x);
    const diff = b.node('Sub', [b.operand(c.tensor('end', 1)!, dt), x])[0]!;
    b.emit(c.y, 'Add', [x, b.node('Mul', [b.operand(c.arg<unknown>('weight', 2, 0), dt), diff])[0]!]);
  },
  'aten::addcmul': (b, c) => addc(b, c, 'Mul'),
  'aten::addcdiv': (b, c) => addc(b, c, 'Div'),
  'aten::xlogy': (b, c) => {
    const dt = c.y.type!.dtype;
    const x = b.operand(c.x, dt);
    const y = b.operand(c.arg<unknown>('other', 1, 0), dt);
    const zero = b.node('And', [b.node('Equal', [x, b.scalar(0, dt)])[0]!, b.node('Not', b.node('IsNaN', [y]))[0]!])[0]!;
    b.emit(c.y, 'Where', [zero, b.scalar(0, dt), b.node('Mul', [x, b.node('Log', [y])[0]!])[0]!]);
  },
};

function movedim(b: OnnxBuilder, c: OpCall): void {
  const as_list = (v: number | number[]): number[] => (typeof v === 'number' ? [v] : v);
  const perm = movedim_order(c.x.type!.shape.length, as_list(c.arg<number | number[]>('source', 1, [])), as_list(c.arg<number | number[]>('destination', 2, [])));
  b.emit(c.y, 'Transpose', [b.name(c.x)], { perm: Is(perm) });
}

/** `input + value · (tensor1 ∘ tensor2)` with ∘ Mul or Div. */
function addc(b: OnnxBuilder, c: OpCall, op: 'Mul' | 'Div'): void {
  const dt = c.y.type!.dtype;
  const t = b.node(op, [b.operand(c.tensor('tensor1', 1)!, dt), b.operand(c.tensor('tensor2', 2)!, dt)])[0]!;
  const value = c.arg<number>('value', 99, 1);
  b.emit(c.y, 'Add', [b.operand(c.x, dt), value === 1 ? t : b.node('Mul', [t, b.scalar(value, dt)])[0]!]);
}

/** NumPy broadcasting of two shapes (the traced shapes are valid, so no check). */
function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    return x === 1 ? y : x;
  });
}
