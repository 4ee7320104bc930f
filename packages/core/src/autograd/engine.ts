// The backward engine: iterative, dependency-counted, highest-sequence-number-first as PyTorch's; grad mode equals
// create_graph for the whole pass; backward() called from inside a backward formula (reentrant) nests while the
// JS stack has room and is queued past that, so nesting never overflows it; callbacks queued during a pass run at its end.
import { shapes_equal } from '../shape.js';
import { fresh_serial, Storage, Tensor } from '../tensor.js';
import { sum_to } from '../ops/reduce.js';
import { add } from '../ops/arithmetic.js';
import { t } from '../ops/view.js';
import { empty } from '../ops/record.js';
import { is_non_overlapping_and_dense } from '../ops/overlap.js';
import { close_pool, open_pool, recycle } from '../storage_pool.js';
import { is_grad_enabled, no_grad, set_grad_enabled } from './grad_mode.js';
import { check_result, check_single_result, hook_name } from './hook_result.js';
import { call_with_anomaly, is_anomaly_enabled } from './anomaly_mode.js';
import { AccumulateGrad, Node, type Edge, type Grad, type InputMeta } from './node.js';

export interface EngineOptions {
  keep_graph: boolean;
  create_graph: boolean;
  /** true for `backward()` (fill `.grad` of leaves); false for `autograd.grad()` (only capture). */
  accumulate: boolean;
  /** Gradients to capture: the gradient arriving at `node`'s input `output_nr` (autograd.grad's inputs). */
  capture?: Edge[];
  /** backward(inputs=...): only nodes on a path to these edges run (their leaves accumulate, nothing else). */
  only?: Edge[];
}

/** A max-heap of ready nodes: AccumulateGrad first, then the newest node; ties in the order they became ready. */
class ReadyQueue {
  private heap: { node: Node; prio: number; order: number }[] = [];
  private counter = 0;
  get size(): number {
    return this.heap.length;
  }
  push(node: Node, prio: number): void {
    const h = this.heap;
    h.push({ node, prio, order: this.counter++ });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): Node {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top.node;
  }
  private before(a: { prio: number; order: number }, b: { prio: number; order: number }): boolean {
    return a.prio !== b.prio ? a.prio > b.prio : a.order < b.order;
  }
}

function priority(node: Node): number {
  return node instanceof AccumulateGrad ? Number.POSITIVE_INFINITY : node.sequence_nr;
}

/** Counts, for every node reachable from `root`, the edges that point to it from reachable nodes. */
function compute_dependencies(root: Node): Map<Node, number> {
  const deps = new Map<Node, number>();
  const seen = new Set<Node>([root]);
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const [next] of node.next_functions) {
      if (next === null) continue;
      deps.set(next, (deps.get(next) ?? 0) + 1);
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return deps;
}

/** Nodes on some path from `root` to a capture target (only these run in `autograd.grad`). */
function compute_needed(root: Node, targets: Set<Node>): Set<Node> {
  const needed = new Set<Node>();
  const state = new Map<Node, number>(); // 1 = children being visited, 2 = done
  const stack: [Node, number][] = [[root, 0]];
  state.set(root, 1);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, i] = top;
    if (i < node.next_functions.length) {
      top[1]++;
      const next = node.next_functions[i]![0];
      if (next !== null && !state.has(next)) {
        state.set(next, 1);
        stack.push([next, 0]);
      }
      continue;
    }
    stack.pop();
    state.set(node, 2);
    if (targets.has(node) || node.next_functions.some(([n]) => n !== null && needed.has(n))) needed.add(node);
  }
  return needed;
}

/** Tensor pre-hooks of `node` (a leaf's own hooks for AccumulateGrad), then retain_grad, as PyTorch 2.x orders them. */
function call_tensor_pre_hooks(node: Node, grads: Grad[]): void {
  const per_output =
    node instanceof AccumulateGrad
      ? node.variable._hooks === null
        ? null
        : new Map([[0, node.variable._hooks]])
      : node._tensor_pre_hooks;
  if (per_output !== null) {
    for (const [output_nr, hooks] of per_output) {
      if (hooks.size === 0) continue;
      // as PyTorch, the hooks of an output that got no gradient (while another output of its node did) are
      // called with null, and may not invent one
      let grad = grads[output_nr] ?? null;
      disown(grad);
      for (const [, hook] of hooks.snapshot()) {
        const result: unknown = (hook as (g: Grad) => unknown)(grad);
        if (result === undefined || result === null) continue;
        grad = check_single_result(grad, result, hook_name(hook)) ?? grad;
      }
      grads[output_nr] = grad;
    }
  }
  if (node._retained === null) return;
  for (const [output_nr, slot] of node._retained) {
    const g = grads[output_nr];
    if (g === null || g === undefined) continue;
    slot.grad = slot.grad === null ? g.clone() : slot.grad.add(g);
  }
}

