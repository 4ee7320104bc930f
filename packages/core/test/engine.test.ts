// Engine behaviour: deep graphs, memory, hook and node execution order (spec §4–5), errors that leave
// tensors unchanged, custom Functions, retain_grad, post-accumulate hooks and grad modes.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import { python_scope, run_python } from './pyexpr.js';

const gen = new torch.Generator().manual_seed(42);
const leaf = (shape: number[]): Tensor => torch.randn(shape, { generator: gen }).requires_grad_(true);
const list = (t: Tensor | null): number[] => Array.from(t!.detach()._contiguous_data());

/** Spec §12 E2. */
const E2 =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

describe('deep graphs', () => {
  it('backpropagates through a chain of 100,000 ops without overflowing the stack', () => {
    const x = torch.tensor([0.5], { dtype: 'float64', requires_grad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = i % 2 === 0 ? y.add(0.25) : y.mul(1.0);
    expect(y.grad_fn!.name()).toBe('MulBackward0');
    y.sum().backward();
    expect(list(x.grad)).toEqual([1]);
    const z = (() => {
      let t = x;
      for (let i = 0; i < 100_000; i++) t = t.mul(1.00001);
      return t;
    })();
    const [g] = torch.autograd.grad(z.sum(), [x]);
    expect(g!.item()).toBeCloseTo(Math.pow(1.00001, 100_000), 6);
  });
});

describe('memory', () => {
  /** `global.gc` (vitest runs with --expose-gc), else the same function enabled at run time, else none. */
  const gc = ((): (() => void) | undefined => {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed !== undefined) return exposed;
    try {
      setFlagsFromString('--expose-gc');
      return runInNewContext('gc') as () => void;
    } catch {
      return undefined;
    }
  })();

  /** A small MLP trained with core ops only (linear + relu + cross_entropy, SGD under no_grad). */
  function mlp_trainer(): { step: () => number; params: Tensor[] } {
    const g = new torch.Generator().manual_seed(3);
    const params = [[32, 16], [32], [4, 32], [4]].map((s) => torch.randn(s, { generator: g }).mul(0.1).requires_grad_(true));
    const [W1, b1, W2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
    const batches = Array.from({ length: 8 }, () => [torch.randn([16, 16], { generator: g }), torch.randint(0, 4, [16], { generator: g })] as const);
    let k = 0;
    const step = (): number => {
      const [x, t] = batches[k++ % batches.length]!;
      const loss = torch.cross_entropy(torch.linear(torch.relu(torch.linear(x, W1, b1)), W2, b2), t);
      loss.backward();
      torch.no_grad(() => {
        for (const p of params) p.sub_(p.grad!.mul(0.01));
      });
      for (const p of params) p.grad = null;
      return loss.item();
    };
    return { step, params };
  }

  /** Heap growth between the end of a warm-up and the end of the run; `keep` retains each result (a leak). */
  function heap_growth(iterations: number, run_step: () => unknown, keep: unknown[] | null): number {
    const sample = (): number => {
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    for (let i = 0; i < 200; i++) run_step();
    if (gc !== undefined) {
      const before = sample();
      for (let i = 0; i < iterations; i++) {
        const r = run_step();
        keep?.push(r);
      }
      return sample() - before;
    }
    // without --expose-gc: compare medians of early and late windows of samples
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const r = run_step();
      keep?.push(r);
      if (i % 50 === 0) samples.push(process.memoryUsage().heapUsed);
    }
    const median = (a: number[]): number => [...a].sort((u, v) => u - v)[Math.floor(a.length / 2)]!;
    const w = Math.max(3, Math.floor(samples.length / 5));
    return median(samples.slice(-w)) - median(samples.slice(0, w));
  }

  const BOUND = gc !== undefined ? 4e6 : 48e6;

  it('10,000 forward/backward iterations of a small MLP keep the heap flat', () => {
    const { step } = mlp_trainer();
    const first = step();
    let last = first;
    const growth = heap_growth(10_000, () => (last = step()), null);
    expect(last).toBeLessThan(first);
    expect(growth, `heap grew by ${(growth / 1e6).toFixed(1)} MB`).toBeLessThan(BOUND);
  });

  it('the heap measure detects graphs that are kept alive (control)', () => {
    const g = new torch.Generator().manual_seed(5);
    const W = torch.randn([32, 16], { generator: g }).requires_grad_(true);
    const x = torch.randn([16, 16], { generator: g });
    const kept: unknown[] = [];
    const growth = heap_growth(gc !== undefined ? 2_000 : 10_000, () => torch.relu(torch.linear(x, W)).sum(), kept);
    expect(kept.length).toBeGreaterThan(0);
    expect(growth, `heap grew by ${(growth / 1e6).toFixed(1)} MB while retaining ${kept.length} graphs`).toBeGreaterThan(BOUND);
  });
});

describe('backward / autograd.grad details (spec §2)', () => {
  it('autograd.grad runs only the part of the graph that leads to its inputs (no hooks elsewhere)', () => {
    const x = leaf([2]);
    const w = leaf([2]);
    const log: string[] = [];
    const y = x.mul(2);
    y.register_hook(() => void log.push('y'));
    x.register_hook(() => void log.push('x'));
    const z = w.mul(3);
    z.register_hook(() => void log.push('z'));
    const [gw] = torch.autograd.grad(y.add(z).sum(), [w]);
    expect(list(gw)).toEqual([3, 3]);
    expect(log).toEqual(['z']);
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
  });

  it('backward(inputs=[...]) accumulates only into those tensors, in place, with their post-accumulate hooks', () => {
    const x = leaf([2]);
    const w = leaf([2]);
    let posts = 0;
    w.register_post_accumulate_grad_hook(() => void posts++);
    const out = x.mul(w).sum();
    out.backward(undefined, { inputs: [w], retain_graph: true });
    expect(x.grad).toBeNull();
    expect(list(w.grad)).toEqual(list(x));
    const g = w.grad;
    out.backward(undefined, { inputs: [w] });
    expect(w.grad).toBe(g);
    expect(list(w.grad)).toEqual(list(x.detach().mul(2)));
    expect(posts).toBe(2);
    // a non-leaf input gets its gradient in .grad (it is made to retain it), its leaves get nothing
    const v = leaf([2]);
    const y = v.mul(2);
    y.exp().sum().backward(undefined, { inputs: [y] });
    expect(y.retains_grad).toBe(true);
    expect(list(y.grad)).toEqual(list(y.detach().exp()));
    expect(v.grad).toBeNull();
  });

  it('returns each gradient in its input\'s dtype and shape', () => {
    const a = leaf([2, 3]);
    const b = torch.randn([3], { dtype: 'float64', generator: gen }).requires_grad_(true);
    const out = a.mul(b);
    expect(out._dtype).toBe('float64');
    out.sum().backward();
    expect(a.grad!._dtype).toBe('float32');
    expect(b.grad!._dtype).toBe('float64');
    expect(b.grad!.shape).toEqual([3]);
  });

  it('accepts several roots with their seeds, and an implicit seed for any one-element output', () => {
    const x = leaf([2]);
    torch.autograd.backward([x.mul(2), x.mul(3).sum()], [torch.tensor([1, 10]), null]);
    expect(list(x.grad)).toEqual([5, 23]);
    const y = leaf([1, 1]);
    y.mul(4).backward();
    expect(list(y.grad)).toEqual([4]);
  });

  it('autograd.grad: allow_unused gives null, materialize_grads gives zeros, otherwise E6', () => {
    const a = leaf([2]);
    const b = leaf([2]);
    expect(torch.autograd.grad(a.mul(2).sum(), [a, b], { allow_unused: true })[1]).toBeNull();
    expect(list(torch.autograd.grad(a.mul(2).sum(), [a, b], { materialize_grads: true })[1]!)).toEqual([0, 0]);
    expect(() => torch.autograd.grad(a.mul(2).sum(), [a, b])).toThrow(
      'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
    );
  });
});

describe('nodes of ops the fixtures do not cover (PyTorch 2.x derivatives.yaml)', () => {
  const leaves = (): Record<string, Tensor> => ({
    x: leaf([3, 4]),
    y: leaf([3, 4]),
    img: leaf([1, 1, 4, 4]),
    tgt: torch.tensor([0, 1, 2], { dtype: 'int64' }),
    p: torch.rand([3, 4], { generator: gen }).mul(0.8).add(0.1).requires_grad_(true),
    q: torch.rand([3, 4], { generator: gen }),
    w: torch.rand([4], { generator: gen }),
  });
  const LOSSES: [string, string, (string | null)[]][] = [
    ['F.binary_cross_entropy(p, q)', 'BinaryCrossEntropyBackward0', ['AccumulateGrad', null]],
    ['F.binary_cross_entropy(torch.sigmoid(x), q, weight=w, reduction="sum")', 'BinaryCrossEntropyBackward0', ['SigmoidBackward0', null]],
    ['F.binary_cross_entropy_with_logits(x, q)', 'BinaryCrossEntropyWithLogitsBackward0', ['AccumulateGrad', null]],
    ['F.binary_cross_entropy_with_logits(x, p, pos_weight=w)', 'BinaryCrossEntropyWithLogitsBackward0', ['AccumulateGrad', 'AccumulateGrad']],
    ['F.smooth_l1_loss(x, y)', 'SmoothL1LossBackward0', ['AccumulateGrad', 'AccumulateGrad']],
    ['F.smooth_l1_loss(x, q, beta=0.5, reduction="none")', 'SmoothL1LossBackward0', ['AccumulateGrad', null]],
    ['F.l1_loss(x, y)', 'MeanBackward0', ['AbsBackward0']],
  ];
  for (const [expr, name, next] of LOSSES) {
    it(`${expr} → ${name}`, () => {
      const out = run_python(expr, python_scope(leaves())) as Tensor;
      expect(out.grad_fn!.name()).toBe(name);
      expect(out.grad_fn!.next_functions.map(([n]) => (n === null ? null : n instanceof torch.AccumulateGrad ? 'AccumulateGrad' : n.name()))).toEqual(next);
      out.sum().backward();
      expect(() => out.sum().backward(), 'saved tensors are freed').toThrow(E2);
    });
  }

  const NAMES: [string, string][] = [
    ['x.sign()', 'SignBackward0'],
    ['x.var()', 'VarBackward0'],
    ['x.var(dim=1, keepdim=True)', 'VarBackward0'],
    ['x.std()', 'StdBackward0'],
    ['x.std(dim=0, unbiased=False)', 'StdBackward0'],
    ['x.split(2)[1]', 'SplitBackward0'],
    ['x.chunk(2, 1)[0]', 'SplitBackward0'],
    ['x.split([1, 2])[1]', 'SplitWithSizesBackward0'],
    ['x.unbind()[2]', 'UnbindBackward0'],
  ];
  for (const [expr, name] of NAMES) {
    it(`${expr} → ${name}`, () => {
      const out = run_python(expr, python_scope(leaves())) as Tensor;
      expect(out.grad_fn!.name()).toBe(name);
      expect(out.grad_fn!.next_functions.map(([n]) => n?.name())).toEqual(['torch::autograd::AccumulateGrad']);
    });
  }

  it('split / unbind: one node with an output per piece; unused pieces get zero gradients', () => {
    const x = leaf([3, 4]);
    const [a, b] = x.split(2);
    expect(a!.grad_fn).toBe(b!.grad_fn);
    expect([a!.output_nr, b!.output_nr]).toEqual([0, 1]);
    expect(a!.grad_fn!.num_outputs).toBe(2);
    b!.mul(3).sum().backward();
    expect(list(x.grad)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3, 3]);
    const rows = x.unbind(0);
    expect(rows.length).toBe(3);
    expect(rows[1]!.output_nr).toBe(1);
    rows[0]!.add(rows[2]!.mul(2)).sum().backward();
    expect(list(x.grad)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 5, 5, 5, 5]);
    const cols = x.chunk(3, 1);
    expect(cols.map((c) => c.shape)).toEqual([[3, 2], [3, 2]]);
  });

  // spec §2.5: a second backward without retain_graph raises exactly when a node needs a freed saved tensor
  const SECOND_BACKWARD: [string, boolean][] = [
    ['x[[0, 2, 0]].sum()', true],
    ['x[x > 0].sum()', true],
    ['F.avg_pool2d(img, 2).sum()', true],
    ['F.adaptive_avg_pool2d(img, 3).sum()', true],
    ['F.nll_loss(x, tgt)', true],
    ['F.max_pool2d(img, 2).sum()', true],
    ['x.var()', true],
    ['x[1:3, 0].sum()', false],
    ["F.interpolate(img, size=(6, 6), mode='bilinear', align_corners=False).sum()", false],
    ['torch.cat([x, x]).sum()', false],
    ['x[0:1].expand(3, 4).sum()', false],
    ['x.sign().sum()', false],
  ];
  for (const [expr, raises] of SECOND_BACKWARD) {
    it(`${expr}: second backward ${raises ? 'raises E2' : 'accumulates'}`, () => {
      const out = run_python(expr, python_scope(leaves())) as Tensor;
      out.backward();
      if (raises) expect(() => out.backward()).toThrow(E2);
      else expect(() => out.backward()).not.toThrow();
    });
  }
});

