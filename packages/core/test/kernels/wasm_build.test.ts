// The checked-in kernels_wasm.generated.ts is exactly what scripts/build_wasm.mjs assembles from kernels.wat today.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error the build script is plain ESM JavaScript without type declarations
import { generated_path, render_kernels_module } from '../../scripts/build_wasm.mjs';

describe('wasm build', () => {
  it('regenerating kernels_wasm.generated.ts from kernels.wat gives the same bytes', async () => {
    const fresh = (await render_kernels_module()) as string;
    expect(fresh, 'kernels.wat changed: run `node packages/core/scripts/build_wasm.mjs`').toBe(readFileSync(generated_path as string, 'utf8'));
  });
});
