// ONNX opset-17 forms of the tensor ops: arithmetic, comparisons, math, reductions, shapes and joins.
import type { DType } from '../dtype.js';
import { Value } from '../jit/graph.js';
import { norm_dim, type OnnxBuilder, type OpCall } from './builder.js';
import { I, Is } from './proto.js';

/** Converts one recorded op into ONNX nodes, binding every output of the call. */
export type Converter = (b: OnnxBuilder, c: OpCall) => void;

/** A same-shaped elementwise op of one tensor: `Relu`, `Tanh`, … (computed in the output's dtype). */
const unary = (op: string): Converter => (b, c) => void b.emit(c.y, op, [b.operand(c.x, c.y.type!.dtype)]);

/** A broadcasting op of two operands cast to the result dtype (PyTorch's type promotion already decided it). */
const binary = (op: string, a_index = 0, b_index = 1): Converter => (b, c) => {
  const dt = c.y.type!.dtype;
  b.emit(c.y, op, [b.operand(c.args[a_index], dt), b.operand(c.args[b_index], dt)]);
};

/** `factor·x` (`x` itself when the factor is 1): PyTorch's `alpha` / `beta` multipliers. */
function scaled(b: OnnxBuilder, x: string, factor: number, dtype: DType): string {
  return factor === 1 ? x : b.node('Mul', [x, b.scalar(factor, dtype)])[0]!;
}

/** `a ± alpha·b` (aten::add / aten::sub and their in-place forms); `b - alpha·a` for aten::rsub. */
const add_like = (op: 'Add' | 'Sub', reversed = false): Converter => (b, c) => {
  const dt = c.y.type!.dtype;
  const [x, y] = reversed ? [c.args[1], c.args[0]] : [c.args[0], c.args[1]];
  b.emit(c.y, op, [b.operand(x, dt), scaled(b, b.operand(y, dt), c.arg<number>('alpha', 99, 1), dt)]);
};

/** A comparison: operands in their promoted dtype, a bool result. */
const compare = (op: string, negate = false): Converter => (b, c) => {
  const [x, o] = c.args as [Value, unknown];
  const dt = o instanceof Value && o.type!.dtype !== x.type!.dtype ? (x.type!.dtype === 'float64' || o.type!.dtype === 'float64' ? 'float64' : 'float32') : x.type!.dtype;
  if (!negate) b.emit(c.y, op, [b.operand(x, dt), b.operand(o, dt)]);
  else b.emit(c.y, 'Not', b.node(op, [b.operand(x, dt), b.operand(o, dt)]));
};

/** Output 0 is input 0 (clone, contiguous, detach, eval-mode dropout, a cast to the same dtype). */
const identity: Converter = (b, c) => void b.emit(c.y, 'Identity', [b.name(c.x)]);

/** The dims of a reduction (`null` or `[]`: all of them), non-negative. */
function reduce_dims(c: OpCall, ndim: number): number[] {
  const d = c.arg<number | number[] | null>('dim', 1, null);
  const list = d === null ? [] : typeof d === 'number' ? [d] : d;
  return (list.length === 0 ? Array.from({ length: ndim }, (_, i) => i) : list).map((x) => norm_dim(x, ndim));
}

/** A reduction with `axes` as an attribute (opset 17's ReduceMean / ReduceMax / ReduceMin). */
const reduce_attr = (op: string): Converter => (b, c) => {
  const x = c.x;
  const keepdim = c.arg<boolean>('keepdim', 2, false);
  b.emit(c.y, op, [b.operand(x, c.y.type!.dtype)], { axes: Is(reduce_dims(c, x.type!.shape.length)), keepdims: I(keepdim ? 1 : 0) });
};

/** argmax / argmin: along `dim`, or (no dim) over the flattened input. */
export const arg_reduce = (op: 'ArgMax' | 'ArgMin'): Converter => (b, c) => {
  const dim = c.arg<number | null>('dim', 1, null);
  const keepdim = c.arg<boolean>('keepdim', 2, false);
  if (dim === null) b.emit(c.y, op, [b.node('Reshape', [b.name(c.x), b.i64([-1])])[0]!], { axis: I(0), keepdims: I(0) });
  else b.emit(c.y, op, [b.name(c.x)], { axis: I(norm_dim(dim, c.x.type!.shape.length)), keepdims: I(keepdim ? 1 : 0) });
};

/** ONNX Reshape's shape: a dim equal to the input's at the same position is `0` (copied), so a dynamic batch passes. */
export function reshape_target(from: readonly number[], to: readonly number[]): number[] {
  let copied = true;
  return to.map((s, i) => {
    copied &&= i < from.length && from[i] === s;
    return copied ? 0 : s;
  });
}

