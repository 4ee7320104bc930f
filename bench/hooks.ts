// What hooks cost: module call vs forward, 0, 1 and 10 no-op forward hooks, and the full backward hook,
// on Linear(16, 16) with input [4, 16]; bench/torch_peer.py times the same setups in PyTorch.
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { compare, type RemotePeer } from './measure.js';
import type { TorchProcess, TorchSpec } from './torch_process.js';

/** PyTorch's side of the same setups, in bench/torch_peer.py (hook overhead is per call: one thread). */
const TORCH_SPECS: TorchSpec[] = [
  { key: 'linear_hooks', kind: 'linear_hooks', threads: [1] },
  { key: 'linear_backward_hook', kind: 'linear_backward_hook', threads: [1] },
];
const OPTIONS = { rounds: 15, round_ms: 30 };

/** What each row measures, keyed as both sides report it. */
export const HOOK_ROWS: [string, string][] = [
  ['forward', 'forward() directly'],
  ['call_0_hooks', 'call(), no hooks'],
  ['call_1_hook', 'call(), 1 no-op forward hook'],
  ['call_10_hooks', 'call(), 10 no-op forward hooks'],
  ['fwd_bwd_no_hook', 'forward+backward, no hook'],
  ['fwd_bwd_full_hook', 'forward+backward, full backward hook'],
];

/** Medians in milliseconds per call, keyed as HOOK_ROWS; PyTorch's rounds alternate with tsgrad's when given. */
export function bench_hooks(pytorch: TorchProcess | null): { tsgrad: Record<string, number>; pytorch: Record<string, number> | null } {
  const theirs = (i: number): RemotePeer[] => (pytorch === null ? [] : pytorch.peers(TORCH_SPECS[i]!, OPTIONS.round_ms, (p) => `pytorch ${p}`));
  torch.manual_seed(0);
  const x = torch.randn([4, 16]);
  const make = (hooks: number): nn.Linear => {
    const m = new nn.Linear(16, 16);
    for (let i = 0; i < hooks; i++) m.register_forward_hook(() => undefined);
    return m;
  };
  const [m0, m1, m10] = [make(0), make(1), make(10)];
  const forward = torch.no_grad(() =>
    compare([
      { name: 'forward', run: () => m0.forward(x) },
      { name: 'call_0_hooks', run: () => m0.call(x) },
      { name: 'call_1_hook', run: () => m1.call(x) },
      { name: 'call_10_hooks', run: () => m10.call(x) },
      ...theirs(0),
    ], OPTIONS),
  );
  const xg = torch.randn([4, 16], { requires_grad: true });
  const plain = new nn.Linear(16, 16);
  const hooked = new nn.Linear(16, 16);
  hooked.register_full_backward_hook(() => undefined);
  const backward = compare([
    { name: 'fwd_bwd_no_hook', run: () => plain.call(xg).sum().backward() },
    { name: 'fwd_bwd_full_hook', run: () => hooked.call(xg).sum().backward() },
    ...theirs(1),
  ], OPTIONS);
  const all = [...forward, ...backward];
  const ms = (from_pytorch: boolean): Record<string, number> =>
    Object.fromEntries(all.filter(([k]) => k.startsWith('pytorch ') === from_pytorch).map(([k, t]) => [k.replace(/^pytorch /, ''), t.ms]));
  return { tsgrad: ms(false), pytorch: pytorch === null ? null : ms(true) };
}

export interface HookOverheads {
  first_forward_hook: number;
  per_forward_hook: number;
  full_backward_hook: number;
}

/** What each derived row measures. */
export const OVERHEAD_ROWS: [keyof HookOverheads, string][] = [
  ['first_forward_hook', 'first forward hook (1 vs 0)'],
  ['per_forward_hook', 'each forward hook (10 vs 0, /10)'],
  ['full_backward_hook', 'full backward hook (with vs without)'],
];

/** Hook costs derived from the medians, in ms per call. */
export function hook_overheads(ms: Record<string, number>): HookOverheads {
  return {
    first_forward_hook: ms['call_1_hook']! - ms['call_0_hooks']!,
    per_forward_hook: (ms['call_10_hooks']! - ms['call_0_hooks']!) / 10,
    full_backward_hook: ms['fwd_bwd_full_hook']! - ms['fwd_bwd_no_hook']!,
  };
}
