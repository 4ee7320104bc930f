// torchvision.utils: make_grid (a batch of images tiled into one image tensor) and save_image (that grid as a PNG).
import * as torch from '@tsgrad/core';
import type { PyArgs, Tensor } from '@tsgrad/core';
import { write_png } from './image/png.js';

/** make_grid's keyword arguments, torchvision's. */
export interface MakeGridOptions {
  /** Images per row (default 8). */
  nrow?: number;
  /** Pixels between and around the images (default 2). */
  padding?: number;
  /** Shift values into [0, 1] by `value_range` or the tensor's min and max (default false). */
  normalize?: boolean;
  /** `[min, max]` for `normalize`; by default the tensor's (or each image's) own. */
  value_range?: [number, number] | null;
  /** Normalize each image by its own range (default false). */
  scale_each?: boolean;
  /** Value of the padding pixels (default 0). */
  pad_value?: number;
}

const MAKE_GRID = torch.signature<Required<Omit<MakeGridOptions, 'value_range'>> & { tensor: Tensor | Tensor[]; value_range: number[] | null }>(
  'make_grid(Tensor|Tensor[] tensor, int nrow=8, int padding=2, bool normalize=False, float[]? value_range=None, bool scale_each=False, float pad_value=0.0)',
);

type GridArgs = PyArgs<
  [tensor: Tensor | Tensor[], nrow: number, padding: number, normalize: boolean, value_range: [number, number] | null, scale_each: boolean, pad_value: number],
  MakeGridOptions
>;

/** Clamps `img` to [low, high] in place, then maps that range onto [0, 1]. */
function norm_ip(img: Tensor, low: number, high: number): void {
  img.clamp_(low, high);
  img.sub_(low).div_(Math.max(high - low, 1e-5));
}

/**
 * torchvision's `utils.make_grid`: a batch `[B, C, H, W]` (or a list of `[C, H, W]` images) tiled `nrow` per row
 * with `padding` pixels of `pad_value` between and around them, as one `[C, H', W']` image. Single-channel
 * images become three-channel; a 2-D or 3-D input is one image; a batch of one is returned without padding.
 *
 * @example
 * const [images] = data.next(data.iter(trainloader));
 * const grid = utils.make_grid(images);          // [3, 36, 138] for four 3×32×32 images
 * utils.make_grid(images, { nrow: 2, normalize: true });
 */
export function make_grid(...args: GridArgs): Tensor {
  const a = MAKE_GRID.parse(args);
  let tensor = Array.isArray(a.tensor) ? torch.stack(a.tensor, 0) : a.tensor;
  if (tensor.dim() === 2) tensor = tensor.unsqueeze(0);
  if (tensor.dim() === 3) {
    if (tensor.size(0) === 1) tensor = torch.cat([tensor, tensor, tensor], 0);
    tensor = tensor.unsqueeze(0);
  }
  if (tensor.dim() !== 4) throw new Error(`make_grid expects a 2-D, 3-D or 4-D tensor (or a list of images), got ${tensor.dim()}-D with size ${tensor.shape}`);
  if (tensor.size(1) === 1) tensor = torch.cat([tensor, tensor, tensor], 1);

  if (a.normalize) {
    const range = a.value_range;
    if (range !== null && range.length !== 2) throw new TypeError('value_range has to be a tuple (min, max) if specified. min and max are numbers');
    tensor = tensor.clone();
    const norm_range = (t: Tensor): void => norm_ip(t, range?.[0] ?? t.min().item(), range?.[1] ?? t.max().item());
    if (a.scale_each) for (const t of tensor) norm_range(t);
    else norm_range(tensor);
  }
  if (tensor.size(0) === 1) return tensor.squeeze(0);

  const [n, channels, h, w] = tensor.shape as unknown as [number, number, number, number];
  const p = a.padding;
  const xmaps = Math.min(a.nrow, n);
  const ymaps = Math.ceil(n / xmaps);
  const [height, width] = [h + p, w + p];
  const grid = tensor.new_full([channels, height * ymaps + p, width * xmaps + p], a.pad_value);
  for (let k = 0; k < n; k++) {
    const [y, x] = [Math.floor(k / xmaps), k % xmaps];
    grid.narrow(1, y * height + p, h).narrow(2, x * width + p, w).copy_(tensor.select(0, k));
  }
  return grid;
}

const SAVE_IMAGE = torch.signature<{ tensor: Tensor | Tensor[]; fp: string; format: string | null }>('save_image(Tensor|Tensor[] tensor, str fp, str? format=None)');

/**
 * torchvision's `utils.save_image`: `make_grid(tensor, options)` with values in [0, 1] written as an 8-bit PNG
 * (`round(255 · v)` clamped, as torchvision converts). Node-only; PNG is the one format.
 *
 * @example
 * utils.save_image(images.div(2).add(0.5), 'batch.png', { nrow: 4 });
 */
export function save_image(tensor: Tensor | Tensor[], fp: string, options: MakeGridOptions & { format?: string | null } = {}): void {
  const { format, ...grid_options } = options;
  const a = SAVE_IMAGE.parse([tensor, fp, { format }]);
  const type = (a.format ?? fp.slice(fp.lastIndexOf('.') + 1)).toLowerCase();
  if (type !== 'png') throw new Error(`save_image writes PNG only, got format '${a.format ?? fp}'`);
  const grid = make_grid(a.tensor, grid_options);
  const hwc = torch.no_grad(() => grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to(torch.uint8).contiguous());
  const [height, width, c] = hwc.shape as unknown as [number, number, number];
  if (c !== 1 && c !== 3 && c !== 4) throw new Error(`save_image needs 1, 3 or 4 channels, got ${c}`);
  const src = hwc._contiguous_data();
  const rgba = new Uint8ClampedArray(4 * width * height);
  for (let i = 0; i < width * height; i++) {
    for (let ch = 0; ch < 3; ch++) rgba[4 * i + ch] = src[i * c + (c === 1 ? 0 : ch)]!;
    rgba[4 * i + 3] = c === 4 ? src[i * c + 3]! : 255;
  }
  write_png(fp, { data: rgba, width, height });
}
