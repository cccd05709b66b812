// The DEFLATE (RFC 1951 §3.2.5) length and distance code tables, shared by the encoder and the decoder.

/** Base match length of length codes 257..285. */
export const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258] as const;
/** Extra bits after length codes 257..285. */
export const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0] as const;
/** Base distance of distance codes 0..29. */
export const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289,
  16385, 24577,
] as const;
/** Extra bits after distance codes 0..29. */
export const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13] as const;

/** Code lengths of the fixed literal/length code (RFC 1951 §3.2.6): 288 symbols. */
export const FIXED_LITERAL_LENGTHS: Uint8Array = (() => {
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  return lengths;
})();

/** Code lengths of the fixed distance code: 30 symbols of 5 bits (32 with the two unused ones). */
export const FIXED_DIST_LENGTHS: Uint8Array = new Uint8Array(30).fill(5);

/** Index into LENGTH_BASE for a match length in [3, 258]. */
export const LENGTH_CODE_INDEX: Uint8Array = (() => {
  const index = new Uint8Array(259);
  for (let code = 0; code < LENGTH_BASE.length; code++) {
    const end = code + 1 < LENGTH_BASE.length ? LENGTH_BASE[code + 1]! : 259;
    for (let len = LENGTH_BASE[code]!; len < end; len++) index[len] = code;
  }
  index[258] = 28; // NOTE: 258 has its own code (285, 0 extra bits), not 284 + 31.
  return index;
})();

/** The distance code of a distance in [1, 32768]. */
export function distCode(dist: number): number {
  let code = 0;
  while (code + 1 < DIST_BASE.length && DIST_BASE[code + 1]! <= dist) code++;
  return code;
}