describe('tensor hooks (spec §5)', () => {
  it('run in registration order, each seeing the previous return; null keeps the gradient', () => {
    const x = leaf([3]);
    const y = x.mul(2);
    const log: [string, number][] = [];
    y.register_hook((g) => {
      log.push(['h1', g.detach().sum().item()]);
      return g.mul(3);
    });
    y.register_hook((g) => {
      log.push(['h2', g.detach().sum().item()]);
      return g.add(0.25);
    });
    y.register_hook((g) => {
      log.push(['h3', g.detach().sum().item()]);
    });
    x.register_hook((g) => {
      log.push(['leaf', g.detach().sum().item()]);
    });
    y.sum().backward();
    expect(log.map(([n]) => n)).toEqual(['h1', 'h2', 'h3', 'leaf']);
    expect(log.map(([, v]) => v)).toEqual([3, 9, 9.75, 19.5]);
    expect(list(x.grad)).toEqual([6.5, 6.5, 6.5]);
  });

  it('a leaf hook changes what is accumulated; an intermediate hook changes everything upstream', () => {
    const x = leaf([2]);
    const w = leaf([2]);
    w.register_hook((g) => g.mul(0.5));
    const y = x.mul(w);
    y.register_hook((g) => g.mul(10));
    y.sum().backward();
    expect(list(w.grad)).toEqual(list(x.detach().mul(5)));
    expect(list(x.grad)).toEqual(list(w.detach().mul(10)));
  });

  it('a tensor used twice gets one hook call with the summed gradient', () => {
    const x = leaf([4]);
    const y = x.exp();
    const seen: number[][] = [];
    y.register_hook((g) => {
      seen.push(list(g));
    });
    y.mul(3).add(y.sin()).sum().backward();
    expect(seen.length).toBe(1);
    const expected = list(y.detach().cos().add(3));
    seen[0]!.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });

  it('use a snapshot per call: removal or addition inside a hook takes effect from the next backward', () => {
    const x = leaf([2]);
    const y = x.mul(1);
    const log: string[] = [];
    const handles: Record<string, { remove(): void }> = {};
    handles.t1 = y.register_hook(() => {
      log.push('t1');
      handles.t2!.remove();
      if (handles.t3 === undefined) handles.t3 = y.register_hook(() => void log.push('t3'));
    });
    handles.t2 = y.register_hook(() => void log.push('t2'));
    y.sum().backward(undefined, { retain_graph: true });
    log.push('|');
    y.sum().backward();
    expect(log).toEqual(['t1', 't2', '|', 't1', 't3']);
  });

  it('fire on every backward; a removed (or disposed) hook no longer fires', () => {
    const x = leaf([2]);
    let calls = 0;
    const h = x.register_hook(() => {
      calls++;
    });
    x.mul(2).sum().backward();
    x.mul(2).sum().backward();
    expect(calls).toBe(2);
    expect(list(x.grad)).toEqual([4, 4]);
    h.remove();
    h.remove();
    x.mul(2).sum().backward();
    expect(calls).toBe(2);
    {
      using _h = x.register_hook(() => {
        calls += 10;
      });
      x.sum().backward();
    }
    x.sum().backward();
    expect(calls).toBe(12);
  });

  it('a hook returning another shape raises E12 naming the hook', () => {
    const x = leaf([3]);
    const y = x.mul(2);
    y.register_hook(function bad(g) {
      return g.sum();
    });
    expect(() => y.sum().backward()).toThrow("hook 'bad' has changed the size of value");
    expect(x.grad).toBeNull();
  });
});

