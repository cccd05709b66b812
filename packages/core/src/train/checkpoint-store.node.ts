// Checkpoints on disk: one directory per kind (`<root>/best`, `last`, `interrupt`), written into a
// temporary sibling directory, fsynced, then renamed into place, so a crash never leaves a
// directory that looks complete. Node-only (Deno too, through node:fs).
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDirectory } from '@crossmodal/nn/node';
import type { Backend } from '@crossmodal/tensor';
import { CHECKPOINT_FILES, decodeCheckpoint, encodeCheckpoint, type CheckpointData, type CheckpointKind, type CheckpointStore } from './checkpoint.ts';

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Resolves a resume path: a checkpoint directory or its checkpoint.json.
 * @example
 * await resolveCheckpointDir('runs/a/checkpoints/last/checkpoint.json');   // 'runs/a/checkpoints/last'
 */
export async function resolveCheckpointDir(path: string): Promise<string> {
  const dir = basename(path) === CHECKPOINT_FILES.meta ? dirname(path) : path;
  try {
    await stat(join(dir, CHECKPOINT_FILES.meta));
  } catch (error) {
    // A save killed between its two renames leaves the previous checkpoint as .<kind>.old-<tag>.
    const kept = (await readdir(dirname(dir)).catch(() => [] as string[])).filter((f) => f.startsWith(`.${basename(dir)}.old-`));
    const hint = kept.length > 0 ? `; a save was interrupted and left the previous one as ${kept.map((f) => join(dirname(dir), f)).join(', ')}: rename it to '${dir}' to resume from it` : '';
    throw new Error(`checkpoint: '${path}' is not a checkpoint: no ${CHECKPOINT_FILES.meta} in '${dir}' (${messageOf(error)}); expected a directory like <output.dir>/checkpoints/last${hint}`, { cause: error });
  }
  return dir;
}

/** True when `pid` is a live process (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temporary and replaced directories of `kind` that processes no longer alive left behind. */
async function sweep(root: string, kind: CheckpointKind): Promise<void> {
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const match = new RegExp(`^\\.${kind}\\.(?:tmp|old)-(\\d+)-[0-9a-f]+$`).exec(name);
    if (match && Number(match[1]) !== process.pid && !alive(Number(match[1]))) await rm(join(root, name), { recursive: true, force: true });
  }
}

/**
 * Checkpoints as directories under `root`: `<root>/<kind>/{model.safetensors, optimizer.safetensors,
 * ema.safetensors (runs with train.ema), checkpoint.json}`.
 * @example
 * const store = new DirectoryCheckpointStore('runs/vit/checkpoints');
 * await store.save('last', data);   // 'runs/vit/checkpoints/last'
 */
export class DirectoryCheckpointStore implements CheckpointStore {
  constructor(
    /** The directory holding one subdirectory per kind (created on the first save). */
    readonly root: string,
  ) {}

  /** Writes `<root>/<kind>/` atomically (temporary sibling, fsync, rename), replacing the previous one. */
  async save(kind: CheckpointKind, data: CheckpointData): Promise<string> {
    // Encode first: a tensor that cannot be read fails before anything touches the disk.
    const files = await encodeCheckpoint(data);
    const target = join(this.root, kind);
    const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
    const tmp = join(this.root, `.${kind}.tmp-${tag}`);
    const old = join(this.root, `.${kind}.old-${tag}`);
    let moved = false; // the previous checkpoint is at `old`, not yet replaced
    try {
      await mkdir(this.root, { recursive: true });
      await mkdir(tmp);
      for (const { name, bytes } of files) await writeDurably(join(tmp, name), bytes); // checkpoint.json last
      await syncDirectory(tmp);
      moved = await rename(target, old).then(() => true, (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? false : Promise.reject(e)));
      await this.replace(tmp, target);
      if (moved) {
        moved = false;
        await rm(old, { recursive: true, force: true });
      }
      await syncDirectory(this.root);
    } catch (error) {
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      // Put the previous checkpoint back, so a failed save never leaves the kind without one.
      if (moved) await rename(old, target).catch(() => undefined);
      throw new Error(`checkpoint: could not write the ${kind} checkpoint '${target}': ${messageOf(error)}`, { cause: error });
    }
    await sweep(this.root, kind);
    return target;
  }

  /** Moves the complete temporary directory into place (a seam the specs use to make it fail). */
  protected async replace(tmp: string, target: string): Promise<void> {
    await rename(tmp, target);
  }

  /** Reads the checkpoint at `location`: its directory or its checkpoint.json (any root). */
  async load(location: string, options: { backend?: Backend } = {}): Promise<CheckpointData> {
    const dir = await resolveCheckpointDir(location);
    const read = async (name: string): Promise<Uint8Array> => {
      try {
        return await readFile(join(dir, name));
      } catch (error) {
        throw new Error(`checkpoint: cannot read '${join(dir, name)}': ${messageOf(error)}`, { cause: error });
      }
    };
    return decodeCheckpoint(read, dir, options.backend);
  }
}
