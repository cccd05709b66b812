// tokenizer.json loading on small files written here in Hugging Face's format (the shape that
// `tokenizers` saves for bert-base-uncased), from the same vocabulary as the vocab.txt fixture.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BertTokenizer } from './bert-tokenizer.ts';
import { parseTokenizerJson } from './tokenizer-json.ts';
import { TokenizerError } from './vocab.ts';

const VOCAB_TEXT = readFileSync(fileURLToPath(new URL('./fixtures/tiny-vocab.txt', import.meta.url)), 'utf8');
const TOKENS = VOCAB_TEXT.trimEnd().split('\n');
const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/** A tokenizer.json as `tokenizers` writes it for BERT; `patch` edits it before it is returned. */
function tokenizerJson(patch: (j: Record<string, any>) => void = () => {}, tokens = TOKENS): Record<string, any> {
  const j: Record<string, any> = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content) => ({
      id: tokens.indexOf(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100,
      vocab: Object.fromEntries(tokens.map((t, i) => [t, i])),
    },
  };
  patch(j);
  return j;
}

function writeJson(j: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'wordpiece-')), 'tokenizer.json');
  writeFileSync(path, JSON.stringify(j));
  return path;
}

const TEXTS = ['UNwant\u00E9d,running', 'A, naïve [MASK] AllenNLP sentence.', 'ah\u535A\u63A8zz', 'Is it red?'];

describe('BertTokenizer.fromTokenizerJsonFile', () => {
  it('encodes exactly as the vocab.txt tokenizer with the same settings', async () => {
    const fromJson = await BertTokenizer.fromTokenizerJsonFile(writeJson(tokenizerJson()));
    const fromTxt = BertTokenizer.fromVocabText(VOCAB_TEXT);
    expect(fromJson.vocab.size).toBe(fromTxt.vocab.size);
    for (const text of TEXTS) expect(fromJson.encode(text, 'red'), text).toEqual(fromTxt.encode(text, 'red'));
  });

  it('reads the normaliser flags: a cased file keeps case and accents', () => {
    const j = tokenizerJson((j) => (j['normalizer'] = { ...j['normalizer'], lowercase: false }));
    const tok = BertTokenizer.fromTokenizerJson(j);
    expect([tok.basic.lowercase, tok.basic.stripAccents, tok.basic.handleChineseChars, tok.basic.cleanText]).toEqual([false, false, true, true]);
    expect(tok.tokenize('A, naïve AllenNLP')).toEqual(['A', ',', 'na', '##ï', '##ve', 'Allen', '##NL', '##P']);
  });

  it('reads a Sequence normaliser of Lowercase, NFD and StripAccents', () => {
    const settings = parseTokenizerJson(
      tokenizerJson((j) => (j['normalizer'] = { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'Lowercase' }, { type: 'StripAccents' }] })),
    );
    expect(settings.normalizer).toEqual({ lowercase: true, stripAccents: true, handleChineseChars: false, cleanText: false });
  });

  it('reads the continuation prefix, word length limit and [CLS]/[SEP] of the file', () => {
    const tokens = TOKENS.map((t) => t.replace(/^##/, '@@').replace('[CLS]', '<cls>').replace('[SEP]', '<sep>'));
    const j = tokenizerJson((j) => {
      j['model'].continuing_subword_prefix = '@@';
      j['model'].max_input_chars_per_word = 7;
      j['added_tokens'] = [];
      j['post_processor'] = { type: 'BertProcessing', cls: ['<cls>', 2], sep: ['<sep>', 3] };
    }, tokens);
    const tok = BertTokenizer.fromTokenizerJson(j);
    const enc = tok.encode('running unwanted');
    expect(enc.tokens).toEqual(['<cls>', 'runn', '@@ing', '[UNK]', '<sep>']); // "unwanted" has 8 > 7 characters
    expect(tok.decode(tok.encode('running').ids, { skipSpecialTokens: true })).toBe('running');
  });

  it('refuses another model type, naming the file and the type', async () => {
    const path = writeJson(tokenizerJson((j) => (j['model'] = { type: 'BPE', vocab: {}, merges: [] })));
    await expect(BertTokenizer.fromTokenizerJsonFile(path)).rejects.toThrow(
      new TokenizerError(`${path}: model.type is "BPE"; expected "WordPiece" (only BERT-style WordPiece tokenizers are supported)`),
    );
  });

  it('refuses normalisers and pre-tokenizers it does not implement', () => {
    expect(() => parseTokenizerJson(tokenizerJson((j) => (j['normalizer'] = { type: 'Precompiled' })), 'x.json')).toThrow(
      'x.json: normalizer type "Precompiled" is not supported',
    );
    expect(() => parseTokenizerJson(tokenizerJson((j) => (j['pre_tokenizer'] = { type: 'Metaspace' })), 'x.json')).toThrow(
      'x.json: pre_tokenizer.type is "Metaspace"; expected "BertPreTokenizer"',
    );
  });

  it('names malformed fields: JSON syntax, vocab ids, added tokens, model fields', () => {
    expect(() => parseTokenizerJson('{"model": ', 'x.json')).toThrow(/^x\.json: not valid JSON/);
    expect(() => parseTokenizerJson({ model: { type: 'WordPiece', vocab: { a: 0, b: 0 } } }, 'x.json')).toThrow(
      'x.json: id 0 is given to both "a" and "b"',
    );
    expect(() => parseTokenizerJson(tokenizerJson((j) => (j['added_tokens'][0].id = 7)), 'x.json')).toThrow(
      'x.json: added_tokens[0] "[PAD]" has id 7 but model.vocab gives it 0',
    );
    expect(() => parseTokenizerJson(tokenizerJson((j) => (j['model'].max_input_chars_per_word = -1)), 'x.json')).toThrow(
      'x.json: model.max_input_chars_per_word is -1; expected an integer >= 1',
    );
    expect(() => parseTokenizerJson({ version: '1.0' }, 'x.json')).toThrow('x.json: missing "model" object');
  });

  it('adds added tokens beyond the model vocabulary and keeps the special ones whole', () => {
    const j = tokenizerJson((j) => j['added_tokens'].push({ id: TOKENS.length, content: '[OBJ]', special: true }));
    const tok = BertTokenizer.fromTokenizerJson(j);
    expect(tok.vocab.id('[OBJ]')).toBe(TOKENS.length);
    expect(tok.tokenize('the[OBJ]is red')).toEqual(['the', '[OBJ]', 'is', 'red']);
  });
});
