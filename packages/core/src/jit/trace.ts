// torch.jit.trace: one call of a module or function recorded as a graph that prints and replays.
import { Tensor } from '../tensor.js';
import { Graph } from './graph.js';
import { inline_graph, record_graph, run_graph, type TraceableModule } from './tracer.js';

/** A module `torch.jit.trace` accepts: an `nn.Module` (anything with `call` and the module accessors). */
export interface TraceableCallable extends TraceableModule {
  /** Runs the module with its hooks (`module(...)` in PyTorch). */
  call(...args: never[]): unknown;
}

/** A module whose `training` flags an export switches off (PyTorch exports and graphs models in eval mode). */
interface Trainable {
  named_modules(): Iterable<[string, unknown]>;
}

/**
 * Runs `f` with every module of `model` in eval mode, then restores each module's own flag.
 *
 * @example
 * const traced = in_eval_mode(net, () => torch.jit.trace(net, [x]));
 */
export function in_eval_mode<R>(model: unknown, f: () => R): R {
  if (typeof model !== 'object' || model === null || !('named_modules' in model)) return f();
  const modules = [...(model as Trainable).named_modules()].map(([, m]) => m as { training: boolean });
  const saved = modules.map((m) => m.training);
  for (const m of modules) m.training = false;
  try {
    return f();
  } finally {
    modules.forEach((m, i) => (m.training = saved[i]!));
  }
}

/** PyTorch refuses to trace inputs that are not tensors or (nested) lists of them. */
function check_inputs(x: unknown): void {
  if (x instanceof Tensor) return;
  if (Array.isArray(x)) {
    for (const v of x) check_inputs(v);
    return;
  }
  const kind = x === null ? 'None' : typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
  throw new Error(`Type '${kind}' cannot be traced. Only Tensors and (possibly nested) Lists, Dicts, and Tuples of Tensors can be traced`);
}

/**
 * A traced module or function: `graph` is what one call did, `call(...)` replays it on new inputs of the same
 * shapes. Replay runs each recorded op again and each submodule call through the original module's hooks
 * (forward pre-hooks, forward hooks, backward hooks fire as in an eager call, in the same order), reading
 * parameters and buffers live from the original modules. Hooks are not part of the graph: they run as
 * JavaScript on every traced call, which costs what they cost eagerly.
 *
 * @example
 * const traced = torch.jit.trace(net, [torch.randn([2, 1, 28, 28])]);
 * console.log(String(traced.graph));
 * traced.call(torch.randn([2, 1, 28, 28]));
 */
export class TracedModule {
  /** The outermost recording: one module call (for a module) or the traced function's ops. */
  private readonly top: Graph;
  /** The module's forward graph (for a function, its graph). */
  readonly graph: Graph;
  /** What was traced. */
  readonly original: TraceableCallable | ((...args: never) => unknown);

  /** Wraps a recording; `torch.jit.trace` makes these. */
  constructor(top: Graph, original: TraceableCallable | ((...args: never) => unknown)) {
    this.top = top;
    this.original = original;
    const first = top.nodes[0]?.what;
    this.graph = typeof original !== 'function' && first?.kind === 'call' ? first.subgraph : top;
  }

  /** The graph with every submodule call replaced by its ops (TorchScript's `inlined_graph`). */
  get inlined_graph(): Graph {
    return inline_graph(this.graph);
  }

  /** Runs the traced computation on `inputs` (same structure and shapes as the example inputs). */
  call(...inputs: unknown[]): unknown {
    return run_graph(this.top, inputs);
  }

  /** Same as `call`. */
  forward(...inputs: unknown[]): unknown {
    return this.call(...inputs);
  }

  /** As PyTorch prints a traced module (`Net(original_name=Net)`) or function (`<torch.jit.ScriptFunction f>`). */
  toString(): string {
    return typeof this.original === 'function' ? `<torch.jit.ScriptFunction ${this.original.name}>` : `${this.original._get_name()}(original_name=${this.original._get_name()})`;
  }
}

/**
 * PyTorch's `torch.jit.trace(func, example_inputs)`: runs `func` once on `example_inputs` (a Tensor or an
 * array of arguments) and records the ops it performs. Control flow is frozen: a branch taken on a tensor's
 * value (`item()`, `tolist()`) is a `TracerWarning`, and only same-shaped inputs replay faithfully.
 *
 * @example
 * const traced = torch.jit.trace(net, torch.randn([1, 1, 28, 28]));
 * traced.call(x);
 */
export function trace(func: TraceableCallable | ((...args: never) => unknown), example_inputs: Tensor | readonly unknown[]): TracedModule {
  const inputs = example_inputs instanceof Tensor ? [example_inputs] : [...example_inputs];
  check_inputs(inputs);
  const fn = typeof func === 'function' ? (func as (...a: unknown[]) => unknown) : (...a: unknown[]) => (func.call as (...b: unknown[]) => unknown).call(func, ...a);
  const top = record_graph(inputs, () => fn(...inputs));
  return new TracedModule(top, func);
}
