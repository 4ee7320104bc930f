// Tests run against the packages' TypeScript sources, not their builds.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

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
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
  },
});
