// torch.linalg against real PyTorch (fixtures/linalg/linalg.json, written by make_linalg.py there): each case's
// outputs (values, dtype, shape; magnitudes where LAPACK picks the signs), the grad_fn of its first output, and
// the gradient of a weighted sum of its outputs; then PyTorch's errors, word for word.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { load_fixture } from './helpers.js';

interface Enc { shape: number[]; dtype: string; values: (number | string)[] }
interface Case { name: string; inputs: string[]; kinds: string[]; weights: Enc[]; outputs: Enc[]; grad_fn: string | null; grads: (Enc | null)[] }
interface Fixture { inputs: Record<string, Enc>; cases: Case[]; errors: { name: string; type: string; message: string }[] }
const F = load_fixture<Fixture>('linalg/linalg.json');

const num = (v: number | string): number => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity);
const decode = (e: Enc): Tensor => torch.tensor(Float64Array.from(e.values, num), { dtype: e.dtype as torch.DType }).reshape(e.shape);
const L = torch.linalg;
const f64 = (rows: number[][]): Tensor => torch.tensor(rows, { dtype: 'float64' });
const ones21 = (): Tensor => torch.ones(3, 2, { dtype: 'float64' });

/** The same calls as make_linalg.py's CASES, by name. */
const CALLS: Record<string, (...x: Tensor[]) => Tensor[]> = {
  det: (A) => [L.det(A!), torch.det(A!), A!.det()],
  det_batch: (W) => [L.det(W!)],
  det_singular: (S) => [L.det(S!)],
  det_f32: (A) => [L.det(A!)],
  slogdet: (N) => [...L.slogdet(N!), ...torch.slogdet(N!)],
  logdet: (N, S) => [torch.logdet(S!), N!.logdet()],
  inv: (W) => [L.inv(W!), torch.inverse(W!), W!.inverse()],
  inv_ex: (A) => [...L.inv_ex(A!)],
  solve: (A, B) => [L.solve(A!, B!)],
  solve_vector: (A, v) => [L.solve(A!, v!)],
  solve_broadcast: (W, B) => [L.solve(W!, B!)],
  solve_left_false: (A, B) => [L.solve(A!, B!.mT, { left: false })],
  solve_ex: (A, B) => [...L.solve_ex(A!, B!)],
  cholesky: (S) => [L.cholesky(S!), L.cholesky(S!, { upper: true })],
  cholesky_ex: (S) => [...L.cholesky_ex(S!)],
  solve_triangular: (A, B) => [
    L.solve_triangular(A!, B!, { upper: true }), L.solve_triangular(A!, B!.mT, { upper: false, left: false }),
    L.solve_triangular(A!, B!, { upper: false, unitriangular: true }),
  ],
  qr: (R) => [...L.qr(R!)],
  qr_square: (A) => [...L.qr(A!)],
  qr_wide: (W) => [...L.qr(W!)],
  qr_complete: (R) => [...L.qr(R!, 'complete')],
  qr_r: (R) => [L.qr(R!, { mode: 'r' })[1]!],
  qr_f32: (R) => [...L.qr(R!)],
  eigh: (S) => [...L.eigh(S!)],
  eigh_upper: (S) => [...L.eigh(S!, { UPLO: 'U' })],
  eigvalsh: (S) => [L.eigvalsh(S!)],
  svd_thin: (R) => [...L.svd(R!, { full_matrices: false })],
  svd_wide: (W) => [...L.svd(W!, { full_matrices: false })],
  svd_full: (R) => [L.svd(R!).S, torch.tensor(L.svd(R!).U.shape[1]!, { dtype: 'float32' }), L.svd(R!).Vh.abs()],
  svdvals: (W) => [L.svdvals(W!)],
  torch_svd: (R) => [...torch.svd(R!)],
  torch_svd_no_uv: (R) => [...torch.svd(R!, { compute_uv: false })],
  pinv: (R, W) => [L.pinv(R!), L.pinv(W!), torch.pinverse(R!)],
  pinv_hermitian: (S) => [L.pinv(S!, { hermitian: true })],
  pinv_rtol: (S) => [L.pinv(S!, { rtol: 1e-6 })],
  matrix_rank: (S, R) => [L.matrix_rank(S!), L.matrix_rank(R!), L.matrix_rank(S!, { hermitian: false, atol: 1.0 })],
  lstsq: (R) => [...L.lstsq(R!, R!.matmul(ones21()).add(0.1))],
  lstsq_gelsd: (R) => [...L.lstsq(R!, torch.ones(4, 2, { dtype: 'float64' }), { driver: 'gelsd' })],
  matrix_exp: (A, W) => [L.matrix_exp(A!.mul(0.5)), torch.matrix_exp(W!), A!.mul(0.1).matrix_exp()],
  vector_norm: (R) => [
    L.vector_norm(R!), L.vector_norm(R!, 1, 0), L.vector_norm(R!, Infinity, [0, 1], true), L.vector_norm(R!, 0),
    L.vector_norm(R!, -1.5, 1), L.vector_norm(R!.float(), 3, { dtype: 'float64' }),
  ],
  matrix_norm: (W) => [
    L.matrix_norm(W!), L.matrix_norm(W!, 'nuc'), L.matrix_norm(W!, 2), L.matrix_norm(W!, -2), L.matrix_norm(W!, 1),
    L.matrix_norm(W!, -1, { keepdim: true }), L.matrix_norm(W!, Infinity, [0, 2]), L.matrix_norm(W!, -Infinity),
  ],
  norm: (R, v, W) => [L.norm(R!), L.norm(v!, 3), L.norm(R!, 'nuc'), L.norm(R!, 2), L.norm(W!, { dim: [1, 2] }), L.norm(W!, 1, { dim: 0 }), L.norm(W!)],
  cond: (A, R) => [L.cond(A!), L.cond(R!), L.cond(A!, 'fro'), L.cond(A!, Infinity), L.cond(A!, -2)],
  matrix_power: (A, W) => [L.matrix_power(A!, 3), L.matrix_power(W!, -2), torch.matrix_power(A!, 0), A!.matrix_power(1)],
  multi_dot: (v, A, R) => [L.multi_dot([v!, A!, A!]), L.multi_dot([R!, A!, v!]), L.multi_dot([R!, A!, A!.mT, R!.mT])],
  vecdot: (c) => [L.vecdot(c!, c!.flip(0)), L.vecdot(c!, c!, { dim: 0 })],
};

