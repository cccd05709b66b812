import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx } from './idx.ts';

const IMAGES = { dimNames: ['images', 'rows', 'columns'] };
const LABELS = { dimNames: ['labels'] };
const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

describe('parseIdx', () => {
  it('reads the sizes and the values of an image file', () => {
    const file = encodeIdx([2, 2, 3], bytes(0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255));
    expect(Array.from(file.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3]);
    const idx = parseIdx(file, 'imgs', IMAGES);
    expect(idx.dims).toEqual([2, 2, 3]);
    expect(Array.from(idx.data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it('reads big-endian sizes above 255', () => {
    const idx = parseIdx(encodeIdx([300], new Uint8Array(300).fill(7)), 'labels', LABELS);
    expect([idx.dims, idx.data.length, idx.data[299]]).toEqual([[300], 300, 7]);
  });

  it('names an empty or cut-off magic number', () => {
    expect(() => parseIdx(bytes(), 'a.idx', LABELS)).toThrow('a.idx: magic number: expected 4 bytes, the file has 0 (truncated or empty)');
    expect(() => parseIdx(bytes(0, 0, 8), 'a.idx', LABELS)).toThrow('a.idx: magic number: expected 4 bytes, the file has 3');
  });

  it('names a file that is not IDX, and still-gzipped data', () => {
    expect(() => parseIdx(bytes(1, 2, 8, 1, 0, 0, 0, 0), 'b.idx', LABELS)).toThrow(
      'b.idx: magic number 0x01020801: expected 0x0000 in its first two bytes (not an IDX file)',
    );
    expect(() => parseIdx(gzipSync(encodeIdx([1], bytes(3))), 'c.gz', LABELS)).toThrow('(it is gzip data: decompress it first)');
  });

  it('names an unsupported data type', () => {
    expect(() => parseIdx(bytes(0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0), 'f.idx', LABELS)).toThrow(
      'f.idx: magic number 0x00000d01: data type 0x0d (float32), expected 0x08 (unsigned byte)',
    );
  });

  it('names the wrong number of dimensions', () => {
    expect(() => parseIdx(encodeIdx([2], bytes(1, 2)), 'train-labels', IMAGES)).toThrow(
      'train-labels: magic number 0x00000801: 1 dimension, expected 3 dimensions [images, rows, columns]',
    );
  });

  it('names a truncated header', () => {
    expect(() => parseIdx(encodeIdx([1, 1, 1], bytes(9)).subarray(0, 10), 'g.idx', IMAGES)).toThrow(
      'g.idx: dimension sizes: expected 12 bytes for 3 dimensions [images, rows, columns] after the magic number, the file has 6 (truncated)',
    );
  });

  it('names a dimension of size 0', () => {
    expect(() => parseIdx(bytes(0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1), 'h.idx', IMAGES)).toThrow(
      'h.idx: dimension 1 (rows) is 0, expected at least 1',
    );
  });

  it('names truncated data and trailing bytes with the byte counts', () => {
    const file = encodeIdx([3, 2, 2], new Uint8Array(12));
    expect(() => parseIdx(file.subarray(0, file.length - 5), 'i.idx', IMAGES)).toThrow(
      'i.idx: data: expected 12 bytes after the 16-byte header (3×2×2), the file has 7 (truncated)',
    );
    const longer = new Uint8Array(file.length + 2);
    longer.set(file);
    expect(() => parseIdx(longer, 'i.idx', IMAGES)).toThrow('the file has 14 (2 bytes too many)');
  });
});

describe('encodeIdx', () => {
  it('refuses values that do not fill the sizes', () => {
    expect(() => encodeIdx([2, 2], bytes(1, 2, 3))).toThrow('encodeIdx: dims [2, 2] need 4 values, got 3');
  });
});
