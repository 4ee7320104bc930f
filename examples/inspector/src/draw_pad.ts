// The drawing pad: pointer (mouse, touch, pen) strokes in white on black at 10× the model's 28×28 resolution.
import { MNIST_SIZE } from './preprocess.js';

/** Side of the pad's own pixel grid: 10 pad pixels per model pixel. */
export const PAD_SIZE = 280;
/**
 * Pen width in pad pixels. A digit filling most of the pad is scaled by about 20/220 on its way to 28×28,
 * which turns this into MNIST's stroke of two to three pixels.
 */
export const PEN_WIDTH = 26;

/** Draws on a canvas with pointer events and reads the ink back as values in [0, 1]. */
export class DrawPad {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly on_change: () => void;
  private last: { x: number; y: number } | null = null;

  /**
   * Takes over `canvas` (its pixel size becomes 280×280) and calls `on_change` after every bit of ink.
   *
   * @example
   * const pad = new DrawPad(document.querySelector('canvas')!, () => schedule());
   */
  constructor(canvas: HTMLCanvasElement, on_change: () => void) {
    this.canvas = canvas;
    canvas.width = PAD_SIZE;
    canvas.height = PAD_SIZE;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.on_change = on_change;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const type of ['pointerup', 'pointercancel'] as const) canvas.addEventListener(type, () => (this.last = null));
  }

  /** Paints the pad black. */
  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, PAD_SIZE, PAD_SIZE);
  }

  /**
   * Shows a 28×28 image (values in [0, 1]) scaled up smoothly, so that strokes can be added to it.
   *
   * @example
   * pad.show_digit(digits[0].pixels);
   */
  show_digit(pixels: Float32Array): void {
    const small = document.createElement('canvas');
    small.width = MNIST_SIZE;
    small.height = MNIST_SIZE;
    const rgba = new Uint8ClampedArray(4 * pixels.length);
    pixels.forEach((v, k) => rgba.set([v * 255, v * 255, v * 255, 255], 4 * k));
    small.getContext('2d')!.putImageData(new ImageData(rgba, MNIST_SIZE, MNIST_SIZE), 0, 0);
    this.clear();
    this.ctx.imageSmoothingEnabled = true;
    this.ctx.drawImage(small, 0, 0, PAD_SIZE, PAD_SIZE);
  }

  /**
   * The pad's brightness, `PAD_SIZE²` values in [0, 1], row-major.
   *
   * @example
   * mnist_preprocess(pad.ink(), PAD_SIZE);
   */
  ink(): Float32Array {
    const { data } = this.ctx.getImageData(0, 0, PAD_SIZE, PAD_SIZE);
    const out = new Float32Array(PAD_SIZE * PAD_SIZE);
    for (let k = 0; k < out.length; k++) out[k] = data[4 * k]! / 255;
    return out;
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * PAD_SIZE, y: ((e.clientY - r.top) / r.height) * PAD_SIZE };
  }

  private down(e: PointerEvent): void {
    if (e.button !== 0) return;
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.last = this.point(e);
    this.stroke(this.last, this.last);
  }

  private move(e: PointerEvent): void {
    if (this.last === null) return;
    // coalesced events keep fast strokes smooth where the browser batches pointer moves
    const coalesced = e.getCoalescedEvents?.() ?? [];
    for (const ev of coalesced.length > 0 ? coalesced : [e]) {
      const p = this.point(ev);
      this.stroke(this.last, p);
      this.last = p;
    }
  }

  private stroke(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const ctx = this.ctx;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = PEN_WIDTH;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
    this.on_change();
  }
}
