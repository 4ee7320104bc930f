// safetensors: round trips of every dtype, the exact byte layout, one test per malformed file, PyTorch's own file.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as torch from '@tsgrad/core';
import { deserialize, SafetensorError, serialize, load_file, save_file } from '@tsgrad/core';

const values = (t: torch.Tensor): number[] => Array.from(t._contiguous_data());

/** Same dtype, shape and values; Object.is so that -0 and NaN count. */
function expect_same(actual: torch.Tensor | undefined, expected: torch.Tensor): void {
  expect(actual).toBeDefined();
  expect(actual!.dtype).toBe(expected.dtype);
  expect(actual!.shape).toEqual(expected.shape);
  const a = values(actual!);
  const e = values(expected);
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(Object.is(v, e[i]), `index ${i}: ${v} vs ${e[i]}`).toBe(true));
}

/** A file from a header (object or raw JSON text) and a data section. */
function build(header: unknown, data: Uint8Array | number = 0): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

/** Little-endian bytes of `values` written with a DataView setter of `size` bytes. */
function le_bytes(size: number, set: (v: DataView, at: number, x: number) => void, xs: number[]): Uint8Array {
  const out = new Uint8Array(size * xs.length);
  const view = new DataView(out.buffer);
  xs.forEach((x, i) => set(view, i * size, x));
  return out;
}

function header_of(bytes: Uint8Array): { n: number; text: string } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, text: new TextDecoder().decode(bytes.subarray(8, 8 + n)) };
}

describe('serialize / deserialize round trip', () => {
  it('keeps every writable dtype, 0-dim and empty tensors exactly', () => {
    torch.manual_seed(0);
    const state: Record<string, torch.Tensor> = {
      f32: torch.randn([2, 3]),
      f32_special: torch.tensor([0, -0, Infinity, -Infinity, NaN, 3.4e38, 1e-45]),
      f64: torch.tensor([Math.PI, -0, 1e-300, NaN, -Infinity, 2 ** -1074], { dtype: 'float64' }),
      i64: torch.tensor([0, -1, 7, -(2 ** 53), 2 ** 53, 2 ** 60, -(2 ** 62), 4294967296, -4294967297], { dtype: 'int64' }),
      flag: torch.tensor([true, false, true]),
      f32_scalar: torch.tensor(2.5),
      f64_scalar: torch.tensor(-1.25, { dtype: 'float64' }),
      i64_scalar: torch.tensor(-42, { dtype: 'int64' }),
      bool_scalar: torch.tensor(true),
      empty: torch.zeros([0]),
      empty_3d: torch.zeros([2, 0, 3], { dtype: 'int64' }),
      empty_bool: torch.zeros([0, 4], { dtype: 'bool' }),
    };
    const { tensors, metadata } = deserialize(serialize(state));
    expect(metadata).toBeNull();
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(state).sort());
    for (const [name, t] of Object.entries(state)) expect_same(tensors[name], t);
  });

  it('saves non-contiguous views in row-major order', () => {
    torch.manual_seed(1);
    const base = torch.randn([3, 4]);
    const state = {
      transposed: base.t(),
      sliced: base.narrow(1, 1, 2),
      offset_row: base.select(0, 2),
      expanded: torch.tensor([1, 2, 3], { dtype: 'int64' }).expand(2, 3),
      permuted: torch.randn([2, 3, 4], { dtype: 'float64' }).permute(2, 0, 1),
    };
    for (const t of [state.transposed, state.sliced, state.expanded, state.permuted]) expect(t.is_contiguous()).toBe(false);
    const { tensors } = deserialize(serialize(state));
    for (const [name, t] of Object.entries(state)) {
      expect_same(tensors[name], t.contiguous());
      expect(tensors[name]!.tolist()).toEqual(t.tolist());
    }
  });

  it('keeps metadata and names JS objects would reorder or misread', () => {
    const state = { '10': torch.tensor([1]), '9': torch.tensor([2]), __proto__x: torch.tensor([3]), 'ünï.cödé': torch.tensor([4]) };
    const awkward: Record<string, torch.Tensor> = Object.fromEntries([...Object.entries(state), ['__proto__', torch.tensor([5])]]);
    const { tensors, metadata } = deserialize(serialize(awkward, { format: 'pt', note: 'naïve "quotes"' }));
    expect(metadata).toEqual({ format: 'pt', note: 'naïve "quotes"' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(awkward).sort());
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    expect(values(tensors['__proto__']!)).toEqual([5]);
    expect(values(tensors['ünï.cödé']!)).toEqual([4]);
  });

  it('round-trips an empty state dict', () => {
    const bytes = serialize({});
    expect(header_of(bytes)).toEqual({ n: 8, text: '{}      ' });
    expect(deserialize(bytes)).toEqual({ tensors: {}, metadata: null });
  });
});

