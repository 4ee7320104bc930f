// Test setup for the threaded wasm kernels: the enclosing describe's tests run with a second kernel thread up and
// even tiny jobs split between the threads, then the thread count and the split threshold are restored.
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { get_num_threads, set_num_threads } from '../../src/index.js';
import { wasm_runtime } from '../../src/kernels/wasm/runtime.js';

/** Call inside a describe: its tests start with two kernel threads ready and every job split (set_num_threads(1) still runs one). */
export function split_jobs_on_two_threads(): void {
  const rt = wasm_runtime();
  const initial_threads = get_num_threads();
  beforeAll(async () => {
    rt.min_parallel_work = 0;
    set_num_threads(2);
    await vi.waitFor(() => expect(rt.threads_ready()).toBe(2), { timeout: 20_000, interval: 20 });
  }, 30_000);
  afterAll(() => {
    rt.min_parallel_work = 1 << 20;
    set_num_threads(initial_threads);
  });
}
