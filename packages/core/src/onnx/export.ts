// torch.onnx.export: trace the model in eval mode, inline its graph, convert each aten op to opset-17 nodes
// and write the ModelProto (a file in Node, or the bytes).
import { node_fs } from '../node_fs.js';
import { no_grad } from '../autograd/grad_mode.js';
import type { DType } from '../dtype.js';
import type { Graph, Value } from '../jit/graph.js';
import { cat } from '../ops/view.js';
import { in_eval_mode, trace, type TraceableCallable } from '../jit/trace.js';
import { Tensor } from '../tensor.js';
import { OnnxBuilder, OpCall, type SymbolicDim } from './builder.js';
import { NN_OPS } from './ops_nn.js';
import { TENSOR_OPS, type Converter } from './ops_tensor.js';
import { INDEX_OPS } from './ops_index.js';
import { REARRANGE_OPS } from './ops_rearrange.js';
import { STATS_OPS } from './ops_stats.js';
import { SUBSCRIPT_OPS } from './ops_subscript.js';
import { ONNX_DTYPE, onnx_type, tensor_data } from './proto.js';

const CONVERTERS: Record<string, Converter> = { ...TENSOR_OPS, ...INDEX_OPS, ...NN_OPS, ...STATS_OPS, ...REARRANGE_OPS, ...SUBSCRIPT_OPS };

/**
 * The converter of an op: its own, else for an in-place form (`exp_`, `index_add_`, …) its functional form's.
 * An in-place op's result is a new value of the traced graph, which every later read uses, and its arguments
 * are the functional form's, so the same ONNX nodes compute it.
 */
function converter_of(name: string): Converter | undefined {
  return CONVERTERS[name] ?? (name.endsWith('_') && !name.endsWith('__') ? CONVERTERS[name.slice(0, -1)] : undefined);
}

/** Creation ops that draw random numbers: never folded into constants. */
const RANDOM = new Set(['aten::rand', 'aten::randn', 'aten::randint', 'aten::dropout']);

/** `dynamic_axes` of one input or output: axis → name, or a list of axes (named `<name>_dynamic_axes_<k>`). */
export type DynamicAxes = Record<string, Record<number, string> | readonly number[]>;

/** The keyword arguments of `torch.onnx.export`. */
export interface ExportOptions {
  /** Names of the graph inputs, in argument order (default: the traced values' names). */
  input_names?: readonly string[];
  /** Names of the graph outputs, in result order. */
  output_names?: readonly string[];
  /** Per input or output name, the axes whose size may change (`{ input: { 0: 'batch' } }` or `{ input: [0] }`). */
  dynamic_axes?: DynamicAxes;
  /** Only 17 is supported. */
  opset_version?: number;
}

/**
 * The ValueInfoProto of a graph input or output: dtype and shape. A dim is named when `dynamic_axes` names it
 * or it follows a dynamic axis (`batch`, `batch*4`); `unknown` leaves the other dims without a value (an
 * output whose dims could not be related to the dynamic axes).
 */
function value_info(name: string, v: Value, named: Record<number, string> | null, symbolic: readonly (number | SymbolicDim)[] | undefined, unknown: boolean): Record<string, unknown> {
  const t = v.type!;
  const dims = t.shape.map((s, i) => {
    if (named !== null && i in named) return { dim_param: named[i] };
    const d = symbolic?.[i];
    if (d !== undefined && typeof d !== 'number') return { dim_param: d.k === 1 ? d.name : `${d.name}*${d.k}` };
    return unknown ? {} : { dim_value: s };
  });
  return { name, type: { tensor_type: { elem_type: ONNX_DTYPE[t.dtype as DType], shape: { dim: dims } } } };
}

/** `dynamic_axes` of one name as axis → symbol. */
function axes_of(name: string, spec: DynamicAxes[string] | undefined): Record<number, string> | null {
  if (spec === undefined) return null;
  if (Array.isArray(spec)) return Object.fromEntries((spec as readonly number[]).map((a, k) => [a, `${name}_dynamic_axes_${k + 1}`]));
  return spec as Record<number, string>;
}

