// DEFLATE and zlib decompression in TypeScript (stored, fixed and dynamic Huffman blocks), in the manner of zlib's puff.c.
import { adler32 } from './checksum.ts';
import { DIST_BASE, DIST_EXTRA, FIXED_DIST_LENGTHS, FIXED_LITERAL_LENGTHS, LENGTH_BASE, LENGTH_EXTRA } from './deflate-tables.ts';

/** A canonical Huffman code as puff.c keeps it: how many codes of each length, and the symbols in code order. */
interface Huffman {
  readonly count: Uint16Array;
  readonly symbol: Uint16Array;
}

/** Builds the decoding tables of a canonical code from its code lengths; throws on an over-subscribed set. */
function buildHuffman(lengths: Uint8Array, what: string): Huffman {
  const count = new Uint16Array(16);
  for (const len of lengths) count[len]!++;
  count[0] = 0;
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left = left * 2 - count[len]!;
    if (left < 0) throw new Error(`inflate: over-subscribed ${what} code lengths`);
  }
  const offs = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offs[len + 1] = offs[len]! + count[len]!;
  const symbol = new Uint16Array(lengths.length);
  for (let sym = 0; sym < lengths.length; sym++) if (lengths[sym]! !== 0) symbol[offs[lengths[sym]!]!++] = sym;
  return { count, symbol };
}

const FIXED_LITERAL = buildHuffman(FIXED_LITERAL_LENGTHS, 'fixed literal');
const FIXED_DIST = buildHuffman(FIXED_DIST_LENGTHS, 'fixed distance');
/** The order code-length code lengths are sent in (RFC 1951 §3.2.7). */
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15] as const;

/** Reads bits least-significant first and writes into a growing output buffer. */
class Inflater {
  private pos = 0;
  private acc = 0;
  private nbits = 0;
  out: Uint8Array;
  outLen = 0;

  constructor(private readonly input: Uint8Array, sizeHint: number, private readonly maxSize = Infinity) {
    this.out = new Uint8Array(Math.min(Math.max(1024, sizeHint), maxSize));
  }

  get bytePos(): number {
    return this.pos;
  }

  bits(n: number): number {
    while (this.nbits < n) {
      if (this.pos >= this.input.length) throw new Error('inflate: unexpected end of the compressed data');
      this.acc |= this.input[this.pos++]! << this.nbits;
      this.nbits += 8;
    }
    const value = this.acc & ((1 << n) - 1);
    this.acc >>>= n;
    this.nbits -= n;
    return value;
  }

  /** Decodes one symbol, one bit at a time (codes are packed most significant bit first). */
  decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= this.bits(1);
      const count = h.count[len]!;
      if (code - count < first) return h.symbol[index + (code - first)]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Error('inflate: invalid Huffman code in the compressed data');
  }

  ensure(extra: number): void {
    if (this.outLen + extra <= this.out.length) return;
    // A stream that inflates past what its reader can use (a "zip bomb") stops here, not after gigabytes.
    if (this.outLen + extra > this.maxSize) throw new Error(`inflate: the data inflates past ${this.maxSize} bytes, the most expected`);
    const grown = new Uint8Array(Math.min(Math.max(this.out.length * 2, this.outLen + extra), this.maxSize));
    grown.set(this.out.subarray(0, this.outLen));
    this.out = grown;
  }

  stored(): void {
    this.acc = 0; // drop the rest of the current byte
    this.nbits = 0;
    if (this.pos + 4 > this.input.length) throw new Error('inflate: unexpected end of the compressed data');
    const len = this.input[this.pos]! | (this.input[this.pos + 1]! << 8);
    const nlen = this.input[this.pos + 2]! | (this.input[this.pos + 3]! << 8);
    if ((len ^ 0xffff) !== nlen) throw new Error(`inflate: stored block length ${len} does not match its complement ${nlen}`);
    this.pos += 4;
    if (this.pos + len > this.input.length) throw new Error('inflate: unexpected end of the compressed data');
    this.ensure(len);
    this.out.set(this.input.subarray(this.pos, this.pos + len), this.outLen);
    this.outLen += len;
    this.pos += len;
  }

  codes(lit: Huffman, dist: Huffman): void {
    for (;;) {
      const sym = this.decode(lit);
      if (sym < 256) {
        this.ensure(1);
        this.out[this.outLen++] = sym;
      } else if (sym === 256) {
        return;
      } else {
        const li = sym - 257;
        if (li >= 29) throw new Error(`inflate: invalid length symbol ${sym}`);
        const len = LENGTH_BASE[li]! + this.bits(LENGTH_EXTRA[li]!);
        const dc = this.decode(dist);
        if (dc >= 30) throw new Error(`inflate: invalid distance symbol ${dc}`);
        const d = DIST_BASE[dc]! + this.bits(DIST_EXTRA[dc]!);
        if (d > this.outLen) throw new Error(`inflate: distance ${d} reaches before the start of the output (${this.outLen} bytes)`);
        this.ensure(len);
        // NOTE: byte by byte, since a match may overlap the bytes it is copying (distance < length).
        for (let k = 0; k < len; k++, this.outLen++) this.out[this.outLen] = this.out[this.outLen - d]!;
      }
    }
  }

  dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw new Error(`inflate: bad dynamic block counts (${nlen} literal, ${ndist} distance)`);
    const clens = new Uint8Array(19);
    for (let i = 0; i < ncode; i++) clens[CLEN_ORDER[i]!] = this.bits(3);
    const clen = buildHuffman(clens, 'code-length');
    const lengths = new Uint8Array(nlen + ndist);
    for (let i = 0; i < nlen + ndist; ) {
      const sym = this.decode(clen);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let repeat: number;
      let value = 0;
      if (sym === 16) {
        if (i === 0) throw new Error('inflate: repeat of a code length with none before it');
        value = lengths[i - 1]!;
        repeat = 3 + this.bits(2);
      } else repeat = sym === 17 ? 3 + this.bits(3) : 11 + this.bits(7);
      if (i + repeat > nlen + ndist) throw new Error('inflate: code-length repeat runs past the end of the lengths');
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
    if (lengths[256] === 0) throw new Error('inflate: dynamic block has no end-of-block code');
    this.codes(buildHuffman(lengths.subarray(0, nlen), 'literal/length'), buildHuffman(lengths.subarray(nlen), 'distance'));
  }
}

