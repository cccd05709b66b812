// The Node-only adapter (Deno runs it too, through node:fs and node:path): which files a directory
// holds, and their bytes. Everything else in this package is pure.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `name` inside `dir`, joined the platform's way. */
export const pathIn = (dir: string, name: string): string => join(dir, name);

/** True when `path` is an existing regular file (not a directory of that name). */
export function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/**
 * The bytes of the file at `path`.
 * @example
 * const bytes = await readBytes('/data/cifar-10-batches-bin/test_batch.bin');
 */
export async function readBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}
