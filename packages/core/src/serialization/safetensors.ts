// The safetensors weight format as bytes: serialize/deserialize state dicts, pure and browser-safe.
import { from_array } from '../ops/creation.js';
import type { DType, TypedArray } from '../dtype.js';
import type { Tensor } from '../tensor.js';

/** The dtype names of the safetensors header that tsgrad reads. */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U32' | 'U16' | 'U8' | 'BOOL';

/** What `deserialize` returns: the tensors by name and the header's `__metadata__` (null when absent). */
export interface SafetensorsContent {
  /** The tensors by name, in the file's order. */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` string map, or null when absent. */
  metadata: Record<string, string> | null;
}

/**
 * Thrown for every malformed file or unserializable state dict; the name is the Python package's
 * `safetensors.SafetensorError`.
 *
 * @example
 * try { deserialize(bytes); } catch (e) { if (e instanceof SafetensorError) console.error(e.message); }
 */
export class SafetensorError extends Error {
  /** Always 'SafetensorError', as the Python package's exception class. */
  override name = 'SafetensorError';
}

function fail(message: string): never {
  throw new SafetensorError(`safetensors: ${message}`);
}

/** The Rust implementation refuses headers over 100 MB; so do we, before decoding anything. */
const MAX_HEADER_SIZE = 100_000_000;
const TWO_32 = 4294967296;
const METADATA_KEY = '__metadata__';

interface Codec {
  /** Bytes per element. */
  size: number;
  /** The tsgrad dtype the values load as. */
  dtype: DType;
  read(view: DataView, at: number, n: number, name: string): TypedArray;
}

const f32_scratch = new Float32Array(1);
const u32_scratch = new Uint32Array(f32_scratch.buffer);

/** IEEE 754 binary16 bits to a number (exact: every half value is a float32 value). */
function half_to_number(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * int64 from two little-endian 32-bit words. tsgrad stores int64 in a Float64Array, so a value that a double
 * cannot hold exactly is an error rather than a silent rounding.
 */
function read_int64(view: DataView, at: number, name: string, index: number): number {
  const lo = view.getUint32(at, true);
  const hi = view.getInt32(at + 4, true);
  if (hi >= -2097152 && hi < 2097152) return hi * TWO_32 + lo; // |v| <= 2^53: always exact
  const big = view.getBigInt64(at, true);
  const v = Number(big);
  if (BigInt(v) !== big) {
    fail(`tensor '${name}': I64 value ${big} at index ${index} cannot be represented exactly (tsgrad stores int64 in float64)`);
  }
  return v;
}

/** A codec reading `size`-byte elements one by one with `get` into a new array of `dtype`'s storage type. */
function element_codec(size: number, dtype: 'float64' | 'float32' | 'int64', get: (view: DataView, at: number) => number): Codec {
  const Out = dtype === 'float32' ? Float32Array : Float64Array;
  return {
    size,
    dtype,
    read(view, at, n) {
      const out = new Out(n);
      for (let i = 0; i < n; i++) out[i] = get(view, at + i * size);
      return out;
    },
  };
}

const CODECS: Record<SafetensorsDtype, Codec> = {
  F64: element_codec(8, 'float64', (v, at) => v.getFloat64(at, true)),
  F32: element_codec(4, 'float32', (v, at) => v.getFloat32(at, true)),
  F16: element_codec(2, 'float32', (v, at) => half_to_number(v.getUint16(at, true))),
  BF16: {
    size: 2,
    dtype: 'float32',
    read(view, at, n) {
      // bfloat16 is the upper half of a float32
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        u32_scratch[0] = view.getUint16(at + 2 * i, true) << 16;
        out[i] = f32_scratch[0]!;
      }
      return out;
    },
  },
  I64: {
    size: 8,
    dtype: 'int64',
    read(view, at, n, name) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = read_int64(view, at + 8 * i, name, i);
      return out;
    },
  },
  I32: element_codec(4, 'int64', (v, at) => v.getInt32(at, true)),
  I16: element_codec(2, 'int64', (v, at) => v.getInt16(at, true)),
  I8: element_codec(1, 'int64', (v, at) => v.getInt8(at)),
  U32: element_codec(4, 'int64', (v, at) => v.getUint32(at, true)),
  U16: element_codec(2, 'int64', (v, at) => v.getUint16(at, true)),
  U8: element_codec(1, 'int64', (v, at) => v.getUint8(at)),
  BOOL: {
    size: 1,
    dtype: 'bool',
    read(view, at, n) {
      // any non-zero byte is true, as torch.frombuffer(dtype=torch.bool) and NumPy read it
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getUint8(at + i) === 0 ? 0 : 1;
      return out;
    },
  },
};

/** Dtypes the format defines that tsgrad cannot load, named apart so the error says "unsupported", not "unknown". */
const SPEC_ONLY_DTYPES = ['U64', 'C64', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4'];

interface Writer {
  name: 'F64' | 'F32' | 'I64' | 'U8' | 'BOOL';
  size: number;
  write(view: DataView, at: number, values: TypedArray, tensor_name: string): void;
}

const WRITERS: Record<DType, Writer> = {
  float64: {
    name: 'F64',
    size: 8,
    write(view, at, values) {
      for (let i = 0; i < values.length; i++) view.setFloat64(at + 8 * i, values[i]!, true);
    },
  },
  float32: {
    name: 'F32',
    size: 4,
    write(view, at, values) {
      for (let i = 0; i < values.length; i++) view.setFloat32(at + 4 * i, values[i]!, true);
    },
  },
  int64: {
    name: 'I64',
    size: 8,
    write(view, at, values, tensor_name) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (!Number.isInteger(v) || Math.abs(v) >= 2 ** 63) {
          fail(`tensor '${tensor_name}': int64 value ${v} at index ${i} is not a 64-bit integer`);
        }
        if (Math.abs(v) <= Number.MAX_SAFE_INTEGER) {
          const hi = Math.floor(v / TWO_32);
          view.setUint32(at + 8 * i, v - hi * TWO_32, true);
          view.setInt32(at + 8 * i + 4, hi, true);
        } else {
          view.setBigInt64(at + 8 * i, BigInt(v), true);
        }
      }
    },
  },
  uint8: {
    name: 'U8',
    size: 1,
    write(view, at, values) {
      for (let i = 0; i < values.length; i++) view.setUint8(at + i, values[i]!);
    },
  },
  bool: {
    name: 'BOOL',
    size: 1,
    write(view, at, values) {
      for (let i = 0; i < values.length; i++) view.setUint8(at + i, values[i] ? 1 : 0);
    },
  },
};

/**
 * Rust's order: descending dtype (its enum order, so I64 before F64 before F32 before U8 before BOOL), then name. Larger
 * elements first keeps every tensor's start aligned to its element size, since the header is padded to 8.
 */
const WRITE_RANK: Record<DType, number> = { int64: 0, float64: 1, float32: 2, uint8: 3, bool: 4 };

const describe_value = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Encodes a state dict as a safetensors file: an 8-byte little-endian header length, a UTF-8 JSON header
 * padded with spaces to a multiple of 8, then the little-endian data of each tensor, contiguous and in
 * header order. float32/float64/int64/bool tensors are written as F32/F64/I64/BOOL; non-contiguous views are
 * written in row-major order. The result loads with Python's `safetensors.torch.load_file`.
 *
 * @example
 * const bytes = serialize(net.state_dict(), { format: 'pt' });
 * const { tensors } = deserialize(bytes);
 */
export function serialize(state: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      fail(`metadata must be an object of strings, got ${describe_value(metadata)}`);
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') fail(`metadata['${k}'] must be a string, got ${describe_value(v)}`);
    }
  }
  const items = Object.entries(state).map(([name, t]) => {
    if (name === METADATA_KEY) fail(`'${METADATA_KEY}' is reserved for the header's metadata and cannot name a tensor`);
    if (t === null || typeof t !== 'object' || typeof t._contiguous_data !== 'function' || !(t._dtype in WRITERS)) {
      fail(`state['${name}'] is not a Tensor (got ${describe_value(t)})`);
    }
    return { name, tensor: t, writer: WRITERS[t._dtype] };
  });
  items.sort((a, b) => WRITE_RANK[a.tensor._dtype] - WRITE_RANK[b.tensor._dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  // JSON built entry by entry: JS objects would move integer-like names ahead of the others
  const fields: string[] = [];
  if (metadata !== undefined) fields.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  let offset = 0;
  const placed = items.map((item) => {
    const begin = offset;
    offset += item.tensor.numel() * item.writer.size;
    const info = { dtype: item.writer.name, shape: item.tensor._shape, data_offsets: [begin, offset] };
    fields.push(`${JSON.stringify(item.name)}:${JSON.stringify(info)}`);
    return { ...item, begin };
  });
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const header_len = Math.ceil(json.length / 8) * 8;

  const out = new Uint8Array(8 + header_len + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(header_len), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + header_len);
  for (const p of placed) p.writer.write(view, 8 + header_len + p.begin, p.tensor._contiguous_data(), p.name);
  return out;
}

interface Entry {
  name: string;
  codec: Codec;
  dtype_name: string;
  shape: number[];
  begin: number;
  end: number;
}

/** The keys of the top-level object in source order, duplicates included (JSON.parse keeps only the last). */
function top_level_keys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      let k = j + 1;
      while (k < text.length && ' \t\n\r'.includes(text[k]!)) k++;
      if (depth === 1 && text[k] === ':') keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      i = j;
    }
  }
  return keys;
}

