// Picture helpers shared by the demo and interpret.ts: picking test images, grid labels, overlays, placing layer
// maps on the input, and the saliency / Grad-CAM sheet.
import * as torch from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';
import { image, interpret } from '@tsgrad/vision';

/** Pixels per image pixel in the example sheets (28 × 28 digits become 84 × 84 cells). */
export const SHEET_SCALE = 3;

/**
 * The normalized values of a black and a white pixel, `[(0 − mean)/std, (1 − mean)/std]`: the range images are
 * drawn with and class visualizations are clipped to.
 *
 * @example
 * pixel_range([0.1307, 0.3081]); // [-0.4242, 2.8215]
 */
export function pixel_range([mean, std]: readonly [number, number]): [number, number] {
  return [(0 - mean) / std, (1 - mean) / std];
}

/**
 * A class name short enough for a grid label: MNIST's `'7 - seven'` becomes `'7'`, Fashion-MNIST's
 * `'T-shirt/top'` `'T-shirt'` and `'Ankle boot'` `'boot'`.
 *
 * @example
 * short_name('7 - seven'); // '7'
 */
export function short_name(name: string): string {
  return name.split(' - ')[0]!.split('/')[0]!.split(' ').at(-1)!;
}

/**
 * Labels `'<true> as <predicted>'` for a row of images, with `' X'` marking a wrong prediction; at most 21
 * characters for the ten classes of either data set, so they fit under a cell of `SHEET_SCALE`.
 *
 * @example
 * prediction_labels([7, 4], [7, 9], classes); // ['7 as 7', '4 as 9 X']
 */
export function prediction_labels(truth: readonly number[], predicted: readonly number[], classes: readonly string[]): string[] {
  return truth.map((t, k) => `${short_name(classes[t]!)} as ${short_name(classes[predicted[k]!]!)}${t === predicted[k] ? '' : ' X'}`);
}

/**
 * Indices of `n` images: with C classes present, the k-th is the ⌊k/C⌋-th image of the (k mod C)-th class, so
 * the first C show every class once.
 *
 * @example
 * pick_examples([7, 2, 1, 0, 4, 1], 2); // [3, 2]: the first 0 and the first 1
 */
export function pick_examples(labels: readonly number[], n: number): number[] {
  const seen = new Map<number, number[]>();
  labels.forEach((c, i) => (seen.get(c) ?? seen.set(c, []).get(c)!).push(i));
  const classes = [...seen.keys()].sort((a, b) => a - b);
  return Array.from({ length: n }, (_, k) => {
    const list = seen.get(classes[k % classes.length]!)!;
    const i = list[Math.floor(k / classes.length)];
    if (i === undefined) throw new Error(`only ${list.length} test images of class ${classes[k % classes.length]} to pick image ${k} from; ask for fewer images`);
    return i;
  });
}

/**
 * A non-negative map (saliency, Grad-CAM, occlusion drop) in jet over a digit drawn in `range`; the colours
 * run from 0 (dark blue) to the map's maximum (dark red), so an all-background map stays blue.
 *
 * @example
 * overlay(x.index([0]), saliency_map.index([0]), pixel_range([0.1307, 0.3081]));
 */
export function overlay(digit: torch.Tensor, heat: torch.Tensor, range: readonly [number, number]): image.RgbaImage {
  return image.heatmap_overlay(digit, heat, { image_range: range, heat_range: [0, heat.amax().item()], alpha: 0.6 });
}

/**
 * Places a layer's maps `[N, h, w]` on the input grid `[H, W]` by the layer's receptive field: unit `(i, j)` lands
 * on the centre of the input region it sees, `start + i·jump`, the map upsampled bilinearly by `jump`, and pixels
 * no unit is centred on stay 0 (a net whose map is not 0 at its border shows the box's edge). On a net without padding
 * this is not what stretching the map over the whole input does (pytorch-grad-cam's resize, `grad_cam`'s
 * `cam_upsampled`): SimpleNet's conv2 units are centred on pixels 6.5…20.5 only, so the stretched 8×8 map lands
 * up to 5 pixels off, often beside the stroke.
 *
 * @example
 * const r = interpret.grad_cam(net, x, 3, 'conv2');
 * map_on_input(net, 'conv2', r.cam, [28, 28]); // [N, 28, 28], the 8×8 map on pixels 6..21
 */
