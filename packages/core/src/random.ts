// PyTorch's CPU generator: mt19937 seeded and drawn as CPUGeneratorImpl does, with its cached normal sample.
import { Tensor } from './tensor.js';
import { Device } from './device.js';

const N = 624;
const M = 397;
/** sizeof(CPUGeneratorImplState): the bytes of `get_state()` (legacy POD, then the float normal cache). */
const STATE_BYTES = 5056;
const TWO_32 = 4294967296;
/** The seed tsgrad's default generator starts from (PyTorch's historic `default_rng_seed_val`; PyTorch itself draws one from /dev/urandom). */
const DEFAULT_SEED = 67280421310721;

/** A snapshot of a generator's whole stream, for replaying it (checkpoint). */
export interface GeneratorSnapshot {
  /** The 624 mt19937 state words. */
  readonly mt: Int32Array;
  /** Index of the next word to temper. */
  readonly next: number;
  /** Draws left before the state regenerates, plus one. */
  readonly left: number;
  /** The seed the stream started from. */
  readonly seed: bigint;
  /** The cached second normal value (NaN: none). */
  readonly double_normal: number;
  /** The float normal cache of PyTorch's state layout (NaN: none). */
  readonly float_normal: number;
}

/** A seed as PyTorch's argument parser reads it: an integer in [-2^63, 2^64), negative ones taken modulo 2^64. */
function to_seed(seed: unknown, who: string): bigint {
  if (typeof seed === 'bigint') {
    if (seed < -(1n << 63n) || seed >= 1n << 64n) throw new Error('Overflow when unpacking long');
    return seed < 0n ? seed + (1n << 64n) : seed;
  }
  if (typeof seed === 'number' && Number.isInteger(seed)) return to_seed(BigInt(seed), who);
  const kind = typeof seed === 'number' ? 'float' : typeof seed === 'string' ? 'str' : typeof seed;
  throw new Error(`${who} expected a long, but got ${kind}`);
}

/**
 * A random number generator with PyTorch's CPU streams bit for bit: mt19937 seeded from the low 32 bits of the
 * seed, 32-bit draws (`random()` in PyTorch's C++), 64-bit draws made of two (high word first), and the cached
 * second Box–Muller value of the scalar normal sampler. `torch.manual_seed(0); torch.rand(3)` gives PyTorch's numbers.
 *
 * @example
 * const g = new torch.Generator().manual_seed().manual_seed(0);
 * torch.randn([2], { generator: g }); // PyTorch's torch.randn(2, generator=torch.Generator().manual_seed(0))
 */
export class Generator {
  /** The mt19937 state words (uint32 bit patterns). */
  private mt = new Int32Array(N);
  /** Index of the next state word to temper. */
  private next = 0;
  /** Draws left before the state is regenerated, plus one (mt19937's `left_`). */
  private left = 1;
  private seed_value = 0n;
  /** `normal_distribution<double>`'s cached second value; NaN when none is cached. */
  private double_normal = Number.NaN;
  /** The float cache of PyTorch's state layout (no CPU sampler fills it; kept so states round-trip). */
  private float_normal = Number.NaN;
  /** Always `torch.device('cpu')`. */
  readonly device: Device = new Device('cpu');

  /**
   * A generator seeded with `seed`: PyTorch's `torch.Generator()` (seed 67280421310721 unless given).
   *
   * @example
   * new torch.Generator().manual_seed(); new torch.Generator().manual_seed('cpu');
   */
  constructor(device: string | Device = 'cpu') {
    const type = typeof device === 'string' ? new Device(device).type : device.type;
    if (type !== 'cpu') throw new Error(`Device type ${type.toUpperCase()} is not supported for torch.Generator() api.`);
    this.set_seed(BigInt(DEFAULT_SEED));
  }

  private set_seed(seed: bigint): void {
    this.seed_value = seed;
    const mt = this.mt;
    mt[0] = Number(seed & 0xffffffffn);
    for (let j = 1; j < N; j++) {
      const p = mt[j - 1]!;
      mt[j] = Math.imul(1812433253, p ^ (p >>> 30)) + j;
    }
    this.left = 1;
    this.next = 0;
    this.double_normal = Number.NaN;
    this.float_normal = Number.NaN;
  }

