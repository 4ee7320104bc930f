// Seeing inside a trained SimpleNet: saliency, guided backprop, Grad-CAM, occlusion, class visualizations,
// maximally activating patches and a t-SNE plot of test images, written as PNGs.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { image, interpret, models } from '@tsgrad/vision';
import { map_on_input, overlay, pick_examples, pixel_range, prediction_labels, SHEET_SCALE, short_name } from './pictures.js';
import { dataset_option, int_option, run_if_main, type Log } from './run_main.js';
import { load, NORMALIZE, train, type TrainOptions } from './train_mnist.js';

const HELP = `Usage: node examples/dist/interpret.js [options]

Explains a trained SimpleNet on test images and writes PNGs: saliency, guided backprop, Grad-CAM on conv1
and conv2, occlusion, class visualizations, maximally activating conv2 patches and a t-SNE plot.

  --weights <file>                 safetensors weights of SimpleNet without the final ReLU (default
                                   out/simplenet_<dataset>.safetensors, as pnpm demo writes them); when
                                   the file is missing, a SimpleNet is trained on --train-limit samples first
  --dataset <mnist|fashion-mnist>  data set (default mnist)
  --out <dir>                      where the PNGs go (default out/interpret)
  --images <n>                     test images to explain, the first of each class in turn (default 6)
  --train-limit <n>                training samples when the weights are missing (default 12000)
  --patch-images <n>               test images searched for maximally activating patches (default 2000)
  --tsne-points <n>                test images in the t-SNE plot (default 1000)
  --help                           this text`;

export interface InterpretOptions {
  weights: string;
  dataset: TrainOptions['dataset'];
  out: string;
  images: number;
  train_limit: number;
  patch_images: number;
  tsne_points: number;
}

export interface InterpretResult {
  /** Every PNG written, in order. */
  files: string[];
  /** Whether the weights had to be trained first. */
  trained: boolean;
  net: models.SimpleNet;
  /** The same weights with nn.ReLU modules, for guided backprop. */
  guided: models.GuidedSimpleNet;
  /** The explained test images `[N, 1, 28, 28]` (normalized) and their labels. */
  x: torch.Tensor;
  labels: number[];
  predicted: number[];
  /** Vanilla saliency of the predicted class, `[N, 28, 28]`. */
  saliency: torch.Tensor;
  /** Class visualizations of classes 0..9, `[10, 1, 28, 28]`, and each one's softmax probability of its class. */
  class_images: torch.Tensor;
  class_probs: number[];
  /** Leave-one-out 5-nearest-neighbour accuracy of the class labels in the 2-D t-SNE embedding. */
  tsne_knn_accuracy: number;
}

/**
 * Parses the command line; null for `--help`. Throws on a bad value, naming the flag and the value.
 *
 * @example
 * parse_options(['--dataset', 'fashion-mnist', '--images', '4']);
 */
export function parse_options(argv: string[]): InterpretOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      weights: { type: 'string' }, dataset: { type: 'string', default: 'mnist' }, out: { type: 'string', default: join('out', 'interpret') },
      images: { type: 'string', default: '6' }, 'train-limit': { type: 'string', default: '12000' }, 'patch-images': { type: 'string', default: '2000' },
      'tsne-points': { type: 'string', default: '1000' }, help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) return null;
  const dataset = dataset_option(values.dataset);
  const int = int_option;
  return {
    weights: values.weights ?? join('out', `simplenet_${dataset}.safetensors`), dataset, out: values.out!,
    images: int('images', values.images!, 1), train_limit: int('train-limit', values['train-limit']!, 1),
    patch_images: int('patch-images', values['patch-images']!, 1), tsne_points: int('tsne-points', values['tsne-points']!, 12),
  };
}

/**
 * Loads `o.weights` into a SimpleNet without the final ReLU, or, when the file is missing, trains one on
 * `o.train_limit` samples (one epoch, batch 64), saves it there and says so.
 *
 * @example
 * const { net, trained } = load_or_train(parse_options(['--train-limit', '2000'])!, console.log);
 */
