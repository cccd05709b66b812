// DEFLATE and zlib compression in TypeScript: stored blocks, or one fixed-Huffman block with greedy LZ77 (hash chains).
import { adler32 } from './checksum.ts';
import { DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_CODE_INDEX, LENGTH_EXTRA, distCode } from './deflate-tables.ts';
import { argError } from '../errors.ts';

/** How {@link deflate} codes its input. */
export type DeflateMode = 'stored' | 'fixed';

/** Options of {@link deflate} and {@link zlibCompress}. */
export interface DeflateOptions {
  /** 'fixed' (default): fixed Huffman codes + LZ77, falling back to stored when that is smaller; 'stored': no compression. */
  readonly mode?: DeflateMode;
  /** Longest hash chain searched per position (default 32): more finds longer matches, slower. */
  readonly maxChain?: number;
}

/** Appends bits least-significant first, as DEFLATE packs them. */
class BitWriter {
  private buf = new Uint8Array(1 << 16);
  private pos = 0;
  private acc = 0;
  private nbits = 0;

  /** Writes the low `n` (≤ 24) bits of `value`. */
  bits(value: number, n: number): void {
    this.acc |= value << this.nbits;
    this.nbits += n;
    while (this.nbits >= 8) {
      this.byte(this.acc & 0xff);
      this.acc >>>= 8;
      this.nbits -= 8;
    }
  }

  /** Writes a Huffman code of `len` bits, most significant bit first (RFC 1951 §3.1.1). */
  code(code: number, len: number): void {
    let rev = 0;
    for (let i = 0; i < len; i++) rev |= ((code >>> i) & 1) << (len - 1 - i);
    this.bits(rev, len);
  }

  /** Pads to a byte boundary with zero bits. */
  align(): void {
    if (this.nbits > 0) this.bits(0, 8 - this.nbits);
  }

  byte(b: number): void {
    if (this.pos === this.buf.length) {
      const grown = new Uint8Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.pos++] = b;
  }

  finish(): Uint8Array {
    this.align();
    return this.buf.slice(0, this.pos);
  }
}

/** Writes a literal/length symbol with the fixed code (RFC 1951 §3.2.6). */
function fixedLiteral(w: BitWriter, sym: number): void {
  if (sym < 144) w.code(0x30 + sym, 8);
  else if (sym < 256) w.code(0x190 + sym - 144, 9);
  else if (sym < 280) w.code(sym - 256, 7);
  else w.code(0xc0 + sym - 280, 8);
}

/** Writes one match (length 3..258, distance 1..32768) with fixed codes. */
function fixedMatch(w: BitWriter, len: number, dist: number): void {
  const li = LENGTH_CODE_INDEX[len]!;
  fixedLiteral(w, 257 + li);
  if (LENGTH_EXTRA[li]! > 0) w.bits(len - LENGTH_BASE[li]!, LENGTH_EXTRA[li]!);
  const dc = distCode(dist);
  w.code(dc, 5);
  if (DIST_EXTRA[dc]! > 0) w.bits(dist - DIST_BASE[dc]!, DIST_EXTRA[dc]!);
}

const WINDOW = 32768;
const HASH_BITS = 15;
const MAX_MATCH = 258;

/** The whole input as one final fixed-Huffman block, greedy LZ77 over a 32 KiB window. */
function deflateFixed(data: Uint8Array, maxChain: number): Uint8Array {
  const w = new BitWriter();
  w.bits(1, 1); // BFINAL
  w.bits(1, 2); // BTYPE = 01, fixed Huffman
  const head = new Int32Array(1 << HASH_BITS).fill(-1);
  const prev = new Int32Array(WINDOW);
  const hashAt = (i: number): number => ((data[i]! << 10) ^ (data[i + 1]! << 5) ^ data[i + 2]!) & ((1 << HASH_BITS) - 1);
  const insert = (i: number): void => {
    if (i + 2 >= data.length) return;
    const h = hashAt(i);
    prev[i & (WINDOW - 1)] = head[h]!;
    head[h] = i;
  };
  let i = 0;
  while (i < data.length) {
    let bestLen = 0;
    let bestDist = 0;
    if (i + 2 < data.length) {
      const limit = Math.min(MAX_MATCH, data.length - i);
      let candidate = head[hashAt(i)]!;
      for (let chain = 0; candidate >= 0 && i - candidate <= WINDOW && chain < maxChain; chain++) {
        let len = 0;
        while (len < limit && data[candidate + len] === data[i + len]) len++;
        if (len > bestLen) {
          bestLen = len;
          bestDist = i - candidate;
          if (len === limit) break;
        }
        const next = prev[candidate & (WINDOW - 1)]!;
        if (next >= candidate) break; // NOTE: the ring buffer slot was overwritten by a newer position.
        candidate = next;
      }
    }
    if (bestLen >= 3) {
      fixedMatch(w, bestLen, bestDist);
      for (let k = 0; k < bestLen; k++) insert(i + k);
      i += bestLen;
    } else {
      fixedLiteral(w, data[i]!);
      insert(i);
      i++;
    }
  }
  fixedLiteral(w, 256); // end of block
  return w.finish();
}

/** The input as stored blocks of at most 65535 bytes (an empty input is one empty final block). */
function deflateStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(data.length + blocks * 5);
  let o = 0;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, data.length - start);
    out[o++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE = 00; the rest of the byte is padding
    out[o++] = len & 0xff;
    out[o++] = len >>> 8;
    out[o++] = ~len & 0xff;
    out[o++] = (~len >>> 8) & 0xff;
    out.set(data.subarray(start, start + len), o);
    o += len;
  }
  return out;
}

/**
 * Raw DEFLATE (RFC 1951) of `data`.
 * @example
 * const packed = deflate(new Uint8Array(1000)); // 1000 zeros → a handful of bytes
 * inflate(packed).length; // 1000
 */
export function deflate(data: Uint8Array, options: DeflateOptions = {}): Uint8Array {
  const { mode = 'fixed', maxChain = 32 } = options;
  if (mode !== 'fixed' && mode !== 'stored') throw argError('deflate', 'options.mode', mode, "'fixed' or 'stored'");
  if (!Number.isInteger(maxChain) || maxChain < 1) throw argError('deflate', 'options.maxChain', maxChain, 'a positive integer');
  const stored = deflateStored(data);
  if (mode === 'stored') return stored;
  const fixed = deflateFixed(data, maxChain);
  // Incompressible data (noise) codes longer with fixed codes than stored; keep the shorter.
  return fixed.length <= stored.length ? fixed : stored;
}

/**
 * A zlib stream (RFC 1950): 2-byte header, DEFLATE data, Adler-32 of the input — what PNG's IDAT holds.
 * @example
 * const z = zlibCompress(new TextEncoder().encode('hello hello hello'));
 * new TextDecoder().decode(zlibDecompress(z)); // 'hello hello hello'
 */
export function zlibCompress(data: Uint8Array, options: DeflateOptions = {}): Uint8Array {
  const body = deflate(data, options);
  const out = new Uint8Array(body.length + 6);
  out[0] = 0x78; // CM = 8 (deflate), CINFO = 7 (32 KiB window)
  out[1] = 0x9c; // FLEVEL = 2 (default), FCHECK so that 0x789c % 31 == 0
  out.set(body, 2);
  const sum = adler32(data);
  out[out.length - 4] = sum >>> 24;
  out[out.length - 3] = (sum >>> 16) & 0xff;
  out[out.length - 2] = (sum >>> 8) & 0xff;
  out[out.length - 1] = sum & 0xff;
  return out;
}
