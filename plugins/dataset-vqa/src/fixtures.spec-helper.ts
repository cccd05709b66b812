// Paths of the committed fixtures (written by fixtures/make_fixtures.py) and a scratch directory
// for the malformed copies the specs write.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fixtures folder. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The official file names of the two fixture splits and the results file. */
export const FILES = {
  trainQuestions: join(FIXTURES, 'v2_OpenEnded_mscoco_train2014_questions.json'),
  trainAnnotations: join(FIXTURES, 'v2_mscoco_train2014_annotations.json'),
  valQuestions: join(FIXTURES, 'v2_OpenEnded_mscoco_val2014_questions.json'),
  valAnnotations: join(FIXTURES, 'v2_mscoco_val2014_annotations.json'),
  valResults: join(FIXTURES, 'v2_OpenEnded_mscoco_val2014_fake_results.json'),
} as const;

/** A fixture's parsed JSON, to edit into a malformed copy. */
export const fixtureJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

/** Writes `text` (or JSON of `value`) to a new file in a fresh temporary directory; returns its path. */
export function scratchFile(name: string, value: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'dataset-vqa-')), name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

/** The words of the fixture questions, after the special tokens: a tiny uncased BERT vocabulary. */
export const VOCAB_WORDS = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '?', 'what', 'is', 'this', 'photo', 'taken', 'looking', 'through', 'position', 'man',
  'playing', 'color', 'the', 'players', 'shirt', 'a', 'professional', 'baseball', 'player', 'how', 'many', 'people', 'are', 'there',
  'ball', 'in', 'air', 'dogs', 'frisbee', 'dog', 'running', 'it', 'sunny',
];

/** Writes the vocabulary as a vocab.txt in a fresh directory; returns its path. */
export const vocabFile = (): string => scratchFile('vocab.txt', `${VOCAB_WORDS.join('\n')}\n`);

/**
 * One image's regions as a store returns them: N regions of D features, region i of the image
 * having features [base + 10i + d] and pixel box [10i, 10i, 10i + 100, 10i + 50] in a 640 × 480 image.
 */
export function fakeRegions(imageId: string, n: number, dim: number, base: number) {
  const width = 640;
  const height = 480;
  const boxes = Float32Array.from({ length: n * 4 }, (_, k) => 10 * Math.floor(k / 4) + [0, 0, 100, 50][k % 4]!);
  const normalizedBoxes = boxes.map((v, k) => v / (k % 2 === 0 ? width : height));
  const locations = new Float32Array(n * 5);
  for (let i = 0; i < n; i++) {
    locations.set(normalizedBoxes.subarray(i * 4, i * 4 + 4), i * 5);
    locations[i * 5 + 4] = (100 / width) * (50 / height);
  }
  return {
    imageId, imageSize: { width, height }, count: n, dim, boxes, normalizedBoxes, locations,
    features: Float32Array.from({ length: n * dim }, (_, k) => base + 10 * Math.floor(k / dim) + (k % dim)),
  };
}
