// The main job on a slice of MNIST: it trains, reports per-class accuracy, writes loadable weights, prints the
// hook shapes of the trained net and draws saliency and Grad-CAM into a PNG.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { afterAll, describe, expect, it } from 'vitest';
import { failure_report } from '../run_main.js';
import { HELP, main, parse_options } from '../train_mnist.js';
import { read_png } from './png.js';

const out = mkdtempSync(join(tmpdir(), 'tsgrad-demo-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('examples/train_mnist.ts', () => {
  const lines: string[] = [];
  const result = main((...p) => lines.push(p.join(' ')), ['--limit', '1920', '--test-limit', '300', '--out', out, '--seed', '1', '--logdir', join(out, 'runs'), '--log-every', '10']);

  it('learns well above chance on a small slice and reports every class', () => {
    expect(result).not.toBeNull();
    expect(result!.accuracy).toBeGreaterThan(0.5);
    expect(result!.per_class.map((c) => c.name)).toHaveLength(10);
    expect(lines.some((l) => /^test accuracy: \d+\.\d\d%$/.test(l))).toBe(true);
    expect(lines.some((l) => /samples\/s/.test(l) && /wall time/.test(l))).toBe(true);
  });

  it('writes safetensors weights that load into a fresh SimpleNet with the same predictions', () => {
    const fresh = new models.SimpleNet({ final_relu: false });
    fresh.load_state_dict(nn.load_file(result!.weights_path));
    const x = torch.randn([4, 1, 28, 28]);
    const a = torch.no_grad(() => result!.net.eval().call(x));
    const b = torch.no_grad(() => fresh.eval().call(x));
    expect(Array.from(b._contiguous_data())).toEqual(Array.from(a._contiguous_data()));
  });

  it('prints the forward-hook shapes of the trained net and leaves no hook behind', () => {
    expect(lines).toContain('  conv1  Conv2d     in [1, 1, 28, 28] -> out [1, 10, 24, 24]');
    expect(lines).toContain('  conv2  Conv2d     in [1, 10, 12, 12] -> out [1, 20, 8, 8]');
    expect(nn.utils.list_hooks(result!.net)).toEqual([]);
  });

  it('draws saliency and Grad-CAM of six test images into one PNG in --out and prints its path', () => {
    expect(result!.sheet_path).toBe(join(out, 'saliency_grad_cam.png'));
    expect(lines).toContain(`saliency and Grad-CAM (conv2) of the predicted class for 6 test images: ${result!.sheet_path}`);
    const png = read_png(result!.sheet_path);
    // six 28×28 images at scale 3 per row with 2 pixels of padding; three rows, each with a 17-pixel label
    // strip; a 21-pixel title strip above and a colour bar to the right
    expect(png.height).toBe(21 + 2 + 3 * (84 + 17 + 2));
    expect(png.width).toBeGreaterThan(2 + 6 * (84 + 2) + 20);
    expect(new Set(png.data).size).toBeGreaterThan(10);
  });

  it('with --logdir, writes TensorBoard events: Loss/train every --log-every steps, Accuracy/test per epoch', () => {
    const dir = join(out, 'runs');
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^events\.out\.tfevents\./);
    const events = nn.read_records(readFileSync(join(dir, file!))).slice(1).map((r) => nn.decode_event(r));
    const values = events.map((e) => [e.step, e.summary!.value[0]!.tag, e.summary!.value[0]!.simple_value] as const);
    const losses = values.filter(([, tag]) => tag === 'Loss/train');
    expect(losses.map(([step]) => step)).toEqual([0, 10, 20]); // 1920 / 64 = 30 steps
    for (const [, , v] of losses) expect(v).toBeGreaterThan(0);
    expect(values.filter(([, tag]) => tag === 'Accuracy/test')).toEqual([[1, 'Accuracy/test', Math.fround(result!.accuracy)]]);
    expect(lines).toContain(`TensorBoard logs in ${dir} (tensorboard --logdir ${dir})`);
  });

  it('rejects bad flags with a message naming the value, and prints help', () => {
    expect(() => parse_options(['--dataset', 'cifar'])).toThrow("--dataset must be mnist or fashion-mnist, got 'cifar'");
    expect(() => parse_options(['--epochs', '0'])).toThrow("--epochs must be an integer >= 1, got '0'");
    expect(() => parse_options(['--lr=-1'])).toThrow("--lr must be a positive number, got '-1'");
    expect(parse_options(['--help'])).toBeNull();
  });

  it('on the command line, a bad or unknown flag prints the problem and the usage, not a stack trace', () => {
    const bad = (argv: string[]) => {
      try {
        parse_options(argv);
      } catch (e) {
        return failure_report(e, HELP, false);
      }
      throw new Error(`${argv.join(' ')} was accepted`);
    };
    expect(bad(['--epochs', '0'])).toEqual({ text: `error: --epochs must be an integer >= 1, got '0'\n\n${HELP}`, status: 2 });
    const unknown = bad(['--epoch', '2']);
    expect(unknown.status).toBe(2);
    expect(unknown.text).toMatch(/^error: Unknown option '--epoch'/);
    expect(unknown.text).not.toMatch(/\n\s+at /);
    expect(failure_report(new Error('MNIST: Dataset not found'), HELP, false)).toEqual({ text: 'error: MNIST: Dataset not found', status: 1 });
  });
});
