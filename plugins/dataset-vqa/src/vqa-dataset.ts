// The VQA 2.0 dataset: one example per question, joining its word pieces, its image's padded
// regions (read through a region store) and, with annotations, its soft targets and counts.
import type { Dataset, DatasetInfo, Example, RegionFeatureStore } from '@crossmodal/core';
import { encodingToExample, padRegions, regionExampleFields, type BertTokenizer } from '@crossmodal/data';
import { answerTypeCode, questionTypeCode } from './answer-tables.ts';
import type { AnswerVocab } from './answer-vocab.ts';
import { vqaExampleFields, type VqaScoring } from './soft-targets.ts';
import type { VqaExample, VqaQuestion } from './vqa-format.ts';

/** Where an example's regions come from: the store, the key of each question's image, and how many slots. */
export interface VqaRegionSource {
  readonly store: RegionFeatureStore;
  /** The store key of each image id (every question's image has one: checked when the dataset is made). */
  readonly keyOf: ReadonlyMap<number, string>;
  /** N_max slots per example (padding or the most confident regions). */
  readonly maxRegions: number;
  /** D, the feature size (read from the first image). */
  readonly dim: number;
}

/** Options of {@link VqaDataset}. */
export interface VqaDatasetOptions {
  /** Names the dataset in messages (`vqa (train)`). */
  readonly name: string;
  /** Tokenizes each question into inputIds/tokenTypeIds/attentionMask of `maxTextLength`. */
  readonly tokenizer?: BertTokenizer;
  /** Tokens with [CLS] and [SEP], truncated and padded to it. */
  readonly maxTextLength: number;
  readonly regions?: VqaRegionSource;
  /** The answer classes; with annotations, examples gain targets and answerCounts [A]. */
  readonly answerVocab?: AnswerVocab;
  readonly scoring: VqaScoring;
}

/** Annotated questions carry `answers`; a test split's questions do not. */
const annotated = (q: VqaQuestion | VqaExample): q is VqaExample => 'answers' in q;

/**
 * One example per question (file order).
 * @example
 * const ds = new VqaDataset(await readVqa(paths), { name: 'vqa', tokenizer, maxTextLength: 20, answerVocab, scoring: 'leave-one-out' });
 */
export class VqaDataset implements Dataset {
  readonly size: number;
  readonly info: DatasetInfo;

  constructor(
    /** Questions joined with their annotations (or bare questions of a test split), in example order. */
    readonly questions: readonly (VqaQuestion | VqaExample)[],
    private readonly options: VqaDatasetOptions,
  ) {
    this.size = questions.length;
    const { tokenizer, regions, answerVocab } = options;
    const T = options.maxTextLength;
    const hasAnswers = questions.length > 0 && annotated(questions[0]!);
    this.info = {
      ...(answerVocab ? { numClasses: answerVocab.size, classNames: answerVocab.answers } : {}),
      fields: {
        questionId: [], imageId: [],
        ...(tokenizer ? { inputIds: [T], tokenTypeIds: [T], attentionMask: [T] } : {}),
        ...(regions ? { regions: [regions.maxRegions, regions.dim], boxes: [regions.maxRegions, 4], locations: [regions.maxRegions, 5], regionMask: [regions.maxRegions] } : {}),
        ...(hasAnswers && answerVocab ? { targets: [answerVocab.size], answerCounts: [answerVocab.size] } : {}),
        ...(hasAnswers ? { answerType: [], questionType: [] } : {}),
      },
    };
  }

  /** Closes the region store it reads (an LMDB file's descriptor); the run calls it when it ends. */
  async close(): Promise<void> {
    await this.options.regions?.store.close?.();
  }

  /**
   * Example `index`: `questionId`, `imageId`; with a tokenizer `inputIds`, `tokenTypeIds`,
   * `attentionMask` int32 [T]; with regions `regions` [R, D], `boxes` [R, 4] (normalised),
   * `locations` [R, 5] (ViLBERT's), `regionMask` [R]; with annotations and an answer vocabulary
   * `targets` [A] (soft scores), `answerCounts` [A] (humans per answer), `answerType` and `questionType` codes.
   */
  get(index: number): Example | Promise<Example> {
    const q = this.questions[index];
    if (!Number.isInteger(index) || q === undefined) throw new RangeError(`${this.options.name}: index ${index} is out of range: expected 0..${this.size - 1}`);
    const { tokenizer, regions, answerVocab, scoring } = this.options;
    const out: Record<string, Example[string]> = { questionId: q.questionId, imageId: q.imageId };
    if (tokenizer) Object.assign(out, encodingToExample(tokenizer.encode(q.question, undefined, { maxLength: this.options.maxTextLength, padding: 'max_length' })));
    if (annotated(q)) {
      if (answerVocab) {
        const { targets, answerCounts } = vqaExampleFields(q, answerVocab, scoring);
        Object.assign(out, { targets, answerCounts });
      }
      Object.assign(out, { answerType: answerTypeCode(q.answerType), questionType: questionTypeCode(q.questionType) });
    }
    if (!regions) return out;
    // keyOf holds every question's image: the provider checked before making the dataset.
    return regions.store.get(regions.keyOf.get(q.imageId)!).then((r) => {
      if (r.dim !== regions.dim) throw new RangeError(`${this.options.name}: question ${q.questionId} (image ${q.imageId}): ${r.dim} features per region, expected ${regions.dim} as the first image has`);
      return { ...out, ...regionExampleFields(padRegions(r, regions.maxRegions)) };
    });
  }
}
