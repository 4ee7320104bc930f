// torch.save / torch.load: any tree of Tensors, numbers, strings, arrays and objects as one safetensors file.
import { Tensor } from '../tensor.js';
import { signature } from '../signature.js';
import { deserialize, SafetensorError, serialize } from './safetensors.js';
import { node_fs } from '../node_fs.js';
import { class_key, find_class, is_safe, register_class, type SaveableClass } from './classes.js';

/** What `torch.save` stores and `torch.load` rebuilds: Tensors at the leaves of plain data. */
export type Saveable = Tensor | number | string | boolean | null | readonly Saveable[] | { readonly [key: string]: Saveable } | ReadonlyMap<string | number, Saveable>;

/** The header metadata key holding the tree's shape, each Tensor leaf as `{ "$tensor": name }`. */
const TREE_KEY = 'tsgrad.tree';

type Node = null | boolean | number | string | Node[] | { [key: string]: Node };

const SAVE = signature<{ f: string | null; pickle_protocol: number }>(
  'save(Any obj, str? f, *, Any pickle_module=None, int pickle_protocol=2, bool _use_new_zipfile_serialization=True, bool _disable_byteorder_record=False)',
);
const LOAD = signature<{ f: string | Uint8Array; weights_only: boolean | null }>(
  'load(Any f, Any map_location=None, Any pickle_module=None, *, bool? weights_only=None, bool? mmap=None)',
);

/** An instance torch.save can store as Python's pickle stores one: its class and the state it hands over. */
interface Stateful {
  __getstate__(): unknown;
}
const is_stateful = (v: object): v is Stateful => typeof (v as Partial<Stateful>).__getstate__ === 'function';

/**
 * Flattens `obj` into named tensors and a JSON tree that remembers where each one sits. A state dict's tensors keep
 * their own names (so PyTorch's `safetensors.torch.load_file` reads the file as the same state dict); nested
 * entries are named by their path joined with '.', as PyTorch names nested state. A Tensor met twice is stored once.
 * An instance of a class with `__getstate__` (a whole nn.Module) is stored as its class name and that state; one met
 * twice is stored once, the second place referring to the first.
 */
function flatten(obj: unknown): { tensors: Record<string, Tensor>; tree: Node } {
  const tensors: Record<string, Tensor> = {};
  const names = new Map<Tensor, string>();
  const visiting = new Set<object>();
  const instances = new Map<object, number>();
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
      out = ['$tensor', '$map', '$number', '$class', '$ref'].some((k) => k in o) ? { $object: o } : o;
    } else if (is_stateful(v)) {
      const known = instances.get(v);
      if (known !== undefined) out = { $ref: known };
      else {
        const cls = v.constructor as SaveableClass;
        register_class(cls);
        const id = instances.size;
        instances.set(v, id);
        out = { $class: class_key(cls), $id: id, $state: walk(v.__getstate__(), path) };
      }
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

/** What a load of a tree with class instances needs: the tensors, the instances rebuilt so far, the weights_only rule. */
interface Rebuilding {
  tensors: Record<string, Tensor>;
  instances: Map<number, object>;
  weights_only: boolean;
}

/** Python's `obj = cls.__new__(cls); obj.__setstate__(state)`, with the class found by name and checked. */
function rebuild_instance(node: { [key: string]: Node }, r: Rebuilding): object {
  const name = String(node.$class);
  const cls = find_class(name);
  if (typeof cls === 'string') throw new Error(`torch.load: Can't get attribute '${name}': ${cls}`);
  if (r.weights_only && !is_safe(cls)) {
    throw new Error(
      'Weights only load failed. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it ' +
        `rebuilds objects of the classes the file names; do it only if you got the file from a trusted source.\nWeightsUnpickler error: Unsupported global: GLOBAL ${name} ` +
        `was not an allowed global by default. Please use \`torch.serialization.add_safe_globals([${name}])\` to allowlist this global if you trust this class.`,
    );
  }
  const make = (cls as { __new__?: () => object }).__new__;
  const obj = typeof make === 'function' ? make.call(cls) : (Object.create(cls.prototype as object) as object);
  r.instances.set(node.$id as number, obj);
  const state = rebuild(node.$state!, r);
  const set = (obj as { __setstate__?: (state: unknown) => void }).__setstate__;
  if (typeof set === 'function') set.call(obj, state);
  else Object.assign(obj, state);
  return obj;
}

function rebuild(node: Node, r: Rebuilding): Saveable {
  const tensors = r.tensors;
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((x) => rebuild(x, r));
  if ('$class' in node) return rebuild_instance(node, r) as Saveable;
  if ('$ref' in node) {
    const obj = r.instances.get(node.$ref as number);
    if (obj === undefined) throw new SafetensorError(`torch.load: the file's tree refers to object ${String(node.$ref)} before it holds it`);
    return obj as Saveable;
  }
  if ('$tensor' in node) {
    const t = tensors[node.$tensor as string];
    if (t === undefined) throw new SafetensorError(`torch.load: the file's tree names a tensor '${String(node.$tensor)}' it does not hold`);
    return t;
  }
  if ('$number' in node) return Number(node.$number);
  if ('$map' in node) {
    const entries = node.$map as [string | number, Node][];
    return new Map(entries.map(([k, x]) => [k, rebuild(x, r)]));
  }
  const fields = ('$object' in node ? node.$object : node) as { [key: string]: Node };
  const out: { [key: string]: Saveable } = {};
  for (const [k, x] of Object.entries(fields)) out[k] = rebuild(x, r);
  return out;
}

/**
 * Saves a Tensor, a state dict, or any tree of them with plain data (an optimizer's `state_dict()`, a checkpoint
 * `{ epoch, model_state_dict, optimizer_state_dict }`) to `f` (PyTorch's `torch.save`). The file is safetensors,
 * never pickle: PyTorch opens it with `safetensors.torch.load_file` (a state dict comes back under its own names,
 * nested entries under dotted paths); the tree's shape sits in the header's metadata. With `f` null the bytes are
 * returned instead (for the browser). A whole module (`torch.save(model, f)`) is stored as its class names,
 * attributes, parameters and buffers, hooks left out. Nothing is written when `obj` cannot be saved.
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
 * (Node) or the file's bytes; `map_location` is accepted (CPU is the only device). A file holding whole objects
 * (`torch.save(model, f)`) loads only with `weights_only: false` or with their classes allowlisted by
 * `torch.serialization.add_safe_globals` (PyTorch 2.6's default `weights_only: true`); each class must be known
 * in this process, by an instance built or by that allowlist. The result is typed as a state dict unless `T` (or
 * the variable it is assigned to) says what was saved (nothing is checked: the file decides).
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
  // PyTorch 2.6's default: only tensors and plain data, unless weights_only is false or the classes are allowlisted
  return rebuild(JSON.parse(tree) as Node, { tensors, instances: new Map(), weights_only: a.weights_only ?? true });
}
