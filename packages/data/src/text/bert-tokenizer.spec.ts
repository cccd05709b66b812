// BertTokenizer end to end on a hand-written vocabulary (fixtures/tiny-vocab.txt): the reference
// examples of BERT and Hugging Face, model inputs for pairs, truncation, padding and decoding.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BertTokenizer, cleanUpTokenization } from './bert-tokenizer.ts';
import { encodingToExample } from './encoding.ts';
import { TokenizerError } from './vocab.ts';

const VOCAB_PATH = fileURLToPath(new URL('./fixtures/tiny-vocab.txt', import.meta.url));
const VOCAB_TEXT = readFileSync(VOCAB_PATH, 'utf8');
const uncased = BertTokenizer.fromVocabText(VOCAB_TEXT);
const cased = BertTokenizer.fromVocabText(VOCAB_TEXT, { lowercase: false });

describe('BertTokenizer.tokenize', () => {
  it('runs the basic tokenizer then WordPiece (BERT test_full_tokenizer)', () => {
    const tokens = uncased.tokenize('UNwant\u00E9d,running');
    expect(tokens).toEqual(['un', '##want', '##ed', ',', 'runn', '##ing']);
    expect(uncased.convertTokensToIds(tokens)).toEqual([9, 6, 7, 12, 10, 11]);
  });

  it('gives [UNK] for unknown words and drops text that cleans to nothing (HF test_clean_text)', () => {
    expect(['Test', '\u00AD', 'test'].map((t) => uncased.tokenize(t))).toEqual([['[UNK]'], [], ['[UNK]']]);
  });

  it('splits CJK ideographs before WordPiece, or lets WordPiece see the run when told not to', () => {
    expect(uncased.tokenize('ah\u535A\u63A8zz')).toEqual(['ah', '博', '推', 'zz']);
    expect(cased.tokenize('的人有')).toEqual(['的', '人', '有']);
    const noCjk = BertTokenizer.fromVocabText(VOCAB_TEXT, { lowercase: false, handleChineseChars: false });
    expect(noCjk.tokenize('的人有')).toEqual(['的', '##人', '##有']);
  });

  it('makes a word longer than maxInputCharsPerWord [UNK]', () => {
    const short = BertTokenizer.fromVocabText(VOCAB_TEXT, { maxInputCharsPerWord: 5 });
    expect(short.tokenize('unwanted want')).toEqual(['[UNK]', 'want']);
    expect(uncased.tokenize(`${'a'.repeat(101)} a`)).toEqual(['[UNK]', 'a']);
  });

  it('keeps special tokens whole inside text, and does not lower-case them', () => {
    expect(uncased.tokenize('is[MASK]red [SEP]')).toEqual(['is', '[MASK]', 'red', '[SEP]']);
  });
});

