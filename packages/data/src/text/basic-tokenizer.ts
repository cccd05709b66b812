// BERT's BasicTokenizer (tokenization.py): clean the text, split CJK ideographs, lower-case and
// strip accents, split on whitespace and punctuation, keeping each character's span in the input.
import { isCjkIdeograph, isControl, isPunctuation, isWhitespace } from './unicode.ts';

/** Options of the basic (pre-WordPiece) tokenizer; the defaults are those of an uncased BERT. */
export interface BasicTokenizerOptions {
  /** Lower-case every character (uncased vocabularies). Default true. */
  readonly lowercase?: boolean;
  /** Drop combining marks after NFD ("é" → "e"). Default: the value of `lowercase`, as in BERT. */
  readonly stripAccents?: boolean;
  /** Put each CJK ideograph in a word of its own. Default true. */
  readonly handleChineseChars?: boolean;
  /** Drop NUL, U+FFFD and control characters; turn every whitespace character into a space. Default true. */
  readonly cleanText?: boolean;
  /** Tokens kept whole wherever they occur, never normalised or split (e.g. "[MASK]"). */
  readonly neverSplit?: readonly string[];
}

/** A `[start, end)` span of UTF-16 code units in the original text: `text.slice(start, end)`. */
export type Span = readonly [start: number, end: number];

/** One word out of the basic tokenizer. */
export interface Word {
  /** The normalised word. */
  readonly text: string;
  /** One span in the original text per code point of `text` (a stripped accent stays in its letter's span). */
  readonly spans: readonly Span[];
  /** True for a `neverSplit` token: WordPiece must not cut it. */
  readonly neverSplit: boolean;
}

// Python's str.split() whitespace, which BERT's whitespace_tokenize uses: with cleanText off,
// \v, \f, U+001C–U+001F, U+0085, U+2028 and U+2029 still separate words.
const SPLIT_SPACE = /^[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029\p{Zs}]$/u;
const COMBINING_MARK = /\p{Mn}/gu;

/**
 * BERT's basic tokenizer: text → normalised words (no vocabulary needed).
 * @example
 * new BasicTokenizer().tokenize(' \tHäLLo!how  \n Are yoU?  '); // ['hallo', '!', 'how', 'are', 'you', '?']
 * new BasicTokenizer().tokenize('ah\u535A\u63A8zz');             // ['ah', '博', '推', 'zz']
 */
export class BasicTokenizer {
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  readonly handleChineseChars: boolean;
  readonly cleanText: boolean;
  readonly neverSplit: readonly string[];
  // Alternation of the never-split tokens, longest first so "[MASK2]" wins over "[MASK]".
  private readonly neverSplitPattern: RegExp | null;

  constructor(options: BasicTokenizerOptions = {}) {
    this.lowercase = options.lowercase ?? true;
    this.stripAccents = options.stripAccents ?? this.lowercase;
    this.handleChineseChars = options.handleChineseChars ?? true;
    this.cleanText = options.cleanText ?? true;
    const neverSplit = [...new Set(options.neverSplit ?? [])];
    for (const token of neverSplit) {
      if (token.length === 0) throw new RangeError('BasicTokenizer: neverSplit has an empty token; expected non-empty strings');
    }
    this.neverSplit = neverSplit;
    const sorted = [...neverSplit].sort((a, b) => b.length - a.length);
    this.neverSplitPattern = sorted.length === 0 ? null : new RegExp(sorted.map(escapeRegExp).join('|'), 'gu');
  }

  /** The normalised words of `text`. */
  tokenize(text: string): string[] {
    return this.words(text).map((w) => w.text);
  }

  /** The normalised words of `text`, each with the span of every code point in `text`. */
  words(text: string): Word[] {
    const out: Word[] = [];
    let from = 0;
    if (this.neverSplitPattern !== null) {
      for (const m of text.matchAll(this.neverSplitPattern)) {
        this.splitSegment(text, from, m.index, out);
        out.push({ text: m[0], spans: codePointSpans(m[0], m.index), neverSplit: true });
        from = m.index + m[0].length;
      }
    }
    this.splitSegment(text, from, text.length, out);
    return out;
  }

  /** Lower-case and strip accents from one character, as configured (may give 0, 1 or more code points). */
  normalizeChar(ch: string): string {
    let t = this.lowercase ? ch.toLowerCase() : ch;
    if (this.stripAccents) t = t.normalize('NFD').replace(COMBINING_MARK, '');
    return t;
  }

  // Words of text[from, to): one pass doing BERT's clean → CJK split → whitespace split →
  // lower/strip → punctuation split, character by character so each keeps its input span.
  private splitSegment(text: string, from: number, to: number, out: Word[]): void {
    let chars: string[] = [];
    let spans: Span[] = [];
    const flush = (): void => {
      if (chars.length > 0) out.push({ text: chars.join(''), spans, neverSplit: false });
      chars = [];
      spans = [];
    };
    for (let i = from; i < to; ) {
      const cp = text.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      const ch = text.slice(i, i + width);
      const span: Span = [i, i + width];
      i += width;
      if (this.cleanText && (cp === 0 || cp === 0xfffd || isControl(ch))) continue;
      if (isWhitespace(ch) || SPLIT_SPACE.test(ch)) {
        flush();
        continue;
      }
      const cjk = this.handleChineseChars && isCjkIdeograph(cp);
      if (cjk) flush();
      for (const c of this.normalizeChar(ch)) {
        if (isPunctuation(c)) {
          flush();
          out.push({ text: c, spans: [span], neverSplit: false });
        } else {
          chars.push(c);
          spans.push(span);
        }
      }
      if (cjk) flush();
    }
    flush();
  }
}

/** One span per code point of `s`, placed at `offset` in the original text. */
function codePointSpans(s: string, offset: number): Span[] {
  const spans: Span[] = [];
  let i = offset;
  for (const c of s) {
    spans.push([i, i + c.length]);
    i += c.length;
  }
  return spans;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
