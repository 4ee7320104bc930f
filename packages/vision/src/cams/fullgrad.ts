// pytorch-grad-cam's FullGrad: |input ⊙ input gradient| plus |bias ⊙ gradient| of every Conv2d / BatchNorm2d, each scaled and summed.
import type { Tensor } from '@tsgrad/core';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { BaseCAM, type CamOptions, type LayerRecord } from './base_cam.js';
import { get_2d_projection, scale_cam_image } from './image.js';
import type { CamTarget } from './targets.js';

/** Every `[N, C, h, w]` map scaled per sample and channel and resized to `[W, H]`. */
function scale_across_batch_and_channels(t: Tensor, size: readonly [number, number]): Tensor {
  const [n, c] = t.shape as [number, number];
  return scale_cam_image(t.reshape([n * c, ...t.shape.slice(2)]), size).reshape([n, c, size[1], size[0]]);
}

/** A layer's effective bias: Conv2d's bias, or BatchNorm2d's `bias − running_mean · weight / sqrt(running_var + eps)`. */
function bias_of(layer: nn.Module): Tensor {
  return torch.no_grad(() => {
    if (layer instanceof nn.BatchNorm2d) {
      return layer.running_mean!.mul(layer.weight!).div(layer.running_var!.add(layer.eps).sqrt()).neg().add(layer.bias!);
    }
    return (layer as nn.Conv2d).bias!.detach();
  });
}

/**
 * FullGrad: `target_layers` are ignored; every Conv2d and BatchNorm2d with a bias is used.
 *
 * @example
 * using cam = new cams.FullGrad({ model: net, target_layers: [] });
 */
export class FullGrad extends BaseCAM {
  private readonly bias_data: Tensor[];

  constructor(options: CamOptions) {
    const layers = [...options.model.modules()].filter(
      (m) => (m.constructor === nn.Conv2d || m.constructor === nn.BatchNorm2d) && (m as nn.Conv2d).bias !== null && (m as nn.Conv2d).bias !== undefined,
    );
    super({ ...options, target_layers: layers });
    this.compute_input_gradient = true;
    this.bias_data = layers.map(bias_of);
  }

  protected override compute_cam_per_layer(input: Tensor, _t: readonly CamTarget[], records: LayerRecord[], eigen_smooth: boolean): Tensor[] {
    const size = this.target_size(input);
    const parts = [scale_across_batch_and_channels(this.input_grad!.mul(input).abs(), size)];
    records.forEach((r, i) => {
      const grads = r.grads ?? torch.zeros_like(r.activations);
      const b = this.bias_data[i]!;
      const bias_grad = b.reshape([1, b.shape[0]!, 1, 1]).mul(grads).abs();
      parts.push(scale_across_batch_and_channels(bias_grad, size).sum(1, { keepdim: true }));
    });
    const all = torch.cat(parts, 1);
    if (!eigen_smooth) return [all.sum(1, { keepdim: true })];
    const small = scale_across_batch_and_channels(all, [Math.floor(size[0] / 8), Math.floor(size[1] / 8)]);
    return [scale_across_batch_and_channels(get_2d_projection(small).unsqueeze(1), size)];
  }

  protected override aggregate_multi_layers(per_layer: Tensor[]): Tensor {
    return scale_cam_image(torch.cat(per_layer, 1).sum(1));
  }
}
