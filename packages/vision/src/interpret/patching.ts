// Activation caching and patching on any module tree (TransformerLens' run_with_cache / run_with_hooks), and attention rollout.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { HookSet } from '../attr/common.js';

/** The positional arguments of a call: one input, or an array of them. */
export type CallInput = Tensor | readonly unknown[];

const call_args = (input: CallInput): unknown[] => (input instanceof torch.Tensor ? [input] : [...input]);

function detached(v: unknown): unknown {
  if (v instanceof torch.Tensor) return v.detach();
  if (Array.isArray(v)) return v.map(detached);
  return v;
}

/** Options of `run_with_cache`. */
export interface RunWithCacheOptions {
  /** Which module paths to record: a list of names or a predicate (default: every submodule). */
  names_filter?: readonly string[] | ((name: string) => boolean) | null;
  /** Store detached copies (default true); false keeps the tensors in the graph (for gradients). */
  detach?: boolean;
}

/**
 * Runs `model` once and records every submodule's output by its dotted path (the last call of a module that
 * runs several times). All hooks are removed before returning, also when the model throws.
 *
 * @example
 * const [logits, cache] = run_with_cache(net, x);
 * cache.get('conv2'); // Tensor [N, 20, 8, 8]
 */
export function run_with_cache(model: nn.Module, input: CallInput, options: RunWithCacheOptions = {}): [unknown, Map<string, unknown>] {
  const filter = options.names_filter;
  const keep = filter === null || filter === undefined ? () => true : typeof filter === 'function' ? filter : (n: string) => filter.includes(n);
  if (Array.isArray(filter)) {
    const names = new Set([...model.named_modules()].map(([n]) => n));
    for (const n of filter) if (!names.has(n)) throw new Error(`${model._get_name()} has no submodule '${n}'`);
  }
  const detach = options.detach ?? true;
  const cache = new Map<string, unknown>();
  using hooks = new HookSet();
  for (const [name, module] of model.named_modules()) {
    if (name === '' || !keep(name)) continue;
    hooks.add(module.register_forward_hook((_m, _a, out) => {
      cache.set(name, detach ? detached(out) : out);
    }));
  }
  const output = model.call(...(call_args(input) as never[]));
  return [output, cache];
}

/** A patch of one module's output: return a replacement, or nothing to keep it. */
export type ActivationHook = (output: unknown, context: { name: string; module: nn.Module }) => unknown;

/**
 * Runs `model` once with `hooks[name]` applied to the output of each named submodule (activation patching,
 * ablation, steering). Every hook is removed afterwards, also when the model or a hook throws.
 *
 * @example
 * const out = run_with_hooks(model, tokens, { 'blocks.0.attn': (o) => (o as Tensor[]).map((t) => t.mul(0)) });
 */
export function run_with_hooks(model: nn.Module, input: CallInput, fwd_hooks: Readonly<Record<string, ActivationHook>>): unknown {
  using hooks = new HookSet();
  for (const [name, fn] of Object.entries(fwd_hooks)) {
    const module = model.get_submodule(name);
    hooks.add(module.register_forward_hook((_m, _a, out) => {
      const r = fn(out, { name, module });
      return r === undefined ? undefined : (r as never);
    }));
  }
  return model.call(...(call_args(input) as never[]));
}

/** Options of `capture_attention`. */
export interface CaptureAttentionOptions {
  /** Dotted paths of the `nn.MultiheadAttention` modules to record (default: all of them). */
  layers?: readonly string[] | null;
}

/**
 * Runs `model` once and records the attention weights of every head of each `nn.MultiheadAttention`,
 * `[N, heads, L, S]`, by name: a forward pre-hook asks the module for per-head weights and a forward hook
 * reads them, handing the caller what it asked for (nothing, or head-averaged weights), so the model's
 * output is unchanged. All hooks are removed afterwards.
 *
 * @example
 * const [logits, maps] = capture_attention(vit, images);
 * const rollout = attention_rollout([...maps.values()]);
 */