/**
 * Which traced dims follow the dynamic input axes: the model is traced again with every dynamic axis grown by
 * its own prime factor (inputs repeated along it), and a dim that grows by exactly one symbol's factor is `k`
 * times that axis. Needs the same graph both times; otherwise (or for products of symbols) dims stay static.
 */
function find_symbolic_dims(
  b: OnnxBuilder, model: TraceableCallable | ((...args: never) => unknown), args: Tensor | readonly unknown[], graph: Graph, input_names: readonly string[], dynamic: DynamicAxes,
): void {
  const PRIMES = [2, 3, 5, 7, 11, 13];
  const factor = new Map<string, number>();
  const origin = new Map<string, SymbolicDim & { size: number }>();
  const inputs = graph.inputs();
  inputs.forEach((v, i) => {
    const axes = axes_of(input_names[i]!, dynamic[input_names[i]!]);
    if (axes === null) return;
    for (const [a, sym] of Object.entries(axes)) {
      if (!factor.has(sym) && factor.size < PRIMES.length) factor.set(sym, PRIMES[factor.size]!);
      if (!origin.has(sym)) origin.set(sym, { name: sym, input: input_names[i]!, axis: Number(a), k: 1, size: v.type!.shape[Number(a)]! });
    }
  });
  if (factor.size === 0) return;
  let k = 0;
  const grow = (x: unknown): unknown => {
    if (x instanceof Tensor) {
      const axes = axes_of(input_names[k]!, dynamic[input_names[k]!]);
      k++;
      let t = x;
      if (axes !== null) for (const [a, sym] of Object.entries(axes)) t = cat(new Array<Tensor>(factor.get(sym) ?? 1).fill(t), Number(a));
      return t;
    }
    return Array.isArray(x) ? x.map(grow) : x;
  };
  const grown = grow(args instanceof Tensor ? [args] : [...args]) as unknown[];
  let other: Graph;
  try {
    other = in_eval_mode(model, () => no_grad(() => trace(model, grown))).inlined_graph;
  } catch {
    return;
  }
  if (other.nodes.length !== graph.nodes.length || other.nodes.some((n, i) => n.name !== graph.nodes[i]!.name)) return;
  b.traced_twice = true;
  const by_factor = new Map([...factor].map(([sym, p]) => [p, origin.get(sym)!]));
  graph.nodes.forEach((node, i) => {
    const mine = node.outputs();
    const theirs = other.nodes[i]!.outputs();
    mine.forEach((v, j) => {
      const a = v.type?.shape;
      const o = theirs[j]?.type?.shape;
      if (a === undefined || o === undefined || a.length !== o.length) return;
      let any = false;
      const dims = a.map((d, m) => {
        if (o[m] === d) return d;
        const sym = by_factor.get(o[m]! / d);
        if (sym === undefined || d % sym.size !== 0) return d;
        any = true;
        return { name: sym.name, input: sym.input, axis: sym.axis, k: d / sym.size };
      });
      if (any) b.symbolic.set(v, dims);
    });
  });
}


/**
 * PyTorch's `torch.onnx.export(model, args, f, input_names=…, output_names=…, dynamic_axes=…, opset_version=17)`:
 * traces `model` once on `args` in eval mode and writes an ONNX model (opset 17) that onnxruntime runs. `f` is a
 * path (Node), or `null` to get the bytes. Parameters and buffers become initializers named by their
 * state_dict keys. Dims named in `dynamic_axes` are symbolic; reshapes keep dims they copy from their input,
 * so a dynamic batch dim passes through them.
 *
 * @example
 * torch.onnx.export(net, [torch.randn([1, 1, 28, 28])], 'simple_net.onnx', {
 *   input_names: ['input'], output_names: ['logits'], dynamic_axes: { input: { 0: 'batch' }, logits: { 0: 'batch' } }, opset_version: 17,
 * });
 */
