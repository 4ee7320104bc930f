// Class visualization by gradient ascent on the input (Simonyan et al. 2014), with L2 decay, clipping and jitter.
import * as torch from '@tsgrad/core';
import type { Generator, Tensor } from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';
import { spatial_size } from './maps.js';
import { select_output, target_scores, type OutputOptions, type Target } from './targets.js';

/** Rolls an image batch by `dy` rows and `dx` columns, wrapping around (PyTorch's `torch.roll(x, (dy, dx), (2, 3))`). */
function roll2d(x: Tensor, dy: number, dx: number): Tensor {
  const roll = (t: Tensor, shift: number, dim: number): Tensor => {
    const n = t.shape[dim]!;
    const s = ((shift % n) + n) % n;
    return s === 0 ? t : torch.cat([t.narrow(dim, n - s, s), t.narrow(dim, 0, n - s)], { dim });
  };
  return roll(roll(x, dy, 2), dx, 3);
}

/** Options of `class_visualization` (gradient ascent on the input, Simonyan et al.). */
export interface ClassVisualizationOptions extends OutputOptions {
  /** Number of ascent steps. */
  steps: number;
  /** Step size: `x ← x + lr·∂obj/∂x`. */
  lr: number;
  /** `λ` of the L2 penalty `λ·Σx²` (default 0). */
  l2?: number;
  /** Clamp the image into `[lo, hi]` after every step (e.g. the normalized pixel range). */
  clip?: readonly [number, number];
  /** Before each step roll the image by random offsets in `[−jitter, jitter]` pixels, and roll back after (default 0). */
  jitter?: number;
  /** Starting image `[N, C, H, W]`; default `0.01·randn(input_shape)`. */
  init?: Tensor;
  /** Shape of the image to optimize when no `init` is given, e.g. `[1, 1, 28, 28]`. */
  input_shape?: readonly number[];
  /** Random source of the default init and the jitter. */
  generator?: Generator;
  /** What each trace entry keeps: everything (default), or only the scalar values. */
  trace?: 'full' | 'scalars';
}

/** One ascent step, evaluated at the image before the step (per-sample values `[N]`). */
export interface AscentStep {
  /** Index of the step (0 first). */
  step: number;
  /** `out[n, c_n]`. */
  score: Tensor;
  /** `λ·Σ x_n²`. */
  reg: Tensor;
  /** `score − reg`. */
  objective: Tensor;
  /** `∂ objective / ∂ x` (with `trace: 'full'`). */
  grad?: Tensor;
  /** The image after the step (with `trace: 'full'`). */
  x_after?: Tensor;
}

/** What `class_visualization` returns. */
export interface ClassVisualizationResult {
  /** The final image `[N, C, H, W]`. */
  image: Tensor;
  /** One entry per ascent step. */
  trace: AscentStep[];
}

/**
 * Class visualization by gradient ascent on the input (Simonyan et al. 2014): per step
 * `obj = out[n, c_n] − λ·Σ x_n²`, `g = ∂obj/∂x` (by `autograd.grad`, so the parameters and their `.grad`
 * are untouched), `x ← x + lr·g`, then `clip`. With `jitter` the step is taken on a randomly rolled copy
 * and rolled back. Each sample of the batch ascends its own target, so `init` of shape `[10, 1, 28, 28]` and
 * targets `[0, …, 9]` visualize all ten classes at once.
 *
 * @example
 * const { image } = class_visualization(net.eval(), 3, { steps: 200, lr: 1, l2: 0.01, input_shape: [1, 1, 28, 28], clip: [-0.5, 2.8] });
 */
export function class_visualization(model: nn.Module, target: Target, options: ClassVisualizationOptions): ClassVisualizationResult {
  const { steps, lr } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`class_visualization steps must be a non-negative integer, got ${steps}`);
  const l2 = options.l2 ?? 0;
  const jitter = options.jitter ?? 0;
  const keep = (options.trace ?? 'full') === 'full';
  if (options.init === undefined && options.input_shape === undefined) throw new Error('class_visualization needs { init } or { input_shape }');
  let x = torch.no_grad(() => (options.init ?? torch.randn([...options.input_shape!], { generator: options.generator }).mul(0.01)).detach().clone());
  spatial_size(x, 'the image to optimize');
  const n = x.shape[0]!;
  const dims = x.shape.map((_, i) => i).slice(1);
  const trace: AscentStep[] = [];
  const rand_shift = (): number => (jitter > 0 ? (options.generator ?? torch.default_generator).randint(-jitter, jitter + 1) : 0);
  for (let step = 0; step < steps; step++) {
    const dy = rand_shift();
    const dx = rand_shift();
    const leaf = (jitter > 0 ? roll2d(x, dy, dx) : x).detach().requires_grad_(true);
    const entry = torch.enable_grad(() => {
      const score = target_scores(select_output(model.call(leaf), options.output_selector), target);
      if (score.shape[0] !== n) throw new Error(`got ${score.shape[0]} scores for ${n} images`);
      const reg = leaf.pow(2).sum(dims).mul(l2);
      const objective = score.sub(reg);
      const [g] = torch.autograd.grad(objective.sum(), [leaf]);
      return { score: score.detach(), reg: reg.detach(), objective: objective.detach(), g: g!.detach() };
    });
    let next = leaf.detach().add(entry.g.mul(lr));
    let grad = entry.g;
    if (jitter > 0) {
      next = roll2d(next, -dy, -dx);
      grad = roll2d(grad, -dy, -dx);
    }
    if (options.clip !== undefined) next = next.clamp(options.clip[0], options.clip[1]);
    x = next;
    trace.push(keep ? { step, score: entry.score, reg: entry.reg, objective: entry.objective, grad, x_after: x } : { step, score: entry.score, reg: entry.reg, objective: entry.objective });
  }
  return { image: x, trace };
}
