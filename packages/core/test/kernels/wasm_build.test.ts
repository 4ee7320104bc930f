// The checked-in kernels_wasm.generated.ts and driver_source.generated.ts are exactly what scripts/build_wasm.mjs
// makes from kernels.wat and driver.ts today.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error the build script is plain ESM JavaScript without type declarations
import { driver_generated_path, generated_path, render_driver_module, render_kernels_module } from '../../scripts/build_wasm.mjs';

describe('wasm build', () => {
  it('regenerating kernels_wasm.generated.ts from kernels.wat gives the same bytes', async () => {
    const fresh = (await render_kernels_module()) as string;
    expect(fresh, 'kernels.wat changed: run `node packages/core/scripts/build_wasm.mjs`').toBe(readFileSync(generated_path as string, 'utf8'));
  });

  it('regenerating driver_source.generated.ts from driver.ts gives the same text', () => {
    const fresh = render_driver_module() as string;
    expect(fresh, 'driver.ts changed: run `node packages/core/scripts/build_wasm.mjs`').toBe(readFileSync(driver_generated_path as string, 'utf8'));
  });
});
