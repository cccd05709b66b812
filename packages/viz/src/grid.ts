// Grid sheets: tiles images row by row with padding and optional captions under each tile (bitmap font).
import { blit, drawText, fillRect } from './draw.ts';
import { argError, checkInt } from './errors.ts';
import { GLYPH_HEIGHT, textWidth } from './font.ts';
import { checkImage, createImage, type RasterImage, type Rgb } from './image.ts';

/** Options of {@link gridSheet}. */
export interface GridOptions {
  /** Tiles per row (default ceil(sqrt(n))). */
  readonly columns?: number;
  /** Pixels around and between tiles (default 4). */
  readonly padding?: number;
  /** Background colour (default white). */
  readonly background?: Rgb;
  /** One caption per image, drawn centred under its tile (uppercase 5×7 font; lowercase is drawn as uppercase). */
  readonly captions?: readonly string[];
  /** Caption font scale (default 1). */
  readonly captionScale?: number;
  /** Caption colour (default black). */
  readonly captionColor?: Rgb;
  /** A title drawn across the top (default none). */
  readonly title?: string;
}

/**
 * Tiles images into one RGB sheet, row-major; each cell is as large as the largest image, which sits at its top-left.
 * @example
 * const sheet = gridSheet(perHead, { columns: 4, captions: perHead.map((_, h) => `HEAD ${h}`) });
 * const png = encodePng(sheet);
 */
export function gridSheet(images: readonly RasterImage[], options: GridOptions = {}): RasterImage {
  if (!Array.isArray(images) || images.length === 0) throw argError('gridSheet', 'images', images, 'a non-empty array of images');
  images.forEach((im, i) => checkImage('gridSheet', `images[${i}]`, im));
  const { padding = 4, background = [255, 255, 255], captionScale = 1, captionColor = [0, 0, 0], captions, title } = options;
  const columns = options.columns ?? Math.ceil(Math.sqrt(images.length));
  checkInt('gridSheet', 'options.columns', columns, 1);
  checkInt('gridSheet', 'options.padding', padding, 0);
  checkInt('gridSheet', 'options.captionScale', captionScale, 1);
  if (captions !== undefined && captions.length !== images.length) {
    throw argError('gridSheet', 'options.captions', captions, `one caption per image (${images.length})`);
  }
  const cellW = Math.max(...images.map((im) => im.width));
  const cellH = Math.max(...images.map((im) => im.height));
  const captionH = captions ? GLYPH_HEIGHT * captionScale + 2 * captionScale : 0;
  const titleH = title ? GLYPH_HEIGHT * captionScale + padding + captionScale * 2 : 0;
  const rows = Math.ceil(images.length / columns);
  const cols = Math.min(columns, images.length);
  const sheet = createImage(padding + cols * (cellW + padding), titleH + padding + rows * (cellH + captionH + padding), 3, background);
  if (title) drawText(sheet, title, padding, padding, captionColor, captionScale);
  images.forEach((im, i) => {
    const x = padding + (i % columns) * (cellW + padding);
    const y = titleH + padding + Math.floor(i / columns) * (cellH + captionH + padding);
    blit(sheet, im, x, y);
    if (!captions) return;
    const text = captions[i]!;
    fillRect(sheet, x, y + cellH, cellW, captionH, background);
    drawText(sheet, text, x + Math.max(0, Math.floor((cellW - textWidth(text, captionScale)) / 2)), y + cellH + captionScale, captionColor, captionScale);
  });
  return sheet;
}
