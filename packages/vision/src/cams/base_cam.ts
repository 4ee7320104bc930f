// pytorch-grad-cam's BaseCAM: activations and gradients of the target layers, per-layer maps, scaling, aggregation, aug_smooth.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { HookSet } from '../attr/common.js';
import { get_2d_projection, scale_cam_image } from './image.js';
import { ClassifierOutputTarget, type CamTarget } from './targets.js';

/** Turns a layer's token-shaped output into `[N, C, h, w]` (e.g. a ViT's `[N, 1 + h·w, C]`). */
export type ReshapeTransform = (t: Tensor) => Tensor;

/** Options of every CAM class's constructor. */
export interface CamOptions {
  /** The model (switched to eval mode, as pytorch-grad-cam does). */
  model: nn.Module;
  /** The layers whose outputs are explained; their maps are averaged. */
  target_layers: readonly nn.Module[];
  /** Applied to each layer's output and gradient before use. */
  reshape_transform?: ReshapeTransform | null;
}

/** Arguments of `cam.call(...)` (pytorch-grad-cam's `cam(input_tensor=..., targets=...)`). */
export interface CamCall {
  /** The input batch `[N, C, H, W]`. */
  input_tensor: Tensor;
  /** One target per sample; `null` explains each sample's top class. */
  targets?: readonly CamTarget[] | null;
  /** Average over the test-time augmentations (horizontal flip × multiply by 0.9, 1, 1.1). */
  aug_smooth?: boolean;
  /** Replace the channel sum with the first principal component of the weighted activations. */
  eigen_smooth?: boolean;
}

/** The tensor mirrored along its last dim (a horizontal flip of images and maps). */
function flip_last(t: Tensor): Tensor {
  const w = t.shape[t.ndim - 1]!;
  const reversed = torch.arange(w - 1, -1, -1, { dtype: 'int64' });
  return t.index([...new Array<object>(t.ndim - 1).fill({}), reversed]);
}

/** What a layer gives a CAM method: its activations and (for gradient methods) the gradients of the score. */
export interface LayerRecord {
  /** The target layer. */
  layer: nn.Module;
  /** Its output on the last call, `[N, K, h, w]` (after `reshape_transform`). */
  activations: Tensor;
  /** The gradient of the summed target scores with respect to it, or null for gradient-free methods. */
  grads: Tensor | null;
}

/**
 * pytorch-grad-cam's CAM pipeline. Hooks live only during `call` (a CAM object holds none between calls), so
 * `using` and `release()` are kept for the familiar spelling. Subclasses give `get_cam_weights` (channel weights
 * `[N, K]`) or override `get_cam_image`.
 *
 * @example
 * class MeanGradCAM extends cams.BaseCAM {
 *   protected override get_cam_weights(_x: Tensor, _l: nn.Module, _t: readonly cams.CamTarget[], _a: Tensor, g: Tensor | null): Tensor {
 *     return g!.mean([2, 3]); // GradCAM's channel weights
 *   }
 * }
 */
export abstract class BaseCAM implements Disposable {
  /** The model explained (in eval mode). */
  readonly model: nn.Module;
  /** The layers whose outputs are explained. */
  readonly target_layers: readonly nn.Module[];
  /** Applied to each layer's output and gradient, or null. */
  readonly reshape_transform: ReshapeTransform | null;
  /** Whether the method needs the gradients of the target score (false for gradient-free methods). */
  protected uses_gradients = true;
  /** Whether the gradient of the score with respect to the input is computed too (FullGrad). */
  protected compute_input_gradient = false;
  /** The last call's model output. */
  outputs: Tensor | null = null;

  constructor(options: CamOptions) {
    if (!(options.model instanceof nn.Module)) throw new TypeError('model must be an nn.Module');
    this.model = options.model;
    this.model.eval();
    const all = new Set(this.model.modules());
    options.target_layers.forEach((l, i) => {
      if (!(l instanceof nn.Module) || !all.has(l)) throw new Error(`target_layers[${i}] is not a module of the model`);
    });
    this.target_layers = [...options.target_layers];
    this.reshape_transform = options.reshape_transform ?? null;
  }

  /** Channel weights `[N, K]` for one layer. */
  protected get_cam_weights(_input: Tensor, _layer: nn.Module, _targets: readonly CamTarget[], _activations: Tensor, _grads: Tensor | null): Tensor {
    throw new Error('get_cam_weights must be implemented by subclass');
  }

  /** The layer's map `[N, h, w]`: `Σ_k w_k A_k`, or its first principal component with `eigen_smooth`. */
  protected get_cam_image(input: Tensor, layer: nn.Module, targets: readonly CamTarget[], activations: Tensor, grads: Tensor | null, eigen_smooth: boolean): Tensor {
    const weights = this.get_cam_weights(input, layer, targets, activations, grads);
    if (activations.ndim !== 4) throw new Error(`Invalid activation shape. Get ${activations.ndim}.`);
    const weighted = weights.reshape([...weights.shape, 1, 1]).mul(activations);
    return eigen_smooth ? get_2d_projection(weighted) : weighted.sum(1);
  }

  /** `[W, H]` of the input (OpenCV's order). */
  protected target_size(input: Tensor): [number, number] {
    if (input.ndim !== 4) throw new Error(`Invalid input_tensor shape [${input.shape.join(', ')}]. Only 2D images [N, C, H, W] are supported.`);
    return [input.shape[3]!, input.shape[2]!];
  }

