// The Node adapter: atomic safetensors writes (temp file, fsync, rename; nothing left on failure) and loads that name the path.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scalar, tensor } from '@crossmodal/tensor';
import { SafetensorsError } from './io/index.ts';
import { loadSafetensors, saveSafetensors } from './node.ts';

// Lets a test watch (or break) the rename that publishes the temp file.
const hooks = vi.hoisted(() => ({ beforeRename: undefined as ((from: string, to: string) => Promise<void>) | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    rename: async (from: string, to: string): Promise<void> => {
      await hooks.beforeRename?.(from, to);
      return fs.rename(from, to);
    },
  };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crossmodal-nn-'));
});
afterEach(async () => {
  hooks.beforeRename = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('saveSafetensors', () => {
  it('writes a file that loads back exactly, leaving only that file in the directory', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, { w: tensor([[1, 2], [3, 4]]), step: scalar(7, { dtype: 'int32' }) }, { metadata: { epoch: '2' } });
    expect(await readdir(dir)).toEqual(['model.safetensors']);
    const { tensors, metadata } = await loadSafetensors(path);
    expect(tensors['w']!.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(tensors['step']!.item()).toBe(7);
    expect(metadata).toEqual({ epoch: '2' });
  });

  it('publishes a complete temp file named <path>.tmp-<pid>-<random> by renaming it', async () => {
    const path = join(dir, 'model.safetensors');
    const seen: { from: string; size: number }[] = [];
    hooks.beforeRename = async (from) => {
      seen.push({ from, size: (await readFile(from)).length });
    };
    await saveSafetensors(path, { w: tensor([1, 2, 3]) }, { dtype: 'F16' });
    expect(seen).toHaveLength(1);
    expect(basename(seen[0]!.from)).toMatch(new RegExp(`^model\\.safetensors\\.tmp-${process.pid}-[0-9a-f]{12}$`));
    expect(seen[0]!.size).toBe((await readFile(path)).length);
  });

  it('removes the temp file and keeps the old file when publishing fails', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, { w: tensor([1]) });
    const old = await readFile(path);
    hooks.beforeRename = () => Promise.reject(new Error('disk full'));
    await expect(saveSafetensors(path, { w: tensor([2, 3]) })).rejects.toThrow(`saveSafetensors: could not write '${path}': disk full`);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
    expect(await readFile(path)).toEqual(old);
  });

  it('writes nothing when a tensor cannot be read', async () => {
    const path = join(dir, 'model.safetensors');
    const gone = tensor([1, 2]);
    gone.dispose();
    await expect(saveSafetensors(path, { ok: tensor([1]), gone })).rejects.toThrow(/cannot read tensor 'gone': .*was disposed/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('names the path when its directory does not exist, and creates nothing', async () => {
    const path = join(dir, 'missing', 'model.safetensors');
    await expect(saveSafetensors(path, { w: tensor([1]) })).rejects.toThrow(`saveSafetensors: could not write '${path}': ENOENT`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('cleans up when the target is a directory that the rename cannot replace', async () => {
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'x');
    await expect(saveSafetensors(path, { w: tensor([1]) })).rejects.toThrow(`saveSafetensors: could not write '${path}'`);
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readdir(path)).toEqual(['inside']);
  });
});

describe('loadSafetensors', () => {
  it('names a missing file', async () => {
    const path = join(dir, 'nope.safetensors');
    await expect(loadSafetensors(path)).rejects.toThrow(`loadSafetensors: no such file '${path}'`);
  });

  it('names a path it cannot read as a file', async () => {
    await expect(loadSafetensors(dir)).rejects.toThrow(`loadSafetensors: cannot read '${dir}': EISDIR`);
  });

  it('wraps a corrupt file with its path, keeping the SafetensorsError class', async () => {
    const path = join(dir, 'short.safetensors');
    await writeFile(path, new Uint8Array(5));
    const load = loadSafetensors(path);
    await expect(load).rejects.toThrow(SafetensorsError);
    await expect(load).rejects.toThrow(
      `loadSafetensors: cannot decode '${path}': safetensors: file is 5 bytes, shorter than the 8-byte header-length prefix`,
    );
  });

  it('says which tensor a truncated file cuts off', async () => {
    const path = join(dir, 'cut.safetensors');
    await saveSafetensors(path, { a: tensor([1, 2]), b: tensor([3, 4, 5]) });
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 4));
    await expect(loadSafetensors(path)).rejects.toThrow(
      `loadSafetensors: cannot decode '${path}': safetensors: truncated: tensor 'b' needs bytes [8, 20) but the data section has 16`,
    );
  });

  it('keeps a RangeError a RangeError (an I64 value beyond int32), with the path', async () => {
    const path = join(dir, 'big.safetensors');
    const json = new TextEncoder().encode('{"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}');
    const file = new Uint8Array(8 + json.length + 8);
    const view = new DataView(file.buffer);
    view.setBigUint64(0, BigInt(json.length), true);
    file.set(json, 8);
    view.setBigInt64(8 + json.length, 2n ** 40n, true);
    await writeFile(path, file);
    const load = loadSafetensors(path);
    await expect(load).rejects.toThrow(RangeError);
    await expect(load).rejects.toThrow(`loadSafetensors: cannot decode '${path}': safetensors: tensor 'ids' (I64) holds 1099511627776`);
  });
});
