// Colormaps: scalar in [0, 1] → RGB bytes (jet and gray as matplotlib defines them, viridis from its published table).

/** Maps `v ∈ [0, 1]` (clamped; NaN as 0) to `[r, g, b]` bytes. */
export type Colormap = (v: number) => [number, number, number];

/** The built-in colormaps: 'jet' (pytorch-grad-cam's and OpenCV's), 'viridis' (matplotlib's default) and 'gray'. */
export type ColormapName = 'jet' | 'viridis' | 'gray';

const clamp01 = (v: number): number => (Number.isNaN(v) ? 0 : Math.min(1, Math.max(0, v)));
const byte = (v: number): number => Math.round(clamp01(v) * 255);

/** Piecewise-linear interpolation through `[x, y]` anchors with increasing x from 0 to 1. */
function segments(anchors: readonly (readonly [number, number])[], v: number): number {
  let k = 1;
  while (k < anchors.length - 1 && anchors[k]![0] < v) k++;
  const [x0, y0] = anchors[k - 1]!;
  const [x1, y1] = anchors[k]!;
  return x1 === x0 ? y1 : y0 + ((v - x0) / (x1 - x0)) * (y1 - y0);
}

// matplotlib's segment data of 'jet'
const JET_R = [[0, 0], [0.35, 0], [0.66, 1], [0.89, 1], [1, 0.5]] as const;
const JET_G = [[0, 0], [0.125, 0], [0.375, 1], [0.64, 1], [0.91, 0], [1, 0]] as const;
const JET_B = [[0, 0.5], [0.11, 1], [0.34, 1], [0.65, 0], [1, 0]] as const;

/**
 * matplotlib's `jet`: dark blue → cyan → yellow → dark red.
 *
 * @example
 * jet(0); // [0, 0, 128]
 * jet(1); // [128, 0, 0]
 */
export const jet: Colormap = (v) => {
  const t = clamp01(v);
  return [byte(segments(JET_R, t)), byte(segments(JET_G, t)), byte(segments(JET_B, t))];
};

/**
 * Gray levels: 0 → black, 1 → white.
 *
 * @example
 * gray(0.5); // [128, 128, 128]
 */
export const gray: Colormap = (v) => {
  const b = byte(v);
  return [b, b, b];
};

// viridis (van der Walt, Smith & Firing; CC0): every 8th entry of matplotlib's 256-colour table and the last,
// as RGB bytes; linear interpolation between them stays within 2/255 of the full table
const VIRIDIS_HEX =
  '440154470d6048186a482374472d7b4537814240863e49893b528b375b8d33638d2f6b8e2c728e297a8e26828e23898e21918c1f988b' +
  '1fa08822a78528ae8032b67a3fbc734ec36b5ec96270cf5784d44b98d83eaddc30c2df23d8e219ece51bfde725';
const VIRIDIS: [number, number, number][] = Array.from({ length: VIRIDIS_HEX.length / 6 }, (_, i) => [0, 2, 4].map((o) => parseInt(VIRIDIS_HEX.slice(6 * i + o, 6 * i + o + 2), 16)) as [number, number, number]);
// the stops sit at table indices 0, 8, …, 248, 255 of 0..255
const VIRIDIS_AT = VIRIDIS.map((_, i) => Math.min(8 * i, 255) / 255);

/**
 * matplotlib's `viridis`: perceptually uniform dark purple → teal → yellow.
 *
 * @example
 * viridis(0); // [68, 1, 84]
 * viridis(1); // [253, 231, 37]
 */
export const viridis: Colormap = (v) => {
  const t = clamp01(v);
  let k = 1;
  while (k < VIRIDIS_AT.length - 1 && VIRIDIS_AT[k]! < t) k++;
  const f = (t - VIRIDIS_AT[k - 1]!) / (VIRIDIS_AT[k]! - VIRIDIS_AT[k - 1]!);
  const a = VIRIDIS[k - 1]!;
  const b = VIRIDIS[k]!;
  return [0, 1, 2].map((c) => Math.round(a[c]! + f * (b[c]! - a[c]!))) as [number, number, number];
};

/** The built-in colormaps by name. */
export const COLORMAPS: Record<ColormapName, Colormap> = { jet, viridis, gray };

/**
 * A colormap given by name or as a function.
 *
 * @example
 * colormap_of('viridis')(0.5);
 */
export function colormap_of(c: Colormap | ColormapName): Colormap {
  if (typeof c === 'function') return c;
  const found = COLORMAPS[c];
  if (found === undefined) throw new Error(`unknown colormap '${String(c)}' (jet, viridis, gray)`);
  return found;
}