/** Runs the blocks of a raw DEFLATE stream starting at byte `start`; returns the output and where the stream ended. */
function runInflate(input: Uint8Array, start: number, sizeHint: number, maxSize = Infinity): { out: Uint8Array; end: number } {
  const s = new Inflater(input.subarray(start), sizeHint, maxSize);
  let last = 0;
  while (!last) {
    last = s.bits(1);
    const type = s.bits(2);
    if (type === 0) s.stored();
    else if (type === 1) s.codes(FIXED_LITERAL, FIXED_DIST);
    else if (type === 2) s.dynamic();
    else throw new Error('inflate: invalid block type 3');
  }
  return { out: s.out.slice(0, s.outLen), end: start + s.bytePos };
}

/**
 * Decompresses raw DEFLATE data (RFC 1951). `sizeHint`, if known, avoids regrowing the output;
 * past `maxSize` output bytes it throws instead of going on.
 * @example
 * inflate(deflate(new Uint8Array([1, 2, 3]))); // Uint8Array [1, 2, 3]
 */
export function inflate(data: Uint8Array, sizeHint = 0, maxSize = Infinity): Uint8Array {
  return runInflate(data, 0, sizeHint, maxSize).out;
}

/**
 * Decompresses a zlib stream (RFC 1950), checking its header and Adler-32 trailer; past `maxSize`
 * output bytes it throws instead of going on.
 * @example
 * zlibDecompress(zlibCompress(new Uint8Array([7, 7, 7]))); // Uint8Array [7, 7, 7]
 */
export function zlibDecompress(data: Uint8Array, sizeHint = 0, maxSize = Infinity): Uint8Array {
  if (data.length < 6) throw new Error(`zlibDecompress: a zlib stream has at least 6 bytes, got ${data.length}`);
  const cmf = data[0]!;
  const flg = data[1]!;
  if ((cmf & 0x0f) !== 8 || (cmf << 8 | flg) % 31 !== 0) {
    throw new Error(`zlibDecompress: bad zlib header 0x${((cmf << 8) | flg).toString(16)} (expected deflate with a valid check)`);
  }
  if (flg & 0x20) throw new Error('zlibDecompress: preset dictionaries are not supported');
  const { out, end } = runInflate(data, 2, sizeHint, maxSize);
  if (end + 4 > data.length) throw new Error('zlibDecompress: stream ends before its Adler-32 trailer');
  const want = ((data[end]! << 24) | (data[end + 1]! << 16) | (data[end + 2]! << 8) | data[end + 3]!) >>> 0;
  const got = adler32(out);
  if (want !== got) throw new Error(`zlibDecompress: Adler-32 mismatch (stream says 0x${want.toString(16)}, data gives 0x${got.toString(16)})`);
  return out;
}
