// The losses of torch.nn.functional beyond cross-entropy / MSE / L1 / BCE: Huber, KL divergence, Poisson and
// Gaussian NLL, the margin and embedding losses, triplet losses and CTC. Composites where PyTorch composes,
// one node with PyTorch's name where PyTorch has a kernel.
import { trace_op, tracing } from '../jit/tracer.js';
import { no_grad } from '../autograd/grad_mode.js';
import { warn } from '../autograd/messages.js';
import { signature, type PyArgs } from '../signature.js';
import { legacy_reduction, type Reduction } from './nn_ops.js';
import { Tensor } from '../tensor.js';
import { add, div, eq, float_dtype, gt, lt, minimum, mul, ne, neg, rsub, sub, where } from './arithmetic.js';
import { pairwise_distance } from './distance.js';
import { empty, record, record_not_implemented } from './record.js';
import { mean, sum } from './reduce.js';
import { abs, clamp, exp, log, sigmoid } from './unary.js';
import { logsigmoid, softplus } from './activation.js';
import { xlogy } from './pointwise.js';

/**
 * How a loss reduces its per-element values: 'mean' (the default) averages them, 'sum' adds them, 'none' returns
 * them unreduced. Another name of `Reduction`.
 */
export type LossReduction = Reduction;

function reduction_of(r: string, allowed: readonly string[] = ['mean', 'sum', 'none']): string {
  if (!allowed.includes(r)) throw new Error(`${r} is not a valid value for reduction`);
  return r;
}

/** The deprecated `size_average` / `reduce` pair of a loss, when given, overrides `reduction` (with PyTorch's warning). */
interface Legacy { size_average: boolean | null; reduce: boolean | null }

function reduction_from(a: Legacy & { reduction: string }, allowed?: readonly string[]): string {
  return a.size_average === null && a.reduce === null ? reduction_of(a.reduction, allowed) : legacy_reduction(a);
}

function reduce(per: Tensor, reduction: string): Tensor {
  return reduction === 'none' ? per : reduction === 'sum' ? sum(per) : mean(per);
}

/** PyTorch's UserWarning when a target's size differs from the input's (the losses that broadcast). */
function warn_size(input: Tensor, target: Tensor): void {
  if (input._shape.join() !== target._shape.join()) {
    warn(`Using a target size (torch.Size([${target._shape.join(', ')}])) that is different to the input size (torch.Size([${input._shape.join(', ')}])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`);
  }
}

type Red = { reduction?: LossReduction };

const HUBER = signature<{ input: Tensor; target: Tensor; reduction: string; delta: number }>("huber_loss(Tensor input, Tensor target, str reduction='mean', float delta=1.0)");
/**
 * `½d²` where `|d| < delta`, `delta·(|d| − ½delta)` elsewhere, `d = input − target` (HuberLossBackward0).
 *
 * @example
 * F.huber_loss(x, y, { delta: 0.5 })
 */
export function huber_loss(...args: PyArgs<[input: Tensor, target: Tensor, reduction: LossReduction, delta: number], Red & { input?: Tensor; target?: Tensor; delta?: number }>): Tensor {
  if (tracing) return trace_op('aten::huber_loss', huber_loss, args, HUBER);
  const { input, target, reduction, delta } = HUBER.parse(args);
  reduction_of(reduction);
  if (delta <= 0) throw new Error('huber_loss does not support non-positive values for delta.');
  warn_size(input, target);
  const out = no_grad(() => {
    const d = abs(sub(input, target));
    return reduce(where(lt(d, delta), mul(mul(d, d), 0.5), mul(sub(d, 0.5 * delta), delta)), reduction);
  });
  const n = Math.max(input.numel(), target.numel());
  record('HuberLossBackward0', [input, target], [out], (ctx, [g]) => {
    const [x, t] = ctx.saved_tensors as [Tensor, Tensor];
    const gx = mul(reduction === 'mean' ? div(g!, n) : g!, clamp(sub(x, t), -delta, delta));
    return [ctx.needs_input_grad(0) ? gx : null, ctx.needs_input_grad(1) ? neg(gx) : null];
  }, [input, target]);
  return out;
}

const KL_DIV = signature<{ input: Tensor; target: Tensor; reduction: string; log_target: boolean } & Legacy>("kl_div(Tensor input, Tensor target, bool? size_average=None, bool? reduce=None, str reduction='mean', bool log_target=False)");
/**
 * `target·(log target − input)` (0 where target is 0), or `eᵗ·(t − input)` with `log_target`; reduction
 * `'batchmean'` divides the sum by the batch size. `input` holds log-probabilities. Arguments:
 * `kl_div(input, target, reduction='mean', log_target=False)`.
 *
 * @example
 * F.kl_div(torch.tensor([-1, -2]), torch.tensor([0.5, 0.5]), { reduction: 'sum' }); // 0.8069
 */
