// Sampling at arbitrary points: affine_grid_generator (F.affine_grid's op, AffineGridGeneratorBackward0) and
// grid_sampler (F.grid_sample's, GridSampler2DBackward0 / GridSampler3DBackward0) over 2-d and 3-d maps.
import { no_grad } from '../autograd/grad_mode.js';
import { scalar_type_name, type DType } from '../dtype.js';
import { trace_op, tracing } from '../jit/tracer.js';
import { signature, type PyArgs } from '../signature.js';
import { Tensor } from '../tensor.js';
import { base_grid } from './grid_points.js';
import { bmm } from './linalg.js';
import { empty, record, record_not_implemented } from './record.js';

const AFFINE_GRID = signature<{ theta: Tensor; size: number[]; align_corners: boolean }>('affine_grid_generator(Tensor theta, int[] size, bool align_corners)');

/**
 * The sampling grid `[N, H, W, 2]` (or `[N, D, H, W, 3]`) of the affine maps `theta` (`[N, 2, 3]` / `[N, 3, 4]`)
 * for an output of `size`: each point's normalized coordinates mapped by its batch's matrix.
 *
 * @example
 * torch.affine_grid_generator(torch.tensor([[[1, 0, 0], [0, 1, 0]]]), [1, 1, 2, 2], false); // identity grid
 */
