// Shared by the ONNX export tests: run exported bytes in onnxruntime-node and compare with tsgrad's outputs.
import { expect } from 'vitest';
import { Tensor } from '@tsgrad/core';
import * as ort from 'onnxruntime-node';

const ORT_TYPE = { float32: 'float32', float64: 'float64', int64: 'int64', bool: 'bool' } as const;

/** A tsgrad tensor as an onnxruntime tensor of the same dtype. */
function to_ort(t: Tensor): ort.Tensor {
  const d = t._contiguous_data();
  if (t._dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(d, (v) => BigInt(v)), t.shape);
  if (t._dtype === 'bool') return new ort.Tensor('bool', Uint8Array.from(d), t.shape);
  return new ort.Tensor(ORT_TYPE[t._dtype], t._dtype === 'float64' ? Float64Array.from(d) : Float32Array.from(d), t.shape);
}

/** The tensors of a (nested) result, in order. */
export const flat = (v: unknown): Tensor[] => (v instanceof Tensor ? [v] : Array.isArray(v) ? v.flatMap(flat) : []);

/** Runs the exported bytes in onnxruntime on `inputs` (tensors, possibly in nested arrays) and checks every output against tsgrad's `expected`. */
export async function expect_ort_matches(bytes: Uint8Array, inputs: readonly unknown[], expected: Tensor[], names?: string[]): Promise<void> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  const xs = flat(inputs);
  session.inputNames.forEach((n, i) => (feeds[n] = to_ort(xs[i]!)));
  if (names !== undefined) expect(session.outputNames).toEqual(names);
  const result = await session.run(feeds);
  expect(session.outputNames.length).toBe(expected.length);
  session.outputNames.forEach((n, i) => {
    const got = result[n]!;
    const want = expected[i]!;
    expect(got.dims, n).toEqual(want.shape);
    const w = want._contiguous_data();
    const g = got.data as ArrayLike<number | bigint | boolean>;
    const scale = Math.max(1e-3, ...Array.from(w, Math.abs));
    for (let k = 0; k < w.length; k++) {
      const diff = Math.abs(Number(g[k]) - w[k]!);
      if (!(diff <= 1e-4 * Math.max(Math.abs(w[k]!), scale * 1e-2))) expect.fail(`${n}[${k}]: onnxruntime ${Number(g[k])}, tsgrad ${w[k]}`);
    }
  });
}

/** The model's bytes as text: op types, value and initializer names appear in it verbatim. */
export function as_text(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes);
}