/** Reduces a broadcast gradient back to its input's shape and casts its dtype (PyTorch's validate_outputs). */
function validate(node: Node, grads: Grad[]): Grad[] {
  if (grads.length !== node.next_functions.length) {
    throw new Error(`function ${node.name()} returned an incorrect number of gradients (expected ${node.next_functions.length}, got ${grads.length})`);
  }
  return grads.map((g, i) => {
    const meta: InputMeta | null = node.input_meta[i] ?? null;
    if (g === null || meta === null) return g;
    let out = g;
    if (!shapes_equal(out._shape, meta.shape)) {
      try {
        out = sum_to(out, meta.shape);
      } catch {
        throw new Error(
          `Function ${node.name()} returned an invalid gradient at index ${i} - got [${g._shape.join(', ')}] but expected shape compatible with [${meta.shape.join(', ')}]`,
        );
      }
    }
    if (out._dtype !== meta.dtype) out = out.to(meta.dtype);
    return out;
  });
}

/**
 * AccumulateGrad's formula: adds into `.grad`, then runs the post-accumulate hooks. Returns the tensor that now
 * holds the first gradient when `.grad` was empty, which the node's post-hooks see as their grad_outputs; adds
 * to `spent` an incoming gradient added into `.grad` that no one else held.
 * As PyTorch's, it steals the incoming gradient there when nothing else can see it (see `stealable`): `.grad`
 * is then that very tensor; otherwise `.grad` is a copy. With create_graph the first gradient is copied into
 * fresh memory differentiably (PyTorch's clone_obey_contract: `x.grad.grad_fn` is CopyBackwards over the
 * gradient's graph).
 */
function accumulate(variable: Tensor, grad: Tensor, create_graph: boolean, spent: Tensor[]): Tensor | null {
  accumulate_probe.fn?.(grad, variable);
  const converted = grad._dtype !== variable._dtype;
  const g = converted ? grad.to(variable._dtype) : grad;
  // this slot's reference is consumed here
  const last = grad._engine_refs === 1;
  if (grad._engine_refs > 0) grad._engine_refs--;
  let first: Tensor | null = null;
  if (create_graph) {
    variable._grad = variable._grad === null ? grad_memory(variable).copy_(g) : variable._grad.add(g);
  } else if (variable._grad === null) {
    // a stolen view (a reduction's reshaped result) is stored as a plain alias of its memory, as PyTorch's detach()
    variable._grad = first = (converted || last) && stealable(g, variable) ? (g._base === null ? g : g.detach()) : no_grad(() => grad_memory(variable).copy_(g));
  } else if (variable._grad.requires_grad) {
    variable._grad = no_grad(() => variable._grad!.add(g));
  } else {
    no_grad(() => variable._grad!.add_(g));
    if (last && !converted) spent.push(grad);
  }
  if (variable._post_accumulate_hooks !== null) {
    for (const [, hook] of variable._post_accumulate_hooks.snapshot()) {
      const r: unknown = hook(variable);
      if (r !== undefined && r !== null) throw new Error('Tensor post accumulate grad hooks should return None.');
    }
  }
  return first;
}

/**
 * For tests: `fn`, when set, sees each gradient AccumulateGrad receives and its leaf, before it is stored (it
 * does not count as a reference: tests use it to check which `.grad` is the very tensor that arrived).
 *
 * @hidden
 */
export const accumulate_probe: { fn: ((grad: Tensor, variable: Tensor) => void) | null } = { fn: null };

/**
 * Whether AccumulateGrad may store `g` itself as `variable`'s first `.grad`: `g` is memory no one else can reach
 * (the caller checked that), a dense tensor over all of its storage, laid out as `variable` (PyTorch's layout
 * contract: `.grad` has its parameter's strides), not part of a graph.
 */
