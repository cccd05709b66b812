import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Linear, SGD } from '@crossmodal/nn';
import { CHECKPOINT_FORMAT, type CheckpointData } from './checkpoint.ts';
import { DirectoryCheckpointStore, resolveCheckpointDir } from './checkpoint-store.node.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function data(step: number, model = new Linear(3, 2)): CheckpointData {
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const sd = optimizer.stateDict();
  return {
    model: model.stateDict(),
    optimizer: sd,
    meta: { format: CHECKPOINT_FORMAT, version: 1, kind: 'last', epoch: 0, step, batchInEpoch: step, savedAt: 'now', optimizer: sd.meta, state: {} },
  };
}

describe('DirectoryCheckpointStore', () => {
  it('writes <root>/<kind>/ with its three files, replaces it, and leaves no temporary directories', async () => {
    const root = join(await mkdtemp(join(tmpdir(), 'crossmodal-ckpt-')), 'checkpoints');
    dirs.push(root);
    const store = new DirectoryCheckpointStore(root);
    const model = new Linear(3, 2);
    expect(await store.save('last', data(1, model))).toBe(join(root, 'last'));
    expect(await store.save('last', data(2, model))).toBe(join(root, 'last'));
    expect(await readdir(root)).toEqual(['last']);
    expect((await readdir(join(root, 'last'))).sort()).toEqual(['checkpoint.json', 'model.safetensors', 'optimizer.safetensors']);
    const back = await store.load(join(root, 'last', 'checkpoint.json'));
    expect(back.meta.step).toBe(2);
    expect(back.model['weight']!.toArray()).toEqual(model.stateDict()['weight']!.toArray());
    for (const t of Object.values(back.model)) t.dispose();
  });

  it('names the path when it is not a checkpoint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crossmodal-ckpt-'));
    dirs.push(dir);
    await writeFile(join(dir, 'model.safetensors'), 'x');
    await expect(resolveCheckpointDir(dir)).rejects.toThrow(`checkpoint: '${dir}' is not a checkpoint: no checkpoint.json in '${dir}'`);
  });

  it('reports a failed write with the kind and path and cleans up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crossmodal-ckpt-'));
    dirs.push(dir);
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    await expect(new DirectoryCheckpointStore(file).save('best', data(1))).rejects.toThrow(`checkpoint: could not write the best checkpoint '${join(file, 'best')}'`);
  });

  it('keeps the previous checkpoint, and no temporary directory, when putting the new one in place fails', async () => {
    const root = join(await mkdtemp(join(tmpdir(), 'crossmodal-ckpt-')), 'checkpoints');
    dirs.push(root);
    class FailingStore extends DirectoryCheckpointStore {
      protected override async replace(): Promise<void> {
        throw new Error('planned rename failure');
      }
    }
    await new DirectoryCheckpointStore(root).save('last', data(1));
    await expect(new FailingStore(root).save('last', data(2))).rejects.toThrow(`could not write the last checkpoint '${join(root, 'last')}': planned rename failure`);
    expect(await readdir(root)).toEqual(['last']);
    const back = await new DirectoryCheckpointStore(root).load(join(root, 'last'));
    expect(back.meta.step).toBe(1);
    for (const t of Object.values(back.model)) t.dispose();
  });

  it('sweeps what a killed save left behind, and points a resume at a checkpoint a killed save moved aside', async () => {
    const root = join(await mkdtemp(join(tmpdir(), 'crossmodal-ckpt-')), 'checkpoints');
    dirs.push(root);
    const store = new DirectoryCheckpointStore(root);
    await store.save('last', data(1));
    // A process (no longer alive: pid 2^22 + 1 is above Linux's pid_max) killed between its renames.
    const dead = 4194305;
    await rename(join(root, 'last'), join(root, `.last.old-${dead}-abc123`));
    await mkdir(join(root, `.last.tmp-${dead}-def456`));
    await expect(resolveCheckpointDir(join(root, 'last'))).rejects.toThrow(
      `a save was interrupted and left the previous one as ${join(root, `.last.old-${dead}-abc123`)}: rename it to '${join(root, 'last')}' to resume from it`,
    );
    await store.save('last', data(2));
    expect(await readdir(root)).toEqual(['last']);
  });
});