export function export_onnx(
  model: TraceableCallable | ((...args: never) => unknown), args: Tensor | readonly unknown[], f: string | null, options: ExportOptions = {},
): Uint8Array {
  const opset = options.opset_version ?? 17;
  if (opset !== 17) throw new Error(`tsgrad exports ONNX opset 17 only, but opset_version=${opset} was asked for`);
  const traced = in_eval_mode(model, () => no_grad(() => trace(model, args)));
  const graph = traced.inlined_graph;
  graph.name_values();
  const b = new OnnxBuilder();
  const inputs = graph.inputs();
  const outputs = graph.outputs();
  const input_names = inputs.map((v, i) => options.input_names?.[i] ?? v.debug_name);
  const output_names = outputs.map((v, i) => options.output_names?.[i] ?? v.debug_name);
  for (const n of [...input_names, ...output_names]) b.fresh(n);
  const dynamic = options.dynamic_axes ?? {};
  for (const key of Object.keys(dynamic)) {
    if (!input_names.includes(key) && !output_names.includes(key)) throw new Error(`Provided key ${key} for dynamic axes is not a valid input/output name`);
  }
  inputs.forEach((v, i) => b.bind(v, input_names[i]!));
  find_symbolic_dims(b, model, args, graph, input_names, dynamic);

  for (const node of graph.nodes) {
    const w = node.what;
    if (w.kind === 'attr') b.bind(node.out as Value, b.initializer(w.attr, tensor_data(w.read())));
    else if (w.kind === 'const') b.bind(node.out as Value, b.initializer('const_tensor', tensor_data(w.value)));
    else if (w.kind === 'op') {
      const call = new OpCall(node, node.args as unknown[], w.named as Record<string, unknown> | null, node.outputs());
      const convert = converter_of(node.name);
      if (convert !== undefined) convert(b, call);
      else if (node.inputs().length === 0 && !RANDOM.has(node.name)) {
        // a creation op (zeros, arange, …): its result is fixed by the trace, so it is a constant; a uniform
        // one whose shape follows a dynamic axis is filled to that shape at run time
        const result = (w.fn as (...a: unknown[]) => unknown)(...(node.args as unknown[]));
        const tensors = result instanceof Tensor ? [result] : (result as Tensor[]);
        call.outs.forEach((v, i) => {
          const data = tensor_data(tensors[i]!);
          const first = data.values[0] ?? 0;
          const uniform = Array.prototype.every.call(data.values, (x: number) => x === first);
          if (b.symbolic.has(v) && uniform) {
            b.emit(v, 'ConstantOfShape', [b.shape_of(v)], { value: { t: { dtype: data.dtype, shape: [1], values: [first] } } });
          } else b.bind(v, b.initializer('const_tensor', data));
        });
      } else throw new Error(`Exporting the operator '${node.name}' to ONNX opset version ${opset} is not supported.`);
    } else throw new Error('torch.onnx.export: a module call survived inlining');
  }

  const nodes = b.nodes;
  outputs.forEach((v, i) => nodes.push({ name: `/Identity_output_${i}`, op_type: 'Identity', input: [b.name(v)], output: [output_names[i]!] }));
  const any_dynamic = Object.keys(dynamic).length > 0;
  const model_proto = {
    ir_version: 8,
    opset_import: [{ domain: '', version: opset }],
    producer_name: 'tsgrad',
    producer_version: '0.1.0',
    graph: {
      name: 'main_graph',
      node: nodes,
      initializer: b.initializers,
      input: inputs.map((v, i) => value_info(input_names[i]!, v, axes_of(input_names[i]!, dynamic[input_names[i]!]), undefined, false)),
      // with dynamic inputs, an output's traced dims hold where the second trace showed them fixed
      output: outputs.map((v, i) => value_info(output_names[i]!, v, axes_of(output_names[i]!, dynamic[output_names[i]!]), b.symbolic.get(v), any_dynamic && !b.traced_twice)),
    },
  };
  const type = onnx_type('ModelProto');
  const encoded = type.encode(type.fromObject(model_proto)).finish();
  // protobufjs hands out a Node Buffer where it can; callers get the plain Uint8Array the API promises
  const bytes = new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  if (f !== null) node_fs('torch.onnx.export to a path', 'pass null to get the bytes').writeFileSync(f, bytes);
  return bytes;
}

