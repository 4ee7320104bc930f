// Without SharedArrayBuffer (a browser page that is not cross-origin isolated) the wasm kernels run on one thread
// over an unshared memory, whose buffer is replaced every time it grows.
import { describe, expect, it, vi } from 'vitest';
import { get_num_threads, set_num_threads } from '../../src/index.js';
import { js_backend, wasm_backend } from '../../src/kernels/backend.js';
import { conv2d_out_size, type Conv2dParams } from '../../src/kernels/js/nn_kernels.js';
import { wasm_runtime } from '../../src/kernels/wasm/runtime.js';

describe.runIf(wasm_backend !== null)('wasm kernels without SharedArrayBuffer', () => {
  it('use one thread and match js across memory growth', () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      set_num_threads(4);
      expect(get_num_threads()).toBe(1);
      const rt = wasm_runtime();
      expect(rt.memory.buffer).toBeInstanceOf(ArrayBuffer);
      // growing sizes, so each call grows (and detaches) the memory the previous one used
      for (const size of [4, 20, 48]) {
        const H = size, W = size;
        const p: Conv2dParams = { N: 2, C: 8, H, W, O: 8, kh: 3, kw: 3, stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1,
          Ho: conv2d_out_size(H, 3, 1, 1, 1), Wo: conv2d_out_size(W, 3, 1, 1, 1) };
        const x = new Float32Array(2 * 8 * H * W).map((_, i) => Math.sin(i));
        const w = new Float32Array(8 * 8 * 9).map((_, i) => Math.cos(i));
        const run = (forward: typeof js_backend.conv2d_forward): Float32Array => {
          const out = new Float32Array(2 * 8 * p.Ho * p.Wo);
          forward(x, w, null, out, p);
          return out;
        };
        const want = run(js_backend.conv2d_forward);
        const got = run(wasm_backend!.conv2d_forward);
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(want[i]!)));
      }
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
