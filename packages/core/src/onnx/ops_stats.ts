// ONNX opset-17 forms of the statistics and distances: max / min (whole, along a dim, or of two tensors),
// argmin, norm, var / std, cosine_similarity, pairwise_distance, softmin and rms_norm, each composed of ONNX
// reductions and arithmetic as PyTorch computes it.
import type { DType } from '../dtype.js';
import { Value } from '../jit/graph.js';
import { norm_dim, type OnnxBuilder, type OpCall } from './builder.js';
import { I, Is } from './proto.js';
import { arg_reduce, type Converter } from './ops_tensor.js';

/** The reduced dims of a call (`dim` null or empty: all of them), non-negative. */
function dims_of(dim: number | readonly number[] | null | undefined, ndim: number): number[] {
  const list = dim === null || dim === undefined ? [] : typeof dim === 'number' ? [dim] : dim;
  return (list.length === 0 ? Array.from({ length: ndim }, (_, i) => i) : [...list]).map((d) => norm_dim(d, ndim));
}

/** `op(x)` over `axes` (ReduceSum takes them as an input in opset 13+, the others as an attribute). */
function reduce(b: OnnxBuilder, op: string, x: string, axes: number[], keepdim: boolean): string {
  if (op === 'ReduceSum') return b.node(op, [x, b.i64(axes)], { keepdims: I(keepdim ? 1 : 0) })[0]!;
  return b.node(op, [x], { axes: Is(axes), keepdims: I(keepdim ? 1 : 0) })[0]!;
}

/** The p-norm of `x` over `axes`: L1 / L2 / max / min / count of nonzeros, or (Σ|x|ᵖ)^(1/p). */
function p_norm(b: OnnxBuilder, x: string, p: number, axes: number[], keepdim: boolean, dt: DType): string {
  if (p === 2) return reduce(b, 'ReduceL2', x, axes, keepdim);
  if (p === 1) return reduce(b, 'ReduceL1', x, axes, keepdim);
  const abs = b.node('Abs', [x])[0]!;
  if (p === Infinity) return reduce(b, 'ReduceMax', abs, axes, keepdim);
  if (p === -Infinity) return reduce(b, 'ReduceMin', abs, axes, keepdim);
  if (p === 0) return reduce(b, 'ReduceSum', b.cast(b.node('Not', b.node('Equal', [x, b.scalar(0, dt)]))[0]!, dt), axes, keepdim);
  const sum = reduce(b, 'ReduceSum', b.node('Pow', [abs, b.scalar(p, dt)])[0]!, axes, keepdim);
  return b.node('Pow', [sum, b.scalar(1 / p, dt)])[0]!;
}

/**
 * max / min: of everything (one value), along `dim` (values and indices), or elementwise with another tensor,
 * as the call's outputs and arguments say.
 */
const extreme = (which: 'Max' | 'Min'): Converter => (b, c) => {
  const x = c.x;
  const dt = c.y.type!.dtype;
  const other = c.tensor('other', 1);
  if (other !== null) return void b.emit(c.y, which, [b.operand(x, dt), b.operand(other, dt)]);
  const ndim = x.type!.shape.length;
  if (c.outs.length === 1) return void b.emit(c.y, `Reduce${which}`, [b.name(x)], { axes: Is(dims_of(null, ndim)), keepdims: I(0) });
  const dim = norm_dim(c.arg<number>('dim', 1, 0), ndim);
  const keepdim = c.arg<boolean>('keepdim', 2, false);
  b.emit(c.outs[0]!, `Reduce${which}`, [b.name(x)], { axes: Is([dim]), keepdims: I(keepdim ? 1 : 0) });
  b.emit(c.outs[1]!, which === 'Max' ? 'ArgMax' : 'ArgMin', [b.name(x)], { axis: I(dim), keepdims: I(keepdim ? 1 : 0) });
};

/** var / std's correction: `correction`, else 1 unless `unbiased` is false (also given as the old positional bool). */
function variance(b: OnnxBuilder, c: OpCall): { value: string; dt: DType } {
  const x = c.x;
  const dt = c.y.type!.dtype;
  let dim = c.arg<number | number[] | boolean | null>('dim', 1, null);
  let unbiased = c.arg<boolean | null>('unbiased', 2, null);
  if (typeof dim === 'boolean') {
    unbiased = dim;
    dim = null;
  }
  const correction = c.arg<number | null>('correction', 99, null) ?? (unbiased === false ? 0 : 1);
  const keepdim = c.arg<boolean>('keepdim', 3, false);
  const shape = x.type!.shape;
  const axes = dims_of(dim, shape.length);
  const n = axes.reduce((a, d) => a * shape[d]!, 1);
  const xs = b.operand(x, dt);
  const centred = b.node('Sub', [xs, reduce(b, 'ReduceMean', xs, axes, true)])[0]!;
  const sum = reduce(b, 'ReduceSum', b.node('Mul', [centred, centred])[0]!, axes, keepdim);
  return { value: b.node('Div', [sum, b.scalar(Math.max(n - correction, 0), dt)])[0]!, dt };
}

