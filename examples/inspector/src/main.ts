// The inspector page: wires the pad, the digit picker and weight files to SimpleNet and redraws every view after a change.
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { decode_digits, type Digit, type DigitsFile } from './digits.js';
import { DrawPad, PAD_SIZE } from './draw_pad.js';
import { analyze, attribute_with, LAYERS, load_model, METHODS, release, type Analysis, type CamLayer, type CamPlacement, type LoadedModel } from './model.js';
import { mnist_preprocess } from './preprocess.js';
import { colorbar, digit_image, draw_bars, feature_grid, map_overlay, put_image } from './render.js';
import type { InspectorState } from './state.js';
import { ScalarChart, train_live, type ScalarEvents } from './training.js';
import { EventBus } from '@tsgrad/hooks';

const DEFAULT_WEIGHTS = 'simplenet_mnist.safetensors';
const DIGITS_FILE = 'mnist_digits.json';
/** Wait after a change before recomputing, so a stroke in progress is analysed at most every this many ms. */
const SETTLE_MS = 30;
const CLASSES = Array.from({ length: 10 }, (_, c) => String(c));

function element<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as T;
}

const ui = {
  weights_name: element('weights-name'),
  weights_info: element('weights-info'),
  weights_file: element<HTMLInputElement>('weights-file'),
  error: element('error'),
  pad: element<HTMLCanvasElement>('pad'),
  clear: element<HTMLButtonElement>('clear'),
  input: element<HTMLCanvasElement>('input'),
  digits: element('digits'),
  predicted: element('predicted'),
  probs: element<HTMLTableElement>('probs').tBodies[0]!,
  timing: element('timing'),
  explained: element('explained'),
  target: element<HTMLSelectElement>('target'),
  cam_layer: element<HTMLSelectElement>('cam-layer'),
  placement: element<HTMLSelectElement>('placement'),
  method: element<HTMLSelectElement>('method'),
  method_map: element<HTMLCanvasElement>('method-map'),
  method_caption: element('method-caption'),
  saliency: element<HTMLCanvasElement>('saliency'),
  guided: element<HTMLCanvasElement>('guided'),
  grad_cam: element<HTMLCanvasElement>('grad-cam'),
  layers: element('layers'),
  colorbar: element<HTMLCanvasElement>('colorbar'),
  train: element<HTMLButtonElement>('train'),
  train_status: element('train-status'),
  scalars: element('scalars'),
};

const state: InspectorState = {
  input_version: 0, analyzed_version: -1, weights: '', error: null, input: [], probabilities: [], predicted: -1, explained: -1,
  saliency: [], guided: [], grad_cam: [], grad_cam_ms: [], total_ms: 0, method: '', method_map: [], method_ms: 0, hooks: 0,
  training: 'idle', scalars: {}, train_frames: [],
};
window.tsgrad_inspector = state;
window.tsgrad = { torch, nn };

let model: LoadedModel | null = null;
/** A picked test digit goes to the model as stored; anything drawn goes through MNIST's preprocessing. */
let source: Digit | 'drawing' = 'drawing';
let timer: number | null = null;

const pad = new DrawPad(ui.pad, () => changed('drawing'));

function show_error(message: string | null): void {
  state.error = message;
  ui.error.hidden = message === null;
  ui.error.textContent = message ?? '';
}

/** Records a change and schedules one analysis for all changes within SETTLE_MS. */
function changed(new_source?: Digit | 'drawing'): void {
  if (new_source !== undefined) {
    source = new_source;
    for (const b of ui.digits.children) b.classList.toggle('selected', new_source !== 'drawing' && (b as HTMLElement).dataset.index === String(new_source.index));
  }
  state.input_version++;
  if (timer === null) timer = window.setTimeout(run, SETTLE_MS);
}

