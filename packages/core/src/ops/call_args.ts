// The common call shapes of ops, read once: `op(input)` and `op(input, other)`, with a parser-free fast path.
import { Tensor } from '../tensor.js';
import { signature, type PyArgs, type Signature } from '../signature.js';
import type { Scalar } from './arithmetic.js';

/** A one-tensor op's arguments: PyTorch's `op(Tensor input)`, positional or by keyword. */
export type UnaryArgs = PyArgs<[input: Tensor], { input?: Tensor }>;
/** The same for an op that returns its (in-place) input, typed as that input. */
export type UnaryInplaceArgs<T extends Tensor> = PyArgs<[input: T], { input?: T }>;
/** A two-operand op's arguments, `op(Tensor input, Tensor other)`. */
export type TensorPairArgs = PyArgs<[input: Tensor, other: Tensor], { input?: Tensor; other?: Tensor }>;
/** The same as a Tensor method: `x.op(other)`. */
export type TensorPairMethodArgs = PyArgs<[other: Tensor], { other?: Tensor }>;
/** A tensor-and-number op's arguments, `op(Tensor input, Tensor|Scalar other)` (comparisons). */
export type OperandArgs = PyArgs<[input: Tensor, other: Tensor | Scalar], { input?: Tensor; other?: Tensor | Scalar }>;
/** The same as a Tensor method. */
export type OperandMethodArgs = PyArgs<[other: Tensor | Scalar], { other?: Tensor | Scalar }>;

const UNARY = new Map<string, Signature<{ input: Tensor }>>();

/**
 * The tensor of `torch.sin(x)` or `torch.sin({ input: x })` (`name(Tensor input)`); anything else raises the
 * parser's TypeError. The common positional call skips the parser.
 */
export function unary_arg<T extends Tensor = Tensor>(name: string, args: readonly unknown[]): T {
  if (args.length === 1 && args[0] instanceof Tensor) return args[0] as T;
  let s = UNARY.get(name);
  if (s === undefined) UNARY.set(name, (s = signature<{ input: Tensor }>(`${name}(Tensor input)`)));
  return s.parse(args).input as T;
}

/** Whether a call is the common positional `op(tensor, tensor or number)`, which needs no parsing. */
export function plain_operands(args: readonly unknown[]): boolean {
  return args.length === 2 && args[0] instanceof Tensor && (args[1] instanceof Tensor || typeof args[1] === 'number');
}

/** Whether a call is the common positional `op(tensor, tensor)`. */
export function plain_tensors(args: readonly unknown[]): boolean {
  return args.length === 2 && args[0] instanceof Tensor && args[1] instanceof Tensor;
}