const reshape: Converter = (b, c) => {
  const target = b.symbolic.has(c.y) ? b.shape_of(c.y) : b.i64(reshape_target(c.x.type!.shape, c.y.type!.shape));
  b.emit(c.y, 'Reshape', [b.name(c.x), target]);
};

/** chunk / split: a `Split` along `dim` into pieces of the outputs' traced sizes. */
export const split_like: Converter = (b, c) => {
  const axis = norm_dim(c.arg<number>('dim', 2, 0), c.x.type!.shape.length);
  const pieces = b.node('Split', [b.name(c.x), b.i64(c.outs.map((o) => o.type!.shape[axis]!))], { axis: I(axis) }, c.outs.length);
  pieces.forEach((n, i) => b.bind(c.outs[i]!, n));
};

/** The converters of tensor ops, by aten name. */
export const TENSOR_OPS: Record<string, Converter> = {
  'aten::add': add_like('Add'),
  'aten::add_': add_like('Add'),
  'aten::sub': add_like('Sub'),
  'aten::sub_': add_like('Sub'),
  'aten::rsub': add_like('Sub', true),
  'aten::mul': binary('Mul'),
  'aten::mul_': binary('Mul'),
  'aten::div': (b, c) => {
    if (c.arg<string | null>('rounding_mode', 99, null) !== null) throw new Error('torch.onnx.export: div with a rounding_mode is not supported');
    binary('Div')(b, c);
  },
  'aten::div_': (b, c) => TENSOR_OPS['aten::div']!(b, c),
  'aten::pow': binary('Pow'),
  'aten::maximum': binary('Max'),
  'aten::minimum': binary('Min'),
  'aten::neg': unary('Neg'),
  'aten::abs': unary('Abs'),
  'aten::sign': unary('Sign'),
  'aten::exp': unary('Exp'),
  'aten::log': unary('Log'),
  'aten::sqrt': unary('Sqrt'),
  'aten::reciprocal': unary('Reciprocal'),
  'aten::rsqrt': (b, c) => void b.emit(c.y, 'Reciprocal', b.node('Sqrt', [b.operand(c.x, c.y.type!.dtype)])),
  'aten::sin': unary('Sin'),
  'aten::cos': unary('Cos'),
  'aten::erf': unary('Erf'),
  'aten::tan': unary('Tan'),
  'aten::asin': unary('Asin'),
  'aten::acos': unary('Acos'),
  'aten::atan': unary('Atan'),
  'aten::sinh': unary('Sinh'),
  'aten::cosh': unary('Cosh'),
  'aten::asinh': unary('Asinh'),
  'aten::acosh': unary('Acosh'),
  'aten::atanh': unary('Atanh'),
  'aten::sgn': unary('Sign'),
  'aten::square': (b, c) => {
    const x = b.operand(c.x, c.y.type!.dtype);
    b.emit(c.y, 'Mul', [x, x]);
  },
  'aten::log1p': (b, c) => {
    const dt = c.y.type!.dtype;
    b.emit(c.y, 'Log', b.node('Add', [b.operand(c.x, dt), b.scalar(1, dt)]));
  },
  'aten::clamp': (b, c) => {
    const dt = c.y.type!.dtype;
    const o = c.args[1];
    const lo = typeof o === 'object' && o !== null ? (o as { min?: number | null }).min ?? null : (o as number | null | undefined) ?? null;
    const hi = typeof o === 'object' && o !== null ? (o as { max?: number | null }).max ?? null : (c.args[2] as number | null | undefined) ?? null;
    b.emit(c.y, 'Clip', [b.operand(c.x, dt), lo === null ? '' : b.scalar(lo, dt), hi === null ? '' : b.scalar(hi, dt)]);
  },
  'aten::clamp_min': (b, c) => {
    const dt = c.y.type!.dtype;
    b.emit(c.y, 'Clip', [b.operand(c.x, dt), b.scalar(c.arg<number>('min', 1, 0), dt)]);
  },
  'aten::clamp_max': (b, c) => {
    const dt = c.y.type!.dtype;
    b.emit(c.y, 'Clip', [b.operand(c.x, dt), '', b.scalar(c.arg<number>('max', 1, 0), dt)]);
  },
  'aten::floor': unary('Floor'),
  'aten::ceil': unary('Ceil'),
  // both round half to even; `decimals` scales by 10^decimals first, as PyTorch does
  'aten::round': (b, c) => {
    const dt = c.y.type!.dtype;
    const d = c.arg<number>('decimals', 1, 0);
    if (d === 0) return void b.emit(c.y, 'Round', [b.operand(c.x, dt)]);
    const scale = b.scalar(10 ** d, dt);
    b.emit(c.y, 'Div', [b.node('Round', b.node('Mul', [b.operand(c.x, dt), scale]))[0]!, scale]);
  },
  'aten::trunc': (b, c) => {
    const dt = c.y.type!.dtype;
    const x = b.operand(c.x, dt);
    b.emit(c.y, 'Where', [b.node('Less', [x, b.scalar(0, dt)])[0]!, b.node('Ceil', [x])[0]!, b.node('Floor', [x])[0]!]);
  },
  'aten::gt': compare('Greater'),
  'aten::lt': compare('Less'),
  'aten::ge': compare('GreaterOrEqual'),
  'aten::le': compare('LessOrEqual'),
  'aten::eq': compare('Equal'),
  'aten::ne': compare('Equal', true),
  'aten::logical_not': (b, c) => void b.emit(c.y, 'Not', [b.operand(c.x, 'bool')]),
  'aten::where': (b, c) => {
    const dt = c.y.type!.dtype;
    b.emit(c.y, 'Where', [b.operand(c.args[0], 'bool'), b.operand(c.args[1], dt), b.operand(c.args[2], dt)]);
  },
  'aten::masked_fill': (b, c) => {
    const dt = c.y.type!.dtype;
    b.emit(c.y, 'Where', [b.operand(c.args[1], 'bool'), b.operand(c.args[2], dt), b.name(c.x)]);
  },
  'aten::to': (b, c) => (c.x.type!.dtype === c.y.type!.dtype ? identity(b, c) : b.bind(c.y, b.cast(b.name(c.x), c.y.type!.dtype))),
  'aten::clone': identity,
  'aten::contiguous': identity,
  'aten::detach': identity,
  // reductions
  'aten::sum': (b, c) => {
    const x = c.x;
    const keepdim = c.arg<boolean>('keepdim', 2, false);
    b.emit(c.y, 'ReduceSum', [b.operand(x, c.y.type!.dtype), b.i64(reduce_dims(c, x.type!.shape.length))], { keepdims: I(keepdim ? 1 : 0) });
  },
  'aten::mean': reduce_attr('ReduceMean'),
  'aten::amax': reduce_attr('ReduceMax'),
  'aten::amin': reduce_attr('ReduceMin'),
  'aten::argmax': arg_reduce('ArgMax'),
  // shapes
  'aten::view': reshape,
  'aten::reshape': reshape,
  'aten::_unsafe_view': reshape,
  'aten::flatten': (b, c) => {
    const n = c.x.type!.shape.length;
    const start = norm_dim(c.arg<number>('start_dim', 1, 0), Math.max(n, 1));
    const end = norm_dim(c.arg<number>('end_dim', 2, -1), Math.max(n, 1));
    if (start === 1 && end === n - 1) b.emit(c.y, 'Flatten', [b.name(c.x)], { axis: I(1) });
    else reshape(b, c);
  },
  'aten::transpose': (b, c) => {
    const n = c.x.type!.shape.length;
    const perm = Array.from({ length: n }, (_, i) => i);
    const d0 = norm_dim(c.args[1] as number, n);
    const d1 = norm_dim(c.args[2] as number, n);
    [perm[d0], perm[d1]] = [perm[d1]!, perm[d0]!];
    b.emit(c.y, 'Transpose', [b.name(c.x)], { perm: Is(perm) });
  },
  'aten::t': (b, c) => (c.x.type!.shape.length < 2 ? identity(b, c) : void b.emit(c.y, 'Transpose', [b.name(c.x)], { perm: Is([1, 0]) })),
  'aten::permute': (b, c) => {
    const n = c.x.type!.shape.length;
    b.emit(c.y, 'Transpose', [b.name(c.x)], { perm: Is((c.args[1] as number[]).map((d) => norm_dim(d, n))) });
  },
  'aten::unsqueeze': (b, c) => void b.emit(c.y, 'Unsqueeze', [b.name(c.x), b.i64([norm_dim(c.args[1] as number, c.x.type!.shape.length + 1)])]),
  'aten::squeeze': (b, c) => {
    const shape = c.x.type!.shape;
    const d = c.args[1] as number | readonly number[] | null | undefined;
    const dims = typeof d === 'number' ? [d] : d;
    const axes = dims === null || dims === undefined ? shape.flatMap((s, i) => (s === 1 ? [i] : [])) : dims.map((i) => norm_dim(i, shape.length)).filter((i) => shape[i] === 1);
    if (axes.length === 0) identity(b, c);
    else b.emit(c.y, 'Squeeze', [b.name(c.x), b.i64(axes)]);
  },
  'aten::expand': (b, c) => void b.emit(c.y, 'Expand', [b.name(c.x), b.shape_of(c.y)]),
  'aten::select': (b, c) => {
    const n = c.x.type!.shape.length;
    const dim = norm_dim(c.arg<number>('dim', 1, 0), n);
    const index = c.arg<number>('index', 2, 0);
    b.emit(c.y, 'Gather', [b.name(c.x), b.scalar(index < 0 ? index + c.x.type!.shape[dim]! : index, 'int64')], { axis: I(dim) });
  },
  'aten::narrow': (b, c) => {
    const shape = c.x.type!.shape;
    const dim = norm_dim(c.arg<number>('dim', 1, 0), shape.length);
    let start = c.arg<number>('start', 2, 0);
    if (start < 0) start += shape[dim]!;
    b.emit(c.y, 'Slice', [b.name(c.x), b.i64([start]), b.i64([start + c.arg<number>('length', 3, 0)]), b.i64([dim])]);
  },
  'aten::slice': (b, c) => {
    const shape = c.x.type!.shape;
    const dim = norm_dim(c.args[1] as number, shape.length);
    const start = (c.args[2] as number | null | undefined) ?? 0;
    const stop = (c.args[3] as number | null | undefined) ?? shape[dim]!;
    b.emit(c.y, 'Slice', [b.name(c.x), b.i64([start]), b.i64([stop]), b.i64([dim]), b.i64([(c.args[4] as number | undefined) ?? 1])]);
  },
  'aten::cat': (b, c) => {
    const tensors = c.arg<Value[]>('tensors', 0, []);
    const dt = c.y.type!.dtype;
    b.emit(c.y, 'Concat', tensors.map((t) => b.operand(t, dt)), { axis: I(norm_dim(c.arg<number>('dim', 1, 0), c.y.type!.shape.length)) });
  },
  'aten::stack': (b, c) => {
    const tensors = c.arg<Value[]>('tensors', 0, []);
    const dt = c.y.type!.dtype;
    const dim = norm_dim(c.arg<number>('dim', 1, 0), c.y.type!.shape.length);
    const axes = b.i64([dim]);
    b.emit(c.y, 'Concat', tensors.map((t) => b.node('Unsqueeze', [b.operand(t, dt), axes])[0]!), { axis: I(dim) });
  },
  'aten::chunk': split_like,
  'aten::split': split_like,
  'aten::unbind': (b, c) => {
    const dim = norm_dim((c.args[1] as number | undefined) ?? 0, c.x.type!.shape.length);
    const axes = b.i64([dim]);
    const pieces = b.node('Split', [b.name(c.x), b.i64(c.outs.map(() => 1))], { axis: I(dim) }, c.outs.length);
    pieces.forEach((p, i) => b.emit(c.outs[i]!, 'Squeeze', [p, axes]));
  },
  // matrix products
  'aten::matmul': binary('MatMul'),
  'aten::mv': binary('MatMul'),
  'aten::dot': binary('MatMul'),
  'aten::repeat': (b, c) => {
    const repeats = c.arg<number[]>('repeats', 1, []);
    const shape = c.x.type!.shape;
    // extra leading repeats add leading dims of size 1 first
    const lead = repeats.length - shape.length;
    const x = lead > 0 ? b.node('Reshape', [b.name(c.x), b.i64([...Array<number>(lead).fill(1), ...shape])])[0]! : b.name(c.x);
    b.emit(c.y, 'Tile', [x, b.i64(repeats)]);
  },
  'aten::mm': binary('MatMul'),
  'aten::bmm': binary('MatMul'),
  'aten::baddbmm': (b, c) => {
    const dt = c.y.type!.dtype;
    const beta = c.arg<number>('beta', 99, 1);
    const prod = scaled(b, b.node('MatMul', [b.name(c.args[1] as Value), b.name(c.args[2] as Value)])[0]!, c.arg<number>('alpha', 99, 1), dt);
    if (beta === 0) return void b.emit(c.y, 'Identity', [prod]);
    b.emit(c.y, 'Add', [scaled(b, b.name(c.args[0] as Value), beta, dt), prod]);
  },
  'aten::addmm': (b, c) => void b.emit(c.y, 'Gemm', [b.name(c.args[1] as Value), b.name(c.args[2] as Value), b.name(c.args[0] as Value)]),
  'aten::tril': (b, c) => void b.emit(c.y, 'Trilu', [b.name(c.x), b.scalar((c.args[1] as number | undefined) ?? 0, 'int64')], { upper: I(0) }),
  'aten::triu': (b, c) => void b.emit(c.y, 'Trilu', [b.name(c.x), b.scalar((c.args[1] as number | undefined) ?? 0, 'int64')], { upper: I(1) }),
};
