// The IDX format of LeCun's MNIST files (and Fashion-MNIST's): a 4-byte magic number
// [0, 0, type, rank], `rank` big-endian u32 sizes, then the values row-major. Pure: bytes in,
// arrays out, every malformed or truncated file refused with the file, the field and the expectation.
// Format: http://yann.lecun.com/exdb/mnist/ ("FILE FORMATS FOR THE MNIST DATABASE").

/** An IDX array of unsigned bytes: its sizes and its values. */
export interface IdxArray {
  /** Sizes, outermost first: [N] for labels, [N, rows, columns] for images. */
  readonly dims: readonly number[];
  /** The values, row-major (a view into the file's bytes). */
  readonly data: Uint8Array;
}

/** What the caller expects of a file: its rank and the names of its dimensions (for messages). */
export interface IdxExpectation {
  /** Names of the dimensions, outermost first, e.g. ['images', 'rows', 'columns']. */
  readonly dimNames: readonly string[];
}

/** IDX type codes (the magic number's third byte), for naming an unsupported one. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};
const UBYTE = 0x08;

const hex = (v: number, digits: number): string => `0x${v.toString(16).padStart(digits, '0')}`;

/**
 * Parses an unsigned-byte IDX file of the expected rank.
 * @param bytes - the decompressed file
 * @param file - its name or path, for error messages
 * @example
 * const labels = parseIdx(bytes, 'train-labels-idx1-ubyte', { dimNames: ['labels'] });
 * labels.dims; // [60000]
 */
export function parseIdx(bytes: Uint8Array, file: string, { dimNames }: IdxExpectation): IdxArray {
  const rank = dimNames.length;
  const layout = `${rank} dimension${rank === 1 ? '' : 's'} [${dimNames.join(', ')}]`;
  if (bytes.length < 4) {
    throw new RangeError(`${file}: magic number: expected 4 bytes, the file has ${bytes.length} (truncated or empty)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (it is gzip data: decompress it first)' : '';
    throw new RangeError(`${file}: magic number ${hex(magic, 8)}: expected 0x0000 in its first two bytes (not an IDX file)${gzipped}`);
  }
  if (bytes[2] !== UBYTE) {
    const type = TYPE_NAMES[bytes[2]!] ?? 'unknown';
    throw new RangeError(`${file}: magic number ${hex(magic, 8)}: data type ${hex(bytes[2]!, 2)} (${type}), expected 0x08 (unsigned byte)`);
  }
  if (bytes[3] !== rank) {
    throw new RangeError(`${file}: magic number ${hex(magic, 8)}: ${bytes[3]} dimension${bytes[3] === 1 ? '' : 's'}, expected ${layout}`);
  }
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw new RangeError(`${file}: dimension sizes: expected ${headerLength - 4} bytes for ${layout} after the magic number, the file has ${bytes.length - 4} (truncated)`);
  }
  const dims = dimNames.map((name, k) => {
    const size = view.getUint32(4 + 4 * k);
    if (size === 0) throw new RangeError(`${file}: dimension ${k} (${name}) is 0, expected at least 1`);
    return size;
  });
  const expected = dims.reduce((a, b) => a * b, 1);
  const got = bytes.length - headerLength;
  if (got !== expected) {
    const what = got < expected ? 'truncated' : `${got - expected} bytes too many`;
    throw new RangeError(
      `${file}: data: expected ${expected} bytes after the ${headerLength}-byte header (${dims.join('×')}), the file has ${got} (${what})`,
    );
  }
  return { dims, data: bytes.subarray(headerLength) };
}

/**
 * The bytes of an unsigned-byte IDX file holding `data` with sizes `dims` (for tests and for
 * writing subsets in the format other tools read).
 * @example
 * encodeIdx([2], Uint8Array.of(3, 7)); // 00 00 08 01 | 00 00 00 02 | 03 07
 */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) throw new RangeError(`encodeIdx: dims [${dims.join(', ')}] need ${expected} values, got ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, (UBYTE << 8) | dims.length);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
