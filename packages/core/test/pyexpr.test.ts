// Unit tests of the fixture Python evaluator (pyexpr.ts) and of the leaf-note parser it is used with.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import { free_names, map_args, parse_program, python_scope, run_python, strip_annotations, tokenize } from './pyexpr.js';
import { parse_leaf_specs } from './helpers.js';

const leaf = (shape: number[]): Tensor => torch.randn(shape).requires_grad_(true);
const run = (src: string, vars: Record<string, unknown> = {}): unknown => run_python(src, python_scope(vars));
const as_tensor = (v: unknown): Tensor => {
  expect(v).toBeInstanceOf(Tensor);
  return v as Tensor;
};

describe('tokenizer and parser', () => {
  it('tokenizes numbers, names, strings and multi-char operators', () => {
    const toks = tokenize("x ** 2 // 1.5e-3 ... 'bi' >= a.b");
    expect(toks.map((t) => t.text)).toEqual(['x', '**', '2', '//', '1.5e-3', '...', 'bi', '>=', 'a', '.', 'b', '']);
    expect(toks[2]!.is_int).toBe(true);
    expect(toks[4]!.is_int).toBe(false);
    expect(toks[6]!.kind).toBe('str');
  });

  it('strips trailing annotations but keeps calls and parenthesised operands', () => {
    expect(strip_annotations('torch.matmul(x, y[0])  (2D @ 1D)')).toBe('torch.matmul(x, y[0])');
    expect(strip_annotations('torch.zeros(2) (default)')).toBe('torch.zeros(2)');
    expect(strip_annotations('lin.weight  (nn.Parameter)')).toBe('lin.weight');
    expect(strip_annotations('nn.ReLU()(x)')).toBe('nn.ReLU()(x)');
    expect(strip_annotations('x * (y + 1)')).toBe('x * (y + 1)');
    expect(strip_annotations('lambda g: (g)')).toBe('lambda g: (g)');
  });

  it('parses precedence: unary minus, right-associative **, @ with *', () => {
    expect(run('-2 ** 2')).toBe(-4);
    expect(run('2 ** 3 ** 2')).toBe(512);
    expect(run('1 + 2 * 3 - 4 / 2')).toBe(5);
    expect(run('7 // 2 + 7 % 3')).toBe(4);
    expect(run('(1 + 2) * 3')).toBe(9);
    expect(run('1 < 2 < 3')).toBe(true);
    expect(run('not 1 > 2 and 3 == 3')).toBe(true);
  });

  it('parses statements: assignments, tuples, with blocks, def and lambda', () => {
    expect(parse_program('y = x * 2; y.sum()').map((s) => s.t)).toEqual(['assign', 'expr']);
    expect(parse_program('with torch.no_grad(): y = x\nz = 1').map((s) => s.t)).toEqual(['with', 'assign']);
    expect(parse_program('def f():\n    a = 1\n    return a\n').map((s) => s.t)).toEqual(['def']);
    expect(run('(a,) = [5]; a')).toBe(5);
    expect(run('a, b = [1, 2]; a + b')).toBe(3);
    expect(run('f = lambda g: g * 3; f(2)')).toBe(6);
    expect(run('def f(a):\n    b = a + 1\n    return b * 2\nf(1)')).toBe(4);
    expect(run('x = 1  # a comment\nx + 1')).toBe(2);
    expect(run('s = 0\nfor i in range(4): s = s + i\ns')).toBe(6);
    expect(run('s = 0\nfor a, b in [[1, 2], [3, 4]]:\n    s = s + a * b\ns')).toBe(14);
    expect(free_names('for i in range(n): t = t + i')).toEqual(['n', 't']);
  });

  it('reports syntax and name errors', () => {
    expect(() => run('x +')).toThrow(SyntaxError);
    expect(() => run('f(a=1, 2)')).toThrow(/positional argument follows keyword/);
    expect(() => run('undefined_name + 1')).toThrow(/name 'undefined_name' is not defined/);
  });

  it('lists the names a snippet reads', () => {
    expect(free_names('y = x * 2; z = (y * w).sum(); F.relu(z)').sort()).toEqual(['w', 'x']);
    expect(free_names('def f():\n    t = torch.randn(3)\n    t.sum()\n')).toEqual([]);
    expect(free_names('h = lambda g: g * k')).toEqual(['k']);
  });
});