describe('execution order (spec §4)', () => {
  it('runs the ready node created last first, AccumulateGrad before anything else, ties in input order', () => {
    const log: string[] = [];
    const hook = (name: string) => () => void log.push(name);
    const v = leaf([3]);
    const w = leaf([3]);
    const a = v.mul(2); // created first
    const b = v.exp(); // created second: runs before a
    const c = a.add(b).add(w); // w's AccumulateGrad is ready as soon as the last add ran
    a.register_hook(hook('a'));
    b.register_hook(hook('b'));
    v.register_hook(hook('v'));
    w.register_hook(hook('w'));
    c.sum().backward();
    expect(log).toEqual(['w', 'b', 'a', 'v']);
  });

  it('AccumulateGrad ties follow the producing node’s inputs: add(p, q) vs add(q, p); linear: bias, input, weight', () => {
    const order = (f: (p: Tensor, q: Tensor) => Tensor): string[] => {
      const log: string[] = [];
      const p = leaf([2]);
      const q = leaf([2]);
      p.register_hook(() => void log.push('p'));
      q.register_hook(() => void log.push('q'));
      f(p, q).sum().backward();
      return log;
    };
    expect(order((p, q) => p.add(q))).toEqual(['p', 'q']);
    expect(order((p, q) => q.add(p))).toEqual(['q', 'p']);

    const log: string[] = [];
    const x = leaf([2, 3]);
    const W = leaf([4, 3]);
    const b = leaf([4]);
    for (const [t, n] of [[x, 'input'], [W, 'weight'], [b, 'bias']] as const) t.register_hook(() => void log.push(n));
    const out = torch.linear(x, W, b);
    expect(out.grad_fn!.name()).toBe('AddmmBackward0');
    out.sum().backward();
    expect(log).toEqual(['bias', 'input', 'weight']);
  });

  it('runs tensor hooks, then node pre-hooks, the formula and node post-hooks', () => {
    const x = leaf([2]);
    const y = x.mul(3);
    const log: string[] = [];
    y.grad_fn!.register_hook((grad_inputs, grad_outputs) => {
      log.push(`post ${list(grad_inputs[0]!)[0]} ${list(grad_outputs[0]!)[0]}`);
    });
    y.grad_fn!.register_prehook((grad_outputs) => {
      log.push(`pre ${list(grad_outputs[0]!)[0]}`);
      return [grad_outputs[0]!.mul(10)];
    });
    y.register_hook((g) => {
      log.push(`tensor ${list(g)[0]}`);
      return g.mul(2);
    });
    y.sum().backward();
    expect(log).toEqual(['tensor 1', 'pre 2', 'post 60 20']);
    expect(list(x.grad)).toEqual([60, 60]);
  });
});

