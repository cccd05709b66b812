// Character classes of BERT's tokenization.py (_is_whitespace, _is_control, _is_punctuation,
// _is_chinese_char), on one code point each, so that vocabularies trained with it tokenize alike.

const ZS = /^\p{Zs}$/u;
const OTHER = /^\p{C}$/u; // Cc, Cf, Cs, Co, Cn: Python's unicodedata categories starting with "C"
const PUNCT = /^\p{P}$/u;

/**
 * Whitespace as BERT sees it: space, tab, newline, carriage return, or category Zs (U+00A0, U+3000…).
 * @example
 * isWhitespace('\u00A0'); // true
 * isWhitespace('-');      // false
 */
export function isWhitespace(ch: string): boolean {
  // \t \n \r are technically control characters, but BERT counts them as whitespace.
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ZS.test(ch);
}

/**
 * A control character to drop while cleaning text: any category C* except tab, newline and
 * carriage return (kept as whitespace). Soft hyphen U+00AD (Cf) and U+200E/U+200F count.
 * @example
 * isControl('\u0005'); // true
 * isControl('\t');     // false
 */
export function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return OTHER.test(ch);
}

/**
 * Punctuation as BERT sees it: every non-alphanumeric printable ASCII character (33–47, 58–64,
 * 91–96, 123–126, so `$`, `^`, `` ` `` and `+` count though Unicode files them under S*), plus
 * Unicode categories P*.
 * @example
 * isPunctuation('$'); // true
 * isPunctuation('A'); // false
 */
export function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return PUNCT.test(ch);
}

/**
 * A CJK Unified Ideograph (the blocks BERT lists: U+4E00–9FFF, extensions A–E, compatibility
 * ideographs and their supplement). Hiragana, Katakana and Hangul are not in it: those scripts
 * write words with spaces or are handled by WordPiece like any other letters.
 * @example
 * isCjkIdeograph(0x535a); // true (博)
 * isCjkIdeograph(0x3042); // false (あ)
 */
export function isCjkIdeograph(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}
