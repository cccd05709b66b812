// CRC-32 (PNG chunks, ISO 3309 / zlib polynomial 0xEDB88320) and Adler-32 (the zlib stream trailer).

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 of `bytes`, continuing from `crc` (pass a previous result to checksum data in pieces).
 * @example
 * crc32(new TextEncoder().encode('123456789')); // 0xcbf43926
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Adler-32 of `bytes` (RFC 1950), as zlib streams end with it.
 * @example
 * adler32(new TextEncoder().encode('Wikipedia')); // 0x11e60398
 */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  // NOTE: 5552 is the largest run for which b cannot overflow 2^32 before the modulo (zlib's NMAX).
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(i + 5552, bytes.length);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
