// Data-driven op tests from ops_grad.json: forward value, grad_fn name and input gradients of every op.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { TOL, expectClose, expected_node_name, from_fixture, load_fixture_with_variants, type FixtureTensor } from './helpers.js';
import { python_scope, run_python } from './pyexpr.js';

interface OpCase {
  name: string;
  op: string;
  call: string;
  args: Record<string, unknown>;
  inputs: Record<string, FixtureTensor>;
  requires_grad: Record<string, boolean>;
  output?: FixtureTensor;
  outputs?: { values: FixtureTensor; indices: FixtureTensor };
  grad_fn: string | null;
  grad_output: FixtureTensor;
  grads: Record<string, FixtureTensor | null>;
}

type Inputs = Record<string, Tensor>;
type Result = Tensor | [Tensor, Tensor];

const num = (c: OpCase, key: string): number => c.args[key] as number;
const opt_dim = (v: unknown): number | number[] | null => (v === undefined ? null : (v as number | number[] | null));

/** Translates fixture index items into tsgrad's `x.index([...])` spelling (API.md "Call spellings"). */
function index_items(items: Record<string, unknown>[], x: Tensor): torch.IndexItem[] {
  return items.map((it) => {
    switch (it.type) {
      case 'int': return it.value as number;
      case 'slice': return { start: it.start as number | null, stop: it.stop as number | null, step: it.step as number | null };
      case 'ellipsis': return '...';
      case 'none': return null;
      case 'list': return it.value as number[];
      case 'mask_gt0_of_x': return x.detach().gt(0);
      default: throw new Error(`unknown index item type ${String(it.type)}`);
    }
  });
}

function loss_options(c: OpCase, t: Inputs): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const key of ['reduction', 'ignore_index', 'label_smoothing']) if (c.args[key] !== undefined) o[key] = c.args[key];
  if (t.weight !== undefined) o.weight = t.weight;
  return o;
}

