// out= arguments: a function's result written into a given tensor (cast, and resized as PyTorch still does with
// its deprecation warning), refused while autograd would have to record the write.
import { check_can_cast } from '../dtype.js';
import { shapes_equal } from '../shape.js';
import { Tensor } from '../tensor.js';
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import { warn } from '../autograd/messages.js';
import { py_type_name } from '../signature.js';
import { empty } from './record.js';

/**
 * Runs `compute` and writes its result into `out` (PyTorch's `fn(..., out=out)`), returning `out`. With grad
 * mode on, an input or `out` that requires grad is PyTorch's error: out= calls are not differentiable. A
 * non-empty `out` of another shape is resized with PyTorch's warning; the result must cast to `out`'s dtype.
 *
 * @hidden
 * @example
 * torch.mul(a, b, { out: x }); // x holds a * b
 */
export function write_out(fn_name: string, out: unknown, inputs: readonly unknown[], compute: () => Tensor): Tensor {
  if (!(out instanceof Tensor)) throw new TypeError(`${fn_name}(): argument 'out' must be Tensor, not ${py_type_name(out)}`);
  if (is_grad_enabled() && (out.requires_grad || inputs.some((t) => t instanceof Tensor && t.requires_grad))) {
    throw new Error(`${fn_name}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`);
  }
  const result = no_grad(compute);
  check_can_cast(result._dtype, out._dtype);
  no_grad(() => {
    if (!shapes_equal(out._shape, result._shape)) {
      if (out.numel() !== 0) {
        warn(
          `An output with one or more elements was resized since it had shape [${out._shape.join(', ')}], which does not match the required output shape [${result._shape.join(', ')}]. This behavior is deprecated, and in a future PyTorch release outputs will not be resized unless they have zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).`,
        );
      }
      out.data = empty(result._shape, out._dtype);
    }
    out.copy_(result);
  });
  return out;
}

/**
 * `write_out` of `op(...args)`: what an op's out= branch calls, so that the op itself makes no closure over its
 * operands. One would keep them alive as long as the backward formula recorded beside it (V8 gives the closures
 * of one call a shared context), e.g. every AddBackward0 node holding both addends until the graph is freed.
 *
 * @hidden
 * @example
 * if (options.out != null) return write_op_out('add', options.out, add, x, other, { alpha });
 */
export function write_op_out<A extends unknown[]>(fn_name: string, out: unknown, op: (...args: A) => Tensor, ...args: A): Tensor {
  return write_out(fn_name, out, args, () => op(...args));
}
