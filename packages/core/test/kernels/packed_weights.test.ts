// The wasm convolution keeps a weight packed between calls only while it is unchanged: every way of changing it in
// place between two calls (an in-place op, a write through `.data`, which has a version counter of its own, a new
// storage via `.data =`, an optimizer-style update) gives the result a fresh weight gives.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import * as torch from '../../src/index.js';
import type { Conv2dOptions } from '../../src/ops/nn_ops.js';
import { wasm_backend } from '../../src/kernels/backend.js';
import { clear_packed_weights, packed_weight_stats } from '../../src/kernels/wasm/packed_weights.js';
import { make_rng } from './strided_views.js';

type Tensor = torch.Tensor;
const rng = make_rng(7);
const rand = (shape: number[]): Tensor => torch.tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng() * 2 - 1)).reshape(shape);

// one stride-1 convolution (the direct kernel), one strided (im2col panels), one whose 1x1 map keeps only the
// centre tap of its 3x3 kernel (the weight cut to a window), one grouped
const CASES: { name: string; x: number[]; w: number[]; options: Conv2dOptions }[] = [
  { name: '3x3 stride 1', x: [2, 4, 9, 9], w: [6, 4, 3, 3], options: { padding: 1 } },
  { name: '3x3 stride 2', x: [2, 4, 9, 9], w: [6, 4, 3, 3], options: { stride: 2, padding: 1 } },
  { name: '3x3 on a 1x1 map', x: [3, 8, 1, 1], w: [5, 8, 3, 3], options: { padding: 1 } },
  { name: 'groups 2', x: [2, 4, 7, 7], w: [6, 2, 3, 3], options: { padding: 1, groups: 2 } },
];

/** conv2d with a fresh copy of `w` (nothing kept for it): what any call with `w`'s values must give. */
const fresh = (x: Tensor, w: Tensor, options: Conv2dOptions): number[] =>
  Array.from(torch.conv2d(x, w.clone(), null, options)._contiguous_data());
const run = (x: Tensor, w: Tensor, options: Conv2dOptions): number[] =>
  Array.from(torch.conv2d(x, w, null, options)._contiguous_data());

/** Runs each test of the enclosing describe on the wasm backend with nothing kept packed, then restores the backend. */
function on_wasm_with_nothing_kept(): void {
  const initial = torch.kernels().name;
  beforeEach(() => {
    torch.set_backend('wasm');
    clear_packed_weights();
  });
  afterAll(() => {
    clear_packed_weights();
    torch.set_backend(initial);
  });
}

