// nn.functional's remaining forms: normalize (a composite, as PyTorch's), gumbel_softmax, the *_with_indices
// pooling forms, the deprecated upsample / upsample_nearest / upsample_bilinear aliases of interpolate, and the
// in-place activations (elu_, celu_, selu_, hardtanh_, threshold_, rrelu_).
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import type { PyArgs } from '@tsgrad/core';

const NORMALIZE = torch.signature<{ input: Tensor; p: number; dim: number; eps: number }>('normalize(Tensor input, float p=2.0, int dim=1, float eps=1e-12)');
/**
 * `input / max(‖input‖_p, eps)` along `dim`, composed as PyTorch composes it (NormBackward1, ClampMinBackward0,
 * ExpandBackward0, DivBackward0).
 *
 * @example
 * F.normalize(torch.tensor([[3, 4]])); // [[0.6, 0.8]]
 */
export function normalize(...args: PyArgs<[input: Tensor, p: number, dim: number, eps: number], { input?: Tensor; p?: number; dim?: number; eps?: number }>): Tensor {
  const { input, p, dim, eps } = NORMALIZE.parse(args);
  const denom = torch.clamp_min(input.norm(p, { dim, keepdim: true }), eps).expand(...input._shape);
  return input.div(denom);
}

const GUMBEL = torch.signature<{ logits: Tensor; tau: number; hard: boolean; eps: number; dim: number }>('gumbel_softmax(Tensor logits, float tau=1, bool hard=False, float eps=1e-10, int dim=-1)',
  { native: { logits: 'input' } }); // a wrong logits reaches empty_like first
/**
 * A sample of the Gumbel-softmax (concrete) distribution: `softmax((logits + g) / tau)` with Gumbel noise
 * `g = −log(Exp(1))`; with `hard`, the one-hot of its argmax carrying the soft sample's gradient (the
 * straight-through estimator). The noise comes from the default generator (seeded by `torch.manual_seed`, not
 * PyTorch's stream).
 *
 * @example
 * F.gumbel_softmax(logits, { tau: 0.5, hard: true }); // one-hot rows
 */
export function gumbel_softmax(...args: PyArgs<[logits: Tensor, tau: number, hard: boolean, eps: number, dim: number], { logits?: Tensor; tau?: number; hard?: boolean; eps?: number; dim?: number }>): Tensor {
  const { logits, tau, hard, eps, dim } = GUMBEL.parse(args);
  if (eps !== 1e-10) torch.warn('`eps` parameter is deprecated and has no effect.');
  const gumbels = torch.empty_like(logits).exponential_().log().neg();
  const soft = logits.add(gumbels).div(tau).softmax(dim);
  if (!hard) return soft;
  const index = soft.max(dim, true)[1];
  const one_hot = torch.zeros_like(logits).scatter_(dim, index, 1);
  return one_hot.sub(soft.detach()).add(soft);
}

type WithIndices = (...args: unknown[]) => [Tensor, Tensor];
/**
 * A pooling's `*_with_indices` form: its own PyTorch signature (which still lists `return_indices`, ignored),
 * then the pooling with `return_indices` set.
 */
function with_indices(schema: string, pool: (...a: never[]) => unknown, options?: torch.SignatureOptions): WithIndices {
  const sig = torch.signature<Record<string, unknown>>(schema, options);
  return (...args) => {
    const a = sig.parse(args);
    return (pool as (...a: unknown[]) => [Tensor, Tensor])(...sig.params.map((p) => (p.name === 'return_indices' ? true : a[p.name])));
  };
}
const max_pool_schema = (nd: number): string =>
  `max_pool${nd}d_with_indices(Tensor input, int[${nd}] kernel_size, int[${nd}]? stride=None, int[${nd}] padding=0, int[${nd}] dilation=1, bool ceil_mode=False, bool return_indices=False)`;
const adaptive_schema = (nd: number): string => `adaptive_max_pool${nd}d_with_indices(Tensor input, int?[${nd}] output_size, bool return_indices=False)`;
const fractional_schema = (nd: number): string =>
  `fractional_max_pool${nd}d_with_indices(Tensor input, int[${nd}] kernel_size, int[${nd}]? output_size=None, float[${nd}]? output_ratio=None, bool return_indices=False, Tensor? _random_samples=None)`;
const RANDOM_SAMPLES = { native: { _random_samples: 'random_samples' } };

/** `max_pool1d` returning `[values, indices]` (PyTorch's `F.max_pool1d_with_indices`). @example F.max_pool1d_with_indices(x, 2) */
export const max_pool1d_with_indices = with_indices(max_pool_schema(1), torch.max_pool1d);
/** `max_pool2d` returning `[values, indices]`. @example F.max_pool2d_with_indices(x, 2) */
export const max_pool2d_with_indices = with_indices(max_pool_schema(2), torch.max_pool2d);
/** `max_pool3d` returning `[values, indices]`. @example F.max_pool3d_with_indices(x, 2) */
export const max_pool3d_with_indices = with_indices(max_pool_schema(3), torch.max_pool3d);
/** `adaptive_max_pool1d` returning `[values, indices]`. @example F.adaptive_max_pool1d_with_indices(x, 3) */
export const adaptive_max_pool1d_with_indices = with_indices(adaptive_schema(1), torch.adaptive_max_pool1d);
/** `adaptive_max_pool2d` returning `[values, indices]`. @example F.adaptive_max_pool2d_with_indices(x, 3) */
export const adaptive_max_pool2d_with_indices = with_indices(adaptive_schema(2), torch.adaptive_max_pool2d);
/** `adaptive_max_pool3d` returning `[values, indices]`. @example F.adaptive_max_pool3d_with_indices(x, 3) */
export const adaptive_max_pool3d_with_indices = with_indices(adaptive_schema(3), torch.adaptive_max_pool3d);
/** `fractional_max_pool2d` returning `[values, indices]`. @example F.fractional_max_pool2d_with_indices(x, 2, { output_size: 3 }) */
export const fractional_max_pool2d_with_indices = with_indices(fractional_schema(2), torch.fractional_max_pool2d, RANDOM_SAMPLES);
/** `fractional_max_pool3d` returning `[values, indices]`. @example F.fractional_max_pool3d_with_indices(x, 2, { output_ratio: 0.5 }) */
export const fractional_max_pool3d_with_indices = with_indices(fractional_schema(3), torch.fractional_max_pool3d, RANDOM_SAMPLES);

