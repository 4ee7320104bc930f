// Tiling and broadcasting several tensors: repeat (RepeatBackward0: the tiles' gradients summed back) and
// broadcast_tensors (expanded views), plus the truth reductions any / all.
import { trace_op, tracing } from '../jit/tracer.js';
import { broadcast_shapes, contiguous_strides, normalize_dim, numel_of } from '../shape.js';
import { Tensor } from '../tensor.js';
import { empty, record } from './record.js';
import { expand, reshape } from './view.js';
import { sum } from './reduce.js';
import { signature, type PyArgs } from '../signature.js';

const REPEAT = signature<{ input: Tensor; repeats: number[] }>('repeat(Tensor input, int... repeats)');
/**
 * `input` tiled `repeats[i]` times along each dim (more repeats than dims add leading dims):
 * RepeatBackward0, whose gradient sums the tiles.
 *
 * @example
 * torch.repeat(torch.tensor([1, 2]), 2, 2); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(...args: PyArgs<[input: Tensor, ...repeats: (number | number[])[]], { input?: Tensor; repeats?: number[] }>): Tensor {
  if (tracing) return trace_op('aten::repeat', repeat, args, REPEAT);
  const { input: x, repeats } = REPEAT.parse(args);
  if (repeats.length < x.ndim) throw new Error('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  const base = [...new Array<number>(repeats.length - x.ndim).fill(1), ...x.shape];
  const shape = base.map((s, i) => s * repeats[i]!);
  const bad = shape.find((s) => s < 0);
  if (bad !== undefined) throw new Error(`Trying to create tensor with negative dimension ${bad}: [${shape.join(', ')}]`);
  return tiled(x, base, repeats);
}

function tiled(x: Tensor, base: readonly number[], repeats: readonly number[]): Tensor {
  const shape = base.map((s, i) => s * repeats[i]!);
  const out = empty(shape, x.dtype);
  const od = out._storage.data;
  const src = x._contiguous_data();
  const in_strides = contiguous_strides(base);
  for (let i = 0; i < od.length; i++) {
    let rem = i;
    let at = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
      at += (c % base[d]!) * in_strides[d]!;
    }
    od[i] = src[at]!;
  }
  const in_shape = x.shape;
  record('RepeatBackward0', [x], [out], (_c, [g]) => {
    // [r0, s0, r1, s1, …] summed over the r's
    const split = base.flatMap((s, i) => [repeats[i]!, s]);
    const summed = sum(reshape(g!, split), base.map((_, i) => 2 * i));
    return [reshape(summed, in_shape)];
  });
  return out;
}

/**
 * The tensors expanded to their common broadcast shape (views; ExpandBackward0 each).
 *
 * @example
 * const [a, b] = torch.broadcast_tensors(torch.zeros([2, 1]), torch.zeros([3]));  // both [2, 3]
 */
export function broadcast_tensors(...tensors: (Tensor | Tensor[])[]): Tensor[] {
  if (tracing) return trace_op('aten::broadcast_tensors', broadcast_tensors, tensors);
  const list = tensors.length === 1 && Array.isArray(tensors[0]) ? tensors[0] : (tensors as Tensor[]);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`expected Tensor as element ${i} in argument 0, but got ${typeof t}`);
  });
  const shape = list.reduce<number[]>((s, t) => broadcast_shapes(s, t.shape), []);
  return list.map((t) => expand(t, shape));
}

interface TruthArgs { input: Tensor; dim: number | null; keepdim: boolean }
const ANY = signature<TruthArgs>('any(Tensor input, int? dim=None, bool keepdim=False)');
const ALL = signature<TruthArgs>('all(Tensor input, int? dim=None, bool keepdim=False)');
type TruthFnArgs = PyArgs<[input: Tensor, dim: number | null, keepdim: boolean], { input?: Tensor; dim?: number | null; keepdim?: boolean }>;
/** The arguments of `x.any(...)` / `x.all(...)`. */
export type TruthMethodArgs = PyArgs<[dim: number | null, keepdim: boolean], {
  /** The dim reduced (all elements when absent). */
  dim?: number | null;
  /** Keep `dim` with size 1. */
  keepdim?: boolean;
}>;

/** Whether any (`want` true) or every element is non-zero, over all elements or along `dim`; a bool tensor. */
function truth(a: TruthArgs, want_any: boolean): Tensor {
  const x = a.input;
  const src = x._contiguous_data();
  if (a.dim === null) {
    const out = empty([], 'bool');
    let r = !want_any;
    for (let i = 0; i < src.length; i++) if ((src[i] !== 0) === want_any) r = want_any;
    out._storage.data[0] = +r;
    return out;
  }
  const d = normalize_dim(a.dim, x.ndim);
  const shape = x.ndim === 0 ? [1] : x.shape;
  const [outer, size, inner] = [numel_of(shape.slice(0, d)), shape[d]!, numel_of(shape.slice(d + 1))];
  const out_shape = x.shape.flatMap((s, i) => (i !== d ? [s] : a.keepdim ? [1] : []));
  const out = empty(out_shape, 'bool');
  for (let o = 0; o < outer; o++) {
    for (let n = 0; n < inner; n++) {
      let r = !want_any;
      for (let j = 0; j < size; j++) if ((src[(o * size + j) * inner + n] !== 0) === want_any) r = want_any;
      out._storage.data[o * inner + n] = +r;
    }
  }
  return out;
}

/**
 * Whether any element is non-zero (over all elements, or along `dim`): a bool tensor (not differentiable).
 *
 * @example
 * torch.any(torch.tensor([[0, 1], [0, 0]]), 1); // [true, false]
 */
export function any(...args: TruthFnArgs): Tensor {
  if (tracing) return trace_op('aten::any', any, args, ANY);
  return truth(ANY.parse(args), true);
}

/**
 * Whether every element is non-zero (over all elements, or along `dim`): a bool tensor (not differentiable).
 *
 * @example
 * torch.all(torch.tensor([[1, 1], [0, 1]]), 1); // [true, false]
 */
export function all(...args: TruthFnArgs): Tensor {
  if (tracing) return trace_op('aten::all', all, args, ALL);
  return truth(ALL.parse(args), false);
}

/**
 * Whether `input`'s dtype is a floating-point one (PyTorch's `torch.is_floating_point`).
 *
 * @example
 * torch.is_floating_point(torch.zeros(1)); // true
 */
export function is_floating_point(input: Tensor): boolean {
  if (!(input instanceof Tensor)) throw new TypeError(`is_floating_point(): argument 'input' (position 1) must be Tensor, not ${typeof input}`);
  return input.is_floating_point();
}
