// Node-only adapter (Deno too, through node:fs): safetensors files on disk, written atomically;
// PyTorch checkpoints read (deflated entries through node:zlib).
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import type { Tensor } from '@crossmodal/tensor';
import { dirname } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import {
  decodeSafetensors, decodeTorchCheckpoint, encodeSafetensors, SafetensorsError, TorchCheckpointError,
  type DecodedSafetensors, type DecodeSafetensorsOptions, type DecodeTorchCheckpointOptions, type EncodeSafetensorsOptions,
} from './io/index.ts';

/**
 * Writes `tensors` to `path` as a safetensors file, atomically: the bytes go to a temporary file
 * beside it (`<path>.tmp-<pid>-<random>`), which is fsynced and then renamed onto `path`. On any
 * error the temporary file is removed and `path` is left as it was (absent, or the old file).
 * @example
 * await saveSafetensors('runs/vit/epoch-3.safetensors', model.stateDict(), { metadata: { epoch: '3' } });
 */
export async function saveSafetensors(
  path: string,
  tensors: Readonly<Record<string, Tensor>>,
  options: EncodeSafetensorsOptions = {},
): Promise<void> {
  // Encode first: a tensor that cannot be read fails before anything touches the disk.
  const bytes = await encodeSafetensors(tensors, options);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  let handle: FileHandle | undefined;
  try {
    handle = await open(tmp, 'wx'); // 'wx': never reuse a file that is already there
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, path);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`saveSafetensors: could not write '${path}': ${messageOf(e)}`, { cause: e });
  }
  await syncDirectory(dirname(path));
}

/**
 * Reads and decodes the safetensors file at `path`. Errors name the path: a missing or unreadable
 * file, or a corrupt one (the decoder's message, e.g. which tensor is truncated, follows).
 * @example
 * const { tensors, metadata } = await loadSafetensors('runs/vit/epoch-3.safetensors');
 */
export async function loadSafetensors(path: string, options: DecodeSafetensorsOptions = {}): Promise<DecodedSafetensors> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const why = isErrnoCode(e, 'ENOENT') ? `no such file '${path}'` : `cannot read '${path}': ${messageOf(e)}`;
    throw new Error(`loadSafetensors: ${why}`, { cause: e });
  }
  try {
    return decodeSafetensors(bytes, options);
  } catch (e) {
    const message = `loadSafetensors: cannot decode '${path}': ${messageOf(e)}`;
    // Keep the class: callers tell a value out of range (RangeError) from a corrupt file.
    if (e instanceof RangeError) throw new RangeError(message, { cause: e });
    if (e instanceof SafetensorsError) throw new SafetensorsError(message, { cause: e });
    throw new Error(message, { cause: e });
  }
}

/**
 * Reads the PyTorch checkpoint (`torch.save` zip archive, `.pth`/`.bin`) at `path` without running
 * its pickle code (see `decodeTorchCheckpoint`); deflated entries of re-zipped files are inflated.
 * Errors name the path. Pass the result to `unwrapStateDict` for the tensors by name.
 * @example
 * const sd = unwrapStateDict(await loadTorchCheckpoint('vit_base_patch16_224.pth'));
 */
export async function loadTorchCheckpoint(path: string, options: Omit<DecodeTorchCheckpointOptions, 'name' | 'inflate'> = {}): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const why = isErrnoCode(e, 'ENOENT') ? `no such file '${path}'` : `cannot read '${path}': ${messageOf(e)}`;
    throw new TorchCheckpointError(`loadTorchCheckpoint: ${why}`, { cause: e });
  }
  const inflate = (raw: Uint8Array, size: number): Uint8Array => inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
  return decodeTorchCheckpoint(bytes, { ...options, name: path, inflate });
}

/** Makes the rename itself durable (POSIX); best effort, as some platforms cannot open a directory. */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // NOTE: Windows refuses to open directories; the file itself was already fsynced.
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const isErrnoCode = (e: unknown, code: string): boolean =>
  typeof e === 'object' && e !== null && 'code' in e && e.code === code;
