// Layer norm's forward kernel sequence, internal (not exported from the package): the eager op and the compiled
// replay (torch.jit) both run it, so they agree bit for bit.
import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../kernels/js/nn_kernels.js';
import type { Tensor } from '../tensor.js';
import { empty } from './record.js';

/**
 * Layer norm's forward over the `[R, D]` rows of `input`: the row statistics (float64), then the normalized,
 * scaled and shifted rows; shared by the eager op and the compiled replay (torch.jit), which must agree bit for bit.
 * The replay passes `into`, memory it planned for the result (its `out` is then null).
 */
export function layer_norm_rows(input: Tensor, R: number, D: number, weight: Tensor | null, bias: Tensor | null, eps: number, into?: FloatArray): { out: Tensor | null; mu: Float64Array; invstd: Float64Array } {
  const ks = kernels();
  const x = input._contiguous_data() as FloatArray;
  const mu = new Float64Array(R);
  const invstd = new Float64Array(R);
  ks.channel_moments(x, 1, R, D, mu, invstd);
  for (let r = 0; r < R; r++) invstd[r] = 1 / Math.sqrt(invstd[r]! + eps);
  const out = into === undefined ? empty(input._shape, input._dtype) : null;
  ks.row_normalize(x, R, D, mu, invstd, weight?._contiguous_data() ?? null, bias?._contiguous_data() ?? null, into ?? (out!._storage.data as FloatArray));
  return { out, mu, invstd };
}
