// Assembles the float32 normal sampler's block kernel (PyTorch's AVX2 normal_fill_16: avx_mathfun's log and
// sincos in float32 with the multiply-adds the compiler fuses) into normal_fill_wasm.generated.ts. The WAT is
// written here as a template so each fused multiply-add is one `fma(a, b, c)` expanded inline: a float64 product
// and sum rounded once to float32, corrected when the double sum is an inexact float32 tie.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabt_init from 'wabt';

export const normal_generated_path = fileURLToPath(new URL('../src/ops/normal_fill_wasm.generated.ts', import.meta.url));

// a·b + c rounded once to float32, for f32 expressions a, b, c (locals $fp $fs $ft $fc $fe f64, $fb i64): a tie
// of the float64 sum has its low 29 mantissa bits 0x10000000; then the sum's rounding error picks the side
const fma = (a, b, c) => `(block (result f32)
  (local.set $fp (f64.mul (f64.promote_f32 ${a}) (f64.promote_f32 ${b})))
  (local.set $fc (f64.promote_f32 ${c}))
  (local.set $fs (f64.add (local.get $fp) (local.get $fc)))
  (local.set $fb (i64.reinterpret_f64 (local.get $fs)))
  (if (i64.eq (i64.and (local.get $fb) (i64.const 0x1fffffff)) (i64.const 0x10000000))
    (then
      (local.set $ft (f64.sub (local.get $fs) (local.get $fp)))
      (local.set $fe (f64.add (f64.sub (local.get $fp) (f64.sub (local.get $fs) (local.get $ft))) (f64.sub (local.get $fc) (local.get $ft))))
      (if (f64.ne (local.get $fe) (f64.const 0))
        (then (local.set $fs (f64.reinterpret_i64 (i64.add (local.get $fb)
          (select (i64.const 1) (i64.const -1) (i32.eq (f64.gt (local.get $fe) (f64.const 0)) (f64.gt (local.get $fs) (f64.const 0)))))))))))
  (f32.demote_f64 (local.get $fs)))`;
