// Traced forward vs eager forward: torch.jit.trace's compiled replay (kernels into planned memory with ReLU
// epilogues, batch norms folded into convolutions, fused elementwise chains) against the eager call of the same
// module, both in eval mode under no_grad, rounds alternating; wall-clock medians, and process CPU time medians,
// which a machine shared with other jobs disturbs far less.
import * as torch from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { compare, disagreement, type CompareOptions } from './measure.js';
import { build, MODEL_FULL, type ModelSizes } from './model_workloads.js';

/** One model's eager and traced forward, in ms per call, with how far apart their outputs are. */
export interface TracedRow {
  label: string;
  eager_ms: number;
  traced_ms: number;
  /** Medians of process CPU time per call, from rounds alternating between the two (see `cpu_medians`). */
  eager_cpu_ms: number;
  traced_cpu_ms: number;
  /** The largest relative difference between the two outputs (batch norm folding rounds differently). */
  disagreement: number;
  /** What every timed traced call ran: the compiled plan's figures (the bench fails when a call ran eagerly). */
  plan: torch.jit.PlanStats;
}

const OPTIONS = { rounds: 9, round_ms: 300 };

/** The models: SimpleNet at batch 64, and the model families' ResNet-18 and Transformer encoder at their sizes. */
export function traced_models(sizes: ModelSizes = MODEL_FULL, simplenet_batch = 64): { label: string; net: nn.Module; x: torch.Tensor }[] {
  const r = sizes.resnet18;
  const t = sizes.transformer;
  torch.manual_seed(0);
  const simplenet = { label: `SimpleNet forward [${simplenet_batch},1,28,28]`, net: new models.SimpleNet() as nn.Module, x: torch.randn([simplenet_batch, 1, 28, 28]) };
  const resnet = build({ kind: 'resnet18_forward', ...r, classes: 10 });
  const encoder = build({ kind: 'transformer_forward', ...t, layers: 2, classes: 10 });
  return [
    simplenet,
    { label: `ResNet-18 forward [${r.batch},3,${r.size},${r.size}]`, ...resnet },
    { label: `TransformerEncoder ×2 forward [${t.batch},${t.seq},${t.d_model}]`, ...encoder },
  ];
}

/**
 * Medians of process CPU time per call of `a` and `b`, over `rounds` rounds alternating which goes first, each
 * side making `calls` calls a round. CPU time counts only this process's work, so load from other processes,
 * which stretches wall-clock time, barely moves it.
 */
function cpu_medians(a: () => unknown, b: () => unknown, calls: number, rounds: number): [number, number] {
  const per_call = (f: () => unknown): number => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) f();
    const d = process.cpuUsage(t0);
    return (d.user + d.system) / 1000 / calls;
  };
  const [ta, tb]: number[][] = [[], []];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      ta.push(per_call(a));
      tb.push(per_call(b));
    } else {
      tb.push(per_call(b));
      ta.push(per_call(a));
    }
  }
  const median = (v: number[]): number => v.sort((x, y) => x - y)[v.length >> 1]!;
  return [median(ta), median(tb)];
}

const values = (t: unknown): Float32Array => Float32Array.from((t as torch.Tensor).data_array() as Float32Array);

/** Times each model's eager and compiled traced forward, alternating. */
export function bench_traced(sizes: ModelSizes = MODEL_FULL, simplenet_batch = 64, options: CompareOptions = OPTIONS): TracedRow[] {
  return traced_models(sizes, simplenet_batch).map(({ label, net, x }) => {
    net.eval();
    const traced = torch.jit.trace(net, [x]);
    const eager = (): unknown => torch.no_grad(() => net.call(x));
    // every timed call must run the compiled plan: one that ran eagerly would time the wrong thing silently
    let missed = 0;
    const compiled = (): unknown => {
      const out = torch.no_grad(() => traced.call(x));
      if (traced.last_plan === null) missed++;
      return out;
    };
    // the first traced call compiles (and runs eagerly); the comparison is on a call that runs the plan
    torch.no_grad(() => traced.call(x));
    const d = disagreement(values(eager()), values(compiled()));
    const t = compare([{ name: 'eager', run: eager }, { name: 'traced', run: compiled }], options);
    const eager_ms = t.get('eager')!.ms;
    // about a round's worth of calls (by the wall-clock time, which load only lengthens)
    const calls = Math.max(1, Math.round((options.round_ms ?? 200) / Math.max(eager_ms, 1e-3)));
    const [eager_cpu_ms, traced_cpu_ms] = cpu_medians(eager, compiled, calls, options.rounds ?? 9);
    const plan = traced.last_plan;
    if (missed > 0 || plan === null) throw new Error(`${label}: ${missed} traced calls ran eagerly instead of the compiled plan`);
    return { label, eager_ms, traced_ms: t.get('traced')!.ms, eager_cpu_ms, traced_cpu_ms, disagreement: d, plan };
  });
}