export function affine_grid_generator(...args: PyArgs<[theta: Tensor, size: number[], align_corners: boolean], { theta?: Tensor; size?: number[]; align_corners?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::affine_grid_generator', affine_grid_generator, args, AFFINE_GRID);
  const { theta, size, align_corners } = AFFINE_GRID.parse(args);
  const k = size.length - 2;
  if (k !== 2 && k !== 3) throw new Error(`affine_grid_generator: expected a 4-d or 5-d size, got [${size.join(', ')}]`);
  const N = size[0]!;
  const base = base_grid(theta._dtype, size, align_corners);
  const points = base._shape[1]!;
  const out = no_grad(() => bmm(base, theta.transpose(1, 2)).reshape([N, ...size.slice(2), k]));
  record('AffineGridGeneratorBackward0', [theta], [out], (_ctx, [g]) => [bmm(base.transpose(1, 2), g!.reshape([N, points, k])).transpose(1, 2)]);
  return out;
}

/** Where one grid coordinate samples along a dim of `size` pixels, and d(source)/d(coordinate). */
interface Source {
  at: number;
  slope: number;
}

/** Reflects `x` into [lo/2, hi/2] (twice the bounds given, as they may be half-pixels), with the slope's sign. */
function reflect(x: number, twice_lo: number, twice_hi: number): Source {
  if (twice_lo === twice_hi) return { at: 0, slope: 0 };
  const lo = twice_lo / 2;
  const span = (twice_hi - twice_lo) / 2;
  let v = x - lo;
  let sign = 1;
  if (v < 0) {
    sign = -1;
    v = -v;
  }
  const extra = v % span;
  const flips = Math.floor(v / span);
  return flips % 2 === 0 ? { at: extra + lo, slope: sign } : { at: span - extra + lo, slope: -sign };
}

/** Clamps to [0, size-1]; the slope is 0 on and beyond either end, as PyTorch's gradient is. */
function clip(x: number, size: number): Source {
  if (x <= 0) return { at: 0, slope: 0 };
  if (x >= size - 1) return { at: size - 1, slope: 0 };
  return { at: x, slope: 1 };
}

/** The source position of normalized coordinate `c` along a dim of `size`, padding applied (not for bicubic). */
function source(c: number, size: number, padding: number, align_corners: boolean, pad: boolean): Source {
  let at = align_corners ? ((c + 1) / 2) * (size - 1) : ((c + 1) * size - 1) / 2;
  let slope = align_corners ? (size - 1) / 2 : size / 2;
  if (pad && padding === 1) {
    const r = clip(at, size);
    at = r.at;
    slope *= r.slope;
  } else if (pad && padding === 2) {
    const r = align_corners ? reflect(at, 0, 2 * (size - 1)) : reflect(at, -1, 2 * size - 1);
    const q = clip(r.at, size);
    at = q.at;
    slope *= r.slope * q.slope;
  }
  // non-finite or huge coordinates sample nothing, as PyTorch's conversion to int does
  if (!Number.isFinite(at) || Math.abs(at) > 2147483647) at = -100;
  return { at, slope };
}

/** Keys' cubic convolution (A = -0.75): the four taps' weights at fraction `t`, and their derivatives. */
function cubic(t: number): { w: number[]; dw: number[] } {
  const A = -0.75;
  const near = (x: number): number => ((A + 2) * x - (A + 3)) * x * x + 1;
  const far = (x: number): number => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  const d_near = (x: number): number => (3 * (A + 2) * x - 2 * (A + 3)) * x;
  const d_far = (x: number): number => (3 * A * x - 10 * A) * x + 8 * A;
  return { w: [far(t + 1), near(t), near(1 - t), far(2 - t)], dw: [d_far(t + 1), d_near(t), -d_near(1 - t), -d_far(2 - t)] };
}

/**
 * One output point's taps along every dim: source indices (or -1 when out of bounds: they read zero), their
 * weights, and the weights' derivatives by the point's grid coordinate along that dim.
 */
interface Taps {
  index: number[][];
  weight: number[][];
  d_weight: number[][];
}

function point_taps(coords: number[], spatial: number[], mode: number, padding: number, align_corners: boolean): Taps {
  const k = spatial.length;
  const t: Taps = { index: [], weight: [], d_weight: [] };
  for (let j = 0; j < k; j++) {
    // spatial dim j (of D, H, W order) is sampled by grid coordinate k-1-j (x is W's)
    const size = spatial[j]!;
    const s = source(coords[k - 1 - j]!, size, padding, align_corners, mode !== 2);
    const inside = (i: number): number => (i >= 0 && i < size ? i : -1);
    if (mode === 1) {
      // nearest: round half to even, and no gradient for the grid
      const r = Math.round(s.at);
      const i = Math.abs(s.at - Math.trunc(s.at)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
      t.index.push([inside(i)]);
      t.weight.push([1]);
      t.d_weight.push([0]);
    } else if (mode === 0) {
      const i0 = Math.floor(s.at);
      const f = s.at - i0;
      t.index.push([inside(i0), inside(i0 + 1)]);
      t.weight.push([1 - f, f]);
      t.d_weight.push([-s.slope, s.slope]);
    } else {
      // bicubic: four taps, each brought inside by the padding mode on its own
      const i0 = Math.floor(s.at);
      const { w, dw } = cubic(s.at - i0);
      const tap = (i: number): number => {
        if (padding === 0) return inside(i);
        const p = padding === 1 ? clip(i, size).at : clip((align_corners ? reflect(i, 0, 2 * (size - 1)) : reflect(i, -1, 2 * size - 1)).at, size).at;
        return inside(Math.trunc(p));
      };
      t.index.push([tap(i0 - 1), tap(i0), tap(i0 + 1), tap(i0 + 2)]);
      t.weight.push(w);
      t.d_weight.push(dw.map((d) => d * s.slope));
    }
  }
  return t;
}

/** Every combination of one tap per dim: its flat input offset (or -1), weight, and weight's partials. */
function corners(t: Taps, strides: number[], visit: (offset: number, weight: number, partial: (j: number) => number) => void): void {
  const k = t.index.length;
  const pick = new Array<number>(k).fill(0);
  const count = t.index.map((x) => x.length);
  for (;;) {
    let offset = 0;
    let weight = 1;
    for (let j = 0; j < k; j++) {
      const i = t.index[j]![pick[j]!]!;
      if (i < 0) offset = -Infinity;
      else offset += i * strides[j]!;
      weight *= t.weight[j]![pick[j]!]!;
    }
    const partial = (j: number): number => {
      let w = t.d_weight[j]![pick[j]!]!;
      for (let e = 0; e < k; e++) if (e !== j) w *= t.weight[e]![pick[e]!]!;
      return w;
    };
    visit(offset === -Infinity ? -1 : offset, weight, partial);
    let j = k - 1;
    for (; j >= 0; j--) {
      if (++pick[j]! < count[j]!) break;
      pick[j] = 0;
    }
    if (j < 0) return;
  }
}

interface Sampling {
  input: Tensor;
  grid: Tensor;
  mode: number;
  padding: number;
  align_corners: boolean;
}

/** Walks every output point with its taps: `n` the batch, `p` the point, `base` the input offset of batch n. */
function each_point(s: Sampling, visit: (n: number, p: number, taps: Taps) => void): void {
  const { input, grid } = s;
  const spatial = input._shape.slice(2);
  const k = spatial.length;
  const N = input._shape[0]!;
  const points = grid._shape.slice(1, -1).reduce((a, b) => a * b, 1);
  const g = grid._contiguous_data();
  const coords = new Array<number>(k);
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < points; p++) {
      for (let c = 0; c < k; c++) coords[c] = g[(n * points + p) * k + c]!;
      visit(n, p, point_taps(coords, spatial, s.mode, s.padding, s.align_corners));
    }
  }
}

