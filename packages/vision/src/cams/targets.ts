// pytorch-grad-cam's model targets: what score of one sample's output a CAM explains.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';

/** A CAM target: maps one sample's model output (or a batch's) to the score to explain. */
export interface CamTarget {
  /** The score to explain, from one sample's output (or a batch's). */
  call(model_output: Tensor): Tensor;
}

function check_category(category: number, output: Tensor, what: string): number {
  const c = output.shape[output.ndim - 1]!;
  if (!Number.isInteger(category) || category < -c || category >= c) {
    throw new RangeError(`${what}: index ${category} is out of bounds for dimension ${output.ndim - 1} with size ${c}`);
  }
  return category < 0 ? category + c : category;
}

/**
 * The output's score of `category` (`output[category]` for one sample, `output[:, category]` for a batch).
 *
 * @example
 * cam.call({ input_tensor: x, targets: [new cams.ClassifierOutputTarget(3)] });
 */
export class ClassifierOutputTarget implements CamTarget {
  /** @param category - The class index explained (negative counts from the end). */
  constructor(readonly category: number) {}

  /** `output[category]` (per sample for a batch). */
  call(model_output: Tensor): Tensor {
    const c = check_category(this.category, model_output, 'ClassifierOutputTarget');
    return model_output.ndim === 1 ? model_output.select(0, c) : model_output.select(1, c);
  }
}

/**
 * The softmax probability of `category` (softmax over the last dim).
 *
 * @example
 * new cams.ClassifierOutputSoftmaxTarget(3);
 */
export class ClassifierOutputSoftmaxTarget implements CamTarget {
  /** @param category - The class index explained (negative counts from the end). */
  constructor(readonly category: number) {}

  /** `softmax(output)[category]`. */
  call(model_output: Tensor): Tensor {
    const c = check_category(this.category, model_output, 'ClassifierOutputSoftmaxTarget');
    const p = model_output.softmax(-1);
    return model_output.ndim === 1 ? p.select(0, c) : p.select(1, c);
  }
}

/**
 * A binary classifier's single output: itself for category 1, its negation otherwise.
 *
 * @example
 * new cams.BinaryClassifierOutputTarget(1);
 */
export class BinaryClassifierOutputTarget implements CamTarget {
  /** @param category - 1 explains the output as it is, 0 its negation. */
  constructor(readonly category: number) {}

  /** The output for category 1, its negation for 0. */
  call(model_output: Tensor): Tensor {
    return model_output.mul(this.category === 1 ? 1 : -1);
  }
}

/**
 * The raw output itself (it must be a single value per sample to be explained).
 *
 * @example
 * new cams.RawScoresOutputTarget();
 */
export class RawScoresOutputTarget implements CamTarget {
  /** The output itself. */
  call(model_output: Tensor): Tensor {
    return model_output;
  }
}

/**
 * For segmentation outputs `[classes, H, W]`: the sum of `category`'s scores over the pixels of `mask` `[H, W]`.
 *
 * @example
 * new cams.SemanticSegmentationTarget(2, mask);
 */
export class SemanticSegmentationTarget implements CamTarget {
  /** `[H, W]`: 1 where pixels count, 0 elsewhere. */
  readonly mask: Tensor;

  /**
   * @param category - The class channel explained.
   * @param mask - `[H, W]`: 1 where pixels count, 0 elsewhere.
   */
  constructor(readonly category: number, mask: Tensor) {
    if (!(mask instanceof torch.Tensor) || mask.ndim !== 2) throw new TypeError('SemanticSegmentationTarget needs a mask Tensor of shape [H, W]');
    this.mask = mask;
  }

  /** `Σ output[category] ⊙ mask`. */
  call(model_output: Tensor): Tensor {
    if (model_output.ndim !== 3) throw new Error(`SemanticSegmentationTarget expects one sample's output [classes, H, W], got [${model_output.shape.join(', ')}]`);
    const classes = model_output.shape[0]!;
    if (!Number.isInteger(this.category) || this.category < -classes || this.category >= classes) {
      throw new RangeError(`SemanticSegmentationTarget: index ${this.category} is out of bounds for dimension 0 with size ${classes}`);
    }
    const c = this.category < 0 ? this.category + classes : this.category;
    return model_output.select(0, c).mul(this.mask).sum();
  }
}
