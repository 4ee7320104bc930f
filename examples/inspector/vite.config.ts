// Vite config of the inspector: @tsgrad/* resolve to the packages' TypeScript sources, as in the root vitest config.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const src = (name: string): string => fileURLToPath(new URL(`../../packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // relative asset URLs: the built page works from any folder or sub-path
  base: './',
  resolve: {
    alias: {
      '@tsgrad/hooks': src('hooks'),
      '@tsgrad/core': src('core'),
      '@tsgrad/nn': src('nn'),
      '@tsgrad/vision': src('vision'),
    },
  },
  // class names are load-bearing, as in PyTorch: autograd.Function node names (`BackwardHookFunctionBackward`,
  // which full backward hooks look for), Module._get_name() in reprs and load_state_dict errors
  esbuild: { keepNames: true },
  build: { outDir: 'dist/app', emptyOutDir: true, target: 'es2022' },
  // cross-origin isolation gives the page SharedArrayBuffer, so tsgrad's kernels run on Web Workers too
  server: { host: '127.0.0.1', headers: ISOLATION },
  preview: { host: '127.0.0.1', headers: ISOLATION },
});
