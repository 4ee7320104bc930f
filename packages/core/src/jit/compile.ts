// Compiled replay of a traced graph for inference: module calls inlined (except modules with hooks), constants
// folded once, eval batch norms folded into their convolutions, elementwise chains fused into generated loops
// whose outputs live in buffers planned once per input shape.
import { no_grad } from '../autograd/grad_mode.js';
import type { TypedArray } from '../dtype.js';
import { numel_of } from '../shape.js';
import { Storage, Tensor } from '../tensor.js';
import type { Slots, Step } from './compiled_ops.js';
import { channel_affine, elementwise_of, fused_kernel, type Elementwise, type FusedKernel, type FusedMember, type OperandLayout } from './fusion.js';
import { fill_template, GraphNode, tensors_in, type_of, Value, type Graph, type Template } from './graph.js';
import { kernel_op, relu_in_place, type KernelOp } from './kernel_ops.js';
import { bind, inline_graph, run_graph, run_node } from './tracer.js';

/** Ops that draw random numbers (or leave memory unset): never folded, whatever their inputs. */
const IMPURE = /rand|dropout|bernoulli|normal|multinomial|uniform|exponential|poisson|empty|fractional/;
/** Plans kept per compiled graph (input shapes × hook configurations). */
const MAX_PLANS = 8;
/** A plan whose constants change this many times in a row stops compiling: replay runs eagerly instead. */
const MAX_REBUILDS = 3;

/**
 * What a compiled plan runs, in figures (see `TracedModule.last_plan`).
 *
 * @example
 * torch.no_grad(() => traced.call(x));
 * traced.last_plan?.fusion_groups; // 8 for ResNet-18
 */
export interface PlanStats {
  /** Steps run per call (fused chains, compiled ops, kernels, eager ops, hooked calls). */
  steps: number;
  /** Fused elementwise chains (`prim::FusionGroup`). */
  fusion_groups: number;
  /** Values folded as constants (parameters, buffers and what is computed from them alone). */
  folded_constants: number;
  /** Batch norms folded into the weight and bias of the convolution before them. */
  folded_batch_norms: number;
  /** Distinct buffers planned once (reused across calls and by results whose lives do not overlap). */
  planned_buffers: number;
  /** Results that live in those buffers. */
  planned_results: number;
  /** Ops run as the backend's kernels straight into the plan's memory (convolutions, linear layers, pooling, attention, layer norm). */
  kernels: number;
  /** ReLUs applied by the kernel step before them (a convolution's or linear layer's epilogue). */
  epilogues: number;
  /** Hooked module calls, each running through its hooks with its own compiled forward. */
  hooked_calls: number;
}

let last_executed: string | null = null;

/**
 * PyTorch's `torch.jit.last_executed_optimized_graph()`: the plan the last traced call ran compiled (as
 * `graph_for` prints it), or null when that call ran eagerly (its first call on a shape compiles while it runs
 * eagerly, a call needing grad records autograd).
 *
 * @example
 * torch.no_grad(() => traced.call(x));
 * torch.jit.last_executed_optimized_graph(); // 'folded constants: 8, …'
 */
export function last_executed_optimized_graph(): string | null {
  return last_executed;
}

/** Records what the last traced call ran (a plan's text, or null for an eager run). */
export function note_execution(text: string | null): void {
  last_executed = text;
}

/** A parameter or buffer read folded as a constant, and what it was: a change invalidates the plan. */
interface Snapshot {
  read: () => Tensor;
  tensor: Tensor;
  data: TypedArray;
  version: number;
}


/**
 * Replays one graph compiled: one plan per input layout and set of hooked modules, each built on its first
 * call (which runs eagerly and records what every value is) and reused while the folded parameters are
 * unchanged. A call made while one runs (a hook calling the traced model) replays eagerly.
 */
export class GraphCompiler {
  private readonly plans = new Map<string, Plan | null>();
  private readonly rebuilds = new Map<string, number>();
  private readonly subs = new Map<Graph, GraphCompiler>();
  private running = false;
  /** The plan the last call ran, or null when it ran eagerly (or compiled while running eagerly). */
  last: { text: string; stats: PlanStats } | null = null;
  /** A compiler of `graph` (a traced module's top graph or a hooked submodule's forward). */
  constructor(readonly graph: Graph) {}

  /** The compiler of a kept module call's forward. */
  sub(g: Graph): GraphCompiler {
    let c = this.subs.get(g);
    if (c === undefined) this.subs.set(g, (c = new GraphCompiler(g)));
    return c;
  }