function stealable(g: Tensor, variable: Tensor): boolean {
  if (g._grad_fn !== null || g._requires_grad || g._offset !== 0 || g._storage.data.length !== g.numel()) return false;
  if (!is_non_overlapping_and_dense(variable)) return g.is_contiguous();
  const a = g._strides;
  const b = variable._strides;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && g._shape[i]! > 1) return false;
  return is_non_overlapping_and_dense(g);
}

/**
 * Fresh memory for `variable`'s first `.grad`, laid out as PyTorch's gradient layout contract asks: with
 * `variable`'s strides when it is dense and non-overlapping (a transposed parameter gets a transposed `.grad`),
 * else row-major.
 */
function grad_memory(variable: Tensor): Tensor {
  if (variable.is_contiguous() || !is_non_overlapping_and_dense(variable)) return empty(variable._shape, variable._dtype);
  return new Tensor(Storage.fresh(variable._dtype, variable.numel()), variable._shape, variable._dtype, variable._strides);
}

/**
 * Hands the memory of gradients the engine alone held, and is finished with, to the storage pool: later results
 * of this pass reuse it instead of allocating (what PyTorch's caching allocator gets from reference counts).
 * The tensor keeps an empty array, so any use of it that was not proved impossible would fail loudly.
 */
function give_back(spent: readonly Tensor[]): void {
  for (const g of spent) {
    const s = g._storage;
    if (s._serial === 0) continue; // wrapped memory, or given back already
    s._serial = 0;
    recycle(s.data);
    s.data = s.data.subarray(0, 0);
  }
}

/**
 * Marks gradients that user code is about to see (a hook's argument, a captured result, a user's own tensor):
 * the engine no longer owns them, so they are never stolen as a `.grad`, now or in a later pass.
 */
function disown(g: Grad | undefined): void {
  if (g !== null && g !== undefined) g._engine_refs = 0;
}

/**
 * Whether two tensors read the same memory: the same array buffer, whether through one Storage or two (an
 * unsafe view wraps its input's array in a Storage of its own).
 */
function same_memory(a: Tensor, b: Tensor): boolean {
  return a._storage.data.buffer === b._storage.data.buffer;
}

/**
 * Which of a built-in formula's `outputs` the engine owns, given `mark`, the `fresh_serial()` before the formula
 * ran: a gradient over memory it allocated or a view of an incoming gradient only this node held, or an
 * incoming gradient the engine owned and the formula passed on unchanged (as AddBackward does); in each case
 * alone on that memory among the outputs. An incoming gradient whose memory leaves in an output not owned is
 * disowned. The slots the incoming gradients held
 * are released: an incoming gradient whose last slot that was, and whose memory no output shares, goes to
 * `spent`. Built-in formulas keep no reference to what they return; a custom Function's may, so its outputs
 * are never owned.
 */
function owned_outputs(incoming: Grad[], outputs: Grad[], mark: number, spent: Tensor[]): boolean[] {
  const owned = outputs.map((o, i) => {
    if (o === null || o === undefined) return false;
    // another output over the same memory (a view of it) may go where the engine does not own it
    for (let j = 0; j < outputs.length; j++) {
      const p = outputs[j];
      if (j !== i && p !== null && p !== undefined && p !== o && same_memory(p, o)) return false;
    }
    if (o._engine_refs > 0) return incoming.includes(o);
    // memory the formula allocated, or the memory of an incoming gradient held by this node alone that the
    // formula returned a view of (a view op's backward, TBackward0 of a linear layer's weight)
    return o._storage._serial > mark || incoming.some((g) => g !== null && g !== undefined && g._engine_refs === 1 && same_memory(g, o));
  });
  // an incoming gradient whose memory leaves in an output the engine does not own (a view of it, going where
  // another slot may still hold the gradient itself) is no longer the engine's alone, now or later
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i];
    if (o === null || o === undefined || owned[i]) continue;
    for (const g of incoming) if (g !== null && g !== undefined && same_memory(g, o)) g._engine_refs = 0;
  }
  for (const g of incoming) {
    if (g === null || g === undefined || g._engine_refs === 0) continue;
    if (--g._engine_refs === 0 && !outputs.some((o) => o !== null && o !== undefined && same_memory(o, g))) spent.push(g);
  }
  return owned;
}

