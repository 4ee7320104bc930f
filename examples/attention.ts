// Explaining attention models: a small Vision Transformer trained briefly on MNIST (every head's attention captured
// with hooks, attention rollout, Grad-CAM through reshape_transform, LayerIntegratedGradients over the patch
// embeddings) and TinyGPT trained on a copy task (attention maps, LayerIntegratedGradients over the token
// embeddings, activation patching with run_with_cache / run_with_hooks), written as PNGs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { attr, cams, image, interpret, models } from '@tsgrad/vision';
import { pick_examples, pixel_range, prediction_labels, SHEET_SCALE } from './pictures.js';
import { dataset_option, int_option, run_if_main, type Log } from './run_main.js';
import { TinyGPT } from './sequence_models.js';
import { load, NORMALIZE } from './train_mnist.js';

const HELP = `Usage: node examples/dist/attention.js [options]

Trains a small Vision Transformer on MNIST (or Fashion-MNIST) and TinyGPT on a copy task for about a minute each,
then explains them and writes PNGs: the class token's attention of every head, attention rollout, Grad-CAM through
reshape_transform and LayerIntegratedGradients over the patch embeddings; TinyGPT's attention of every head,
LayerIntegratedGradients over its token embeddings and an activation-patching table.

  --dataset <mnist|fashion-mnist>  data set of the ViT (default mnist)
  --out <dir>                      where the PNGs go (default out/attention)
  --train-limit <n>                ViT training images (default 12000)
  --epochs <n>                     ViT epochs (default 2)
  --images <n>                     test images explained, the first of each class in turn (default 6)
  --gpt-steps <n>                  TinyGPT optimizer steps on the copy task (default 400)
  --seed <n>                       random seed (default 0)
  --help                           this text`;

export interface AttentionOptions {
  dataset: 'mnist' | 'fashion-mnist';
  out: string;
  train_limit: number;
  epochs: number;
  images: number;
  gpt_steps: number;
  seed: number;
}

/**
 * Parses the command line; null for `--help`. Throws a UsageError naming the flag and the value.
 *
 * @example
 * parse_options(['--epochs', '1', '--gpt-steps', '100']);
 */
export function parse_options(argv: string[]): AttentionOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      dataset: { type: 'string', default: 'mnist' }, out: { type: 'string', default: join('out', 'attention') },
      'train-limit': { type: 'string', default: '12000' }, epochs: { type: 'string', default: '2' }, images: { type: 'string', default: '6' },
      'gpt-steps': { type: 'string', default: '400' }, seed: { type: 'string', default: '0' }, help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) return null;
  const dataset = dataset_option(values.dataset);
  const int = int_option;
  return {
    dataset, out: values.out, train_limit: int('train-limit', values['train-limit'], 64), epochs: int('epochs', values.epochs, 1),
    images: int('images', values.images, 1), gpt_steps: int('gpt-steps', values['gpt-steps'], 1), seed: int('seed', values.seed, 0),
  };
}

// ---------------------------------------------------------------- the Vision Transformer

/** The ViT: 28×28 images cut into a 4×4 grid of 7×7 patches, a class token, 2 pre-norm blocks of 4 heads. */
export const VIT = { image_size: 28, patch_size: 7, num_layers: 2, num_heads: 4, hidden_dim: 48, mlp_dim: 96, num_classes: 10 } as const;
/** Patches per side. */
export const GRID = VIT.image_size / VIT.patch_size;

/** One-channel images `[N, 1, H, W]` as the ViT's three channels (torchvision's ViT takes RGB). */
export const rgb = (x: Tensor): Tensor => x.expand(-1, 3, -1, -1).contiguous();

/**
 * pytorch-grad-cam's `reshape_transform` for a ViT layer: tokens `[N, 1 + g·g, C]` without the class token, as a
 * feature map `[N, C, g, g]`.
 *
 * @example
 * new cams.GradCAM({ model: vit, target_layers: [vit.encoder.layers.get_submodule('encoder_layer_1').ln_1], reshape_transform: vit_reshape_transform(4) });
 */
export function vit_reshape_transform(grid: number): (t: Tensor) => Tensor {
  return (t) => {
    if (t.ndim !== 3 || t.shape[1] !== 1 + grid * grid) throw new Error(`expected tokens [N, ${1 + grid * grid}, C], got [${t.shape.join(', ')}]`);
    return t.narrow(1, 1, grid * grid).reshape([t.shape[0]!, grid, grid, t.shape[2]!]).permute([0, 3, 1, 2]);
  };
}

