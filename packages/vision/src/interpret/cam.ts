// Class activation maps: CAM for global-average-pooling nets, Grad-CAM, Grad-CAM++ and guided Grad-CAM.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { FeatureExtractor, resolve_layer, type LayerRef } from './feature_extractor.js';
import { input_gradient } from './gradients.js';
import { normalize_map, spatial_size, upsample_maps } from './maps.js';
import { guided_backprop, type ReluBackpropOptions } from './relu_backprop.js';
import { class_indices, select_output, type OutputOptions, type Target } from './targets.js';

/** A class map at the layer's resolution and, unless disabled, bilinearly upsampled; each also min-max normalized. */
export interface CamMaps {
  /** `[N, h, w]` */
  cam: Tensor;
  /** `(cam − min) / (max − min)` per sample. */
  cam_normalized: Tensor;
  /** `[N, H, W]`, or null with `upsample_to: null`. */
  cam_upsampled: Tensor | null;
  /** `cam_upsampled` normalized to [0, 1] per sample, or null. */
  cam_upsampled_normalized: Tensor | null;
}

function cam_maps(cam: Tensor, upsample_to: readonly [number, number] | null): CamMaps {
  const up = upsample_to === null ? null : upsample_maps(cam, upsample_to);
  return { cam, cam_normalized: normalize_map(cam), cam_upsampled: up, cam_upsampled_normalized: up === null ? null : normalize_map(up) };
}

function check_feature_map(a: Tensor, tool: string, name: string): void {
  if (a.ndim !== 4) throw new Error(`${tool} needs a layer with output [N, K, h, w]; '${name}' output has shape [${a.shape.join(', ')}]`);
}

/** Options of `grad_cam` and `grad_cam_pp`. */
export interface GradCamOptions extends OutputOptions {
  /** Size of the upsampled maps (default: the input's `[H, W]`); `null` skips upsampling. */
  upsample_to?: readonly [number, number] | null;
  /** Apply ReLU to the weighted sum (default true). */
  relu?: boolean;
}

export interface GradCamResult extends CamMaps {
  /** The model's output, detached. */
  output: Tensor;
  /** One score per sample, `[N]`. */
  scores: Tensor;
  /** Dotted path of the explained layer. */
  layer: string;
  /** `A`: the layer's output (its last call), `[N, K, h, w]`. */
  activations: Tensor;
  /** `dA = ∂ score / ∂ A`, `[N, K, h, w]`. */
  grads: Tensor;
  /** Channel weights `[N, K]`. */
  alpha: Tensor;
  /** `Σ_k alpha_k A_k` before the ReLU, `[N, h, w]`. */
  cam_pre_relu: Tensor;
}

/** Output, scores and the layer's activations and their gradients (forward hook + tensor hook), hooks removed afterwards. */
function layer_gradient(model: nn.Module, x: Tensor, target: Target, layer: LayerRef, options: OutputOptions, tool: string) {
  spatial_size(x);
  const fx = new FeatureExtractor(model, [layer], { gradients: true });
  try {
    const [name] = [...fx.layers.keys()] as [string];
    const r = input_gradient(model, x, target, options);
    const activations = fx.feature(name);
    check_feature_map(activations, tool, name);
    return { output: r.output, scores: r.scores, layer: name, activations, grads: fx.gradient(name) };
  } finally {
    fx.remove();
  }
}

function weighted_cam(model: nn.Module, x: Tensor, target: Target, layer: LayerRef, options: GradCamOptions, tool: string, weights_of: (a: Tensor, g: Tensor) => Tensor): GradCamResult {
  const r = layer_gradient(model, x, target, layer, options, tool);
  return torch.no_grad(() => {
    const [n, k] = r.activations.shape as [number, number];
    const alpha = weights_of(r.activations, r.grads);
    const cam_pre_relu = alpha.reshape([n, k, 1, 1]).mul(r.activations).sum(1);
    const cam = options.relu ?? true ? cam_pre_relu.relu() : cam_pre_relu;
    const upsample_to = options.upsample_to === undefined ? spatial_size(x) : options.upsample_to;
    return { ...r, alpha, cam_pre_relu, ...cam_maps(cam, upsample_to) };
  });
}

/**
 * Grad-CAM (Selvaraju et al. 2017) at `layer`: `A` = the layer's output, `dA = ∂ score / ∂ A`,
 * `alpha_k = mean_{h,w} dA_k`, `cam = relu(Σ_k alpha_k A_k)`, upsampled bilinearly (align_corners false)
 * to the input size and min-max normalized. If the layer runs more than once per call, its last call is
 * explained.
 *
 * @example
 * const { cam_upsampled_normalized } = grad_cam(net.eval(), x, 3, 'conv2'); // [1, 28, 28]
 */
export function grad_cam(model: nn.Module, x: Tensor, target: Target, layer: LayerRef, options: GradCamOptions = {}): GradCamResult {
  return weighted_cam(model, x, target, layer, options, 'grad_cam', (_a, g) => g.mean([2, 3]));
}

/**
 * Grad-CAM++ (Chattopadhay et al. 2018) at `layer`: with `g = ∂ score / ∂ A`,
 * `a_k^{ij} = g² / (2g² + Σ_{ab} A_k^{ab}·g³ + 1e-6)` (0 where g = 0), `alpha_k = Σ_{ij} a_k^{ij}·relu(g_k^{ij})`,
 * `cam = relu(Σ_k alpha_k A_k)` — the closed form for an exponentiated score using first-order gradients,
 * as pytorch-grad-cam computes it (eps 1e-6, its value). Upsampling and normalization as in `grad_cam`.
 *
 * @example
 * const { cam_upsampled_normalized } = grad_cam_pp(net.eval(), x, 3, 'conv2');
 */
