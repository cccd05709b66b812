// The `sort-of-clevr` dataset: image i of a split is drawn from its own seeded stream, so any
// example can be made on demand, in any order, and the same (seed, split, index) always gives
// the same scene, questions, regions, expressions and captions.
import type { Dataset, DatasetInfo, Example, HostTensor } from '@crossmodal/core';
import { fmix32, Generator } from '@crossmodal/tensor';
import { ANSWERS, askQuestions, encodeQuestion, isRelational, QUESTION_BITS, QUESTIONS_PER_IMAGE, QUESTIONS_PER_KIND, questionText, SUBTYPES, type Question } from './questions.ts';
import { buildRegions, regionFeatureSize, type Regions } from './regions.ts';
import { COLORS, generateScene, IMAGE_SIZE, renderChw, type Scene } from './scene.ts';
import type { ResolvedSortOfClevrConfig, Split } from './sort-of-clevr.config.ts';
import {
  captionsFor, captionText, encodeCaption, encodeExpression, expressionText, EXPRESSION_BITS, EXPRESSIONS_PER_IMAGE, REFERRING_KINDS,
  referringExpressions, type Caption, type Expression,
} from './tasks.ts';

/** Per-split salts: one seed gives independent train, val and test images. */
const SPLIT_SALT: Readonly<Record<Split, number>> = { train: 0x9e3779b9, val: 0x7f4a7c15, test: 0x85ebca6b };
/** Salts of the per-image side streams, so adding distractors never changes the questions. */
const REGION_SALT = 0x5bd1e995;
const REFERRING_SALT = 0x27d4eb2f;
const CAPTION_SALT = 0x165667b1;

/** The seed of image `index` of a split: a splitmix-style hash of (seed, split, index). */
export function imageSeed(seed: number, split: Split, index: number): number {
  const base = fmix32((seed >>> 0) ^ SPLIT_SALT[split]);
  return fmix32((base + Math.imul(index + 1, 0x9e3779b9)) >>> 0);
}

/** Everything generated for one image. */
export interface SortOfClevrImage {
  readonly index: number;
  readonly scene: Scene;
  /** The 20 questions: 10 non-relational, then 10 relational. */
  readonly questions: readonly Question[];
  /** [3, 75, 75] pixels in [0, 1]. */
  readonly pixels: Float32Array;
  /** The object regions plus distractors, shuffled (built when first read). */
  readonly regions: Regions;
  readonly expressions: readonly Expression[];
  /** One caption per question. */
  readonly captions: readonly Caption[];
}

/** What an example asks, in words (the English sentence a tokenizer reads). */
export interface ExampleText {
  readonly imageIndex: number;
  /** The question, expression or caption. */
  readonly text: string;
  /** The answer (qa), the referent's colour and shape (referring) or `match`/`mismatch` (matching). */
  readonly answer: string;
  /** The question subtype or referring kind. */
  readonly kind: string;
}

/** Sort-of-CLEVR examples for one task and view; see the README for the fields. */
export class SortOfClevrDataset implements Dataset {
  readonly size: number;
  readonly info: DatasetInfo;
  /** Examples per image under the chosen task and question set. */
  readonly perImage: number;
  #cached: SortOfClevrImage | undefined;

  constructor(readonly config: ResolvedSortOfClevrConfig) {
    const { task, questions, images, limit } = config;
    this.perImage = task === 'referring' ? EXPRESSIONS_PER_IMAGE : task === 'qa' && questions !== 'all' ? QUESTIONS_PER_KIND : QUESTIONS_PER_IMAGE;
    this.size = Math.min(images * this.perImage, limit ?? Number.POSITIVE_INFINITY);
    this.info = this.#describeInfo();
  }

  /** Image `index` with its questions and the other tasks' items (the last one is cached). */
  image(index: number): SortOfClevrImage {
    if (!(Number.isInteger(index) && index >= 0 && index < this.config.images)) {
      throw new RangeError(`sort-of-clevr: image index must be an integer in [0, ${this.config.images}), got ${index}`);
    }
    if (this.#cached?.index === index) return this.#cached;
    const seed = imageSeed(this.config.seed, this.config.split, index);
    const gen = new Generator(seed);
    const scene = generateScene(gen);
    const questions = askQuestions(scene, gen);
    const pixels = renderChw(scene);
    const expressions = referringExpressions(scene, new Generator(fmix32(seed ^ REFERRING_SALT)));
    const captions = captionsFor(questions, new Generator(fmix32(seed ^ CAPTION_SALT)));
    // Regions are built on first use (their own stream, so the result is the same): the pixels
    // view never reads them, and they were 40% of its cost per image (bench/get.ts).
    const config = this.config;
    let regions: Regions | undefined;
    this.#cached = {
      index, scene, questions, pixels, expressions, captions,
      get regions(): Regions {
        return (regions ??= buildRegions(scene, pixels, new Generator(fmix32(seed ^ REGION_SALT)), config));
      },
    };
    return this.#cached;
  }

