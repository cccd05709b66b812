// JSON text from a data file (annotations, vocabularies) parsed with an error that names the file:
// a truncated download ends mid-record, and JSON.parse alone does not say which file that was.

/** A data file that is not valid JSON; the message names the file and its length. */
export class JsonTextError extends SyntaxError {
  override readonly name = 'JsonTextError';
}

/**
 * Parses JSON text, naming the file when it is not JSON (its length hints at truncation).
 * @example
 * const json = parseJsonText(text, 'v2_mscoco_val2014_annotations.json');
 */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new JsonTextError(`${file}: not valid JSON (${text.length} characters; truncated?): ${reason}`, { cause: error });
  }
}
