// vision.image: colormaps, overlays, colour bars, grids, scatter plots, text, terminal rendering and PNG files.
export { jet, viridis, gray, COLORMAPS, colormap_of, type Colormap, type ColormapName } from './colormaps.js';
export { to_rgba, blank_image, type RgbaImage, type ToRgbaOptions } from './rgba.js';
export { heatmap_overlay, type HeatmapOverlayOptions } from './overlay.js';
export { image_grid, type ImageGridOptions } from './grid.js';
export { draw_text, text_width, GLYPH_HEIGHT } from './font.js';
export { with_colorbar, with_title, type ColorbarOptions } from './colorbar.js';
export { scatter_plot, LABEL_COLORS, type ScatterPlotOptions } from './scatter.js';
export { render_ascii, type RenderAsciiOptions } from './ascii.js';
export { encode_png, write_png } from './png.js';
