// torch.autograd.backward and torch.autograd.grad: seed checks (E1, E3, E4, E6) around the engine.
import { numel_of, shapes_equal } from '../shape.js';
import { Tensor, type NestedArray } from '../tensor.js';
import { ones, tensor, zeros_like } from '../ops/creation.js';
import { stack } from '../ops/view.js';
import { GradientEdge } from './gradient_edge.js';
import { is_plain_object, signature, type PyArgs } from '../signature.js';
import { run_backward } from './engine.js';
import { E1_NO_GRAD, E3_IMPLICIT, E6_UNUSED, e4_shape_mismatch, warn } from './messages.js';
import { gradient_edge, type Edge, type Grad } from './node.js';

/** A tensor, or the edge its gradient flows to: what autograd.grad and backward take as outputs and inputs. */
export type GraphTarget = Tensor | GradientEdge;

const edge_of = (t: GraphTarget): Edge => (t instanceof GradientEdge ? [t.node, t.output_nr] : gradient_edge(t));

/** Given gradients pair with the outputs in order; fewer than the outputs is PyTorch's error (extra ones are ignored). */
function check_grad_count(tensors: number, grads: number): void {
  if (grads < tensors) throw new Error(`got ${tensors} tensors and ${grads} gradients`);
}

function make_seeds(outputs: readonly GraphTarget[], grads: readonly GradArg[]): Tensor[] {
  return outputs.map((out, i) => {
    if (out instanceof Tensor && !out.requires_grad) throw new Error(E1_NO_GRAD.replace('element 0', `element ${i}`));
    const meta = out instanceof Tensor ? out : out.node.output_meta[out.output_nr]!;
    const g = grads[i];
    if (g === null || g === undefined) {
      if (numel_of(meta.shape) !== 1) throw new Error(E3_IMPLICIT);
      return ones(meta.shape, { dtype: meta.dtype });
    }
    const gt = g instanceof Tensor ? g : tensor(g, { dtype: meta.dtype });
    if (!shapes_equal(gt._shape, meta.shape)) throw new Error(e4_shape_mismatch(i, gt._shape, meta.shape));
    return gt;
  });
}

/** Keyword options of `backward`: `retain_graph`, `create_graph` and `inputs`. */
export interface BackwardOptions {
  /** Keep the saved tensors so the graph can be backpropagated again (default: `create_graph`). */
  retain_graph?: boolean;
  /** Record the backward itself, so the gradients are differentiable (higher-order derivatives). */
  create_graph?: boolean;
  /** Accumulate only into these tensors (a non-leaf among them retains its grad); edges only narrow the pass. */
  inputs?: GraphTarget | GraphTarget[] | Readonly<Record<string, Tensor>>;
}

type GradArg = Tensor | NestedArray | null | undefined;

function as_list<T>(value: T | readonly T[] | null | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
}

type Targets = GraphTarget | readonly GraphTarget[];
type GradTensors = Tensor | readonly GradArg[] | null;
/** The arguments of `torch.autograd.backward`, positional or in a trailing keyword object. */
export type AutogradBackwardArgs = PyArgs<
  [tensors: Targets, grad_tensors: GradTensors, retain_graph: boolean | null, create_graph: boolean, grad_variables: null, inputs: BackwardOptions['inputs']],
  BackwardOptions & {
    /** The tensors (or edges) to differentiate. */
    tensors?: Targets;
    /** The gradients w.r.t. them; null for one-element tensors. */
    grad_tensors?: GradTensors;
  }
>;
const BACKWARD = signature<{ tensors: Targets; grad_tensors: GradTensors; retain_graph: boolean | null; create_graph: boolean; grad_variables: unknown; inputs: BackwardOptions['inputs'] | null }>(
  'backward(Any tensors, Any grad_tensors=None, bool? retain_graph=None, bool create_graph=False, Any grad_variables=None, Any inputs=None)',
);

/**
 * Accumulates gradients of `tensors` into the leaves' `.grad` (PyTorch's `torch.autograd.backward(tensors,
 * grad_tensors=None, retain_graph=None, create_graph=False, inputs=None)`, positional or keyword).
 *
 * @example
 * torch.autograd.backward([loss]);
 * torch.autograd.backward(y, { inputs: [w] });
 */