export function capture_attention(model: nn.Module, input: CallInput, options: CaptureAttentionOptions = {}): [unknown, Map<string, Tensor>] {
  const all = [...model.named_modules()].filter(([, m]) => m instanceof nn.MultiheadAttention);
  const wanted = options.layers ?? null;
  if (wanted !== null) {
    for (const n of wanted) if (!all.some(([name]) => name === n)) throw new Error(`'${n}' is not an nn.MultiheadAttention of ${model._get_name()}`);
  }
  const chosen = all.filter(([name]) => wanted === null || wanted.includes(name));
  if (chosen.length === 0) throw new Error(`${model._get_name()} has no nn.MultiheadAttention module to capture`);
  const maps = new Map<string, Tensor>();
  using hooks = new HookSet();
  for (const [name, module] of chosen) {
    // what the caller asked for: [need_weights, average_attn_weights], positional (index 4 and 6) or keyword
    let asked: [boolean, boolean] = [true, true];
    hooks.add(module.register_forward_pre_hook((_m, args, kwargs) => {
      const a = [...(args as unknown[])];
      const kw = { ...kwargs };
      asked = [
        (a.length > 4 ? a[4] : kw['need_weights'] ?? true) as boolean,
        (a.length > 6 ? a[6] : kw['average_attn_weights'] ?? true) as boolean,
      ];
      if (a.length > 4) a[4] = true;
      else kw['need_weights'] = true;
      if (a.length > 6) a[6] = false;
      else kw['average_attn_weights'] = false;
      return [a, kw];
    }, { with_kwargs: true }));
    hooks.add(module.register_forward_hook((_m, _a, out) => {
      const [o, w] = out as [Tensor, Tensor | null];
      if (w === null) return undefined;
      maps.set(name, w.detach());
      return [o, asked[0] ? (asked[1] ? w.mean(w.ndim - 3) : w) : null] as never;
    }));
  }
  const output = model.call(...(call_args(input) as never[]));
  return [output, maps];
}

/** Options of `attention_rollout`. */
export interface RolloutOptions {
  /** How the heads of a layer are combined (default `'mean'`). */
  head_fusion?: 'mean' | 'max' | 'min';
  /** Fraction of the lowest fused attention weights zeroed per layer (the class token's self-attention kept; default 0). */
  discard_ratio?: number;
}

/**
 * Attention rollout (Abnar & Zuidema 2020): per layer, the heads fused, `(A + I) / 2` renormalized over keys,
 * and the layers multiplied from the first to the last: `R = Â_L · … · Â_1`, `[N, T, T]`. Row `0` of the result
 * is how much each token flows into the class token.
 *
 * @example
 * const rollout = attention_rollout(maps); // maps: one [N, heads, T, T] per layer
 * const cls_to_patches = rollout.select(1, 0).narrow(1, 1, T - 1);
 */
export function attention_rollout(attentions: readonly Tensor[], options: RolloutOptions = {}): Tensor {
  if (attentions.length === 0) throw new Error('attention_rollout needs the attention maps of at least one layer');
  const fusion = options.head_fusion ?? 'mean';
  const discard = options.discard_ratio ?? 0;
  if (!(discard >= 0 && discard < 1)) throw new Error(`discard_ratio must be in [0, 1), got ${discard}`);
  return torch.no_grad(() => {
    let result: Tensor | null = null;
    attentions.forEach((a, layer) => {
      if (a.ndim !== 4 || a.shape[2] !== a.shape[3]) throw new Error(`attention map of layer ${layer} must be [N, heads, T, T], got [${a.shape.join(', ')}]`);
      const [n, , t] = a.shape as [number, number, number, number];
      let fused = fusion === 'mean' ? a.mean(1) : fusion === 'max' ? a.amax(1) : a.amin(1);
      if (discard > 0) {
        const flat = fused.reshape([n, t * t]);
        const data = Float32Array.from(flat.contiguous().data_array(), Number);
        const drop = Math.floor(t * t * discard);
        for (let s = 0; s < n; s++) {
          const row = Array.from({ length: t * t }, (_, i) => i);
          row.sort((i, j) => data[s * t * t + i]! - data[s * t * t + j]! || i - j);
          for (const i of row.slice(0, drop)) if (i !== 0) data[s * t * t + i] = 0;
        }
        fused = torch.from_array(data, [n, t, t], 'float32');
      }
      const eye = torch.eye(t).unsqueeze(0);
      const with_residual = fused.add(eye).div(2);
      const normalized = with_residual.div(with_residual.sum(-1, { keepdim: true }));
      result = result === null ? normalized : normalized.matmul(result);
    });
    return result!;
  });
}
