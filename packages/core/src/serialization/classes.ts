// The classes torch.load may rebuild objects of (Python's pickle finds them by import; here they are known once
// an instance was built in this process, or named with add_safe_globals), and the weights_only allowlist.

/** A class whose instances torch.save can store: it has `__getstate__`, and `__setstate__` or plain fields. */
export type SaveableClass = abstract new (...args: never[]) => object;

/** Class name → class; `null` when two different classes share the name (a load of it then says so). */
const known = new Map<string, SaveableClass | null>();
/** Classes `weights_only` loads accept (torch.serialization's safe globals). */
const safe = new Set<SaveableClass>();

/**
 * The name a class is saved under: its own static `__name__` (kept under minification) or its JS name.
 *
 * @example
 * class_key(nn.Linear); // 'Linear'
 */
export function class_key(cls: SaveableClass): string {
  const own = Object.prototype.hasOwnProperty.call(cls, '__name__') ? (cls as unknown as { __name__: unknown }).__name__ : undefined;
  return typeof own === 'string' ? own : cls.name;
}

/**
 * Makes `cls` known to torch.load by its name (nn.Module's constructor calls it for every module class).
 *
 * @example
 * register_class(MyNet);
 */
export function register_class(cls: SaveableClass): void {
  const name = class_key(cls);
  const have = known.get(name);
  if (have === undefined) known.set(name, cls);
  else if (have !== cls) known.set(name, null);
}

/** The class saved under `name`, or null with the reason it cannot be had. */
export function find_class(name: string): SaveableClass | string {
  const cls = known.get(name);
  if (cls === null) return `two different classes named '${name}' were built in this process, so the file cannot say which one it holds`;
  if (cls === undefined) return `no class '${name}' is known in this process: build one (\`new ${name}(...)\`) or pass it to torch.serialization.add_safe_globals([${name}]) first`;
  return cls;
}

/** Whether `weights_only` loads may rebuild instances of `cls`. */
export function is_safe(cls: SaveableClass): boolean {
  return safe.has(cls);
}

/**
 * Allows `torch.load` with `weights_only` (the default) to rebuild instances of these classes, and makes them
 * known by name (PyTorch's `torch.serialization.add_safe_globals`).
 *
 * @example
 * torch.serialization.add_safe_globals([NeuralNetwork, nn.Flatten, nn.Sequential, nn.Linear, nn.ReLU]);
 * const model = torch.load<NeuralNetwork>('model.pth');
 */
export function add_safe_globals(safe_globals: readonly SaveableClass[]): void {
  if (!Array.isArray(safe_globals)) throw new TypeError(`add_safe_globals() expects a list of classes, got ${typeof safe_globals}`);
  for (const cls of safe_globals) {
    if (typeof cls !== 'function') throw new TypeError(`add_safe_globals() expects classes, got ${typeof cls}`);
    register_class(cls);
    safe.add(cls);
  }
}

/**
 * The classes added with {@link add_safe_globals}, in the order added.
 *
 * @example
 * torch.serialization.get_safe_globals(); // [NeuralNetwork, ...]
 */
export function get_safe_globals(): SaveableClass[] {
  return [...safe];
}

/**
 * Forgets every class added with {@link add_safe_globals} (they stay known by name for `weights_only: false`).
 *
 * @example
 * torch.serialization.clear_safe_globals();
 */
export function clear_safe_globals(): void {
  safe.clear();
}