export function kl_div(...args: PyArgs<[input: Tensor, target: Tensor, size_average: boolean | null, reduce: boolean | null, reduction: string, log_target: boolean], { input?: Tensor; target?: Tensor; size_average?: boolean | null; reduce?: boolean | null; reduction?: string; log_target?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::kl_div', kl_div, args, KL_DIV);
  const parsed = KL_DIV.parse(args);
  const { input, target, log_target } = parsed;
  const reduction = reduction_from(parsed, ['mean', 'sum', 'none', 'batchmean']);
  if (reduction === 'mean') {
    warn("reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.");
  }
  const per = log_target ? mul(exp(target), sub(target, input)) : sub(xlogy(target, target), mul(target, input));
  if (reduction === 'batchmean') return input.ndim === 0 ? sum(per) : div(sum(per), input._shape[0]!);
  return reduce(per, reduction);
}

const POISSON = signature<{ input: Tensor; target: Tensor; log_input: boolean; full: boolean; eps: number; reduction: string } & Legacy>(
  "poisson_nll_loss(Tensor input, Tensor target, bool log_input=True, bool full=False, bool? size_average=None, float eps=1e-8, bool? reduce=None, str reduction='mean')");
/**
 * Negative log likelihood of a Poisson target: `eˣ − t·x` (`log_input`) or `x − t·log(x + eps)`, plus Stirling's
 * term when `full`. Arguments: `poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8,
 * reduction='mean')`.
 *
 * @example
 * F.poisson_nll_loss(torch.tensor([0, 1]), torch.tensor([1, 2])); // 0.8591
 */
export function poisson_nll_loss(...args: PyArgs<[input: Tensor, target: Tensor, log_input: boolean, full: boolean, size_average: boolean | null, eps: number, reduce: boolean | null, reduction: LossReduction], Red & { size_average?: boolean | null; reduce?: boolean | null;  input?: Tensor; target?: Tensor; log_input?: boolean; full?: boolean; eps?: number }>): Tensor {
  if (tracing) return trace_op('aten::poisson_nll_loss', poisson_nll_loss, args, POISSON);
  const parsed = POISSON.parse(args);
  const { input, target, log_input, full, eps } = parsed;
  const reduction = reduction_from(parsed);
  let per = log_input ? sub(exp(input), mul(target, input)) : sub(input, mul(target, log(add(input, eps))));
  if (full) {
    // Stirling's approximation of log(t!), only where t > 1 (t is evaluated at 2 elsewhere to stay finite)
    const big = gt(target, 1);
    const safe = where(big, target, 2);
    const stirling = add(sub(mul(safe, log(safe)), safe), mul(log(mul(safe, 2 * Math.PI)), 0.5));
    per = add(per, where(big, stirling, 0));
  }
  return reduce(per, reduction);
}

const GAUSSIAN = signature<{ input: Tensor; target: Tensor; var: Tensor; full: boolean; eps: number; reduction: string }>(
  "gaussian_nll_loss(Tensor input, Tensor target, Tensor var, bool full=False, float eps=1e-6, str reduction='mean')");
/**
 * Gaussian negative log likelihood `½(log var + (input − target)² / var)`, with `var` clamped at `eps` (the
 * clamp passes gradients through) and `½ log 2π` added when `full`. Arguments: `gaussian_nll_loss(input, target,
 * var, full=False, eps=1e-6, reduction='mean')`.
 *
 * @example
 * F.gaussian_nll_loss(torch.tensor([0, 1]), torch.tensor([1, 1]), torch.tensor([1, 1])); // 0.25
 */
export function gaussian_nll_loss(...args: PyArgs<[input: Tensor, target: Tensor, var_: Tensor, full: boolean, eps: number, reduction: LossReduction], Red & { input?: Tensor; target?: Tensor; var?: Tensor; full?: boolean; eps?: number }>): Tensor {
  if (tracing) return trace_op('aten::gaussian_nll_loss', gaussian_nll_loss, args, GAUSSIAN);
  const { input, target, var: var_, full, eps, reduction } = GAUSSIAN.parse(args);
  let v = var_;
  if (v._shape.join() !== input._shape.join()) {
    if (v._shape.join() === input._shape.slice(0, -1).join()) v = v.unsqueeze(-1);
    else if (!(v._shape.slice(0, -1).join() === input._shape.slice(0, -1).join() && v._shape[v.ndim - 1] === 1)) throw new Error('var is of incorrect size');
  }
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') throw new Error(`${reduction} is not valid`);
  if (Array.from(v._contiguous_data()).some((e) => e < 0)) throw new Error('var has negative entry/entries');
  // the clamp happens outside autograd: the gradient reaches var as if unclamped
  const clamped = no_grad(() => clamp(v, { min: eps }));
  const vv = add(v, sub(clamped, v.detach()));
  let per = mul(add(log(vv), div(mul(sub(input, target), sub(input, target)), vv)), 0.5);
  if (full) per = add(per, 0.5 * Math.log(2 * Math.PI));
  return reduce(per, reduction);
}

const SOFT_MARGIN = signature<{ input: Tensor; target: Tensor; reduction: string } & Legacy>("soft_margin_loss(Tensor input, Tensor target, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * Two-class logistic loss `log(1 + e^(−y·x))` for targets ±1 (SoftMarginLossBackward0). Arguments:
 * `soft_margin_loss(input, target, reduction='mean')`.
 *
 * @example
 * F.soft_margin_loss(torch.tensor([2, -1]), torch.tensor([1, -1])); // 0.2201
 */
export function soft_margin_loss(...args: PyArgs<[input: Tensor, target: Tensor, size_average: boolean | null, reduce: boolean | null, reduction: LossReduction], Red & { size_average?: boolean | null; reduce?: boolean | null;  input?: Tensor; target?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::soft_margin_loss', soft_margin_loss, args, SOFT_MARGIN);
  const parsed = SOFT_MARGIN.parse(args);
  const { input, target } = parsed;
  const reduction = reduction_from(parsed);
  const out = no_grad(() => reduce(softplus(neg(mul(input, target))), reduction));
  const n = input.numel();
  record('SoftMarginLossBackward0', [input, target], [out], (ctx, [g]) => {
    const [x, y] = ctx.saved_tensors as [Tensor, Tensor];
    // d/dx = −y·σ(−y·x)
    const s = sigmoid(neg(mul(x, y)));
    const scale = reduction === 'mean' ? div(g!, n) : g!;
    return [ctx.needs_input_grad(0) ? mul(scale, neg(mul(y, s))) : null, ctx.needs_input_grad(1) ? mul(scale, neg(mul(x, s))) : null];
  }, [input, target]);
  return out;
}

const MULTILABEL_SOFT = signature<{ input: Tensor; target: Tensor; weight: Tensor | null; reduction: string } & Legacy>("multilabel_soft_margin_loss(Tensor input, Tensor target, Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * Multi-label one-versus-all loss: `−mean_c [t·log σ(x) + (1 − t)·log σ(−x)]` per sample of `[N, C]`, weighted
 * per class. Arguments: `multilabel_soft_margin_loss(input, target, weight=None, reduction='mean')`.
 *
 * @example
 * F.multilabel_soft_margin_loss(torch.tensor([[2, -1]]), torch.tensor([[1, 0]])); // 0.2201
 */
export function multilabel_soft_margin_loss(...args: PyArgs<[input: Tensor, target: Tensor, weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: LossReduction], Red & { size_average?: boolean | null; reduce?: boolean | null;  input?: Tensor; target?: Tensor; weight?: Tensor | null }>): Tensor {
  if (tracing) return trace_op('aten::multilabel_soft_margin_loss', multilabel_soft_margin_loss, args, MULTILABEL_SOFT);
  const parsed = MULTILABEL_SOFT.parse(args);
  const { input, target, weight } = parsed;
  const reduction = reduction_from(parsed);
  let loss = neg(add(mul(target, logsigmoid(input)), mul(rsub(target, 1), logsigmoid(neg(input)))));
  if (weight !== null) loss = mul(loss, weight);
  const class_dim = input.ndim - 1;
  const C = input._shape[class_dim] ?? 1;
  const per = div(sum(loss, class_dim), C);
  return reduce(per, reduction);
}

const HINGE = signature<{ input: Tensor; target: Tensor; margin: number; reduction: string } & Legacy>("hinge_embedding_loss(Tensor input, Tensor target, float margin=1.0, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * `x` where `y = 1`, `max(0, margin − x)` where `y = −1`, for distances `x`. Arguments:
 * `hinge_embedding_loss(input, target, margin=1.0, reduction='mean')`.
 *
 * @example
 * F.hinge_embedding_loss(torch.tensor([0.3, 0.2]), torch.tensor([1, -1])); // 0.55
 */
export function hinge_embedding_loss(...args: PyArgs<[input: Tensor, target: Tensor, margin: number, size_average: boolean | null, reduce: boolean | null, reduction: LossReduction], Red & { size_average?: boolean | null; reduce?: boolean | null;  input?: Tensor; target?: Tensor; margin?: number }>): Tensor {
  if (tracing) return trace_op('aten::hinge_embedding_loss', hinge_embedding_loss, args, HINGE);
  const parsed = HINGE.parse(args);
  const { input, target, margin } = parsed;
  const reduction = reduction_from(parsed);
  const zeros = mul(input, 0).detach();
  const margin_clamp = clamp(rsub(input, margin), { min: 0 });
  const out_margin = where(ne(target, 1), margin_clamp, zeros);
  const out_self = where(ne(target, -1), input, zeros);
  return reduce(add(out_margin, out_self), reduction);
}

const COSINE_EMB = signature<{ input1: Tensor; input2: Tensor; target: Tensor; margin: number; reduction: string } & Legacy>("cosine_embedding_loss(Tensor input1, Tensor input2, Tensor target, float margin=0, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * `1 − cos(x1, x2)` where `y = 1`, `max(0, cos − margin)` where `y = −1` (cosine with PyTorch's 1e-12 guard), per
 * row. Arguments: `cosine_embedding_loss(input1, input2, target, margin=0, reduction='mean')`.
 *
 * @example
 * F.cosine_embedding_loss(torch.tensor([[1, 0]]), torch.tensor([[0, 1]]), torch.tensor([1])); // 1
 */
export function cosine_embedding_loss(...args: PyArgs<[input1: Tensor, input2: Tensor, target: Tensor, margin: number, size_average: boolean | null, reduce: boolean | null, reduction: LossReduction], Red & { size_average?: boolean | null; reduce?: boolean | null;  input1?: Tensor; input2?: Tensor; target?: Tensor; margin?: number }>): Tensor {
  if (tracing) return trace_op('aten::cosine_embedding_loss', cosine_embedding_loss, args, COSINE_EMB);
  const parsed = COSINE_EMB.parse(args);
  const { input1, input2, target, margin } = parsed;
  const reduction = reduction_from(parsed);
  // ATen's checks: the target's rank, then the inputs' rank it implies
  if (target.ndim > 1) throw new Error('0D or 1D target tensor expected, multi-target not supported');
  const want = target.ndim === 1 ? 2 : 1;
  if (input1.ndim !== want || input2.ndim !== want) {
    throw new Error(`${target.ndim}D target tensor expects ${want}D input tensors, but found inputs with sizes [${input1._shape.join(', ')}] and [${input2._shape.join(', ')}].`);
  }
  const d = input1.ndim - 1;
  const EPSILON = 1e-12;
  const prod = sum(mul(input1, input2), d);
  const m1 = add(sum(mul(input1, input1), d), EPSILON);
  const m2 = add(sum(mul(input2, input2), d), EPSILON);
  const cos = div(prod, mul(m1, m2).sqrt());
  const zeros = mul(cos, 0).detach();
  const pos = rsub(cos, 1);
  const negv = clamp(sub(cos, margin), { min: 0 });
  return reduce(add(where(eq(target, 1), pos, zeros), where(eq(target, -1), negv, zeros)), reduction);
}

const MARGIN_RANK = signature<{ input1: Tensor; input2: Tensor; target: Tensor; margin: number; reduction: string } & Legacy>("margin_ranking_loss(Tensor input1, Tensor input2, Tensor target, float margin=0, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * `max(0, −y·(x1 − x2) + margin)`: `y = 1` asks `x1` to rank above `x2`. Arguments:
 * `margin_ranking_loss(input1, input2, target, margin=0, reduction='mean')`.
 *
 * @example
 * F.margin_ranking_loss(torch.tensor([1, 2]), torch.tensor([2, 1]), torch.tensor([1, 1])); // 0.5
 */
export function margin_ranking_loss(...args: PyArgs<[input1: Tensor, input2: Tensor, target: Tensor, margin: number, size_average: boolean | null, reduce: boolean | null, reduction: LossReduction], Red & { size_average?: boolean | null; reduce?: boolean | null;  input1?: Tensor; input2?: Tensor; target?: Tensor; margin?: number }>): Tensor {
  if (tracing) return trace_op('aten::margin_ranking_loss', margin_ranking_loss, args, MARGIN_RANK);
  const parsed = MARGIN_RANK.parse(args);
  const { input1, input2, target, margin } = parsed;
  const reduction = reduction_from(parsed);
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim) {
    throw new Error(`margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: torch.Size([${input1._shape.join(', ')}]), input2: torch.Size([${input2._shape.join(', ')}]), target: torch.Size([${target._shape.join(', ')}]) `);
  }
  return reduce(clamp(add(mul(neg(target), sub(input1, input2)), margin), { min: 0 }), reduction);
}

const MULTI_MARGIN = signature<{ input: Tensor; target: Tensor; p: number; margin: number; weight: Tensor | null; reduction: string } & Legacy>(
  "multi_margin_loss(Tensor input, Tensor target, int p=1, float margin=1, Tensor? weight=None, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * Multi-class hinge loss `Σ_{i≠y} max(0, margin − x[y] + x[i])^p / C` per sample, scaled by `weight[y]`
 * (MultiMarginLossBackward0). Arguments: `multi_margin_loss(input, target, p=1, margin=1, weight=None,
 * reduction='mean')`, `p` 1 or 2.
 *
 * @example
 * F.multi_margin_loss(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([3], { dtype: torch.int64 })); // 0.325
 */
export function multi_margin_loss(...args: PyArgs<[input: Tensor, target: Tensor, p: number, margin: number, weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: LossReduction], Red & { size_average?: boolean | null; reduce?: boolean | null;  input?: Tensor; target?: Tensor; p?: number; margin?: number; weight?: Tensor | null }>): Tensor {
  if (tracing) return trace_op('aten::multi_margin_loss', multi_margin_loss, args, MULTI_MARGIN);
  const parsed = MULTI_MARGIN.parse(args);
  const { input, target, p, margin, weight } = parsed;
  const reduction = reduction_from(parsed);
  if (p !== 1 && p !== 2) throw new Error('only p == 1 and p == 2 supported');
  const x2 = input.ndim <= 1 ? input.reshape([1, -1]) : input;
  if (x2.ndim !== 2) throw new Error(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: [${input._shape.join(', ')}]`);
  const [N, C] = x2._shape as [number, number];
  const t = target._contiguous_data();
  if (target.numel() !== N) throw new Error(`inconsistent target size, expected ${N} but got [${target._shape.join(', ')}]`);
  const xd = x2._contiguous_data();
  const w = weight === null ? null : weight._contiguous_data();
  const per = new Float64Array(N);
  const dx = new Float64Array(N * C);
  for (let n = 0; n < N; n++) {
    const y = t[n]!;
    if (y < 0 || y >= C || !Number.isInteger(y)) throw new RangeError(`target out of range`);
    const wy = w === null ? 1 : w[y]!;
    for (let i = 0; i < C; i++) {
      if (i === y) continue;
      const z = margin - xd[n * C + y]! + xd[n * C + i]!;
      if (z <= 0) continue;
      per[n] += (p === 1 ? z : z * z) * wy / C;
      const dz = (p === 1 ? 1 : 2 * z) * wy / C;
      dx[n * C + i] += dz;
      dx[n * C + y] -= dz;
    }
  }
  const out = per_sample_result(per, input, reduction);
  record('MultiMarginLossBackward0', [input], [out], (_c, [g]) => [scale_rows(dx, g!, N, C, reduction, input, 'multi_margin_loss_backward')]);
  return out;
}

const MULTILABEL_MARGIN = signature<{ input: Tensor; target: Tensor; reduction: string } & Legacy>("multilabel_margin_loss(Tensor input, Tensor target, bool? size_average=None, bool? reduce=None, str reduction='mean')");
/**
 * `Σ_j Σ_{i∉targets} max(0, 1 − (x[target_j] − x[i])) / C` per sample; a sample's targets end at the first −1
 * (MultilabelMarginLossBackward0). Arguments: `multilabel_margin_loss(input, target, reduction='mean')`, int64
 * targets shaped as the input.
 *
 * @example
 * F.multilabel_margin_loss(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([[3, 0, -1, 1]], { dtype: torch.int64 })); // 0.85
 */
export function multilabel_margin_loss(...args: PyArgs<[input: Tensor, target: Tensor, size_average: boolean | null, reduce: boolean | null, reduction: LossReduction], Red & { size_average?: boolean | null; reduce?: boolean | null;  input?: Tensor; target?: Tensor }>): Tensor {
  if (tracing) return trace_op('aten::multilabel_margin_loss', multilabel_margin_loss, args, MULTILABEL_MARGIN);
  const parsed = MULTILABEL_MARGIN.parse(args);
  const { input, target } = parsed;
  const reduction = reduction_from(parsed);
  const x2 = input.ndim <= 1 ? input.reshape([1, -1]) : input;
  const [N, C] = x2._shape as [number, number];
  if (target._shape.join() !== input._shape.join()) throw new Error(`inconsistent target size: [${target._shape.join(', ')}] for input of size: [${input._shape.join(', ')}]`);
  const xd = x2._contiguous_data();
  const td = target._contiguous_data();
  const per = new Float64Array(N);
  const dx = new Float64Array(N * C);
  for (let n = 0; n < N; n++) {
    const is_target = new Uint8Array(C);
    const targets: number[] = [];
    for (let j = 0; j < C; j++) {
      const c = td[n * C + j]!;
      if (c < 0) break;
      if (c >= C) throw new RangeError(`Target ${c} is out of bounds.`);
      targets.push(c);
      is_target[c] = 1;
    }
    for (const j of targets) {
      for (let i = 0; i < C; i++) {
        if (is_target[i]) continue;
        const z = 1 - (xd[n * C + j]! - xd[n * C + i]!);
        if (z <= 0) continue;
        per[n] += z / C;
        dx[n * C + i] += 1 / C;
        dx[n * C + j] -= 1 / C;
      }
    }
  }
  const out = per_sample_result(per, input, reduction);
  record('MultilabelMarginLossBackward0', [input], [out], (_c, [g]) => [scale_rows(dx, g!, N, C, reduction, input, 'multilabel_margin_loss_backward')]);
  return out;
}

/** A per-sample loss array reduced as asked, in the input's dtype (a 1-D input gives a 0-d 'none' result). */
function per_sample_result(per: Float64Array, input: Tensor, reduction: string): Tensor {
  const dtype = float_dtype(input._dtype);
  if (reduction === 'none') {
    const out = empty(input.ndim <= 1 ? [] : [per.length], dtype);
    out._storage.data.set(per);
    return out;
  }
  const out = empty([], dtype);
  const s = per.reduce((a, b) => a + b, 0);
  out._storage.data[0] = reduction === 'sum' ? s : s / per.length;
  return out;
}

/** The input gradient `dx` (per row, for a unit loss per sample) scaled by the incoming gradient. */
function scale_rows(dx: Float64Array, g: Tensor, N: number, C: number, reduction: string, input: Tensor, op: string): Tensor {
  const gd = g._contiguous_data();
  const out = empty(input._shape, float_dtype(input._dtype));
  const o = out._storage.data;
  for (let n = 0; n < N; n++) {
    const s = reduction === 'none' ? gd[n]! : reduction === 'sum' ? gd[0]! : gd[0]! / N;
    for (let c = 0; c < C; c++) o[n * C + c] = dx[n * C + c]! * s;
  }
  // PyTorch has no derivative of this rule
  record_not_implemented(op, [g, input], [out]);
  return out;
}

const TRIPLET = signature<{ anchor: Tensor; positive: Tensor; negative: Tensor; margin: number; p: number; eps: number; swap: boolean; reduction: string } & Legacy>(
  "triplet_margin_loss(Tensor anchor, Tensor positive, Tensor negative, float margin=1.0, float p=2, float eps=1e-6, bool swap=False, bool? size_average=None, bool? reduce=None, str reduction='mean')");
type TripletOptions = Red & { anchor?: Tensor; positive?: Tensor; negative?: Tensor; margin?: number; swap?: boolean };
/**
 * `max(0, margin + d(a, p) − d(a, n))` with p-norm pairwise distances (`swap` uses the closer negative).
 * Arguments: `triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
 * reduction='mean')`.
 *
 * @example
 * F.triplet_margin_loss(torch.tensor([[0, 0]]), torch.tensor([[3, 4]]), torch.tensor([[1, 0]])); // 5
 */
export function triplet_margin_loss(...args: PyArgs<[anchor: Tensor, positive: Tensor, negative: Tensor, margin: number, p: number, eps: number, swap: boolean, size_average: boolean | null, reduce: boolean | null, reduction: LossReduction], TripletOptions & { size_average?: boolean | null; reduce?: boolean | null;  p?: number; eps?: number }>): Tensor {
  if (tracing) return trace_op('aten::triplet_margin_loss', triplet_margin_loss, args, TRIPLET);
  const parsed = TRIPLET.parse(args);
  const { anchor, positive, negative, margin, p, eps, swap } = parsed;
  const reduction = reduction_from(parsed);
  const dims = [anchor.ndim, positive.ndim, negative.ndim];
  if (dims.some((d) => d !== dims[0])) {
    throw new Error(`The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${dims[0]}D, positive ${dims[1]}D, and negative ${dims[2]}D inputs`);
  }
  const dist = (a: Tensor, b: Tensor): Tensor => pairwise_distance(a, b, p, eps);
  return triplet_from(dist, anchor, positive, negative, margin, swap, reduction);
}

function triplet_from(dist: (a: Tensor, b: Tensor) => Tensor, anchor: Tensor, positive: Tensor, negative: Tensor, margin: number, swap: boolean, reduction: string): Tensor {
  const d_pos = dist(anchor, positive);
  let d_neg = dist(anchor, negative);
  if (swap) d_neg = minimum(d_neg, dist(positive, negative));
  return reduce(clamp(add(sub(d_pos, d_neg), margin), { min: 0 }), reduction);
}

const TRIPLET_DIST = signature<{ anchor: Tensor; positive: Tensor; negative: Tensor; distance_function: ((a: Tensor, b: Tensor) => Tensor) | null; margin: number; swap: boolean; reduction: string }>(
  "triplet_margin_with_distance_loss(Tensor anchor, Tensor positive, Tensor negative, *, Callable? distance_function=None, float margin=1.0, bool swap=False, str reduction='mean')",
  // the default distance, pairwise_distance(x1, x2), meets a wrong kind first
  { native: { anchor: 'x1', positive: 'x2', negative: 'x2' } });
/**
 * The triplet loss with any distance function (default: pairwise_distance). Arguments:
 * `triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
 * swap=False, reduction='mean')`.
 *
 * @example
 * F.triplet_margin_with_distance_loss(a, p, n, { distance_function: (x, y) => F.pairwise_distance(x, y, { p: 1 }) });
 */
export function triplet_margin_with_distance_loss(...args: PyArgs<[anchor: Tensor, positive: Tensor, negative: Tensor], TripletOptions & { distance_function?: ((a: Tensor, b: Tensor) => Tensor) | null }>): Tensor {
  if (tracing) return trace_op('aten::triplet_margin_with_distance_loss', triplet_margin_with_distance_loss, args, TRIPLET_DIST);
  const { anchor, positive, negative, distance_function, margin, swap, reduction } = TRIPLET_DIST.parse(args);
  reduction_of(reduction);
  if (margin <= 0) throw new Error(`triplet_margin_with_distance_loss: expected margin to be greater than 0, got ${margin} instead`);
  return triplet_from(distance_function ?? ((a, b) => pairwise_distance(a, b)), anchor, positive, negative, margin, swap, reduction);
}

const CTC = signature<{ log_probs: Tensor; targets: Tensor; input_lengths: Tensor | number[]; target_lengths: Tensor | number[]; blank: number; reduction: string; zero_infinity: boolean }>(
  "ctc_loss(Tensor log_probs, Tensor targets, Tensor|int[1] input_lengths, Tensor|int[1] target_lengths, int blank=0, str reduction='mean', bool zero_infinity=False)");

const lengths_of = (v: Tensor | number[]): number[] => (v instanceof Tensor ? Array.from(v._contiguous_data(), Number) : v);

function logaddexp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * Connectionist temporal classification loss over `log_probs` `[T, N, C]` (or `[T, C]`), targets padded
 * `[N, S]` or concatenated 1-D (CtcLossBackward0). 'mean' divides each sample's loss by its target length,
 * then averages over the batch, as PyTorch does. Arguments: `ctc_loss(log_probs, targets, input_lengths,
 * target_lengths, blank=0, reduction='mean', zero_infinity=False)`.
 *
 * @example
 * const log_probs = torch.zeros(2, 1, 3).log_softmax(2); // T=2, N=1, C=3
 * F.ctc_loss(log_probs, torch.tensor([[1]], { dtype: torch.int64 }), [2], [1]); // 1.0986
 */
export function ctc_loss(...args: PyArgs<[log_probs: Tensor, targets: Tensor, input_lengths: Tensor | number[], target_lengths: Tensor | number[], blank: number, reduction: LossReduction, zero_infinity: boolean], Red & { blank?: number; zero_infinity?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::ctc_loss', ctc_loss, args, CTC);
  const a = CTC.parse(args);
  reduction_of(a.reduction);
  const batched = a.log_probs.ndim === 3;
  const lp = batched ? a.log_probs : a.log_probs.unsqueeze(1);
  const [T, N, C] = lp._shape as [number, number, number];
  const in_len = lengths_of(a.input_lengths);
  const tg_len = lengths_of(a.target_lengths);
  if (in_len.length !== N) throw new Error(`input_lengths must be of size batch_size`);
  if (tg_len.length !== N) throw new Error(`target_lengths must be of size batch_size`);
  if (a.blank < 0 || a.blank >= C) throw new Error('blank must be in label range');
  const x = lp._contiguous_data();
  // unbatched targets are one padded row; batched ones are padded [N, S] or concatenated 1-D
  const targets = batched ? a.targets : a.targets.reshape([1, -1]);
  const td = targets._contiguous_data();
  const padded = targets.ndim === 2;
  const S_max = padded ? targets._shape[1]! : 0;
  // ctc_loss_cpu's checks of the targets against their lengths, then of the input lengths
  const where_ = " for argument #2 'targets' (while checking arguments for ctc_loss_cpu)";
  for (const L of tg_len) if (L < 0) throw new Error(`Expected target_lengths to have value at least 0, but got value ${L} (while checking arguments for ctc_loss_cpu)`);
  const rows = padded ? N : tg_len.reduce((p, q) => p + q, 0);
  if (targets._shape[0] !== rows) throw new Error(`Expected tensor to have size ${rows} at dimension 0, but got size ${targets._shape[0]}${where_}`);
  const longest = Math.max(0, ...tg_len);
  if (padded && S_max < longest) throw new Error(`Expected tensor to have size at least ${longest} at dimension 1, but got size ${S_max}${where_}`);
  for (const Tn of in_len) {
    if (Tn < 0) throw new Error(`Expected input_lengths to have value at least 0, but got value ${Tn} (while checking arguments for ctc_loss_cpu)`);
    if (Tn > T) throw new Error(`Expected input_lengths to have value at most ${T}, but got value ${Tn} (while checking arguments for ctc_loss_cpu)`);
  }
  const at = (t: number, n: number, c: number): number => x[(t * N + n) * C + c]!;
  const losses = new Float64Array(N);
  const grad = new Float64Array(T * N * C);
  let offset = 0;
  for (let n = 0; n < N; n++) {
    const Tn = in_len[n]!;
    const L = tg_len[n]!;
    const labels: number[] = [];
    for (let s = 0; s < L; s++) labels.push(td[padded ? n * S_max + s : offset + s]!);
    if (!padded) offset += L;
    // the extended label sequence: blank, l1, blank, l2, …, blank
    const ext = [a.blank];
    for (const l of labels) ext.push(l, a.blank);
    const S = ext.length;
    const alpha = new Float64Array(Tn * S).fill(-Infinity);
    const beta = new Float64Array(Tn * S).fill(-Infinity);
    if (Tn > 0) {
      alpha[0] = at(0, n, ext[0]!);
      if (S > 1) alpha[1] = at(0, n, ext[1]!);
      for (let t = 1; t < Tn; t++) {
        for (let s = 0; s < S; s++) {
          let v = alpha[(t - 1) * S + s]!;
          if (s > 0) v = logaddexp(v, alpha[(t - 1) * S + s - 1]!);
          if (s > 1 && ext[s] !== a.blank && ext[s] !== ext[s - 2]) v = logaddexp(v, alpha[(t - 1) * S + s - 2]!);
          alpha[t * S + s] = v + at(t, n, ext[s]!);
        }
      }
      beta[(Tn - 1) * S + S - 1] = at(Tn - 1, n, ext[S - 1]!);
      if (S > 1) beta[(Tn - 1) * S + S - 2] = at(Tn - 1, n, ext[S - 2]!);
      for (let t = Tn - 2; t >= 0; t--) {
        for (let s = 0; s < S; s++) {
          let v = beta[(t + 1) * S + s]!;
          if (s < S - 1) v = logaddexp(v, beta[(t + 1) * S + s + 1]!);
          if (s < S - 2 && ext[s] !== a.blank && ext[s] !== ext[s + 2]) v = logaddexp(v, beta[(t + 1) * S + s + 2]!);
          beta[t * S + s] = v + at(t, n, ext[s]!);
        }
      }
    }
    const ll = Tn === 0 ? (S === 1 ? 0 : -Infinity) : S > 1 ? logaddexp(alpha[(Tn - 1) * S + S - 1]!, alpha[(Tn - 1) * S + S - 2]!) : alpha[(Tn - 1) * S]!;
    let loss = -ll;
    const infinite = loss === Infinity;
    if (infinite && a.zero_infinity) loss = 0;
    losses[n] = loss;
    // d loss / d log_probs[t, c] = exp(log_probs) − exp(log Σ_{s: ext[s] = c} α·β − log_probs − ll)
    for (let t = 0; t < Tn; t++) {
      const acc = new Float64Array(C).fill(-Infinity);
      for (let s = 0; s < S; s++) acc[ext[s]!] = logaddexp(acc[ext[s]!]!, alpha[t * S + s]! + beta[t * S + s]!);
      for (let c = 0; c < C; c++) {
        const lpv = at(t, n, c);
        grad[(t * N + n) * C + c] = infinite && a.zero_infinity ? 0 : Math.exp(lpv) - Math.exp(acc[c]! - ll - lpv);
      }
    }
  }
  const dtype = float_dtype(lp._dtype);
  let out: Tensor;
  const divisor = (n: number): number => (a.reduction === 'mean' ? Math.max(tg_len[n]!, 1) * N : 1);
  if (a.reduction === 'none') {
    out = empty(batched ? [N] : [], dtype);
    out._storage.data.set(losses);
  } else {
    out = empty([], dtype);
    let s = 0;
    for (let n = 0; n < N; n++) s += losses[n]! / divisor(n);
    out._storage.data[0] = s;
  }
  const in_shape = a.log_probs._shape;
  record('CtcLossBackward0', [a.log_probs], [out], (_c, [g]) => {
    const gd = g!._contiguous_data();
    const r = empty(in_shape, dtype);
    const o = r._storage.data;
    for (let t = 0; t < T; t++) {
      for (let n = 0; n < N; n++) {
        const scale = a.reduction === 'none' ? gd[batched ? n : 0]! : gd[0]! / divisor(n);
        for (let c = 0; c < C; c++) o[(t * N + n) * C + c] = grad[(t * N + n) * C + c]! * scale;
      }
    }
    record_not_implemented('_ctc_loss_backward', [g!, a.log_probs], [r]);
    return [r];
  });
  return out;
}
