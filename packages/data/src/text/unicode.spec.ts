// Character classes against BERT's tokenization_test.py and the Unicode categories they rest on.
import { describe, expect, it } from 'vitest';
import { isCjkIdeograph, isControl, isPunctuation, isWhitespace } from './unicode.ts';

describe('isWhitespace', () => {
  it('accepts space, tab, CR, LF and category Zs, as BERT does', () => {
    for (const ch of [' ', '\t', '\r', '\n', '\u00A0', '\u3000', '\u2003']) expect(isWhitespace(ch), JSON.stringify(ch)).toBe(true);
  });
  it('rejects letters, punctuation and other separators', () => {
    for (const ch of ['A', '-', '\u2028', '\u000B']) expect(isWhitespace(ch), JSON.stringify(ch)).toBe(false);
  });
});

describe('isControl', () => {
  it('accepts category C* characters: C0 controls, soft hyphen, bidi marks, private use', () => {
    for (const ch of ['\u0005', '\u0000', '\u007F', '\u00AD', '\u200E', '\u200F', '\uE000']) expect(isControl(ch), JSON.stringify(ch)).toBe(true);
  });
  it('keeps tab, CR, LF (whitespace for BERT), letters, spaces and emoji', () => {
    for (const ch of ['A', ' ', '\t', '\r', '\n', '\u{1F4A9}']) expect(isControl(ch), JSON.stringify(ch)).toBe(false);
  });
});

describe('isPunctuation', () => {
  it('accepts every non-alphanumeric printable ASCII character, symbols included', () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).filter((c) => /[^A-Za-z0-9 ]/.test(c));
    expect(ascii).toHaveLength(32);
    for (const ch of ascii) expect(isPunctuation(ch), ch).toBe(true);
  });
  it('accepts Unicode P* outside ASCII but not Unicode symbols', () => {
    for (const ch of ['«', '¿', '。', '—', '\u2019']) expect(isPunctuation(ch), ch).toBe(true);
    for (const ch of ['€', '©', '°']) expect(isPunctuation(ch), ch).toBe(false);
  });
  it('rejects letters, digits and spaces', () => {
    for (const ch of ['A', 'é', '7', ' ']) expect(isPunctuation(ch), ch).toBe(false);
  });
});

describe('isCjkIdeograph', () => {
  it('covers the unified block, its extensions and the compatibility ideographs', () => {
    for (const cp of [0x4e00, 0x535a, 0x9fff, 0x3400, 0x20000, 0x2a6df, 0x2b740, 0x2ceaf, 0xf900, 0x2f800]) {
      expect(isCjkIdeograph(cp), cp.toString(16)).toBe(true);
    }
  });
  it('leaves out kana, hangul, CJK punctuation and the block edges', () => {
    for (const cp of [0x3042, 0x30a2, 0xac00, 0x3002, 0x4dff, 0xa000, 0x2a6e0, 0x2fa20]) {
      expect(isCjkIdeograph(cp), cp.toString(16)).toBe(false);
    }
  });
});
