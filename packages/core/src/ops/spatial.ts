// N-d spatial ops on sparse maps: pad, im2col/col2im (F.unfold/F.fold), conv1d/conv3d and the transposed
// convolutions, 1-d/3-d and adaptive pooling, LP pooling, max unpooling, fractional max pooling.
import { trace_op, tracing } from '../jit/tracer.js';
import { signature, type PyArgs } from '../signature.js';
import { Tensor } from '../tensor.js';
import { numel_of } from '../shape.js';
import { add, mul } from './arithmetic.js';
import { apply_map, empty_row_fill, SparseMap, SparseMapBuilder } from './sparse_map.js';
import { conv2d, avg_pool2d } from './nn_ops.js';
import { abs, relu, sign } from './unary.js';
import { matmul } from './linalg.js';
import { max } from './reduce.js';
import { empty } from './record.js';
import { check_conv_args, check_conv_shapes, check_conv_transpose_args, check_spatial_rank, fill_empty_window_indices, max_pool1d_length, pool2d_params, pool3d_sizes } from './nn_geometry.js';

/** Strides of a row-major block of `shape`. */
function block_strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Calls `f(multi_index, flat)` for every position of a block, in row-major order. */
function each_position(shape: readonly number[], f: (idx: number[], flat: number) => void): void {
  const n = numel_of(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    f(idx, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

function check_geometry(name: string, kernel: readonly number[], stride: readonly number[], padding: readonly number[], dilation: readonly number[]): void {
  if (kernel.some((k) => k <= 0)) throw new Error(`${name}: kernel_size should be greater than zero, but got kernel_size=(${kernel.join(', ')})`);
  if (stride.some((s) => s <= 0)) throw new Error(`${name}: stride should be greater than zero, but got stride=(${stride.join(', ')})`);
  if (dilation.some((d) => d <= 0)) throw new Error(`${name}: dilation should be greater than zero, but got dilation=(${dilation.join(', ')})`);
  if (padding.some((p) => p < 0)) throw new Error(`${name}: negative padding is not supported`);
}

/** Output length of a window sweep (pooling's ceil_mode rule: the last window must start inside the input or left padding). */
function sweep_length(n: number, k: number, s: number, p: number, d: number, ceil_mode: boolean): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let out = (ceil_mode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil_mode && (out - 1) * s >= n + p) out--;
  return out;
}

/**
 * The windows of a sweep over a spatial block: row `l·K + k` reads input position `o·s − p + k·d` (no entry when
 * that falls in the padding). `index[l·K + k]` is that flat input position or −1.
 */
function window_map(in_sp: readonly number[], kernel: readonly number[], stride: readonly number[], padding: readonly number[], dilation: readonly number[], ceil_mode: boolean, name: string,
  windows?: readonly number[]): { out: number[]; K: number; map: SparseMap; index: Int32Array } {
  // `windows` fixes the window count (a transposed convolution's input size: its output_padding may exceed the
  // stride when the dilation is larger, and the sweep over the output would then count more windows than inputs)
  const out = windows !== undefined ? [...windows] : in_sp.map((n, i) => sweep_length(n, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, ceil_mode));
  if (out.some((o) => o <= 0)) {
    throw new Error(`${name}: Given input size: (${in_sp.join('x')}). Calculated output size: (${out.join('x')}). Output size is too small`);
  }
  const K = numel_of(kernel);
  const L = numel_of(out);
  const in_strides = block_strides(in_sp);
  const b = new SparseMapBuilder(L * K, numel_of(in_sp));
  const index = new Int32Array(L * K).fill(-1);
  each_position(out, (o, l) => {
    each_position(kernel, (k, kf) => {
      let flat = 0;
      for (let d = 0; d < in_sp.length; d++) {
        const x = o[d]! * stride[d]! - padding[d]! + k[d]! * dilation[d]!;
        if (x < 0 || x >= in_sp[d]!) return;
        flat += x * in_strides[d]!;
      }
      b.add(l * K + kf, flat);
      index[l * K + kf] = flat;
    });
  });
  return { out, K, map: b.build(), index };
}

/** `[N, C, ...sp]` (or `[C, ...sp]` unbatched) split into its parts, checking the spatial rank. */
function split_spatial(x: Tensor, nd: number, name: string): { lead: number[]; sp: number[]; batched: boolean } {
  check_spatial_rank(name, x._shape, nd);
  const batched = x.ndim === nd + 2;
  return { lead: x._shape.slice(0, x.ndim - nd), sp: x._shape.slice(x.ndim - nd), batched };
}

const tuple = (v: number | number[], n: number): number[] => (typeof v === 'number' ? new Array<number>(n).fill(v) : [...v]);

// ---- padding --------------------------------------------------------------------------------------------

const PAD = signature<{ input: Tensor; pad: number[]; mode: string; value: number | null }>("pad(Tensor input, int[] pad, str mode='constant', float? value=None)");

/**
 * Pads the last `pad.length / 2` dims (`pad` lists the last dim's left and right first): `'constant'` (negative
 * amounts crop), `'reflect'`, `'replicate'` or `'circular'`.
 *
 * @example
 * F.pad(x, [1, 1, 2, 0]); F.pad(x, [2, 2], { mode: 'reflect' })
 */
export function pad(...args: PyArgs<[input: Tensor, pad: number[], mode: string, value: number | null], { input?: Tensor; pad?: number[]; mode?: string; value?: number | null }>): Tensor {
  if (tracing) return trace_op('aten::pad', pad, args, PAD);
  const { input, pad: amounts, mode, value } = PAD.parse(args);
  if (amounts.length % 2 !== 0) throw new Error('Padding length must be divisible by 2');
  const nd = amounts.length / 2;
  if (nd > input.ndim) throw new Error('Padding length should be less than or equal to two times the input dimension but got padding length ' + amounts.length + ' and input of dimension ' + input.ndim);
  if (mode !== 'constant' && value !== null && value !== 0) throw new Error(`Padding mode "${mode}" doesn't take in value argument.`);
  const sp = input._shape.slice(input.ndim - nd);
  const lead = input._shape.slice(0, input.ndim - nd);
  // amounts for the spatial dims in order (first spatial dim first)
  const before = sp.map((_, i) => amounts[2 * (nd - 1 - i)]!);
  const after = sp.map((_, i) => amounts[2 * (nd - 1 - i) + 1]!);
  const out_sp = sp.map((n, i) => n + before[i]! + after[i]!);
  if (out_sp.some((n) => n < 0)) throw new Error(`The input size ${sp.join('x')}, plus negative padding ${amounts.join(', ')} resulted in a negative output size, which is invalid. Check dimension of your input.`);
  if (mode !== 'constant') {
    if (nd > 3 || (input.ndim !== nd + 1 && input.ndim !== nd + 2)) throw new Error(`Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now`);
    // checked last dim first, as PyTorch's kernels do; reflection_pad2d names the input's rank, the others its sizes
    for (let i = nd - 1; i >= 0; i--) {
      const n = sp[i]!;
      if (mode === 'reflect' && (before[i]! >= n || after[i]! >= n)) {
        const of = nd === 2 ? String(input.ndim) : `[${input._shape.join(', ')}]`;
        throw new Error(`Argument #${4 + 2 * (nd - 1 - i)}: Padding size should be less than the corresponding input dimension, but got: padding (${before[i]}, ${after[i]}) at dimension ${input.ndim - nd + i} of input ${of}`);
      }
      if (mode === 'circular' && (before[i]! > n || after[i]! > n)) throw new Error('Padding value causes wrapping around more than once.');
    }
  }
  const source = (x: number, n: number): number => {
    if (x >= 0 && x < n) return x;
    if (mode === 'constant') return -1;
    if (mode === 'replicate') return x < 0 ? 0 : n - 1;
    if (mode === 'circular') return ((x % n) + n) % n;
    if (mode === 'reflect') return x < 0 ? -x : 2 * (n - 1) - x;
    throw new Error(`Unrecognised padding mode ${mode}`);
  };
  const in_strides = block_strides(sp);
  const b = new SparseMapBuilder(numel_of(out_sp), numel_of(sp));
  each_position(out_sp, (o, r) => {
    let flat = 0;
    for (let d = 0; d < nd; d++) {
      const s = source(o[d]! - before[d]!, sp[d]!);
      if (s < 0) return;
      flat += s * in_strides[d]!;
    }
    b.add(r, flat);
  });
  const map = b.build();
  const names: Record<string, string> = { constant: 'ConstantPadNdBackward0', reflect: `ReflectionPad${nd}DBackward0`, replicate: `ReplicationPad${nd}DBackward0`, circular: 'CircularPadBackward0' };
  const out = apply_map(input, map, lead, out_sp, names[mode] ?? 'PadBackward0');
  const fill = value ?? 0;
  return mode === 'constant' && fill !== 0 ? add(out, empty_row_fill(map, lead, out_sp, fill, out._dtype)) : out;
}

// ---- im2col / col2im (F.unfold / F.fold) -----------------------------------------------------------------

type Ints = number | number[];
const IM2COL = signature<{ input: Tensor; kernel_size: number[]; dilation: number[]; padding: number[]; stride: number[] }>(
  'unfold(Tensor input, int[2] kernel_size, int[2] dilation=1, int[2] padding=0, int[2] stride=1)');

/**
 * Sliding local blocks of a `[N, C, H, W]` batch as columns `[N, C·kh·kw, L]` (F.unfold; Im2ColBackward0).
 *
 * @example
 * F.unfold(x, [2, 3], { padding: 1, stride: 2 })
 */
export function im2col(...args: PyArgs<[input: Tensor, kernel_size: Ints, dilation: Ints, padding: Ints, stride: Ints], { input?: Tensor; kernel_size?: Ints; dilation?: Ints; padding?: Ints; stride?: Ints }>): Tensor {
  if (tracing) return trace_op('aten::im2col', im2col, args, IM2COL);
  const a = IM2COL.parse(args);
  const { lead, sp, batched } = split_spatial(a.input, 2, 'unfold');
  check_geometry('unfold', a.kernel_size, a.stride, a.padding, a.dilation);
  const w = window_map(sp, a.kernel_size, a.stride, a.padding, a.dilation, false, 'unfold');
  const L = numel_of(w.out);
  const cols = apply_map(a.input, w.map, lead, [L, w.K], 'Im2ColBackward0', 'Col2ImBackward0');
  const C = lead[lead.length - 1]!;
  const r = cols.transpose(-1, -2).reshape([...lead.slice(0, -1), C * w.K, L]);
  return batched ? r : r;
}

const COL2IM = signature<{ input: Tensor; output_size: number[]; kernel_size: number[]; dilation: number[]; padding: number[]; stride: number[] }>(
  'fold(Tensor input, int[2] output_size, int[2] kernel_size, int[2] dilation=1, int[2] padding=0, int[2] stride=1)');

/**
 * Sums columns `[N, C·kh·kw, L]` back into `[N, C, H, W]` (Col2ImBackward0), the adjoint of unfold; overlapping
 * positions add up. PyTorch: `F.fold`. Arguments: `fold(input, output_size, kernel_size, dilation=1, padding=0,
 * stride=1)`.
 *
 * @example
 * F.fold(F.unfold(torch.ones(1, 1, 3, 3), 2), [3, 3], 2); // the centre is 4: it was in 4 windows
 */
export function col2im(...args: PyArgs<[input: Tensor, output_size: Ints, kernel_size: Ints, dilation: Ints, padding: Ints, stride: Ints], { input?: Tensor; output_size?: Ints; kernel_size?: Ints; dilation?: Ints; padding?: Ints; stride?: Ints }>): Tensor {
  if (tracing) return trace_op('aten::col2im', col2im, args, COL2IM);
  const a = COL2IM.parse(args);
  const x = a.input;
  if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`Expected 2D (unbatched) or 3D (batched) input to fold, but got input of size: [${x._shape.join(', ')}]`);
  check_geometry('fold', a.kernel_size, a.stride, a.padding, a.dilation);
  const w = window_map(a.output_size, a.kernel_size, a.stride, a.padding, a.dilation, false, 'fold');
  const L = numel_of(w.out);
  const [CK, Lx] = x._shape.slice(-2) as [number, number];
  if (CK % w.K !== 0) throw new Error(`Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${CK} and kernel_size=(${a.kernel_size.join(', ')})`);
  if (Lx !== L) throw new Error(`Given output_size=(${a.output_size.join(', ')}), kernel_size=(${a.kernel_size.join(', ')}), dilation=(${a.dilation.join(', ')}), padding=(${a.padding.join(', ')}), stride=(${a.stride.join(', ')}), expected size of input's dimension 2 to match the calculated number of sliding blocks ${w.out.join(' * ')} = ${L}, but got input.size(2)=${Lx}.`);
  const C = CK / w.K;
  const lead = [...x._shape.slice(0, -2), C];
  const cols = x.reshape([...lead, w.K, L]).transpose(-1, -2);
  return apply_map(cols, w.map.transpose(), lead, a.output_size, 'Col2ImBackward0', 'Im2ColBackward0');
}

// ---- convolutions ----------------------------------------------------------------------------------------

interface ConvArgs { input: Tensor; weight: Tensor; bias: Tensor | null; stride: number[]; padding: number[] | string; dilation: number[]; groups: number }

/** Resolves 'same' / 'valid' padding to amounts (symmetric; 'same' with an even kernel pads one more after). */
function conv_padding(padding: number[] | string, kernel: number[], dilation: number[], stride: number[], nd: number): { before: number[]; after: number[] } {
  if (typeof padding !== 'string') return { before: tuple(padding, nd), after: tuple(padding, nd) };
  if (padding === 'valid') return { before: new Array<number>(nd).fill(0), after: new Array<number>(nd).fill(0) };
  if (padding !== 'same') throw new Error(`Invalid padding string '${padding}', should be one of ['valid', 'same']`);
  if (stride.some((s) => s !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
  const total = kernel.map((k, i) => dilation[i]! * (k - 1));
  return { before: total.map((t) => Math.floor(t / 2)), after: total.map((t) => t - Math.floor(t / 2)) };
}

/** N-d convolution as windows times weights (the reference route for 3-d; conv1d goes through conv2d). */
function conv_nd(a: ConvArgs, nd: number, name: string): Tensor {
  const { weight, bias, groups } = a;
  const { lead, sp, batched } = split_spatial(a.input, nd, name);
  let x = batched ? a.input : a.input.unsqueeze(0);
  const N = x._shape[0]!;
  const C = lead[lead.length - 1]!;
  const O = weight._shape[0]!;
  const kernel = weight._shape.slice(2);
  if (weight.ndim !== nd + 2) throw new Error(`Expected ${nd + 2}-dimensional weight for ${nd + 2}-dimensional input, but got ${weight.ndim}-dimensional weight of size [${weight._shape.join(', ')}]`);
  check_conv_args(a.stride, typeof a.padding === 'string' ? [0] : a.padding, a.dilation, groups);
  const { before, after } = conv_padding(a.padding, kernel, a.dilation, a.stride, nd);
  check_conv_shapes(x._shape, weight._shape, groups, before.map((b, i) => (b + after[i]!) / 2), a.dilation);
  if (kernel.some((k) => k <= 0)) {
    throw new Error(nd === 3 ? `kernel size should be greater than zero, but got: ${kernel.join(' x ')} (TxHxW)` : `kernel size should be greater than zero, but got kernel_height: 1 kernel_width: ${kernel[0]}`);
  }
  // an uneven 'same' dim is padded explicitly, the even ones by the windows (never both)
  const even = before.map((p, i) => p === after[i]);
  if (even.includes(false)) {
    x = pad(x, before.flatMap((_, i) => (even[nd - 1 - i] ? [0, 0] : [before[nd - 1 - i]!, after[nd - 1 - i]!])));
  }
  const sym = before.map((p, i) => (even[i] ? p : 0));
  const w = window_map(x._shape.slice(2), kernel, a.stride, sym, a.dilation, false, name);
  const L = numel_of(w.out);
  const G = groups;
  const Cg = C / G;
  // cols [N, G, L, Cg·K] @ weightᵀ [G, Cg·K, O/G] → [N, G, L, O/G]
  const cols = apply_map(x, w.map, [N, C], [L, w.K], 'Im2ColBackward0', 'Col2ImBackward0')
    .reshape([N, G, Cg, L, w.K]).permute([0, 1, 3, 2, 4]).reshape([N, G, L, Cg * w.K]);
  const wt = weight.reshape([G, O / G, Cg * w.K]).transpose(1, 2);
  let out = matmul(cols, wt).permute([0, 1, 3, 2]).reshape([N, O, ...w.out]);
  if (bias !== null) out = add(out, bias.reshape([O, ...w.out.map(() => 1)]));
  return batched ? out : out.squeeze(0);
}

type ConvOptions = { stride?: Ints; padding?: Ints | 'same' | 'valid'; dilation?: Ints; groups?: number };
type ConvArgsOf = PyArgs<[input: Tensor, weight: Tensor, bias: Tensor | null, stride: Ints, padding: Ints | 'same' | 'valid', dilation: Ints, groups: number], ConvOptions & { input?: Tensor; weight?: Tensor; bias?: Tensor | null }>;
const CONV1D = signature<ConvArgs>('conv1d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, int[1]|str padding=0, int[1] dilation=1, int groups=1)');
const CONV3D = signature<ConvArgs>('conv3d(Tensor input, Tensor weight, Tensor? bias=None, int[3] stride=1, int[3]|str padding=0, int[3] dilation=1, int groups=1)');

/**
 * 1-d convolution over `[N, C, L]`, run as a 2-d convolution of height 1 (ConvolutionBackward0).
 *
 * @example
 * F.conv1d(x, w, b, { stride: 2, padding: 1 })
 */
export function conv1d(...args: ConvArgsOf): Tensor {
  if (tracing) return trace_op('aten::conv1d', conv1d, args, CONV1D);
  const a = CONV1D.parse(args);
  const p = typeof a.padding === 'string' ? a.padding : [0, a.padding[0]!];
  const batched = a.input.ndim === 3;
  if (a.input.ndim !== 2 && a.input.ndim !== 3) throw new Error(`Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [${a.input._shape.join(', ')}]`);
  // PyTorch's checks on the 1-d shapes (the 2-d route would word them with a height of 1)
  if (a.weight.ndim === 3) {
    const padding = typeof a.padding === 'string' ? [0] : a.padding;
    // PyTorch checks dilation after widening to 2-d, so its message lists a height dilation of 1
    check_conv_args(a.stride, padding, [1, a.dilation[0]!], a.groups);
    const x_shape = batched ? a.input._shape : [1, ...a.input._shape];
    if (typeof a.padding !== 'string' || a.padding === 'valid') check_conv_shapes(x_shape, a.weight._shape, a.groups, padding, a.dilation);
  }
  if (p === 'same' && a.weight._shape[2]! % 2 === 0) return conv_nd(a, 1, 'conv1d');
  const x = (batched ? a.input : a.input.unsqueeze(0)).unsqueeze(2);
  const out = conv2d(x, a.weight.unsqueeze(2), a.bias, { stride: [1, a.stride[0]!], padding: p as [number, number] | 'same' | 'valid', dilation: [1, a.dilation[0]!], groups: a.groups }).squeeze(2);
  return batched ? out : out.squeeze(0);
}

/** 3-d convolution over `[N, C, D, H, W]`. @example F.conv3d(x, w, null, { padding: 1 }) */
export function conv3d(...args: ConvArgsOf): Tensor {
  if (tracing) return trace_op('aten::conv3d', conv3d, args, CONV3D);
  const a = CONV3D.parse(args);
  return conv_nd(a, 3, 'conv3d');
}

interface ConvTArgs { input: Tensor; weight: Tensor; bias: Tensor | null; stride: number[]; padding: number[]; output_padding: number[]; groups: number; dilation: number[] }
type ConvTArgsOf = PyArgs<[input: Tensor, weight: Tensor, bias: Tensor | null, stride: Ints, padding: Ints, output_padding: Ints, groups: number, dilation: Ints], { input?: Tensor; weight?: Tensor; bias?: Tensor | null; stride?: Ints; padding?: Ints; output_padding?: Ints; groups?: number; dilation?: Ints }>;
const conv_t_sig = (nd: number) => signature<ConvTArgs>(`conv_transpose${nd}d(Tensor input, Tensor weight, Tensor? bias=None, int[${nd}] stride=1, int[${nd}] padding=0, int[${nd}] output_padding=0, int groups=1, int[${nd}] dilation=1)`);
const CONV_T = [conv_t_sig(1), conv_t_sig(2), conv_t_sig(3)] as const;

/** The transposed convolution: the adjoint of convolution w.r.t. its input (columns folded back with col2im). */
function conv_transpose_nd(a: ConvTArgs, nd: number): Tensor {
  const name = `conv_transpose${nd}d`;
  const { weight, bias, groups: G } = a;
  const { lead, sp, batched } = split_spatial(a.input, nd, name);
  check_conv_transpose_args(a.weight._shape.slice(2), a.stride, a.padding, a.output_padding, a.dilation, G);
  const x = batched ? a.input : a.input.unsqueeze(0);
  const N = x._shape[0]!;
  const C = lead[lead.length - 1]!;
  if (weight._shape[0] !== C) throw new Error(`Given transposed=1, weight of size [${weight._shape.join(', ')}], expected input[${x._shape.join(', ')}] to have ${weight._shape[0]} channels, but got ${C} channels instead`);
  const Og = weight._shape[1]!;
  const O = Og * G;
  const kernel = weight._shape.slice(2);
  check_geometry(name, kernel, a.stride, a.padding, a.dilation);
  const out_sp = sp.map((n, i) => (n - 1) * a.stride[i]! - 2 * a.padding[i]! + a.dilation[i]! * (kernel[i]! - 1) + a.output_padding[i]! + 1);
  const w = window_map(out_sp, kernel, a.stride, a.padding, a.dilation, false, name, sp);
  const L = numel_of(sp);
  const Cg = C / G;
  // columns [N, G, L, Og·K] = x [N, G, L, Cg] @ weight [G, Cg, Og·K]
  const xs = x.reshape([N, G, Cg, L]).transpose(2, 3);
  const cols = matmul(xs, weight.reshape([G, Cg, Og * w.K]))
    .reshape([N, G, L, Og, w.K]).permute([0, 1, 3, 2, 4]).reshape([N, O, L, w.K]);
  let out = apply_map(cols, w.map.transpose(), [N, O], out_sp, 'Col2ImBackward0', 'Im2ColBackward0');
  if (bias !== null) out = add(out, bias.reshape([O, ...out_sp.map(() => 1)]));
  return batched ? out : out.squeeze(0);
}

/** 1-d transposed convolution ("deconvolution"). @example F.conv_transpose1d(x, w, b, { stride: 2 }) */
export function conv_transpose1d(...args: ConvTArgsOf): Tensor {
  if (tracing) return trace_op('aten::conv_transpose1d', conv_transpose1d, args, CONV_T[0]);
  return conv_transpose_nd(CONV_T[0].parse(args), 1);
}
/** 2-d transposed convolution. @example F.conv_transpose2d(x, w, b, { stride: 2, padding: 1, output_padding: 1 }) */
export function conv_transpose2d(...args: ConvTArgsOf): Tensor {
  if (tracing) return trace_op('aten::conv_transpose2d', conv_transpose2d, args, CONV_T[1]);
  return conv_transpose_nd(CONV_T[1].parse(args), 2);
}
/**
 * 3-d transposed convolution over `[N, C_in, D, H, W]` with weight `[C_in, C_out/groups, kD, kH, kW]`
 * (ConvolutionBackward0). Arguments as `conv_transpose2d`.
 *
 * @example
 * F.conv_transpose3d(torch.zeros(1, 2, 3, 3, 3), torch.zeros(2, 4, 2, 2, 2), null, { stride: 2 }).shape; // [1, 4, 6, 6, 6]
 */
export function conv_transpose3d(...args: ConvTArgsOf): Tensor {
  if (tracing) return trace_op('aten::conv_transpose3d', conv_transpose3d, args, CONV_T[2]);
  return conv_transpose_nd(CONV_T[2].parse(args), 3);
}

// ---- pooling ---------------------------------------------------------------------------------------------

/** `[values, indices]` with named fields, as PyTorch's max pooling with `return_indices`. */
export type PoolWithIndices = [Tensor, Tensor] & {
  /** The pooled values. */
  readonly values: Tensor;
  /** Where each came from (int64, flat positions in each input plane), as `max_unpool` reads them. */
  readonly indices: Tensor;
};

function with_indices(values: Tensor, indices: Tensor): PoolWithIndices {
  const r = [values, indices] as [Tensor, Tensor] & { values: Tensor; indices: Tensor };
  Object.defineProperties(r, { values: { value: values }, indices: { value: indices } });
  return r;
}

/**
 * Max over windows given as a map with rows `[..., L, K]` (empty rows are padding, −∞): values `[...lead, ...out]`
 * and, when asked, the flat input position of each maximum (the first, as PyTorch).
 */
function max_over_windows(x: Tensor, map: SparseMap, lead: number[], out: number[], K: number, position: ((i: number, k: number) => number) | null): Tensor | PoolWithIndices {
  const L = numel_of(out);
  let win = apply_map(x, map, lead, [L, K], 'MaxPoolBackward0');
  win = add(win, empty_row_fill(map, lead, [L, K], -Infinity, win._dtype));
  const [values, arg] = max(win, -1);
  const v = values!.reshape([...lead, ...out]);
  if (position === null) return v;
  const a = arg!._contiguous_data();
  const ind = empty([...lead, ...out], 'int64');
  const d = ind._storage.data;
  for (let i = 0; i < d.length; i++) d[i] = position(i, a[i]!);
  return with_indices(v, ind);
}

interface MaxPoolArgs { input: Tensor; kernel_size: number[]; stride: number[] | null; padding: number[]; dilation: number[]; ceil_mode: boolean; return_indices: boolean }
type MaxPoolArgsOf = PyArgs<[input: Tensor, kernel_size: Ints, stride: Ints | null, padding: Ints, dilation: Ints, ceil_mode: boolean, return_indices: boolean], { input?: Tensor; kernel_size?: Ints; stride?: Ints | null; padding?: Ints; dilation?: Ints; ceil_mode?: boolean; return_indices?: boolean }>;
const max_pool_sig = (nd: number) => signature<MaxPoolArgs>(`max_pool${nd}d(Tensor input, int[${nd}] kernel_size, int[${nd}]? stride=None, int[${nd}] padding=0, int[${nd}] dilation=1, bool ceil_mode=False, bool return_indices=False)`, { python: `_max_pool${nd}d` });
const MAX_POOL1D = max_pool_sig(1);
const MAX_POOL3D = max_pool_sig(3);

function max_pool_nd(a: MaxPoolArgs, nd: number): Tensor | PoolWithIndices {
  const name = `max_pool${nd}d`;
  const { lead, sp } = split_spatial(a.input, nd, name);
  const stride = a.stride === null || a.stride.length === 0 ? a.kernel_size : a.stride;
  const [k, s, p, d] = [a.kernel_size, stride, a.padding, a.dilation];
  // PyTorch's checks: max_pool1d's own, or (with indices) those of max_pool2d over [.., 1, L]; max_pool3d's
  if (nd === 3) pool3d_sizes(lead[lead.length - 1]!, sp, k, s, p, d, a.ceil_mode, false);
  else if (!a.return_indices) max_pool1d_length(sp[0]!, k[0]!, s[0]!, p[0]!, d[0]!, a.ceil_mode);
  else pool2d_params([1, lead[lead.length - 1]!, 1, sp[0]!], [1, k[0]!], [1, s[0]!], [0, p[0]!], [1, d[0]!], a.ceil_mode);
  const w = window_map(sp, k, s, p, d, a.ceil_mode, name);
  const L = numel_of(w.out);
  const r = max_over_windows(a.input, w.map, lead, w.out, w.K, a.return_indices ? (i, kk) => w.index[(i % L) * w.K + kk]! : null);
  if (a.return_indices) fill_empty_window_indices((r as PoolWithIndices).indices._storage.data as Float64Array, sp, w.out, s, p, d);
  return r;
}

/** Max pooling over `[N, C, L]`. @example F.max_pool1d(x, 3, { stride: 2, padding: 1 }) */
export function max_pool1d(...args: MaxPoolArgsOf): Tensor | PoolWithIndices {
  if (tracing) return trace_op('aten::max_pool1d', max_pool1d, args, MAX_POOL1D) as Tensor | PoolWithIndices;
  return max_pool_nd(MAX_POOL1D.parse(args), 1);
}
/**
 * Max pooling over `[N, C, D, H, W]` (MaxPool3DWithIndicesBackward0). Arguments: `max_pool3d(input, kernel_size,
 * stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)`.
 *
 * @example
 * F.max_pool3d(torch.zeros(1, 1, 4, 4, 4), 2).shape; // [1, 1, 2, 2, 2]
 */
export function max_pool3d(...args: MaxPoolArgsOf): Tensor | PoolWithIndices {
  if (tracing) return trace_op('aten::max_pool3d', max_pool3d, args, MAX_POOL3D) as Tensor | PoolWithIndices;
  return max_pool_nd(MAX_POOL3D.parse(args), 3);
}

interface AvgPoolArgs { input: Tensor; kernel_size: number[]; stride: number[] | null; padding: number[]; ceil_mode: boolean; count_include_pad: boolean; divisor_override: number | null }
type AvgPoolArgsOf = PyArgs<[input: Tensor, kernel_size: Ints, stride: Ints | null, padding: Ints, ceil_mode: boolean, count_include_pad: boolean, divisor_override: number | null], { input?: Tensor; kernel_size?: Ints; stride?: Ints | null; padding?: Ints; ceil_mode?: boolean; count_include_pad?: boolean; divisor_override?: number | null }>;
const AVG_POOL1D = signature<AvgPoolArgs>('avg_pool1d(Tensor input, int[1] kernel_size, int[1]? stride=None, int[1] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)');
const AVG_POOL3D = signature<AvgPoolArgs>('avg_pool3d(Tensor input, int[3] kernel_size, int[3]? stride=None, int[3] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None)');

/** Average pooling as one map whose weights are PyTorch's divisors (padding counted or not, or an override). */
function avg_pool_nd(a: AvgPoolArgs, nd: number, name: string): Tensor {
  const { lead, sp } = split_spatial(a.input, nd, name);
  const stride = a.stride === null || a.stride.length === 0 ? a.kernel_size : a.stride;
  if (a.divisor_override !== null && a.divisor_override === 0) throw new Error('divisor must be not zero');
  // PyTorch's checks: avg_pool1d is avg_pool2d over [.., 1, L]; avg_pool3d's own
  const ones = sp.map(() => 1);
  if (nd === 3) pool3d_sizes(lead[lead.length - 1]!, sp, a.kernel_size, stride, a.padding, ones, a.ceil_mode, true);
  else pool2d_params([1, lead[lead.length - 1]!, 1, sp[0]!], [1, a.kernel_size[0]!], [1, stride[0]!], [0, a.padding[0]!], [1, 1], a.ceil_mode);
  const out = sp.map((n, i) => sweep_length(n, a.kernel_size[i]!, stride[i]!, a.padding[i]!, 1, a.ceil_mode));
  const in_strides = block_strides(sp);
  const b = new SparseMapBuilder(numel_of(out), numel_of(sp));
  each_position(out, (o, r) => {
    const lo: number[] = [];
    const hi: number[] = [];
    let padded_count = 1;
    let count = 1;
    for (let d = 0; d < nd; d++) {
      const start = o[d]! * stride[d]! - a.padding[d]!;
      const end = Math.min(start + a.kernel_size[d]!, sp[d]! + a.padding[d]!);
      padded_count *= end - start;
      lo.push(Math.max(start, 0));
      hi.push(Math.min(end, sp[d]!));
      count *= hi[d]! - lo[d]!;
    }
    const divisor = a.divisor_override ?? (a.count_include_pad ? padded_count : count);
    each_position(lo.map((l, d) => hi[d]! - l), (k) => {
      let flat = 0;
      for (let d = 0; d < nd; d++) flat += (lo[d]! + k[d]!) * in_strides[d]!;
      b.add(r, flat, 1 / divisor);
    });
  });
  return apply_map(a.input, b.build(), lead, out, `AvgPool${nd}DBackward0`);
}

/** Average pooling over `[N, C, L]`. @example F.avg_pool1d(x, 3, { stride: 2, padding: 1, count_include_pad: false }) */
export function avg_pool1d(...args: AvgPoolArgsOf): Tensor {
  if (tracing) return trace_op('aten::avg_pool1d', avg_pool1d, args, AVG_POOL1D);
  return avg_pool_nd(AVG_POOL1D.parse(args), 1, 'avg_pool1d');
}
/**
 * Average pooling over `[N, C, D, H, W]` (AvgPool3DBackward0). Arguments: `avg_pool3d(input, kernel_size,
 * stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)`; `stride` defaults to
 * the kernel size.
 *
 * @example
 * F.avg_pool3d(torch.ones(1, 1, 4, 4, 4), 2).shape; // [1, 1, 2, 2, 2]
 */
export function avg_pool3d(...args: AvgPoolArgsOf): Tensor {
  if (tracing) return trace_op('aten::avg_pool3d', avg_pool3d, args, AVG_POOL3D);
  return avg_pool_nd(AVG_POOL3D.parse(args), 3, 'avg_pool3d');
}

/** Adaptive windows: output `i` covers `[floor(i·n/o), ceil((i+1)·n/o))` on every dim. */
function adaptive_windows(sp: readonly number[], out: readonly number[], weighted: boolean): { map: SparseMap; index: Int32Array; K: number } {
  const ranges = sp.map((n, d) => Array.from({ length: out[d]! }, (_, i) => [Math.floor((i * n) / out[d]!), Math.ceil(((i + 1) * n) / out[d]!)] as [number, number]));
  const K = weighted ? 1 : numel_of(ranges.map((r) => Math.max(...r.map(([s, e]) => e - s))));
  const in_strides = block_strides(sp);
  const L = numel_of(out);
  const b = new SparseMapBuilder(L * K, numel_of(sp));
  const index = new Int32Array(L * K).fill(-1);
  each_position(out, (o, l) => {
    const lo = o.map((i, d) => ranges[d]![i]![0]);
    const size = o.map((i, d) => ranges[d]![i]![1] - ranges[d]![i]![0]);
    const n = numel_of(size);
    each_position(size, (k, kf) => {
      let flat = 0;
      for (let d = 0; d < sp.length; d++) flat += (lo[d]! + k[d]!) * in_strides[d]!;
      if (weighted) b.add(l, flat, 1 / n);
      else {
        b.add(l * K + kf, flat);
        index[l * K + kf] = flat;
      }
    });
  });
  return { map: b.build(), index, K };
}

type SizeArg = number | (number | null)[];
const output_size_of = (os: (number | null)[] | number, sp: readonly number[]): number[] => (typeof os === 'number' ? sp.map(() => os) : os.map((o, i) => (o === null ? sp[i]! : o)));
const ADAPTIVE_AVG = (nd: number) => signature<{ input: Tensor; output_size: (number | null)[] }>(`adaptive_avg_pool${nd}d(Tensor input, int?[${nd}] output_size)`);
const ADAPTIVE_AVG1D = ADAPTIVE_AVG(1);
const ADAPTIVE_AVG3D = ADAPTIVE_AVG(3);

function adaptive_avg_nd(input: Tensor, output_size: (number | null)[], nd: number): Tensor {
  const { lead, sp } = split_spatial(input, nd, `adaptive_avg_pool${nd}d`);
  const out = output_size_of(output_size, sp);
  // PyTorch runs the 1-d form as 2-d of height 1, and words the 3-d check as its 2-d one
  if (out.some((o) => o < 0)) throw new Error(`adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${nd === 1 ? `1, ${out[0]}` : `${out[0]}, ${out[1]},${out[2]}`}}`);
  return apply_map(input, adaptive_windows(sp, out, true).map, lead, out, `AdaptiveAvgPool${nd}DBackward0`);
}

/** Average over adaptive windows of `[N, C, L]`. @example F.adaptive_avg_pool1d(x, 4) */
export function adaptive_avg_pool1d(...args: PyArgs<[input: Tensor, output_size: SizeArg], { input?: Tensor; output_size?: SizeArg }>): Tensor {
  if (tracing) return trace_op('aten::adaptive_avg_pool1d', adaptive_avg_pool1d, args, ADAPTIVE_AVG1D);
  const a = ADAPTIVE_AVG1D.parse(args);
  return adaptive_avg_nd(a.input, a.output_size, 1);
}
/**
 * Average over adaptive windows of `[N, C, D, H, W]` (or unbatched `[C, D, H, W]`): the output has
 * `output_size` (an int or 3 ints); windows as PyTorch's `start = ⌊i·L/out⌋`, `end = ⌈(i+1)·L/out⌉`. Arguments:
 * `adaptive_avg_pool3d(input, output_size)`.
 *
 * @example
 * F.adaptive_avg_pool3d(torch.zeros(1, 2, 8, 8, 8), [2, 4, 8]).shape; // [1, 2, 2, 4, 8]
 */
export function adaptive_avg_pool3d(...args: PyArgs<[input: Tensor, output_size: SizeArg], { input?: Tensor; output_size?: SizeArg }>): Tensor {
  if (tracing) return trace_op('aten::adaptive_avg_pool3d', adaptive_avg_pool3d, args, ADAPTIVE_AVG3D);
  const a = ADAPTIVE_AVG3D.parse(args);
  return adaptive_avg_nd(a.input, a.output_size, 3);
}

const ADAPTIVE_MAX = (nd: number) => signature<{ input: Tensor; output_size: (number | null)[]; return_indices: boolean }>(`adaptive_max_pool${nd}d(Tensor input, int?[${nd}] output_size, bool return_indices=False)`, { python: `_adaptive_max_pool${nd}d` });
const ADAPTIVE_MAX_SIGS = [ADAPTIVE_MAX(1), ADAPTIVE_MAX(2), ADAPTIVE_MAX(3)] as const;
type AdaptiveMaxArgs = PyArgs<[input: Tensor, output_size: SizeArg, return_indices: boolean], { input?: Tensor; output_size?: SizeArg; return_indices?: boolean }>;

function adaptive_max_nd(args: readonly unknown[], nd: number): Tensor | PoolWithIndices {
  const a = ADAPTIVE_MAX_SIGS[nd - 1]!.parse(args);
  const { lead, sp } = split_spatial(a.input, nd, `adaptive_max_pool${nd}d`);
  const out = output_size_of(a.output_size, sp);
  const bad = out.find((o) => o < 0);
  if (bad !== undefined) throw new Error(`Trying to create tensor with negative dimension ${bad}: [${[...lead, ...(nd === 1 ? [1] : []), ...out].join(', ')}]`);
  const w = adaptive_windows(sp, out, false);
  const L = numel_of(out);
  return max_over_windows(a.input, w.map, lead, out, w.K, a.return_indices ? (i, k) => w.index[(i % L) * w.K + k]! : null);
}

/** Max over adaptive windows of `[N, C, L]`. @example F.adaptive_max_pool1d(x, 4) */
export function adaptive_max_pool1d(...args: AdaptiveMaxArgs): Tensor | PoolWithIndices {
  if (tracing) return trace_op('aten::adaptive_max_pool1d', adaptive_max_pool1d, args) as Tensor | PoolWithIndices;
  return adaptive_max_nd(args, 1);
}
/**
 * Max over adaptive windows of `[N, C, H, W]` (AdaptiveMaxPool2DBackward0), windows as `adaptive_avg_pool2d`.
 * Arguments: `adaptive_max_pool2d(input, output_size, return_indices=False)`; with `return_indices` the result
 * is `[values, indices]` (flat indices into each H·W plane).
 *
 * @example
 * const [y, idx] = F.adaptive_max_pool2d(x, 1, { return_indices: true });
 */
export function adaptive_max_pool2d(...args: AdaptiveMaxArgs): Tensor | PoolWithIndices {
  if (tracing) return trace_op('aten::adaptive_max_pool2d', adaptive_max_pool2d, args) as Tensor | PoolWithIndices;
  return adaptive_max_nd(args, 2);
}
/**
 * Max over adaptive windows of `[N, C, D, H, W]`, as `adaptive_max_pool2d`. Arguments:
 * `adaptive_max_pool3d(input, output_size, return_indices=False)`.
 *
 * @example
 * F.adaptive_max_pool3d(torch.zeros(1, 2, 8, 8, 8), 2).shape; // [1, 2, 2, 2, 2]
 */
export function adaptive_max_pool3d(...args: AdaptiveMaxArgs): Tensor | PoolWithIndices {
  if (tracing) return trace_op('aten::adaptive_max_pool3d', adaptive_max_pool3d, args) as Tensor | PoolWithIndices;
  return adaptive_max_nd(args, 3);
}

const LP_POOL = (nd: number) => signature<{ input: Tensor; norm_type: number; kernel_size: number[]; stride: number[] | null; ceil_mode: boolean }>(
  `lp_pool${nd}d(Tensor input, float norm_type, int[${nd}] kernel_size, int[${nd}]? stride=None, bool ceil_mode=False)`);
const LP_POOL_SIGS = [LP_POOL(1), LP_POOL(2), LP_POOL(3)] as const;
type LpArgs = PyArgs<[input: Tensor, norm_type: number, kernel_size: Ints, stride: Ints | null, ceil_mode: boolean], { input?: Tensor; norm_type?: number; kernel_size?: Ints; stride?: Ints | null; ceil_mode?: boolean }>;

/** `(Σ_window xᵖ)^(1/p)`, composed from average pooling as PyTorch composes it. */
function lp_pool_nd(args: readonly unknown[], nd: 1 | 2 | 3): Tensor {
  const a = LP_POOL_SIGS[nd - 1]!.parse(args);
  const p = a.norm_type;
  const xp = a.input.pow(p);
  const stride = a.stride ?? a.kernel_size;
  const pooled = nd === 1
    ? avg_pool1d(xp, a.kernel_size, stride, 0, a.ceil_mode)
    : nd === 2
      ? avg_pool2d(xp, a.kernel_size as [number, number], { stride: stride as [number, number], ceil_mode: a.ceil_mode })
      : avg_pool3d(xp, a.kernel_size, stride, 0, a.ceil_mode);
  const n = numel_of(a.kernel_size);
  return mul(mul(sign(pooled), relu(abs(pooled))), n).pow(1 / p);
}

/** LP pooling over `[N, C, L]`. @example F.lp_pool1d(x, 2, 3, { stride: 2 }) */
export function lp_pool1d(...args: LpArgs): Tensor {
  if (tracing) return trace_op('aten::lp_pool1d', lp_pool1d, args);
  return lp_pool_nd(args, 1);
}
/**
 * Power-average pooling `(Σ xᵖ)^(1/p)` over `[N, C, H, W]` windows, composed as PyTorch composes it. Arguments:
 * `lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False)`.
 *
 * @example
 * F.lp_pool2d(torch.ones(1, 1, 2, 2), 2, 2); // [[[[2]]]]
 */
export function lp_pool2d(...args: LpArgs): Tensor {
  if (tracing) return trace_op('aten::lp_pool2d', lp_pool2d, args);
  return lp_pool_nd(args, 2);
}

/**
 * Power-average pooling `(Σ xᵖ)^(1/p)` over `[N, C, D, H, W]` windows (PyTorch 2.2's `F.lp_pool3d`), composed as
 * the 1-d and 2-d forms. Arguments: `lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False)`.
 *
 * @example
 * F.lp_pool3d(torch.ones(1, 1, 2, 2, 2), 1, 2); // [[[[[8]]]]]
 */
export function lp_pool3d(...args: LpArgs): Tensor {
  if (tracing) return trace_op('aten::lp_pool3d', lp_pool3d, args);
  return lp_pool_nd(args, 3);
}

const MAX_UNPOOL = (nd: number) => signature<{ input: Tensor; indices: Tensor; kernel_size: number[]; stride: number[] | null; padding: number[]; output_size: number[] | null }>(
  `max_unpool${nd}d(Tensor input, Tensor indices, int[${nd}] kernel_size, int[${nd}]? stride=None, int[${nd}] padding=0, int[]? output_size=None)`);
const MAX_UNPOOL_SIGS = [MAX_UNPOOL(1), MAX_UNPOOL(2), MAX_UNPOOL(3)] as const;
type UnpoolArgs = PyArgs<[input: Tensor, indices: Tensor, kernel_size: Ints, stride: Ints | null, padding: Ints, output_size: number[] | null], { input?: Tensor; indices?: Tensor; kernel_size?: Ints; stride?: Ints | null; padding?: Ints; output_size?: number[] | null }>;

/** Places each value at its recorded position in a zero output (the inverse of max pooling's selection). */
function max_unpool_nd(args: readonly unknown[], nd: number): Tensor {
  const a = MAX_UNPOOL_SIGS[nd - 1]!.parse(args);
  const name = `max_unpool${nd}d`;
  const { lead, sp } = split_spatial(a.input, nd, name);
  if (a.indices._shape.join() !== a.input._shape.join()) throw new Error(`Expected shape of indices to be same as that of the input tensor (${a.input._shape.join(', ')}) but got indices tensor with shape: (${a.indices._shape.join(', ')})`);
  const stride = a.stride ?? a.kernel_size;
  const default_out = sp.map((n, i) => (n - 1) * stride[i]! - 2 * a.padding[i]! + a.kernel_size[i]!);
  let out = default_out;
  if (a.output_size !== null) {
    out = a.output_size.slice(a.output_size.length - nd);
    out.forEach((o, i) => {
      const lo = default_out[i]! - stride[i]!;
      const hi = default_out[i]! + stride[i]!;
      if (o <= lo || o >= hi) throw new Error(`invalid output_size "[${out.join(', ')}]" (dim ${i} must be between ${lo} and ${hi})`);
    });
  }
  const planes = numel_of(lead);
  const n_in = numel_of(sp);
  const n_out = numel_of(out);
  const idx = a.indices._contiguous_data();
  // one map over the whole tensor: each plane scatters with its own indices. Where two values name one
  // position the last write wins, as in PyTorch, but the gradient reads that position for every value (PyTorch
  // differentiates max_unpool as a gather at the indices)
  const gather = new SparseMapBuilder(planes * n_in, planes * n_out);
  const writer = new Map<number, number>();
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < n_in; i++) {
      const at = idx[p * n_in + i]!;
      if (at < 0 || at >= n_out) throw new Error(`Found an invalid max index: ${at} (output volumes are of size ${out.join('x')}`);
      gather.add(p * n_in + i, p * n_out + at);
      writer.set(p * n_out + at, p * n_in + i);
    }
  }
  const b = new SparseMapBuilder(planes * n_out, planes * n_in);
  for (const r of [...writer.keys()].sort((x, y) => x - y)) b.add(r, writer.get(r)!);
  return apply_map(a.input, b.build(), [], [...lead, ...out], `MaxUnpool${nd}DBackward0`, `MaxUnpool${nd}DBackward0`, gather.build());
}

/** Inverse of max_pool1d. @example F.max_unpool1d(y, indices, 2) */
export function max_unpool1d(...args: UnpoolArgs): Tensor {
  if (tracing) return trace_op('aten::max_unpool1d', max_unpool1d, args);
  return max_unpool_nd(args, 1);
}
/**
 * Partial inverse of max_pool2d: each value goes to the position its index names, zeros elsewhere
 * (MaxUnpool2DBackward0). Arguments: `max_unpool2d(input, indices, kernel_size, stride=None, padding=0,
 * output_size=None)`.
 *
 * @example
 * const [y, idx] = F.max_pool2d(x, 2, { return_indices: true }); F.max_unpool2d(y, idx, 2);
 */
export function max_unpool2d(...args: UnpoolArgs): Tensor {
  if (tracing) return trace_op('aten::max_unpool2d', max_unpool2d, args);
  return max_unpool_nd(args, 2);
}
/**
 * Partial inverse of max_pool3d, as `max_unpool2d`. Arguments: `max_unpool3d(input, indices, kernel_size,
 * stride=None, padding=0, output_size=None)`.
 *
 * @example
 * const [y, idx] = F.max_pool3d(x, 2, { return_indices: true }); F.max_unpool3d(y, idx, 2);
 */
export function max_unpool3d(...args: UnpoolArgs): Tensor {
  if (tracing) return trace_op('aten::max_unpool3d', max_unpool3d, args);
  return max_unpool_nd(args, 3);
}

const FRACTIONAL = (nd: number) => signature<{ input: Tensor; kernel_size: number[]; output_size: number[] | null; output_ratio: number[] | null; return_indices: boolean; _random_samples: Tensor | null }>(
  `fractional_max_pool${nd}d(Tensor input, int[${nd}] kernel_size, int[${nd}]? output_size=None, float[${nd}]? output_ratio=None, bool return_indices=False, Tensor? _random_samples=None)`, { python: `_fractional_max_pool${nd}d`, native: { _random_samples: 'random_samples' } });
const FRACTIONAL_SIGS = [FRACTIONAL(2), FRACTIONAL(3)] as const;
type FractionalArgs = PyArgs<[input: Tensor, kernel_size: Ints], { input?: Tensor; kernel_size?: Ints; output_size?: Ints | null; output_ratio?: number | number[] | null; return_indices?: boolean; _random_samples?: Tensor | null }>;

/**
 * Pseudo-random window starts: `floor((i + u)·α) − floor(u·α)` with `α = (n − k)/(o − 1)`, the last at `n − k`,
 * computed in the input's precision (`round`) as PyTorch's kernel does.
 */
function fractional_starts(u: number, n: number, o: number, k: number, round: (v: number) => number): number[] {
  const alpha = o > 1 ? round((n - k) / (o - 1)) : 0;
  return Array.from({ length: o }, (_, i) => (i === o - 1 ? n - k : Math.floor(round(round(i + u) * alpha)) - Math.floor(round(u * alpha))));
}

/** Fractional max pooling (Graham, 2014) with windows placed by `_random_samples` `[N, C, nd]` (drawn when absent). */
function fractional_nd(args: readonly unknown[], nd: 2 | 3): Tensor | PoolWithIndices {
  const a = FRACTIONAL_SIGS[nd - 2]!.parse(args);
  const name = `fractional_max_pool${nd}d`;
  const { lead, sp, batched } = split_spatial(a.input, nd, name);
  let out: number[];
  if (a.output_size !== null) out = a.output_size;
  else if (a.output_ratio !== null) out = sp.map((n, i) => Math.floor(n * a.output_ratio![i]!));
  else throw new Error('fractional_max_pool requires specifying either an output_size or an output_ratio');
  out.forEach((o, i) => {
    if (o + a.kernel_size[i]! - 1 > sp[i]!) throw new Error(`${name}(): pool size ${a.kernel_size[i]} and output size ${o} are too large for input size ${sp[i]}`);
  });
  const planes = numel_of(lead);
  const samples = a._random_samples ?? torch_rand([batched ? lead[0]! : 1, lead[lead.length - 1]!, nd]);
  const u = samples._contiguous_data();
  const K = numel_of(a.kernel_size);
  const L = numel_of(out);
  const n_in = numel_of(sp);
  const in_strides = block_strides(sp);
  const b = new SparseMapBuilder(planes * L * K, planes * n_in);
  const index = new Int32Array(planes * L * K);
  const round = a.input._dtype === 'float64' ? (v: number) => v : Math.fround;
  for (let p = 0; p < planes; p++) {
    // PyTorch's 2-d kernel reads a plane's samples as (width, height); the 3-d one as (depth, height, width)
    const starts = sp.map((n, d) => fractional_starts(u[p * nd + (nd === 2 ? 1 - d : d)]!, n, out[d]!, a.kernel_size[d]!, round));
    each_position(out, (o, l) => {
      each_position(a.kernel_size, (k, kf) => {
        let flat = 0;
        for (let d = 0; d < nd; d++) flat += (starts[d]![o[d]!]! + k[d]!) * in_strides[d]!;
        const row = (p * L + l) * K + kf;
        b.add(row, p * n_in + flat);
        index[row] = p * n_in + flat;
      });
    });
  }
  const position = (i: number, k: number): number => index[i * K + k]! - Math.floor(i / L) * n_in;
  return max_over_windows(a.input.reshape([planes * n_in]), b.build(), [], [...lead, ...out], K, a.return_indices ? position : null);
}

function torch_rand(shape: number[]): Tensor {
  return Tensor.empty(shape, 'float32').uniform_();
}

/** Fractional max pooling over `[N, C, H, W]`. @example F.fractional_max_pool2d(x, 2, { output_size: [3, 3] }) */
export function fractional_max_pool2d(...args: FractionalArgs): Tensor | PoolWithIndices {
  if (tracing) return trace_op('aten::fractional_max_pool2d', fractional_max_pool2d, args) as Tensor | PoolWithIndices;
  return fractional_nd(args, 2);
}
/**
 * Fractional max pooling over `[N, C, D, H, W]`, as `fractional_max_pool2d` (pseudo-random window starts from the
 * default generator, or `_random_samples`). Arguments: `fractional_max_pool3d(input, kernel_size, output_size=None,
 * output_ratio=None, return_indices=False, _random_samples=None)`; exactly one of `output_size`, `output_ratio`.
 *
 * @example
 * F.fractional_max_pool3d(torch.rand(1, 1, 8, 8, 8), 2, { output_ratio: 0.5 }).shape; // [1, 1, 4, 4, 4]
 */
export function fractional_max_pool3d(...args: FractionalArgs): Tensor | PoolWithIndices {
  if (tracing) return trace_op('aten::fractional_max_pool3d', fractional_max_pool3d, args) as Tensor | PoolWithIndices;
  return fractional_nd(args, 3);
}