const ERRORS: Record<string, () => unknown> = {
  det_nonsquare: () => L.det(torch.ones(2, 3)),
  det_long: () => L.det(torch.ones(2, 2, { dtype: 'int64' })),
  det_1d: () => L.det(torch.ones(3)),
  inv_singular: () => L.inv(torch.zeros(2, 2)),
  inv_singular_batch: () => L.inv(torch.stack([torch.eye(2), torch.zeros(2, 2)])),
  inverse_nonsquare: () => torch.inverse(torch.ones(2, 3)),
  cholesky_not_pd: () => L.cholesky(torch.tensor([[1.0, 2], [2, 1]])),
  cholesky_not_pd_1: () => L.cholesky(torch.eye(2).neg()),
  solve_shapes: () => L.solve(torch.eye(2), torch.ones(3, 1)),
  solve_singular: () => L.solve(torch.zeros(2, 2), torch.ones(2, 1)),
  matrix_norm_1d: () => L.matrix_norm(torch.ones(2)),
  matrix_norm_order: () => L.matrix_norm(torch.ones(2, 2), { ord: 3 }),
  norm_3d_ord: () => L.norm(torch.ones(2, 2, 2), { ord: 2 }),
  qr_mode: () => L.qr(torch.ones(2, 2), { mode: 'bad' }),
  eigh_uplo: () => L.eigh(torch.ones(2, 2), { UPLO: 'X' }),
  eigh_nonsquare: () => L.eigh(torch.ones(2, 3)),
  matrix_power_nonsquare: () => L.matrix_power(torch.ones(2, 3), 2),
  multi_dot_one: () => L.multi_dot([torch.ones(2)]),
  pinv_long: () => L.pinv(torch.ones(2, 2, { dtype: 'int64' })),
  slogdet_1d: () => L.slogdet(torch.ones(3)),
  lstsq_rows: () => L.lstsq(torch.ones(3, 2), torch.ones(2, 2)),
  qr_r_backward: () => L.qr(torch.ones(3, 2).requires_grad_(), { mode: 'r' })[1]!.sum().backward(),
  qr_complete_backward: () => L.qr(torch.randn(3, 2).requires_grad_(), { mode: 'complete' })[0]!.sum().backward(),
  vector_norm_narrowing: () => L.vector_norm(torch.ones(2, { dtype: 'float64' }), { dtype: 'float32' }),
  mT_1d: () => torch.ones(3).mT,
  H_3d: () => torch.ones(2, 2, 2).H,
};