describe('bad inputs raise and leave tensors unchanged', () => {
  interface Snap {
    data: number[];
    shape: number[];
    strides: number[];
    version: number;
    grad_fn: torch.Node | null;
    requires_grad: boolean;
    grad: Tensor | null;
  }
  const snap = (t: Tensor): Snap => ({
    data: list(t), shape: [...t.shape], strides: t.stride(), version: t._storage.version, grad_fn: t.grad_fn, requires_grad: t.requires_grad, grad: t._grad,
  });
  const expect_unchanged = (ts: Tensor[], before: Snap[]): void => ts.forEach((t, i) => {
    const s = snap(t);
    expect(s.data).toEqual(before[i]!.data);
    expect(s.shape).toEqual(before[i]!.shape);
    expect(s.strides).toEqual(before[i]!.strides);
    expect(s.version).toBe(before[i]!.version);
    expect(s.grad_fn).toBe(before[i]!.grad_fn);
    expect(s.requires_grad).toBe(before[i]!.requires_grad);
    expect(s.grad).toBe(before[i]!.grad);
  });
  /** Runs `f` on fresh tensors; it must throw `message` (string: exact, RegExp: match) and change nothing. */
  const check = (make: () => Tensor[], f: (...ts: Tensor[]) => unknown, message: string | RegExp): void => {
    const ts = make();
    const before = ts.map(snap);
    let err: unknown = null;
    try {
      f(...ts);
    } catch (e) {
      err = e;
    }
    expect(err, `expected ${String(message)}`).toBeInstanceOf(Error);
    if (typeof message === 'string') expect((err as Error).message).toBe(message);
    else expect((err as Error).message).toMatch(message);
    expect_unchanged(ts, before);
  };
  const inter = (shape: number[]): Tensor => leaf(shape).mul(1);

  it('mismatched shapes name both shapes (or both sizes)', () => {
    check(() => [leaf([2, 3]), leaf([4])], (a, b) => a!.add(b!), 'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1');
    check(() => [leaf([2, 3]), leaf([4])], (a, b) => a!.mul(b!), /size of tensor a \(3\).*size of tensor b \(4\)/);
    check(() => [leaf([3, 4]), leaf([5, 2])], (a, b) => a!.mm(b!), 'mat1 and mat2 shapes cannot be multiplied (3x4 and 5x2)');
    check(() => [leaf([3, 4]), leaf([5, 2])], (a, b) => torch.matmul(a!, b!), 'mat1 and mat2 shapes cannot be multiplied (3x4 and 5x2)');
    check(() => [leaf([2, 3]), leaf([5, 4])], (x, w) => torch.linear(x!, w!), 'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)');
    check(() => [leaf([2, 3]), leaf([2, 4])], (a, b) => torch.cat([a!, b!]), 'Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list.');
    check(() => [leaf([2, 3]), leaf([3, 2])], (a, b) => torch.stack([a!, b!]), 'stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3, 2] at entry 1');
    check(() => [leaf([3, 4])], (x) => x!.reshape(5), "shape '[5]' is invalid for input of size 12");
    check(() => [leaf([3, 4])], (x) => x!.t().view(12), /view size is not compatible with input tensor's size and stride/);
    check(() => [leaf([1, 2, 5, 5]), leaf([4, 3, 3, 3])], (x, w) => torch.conv2d(x!, w!), 'Given groups=1, weight of size [4, 3, 3, 3], expected input[1, 2, 5, 5] to have 3 channels, but got 2 channels instead');
    check(() => [leaf([3]), leaf([2])], (y, g) => y!.mul(2).backward(g!.detach()), 'Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([3]).');
    check(() => [inter([3]), leaf([2, 3])], (a, b) => a!.add_(b!), "output with shape [3] doesn't match the broadcast shape [2, 3]");
    check(() => [torch.ones([3]), torch.ones([2])], (a, b) => a!.mul_(b!), 'The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0');
  });

  it('out-of-range dims and indices', () => {
    check(() => [leaf([3, 4])], (x) => x!.sum(2), 'Dimension out of range (expected to be in range of [-2, 1], but got 2)');
    check(() => [leaf([3, 4])], (x) => x!.mean(-3), 'Dimension out of range (expected to be in range of [-2, 1], but got -3)');
    check(() => [leaf([3, 4])], (x) => x!.transpose(0, 2), 'Dimension out of range (expected to be in range of [-2, 1], but got 2)');
    check(() => [leaf([3, 4])], (x) => x!.unsqueeze(3), 'Dimension out of range (expected to be in range of [-3, 2], but got 3)');
    check(() => [leaf([3, 4])], (x) => torch.softmax(x!, 5), 'Dimension out of range (expected to be in range of [-2, 1], but got 5)');
    check(() => [leaf([3, 4])], (x) => x!.max(2), 'Dimension out of range (expected to be in range of [-2, 1], but got 2)');
    check(() => [leaf([3, 4])], (x) => x!.select(0, 3), 'select(): index 3 out of range for tensor of size [3, 4] at dimension 0');
    check(() => [leaf([3, 4])], (x) => x!.index([0, 0, 0]), 'too many indices for tensor of dimension 2');
    check(() => [leaf([3, 4])], (x) => x!.index([[0, 5]]), 'index 5 is out of bounds for dimension 0 with size 3');
    check(() => [leaf([3, 4])], (x) => x!.permute(0, 0), 'permute(): duplicate dims are not allowed.');
    check(() => [leaf([3, 4])], (x) => x!.sum([1, 1]), 'dim 1 appears multiple times in the list of dims');
  });

  it('wrong dtypes', () => {
    check(() => [leaf([2, 3]), leaf([3, 2]).double()], (a, b) => a!.mm(b!), 'expected m1 and m2 to have the same dtype, but got: float != double');
    check(() => [torch.zeros([2], { dtype: 'int64' })], (t) => t!.requires_grad_(), 'only Tensors of floating point and complex dtype can require gradients');
    check(() => [leaf([3, 4]), torch.tensor([0, 1])], (x, i) => x!.index([i!]), 'tensors used as indices must be long, int, byte or bool tensors');
    check(() => [leaf([2, 3]), torch.tensor([0, 1])], (x, t) => torch.nll_loss(x!, t!), 'expected scalar type Long but found Float');
    check(() => [torch.zeros([2], { dtype: 'int64' })], (t) => t!.mean(), 'mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long');
    check(() => [leaf([3]), leaf([3]), leaf([3])], (c, x, y) => torch.where(c!, x!, y!), 'where expected condition to be a boolean tensor, but got a tensor with dtype Float');
    check(() => [leaf([3]), leaf([3])], (x, m) => x!.masked_fill(m!, 0), 'masked_fill_ only supports boolean masks, but got mask with dtype Float');
    check(() => [leaf([1, 1, 4, 4]).double(), leaf([1, 1, 2, 2])], (x, w) => torch.conv2d(x!, w!), /double|float64|Double/);
  });

  it('an operand is saved only when the other operand\'s gradient needs it (no E9 for the unneeded one)', () => {
    const w = leaf([3]);
    const c = torch.randn([3], { generator: gen });
    const W = leaf([2, 3]);
    const x_in = torch.randn([4, 3], { generator: gen });
    const h1 = w.mul(2);
    const h2 = w.mul(3);
    const z = h1.mul(c).add(h2.div(c)).sum().add(torch.linear(x_in, W).sum()).add(torch.linear(x_in, W, c.narrow(0, 0, 2)).sum());
    // h1, h2 and W are not read by the gradients needed here (c, x_in need none), so they may change
    h1.add_(1);
    h2.add_(1);
    torch.no_grad(() => W.mul_(2));
    z.backward();
    expect(list(w.grad)).toEqual(list(c.mul(2).add(c.reciprocal().mul(3))));
    // each linear's weight gradient is gᵀ·x (g all ones), summed in the matmul's order
    expect(list(W.grad)).toEqual(list(torch.ones([4, 2]).t().matmul(x_in).mul(2)));
    // modifying an operand that is needed still raises E9
    const h = w.mul(2);
    const y = h.mul(leaf([3]));
    h.add_(1);
    expect(() => y.sum().backward()).toThrow(/^one of the variables needed for gradient computation has been modified by an inplace operation/);
  });

  it('in-place errors: E8 on a leaf that requires grad, E9 on a modified saved tensor', () => {
    check(() => [leaf([3])], (a) => a!.add_(1), 'a leaf Variable that requires grad is being used in an in-place operation.');
    const w = leaf([3]);
    const u = w.sigmoid();
    u.mul_(2);
    expect(u._storage.version).toBe(1);
    check(() => [w], () => u.sum().backward(), /^one of the variables needed for gradient computation has been modified by an inplace operation: \[torch.FloatTensor \[3\]\], which is output 0 of SigmoidBackward0, is at version 1; expected version 0 instead/);
  });
});

describe('custom autograd.Function', () => {
  class MulAdd extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, x: Tensor, y: Tensor, k: number): Tensor {
      ctx.save_for_backward(x, y);
      ctx.k = k;
      ctx.needs_in_forward = [...ctx.needs_input_grad];
      return x.mul(y).add(k);
    }
    static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor): (Tensor | null)[] {
      const [x, y] = ctx.saved_tensors;
      ctx.needs_in_backward = [...ctx.needs_input_grad];
      return [ctx.needs_input_grad[0] ? g.mul(y!) : null, ctx.needs_input_grad[1] ? g.mul(x!) : null, null];
    }
  }

  it('records a <Name>Backward node with one edge per tensor input and passes gradcheck', () => {
    const x = leaf([3]);
    const y = torch.randn([3], { generator: gen });
    const out = MulAdd.apply(x, y, 2);
    expect(out.grad_fn!.name()).toBe('MulAddBackward');
    expect(out.requires_grad).toBe(true);
    expect(out.is_leaf).toBe(false);
    const [[n0], [n1]] = out.grad_fn!.next_functions;
    expect(n0).toBeInstanceOf(torch.AccumulateGrad);
    expect(n1).toBeNull();
    out.sum().backward();
    expect(list(x.grad)).toEqual(list(y));
    const a = torch.randn([4], { dtype: 'float64', generator: gen }).requires_grad_(true);
    const b = torch.randn([4], { dtype: 'float64', generator: gen }).requires_grad_(true);
    expect(torch.autograd.gradcheck((p, q) => MulAdd.apply(p!, q!, 0.5), [a, b])).toBe(true);
  });

  it('exposes needs_input_grad in forward and backward (false for non-tensors)', () => {
    const x = leaf([2]);
    const y = torch.randn([2], { generator: gen });
    let ctx: torch.autograd.FunctionCtx | null = null;
    class Probe extends MulAdd {
      static override forward(c: torch.autograd.FunctionCtx, a: Tensor, b: Tensor, k: number): Tensor {
        ctx = c;
        return MulAdd.forward(c, a, b, k);
      }
    }
    Probe.apply(y, x, 3).sum().backward();
    expect(ctx!.needs_in_forward).toEqual([false, true, false]);
    expect(ctx!.needs_in_backward).toEqual([false, true, false]);
    expect(list(x.grad)).toEqual(list(y));
  });

  it('does not record under no_grad or without inputs that require grad', () => {
    const x = leaf([2]);
    expect(torch.no_grad(() => MulAdd.apply(x, x.detach(), 1)).requires_grad).toBe(false);
    expect(MulAdd.apply(x.detach(), x.detach(), 1).grad_fn).toBeNull();
  });

  it('frees saved tensors after backward: a second backward raises E2, retain_graph keeps them', () => {
    const x = leaf([2]);
    const out = MulAdd.apply(x, x.detach().mul(3), 0).sum();
    out.backward(undefined, { retain_graph: true });
    out.backward();
    expect(list(x.grad)).toEqual(list(x.detach().mul(6)));
    expect(() => out.backward()).toThrow(E2);
  });

  it('mark_non_differentiable: that output needs no grad, and backward still gets one gradient per output', () => {
    class MaxWithIndex extends torch.autograd.Function {
      static override forward(ctx: torch.autograd.FunctionCtx, x: Tensor): Tensor[] {
        const idx = x.argmax(0);
        const val = x.max(0).values;
        ctx.mark_non_differentiable(idx);
        ctx.save_for_backward(idx);
        ctx.n = x.shape[0];
        return [idx, val];
      }
      static override backward(ctx: torch.autograd.FunctionCtx, g_idx: Tensor | null, g_val: Tensor): Tensor {
        ctx.seen = [g_idx === null ? 'None' : `zeros ${g_idx.shape.length}-d`, g_val.shape];
        const [idx] = ctx.saved_tensors;
        const onehot = torch.arange(ctx.n as number).eq(idx!.item()).to(g_val.dtype);
        return onehot.mul(g_val);
      }
    }
    const x = leaf([4]);
    const [idx, val] = MaxWithIndex.apply(x) as [Tensor, Tensor];
    expect(idx.requires_grad).toBe(false);
    expect(idx.grad_fn).toBeNull();
    expect(val.requires_grad).toBe(true);
    expect(val.grad_fn!.name()).toBe('MaxWithIndexBackward');
    expect(val.output_nr).toBe(1);
    val.mul(5).backward();
    const i = x.detach().argmax().item();
    expect(list(x.grad)).toEqual([0, 1, 2, 3].map((k) => (k === i ? 5 : 0)));
  });

  it('a class named by a minifier keeps the node name its static __name__ gives; subclasses name themselves', () => {
    // what a production bundle leaves of `class Exp`: a one-letter class that declared its __name__
    const B = class extends torch.autograd.Function {
      static override readonly __name__: string = 'Exp';
      static override forward(ctx: torch.autograd.FunctionCtx, x: Tensor): Tensor {
        const y = x.exp();
        ctx.save_for_backward(y);
        return y;
      }
      static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor): Tensor {
        return g.mul(ctx.saved_tensors[0]!);
      }
    };
    const ExpTwice = class ExpTwice extends B {};
    const x = leaf([3]);
    expect(B.name).toBe('B');
    expect(B.apply(x).grad_fn!.name()).toBe('ExpBackward');
    expect(ExpTwice.apply(x).grad_fn!.name()).toBe('ExpTwiceBackward');
  });
});