export function load_or_train(o: Pick<InterpretOptions, 'weights' | 'dataset' | 'train_limit'>, log: Log): { net: models.SimpleNet; trained: boolean } {
  const net = new models.SimpleNet({ final_relu: false });
  if (existsSync(o.weights)) {
    net.load_state_dict(nn.load_file(o.weights));
    log(`weights: ${o.weights}`);
    return { net, trained: false };
  }
  log(`no weights at ${o.weights}: training SimpleNet on ${o.train_limit} ${o.dataset} samples first (pnpm demo trains on all of them)`);
  // train() names its file after the data set; a scratch folder keeps it from overwriting a file of that name
  const scratch = mkdtempSync(join(tmpdir(), 'tsgrad-interpret-'));
  try {
    const r = train({ dataset: o.dataset, epochs: 1, batch_size: 64, lr: 0.001, seed: 0, limit: o.train_limit, test_limit: 2000, out: scratch, progress: false }, log);
    mkdirSync(dirname(o.weights), { recursive: true });
    copyFileSync(r.weights_path, o.weights);
    log(`trained in ${r.seconds.toFixed(1)} s, ${(100 * r.accuracy).toFixed(1)}% on 2000 test images; weights saved to ${o.weights}`);
    net.load_state_dict(r.net.state_dict());
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { net, trained: true };
}

/**
 * Per image, the share of a non-negative map's mass on the object's pixels (input above the image's mean: a
 * digit's stroke), and the share of all pixels that are object pixels; a map blind to the object scores about
 * the latter.
 *
 * @example
 * object_share(saliency_map, x).share; // e.g. [0.4, 0.35, ...] with area [0.17, 0.12, ...]
 */
export function object_share(map: torch.Tensor, x: torch.Tensor): { share: number[]; area: number[] } {
  const [n, , h, w] = x.shape as [number, number, number, number];
  if (map.numel() !== n * h * w) throw new Error(`object_share needs a map [${n}, ${h}, ${w}] for images [${x.shape.join(', ')}], got [${map.shape.join(', ')}]`);
  const m = map.contiguous().data_array();
  const p = x.contiguous().data_array();
  const share: number[] = [];
  const area: number[] = [];
  for (let k = 0; k < n; k++) {
    let mean = 0;
    for (let i = 0; i < h * w; i++) mean += p[k * h * w + i]! / (h * w);
    let inside = 0;
    let total = 0;
    let pixels = 0;
    for (let i = 0; i < h * w; i++) {
      const v = m[k * h * w + i]!;
      total += v;
      if (p[k * h * w + i]! > mean) {
        inside += v;
        pixels++;
      }
    }
    share.push(total > 0 ? inside / total : 0);
    area.push(pixels / (h * w));
  }
  return { share, area };
}

const mean_of = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;

/**
 * Leave-one-out k-nearest-neighbour accuracy of `labels` among 2-D points: how well the plot's neighbourhoods
 * keep the classes apart (1 = every point's neighbours mostly share its class).
 *
 * @example
 * knn_accuracy(tsne(features).embedding, labels, 5);
 */
export function knn_accuracy(points: torch.Tensor, labels: readonly number[], k = 5): number {
  const p = points.contiguous().data_array();
  const n = labels.length;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .map((j) => [(p[2 * i]! - p[2 * j]!) ** 2 + (p[2 * i + 1]! - p[2 * j + 1]!) ** 2, j] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .slice(0, k);
    const votes = new Map<number, number>();
    for (const [, j] of order) votes.set(labels[j]!, (votes.get(labels[j]!) ?? 0) + 1);
    const best = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    if (best === labels[i]) correct++;
  }
  return correct / n;
}

/** The plot with a legend (colour swatch and name per class, in scatter_plot's colours) to its right rather than over its points. */
function with_legend(plot: image.RgbaImage, classes: readonly string[]): image.RgbaImage {
  const swatch = 10;
  const width = plot.width + 8 + swatch + 6 + Math.max(...classes.map((c) => image.text_width(c))) + 8;
  const out = image.blank_image(width, plot.height);
  for (let y = 0; y < plot.height; y++) out.data.set(plot.data.subarray(4 * y * plot.width, 4 * (y + 1) * plot.width), 4 * y * width);
  classes.forEach((name, c) => {
    const y = 12 + c * 20;
    for (let dy = 0; dy < swatch; dy++) for (let dx = 0; dx < swatch; dx++) out.data.set([...image.LABEL_COLORS[c % 10]!, 255], 4 * ((y + 3 + dy) * width + plot.width + 8 + dx));
    image.draw_text(out, plot.width + 8 + swatch + 6, y, name, [0, 0, 0]);
  });
  return out;
}

/** Writes the PNG and remembers its path. */
function writer(out: string, files: string[], log: Log) {
  return (name: string, picture: image.RgbaImage, what: string): void => {
    const path = join(out, name);
    image.write_png(path, picture);
    files.push(path);
    log(`wrote ${path} (${picture.width}×${picture.height}): ${what}`);
  };
}

/**
 * Runs every view on the trained net and writes the PNGs; returns what it drew. Hooks are checked to be gone
 * afterwards (an error otherwise).
 *
 * @example
 * main(console.log, ['--weights', 'out/simplenet_mnist.safetensors', '--out', 'out/interpret']);
 */
export function main(log: Log = console.log, argv = process.argv.slice(2)): InterpretResult | null {
  const o = parse_options(argv.filter((a) => a !== '--'));
  if (o === null) {
    log(HELP);
    return null;
  }
  const { net, trained } = load_or_train(o, log);
  net.eval();
  const guided = new models.GuidedSimpleNet({ final_relu: false });
  guided.load_state_dict(net.state_dict());
  guided.eval();

  const test = load(o.dataset, false, null);
  const range = pixel_range(NORMALIZE[o.dataset]);
  const all_labels = Array.from(test.y.data_array(), Number);
  const picked = pick_examples(all_labels, o.images);
  const x = test.x.index([torch.tensor(picked, { dtype: 'int64' })]);
  const labels = picked.map((i) => all_labels[i]!);
  const n = labels.length;
  const predicted = Array.from(torch.no_grad(() => net.call(x).argmax(1)).data_array(), Number);
  mkdirSync(o.out, { recursive: true });
  const files: string[] = [];
  const write = writer(o.out, files, log);
  const digit = (k: number): torch.Tensor => x.index([k]);
  const digits = Array.from({ length: n }, (_, k) => image.to_rgba(digit(k), { range }));
  const header = prediction_labels(labels, predicted, test.classes);
  const row = (label: string, cell: (k: number) => image.RgbaImage) => ({ cells: Array.from({ length: n }, (_, k) => cell(k)), labels: new Array<string>(n).fill(label) });
  const sheet = (...rows: { cells: image.RgbaImage[]; labels: string[] }[]) =>
    image.image_grid([...digits, ...rows.flatMap((r) => r.cells)], { cols: n, labels: [...header, ...rows.flatMap((r) => r.labels)], scale: SHEET_SCALE });
  log(`explaining the predicted class of ${n} test images (true as predicted): ${header.join(', ')}`);

  // vanilla saliency |∂ logit / ∂ x|
  const sal = interpret.saliency(net, x, predicted);
  const sal_share = object_share(sal.map, x);
  const heat_bar = (title: string) => ({ colormap: 'jet' as const, ticks: ['0', 'max'] as const, label: 'per image', title });
  write('saliency.png', image.with_colorbar(sheet(
    row('saliency', (k) => image.to_rgba(sal.map.index([k]), { colormap: 'jet', range: [0, sal.map.index([k]).amax().item()] })),
    row('overlay', (k) => overlay(digit(k), sal.map.index([k]), range)),
  ), heat_bar('Vanilla saliency |d score / d pixel|')), `saliency, ${pct(mean_of(sal_share.share))} of it on the ${pct(mean_of(sal_share.area))} of pixels that are object (brighter than the image's mean)`);
  log(`the first image (${test.classes[labels[0]!]}) and its saliency in the terminal:`);
  const left = image.render_ascii(digit(0), { width: 28 }).split('\n');
  const right = image.render_ascii(sal.map.index([0]), { width: 28 }).split('\n');
  left.forEach((l, r) => log(`  ${l.padEnd(28)} | ${right[r] ?? ''}`));

  // guided backprop: ReLU backward hooks on the nn.ReLU twin let only positive gradients through
  const gb = interpret.guided_backprop(guided, x, predicted);
  write('guided_backprop.png', image.with_colorbar(sheet(
    row('guided bp', (k) => {
      const a = gb.attribution.index([k]);
      const m = Math.max(a.abs().amax().item(), 1e-12);
      return image.to_rgba(a, { range: [-m, m] });
    }),
  ), { colormap: 'gray', ticks: ['-max', '+max'], label: 'per image', title: 'Guided backprop' }), 'guided backprop (gray 0, white: a brighter pixel raises the class score, black: lowers it)');

  // Grad-CAM on both conv layers, placed by receptive field; the last row stretches conv2's map over the
  // whole image as pytorch-grad-cam does, which on this unpadded net shifts it off the stroke
  const size: [number, number] = [x.shape[2]!, x.shape[3]!];
  const cams = (['conv1', 'conv2'] as const).map((layer) => {
    const r = interpret.grad_cam(net, x, predicted, layer);
    return { label: `grad-cam ${layer}`, map: map_on_input(net, layer, r.cam, size), stretched: r.cam_upsampled! };
  });
  const cam_rows = [...cams, { label: 'conv2 stretched', map: cams[1]!.stretched }];
  write('grad_cam.png', image.with_colorbar(sheet(...cam_rows.map(({ label, map }) => row(label, (k) => overlay(digit(k), map.index([k]), range)))), heat_bar('Grad-CAM of the predicted class')),
    `${cam_rows.map(({ label, map }) => `${label.replace('grad-cam ', '')} ${pct(mean_of(object_share(map, x).share))}`).join(', ')} of Grad-CAM on the object`);

  // occlusion: a black 6×6 patch slid with stride 2; the heat is the drop of the class probability
  const occ = interpret.occlusion(net, x, predicted, { patch: 6, stride: 2, fill: range[0] });
  const max_drop = occ.heatmap.amax().item();
  write('occlusion.png', image.with_colorbar(sheet(
    row('occlusion', (k) => overlay(digit(k), occ.attribution.index([k]).clamp({ min: 0 }), range)),
  ), heat_bar('Occlusion: drop of the class probability')), `occlusion with a black 6×6 patch, stride 2; largest probability drop ${max_drop.toFixed(2)}`);

  // class visualizations: ascend each class's logit from a blank image, with L2 decay, clipped to real pixel values
  const gen = new torch.Generator().manual_seed(0);
  const init = torch.full([10, 1, 28, 28], range[0]).add(torch.randn([10, 1, 28, 28], { generator: gen }).mul(0.01));
  const vis = interpret.class_visualization(net, torch.arange(0, 10, 1, { dtype: 'int64' }), { steps: 300, lr: 2, l2: 0.01, clip: range, jitter: 1, init, generator: gen, trace: 'scalars' });
  const vis_probs = torch.no_grad(() => net.call(vis.image).softmax(1));
  const class_probs = Array.from({ length: 10 }, (_, c) => vis_probs.index([c, c]).item());
  write('class_visualization.png', image.image_grid(
    Array.from({ length: 10 }, (_, c) => image.to_rgba(vis.image.index([c]), { range })),
    { cols: 10, labels: test.classes.map(short_name), scale: SHEET_SCALE },
  ), `class visualizations, softmax of their class ${class_probs.map((p) => p.toFixed(2)).join(' ')}`);

  // maximally activating conv2 patches: the receptive field of each channel's strongest unit
  const searched = test.x.narrow(0, 0, Math.min(o.patch_images, test.x.size(0)));
  const channels = [0, 1, 2, 3, 4, 5];
  const top_k = 8;
  const patches = channels.map((c) => interpret.max_activating_patches(net, 'conv2', c, searched, { top_k, pad_value: range[0] }));
  const rf = interpret.receptive_field(net, 'conv2');
  write('patches_conv2.png', image.image_grid(
    patches.flatMap((list) => list.map((p) => image.to_rgba(p.patch, { range }))),
    { cols: top_k, labels: patches.flatMap((list, r) => list.map((p, k) => (k === 0 ? `ch ${channels[r]} ${p.activation.toFixed(1)}` : p.activation.toFixed(1)))), scale: 4 },
  ), `top ${top_k} of ${searched.size(0)} test images for conv2 channels ${channels.join(', ')} (receptive field ${rf.size.join('×')})`);

  // t-SNE of the 50 values the output layer sees (fc after its ReLU)
  const points = Math.min(o.tsne_points, test.x.size(0));
  const feats = interpret.layer_features(net, 'fc', test.x.narrow(0, 0, points)).relu();
  const tsne_labels = all_labels.slice(0, points);
  const t0 = performance.now();
  const emb = interpret.tsne(feats, { perplexity: Math.min(30, Math.floor((points - 1) / 3)), seed: 0 });
  const tsne_knn_accuracy = knn_accuracy(emb.embedding, tsne_labels);
  const plot = image.scatter_plot(emb.embedding, { labels: tsne_labels });
  write('tsne.png', with_legend(plot, test.classes),
    `t-SNE of fc features of ${points} test images in ${((performance.now() - t0) / 1000).toFixed(1)} s, KL ${emb.kl_divergence.toFixed(2)}, 5-NN accuracy in the plot ${pct(tsne_knn_accuracy)}`);

  const hooks_after = [...nn.utils.list_hooks(net), ...nn.utils.list_hooks(guided)];
  if (hooks_after.length > 0) throw new Error(`hooks left behind: ${hooks_after.map((h) => `${h.path}:${h.kind}`).join(', ')}`);
  log('hooks left on the nets afterwards: none (checked with nn.utils.list_hooks)');
  return { files, trained, net, guided, x, labels, predicted, saliency: sal.map, class_images: vis.image, class_probs, tsne_knn_accuracy };
}

run_if_main(import.meta.url, (log) => main(log), HELP);
