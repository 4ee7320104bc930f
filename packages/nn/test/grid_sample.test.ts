// F.grid_sample and F.affine_grid against PyTorch (fixtures/grid_sample.json from make_grid_sample.py): every
// mode, padding mode and align_corners on 2-d and 3-d maps, outputs and both gradients, node names and errors.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { load_fixture } from './fixture_utils.js';

const F = nn.functional;

interface SampleCase {
  mode: 'bilinear' | 'nearest' | 'bicubic';
  padding_mode: 'zeros' | 'border' | 'reflection';
  align_corners: boolean;
  input_shape: number[];
  input: number[];
  grid_shape: number[];
  grid: number[];
  out_shape: number[];
  out: number[];
  up: number[];
  grad_input: number[];
  grad_grid: number[];
  node: string;
}
interface AffineCase { size: number[]; align_corners: boolean; theta: number[]; grid_shape: number[]; grid: number[]; up: number[]; grad_theta: number[]; node: string }
interface Fixture {
  sample: SampleCase[];
  affine: AffineCase[];
  float32: { theta: number[]; size: number[]; grid: number[] };
  errors: { call: string; message: string }[];
}
const fx = load_fixture<Fixture>(new URL('./fixtures/grid_sample.json', import.meta.url));

const f64 = (values: number[], shape: number[]): torch.Tensor => torch.tensor(values, { dtype: torch.float64 }).reshape(shape);
const values = (t: torch.Tensor): number[] => t.reshape(-1).tolist() as number[];

function expect_close(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  const bad = got.map((g, i) => [i, g, want[i]!] as const).filter(([, g, w]) => Math.abs(g - w) > 1e-9 + 1e-9 * Math.abs(w));
  expect(bad.slice(0, 5)).toEqual([]);
}

describe('F.grid_sample', () => {
  it.each(fx.sample.map((c) => [`${c.input_shape.length - 2}-d ${c.mode} ${c.padding_mode} align_corners=${c.align_corners}`, c] as const))('%s', (_, c) => {
    const x = f64(c.input, c.input_shape).requires_grad_();
    const grid = f64(c.grid, c.grid_shape).requires_grad_();
    const out = F.grid_sample(x, grid, { mode: c.mode, padding_mode: c.padding_mode, align_corners: c.align_corners });
    expect(out.shape).toEqual(c.out_shape);
    expect(out.grad_fn!.name()).toBe(c.node);
    expect_close(values(out), c.out);
    const [gx, gg] = torch.autograd.grad([out], [x, grid], [f64(c.up, c.out_shape)]);
    expect_close(values(gx!), c.grad_input);
    expect_close(values(gg!), c.grad_grid);
  });

  it('positional spelling, the default-align_corners warning, and no double backward (as PyTorch)', () => {
    const c = fx.sample[0]!;
    const x = f64(c.input, c.input_shape).requires_grad_();
    const grid = f64(c.grid, c.grid_shape).requires_grad_();
    const warnings: string[] = [];
    const listener = (w: Error): void => void warnings.push(w.message);
    process.on('warning', listener);
    try {
      const out = F.grid_sample(x, grid, 'bilinear', 'zeros');
      expect_close(values(out), c.out);
      const [gx] = torch.autograd.grad([out.sum()], [x], undefined, { create_graph: true });
      expect(() => gx!.sum().backward()).toThrow('derivative for aten::grid_sampler_2d_backward is not implemented');
    } catch (e) {
      process.off('warning', listener);
      throw e;
    }
    // Node emits warnings on a later tick
    return new Promise<void>((done) => setImmediate(() => {
      process.off('warning', listener);
      done();
    })).then(() => expect(warnings.some((w) => w.startsWith('Default grid_sample and affine_grid behavior has changed to align_corners=False'))).toBe(true));
  });
});

