// Model inputs for BERT: an encoding's fields, truncation of a sequence (pair) to a length budget
// and padding, with Hugging Face's strategy names and arithmetic.
import type { HostTensor } from '../types.ts';
import type { Span } from './basic-tokenizer.ts';
import { TokenizerError } from './vocab.ts';

/** One encoded sequence or pair, every field of the same length T. */
export interface Encoding {
  /** Vocabulary ids: [CLS] A [SEP] (B [SEP]) then [PAD]s. */
  readonly ids: number[];
  /** 0 for [CLS], A and its [SEP]; 1 for B and its [SEP]; 0 for padding. */
  readonly tokenTypeIds: number[];
  /** 1 for real tokens, 0 for padding. */
  readonly attentionMask: number[];
  /** 1 for [CLS], [SEP] and [PAD], 0 for tokens of the text. */
  readonly specialTokensMask: number[];
  /** The tokens of `ids`. */
  readonly tokens: string[];
  /** UTF-16 span of each token in its own input text (A or B); [0, 0] for special tokens. */
  readonly offsets: Span[];
}

/** How to cut a too-long input to `maxLength` (Hugging Face's names). */
export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second' | 'do_not_truncate';
/** `max_length`: pad to `maxLength`; `longest`: to the longest in the batch; `do_not_pad`. */
export type PaddingStrategy = 'do_not_pad' | 'max_length' | 'longest';

/** Options of `BertTokenizer.encode` / `encodeBatch`. */
export interface EncodeOptions {
  /** Add [CLS] and [SEP]s. Default true. */
  readonly addSpecialTokens?: boolean;
  /** Length limit (special tokens included) for truncation and `max_length` padding. */
  readonly maxLength?: number;
  /** Default `longest_first` when `maxLength` is given. */
  readonly truncation?: TruncationStrategy;
  /** Default `do_not_pad`. */
  readonly padding?: PaddingStrategy;
  /** Round the padded length up to a multiple of this (e.g. 8 for tensor-core friendly shapes). */
  readonly padToMultipleOf?: number;
}

export const TRUNCATION_STRATEGIES: readonly TruncationStrategy[] = ['longest_first', 'only_first', 'only_second', 'do_not_truncate'];
export const PADDING_STRATEGIES: readonly PaddingStrategy[] = ['do_not_pad', 'max_length', 'longest'];

/** Checks the options up front, so a bad value fails with its name whatever the input. */
export function checkEncodeOptions(o: EncodeOptions): void {
  const positive = (name: 'maxLength' | 'padToMultipleOf'): void => {
    const v = o[name];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new RangeError(`encode: ${name} must be an integer >= 1, got ${v}`);
  };
  positive('maxLength');
  positive('padToMultipleOf');
  if (o.truncation !== undefined && !TRUNCATION_STRATEGIES.includes(o.truncation)) {
    throw new RangeError(`encode: truncation must be one of ${TRUNCATION_STRATEGIES.join(', ')}, got ${JSON.stringify(o.truncation)}`);
  }
  if (o.padding !== undefined && !PADDING_STRATEGIES.includes(o.padding)) {
    throw new RangeError(`encode: padding must be one of ${PADDING_STRATEGIES.join(', ')}, got ${JSON.stringify(o.padding)}`);
  }
  if (o.padding === 'max_length' && o.maxLength === undefined) throw new RangeError("encode: padding 'max_length' needs maxLength");
  if (o.truncation !== undefined && o.truncation !== 'do_not_truncate' && o.maxLength === undefined) {
    throw new RangeError(`encode: truncation '${o.truncation}' needs maxLength`);
  }
}

/**
 * How many tokens of A and B to keep so that A + B + `specials` ≤ `maxLength`.
 * `longest_first` takes one token at a time from the longer sequence (from B on a tie), as
 * Hugging Face does, in closed form.
 * @example
 * truncationLengths(7, 3, { maxLength: 8, specials: 3, strategy: 'longest_first' }); // [3, 2]
 */
export function truncationLengths(
  lenA: number,
  lenB: number | undefined,
  { maxLength, specials, strategy }: { maxLength: number; specials: number; strategy: TruncationStrategy },
): [number, number] {
  const b = lenB ?? 0;
  if (strategy === 'do_not_truncate') return [lenA, b];
  const budget = maxLength - specials;
  const what = lenB === undefined ? 'a single sequence' : 'a pair';
  if (budget < 0) {
    throw new TokenizerError(`encode: maxLength ${maxLength} is too small; the special tokens of ${what} take ${specials}, so expected maxLength >= ${specials}`);
  }
  const excess = lenA + b - budget;
  if (excess <= 0) return [lenA, b];
  if (strategy === 'only_second' && lenB === undefined) {
    throw new TokenizerError("encode: truncation 'only_second' needs a second sequence; use 'longest_first' or 'only_first'");
  }
  const cut = (len: number, which: string): number => {
    if (excess > len) {
      throw new TokenizerError(
        `encode: truncation '${strategy}' cannot fit ${lenA}${lenB === undefined ? '' : ` + ${b}`} tokens into maxLength ${maxLength}: ` +
          `the ${which} sequence has only ${len} to remove ${excess} from; use 'longest_first' or a larger maxLength`,
      );
    }
    return len - excess;
  };
  if (strategy === 'only_first') return [cut(lenA, 'first'), b];
  if (strategy === 'only_second') return [lenA, cut(b, 'second')];
  // longest_first: equalise first, then alternate B, A, B, … (B loses the odd one).
  const first = Math.min(Math.abs(lenA - b), excess);
  const rest = excess - first;
  return lenA > b ? [lenA - first - Math.floor(rest / 2), b - Math.ceil(rest / 2)] : [lenA - Math.floor(rest / 2), b - first - Math.ceil(rest / 2)];
}

/** The padded length for a sequence of `length` under the options (`longest` means the batch's `longest`). */
export function paddedLength(length: number, longest: number, o: EncodeOptions): number {
  const padding = o.padding ?? 'do_not_pad';
  let target = padding === 'max_length' ? o.maxLength! : padding === 'longest' ? longest : length;
  target = Math.max(target, length); // padding never cuts: a longer untruncated input stays as it is
  const m = o.padToMultipleOf;
  return padding !== 'do_not_pad' && m !== undefined ? Math.ceil(target / m) * m : target;
}

/** `enc` padded on the right to `length` with `padId`/`padToken`. */
export function padEncoding(enc: Encoding, length: number, padId: number, padToken: string): Encoding {
  const n = length - enc.ids.length;
  if (n <= 0) return enc;
  const fill = <T>(xs: T[], v: T): T[] => xs.concat(Array.from({ length: n }, () => v));
  return {
    ids: fill(enc.ids, padId),
    tokenTypeIds: fill(enc.tokenTypeIds, 0),
    attentionMask: fill(enc.attentionMask, 0),
    specialTokensMask: fill(enc.specialTokensMask, 1),
    tokens: fill(enc.tokens, padToken),
    offsets: fill<Span>(enc.offsets, [0, 0]),
  };
}

/**
 * The model-input fields of one encoding as Int32 host arrays of shape [T], ready for `collate`
 * to stack into [B, T] tensors (field names as the VL models read them).
 */
export function encodingToExample(enc: Encoding): { inputIds: HostTensor; tokenTypeIds: HostTensor; attentionMask: HostTensor } {
  const shape = [enc.ids.length];
  return {
    inputIds: { data: Int32Array.from(enc.ids), shape },
    tokenTypeIds: { data: Int32Array.from(enc.tokenTypeIds), shape },
    attentionMask: { data: Int32Array.from(enc.attentionMask), shape },
  };
}