describe('retain_grad (PyTorch 2.x)', () => {
  it('.grad of a retaining non-leaf is the value after all its tensor hooks, whatever the registration order', () => {
    for (const order of ['retain_then_hook', 'hook_then_retain'] as const) {
      const x = leaf([3]);
      const y = x.mul(2);
      if (order === 'retain_then_hook') {
        y.retain_grad();
        y.register_hook((g) => g.mul(3));
      } else {
        y.register_hook((g) => g.mul(3));
        y.retain_grad();
      }
      expect(y.retains_grad).toBe(true);
      y.mul(y).sum().backward();
      expect(list(y.grad), order).toEqual(list(y.detach().mul(6)));
      expect(list(x.grad), order).toEqual(list(y.detach().mul(12)));
    }
  });

  it('accumulates across backward passes, is a no-op on leaves, and needs requires_grad', () => {
    const x = leaf([2]);
    x.retain_grad();
    expect(x.retains_grad).toBe(false);
    const y = x.mul(2);
    y.retain_grad();
    y.sum().backward(undefined, { retain_graph: true });
    y.sum().backward();
    expect(list(y.grad)).toEqual([2, 2]);
    expect(list(x.grad)).toEqual([4, 4]);
    expect(() => torch.ones([2]).retain_grad()).toThrow("can't retain_grad on Tensor that has requires_grad=False");
  });
});

