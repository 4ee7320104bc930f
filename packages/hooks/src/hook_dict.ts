// Insertion-ordered hook map keyed by handle id, with PyTorch's `prepend` and snapshot iteration rules.
import { HookLedger, RemovableHandle, type IdKeyed, type LedgerKeyed } from './removable_handle.js';

/**
 * When a watched map is collected, its handles report themselves unregistered. Only long-lived maps (a
 * module's) are watched: a collected target's registry cell lingers until the job ends, so watching the maps
 * of every step's graph nodes would grow memory in a loop that never yields.
 */
const retired_on_collect = new FinalizationRegistry<HookLedger>((ledger) => ledger.retire());

/**
 * A `Map` from handle id that its handles can empty without referencing it: `remove()` writes to the shared
 * ledger, and every read of the map first drops the ids removed since. Reads stay O(1) when nothing was removed.
 */
class IdMap<V> extends Map<number, V> implements LedgerKeyed {
  /** Shared with this map's handles: they record removals here instead of holding the map. */
  readonly _ledger = new HookLedger();
  /** True until a watched map registers itself with `retired_on_collect` (on its first handle). */
  private watch_pending: boolean;

  /**
   * Whether handles may point back at this map (`hooks_dict_ref()`): true for maps that live as long as their
   * owner (a module's, the global ones), never for the per-step maps of graph nodes and tensors.
   */
  readonly long_lived: boolean;

  /**
   * `watch_collection`: see `retired_on_collect`; without it a collected map's handles keep `is_registered`.
   * `long_lived` (implied by `watch_collection`): see the field.
   */
  constructor(options: { watch_collection?: boolean; long_lived?: boolean } = {}) {
    super();
    this.watch_pending = options.watch_collection ?? false;
    this.long_lived = (options.long_lived ?? false) || this.watch_pending;
  }

  /** Applies the removals handles made since the last read. */
  protected _settle(): void {
    const pending = this._ledger.pending;
    if (pending.length === 0) return;
    this._ledger.pending = [];
    for (const id of pending) super.delete(id);
  }

  /** Called when a handle is made for this map: from now on its collection retires the ledger (if watched). */
  protected _watch(): void {
    if (!this.watch_pending) return;
    this.watch_pending = false;
    retired_on_collect.register(this, this._ledger);
  }

  override get size(): number {
    this._settle();
    return super.size;
  }
  override get(id: number): V | undefined {
    this._settle();
    return super.get(id);
  }
  override has(id: number): boolean {
    this._settle();
    return super.has(id);
  }
  override set(id: number, value: V): this {
    this._settle();
    this._ledger.live.add(id);
    return super.set(id, value);
  }
  override delete(id: number): boolean {
    this._settle();
    this._ledger.live.delete(id);
    return super.delete(id);
  }
  /** Empties the map; its handles report themselves unregistered. */
  override clear(): void {
    this._ledger.retire();
    super.clear();
  }
  override forEach(fn: (value: V, key: number, map: Map<number, V>) => void, this_arg?: unknown): void {
    this._settle();
    super.forEach(fn, this_arg);
  }
  override entries(): MapIterator<[number, V]> {
    this._settle();
    return super.entries();
  }
  override keys(): MapIterator<number> {
    this._settle();
    return super.keys();
  }
  override values(): MapIterator<V> {
    this._settle();
    return super.values();
  }
  /** Iterates `[id, value]` pairs in map order, as `entries()`. */
  override [Symbol.iterator](): MapIterator<[number, V]> {
    return this.entries();
  }
}

/**
 * An ordered map from handle id to hook, as PyTorch's `OrderedDict` of hooks.
 *
 * Iteration order is registration order, except that `prepend` puts a hook first. Callers that run hooks
 * take a `snapshot()` when the call starts, as PyTorch iterates a copy: a hook removed by an earlier hook still runs in the
 * current call, a hook added during the loop runs from the next call on.
 *
 * @example
 * const hooks = new HookDict<(x: number) => void>();
 * const h = hooks.add((x) => console.log(x));
 * for (const [, fn] of hooks.snapshot()) fn(1);
 * h.remove();
 */
export class HookDict<H> extends IdMap<H> {
  /**
   * Registers `hook` and returns its handle. `extra_dicts` are side maps (per-hook options keyed by the
   * same id) that the handle clears on `remove()`.
   */
  add(hook: H, options: { prepend?: boolean; extra_dicts?: IdKeyed[] } = {}): RemovableHandle {
    const handle = new RemovableHandle(this, { extra_dict: options.extra_dicts ?? [] });
    this._watch();
    if (options.prepend && this.size > 0) {
      const rest = this.snapshot();
      Map.prototype.clear.call(this);
      this.set(handle.id, hook);
      for (const [id, h] of rest) Map.prototype.set.call(this, id, h);
    } else {
      this.set(handle.id, hook);
    }
    return handle;
  }

  /** The hooks as `[id, hook]` pairs at this moment; later changes do not affect the returned array. */
  snapshot(): [number, H][] {
    return [...this.entries()];
  }
}

/**
 * A set of ids carrying one boolean option (`with_kwargs`, `always_call`), cleared by the handle too.
 *
 * @example
 * const hooks = new HookDict<() => void>();
 * const always_call = new HookFlags();
 * const h = hooks.add(() => {}, { extra_dicts: [always_call] });
 * always_call.set(h.id, true);
 * h.remove(); // always_call.has(h.id) === false
 */
export class HookFlags extends IdMap<true> {}
