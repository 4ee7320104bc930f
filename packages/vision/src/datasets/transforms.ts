// torchvision.transforms for datasets: ToTensor, Normalize, Compose and Lambda, each a class with call(x).
import * as torch from '@tsgrad/core';

/**
 * A uint8 image laid out height × width × channels (HWC), what torchvision's PIL images hold: MNIST items are
 * `{ data, height: 28, width: 28, channels: 1 }` (PIL mode 'L').
 */
export interface Image {
  /** The pixels, row-major HWC. */
  data: Uint8Array | Uint8ClampedArray;
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
  /** Channels per pixel (1 grey, 3 RGB). */
  channels: number;
}

/** Anything with torchvision's `__call__`: datasets call `transform.call(x)`. */
export interface Transform<I, O> {
  /** Applies the transform. */
  call(x: I): O;
}

/**
 * What the transforms here share: `console.log(t)` in Node prints torchvision's repr (`ToTensor()`), the same text
 * as `String(t)`. Subclass it for a transform of your own that prints its own repr.
 *
 * @example
 * console.log(new Compose([new ToTensor(), new Normalize([0.5], [0.5])])); // Compose(\n    ToTensor()\n ...)
 */
export abstract class TransformBase<I, O> implements Transform<I, O> {
  /** Applies the transform. */
  abstract call(x: I): O;
  /** torchvision's repr of the transform. */
  abstract toString(): string;
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function is_image(x: unknown): x is Image {
  if (x === null || typeof x !== 'object') return false;
  const { data, height, width, channels } = x as Partial<Image>;
  return (data instanceof Uint8Array || data instanceof Uint8ClampedArray) && [height, width, channels].every((n) => Number.isInteger(n));
}

const type_name = (x: unknown): string => (x === null ? 'null' : typeof x === 'object' ? torch.class_name(x as object) : typeof x);
const values_of = (t: torch.Tensor): number[] => Array.from(t._contiguous_data());

/**
 * Converts an `Image` (uint8, HWC) to a float32 tensor `[C, H, W]` with values in [0, 1], as torchvision's
 * `ToTensor` does for PIL images (each value is `x / 255` rounded to float32).
 *
 * @example
 * const x = new ToTensor().call({ data: new Uint8Array(784), height: 28, width: 28, channels: 1 });
 * x.shape; // [1, 28, 28]
 */
export class ToTensor extends TransformBase<Image, torch.Tensor> {
  /** The image as a float32 tensor `[C, H, W]` in [0, 1]. */
  call(pic: Image): torch.Tensor {
    if (!is_image(pic)) throw new TypeError(`pic should be an Image ({ data: Uint8Array, height, width, channels }). Got ${type_name(pic)}`);
    const { data, height: h, width: w, channels: c } = pic;
    if (data.length !== h * w * c) {
      throw new Error(`image data has ${data.length} bytes, but height ${h} × width ${w} × channels ${c} needs ${h * w * c}`);
    }
    const out = new Float32Array(data.length);
    const plane = h * w;
    for (let p = 0; p < plane; p++) {
      for (let ch = 0; ch < c; ch++) out[ch * plane + p] = data[p * c + ch]! / 255;
    }
    return torch.from_array(out, [c, h, w], 'float32');
  }
  toString(): string {
    return 'ToTensor()';
  }
}

/**
 * Normalizes a float tensor image `[..., C, H, W]` per channel: `(x - mean[c]) / std[c]` (torchvision's
 * `Normalize`; one mean/std value applies to every channel). Not in place unless `{ inplace: true }`. It prints
 * `mean` and `std` as passed: an array as a Python list, `torch.as_tuple([0.5, 0.5, 0.5])` as the tuple
 * `(0.5, 0.5, 0.5)` that tutorials pass.
 *
 * @example
 * const norm = new Normalize([0.1307], [0.3081]);
 * const y = norm.call(new ToTensor().call(image));
 */
export class Normalize extends TransformBase<torch.Tensor, torch.Tensor> {
  /** Mean per channel. */
  readonly mean: number[];
  /** Standard deviation per channel. */
  readonly std: number[];
  /** Whether the input tensor is overwritten. */
  readonly inplace: boolean;

