// RMSprop with weight decay, momentum and the centered variant (PyTorch's optim.RMSprop).
import * as torch from '@tsgrad/core';
import { signature, type PyArgs, type Tensor } from '@tsgrad/core';
import {
  increment_step, new_step, optimizer_args, Optimizer, py_str, rounder, state_of, state_buffer, values_of, write_elements,
  type Closure, type HyperParams, type ParamGroup, type ParamsInput, type ParamState,
} from './optimizer.js';

/** RMSprop hyper-parameters (PyTorch defaults: lr 1e-2, alpha 0.99, eps 1e-8). */
export interface RMSpropOptions extends HyperParams {
  /** Learning rate. Default 0.01. */
  lr: number;
  /** Smoothing constant of the squared-gradient average. Default 0.99. */
  alpha: number;
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** Weight decay (L2 penalty) added to the gradient. Default 0. */
  weight_decay: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Normalise by the estimated variance of the gradient instead of its second moment. Default false. */
  centered: boolean;
  /** Maximise the objective instead of minimising it. Default false. */
  maximize: boolean;
  /** Accepted for PyTorch compatibility (CUDA graphs); kept in `state_dict`. */
  capturable: boolean;
  /** Accepted for PyTorch compatibility (one implementation here); kept in `state_dict`. */
  foreach: boolean | null;
  /** Accepted for PyTorch compatibility: the update is never part of the autograd graph here. */
  differentiable: boolean;
}

const RMSPROP_SIGNATURE = signature<RMSpropOptions & { params: unknown }>(
  'RMSprop(Any params, float lr=0.01, float alpha=0.99, float eps=1e-08, float weight_decay=0, float momentum=0, bool centered=False, bool capturable=False, bool? foreach=None, bool maximize=False, bool differentiable=False)');

/**
 * PyTorch's `torch.optim.RMSprop`, single-tensor implementation: `g += weight_decay * p`;
 * `v = α v + (1-α) g²`; centered: `ḡ = α ḡ + (1-α) g`, `avg = sqrt(v - ḡ²) + eps`, else `avg = sqrt(v) + eps`;
 * with momentum `buf = μ buf + g / avg`, `p -= lr * buf`, else `p -= lr * g / avg`.
 * State keys: `step` (0-dim float tensor), `square_avg`, `momentum_buffer` (momentum > 0), `grad_avg` (centered).
 *
 * @example
 * const opt = new optim.RMSprop(net.parameters(), { lr: 0.01, momentum: 0.9, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  /** PyTorch's class name, used in its repr and messages. */
  static readonly __name__: string = 'RMSprop';
  constructor(...args: PyArgs<[params: ParamsInput<RMSpropOptions>, lr: number, alpha: number, eps: number, weight_decay: number, momentum: number, centered: boolean], Partial<RMSpropOptions>>) {
    const [params, defaults] = optimizer_args(RMSPROP_SIGNATURE, args);
    if (!(defaults.lr >= 0)) throw new Error(`Invalid learning rate: ${py_str(defaults.lr)}`);
    if (!(defaults.eps >= 0)) throw new Error(`Invalid epsilon value: ${py_str(defaults.eps)}`);
    if (!(defaults.momentum >= 0)) throw new Error(`Invalid momentum value: ${py_str(defaults.momentum)}`);
    if (!(defaults.weight_decay >= 0)) throw new Error(`Invalid weight_decay value: ${py_str(defaults.weight_decay)}`);
    if (!(defaults.alpha >= 0)) throw new Error(`Invalid alpha value: ${py_str(defaults.alpha)}`);
    super(params, defaults);
  }

  override step(closure?: Closure): Tensor | number | undefined {
    return this._step_groups(closure, (group) => {
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        const state = state_of(this.state, p);
        if (Object.keys(state).length === 0) {
          state.step = new_step();
          state.square_avg = torch.zeros_like(p);
          if (group.momentum > 0) state.momentum_buffer = torch.zeros_like(p);
          if (group.centered) state.grad_avg = torch.zeros_like(p);
        }
        rmsprop_update(p, grad, state, group);
      }
    });
  }

  protected override _required_state(group: ParamGroup<RMSpropOptions>): string[] {
    return ['step', 'square_avg', ...(group.momentum > 0 ? ['momentum_buffer'] : []), ...(group.centered ? ['grad_avg'] : [])];
  }
}

/** One RMSprop update in place, rounding each intermediate of PyTorch's op sequence to `p`'s dtype. */
function rmsprop_update(p: Tensor, grad: Tensor, state: ParamState, h: RMSpropOptions): void {
  const r = rounder(p);
  increment_step(state.step!);
  const g = values_of(grad);
  const sign = h.maximize ? -1 : 1;
  const wd = r(h.weight_decay);
  const alpha = r(h.alpha);
  const one_minus_alpha = r(1 - h.alpha);
  const eps = r(h.eps);
  const momentum = r(h.momentum);
  const neg_lr = r(-h.lr);
  const sq_t = state_buffer(state, 'square_avg');
  const ga_t = h.centered ? state_buffer(state, 'grad_avg') : null;
  const buf_t = h.momentum > 0 ? state_buffer(state, 'momentum_buffer') : null;
  const sq = sq_t._storage.data;
  const ga = ga_t?._storage.data ?? null;
  const buf = buf_t?._storage.data ?? null;
  const so = sq_t._offset;
  const go = ga_t?._offset ?? 0;
  const bo = buf_t?._offset ?? 0;
  write_elements(p, (d, o) => {
    for (let i = 0; i < g.length; i++) {
      let gi = sign * g[i]!;
      if (h.weight_decay !== 0) gi = r(gi + wd * d[o + i]!);
      const v = r(r(sq[so + i]! * alpha) + r(one_minus_alpha * gi) * gi);
      sq[so + i] = v;
      let avg: number;
      if (ga !== null) {
        const mean = r(r(ga[go + i]! * alpha) + one_minus_alpha * gi);
        ga[go + i] = mean;
        avg = r(Math.sqrt(r(v - mean * mean)));
      } else {
        avg = r(Math.sqrt(v));
      }
      avg = r(avg + eps);
      if (buf !== null) {
        const b = r(r(buf[bo + i]! * momentum) + r(gi / avg));
        buf[bo + i] = b;
        d[o + i] = r(d[o + i]! + neg_lr * b);
      } else {
        d[o + i] = r(d[o + i]! + r(r(neg_lr * gi) / avg));
      }
    }
  });
  for (const t of [sq_t, ga_t, buf_t]) if (t !== null) t._storage.version++;
}
