// nn.SyncBatchNorm: batch normalisation over any (N, C, +) input whose statistics a distributed run would
// gather across processes. tsgrad has no process groups, so, as PyTorch 2.x does when torch.distributed is not
// initialized, it normalises with the local batch's statistics; convert_sync_batchnorm swaps it into a model.
import type { SignatureOptions, Tensor } from '@tsgrad/core';
import type { Module } from '../module.js';
import { BatchNormBase, type BatchNormOptions } from './batch_norm.js';

/** `nn.SyncBatchNorm`'s options: BatchNorm's and the (unused here) `process_group`. */
export interface SyncBatchNormOptions extends BatchNormOptions {
  /** The processes whose statistics would be combined; kept for PyTorch compatibility (there are none here). */
  process_group?: unknown;
}

/**
 * Batch normalisation over `[N, C, *]` inputs of any rank ≥ 2. Without a distributed run (always, in tsgrad) it
 * computes exactly what BatchNorm1d/2d/3d compute on the same input.
 *
 * @example
 * const net = nn.SyncBatchNorm.convert_sync_batchnorm(new nn.Sequential(new nn.Conv2d(3, 8, 3), new nn.BatchNorm2d(8)));
 * String(net.at(1)); // 'SyncBatchNorm(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)'
 */
export class SyncBatchNorm extends BatchNormBase {
  static override readonly __name__: string = 'SyncBatchNorm';
  /** The process group given to the constructor (null: the whole world, were there one). */
  readonly process_group: unknown;

  /** Its own __init__, so PyTorch's argument errors name SyncBatchNorm itself. */
  static override readonly signature_options: SignatureOptions = {};

  static override schema(name: string): string {
    return `${name}(int num_features, float eps=1e-05, float? momentum=0.1, bool affine=True, bool track_running_stats=True, Any? process_group=None, Device? device=None, ScalarType? dtype=None)`;
  }

  constructor(
    ...args:
      | []
      | [num_features: number, eps?: number, momentum?: number | null, affine?: boolean, track_running_stats?: boolean, process_group?: unknown, options?: SyncBatchNormOptions]
      | [options: SyncBatchNormOptions]
  ) {
    super(...(args as ConstructorParameters<typeof BatchNormBase>));
    this.process_group = (BatchNormBase.parser(SyncBatchNorm).parse(args) as { process_group?: unknown }).process_group ?? null;
  }

  /** @internal */
  protected check_input_dim(input: Tensor): void {
    if (input.ndim < 2) throw new Error(`expected at least 2D input (got ${input.ndim}D input)`);
    if (input._shape[1] === 0) throw new Error('SyncBatchNorm number of input channels should be non-zero');
  }

  /**
   * `module` with every batch norm layer in it (itself included) replaced by a SyncBatchNorm with the same
   * settings, sharing its weight, bias and running statistics; other modules keep their place and identity.
   *
   * @example
   * const sync = nn.SyncBatchNorm.convert_sync_batchnorm(models.resnet18());
   */
  static convert_sync_batchnorm<M extends Module>(module: M, process_group: unknown = null): M | SyncBatchNorm {
    const convert = (m: Module): Module => {
      if (!(m instanceof BatchNormBase)) return m;
      const out = new SyncBatchNorm(m.num_features, m.eps, m.momentum, m.affine, m.track_running_stats, process_group);
      if (m.affine) {
        out.weight = m.weight;
        out.bias = m.bias;
      }
      out.running_mean = m.running_mean;
      out.running_var = m.running_var;
      out.num_batches_tracked = m.num_batches_tracked;
      return out;
    };
    const root = convert(module);
    // each converted module adopts the original's children, converted in turn (a walk, not a recursion)
    const pending: [Module, Module][] = [[module, root]];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [from, to] = next;
      for (const [name, child] of [...from.named_children()]) {
        const c = convert(child);
        to.add_module(name, c);
        pending.push([child, c]);
      }
    }
    return root as M | SyncBatchNorm;
  }
}
