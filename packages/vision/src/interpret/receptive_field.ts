// Receptive fields of conv/pool stacks from the modules' kernel, stride, padding and dilation.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import type { RemovableHandle } from '@tsgrad/hooks';
import * as nn from '@tsgrad/nn';
import { resolve_layer, type LayerRef } from './feature_extractor.js';

/** Per spatial dim `[h, w]`: how a unit of a layer maps back onto the input. */
export interface ReceptiveField {
  /** Side lengths of the input region one unit sees. */
  size: [number, number];
  /** Input pixels between neighbouring units (the product of the strides). */
  jump: [number, number];
  /** Input coordinate of the centre of unit (0, 0)'s region (may be fractional or negative with padding). */
  start: [number, number];
}

export interface ReceptiveFieldStep extends ReceptiveField {
  /** Dotted path of the module. */
  path: string;
  /** The module's class name. */
  type: string;
}

/** The input box `[top, left]`–`[top + height, left + width)` seen by unit `(i, j)`; it may reach outside the image. */
export interface Box {
  /** First row of the box. */
  top: number;
  /** First column of the box. */
  left: number;
  /** Rows of the box. */
  height: number;
  /** Columns of the box. */
  width: number;
}

type Pair = [number, number];
const pair = (v: number | readonly number[]): Pair => (typeof v === 'number' ? [v, v] : [v[0]!, v[1]!]);

const POINTWISE = [nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.Tanh, nn.GELU, nn.Dropout, nn.BatchNorm2d, nn.Identity];

/** Kernel, stride, left padding and dilation of a spatial module, null for a pointwise one; throws for anything else. */
function geometry(m: nn.Module, path: string): { k: Pair; s: Pair; p: Pair; d: Pair } | null {
  if (m instanceof nn.Conv2d) {
    const d = m.dilation;
    const k = m.kernel_size;
    const p: Pair = m.padding === 'valid' ? [0, 0] : m.padding === 'same' ? [Math.floor((d[0] * (k[0] - 1)) / 2), Math.floor((d[1] * (k[1] - 1)) / 2)] : m.padding;
    return { k, s: m.stride, p, d };
  }
  if (m instanceof nn.MaxPool2d) return { k: pair(m.kernel_size), s: pair(m.stride), p: pair(m.padding), d: pair(m.dilation) };
  if (m instanceof nn.AvgPool2d) return { k: pair(m.kernel_size), s: pair(m.stride), p: pair(m.padding), d: [1, 1] };
  if (POINTWISE.some((cls) => m instanceof cls)) return null;
  throw new Error(`receptive field is undefined past ${m._get_name()} at '${path}' (only Conv2d, MaxPool2d, AvgPool2d and pointwise layers may precede the layer)`);
}

/** Leaf modules in registration order up to `target` (and inside it). */
function registration_order(model: nn.Module, target_path: string, target: nn.Module): [string, nn.Module][] {
  const is_inside = (path: string): boolean => target_path === '' || path === target_path || path.startsWith(`${target_path}.`);
  const order: [string, nn.Module][] = [];
  let reached = false;
  for (const [path, m] of model.named_modules()) {
    if (reached && !is_inside(path)) break;
    if (m === target) reached = true;
    if ([...m.children()].length === 0) order.push([path, m]);
  }
  return order;
}

/** Leaf modules in the order a forward pass on `input` runs them, up to the first call of `target` (hooks removed afterwards). */
function traced_order(model: nn.Module, target_path: string, target: nn.Module, input: Tensor): [string, nn.Module][] {
  const order: [string, nn.Module][] = [];
  const handles: RemovableHandle[] = [];
  let done = false;
  try {
    for (const [path, m] of model.named_modules()) {
      const leaf = [...m.children()].length === 0;
      if (!leaf && m !== target) continue;
      handles.push(m.register_forward_hook(() => {
        if (done) return;
        if (leaf) order.push([path, m]);
        if (m === target) done = true;
      }));
    }
    torch.no_grad(() => model.call(input));
  } finally {
    for (const h of handles) h.remove();
  }
  if (!done) throw new Error(`layer '${target_path}' did not run during the forward pass used to trace the receptive field`);
  return order;
}

/**
 * The receptive field of `layer`'s units, composed over the leaf modules that run before it (and itself).
 * With `{ input }` (one example image) the order is traced from a forward pass; without it, registration
 * order is assumed to be forward order — true for `nn.Sequential` and `models.SimpleNet`, not for
 * `models.GuidedSimpleNet` (its relu2 is registered after pool2). Per dim, with effective kernel
 * `k' = d(k − 1) + 1`: `size ← size + (k' − 1)·jump`, `start ← start + ((k' − 1)/2 − p)·jump`,
 * `jump ← jump·s`. Pointwise layers change nothing; any other module (Linear, Flatten, adaptive pooling)
 * before `layer` is an error. Functional spatial ops inside a `forward` (e.g. `F.max_pool2d`) are invisible.
 *
 * @example
 * receptive_field(new models.SimpleNet(), 'conv2'); // { size: [14, 14], jump: [2, 2], start: [6.5, 6.5], ... }
 * receptive_field(guided, 'relu2', { input: x.narrow(0, 0, 1) });
 */
export function receptive_field(model: nn.Module, layer: LayerRef, options: { input?: Tensor } = {}): ReceptiveField & {
  /** The field after each module on the way to `layer`, in order. */
  steps: ReceptiveFieldStep[];
} {
  const [target_path, target] = resolve_layer(model, layer);
  const order = options.input === undefined ? registration_order(model, target_path, target) : traced_order(model, target_path, target, options.input);
  let size: Pair = [1, 1];
  let jump: Pair = [1, 1];
  let start: Pair = [0, 0];
  const steps: ReceptiveFieldStep[] = [];
  for (const [path, m] of order) {
    const g = geometry(m, path);
    if (g === null) continue;
    const eff = [0, 1].map((i) => g.d[i]! * (g.k[i]! - 1) + 1);
    start = [0, 1].map((i) => start[i]! + ((eff[i]! - 1) / 2 - g.p[i]!) * jump[i]!) as Pair;
    size = [0, 1].map((i) => size[i]! + (eff[i]! - 1) * jump[i]!) as Pair;
    jump = [0, 1].map((i) => jump[i]! * g.s[i]!) as Pair;
    steps.push({ path, type: m._get_name(), size, jump, start });
  }
  return { size, jump, start, steps };
}

/**
 * The input box unit `(i, j)` of a layer sees: `top = start_h + i·jump_h − (size_h − 1)/2` (likewise left).
 *
 * @example
 * receptive_box(receptive_field(net, 'conv2'), 7, 0); // { top: 14, left: 0, height: 14, width: 14 }
 */
export function receptive_box(rf: ReceptiveField, i: number, j: number): Box {
  return {
    top: Math.round(rf.start[0] + i * rf.jump[0] - (rf.size[0] - 1) / 2),
    left: Math.round(rf.start[1] + j * rf.jump[1] - (rf.size[1] - 1) / 2),
    height: rf.size[0],
    width: rf.size[1],
  };
}
