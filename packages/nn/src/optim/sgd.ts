// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (PyTorch's optim.SGD).
import * as torch from '@tsgrad/core';
import { signature, Tensor, type PyArgs } from '@tsgrad/core';
import {
  optimizer_args, Optimizer, py_str, rounder, state_of, values_of, write_elements,
  type Closure, type HyperParams, type ParamsInput,
} from './optimizer.js';

/** SGD hyper-parameters (PyTorch 2.x defaults: lr 1e-3, everything else off). */
export interface SGDOptions extends HyperParams {
  /** Learning rate. Default 0.001. */
  lr: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Dampening of the momentum. Default 0. */
  dampening: number;
  /** Weight decay (L2 penalty) added to the gradient. Default 0. */
  weight_decay: number;
  /** Use Nesterov momentum (needs momentum > 0 and zero dampening). Default false. */
  nesterov: boolean;
  /** Maximise the objective instead of minimising it. Default false. */
  maximize: boolean;
  /** Accepted for PyTorch compatibility (one implementation here); kept in `state_dict`. */
  foreach: boolean | null;
  /** Accepted for PyTorch compatibility: the update is never part of the autograd graph here. */
  differentiable: boolean;
  /** Accepted for PyTorch compatibility (one implementation here); kept in `state_dict`. */
  fused: boolean | null;
}

const SGD_SIGNATURE = signature<SGDOptions & { params: unknown }>(
  'SGD(Any params, float lr=0.001, float momentum=0, float dampening=0, float weight_decay=0, bool nesterov=False, *, bool maximize=False, bool? foreach=None, bool differentiable=False, bool? fused=None)');

/**
 * PyTorch's `torch.optim.SGD`, single-tensor implementation. Per parameter with gradient `g`:
 * `g += weight_decay * p`; with momentum `buf = g` on the first step, then `buf = momentum * buf + (1 - dampening) * g`,
 * `g = nesterov ? g + momentum * buf : buf`; finally `p -= lr * g`. The buffer is `state.get(p).momentum_buffer`
 * (absent when momentum is 0, as in PyTorch 2.x).
 *
 * @example
 * const opt = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
 * opt.zero_grad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer<SGDOptions> {
  /** PyTorch's class name, used in its repr and messages. */
  static readonly __name__: string = 'SGD';
  constructor(...args: PyArgs<[params: ParamsInput<SGDOptions>, lr: number, momentum: number, dampening: number, weight_decay: number, nesterov: boolean], Partial<SGDOptions>>) {
    const [params, defaults] = optimizer_args(SGD_SIGNATURE, args);
    if (defaults.lr < 0) throw new Error(`Invalid learning rate: ${py_str(defaults.lr)}`);
    if (defaults.momentum < 0) throw new Error(`Invalid momentum value: ${py_str(defaults.momentum)}`);
    if (defaults.weight_decay < 0) throw new Error(`Invalid weight_decay value: ${py_str(defaults.weight_decay)}`);
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0)) {
      throw new Error('Nesterov momentum requires a momentum and zero dampening');
    }
    super(params, defaults);
  }

  override step(closure?: Closure): Tensor | number | undefined {
    return this._step_groups(closure, (group) => {
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        if (group.momentum === 0) {
          sgd_update(p, grad, null, group);
          continue;
        }
        const state = state_of(this.state, p);
        const buf = state.momentum_buffer;
        state.momentum_buffer = sgd_update(p, grad, buf instanceof Tensor ? buf : null, group)!;
      }
    });
  }
}

/**
 * One SGD update of `p` in place; returns the momentum buffer (created from the first gradient when `buf`
 * is null and momentum is on). Every intermediate tensor of PyTorch's op sequence is rounded to `p`'s
 * dtype, and scalars are cast to it as PyTorch's kernels do.
 */
function sgd_update(p: Tensor, grad: Tensor, buf: Tensor | null, h: SGDOptions): Tensor | null {
  const r = rounder(p);
  const g = values_of(grad);
  const sign = h.maximize ? -1 : 1;
  const wd = r(h.weight_decay);
  const momentum = r(h.momentum);
  const keep = r(1 - h.dampening);
  const neg_lr = r(-h.lr);
  const first = buf === null && h.momentum !== 0;
  const buffer = buf === null ? (first ? torch.zeros_like(p) : null) : buf.contiguous();
  const b = buffer === null ? null : buffer._storage.data;
  const bo = buffer === null ? 0 : buffer._offset;
  write_elements(p, (d, o) => {
    if (d instanceof Float32Array && g instanceof Float32Array && (b === null || b instanceof Float32Array)) {
      if (b === null && h.weight_decay === 0) sgd_plain_f32(d, o, g, neg_lr * sign);
      else sgd_f32(d, o, g, b, bo, { sign, decay: h.weight_decay !== 0, wd, momentum, keep, neg_lr, first, nesterov: h.nesterov });
      return;
    }
    if (b === null && h.weight_decay === 0) {
      // plain SGD, the common case, in a loop of its own (the general one below costs several times more)
      for (let i = 0; i < g.length; i++) d[o + i] = r(d[o + i]! + neg_lr * (sign * g[i]!));
      return;
    }
    for (let i = 0; i < g.length; i++) {
      let dp = sign * g[i]!;
      if (h.weight_decay !== 0) dp = r(dp + wd * d[o + i]!);
      if (b !== null) {
        const next = first ? dp : r(r(b[bo + i]! * momentum) + keep * dp);
        b[bo + i] = next;
        dp = h.nesterov ? r(dp + momentum * next) : next;
      }
      d[o + i] = r(d[o + i]! + neg_lr * dp);
    }
  });
  if (buffer !== null) buffer._storage.version++;
  return buffer;
}

/**
 * Plain SGD on float32 memory, `d[o + i] += a * g[i]` with `a = -lr` (or `lr` to maximize): the product is exact
 * in float64 and the store rounds the sum to float32 once, as the general loop's `fround` does.
 */
function sgd_plain_f32(d: Float32Array, o: number, g: Float32Array, a: number): void {
  for (let i = 0, n = g.length; i < n; i++) d[o + i] += a * g[i]!;
}

/** The scalars of one float32 SGD update with weight decay and/or momentum (each already rounded to float32). */
interface F32Update {
  sign: number;
  decay: boolean;
  wd: number;
  momentum: number;
  keep: number;
  neg_lr: number;
  first: boolean;
  nesterov: boolean;
}

/**
 * SGD with weight decay and/or momentum on float32 memory (`b` the momentum buffer, or null): the general
 * loop's arithmetic and roundings, in one monomorphic pass over `p`, its gradient and its buffer.
 */
function sgd_f32(d: Float32Array, o: number, g: Float32Array, b: Float32Array | null, bo: number, u: F32Update): void {
  const { sign, decay, wd, momentum, keep, neg_lr, first, nesterov } = u;
  const fr = Math.fround;
  for (let i = 0, n = g.length; i < n; i++) {
    let dp = sign * g[i]!;
    if (decay) dp = fr(dp + wd * d[o + i]!);
    if (b !== null) {
      const next = first ? dp : fr(fr(b[bo + i]! * momentum) + keep * dp);
      b[bo + i] = next;
      dp = nesterov ? fr(dp + momentum * next) : next;
    }
    d[o + i] = fr(d[o + i]! + neg_lr * dp);
  }
}
