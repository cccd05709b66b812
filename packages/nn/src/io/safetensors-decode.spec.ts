// decodeSafetensors and readSafetensorsHeader on hand-built files: every dtype we accept, and each corruption's message.
import { describe, expect, it } from 'vitest';
import { createCpuBackend, memory, tensor, type Tensor } from '@crossmodal/tensor';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
import { readSafetensorsHeader, SafetensorsError } from './safetensors-header.ts';

/** A file from a header (object or raw text) and data bytes; `length` overrides the u64 prefix. */
function file(header: object | string, data: ArrayLike<number> = [], length?: bigint): Uint8Array {
  const raw = typeof header === 'string' ? header : JSON.stringify(header);
  const text = new TextEncoder().encode(raw);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(text.length), true);
  out.set(text, 8);
  out.set(Array.from(data), 8 + text.length);
  return out;
}

const bytesOf = (a: BigInt64Array | Float64Array | Float32Array): number[] => [...new Uint8Array(a.buffer)];
const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });
const values = async (t: Tensor | undefined): Promise<number[]> => [...(await t!.data())];

describe('decodeSafetensors', () => {
  it('converts I64 to int32 exactly at both ends of the int32 range', async () => {
    const ids = new BigInt64Array([0n, -1n, 2147483647n, -2147483648n, 5n, 6n]);
    const { tensors } = decodeSafetensors(file({ ids: entry('I64', [2, 3], 0, 48) }, bytesOf(ids)));
    expect(tensors['ids']!.dtype).toBe('int32');
    expect(tensors['ids']!.shape).toEqual([2, 3]);
    expect(await values(tensors['ids'])).toEqual([0, -1, 2147483647, -2147483648, 5, 6]);
  });

  it.each([[2147483648n, 1], [-2147483649n, 1], [2n ** 62n, 1]])('throws a RangeError naming the tensor when I64 holds %d', (big, index) => {
    const before = memory().tensors;
    const bytes = file(
      { ok: entry('F32', [1], 0, 4), pos: entry('I64', [2], 4, 20) },
      [...bytesOf(new Float32Array([1])), ...bytesOf(new BigInt64Array([7n, big]))],
    );
    expect(() => decodeSafetensors(bytes)).toThrow(RangeError);
    expect(() => decodeSafetensors(bytes)).toThrow(
      `safetensors: tensor 'pos' (I64) holds ${big} at flat index ${index}, outside the int32 range [-2147483648, 2147483647]`,
    );
    expect(memory().tensors).toBe(before); // the valid tensor was not created either
  });

  it('rounds F64 to the nearest float32 (overflow to inf, underflow to zero)', async () => {
    const f64 = new Float64Array([0.1, 1 / 3, 1e300, -1e-320, 2.5]);
    const { tensors } = decodeSafetensors(file({ x: entry('F64', [5], 0, 40) }, bytesOf(f64)));
    const got = await values(tensors['x']);
    expect(got).toEqual([Math.fround(0.1), Math.fround(1 / 3), Infinity, -0, 2.5]);
    expect(Object.is(got[3], -0)).toBe(true);
  });

  it('reads BOOL and U8 as int32', async () => {
    const { tensors } = decodeSafetensors(file(
      { mask: entry('BOOL', [2, 2], 0, 4), pixels: entry('U8', [3], 4, 7) },
      [1, 0, 0, 1, 0, 200, 255],
    ));
    expect(await values(tensors['mask'])).toEqual([1, 0, 0, 1]);
    expect(tensors['mask']!.shape).toEqual([2, 2]);
    expect(await values(tensors['pixels'])).toEqual([0, 200, 255]);
    expect(tensors['pixels']!.dtype).toBe('int32');
  });

  it('reads F16 and BF16 exactly, little-endian', async () => {
    const { tensors } = decodeSafetensors(file(
      { h: entry('F16', [3], 0, 6), b: entry('BF16', [2], 6, 10) },
      [0x00, 0x3c, 0x01, 0x00, 0xff, 0x7b, 0x80, 0x3f, 0x82, 0xbf],
    ));
    expect(await values(tensors['h'])).toEqual([1, 2 ** -24, 65504]);
    expect(await values(tensors['b'])).toEqual([1, -1.015625]);
  });

  it('accepts tensors in any header order and zero-size tensors anywhere', async () => {
    const { tensors, metadata } = decodeSafetensors(file(
      { __metadata__: { a: 'b' }, z: entry('F32', [1], 0, 4), empty: entry('I32', [0, 4], 4, 4), a: entry('I32', [], 4, 8) },
      [...bytesOf(new Float32Array([2])), 9, 0, 0, 0],
    ));
    expect(Object.keys(tensors)).toEqual(['z', 'empty', 'a']);
    expect(tensors['empty']!.shape).toEqual([0, 4]);
    expect(tensors['a']!.item()).toBe(9);
    expect(metadata).toEqual({ a: 'b' });
  });

  it.each(['U16', 'I8', 'F8_E4M3', 'U64', 'C64'])('rejects dtype %s, naming the tensor and the supported dtypes', (dtype) => {
    const bytes = file({ x: { dtype, shape: [0], data_offsets: [0, 0] } });
    expect(() => decodeSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => decodeSafetensors(bytes)).toThrow(
      `safetensors: tensor 'x' has dtype ${dtype}, which cannot be decoded; supported: F32, F16, BF16, F64, I32, I64, U8, BOOL`,
    );
  });

  it('puts decoded tensors on the backend it is given', () => {
    const backend = createCpuBackend();
    const { tensors } = decodeSafetensors(file({ x: entry('U8', [1], 0, 1) }, [3]), { backend });
    expect(tensors['x']!.backend).toBe(backend);
    expect(tensors['x']!.item()).toBe(3);
  });

  it('decodes from a view at an odd offset into a larger buffer (e.g. a pooled Node Buffer)', async () => {
    const bytes = await encodeSafetensors({ w: tensor([1.5, -2]), ids: tensor([7], [1], { dtype: 'int32' }) });
    const backing = new Uint8Array(bytes.length + 11).fill(0xee);
    backing.set(bytes, 3);
    const { tensors } = decodeSafetensors(backing.subarray(3, 3 + bytes.length));
    expect(await values(tensors['w'])).toEqual([1.5, -2]);
    expect(await values(tensors['ids'])).toEqual([7]);
    // A small Node Buffer lives in a shared pool, and its slice() is a view, not a copy.
    const pooled = decodeSafetensors(Buffer.from(bytes)).tensors;
    expect(await values(pooled['w'])).toEqual([1.5, -2]);
  });

  it('decodes a file with no tensors', async () => {
    expect(decodeSafetensors(await encodeSafetensors({}))).toEqual({ tensors: {}, metadata: {} });
  });
});

