// ONNX opset-17 forms of the rearranging ops: pixel_shuffle / pixel_unshuffle / channel_shuffle as
// Reshape-Transpose-Reshape, the unsafe and sized splits as Split, broadcast_tensors as Expand, atleast_Nd as
// Reshape, and einsum as Einsum.
import { Value } from '../jit/graph.js';
import type { OnnxBuilder, OpCall } from './builder.js';
import { Is, S } from './proto.js';
import { reshape_target, split_like, type Converter } from './ops_tensor.js';

/** `x` reshaped to `via`, its dims permuted by `perm`, reshaped to the call's output shape. */
function regroup(b: OnnxBuilder, c: OpCall, via: number[], perm: number[]): void {
  const x = c.x;
  const mid = b.node('Reshape', [b.name(x), b.i64(reshape_target(x.type!.shape, via))])[0]!;
  const moved = b.node('Transpose', [mid], { perm: Is(perm) })[0]!;
  b.emit(c.y, 'Reshape', [moved, b.i64(reshape_target(perm.map((i) => via[i]!), c.y.type!.shape))]);
}

/** The leading (batch) dims of a shuffle's input, before the channels and the last two (spatial) dims. */
const lead = (shape: readonly number[]): number[] => shape.slice(0, -3);

/** The converters of rearranging ops, by aten name. */
export const REARRANGE_OPS: Record<string, Converter> = {
  // [*, C·r², H, W] → [*, C, r, r, H, W] → [*, C, H, r, W, r] → [*, C, H·r, W·r]
  'aten::pixel_shuffle': (b, c) => {
    const s = c.x.type!.shape;
    const r = c.arg<number>('upscale_factor', 1, 1);
    const [C, H, W] = s.slice(-3) as [number, number, number];
    const k = lead(s).length;
    const at = (i: number): number => k + i;
    regroup(b, c, [...lead(s), C / (r * r), r, r, H, W], [...lead(s).map((_, i) => i), at(0), at(3), at(1), at(4), at(2)]);
  },
  // [*, C, H·r, W·r] → [*, C, H, r, W, r] → [*, C, r, r, H, W] → [*, C·r², H, W]
  'aten::pixel_unshuffle': (b, c) => {
    const s = c.x.type!.shape;
    const r = c.arg<number>('downscale_factor', 1, 1);
    const [C, H, W] = s.slice(-3) as [number, number, number];
    const k = lead(s).length;
    const at = (i: number): number => k + i;
    regroup(b, c, [...lead(s), C, H / r, r, W / r, r], [...lead(s).map((_, i) => i), at(0), at(2), at(4), at(1), at(3)]);
  },
  // [N, C, *] → [N, g, C/g, *] → [N, C/g, g, *] → [N, C, *]
  'aten::channel_shuffle': (b, c) => {
    const s = c.x.type!.shape;
    const g = c.arg<number>('groups', 1, 1);
    const rest = s.slice(2);
    regroup(b, c, [s[0]!, g, s[1]! / g, ...rest], [0, 2, 1, ...rest.map((_, i) => i + 3)]);
  },
  'aten::split_with_sizes': split_like,
  'aten::unsafe_split': split_like,
  'aten::unsafe_split_with_sizes': split_like,
  'aten::unsafe_chunk': split_like,
  'aten::broadcast_tensors': (b, c) => {
    const inputs = c.args.flat().filter((a): a is Value => a instanceof Value);
    c.outs.forEach((o, i) => b.emit(o, 'Expand', [b.name(inputs[i]!), b.i64(o.type!.shape)]));
  },
  'aten::atleast_1d': (b, c) => atleast(b, c),
  'aten::atleast_2d': (b, c) => atleast(b, c),
  'aten::atleast_3d': (b, c) => atleast(b, c),
  'aten::einsum': (b, c) => {
    const equation = (c.args[0] as string).replace(/\s+/g, '');
    if (equation.includes('...')) throw new Error('torch.onnx.export: einsum with an ellipsis is not supported in opset 17');
    const dt = c.y.type!.dtype;
    const operands = c.args.slice(1).flat().filter((a): a is Value => a instanceof Value);
    b.emit(c.y, 'Einsum', operands.map((o) => b.operand(o, dt)), { equation: S(equation) });
  },
};

/** atleast_Nd: each tensor reshaped to its output's shape (the inputs in call order, one output each). */
function atleast(b: OnnxBuilder, c: OpCall): void {
  const inputs = c.args.flat().filter((a): a is Value => a instanceof Value);
  c.outs.forEach((o, i) => b.emit(o, 'Reshape', [b.name(inputs[i]!), b.i64(o.type!.shape)]));
}

