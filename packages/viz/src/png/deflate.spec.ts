// DEFLATE/zlib in TS against node:zlib (the reference implementation) in both directions, and the checksums' known values.
import { deflateRawSync, deflateSync, inflateRawSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32, crc32 } from './checksum.ts';
import { deflate, zlibCompress } from './deflate.ts';
import { inflate, zlibDecompress } from './inflate.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A deterministic mix of runs, repeats at many distances and noise, `n` bytes. */
function sample(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const mode = (i >> 9) % 4;
    out[i] = mode === 0 ? 7 : mode === 1 ? (i * 3) & 0xff : mode === 2 ? out[Math.max(0, i - 300 - (s % 40))]! : s >>> 24;
  }
  return out;
}

describe('crc32 and adler32', () => {
  it('give the published check values', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(ascii('6789'), crc32(ascii('12345')))).toBe(0xcbf43926);
    expect(adler32(ascii('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
    // Past the 5552-byte blocks the sums are reduced in: zlib's own trailer is the reference.
    for (const data of [new Uint8Array(100_000).fill(255), sample(70_001, 3)]) {
      const z = deflateSync(data);
      expect(adler32(data)).toBe(z.readUInt32BE(z.length - 4));
    }
  });
});

describe('deflate', () => {
  it.each([0, 1, 2, 3, 258, 259, 70_000, 200_000])('round-trips %i bytes through our inflate and node:zlib', (n) => {
    const data = sample(n, n + 1);
    for (const mode of ['fixed', 'stored'] as const) {
      const packed = deflate(data, { mode });
      expect(inflate(packed)).toEqual(data);
      expect(new Uint8Array(inflateRawSync(packed))).toEqual(data);
    }
  });

  it('compresses runs well and never grows noise beyond stored size', () => {
    expect(deflate(new Uint8Array(100_000)).length).toBeLessThan(1500);
    let s = 0x9e3779b9;
    const noise = new Uint8Array(2048).map(() => {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5; // xorshift32: no repeats for LZ77 to find
      return (s >>> 24) & 0xff;
    });
    expect(deflate(noise).length).toBe(noise.length + 5);
  });

  it('names the bad option', () => {
    expect(() => deflate(new Uint8Array(1), { mode: 'dynamic' as 'fixed' })).toThrow(
      `deflate: options.mode must be 'fixed' or 'stored', got "dynamic"`,
    );
    expect(() => deflate(new Uint8Array(1), { maxChain: 0 })).toThrow('deflate: options.maxChain must be a positive integer, got 0');
  });
});

describe('inflate', () => {
  it('reads dynamic-Huffman streams that node:zlib writes, at every level', () => {
    const data = sample(100_000);
    for (const level of [1, 6, 9]) {
      expect(inflate(new Uint8Array(deflateRawSync(data, { level })))).toEqual(data);
      expect(zlibDecompress(new Uint8Array(deflateSync(data, { level })))).toEqual(data);
    }
  });

  it('writes zlib streams node:zlib reads, with a valid header and Adler-32', () => {
    const data = sample(5000);
    const z = zlibCompress(data);
    expect([z[0], z[1]]).toEqual([0x78, 0x9c]);
    expect(new Uint8Array(inflateSync(z))).toEqual(data);
  });

  it('rejects corrupt streams with a message saying what is wrong', () => {
    const z = zlibCompress(ascii('hello hello hello'));
    const badSum = z.slice();
    badSum[badSum.length - 1]! ^= 1;
    expect(() => zlibDecompress(badSum)).toThrow(/Adler-32 mismatch/);
    expect(() => zlibDecompress(Uint8Array.of(0x78, 0x9d, 0, 0, 0, 0))).toThrow('zlibDecompress: bad zlib header 0x789d');
    expect(() => inflate(Uint8Array.of(0x07))).toThrow('inflate: invalid block type 3');
    expect(() => inflate(z.subarray(2, 6))).toThrow('inflate: unexpected end of the compressed data');
  });
});
