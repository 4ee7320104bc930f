// Seedable pseudo-random generator (xoshiro128**), shared by creation functions, init and data loaders.

/**
 * A seedable generator. PyTorch's exact streams are not reproduced (fixtures always carry their values);
 * the same seed gives the same numbers in tsgrad.
 *
 * @example
 * const g = new torch.Generator().manual_seed(0);
 * torch.randn([2], { generator: g });
 */
export class Generator {
  // xoshiro128** state as four int32 fields: typed-array cells or uint32 values would box every step
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** The second Box–Muller value, NaN when there is none (a number field keeps the class monomorphic). */
  private spare = Number.NaN;
  private seed = 0;

  /** A generator seeded with `seed` (default 5489). */
  constructor(seed = 5489) {
    this.manual_seed(seed);
  }

  /** Resets the stream to the start of `seed`'s; returns the generator, as PyTorch's. */
  manual_seed(seed: number): this {
    this.seed = seed;
    // splitmix32 expands the seed into the 128-bit state
    const s = [0, 0, 0, 0];
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      s[i] = (z ^ (z >>> 16)) | 0;
    }
    if (!s.some((v) => v !== 0)) s[0] = 1;
    [this.s0, this.s1, this.s2, this.s3] = s as [number, number, number, number];
    this.spare = Number.NaN;
    return this;
  }

  /** The seed last given to the constructor or `manual_seed`. */
  initial_seed(): number {
    return this.seed;
  }

  /** The whole stream state (for checkpoint's replay), as numbers. */
  _get_state(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.spare, this.seed];
  }
  /** Puts back a state `_get_state` returned. */
  _set_state(state: readonly number[]): void {
    [this.s0, this.s1, this.s2, this.s3, this.spare, this.seed] = state as [number, number, number, number, number, number];
  }

  /** A uint32. */
  next_u32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    const s2 = this.s2 ^ this.s0;
    const s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 = this.s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = rotl(s3, 11);
    return result >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.next_u32() >>> 5;
    const lo = this.next_u32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.spare === this.spare) {
      const v = this.spare;
      this.spare = Number.NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  randint(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }
}

/** Rotates an int32 left by k bits (int32 result). */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator random functions use when given none (PyTorch's `torch.default_generator`); `manual_seed` seeds it. */
export const default_generator = new Generator(0);

/**
 * Seeds the default generator (PyTorch's `torch.manual_seed`), so `rand`, `randn`, init and data loader
 * shuffles repeat from run to run; returns the generator.
 *
 * @example
 * torch.manual_seed(0); const a = torch.rand(3);
 * torch.manual_seed(0); torch.equal(a, torch.rand(3)); // true
 */
export function manual_seed(seed: number): Generator {
  return default_generator.manual_seed(seed);
}