  /** The plan's text for `inputs` (compiled by a call on them first if need be); null when replay runs eagerly. */
  plan_text(inputs: unknown[]): string | null {
    let plan = this.plans.get(this.key(inputs)[0]);
    if (plan === undefined) {
      this.run(inputs);
      plan = this.plans.get(this.key(inputs)[0]);
    }
    return plan?.text ?? null;
  }

  /** The plan key of a call (input layouts and hooked modules) and the hooked calls. */
  private key(inputs: unknown[]): [string, Set<GraphNode>] {
    const hooked = hooked_calls(this.graph);
    return [`${[...hooked].map(call_id).join(',')}|${tensors_in(inputs).map(layout_key).join(';')}`, hooked];
  }

  /** Runs the graph on `inputs` (its input structure). */
  run(inputs: unknown[]): unknown {
    this.last = null;
    if (this.running) return run_graph(this.graph, inputs);
    const [key, hooked] = this.key(inputs);
    let plan = this.plans.get(key);
    if (plan === null) return run_graph(this.graph, inputs);
    this.running = true;
    try {
      if (plan !== undefined && plan.valid()) {
        this.rebuilds.set(key, 0);
        const out = plan.run(inputs);
        this.last = plan;
        return out;
      }
      const n = (this.rebuilds.get(key) ?? -1) + 1;
      this.rebuilds.set(key, n);
      if (n >= MAX_REBUILDS) {
        this.plans.set(key, null);
        return run_graph(this.graph, inputs);
      }
      if (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
      plan = new Plan(inline_graph(this.graph, (node) => hooked.has(node)), this);
      this.plans.set(key, plan);
      return plan.first(inputs);
    } finally {
      this.running = false;
    }
  }
}

const call_ids = new WeakMap<GraphNode, number>();
let next_call_id = 0;
/** A number naming a module call node, for plan keys. */
function call_id(node: GraphNode): number {
  let id = call_ids.get(node);
  if (id === undefined) call_ids.set(node, (id = next_call_id++));
  return id;
}

const layout_key = (t: Tensor): string => `${t._dtype}[${t.shape.join(',')}]/${t._strides.join(',')}`;

/** The module calls of `g` (nested through calls without hooks) whose module has hooks now. Walked iteratively. */
function hooked_calls(g: Graph): Set<GraphNode> {
  const out = new Set<GraphNode>();
  const stack: Graph[] = [g];
  while (stack.length > 0) {
    for (const node of stack.pop()!.nodes) {
      const w = node.what;
      if (w.kind !== 'call') continue;
      if (w.hookless === undefined || !w.hookless()) out.add(node);
      else stack.push(w.subgraph);
    }
  }
  return out;
}

/** A fused chain: its members in order (the last is the root, whose value the chain produces), its epoch. */
interface Group {
  members: number[];
  shape: number[];
  epoch: number;
}

/**
 * One compiled form of a flat graph: built from an eager run of the first call, then run as a list of steps
 * over numbered slots.
 */
class Plan {
  private readonly snapshots: Snapshot[] = [];
  private steps: Step[] = [];
  private consts: Slots = [];
  private slot = new Map<Value, number>();
  private bind_inputs: (s: Slots, inputs: unknown[]) => void = () => undefined;
  private outputs: (s: Slots) => unknown = () => null;
  /** What the plan runs, one step a line (see `TracedModule.graph_for`). */
  text = '';
  /** The same in figures. */
  stats: PlanStats = { steps: 0, fusion_groups: 0, folded_constants: 0, folded_batch_norms: 0, planned_buffers: 0, planned_results: 0, kernels: 0, epilogues: 0, hooked_calls: 0 };

  constructor(
    private readonly flat: Graph,
    private readonly owner: GraphCompiler,
  ) {}

  /** Whether every folded parameter and buffer is the tensor it was, unchanged. */
  valid(): boolean {
    for (const s of this.snapshots) {
      const t = s.read();
      if (t !== s.tensor || t._storage.data !== s.data || t._storage.version !== s.version) return false;
    }
    return true;
  }

  /** Runs the compiled steps. */
  run(inputs: unknown[]): unknown {
    const s = this.consts.slice();
    this.bind_inputs(s, inputs);
    return no_grad(() => {
      for (const step of this.steps) step(s);
      return this.outputs(s);
    });
  }

