// @crossmodal/viz: pictures of what a model does, in pure TypeScript (Node and Deno, no native code).
export { argError } from './errors.ts';
export { checkImage, createImage, toRgb, type Channels, type RasterImage, type Rgb } from './image.ts';
export { asHost, toHost, type ArrayInput, type HostArray } from './host.ts';
export { adler32, crc32 } from './png/checksum.ts';
export { deflate, zlibCompress, type DeflateMode, type DeflateOptions } from './png/deflate.ts';
export { inflate, zlibDecompress } from './png/inflate.ts';
export { decodePng, encodePng, pngChunk, type PngDecodeOptions, type PngEncodeOptions, type PngFilter, type PngInfo } from './png/png.ts';
export { COLORMAPS, applyColormap, colorAt, colormapLut, type ColormapName, type ColormapOptions } from './colormap.ts';
export { GLYPH_HEIGHT, GLYPH_WIDTH, glyph, textWidth } from './font.ts';
export { blit, drawLine, drawText, fillRect, setPixel, upscale } from './draw.ts';
export { imageFromChw, overlayHeatmap, resizeBilinear, type OverlayOptions } from './overlay.ts';
export { gridSheet, type GridOptions } from './grid.ts';
export {
  attentionRollout, clsAttention, fuseHeads, patchGrid,
  type AttentionGridOptions, type HeadFusion, type RolloutOptions,
} from './attention.ts';
export {
  positionEmbeddingSheet, positionEmbeddingSimilarity, type PositionSheetOptions, type PositionSimilarityOptions,
} from './pos-embed.ts';
export { SERIES_COLORS, formatTick, niceTicks, plotLines, type PlotOptions, type Series } from './plot.ts';
export {
  evaluationTable, parseRunEvents, plotTrainingCurves, runProcesses, smoothCurve,
  type CurvePoint, type EvaluationRow, type RunCurves, type RunProcess, type TrainingCurvesOptions,
} from './curves.ts';
export {
  lossAgreement, plotRunComparison, type LabelledRun, type LossAgreement, type RunComparisonOptions,
} from './compare-runs.ts';
