// pytorch-grad-cam's gradient-free CAMs that rerun the model: ScoreCAM (masked inputs) and AblationCAM (zeroed channels).
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';
import { HookSet } from '../attr/common.js';
import { BaseCAM, type CamOptions } from './base_cam.js';
import { get_2d_projection } from './image.js';
import type { CamTarget } from './targets.js';

/** Each sample's target score on each output row, as float32 numbers. */
function scores_of(model: nn.Module, batch: Tensor, target: CamTarget): number[] {
  const out = model.call(batch) as Tensor;
  return Array.from({ length: out.shape[0]! }, (_, i) => Math.fround(target.call(out.select(0, i)).item()));
}

export interface ScoreCamOptions extends CamOptions {
  /** Masked inputs per forward (default 16). */
  batch_size?: number;
}

/**
 * ScoreCAM: each channel, upsampled (bilinear, align_corners) and min-max normalized, masks the input; the
 * channel weights are the softmax over channels of the target scores of the masked inputs.
 *
 * @example
 * using cam = new cams.ScoreCAM({ model: net, target_layers: [net.conv2] });
 */
export class ScoreCAM extends BaseCAM {
  /** Masked inputs per forward pass. */
  batch_size: number;

  constructor(options: ScoreCamOptions) {
    super(options);
    this.uses_gradients = false;
    this.batch_size = options.batch_size ?? 16;
  }

  protected override get_cam_weights(input: Tensor, _l: nn.Module, targets: readonly CamTarget[], activations: Tensor): Tensor {
    return torch.no_grad(() => {
      const [n, k] = activations.shape as [number, number];
      const up = torch.interpolate(activations, { size: [input.shape[2]!, input.shape[3]!], mode: 'bilinear', align_corners: true });
      const flat = up.reshape([n, k, -1]);
      const maxs = flat.amax(-1).reshape([n, k, 1, 1]);
      const mins = flat.amin(-1).reshape([n, k, 1, 1]);
      const masks = up.sub(mins).div(maxs.sub(mins).add(1e-8));
      const masked = input.unsqueeze(1).mul(masks.unsqueeze(2)); // [N, K, C, H, W]
      const scores: number[] = [];
      targets.forEach((target, s) => {
        const per = masked.select(0, s);
        for (let i = 0; i < k; i += this.batch_size) scores.push(...scores_of(this.model, per.narrow(0, i, Math.min(this.batch_size, k - i)), target));
      });
      return torch.tensor(scores, { dtype: 'float32' }).reshape([n, k]).softmax(-1);
    });
  }
}

export interface AblationCamOptions extends CamOptions {
  /** Ablated copies per forward (default 32). */
  batch_size?: number;
  /** Fraction of channels to ablate, chosen by an SVD objectness score (default 1.0, all). */
  ratio_channels_to_ablate?: number;
}

/**
 * AblationCAM: the weight of channel k is the relative drop of the target score when the layer's output has
 * channel k ablated (set to 0 when the output's minimum is 0, else far below the minimum, as pytorch-grad-cam's
 * AblationLayer does; the layer's output is replaced through a forward hook for the call).
 *
 * @example
 * using cam = new cams.AblationCAM({ model: net, target_layers: [net.conv2] });
 */
export class AblationCAM extends BaseCAM {
  /** Ablated copies per forward pass. */
  readonly batch_size: number;
  /** Fraction of channels ablated. */
  readonly ratio_channels_to_ablate: number;

  constructor(options: AblationCamOptions) {
    super(options);
    this.uses_gradients = false;
    this.batch_size = options.batch_size ?? 32;
    this.ratio_channels_to_ablate = options.ratio_channels_to_ablate ?? 1.0;
  }

  /** The channels to ablate for one sample's activations `[K, h, w]`. */
  protected channels_to_ablate(activations: Tensor): number[] {
    const k = activations.shape[0]!;
    if (this.ratio_channels_to_ablate === 1.0) return Array.from({ length: k }, (_, i) => i);
    const projection = get_2d_projection(activations.unsqueeze(0)).select(0, 0).abs();
    const p = projection.sub(projection.amin());
    const mask = p.div(p.amax()).gt(0.01).to('float32');
    const scores = Array.from({ length: k }, (_, c) => {
      const a = activations.select(0, c).abs();
      const norm = a.sub(a.amin()).div(a.amax());
      return Math.fround(mask.mul(norm).sum().item() / norm.sum().item());
    });
    const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
    const count = Math.floor(k * this.ratio_channels_to_ablate);
    return [...order.slice().reverse().slice(0, count), ...order.slice(0, count)];
  }

  protected override get_cam_weights(input: Tensor, layer: nn.Module, targets: readonly CamTarget[], activations: Tensor): Tensor {
    return torch.no_grad(() => {
      let raw: Tensor | null = null;
      const original: number[] = [];
      {
        using hooks = new HookSet();
        hooks.add(layer.register_forward_hook((_m, _a, out) => {
          raw = out as Tensor;
        }));
        const out = this.model.call(input) as Tensor;
        targets.forEach((t, s) => original.push(Math.fround(t.call(out.select(0, s)).item())));
      }
      const acts: Tensor = raw!;
      const [n, k] = activations.shape as [number, number];
      const weights = new Float32Array(n * k);
      targets.forEach((target, s) => {
        const channels = this.channels_to_ablate(activations.select(0, s));
        const ablated_scores: number[] = [];
        for (let i = 0; i < channels.length; i += this.batch_size) {
          const chunk = channels.slice(i, i + this.batch_size);
          const replacement = ablate_channels(acts.select(0, s), chunk);
          using hooks = new HookSet();
          hooks.add(layer.register_forward_hook(() => replacement));
          const batch = input.select(0, s).unsqueeze(0).expand([chunk.length, ...input.shape.slice(1)]).contiguous();
          ablated_scores.push(...scores_of(this.model, batch, target));
        }
        const by_channel = new Map(channels.map((c, j) => [c, ablated_scores[j]!]));
        for (let c = 0; c < k; c++) {
          const w = by_channel.get(c) ?? original[s]!;
          weights[s * k + c] = Math.fround(Math.fround(original[s]! - w) / original[s]!);
        }
      });
      return torch.from_array(weights, [n, k], 'float32');
    });
  }
}

/**
 * One sample's layer output `[K, ...]` repeated once per channel in `channels`, copy i with channel
 * `channels[i]` ablated: set to 0 when the batch's minimum is 0, else to the current minimum − 1e7 (the minimum
 * is re-read after each copy, as pytorch-grad-cam's AblationLayer does).
 */
function ablate_channels(sample: Tensor, channels: readonly number[]): Tensor {
  const per = sample.numel();
  const k = sample.shape[0]!;
  const plane = per / k;
  const src = sample.to('float32').contiguous().data_array();
  const data = new Float32Array(per * channels.length);
  for (let i = 0; i < channels.length; i++) data.set(src, i * per);
  let min = Infinity;
  for (const v of data) min = Math.min(min, v);
  channels.forEach((c, i) => {
    const value = min === 0 ? 0 : Math.fround(min - 1e7);
    data.fill(value, i * per + c * plane, i * per + (c + 1) * plane);
    if (value < min) min = value;
  });
  return torch.from_array(data, [channels.length, ...sample.shape], 'float32');
}