  /** How `mean` and `std` print: Python's repr of what was passed (a list, or a tuple marked by `torch.as_tuple`). */
  private readonly given: string;

  constructor(mean: readonly number[], std: readonly number[], options: { inplace?: boolean } = {}) {
    super();
    this.mean = [...mean];
    this.std = [...std];
    this.given = `mean=${torch.py_repr(mean)}, std=${torch.py_repr(std)}`;
    this.inplace = options.inplace ?? false;
  }

  /** `(tensor − mean) / std` per channel of `[..., C, H, W]`. */
  call(tensor: torch.Tensor): torch.Tensor {
    if (!torch.is_tensor(tensor)) throw new TypeError(`img should be Tensor Image. Got ${type_name(tensor)}`);
    if (!tensor.is_floating_point()) throw new TypeError(`Input tensor should be a float tensor. Got torch.${tensor._dtype}.`);
    if (tensor.ndim < 3) {
      throw new Error(`Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = torch.Size([${tensor.shape.join(', ')}])`);
    }
    // mean and std take the tensor's dtype first, so a std that rounds to zero there is caught, as in torchvision
    const mean = torch.tensor(this.mean, { dtype: tensor._dtype });
    const std = torch.tensor(this.std, { dtype: tensor._dtype });
    if (values_of(std).some((s) => s === 0)) {
      throw new Error(`std evaluated to zero after conversion to torch.${tensor._dtype}, leading to division by zero.`);
    }
    const m = mean.view(-1, 1, 1);
    const s = std.view(-1, 1, 1);
    return this.inplace ? tensor.sub_(m).div_(s) : tensor.sub(m).div(s);
  }

  toString(): string {
    return `Normalize(${this.given})`;
  }
}


/**
 * Chains transforms, each taking the previous one's output (torchvision's `Compose`). The input type is the
 * first transform's and the output type the last one's.
 *
 * @example
 * const transform = new Compose([new ToTensor(), new Normalize([0.1307], [0.3081])]);
 * const x = transform.call(image); // float32 [1, 28, 28]
 */
export class Compose<I = unknown, O = unknown> extends TransformBase<I, O> {
  /** The transforms, applied in order. */
  readonly transforms: Transform<unknown, unknown>[];

  constructor(transforms: readonly [Transform<I, O>]);
  constructor(transforms: readonly [Transform<I, unknown>, ...Transform<unknown, unknown>[], Transform<unknown, O>]);
  constructor(transforms: readonly Transform<unknown, unknown>[]);
  constructor(transforms: readonly Transform<unknown, unknown>[]) {
    super();
    this.transforms = [...transforms];
  }

  /** `x` through every transform in order. */
  call(x: I): O {
    let out: unknown = x;
    for (const t of this.transforms) out = t.call(out);
    return out as O;
  }

  toString(): string {
    return `Compose(\n${this.transforms.map((t) => `    ${String(t)}\n`).join('')})`;
  }
}

/**
 * Wraps a function as a transform (torchvision's `Lambda`).
 *
 * @example
 * const flatten = new Lambda((x: torch.Tensor) => x.view(-1));
 */
export class Lambda<I, O> extends TransformBase<I, O> {
  /** @param lambd - The function applied by `call`. */
  constructor(readonly lambd: (x: I) => O) {
    super();
    if (typeof lambd !== 'function') throw new TypeError(`Argument lambd should be callable, got ${type_name(lambd)}`);
  }
  /** `lambd(x)`. */
  call(x: I): O {
    return this.lambd(x);
  }
  toString(): string {
    return 'Lambda()';
  }
}