describe('register_post_accumulate_grad_hook', () => {
  it('runs after .grad was updated, on every backward, and stops when removed', () => {
    const p = leaf([2]);
    const seen: number[][] = [];
    const h = p.register_post_accumulate_grad_hook((t) => {
      expect(t).toBe(p);
      seen.push(list(t.grad));
    });
    p.mul(3).sum().backward();
    p.mul(3).sum().backward();
    expect(seen).toEqual([[3, 3], [6, 6]]);
    torch.autograd.grad(p.mul(3).sum(), [p]);
    expect(seen.length).toBe(2);
    h.remove();
    p.sum().backward();
    expect(seen.length).toBe(2);
  });

  it('runs after the tensor hooks and sees their result', () => {
    const p = leaf([2]);
    const log: string[] = [];
    p.register_post_accumulate_grad_hook((t) => void log.push(`post ${list(t.grad).join(',')}`));
    p.register_hook((g) => {
      log.push('hook');
      return g.mul(10);
    });
    p.sum().backward();
    expect(log).toEqual(['hook', 'post 10,10']);
  });

  it('is only for leaves that require grad', () => {
    expect(() => leaf([2]).mul(2).register_post_accumulate_grad_hook(() => undefined)).toThrow('post accumulate grad hooks cannot be registered on non-leaf tensors');
    expect(() => torch.ones([2]).register_post_accumulate_grad_hook(() => undefined)).toThrow("cannot register a hook on a tensor that doesn't require gradient");
  });
});

