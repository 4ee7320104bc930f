// gradcheck and gradgradcheck: autograd's first and second derivatives against central finite differences.
import { is_floating } from '../dtype.js';
import { format_tensor } from '../print.js';
import { Tensor } from '../tensor.js';
import { rand } from '../ops/creation.js';
import { slice } from '../ops/view.js';
import { autograd_grad } from './functional.js';
import { warn } from './messages.js';
import { signature } from '../signature.js';

/**
 * What a failed check raises (PyTorch's `torch.autograd.gradcheck.GradcheckError`, a RuntimeError); its message
 * names the input and output and shows both Jacobians, as PyTorch's.
 *
 * @example
 * try { torch.autograd.gradcheck(f, [x]); } catch (e) { if (e instanceof torch.autograd.GradcheckError) console.log(e.message); }
 */
export class GradcheckError extends Error {
  /** `'GradcheckError'`, what stack traces print. */
  override name = 'GradcheckError';
}

/** Keyword options of `gradcheck`: step `eps`, tolerances `atol` and `rtol`, `raise_exception` and which checks run. */
export interface GradcheckOptions {
  /** Perturbation of the central differences. */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative to the numerical value: `|analytical - numerical| <= atol + rtol * |numerical|`. */
  rtol?: number;
  /** `false`: return `false` instead of throwing a GradcheckError. */
  raise_exception?: boolean;
  /** How far two backward passes with the same grad_output may differ. */
  nondet_tol?: number;
  /** Also require each gradient to have its input's dtype. */
  check_grad_dtypes?: boolean;
  /** `false` skips everything that runs backward (only a function without differentiable outputs is checked). */
  check_backward_ad?: boolean;
  /** Accepted for PyTorch parity: backward rules already see null gradients when an output's gradient is absent. */
  check_undefined_grad?: boolean;
  /** PyTorch's faster random-projection mode; tsgrad runs the full (slow-mode) check, which is stricter. */
  fast_mode?: boolean;
  /** Sparse inputs only; tsgrad tensors are dense. */
  masked?: boolean | null;
  /** Not supported (tsgrad has no vmap or forward-mode AD): `true` is an error. */
  check_batched_grad?: boolean;
  /** Not supported (no vmap): `true` is an error. */
  check_batched_forward_grad?: boolean;
  /** Not supported (no forward-mode AD): `true` is an error. */
  check_forward_ad?: boolean;
}

/** Keyword options of `gradgradcheck`: most of `gradcheck`'s, and how the random `grad_outputs` are made. */
export interface GradgradcheckOptions extends Omit<GradcheckOptions, 'check_backward_ad' | 'check_forward_ad' | 'check_batched_forward_grad'> {
  /** Random grad_outputs are made non-contiguous views (every other element of a wider tensor). */
  gen_non_contig_grad_outputs?: boolean;
  /** `false` skips the check (PyTorch's reverse-over-reverse switch). */
  check_rev_over_rev?: boolean;
  /** Not supported (no forward-mode AD): `true` is an error. */
  check_fwd_over_rev?: boolean;
}

const COMMON = 'float eps=1e-06, float atol=1e-05, float rtol=0.001, bool raise_exception=True, float nondet_tol=0.0, bool check_undefined_grad=True, bool check_grad_dtypes=False, bool check_batched_grad=False, bool fast_mode=False, bool? masked=None';
const GRADCHECK = signature<Required<GradcheckOptions> & { func: unknown; inputs: unknown }>(
  `gradcheck(Callable func, Any inputs, *, ${COMMON}, bool check_batched_forward_grad=False, bool check_forward_ad=False, bool check_backward_ad=True)`);
const GRADGRADCHECK = signature<Required<GradgradcheckOptions> & { func: unknown; inputs: unknown; grad_outputs: Tensor[] | null }>(
  `gradgradcheck(Callable func, Any inputs, Tensor[1]? grad_outputs=None, *, ${COMMON}, bool gen_non_contig_grad_outputs=False, bool check_fwd_over_rev=False, bool check_rev_over_rev=True)`);

/** PyTorch accepts one Tensor or a tuple of inputs. */
const as_inputs = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : [v]);

