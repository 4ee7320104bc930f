// The IDX file format of MNIST-style datasets: a pure parser of (already gunzipped) bytes.

/** Element types an IDX file can declare. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
/** The typed array an IDX file's values come in, by its element type. */
export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file: its element type, dims and row-major values in a fresh typed array. */
export interface IdxFile {
  /** Element type: 'uint8', 'int8', 'int16', 'int32', 'float32' or 'float64'. */
  dtype: IdxDtype;
  /** The dims, outermost first. */
  shape: number[];
  /** The values, row-major. */
  data: IdxArray;
}

interface IdxType {
  dtype: IdxDtype;
  size: number;
  make(n: number): IdxArray;
  read(view: DataView, at: number): number;
}

/** Type codes of the format; every multi-byte value is big-endian. */
const IDX_TYPES: Record<number, IdxType> = {
  0x08: { dtype: 'uint8', size: 1, make: (n) => new Uint8Array(n), read: (v, at) => v.getUint8(at) },
  0x09: { dtype: 'int8', size: 1, make: (n) => new Int8Array(n), read: (v, at) => v.getInt8(at) },
  0x0b: { dtype: 'int16', size: 2, make: (n) => new Int16Array(n), read: (v, at) => v.getInt16(at, false) },
  0x0c: { dtype: 'int32', size: 4, make: (n) => new Int32Array(n), read: (v, at) => v.getInt32(at, false) },
  0x0d: { dtype: 'float32', size: 4, make: (n) => new Float32Array(n), read: (v, at) => v.getFloat32(at, false) },
  0x0e: { dtype: 'float64', size: 8, make: (n) => new Float64Array(n), read: (v, at) => v.getFloat64(at, false) },
};

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

/**
 * Parses an IDX file: magic `0x00 0x00 <type code> <ndim>`, `ndim` big-endian 32-bit dims, then the big-endian
 * values. Type codes: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64. Gunzipping a
 * `.gz` file is the caller's job. Throws, naming the values involved, on a wrong magic number, an unknown type
 * code, a truncated header, or a data length that does not match the dims.
 *
 * @example
 * const { dtype, shape, data } = parse_idx(gunzipSync(readFileSync('train-images-idx3-ubyte.gz')));
 * // 'uint8', [60000, 28, 28], Uint8Array(47040000)
 */
export function parse_idx(bytes: Uint8Array): IdxFile {
  if (bytes.length < 4) throw new Error(`IDX: truncated header: ${bytes.length} bytes, the magic number alone needs 4`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), hex).join(' ');
    const hint = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (this is gzip data: gunzip it first)' : '';
    throw new Error(`IDX: wrong magic number ${magic}, expected 0x00 0x00 <type code> <ndim>${hint}`);
  }
  const type = IDX_TYPES[bytes[2]!];
  if (type === undefined) {
    throw new Error(`IDX: unknown type code ${hex(bytes[2]!)} (expected 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32 or 0x0e float64)`);
  }
  const ndim = bytes[3]!;
  const data_start = 4 + 4 * ndim;
  if (bytes.length < data_start) {
    throw new Error(`IDX: truncated header: ${ndim} dims need ${data_start} header bytes, but the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, d) => view.getUint32(4 + 4 * d, false));
  const numel = shape.reduce((a, b) => a * b, 1);
  const expected = numel * type.size;
  const found = bytes.length - data_start;
  if (found !== expected) {
    throw new Error(`IDX: dims [${shape.join(', ')}] of ${type.dtype} need ${expected} data bytes, but the file has ${found}`);
  }
  // new Uint8Array(view) copies; Node's Buffer#slice would not
  if (type.dtype === 'uint8') return { dtype: 'uint8', shape, data: new Uint8Array(bytes.subarray(data_start)) };
  const data = type.make(numel);
  for (let i = 0; i < numel; i++) data[i] = type.read(view, data_start + i * type.size);
  return { dtype: type.dtype, shape, data };
}
