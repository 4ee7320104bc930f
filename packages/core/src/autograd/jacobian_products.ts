// torch.autograd.functional: vjp, jvp, jacobian, hessian, vhp and hvp, each a few autograd.grad calls (jvp and
// hvp by the double-backward trick), with PyTorch's argument checks, strict-mode errors and tuple conventions.
import { Tensor } from '../tensor.js';
import { zeros_like } from '../ops/creation.js';
import { stack } from '../ops/view.js';
import { signature, py_type_name } from '../signature.js';
import { autograd_grad } from './functional.js';
import { enable_grad, is_grad_enabled, set_grad_enabled } from './grad_mode.js';
import type { Grad } from './node.js';

/** The function differentiated: takes the inputs as separate arguments, returns a Tensor or an array of Tensors. */
export type DifferentiableFunction = (...inputs: Tensor[]) => Tensor | readonly Tensor[];
/** A Tensor, or an array of Tensors (Python's tuple). */
export type Tensors = Tensor | readonly Tensor[];

/** Python's tuple-or-Tensor argument: [was it an array, its Tensors], refusing anything else in PyTorch's words. */
function as_tuple(value: unknown, arg_name: string, fn_name: string): [boolean, Tensor[]] {
  const is_tuple = Array.isArray(value);
  const items: unknown[] = is_tuple ? [...(value as unknown[])] : [value];
  items.forEach((el, i) => {
    if (el instanceof Tensor) return;
    const where = is_tuple ? `the value at index ${i}` : `the given ${arg_name}`;
    throw new TypeError(`The ${arg_name} given to ${fn_name} must be either a Tensor or a tuple of Tensors but ${where} has type <class '${py_type_name(el)}'>.`);
  });
  return [is_tuple, items as Tensor[]];
}

/** Fresh differentiable handles on the inputs: views that keep their graph when building one, else detached leaves. */
function grad_preprocess(inputs: readonly Tensor[], create_graph: boolean, need_graph: boolean): Tensor[] {
  return inputs.map((t) => (create_graph && t.requires_grad ? t.view_as(t) : t.detach().requires_grad_(need_graph)));
}

function grad_postprocess(tensors: readonly Tensor[], create_graph: boolean): Tensor[] {
  return create_graph ? [...tensors] : tensors.map((t) => t.detach());
}

function validate_v(v: readonly Tensor[], other: readonly Tensor[], is_other_tuple: boolean): void {
  if (v.length !== other.length) {
    if (is_other_tuple) throw new Error(`v is a tuple of invalid length: should be ${other.length} but got ${v.length}.`);
    throw new Error('The given v should contain a single Tensor.');
  }
  v.forEach((el, i) => {
    const want = other[i]!;
    if (el._shape.length === want._shape.length && el._shape.every((n, d) => n === want._shape[d])) return;
    throw new Error(`${is_other_tuple ? `Entry ${i} in ` : ''}v has invalid size: should be ${String(want.size())} but got ${String(el.size())}.`);
  });
}

type RequiresGradCheck = 'outputs' | 'grad_inputs' | 'jacobian' | 'hessian';

