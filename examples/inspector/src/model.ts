// SimpleNet in the page: weights from safetensors bytes, activations through forward hooks, and the three attributions.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import type { RemovableHandle } from '@tsgrad/hooks';
import * as nn from '@tsgrad/nn';
import { interpret, models } from '@tsgrad/vision';
import { MNIST_SIZE, normalize_mnist } from './preprocess.js';

/** The layers whose outputs the page shows, in forward order. */
export const LAYERS = ['conv1', 'pool1', 'conv2', 'pool2', 'fc', 'out'] as const;
export type LayerName = (typeof LAYERS)[number];

/** The layers Grad-CAM can explain (their outputs are feature maps). */
export type CamLayer = 'conv1' | 'conv2';

/** A SimpleNet with loaded weights, its GuidedSimpleNet twin, and the forward hooks filling `activations`. */
export interface LoadedModel {
  net: models.SimpleNet;
  /** The same weights in the nn.ReLU-module variant, for guided backprop's ReLU hooks. */
  guided: models.GuidedSimpleNet;
  /** Every hooked layer's output of the last `net` call, detached. */
  activations: Map<LayerName, Tensor>;
  /** The forward hooks' handles; `release()` removes them. */
  handles: RemovableHandle[];
  /** Where the weights came from and the file's `__metadata__`. */
  name: string;
  metadata: Record<string, string>;
  parameters: number;
}

/**
 * Builds SimpleNet (without the final ReLU) from a safetensors file's bytes and hooks its layers. Throws,
 * leaving nothing behind, when the bytes are not safetensors or the tensors do not fit SimpleNet (PyTorch's
 * `load_state_dict` messages: missing or unexpected keys, size mismatches).
 *
 * @example
 * const model = load_model(new Uint8Array(await file.arrayBuffer()), file.name);
 */
export function load_model(bytes: Uint8Array, name: string): LoadedModel {
  const { tensors, metadata } = nn.deserialize(bytes);
  const net = new models.SimpleNet({ final_relu: false });
  const guided = new models.GuidedSimpleNet({ final_relu: false });
  net.load_state_dict(tensors);
  guided.load_state_dict(tensors);
  net.eval();
  guided.eval();
  const activations = new Map<LayerName, Tensor>();
  const handles = LAYERS.map((layer) =>
    net.get_submodule(layer).register_forward_hook((_module, _args, output) => {
      activations.set(layer, (output as Tensor).detach());
    }),
  );
  const parameters = [...net.parameters()].reduce((n, p) => n + p.numel(), 0);
  return { net, guided, activations, handles, name, metadata: metadata ?? {}, parameters };
}

/**
 * Removes a model's forward hooks.
 *
 * @example
 * release(old_model);
 */
export function release(model: LoadedModel): void {
  for (const h of model.handles) h.remove();
}

/** What one analysis of an input shows. */
export interface Analysis {
  /** softmax of the logits, 10 values. */
  probabilities: Float32Array;
  predicted: number;
  /** The class the maps explain: the chosen one, or the prediction. */
  explained: number;
  /** Each hooked layer's output, `[1, C, h, w]` or `[1, F]`. */
  activations: Map<LayerName, Tensor>;
  /** `|∂ score / ∂ x|`, 28×28. */
  saliency: Float32Array;
  /** Guided backprop's positive part, 28×28. */
  guided: Float32Array;
  /** Grad-CAM upsampled to 28×28 and min-max normalized (NaN where the map is constant). */
  grad_cam: Float32Array;
  /** Milliseconds of the Grad-CAM call: one forward (hooks included) and one backward. */
  grad_cam_ms: number;
  /** Milliseconds of all three attributions. */
  total_ms: number;
  /** The kernel backend the ops ran on (`torch.kernels().name`). */
  backend: string;
}

