// Pointwise activation modules beyond ReLU/Sigmoid/Tanh: ELU family, hard and soft variants, SiLU, Mish,
// PReLU, RReLU, GLU, Softmin, Softmax2d. Each reads its constructor through the shared signature parser.
import * as torch from '@tsgrad/core';
import { signature, type PyArgs, type Signature, type Tensor } from '@tsgrad/core';
import { constant_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { py_float, py_repr } from '../python_repr.js';

const inplace_repr = (inplace: boolean, lead = ', '): string => (inplace ? `${lead}inplace=True` : '');

/** A module whose constructor arguments become same-named attributes, read by `sig`. */
abstract class Activation extends Module {
  constructor(sig: Signature<object>, args: readonly unknown[]) {
    super();
    Object.assign(this, sig.parse(args));
  }
}

type InplaceOnly = PyArgs<[inplace: boolean], { inplace?: boolean }>;
const INPLACE = (name: string) => signature<{ inplace: boolean }>(`${name}(bool inplace=False)`);
const NO_ARGS = (name: string) => signature<object>(`${name}()`);
/** The arguments of a constructor that takes none: only an (empty) keyword object, refused if it names anything. */
export type NoArgs = PyArgs<[], Record<string, never>>;

const ELU_SIG = signature<{ alpha: number; inplace: boolean }>('ELU(float alpha=1.0, bool inplace=False)');
/**
 * Exponential linear unit: `x` for x > 0, `alpha·(eˣ − 1)` otherwise.
 *
 * @example
 * new nn.ELU({ alpha: 0.5 }).call(x)
 */
export class ELU extends Activation {
  static override readonly __name__: string = 'ELU';
  /** Scale of the negative part. Default 1. */
  declare readonly alpha: number;
  /** Whether the input is overwritten with the result. */
  declare readonly inplace: boolean;
  constructor(...args: PyArgs<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>) {
    super(ELU_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    return torch.elu(input, this.alpha, this.inplace);
  }
  override extra_repr(): string {
    return `alpha=${py_float(this.alpha)}${inplace_repr(this.inplace)}`;
  }
}

const CELU_SIG = signature<{ alpha: number; inplace: boolean }>('CELU(float alpha=1.0, bool inplace=False)');
/**
 * `max(0, x) + min(0, α·(exp(x/α) − 1))`, PyTorch's `nn.CELU(alpha=1.0, inplace=False)`.
 *
 * @example
 * new nn.CELU({ alpha: 0.5 }).call(x)
 */
export class CELU extends Activation {
  static override readonly __name__: string = 'CELU';
  /** α of `max(0, x) + min(0, α·(e^(x/α) − 1))`. Default 1. */
  declare readonly alpha: number;
  /** Whether the input is overwritten with the result. */
  declare readonly inplace: boolean;
  constructor(...args: PyArgs<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>) {
    super(CELU_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    return torch.celu(input, this.alpha, this.inplace);
  }
  override extra_repr(): string {
    return `alpha=${py_float(this.alpha)}${inplace_repr(this.inplace)}`;
  }
}

/** The pointwise activations whose only option is `inplace`: `forward` calls `fn`, the repr shows inplace. */
abstract class InplaceActivation extends Activation {
  /** Whether the input is overwritten with the result. */
  declare readonly inplace: boolean;
  /** @internal */
  protected abstract fn(input: Tensor, inplace: boolean): Tensor;
  override forward(input: Tensor): Tensor {
    return this.fn(input, this.inplace);
  }
  override extra_repr(): string {
    return inplace_repr(this.inplace, '');
  }
}

const SELU_SIG = INPLACE('SELU');
/**
 * Scaled ELU with the self-normalizing constants, PyTorch's `nn.SELU(inplace=False)`.
 *
 * @example
 * new nn.SELU().call(x)
 */
export class SELU extends InplaceActivation {
  static override readonly __name__: string = 'SELU';
  constructor(...args: InplaceOnly) {
    super(SELU_SIG, args);
  }
  /** @internal */
  protected fn(x: Tensor, inplace: boolean): Tensor {
    return torch.selu(x, inplace);
  }
}

const SILU_SIG = INPLACE('SiLU');
/**
 * `x·sigmoid(x)` (swish), PyTorch's `nn.SiLU(inplace=False)`.
 *
 * @example
 * new nn.SiLU().call(x)
 */
export class SiLU extends InplaceActivation {
  static override readonly __name__: string = 'SiLU';
  constructor(...args: InplaceOnly) {
    super(SILU_SIG, args);
  }
  /** @internal */
  protected fn(x: Tensor, inplace: boolean): Tensor {
    return torch.silu(x, inplace);
  }
}

const MISH_SIG = INPLACE('Mish');
/**
 * `x·tanh(softplus(x))`, PyTorch's `nn.Mish(inplace=False)`.
 *
 * @example
 * new nn.Mish().call(x)
 */
export class Mish extends InplaceActivation {
  static override readonly __name__: string = 'Mish';
  constructor(...args: InplaceOnly) {
    super(MISH_SIG, args);
  }
  /** @internal */
  protected fn(x: Tensor, inplace: boolean): Tensor {
    return torch.mish(x, inplace);
  }
}

const RELU6_SIG = INPLACE('ReLU6');
/**
 * `min(max(0, x), 6)`, PyTorch's `nn.ReLU6(inplace=False)`.
 *
 * @example
 * new nn.ReLU6().call(x)
 */
export class ReLU6 extends InplaceActivation {
  static override readonly __name__: string = 'ReLU6';
  constructor(...args: InplaceOnly) {
    super(RELU6_SIG, args);
  }
  /** @internal */
  protected fn(x: Tensor, inplace: boolean): Tensor {
    return torch.relu6(x, inplace);
  }
}

const HARDSIGMOID_SIG = INPLACE('Hardsigmoid');
/**
 * `relu6(x + 3) / 6`, PyTorch's `nn.Hardsigmoid(inplace=False)`.
 *
 * @example
 * new nn.Hardsigmoid().call(x)
 */
export class Hardsigmoid extends InplaceActivation {
  static override readonly __name__: string = 'Hardsigmoid';
  constructor(...args: InplaceOnly) {
    super(HARDSIGMOID_SIG, args);
  }
  /** @internal */
  protected fn(x: Tensor, inplace: boolean): Tensor {
    return torch.hardsigmoid(x, inplace);
  }
  /** Empty: PyTorch's Hardsigmoid prints no options. */
  override extra_repr(): string {
    return '';
  }
}

const HARDSWISH_SIG = INPLACE('Hardswish');
/**
 * `x·relu6(x + 3) / 6`, PyTorch's `nn.Hardswish(inplace=False)`.
 *
 * @example
 * new nn.Hardswish().call(x)
 */
export class Hardswish extends InplaceActivation {
  static override readonly __name__: string = 'Hardswish';
  constructor(...args: InplaceOnly) {
    super(HARDSWISH_SIG, args);
  }
  /** @internal */
  protected fn(x: Tensor, inplace: boolean): Tensor {
    return torch.hardswish(x, inplace);
  }
  /** Empty: PyTorch's Hardswish prints no options. */
  override extra_repr(): string {
    return '';
  }
}

const HARDTANH_SIG = signature<{ min_val: number; max_val: number; inplace: boolean }>('Hardtanh(float min_val=-1.0, float max_val=1.0, bool inplace=False)');
/**
 * `x` clamped to `[min_val, max_val]` (default [−1, 1]), PyTorch's `nn.Hardtanh`.
 *
 * @example
 * new nn.Hardtanh({ min_val: -2, max_val: 2 }).call(x)
 */
export class Hardtanh extends Activation {
  static override readonly __name__: string = 'Hardtanh';
  /** Lower end of the linear region. Default -1. */
  declare readonly min_val: number;
  /** Upper end of the linear region. Default 1. */
  declare readonly max_val: number;
  /** Whether the input is overwritten with the result. */
  declare readonly inplace: boolean;
  constructor(...args: PyArgs<[min_val: number, max_val: number, inplace: boolean], { min_val?: number; max_val?: number; inplace?: boolean }>) {
    super(HARDTANH_SIG, args);
    if (this.max_val <= this.min_val) throw new Error('max_val must be greater than min_val');
  }
  override forward(input: Tensor): Tensor {
    return torch.hardtanh(input, this.min_val, this.max_val, this.inplace);
  }
  override extra_repr(): string {
    return `min_val=${py_float(this.min_val)}, max_val=${py_float(this.max_val)}${inplace_repr(this.inplace)}`;
  }
}

const LOGSIGMOID_SIG = NO_ARGS('LogSigmoid');
/**
 * `log(sigmoid(x))`, PyTorch's `nn.LogSigmoid()`.
 *
 * @example
 * new nn.LogSigmoid().call(x)
 */
export class LogSigmoid extends Activation {
  static override readonly __name__: string = 'LogSigmoid';
  constructor(...args: NoArgs) {
    super(LOGSIGMOID_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    return torch.logsigmoid(input);
  }
}

const SOFTSIGN_SIG = NO_ARGS('Softsign');
/**
 * `x / (1 + |x|)`, PyTorch's `nn.Softsign()`.
 *
 * @example
 * new nn.Softsign().call(x)
 */
export class Softsign extends Activation {
  static override readonly __name__: string = 'Softsign';
  constructor(...args: NoArgs) {
    super(SOFTSIGN_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    return torch.softsign(input);
  }
}

const TANHSHRINK_SIG = NO_ARGS('Tanhshrink');
/**
 * `x − tanh(x)`, PyTorch's `nn.Tanhshrink()`.
 *
 * @example
 * new nn.Tanhshrink().call(x)
 */
export class Tanhshrink extends Activation {
  static override readonly __name__: string = 'Tanhshrink';
  constructor(...args: NoArgs) {
    super(TANHSHRINK_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    return torch.tanhshrink(input);
  }
}

const SOFTPLUS_SIG = signature<{ beta: number; threshold: number }>('Softplus(float beta=1, float threshold=20)');
/**
 * `log(1 + exp(β·x)) / β`, linear above `threshold`, PyTorch's `nn.Softplus(beta=1.0, threshold=20.0)`.
 *
 * @example
 * new nn.Softplus({ beta: 2 }).call(x)
 */
export class Softplus extends Activation {
  static override readonly __name__: string = 'Softplus';
  /** β of `log(1 + e^(βx)) / β`. Default 1. */
  declare readonly beta: number;
  /** Above `β·x > threshold` the function is the identity. Default 20. */
  declare readonly threshold: number;
  constructor(...args: PyArgs<[beta: number, threshold: number], { beta?: number; threshold?: number }>) {
    super(SOFTPLUS_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    return torch.softplus(input, this.beta, this.threshold);
  }
  override extra_repr(): string {
    return `beta=${py_float(this.beta)}, threshold=${py_float(this.threshold)}`; // 2.x: float defaults (1.13 printed beta=1, threshold=20)
  }
}

const HARDSHRINK_SIG = signature<{ lambd: number }>('Hardshrink(float lambd=0.5)');
/**
 * `x` where `|x| > λ`, else 0, PyTorch's `nn.Hardshrink(lambd=0.5)`.
 *
 * @example
 * new nn.Hardshrink({ lambd: 1 }).call(x)
 */
export class Hardshrink extends Activation {
  static override readonly __name__: string = 'Hardshrink';
  /** Values with |x| ≤ lambd become 0. Default 0.5. */
  declare readonly lambd: number;
  constructor(...args: PyArgs<[lambd: number], { lambd?: number }>) {
    super(HARDSHRINK_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    return torch.hardshrink(input, this.lambd);
  }
  override extra_repr(): string {
    return py_float(this.lambd);
  }
}

const SOFTSHRINK_SIG = signature<{ lambd: number }>('Softshrink(float lambd=0.5)');
/**
 * `x − λ·sign(x)` where `|x| > λ`, else 0, PyTorch's `nn.Softshrink(lambd=0.5)`.
 *
 * @example
 * new nn.Softshrink({ lambd: 1 }).call(x)
 */
export class Softshrink extends Activation {
  static override readonly __name__: string = 'Softshrink';
  /** Values shrink towards 0 by lambd (|x| ≤ lambd become 0). Default 0.5. */
  declare readonly lambd: number;
  constructor(...args: PyArgs<[lambd: number], { lambd?: number }>) {
    super(SOFTSHRINK_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    return torch.softshrink(input, this.lambd);
  }
  override extra_repr(): string {
    return py_float(this.lambd);
  }
}

const THRESHOLD_SIG = signature<{ threshold: number; value: number; inplace: boolean }>('Threshold(float threshold, float value, bool inplace=False)');
/**
 * `x` where `x > threshold`, else `value`, PyTorch's `nn.Threshold(threshold, value, inplace=False)`.
 *
 * @example
 * new nn.Threshold(0.1, 20).call(x)
 */
export class Threshold extends Activation {
  static override readonly __name__: string = 'Threshold';
  /** Values not above it are replaced. */
  declare readonly threshold: number;
  /** Their replacement. */
  declare readonly value: number;
  /** Whether the input is overwritten with the result. */
  declare readonly inplace: boolean;
  constructor(...args: PyArgs<[threshold: number, value: number, inplace: boolean], { threshold?: number; value?: number; inplace?: boolean }>) {
    super(THRESHOLD_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    return torch.threshold(input, this.threshold, this.value, this.inplace);
  }
  override extra_repr(): string {
    return `threshold=${py_float(this.threshold)}, value=${py_float(this.value)}${inplace_repr(this.inplace)}`;
  }
}

const RRELU_SIG = signature<{ lower: number; upper: number; inplace: boolean }>('RReLU(float lower=0.125, float upper=0.3333333333333333, bool inplace=False)');
/**
 * Leaky ReLU with a random slope from `U(lower, upper)` in training and their mean in eval.
 *
 * @example
 * const rrelu = new nn.RReLU(0.1, 0.3);
 * rrelu.call(x); // negatives scaled by random slopes in training
 */
export class RReLU extends Activation {
  static override readonly __name__: string = 'RReLU';
  /** Lower bound of the random negative slope. Default 1/8. */
  declare readonly lower: number;
  /** Upper bound of the random negative slope. Default 1/3. */
  declare readonly upper: number;
  /** Whether the input is overwritten with the result. */
  declare readonly inplace: boolean;
  constructor(...args: PyArgs<[lower: number, upper: number, inplace: boolean], { lower?: number; upper?: number; inplace?: boolean }>) {
    super(RRELU_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    return torch.rrelu(input, this.lower, this.upper, this.training, this.inplace);
  }
  override extra_repr(): string {
    return `lower=${py_float(this.lower)}, upper=${py_float(this.upper)}${inplace_repr(this.inplace)}`;
  }
}

const GLU_SIG = signature<{ dim: number }>('GLU(int dim=-1)');
/**
 * Gated linear unit: splits `dim` in halves `a`, `b` and returns `a·sigmoid(b)`, PyTorch's `nn.GLU(dim=-1)`.
 *
 * @example
 * new nn.GLU().call(torch.randn([4, 6])) // [4, 3]
 */
export class GLU extends Activation {
  static override readonly __name__: string = 'GLU';
  /** The dim split in half: `a ⊗ σ(b)`. Default -1. */
  declare readonly dim: number;
  constructor(...args: PyArgs<[dim: number], { dim?: number }>) {
    super(GLU_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    return torch.glu(input, this.dim);
  }
  override extra_repr(): string {
    return `dim=${this.dim}`;
  }
}

const SOFTMIN_SIG = signature<{ dim: number | null }>('Softmin(int? dim=None)');
/**
 * `softmax(−x)` over `dim`, PyTorch's `nn.Softmin(dim=None)`.
 *
 * @example
 * new nn.Softmin({ dim: 1 }).call(x)
 */
export class Softmin extends Activation {
  static override readonly __name__: string = 'Softmin';
  /** The dim along which `softmax(−x)` sums to 1; null picks PyTorch's legacy default. */
  declare readonly dim: number | null;
  constructor(...args: PyArgs<[dim: number | null], { dim?: number | null }>) {
    super(SOFTMIN_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    return torch.softmin(input, this.dim);
  }
  override extra_repr(): string {
    return `dim=${py_repr(this.dim)}`;
  }
}

const SOFTMAX2D_SIG = NO_ARGS('Softmax2d');
/**
 * Softmax over the channels of every spatial position (dim -3 of a 3-D or 4-D input).
 *
 * @example
 * new nn.Softmax2d().call(torch.randn([2, 3, 4, 4])).sum(1); // ones [2, 4, 4]
 */
export class Softmax2d extends Activation {
  static override readonly __name__: string = 'Softmax2d';
  constructor(...args: NoArgs) {
    super(SOFTMAX2D_SIG, args);
  }
  override forward(input: Tensor): Tensor {
    if (input.ndim !== 3 && input.ndim !== 4) throw new Error(`Softmax2d: expected input to be 3D or 4D, got ${input.ndim}D instead`);
    return torch.softmax(input, -3);
  }
}

const PRELU_SIG = signature<{ num_parameters: number; init: number; dtype: 'float32' | 'float64' | null }>(
  'PReLU(int num_parameters=1, float init=0.25, Any device=None, ScalarType? dtype=None)');
/**
 * `x` where positive, `a·x` elsewhere with a learned slope `a` (one, or one per channel).
 *
 * @example
 * const act = new nn.PReLU(3); // one slope per channel
 * act.call(torch.randn([2, 3, 5]));
 */
export class PReLU extends Module {
  static override readonly __name__: string = 'PReLU';
  /** Number of slopes: 1, or the number of channels (dim 1). */
  readonly num_parameters: number;
  /** Initial value of every slope. Default 0.25. */
  readonly init: number;
  /** The learned slopes `[num_parameters]`. */
  declare weight: Parameter;
  constructor(...args: PyArgs<[num_parameters: number, init: number], { num_parameters?: number; init?: number; device?: unknown; dtype?: 'float32' | 'float64' | null }>) {
    super();
    const a = PRELU_SIG.parse(args);
    this.num_parameters = a.num_parameters;
    this.init = a.init;
    this.weight = new Parameter(torch.empty([a.num_parameters], { dtype: a.dtype ?? undefined }));
    this.reset_parameters();
  }
  /** Sets every slope back to `init`. */
  reset_parameters(): void {
    constant_(this.weight, this.init);
  }
  override forward(input: Tensor): Tensor {
    return torch.prelu(input, this.weight);
  }
  override extra_repr(): string {
    return `num_parameters=${this.num_parameters}`;
  }
}