/** Strict mode: every tensor must require grad (be connected to the inputs). */
function check_requires_grad(tensors: readonly Grad[], kind: RequiresGradCheck, strict: boolean): void {
  if (!strict) return;
  tensors.forEach((t, i) => {
    if (t === null) throw new Error(`The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
    if (t.requires_grad) return;
    if (kind === 'hessian') {
      throw new Error(`The hessian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. You should ensure that your function is thrice differentiable and that the hessian depends on the inputs.`);
    }
    if (kind === 'jacobian') {
      throw new Error(`While computing the hessian, found that the jacobian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the inputs (this would be violated by a linear function for example).`);
    }
    if (kind === 'grad_inputs') throw new Error(`The gradient with respect to input ${i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.`);
    throw new Error(`Output ${i} of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.`);
  });
}

/** autograd.grad over the outputs that require grad only; all null when none does. */
function grad_of(outputs: readonly Grad[], inputs: readonly Tensor[], grad_outputs: readonly Grad[] | null, create_graph: boolean, retain_graph?: boolean): Grad[] {
  const outs: Tensor[] = [];
  const gos: Grad[] = [];
  outputs.forEach((out, i) => {
    if (out === null || !out.requires_grad) return;
    outs.push(out);
    gos.push(grad_outputs?.[i] ?? null);
  });
  if (outs.length === 0) return inputs.map(() => null);
  return autograd_grad(outs, inputs, { grad_outputs: gos, allow_unused: true, create_graph, ...(retain_graph === undefined ? {} : { retain_graph }) });
}

type Stage = 'back' | 'back_trick' | 'double_back' | 'double_back_trick';

/** Zeros for the gradients autograd left undefined (or PyTorch's strict-mode error naming the stage). */
function fill_in_zeros(grads: readonly Grad[], refs: readonly Tensor[], strict: boolean, create_graph: boolean, stage: Stage): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) {
        if (stage === 'back') throw new Error(`The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
        if (stage === 'back_trick') {
          throw new Error(`The gradient with respect to the input is independent of entry ${i} in the grad_outputs when using the double backward trick to compute forward mode gradients. This is not allowed in strict mode.`);
        }
        if (stage === 'double_back') throw new Error(`The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
        throw new Error(`The hessian of the user-provided function is independent of entry ${i} in the grad_jacobian. This is not allowed in strict mode as it prevents from using the double backward trick to replace forward mode AD.`);
      }
      return zeros_like(refs[i]!);
    }
    if (strict && create_graph && !g.requires_grad) {
      const what = stage.startsWith('double') ? 'hessian' : 'jacobian';
      throw new Error(`The ${what} of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
    }
    return g;
  });
}

/** One Tensor back when the caller gave one, the array otherwise (Python's tuple in, tuple out). */
function unpack<T>(items: readonly T[], is_tuple: boolean): T | T[] {
  return is_tuple ? [...items] : items[0]!;
}

/** The v that a one-element input or output may leave out. */
function default_v(v: unknown, is_single: boolean, message: string): void {
  if (v === null && !is_single) throw new Error(message);
}

function call_func(func: DifferentiableFunction, inputs: readonly Tensor[], fn_name: string): [boolean, Tensor[]] {
  return as_tuple(func(...inputs), 'outputs of the user-provided function', fn_name);
}

/** vjp and jvp's result: `[func(inputs), product]`, each a Tensor or an array as the function / inputs were. */
export type ProductResult = [Tensors, Tensors];

interface ProductArgs {
  func: DifferentiableFunction;
  inputs: Tensors;
  v: Tensors | null;
  create_graph: boolean;
  strict: boolean;
}
const product_signature = (name: string) => signature<ProductArgs>(`${name}(Callable func, Any inputs, Any v=None, bool create_graph=False, bool strict=False)`);
const VJP = product_signature('vjp');
const JVP = product_signature('jvp');
const VHP = product_signature('vhp');
const HVP = product_signature('hvp');

/** The keyword options every product takes. */
export interface ProductOptions {
  /** The vector (a Tensor, or one per input / output); may be left out when that side is one element. */
  v?: Tensors | null;
  /** Build the graph of the result, so it can be differentiated again. */
  create_graph?: boolean;
  /** Raise when an output is independent of an input instead of returning zeros. */
  strict?: boolean;
}
type ProductArgList = [func: DifferentiableFunction, inputs: Tensors, v?: Tensors | null | ProductOptions, create_graph?: boolean | ProductOptions, strict?: boolean | ProductOptions, options?: ProductOptions];

/**
 * The vector-Jacobian product `vᵀ J` of `func` at `inputs` (PyTorch's `torch.autograd.functional.vjp(func,
 * inputs, v=None, create_graph=False, strict=False)`). Returns `[func(inputs), vjp]`, the vjp shaped as the inputs.
 *
 * @example
 * const [out, g] = torch.autograd.functional.vjp((x) => x.pow(2).sum(1), torch.ones([2, 3]), torch.ones([2]));
 * // g: 2 * ones([2, 3])
 */
export function vjp(...args: ProductArgList): ProductResult {
  const a = VJP.parse(args);
  let outputs: Tensor[];
  let is_outputs_tuple: boolean;
  let v: Tensor[] | null = null;
  const [is_inputs_tuple, given] = as_tuple(a.inputs, 'inputs', 'vjp');
  let inputs: Tensor[];
  {
    using _grad = enable_grad();
    inputs = grad_preprocess(given, a.create_graph, true);
    [is_outputs_tuple, outputs] = call_func(a.func, inputs, 'vjp');
    check_requires_grad(outputs, 'outputs', a.strict);
    if (a.v !== null) {
      v = grad_preprocess(as_tuple(a.v, 'v', 'vjp')[1], a.create_graph, false);
      validate_v(v, outputs, is_outputs_tuple);
    } else {
      default_v(null, outputs.length === 1 && outputs[0]!.numel() === 1, 'The vector v can only be None if the user-provided function returns a single Tensor with a single element.');
    }
  }
  let result: Tensor[];
  {
    using _grad = set_grad_enabled(a.create_graph || is_grad_enabled());
    result = fill_in_zeros(grad_of(outputs, inputs, v, a.create_graph), inputs, a.strict, a.create_graph, 'back');
  }
  return [unpack(grad_postprocess(outputs, a.create_graph), is_outputs_tuple), unpack(grad_postprocess(result, a.create_graph), is_inputs_tuple)];
}

/**
 * The Jacobian-vector product `J v` of `func` at `inputs` (PyTorch's `torch.autograd.functional.jvp`), computed
 * by the double-backward trick: the vjp is linear in its vector, so differentiating it w.r.t. that vector gives `J v`.
 * Returns `[func(inputs), jvp]`, the jvp shaped as the outputs.
 *
 * @example
 * const [out, jv] = torch.autograd.functional.jvp((x) => x.mul(3), torch.ones([2]), torch.tensor([1, 2]));
 * // jv: [3, 6]
 */
export function jvp(...args: ProductArgList): ProductResult {
  const a = JVP.parse(args);
  const [is_inputs_tuple, given] = as_tuple(a.inputs, 'inputs', 'jvp');
  let inputs: Tensor[];
  let outputs: Tensor[];
  let is_outputs_tuple: boolean;
  let v: Tensor[] | null = null;
  let grad_outputs: Tensor[];
  let grad_inputs: Grad[];
  {
    using _grad = enable_grad();
    inputs = grad_preprocess(given, a.create_graph, true);
    if (a.v !== null) {
      v = grad_preprocess(as_tuple(a.v, 'v', 'jvp')[1], a.create_graph, false);
      validate_v(v, inputs, is_inputs_tuple);
    } else {
      default_v(null, inputs.length === 1 && inputs[0]!.numel() === 1, 'The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.');
    }
    [is_outputs_tuple, outputs] = call_func(a.func, inputs, 'jvp');
    check_requires_grad(outputs, 'outputs', a.strict);
    // any finite vector works: the backward is linear in it, so it never appears in the double-backward graph
    grad_outputs = outputs.map((out) => zeros_like(out).requires_grad_(true));
    grad_inputs = grad_of(outputs, inputs, grad_outputs, true);
    check_requires_grad(grad_inputs, 'grad_inputs', a.strict);
  }
  let result: Tensor[];
  {
    using _grad = a.create_graph ? enable_grad() : null;
    result = fill_in_zeros(grad_of(grad_inputs, grad_outputs, v, a.create_graph), outputs, a.strict, a.create_graph, 'back_trick');
  }
  return [unpack(grad_postprocess(outputs, a.create_graph), is_outputs_tuple), unpack(grad_postprocess(result, a.create_graph), is_outputs_tuple)];
}

/** A Jacobian: one Tensor, or nested arrays `[output][input]` following which side was an array. */
export type JacobianResult = Tensor | Tensor[] | Tensor[][];

interface JacobianArgs {
  func: DifferentiableFunction;
  inputs: Tensors;
  create_graph: boolean;
  strict: boolean;
  vectorize: boolean;
  strategy: string;
}
const JACOBIAN = signature<JacobianArgs>('jacobian(Callable func, Any inputs, bool create_graph=False, bool strict=False, bool vectorize=False, str strategy="reverse-mode")');

/** The keyword options of `jacobian`. */
export interface JacobianOptions {
  /** Build the graph of the result, so it can be differentiated again. */
  create_graph?: boolean;
  /** Raise when an output is independent of an input instead of returning zeros. */
  strict?: boolean;
  /** PyTorch batches the backward passes with vmap; the numbers are the same either way. */
  vectorize?: boolean;
  /** "reverse-mode" (a backward pass per output element) or "forward-mode" (a Jacobian-vector product per input element; needs vectorize). */
  strategy?: 'reverse-mode' | 'forward-mode';
}

/** Python's tuple-of-tuples result unpacked per side: `res[i][j]` is output i's Jacobian w.r.t. input j. */
function unpack_nested(res: readonly Tensor[][], is_outputs_tuple: boolean, is_inputs_tuple: boolean): JacobianResult {
  const rows = is_inputs_tuple ? res.map((row) => [...row]) : res.map((row) => row[0]!);
  return is_outputs_tuple ? (rows as Tensor[] | Tensor[][]) : (rows[0] as Tensor | Tensor[]);
}

/**
 * The Jacobian of `func` at `inputs` (PyTorch's `torch.autograd.functional.jacobian(func, inputs,
 * create_graph=False, strict=False, vectorize=False, strategy="reverse-mode")`): for output i and input j a
 * Tensor of shape `[...output_i.shape, ...input_j.shape]`, nested as the arguments were (one Tensor for a
 * Tensor-to-Tensor function).
 *
 * @example
 * const J = torch.autograd.functional.jacobian((x) => x.exp().sum(1), torch.zeros([2, 2]));
 * // J.shape: [2, 2, 2]
 */
export function jacobian(func: DifferentiableFunction, inputs: Tensors, ...rest: [options?: JacobianOptions] | [create_graph?: boolean, strict?: boolean, vectorize?: boolean, strategy?: string, options?: JacobianOptions]): JacobianResult {
  const a = JACOBIAN.parse([func, inputs, ...rest]);
  if (a.strategy !== 'reverse-mode' && a.strategy !== 'forward-mode') {
    throw new Error('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use "reverse-mode".');
  }
  if (a.strategy === 'forward-mode') return jacobian_forward(a);
  if (a.vectorize && a.strict) {
    throw new Error('torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together. Please either set `strict=False` or `vectorize=False`.');
  }
  using _grad = enable_grad();
  const [is_inputs_tuple, given] = as_tuple(a.inputs, 'inputs', 'jacobian');
  const ins = grad_preprocess(given, a.create_graph, true);
  const [is_outputs_tuple, outputs] = call_func(a.func, ins, 'jacobian');
  check_requires_grad(outputs, 'outputs', a.strict);
  const result = outputs.map((out, i) => {
    const rows: Tensor[][] = ins.map(() => []);
    const flat = out.reshape(-1);
    for (let k = 0; k < out.numel(); k++) {
      const vj = grad_of([flat.select(0, k)], ins, null, a.create_graph, true);
      vj.forEach((g, j) => {
        if (g !== null) {
          if (a.strict && a.create_graph && !g.requires_grad) {
            throw new Error(`The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
          }
          rows[j]!.push(g);
        } else {
          if (a.strict) throw new Error(`Output ${i} of the user-provided function is independent of input ${j}. This is not allowed in strict mode.`);
          rows[j]!.push(zeros_like(ins[j]!));
        }
      });
    }
    return rows.map((row, j) => (row.length === 0 ? zeros_like(ins[j]!).reshape([...out._shape, ...ins[j]!._shape]) : stack(row, 0).view([...out._shape, ...ins[j]!._shape])));
  });
  return unpack_nested(result.map((row) => grad_postprocess(row, a.create_graph)), is_outputs_tuple, is_inputs_tuple);
}

/** jacobian(strategy="forward-mode"): one Jacobian-vector product per input element (the columns of J). */
function jacobian_forward(a: JacobianArgs): JacobianResult {
  if (a.create_graph) {
    throw new Error('torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-mode"` are not supported together (yet). Please either set `create_graph=False` or `strategy="reverse-mode"`.');
  }
  if (a.strict) {
    throw new Error('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are not supported together (yet). Please either set `strict=False` or `strategy="reverse-mode"`.');
  }
  if (!a.vectorize) throw new Error('Computing Jacobian using forward-AD or forward-over-reverse Hessian isonly implemented for `vectorize=True`.');
  const [is_inputs_tuple, ins] = as_tuple(a.inputs, 'inputs', 'jacobian');
  const columns: Tensor[][][] = [];
  let outputs: Tensor[] = [];
  let is_outputs_tuple = false;
  ins.forEach((input, j) => {
    const cols: Tensor[][] = [];
    for (let k = 0; k < input.numel(); k++) {
      const v = ins.map((t, jj) => {
        const e = zeros_like(t);
        if (jj === j) e.reshape(-1).setitem(k, 1);
        return e;
      });
      const [out, jv] = jvp(a.func, is_inputs_tuple ? ins : ins[0]!, is_inputs_tuple ? v : v[0]!);
      const out_list = Array.isArray(out) ? out : [out as Tensor];
      is_outputs_tuple = Array.isArray(out);
      outputs = out_list as Tensor[];
      cols.push(Array.isArray(jv) ? [...jv] : [jv as Tensor]);
    }
    columns.push(cols);
  });
  if (outputs.length === 0) outputs = as_tuple(a.func(...ins), 'outputs of the user-provided function', 'jacobian')[1];
  // columns[j][k][i]: d output_i / d input_j[k]; stacked on the last dim, then shaped [...out_i, ...in_j]
  const result = outputs.map((out, i) =>
    ins.map((input, j) => {
      const cols = columns[j]!.map((c) => c[i]!.reshape(-1));
      const mat = cols.length === 0 ? zeros_like(out).reshape([out.numel(), 0]) : stack(cols, 1);
      return mat.view([...out._shape, ...input._shape]);
    }),
  );
  return unpack_nested(result, is_outputs_tuple, is_inputs_tuple);
}

interface HessianArgs {
  func: DifferentiableFunction;
  inputs: Tensors;
  create_graph: boolean;
  strict: boolean;
  vectorize: boolean;
  outer_jacobian_strategy: string;
}
const HESSIAN = signature<HessianArgs>('hessian(Callable func, Any inputs, bool create_graph=False, bool strict=False, bool vectorize=False, str outer_jacobian_strategy="reverse-mode")');

/** The keyword options of `hessian`. */
export interface HessianOptions {
  /** Build the graph of the result, so it can be differentiated again. */
  create_graph?: boolean;
  /** Raise when the gradient is independent of an input instead of returning zeros. */
  strict?: boolean;
  /** PyTorch batches the backward passes with vmap; the numbers are the same either way. */
  vectorize?: boolean;
  /** How the outer Jacobian (of the gradient) is computed; "forward-mode" needs vectorize. */
  outer_jacobian_strategy?: 'reverse-mode' | 'forward-mode';
}

/**
 * The Hessian of a scalar function at `inputs` (PyTorch's `torch.autograd.functional.hessian(func, inputs,
 * create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode")`): the Jacobian of
 * its gradient; for inputs i and j a Tensor of shape `[...input_i.shape, ...input_j.shape]`.
 *
 * @example
 * const H = torch.autograd.functional.hessian((x) => x.pow(3).sum(), torch.tensor([1, 2]));
 * // H: [[6, 0], [0, 12]]
 */
export function hessian(func: DifferentiableFunction, inputs: Tensors, ...rest: [options?: HessianOptions] | [create_graph?: boolean, strict?: boolean, vectorize?: boolean, outer_jacobian_strategy?: string, options?: HessianOptions]): JacobianResult {
  const a = HESSIAN.parse([func, inputs, ...rest]);
  const [is_inputs_tuple, ins] = as_tuple(a.inputs, 'inputs', 'hessian');
  if (a.outer_jacobian_strategy !== 'reverse-mode' && a.outer_jacobian_strategy !== 'forward-mode') {
    throw new Error('Expected strategy to be either "forward-mode" or "reverse-mode".');
  }
  const single_output = (...inp: Tensor[]): Tensor => {
    const out = a.func(...inp);
    const [is_out_tuple, outs] = as_tuple(out, 'outputs of the user-provided function', 'hessian');
    check_requires_grad(outs, 'outputs', a.strict);
    if (is_out_tuple) throw new Error('The function given to hessian should return a single Tensor');
    const t = outs[0]!;
    if (t.numel() !== 1) throw new Error('The Tensor returned by the function given to hessian should contain a single element');
    return t.squeeze();
  };
  const jac_func = (...inp: Tensor[]): Tensor[] => {
    const forward = a.outer_jacobian_strategy === 'forward-mode';
    const jac = jacobian(single_output, forward ? inp.map((t) => t.detach().requires_grad_(true)) : inp, { create_graph: true });
    const list = Array.isArray(jac) ? (jac as Tensor[]) : [jac as Tensor];
    check_requires_grad(list, 'jacobian', a.strict);
    return list;
  };
  // jac_func returns one gradient per input and is given every input, so the result is [input_i][input_j]
  const res = jacobian(jac_func, ins, { create_graph: a.create_graph, strict: a.strict, vectorize: a.vectorize, strategy: a.outer_jacobian_strategy as 'reverse-mode' | 'forward-mode' }) as Tensor[][];
  return is_inputs_tuple ? res : res[0]![0]!;
}

/** vhp and hvp share their set-up: inputs, v, the scalar output and its gradient with a graph. */
function second_order_setup(a: ProductArgs, fn_name: 'vhp' | 'hvp'): { is_inputs_tuple: boolean; is_outputs_tuple: boolean; inputs: Tensor[]; outputs: Tensor[]; v: Tensor[] | null; jac: Grad[] } {
  const [is_inputs_tuple, given] = as_tuple(a.inputs, 'inputs', fn_name);
  const inputs = grad_preprocess(given, a.create_graph, true);
  let v: Tensor[] | null = null;
  if (a.v !== null) {
    v = grad_preprocess(as_tuple(a.v, 'v', fn_name)[1], a.create_graph, false);
    validate_v(v, inputs, is_inputs_tuple);
  } else {
    default_v(null, inputs.length === 1 && inputs[0]!.numel() === 1, 'The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.');
  }
  const [is_outputs_tuple, outputs] = call_func(a.func, inputs, fn_name);
  check_requires_grad(outputs, 'outputs', a.strict);
  if (is_outputs_tuple) throw new Error(`The function given to ${fn_name} should return a single Tensor`);
  if (outputs[0]!.numel() !== 1) throw new Error(`The Tensor returned by the function given to ${fn_name} should contain a single element`);
  const jac = grad_of(outputs, inputs, null, true);
  check_requires_grad(jac, 'jacobian', a.strict);
  return { is_inputs_tuple, is_outputs_tuple, inputs, outputs, v, jac };
}

/**
 * The vector-Hessian product `vᵀ H` of a scalar function at `inputs` (PyTorch's
 * `torch.autograd.functional.vhp(func, inputs, v=None, create_graph=False, strict=False)`). Returns
 * `[func(inputs), vhp]`, the vhp shaped as the inputs.
 *
 * @example
 * const [y, vh] = torch.autograd.functional.vhp((x) => x.pow(3).sum(), torch.tensor([1, 2]), torch.ones([2]));
 * // vh: [6, 12]
 */
export function vhp(...args: ProductArgList): ProductResult {
  const a = VHP.parse(args);
  let s: ReturnType<typeof second_order_setup>;
  {
    using _grad = enable_grad();
    s = second_order_setup(a, 'vhp');
  }
  let result: Tensor[];
  {
    using _grad = set_grad_enabled(a.create_graph || is_grad_enabled());
    result = fill_in_zeros(grad_of(s.jac, s.inputs, s.v, a.create_graph), s.inputs, a.strict, a.create_graph, 'double_back');
  }
  return [unpack(grad_postprocess(s.outputs, a.create_graph), s.is_outputs_tuple), unpack(grad_postprocess(result, a.create_graph), s.is_inputs_tuple)];
}

/**
 * The Hessian-vector product `H v` of a scalar function at `inputs` (PyTorch's
 * `torch.autograd.functional.hvp`), by the double-backward trick over `vhp`'s graph. Returns `[func(inputs), hvp]`.
 *
 * @example
 * const [y, hv] = torch.autograd.functional.hvp((x) => x.pow(3).sum(), torch.tensor([1, 2]), torch.ones([2]));
 * // hv: [6, 12]
 */
export function hvp(...args: ProductArgList): ProductResult {
  const a = HVP.parse(args);
  let s: ReturnType<typeof second_order_setup>;
  let grad_jac: Tensor[];
  let double_back: Grad[];
  {
    using _grad = enable_grad();
    s = second_order_setup(a, 'hvp');
    grad_jac = s.inputs.map((t) => zeros_like(t).requires_grad_(true));
    double_back = grad_of(s.jac, s.inputs, grad_jac, true);
    check_requires_grad(s.jac, 'hessian', a.strict);
  }
  let result: Tensor[];
  {
    using _grad = set_grad_enabled(a.create_graph || is_grad_enabled());
    result = fill_in_zeros(grad_of(double_back, grad_jac, s.v, a.create_graph), s.inputs, a.strict, a.create_graph, 'double_back_trick');
  }
  return [unpack(grad_postprocess(s.outputs, a.create_graph), s.is_outputs_tuple), unpack(grad_postprocess(result, a.create_graph), s.is_inputs_tuple)];
}
