// add_graph's GraphDef: a model traced in eval mode, its inlined ops as NodeDefs named by module scope
// (`SimpleNet/Conv2d[conv1]/3`), inputs and outputs as `IO Node`s, each with its output shapes.
import { jit, no_grad, type Tensor } from '@tsgrad/core';
import { GRAPH_DEF } from './proto.js';

/** The model `add_graph` traces: an nn.Module. */
export type GraphModel = jit.TraceableCallable;

type AttrValue = { list: { shape: { dim: { size: number }[] }[] } } | { s: Uint8Array };

interface NodeDef {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, AttrValue>;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** `_output_shapes` as PyTorch's exporter writes it: one TensorShapeProto per output. */
function shapes_attr(values: readonly jit.Value[]): AttrValue {
  return { list: { shape: values.map((v) => ({ dim: (v.type?.shape ?? []).map((size) => ({ size })) })) } };
}

/**
 * The serialized `GraphDef` of one traced call of `model` on `inputs`, as PyTorch's `add_graph` builds it
 * (TorchScript graph → NodeDefs with scope names, `IO Node` inputs and outputs, `_output_shapes` and the
 * op's attributes as text). Returns it with the traced graph, for `verbose` printing.
 */
export function graph_def(model: GraphModel, inputs: readonly unknown[]): { bytes: Uint8Array; graph: jit.Graph } {
  const traced = jit._in_eval_mode(model, () => no_grad(() => jit.trace(model, inputs as Tensor[])));
  const g = traced.inlined_graph;
  g.name_values();
  const producer = new Map<jit.Value, string>();
  const nodes: NodeDef[] = [];
  for (const v of g.inputs()) {
    const name = `input/${v.debug_name}`;
    producer.set(v, name);
    nodes.push({ name, op: 'IO Node', input: [], attr: { _output_shapes: shapes_attr([v]) } });
  }
  for (const node of g.nodes) {
    const outs = node.outputs();
    const w = node.what;
    const label = w.kind === 'attr' ? w.attr : outs[0]?.debug_name ?? node.name;
    const name = node.scope === '' ? label : `${node.scope}/${label}`;
    outs.forEach((v, i) => producer.set(v, i === 0 ? name : `${name}:${i}`));
    const attr: Record<string, AttrValue> = { _output_shapes: shapes_attr(outs) };
    if (w.kind === 'op') attr['attr'] = { s: utf8(`{${jit._args_text(node.args)}}`) };
    nodes.push({ name, op: node.name, input: node.inputs().map((v) => producer.get(v)!), attr });
  }
  g.outputs().forEach((v, i) => {
    nodes.push({ name: `output/output.${i + 1}`, op: 'IO Node', input: [producer.get(v)!], attr: { _output_shapes: shapes_attr([v]) } });
  });
  const bytes = GRAPH_DEF.encode(GRAPH_DEF.fromObject({ node: nodes, versions: { producer: 22 } })).finish();
  return { bytes, graph: traced.graph };
}