describe('readSafetensorsHeader', () => {
  const ok = { w: entry('F32', [2], 0, 8) };
  const eight = [0, 0, 0, 0, 0, 0, 0, 0];

  it('returns the entries, metadata and data section without decoding', () => {
    const header = readSafetensorsHeader(file({ __metadata__: { format: 'pt' }, ...ok }, eight));
    expect(header).toEqual({
      headerLength: JSON.stringify({ __metadata__: { format: 'pt' }, ...ok }).length,
      dataStart: 8 + JSON.stringify({ __metadata__: { format: 'pt' }, ...ok }).length,
      dataLength: 8,
      tensors: { w: { dtype: 'F32', shape: [2], dataOffsets: [0, 8] } },
      metadata: { format: 'pt' },
    });
  });

  it.each<[string, Uint8Array, string]>([
    ['a file shorter than 8 bytes', new Uint8Array(5), 'safetensors: file is 5 bytes, shorter than the 8-byte header-length prefix'],
    ['a header longer than the file', file('{}', [], 1000n), 'safetensors: header length 1000 is larger than the file (2 bytes after the 8-byte prefix)'],
    ['a header over 100 MB', file('{}', [], 2n ** 40n), 'safetensors: header length 1099511627776 exceeds the 100000000-byte (100 MB) limit'],
    ['a header that is not JSON', file('{"w": '), 'safetensors: header is not valid JSON ('],
    ['a header that is not UTF-8', file('    ').fill(0xff, 8), 'safetensors: header (4 bytes) is not valid UTF-8'],
    ['a header that is an array', file('[1, 2]'), 'safetensors: header must be a JSON object, got an array'],
    ['a header that is null', file('null'), 'safetensors: header must be a JSON object, got null'],
    ['an entry that is not an object', file({ w: 3 }), "safetensors: tensor 'w' entry must be an object, got number"],
    ['an entry without dtype', file({ w: { shape: [2], data_offsets: [0, 8] } }, eight), "safetensors: tensor 'w' is missing 'dtype' (expected {dtype, shape, data_offsets})"],
    ['an entry without shape', file({ w: { dtype: 'F32', data_offsets: [0, 8] } }, eight), "safetensors: tensor 'w' is missing 'shape'"],
    ['an entry without data_offsets', file({ w: { dtype: 'F32', shape: [2] } }, eight), "safetensors: tensor 'w' is missing 'data_offsets'"],
    ['an unknown dtype', file({ w: entry('F4', [2], 0, 1) }, [0]), `safetensors: tensor 'w' has unknown dtype "F4"; expected one of BOOL, U8`],
    ['a dtype named like an Object method', file({ w: entry('toString', [1], 0, 1) }, [0]), `safetensors: tensor 'w' has unknown dtype "toString"`],
    ['a negative dim', file({ w: entry('F32', [2, -1], 0, 8) }, eight), "safetensors: tensor 'w' shape must be an array of integers >= 0, got [2,-1]"],
    ['reversed offsets', file({ w: entry('F32', [2], 8, 0) }, eight), "safetensors: tensor 'w' data_offsets must be [begin, end] with integers 0 <= begin <= end, got [8,0]"],
    ['offsets not matching shape × dtype', file({ w: entry('F32', [2, 2], 0, 12) }, new Array(12).fill(0)),
      "safetensors: tensor 'w' data_offsets [0, 12] hold 12 bytes, but shape [2, 2] of F32 needs 16"],
    ['a truncated data section', file({ w: entry('F32', [4], 0, 16) }, new Array(10).fill(0)),
      "safetensors: truncated: tensor 'w' needs bytes [0, 16) but the data section has 10"],
    ['overlapping tensors', file({ a: entry('F32', [2], 0, 8), b: entry('F32', [2], 4, 12) }, new Array(12).fill(0)),
      "safetensors: tensor 'b' bytes [4, 12) overlap tensor 'a' bytes [0, 8)"],
    ['a hole between tensors', file({ a: entry('F32', [2], 0, 8), b: entry('F32', [2], 12, 20) }, new Array(20).fill(0)),
      "safetensors: bytes [8, 12) of the data section belong to no tensor (between 'a' and 'b'); the spec forbids holes"],
    ['a hole before the first tensor', file({ a: entry('F32', [2], 4, 12) }, new Array(12).fill(0)),
      "safetensors: bytes [0, 4) of the data section belong to no tensor (before 'a'); the spec forbids holes"],
    ['bytes after the last tensor', file(ok, new Array(12).fill(0)),
      "safetensors: bytes [8, 12) of the data section belong to no tensor (after 'w'); the spec forbids holes"],
    ['a non-string metadata value', file({ __metadata__: { epoch: 3 }, ...ok }, eight), "safetensors: __metadata__ value for 'epoch' must be a string, got number"],
    ['metadata that is not an object', file({ __metadata__: ['x'], ...ok }, eight), 'safetensors: __metadata__ must be an object of string values, got an array'],
  ])('rejects %s with a message naming it', (_, bytes, message) => {
    expect(() => readSafetensorsHeader(bytes)).toThrow(SafetensorsError);
    expect(() => readSafetensorsHeader(bytes)).toThrow(message);
    expect(() => decodeSafetensors(bytes)).toThrow(message);
  });

  it('reports a file cut short after encoding as truncated, naming the tensor', async () => {
    const bytes = await encodeSafetensors({ a: tensor([1, 2]), b: tensor([3, 4, 5]) });
    const header = readSafetensorsHeader(bytes);
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4))).toThrow(
      `safetensors: truncated: tensor 'b' needs bytes [8, 20) but the data section has 16`,
    );
    expect(header.dataLength).toBe(20);
  });
});