/** What to explain and how to show Grad-CAM. */
export interface AnalyzeOptions {
  /** The class to explain; null explains the prediction. */
  target: number | null;
  cam_layer: CamLayer;
  /**
   * `'receptive_field'` puts each unit's value at the centre of the input region it sees; `'stretch'` resizes
   * the map over the whole input as pytorch-grad-cam (and `cam_upsampled`) do, which on this unpadded net
   * moves conv2's map by up to 5 pixels.
   */
  placement: CamPlacement;
}

export type CamPlacement = 'receptive_field' | 'stretch';

/**
 * Runs the net on 28×28 pixels in [0, 1]: one Grad-CAM call gives the prediction, every layer's activations
 * (forward hooks) and the class map; saliency and guided backprop follow for the same class.
 *
 * @example
 * const a = analyze(model, pixels, { target: null, cam_layer: 'conv2', placement: 'receptive_field' });
 * a.predicted; a.probabilities[a.predicted];
 */
export function analyze(model: LoadedModel, pixels: Float32Array, options: AnalyzeOptions): Analysis {
  const { target, cam_layer } = options;
  const x = torch.from_array(normalize_mnist(pixels), [1, 1, MNIST_SIZE, MNIST_SIZE], 'float32');
  let explained = -1;
  // a scoring function lets the forward that Grad-CAM runs pick the predicted class: no extra forward
  const score = (output: Tensor): Tensor => {
    explained = target ?? output.detach().argmax(1).item();
    return output.select(1, explained);
  };
  const t0 = performance.now();
  const cam = interpret.grad_cam(model.net, x, score, cam_layer);
  const t1 = performance.now();
  const activations = new Map(model.activations);
  const sal = interpret.saliency(model.net, x, explained);
  const gb = interpret.guided_backprop(model.guided, x, explained);
  const t2 = performance.now();
  const probabilities = Float32Array.from(cam.output.softmax(1).data_array());
  return {
    probabilities,
    predicted: cam.output.argmax(1).item(),
    explained,
    activations,
    saliency: Float32Array.from(sal.map.data_array()),
    guided: Float32Array.from(gb.attribution.clamp({ min: 0 }).data_array()),
    grad_cam:
      options.placement === 'stretch'
        ? Float32Array.from(cam.cam_upsampled_normalized!.data_array())
        : place_on_input(cam.cam_normalized.select(0, 0), interpret.receptive_field(model.net, cam_layer), MNIST_SIZE),
    grad_cam_ms: t1 - t0,
    total_ms: t2 - t0,
    backend: torch.kernels().name,
  };
}

/**
 * Draws a layer's `[h, w]` map on a `size × size` input by receptive field: unit `(i, j)` sits at the centre
 * of the input region it sees, `start + jump·(i, j)` in pixel indices, and pixels in between interpolate
 * bilinearly (beyond the outermost centres the edge value holds).
 *
 * @example
 * place_on_input(cam.cam_normalized.select(0, 0), interpret.receptive_field(net, 'conv2'), 28);
 */
export function place_on_input(map: Tensor, rf: interpret.ReceptiveField, size: number): Float32Array {
  if (map.ndim !== 2) throw new Error(`place_on_input expects a map of shape [h, w], got [${map.shape.join(', ')}]`);
  const [h, w] = map.shape as [number, number];
  const values = map.contiguous().data_array();
  const at = (i: number, j: number): number => values[i * w + j]!;
  const unit = (pixel: number, d: 0 | 1, n: number): [number, number, number] => {
    const u = Math.min(n - 1, Math.max(0, (pixel - rf.start[d]) / rf.jump[d]));
    const lo = Math.min(n - 2, Math.floor(u));
    return n === 1 ? [0, 0, 0] : [lo, lo + 1, u - lo];
  };
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const [i0, i1, fy] = unit(y, 0, h);
    for (let x = 0; x < size; x++) {
      const [j0, j1, fx] = unit(x, 1, w);
      const top = at(i0, j0) * (1 - fx) + at(i0, j1) * fx;
      const bottom = at(i1, j0) * (1 - fx) + at(i1, j1) * fx;
      out[y * size + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