/**
 * The sum of two gradients for one input. Two transposed matrices (a linear layer's weight gradients, one per
 * use, as an RNN has per step) are added as their contiguous transposes and the sum stays transposed, as
 * PyTorch's TensorIterator lays out a result like its inputs: a row-major result would read both with a stride.
 */
function buffer_add(prev: Tensor, g: Tensor): Tensor {
  const transposed = (x: Tensor): boolean => x.ndim === 2 && x._strides[0] === 1 && x._strides[1] === x._shape[0] && x._shape[0]! > 1 && x._shape[1]! > 1;
  if (!is_grad_enabled() && transposed(prev) && transposed(g)) return t(add(t(prev), t(g)));
  return add(prev, g);
}

/**
 * Node pre-hooks, the formula (AccumulateGrad: accumulation), node post-hooks: PyTorch's call_function.
 * `owned[i]` is set to whether the engine owns `outputs[i]` (see `owned_outputs`), when `owned` is given.
 */
function call_function(node: Node, grads: Grad[], options: EngineOptions, owned: boolean[] | null): Grad[] {
  let incoming = grads;
  const spent: Tensor[] = [];
  if (node._pre_hooks !== null && node._pre_hooks.size > 0) {
    incoming.forEach(disown);
    for (const [, hook] of node._pre_hooks.snapshot()) {
      const r: unknown = hook(incoming);
      if (r !== undefined && r !== null) incoming = check_result(incoming, r, hook_name(hook));
    }
  }
  let outputs: Grad[];
  if (node instanceof AccumulateGrad) {
    const g = incoming[0] ?? null;
    if (options.accumulate && g !== null) {
      const stolen = accumulate(node.variable, g, options.create_graph, spent);
      if (stolen !== null) incoming = [stolen];
    }
    outputs = [];
  } else if (!node._apply_without_grads && incoming.every((g) => g === null)) {
    // no gradient arrived (or a pre-hook dropped every one): an op's formula has nothing to differentiate
    // (PyTorch: undefined outputs); a custom Function's backward still runs, as in PyTorch
    outputs = node.next_functions.map(() => null);
  } else {
    if (node._apply_without_grads) incoming.forEach(disown);
    const mark = fresh_serial();
    outputs = node.apply(incoming);
    if (!options.keep_graph) node.release_variables();
    outputs = validate(node, outputs);
    if (owned !== null && !node._apply_without_grads) owned.push(...owned_outputs(incoming, outputs, mark, spent));
  }
  if (node._post_hooks !== null && node._post_hooks.size > 0) {
    incoming.forEach(disown);
    outputs.forEach(disown);
    if (owned !== null) owned.length = 0;
    for (const [, hook] of node._post_hooks.snapshot()) {
      const r: unknown = hook(outputs, incoming);
      if (r !== undefined && r !== null) outputs = check_result(outputs, r, hook_name(hook));
    }
  } else if (spent.length > 0) {
    give_back(spent);
  }
  return outputs;
}

/**
 * Reentrant backward (a backward pass run from inside another one's formula or hook) nests on the JS stack, as
 * PyTorch nests it on its worker thread, as long as the stack has room. From REENTRANT_PROBE_DEPTH nested passes
 * on, each further pass first checks that STACK_PROBE_FRAMES more frames fit; when they do not, the pass is queued
 * instead and run by the pass executing the calling node right after that node's formula returns, from that
 * pass's loop, so the JS stack stays bounded whatever the depth (PyTorch hands such passes to a new thread past
 * its own MAX_DEPTH). The one thing that differs there: that inner `backward()` returns before it has run, so
 * code after it in the same formula does not yet see its gradients.
 */
const REENTRANT_PROBE_DEPTH = 32;
const STACK_PROBE_FRAMES = 4000;
let depth = 0;
const deferred: (() => void)[] = [];
let draining = false;

/** Recurses `n` frames deep: deliberately recursive, it measures whether the stack has that much room left. */
function probe(n: number): number {
  return n === 0 ? 0 : probe(n - 1) + 1;
}

/**
 * The depth at which the stack was found full during the current outermost backward: deeper passes are queued
 * without probing again (a failing probe is costly); reset when the outermost pass ends.
 */
let full_at = Number.POSITIVE_INFINITY;

