// The ONNX opset-17 form of `x.index([...])` (PyTorch's `x[...]`): integers as Gather of one position, slices
// as Slice, None as Unsqueeze, '...' as the dims it spans; then one advanced index, an integer tensor as Gather
// or a bool mask as NonZero + GatherND. Several advanced indices in one subscript are refused with a clear error.
import { Value } from '../jit/graph.js';
import type { OnnxBuilder, OpCall } from './builder.js';
import { I, Is } from './proto.js';
import type { Converter } from './ops_tensor.js';

type Slice = { start?: number | null; stop?: number | null; step?: number | null };
const is_slice = (v: unknown): v is Slice => typeof v === 'object' && v !== null && !(v instanceof Value) && !Array.isArray(v);

/** The dims of the input an item consumes: a bool mask its rank, None and '...' none, anything else one. */
function consumed(item: unknown): number {
  if (item === null || item === '...') return 0;
  if (item instanceof Value) return item.type!.dtype === 'bool' || item.type!.dtype === 'uint8' ? item.type!.shape.length : 1;
  if (Array.isArray(item) && item.length > 0 && typeof item[0] === 'boolean') return 1;
  return 1;
}

/** Python's slice bounds for a dim of `n`: [start, stop) and step, clamped as `range(n)[s]` does. */
function bounds(s: Slice, n: number): [number, number, number] {
  const step = s.step ?? 1;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  return [s.start == null ? 0 : clamp(s.start), s.stop == null ? n : clamp(s.stop), step];
}

/** An advanced index as an ONNX value: a traced tensor, or a constant from a literal list. */
function index_value(b: OnnxBuilder, item: Value | number[] | boolean[]): { name: string; bool: boolean; rank: number } {
  if (item instanceof Value) {
    const bool = item.type!.dtype === 'bool' || item.type!.dtype === 'uint8';
    return { name: bool && item.type!.dtype === 'uint8' ? b.cast(b.name(item), 'bool') : b.name(item), bool, rank: item.type!.shape.length };
  }
  const bool = item.length > 0 && typeof item[0] === 'boolean';
  const name = bool
    ? b.initializer('index_mask', { dtype: 'bool', shape: [item.length], values: item.map(Number) })
    : b.initializer('index_positions', { dtype: 'int64', shape: [item.length], values: item as number[] });
  return { name, bool, rank: 1 };
}

export const SUBSCRIPT_OPS: Record<string, Converter> = {
  'aten::index': (b, c: OpCall) => {
    const x = c.args[0] as Value;
    const items = c.args[1] as unknown[];
    let cur = b.name(x);
    const shape = [...x.type!.shape];
    const spanned = shape.length - items.reduce<number>((a, it) => a + consumed(it), 0);
    const advanced: { dim: number; item: Value | number[] | boolean[] }[] = [];
    let d = 0;
    for (const it of items) {
      if (it === '...') d += spanned;
      else if (it === null) {
        cur = b.node('Unsqueeze', [cur, b.i64([d])])[0]!;
        shape.splice(d, 0, 1);
        d++;
      } else if (typeof it === 'number') {
        cur = b.node('Gather', [cur, b.scalar(it < 0 ? it + shape[d]! : it, 'int64')], { axis: I(d) })[0]!;
        shape.splice(d, 1);
      } else if (is_slice(it)) {
        const [start, stop, step] = bounds(it, shape[d]!);
        const len = Math.max(0, Math.ceil((stop - start) / step));
        if (!(start === 0 && stop === shape[d] && step === 1)) cur = b.node('Slice', [cur, b.i64([start]), b.i64([Math.max(stop, start)]), b.i64([d]), b.i64([step])])[0]!;
        shape[d] = len;
        d++;
      } else {
        advanced.push({ dim: d, item: it as Value | number[] | boolean[] });
        d += consumed(it);
      }
    }
    if (advanced.length === 0) return void b.emit(c.y, 'Identity', [cur]);
    if (advanced.length > 1) throw new Error('torch.onnx.export: indexing with more than one tensor index in one subscript is not supported in opset 17');
    const { dim, item } = advanced[0]!;
    const index = index_value(b, item);
    if (!index.bool) return void b.emit(c.y, 'Gather', [cur, index.name], { axis: I(dim) });
    // a mask over dims dim..dim+k-1: its true positions ([M, k]) gather those dims, moved to the front and back
    const k = index.rank;
    const positions = b.node('Transpose', [b.node('NonZero', [index.name])[0]!], { perm: Is([1, 0]) })[0]!;
    const order = [...Array.from({ length: k }, (_, i) => dim + i), ...shape.map((_, i) => i).filter((i) => i < dim || i >= dim + k)];
    const front = dim === 0 ? cur : b.node('Transpose', [cur], { perm: Is(order) })[0]!;
    const picked = b.node('GatherND', [front, positions])[0]!;
    if (dim === 0) return void b.bind(c.y, picked);
    // [M, before…, after…] → [before…, M, after…]
    const rest = shape.length - k;
    const back = [...Array.from({ length: dim }, (_, i) => i + 1), 0, ...Array.from({ length: rest - dim }, (_, i) => dim + 1 + i)];
    b.emit(c.y, 'Transpose', [picked], { perm: Is(back) });
  },
};
