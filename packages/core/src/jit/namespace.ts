// The `torch.jit` namespace: trace, the traced module and its graph, and the hooks ops and modules call while tracing.
export { trace, freeze, optimized_execution, TracedModule, in_eval_mode as _in_eval_mode, type TraceableCallable } from './trace.js';
export { last_executed_optimized_graph, type PlanStats } from './compile.js';
export { Graph, GraphNode, Value, args_text as _args_text, type TensorType, type NodeKind, type ModuleDispatch } from './graph.js';
export { trace_module_call as _trace_module_call, trace_op as _trace_op, tracing as _tracing, tracer_warning as _tracer_warning, type TraceableModule } from './tracer.js';
import { tracing } from './tracer.js';

/**
 * PyTorch's `torch.jit.is_tracing()`: whether a trace is recording (false inside a recorded op).
 *
 * @example
 * torch.jit.is_tracing(); // false outside torch.jit.trace
 */
export function is_tracing(): boolean {
  return tracing;
}
