// The Node adapter for torch checkpoints: reads from disk, inflates re-zipped archives, names the path.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTorchCheckpoint } from '../node.ts';
import { unwrapStateDict } from './torch-checkpoint.ts';
import { TorchCheckpointError } from './torch-zip.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));

describe('loadTorchCheckpoint', () => {
  it('reads a deflated archive (inflated through node:zlib) to the same tensors as the stored one', async () => {
    const deflated = unwrapStateDict(await loadTorchCheckpoint(join(fixtures, 'torch-deflated.pth')));
    const stored = unwrapStateDict(await loadTorchCheckpoint(join(fixtures, 'torch-state-dict.pth')));
    expect([...deflated.keys()]).toEqual([...stored.keys()]);
    for (const [k, t] of stored) expect([...deflated.get(k)!.data]).toEqual([...t.data]);
  });

  it('names the path of a missing file and of a refused one', async () => {
    const missing = join(fixtures, 'no-such.pth');
    await expect(loadTorchCheckpoint(missing)).rejects.toThrow(TorchCheckpointError);
    await expect(loadTorchCheckpoint(missing)).rejects.toThrow(`loadTorchCheckpoint: no such file '${missing}'`);
    const evil = join(fixtures, 'torch-malicious.pth');
    await expect(loadTorchCheckpoint(evil)).rejects.toThrow(`${evil}: torch-malicious/data.pkl: refuses the global os.system`);
  });
});