const L = (n) => `(local.get $${n})`;
const K = (v) => `(f32.const ${v})`;
const LOGP = ['7.0376836292E-2', '-1.1514610310E-1', '1.1676998740E-1', '-1.2420140846E-1', '1.4249322787E-1', '-1.6668057665E-1', '2.0000714765E-1', '-2.4999993993E-1', '3.3333331174E-1'];
let poly = `(local.set $y ${K(LOGP[0])})\n`;
for (let i = 1; i < 9; i++) poly += `(local.set $y ${fma(L('y'), L('m'), K(LOGP[i]))})\n`;
const WAT = `(module
  (memory (export "memory") 1)
  (func (export "normal_blocks") (param $at i32) (param $n i32) (param $mean f32) (param $std f32) (param $plain i32)
    (local $end i32) (local $j i32) (local $q i32)
    (local $fp f64) (local $fs f64) (local $ft f64) (local $fc f64) (local $fe f64) (local $fb i64)
    (local $bits i32) (local $m f32) (local $e f32) (local $tmp f32) (local $z f32) (local $y f32) (local $below i32)
    (local $radius f32) (local $x f32) (local $k i32) (local $kf f32) (local $r f32) (local $c f32) (local $s f32)
    (local $sin f32) (local $cos f32) (local $n1 f32) (local $n2 f32)
    (local.set $end (i32.add (local.get $at) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $done (loop $blocks
      (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
      (local.set $j (i32.const 0))
      (loop $lanes
        (local.set $q (i32.add (local.get $at) (i32.shl (local.get $j) (i32.const 2))))
        ;; log of u1 = 1 - u (avx_mathfun's log256_ps, one lane)
        (local.set $bits (i32.reinterpret_f32 (f32.max (f32.sub (f32.const 1) (f32.load (local.get $q))) (f32.const 1.17549435e-38))))
        (local.set $m (f32.reinterpret_i32 (i32.or (i32.and (local.get $bits) (i32.const 0x807fffff)) (i32.const 0x3f000000))))
        (local.set $e (f32.add (f32.convert_i32_s (i32.sub (i32.shr_u (local.get $bits) (i32.const 23)) (i32.const 127))) (f32.const 1)))
        (local.set $below (f32.lt (local.get $m) (f32.const 0.707106781186547524)))
        (local.set $tmp (select (local.get $m) (f32.const 0) (local.get $below)))
        (local.set $m (f32.sub (local.get $m) (f32.const 1)))
        (local.set $e (f32.sub (local.get $e) (select (f32.const 1) (f32.const 0) (local.get $below))))
        (local.set $m (f32.add (local.get $m) (local.get $tmp)))
        (local.set $z (f32.mul (local.get $m) (local.get $m)))
        ${poly}
        (local.set $y (f32.mul (local.get $y) (local.get $m)))
        (local.set $y ${fma(L('y'), L('z'), '(f32.mul (local.get $e) (f32.const -2.12194440e-4))')})
        (local.set $y (f32.sub (local.get $y) (f32.mul (local.get $z) (f32.const 0.5))))
        (local.set $radius (f32.sqrt (f32.mul (f32.const -2) ${fma(L('e'), K('0.693359375'), '(f32.add (local.get $m) (local.get $y))')})))
        ;; sincos of theta = 2pi u2 (sincos256_ps, one lane)
        (local.set $x (f32.mul (f32.const 6.2831854820251465) (f32.load offset=32 (local.get $q))))
        (local.set $k (i32.and (i32.add (i32.trunc_f32_s (f32.mul (local.get $x) (f32.const 1.27323954473516))) (i32.const 1)) (i32.const -2)))
        (local.set $kf (f32.convert_i32_s (local.get $k)))
        (local.set $r ${fma(L('kf'), K('-0.78515625'), L('x'))})
        (local.set $r ${fma(L('kf'), K('-2.4187564849853515625e-4'), L('r'))})
        (local.set $r ${fma(L('kf'), K('-3.77489497744594108e-8'), L('r'))})
        (local.set $z (f32.mul (local.get $r) (local.get $r)))
        (local.set $c ${fma(K('2.443315711809948E-005'), L('z'), K('-1.388731625493765E-003'))})
        (local.set $c ${fma(L('c'), L('z'), K('4.166664568298827E-002'))})
        (local.set $c (f32.mul (local.get $c) (local.get $z)))
        (local.set $c ${fma(L('c'), L('z'), '(f32.neg (f32.mul (local.get $z) (f32.const 0.5)))')})
        (local.set $c (f32.add (local.get $c) (f32.const 1)))
        (local.set $s ${fma(K('-1.9515295891E-4'), L('z'), K('8.3321608736E-3'))})
        (local.set $s ${fma(L('s'), L('z'), K('-1.6666654611E-1'))})
        (local.set $s (f32.mul (local.get $s) (local.get $z)))
        (local.set $s ${fma(L('s'), L('r'), L('r'))})
        (local.set $sin (select (local.get $c) (local.get $s) (i32.and (local.get $k) (i32.const 2))))
        (local.set $cos (select (local.get $s) (local.get $c) (i32.and (local.get $k) (i32.const 2))))
        (if (i32.and (local.get $k) (i32.const 4)) (then (local.set $sin (f32.neg (local.get $sin)))))
        (if (i32.eqz (i32.and (i32.sub (local.get $k) (i32.const 2)) (i32.const 4))) (then (local.set $cos (f32.neg (local.get $cos)))))
        (local.set $n1 (f32.mul (local.get $radius) (local.get $cos)))
        (local.set $n2 (f32.mul (local.get $radius) (local.get $sin)))
        (if (i32.eqz (local.get $plain))
          (then
            (local.set $n1 ${fma(L('n1'), L('std'), L('mean'))})
            (local.set $n2 ${fma(L('n2'), L('std'), L('mean'))})))
        (f32.store (local.get $q) (local.get $n1))
        (f32.store offset=32 (local.get $q) (local.get $n2))
        (br_if $lanes (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 8))))
      (local.set $at (i32.add (local.get $at) (i32.const 64)))
      (br $blocks))))
)`;

/**
 * The generated module: the kernel assembled, as base64. Deterministic, so rebuilding reproduces the
 * checked-in file byte for byte.
 * @returns TypeScript source exporting `NORMAL_FILL_WASM_BASE64`
 */
export async function render_normal_module() {
  const wabt = await wabt_init();
  const parsed = wabt.parseWat('normal_fill.wat', WAT, {});
  let bytes;
  try {
    parsed.validate();
    bytes = parsed.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    parsed.destroy();
  }
  return [
    '// GENERATED by packages/core/scripts/build_normal_wasm.mjs; do not edit, rerun the script.',
    '',
    `/** normal_blocks(at, n, mean, std, plain): the float32 Box–Muller over every whole block of 16 floats at byte \`at\` (${bytes.length} bytes, base64). */`,
    `export const NORMAL_FILL_WASM_BASE64 =\n  '${Buffer.from(bytes).toString('base64')}';`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(normal_generated_path, await render_normal_module());
  console.log(`wrote ${normal_generated_path}`);
}