/** Each op of the fixture, run with the tsgrad API; reads every argument from the case. */
const OPS: Record<string, (c: OpCase, t: Inputs) => Result> = {
  add: (_c, t) => t.a!.add(t.b!),
  sub: (_c, t) => t.a!.sub(t.b!),
  mul: (_c, t) => t.a!.mul(t.b!),
  div: (_c, t) => t.a!.div(t.b!),
  add_scalar: (c, t) => t.a!.add(num(c, 'other')),
  sub_scalar: (c, t) => t.a!.sub(num(c, 'other')),
  mul_scalar: (c, t) => t.a!.mul(num(c, 'other')),
  div_scalar: (c, t) => t.a!.div(num(c, 'other')),
  rsub_scalar: (c, t) => torch.rsub(t.a!, num(c, 'other')),
  rdiv_scalar: (c, t) => t.a!.reciprocal().mul(num(c, 'other')),
  neg: (_c, t) => t.a!.neg(),
  exp: (_c, t) => t.a!.exp(),
  log: (_c, t) => t.a!.log(),
  sqrt: (_c, t) => t.a!.sqrt(),
  sigmoid: (_c, t) => torch.sigmoid(t.a!),
  tanh: (_c, t) => torch.tanh(t.a!),
  relu: (_c, t) => torch.relu(t.a!),
  abs: (_c, t) => t.a!.abs(),
  clamp: (c, t) => t.a!.clamp({ min: c.args.min as number | null, max: c.args.max as number | null }),
  pow_scalar: (c, t) => t.a!.pow(num(c, 'exponent')),
  pow_tensor: (_c, t) => t.a!.pow(t.b!),
  matmul: (_c, t) => torch.matmul(t.a!, t.b!),
  mm: (_c, t) => t.a!.mm(t.b!),
  sum: (c, t) => (opt_dim(c.args.dim) === null ? t.x!.sum() : t.x!.sum(opt_dim(c.args.dim), { keepdim: c.args.keepdim as boolean })),
  mean: (c, t) => (opt_dim(c.args.dim) === null ? t.x!.mean() : t.x!.mean(opt_dim(c.args.dim), { keepdim: c.args.keepdim as boolean })),
  max_all: (_c, t) => t.x!.max(),
  min_all: (_c, t) => t.x!.min(),
  max_dim: (c, t) => {
    const r = t.x!.max(num(c, 'dim'), { keepdim: c.args.keepdim as boolean });
    return [r.values, r.indices];
  },
  min_dim: (c, t) => {
    const r = t.x!.min(num(c, 'dim'), { keepdim: c.args.keepdim as boolean });
    return [r.values, r.indices];
  },
  amax: (c, t) => t.x!.amax(opt_dim(c.args.dim), { keepdim: c.args.keepdim as boolean }),
  reshape: (c, t) => t.x!.reshape(c.args.shape as number[]),
  view: (c, t) => t.x!.view(c.args.shape as number[]),
  flatten: (c, t) => torch.flatten(t.x!, num(c, 'start_dim'), num(c, 'end_dim')),
  transpose: (c, t) => t.x!.transpose(num(c, 'dim0'), num(c, 'dim1')),
  permute: (c, t) => t.x!.permute(c.args.dims as number[]),
  t: (_c, t) => t.x!.t(),
  unsqueeze: (c, t) => t.x!.unsqueeze(num(c, 'dim')),
  squeeze: (c, t) => (c.args.dim === null || c.args.dim === undefined ? t.x!.squeeze() : t.x!.squeeze(num(c, 'dim'))),
  expand: (c, t) => t.x!.expand(c.args.size as number[]),
  cat: (c, t) => torch.cat((c.args.order as string[]).map((k) => t[k]!), { dim: num(c, 'dim') }),
  stack: (c, t) => torch.stack((c.args.order as string[]).map((k) => t[k]!), { dim: num(c, 'dim') }),
  index: (c, t) => t.x!.index(index_items(c.args.index as Record<string, unknown>[], t.x!)),
  softmax: (c, t) => torch.softmax(t.x!, { dim: num(c, 'dim') }),
  masked_fill: (c, t) => t.x!.masked_fill(t.mask!, Number(c.args.value)),
  layer_norm: (c, t) => torch.layer_norm(t.x!, c.args.normalized_shape as number[], t.weight ?? null, t.bias ?? null, num(c, 'eps')),
  group_norm: (c, t) => torch.group_norm(t.x!, num(c, 'num_groups'), t.weight ?? null, t.bias ?? null, num(c, 'eps')),
  gelu: (c, t) => torch.gelu(t.x!, { approximate: c.args.approximate as 'none' | 'tanh' }),
  erf: (_c, t) => t.x!.erf(),
  embedding: (c, t) => torch.functional_embedding(t.input!, t.weight!, { padding_idx: c.args.padding_idx as number | null, scale_grad_by_freq: c.args.scale_grad_by_freq as boolean }),
  baddbmm: (c, t) => t.input!.baddbmm(t.batch1!, t.batch2!, { beta: num(c, 'beta'), alpha: num(c, 'alpha') }),
  bmm: (_c, t) => t.a!.bmm(t.b!),
  tril: (c, t) => t.x!.tril(num(c, 'diagonal')),
  triu: (c, t) => t.x!.triu(num(c, 'diagonal')),
  einsum: (c, t) => torch.einsum(c.args.equation as string, ...(c.args.operands as string[]).map((n) => t[n]!)),
  log_softmax: (c, t) => torch.log_softmax(t.x!, num(c, 'dim')),
  conv2d: (c, t) => torch.conv2d(t.input!, t.weight!, t.bias ?? null, {
    stride: c.args.stride as torch.Pair, padding: c.args.padding as torch.Pair, dilation: c.args.dilation as torch.Pair, groups: num(c, 'groups'),
  }),
  max_pool2d: (c, t) => torch.max_pool2d(t.x!, c.args.kernel_size as torch.Pair, {
    stride: c.args.stride as torch.Pair, padding: c.args.padding as torch.Pair, dilation: c.args.dilation as torch.Pair,
    ceil_mode: c.args.ceil_mode as boolean, return_indices: true,
  }),
  avg_pool2d: (c, t) => torch.avg_pool2d(t.x!, c.args.kernel_size as torch.Pair, {
    stride: c.args.stride as torch.Pair, padding: c.args.padding as torch.Pair, ceil_mode: c.args.ceil_mode as boolean,
    count_include_pad: c.args.count_include_pad as boolean,
  }),
  adaptive_avg_pool2d: (c, t) => torch.adaptive_avg_pool2d(t.x!, c.args.output_size as torch.Pair),
  linear: (_c, t) => torch.linear(t.input!, t.weight!, t.bias ?? null),
  // the fixture's call decides what is dropped out (`x` itself or `x * 1`), so it is run as written
  dropout_eval: (c, t) => run_python(c.call, python_scope(t)) as Tensor,
  cross_entropy: (c, t) => torch.cross_entropy(t.input!, t.target!, loss_options(c, t)),
  nll_loss: (c, t) => torch.nll_loss(t.input!, t.target!, loss_options(c, t)),
  mse_loss: (c, t) => torch.mse_loss(t.input!, t.target!, { reduction: c.args.reduction as torch.Reduction }),
  interpolate_bilinear: (c, t) => torch.interpolate(t.x!, {
    size: c.args.size as [number, number] | null, scale_factor: c.args.scale_factor as number | null,
    mode: c.args.mode as 'bilinear', align_corners: c.args.align_corners as boolean,
  }),
};

