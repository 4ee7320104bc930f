// Resampling on sparse maps: F.interpolate's modes for 1-d, 2-d and 3-d inputs (nearest, nearest-exact, linear,
// bilinear, bicubic, trilinear, area), and the shuffles (pixel_shuffle, pixel_unshuffle, channel_shuffle).
import { trace_op, tracing } from '../jit/tracer.js';
import { signature, type PyArgs } from '../signature.js';
import type { Tensor } from '../tensor.js';
import { numel_of } from '../shape.js';
import { apply_map, SparseMapBuilder } from './sparse_map.js';

type Mode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';
const LINEAR_MODES: Record<string, number> = { linear: 1, bilinear: 2, trilinear: 3, bicubic: 2 };

/** PyTorch's source-coordinate scale: (in−1)/(out−1) with align_corners, else 1/scale_factor when given, else in/out. */
function coordinate_scale(n: number, o: number, align_corners: boolean, sf: number | null): number {
  if (align_corners) return o > 1 ? (n - 1) / (o - 1) : 0;
  return sf !== null && sf > 0 ? 1 / sf : n / o;
}

/** Keys' cubic convolution weights (A = −0.75) for the four taps around fraction `t`. */
function cubic_weights(t: number): [number, number, number, number] {
  const A = -0.75;
  const near = (x: number): number => ((A + 2) * x - (A + 3)) * x * x + 1;
  const far = (x: number): number => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/** The 1-d taps `(source index, weight)` of every output position along one dim. */
function taps(mode: Mode, n: number, o: number, align_corners: boolean, sf: number | null): [number, number][][] {
  const scale = coordinate_scale(n, o, align_corners, sf);
  const clamp = (i: number): number => Math.min(Math.max(i, 0), n - 1);
  return Array.from({ length: o }, (_, i): [number, number][] => {
    if (mode === 'nearest') return [[Math.min(Math.floor(i * scale), n - 1), 1]];
    if (mode === 'nearest-exact') return [[Math.min(Math.floor((i + 0.5) * scale), n - 1), 1]];
    if (mode === 'area') {
      const s = Math.floor((i * n) / o);
      const e = Math.ceil(((i + 1) * n) / o);
      return Array.from({ length: e - s }, (_, k): [number, number] => [s + k, 1 / (e - s)]);
    }
    const real = align_corners ? i * scale : (i + 0.5) * scale - 0.5;
    if (mode === 'bicubic') {
      const i0 = Math.floor(real);
      const w = cubic_weights(real - i0);
      return w.map((wk, k): [number, number] => [clamp(i0 - 1 + k), wk]);
    }
    const src = Math.max(real, 0);
    const i0 = Math.min(Math.floor(src), n - 1);
    const i1 = Math.min(i0 + 1, n - 1);
    const l = src - i0;
    return i1 === i0 ? [[i0, 1]] : [[i0, 1 - l], [i1, l]];
  });
}

const INTERPOLATE = signature<{ input: Tensor; size: number[] | null; scale_factor: number[] | null; mode: string; align_corners: boolean | null; recompute_scale_factor: boolean | null; antialias: boolean }>(
  "interpolate(Tensor input, int[1]? size=None, float[1]? scale_factor=None, str mode='nearest', bool? align_corners=None, bool? recompute_scale_factor=None, bool antialias=False)");

/**
 * Resamples the spatial dims of `[N, C, ...]` (1 to 3 of them) to `size` or by `scale_factor`, with PyTorch's
 * coordinate rules for every mode.
 *
 * @example
 * F.interpolate(x, { scale_factor: 2, mode: 'bicubic' }); F.interpolate(x, { size: [8], mode: 'linear' })
 */
export function interpolate_nd(...args: PyArgs<[input: Tensor], { input?: Tensor; size?: number | number[] | null; scale_factor?: number | number[] | null; mode?: Mode; align_corners?: boolean | null; recompute_scale_factor?: boolean | null; antialias?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::interpolate', interpolate_nd, args, INTERPOLATE);
  const a = INTERPOLATE.parse(args);
  const nd = a.input.ndim - 2;
  if (nd < 1 || nd > 3) throw new Error(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${a.input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${a.mode})`);
  const mode = a.mode as Mode;
  if (!['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area'].includes(mode)) {
    throw new Error(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${a.input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  }
  const want = LINEAR_MODES[mode];
  if (want !== undefined && want !== nd) {
    throw new Error(`Got ${a.input.ndim}D input, but ${mode} mode needs ${want + 2}D input`);
  }
  if (a.align_corners !== null && want === undefined) throw new Error('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  if (a.antialias) throw new Error('tsgrad: antialias=True is not supported');
  const sp = a.input._shape.slice(2);
  const lead = a.input._shape.slice(0, 2);
  const expand = (v: number[]): number[] => (v.length === 1 ? sp.map(() => v[0]!) : v);
  let out: number[];
  let sf: (number | null)[] = sp.map(() => null);
  if (a.size !== null) {
    if (a.scale_factor !== null) throw new Error('only one of size or scale_factor should be defined');
    out = expand(a.size);
    if (out.length !== nd) throw new Error(`Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [${sp.join(', ')}] and output size of (${out.join(', ')}). Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`);
  } else if (a.scale_factor !== null) {
    const f = expand(a.scale_factor);
    if (f.length !== nd) throw new Error(`Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of [${sp.join(', ')}] and scale_factor of shape (${f.join(', ')}). Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`);
    // PyTorch casts the product to an integer (truncating toward zero); recompute_scale_factor floors it
    out = sp.map((n, i) => (a.recompute_scale_factor === true ? Math.floor(n * f[i]!) : Math.trunc(n * f[i]!)));
    sf = a.recompute_scale_factor === true ? sp.map(() => null) : f;
  } else throw new Error('either size or scale_factor should be defined');
  const per_dim = sp.map((n, d) => taps(mode, n, out[d]!, a.align_corners ?? false, sf[d]!));
  const strides = sp.map((_, d) => numel_of(sp.slice(d + 1)));
  const b = new SparseMapBuilder(numel_of(out), numel_of(sp));
  const idx = new Array<number>(nd).fill(0);
  for (let r = 0; r < numel_of(out); r++) {
    // the tensor product of the per-dim taps
    let terms: [number, number][] = [[0, 1]];
    for (let d = 0; d < nd; d++) {
      const next: [number, number][] = [];
      for (const [f, w] of terms) for (const [s, ws] of per_dim[d]![idx[d]!]!) next.push([f + s * strides[d]!, w * ws]);
      terms = next;
    }
    for (const [f, w] of terms) b.add(r, f, w);
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < out[d]!) break;
      idx[d] = 0;
    }
  }
  const names: Record<Mode, string> = {
    nearest: `UpsampleNearest${nd}DBackward0`, 'nearest-exact': `UpsampleNearestExact${nd}DBackward0`, linear: 'UpsampleLinear1DBackward0',
    bilinear: 'UpsampleBilinear2DBackward0', bicubic: 'UpsampleBicubic2DBackward0', trilinear: 'UpsampleTrilinear3DBackward0', area: `AdaptiveAvgPool${nd}DBackward0`,
  };
  return apply_map(a.input, b.build(), lead, out, names[mode]);
}

const PIXEL_SHUFFLE = signature<{ input: Tensor; upscale_factor: number }>('pixel_shuffle(Tensor input, int upscale_factor)');
/** `[*, C·r², H, W]` → `[*, C, H·r, W·r]`. @example F.pixel_shuffle(x, 2) */
export function pixel_shuffle(...args: PyArgs<[input: Tensor, upscale_factor: number], { input?: Tensor; upscale_factor?: number }>): Tensor {
  if (tracing) return trace_op('aten::pixel_shuffle', pixel_shuffle, args, PIXEL_SHUFFLE);
  const { input, upscale_factor: r } = PIXEL_SHUFFLE.parse(args);
  if (input.ndim < 3) throw new Error(`pixel_shuffle expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s)`);
  if (r <= 0) throw new Error(`pixel_shuffle expects a positive upscale_factor, but got ${r}`);
  const [C, H, W] = input._shape.slice(-3) as [number, number, number];
  if (C % (r * r) !== 0) throw new Error(`pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${C} is not divisible by ${r * r}`);
  const lead = input._shape.slice(0, -3);
  const n = lead.length;
  const x = input.reshape([...lead, C / (r * r), r, r, H, W]);
  const perm = [...lead.map((_, i) => i), n, n + 3, n + 1, n + 4, n + 2];
  return x.permute(perm).reshape([...lead, C / (r * r), H * r, W * r]);
}

const PIXEL_UNSHUFFLE = signature<{ input: Tensor; downscale_factor: number }>('pixel_unshuffle(Tensor input, int downscale_factor)');
/**
 * `[*, C, H·r, W·r]` → `[*, C·r², H, W]`, the inverse of pixel_shuffle (a reshape and permute). Arguments:
 * `pixel_unshuffle(input, downscale_factor)`.
 *
 * @example
 * F.pixel_unshuffle(torch.zeros(1, 1, 4, 4), 2).shape; // [1, 4, 2, 2]
 */
export function pixel_unshuffle(...args: PyArgs<[input: Tensor, downscale_factor: number], { input?: Tensor; downscale_factor?: number }>): Tensor {
  if (tracing) return trace_op('aten::pixel_unshuffle', pixel_unshuffle, args, PIXEL_UNSHUFFLE);
  const { input, downscale_factor: r } = PIXEL_UNSHUFFLE.parse(args);
  if (input.ndim < 3) throw new Error(`pixel_unshuffle expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s)`);
  if (r <= 0) throw new Error(`pixel_unshuffle expects a positive downscale_factor, but got ${r}`);
  const [C, H, W] = input._shape.slice(-3) as [number, number, number];
  if (H % r !== 0) throw new Error(`pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${H} is not divisible by ${r}`);
  if (W % r !== 0) throw new Error(`pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${W} is not divisible by ${r}`);
  const lead = input._shape.slice(0, -3);
  const n = lead.length;
  const x = input.reshape([...lead, C, H / r, r, W / r, r]);
  const perm = [...lead.map((_, i) => i), n, n + 2, n + 4, n + 1, n + 3];
  return x.permute(perm).reshape([...lead, C * r * r, H / r, W / r]);
}

const CHANNEL_SHUFFLE = signature<{ input: Tensor; groups: number }>('channel_shuffle(Tensor input, int groups)');
/** Interleaves the channels of `groups` groups (ShuffleNet). @example F.channel_shuffle(x, 2) */
export function channel_shuffle(...args: PyArgs<[input: Tensor, groups: number], { input?: Tensor; groups?: number }>): Tensor {
  if (tracing) return trace_op('aten::channel_shuffle', channel_shuffle, args, CHANNEL_SHUFFLE);
  const { input, groups: g } = CHANNEL_SHUFFLE.parse(args);
  if (g <= 0) throw new Error(`Number of groups to divide channels in must be positive. Value of groups:${g}`);
  const C = input._shape[1]!;
  if (C % g !== 0) throw new Error(`Number of channels must be divisible by groups. Got ${C} channels and ${g} groups.`);
  const [N, , ...rest] = input._shape as [number, number, ...number[]];
  return input.reshape([N, g, C / g, ...rest]).transpose(1, 2).reshape(input._shape);
}
