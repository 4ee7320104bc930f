// In-place ops (add_, mul_, relu_, clamp_, fill_, copy_ …): write into the tensor's storage, bump its
// version counter, and rebase its autograd history onto the new node.
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import { E8_LEAF_INPLACE } from '../autograd/messages.js';
import { default_generator } from '../random.js';
import { broadcast_shapes, shapes_equal } from '../shape.js';
import { kernels } from '../kernels/backend.js';
import { should_record, Tensor } from '../tensor.js';
import { promote_types, promote_with_scalar, type DType, type TypedArray } from '../dtype.js';
import { add, div, float_dtype, mul, sub, to_dtype } from './arithmetic.js';
import { record } from './record.js';
import { clamp, relu } from './unary.js';
import { sum_to } from './reduce.js';
import type { ClampOptions } from './types.js';

function check_inplace(self: Tensor, others: readonly (Tensor | number)[]): boolean {
  const recording = should_record([self, ...others.filter((o): o is Tensor => o instanceof Tensor)]);
  if (is_grad_enabled() && self.is_leaf && self.requires_grad) throw new Error(E8_LEAF_INPLACE);
  if (recording && self._inplace_view_error !== null) throw new Error(self._inplace_view_error);
  if (recording && self._base !== null && self._base.requires_grad) {
    throw new Error('tsgrad: an in-place operation on a view of a tensor that requires grad is not supported; use the out-of-place op (or clone the view first)');
  }
  return recording;
}

/**
 * Runs `op` out of place on an alias carrying `self`'s autograd identity, writes the result into `self`'s
 * memory and moves `self` onto the result's node. `needs_original` clones the pre-op value for the
 * backward rule (mul_, div_, clamp_).
 */
function apply_inplace<T extends Tensor>(
  self: T,
  others: readonly (Tensor | number)[],
  needs_original: boolean,
  op: (a: Tensor) => Tensor,
  direct?: ArithOp,
): T {
  const recording = check_inplace(self, others);
  if (!recording) {
    if (direct !== undefined && arith_into(self, others[0]!, direct)) return self;
    const r = no_grad(() => op(self.detach()));
    write(self, r);
    return self;
  }
  const alias = needs_original ? no_grad(() => self.detach().clone()) : self.detach();
  alias.grad_fn = self.grad_fn;
  alias.output_nr = self.output_nr;
  alias._requires_grad = self._requires_grad;
  alias._grad_accumulator = self._grad_accumulator;
  const r = op(alias);
  write(self, r);
  self.grad_fn = r.grad_fn;
  self.output_nr = r.output_nr;
  self._requires_grad = r._requires_grad;
  return self;
}

function write(self: Tensor, r: Tensor): void {
  if (!shapes_equal(broadcast_shapes(self.shape, r.shape), self.shape)) {
    throw new Error(`output with shape [${self.shape.join(', ')}] doesn't match the broadcast shape [${broadcast_shapes(self.shape, r.shape).join(', ')}]`);
  }
  const src = r.dtype === self.dtype ? r : no_grad(() => to_dtype(r, self.dtype));
  kernels().copy_into(src._view, self._view);
  self._storage.version++;
}

type ArithOp = 'add' | 'sub' | 'mul' | 'div';

/**
 * `self = self op other` computed straight into self's memory, skipping the temporary and the copy of the
 * general path. Only when that writes exactly what the out-of-place op would (self contiguous, the result in
 * self's dtype and shape) and `other` cannot overlap self; returns false to leave it to the general path.
 */
function arith_into(self: Tensor, other: Tensor | number, op: ArithOp): boolean {
  if (!self.is_contiguous()) return false;
  let dtype: DType;
  if (other instanceof Tensor) {
    if (overlaps(other._storage.data, self._storage.data) || (self.dtype === 'bool' && other.dtype === 'bool')) return false;
    if (!shapes_equal(broadcast_shapes(self.shape, other.shape), self.shape)) return false;
    dtype = promote_types(self.dtype, other.dtype);
  } else if (typeof other === 'number') {
    dtype = promote_with_scalar(self.dtype, other);
  } else return false;
  if ((op === 'div' ? float_dtype(dtype) : dtype) !== self.dtype) return false;
  const n = self.numel();
  const data = self._storage.data;
  const out = self._offset === 0 && data.length === n ? data : data.subarray(self._offset, self._offset + n);
  if (other instanceof Tensor) kernels().binary(op, self._view, other._view, self.shape, out);
  else kernels().unary(`${op}_s`, self._view, out, other);
  self._storage.version++;
  return true;
}

