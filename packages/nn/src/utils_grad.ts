// nn.utils' gradient and parameter-vector helpers: clip_grad_norm_, clip_grad_value_, parameters_to_vector,
// vector_to_parameters.
import * as torch from '@tsgrad/core';
import { no_grad, number_repr, signature, Tensor, warn } from '@tsgrad/core';

/** One tensor or any iterable of them, as PyTorch's `_tensor_or_tensors`. */
export type TensorOrTensors = Tensor | Iterable<Tensor>;
const as_list = (p: TensorOrTensors): Tensor[] => (p instanceof Tensor ? [p] : [...p]);

interface ClipNormParsed { parameters: TensorOrTensors; max_norm: number; norm_type: number | string; error_if_nonfinite: boolean; foreach: boolean | null }
const CLIP_GRAD_NORM = signature<ClipNormParsed>(
  'clip_grad_norm_(Any parameters, float max_norm, float|str norm_type=2.0, bool error_if_nonfinite=False, bool? foreach=None)');
const CLIP_GRAD_NORM_OLD = signature<ClipNormParsed>(
  'clip_grad_norm(Any parameters, float max_norm, float|str norm_type=2.0, bool error_if_nonfinite=False, bool? foreach=None)');

/** Keyword arguments of `clip_grad_norm_`. */
export interface ClipGradNormOptions {
  /** The tensors whose gradients are scaled (one tensor, or an iterable such as `net.parameters()`). */
  parameters?: TensorOrTensors;
  /** The largest total norm allowed. */
  max_norm?: number;
  /** The norm's order (default 2; `Infinity` or 'inf' for the largest magnitude). */
  norm_type?: number | string;
  /** Raise when the total norm is NaN or infinite instead of scaling by it (default false). */
  error_if_nonfinite?: boolean;
  /** Accepted for PyTorch's signature; tsgrad has one implementation. */
  foreach?: boolean | null;
}

/**
 * Scales the gradients of `parameters` in place so that their total norm (all gradients as one vector) is at most
 * `max_norm`; returns that total norm before clipping as a 0-d tensor (PyTorch's `clip_grad_norm_`).
 *
 * @example
 * loss.backward();
 * nn.utils.clip_grad_norm_(net.parameters(), 1.0);
 * opt.step();
 */
export function clip_grad_norm_(...args: [parameters: TensorOrTensors, max_norm?: number, norm_type?: number | string, error_if_nonfinite?: boolean, options?: ClipGradNormOptions] | [ClipGradNormOptions]): Tensor {
  return clip_norm(CLIP_GRAD_NORM.parse(args));
}

/**
 * The deprecated spelling of {@link clip_grad_norm_} (with PyTorch's warning).
 *
 * @example
 * nn.utils.clip_grad_norm(net.parameters(), 1.0); // warns, then as clip_grad_norm_
 */
export function clip_grad_norm(...args: [parameters: TensorOrTensors, max_norm?: number, norm_type?: number | string, error_if_nonfinite?: boolean, options?: ClipGradNormOptions] | [ClipGradNormOptions]): Tensor {
  warn('torch.nn.utils.clip_grad_norm is now deprecated in favor of torch.nn.utils.clip_grad_norm_.', 'FutureWarning');
  return clip_norm(CLIP_GRAD_NORM_OLD.parse(args));
}

function clip_norm(a: ClipNormParsed): Tensor {
  const grads = as_list(a.parameters).map((p) => p.grad).filter((g): g is Tensor => g !== null);
  const norm_type = a.norm_type === 'inf' ? Infinity : Number(a.norm_type);
  if (grads.length === 0) return torch.tensor(0);
  const total = no_grad(() => {
    const norms = grads.map((g) => torch.linalg.vector_norm(g.detach(), norm_type));
    return torch.linalg.vector_norm(torch.stack(norms), norm_type);
  });
  const value = total.item() as number;
  if (a.error_if_nonfinite && !Number.isFinite(value)) {
    throw new Error(`The total norm of order ${Number.isInteger(norm_type) ? norm_type.toFixed(1) : number_repr(norm_type)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``);
  }
  const coef = Math.min(a.max_norm / (value + 1e-6), 1);
  no_grad(() => grads.forEach((g) => g.mul_(coef)));
  return total;
}

const CLIP_GRAD_VALUE = signature<{ parameters: TensorOrTensors; clip_value: number; foreach: boolean | null }>(
  'clip_grad_value_(Any parameters, float clip_value, bool? foreach=None)');

/**
 * Clamps every gradient of `parameters` in place into [-clip_value, clip_value] (PyTorch's `clip_grad_value_`).
 *
 * @example
 * nn.utils.clip_grad_value_(net.parameters(), 0.5);
 */
export function clip_grad_value_(...args: [parameters: TensorOrTensors, clip_value?: number, options?: { parameters?: TensorOrTensors; clip_value?: number; foreach?: boolean | null }] | [{ parameters?: TensorOrTensors; clip_value?: number; foreach?: boolean | null }]): void {
  const a = CLIP_GRAD_VALUE.parse(args);
  const c = Number(a.clip_value);
  no_grad(() => as_list(a.parameters).forEach((p) => p.grad?.clamp_(-c, c)));
}

const TO_VECTOR = signature<{ parameters: Iterable<Tensor> }>('parameters_to_vector(Any parameters)');
const FROM_VECTOR = signature<{ vec: unknown; parameters: Iterable<Tensor> }>('vector_to_parameters(Any vec, Any parameters)');

/**
 * The parameters flattened and concatenated into one vector (differentiable: CatBackward0).
 *
 * @example
 * const flat = nn.utils.parameters_to_vector(net.parameters());
 */
export function parameters_to_vector(...args: [parameters: Iterable<Tensor>] | [{ parameters?: Iterable<Tensor> }]): Tensor {
  const ps = [...TO_VECTOR.parse(args).parameters];
  return torch.cat(ps.map((p) => p.view(-1)));
}

/**
 * Writes slices of `vec` into the parameters' data, in order (the inverse of {@link parameters_to_vector}).
 *
 * @example
 * nn.utils.vector_to_parameters(flat.mul(0.5), net.parameters());
 */
export function vector_to_parameters(...args: [vec: Tensor, parameters: Iterable<Tensor>] | [{ vec?: Tensor; parameters?: Iterable<Tensor> }]): void {
  const a = FROM_VECTOR.parse(args);
  if (!(a.vec instanceof Tensor)) throw new TypeError(`expected torch.Tensor, but got: ${Array.isArray(a.vec) ? 'list' : torch.py_type_name(a.vec)}`);
  const vec = a.vec;
  let at = 0;
  for (const p of a.parameters) {
    const n = p.numel();
    p.data = vec.narrow(0, at, n).view_as(p).data;
    at += n;
  }
}
