// BasicTokenizer against the examples of google-research/bert tokenization_test.py and Hugging
// Face's test_tokenization_bert.py, plus the character spans it keeps.
import { describe, expect, it } from 'vitest';
import { BasicTokenizer } from './basic-tokenizer.ts';

const MIXED = ' \tHeLLo!how  \n Are yoU?  ';
const ACCENTED = ' \tHäLLo!how  \n Are yoU?  ';

describe('BasicTokenizer', () => {
  it('lower-cases and splits on whitespace and punctuation by default', () => {
    const tok = new BasicTokenizer();
    expect(tok.tokenize(MIXED)).toEqual(['hello', '!', 'how', 'are', 'you', '?']);
    expect(tok.tokenize('H\u00E9llo')).toEqual(['hello']);
  });

  it('keeps case when lowercase is false', () => {
    expect(new BasicTokenizer({ lowercase: false }).tokenize(MIXED)).toEqual(['HeLLo', '!', 'how', 'Are', 'yoU', '?']);
  });

  it('strips accents exactly when asked, following lowercase by default', () => {
    const cases: [boolean, boolean | undefined, string[], string][] = [
      [true, undefined, ['hallo', '!', 'how', 'are', 'you', '?'], 'hello'],
      [true, true, ['hallo', '!', 'how', 'are', 'you', '?'], 'hello'],
      [true, false, ['hällo', '!', 'how', 'are', 'you', '?'], 'h\u00E9llo'],
      [false, undefined, ['HäLLo', '!', 'how', 'Are', 'yoU', '?'], 'H\u00E9llo'],
      [false, false, ['HäLLo', '!', 'how', 'Are', 'yoU', '?'], 'H\u00E9llo'],
      [false, true, ['HaLLo', '!', 'how', 'Are', 'yoU', '?'], 'Hello'],
    ];
    for (const [lowercase, stripAccents, accented, hello] of cases) {
      const tok = new BasicTokenizer({ lowercase, ...(stripAccents === undefined ? {} : { stripAccents }) });
      expect(tok.tokenize(ACCENTED), `lowercase=${lowercase} strip=${stripAccents}`).toEqual(accented);
      expect(tok.tokenize('H\u00E9llo')).toEqual([hello]);
    }
  });

  it('strips a decomposed accent too (e + U+0301)', () => {
    expect(new BasicTokenizer().tokenize('Cafe\u0301 RÉSUMÉ')).toEqual(['cafe', 'resume']);
  });

  it('puts each CJK ideograph in a word of its own', () => {
    expect(new BasicTokenizer().tokenize('ah\u535A\u63A8zz')).toEqual(['ah', '\u535A', '\u63A8', 'zz']);
    expect(new BasicTokenizer().tokenize('的人有')).toEqual(['的', '人', '有']);
  });

  it('leaves CJK runs whole when handleChineseChars is false, and never splits kana', () => {
    expect(new BasicTokenizer({ handleChineseChars: false }).tokenize('的人有')).toEqual(['的人有']);
    expect(new BasicTokenizer({ stripAccents: false }).tokenize('ひらがな')).toEqual(['ひらがな']);
  });

  it('strips the voicing mark of kana when stripping accents, as uncased BERT does (が → か)', () => {
    // NFD splits が into か + U+3099, a combining mark (Mn): BERT's well-known uncased quirk.
    expect(new BasicTokenizer().tokenize('ひらがな')).toEqual(['ひらかな']);
  });

  it('splits every punctuation character into its own token', () => {
    expect(new BasicTokenizer().tokenize("a\n'll !!to?'d of, can't.")).toEqual(
      ['a', "'", 'll', '!', '!', 'to', '?', "'", 'd', 'of', ',', 'can', "'", 't', '.'],
    );
    expect(new BasicTokenizer().tokenize('x^2+y$')).toEqual(['x', '^', '2', '+', 'y', '$']);
  });

  it('keeps never-split tokens whole and unnormalised, even next to other text', () => {
    const tok = new BasicTokenizer({ lowercase: false, neverSplit: ['[UNK]'] });
    expect(tok.tokenize(' \tHeLLo!how  \n Are yoU? [UNK]')).toEqual(['HeLLo', '!', 'how', 'Are', 'yoU', '?', '[UNK]']);
    const lower = new BasicTokenizer({ neverSplit: ['[MASK]', '[MASK2]'] });
    expect(lower.tokenize('A[MASK]b [MASK2].')).toEqual(['a', '[MASK]', 'b', '[MASK2]', '.']);
  });

  it('drops NUL, U+FFFD and control characters, and turns all whitespace into separators', () => {
    const tok = new BasicTokenizer();
    expect(tok.tokenize('\u200E\u200F')).toEqual([]);
    expect(tok.tokenize('\u00AD')).toEqual([]);
    expect(tok.tokenize('ab\u0000c\uFFFDd\u0005e\u00ADf')).toEqual(['abcdef']);
    expect(tok.tokenize('one\u00A0two\u3000three\u2028four')).toEqual(['one', 'two', 'three', 'four']);
  });

  it('keeps control characters when cleanText is false', () => {
    expect(new BasicTokenizer({ cleanText: false }).tokenize('\u200E\u200F')).toEqual(['\u200E\u200F']);
  });

  it('lower-cases characters whose lower case is longer (İ → i + dot, stripped to i)', () => {
    expect(new BasicTokenizer().tokenize('İstanbul')).toEqual(['istanbul']);
    expect(new BasicTokenizer({ stripAccents: false }).tokenize('İ')).toEqual(['i\u0307']);
  });

  it('gives every code point of a word its span in the input', () => {
    const text = 'A, naïve [MASK] AllenNLP 𠀀x.';
    const words = new BasicTokenizer({ neverSplit: ['[MASK]'] }).words(text);
    expect(words.map((w) => w.text)).toEqual(['a', ',', 'naive', '[MASK]', 'allennlp', '𠀀', 'x', '.']);
    const naive = words[2]!;
    expect(naive.spans).toEqual([[3, 4], [4, 5], [5, 6], [6, 7], [7, 8]]);
    expect(words[3]).toMatchObject({ neverSplit: true, spans: [[9, 10], [10, 11], [11, 12], [12, 13], [13, 14], [14, 15]] });
    // U+20000 is a surrogate pair: one code point, two UTF-16 units.
    expect(words[5]!.spans).toEqual([[25, 27]]);
    for (const w of words) expect(Array.from(w.text)).toHaveLength(w.spans.length);
  });

  it('rejects an empty never-split token', () => {
    expect(() => new BasicTokenizer({ neverSplit: [''] })).toThrow(/neverSplit has an empty token/);
  });
});
