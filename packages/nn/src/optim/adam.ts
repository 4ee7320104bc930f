// Adam (L2 weight decay into the gradient, optional AMSGrad) and AdamW (decoupled weight decay).
import * as torch from '@tsgrad/core';
import { signature, type PyArgs, type Tensor, type TypedArray } from '@tsgrad/core';
import {
  increment_step, new_step, optimizer_args, Optimizer, py_str, rounder, state_of, state_buffer, values_of, write_elements,
  type Closure, type HyperParams, type ParamGroup, type ParamsInput, type ParamState,
} from './optimizer.js';

/** Adam / AdamW hyper-parameters. */
export interface AdamOptions extends HyperParams {
  /** Learning rate. Default 0.001. */
  lr: number;
  /** Decay rates of the running averages of the gradient and of its square. Default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** Weight decay. Default 0 (AdamW: 0.01). */
  weight_decay: number;
  /** Use the AMSGrad variant (the maximum of past squared-gradient averages). Default false. */
  amsgrad: boolean;
  /** Maximise the objective instead of minimising it. Default false. */
  maximize: boolean;
  /** AdamW's `p *= 1 - lr * weight_decay` instead of Adam's L2 term in the gradient (PyTorch 2.6+ option). */
  decoupled_weight_decay: boolean;
  /** Accepted for PyTorch compatibility (one implementation here); kept in `state_dict`. */
  foreach: boolean | null;
  /** Accepted for PyTorch compatibility (CUDA graphs); kept in `state_dict`. */
  capturable: boolean;
  /** Accepted for PyTorch compatibility: the update is never part of the autograd graph here. */
  differentiable: boolean;
  /** Accepted for PyTorch compatibility (one implementation here); kept in `state_dict`. */
  fused: boolean | null;
}

const adam_signature = (name: string, weight_decay: string, decoupled: string): ReturnType<typeof signature<AdamOptions & { params: unknown }>> => signature<AdamOptions & { params: unknown }>(
  `${name}(Any params, float lr=0.001, float[2] betas=(0.9, 0.999), float eps=1e-08, float weight_decay=${weight_decay}, bool amsgrad=False, *, bool? foreach=None, bool maximize=False, bool capturable=False, bool differentiable=False, bool? fused=None, bool decoupled_weight_decay=${decoupled})`);
const ADAM_SIGNATURE = adam_signature('Adam', '0', 'False');
const ADAMW_SIGNATURE = adam_signature('AdamW', '0.01', 'True');
type AdamArgs = PyArgs<[params: ParamsInput<AdamOptions>, lr: number, betas: [number, number], eps: number, weight_decay: number, amsgrad: boolean], Partial<AdamOptions>>;

function validate(o: AdamOptions): void {
  if (!(o.lr >= 0)) throw new Error(`Invalid learning rate: ${py_str(o.lr)}`);
  if (!(o.eps >= 0)) throw new Error(`Invalid epsilon value: ${py_str(o.eps)}`);
  o.betas.forEach((b, i) => {
    if (!(b >= 0 && b < 1)) throw new Error(`Invalid beta parameter at index ${i}: ${py_str(b)}`);
  });
  if (!(o.weight_decay >= 0)) throw new Error(`Invalid weight_decay value: ${py_str(o.weight_decay)}`);
}


/**
 * PyTorch's `torch.optim.Adam`, single-tensor implementation. Step `t = 1, 2, …`:
 * `g += weight_decay * p`; `m = β1 m + (1-β1) g`; `v = β2 v + (1-β2) g²`;
 * `p -= lr / (1-β1^t) · m / (sqrt(v) / sqrt(1-β2^t) + eps)` (with AMSGrad, `v` is replaced by its running
 * maximum). State keys: `step` (0-dim float tensor), `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq` (AMSGrad).
 *
 * @example
 * const opt = new optim.Adam(net.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 * opt.zero_grad(); loss.backward(); opt.step();
 */
export class Adam extends Optimizer<AdamOptions> {
  /** PyTorch's class name, used in its repr and messages. */
  static readonly __name__: string = 'Adam';
  constructor(...args: AdamArgs) {
    const [params, defaults] = optimizer_args(new.target === AdamW ? ADAMW_SIGNATURE : ADAM_SIGNATURE, args);
    validate(defaults);
    super(params, defaults);
  }

  override step(closure?: Closure): Tensor | number | undefined {
    return this._step_groups(closure, (group) => {
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        const state = state_of(this.state, p);
        if (Object.keys(state).length === 0) init_state(state, p, group.amsgrad);
        adam_update(p, grad, state, group);
      }
    });
  }

  protected override _required_state(group: ParamGroup<AdamOptions>): string[] {
    return ['step', 'exp_avg', 'exp_avg_sq', ...(group.amsgrad ? ['max_exp_avg_sq'] : [])];
  }
}

