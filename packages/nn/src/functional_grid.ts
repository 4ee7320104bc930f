// nn.functional's spatial transformer pair: affine_grid (sampling grids from affine maps) and grid_sample
// (bilinear / nearest / bicubic sampling at grid points), with PyTorch's Python-level checks and warnings.
import * as torch from '@tsgrad/core';
import type { PyArgs, Tensor } from '@tsgrad/core';

const ALIGN_CORNERS_DEFAULT = 'Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for details.';

const AFFINE_GRID = torch.signature<{ theta: Tensor; size: number[]; align_corners: boolean | null }>('affine_grid(Tensor theta, int[] size, bool? align_corners=None)');
/**
 * The sampling grid of a batch of affine maps `theta` (`[N, 2, 3]` for a 4-d `size`, `[N, 3, 4]` for 5-d), for
 * `grid_sample`: the spatial transformer's grid generator.
 *
 * @example
 * const grid = F.affine_grid(theta, [N, C, H, W], { align_corners: false }); // [N, H, W, 2]
 */
export function affine_grid(...args: PyArgs<[theta: Tensor, size: number[], align_corners: boolean | null], { theta?: Tensor; size?: number[]; align_corners?: boolean | null }>): Tensor {
  const a = AFFINE_GRID.parse(args);
  const size_text = args[1] instanceof torch.Size ? String(args[1]) : `[${a.size.join(', ')}]`;
  let align_corners = a.align_corners;
  if (align_corners === null) {
    torch.warn(ALIGN_CORNERS_DEFAULT);
    align_corners = false;
  }
  const { theta, size } = a;
  if (!theta.is_floating_point()) throw new Error(`Expected theta to have floating point type, but got ${String(theta.dtype)}`);
  const k = size.length - 2;
  if (k !== 2 && k !== 3) throw new Error(`affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${size_text}.`);
  if (theta.ndim !== 3 || theta._shape[1] !== k || theta._shape[2] !== k + 1) {
    throw new Error(`Expected a batch of ${k}D affine matrices of shape Nx${k}x${k + 1} for size ${size_text}. Got ${String(theta.size())}.`);
  }
  if (align_corners && Math.min(...size.slice(2)) === 1) torch.warn('Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True. This is not an issue for standard usage.');
  else if (Math.min(...size) <= 0) throw new Error(`Expected non-zero, positive output size. Got ${size_text}`);
  return torch.affine_grid_generator(theta, size, align_corners);
}

const MODES = ['bilinear', 'nearest', 'bicubic'];
const PADDING_MODES = ['zeros', 'border', 'reflection'];
const GRID_SAMPLE = torch.signature<{ input: Tensor; grid: Tensor; mode: string; padding_mode: string; align_corners: boolean | null }>(
  "grid_sample(Tensor input, Tensor grid, str mode='bilinear', str padding_mode='zeros', bool? align_corners=None)");
/**
 * Samples `input` (`[N, C, H, W]` or `[N, C, D, H, W]`) at the points of `grid` (`[N, H_out, W_out, 2]`, or
 * `[N, D_out, H_out, W_out, 3]`), whose last dim holds normalized x, y(, z) in [-1, 1]; points outside read
 * zeros, the border or the reflection (`padding_mode`).
 *
 * @example
 * F.grid_sample(img, F.affine_grid(theta, img.size(), { align_corners: false }), { align_corners: false });
 */
export function grid_sample(
  ...args: PyArgs<[input: Tensor, grid: Tensor, mode: string, padding_mode: string, align_corners: boolean | null], { input?: Tensor; grid?: Tensor; mode?: 'bilinear' | 'nearest' | 'bicubic'; padding_mode?: 'zeros' | 'border' | 'reflection'; align_corners?: boolean | null }>
): Tensor {
  const a = GRID_SAMPLE.parse(args);
  if (!MODES.includes(a.mode)) throw new Error(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${a.mode}'`);
  if (!PADDING_MODES.includes(a.padding_mode)) throw new Error(`nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${a.padding_mode}'`);
  let align_corners = a.align_corners;
  if (align_corners === null) {
    torch.warn(ALIGN_CORNERS_DEFAULT);
    align_corners = false;
  }
  return torch.grid_sampler(a.input, a.grid, MODES.indexOf(a.mode), PADDING_MODES.indexOf(a.padding_mode), align_corners);
}
