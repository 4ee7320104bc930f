// torch.save / torch.load: any tree of Tensors, numbers, strings, arrays and objects as one safetensors file.
import { Tensor } from '../tensor.js';
import { signature } from '../signature.js';
import { deserialize, SafetensorError, serialize } from './safetensors.js';
import { node_fs } from '../node_fs.js';

/** What `torch.save` stores and `torch.load` rebuilds: Tensors at the leaves of plain data. */
export type Saveable = Tensor | number | string | boolean | null | readonly Saveable[] | { readonly [key: string]: Saveable } | ReadonlyMap<string | number, Saveable>;

/** The header metadata key holding the tree's shape, each Tensor leaf as `{ "$tensor": name }`. */
const TREE_KEY = 'tsgrad.tree';

type Node = null | boolean | number | string | Node[] | { [key: string]: Node };

const SAVE = signature<{ f: string | null; pickle_protocol: number }>(
  'save(Any obj, str? f, *, Any pickle_module=None, int pickle_protocol=2, bool _use_new_zipfile_serialization=True, bool _disable_byteorder_record=False)',
);
const LOAD = signature<{ f: string | Uint8Array }>(
  'load(Any f, Any map_location=None, Any pickle_module=None, *, bool? weights_only=None, bool? mmap=None)',
);

/**
 * Flattens `obj` into named tensors and a JSON tree that remembers where each one sits. A state dict's tensors keep
 * their own names (so PyTorch's `safetensors.torch.load_file` reads the file as the same state dict); nested
 * entries are named by their path joined with '.', as PyTorch names nested state. A Tensor met twice is stored once.
 */
function flatten(obj: unknown): { tensors: Record<string, Tensor>; tree: Node } {
  const tensors: Record<string, Tensor> = {};
  const names = new Map<Tensor, string>();
  const visiting = new Set<object>();
  const walk = (v: unknown, path: string): Node => {
    if (v instanceof Tensor) {
      const known = names.get(v);
      if (known !== undefined) return { $tensor: known };
      const name = path === '' ? 'tensor' : path;
      if (name in tensors) throw new SafetensorError(`torch.save: two entries are both named '${name}' once flattened`);
      tensors[name] = v;
      names.set(v, name);
      return { $tensor: name };
    }
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { $number: String(v) };
      return v;
    }
    if (typeof v !== 'object') throw new TypeError(`torch.save: cannot save a value of type ${typeof v} (at '${path}')`);
    if (visiting.has(v)) throw new TypeError(`torch.save: the object refers to itself (at '${path}')`);
    visiting.add(v);
    const child = (key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);
    let out: Node;
    if (Array.isArray(v)) out = v.map((x, i) => walk(x, child(i)));
    else if (v instanceof Map) {
      // a Map (optimizer state keyed by parameter index) keeps its keys' kinds
      out = { $map: [...v.entries()].map(([k, x]) => [k as Node, walk(x, child(k as string | number))]) };
    } else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      const o: { [key: string]: Node } = {};
      for (const [k, x] of Object.entries(v)) o[k] = walk(x, child(k));
      out = '$tensor' in o || '$map' in o || '$number' in o ? { $object: o } : o;
    } else {
      const cls = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new TypeError(`torch.save: cannot save a ${cls} (at '${path}'): save its state_dict() instead`);
    }
    visiting.delete(v);
    return out;
  };
  const tree = walk(obj, '');
  return { tensors, tree };
}

function rebuild(node: Node, tensors: Record<string, Tensor>): Saveable {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((x) => rebuild(x, tensors));
  if ('$tensor' in node) {
    const t = tensors[node.$tensor as string];
    if (t === undefined) throw new SafetensorError(`torch.load: the file's tree names a tensor '${String(node.$tensor)}' it does not hold`);
    return t;
  }
  if ('$number' in node) return Number(node.$number);
  if ('$map' in node) {
    const entries = node.$map as [string | number, Node][];
    return new Map(entries.map(([k, x]) => [k, rebuild(x, tensors)]));
  }
  const fields = ('$object' in node ? node.$object : node) as { [key: string]: Node };
  const out: { [key: string]: Saveable } = {};
  for (const [k, x] of Object.entries(fields)) out[k] = rebuild(x, tensors);
  return out;
}

/**
 * Saves a Tensor, a state dict, or any tree of them with plain data (an optimizer's `state_dict()`, a checkpoint
 * `{ epoch, model_state_dict, optimizer_state_dict }`) to `f` (PyTorch's `torch.save`). The file is safetensors,
 * never pickle: PyTorch opens it with `safetensors.torch.load_file` (a state dict comes back under its own names,
 * nested entries under dotted paths); the tree's shape sits in the header's metadata. With `f` null the bytes are
 * returned instead (for the browser). Nothing is written when `obj` cannot be saved.
 *
 * @example
 * torch.save(net.state_dict(), 'net.pt');
 * net.load_state_dict(torch.load('net.pt'));
 */
export function save(obj: unknown, f: string, options?: { pickle_protocol?: number }): void;
export function save(obj: unknown, f: null, options?: { pickle_protocol?: number }): Uint8Array;
export function save(...args: unknown[]): Uint8Array | void {
  const a = SAVE.parse(args);
  const obj = args[0];
  const { tensors, tree } = flatten(obj);
  const bytes = serialize(tensors, { format: 'pt', [TREE_KEY]: JSON.stringify(tree) });
  if (a.f === null) return bytes;
  node_fs('torch.save to a path', 'pass null to get the bytes').writeFileSync(a.f, bytes);
}

/**
 * Loads what `torch.save` wrote (PyTorch's `torch.load`): the same tree, Tensors in float32/float64/int64/bool. A
 * safetensors file from elsewhere (PyTorch's `safetensors.torch.save_file`) loads as its state dict. `f` is a path
 * (Node) or the file's bytes; `map_location` and `weights_only` are accepted (CPU is the only device, and nothing
 * but weights can be loaded). The result is typed as a state dict unless `T` says what was saved (nothing is
 * checked: the file decides).
 *
 * @example
 * net.load_state_dict(torch.load('net.pt'));
 * const ckpt = torch.load<{ epoch: number; model_state_dict: Record<string, torch.Tensor> }>('ckpt.pt');
 */
export function load<T = Record<string, Tensor>>(f: string | Uint8Array, options?: { map_location?: unknown; weights_only?: boolean | null; mmap?: boolean | null }): T;
export function load(...args: unknown[]): Saveable {
  const a = LOAD.parse(args);
  const bytes = typeof a.f === 'string' ? node_fs('torch.load of a path', "pass the file's bytes").readFileSync(a.f) : a.f;
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`torch.load: f must be a path or the file's bytes (a Uint8Array)`);
  const { tensors, metadata } = deserialize(bytes);
  const tree = metadata?.[TREE_KEY];
  if (tree === undefined) return tensors;
  return rebuild(JSON.parse(tree) as Node, tensors);
}