  /** The first call: runs the flat graph eagerly, recording every value, then compiles from what it saw. */
  first(inputs: unknown[]): unknown {
    const env = new Map<Value, unknown>();
    const g = this.flat;
    bind(g.input_template, inputs, env, g.module === null ? 'traced function' : `traced ${g.module._get_name()}`);
    const result = no_grad(() => {
      for (const node of g.nodes) run_node(node, env, (sub, a) => this.owner.sub(sub).run(a));
      return fill_template(g.output_template, (v) => env.get(v));
    });
    no_grad(() => this.build(env));
    return result;
  }

  /** Folds, fuses and plans from the recorded values. */
  private build(env: Map<Value, unknown>): void {
    const g = this.flat;
    const nodes: (GraphNode | null)[] = [...g.nodes];
    const N = nodes.length;
    const tensor = (v: Value): Tensor | null => {
      const t = env.get(v);
      return t instanceof Tensor ? t : null;
    };
    const inputs = new Set(g.inputs());

    // renames: ops that returned an input itself untouched (dropout in eval, contiguous of a contiguous tensor)
    const rename = new Map<Value, Value>();
    const canon = (v: Value): Value => {
      let c = v;
      while (rename.has(c)) c = rename.get(c)!;
      return c;
    };
    nodes.forEach((node, i) => {
      if (node === null || !identity_when_same(node)) return;
      const out = node.out;
      if (!(out instanceof Value)) return;
      const t = env.get(out);
      const same = node.inputs().find((v) => env.get(v) === t);
      if (same !== undefined) {
        rename.set(out, same);
        nodes[i] = null;
      }
    });
    const remap = (tpl: Template): Template => fill_template(tpl, canon);
    const args_of = (node: GraphNode): Value[] => node.inputs().map(canon);

    // constants: parameter and buffer reads, captured tensors, and pure ops of constants
    const constant = new Set<Value>();
    const sharing = new Map<Storage, Value[]>();
    for (const [v, t] of env) {
      if (!(t instanceof Tensor) || rename.has(v)) continue;
      let list = sharing.get(t._storage);
      if (list === undefined) sharing.set(t._storage, (list = []));
      list.push(v);
    }
    const fold = (): void => {
      constant.clear();
      for (const node of nodes) {
        if (node === null) continue;
        const w = node.what;
        const ins = args_of(node);
        const pure = w.kind === 'attr' || w.kind === 'const' || (w.kind === 'op' && !IMPURE.test(node.name) && ins.every((v) => constant.has(v)));
        if (pure && !unfolded.has(node)) for (const v of node.outputs()) constant.add(v);
      }
    };
    // an in-place op run on every call must not write into a folded constant: what it writes stays unfolded
    const unfolded = new Set<GraphNode>();
    for (let changed = true; changed;) {
      changed = false;
      fold();
      for (const node of nodes) {
        if (node === null || is_folded(node, constant)) continue;
        for (const st of written(node).map((w) => tensor(canon(w))?._storage ?? null)) for (const v of (st === null ? null : sharing.get(st)) ?? []) {
          const producer = nodes.find((n) => n !== null && n.outputs().includes(v));
          if (producer !== undefined && producer !== null && constant.has(v) && !unfolded.has(producer)) {
            unfolded.add(producer);
            changed = true;
          }
        }
      }
    }

    // uses (node indices reading each value, N for the graph's outputs) and the memory someone else sees:
    // graph inputs and outputs, hook arguments, constants; counted again once batch norms are folded
    const uses = new Map<Value, number[]>();
    const escaping = new Set<Storage>();
    let outputs: Value[] = [];
    const storage_of = (v: Value): Storage | null => tensor(v)?._storage ?? null;
    const analyse = (): void => {
      uses.clear();
      escaping.clear();
      const use = (v: Value, i: number): void => {
        const list = uses.get(v);
        if (list === undefined) uses.set(v, [i]);
        else list.push(i);
      };
      nodes.forEach((node, i) => {
        if (node !== null && !is_folded(node, constant)) for (const v of args_of(node)) use(v, i);
      });
      outputs = g.outputs().map(canon);
      for (const v of outputs) use(v, N);
      const escape = (v: Value): void => {
        const st = storage_of(v);
        if (st !== null) escaping.add(st);
      };
      for (const v of [...inputs, ...outputs, ...constant]) escape(v);
      nodes.forEach((node) => {
        if (node !== null && node.what.kind === 'call') for (const v of args_of(node)) escape(v);
      });
    };
    analyse();
    const private_value = (v: Value): boolean => {
      const st = storage_of(v);
      return st !== null && !escaping.has(st);
    };

    // eval batch norm right after a convolution: folded into its weight and bias
    const extra = new Map<Value, Tensor>();
    const conv_args = new Map<number, Template>();
    const affine = new Map<number, Elementwise>();
    nodes.forEach((node, i) => {
      const bn = node === null ? null : batch_norm_constants(node, canon, constant, env);
      if (bn === null) return;
      const x = bn.input;
      const producer = nodes.findIndex((n) => n !== null && n.outputs().includes(x));
      const conv = producer < 0 ? null : nodes[producer]!;
      const named = conv?.what.kind === 'op' ? conv.what.named : null;
      if (conv !== null && conv.name === 'aten::conv2d' && named !== null && uses.get(x)?.length === 1 && private_value(x) && !conv_args.has(producer)) {
        const w = canon(named.weight as Value);
        const b = named.bias instanceof Value ? canon(named.bias) : null;
        if (constant.has(w) && (b === null || constant.has(b))) {
          const O = tensor(w)!.shape[0]!;
          const wf = tensor(w)!.mul(bn.scale.view([O, 1, 1, 1]));
          const bf = b === null ? bn.shift : tensor(b)!.mul(bn.scale).add(bn.shift);
          const [wv, bv] = [new Value(type_of(wf)), new Value(type_of(bf))];
          extra.set(wv, wf);
          extra.set(bv, bf);
          conv_args.set(producer, [canon(named.input as Value), wv, bv, named.stride, named.padding, named.dilation, named.groups]);
          rename.set(node!.out as Value, x);
          nodes[i] = null;
          return;
        }
      }
      const C = bn.scale.shape[0]!;
      const nd = tensor(x)?.ndim ?? 2;
      const shape = [C, ...Array<number>(Math.max(0, nd - 2)).fill(1)];
      affine.set(i, channel_affine(x, bn.scale.view(shape), bn.shift.view(shape)));
    });
    if (conv_args.size > 0) {
      // a folded batch norm's output is its convolution's now: it no longer shares the memory it had
      for (const [st, list] of sharing) sharing.set(st, list.filter((v) => !rename.has(v)));
      analyse();
    }

    // kernels: ops the backend computes into memory the plan gives; a ReLU alone reading one's private result
    // is applied by the same step (its epilogue), its result the kernel's
    const kernel_of = new Map<number, { op: KernelOp; relu: GraphNode | null }>();
    const lookup = (v: Value): Tensor | null => extra.get(v) ?? tensor(canon(v));
    nodes.forEach((node, i) => {
      if (node === null || is_folded(node, constant)) return;
      const op = kernel_op(node, lookup, (conv_args.get(i) as Template[] | undefined) ?? null);
      if (op === null) return;
      let relu: GraphNode | null = null;
      const out = node.out as Value;
      const readers = uses.get(out) ?? [];
      const r = readers.length === 1 && readers[0] !== N ? nodes[readers[0]!]! : null;
      if (op.takes_relu && r !== null && (r.name === 'aten::relu' || r.name === 'aten::relu_') && r.out instanceof Value && private_value(out)) {
        relu = r;
        rename.set(r.out, out);
        nodes[readers[0]!] = null;
      }
      kernel_of.set(i, { op: { ...op, reads: op.reads.map(canon) }, relu });
    });
    if ([...kernel_of.values()].some((k) => k.relu !== null)) {
      // an epilogue ReLU's output is its kernel's now, likewise
      for (const [st, list] of sharing) sharing.set(st, list.filter((v) => !rename.has(v)));
      analyse();
    }

    // fusion: each elementwise op joins the chains whose results only it reads
    const group_of = new Map<number, Group>();
    let epoch = 0;
    const float32 = (v: Value): boolean => tensor(v)?._dtype === 'float32';
    nodes.forEach((node, i) => {
      if (node === null || is_folded(node, constant)) return;
      const ew = affine.get(i) ?? elementwise_of(node);
      const out = node.out;
      const ot = out instanceof Value ? tensor(out) : null;
      const ok = ew !== null && ot !== null && ot._dtype === 'float32' &&
        ew.operands.every((o) => (o instanceof Value ? float32(canon(o)) && same_or_broadcast(tensor(canon(o))!.shape, ot.shape) : o._dtype === 'float32')) &&
        (!node.name.endsWith('_') || inplace_functional(node, i, canon, sharing, storage_of, private_value, nodes, uses));
      if (!ok) {
        // whatever it does (an in-place write, a hook), open chains may not cross it
        if (written(node).length > 0 || node.what.kind === 'call') epoch++;
        return;
      }
      affine.set(i, ew);
      const members: number[] = [];
      for (const o of ew.operands) {
        if (!(o instanceof Value)) continue;
        const v = canon(o);
        const p = nodes.findIndex((n) => n !== null && n.out === v);
        const grp = p < 0 ? undefined : group_of.get(p);
        if (grp === undefined || grp.epoch !== epoch || members.includes(grp.members[0]!)) continue;
        const readers = uses.get(v) ?? [];
        if (readers.some((r) => r !== i) || !private_value(v) || !shape_equal(grp.shape, ot.shape)) continue;
        members.push(...grp.members);
      }
      members.sort((a, b) => a - b);
      members.push(i);
      const grp: Group = { members, shape: [...ot.shape], epoch };
      for (const m of members) group_of.set(m, grp);
    });
    // a lone op is no fusion: its eager kernel (SIMD where the backend has one) runs it; a batch norm's scale
    // and shift is the exception, one pass where the eager op makes several
    // (an in-place one only where no chain spanning it reads the memory it writes)
    const spans_read = (i: number): boolean => {
      const st = storage_of(canon(nodes[i]!.inputs()[0]!));
      const over = new Set(st === null ? [] : (sharing.get(st) ?? []));
      return [...group_of.values()].some((g) => g.members[0]! < i && g.members[g.members.length - 1]! > i &&
        g.members.some((m) => affine.get(m)!.operands.some((o) => o instanceof Value && over.has(canon(o)))));
    };
    for (const [i, grp] of group_of) {
      if (grp.members.length === 1 && nodes[i]!.name !== 'aten::batch_norm' && !(written(nodes[i]!).length > 0 && spans_read(i))) group_of.delete(i);
    }

    // when each value is last read: a chain reads its operands when its root runs
    const time = (i: number): number => {
      const grp = group_of.get(i);
      return grp === undefined ? i : grp.members[grp.members.length - 1]!;
    };
    const last = new Map<Value, number>();
    for (const [v, list] of uses) last.set(v, Math.max(...list.map((i) => (i === N ? N : time(i)))));

    // slots
    const slot = this.slot;
    const slot_of = (v: Value): number => {
      const c = canon(v);
      let k = slot.get(c);
      if (k === undefined) slot.set(c, (k = slot.size));
      return k;
    };
    const consts: Slots = [];
    for (const v of constant) consts[slot_of(v)] = env.get(v);
    for (const [v, t] of extra) consts[slot_of(v)] = t;
    for (const node of nodes) {
      if (node !== null && node.what.kind === 'attr' && constant.has(node.out as Value)) {
        const t = env.get(node.out as Value) as Tensor;
        this.snapshots.push({ read: node.what.read, tensor: t, data: t._storage.data, version: t._storage.version });
      }
    }

    // buffers: a chain's or kernel's result that nobody else sees gets memory reused across calls and, once
    // dead, by later results
    const planned = (i: number): Value | null => {
      const grp = group_of.get(i);
      if (grp !== undefined) return grp.members[grp.members.length - 1] === i ? (nodes[i]!.out as Value) : null;
      return kernel_of.has(i) ? (nodes[i]!.out as Value) : null;
    };
    const buffers = plan_buffers(nodes, planned, last, (v) => {
      const st = storage_of(v);
      if (st === null || escaping.has(st)) return [];
      // views and in-place results over the memory keep it alive
      return (sharing.get(st) ?? []).filter((w) => w === v || !nodes.some((n, j) => n !== null && group_of.has(j) && n.outputs().includes(w)));
    }, tensor, time);

    // steps
    const steps: Step[] = [];
    const release = new Map<number, number[]>();
    for (const [v, t] of last) {
      if (constant.has(v) || t === N || extra.has(v)) continue;
      const list = release.get(t);
      if (list === undefined) release.set(t, [slot_of(v)]);
      else list.push(slot_of(v));
    }
    nodes.forEach((node, i) => {
      if (node === null || is_folded(node, constant)) return;
      const grp = group_of.get(i);
      const k = kernel_of.get(i);
      if (grp !== undefined) {
        if (grp.members[grp.members.length - 1] === i) steps.push(fused_step(grp, nodes as GraphNode[], affine, canon, slot_of, tensor, buffers.get(node.out as Value) ?? null));
      } else if (k !== undefined) {
        steps.push(kernel_step(k.op, k.relu !== null, k.op.reads.map(slot_of), slot_of(node.out as Value), buffers.get(node.out as Value) ?? null));
      } else steps.push(node_step(node, conv_args.get(i) ?? remap(node.args), slot_of, this.owner));
      const dead = release.get(i);
      if (dead !== undefined) steps.push((s) => {
        for (const k of dead) s[k] = undefined;
      });
    });
    this.steps = steps;
    this.consts = consts;
    this.text = plan_text(nodes, group_of, conv_args, kernel_of, constant, buffers);
    const roots = new Set(group_of.values());
    this.stats = {
      steps: nodes.filter((n) => n !== null && !is_folded(n, constant)).length - [...roots].reduce((k, g) => k + g.members.length - 1, 0),
      fusion_groups: roots.size,
      folded_constants: constant.size,
      folded_batch_norms: conv_args.size,
      planned_buffers: new Set(buffers.values()).size,
      planned_results: buffers.size,
      kernels: kernel_of.size,
      epilogues: [...kernel_of.values()].filter((k) => k.relu !== null).length,
      hooked_calls: nodes.filter((n) => n !== null && n.what.kind === 'call').length,
    };

    const in_tpl = g.input_template;
    this.bind_inputs = (s, actual) => {
      const env2 = new Map<Value, unknown>();
      bind(in_tpl, actual, env2, g.module === null ? 'traced function' : `traced ${g.module._get_name()}`);
      for (const [v, t] of env2) s[slot_of(v)] = t;
    };
    // an output that is a folded result (not a parameter or an input) is copied: each call returns its own
    const folded_out = new Set(outputs.filter((v) => constant.has(v) && !nodes.some((n) => n !== null && n.what.kind === 'attr' && n.out === v)));
    const out_tpl = remap(g.output_template);
    this.outputs = (s) => fill_template(out_tpl, (v) => (folded_out.has(v) ? (s[slot_of(v)] as Tensor).clone() : s[slot_of(v)]));
  }
}

/**
 * The plan as text: the folded constants and planned buffers, then one step a line (a fused chain as
 * `prim::FusionGroup[ops]`, a compiled op marked `compiled`, a convolution with a folded batch norm).
 */
function plan_text(
  nodes: readonly (GraphNode | null)[], group_of: Map<number, Group>, conv_args: Map<number, Template>, kernel_of: Map<number, { relu: GraphNode | null }>,
  constant: Set<Value>, buffers: Map<Value, Float32Array>,
): string {
  const distinct = new Set(buffers.values());
  const lines = [`folded constants: ${constant.size}, planned buffers: ${distinct.size} for ${buffers.size} results`];
  nodes.forEach((node, i) => {
    if (node === null || is_folded(node, constant)) return;
    const grp = group_of.get(i);
    if (grp !== undefined) {
      if (grp.members[grp.members.length - 1] === i) lines.push(`prim::FusionGroup[${grp.members.map((m) => nodes[m]!.name).join(', ')}]`);
    } else if (node.what.kind === 'call') lines.push(`prim::CallMethod[name="forward"](%self.${node.what.attr}) (hooked)`);
    else if (node.what.kind === 'attr') lines.push(`prim::GetAttr[name="${node.what.attr}"]`);
    else {
      const k = kernel_of.get(i);
      const notes = [...(k !== undefined ? ['compiled'] : []), ...(conv_args.has(i) ? ['batch_norm folded'] : []), ...(k?.relu ? [`epilogue ${k.relu.name}`] : [])];
      lines.push(`${node.name}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`);
    }
  });
  return lines.join('\n') + '\n';
}

/** Whether a node's results are all folded constants (a node without results, an in-place write, never is). */
function is_folded(node: GraphNode, constant: Set<Value>): boolean {
  const outs = node.outputs();
  return outs.length > 0 && outs.every((v) => constant.has(v));
}

/**
 * The values an op writes in place: `self` of a trailing-underscore op, the input of an op called with
 * `inplace=True`, the running statistics of a batch norm in training.
 */
function written(node: GraphNode): Value[] {
  const w = node.what;
  if (w.kind !== 'op') return [];
  const named = w.named;
  const list: unknown[] = [];
  if (node.name.endsWith('_')) list.push(node.inputs()[0]);
  if (named?.inplace === true) list.push(named.input);
  if (node.name === 'aten::batch_norm' && named?.training === true) list.push(named.running_mean, named.running_var);
  return list.filter((v): v is Value => v instanceof Value);
}

/** Ops that, when they return their input itself, did nothing to it (others may have written it in place). */
function identity_when_same(node: GraphNode): boolean {
  if (node.what.kind !== 'op') return false;
  if (node.name === 'aten::contiguous' || node.name === 'aten::to') return true;
  return /^aten::(feature_alpha_|alpha_)?dropout\d?d?$/.test(node.name) && node.what.named?.training === false;
}

const shape_equal = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((s, i) => s === b[i]);

/** Whether `a` broadcasts to `b` without growing it. */
function same_or_broadcast(a: readonly number[], b: readonly number[]): boolean {
  if (a.length > b.length) return false;
  return a.every((s, i) => s === 1 || s === b[b.length - a.length + i]);
}

/**
 * Whether in-place op `node` (at index `i`) may compute into fresh memory instead: its target is an op's
 * private result, and no other value over the same memory (a view of it, the op's own input) is read after
 * it, in-place results excepted (they read whatever memory the target then has).
 */
function inplace_functional(
  node: GraphNode, i: number, canon: (v: Value) => Value, sharing: Map<Storage, Value[]>, storage_of: (v: Value) => Storage | null,
  private_value: (v: Value) => boolean, nodes: readonly (GraphNode | null)[], uses: Map<Value, number[]>,
): boolean {
  const self = node.inputs()[0];
  if (self === undefined) return false;
  const v = canon(self);
  const st = storage_of(v);
  if (st === null || !private_value(v)) return false;
  const origin = nodes.find((n) => n !== null && n.outputs().includes(v));
  if (origin === undefined || origin === null || origin.what.kind !== 'op') return false;
  const inplace_result = (w: Value): boolean => nodes.some((n) => n !== null && n.out === w && written(n).length > 0);
  return (sharing.get(st) ?? []).every((w) => w === v || inplace_result(w) || (uses.get(w) ?? []).every((k) => k < i));
}

/** An eval-mode batch norm with constant statistics and affine parameters, as per-channel scale and shift. */
function batch_norm_constants(node: GraphNode, canon: (v: Value) => Value, constant: Set<Value>, env: Map<Value, unknown>): { input: Value; scale: Tensor; shift: Tensor } | null {
  if (node.name !== 'aten::batch_norm' || node.what.kind !== 'op' || node.what.named === null) return null;
  const n = node.what.named;
  if (n.training !== false || !(n.input instanceof Value) || !(n.running_mean instanceof Value) || !(n.running_var instanceof Value)) return null;
  const get = (x: Template): Tensor | null | undefined => {
    if (x === null) return null;
    if (!(x instanceof Value)) return undefined;
    const c = canon(x);
    return constant.has(c) ? (env.get(c) as Tensor) : undefined;
  };
  const [mean, variance, weight, bias] = [get(n.running_mean), get(n.running_var), get(n.weight), get(n.bias)];
  if (!mean || !variance || weight === undefined || bias === undefined || typeof n.eps !== 'number' || mean._dtype !== 'float32') return null;
  const scale = weight === null ? variance.add(n.eps).rsqrt() : weight.mul(variance.add(n.eps).rsqrt());
  const shift = bias === null ? mean.mul(scale).neg() : bias.sub(mean.mul(scale));
  return { input: canon(n.input), scale, shift };
}

/**
 * Memory for each chain result that no one else sees: intervals from the chain's step to the last read of the
 * result or of a view over it, each given a buffer freed by an earlier interval when one of its size is free.
 */
function plan_buffers(
  nodes: readonly (GraphNode | null)[], planned: (i: number) => Value | null, last: Map<Value, number>,
  aliases: (v: Value) => Value[], tensor: (v: Value) => Tensor | null, time: (i: number) => number,
): Map<Value, Float32Array> {
  const out = new Map<Value, Float32Array>();
  const live: { end: number; buf: Float32Array }[] = [];
  const free: Float32Array[] = [];
  nodes.forEach((node, i) => {
    const v = node === null ? null : planned(i);
    if (v === null) return;
    const al = aliases(v);
    if (al.length === 0) return;
    for (let k = live.length - 1; k >= 0; k--) {
      if (live[k]!.end < i) {
        free.push(live[k]!.buf);
        live.splice(k, 1);
      }
    }
    const n = numel_of(tensor(v)!.shape);
    const end = Math.max(time(i), ...al.map((w) => last.get(w) ?? time(i)));
    const at = free.findIndex((b) => b.length === n);
    const buf = at >= 0 ? free.splice(at, 1)[0]! : new Float32Array(n);
    live.push({ end, buf });
    out.set(v, buf);
  });
  return out;
}

/** A step running one fused chain into its planned buffer (or fresh memory for a result others see). */
function fused_step(
  grp: Group, nodes: readonly GraphNode[], exprs: Map<number, Elementwise>, canon: (v: Value) => Value,
  slot_of: (v: Value) => number, tensor: (v: Value) => Tensor | null, buffer: Float32Array | null,
): Step {
  const inputs: (Value | Tensor)[] = [];
  const inner = new Map<Value, number>();
  const members: FusedMember[] = grp.members.map((m, j) => {
    const ew = exprs.get(m)!;
    const refs = ew.operands.map((o) => {
      const x = o instanceof Value ? canon(o) : o;
      if (x instanceof Value && inner.has(x)) return `t${inner.get(x)}`;
      let k = inputs.indexOf(x);
      if (k < 0) k = inputs.push(x) - 1;
      return `x${k}`;
    });
    inner.set(nodes[m]!.out as Value, j);
    return { emit: ew.emit, refs };
  });
  const layouts: OperandLayout[] = inputs.map((x) => {
    const t = x instanceof Value ? tensor(x)! : x;
    return { shape: t.shape, strides: t._strides };
  });
  const kernel: FusedKernel = fused_kernel(grp.shape, layouts, members);
  const shape = grp.shape;
  const n = numel_of(shape);
  const root = slot_of(nodes[grp.members[grp.members.length - 1]!]!.out as Value);
  const reads = inputs.map((x) => (x instanceof Value ? slot_of(x) : -1));
  const fixed = inputs.map((x) => (x instanceof Value ? null : x));
  const data: ArrayLike<number>[] = inputs.map(() => new Float32Array(0));
  const offsets = inputs.map(() => 0);
  const result = buffer === null ? null : new Tensor(new Storage(buffer), shape, 'float32');
  return (s) => {
    for (let k = 0; k < reads.length; k++) {
      const t = fixed[k] ?? (s[reads[k]!] as Tensor);
      data[k] = t._storage.data;
      offsets[k] = t._offset;
    }
    const out = buffer ?? new Float32Array(n);
    kernel(data, offsets, out);
    s[root] = result ?? new Tensor(new Storage(out), shape, 'float32');
  };
}

/**
 * A step running one kernel op (and its epilogue ReLU) into its planned buffer, whose tensor is made once; a
 * result others see (an output, a hook's argument) gets fresh memory each call.
 */
function kernel_step(op: KernelOp, relu: boolean, reads: number[], out_slot: number, buffer: Float32Array | null): Step {
  const shape = op.shape;
  const n = numel_of(shape);
  const result = buffer === null ? null : new Tensor(new Storage(buffer), shape, 'float32');
  const xs = new Array<Tensor>(reads.length);
  return (s) => {
    for (let k = 0; k < reads.length; k++) xs[k] = s[reads[k]!] as Tensor;
    const out = buffer ?? new Float32Array(n);
    op.run(xs, out);
    if (relu) relu_in_place(out);
    s[out_slot] = result ?? new Tensor(new Storage(out), shape, 'float32');
  };
}

/** A step running one node as eager code on the slots' values (an op, a hooked module call, a live read). */
function node_step(node: GraphNode, args: Template, slot_of: (v: Value) => number, owner: GraphCompiler): Step {
  const w = node.what;
  const out_tpl = node.out;
  const put = (s: Slots, r: unknown): void => {
    const env = new Map<Value, unknown>();
    bind(out_tpl, r, env, node.name);
    for (const [v, t] of env) s[slot_of(v)] = t;
  };
  const single = out_tpl instanceof Value ? slot_of(out_tpl) : -1;
  const get = (s: Slots) => (v: Value): unknown => s[slot_of(v)];
  if (w.kind === 'attr') return (s) => void (s[single] = w.read());
  if (w.kind === 'const') return (s) => void (s[single] = w.value);
  if (w.kind === 'op') {
    const fn = w.fn as (...a: unknown[]) => unknown;
    return (s) => {
      const r = fn(...(fill_template(args, get(s)) as unknown[]));
      if (single >= 0 && r instanceof Tensor) s[single] = r;
      else put(s, r);
    };
  }
  const sub = owner.sub(w.subgraph);
  return (s) => {
    const a = fill_template(args, get(s)) as unknown[];
    const kwargs = a.pop() as Record<string, unknown>;
    put(s, w.dispatch(a, kwargs, (x, k) => sub.run([...x, k])));
  };
}