function read_header(bytes: Uint8Array): { header: Record<string, unknown>; header_len: number } {
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${describe_value(bytes)}`);
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) fail(`header length ${n} exceeds the ${MAX_HEADER_SIZE}-byte limit`);
  const header_len = Number(n);
  if (header_len > bytes.length - 8) {
    fail(`header length ${header_len} is larger than the ${bytes.length - 8} bytes after the length field`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + header_len));
  } catch {
    fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON: ${(e as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    fail(`header must be a JSON object, got ${describe_value(header)}`);
  }
  const keys = top_level_keys(text);
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) fail(`header names '${k}' more than once`);
    seen.add(k);
  }
  return { header: header as Record<string, unknown>, header_len };
}

function parse_metadata(value: unknown): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) fail(`'${METADATA_KEY}' must be an object of strings, got ${describe_value(value)}`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(`'${METADATA_KEY}' value '${k}' must be a string, got ${describe_value(v)}`);
  }
  return { ...(value as Record<string, string>) };
}

function parse_entry(name: string, value: unknown, data_len: number): Entry {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(`tensor '${name}': entry must be an object with dtype, shape and data_offsets, got ${describe_value(value)}`);
  }
  const info = value as Record<string, unknown>;
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!(field in info)) fail(`tensor '${name}': missing '${field}'`);
  }
  const { dtype, shape, data_offsets } = info;
  if (typeof dtype !== 'string') fail(`tensor '${name}': dtype must be a string, got ${describe_value(dtype)}`);
  if (!Object.hasOwn(CODECS, dtype)) {
    if (SPEC_ONLY_DTYPES.includes(dtype)) fail(`tensor '${name}': dtype ${dtype} is not supported by tsgrad (supported: ${Object.keys(CODECS).join(', ')})`);
    fail(`tensor '${name}': unknown dtype '${dtype}' (supported: ${Object.keys(CODECS).join(', ')})`);
  }
  const codec = CODECS[dtype as SafetensorsDtype];
  if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && (s as number) >= 0)) {
    fail(`tensor '${name}': shape ${JSON.stringify(shape)} must be a list of non-negative integers`);
  }
  const offsets_ok = Array.isArray(data_offsets) && data_offsets.length === 2 && data_offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0);
  if (!offsets_ok) fail(`tensor '${name}': data_offsets ${JSON.stringify(data_offsets)} must be two non-negative integers [begin, end]`);
  const [begin, end] = data_offsets as [number, number];
  if (begin > end) fail(`tensor '${name}': data_offsets [${begin}, ${end}] begin after they end`);
  if (end > data_len) fail(`tensor '${name}': data_offsets [${begin}, ${end}] run past the ${data_len}-byte data section`);
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  if (numel * codec.size !== end - begin) {
    fail(`tensor '${name}': dtype ${dtype} and shape [${(shape as number[]).join(', ')}] need ${numel * codec.size} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, codec, dtype_name: dtype, shape: shape as number[], begin, end };
}