/** Whether STACK_PROBE_FRAMES more frames fit on the JS stack (V8 throws a RangeError when they do not). */
function stack_has_room(): boolean {
  if (depth >= full_at) return false;
  // the RangeError of a full stack would otherwise record a trace through every frame
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return probe(STACK_PROBE_FRAMES) === STACK_PROBE_FRAMES;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    full_at = depth;
    return false;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A running pass (PyTorch's GraphTask): its id, the callbacks queued on it, which nodes it reaches and needs. */
interface Pass {
  readonly id: number;
  /** A plain `backward()`: no `inputs`, nothing captured (what reentrant checkpointing needs). */
  readonly plain: boolean;
  readonly callbacks: (() => void)[];
  deps: Map<Node, number> | null;
  needed: Set<Node> | null;
}
/** The running passes, innermost last. */
const passes: Pass[] = [];
let next_pass_id = 0;

/** The id of the innermost running backward pass, -1 outside backward (PyTorch's `_current_graph_task_id`). */
export function current_pass_id(): number {
  return passes[passes.length - 1]?.id ?? -1;
}

/** Whether the innermost running pass will run `node` (PyTorch's `_will_engine_execute_node`). */
export function will_engine_execute_node(node: Node): boolean {
  const pass = passes[passes.length - 1];
  if (pass === undefined || pass.deps === null) throw new Error('_will_engine_execute_node should only be called during the backward pass');
  return pass.deps.has(node) && (pass.needed === null || pass.needed.has(node));
}

/**
 * Queues `callback` to run once the backward pass that is running ends (after all its nodes, before backward()
 * returns), PyTorch's `Variable._execution_engine.queue_callback`; callbacks may queue more.
 *
 * @example
 * x.register_hook(() => torch.autograd.graph.queue_callback(() => console.log('backward done')));
 */
export function queue_callback(callback: () => void): void {
  const pass = passes[passes.length - 1];
  if (pass === undefined) throw new Error('Final callbacks can only be installed during backward pass.');
  pass.callbacks.push(callback);
}

/**
 * Whether the running backward pass is a plain `backward()` (PyTorch's `torch.autograd._is_checkpoint_valid`):
 * reentrant checkpointing cannot serve `autograd.grad()` or `backward(inputs=…)`.
 *
 * @hidden
 */
export function is_checkpoint_valid(): boolean {
  return passes[passes.length - 1]?.plain ?? true;
}

/**
 * Runs the backward passes queued by formulas of the node that just ran, and those they queue in turn, one after
 * another from this one loop (a queued pass never drains the queue itself, so no pass nests inside another).
 */
function drain_deferred(): void {
  draining = true;
  depth++;
  try {
    while (deferred.length > 0) deferred.shift()!();
  } catch (e) {
    deferred.length = 0;
    throw e;
  } finally {
    depth--;
    draining = false;
  }
}

/**
 * Runs one backward pass from `root_edges` seeded with `root_grads`; returns the captured gradients
 * (in `options.capture` order) when capturing. Grad mode is `create_graph` throughout (hooks included).
 */
export function run_backward(root_edges: Edge[], root_grads: Tensor[], options: EngineOptions): Grad[] {
  if (depth >= REENTRANT_PROBE_DEPTH && options.accumulate && options.capture === undefined && !stack_has_room()) {
    deferred.push(() => void run_pass(root_edges, root_grads, options));
    return [];
  }
  return run_pass(root_edges, root_grads, options);
}

/** One pass: grad mode set to create_graph, the graph executed, then its queued callbacks. */
function run_pass(root_edges: Edge[], root_grads: Tensor[], options: EngineOptions): Grad[] {
  depth++;
  const pass: Pass = { id: next_pass_id++, plain: options.accumulate && options.only === undefined && options.capture === undefined, callbacks: [], deps: null, needed: null };
  passes.push(pass);
  const mode = is_grad_enabled() === options.create_graph ? null : set_grad_enabled(options.create_graph);
  open_pool();
  try {
    const captured = execute(root_edges, root_grads, options, pass);
    for (let i = 0; i < pass.callbacks.length; i++) pass.callbacks[i]!();
    return captured;
  } finally {
    close_pool();
    mode?.[Symbol.dispose]();
    passes.pop();
    if (--depth === 0) full_at = Number.POSITIVE_INFINITY;
  }
}

function execute(root_edges: Edge[], root_grads: Tensor[], options: EngineOptions, pass: Pass): Grad[] {
  const root_meta = root_edges.map(() => null);
  const graph_root = new Node('GraphRoot', root_edges, root_meta, [], () => root_grads, Number.MAX_SAFE_INTEGER);
  const deps = compute_dependencies(graph_root);
  const capture = options.capture ?? [];
  const captured: Grad[] = capture.map(() => null);
  const capture_at = new Map<Node, [number, number][]>();
  capture.forEach(([node, nr], idx) => {
    if (node === null) return;
    const list = capture_at.get(node) ?? [];
    list.push([nr, idx]);
    capture_at.set(node, list);
  });
  // as PyTorch's exec_info: when gradients are wanted only for some inputs, nodes that lead to none of them
  // are never queued (so neither their formulas nor their hooks run); a captured node runs only when it also
  // leads to another target, but its tensor hooks always run before the capture
  const only = (options.only ?? []).map(([n]) => n).filter((n): n is Node => n !== null);
  const targets = new Set([...capture_at.keys(), ...only]);
  const needed = options.accumulate && options.only === undefined ? null : compute_needed(graph_root, targets);
  pass.deps = deps;
  pass.needed = needed;
  const executes = (node: Node): boolean =>
    needed === null || only.includes(node) || (!capture_at.has(node) ? true : node.next_functions.some(([n]) => n !== null && needed.has(n)));

  const buffers = new Map<Node, Grad[]>();
  const queue = new ReadyQueue();
  queue.push(graph_root, Number.POSITIVE_INFINITY);
  // per node run, which of its outputs the engine owns (not tracked when the pass builds a graph: then no
  // gradient is stolen, as in PyTorch, whose AccumulateGrad copies whenever grad mode is on)
  const owned: boolean[] | null = options.create_graph ? null : [];
  const spent: Tensor[] = [];
  const base_depth = depth;

  while (queue.size > 0) {
    const node = queue.pop();
    const grads = buffers.get(node) ?? new Array<Grad>(node.num_outputs).fill(null);
    buffers.delete(node);
    if (needed !== null && !needed.has(node)) continue;
    let outputs: Grad[];
    if (owned !== null) owned.length = 0;
    if (node === graph_root) {
      outputs = root_grads;
      root_grads.forEach(disown);
    } else {
      call_tensor_pre_hooks(node, grads);
      const caps = capture_at.get(node);
      if (caps !== undefined) for (const [nr, idx] of caps) disown((captured[idx] = grads[nr] ?? null));
      if (!executes(node)) continue;
      outputs = is_anomaly_enabled() ? call_with_anomaly(node, () => call_function(node, grads, options, owned)) : call_function(node, grads, options, owned);
      if (!draining && depth === base_depth && deferred.length > 0) drain_deferred();
    }
    const next_functions = node.next_functions;
    spent.length = 0;
    for (let i = 0; i < next_functions.length; i++) {
      const [next, input_nr] = next_functions[i]!;
      // every parent of a needed node is needed, so skipped nodes never hold back a needed one
      if (next === null || (needed !== null && !needed.has(next))) continue;
      const g = outputs[i] ?? null;
      if (g !== null) {
        let buf = buffers.get(next);
        if (buf === undefined) {
          buf = new Array<Grad>(next.num_outputs).fill(null);
          buffers.set(next, buf);
        }
        const prev = buf[input_nr] ?? null;
        if (prev === null) {
          buf[input_nr] = g;
          if (owned?.[i] === true) g._engine_refs++;
        } else {
          // both addends are consumed; the engine owns their sum, and is done with an addend it alone held
          const mark = fresh_serial();
          const sum = (buf[input_nr] = buffer_add(prev, g));
          if (owned !== null && sum._storage._serial > mark) sum._engine_refs = 1;
          if (prev._engine_refs > 0 && --prev._engine_refs === 0 && owned !== null) spent.push(prev);
          if (owned?.[i] === true) spent.push(g);
        }
      }
      const left = (deps.get(next) ?? 1) - 1;
      deps.set(next, left);
      if (left === 0) queue.push(next, priority(next));
    }
    // an owned output added into a slot is spent unless it was also placed in another (then that one holds it)
    if (spent.length > 0) give_back(spent.filter((g) => g._engine_refs === 0));
  }
  return captured;
}
