// The tracer: the one flag traceable ops test, the recording of ops and module calls, and their replay.
import { warn } from '../autograd/messages.js';
import type { Overloads, Signature } from '../signature.js';
import { Tensor } from '../tensor.js';
import { fill_template, Graph, GraphNode, type_of, Value, type ModuleDispatch, type Template, type TracedModuleRef } from './graph.js';

/**
 * True while a trace records and no recorded op is running. Every traceable op begins with
 * `if (tracing) return trace_op(...)`: outside a trace that branch is all it costs. While a recorded op (or a
 * module's hooks) runs the flag is off, so the ops it calls inside are not recorded again.
 */
export let tracing = false;

/** The module side of a traced call: what `torch.jit.trace` needs from an `nn.Module`. */
export interface TraceableModule extends TracedModuleRef {
  /** Its parameters with their dotted names. */
  named_parameters(): Iterable<[string, Tensor]>;
  /** Its buffers with their dotted names. */
  named_buffers(): Iterable<[string, Tensor]>;
  /** Itself and its submodules with their dotted names. */
  named_modules(): Iterable<[string, unknown]>;
  /** The parameter at a dotted path. */
  get_parameter(target: string): Tensor;
  /** The buffer at a dotted path. */
  get_buffer(target: string): Tensor;
}

/** The graph being recorded for one module call (or the traced function) and what its values are. */
class Scope {
  readonly values = new Map<Tensor, Value>();
  private attrs: Map<Tensor, [string, 'parameter' | 'buffer']> | null = null;
  constructor(
    readonly graph: Graph,
    readonly module: TraceableModule | null,
  ) {}

  /** The parameter or buffer `t` is, named from this scope's module (`fc.weight`), or null. */
  attr_of(t: Tensor): [string, 'parameter' | 'buffer'] | null {
    if (this.module === null) return null;
    if (this.attrs === null) {
      this.attrs = new Map();
      for (const [n, p] of this.module.named_parameters()) if (!this.attrs.has(p)) this.attrs.set(p, [n, 'parameter']);
      for (const [n, b] of this.module.named_buffers()) if (!this.attrs.has(b)) this.attrs.set(b, [n, 'buffer']);
    }
    return this.attrs.get(t) ?? null;
  }
}

let scope: Scope | null = null;
let warned = new Set<string>();

/** The value `t` has in scope `s`: an input or op output, else a parameter/buffer read, else a constant. */
function value_of(s: Scope, t: Tensor): Value {
  const known = s.values.get(t);
  if (known !== undefined) return known;
  const v = new Value(type_of(t));
  const attr = s.attr_of(t);
  if (attr !== null) {
    const [name, kind] = attr;
    const m = s.module!;
    const read = kind === 'parameter' ? () => m.get_parameter(name) : () => m.get_buffer(name);
    s.graph.nodes.push(new GraphNode('prim::GetAttr', { kind: 'attr', module: m, attr: name, read }, [], v));
  } else {
    if (t.requires_grad) {
      throw new Error(`Cannot insert a Tensor that requires grad as a constant. Consider making it a parameter or input, or detaching the gradient\nTensor:\n${String(t)}`);
    }
    s.graph.nodes.push(new GraphNode('prim::Constant', { kind: 'const', value: t }, [], v));
  }
  s.values.set(t, v);
  return v;
}

/** `x` with its tensors as their current values in `s`. */
function read_template(s: Scope, x: unknown): Template {
  return fill_tensors(x, (t) => value_of(s, t));
}

/** `x` with its tensors as fresh values, which they now are in `s` (op results, graph inputs). */
function define_template(s: Scope, x: unknown): Template {
  return fill_tensors(x, (t) => {
    const v = new Value(type_of(t));
    s.values.set(t, v);
    return v;
  });
}

/** An argument structure with each Tensor replaced (the walk `fill_template` mirrors). */
function fill_tensors(x: unknown, f: (t: Tensor) => Value): Template {
  if (x instanceof Tensor) return f(x);
  if (Array.isArray(x)) return x.map((v) => fill_tensors(v, f));
  if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) o[k] = fill_tensors(v, f);
    return o;
  }
  return x;
}

/**
 * Runs op `fn` on `args` and records it as node `name` (PyTorch's aten name) of the graph being traced.
 * Called by traceable ops when `tracing` is set; the op's own body runs with recording paused.
 *
 * @hidden
 */