export function autograd_backward(...args: AutogradBackwardArgs): void {
  const a = BACKWARD.parse(args);
  if (a.grad_variables !== null) throw new Error("'grad_tensors' and 'grad_variables' (deprecated) arguments both passed to backward(). Please only use 'grad_tensors'.");
  const options: BackwardOptions = { create_graph: a.create_graph, ...(a.retain_graph === null ? {} : { retain_graph: a.retain_graph }), ...(a.inputs === null ? {} : { inputs: a.inputs }) };
  const tensors = a.tensors;
  const grad_tensors = a.grad_tensors ?? [];
  const outs = as_list(tensors);
  const given = options.inputs;
  const inputs = given === undefined ? undefined : is_plain_object(given) ? Object.values(given) : as_list(given);
  if (inputs !== undefined && inputs.length === 0) throw new Error("'inputs' argument to backward() cannot be empty.");
  const given_grads = grad_tensors instanceof Tensor ? [grad_tensors] : (grad_tensors ?? []);
  if (a.grad_tensors !== null) check_grad_count(outs.length, given_grads.length);
  const seeds = make_seeds(outs, given_grads);
  const create_graph = options.create_graph ?? false;
  const keep_graph = options.retain_graph ?? create_graph;
  // with `inputs`, PyTorch accumulates only into them: leaves through their AccumulateGrad (hooks included),
  // non-leaves by retaining their grad
  if (create_graph) warn_create_graph_once();
  if (inputs !== undefined) for (const t of inputs) if (t instanceof Tensor && !t.is_leaf) t.retain_grad();
  const only = inputs?.map(edge_of);
  run_backward(outs.map(edge_of), seeds, { keep_graph, create_graph, accumulate: true, ...(only === undefined ? {} : { only }) });
}

let warned_create_graph = false;
/** PyTorch warns once per process that backward(create_graph=True) ties parameters and their grads in a cycle. */
function warn_create_graph_once(): void {
  if (warned_create_graph) return;
  warned_create_graph = true;
  warn(
    'Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters to None after use to break the cycle and avoid the leak.',
  );
}

/** Keyword options of `autograd.grad`: `grad_outputs`, `retain_graph`, `create_graph`, `allow_unused`, `materialize_grads`. */
export interface GradOptions {
  /** The vector of the vector-Jacobian product, one per output; may be left out for scalar outputs. */
  grad_outputs?: (Tensor | null)[] | Tensor | null;
  /** Keep the saved tensors so the graph can be backpropagated again (default: `create_graph`). */
  retain_graph?: boolean;
  /** Record the backward itself, so the returned gradients are differentiable. */
  create_graph?: boolean;
  /** Return null for inputs the outputs do not depend on, instead of raising PyTorch's error. */
  allow_unused?: boolean;
  /** With allow_unused, return zeros instead of null for unused inputs. */
  materialize_grads?: boolean;
  /** Dim 0 of each grad_output is a batch of vectors: one vector-Jacobian product per row, stacked. */
  is_grads_batched?: boolean;
}

type GradOutputs = GradOptions['grad_outputs'];
const GRAD = signature<{
  outputs: Targets;
  inputs: Targets | Readonly<Record<string, Tensor>>;
  grad_outputs: GradOutputs;
  retain_graph: boolean | null;
  create_graph: boolean;
  only_inputs: boolean;
  allow_unused: boolean | null;
  is_grads_batched: boolean;
  materialize_grads: boolean;
}>('grad(Any outputs, Any|Dict inputs, Any grad_outputs=None, bool? retain_graph=None, bool create_graph=False, bool only_inputs=True, bool? allow_unused=None, bool is_grads_batched=False, bool materialize_grads=False)');
/** The positional parameters of `torch.autograd.grad` after `outputs` and `inputs`. */
type GradPositional = [grad_outputs: GradOutputs, retain_graph: boolean | null, create_graph: boolean, only_inputs: boolean, allow_unused: boolean | null, is_grads_batched: boolean, materialize_grads: boolean];

/**
 * Gradients of `outputs` w.r.t. `inputs`, without touching any `.grad` (PyTorch's `torch.autograd.grad(outputs,
 * inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True, allow_unused=None,
 * is_grads_batched=False, materialize_grads=False)`, positional or keyword).
 *
 * @example
 * const [gx] = torch.autograd.grad(y.sum(), [x], { create_graph: true });
 * const [g] = torch.autograd.grad(y, x, torch.ones_like(y));
 */
export function autograd_grad(outputs: Targets, inputs: Targets, ...rest: PyArgs<GradPositional, GradOptions>): Grad[];
/** Inputs given as a plain object (PyTorch's dict inputs): the gradients come back under the same keys. */
export function autograd_grad<K extends string>(outputs: Targets, inputs: Readonly<Record<K, Tensor>>, ...rest: PyArgs<GradPositional, GradOptions>): Record<K, Grad>;
/** Every argument by keyword (`torch.autograd.grad(outputs=y, inputs=[x])`). */
export function autograd_grad(kwargs: GradOptions & { outputs: Targets; inputs: Targets }): Grad[];
export function autograd_grad(...args: unknown[]): Grad[] | Record<string, Grad> {
  const a = GRAD.parse(args);
  if (!a.only_inputs) warn('only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate gradient for other parts of the graph, please use torch.autograd.backward.');
  const options: GradOptions = {
    grad_outputs: a.grad_outputs,
    create_graph: a.create_graph,
    materialize_grads: a.materialize_grads,
    ...(a.retain_graph === null ? {} : { retain_graph: a.retain_graph }),
    ...(a.allow_unused === null ? {} : { allow_unused: a.allow_unused }),
  };
  if (a.is_grads_batched) {
    if (is_plain_object(a.inputs)) return grad_impl(a.outputs, a.inputs, options);
    return grad_batched(a.outputs, a.inputs, options);
  }
  return grad_impl(a.outputs, a.inputs, options);
}