/**
 * PyTorch's `torch.optim.AdamW`: Adam with decoupled weight decay `p *= 1 - lr * weight_decay` applied before
 * the moment update (default `weight_decay` 1e-2; `decoupled_weight_decay` is always true).
 *
 * @example
 * const opt = new optim.AdamW(net.parameters(), { lr: 1e-3, weight_decay: 0.01 });
 */
export class AdamW extends Adam {
  /** PyTorch's class name, used in its repr and messages. */
  static override readonly __name__: string = 'AdamW';
  constructor(...args: AdamArgs) {
    super(...args);
  }
}

function init_state(state: ParamState, p: Tensor, amsgrad: boolean): void {
  state.step = new_step();
  state.exp_avg = torch.zeros_like(p);
  state.exp_avg_sq = torch.zeros_like(p);
  if (amsgrad) state.max_exp_avg_sq = torch.zeros_like(p);
}

/**
 * One Adam/AdamW update of `p` and its moments in place, rounding every intermediate tensor of PyTorch's
 * op sequence (mul_, add_, addcmul_, sqrt, div, add_, addcdiv_) to `p`'s dtype.
 */
function adam_update(p: Tensor, grad: Tensor, state: ParamState, h: AdamOptions): void {
  const r = rounder(p);
  const [beta1, beta2] = h.betas;
  const step = increment_step(state.step!);
  const bias_correction1 = 1 - beta1 ** step;
  const bias_correction2_sqrt = Math.sqrt(1 - beta2 ** step);
  const step_size = h.lr / bias_correction1;

  const g = values_of(grad);
  const sign = h.maximize ? -1 : 1;
  const decay = r(1 - h.lr * h.weight_decay);
  const wd = r(h.weight_decay);
  const b1 = r(beta1);
  const b2 = r(beta2);
  const one_minus_b1 = r(1 - beta1);
  const one_minus_b2 = r(1 - beta2);
  const bc2 = r(bias_correction2_sqrt);
  const eps = r(h.eps);
  const neg_step_size = r(-step_size);
  const m_t = state_buffer(state, 'exp_avg');
  const v_t = state_buffer(state, 'exp_avg_sq');
  const max_t = h.amsgrad ? state_buffer(state, 'max_exp_avg_sq') : null;
  const m = m_t._storage.data;
  const v = v_t._storage.data;
  const mx = max_t?._storage.data ?? null;
  const mo = m_t._offset;
  const vo = v_t._offset;
  const xo = max_t?._offset ?? 0;
  const mode = h.decoupled_weight_decay ? DECOUPLED : h.weight_decay !== 0 ? L2 : NO_DECAY;
  const u: AdamScalars = { sign, mode, decay, wd, b1, b2, one_minus_b1, one_minus_b2, bc2, eps, neg_step_size };
  write_elements(p, (d, o) => adam_loop(d, o, g, m, mo, v, vo, mx, xo, u, r));
  for (const t of [m_t, v_t, max_t]) if (t !== null) t._storage.version++;
}

/** How weight decay enters an Adam update: none, added to the gradient (Adam), or decoupled (AdamW). */
const NO_DECAY = 0;
const L2 = 1;
const DECOUPLED = 2;

/** The scalars of one Adam/AdamW update (each already rounded to the parameter's dtype). */
interface AdamScalars {
  sign: number;
  mode: number;
  decay: number;
  wd: number;
  b1: number;
  b2: number;
  one_minus_b1: number;
  one_minus_b2: number;
  bc2: number;
  eps: number;
  neg_step_size: number;
}

/**
 * `adam_update`'s loop (`mx` the AMSGrad maximum, or null), `r` rounding each intermediate to the parameter's
 * dtype: one pass over the parameter, its gradient and its moments, the hyper-parameters as locals (read off an
 * options object per element, the loop took half as long again).
 */
function adam_loop(d: TypedArray, o: number, g: ArrayLike<number>, m: TypedArray, mo: number, v: TypedArray, vo: number, mx: TypedArray | null, xo: number, u: AdamScalars, r: (x: number) => number): void {
  const { sign, mode, decay, wd, b1, b2, one_minus_b1, one_minus_b2, bc2, eps, neg_step_size } = u;
  for (let i = 0, n = g.length; i < n; i++) {
    let gi = sign * g[i]!;
    if (mode === DECOUPLED) d[o + i] = r(d[o + i]! * decay);
    else if (mode === L2) gi = r(gi + wd * d[o + i]!);
    const mi = r(r(m[mo + i]! * b1) + one_minus_b1 * gi);
    const vi = r(r(v[vo + i]! * b2) + r(one_minus_b2 * gi) * gi);
    m[mo + i] = mi;
    v[vo + i] = vi;
    let second = vi;
    if (mx !== null) {
      second = Math.max(mx[xo + i]!, vi);
      mx[xo + i] = second;
    }
    const denom = r(r(r(Math.sqrt(second)) / bc2) + eps);
    d[o + i] = r(d[o + i]! + r(r(neg_step_size * mi) / denom));
  }
}