  /**
   * Resets the stream to the start of `seed`'s (any integer in [-2^63, 2^64); a bigint keeps all 64 bits);
   * returns the generator, as PyTorch's.
   *
   * @example
   * const g = new torch.Generator().manual_seed().manual_seed(42);
   */
  manual_seed(seed: number | bigint): this {
    this.set_seed(to_seed(seed, 'manual_seed'));
    return this;
  }

  /**
   * Seeds from a nondeterministic source and returns the seed (PyTorch's `Generator.seed()`).
   *
   * @example
   * const s = g.seed(); g.initial_seed() === s; // true
   */
  seed(): number {
    const s = Math.floor(Math.random() * 2 ** 21) * TWO_32 + Math.floor(Math.random() * TWO_32);
    this.set_seed(BigInt(s));
    return s;
  }

  /**
   * The seed last given (PyTorch's `initial_seed()`); exact up to 2^53, the nearest number beyond.
   *
   * @example
   * torch.manual_seed(7).initial_seed(); // 7
   */
  initial_seed(): number {
    return Number(this.seed_value);
  }

  /**
   * The whole state as PyTorch lays it out (`CPUGeneratorImplState`, 5056 bytes in a uint8 tensor), so a state
   * taken from PyTorch's `torch.get_rng_state()` can be set here and continues PyTorch's stream.
   *
   * @example
   * const s = g.get_state(); torch.rand(2, { generator: g }); g.set_state(s); // replays the same draw
   */
  get_state(): Tensor {
    const bytes = new Uint8Array(STATE_BYTES);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, this.seed_value, true);
    view.setInt32(8, this.left, true);
    view.setInt32(12, 1, true);
    view.setBigUint64(16, BigInt(this.next), true);
    for (let i = 0; i < N; i++) view.setUint32(24 + 8 * i, this.mt[i]! >>> 0, true);
    const has_double = this.double_normal === this.double_normal;
    view.setFloat64(5024, has_double ? this.double_normal : 0, true);
    view.setInt32(5040, has_double ? 1 : 0, true);
    const has_float = this.float_normal === this.float_normal;
    view.setFloat32(5048, has_float ? this.float_normal : 0, true);
    bytes[5052] = has_float ? 1 : 0;
    const t = Tensor.empty([STATE_BYTES], 'uint8');
    t._storage.data.set(bytes);
    return t;
  }

  /**
   * Puts back a state `get_state()` (here or in PyTorch) returned; returns the generator. PyTorch's errors for
   * a tensor of the wrong dtype or size, or an invalid mt19937 state; the generator is unchanged then.
   *
   * @example
   * g.set_state(torch.get_rng_state());
   */
  set_state(new_state: Tensor): this {
    if (!(new_state instanceof Tensor) || new_state._dtype !== 'uint8') throw new TypeError('RNG state must be a torch.ByteTensor');
    if (new_state.numel() !== STATE_BYTES) {
      throw new Error(`Expected a CPUGeneratorImplState of size ${STATE_BYTES} but found the input RNG state size to be ${new_state.numel()}`);
    }
    const bytes = Uint8Array.from(new_state._contiguous_data() as ArrayLike<number>);
    const view = new DataView(bytes.buffer);
    const left = view.getInt32(8, true);
    const seeded = view.getInt32(12, true) & 0xff;
    const next = Number(view.getBigUint64(16, true) & 0xffffffffn);
    if (seeded === 0 || !(left > 0 && left <= N) || next > N) throw new Error('Invalid mt19937 state');
    this.seed_value = view.getBigUint64(0, true);
    this.left = left;
    this.next = next;
    for (let i = 0; i < N; i++) this.mt[i] = view.getUint32(24 + 8 * i, true);
    this.double_normal = view.getInt32(5040, true) !== 0 ? view.getFloat64(5024, true) : Number.NaN;
    this.float_normal = bytes[5052] !== 0 ? view.getFloat32(5048, true) : Number.NaN;
    return this;
  }

  /** @hidden A copy of the stream state (checkpoint's replay). */
  _get_state(): GeneratorSnapshot {
    return { mt: this.mt.slice(), next: this.next, left: this.left, seed: this.seed_value, double_normal: this.double_normal, float_normal: this.float_normal };
  }
  /** @hidden Puts back a `_get_state` snapshot. */
  _set_state(s: GeneratorSnapshot): void {
    this.mt = s.mt.slice();
    ({ next: this.next, left: this.left, seed: this.seed_value, double_normal: this.double_normal, float_normal: this.float_normal } = s);
  }

  /** Regenerates the 624 state words (mt19937's twist). */
  private twist(): void {
    const mt = this.mt;
    let k = 0;
    for (; k < N - M; k++) {
      const y = (mt[k]! & 0x80000000) | (mt[k + 1]! & 0x7fffffff);
      mt[k] = mt[k + M]! ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
    }
    for (; k < N - 1; k++) {
      const y = (mt[k]! & 0x80000000) | (mt[k + 1]! & 0x7fffffff);
      mt[k] = mt[k + M - N]! ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
    }
    const y = (mt[N - 1]! & 0x80000000) | (mt[0]! & 0x7fffffff);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
    this.left = N;
    this.next = 0;
  }

  /** The next 32-bit draw, a uint32 (PyTorch's `CPUGeneratorImpl::random()`). */
  next_u32(): number {
    if (--this.left === 0) this.twist();
    let y = this.mt[this.next++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** The next 64-bit draw (PyTorch's `random64()`: the first 32-bit draw is the high word). */
  next_u64(): bigint {
    const hi = this.next_u32();
    return (BigInt(hi) << 32n) | BigInt(this.next_u32());
  }

  /** A float uniform in [0, 1) as PyTorch's float samplers make it: the low 24 bits of one 32-bit draw over 2^24. */
  uniform_f32(): number {
    return (this.next_u32() & 0xffffff) * 5.9604644775390625e-8;
  }

  /** A double uniform in [0, 1) as PyTorch's double samplers make it: the low 53 bits of a 64-bit draw over 2^53. */
  random(): number {
    const hi = this.next_u32() & 0x1fffff;
    return (hi * TWO_32 + this.next_u32()) / 9007199254740992;
  }

  /**
   * A standard normal double as `at::normal_distribution<double>` draws it: the cached value if there is one,
   * else Box–Muller on two double uniforms, returning `r·cos θ` and caching `r·sin θ`.
   */
  normal(): number {
    const cached = this.double_normal;
    if (cached === cached) {
      this.double_normal = Number.NaN;
      return cached;
    }
    const u1 = this.random();
    const u2 = this.random();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.double_normal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** An integer in [low, high) as `random_(from, to)` draws it: `low + draw % (high - low)`, a 64-bit draw when the range reaches 2^32. */
  randint(low: number, high: number): number {
    const range = high - low;
    if (range < TWO_32) return low + (this.next_u32() % range);
    return low + Number(this.next_u64() % BigInt(range));
  }
}

/** The generator random functions use when given none (PyTorch's `torch.default_generator`); `manual_seed` seeds it. */
export const default_generator = new Generator();

/**
 * Seeds the default generator (PyTorch's `torch.manual_seed`), so `rand`, `randn`, init and data loader
 * shuffles repeat from run to run, with PyTorch's numbers; returns the generator.
 *
 * @example
 * torch.manual_seed(0); torch.rand(2); // tensor([0.4963, 0.7682]), as PyTorch
 */
export function manual_seed(seed: number | bigint): Generator {
  return default_generator.manual_seed(typeof seed === 'number' && !Number.isInteger(seed) ? Math.trunc(seed) : seed);
}

/**
 * Seeds the default generator from a nondeterministic source and returns the seed (PyTorch's `torch.seed()`).
 *
 * @example
 * const s = torch.seed(); torch.initial_seed() === s; // true
 */
export function seed(): number {
  return default_generator.seed();
}

/**
 * The default generator's seed (PyTorch's `torch.initial_seed()`).
 *
 * @example
 * torch.manual_seed(3); torch.initial_seed(); // 3
 */
export function initial_seed(): number {
  return default_generator.initial_seed();
}

/**
 * The default generator's state, PyTorch's 5056-byte layout (PyTorch's `torch.get_rng_state()`).
 *
 * @example
 * const s = torch.get_rng_state(); const a = torch.rand(2); torch.set_rng_state(s); torch.rand(2); // a again
 */
export function get_rng_state(): Tensor {
  return default_generator.get_state();
}

/**
 * Sets the default generator's state (PyTorch's `torch.set_rng_state(new_state)`).
 *
 * @example
 * torch.set_rng_state(saved);
 */
export function set_rng_state(new_state: Tensor): void {
  default_generator.set_state(new_state);
}