/**
 * `is_grads_batched=True`: dim 0 of every grad_output is a batch of vectors, and each input's gradient comes back
 * with the same leading batch dim (PyTorch vmaps the engine over it; here one pass per vector, same numbers).
 */
function grad_batched(outputs: Targets, inputs: Targets, options: GradOptions): Grad[] {
  const outs = as_list(outputs);
  const go = as_list(options.grad_outputs);
  let batch = -1;
  go.forEach((g, i) => {
    if (g === null) return;
    const out = outs[i];
    const meta = out instanceof Tensor ? out : out?.node.output_meta[out.output_nr];
    if (g.ndim === 0 || (meta !== undefined && !shapes_equal(g._shape.slice(1), meta.shape))) {
      // PyTorch prints the grad's shape past its first two dims (it slices the batch off a row of the batch)
      const size = (s: readonly number[]): string => `torch.Size([${s.join(', ')}])`;
      throw new Error(
        `If \`is_grads_batched=True\`, we interpret the first dimension of each grad_output as the batch dimension. The sizes of the remaining dimensions are expected to match the shape of corresponding output, but a mismatch was detected: grad_output[${i}] has a shape of ${size(g._shape.slice(2))} and output[${i}] has a shape of ${size(meta?.shape ?? [])}. If you only want some tensors in \`grad_output\` to be considered batched, consider using vmap.`,
      );
    }
    if (batch === -1) batch = g._shape[0]!;
    else if (g._shape[0] !== batch) throw new Error(`vmap: Expected all tensors to have the same size in the mapped dimension, got sizes ${batch} and ${g._shape[0]} for the mapped dimension`);
  });
  if (batch === -1) return grad_impl(outputs, inputs, options) as Grad[];
  const keep_graph = options.retain_graph ?? options.create_graph ?? false;
  const per_vector: Grad[][] = [];
  for (let b = 0; b < batch; b++) {
    const grad_outputs = go.map((g) => (g === null ? null : g.select(0, b)));
    const retain_graph = b < batch - 1 || keep_graph;
    per_vector.push(grad_impl(outputs, inputs, { ...options, grad_outputs, retain_graph, materialize_grads: false, allow_unused: (options.allow_unused ?? false) || (options.materialize_grads ?? false) }) as Grad[]);
  }
  const ins = as_list(inputs);
  return ins.map((input, i) => {
    const column = per_vector.map((grads) => grads[i] ?? null);
    if (column.every((g): g is Tensor => g !== null)) return stack(column);
    if (!(options.materialize_grads ?? false) || !(input instanceof Tensor)) return null;
    return zeros_like(input).requires_grad_(options.create_graph ?? false);
  });
}

function grad_impl(outputs: Targets, inputs: Targets | Readonly<Record<string, Tensor>>, options: GradOptions): Grad[] | Record<string, Grad> {
  if (is_plain_object(inputs)) {
    const keys = Object.keys(inputs);
    const grads = grad_impl(outputs, keys.map((k) => inputs[k]!), options) as Grad[];
    return Object.fromEntries(keys.map((k, i) => [k, grads[i]!]));
  }
  const outs = as_list(outputs);
  const ins = as_list(inputs);
  if (ins.length === 0) throw new Error('grad requires non-empty inputs.');
  const materialize = options.materialize_grads ?? false;
  if (materialize && options.allow_unused === false) {
    throw new Error('Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False.');
  }
  const allow_unused = options.allow_unused ?? materialize;
  const go = options.grad_outputs === undefined || options.grad_outputs === null ? [] : options.grad_outputs instanceof Tensor ? [options.grad_outputs] : options.grad_outputs;
  if (options.grad_outputs !== undefined && options.grad_outputs !== null) check_grad_count(outs.length, go.length);
  for (const t of ins) if (t instanceof Tensor && !t.requires_grad) throw new Error('One of the differentiated Tensors does not require grad');
  const seeds = make_seeds(outs, go);
  const create_graph = options.create_graph ?? false;
  const keep_graph = options.retain_graph ?? create_graph;
  const captured = run_backward(outs.map(edge_of), seeds, { keep_graph, create_graph, accumulate: false, capture: ins.map(edge_of) });
  return captured.map((g, i) => {
    if (g !== null) return g;
    if (!allow_unused) throw new Error(E6_UNUSED);
    if (!materialize) return null;
    const input = ins[i]!;
    if (!(input instanceof Tensor)) throw new Error('materialize_grads cannot be used when the given input is a GradientEdge');
    // zeros that require grad only when the graph of the gradients is being built, as PyTorch 2.x
    return zeros_like(input).requires_grad_(create_graph);
  });
}
