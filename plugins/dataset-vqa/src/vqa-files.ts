// The Node-only adapter (Deno runs it too, through node:fs): reads the official JSON files and
// saves or loads an answer vocabulary. Everything else in this package is pure.
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseJsonText } from '@crossmodal/core';
import { writeFileAtomic } from '@crossmodal/core/node';
import { AnswerVocab } from './answer-vocab.ts';
import { parseVqaResults, type VqaPrediction } from './vqa-eval.ts';
import {
  joinVqa, parseVqaAnnotations, parseVqaQuestions,
  type VqaAnnotationOptions, type VqaAnnotationsFile, type VqaExample, type VqaQuestionsFile,
} from './vqa-format.ts';

/** The JSON in `path`, naming the file when it cannot be read or parsed. */
async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return parseJsonText(text, path);
}

/**
 * Reads a questions file, e.g. `v2_OpenEnded_mscoco_val2014_questions.json`.
 * @example
 * const { questions } = await readVqaQuestions('/data/vqa/v2_OpenEnded_mscoco_val2014_questions.json');
 */
export async function readVqaQuestions(path: string): Promise<VqaQuestionsFile> {
  return parseVqaQuestions(await readJson(path), path);
}

/**
 * Reads an annotations file, e.g. `v2_mscoco_val2014_annotations.json`.
 * @example
 * const { annotations } = await readVqaAnnotations('/data/vqa/v2_mscoco_val2014_annotations.json');
 */
export async function readVqaAnnotations(path: string, options: VqaAnnotationOptions = {}): Promise<VqaAnnotationsFile> {
  return parseVqaAnnotations(await readJson(path), path, options);
}

/**
 * Reads both files of a split and joins them by question_id.
 * @example
 * const examples = await readVqa({ questions: 'q.json', annotations: 'a.json' });
 */
export async function readVqa(paths: { questions: string; annotations: string }, options: VqaAnnotationOptions = {}): Promise<VqaExample[]> {
  const [questions, annotations] = await Promise.all([readVqaQuestions(paths.questions), readVqaAnnotations(paths.annotations, options)]);
  return joinVqa(questions, annotations);
}

/** Reads a results file `[{ question_id, answer }]`. */
export async function readVqaResults(path: string): Promise<VqaPrediction[]> {
  return parseVqaResults(await readJson(path), path);
}

/**
 * Writes a vocabulary as JSON, atomically (e.g. into the run's output directory, so evaluation decodes the
 * classes the model was trained on).
 * @example
 * await saveAnswerVocab(vocab, join(context.outputDir, 'answer-vocab.json'));
 */
export async function saveAnswerVocab(vocab: AnswerVocab, path: string): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(vocab.toJSON())}\n`);
}

/** Reads a vocabulary saved by {@link saveAnswerVocab}. */
export async function loadAnswerVocab(path: string): Promise<AnswerVocab> {
  return AnswerVocab.fromJSON(await readJson(path), path);
}

/**
 * Saves a vocabulary built for a run as `<outputDir>/<file>` (creating the directory; datasets are
 * made before the run writes anything), atomically. `file` must be a plain file name.
 * @returns where it went
 */
export async function saveRunAnswerVocab(vocab: AnswerVocab, outputDir: string, file: string): Promise<string> {
  if (basename(file) !== file || file === '.' || file === '..') throw new RangeError(`vqa: answerVocab.file must be a file name inside the run's output directory, got ${JSON.stringify(file)}`);
  await mkdir(outputDir, { recursive: true });
  const path = join(outputDir, file);
  await saveAnswerVocab(vocab, path);
  return path;
}
