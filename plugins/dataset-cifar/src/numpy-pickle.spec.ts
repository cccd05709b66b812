import { unpickle } from '@crossmodal/nn';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixtureImage } from './fixtures.spec-helper.ts';
import { ndArrayValues, unpickleCifar, type NdArray } from './numpy-pickle.ts';
import { P, pickleDict } from './pickle.spec-helper.ts';

const batch = (name: string): Map<string, unknown> => {
  const file = join(FIXTURES, 'cifar-10-batches-py', name);
  return unpickleCifar(readFileSync(file), file);
};

describe('unpickleCifar', () => {
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
    expect(() => unpickleCifar(readFileSync(file), file)).toThrow(
      `${file}: refuses the global posix.system: it is not on the allow-list (numpy.core.multiarray._reconstruct,`,
    );
    expect(() => unpickleCifar(pickleDict({ data: P.global('builtins', 'eval') }), 'x.pkl')).toThrow(
      'x.pkl: refuses the global builtins.eval: it is not on the allow-list',
    );
  });

  it('names a truncated batch', () => {
    const file = join(FIXTURES, 'cifar-10-batches-py', 'data_batch_1');
    const bytes = readFileSync(file);
    expect(() => unpickleCifar(bytes.subarray(0, 3000), file)).toThrow(`${file}: truncated: needs 6144 more bytes, `);
  });

  it('reads a full-size batch (10000 × 3072 bytes in one BINSTRING)', () => {
    const pixels = new Uint8Array(10000 * 3072);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) & 255;
    const dict = unpickleCifar(pickleDict({ data: P.ndarray([10000, 3072], 'u1', pixels) }), 'big');
    const data = dict.get('data') as NdArray;
    expect([data.shape, data.bytes.length, data.bytes[30719999], data.bytes[12345]]).toEqual([[10000, 3072], 30720000, (30719999 * 7) & 255, (12345 * 7) & 255]);
    // nn's VM with its default encoding (latin1 strings) reads it too: one char per byte.
    const str = P.str(pixels);
    const pickle = new Uint8Array(str.length + 3);
    pickle.set([0x80, 2]);
    pickle.set(str, 2);
    pickle[str.length + 2] = 0x2e; // STOP
    const text = unpickle(pickle, { globals: new Map() }) as string;
    expect([text.length, text.charCodeAt(30719999), text.charCodeAt(12345)]).toEqual([30720000, (30719999 * 7) & 255, (12345 * 7) & 255]);
  });

  it('reads integer arrays of other widths, byte orders and Fortran order', () => {
    const le = Uint8Array.of(1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff);
    const read = (array: Uint8Array): number[] => ndArrayValues(unpickleCifar(pickleDict({ a: array }), 'p').get('a') as NdArray);
    expect(read(P.ndarray([2], 'i4', le, { order: '<' }))).toEqual([1, -2]);
    expect(read(P.ndarray([2], 'i4', Uint8Array.of(0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe), { order: '>' }))).toEqual([1, -2]);
    expect(read(P.ndarray([1], 'i8', Uint8Array.of(5, 0, 0, 0, 0, 0, 0, 0), { order: '<' }))).toEqual([5]);
    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    expect(read(P.ndarray([2, 3], 'u1', Uint8Array.of(1, 4, 2, 5, 3, 6), { fortran: true }))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names an unsupported dtype, a short buffer and a value that is not a dict', () => {
    expect(() => unpickleCifar(pickleDict({ data: P.ndarray([1], 'f4', new Uint8Array(4)) }), 'f.pkl')).toThrow(
      "f.pkl: data: numpy dtype 'f4' is not supported (expected an integer dtype: u1, i1, u2, i2, u4, i4, u8, i8)",
    );
    expect(() => unpickleCifar(pickleDict({ data: P.ndarray([2, 3], 'u1', new Uint8Array(5)) }), 's.pkl')).toThrow(
      's.pkl: data: numpy array of shape (2, 3) and dtype u1 needs 6 bytes, the pickle holds 5',
    );
    expect(() => unpickleCifar(Uint8Array.of(0x80, 2, 0x5d, 0x2e), 'l.pkl')).toThrow('l.pkl: expected a pickled dict, got a list');
  });

  it("accepts _codecs.encode only as Python 3's latin1 encoding of bytes", () => {
    const encode = (encoding: string): Uint8Array => new Uint8Array([...P.global('_codecs', 'encode'), ...P.tuple(P.str('ab'), P.str(encoding)), 0x52]);
    expect(unpickleCifar(pickleDict({ k: encode('latin1') }), 'c').get('k')).toEqual(Uint8Array.of(97, 98));
    expect(() => unpickleCifar(pickleDict({ k: encode('rot13') }), 'c')).toThrow(
      `c: _codecs.encode(bytes, bytes): expected (str, 'latin1'), Python 3's pickling of bytes, got (bytes, "rot13")`,
    );
  });
});