describe('grad modes', () => {
  it('no_grad / enable_grad / set_grad_enabled as callbacks', () => {
    const w = leaf([3]);
    expect(torch.no_grad(() => w.mul(2)).requires_grad).toBe(false);
    expect(torch.no_grad(() => torch.is_grad_enabled())).toBe(false);
    expect(torch.no_grad(() => torch.enable_grad(() => w.mul(3))).grad_fn!.name()).toBe('MulBackward0');
    expect(torch.set_grad_enabled(false, () => w.mul(2)).requires_grad).toBe(false);
    expect(torch.no_grad(() => torch.set_grad_enabled(true, () => w.mul(2))).requires_grad).toBe(true);
    expect(torch.is_grad_enabled()).toBe(true);
  });

  it('no_grad / enable_grad / set_grad_enabled with `using`', () => {
    const w = leaf([3]);
    {
      using _g = torch.no_grad();
      expect(torch.is_grad_enabled()).toBe(false);
      expect(w.mul(2).requires_grad).toBe(false);
      {
        using _e = torch.enable_grad();
        expect(w.mul(2).requires_grad).toBe(true);
      }
      expect(w.mul(2).requires_grad).toBe(false);
    }
    expect(torch.is_grad_enabled()).toBe(true);
    {
      using _s = torch.set_grad_enabled(false);
      expect(w.mul(2).grad_fn).toBeNull();
    }
    expect(w.mul(2).grad_fn).not.toBeNull();
  });

  it('restores the previous mode when the callback throws', () => {
    expect(() => torch.no_grad(() => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(torch.is_grad_enabled()).toBe(true);
    const spy = vi.fn();
    torch.no_grad(() => torch.enable_grad(spy));
    expect(spy).toHaveBeenCalledOnce();
    expect(torch.is_grad_enabled()).toBe(true);
  });

  it('results computed under no_grad stay constants (E1 on backward)', () => {
    const w = leaf([3]);
    const y = torch.no_grad(() => w.mul(2));
    expect(y.is_leaf).toBe(true);
    expect(() => y.sum().backward()).toThrow('element 0 of tensors does not require grad and does not have a grad_fn');
  });
});
