// BERT's full tokenizer (basic tokenizer → WordPiece) with the model-input side of Hugging Face's
// BertTokenizer: [CLS]/[SEP], token type ids, truncation, padding, attention masks and decoding.
import { BasicTokenizer, type BasicTokenizerOptions, type Span } from './basic-tokenizer.ts';
import {
  checkEncodeOptions, padEncoding, paddedLength, truncationLengths,
  type EncodeOptions, type Encoding,
} from './encoding.ts';
import { parseTokenizerJson } from './tokenizer-json.ts';
import { Vocab, TokenizerError } from './vocab.ts';
import { WordPiece, type WordPieceOptions } from './wordpiece.ts';

/** The special tokens' strings; BERT's are the defaults. */
export interface SpecialTokens {
  readonly unk: string;
  readonly cls: string;
  readonly sep: string;
  readonly pad: string;
  readonly mask: string;
}

/** Options of a `BertTokenizer`: the basic tokenizer's, WordPiece's, and the special tokens. */
export interface BertTokenizerOptions extends Omit<BasicTokenizerOptions, 'neverSplit'>, Omit<WordPieceOptions, 'unkToken'> {
  /** Override any of [UNK] [CLS] [SEP] [PAD] [MASK]; each must be in the vocabulary. */
  readonly specialTokens?: Partial<SpecialTokens>;
  /** More tokens kept whole, besides the five special ones (e.g. added "[unused0]"-style markers). */
  readonly neverSplit?: readonly string[];
}

/** Options of `decode`. */
export interface DecodeOptions {
  /** Drop [CLS] [SEP] [PAD] [MASK] and [UNK] (Hugging Face counts [UNK] as special too). Default false. */
  readonly skipSpecialTokens?: boolean;
  /** Remove the space before . , ! ? and inside contractions ("do n't" → "don't"). Default true. */
  readonly cleanUpTokenizationSpaces?: boolean;
}

/** A single text or a (first, second) pair. */
export type TextInput = string | readonly [string, string];

export const BERT_SPECIAL_TOKENS: SpecialTokens = { unk: '[UNK]', cls: '[CLS]', sep: '[SEP]', pad: '[PAD]', mask: '[MASK]' };

// Tokens of one text: parallel arrays of pieces, ids and spans.
interface Pieces {
  readonly tokens: string[];
  readonly ids: number[];
  readonly offsets: Span[];
}

/**
 * BERT's WordPiece tokenizer.
 * @example
 * const tok = BertTokenizer.fromVocabText(vocabTxt);          // uncased by default
 * const enc = tok.encode('Is it red?', 'A red circle.', { maxLength: 16, padding: 'max_length' });
 * enc.ids; enc.tokenTypeIds; enc.attentionMask;               // 16 each
 * tok.decode(enc.ids, { skipSpecialTokens: true });           // 'is it red? a red circle.'
 */
export class BertTokenizer {
  readonly vocab: Vocab;
  readonly basic: BasicTokenizer;
  readonly wordPiece: WordPiece;
  readonly specialTokens: SpecialTokens;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  readonly maskId: number;
  private readonly specialIds: ReadonlySet<number>;

  constructor(vocab: Vocab, options: BertTokenizerOptions = {}) {
    this.vocab = vocab;
    const s: SpecialTokens = { ...BERT_SPECIAL_TOKENS, ...options.specialTokens };
    this.specialTokens = s;
    this.unkId = vocab.requireId(s.unk, 'unknown token (specialTokens.unk)');
    this.clsId = vocab.requireId(s.cls, 'classification token (specialTokens.cls)');
    this.sepId = vocab.requireId(s.sep, 'separator token (specialTokens.sep)');
    this.padId = vocab.requireId(s.pad, 'padding token (specialTokens.pad)');
    this.maskId = vocab.requireId(s.mask, 'mask token (specialTokens.mask)');
    this.specialIds = new Set([this.unkId, this.clsId, this.sepId, this.padId, this.maskId]);
    this.basic = new BasicTokenizer({ ...options, neverSplit: [s.unk, s.cls, s.sep, s.pad, s.mask, ...(options.neverSplit ?? [])] });
    this.wordPiece = new WordPiece(vocab, { ...options, unkToken: s.unk });
  }

