import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isNdArray, ndArrayToFloat32, ndArrayValues, type NdArray } from './numpy-array.ts';
import { P, pickleDict } from './numpy-pickle-testing.ts';
import { aPickleValue, unpickleNumpy, unpickleNumpyDict } from './numpy-pickle.ts';
import { unpickle } from './torch-pickle.ts';

const fixtures = new URL('../../fixtures/', import.meta.url);
interface Expected { dtype: string; shape: number[]; values: number[] }
const golden = JSON.parse(readFileSync(new URL('numpy-pickles.json', fixtures), 'utf8')).values as Record<string, unknown>;

/** An NdArray as the JSON sidecar writes it; float32 values compared after rounding to float32. */
const asExpected = (a: NdArray): Expected => ({ dtype: a.dtype, shape: [...a.shape], values: ndArrayValues(a) });

describe('unpickleNumpyDict', () => {
  for (const proto of [2, 5]) {
    it(`reads numpy's protocol-${proto} pickles of f2/f4/f8/bool/int64 arrays, Fortran order, scalars and nested values`, () => {
      const file = `numpy-arrays-p${proto}.pkl`;
      const dict = unpickleNumpyDict(readFileSync(new URL(file, fixtures)), file);
      for (const key of ['f2', 'f4', 'f8', 'f4_big', 'bool', 'i8', 'fortran', 'zero_d']) {
        const want = golden[key] as Expected;
        const got = asExpected(dict.get(key) as NdArray);
        // f4 values pass through float64 in the JSON: compare the float32 roundings.
        expect({ key, ...got }).toEqual({ key, ...want, values: got.dtype === 'f4' ? Array.from(Float32Array.from(want.values)) : want.values });
      }
      expect([dict.get('scalar_f4'), dict.get('scalar_i8')]).toEqual([0.75, -9]);
      const nested = dict.get('nested') as Map<string, unknown>;
      const boxes = nested.get('boxes') as NdArray[];
      expect([boxes.map(asExpected), nested.get('image_w')]).toEqual([[(golden.nested as { boxes: Expected[] }).boxes[0], { dtype: 'f4', shape: [0, 4], values: [] }], 640]);
    });
  }

  it('reads a full-size batch (10000 × 3072 bytes in one BINSTRING)', () => {
    const pixels = new Uint8Array(10000 * 3072);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) & 255;
    const dict = unpickleNumpyDict(pickleDict({ data: P.ndarray([10000, 3072], 'u1', pixels) }), 'big');
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

  it('reads arrays of other widths, byte orders and Fortran order', () => {
    const le = Uint8Array.of(1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff);
    const read = (array: Uint8Array): number[] => ndArrayValues(unpickleNumpyDict(pickleDict({ a: array }), 'p').get('a') as NdArray);
    expect(read(P.ndarray([2], 'i4', le, { order: '<' }))).toEqual([1, -2]);
    expect(read(P.ndarray([2], 'i4', Uint8Array.of(0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe), { order: '>' }))).toEqual([1, -2]);
    expect(read(P.ndarray([1], 'i8', Uint8Array.of(5, 0, 0, 0, 0, 0, 0, 0), { order: '<' }))).toEqual([5]);
    expect(read(P.ndarray([2], 'f2', Uint8Array.of(0x3c, 0x00, 0xc0, 0x00), { order: '>' }))).toEqual([1, -2]);
    expect(read(P.ndarray([3], 'b1', Uint8Array.of(1, 0, 1)))).toEqual([1, 0, 1]);
    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    expect(read(P.ndarray([2, 3], 'u1', Uint8Array.of(1, 4, 2, 5, 3, 6), { fortran: true }))).toEqual([1, 2, 3, 4, 5, 6]);
    // A [2, 2, 2] array in Fortran order: element (i, j, k) at i + 2j + 4k holds 100i + 10j + k.
    const f3 = Uint8Array.from({ length: 8 }, (_, f) => 100 * (f & 1) + 10 * ((f >> 1) & 1) + (f >> 2));
    expect(read(P.ndarray([2, 2, 2], 'u1', f3, { fortran: true }))).toEqual([0, 1, 10, 11, 100, 101, 110, 111]);
  });

  it('converts every dtype to float32', () => {
    const f8 = new Uint8Array(new Float64Array([0.1, -3]).buffer);
    const dict = unpickleNumpyDict(pickleDict({ f8: P.ndarray([2], 'f8', f8, { order: '<' }), u2: P.ndarray([1], 'u2', Uint8Array.of(0xff, 0xff), { order: '<' }) }), 'c');
    expect(Array.from(ndArrayToFloat32(dict.get('f8') as NdArray))).toEqual([Math.fround(0.1), -3]);
    expect(Array.from(ndArrayToFloat32(dict.get('u2') as NdArray))).toEqual([65535]);
  });

  it('copies float32 bytes that are a view into a larger Node Buffer (whose slice() is a view too)', () => {
    const file = Buffer.alloc(64, 0xaa);
    Buffer.from(new Float32Array([1.5, -2]).buffer).copy(file, 24);
    const array: NdArray = { dtype: 'f4', shape: [2], bytes: file.subarray(24, 32) };
    expect(Array.from(ndArrayToFloat32(array))).toEqual([1.5, -2]);
  });

  it('refuses a global off the allow-list, naming it and the file, and takes extra globals when asked', () => {
    expect(() => unpickleNumpyDict(pickleDict({ data: P.global('builtins', 'eval') }), 'x.pkl')).toThrow(
      'x.pkl: refuses the global builtins.eval: it is not on the allow-list (numpy.core.multiarray._reconstruct,',
    );
    const ordered = Uint8Array.of(0x80, 2, ...P.global('collections', 'OrderedDict'), 0x29, 0x52, 0x2e);
    expect(() => unpickleNumpy(ordered, 'o.pkl')).toThrow('o.pkl: refuses the global collections.OrderedDict');
    const globals = new Map([['collections.OrderedDict', { call: () => new Map() }]]);
    expect(unpickleNumpy(ordered, 'o.pkl', { globals })).toEqual(new Map());
    // bytes() is allowed only as the pickling of b'' (no arguments).
    const bytesOf = (...args: Uint8Array[]): Uint8Array => Uint8Array.of(0x80, 2, ...P.global('__builtin__', 'bytes'), ...P.tuple(...args), 0x52, 0x2e);
    expect(unpickleNumpy(bytesOf(), 'b.pkl')).toEqual(new Uint8Array(0));
    expect(() => unpickleNumpy(bytesOf(P.int(9)), 'b.pkl')).toThrow("b.pkl: __builtin__.bytes(number): only bytes() (Python's pickling of b'') is allowed, got 1 arguments");
  });

  it('names an unsupported dtype, a short buffer and a value that is not a dict', () => {
    expect(() => unpickleNumpyDict(pickleDict({ data: P.ndarray([1], 'c8', new Uint8Array(8)) }), 'f.pkl')).toThrow(
      "f.pkl: data: numpy dtype 'c8' is not supported (expected one of b1, u1, i1, u2, i2, u4, i4, u8, i8, f2, f4, f8)",
    );
    expect(() => unpickleNumpyDict(pickleDict({ data: P.ndarray([2, 3], 'u1', new Uint8Array(5)) }), 's.pkl')).toThrow(
      's.pkl: data: numpy array of shape (2, 3) and dtype u1 needs 6 bytes, got 5',
    );
    expect(() => unpickleNumpyDict(Uint8Array.of(0x80, 2, 0x5d, 0x2e), 'l.pkl')).toThrow('l.pkl: expected a pickled dict, got a list');
  });

  it("accepts _codecs.encode only as Python 3's latin1 encoding of bytes", () => {
    const encode = (encoding: string): Uint8Array => new Uint8Array([...P.global('_codecs', 'encode'), ...P.tuple(P.str('ab'), P.str(encoding)), 0x52]);
    expect(unpickleNumpyDict(pickleDict({ k: encode('latin1') }), 'c').get('k')).toEqual(Uint8Array.of(97, 98));
    expect(() => unpickleNumpyDict(pickleDict({ k: encode('rot13') }), 'c')).toThrow(
      `c: _codecs.encode(bytes, bytes): expected (str, 'latin1'), Python 3's pickling of bytes, got (bytes, "rot13")`,
    );
  });

  it("names values by their Python type in messages (aPickleValue)", () => {
    const array = unpickleNumpyDict(pickleDict({ a: P.ndarray([1], 'u1', Uint8Array.of(3)) }), 'r').get('a');
    expect([null, Uint8Array.of(1), 3, 1.5, 'x', new Map(), Object.freeze([1]), [1], array].map(aPickleValue)).toEqual(
      ['None', 'bytes', 'an int', 'a float', 'a str', 'a dict', 'a tuple', 'a list', 'a numpy array'],
    );
  });

  it('recognises its arrays with isNdArray', () => {
    const dict = unpickleNumpyDict(pickleDict({ a: P.ndarray([1], 'u1', Uint8Array.of(3)), b: P.int(3) }), 'r');
    expect([isNdArray(dict.get('a')), isNdArray(dict.get('b')), isNdArray({ dtype: 'u1', shape: [], bytes: [] })]).toEqual([true, false, false]);
  });
});
