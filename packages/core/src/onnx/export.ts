// torch.onnx.export: trace the model in eval mode, inline its graph, convert each aten op to opset-17 nodes
// and write the ModelProto (a file in Node, or the bytes).
import type * as fs from 'node:fs';
import { no_grad } from '../autograd/grad_mode.js';
import type { DType } from '../dtype.js';
import type { Value } from '../jit/graph.js';
import { in_eval_mode, trace, type TraceableCallable } from '../jit/trace.js';
import { Tensor } from '../tensor.js';
import { OnnxBuilder, OpCall } from './builder.js';
import { NN_OPS } from './ops_nn.js';
import { TENSOR_OPS, type Converter } from './ops_tensor.js';
import { ONNX_DTYPE, onnx_type, tensor_data } from './proto.js';

const CONVERTERS: Record<string, Converter> = { ...TENSOR_OPS, ...NN_OPS };

/** Creation ops that draw random numbers: never folded into constants. */
const RANDOM = new Set(['aten::rand', 'aten::randn', 'aten::randint', 'aten::dropout']);

/** `dynamic_axes` of one input or output: axis → name, or a list of axes (named `<name>_dynamic_axes_<k>`). */
export type DynamicAxes = Record<string, Record<number, string> | readonly number[]>;

/** The keyword arguments of `torch.onnx.export`. */
export interface ExportOptions {
  input_names?: readonly string[];
  output_names?: readonly string[];
  dynamic_axes?: DynamicAxes;
  /** Only 17 is supported. */
  opset_version?: number;
}

/** The ValueInfoProto of a graph input or output: dtype and shape, with dynamic axes named. */
function value_info(name: string, v: Value, dynamic: Record<number, string> | null, with_shape: boolean): Record<string, unknown> {
  const t = v.type!;
  const dims = t.shape.map((s, i) => (dynamic !== null && i in dynamic ? { dim_param: dynamic[i] } : { dim_value: s }));
  return { name, type: { tensor_type: { elem_type: ONNX_DTYPE[t.dtype as DType], ...(with_shape ? { shape: { dim: dims } } : {}) } } };
}

/** `dynamic_axes` of one name as axis → symbol. */
function axes_of(name: string, spec: DynamicAxes[string] | undefined): Record<number, string> | null {
  if (spec === undefined) return null;
  if (Array.isArray(spec)) return Object.fromEntries((spec as readonly number[]).map((a, k) => [a, `${name}_dynamic_axes_${k + 1}`]));
  return spec as Record<number, string>;
}

/** node:fs at call time, so that importing @tsgrad/core touches no file API. */
function node_fs(): typeof fs {
  const get_builtin = typeof process === 'undefined' ? undefined : process.getBuiltinModule;
  if (typeof get_builtin !== 'function') throw new Error('torch.onnx.export to a path needs Node.js >= 20.16; pass null to get the bytes');
  return get_builtin('node:fs');
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

  for (const node of graph.nodes) {
    const w = node.what;
    if (w.kind === 'attr') b.bind(node.out as Value, b.initializer(w.attr, tensor_data(w.read())));
    else if (w.kind === 'const') b.bind(node.out as Value, b.initializer('const_tensor', tensor_data(w.value)));
    else if (w.kind === 'op') {
      const call = new OpCall(node, node.args as unknown[], w.named as Record<string, unknown> | null, node.outputs());
      const convert = CONVERTERS[node.name];
      if (convert !== undefined) convert(b, call);
      else if (node.inputs().length === 0 && !RANDOM.has(node.name)) {
        // a creation op (zeros, arange, …): its result is fixed by the trace, so it is a constant
        const result = (w.fn as (...a: unknown[]) => unknown)(...(node.args as unknown[]));
        const tensors = result instanceof Tensor ? [result] : (result as Tensor[]);
        call.outs.forEach((v, i) => b.bind(v, b.initializer('const_tensor', tensor_data(tensors[i]!))));
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
      input: inputs.map((v, i) => value_info(input_names[i]!, v, axes_of(input_names[i]!, dynamic[input_names[i]!]), true)),
      // an output's static shape holds only when no input dim is dynamic, unless its own axes are named
      output: outputs.map((v, i) => {
        const axes = axes_of(output_names[i]!, dynamic[output_names[i]!]);
        return value_info(output_names[i]!, v, axes, axes !== null || !any_dynamic);
      }),
    },
  };
  const type = onnx_type('ModelProto');
  const encoded = type.encode(type.fromObject(model_proto)).finish();
  // protobufjs hands out a Node Buffer where it can; callers get the plain Uint8Array the API promises
  const bytes = new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  if (f !== null) node_fs().writeFileSync(f, bytes);
  return bytes;
}