describe('mapping onto tsgrad', () => {
  it('moves keywords naming positional parameters into place and the rest into options', () => {
    expect(map_args(['dim'], [], [['dim', 1], ['keepdim', true]])).toEqual([1, { keepdim: true }]);
    expect(map_args(['gradient'], [], [['retain_graph', true]])).toEqual([undefined, { retain_graph: true }]);
    expect(map_args(['input', 'weight', 'bias'], ['x', 'w'], [['stride', 2]])).toEqual(['x', 'w', undefined, { stride: 2 }]);
    expect(map_args(['input'], ['x', 0.5], [['training', false]])).toEqual(['x', 0.5, { training: false }]);
    expect(map_args(['input', 'kernel_size'], ['x', 2, 1], [['ceil_mode', true]], ['stride', 'padding'])).toEqual(['x', 2, { stride: 1, ceil_mode: true }]);
    expect(() => map_args(['input'], ['x', 1], [['stride', 2]], ['stride'])).toThrow(/multiple values/);
    expect(() => map_args(['dim'], [1], [['dim', 2]])).toThrow(/multiple values/);
  });

  it('maps methods with keywords: x.sum(dim=1, keepdim=True) → x.sum(1, { keepdim: true })', () => {
    const x = leaf([3, 4]);
    const y = as_tensor(run('x.sum(dim=1, keepdim=True)', { x }));
    expect(y.shape).toEqual([3, 1]);
    expect(y.grad_fn!.name()).toBe('SumBackward1');
    expect(as_tensor(run('x.mean(dim=(0, 1))', { x })).shape).toEqual([]);
    expect(as_tensor(run('x.max(dim=1).values', { x })).grad_fn!.name()).toBe('MaxBackward0');
    expect(as_tensor(run('x.max(dim=1)[1]', { x }))._dtype).toBe('int64');
    expect(as_tensor(run('x.clamp(min=0)', { x })).grad_fn!.name()).toBe('ClampBackward1');
    expect(as_tensor(run('x.view(x.size(0), -1)', { x })).shape).toEqual([3, 4]);
    expect(as_tensor(run('x.reshape(2, 6)', { x })).shape).toEqual([2, 6]);
    expect(as_tensor(run('x.permute(1, 0)', { x })).shape).toEqual([4, 3]);
  });

  it('maps Python operators onto the nodes Python makes', () => {
    const x = leaf([2, 3]);
    const y = leaf([2, 3]);
    const name = (src: string): string | undefined => as_tensor(run(src, { x, y })).grad_fn?.name();
    expect(name('x + y')).toBe('AddBackward0');
    expect(name('1 + x')).toBe('AddBackward0');
    expect(name('1 - x')).toBe('RsubBackward1');
    expect(name('3 * x')).toBe('MulBackward0');
    const r = as_tensor(run('2 / x', { x }));
    expect(r.grad_fn!.name()).toBe('MulBackward0');
    expect(r.grad_fn!.next_functions[0]![0]!.name()).toBe('ReciprocalBackward0');
    expect(name('x ** 2')).toBe('PowBackward0');
    expect(name('x ** y')).toBe('PowBackward1');
    expect(name('-x')).toBe('NegBackward0');
    expect(name('x @ y.t()')).toBe('MmBackward0');
    expect(as_tensor(run('x > 0', { x }))._dtype).toBe('bool');
    expect(as_tensor(run('0 < x', { x })).tolist()).toEqual((x.gt(0).tolist()));
    const v = as_tensor(run('(1 - x) * 2', { x }));
    expect(v.grad_fn!.name()).toBe('MulBackward0');
    expect(v.grad_fn!.next_functions[0]![0]!.name()).toBe('RsubBackward1');
  });

  it('maps subscripts to x.index([...]): ints, slices, ..., None, lists and masks', () => {
    const x = leaf([4, 5]);
    const shape = (src: string): number[] => as_tensor(run(src, { x })).shape;
    expect(shape('x[1]')).toEqual([5]);
    expect(shape('x[:, 1:3]')).toEqual([4, 2]);
    expect(shape('x[::2]')).toEqual([2, 5]);
    expect(shape('x[1:, -2:]')).toEqual([3, 2]);
    expect(shape('x[..., 0]')).toEqual([4]);
    expect(shape('x[None, 1:3]')).toEqual([1, 2, 5]);
    expect(shape('x[[0, 2, 0]]')).toEqual([3, 5]);
    expect(as_tensor(run('x[x > 0]', { x })).shape).toEqual([x.gt(0).sum().item()]);
    expect(as_tensor(run('x[x > 0]', { x })).grad_fn!.name()).toBe('IndexBackward0');
    expect(run('x.shape[-1]', { x })).toBe(5);
    expect(run('[1, 2, 3][1:]')).toEqual([2, 3]);
  });

  it('maps torch.* and F.* calls with keyword options', () => {
    const x = leaf([3, 4]);
    const img = leaf([1, 1, 4, 4]);
    const K = leaf([2, 1, 2, 2]);
    const kb = leaf([2]);
    expect(as_tensor(run('torch.cat([x, x], dim=1)', { x })).shape).toEqual([3, 8]);
    expect(as_tensor(run('F.softmax(x, dim=1)', { x })).grad_fn!.name()).toBe('SoftmaxBackward0');
    expect(as_tensor(run('F.conv2d(img, K, kb, stride=2)', { img, K, kb })).shape).toEqual([1, 2, 2, 2]);
    const no_bias = as_tensor(run('F.conv2d(img, K, padding=1)', { img, K }));
    expect(no_bias.shape).toEqual([1, 2, 5, 5]);
    expect(no_bias.grad_fn!.next_functions[2]![0]).toBeNull();
    expect(as_tensor(run("F.interpolate(img, size=(6, 6), mode='bilinear', align_corners=False)", { img })).shape).toEqual([1, 1, 6, 6]);
    expect(as_tensor(run('F.max_pool2d(img, kernel_size=2, stride=1)', { img })).shape).toEqual([1, 1, 3, 3]);
    const t = as_tensor(run('torch.tensor([0, 1, 2])'));
    expect(t._dtype).toBe('int64');
    expect(as_tensor(run('torch.tensor([1., 2.], requires_grad=True)')).requires_grad).toBe(true);
    expect(as_tensor(run('torch.randn(3, requires_grad=True)')).requires_grad).toBe(true);
    expect(as_tensor(run('torch.zeros(2, 3, dtype=torch.float64)'))._dtype).toBe('float64');
    const tgt = torch.tensor([0, 1, 2], { dtype: 'int64' });
    expect(as_tensor(run('F.cross_entropy(x, tgt, reduction="sum")', { x, tgt })).grad_fn!.name()).toBe('NllLossBackward0');
    expect(() => run('torch.no_such_op(x)', { x })).toThrow(/has no attribute 'no_such_op'/);
  });

  it('maps nn modules: nn.ReLU()(x) is relu, nn.Dropout(p).eval()(x) is x itself', () => {
    const x = leaf([3, 4]);
    expect(as_tensor(run('nn.ReLU()(x)', { x })).grad_fn!.name()).toBe('ReluBackward0');
    expect(run('nn.Dropout(0.5).eval()(x)', { x })).toBe(x);
    const out = as_tensor(run('lin = nn.Linear(4, 2); lin(x)', { x }));
    expect(out.shape).toEqual([3, 2]);
    expect(out.grad_fn!.name()).toBe('AddmmBackward0');
    expect(as_tensor(run('nn.Linear(4, 2, bias=False)(x)', { x })).grad_fn!.name()).toBe('MmBackward0');
  });

  it('maps options Python passes positionally: F.max_pool2d(img, 2, 1), F.dropout(x, 0.5, False), x.sum(1, True)', () => {
    const x = leaf([3, 4]);
    const img = leaf([1, 1, 4, 4]);
    expect(as_tensor(run('F.max_pool2d(img, 2, 1)', { img })).shape).toEqual([1, 1, 3, 3]);
    expect(as_tensor(run('F.conv2d(img, torch.ones(1, 1, 3, 3), None, 1, 1)', { img })).shape).toEqual([1, 1, 4, 4]);
    expect(run('F.dropout(x, 0.5, False)', { x })).toBe(x);
    expect(as_tensor(run('x.sum(1, True)', { x })).shape).toEqual([3, 1]);
    expect(as_tensor(run('torch.max(x, 1, True).values', { x })).shape).toEqual([3, 1]);
    expect(as_tensor(run('torch.autograd.grad(x * 2, x, torch.ones(3, 4))[0]', { x })).tolist()).toEqual(torch.full([3, 4], 2).tolist());
    expect(() => run('x.sum(1, True, 3)', { x })).toThrow(/positional arguments/);
  });

  it('maps more nn modules onto core ops (pools, conv, softmax, losses, Sequential)', () => {
    const x = leaf([3, 4]);
    const img = leaf([1, 2, 6, 6]);
    const tgt = torch.tensor([0, 1, 2], { dtype: 'int64' });
    const name = (src: string): string | undefined => as_tensor(run(src, { x, img, tgt })).grad_fn?.name();
    expect(name('nn.MaxPool2d(2)(img)')).toBe('MaxPool2DWithIndicesBackward0');
    expect(as_tensor(run('nn.MaxPool2d(3, 1, 1)(img)', { img })).shape).toEqual([1, 2, 6, 6]);
    expect(name('nn.AvgPool2d(2, stride=1)(img)')).toBe('AvgPool2DBackward0');
    expect(name('nn.AdaptiveAvgPool2d(1)(img)')).toBe('MeanBackward1');
    const conv = as_tensor(run('nn.Conv2d(2, 3, 3, padding=1)(img)', { img }));
    expect(conv.shape).toEqual([1, 3, 6, 6]);
    expect(conv.grad_fn!.next_functions.map(([n]) => n?.name() ?? null)).toEqual(Array(3).fill('torch::autograd::AccumulateGrad'));
    expect(as_tensor(run('nn.Conv2d(2, 4, (3, 1), bias=False, groups=2)(img)', { img })).grad_fn!.next_functions[2]![0]).toBeNull();
    expect(name('nn.Softmax(dim=1)(x)')).toBe('SoftmaxBackward0');
    expect(name('nn.LogSoftmax(1)(x)')).toBe('LogSoftmaxBackward0');
    expect(name('nn.LeakyReLU(0.2)(x)')).toBe('LeakyReluBackward0');
    expect(name('nn.CrossEntropyLoss()(x, tgt)')).toBe('NllLossBackward0');
    expect(name('nn.CrossEntropyLoss(label_smoothing=0.1)(x, tgt)')).toBe('AddBackward0');
    expect(name('nn.MSELoss(reduction="sum")(x, x * 2)')).toBe('MseLossBackward0');
    expect(name('nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 2))(x)')).toBe('AddmmBackward0');
    expect(name('nn.Flatten()(img)')).toBe('ViewBackward0');
    expect(as_tensor(run('nn.Parameter(torch.zeros(2))')).requires_grad).toBe(true);
    expect(() => run('nn.ReLU(foo=1)')).toThrow(/unexpected keyword argument 'foo'/);
  });

  it('runs with-statements in grad mode contexts, nested and as blocks', () => {
    const w = leaf([3]);
    expect(as_tensor(run('with torch.no_grad(): w * 2', { w })).requires_grad).toBe(false);
    expect(as_tensor(run('with no_grad(): with enable_grad(): w * 3', { w })).requires_grad).toBe(true);
    expect(as_tensor(run('y = w*2; with no_grad(): y + 1', { w })).requires_grad).toBe(false);
    expect(as_tensor(run('with torch.no_grad():\n    a = w * 2\n    b = a + 1\nb', { w })).requires_grad).toBe(false);
    expect(run('with torch.no_grad(): torch.is_grad_enabled()')).toBe(false);
    expect(torch.is_grad_enabled()).toBe(true);
    expect(() => run('with torch.no_grad(): undefined_name')).toThrow();
    expect(torch.is_grad_enabled()).toBe(true);
  });

  it('runs a def whose body raises, and lambdas as hooks', () => {
    const fn = run('def err():\n    t = torch.randn(3)\n    t.register_hook(lambda g: g)\n') as () => void;
    expect(fn.name).toBe('err');
    expect(() => fn()).toThrow("cannot register a hook on a tensor that doesn't require gradient");
    const x = leaf([2]);
    const scope = python_scope({ x });
    run_python('h = x.register_hook(lambda g: g * 10); (x * 1).sum().backward()', scope);
    expect(x.grad!.tolist()).toEqual([10, 10]);
  });
});

