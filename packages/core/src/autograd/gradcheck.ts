// gradcheck and gradgradcheck: autograd's first and second derivatives against central finite differences.
import { is_floating } from '../dtype.js';
import { format_tensor } from '../print.js';
import { Tensor } from '../tensor.js';
import { rand } from '../ops/creation.js';
import { slice } from '../ops/view.js';
import { autograd_grad } from './functional.js';
import { warn } from './messages.js';

/** What a failed check raises (PyTorch's `torch.autograd.gradcheck.GradcheckError`, a RuntimeError). */
export class GradcheckError extends Error {
  override name = 'GradcheckError';
}

export interface GradcheckOptions {
  /** Perturbation of the central differences. */
  eps?: number;
  atol?: number;
  /** Relative to the numerical value: `|analytical - numerical| <= atol + rtol * |numerical|`. */
  rtol?: number;
  /** `false`: return `false` instead of throwing a GradcheckError. */
  raise_exception?: boolean;
  /** How far two backward passes with the same grad_output may differ. */
  nondet_tol?: number;
  /** Also require each gradient to have its input's dtype. */
  check_grad_dtypes?: boolean;
}

export interface GradgradcheckOptions extends GradcheckOptions {
  /** Random grad_outputs are made non-contiguous views (every other element of a wider tensor). */
  gen_non_contig_grad_outputs?: boolean;
}

type Outputs = Tensor | readonly Tensor[];
const as_list = (r: Outputs): readonly Tensor[] => (r instanceof Tensor ? [r] : r);
const differentiable = (r: Outputs): Tensor[] => as_list(r).filter((o) => o.requires_grad);
const diff_inputs = (inputs: readonly unknown[]): Tensor[] => inputs.filter((x): x is Tensor => x instanceof Tensor && x.requires_grad);

/** PyTorch's `_check_inputs`: float64 advised, no stride-0 (overlapping) dims, at least one input needing grad. */
function check_inputs(inputs: readonly unknown[]): void {
  let any = false;
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor) || !x.requires_grad) return;
    if (x.dtype !== 'float64') {
      warn(`Input #${i} requires gradient and is not a double precision floating point or complex. This check will likely fail if all the inputs are not of double precision floating point or complex. `);
    }
    if (!x.shape.every((s, d) => x._strides[d]! > 0 || s <= 1)) {
      throw new Error(`The ${i}th input has a dimension with stride 0. gradcheck only supports inputs that are non-overlapping to be able to compute the numerical gradients correctly. You should call .contiguous on the input before passing it to gradcheck.`);
    }
    any = true;
  });
  if (!any) throw new Error('gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.');
}

/** Storage offsets of `x`'s elements in row-major order. */
function element_offsets(x: Tensor): number[] {
  const out: number[] = [];
  for (let k = 0; k < x.numel(); k++) {
    let rem = k;
    let off = x._offset;
    for (let d = x.ndim - 1; d >= 0; d--) {
      off += (rem % x.shape[d]!) * x._strides[d]!;
      rem = Math.floor(rem / x.shape[d]!);
    }
    out.push(off);
  }
  return out;
}

/** A `[rows, cols]` float64 Jacobian, row = input element, column = output element (PyTorch's layout). */
interface Jacobian {
  rows: number;
  cols: number;
  data: Float64Array;
}
const jacobian = (rows: number, cols: number): Jacobian => ({ rows, cols, data: new Float64Array(rows * cols) });
const jacobian_text = (j: Jacobian): string => format_tensor(Tensor.from_array(j.data, [j.rows, j.cols], 'float64'));

/**
 * Central differences of every float output w.r.t. every input that requires grad: `[input][output]`.
 * Inputs are perturbed in their storage, as PyTorch perturbs `.data`, so saved tensors stay valid.
 */
function numerical_jacobians(fn: (...xs: never[]) => Outputs, inputs: readonly unknown[], outputs: readonly Tensor[], eps: number): Jacobian[][] {
  const run = (): Tensor[] => [...as_list(fn(...(inputs as never[])))];
  return diff_inputs(inputs).map((x) => {
    const jac = outputs.map((o) => jacobian(x.numel(), is_floating(o.dtype) ? o.numel() : 0));
    const xd = x._storage.data;
    element_offsets(x).forEach((p, k) => {
      const orig = xd[p]!;
      xd[p] = orig - eps;
      const minus = run().map((o) => o._contiguous_data().slice());
      xd[p] = orig + eps;
      const plus = run().map((o) => o._contiguous_data().slice());
      xd[p] = orig;
      jac.forEach((j, oi) => {
        for (let c = 0; c < j.cols; c++) j.data[k * j.cols + c] = (plus[oi]![c]! - minus[oi]![c]!) / (2 * eps);
      });
    });
    return jac;
  });
}

