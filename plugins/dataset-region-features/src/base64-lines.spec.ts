import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { LineSplitter } from './lines.ts';

describe('base64', () => {
  it("agrees with Node's Buffer on every length and padding", () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 73 + n) & 255);
      const text = Buffer.from(bytes).toString('base64');
      expect([n, encodeBase64(bytes)]).toEqual([n, text]);
      expect([n, Array.from(decodeBase64(text))]).toEqual([n, Array.from(bytes)]);
    }
    const big = Uint8Array.from({ length: 100_000 }, (_, i) => i & 255);
    expect(encodeBase64(big)).toBe(Buffer.from(big).toString('base64'));
  });

  it('names a bad character, a bad length and padding in the middle', () => {
    expect(() => decodeBase64('AAA')).toThrow('base64 length 3 is not a multiple of 4 (truncated?)');
    expect(() => decodeBase64('AA-A')).toThrow('invalid base64 character "-" at offset 2');
    expect(() => decodeBase64('AA==AAAA')).toThrow('invalid base64 character "=" at offset 2');
    expect(() => decodeBase64('AAé=')).toThrow('invalid base64 character "é" at offset 2');
  });
});

describe('LineSplitter', () => {
  it('splits any chunking into the same numbered lines, for \\n and \\r\\n, and flags an unterminated last line', () => {
    const text = new TextEncoder().encode('a\tb\r\n\r\nçé\nlast');
    for (const step of [1, 2, 3, 100]) {
      const split = new LineSplitter();
      const lines = [];
      for (let i = 0; i < text.length; i += step) lines.push(...split.push(text.subarray(i, i + step)));
      lines.push(...split.end());
      expect(lines).toEqual([
        { number: 1, text: 'a\tb', terminated: true }, { number: 2, text: '', terminated: true },
        { number: 3, text: 'çé', terminated: true }, { number: 4, text: 'last', terminated: false },
      ]);
    }
    const split = new LineSplitter();
    expect([...split.push(new TextEncoder().encode('x\n')), ...split.end()]).toEqual([{ number: 1, text: 'x', terminated: true }]);
  });
});
