// Bilinear: y = x1ᵀ A x2 + b, with PyTorch's init U(−1/√in1, 1/√in1).
import * as torch from '@tsgrad/core';
import { signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { bilinear } from '../functional_extra.js';
import { uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

const SIG = signature<{ in1_features: number; in2_features: number; out_features: number; bias: boolean; dtype: 'float32' | 'float64' | null }>(
  'Bilinear(int in1_features, int in2_features, int out_features, bool bias=True, Any device=None, ScalarType? dtype=None)',
  { native: { in1_features: 'size', in2_features: 'size', out_features: 'size' } }); // as torch.empty names them

/**
 * `y = x₁ᵀ A x₂ + b` for two inputs `[N, in1_features]` and `[N, in2_features]`.
 *
 * @example
 * new nn.Bilinear(3, 4, 2).call(x1, x2)
 */
export class Bilinear extends Module {
  static override readonly __name__: string = 'Bilinear';
  /** Size of each first-input sample. */
  readonly in1_features: number;
  /** Size of each second-input sample. */
  readonly in2_features: number;
  /** Size of each output sample. */
  readonly out_features: number;
  /** The weights `[out_features, in1_features, in2_features]`, U(-1/√in1, 1/√in1). */
  declare weight: Parameter;
  /** The bias `[out_features]`, or null with `bias: false`. */
  declare bias: Parameter | null;
  constructor(...args: PyArgs<[in1_features: number, in2_features: number, out_features: number, bias: boolean], { in1_features?: number; in2_features?: number; out_features?: number; bias?: boolean; device?: unknown; dtype?: 'float32' | 'float64' | null }>) {
    super();
    const a = SIG.parse(args);
    this.in1_features = a.in1_features;
    this.in2_features = a.in2_features;
    this.out_features = a.out_features;
    const dtype = a.dtype ?? undefined;
    this.weight = new Parameter(torch.empty([a.out_features, a.in1_features, a.in2_features], { dtype }));
    if (a.bias) this.bias = new Parameter(torch.empty([a.out_features], { dtype }));
    else this.register_parameter('bias', null);
    this.reset_parameters();
  }
  /** Re-initialises weight and bias from U(-1/√in1_features, 1/√in1_features). */
  reset_parameters(): void {
    const bound = 1 / Math.sqrt(this.weight._shape[1]!);
    uniform_(this.weight, -bound, bound);
    if (this.bias !== null) uniform_(this.bias, -bound, bound);
  }
  override forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinear(input1, input2, this.weight, this.bias);
  }
  override extra_repr(): string {
    return `in1_features=${this.in1_features}, in2_features=${this.in2_features}, out_features=${this.out_features}, bias=${this.bias === null ? 'False' : 'True'}`;
  }
}
