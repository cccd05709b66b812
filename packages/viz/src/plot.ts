// Line charts on a RasterImage: axes with "nice" ticks, tick labels and titles in the bitmap font, a legend.
import { drawLine, drawText, fillRect } from './draw.ts';
import { argError, checkInt } from './errors.ts';
import { GLYPH_HEIGHT, textWidth } from './font.ts';
import { createImage, type RasterImage, type Rgb } from './image.ts';

/** One line of a chart. */
export interface Series {
  /** Legend label. */
  readonly name: string;
  /** [x, y] points, drawn in the order given. */
  readonly points: readonly (readonly [number, number])[];
  /** Line colour (default: the next of matplotlib's tab10 colours). */
  readonly color?: Rgb;
  /** Draw a 3×3 marker on every point (default: only when the series has ≤ 50 points). */
  readonly markers?: boolean;
}

/** Options of {@link plotLines}. */
export interface PlotOptions {
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Fixed y range (default: the data's, padded to nice ticks). */
  readonly yRange?: readonly [number, number];
}

/** matplotlib's tab10, the first five. */
export const SERIES_COLORS: readonly Rgb[] = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189]];

/**
 * About `count` round tick values (1, 2 or 5 × 10^k apart) covering [min, max].
 * @example
 * niceTicks(0, 1, 5); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) throw argError('niceTicks', 'min, max', [min, max], 'finite numbers with min <= max');
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A tick label with as many decimals as the tick spacing needs. */
export function formatTick(value: number, step: number): string {
  const decimals = step > 0 ? Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9))) : 2;
  return value.toFixed(decimals);
}

function dataRange(values: number[], pad: number): [number, number] {
  // A loop, not Math.min(...values): spreading a long run's 10^5+ points overflows the call stack.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  // A margin keeps extreme points and markers off the axes.
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo - pad * (hi - lo), hi + pad * (hi - lo)];
}

/** Draws the axes, ticks, labels and title; returns the coordinate transforms of the plot area. */
function drawFrame(
  img: RasterImage,
  o: Required<Pick<PlotOptions, 'width' | 'height'>> & PlotOptions,
  xr: [number, number],
  yr: [number, number],
  legendRows: number,
) {
  const ink: Rgb = [0, 0, 0];
  const xTicks = niceTicks(xr[0], xr[1]);
  const yTicks = niceTicks(yr[0], yr[1]);
  const yStep = yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : 1;
  const xStep = xTicks.length > 1 ? xTicks[1]! - xTicks[0]! : 1;
  const yLabels = yTicks.map((t) => formatTick(t, yStep));
  const left = Math.max(...yLabels.map((l) => textWidth(l))) + 8 + (o.yLabel ? GLYPH_HEIGHT + 6 : 0);
  // The legend sits in the top margin, right-aligned, so it never covers a line.
  const top = (o.title ? GLYPH_HEIGHT * 2 + 10 : 8) + legendRows * (GLYPH_HEIGHT + 4);
  const bottom = o.height - (GLYPH_HEIGHT + 10) - (o.xLabel ? GLYPH_HEIGHT + 4 : 0);
  const right = o.width - 10;
  if (right - left < 20 || bottom - top < 20) throw argError('plotLines', 'options.width/height', [o.width, o.height], 'room for a plot area of at least 20×20 px');
  const px = (x: number): number => left + ((x - xr[0]) / (xr[1] - xr[0] || 1)) * (right - left);
  const py = (y: number): number => bottom - ((y - yr[0]) / (yr[1] - yr[0] || 1)) * (bottom - top);
  yTicks.forEach((t, i) => {
    const y = Math.round(py(t));
    drawLine(img, left + 1, y, right, y, [230, 230, 230]);
    drawLine(img, left - 3, y, left, y, ink);
    drawText(img, yLabels[i]!, left - 5 - textWidth(yLabels[i]!), y - 3, ink);
  });
  for (const t of xTicks) {
    const x = Math.round(px(t));
    drawLine(img, x, bottom, x, bottom + 3, ink);
    const label = formatTick(t, xStep);
    drawText(img, label, x - Math.floor(textWidth(label) / 2), bottom + 6, ink);
  }
  drawLine(img, left, top, left, bottom, ink);
  drawLine(img, left, bottom, right, bottom, ink);
  if (o.title) drawText(img, o.title, Math.floor((o.width - textWidth(o.title, 2)) / 2), 4, ink, 2);
  if (o.xLabel) drawText(img, o.xLabel, Math.floor((left + right - textWidth(o.xLabel)) / 2), o.height - GLYPH_HEIGHT - 3, ink);
  if (o.yLabel) drawVertical(img, o.yLabel, 3, Math.floor((top + bottom + textWidth(o.yLabel)) / 2), ink);
  return { px, py, right, legendTop: top - legendRows * (GLYPH_HEIGHT + 4) };
}

