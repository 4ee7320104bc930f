// SimpleNet in the page: weights from safetensors bytes, activations through forward hooks, and the three attributions.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import type { RemovableHandle } from '@tsgrad/hooks';
import * as nn from '@tsgrad/nn';
import { attr, cams, interpret, models } from '@tsgrad/vision';
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

/** One attribution or CAM method the page's picker offers. */
export interface Method {
  /** The `<option>` value. */
  id: string;
  /** Which library's class it is. */
  library: 'Captum' | 'pytorch-grad-cam';
  label: string;
  /** A non-negative 28×28 map for image `x` `[1, 1, 28, 28]` (normalized) and class `target`. */
  run: (model: LoadedModel, x: Tensor, target: number, cam_layer: CamLayer) => Tensor;
}

/** The normalized all-black image: the baseline of IG, DeepLift and occlusion. */
const black = (): Tensor => torch.from_array(normalize_mnist(new Float32Array(MNIST_SIZE * MNIST_SIZE)), [1, 1, MNIST_SIZE, MNIST_SIZE], 'float32');
/** An input attribution `[1, 1, 28, 28]` as its absolute value (Captum's `sign='absolute_value'`). */
const magnitude = (a: Tensor): Tensor => a.abs().reshape([MNIST_SIZE, MNIST_SIZE]);
/** A layer attribution `[1, C, h, w]`: summed over channels, ReLU'd, resized bilinearly to 28×28. */
const layer_map = (a: Tensor): Tensor =>
  attr.LayerAttribution.interpolate(a.sum(1, { keepdim: true }).clamp({ min: 0 }), [MNIST_SIZE, MNIST_SIZE], 'bilinear').reshape([MNIST_SIZE, MNIST_SIZE]);
const cam_with = (cls: new (o: cams.CamOptions) => cams.BaseCAM) => (model: LoadedModel, x: Tensor, target: number, cam_layer: CamLayer): Tensor => {
  using cam = new cls({ model: model.net, target_layers: [model.net.get_submodule(cam_layer)] });
  return cam.call({ input_tensor: x, targets: [new cams.ClassifierOutputTarget(target)] }).reshape([MNIST_SIZE, MNIST_SIZE]);
};

/**
 * The picker's methods: Captum's classes (`attr.*`, guided backprop, deconvolution, Guided Grad-CAM and DeepLift
 * on the nn.ReLU twin) and pytorch-grad-cam's (`cams.*`, on the Grad-CAM layer chosen on the page).
 *
 * @example
 * const map = METHODS.find((m) => m.id === 'IntegratedGradients')!.run(model, x, 7, 'conv2');
 */