function run(): void {
  timer = null;
  if (model === null) return;
  const version = state.input_version;
  const pixels = source === 'drawing' ? mnist_preprocess(pad.ink(), PAD_SIZE) : source.pixels;
  const target = ui.target.value === '' ? null : Number(ui.target.value);
  try {
    const cam_layer = ui.cam_layer.value as CamLayer;
    const a = analyze(model, pixels, { target, cam_layer, placement: ui.placement.value as CamPlacement });
    state.grad_cam_ms.push(a.grad_cam_ms);
    show(pixels, a);
    const picked = attribute_with(model, ui.method.value, pixels, a.explained, cam_layer);
    put_image(ui.method_map, map_overlay(pixels, picked.map));
    const label = METHODS.find((m) => m.id === ui.method.value)!.label;
    ui.method_caption.textContent = `${label}: ${picked.ms.toFixed(0)} ms`;
    Object.assign(state, {
      method: ui.method.value, method_map: Array.from(picked.map), method_ms: picked.ms,
      hooks: nn.utils.list_hooks(model.net).length + nn.utils.list_hooks(model.guided).length,
    });
    Object.assign(state, {
      input: Array.from(pixels), probabilities: Array.from(a.probabilities), predicted: a.predicted, explained: a.explained,
      saliency: Array.from(a.saliency), guided: Array.from(a.guided), grad_cam: Array.from(a.grad_cam), total_ms: a.total_ms,
    });
    if (state.error?.startsWith('analysis failed')) show_error(null);
  } catch (e) {
    show_error(`analysis failed: ${(e as Error).message}`);
  }
  state.analyzed_version = version;
}

function show(pixels: Float32Array, a: Analysis): void {
  put_image(ui.input, digit_image(pixels));
  ui.predicted.textContent = String(a.predicted);
  ui.explained.textContent = `${a.explained === 8 ? 'an' : 'a'} ${a.explained}`;
  [...ui.probs.rows].forEach((row, c) => {
    const p = a.probabilities[c]!;
    row.dataset.p = String(p);
    row.classList.toggle('top', c === a.predicted);
    row.classList.toggle('explained', c === a.explained);
    (row.querySelector('.bar') as HTMLElement).style.width = `${(100 * p).toFixed(1)}%`;
    row.cells[2]!.textContent = `${(100 * p).toFixed(1)}%`;
  });
  put_image(ui.saliency, map_overlay(pixels, a.saliency));
  put_image(ui.guided, map_overlay(pixels, a.guided));
  put_image(ui.grad_cam, map_overlay(pixels, a.grad_cam));
  for (const layer of LAYERS) {
    const t = a.activations.get(layer)!;
    const box = ui.layers.querySelector<HTMLElement>(`[data-layer="${layer}"]`)!;
    box.querySelector('.shape')!.textContent = `[${t.shape.join(', ')}]`;
    const canvas = box.querySelector('canvas')!;
    if (t.ndim === 4) put_image(canvas, feature_grid(t));
    else draw_bars(canvas, Array.from(t.data_array()), { labels: layer === 'out' ? CLASSES : undefined, highlight: layer === 'out' ? a.predicted : undefined });
  }
  const recent = state.grad_cam_ms.slice(-20).sort((x, y) => x - y);
  const median = recent[Math.floor(recent.length / 2)]!;
  ui.timing.dataset.ms = String(a.grad_cam_ms);
  ui.timing.innerHTML = `one forward + Grad-CAM: <strong id="grad-cam-ms">${a.grad_cam_ms.toFixed(1)} ms</strong><br>median of the last ${recent.length}: ${median.toFixed(1)} ms<br>all three maps: ${a.total_ms.toFixed(1)} ms · ${a.backend} kernels`;
}

function build_static_views(): void {
  put_image(ui.colorbar, colorbar(128));
  for (const c of CLASSES) {
    const row = ui.probs.insertRow();
    row.dataset.class = c;
    row.innerHTML = `<td class="cls">${c}</td><td><div class="track"><div class="bar"></div></div></td><td class="pct"></td>`;
    row.addEventListener('click', () => {
      ui.target.value = c;
      changed();
    });
    ui.target.add(new Option(c, c));
  }
  for (const layer of LAYERS) {
    const box = document.createElement('div');
    box.className = 'layer';
    box.dataset.layer = layer;
    const four_d = layer.startsWith('conv') || layer.startsWith('pool');
    box.innerHTML = `<h3>${layer} <span class="shape"></span></h3><canvas class="${four_d ? 'grid pixelated' : 'bars'}"></canvas>`;
    ui.layers.append(box);
  }
  ui.clear.addEventListener('click', () => {
    pad.clear();
    changed('drawing');
  });
  ui.target.addEventListener('change', () => changed());
  ui.cam_layer.addEventListener('change', () => changed());
  ui.placement.addEventListener('change', () => changed());
  for (const library of ['Captum', 'pytorch-grad-cam'] as const) {
    const group = document.createElement('optgroup');
    group.label = library;
    for (const m of METHODS.filter((x) => x.library === library)) group.append(new Option(m.label, m.id));
    ui.method.append(group);
  }
  ui.method.value = 'IntegratedGradients';
  ui.method.addEventListener('change', () => changed());
}