  /** From the text of a vocab.txt (one token per line); `source` names it in errors. */
  static fromVocabText(text: string, options: BertTokenizerOptions = {}, source = 'vocab.txt'): BertTokenizer {
    return new BertTokenizer(Vocab.fromText(text, source), options);
  }

  /** From a vocab.txt file on disk (Node). */
  static async fromVocabFile(path: string, options: BertTokenizerOptions = {}): Promise<BertTokenizer> {
    const { readFile } = await import('node:fs/promises'); // loaded lazily: the rest works without Node
    return BertTokenizer.fromVocabText(await readFile(path, 'utf8'), options, path);
  }

  /**
   * From a Hugging Face tokenizer.json (text or parsed) with a WordPiece model: vocabulary,
   * normaliser flags, special and added tokens come from the file; `options` override them.
   */
  static fromTokenizerJson(json: unknown, options: BertTokenizerOptions = {}, source = 'tokenizer.json'): BertTokenizer {
    const t = parseTokenizerJson(json, source);
    return new BertTokenizer(t.vocab, {
      ...t.normalizer,
      continuingSubwordPrefix: t.continuingSubwordPrefix,
      maxInputCharsPerWord: t.maxInputCharsPerWord,
      ...options,
      specialTokens: {
        unk: t.unkToken,
        ...(t.clsToken === undefined ? {} : { cls: t.clsToken }),
        ...(t.sepToken === undefined ? {} : { sep: t.sepToken }),
        ...(t.padToken === undefined ? {} : { pad: t.padToken }),
        ...options.specialTokens,
      },
      neverSplit: [...t.specialTokens, ...(options.neverSplit ?? [])],
    });
  }

  /** From a tokenizer.json file on disk (Node). */
  static async fromTokenizerJsonFile(path: string, options: BertTokenizerOptions = {}): Promise<BertTokenizer> {
    const { readFile } = await import('node:fs/promises');
    return BertTokenizer.fromTokenizerJson(await readFile(path, 'utf8'), options, path);
  }

  /** Word pieces of `text`, without special tokens. */
  tokenize(text: string): string[] {
    return this.pieces(text).tokens;
  }

