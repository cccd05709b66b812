// The committed fixtures (written by tools/golden/make_cifar_fixtures.py), the pixel formula they
// were written with, and scratch copies for specs that damage files.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** plugins/dataset-cifar/fixtures: both CIFAR-10 and both CIFAR-100 directories side by side. */
export const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

/** Pixel (n, c, y, x) of image n of a fixture split, as the script wrote it (c: R, G, B plane). */
export const fixturePixel = (n: number, c: number, y: number, x: number): number => (29 * n + 83 * c + 7 * y + 3 * x) % 256;

/** Image n of a fixture split, channel-major bytes. */
export const fixtureImage = (n: number): number[] =>
  Array.from({ length: 3072 }, (_, i) => fixturePixel(n, Math.floor(i / 1024), Math.floor(i / 32) % 32, i % 32));

/** The labels the script wrote. */
export const FIXTURE_LABELS = {
  cifar10: { train: [6, 9, 9, 4, 1, 1, 2], test: [3, 8, 0] },
  cifar100: { train: { fine: [19, 29, 0], coarse: [11, 15, 4] }, test: { fine: [49, 33], coarse: [10, 10] } },
} as const;

const made: string[] = [];

/** A scratch copy of fixture directory `name` (inside a new temporary directory); returns its path. */
export function copyFixture(name: string): string {
  const root = mkdtempSync(join(tmpdir(), 'dataset-cifar-spec-'));
  made.push(root);
  cpSync(join(FIXTURES, name), join(root, name), { recursive: true });
  return join(root, name);
}

/** An empty scratch directory. */
export function emptyDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'dataset-cifar-spec-'));
  made.push(root);
  return root;
}

/** Removes every scratch directory (call from `afterAll`). */
export function removeScratch(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
