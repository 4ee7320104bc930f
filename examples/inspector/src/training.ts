// Training live in the page: a fresh SimpleNet trained on the stored digits, its scalars (Loss/train,
// Accuracy/test, the tags the MNIST demo logs to TensorBoard) emitted on an EventBus as they happen, and curves
// that redraw as each scalar arrives.
import * as torch from '@tsgrad/core';
import { EventBus } from '@tsgrad/hooks';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import type { Digit } from './digits.js';

/** What a training run broadcasts: one logged scalar (TensorBoard's tag, value, step), and its end. */
export type ScalarEvents = {
  scalar: [tag: string, value: number, step: number];
  done: [steps: number];
};

/** The MNIST normalization the demo trains with. */
const MEAN = 0.1307;
const STD = 0.3081;

export interface TrainLiveOptions {
  steps: number;
  batch_size: number;
  lr: number;
  /** Steps between two evaluations of Accuracy/test. */
  eval_every: number;
  seed: number;
}

/**
 * Trains a fresh SimpleNet with Adam on `digits` (random batches), emitting `Loss/train` every step and
 * `Accuracy/test` (on all the digits) every `eval_every` steps and at the end, and yielding to the browser
 * between steps so the page redraws as the scalars arrive.
 *
 * @example
 * const bus = new EventBus<ScalarEvents>();
 * bus.on('scalar', (tag, value, step) => console.log(tag, step, value));
 * await train_live(digits, bus, { steps: 60, batch_size: 16, lr: 0.003, eval_every: 10, seed: 0 });
 */
export async function train_live(digits: Digit[], bus: EventBus<ScalarEvents>, o: TrainLiveOptions): Promise<nn.Module> {
  torch.manual_seed(o.seed);
  const n = digits.length;
  const x = torch.tensor(digits.flatMap((d) => Array.from(d.pixels))).view(n, 1, 28, 28).sub(MEAN).div(STD);
  const y = torch.tensor(digits.map((d) => d.label), { dtype: 'int64' });
  const net = new models.SimpleNet({ final_relu: false });
  const opt = new nn.optim.Adam(net.parameters(), { lr: o.lr });
  const crit = new nn.CrossEntropyLoss();
  const gen = new torch.Generator().manual_seed(o.seed);
  const accuracy = (): number => {
    net.eval();
    const pred = torch.no_grad(() => (net.call(x) as torch.Tensor).argmax(1));
    net.train();
    return pred.eq(y).sum().item() / n;
  };
  for (let step = 0; step < o.steps; step++) {
    const idx = torch.randint(0, n, [o.batch_size], { generator: gen });
    opt.zero_grad();
    const loss = crit.call(net.call(x.index_select(0, idx)) as torch.Tensor, y.index_select(0, idx));
    loss.backward();
    opt.step();
    bus.emit('scalar', 'Loss/train', loss.item(), step);
    if ((step + 1) % o.eval_every === 0 || step === o.steps - 1) bus.emit('scalar', 'Accuracy/test', accuracy(), step);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  bus.emit('done', o.steps);
  return net;
}

/** One tag's curve: an SVG polyline over its steps, scaled to the values seen so far, with the latest value. */
export class ScalarChart {
  readonly points: [step: number, value: number][] = [];
  private readonly line: SVGPolylineElement;
  private readonly latest: HTMLElement;

  /** A chart for `tag` appended to `parent`, drawn `width`×`height` pixels. */
  constructor(parent: HTMLElement, readonly tag: string, private readonly width = 260, private readonly height = 90) {
    const box = document.createElement('figure');
    box.className = 'scalar-chart';
    box.dataset.tag = tag;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    this.line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    svg.append(this.line);
    const caption = document.createElement('figcaption');
    caption.textContent = `${tag} `;
    this.latest = document.createElement('span');
    this.latest.className = 'latest';
    caption.append(this.latest);
    box.append(svg, caption);
    parent.append(box);
  }

  /** Adds a point and redraws. */
  add(step: number, value: number): void {
    this.points.push([step, value]);
    const steps = this.points.map((p) => p[0]);
    const values = this.points.map((p) => p[1]);
    const [s0, s1] = [Math.min(...steps), Math.max(...steps)];
    const [v0, v1] = [Math.min(...values), Math.max(...values)];
    const sx = (s: number): number => (s1 === s0 ? this.width / 2 : ((s - s0) / (s1 - s0)) * (this.width - 8) + 4);
    const sy = (v: number): number => (v1 === v0 ? this.height / 2 : this.height - 4 - ((v - v0) / (v1 - v0)) * (this.height - 8));
    this.line.setAttribute('points', this.points.map(([s, v]) => `${sx(s).toFixed(1)},${sy(v).toFixed(1)}`).join(' '));
    this.latest.textContent = `${value.toFixed(4)} at step ${step}`;
  }

  /** Removes every point. */
  clear(): void {
    this.points.length = 0;
    this.line.setAttribute('points', '');
    this.latest.textContent = '';
  }
}