export function trace_op<R>(name: string, fn: (...args: never) => R, args: unknown[], sig?: Signature<object> | Overloads<object>): R {
  const s = scope!;
  const tpl = read_template(s, args);
  // the arguments by name, defaults filled in, for readers such as the ONNX exporter (an overload's own names)
  const values = sig === undefined ? null : sig.named(args);
  const named = values === null ? null : (read_template(s, values) as Record<string, Template>);
  tracing = false;
  let out: R;
  try {
    out = (fn as (...a: unknown[]) => R)(...args);
  } finally {
    tracing = true;
  }
  s.graph.nodes.push(new GraphNode(name, { kind: 'op', fn, named }, tpl, define_template(s, out)));
  return out;
}

/** The name `module` has as a child of the scope's module (`layer1.0`), else its class name. */
function module_name(s: Scope, module: TraceableModule): string {
  if (s.module !== null) for (const [n, m] of s.module.named_modules()) if (m === module && n !== '') return n;
  return module._get_name();
}

/**
 * Records one module call made while tracing: a `prim::CallMethod` node in the caller's graph whose
 * subgraph holds what the module's `forward` did. `dispatch` runs the module's hooks around a forward (as
 * `Module.call` does); the hooks run unrecorded, so a traced call fires them live instead of replaying them.
 * `hookless` tells a compiled replay when the module has no hook, so its ops may fuse with their neighbours'.
 *
 * @hidden
 */
export function trace_module_call(
  module: TraceableModule, args: unknown[], kwargs: Record<string, unknown>,
  forward: (args: unknown[], kwargs: Record<string, unknown>) => unknown, dispatch: ModuleDispatch, hookless?: () => boolean,
): unknown {
  const parent = scope!;
  const attr = module_name(parent, module);
  const call_args = read_template(parent, [...args, kwargs]);
  const sub = new Graph(module);
  let result: unknown;
  tracing = false;
  try {
    result = dispatch(args, kwargs, (a, k) => {
      const inner = new Scope(sub, module);
      sub.input_template = define_template(inner, [...a, k]);
      scope = inner;
      tracing = true;
      try {
        const r = forward(a, k);
        sub.output_template = read_template(inner, r);
        return r;
      } finally {
        tracing = false;
        scope = parent;
      }
    });
  } finally {
    tracing = true;
  }
  parent.graph.nodes.push(new GraphNode('prim::CallMethod', { kind: 'call', module, attr, subgraph: sub, dispatch, ...(hookless === undefined ? {} : { hookless }) }, call_args, define_template(parent, result)));
  return result;
}

/**
 * A TracerWarning, once per message and trace, when a trace is recording.
 *
 * @hidden
 */
export function tracer_warning(message: string): void {
  if (!tracing || warned.has(message)) return;
  warned.add(message);
  warn(message, 'TracerWarning');
}

/**
 * Binds the tensors of `actual` to the values of template `tpl`, checking the structure matches.
 *
 * @hidden
 */
export function bind(tpl: Template, actual: unknown, env: Map<Value, unknown>, what: string): void {
  if (tpl instanceof Value) {
    if (!(actual instanceof Tensor)) throw new Error(`${what}: expected a Tensor where the trace had one, but got ${actual === null ? 'None' : typeof actual}`);
    env.set(tpl, actual);
  } else if (Array.isArray(tpl)) {
    if (!Array.isArray(actual) || actual.length !== tpl.length) {
      throw new Error(`${what}: expected ${tpl.length} values as when traced, but got ${Array.isArray(actual) ? actual.length : typeof actual}`);
    }
    tpl.forEach((v, i) => bind(v, actual[i], env, what));
  } else if (tpl !== null && typeof tpl === 'object' && Object.getPrototypeOf(tpl) === Object.prototype) {
    const a = (actual ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(tpl)) bind(v, a[k], env, what);
  }
}

/**
 * Runs one node on the values in `env` and binds its outputs there: an op on the current values, a module call
 * through the original module's hooks with `run_sub` (the subgraph's replay) as its forward, a parameter or
 * buffer read live.
 *
 * @hidden
 */
export function run_node(node: GraphNode, env: Map<Value, unknown>, run_sub: (g: Graph, inputs: unknown[]) => unknown): void {
  const get = (v: Value): unknown => env.get(v);
  const w = node.what;
  if (w.kind === 'op') {
    const args = fill_template(node.args, get) as unknown[];
    bind(node.out, (w.fn as (...a: unknown[]) => unknown)(...args), env, node.name);
  } else if (w.kind === 'attr') env.set(node.out as Value, w.read());
  else if (w.kind === 'const') env.set(node.out as Value, w.value);
  else {
    const args = fill_template(node.args, get) as unknown[];
    const kwargs = args.pop() as Record<string, unknown>;
    const sub = w.subgraph;
    bind(node.out, w.dispatch(args, kwargs, (a, k) => run_sub(sub, [...a, k])), env, `traced ${w.module._get_name()}`);
  }
}