/** One backward per element of `output` (graph retained), as rows of a Jacobian per input that requires grad. */
function analytical_jacobians(output: Tensor, inputs: readonly Tensor[]): { jac: Jacobian[]; types_ok: boolean; sizes_ok: boolean } {
  const n = output.numel();
  const jac = inputs.map((x) => jacobian(x.numel(), n));
  let types_ok = true;
  let sizes_ok = true;
  for (let c = 0; c < n; c++) {
    const seed = Tensor.empty(output.shape, output.dtype);
    seed._storage.data[c] = 1;
    const grads = autograd_grad(output, inputs, { grad_outputs: [seed], retain_graph: true, allow_unused: true });
    grads.forEach((g, i) => {
      if (g === null) return;
      const x = inputs[i]!;
      if (g.dtype !== x.dtype) types_ok = false;
      if (g.numel() !== x.numel()) {
        sizes_ok = false;
        return;
      }
      const gd = g._contiguous_data();
      const j = jac[i]!;
      for (let r = 0; r < j.rows; r++) j.data[r * n + c] = gd[r]!;
    });
  }
  return { jac, types_ok, sizes_ok };
}

function within(a: number, n: number, atol: number, rtol: number): boolean {
  return Math.abs(a - n) <= atol + rtol * Math.abs(n);
}

/** PyTorch's slow-mode gradcheck, throwing GradcheckError on the first failed property. */
function check(fn: (...xs: never[]) => Outputs, inputs: readonly unknown[], o: Required<GradcheckOptions>): void {
  check_inputs(inputs);
  const func_out = as_list(fn(...(inputs as never[])));
  const outputs = func_out.filter((t) => t.requires_grad);
  const numerical = numerical_jacobians(fn, inputs, func_out, o.eps);
  if (outputs.length === 0) {
    // nothing is differentiable, so the function must not depend on its inputs
    if (numerical.some((per_out) => per_out.some((j) => j.data.some((v) => v !== 0)))) throw new GradcheckError('Numerical gradient for function expected to be zero');
    return;
  }
  const xs = diff_inputs(inputs);
  outputs.forEach((out, oi) => {
    const first = analytical_jacobians(out, xs);
    // the backward runs twice per element: the same grad_output must give the same gradient (reentrancy)
    const second = analytical_jacobians(out, xs);
    const reentrant = first.jac.every((j, i) => j.data.every((v, k) => Math.abs(v - second.jac[i]!.data[k]!) <= o.nondet_tol));
    if (!first.types_ok && o.check_grad_dtypes) throw new GradcheckError('Gradient has dtype mismatch');
    if (!first.sizes_ok) throw new GradcheckError('Analytical gradient has incorrect size');
    if (!reentrant) {
      throw new GradcheckError(`Backward is not reentrant, i.e., running backward with same input and grad_output multiple times gives different values, although analytical gradient matches numerical gradient.The tolerance for nondeterminism was ${o.nondet_tol}.`);
    }
    const col = func_out.indexOf(out);
    first.jac.forEach((a, ii) => {
      const n = numerical[ii]![col]!;
      if (!a.data.every((v, k) => within(v, n.data[k]!, o.atol, o.rtol))) {
        throw new GradcheckError(`Jacobian mismatch for output ${oi} with respect to input ${ii},\nnumerical:${jacobian_text(n)}\nanalytical:${jacobian_text(a)}\n`);
      }
    });
  });
  // a zero grad_output must give zero gradients of the inputs' dtype and size
  const zero_grads = autograd_grad(outputs, xs, { grad_outputs: outputs.map((t) => Tensor.empty(t.shape, t.dtype)), allow_unused: true });
  zero_grads.forEach((g, i) => {
    if (g === null) return;
    if (!Array.from(g._contiguous_data()).every((v) => v === 0)) throw new GradcheckError('backward not multiplied by grad_output');
    if (g.dtype !== xs[i]!.dtype) throw new GradcheckError('grad is incorrect type');
    if (g.shape.join() !== xs[i]!.shape.join()) throw new GradcheckError('grad is incorrect size');
  });
}

