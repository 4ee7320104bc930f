// torch.jit.trace: one call of a module or function recorded as a graph that prints and replays.
import { is_grad_enabled, no_grad } from '../autograd/grad_mode.js';
import { Tensor } from '../tensor.js';
import { GraphCompiler, note_execution, type PlanStats } from './compile.js';
import { Graph, GraphNode, tensors_in, type Value } from './graph.js';
import { inline_graph, record_graph, run_graph, type TraceableModule } from './tracer.js';

let optimized = true;

/**
 * PyTorch's `torch.jit.optimized_execution(should_optimize)`: runs `fn` with traced calls compiled (the
 * default) or replayed op by op as recorded (`false`), then restores the previous setting.
 *
 * @example
 * const plain = torch.jit.optimized_execution(false, () => traced.call(x));
 */
export function optimized_execution<R>(should_optimize: boolean, fn: () => R): R {
  if (typeof should_optimize !== 'boolean') throw new TypeError(`optimized_execution(): argument 'should_optimize' must be bool, not ${typeof should_optimize}`);
  const saved = optimized;
  optimized = should_optimize;
  try {
    return fn();
  } finally {
    optimized = saved;
  }
}

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
 * shapes, firing the hooks registered on the original modules (forward pre-hooks, forward hooks, backward
 * hooks, global hooks: as in an eager call, in the same order). Hooks are not part of the graph: they run as
 * JavaScript on every traced call, registered before or after tracing.
 *
 * Two ways to replay:
 * - **Compiled** (the default when no gradient is needed: under `no_grad`, or nothing requires grad). Per input
 *   shape, the first call runs eagerly and compiles: module calls are inlined, parameters and buffers are
 *   folded as constants with everything computed from them alone (an eval batch norm after a convolution
 *   becomes part of the convolution's weight and bias, any other one a per-channel scale and shift),
 *   convolutions, linear layers, pooling, attention and layer norm run as the backend's kernels (a ReLU after
 *   a convolution or linear layer as their epilogue), chains of elementwise ops become one generated loop each
 *   (one pass, no intermediate tensors), and all their results live in buffers planned once by liveness and
 *   reused across calls. `last_plan` tells whether a call ran the plan. A later call checks that the
 *   folded parameters are still the same tensors at the same version (an optimizer step or `load_state_dict`
 *   recompiles). Results equal the eager ones up to float32 rounding where batch norms fold (elsewhere bit
 *   for bit). The cost of hooks: a module with hooks is not inlined; its call runs through its hooks with
 *   its own compiled forward, so its inputs and outputs are real tensors and ops on either side of it do not
 *   fuse across it. Adding or removing a hook switches to (or compiles) the plan for that set of hooks.
 * - **Eager** (when grad mode is on and an input or a parameter requires grad, or inside
 *   `torch.jit.optimized_execution(false, ...)`): each recorded op runs again with autograd recording,
 *   parameters read live, so gradients flow as in an eager call.
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

  /** Whether `torch.jit.freeze` made it: its parameters are constants of its graph, the module's own are not read. */
  readonly frozen: boolean;

  /** Wraps a recording; `torch.jit.trace` (and `torch.jit.freeze`) make these. */
  constructor(top: Graph, original: TraceableCallable | ((...args: never) => unknown), frozen = false) {
    this.top = top;
    this.original = original;
    this.frozen = frozen;
    const first = top.nodes[0]?.what;
    this.graph = typeof original !== 'function' && first?.kind === 'call' ? first.subgraph : top;
  }

  /** The graph with every submodule call replaced by its ops (TorchScript's `inlined_graph`). */
  get inlined_graph(): Graph {
    return inline_graph(this.graph);
  }

  private compiler: GraphCompiler | null = null;

  /** Runs the traced computation on `inputs` (same structure and shapes as the example inputs). */
  call(...inputs: unknown[]): unknown {
    if (!optimized || this.needs_grad(inputs)) {
      if (this.compiler !== null) this.compiler.last = null;
      note_execution(null);
      return run_graph(this.top, inputs);
    }
    this.compiler ??= new GraphCompiler(this.top);
    const out = this.compiler.run(inputs);
    note_execution(this.compiler.last?.text ?? null);
    return out;
  }

  /**
   * What this module's last call ran compiled, in figures (fused chains, folded constants and batch norms,
   * planned buffers, hooked calls), or null when it ran eagerly: before any call, on the call that compiles
   * (it runs eagerly, recording what every value is), when it needed grad, inside
   * `optimized_execution(false)`, or when its parameters kept changing. A benchmark checks it to know that
   * the calls it timed ran the plan.
   *
   * @example
   * torch.no_grad(() => { traced.call(x); traced.call(x); });
   * traced.last_plan?.fusion_groups; // 8 for ResNet-18
   */
  get last_plan(): PlanStats | null {
    return this.compiler?.last?.stats ?? null;
  }

  /**
   * PyTorch's `graph_for(*inputs)`: what a compiled call on inputs like these runs (compiling it by a call
   * under `no_grad` if it was not yet), one step a line: fused chains as `prim::FusionGroup[...]`, ops
   * compiled to one kernel, convolutions with a folded batch norm, hooked module calls. Null for a replay
   * that runs eagerly (its folded parameters kept changing).
   *
   * @example
   * console.log(traced.graph_for(x)); // … prim::FusionGroup[aten::add_, aten::relu_] …
   */
  graph_for(...inputs: unknown[]): string | null {
    this.compiler ??= new GraphCompiler(this.top);
    const c = this.compiler;
    return no_grad(() => c.plan_text(inputs));
  }

  /** Whether autograd would record this call: grad mode on and an input or a parameter requiring grad. */
  private needs_grad(inputs: unknown[]): boolean {
    if (!is_grad_enabled()) return false;
    if (tensors_in(inputs).some((t) => t.requires_grad)) return true;
    if (typeof this.original === 'function' || this.frozen) return false;
    for (const [, p] of this.original.named_parameters()) if (p.requires_grad) return true;
    return false;
  }

  /**
   * The outermost recording (for `torch.jit.freeze`).
   *
   * @internal
   */
  get _top(): Graph {
    return this.top;
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

/**
 * PyTorch's `torch.jit.freeze(mod)`: a copy of traced module `mod` whose parameters and buffers are constants of
 * its graph (clones, detached, taken now), its submodule calls inlined. Later changes to the module's parameters
 * do not reach it, and its compiled plan checks none of them; module hooks, which belong to the module, do not fire
 * on it (as on PyTorch's frozen module). The module must be in eval mode (what the trace recorded, dropout or
 * batch statistics of a submodule left in training, stays as recorded).
 *
 * @example
 * const frozen = torch.jit.freeze(torch.jit.trace(net.eval(), [x]));
 * console.log(String(frozen.graph)); // parameters as prim::Constant
 */
export function freeze(mod: TracedModule): TracedModule {
  const m = mod instanceof TracedModule ? mod.original : null;
  if (m === null || typeof m === 'function') throw new Error("Freezing expects a ScriptModule as input. Please use torch.jit.script or torch.jit.trace to script your 'nn.Module'.");
  if ((m as { training?: boolean }).training === true) throw new Error('Freezing is currently only implemented for modules in eval mode. Please call .eval() on your module before freezing.');
  const flat = inline_graph(mod._top);
  const frozen = new Graph(null);
  frozen.input_template = flat.input_template;
  frozen.output_template = flat.output_template;
  for (const node of flat.nodes) {
    const w = node.what;
    if (w.kind !== 'attr') frozen.nodes.push(node);
    else {
      const value = no_grad(() => w.read().detach().clone());
      frozen.nodes.push(new GraphNode('prim::Constant', { kind: 'const', value }, [], node.out as Value, node.scope));
    }
  }
  return new TracedModule(frozen, m, true);
}
