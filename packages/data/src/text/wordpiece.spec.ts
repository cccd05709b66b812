// WordPiece against BERT's test_wordpiece_tokenizer, plus long words and the pieces' positions.
import { describe, expect, it } from 'vitest';
import { WordPiece } from './wordpiece.ts';

const VOCAB = new Set(['[UNK]', '[CLS]', '[SEP]', 'want', '##want', '##ed', 'wa', 'un', 'runn', '##ing']);

describe('WordPiece', () => {
  it('splits greedily, longest match first, with ## on continuation pieces', () => {
    const wp = new WordPiece(VOCAB);
    expect(wp.tokenize('')).toEqual([]);
    expect(wp.tokenize('unwanted running')).toEqual(['un', '##want', '##ed', 'runn', '##ing']);
  });

  it('makes a word with an uncoverable remainder one [UNK], not just its tail', () => {
    expect(new WordPiece(VOCAB).tokenize('unwantedX running')).toEqual(['[UNK]', 'runn', '##ing']);
  });

  it('prefers the longest first piece even when a shorter one would also work', () => {
    // "want" beats "wa"; then "##ed" from "wanted".
    expect(new WordPiece(VOCAB).tokenize('wanted')).toEqual(['want', '##ed']);
  });

  it('gives each piece its code-point range in the word', () => {
    expect(new WordPiece(VOCAB).tokenizeWord('unwanted')).toEqual([
      { token: 'un', start: 0, end: 2 },
      { token: '##want', start: 2, end: 6 },
      { token: '##ed', start: 6, end: 8 },
    ]);
  });

  it('makes a word over 100 characters [UNK] and keeps one of exactly 100', () => {
    const vocab = new Set(['[UNK]', 'a', '##a']);
    const wp = new WordPiece(vocab);
    expect(wp.tokenize('a'.repeat(100))).toEqual(['a', ...Array<string>(99).fill('##a')]);
    expect(wp.tokenizeWord('a'.repeat(101))).toEqual([{ token: '[UNK]', start: 0, end: 101 }]);
  });

  it('counts length in code points, and honours a custom limit, prefix and unknown token', () => {
    const wp = new WordPiece(new Set(['<unk>', '𠀀', '@@𠀀']), { maxInputCharsPerWord: 3, continuingSubwordPrefix: '@@', unkToken: '<unk>' });
    expect(wp.tokenize('𠀀𠀀𠀀')).toEqual(['𠀀', '@@𠀀', '@@𠀀']); // 6 UTF-16 units, 3 code points
    expect(wp.tokenize('𠀀𠀀𠀀𠀀 x')).toEqual(['<unk>', '<unk>']);
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new WordPiece(VOCAB, { maxInputCharsPerWord: 0 })).toThrow('maxInputCharsPerWord must be an integer >= 1, got 0');
  });
});