/**
 * Runs graph `g` on `inputs` (its input structure): each op on the current values, each module call through
 * the original module's hooks with the subgraph as its forward, parameters and buffers read live.
 */
export function run_graph(g: Graph, inputs: unknown[]): unknown {
  const env = new Map<Value, unknown>();
  bind(g.input_template, inputs, env, g.module === null ? 'traced function' : `traced ${g.module._get_name()}`);
  for (const node of g.nodes) run_node(node, env, run_graph);
  return fill_template(g.output_template, (v) => env.get(v));
}

/**
 * Records `run()` into a fresh graph whose inputs are `inputs`; returns the graph. Used by `torch.jit.trace`.
 */
export function record_graph(inputs: unknown[], run: () => unknown): Graph {
  if (scope !== null) throw new Error('torch.jit.trace: a trace is already being recorded');
  const g = new Graph(null);
  const s = new Scope(g, null);
  g.input_template = define_template(s, inputs);
  scope = s;
  tracing = true;
  warned = new Set();
  try {
    g.output_template = read_template(s, run());
  } finally {
    tracing = false;
    scope = null;
  }
  return g;
}

/**
 * A graph with every module call replaced by its subgraph (TorchScript's `inlined_graph`): parameter and
 * buffer reads named by their state_dict key from the graph's module. Walked with an explicit stack. Calls
 * `keep` selects stay calls (a compiled replay keeps those of modules with hooks).
 */
export function inline_graph(g: Graph, keep: (call: GraphNode) => boolean = () => false): Graph {
  const flat = new Graph(g.module);
  const top = new Map<Value, Value>();
  const copy = (env: Map<Value, Value>) => (v: Value): Value => {
    const c = new Value(v.type);
    env.set(v, c);
    return c;
  };
  flat.input_template = fill_template(g.input_template, copy(top));
  const attrs = new Map<Tensor, Value>();
  interface Frame { graph: Graph; i: number; env: Map<Value, Value>; prefix: string; scope: string; call: GraphNode | null; outer: Map<Value, Value> | null }
  const stack: Frame[] = [{ graph: g, i: 0, env: top, prefix: '', scope: g.module?._get_name() ?? '', call: null, outer: null }];
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.i >= f.graph.nodes.length) {
      stack.pop();
      if (f.call !== null) {
        const outs = f.call.outputs();
        const inner = f.graph.outputs();
        if (outs.length !== inner.length) throw new Error(`cannot inline ${f.prefix.slice(0, -1)}: a hook changed what its forward returned`);
        outs.forEach((o, k) => f.outer!.set(o, f.env.get(inner[k]!)!));
      }
      continue;
    }
    const node = f.graph.nodes[f.i++]!;
    const w = node.what;
    const map = (v: Value): Value => f.env.get(v)!;
    if (w.kind === 'call' && !keep(node)) {
      const given = node.inputs();
      const params = w.subgraph.inputs();
      if (given.length !== params.length) throw new Error(`cannot inline ${f.prefix}${w.attr}: a hook changed its arguments`);
      const env = new Map<Value, Value>();
      params.forEach((p, k) => env.set(p, map(given[k]!)));
      const scope = `${f.scope === '' ? '' : `${f.scope}/`}${w.module._get_name()}[${w.attr}]`;
      stack.push({ graph: w.subgraph, i: 0, env, prefix: `${f.prefix}${w.attr}.`, scope, call: node, outer: f.env });
    } else if (w.kind === 'attr') {
      // a tensor shared by two modules (tied weights) is one read, named where it is first used
      const t = w.read();
      let v = attrs.get(t);
      if (v === undefined) {
        v = new Value((node.out as Value).type);
        attrs.set(t, v);
        flat.nodes.push(new GraphNode(node.name, { kind: 'attr', module: w.module, attr: f.prefix + w.attr, read: w.read }, [], v, f.scope));
      }
      f.env.set(node.out as Value, v);
    } else {
      const what = w.kind === 'op' && w.named !== null ? { ...w, named: fill_template(w.named, map) as Record<string, Template> } : w;
      flat.nodes.push(new GraphNode(node.name, what, fill_template(node.args, map), fill_template(node.out, copy(f.env)), f.scope));
    }
  }
  flat.output_template = fill_template(g.output_template, (v) => top.get(v)!);
  return flat;
}
