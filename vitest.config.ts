// Tests run against the packages' TypeScript sources, not their builds.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// TSGRAD_RELAXED_SIMD=1 runs the suite on the relaxed-SIMD kernels where this Node has them only behind a flag
// (Node 20; Node 22+ has them unflagged, and runs them unless TSGRAD_RELAXED_SIMD=0)
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);
const relaxed_flag = process.env['TSGRAD_RELAXED_SIMD'] === '1' && !WebAssembly.validate(RELAXED_PROBE) ? ['--experimental-wasm-relaxed-simd'] : [];

const src = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@tsgrad/hooks': src('hooks'),
      '@tsgrad/core': src('core'),
      '@tsgrad/nn': src('nn'),
      '@tsgrad/vision': src('vision'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 60_000,
    // TSGRAD_BACKEND=js|wasm selects the kernel backend for the whole run
    setupFiles: ['packages/core/test/backend_setup.ts'],
    pool: 'forks',
    // lets memory tests force a collection (global.gc) so heap measurements are deterministic
    poolOptions: { forks: { execArgv: ['--expose-gc', ...relaxed_flag] } },
  },
});
