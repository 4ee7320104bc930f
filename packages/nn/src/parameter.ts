// nn.Parameter: a leaf tensor that modules register as a learnable parameter.
import { Tensor, format_tensor } from '@tsgrad/core';

/**
 * A Tensor that a Module registers as a parameter when assigned to one of its fields. Shares storage with
 * the tensor it wraps and requires grad by default.
 *
 * @example
 * this.weight = new nn.Parameter(torch.randn([3, 4]));
 */
export class Parameter extends Tensor {
  /**
   * @param data - The tensor to wrap (its storage is shared); default an empty tensor.
   * @param requires_grad - Whether the parameter requires grad. Default true.
   */
  constructor(data?: Tensor, requires_grad = true) {
    const src = data ?? Tensor.empty([0], 'float32');
    super(src._storage, src._shape, src._dtype, src._strides, src._offset);
    if (requires_grad) this.requires_grad_(true);
  }

  /** PyTorch's repr: `Parameter containing:` above the tensor's text. */
  override toString(): string {
    return `Parameter containing:\n${format_tensor(this)}`;
  }
}

/**
 * True for nn.Parameter instances.
 *
 * @example
 * nn.is_parameter(fc.weight); // true
 * nn.is_parameter(fc.weight.detach()); // false
 */
export function is_parameter(v: unknown): v is Parameter {
  return v instanceof Parameter;
}