function spatial_strides(spatial: number[]): number[] {
  return spatial.map((_, j) => spatial.slice(j + 1).reduce((a, b) => a * b, 1));
}

function sample_forward(s: Sampling): Tensor {
  const [N, C] = s.input._shape as [number, number];
  const spatial = s.input._shape.slice(2);
  const plane = spatial.reduce((a, b) => a * b, 1);
  const out_spatial = s.grid._shape.slice(1, -1);
  const points = out_spatial.reduce((a, b) => a * b, 1);
  const x = s.input._contiguous_data();
  const out = empty([N, C, ...out_spatial], s.input._dtype);
  const o = out._storage.data;
  const strides = spatial_strides(spatial);
  const acc = new Float64Array(C);
  each_point(s, (n, p, taps) => {
    acc.fill(0);
    corners(taps, strides, (offset, weight) => {
      if (offset < 0) return;
      for (let c = 0; c < C; c++) acc[c]! += x[(n * C + c) * plane + offset]! * weight;
    });
    for (let c = 0; c < C; c++) o[(n * C + c) * points + p] = acc[c]!;
  });
  return out;
}

function sample_backward(s: Sampling, g: Tensor, need_input: boolean, need_grid: boolean): [Tensor | null, Tensor | null] {
  const [N, C] = s.input._shape as [number, number];
  const spatial = s.input._shape.slice(2);
  const k = spatial.length;
  const plane = spatial.reduce((a, b) => a * b, 1);
  const points = s.grid._shape.slice(1, -1).reduce((a, b) => a * b, 1);
  const x = s.input._contiguous_data();
  const gd = g._contiguous_data();
  const gi = need_input ? empty(s.input._shape, s.input._dtype) : null;
  const gg = need_grid ? empty(s.grid._shape, s.grid._dtype) : null;
  const gi_d = gi === null ? null : gi._storage.data.fill(0);
  const gg_d = gg === null ? null : gg._storage.data.fill(0);
  const strides = spatial_strides(spatial);
  const partials = new Float64Array(k);
  const slopes = new Float64Array(k);
  each_point(s, (n, p, taps) => {
    partials.fill(0);
    corners(taps, strides, (offset, weight, partial) => {
      if (offset < 0) return;
      for (let j = 0; j < k && gg_d !== null; j++) slopes[j] = partial(j);
      for (let c = 0; c < C; c++) {
        const go = gd[(n * C + c) * points + p]!;
        if (gi_d !== null) gi_d[(n * C + c) * plane + offset]! += go * weight;
        if (gg_d !== null) {
          const v = x[(n * C + c) * plane + offset]! * go;
          for (let j = 0; j < k; j++) partials[j]! += v * slopes[j]!;
        }
      }
    });
    if (gg_d !== null) for (let j = 0; j < k; j++) gg_d[(n * points + p) * k + (k - 1 - j)] = partials[j]!;
  });
  return [gi, gg];
}