function resolve(options: GradcheckOptions): Required<GradcheckOptions> {
  return {
    eps: options.eps ?? 1e-6,
    atol: options.atol ?? 1e-5,
    rtol: options.rtol ?? 1e-3,
    raise_exception: options.raise_exception ?? true,
    nondet_tol: options.nondet_tol ?? 0,
    check_grad_dtypes: options.check_grad_dtypes ?? false,
  };
}

/**
 * Checks `fn`'s analytical gradients against central finite differences for every input that requires grad
 * (use float64 inputs). Returns true, or throws a GradcheckError (returns false with `raise_exception: false`)
 * showing both Jacobians, as PyTorch's `torch.autograd.gradcheck`.
 *
 * @example
 * const x = torch.randn([3], { dtype: torch.float64, requires_grad: true });
 * torch.autograd.gradcheck((t) => t.exp().sum(), [x]);
 */
export function gradcheck<I extends readonly unknown[]>(fn: (...inputs: I) => Outputs, inputs: I, options: GradcheckOptions = {}): boolean {
  const o = resolve(options);
  try {
    check(fn as unknown as (...xs: never[]) => Outputs, inputs, o);
  } catch (err) {
    if (err instanceof GradcheckError && !o.raise_exception) return false;
    throw err;
  }
  return true;
}

/** PyTorch's `make_tensor(shape, low=-1, high=1, requires_grad=True, noncontiguous=...)` for a grad_output. */
function random_grad_output(like: Tensor, noncontiguous: boolean): Tensor {
  const dtype = is_floating(like.dtype) ? like.dtype : 'float64';
  if (!noncontiguous || like.numel() <= 1) return rand(like.shape, { dtype }).mul(2).sub(1).requires_grad_(true);
  // every other element of a tensor twice as wide in its last dim
  const wide = rand([...like.shape.slice(0, -1), like.shape[like.ndim - 1]! * 2], { dtype }).mul(2).sub(1);
  return slice(wide, -1, 0, null, 2).requires_grad_(true);
}

/**
 * Checks second derivatives: gradcheck of `(inputs, v) ↦ ∂(fn(inputs)·v)/∂inputs`, computed with
 * `create_graph`, w.r.t. the inputs and `v`. `grad_outputs` (one per differentiable output) default to
 * uniform random tensors in [-1, 1) that require grad, as PyTorch's `torch.autograd.gradgradcheck`.
 *
 * @example
 * const x = torch.randn([3], { dtype: torch.float64, requires_grad: true });
 * torch.autograd.gradgradcheck((t) => t.pow(3), [x]);
 * torch.autograd.gradgradcheck((t) => t.pow(3), [x], null, { atol: 1e-4 });
 */
export function gradgradcheck<I extends readonly unknown[]>(
  fn: (...inputs: I) => Outputs,
  inputs: I,
  grad_outputs?: Tensor | readonly Tensor[] | null | GradgradcheckOptions,
  options: GradgradcheckOptions = {},
): boolean {
  let given: readonly Tensor[] | null = null;
  if (grad_outputs instanceof Tensor) given = [grad_outputs];
  else if (Array.isArray(grad_outputs)) given = grad_outputs as readonly Tensor[];
  else if (grad_outputs !== null && grad_outputs !== undefined) options = grad_outputs as GradgradcheckOptions;
  const noncontig = options.gen_non_contig_grad_outputs ?? false;
  const gos = given ?? differentiable(fn(...inputs)).map((t) => random_grad_output(t, noncontig));
  const n = inputs.length;
  const first_order = (...args: unknown[]): Tensor[] => {
    const xs = args.slice(0, n) as unknown as I;
    const outputs = differentiable(fn(...xs));
    const wrt = diff_inputs(xs);
    const grads = autograd_grad(outputs, wrt, { grad_outputs: args.slice(n) as Tensor[], create_graph: true, allow_unused: true });
    return grads.filter((g): g is Tensor => g !== null);
  };
  const { gen_non_contig_grad_outputs: _unused, ...rest } = options;
  return gradcheck(first_order, [...inputs, ...gos], rest);
}
