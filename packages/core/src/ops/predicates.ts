// Elementwise tests of values and tensor facts (isfinite, isinf, isposinf, isneginf, isreal, is_complex,
// is_signed, is_same_size) and nan_to_num, which replaces what the first four detect.
import { trace_op, tracing } from '../jit/tracer.js';
import { is_floating, type DType } from '../dtype.js';
import { no_grad } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor.js';
import { mul, to_dtype } from './arithmetic.js';
import { record } from './record.js';
import { apply_inplace } from './inplace.js';
import { signature, type PyArgs } from '../signature.js';
import { shapes_equal } from '../shape.js';
import { unary_arg, type TensorPairArgs, type UnaryArgs } from './call_args.js';
import { unary_op } from './math_defs.js';
import { map_values } from './value_maps.js';

/**
 * Whether each element is finite (not ±∞, not NaN); a bool tensor (integers are always finite).
 *
 * @example
 * torch.isfinite(torch.tensor([1, Infinity, NaN])); // [true, false, false]
 */
export const isfinite = unary_op({ name: 'isfinite', f: (v) => +Number.isFinite(v), result: 'bool', node: null });
/**
 * Whether each element is +∞ or −∞; a bool tensor.
 *
 * @example
 * torch.isinf(torch.tensor([1, -Infinity, NaN])); // [false, true, false]
 */
export const isinf = unary_op({ name: 'isinf', f: (v) => +(v === Infinity || v === -Infinity), result: 'bool', node: null });
/**
 * Whether each element is +∞; a bool tensor.
 *
 * @example
 * torch.isposinf(torch.tensor([Infinity, -Infinity])); // [true, false]
 */
export const isposinf = unary_op({ name: 'isposinf', f: (v) => +(v === Infinity), result: 'bool', node: null });
/**
 * Whether each element is −∞; a bool tensor.
 *
 * @example
 * torch.isneginf(torch.tensor([Infinity, -Infinity])); // [false, true]
 */
export const isneginf = unary_op({ name: 'isneginf', f: (v) => +(v === -Infinity), result: 'bool', node: null });
/**
 * Whether each element is real: always true, as tsgrad has no complex dtypes.
 *
 * @example
 * torch.isreal(torch.tensor([1, NaN])); // [true, true]
 */
export const isreal = unary_op({ name: 'isreal', f: () => 1, result: 'bool', node: null });

/**
 * Whether the tensor's dtype is complex: never, in tsgrad.
 *
 * @example
 * torch.is_complex(torch.zeros(2)); // false
 */
export function is_complex(...args: UnaryArgs): boolean {
  unary_arg('is_complex', args);
  return false;
}
/**
 * Whether the tensor's dtype can hold negative values (false for bool and uint8).
 *
 * @example
 * torch.is_signed(torch.zeros(2)); // true
 */
export function is_signed(...args: UnaryArgs): boolean {
  const d = unary_arg('is_signed', args)._dtype;
  return d !== 'bool' && d !== 'uint8';
}
const IS_SAME_SIZE = signature<{ input: Tensor; other: Tensor }>('is_same_size(Tensor input, Tensor other)');
/**
 * Whether two tensors have the same shape.
 *
 * @example
 * torch.is_same_size(torch.zeros(2, 3), torch.ones(2, 3)); // true
 */
export function is_same_size(...args: TensorPairArgs): boolean {
  const { input, other } = IS_SAME_SIZE.parse(args);
  return shapes_equal(input._shape, other._shape);
}

interface NanToNum { input: Tensor; nan: number | null; posinf: number | null; neginf: number | null }
const NAN_TO_NUM = signature<NanToNum>('nan_to_num(Tensor input, float? nan=0.0, float? posinf=None, float? neginf=None)');
const NAN_TO_NUM_ = signature<NanToNum>('nan_to_num_(Tensor input, float? nan=0.0, float? posinf=None, float? neginf=None)');
/** The largest finite value of each float dtype (nan_to_num's default for +∞; the negative one for −∞). */
const FLOAT_MAX: Partial<Record<DType, number>> = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };

/** The arguments of `nan_to_num`: the input, then the replacements of NaN, +∞ and −∞. */
export type NanToNumArgs<T extends Tensor = Tensor> = PyArgs<[input: T, nan: number | null, posinf: number | null, neginf: number | null], NanToNumOptions & {
  /** The tensor whose NaN and infinities are replaced. */
  input?: T;
}>;
/** The replacements of `nan_to_num` (null: the default). */
export interface NanToNumOptions {
  /** What NaN becomes (default 0). */
  nan?: number | null;
  /** What +∞ becomes (default: the dtype's largest finite value). */
  posinf?: number | null;
  /** What −∞ becomes (default: the dtype's lowest finite value). */
  neginf?: number | null;
}

function nan_to_num_value(a: NanToNum): Tensor {
  const x = a.input;
  if (!is_floating(x._dtype)) return no_grad(() => map_values(x, (v) => v, x._dtype));
  const max = FLOAT_MAX[x._dtype]!;
  const [nan, pos, negv] = [a.nan ?? 0, a.posinf ?? max, a.neginf ?? -max];
  const out = map_values(x, (v) => (v !== v ? nan : v === Infinity ? pos : v === -Infinity ? negv : v), x._dtype);
  // the gradient passes where the input was finite
  record('NanToNumBackward0', [x], [out], (ctx, [g]) => [mul(g!, to_dtype(isfinite(ctx.saved_tensors[0]!), g!._dtype))], [x]);
  return out;
}

/**
 * NaN, +∞ and −∞ replaced by `nan` (default 0), `posinf` and `neginf` (default: the dtype's largest and lowest
 * finite values); integer tensors are copied (NanToNumBackward0: the gradient passes where the input is finite).
 *
 * @example
 * torch.nan_to_num(torch.tensor([NaN, Infinity, -1]), { posinf: 100 }); // [0, 100, -1]
 */
export function nan_to_num(...args: NanToNumArgs): Tensor {
  const a = args.length === 1 && args[0] instanceof Tensor ? { input: args[0], nan: null, posinf: null, neginf: null } : NAN_TO_NUM.parse(args);
  if (tracing) return trace_op('aten::nan_to_num', nan_to_num, [a.input, a.nan, a.posinf, a.neginf]);
  return nan_to_num_value(a);
}
/**
 * In-place `nan_to_num`.
 *
 * @example
 * x.nan_to_num_({ nan: 0, posinf: 1 });
 */
export function nan_to_num_<T extends Tensor>(...args: NanToNumArgs<T>): T {
  const a = NAN_TO_NUM_.parse(args);
  if (tracing) return trace_op('aten::nan_to_num_', nan_to_num_, [a.input, a.nan, a.posinf, a.neginf]) as T;
  return apply_inplace(a.input as T, [], true, (x) => nan_to_num_value({ ...a, input: x }));
}
