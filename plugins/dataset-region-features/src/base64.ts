// Strict standard base64 (RFC 4648 §4, `+/`, `=` padding), as Python's base64.b64encode writes it and
// b64decode reads it. Pure and browser-safe; errors say which character, where, and why.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/**
 * Decodes base64 `text`. Throws a RangeError naming the first offending character and its offset,
 * a length that is not a multiple of 4, or padding in the middle.
 * @example
 * decodeBase64('AACAPw=='); // Uint8Array [0, 0, 128, 63] (float32 1.0)
 */
export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new RangeError(`base64 length ${text.length} is not a multiple of 4 (truncated?)`);
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let quad = 0;
    for (let k = 0; k < 4; k++) {
      const at = i + k;
      const code = text.charCodeAt(at);
      const value = code < 128 ? DECODE[code]! : -1;
      if (value < 0) {
        // '=' is only valid in the final padding.
        if (code === 0x3d && at >= text.length - pad) continue;
        throw new RangeError(`invalid base64 character ${JSON.stringify(text[at])} at offset ${at}`);
      }
      quad |= value << (18 - 6 * k);
    }
    out[o++] = quad >>> 16;
    if (o < out.length) out[o++] = (quad >>> 8) & 255;
    if (o < out.length) out[o++] = quad & 255;
  }
  return out;
}

/**
 * Encodes `bytes` as padded standard base64.
 * @example
 * encodeBase64(Uint8Array.of(0, 0, 128, 63)); // 'AACAPw=='
 */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    chunk += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]!;
    chunk += i + 1 < bytes.length ? ALPHABET[(n >>> 6) & 63]! : '=';
    chunk += i + 2 < bytes.length ? ALPHABET[n & 63]! : '=';
    // Joined in pieces: one long `+=` chain is quadratic in some engines for MB-sized features.
    if (chunk.length >= 8192) (parts.push(chunk), (chunk = ''));
  }
  parts.push(chunk);
  return parts.join('');
}