describe('F.affine_grid', () => {
  it.each(fx.affine.map((c) => [`size [${c.size}] align_corners=${c.align_corners}`, c] as const))('%s', (_, c) => {
    const k = c.size.length - 2;
    const theta = f64(c.theta, [c.size[0]!, k, k + 1]).requires_grad_();
    const grid = F.affine_grid(theta, c.size, { align_corners: c.align_corners });
    expect(grid.shape).toEqual(c.grid_shape);
    expect(grid.grad_fn!.name()).toBe(c.node);
    expect_close(values(grid), c.grid);
    const [gt] = torch.autograd.grad([grid], [theta], [f64(c.up, c.grid_shape)]);
    expect_close(values(gt!), c.grad_theta);
  });

  it("float32 grids round as PyTorch's do", () => {
    const { theta, size, grid } = fx.float32;
    const got = F.affine_grid(torch.tensor(theta).reshape([1, 2, 3]), size, false);
    expect(values(got)).toEqual(grid);
  });

  it('spatial transformer: affine_grid then grid_sample, gradients reach theta twice over (affine_grid is differentiable twice)', () => {
    const img = torch.arange(2 * 3 * 4 * 5, { dtype: torch.float64 }).reshape([2, 3, 4, 5]).div(10);
    const theta = torch.tensor([[[0.8, 0.1, 0.05], [-0.2, 0.9, 0]], [[1.1, 0.03, -0.07], [0.02, 0.93, 0.11]]], { dtype: torch.float64, requires_grad: true });
    // (away from the identity: sampling exactly at pixel centres sits on bilinear's kinks, where differences disagree)
    const check = torch.autograd.gradcheck((t: torch.Tensor) => F.grid_sample(img, F.affine_grid(t, [2, 3, 4, 5], { align_corners: false }), { align_corners: false }), [theta]);
    expect(check).toBe(true);
    expect(torch.autograd.gradgradcheck((t: torch.Tensor) => F.affine_grid(t, [2, 3, 4, 5], { align_corners: true }).pow(2), [theta])).toBe(true);
  });
});

describe('errors, in PyTorch\'s words', () => {
  const x4 = torch.rand([1, 1, 3, 3]);
  const calls: Record<string, () => unknown> = {
    mode: () => F.grid_sample(x4, torch.zeros([1, 2, 2, 2]), { mode: 'linear' as never, align_corners: false }),
    padding: () => F.grid_sample(x4, torch.zeros([1, 2, 2, 2]), { padding_mode: 'wrap' as never, align_corners: false }),
    dtype: () => F.grid_sample(x4, torch.zeros([1, 2, 2, 2], { dtype: torch.float64 }), { align_corners: false }),
    dims: () => F.grid_sample(x4, torch.zeros([1, 2, 2]), { align_corners: false }),
    batch: () => F.grid_sample(x4, torch.zeros([2, 2, 2, 2]), { align_corners: false }),
    last: () => F.grid_sample(x4, torch.zeros([1, 2, 2, 3]), { align_corners: false }),
    bicubic3d: () => F.grid_sample(torch.rand([1, 1, 2, 2, 2]), torch.zeros([1, 1, 1, 1, 3]), { mode: 'bicubic', align_corners: false }),
    empty: () => F.grid_sample(torch.rand([1, 1, 0, 2]), torch.zeros([1, 1, 1, 2]), { align_corners: false }),
    theta_int: () => F.affine_grid(torch.zeros([1, 2, 3], { dtype: torch.int64 }), [1, 1, 2, 2], { align_corners: false }),
    theta_shape: () => F.affine_grid(torch.zeros([1, 3, 3]), [1, 1, 2, 2], { align_corners: false }),
    theta_shape_size: () => F.affine_grid(torch.zeros([1, 3, 3]), torch.zeros([1, 1, 2, 2]).size(), { align_corners: false }),
    size_3d: () => F.affine_grid(torch.zeros([1, 2, 3]), [1, 1, 2], { align_corners: false }),
    size_zero: () => F.affine_grid(torch.zeros([1, 2, 3]), [1, 1, 0, 2], { align_corners: false }),
  };
  it.each(fx.errors.map((e) => [e.call, e.message] as const))('%s', (call, message) => {
    expect(calls[call]).toThrow(message);
  });
});
