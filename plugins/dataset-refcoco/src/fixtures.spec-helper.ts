// Paths of the committed fixtures (written by fixtures/make_fixtures.py) and a scratch directory
// for the malformed copies the specs write.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fixtures folder. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** refer's data root of the fixtures (refcoco/, refcocog/). */
export const ROOT = join(FIXTURES, 'refer');

export const FILES = {
  unc: join(ROOT, 'refcoco', 'refs(unc).p'),
  google: join(ROOT, 'refcoco', 'refs(google).p'),
  umd: join(ROOT, 'refcocog', 'refs(umd).p'),
  instances: join(ROOT, 'refcoco', 'instances.json'),
  vocab: join(FIXTURES, 'vocab.txt'),
  golden: join(FIXTURES, 'iou.golden.json'),
} as const;

/** A file's bytes as a Uint8Array. */
export const bytesOf = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

/** Writes `content` to `name` in a fresh temporary directory; returns the directory. */
export function scratchDir(files: Readonly<Record<string, string | Uint8Array>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dataset-refcoco-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
