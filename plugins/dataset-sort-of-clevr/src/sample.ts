// A Sort-of-CLEVR image as a PNG plus its objects, questions, answers, expressions and captions
// as text: what the closing note shows, and a quick look at what a model is asked.
import { encodePng, upscale, type RasterImage } from '@crossmodal/viz';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANSWERS, encodeQuestion, QUESTIONS_PER_KIND, questionText, SUBTYPES, type Question } from './questions.ts';
import { centerOf, COLORS, IMAGE_SIZE, renderRgb } from './scene.ts';
import { SortOfClevrDataset, type SortOfClevrImage } from './sort-of-clevr-dataset.ts';
import { resolveSortOfClevrConfig, type SortOfClevrConfig } from './sort-of-clevr.config.ts';
import { captionText, expressionText, REFERRING_KINDS } from './tasks.ts';

/** The image as an RGB RasterImage, each pixel repeated `scale`×`scale` times. */
export function sampleImage(image: SortOfClevrImage, scale = 1): RasterImage {
  const raster: RasterImage = { width: IMAGE_SIZE, height: IMAGE_SIZE, channels: 3, data: renderRgb(image.scene) };
  return scale === 1 ? raster : upscale(raster, scale);
}

const bits = (q: Question): string => {
  const b = Array.from(encodeQuestion(q), String).join('');
  return `${b.slice(0, 6)} ${b.slice(6, 8)} ${b.slice(8)}`; // colour | type | subtype
};

const questionLine = (q: Question, k: number): string =>
  `  ${String(k + 1).padStart(2)}. [${bits(q)}] ${SUBTYPES[q.subtype]!.padEnd(10)} ${questionText(q)} → ${ANSWERS[q.answer]}`;

/** The image's objects, its 20 questions with answers and bit encodings, expressions and captions. */
export function sampleText(image: SortOfClevrImage, heading: string): string {
  const lines = [heading, '', 'objects (colour, shape, box centre x, y in pixels; the midline is 37.5):'];
  for (const o of image.scene.objects) {
    const [x, y] = centerOf(o);
    lines.push(`  ${COLORS[o.color]!.padEnd(7)} ${o.shape.padEnd(7)} (${x}, ${y})`);
  }
  lines.push('', 'non-relational questions ([colour bits, type bits, subtype bits] subtype, question → answer):');
  image.questions.slice(0, QUESTIONS_PER_KIND).forEach((q, k) => lines.push(questionLine(q, k)));
  lines.push('', 'relational questions:');
  image.questions.slice(QUESTIONS_PER_KIND).forEach((q, k) => lines.push(questionLine(q, k + QUESTIONS_PER_KIND)));
  lines.push('', 'referring expressions (→ the referent and its region index among the shuffled regions):');
  image.expressions.forEach((e, k) => {
    const region = image.regions.objects.indexOf(e.target);
    const referent = `${COLORS[e.target]} ${image.scene.objects[e.target]!.shape}`;
    lines.push(`  ${String(k + 1).padStart(2)}. ${REFERRING_KINDS[e.kind]!.padEnd(8)} ${expressionText(image.scene, e)} → ${referent} (region ${region})`);
  });
  lines.push('', 'captions for image–text matching (one per question, half corrupted):');
  image.captions.forEach((c, k) => lines.push(`  ${String(k + 1).padStart(2)}. ${c.matches ? 'match   ' : 'mismatch'} ${captionText(c)}`));
  return `${lines.join('\n')}\n`;
}

/** Options of {@link writeSample}. */
export interface SampleOptions {
  /** Dataset options (seed, split…); the run seed defaults to 0. */
  readonly config?: SortOfClevrConfig;
  /** Which image (default 0). */
  readonly image?: number;
  /** Pixel repeat of the PNG (default 4: 300×300). */
  readonly scale?: number;
  /** File name stem (default `sample`). */
  readonly name?: string;
}

/**
 * Writes `<name>.png` and `<name>.txt` for one image under `dir` and returns their paths.
 * @example
 * writeSample('plugins/dataset-sort-of-clevr/examples', { config: { seed: 0 } });
 */
export function writeSample(dir: string, options: SampleOptions = {}): { png: string; txt: string } {
  const { config = {}, image: index = 0, scale = 4, name = 'sample' } = options;
  const resolved = resolveSortOfClevrConfig({ images: index + 1, ...config }, { seed: 0 });
  const image = new SortOfClevrDataset(resolved).image(index);
  const heading = `Sort-of-CLEVR: seed ${resolved.seed}, split ${resolved.split}, image ${index} (75×75, PNG at ${scale}×)`;
  mkdirSync(dir, { recursive: true });
  const png = join(dir, `${name}.png`);
  const txt = join(dir, `${name}.txt`);
  writeFileSync(png, encodePng(sampleImage(image, scale)));
  writeFileSync(txt, sampleText(image, heading));
  return { png, txt };
}
