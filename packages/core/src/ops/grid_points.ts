// The base points of an affine sampling grid: every output point's normalized (x, y[, z], 1), shared by
// affine_grid_generator and its ONNX form.
import { no_grad } from '../autograd/grad_mode.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { linspace } from './creation.js';
import { empty } from './record.js';

/** Points from -1 to 1 along one output dim: the corner pixels' centres, or (align_corners false) scaled in to the pixel centres. */
function axis_points(steps: number, align_corners: boolean, dtype: DType): ArrayLike<number> {
  if (steps <= 1) return [0];
  // in the grid's dtype, rounded where PyTorch rounds: linspace, then times (steps - 1), then over steps
  const range = linspace(-1, 1, steps, { dtype });
  return (align_corners ? range : range.mul(steps - 1).div(steps))._contiguous_data();
}

/** `[N, *spatial, k+1]` rows `(x, y[, z], 1)` of every output point of `size`, x varying fastest, as a `[N, P, k+1]` tensor. */
export function base_grid(dtype: DType, size: readonly number[], align_corners: boolean): Tensor {
  const spatial = size.slice(2);
  const k = spatial.length;
  const points = spatial.reduce((a, b) => a * b, 1);
  const axes = no_grad(() => spatial.map((s) => axis_points(s, align_corners, dtype)));
  const out = empty([size[0]!, points, k + 1], dtype);
  const d = out._storage.data;
  const idx = new Array<number>(k).fill(0);
  for (let p = 0; p < points; p++) {
    // spatial dims are (D,) H, W; coordinates are x (from W), y (from H)[, z (from D)]
    for (let c = 0; c < k; c++) d[p * (k + 1) + c] = axes[k - 1 - c]![idx[k - 1 - c]!]!;
    d[p * (k + 1) + k] = 1;
    for (let j = k - 1; j >= 0; j--) {
      if (++idx[j]! < spatial[j]!) break;
      idx[j] = 0;
    }
  }
  for (let n = 1; n < size[0]!; n++) d.copyWithin(n * points * (k + 1), 0, points * (k + 1));
  return out;
}

