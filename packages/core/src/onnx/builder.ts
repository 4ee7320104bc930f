// The ONNX graph under construction: value names, initializers, constants and nodes, for the op converters.
import type { DType } from '../dtype.js';
import { Value, type GraphNode } from '../jit/graph.js';
import { attribute_proto, I, ONNX_DTYPE, tensor_proto, type Attr, type TensorData } from './proto.js';

/** One recorded aten op as a converter reads it. */
export class OpCall {
  constructor(
    readonly node: GraphNode,
    /** The positional arguments as called (tensors as Values; a trailing options object stays an object). */
    readonly args: readonly unknown[],
    /** The arguments by name with defaults, when the op declares a PyTorch signature. */
    readonly named: Record<string, unknown> | null,
    /** The tensor outputs, in result order. */
    readonly outs: readonly Value[],
  ) {}

  /** Argument `name`: from the parsed signature, else position `index` (an options object's key `name` after it). */
  arg<T>(name: string, index: number, fallback: T): T {
    if (this.named !== null && name in this.named) return (this.named[name] ?? fallback) as T;
    const v = this.args[index];
    if (v !== undefined && !(typeof v === 'object' && v !== null && !(v instanceof Value) && !Array.isArray(v))) return v as T;
    for (const a of this.args) {
      if (typeof a === 'object' && a !== null && !(a instanceof Value) && !Array.isArray(a) && name in a) {
        const o = (a as Record<string, unknown>)[name];
        if (o !== undefined) return o as T;
      }
    }
    return fallback;
  }

  /** Tensor argument `name` (position `index`), or null. */
  tensor(name: string, index: number): Value | null {
    const v = this.arg<unknown>(name, index, null);
    return v instanceof Value ? v : null;
  }

  /** The first tensor input (`input` / `self`). */
  get x(): Value {
    const v = this.tensor('input', 0) ?? this.args.find((a): a is Value => a instanceof Value);
    if (v === undefined) throw new Error(`${this.node.name}: no tensor input`);
    return v;
  }

  /** The single output. */
  get y(): Value {
    return this.outs[0]!;
  }
}

/** A `dim` argument made non-negative for a tensor of rank `ndim`. */
export function norm_dim(dim: number, ndim: number): number {
  return dim < 0 ? dim + ndim : dim;
}

/**
 * Collects an ONNX GraphProto's nodes and initializers. Converters name their inputs with `name(v)`, add
 * constants with `i64`/`scalar`, emit nodes with `node`, and `bind` each traced output to the ONNX value
 * that holds it.
 */
/** A dim that follows a dynamic axis: `k` times the runtime size of axis `axis` of graph input `input`. */
export interface SymbolicDim {
  /** The dynamic axis' name (its `dim_param`). */
  name: string;
  input: string;
  axis: number;
  k: number;
}

export class OnnxBuilder {
  /** Dims of traced values that follow a dynamic axis (found by tracing twice), by value. */
  readonly symbolic = new Map<Value, (number | SymbolicDim)[]>();
  /** Whether `symbolic` came from a second trace (every other dim is then known to be fixed). */
  traced_twice = false;
  readonly nodes: Record<string, unknown>[] = [];
  readonly initializers: Record<string, unknown>[] = [];
  private readonly names = new Map<Value, string>();
  private readonly taken = new Set<string>();
  private count = 0;

  /** A name no other value has, from `hint`. */
  fresh(hint: string): string {
    let name = hint;
    for (let k = 1; this.taken.has(name); k++) name = `${hint}_${k}`;
    this.taken.add(name);
    return name;
  }

  /** The ONNX name of traced value `v`. */
  name(v: Value): string {
    const n = this.names.get(v);
    if (n === undefined) throw new Error(`torch.onnx.export: value %${v.debug_name} is used before it is defined`);
    return n;
  }

  /** Makes `onnx_name` the value traced value `v` is. */
  bind(v: Value, onnx_name: string): void {
    this.names.set(v, onnx_name);
  }

  /** Adds an initializer (weights, constants); returns its name. */
  initializer(hint: string, data: TensorData): string {
    const name = this.fresh(hint);
    this.initializers.push(tensor_proto(name, data));
    return name;
  }

  /** A 1-D int64 constant (shapes, axes, pads). */
  i64(values: readonly number[]): string {
    return this.initializer(`const_i64_${this.count++}`, { dtype: 'int64', shape: [values.length], values });
  }

  /** A 0-d constant of `dtype` (a scalar operand). */
  scalar(value: number, dtype: DType): string {
    return this.initializer(`const_${this.count++}`, { dtype, shape: [], values: [value] });
  }

  /**
   * `v`'s shape as a 1-D int64 ONNX value: a constant, or where dims follow a dynamic axis, built at run time
   * from that input's `Shape` (`k·size`), so reshapes, expands and fills follow the dynamic batch.
   */
  shape_of(v: Value): string {
    const dims = this.symbolic.get(v);
    if (dims === undefined) return this.i64(v.type!.shape);
    const parts = dims.map((d) => {
      if (typeof d === 'number') return this.i64([d]);
      const size = this.node('Gather', [this.node('Shape', [d.input])[0]!, this.i64([d.axis])], { axis: I(0) })[0]!;
      return d.k === 1 ? size : this.node('Mul', [size, this.i64([d.k])])[0]!;
    });
    return this.node('Concat', parts, { axis: I(0) })[0]!;
  }

  /** Emits one node; returns its output names (`outputs` fresh ones, or the names given). */
  node(op_type: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, outputs: number | readonly string[] = 1): string[] {
    const k = this.count++;
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, i) => this.fresh(`/${op_type}_${k}_output_${i}`)) : [...outputs];
    this.nodes.push({
      name: `/${op_type}_${k}`,
      op_type,
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([n, a]) => attribute_proto(n, a)),
    });
    return outs;
  }

  /** Emits one node and binds its single output to traced value `v`. */
  emit(v: Value, op_type: string, inputs: readonly string[], attrs: Record<string, Attr> = {}): string {
    const [out] = this.node(op_type, inputs, attrs);
    this.bind(v, out!);
    return out!;
  }

  /** An operand as `dtype`: a traced value (cast when its dtype differs) or a number (a scalar constant). */
  operand(x: unknown, dtype: DType): string {
    if (x instanceof Value) return x.type!.dtype === dtype ? this.name(x) : this.cast(this.name(x), dtype);
    if (typeof x === 'number' || typeof x === 'boolean') return this.scalar(Number(x), dtype);
    throw new Error(`torch.onnx.export: unsupported operand ${String(x)}`);
  }

  /** `Cast(x, to=dtype)`. */
  cast(x: string, dtype: DType): string {
    return this.node('Cast', [x], { to: I(ONNX_DTYPE[dtype]) })[0]!;
  }
}