/** The converters of statistics and distances, by aten name. */
export const STATS_OPS: Record<string, Converter> = {
  'aten::max': extreme('Max'),
  'aten::min': extreme('Min'),
  'aten::argmin': arg_reduce('ArgMin'),
  'aten::norm': (b, c) => {
    const dt = c.y.type!.dtype;
    const p = c.arg<number | string | null>('p', 1, 'fro');
    if (p === 'nuc') throw new Error("torch.onnx.export: norm with p='nuc' is not supported in opset 17");
    const x = c.x;
    const axes = dims_of(c.arg<number | number[] | null>('dim', 2, null), x.type!.shape.length);
    b.bind(c.y, p_norm(b, b.operand(x, dt), p === 'fro' || p === null ? 2 : (p as number), axes, c.arg<boolean>('keepdim', 3, false), dt));
  },
  'aten::var': (b, c) => void b.bind(c.y, variance(b, c).value),
  'aten::std': (b, c) => {
    const v = variance(b, c);
    b.emit(c.y, 'Sqrt', [v.value]);
  },
  // each vector over its own norm raised to eps, then the dot product along dim (PyTorch 2.x's formula)
  'aten::cosine_similarity': (b, c) => {
    const dt = c.y.type!.dtype;
    const eps = b.scalar(c.arg<number>('eps', 3, 1e-8), dt);
    // expanded to the common shape first, as PyTorch does, so each norm counts the broadcast copies
    const [s1, s2] = [c.tensor('x1', 0)!.type!.shape, c.tensor('x2', 1)!.type!.shape];
    const rank = Math.max(s1.length, s2.length);
    const dim = norm_dim(c.arg<number>('dim', 2, 1), rank);
    const shape = Array.from({ length: rank }, (_, i) => Math.max(s1[i - rank + s1.length] ?? 1, s2[i - rank + s2.length] ?? 1));
    const unit = (v: Value | null): string => {
      const own = v!.type!.shape;
      const x = own.length === rank && own.every((n, i) => n === shape[i]) ? b.operand(v, dt) : b.node('Expand', [b.operand(v, dt), b.i64(shape)])[0]!;
      return b.node('Div', [x, b.node('Max', [reduce(b, 'ReduceL2', x, [dim], true), eps])[0]!])[0]!;
    };
    b.emit(c.y, 'ReduceSum', [b.node('Mul', [unit(c.tensor('x1', 0)), unit(c.tensor('x2', 1))])[0]!, b.i64([dim])], { keepdims: I(0) });
  },
  'aten::pairwise_distance': (b, c) => {
    const dt = c.y.type!.dtype;
    const d = b.node('Add', [b.node('Sub', [b.operand(c.tensor('x1', 0), dt), b.operand(c.tensor('x2', 1), dt)])[0]!, b.scalar(c.arg<number>('eps', 3, 1e-6), dt)])[0]!;
    const nd = Math.max(c.tensor('x1', 0)!.type!.shape.length, c.tensor('x2', 1)!.type!.shape.length);
    b.bind(c.y, p_norm(b, d, c.arg<number>('p', 2, 2), [nd - 1], c.arg<boolean>('keepdim', 4, false), dt));
  },
  'aten::softmin': (b, c) => {
    const dt = c.y.type!.dtype;
    const dim = norm_dim(c.arg<number>('dim', 1, -1), c.x.type!.shape.length);
    b.emit(c.y, 'Softmax', [b.node('Neg', [b.operand(c.x, dt)])[0]!], { axis: I(dim) });
  },
  // x · 1/√(mean(x²) + eps) · weight, eps defaulting to the dtype's machine epsilon
  'aten::rms_norm': (b, c) => {
    const dt = c.y.type!.dtype;
    const x = b.operand(c.x, dt);
    const k = c.arg<number[]>('normalized_shape', 1, []).length;
    const ndim = c.x.type!.shape.length;
    const eps = c.arg<number | null>('eps', 3, null) ?? (dt === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7);
    const axes = Array.from({ length: k }, (_, i) => ndim - k + i);
    const ms = reduce(b, 'ReduceMean', b.node('Mul', [x, x])[0]!, axes, true);
    const out = b.node('Mul', [x, b.node('Reciprocal', b.node('Sqrt', b.node('Add', [ms, b.scalar(eps, dt)])))[0]!])[0]!;
    const w = c.tensor('weight', 2);
    if (w === null) b.bind(c.y, out);
    else b.emit(c.y, 'Mul', [out, b.operand(w, dt)]);
  },
};