export function map_on_input(net: nn.Module, layer: string, maps: torch.Tensor, [H, W]: readonly [number, number]): torch.Tensor {
  const rf = interpret.receptive_field(net, layer);
  const [n, h, w] = maps.shape as [number, number, number];
  const [top, left] = [0, 1].map((d) => rf.start[d]! - (rf.jump[d]! - 1) / 2) as [number, number];
  const [height, width] = [h * rf.jump[0], w * rf.jump[1]];
  if (!Number.isInteger(top) || !Number.isInteger(left) || top < 0 || left < 0 || top + height > H || left + width > W) {
    throw new Error(`map_on_input: ${layer}'s ${h}×${w} map with jump [${rf.jump.join(', ')}] covers rows ${top}..${top + height} and columns ${left}..${left + width}, not whole pixels inside the ${H}×${W} input`);
  }
  return torch.no_grad(() => {
    const canvas = torch.zeros([n, H, W], { dtype: maps.dtype });
    canvas.narrow(1, top, height).narrow(2, left, width).copy_(interpret.upsample_maps(maps, [height, width]));
    return canvas;
  });
}

/** What `explain_sheet` drew. */
export interface ExplainSheet {
  image: image.RgbaImage;
  /** Predicted class per image (the class the maps explain). */
  predicted: number[];
  /** Vanilla saliency `[N, H, W]`. */
  saliency: torch.Tensor;
  /** Grad-CAM on conv2 placed on the input by `map_on_input`, `[N, H, W]`. */
  grad_cam: torch.Tensor;
}

/**
 * A sheet with one column per image: the digit (labelled true/predicted class), its vanilla saliency over the
 * digit, and its Grad-CAM on `conv2` (placed by `map_on_input`) over the digit, both for the predicted class;
 * a title above and a jet colour bar from 0 to each map's maximum beside it. `net` must be in eval mode
 * and have a `conv2` layer; its hooks are removed again by the interpret tools.
 *
 * @example
 * const { image: sheet } = explain_sheet(net.eval(), x, labels, classes, pixel_range([0.1307, 0.3081]));
 */
export function explain_sheet(net: nn.Module, x: torch.Tensor, truth: readonly number[], classes: readonly string[], range: readonly [number, number]): ExplainSheet {
  const predicted = Array.from(torch.no_grad(() => (net.call(x) as torch.Tensor).argmax(1)).data_array(), Number);
  const sal = interpret.saliency(net, x, predicted);
  const cam = map_on_input(net, 'conv2', interpret.grad_cam(net, x, predicted, 'conv2', { upsample_to: null }).cam, [x.shape[2]!, x.shape[3]!]);
  const n = x.shape[0]!;
  const digit = (k: number): torch.Tensor => x.index([k]);
  const cells = [
    ...Array.from({ length: n }, (_, k) => image.to_rgba(digit(k), { range })),
    ...Array.from({ length: n }, (_, k) => overlay(digit(k), sal.map.index([k]), range)),
    ...Array.from({ length: n }, (_, k) => overlay(digit(k), cam.index([k]), range)),
  ];
  const labels = [...prediction_labels(truth, predicted, classes), ...new Array<string>(n).fill('saliency'), ...new Array<string>(n).fill('grad-cam conv2')];
  const grid = image.image_grid(cells, { cols: n, labels, scale: SHEET_SCALE });
  const sheet = image.with_colorbar(grid, { colormap: 'jet', ticks: ['0', 'max'], label: 'per image', title: 'Saliency and Grad-CAM of the predicted class' });
  return { image: sheet, predicted, saliency: sal.map, grad_cam: cam };
}