const GRID_SAMPLER = signature<{ input: Tensor; grid: Tensor; interpolation_mode: number; padding_mode: number; align_corners: boolean }>(
  'grid_sampler(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, bool align_corners)');

/** PyTorch's checks of grid_sampler's operands, in its words and order (the common ones, then the 2-d / 3-d kernel's). */
function check_sampling(input: Tensor, grid: Tensor, mode: number): void {
  const sizes = (t: Tensor): string => `[${t._shape.join(', ')}]`;
  if (input.ndim < 1 || grid.ndim < 1 || input._shape[0] !== grid._shape[0]) {
    throw new Error(`grid_sampler(): expected grid and input to have same batch size, but got input with sizes ${sizes(input)} and grid with sizes ${sizes(grid)}`);
  }
  if (grid._shape[grid.ndim - 1] !== input.ndim - 2) {
    throw new Error(`grid_sampler(): expected grid to have size ${input.ndim - 2} in last dimension, but got grid with sizes ${sizes(grid)}`);
  }
  for (let i = 2; i < input.ndim; i++) {
    if (input._shape[i] === 0) throw new Error(`grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes ${sizes(input)} with dimension ${i} being empty`);
  }
  const want = input.ndim === 4 ? 4 : 5;
  if (input.ndim !== want || grid.ndim !== want) {
    throw new Error(`grid_sampler(): expected ${want}D input and grid with same number of dimensions, but got input with sizes ${sizes(input)} and grid with sizes ${sizes(grid)}`);
  }
  if (mode === 2 && want === 5) throw new Error('grid_sampler(): bicubic interpolation only supports 4D input');
  if (input._dtype !== 'float32' && input._dtype !== 'float64') throw new Error(`"grid_sampler_${want - 2}d_cpu" not implemented for '${scalar_type_name(input._dtype)}'`);
  if (grid._dtype !== input._dtype) throw new Error(`expected scalar type ${scalar_type_name(input._dtype)} but found ${scalar_type_name(grid._dtype)}`);
}

/**
 * Samples `input` (`[N, C, H, W]` or `[N, C, D, H, W]`) at the normalized points of `grid` (`[N, *out, 2 or 3]`,
 * x first): interpolation_mode 0 bilinear, 1 nearest, 2 bicubic; padding_mode 0 zeros, 1 border, 2 reflection.
 *
 * @example
 * torch.grid_sampler(img, grid, 0, 0, false); // F.grid_sample(img, grid, { align_corners: false })
 */
export function grid_sampler(...args: PyArgs<[input: Tensor, grid: Tensor, interpolation_mode: number, padding_mode: number, align_corners: boolean], { input?: Tensor; grid?: Tensor; interpolation_mode?: number; padding_mode?: number; align_corners?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::grid_sampler', grid_sampler, args, GRID_SAMPLER);
  const a = GRID_SAMPLER.parse(args);
  check_sampling(a.input, a.grid, a.interpolation_mode);
  const s: Sampling = { input: a.input, grid: a.grid, mode: a.interpolation_mode, padding: a.padding_mode, align_corners: a.align_corners };
  const out = sample_forward(s);
  const k = a.input.ndim - 2;
  record(`GridSampler${k}DBackward0`, [a.input, a.grid], [out], (ctx, [g]) => {
    const [input, grid] = ctx.saved_tensors as [Tensor, Tensor];
    const saved: Sampling = { ...s, input, grid };
    const [gi, gg] = sample_backward(saved, g!, ctx.needs_input_grad(0), ctx.needs_input_grad(1));
    // PyTorch has no derivative of grid_sampler_{2,3}d_backward
    record_not_implemented(`grid_sampler_${k}d_backward`, [g!, input, grid], [gi, gg].filter((t): t is Tensor => t !== null));
    return [gi, gg];
  }, [a.input, a.grid], ['input', 'grid']);
  return out;
}