describe('serialize layout (what the Rust implementation writes)', () => {
  const state = {
    b_f32: torch.tensor([1, 2, 3]),
    a_f32: torch.tensor([[4]]),
    mask: torch.tensor([true, false, true]),
    ids: torch.tensor([5, -6], { dtype: 'int64' }),
    x64: torch.tensor([0.5], { dtype: 'float64' }),
  };
  const bytes = serialize(state, { format: 'pt' });
  const { n, text } = header_of(bytes);

  it('pads the header with spaces to a multiple of 8 and lists __metadata__ first', () => {
    expect(n % 8).toBe(0);
    expect(text).toMatch(/^\{"__metadata__":\{"format":"pt"\},/);
    expect(text.trimEnd().length).toBeGreaterThan(n - 8);
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
  });

  it('orders tensors by descending dtype then name, with contiguous offsets', () => {
    const header = JSON.parse(text) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    expect(Object.keys(header)).toEqual(['__metadata__', 'ids', 'x64', 'a_f32', 'b_f32', 'mask']);
    expect(header['ids']).toEqual({ dtype: 'I64', shape: [2], data_offsets: [0, 16] });
    expect(header['x64']).toEqual({ dtype: 'F64', shape: [1], data_offsets: [16, 24] });
    expect(header['a_f32']).toEqual({ dtype: 'F32', shape: [1, 1], data_offsets: [24, 28] });
    expect(header['b_f32']).toEqual({ dtype: 'F32', shape: [3], data_offsets: [28, 40] });
    expect(header['mask']).toEqual({ dtype: 'BOOL', shape: [3], data_offsets: [40, 43] });
    expect(bytes.length).toBe(8 + n + 43);
  });

  it('writes little-endian data', () => {
    const data = new DataView(bytes.buffer, 8 + n);
    expect(data.getBigInt64(0, true)).toBe(5n);
    expect(data.getBigInt64(8, true)).toBe(-6n);
    expect(data.getFloat64(16, true)).toBe(0.5);
    expect(data.getFloat32(24, true)).toBe(4);
    expect([data.getUint8(40), data.getUint8(41), data.getUint8(42)]).toEqual([1, 0, 1]);
  });
});

describe('loading the dtypes tsgrad does not have', () => {
  type Case = { dtype: string; bytes: Uint8Array; as: torch.DType; expected: number[] };
  const f16 = (xs: number[]) => le_bytes(2, (v, at, x) => v.setUint16(at, x, true), xs);
  const cases: Case[] = [
    // 1, -2, max half, smallest subnormal, largest subnormal, -0, +inf, 0.333251953125
    { dtype: 'F16', bytes: f16([0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x8000, 0x7c00, 0x3555]), as: 'float32', expected: [1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, -0, Infinity, 0.333251953125] },
    { dtype: 'BF16', bytes: f16([0x3f80, 0xc040, 0x4049, 0x0000, 0xff80]), as: 'float32', expected: [1, -3, 3.140625, 0, -Infinity] },
    { dtype: 'I32', bytes: le_bytes(4, (v, at, x) => v.setInt32(at, x, true), [-(2 ** 31), -1, 2 ** 31 - 1]), as: 'int64', expected: [-(2 ** 31), -1, 2 ** 31 - 1] },
    { dtype: 'I16', bytes: le_bytes(2, (v, at, x) => v.setInt16(at, x, true), [-32768, 12345]), as: 'int64', expected: [-32768, 12345] },
    { dtype: 'I8', bytes: new Uint8Array([0x80, 0xff, 0x7f]), as: 'int64', expected: [-128, -1, 127] },
    { dtype: 'U8', bytes: new Uint8Array([0, 200, 255]), as: 'int64', expected: [0, 200, 255] },
    { dtype: 'U16', bytes: le_bytes(2, (v, at, x) => v.setUint16(at, x, true), [65535, 1]), as: 'int64', expected: [65535, 1] },
    { dtype: 'U32', bytes: le_bytes(4, (v, at, x) => v.setUint32(at, x, true), [4294967295, 0]), as: 'int64', expected: [4294967295, 0] },
    { dtype: 'BOOL', bytes: new Uint8Array([0, 1, 2]), as: 'bool', expected: [0, 1, 1] },
  ];
  it.each(cases)('$dtype loads as $as', ({ dtype, bytes, as, expected }) => {
    const n = expected.length;
    const { tensors } = deserialize(build({ t: { dtype, shape: [n], data_offsets: [0, bytes.length] } }, bytes));
    expect(tensors['t']!._dtype).toBe(as);
    expect(tensors['t']!.shape).toEqual([n]);
    values(tensors['t']!).forEach((v, i) => expect(Object.is(v, expected[i]), `${v} vs ${expected[i]}`).toBe(true));
  });

  it('half NaN stays NaN', () => {
    const bytes = f16([0x7e00]);
    const { tensors } = deserialize(build({ t: { dtype: 'F16', shape: [], data_offsets: [0, 2] } }, bytes));
    expect(Number.isNaN(values(tensors['t']!)[0])).toBe(true);
  });

  it('rejects an I64 value a double cannot hold exactly', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigInt64(8, 2n ** 53n + 1n, true);
    const file = build({ big: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, bytes);
    expect(() => deserialize(file)).toThrow("safetensors: tensor 'big': I64 value 9007199254740993 at index 1 cannot be represented exactly (tsgrad stores int64 in float64)");
  });

  it('does not alias the file buffer', () => {
    const file = serialize({ w: torch.tensor([1, 2]) });
    const { tensors } = deserialize(file);
    file.fill(0, file.length - 8);
    expect(values(tensors['w']!)).toEqual([1, 2]);
  });

  it('reads a file that sits at an odd offset inside a larger buffer', () => {
    const file = serialize({ w: torch.tensor([1.5, -2]), i: torch.tensor([3], { dtype: 'int64' }) });
    const big = new Uint8Array(file.length + 3);
    big.set(file, 3);
    const { tensors } = deserialize(big.subarray(3));
    expect(values(tensors['w']!)).toEqual([1.5, -2]);
    expect(values(tensors['i']!)).toEqual([3]);
  });
});

describe('serialize errors', () => {
  it('names a value that is not a tensor', () => {
    expect(() => serialize({ w: [1, 2] as unknown as torch.Tensor })).toThrow("safetensors: state['w'] is not a Tensor (got array)");
  });
  it('refuses a tensor named __metadata__', () => {
    expect(() => serialize({ __metadata__: torch.tensor([1]) })).toThrow(
      "safetensors: '__metadata__' is reserved for the header's metadata and cannot name a tensor",
    );
  });
  it('refuses metadata values that are not strings', () => {
    expect(() => serialize({}, { epoch: 3 as unknown as string })).toThrow("safetensors: metadata['epoch'] must be a string, got number");
  });
  it('refuses int64 storage holding a fraction', () => {
    const bad = torch.from_array(new Float64Array([1, 2.5]), [2], 'int64');
    expect(() => serialize({ ids: bad })).toThrow("safetensors: tensor 'ids': int64 value 2.5 at index 1 is not a 64-bit integer");
  });
});

describe('malformed files load nothing and say why', () => {
  const f32 = (begin: number, end: number, shape: number[] = [(end - begin) / 4]) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });
  type Case = { kind: string; file: () => Uint8Array; message: string };
  const cases: Case[] = [
    { kind: 'shorter than 8 bytes', file: () => new Uint8Array(5), message: 'safetensors: file is 5 bytes, shorter than the 8-byte header length' },
    {
      kind: 'header length larger than the file',
      file: () => {
        const f = build({ a: f32(0, 4) }, 4);
        new DataView(f.buffer).setBigUint64(0, 1000n, true);
        return f;
      },
      message: 'safetensors: header length 1000 is larger than the 58 bytes after the length field',
    },
    {
      kind: 'header length over the 100 MB limit',
      file: () => {
        const f = new Uint8Array(16);
        new DataView(f.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
        return f;
      },
      message: 'safetensors: header length 18446744073709551615 exceeds the 100000000-byte limit',
    },
    {
      kind: 'header not UTF-8',
      file: () => {
        const f = build('{"a":1}');
        f[9] = 0xff;
        return f;
      },
      message: 'safetensors: header is not valid UTF-8',
    },
    { kind: 'header not JSON', file: () => build('{"a": {'), message: 'safetensors: header is not valid JSON: ' },
    { kind: 'header an array', file: () => build('[1, 2]'), message: 'safetensors: header must be a JSON object, got array' },
    { kind: 'header null', file: () => build('null'), message: 'safetensors: header must be a JSON object, got null' },
    { kind: 'entry not an object', file: () => build({ a: 3 }), message: "safetensors: tensor 'a': entry must be an object with dtype, shape and data_offsets, got number" },
    { kind: 'missing dtype', file: () => build({ a: { shape: [1], data_offsets: [0, 4] } }, 4), message: "safetensors: tensor 'a': missing 'dtype'" },
    { kind: 'missing shape', file: () => build({ a: { dtype: 'F32', data_offsets: [0, 4] } }, 4), message: "safetensors: tensor 'a': missing 'shape'" },
    { kind: 'missing data_offsets', file: () => build({ a: { dtype: 'F32', shape: [1] } }, 4), message: "safetensors: tensor 'a': missing 'data_offsets'" },
    {
      kind: 'unknown dtype',
      file: () => build({ a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, 16),
      message: "safetensors: tensor 'a': unknown dtype 'F128' (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U32, U16, U8, BOOL)",
    },
    {
      kind: 'dtype of the spec tsgrad cannot load',
      file: () => build({ a: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, 1),
      message: "safetensors: tensor 'a': dtype F8_E4M3 is not supported by tsgrad",
    },
    { kind: 'dtype not a string', file: () => build({ a: { dtype: 4, shape: [1], data_offsets: [0, 4] } }, 4), message: "safetensors: tensor 'a': dtype must be a string, got number" },
    { kind: 'negative shape', file: () => build({ a: f32(0, 8, [2, -1]) }, 8), message: "safetensors: tensor 'a': shape [2,-1] must be a list of non-negative integers" },
    { kind: 'non-integer shape', file: () => build({ a: f32(0, 8, [1.5]) }, 8), message: "safetensors: tensor 'a': shape [1.5] must be a list of non-negative integers" },
    { kind: 'shape not a list', file: () => build({ a: f32(0, 8, '2' as unknown as number[]) }, 8), message: 'safetensors: tensor \'a\': shape "2" must be a list of non-negative integers' },
    {
      kind: 'data_offsets not a pair',
      file: () => build({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4),
      message: "safetensors: tensor 'a': data_offsets [0] must be two non-negative integers [begin, end]",
    },
    {
      kind: 'negative data_offsets',
      file: () => build({ a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, 4),
      message: "safetensors: tensor 'a': data_offsets [-4,0] must be two non-negative integers [begin, end]",
    },
    { kind: 'data_offsets out of range', file: () => build({ a: f32(0, 8) }, 4), message: "safetensors: tensor 'a': data_offsets [0, 8] run past the 4-byte data section" },
    { kind: 'begin > end', file: () => build({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, 8), message: "safetensors: tensor 'a': data_offsets [8, 4] begin after they end" },
    {
      kind: 'byte length != numel x dtype size',
      file: () => build({ a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } }, 20),
      message: "safetensors: tensor 'a': dtype F32 and shape [2, 3] need 24 bytes, but data_offsets [0, 20] hold 20",
    },
    { kind: 'overlapping offsets', file: () => build({ a: f32(0, 8), b: f32(4, 12) }, 12), message: "safetensors: tensors 'a' [0, 8] and 'b' [4, 12] overlap" },
    { kind: 'two tensors on the same bytes', file: () => build({ a: f32(0, 4), b: f32(0, 4) }, 4), message: "safetensors: tensors 'a' [0, 4] and 'b' [0, 4] overlap" },
    { kind: 'gap between tensors', file: () => build({ a: f32(0, 4), b: f32(8, 12) }, 12), message: "safetensors: 4 unused bytes between 'a' ends at 4 and 'b' beginning at 8" },
    { kind: 'gap before the first tensor', file: () => build({ a: f32(4, 8) }, 8), message: "safetensors: 4 unused bytes between the start of the data section and 'a' beginning at 4" },
    { kind: 'trailing bytes', file: () => build({ a: f32(0, 4) }, 6), message: 'safetensors: the tensors cover 4 bytes but the data section holds 6 (2 trailing bytes)' },
    { kind: 'duplicate tensor name', file: () => build(`{"a": ${JSON.stringify(f32(0, 4))}, "a" : ${JSON.stringify(f32(4, 8))}}`, 8), message: "safetensors: header names 'a' more than once" },
    { kind: 'metadata not an object', file: () => build({ __metadata__: ['pt'] }), message: "safetensors: '__metadata__' must be an object of strings, got array" },
    { kind: 'metadata value not a string', file: () => build({ __metadata__: { epoch: 3 } }), message: "safetensors: '__metadata__' value 'epoch' must be a string, got number" },
  ];

  it.each(cases)('$kind', ({ file, message }) => {
    const bytes = file();
    let caught: unknown = null;
    let result: unknown = 'nothing';
    try {
      result = deserialize(bytes);
    } catch (e) {
      caught = e;
    }
    expect(result).toBe('nothing');
    expect(caught).toBeInstanceOf(SafetensorError);
    expect((caught as Error).message.slice(0, message.length)).toBe(message);
  });

  it('duplicate detection is not fooled by nested keys or strings that look like keys', () => {
    const header = `{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "note": "\\"b\\": 1"}, "b": ${JSON.stringify(f32(4, 8))}}`;
    expect(Object.keys(deserialize(build(header, 8)).tensors)).toEqual(['a', 'b']);
  });

  it('accepts zero-length tensors anywhere in the layout', () => {
    const file = build({ a: f32(0, 4), e: { dtype: 'I64', shape: [0, 2], data_offsets: [4, 4] }, b: f32(4, 8) }, 8);
    const { tensors } = deserialize(file);
    expect(tensors['e']!.shape).toEqual([0, 2]);
    expect(Object.keys(tensors)).toEqual(['a', 'e', 'b']);
  });
});

describe('save_file / load_file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsgrad-safetensors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the bytes serialize makes and reads them back', () => {
    torch.manual_seed(3);
    const state = { 'conv1.weight': torch.randn([2, 1, 3, 3]), 'step': torch.tensor(7, { dtype: 'int64' }) };
    const path = join(dir, 'net.safetensors');
    save_file(state, path, { format: 'pt' });
    expect(new Uint8Array(readFileSync(path))).toEqual(serialize(state, { format: 'pt' }));
    const loaded = load_file(path);
    for (const [name, t] of Object.entries(state)) expect_same(loaded[name], t);
  });

  it('leaves no file behind when the state dict is invalid', () => {
    const path = join(dir, 'bad.safetensors');
    expect(() => save_file({ w: 3 as unknown as torch.Tensor }, path)).toThrow(SafetensorError);
    expect(existsSync(path)).toBe(false);
  });

  it('reaches node:fs only when called, not at import', async () => {
    vi.resetModules();
    const spy = vi.spyOn(process, 'getBuiltinModule');
    try {
      const mod = await import('../../core/src/serialization/safetensors_file.js');
      expect(spy).not.toHaveBeenCalled();
      expect(() => mod.load_file(join(dir, 'missing.safetensors'))).toThrow(/ENOENT/);
      expect(spy).toHaveBeenCalledWith('node:fs');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('cross-check with PyTorch', () => {
  const fixtures = join(__dirname, 'fixtures');

  it('loads the file make_safetensors_fixture.py wrote with torch, value for value', () => {
    type Expected = { dtype: string; shape: number[]; values: number[] | boolean[] };
    const expected = JSON.parse(readFileSync(join(fixtures, 'torch_written.json'), 'utf8')) as {
      metadata: Record<string, string>;
      tensors: Record<string, Expected & { tsgrad_dtype: torch.DType }>;
    };
    const { tensors, metadata } = deserialize(readFileSync(join(fixtures, 'torch_written.safetensors')));
    expect(metadata).toEqual(expected.metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    for (const [name, e] of Object.entries(expected.tensors)) {
      const t = tensors[name]!;
      expect(t._dtype, name).toBe(e.tsgrad_dtype);
      expect(t.shape, name).toEqual(e.shape);
      expect(values(t), name).toEqual(e.values.map(Number));
    }
  });

  it('writes a file for read_back.py (python3 packages/nn/test/fixtures/read_back.py <file>)', () => {
    torch.manual_seed(0);
    const state = {
      weight: torch.randn([2, 3]),
      transposed: torch.randn([3, 2], { dtype: 'float64' }).t(),
      ids: torch.tensor([-3, 0, 2 ** 40], { dtype: 'int64' }),
      mask: torch.tensor([[true, false], [false, true]]),
      scalar: torch.tensor(0.25),
      empty: torch.zeros([0, 2]),
    };
    const path = join(tmpdir(), 'tsgrad_written.safetensors');
    save_file(state, path, { written_by: 'tsgrad' });
    const loaded = load_file(path);
    for (const [name, t] of Object.entries(state)) expect_same(loaded[name], t.contiguous());
  });
});