type Resize = number | number[] | null;
const UPSAMPLE = torch.signature<{ input: Tensor; size: Resize; scale_factor: Resize; mode: string; align_corners: boolean | null }>(
  "upsample(Tensor input, Any size=None, Any scale_factor=None, str mode='nearest', bool? align_corners=None)");
const UPSAMPLE_FIXED = (name: string) => torch.signature<{ input: Tensor; size: Resize; scale_factor: Resize }>(`${name}(Tensor input, Any size=None, Any scale_factor=None)`);
const UPSAMPLE_NEAREST = UPSAMPLE_FIXED('upsample_nearest');
const UPSAMPLE_BILINEAR = UPSAMPLE_FIXED('upsample_bilinear');
type ResizeArgs = PyArgs<[input: Tensor, size: Resize, scale_factor: Resize], { input?: Tensor; size?: Resize; scale_factor?: Resize }>;
const deprecated = (name: string): void => torch.warn(`nn.functional.${name} is deprecated. Use nn.functional.interpolate instead.`);

/**
 * Deprecated alias of `interpolate` (warns, as PyTorch).
 *
 * @example
 * F.upsample(x, { scale_factor: 2 });
 */
export function upsample(...args: PyArgs<[input: Tensor, size: Resize, scale_factor: Resize, mode: string, align_corners: boolean | null], { input?: Tensor; size?: Resize; scale_factor?: Resize; mode?: string; align_corners?: boolean | null }>): Tensor {
  const { input, size, scale_factor, mode, align_corners } = UPSAMPLE.parse(args);
  deprecated('upsample');
  return torch.interpolate_nd(input, { size, scale_factor, mode: mode as never, align_corners });
}

/**
 * Deprecated nearest-neighbour `interpolate` (warns, as PyTorch).
 *
 * @example
 * F.upsample_nearest(x, { scale_factor: 2 });
 */
export function upsample_nearest(...args: ResizeArgs): Tensor {
  const { input, size, scale_factor } = UPSAMPLE_NEAREST.parse(args);
  deprecated('upsample_nearest');
  return torch.interpolate_nd(input, { size, scale_factor, mode: 'nearest' });
}

/**
 * Deprecated bilinear `interpolate` with `align_corners=True` (warns, as PyTorch).
 *
 * @example
 * F.upsample_bilinear(x, { size: [8, 8] });
 */
export function upsample_bilinear(...args: ResizeArgs): Tensor {
  const { input, size, scale_factor } = UPSAMPLE_BILINEAR.parse(args);
  deprecated('upsample_bilinear');
  return torch.interpolate_nd(input, { size, scale_factor, mode: 'bilinear', align_corners: true });
}

type InplaceFn = (input: Tensor, ...rest: unknown[]) => Tensor;
/** An activation's in-place form: its own PyTorch signature, then the op with `inplace` set. */
function in_place(schema: string, run: (a: Record<string, unknown> & { input: Tensor }) => Tensor): InplaceFn {
  const sig = torch.signature<Record<string, unknown> & { input: Tensor }>(schema);
  return (...args) => run(sig.parse(args as never));
}

/** In-place ELU (EluBackward1, as PyTorch's `F.elu_`). @example F.elu_(x, 0.5) */
export const elu_: InplaceFn = in_place('elu_(Tensor input, float alpha=1.0)', (a) => torch.elu(a.input, a.alpha as number, true));
/** In-place CELU (CeluBackward1). @example F.celu_(x) */
export const celu_: InplaceFn = in_place('celu_(Tensor input, float alpha=1.0)', (a) => torch.celu(a.input, a.alpha as number, true));
/** In-place SELU (EluBackward1, as PyTorch records it). @example F.selu_(x) */
export const selu_: InplaceFn = in_place('selu_(Tensor input)', (a) => torch.selu(a.input, true));
/** In-place hardtanh (HardtanhBackward0). @example F.hardtanh_(x, -2, 2) */
export const hardtanh_: InplaceFn = in_place('hardtanh_(Tensor input, float min_val=-1.0, float max_val=1.0)', (a) => torch.hardtanh(a.input, a.min_val as number, a.max_val as number, true));
/** In-place threshold (ThresholdBackward1). @example F.threshold_(x, 0.1, 0) */
export const threshold_: InplaceFn = in_place('threshold_(Tensor input, float threshold, float value)', (a) => torch.threshold(a.input, a.threshold as number, a.value as number, true));
/** In-place RReLU (RreluWithNoiseBackward1), core's `torch.rrelu_`. @example F.rrelu_(x) */
export const rrelu_ = torch.rrelu_;
