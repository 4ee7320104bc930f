// Compares char LM loss curves of tsgrad (char_lm.ts --curve) and PyTorch (char_lm_torch.py --curve) over seeds:
// per-epoch mean ± sd of the training and validation losses, the difference of the means against its seed noise,
// the sampled words, a JSON summary and a PNG of the curves.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { image } from '@tsgrad/vision';
import type { LossCurve } from './char_lm.js';
import { line_plot, type Series } from './line_plot.js';
import { run_if_main, UsageError, type Log } from './run_main.js';

const HELP = `Usage: node examples/dist/char_lm_report.js --runs <dir> [--json <file>] [--png <file>]

Reads every *.json loss curve in <dir> (written by char_lm.ts and char_lm_torch.py with --curve), prints per epoch
the mean ± sd over seeds of each framework and model, and writes the summary (JSON) and a plot (PNG).`;

/** Mean and sample standard deviation (n − 1; 0 for one value). */
export function mean_sd(v: readonly number[]): { mean: number; sd: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  return { mean, sd };
}

/** The per-index mean ± sd of equally long lists (one per seed). */
function columns(runs: readonly (readonly number[])[]): { mean: number[]; sd: number[] } {
  const n = Math.min(...runs.map((r) => r.length));
  const cols = Array.from({ length: n }, (_, i) => mean_sd(runs.map((r) => r[i]!)));
  return { mean: cols.map((c) => c.mean), sd: cols.map((c) => c.sd) };
}

export interface CurveGroup {
  model: string;
  framework: string;
  seeds: number[];
  train_loss: { mean: number[]; sd: number[] };
  val_loss: { mean: number[]; sd: number[] };
  window_loss: { mean: number[]; sd: number[] };
  window: number;
  steps_per_epoch: number;
  seconds: number[];
  samples: Record<string, string[]>;
}

/** Groups the runs by model and framework ('tsgrad' or 'pytorch'), seeds in order. */
export function group_runs(runs: readonly LossCurve[]): CurveGroup[] {
  const keys = [...new Set(runs.map((r) => `${r.model}|${r.framework.split(' ')[0]}`))].sort();
  return keys.map((key) => {
    const [model, framework] = key.split('|') as [string, string];
    const rs = runs.filter((r) => r.model === model && r.framework.split(' ')[0] === framework).sort((a, b) => a.seed - b.seed);
    return {
      model, framework, seeds: rs.map((r) => r.seed),
      train_loss: columns(rs.map((r) => r.train_loss)), val_loss: columns(rs.map((r) => r.val_loss)), window_loss: columns(rs.map((r) => r.window_loss)),
      window: rs[0]!.window, steps_per_epoch: Math.round((rs[0]!.window_loss.length * rs[0]!.window) / rs[0]!.epochs),
      seconds: rs.map((r) => r.seconds), samples: Object.fromEntries(rs.map((r) => [String(r.seed), r.samples])),
    };
  });
}

/** Per epoch: the two frameworks' mean losses, their difference and its standard error from the seeds' spread. */
export function compare(a: CurveGroup, b: CurveGroup, which: 'train_loss' | 'val_loss'): { diff: number; se: number }[] {
  return a[which].mean.map((m, i) => ({
    diff: m - b[which].mean[i]!,
    se: Math.sqrt(a[which].sd[i]! ** 2 / a.seeds.length + b[which].sd[i]! ** 2 / b.seeds.length),
  }));
}

const COLORS: Record<string, readonly [number, number, number]> = { tsgrad: [31, 119, 180], pytorch: [255, 127, 14] };