export const METHODS: readonly Method[] = [
  { id: 'Saliency', library: 'Captum', label: 'Saliency', run: (m, x, t) => magnitude(new attr.Saliency(m.net).attribute(x, { target: t })) },
  { id: 'InputXGradient', library: 'Captum', label: 'Input × Gradient', run: (m, x, t) => magnitude(new attr.InputXGradient(m.net).attribute(x, { target: t })) },
  {
    id: 'IntegratedGradients', library: 'Captum', label: 'Integrated Gradients (32 steps, black baseline)',
    run: (m, x, t) => magnitude(new attr.IntegratedGradients(m.net).attribute(x, { target: t, baselines: black(), n_steps: 32 })),
  },
  { id: 'GuidedBackprop', library: 'Captum', label: 'Guided Backprop', run: (m, x, t) => magnitude(new attr.GuidedBackprop(m.guided).attribute(x, { target: t })) },
  { id: 'Deconvolution', library: 'Captum', label: 'Deconvolution', run: (m, x, t) => magnitude(new attr.Deconvolution(m.guided).attribute(x, { target: t })) },
  {
    id: 'GuidedGradCam', library: 'Captum', label: 'Guided Grad-CAM (Grad-CAM layer)',
    run: (m, x, t, layer) => magnitude(new attr.GuidedGradCam(m.guided, layer).attribute(x, { target: t, interpolate_mode: 'bilinear' })),
  },
  { id: 'DeepLift', library: 'Captum', label: 'DeepLift (black baseline)', run: (m, x, t) => magnitude(new attr.DeepLift(m.guided).attribute(x, { target: t, baselines: black() })) },
  {
    id: 'Occlusion', library: 'Captum', label: 'Occlusion (4×4 window, stride 2)',
    run: (m, x, t) => new attr.Occlusion(m.net).attribute(x, { target: t, sliding_window_shapes: [1, 4, 4], strides: [1, 2, 2], baselines: black(), perturbations_per_eval: 64 })
      .clamp({ min: 0 }).reshape([MNIST_SIZE, MNIST_SIZE]),
  },
  { id: 'LayerGradCam', library: 'Captum', label: 'LayerGradCam (Grad-CAM layer)', run: (m, x, t, layer) => layer_map(new attr.LayerGradCam(m.net, layer).attribute(x, { target: t }) as Tensor) },
  {
    id: 'LayerConductance', library: 'Captum', label: 'LayerConductance (Grad-CAM layer, 16 steps)',
    run: (m, x, t, layer) => layer_map(new attr.LayerConductance(m.net, layer).attribute(x, { target: t, baselines: black(), n_steps: 16 }) as Tensor),
  },
  { id: 'GradCAM', library: 'pytorch-grad-cam', label: 'GradCAM', run: cam_with(cams.GradCAM) },
  { id: 'GradCAMPlusPlus', library: 'pytorch-grad-cam', label: 'GradCAM++', run: cam_with(cams.GradCAMPlusPlus) },
  { id: 'HiResCAM', library: 'pytorch-grad-cam', label: 'HiResCAM', run: cam_with(cams.HiResCAM) },
  { id: 'XGradCAM', library: 'pytorch-grad-cam', label: 'XGradCAM', run: cam_with(cams.XGradCAM) },
  { id: 'LayerCAM', library: 'pytorch-grad-cam', label: 'LayerCAM', run: cam_with(cams.LayerCAM) },
  { id: 'EigenCAM', library: 'pytorch-grad-cam', label: 'EigenCAM', run: cam_with(cams.EigenCAM) },
  { id: 'ScoreCAM', library: 'pytorch-grad-cam', label: 'ScoreCAM', run: cam_with(cams.ScoreCAM) },
  { id: 'AblationCAM', library: 'pytorch-grad-cam', label: 'AblationCAM', run: cam_with(cams.AblationCAM) },
  {
    id: 'FullGrad', library: 'pytorch-grad-cam', label: 'FullGrad (every conv bias)',
    run: (m, x, t) => {
      using cam = new cams.FullGrad({ model: m.net, target_layers: [] });
      return cam.call({ input_tensor: x, targets: [new cams.ClassifierOutputTarget(t)] }).reshape([MNIST_SIZE, MNIST_SIZE]);
    },
  },
];

/**
 * Runs the picked method on 28×28 pixels in [0, 1] for class `target`: its map (28×28, non-negative, not
 * normalized) and the milliseconds it took. The method's hooks are gone afterwards (the page's own stay).
 *
 * @example
 * const { map, ms } = attribute_with(model, 'GradCAMPlusPlus', pixels, 7, 'conv2');
 */
export function attribute_with(model: LoadedModel, id: string, pixels: Float32Array, target: number, cam_layer: CamLayer): { map: Float32Array; ms: number } {
  const method = METHODS.find((m) => m.id === id);
  if (method === undefined) throw new Error(`unknown method '${id}'; one of ${METHODS.map((m) => m.id).join(', ')}`);
  const x = torch.from_array(normalize_mnist(pixels), [1, 1, MNIST_SIZE, MNIST_SIZE], 'float32');
  const t0 = performance.now();
  const map = method.run(model, x, target, cam_layer).detach().contiguous();
  return { map: Float32Array.from(map.data_array()), ms: performance.now() - t0 };
}
