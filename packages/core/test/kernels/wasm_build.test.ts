// The checked-in kernels_wasm.generated.ts and driver_source.generated.ts are exactly what scripts/build_wasm.mjs
// makes from kernels.wat and driver.ts today; its inlining of `;; @inline` functions keeps their meaning.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error the build script is plain ESM JavaScript without type declarations
import { driver_generated_path, generated_path, inline_text, render_driver_module, render_kernels_module } from '../../scripts/build_wasm.mjs';
import wabt_init from 'wabt';

describe('wasm build', () => {
  it('regenerating kernels_wasm.generated.ts from kernels.wat gives the same bytes', async () => {
    const fresh = (await render_kernels_module()) as string;
    expect(fresh, 'kernels.wat changed: run `node packages/core/scripts/build_wasm.mjs`').toBe(readFileSync(generated_path as string, 'utf8'));
  });

  it('regenerating driver_source.generated.ts from driver.ts gives the same text', () => {
    const fresh = render_driver_module() as string;
    expect(fresh, 'driver.ts changed: run `node packages/core/scripts/build_wasm.mjs`').toBe(readFileSync(driver_generated_path as string, 'utf8'));
  });

  it('inlines functions marked @inline, nested calls and locals included, and drops them', async () => {
    const text = `(module
  ;; (parentheses in comments are skipped)
  (func $twice (param $x v128) (result v128) ;; @inline
    (local $y v128)
    (local.set $y (f32x4.add (local.get $x) (local.get $x)))
    (local.get $y))
  (func $quad (param $x v128) (result v128) ;; @inline
    (call $twice (call $twice (local.get $x))))
  (func (export "f") (param $a f32) (result f32)
    (local $x v128)
    (local.set $x (f32x4.splat (local.get $a)))
    (f32x4.extract_lane 0 (f32x4.add (call $quad (local.get $x)) (call $twice (local.get $x))))))`;
    const out = inline_text(text) as string;
    expect(out).not.toMatch(/call \$|func \$twice|func \$quad/);
    // each callee's locals declared once in the caller, next to its own $x, which they do not clash with
    expect(out.match(/\(local \$twice__x v128\)/g)).toHaveLength(1);
    const wabt = await wabt_init();
    const module = wabt.parseWat('inlined.wat', out, { simd: true });
    const bytes = module.toBinary({}).buffer;
    module.destroy();
    const f = (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as { f: (a: number) => number }).f;
    expect(f(1.5)).toBe(1.5 * 4 + 1.5 * 2);
  });
});