/** Whether two storage arrays share memory (views of one storage, or arrays over one ArrayBuffer). */
function overlaps(a: TypedArray, b: TypedArray): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

const no_alpha = (o?: { alpha?: number }): boolean => (o?.alpha ?? 1) === 1;

/** In-place `self += alpha * other`. */
export const add_ = <T extends Tensor>(self: T, other: Tensor | number, o?: { alpha?: number }): T =>
  apply_inplace(self, [other], false, (a) => add(a, other, o), no_alpha(o) ? 'add' : undefined);
export const sub_ = <T extends Tensor>(self: T, other: Tensor | number, o?: { alpha?: number }): T =>
  apply_inplace(self, [other], false, (a) => sub(a, other, o), no_alpha(o) ? 'sub' : undefined);
export const mul_ = <T extends Tensor>(self: T, other: Tensor | number): T => apply_inplace(self, [other], other instanceof Tensor, (a) => mul(a, other), 'mul');
export const div_ = <T extends Tensor>(self: T, other: Tensor | number): T => apply_inplace(self, [other], other instanceof Tensor, (a) => div(a, other), 'div');
export const relu_ = <T extends Tensor>(self: T): T => apply_inplace(self, [], false, (a) => relu(a));
export const clamp_ = <T extends Tensor>(self: T, min?: number | ClampOptions | null, max?: number | null): T => apply_inplace(self, [], true, (a) => clamp(a, min, max));

/** Fills with `value` (the gradient through it is zero: FillBackward0). */
export function fill_<T extends Tensor>(self: T, value: number): T {
  const recording = check_inplace(self, []);
  const filled = Tensor.empty([], self.dtype);
  filled._storage.data[0] = value;
  kernels().copy_into(filled._view, self._view);
  self._storage.version++;
  if (recording) {
    const out = self.detach();
    record('FillBackward0', [self], [out], (_c, [g]) => [mul(g!, 0)]);
    self.grad_fn = out.grad_fn;
    self.output_nr = 0;
  }
  return self;
}

/** Copies `src` (broadcast, cast) into `self` (CopyBackwards: gradient to `src`). */
export function copy_<T extends Tensor>(self: T, src: Tensor): T {
  const recording = check_inplace(self, [src]);
  write(self, src.detach());
  if (recording) {
    const out = self.detach();
    const shape = src.shape;
    const dtype = src.dtype;
    record('CopyBackwards', [self, src], [out], (ctx, [g]) => [ctx.needs_input_grad(0) ? mul(g!, 0) : null, ctx.needs_input_grad(1) ? to_dtype(sum_to(g!, shape), dtype) : null]);
    self.grad_fn = out.grad_fn;
    self.output_nr = 0;
    self._requires_grad = true;
  }
  return self;
}

/** Fills with U(low, high) samples (an initialiser: not recorded). */
export function uniform_<T extends Tensor>(self: T, low = 0, high = 1, generator = default_generator): T {
  check_inplace(self, []);
  const r = Tensor.empty(self.shape, self.dtype);
  const d = r._storage.data;
  for (let i = 0; i < d.length; i++) d[i] = low + (high - low) * generator.random();
  write(self, r);
  return self;
}

/** Fills with N(mean, std²) samples (an initialiser: not recorded). */
export function normal_<T extends Tensor>(self: T, mean = 0, std = 1, generator = default_generator): T {
  check_inplace(self, []);
  const r = Tensor.empty(self.shape, self.dtype);
  const d = r._storage.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * generator.normal();
  write(self, r);
  return self;
}

/**
 * `self` overwritten with `op(self)` as an in-place op: the node `op` records replaces `self`'s history (the
 * `inplace=True` forms of the activations). The node reads a copy of the value before the write.
 */
export const apply_unary_inplace = <T extends Tensor>(self: T, op: (a: Tensor) => Tensor): T => apply_inplace(self, [], true, op);
