// Position-embedding similarity: cosine similarity of every patch position's embedding with every other, as a tiled figure.
// The figure is Fig. 7 (centre) of "An Image is Worth 16x16 Words", https://arxiv.org/abs/2010.11929
import { COLORMAPS, applyColormap, type ColormapName } from './colormap.ts';
import { upscale } from './draw.ts';
import { argError, checkInt } from './errors.ts';
import { gridSheet } from './grid.ts';
import { asHost, type ArrayInput, type HostArray } from './host.ts';
import type { RasterImage } from './image.ts';
import { patchGrid } from './attention.ts';

/** Options of {@link positionEmbeddingSimilarity}. */
export interface PositionSimilarityOptions {
  /** Rows before the patch positions (class token, registers): timm's `num_prefix_tokens` (default 1). */
  readonly prefixTokens?: number;
  /** Patch grid [gh, gw] (default: square, inferred from the number of positions). */
  readonly grid?: readonly [number, number];
}

/**
 * Cosine similarity between the position embeddings of every pair of patch positions.
 * @param posEmbed [N, D] or [1, N, D] (timm's `pos_embed`), N = prefix tokens + patches
 * @returns `similarity` [P, P] (P = gh·gw patches; row p reshaped to [gh, gw] is p's map) and the grid
 * @example
 * const { similarity, grid } = positionEmbeddingSimilarity(model.posEmbed, { prefixTokens: 1 }); // [196, 196], [14, 14]
 */
export function positionEmbeddingSimilarity(
  posEmbed: ArrayInput,
  options: PositionSimilarityOptions = {},
): { similarity: HostArray & { data: Float32Array }; grid: [number, number] } {
  const fn = 'positionEmbeddingSimilarity';
  const { prefixTokens = 1 } = options;
  const host = asHost(fn, 'posEmbed', posEmbed);
  const shape = host.shape.length === 3 && host.shape[0] === 1 ? host.shape.slice(1) : host.shape;
  if (shape.length !== 2) throw argError(fn, 'posEmbed.shape', host.shape, '[N, D] or [1, N, D]');
  const [n, d] = shape as [number, number];
  checkInt(fn, 'options.prefixTokens', prefixTokens, 0, n - 1);
  const grid = patchGrid(fn, n - prefixTokens, options.grid);
  const p = grid[0] * grid[1];
  const unit = new Float64Array(p * d);
  for (let i = 0; i < p; i++) {
    let norm = 0;
    for (let k = 0; k < d; k++) norm += host.data[(prefixTokens + i) * d + k]! ** 2;
    if (!(norm > 0) || !Number.isFinite(norm)) throw argError(fn, `posEmbed row ${prefixTokens + i}`, norm, 'a finite non-zero vector (its squared norm was given)');
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < d; k++) unit[i * d + k] = host.data[(prefixTokens + i) * d + k]! * inv;
  }
  const similarity = new Float32Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += unit[i * d + k]! * unit[j * d + k]!;
      similarity[i * p + j] = dot;
      similarity[j * p + i] = dot;
    }
  }
  return { similarity: { shape: [p, p], data: similarity }, grid };
}

/** Options of {@link positionEmbeddingSheet}. */
export interface PositionSheetOptions extends PositionSimilarityOptions {
  /** Colormap (default 'viridis'). */
  readonly colormap?: ColormapName;
  /** Each similarity cell becomes a `cellSize`×`cellSize` block (default: so a tile is about 28 px across). */
  readonly cellSize?: number;
  /** Pixels between tiles (default 1). */
  readonly padding?: number;
  /** A title across the top (default none). */
  readonly title?: string;
}

/**
 * The position-embedding similarity figure: for every patch position (row-major over the grid), a small [gh, gw]
 * heatmap of its cosine similarity with every position, tiled into a gh × gw sheet. All tiles share the colour
 * range [-1, 1], so tiles are comparable.
 * @example
 * const png = encodePng(positionEmbeddingSheet(posEmbed, { title: 'VIT-TINY POSITION EMBEDDING SIMILARITY' }));
 */
export function positionEmbeddingSheet(posEmbed: ArrayInput, options: PositionSheetOptions = {}): RasterImage {
  const { colormap = 'viridis', padding = 1, title } = options;
  if (!COLORMAPS.includes(colormap)) throw argError('positionEmbeddingSheet', 'options.colormap', colormap, `one of ${COLORMAPS.join(', ')}`);
  const { similarity, grid } = positionEmbeddingSimilarity(posEmbed, options);
  const [gh, gw] = grid;
  const cellSize = options.cellSize ?? Math.max(1, Math.round(28 / Math.max(gh, gw)));
  checkInt('positionEmbeddingSheet', 'options.cellSize', cellSize, 1);
  const p = gh * gw;
  const tiles: RasterImage[] = [];
  for (let i = 0; i < p; i++) {
    const tile = applyColormap(similarity.data.subarray(i * p, (i + 1) * p), gw, gh, { colormap, min: -1, max: 1 });
    tiles.push(upscale(tile, cellSize));
  }
  return gridSheet(tiles, { columns: gw, padding, ...(title ? { title } : {}) });
}
