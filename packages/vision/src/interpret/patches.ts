// Maximally activating input patches of one channel over a set of images.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';
import { FeatureExtractor, type LayerRef } from './feature_extractor.js';
import { spatial_size } from './maps.js';
import { receptive_box, receptive_field, type Box } from './receptive_field.js';

/** One of the top activating patches of a channel. */
export interface ActivatingPatch {
  /** Index of the image in `images`. */
  image_index: number;
  /** Unit `[i, j]` of the layer's map where the channel peaks in that image. */
  position: [number, number];
  /** The channel's value at that unit. */
  activation: number;
  /** The receptive field of that unit, clipped to the image. */
  box: Box;
  /** The receptive-field crop `[C, size_h, size_w]`; parts outside the image are `pad_value`. */
  patch: Tensor;
}

/** Options of `max_activating_patches`. */
export interface MaxActivatingPatchesOptions {
  /** Number of patches (default 9). */
  top_k?: number;
  /** Images per forward pass (default 64). */
  batch_size?: number;
  /** Value of patch pixels outside the image (default 0). */
  pad_value?: number;
}

/**
 * The `top_k` images whose `channel` of `layer` reaches the highest activation, each with the receptive
 * field of its strongest unit cut out of the image (Zeiler & Fergus 2014; one patch per image, strongest
 * first, ties by image index). The receptive field comes from `receptive_field`, traced on the first image. Runs under
 * no_grad in batches; the layer hook is removed afterwards, also on errors.
 *
 * @example
 * const patches = max_activating_patches(net.eval(), 'conv2', 5, test_images, { top_k: 16 });
 * patches[0].patch.shape; // [1, 14, 14]
 */
export function max_activating_patches(model: nn.Module, layer: LayerRef, channel: number, images: Tensor, options: MaxActivatingPatchesOptions = {}): ActivatingPatch[] {
  const [H, W] = spatial_size(images, 'images');
  const top_k = options.top_k ?? 9;
  const batch_size = options.batch_size ?? 64;
  const rf = receptive_field(model, layer, { input: images.narrow(0, 0, 1) });
  const best: { value: number; i: number; j: number }[] = [];
  const fx = new FeatureExtractor(model, [layer]);
  const [name] = [...fx.layers.keys()] as [string];
  try {
    torch.no_grad(() => {
      for (let start = 0; start < images.shape[0]!; start += batch_size) {
        const len = Math.min(batch_size, images.shape[0]! - start);
        fx.clear();
        model.call(images.narrow(0, start, len));
        const a = fx.feature(name);
        if (a.ndim !== 4) throw new Error(`max_activating_patches needs a layer with output [N, K, h, w]; '${name}' output has shape [${a.shape.join(', ')}]`);
        const [, K, h, w] = a.shape as [number, number, number, number];
        if (!Number.isInteger(channel) || channel < 0 || channel >= K) throw new Error(`channel ${channel} is out of range for layer '${name}' with ${K} channels`);
        const d = a.data_array();
        for (let n = 0; n < len; n++) {
          let top = { value: -Infinity, i: 0, j: 0 };
          const base = (n * K + channel) * h * w;
          for (let p = 0; p < h * w; p++) if (d[base + p]! > top.value) top = { value: d[base + p]!, i: Math.floor(p / w), j: p % w };
          best.push(top);
        }
      }
    });
  } finally {
    fx.remove();
  }
  const order = best.map((_, k) => k).sort((a, b) => best[b]!.value - best[a]!.value || a - b).slice(0, top_k);
  const C = images.shape[1]!;
  const pixels = images.contiguous().data_array();
  return order.map((n) => {
    const { value, i, j } = best[n]!;
    const full = receptive_box(rf, i, j);
    const data = new Float32Array(C * full.height * full.width).fill(options.pad_value ?? 0);
    for (let c = 0; c < C; c++) {
      for (let r = 0; r < full.height; r++) {
        const y = full.top + r;
        if (y < 0 || y >= H) continue;
        for (let q = 0; q < full.width; q++) {
          const x = full.left + q;
          if (x >= 0 && x < W) data[(c * full.height + r) * full.width + q] = pixels[((n * C + c) * H + y) * W + x]!;
        }
      }
    }
    const top = Math.max(full.top, 0);
    const left = Math.max(full.left, 0);
    const box = { top, left, height: Math.min(full.top + full.height, H) - top, width: Math.min(full.left + full.width, W) - left };
    return { image_index: n, position: [i, j] as [number, number], activation: value, box, patch: torch.from_array(data, [C, full.height, full.width], 'float32') };
  });
}