describe('BertTokenizer.encode', () => {
  it('wraps a single text in [CLS] … [SEP] with token type 0', () => {
    const enc = uncased.encode('Hello!');
    expect(enc.tokens).toEqual(['[CLS]', 'hello', '!', '[SEP]']);
    expect(enc.ids).toEqual([2, 19, 16, 3]);
    expect(enc.tokenTypeIds).toEqual([0, 0, 0, 0]);
    expect(enc.attentionMask).toEqual([1, 1, 1, 1]);
    expect(enc.specialTokensMask).toEqual([1, 0, 0, 1]);
  });

  it('encodes a pair as [CLS] A [SEP] B [SEP] with token types 0 then 1', () => {
    const enc = uncased.encode('Is it red?', 'A red circle.');
    expect(enc.ids).toEqual([2, 23, 24, 25, 17, 3, 26, 25, 27, 15, 3]);
    expect(enc.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(uncased.encode('is', 'red', { addSpecialTokens: false }).tokens).toEqual(['is', 'red']);
  });

  it('truncates a pair with longest_first (the default), only_first and only_second', () => {
    const tokens = (truncation?: 'only_first' | 'only_second') =>
      uncased.encode('Is it red?', 'A red circle.', { maxLength: 8, ...(truncation ? { truncation } : {}) }).tokens;
    expect(tokens()).toEqual(['[CLS]', 'is', 'it', 'red', '[SEP]', 'a', 'red', '[SEP]']);
    expect(tokens('only_first')).toEqual(['[CLS]', 'is', '[SEP]', 'a', 'red', 'circle', '.', '[SEP]']);
    expect(tokens('only_second')).toEqual(['[CLS]', 'is', 'it', 'red', '?', '[SEP]', 'a', '[SEP]']);
    expect(uncased.encode('how are you', undefined, { maxLength: 4 }).tokens).toEqual(['[CLS]', 'how', 'are', '[SEP]']);
  });

  it('pads to maxLength with [PAD], mask 0 and token type 0', () => {
    const enc = uncased.encode('Is it red?', 'A red circle.', { maxLength: 14, padding: 'max_length' });
    expect(enc.ids).toEqual([2, 23, 24, 25, 17, 3, 26, 25, 27, 15, 3, 0, 0, 0]);
    expect(enc.attentionMask).toEqual([...Array<number>(11).fill(1), 0, 0, 0]);
    expect(enc.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(enc.tokens.slice(11)).toEqual(['[PAD]', '[PAD]', '[PAD]']);
    expect(enc.offsets.slice(11)).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(uncased.padId).toBe(0);
    expect(uncased.maskId).toBe(4);
  });

  it('pads up to a multiple of padToMultipleOf', () => {
    expect(uncased.encode('Is it red?', 'A red circle.', { padding: 'longest', padToMultipleOf: 8 }).ids).toHaveLength(16);
    expect(uncased.encode('hello', undefined, { padding: 'max_length', maxLength: 5, padToMultipleOf: 4 }).ids).toEqual([2, 19, 3, 0, 0, 0, 0, 0]);
  });

  it('gives offsets into each input text (HF test_offsets_with_special_characters)', () => {
    const text = 'A, naïve [MASK] AllenNLP sentence.';
    const lower = uncased.encode(text);
    expect(lower.tokens).toEqual(['[CLS]', 'a', ',', 'naive', '[MASK]', 'allen', '##nl', '##p', 'sentence', '.', '[SEP]']);
    expect(lower.offsets).toEqual([[0, 0], [0, 1], [1, 2], [3, 8], [9, 15], [16, 21], [21, 23], [23, 24], [25, 33], [33, 34], [0, 0]]);
    const upper = cased.encode(text);
    expect(upper.tokens).toEqual(['[CLS]', 'A', ',', 'na', '##ï', '##ve', '[MASK]', 'Allen', '##NL', '##P', 'sentence', '.', '[SEP]']);
    expect(upper.offsets.slice(3, 6)).toEqual([[3, 5], [5, 6], [6, 8]]);
    const pair = uncased.encode('red', 'a circle');
    expect(pair.offsets).toEqual([[0, 0], [0, 3], [0, 0], [0, 1], [2, 8], [0, 0]]);
  });

  it('explains a maxLength too small for the special tokens', () => {
    expect(() => uncased.encode('hello', undefined, { maxLength: 1 })).toThrow(
      new TokenizerError('encode: maxLength 1 is too small; the special tokens of a single sequence take 2, so expected maxLength >= 2'),
    );
    expect(() => uncased.encode('hello', 'how', { maxLength: 2 })).toThrow(TokenizerError);
  });
});

describe('BertTokenizer.encodeBatch', () => {
  it('pads every input to the longest in the batch', () => {
    const encs = uncased.encodeBatch(['hello', ['how are you', 'the circle'], 'unwanted'], { padding: 'longest' });
    expect(encs.map((e) => e.ids.length)).toEqual([8, 8, 8]);
    expect(encs[0]!.attentionMask).toEqual([1, 1, 1, 0, 0, 0, 0, 0]);
    expect(encs[1]!.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    expect(encs[2]!.tokens).toEqual(['[CLS]', 'un', '##want', '##ed', '[SEP]', '[PAD]', '[PAD]', '[PAD]']);
    expect(uncased.encodeBatch(['hello', 'how are you'], {}).map((e) => e.ids.length)).toEqual([3, 5]);
  });

  it('turns an encoding into Int32 host arrays for collate', () => {
    const ex = encodingToExample(uncased.encode('hello', 'red', { maxLength: 6, padding: 'max_length' }));
    expect(ex.inputIds.shape).toEqual([6]);
    expect(Array.from(ex.inputIds.data)).toEqual([2, 19, 3, 25, 3, 0]);
    expect(ex.tokenTypeIds.data).toBeInstanceOf(Int32Array);
    expect(Array.from(ex.tokenTypeIds.data)).toEqual([0, 0, 0, 1, 1, 0]);
    expect(Array.from(ex.attentionMask.data)).toEqual([1, 1, 1, 1, 1, 0]);
  });
});

describe('BertTokenizer.decode', () => {
  it('joins ## pieces and cleans spaces before punctuation (round trip of HF get_input_output_texts)', () => {
    const ids = uncased.encode('UNwant\u00E9d,running').ids;
    expect(uncased.decode(ids)).toBe('[CLS] unwanted, running [SEP]');
    expect(uncased.decode(ids, { skipSpecialTokens: true })).toBe('unwanted, running');
    expect(uncased.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false })).toBe('unwanted , running');
  });

  it('round-trips a padded pair and a contraction', () => {
    const enc = uncased.encode('Is it red?', 'A red circle.', { maxLength: 16, padding: 'max_length' });
    expect(uncased.decode(enc.ids, { skipSpecialTokens: true })).toBe('is it red? a red circle.');
    expect(uncased.decode(uncased.encode("Don't!").ids, { skipSpecialTokens: true })).toBe("don't!");
  });

  it('drops [UNK] with the other special tokens when skipping, like Hugging Face', () => {
    expect(uncased.decode(uncased.encode('hello xyzzy').ids, { skipSpecialTokens: true })).toBe('hello');
    expect(uncased.decode([11, 5])).toBe('##ing want'); // a leading continuation keeps its ##
  });

  it('names an id outside the vocabulary and its position', () => {
    expect(() => uncased.decode([2, 999])).toThrow('decode: id 999 at position 1 is not in the vocabulary; expected an integer in 0..56');
  });
});

describe('BertTokenizer construction', () => {
  it('names a missing special token, its role and the vocabulary file', () => {
    const noMask = VOCAB_TEXT.replace('[MASK]\n', '');
    expect(() => BertTokenizer.fromVocabText(noMask, {}, 'bert/vocab.txt')).toThrow(
      'bert/vocab.txt: mask token (specialTokens.mask) "[MASK]" is not in the vocabulary (56 tokens)',
    );
  });

  it('accepts other special token strings when they are named', () => {
    const text = VOCAB_TEXT.replace('[PAD]', '<pad>').replace('[CLS]', '<s>');
    const tok = BertTokenizer.fromVocabText(text, { specialTokens: { pad: '<pad>', cls: '<s>' } });
    expect(tok.encode('red', undefined, { maxLength: 4, padding: 'max_length' }).tokens).toEqual(['<s>', 'red', '[SEP]', '<pad>']);
  });

  it('loads a vocab.txt from disk, naming the file in errors', async () => {
    const tok = await BertTokenizer.fromVocabFile(VOCAB_PATH);
    expect(tok.vocab.size).toBe(57);
    expect(tok.vocab.source).toBe(VOCAB_PATH);
    expect(tok.tokenize('unwanted')).toEqual(['un', '##want', '##ed']);
  });
});

describe('cleanUpTokenization', () => {
  it('removes the spaces a tokenizer put before punctuation and in contractions', () => {
    expect(cleanUpTokenization("hello , world ! do n't i 'm it 's we 've they 're a . b ?")).toBe(
      "hello, world! don't i'm it's we've they're a. b?",
    );
  });
});
