// The embedded ONNX schema is exactly the vendored onnx.proto's, and tensors encode as ONNX's TensorProto
// (little-endian raw_data in the dtype's width).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
// @ts-expect-error the build script is plain ESM JavaScript without type declarations
import { generated_path, generated_source } from '../scripts/build_onnx_proto.mjs';
import { onnx_type, tensor_data, tensor_proto } from '../src/onnx/proto.js';

describe('ONNX protobuf', () => {
  it('onnx_proto.generated.ts is what scripts/build_onnx_proto.mjs makes from onnx.proto', () => {
    expect(generated_source() as string, 'onnx.proto changed: run `node packages/core/scripts/build_onnx_proto.mjs`').toBe(readFileSync(generated_path as string, 'utf8'));
  });

  it('a TensorProto round-trips through protobufjs with ONNX data types and raw little-endian data', () => {
    const type = onnx_type('TensorProto');
    const cases: [torch.Tensor, number, number][] = [
      [torch.tensor([[1.5, -2], [3, 4]]), 1, 4],
      [torch.tensor([1, -2, 2 ** 40], { dtype: 'int64' }), 7, 8],
      [torch.tensor([true, false]), 9, 1],
      [torch.tensor([0.1], { dtype: 'float64' }), 11, 8],
    ];
    for (const [t, data_type, width] of cases) {
      const decoded = type.toObject(type.decode(type.encode(type.fromObject(tensor_proto('w', tensor_data(t)))).finish()), { longs: Number }) as {
        name: string; dims: number[]; data_type: number; raw_data: Uint8Array;
      };
      expect(decoded.name).toBe('w');
      expect(decoded.dims).toEqual(t.shape);
      expect(decoded.data_type).toBe(data_type);
      expect(decoded.raw_data.length).toBe(t.numel() * width);
      const view = new DataView(decoded.raw_data.buffer, decoded.raw_data.byteOffset);
      const first = width === 4 ? view.getFloat32(0, true) : width === 1 ? view.getUint8(0) : data_type === 7 ? Number(view.getBigInt64(0, true)) : view.getFloat64(0, true);
      expect(first).toBe(t._contiguous_data()[0]);
    }
  });
});
