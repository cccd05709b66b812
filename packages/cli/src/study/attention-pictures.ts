// The pictures of `crossmodal attention`, from host arrays only (no model): per layer and head the
// class token's attention over the image, each layer's head mean, attention rollout with mean, max
// and min head fusion, and one sheet of them all.
import {
  attentionRollout, clsAttention, fuseHeads, gridSheet, imageFromChw, overlayHeatmap, resizeBilinear,
  type HeadFusion, type HostArray, type RasterImage,
} from '@crossmodal/viz';

/** One picture to write: its file name and pixels. */
export interface NamedPicture {
  readonly file: string;
  readonly image: RasterImage;
}

/** Smallest side of the pictures: 28×28 inputs are scaled up so a map's patches can be told apart. */
export const MIN_PICTURE_SIDE = 112;

/** Head fusions of the rollout pictures, in file order. */
export const ROLLOUT_FUSIONS: readonly HeadFusion[] = ['mean', 'max', 'min'];

/**
 * Tokens before the patches for `tokens` tokens on a square patch grid: tokens − ⌊√tokens⌋²
 * (1 for ViT's class token; registers add more). Throws when there is no class token to read.
 */
export function prefixTokensOf(tokens: number): number {
  const side = Math.floor(Math.sqrt(tokens));
  const prefix = tokens - side * side;
  if (prefix < 1) {
    throw new RangeError(`attention: ${tokens} tokens form a square patch grid with no class token before it; class-token attention needs a model with a class token`);
  }
  return prefix;
}

/**
 * The image [C, H, W] as shown: values stretched to [0, 1] by their min and max (inputs are often
 * normalised), and scaled up bilinearly so the shorter side is at least {@link MIN_PICTURE_SIDE}.
 */
export function displayImage(image: HostArray): HostArray {
  const [c, h, w] = image.shape as [number, number, number];
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < image.data.length; i++) {
    const v = image.data[i]!;
    if (Number.isFinite(v)) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  const span = max > min ? max - min : 1;
  const factor = Math.max(1, Math.ceil(MIN_PICTURE_SIDE / Math.min(h, w)));
  const [oh, ow] = [h * factor, w * factor];
  const out = new Float32Array(c * oh * ow);
  for (let k = 0; k < c; k++) {
    const plane = Float32Array.from({ length: h * w }, (_, i) => ((image.data[k * h * w + i] ?? min) - (Number.isFinite(min) ? min : 0)) / span);
    out.set(resizeBilinear(plane, h, w, oh, ow), k * oh * ow);
  }
  return { shape: [c, oh, ow], data: out };
}

/**
 * Every attention picture of one image: `layer<L>-head<H>.png`, `layer<L>-mean.png`,
 * `rollout-<fusion>.png` and `sheet.png` (the input, then one row per layer, then the rollouts).
 * @param probs attention probabilities per layer, [1, H, N, N] each, first layer first
 * @param image the model's input [C, H, W] (any value range)
 */
export function attentionPictures(probs: readonly HostArray[], image: HostArray, title?: string): NamedPicture[] {
  const tokens = probs[0]?.shape[3];
  if (tokens === undefined) throw new RangeError('attention: the model returned an empty list of attention maps');
  const prefixTokens = prefixTokensOf(tokens);
  const shown = displayImage(image);
  const maps = clsAttention(probs, { prefixTokens }); // [L, H, gh, gw]
  const [layers, heads, gh, gw] = maps.shape as [number, number, number, number];
  const size = gh * gw;
  const pictures: NamedPicture[] = [];
  const captions: string[] = [];
  const sheet: RasterImage[] = [];
  const add = (file: string, picture: RasterImage, caption: string): void => {
    pictures.push({ file, image: picture });
    sheet.push(picture);
    captions.push(caption);
  };
  for (let l = 0; l < layers; l++) {
    const layer = { shape: [heads, gh, gw], data: maps.data.subarray(l * heads * size, (l + 1) * heads * size) };
    for (let h = 0; h < heads; h++) {
      add(`layer${l}-head${h}.png`, overlayHeatmap(shown, { shape: [gh, gw], data: layer.data.subarray(h * size, (h + 1) * size) }), `L${l} H${h}`);
    }
    add(`layer${l}-mean.png`, overlayHeatmap(shown, fuseHeads(layer, 'mean')), `L${l} MEAN`);
  }
  const input = imageFromChw(shown);
  sheet.push(input);
  captions.push('INPUT');
  for (const fusion of ROLLOUT_FUSIONS) {
    add(`rollout-${fusion}.png`, overlayHeatmap(shown, attentionRollout(probs, { prefixTokens, headFusion: fusion }).map), `ROLLOUT ${fusion}`);
  }
  // Rows: one per layer (heads, then their mean); the last row holds the input and the rollouts.
  const columns = Math.max(heads + 1, 1 + ROLLOUT_FUSIONS.length);
  const rows: RasterImage[] = [];
  const rowCaptions: string[] = [];
  const blank = { ...input, data: new Uint8Array(input.data.length).fill(255) };
  const perLayer = heads + 1;
  for (let l = 0; l < layers; l++) {
    for (let c = 0; c < columns; c++) {
      rows.push(c < perLayer ? sheet[l * perLayer + c]! : blank);
      rowCaptions.push(c < perLayer ? captions[l * perLayer + c]! : '');
    }
  }
  const last = sheet.slice(layers * perLayer);
  for (let c = 0; c < columns; c++) {
    rows.push(last[c] ?? blank);
    rowCaptions.push(c < last.length ? captions[layers * perLayer + c]! : '');
  }
  pictures.push({ file: 'sheet.png', image: gridSheet(rows, { columns, captions: rowCaptions, ...(title ? { title } : {}) }) });
  return pictures;
}
