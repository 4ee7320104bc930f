// The objects behind reparametrizing forward pre-hooks (weight_norm's WeightNorm, spectral_norm's SpectralNorm,
// prune's methods): which object registered a hook function, found again by module and parameter name.
import type { Module } from './module.js';

/** Hook functions by the object that registered them, with the parameter each object acts on. */
export class HookOwners<T> {
  private readonly owners = new WeakMap<object, T>();
  constructor(private readonly name_of: (owner: T) => string | null) {}

  /** Records that `owner` registered `hook`. */
  add(hook: object, owner: T): void {
    this.owners.set(hook, owner);
  }

  /** The object that registered `hook`, if one of ours did. */
  get(hook: unknown): T | undefined {
    return typeof hook === 'function' ? this.owners.get(hook) : undefined;
  }

  /** `[id, owner]` of each of `module`'s forward pre-hooks registered by one of ours for parameter `name`. */
  find(module: Module, name: string): [number, T][] {
    const found: [number, T][] = [];
    for (const [id, hook] of module._forward_pre_hooks) {
      const owner = this.get(hook);
      if (owner !== undefined && this.name_of(owner) === name) found.push([id, owner]);
    }
    return found;
  }
}
