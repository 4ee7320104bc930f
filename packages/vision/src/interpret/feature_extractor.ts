// Records chosen layers' outputs (and the gradients w.r.t. them) during model calls, through forward and tensor hooks.
import type { Tensor } from '@tsgrad/core';
import type { RemovableHandle } from '@tsgrad/hooks';
import type * as nn from '@tsgrad/nn';
import { select_output, type OutputSelector } from './targets.js';

/** A layer named by its dotted path in the model (`'conv2'`, `'features.4'`, `''` for the model) or given as the module. */
export type LayerRef = string | nn.Module;

/**
 * The dotted path and module of `layer` inside `model`; throws if the path does not exist or the module is
 * not part of the model.
 *
 * @example
 * resolve_layer(net, 'conv2');    // ['conv2', net.conv2]
 * resolve_layer(net, net.conv2);  // ['conv2', net.conv2]
 */
export function resolve_layer(model: nn.Module, layer: LayerRef): [string, nn.Module] {
  if (typeof layer === 'string') return [layer, model.get_submodule(layer)];
  for (const [path, m] of model.named_modules()) if (m === layer) return [path, m];
  throw new Error(`${layer._get_name()} is not a submodule of ${model._get_name()}`);
}

const shown = (name: string): string => (name === '' ? '<root>' : name);

interface CallRecord {
  feature: Tensor | null;
  gradient: Tensor | null;
  requires_grad: boolean;
  error: string | null;
}

/** Options of `FeatureExtractor`. */
export interface FeatureExtractorOptions {
  /** Also record the gradient w.r.t. each recorded output when a backward pass reaches it (default false). */
  gradients?: boolean;
  /** Picks the tensor to record from layers that return tuples or records. */
  output_selector?: OutputSelector;
}

/**
 * Records the outputs of the named layers at every call of the model, and with `{ gradients: true }` the
 * gradient w.r.t. each of those outputs once a backward pass reaches it. Outputs and gradients are stored
 * as detached copies, so later in-place ops (e.g. `ReLU(inplace)`) cannot change them. Gradients come from
 * a tensor hook on each recorded output — the same value a full backward hook sees as `grad_output[0]` —
 * so the modules' backward-hook kind is left untouched. `remove()` (or `using`) removes every hook it
 * added; the records stay readable.
 *
 * @example
 * using fx = new FeatureExtractor(net, ['conv1', net.conv2], { gradients: true });
 * net.call(x).index([0, 3]).backward();
 * fx.feature('conv2').shape;  // [1, 20, 8, 8]
 * fx.gradient('conv2').shape; // [1, 20, 8, 8]
 */
export class FeatureExtractor implements Disposable {
  /** Recorded layers by dotted path, in the order given. */
  readonly layers: ReadonlyMap<string, nn.Module>;
  private readonly records = new Map<string, CallRecord[]>();
  private readonly handles: RemovableHandle[] = [];
  private tensor_handles: RemovableHandle[] = [];
  private readonly record_gradients: boolean;

  /**
   * @param model - The model whose layers are recorded.
   * @param layers - The layers to record (modules of the model or dotted paths).
   */
  constructor(readonly model: nn.Module, layers: readonly LayerRef[], options: FeatureExtractorOptions = {}) {
    this.record_gradients = options.gradients ?? false;
    const resolved = new Map<string, nn.Module>();
    for (const layer of layers) {
      const [name, module] = resolve_layer(model, layer);
      resolved.set(name, module);
    }
    if (resolved.size === 0) throw new Error('FeatureExtractor needs at least one layer');
    this.layers = resolved;
    try {
      for (const [name, module] of resolved) {
        this.records.set(name, []);
        this.handles.push(module.register_forward_hook((_m, _args, output) => this.record(name, output, options.output_selector)));
      }
    } catch (err) {
      this.remove();
      throw err;
    }
  }

  private record(name: string, output: unknown, output_selector: OutputSelector | undefined): void {
    const list = this.records.get(name)!;
    let t: Tensor;
    try {
      t = select_output(output, output_selector);
    } catch (err) {
      list.push({ feature: null, gradient: null, requires_grad: false, error: `layer '${shown(name)}': ${(err as Error).message}` });
      return;
    }
    const rec: CallRecord = { feature: t.detach().clone(), gradient: null, requires_grad: t.requires_grad, error: null };
    list.push(rec);
    if (this.record_gradients && t.requires_grad) {
      this.tensor_handles.push(t.register_hook((g: Tensor | null) => {
        // null when another output of the node producing this one got the gradient
        rec.gradient = g === null ? null : g.detach().clone();
      }));
    }
  }

