// Memory of training loops that never yield: hooks, handles and retain_grad must not pin a step's tensors.
// Each test measures inside one synchronous job (gc() included), which is exactly where a WeakRef target
// stays alive, so a regression shows as hundreds of MB rather than as noise.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import type { RemovableHandle } from '@tsgrad/hooks';
import { models } from '@tsgrad/vision';
import { describe, expect, it } from 'vitest';

const gc = (globalThis as { gc?: () => void }).gc;

/** Bytes in use (JS heap + array buffers) after full collections, without leaving the current job. */
function in_use(): number {
  // an array buffer's memory is returned one collection after the buffer died
  for (let i = 0; i < 3; i++) gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Growth of `in_use()` over `steps` calls of `step`, after one warm-up call; all in one synchronous job. */
function growth(steps: number, step: (i: number) => void): number {
  step(-1);
  const before = in_use();
  for (let i = 0; i < steps; i++) step(i);
  return in_use() - before;
}

const MB = 1e6;

describe.skipIf(typeof gc !== 'function')('synchronous loops keep memory flat (needs --expose-gc, as vitest runs)', () => {
  // 1000x1000 float32 is 4 MB: the old WeakRef design kept 8 MB (activation and its grad) per step
  const x = torch.randn([1000, 1000], { requires_grad: true });
  const STEPS = 20;

  it('retain_grad on a fresh activation every step', () => {
    let last: Tensor | null = null;
    const grown = growth(STEPS, () => {
      const y = x.mul(2);
      y.retain_grad();
      y.sum().backward();
      last = y;
    });
    expect(grown).toBeLessThan(8 * MB);
    expect(last!.grad!.shape).toEqual([1000, 1000]);
    expect(last!.grad!.index([0, 0]).item()).toBe(1);
  });

  type Register = (y: Tensor, captured: Tensor) => RemovableHandle;
  const registrations: [string, Register][] = [
    ['tensor hook', (y, c) => y.register_hook((g) => void c.add(g.index([0, 0])))],
    ['grad_fn post-hook', (y, c) => y.grad_fn!.register_hook(() => void c.numel())],
    ['grad_fn pre-hook', (y, c) => y.grad_fn!.register_prehook(() => void c.numel())],
    ['leaf hook', (_y, c) => x.register_hook(() => void c.numel())],
    ['post-accumulate hook', (_y, c) => x.register_post_accumulate_grad_hook(() => void c.numel())],
  ];

  for (const [name, register] of registrations) {
    it(`a ${name} capturing 4 MB, its handle kept in an array or removed at once`, () => {
      const kept: RemovableHandle[] = [];
      let fired = 0;
      const grown = growth(STEPS, (i) => {
        const y = x.mul(2);
        const captured = torch.ones([1000, 1000]);
        const h = register(y, captured);
        const counted = y.grad_fn!.register_hook(() => void fired++);
        y.sum().backward();
        counted.remove();
        // a kept handle must not keep its map, the hook or what the hook captured alive
        if (i % 2 === 0) kept.push(h);
        else h.remove();
        // a leaf's map lives on: hooks on it must go once their handles are dropped from use
        if (name === 'leaf hook' || name === 'post-accumulate hook') h.remove();
      });
      expect(fired).toBe(STEPS + 1);
      expect(grown).toBeLessThan(8 * MB);
      expect(kept.every((h) => typeof h.id === 'number')).toBe(true);
      x.grad = null;
    });
  }

  it('SimpleNet steps with every module hook kind added and removed each step', () => {
    torch.manual_seed(0);
    const net = new models.SimpleNet();
    const opt = new nn.optim.SGD(net.parameters(), { lr: 0.01 });
    const input = torch.randn([8, 1, 28, 28]);
    const target = torch.tensor([1, 2, 3, 4, 5, 6, 7, 8], { dtype: 'int64' });
    const loss_fn = new nn.CrossEntropyLoss();
    // each hook captures 256 KB: the old design kept it for every step of a full backward hook
    const kinds: ((m: nn.Module, c: Float32Array) => RemovableHandle)[] = [
      (m, c) => m.register_forward_pre_hook(() => void c[0]),
      (m, c) => m.register_forward_hook(() => void c[0], { always_call: true }),
      (m, c) => m.register_full_backward_hook(() => void c[0]),
      (m, c) => m.register_full_backward_pre_hook(() => void c[0]),
      (m, c) => nn.register_module_full_backward_hook(() => void c[0]),
    ];
    const grown = growth(100, (i) => {
      const h = kinds[(i + kinds.length) % kinds.length]!(net.conv2, new Float32Array(64 * 1024));
      opt.zero_grad();
      loss_fn.call(net.call(input), target).backward();
      opt.step();
      h.remove();
    });
    expect(grown).toBeLessThan(4 * MB);
    expect(nn.utils.list_hooks(net)).toEqual([]);
  });
});