  /**
   * Runs the model with hooks on the target layers and returns the records (hooks removed before returning), as
   * pytorch-grad-cam's ActivationsAndGradients: each call of a target layer appends its output (reshape_transform
   * applied, detached: later in-place ops of the model show in it, as in PyTorch) and hooks that output tensor,
   * whose gradients are prepended as the backward reaches them; the i-th target layer gets the i-th of each list.
   * With gradients the model's parameter gradients are zeroed and `loss.backward()` runs, as pytorch-grad-cam does,
   * so a gradient is that of the layer's output as it was when the layer returned it.
   */
  protected record(input: Tensor, targets: readonly CamTarget[] | null | undefined): {
    /** One record per target layer. */
    records: LayerRecord[];
    /** The targets used (each sample's top class when none were given). */
    targets: readonly CamTarget[];
    /** The input the model ran on. */
    input: Tensor;
  } {
    return torch.enable_grad(() => {
      const x = this.compute_input_gradient ? input.detach().requires_grad_(true) : input;
      const activations: Tensor[] = [];
      let gradients: Tensor[] = [];
      const transform = (t: Tensor): Tensor => (this.reshape_transform ? this.reshape_transform(t) : t).detach();
      let outputs: Tensor;
      {
        using hooks = new HookSet();
        this.target_layers.forEach((layer) => {
          hooks.add(layer.register_forward_hook((_m, _a, out) => {
            if (!(out instanceof torch.Tensor)) throw new Error(`target layer ${layer._get_name()} returned a ${typeof out}, not a Tensor`);
            activations.push(transform(out));
            if (out.requires_grad) {
              out.register_hook((g: Tensor | null) => {
                if (g !== null) gradients = [transform(g), ...gradients];
              });
            }
          }));
        });
        const out = this.model.call(x);
        if (!(out instanceof torch.Tensor)) throw new Error('the model must return a Tensor');
        outputs = out;
      }
      this.outputs = outputs.detach();
      const n = outputs.shape[0]!;
      const chosen = targets ?? Array.from(outputs.detach().argmax(-1).data_array(), (c) => new ClassifierOutputTarget(Number(c)));
      if (chosen.length !== n) throw new Error(`got ${chosen.length} targets for a batch of ${n} samples; pass one target per sample`);
      if (this.uses_gradients) {
        this.model.zero_grad();
        chosen.map((t, i) => t.call(outputs.select(0, i))).reduce((a, b) => a.add(b)).backward();
        if (this.compute_input_gradient) this.input_grad = x.grad?.detach() ?? torch.zeros_like(x);
      }
      const records = this.target_layers.map((layer, i) => {
        const a = activations[i];
        if (a === undefined) throw new Error(`target layer ${i} (${layer._get_name()}) was not called by the model`);
        return { layer, activations: a, grads: gradients[i] ?? null };
      });
      return { records, targets: chosen, input: x.detach() };
    });
  }

  /** The gradient w.r.t. the input of the last call (FullGrad). */
  protected input_grad: Tensor | null = null;

  /** One scaled map `[N, 1, H, W]` per target layer. */
  protected compute_cam_per_layer(input: Tensor, targets: readonly CamTarget[], records: LayerRecord[], eigen_smooth: boolean): Tensor[] {
    const size = this.target_size(input);
    return records.map((r) => {
      const cam = torch.no_grad(() => this.get_cam_image(input, r.layer, targets, r.activations, r.grads, eigen_smooth).clamp({ min: 0 }));
      return scale_cam_image(cam, size).unsqueeze(1);
    });
  }

  /** Mean over layers of the ReLU'd maps, scaled again to [0, 1]. */
  protected aggregate_multi_layers(per_layer: Tensor[]): Tensor {
    return scale_cam_image(torch.cat(per_layer, 1).clamp({ min: 0 }).mean(1));
  }

  /** One pass without augmentation: records, per-layer maps, aggregation; `[N, H, W]`. */
  protected forward(input: Tensor, targets: readonly CamTarget[] | null | undefined, eigen_smooth: boolean): Tensor {
    const r = this.record(input, targets);
    return torch.no_grad(() => this.aggregate_multi_layers(this.compute_cam_per_layer(r.input, r.targets, r.records, eigen_smooth)));
  }

  /**
   * The CAM of each sample, `[N, H, W]` in [0, 1].
   *
   * @example
   * using cam = new cams.GradCAM({ model: net, target_layers: [net.conv2] });
   * const maps = cam.call({ input_tensor: x, targets: [new cams.ClassifierOutputTarget(3)] });
   */
  call(args: CamCall): Tensor {
    if (!(args.input_tensor instanceof torch.Tensor)) throw new TypeError('input_tensor must be a Tensor');
    const eigen = args.eigen_smooth ?? false;
    if (!args.aug_smooth) return this.forward(args.input_tensor, args.targets, eigen);
    // test-time augmentation: every (flip, factor) pair, the map flipped back, then averaged
    const maps: Tensor[] = [];
    for (const flip of [false, true]) {
      for (const factor of [0.9, 1, 1.1]) {
        let x = args.input_tensor;
        if (flip) x = flip_last(x);
        if (factor !== 1) x = x.mul(factor);
        let cam = this.forward(x, args.targets, eigen);
        if (flip) cam = flip_last(cam);
        maps.push(cam);
      }
    }
    return torch.stack(maps, 0).mean(0);
  }

  /** Kept for pytorch-grad-cam's spelling: hooks never outlive `call`. */
  release(): void {
    this.outputs = null;
  }

  /** `using cam = new GradCAM(...)` releases it at the end of the block. */
  [Symbol.dispose](): void {
    this.release();
  }
}
