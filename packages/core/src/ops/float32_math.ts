// Float32 arithmetic as a CPU does it, for kernels PyTorch runs in float32 SIMD: the fused multiply-add, and
// the Cephes-style log and sincos of avx_mathfun.h that PyTorch's AVX2 normal sampler evaluates.
const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);
const F64 = new Float64Array(1);
const I64 = new BigInt64Array(F64.buffer);

/** The double after `s` in the direction of `towards`'s sign (one ulp). */
function nudge(s: number, towards: number): number {
  F64[0] = s;
  I64[0]! += (s > 0) === (towards > 0) ? 1n : -1n;
  return F64[0]!;
}

/**
 * `a·b + c` rounded once to float32 (an FMA instruction), for float32 `a`, `b`, `c`: the product is exact in a
 * double, and the double sum is corrected when it lands exactly halfway between two floats.
 *
 * @example
 * fma_f32(Math.fround(0.1), Math.fround(3), Math.fround(-0.3));
 */
export function fma_f32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  // the double sum can only mislead when it sits exactly halfway between two floats (o, r the two neighbours)
  const o = 2 * s - r;
  if (o === r || Math.fround(o) !== o) return r;
  const t = s - p;
  const err = p - (s - t) + (c - t);
  return err === 0 ? r : Math.fround(nudge(s, err));
}

const SQRTHF = Math.fround(0.707106781186547524);
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(Math.fround);
const LOG_Q1 = Math.fround(-2.12194440e-4);
const LOG_Q2 = Math.fround(0.693359375);
const MIN_NORM_POS = 1.1754943508222875e-38;

/**
 * Natural log of a positive float32 as avx_mathfun's `log256_ps` computes it (one lane), with the multiply-adds
 * the compiler fuses (GCC contracts a product whose only use is an addition).
 */
export function log_ps(x: number): number {
  if (!(x > 0)) return Number.NaN;
  F32[0] = Math.max(x, MIN_NORM_POS);
  const bits = I32[0]!;
  I32[0] = (bits & ~0x7f800000) | 0x3f000000;
  let m = F32[0]!;
  let e = Math.fround((bits >>> 23) - 127 + 1);
  const below = m < SQRTHF;
  const tmp = below ? m : 0;
  m = Math.fround(m - 1);
  if (below) e = Math.fround(e - 1);
  m = Math.fround(m + tmp);
  const z = Math.fround(m * m);
  let y = LOG_P[0]!;
  for (let i = 1; i < 9; i++) y = fma_f32(y, m, LOG_P[i]!);
  y = Math.fround(y * m);
  y = fma_f32(y, z, Math.fround(e * LOG_Q1));
  y = Math.fround(y - Math.fround(z * 0.5));
  return fma_f32(e, LOG_Q2, Math.fround(m + y));
}

const FOPI = Math.fround(1.27323954473516);
const DP1 = Math.fround(-0.78515625);
const DP2 = Math.fround(-2.4187564849853515625e-4);
const DP3 = Math.fround(-3.77489497744594108e-8);
const SIN_P0 = Math.fround(-1.9515295891e-4);
const SIN_P1 = Math.fround(8.3321608736e-3);
const SIN_P2 = Math.fround(-1.6666654611e-1);
const COS_P0 = Math.fround(2.443315711809948e-5);
const COS_P1 = Math.fround(-1.388731625493765e-3);
const COS_P2 = Math.fround(4.166664568298827e-2);

/** [sin x, cos x] of a float32 `x ≥ 0` as avx_mathfun's `sincos256_ps` computes them (one lane). */
export function sincos_ps(x: number, out: Float64Array): void {
  const j = (Math.trunc(Math.fround(x * FOPI)) + 1) & ~1;
  const y = Math.fround(j);
  let r = fma_f32(y, DP1, x);
  r = fma_f32(y, DP2, r);
  r = fma_f32(y, DP3, r);
  const z = Math.fround(r * r);
  let c = fma_f32(COS_P0, z, COS_P1);
  c = fma_f32(c, z, COS_P2);
  c = Math.fround(c * z);
  c = fma_f32(c, z, -Math.fround(z * 0.5));
  c = Math.fround(c + 1);
  let s = fma_f32(SIN_P0, z, SIN_P1);
  s = fma_f32(s, z, SIN_P2);
  s = Math.fround(s * z);
  s = fma_f32(s, r, r);
  const first = (j & 2) === 0;
  const sin = first ? s : c;
  const cos = first ? c : s;
  out[0] = (j & 4) !== 0 ? -sin : sin;
  out[1] = ((j - 2) & 4) === 0 ? -cos : cos;
}
