// ONNX's protobuf messages (ModelProto, TensorProto, …) from the vendored onnx.proto, encoded with protobufjs.
import protobuf from 'protobufjs';
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { ONNX_PROTO } from './onnx_proto.generated.js';

let root: protobuf.Root | null = null;

/** A message type of onnx.proto (`ModelProto`, `TensorProto`, …), parsed once on first use. */
export function onnx_type(name: string): protobuf.Type {
  root ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
  return root.lookupType(`onnx.${name}`);
}

/** `TensorProto.DataType` of each dtype. */
export const ONNX_DTYPE: Record<DType, number> = { float32: 1, float64: 11, int64: 7, uint8: 2, bool: 9 };

/** `AttributeProto.AttributeType` values. */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** A typed attribute value: the exporter says which ONNX type each attribute has (`1` may be an INT or a FLOAT). */
export type Attr = { f: number } | { i: number } | { s: string } | { ints: readonly number[] } | { floats: readonly number[] } | { t: TensorData };

/** Attribute constructors: `F(1e-5)`, `I(1)`, `Is([1, 1])`, `S('NOTSET')`. */
export const F = (f: number): Attr => ({ f });
export const I = (i: number): Attr => ({ i });
export const Is = (ints: readonly number[]): Attr => ({ ints });
export const Fs = (floats: readonly number[]): Attr => ({ floats });
export const S = (s: string): Attr => ({ s });

/** Row-major values with their dtype and shape: an initializer or a constant. */
export interface TensorData {
  dtype: DType;
  shape: readonly number[];
  values: ArrayLike<number>;
}

/** A tensor's values as `TensorData`. */
export function tensor_data(t: Tensor): TensorData {
  return { dtype: t._dtype, shape: [...t._shape], values: t._contiguous_data() };
}

/** Little-endian bytes of `values` stored as `dtype` (TensorProto.raw_data). */
function raw_bytes(d: TensorData): Uint8Array {
  const n = d.values.length;
  if (d.dtype === 'float32') return new Uint8Array(Float32Array.from(d.values).buffer);
  if (d.dtype === 'float64') return new Uint8Array(Float64Array.from(d.values).buffer);
  if (d.dtype === 'int64') {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(d.values[i]!);
    return new Uint8Array(out.buffer);
  }
  return Uint8Array.from(d.values, (v) => (v !== 0 ? 1 : 0));
}

/** The plain object protobufjs encodes as a `TensorProto` named `name`. */
export function tensor_proto(name: string, d: TensorData): Record<string, unknown> {
  return { name, dims: [...d.shape], data_type: ONNX_DTYPE[d.dtype], raw_data: raw_bytes(d) };
}

/** The plain object of an `AttributeProto`. */
export function attribute_proto(name: string, a: Attr): Record<string, unknown> {
  if ('f' in a) return { name, type: ATTR.FLOAT, f: a.f };
  if ('i' in a) return { name, type: ATTR.INT, i: a.i };
  if ('s' in a) return { name, type: ATTR.STRING, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: ATTR.INTS, ints: [...a.ints] };
  if ('floats' in a) return { name, type: ATTR.FLOATS, floats: [...a.floats] };
  return { name, type: ATTR.TENSOR, t: tensor_proto('', a.t) };
}