  /** Example `index`: the visual fields of its view plus its task's fields. */
  get(index: number): Example {
    const { image, item } = this.#locate(index);
    const visual = this.#visual(image);
    switch (this.config.task) {
      case 'qa': {
        const q = image.questions[item]!;
        return { ...visual, question: host(encodeQuestion(q), [QUESTION_BITS]), label: q.answer, ...subtypeFields(q) };
      }
      case 'referring': {
        const e = image.expressions[item]!;
        const region = image.regions.objects.indexOf(e.target);
        return { ...visual, expression: host(encodeExpression(image.scene, e), [EXPRESSION_BITS]), label: region, referringKind: e.kind };
      }
      case 'matching': {
        const c = image.captions[item]!;
        return { ...visual, caption: host(encodeCaption(c), [QUESTION_BITS + ANSWERS.length]), label: c.matches ? 1 : 0, ...subtypeFields(c.question) };
      }
    }
  }

  /** Example `index` in words: its sentence and its answer. */
  text(index: number): ExampleText {
    const { image, item } = this.#locate(index);
    const imageIndex = image.index;
    switch (this.config.task) {
      case 'qa': {
        const q = image.questions[item]!;
        return { imageIndex, text: questionText(q), answer: ANSWERS[q.answer]!, kind: SUBTYPES[q.subtype]! };
      }
      case 'referring': {
        const e = image.expressions[item]!;
        const answer = `${COLORS[e.target]} ${image.scene.objects[e.target]!.shape}`;
        return { imageIndex, text: expressionText(image.scene, e), answer, kind: REFERRING_KINDS[e.kind]! };
      }
      case 'matching': {
        const c = image.captions[item]!;
        return { imageIndex, text: captionText(c), answer: c.matches ? 'match' : 'mismatch', kind: SUBTYPES[c.question.subtype]! };
      }
    }
  }

  /** The image and the item within it for example `index`. */
  #locate(index: number): { image: SortOfClevrImage; item: number } {
    if (!(Number.isInteger(index) && index >= 0 && index < this.size)) {
      throw new RangeError(`sort-of-clevr: index must be an integer in [0, ${this.size}), got ${index}`);
    }
    const image = this.image(Math.floor(index / this.perImage));
    const within = index % this.perImage;
    // `relational` keeps the second half of the 20 questions.
    const item = this.config.task === 'qa' && this.config.questions === 'relational' ? QUESTIONS_PER_KIND + within : within;
    return { image, item };
  }

  #visual(image: SortOfClevrImage): { [field: string]: HostTensor } {
    const { view, cropSize } = this.config;
    const out: { [field: string]: HostTensor } = {};
    if (view !== 'regions') out['image'] = host(image.pixels.slice(), [3, IMAGE_SIZE, IMAGE_SIZE]);
    if (view !== 'pixels') {
      const n = image.regions.count;
      out['regions'] = host(image.regions.features.slice(), [n, regionFeatureSize(cropSize)]);
      out['boxes'] = host(image.regions.boxes.slice(), [n, 4]);
    }
    return out;
  }

  #describeInfo(): DatasetInfo {
    const { view, task, cropSize, distractors } = this.config;
    const n = COLORS.length + distractors;
    const fields: Record<string, readonly number[]> = {};
    if (view !== 'regions') fields['image'] = [3, IMAGE_SIZE, IMAGE_SIZE];
    if (view !== 'pixels') Object.assign(fields, { regions: [n, regionFeatureSize(cropSize)], boxes: [n, 4] });
    if (task === 'qa') Object.assign(fields, { question: [QUESTION_BITS], label: [], questionType: [], questionSubtype: [] });
    if (task === 'referring') Object.assign(fields, { expression: [EXPRESSION_BITS], label: [], referringKind: [] });
    if (task === 'matching') Object.assign(fields, { caption: [QUESTION_BITS + ANSWERS.length], label: [], questionType: [], questionSubtype: [] });
    if (task === 'qa') return { numClasses: ANSWERS.length, classNames: ANSWERS, fields };
    if (task === 'matching') return { numClasses: 2, classNames: ['mismatch', 'match'], fields };
    return { numClasses: n, fields };
  }
}

const host = (data: Float32Array, shape: readonly number[]): HostTensor => ({ data, shape });

/** questionType (0 non-relational, 1 relational) and questionSubtype (index into SUBTYPES). */
const subtypeFields = (q: Question): { questionType: number; questionSubtype: number } => ({
  questionType: isRelational(q.subtype) ? 1 : 0,
  questionSubtype: q.subtype,
});
