// Beyond PyTorch (pytorch#2847, #70455): list every hook in a module tree and remove them all at once.
import type { HookDict } from '@tsgrad/hooks';
import type { Module } from './module.js';

/** Which registration a hook came from: the module hook kinds, `backward` (legacy), `tensor` and `post_accumulate_grad` (parameter hooks). */
export type HookKind = 'forward_pre' | 'forward' | 'backward_pre' | 'full_backward' | 'backward' | 'tensor' | 'post_accumulate_grad';

/** One registered hook: where it lives, its kind, its handle id and its options. */
export interface HookInfo {
  /** Dotted name of the module (or `module.param`) it is registered on; "" for the root. */
  path: string;
  /** Which registration it came from. */
  kind: HookKind;
  /** Its handle id (the `id` of the RemovableHandle). */
  id: number;
  /** The hook function itself. */
  hook: (...args: never[]) => unknown;
  /** The registration options that were set. */
  options: {
    /** Registered with `with_kwargs: true`. */
    with_kwargs?: boolean;
    /** Registered with `always_call: true`. */
    always_call?: boolean;
  };
}

function dicts(m: Module): [HookKind, HookDict<(...args: never[]) => unknown>][] {
  const backward_kind: HookKind = m._is_full_backward_hook === false ? 'backward' : 'full_backward';
  return [
    ['forward_pre', m._forward_pre_hooks],
    ['forward', m._forward_hooks],
    ['backward_pre', m._backward_pre_hooks],
    [backward_kind, m._backward_hooks],
  ];
}

/**
 * Every hook registered on `root`, its descendants and their parameters, in tree order.
 *
 * @example
 * for (const h of nn.utils.list_hooks(net)) console.log(h.path, h.kind, h.id);
 */
export function list_hooks(root: Module): HookInfo[] {
  const out: HookInfo[] = [];
  for (const [path, m] of root.named_modules()) {
    for (const [kind, dict] of dicts(m)) {
      for (const [id, hook] of dict) {
        const options: HookInfo['options'] = {};
        if (kind === 'forward_pre' && m._forward_pre_hooks_with_kwargs.has(id)) options.with_kwargs = true;
        if (kind === 'forward' && m._forward_hooks_with_kwargs.has(id)) options.with_kwargs = true;
        if (kind === 'forward' && m._forward_hooks_always_called.has(id)) options.always_call = true;
        out.push({ path, kind, id, hook, options });
      }
    }
    for (const [name, p] of m._parameters) {
      if (p === null) continue;
      const ppath = path === '' ? name : `${path}.${name}`;
      if (p._hooks !== null) for (const [id, hook] of p._hooks) out.push({ path: ppath, kind: 'tensor', id, hook, options: {} });
      if (p._post_accumulate_hooks !== null) for (const [id, hook] of p._post_accumulate_hooks) out.push({ path: ppath, kind: 'post_accumulate_grad', id, hook, options: {} });
    }
  }
  return out;
}

/**
 * Removes every hook `list_hooks(root)` reports; returns how many were removed.
 *
 * @example
 * nn.utils.remove_all_hooks(net); // e.g. 3
 * nn.utils.list_hooks(net).length; // 0
 */
export function remove_all_hooks(root: Module): number {
  let n = 0;
  for (const [, m] of root.named_modules()) {
    for (const [, dict] of dicts(m)) {
      n += dict.size;
      dict.clear();
    }
    m._forward_pre_hooks_with_kwargs.clear();
    m._forward_hooks_with_kwargs.clear();
    m._forward_hooks_always_called.clear();
    for (const p of m._parameters.values()) {
      if (p === null) continue;
      n += (p._hooks?.size ?? 0) + (p._post_accumulate_hooks?.size ?? 0);
      p._hooks?.clear();
      p._post_accumulate_hooks?.clear();
    }
  }
  return n;
}