  private call_record(layer: LayerRef, call: number): CallRecord {
    const name = typeof layer === 'string' ? layer : [...this.layers].find(([, m]) => m === layer)?.[0];
    const list = name === undefined ? undefined : this.records.get(name);
    if (name === undefined || list === undefined) {
      const what = typeof layer === 'string' ? `'${layer}'` : layer._get_name();
      throw new Error(`${what} is not one of the recorded layers (${[...this.layers.keys()].map(shown).join(', ')})`);
    }
    if (list.length === 0) throw new Error(`layer '${shown(name)}' has not run since the FeatureExtractor was created or cleared`);
    const i = call < 0 ? list.length + call : call;
    const rec = list[i];
    if (rec === undefined) throw new Error(`layer '${shown(name)}' ran ${list.length} time(s); call index ${call} is out of range`);
    if (rec.error !== null) throw new Error(rec.error);
    return rec;
  }

  /**
   * The output of `layer` at its `call`-th call (default: the last), as a detached copy.
   *
   * @example
   * fx.feature('conv2');      // last call
   * fx.feature(net.conv2, 0); // first call
   */
  feature(layer: LayerRef, call = -1): Tensor {
    return this.call_record(layer, call).feature!;
  }

  /**
   * The gradient w.r.t. the output of `layer` at its `call`-th call (default: the last), from the latest
   * backward pass that reached it.
   *
   * @example
   * fx.gradient('conv2');
   */
  gradient(layer: LayerRef, call = -1): Tensor {
    if (!this.record_gradients) throw new Error('this FeatureExtractor records no gradients; create it with { gradients: true }');
    const rec = this.call_record(layer, call);
    if (rec.gradient === null) {
      const name = typeof layer === 'string' ? layer : layer._get_name();
      const why = rec.requires_grad ? 'no backward pass has reached its output yet' : 'its output did not require grad (enable grad and make the input or the parameters require grad)';
      throw new Error(`no gradient was recorded for layer '${shown(name)}': ${why}`);
    }
    return rec.gradient;
  }

  /**
   * How many times `layer` ran since the extractor was created or cleared.
   *
   * @example
   * fx.calls('conv2'); // 1 after one forward pass
   */
  calls(layer: LayerRef): number {
    const [name] = resolve_layer(this.model, layer);
    return this.records.get(name)?.length ?? 0;
  }

  /**
   * The last recorded output of every layer that ran, by dotted path.
   *
   * @example
   * for (const [name, f] of fx.features()) console.log(name, f.shape);
   */
  features(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [name, list] of this.records) {
      const f = list[list.length - 1]?.feature;
      if (f !== null && f !== undefined) out.set(name, f);
    }
    return out;
  }

  /**
   * Forgets the records (the hooks stay registered), e.g. between batches.
   *
   * @example
   * fx.clear(); net.call(next_batch);
   */
  clear(): void {
    for (const list of this.records.values()) list.length = 0;
    for (const h of this.tensor_handles) h.remove();
    this.tensor_handles = [];
  }

  /**
   * Removes every hook this extractor registered; idempotent. Records stay readable.
   *
   * @example
   * fx.remove(); nn.utils.list_hooks(net); // as before the extractor
   */
  remove(): void {
    for (const h of this.handles) h.remove();
    for (const h of this.tensor_handles) h.remove();
    this.handles.length = 0;
    this.tensor_handles = [];
  }

  /** `using fx = new FeatureExtractor(...)` removes its hooks at the end of the block. */
  [Symbol.dispose](): void {
    this.remove();
  }
}

/**
 * Runs `fn` and returns what `layer` output during it (its last call), as a detached copy — the usual
 * `save_feat` forward hook in one line, removed afterwards even if `fn` throws.
 *
 * @example
 * const feat = capture(net, 'conv2', () => net.call(x)); // [1, 20, 8, 8]
 */
export function capture(model: nn.Module, layer: LayerRef, fn: () => unknown, options: { output_selector?: OutputSelector } = {}): Tensor {
  const fx = new FeatureExtractor(model, [layer], options);
  try {
    fn();
    return fx.feature(layer);
  } finally {
    fx.remove();
  }
}
