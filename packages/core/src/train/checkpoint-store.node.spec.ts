import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
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
});