/** One panel per model: training loss per window and validation loss per epoch, mean ± sd band per framework. */
export function plot_groups(groups: readonly CurveGroup[]): image.RgbaImage {
  const models = [...new Set(groups.map((g) => g.model))];
  const panels = models.map((model) => {
    const series: Series[] = [];
    for (const g of groups.filter((g) => g.model === model)) {
      const wx = g.window_loss.mean.map((_, i) => (i * g.window + Math.min(g.window, g.steps_per_epoch * 4) / 2) / g.steps_per_epoch);
      const band = (c: { mean: number[]; sd: number[] }): Series['band'] => ({ lo: c.mean.map((m, i) => m - c.sd[i]!), hi: c.mean.map((m, i) => m + c.sd[i]!) });
      const color = COLORS[g.framework] ?? [0, 0, 0];
      series.push({ label: `${g.framework} train (${g.seeds.length} seeds)`, color, x: wx, y: g.window_loss.mean, band: band(g.window_loss) });
      series.push({ label: `${g.framework} validation`, color, x: g.val_loss.mean.map((_, i) => i), y: g.val_loss.mean, band: band(g.val_loss), dashed: true });
    }
    // the first window and the untrained validation loss (ln 27 ≈ 3.3 and above) would flatten the rest
    const ys = series.flatMap((s) => s.y.filter((_, i) => s.x[i]! >= 0.5));
    return line_plot(series, { title: `${model === 'lstm' ? 'LSTM' : 'GPT'}: loss per character (mean ± sd over seeds)`, x_label: 'epoch', y_range: [Math.min(...ys) - 0.05, Math.max(...ys) + 0.1] });
  });
  const width = Math.max(...panels.map((p) => p.width));
  const out = image.blank_image(width, panels.reduce((s, p) => s + p.height, 0));
  let y0 = 0;
  for (const p of panels) {
    for (let y = 0; y < p.height; y++) out.data.set(p.data.subarray(4 * y * p.width, 4 * (y + 1) * p.width), 4 * ((y0 + y) * width));
    y0 += p.height;
  }
  return out;
}

/** Reads the runs, logs the comparison table, writes the JSON summary and the PNG when asked. */
export function main(log: Log = console.log, argv = process.argv.slice(2)): CurveGroup[] | null {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string' }, json: { type: 'string' }, png: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help === true) {
    log(HELP);
    return null;
  }
  if (values.runs === undefined) throw new UsageError('--runs <dir> is required');
  const files = readdirSync(values.runs).filter((f) => f.endsWith('.json')).sort();
  const runs = files.map((f) => JSON.parse(readFileSync(join(values.runs!, f), 'utf8')) as LossCurve);
  if (runs.length === 0) throw new UsageError(`no *.json loss curves in ${values.runs}`);
  const groups = group_runs(runs);
  const f = (v: number): string => v.toFixed(4);
  const comparisons: Record<string, unknown> = {};
  for (const model of [...new Set(groups.map((g) => g.model))]) {
    const ts = groups.find((g) => g.model === model && g.framework === 'tsgrad');
    const pt = groups.find((g) => g.model === model && g.framework === 'pytorch');
    if (ts === undefined || pt === undefined) continue;
    log(`${model}: tsgrad seeds ${ts.seeds.join(',')}, PyTorch seeds ${pt.seeds.join(',')}`);
    log('  epoch | train tsgrad | train PyTorch | diff (se) | val tsgrad | val PyTorch | diff (se)');
    const tr = compare(ts, pt, 'train_loss');
    const va = compare(ts, pt, 'val_loss');
    va.forEach((v, i) => {
      const t = i === 0 ? null : tr[i - 1]!;
      const train = i === 0 ? '             |               |          ' : ` ${f(ts.train_loss.mean[i - 1]!)}±${f(ts.train_loss.sd[i - 1]!)} | ${f(pt.train_loss.mean[i - 1]!)}±${f(pt.train_loss.sd[i - 1]!)} | ${f(t!.diff)} (${f(t!.se)})`;
      log(`  ${i}     |${train} | ${f(ts.val_loss.mean[i]!)}±${f(ts.val_loss.sd[i]!)} | ${f(pt.val_loss.mean[i]!)}±${f(pt.val_loss.sd[i]!)} | ${f(v.diff)} (${f(v.se)})`);
    });
    comparisons[model] = { train_loss: tr, val_loss: va };
  }
  if (values.json !== undefined) {
    mkdirSync(dirname(values.json), { recursive: true });
    writeFileSync(values.json, `${JSON.stringify({ groups, comparisons }, null, 1)}\n`);
    log(`summary: ${values.json}`);
  }
  if (values.png !== undefined) {
    mkdirSync(dirname(values.png), { recursive: true });
    image.write_png(values.png, plot_groups(groups));
    log(`plot: ${values.png}`);
  }
  return groups;
}

run_if_main(import.meta.url, (log) => main(log), HELP);
