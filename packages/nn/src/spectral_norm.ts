// nn.utils.spectral_norm / remove_spectral_norm: a parameter divided by its largest singular value, estimated by
// power iteration in a forward pre-hook, with the state-dict hooks that version the saved form.
import * as torch from '@tsgrad/core';
import { no_grad, signature, type Tensor } from '@tsgrad/core';
import type { RemovableHandle } from '@tsgrad/hooks';
import { normalize } from './functional_misc.js';
import { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from './layers/conv_nd.js';
import { HookOwners } from './hook_owners.js';
import { Module, type StateDict } from './module.js';
import { Parameter } from './parameter.js';

/**
 * What spectral_norm registers (PyTorch's `SpectralNorm` object): before every forward, `name` becomes
 * `<name>_orig / σ`, σ estimated from the buffers `<name>_u` and `<name>_v`, which `n_power_iterations` steps of
 * power iteration refine in training mode.
 *
 * @example
 * const fn = new nn.utils.SpectralNorm('weight', 1, 0, 1e-12); // as spectral_norm makes it
 */
export class SpectralNorm {
  /** The class name (minification-proof). */
  static readonly __name__: string = 'SpectralNorm';
  /** The format version written into a state dict's metadata (`spectral_norm: { 'weight.version': 1 }`). */
  static readonly _version: number = 1;
  /** The parameter normalised ('weight'). */
  readonly name: string;
  /** Power-iteration steps per training forward. */
  readonly n_power_iterations: number;
  /** The dim holding the outputs (moved first before the weight is viewed as a matrix). */
  readonly dim: number;
  /** Added to norms in the power iteration. */
  readonly eps: number;
  /** The forward pre-hook this object registered. */
  readonly hook: (module: Module, inputs: unknown) => void;
  /** The handles of its state-dict hook and load pre-hook (removed with it). */
  _handles: RemovableHandle[] = [];

  constructor(name = 'weight', n_power_iterations = 1, dim = 0, eps = 1e-12) {
    if (n_power_iterations <= 0) throw new Error(`Expected n_power_iterations to be positive, but got n_power_iterations=${n_power_iterations}`);
    this.name = name;
    this.n_power_iterations = n_power_iterations;
    this.dim = dim;
    this.eps = eps;
    this.hook = (module: Module) => {
      fields(module)[this.name] = this.compute_weight(module, module.training);
    };
    owners.add(this.hook, this);
  }

  /** The weight as a matrix: `dim` moved first, the rest flattened. */
  reshape_weight_to_matrix(weight: Tensor): Tensor {
    const w = this.dim === 0 ? weight : weight.permute([this.dim, ...weight._shape.map((_, i) => i).filter((i) => i !== this.dim)]);
    return w.reshape(w._shape[0]!, -1);
  }

  /** `<name>_orig / σ`, σ = uᵀ W v; with `do_power_iteration`, u and v are first refined in place. */
  compute_weight(module: Module, do_power_iteration: boolean): Tensor {
    const f = fields(module);
    const weight = f[`${this.name}_orig`] as Tensor;
    let u = f[`${this.name}_u`] as Tensor;
    let v = f[`${this.name}_v`] as Tensor;
    const mat = this.reshape_weight_to_matrix(weight);
    if (do_power_iteration) {
      no_grad(() => {
        for (let i = 0; i < this.n_power_iterations; i++) {
          // the buffers are updated in place, as PyTorch's normalize(..., out=)
          v.copy_(normalize(torch.mv(mat.t(), u), { dim: 0, eps: this.eps }));
          u.copy_(normalize(torch.mv(mat, v), { dim: 0, eps: this.eps }));
        }
      });
      // the copies, not the buffers, are what σ's graph saves: later in-place refinements do not reach it
      u = u.clone();
      v = v.clone();
    }
    const sigma = torch.dot(u, torch.mv(mat, v));
    return weight.div(sigma);
  }

  /** Puts `name` back as one plain parameter (the current W / σ, no further iteration); drops the buffers. */
  remove(module: Module): void {
    const weight = no_grad(() => this.compute_weight(module, false));
    const f = fields(module);
    for (const suffix of ['', '_u', '_v', '_orig']) delete f[`${this.name}${suffix}`];
    module.register_parameter(this.name, new Parameter(weight.detach()));
  }

  /** A v for which uᵀ W v = target σ (loading a state dict saved before versioning, which had no v). */
  _solve_v_and_rescale(mat: Tensor, u: Tensor, target_sigma: Tensor): Tensor {
    const v = torch.linalg.multi_dot([mat.t().mm(mat).pinverse(), mat.t(), u.unsqueeze(1)]).squeeze(1);
    return v.mul_(target_sigma.div(torch.dot(u, torch.mv(mat, v))));
  }
}

const fields = (m: Module): Record<string, unknown> => m as unknown as Record<string, unknown>;
/** The SpectralNorm behind each registered hook function. */
const owners = new HookOwners<SpectralNorm>((s) => s.name);

/** Writes the format version into the module's state-dict metadata (PyTorch's SpectralNormStateDictHook). */
function version_hook(fn: SpectralNorm) {
  return (_m: Module, _sd: StateDict, _prefix: string, local_metadata: Record<string, unknown>): void => {
    const meta = (local_metadata['spectral_norm'] ??= {}) as Record<string, unknown>;
    const key = `${fn.name}.version`;
    if (key in meta) throw new Error(`Unexpected key in metadata['spectral_norm']: ${key}`);
    meta[key] = SpectralNorm._version;
  };
}

/**
 * Loads a state dict saved before the version was written (it holds `<name>` and `<name>_orig` but no v): v is
 * solved from u and the saved σ (PyTorch's SpectralNormLoadStateDictPreHook).
 */
function load_hook(fn: SpectralNorm) {
  return (_m: Module, state_dict: StateDict, prefix: string, local_metadata: Record<string, unknown>, strict: boolean, missing_keys: string[]): void => {
    const version = ((local_metadata['spectral_norm'] ?? {}) as Record<string, number | undefined>)[`${fn.name}.version`];
    if (version !== undefined && version >= 1) return;
    const key = prefix + fn.name;
    const sd = state_dict as Record<string, Tensor>;
    if (version === undefined && ['_orig', '_u', '_v'].every((s) => key + s in sd) && !(key in sd)) return;
    let missing = false;
    for (const suffix of ['_orig', '', '_u']) {
      if (!(key + suffix in sd)) {
        missing = true;
        if (strict) missing_keys.push(key + suffix);
      }
    }
    if (missing) return;
    no_grad(() => {
      const orig = sd[`${key}_orig`]!;
      const weight = sd[key]!;
      delete sd[key];
      const sigma = orig.div(weight).mean();
      sd[`${key}_v`] = fn._solve_v_and_rescale(fn.reshape_weight_to_matrix(orig), sd[`${key}_u`]!, sigma);
    });
  };
}

interface SpectralParsed { module: Module; name: string; n_power_iterations: number; eps: number; dim: number | null }
const SPECTRAL_NORM = signature<SpectralParsed>("spectral_norm(Object module, str name='weight', int n_power_iterations=1, float eps=1e-12, int? dim=None)");
const REMOVE_SPECTRAL_NORM = signature<{ module: Module; name: string }>("remove_spectral_norm(Object module, str name='weight')");

/**
 * Divides parameter `name` (default 'weight') of `module` by its spectral norm σ before every forward, σ
 * estimated by power iteration (refined `n_power_iterations` times per training forward, frozen in eval mode):
 * the parameter becomes `<name>_orig`, buffers `<name>_u` and `<name>_v` hold the singular-vector estimates
 * (drawn from the default generator, as PyTorch draws them). `dim` defaults to 1 for ConvTranspose layers, else
 * 0. PyTorch's `torch.nn.utils.spectral_norm`; returns the module.
 *
 * @example
 * const d = nn.utils.spectral_norm(new nn.Linear(20, 40));
 * d.weight_u.shape; // [40]
 */
export function spectral_norm<M extends Module>(...args: [module: M, name?: string, n_power_iterations?: number, eps?: number, dim?: number | null, options?: { name?: string; n_power_iterations?: number; eps?: number; dim?: number | null }]): M {
  const a = SPECTRAL_NORM.parse(args);
  const module = a.module as M;
  const transposed = module instanceof ConvTranspose1d || module instanceof ConvTranspose2d || module instanceof ConvTranspose3d;
  const dim = a.dim ?? (transposed ? 1 : 0);
  if (owners.find(module, a.name).length > 0) throw new Error(`Cannot register two spectral_norm hooks on the same parameter ${a.name}`);
  const fn = new SpectralNorm(a.name, a.n_power_iterations, dim, a.eps);
  const weight = module._parameters.get(a.name);
  if (weight === null || weight === undefined) throw new Error(`\`SpectralNorm\` cannot be applied as parameter \`${a.name}\` is None`);
  const [u, v] = no_grad(() => {
    const mat = fn.reshape_weight_to_matrix(weight);
    const [h, w] = mat._shape as [number, number];
    return [normalize(weight.new_empty([h]).normal_(0, 1), { dim: 0, eps: fn.eps }), normalize(weight.new_empty([w]).normal_(0, 1), { dim: 0, eps: fn.eps })];
  });
  delete fields(module)[fn.name];
  module.register_parameter(`${fn.name}_orig`, weight);
  fields(module)[fn.name] = weight.data;
  module.register_buffer(`${fn.name}_u`, u);
  module.register_buffer(`${fn.name}_v`, v);
  module.register_forward_pre_hook(fn.hook);
  fn._handles = [module._register_state_dict_hook(version_hook(fn)), module.register_load_state_dict_pre_hook(load_hook(fn))];
  return module;
}

/**
 * Undoes {@link spectral_norm}: `name` is one parameter again (the current W / σ), and the hooks are removed.
 *
 * @example
 * nn.utils.remove_spectral_norm(d);
 */
export function remove_spectral_norm<M extends Module>(...args: [module: M, name?: string, options?: { name?: string }]): M {
  const a = REMOVE_SPECTRAL_NORM.parse(args);
  const module = a.module as M;
  const [found] = owners.find(module, a.name);
  if (found === undefined) throw new Error(`spectral_norm of '${a.name}' not found in ${String(module)}`);
  found[1].remove(module);
  module._forward_pre_hooks.delete(found[0]);
  for (const h of found[1]._handles) h.remove();
  return module;
}
