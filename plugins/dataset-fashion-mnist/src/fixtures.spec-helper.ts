// Tiny MNIST-layout directories written by the specs: IDX files made with encodeIdx, gzipped like
// the originals (or not), in a fresh temporary directory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from './idx.ts';

const written: string[] = [];

/** Removes every directory `writeMnistDir` made (call from `afterAll`). */
export function removeFixtureDirs(): void {
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** One split of a fixture: `count` images of h×w whose pixel (n, y, x) is (n·h·w + y·w + x) mod 256. */
export interface FixtureSplit {
  readonly count: number;
  readonly labels?: readonly number[];
}

/** Pixel values of image n in a fixture of h×w images. */
export const fixturePixels = (n: number, h: number, w: number): number[] => Array.from({ length: h * w }, (_, i) => (n * h * w + i) % 256);

/** Writes train and test splits of h×w images into a new directory; returns its path. */
export function writeMnistDir({
  h = 4,
  w = 5,
  train = { count: 12 },
  test = { count: 5 },
  gzip = true,
  names = (stem: string) => stem,
}: {
  h?: number;
  w?: number;
  train?: FixtureSplit;
  test?: FixtureSplit;
  gzip?: boolean;
  /** Renames a file stem (e.g. to the dotted spelling). */
  names?: (stem: string) => string;
} = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'fashion-mnist-spec-'));
  written.push(dir);
  const write = (stem: string, bytes: Uint8Array): void =>
    writeFileSync(join(dir, names(stem) + (gzip ? '.gz' : '')), gzip ? gzipSync(bytes) : bytes);
  for (const [prefix, split] of [['train', train], ['t10k', test]] as const) {
    const pixels = Uint8Array.from(Array.from({ length: split.count }, (_, n) => fixturePixels(n, h, w)).flat());
    const labels = Uint8Array.from(split.labels ?? Array.from({ length: split.count }, (_, n) => n % 10));
    write(`${prefix}-images-idx3-ubyte`, encodeIdx([split.count, h, w], pixels));
    write(`${prefix}-labels-idx1-ubyte`, encodeIdx([labels.length], labels));
  }
  return dir;
}
