// nn.utils.parametrizations: weight_norm and spectral_norm as parametrizations (PyTorch 2.x's replacements for
// nn.utils.weight_norm / spectral_norm, which register forward pre-hooks instead).
import * as torch from '@tsgrad/core';
import { no_grad, signature, Tensor } from '@tsgrad/core';
import { normalize } from './functional_misc.js';
import { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from './layers/conv_nd.js';
import { Module, type StateDict } from './module.js';
import { register_parametrization } from './parametrize.js';

const WEIGHT_NORM = signature<{ module: Module; name: string; dim: number | null }>("weight_norm(Object module, str name='weight', int? dim=0)");
const SPECTRAL_NORM = signature<{ module: Module; name: string; n_power_iterations: number; eps: number; dim: number | null }>(
  "spectral_norm(Object module, str name='weight', int n_power_iterations=1, float eps=1e-12, int? dim=None)");

/**
 * The parametrization weight_norm registers: `weight = g · v / ‖v‖` from the originals g (`original0`) and v
 * (`original1`).
 *
 * @example
 * new nn.utils.parametrizations._WeightNorm(0).forward(g, v);
 */
export class _WeightNorm extends Module {
  static override readonly __name__: string = '_WeightNorm';
  /** The dim whose slices get one norm each (-1: the whole tensor). */
  readonly dim: number;
  constructor(dim: number | null = 0) {
    super();
    this.dim = dim ?? -1;
  }
  override forward(weight_g: Tensor, weight_v: Tensor): Tensor {
    return torch._weight_norm(weight_v, weight_g, this.dim);
  }
  /** g and v for a weight: its slice norms and itself. */
  right_inverse(weight: Tensor): Tensor[] {
    return [torch.norm_except_dim(weight, 2, this.dim), weight];
  }
}

/**
 * Re-expresses `name` (default 'weight') as `g · v / ‖v‖` through a parametrization: the module's
 * `parametrizations[name]` holds `original0` (g) and `original1` (v). A state dict saved with the old
 * `weight_g` / `weight_v` keys still loads. PyTorch 2.x's `torch.nn.utils.parametrizations.weight_norm`.
 *
 * @example
 * const m = nn.utils.parametrizations.weight_norm(new nn.Linear(20, 40));
 * m.parametrizations.weight.original0.shape; // [40, 1]
 */
export function weight_norm<M extends Module>(...args: [module: M, name?: string, dim?: number | null, options?: { name?: string; dim?: number | null }]): M {
  const { module: m, name, dim } = WEIGHT_NORM.parse(args);
  const module = m as M;
  register_parametrization(module, name, new _WeightNorm(dim), { unsafe: true });
  module._register_load_state_dict_pre_hook(((state_dict: StateDict, prefix: string) => {
    const sd = state_dict as Record<string, Tensor>;
    const [g, v] = [`${prefix}${name}_g`, `${prefix}${name}_v`];
    if (g in sd && v in sd) {
      sd[`${prefix}parametrizations.${name}.original0`] = sd[g]!;
      sd[`${prefix}parametrizations.${name}.original1`] = sd[v]!;
      delete sd[g];
      delete sd[v];
    }
  }) as (...args: never[]) => void);
  return module;
}

/**
 * The parametrization spectral_norm registers: the weight divided by its largest singular value, estimated by
 * power iteration on the buffers `_u` and `_v` (15 steps at registration, `n_power_iterations` per training
 * forward, none in eval); a 1-d weight is simply normalised.
 *
 * @example
 * new nn.utils.parametrizations._SpectralNorm(weight, 1, 0, 1e-12);
 */
export class _SpectralNorm extends Module {
  static override readonly __name__: string = '_SpectralNorm';
  /** The dim holding the outputs. */
  readonly dim: number;
  /** Added to norms in the power iteration. */
  readonly eps: number;
  /** Power-iteration steps per training forward. */
  n_power_iterations = 1;
  /** The left singular-vector estimate (a buffer). */
  declare _u: Tensor;
  /** The right singular-vector estimate (a buffer). */
  declare _v: Tensor;

  constructor(weight: Tensor, n_power_iterations = 1, dim = 0, eps = 1e-12) {
    super();
    const ndim = weight.ndim;
    if (dim >= ndim || dim < -ndim) throw new RangeError(`Dimension out of range (expected to be in range of [-${ndim}, ${ndim - 1}] but got ${dim})`);
    if (n_power_iterations <= 0) throw new Error(`Expected n_power_iterations to be positive, but got n_power_iterations=${n_power_iterations}`);
    this.dim = dim >= 0 ? dim : dim + ndim;
    this.eps = eps;
    if (ndim > 1) {
      this.n_power_iterations = n_power_iterations;
      const mat = this._reshape_weight_to_matrix(weight);
      const [h, w] = mat._shape as [number, number];
      const u = mat.new_empty([h]).normal_(0, 1);
      const v = mat.new_empty([w]).normal_(0, 1);
      this.register_buffer('_u', normalize(u, { dim: 0, eps: this.eps }));
      this.register_buffer('_v', normalize(v, { dim: 0, eps: this.eps }));
      this._power_method(mat, 15);
    }
  }

  /** The weight as a matrix: `dim` moved first, the rest flattened. */
  _reshape_weight_to_matrix(weight: Tensor): Tensor {
    const w = this.dim === 0 ? weight : weight.permute([this.dim, ...weight._shape.map((_, i) => i).filter((i) => i !== this.dim)]);
    return w.flatten(1);
  }

  /** `n` steps of power iteration, refining `_u` then `_v` in place. */
  _power_method(mat: Tensor, n: number): void {
    no_grad(() => {
      for (let i = 0; i < n; i++) {
        this._u.copy_(normalize(torch.mv(mat, this._v), { dim: 0, eps: this.eps }));
        this._v.copy_(normalize(torch.mv(mat.t(), this._u), { dim: 0, eps: this.eps }));
      }
    });
  }

  override forward(weight: Tensor): Tensor {
    if (weight.ndim === 1) return normalize(weight, { dim: 0, eps: this.eps });
    const mat = this._reshape_weight_to_matrix(weight);
    if (this.training) this._power_method(mat, this.n_power_iterations);
    const u = this._u.clone();
    const v = this._v.clone();
    return weight.div(torch.dot(u, torch.mv(mat, v)));
  }

  /** The stored original is the weight itself. */
  right_inverse(value: Tensor): Tensor {
    return value;
  }
}

/**
 * Divides `name` (default 'weight') by its spectral norm through a parametrization (PyTorch 2.x's
 * `torch.nn.utils.parametrizations.spectral_norm`); `dim` defaults to 1 for ConvTranspose layers, else 0.
 *
 * @example
 * const d = nn.utils.parametrizations.spectral_norm(new nn.Linear(20, 40));
 */
export function spectral_norm<M extends Module>(
  ...args: [module: M, name?: string, n_power_iterations?: number, eps?: number, dim?: number | null, options?: { name?: string; n_power_iterations?: number; eps?: number; dim?: number | null }]
): M {
  const { module: m, name, n_power_iterations, eps, dim } = SPECTRAL_NORM.parse(args);
  const module = m as M;
  const weight = (module as unknown as Record<string, unknown>)[name];
  if (!(weight instanceof Tensor)) throw new Error(`Module '${String(module)}' has no parameter or buffer with name '${name}'`);
  const transposed = module instanceof ConvTranspose1d || module instanceof ConvTranspose2d || module instanceof ConvTranspose3d;
  register_parametrization(module, name, new _SpectralNorm(weight, n_power_iterations, dim ?? (transposed ? 1 : 0), eps));
  return module;
}