describe.runIf(wasm_backend !== null)('packed convolution weights kept between calls', () => {
  on_wasm_with_nothing_kept();

  describe.each(CASES)('$name', ({ x: xs, w: ws, options }) => {
    const x = rand(xs);

    it('the second call with an unchanged weight keeps it packed, and later calls reuse it', () => {
      const w = rand(ws);
      const want = fresh(x, w, options);
      expect(run(x, w, options)).toEqual(want);
      expect(packed_weight_stats().packs).toBe(0);
      expect(run(x, w, options)).toEqual(want);
      expect(packed_weight_stats().packs).toBe(1);
      expect(run(x, w, options)).toEqual(want);
      expect(packed_weight_stats()).toMatchObject({ packs: 1, hits: 1 });
      expect(packed_weight_stats().pinned_bytes).toBeGreaterThan(0);
    });

    const changes: [string, (w: Tensor) => Tensor][] = [
      ['an in-place op', (w) => (torch.no_grad(() => w.mul_(-0.5)), w)],
      ['a write through .data (its own version counter)', (w) => (w.data.add_(0.25), w)],
      ['a write to one element through a view of .data', (w) => (w.data.view(-1).narrow(0, 3, 1).fill_(7), w)],
      ['new memory via .data =', (w) => ((w.data = rand(ws)), w)],
      ['an optimizer-style update (written in place, then the version bumped)', (w) => {
        const d = w._storage.data;
        for (let i = 0; i < d.length; i++) d[i] = d[i]! - 0.1 * Math.sign(d[i]!);
        w._storage.version++;
        return w;
      }],
    ];
    it.each(changes)('never reuses a stale packing after %s', (_what, change) => {
      const w = rand(ws).requires_grad_();
      run(x, w, options);
      run(x, w, options);
      expect(packed_weight_stats().packs).toBe(1);
      const changed = change(w);
      expect(run(x, changed, options)).toEqual(fresh(x, changed, options));
      // and the new values are kept in turn
      expect(run(x, changed, options)).toEqual(fresh(x, changed, options));
      expect(run(x, changed, options)).toEqual(fresh(x, changed, options));
      expect(packed_weight_stats().hits).toBeGreaterThan(0);
    });
  });

  it('keeps the transposed packing for input gradients of a fixed model (saliency) apart from the forward one', () => {
    const { x: xs, w: ws, options } = CASES[0]!;
    const w = rand(ws);
    const grads = (weight: Tensor): number[] => {
      const x = rand(xs).requires_grad_();
      const x0 = x.detach().clone();
      torch.conv2d(x, weight, null, options).sum().backward();
      return [...Array.from(x.grad!._contiguous_data()), ...run(x0, weight, options)];
    };
    const first = grads(w);
    const again = grads(w);
    const third = grads(w);
    expect(again.length).toBe(first.length);
    expect(third.length).toBe(first.length);
    // a forward and an input-gradient packing, each packed once and then reused
    expect(packed_weight_stats().packs).toBe(2);
    expect(packed_weight_stats().hits).toBeGreaterThanOrEqual(2);
    torch.no_grad(() => w.mul_(2));
    const xg = rand(xs).requires_grad_();
    torch.conv2d(xg, w, null, options).sum().backward();
    const xf = xg.detach().clone().requires_grad_();
    torch.conv2d(xf, w.clone(), null, options).sum().backward();
    expect(Array.from(xg.grad!._contiguous_data())).toEqual(Array.from(xf.grad!._contiguous_data()));
  });

  it('a training loop never pins memory: its weights change every step', () => {
    const { x: xs, w: ws, options } = CASES[0]!;
    const w = rand(ws).requires_grad_();
    for (let step = 0; step < 4; step++) {
      torch.conv2d(rand(xs), w, null, options).square().sum().backward();
      torch.no_grad(() => w.sub_(w.grad!.mul(0.01)));
      w.grad = null;
    }
    expect(packed_weight_stats()).toEqual({ hits: 0, packs: 0, kept: 0, pinned_bytes: 0 });
  });

  it('forgets the packing of a weight that was collected, and reuses its memory', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'vitest runs with --expose-gc').toBeTypeOf('function');
    const { x: xs, w: ws, options } = CASES[0]!;
    const x = rand(xs);
    (() => {
      const w = rand(ws);
      run(x, w, options);
      run(x, w, options);
    })();
    const { kept, pinned_bytes } = packed_weight_stats();
    expect(kept).toBe(1);
    for (let i = 0; i < 20 && packed_weight_stats().kept > 0; i++) {
      gc!();
      await new Promise((done) => setTimeout(done, 5));
    }
    expect(packed_weight_stats().kept).toBe(0);
    // the next weight kept takes the freed memory's place
    const w2 = rand(ws);
    run(x, w2, options);
    run(x, w2, options);
    expect(packed_weight_stats()).toMatchObject({ kept: 1, pinned_bytes });
  });
});

// The wasm GEMM keeps its B operand packed the same way, given B's version counter: a linear layer's weight in
// repeated inference forwards, an RNN cell's weights across the steps of a sequence.
describe.runIf(wasm_backend !== null)('a GEMM operand B kept packed between calls', () => {
  on_wasm_with_nothing_kept();

  // x @ w.t() as a linear layer's forward (B read transposed, two depth blocks), and x @ w over two column blocks;
  // both B's large enough (16 K elements) for the cache to keep them
  const GEMMS: { name: string; x: number[]; w: number[]; product: (x: Tensor, w: Tensor) => Tensor }[] = [
    { name: 'x @ w.t()', x: [37, 300], w: [60, 300], product: (x, w) => torch.mm(x, w.t()) },
    { name: 'x @ w', x: [5, 20], w: [20, 1030], product: (x, w) => torch.mm(x, w) },
  ];
  describe.each(GEMMS)('$name', ({ x: xs, w: ws, product }) => {
    const x = rand(xs);
    const got = (w: Tensor): number[] => Array.from(product(x, w)._contiguous_data());
    const want = (w: Tensor): number[] => Array.from(product(x, w.clone())._contiguous_data());

    it('keeps B packed from its second use, with the results of a fresh B', () => {
      const w = rand(ws);
      const expected = want(w);
      clear_packed_weights();
      expect(got(w)).toEqual(expected);
      expect(got(w)).toEqual(expected);
      expect(got(w)).toEqual(expected);
      expect(packed_weight_stats()).toMatchObject({ packs: 1, hits: 1, kept: 1 });
    });

    it('never reuses a stale packing after an in-place change or a written-then-bumped update', () => {
      const w = rand(ws);
      got(w);
      got(w);
      torch.no_grad(() => w.mul_(-0.5));
      expect(got(w)).toEqual(want(w));
      const d = w._storage.data;
      for (let i = 0; i < d.length; i++) d[i] = d[i]! + 0.125;
      w._storage.version++;
      expect(got(w)).toEqual(want(w));
      expect(got(w)).toEqual(want(w));
    });
  });
});