/** Offsets must tile the data section exactly: no overlap, no gap, nothing after the last tensor. */
function check_layout(entries: Entry[], data_len: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Entry | null = null;
  for (const e of sorted) {
    if (e.begin < pos) fail(`tensors '${prev!.name}' [${prev!.begin}, ${prev!.end}] and '${e.name}' [${e.begin}, ${e.end}] overlap`);
    if (e.begin > pos) {
      const before = prev === null ? 'the start of the data section' : `'${prev.name}' ends at ${pos}`;
      fail(`${e.begin - pos} unused bytes between ${before} and '${e.name}' beginning at ${e.begin}`);
    }
    pos = e.end;
    prev = e;
  }
  if (pos !== data_len) fail(`the tensors cover ${pos} bytes but the data section holds ${data_len} (${data_len - pos} trailing bytes)`);
}

/**
 * Decodes a safetensors file into tensors. Everything is validated before any tensor is built, so a malformed
 * file throws a `SafetensorError` naming the problem and loads nothing. F32/F64/I64/BOOL load as
 * float32/float64/int64/bool; F16 and BF16 are widened to float32, and I32/I16/I8/U32/U16/U8 to int64 (tsgrad
 * has no narrower dtypes). An I64 value beyond what a double holds exactly is an error. Tensors come back in
 * file order; their data is copied, never aliasing `bytes`.
 *
 * @example
 * const { tensors, metadata } = deserialize(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 * net.load_state_dict(tensors);
 */
export function deserialize(bytes: Uint8Array): SafetensorsContent {
  const { header, header_len } = read_header(bytes);
  const data_start = 8 + header_len;
  const data_len = bytes.length - data_start;
  const metadata = parse_metadata(header[METADATA_KEY]);
  const entries = Object.keys(header)
    .filter((k) => k !== METADATA_KEY)
    .map((k) => parse_entry(k, header[k], data_len));
  check_layout(entries, data_len);
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const view = new DataView(bytes.buffer, bytes.byteOffset + data_start, data_len);
  const numel = (e: Entry): number => (e.end - e.begin) / e.codec.size;
  const decoded = entries.map((e) => [e.name, from_array(e.codec.read(view, e.begin, numel(e), e.name), e.shape, e.codec.dtype)] as const);
  return { tensors: Object.fromEntries(decoded), metadata };
}