  /** Ids of `tokens`; a token outside the vocabulary maps to [UNK]. */
  convertTokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.vocab.id(t) ?? this.unkId);
  }

  /** Tokens of `ids`; an id outside the vocabulary is an error naming it and its position. */
  convertIdsToTokens(ids: readonly number[]): string[] {
    return ids.map((id, i) => {
      const token = this.vocab.token(id);
      if (token === undefined) {
        throw new TokenizerError(`decode: id ${id} at position ${i} is not in the vocabulary; expected an integer in 0..${this.vocab.size - 1}`);
      }
      return token;
    });
  }

  /**
   * Encodes a text or a pair: [CLS] A [SEP] (B [SEP]), truncated to `maxLength` and padded as
   * the options say. Offsets are spans in A for A's tokens and in B for B's.
   */
  encode(text: string, pair?: string, options: EncodeOptions = {}): Encoding {
    checkEncodeOptions(options);
    const enc = this.encodeUnpadded(text, pair, options);
    return padEncoding(enc, paddedLength(enc.ids.length, enc.ids.length, options), this.padId, this.specialTokens.pad);
  }

  /** Encodes each input; with padding `longest`, all come out as long as the longest (rounded up to `padToMultipleOf`). */
  encodeBatch(inputs: readonly TextInput[], options: EncodeOptions = {}): Encoding[] {
    checkEncodeOptions(options);
    const encs = inputs.map((x) => (typeof x === 'string' ? this.encodeUnpadded(x, undefined, options) : this.encodeUnpadded(x[0], x[1], options)));
    const longest = Math.max(0, ...encs.map((e) => e.ids.length));
    return encs.map((e) => padEncoding(e, paddedLength(e.ids.length, longest, options), this.padId, this.specialTokens.pad));
  }

  /**
   * Ids → text: word pieces joined (a "##" piece onto the previous one), other tokens separated
   * by spaces, then Hugging Face's clean_up_tokenization.
   */
  decode(ids: readonly number[], { skipSpecialTokens = false, cleanUpTokenizationSpaces = true }: DecodeOptions = {}): string {
    const tokens = this.convertIdsToTokens(ids).filter((_, i) => !(skipSpecialTokens && this.specialIds.has(ids[i]!)));
    const prefix = this.wordPiece.continuingSubwordPrefix;
    let text = '';
    tokens.forEach((t, i) => {
      // NOTE: a leading continuation piece keeps its "##", as in BERT (nothing to attach it to).
      if (i > 0 && t.startsWith(prefix)) text += t.slice(prefix.length);
      else text += (i > 0 ? ' ' : '') + t;
    });
    return cleanUpTokenizationSpaces ? cleanUpTokenization(text) : text;
  }

  // [CLS] A [SEP] (B [SEP]) after truncation, before padding.
  private encodeUnpadded(text: string, pair: string | undefined, options: EncodeOptions): Encoding {
    const addSpecial = options.addSpecialTokens ?? true;
    const a = this.pieces(text);
    const b = pair === undefined ? undefined : this.pieces(pair);
    const specials = addSpecial ? (b === undefined ? 2 : 3) : 0;
    const strategy = options.truncation ?? (options.maxLength === undefined ? 'do_not_truncate' : 'longest_first');
    const [keepA, keepB] = truncationLengths(a.ids.length, b?.ids.length, { maxLength: options.maxLength ?? 0, specials, strategy });

    const enc: Encoding = { ids: [], tokenTypeIds: [], attentionMask: [], specialTokensMask: [], tokens: [], offsets: [] };
    const push = (id: number, token: string, offset: Span, type: number, special: number): void => {
      enc.ids.push(id);
      enc.tokens.push(token);
      enc.offsets.push(offset);
      enc.tokenTypeIds.push(type);
      enc.attentionMask.push(1);
      enc.specialTokensMask.push(special);
    };
    const pushPieces = (p: Pieces, keep: number, type: number): void => {
      for (let i = 0; i < keep; i++) push(p.ids[i]!, p.tokens[i]!, p.offsets[i]!, type, 0);
      if (addSpecial) push(this.sepId, this.specialTokens.sep, [0, 0], type, 1);
    };
    if (addSpecial) push(this.clsId, this.specialTokens.cls, [0, 0], 0, 1);
    pushPieces(a, keepA, 0);
    if (b !== undefined) pushPieces(b, keepB, 1);
    return enc;
  }

  private pieces(text: string): Pieces {
    const out: Pieces = { tokens: [], ids: [], offsets: [] };
    for (const word of this.basic.words(text)) {
      if (word.neverSplit) {
        out.tokens.push(word.text);
        out.ids.push(this.vocab.id(word.text) ?? this.unkId);
        out.offsets.push([word.spans[0]![0], word.spans.at(-1)![1]]);
        continue;
      }
      for (const p of this.wordPiece.tokenizeWord(word.text)) {
        out.tokens.push(p.token);
        out.ids.push(this.vocab.id(p.token) ?? this.unkId);
        out.offsets.push([word.spans[p.start]![0], word.spans[p.end - 1]![1]]);
      }
    }
    return out;
  }
}

/**
 * Hugging Face's clean_up_tokenization: removes the space a tokenizer put before punctuation and
 * inside English contractions.
 * @example
 * cleanUpTokenization("hello , world ! do n't"); // "hello, world! don't"
 */
export function cleanUpTokenization(text: string): string {
  return text
    .replaceAll(' .', '.').replaceAll(' ?', '?').replaceAll(' !', '!').replaceAll(' ,', ',')
    .replaceAll(" ' ", "'").replaceAll(" n't", "n't").replaceAll(" 'm", "'m").replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve").replaceAll(" 're", "'re");
}