function unsupported(name: string, flags: Record<string, boolean>): void {
  for (const [flag, on] of Object.entries(flags)) if (on) throw new Error(`tsgrad: ${name}(${flag}=True) is not supported (tsgrad has neither vmap nor forward-mode AD)`);
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
    if (x._dtype !== 'float64') {
      warn(`Input #${i} requires gradient and is not a double precision floating point or complex. This check will likely fail if all the inputs are not of double precision floating point or complex. `);
    }
    if (!x._shape.every((s, d) => x._strides[d]! > 0 || s <= 1)) {
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
      off += (rem % x._shape[d]!) * x._strides[d]!;
      rem = Math.floor(rem / x._shape[d]!);
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
    const jac = outputs.map((o) => jacobian(x.numel(), is_floating(o._dtype) ? o.numel() : 0));
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
    const seed = Tensor.empty(output._shape, output._dtype);
    seed._storage.data[c] = 1;
    const grads = autograd_grad(output, inputs, { grad_outputs: [seed], retain_graph: true, allow_unused: true });
    grads.forEach((g, i) => {
      if (g === null) return;
      const x = inputs[i]!;
      if (g._dtype !== x._dtype) types_ok = false;
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
function check(fn: (...xs: never[]) => Outputs, inputs: readonly unknown[], o: Checked): void {
  check_inputs(inputs);
  const func_out = as_list(fn(...(inputs as never[])));
  const outputs = func_out.filter((t) => t.requires_grad);
  if (!o.check_backward_ad) return;
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
  const zero_grads = autograd_grad(outputs, xs, { grad_outputs: outputs.map((t) => Tensor.empty(t._shape, t._dtype)), allow_unused: true });
  zero_grads.forEach((g, i) => {
    if (g === null) return;
    if (!Array.from(g._contiguous_data()).every((v) => v === 0)) throw new GradcheckError('backward not multiplied by grad_output');
    if (g._dtype !== xs[i]!._dtype) throw new GradcheckError('grad is incorrect type');
    if (g._shape.join() !== xs[i]!._shape.join()) throw new GradcheckError('grad is incorrect size');
  });
}

/** What the check reads of the parsed options. */
interface Checked {
  eps: number;
  atol: number;
  rtol: number;
  nondet_tol: number;
  check_grad_dtypes: boolean;
  check_backward_ad: boolean;
}

/** Runs the check; a GradcheckError becomes `false` when `raise_exception` is false (other errors always throw). */
function run_check(fn: (...xs: never[]) => Outputs, inputs: readonly unknown[], o: Checked, raise_exception: boolean): boolean {
  try {
    check(fn, inputs, o);
  } catch (err) {
    if (err instanceof GradcheckError && !raise_exception) return false;
    throw err;
  }
  return true;
}

/**
 * Checks `fn`'s analytical gradients against central finite differences for every input that requires grad
 * (use float64 inputs). Returns true, or throws a GradcheckError (returns false with `raise_exception: false`)
 * showing both Jacobians, as PyTorch's `torch.autograd.gradcheck`. Options are PyTorch's keyword arguments.
 *
 * @example
 * const x = torch.randn([3], { dtype: torch.float64, requires_grad: true });
 * torch.autograd.gradcheck((t) => t.exp().sum(), [x]);
 * torch.autograd.gradcheck((t) => t.exp(), [x], { atol: 1e-4, raise_exception: false });
 */
export function gradcheck<I extends readonly unknown[]>(fn: (...inputs: I) => Outputs, inputs: I | Tensor, options: GradcheckOptions = {}): boolean {
  const a = GRADCHECK.parse([fn, inputs, options]);
  unsupported('gradcheck', { check_batched_grad: a.check_batched_grad, check_batched_forward_grad: a.check_batched_forward_grad, check_forward_ad: a.check_forward_ad });
  return run_check(fn as unknown as (...xs: never[]) => Outputs, as_inputs(inputs), a, a.raise_exception);
}

/** PyTorch's `make_tensor(shape, low=-1, high=1, requires_grad=True, noncontiguous=...)` for a grad_output. */
function random_grad_output(like: Tensor, noncontiguous: boolean): Tensor {
  const dtype = is_floating(like._dtype) ? like._dtype : 'float64';
  if (!noncontiguous || like.numel() <= 1) return rand(like._shape, { dtype }).mul(2).sub(1).requires_grad_(true);
  // every other element of a tensor twice as wide in its last dim
  const wide = rand([...like._shape.slice(0, -1), like._shape[like.ndim - 1]! * 2], { dtype }).mul(2).sub(1);
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
  inputs: I | Tensor,
  grad_outputs?: Tensor | readonly Tensor[] | null | GradgradcheckOptions,
  options?: GradgradcheckOptions,
): boolean {
  const a = GRADGRADCHECK.parse([fn, inputs, grad_outputs, options]);
  unsupported('gradgradcheck', { check_batched_grad: a.check_batched_grad, check_fwd_over_rev: a.check_fwd_over_rev });
  const xs = as_inputs(inputs) as unknown as I;
  const gos = a.grad_outputs ?? differentiable(fn(...xs)).map((t) => random_grad_output(t, a.gen_non_contig_grad_outputs));
  const n = xs.length;
  const first_order = (...args: unknown[]): Tensor[] => {
    const ins = args.slice(0, n) as unknown as I;
    const grads = autograd_grad(differentiable(fn(...ins)), diff_inputs(ins), { grad_outputs: args.slice(n) as Tensor[], create_graph: true, allow_unused: true });
    return grads.filter((g): g is Tensor => g !== null);
  };
  return run_check(first_order as (...xs: never[]) => Outputs, [...xs, ...gos], { ...a, check_backward_ad: a.check_rev_over_rev }, a.raise_exception);
}