function show_digits(digits: Digit[]): void {
  for (const d of digits) {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.index = String(d.index);
    button.dataset.label = String(d.label);
    button.title = `test image #${d.index}, label ${d.label}`;
    const canvas = document.createElement('canvas');
    put_image(canvas, digit_image(d.pixels));
    button.append(canvas);
    button.addEventListener('click', () => {
      pad.show_digit(d.pixels);
      changed(d);
    });
    ui.digits.append(button);
  }
}

/** Swaps in weights from safetensors bytes, or shows why they do not fit and keeps the current ones. */
function use_weights(bytes: Uint8Array, name: string): void {
  let loaded: LoadedModel;
  try {
    loaded = load_model(bytes, name);
  } catch (e) {
    show_error(`Could not load ${name}: ${(e as Error).message}`);
    return;
  }
  if (model !== null) release(model);
  model = loaded;
  state.weights = name;
  show_error(null);
  ui.weights_name.textContent = name;
  const meta = Object.entries(loaded.metadata).map(([k, v]) => `${k}=${v}`).join(', ');
  ui.weights_info.textContent = `(${loaded.parameters.toLocaleString('en')} parameters${meta === '' ? '' : `; ${meta}`})`;
  changed();
}

async function use_file(file: File): Promise<void> {
  use_weights(new Uint8Array(await file.arrayBuffer()), file.name);
}

function accept_dropped_files(): void {
  const has_files = (e: DragEvent): boolean => e.dataTransfer?.types.includes('Files') ?? false;
  document.addEventListener('dragover', (e) => {
    if (!has_files(e)) return;
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) document.body.classList.remove('dragging');
  });
  document.addEventListener('drop', (e) => {
    document.body.classList.remove('dragging');
    const file = e.dataTransfer?.files[0];
    if (file === undefined) return;
    e.preventDefault();
    void use_file(file);
  });
  ui.weights_file.addEventListener('change', () => {
    const file = ui.weights_file.files?.[0];
    ui.weights_file.value = '';
    if (file !== undefined) void use_file(file);
  });
}

/** The training panel: each scalar on the bus extends its tag's curve; the button trains a fresh net. */
function live_training(digits: Digit[]): void {
  const bus = new EventBus<ScalarEvents>();
  const charts = new Map<string, ScalarChart>();
  bus.on('scalar', (tag, value, step) => {
    let chart = charts.get(tag);
    if (chart === undefined) charts.set(tag, (chart = new ScalarChart(ui.scalars, tag)));
    chart.add(step, value);
    (state.scalars[tag] ??= []).push([step, value]);
    ui.train_status.textContent = `step ${step}`;
  });
  bus.on('done', (steps) => {
    state.training = 'done';
    ui.train.disabled = false;
    ui.train_status.textContent = `${steps} steps done`;
  });
  ui.train.addEventListener('click', () => {
    if (state.training === 'running') return;
    for (const c of charts.values()) c.clear();
    Object.assign(state, { training: 'running', scalars: {}, train_frames: [] });
    ui.train.disabled = true;
    const frame = (): void => {
      state.train_frames.push(charts.get('Loss/train')?.points.length ?? 0);
      if (state.training === 'running') requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    train_live(digits, bus, { steps: 60, batch_size: 16, lr: 0.003, eval_every: 10, seed: 0 }).catch((e: Error) => {
      show_error(`training failed: ${e.message}`);
      state.training = 'done';
      ui.train.disabled = false;
    });
  });
}

async function fetch_ok(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  return response;
}

async function start(): Promise<void> {
  build_static_views();
  accept_dropped_files();
  const [weights, digits] = await Promise.allSettled([
    fetch_ok(DEFAULT_WEIGHTS).then(async (r) => new Uint8Array(await r.arrayBuffer())),
    fetch_ok(DIGITS_FILE).then(async (r) => decode_digits((await r.json()) as DigitsFile)),
  ]);
  if (digits.status === 'fulfilled') {
    show_digits(digits.value);
    live_training(digits.value);
    const first = digits.value[0];
    if (first !== undefined) {
      pad.show_digit(first.pixels);
      changed(first);
    }
  }
  if (weights.status === 'fulfilled') use_weights(weights.value, DEFAULT_WEIGHTS);
  const failed = [weights, digits].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) show_error(`Could not fetch ${failed.map((r) => (r.reason as Error).message).join('; ')}`);
}

void start();
