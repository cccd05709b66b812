// A WordPiece vocabulary: token ↔ id, read from BERT's vocab.txt (id = line index) or from
// token → id entries (a Hugging Face tokenizer.json), rejecting duplicates and holes up front.

/** A malformed vocabulary or tokenizer file, or a tokenizer asked for something it can't do. */
export class TokenizerError extends Error {
  override readonly name = 'TokenizerError';
}

/**
 * Token ↔ id map of a WordPiece vocabulary; `source` (a file name) appears in every error.
 * @example
 * const vocab = Vocab.fromText('[PAD]\n[UNK]\nhello\n');
 * vocab.id('hello'); // 2
 * vocab.token(1);    // '[UNK]'
 */
export class Vocab {
  private constructor(
    private readonly ids: ReadonlyMap<string, number>,
    private readonly tokens: readonly string[],
    /** Where the vocabulary came from, for error messages. */
    readonly source: string,
  ) {}

  /**
   * Parses vocab.txt: one token per line, id = 0-based line index; "\r\n" endings and a final
   * newline are accepted. An empty line or a repeated token is an error (either would shift or
   * alias ids silently).
   */
  static fromText(text: string, source = 'vocab.txt'): Vocab {
    const lines = text.replace(/^\uFEFF/, '').split('\n');
    if (lines.at(-1) === '') lines.pop(); // the newline after the last token
    const ids = new Map<string, number>();
    const tokens: string[] = [];
    lines.forEach((line, i) => {
      const token = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (token.length === 0) throw new TokenizerError(`${source} line ${i + 1}: empty token; expected one token per line`);
      const first = ids.get(token);
      if (first !== undefined) {
        throw new TokenizerError(
          `${source} line ${i + 1}: duplicate token ${JSON.stringify(token)} (first at line ${first + 1}); expected each token once`,
        );
      }
      ids.set(token, i);
      tokens.push(token);
    });
    if (tokens.length === 0) throw new TokenizerError(`${source}: no tokens; expected one token per line`);
    return new Vocab(ids, tokens, source);
  }

  /** Builds a vocabulary from token → id entries; the ids must be exactly 0..n-1, each once. */
  static fromEntries(entries: Iterable<readonly [string, number]>, source: string): Vocab {
    const ids = new Map<string, number>();
    const tokens: string[] = [];
    for (const [token, id] of entries) {
      if (!(Number.isInteger(id) && id >= 0)) {
        throw new TokenizerError(`${source}: token ${JSON.stringify(token)} has id ${JSON.stringify(id)}; expected an integer >= 0`);
      }
      if (ids.has(token)) throw new TokenizerError(`${source}: duplicate token ${JSON.stringify(token)}; expected each token once`);
      const other = tokens[id];
      if (other !== undefined) {
        throw new TokenizerError(
          `${source}: id ${id} is given to both ${JSON.stringify(other)} and ${JSON.stringify(token)}; expected one token per id`,
        );
      }
      ids.set(token, id);
      tokens[id] = token;
    }
    for (let id = 0; id < tokens.length; id++) {
      if (tokens[id] === undefined) {
        throw new TokenizerError(`${source}: no token has id ${id}; expected ids 0..${tokens.length - 1} without gaps`);
      }
    }
    if (tokens.length === 0) throw new TokenizerError(`${source}: empty vocabulary; expected at least one token`);
    return new Vocab(ids, tokens, source);
  }

  /** Number of tokens (ids are 0..size-1). */
  get size(): number {
    return this.tokens.length;
  }

  /** Whether `token` is in the vocabulary. */
  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** The id of `token`, or undefined. */
  id(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** The token with id `id`, or undefined. */
  token(id: number): string | undefined {
    return this.tokens[id];
  }

  /** The id of a special token, with an error naming its role when the vocabulary lacks it. */
  requireId(token: string, role: string): number {
    const id = this.ids.get(token);
    if (id === undefined) {
      throw new TokenizerError(
        `${this.source}: ${role} ${JSON.stringify(token)} is not in the vocabulary (${this.size} tokens); add it or pass the token this vocabulary uses`,
      );
    }
    return id;
  }
}
