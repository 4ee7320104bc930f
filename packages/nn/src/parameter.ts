// nn.Parameter and nn.Buffer: tensors that a module registers as a learnable parameter or as a buffer when assigned.
import { Tensor, format_tensor, signature, type PyArgs } from '@tsgrad/core';

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

const BUFFER = signature<{ data: Tensor | null; persistent: boolean }>('Buffer(Tensor? data=None, *, bool persistent=True)');

/**
 * PyTorch 2.x's `nn.Buffer`: a Tensor that a Module registers as a buffer when assigned to one of its fields,
 * as `register_buffer(name, data, { persistent })` does (`persistent: false` keeps it out of `state_dict`). It
 * shares storage with the tensor it wraps and keeps its requires_grad, as PyTorch's `data.detach()`.
 *
 * @example
 * class RunningMean extends nn.Module {
 *   mean = new nn.Buffer(torch.zeros(4));
 *   scratch = new nn.Buffer(torch.zeros(4), { persistent: false });
 * }
 */
export class Buffer extends Tensor {
  /** Whether the buffer goes into `state_dict` (default true). */
  readonly persistent: boolean;

  /** `new nn.Buffer(data, { persistent })`: `data` is the tensor to wrap (default an empty one), `persistent` default true. */
  constructor(...args: PyArgs<[data?: Tensor | null], { data?: Tensor | null; persistent?: boolean }>) {
    const { data, persistent } = BUFFER.parse(args);
    const src = data ?? Tensor.empty([0], 'float32');
    super(src._storage, src._shape, src._dtype, src._strides, src._offset);
    if (src.requires_grad) this.requires_grad_(true);
    this.persistent = persistent;
  }
}
