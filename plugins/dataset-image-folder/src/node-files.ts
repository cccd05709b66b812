// The Node-only adapter (Deno runs it too, through node:fs): lists a directory and reads a file.
// The rest of the package sees only the `ImageFolderFiles` interface, so a spec (or a browser
// build) can hand in another implementation.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One directory entry, with symbolic links resolved to what they point at (torchvision follows them). */
export interface DirectoryEntry {
  /** The entry's name (not a path). */
  readonly name: string;
  /** What it is: a directory, a regular file, or anything else (socket, dangling link…). */
  readonly kind: 'directory' | 'file' | 'other';
}

/** What the dataset needs from a file system. */
export interface ImageFolderFiles {
  /** The entries of directory `path`, in any order; rejects when it is missing or not a directory. */
  list(path: string): Promise<DirectoryEntry[]>;
  /** Whether `path` exists and is a directory. */
  isDirectory(path: string): Promise<boolean>;
  /** The bytes of file `path`. */
  read(path: string): Promise<Uint8Array>;
}

async function kindOf(path: string): Promise<DirectoryEntry['kind']> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other';
  } catch {
    return 'other'; // a dangling symbolic link
  }
}

/**
 * The file system through `node:fs`.
 * @example
 * const entries = await nodeFiles.list('/data/pets/train'); // [{ name: 'abyssinian', kind: 'directory' }, …]
 */
export const nodeFiles: ImageFolderFiles = {
  async list(path) {
    const entries = await readdir(path, { withFileTypes: true });
    return Promise.all(
      entries.map(async (e): Promise<DirectoryEntry> => ({
        name: e.name,
        kind: e.isDirectory() ? 'directory' : e.isFile() ? 'file' : e.isSymbolicLink() ? await kindOf(join(path, e.name)) : 'other',
      })),
    );
  },
  async isDirectory(path) {
    return (await kindOf(path)) === 'directory';
  },
  async read(path) {
    return new Uint8Array(await readFile(path));
  },
};
