// pytorch-grad-cam's gradient CAMs: GradCAM, GradCAMPlusPlus, XGradCAM, HiResCAM, GradCAMElementWise, LayerCAM, EigenCAM, EigenGradCAM.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';
import { BaseCAM, type CamOptions } from './base_cam.js';
import { get_2d_projection } from './image.js';
import type { CamTarget } from './targets.js';

const need = (g: Tensor | null, what: string): Tensor => {
  if (g === null) throw new Error(`${what}: the target layer's output does not require grad, so it has no gradient`);
  return g;
};

/**
 * Grad-CAM: channel weights = the spatial mean of the gradient.
 *
 * @example
 * using cam = new cams.GradCAM({ model: net, target_layers: [net.conv2] });
 * cam.call({ input_tensor: x, targets: [new cams.ClassifierOutputTarget(3)] }); // [N, H, W]
 */
export class GradCAM extends BaseCAM {
  protected override get_cam_weights(_i: Tensor, _l: nn.Module, _t: readonly CamTarget[], _a: Tensor, grads: Tensor | null): Tensor {
    return need(grads, 'GradCAM').mean([2, 3]);
  }
}

/**
 * Grad-CAM++: `α = g² / (2g² + Σ_{ab} A·g³ + 1e-6)` (0 where g = 0), weights `Σ_{ij} α·relu(g)`.
 *
 * @example
 * using cam = new cams.GradCAMPlusPlus({ model: net, target_layers: [net.conv2] });
 */
export class GradCAMPlusPlus extends BaseCAM {
  protected override get_cam_weights(_i: Tensor, _l: nn.Module, _t: readonly CamTarget[], activations: Tensor, grads: Tensor | null): Tensor {
    const g = need(grads, 'GradCAMPlusPlus');
    const g2 = g.pow(2);
    const g3 = g.pow(3);
    const sum_a = activations.sum([2, 3], { keepdim: true });
    const aij = torch.where(g.ne(0), g2.div(g2.mul(2).add(sum_a.mul(g3)).add(1e-6)), 0);
    return g.clamp({ min: 0 }).mul(aij).sum([2, 3]);
  }
}

/**
 * XGradCAM: weights `Σ_{ij} g·A / (Σ_{ij} A + 1e-7)`.
 *
 * @example
 * using cam = new cams.XGradCAM({ model: net, target_layers: [net.conv2] });
 */
export class XGradCAM extends BaseCAM {
  protected override get_cam_weights(_i: Tensor, _l: nn.Module, _t: readonly CamTarget[], activations: Tensor, grads: Tensor | null): Tensor {
    const sum_a = activations.sum([2, 3], { keepdim: true });
    return need(grads, 'XGradCAM').mul(activations).div(sum_a.add(1e-7)).sum([2, 3]);
  }
}

/** CAMs whose map is a per-element product `f(g, A)` summed over channels (or its principal component). */
abstract class ElementwiseCAM extends BaseCAM {
  /** The per-channel map `[N, K, h, w]` from gradients and activations, summed over channels after. */
  protected abstract elementwise(grads: Tensor, activations: Tensor): Tensor;

  protected override get_cam_image(_i: Tensor, _l: nn.Module, _t: readonly CamTarget[], activations: Tensor, grads: Tensor | null, eigen_smooth: boolean): Tensor {
    const e = this.elementwise(need(grads, 'this CAM'), activations);
    return eigen_smooth ? get_2d_projection(e) : e.sum(1);
  }
}

/**
 * HiResCAM: `Σ_k g_k ⊙ A_k`, no spatial averaging.
 *
 * @example
 * using cam = new cams.HiResCAM({ model: net, target_layers: [net.conv2] });
 */
export class HiResCAM extends ElementwiseCAM {
  /** `g ⊙ A`. */
  protected elementwise(g: Tensor, a: Tensor): Tensor {
    return g.mul(a);
  }
}

/**
 * GradCAMElementWise: `Σ_k relu(g_k ⊙ A_k)`.
 *
 * @example
 * using cam = new cams.GradCAMElementWise({ model: net, target_layers: [net.conv2] });
 */
export class GradCAMElementWise extends ElementwiseCAM {
  /** `relu(g ⊙ A)`. */
  protected elementwise(g: Tensor, a: Tensor): Tensor {
    return g.mul(a).clamp({ min: 0 });
  }
}

/**
 * LayerCAM: `Σ_k relu(g_k) ⊙ A_k`.
 *
 * @example
 * using cam = new cams.LayerCAM({ model: net, target_layers: [net.conv1, net.conv2] });
 */
export class LayerCAM extends ElementwiseCAM {
  /** `relu(g) ⊙ A`. */
  protected elementwise(g: Tensor, a: Tensor): Tensor {
    return g.clamp({ min: 0 }).mul(a);
  }
}

/**
 * EigenCAM: the first principal component of the activations (no gradients, targets unused).
 *
 * @example
 * using cam = new cams.EigenCAM({ model: net, target_layers: [net.conv2] });
 */
export class EigenCAM extends BaseCAM {
  constructor(options: CamOptions) {
    super(options);
    this.uses_gradients = false;
  }

  protected override get_cam_image(_i: Tensor, _l: nn.Module, _t: readonly CamTarget[], activations: Tensor): Tensor {
    return get_2d_projection(activations);
  }
}

/**
 * EigenGradCAM: the first principal component of `g ⊙ A`.
 *
 * @example
 * using cam = new cams.EigenGradCAM({ model: net, target_layers: [net.conv2] });
 */
export class EigenGradCAM extends BaseCAM {
  protected override get_cam_image(_i: Tensor, _l: nn.Module, _t: readonly CamTarget[], activations: Tensor, grads: Tensor | null): Tensor {
    return get_2d_projection(need(grads, 'EigenGradCAM').mul(activations));
  }
}
