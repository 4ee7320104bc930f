// RemovableHandle: the object every hook registration returns (PyTorch's torch.utils.hooks.RemovableHandle).

/** Anything a handle can delete its id from: a hook map or one of its per-hook option side maps. */
export interface IdKeyed {
  delete(id: number): boolean;
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

let next_id = 0;

/**
 * Removes one hook from the maps it was registered in.
 *
 * Ids come from one process-wide counter shared by every hook kind (tensor, node, module and global
 * hooks), so ids are unique and increase in registration order. The handle holds its maps only through
 * `WeakRef`s: keeping a handle never keeps a module or tensor alive.
 *
 * @example
 * const h = net.conv1.register_forward_hook((m, args, out) => { console.log(out.shape); });
 * h.remove(); h.remove(); // the second call is a no-op
 * { using h2 = net.conv1.register_forward_hook(fn); } // removed at the end of the block
 */
export class RemovableHandle {
  readonly id: number;
  private readonly hooks_dict_ref: WeakRef<IdKeyed>;
  private readonly extra_dict_refs: WeakRef<IdKeyed>[];

  constructor(hooks_dict: IdKeyed, options: { extra_dict?: IdKeyed | IdKeyed[] } = {}) {
    this.id = next_id++;
    this.hooks_dict_ref = new WeakRef(hooks_dict);
    const extra = options.extra_dict === undefined ? [] : Array.isArray(options.extra_dict) ? options.extra_dict : [options.extra_dict];
    this.extra_dict_refs = extra.map((d) => new WeakRef(d));
  }

  /** Deletes the hook and its options; idempotent, and a no-op once the maps are gone. */
  remove(): void {
    this.hooks_dict_ref.deref()?.delete(this.id);
    for (const ref of this.extra_dict_refs) ref.deref()?.delete(this.id);
  }

  /** True while the hook is still registered. */
  get is_registered(): boolean {
    return this.hooks_dict_ref.deref()?.has(this.id) ?? false;
  }

  [Symbol.dispose](): void {
    this.remove();
  }
}

/** Peeks at the next id without consuming it (for tests and listings). */
export function peek_next_handle_id(): number {
  return next_id;
}
