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
