// The checked-in normal_fill_wasm.generated.ts is exactly what scripts/build_normal_wasm.mjs assembles today.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error the build script is plain ESM JavaScript without type declarations
import { normal_generated_path, render_normal_module } from '../../scripts/build_normal_wasm.mjs';

describe('normal sampler wasm build', () => {
  it('regenerating normal_fill_wasm.generated.ts gives the same bytes', async () => {
    const fresh = (await render_normal_module()) as string;
    expect(fresh, 'build_normal_wasm.mjs changed: run `node packages/core/scripts/build_normal_wasm.mjs`').toBe(readFileSync(normal_generated_path as string, 'utf8'));
  });
});
