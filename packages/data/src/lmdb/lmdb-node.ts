// Node file access for the LMDB reader: a path (an environment directory or a data.mdb file) becomes an
// LmdbSource, either read whole into memory or read page by page with pread, for stores larger than memory.
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LmdbError } from './lmdb-layout.ts';
import { LmdbDatabase, bytesSource, type LmdbSource } from './lmdb-reader.ts';

/** Options of {@link openLmdbFile}. */
export interface OpenLmdbFileOptions {
  /**
   * `'pread'` (default): keep the file open and read the pages a lookup touches (a feature store can be
   * tens of GB). `'whole'`: read the file into memory once; returned values are then views of that buffer.
   */
  readonly mode?: 'pread' | 'whole';
}

/** The data file of `path`: `path/data.mdb` for an environment directory (lock.mdb is never touched), else `path`. */
export function lmdbDataFile(path: string): string {
  let stat;
  try {
    stat = statSync(path);
  } catch (cause) {
    throw new LmdbError(`${path}: cannot open the LMDB environment (${(cause as Error).message})`);
  }
  return stat.isDirectory() ? join(path, 'data.mdb') : path;
}

/** A source that preads byte ranges from an open file descriptor. */
export function preadSource(file: string): LmdbSource {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
  } catch (cause) {
    throw new LmdbError(`${file}: cannot open the LMDB data file (${(cause as Error).message})`);
  }
  const byteLength = fstatSync(fd).size;
  return {
    name: file,
    byteLength,
    read(offset, length) {
      if (fd === undefined) throw new LmdbError(`${file}: read after close`);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, offset + done);
        if (n === 0) throw new LmdbError(`${file}: truncated file: no bytes at offset ${offset + done} (expected ${length - done} more)`);
        done += n;
      }
      return out;
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/**
 * Opens an LMDB environment (a directory holding data.mdb) or a data file for reading on Node.
 * Call `close()` on the result when done with a `'pread'` database.
 *
 * @example
 * const db = openLmdbFile('data/coco/features.lmdb');
 * const ids = readLmdbKeys(db);
 * db.close();
 */
export function openLmdbFile(path: string, { mode = 'pread' }: OpenLmdbFileOptions = {}): LmdbDatabase {
  const file = lmdbDataFile(path);
  if (mode === 'whole') return new LmdbDatabase(bytesSource(readFileSync(file), file));
  const source = preadSource(file);
  try {
    return new LmdbDatabase(source);
  } catch (error) {
    source.close?.();
    throw error;
  }
}