/** Spec §14's looser tolerance: matmul, conv, pooling (and resampling) and losses; everything else is tight. */
const HEAVY = new Set([
  'matmul', 'mm', 'linear', 'conv2d', 'max_pool2d', 'avg_pool2d', 'adaptive_avg_pool2d', 'interpolate_bilinear',
  'cross_entropy', 'nll_loss', 'mse_loss', 'bmm', 'baddbmm', 'einsum', 'layer_norm', 'group_norm',
]);

const fixtures = load_fixture_with_variants<{ cases: OpCase[] }>('ops_grad.json');

describe('expectClose', () => {
  it('accepts values within tolerance and names the first mismatching index', () => {
    const t = torch.tensor([[1, 2], [3, Number.NaN]]);
    expectClose(t, { shape: [2, 2], data: [1, 2.000001, 3, 'NaN'] }, 1e-5, 1e-6);
    expect(() => expectClose(t, { shape: [2, 2], data: [1, 2, 3.1, 'NaN'] }, 1e-5, 1e-6)).toThrow(/differs at \[1, 0\]/);
    expect(() => expectClose(t, { shape: [4], data: [1, 2, 3, 'NaN'] }, 1e-5, 1e-6)).toThrow(/shape/);
    expect(() => expectClose(t, { shape: [2, 2], data: [1, 2, 3, 4] }, 1e-5, 1e-6)).toThrow(/differs at \[1, 1\]/);
  });
});

for (const [file, fixture] of fixtures) describe(file, () => {
  it('has cases and an implementation for every op', () => {
    expect(fixture.cases.length).toBeGreaterThan(0);
    const missing = [...new Set(fixture.cases.map((c) => c.op))].filter((op) => OPS[op] === undefined);
    expect(missing).toEqual([]);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: ${c.call}`, () => {
      const run = OPS[c.op];
      if (run === undefined) throw new Error(`no implementation for op '${c.op}'`);
      const tol = HEAVY.has(c.op) ? TOL.heavy : TOL.elementwise;
      const inputs: Inputs = {};
      for (const [key, t] of Object.entries(c.inputs)) inputs[key] = from_fixture(t, { requires_grad: c.requires_grad[key] === true });

      const result = run(c, inputs);
      const out = Array.isArray(result) ? result[0] : result;
      if (c.outputs !== undefined) {
        expect(Array.isArray(result), 'op returns [values, indices]').toBe(true);
        expectClose(out, c.outputs.values, tol.rtol, tol.atol, 'values');
        const indices = (result as [Tensor, Tensor])[1];
        expect(indices._dtype).toBe('int64');
        expectClose(indices, c.outputs.indices, 0, 0, 'indices');
      } else {
        expectClose(out, c.output!, tol.rtol, tol.atol, 'output');
      }

      const first_input = Object.values(inputs)[0]!;
      const expected_name = expected_node_name(c.grad_fn, first_input.is_contiguous());
      if (expected_name === null) {
        // a node-less result (dropout in eval) is the very input tensor
        expect(out.grad_fn).toBeNull();
        expect(Object.values(inputs)).toContain(out);
      } else {
        expect(out.grad_fn?.name()).toBe(expected_name);
      }

      const needs = Object.keys(c.inputs).filter((k) => c.requires_grad[k] === true);
      const grads = torch.autograd.grad(out, needs.map((k) => inputs[k]!), { grad_outputs: from_fixture(c.grad_output) });
      needs.forEach((k, i) => {
        const expected = c.grads[k];
        if (expected === null || expected === undefined) throw new Error(`fixture has no gradient for '${k}' although it requires grad`);
        expectClose(grads[i], expected, tol.rtol, tol.atol, `grad of ${k}`);
      });
      for (const k of Object.keys(c.inputs)) {
        if (c.requires_grad[k] !== true) expect(c.grads[k], `grad of ${k} (no requires_grad)`).toBeNull();
        expect(inputs[k]!.grad, `autograd.grad leaves ${k}.grad untouched`).toBeNull();
      }
    });
  }
});