function expect_close(got: Tensor, want: Enc, what: string, rel = 1e-9): void {
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  // PyTorch's int32 `info` is int64 here (tsgrad has no int32)
  expect(got.dtype.toString().replace('torch.', ''), `${what}: dtype`).toBe(want.dtype === 'int32' ? 'int64' : want.dtype);
  const tol = want.dtype === 'float32' ? 2e-4 : rel;
  const g = Array.from(got.detach().reshape(-1).double()._contiguous_data(), Number);
  want.values.map(num).forEach((w, i) => {
    if (Number.isNaN(w)) expect(Number.isNaN(g[i]!), `${what}[${i}]`).toBe(true);
    else if (!Number.isFinite(w)) expect(g[i], `${what}[${i}]`).toBe(w);
    else expect(Math.abs(g[i]! - w), `${what}[${i}]: ${g[i]} vs ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w)));
  });
}

describe('torch.linalg against PyTorch (values, grad_fn names, gradients)', () => {
  it('every case of the fixture has a call here', () => {
    expect(F.cases.map((c) => c.name).filter((n) => !(n in CALLS))).toEqual([]);
  });
  for (const c of F.cases) {
    it(c.name, () => {
      const xs = c.inputs.map((n) => decode(F.inputs[n]!).requires_grad_(true));
      const outs = CALLS[c.name]!(...xs);
      expect(outs.length).toBe(c.outputs.length);
      expect(outs[0]!.grad_fn?.name() ?? null, 'grad_fn').toBe(c.grad_fn);
      let loss: Tensor | null = null;
      outs.forEach((o, i) => {
        const kind = c.kinds[i]!;
        const shown = kind === 'abs' ? o.abs() : o;
        expect_close(shown, c.outputs[i]!, `output ${i}`);
        if ((kind === 'v' || kind === 'abs') && o.is_floating_point() && o.requires_grad) {
          const term = decode(c.weights[i]!).mul(shown).sum();
          loss = loss === null ? term : loss.add(term);
        }
      });
      if (loss === null) return;
      const grads = torch.autograd.grad(loss, xs, { allow_unused: true });
      c.grads.forEach((g, i) => {
        if (g === null) expect(grads[i], `grad ${i}`).toBeNull();
        else expect_close(grads[i]!, g, `grad of input ${c.inputs[i]}`, 1e-7);
      });
    });
  }
});

describe('torch.linalg errors (PyTorch\'s words)', () => {
  for (const e of F.errors) {
    it(e.name, () => {
      const fn = ERRORS[e.name];
      expect(fn, `no call for ${e.name}`).toBeDefined();
      let caught: unknown = null;
      try {
        fn!();
      } catch (err) {
        caught = err;
      }
      expect(caught, 'raised').toBeInstanceOf(Error);
      expect((caught as Error).message.split('\n')[0]).toBe(e.message);
      if (e.type === '_LinAlgError') expect(caught).toBeInstanceOf(L.LinAlgError);
      if (e.type === 'TypeError') expect(caught).toBeInstanceOf(TypeError);
    });
  }
});

describe('torch.linalg behaviours beyond the fixture', () => {
  it('a singular matrix in *_ex reports info instead of raising, and the result is NaN', () => {
    const r = L.inv_ex(torch.stack([torch.eye(2), torch.zeros(2, 2)]));
    expect(r.info.tolist()).toEqual([0, 1]);
    expect(Number.isNaN(r.inverse.select(0, 1).sum().item() as number)).toBe(true);
    expect(() => L.inv_ex(torch.zeros(2, 2), { check_errors: true })).toThrow(L.LinAlgError);
    expect(L.cholesky_ex(f64([[1, 2], [2, 1]])).info.item()).toBe(2);
  });
  it('complete-mode bases are orthogonal (SVD with full_matrices on a tall matrix)', () => {
    const a = torch.randn(5, 2, { dtype: 'float64' });
    const { U, S, Vh } = L.svd(a);
    expect(U.shape).toEqual([5, 5]);
    const eye = U.mT.matmul(U).sub(torch.eye(5, { dtype: 'float64' })).abs().max().item() as number;
    expect(eye).toBeLessThan(1e-12);
    const rebuilt = U.narrow(1, 0, 2).mul(S).matmul(Vh);
    expect(rebuilt.sub(a).abs().max().item() as number).toBeLessThan(1e-12);
  });
  it('traces record the linalg op (jit.trace replays it)', () => {
    const fn = (x: Tensor): Tensor => L.inv(x).add(L.det(x));
    const x = f64([[2, 1], [0, 3]]);
    const traced = torch.jit.trace(fn, [x]);
    const y = f64([[1, 2], [3, 4]]);
    expect((traced.call(y) as Tensor).tolist()).toEqual(fn(y).tolist());
  });
});