/** Draws text rotated 90° counter-clockwise with its baseline start at (x, y), reading bottom to top. */
function drawVertical(img: RasterImage, text: string, x: number, y: number, color: Rgb): void {
  const w = textWidth(text);
  const tmp = createImage(w, GLYPH_HEIGHT, 1, [0, 0, 0]);
  drawText(tmp, text, 0, 0, [255, 255, 255]);
  for (let ty = 0; ty < GLYPH_HEIGHT; ty++) {
    for (let tx = 0; tx < w; tx++) if (tmp.data[ty * w + tx]! > 127) fillRect(img, x + ty, y - tx, 1, 1, color);
  }
}

/**
 * A line chart of one or more series, white background, with axes, ticks, tick labels, title and legend.
 * @example
 * const chart = plotLines([{ name: 'train', points: [[1, 2.3], [2, 1.9], [3, 1.2]] }], { title: 'LOSS', xLabel: 'STEP' });
 * const png = encodePng(chart);
 */
export function plotLines(series: readonly Series[], options: PlotOptions = {}): RasterImage {
  const o = { width: 480, height: 320, ...options };
  checkInt('plotLines', 'options.width', o.width, 64);
  checkInt('plotLines', 'options.height', o.height, 64);
  if (!Array.isArray(series)) throw argError('plotLines', 'series', series, 'an array of {name, points}');
  const all = series.flatMap((s: Series, i: number) => {
    s.points.forEach(([x, y]: readonly [number, number], k: number) => {
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw argError('plotLines', `series[${i}].points[${k}]`, [x, y], 'finite [x, y]');
    });
    return s.points;
  });
  const img = createImage(o.width, o.height, 3, [255, 255, 255]);
  const xr = all.length ? dataRange(all.map((p) => p[0]), 0) : ([0, 1] as [number, number]);
  const yr = o.yRange ? ([o.yRange[0], o.yRange[1]] as [number, number]) : all.length ? dataRange(all.map((p) => p[1]), 0.05) : ([0, 1] as [number, number]);
  const { px, py, right, legendTop } = drawFrame(img, o, xr, yr, series.length);
  series.forEach((s: Series, i: number) => {
    const color = s.color ?? SERIES_COLORS[i % SERIES_COLORS.length]!;
    const pts = s.points.map(([x, y]) => [px(x), py(y)] as const);
    for (let k = 1; k < pts.length; k++) drawLine(img, pts[k - 1]![0], pts[k - 1]![1], pts[k]![0], pts[k]![1], color);
    if (s.markers ?? s.points.length <= 50) for (const [x, y] of pts) fillRect(img, Math.round(x) - 1, Math.round(y) - 1, 3, 3, color);
    const label = s.name;
    const ly = legendTop + i * (GLYPH_HEIGHT + 4);
    fillRect(img, right - textWidth(label) - 14, ly + 1, 8, 5, color);
    drawText(img, label, right - textWidth(label) - 2, ly, [0, 0, 0]);
  });
  return img;
}
