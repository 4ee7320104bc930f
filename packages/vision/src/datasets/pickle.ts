// A restricted Python unpickler for dataset files (CIFAR's batches): plain data and numpy arrays, no other globals.

/** A numpy array read from a pickle: its dtype string (`'|u1'`, `'<i8'`, …), shape and raw bytes (C order). */
export interface NdArray {
  /** Tells an array from a dict. */
  readonly kind: 'ndarray';
  /** numpy's dtype string: byte order then type code (`'|u1'`, `'<f4'`). */
  readonly dtype: string;
  /** The array's shape. */
  readonly shape: readonly number[];
  /** The elements' raw bytes, C order. */
  readonly bytes: Uint8Array;
}

/** What `unpickle` returns: Python's None, bool, int, float, str, bytes, list, tuple (an array), dict, ndarray. */
export type PickleValue = null | boolean | number | bigint | string | Uint8Array | NdArray | PickleValue[] | PickleDict;

/** A Python dict with string or number keys, as a plain object. */
export interface PickleDict {
  [key: string]: PickleValue;
}

/** numpy's dtype while it is being rebuilt: `dtype('u1')`, then its BUILD state sets the byte order. */
class DType {
  constructor(
    readonly code: string,
    public order = '|',
  ) {}
}

/** An ndarray between `_reconstruct` and its BUILD. */
class PendingArray {
  result: NdArray | null = null;
}

/** A global the unpickler may call, by `module.name`; anything else is refused (pickle runs arbitrary code). */
type Callable = (args: unknown[]) => unknown;
const GLOBALS: Record<string, Callable> = {
  'numpy.core.multiarray._reconstruct': () => new PendingArray(),
  'numpy._core.multiarray._reconstruct': () => new PendingArray(),
  'numpy.core.numeric._frombuffer': frombuffer,
  'numpy._core.numeric._frombuffer': frombuffer,
  'numpy.dtype': ([code]) => new DType(String(code)),
  // Python 3 writes bytes at protocol 2 as _codecs.encode(text, 'latin1')
  '_codecs.encode': ([text, encoding]) => {
    if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) throw new Error(`unpickle: _codecs.encode with ${String(encoding)} is not supported`);
    return latin1_bytes(text);
  },
};
const CLASSES = new Set(['numpy.ndarray']);

/** numpy's protocol-5 array form: `_frombuffer(buffer, dtype, shape, order)`. */
function frombuffer([buffer, dtype, shape, order]: unknown[]): NdArray {
  if (!(buffer instanceof Uint8Array) || !(dtype instanceof DType) || !Array.isArray(shape)) throw new Error('unpickle: a malformed numpy _frombuffer call');
  if (order === 'F' && shape.length > 1) throw new Error('unpickle: Fortran-ordered arrays are not supported');
  return { kind: 'ndarray', dtype: dtype.order + dtype.code, shape: shape.map(Number), bytes: buffer };
}

function latin1_string(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return s;
}

function latin1_bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) throw new Error(`unpickle: character U+${c.toString(16)} is not latin-1`);
    out[i] = c;
  }
  return out;
}

const MARK = Symbol('mark');
type Item = unknown;

/**
 * Reads a Python pickle (protocols 0–5 as Python writes data) the way `pickle.load(f, encoding='latin1')` does:
 * Python 2 `str` values become strings, bytes `Uint8Array`s, numpy arrays `NdArray`s. Globals other than numpy's
 * array and dtype rebuilders are refused, so a file cannot run code.
 *
 * @example
 * const batch = unpickle(readFileSync('cifar-10-batches-py/data_batch_1')) as PickleDict;
 * (batch.data as NdArray).shape; // [10000, 3072]
 */
