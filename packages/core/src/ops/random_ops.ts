// The in-place samplers (uniform_, normal_, random_, bernoulli_, exponential_, …) and the sampling functions
// built on them (bernoulli, normal's tensor forms, randint_like), drawing PyTorch's CPU streams.
import { trace_op, tracing } from '../jit/tracer.js';
import { default_dtype_name, is_floating, scalar_type_name, type DType } from '../dtype.js';
import { default_generator, type Generator } from '../random.js';
import { broadcast_shapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { no_grad } from '../autograd/grad_mode.js';
import { overloads, signature, type PyArgs } from '../signature.js';
import { check_device, type DeviceLike } from '../device.js';
import {
  bernoulli_scalar_fill, bernoulli_tensor_fill, cauchy_fill, exponential_fill, geometric_fill, log_normal_fill, normal_fill,
  random_from_to_fill, random_full_fill, uniform_fill,
} from './distributions.js';
import { fill_inplace } from './inplace.js';

type Gen = { generator?: Generator | null };
const gen = (g: Generator | null | undefined): Generator => g ?? default_generator;

function check_floating(self: Tensor, kernel: string): void {
  if (!is_floating(self._dtype)) throw new Error(`"${kernel}" not implemented for '${scalar_type_name(self._dtype)}'`);
}

const UNIFORM_ = signature<{ self: Tensor; from: number; to: number; generator: Generator | null }>('uniform_(Tensor self, float from=0, float to=1, *, Generator? generator=None)');
/**
 * Fills with samples of the uniform distribution on `[from, to)` (an initialiser: not recorded), as PyTorch
 * draws them: one 32-bit draw per float32 element, one 64-bit draw per float64 one.
 *
 * @returns `self`
 * @example
 * torch.empty([3]).uniform_(-1, 1);
 */
export function uniform_<T extends Tensor>(...args: PyArgs<[self: T, from: number, to: number], Gen & { from?: number; to?: number }>): T {
  const { self, from, to, generator } = UNIFORM_.parse(args) as { self: T; from: number; to: number; generator: Generator | null };
  check_floating(self, 'check_uniform_bounds');
  const f32 = self._dtype === 'float32';
  const limit = f32 ? 3.4028234663852886e38 : Number.MAX_VALUE;
  for (const [v, name] of [[from, 'from'], [to, 'to']] as const) {
    if (!(v >= -limit && v <= limit)) throw new Error(`${name} is out of bounds for ${f32 ? 'float' : 'double'}`);
  }
  if (!(from <= to)) throw new Error(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  if (to - from > limit) throw new Error(`uniform_ expects to-from <= std::numeric_limits<${f32 ? 'float' : 'double'}>::max(), but found to=${to} and from=${from} which result in to-from to exceed the limit`);
  return fill_inplace(self, (d) => uniform_fill(d, self._dtype, from, to, gen(generator)));
}

const NORMAL_ = signature<{ self: Tensor; mean: number; std: number; generator: Generator | null }>('normal_(Tensor self, float mean=0, float std=1, *, Generator? generator=None)');
/**
 * Fills with samples of N(mean, std²) (an initialiser: not recorded). As PyTorch: 16 or more elements of a
 * contiguous tensor go through the block Box–Muller (float32 in the AVX2 kernel's float arithmetic), fewer or a
 * non-contiguous tensor through the scalar double sampler.
 *
 * @returns `self`
 * @example
 * torch.empty([3]).normal_(0, 0.02);
 */
export function normal_<T extends Tensor>(...args: PyArgs<[self: T, mean: number, std: number], Gen & { mean?: number; std?: number }>): T {
  const { self, mean, std, generator } = NORMAL_.parse(args) as { self: T; mean: number; std: number; generator: Generator | null };
  check_floating(self, 'normal_kernel_cpu');
  if (!(std >= 0)) throw new Error(`normal expects std >= 0.0, but found std ${Number.isNaN(std) ? 'nan' : std}`);
  return fill_inplace(self, (d, contiguous) => normal_fill(d, self._dtype, mean, std, contiguous, gen(generator)));
}

const EXPONENTIAL_ = signature<{ self: Tensor; lambd: number; generator: Generator | null }>('exponential_(Tensor self, float lambd=1, *, Generator? generator=None)');
/**
 * Fills with samples of the exponential distribution of rate `lambd` (density `λe^(−λx)`), `−log(1 − u)/λ`
 * of a double uniform (an initialiser: not recorded; gumbel_softmax's noise).
 *
 * @returns `self`
 * @example
 * torch.empty([3]).exponential_(2);
 */
export function exponential_<T extends Tensor>(...args: PyArgs<[self: T, lambd: number], Gen & { lambd?: number }>): T {
  const { self, lambd, generator } = EXPONENTIAL_.parse(args) as { self: T; lambd: number; generator: Generator | null };
  check_floating(self, 'exponential_cpu');
  if (!(lambd > 0)) throw new Error(`exponential_ expects lambda > 0.0, but found lambda=${lambd}`);
  return fill_inplace(self, (d) => exponential_fill(d, lambd, gen(generator)));
}

const GEOMETRIC_ = signature<{ self: Tensor; p: number; generator: Generator | null }>('geometric_(Tensor self, float p, *, Generator? generator=None)');
/**
 * Fills with the number of Bernoulli(p) trials up to the first success, `⌈log u / log(1 − p)⌉`.
 *
 * @returns `self`
 * @example
 * torch.empty([3]).geometric_(0.3);
 */
export function geometric_<T extends Tensor>(...args: PyArgs<[self: T, p: number], Gen & { p?: number }>): T {
  const { self, p, generator } = GEOMETRIC_.parse(args) as { self: T; p: number; generator: Generator | null };
  if (self._dtype === 'bool') throw new Error(`"geometric_cpu" not implemented for 'Bool'`);
  if (!(p > 0 && p < 1)) throw new Error(`geometric_ expects p to be in (0, 1), but got p=${p}`);
  return fill_inplace(self, (d) => geometric_fill(d, p, gen(generator)));
}

const LOG_NORMAL_ = signature<{ self: Tensor; mean: number; std: number; generator: Generator | null }>('log_normal_(Tensor self, float mean=1, float std=2, *, Generator? generator=None)');
/**
 * Fills with `exp` of N(mean, std²) samples.
 *
 * @returns `self`
 * @example
 * torch.empty([3]).log_normal_(0, 0.5);
 */
export function log_normal_<T extends Tensor>(...args: PyArgs<[self: T, mean: number, std: number], Gen & { mean?: number; std?: number }>): T {
  const { self, mean, std, generator } = LOG_NORMAL_.parse(args) as { self: T; mean: number; std: number; generator: Generator | null };
  check_floating(self, 'log_normal_cpu');
  if (!(std > 0)) throw new Error(`log_normal_ expects std > 0.0, but found std=${std}`);
  return fill_inplace(self, (d) => log_normal_fill(d, mean, std, gen(generator)));
}

const CAUCHY_ = signature<{ self: Tensor; median: number; sigma: number; generator: Generator | null }>('cauchy_(Tensor self, float median=0, float sigma=1, *, Generator? generator=None)');
/**
 * Fills with samples of the Cauchy distribution, `median + σ·tan(π(u − ½))`.
 *
 * @returns `self`
 * @example
 * torch.empty([3]).cauchy_(0, 1);
 */
export function cauchy_<T extends Tensor>(...args: PyArgs<[self: T, median: number, sigma: number], Gen & { median?: number; sigma?: number }>): T {
  const { self, median, sigma, generator } = CAUCHY_.parse(args) as { self: T; median: number; sigma: number; generator: Generator | null };
  check_floating(self, 'cauchy_cpu');
  if (!(sigma > 0)) throw new Error(`cauchy_ expects sigma > 0.0, but found sigma=${sigma}`);
  return fill_inplace(self, (d) => cauchy_fill(d, median, sigma, gen(generator)));
}

/** The largest integer a dtype's `random_()` reaches, plus one (PyTorch's `to` when left out). */
function random_limit(dtype: DType): number {
  return { float32: 2 ** 24 + 1, float64: 2 ** 53 + 1, int64: 2 ** 63, uint8: 256, bool: 2 }[dtype];
}

const RANDOM_ = signature<{ self: Tensor; from: number; to: number | null; generator: Generator | null }>('random_(Tensor self, int from=0, int? to=None, *, Generator? generator=None)');
/**
 * `random_()`: integers uniform on `[0, 2^mantissa]` (float dtypes) or `[0, max]` (integer dtypes);
 * `random_(to)`: on `[0, to)`; `random_(from, to)`: on `[from, to)`. Drawn as PyTorch draws them.
 *
 * @returns `self`
 * @example
 * torch.empty([3], { dtype: torch.int64 }).random_(10);
 */
export function random_<T extends Tensor>(...args: PyArgs<[self: T, from: number, to: number | null], Gen & { from?: number; to?: number | null }>): T {
  const positional = args.filter((a) => typeof a === 'number').length;
  const a = RANDOM_.parse(args) as { self: T; from: number; to: number | null; generator: Generator | null };
  const self = a.self;
  let [from, to] = [a.from, a.to];
  // random_(to): one positional bound is the upper one
  if (positional === 1 && to === null) [from, to] = [0, from];
  const g = gen(a.generator);
  if (to === null && positional === 0) return fill_inplace(self, (d) => random_full_fill(d, self._dtype, g));
  const upper = to ?? random_limit(self._dtype);
  if (!(from < upper)) throw new Error(`random_ expects 'from' to be less than 'to', but got from=${from} >= to=${upper}`);
  return fill_inplace(self, (d) => random_from_to_fill(d, self._dtype, from, upper, g));
}

const BERNOULLI_ = signature<{ self: Tensor; p: number | Tensor; generator: Generator | null }>('bernoulli_(Tensor self, Tensor|float p=0.5, *, Generator? generator=None)');
/**
 * Fills with 1 where a uniform draw falls below `p` (a number, or a tensor broadcast to `self`), else 0.
 *
 * @returns `self`
 * @example
 * torch.empty([4]).bernoulli_(0.3);
 */
export function bernoulli_<T extends Tensor>(...args: PyArgs<[self: T, p: number | Tensor], Gen & { p?: number | Tensor }>): T {
  const { self, p, generator } = BERNOULLI_.parse(args) as { self: T; p: number | Tensor; generator: Generator | null };
  const g = gen(generator);
  if (typeof p === 'number') {
    if (!(p >= 0 && p <= 1)) throw new Error(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
    return fill_inplace(self, (d) => bernoulli_scalar_fill(d, p, g));
  }
  return bernoulli_tensor_into(self, p, g);
}

/** Fills `self` from the probabilities `p` broadcast to its shape (PyTorch's `bernoulli_tensor_cpu` kernel). */
function bernoulli_tensor_into<T extends Tensor>(self: T, p: Tensor, g: Generator): T {
  if (!is_floating(p._dtype)) throw new Error(`"bernoulli_tensor_cpu_p_" not implemented for '${scalar_type_name(p._dtype)}'`);
  const shape = broadcast_shapes(self._shape, p._shape);
  if (shape.length !== self.ndim || shape.some((s, i) => s !== self._shape[i])) {
    throw new Error(`The size of tensor a (${self._shape.at(-1)}) must match the size of tensor b (${p._shape.at(-1)}) at non-singleton dimension ${self.ndim - 1}`);
  }
  const probs = no_grad(() => p.expand(self._shape).contiguous())._contiguous_data();
  for (let i = 0; i < probs.length; i++) {
    if (!(probs[i]! >= 0 && probs[i]! <= 1)) throw new Error('Expected p_in >= 0 && p_in <= 1 to be true, but got false.');
  }
  return fill_inplace(self, (d) => bernoulli_tensor_fill(d, probs, p._dtype === 'float64', g));
}

const BERNOULLI = signature<{ input: Tensor; p: number | null; generator: Generator | null }>('bernoulli(Tensor input, float? p=None, *, Generator? generator=None)');
/**
 * `torch.bernoulli(input)`: 0/1 samples with the probabilities in `input` (same shape and dtype);
 * `torch.bernoulli(input, p)`: samples of probability `p` shaped like `input`.
 *
 * @example
 * torch.bernoulli(torch.full([3], 0.5));
 */
export function bernoulli(...args: PyArgs<[input: Tensor, p: number | null], Gen & { input?: Tensor; p?: number | null }>): Tensor {
  if (tracing) return trace_op('aten::bernoulli', bernoulli, args, BERNOULLI);
  const { input, p, generator } = BERNOULLI.parse(args);
  const out = Tensor.empty(input._shape, input._dtype);
  const g = gen(generator);
  if (p !== null) return bernoulli_(out, p, { generator: g });
  check_floating(input, 'bernoulli_tensor_cpu_p_');
  return bernoulli_tensor_into(out, input.detach(), g);
}

type RandintLikeMade = { input: Tensor; low?: number; high: number; generator: Generator | null; dtype: DType | null; device: DeviceLike | null; requires_grad: boolean };
const RANDINT_LIKE_OPTIONS = '*, Generator? generator=None, ScalarType? dtype=None, Device? device=None, bool requires_grad=False, str? memory_format=None';
const RANDINT_LIKE = overloads<RandintLikeMade>(
  `randint_like(Tensor input, int high, ${RANDINT_LIKE_OPTIONS})`, `randint_like(Tensor input, int low, int high, ${RANDINT_LIKE_OPTIONS})`);
/**
 * Integers uniform on `[low, high)` (or `[0, high)` given one bound), shaped and typed like `input`.
 *
 * @example
 * torch.randint_like(torch.zeros(3), 10);
 */
export function randint_like(...args: PyArgs<[input: Tensor, low: number, high: number | null], Gen & { input?: Tensor; low?: number; high?: number | null; dtype?: DType | null; requires_grad?: boolean }>): Tensor {
  const a = RANDINT_LIKE.parse(args).values;
  check_device(a.device);
  const [low, high] = [a.low ?? 0, a.high];
  const out = Tensor.empty(a.input._shape, a.dtype ?? a.input._dtype);
  random_(out, low, high, { generator: gen(a.generator) });
  if (a.requires_grad) out.requires_grad_(true);
  return out;
}

const NORMAL = signature<{ mean: Tensor | number; std: Tensor | number; size: number[] | null; generator: Generator | null; dtype: DType | null; device: DeviceLike | null; requires_grad: boolean }>(
  'normal(Tensor|float mean, Tensor|float std=1, int[]? size=None, *, Generator? generator=None, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)');
/**
 * `torch.normal(mean, std)` with tensors or numbers: one sample of N(mean_i, std_i²) per element of the
 * broadcast shape (PyTorch draws standard normals into the output, then scales and shifts them);
 * `torch.normal(mean, std, size)` with two numbers.
 *
 * @example
 * torch.normal(torch.zeros(3), torch.tensor([1, 0.1, 2]));
 * torch.normal(2, 3, [2, 2]);
 */
export function normal(...args: PyArgs<[mean: Tensor | number, std: Tensor | number, size: number[] | null], Gen & { mean?: Tensor | number; std?: Tensor | number; size?: number[] | null; dtype?: DType | null; requires_grad?: boolean }>): Tensor {
  if (tracing) return trace_op('aten::normal', normal, args, NORMAL);
  const a = NORMAL.parse(args);
  check_device(a.device);
  const g = gen(a.generator);
  const { mean, std } = a;
  if (typeof mean === 'number' && typeof std === 'number') {
    if (a.size === null) throw new TypeError('normal() received an invalid combination of arguments - got (float, float), but expected (float mean, float std, tuple of ints size, *, torch.Generator generator, ...)');
    const out = Tensor.empty(a.size, a.dtype ?? default_dtype_name());
    normal_(out, mean, std, { generator: g });
    if (a.requires_grad) out.requires_grad_(true);
    return out;
  }
  if (a.size !== null) throw new TypeError('normal() received an invalid combination of arguments: size is only accepted with a float mean and a float std');
  const mt = typeof mean === 'number' ? null : mean;
  const st = typeof std === 'number' ? null : std;
  if (st !== null && no_grad(() => st.lt(0).any().item())) throw new Error('normal expects all elements of std >= 0.0');
  if (typeof std === 'number' && !(std >= 0)) throw new Error(`normal expects std >= 0.0, but found std ${std}`);
  const like = mt ?? st!;
  const shape = broadcast_shapes(mt?._shape ?? [], st?._shape ?? []);
  // PyTorch: standard normals of the output's shape first, then out·std + mean
  const out = Tensor.empty(mt !== null && st !== null ? shape : like._shape, like._dtype);
  normal_(out, 0, 1, { generator: g });
  return no_grad(() => out.mul(std).add(mean));
}
