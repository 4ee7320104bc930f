// Tiling and broadcasting several tensors: repeat (RepeatBackward0: the tiles' gradients summed back) and
// broadcast_tensors (expanded views), and is_floating_point.
import { trace_op, tracing } from '../jit/tracer.js';
import { broadcast_shapes, contiguous_strides } from '../shape.js';
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
  const base = [...new Array<number>(repeats.length - x.ndim).fill(1), ...x._shape];
  const shape = base.map((s, i) => s * repeats[i]!);
  const bad = shape.find((s) => s < 0);
  if (bad !== undefined) throw new Error(`Trying to create tensor with negative dimension ${bad}: [${shape.join(', ')}]`);
  return tiled(x, base, repeats);
}

function tiled(x: Tensor, base: readonly number[], repeats: readonly number[]): Tensor {
  const shape = base.map((s, i) => s * repeats[i]!);
  const out = empty(shape, x._dtype);
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
  const in_shape = x._shape;
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
  const shape = list.reduce<number[]>((s, t) => broadcast_shapes(s, t._shape), []);
  return list.map((t) => expand(t, shape));
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