export function unpickle(bytes: Uint8Array): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const memo = new Map<number, Item>();
  let stack: Item[] = [];
  const marks: Item[][] = [];
  let pos = 0;

  const need = (n: number): void => {
    if (pos + n > bytes.length) throw new Error(`unpickle: the data ends early (needs ${n} more bytes at offset ${pos} of ${bytes.length})`);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const u8 = (): number => take(1)[0]!;
  const u32 = (): number => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const u64 = (): number => (need(8), (pos += 8), Number(view.getBigUint64(pos - 8, true)));
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw new Error('unpickle: a line ends without a newline');
    const s = latin1_string(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): Item => {
    if (stack.length === 0) throw new Error(`unpickle: the stack is empty at offset ${pos - 1}`);
    return stack.pop();
  };
  const pop_mark = (): Item[] => {
    const items = stack;
    const prev = marks.pop();
    if (prev === undefined) throw new Error(`unpickle: no mark on the stack at offset ${pos - 1}`);
    stack = prev;
    return items;
  };
  const top = (): Item => {
    if (stack.length === 0) throw new Error(`unpickle: the stack is empty at offset ${pos - 1}`);
    return stack[stack.length - 1];
  };
  const set_items = (dict: Item, items: Item[]): void => {
    if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) throw new Error('unpickle: SETITEM on a value that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) (dict as Record<string, Item>)[String(items[i])] = items[i + 1];
  };
  const append = (list: Item, items: Item[]): void => {
    if (!Array.isArray(list)) throw new Error('unpickle: APPEND on a value that is not a list');
    for (const v of items) list.push(v);
  };
  const resolve = (module: string, name: string): Item => {
    const key = `${module}.${name}`;
    if (key in GLOBALS || CLASSES.has(key)) return { global: key };
    throw new Error(`unpickle: global '${key}' is not allowed (only numpy arrays and plain data are read)`);
  };
  const call = (fn: Item, args: Item): Item => {
    const key = (fn as { global?: string } | null)?.global;
    const f = key === undefined ? undefined : GLOBALS[key];
    if (f === undefined || !Array.isArray(args)) throw new Error(`unpickle: cannot call ${key ?? String(fn)}`);
    return f(args);
  };
  const build = (obj: Item, state: Item): void => {
    if (obj instanceof DType) {
      // numpy's dtype state: (version, byte order, ...)
      if (Array.isArray(state) && typeof state[1] === 'string') obj.order = state[1];
      return;
    }
    if (obj instanceof PendingArray && Array.isArray(state)) {
      // ndarray state: (version, shape, dtype, is_fortran, raw data)
      const [, shape, dtype, fortran, raw] = state.length === 5 ? state : [0, ...state];
      if (!(dtype instanceof DType)) throw new Error('unpickle: an ndarray without a dtype');
      if (fortran === true) throw new Error('unpickle: Fortran-ordered arrays are not supported');
      const data = typeof raw === 'string' ? latin1_bytes(raw) : raw;
      if (!(data instanceof Uint8Array)) throw new Error(`unpickle: arrays of ${dtype.code} objects are not supported`);
      obj.result = { kind: 'ndarray', dtype: dtype.order + dtype.code, shape: (shape as number[]).map(Number), bytes: data };
      return;
    }
    throw new Error('unpickle: BUILD on an object this reader does not know');
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: {
        // STOP
        const result = pop();
        return finish(result);
      }
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x7d: // EMPTY_DICT
        stack.push({});
        break;
      case 0x5d: // EMPTY_LIST
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
      case 0x6c: {
        // LIST (pop_mark swaps the stack, so it runs before the push is looked up)
        const items = pop_mark();
        stack.push(items);
        break;
      }
      case 0x64: {
        // DICT
        const dict = {};
        set_items(dict, pop_mark());
        stack.push(dict);
        break;
      }
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const n = op - 0x84;
        if (stack.length < n) throw new Error(`unpickle: the stack is empty at offset ${pos - 1}`);
        stack.push(stack.splice(stack.length - n, n));
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        append(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = pop_mark();
        append(top(), items);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        set_items(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = pop_mark();
        set_items(top(), items);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x70: // PUT
        memo.set(Number(line()), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
      case 0x67: {
        // GET
        const key = op === 0x68 ? u8() : op === 0x6a ? u32() : Number(line());
        if (!memo.has(key)) throw new Error(`unpickle: memo key ${key} is missing`);
        stack.push(memo.get(key));
        break;
      }
      case 0x4a: // BININT
        need(4);
        pos += 4;
        stack.push(view.getInt32(pos - 4, true));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        need(2);
        pos += 2;
        stack.push(view.getUint16(pos - 2, true));
        break;
      case 0x49: {
        // INT
        const s = line();
        stack.push(s === '01' ? true : s === '00' ? false : Number(s));
        break;
      }
      case 0x4c: // LONG
        stack.push(Number(line().replace(/L$/, '')));
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement
        const b = take(u8());
        let v = 0n;
        for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        if (b.length > 0 && b[b.length - 1]! >= 0x80) v -= 1n << BigInt(8 * b.length);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x47: // BINFLOAT
        need(8);
        pos += 8;
        stack.push(view.getFloat64(pos - 8, false));
        break;
      case 0x46: // FLOAT
        stack.push(Number(line()));
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8.decode(take(u64())));
        break;
      case 0x54: // BINSTRING: a Python 2 str, decoded as latin-1
        need(4);
        pos += 4;
        stack.push(latin1_string(take(view.getInt32(pos - 4, true))));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1_string(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()).slice());
        break;
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push(resolve(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        stack.push(resolve(String(pop()), String(name)));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      default:
        throw new Error(`unpickle: opcode 0x${op.toString(16).padStart(2, '0')} at offset ${pos - 1} is not supported`);
    }
  }
}

/** The result with every rebuilt ndarray in place of its placeholder (iteratively, no recursion). */
function finish(root: Item): PickleValue {
  const settle = (v: Item): Item => {
    if (v instanceof PendingArray) {
      if (v.result === null) throw new Error('unpickle: an ndarray was never given its data');
      return v.result;
    }
    if (v instanceof DType) return v.order + v.code;
    return v;
  };
  const out = settle(root);
  const todo: Item[] = [out];
  const seen = new Set<Item>();
  while (todo.length > 0) {
    const v = todo.pop();
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array || seen.has(v)) continue;
    seen.add(v);
    if ((v as { kind?: unknown }).kind === 'ndarray') continue;
    const obj = v as Record<string, Item>;
    for (const k of Object.keys(obj)) {
      obj[k] = settle(obj[k]);
      todo.push(obj[k]);
    }
  }
  return out as PickleValue;
}
