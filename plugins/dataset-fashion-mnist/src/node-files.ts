// The Node-only adapter (Deno runs it too, through node:fs and node:zlib): finds a file among
// candidate names and reads it, gunzipping when it starts with the gzip magic bytes.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/** The first of `names` that exists in `dir`, as a path; undefined when none does. */
export function findFile(dir: string, names: readonly string[]): string | undefined {
  return names.map((name) => join(dir, name)).find((path) => existsSync(path));
}

/**
 * The bytes of `path`, decompressed when the file is gzip (magic 1f 8b) whatever its name says.
 * @example
 * const bytes = await readMaybeGzipped('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz');
 */
export async function readMaybeGzipped(path: string): Promise<Uint8Array> {
  const raw = new Uint8Array(await readFile(path));
  if (!(raw[0] === 0x1f && raw[1] === 0x8b)) return raw;
  try {
    return new Uint8Array(await gunzipAsync(raw));
  } catch (err) {
    throw new RangeError(`${path}: gzip data: ${(err as Error).message}; expected a complete gzip stream (a truncated or corrupt download?)`);
  }
}