export function grad_cam_pp(model: nn.Module, x: Tensor, target: Target, layer: LayerRef, options: GradCamOptions = {}): GradCamResult {
  return weighted_cam(model, x, target, layer, options, 'grad_cam_pp', (a, g) => {
    const g2 = g.square();
    const g3 = g2.mul(g);
    const sum_a = a.sum([2, 3], { keepdim: true });
    const aij = torch.where(g.ne(0), g2.div(g2.mul(2).add(sum_a.mul(g3)).add(1e-6)), 0);
    return aij.mul(g.relu()).sum([2, 3]);
  });
}

/** What `guided_grad_cam` returns. */
export interface GuidedGradCamResult {
  /** `guided ⊙ cam_upsampled` (broadcast over channels), same shape as the input. */
  attribution: Tensor;
  /** The model's output, detached. */
  output: Tensor;
  /** One score per sample, `[N]`. */
  scores: Tensor;
  /** The guided-backprop attribution. */
  guided: Tensor;
  /** The Grad-CAM result it was built from. */
  grad_cam: GradCamResult;
}

/**
 * Guided Grad-CAM (Selvaraju et al. 2017): guided backpropagation multiplied elementwise by the Grad-CAM map
 * upsampled to the input size (unnormalized, broadcast over channels). Needs `nn.ReLU` modules for the
 * guided part.
 *
 * @example
 * const { attribution } = guided_grad_cam(new models.GuidedSimpleNet().eval(), x, 3, 'conv2');
 */
export function guided_grad_cam(model: nn.Module, x: Tensor, target: Target, layer: LayerRef, options: GradCamOptions & ReluBackpropOptions = {}): GuidedGradCamResult {
  const gc = grad_cam(model, x, target, layer, { ...options, upsample_to: spatial_size(x) });
  const gb = guided_backprop(model, x, target, options);
  const attribution = torch.no_grad(() => gb.attribution.mul(gc.cam_upsampled!.unsqueeze(1)));
  return { attribution, output: gb.output, scores: gb.scores, guided: gb.attribution, grad_cam: gc };
}

/** Options of `cam` (class activation mapping, Zhou et al.). */
export interface CamOptions extends OutputOptions {
  /** The layer whose output `F [N, K, h, w]` is globally average-pooled before `fc` (e.g. `'4'` in `models.gap_net()`). */
  feature_layer: LayerRef;
  /** The final `nn.Linear` (K → classes). */
  fc: LayerRef;
  /** Size of the upsampled maps (default: the input's `[H, W]`); `null` skips upsampling. */
  upsample_to?: readonly [number, number] | null;
}

export interface CamResult extends CamMaps {
  /** The model's output (logits), `[N, classes]`. */
  output: Tensor;
  /** `F`, the feature layer's output, `[N, K, h, w]`. */
  features: Tensor;
  /** `W[c_n]`, the fc weight row of each sample's class, `[N, K]`. */
  weights: Tensor;
  /** `b[c_n]` (0 without bias), `[N]`; `mean(cam) + bias = logit` for a GAP net. */
  bias: Tensor;
}

/**
 * Class activation map (Zhou et al. 2016) for a global-average-pooling net:
 * `cam = Σ_k W[c, k]·F_k` with `F` the feature layer's output and `W` the final Linear's weight — no bias,
 * no ReLU — so `mean(cam) + b[c]` equals the logit. Upsampled and normalized as in `grad_cam`. Targets must
 * be class indices. Runs under no_grad.
 *
 * @example
 * const net = models.gap_net().eval();
 * const { cam_upsampled_normalized } = cam(net, x, 7, { feature_layer: '4', fc: '7' });
 */
export function cam(model: nn.Module, x: Tensor, target: Target, options: CamOptions): CamResult {
  if (typeof target === 'function') throw new Error('cam needs class indices: a scoring function has no fc weight row');
  const [fc_name, fc] = resolve_layer(model, options.fc);
  if (!(fc instanceof nn.Linear)) throw new Error(`cam: fc '${fc_name}' is a ${fc._get_name()}, expected an nn.Linear`);
  const fx = new FeatureExtractor(model, [options.feature_layer]);
  const [name] = [...fx.layers.keys()] as [string];
  let output: Tensor;
  let features: Tensor;
  try {
    output = torch.no_grad(() => select_output(model.call(x), options.output_selector));
    features = fx.feature(name);
  } finally {
    fx.remove();
  }
  check_feature_map(features, 'cam', name);
  const [n, k] = features.shape as [number, number];
  if (k !== fc.in_features) throw new Error(`cam: features of '${name}' have ${k} channels but fc '${fc_name}' expects ${fc.in_features} inputs`);
  const classes = class_indices(target, n);
  for (const c of classes) if (c < 0 || c >= fc.out_features) throw new Error(`target class ${c} is out of range for fc '${fc_name}' with ${fc.out_features} outputs`);
  return torch.no_grad(() => {
    const idx = torch.tensor(classes, { dtype: 'int64' });
    const weights = fc.weight.detach().index([idx]);
    const bias = fc.bias === null ? torch.zeros([n], { dtype: weights._dtype }) : fc.bias.detach().index([idx]);
    const map = weights.reshape([n, k, 1, 1]).mul(features).sum(1);
    const upsample_to = options.upsample_to === undefined ? spatial_size(x) : options.upsample_to;
    return { output, features, weights, bias, ...cam_maps(map, upsample_to) };
  });
}
