// BERT WordPiece tokenization: vocab.txt / tokenizer.json loading, basic tokenizer, WordPiece, model inputs.
export { isCjkIdeograph, isControl, isPunctuation, isWhitespace } from './unicode.ts';
export { BasicTokenizer, type BasicTokenizerOptions, type Span, type Word } from './basic-tokenizer.ts';
export { WordPiece, type Piece, type TokenSet, type WordPieceOptions } from './wordpiece.ts';
export { TokenizerError, Vocab } from './vocab.ts';
export { parseTokenizerJson, type TokenizerJsonSettings } from './tokenizer-json.ts';
export {
  checkEncodeOptions, encodingToExample, padEncoding, paddedLength, truncationLengths, PADDING_STRATEGIES, TRUNCATION_STRATEGIES,
  type EncodeOptions, type Encoding, type PaddingStrategy, type TruncationStrategy,
} from './encoding.ts';
export {
  BertTokenizer, BERT_SPECIAL_TOKENS, cleanUpTokenization,
  type BertTokenizerOptions, type DecodeOptions, type SpecialTokens, type TextInput,
} from './bert-tokenizer.ts';