describe('leaf notes', () => {
  it('parses shapes, shared shapes, literal values, "positive" and "no grad"', () => {
    const specs = parse_leaf_specs('Leaves: x,y:[3,4] W:[2,4] b:[2] xp:[3,4] positive, all requires_grad=True; tgt=[0,1,2] int64.');
    expect(specs.get('x')).toMatchObject({ shape: [3, 4], requires_grad: true, positive: false });
    expect(specs.get('y')).toMatchObject({ shape: [3, 4] });
    expect(specs.get('W')).toMatchObject({ shape: [2, 4] });
    expect(specs.get('xp')).toMatchObject({ shape: [3, 4], positive: true });
    expect(specs.get('tgt')).toMatchObject({ values: [0, 1, 2], dtype: 'int64', requires_grad: false });
    expect(specs.has('Leaves')).toBe(false);
    expect(parse_leaf_specs('x is a [2,2] leaf').get('x')).toMatchObject({ shape: [2, 2] });
    const g = parse_leaf_specs('x [2,3] no grad; W [4,3], b [4] leaves');
    expect(g.get('x')).toMatchObject({ shape: [2, 3], requires_grad: false });
    expect(g.get('W')).toMatchObject({ shape: [4, 3] });
    expect(g.get('b')).toMatchObject({ shape: [4] });
    expect(parse_leaf_specs('img no grad').get('img')).toMatchObject({ requires_grad: false });
    expect(parse_leaf_specs('img no grad').get('img')!.shape).toBeUndefined();
  });
});
