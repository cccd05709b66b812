// Splits a byte stream into text lines as they arrive (any chunking), pure: the Node adapter feeds it
// file-stream chunks. '\n' and csv's '\r\n' both end a line; a last line without one is reported as such.

/** One line of a text file: its 1-based number, its text (no line ending) and whether one ended it. */
export interface TextLine {
  readonly number: number;
  readonly text: string;
  /** False only for a final line the file ends inside: a truncated file, or one saved without one. */
  readonly terminated: boolean;
}

/**
 * Incremental line splitter over UTF-8 bytes.
 * @example
 * const split = new LineSplitter();
 * [...split.push(chunk1), ...split.push(chunk2), ...split.end()];
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private pending = '';
  private count = 0;
  #bytes = 0;

  /** The complete lines `chunk` finishes. */
  push(chunk: Uint8Array): TextLine[] {
    // What was pending holds no '\n' (every one was consumed), so only the new text is searched:
    // a 400 KB feature line arrives in ~6 chunks and is not rescanned from its start each time.
    const searchFrom = this.pending.length;
    this.pending += this.#decode(chunk, true);
    const lines: TextLine[] = [];
    let start = 0;
    for (let nl = this.pending.indexOf('\n', searchFrom); nl >= 0; nl = this.pending.indexOf('\n', start)) {
      const end = nl > start && this.pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      lines.push({ number: ++this.count, text: this.pending.slice(start, end), terminated: true });
      start = nl + 1;
    }
    this.pending = this.pending.slice(start);
    return lines;
  }

  /** UTF-8 bytes to text; bytes that are not UTF-8 (a binary file) are an error naming the byte range. */
  #decode(chunk: Uint8Array | undefined, stream: boolean): string {
    const from = this.#bytes;
    this.#bytes += chunk?.length ?? 0;
    try {
      return this.decoder.decode(chunk, { stream });
    } catch (error) {
      throw new RangeError(`not UTF-8 text: invalid bytes in [${from}, ${this.#bytes}) (a binary file, not a text one?)`, { cause: error });
    }
  }

  /** The unterminated last line, if the input did not end with a line ending. */
  end(): TextLine[] {
    this.pending += this.#decode(undefined, false);
    const rest = this.pending;
    this.pending = '';
    return rest.length > 0 ? [{ number: ++this.count, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest, terminated: false }] : [];
  }
}
