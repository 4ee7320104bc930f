// A traced graph: values, nodes (aten ops, module calls, attribute reads, constants) and TorchScript-like printing.
import { scalar_type_name, type DType } from '../dtype.js';
import { is_plain_object } from '../signature.js';
import { Tensor } from '../tensor.js';

/** What a traced value looked like when it was recorded (tensors only; `null` for an untyped module output). */
export interface TensorType {
  /** The tensor's dtype. */
  dtype: DType;
  /** Its shape. */
  shape: readonly number[];
  /** Its strides. */
  strides: readonly number[];
  /** Whether it required grad. */
  requires_grad: boolean;
}

/**
 * One SSA value of a graph: a graph input, a node output, a parameter/buffer read or a constant.
 *
 * @example
 * const [x] = torch.jit.trace(net, [input]).graph.inputs();
 * x.type_str(); // 'Float(1, 1, 28, 28, strides=[784, 784, 28, 1], requires_grad=0, device=cpu)'
 */
export class Value {
  /** The name printed after `%`, unique within its graph. */
  debug_name = '';
  /** A value of type `type`; its `debug_name` is given when the graph is printed. */
  constructor(
    /** The tensor's type when traced; `null` where TorchScript prints plain `Tensor` (module call outputs). */
    readonly type: TensorType | null,
  ) {}

  /** TorchScript's type text, e.g. `Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu)`. */
  type_str(): string {
    const t = this.type;
    if (t === null) return 'Tensor';
    return `${scalar_type_name(t.dtype)}(${t.shape.map((s) => `${s}, `).join('')}strides=[${t.strides.join(', ')}], requires_grad=${t.requires_grad ? 1 : 0}, device=cpu)`;
  }
}

/** The type of `t` at this moment. */
export function type_of(t: Tensor): TensorType {
  return { dtype: t._dtype, shape: [...t.shape], strides: [...t.stride()], requires_grad: t.requires_grad };
}

/**
 * An argument list, option object or output as it was traced, with each Tensor replaced by its `Value`
 * (arrays and plain objects are walked; numbers, strings, `null` and other objects are kept as they were).
 */
export type Template = unknown;

/** The values in a template, in order (arrays by index, option objects by key). */
export function template_values(tpl: Template, into: Value[] = []): Value[] {
  if (tpl instanceof Value) into.push(tpl);
  else if (Array.isArray(tpl)) for (const v of tpl) template_values(v, into);
  else if (is_plain_object(tpl)) for (const v of Object.values(tpl)) template_values(v, into);
  return into;
}

/** The tensors in an argument structure, in the order `template_values` lists their values. */
export function tensors_in(x: unknown, into: Tensor[] = []): Tensor[] {
  if (x instanceof Tensor) into.push(x);
  else if (Array.isArray(x)) for (const v of x) tensors_in(v, into);
  else if (is_plain_object(x)) for (const v of Object.values(x)) tensors_in(v, into);
  return into;
}

/** `tpl` with every Value replaced by `f(value)`: how a recorded call is rebuilt for a replay. */
export function fill_template(tpl: Template, f: (v: Value) => unknown): unknown {
  if (tpl instanceof Value) return f(tpl);
  if (Array.isArray(tpl)) return tpl.map((v) => fill_template(v, f));
  if (is_plain_object(tpl)) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tpl)) o[k] = fill_template(v, f);
    return o;
  }
  return tpl;
}

/** The module a call node or a graph belongs to, as the tracer sees it (an nn.Module in practice). */
export interface TracedModuleRef {
  /** The class name PyTorch prints (`Conv2d`), as `nn.Module._get_name()`. */
  _get_name(): string;
}

/** What one node does. */
export type NodeKind =
  | {
    /** An op call (`aten::…`). */
    kind: 'op';
    /** The op function, called again on replay. */
    fn: (...args: never) => unknown;
    /** The op's arguments by name, as its signature parsed them (for printing), or null. */
    named: Record<string, Template> | null;
  }
  | {
    /** A submodule call (`prim::CallMethod`). */
    kind: 'call';
    /** The module called. */
    module: TracedModuleRef;
    /** Its attribute name in the caller. */
    attr: string;
    /** What its forward did. */
    subgraph: Graph;
    /** Runs the module's hooks around a forward on replay. */
    dispatch: ModuleDispatch;
    /** Whether the module has no hook now (no own and no global ones); absent: assume it has some. */
    hookless?: () => boolean;
  }
  | {
    /** A parameter or buffer read (`prim::GetAttr`). */
    kind: 'attr';
    /** The module owning it. */
    module: TracedModuleRef;
    /** Its name. */
    attr: string;
    /** Reads its current tensor (replay sees updated weights). */
    read: () => Tensor;
  }
  | {
    /** A tensor constant captured by the trace (`prim::Constant`). */
    kind: 'const';
    /** The constant. */
    value: Tensor;
  };

/**
 * Runs `module`'s hooks around `forward` (PyTorch's `_call_impl` with the module's forward swapped for the
 * traced one): how a traced call keeps firing the hooks registered on the original modules.
 */
export type ModuleDispatch = (args: unknown[], kwargs: Record<string, unknown>, forward: (args: unknown[], kwargs: Record<string, unknown>) => unknown) => unknown;

