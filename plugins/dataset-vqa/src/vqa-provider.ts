// The `vqa` dataset provider: VQA 2.0 questions (+ annotations) from their official JSON files,
// tokens from a BERT vocabulary, regions from the region store the `regions` option names (built
// through CreateContext.build, as plugins may not import each other), an answer vocabulary built
// from the training split and saved with the run, or loaded from that run for evaluation.
// Goyal et al. 2017: https://arxiv.org/abs/1612.00837
import { readOptions, REGION_STORES, type CreateContext, type DatasetConfig, type DatasetProvider, type NamedSpec, type RegionFeatureStore } from '@crossmodal/core';
import { BertTokenizer, describeRegionKey, regionKeyResolver } from '@crossmodal/data';
import { buildAnswerVocab, type AnswerVocab, type AnswerVocabOptions } from './answer-vocab.ts';
import { VqaDataset, type VqaRegionSource } from './vqa-dataset.ts';
import { loadAnswerVocab, readVqa, readVqaQuestions, saveRunAnswerVocab } from './vqa-files.ts';
import type { VqaExample, VqaQuestion } from './vqa-format.ts';

const KNOWN = [
  'questions', 'annotations', 'regions', 'imageKey', 'vocab', 'lowercase', 'maxTextLength', 'maxRegions', 'answerVocab', 'scoring', 'split', 'limit',
];

/** The default token length: LXMERT's MAX_VQA_LENGTH (MCAN uses 14: set maxTextLength: 14). */
export const VQA_MAX_TEXT_LENGTH = 20;
/** The default region slots: the 36 boxes per image of bottom-up attention's fixed-size features. */
export const VQA_MAX_REGIONS = 36;

/** Options of the `vqa` dataset (see the package README for each). */
export interface VqaConfig {
  /** Required: a questions file, e.g. `v2_OpenEnded_mscoco_train2014_questions.json`. */
  readonly questions: string;
  /** Its annotations file (absent for the test split: no targets then). */
  readonly annotations?: string;
  /** A region store: `{ name: 'lxmert-tsv', path: … }` (any provider registered under REGION_STORES). */
  readonly regions?: NamedSpec;
  /** How an image_id becomes a store key: a template such as `COCO_val2014_{id:012}`; default: the id, else the COCO stem with it. */
  readonly imageKey?: string;
  /** A BERT `vocab.txt` or WordPiece `tokenizer.json`. */
  readonly vocab?: string;
  readonly lowercase?: boolean;
  readonly maxTextLength?: number;
  readonly maxRegions?: number;
  /** `{ minCount, topK, source, unknown, file }` to build from this split's annotations, or the path of a saved vocabulary. */
  readonly answerVocab?: string | { readonly [option: string]: unknown };
  /** Soft-target scores: `leave-one-out` (default; 0.3, 0.6, 0.9, 1 as LXMERT/MCAN/ViLBERT) or `capped` (min(1, count/3)). */
  readonly scoring?: 'capped' | 'leave-one-out';
  readonly split?: string;
  readonly limit?: number;
}

/** A tokenizer from a vocab.txt or a tokenizer.json. */
function loadTokenizer(path: string, lowercase: boolean | undefined): Promise<BertTokenizer> {
  const options = lowercase === undefined ? {} : { lowercase };
  return path.endsWith('.json') ? BertTokenizer.fromTokenizerJsonFile(path, options) : BertTokenizer.fromVocabFile(path, options);
}

/** The file a built vocabulary is saved as in the run's output directory (unless answerVocab.file says otherwise). */
export const ANSWER_VOCAB_FILE = 'answer-vocab.json';

/** `answerVocab: { minCount, topK, source, unknown, file }`, read strictly. */
function readAnswerVocabSpec(spec: unknown): { options: AnswerVocabOptions; file: string } {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new RangeError(`vqa: answerVocab must be { minCount, topK, source, unknown, file } or the path of a saved vocabulary, got ${JSON.stringify(spec)}`);
  }
  const raw = spec as Record<string, unknown>;
  const o = readOptions('vqa: answerVocab', raw, ['minCount', 'topK', 'source', 'unknown', 'file']);
  const unknown = raw['unknown'];
  if (unknown !== undefined && unknown !== null && (typeof unknown !== 'string' || unknown === '')) {
    throw new RangeError(`vqa: answerVocab: unknown must be an answer string (e.g. '<unk>') or null, got ${JSON.stringify(unknown)}`);
  }
  return {
    options: {
      source: o.oneOf('source', 'multiple-choice', ['multiple-choice', 'all-answers'] as const),
      minCount: o.int('minCount', 1, 1),
      ...(raw['topK'] === undefined ? {} : { topK: o.int('topK', undefined, 1) }),
      ...(unknown === undefined ? {} : { unknown: unknown as string | null }),
    },
    file: o.string('file', ANSWER_VOCAB_FILE),
  };
}

/** The answer vocabulary the options ask for: loaded from a path, or built from `questions` and saved with the run. */
async function answerVocabFor(config: DatasetConfig, questions: readonly (VqaQuestion | VqaExample)[], annotated: boolean, context: CreateContext): Promise<AnswerVocab | undefined> {
  const spec = config['answerVocab'];
  if (spec === undefined) {
    if (!annotated) return undefined;
    throw new RangeError(
      "vqa: answerVocab is required with annotations: { minCount, topK, source } to build it from this split (training; saved as <outputDir>/answer-vocab.json), " +
        "or the path of the training run's saved vocabulary (evaluation must score the classes the model learnt)",
    );
  }
  if (typeof spec === 'string') return loadAnswerVocab(spec);
  const build = readAnswerVocabSpec(spec);
  if (!annotated) throw new RangeError('vqa: answerVocab builds from annotations, and this split has none: give the path of a saved vocabulary instead');
  const vocab = buildAnswerVocab(questions as readonly VqaExample[], build.options);
  if (context.outputDir !== undefined) await saveRunAnswerVocab(vocab, context.outputDir, build.file);
  return vocab;
}

