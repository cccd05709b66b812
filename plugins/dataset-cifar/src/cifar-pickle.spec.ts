// The CIFAR fixture batches through @crossmodal/nn's allow-listed numpy unpickler: every pickling
// Python 2 and 3 wrote, a malicious batch and a truncated one.
import { unpickleNumpyDict, type NdArray } from '@crossmodal/nn';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixtureImage } from './fixtures.spec-helper.ts';

const batch = (name: string): Map<string, unknown> => {
  const file = join(FIXTURES, 'cifar-10-batches-py', name);
  return unpickleNumpyDict(readFileSync(file), file);
};

describe('unpickleNumpyDict on CIFAR batches', () => {
  it('reads every pickling of the fixture batches: Python 2 str, and Python 3 protocols 2, 4 and 5', () => {
    // data_batch_1/2: cPickle's BINSTRING; 3: _codecs.encode; 4: BINBYTES; 5: numpy's _frombuffer.
    const firstImage = [0, 2, 4, 5, 6].map((n, k) => ({ n, file: `data_batch_${k + 1}` }));
    for (const { n, file } of firstImage) {
      const dict = batch(file);
      const data = dict.get('data') as NdArray;
      expect([file, data.dtype, data.shape[1]]).toEqual([file, 'u1', 3072]);
      expect(Array.from(data.bytes.subarray(0, 3072))).toEqual(fixtureImage(n));
      expect(dict.get('labels')).toEqual([[6, 9, 9, 4, 1, 1, 2][n]!, ...(n < 4 ? [[6, 9, 9, 4, 1, 1, 2][n + 1]!] : [])]);
    }
    const keys = (file: string): string[] => [...batch(file).keys()].sort();
    expect(keys('data_batch_1')).toEqual(['batch_label', 'data', 'filenames', 'labels']);
    expect(keys('data_batch_4')).toEqual(keys('data_batch_1'));
  });

  it('refuses a pickle that would run os.system, naming the global and the file', () => {
    const file = join(FIXTURES, 'evil_batch');
    expect(() => unpickleNumpyDict(readFileSync(file), file)).toThrow(
      `${file}: refuses the global posix.system: it is not on the allow-list (numpy.core.multiarray._reconstruct,`,
    );
  });

  it('names a truncated batch', () => {
    const file = join(FIXTURES, 'cifar-10-batches-py', 'data_batch_1');
    const bytes = readFileSync(file);
    expect(() => unpickleNumpyDict(bytes.subarray(0, 3000), file)).toThrow(`${file}: truncated: needs 6144 more bytes, `);
  });
});