/**
 * One recorded step: an aten op, a submodule call, a parameter/buffer read or a constant.
 *
 * @example
 * torch.jit.trace((x: Tensor) => x.relu(), [x]).graph.nodes.map((n) => n.name); // ['aten::relu']
 */
export class GraphNode {
  /** A node named `name` doing `what` on `args`, producing `out`. */
  constructor(
    /** `aten::relu`, `prim::CallMethod`, `prim::GetAttr`, `prim::Constant`. */
    readonly name: string,
    /** What the node does, and what replay needs to do it again. */
    readonly what: NodeKind,
    /** The arguments as called: positional arguments, then (for module calls) the keyword arguments object. */
    readonly args: Template,
    /** The result as returned, with its tensors as this node's output values. */
    readonly out: Template,
    /** In an inlined graph, the module path the node ran in, as PyTorch's scope names (`Net/Conv2d[conv1]`). */
    readonly scope = '',
  ) {}

  /** The values this node reads, in argument order. */
  inputs(): Value[] {
    return template_values(this.args);
  }

  /** The values this node defines. */
  outputs(): Value[] {
    return template_values(this.out);
  }
}

/** Python's literal for an attribute value, as TorchScript prints constants. */
function literal(v: unknown): string {
  if (v instanceof Value) return `%${v.debug_name}`;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (is_plain_object(v)) return `{${Object.entries(v).map(([k, x]) => `${k}=${literal(x)}`).join(', ')}}`;
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
  return `<${ctor ?? typeof v}>`;
}

/**
 * A node's arguments as printed: positional literals, then an option object's entries as `name=value`.
 *
 * @example
 * args_text([x_value, 2, { stride: 2 }]); // '%x, 2, stride=2'
 */
export function args_text(args: Template): string {
  const list = Array.isArray(args) ? [...args] : [args];
  while (list.length > 0 && list[list.length - 1] === undefined) list.pop();
  const last = list[list.length - 1];
  const parts = list.slice(0, is_plain_object(last) ? -1 : undefined).map(literal);
  if (is_plain_object(last)) for (const [k, v] of Object.entries(last)) if (v !== undefined) parts.push(`${k}=${literal(v)}`);
  return parts.join(', ');
}

/**
 * A traced computation: its inputs (after `self` for a module's graph), nodes in execution order and
 * outputs. `String(graph)` prints it one node a line, as TorchScript's `print(traced.graph)`.
 *
 * @example
 * const traced = torch.jit.trace(net, [x]);
 * console.log(String(traced.graph));
 */
export class Graph {
  /** The recorded steps, in execution order. */
  readonly nodes: GraphNode[] = [];
  /** The graph's inputs as the forward received them (positional arguments, then a keyword object). */
  input_template: Template = [];
  /** The forward's result with its tensors as values. */
  output_template: Template = null;

  /** An empty graph of `module`'s forward (or of a traced function); the tracer fills it. */
  constructor(
    /** The module whose forward this is, or `null` for a traced function. */
    readonly module: TracedModuleRef | null,
  ) {}

  /** The tensor inputs, in argument order. */
  inputs(): Value[] {
    return template_values(this.input_template);
  }

  /** The tensor outputs, in result order. */
  outputs(): Value[] {
    return template_values(this.output_template);
  }

  /** Gives every value a name unique in this graph: inputs `input.N`, attributes their name, the rest numbers. */
  name_values(): void {
    const used = new Set<string>(['self']);
    const take = (v: Value, base: string): void => {
      let name = base;
      for (let k = 1; used.has(name); k++) name = `${base}.${k}`;
      used.add(name);
      v.debug_name = name;
    };
    const inputs = this.inputs();
    inputs.forEach((v, i) => take(v, inputs.length === 1 ? 'input' : `input.${i + 1}`));
    let n = 0;
    for (const node of this.nodes) {
      for (const v of node.outputs()) {
        if (node.what.kind === 'attr') take(v, node.what.attr.replace(/\./g, '_'));
        else take(v, String(++n));
      }
    }
  }

  /** TorchScript's printed graph: a `graph(...)` header with the typed inputs, one node a line, `return (...)`. */
  toString(): string {
    this.name_values();
    const head = this.module === null ? [] : [`%self : __torch__.${this.module._get_name()}`];
    const params = [...head, ...this.inputs().map((v) => `%${v.debug_name} : ${v.type_str()}`)];
    const lines = [`graph(${params.join(',\n      ')}):`];
    for (const node of this.nodes) {
      const outs = node.outputs();
      const lhs = outs.length === 0 ? '' : `${outs.map((v) => `%${v.debug_name} : ${v.type_str()}`).join(', ')} = `;
      const w = node.what;
      let rhs: string;
      if (w.kind === 'op') rhs = `${node.name}(${args_text(node.args)})`;
      else if (w.kind === 'attr') rhs = `prim::GetAttr[name="${w.attr}"](%self)`;
      else if (w.kind === 'const') rhs = 'prim::Constant[value=<Tensor>]()';
      else {
        const a = args_text(node.args);
        rhs = `prim::CallMethod[name="forward"](%self.${w.attr}${a === '' ? '' : `, ${a}`})`;
      }
      lines.push(`  ${lhs}${rhs}`);
    }
    const ret = this.outputs();
    lines.push(`  return (${ret.map((v) => `%${v.debug_name}`).join(', ')})`);
    return lines.join('\n') + '\n';
  }
}