/** The region store, the key of every question's image, and D; a question whose image the store lacks is an error naming both ids. */
async function regionSourceFor(spec: unknown, template: string | undefined, questions: readonly VqaQuestion[], maxRegions: number, context: CreateContext): Promise<VqaRegionSource> {
  if (!context.build) throw new Error('vqa: regions needs a runtime context to build its store (create the dataset through runtime.datasets.create with runtime.createContext(…))');
  const store = await context.build(REGION_STORES, spec as NamedSpec, 'regions');
  try {
    return await joinRegions(store, template, questions, maxRegions);
  } catch (error) {
    await store.close?.();
    throw error;
  }
}

/** The key of every question's image in `store`, and D (from the first question's image). */
async function joinRegions(store: RegionFeatureStore, template: string | undefined, questions: readonly VqaQuestion[], maxRegions: number): Promise<VqaRegionSource> {
  const resolve = regionKeyResolver(store.ids(), template);
  const keyOf = new Map<number, string>();
  const missing = new Map<number, VqaQuestion>(); // image id → its first question
  for (const q of questions) {
    if (keyOf.has(q.imageId) || missing.has(q.imageId)) continue;
    const key = resolve(q.imageId);
    if (key === undefined) missing.set(q.imageId, q);
    else keyOf.set(q.imageId, key);
  }
  if (missing.size > 0) {
    const q = missing.values().next().value!;
    const some = store.ids().slice(0, 3).join(', ');
    throw new RangeError(
      `vqa: question ${q.questionId} (image ${q.imageId}): the ${store.format} store has no regions for image ${q.imageId} ` +
        `(looked for ${describeRegionKey(q.imageId, template)}; ${missing.size} image(s) missing in all; the store holds ${store.ids().length} images, e.g. ${some}); ` +
        'check that questions and regions are of one split, or give imageKey',
    );
  }
  const first = questions[0];
  const dim = first === undefined ? 0 : (await store.get(keyOf.get(first.imageId)!)).dim;
  return { store, keyOf, maxRegions, dim };
}

async function makeVqa(config: DatasetConfig, context: CreateContext): Promise<VqaDataset> {
  const o = readOptions('vqa', { ...config }, KNOWN);
  const questionsPath = o.string('questions', undefined);
  if (questionsPath === undefined) throw new RangeError('vqa: questions is required: a questions file such as v2_OpenEnded_mscoco_train2014_questions.json');
  const annotations = o.string('annotations', undefined);
  const vocab = o.string('vocab', undefined);
  const lowercase = config['lowercase'];
  if (lowercase !== undefined && typeof lowercase !== 'boolean') throw new RangeError(`vqa: lowercase must be true or false, got ${JSON.stringify(lowercase)}`);
  const maxTextLength = o.int('maxTextLength', VQA_MAX_TEXT_LENGTH, 3);
  const maxRegions = o.int('maxRegions', VQA_MAX_REGIONS, 1);
  // Default: the official per-answer score (0.3, 0.6, 0.9, 1), the soft targets LXMERT, MCAN and ViLBERT train on.
  const scoring = o.oneOf('scoring', 'leave-one-out', ['capped', 'leave-one-out'] as const);
  const split = o.string('split', undefined);
  const imageKey = o.string('imageKey', undefined);
  const limit = config.limit === undefined ? undefined : o.int('limit', 1, 1);
  if (config['regions'] === undefined && imageKey !== undefined) throw new RangeError('vqa: imageKey joins questions to a region store: give regions too');
  const all = annotations === undefined
    ? (await readVqaQuestions(questionsPath)).questions
    : await readVqa({ questions: questionsPath, annotations });
  const questions = limit === undefined ? all : all.slice(0, limit);
  // The vocabulary counts the whole split (limit only shortens the run), so a quick run keeps the classes.
  const answerVocab = await answerVocabFor(config, all, annotations !== undefined, context);
  const regions = config['regions'] === undefined ? undefined : await regionSourceFor(config['regions'], imageKey, questions, maxRegions, context);
  try {
    const tokenizer = vocab === undefined ? undefined : await loadTokenizer(vocab, lowercase as boolean | undefined);
    return new VqaDataset(questions, {
      name: split === undefined ? 'vqa' : `vqa (${split})`, maxTextLength, scoring,
      ...(tokenizer ? { tokenizer } : {}), ...(regions ? { regions } : {}), ...(answerVocab ? { answerVocab } : {}),
    });
  } catch (error) {
    await regions?.store.close?.();
    throw error;
  }
}

/** The `vqa` provider: VQA 2.0 questions with tokens, regions from a region store, and soft targets. */
export const vqaProvider: DatasetProvider = {
  name: 'vqa',
  description:
    'VQA 2.0 (official questions + annotations JSON): inputIds/tokenTypeIds/attentionMask [T], regions [R, D], boxes, locations, regionMask from the ' +
    'region store `regions` names, targets/answerCounts [A] over an answer vocabulary built and saved with the run or loaded from one',
  paper: 'https://arxiv.org/abs/1612.00837',
  create: (config, context) => makeVqa(config, context),
};
