// WordPiece (BERT's WordpieceTokenizer): greedy longest-match-first over a vocabulary, with
// continuation pieces marked by a prefix ("##"), and one unknown token for a word it can't cover.

/** Options of WordPiece; the defaults are BERT's. */
export interface WordPieceOptions {
  /** Token for a word that can't be covered or is too long. Default "[UNK]". */
  readonly unkToken?: string;
  /** Prefix of a piece that continues a word. Default "##". */
  readonly continuingSubwordPrefix?: string;
  /** Words longer than this many code points become `unkToken`. Default 100. */
  readonly maxInputCharsPerWord?: number;
}

/** One piece of a word: the vocabulary token and the code points `[start, end)` of the word it covers. */
export interface Piece {
  readonly token: string;
  readonly start: number;
  readonly end: number;
}

/** What WordPiece needs of a vocabulary. */
export interface TokenSet {
  has(token: string): boolean;
}

const SPACE = /\s+/u;

/**
 * Greedy longest-match-first WordPiece.
 * @example
 * const wp = new WordPiece(new Set(['[UNK]', 'un', '##want', '##ed', 'runn', '##ing']));
 * wp.tokenize('unwanted running');  // ['un', '##want', '##ed', 'runn', '##ing']
 * wp.tokenize('unwantedX running'); // ['[UNK]', 'runn', '##ing']
 */
export class WordPiece {
  readonly unkToken: string;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;

  constructor(
    private readonly vocab: TokenSet,
    options: WordPieceOptions = {},
  ) {
    this.unkToken = options.unkToken ?? '[UNK]';
    this.continuingSubwordPrefix = options.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    const max = this.maxInputCharsPerWord;
    if (!(Number.isInteger(max) && max >= 1)) {
      throw new RangeError(`WordPiece: maxInputCharsPerWord must be an integer >= 1, got ${max}`);
    }
  }

  /** Pieces of every whitespace-separated word of `text` (already normalised). */
  tokenize(text: string): string[] {
    return text.split(SPACE).filter((w) => w.length > 0).flatMap((w) => this.tokenizeWord(w).map((p) => p.token));
  }

  /** Pieces of one word; `[unkToken]` covering the whole word when no split exists or it is too long. */
  tokenizeWord(word: string): Piece[] {
    const chars = Array.from(word); // code points: a surrogate pair is never cut
    if (chars.length === 0) return [];
    const unknown: Piece[] = [{ token: this.unkToken, start: 0, end: chars.length }];
    if (chars.length > this.maxInputCharsPerWord) return unknown;
    const pieces: Piece[] = [];
    for (let start = 0; start < chars.length; ) {
      let end = chars.length;
      let match: string | undefined;
      for (; end > start; end--) {
        const sub = chars.slice(start, end).join('');
        const candidate = start > 0 ? this.continuingSubwordPrefix + sub : sub;
        if (this.vocab.has(candidate)) {
          match = candidate;
          break;
        }
      }
      // NOTE: one uncoverable remainder makes the whole word unknown (not just its tail), as in BERT.
      if (match === undefined) return unknown;
      pieces.push({ token: match, start, end });
      start = end;
    }
    return pieces;
  }
}
