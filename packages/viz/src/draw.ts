// Raster drawing on RasterImage in place: rectangles, lines, text in the bitmap font, and blitting one image into another.
import { argError, checkInt } from './errors.ts';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './font.ts';
import { checkImage, type RasterImage, type Rgb } from './image.ts';

/** Sets pixel (x, y) if it lies inside the image (drawing is clipped, never an error). */
export function setPixel(image: RasterImage, x: number, y: number, color: Rgb): void {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  const ch = image.channels;
  const o = (y * image.width + x) * ch;
  if (ch <= 2) image.data[o] = Math.round(0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]);
  else for (let c = 0; c < 3; c++) image.data[o + c] = color[c]!;
  if (ch === 2 || ch === 4) image.data[o + ch - 1] = 255;
}

/**
 * Fills the rectangle [x, x + w) × [y, y + h), clipped to the image.
 * @example
 * fillRect(image, 0, 0, 10, 1, [255, 0, 0]); // a red line along the top, 10 px long
 */
export function fillRect(image: RasterImage, x: number, y: number, w: number, h: number, color: Rgb): void {
  for (let yy = Math.max(0, y); yy < Math.min(image.height, y + h); yy++) {
    for (let xx = Math.max(0, x); xx < Math.min(image.width, x + w); xx++) setPixel(image, xx, yy, color);
  }
}

/**
 * Draws a 1-pixel line from (x0, y0) to (x1, y1) with Bresenham's algorithm (coordinates rounded).
 * @example
 * drawLine(image, 0, 0, 9, 9, [0, 0, 0]); // the diagonal of a 10×10 image
 */
export function drawLine(image: RasterImage, x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
  let x = Math.round(x0);
  let y = Math.round(y0);
  const xe = Math.round(x1);
  const ye = Math.round(y1);
  const dx = Math.abs(xe - x);
  const dy = -Math.abs(ye - y);
  const sx = x < xe ? 1 : -1;
  const sy = y < ye ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    setPixel(image, x, y, color);
    if (x === xe && y === ye) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

/**
 * Draws `text` with its top-left corner at (x, y) in the 5×7 font, each font pixel a `scale`×`scale` block.
 * @example
 * drawText(image, 'LOSS 0.25', 4, 4, [0, 0, 0], 2);
 */
export function drawText(image: RasterImage, text: string, x: number, y: number, color: Rgb, scale = 1): void {
  checkInt('drawText', 'scale', scale, 1);
  let cx = Math.round(x);
  for (const ch of text) {
    const rows = glyph(ch);
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      for (let c = 0; c < GLYPH_WIDTH; c++) {
        if ((rows[r]! >> (GLYPH_WIDTH - 1 - c)) & 1) fillRect(image, cx + c * scale, Math.round(y) + r * scale, scale, scale, color);
      }
    }
    cx += (GLYPH_WIDTH + 1) * scale;
  }
}

/**
 * Copies `src` into `dest` with its top-left corner at (x, y), clipped; gray/alpha sources are converted per pixel.
 * @example
 * blit(sheet, tile, 10, 20);
 */
export function blit(dest: RasterImage, src: RasterImage, x: number, y: number): void {
  checkImage('blit', 'src', src);
  if (!Number.isInteger(x) || !Number.isInteger(y)) throw argError('blit', 'x, y', [x, y], 'integers');
  const sc = src.channels;
  for (let yy = 0; yy < src.height; yy++) {
    for (let xx = 0; xx < src.width; xx++) {
      const o = (yy * src.width + xx) * sc;
      const rgb: Rgb = sc <= 2 ? [src.data[o]!, src.data[o]!, src.data[o]!] : [src.data[o]!, src.data[o + 1]!, src.data[o + 2]!];
      setPixel(dest, x + xx, y + yy, rgb);
    }
  }
}

/**
 * Scales an image up by an integer factor, each pixel becoming a `factor`×`factor` block (nearest neighbour).
 * @example
 * upscale(createImage(2, 2), 8).width; // 16
 */
export function upscale(image: RasterImage, factor: number): RasterImage {
  checkImage('upscale', 'image', image);
  checkInt('upscale', 'factor', factor, 1);
  const { width, height, channels } = image;
  const out = new Uint8Array(width * height * channels * factor * factor);
  for (let y = 0; y < height * factor; y++) {
    for (let x = 0; x < width * factor; x++) {
      const s = (((y / factor) | 0) * width + ((x / factor) | 0)) * channels;
      out.set(image.data.subarray(s, s + channels), (y * width * factor + x) * channels);
    }
  }
  return { width: width * factor, height: height * factor, channels, data: out };
}