/** Trains the ViT with Adam on the first `train_limit` training images and returns it (eval mode) with its test accuracy. */
export function train_vit(o: Pick<AttentionOptions, 'dataset' | 'train_limit' | 'epochs' | 'seed'>, log: Log): { vit: models.VisionTransformer; accuracy: number; seconds: number } {
  torch.manual_seed(o.seed);
  const train_set = load(o.dataset, true, o.train_limit);
  const test_set = load(o.dataset, false, 1000);
  const vit = new models.VisionTransformer(VIT);
  const opt = new nn.optim.Adam(vit.parameters(), { lr: 2e-3 });
  const loader = new nn.data.DataLoader(new nn.data.TensorDataset(train_set.x, train_set.y), {
    batch_size: 64, shuffle: true, generator: new torch.Generator().manual_seed(o.seed),
  });
  const crit = new nn.CrossEntropyLoss();
  const t0 = performance.now();
  vit.train();
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    let running = 0;
    let batches = 0;
    for (const [xb, yb] of loader) {
      opt.zero_grad();
      const loss = crit.call(vit.call(rgb(xb as Tensor)), yb as Tensor);
      loss.backward();
      opt.step();
      running += loss.item();
      batches++;
    }
    log(`ViT epoch ${epoch}/${o.epochs}: mean loss ${(running / batches).toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  vit.eval();
  const predicted = torch.no_grad(() => vit.call(rgb(test_set.x)).argmax(1));
  const accuracy = predicted.eq(test_set.y).to('float32').mean().item();
  return { vit, accuracy, seconds: (performance.now() - t0) / 1000 };
}

/** What the ViT's explanations give for a batch of images. */
export interface VitExplanation {
  /** Predicted class per image (every map explains it). */
  predicted: number[];
  /** Per encoder block (in order), every head's attention `[N, heads, T, T]` captured with hooks. */
  attention: Map<string, Tensor>;
  /** The class token's attention to the patches per block, `[N, heads, g, g]`. */
  cls_attention: Tensor[];
  /** Attention rollout: how much each patch flows into the class token, `[N, g, g]` (rows sum with the class token's share to 1). */
  rollout: Tensor;
  /** pytorch-grad-cam's GradCAM on the last block's `ln_1` through `vit_reshape_transform`, `[N, H, W]` in [0, 1]. */
  grad_cam: Tensor;
  /** Captum's LayerIntegratedGradients over the patch embeddings (`conv_proj`), summed over channels, `[N, g, g]`. */
  patch_ig: Tensor;
  /** IG's convergence delta per image. */
  ig_delta: Tensor;
}

/**
 * Every explanation of the ViT for images `x` `[N, 1, 28, 28]` (normalized): hooks only during each call.
 *
 * @example
 * const e = explain_vit(vit, x, pixel_range(NORMALIZE.mnist));
 */
export function explain_vit(vit: models.VisionTransformer, x: Tensor, range: readonly [number, number]): VitExplanation {
  const x3 = rgb(x);
  const n = x.shape[0]!;
  const [logits, attention] = torch.no_grad(() => interpret.capture_attention(vit, x3));
  const predicted = Array.from((logits as Tensor).argmax(1).data_array(), Number);
  const maps = [...attention.values()];
  const heads = maps[0]!.shape[1]!;
  const cls_attention = maps.map((a) => a.select(2, 0).narrow(2, 1, GRID * GRID).reshape([n, heads, GRID, GRID]));
  const rollout = interpret.attention_rollout(maps).select(1, 0).narrow(1, 1, GRID * GRID).reshape([n, GRID, GRID]);
  const last = vit.encoder.layers.get_submodule(`encoder_layer_${VIT.num_layers - 1}`) as models.EncoderBlock;
  using cam = new cams.GradCAM({ model: vit, target_layers: [last.ln_1], reshape_transform: vit_reshape_transform(GRID) });
  const grad_cam = cam.call({ input_tensor: x3, targets: predicted.map((c) => new cams.ClassifierOutputTarget(c)) });
  vit.zero_grad({ set_to_none: true });
  const ig = new attr.LayerIntegratedGradients(vit, vit.conv_proj);
  const black = torch.full_like(x3, range[0]);
  const [patch_attr, ig_delta] = ig.attribute(x3, { baselines: black, target: predicted, n_steps: 32, internal_batch_size: 64, return_convergence_delta: true });
  const patch_ig = torch.no_grad(() => (patch_attr as Tensor).sum(1));
  return { predicted, attention, cls_attention, rollout, grad_cam, patch_ig, ig_delta };
}

// ---------------------------------------------------------------- TinyGPT on a copy task

/** The copy task: `K` random letters, a separator, the same letters again; TinyGPT learns to predict the copy. */
export const COPY = { K: 4, letters: 10 } as const;
/** The separator's token id (after the letters). */
export const SEP = COPY.letters;
const SEQ = 2 * COPY.K + 1;

/**
 * A batch of copy-task sequences `[n, 2K + 1]` (int64): letters, SEP, the same letters.
 *
 * @example
 * copy_batch(2, new torch.Generator().manual_seed(0)); // e.g. [[3, 7, 1, 0, 10, 3, 7, 1, 0], …]
 */
export function copy_batch(n: number, generator: torch.Generator): Tensor {
  const first = torch.randint(0, COPY.letters, [n, COPY.K], { generator });
  return torch.cat([first, torch.full([n, 1], SEP, { dtype: 'int64' }), first], 1);
}

/** A sequence as text: letters a…j, `|` for the separator. */
export const spell = (tokens: readonly number[]): string => tokens.map((t) => (t === SEP ? '|' : String.fromCharCode(97 + t))).join(' ');

/** Trains TinyGPT (2 layers, 2 heads, width 32) on the copy task, the loss on the copied half only; returns it in eval mode with its accuracy on fresh sequences. */
export function train_gpt(steps: number, seed: number, log: Log): { gpt: TinyGPT; accuracy: number; seconds: number } {
  torch.manual_seed(seed);
  const gen = new torch.Generator().manual_seed(seed + 1);
  const gpt = new TinyGPT({ vocab: COPY.letters + 1, block_size: SEQ, d_model: 32, n_head: 2, n_layer: 2 });
  const opt = new nn.optim.Adam(gpt.parameters(), { lr: 3e-3 });
  const t0 = performance.now();
  gpt.train();
  // position p predicts token p + 1: the copied letters are predicted at positions K … 2K − 1
  const copied = (t: Tensor): Tensor => t.narrow(1, COPY.K, COPY.K);
  for (let step = 1; step <= steps; step++) {
    const batch = copy_batch(64, gen);
    const logits = copied(gpt.call(batch));
    const loss = nn.functional.cross_entropy(logits.reshape([-1, COPY.letters + 1]), batch.narrow(1, COPY.K + 1, COPY.K).reshape([-1]));
    opt.zero_grad();
    loss.backward();
    opt.step();
    if (step % 100 === 0 || step === steps) log(`TinyGPT step ${step}/${steps}: loss ${loss.item().toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  gpt.eval();
  const test = copy_batch(500, gen);
  const predicted = torch.no_grad(() => copied(gpt.call(test)).argmax(2));
  const accuracy = predicted.eq(test.narrow(1, COPY.K + 1, COPY.K)).to('float32').mean().item();
  return { gpt, accuracy, seconds: (performance.now() - t0) / 1000 };
}

/** What activation patching found: recovered share of the clean answer per patched site and position. */
export interface PatchingResult {
  /** The patched modules, one row each. */
  sites: string[];
  /** `[sites, T]`: `(d_patched − d_corrupt) / (d_clean − d_corrupt)` for the logit difference `d` (clean answer − corrupt answer). */
  recovered: Tensor;
  clean: number[];
  corrupt: number[];
  /** Where the answer is predicted and what it is in the clean / corrupted run. */
  position: number;
  answers: [number, number];
}

/**
 * Activation patching on TinyGPT: `clean` and `corrupt` differ in one first-half letter; for each site (the token
 * embedding and every block's output and attention output) and position, that position's clean activation is
 * patched into the corrupted run (`run_with_cache` on the clean run, `run_with_hooks` for each patch) and the
 * recovered share of the logit difference at the position predicting the copied letter is measured.
 *
 * @example
 * const r = activation_patching(gpt, [0, 1, 2, 3, 10, 0, 1, 2, 3], 1, 5);
 */
export function activation_patching(gpt: TinyGPT, clean: readonly number[], at: number, replacement: number): PatchingResult {
  if (at < 0 || at >= COPY.K) throw new Error(`the corrupted letter must be in the first half (0 … ${COPY.K - 1}), got ${at}`);
  const corrupt = clean.map((t, i) => (i === at ? replacement : t));
  const position = COPY.K + at; // predicts the copy of letter `at`
  const answers: [number, number] = [clean[at]!, replacement];
  const seq = (t: readonly number[]): Tensor => torch.tensor([t as number[]], { dtype: 'int64' });
  const diff = (logits: Tensor): number => {
    const row = logits.select(1, position).select(0, 0);
    return row.index([answers[0]]).item() - row.index([answers[1]]).item();
  };
  const sites = ['tok_emb', ...Array.from({ length: gpt.blocks.length }, (_, i) => [`blocks.${i}.attn`, `blocks.${i}`]).flat()];
  return torch.no_grad(() => {
    const [clean_logits, cache] = interpret.run_with_cache(gpt, seq(clean), { names_filter: sites });
    const d_clean = diff(clean_logits as Tensor);
    const d_corrupt = diff(gpt.call(seq(corrupt)));
    const table: number[][] = [];
    sites.forEach((site) => {
      const row: number[] = [];
      for (let p = 0; p < SEQ; p++) {
        const patch = (out: unknown): unknown => {
          // nn.MultiheadAttention returns [output, weights]: patch the output only
          const [o, rest] = Array.isArray(out) ? [out[0] as Tensor, out.slice(1)] : [out as Tensor, null];
          const cached = cache.get(site)!;
          const from = Array.isArray(cached) ? (cached[0] as Tensor) : (cached as Tensor);
          const patched = o.clone();
          patched.narrow(1, p, 1).copy_(from.narrow(1, p, 1));
          return rest === null ? patched : [patched, ...rest];
        };
        const d = diff(interpret.run_with_hooks(gpt, seq(corrupt), { [site]: patch }) as Tensor);
        row.push((d - d_corrupt) / (d_clean - d_corrupt));
      }
      table.push(row);
    });
    return { sites, recovered: torch.tensor(table), clean: [...clean], corrupt, position, answers };
  });
}

/**
 * Captum's LayerIntegratedGradients over TinyGPT's token embeddings for the letter predicted at `position`,
 * from a baseline of separators: one score per input token (summed over the embedding), and the convergence delta.
 *
 * @example
 * const { scores } = token_attributions(gpt, [0, 1, 2, 3, 10, 0, 1, 2, 3], 5);
 */
export function token_attributions(gpt: TinyGPT, tokens: readonly number[], position: number): { scores: number[]; target: number; delta: number } {
  const x = torch.tensor([tokens as number[]], { dtype: 'int64' });
  const at_position = (t: Tensor): Tensor => gpt.call(t).select(1, position);
  const target = torch.no_grad(() => at_position(x).argmax(1).item());
  const ig = new attr.LayerIntegratedGradients(at_position, gpt.tok_emb);
  const [a, delta] = ig.attribute(x, { baselines: torch.full_like(x, SEP), target, n_steps: 64, return_convergence_delta: true });
  gpt.zero_grad({ set_to_none: true });
  return { scores: Array.from((a as Tensor).sum(2).select(0, 0).data_array(), Number), target, delta: delta.item() };
}

// ---------------------------------------------------------------- pictures

/** A `[h, w]` map scaled up by `scale` (nearest) and coloured with jet between `lo` and `hi`. */
function heat_cell(map: Tensor, scale: number, [lo, hi]: readonly [number, number]): image.RgbaImage {
  const big = map.reshape([1, 1, ...map.shape]).to('float32');
  const up = torch.interpolate(big, { scale_factor: scale, mode: 'nearest' }).reshape([map.shape[0]! * scale, map.shape[1]! * scale]);
  return image.to_rgba(up, { range: [lo, hi], colormap: 'jet' });
}

/** Copies `src` into `dst` with its top-left corner at (x, y). */
function blit(dst: image.RgbaImage, src: image.RgbaImage, x: number, y: number): void {
  for (let r = 0; r < src.height; r++) {
    dst.data.set(src.data.subarray(r * src.width * 4, (r + 1) * src.width * 4), ((y + r) * dst.width + x) * 4);
  }
}

/**
 * A matrix as a labelled heatmap: row labels on the left, column labels on top, one `cell`-pixel square per entry.
 *
 * @example
 * labelled_matrix(recovered, ['tok_emb', 'blocks.0'], ['a', 'b'], 24, [0, 1]);
 */
export function labelled_matrix(m: Tensor, rows: readonly string[], cols: readonly string[], cell: number, range: readonly [number, number]): image.RgbaImage {
  const left = Math.max(...rows.map((r) => image.text_width(r))) + 6;
  const top = image.GLYPH_HEIGHT + 4;
  const heat = heat_cell(m, cell, range);
  const out = image.blank_image(left + heat.width + 2, top + heat.height + 2);
  blit(out, heat, left, top);
  rows.forEach((r, i) => image.draw_text(out, 2, top + i * cell + Math.floor((cell - image.GLYPH_HEIGHT) / 2), r));
  cols.forEach((c, j) => image.draw_text(out, left + j * cell + Math.floor((cell - image.text_width(c)) / 2), 1, c));
  return out;
}

const fmt = (v: number): string => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(2) : v.toExponential(1));

/** What `main` did. */
export interface AttentionResult {
  files: string[];
  vit: models.VisionTransformer;
  vit_accuracy: number;
  gpt: TinyGPT;
  gpt_accuracy: number;
  explanation: VitExplanation;
  labels: number[];
  x: Tensor;
  patching: PatchingResult;
  tokens: { scores: number[]; target: number; delta: number };
  /** TinyGPT's attention per block `[1, heads, T, T]` on the clean sequence. */
  gpt_attention: Map<string, Tensor>;
}

/**
 * Trains both models, explains them, writes the PNGs and prints what they show; null for `--help`.
 *
 * @example
 * main(console.log, ['--epochs', '1', '--gpt-steps', '200']);
 */
export function main(log: Log, argv: string[] = process.argv.slice(2)): AttentionResult | null {
  const o = parse_options(argv);
  if (o === null) {
    log(HELP);
    return null;
  }
  mkdirSync(o.out, { recursive: true });
  const files: string[] = [];
  const save = (name: string, picture: image.RgbaImage, what: string): void => {
    const f = join(o.out, name);
    image.write_png(f, picture);
    files.push(f);
    log(`wrote ${f} (${picture.width}×${picture.height}): ${what}`);
  };

  // --- the ViT
  const { vit, accuracy: vit_accuracy, seconds } = train_vit(o, log);
  log(`ViT (${VIT.num_layers} blocks × ${VIT.num_heads} heads, ${GRID}×${GRID} patches): test accuracy ${(100 * vit_accuracy).toFixed(1)}% on 1000 images after ${seconds.toFixed(0)} s`);
  const test = load(o.dataset, false, 1000);
  const idx = pick_examples(Array.from(test.y.data_array(), Number), o.images);
  const x = test.x.index([torch.tensor(idx, { dtype: 'int64' })]);
  const labels = idx.map((i) => Number(test.y.index([i]).item()));
  const range = pixel_range(NORMALIZE[o.dataset]);
  const e = explain_vit(vit, x, range);
  const n = idx.length;
  const digit = (k: number): Tensor => x.index([k, 0]);
  const over = (k: number, heat: Tensor, hi: number): image.RgbaImage => image.heatmap_overlay(digit(k), heat, { image_range: range, heat_range: [0, hi], alpha: 0.6 });
  const heads = VIT.num_heads;
  // one row per image: the digit, then every head of every block
  const head_cells: image.RgbaImage[] = [];
  const head_labels: string[] = [];
  const names = prediction_labels(labels, e.predicted, test.classes);
  for (let k = 0; k < n; k++) {
    head_cells.push(image.to_rgba(digit(k), { range }));
    head_labels.push(names[k]!);
    e.cls_attention.forEach((a, l) => {
      for (let h = 0; h < heads; h++) {
        head_cells.push(over(k, a.index([k, h]), 1));
        head_labels.push(`L${l} H${h}`);
      }
    });
  }
  const head_grid = image.image_grid(head_cells, { cols: 1 + VIT.num_layers * heads, labels: head_labels, scale: SHEET_SCALE });
  save('vit_attention_heads.png', image.with_colorbar(head_grid, { colormap: 'jet', range: [0, 1], label: 'attention', title: 'ViT: the class token\'s attention to each patch, head H of block L' }),
    'the class token\'s attention to the 16 patches, per head and block');
  // digit, rollout, Grad-CAM, patch IG (each scaled to its own maximum)
  const max_of = (t: Tensor): number => Math.max(t.amax().item(), 1e-12);
  const sheet_cells: image.RgbaImage[] = [];
  const sheet_labels: string[] = [];
  const rows: [string, (k: number) => image.RgbaImage][] = [
    ['', (k) => image.to_rgba(digit(k), { range })],
    ['rollout', (k) => over(k, e.rollout.index([k]), max_of(e.rollout.index([k])))],
    ['Grad-CAM', (k) => over(k, e.grad_cam.index([k]), 1)],
    ['patch IG', (k) => over(k, e.patch_ig.index([k]).clamp({ min: 0 }), max_of(e.patch_ig.index([k])))],
  ];
  for (const [label, cell] of rows) {
    for (let k = 0; k < n; k++) {
      sheet_cells.push(cell(k));
      sheet_labels.push(label === '' ? names[k]! : label);
    }
  }
  const sheet = image.image_grid(sheet_cells, { cols: n, labels: sheet_labels, scale: SHEET_SCALE });
  save('vit_rollout_gradcam.png', image.with_colorbar(sheet, { colormap: 'jet', ticks: ['0', 'max'], label: 'per image', title: 'ViT: attention rollout, Grad-CAM and patch IG of the predicted class' }),
    'attention rollout, Grad-CAM through reshape_transform, LayerIntegratedGradients over the patch embeddings');
  log(`patch IG convergence delta: max |delta| ${fmt(e.ig_delta.abs().amax().item())} over ${n} images`);

  // --- TinyGPT
  const { gpt, accuracy: gpt_accuracy, seconds: gpt_seconds } = train_gpt(o.gpt_steps, o.seed, log);
  log(`TinyGPT on the copy task: ${(100 * gpt_accuracy).toFixed(1)}% of copied letters right on 500 fresh sequences after ${gpt_seconds.toFixed(0)} s`);
  const clean = [0, 1, 2, 3, SEP, 0, 1, 2, 3];
  const [, gpt_attention] = torch.no_grad(() => interpret.capture_attention(gpt, torch.tensor([clean], { dtype: 'int64' })));
  const letters = spell(clean).split(' ');
  const att_cells = [...gpt_attention.entries()].flatMap(([, a]) => Array.from({ length: a.shape[1]! }, (_, h) => labelled_matrix(a.index([0, h]), letters, letters, 14, [0, 1])));
  const att_labels = [...gpt_attention.keys()].flatMap((name) => Array.from({ length: gpt_attention.get(name)!.shape[1]! }, (_, h) => `${name} head ${h}`));
  save('gpt_attention_heads.png', image.with_colorbar(image.image_grid(att_cells, { cols: 2, labels: att_labels }), { colormap: 'jet', range: [0, 1], label: 'attention',
    title: `TinyGPT on "${spell(clean)}": query rows, key columns` }), 'every head\'s attention matrix of TinyGPT on one sequence');
  const patching = activation_patching(gpt, clean, 1, 7);
  const tokens = token_attributions(gpt, clean, patching.position);
  const patch_pic = labelled_matrix(patching.recovered, patching.sites, letters, 22, [0, 1]);
  save('gpt_patching.png', image.with_colorbar(patch_pic, { colormap: 'jet', range: [0, 1], label: 'recovered',
    title: `Patching "${spell(clean)}" into "${spell(patching.corrupt)}"` }), 'activation patching: the clean activation of one site and position patched into the corrupted run');
  const ig_row = torch.tensor([tokens.scores]);
  const ig_max = Math.max(...tokens.scores.map(Math.abs), 1e-12);
  save('gpt_token_ig.png', image.with_colorbar(labelled_matrix(ig_row, ['IG'], letters, 44, [-ig_max, ig_max]), { colormap: 'jet', ticks: [`-${fmt(ig_max)}`, fmt(ig_max)], label: 'attribution',
    title: `IG over token embeddings: '${spell([tokens.target])}' at position ${patching.position}` }), 'LayerIntegratedGradients over TinyGPT\'s token embeddings');
  log(`IG over the token embeddings for the letter predicted at position ${patching.position} ('${spell([tokens.target])}'): ${letters.map((l, i) => `${l} ${fmt(tokens.scores[i]!)}`).join(', ')}; delta ${fmt(tokens.delta)}`);
  const best = patching.sites.map((s, r) => {
    const row = Array.from(patching.recovered.index([r]).data_array(), Number);
    const p = row.indexOf(Math.max(...row));
    return `${s}@${p} ${fmt(row[p]!)}`;
  });
  log(`activation patching (${spell(clean)} → ${spell(patching.corrupt)}), best position per site: ${best.join(', ')}`);
  const left = [...nn.utils.list_hooks(vit), ...nn.utils.list_hooks(gpt)];
  log(`hooks left on the models afterwards: ${left.length === 0 ? 'none' : left.length} (checked with nn.utils.list_hooks)`);
  return { files, vit, vit_accuracy, gpt, gpt_accuracy, explanation: e, labels, x, patching, tokens, gpt_attention };
}

run_if_main(import.meta.url, main, HELP);
