// Tiling and broadcasting several tensors: repeat (RepeatBackward0: the tiles' gradients summed back) and
// broadcast_tensors (expanded views), and is_floating_point.
import { trace_op, tracing } from '../jit/tracer.js';
import { broadcast_shapes as broadcast_pair, contiguous_strides } from '../shape.js';
import { Size } from '../size.js';
import { Tensor } from '../tensor.js';
import { empty, record } from './record.js';
import { expand, reshape } from './view.js';
import { sum } from './reduce.js';
import { is_int_list, is_plain_object, signature, type PyArgs } from '../signature.js';

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

const TILE = signature<{ input: Tensor; dims: number[] }>('tile(Tensor input, int[] dims)');
/** The arguments of `x.tile(...)`: the repeats one by one, a list, or `{ dims }`. */
export type TileMethodArgs = number[] | [readonly number[]] | [{
  /** The repeats per dim, aligned to the last dims. */
  dims: readonly number[];
}];
/**
 * `input` tiled `dims[i]` times along each dim; fewer dims than the input has repeat its last dims (leading 1s
 * are added), more add leading dims: NumPy's `tile`, recorded as a repeat (RepeatBackward0).
 *
 * @example
 * torch.tile(torch.tensor([[1, 2]]), [2]); // [[1, 2, 1, 2]]
 */
export function tile(...args: PyArgs<[input: Tensor, dims: readonly number[]], { input?: Tensor; dims?: readonly number[] }>): Tensor {
  const { input: x, dims } = TILE.parse(args);
  return (repeat as (...a: unknown[]) => Tensor)(x, [...new Array<number>(Math.max(0, x.ndim - dims.length)).fill(1), ...dims]);
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

const BROADCAST_SHAPES = signature<{ shapes: unknown[] }>('broadcast_shapes(Any... shapes)');
/**
 * The shape tensors of the given shapes would broadcast to (each shape a list of sizes, or one int), as a
 * `torch.Size`.
 *
 * @example
 * torch.broadcast_shapes([3, 1], [1, 4]); // torch.Size([3, 4])
 */
export function broadcast_shapes(...shapes: (number | readonly number[])[]): Size {
  // the shapes go to the parser as one list (a lone [3, 1] is one shape, not two), keywords after it
  const kwargs = is_plain_object(shapes[shapes.length - 1]) ? shapes.slice(-1) : [];
  const list = BROADCAST_SHAPES.parse([shapes.slice(0, shapes.length - kwargs.length), ...kwargs]).shapes;
  let out: number[] = [];
  list.forEach((s, i) => {
    const shape = typeof s === 'number' ? [s] : s;
    if (!is_int_list(shape)) throw new Error(`Input shapes should be of type ints, a tuple of ints, or a list of ints, got ${String(s)}`);
    try {
      out = broadcast_pair(out, shape);
    } catch {
      throw new Error(`Shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg 0 and arg ${i}.`);
    }
  });
  return Size.of_dims(out);
}

const BROADCAST_TENSORS = signature<{ tensors: Tensor[] }>('broadcast_tensors(Tensor... tensors)');
/**
 * The tensors expanded to their common broadcast shape (views; ExpandBackward0 each).
 *
 * @example
 * const [a, b] = torch.broadcast_tensors(torch.zeros([2, 1]), torch.zeros([3]));  // both [2, 3]
 */
export function broadcast_tensors(...tensors: (Tensor | Tensor[])[]): Tensor[] {
  if (tracing) return trace_op('aten::broadcast_tensors', broadcast_tensors, tensors);
  const list = BROADCAST_TENSORS.parse(tensors).tensors;
  const shape = list.reduce<number[]>((s, t) => broadcast_pair(s, t._shape), []);
  return list.map((t) => expand(t, shape));
}

/**
 * Whether `input`'s dtype is a floating-point one (PyTorch's `torch.is_floating_point`).
 *
 * @example
 * torch.is_floating_point(torch.zeros(1)); // true
 */
export function is_floating_point(...args: PyArgs<[input: Tensor], { input?: Tensor }>): boolean {
  return (args.length === 1 && args[0] instanceof Tensor ? args[0] : IS_FLOATING_POINT.parse(args).input).is_floating_point();
}
const IS_FLOATING_POINT = signature<{ input: Tensor }>('is_floating_point(Tensor input)');

const NUMEL = signature<{ input: Tensor }>('numel(Tensor input)');
/**
 * The number of elements of `input` (PyTorch's `torch.numel`, as `x.numel()`).
 *
 * @example
 * torch.numel(torch.zeros(2, 3)); // 6
 */
export function numel(...args: PyArgs<[input: Tensor], { input?: Tensor }>): number {
  return (args.length === 1 && args[0] instanceof Tensor ? args[0] : NUMEL.parse(args).input).numel();
}

const IS_NONZERO = signature<{ input: Tensor }>('is_nonzero(Tensor input)');
/**
 * Whether the single value of a one-element tensor is not zero (Python's `bool(x)`); more or fewer elements
 * raise PyTorch's "ambiguous" error.
 *
 * @example
 * torch.is_nonzero(torch.tensor([1.5])); // true
 */
export function is_nonzero(...args: PyArgs<[input: Tensor], { input?: Tensor }>): boolean {
  const x = IS_NONZERO.parse(args).input;
  const n = x.numel();
  if (n === 0) throw new Error('Boolean value of Tensor with no values is ambiguous');
  if (n > 1) throw new Error('Boolean value of Tensor with more than one value is ambiguous');
  return x.item() !== 0;
}

