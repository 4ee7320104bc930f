// RemovableHandle: the object every hook registration returns (PyTorch's torch.utils.hooks.RemovableHandle).

/** Anything a handle can delete its id from: a hook map or one of its per-hook option side maps. */
export interface IdKeyed {
  /** Removes the entry with this id; true when there was one. */
  delete(id: number): boolean;
  /** Whether an entry with this id is there. */
  has(id: number): boolean;
}

// `using` support in the published types without asking for lib ESNext.Disposable: TypeScript merges these
// with its own (lib esnext.disposable) and @types/node's identical declarations. Every tsgrad package's types
// load this file through @tsgrad/core, so a project on lib ES2022 type-checks `[Symbol.dispose]` members.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
  interface Disposable {
    [Symbol.dispose](): void;
  }
}

/**
 * What a hook map shares with its handles: the ids it holds and the ids handles removed since the map last
 * looked. It never points back at the map, so a handle never keeps a map, its hooks, or what they capture
 * alive. (A `WeakRef` would: V8 keeps every `WeakRef` target alive until the current synchronous job ends,
 * so a training loop that never yields would keep every step's hooks.)
 *
 * @example
 * const ledger = new HookLedger();
 * ledger.live.add(7);
 * ledger.remove(7); // ledger.pending is [7] until the map reads it
 */
export class HookLedger {
  /** Ids of the hooks the map holds that no handle has removed. */
  readonly live = new Set<number>();
  /** Ids removed by handles that the map has not yet dropped (it drops them on its next read). */
  pending: number[] = [];

  /** Called by a handle: the map drops `id` the next time it is read. */
  remove(id: number): void {
    if (this.live.delete(id)) this.pending.push(id);
  }

  /** The map is gone: its handles report themselves unregistered. */
  retire(): void {
    this.live.clear();
    this.pending = [];
  }
}

/** A map that applies its handles' removals lazily through a `HookLedger` (HookDict, HookFlags). */
export interface LedgerKeyed extends IdKeyed {
  /** The ledger the map shares with its handles. */
  readonly _ledger: HookLedger;
}

function has_ledger(d: IdKeyed): d is LedgerKeyed {
  return (d as Partial<LedgerKeyed>)._ledger instanceof HookLedger;
}

let next_id = 0;

/**
 * Removes one hook from the maps it was registered in.
 *
 * Ids come from one process-wide counter shared by every hook kind (tensor, node, module and global
 * hooks), so ids are unique and increase in registration order. A handle holds only its id and the
 * ledgers of tsgrad's hook maps, never the maps: keeping a handle keeps no module, tensor, hook or captured
 * value alive. A map of another kind (a plain `Map`, as PyTorch code builds by hand) is held through a
 * `WeakRef`, which suits only long-lived maps.
 *
 * @example
 * const h = net.conv1.register_forward_hook((m, args, out) => { console.log(out.shape); });
 * h.remove(); h.remove(); // the second call is a no-op
 * { using h2 = net.conv1.register_forward_hook(fn); } // removed at the end of the block
 */
export class RemovableHandle {
  /** The hook's key in every map it was registered in; unique per process, increasing in registration order. */
  readonly id: number;
  private readonly ledgers: HookLedger[] = [];
  private readonly foreign: WeakRef<IdKeyed>[] = [];
  /** The ledger of the hooks map itself (null for a foreign map). */
  private readonly main: HookLedger | null;
  /** The hooks map itself, when it is long-lived (a module's or a global one; see `hooks_dict_ref`). */
  private readonly dict_ref: WeakRef<IdKeyed> | null;

  /**
   * Takes the next id; `remove()` will delete it from `hooks_dict` and from each of `options.extra_dict`
   * (per-hook option maps keyed by the same id).
   */
  constructor(hooks_dict: IdKeyed, options: { extra_dict?: IdKeyed | IdKeyed[] } = {}) {
    this.id = next_id++;
    const extra = options.extra_dict === undefined ? [] : Array.isArray(options.extra_dict) ? options.extra_dict : [options.extra_dict];
    for (const d of [hooks_dict, ...extra]) {
      if (has_ledger(d)) this.ledgers.push(d._ledger);
      else this.foreign.push(new WeakRef(d));
    }
    this.main = has_ledger(hooks_dict) ? hooks_dict._ledger : null;
    const long_lived = !has_ledger(hooks_dict) || (hooks_dict as { long_lived?: boolean }).long_lived === true;
    this.dict_ref = long_lived ? new WeakRef(hooks_dict) : null;
  }

  /**
   * PyTorch's `handle.hooks_dict_ref()`: the map the hook was registered in, or null once it is gone. Only
   * long-lived maps are reachable this way (a module's hook maps, the global ones, a plain `Map`); for the
   * maps of tensors and graph nodes it is null, so that handles never keep a step's graph alive.
   *
   * @example
   * const h = m.register_forward_hook(fn);
   * h.hooks_dict_ref()!.size; // 1
   */
  hooks_dict_ref(): ReadonlyMap<number, unknown> | null {
    return (this.dict_ref?.deref() as ReadonlyMap<number, unknown> | undefined) ?? null;
  }

  /** Deletes the hook and its options; idempotent, and a no-op once the maps are gone. */
  remove(): void {
    for (const ledger of this.ledgers) ledger.remove(this.id);
    for (const ref of this.foreign) ref.deref()?.delete(this.id);
  }

  /** True while the hook is still registered. */
  get is_registered(): boolean {
    if (this.main !== null) return this.main.live.has(this.id);
    return this.foreign[0]?.deref()?.has(this.id) ?? false;
  }

  /** `remove()`, for `using h = ...register_forward_hook(...)`: the hook is removed at the end of the block. */
  [Symbol.dispose](): void {
    this.remove();
  }
}

/**
 * Peeks at the next id without consuming it (for tests and listings).
 *
 * @example
 * const next = peek_next_handle_id();
 * const h = x.register_hook((g) => g); // h.id === next
 */
export function peek_next_handle_id(): number {
  return next_id;
}
