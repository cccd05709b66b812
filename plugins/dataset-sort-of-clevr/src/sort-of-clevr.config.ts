// Options of the `sort-of-clevr` dataset, read from a run config with errors that name the field,
// the value and what was expected.
import { readOptions, type CreateContext, type DatasetConfig } from '@crossmodal/core';
import { OBJECT_SIZE } from './scene.ts';

/** The splits; each draws its images from its own stream of the seed. */
export const SPLITS = ['train', 'val', 'test'] as const;
/** One of {@link SPLITS}. */
export type Split = (typeof SPLITS)[number];

/** What the visual side of an example holds: the image, the regions, or both. */
export const VIEWS = ['pixels', 'regions', 'both'] as const;
/** One of {@link VIEWS}. */
export type View = (typeof VIEWS)[number];

/** The task an example poses (see the README for each one's fields). */
export const TASKS = ['qa', 'referring', 'matching'] as const;
/** One of {@link TASKS}. */
export type Task = (typeof TASKS)[number];

/** Which questions of each image the `qa` task keeps. */
export const QUESTION_SETS = ['all', 'non-relational', 'relational'] as const;
/** One of {@link QUESTION_SETS}. */
export type QuestionSet = (typeof QUESTION_SETS)[number];

/** Options of the `sort-of-clevr` dataset as written in a run config. */
export interface SortOfClevrConfig {
  /** Number of images (default 10000 for train, 1000 for val and test). */
  readonly images?: number;
  /** Seed of the scenes and questions (default: the run's seed). */
  readonly seed?: number;
  /** `train`, `val` or `test` (default `train`): independent images under one seed. */
  readonly split?: Split;
  /** `pixels` (default; `regions` for task `referring`), `regions` or `both`. */
  readonly view?: View;
  /** `qa` (default), `referring` or `matching`. */
  readonly task?: Task;
  /** For `qa`: `all` (default, 20 per image), `non-relational` or `relational` (10 each). */
  readonly questions?: QuestionSet;
  /** Distractor regions per image, `regions`/`both` views only (default 0). */
  readonly distractors?: number;
  /** k of the k×k pooled crop in each region feature, 1 to 10 (default 5). */
  readonly cropSize?: number;
  /** Keep only the first `limit` examples. */
  readonly limit?: number;
}

/** Every option resolved. */
export interface ResolvedSortOfClevrConfig {
  readonly images: number;
  readonly seed: number;
  readonly split: Split;
  readonly view: View;
  readonly task: Task;
  readonly questions: QuestionSet;
  readonly distractors: number;
  readonly cropSize: number;
  readonly limit: number | undefined;
}

const OPTIONS = ['images', 'seed', 'split', 'view', 'task', 'questions', 'distractors', 'cropSize', 'limit'];

/** Checks and fills in the options, or throws an error naming the field, the value and the expectation. */
export function resolveSortOfClevrConfig(config: SortOfClevrConfig | DatasetConfig, context: CreateContext): ResolvedSortOfClevrConfig {
  const o = readOptions('sort-of-clevr', { ...config }, OPTIONS);
  const split = o.oneOf('split', 'train', SPLITS);
  const task = o.oneOf('task', 'qa', TASKS);
  const view = o.oneOf('view', task === 'referring' ? 'regions' : 'pixels', VIEWS);
  const questions = o.oneOf('questions', 'all', QUESTION_SETS);
  if (config.questions !== undefined && task !== 'qa') {
    throw new RangeError(`sort-of-clevr: questions applies to task 'qa' only, got questions '${questions}' with task '${task}'`);
  }
  if (task === 'referring' && view === 'pixels') {
    throw new RangeError(`sort-of-clevr: task 'referring' needs regions to point at, so view must be 'regions' or 'both', got 'pixels'`);
  }
  const distractors = o.int('distractors', 0, 0);
  if (distractors > 0 && view === 'pixels') {
    throw new RangeError(`sort-of-clevr: distractors applies to the 'regions' and 'both' views, got distractors ${distractors} with view 'pixels'`);
  }
  const cropSize = o.int('cropSize', 5, 1);
  if (cropSize > OBJECT_SIZE) throw new RangeError(`sort-of-clevr: cropSize must be an integer in [1, ${OBJECT_SIZE}] (the object size), got ${cropSize}`);
  return {
    images: o.int('images', split === 'train' ? 10_000 : 1000, 1),
    seed: o.int('seed', context.seed, 0),
    split,
    view,
    task,
    questions,
    distractors,
    cropSize,
    limit: config.limit === undefined ? undefined : o.int('limit', undefined, 1),
  };
}
