import { ndArrayValues } from '@crossmodal/nn';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPECTED, FIXTURES } from './fixtures.spec-helper.ts';
import { readNpyFile } from './node-io.ts';
import { encodeNpy, parseNpy, readNpyHeader } from './npy.ts';

const npy = (name: string): string => join(FIXTURES, 'npy', `${name}.npy`);
const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(npy(name)));
/** A v1 .npy with header text `header` and `data`, as numpy lays it out. */
const handMade = (header: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array => {
  const h = new TextEncoder().encode(header);
  const pre = version === 1 ? [version, 0, h.length & 255, h.length >> 8] : [version, 0, h.length & 255, h.length >> 8, 0, 0];
  return Uint8Array.from([0x93, ...new TextEncoder().encode('NUMPY'), ...pre, ...h, ...data]);
};

describe('parseNpy', () => {
  it('reads every generated file: f4/f8/f2/i8/u1/bool, big-endian, Fortran order, 0-d, empty, header versions 1 to 3', async () => {
    for (const [name, want] of Object.entries(EXPECTED.npy)) {
      const array = await readNpyFile(npy(name));
      expect({ name, shape: [...array.shape], values: ndArrayValues(array) }).toEqual({ name, ...want });
    }
    expect([2, 3].map((v) => readNpyHeader(bytesOf(`f4-v${v}`), 'x').version)).toEqual([2, 3]);
    expect(readNpyHeader(bytesOf('f8-fortran'), 'x')).toMatchObject({ descr: '<f8', fortranOrder: true, shape: [2, 3] });
  });

  it('writes what numpy writes for a C-order array, and reads it back', () => {
    const original = bytesOf('f4-c');
    const array = parseNpy(original, 'f4-c.npy');
    expect(Buffer.from(encodeNpy(array)).equals(Buffer.from(original))).toBe(true);
    expect(Buffer.from(encodeNpy(parseNpy(bytesOf('u1-3d'), 'u'))).equals(Buffer.from(bytesOf('u1-3d')))).toBe(true);
  });

  it('names the file and the fault of a bad header', () => {
    const good = bytesOf('f4-c');
    const cases: [Uint8Array, string][] = [
      [Uint8Array.of(1, 2, 3), 'not a .npy file: it does not start with "\\x93NUMPY"'],
      [Uint8Array.from([...good.subarray(0, 6), 4, 0, ...good.subarray(8)]), 'npy format version 4.0 is not supported (1.0, 2.0, 3.0 are)'],
      [good.subarray(0, 40), 'truncated: the header needs 118 bytes, 30 are left'],
      [handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), "), "malformed header \"{'descr': '<f4', 'fortran_order': False, 'shape': (2,),\": unclosed '{'"],
      [handMade("{'descr': '<f4', 'fortran_order': False}"), "header key 'shape' must be a tuple of sizes, got null"],
      [handMade("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}"), "header key 'descr' must be a dtype string, got [[\"a\",\"<f4\"]] (structured dtypes are not read)"],
      [handMade("{'descr': '|O', 'fortran_order': False, 'shape': (1,)}"), "dtype '|O' holds pickled Python objects, which are not read (only numeric arrays are)"],
      [handMade("{'descr': '<U5', 'fortran_order': False, 'shape': (1,)}", new Uint8Array(20)), "numpy dtype 'U5' is not supported (expected one of b1, u1,"],
      [good.subarray(0, good.length - 4), 'truncated: shape (3, 4) of <f4 needs 48 data bytes, the file holds 44'],
    ];
    for (const [bytes, message] of cases) expect(() => parseNpy(bytes, 'bad.npy'), message).toThrow(`bad.npy: ${message}`);
  });

  it("reads Python 2's long sizes and a v2 header", () => {
    const a = parseNpy(handMade("{'descr': '<i2', 'fortran_order': False, 'shape': (2L,), }\n", Uint8Array.of(1, 0, 0xff, 0xff)), 'p2.npy');
    expect([a.shape, ndArrayValues(a)]).toEqual([[2], [1, -1]]);
    expect(parseNpy(handMade("{'descr': '|u1', 'fortran_order': False, 'shape': ()}", Uint8Array.of(9), 2), 'v2.npy').shape).toEqual([]);
  });
});
